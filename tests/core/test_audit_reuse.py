"""Reopening an audit reuses the checks on record only while the revision, the analysis
text, the incident window and the checks version they were made from all still hold.

To see whether a reopen re-ran the checks, the stored detail of one check is overwritten in
the session file between the two opens: a reuse keeps the marker, a fresh check replaces it.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from gitbuild import commit

from whys.core.audit import CHECKS_STAMP_KEY, open_audit
from whys.samples.build import build_case, case_dir

MARKER = "stored detail, left as the session file says"


@pytest.fixture
def audit_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    repo_dir = build_case("checkout", tmp_path / "repos")
    analysis = tmp_path / "db-pool.md"
    analysis.write_bytes((case_dir("checkout") / "db-pool-five-whys.md").read_bytes())
    return repo_dir, analysis, tmp_path / "review.json"


def _mark_first_check(session_path: Path, **stamp_changes: str) -> None:
    document = json.loads(session_path.read_text(encoding="utf-8"))
    audit = document["analyses"][0]
    audit["checks"][0]["detail"] = MARKER
    for stamp in document["ui"][CHECKS_STAMP_KEY].values():
        stamp.update(stamp_changes)
    session_path.write_text(json.dumps(document), encoding="utf-8")


def _first_detail(store) -> str:
    return store.audit(0).checks[0].detail


def test_an_unchanged_audit_reopens_with_the_checks_on_record(audit_files) -> None:
    repo_dir, analysis, session_path = audit_files
    store, _ = open_audit([analysis], repo_dir, session_path=session_path)
    fresh = store.audit(0).checks
    assert fresh
    _mark_first_check(session_path)

    reopened, _ = open_audit([analysis], repo_dir, session_path=session_path)
    assert _first_detail(reopened) == MARKER  # not checked again
    assert [c.status for c in reopened.audit(0).checks] == [c.status for c in fresh]


def test_a_changed_analysis_is_checked_again(audit_files) -> None:
    repo_dir, analysis, session_path = audit_files
    open_audit([analysis], repo_dir, session_path=session_path)
    _mark_first_check(session_path)
    analysis.write_text(analysis.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")

    reopened, _ = open_audit([analysis], repo_dir, session_path=session_path)
    assert _first_detail(reopened) != MARKER


def test_a_moved_revision_is_checked_again(audit_files) -> None:
    repo_dir, analysis, session_path = audit_files
    open_audit([analysis], repo_dir, session_path=session_path)
    _mark_first_check(session_path)
    commit(repo_dir, {"NOTES.txt": "later work\n"}, "later work", "2026-04-01T00:00:00+00:00")

    reopened, _ = open_audit([analysis], repo_dir, session_path=session_path)
    assert _first_detail(reopened) != MARKER


def test_another_checks_version_is_checked_again(audit_files) -> None:
    repo_dir, analysis, session_path = audit_files
    open_audit([analysis], repo_dir, session_path=session_path)
    _mark_first_check(session_path, checks_version="0-older")

    reopened, _ = open_audit([analysis], repo_dir, session_path=session_path)
    assert _first_detail(reopened) != MARKER


def test_an_incident_corrected_by_the_auditor_is_checked_again(audit_files) -> None:
    repo_dir, analysis, session_path = audit_files
    store, _ = open_audit([analysis], repo_dir, session_path=session_path)
    store.set_incident(0, start=datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    _mark_first_check(session_path)

    reopened, _ = open_audit([analysis], repo_dir, session_path=session_path)
    assert _first_detail(reopened) != MARKER


def test_a_tag_moved_since_is_checked_again(audit_files) -> None:
    # The revision is the same, but a claim can name a tag or a branch ("the fix is in
    # v1.5"): a ref made, moved or deleted since the checks can change their outcome.
    repo_dir, analysis, session_path = audit_files
    open_audit([analysis], repo_dir, session_path=session_path)
    _mark_first_check(session_path)
    subprocess.run(["git", "-C", str(repo_dir), "tag", "v9.9"], check=True)

    reopened, _ = open_audit([analysis], repo_dir, session_path=session_path)
    assert _first_detail(reopened) != MARKER


def test_a_deepened_shallow_clone_is_checked_again(audit_files, tmp_path: Path) -> None:
    # The revision is the same, but the history behind it grew: commits the analysis cites
    # were beyond the shallow clone's history, and now are in it.
    repo_dir, analysis, _ = audit_files
    shallow = tmp_path / "shallow"
    clone = ["git", "clone", "-q", "--depth", "1", f"file://{repo_dir}", str(shallow)]
    subprocess.run(clone, check=True)
    session_path = tmp_path / "shallow-review.json"
    cut, _ = open_audit([analysis], shallow, session_path=session_path)
    cut_statuses = [check.status for check in cut.audit(0).checks]
    assert "unverifiable" in cut_statuses

    subprocess.run(["git", "-C", str(shallow), "fetch", "-q", "--unshallow"], check=True)
    deepened, _ = open_audit([analysis], shallow, session_path=session_path)
    statuses = [check.status for check in deepened.audit(0).checks]
    whole, _ = open_audit([analysis], repo_dir, session_path=tmp_path / "whole.json")
    assert statuses == [check.status for check in whole.audit(0).checks] != cut_statuses

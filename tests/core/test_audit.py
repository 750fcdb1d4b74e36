"""The audit entry point shared by `whys open`, `whys demo` and `whys check --session`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from whys.core.audit import (
    check_analyses,
    needs_checks,
    open_audit,
    open_session,
    record_in_session,
)
from whys.errors import BadRevisionError
from whys.samples.build import build_case, case_dir


def _rules(store, index: int) -> set[str]:
    return {finding.rule for finding in store.audit(index).findings}


def test_reopening_keeps_the_auditors_incident_correction(tmp_path: Path) -> None:
    repo_dir = build_case("checkout", tmp_path / "repos")
    analysis = case_dir("checkout") / "db-pool-five-whys.md"
    session_path = tmp_path / "review.json"

    store, _ = open_audit([analysis], repo_dir, session_path=session_path)
    assert "cause-after-incident" in _rules(store, 0)

    # The auditor learns the failure really began at 16:00, after the cited commit landed.
    store.set_incident(0, start=datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    reopened, _ = open_audit([analysis], repo_dir, session_path=session_path)

    incident = reopened.audit(0).analysis.incident
    assert incident.start == datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    assert incident.sources["start"] == "auditor"
    assert "cause-after-incident" not in _rules(reopened, 0)


def test_the_same_analysis_named_two_ways_is_one_audit(tmp_path: Path, monkeypatch) -> None:
    repo_dir = build_case("checkout", tmp_path / "repos")
    folder = case_dir("checkout")
    session_path = tmp_path / "review.json"
    open_audit([folder / "db-pool-five-whys.md"], repo_dir, session_path=session_path)

    monkeypatch.chdir(folder)
    store, _ = open_audit([Path("db-pool-five-whys.md")], repo_dir, session_path=session_path)
    assert len(store.session.analyses) == 1


def test_open_session_reads_and_resumes_without_checking(tmp_path: Path) -> None:
    repo_dir = build_case("checkout", tmp_path / "repos")
    analysis = case_dir("checkout") / "db-pool-five-whys.md"
    session_path = tmp_path / "review.json"

    store, repo = open_session([analysis], repo_dir, session_path=session_path)
    audit = store.audit(0)
    assert audit.analysis.claims and audit.checks == [] and audit.findings == []
    assert needs_checks(audit, store.session.revision_sha)
    assert store.session.revision_sha == repo.resolve_revision("HEAD")

    # The checks, run apart (the workbench's worker), land in the same session.
    record_in_session(store, check_analyses([audit.analysis], repo, store=store))
    store.record_verdict(0, "why", "1", "needs-evidence", "show the pool graph", "a@example.dev")
    assert not needs_checks(store.audit(0), store.session.revision_sha)

    # Reopened unchanged: the verdict and the checks on record are there before any check.
    reopened, _ = open_session([analysis], repo_dir, session_path=session_path)
    again = reopened.audit(0)
    assert [v.note for v in again.verdicts] == ["show the pool graph"]
    assert again.checks == store.audit(0).checks
    assert not needs_checks(again, reopened.session.revision_sha)


def test_open_session_refuses_a_bad_revision_before_anything_is_saved(tmp_path: Path) -> None:
    repo_dir = build_case("checkout", tmp_path / "repos")
    analysis = case_dir("checkout") / "db-pool-five-whys.md"
    session_path = tmp_path / "review.json"
    with pytest.raises(BadRevisionError):
        open_session([analysis], repo_dir, "no-such-tag", session_path)
    assert not session_path.exists()


def test_a_changed_analysis_is_reopened_unchecked_with_its_verdicts(tmp_path: Path) -> None:
    repo_dir = build_case("checkout", tmp_path / "repos")
    analysis = tmp_path / "db-pool.md"
    analysis.write_bytes((case_dir("checkout") / "db-pool-five-whys.md").read_bytes())
    session_path = tmp_path / "review.json"
    store, _ = open_audit([analysis], repo_dir, session_path=session_path)
    store.record_verdict(0, "why", "1", "rejected", "wrong pool", "a@example.dev")

    analysis.write_text(analysis.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    reopened, _ = open_session([analysis], repo_dir, session_path=session_path)
    audit = reopened.audit(0)
    assert audit.checks == [] and needs_checks(audit, reopened.session.revision_sha)
    assert [v.note for v in audit.verdicts] == ["wrong pool"]

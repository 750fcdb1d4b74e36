"""Drift: evidence pinned in a verdict file, re-run on a real repository that moved on."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from gitbuild import commit, git, git_env, make_repo
from session_samples import make_session

from whys.core.checks import CHECKS_VERSION
from whys.core.drift import check_analysis_files, check_drift, describe_changes
from whys.core.evidence import collect
from whys.core.reader import read_analysis
from whys.core.repo import open_repo
from whys.core.session import SessionStore
from whys.core.verdict import VerdictFile, build_verdict_file
from whys.errors import BadInputError

PAYMENTS_BEFORE = "def charge(card):\n    retries = 0\n    return send(card, retries)\n"
PAYMENTS_FIXED = PAYMENTS_BEFORE.replace("retries = 0", "retries = 3  # fix: retry transient 502s")
PAYMENTS_ANALYSIS = """# Payments returned 502s

## Five Whys

1. Why did payments fail? The gateway gave 502s and nothing retried.
2. Why did nothing retry? `retries = 0` in `app/pay.py`.

## Root cause

No retries on transient gateway errors.
"""


@pytest.fixture
def history(tmp_path: Path) -> dict[str, object]:
    repo = make_repo(
        tmp_path,
        [
            {
                "files": {"app/pay.py": PAYMENTS_BEFORE, "app/api.py": "retries = 0\n"},
                "message": "payments",
                "date": "2026-02-01T10:00:00+00:00",
            },
            {
                "files": {"app/pay.py": PAYMENTS_FIXED},
                "message": "fix: retry transient 502s",
                "date": "2026-02-03T10:00:00+00:00",
            },
        ],
    )
    fix = git(repo, "rev-parse", "HEAD").strip()
    return {"repo": repo, "fix": fix}


def _verdict_for(tmp_path: Path, repo: Path, fix: str) -> VerdictFile:
    git_repo = open_repo(repo)
    session = make_session(repo=str(repo))
    session.revision_sha = fix
    store = SessionStore(tmp_path / "s.json", session)
    queries = [
        ({"op": "grep", "pattern": "retries = 3", "fixed_strings": True}, "2"),
        ({"op": "commit", "sha": fix[:9]}, "3"),
        ({"op": "count", "pattern": "retries = 3", "unit": "files", "fixed_strings": True}, "3"),
    ]
    for query, why in queries:
        store.attach_evidence(0, collect(git_repo, query, fix, why=why, created_by="ana@x"))
    return build_verdict_file(store.session, CHECKS_VERSION)


def test_pinned_evidence_reruns_the_same(tmp_path: Path, history: dict[str, object]) -> None:
    repo, fix = history["repo"], history["fix"]
    assert isinstance(repo, Path) and isinstance(fix, str)
    verdict = _verdict_for(tmp_path, repo, fix)
    results = check_drift(verdict, open_repo(repo))
    assert [(item.at, item.status) for item in results] == [("pinned", "same")] * 3
    # Same commit, nothing new: re-running at HEAD is the pinned run, not a second one.
    assert len(check_drift(verdict, open_repo(repo), "HEAD")) == 3


def test_a_reverted_fix_drifts(tmp_path: Path, history: dict[str, object]) -> None:
    repo, fix = history["repo"], history["fix"]
    assert isinstance(repo, Path) and isinstance(fix, str)
    verdict = _verdict_for(tmp_path, repo, fix)
    git(repo, "revert", "--no-edit", fix, env=git_env("2026-02-10T10:00:00+00:00"))

    results = check_drift(verdict, open_repo(repo), "HEAD")
    pinned = [item for item in results if item.at == "pinned"]
    newer = {item.kind: item for item in results if item.at == "newer"}
    assert all(item.status == "same" for item in pinned)
    assert {kind: item.status for kind, item in newer.items()} == {
        "grep": "drifted",
        "commit": "drifted",
        "count": "drifted",
    }
    assert newer["commit"].detail.startswith(f"commit {fix[:9]} was reverted by ")
    assert 'Revert "fix: retry transient 502s"' in newer["commit"].detail
    assert newer["grep"].changes == ["- app/pay.py:2:    retries = 3  # fix: retry transient 502s"]
    assert newer["count"].changes == ["- 1 files", "+ 0 files"]


def test_a_moved_line_is_reported_as_moved(tmp_path: Path, history: dict[str, object]) -> None:
    repo, fix = history["repo"], history["fix"]
    assert isinstance(repo, Path) and isinstance(fix, str)
    verdict = _verdict_for(tmp_path, repo, fix)
    commit(
        repo,
        {"app/pay.py": "import logging\n\n" + PAYMENTS_FIXED},
        "log payments",
        "2026-02-11T10:00:00+00:00",
    )
    results = check_drift(verdict, open_repo(repo), "HEAD")
    [grep] = [item for item in results if item.at == "newer" and item.kind == "grep"]
    assert grep.status == "moved" and not grep.failed  # moved is not changed
    assert grep.detail.startswith("the same lines moved")
    assert grep.changes == [
        "moved: app/pay.py:2 -> line 4: retries = 3  # fix: retry transient 502s"
    ]
    [commit_item] = [item for item in results if item.at == "newer" and item.kind == "commit"]
    assert commit_item.status == "same"  # still there, still in the newer revision


def test_an_edited_digest_drifts_at_the_pinned_revision(
    tmp_path: Path, history: dict[str, object]
) -> None:
    repo, fix = history["repo"], history["fix"]
    assert isinstance(repo, Path) and isinstance(fix, str)
    verdict = _verdict_for(tmp_path, repo, fix)
    verdict.analyses[0].evidence[0].digest.sha256 = "0" * 64
    [first, *_] = check_drift(verdict, open_repo(repo))
    assert first.status == "drifted"
    assert "differs at the revision it was pinned to" in first.detail


def test_the_wrong_repository_is_bad_input(tmp_path: Path, history: dict[str, object]) -> None:
    repo, fix = history["repo"], history["fix"]
    assert isinstance(repo, Path) and isinstance(fix, str)
    verdict = _verdict_for(tmp_path, repo, fix)
    other = make_repo(tmp_path, [{"files": {"x": "y\n"}, "message": "other"}], name="other")
    with pytest.raises(BadInputError, match="does not contain .* the revision this verdict"):
        check_drift(verdict, open_repo(other))


def test_a_redacted_query_is_skipped_not_failed(tmp_path: Path, history: dict[str, object]) -> None:
    repo, fix = history["repo"], history["fix"]
    assert isinstance(repo, Path) and isinstance(fix, str)
    verdict = _verdict_for(tmp_path, repo, fix)
    verdict.analyses[0].evidence[0].query["pattern"] = "API_TOKEN=[REDACTED:secret-assignment]"
    [first, *_] = check_drift(verdict, open_repo(repo))
    assert first.status == "skipped" and not first.failed


def test_describe_changes_lists_removed_then_added() -> None:
    before = "a.py:1:x\na.py:5:keep\n"
    after = "a.py:5:keep\nb.py:2:new\n"
    assert describe_changes(before, after) == ["- a.py:1:x", "+ b.py:2:new"]


def test_results_naming_the_rerun_revision_do_not_drift_by_themselves(
    tmp_path: Path, history: dict[str, object]
) -> None:
    repo, fix = history["repo"], history["fix"]
    assert isinstance(repo, Path) and isinstance(fix, str)
    first = git(repo, "rev-parse", "HEAD~1").strip()
    git_repo = open_repo(repo)
    session = make_session(repo=str(repo))
    session.revision_sha = fix
    store = SessionStore(tmp_path / "s.json", session)
    for query in (
        {"op": "commit", "sha": first},  # "commit <first>" / "in <fix>: yes"
        {"op": "ancestry", "ancestor": first, "descendant": fix},
    ):
        store.attach_evidence(0, collect(git_repo, query, fix, why="1"))
    verdict = build_verdict_file(store.session, CHECKS_VERSION)
    # Re-run at `first` itself: both results still hold, though the text names `first`.
    newer = [item for item in check_drift(verdict, git_repo, first) if item.at == "newer"]
    assert [(item.kind, item.status) for item in newer] == [("commit", "same"), ("commit", "same")]


def test_analysis_files_are_rehashed_where_they_can_be_found(
    tmp_path: Path, history: dict[str, object]
) -> None:
    repo, fix = history["repo"], history["fix"]
    assert isinstance(repo, Path) and isinstance(fix, str)
    written = tmp_path / "postmortems" / "PAYMENTS.md"
    written.parent.mkdir()
    written.write_text(PAYMENTS_ANALYSIS)
    session = make_session(repo=str(repo))
    session.revision_sha = fix
    store = SessionStore(tmp_path / "s.json", session)
    store.upsert_analysis(read_analysis(written), fix, [], [])
    verdict = build_verdict_file(store.session, CHECKS_VERSION)

    missing, found = check_analysis_files(verdict, default_dir=tmp_path)
    assert (missing.status, missing.failed) == ("not-rehashed", False)
    assert missing.detail == f"not re-hashed: no file at {tmp_path / missing.analysis}"
    assert (found.status, found.hashed_path) == ("same", str(written))

    # Outside the analysis folder (the repository, by default): never opened.
    outside = check_analysis_files(verdict, default_dir=repo)[1]
    assert outside.status == "not-rehashed"
    assert outside.detail == f"not re-hashed: {written} is outside the analysis folder {repo}"

    # Moved away: found by name in the folder the verifier names.
    elsewhere = tmp_path / "checkout"
    elsewhere.mkdir()
    shutil.move(written, elsewhere / "PAYMENTS.md")
    assert check_analysis_files(verdict, default_dir=tmp_path)[1].status == "not-rehashed"
    by_name = check_analysis_files(verdict, elsewhere)[1]
    assert (by_name.status, by_name.hashed_path) == ("same", str(elsewhere / "PAYMENTS.md"))

    # Edited after the verdict: one character is enough.
    (elsewhere / "PAYMENTS.md").write_text(PAYMENTS_ANALYSIS.replace("502s", "503s", 1))
    edited = check_analysis_files(verdict, elsewhere)[1]
    assert edited.status == "changed" and edited.failed
    assert edited.detail.startswith("analysis changed since the verdict:")
    assert edited.recorded_sha256 == found.fresh_sha256 != edited.fresh_sha256

    # A FIFO under the recorded name is reported, never opened (it would block).
    os.mkfifo(elsewhere / Path(missing.analysis).name)
    fifo = check_analysis_files(verdict, elsewhere)[0]
    assert fifo.status == "not-rehashed" and "is not a regular file" in fifo.detail

    with pytest.raises(BadInputError, match="no analysis folder"):
        check_analysis_files(verdict, tmp_path / "nowhere")

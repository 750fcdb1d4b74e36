"""The analysis's own commit: the date it gives itself, its "recent" listings, dated
references, and the check made at the commit that last changed it (with drift to HEAD).

Each test commits an analysis to a real repository at a pinned date, as agents do, and
checks it where an auditor would: at that commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitbuild import commit, init_repo

from whys.core.audit import check_at_own_commit, check_files
from whys.core.checks import check_analysis
from whys.core.models import Analysis, Claim, ClaimCheck
from whys.core.reader import read_analysis, read_analysis_text
from whys.core.repo import GitRepo, open_repo
from whys.core.report import render

WHY = "## Why 1: Why did the lock hang?\n\n- It hung.\n"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    commit(repo, {"app/lock.py": "TIMEOUT = 5\n"}, "feat: lock", "2025-09-01T10:00:00+00:00")
    commit(
        repo,
        {"app/retry.py": "LIMIT = 3\n"},
        "fix(retry): cap retries (#1054)",
        "2025-09-14T10:51:00-07:00",
    )
    return repo


def add(repo: Path, path: str, text: str, date: str, files: dict[str, str] | None = None) -> str:
    return commit(repo, {path: text, **(files or {})}, f"docs: {path}", date)


def time_checks(repo: Path, path: str, text: str, sha: str) -> list[tuple[Claim, ClaimCheck]]:
    analysis = read_analysis_text(text, path)
    run = check_analysis(analysis, open_repo(repo), sha)
    checks = {check.claim_id: check for check in run.checks}
    return [(claim, checks[claim.id]) for claim in analysis.claims if claim.kind == "time"]


def on_line(found: list[tuple[Claim, ClaimCheck]], line: int) -> ClaimCheck:
    at = [check for claim, check in found if claim.line == line]
    assert at, f"no time claim on line {line}: {[(c.line, k.detail) for c, k in found]}"
    return at[0]


@pytest.mark.parametrize(
    ("header", "committed", "status"),
    [
        ("**Date:** 2025-09-15", "2025-09-15T13:42:00-07:00", "verified"),
        ("**Analysis Date**: September 15, 2025", "2025-09-15T13:42:00-07:00", "verified"),
        # Written late in the evening, committed just after midnight in the author's zone.
        ("**Date:** 2025-09-14", "2025-09-15T00:08:00-07:00", "verified"),
        # A stamp with no zone fits the commit read as UTC.
        ("**Generated:** 2025-09-14 22:55:00", "2025-09-14T16:00:24-07:00", "verified"),
        # Written hours before it was committed, the next morning.
        ("**Audit Date:** 2025-09-15 19:24 PST", "2025-09-16T08:45:00-07:00", "verified"),
        # Dated after git has it: 14 minutes past its own commit, in UTC on both sides.
        ("**Date:** 2025-09-16 06:15:00 UTC", "2025-09-16T06:01:00+00:00", "contradicted"),
        # Dated two days after its own commit.
        ("**Date:** 2025-09-18", "2025-09-15T10:00:00-07:00", "contradicted"),
        # Added eight months after the date it gives.
        ("**Date:** 2025-01-14", "2025-09-04T12:00:00+00:00", "contradicted"),
        # Ten days late: odd, but not evidence.
        ("**Date:** 2025-09-05", "2025-09-15T10:00:00+00:00", "unverifiable"),
        ("# Lock audit - September 15, 2025", "2025-09-15T13:42:00-07:00", "verified"),
        ("*Analysis conducted on September 15, 2025*", "2025-09-15T09:00:00-07:00", "verified"),
        # A signature line far before its commit may quote an older day: never ✗ for that.
        ("*Analysis conducted on January 15, 2025*", "2025-09-15T09:00:00-07:00", "unverifiable"),
        (
            "**Agent Session:** `agent-session-2025-09-15-163618`",
            "2025-09-15T16:59:00-07:00",
            "verified",
        ),
    ],
)
def test_document_date(base: Path, header: str, committed: str, status: str) -> None:
    text = f"{header}\n\n{WHY}"
    sha = add(base, "docs/RCA.md", text, committed)
    check = on_line(time_checks(base, "docs/RCA.md", text, sha), 1)
    assert check.status == status, check.detail


@pytest.mark.parametrize(
    "header",
    [
        "**Due Date:** 2025-12-01",
        "**Incident Date:** 2025-01-02",
        "**Next Review Date:** 2026-01-01",
    ],
)
def test_other_moments_are_not_the_document_date(base: Path, header: str) -> None:
    text = f"{header}\n\n{WHY}"
    sha = add(base, "docs/RCA.md", text, "2025-09-15T10:00:00+00:00")
    found = time_checks(base, "docs/RCA.md", text, sha)
    assert not [c for c, _ in found if c.relation == "document-date"]


def test_document_date_untracked_is_unverifiable(base: Path) -> None:
    text = f"**Date:** 2025-01-01\n\n{WHY}"
    found = time_checks(base, "docs/NEVER_COMMITTED.md", text, "HEAD")
    check = on_line(found, 1)
    assert check.status == "unverifiable" and "not tracked" in check.detail


def test_recent_window(base: Path) -> None:
    old = commit(base, {"app/old.py": "X = 1\n"}, "chore: old", "2025-06-01T10:00:00+00:00")
    new = commit(base, {"app/new.py": "Y = 1\n"}, "fix: new", "2025-09-13T10:00:00+00:00")
    text = (
        f"{WHY}\n**Recent commits** (last week):\n- `{new[:9]}` fix: new\n\n"
        f"Other work:\n\n**Recent changes** (past 3 days):\n- `{old[:9]}` chore: old\n"
    )
    sha = add(base, "docs/RCA.md", text, "2025-09-15T10:00:00+00:00")
    found = time_checks(base, "docs/RCA.md", text, sha)
    assert on_line(found, 5).status == "verified"
    recent_old = on_line(found, 10)
    assert recent_old.status == "contradicted", recent_old.detail
    assert old[:10] in recent_old.detail


def test_dated_references(base: Path) -> None:
    text = (
        f"{WHY}\n- **PR #1054** (2025-09-14): retries capped\n"
        "- **PR #1022** (2025-09-14): never merged here\n"
        "- Recent retry fix (#1054) holds\n\n"
        "| Date | Event |\n| --- | --- |\n| 2025-09-14 | PR #1054 merged |\n"
    )
    sha = add(base, "docs/RCA.md", text, "2025-09-15T10:00:00-07:00")
    found = time_checks(base, "docs/RCA.md", text, sha)
    assert on_line(found, 5).status == "verified"
    # Nothing names #1022: unverifiable, saying what was looked for, never contradicted.
    missing = on_line(found, 6)
    assert missing.status == "unverifiable" and "#1022" in missing.detail
    assert on_line(found, 7).status == "verified"
    assert on_line(found, 11).status == "verified"


def test_dated_row_naming_a_report(base: Path) -> None:
    commit(base, {"docs/LOCK_FIX.md": "# report\n"}, "docs: report", "2025-09-05T09:00:00+00:00")
    text = "# Reports\n\n| Date | Report |\n| --- | --- |\n| Sept 5, 2025 | LOCK_FIX report |\n"
    sha = add(base, "docs/INDEX.md", text, "2025-09-06T09:00:00+00:00")
    check = on_line(time_checks(base, "docs/INDEX.md", text, sha), 5)
    assert check.status == "verified" and "docs/LOCK_FIX.md" in check.detail


def _analysis_at_own_commit(repo: Path) -> tuple[Analysis, GitRepo, str]:
    text = f"# RCA\n\n{WHY}- `app/lock.py:1` sets `TIMEOUT = 5`\n"
    own = add(repo, "docs/RCA.md", text, "2025-09-15T10:00:00+00:00")
    commit(repo, {"app/lock.py": "TIMEOUT = 30\n"}, "fix: longer lock", "2025-09-20T10:00:00+00:00")
    return read_analysis(repo / "docs/RCA.md"), open_repo(repo), own


def test_checked_at_the_analysis_own_commit_with_drift(base: Path) -> None:
    analysis, repo, own = _analysis_at_own_commit(base)
    run = check_at_own_commit(analysis, repo)
    assert run.revision == own and run.revision_source == "analysis"
    lines = [c for c in analysis.claims if c.kind == "lines"]
    assert lines
    status = {check.claim_id: check.status for check in run.checks}
    assert status[lines[0].id] == "verified"
    drifted = {drift.claim_id: drift for drift in run.drift}
    assert lines[0].id in drifted and drifted[lines[0].id].status_at_head != "verified"
    text = render(analysis, run, "text")
    assert "the analysis's own commit" in text and "Drift" in text
    data = json.loads(render(analysis, run, "json"))
    assert data["revision"] == own and data["revision_source"] == "analysis commit"
    assert [d["claim_id"] for d in data["drift"]] == [lines[0].id]


def test_no_revision_given_checks_each_analysis_at_its_commit(base: Path) -> None:
    analysis, repo, own = _analysis_at_own_commit(base)
    (checked,) = check_files([base / "docs/RCA.md"], repo, None)
    assert checked.run.revision == own
    (at_head,) = check_files([base / "docs/RCA.md"], repo, "HEAD")
    assert at_head.run.revision != own and at_head.run.revision_source == "given"


def test_untracked_analysis_is_checked_at_head(base: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(f"# RCA\n\n{WHY}")
    repo = open_repo(base)
    run = check_at_own_commit(read_analysis(outside), repo)
    assert run.revision == repo.resolve_revision("HEAD") and run.revision_source == "given"


def test_parent_rule_needs_the_commit_to_change_code(base: Path) -> None:
    """An analysis committed on its own, citing what is false there, stays contradicted:
    its commit changed nothing it describes."""
    text = f"# RCA\n\n{WHY}- `app/lock.py:1` sets `TIMEOUT = 9`\n"
    sha = add(base, "docs/RCA.md", text, "2025-09-15T10:00:00+00:00")
    analysis = read_analysis_text(text, "docs/RCA.md")
    run = check_analysis(analysis, open_repo(base), sha)
    assert not any("holds at the parent" in check.detail for check in run.checks)


def test_cli_check_without_rev_says_where_it_checked(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from whys.cli import main

    _, _, own = _analysis_at_own_commit(base)
    main(["check", str(base / "docs/RCA.md"), "--repo", str(base)])
    printed = capsys.readouterr().out
    assert f"revision {own}" in printed and "the analysis's own commit" in printed
    main(["check", str(base / "docs/RCA.md"), "--repo", str(base), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["revision"] == own and data["drift"]


def test_a_change_minutes_before_the_analysis_is_named(base: Path) -> None:
    """The code moved away by a commit just before the analysis's own: still contradicted
    (the analysis's commit did not change it), naming the commit that did."""
    commit(
        base,
        {"app/lock.py": "def acquire_lock():\n    pass\n"},
        "feat",
        "2025-09-10T10:00:00+00:00",
    )
    moved = "X = 1\n\n\n\ndef acquire_lock():\n    pass\n"
    changed = commit(base, {"app/lock.py": moved}, "refactor: move", "2025-09-15T09:50:00+00:00")
    text = f"# RCA\n\n{WHY}- `app/lock.py:1` defines `acquire_lock()`\n"
    sha = add(base, "docs/RCA.md", text, "2025-09-15T10:00:00+00:00")
    analysis = read_analysis_text(text, "docs/RCA.md")
    run = check_analysis(analysis, open_repo(base), sha)
    (lines,) = [c for c in analysis.claims if c.kind == "lines"]
    (check,) = [c for c in run.checks if c.claim_id == lines.id]
    assert check.status == "contradicted", check.detail
    assert changed[:7] in check.detail and "10 min before" in check.detail
    assert "holds at the parent" not in check.detail

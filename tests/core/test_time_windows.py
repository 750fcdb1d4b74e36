"""Time claims over whole days and about what a numbered issue or PR changed, as real
analyses write them: dated headings and labels, "files created Sept 15-16" above a listing,
"Issue #90 created `x.py`", "PR #77 migrated ...", "all commits between A and B were
documentation changes". Each against a real repository whose dates settle it."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitbuild import git, make_repo

from whys.core.checks import check_analysis
from whys.core.models import ClaimCheck
from whys.core.reader import read_analysis_text
from whys.core.repo import GitRepo, open_repo


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, dict[str, str]]:
    path = make_repo(
        tmp_path_factory.mktemp("windows"),
        [
            {"files": {"app/core.py": "X = 1\n", "docs/a.md": "a\n",
                       "app/other.py": "class Other:\n    def create_child(self):\n        pass\n"},
             "message": "init", "date": "2026-02-10T10:00:00+00:00"},
            {"files": {"app/core.py": "X = 2\n"},
             "message": "refactor(core): phase 2 consolidation",
             "date": "2026-02-12T10:00:00+00:00"},
            {"files": {"docs/only.md": "notes\n"}, "message": "docs: lock notes (#77)",
             "date": "2026-02-13T10:00:00+00:00"},
            {"files": {"app/lock.py": "def lock():\n    pass\n",
                       "app/state.py": "class State:\n    def create_child(self):\n        pass\n"},
             "message": "feat(lock): add the lock (#78)", "date": "2026-02-14T10:00:00+00:00"},
            {"files": {"app/lock.py": "def lock():\n    return 1\n"},
             "message": "fix(lock): wire the lock", "date": "2026-02-15T10:00:00+00:00"},
            {"files": {"tests/test_lock.py": "def test_lock():\n    pass\n"},
             "message": "test: lock tests", "date": "2026-02-16T10:00:00+00:00"},
            {"files": {"docs/b.md": "b\n"}, "message": "docs: Issue #90 follow-up",
             "date": "2026-02-20T10:00:00+00:00"},
        ],
    )  # fmt: skip
    log = git(path, "log", "--format=%H %s").splitlines()
    shas = {subject: sha for sha, _, subject in (line.partition(" ") for line in log)}
    return open_repo(Path(path)), shas


def checked(repo: GitRepo, text: str) -> dict[int, list[ClaimCheck]]:
    """The time claims' checks of a document, by line."""
    analysis = read_analysis_text(text, "rca.md")
    run = check_analysis(analysis, repo, "HEAD")
    checks = {check.claim_id: check for check in run.checks}
    found: dict[int, list[ClaimCheck]] = {}
    for claim in analysis.claims:
        if claim.kind == "time":
            found.setdefault(claim.line, []).append(checks[claim.id])
    return found


def only(found: dict[int, list[ClaimCheck]], line: int) -> ClaimCheck:
    [check] = found[line]
    return check


HEAD = "# Lock outage - Five Whys\n\n## Why 1: Why did it fail?\n\n"


def test_a_commit_under_a_dated_heading_landed_on_those_days(
    built: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, shas = built
    lock = shas["feat(lock): add the lock (#78)"][:9]
    text = HEAD + (
        'Git commit deadbee1: "refactor(core): phase 2 consolidation"\n\n'  # 5
        "## Timeline\n\n"
        "### February 13-14, 2026: Consolidation\n"  # 9
        "- Phase 2 consolidation (commit deadbee1)\n"  # 10
        f"- The lock landed (commit {lock})\n"  # 11
    )
    found = checked(repo, text)
    # The SHA resolves to nothing; the subject the analysis gives it does, on 02-12.
    moved = only(found, 10)
    assert moved.status == "contradicted", moved.detail
    assert "does not resolve" in moved.detail and "2026-02-13 to 2026-02-14" in moved.detail
    assert only(found, 11).status == "verified"


def test_a_dated_label_is_about_the_file_its_bullets_name(
    built: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, _ = built
    text = HEAD + (
        "**Feb 15, 2026**: Lock wiring emergency fix\n"  # 5
        "- Fixed `app/lock.py` wiring\n"  # 6
        "\n"
        "**Feb 11, 2026**: Core cleanup\n"  # 8
        "- Tidied `app/core.py`\n"  # 9
    )
    found = checked(repo, text)
    assert only(found, 5).status == "verified"
    assert "app/lock.py was changed by" in only(found, 5).detail
    # No change to that file that day: the entry may be about other files, not a ✗.
    assert only(found, 8).status == "unverifiable"


def test_files_created_on_days_are_the_files_listed_below(
    built: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, _ = built
    text = HEAD + (
        "Based on test files created Feb 16-17, these remain:\n"  # 5
        "\n"
        "1. **Lock**\n"
        "   - File: `test_lock.py`\n"
        "\n"
        "Files created Feb 1-2 hold the lock:\n"  # 10
        "- `app/lock.py`\n"
    )
    found = checked(repo, text)
    assert only(found, 5).status == "verified"
    wrong = only(found, 10)
    assert wrong.status == "contradicted"
    assert "app/lock.py added by" in wrong.detail


def test_an_issue_that_created_a_file_is_named_by_the_commit_that_added_it(
    built: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, _ = built
    text = HEAD + (
        "- PR #78 created `app/lock.py`\n"  # 5
        "- Issue #90 created `app/lock.py`\n"  # 6
        "- Issue #91 created `app/core.py`\n"  # 7
    )
    found = checked(repo, text)
    assert only(found, 5).status == "verified"
    # Added on 02-14; the first commit naming #90 is six days later.
    late = only(found, 6)
    assert late.status == "contradicted"
    assert "does not name #90" in late.detail
    # No commit names #91 at all: nothing to hold the file's date against.
    assert only(found, 7).status == "unverifiable"


def test_a_pull_request_that_changed_only_documents_migrated_nothing(
    built: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, _ = built
    text = HEAD + (
        "- SSOT consolidation in PR #77 migrated the lock to async\n"  # 5
        "- PR #78 changed the lock to a context manager\n"  # 6
    )
    found = checked(repo, text)
    docs_only = only(found, 5)
    assert docs_only.status == "contradicted"
    assert "documentation only: docs/only.md" in docs_only.detail
    # It changed code; whether that change did what the line says, its paths cannot tell.
    assert only(found, 6).status == "unverifiable"


def test_all_commits_of_a_window_were_documentation_changes(
    built: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, _ = built
    text = HEAD + (
        "All commits between 2026-02-13 and 2026-02-14 were documentation changes except "
        "PR #78 which added the lock.\n"  # 5
        "\n"
        "All commits between 2026-02-12 and 2026-02-13 were documentation changes.\n"  # 7
    )
    found = checked(repo, text)
    assert only(found, 5).status == "verified"
    wrong = only(found, 7)
    assert wrong.status == "contradicted"
    assert "changed code: app/core.py" in wrong.detail


def test_a_window_or_hours_with_nothing_to_anchor_them_are_unverifiable(
    built: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, _ = built
    text = HEAD + (
        "Errors introduced between February 11-17, 2026, during the migration.\n"  # 5
        "\n"
        "- **Morning (09:00-12:00):** consolidation PRs merged\n"  # 7
    )
    found = checked(repo, text)
    assert only(found, 5).status == "unverifiable"
    assert only(found, 7).status == "unverifiable"


def test_a_date_for_a_missing_sha_is_held_against_the_change_it_describes(
    built: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, _ = built
    text = HEAD + (
        "- The `create_child` method was **added to State** on 2026-02-14 (commit `deadbee2`)\n"
        "- The `create_child` method was **added to State** on 2026-02-11 (commit `deadbee3`)\n"
    )
    found = checked(repo, text)
    right = only(found, 5)
    assert right.status == "verified", right.detail
    assert "does not resolve; `create_child` was added to app/state.py" in right.detail
    # app/other.py defined it on 02-10, but the line says State's: app/state.py, on 02-14.
    assert only(found, 6).status == "contradicted"


def test_a_span_of_days_is_read_with_or_without_its_year() -> None:
    from whys.core.document.dates import parse_span

    span = parse_span("### September 15-16, 2025: Active consolidation")
    assert span is not None and (str(span.start.date()), span.days) == ("2025-09-15", 2)
    between = parse_span("All commits between 2025-09-12 and 2025-09-14 were docs")
    assert between is not None and between.days == 3
    yearless = parse_span("test files created Sept 15-16, these remain")
    assert yearless is not None and not yearless.has_year
    assert parse_span("Version 3 of May") is None

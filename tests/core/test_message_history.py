"""Message claims about what git's history holds: "No remediation attempts found in git
history" is a claim a subject can contradict; a pull request's title is a message claim
that only a merge subject can settle."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitbuild import make_repo

from whys.core.checks import check_analysis
from whys.core.models import ClaimCheck
from whys.core.reader import read_analysis_text
from whys.core.repo import GitRepo, open_repo

DOCUMENT = """# Parser Syntax Error Crisis - Five Whys

## Why 1: Why do the errors persist?

- No systematic remediation attempts found in git history
- **Git history analysis:** No syntax error fixes attempted
- No dependency scanning found in git history
- **PR #12:** "Agent registry test setup fixes" (merged)
- **PR #14:** "Ledger cleanup and retries" (merged)
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    path = make_repo(
        tmp_path_factory.mktemp("history"),
        [
            {"files": {"app/parser.py": "def parse():\n    return 1\n"}, "message": "init",
             "date": "2026-02-20T10:00:00+00:00"},
            {"files": {"app/parser.py": "def parse():\n    return 2\n"},
             "message": "fix(parser): complete syntax error remediation",
             "date": "2026-02-21T10:00:00+00:00"},
            {"files": {"app/ledger.py": "X = 1\n"},
             "message": "Merge PR #14: Ledger cleanup and retries",
             "date": "2026-02-22T10:00:00+00:00"},
        ],
    )  # fmt: skip
    return open_repo(Path(path))


def statuses(repo: GitRepo) -> dict[int, list[ClaimCheck]]:
    analysis = read_analysis_text(DOCUMENT, "rca.md")
    run = check_analysis(analysis, repo, "HEAD")
    checks = {check.claim_id: check for check in run.checks}
    found: dict[int, list[ClaimCheck]] = {}
    for claim in analysis.claims:
        if claim.kind == "message":
            found.setdefault(claim.line, []).append(checks[claim.id])
    return found


def test_a_commit_about_the_topic_contradicts_no_attempts_in_git_history(repo: GitRepo) -> None:
    found = statuses(repo)
    # One word of its own ("remediation"): the analysis's title gives the topic.
    [remediation] = found[5]
    assert remediation.status == "contradicted"
    assert "complete syntax error remediation" in remediation.detail
    [fixes] = found[6]
    assert fixes.status == "contradicted", fixes.detail


def test_finding_no_such_subject_is_not_evidence(repo: GitRepo) -> None:
    [scanning] = statuses(repo)[7]
    assert scanning.status == "unverifiable"
    assert "dependency, scanning" in scanning.detail


def test_a_pull_request_title_is_settled_only_by_a_merge_subject(repo: GitRepo) -> None:
    found = statuses(repo)
    [unmerged] = found[8]
    assert unmerged.status == "unverifiable"
    assert "pull request's title" in unmerged.detail
    [merged] = found[9]
    assert merged.status == "verified", merged.detail

"""What extraction records beyond the wire form: stance, origin, names and clock fields;
and that the timeline rules see asserted claims only."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitbuild import make_repo

from whys.core.checks import check_analysis
from whys.core.claims import extract_claims
from whys.core.reader import read_analysis_text
from whys.core.repo import open_repo


def only(text: str) -> list[tuple[str, str, str]]:
    lines = text.split("\n")
    return [(c.kind, c.stance, c.origin) for c in extract_claims(lines, [])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("commit `a1b2c3d` broke checkout", [("commit", "asserted", "prose")]),
        ("> commit `a1b2c3d` broke checkout", [("commit", "quoted", "prose")]),
        ("- [ ] revert commit `a1b2c3d`", [("commit", "proposed", "prose")]),
        ("We should revert commit `a1b2c3d`", [("commit", "proposed", "prose")]),
        ("Review should have caught commit `a1b2c3d`", [("commit", "asserted", "prose")]),
        ("## Action Items\n- revert commit `a1b2c3d`", [("commit", "proposed", "prose")]),
        ("Commit `a1b2c3d` was never merged", [("commit", "negated", "prose")]),
        ("| commit `a1b2c3d` | broke it |", [("commit", "asserted", "table")]),
        ("```python\n# app/queue.py:48\nsend()\n```", [("lines", "asserted", "fence comment")]),
        (
            '```\nTraceback (most recent call last):\n  File "app/q.py", line 4\n  app/q.py:4\n```',
            [("lines", "asserted", "traceback"), ("lines", "asserted", "traceback")],
        ),
        ("```diff\n--- a/app/q.py\n+++ b/app/q.py\n@@ app/q.py:12 @@\n```",
         [("lines", "asserted", "diff")]),
    ],
)  # fmt: skip
def test_stance_and_origin_come_from_the_document(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert only(text) == expected


def test_names_and_clock_are_recorded_for_the_checks() -> None:
    [lines_claim] = extract_claims(["`queue.py:42, 44` open `smtplib.SMTP` and `send()`"], [])
    assert lines_claim.names == ["smtplib.SMTP", "send"]
    [time_claim] = extract_claims(["The fix was deployed by ~03:44 UTC"], [])
    assert (time_claim.clock, time_claim.approximate, time_claim.role) == ("by 03:44", True, "fix")


def test_a_time_claim_that_borrows_its_commit_says_so() -> None:
    found = extract_claims(["- commit `a1b2c3d` fixed it", "  landed on 2026-02-25"], [])
    assert [(c.kind, c.sha, c.lent) for c in found] == [
        ("commit", "a1b2c3d", False),
        ("time", "a1b2c3d", True),
    ]


def test_an_old_session_claim_without_the_new_fields_still_loads() -> None:
    from whys.core.model_io import from_data
    from whys.core.models import Claim

    old = {"id": "c1", "line": 3, "kind": "commit", "text": "commit abc1234", "sha": "abc1234"}
    claim = from_data(Claim, old)
    assert (claim.stance, claim.origin, claim.names, claim.lent) == ("asserted", "prose", [], False)


@pytest.mark.parametrize(
    ("heading", "findings"),
    [("## Root Cause", ["cause-after-incident"]), ("## Action Items", [])],
)
def test_timeline_rules_see_asserted_claims_only(
    tmp_path: Path, heading: str, findings: list[str]
) -> None:
    path = make_repo(
        tmp_path,
        [
            {"files": {"a.py": "x = 1\n"}, "message": "init", "date": "2026-02-20T10:00:00+00:00"},
            {"files": {"a.py": "x = 2\n"}, "message": "late change",
             "date": "2026-02-26T10:00:00+00:00"},
        ],
    )  # fmt: skip
    repo = open_repo(path)
    late = repo.resolve_revision("HEAD")[:10]
    analysis = read_analysis_text(
        "# Outage\n\n**Incident start:** 2026-02-25 00:00 UTC\n\n"
        f"{heading}\n\n- commit `{late}` introduced the regression\n"
    )
    run = check_analysis(analysis, repo)
    assert [finding.rule for finding in run.findings] == findings

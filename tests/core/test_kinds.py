"""Each claim kind on its own: a snippet gives drafts (no git), and a claim plus a tiny
real repository gives a status (no Markdown, and the claim's text is never read)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from gitbuild import git, make_repo

from whys.core.claims.checking.commits import resolve_commits
from whys.core.claims.checking.context import CheckContext
from whys.core.claims.drafts import Draft
from whys.core.claims.kinds import BY_NAME, KINDS
from whys.core.claims.mentions import read_line
from whys.core.models import Analysis, Claim, ClaimCheck, IncidentWindow
from whys.core.repo import GitRepo, open_repo


def drafts(kind: str, raw: str, **around: Any) -> list[dict[str, object]]:
    """The drafts `kind` makes of one line, after the kinds listed before it (whose drafts
    it may read, as in a real document)."""
    line = read_line(raw, **around)
    earlier: list[Draft] = []
    for module in KINDS:
        if line.in_fence and not module.IN_FENCES:
            continue
        made = module.assemble(line, earlier)
        if kind == module.NAME:
            return [
                {**d.claim_fields(), **({"stance": d.stance} if d.stance else {})} for d in made
            ]
        earlier.extend(made)
    raise AssertionError(f"no kind {kind}")


DRAFTS = [
    ("lines", "`app/queue.py:48-58` sends the mail", {}, {"path": "app/queue.py",
     "line_start": 48, "line_end": 58, "symbol": None}),
    ("lines", "Lines 3-4 handle `enqueue`", {"context_path": "app/queue.py"},
     {"path": "app/queue.py", "line_start": 3, "line_end": 4, "symbol": "enqueue"}),
    ("lines", "`queue.py:42, 44` open `smtplib.SMTP`", {},
     {"path": "queue.py", "line_numbers": [42, 44], "symbol": "smtplib.SMTP"}),
    ("lines", "# app/queue.py:48", {"in_fence": True},
     {"path": "app/queue.py", "line_start": 48, "line_end": 48}),
    ("symbol", "`RETRY_LIMIT` is defined in `app/client.py`", {},
     {"path": "app/client.py", "symbol": "RETRY_LIMIT"}),
    # A code name with no file: a claim that it exists in the tree.
    ("symbol", "`RETRY_LIMIT` matters", {}, {"path": None, "symbol": "RETRY_LIMIT"}),
    ("file", "`payments/client.py` holds the retry loop", {}, {"path": "payments/client.py"}),
    ("count", "found in 12 files that import `get_config`", {},
     {"count": 12, "count_unit": "files", "pattern": "get_config", "at_least": False}),
    ("count", "47+ references to `RETRY_LIMIT`", {},
     {"count": 47, "count_unit": "references", "pattern": "RETRY_LIMIT", "at_least": True}),
    ("commit", "The regression was introduced by commit `a1b2c3d`", {},
     {"sha": "a1b2c3d", "role": "cause"}),
    ("commit", 'Fixed in `b7c0d2e` ("fix(payments): cap retries")', {},
     {"sha": "b7c0d2e", "message": "fix(payments): cap retries", "role": "fix"}),
    ("commit", "Commit `a1b2c3d` was never merged into `release/2`", {},
     {"sha": "a1b2c3d", "relation": "not-in-revision", "revision": "release/2",
      "stance": "negated"}),
    ("message", 'the commit titled "payments: retry charges on timeouts" broke it', {},
     {"message": "payments: retry charges on timeouts", "role": "cause"}),
    ("time", "Commit `a1b2c3d` landed on 2026-02-25", {},
     {"relation": "on-date", "sha": "a1b2c3d", "when": datetime(2026, 2, 25, tzinfo=UTC)}),
    ("time", "The fix was deployed by ~03:44 UTC", {},
     {"relation": "on-date", "sha": None, "clock": "by 03:44", "approximate": True,
      "role": "fix"}),
    ("time", "That commit landed after the incident", {"recent_commit": {"sha": "a1b2c3d"}},
     {"relation": "after-incident", "sha": "a1b2c3d"}),
    ("time", "`a1b2c3d` is in release `v1.0`", {},
     {"relation": "in-revision", "sha": "a1b2c3d", "revision": "v1.0"}),
    ("external", "$500K ARR at risk, per the Grafana dashboard", {}, {}),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "raw", "around", "expected"), DRAFTS)
def test_a_snippet_gives_the_kinds_drafts(
    kind: str, raw: str, around: dict[str, Any], expected: dict[str, object]
) -> None:
    [found] = drafts(kind, raw, **around)
    assert {key: found.get(key) for key in expected} == expected


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("lines", "The queue is slow"),
        ("count", "12 engineers looked at it"),
        ("commit", "see build 1234567-abc"),
        ("message", 'he said "this is fine"'),
        ("time", "Commit `a1b2c3d` exists"),
        ("external", "the retry loop never ends"),
        ("symbol", "`retry_limit` matters"),  # a short snake word names too many things
        ("file", "Lines 3-4 of `app/queue.py` handle `enqueue`"),  # a lines claim took it
    ],
)
def test_a_snippet_without_the_shape_gives_no_drafts(kind: str, raw: str) -> None:
    assert drafts(kind, raw) == []


QUEUE = "import smtplib\n\ndef enqueue(job):\n    queue.append(job)\n\nRETRY_LIMIT = 3\n"
CLIENT = "from app.queue import RETRY_LIMIT\n\nclass PaymentClient:\n    retries = RETRY_LIMIT\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, dict[str, str]]:
    path = make_repo(
        tmp_path_factory.mktemp("kinds"),
        [
            {"files": {"app/queue.py": QUEUE}, "message": "init queue",
             "date": "2026-02-20T10:00:00+00:00"},
            {"files": {"app/client.py": CLIENT}, "message": "payments: retry charges on timeouts",
             "date": "2026-02-24T15:41:00+00:00", "tag": "v1.0"},
            {"files": {"app/client.py": CLIENT + "    cap = 3\n"},
             "message": "fix(payments): cap retries", "date": "2026-02-25T03:44:00+00:00"},
        ],
    )  # fmt: skip
    log = git(path, "log", "--format=%H %s").splitlines()
    shas = {subject: sha for sha, _, subject in (line.partition(" ") for line in log)}
    return open_repo(path), {"init": shas["init queue"],
                             "retry": shas["payments: retry charges on timeouts"],
                             "fix": shas["fix(payments): cap retries"]}  # fmt: skip


def check_one(repo: GitRepo, claim: Claim, incident: IncidentWindow | None = None) -> ClaimCheck:
    """One claim through its kind's prefetch and check, as `check_analysis` runs it."""
    analysis = Analysis(
        path="a.md", sha256="0", claims=[claim], incident=incident or IncidentWindow()
    )
    context = CheckContext(analysis, repo, repo.resolve_revision("HEAD"), None)
    resolve_commits(context, [claim])
    kind = BY_NAME[claim.kind]
    context.prefetch([claim], [kind.prefetch(context, [claim])])
    return kind.check(context, claim)


def claim(kind: str, **fields: Any) -> Claim:
    # The text is never read by a check: this one would mislead any check that did.
    return Claim(id="c1", line=1, kind=kind, text="`nothing.py:9` 99 files abc1234", **fields)  # type: ignore[arg-type]


START = datetime(2026, 2, 25, 0, 0, tzinfo=UTC)
STATUSES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("lines", {"path": "app/queue.py", "line_start": 3, "line_end": 4, "symbol": "enqueue"},
     {}, "verified"),
    ("lines", {"path": "app/queue.py", "line_start": 5, "line_end": 6, "symbol": "enqueue"},
     {}, "contradicted"),
    ("lines", {"path": "app/queue.py", "line_start": 1, "line_end": 3, "line_numbers": [1, 3],
               "symbol": "smtplib", "names": ["smtplib", "enqueue"]}, {}, "verified"),
    ("lines", {"path": "queue.py", "line_start": 3, "line_end": 4}, {}, "unverifiable"),
    ("lines", {"path": "app/queue.py", "line_start": 90, "line_end": 95, "symbol": "enqueue"},
     {}, "contradicted"),
    ("symbol", {"path": "app/client.py", "symbol": "RETRY_LIMIT"}, {}, "verified"),
    # Not in the file but defined in another: positive evidence, so contradicted ...
    ("symbol", {"path": "app/client.py", "symbol": "enqueue"}, {}, "contradicted"),
    # ... but a name found nowhere says nothing about the file (runtime, new code).
    ("symbol", {"path": "app/client.py", "symbol": "MAX_RETRY"}, {}, "unverifiable"),
    ("file", {"path": "client.py"}, {}, "verified"),
    ("file", {"path": "app/missing.py"}, {}, "contradicted"),
    ("file", {"path": "../../etc/passwd"}, {}, "unverifiable"),
    ("count", {"pattern": "RETRY_LIMIT", "count": 2, "count_unit": "files"}, {}, "verified"),
    ("count", {"pattern": "RETRY_LIMIT", "count": 5, "count_unit": "files"}, {}, "contradicted"),
    ("count", {"pattern": "payments", "count": 2, "count_unit": "commits"}, {}, "verified"),
    ("commit", {"sha": "{retry:7}", "message": "payments: retry charges on timeouts"}, {},
     "verified"),
    ("commit", {"sha": "{retry:7}", "message": "feat: something else entirely"}, {},
     "contradicted"),
    ("commit", {"sha": "deadbee1"}, {}, "contradicted"),
    ("commit", {"sha": "{fix:8}", "relation": "not-in-revision", "revision": "v1.0"}, {},
     "verified"),
    ("commit", {"sha": "{retry:8}", "relation": "not-in-revision", "revision": "v1.0"}, {},
     "contradicted"),
    ("message", {"message": "fix(payments): cap retries"}, {}, "verified"),
    ("message", {"message": "feat: nothing like it at all"}, {}, "contradicted"),
    ("time", {"sha": "{fix:7}", "relation": "on-date", "when": datetime(2026, 2, 25, tzinfo=UTC)},
     {}, "verified"),
    ("time", {"sha": "{fix:7}", "relation": "on-date", "when": datetime(2026, 2, 20, tzinfo=UTC)},
     {}, "contradicted"),
    ("time", {"sha": "{fix:7}", "relation": "on-date", "clock": "by 03:50"},
     {"start": START}, "verified"),
    ("time", {"sha": "{fix:7}", "relation": "on-date", "clock": "by 03:00"},
     {"start": START}, "contradicted"),
    ("time", {"sha": "{fix:7}", "relation": "on-date", "clock": "by 03:35", "approximate": True},
     {"start": START}, "verified"),
    ("time", {"sha": "{retry:7}", "relation": "before-incident"}, {"start": START}, "verified"),
    ("time", {"sha": "{retry:7}", "relation": "after-incident"}, {"start": START},
     "contradicted"),
    ("time", {"sha": "{fix:7}", "relation": "in-revision", "revision": "v1.0"}, {},
     "contradicted"),
    ("time", {"sha": "{init:7}", "relation": "before-commit", "other_sha": "{fix:7}"}, {},
     "verified"),
    ("time", {"relation": "on-date"}, {}, "unverifiable"),
    ("external", {}, {}, "unverifiable"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "fields", "incident", "status"), STATUSES)
def test_a_claim_and_a_real_repository_give_a_status(
    built: tuple[GitRepo, dict[str, str]],
    kind: str,
    fields: dict[str, Any],
    incident: dict[str, Any],
    status: str,
) -> None:
    repo, shas = built
    filled = {
        key: value.format(**shas) if isinstance(value, str) and "{" in value else value
        for key, value in fields.items()
    }
    check = check_one(repo, claim(kind, **filled), IncidentWindow(**incident))
    assert check.status == status, check.detail


def test_every_kind_is_in_the_table(built: tuple[GitRepo, dict[str, str]]) -> None:
    assert {kind for kind, *_ in STATUSES} == set(BY_NAME)
    assert {kind for kind, *_ in DRAFTS} == set(BY_NAME)


def test_a_lent_commit_says_so_in_the_detail(built: tuple[GitRepo, dict[str, str]]) -> None:
    repo, shas = built
    lent = claim("time", sha=shas["fix"][:7], relation="on-date", when=START, lent=True)
    check = check_one(repo, lent)
    assert check.detail.startswith("the line names no commit; checked against commit")


def test_the_kinds_are_one_module_each() -> None:
    names = [kind.NAME for kind in KINDS]
    assert len(names) == len(set(names)) == 8
    for kind in KINDS:
        assert kind.__name__ == f"whys.core.claims.kinds.{kind.NAME}"
        assert callable(kind.assemble) and callable(kind.prefetch) and callable(kind.check)

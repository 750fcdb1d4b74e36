"""Counts, cited commits and quoted subjects in the shapes real analyses write them.

Each test is one rule an auditor states, against a small real repository: a quote is a
subject only when the sentence says so, a subject may be quoted in part, a pull request's
title is not a commit git vouches for, a `git log` listing cites its commits, an image
digest is not a commit, counts hold within 10%, and a line count is a file's or a block's.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from gitbuild import commit, init_repo

from whys.core.checks import check_analysis
from whys.core.models import Analysis, ClaimCheck
from whys.core.reader import read_analysis_text
from whys.core.repo import GitRepo, open_repo

FENCE = "```"
WHY = "# RCA: outage\n\n## Why 1: Why did it fail?\n\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, dict[str, str]]:
    repo = init_repo(tmp_path_factory.mktemp("counts") / "repo")
    shas = {}
    files = {
        "app/big.py": "".join(f"X_{n} = {n}\n" for n in range(200)),
        "app/adapter.py": "class StoreAdapter:\n"
        + "".join(f"    f_{n} = {n}\n" for n in range(29))
        + "\n\nAFTER = 1\n",
        "app/managers.py": "".join(f"class Part{n}Manager:\n    pass\n\n" for n in range(40)),
        **{f"tests/test_{n}.py": "from app.store import Store\n" for n in range(12)},
    }
    shas["start"] = commit(repo, files, "store: first import", "2025-01-02T09:00:00Z")
    shas["cap"] = commit(
        repo,
        {"app/cap.py": "CAP = 3\n"},
        "fix(store): cap retries at three attempts from the staging config",
        "2025-01-03T09:00:00Z",
    )
    shas["merge"] = commit(
        repo,
        {"app/pr.py": "PR = 1\n"},
        "Merge PR #12: feat(store): Faster store cold start for workers",
        "2025-01-04T09:00:00Z",
    )
    return open_repo(repo), shas


def checked(
    built: tuple[GitRepo, dict[str, str]], text: str
) -> tuple[Analysis, dict[str, ClaimCheck]]:
    repo, _shas = built
    analysis = read_analysis_text(text, "docs/rca.md")
    run = check_analysis(analysis, repo, "HEAD")
    return analysis, {check.claim_id: check for check in run.checks}


def of_kind(analysis: Analysis, checks: dict[str, ClaimCheck], kind: str) -> list[ClaimCheck]:
    return [checks[c.id] for c in analysis.claims if c.kind == kind]


def test_a_subject_quoted_in_part_is_verified(built: tuple[GitRepo, dict[str, str]]) -> None:
    text = WHY + '- Git commit history shows: "fix(store): cap retries at three attempts"\n'
    found = of_kind(*checked(built, text), "message")
    assert [c.status for c in found] == ["verified"], found
    assert built[1]["cap"][:10] in found[0].detail


@pytest.mark.parametrize(
    "line",
    [
        '- Error message: "Object of type Decimal is not JSON serializable"',
        '- **"ULTRA THINK DEEPLY" mandate** in recent commits shows reactive quality work',
        '- PR was **correctly closed** as "SAFETY CLOSURE" per branch policy',
        '- Despite 50+ commits claiming "Issue #824 and #960 COMPLETE", the gap remains',
    ],
    ids=["error text", "slogan", "closure reason", "paraphrase of many commits"],
)
def test_a_quote_the_sentence_does_not_call_a_subject_is_no_message(
    built: tuple[GitRepo, dict[str, str]], line: str
) -> None:
    analysis, checks = checked(built, WHY + line + "\n")
    assert not of_kind(analysis, checks, "message")


def test_a_pull_request_title_is_never_contradicted(built: tuple[GitRepo, dict[str, str]]) -> None:
    text = WHY + (
        '- **PR #12:** "Faster store cold start for workers" (merged)\n'
        '- **PR #13:** "Store registry setup framework fixes" (merged)\n'
    )
    found = of_kind(*checked(built, text), "message")
    assert [c.status for c in found] == ["verified", "unverifiable"], found
    assert "pull request" in found[1].detail


def test_a_git_log_listing_cites_its_commits(built: tuple[GitRepo, dict[str, str]]) -> None:
    repo, shas = built
    text = WHY + (
        f"{FENCE}\n{shas['cap'][:9]} fix(store): cap retries at three attempts from the staging"
        f" config\n* 4be9e10 (HEAD -> main) fix(store): cap retries at three attempts\n{FENCE}\n"
    )
    found = of_kind(*checked(built, text), "commit")
    assert [c.status for c in found] == ["verified", "contradicted"], found
    assert shas["cap"][:10] in (found[1].suggestion or "")


def test_a_sha_with_its_subject_in_bold_or_one_span(built: tuple[GitRepo, dict[str, str]]) -> None:
    _repo, shas = built
    text = WHY + (
        f'1. **{shas["cap"][:9]}**: "fix(store): cap retries at three attempts"\n'
        f"- `{shas['merge'][:9]} Merge PR #12: feat(store): Faster store cold start for workers`\n"
    )
    found = of_kind(*checked(built, text), "commit")
    assert [c.status for c in found] == ["verified", "verified"], found


def test_an_image_digest_is_not_a_commit(built: tuple[GitRepo, dict[str, str]]) -> None:
    text = WHY + "- **Backend Image:** `gcr.io/acme/backend:latest` (SHA: 6121fb31) ✅\n"
    analysis, checks = checked(built, text)
    assert not of_kind(analysis, checks, "commit")


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("- `app/big.py`: **Lines of Code**: 190 lines", "verified"),  # 200, within 10%
        ("- `app/big.py`: **Lines of Code**: 120 lines", "contradicted"),
        ("- `StoreAdapter` in `app/adapter.py`: 30 lines of adapter code", "verified"),
        ("- `StoreAdapter` in `app/adapter.py`: 90 lines of adapter code", "contradicted"),
        ("- 40 manager classes", "verified"),
        ("- 41 manager classes", "verified"),  # within 10%
        ("- 60 manager classes", "contradicted"),
    ],
)
def test_sizes_and_definitions_are_counted(
    built: tuple[GitRepo, dict[str, str]], line: str, status: str
) -> None:
    found = of_kind(*checked(built, WHY + line + "\n"), "count")
    assert [c.status for c in found] == [status], found


def test_a_count_borrows_the_code_of_the_bullet_above(
    built: tuple[GitRepo, dict[str, str]],
) -> None:
    text = (
        WHY + "- **Import Pattern**: `from app.store import Store`\n- imported by 10+ test files\n"
    )
    found = of_kind(*checked(built, text), "count")
    assert [c.status for c in found] == ["verified"], found
    assert "12 files" in found[0].detail


def test_a_partial_count_says_what_it_skipped(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    files = {f"users/u{n}.py": f"from ws import LockState  # {n}\n" for n in range(6)}
    first = commit(repo, files, "users", "2025-01-02T09:00:00Z")
    # The later commit removes u5.py: checked at the analysis's commit, that file is read
    # from the revision's blobs (the rest from the working tree, which stands for them).
    commit(repo, {"later.py": "LATER = 1\n", "users/u5.py": None}, "later", "2025-01-03T09:00:00Z")
    blob = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", f"{first}:users/u5.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    opened = open_repo(repo)
    lower = read_analysis_text(WHY + "- Found 4+ files using `LockState`\n", "rca.md")
    exact = read_analysis_text(WHY + "- Found 6 files using `LockState`\n", "rca.md")
    partial = check_analysis(lower, opened, first).checks
    bounded = check_analysis(exact, opened, first).checks
    assert partial[-1].status == "verified" and "1 unreadable" in partial[-1].detail
    assert bounded[-1].status == "unverifiable" and "partial" in bounded[-1].detail


@pytest.mark.parametrize(
    ("line", "count", "pattern"),
    [
        ("- 440+ files still referencing eliminated `manager_factory`", 440, "manager_factory"),
        ("**Files Affected:** 47+ test files", 47, None),
        ("1. **Mock replacement errors** (47 files) - blocks every run", 47, None),
        ("- **SSOT Violations**: 10+ competing Manager implementations", 10, None),
    ],
    ids=["bullet opening", "label value", "bracketed", "a figure git cannot count"],
)
def test_stated_figures_are_count_claims(line: str, count: int, pattern: str | None) -> None:
    analysis = read_analysis_text(WHY + line + "\n", "rca.md")
    counts = [c for c in analysis.claims if c.kind == "count"]
    assert [(c.count, c.pattern) for c in counts] == [(count, pattern)]


def test_commits_related_to_a_topic_read_two_ways(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    commit(repo, {"store/a.py": "A = 0\n"}, "store: start", "2025-01-02T09:00:00Z")
    for n in range(4):
        commit(repo, {"store/a.py": f"A = {n + 1}\n"}, f"store rewrite: step {n}")
    commit(repo, {"other.py": "B = 1\n"}, "store rewrite: docs")
    text = WHY + "- Over 5 commits related to the store rewrite\n"
    analysis = read_analysis_text(text, "rca.md")
    checks = check_analysis(analysis, open_repo(repo), "HEAD").checks
    # 5 subjects mention it; 5 commits touch store/: both readings hold.
    assert checks[-1].status == "verified", checks[-1].detail
    text = WHY + "- Over 7 commits related to the store rewrite\n"
    analysis = read_analysis_text(text, "rca.md")
    checks = check_analysis(analysis, open_repo(repo), "HEAD").checks
    assert checks[-1].status == "contradicted", checks[-1].detail


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ("  - `jwt.decode(`: 5 files", "jwt.decode("),
        ("  - `validate_token(` used in 40 files", "validate_token("),
        ("- 157 files with `async def test.*return` patterns", None),
        ('- Recent commit: `"Fix: remove awaits"` - 255 fixes applied across 83 files', None),
    ],
    ids=["span then figure", "span used in", "a regex is not a string", "span far before"],
)
def test_what_a_count_counts(line: str, pattern: str | None) -> None:
    analysis = read_analysis_text(WHY + line + "\n", "rca.md")
    assert [c.pattern for c in analysis.claims if c.kind == "count"] == [pattern]


def test_a_figure_inside_a_quoted_subject_is_no_count() -> None:
    line = '- Git commit history shows: `"Fix: remove awaits - 255 fixes across 83 files"`'
    analysis = read_analysis_text(WHY + line + "\n", "rca.md")
    assert not [c for c in analysis.claims if c.kind == "count"]


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """Managers defined in source, in tests and in a report; a test file with async tests;
    stale calls in code and in docs; commits tied to an issue and a topic."""
    repo = init_repo(tmp_path_factory.mktemp("counted") / "repo")
    managers = "".join(f"class Ws{n}WebSocketManager:\n    pass\n\n" for n in range(3))
    tests = "import pytest\n\n" + "".join(
        f"@pytest.mark.asyncio\nasync def test_a{n}():\n    pass\n\n" for n in range(3)
    )
    files = {
        "app/ws.py": managers
        + "class WebSocketConnectionManager:\n    pass\n"
        + "class WebSocketManagerFactory:\n    pass\n",  # a factory, not a manager
        "tests/test_ws.py": "".join(
            f"class Mock{n}WebSocketManager:\n    pass\n" for n in range(3)
        ),
        "test_framework/doubles.py": "class FakeWebSocketManager:\n    pass\n"
        "class StubWebSocketManager:\n    pass\n",
        "docs/notes.md": "".join(f"class Old{n}WebSocketManager:\n" for n in range(3)),
        "tests/test_async.py": tests
        + "async def test_plain():\n    pass\n\ndef test_sync():\n    pass\n",
        "app/a.py": "async def f():\n    await get_store()\n",
        "app/b.py": "async def g():\n    await get_store()\n",
        **{f"docs/d{n}.md": "Call `await get_store()` first.\n" for n in range(3)},
        "app/legacy.py": "class Config:\n    x = 1\n",
        "docs/issue_77_plan.md": "plan\n",
        "tests/test_issue_77.py": "X = 77\n",
        **{f"tests/test_port{n}.py": "URL = 'http://localhost:8002'\n" for n in range(4)},
    }
    commit(repo, files, "store: first import", "2025-01-02T09:00:00Z")
    for n in range(4):
        commit(
            repo,
            {"app/c.py": f"C = {n}\n"},
            f"fix(#1278): user store isolation step {n}",
            f"2025-02-0{n + 1}T09:00:00Z",
        )
    commit(repo, {"app/d.py": "D = 1\n"}, "chore: import sorting", "2025-03-01T09:00:00Z")
    # Checked at HEAD~1, the counts read git's tree rather than the working tree.
    commit(repo, {"app/e.py": "E = 1\n"}, "chore: later", "2025-03-02T09:00:00Z")
    return open_repo(repo)


def _count_status(repo: GitRepo, line: str, revision: str = "HEAD") -> list[tuple[str, str | None]]:
    analysis = read_analysis_text(WHY + line + "\n", "docs/rca.md")
    checks = {c.claim_id: c for c in check_analysis(analysis, repo, revision).checks}
    return [(checks[c.id].status, c.pattern) for c in analysis.claims if c.kind == "count"]


@pytest.mark.parametrize(
    ("line", "status"),
    [
        # 4 definitions in source outside test code (test_framework/ is test code too)
        ("- 4 WebSocket Manager implementations", "verified"),
        ("- **Class Explosion:** 3+ WebSocket manager classes", "verified"),
        # 12 in every file: more than claimed only counts a part, too few is evidence
        ("- 12 distinct WebSocket Manager classes", "unverifiable"),
        ("- 20 WebSocket Manager class definitions", "contradicted"),
    ],
)
def test_classes_in_words_are_definitions_in_source_outside_tests(
    counted: GitRepo, line: str, status: str
) -> None:
    assert [s for s, _p in _count_status(counted, line)] == [status]


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("- `test_async.py` has 3 proper `@pytest.mark.asyncio` decorators", "verified"),
        ("- `test_async.py` has 2 proper `@pytest.mark.asyncio` decorators", "contradicted"),
        ("- 4 async test methods in `tests/test_async.py` lack a decorator", "verified"),
        ("- 9 test methods in `test_async.py`", "contradicted"),  # 5
    ],
)
def test_a_count_inside_the_one_file_the_line_names(
    counted: GitRepo, line: str, status: str
) -> None:
    assert [s for s, _p in _count_status(counted, line)] == [status]


@pytest.mark.parametrize(
    ("line", "status", "pattern"),
    [
        ("- 4+ commits addressing Issue #1278 patterns ✅", "verified", "1278"),
        ('- **1+ git commits** contain "import" in commit messages', "verified", "import"),
        ("- Based on 5+ git commits since February 1, 2025:", "verified", "since 2025-02-01"),
        ("- Based on 9+ git commits since February 1, 2025:", "contradicted", "since 2025-02-01"),
        ("- Steady work (4+ commits related to user isolation)", "verified", "user isolation"),
    ],
    ids=["issue number", "quoted word", "since a date", "too few since", "every word"],
)
def test_what_commits_are_counted(counted: GitRepo, line: str, status: str, pattern: str) -> None:
    found = _count_status(counted, line)
    assert found == [(status, pattern)], found


@pytest.mark.parametrize(
    ("line", "status", "pattern"),
    [
        ("- Legacy `class Config:` patterns in 30+ files", "contradicted", "class Config:"),
        ("- **2 files** with stale `await get_store()` calls", "verified", "await get_store()"),
        ("- Found 4+ test files referencing port 8002", "verified", "8002"),
    ],
    ids=["span then patterns in", "calls live in source files", "a port"],
)
def test_what_a_figure_counts(counted: GitRepo, line: str, status: str, pattern: str) -> None:
    found = _count_status(counted, line, "HEAD~1")
    assert found == [(status, pattern)], found


def test_files_made_for_an_issue_and_a_file_that_exists(counted: GitRepo) -> None:
    # 2 tracked paths hold 77: a lower bound only.
    assert _count_status(counted, "- **Claims:** 2+ files created for Issue #77, yet") == [
        ("verified", "named 77")
    ]
    assert _count_status(counted, "- Only 9+ files created for Issue #77") == [
        ("unverifiable", "named 77")
    ]
    text = "- Discovery failed for `app/legacy.py`.\n- File exists: 2 lines with a class\n"
    assert [s for s, _p in _count_status(counted, text.rstrip("\n"))] == ["verified"]


def test_a_file_phrase_is_a_size_only_when_nothing_narrows_it(counted: GitRepo) -> None:
    text = "- Discovery failed for `app/legacy.py`.\n- The file has 9 lines of imports"
    assert [p for s, p in _count_status(counted, text) if s != "unverifiable"] == []


def test_too_few_commits_since_a_date_allows_for_the_writers_clock(counted: GitRepo) -> None:
    # 5 commits since 2025-02-02 (UTC); 6 since the day before: 6 claimed is not too few.
    assert _count_status(counted, "- Based on 6 commits since February 2, 2025:") == [
        ("unverifiable", "since 2025-02-02")
    ]
    assert _count_status(counted, "- Based on 9 commits since February 2, 2025:") == [
        ("contradicted", "since 2025-02-02")
    ]

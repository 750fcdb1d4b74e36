"""Count claims real analyses write without a greppable subject on their line: a lower
bound on anything, a ratio, a unit in quotes, "exists in multiple locations", a figure
restated from an earlier line, "legacy patterns" meaning a `pattern` named just above, and
"10+ Ledger Manager implementations" read as names holding both words."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitbuild import make_repo

from whys.core.checks import check_analysis
from whys.core.claims import extract_claims
from whys.core.models import ClaimCheck
from whys.core.reader import read_analysis_text
from whys.core.repo import GitRepo, open_repo


def counts(text: str) -> list[tuple[int, int, bool, str | None]]:
    """(line, count, at_least, pattern) of the count claims of a document."""
    return [
        (c.line, c.count or 0, c.at_least, c.pattern)
        for c in extract_claims(text.splitlines(), [])
        if c.kind == "count"
    ]


@pytest.mark.parametrize(
    ("line", "count", "at_least"),
    [
        ("- **SSOT Violations:** 15+ deprecated import patterns causing failures", 15, True),
        ("- WebSocket core has 6+ compatibility files creating import conflicts", 6, True),
        ("- **Overall Compliance:** 98.7% (866/881 files compliant)", 866, False),
        ('- 1,047 "connection management files" include proper layers', 1047, False),
        ("### WHY do violations persist (264 violations vs target <5)?", 264, False),
        ("- **Evidence**: 45 P0 import failures eliminated", 45, False),
    ],
)
def test_a_figure_with_nothing_to_count_is_still_a_claim(
    line: str, count: int, at_least: bool
) -> None:
    [(_, found, bound, pattern)] = counts(line)
    assert (found, bound, pattern) == (count, at_least, None)


@pytest.mark.parametrize(
    "line",
    [
        "**Business Impact:** $500K+ ARR at risk",
        "- **Effort:** 8-12 hours for complete elimination",
        "- Took 24+ hours to notice",
    ],
)
def test_money_and_durations_are_not_counts(line: str) -> None:
    assert counts(line) == []


LEGACY = "from app.legacy_factory import build\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    files = {
        "app/a.py": "def make_ctx():\n    return 1\n",
        "app/b.py": "def make_ctx():\n    return 2\n",
        "app/result.py": "class Result:\n    pass\n",
        "app/models.py": "class Config:\n    extra = 1\n",
        "app/ledger.py": (
            "class LedgerManager:\n    pass\n\n\nclass LedgerManagerFactory:\n    pass\n\n\n"
            "class LedgerManagerMode(Enum):\n    A = 1\n"
        ),
        **{f"app/use_{n}.py": LEGACY for n in range(4)},
        **{f"app/old_{n}.py.bak_0917": "x = 1\n" for n in range(3)},
        "docs/cleanup.md": "Remove every *.bak_0917 file.\n",
    }
    path = make_repo(
        tmp_path_factory.mktemp("counts"),
        [{"files": files, "message": "init", "date": "2026-02-10T10:00:00+00:00"}],
    )
    return open_repo(Path(path))


def checked(repo: GitRepo, text: str) -> dict[int, ClaimCheck]:
    analysis = read_analysis_text(text, "rca.md")
    run = check_analysis(analysis, repo, "HEAD")
    checks = {check.claim_id: check for check in run.checks}
    return {c.line: checks[c.id] for c in analysis.claims if c.kind == "count"}


HEAD = "# Ledger outage - Five Whys\n\n## Why 1: Why did it fail?\n\n"


def test_exists_in_multiple_locations_counts_the_names_definitions(repo: GitRepo) -> None:
    text = HEAD + (
        "- `make_ctx` function exists in multiple locations but imports break\n"  # 5
        "\n"
        "**WHY #2:** Why does `Result.__init__()` reject `execution_time`?\n"  # 7
        "- **ANSWER:** Multiple competing class definitions with different signatures\n"  # 8
        "- `LEDGER_KEY` exists in multiple locations\n"  # 9
    )
    found = checked(repo, text)
    assert found[5].status == "verified"
    assert "app/a.py, app/b.py" in found[5].detail
    # One `class Result` in a tree read in full: there are not several.
    assert found[8].status == "contradicted", found[8].detail
    # No `def` or `class` defines it: it may be assigned anywhere, which says nothing.
    assert found[9].status == "unverifiable"


def test_a_restated_figure_counts_what_it_first_counted(repo: GitRepo) -> None:
    text = HEAD + (
        "- 4+ files still reference `legacy_factory`\n"  # 5
        "- 4+ test files still reference eliminated modules\n"  # 6
        "\n"
        "## Recommendations\n"
        "\n"
        "1. **Audit all 4+ affected files** for the migration\n"  # 10
        "2. **Retry 4+ stalled requests** after the migration\n"  # 11
    )
    found = checked(repo, text)
    assert found[5].status == "verified"
    assert found[10].status == "verified"
    assert "'legacy_factory'" in found[10].detail
    # The same figure of another unit is another count.
    assert found[11].detail == "names nothing that could be counted"
    # Its own object ("eliminated modules"), which git cannot count: not borrowed.
    assert found[6].status == "unverifiable"


def test_patterns_mean_the_pattern_named_just_above(repo: GitRepo) -> None:
    text = HEAD + (
        "- **Answer:** Code uses the deprecated `class Config:` pattern\n"  # 5
        "- **Answer:** V2 adoption left legacy patterns scattered across 20+ files\n"  # 6
        "- 9 files with `async def test.*return` patterns\n"  # 7
    )
    found = checked(repo, text)
    assert found[6].status == "contradicted"
    assert "'class Config:'" in found[6].detail
    # A regex of its own is its own subject, not the pattern above.
    assert found[7].status == "unverifiable"


def test_a_lower_bound_on_implementations_reads_names_holding_both_words(repo: GitRepo) -> None:
    text = HEAD + "- **SSOT Fragmentation:** 3+ Ledger Manager implementations\n"
    [check] = checked(repo, text).values()
    assert check.status == "verified"
    assert "factories, adapters and enums among them" in check.detail


FENCE = "```"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    call = "    await get_manager()\n"
    path = make_repo(
        tmp_path_factory.mktemp("fences"),
        [
            {"files": {"tests/test_a.py": "LedgerTestConfig\n" + call * 2,
                       "tests/test_b.py": "LedgerTestConfig\n" + call,
                       "docs/notes.md": call * 3 + "await get_ledger()\n" * 2,
                       "tests/test_c.py": "await get_ledger()\n" * 2},
             "message": "init", "date": "2026-02-01T10:00:00+00:00"},
            {"files": {"backup/test_a.py": call * 2}, "message": "ledger: keep a backup",
             "date": "2026-02-05T10:00:00+00:00"},
            {"files": {"app/x.py": "X = 1\n"}, "message": "ledger: fix the lock",
             "date": "2026-02-09T10:00:00+00:00"},
            {"files": {"app/x.py": "X = 2\n"}, "message": "Ledger: retry",
             "date": "2026-02-10T10:00:00+00:00"},
        ],
    )  # fmt: skip
    return open_repo(Path(path))


def test_a_commands_result_is_asked_again_of_the_tree_and_history(ledger: GitRepo) -> None:
    text = HEAD + (
        f"{FENCE}bash\n"
        'grep -r "await get_manager(" . --include="*.py" | grep -v backup | wc -l\n'
        "# Result: 3 (ALL in test files)\n"  # 7
        'git log --oneline --since="2 days ago" | grep -i ledger | wc -l\n'
        "# Result: 2+ ledger commits\n"  # 9
        'git log --oneline --since="2 days ago" | grep -i ledger | wc -l\n'
        "# Result: 9+ ledger commits\n"  # 11
        "rm -rf build | wc -l\n"
        "# Result: 4\n"  # 13
        f"{FENCE}\n"
    )
    found = checked(ledger, text)
    assert found[7].status == "verified", found[7].detail
    assert "paths without backup" in found[7].detail
    assert found[9].status == "verified", found[9].detail
    # Two commits in the window mention the ledger: nine is too many.
    assert found[11].status == "contradicted", found[11].detail
    # A command it does not read is not run, and not guessed at.
    assert found[13].status == "unverifiable"


def test_a_comment_or_a_tree_leaf_in_a_fence_counts_its_subject(ledger: GitRepo) -> None:
    text = HEAD + (
        f"{FENCE}bash\n"
        "# Only 2 await get_ledger calls remain - ALL in test files\n"  # 6
        f"{FENCE}\n\n"
        f"{FENCE}\n"
        "Ledger failures\n"
        "├── LedgerTestConfig (BROKEN)\n"
        "│   ├── Missing attribute\n"
        "│   └── Used by 2+ test files\n"  # 13
        f"{FENCE}\n"
    )
    found = checked(ledger, text)
    # Four in the tree, two of them in a document quoting the code.
    assert found[6].status == "verified", found[6].detail
    assert "source files only" in found[6].detail
    assert found[13].status == "verified", found[13].detail
    assert "'LedgerTestConfig'" in found[13].detail


def test_a_figure_of_what_git_cannot_count_borrows_no_code_from_its_sibling(
    repo: GitRepo,
) -> None:
    text = HEAD + (
        "- **Import Pattern**: `from app.legacy_factory import build`\n"  # 5
        "- E2E tests like these create 20+ concurrent requests\n"  # 6
        "\n"
        "- **Import Pattern**: `from app.legacy_factory import build`\n"  # 8
        "- imported by 4+ files\n"  # 9
    )
    found = checked(repo, text)
    assert found[6].status == "unverifiable"
    assert found[6].detail == "names nothing that could be counted"
    # A unit git counts takes the sibling's code, as before.
    assert found[9].status == "verified", found[9].detail


def test_a_figure_a_program_printed_in_a_fence_is_listed() -> None:
    text = "# T\n\n```bash\nFound classes: 2\n- app.registry.AgentRegistry (64 methods)\n```\n"
    assert counts(text) == [(5, 64, False, None)]


def test_files_with_an_extension_are_counted_by_their_names(repo: GitRepo) -> None:
    # Not the files whose text holds `.bak_0917` (one document does), but those it ends.
    text = HEAD + (
        "- All 3 files with `.bak_0917` extensions\n"  # 5
        "- All 40 files with `.bak_0917` extensions\n"  # 6: git lists what it tracks only
        "- Only 1 file with the `.bak_0917` suffix\n"  # 7: git has more
    )
    found = checked(repo, text)
    assert found[5].status == "verified" and "3 tracked files are named" in found[5].detail
    assert found[6].status == "unverifiable"
    assert found[7].status == "contradicted"

"""Every row of REAL-SHAPES.md, against the real "ledger" repository of `ledger_repo.py`.

Each case is an analysis snippet, the line it is about (a needle found on that line), and
what a careful auditor decides there with plain git: a claim of one of the given kinds with
that status, or no contradicted claim at all ("not ✗"), or no claim of a kind ("none").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from ledger_repo import (
    LOCKFIX_AFTER,
    Ledger,
    add_document,
    add_document_with_code,
    build_ledger,
    drop_blobs,
)

from whys.core.checks import check_analysis
from whys.core.models import Analysis, Claim, ClaimCheck
from whys.core.reader import read_analysis_text
from whys.core.repo import GitRepo, open_repo

NOT_CONTRADICTED = "not ✗"
NO_CLAIM = "none"

FENCE = "```"


@dataclass(frozen=True)
class Shape:
    name: str
    text: str
    needle: str
    kinds: frozenset[str]
    status: str
    detail: str = ""
    suggestion: str = ""


def shape(name: str, text: str, needle: str, kinds: str, status: str, **extra: str) -> Shape:
    return Shape(name, text, needle, frozenset(kinds.split()), status, **extra)


WHY = "# RCA: ledger settlement outage\n\n## Why 1: Why did settlement fail?\n\n"

SHAPES: list[Shape] = [
    # Evidence inside code fences
    shape(
        "stack frame",
        WHY + f'{FENCE}\nTraceback (most recent call last):\n  File "/srv/app/ledger/settle.py", '
        f"line 212, in settle_batch\n    total = sum(batch)\nTypeError: bad operand\n{FENCE}\n",
        "line 212",
        "lines",
        "verified",
    ),
    shape(
        "stack frame outside its function",
        WHY + f'{FENCE}\nTraceback (most recent call last):\n  File "/srv/app/ledger/settle.py", '
        f"line 240, in settle_batch\nTypeError: bad operand\n{FENCE}\n",
        "line 240",
        "lines",
        "contradicted",
    ),
    shape(
        "stack frame in prose",
        WHY + "- The error is raised at `ledger/settle.py` line 212 in `settle_batch`.\n",
        "line 212",
        "lines",
        "verified",
    ),
    shape(
        "git log listing",
        WHY + f"{FENCE}\n4be9e10 fix(ledger): release lock on timeout\n{FENCE}\n",
        "4be9e10",
        "commit",
        "contradicted",
        suggestion="{lock_fix}",
    ),
    shape(
        "sha and subject in one span",
        WHY + "- The lock fix landed (`4be9e10 fix(ledger): release lock on timeout`).\n",
        "4be9e10",
        "commit",
        "contradicted",
        suggestion="{lock_fix}",
    ),
    shape(
        "comment citing a line",
        WHY + f"{FENCE}python\n# Mounted at /v2/invoices (from ledger/routes.py line 41)\n"
        f'app.mount("/v2/invoices", invoices_app)\n{FENCE}\n',
        "routes.py line 41",
        "lines",
        "verified",
    ),
    shape(
        "comment with a bare range",
        WHY + "The lock code lives in `ledger/ws.py`.\n\n"
        f"{FENCE}python\n# Lines 59-85 handle LockState\nclass LockState:\n    ...\n{FENCE}\n",
        "Lines 59-85",
        "lines",
        "verified",
    ),
    shape(
        "shell command",
        WHY + f"{FENCE}bash\npython tools/rebuild_index.py --all\n{FENCE}\n",
        "rebuild_index.py",
        "file",
        "verified",
    ),
    shape(
        "code tied to a file",
        WHY + f"{FENCE}python\n# In ledger/client.py\n"
        "def fetch_invoice(self, invoice_id: str) -> Invoice:\n"
        f"    token = LedgerClient._read_token()\n{FENCE}\n",
        "def fetch_invoice",
        "symbol lines",
        "verified",
    ),
    shape(
        "call to a missing member",
        WHY + f"{FENCE}python\n# In ledger/client.py\n"
        "def fetch_invoice(self, invoice_id: str) -> Invoice:\n"
        f"    token = LedgerClient._read_token()\n{FENCE}\n",
        "_read_token",
        "symbol",
        "contradicted",
    ),
    shape(
        "new code in a fix",
        "# RCA\n\n## Fix\n\n"
        f"{FENCE}python\n# In ledger/client.py\ndef fetch_safely(self, invoice_id):\n"
        f"    return self.fetch_invoice(invoice_id)\n{FENCE}\n",
        "def fetch_safely",
        "symbol lines",
        NOT_CONTRADICTED,
    ),
    shape(
        "what a file defines",
        WHY + f"{FENCE}\n# invoices.py defines routes: /list, /export\n{FENCE}\n",
        "defines routes",
        "symbol lines",
        "verified",
    ),
    shape(
        "stated absence",
        WHY + f"{FENCE}\n# invoices.py defines routes: /list, /export\n"
        f"# MISSING: /v2/invoices (root)\n{FENCE}\n",
        "MISSING",
        "symbol lines",
        NOT_CONTRADICTED,
    ),
    # Line claims described in words
    shape(
        "description, not code",
        WHY + "- `ledger/retry.py:40-52`: backoff delay table\n",
        "retry.py:40-52",
        "lines",
        "verified",
    ),
    shape(
        "single cited line, blank",
        WHY + "- A termination flaw (line 88 in `retry.py`) loops forever.\n",
        "line 88",
        "lines",
        "contradicted",
    ),
    shape(
        "common word only",
        WHY + "- The flag `--verify-keys` in `ledger/cli.py` turns key checks on.\n"
        "- Lines 10-12: key verification is opt-in\n",
        "Lines 10-12",
        "lines",
        "contradicted",
    ),
    shape(
        "code on the next lines",
        WHY + f"- **File**: ledger/retry.py (Lines 40-52)\n- **Code**:\n\n{FENCE}python\n"
        f"delay = base * 2 ** attempt\n{FENCE}\n",
        "Lines 40-52",
        "lines",
        "verified",
    ),
    shape(
        "name in a sibling bullet",
        WHY + "- **Location**: ledger/boot.py:120-125\n"
        "- **Function**: start_ledger() calls open_pool()\n",
        "boot.py:120-125",
        "lines",
        "contradicted",
        detail="150",
    ),
    shape(
        "nothing to look for",
        WHY + "- **Location**: ledger/worker.py:925\n- Generic handling hides codes\n",
        "worker.py:925",
        "lines",
        "unverifiable",
    ),
    shape(
        "file named under an earlier heading",
        "# RCA\n\n### Why 3: Why were keys skipped?\n\n"
        "Lines 60-64 in `ops/deploy.py` check the keys.\n\n"
        "### Why 4: Why was that allowed?\n\n"
        'The deploy says so (line 228: "Skipping key check").\n',
        "line 228",
        "lines",
        "verified",
    ),
    shape(
        "condensed code",
        WHY + f"The guard (ledger/boot.py:26-40):\n\n{FENCE}python\n"
        f'if env == "test": return True\n{FENCE}\n',
        "boot.py:26-40",
        "lines",
        "verified",
    ),
    shape(
        "quote without its f-prefix",
        WHY + '- `ledger/notify.py` logs `log.info("Ledger down: {err}")`\n',
        "notify.py",
        "symbol lines",
        "verified",
    ),
    shape(
        "label prefix",
        WHY + f"{FENCE}\nLocation: ledger/retry.py:12\nEvidence: retry_limit=3\n{FENCE}\n",
        "retry.py:12",
        "lines",
        "verified",
    ),
    shape(
        "location of a block",
        WHY + f"{FENCE}python\n# ledger/ids.py:14\ndef new_id(prefix):\n"
        f'    token = uuid4().hex\n    return f"{{prefix}}-{{token}}"\n{FENCE}\n',
        "ids.py:14",
        "lines",
        "verified",
    ),
    # Names, quotes and files
    shape(
        "name with no file",
        WHY + "- `apply_discount()` now rounds half-up\n",
        "apply_discount",
        "symbol",
        "verified",
    ),
    shape(
        "name with no file, nowhere in the tree",
        WHY + "- `apply_surcharge()` now rounds half-up\n",
        "apply_surcharge",
        "symbol",
        "contradicted",
    ),
    shape(
        "quoted log message",
        WHY + '- Tests show "Created sandbox ledger for tenant: t-001"\n',
        "Created sandbox",
        "symbol lines message",
        "verified",
    ),
    shape(
        "quote said to be in a doc",
        WHY + '- From `docs/INC-12.md`: "RETRIES ARE IDEMPOTENT"\n',
        "INC-12",
        "symbol lines file",
        "contradicted",
        suggestion="CONTRIBUTING.md",
    ),
    shape(
        "ambiguous bare name",
        WHY + "- `helpers.py:10, 22`: LockState checks\n",
        "helpers.py:10, 22",
        "lines",
        "verified",
        detail="ledger/helpers.py",
    ),
    shape(
        "case differs",
        WHY + "- Reviewed following contributing.md before merging.\n",
        "contributing.md",
        "file",
        "verified",
        detail="CONTRIBUTING.md",
    ),
    shape("not a file", WHY + "- Node.js containers start slowly.\n", "Node.js", "file", NO_CLAIM),
    shape(
        "a directory",
        WHY + "- The `tests/unit/ledger_lock/` directory holds the lock tests.\n",
        "ledger_lock",
        "file",
        "verified",
    ),
    shape(
        "image digest",
        WHY + "- Deployed `registry.example/ledger:latest` (SHA: 9e0c44d1)\n",
        "9e0c44d1",
        "commit",
        NOT_CONTRADICTED,
    ),
    shape(
        "name tied to the wrong file",
        WHY + "- `loader.py` uses lazy imports that fail when `LedgerSession` isn't imported "
        "in the worker modules\n",
        "LedgerSession",
        "symbol lines",
        NOT_CONTRADICTED,
    ),
    shape(
        "runtime behaviour",
        WHY + "- `ledger/config.py` raised KeyError because `LEDGER_TOKEN` was unset\n",
        "KeyError",
        "symbol lines file",
        NOT_CONTRADICTED,
    ),
    # Stance
    shape(
        "proposal: create a file",
        "# RCA\n\n## Recommendations\n\n- **Create**: ledger/safe_send.py\n",
        "safe_send.py",
        "file",
        "unverifiable",
        detail="proposal",
    ),
    shape(
        "proposal: modify a line",
        f"# RCA\n\n## Fix\n\n{FENCE}python\n# Modify ledger/client.py:88\n"
        f"def send_safely(payload):\n    return payload\n{FENCE}\n",
        "client.py:88",
        "lines",
        NOT_CONTRADICTED,
    ),
    shape(
        "proposal: a config to add",
        "# RCA\n\n## Action items\n\n- [ ] Add a `.ruff.toml` to enforce the lint rules\n",
        ".ruff.toml",
        "file",
        "unverifiable",
    ),
    shape(
        "error text",
        WHY + '- Error message: "Object of type Decimal is not JSON serializable"\n',
        "Decimal",
        "message commit",
        NOT_CONTRADICTED,
    ),
    shape(
        "status claim",
        WHY + "**STATUS**: Routes correctly configured\n",
        "STATUS",
        "file lines symbol message count",
        NOT_CONTRADICTED,
    ),
    # Counts
    shape(
        "size of a file",
        WHY + "- Core ledger (`ledger/core.py`)\n  - **Lines of Code**: 462 lines\n",
        "462 lines",
        "count",
        "verified",
    ),
    shape(
        "size of a block",
        WHY + "- `LedgerAdapter` in `ledger/adapter.py`: 126 lines of adapter code\n",
        "126 lines",
        "count",
        "contradicted",
        detail="59",
    ),
    shape(
        "pattern on a sibling line",
        WHY + "- **Import Pattern**: `from ledger.core import Ledger`\n"
        "- imported by 20+ test files\n",
        "20+",
        "count",
        "verified",
    ),
    shape("unit in words", WHY + "- 154 manager classes\n", "154", "count", "verified"),
    shape(
        "unreadable objects",
        WHY + "- Found 15+ files using LockState\n",
        "15+",
        "count",
        "verified",
        detail="2",
    ),
    shape(
        "ambiguous reading",
        WHY + "- Over 100 commits related to the ledger rewrite\n",
        "100 commits",
        "count",
        "unverifiable",
        detail="89",
    ),
]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    built = build_ledger(tmp_path_factory.mktemp("shapes"))
    drop_blobs(built)
    return built


@pytest.fixture(scope="module")
def repo(ledger: Ledger) -> GitRepo:
    return open_repo(ledger.path)


def check_text(
    repo: GitRepo, text: str, rev: str, path: str = "docs/rca/shape.md"
) -> tuple[Analysis, dict[str, ClaimCheck]]:
    analysis = read_analysis_text(text, path)
    run = check_analysis(analysis, repo, rev)
    return analysis, {check.claim_id: check for check in run.checks}


def line_of(text: str, needle: str) -> int:
    numbers = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert numbers, f"needle {needle!r} is on no line"
    return numbers[0]


def on_line(analysis: Analysis, line: int, kinds: frozenset[str]) -> list[Claim]:
    return [claim for claim in analysis.claims if claim.line == line and claim.kind in kinds]


def _fill(template: str, ledger: Ledger) -> str:
    return template.replace("{lock_fix}", ledger.at("lock_fix")[:7]) if template else ""


@pytest.mark.parametrize("case", SHAPES, ids=[case.name for case in SHAPES])
def test_shape(case: Shape, ledger: Ledger, repo: GitRepo) -> None:
    analysis, checks = check_text(repo, case.text, ledger.at("code"))
    line = line_of(case.text, case.needle)
    found = on_line(analysis, line, case.kinds)
    said = [f"{c.kind} {checks[c.id].status}: {checks[c.id].detail}" for c in found]
    if case.status == NO_CLAIM:
        assert not found, said
        return
    if case.status == NOT_CONTRADICTED:
        everything = on_line(analysis, line, frozenset({c.kind for c in analysis.claims}))
        assert all(checks[c.id].status != "contradicted" for c in everything), said
        return
    assert found, f"no {'/'.join(sorted(case.kinds))} claim on line {line}"
    matching = [c for c in found if checks[c.id].status == case.status]
    assert matching, said
    check = checks[matching[0].id]
    assert case.detail in check.detail, check.detail
    assert _fill(case.suggestion, ledger) in (check.suggestion or ""), check.suggestion


def test_four_be_nine_is_not_a_commit(repo: GitRepo) -> None:
    # The git-log rows cite 4be9e10 as a SHA that does not exist: keep it so.
    assert repo.resolve_prefix("4be9e10") == []


def test_conventional_fix_subject_is_a_fix(ledger: Ledger, repo: GitRepo) -> None:
    text = (
        "# RCA\n\n## Why 1: Why the 403s?\n\n"
        '- Caused by "feat(api): cache tokens"\n\n'
        "## Fix\n\n"
        '- Fixed by "fix(api): resolve token mismatch causing 403s"\n'
    )
    analysis, checks = check_text(repo, text, ledger.at("code"))
    fixed = on_line(analysis, line_of(text, "Fixed by"), frozenset({"message"}))
    assert fixed and fixed[0].role == "fix"
    assert checks[fixed[0].id].status == "verified"
    run = check_analysis(analysis, repo, ledger.at("code"))
    assert "fix-before-cause" not in {finding.rule for finding in run.findings}


# Time: the document's own commit matters, so these analyses are committed to the ledger.


@pytest.fixture(scope="module")
def dated(ledger: Ledger) -> dict[str, tuple[str, str, str]]:
    """name -> (path, text, commit) of analyses committed at known dates."""
    documents = {
        "own-date": (
            "docs/rca/LOCK_DATE.md",
            "# RCA: lock outage\n\n**Date**: 2024-01-14\n\n## Why 1: Why?\n\n- It hung.\n",
            "2024-09-04T12:00:00Z",
        ),
        "recent": (
            "docs/rca/LOCK_RECENT.md",
            "# RCA: lock outage\n\n## Why 1: Why did the lock hang?\n\n"
            "**Recent commits** (last week):\n"
            f"- `{ledger.at('lock_fix')[:7]}` fix(ledger): release lock on timeout\n",
            "2024-09-04T12:00:00Z",
        ),
        "report": (
            "docs/LOCK_FIX.md",
            "# LOCK_FIX report\n\nThe lock is released on timeout.\n",
            "2024-09-05T09:00:00Z",
        ),
        "table": (
            "docs/rca/INDEX.md",
            "# Reports\n\n| Date | Report |\n| --- | --- |\n| Sept 5, 2024 | LOCK_FIX report |\n",
            "2024-09-06T09:00:00Z",
        ),
    }
    committed = {}
    for name, (path, text, date) in documents.items():
        committed[name] = (path, text, add_document(ledger, path, text, date, name))
    return committed


@pytest.mark.parametrize(
    ("name", "needle", "status"),
    [
        ("own-date", "**Date**", "contradicted"),
        ("recent", "Recent commits", "verified"),
        ("table", "Sept 5, 2024", "verified"),
    ],
    ids=["the document's own date", "relative window", "non-ISO date"],
)
def test_time_shapes(
    name: str, needle: str, status: str, dated: dict[str, tuple[str, str, str]], repo: GitRepo
) -> None:
    path, text, sha = dated[name]
    analysis, checks = check_text(repo, text, sha, path)
    found = on_line(analysis, line_of(text, needle), frozenset({"time"}))
    said = [f"{checks[c.id].status}: {checks[c.id].detail}" for c in found]
    assert any(checks[c.id].status == status for c in found), said


def test_claim_changed_by_the_analysis_own_commit(ledger: Ledger, repo: GitRepo) -> None:
    """Committed with the code it describes: true at the parent, so say so and name it."""
    text = (
        "# RCA: lock timeout\n\n## Why 1: Why did locks expire late?\n\n"
        "- `ledger/lockfix.py:3` sets `TIMEOUT = 5`\n"
    )
    sha = add_document_with_code(
        ledger,
        "docs/rca/LOCK_TIMEOUT.md",
        text,
        {"ledger/lockfix.py": LOCKFIX_AFTER},
        "2024-09-07T09:00:00Z",
        "own-commit",
    )
    analysis, checks = check_text(repo, text, sha, "docs/rca/LOCK_TIMEOUT.md")
    found = on_line(analysis, line_of(text, "lockfix.py:3"), frozenset({"lines"}))
    assert found, "no lines claim"
    check = checks[found[0].id]
    assert "parent" in check.detail and sha[:7] in check.detail, check.detail
    assert check.status == "verified", check.detail


def test_ledger_facts_hold(ledger: Ledger) -> None:
    """The repository says what the rows rely on (guards the builder, not whys)."""
    settle = (ledger.path / "ledger/settle.py").read_text().splitlines()
    assert settle[189].startswith("def settle_batch") and settle[211] == "    total = sum(batch)"
    assert (ledger.path / "ledger/retry.py").read_text().splitlines()[87] == ""
    assert len((ledger.path / "ledger/core.py").read_text().splitlines()) == 471
    assert Path(ledger.path / "ledger/users/user_21.py").exists()

"""Claims settled by what the analysis says around them (issue 11, corpus shapes): an
error pasted into a ```python fence, an absence whose module the analysis names further on,
members listed under a heading naming their class, a cited setting line that belongs to
another product the analysis names apart, and a fix's "instead of this" code."""

from __future__ import annotations

from pathlib import Path

import pytest
from claim_checks import claims_checked
from gitbuild import make_repo

from whys.core.models import Claim, ClaimCheck
from whys.core.repo import GitRepo, open_repo

FENCE = "```"
ENGINE = "class ExecutionEngine:\n    pass\n\n\nclass EngineConfig(dict):\n    pass\n"
SOCKET_BASE = (
    "from dataclasses import dataclass\n\n\n@dataclass\nclass SocketTestConfig:\n"
    "    url: str = 'ws://localhost'\n    retries: int = 3\n"
)
LIFESPAN = (
    "import os\n\n# Deterministic startup: prevents agent_service errors\n"
    "from app.smd import (\n    run_deterministic_startup,\n)\n"
)
TIMEOUTS = (
    'TIMEOUTS = {\n    "test": {\n        "timeout": 5.0,\n    },\n    "staging": {\n'
    '        # raised for the VPC connector\n        "timeout": 75.0,\n        "pool": 45.0,\n'
    "    },\n}\n"
)
SERVICE = (
    "async def execute(\n    agent: str,\n    user: str,\n) -> dict:\n"
    '    """Run one agent."""\n    status = check()\n    if not status:\n'
    "        return {}\n    return run(agent, user)\n"
)
STAGING_ENV = "".join(f"SETTING_{n}=x\n" for n in range(1, 25)) + "CLICKHOUSE_TIMEOUT=30\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    path = make_repo(
        tmp_path_factory.mktemp("engine"),
        [
            {
                "files": {
                    "app/agents/engine.py": ENGINE,
                    "app/agents/__init__.py": "",
                    "app/other.py": "class EngineConfig:\n    pass\n",
                    "config/staging.env": STAGING_ENV,
                    # Real trees name their products and nouns somewhere.
                    "app/db.py": "# Database access over CloudSQL\nPOOL = 5\n",
                    "tests/socket_base.py": SOCKET_BASE,
                    "app/lifespan.py": LIFESPAN,
                    "app/timeouts.py": TIMEOUTS,
                    "app/service.py": SERVICE,
                    "app/orchestrator.py": "class Orchestrator:\n    pass\n",
                    "app/breaker/__init__.py": "",
                    "app/breaker/monitor.py": "def watch():\n    return BreakerOpen\n",
                    "app/core/breaker_types.py": "class BreakerOpen(Exception):\n    pass\n",
                    "tests/other.py": "events = []\nretries = 1\n",
                },
                "message": "engine and staging config",
            }
        ],
    )
    return open_repo(Path(path))


def checked(repo: GitRepo, body: str) -> list[tuple[Claim, ClaimCheck]]:
    return claims_checked(
        repo, "# RCA: unit tests fail\n\n## Why 1: Why do unit tests fail?\n\n" + body
    )


def on_line(pairs: list[tuple[Claim, ClaimCheck]], line: int, kind: str) -> ClaimCheck:
    found = [check for claim, check in pairs if claim.line == line and claim.kind == kind]
    assert found, [(c.line, c.kind, c.text) for c, _ in pairs]
    return found[0]


IMPORT_ERROR = (
    "**Error:**\n"
    f"{FENCE}python\n"
    "ImportError: cannot import name 'EngineConfig' from 'app.agents.engine'\n"
    f"{FENCE}\n"
)


def test_an_error_pasted_in_a_python_fence_is_what_python_printed(repo: GitRepo) -> None:
    # No statement starts with `ImportError: `: the line is output, read as "app/agents/
    # engine.py lacks EngineConfig", which line 5 of that file contradicts.
    pairs = checked(repo, IMPORT_ERROR)
    check = on_line(pairs, 7, "symbol")
    assert check.status == "contradicted"
    assert "app/agents/engine.py" in check.detail and "line 5" in check.detail


def test_an_absence_naming_no_file_takes_the_module_the_analysis_names(
    repo: GitRepo,
) -> None:
    body = "- Tests fail on a missing `EngineConfig` class\n\n" + IMPORT_ERROR
    pairs = checked(repo, body)
    check = on_line(pairs, 5, "symbol")
    assert check.status == "contradicted"
    assert "app/agents/engine.py:5" in check.detail and "(line 9)" in check.detail


def test_an_absence_naming_no_file_stays_open_without_that_tie(repo: GitRepo) -> None:
    # Two files define it and nothing says which module was meant: not contradicted.
    pairs = checked(repo, "- Tests fail on a missing `EngineConfig` class\n")
    assert on_line(pairs, 5, "symbol").status == "unverifiable"


ENV_CLAIM = "- CloudSQL timeout: 30s (from `config/staging.env` line 25)\n"
CLICKHOUSE_NAMED = "- The ClickHouse client reads its timeout from the environment\n"


def test_a_cited_setting_of_another_product_the_analysis_names_is_something_else(
    repo: GitRepo,
) -> None:
    pairs = checked(repo, ENV_CLAIM + CLICKHOUSE_NAMED)
    check = on_line(pairs, 5, "lines")
    assert check.status == "contradicted"
    assert "CLICKHOUSE_TIMEOUT" in check.detail and "ClickHouse" in check.detail


@pytest.mark.parametrize(
    "body",
    [
        ENV_CLAIM,  # the analysis never names ClickHouse: which product is meant is open
        "- Database timeout: 30s (from `config/staging.env` line 25)\n" + CLICKHOUSE_NAMED,
    ],
    ids=["other-product-unnamed", "generic-subject"],
)
def test_a_cited_setting_is_not_called_another_products_on_weaker_grounds(
    repo: GitRepo, body: str
) -> None:
    pairs = checked(repo, body)
    assert on_line(pairs, 5, "lines").status != "contradicted"


def test_members_listed_under_a_heading_naming_the_class_are_looked_up_in_it(
    repo: GitRepo,
) -> None:
    # "Missing SocketTestConfig Attributes": each "Missing" bullet names a member the class
    # is said to lack; the class's own block settles it (other files' `retries` do not).
    body = (
        "#### 1. Missing SocketTestConfig Attributes\n"
        "- **Missing**: `retries: int`\n"
        "- **Missing**: `events: Set[str]`\n"
    )
    pairs = checked(repo, body)
    retries, events = on_line(pairs, 6, "symbol"), on_line(pairs, 7, "symbol")
    assert retries.status == "contradicted" and "tests/socket_base.py" in retries.detail
    assert events.status == "verified" and "defines no `events`" in events.detail


def test_code_a_fix_says_it_replaces_is_checked_as_the_code_of_today(repo: GitRepo) -> None:
    # Under "## Fix", a fence's "# Instead of this:" part is the code as it stands (a
    # statement about the tree); its "# Do this:" part is the proposal.
    body = (
        "## Fix\n\n"
        f"{FENCE}python\n"
        "# Instead of this (the old default):\n"
        "url: str = 'ws://localhost'\n"
        "# Do this:\n"
        "url: str = 'wss://staging'\n"
        f"{FENCE}\n"
    )
    pairs = checked(repo, body)
    today = [c for c in pairs if c[0].line == 9]
    proposed = [c for c in pairs if c[0].line == 11]
    assert today and today[0][1].status == "verified", today
    assert today[0][0].stance == "asserted"
    assert proposed and proposed[0][0].stance == "proposed"
    assert proposed[0][1].status == "unverifiable"


def test_a_name_in_the_comment_just_above_a_range_is_its_remark_not_a_miss(
    repo: GitRepo,
) -> None:
    body = (
        "- **File:** `app/lifespan.py:4-5` - Uses deterministic startup to prevent "
        "`agent_service` errors\n"
        "- `app/lifespan.py:1` imports `run_deterministic_startup`\n"
    )
    pairs = checked(repo, body)
    remark, elsewhere = on_line(pairs, 5, "lines"), on_line(pairs, 6, "lines")
    assert remark.status == "unverifiable" and "comment at line 3" in remark.detail
    assert elsewhere.status == "contradicted"  # a code line two lines off is elsewhere


@pytest.mark.parametrize(
    ("cited", "status"), [("7-8", "verified"), ("2-3", "contradicted")], ids=["inside", "other"]
)
def test_a_range_inside_the_block_its_quoted_opener_starts_holds_it(
    repo: GitRepo, cited: str, status: str
) -> None:
    body = (
        f"{FENCE}python\n"
        f"# app/timeouts.py lines {cited} - Staging configuration\n"
        '"staging": {\n'
        '    "timeout": 75.0,\n'
        "}\n"
        f"{FENCE}\n"
    )
    assert on_line(checked(repo, body), 6, "lines").status == status


def test_an_absence_scoped_to_a_package_or_to_any_module_is_read_there(repo: GitRepo) -> None:
    # "the breaker package" is the one package folder named so; "any breaker module" is
    # every module whose name holds the words. A bullet saying "Not found in ..." restates
    # the absence its lead-in line names.
    body = (
        "**WHY 1:** `BreakerOpen` class doesn't exist in the breaker package\n"
        "- **Evidence:** Not found in any breaker module\n"
    )
    pairs = checked(repo, body)
    package, anywhere = on_line(pairs, 5, "symbol"), on_line(pairs, 6, "symbol")
    assert package.status == "verified" and "`app/breaker/`" in package.detail
    assert anywhere.status == "contradicted"
    assert "app/core/breaker_types.py:1" in anywhere.detail


def test_a_line_inside_a_function_whose_signature_spans_lines_is_in_it(repo: GitRepo) -> None:
    body = "- Execution blocks at line 7 of `app/service.py` in `execute()` on the status\n"
    check = on_line(checked(repo, body), 5, "lines")
    assert check.status == "verified" and "lines 1-9" in check.detail


def test_a_name_of_the_next_sentence_is_not_what_the_cited_line_holds(repo: GitRepo) -> None:
    body = (
        "- The pipeline fails at line 7 of `app/service.py` after a partial migration. "
        "The `Orchestrator` was dropped from its dependencies.\n"
    )
    check = on_line(checked(repo, body), 5, "lines")
    assert check.status == "unverifiable" and "Orchestrator" not in check.detail


@pytest.mark.parametrize(
    ("quote", "status"),
    [
        ('"test": {\n    "timeout": 75.0,\n    "pool": 45.0,\n', "verified"),
        ('"test": {\n    "pool": 99.0,\n', "contradicted"),
    ],
    ids=["later-lines-in-range", "no-line-in-range"],
)
def test_a_range_holding_the_quotes_later_lines_holds_the_quote(
    repo: GitRepo, quote: str, status: str
) -> None:
    # "# Lines 7-8" over a fence whose first line (`"test": {`) is elsewhere in the file:
    # the range holds the quote when it holds the quote's later lines.
    body = f"{FENCE}python\n# app/timeouts.py lines 7-8 - Staging values\n{quote}{FENCE}\n"
    assert on_line(checked(repo, body), 6, "lines").status == status

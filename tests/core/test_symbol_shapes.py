"""Symbol shapes of real analyses beyond a backticked name, against a real tiny repository:
bare code names, code and config lines in fences, pytest node ids and test results, a
script's options, error text, configured values, and stated absences (of a module, of a
name beside the file that defines it)."""

from __future__ import annotations

import pytest
from gitbuild import commit, init_repo

from whys.core.checks import check_analysis
from whys.core.reader import read_analysis_text
from whys.core.repo import GitRepo, open_repo

FENCE = "```"
WHY = "# RCA\n\n## Why 1: Why did billing fail?\n\n"

RUNNER = """import argparse

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--category")
    parser.add_argument("--environment-name")
    parser.add_argument("--fast-fail", action="store_true")
    return parser.parse_args()
"""

FILES = {
    "billing/deployer.py": "class GCPDeployer:\n    def deploy(self):\n        return True\n",
    "billing/engine.py": "class EngineConfig(dict):\n    pass\n",
    "billing/notify.py": "async def notify(log, err):\n    log.info(err)\n",
    "billing/db.py": (
        "class Pool:\n"
        "    def __init__(self, config):\n"
        "        pool_size = getattr(config, 'pool_size', 50)\n"
        "        self.size = pool_size\n"
    ),
    "billing/timeouts.py": (
        "TIMEOUTS = {\n"
        '    "connection_timeout": 75.0,\n'
        '    "initialization_timeout": 90.0,  # increased from 45.0\n'
        "}\n"
    ),
    "deploy/secrets.sh": "gcloud secrets versions access latest --secret=jwt-secret-staging\n",
    "pyproject.toml": '[tool.pytest.ini_options]\npython_classes = ["Test*", "*Tests"]\n',
    "tests/clients/factory.py": "class ClientFactory:\n    pass\n",
    "tests/test_billing.py": (
        "class TestBilling:\n"
        "    def test_charge_retries(self):\n"
        '        assert False, "charge missing idempotency key"\n'
    ),
    "test_framework/docker_breaker.py": "BREAKER = None\n",
    "tools/run_tests.py": RUNNER,
    "reports/MASTER_QA_STATUS.md": "# QA\n\nSystem Health: degraded\n",
    "docs/OLD_QA.md": "**99% System Health** - all green\n",
    "docs/RENAMES.md": "Old names: `BillingGatewayTests`, renamed to `TestBillingGateway`.\n",
    "billing/guard.py": (
        "def guard(logger, caller):\n"
        "    logger.error(\n"
        '        f"SSOT VIOLATION: direct Pool construction attempted from {caller}"\n'
        "    )\n"
    ),
    "billing/report.py": 'print(f"timeout reduced (30% faster)")\n',
    "billing/capacity.py": (
        "def full(active, total):\n    if active >= total * 0.9:\n        return True\n"
    ),
    # A script that posts an analysis holds its every word: it is no evidence of code.
    "scripts/post_comment.sh": (
        "gh issue comment 1 --body '\n"
        "- `IBillingGateway` - Interface (proper abstraction)\n"
        "├── IBillingGateway (Interface Contract)\n'\n"
    ),
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    path = init_repo(tmp_path_factory.mktemp("shapes") / "billing")
    commit(path, FILES, "billing: first import")
    return open_repo(path)


def statuses(repo: GitRepo, body: str) -> list[tuple[str, str, str]]:
    """(status, symbol or code, detail) of the symbol claims, in document order."""
    analysis = read_analysis_text(WHY + body, "docs/rca/billing.md")
    run = check_analysis(analysis, repo, "HEAD")
    checks = {check.claim_id: check for check in run.checks}
    return [
        (checks[c.id].status, c.symbol or c.quoted_code or "", checks[c.id].detail)
        for c in analysis.claims
        if c.kind == "symbol"
    ]


def test_a_code_name_without_backticks_is_looked_for(repo: GitRepo) -> None:
    found = statuses(repo, "- The deploy went through GCPDeployer without a dry run\n")
    assert [(s, what) for s, what, _ in found] == [("verified", "GCPDeployer")]


def test_product_names_and_short_words_are_not_code_names(repo: GitRepo) -> None:
    assert statuses(repo, "- ClickHouse, FastAPI and GitHub answered; auth_client was fine\n") == []


def test_a_test_named_in_a_heading_or_a_result_line_exists(repo: GitRepo) -> None:
    body = (
        f"### **test_charge_retries FAILURE**\n\n{FENCE}\n✅ test_charge_retries PASSED\n{FENCE}\n"
    )
    found = statuses(repo, body)
    assert [(s, what) for s, what, _ in found] == [("verified", "test_charge_retries")] * 2


def test_a_node_id_whose_class_the_file_lacks_is_contradicted(repo: GitRepo) -> None:
    body = (
        f"{FENCE}bash\n$ pytest tests/test_billing.py::BillingTests::test_charge_retries\n{FENCE}\n"
    )
    found = {what: (status, detail) for status, what, detail in statuses(repo, body)}
    assert found["BillingTests"][0] == "contradicted", found
    assert found["test_charge_retries"][0] == "verified"


def test_a_listed_component_found_only_in_a_copy_of_the_analysis_is_contradicted(
    repo: GitRepo,
) -> None:
    found = statuses(repo, "- `IBillingGateway` - Interface (proper abstraction)\n")
    assert [s for s, _, _ in found] == ["contradicted"], found
    both = (
        "- `IBillingGateway` - Interface (proper abstraction)\n\n"
        f"{FENCE}\n├── IBillingGateway (Interface Contract)\n{FENCE}\n"
    )
    assert [s for s, _, _ in statuses(repo, both)] == ["contradicted"] * 2


def test_a_setting_condensed_from_the_file_named_above_is_verified(repo: GitRepo) -> None:
    body = "- Database manager in `billing/db.py` shows pool settings:\n  - `pool_size = 50`\n"
    found = statuses(repo, body)
    assert [(s, what) for s, what, _ in found] == [("verified", "pool_size = 50")], found


def test_a_config_line_the_named_file_sets_otherwise_is_contradicted(repo: GitRepo) -> None:
    body = (
        f'`pyproject.toml` holds the pattern:\n\n{FENCE}toml\npython_classes = ["Test*"]\n{FENCE}\n'
    )
    found = statuses(repo, body)
    assert [s for s, _, _ in found] == ["contradicted"], found
    assert "pyproject.toml" in found[0][2]


def test_a_failing_import_shows_what_is_broken_and_a_correct_one_is_checked(
    repo: GitRepo,
) -> None:
    failing = f"**Failing Import:**\n{FENCE}python\nfrom billing.engine import Engine\n{FENCE}\n"
    assert statuses(repo, failing) == []
    correct = (
        f"**Correct Import:**\n{FENCE}python\nfrom billing.engine import EngineConfig\n{FENCE}\n"
    )
    found = statuses(repo, correct)
    assert [s for s, _, _ in found] == ["verified"], found


def test_an_option_the_scripts_parser_lacks_is_contradicted(repo: GitRepo) -> None:
    bad = f"{FENCE}bash\npython tools/run_tests.py --category unit --show-work\n{FENCE}\n"
    found = statuses(repo, bad)
    assert [s for s, _, _ in found] == ["contradicted"] and "--show-work" in found[0][2]
    # An abbreviation argparse accepts, and the negation of a flag it does not define.
    good = f"{FENCE}bash\npython tools/run_tests.py --cat unit --environment-name x\n{FENCE}\n"
    assert [s for s, _, _ in statuses(repo, good)] == ["verified"]


def test_error_text_is_the_codes_message_or_pythons_names(repo: GitRepo) -> None:
    body = (
        f"{FENCE}\n"
        "AssertionError: charge missing idempotency key\n"
        "ImportError: cannot import name 'TestClientFactory' from 'tests.clients.factory'\n"
        f"{FENCE}\n"
        "- `AttributeError: 'GCPDeployer' object has no attribute 'rollback'`\n"
    )
    found = [(s, what) for s, what, _ in statuses(repo, body)]
    assert found == [
        ("verified", "charge missing idempotency key"),
        ("verified", "TestClientFactory"),  # absent from the module, as the error says
        ("verified", "GCPDeployer"),
    ], found


def test_a_timeout_value_is_a_setting_not_a_comment(repo: GitRepo) -> None:
    found = statuses(repo, "- Staging keeps a 75.0s timeout for the first connection\n")
    assert [s for s, _, _ in found] == ["verified"], found
    comment_only = statuses(repo, "- Staging timeout properly set to 45.0s\n")
    assert [s for s, _, _ in comment_only] == ["unverifiable"], comment_only


def test_a_resource_id_in_a_code_span_is_looked_for_in_code(repo: GitRepo) -> None:
    found = statuses(repo, "- Both map to the secret `jwt-secret-staging` in Secret Manager\n")
    assert [(s, what) for s, what, _ in found] == [("verified", "jwt-secret-staging")]


def test_a_def_the_file_writes_async_is_contradicted(repo: GitRepo) -> None:
    body = f"{FENCE}python\n# In billing/notify.py\ndef notify(log, err):  # NON-ASYNC\n{FENCE}\n"
    found = statuses(repo, body)
    assert [s for s, _, _ in found] == ["contradicted"] and "async" in found[0][2]


def test_a_module_said_missing_that_is_in_the_tree_is_contradicted(repo: GitRepo) -> None:
    found = statuses(repo, "**WHY 1:** `docker_breaker` module doesn't exist in test_framework\n")
    assert [s for s, _, _ in found] == ["contradicted"], found
    assert "test_framework/docker_breaker.py" in found[0][2]


def test_a_name_said_missing_beside_the_file_defining_it_is_contradicted(
    repo: GitRepo,
) -> None:
    body = (
        "- `billing/engine.py` is imported by every test\n"
        "- Tests fail on missing `EngineConfig` class\n"
    )
    found = [(s, what) for s, what, _ in statuses(repo, body)]
    assert found == [("contradicted", "EngineConfig")], found


def test_code_a_line_reference_quotes_is_left_to_that_claim(repo: GitRepo) -> None:
    body = (
        f"{FENCE}python\n# billing/db.py:3-4\n"
        "        pool_size = getattr(config, 'pool_size', 50)\n"
        "        self.size = pool_size\n"
        f"{FENCE}\n"
    )
    assert statuses(repo, body) == []


def test_the_members_a_class_is_said_to_lack_are_looked_for_where_it_is(repo: GitRepo) -> None:
    body = "- `Pool` lacks `max_overflow` and `retry_limit` attributes\n"
    found = [(s, what) for s, what, _ in statuses(repo, body)]
    # `billing/db.py` defines Pool and neither name.
    assert found == [("verified", "max_overflow"), ("verified", "retry_limit")], found
    wrong = [(s, what) for s, what, _ in statuses(repo, "- `Pool` lacks `pool_size`\n")]
    assert wrong == [("contradicted", "pool_size")], wrong


def test_test_output_in_a_fix_section_is_evidence_not_a_plan(repo: GitRepo) -> None:
    body = f"## Fix\n\n{FENCE}bash\n$ pytest tests\n✅ test_charge_retries PASSED\n{FENCE}\n"
    found = [(s, what) for s, what, _ in statuses(repo, body)]
    assert ("verified", "test_charge_retries") in found, found


def test_a_percentage_is_not_a_timeout(repo: GitRepo) -> None:
    # `billing/report.py` prints "timeout reduced (30% faster)": no setting of 30.
    found = statuses(repo, "- The staging timeout is set to 30s\n")
    assert [s for s, _, _ in found] == ["unverifiable"], found


def test_a_comment_said_to_be_in_the_file_named_above_is_looked_for_in_code(
    repo: GitRepo,
) -> None:
    body = (
        "**WHY 2:** The pool moved out of `billing/db.py`\n"
        '- **Evidence:** Comments in file show "pool_size moved to settings"\n'
    )
    found = statuses(repo, body)
    # Only a document (this fixture's other RCA would do) could hold it: here nothing does.
    assert [s for s, _, _ in found] == ["unverifiable"], found


def test_a_proposal_building_on_existing_code_names_it_truly(repo: GitRepo) -> None:
    extend = statuses(repo, "## Recommendations\n\n- Extend the existing GCPDeployer with checks\n")
    assert [(s, what) for s, what, _ in extend] == [("verified", "GCPDeployer")], extend
    rename = statuses(repo, "## Recommendations\n\n- Rename GCPDeployer → CloudDeployer\n")
    assert [s for s, _, _ in rename][0] == "unverifiable", rename


def test_a_run_time_condition_in_words_is_no_absence_claim(repo: GitRepo) -> None:
    assert statuses(repo, "- When no user_id is found in the request, it falls back\n") == []


def test_a_pytest_marker_names_the_trees_marker_not_a_pytest_file(repo: GitRepo) -> None:
    body = "- The tests are marked with `@pytest.mark.test_charge_retries` for staging\n"
    found = [(s, what) for s, what, _ in statuses(repo, body)]
    assert found == [("verified", "test_charge_retries")], found


def test_a_quoted_code_line_whose_comment_paraphrases_is_found(repo: GitRepo) -> None:
    body = "- The pool reads: `pool_size = getattr(config, 'pool_size', 50)  # default 50`\n"
    found = statuses(repo, body)
    assert [s for s, _, _ in found] == ["verified"], found


def test_a_listed_lower_case_component_is_a_module(repo: GitRepo) -> None:
    body = (
        "- `docker_breaker` - the breaker (proper separation)\n"
        "- `billing_protocols` - protocol definitions (proper separation)\n"
    )
    found = [(s, what) for s, what, _ in statuses(repo, body)]
    assert found == [("verified", "docker_breaker"), ("unverifiable", "billing_protocols")]


def test_a_log_call_quoted_without_its_placeholders_is_found(repo: GitRepo) -> None:
    # billing/guard.py: logger.error(\n f"SSOT VIOLATION: direct Pool construction attempted ...")
    body = '- Logs show `logger.error("SSOT VIOLATION: direct Pool construction attempted")`\n'
    assert [s for s, _, _ in statuses(repo, body)] == ["verified"]
    other = '- Logs show `print("SSOT VIOLATION: direct Pool construction attempted")`\n'
    assert [s for s, _, _ in statuses(repo, other)] == ["unverifiable"]


def test_implementing_a_missing_name_is_a_step_not_a_finding(repo: GitRepo) -> None:
    body = "## Recommendations\n\n3. Implement missing `RefundGateway` class\n"
    found = statuses(repo, body)
    assert [s for s, _, _ in found] == ["unverifiable"], found


def test_a_timeouts_old_value_and_its_kind_are_read_too(repo: GitRepo) -> None:
    # billing/timeouts.py: "connection_timeout": 75.0; nothing sets a redis timeout.
    found = statuses(repo, "- Timeout escalation 8.0s → 75.0s for the connection\n")
    assert [(s, what) for s, what, _ in found] == [("verified", "75.0")], found
    redis = statuses(repo, "- Redis timeout extended to 75.0s on staging\n")
    assert [s for s, _, _ in redis] == ["unverifiable"], redis


def test_a_name_said_to_be_a_class_that_only_documents_name_is_contradicted(
    repo: GitRepo,
) -> None:
    body = "**Reality:** Actual classes are named `BillingGatewayTests` in the suite\n"
    found = statuses(repo, body)
    assert [s for s, _, _ in found] == ["contradicted"], found
    # A passing mention of the same name says nothing of where it is defined.
    passing = statuses(repo, "- `BillingGatewayTests` failed twice last night\n")
    assert [s for s, _, _ in passing] == ["unverifiable"], passing


def test_a_quote_said_to_be_in_a_document_named_by_its_title(repo: GitRepo) -> None:
    body = '- Risk unseen despite "99% System Health" claims in Master QA Status.\n'
    found = statuses(repo, body)
    assert [s for s, _, _ in found] == ["contradicted"], found
    assert "reports/MASTER_QA_STATUS.md" in found[0][2] and "docs/OLD_QA.md" in found[0][2]
    dated = statuses(repo, '- **Master QA Status (Sept 15):** Claims "99% System Health"\n')
    assert [s for s, _, _ in dated] == ["verified"], dated  # an older version: the tree's word
    held = statuses(repo, '- The Master QA file reads "System Health: degraded"\n')
    assert [s for s, _, _ in held] == ["verified"] and "line 3 of" in held[0][2], held
    shouted = statuses(repo, '- Master QA Status shows "SYSTEM HEALTH: DEGRADED"\n')
    assert [s for s, _, _ in shouted] == ["verified"], shouted  # case aside


def test_a_condition_quoted_in_a_fence_is_code_the_tree_holds(repo: GitRepo) -> None:
    # "Database manager shows ...:" over a fence opening with an `if`: the condition is
    # as checkable as an assignment; a short `if x:` says nothing of its own.
    body = (
        "- The pool guards itself:\n"
        f"  {FENCE}python\n"
        "  if getattr(config, 'pool_size', 50) > 40:\n"
        "  if ok:\n"
        "  if active >= total * 0.9:\n"
        f"  {FENCE}\n"
    )
    found = statuses(repo, body)
    assert [(status, what) for status, what, _ in found] == [
        ("unverifiable", "if getattr(config, 'pool_size', 50) > 40:"),
        ("verified", "if active >= total * 0.9:"),
    ], found
    assert "billing/capacity.py" in found[1][2]

"""Symbol claims against a real tiny repository: what a code name, a quote or a line of code
in an analysis asserts (defined in a file, exists in the tree, absent), and that
`contradicted` only comes with positive evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitbuild import commit, git, init_repo

from whys.core.checks import check_analysis
from whys.core.reader import read_analysis_text
from whys.core.repo import GitRepo, open_repo

FENCE = "```"
WHY = "# RCA\n\n## Why 1: Why did billing fail?\n\n"

FILES = {
    "billing/pricing.py": "def apply_discount(amount, rate):\n    return amount * rate\n",
    "billing/client.py": (
        "class BillingClient:\n"
        "    def fetch_invoice(self, invoice_id: str) -> dict:\n"
        "        return {}\n"
    ),
    "billing/notify.py": 'def notify(log, err):\n    log.info(f"Billing down: {err}")\n',
    "billing/engine.py": "class EngineConfig(dict):\n    pass\n\nengine = None\n",
    "billing/handlers.py": "from billing.engine import EngineConfig\n\nHANDLERS = []\n",
    "billing/routes.py": '@get("/list")\ndef list_all():\n    return []\n',
    "tests/test_billing.py": 'def test_tenant():\n    print("Created tenant t-001 for billing")\n',
    "CONTRIBUTING.md": "Invoices are final once sent.\n",
    "docs/INC-7.md": "# INC-7\n\nThe retry replayed twice.\n",
    "docs/OTHER_RCA.md": "`RenderQueue` was slow, see `render_pages_in_batches()`.\n",
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    path = init_repo(tmp_path_factory.mktemp("symbols") / "billing")
    commit(path, FILES, "billing: first import")
    return open_repo(path)


def statuses(repo: GitRepo, body: str) -> dict[str, list[tuple[str, str, str]]]:
    """(status, symbol or quote, detail) of the symbol claims, by the line's text."""
    text = WHY + body
    analysis = read_analysis_text(text, "docs/rca/billing.md")
    run = check_analysis(analysis, repo, "HEAD")
    checks = {check.claim_id: check for check in run.checks}
    lines = text.splitlines()
    found: dict[str, list[tuple[str, str, str]]] = {}
    for claim in analysis.claims:
        if claim.kind == "symbol":
            check = checks[claim.id]
            what = claim.symbol or claim.quoted_code or ""
            found.setdefault(lines[claim.line - 1], []).append((check.status, what, check.detail))
    return found


def only(found: dict[str, list[tuple[str, str, str]]], needle: str) -> tuple[str, str, str]:
    hits = [item for line, items in found.items() if needle in line for item in items]
    assert len(hits) == 1, (needle, found)
    return hits[0]


def test_a_called_name_with_no_file_exists_somewhere_in_code(repo: GitRepo) -> None:
    found = statuses(repo, "- `apply_discount()` now rounds half-up\n")
    status, _, detail = only(found, "apply_discount")
    assert status == "verified" and "billing/pricing.py" in detail


def test_a_code_name_found_nowhere_is_contradicted(repo: GitRepo) -> None:
    status, _, detail = only(statuses(repo, "- `apply_surcharge()` rounds half-up\n"), "surcharge")
    assert status == "contradicted" and "nowhere" in detail


def test_a_name_only_other_documents_mention_is_not_evidence(repo: GitRepo) -> None:
    # docs/OTHER_RCA.md names both, no code does: neither verified nor contradicted.
    found = statuses(repo, "- `RenderQueue` stalls in `render_pages_in_batches()`\n")
    assert {status for status, _, _ in found[next(iter(found))]} == {"unverifiable"}


def test_prose_words_and_short_snake_words_are_not_symbol_claims(repo: GitRepo) -> None:
    found = statuses(repo, "- PagerDuty paged us; `place_order` timed out\n")
    assert found == {}


def test_a_name_inside_a_quoted_subject_is_not_a_claim(repo: GitRepo) -> None:
    found = statuses(repo, '- Commit `4a3d856` ("db: lower POOL_SIZE_DEFAULT to 5") did it\n')
    assert found == {}


def test_stated_absence_holds_when_nothing_defines_it(repo: GitRepo) -> None:
    status, _, detail = only(statuses(repo, "- `LedgerLock` class doesn't exist\n"), "LedgerLock")
    assert status == "verified", detail


def test_stated_absence_in_a_file_that_defines_it_is_contradicted(repo: GitRepo) -> None:
    found = statuses(repo, "- `EngineConfig` is not defined in `billing/engine.py`\n")
    status, _, detail = only(found, "EngineConfig")
    assert status == "contradicted" and "line 1" in detail


def test_stated_absence_with_no_file_is_not_contradicted_by_another_module(
    repo: GitRepo,
) -> None:
    # "doesn't exist" names no module: a definition somewhere else is no positive evidence.
    status, _, _ = only(statuses(repo, "- `EngineConfig` class doesn't exist\n"), "EngineConfig")
    assert status == "unverifiable"


def test_a_name_missing_a_field_is_not_said_absent(repo: GitRepo) -> None:
    # "`BillingClient` missing `retry_budget`": the client exists, the field is what lacks.
    found = statuses(repo, "- `BillingClient` missing `retry_budget` field\n")
    assert only(found, "BillingClient")[:2] == ("verified", "BillingClient")


def test_a_quote_said_to_be_in_a_doc_is_contradicted_where_another_file_has_it(
    repo: GitRepo,
) -> None:
    found = statuses(repo, '- From `docs/INC-7.md`: "Invoices are final once sent"\n')
    status, _, detail = only(found, "Invoices are final")
    assert status == "contradicted" and "CONTRIBUTING.md" in detail


def test_a_quoted_log_message_found_in_code_is_verified(repo: GitRepo) -> None:
    status, _, detail = only(
        statuses(repo, '- Tests show "Created tenant t-001 for billing"\n'), "t-001"
    )
    assert status == "verified" and "tests/test_billing.py" in detail


def test_a_quote_found_nowhere_is_unverifiable(repo: GitRepo) -> None:
    status, _, _ = only(statuses(repo, '- The log read "upstream reset by peer twice"\n'), "peer")
    assert status == "unverifiable"


def test_a_log_call_quoted_without_its_f_prefix_is_in_its_file(repo: GitRepo) -> None:
    found = statuses(repo, '- `billing/notify.py` logs `log.info("Billing down: {err}")`\n')
    assert [s for s, what, _ in found[next(iter(found))] if "log.info" in what] == ["verified"]


def test_a_name_absent_from_its_file_and_from_all_code_is_unverifiable(repo: GitRepo) -> None:
    # Runtime behaviour: the name is nowhere, so nothing shows the file is the wrong one.
    found = statuses(repo, "- `billing/client.py` raised `TokenExpired` at startup\n")
    assert all(status != "contradicted" for items in found.values() for status, _, _ in items)


def test_a_name_defined_in_another_file_than_said_is_contradicted(repo: GitRepo) -> None:
    found = statuses(repo, "- `EngineConfig` is defined in `billing/client.py`\n")
    status, _, detail = only(found, "EngineConfig")
    assert status == "contradicted" and "billing/engine.py" in detail


def test_code_under_a_file_comment_is_checked_in_that_file(repo: GitRepo) -> None:
    body = (
        f"{FENCE}python\n# In billing/client.py\n"
        "def fetch_invoice(self, invoice_id: str) -> dict:\n"
        f"    token = BillingClient._read_token()\n{FENCE}\n"
    )
    found = statuses(repo, body)
    assert only(found, "def fetch_invoice")[0] == "verified"
    assert only(found, "_read_token")[0] == "contradicted"


def test_new_code_under_a_fix_heading_is_a_proposal(repo: GitRepo) -> None:
    body = (
        f"## Fix\n\n{FENCE}python\n# In billing/client.py\n"
        f"def fetch_safely(self, invoice_id):\n    return None\n{FENCE}\n"
    )
    status, _, detail = only(statuses(repo, body), "def fetch_safely")
    assert status == "unverifiable" and "proposal" in detail


def test_what_a_file_defines_in_a_fence_comment(repo: GitRepo) -> None:
    found = statuses(repo, f"{FENCE}\n# routes.py defines routes: /list, /export\n{FENCE}\n")
    said = {what: status for status, what, _ in found[next(iter(found))]}
    # /list is there; /export is in no file at all, so nothing shows it is elsewhere.
    assert said == {"/list": "verified", "/export": "unverifiable"}


def test_unreadable_code_files_keep_absence_from_being_evidence(tmp_path: Path) -> None:
    path = init_repo(tmp_path / "partial")
    files = {f"pkg/mod_{n}.py": f"VALUE_{n} = {n}\n" for n in range(3)}
    commit(path, files, "three modules")
    blob = git(path, "rev-parse", "HEAD:pkg/mod_1.py").strip()
    # Checked at a past revision, and the later commit removes mod_1.py: it is read from
    # the revision's blobs (the working tree, which stands for the rest, lacks it).
    commit(path, {"later.txt": "later\n", "pkg/mod_1.py": None}, "later")
    (path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    text = WHY + "- `apply_surcharge()` rounds half-up\n"
    analysis = read_analysis_text(text, "docs/rca/partial.md")
    run = check_analysis(analysis, open_repo(path), "HEAD~1")
    (check,) = [
        c for c, claim in zip(run.checks, analysis.claims, strict=True) if claim.kind == "symbol"
    ]
    # One of three code files unread: "found nowhere" shows nothing.
    assert check.status == "unverifiable" and "could not be read" in check.detail


def test_an_imperative_bullet_is_a_proposal_even_when_the_name_exists(repo: GitRepo) -> None:
    status, _, detail = only(statuses(repo, "- Update all `apply_discount()` calls\n"), "apply")
    assert status == "unverifiable" and "proposal" in detail


def test_names_listed_under_a_file_are_said_to_be_in_it_or_missing_from_it(
    repo: GitRepo,
) -> None:
    body = (
        "**Exports of `billing/engine.py`:**\n"
        "- ✅ EngineConfig\n\n"
        "**Missing exports:**\n"
        "- ❌ RetryPolicyConfig\n"
    )
    found = statuses(repo, body)
    said = [item[:2] for items in found.values() for item in items]
    assert said == [("verified", "EngineConfig"), ("verified", "RetryPolicyConfig")], found


def test_a_missing_name_that_its_file_defines_is_contradicted(repo: GitRepo) -> None:
    body = "**Exports of `billing/engine.py`:**\n\n**Missing exports:**\n- ❌ EngineConfig\n"
    status, _, detail = only(statuses(repo, body), "EngineConfig")
    assert status == "contradicted" and "line 1" in detail


def test_a_dotted_module_path_names_its_file(repo: GitRepo) -> None:
    found = statuses(repo, "- The log names billing.engine.EngineConfig and billing.client.Nope\n")
    said = {what: status for items in found.values() for status, what, _ in items}
    assert said == {"EngineConfig": "verified", "Nope": "unverifiable"}


def test_a_dotted_path_in_a_listing_is_quoted_so_its_absence_is_no_contradiction(
    repo: GitRepo,
) -> None:
    # "ELIMINATED but still referenced:" lists paths that no longer resolve: that is the point.
    body = (
        f"{FENCE}python\n# ELIMINATED but still referenced:\nbilling.client.EngineConfig\n{FENCE}\n"
    )
    status, _, detail = only(statuses(repo, body), "billing.client.EngineConfig")
    assert status == "unverifiable" and "quoted" in detail


def test_a_file_said_to_show_a_quote_may_paraphrase_it(repo: GitRepo) -> None:
    # "INC-7.md shows ..." describes the file; the words need not be its own.
    found = statuses(repo, '- `docs/INC-7.md` shows "Invoices are final once sent"\n')
    assert all(status != "contradicted" for items in found.values() for status, _, _ in items)

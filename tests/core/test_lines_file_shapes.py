"""Line and file claims in shapes the real-document corpus showed (issue 11): files and
folders named in fence comments, listings and commands, Dockerfiles named by image,
dotted module paths, a file the history removed, "missing" files, line references that
name no file, a `**Lines:**` label, `module:LINE`, a bullet list of bare lines, quoted
code with the author's comment. A small "mail" repository stands in for the real one;
each test states the rule it holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from claim_checks import MAIL_WHY, claims_checked
from gitbuild import make_repo

from whys.core.models import Claim, ClaimCheck
from whys.core.repo import GitRepo, open_repo

FENCE = "```"


def _numbered(total: int, placed: dict[int, str]) -> str:
    return "".join(placed.get(n, f"MAIL_{n} = {n}") + "\n" for n in range(1, total + 1))


SENDER = _numbered(
    60,
    {
        10: "def send_all(queue):",
        11: "    for item in queue:",
        12: "        deliver(item)",
        13: "    return len(queue)",
        14: "",
        30: "class MailSender:",
        31: "    def flush(self):",
        32: "        self.pending_batches = []",
        33: "        return None",
        20: '    """Send every batch.',
        21: "",
        22: '    Example: send_batches(queue) flushes it."""',
        24: "    for batch in reversed(self.batches):",
        25: "        log.info('sending')",
        26: "        batch()",
        27: "    return None",
        50: "    def reset_state(self):",
        51: "        self.flush_everything_now()",
        40: "def _mark_sent(self) -> None:",
        41: "    status = 'sent'",
        42: "    await notify_all(status)",
        43: "    return None",
    },
)
ROUTES = _numbered(
    40,
    {19: '@app.get("/v2/retry/")', 20: "def retry_route():", 21: "    log.error('retry failed')"},
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    path = make_repo(
        tmp_path_factory.mktemp("mail"),
        [
            {
                "files": {"mail/legacy_queue.py": "QUEUE = []\n"},
                "message": "mail: legacy queue",
                "date": "2026-02-10T10:00:00+00:00",
            },
            {
                "files": {
                    "mail/legacy_queue.py": None,
                    "mail/sender.py": SENDER,
                    "mail/routes/retry.py": ROUTES,
                    "mail/__init__.py": "",
                    "mail/routes/__init__.py": "",
                    "deploy/mail.worker.Dockerfile": "FROM python:3.12\n",
                    "tests/e2e/mail_flow/test_flow.py": "def test_flow():\n    pass\n",
                    "infra/staging/main.tf": "resource x {}\n",
                    ".dockerignore": (
                        "**/cache/\nmonitoring/\n!mail/monitoring/\n!mail/x/monitoring/\n"
                    ),
                    **{
                        f"mail/helpers/h{n}.py": "def reset_state(self):\n    pass\n"
                        for n in range(6)
                    },
                },
                "message": "mail: sender, routes, deploy",
                "date": "2026-02-20T10:00:00+00:00",
            },
        ],
    )
    return open_repo(Path(path))


def checked(repo: GitRepo, body: str) -> list[tuple[Claim, ClaimCheck]]:
    return claims_checked(repo, MAIL_WHY + body)


def of_kind(repo: GitRepo, body: str, kind: str) -> list[tuple[Claim, ClaimCheck]]:
    return [(claim, check) for claim, check in checked(repo, body) if claim.kind == kind]


def status_of(repo: GitRepo, body: str, kind: str, path: str) -> str:
    found = [check.status for claim, check in of_kind(repo, body, kind) if claim.path == path]
    assert found, f"no {kind} claim for {path!r}"
    return found[0]


# -- files ---------------------------------------------------------------------------------


def test_a_dockerfile_named_by_its_image_is_a_file(repo: GitRepo) -> None:
    body = "- No validation in `deploy/mail.worker.Dockerfile` for required variables\n"
    assert status_of(repo, body, "file", "deploy/mail.worker.Dockerfile") == "verified"


def test_a_fence_comment_naming_a_file_is_a_file_claim(repo: GitRepo) -> None:
    body = f"{FENCE}python\n# File: mail/sender.py\ndef send_all(queue):\n{FENCE}\n"
    assert status_of(repo, body, "file", "mail/sender.py") == "verified"


def test_a_fence_comment_creating_a_file_is_a_proposal(repo: GitRepo) -> None:
    body = f"{FENCE}python\n# Create mail/safe_send.py\ndef send_safely():\n{FENCE}\n"
    [(claim, check)] = of_kind(repo, body, "file")
    assert claim.stance == "proposed"
    assert check.status == "unverifiable"


def test_a_fence_line_listing_a_windows_path_is_a_file_claim(repo: GitRepo) -> None:
    listed = "\u2705 C:\\src\\mail-app\\mail\\routes\\retry.py"
    body = f"{FENCE}\n{listed}\n   Class: RetryRoute\n{FENCE}\n"
    [(claim, check)] = of_kind(repo, body, "file")
    assert check.status == "verified"
    assert "mail/routes/retry.py" in check.detail


def test_a_folder_a_command_runs_on_is_a_file_claim(repo: GitRepo) -> None:
    body = (
        f"{FENCE}bash\npython -m pytest tests/e2e/mail_flow/ -v\nterraform plan infra/\n{FENCE}\n"
    )
    assert status_of(repo, body, "file", "tests/e2e/mail_flow/") == "verified"
    assert status_of(repo, body, "file", "infra/") == "verified"


def test_the_folder_a_command_cds_into_is_a_file_claim(repo: GitRepo) -> None:
    body = "- Fails from there: `cd tests/e2e/mail_flow && python -c 'import x'`\n"
    assert status_of(repo, body, "file", "tests/e2e/mail_flow/") == "verified"


def test_a_dotted_module_path_is_its_file_or_package(repo: GitRepo) -> None:
    body = "- Code still imports `mail.routes.retry` and the package `mail.routes.x_y`\n"
    assert status_of(repo, body, "file", "mail.routes.retry") == "verified"
    # No file or folder: a name inside a module, or a package from elsewhere.
    assert status_of(repo, body, "file", "mail.routes.x_y") == "unverifiable"


def test_a_module_said_not_found_holds_when_the_tree_lacks_it(repo: GitRepo) -> None:
    body = "- Module `mail.routes.webhooks` not found during test collection\n"
    assert status_of(repo, body, "file", "mail.routes.webhooks") == "verified"


def test_a_file_said_missing_that_exists_is_not_contradicted(repo: GitRepo) -> None:
    # "missing" and "not found" are said of images and paths at run time.
    body = "- Missing `mail/sender.py` in the worker image\n"
    assert status_of(repo, body, "file", "mail/sender.py") == "unverifiable"
    body = "- Missing `__init__.py` files break discovery\n"
    assert status_of(repo, body, "file", "__init__.py") == "unverifiable"


def test_a_file_said_removed_that_exists_is_contradicted(repo: GitRepo) -> None:
    body = "- `mail/sender.py` was removed in the cleanup\n"
    assert status_of(repo, body, "file", "mail/sender.py") == "contradicted"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("- **Cleanup:** Successfully removed `mail/legacy_queue.py`\n", "verified"),
        ("- **Cleanup:** Successfully removed `mail/sender.py`\n", "contradicted"),
        ("- Deleted the file `mail/legacy_queue.py` in the cleanup\n", "verified"),
    ],
    ids=["gone-as-said", "still-there", "deleted-the-file"],
)
def test_a_file_named_as_the_thing_removed_is_said_to_be_gone(
    repo: GitRepo, body: str, status: str
) -> None:
    path = "mail/sender.py" if "sender" in body else "mail/legacy_queue.py"
    assert status_of(repo, body, "file", path) == status


def test_a_command_running_a_file_the_history_removed_is_contradicted(repo: GitRepo) -> None:
    body = f"{FENCE}bash\npython mail/legacy_queue.py --drain\n{FENCE}\n"
    [(claim, check)] = of_kind(repo, body, "file")
    assert check.status == "contradicted"
    assert "was removed" in check.detail


def test_a_command_running_a_file_never_in_the_tree_stays_unverifiable(repo: GitRepo) -> None:
    body = f"{FENCE}bash\npython scripts/drain_everything.py\n{FENCE}\n"
    [(claim, check)] = of_kind(repo, body, "file")
    assert check.status == "unverifiable"


# -- lines ---------------------------------------------------------------------------------


def test_a_fence_comment_line_then_its_file(repo: GitRepo) -> None:
    body = f"{FENCE}python\n# Line 30 in sender.py\nclass MailSender:\n{FENCE}\n"
    [(claim, check)] = of_kind(repo, body, "lines")
    assert claim.path == "sender.py"
    assert check.status == "verified"
    assert not of_kind(repo, body, "file")  # the path is the line claim's


def test_a_code_line_with_its_line_number_names_no_file(repo: GitRepo) -> None:
    body = f"{FENCE}python\nclass MailSender:     # Line 30\n{FENCE}\n"
    [(claim, check)] = of_kind(repo, body, "lines")
    assert claim.path is None
    assert check.status == "verified"
    assert "mail/sender.py" in check.detail


def test_code_cited_at_the_wrong_line_with_no_file_is_contradicted(repo: GitRepo) -> None:
    # The one file holding the code has it at 32, not 31.
    body = "- `flush()` initialises `self.pending_batches = []` (line 31), then drops it\n"
    [(claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "contradicted"
    assert "line 32" in check.detail


def test_a_line_with_no_file_and_code_found_nowhere_is_unverifiable(repo: GitRepo) -> None:
    body = "- The worker sets `self.never_written_anywhere = 1` (line 12)\n"
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "unverifiable"


def test_a_lines_label_under_a_file_label(repo: GitRepo) -> None:
    body = "**File:** `mail/sender.py`\n**Lines:** 10-13\n"
    [(claim, check)] = [(c, k) for c, k in of_kind(repo, body, "lines")]
    assert (claim.path, claim.line_start, claim.line_end) == ("mail/sender.py", 10, 13)


def test_a_module_and_line_from_a_log_record(repo: GitRepo) -> None:
    body = "- Affected: `mail.routes.retry:21`\n"
    [(claim, check)] = of_kind(repo, body, "lines")
    assert (claim.path, claim.line_start) == ("mail/routes/retry.py", 21)
    assert check.status != "contradicted"


def test_a_bare_line_bullet_takes_the_file_of_the_bullet_above(repo: GitRepo) -> None:
    body = (
        "### Files to modify\n- `mail/sender.py`\n\n### Lines needing a decorator\n"
        "- Line 10: `send_all`\n- Line 14: Another sender\n"
    )
    found = of_kind(repo, body, "lines")
    assert [c.path for c, _ in found] == ["mail/sender.py", "mail/sender.py"]
    assert found[1][1].status == "contradicted"  # line 14 is blank


def test_quoted_code_with_the_authors_comment_is_found(repo: GitRepo) -> None:
    code = "self.pending_batches = []  # drops the batches"
    body = f"{FENCE}python\n# mail/sender.py:32\n{code}\n{FENCE}\n"
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "verified"


def test_a_runtime_error_inside_the_named_function(repo: GitRepo) -> None:
    body = "- **SyntaxError in mail/sender.py line 42:** `await` outside async in `_mark_sent()`\n"
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "verified"
    assert "_mark_sent" in check.detail


def test_a_folder_of_the_path_is_no_name_for_the_line(repo: GitRepo) -> None:
    body = (
        "The retry_routes package exports nothing:\n"
        "- **At:** `C:\\src\\retry_routes\\__init__.py:1`\n"
    )
    [(claim, _check)] = of_kind(repo, body, "lines")
    assert claim.symbol is None


def test_a_range_opening_a_definition_named_by_the_description(repo: GitRepo) -> None:
    body = "- Sender class still at `mail/sender.py:30`\n- Queue helpers at `mail/sender.py:41`\n"
    found = {claim.line_start: check for claim, check in of_kind(repo, body, "lines")}
    assert found[30].status == "verified"
    assert "MailSender" in found[30].detail
    # Line 41 opens no definition: the words alone settle nothing.
    assert found[41].status == "unverifiable"


def test_the_code_under_a_label_after_a_blank_line_is_what_the_line_holds(repo: GitRepo) -> None:
    body = (
        "**Test File:** `mail/sender.py:32`\n\n**Current Code:**\n"
        f"{FENCE}python\nself.pending_batches = []\n{FENCE}\n"
    )
    [(claim, check)] = of_kind(repo, body, "lines")
    assert claim.quoted_code == "self.pending_batches = []"
    assert check.status == "verified"


def test_a_sibling_naming_the_same_file_by_its_short_name_lends_its_names(
    repo: GitRepo,
) -> None:
    body = (
        "- **Evidence:** `sender.py` defines `send_all` for the queue\n"
        "- **File Location:** `C:\\src\\app\\mail\\sender.py:45`\n"
    )
    [(claim, check)] = of_kind(repo, body, "lines")
    assert claim.context_names == ["send_all"]
    assert check.status == "contradicted"  # send_all is at 10-13, not 45


def test_a_line_inside_the_loop_the_fence_shows(repo: GitRepo) -> None:
    body = f"{FENCE}python\n# Line 26 in sender.py\nfor batch in reversed(self.batches):\n{FENCE}\n"
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "verified"
    assert "lies inside" in check.detail


def test_a_sibling_name_only_in_a_docstring_is_not_on_the_line(repo: GitRepo) -> None:
    body = (
        "- **Evidence:** `sender.py` has `send_batches` and `send_all`\n"
        "- **File Location:** `mail/sender.py:22`\n"
    )
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "contradicted"
    assert "send_all" in check.detail


def test_a_module_a_line_is_said_to_use_is_written_in_the_file(repo: GitRepo) -> None:
    # `retry_route` exists (in routes/retry.py), but sender.py never writes it.
    body = "- `mail/sender.py:11` uses deprecated `retry_route` instead of the queue\n"
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "contradicted"
    body = "- `mail/sender.py:11` is reached from `retry_route` at run time\n"
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "unverifiable"  # not said to be used there


def test_a_fence_listing_a_module_said_missing_that_exists(repo: GitRepo) -> None:
    body = f"{FENCE}python\nmail.sender  # Missing mail module\nmail.webhooks\n{FENCE}\n"
    found = {claim.path: check.status for claim, check in of_kind(repo, body, "file")}
    assert found == {"mail.sender": "contradicted", "mail.webhooks": "unverifiable"}


def test_a_name_everywhere_is_placed_by_the_rarer_name_beside_it(repo: GitRepo) -> None:
    # `reset_state` is in seven files; `flush_everything_now` only in sender.py.
    body = "- `flush_everything_now()` is called in `reset_state()` (line 51)\n"
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "verified"
    assert "mail/sender.py" in check.detail
    # Placed only by the other name, a wrong line stays unverifiable, never contradicted.
    body = "- `flush_everything_now()` is called in `reset_state()` (line 12)\n"
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "unverifiable"


def test_a_session_of_real_scripts_makes_a_missing_one_a_wrong_path(repo: GitRepo) -> None:
    # Alone, a missing script may be the plan's, still to be written; beside commands
    # running files the tree has, it is a wrong path.
    alone = f"{FENCE}bash\npython scripts/drain_everything.py\n{FENCE}\n"
    assert status_of(repo, alone, "file", "scripts/drain_everything.py") == "unverifiable"
    session = (
        f"{FENCE}bash\n# Run the mail tests\npython tests/e2e/mail_flow/test_flow.py\n"
        f"python tests/e2e/mail_flow/test_retry_flow.py\n{FENCE}\n"
    )
    assert status_of(repo, session, "file", "tests/e2e/mail_flow/test_retry_flow.py") == (
        "contradicted"
    )


def test_a_folder_in_backticks_is_what_the_lines_hold(repo: GitRepo) -> None:
    body = "- `mail/routes/retry.py` lines 19-21 serve `/v2/retry/`\n"
    [(claim, check)] = of_kind(repo, body, "lines")
    assert claim.quoted_code == "/v2/retry/"
    assert check.status == "verified"


def test_a_module_and_line_of_a_log_record_is_a_logging_call(repo: GitRepo) -> None:
    body = "- Affected: `mail.routes.retry:21`, `mail.routes.retry:5`\n"
    found = {claim.line_start: check for claim, check in of_kind(repo, body, "lines")}
    assert found[21].status == "verified"  # log.error('retry failed')
    assert found[5].status == "unverifiable"  # a constant: the record may be of another day


def test_ignore_file_lines_described_as_what_they_include(repo: GitRepo) -> None:
    body = "- `.dockerignore` lines 3-4 now explicitly include monitoring modules\n"
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "verified"
    # Line 2 excludes monitoring/: the lines do not all include it.
    body = "- `.dockerignore` lines 2-3 now explicitly include monitoring modules\n"
    [(_claim, check)] = of_kind(repo, body, "lines")
    assert check.status == "unverifiable"


def test_a_fence_comment_adding_to_a_file_is_about_one_that_is_there(repo: GitRepo) -> None:
    body = f"{FENCE}python\n# Add to mail/sender.py\nRETRIES = 3\n{FENCE}\n"
    assert status_of(repo, body, "file", "mail/sender.py") == "verified"
    body = f"{FENCE}python\n# Create mail/sender.py\nRETRIES = 3\n{FENCE}\n"
    assert status_of(repo, body, "file", "mail/sender.py") == "unverifiable"


def test_a_line_past_the_end_of_a_file_taken_from_above_is_no_contradiction(
    repo: GitRepo,
) -> None:
    # "Test uses `@pytest.mark.x` on line 922" under a sentence on another file: whys takes
    # that file, but its length says nothing of a line the sentence gives no file for.
    body = "- The sender lives in `mail/sender.py`\n- Test uses `@pytest.mark.slow` on line 922\n"
    assert status_of(repo, body, "lines", "mail/sender.py") == "unverifiable"
    named = "- `mail/sender.py` line 922 holds `@pytest.mark.slow`\n"
    assert status_of(repo, named, "lines", "mail/sender.py") == "contradicted"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("- **SYMPTOM:** `asyncio.tasks.py:520: wait_for timeout`\n", "Python's own `asyncio`"),
        ("- Frame in `asyncio/tasks.py` line 520\n", "Python's own `asyncio`"),
        ("- **FILES:** `routes.py`, `sender.py`\n", "the module is a package here: `mail/routes/`"),
    ],
    ids=["dotted-stdlib-frame", "stdlib-path", "module-as-package"],
)
def test_a_missing_file_that_is_pythons_or_a_package_is_not_contradicted(
    repo: GitRepo, body: str, detail: str
) -> None:
    found = [check for _, check in checked(repo, body) if detail in check.detail]
    assert found and all(check.status == "unverifiable" for check in found), checked(repo, body)

"""Line-range and file claims in the shapes real analyses write them (REAL-SHAPES.md):
stack frames, comments citing lines, ranges described in words, names in sibling
bullets, folders, case, shell commands, absolute paths and proposals. A small "mail"
repository stands in for the real one; each test states the rule it holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from claim_checks import MAIL_WHY, claims_checked
from gitbuild import make_repo

from whys.core.checks import check_analysis
from whys.core.claims.checking.files import FileVerdict, combine
from whys.core.claims.checking.paths import Resolved
from whys.core.models import Claim, ClaimCheck
from whys.core.reader import read_analysis_text
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
        20: "RETRY_WAIT_SECONDS = [",
        21: "    1,",
        22: "]",
        30: "def connect(host):",
        31: "    sock = open_socket(host)",
        32: "    return sock",
    },
)
CLI = _numbered(20, {5: 'parser.add_argument("--dry-run", help="send nothing")', 9: ""})


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    path = make_repo(
        tmp_path_factory.mktemp("mail"),
        [
            {
                "files": {
                    "mail/sender.py": SENDER,
                    "mail/cli.py": CLI,
                    "scripts/flush_queue.py": "def main():\n    return 0\n",
                    "docs/runbooks/mail/restart.md": "# Restart\n",
                    "SECURITY.md": "# Security\n",
                },
                "message": "mail: sender",
                "date": "2026-02-20T10:00:00+00:00",
            }
        ],
    )
    return open_repo(Path(path))


def checked(repo: GitRepo, body: str) -> list[tuple[Claim, ClaimCheck]]:
    return claims_checked(repo, MAIL_WHY + body)


def one(repo: GitRepo, body: str, kind: str, needle: str) -> ClaimCheck:
    found = [
        check for claim, check in checked(repo, body) if claim.kind == kind and needle in claim.text
    ]
    assert found, f"no {kind} claim on the line with {needle!r}"
    return found[0]


def test_a_stack_frame_holds_when_its_line_is_inside_the_function(repo: GitRepo) -> None:
    frame = (
        '{f}\nTraceback (most recent call last):\n  File "/opt/svc/mail/sender.py", '
        "line {n}, in send_all\n{f}\n"
    )
    inside = one(repo, frame.format(f=FENCE, n=12), "lines", "sender.py")
    assert inside.status == "verified" and "10-13" in inside.detail
    outside = one(repo, frame.format(f=FENCE, n=31), "lines", "sender.py")
    assert outside.status == "contradicted"


def test_a_library_frame_is_outside_the_repository(repo: GitRepo) -> None:
    body = (
        f"{FENCE}\nTraceback (most recent call last):\n"
        f'  File "/usr/lib/python3.11/asyncio/tasks.py", line 12, in run\n{FENCE}\n'
    )
    assert one(repo, body, "lines", "tasks.py").status == "unverifiable"


def test_a_comment_cites_the_line_of_the_code_below_it(repo: GitRepo) -> None:
    body = (
        f"{FENCE}python\n# Opens the socket (from mail/sender.py line 31)\n"
        f"sock = open_socket(host)\n{FENCE}\n"
    )
    assert one(repo, body, "lines", "line 31").status == "verified"


def test_a_bare_range_in_a_comment_is_about_the_file_named_above(repo: GitRepo) -> None:
    body = (
        f"The loop is in `mail/sender.py`.\n\n{FENCE}python\n# Lines 9-14 run send_all\n{FENCE}\n"
    )
    assert one(repo, body, "lines", "Lines 9-14").status == "verified"


def test_a_range_described_in_words_holds_when_a_name_spells_them(repo: GitRepo) -> None:
    spelled = one(repo, "- `mail/sender.py:19-23`: retry wait table\n", "lines", "19-23")
    assert spelled.status == "verified" and "RETRY_WAIT_SECONDS" in spelled.detail
    # One common word ("send") in the range is not a description that holds.
    common = one(repo, "- `mail/sender.py:9-14`: send queue handling\n", "lines", "9-14")
    assert common.status == "unverifiable"


def test_a_single_cited_line_that_is_blank_is_contradicted(repo: GitRepo) -> None:
    check = one(repo, "- The stall (line 14 in `sender.py`) is a loop.\n", "lines", "line 14")
    assert check.status == "contradicted" and "blank" in check.detail


def test_a_sibling_bullet_names_what_the_range_holds(repo: GitRepo) -> None:
    body = "- **Location**: mail/sender.py:9-14\n- **Function**: connect() calls open_socket()\n"
    check = one(repo, body, "lines", "sender.py:9-14")
    assert check.status == "contradicted" and "31" in check.detail
    held = "- **Location**: mail/sender.py:29-33\n- **Function**: connect() calls open_socket()\n"
    assert one(repo, held, "lines", "sender.py:29-33").status == "verified"
    flag = "- The flag `--dry-run` in `mail/cli.py` skips sending.\n- Lines 8-10: dry mode\n"
    assert one(repo, flag, "lines", "Lines 8-10").status == "contradicted"


def test_code_below_a_code_label_is_what_the_range_holds(repo: GitRepo) -> None:
    body = (
        "- **File**: mail/sender.py (Lines 28-34)\n- **Code**:\n\n"
        f"{FENCE}python\nsock = open_socket(host)\n{FENCE}\n"
    )
    assert one(repo, body, "lines", "Lines 28-34").status == "verified"


def test_a_label_before_the_code_is_not_part_of_it(repo: GitRepo) -> None:
    body = f"{FENCE}\nLocation: mail/sender.py:31\nEvidence: sock = open_socket(host)\n{FENCE}\n"
    assert one(repo, body, "lines", "sender.py:31").status == "verified"


def test_a_location_over_a_definition_may_point_at_any_of_its_lines(repo: GitRepo) -> None:
    body = (
        f"{FENCE}python\n# mail/sender.py:13\ndef send_all(queue):\n"
        f"    for item in queue:\n{FENCE}\n"
    )
    assert one(repo, body, "lines", "sender.py:13").status == "verified"


def test_a_quote_under_a_later_heading_uses_the_file_named_earlier(repo: GitRepo) -> None:
    body = (
        "Lines 10-13 in `mail/sender.py` loop.\n\n## Why 2: Why no backoff?\n\n"
        'It opens first (line 31: "sock = open_socket(host)").\n'
    )
    assert one(repo, body, "lines", "line 31").status == "verified"


def test_names_in_a_fenced_list_are_looked_for_on_their_lines(repo: GitRepo) -> None:
    body = f"{FENCE}\n- send_all (sender.py:10)\n- open_socket (sender.py:11)\n{FENCE}\n"
    results = {claim.line_start: check.status for claim, check in checked(repo, body)}
    assert results == {10: "verified", 11: "contradicted"}


def test_folders_case_and_shell_commands_are_file_claims(repo: GitRepo) -> None:
    folder = one(repo, "- The `docs/runbooks/mail/` folder has the steps.\n", "file", "runbooks")
    assert folder.status == "verified"
    case = one(repo, "- See security.md first.\n", "file", "security.md")
    assert case.status == "verified" and "SECURITY.md" in case.detail and "case" in case.detail
    shell = one(
        repo, f"{FENCE}bash\npython scripts/flush_queue.py --all\n{FENCE}\n", "file", "flush"
    )
    assert shell.status == "verified"


def test_a_windows_path_is_read_from_its_top_level_folder(repo: GitRepo) -> None:
    gone = one(repo, "- `C:\\src\\mailer\\mail\\queue\\sender.py` crashed\n", "file", "sender.py")
    assert gone.status == "contradicted"
    there = one(repo, "- `C:\\src\\mailer\\mail\\sender.py` crashed\n", "file", "sender.py")
    assert there.status == "verified"


def test_a_proposed_file_or_line_is_not_contradicted(repo: GitRepo) -> None:
    body = "## Recommendations\n\n- **Create**: mail/safe_send.py\n"
    assert one(repo, body, "file", "safe_send").status == "unverifiable"
    modify = f"{FENCE}python\n# Modify mail/cli.py:90\ndef send_safely():\n    pass\n{FENCE}\n"
    check = one(repo, modify, "lines", "cli.py:90")
    assert check.status == "unverifiable" and "proposal" in check.detail


def test_another_name_of_the_sentence_may_be_what_the_line_holds(repo: GitRepo) -> None:
    body = "- `mail/sender.py` line 31 works with both `MailPool` and `open_socket`\n"
    assert one(repo, body, "lines", "line 31").status == "verified"


def test_a_method_of_a_class_the_file_lacks_is_not_held_against_it(repo: GitRepo) -> None:
    body = "- `mail/sender.py` line 12 calls `MailPool.deliver`\n"
    assert one(repo, body, "lines", "line 12").status != "contradicted"


def test_names_like_runtimes_and_untracked_env_files(repo: GitRepo) -> None:
    claims = checked(repo, "- Node.js workers read .env.local first.\n")
    assert [claim.path for claim, _ in claims if claim.kind == "file"] == [".env.local"]
    assert claims[0][1].status == "unverifiable"
    ignored = checked(repo, "- `.dockerignore` line 3 drops the tests.\n")
    assert [claim.path for claim, _ in ignored if claim.kind == "lines"] == [".dockerignore"]


def test_several_candidates_contradict_only_when_each_one_does() -> None:
    claim = Claim(id="c1", line=1, kind="lines", text="x", path="base.py", line_start=4)
    resolved = Resolved("base.py", ["a/base.py", "b/base.py"])
    mixed = [
        FileVerdict("a/base.py", "contradicted", "not there"),
        FileVerdict("b/base.py", "unverifiable", "nothing to look for"),
    ]
    assert combine(claim, resolved, mixed).status == "unverifiable"
    both = [FileVerdict(p, "contradicted", "not there") for p in resolved.matches]
    assert combine(claim, resolved, both).status == "contradicted"


def test_a_quote_after_a_location_is_what_the_line_holds(repo: GitRepo) -> None:
    body = '- **File:** `mail/cli.py:5` - "send nothing" ✅\n'
    assert one(repo, body, "lines", "cli.py:5").status == "verified"
    words = "- `mail/cli.py:4-6`: send nothing flag\n"
    assert one(repo, words, "lines", "cli.py:4-6").status == "verified"


def test_a_file_said_to_be_gone(repo: GitRepo) -> None:
    still = one(repo, "- `mail/cli.py` was explicitly removed last week\n", "file", "cli.py")
    assert still.status == "contradicted" and "still exists" in still.detail
    gone = one(repo, "- `mail/pool.py` was removed last week\n", "file", "pool.py")
    assert gone.status == "verified"


def test_files_under_priority_recommendations_are_proposals(repo: GitRepo) -> None:
    body = "## Priority Recommendations\n\n- Files: `.mailrc.toml`, CI workflow updates\n"
    assert one(repo, body, "file", "mailrc").status == "unverifiable"


def test_a_command_for_a_script_named_nowhere_may_be_one_to_create(repo: GitRepo) -> None:
    new = one(
        repo, f"{FENCE}bash\npython scripts/check_mail_health.py\n{FENCE}\n", "file", "health"
    )
    assert new.status == "unverifiable"
    moved = one(repo, f"{FENCE}bash\npython tools/flush_queue.py\n{FENCE}\n", "file", "flush")
    assert moved.status == "contradicted"


def test_a_sentence_saying_there_is_no_such_file(repo: GitRepo) -> None:
    check = one(repo, "- No central SECURITY.md was written\n", "file", "SECURITY")
    assert check.status == "contradicted"
    assert one(repo, "- There is no `mail/pool.py` yet\n", "file", "pool").status == "verified"


def test_a_line_that_sets_the_name_to_another_value_contradicts(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, [{"files": {"app/pay.py": "import os\nretries = 3\n"}}])
    text = (
        "# RCA\n\n- `app/pay.py` line 2 sets `retries = 7`\n"
        "- `app/pay.py` line 2 sets `retries = 3`\n"
    )
    analysis = read_analysis_text(text)
    run = check_analysis(analysis, open_repo(repo))
    statuses = [
        (c.line, check.status)
        for c, check in zip(analysis.claims, run.checks, strict=True)
        if c.kind == "lines"
    ]
    assert statuses == [(3, "contradicted"), (4, "verified")]


def test_a_viewer_finds_the_file_an_abbreviated_path_means(tmp_path: Path) -> None:
    from whys.core.claims.checking.paths import files_written_as
    from whys.core.claims.checking.tree import Tree

    files = {"app/deep/engine.py": "X = 1\n", "a/util.py": "", "b/util.py": ""}
    repo = open_repo(make_repo(tmp_path, [{"files": files}]))
    tree = Tree(repo, repo.resolve_revision("HEAD"))
    assert files_written_as(tree, "engine.py") == ["app/deep/engine.py"]
    assert files_written_as(tree, "app/deep/engine.py") == ["app/deep/engine.py"]
    assert sorted(files_written_as(tree, "util.py")) == ["a/util.py", "b/util.py"]
    assert files_written_as(tree, "nowhere.py") == []
    tree.close()

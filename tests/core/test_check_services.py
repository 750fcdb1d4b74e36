"""The check services alone: tree, path resolution, code-name patterns, subject index,
counts, history and evidence pins, each on a tiny real repository or plain values."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from gitbuild import branch, checkout, commit, git, make_repo

from whys.core.claims.checking.context import CheckContext
from whys.core.claims.checking.counts import Counts
from whys.core.claims.checking.names import indented_block_end, name_pattern, where_in
from whys.core.claims.checking.paths import resolve_path
from whys.core.claims.checking.subjects import SubjectIndex, same_subject
from whys.core.claims.checking.tree import Tree
from whys.core.evidence import rerun
from whys.core.history import History
from whys.core.models import Analysis, Claim
from whys.core.repo import GitRepo, open_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, dict[str, str]]:
    path = make_repo(
        tmp_path_factory.mktemp("services"),
        [
            {"files": {"app/queue.py": "def enqueue(job):\n    push(job)\n\nLIMIT = 3\n",
                       "docs/readme.md": "LIMIT is 3\n"},
             "message": "init", "date": "2026-02-20T10:00:00+00:00"},
            {"files": {"app/client.py": "from app.queue import LIMIT\n"},
             "message": "payments: retry charges on timeouts",
             "date": "2026-02-24T15:41:00+00:00"},
        ],
    )  # fmt: skip
    branch(path, "side", "HEAD~1")
    checkout(path, "side")
    side = commit(path, {"side.txt": "x\n"}, "side work", "2026-02-26T00:00:00+00:00")
    checkout(path, "main")
    git(path, "symbolic-ref", "HEAD", "refs/heads/main")
    (path / "app" / "link.py").symlink_to("queue.py")
    commit(path, {}, "link", "2026-02-27T00:00:00+00:00")
    log = git(path, "log", "--format=%H %s", "--all").splitlines()
    shas = {subject: sha for sha, _, subject in (line.partition(" ") for line in log)}
    shas["side"] = side
    return open_repo(path), shas


def test_tree_lists_reads_and_follows_symlinks_inside_it(repo: tuple[GitRepo, dict]) -> None:
    git_repo, _ = repo
    tree = Tree(git_repo, git_repo.resolve_revision("HEAD"))
    assert "app/link.py" in tree.file_set and tree.by_name["queue.py"] == ["app/queue.py"]
    assert tree.link_target("app/link.py") == "queue.py"
    assert tree.readable("app/link.py") == ("app/queue.py", None)
    assert (tree.lines_of("app/queue.py") or [])[0] == "def enqueue(job):"
    assert tree.files_naming("LIMIT") == ["app/client.py", "app/queue.py", "docs/readme.md"]


def test_paths_resolve_by_suffix_and_refuse_to_climb_out() -> None:
    files = ["app/queue.py", "lib/queue.py", "app/client.py"]
    by_name = {"queue.py": ["app/queue.py", "lib/queue.py"], "client.py": ["app/client.py"]}
    assert resolve_path("client.py", files, by_name).matches == ["app/client.py"]
    assert resolve_path("queue.py", files, by_name).matches == ["app/queue.py", "lib/queue.py"]
    assert resolve_path("app/client.py", files, by_name).matches == ["app/client.py"]
    assert resolve_path("/home/ada/proj/app/client.py", files, by_name).matches == ["app/client.py"]
    assert resolve_path("../../etc/passwd", files, by_name).problem == (
        "outside the repository: never read"
    )


def test_code_name_patterns_find_names_and_their_blocks() -> None:
    lines = ["class Cart:", "    def total(self):", "        return 1", "", "x = Cart()"]
    assert name_pattern("Cart.total()").search("    def total(self):")
    assert not name_pattern("total").search("subtotal = 1")
    assert indented_block_end(lines, 1) == 3
    assert where_in(lines, "Cart", [1, 5]) == "lines 1-3 (defined at line 1)"


def test_the_subject_index_ranks_exact_loose_cut_and_close() -> None:
    index = SubjectIndex(
        [("a1", "payments: retry charges on timeouts"), ("b2", "Fix(payments): cap retries")]
    )
    assert index.best("payments: retry charges on timeouts", 3)[0] == "a1"
    assert index.best("fix(payments): cap retries", 3)[0] == "b2"
    assert index.best("payments: retry charges\u2026", 3)[0] == "a1"
    assert index.best("payments: retry charge on timeout", 3)[0] == "a1"
    assert same_subject("payments: retry charges...", "payments: retry charges on timeouts")


def test_counts_count_files_matches_and_commits(repo: tuple[GitRepo, dict]) -> None:
    git_repo, _ = repo
    counts = Counts(git_repo, git_repo.resolve_revision("HEAD"), None)
    counts.want_regexes([r"LIMIT\b"])
    defined = counts.regex_lines(r"LIMIT\b")
    assert (defined.count, len(defined.files)) == (3, 3)  # matches, and the files they are in
    assert counts.commits_matching("payments") == 1


def test_history_answers_ancestry_and_refs_from_one_walk(repo: tuple[GitRepo, dict]) -> None:
    git_repo, shas = repo
    head = git_repo.resolve_revision("HEAD")
    history = History(git_repo, head)
    history.infos = git_repo.commits_info([shas["init"], shas["side"]])
    dates = history.dates_of({head, shas["init"], shas["side"]})
    history.start(
        {head, shas["side"]}, History.ancestry_since(list(dates.values())), with_refs=True
    )
    assert history.walk is not None and shas["init"] in history.walk.lines
    assert history.is_ancestor(shas["init"], head)
    assert not history.is_ancestor(shas["side"], head)
    assert history.containing_refs(shas["side"]) == (["side"], [])


def test_pins_give_evidence_that_rerun_reproduces(
    repo: tuple[GitRepo, dict], tmp_path: Path
) -> None:
    git_repo, shas = repo
    head = git_repo.resolve_revision("HEAD")
    claim = Claim(id="c1", line=1, kind="lines", text="", path="app/queue.py", line_start=1)
    context = CheckContext(Analysis(path="a.md", sha256="0", claims=[claim]), git_repo, head, None)
    [pinned] = context.pins.file_evidence(claim, "app/queue.py", 1, 2)
    assert pinned.summary.startswith("app/queue.py:1-2 at ")
    assert rerun(pinned, git_repo, head).content_sha256 == pinned.content_sha256
    assert context.window_start(datetime.now(UTC) - datetime(2026, 1, 1, tzinfo=UTC)) is None


def test_prefetch_jobs_run_side_by_side_and_each_failure_is_kept_apart() -> None:
    import threading
    import time

    from whys.core.claims.checking.common import run_together

    running = 0
    most = 0
    lock = threading.Lock()
    done: list[int] = []

    def job(number: int) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with lock:
            running -= 1
            done.append(number)
        if number == 3:
            raise ValueError("job 3 failed")

    raised = run_together([lambda n=n: job(n) for n in range(8)], 4)
    assert sorted(done) == list(range(8))  # one failure stops no other job
    assert [type(error).__name__ if error else None for error in raised] == [
        None,
        None,
        None,
        "ValueError",
        None,
        None,
        None,
        None,
    ]
    assert 1 < most <= 4  # side by side, never more than asked
    assert run_together([], 4) == []

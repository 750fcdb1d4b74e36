"""The batched tree search: one git grep answers for every string a run asks about."""

from __future__ import annotations

from pathlib import Path

from gitbuild import commit, git, make_repo
from hypothesis import example, given
from hypothesis import strategies as st

from whys.core.claims.checking.tree_search import TreeSearch
from whys.core.repo import open_repo


def _repo(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path,
        [
            {
                "files": {
                    "app/engine.py": "class ExecutionEngine:\n    pass\n\n"
                    "class ExecutionEngineFactory:\n    pass\n",
                    "app/use.py": "from app.engine import ExecutionEngineFactory\n"
                    "ExecutionEngineFactory(); ExecutionEngineFactory()\n",
                    "app/lost.py": "ExecutionEngine = None\n",
                    "docs/notes.md": "The engine is fine.\n",
                },
                "message": "engine",
            }
        ],
    )


def test_overlapping_needles_are_all_credited(tmp_path: Path) -> None:
    repo_dir = _repo(tmp_path)
    repo = open_repo(repo_dir)
    search = TreeSearch(repo, repo.resolve_revision("HEAD"), None)
    search.want(["ExecutionEngine", "ExecutionEngineFactory", "NoSuchName"])
    search.run()
    # "ExecutionEngineFactory" holds "ExecutionEngine": git reports the longer one only.
    assert search.file_count("ExecutionEngine") == 3
    assert search.match_count("ExecutionEngineFactory") == 4
    assert ("app/engine.py", 4) in search.places("ExecutionEngineFactory")
    assert search.file_count("NoSuchName") == 0 and search.searched("NoSuchName")
    assert search.unreadable == 0


def test_a_later_question_runs_its_own_search(tmp_path: Path) -> None:
    repo = open_repo(_repo(tmp_path))
    search = TreeSearch(repo, repo.resolve_revision("HEAD"), None)
    assert search.places("engine is fine") == [("docs/notes.md", 1)]


def test_unreadable_blobs_are_counted_not_fatal(tmp_path: Path) -> None:
    repo_dir = _repo(tmp_path)
    blob = git(repo_dir, "rev-parse", "HEAD:app/lost.py").strip()
    # The checked revision is not HEAD, and lost.py is one of the files between them (so
    # it is read from the revision's blobs, not from the working tree).
    commit(repo_dir, {"later.txt": "later\n", "app/lost.py": None}, "later")
    (repo_dir / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    repo = open_repo(repo_dir)
    search = TreeSearch(repo, repo.resolve_revision("HEAD~1"), None)
    assert search.file_count("ExecutionEngine") == 2  # lost.py could not be read
    assert search.unreadable == 1
    assert search.failed is None


def test_needles_overlapping_in_part_are_each_found(tmp_path: Path) -> None:
    # git grep -o reports `def ExecutionEngine` only; `EngineFactory` starts inside it.
    repo = open_repo(_repo(tmp_path))
    search = TreeSearch(repo, repo.resolve_revision("HEAD"), None)
    search.want(["class ExecutionEngine", "EngineFactory"])
    search.run()
    assert ("app/engine.py", 4) in search.places("EngineFactory")
    assert search.file_count("EngineFactory") == 2
    assert search.match_count("class ExecutionEngine") == 2


def test_code_places_are_kept_when_documents_quote_a_name_often(tmp_path: Path) -> None:
    # Reports at the top of the tree sort before `src/`: they must not crowd the code out.
    reports = {f"AUDIT_{n:03d}.md": "We saw `LedgerEngine` fail.\n" for n in range(80)}
    repo_dir = make_repo(
        tmp_path, [{"files": {**reports, "src/engine.py": "class LedgerEngine:\n    pass\n"}}]
    )
    repo = open_repo(repo_dir)
    search = TreeSearch(repo, repo.resolve_revision("HEAD"), None)
    assert search.places("LedgerEngine")[0] == ("src/engine.py", 1)
    assert search.file_count("LedgerEngine") == 81


def _answers(search: TreeSearch, needles: list[str]) -> dict[str, tuple]:
    return {
        n: (search.places(n), search.file_count(n), search.match_count(n), search.files(n))
        for n in needles
    }


NEEDLES = ["ExecutionEngine", "ExecutionEngineFactory", "engine is", "ledger"]


def test_a_search_derived_for_the_parent_answers_as_a_fresh_one(tmp_path: Path) -> None:
    # The analysis's commit changed two files and added one: the parent's answers are the
    # child's with those files searched again, and must equal a search of the parent.
    repo_dir = _repo(tmp_path)
    parent = git(repo_dir, "rev-parse", "HEAD").strip()
    child = commit(
        repo_dir,
        {
            "app/use.py": "ExecutionEngine()\n",
            "app/lost.py": None,
            "app/ledger.py": "ledger = ExecutionEngineFactory()\n",
        },
        "change",
    )
    repo = open_repo(repo_dir)
    at_child = TreeSearch(repo, child, None)
    at_child.want(NEEDLES)
    at_child.run()
    changed = repo.changed_paths(parent, child)
    derived = at_child.derive(parent, changed)
    assert derived is not None
    fresh = TreeSearch(repo, parent, None)
    fresh.want(NEEDLES)
    fresh.run()
    assert _answers(derived, NEEDLES) == _answers(fresh, NEEDLES)
    assert derived.file_count("ledger") == 0 and derived.file_count("ExecutionEngine") == 3


def test_the_checked_out_head_is_searched_in_the_working_tree_as_head_holds_it(
    tmp_path: Path,
) -> None:
    # Edited and deleted files are answered from HEAD, not from the edit.
    repo_dir = _repo(tmp_path)
    (repo_dir / "app" / "use.py").write_text("nothing here\n")
    (repo_dir / "app" / "lost.py").unlink()
    (repo_dir / "untracked.py").write_text("ExecutionEngine\n")
    repo = open_repo(repo_dir)
    head = repo.resolve_revision("HEAD")
    search = TreeSearch(repo, head, None)
    search.want(NEEDLES)
    search.run()
    assert search.files("ExecutionEngine") == {"app/engine.py", "app/use.py", "app/lost.py"}
    assert search.match_count("ExecutionEngineFactory") == 4
    assert ("app/use.py", 2) in search.places("ExecutionEngineFactory")


def test_a_revision_near_head_is_searched_in_the_working_tree_and_its_changes_at_it(
    tmp_path: Path, monkeypatch
) -> None:
    # An analysis committed before the checkout: the working tree stands for its revision,
    # the files the commits between changed (and the uncommitted edits) are read from the
    # revision; with the commits too far apart the blobs alone answer, the same way.
    from whys.core.claims.checking import tree_search

    repo_dir = _repo(tmp_path)
    commit(
        repo_dir,
        {"app/use.py": "ExecutionEngineFactory.renamed()\n", "app/new.py": "ExecutionEngine\n"},
        "later",
    )
    (repo_dir / "docs" / "notes.md").write_text("ExecutionEngine, uncommitted\n")
    repo = open_repo(repo_dir)
    revision = repo.resolve_revision("HEAD~1")
    answers = []
    for limit in (tree_search.MAX_DERIVED_FILES, 1):
        monkeypatch.setattr(tree_search, "MAX_DERIVED_FILES", limit)
        search = TreeSearch(repo, revision, None)
        search.want(NEEDLES)
        search.run()
        answers.append(_answers(search, NEEDLES))
        assert search.files("ExecutionEngine") == {"app/engine.py", "app/use.py", "app/lost.py"}
        assert search.match_count("ExecutionEngineFactory") == 4  # use.py as the revision has it
        assert search.places("engine is fine") == [("docs/notes.md", 1)]
    assert answers[0] == answers[1]


def test_the_working_tree_search_sees_the_tracked_files_git_would(tmp_path: Path) -> None:
    # rg searches the working tree: a tracked file .gitignore matches, a hidden file and a
    # file under an ignored folder still count; untracked and ignored copies do not.
    repo_dir = make_repo(
        tmp_path,
        [
            {
                "files": {
                    "app/engine.py": "class ExecutionEngine:\n    pass\n",
                    ".github/workflows/ci.yml": "run: ExecutionEngine\n",
                    "build/keep.py": "ExecutionEngine()\n",
                    "b/z.py": "ExecutionEngine\n",
                    "a/z.py": "ExecutionEngine\n",
                },
                "message": "engine",
            },
            {"files": {".gitignore": "build/\n*.log\n.ignore\n"}, "message": "ignore"},
        ],
    )
    (repo_dir / "build" / "stray.py").write_text("ExecutionEngine\n")
    (repo_dir / "notes.log").write_text("ExecutionEngine\n")
    (repo_dir / "scratch.py").write_text("ExecutionEngine\n")
    (repo_dir / ".ignore").write_text("app/\n")  # rg's own ignore file: not git's
    repo = open_repo(repo_dir)
    search = TreeSearch(repo, repo.resolve_revision("HEAD"), None)
    search.want(["ExecutionEngine"])
    search.run()
    assert search.files("ExecutionEngine") == {
        "app/engine.py",
        ".github/workflows/ci.yml",
        "build/keep.py",
        "a/z.py",
        "b/z.py",
    }
    # In git's path order, whatever order the parallel search met them in.
    assert [path for path, _ in search.places("ExecutionEngine")] == [
        ".github/workflows/ci.yml",
        "a/z.py",
        "app/engine.py",
        "b/z.py",
        "build/keep.py",
    ]


def test_the_working_tree_search_reads_no_binary_or_utf16_file(tmp_path: Path) -> None:
    # git grep -I passes by binary files (a NUL near the start); UTF-16 text is full of
    # NULs, so rg, which would transcode it from its byte-order mark, must not either.
    utf16 = "\ufeffExecutionEngine = 1\n".encode("utf-16-le")
    repo_dir = make_repo(
        tmp_path, [{"files": {"app/engine.py": "ExecutionEngine = None\n"}, "message": "engine"}]
    )
    binary = {"docs/wide.txt": utf16, "app/blob.bin": b"\0\0ExecutionEngine\n"}
    commit(repo_dir, binary, "binary files")  # type: ignore[arg-type]
    repo = open_repo(repo_dir)
    search = TreeSearch(repo, repo.resolve_revision("HEAD"), None)
    search.want(["ExecutionEngine"])
    search.run()
    assert search.files("ExecutionEngine") == {"app/engine.py"}


def test_regexes_are_counted_as_git_grep_o_counts_them(tmp_path: Path) -> None:
    repo = open_repo(_repo(tmp_path))
    search = TreeSearch(repo, repo.resolve_revision("HEAD"), None, regex=True)
    defined = r"^\s*class [A-Za-z0-9_]*Engine[A-Za-z0-9_]*\b"
    search.want([defined, "Factory\\(", "(unclosed"])
    search.run()
    assert search.match_count(defined) == 2
    assert search.matches_by_file("Factory\\(") == {"app/use.py": 2}
    assert search.failure("(unclosed") is not None and search.failure(defined) is None


def test_working_tree_answers_asked_early_serve_one_search_only(tmp_path: Path) -> None:
    # `whys check` asks git about the working tree while it reads the analyses; the search
    # that comes next takes those answers, and a later one asks again: a file edited
    # between the two is still answered as HEAD holds it.
    repo_dir = _repo(tmp_path)
    repo = open_repo(repo_dir)
    head = repo.resolve_revision("HEAD")
    repo.ask_working_tree_early()
    first = TreeSearch(repo, head, None)
    first.want(NEEDLES)
    first.run()
    (repo_dir / "app" / "use.py").write_text("nothing here\n")
    second = TreeSearch(repo, head, None)
    second.want(NEEDLES)
    second.run()
    assert _answers(first, NEEDLES) == _answers(second, NEEDLES)
    assert second.match_count("ExecutionEngineFactory") == 4


def test_a_line_of_megabytes_is_read_whole(tmp_path: Path) -> None:
    # A minified file: one line of 3 MB comes from rg in dozens of reads.
    filler = "x = 1; " * 150_000
    line = f"ExecutionEngine {filler} ExecutionEngine {filler} ExecutionEngineFactory\n"
    repo_dir = make_repo(tmp_path, [{"files": {"dist/app.min.js": line}, "message": "min"}])
    repo = open_repo(repo_dir)
    search = TreeSearch(repo, repo.resolve_revision("HEAD"), None)
    search.want(["ExecutionEngine", "ExecutionEngineFactory"])
    search.run()
    assert search.match_count("ExecutionEngine") == 3  # the Factory's prefix counts too
    assert search.match_count("ExecutionEngineFactory") == 1
    assert search.places("ExecutionEngineFactory") == [("dist/app.min.js", 1)]


@given(
    needles=st.lists(st.text(alphabet="ab_", min_size=1, max_size=4), min_size=1, max_size=5),
    text=st.text(alphabet="ab_ ", max_size=60),
)
@example(needles=["aa"], text="aaaa")  # a needle overlapping itself
@example(needles=["ab", "b_"], text="ab_ab_")  # needles overlapping each other
@example(needles=["a", "ab", "abb"], text="abbab")  # needles that are each other's prefix
def test_a_long_line_credits_the_same_occurrences_as_a_short_one(
    needles: list[str], text: str
) -> None:
    # Lines past LONG_LINE are searched needle by needle, shorter ones through the trie:
    # padding a line past that length (with a character no needle holds) changes nothing.
    from collections import Counter

    from whys.core.claims.checking.tree_search import LONG_LINE, _fixed_attribution

    unique = list(dict.fromkeys(needles))
    attribute = _fixed_attribution(unique)
    padded = text + "#" * LONG_LINE
    assert Counter(attribute(padded)) == Counter(attribute(text))
    for needle in unique:  # each occurrence, overlapping ones too
        expected = sum(text.startswith(needle, at) for at in range(len(text)))
        assert Counter(attribute(text))[needle] == expected

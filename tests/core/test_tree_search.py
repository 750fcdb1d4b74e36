"""The batched tree search: one git grep answers for every string a run asks about."""

from __future__ import annotations

from pathlib import Path

from gitbuild import git, make_repo

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
    (repo_dir / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    repo = open_repo(repo_dir)
    search = TreeSearch(repo, repo.resolve_revision("HEAD"), None)
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

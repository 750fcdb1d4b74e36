"""What one check costs in git processes: every file read through one `cat-file --batch`
(ended with the run), counts of definitions from one pass over the tree, the history
checked for damage once per repository. Processes are counted by wrapping
`subprocess.Popen` (a spy: every call still starts the real git)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from gitbuild import make_repo

from whys.core.checks import check_analysis
from whys.core.reader import read_analysis_text
from whys.core.repo import open_repo

HEADER = "# Outage\n\n## Why 1\n\n"


@pytest.fixture
def git_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The argv of every git process started, in order (after the global options), and
    of every rg (as ["rg", ...])."""
    calls: list[list[str]] = []
    real_popen = subprocess.Popen  # `subprocess.run` starts its processes through it

    def record(argv: object) -> None:
        if isinstance(argv, list) and argv and str(argv[0]).endswith("rg"):
            calls.append(["rg", *(str(word) for word in argv[1:])])
        elif isinstance(argv, list) and argv and str(argv[0]).endswith("git"):
            words = [str(word) for word in argv]
            start = next((i for i, w in enumerate(words) if w in COMMANDS), len(words))
            calls.append(words[start:])

    class Popen(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, argv: object, *args: object, **kwargs: object) -> None:
            record(argv)
            super().__init__(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Popen)
    return calls


COMMANDS = {"cat-file", "grep", "ls-tree", "log", "rev-parse", "diff-tree", "rev-list"}


def _files(count: int) -> dict[str, str]:
    return {f"app/part{n}.py": f"def part{n}():\n    return {n}\n" for n in range(count)}


def test_one_cat_file_process_reads_every_cited_file(
    tmp_path: Path, git_calls: list[list[str]]
) -> None:
    repo_dir = make_repo(tmp_path, [{"files": _files(6), "message": "parts"}])
    text = HEADER + "".join(f"- `app/part{n}.py:1` defines `part{n}`\n" for n in range(6))
    analysis = read_analysis_text(text, "analysis.md")
    run = check_analysis(analysis, open_repo(repo_dir), "HEAD")
    statuses = {check.status for check in run.checks}
    assert statuses == {"verified"}, [c.detail for c in run.checks]
    blob_readers = [c for c in git_calls if c[:2] == ["cat-file", "--batch"]]
    single_reads = [c for c in git_calls if c[:2] == ["cat-file", "blob"]]
    assert len(blob_readers) == 1 and not single_reads


def test_the_blob_reader_ends_with_the_check(tmp_path: Path) -> None:
    repo_dir = make_repo(tmp_path, [{"files": _files(2), "message": "parts"}])
    analysis = read_analysis_text(HEADER + "- `app/part1.py:1` defines `part1`\n", "a.md")
    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    class Popen(real):  # type: ignore[misc, valid-type]
        def __init__(self, argv: list[str], *args: object, **kwargs: object) -> None:
            super().__init__(argv, *args, **kwargs)
            if "--batch" in argv:
                started.append(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess, "Popen", Popen)
        check_analysis(analysis, open_repo(repo_dir), "HEAD")
    assert started and all(process.poll() is not None for process in started)


def test_counts_of_definitions_share_one_pass_over_the_tree(
    tmp_path: Path, git_calls: list[list[str]]
) -> None:
    files = {
        "app/managers.py": "class UserManager:\n    pass\n\nclass OrderManager:\n    pass\n",
        "app/factories.py": "class UserFactory:\n    pass\n",
        "app/other.py": "def manager():\n    return None\n",
    }
    repo_dir = make_repo(tmp_path, [{"files": files, "message": "classes"}])
    text = HEADER + "- **2 manager classes** and **3 factory classes** (sprawl)\n"
    analysis = read_analysis_text(text, "analysis.md")
    run = check_analysis(analysis, open_repo(repo_dir), "HEAD")
    by_pattern = {c.pattern: check for c, check in zip(analysis.claims, run.checks, strict=True)}
    manager = next(check for pattern, check in by_pattern.items() if "Manager" in (pattern or ""))
    factory = next(check for pattern, check in by_pattern.items() if "Factory" in (pattern or ""))
    assert manager.status == "verified" and factory.status == "contradicted"
    regex_greps = [c for c in git_calls if c[:2] == ["grep", "--no-textconv"] and "-F" not in c]
    regex_greps += [c for c in git_calls if c[:1] == ["rg"] and "--fixed-strings" not in c]
    assert len(regex_greps) == 1, regex_greps  # both regexes, one pass, no reruns


def test_the_parent_is_searched_only_where_the_analysis_commit_changed_it(
    tmp_path: Path, git_calls: list[list[str]]
) -> None:
    # The analysis came with a change to one file: the check at the parent (for "holds at
    # the parent") searches that file, not the whole tree again.
    text = HEADER + "- `legacy_part()` is called in `app/part1.py`\n"
    repo_dir = make_repo(
        tmp_path,
        [
            {"files": {**_files(5), "app/part1.py": "legacy_part()\n"}, "message": "parts"},
            {"files": {"app/part1.py": "modern_part()\n", "analysis.md": text}, "message": "rca"},
        ],
    )
    repo = open_repo(repo_dir)
    analysis = read_analysis_text(text, str(repo_dir / "analysis.md"))
    run = check_analysis(analysis, repo, "HEAD")
    assert run.checks[0].status == "verified" and "holds at the parent" in run.checks[0].detail
    fixed_greps = [c for c in git_calls if c[:1] == ["grep"] and "-F" in c]
    # The checked revision is the checked-out HEAD: rg reads its working tree once.
    whole_tree = [c for c in fixed_greps if c[-1] == "--"] + [
        c for c in git_calls if c[:1] == ["rg"]
    ]
    assert len(whole_tree) == 1, whole_tree
    # The others each read that one file (the parent's search, the evidence pinned).
    rest = [c for c in fixed_greps if c not in whole_tree]
    assert rest and all(c[-1].endswith("app/part1.py") for c in rest), rest


def test_the_history_is_walked_for_damage_once_per_repository(
    tmp_path: Path, git_calls: list[list[str]]
) -> None:
    repo_dir = make_repo(tmp_path, [{"files": _files(1), "message": "parts"}])
    repo = open_repo(repo_dir)
    text = HEADER + "- commit `0123456789abcdef0123456789abcdef01234567` caused it\n"
    analysis = read_analysis_text(text, "analysis.md")
    first = check_analysis(analysis, repo, "HEAD")
    second = check_analysis(analysis, repo, "HEAD")
    assert [c.status for c in first.checks] == [c.status for c in second.checks]
    assert first.checks[0].status == "contradicted"
    assert len([c for c in git_calls if c[:1] == ["rev-list"]]) == 1

"""search/count with the real rg (working tree) and git grep (past revision)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from gitbuild import commit, make_repo

from whys.core import search
from whys.core.repo import open_repo
from whys.core.search import SearchStats, display_line, rg_executable
from whys.errors import BadInputError, BadPatternError


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "app").mkdir(parents=True)
    (root / "app" / "manager.py").write_text(
        "class WebSocketManager:\n    pass\n\nmanager = WebSocketManager()  # WebSocketManager\n"
    )
    (root / "app" / "other.py").write_text("import WebSocketManager\n")
    (root / "README.md").write_text("The websocketmanager handles sockets.\n")
    (root / "logo.bin").write_bytes(b"\x89PNG\x00\x00WebSocketManager\x00")
    return root


def test_rg_is_the_one_from_the_ripgrep_wheel() -> None:
    assert Path(rg_executable()).name.startswith("rg")
    assert Path(rg_executable()).is_file()


def test_search_streams_hits_with_line_column_and_text(tree: Path) -> None:
    stats = SearchStats()
    hits = list(search.search(tree, "WebSocketManager", stats=stats))
    assert sorted((h.path, h.line, h.column) for h in hits) == [
        ("app/manager.py", 1, 7),
        ("app/manager.py", 4, 11),
        ("app/other.py", 1, 8),
    ]
    assert {h.text for h in hits if h.line == 1 and h.path == "app/manager.py"} == {
        "class WebSocketManager:"
    }
    assert stats.hits == 3
    assert stats.files_with_hits == 2
    assert stats.binary_files_skipped == 1
    assert not stats.capped


def test_search_options_case_word_fixed_glob_context(tree: Path) -> None:
    case = list(search.search(tree, "websocketmanager", ignore_case=True))
    assert len(case) == 4
    assert [h.path for h in search.search(tree, "WebSocket", word=True)] == []
    assert len(list(search.search(tree, "WebSocketManager()", fixed_strings=True))) == 1
    assert {h.path for h in search.search(tree, "WebSocketManager", globs=["*other*"])} == {
        "app/other.py"
    }
    around = list(search.search(tree, "pass", context=1))
    assert [(h.line, h.kind) for h in around] == [(1, "context"), (2, "match"), (3, "context")]


def test_search_caps_hits_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "many.txt").write_text("needle\n" * 5000)
    (tmp_path / "more.txt").write_text("needle\n" * 10)
    stats = SearchStats()
    hits = list(search.search(tmp_path, "needle", max_hits=25, stats=stats))
    assert len(hits) == 25
    assert stats.capped


def test_search_can_be_cancelled(tmp_path: Path) -> None:
    for number in range(200):
        (tmp_path / f"f{number}.txt").write_text("needle\n" * 50)
    cancel = threading.Event()
    stats = SearchStats()
    seen = 0
    for _ in search.search(tmp_path, "needle", max_hits=10**9, cancel=cancel, stats=stats):
        seen += 1
        if seen == 60:
            cancel.set()
    assert 60 <= seen < 200 * 50
    assert stats.cancelled


def test_invalid_regex_is_one_clear_error(tree: Path) -> None:
    with pytest.raises(BadPatternError, match="unclosed group"):
        list(search.search(tree, "(unclosed"))
    with pytest.raises(BadPatternError):
        search.count(tree, "[z-a]")
    with pytest.raises(BadPatternError, match="size limit"):
        list(search.search(tree, "x{99999999}"))
    with pytest.raises(BadInputError):
        list(search.search(tree, ""))


def test_a_one_megabyte_line_is_cut_for_display(tmp_path: Path) -> None:
    (tmp_path / "min.js").write_text("x" * 1_000_000 + "needle" + "y" * 1000 + "\n")
    hits = list(search.search(tmp_path, "needle"))
    assert len(hits) == 1
    assert hits[0].truncated
    assert "needle" in hits[0].text
    assert len(hits[0].text) <= search.DISPLAY_LIMIT
    assert hits[0].column == 1_000_001


def test_display_line_keeps_short_lines_whole() -> None:
    assert display_line(b"abc\n") == ("abc", False)
    text, cut = display_line("a" * 1000, limit=10, at=500)
    assert cut and len(text) == 10


def test_count_files_and_matches_without_listing_hits(tree: Path) -> None:
    files = search.count(tree, "WebSocketManager", unit="files")
    assert (files.count, files.files, files.matches) == (2, 2, None)
    # Every occurrence counts: line 4 of manager.py has two.
    matches = search.count(tree, "WebSocketManager", unit="matches")
    assert (matches.count, matches.files) == (4, 2)
    assert search.count(tree, "absent-text", unit="files").count == 0


def test_pre_pattern_searches_text_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "pre.sh"
    script.write_text(f'#!/bin/sh\ntouch {marker}\ncat "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    root = tmp_path / "src"
    root.mkdir()
    (root / "notes.txt").write_text(f"run with --pre={script} please\n")
    (root / "plain.txt").write_text("nothing here\n")
    pattern = f"--pre={script}"
    hits = list(search.search(root, pattern, fixed_strings=True))
    assert [h.path for h in hits] == ["notes.txt"]
    assert search.count(root, pattern, fixed_strings=True).count == 1
    assert list(search.search(root, "--pre=" + str(script) + "x")) == []
    assert not marker.exists()


def test_rg_config_file_from_the_environment_is_ignored(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "rgrc"
    config.write_text("--ignore-case\n--max-count=1\n")
    monkeypatch.setenv("RIPGREP_CONFIG_PATH", str(config))
    assert len(list(search.search(tree, "WebSocketManager"))) == 3


def test_at_a_revision_search_and_count_use_git_grep(tmp_path: Path) -> None:
    path = make_repo(tmp_path, commits=[{"files": {"a.py": "old_name()\n"}, "message": "one"}])
    first = open_repo(path).resolve_revision("HEAD")
    commit(path, {"a.py": "new_name()\n"}, "two", "2024-02-01T00:00:00Z")
    (path / "a.py").write_text("working_name()\n")  # uncommitted change
    repo = open_repo(path)
    assert [h.text for h in search.search(path, "_name")] == ["working_name()"]
    at_first = list(search.search(path, "_name", repo=repo, rev=first))
    assert [(h.path, h.line, h.text) for h in at_first] == [("a.py", 1, "old_name()")]
    counted = search.count(path, "name", repo=repo, rev="HEAD", unit="files")
    assert counted.count == 1 and counted.revision == repo.resolve_revision("HEAD")
    commit(path, {"b.py": "x_name(); y_name()\nz_name()\n"}, "three", "2024-03-01T00:00:00Z")
    occurrences = search.count(path, "_name", repo=repo, rev="HEAD", unit="matches")
    assert (occurrences.count, occurrences.files) == (4, 2)
    assert occurrences.count == search.count(path, "_name", unit="matches").count
    with pytest.raises(BadPatternError):
        list(search.search(path, "(", repo=repo, rev="HEAD"))


def test_missing_directory_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError):
        list(search.search(tmp_path / "nope", "x"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_an_unreadable_file_does_not_stop_the_search(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("needle\n")
    locked = tmp_path / "locked.txt"
    locked.write_text("needle\n")
    locked.chmod(0)
    try:
        assert [h.path for h in search.search(tmp_path, "needle")] == ["ok.txt"]
    finally:
        locked.chmod(0o644)


def test_regex_syntax_agrees_between_rg_and_git_grep(tmp_path: Path) -> None:
    path = make_repo(tmp_path, commits=[{"files": {"t.py": "retry(3)\nretry(x)\n"}}])
    repo = open_repo(path)
    working = [(h.path, h.line) for h in search.search(path, r"retry\(\d\)")]
    at_head = [(h.path, h.line) for h in search.search(path, r"retry\(\d\)", repo=repo, rev="HEAD")]
    assert working == at_head == [("t.py", 1)]


def test_a_file_that_turns_binary_late_is_dropped_and_counted(tmp_path: Path) -> None:
    (tmp_path / "late.bin").write_bytes(b"needle\n" * 50_000 + b"\x00needle\n")
    (tmp_path / "text.txt").write_text("needle\n")
    stats = SearchStats()
    hits = list(search.search(tmp_path, "needle", max_hits=10**9, stats=stats))
    assert stats.binary_files_skipped == 1
    # Hits held back for a file are dropped when it proves binary; a file with thousands of
    # text hits before its first NUL streams them (bounded memory wins over purity).
    assert {h.path for h in hits} <= {"late.bin", "text.txt"}
    assert "text.txt" in {h.path for h in hits}
    small = tmp_path / "small"
    small.mkdir()
    (small / "b.bin").write_bytes(b"needle\n" * 10 + b"\x00needle\n")
    stats = SearchStats()
    assert list(search.search(small, "needle", stats=stats)) == []
    assert stats.binary_files_skipped == 1


def test_paths_with_newlines_spaces_and_non_ascii(tmp_path: Path) -> None:
    names = ["new\nline.txt", "with space.txt", "ünï/файл.txt", "-dash.txt"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("needle\n")
    assert sorted(h.path for h in search.search(tmp_path, "needle")) == sorted(names)
    assert search.count(tmp_path, "needle").count == 4
    assert search.count(tmp_path, "needle", unit="matches").count == 4


def test_symlinks_out_of_the_tree_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("needle secret\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside)
    (root / "file-link.txt").symlink_to(outside / "secret.txt")
    assert list(search.search(root, "needle")) == []
    assert search.count(root, "needle").count == 0

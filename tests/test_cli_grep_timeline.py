"""`whys grep` and `whys timeline` through `main(argv)`: stdout data only, exit codes."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from gitbuild import commit, git, make_repo, rename

from whys.cli import main


@pytest.fixture
def project(tmp_path: Path) -> dict[str, str]:
    path = make_repo(
        tmp_path,
        commits=[
            {
                "files": {"svc/ws.py": "class WebSocketManager:\n    timeout = 5\n"},
                "message": "Add websocket manager",
                "date": "2024-01-10T09:00:00+00:00",
            },
            {
                "files": {"svc/ws.py": "class WebSocketManager:\n    timeout = 30\n"},
                "message": "Raise websocket timeout",
                "date": "2024-02-05T09:00:00+00:00",
                "author": ("Bob Builder", "bob@example.com"),
            },
        ],
    )
    rename(path, "svc/ws.py", "svc/websocket.py")
    commit(
        path,
        {"svc/use.py": "from svc.websocket import WebSocketManager\n"},
        "Move ws",
        "2024-03-01T00:00:00Z",
    )
    shas = {
        name: git(path, "rev-parse", rev).strip()
        for name, rev in (("add", "HEAD~2"), ("raise", "HEAD~1"), ("move", "HEAD"))
    }
    shas["root"] = str(path)
    return shas


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_grep_prints_hits_and_exits_0(project: dict[str, str], capsys) -> None:
    assert main(["grep", "WebSocketManager", "--repo", project["root"]]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sorted(out) == [
        "svc/use.py:1:from svc.websocket import WebSocketManager",
        "svc/websocket.py:1:class WebSocketManager:",
    ]


def test_grep_nothing_found_exits_1_with_empty_stdout(project: dict[str, str], capsys) -> None:
    assert main(["grep", "NoSuchThing", "--repo", project["root"]]) == 1
    assert capsys.readouterr().out == ""


def test_grep_json_lines_end_with_a_summary(project: dict[str, str], capsys) -> None:
    code = main(["grep", "timeout = ", "--repo", project["root"], "--json", "-F"])
    assert code == 0
    records = _json_lines(capsys.readouterr().out)
    assert records[0] == {
        "type": "match",
        "path": "svc/websocket.py",
        "line": 2,
        "column": 5,
        "text": "    timeout = 30",
        "truncated": False,
    }
    assert records[-1]["type"] == "summary"
    assert records[-1]["engine"] == "rg" and records[-1]["hits"] == 1


def test_grep_at_a_past_revision_uses_git_grep(project: dict[str, str], capsys) -> None:
    argv = ["grep", "timeout = 5", "--repo", project["root"], "--rev", "HEAD~2", "--json"]
    assert main(argv) == 0
    records = _json_lines(capsys.readouterr().out)
    assert [(r["path"], r["line"]) for r in records[:-1]] == [("svc/ws.py", 2)]
    assert records[-1]["engine"] == "git grep"
    assert records[-1]["revision"] == project["add"]


def test_grep_count_modes(project: dict[str, str], capsys) -> None:
    assert main(["grep", "WebSocket", "--repo", project["root"], "--count", "files"]) == 0
    assert capsys.readouterr().out == "2\n"
    argv = ["grep", "e", "--repo", project["root"], "--count", "matches", "--json", "--rev", "HEAD"]
    assert main(argv) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["type"] == "count" and record["unit"] == "matches" and record["count"] > 5


def test_grep_options_ignore_case_glob_max(project: dict[str, str], capsys) -> None:
    argv = ["grep", "websocketmanager", "-i", "--glob", "use.py", "--repo", project["root"]]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("svc/use.py:1:")
    assert main(["grep", "WebSocketManager", "--max", "1", "--repo", project["root"]]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1
    assert "stopped at 1 hits" in captured.err


def test_grep_invalid_regex_is_exit_2_one_line(project: dict[str, str], capsys) -> None:
    assert main(["grep", "(oops", "--repo", project["root"]]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "invalid" in captured.err
    assert main(["grep", "(oops", "--repo", project["root"], "--rev", "HEAD"]) == 2
    assert "invalid pattern" in capsys.readouterr().err


def test_grep_pre_pattern_runs_nothing(project: dict[str, str], tmp_path: Path, capsys) -> None:
    marker = tmp_path / "pre-ran"
    script = tmp_path / "pre.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    root = Path(project["root"])
    (root / "doc.txt").write_text(f"never pass --pre={script} to rg\n")
    assert main(["grep", "--repo", str(root), "--", f"--pre={script}"]) == 0
    assert capsys.readouterr().out == f"doc.txt:1:never pass --pre={script} to rg\n"
    assert main(["grep", f"--regexp=--pre={script}", "--repo", str(root), "-F"]) == 0
    assert main(["grep", f"-e=--pre={script}", "--repo", str(root), "--rev", "HEAD"]) == 1
    assert not marker.exists()


def test_grep_bad_repo_and_bad_revision_exit_2(project: dict[str, str], tmp_path: Path, capsys):
    assert main(["grep", "x", "--repo", str(tmp_path / "missing"), "--rev", "HEAD"]) == 2
    assert main(["grep", "x", "--repo", project["root"], "--rev", "no-such-rev"]) == 2
    err = capsys.readouterr().err
    assert err.count("whys: ") == 2 and "Traceback" not in err


def test_no_color_and_pipes_carry_no_escape_codes(
    project: dict[str, str], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    assert main(["grep", "WebSocketManager", "--repo", project["root"]]) == 0
    assert main(["timeline", "--repo", project["root"]]) == 0
    assert "\x1b[" not in capsys.readouterr().out


def test_timeline_lists_commits_newest_first(project: dict[str, str], capsys) -> None:
    assert main(["timeline", "--repo", project["root"]]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line[:12] for line in lines] == [
        project["move"][:12],
        project["raise"][:12],
        project["add"][:12],
    ]
    assert lines[1].endswith("Bob Builder  Raise websocket timeout")
    assert "2024-02-05 09:00 +0000" in lines[1]


def test_timeline_window_path_follow_message(project: dict[str, str], capsys) -> None:
    root = project["root"]
    assert main(["timeline", "--repo", root, "--since", "2024-02-01", "--until", "2024-02-28"]) == 0
    assert capsys.readouterr().out.startswith(project["raise"][:12])
    assert (
        main(["timeline", "--repo", root, "--path", "svc/websocket.py", "--follow", "--json"]) == 0
    )
    records = _json_lines(capsys.readouterr().out)
    assert [r["sha"] for r in records[:-1]] == [project["move"], project["raise"], project["add"]]
    assert main(["timeline", "--repo", root, "--grep", "RAISE"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["timeline", "--repo", root, "--since", "2030-01-01"]) == 1
    assert capsys.readouterr().out == ""


def test_timeline_pickaxe_says_which_ran(project: dict[str, str], capsys) -> None:
    assert main(["timeline", "--repo", project["root"], "-S", "timeout = 30", "--json"]) == 0
    records = _json_lines(capsys.readouterr().out)
    assert [r["sha"] for r in records[:-1]] == [project["raise"]]
    assert records[-1] == {
        "type": "summary",
        "revision": project["move"],
        "mode": "-S",
        "commits": 1,
        "shallow": False,
        "history_ends_at": [],
    }
    assert main(["timeline", "--repo", project["root"], "-G", "timeout = [0-9]+", "--json"]) == 0
    records = _json_lines(capsys.readouterr().out)
    assert records[-1]["mode"] == "-G"
    assert [r["sha"] for r in records[:-1]] == [project["raise"], project["add"]]


def test_timeline_bad_input_exit_2(project: dict[str, str], tmp_path: Path, capsys) -> None:
    assert main(["timeline", "--repo", project["root"], "--since", "yesterday-ish"]) == 2
    assert main(["timeline", "--repo", str(tmp_path)]) == 2
    assert (
        main(["timeline", "--repo", project["root"], "--follow", "--path", "a", "--path", "b"]) == 2
    )
    target = tmp_path / "out.txt"
    assert main(["timeline", "--repo", project["root"], f"--rev=--output={target}"]) == 2
    assert not target.exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("whys: ") == 4


def test_timeline_on_empty_and_shallow_repos(project: dict[str, str], tmp_path: Path, capsys):
    empty = make_repo(tmp_path, name="empty")
    assert main(["timeline", "--repo", str(empty)]) == 1
    assert capsys.readouterr().out == ""
    shallow = tmp_path / "shallow"
    git(
        tmp_path,
        "-c",
        "protocol.file.allow=always",
        "clone",
        "-q",
        "--depth",
        "1",
        f"file://{project['root']}",
        str(shallow),
    )
    assert main(["timeline", "--repo", str(shallow), "--json"]) == 0
    captured = capsys.readouterr()
    summary = _json_lines(captured.out)[-1]
    assert summary["shallow"] and summary["history_ends_at"] == [project["move"]]
    assert "history ends at" in captured.err


def test_help_documents_output_and_exit_codes(capsys) -> None:
    for command in ("grep", "timeline"):
        assert main([command, "--help"]) == 0
        out = capsys.readouterr().out
        assert "JSON Lines" in out and "exit status" in out


@pytest.mark.parametrize("columns", [44, 120])
def test_help_is_wrapped_to_the_terminal_width(
    columns: int, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["grep", "--help"]) == 0
    usage = capsys.readouterr().out.split("\n\n")[0].splitlines()
    assert max(len(line) for line in usage) <= columns - 2
    # Wide enough, the options sit on fewer lines than in a narrow terminal.
    assert (len(usage) <= 3) == (columns == 120)


def test_grep_in_a_bare_repo_searches_head_and_a_plain_folder_with_rg(
    project: dict[str, str], tmp_path: Path, capsys
) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", project["root"], str(bare))
    assert main(["grep", "timeout = 30", "--repo", str(bare), "--json"]) == 0
    records = _json_lines(capsys.readouterr().out)
    assert records[-1]["engine"] == "git grep" and records[-1]["revision"] == project["move"]
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes.md").write_text("WebSocketManager is mentioned here\n")
    assert main(["grep", "WebSocketManager", "--repo", str(plain)]) == 0
    assert capsys.readouterr().out == "notes.md:1:WebSocketManager is mentioned here\n"
    assert main(["grep", "x", "--repo", str(plain), "--rev", "HEAD"]) == 2


def test_an_empty_repository_says_why_nothing_came_back(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty"
    git(tmp_path, "init", "-q", str(empty))
    assert main(["timeline", "--repo", str(empty)]) == 1
    assert "no commits yet" in capsys.readouterr().err
    assert main(["grep", "anything", "--repo", str(empty)]) == 1
    assert "no match for 'anything'" in capsys.readouterr().err

"""`whys check` from the command line: exit codes, stdout only data, sessions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitbuild import make_repo

from whys.cli import main
from whys.core.session import load_session

SOUND = """\
# Five Whys: slow checkout

### Why #1: Why was checkout slow?

- `client.py` exists
"""
WRONG = SOUND + "- `nowhere.py` exists\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path, [{"files": {"app/client.py": "x = 1\n"}, "message": "init"}])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_nothing_contradicted_exits_0(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sound = write(tmp_path, "sound.md", SOUND)
    assert main(["check", str(sound), "--repo", str(repo), "--format", "json"]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert data["summary"]["verified"] == 1
    assert out.err == ""


def test_contradiction_exits_1_and_several_analyses_give_a_list(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sound = write(tmp_path, "sound.md", SOUND)
    wrong = write(tmp_path, "wrong.md", WRONG)
    code = main(["check", str(sound), str(wrong), "--repo", str(repo), "--format", "json"])
    assert code == 1
    data = json.loads(capsys.readouterr().out)
    assert [d["summary"]["contradicted"] for d in data] == [0, 1]


@pytest.mark.parametrize("fmt", ["text", "markdown", "sarif"])
def test_every_format_prints(
    fmt: str, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = write(tmp_path, "wrong.md", WRONG)
    assert main(["check", str(wrong), "--repo", str(repo), "--format", fmt]) == 1
    assert "nowhere.py" in capsys.readouterr().out


def test_no_color_when_not_a_terminal(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = write(tmp_path, "wrong.md", WRONG)
    main(["check", str(wrong), "--repo", str(repo)])
    assert "\x1b[" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--repo", "{tmp}/nothing"], "no such directory"),
        (["--repo", "{tmp}/plain"], "not a git repository"),
        (["--repo", "{repo}", "--rev=--exec=sh"], "looks like an option"),
        (["--repo", "{repo}", "--rev", "v9.9"], "unknown revision"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    args: list[str],
    message: str,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sound = write(tmp_path, "sound.md", SOUND)
    (tmp_path / "plain").mkdir()
    filled = [a.format(tmp=tmp_path, repo=repo) for a in args]
    assert main(["check", str(sound), *filled]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_missing_analysis_exits_2(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "none.md"), "--repo", str(repo)]) == 2
    assert "analysis not found" in capsys.readouterr().err


def test_session_receives_the_results(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = write(tmp_path, "wrong.md", WRONG)
    session_file = tmp_path / "audit.json"
    assert main(["check", str(wrong), "--repo", str(repo), "--session", str(session_file)]) == 1
    session = load_session(session_file)
    [audit] = session.analyses
    assert [c.status for c in audit.checks] == ["verified", "contradicted"]
    assert audit.checked_revision and len(audit.checked_revision) == 40
    # Checking again replaces the results instead of adding a second copy.
    main(["check", str(wrong), "--repo", str(repo), "--session", str(session_file)])
    assert len(load_session(session_file).analyses) == 1


def test_the_quick_exit_waits_for_any_thread_still_working() -> None:
    # `entry` skips the interpreter's teardown only when nothing else runs: a thread still
    # writing (a session save) gets the normal exit, which waits for it.
    import threading

    from whys.cli import _nothing_left_running

    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert not _nothing_left_running()
    finally:
        release.set()
        worker.join()

"""What each CLI command loads before it works, read from `python -X importtime` in a fresh
interpreter running the real command on a real repository.

Start-up time is the benchmark's to measure (tests/bench: "start-up" rows); this test holds
the causes in place: the history, search and check commands never load pydantic (its import
alone costs half the 0.1 s start-up budget; it is for reading and writing session and verdict
files), a command imports its own module and no other command's, and nothing on a
command-line path loads Textual or GitPython.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gitbuild import make_repo

HEAVY_EVERYWHERE = ("textual", "git", "gitdb", "rich")
PYDANTIC = ("pydantic", "pydantic_core", "annotated_types")
# The domain models, which the history and search commands never need.
MODELS = ("whys.core.models",)


def _loaded(argv: list[str], cwd: Path) -> dict[str, str]:
    """Every module the command imported, each with the chain that first imported it
    ("whys.cli > whys.commands.grep > ..."), from -X importtime's indented report."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "whys", *argv],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    # Lines come in completion order, children before their parent, indented two spaces a
    # level: "import time:  self |  cumulative |   name".
    entries: list[tuple[int, str]] = []
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or line.endswith("imported package"):
            continue
        name_part = line.rsplit("|", 1)[-1]
        name = name_part.strip()
        if name == "imported package":
            continue
        depth = (len(name_part) - len(name_part.lstrip(" ")) - 1) // 2
        entries.append((depth, name))
    chains: dict[str, str] = {}
    for index, (depth, name) in enumerate(entries):
        chain = [name]
        wanted = depth - 1
        for later_depth, later_name in entries[index + 1 :]:
            if later_depth == wanted:
                chain.append(later_name)
                wanted -= 1
            if wanted < 0:
                break
        chains.setdefault(name, " > ".join(reversed(chain)))
    assert "whys.cli" in chains, "no import report: was -X importtime honoured?"
    return chains


def _offending(loaded: dict[str, str], prefixes: tuple[str, ...]) -> list[str]:
    return [
        chain
        for name, chain in sorted(loaded.items())
        if any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)
    ]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(
        tmp_path_factory.mktemp("startup"),
        commits=[
            {"files": {"svc/ws.py": "class WebSocketManager:\n    pass\n"}, "message": "Add ws"},
            {"files": {"svc/ws.py": "class WebSocketManager:\n    x = 1\n"}, "message": "Set x"},
        ],
    )


COMMANDS = {
    "timeline --json": ["timeline", "--json"],
    "timeline (text)": ["timeline"],
    "timeline -S": ["timeline", "-S", "x = 1", "--json"],
    "grep --json": ["grep", "WebSocketManager", "--json"],
    "grep (text)": ["grep", "-C", "1", "WebSocketManager"],
    "grep --count": ["grep", "--count", "files", "WebSocketManager"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_history_and_search_commands_start_without_pydantic(name: str, repo: Path) -> None:
    loaded = _loaded([*COMMANDS[name], "--repo", str(repo)], repo)
    assert _offending(loaded, PYDANTIC + MODELS) == []
    assert _offending(loaded, HEAVY_EVERYWHERE) == []
    own = COMMANDS[name][0]
    others = tuple(f"whys.commands.{c}" for c in ("check", "open", "verify", "verdict", "sign"))
    assert _offending(loaded, others) == [], f"`whys {own}` loads other commands"
    assert "whys.core.repo" in loaded  # it did run git: the import report is the real one


def test_timeline_loads_no_search_engine_and_grep_no_history_models(repo: Path) -> None:
    timeline = _loaded(["timeline", "--json", "--repo", str(repo)], repo)
    assert _offending(timeline, ("whys.core.search",)) == []
    grep = _loaded(["grep", "WebSocketManager", "--json", "--repo", str(repo)], repo)
    assert _offending(grep, ("whys.core.repo_models",)) == []


@pytest.mark.parametrize("name", ["grep --json", "grep --count", "timeline --json"])
def test_search_and_history_load_no_archive_modules(name: str, repo: Path) -> None:
    # tempfile and shutil bring random, bz2, lzma and more: 3-4 ms of a 30 ms search. A
    # child's stderr goes to an in-memory file, and argparse is told the terminal's width.
    loaded = _loaded([*COMMANDS[name], "--repo", str(repo)], repo)
    assert _offending(loaded, ("tempfile", "shutil", "bz2", "lzma")) == []


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["timeline", "--help"]])
def test_help_and_version_load_no_core(argv: list[str], repo: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "whys", *argv],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    names = {
        line.rsplit("|", 1)[-1].strip()
        for line in completed.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert not {n for n in names if n.startswith(("whys.core.repo", "whys.core.search"))}
    assert not {n for n in names if n.split(".")[0] in ("pydantic", "textual", "logging")}


def test_check_starts_without_textual_or_gitpython(repo: Path, tmp_path: Path) -> None:
    analysis = tmp_path / "analysis.md"
    analysis.write_text(
        "# Five Whys: ws\n\n## Why 1\n\n`svc/ws.py` defines `WebSocketManager`.\n",
        encoding="utf-8",
    )
    loaded = _loaded(["check", str(analysis), "--repo", str(repo)], repo)
    assert _offending(loaded, HEAVY_EVERYWHERE) == []
    others = tuple(f"whys.commands.{c}" for c in ("grep", "timeline", "open", "sign"))
    assert _offending(loaded, others) == []
    # Without --session nothing is recorded: the session and verdict models stay unloaded.
    sessions = ("whys.core.session", "whys.core.verdict", "whys.core.verdict_file")
    assert _offending(loaded, sessions) == []
    # The prefetch runs on plain threads (concurrent.futures loads logging and traceback),
    # and only a file write loads tempfile.
    assert _offending(loaded, ("concurrent", "logging", "tempfile", "shutil")) == []


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif"])
def test_check_starts_without_pydantic(fmt: str, repo: Path, tmp_path: Path) -> None:
    # The models are plain dataclasses; pydantic is loaded only to read or write a file.
    analysis = tmp_path / "analysis.md"
    analysis.write_text(
        "# Five Whys: ws\n\n## Why 1\n\n`svc/ws.py` defines `WebSocketManager` "
        "(commit abc1234, 2024-01-02).\n",
        encoding="utf-8",
    )
    loaded = _loaded(["check", str(analysis), "--format", fmt, "--repo", str(repo)], repo)
    assert "whys.core.checks" in loaded  # the claims were checked: the report is the real one
    assert _offending(loaded, PYDANTIC) == []


# Run as `python -c`: the real command, with `re.compile` watched from the first import.
# A pattern compiled by a module's top-level code is compiled on every start of every
# command that imports the module, used or not; `whys.core.lazyre.lazy_compile` defers it.
_WATCH_COMPILES = """
import re, sys
seen = []
compile_now = re.compile
def watched(pattern, flags=0):
    frame = sys._getframe(1)
    name = frame.f_globals.get("__name__", "")
    if frame.f_code.co_name == "<module>" and name.startswith("whys"):
        seen.append(f"{name}:{frame.f_lineno}")
    return compile_now(pattern, flags)
re.compile = watched
from whys.cli import main
code = main(sys.argv[1:])
print("\\n".join(seen), file=sys.stderr)
sys.exit(code)
"""
# The git runner's own output parsers, used on every path that runs git.
_GIT_RUNNER = "whys.core.repo"


def _compiled_at_import(argv: list[str], cwd: Path) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-c", _WATCH_COMPILES, *argv],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    return [
        line
        for line in completed.stderr.splitlines()
        if line.startswith("whys") and not line.startswith(_GIT_RUNNER)
    ]


@pytest.mark.parametrize("name", ["check", "grep --json", "timeline --json"])
def test_no_command_compiles_patterns_while_importing(
    name: str, repo: Path, tmp_path: Path
) -> None:
    analysis = tmp_path / "analysis.md"
    analysis.write_text(
        "# Five Whys: ws\n\n## Why 1\n\n`svc/ws.py` defines `WebSocketManager` "
        "(commit abc1234, 2024-01-02), in 2 files.\n",
        encoding="utf-8",
    )
    argv = {
        "check": ["check", str(analysis)],
        "grep --json": ["grep", "WebSocketManager", "--json"],
        "timeline --json": ["timeline", "--json"],
    }[name]
    compiled = _compiled_at_import([*argv, "--repo", str(repo)], repo)
    assert compiled == [], "compile these with whys.core.lazyre.lazy_compile, on first use"


def test_timeline_json_needs_neither_the_json_package_nor_text_safety(repo: Path) -> None:
    # JSON lines are written by hand with json's C escaper; text safety is for terminals.
    loaded = _loaded(["timeline", "--json", "--repo", str(repo)], repo)
    assert _offending(loaded, ("json", "whys.core.textsafe")) == []

"""Fence classes: what a fenced block holds, decided from its info string and content.

Each class is one small reader (`FenceReader`) in `READERS`, tried in order; the first
that recognises the fence names it, else it is `code`. A new kind of fenced content (a
SQL session, a Kubernetes event list) is one more reader here; what claims it holds is
decided by the claim kinds, which see the class on the block.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from whys.core.lazyre import lazy_compile

FenceClass = Literal["traceback", "git log", "diff", "shell", "config", "code", "output"]

# Only the first lines of a fence are looked at: a class shows at once, and a pasted 50,000
# line log must not cost a pass per reader.
SAMPLE_LINES = 40

_PY_FRAME = lazy_compile(r'^\s*File "[^"]+", line \d+')
_JAVA_FRAME = lazy_compile(r"^\s+at [\w$.<>]+\([\w$.]+:\d+\)")
_JS_FRAME = lazy_compile(r"^\s+at (?:\S+ )?\(?[^()\s]+:\d+:\d+\)?$")
_GO_PANIC = lazy_compile(r"^(?:panic: |goroutine \d+ \[)")
_LOG_COMMIT = lazy_compile(r"^commit [0-9a-f]{7,64}\b")
_ONELINE_COMMIT = lazy_compile(r"^(?:\*\s+)?[0-9a-f]{7,40} \S")
_DIFF_LINE = lazy_compile(r"^(?:diff --git |@@ -\d|--- a/|\+\+\+ b/|index [0-9a-f]{7,}\.\.)")
_PROMPT = lazy_compile(r"^\s*(?:\$|#|>|PS [^>]*>|\w+@[\w.-]+:[^$]*\$)\s+\S")
_CODE_HINT = lazy_compile(
    r"^\s*(?:def |class |import |from \S+ import |function |const |let |var |func |fn |"
    r"public |private |package |#include|return\b|if\s*\(|for\s*\(|\}|@\w+)"
)

_SHELL_INFOS = {"sh", "bash", "zsh", "shell", "console", "shell-session", "ps1", "powershell"}
_SHELL_INFOS |= {"cmd", "bat", "fish"}
_CONFIG_INFOS = {"yaml", "yml", "json", "jsonc", "toml", "ini", "cfg", "conf", "env", "dotenv"}
_CONFIG_INFOS |= {"properties", "hcl", "tf", "terraform", "xml", "dockerfile", "nginx"}
_OUTPUT_INFOS = {"text", "txt", "plain", "plaintext", "output", "log", "logs", "stdout", "out"}
_TRACEBACK_INFOS = {"pytb", "traceback", "stacktrace", "python-traceback"}
_DIFF_INFOS = {"diff", "patch", "udiff"}
_GIT_LOG_INFOS = {"git-log", "gitlog", "git"}


@dataclass(frozen=True)
class FenceReader:
    """One class of fence: `recognises(info, lines)` says whether a fence is of it."""

    name: FenceClass
    recognises: Callable[[str, list[str]], bool]


def _share(lines: list[str], pattern: re.Pattern[str]) -> float:
    body = [line for line in lines if line.strip()]
    return sum(1 for line in body if pattern.search(line)) / len(body) if body else 0.0


def _traceback(info: str, lines: list[str]) -> bool:
    if info in _TRACEBACK_INFOS:
        return True
    return (
        any(
            line.startswith("Traceback (most recent call last)")
            or _PY_FRAME.match(line)
            or _JAVA_FRAME.match(line)
            or _GO_PANIC.match(line)
            for line in lines
        )
        or _share(lines, _JS_FRAME) >= 0.3
    )


def _git_log(info: str, lines: list[str]) -> bool:
    if info in _GIT_LOG_INFOS and any(
        _ONELINE_COMMIT.match(line) or _LOG_COMMIT.match(line) for line in lines
    ):
        return True
    return any(_LOG_COMMIT.match(line) for line in lines) or _share(lines, _ONELINE_COMMIT) >= 0.6


def _diff(info: str, lines: list[str]) -> bool:
    return info in _DIFF_INFOS or sum(1 for line in lines if _DIFF_LINE.match(line)) >= 2


def _shell(info: str, lines: list[str]) -> bool:
    return info in _SHELL_INFOS or (not info and _share(lines, _PROMPT) >= 0.5)


def _config(info: str, lines: list[str]) -> bool:
    return info in _CONFIG_INFOS


def _output(info: str, lines: list[str]) -> bool:
    return info in _OUTPUT_INFOS or (not info and not any(_CODE_HINT.match(line) for line in lines))


READERS: tuple[FenceReader, ...] = (
    FenceReader("traceback", _traceback),
    FenceReader("diff", _diff),
    FenceReader("git log", _git_log),
    FenceReader("shell", _shell),
    FenceReader("config", _config),
    FenceReader("output", _output),
)


def fence_info(opener: str) -> str:
    """The language word of a fence's opening line (```` ```python title="x" ```` -> python)."""
    rest = opener.strip().lstrip("`~").strip()
    word = rest.split(maxsplit=1)[0] if rest else ""
    return word.strip("{}.").lower()


def classify_fence(info: str, body: list[str]) -> FenceClass:
    """The class of a fence from its info word and its (first) body lines."""
    sample = body[:SAMPLE_LINES]
    for reader in READERS:
        if reader.recognises(info, sample):
            return reader.name
    return "code"

"""The only module that runs rg. Working-tree search, streamed, capped and cancellable.

The argv is built with ripgrepy's builder, but never with its `run()`: that appends the
pattern as a bare argument (a pattern `--pre=sh` would become an rg option and run a
program) and holds the whole output in memory. Here the pattern goes after `-e`, options
end with `--`, rg's own config file is ignored, and `--json` output is read line by line
from one process. At a past revision the same calls delegate to `GitRepo.grep` /
`GitRepo.grep_count` (git grep), so callers need not care which engine ran.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field
from ripgrepy import Ripgrepy

from whys.core.models import Model
from whys.errors import BadInputError, BadPatternError, BadRepoError

if TYPE_CHECKING:
    from whys.core.repo import GitRepo

# A matching line longer than this is shown cut around its first match.
DISPLAY_LIMIT = 400


class SearchHit(Model):
    path: str = Field(description="relative to the searched root, '/'-separated")
    line: int = Field(ge=1)
    column: int = Field(default=0, description="1-based column of the first match; 0 for context")
    text: str = Field(description="the line without its newline, cut to DISPLAY_LIMIT chars")
    truncated: bool = False
    kind: Literal["match", "context"] = "match"


class SearchCount(Model):
    unit: Literal["files", "matches"]
    count: int = Field(description="files containing the pattern, or matches, per `unit`")
    files: int = 0
    matches: int = 0
    cancelled: bool = False
    revision: str | None = Field(default=None, description="full SHA when counted with git grep")
    detail: str = ""


class SearchStats(Model):
    """What a finished (or stopped) `search` saw, beyond the hits it yielded."""

    hits: int = 0
    capped: bool = False
    cancelled: bool = False
    binary_files_skipped: int = 0
    files_with_hits: int = 0


def display_line(raw: bytes | str, limit: int = DISPLAY_LIMIT, at: int = 0) -> tuple[str, bool]:
    """A line for display: newline dropped, cut to `limit` characters around offset `at`."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = text.rstrip("\r\n")
    if len(text) <= limit:
        return text, False
    start = max(0, min(at - limit // 4, len(text) - limit))
    return text[start : start + limit], True


def rg_executable() -> str:
    """rg from the ripgrep wheel next to this interpreter, else the one on PATH."""
    override = os.environ.get("WHYS_RG")
    if override:
        return override
    name = "rg.exe" if os.name == "nt" else "rg"
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise BadRepoError("ripgrep (rg) is not installed: pip install ripgrep")
    return found


def _rg_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("RIPGREP_CONFIG_PATH", None)
    return env


def _rg_argv(
    root: Path,
    pattern: str,
    *,
    fixed_strings: bool,
    ignore_case: bool,
    word: bool,
    globs: Sequence[str],
    configure: Sequence[str],
    context: int = 0,
) -> list[str]:
    if not pattern:
        raise BadInputError("empty search pattern")
    if "\0" in pattern:
        raise BadPatternError("a search pattern cannot contain a NUL byte")
    builder = Ripgrepy(pattern, str(root), rg_path=rg_executable())
    builder.no_config()
    if fixed_strings:
        builder.fixed_strings()
    if ignore_case:
        builder.ignore_case()
    else:
        builder.case_sensitive()
    if word:
        builder.word_regexp()
    if context:
        builder.context(int(context))
    for glob in globs:
        builder.glob(glob)
    for name in configure:
        getattr(builder, name)()
    # ripgrepy's run() would append the pattern bare; pass it as data instead.
    return [*builder.command, "-e", pattern, "--", "."]


def _rg_error(stderr: str) -> BadInputError:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if any("regex parse error" in line for line in lines):
        reason = next((line for line in reversed(lines) if line.startswith("error:")), lines[-1])
        return BadPatternError(f"invalid regex: {reason.removeprefix('error:').strip()}")
    reason = lines[0] if lines else "rg failed"
    if "regex" in reason.lower() or "pattern" in reason.lower():
        return BadPatternError(f"invalid pattern: {reason.removeprefix('rg: ')}")
    return BadInputError(f"search failed: {reason.removeprefix('rg: ')}")


class _RgProcess:
    """rg running in `root`; stdout read line by line, stderr to a temp file."""

    def __init__(self, argv: list[str], root: Path) -> None:
        if not root.is_dir():
            raise BadInputError(f"{root}: no such directory to search")
        # Closed in finish(); a file (not a pipe) so rg never blocks on its warnings.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            argv,
            cwd=root,
            env=_rg_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self.stopped = False
        self.eof = False

    def lines(self, cancel: threading.Event | None) -> Iterator[bytes]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if cancel is not None and cancel.is_set():
                self.stop()
                return
            yield line
        self.eof = True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.stopped = True
            self.process.kill()

    def finish(self) -> None:
        """Wait; raise for rg's errors (exit 2 with nothing found is a real failure)."""
        if not self.eof:
            self.stop()
        code = self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.seek(0)
        stderr = self._stderr.read().decode("utf-8", "replace")
        self._stderr.close()
        if self.stopped or code in (0, 1):
            return
        # rg exits 2 for unreadable files too, after searching the rest: only a message
        # that stopped the search (bad regex, bad flag) is an error.
        if "regex parse error" in stderr or "error:" in stderr or not stderr.strip():
            raise _rg_error(stderr or "rg failed")


def _relative(path_text: str) -> str:
    return path_text[2:] if path_text.startswith("./") else path_text


def _json_text(value: dict | None) -> str:
    if not value:
        return ""
    if "text" in value:
        return value["text"]
    return base64.b64decode(value.get("bytes", "")).decode("utf-8", "replace")


def search(
    root: Path,
    pattern: str,
    *,
    fixed_strings: bool = False,
    ignore_case: bool = False,
    word: bool = False,
    globs: Sequence[str] = (),
    context: int = 0,
    max_hits: int = 1000,
    cancel: threading.Event | None = None,
    stats: SearchStats | None = None,
    repo: GitRepo | None = None,
    rev: str | None = None,
) -> Iterator[SearchHit]:
    """Matching lines under `root` (rg, working tree), streamed, at most `max_hits` matches.

    With `repo` and `rev` the search runs at that revision with git grep instead. Binary
    files are skipped and counted in `stats.binary_files_skipped`; a very long line is cut
    for display (`truncated`). Setting `cancel` stops rg and ends the iteration. Invalid
    regex: BadPatternError with rg's reason.
    """
    stats = stats if stats is not None else SearchStats()
    if repo is not None and rev is not None:
        for hit in repo.grep(
            rev,
            pattern,
            fixed_strings=fixed_strings,
            ignore_case=ignore_case,
            word=word,
            globs=globs,
            context=context,
            max_hits=max_hits,
            cancel=cancel,
        ):
            if hit.kind == "match":
                stats.hits += 1
            yield hit
        stats.capped = stats.hits >= max_hits
        stats.cancelled = bool(cancel is not None and cancel.is_set())
        return
    argv = _rg_argv(
        Path(root),
        pattern,
        fixed_strings=fixed_strings,
        ignore_case=ignore_case,
        word=word,
        globs=globs,
        context=context,
        # --binary: binary files are searched far enough to be reported, so they can be
        # counted; their lines are dropped below.
        configure=("json", "binary"),
    )
    rg = _RgProcess(argv, Path(root))
    pending: list[SearchHit] = []  # hits of the current file, held until we know it is text
    pending_matches = 0
    try:
        for raw in rg.lines(cancel):
            kind_end = raw.find(b'"', 9)
            kind = raw[9:kind_end]
            if kind not in (b"match", b"context", b"end"):
                continue
            message = json.loads(raw)
            data = message["data"]
            if kind == b"end":
                if data.get("binary_offset") is not None:
                    stats.binary_files_skipped += 1
                elif pending:
                    stats.files_with_hits += 1
                    for hit in pending:
                        yield hit
                    stats.hits += pending_matches
                pending, pending_matches = [], 0
                if stats.hits >= max_hits:
                    stats.capped = True
                    rg.stop()
                    break
                continue
            if stats.hits + pending_matches >= max_hits:
                continue  # over the cap within this file: wait for its end, keep nothing
            submatches = data.get("submatches") or []
            first = submatches[0]["start"] if submatches else 0
            full_text = _json_text(data.get("lines"))
            text, cut = display_line(full_text, at=first)
            del full_text
            is_match = kind == b"match"
            pending.append(
                SearchHit(
                    path=_relative(_json_text(data.get("path"))),
                    line=data.get("line_number") or 1,
                    column=first + 1 if is_match else 0,
                    text=text,
                    truncated=cut,
                    kind="match" if is_match else "context",
                )
            )
            if is_match:
                pending_matches += 1
    finally:
        stats.cancelled = bool(cancel is not None and cancel.is_set())
        rg.finish()


def count(
    root: Path,
    pattern: str,
    *,
    unit: Literal["files", "matches"] = "files",
    fixed_strings: bool = False,
    ignore_case: bool = False,
    word: bool = False,
    globs: Sequence[str] = (),
    cancel: threading.Event | None = None,
    repo: GitRepo | None = None,
    rev: str | None = None,
) -> SearchCount:
    """How many files contain the pattern, or how many matches there are, without holding
    any hit: rg `--count-matches` read one file line at a time. Binary files are skipped (as
    plain rg does). With `repo` and `rev`: git grep at that revision."""
    if repo is not None and rev is not None:
        return repo.grep_count(
            rev,
            pattern,
            unit=unit,
            fixed_strings=fixed_strings,
            ignore_case=ignore_case,
            word=word,
            globs=globs,
            cancel=cancel,
        )
    argv = _rg_argv(
        Path(root),
        pattern,
        fixed_strings=fixed_strings,
        ignore_case=ignore_case,
        word=word,
        globs=globs,
        configure=("count_matches", "null"),
    )
    rg = _RgProcess(argv, Path(root))
    files = 0
    matches = 0
    try:
        for raw in rg.lines(cancel):
            _, _, number = raw.rstrip(b"\n").rpartition(b"\0")
            if number.isdigit():
                files += 1
                matches += int(number)
    finally:
        cancelled = bool(cancel is not None and cancel.is_set())
        rg.finish()
    return SearchCount(
        unit=unit,
        count=files if unit == "files" else matches,
        files=files,
        matches=matches,
        cancelled=cancelled,
    )

"""The only module that runs rg. Working-tree search, streamed, capped and cancellable.

The argv is written here, flag by flag (rg's long names, stable across releases): the
pattern goes after `-e`, options end with `--`, rg's own config file is ignored, and the
output (NUL after each path) is read as it comes from one process. (ripgrepy, the builder
this once used, cost 10 ms of each grep's start-up, and its `run()` appends the pattern
bare, where `--pre=sh` would become an option that runs a program.) At a past revision
the same calls delegate to `GitRepo.grep` / `GitRepo.grep_count` (git grep), so callers
need not care which ran.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from whys.core.lazyre import lazy_compile
from whys.core.repo_process import read_paced, unnamed_file, widen_pipe
from whys.errors import BadInputError, BadPatternError, BadRepoError

TYPE_CHECKING = False  # as typing's, without importing typing (start-up)
if TYPE_CHECKING:
    from typing import Any, Literal

    from whys.core.repo import GitRepo

# A matching line longer than this is shown cut around its first match.
DISPLAY_LIMIT = 400
# Hits of one file held back until rg has finished it (so a binary file's can be dropped).
_HOLD_LIMIT = 2000
_BINARY_NOTICE = lazy_compile(rb': binary file matches \(found "\\0" byte around offset \d+\)$')
_PER_FILE_ERROR = lazy_compile(r"\(os error \d+\)\s*$")
_STREAM_SECONDS = 0.1  # longest a hit waits in a list before it is handed on


class _Record:
    """What @dataclass would write for these small records (init, repr, eq), by hand:
    `dataclasses` loads `inspect` and costs `whys grep` a tenth of its start-up."""

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass without frozen


class SearchHit(_Record):
    """One line of a search result. A plain immutable record, not a pydantic model: a
    million of them stream through a search, and building each must cost next to nothing."""

    __slots__ = ("path", "line", "column", "text", "truncated", "kind")
    __match_args__ = __slots__
    path: str  # relative to the searched root, '/'-separated
    line: int  # 1-based
    column: int  # 1-based column of the first match; 0 for a context line
    text: str  # the line without its newline, cut to DISPLAY_LIMIT characters
    truncated: bool
    kind: Literal["match", "context"]

    def __init__(
        self,
        path: str,
        line: int,
        column: int = 0,
        text: str = "",
        truncated: bool = False,
        kind: Literal["match", "context"] = "match",
    ) -> None:
        setter = object.__setattr__
        setter(self, "path", path)
        setter(self, "line", line)
        setter(self, "column", column)
        setter(self, "text", text)
        setter(self, "truncated", truncated)
        setter(self, "kind", kind)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a SearchHit is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a SearchHit is immutable")

    def __hash__(self) -> int:
        return hash(self._values())

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "truncated": self.truncated,
            "kind": self.kind,
        }


# One hit as the fast path carries it: (is_match, path, line, column, text, truncated).
# Hits of one file share the same `path` object, so a writer can encode it once per file.
HitRow = tuple[bool, str, int, int, str, bool]


# Counts and stats are plain records too: pydantic stays off the `whys grep` path.
class SearchCount(_Record):
    __slots__ = ("unit", "count", "files", "matches", "cancelled", "revision")
    __match_args__ = __slots__
    unit: Literal["files", "matches"]
    count: int  # files containing the pattern, or matches, per `unit`
    files: int
    matches: int | None  # every occurrence; None when only files were counted
    cancelled: bool
    revision: str | None  # full SHA when counted with git grep

    def __init__(
        self,
        unit: Literal["files", "matches"],
        count: int,
        files: int = 0,
        matches: int | None = None,
        cancelled: bool = False,
        revision: str | None = None,
    ) -> None:
        self.unit = unit
        self.count = count
        self.files = files
        self.matches = matches
        self.cancelled = cancelled
        self.revision = revision


class SearchStats(_Record):
    """What a finished (or stopped) `search` saw, beyond the hits it yielded."""

    __slots__ = ("hits", "capped", "cancelled", "binary_files_skipped", "files_with_hits")
    __match_args__ = __slots__

    def __init__(
        self,
        hits: int = 0,
        capped: bool = False,
        cancelled: bool = False,
        binary_files_skipped: int = 0,
        files_with_hits: int = 0,
    ) -> None:
        self.hits = hits
        self.capped = capped
        self.cancelled = cancelled
        self.binary_files_skipped = binary_files_skipped
        self.files_with_hits = files_with_hits


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
    import shutil  # only when rg is not beside the interpreter

    found = shutil.which(name)
    if found is None:
        raise BadRepoError("ripgrep (rg) is not installed: pip install ripgrep")
    return found


def _rg_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("RIPGREP_CONFIG_PATH", None)
    return env


def _rg_argv(
    pattern: str,
    *,
    fixed_strings: bool,
    ignore_case: bool,
    word: bool,
    globs: Sequence[str],
    flags: Sequence[str],
    context: int = 0,
) -> list[str]:
    if not pattern:
        raise BadInputError("empty search pattern")
    if "\0" in pattern:
        raise BadPatternError("a search pattern cannot contain a NUL byte")
    argv = [rg_executable(), "--no-config"]
    if fixed_strings:
        argv.append("--fixed-strings")
    argv.append("--ignore-case" if ignore_case else "--case-sensitive")
    if word:
        argv.append("--word-regexp")
    if context:
        argv += ["--context", str(int(context))]
    for glob in globs:
        argv.append(f"--glob={glob}")  # one argument: a glob that starts with '-' stays a glob
    argv += flags
    return [*argv, "-e", pattern, "--", "."]


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
        self._stderr = unnamed_file()  # closed in finish()
        self.process = subprocess.Popen(
            argv,
            cwd=root,
            env=_rg_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            bufsize=1 << 16,
        )
        widen_pipe(self.process.stdout)
        self.stopped = False
        self.eof = False

    def chunks(self, cancel: threading.Event | None) -> Iterator[bytes]:
        """stdout as rg wrote it, whatever is there at each read (whole lines or not)."""
        assert self.process.stdout is not None
        yield from read_paced(self.process.stdout, cancel)
        self._ended(cancel)

    def _ended(self, cancel: threading.Event | None) -> None:
        if cancel is not None and cancel.is_set():
            self.stop()
        else:
            self.eof = True

    def lines(self, cancel: threading.Event | None) -> Iterator[bytes]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if cancel is not None and cancel.is_set():
                self.stop()
                return
            yield line
        self.eof = True

    def nul_count(self, cancel: threading.Event | None) -> int:
        """How many NUL-terminated records rg printed (for -l --null), read in chunks."""
        assert self.process.stdout is not None
        total = sum(chunk.count(b"\0") for chunk in read_paced(self.process.stdout, cancel))
        self._ended(cancel)
        return total

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
        # rg exits 2 for unreadable files too, after searching the rest ("rg: ./x:
        # Permission denied (os error 13)"): only a message of another kind (bad regex,
        # regex too big, bad flag) stopped the search.
        fatal = [
            line
            for line in stderr.splitlines()
            if line.strip() and not _PER_FILE_ERROR.search(line)
        ]
        if fatal or not stderr.strip():
            raise _rg_error("\n".join(fatal) or "rg failed")


def _relative(path_text: str) -> str:
    return path_text[2:] if path_text.startswith("./") else path_text


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
        yield from _git_grep(
            repo,
            rev,
            pattern,
            max_hits,
            cancel,
            stats,
            context=context,
            fixed_strings=fixed_strings,
            ignore_case=ignore_case,
            word=word,
            globs=globs,
        )
        return
    for batch in search_rows(
        root,
        pattern,
        fixed_strings=fixed_strings,
        ignore_case=ignore_case,
        word=word,
        globs=globs,
        context=context,
        max_hits=max_hits,
        cancel=cancel,
        stats=stats,
    ):
        for is_match, path, line, column, text, cut in batch:
            yield SearchHit(path, line, column, text, cut, "match" if is_match else "context")


def _git_grep(
    repo: GitRepo,
    rev: str,
    pattern: str,
    max_hits: int,
    cancel: threading.Event | None,
    stats: SearchStats,
    **options: object,
) -> Iterator[SearchHit]:
    for hit in repo.grep(rev, pattern, max_hits=max_hits, cancel=cancel, **options):  # type: ignore[arg-type]
        if hit.kind == "match":
            stats.hits += 1
        yield hit
    stats.capped = stats.hits >= max_hits
    stats.cancelled = bool(cancel is not None and cancel.is_set())


def search_rows(
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
) -> Iterator[list[HitRow]]:
    """`search` for writers of large outputs: the same hits, as lists of `HitRow` tuples,
    one list per read of rg's output (so a writer can write each list at once, streaming
    without a Python object or a write per hit). Same arguments, stats and errors."""
    stats = stats if stats is not None else SearchStats()
    if repo is not None and rev is not None:
        rows: list[HitRow] = []
        last_yield = time.monotonic()
        for hit in _git_grep(
            repo,
            rev,
            pattern,
            max_hits,
            cancel,
            stats,
            context=context,
            fixed_strings=fixed_strings,
            ignore_case=ignore_case,
            word=word,
            globs=globs,
        ):
            rows.append(
                (hit.kind == "match", hit.path, hit.line, hit.column, hit.text, hit.truncated)
            )
            # git grep hands hits over one by one: pass them on in lists, one at 2,000 hits
            # or as soon as a hit comes 0.1 s after the last list (a slow search streams).
            if len(rows) >= _HOLD_LIMIT or time.monotonic() - last_yield > _STREAM_SECONDS:
                yield rows
                rows, last_yield = [], time.monotonic()
        if rows:
            yield rows
        return
    argv = _rg_argv(
        pattern,
        fixed_strings=fixed_strings,
        ignore_case=ignore_case,
        word=word,
        globs=globs,
        context=context,
        # Plain output, "<path>\0<line>:<column>:<text>" ("<line>-<text>" for context):
        # parsing it costs a fraction of --json. --binary makes rg name the binary files it
        # meets ("<path>: binary file matches ...") so they can be counted and dropped.
        flags=("--binary", "--null", "--line-number", "--column", "--no-heading")
        + ("--with-filename", "--color=never"),
    )
    rg = _RgProcess(argv, Path(root))
    try:
        yield from _parse_rg(rg.chunks(cancel), stats, max_hits, rg.stop)
    finally:
        stats.cancelled = bool(cancel is not None and cancel.is_set())
        rg.finish()


def lines_holding(
    root: Path,
    needles: Sequence[str],
    *,
    fixed: bool = True,
    cancel: threading.Event | None = None,
    stats: SearchStats | None = None,
) -> Iterator[tuple[str, int, str]]:
    """(path, line, whole line text) of every line under `root` holding one of the fixed
    strings (or matching one of the regexes, with `fixed=False`), from one rg: several times
    faster than `git grep` on a working tree. rg goes by `.gitignore` alone here: hidden
    files are searched, `.ignore` files and global ignores are not read, and binary files
    are dropped as `git grep -I` drops them. The caller keeps the tracked paths it wants
    (rg also sees untracked files). Regexes are matched without Unicode classes, as git's
    PCRE does; one rg cannot parse raises BadPatternError before any line is given."""
    wanted = [needle for needle in dict.fromkeys(needles) if needle]
    if not wanted:
        return
    if any("\0" in needle or "\n" in needle for needle in wanted):
        raise BadPatternError("a search string cannot hold a NUL byte or a line break")
    stats = stats if stats is not None else SearchStats()
    engine = ["--fixed-strings"] if fixed else ["--no-unicode"]
    argv = [rg_executable(), "--no-config", *engine, "--case-sensitive"]
    argv += ["--hidden", "--glob=!.git", "--no-ignore-dot", "--no-ignore-global"]
    # No BOM sniffing: a UTF-16 file is binary to git, so it is to this search too.
    argv += ["--no-ignore-parent", "--binary", "--encoding=none", "--null", "--line-number"]
    argv += ["--column", "--no-heading", "--with-filename", "--color=never"]
    for needle in wanted:
        argv += ["-e", needle]
    rg = _RgProcess([*argv, "--", "."], Path(root))
    try:
        for rows in _parse_rg(rg.chunks(cancel), stats, sys.maxsize, rg.stop, whole=True):
            for _, path, line, _, text, _ in rows:
                yield path, line, text
    finally:
        stats.cancelled = bool(cancel is not None and cancel.is_set())
        rg.finish()


def _parse_rg(
    chunks: Iterable[bytes],
    stats: SearchStats,
    max_hits: int,
    stop: Callable[[], None],
    *,
    whole: bool = False,
) -> Iterator[list[HitRow]]:
    """rg's "<path>\\0<line>:<column>:<text>" lines, a chunk at a time, into rows. The rows
    of the file being read are held back until rg moves on (or they exceed _HOLD_LIMIT):
    rg names a binary file only after printing its first hits, which are then dropped.
    `whole`: each line's text uncut (for a caller that looks for strings in it)."""
    current = b""  # the file being read, as rg printed it
    current_name = ""
    current_counted = False
    pending: list[HitRow] = []  # rows of the current file: held until it proves text
    pending_matches = 0
    released: list[HitRow] = []  # rows ready to hand out at the end of this chunk
    # The line rg is still writing when a chunk ends, in pieces: a line of megabytes (a
    # minified file) comes in dozens of chunks, and joining them once keeps it linear.
    partial: list[bytes] = []
    carry = b""  # the first part of a record whose path holds a newline
    hits = stats.hits
    limit = sys.maxsize if whole else DISPLAY_LIMIT

    def release() -> None:
        nonlocal pending, pending_matches, current_counted, hits
        if pending_matches and not current_counted:
            stats.files_with_hits += 1
            current_counted = True
        hits += pending_matches
        stats.hits = hits
        released.extend(pending)
        pending, pending_matches = [], 0

    for chunk in _ending_in_newline(chunks):
        if partial:
            partial.append(chunk)
            if b"\n" not in chunk:
                continue
            chunk = b"".join(partial)
        lines = chunk.split(b"\n")
        tail = lines.pop()  # b"" when the chunk ends a line
        partial = [tail] if tail else []
        for line in lines:
            if carry:
                line, carry = carry + line, b""
            path, found, rest = line.partition(b"\0")
            if not found:
                notice = _BINARY_NOTICE.search(line)
                if notice is not None:
                    stats.binary_files_skipped += 1
                    if line[: notice.start()] == current:
                        pending, pending_matches = [], 0
                elif line != b"--":
                    carry = line + b"\n"  # a path holding a newline: the rest comes next
                continue
            if path != current:
                release()
                current, current_counted = path, False
                current_name = _relative(path.decode("utf-8", "surrogateescape"))
            # "<line>:<column>:<text>" for a match, "<line>-<text>" for a context line.
            fields = rest.split(b":", 2)
            if len(fields) == 3 and fields[0].isdigit():
                head, column_text, body = fields
                column = int(column_text) if column_text.isdigit() else 1
                is_match = True
            else:
                head, separator, body = rest.partition(b"-")
                if not (separator and head.isdigit()):
                    continue
                column, is_match = 0, False
            if len(body) <= limit:
                text, cut = body.decode("utf-8", "replace").rstrip("\r"), False
            else:
                text, cut = display_line(body, at=max(column - 1, 0))
            pending.append((is_match, current_name, int(head), column, text, cut))
            if is_match:
                pending_matches += 1
                if hits + pending_matches >= max_hits:
                    # The cap: stop at once rather than read the rest of a huge file.
                    release()
                    stats.capped = True
                    stop()
                    yield released
                    return
            if len(pending) >= _HOLD_LIMIT:
                # A file this rich in text hits is text: stream on rather than hold it all.
                release()
        if released:
            yield released
            released = []
    release()
    if released:
        yield released


def _ending_in_newline(chunks: Iterable[bytes]) -> Iterator[bytes]:
    last = b"\n"
    for chunk in chunks:
        last = chunk
        yield chunk
    if not last.endswith(b"\n"):
        yield b"\n"


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
    """How many files contain the pattern (rg -l), or how many matches there are (rg
    --count-matches), read one output line at a time, holding no hit. Binary files are skipped (as
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
        pattern,
        fixed_strings=fixed_strings,
        ignore_case=ignore_case,
        word=word,
        globs=globs,
        # Files: -l stops reading a file at its first match; matches: every occurrence.
        flags=("--files-with-matches" if unit == "files" else "--count-matches", "--null"),
    )
    rg = _RgProcess(argv, Path(root))
    files = 0
    matches = 0
    try:
        if unit == "files":
            files = rg.nul_count(cancel)
        else:
            for raw in rg.lines(cancel):
                path, _, number = raw.rstrip(b"\n").rpartition(b"\0")
                if path and number.isdigit():
                    files += 1
                    matches += int(number)
    finally:
        cancelled = bool(cancel is not None and cancel.is_set())
        rg.finish()
    return SearchCount(
        unit=unit,
        count=files if unit == "files" else matches,
        files=files,
        matches=None if unit == "files" else matches,
        cancelled=cancelled,
    )

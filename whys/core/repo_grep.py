"""`GitRepo`'s `git grep` at a past revision: hits, counts, and batched occurrences."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property

from whys.core.lazyre import lazy_compile
from whys.core.repo_base import GitRepoBase
from whys.core.repo_process import _first_line, _records, _Stream
from whys.errors import BadInputError

TYPE_CHECKING = False  # as typing's, without importing typing

if TYPE_CHECKING:
    from typing import Literal

    from whys.core.search import SearchCount, SearchHit

# git grep -P (PCRE) backtracks: `(a|aa)+$` on a long line runs for minutes. A search at a
# past revision is stopped after this long and the user is told why (WHYS_GREP_TIMEOUT).
GREP_TIMEOUT_SECONDS = 30.0
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class GrepMixin(GitRepoBase):
    """Searching the tree of a revision: `grep`, `grep_count`, `grep_occurrences`."""

    @cached_property
    def _regex_flag(self) -> str:
        """`-P` when this git has PCRE (syntax close to rg's: `\\d`, `\\w`), else POSIX
        extended `-E`. Probed once, on the empty tree, which every repository has."""
        code, _, _ = self._run(["grep", "-P", "-e", "x", _EMPTY_TREE], ok_codes=(0, 1, 128))
        return "-P" if code in (0, 1) else "-E"

    def _grep_args(
        self,
        sha: str,
        pattern: str,
        *,
        fixed_strings: bool,
        ignore_case: bool,
        word: bool,
        globs: Sequence[str],
    ) -> list[str]:
        if not pattern:
            raise BadInputError("empty search pattern")
        args = ["grep", "--no-textconv", "--no-color", "-I", "--full-name"]
        args.append("-F" if fixed_strings else self._regex_flag)
        if ignore_case:
            args.append("-i")
        if word:
            args.append("-w")
        # Revisions are resolved full ids here, so `--end-of-options` (unknown to the
        # grep of git 2.39) is not needed: only -e PATTERN and paths after `--` carry text.
        args += ["-e", pattern, sha, "--"]
        args += [f":(glob){g}" if "/" in g else f":(glob)**/{g}" for g in globs]
        return args

    def grep(
        self,
        rev: str,
        pattern: str,
        *,
        fixed_strings: bool = False,
        ignore_case: bool = False,
        word: bool = False,
        globs: Sequence[str] = (),
        context: int = 0,
        max_hits: int = 1000,
        cancel: threading.Event | None = None,
    ) -> Iterator[SearchHit]:
        """Matching lines in the tree of `rev` (`git grep`), streamed, at most `max_hits`."""
        from whys.core.search import SearchHit, display_line

        sha = self._commit_id(rev)
        args = self._grep_args(
            sha,
            pattern,
            fixed_strings=fixed_strings,
            ignore_case=ignore_case,
            word=word,
            globs=globs,
        )
        args[1:1] = ["-z", "-n", "--column"]
        if context:
            args[1:1] = [f"--context={int(context)}"]
        stream = self._stream(args)
        deadline = _Deadline(stream)
        hits = 0
        try:
            for record in _grep_records(stream.chunks(cancel), sha):
                # -z: "<path>\0<line>\0<column>\0<text>" for matches, and
                # "<path>\0<line>\0<text>" for context lines (no column).
                parts = record.split(b"\0", 3)
                if len(parts) == 4 and parts[2].isdigit():
                    path, line_no, column, text = parts
                    kind = "match"
                elif len(parts) >= 3:
                    path, line_no, text = parts[0], parts[1], b"\0".join(parts[2:])
                    column, kind = b"0", "context"
                else:
                    continue
                shown, cut = display_line(text)
                yield SearchHit(
                    path=path.decode("utf-8", "surrogateescape"),
                    line=int(line_no),
                    column=int(column),
                    text=shown,
                    truncated=cut,
                    kind=kind,
                )
                if kind == "match":
                    hits += 1
                    if hits >= max_hits:
                        stream.kill()
                        break
        finally:
            deadline.cancel()
            stream.kill_if_output_pending()
            code, stderr = stream.finish()
        deadline.raise_if_expired(sha, pattern)
        if not stream.killed and (code not in (0, 1) or _grep_skipped_objects(stderr)):
            raise self._grep_error(args, stderr)

    def _grep_error(self, args: Sequence[str], stderr: str) -> BadInputError:
        from whys.errors import BadPatternError

        reason = _first_line(stderr).removeprefix("fatal: ")
        # git names the pattern's origin ("-e option, '(': Unmatched ( or \\(").
        if reason.startswith(("-e option", "command line")) or "regex" in reason.lower():
            return BadPatternError(f"invalid pattern: {reason.split(': ', 1)[-1]}")
        return self._error(args, stderr)

    def grep_count(
        self,
        rev: str,
        pattern: str,
        *,
        unit: Literal["files", "matches"] = "files",
        fixed_strings: bool = False,
        ignore_case: bool = False,
        word: bool = False,
        globs: Sequence[str] = (),
        cancel: threading.Event | None = None,
    ) -> SearchCount:
        """How many files contain the pattern at `rev` (`unit="files"`), or how many
        occurrences there are (`"matches"`: every match on a line, like rg
        --count-matches). Streams; holds no hit."""
        from whys.core.search import SearchCount

        sha = self._commit_id(rev)
        args = self._grep_args(
            sha,
            pattern,
            fixed_strings=fixed_strings,
            ignore_case=ignore_case,
            word=word,
            globs=globs,
        )
        # Files: -l names each file once and stops reading it at its first match.
        # Matches: -o prints every occurrence on its own line (as rg --count-matches counts).
        args[1:1] = ["-z", "-l"] if unit == "files" else ["-z", "-o"]
        stream = self._stream(args)
        deadline = _Deadline(stream)
        files = 0
        total = 0
        current_path = b""
        try:
            if unit == "files":
                records = _records(stream.chunks(cancel), b"\0")
            else:
                records = _grep_records(stream.chunks(cancel), sha)
            for record in records:
                if unit == "files":
                    files += 1
                    continue
                path, _, _ = record.partition(b"\0")
                total += 1
                if path != current_path:
                    files += 1
                    current_path = path
        finally:
            deadline.cancel()
            stream.kill_if_output_pending()
            code, stderr = stream.finish()
        deadline.raise_if_expired(sha, pattern)
        if not stream.killed and (code not in (0, 1) or _grep_skipped_objects(stderr)):
            raise self._grep_error(args, stderr)
        return SearchCount(
            unit=unit,
            count=files if unit == "files" else total,
            files=files,
            matches=None if unit == "files" else total,
            cancelled=stream.killed,
            revision=sha,
        )

    def grep_occurrences(
        self,
        rev: str,
        needles: Sequence[str],
        outcome: GrepOutcome,
        *,
        cancel: threading.Event | None = None,
        fixed: bool = True,
        only_matching: bool = True,
        paths: Sequence[str] = (),
        worktree: bool = False,
    ) -> Iterator[tuple[str, int, str]]:
        """Every occurrence of any of the fixed strings in the tree of `rev`, from ONE `git
        grep -F -o`: (path, line, the needle matched there). Where needles overlap git
        reports one match only (`def handle_` hides `handle_2499` in `def handle_2499`):
        with `only_matching=False` it yields each matching line whole instead, for a
        caller that must find every needle on it. `paths` limits the search to those
        files (taken literally).
        Blobs git cannot read (a partial clone) are skipped and counted in `outcome`, so a
        caller can tell a whole search from a partial one.
        `worktree`: search the tracked files as the working tree holds them (no blob to
        inflate: several times faster); the caller knows which of them differ from `rev`."""
        wanted = [needle for needle in dict.fromkeys(needles) if needle]
        if not wanted:
            return
        sha = self._commit_id(rev)
        # `fixed=False`: the needles are regexes (a count of `class \w*Manager`), PCRE when
        # git has it: git's POSIX engine is ten times slower on a big tree.
        kind = "-F" if fixed else self._regex_flag
        args = ["grep", "--no-textconv", "--no-color", "-I", "--full-name", kind, "-z", "-n"]
        if only_matching:
            args.append("-o")
        if fixed and not only_matching and len(wanted) > 1 and self._regex_flag == "-P":
            # git tries each -e pattern over the whole text in turn: 30 fixed strings cost
            # 30 passes. One PCRE alternation of the escaped strings costs about one; the
            # lines it finds are the same, and the caller finds the strings on them.
            args[args.index("-F")] = "-P"
            wanted = _alternations(wanted)
        for needle in wanted:
            args += ["-e", needle]
        args += [] if worktree else [sha]
        args += ["--", *(f":(literal){path}" for path in paths)]
        # Fixed strings cannot backtrack: unlike a regex grep this one needs no deadline,
        # and on a big tree under load it may rightly take longer than one.
        stream = self._stream(args)
        try:
            for record in _grep_records(stream.chunks(cancel), "" if worktree else sha):
                parts = record.split(b"\0", 2)
                if len(parts) == 3 and parts[1].isdigit():
                    yield (
                        parts[0].decode("utf-8", "surrogateescape"),
                        int(parts[1]),
                        parts[2].decode("utf-8", "replace"),
                    )
        finally:
            stream.kill_if_output_pending()
            code, stderr = stream.finish()
            outcome.cancelled = stream.killed
            outcome.unreadable = len(set(_UNREADABLE_BLOB.findall(stderr)))
            outcome.unreadable_paths = set(_UNREADABLE_PATH.findall(stderr))
        if not stream.killed and code not in (0, 1) and not outcome.unreadable:
            raise self._grep_error(args, stderr)


# One command-line argument may hold at most 128 KiB (Linux's MAX_ARG_STRLEN).
_MAX_ALTERNATION_BYTES = 64 * 1024


def _alternations(needles: Sequence[str]) -> list[str]:
    """PCRE alternations matching exactly the fixed strings, each under the argument
    limit. A backslash before any character that is not an ASCII letter or digit makes it
    literal in PCRE, whatever it is."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for needle in needles:
        escaped = "".join(c if c.isascii() and c.isalnum() else "\\" + c for c in needle)
        if current and size + len(escaped.encode()) + 1 > _MAX_ALTERNATION_BYTES:
            chunks.append("|".join(current))
            current, size = [], 0
        current.append(escaped)
        size += len(escaped.encode()) + 1
    if current:
        chunks.append("|".join(current))
    return chunks


class GrepOutcome:
    """How a batched grep ended: blobs it could not read, and whether it was stopped. A plain
    class: `dataclasses` loads `inspect` and costs every command that runs git ~10 ms."""

    def __init__(
        self,
        unreadable: int = 0,
        cancelled: bool = False,
        unreadable_paths: set[str] | None = None,
    ) -> None:
        self.unreadable = unreadable
        self.cancelled = cancelled
        # tree paths of those blobs
        self.unreadable_paths = set() if unreadable_paths is None else unreadable_paths

    def __repr__(self) -> str:
        return (
            f"GrepOutcome(unreadable={self.unreadable!r}, cancelled={self.cancelled!r}, "
            f"unreadable_paths={self.unreadable_paths!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GrepOutcome):
            return NotImplemented
        return (self.unreadable, self.cancelled, self.unreadable_paths) == (
            other.unreadable,
            other.cancelled,
            other.unreadable_paths,
        )

    __hash__ = None  # type: ignore[assignment]


_UNREADABLE_BLOB = lazy_compile(r"unable to read ([0-9a-f]{40})")
_UNREADABLE_PATH = lazy_compile(r"'[0-9a-f]{7,64}:([^'\n]+)': unable to read")


class _Deadline:
    """Kills a git grep that runs past GREP_TIMEOUT_SECONDS (or $WHYS_GREP_TIMEOUT)."""

    def __init__(self, stream: _Stream) -> None:
        try:
            self.seconds = float(os.environ.get("WHYS_GREP_TIMEOUT") or GREP_TIMEOUT_SECONDS)
        except ValueError:
            self.seconds = GREP_TIMEOUT_SECONDS
        self.expired = False
        self._stream = stream
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        self.expired = True
        self._stream.kill()

    def cancel(self) -> None:
        self._timer.cancel()

    def raise_if_expired(self, sha: str, pattern: str) -> None:
        from whys.errors import BadPatternError

        if self.expired:
            raise BadPatternError(
                f"git grep at {sha[:12]} stopped after {self.seconds:g} s: the pattern "
                f"{pattern!r} backtracks too much at a past revision (nested repetition such "
                "as (a|aa)+); simplify it, or search the working tree without --rev"
            )


def _grep_skipped_objects(stderr: str) -> bool:
    """git grep skips a blob it cannot read with an error line but exits 0 or 1 as if the
    search were whole: a count or "no match" from a damaged tree would silently be wrong."""
    return "unable to read" in stderr.lower()


def _grep_records(chunks: Iterable[bytes], sha: str) -> Iterator[bytes]:
    """`git grep -z` output lines without their "<sha>:" prefix. A path holding a newline
    arrives split across lines (its first part has no NUL yet): the parts are joined."""
    prefix = f"{sha}:".encode() if sha else b""  # a working-tree grep has no "<sha>:"
    partial = b""
    for line in _records(chunks, b"\n"):
        if partial:
            line, partial = partial + b"\n" + line, b""
        if not line.startswith(prefix):
            continue  # "--" between context groups
        if b"\0" not in line:
            partial = line
            continue
        yield line[len(prefix) :]

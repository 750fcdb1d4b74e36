"""The core of `GitRepo`: running git in the repository, resolving revisions, reading
commits. The groups of commands (log, history, grep) extend it in repo_log.py,
repo_history.py and repo_grep.py; `whys.core.repo.GitRepo` joins them.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

from whys.core.repo_parse import _commit_from_raw, _is_option_shaped
from whys.core.repo_process import (
    _FULL_SHA_RE,
    _HEX_RE,
    _MISSING_OBJECT_RE,
    _OBJECT_IN_MESSAGE_RE,
    Background,
    MissingObjectError,
    _first_line,
    _git_argv,
    _safe_env,
    _Stream,
    unnamed_file,
)
from whys.errors import BadInputError, BadRepoError, BadRevisionError

TYPE_CHECKING = False  # as typing's, without importing typing

if TYPE_CHECKING:
    from whys.core.models import CommitInfo


class GitRepoBase:
    """Running git in one opened repository; `whys.core.repo.GitRepo` is the whole of it."""

    def __init__(self, root: Path, git_dir: Path, is_bare: bool, is_shallow: bool) -> None:
        self.root = root
        self.git_dir = git_dir
        self.is_bare = is_bare
        self.is_shallow = is_shallow
        self._files_cache: dict[str, list[str]] = {}
        # Full object ids already resolved: what one names never changes.
        self._resolved_ids: dict[str, str] = {}
        self._missing_history: list[str] | None | bool = False  # False: not asked yet
        # Working-tree questions asked ahead of a check (GitRepo.ask_working_tree_early).
        self._early_answers: dict[str, Background] = {}

    def __repr__(self) -> str:
        return f"GitRepo({str(self.root)!r})"

    # -- running git -------------------------------------------------------------------

    def _run(
        self, args: Sequence[str], *, stdin: bytes | None = None, ok_codes: tuple[int, ...] = (0,)
    ) -> tuple[int, bytes, str]:
        completed = subprocess.run(
            _git_argv(args),
            cwd=self.root,
            env=_safe_env(),
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        stderr = completed.stderr.decode("utf-8", "replace")
        if completed.returncode not in ok_codes:
            raise self._error(args, stderr)
        return completed.returncode, completed.stdout, stderr

    def _run_spooled(self, args: Sequence[str]) -> bytes:
        """`_run` for a large output: git writes it to a temporary file, read back at once,
        which costs a fraction of the CPU of draining a pipe 64 KiB at a time."""
        with unnamed_file() as spool:
            completed = subprocess.run(
                _git_argv(args),
                cwd=self.root,
                env=_safe_env(),
                stdin=subprocess.DEVNULL,
                stdout=spool,
                stderr=subprocess.PIPE,
                check=False,
            )
            if completed.returncode != 0:
                raise self._error(args, completed.stderr.decode("utf-8", "replace"))
            spool.seek(0)
            return spool.read()

    def _stream(self, args: Sequence[str], stdin: bytes | None = None) -> _Stream:
        return _Stream(_git_argv(args), self.root, stdin)

    def _error(self, args: Sequence[str], stderr: str) -> BadInputError:
        failures = [
            line.strip() for line in stderr.splitlines() if line.startswith(("fatal:", "error:"))
        ]
        reason = (failures[0] if failures else _first_line(stderr)) or "no message"
        reason = reason.removeprefix("fatal: ").removeprefix("error: ")
        lower = stderr.lower()
        missing = sorted(set(_MISSING_OBJECT_RE.findall(stderr))) or sorted(
            set(_OBJECT_IN_MESSAGE_RE.findall(stderr))
        )
        if any(
            marker in lower
            for marker in (
                "bad object",
                "could not read",
                "unable to read",
                "missing blob",
                "missing tree",
                "missing commit",
                "not a valid object",
                "bad tree object",
                "corrupt",
            )
        ):
            names = ", ".join(missing) if missing else reason
            return MissingObjectError(
                f"{self.root}: missing or damaged object {names} (git {args[0]}: {reason})",
                missing,
            )
        if any(marker in lower for marker in ("no such path", "there is no path", "has only")):
            # A path or line range the caller asked about is not there: bad input, not a
            # broken repository ("file x has only 3 lines", "no such path 'y' in HEAD").
            return BadInputError(reason)
        if "dubious ownership" in lower:
            return BadRepoError(f"{self.root}: git refuses a repository owned by another user")
        return BadRepoError(f"git {args[0]} failed in {self.root}: {reason}")

    def _check_stream(self, stream: _Stream, args: Sequence[str]) -> None:
        code, stderr = stream.finish()
        if code != 0 and not stream.killed:
            raise self._error(args, stderr)

    # -- revisions ---------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        """No commit on HEAD yet (a fresh `git init`)."""
        code, _, _ = self._run(
            ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], ok_codes=(0, 1, 128)
        )
        return code != 0

    @cached_property
    def shallow_roots(self) -> set[str]:
        """Commits whose parents this (shallow) clone does not have: where history ends."""
        shallow_file = self.git_dir / "shallow"
        try:
            text = shallow_file.read_text(encoding="ascii", errors="replace")
        except OSError:
            return set()
        return {line.strip() for line in text.splitlines() if _FULL_SHA_RE.match(line.strip())}

    def resolve_revision(self, rev: str) -> str:
        """Full SHA of the commit `rev` names. Option-shaped or unknown: BadRevisionError."""
        self._checked_revision(rev)
        known = self._resolved_ids.get(rev)
        if known is not None:
            return known
        code, out, stderr = self._run(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
            ok_codes=(0, 1, 128),
        )
        sha = out.decode("ascii", "replace").strip()
        if code != 0 or not _FULL_SHA_RE.match(sha):
            if rev == "HEAD" and self.is_empty:
                raise BadRevisionError(f"{self.root} has no commits yet")
            if _HEX_RE.match(rev) and len(self.resolve_prefix(rev)) > 1:
                raise BadRevisionError(f"revision {rev!r} is ambiguous")
            detail = ""
            if self.is_shallow and _HEX_RE.match(rev):
                detail = " (the clone is shallow: it may be older than its history)"
            raise BadRevisionError(f"unknown revision {rev!r} in {self.root}{detail}")
        if _FULL_SHA_RE.match(rev):
            self._resolved_ids[rev] = sha
        return sha

    def resolve_prefix(self, prefix: str) -> list[str]:
        """Every commit whose full SHA starts with the hex `prefix` (sorted)."""
        if not isinstance(prefix, str) or not _HEX_RE.match(prefix):
            raise BadRevisionError(f"{prefix!r} is not a hexadecimal commit id (4-64 digits)")
        prefix = prefix.lower()
        if _FULL_SHA_RE.match(prefix):
            found = self.commits_info([prefix])
            return [prefix] if prefix in found else []
        # `rev-parse --disambiguate` lists every object with the prefix, of any type.
        code, out, _ = self._run(["rev-parse", f"--disambiguate={prefix}"], ok_codes=(0, 1, 128))
        candidates = [line for line in out.decode("ascii", "replace").split() if line]
        if not candidates:
            return []
        kinds = self._object_types(candidates)
        return sorted(sha for sha in candidates if kinds.get(sha) == "commit")

    def _object_types(self, shas: Sequence[str]) -> dict[str, str]:
        stdin = "".join(f"{sha}\n" for sha in shas).encode("ascii")
        _, out, _ = self._run(
            ["cat-file", "--batch-check=%(objectname) %(objecttype)"], stdin=stdin
        )
        kinds: dict[str, str] = {}
        for line in out.decode("ascii", "replace").splitlines():
            name, _, kind = line.partition(" ")
            if kind and kind != "missing":
                kinds[name] = kind
        return kinds

    def _checked_revision(self, rev: str) -> str:
        """`rev` as given, once it cannot be read as an option or split an argument."""
        if not isinstance(rev, str) or not rev.strip():
            raise BadRevisionError("empty revision")
        if _is_option_shaped(rev) or "\0" in rev or "\n" in rev:
            raise BadRevisionError(f"revision {rev!r} looks like an option; refused")
        return rev

    def _start_or_none(self, rev: str) -> str | None:
        """The SHA to walk history from; None for HEAD of an empty repository."""
        try:
            return self.resolve_revision(rev)
        except BadRevisionError:
            if rev == "HEAD" and self.is_empty:
                return None
            raise

    def _commit_id(self, rev: str) -> str:
        """A full SHA for `rev` (already full hex: lower-cased, else resolved)."""
        if isinstance(rev, str) and _FULL_SHA_RE.match(rev.lower()):
            return rev.lower()
        return self.resolve_revision(rev)

    # -- commits -----------------------------------------------------------------------

    def commit_info(self, sha: str) -> CommitInfo:
        full = self._commit_id(sha)
        found = self.commits_info([full])
        if full not in found:
            raise MissingObjectError(f"{self.root}: commit {full} is missing", [full])
        return found[full]

    def commits_info(self, shas: Iterable[str]) -> dict[str, CommitInfo]:
        """Commits by full SHA, read in one `cat-file --batch`; missing or non-commits left out."""
        wanted = []
        for sha in shas:
            if not isinstance(sha, str) or not _FULL_SHA_RE.match(sha.lower()):
                raise BadRevisionError(f"{sha!r} is not a full commit id")
            wanted.append(sha.lower())
        if not wanted:
            return {}
        stdin = "".join(f"{sha}\n" for sha in dict.fromkeys(wanted)).encode("ascii")
        _, out, _ = self._run(["cat-file", "--batch"], stdin=stdin)
        found: dict[str, CommitInfo] = {}
        position = 0
        while position < len(out):
            end = out.index(b"\n", position)
            header = out[position:end].decode("ascii", "replace").split()
            position = end + 1
            if len(header) < 3 or header[1] == "missing":
                continue
            size = int(header[2])
            body = out[position : position + size]
            position += size + 1
            if header[1] == "commit":
                found[header[0]] = _commit_from_raw(header[0], body)
        return found

"""The only module that runs git. Every call treats the repository as untrusted.

Why not GitPython's runner: `git.cmd.Git.execute` spawns git in the repository with the
caller's whole environment and whatever the repository's config says (fsmonitor, textconv,
pager, includeIf...), and its object-by-object iteration is several times slower than one
streamed `git log`. So every git process here goes through `_git_argv` / `_spawn`, which
put the safety overrides first and scrub the environment, and hot paths read one streamed
process with NUL-separated records.

Revisions given by a person are resolved once (`resolve_revision`, after
`--end-of-options`) and only the resulting full object id reaches other git commands;
patterns go after `-e` or in stuck form (`-S<text>`), paths after `--`.
"""

from __future__ import annotations

import codecs
import difflib
import heapq
import os
import posixpath
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from whys.errors import BadInputError, BadRepoError, BadRevisionError

if TYPE_CHECKING:
    from whys.core.models import CommitInfo
    from whys.core.repo_models import BlameLine, CommitDetail, FileStat
    from whys.core.search import SearchCount, SearchHit

# Config that could make git run a program, talk to the network, or change the shape of its
# output. Command-line `-c` wins over every config file, including ones pulled by includeIf.
SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", "/dev/null"),
    ("core.pager", "cat"),
    ("core.sshCommand", "false"),
    ("core.askPass", ""),
    ("core.gitProxy", ""),
    ("core.quotePath", "false"),
    ("core.untrackedCache", "false"),
    ("diff.external", ""),
    ("credential.helper", ""),
    ("protocol.allow", "never"),
    ("color.ui", "false"),
    ("log.showSignature", "false"),
    ("log.follow", "false"),
    ("gpg.program", "false"),
    ("gpg.ssh.program", "false"),
    ("gpg.x509.program", "false"),
    ("blame.ignoreRevsFile", ""),
    ("gc.auto", "0"),
    ("maintenance.auto", "false"),
    ("fetch.recurseSubmodules", "false"),
    ("submodule.recurse", "false"),
    # Output shape: what the parsers below expect, whatever the repository's config says.
    ("i18n.logOutputEncoding", "UTF-8"),
    ("diff.noprefix", "false"),
    ("diff.mnemonicPrefix", "false"),
    ("diff.relative", "false"),
    ("diff.suppressBlankEmpty", "false"),
    ("log.mailmap", "false"),
    ("grep.fullName", "true"),
)
# Options for every command that may produce a diff or read blob content.
NO_DRIVERS: tuple[str, ...] = ("--no-textconv", "--no-ext-diff", "--no-color")
# Environment variables git honours that could redirect it or run something.
_KEEP_GIT_ENV = frozenset({"GIT_CONFIG_GLOBAL"})
_HEX_RE = re.compile(r"^[0-9a-fA-F]{4,64}$")
_FULL_SHA_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_OBJECT_IN_MESSAGE_RE = re.compile(r"\b([0-9a-f]{40}|[0-9a-f]{64})\b")
# Phrases git uses for the object it could not find (not the ones it was walking from).
_MISSING_OBJECT_RE = re.compile(
    r"(?:could not read|bad object|unable to read|missing (?:blob|tree|commit)|"
    r"loose object|not a valid object name|bad tree object)\s+([0-9a-f]{40}|[0-9a-f]{64})\b",
    re.IGNORECASE,
)
_BAD_REVISION_RE = re.compile(
    r"unknown revision|bad revision|ambiguous argument|invalid object name", re.I
)
_HUNK_RE = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_READ_CHUNK = 1 << 16
# What a log listing can ask git for (`GitRepo.log_batches`), by name.
LOG_FIELDS: dict[str, str] = {
    "sha": "%H",
    "parents": "%P",
    "author_name": "%an",
    "author_email": "%ae",
    "author_date": "%aI",
    "committer_name": "%cn",
    "committer_email": "%ce",
    "committer_date": "%cI",
    "subject": "%s",
    "message": "%B",
}
# The fields a CommitInfo is built from, in `_commit_from_fields` order; the message last.
_COMMIT_LOG_FIELDS = (
    "sha",
    "parents",
    "author_name",
    "author_email",
    "author_date",
    "committer_name",
    "committer_email",
    "committer_date",
    "message",
)
_LOG_FORMAT = "%x00".join(LOG_FIELDS[name] for name in _COMMIT_LOG_FIELDS)
_LOG_FIELDS = len(_COMMIT_LOG_FIELDS)
DIFF_LIMIT_BYTES = 1 << 20
# git grep -P (PCRE) backtracks: `(a|aa)+$` on a long line runs for minutes. A search at a
# past revision is stopped after this long and the user is told why (WHYS_GREP_TIMEOUT).
GREP_TIMEOUT_SECONDS = 30.0
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class MissingObjectError(BadRepoError):
    """The repository lacks an object git needs (damaged or partial clone)."""

    def __init__(self, message: str, missing: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.missing = list(missing)


class NotARepositoryError(BadRepoError):
    """The folder is not inside any git repository (a plain folder can still be searched)."""


# pydantic models, imported on first use so that listing history and searching start
# without pydantic (whys/core/repo_models.py; CommitInfo from whys/core/models.py).
_LAZY_MODELS = {
    "BlameLine": "whys.core.repo_models",
    "FileStat": "whys.core.repo_models",
    "CommitDetail": "whys.core.repo_models",
    "CommitInfo": "whys.core.models",
}


def __getattr__(name: str) -> object:
    module = _LAZY_MODELS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def git_executable() -> str:
    return os.environ.get("WHYS_GIT", "git")


def _safe_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GIT_") or key in _KEEP_GIT_ENV
    }
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_OPTIONAL_LOCKS="0",
        GIT_NO_REPLACE_OBJECTS="1",
        GIT_NO_LAZY_FETCH="1",
        # A tarball's .git/info/grafts can rewrite parents (and so "is the fix in the
        # deploy?"); replace refs are off above. History is what the objects say. A path
        # that cannot exist: an existing empty file (/dev/null) still makes git print its
        # grafts-deprecated hint on every command.
        GIT_GRAFT_FILE=os.path.join(os.devnull, "no-grafts"),
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_ASKPASS="",
        SSH_ASKPASS="",
        LC_ALL="C",
        LANGUAGE="C",
    )
    env.pop("GIT_SSH_COMMAND", None)
    env.pop("GIT_EXTERNAL_DIFF", None)
    return env


def _git_argv(args: Sequence[str]) -> list[str]:
    argv = [git_executable(), "--no-pager", "--no-replace-objects"]
    for key, value in SAFE_CONFIG:
        argv += ["-c", f"{key}={value}"]
    argv += list(args)
    return argv


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _is_option_shaped(text: str) -> bool:
    return text.lstrip().startswith("-")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _parse_ident_time(ident: str) -> tuple[str, str, datetime]:
    """`Name <email> 1700000000 +0200` as it appears in a raw commit object."""
    name_email, _, when = ident.rpartition(">")
    name, _, email = name_email.partition("<")
    parts = when.split()
    seconds = int(parts[0]) if parts and parts[0].lstrip("-").isdigit() else 0
    offset = parts[1] if len(parts) > 1 else "+0000"
    try:
        sign = -1 if offset.startswith("-") else 1
        minutes = int(offset[1:3]) * 60 + int(offset[3:5])
        tz = timezone(sign * timedelta(minutes=minutes))
    except (ValueError, IndexError):
        tz = UTC
    try:
        when = datetime.fromtimestamp(seconds, tz)
    except (OverflowError, OSError, ValueError):
        when = _EPOCH  # a hand-crafted commit with an impossible date: keep the commit
    return name.strip(), email.strip(), when


# What git's isspace() calls white space when it trims a message line (not \v or \f).
_GIT_SPACE = " \t\r\n"


def subject_of(message: str) -> str:
    """git's %s, exactly: leading blank lines skipped, then the first paragraph's lines,
    each cut of trailing white space (not leading), joined by single spaces."""
    first, _, _ = message.partition("\n\n")
    if first and "\n" not in first and first[-1] not in _GIT_SPACE:
        return first
    paragraph: list[str] = []
    for line in message.split("\n"):
        trimmed = line.rstrip(_GIT_SPACE)
        if not trimmed:
            if paragraph:
                break
            continue
        paragraph.append(trimmed)
    return " ".join(paragraph)


_commit_type: type[CommitInfo] | None = None
_COMMIT_FIELDS: frozenset[str] = frozenset()
_set_attribute = object.__setattr__


def _commit_class() -> type[CommitInfo]:
    global _commit_type, _COMMIT_FIELDS
    if _commit_type is None:
        from whys.core.models import CommitInfo

        _COMMIT_FIELDS = frozenset(CommitInfo.model_fields)
        _commit_type = CommitInfo
    return _commit_type


def _build_commit(**values: object) -> CommitInfo:
    """CommitInfo.model_construct without its per-field default loop (every field is given,
    typed by the parser): the listing of 200,000 commits spends its time here otherwise."""
    commit_type = _commit_type or _commit_class()
    commit = commit_type.__new__(commit_type)
    _set_attribute(commit, "__dict__", values)
    _set_attribute(commit, "__pydantic_fields_set__", set(_COMMIT_FIELDS))
    _set_attribute(commit, "__pydantic_extra__", None)
    _set_attribute(commit, "__pydantic_private__", None)
    return commit


def _commit_from_raw(sha: str, raw: bytes) -> CommitInfo:
    header, _, body = raw.partition(b"\n\n")
    parents: list[str] = []
    author = committer = ""
    for line in header.split(b"\n"):
        key, _, value = line.partition(b" ")
        if key == b"parent":
            parents.append(value.decode("ascii", "replace"))
        elif key == b"author":
            author = value.decode("utf-8", "replace")
        elif key == b"committer":
            committer = value.decode("utf-8", "replace")
    message = body.decode("utf-8", "replace")
    author_name, author_email, author_date = _parse_ident_time(author)
    committer_name, committer_email, committer_date = _parse_ident_time(committer)
    return _build_commit(
        sha=sha,
        subject=subject_of(message),
        message=message.rstrip("\n"),
        author_name=author_name,
        author_email=author_email,
        author_date=author_date,
        committer_name=committer_name,
        committer_email=committer_email,
        committer_date=committer_date,
        parents=parents,
    )


def _commit_from_fields(fields: list[str]) -> CommitInfo:
    sha, parents, an, ae, ad, cn, ce, cd, message = fields
    message = message.rstrip("\n")
    return _build_commit(
        sha=sha,
        subject=subject_of(message),
        message=message,
        author_name=an,
        author_email=ae,
        author_date=parse_iso_date(ad),
        committer_name=cn,
        committer_email=ce,
        committer_date=parse_iso_date(cd),
        parents=parents.split(),
    )


def parse_iso_date(text: str) -> datetime:
    """A date git printed as ISO 8601 (%aI). A hand-crafted commit can carry a date git
    cannot print as ISO: it reads as the epoch, so the commit is kept."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return _EPOCH


def _log_records(chunks: Iterable[bytes], width: int = _LOG_FIELDS) -> Iterator[list[str]]:
    """Groups of `width` NUL-separated fields, decoded a chunk at a time."""
    for batch in _log_batches(chunks, width):
        yield from batch


def _log_batches(chunks: Iterable[bytes], width: int) -> Iterator[list[list[str]]]:
    """The records of each chunk git wrote, as one list per chunk (a writer can then write
    them at once): groups of `width` NUL-separated fields, decoded a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending: list[str] = []
    tail = ""
    for chunk in chunks:
        tokens = (tail + decoder.decode(chunk)).split("\0")
        tail = tokens.pop()
        if pending:
            tokens[:0] = pending
        whole = len(tokens) - len(tokens) % width
        if whole:
            yield [tokens[start : start + width] for start in range(0, whole, width)]
        pending = tokens[whole:]
    tail += decoder.decode(b"", final=True)
    if tail:
        pending.append(tail)
    if len(pending) == width:
        yield [pending]


_WORD_RE = re.compile(r"\w+")
_CLOSE_CANDIDATES = 500


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def _as_git_date(value: datetime | str) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    return value


def _normalise_repo_path(path: str) -> str | None:
    """A path inside the tree, or None when it would escape it (absolute, `..`)."""
    if not path or "\0" in path or path.startswith("/"):
        return None
    normal = posixpath.normpath(path)
    if normal == ".." or normal.startswith("../") or normal == ".":
        return None
    return normal


class _Stream:
    """One git process whose stdout is read in chunks; stderr goes to a temp file so a chatty
    git never blocks. Closing (or cancelling) kills the process."""

    def __init__(self, argv: list[str], cwd: Path, stdin: bytes | None = None) -> None:
        # Closed in finish(); a file (not a pipe) so a chatty git never blocks on stderr.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=_safe_env(),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self._feeder: threading.Thread | None = None
        if stdin is not None:
            self._feeder = threading.Thread(target=self._feed, args=(stdin,), daemon=True)
            self._feeder.start()
        self.killed = False
        self.eof = False

    def _feed(self, data: bytes) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(data)
            self.process.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def chunks(self, cancel: threading.Event | None = None) -> Iterator[bytes]:
        assert self.process.stdout is not None
        if cancel is not None:
            # A quiet git (a pickaxe with no hit yet) blocks the read below for as long as it
            # runs; the watcher kills it on cancel so the read returns at once.
            threading.Thread(target=self._kill_on, args=(cancel,), daemon=True).start()
        while True:
            if cancel is not None and cancel.is_set():
                self.kill()
                return
            chunk = self.process.stdout.read1(_READ_CHUNK)
            if not chunk:
                self.eof = True
                return
            yield chunk

    def _kill_on(self, cancel: threading.Event) -> None:
        while self.process.poll() is None:
            if cancel.wait(0.05):
                self.kill()
                return

    def kill(self) -> None:
        if self.process.poll() is None:
            self.killed = True
            self.process.kill()

    def finish(self) -> tuple[int, str]:
        """Wait for the process; its return code and stderr text."""
        self.kill_if_output_pending()
        code = self.process.wait()
        if self._feeder is not None:
            self._feeder.join(timeout=5)
        self._stderr.seek(0)
        stderr = self._stderr.read().decode("utf-8", "replace")
        self._stderr.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return code, stderr

    def kill_if_output_pending(self) -> None:
        # A consumer that stopped early leaves git blocked on a full pipe: end it.
        if not self.eof and self.process.poll() is None:
            self.kill()


def _records(chunks: Iterable[bytes], separator: bytes = b"\0") -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        pending += chunk
        parts = pending.split(separator)
        pending = parts.pop()
        yield from parts
    if pending:
        yield pending


class GitRepo:
    """An opened repository. Build it with `open_repo`."""

    def __init__(self, root: Path, git_dir: Path, is_bare: bool, is_shallow: bool) -> None:
        self.root = root
        self.git_dir = git_dir
        self.is_bare = is_bare
        self.is_shallow = is_shallow
        self._files_cache: dict[str, list[str]] = {}
        # Full object ids already resolved: what one names never changes.
        self._resolved_ids: dict[str, str] = {}
        self._missing_history: list[str] | None | bool = False  # False: not asked yet

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
        with tempfile.TemporaryFile() as spool:
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

    def iter_log(
        self,
        rev: str = "HEAD",
        *,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        paths: Sequence[str] = (),
        message: str | None = None,
        author: str | None = None,
        pickaxe: str | None = None,
        pickaxe_regex: bool = False,
        follow: bool = False,
        max_count: int | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[CommitInfo]:
        """Commits reachable from `rev`, newest first, from one streamed `git log`.

        `message` and `author` match as fixed strings, ignoring case. `pickaxe` runs `-S`
        (occurrence count of the text changed), or `-G` (a changed line matches the regex)
        when `pickaxe_regex`. `follow` tracks a single path across renames. Setting `cancel`
        stops the scan and ends the iteration. An empty repository yields nothing.
        """
        batches = self.log_batches(
            rev,
            fields=_COMMIT_LOG_FIELDS,
            since=since,
            until=until,
            paths=paths,
            message=message,
            author=author,
            pickaxe=pickaxe,
            pickaxe_regex=pickaxe_regex,
            follow=follow,
            max_count=max_count,
            cancel=cancel,
        )
        for batch in batches:
            for fields in batch:
                if cancel is not None and cancel.is_set():
                    return
                yield _commit_from_fields(fields)

    def log_batches(
        self,
        rev: str = "HEAD",
        *,
        fields: Sequence[str],
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        paths: Sequence[str] = (),
        message: str | None = None,
        author: str | None = None,
        pickaxe: str | None = None,
        pickaxe_regex: bool = False,
        follow: bool = False,
        max_count: int | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[list[list[str]]]:
        """`iter_log`'s walk for writers of long listings: git prints only `fields` (names
        from LOG_FIELDS), and each commit is a list of git's own strings in that order (ISO
        8601 dates, parents space-separated, `subject` as %s), one list of commits for each
        chunk git writes. No model is built, so a listing costs little more than git."""
        unknown = [name for name in fields if name not in LOG_FIELDS]
        if unknown or not fields:
            raise ValueError(f"unknown log fields {unknown}; known: {', '.join(LOG_FIELDS)}")
        # No separate rev-parse: the checked revision goes straight after --end-of-options.
        start = self._checked_revision(rev)
        log_format = "%x00".join(LOG_FIELDS[name] for name in fields)
        args = ["log", "-z", f"--format={log_format}", *NO_DRIVERS]
        if since is not None:
            args.append(f"--since={_as_git_date(since)}")
        if until is not None:
            args.append(f"--until={_as_git_date(until)}")
        if message or author:
            args += ["--fixed-strings", "--regexp-ignore-case"]
        if message:
            args.append(f"--grep={message}")
        if author:
            args.append(f"--author={author}")
        if pickaxe:
            args.append(f"-G{pickaxe}" if pickaxe_regex else f"-S{pickaxe}")
        if follow:
            if len(paths) != 1:
                raise BadInputError("following renames needs exactly one path")
            args.append("--follow")
        if max_count is not None:
            args.append(f"--max-count={int(max_count)}")
        args += ["--end-of-options", start, "--", *self._pathspecs(paths)]
        yield from self._log_batches(args, len(fields), cancel)

    def _pathspecs(self, paths: Sequence[str]) -> list[str]:
        # Literal paths: a hostile `:(exclude)` or glob magic in user text stays a path.
        specs = []
        for path in paths:
            normal = _normalise_repo_path(path)
            if normal is None:
                raise BadInputError(f"path {path!r} is outside the repository")
            specs.append(f":(literal){normal}")
        return specs

    def _log_stream(self, args: list[str], cancel: threading.Event | None) -> Iterator[CommitInfo]:
        """Commits of a `git log` run with `--format=_LOG_FORMAT`."""
        for batch in self._log_batches(args, _LOG_FIELDS, cancel):
            for fields in batch:
                if cancel is not None and cancel.is_set():
                    return
                yield _commit_from_fields(fields)

    def _log_batches(
        self, args: list[str], width: int, cancel: threading.Event | None
    ) -> Iterator[list[list[str]]]:
        stream = self._stream(args)
        try:
            for batch in _log_batches(stream.chunks(cancel), width):
                if cancel is not None and cancel.is_set():
                    stream.kill()
                    break
                yield batch
        finally:
            stream.kill_if_output_pending()
            code, stderr = stream.finish()
        if code != 0 and not stream.killed:
            if _BAD_REVISION_RE.search(stderr):
                revision = args[args.index("--end-of-options") + 1]
                if revision == "HEAD" and self.is_empty:
                    return  # an empty repository has no history: not an error
                raise BadRevisionError(f"unknown revision {revision!r} in {self.root}")
            raise self._error(args, stderr)

    def find_commits_by_subject(
        self, text: str, rev: str = "HEAD", limit: int = 5
    ) -> list[CommitInfo]:
        """Commits whose subject is `text` (exact first, then case/space-insensitive), then
        the closest subjects (a quote ending in "..." matches as a prefix), best first."""
        wanted = " ".join(text.split())
        start = self._start_or_none(rev) if wanted else None
        if start is None:
            return []
        truncated_quote = wanted.endswith(("...", "…"))
        stem = wanted.rstrip(".… ").casefold()
        folded = wanted.casefold()
        wanted_words = set(_words(folded))
        exact: list[str] = []
        loose: list[str] = []
        prefixed: list[str] = []
        # (shared words, subject, sha): only subjects sharing words with the quote reach
        # difflib, whose ratio over 200,000 subjects would otherwise take seconds.
        candidates: list[tuple[int, str, str]] = []
        args = ["log", "-z", "--format=%H%x00%s", "--end-of-options", start, "--"]
        stream = self._stream(args)
        pair: list[bytes] = []
        try:
            for token in _records(stream.chunks()):
                pair.append(token)
                if len(pair) < 2:
                    continue
                sha = pair[0].decode("ascii", "replace")
                subject = " ".join(pair[1].decode("utf-8", "replace").split())
                pair = []
                if subject == wanted:
                    exact.append(sha)
                    continue
                subject_folded = subject.casefold()
                if subject_folded == folded:
                    loose.append(sha)
                elif truncated_quote and stem and subject_folded.startswith(stem):
                    prefixed.append(sha)
                else:
                    shared = len(wanted_words.intersection(_words(subject_folded)))
                    if shared:
                        candidates.append((shared, subject, sha))
                        if len(candidates) > 4 * _CLOSE_CANDIDATES:
                            candidates = heapq.nlargest(_CLOSE_CANDIDATES, candidates)
        finally:
            self._check_stream(stream, args)
        ranked = [*exact, *loose, *prefixed]
        if len(ranked) < limit and candidates:
            shortlist: dict[str, str] = {}
            for _, subject, sha in heapq.nlargest(_CLOSE_CANDIDATES, candidates):
                shortlist.setdefault(subject, sha)
            close = difflib.get_close_matches(wanted, list(shortlist), n=limit, cutoff=0.6)
            ranked += [shortlist[subject] for subject in close]
        ranked = list(dict.fromkeys(ranked))[:limit]
        found = self.commits_info(ranked)
        return [found[sha] for sha in ranked if sha in found]

    # -- trees and files ---------------------------------------------------------------

    def list_files(self, rev: str) -> list[str]:
        """Every file path in the tree of `rev` (cached per commit)."""
        sha = self._commit_id(rev)
        cached = self._files_cache.get(sha)
        if cached is None:
            _, out, _ = self._run(["ls-tree", "-r", "-z", "--full-tree", "--name-only", sha])
            cached = [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
            self._files_cache[sha] = cached
        return list(cached)

    def read_file(self, rev: str, path: str) -> bytes | None:
        """The blob at `path` in `rev`, exactly as stored (no filters, no textconv); None when
        the path is not a file there or points outside the tree."""
        sha = self._commit_id(rev)
        normal = _normalise_repo_path(path)
        if normal is None:
            return None
        # ls-tree reads only trees, so a missing blob is told apart from a missing path.
        _, listing, _ = self._run(["ls-tree", "-z", "--full-tree", sha, "--", normal])
        blob = None
        for entry in listing.split(b"\0"):
            meta, _, name = entry.partition(b"\t")
            fields = meta.split()
            if name.decode("utf-8", "surrogateescape") == normal and len(fields) == 3:
                blob = fields[2].decode("ascii") if fields[1] == b"blob" else None
        if blob is None or not _FULL_SHA_RE.match(blob):
            return None
        code, content, stderr = self._run(["cat-file", "blob", blob], ok_codes=(0, 128))
        if code != 0:
            raise MissingObjectError(
                f"{self.root}: blob {blob} for {normal} at {sha[:12]} is missing", [blob]
            )
        return content

    def worktree_is_clean(self) -> bool:
        """Whether the working tree holds exactly HEAD's tracked files (untracked files
        aside): only then does a search of the working tree speak for HEAD. A clone made
        with --no-checkout, or edited files, do not."""
        if self.is_bare:
            return False
        args = ["status", "--porcelain", "-z", "--untracked-files=no", "--ignore-submodules=all"]
        code, out, _ = self._run(args, ok_codes=(0, 128))
        return code == 0 and not out.strip(b"\0")

    # -- ancestry ----------------------------------------------------------------------

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        older = self._commit_id(ancestor)
        newer = self._commit_id(descendant)
        code, _, _ = self._run(["merge-base", "--is-ancestor", older, newer], ok_codes=(0, 1))
        return code == 0

    def containing_refs(self, sha: str) -> tuple[list[str], list[str]]:
        """(branches, tags) whose tip contains the commit; remote branches as `origin/x`."""
        full = self._commit_id(sha)
        _, out, _ = self._run(
            [
                "for-each-ref",
                f"--contains={full}",
                "--format=%(refname)",
                "refs/heads",
                "refs/remotes",
                "refs/tags",
            ]
        )
        return branches_and_tags(out.decode("utf-8", "replace").splitlines())

    # -- blame, line history, detail ---------------------------------------------------

    def blame(
        self,
        rev: str,
        path: str,
        start: int,
        end: int,
        *,
        ignore_revs_file: Path | str | None = None,
    ) -> list[BlameLine]:
        """Who last touched lines start..end of `path` at `rev`, seeing through moves and
        copies (-M -C), skipping the commits listed in `ignore_revs_file`."""
        sha = self._commit_id(rev)
        normal = self._require_path(path)
        if start < 1 or end < start:
            raise BadInputError(f"bad line range {start}-{end}")
        extra = []
        if ignore_revs_file is not None:
            extra.append(f"--ignore-revs-file={Path(ignore_revs_file).resolve()}")
        return self._blame_ranges(sha, normal, [(start, end)], extra)

    def _blame_ranges(
        self, sha: str, path: str, ranges: Sequence[tuple[int, int]], extra: Sequence[str] = ()
    ) -> list[BlameLine]:
        args = ["blame", "--line-porcelain", "-M", "-C", "--no-textconv", *extra]
        args += [f"-L{start},{end}" for start, end in ranges]
        args += [sha, "--", path]
        _, out, _ = self._run(args)
        return _parse_line_porcelain(out)

    def _require_path(self, path: str) -> str:
        normal = _normalise_repo_path(path)
        if normal is None:
            raise BadInputError(f"path {path!r} is outside the repository")
        return normal

    def line_history(
        self, rev: str, path: str, start: int, end: int, *, cancel: threading.Event | None = None
    ) -> list[CommitInfo]:
        """Commits that changed lines start..end of `path` up to `rev` (`git log -L`)."""
        sha = self._commit_id(rev)
        normal = self._require_path(path)
        if start < 1 or end < start:
            raise BadInputError(f"bad line range {start}-{end}")
        args = ["log", "-z", f"--format={_LOG_FORMAT}", "-s", *NO_DRIVERS]
        args += [f"-L{start},{end}:{normal}", "--end-of-options", sha]
        return list(self._log_stream(args, cancel))

    def changed_paths(self, parent: str, sha: str) -> list[str]:
        """Paths that differ between two commits' trees (no rename detection, so no blob
        is read: it works where blobs are missing)."""
        for name in (parent, sha):
            if not _FULL_SHA_RE.match(name):
                raise BadRevisionError(f"not a full commit id: {name!r}")
        args = ["diff-tree", "-r", "-z", "--name-only", "--no-renames", parent, sha]
        _, out, _ = self._run(args)
        return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

    def show_commit(self, sha: str, *, diff_limit: int = DIFF_LIMIT_BYTES) -> CommitDetail:
        """Message, dates, per-file stats and the diff against the first parent (cut at
        `diff_limit` bytes, `truncated` set)."""
        from whys.core.repo_models import CommitDetail

        info = self.commit_info(sha)
        diff_args = ["--diff-merges=first-parent", "-M", *NO_DRIVERS, "--format="]
        _, numstat, _ = self._run(["show", "--numstat", "-z", *diff_args, info.sha])
        stats = _parse_numstat(numstat)
        args = ["show", "--patch", *diff_args, info.sha]
        stream = self._stream(args)
        kept: list[bytes] = []
        size = 0
        truncated = False
        try:
            for chunk in stream.chunks():
                if size + len(chunk) > diff_limit:
                    kept.append(chunk[: diff_limit - size])
                    truncated = True
                    stream.kill()
                    break
                kept.append(chunk)
                size += len(chunk)
        finally:
            self._check_stream(stream, args)
        diff = b"".join(kept).decode("utf-8", "replace")
        return CommitDetail(info=info, stats=stats, diff=diff, truncated=truncated)

    def szz_origins(self, fix_sha: str, *, ignore_revs_file: Path | str | None = None) -> set[str]:
        """Commits that last touched, before the fix, the lines the fix changed or removed
        (blame of the fix's first parent at those lines, -M -C). A fix that only adds lines
        is traced through the line above each insertion."""
        fix = self.commit_info(fix_sha)
        if not fix.parents:
            return set()
        parent = fix.parents[0]
        args = ["diff", "-U0", "-M", *NO_DRIVERS, "--end-of-options", parent, fix.sha]
        _, out, _ = self._run(args)
        removed: dict[str, list[tuple[int, int]]] = {}
        inserted: dict[str, list[tuple[int, int]]] = {}
        old_path: str | None = None
        for line in out.split(b"\n"):
            if line.startswith(b"--- "):
                name = line[4:].decode("utf-8", "surrogateescape")
                old_path = name[2:] if name.startswith("a/") else None
                continue
            match = _HUNK_RE.match(line)
            if match is None or old_path is None:
                continue
            old_start = int(match.group(1))
            old_count = int(match.group(2)) if match.group(2) is not None else 1
            if old_count > 0:
                removed.setdefault(old_path, []).append((old_start, old_start + old_count - 1))
            elif old_start > 0:
                inserted.setdefault(old_path, []).append((old_start, old_start))
        targets = removed or inserted
        extra = []
        if ignore_revs_file is not None:
            extra.append(f"--ignore-revs-file={Path(ignore_revs_file).resolve()}")
        origins: set[str] = set()
        for path, ranges in targets.items():
            for blamed in self._blame_ranges(parent, path, ranges, extra):
                origins.add(blamed.sha)
        return origins

    # -- git grep at a revision --------------------------------------------------------

    def config_value(self, key: str, *, path: bool = False) -> str | None:
        """`key` from git's config as seen in this repository (the user's and the
        repository's own; never the system's), `--path` expanded when `path`; None unset.
        Only reads a value: nothing it names is run."""
        if not isinstance(key, str) or not _CONFIG_KEY_RE.match(key):
            raise BadInputError(f"{key!r} is not a git config key")
        args = ["config", *(["--path"] if path else []), "--get", key]
        code, out, _ = self._run(args, ok_codes=(0, 1))
        value = out.decode("utf-8", "surrogateescape").rstrip("\n")
        return value if code == 0 and value else None

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
    ) -> Iterator[tuple[str, int, str]]:
        """Every occurrence of any of the fixed strings in the tree of `rev`, from ONE `git
        grep -F -o`: (path, line, the needle matched there). Where needles overlap git
        reports one match only (`def handle_` hides `handle_2499` in `def handle_2499`):
        with `only_matching=False` it yields each matching line whole instead, for a
        caller that must find every needle on it. `paths` limits the search to those
        files (taken literally).
        Blobs git cannot read (a partial clone) are skipped and counted in `outcome`, so a
        caller can tell a whole search from a partial one."""
        wanted = [needle for needle in dict.fromkeys(needles) if needle]
        if not wanted:
            return
        sha = self._commit_id(rev)
        # `fixed=False`: the needles are extended regexes (a count of `class \w*Manager`).
        kind = "-F" if fixed else "-E"
        args = ["grep", "--no-textconv", "--no-color", "-I", "--full-name", kind, "-z", "-n"]
        if only_matching:
            args.append("-o")
        for needle in wanted:
            args += ["-e", needle]
        args += [sha, "--", *(f":(literal){path}" for path in paths)]
        # Fixed strings cannot backtrack: unlike a regex grep this one needs no deadline,
        # and on a big tree under load it may rightly take longer than one.
        stream = self._stream(args)
        try:
            for record in _grep_records(stream.chunks(cancel), sha):
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


@dataclass
class GrepOutcome:
    """How a batched grep ended: blobs it could not read, and whether it was stopped."""

    unreadable: int = 0
    cancelled: bool = False
    unreadable_paths: set[str] = field(default_factory=set)  # tree paths of those blobs


_UNREADABLE_BLOB = re.compile(r"unable to read ([0-9a-f]{40})")
_UNREADABLE_PATH = re.compile(r"'[0-9a-f]{7,64}:([^'\n]+)': unable to read")


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
    prefix = f"{sha}:".encode()
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


def _parse_numstat(out: bytes) -> list[FileStat]:
    from whys.core.repo_models import FileStat

    # -z numstat: "added\tdeleted\tpath\0", or for renames "added\tdeleted\t\0old\0new\0".
    tokens = out.split(b"\0")
    stats: list[FileStat] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        index += 1
        if not token:
            continue
        fields = token.split(b"\t", 2)
        if len(fields) != 3:
            continue
        added, deleted, path = fields
        old_path = None
        if not path and index + 1 < len(tokens) + 1:
            old_path = tokens[index].decode("utf-8", "surrogateescape")
            path = tokens[index + 1] if index + 1 < len(tokens) else b""
            index += 2
        stats.append(
            FileStat(
                path=path.decode("utf-8", "surrogateescape"),
                old_path=old_path,
                added=int(added) if added.isdigit() else None,
                deleted=int(deleted) if deleted.isdigit() else None,
            )
        )
    return stats


_C_ESCAPES = {"n": 10, "t": 9, '"': 34, "\\": 92, "a": 7, "b": 8, "f": 12, "r": 13, "v": 11}


def _unquote_path(text: str) -> str:
    """A path git printed C-quoted ("new\\nline.py"), back to the path itself."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return text
    body = text[1:-1].encode("utf-8", "surrogateescape")
    out = bytearray()
    index = 0
    while index < len(body):
        byte = body[index]
        if byte != 92 or index + 1 >= len(body):
            out.append(byte)
            index += 1
            continue
        following = chr(body[index + 1])
        if following in "01234567" and index + 3 < len(body) + 1:
            out.append(int(body[index + 1 : index + 4], 8) & 0xFF)
            index += 4
        else:
            out.append(_C_ESCAPES.get(following, body[index + 1]))
            index += 2
    return out.decode("utf-8", "surrogateescape")


def _parse_line_porcelain(out: bytes) -> list[BlameLine]:
    from whys.core.repo_models import BlameLine

    lines: list[BlameLine] = []
    current: dict[str, str] = {}
    header: list[str] = []
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):
            author_time = int(current.get("author-time", "0") or 0)
            tz = current.get("author-tz", "+0000")
            _, _, when = _parse_ident_time(f"x <x> {author_time} {tz}")
            lines.append(
                BlameLine(
                    line=int(header[2]),
                    sha=header[0],
                    orig_path=_unquote_path(current.get("filename", "")),
                    orig_line=int(header[1]),
                    author_name=current.get("author", ""),
                    author_email=current.get("author-mail", "").strip("<>"),
                    author_date=when,
                    summary=current.get("summary", ""),
                    boundary="boundary" in current,
                    content=raw[1:].decode("utf-8", "replace"),
                )
            )
            current = {}
            header = []
            continue
        text = raw.decode("utf-8", "replace")
        if not header:
            parts = text.split()
            if len(parts) >= 3 and _FULL_SHA_RE.match(parts[0]):
                header = parts
            continue
        key, _, value = text.partition(" ")
        current[key] = value
    return lines


_CONFIG_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(\.[^\s=]+)*\.[A-Za-z][A-Za-z0-9-]*$")


def git_config_value(key: str) -> str | None:
    """`key` from the user's own (global) git config, never from a repository's; None when
    unset. For the auditor's identity and SSH signing key (user.email, user.signingkey)."""
    if not isinstance(key, str) or not _CONFIG_KEY_RE.match(key):
        raise BadInputError(f"{key!r} is not a git config key")
    completed = subprocess.run(
        [git_executable(), "--no-pager", "config", "--global", "--includes", "--get", key],
        cwd=tempfile.gettempdir(),
        env=_safe_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        return None
    value = completed.stdout.decode("utf-8", "replace").rstrip("\n")
    return value or None


def open_repo(path: Path | str) -> GitRepo:
    """Open the repository at (or containing) `path`. Not a usable repository: BadRepoError."""
    location = Path(path).expanduser()
    if not location.exists():
        raise BadRepoError(f"{location}: no such directory")
    if not location.is_dir():
        raise BadRepoError(f"{location}: not a directory")
    location = location.resolve()
    completed = subprocess.run(
        _git_argv(
            [
                "rev-parse",
                "--absolute-git-dir",
                "--is-bare-repository",
                "--is-shallow-repository",
            ]
        ),
        cwd=location,
        env=_safe_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    stderr = completed.stderr.decode("utf-8", "replace")
    if completed.returncode != 0:
        if "dubious ownership" in stderr:
            raise BadRepoError(f"{location}: git refuses a repository owned by another user")
        if "not a git repository" in stderr.lower():
            raise NotARepositoryError(f"{location} is not a git repository")
        reason = _first_line(stderr).removeprefix("fatal: ") or "git failed"
        raise BadRepoError(f"{location}: not a usable git repository ({reason})")
    values = completed.stdout.decode("utf-8", "surrogateescape").splitlines()
    if len(values) < 3:
        raise BadRepoError(f"{location}: not a usable git repository")
    git_dir = Path(values[0])
    is_bare = values[1].strip() == "true"
    is_shallow = values[2].strip() == "true"
    if is_bare:
        root = git_dir
    else:
        top = subprocess.run(
            _git_argv(["rev-parse", "--show-toplevel"]),
            cwd=location,
            env=_safe_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        toplevel = top.stdout.decode("utf-8", "surrogateescape").strip()
        root = Path(toplevel).resolve() if top.returncode == 0 and toplevel else location
        if root != location and root not in location.parents:
            # core.worktree in the repository's own config can aim git (and the working-tree
            # search) at any folder on the machine: refuse rather than read outside.
            raise BadRepoError(
                f"{location}: the repository's config puts its working tree at {root}, "
                "outside it; refused"
            )
    _refuse_borrowed_repository(location, root, git_dir, is_bare)
    return GitRepo(root=root, git_dir=git_dir, is_bare=is_bare, is_shallow=is_shallow)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _vouches_for(git_dir: Path, root: Path) -> bool:
    """A git dir outside the working tree that is legitimately this tree's: a linked
    worktree's (its `gitdir` file names this tree's `.git`) or a submodule's (kept under
    `.git/modules/` of a repository that contains this tree)."""
    try:
        back = (git_dir / "gitdir").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        back = ""
    if back and Path(back).resolve() == (root / ".git").resolve():
        return True
    parts = git_dir.parts
    for index in range(len(parts) - 2):
        if parts[index] == ".git" and parts[index + 1] == "modules":
            superproject = Path(*parts[:index])
            if _inside(root, superproject):
                return True
    return False


def _alternates(objects: Path) -> list[str]:
    try:
        text = (objects / "info" / "alternates").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _refuse_borrowed_repository(location: Path, root: Path, git_dir: Path, is_bare: bool) -> None:
    """A working copy that shows another repository's content is refused, as core.worktree
    is: a `.git` file (or link) aiming at another repository's git dir, or objects borrowed
    from outside (objects/info/alternates) that would let a claim "verify" a commit this
    repository does not have."""
    git_dir = git_dir.resolve()
    if not is_bare and not _inside(git_dir, root) and not _vouches_for(git_dir, root):
        raise BadRepoError(
            f"{location}: its .git points at another repository ({git_dir}); refused"
        )
    common = git_dir
    try:
        pointer = (git_dir / "commondir").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        pointer = ""
    if pointer:
        common = (git_dir / pointer).resolve()
    home = root if not is_bare else git_dir
    for objects in dict.fromkeys([git_dir / "objects", common / "objects"]):
        for entry in _alternates(objects):
            target = (objects / entry).resolve() if not Path(entry).is_absolute() else Path(entry)
            if not _inside(target.resolve(), home):
                raise BadRepoError(
                    f"{location}: borrows objects from {target} (objects/info/alternates); "
                    "refused: a claim could verify a commit this repository does not have "
                    "(`git repack -a -d` and removing the alternates file make it standalone)"
                )


# added by checks: batch lookups the claim checks need, one git process for many claims.


def resolve_prefixes(repo: GitRepo, prefixes: Iterable[str]) -> dict[str, list[str]]:
    """For each hex prefix, the full SHAs of the commits it names (0 missing, 2+ ambiguous).

    One `cat-file --batch-check` answers every unambiguous prefix; only prefixes git calls
    ambiguous (or that name a non-commit) cost a `resolve_prefix` each."""
    wanted = list(dict.fromkeys(p.lower() for p in prefixes))
    for prefix in wanted:
        if not _HEX_RE.match(prefix):
            raise BadRevisionError(f"{prefix!r} is not a hexadecimal commit id (4-64 digits)")
    if not wanted:
        return {}
    stdin = "".join(f"{prefix}\n" for prefix in wanted).encode("ascii")
    _, out, _ = repo._run(["cat-file", "--batch-check=%(objectname) %(objecttype)"], stdin=stdin)
    answers = out.decode("ascii", "replace").splitlines()
    resolved: dict[str, list[str]] = {}
    for prefix, answer in zip(wanted, answers, strict=False):
        name, _, kind = answer.partition(" ")
        if kind == "commit" and _FULL_SHA_RE.match(name):
            resolved[prefix] = [name]
        elif kind == "missing":
            resolved[prefix] = []
    for prefix in wanted:
        if prefix not in resolved:
            resolved[prefix] = repo.resolve_prefix(prefix)
    return resolved


def missing_history_objects(repo: GitRepo) -> list[str] | None:
    """None when every commit reachable from a ref can be read; otherwise the object ids git
    reported missing (a damaged or partial clone). One quiet `rev-list` over commits only,
    asked once per opened repository: every check run on it (the parent's, HEAD's) shares it."""
    if repo._missing_history is False:
        try:
            repo._run(["rev-list", "--quiet", "--all"])
            repo._missing_history = None
        except MissingObjectError as error:
            repo._missing_history = error.missing or ["(unnamed)"]
    return repo._missing_history  # type: ignore[return-value]


def symlink_paths(repo: GitRepo, rev: str, paths: Iterable[str]) -> dict[str, str]:
    """Which of `paths` are symlinks in the tree of `rev`: path -> the link target as stored
    (never followed). One `ls-tree` for the paths asked about, one `cat-file` for targets."""
    sha = repo._commit_id(rev)
    wanted = [p for p in dict.fromkeys(paths) if _normalise_repo_path(p) is not None]
    if not wanted:
        return {}
    # Tree paths can hold pathspec magic (":(exclude)x" is a legal file name): literal only.
    _, out, _ = repo._run(
        ["--literal-pathspecs", "ls-tree", "-z", "--full-tree", sha, "--", *wanted]
    )
    blobs: list[tuple[str, str]] = []
    for record in out.split(b"\0"):
        if not record.startswith(b"120000 "):
            continue
        meta, _, path = record.partition(b"\t")
        blobs.append((meta.split()[2].decode("ascii"), path.decode("utf-8", "surrogateescape")))
    links: dict[str, str] = {}
    if blobs:
        stdin = "".join(f"{blob}\n" for blob, _ in blobs).encode("ascii")
        _, content, _ = repo._run(["cat-file", "--batch"], stdin=stdin)
        position = 0
        for _blob, path in blobs:
            end = content.index(b"\n", position)
            header = content[position:end].split()
            position = end + 1
            if len(header) < 3 or header[1] != b"blob":
                continue
            size = int(header[2])
            links[path] = content[position : position + size].decode("utf-8", "surrogateescape")
            position += size + 1
    return links


def subjects_matching(
    repo: GitRepo,
    rev: str | Sequence[str],
    texts: Sequence[str],
    *,
    since: datetime | None = None,
    all_match: bool = False,
    limit: int | None = None,
) -> list[tuple[str, str]]:
    """(full SHA, subject) of commits reachable from `rev` (or any of several) whose message
    contains any of `texts` (all of them with `all_match`), ignoring case, newest first. git
    filters the history itself, so only the matches reach Python; `since` bounds the walk."""
    wanted = [t for t in texts if t and "\0" not in t and "\n" not in t]
    starts = [rev] if isinstance(rev, str) else list(rev)
    if not wanted or not starts:
        return []
    shas = list(dict.fromkeys(repo._commit_id(start) for start in starts))
    args = ["log", "-z", "--format=%H%x00%s", "--fixed-strings", "--regexp-ignore-case"]
    if all_match:
        args.append("--all-match")
    if since is not None:
        args.append(f"--since={_as_git_date(since)}")
    args += [f"--grep={text}" for text in wanted]
    args += ["--end-of-options", *shas, "--"]
    stream = repo._stream(args)
    pairs: list[tuple[str, str]] = []
    pair: list[bytes] = []
    try:
        for token in _records(stream.chunks()):
            pair.append(token)
            if len(pair) == 2:
                subject = " ".join(pair[1].decode("utf-8", "replace").split())
                pairs.append((pair[0].decode("ascii", "replace"), subject))
                pair = []
                if limit is not None and len(pairs) >= limit:
                    stream.kill()
                    break
    finally:
        stream.kill_if_output_pending()
        repo._check_stream(stream, args)
    return pairs


def branches_and_tags(refs: Iterable[str]) -> tuple[list[str], list[str]]:
    """Full ref names as (branches, tags), sorted; remote branches as `origin/x`."""
    branches: list[str] = []
    tags: list[str] = []
    for ref in refs:
        if ref.startswith("refs/heads/"):
            branches.append(ref.removeprefix("refs/heads/"))
        elif ref.startswith("refs/remotes/") and not ref.endswith("/HEAD"):
            branches.append(ref.removeprefix("refs/remotes/"))
        elif ref.startswith("refs/tags/"):
            tags.append(ref.removeprefix("refs/tags/"))
    return sorted(branches), sorted(tags)


class BlobReader:
    """File contents at past revisions from one long-lived `git cat-file --batch`.

    `GitRepo.read_file` costs two git processes a file (`ls-tree`, then `cat-file blob`);
    a check that reads hundreds of cited files should open one reader instead and close it
    when done (`with BlobReader(repo) as blobs: blobs.read(sha, path)`). Same answers as
    `read_file`: the blob exactly as stored (no filters, no textconv), None when the path
    is not a file there, MissingObjectError when the tree names a blob the repository
    lacks. Not thread-safe: one reader per thread.
    """

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self.close()
            # A file, not a pipe, so git never blocks on a warning nobody reads.
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
            self._process = subprocess.Popen(
                _git_argv(["cat-file", "--batch"]),
                cwd=self.repo.root,
                env=_safe_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        return self._process

    @property
    def pid(self) -> int | None:
        """The git process serving the reads (None before the first read)."""
        return self._process.pid if self._process is not None else None

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _ask(self, name: str) -> tuple[str, bytes | None]:
        """(object type or "missing", content) for one object name."""
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
            process.stdin.flush()
            header = process.stdout.readline()
        except (BrokenPipeError, OSError):
            header = b""
        fields = header.split()
        if len(fields) == 2 and fields[1] in (b"missing", b"ambiguous"):
            return "missing", None
        if len(fields) != 3 or not fields[2].isdigit():
            self.close()
            raise BadRepoError(f"git cat-file stopped answering in {self.repo.root}")
        size = int(fields[2])
        content = process.stdout.read(size + 1)[:size]
        return fields[1].decode("ascii", "replace"), content

    def read(self, rev: str, path: str) -> bytes | None:
        """The blob at `path` in the commit `rev` (a full SHA is used as is)."""
        sha = self.repo._commit_id(rev)
        normal = _normalise_repo_path(path)
        if normal is None:
            return None
        if "\n" in normal:
            return self.repo.read_file(sha, normal)  # the batch protocol is line-based
        kind, content = self._ask(f"{sha}:{normal}")
        if kind == "blob":
            return content
        if kind != "missing":
            return None  # a folder (tree) or a submodule's commit
        # "missing" means either no such path or a blob the repository lacks: the parent
        # folder's tree tells which.
        folder, _, name = normal.rpartition("/")
        entry = self._tree_entry(sha, folder, name)
        if entry is None or not entry[0].startswith(("100", "120")):
            return None
        raise MissingObjectError(
            f"{self.repo.root}: blob {entry[1]} for {normal} at {sha[:12]} is missing", [entry[1]]
        )

    def _tree_entry(self, sha: str, folder: str, name: str) -> tuple[str, str] | None:
        """(mode, object id) of `name` in the tree of `folder` at `sha`; None if absent."""
        kind, tree = self._ask(f"{sha}:{folder}" if folder else f"{sha}^{{tree}}")
        if kind != "tree" or tree is None:
            return None
        width = len(sha) // 2  # a raw object id: 20 bytes (SHA-1) or 32 (SHA-256)
        wanted = name.encode("utf-8", "surrogateescape")
        position = 0
        while position < len(tree):
            space = tree.index(b" ", position)
            nul = tree.index(b"\0", space)
            mode, entry_name = tree[position:space], tree[space + 1 : nul]
            object_id = tree[nul + 1 : nul + 1 + width]
            position = nul + 1 + width
            if entry_name == wanted:
                return mode.decode("ascii"), object_id.hex()
        return None

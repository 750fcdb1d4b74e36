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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from whys.core.models import CommitInfo, Model
from whys.errors import BadInputError, BadRepoError, BadRevisionError

if TYPE_CHECKING:
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
# Fields of one log record, in `_LOG_FORMAT` order; the message is last.
_LOG_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B"
_LOG_FIELDS = 9
DIFF_LIMIT_BYTES = 1 << 20
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class MissingObjectError(BadRepoError):
    """The repository lacks an object git needs (damaged or partial clone)."""

    def __init__(self, message: str, missing: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.missing = list(missing)


class NotARepositoryError(BadRepoError):
    """The folder is not inside any git repository (a plain folder can still be searched)."""


class BlameLine(Model):
    line: int = Field(ge=1, description="line number in the blamed file at the revision")
    sha: str
    orig_path: str
    orig_line: int
    author_name: str = ""
    author_email: str = ""
    author_date: datetime
    summary: str = ""
    boundary: bool = Field(default=False, description="history ends here (root or shallow)")
    content: str = ""


class FileStat(Model):
    path: str
    old_path: str | None = Field(default=None, description="set when the file was renamed")
    added: int | None = Field(default=None, description="None for binary files")
    deleted: int | None = None


class CommitDetail(Model):
    info: CommitInfo
    stats: list[FileStat] = Field(default_factory=list)
    diff: str = ""
    truncated: bool = Field(default=False, description="the diff was cut at the size limit")


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


def subject_of(message: str) -> str:
    """git's %s: the first paragraph of the message, its lines joined by spaces."""
    first, _, _ = message.partition("\n\n")
    if "\n" not in first and first.strip() == first and first:
        return first
    paragraph: list[str] = []
    for line in message.splitlines():
        if not line.strip():
            if paragraph:
                break
            continue
        paragraph.append(line.strip())
    return " ".join(paragraph)


_COMMIT_FIELDS = frozenset(CommitInfo.model_fields)
_set_attribute = object.__setattr__


def _build_commit(**values: object) -> CommitInfo:
    """CommitInfo.model_construct without its per-field default loop (every field is given,
    typed by the parser): the listing of 200,000 commits spends its time here otherwise."""
    commit = CommitInfo.__new__(CommitInfo)
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
        author_date=_iso_date(ad),
        committer_name=cn,
        committer_email=ce,
        committer_date=_iso_date(cd),
        parents=parents.split(),
    )


def _iso_date(text: str) -> datetime:
    # A hand-crafted commit can carry a date git cannot print as ISO: keep the commit.
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return _EPOCH


def _log_records(chunks: Iterable[bytes]) -> Iterator[list[str]]:
    """Groups of _LOG_FIELDS NUL-separated fields, decoded a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending: list[str] = []
    tail = ""
    for chunk in chunks:
        tokens = (tail + decoder.decode(chunk)).split("\0")
        tail = tokens.pop()
        if pending:
            tokens[:0] = pending
        whole = len(tokens) - len(tokens) % _LOG_FIELDS
        for start in range(0, whole, _LOG_FIELDS):
            yield tokens[start : start + _LOG_FIELDS]
        pending = tokens[whole:]
    tail += decoder.decode(b"", final=True)
    if tail:
        pending.append(tail)
    if len(pending) == _LOG_FIELDS:
        yield pending


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
        # No separate rev-parse: the checked revision goes straight after --end-of-options.
        start = self._checked_revision(rev)
        args = ["log", "-z", f"--format={_LOG_FORMAT}", *NO_DRIVERS]
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
        yield from self._log_stream(args, cancel)

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
        stream = self._stream(args)
        try:
            for fields in _log_records(stream.chunks(cancel)):
                if cancel is not None and cancel.is_set():
                    stream.kill()
                    break
                yield _commit_from_fields(fields)
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

    def show_commit(self, sha: str, *, diff_limit: int = DIFF_LIMIT_BYTES) -> CommitDetail:
        """Message, dates, per-file stats and the diff against the first parent (cut at
        `diff_limit` bytes, `truncated` set)."""
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
            stream.kill_if_output_pending()
            code, stderr = stream.finish()
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
            stream.kill_if_output_pending()
            code, stderr = stream.finish()
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
    return GitRepo(root=root, git_dir=git_dir, is_bare=is_bare, is_shallow=is_shallow)


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
    reported missing (a damaged or partial clone). One quiet `rev-list` over commits only."""
    try:
        repo._run(["rev-list", "--quiet", "--all"])
    except MissingObjectError as error:
        return error.missing or ["(unnamed)"]
    return None


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


def ref_commits(repo: GitRepo) -> list[tuple[str, str | None, int]]:
    """(ref name, the commit it names, that commit's committer time) for every branch,
    remote branch and tag, from one `for-each-ref`. The commit is None when the ref names
    something else (a tree, a blob, a tag of a tag), which this listing does not follow."""
    fields = "%(refname)%00%(objecttype)%00%(objectname)%00%(committerdate:unix)"
    peeled = "%00%(*objecttype)%00%(*objectname)%00%(*committerdate:unix)"
    _, out, _ = repo._run(
        ["for-each-ref", f"--format={fields}{peeled}", "refs/heads", "refs/remotes", "refs/tags"]
    )
    refs: list[tuple[str, str | None, int]] = []
    for line in out.decode("utf-8", "replace").splitlines():
        name, kind, sha, when, inner_kind, inner_sha, inner_when = (line.split("\0") + [""] * 7)[:7]
        if kind == "tag":
            kind, sha, when = inner_kind, inner_sha, inner_when
        if kind == "commit" and when.strip().isdigit():
            refs.append((name, sha, int(when)))
        else:
            refs.append((name, None, 0))
    return refs


@dataclass
class HistoryWalk:
    """Commits reachable from some revisions (committed since `since`, when given), kept as
    git printed them, newest first, one line each: "<sha> <parents>\\0<committer time>
    <subject>". Lines are split only for the commits a question reaches."""

    since: datetime | None
    text: str
    lines: dict[str, str]
    width: int = 40  # hex digits of an object id (64 in a SHA-256 repository)
    _casefolded: str | None = None

    def committed(self, sha: str) -> int:
        line = self.lines[sha]
        return int(line[line.find("\0") + 1 :].partition(" ")[0])

    def subject(self, sha: str) -> str:
        line = self.lines[sha]
        return " ".join(line[line.find("\0") + 1 :].partition(" ")[2].split())

    def shas_with(self, texts: Iterable[str]) -> list[str]:
        """Commits whose subject contains any of `texts`, ignoring case, in walk order."""
        folded = self._folded()
        found: set[str] = set()
        for text in {t.casefold() for t in texts if t and "\n" not in t and "\0" not in t}:
            position = folded.find(text)
            while position != -1:
                start = folded.rfind("\n", 0, position) + 1
                # Only the subject part counts, not the SHA and parents before the NUL.
                if folded.find("\0", start, position) != -1:
                    found.add(folded[start : start + self.width])
                position = folded.find(text, position + 1)
        return [sha for sha in self.lines if sha in found] if found else []

    def _folded(self) -> str:
        if self._casefolded is None:
            self._casefolded = self.text.casefold()
        return self._casefolded


def history_walk(repo: GitRepo, revs: Iterable[str], since: datetime | None = None) -> HistoryWalk:
    """One `git log` for the ancestry of several revisions and the subjects of their
    history: ancestry questions and subject searches share a single walk."""
    shas = list(dict.fromkeys(repo._commit_id(rev) for rev in revs))
    if not shas:
        return HistoryWalk(since, "", {})
    args = ["log", "--format=%H %P%x00%ct %s"]
    if since is not None:
        args.append(f"--since={_as_git_date(since)}")
    out = repo._run_spooled([*args, "--end-of-options", *shas, "--"])
    text = out.decode("utf-8", "replace")
    width = text.find(" ") if text else 40
    lines = {line[:width]: line for line in text.split("\n") if len(line) > width}
    return HistoryWalk(since, text, lines, width)

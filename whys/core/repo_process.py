"""The git process layer of `whys.core.repo`: the safety overrides, the scrubbed
environment, the argv every git process starts with, and streamed output split in records.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from whys.core.lazyre import lazy_compile
from whys.errors import BadRepoError

TYPE_CHECKING = False  # as typing's, without importing typing (start-up)
if TYPE_CHECKING:
    from typing import BinaryIO

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
_HEX_RE = lazy_compile(r"^[0-9a-fA-F]{4,64}$")
_FULL_SHA_RE = lazy_compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_OBJECT_IN_MESSAGE_RE = lazy_compile(r"\b([0-9a-f]{40}|[0-9a-f]{64})\b")
# Phrases git uses for the object it could not find (not the ones it was walking from).
_MISSING_OBJECT_RE = lazy_compile(
    r"(?:could not read|bad object|unable to read|missing (?:blob|tree|commit)|"
    r"loose object|not a valid object name|bad tree object)\s+([0-9a-f]{40}|[0-9a-f]{64})\b",
    re.IGNORECASE,
)
_BAD_REVISION_RE = lazy_compile(
    r"unknown revision|bad revision|ambiguous argument|invalid object name", re.I
)
_HUNK_RE = lazy_compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_READ_CHUNK = 1 << 16
_PIPE_BYTES = 1 << 20
# A read that returns less than this finds the child slower than its reader; see read_paced.
_SMALL_READ = 1 << 14
_READ_PAUSE_MS = 3


class MissingObjectError(BadRepoError):
    """The repository lacks an object git needs (damaged or partial clone)."""

    def __init__(self, message: str, missing: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.missing = list(missing)


class NotARepositoryError(BadRepoError):
    """The folder is not inside any git repository (a plain folder can still be searched)."""


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


def unnamed_file() -> BinaryIO:
    """An unnamed file for a child's stderr (a file, not a pipe, so a chatty child never
    blocks on a warning nobody reads yet) or a large output read back at once: in memory
    where the system offers it (Linux), else a temporary file. `tempfile` alone would load
    shutil, random, bz2 and lzma: 3 ms of every command's start-up."""
    if hasattr(os, "memfd_create"):
        try:
            return open(os.memfd_create("whys-child-output", os.MFD_CLOEXEC), "w+b")  # noqa: SIM115
        except OSError:
            pass  # a kernel without memfd: the file on disk below
    import tempfile

    return tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it


def widen_pipe(stream: BinaryIO | None) -> None:
    """Let the child write up to 1 MiB ahead of its reader (Linux; the default is 64 KiB):
    on a large output both stall and wake far less often (a 76,000-hit search, 12% less
    time). Where the system will not, the default pipe serves."""
    import fcntl

    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if stream is None or set_size is None:
        return
    # Over the user's pipe allowance (pipe-user-pages-soft) the call fails: 64 KiB it is.
    with contextlib.suppress(OSError):
        fcntl.fcntl(stream.fileno(), set_size, _PIPE_BYTES)


def read_paced(stream: BinaryIO, cancel: threading.Event | None = None) -> Iterator[bytes]:
    """A child's output as it comes, up to 64 KiB a read, until its end or until `cancel`
    is set (checked before each read). After a read that found little, the reader waits up
    to 3 ms for more to build up: woken for every few kilobytes, the reader and the child
    (rg's threads, on two cores) take turns, and on zen's greps that cost 5-6% of the whole
    command. The wait ends at once when the child closes its output (a quick git call
    pays nothing); a child writing fast is read at full speed."""
    import select

    read = stream.read1
    closed = select.poll()
    closed.register(stream.fileno(), 0)  # no events asked: poll wakes on a hang-up only
    while cancel is None or not cancel.is_set():
        chunk = read(_READ_CHUNK)
        if not chunk:
            return
        yield chunk
        if len(chunk) < _SMALL_READ:
            closed.poll(_READ_PAUSE_MS)


class Background:
    """A call running on its own thread from now on; `result()` waits for it, then returns
    what it returned or raises what it raised."""

    def __init__(self, call: Callable[[], object]) -> None:
        self._call = call
        self._value: object = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._call()
        except BaseException as error:  # noqa: BLE001 - raised again to whoever asks
            self._error = error

    def result(self) -> object:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


class _Stream:
    """One git process whose stdout is read in chunks; stderr goes to a temp file so a chatty
    git never blocks. Closing (or cancelling) kills the process."""

    def __init__(self, argv: list[str], cwd: Path, stdin: bytes | None = None) -> None:
        self._stderr = unnamed_file()  # closed in finish()
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=_safe_env(),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        widen_pipe(self.process.stdout)
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
        yield from read_paced(self.process.stdout, cancel)
        if cancel is not None and cancel.is_set():
            self.kill()
        else:
            self.eof = True

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

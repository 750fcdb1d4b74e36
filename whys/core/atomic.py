"""Writing files all at once, and locking them between processes.

Every file whys writes (sessions, verdict files, reports, signatures, baselines) goes
through `atomic_write_bytes`: a temporary file in the same folder, fsync, rename over the
old file, fsync of the folder. A crash or a kill at any moment leaves the old file or the
new one, never a torn mix.

Symbolic links are decided, never stumbled into: `symlinks="follow"` writes through a link
to its target (a session kept in a dotfiles folder stays there, the link stays a link);
`symlinks="refuse"` refuses to write at a path that is a link at all (a signature must not
land wherever a planted `.sig` link points).

`exclusive_lock(path)` holds an OS lock (fcntl.flock on the folder of `path`) for a
read-merge-write, so two processes never interleave their saves.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from whys.errors import SessionError

SymlinkPolicy = Literal["follow", "refuse"]


def describe_os_error(error: OSError, action: str, path: Path) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = "the disk is full"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "the folder is read-only or not writable"
    elif error.errno == errno.ENOENT:
        reason = "the folder does not exist"
    else:
        reason = error.strerror or str(error)
    return f"cannot {action} {path}: {reason}"


def _fsync_folder(folder: Path) -> None:
    try:
        folder_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some filesystems cannot open a folder; the rename itself already happened
    try:
        os.fsync(folder_fd)
    except OSError:
        pass  # e.g. EINVAL on filesystems that do not sync folders
    finally:
        os.close(folder_fd)


def _new_file_mode(private: bool) -> int:
    if private:
        return 0o600
    current_umask = os.umask(0o022)
    os.umask(current_umask)
    return 0o666 & ~current_umask


def write_target(path: Path, symlinks: SymlinkPolicy = "follow") -> Path:
    """The file a write to `path` really replaces: the link's final target when `path` is
    a symbolic link and links are followed; SessionError when they are refused."""
    path = Path(path)
    if not path.is_symlink():
        return path
    if symlinks == "refuse":
        raise SessionError(f"refusing to write {path}: it is a symbolic link")
    return Path(os.path.realpath(path))


def atomic_write_bytes(
    path: Path,
    data: bytes,
    *,
    what: str = "save",
    private: bool = True,
    symlinks: SymlinkPolicy = "follow",
) -> Path:
    """Replace `path` with `data` all at once: temp file in the same folder, fsync, rename.
    Returns the file written (the link's target when `path` is a followed link).

    A new file is readable by its owner only when `private` (sessions), else it gets the
    usual permissions (exports to share); an existing file keeps its permissions.
    Raises SessionError (one line: read-only, disk full, ...) and leaves the old file intact.
    """
    path = write_target(Path(path), symlinks)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # here: its import (shutil, random) is start-up time for every reader

        # The writer's pid in the name lets a later open tell a killed save's leftover
        # from one in flight (see session.remove_stale_temp_files).
        descriptor, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=folder
        )
    except OSError as error:
        raise SessionError(describe_os_error(error, what, path)) from error
    temp_path = Path(temp_name)
    try:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = _new_file_mode(private)
        os.fchmod(descriptor, mode)
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
        os.fsync(descriptor)
        os.close(descriptor)
        descriptor = -1
        if symlinks == "refuse" and path.is_symlink():
            # Planted between the check above and now: still never written through.
            raise SessionError(f"refusing to write {path}: it is a symbolic link")
        os.replace(temp_path, path)  # replaces a link itself, never its target
    except OSError as error:
        if descriptor >= 0:
            os.close(descriptor)
        temp_path.unlink(missing_ok=True)
        raise SessionError(describe_os_error(error, what, path)) from error
    except SessionError:
        temp_path.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    return path


@contextmanager
def exclusive_lock(path: Path, *, what: str = "lock") -> Iterator[None]:
    """Hold an exclusive OS lock (fcntl.flock) for writing `path`, on the folder that holds
    it: the file itself is replaced by every save, so it cannot carry a lock, and a lock
    file beside it would be left behind. Blocks until the other holder is done; the kernel
    releases the lock when that process dies."""
    folder = Path(path).parent
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EPERM, errno.ENOENT):
            # A folder we cannot open (or not there yet): no other writer can save there
            # either, and the load or save itself will say what failed.
            yield
            return
        raise SessionError(describe_os_error(error, what, Path(path))) from error
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            os.close(descriptor)

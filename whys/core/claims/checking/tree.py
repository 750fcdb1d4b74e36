"""The checked revision's tree and file texts: listing, names, symlinks, lines."""

from __future__ import annotations

import posixpath
import threading
from collections.abc import Iterable

from whys.core.models import CommitInfo
from whys.core.repo import BlobReader, GitRepo, symlink_paths
from whys.errors import BadInputError


class Tree:
    """One revision's files, read once and shared by every claim of a run."""

    def __init__(self, repo: GitRepo, revision: str) -> None:
        self.repo = repo
        self.revision = revision
        self._files: list[str] | None = None
        self._by_name: dict[str, list[str]] | None = None
        self._links: dict[str, str | None] = {}
        self._file_set: set[str] | None = None
        self._texts: dict[str, list[str] | None] = {}
        # One `git cat-file --batch` serves every read of the run; `close` ends it.
        self._blobs = BlobReader(repo)
        self._blobs_lock = threading.Lock()
        self._listing_lock = threading.Lock()
        self.closest_paths: dict[str, list[str]] = {}  # by path as written
        self._last_changes: dict[str, CommitInfo | None] = {}

    @property
    def files(self) -> list[str]:
        if self._files is None:
            with self._listing_lock:  # prefetch jobs ask for it together: list it once
                if self._files is None:
                    self._files = self.repo.list_files(self.revision)
        return self._files

    @property
    def by_name(self) -> dict[str, list[str]]:
        if self._by_name is None:
            index: dict[str, list[str]] = {}
            for path in self.files:
                index.setdefault(posixpath.basename(path), []).append(path)
            self._by_name = index
        return self._by_name

    @property
    def file_set(self) -> set[str]:
        if self._file_set is None:
            self._file_set = set(self.files)
        return self._file_set

    def learn_links(self, paths: Iterable[str]) -> None:
        """Ask, in one batch, which of these tree paths are symlinks."""
        unknown = [p for p in paths if p not in self._links]
        if unknown:
            found = symlink_paths(self.repo, self.revision, unknown)
            for path in unknown:
                self._links[path] = found.get(path)

    def link_target(self, path: str) -> str | None:
        """The symlink's stored target, or None for a regular file."""
        self.learn_links([path])
        return self._links[path]

    def lines_of(self, path: str) -> list[str] | None:
        """The file's lines at the revision; None when it cannot be read as text."""
        if path not in self._texts:
            with self._blobs_lock:
                raw = self._blobs.read(self.revision, path)
            if raw is None or b"\0" in raw[:8000]:
                self._texts[path] = None
            else:
                self._texts[path] = raw.decode("utf-8", "replace").splitlines()
        return self._texts[path]

    def last_change(self, path: str) -> CommitInfo | None:
        """The last commit before the revision that touched `path` (a repo-relative path
        the tree does not hold): the commit that deleted it, when it was ever there."""
        if path not in self._last_changes:
            try:
                # One commit at most, read to the end: the git process is done with.
                commits = list(self.repo.iter_log(self.revision, paths=[path], max_count=1))
            except BadInputError:
                commits = []
            self._last_changes[path] = commits[0] if commits else None
        return self._last_changes[path]

    def close(self) -> None:
        """End the run's blob reader (a later read starts a new one)."""
        with self._blobs_lock:
            self._blobs.close()

    def files_naming(
        self, name: str, *, cancel: threading.Event | None = None, limit: int = 3
    ) -> list[str]:
        """A few files holding `name` as a word at the revision, from one `git grep`."""
        files: list[str] = []
        for hit in self.repo.grep(
            self.revision, name, fixed_strings=True, word=True, max_hits=50, cancel=cancel
        ):
            if hit.path not in files:
                files.append(hit.path)
            if len(files) >= limit:
                break
        return files

    def readable(self, path: str) -> tuple[str | None, str | None]:
        """(path to read, problem): symlinks are followed only when they stay in the tree."""
        seen = 0
        target = self.link_target(path)
        while target is not None and seen < 8:
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if target.startswith("/") or joined == ".." or joined.startswith("../"):
                return None, f"`{path}` is a symlink out of the repository ({target}); not read"
            path = joined
            seen += 1
            target = self.link_target(path) if path in self.file_set else None
        if target is not None:
            return None, f"`{path}` is a symlink loop; not read"
        if path not in self.file_set:
            return None, f"`{path}` is a symlink to a missing file"
        return path, None

"""Counts that are not of fixed strings (those ride the run's batched tree search):
definitions (regexes, one batched search of their own), commits by message, path or date."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from whys.core.claims.checking.tree_search import TreeSearch, WorkingTree
from whys.core.repo import GitRepo, subjects_matching


@dataclass
class Partial:
    """A count over a tree some of whose blobs git could not read: `count` is of the
    readable part, `unreadable` how many blobs were skipped."""

    count: int = 0
    files: set[str] = field(default_factory=set)
    unreadable: int = 0
    failed: str | None = None
    by_file: dict[str, int] = field(default_factory=dict)  # matches in each file


@dataclass
class Readings:
    """The two readings of "N commits related to X": subjects that mention X, and commits
    that touch a path named X (None when no such path)."""

    mentioning: int = 0
    touching: int | None = None
    path: str | None = None


class Counts:
    """Every distinct (pattern, unit) measured once per run."""

    def __init__(
        self,
        repo: GitRepo,
        revision: str,
        cancel: threading.Event | None,
        working_tree: WorkingTree | None = None,
    ) -> None:
        self.repo = repo
        self.revision = revision
        self.cancel = cancel
        # Counts of definitions: regexes, one batched search of the tree for all of them.
        self.definitions = TreeSearch(repo, revision, cancel, regex=True, working_tree=working_tree)
        self._regex_lock = threading.Lock()
        self._readings: dict[str, Readings] = {}

    def commits_matching(self, pattern: str) -> int:
        """How many commits reachable from the revision have `pattern` in their message."""
        return sum(
            1 for _ in self.repo.iter_log(self.revision, message=pattern, cancel=self.cancel)
        )

    def want_regexes(self, patterns: Iterable[str]) -> None:
        """Regexes `regex_lines` will be asked about: counted together, by one pass over
        the tree (`definitions.run`, a prefetch job) instead of one a regex."""
        self.definitions.want(patterns)

    def regex_lines(self, pattern: str) -> Partial:
        """Matches of a regex at the revision (a count of definitions), as `git grep -o`
        counts them; blobs git cannot read are skipped and counted."""
        search = self.definitions
        with self._regex_lock:
            failed = search.failure(pattern)
            if failed is not None:
                return Partial(failed=failed, unreadable=search.unreadable)
            return Partial(
                count=search.match_count(pattern),
                files=search.files(pattern),
                unreadable=search.unreadable,
                by_file=search.matches_by_file(pattern),
            )

    def commit_readings(self, topic: str) -> Readings:
        """Both readings of "N commits related to `topic`": commits whose message mentions
        it, and, when the topic names a folder of the tree, commits that touch it."""
        if topic not in self._readings:
            readings = Readings()
            readings.mentioning = len(subjects_matching(self.repo, [self.revision], [topic]))
            folder = topic.strip().split()[0].strip("/") if topic.strip() else ""
            if folder and "/" not in folder and self._is_folder(folder):
                readings.path = folder + "/"
                readings.touching = sum(
                    1 for _ in self.repo.iter_log(self.revision, paths=[folder], cancel=self.cancel)
                )
            self._readings[topic] = readings
        return self._readings[topic]

    def commits_since(self, day: str) -> int:
        """Commits reachable from the revision since a date (`git log --since`)."""
        since = f"{day} 00:00:00 +0000"  # a bare date would mean this time of day to git
        return sum(1 for _ in self.repo.iter_log(self.revision, since=since, cancel=self.cancel))

    def mentioning_all(self, words: list[str]) -> int:
        """Commits whose message holds every one of `words` (ignoring case)."""
        return len(subjects_matching(self.repo, [self.revision], words, all_match=True))

    def _is_folder(self, name: str) -> bool:
        prefix = name + "/"
        return any(path.startswith(prefix) for path in self.repo.list_files(self.revision))

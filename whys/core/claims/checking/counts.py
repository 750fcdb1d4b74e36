"""Counts: rg on the working tree when it is the checked revision, else `git grep` at it;
the pinned `git grep` count is also what a count's evidence re-runs."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from whys.core import search
from whys.core.repo import GitRepo, GrepOutcome, subjects_matching

# Files a batch of regexes may narrow to; past this, each regex searches the whole tree.
MAX_NARROWED_FILES = 2000


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

    def __init__(self, repo: GitRepo, revision: str, cancel: threading.Event | None) -> None:
        self.repo = repo
        self.revision = revision
        self.cancel = cancel
        self._working_tree: bool | None = None
        self._counts: dict[tuple[str, str], search.SearchCount] = {}
        self._pinned: dict[tuple[str, str], search.SearchCount] = {}
        self._regex: dict[tuple[str, str], Partial] = {}
        self._regex_wanted: dict[str, None] = {}
        self._regex_lock = threading.Lock()
        self._readings: dict[str, Readings] = {}

    @property
    def on_working_tree(self) -> bool:
        """Counts use rg on the working tree only when it is the checked-out revision,
        unmodified (a --no-checkout clone has an empty working tree)."""
        if self._working_tree is None:
            self._working_tree = (
                not self.repo.is_bare
                and self.repo.resolve_revision("HEAD") == self.revision
                and self.repo.worktree_is_clean()
            )
        return self._working_tree

    def measure(self, pattern: str, unit: str) -> search.SearchCount:
        rg_unit: Literal["files", "matches"] = "files" if unit == "files" else "matches"
        if self.on_working_tree:
            return search.count(
                self.repo.root, pattern, unit=rg_unit, fixed_strings=True, cancel=self.cancel
            )
        return self.pinned_count(pattern, unit)

    def pinned_count(self, pattern: str, unit: str) -> search.SearchCount:
        """The count `git grep` gives at the revision: what a count's evidence re-runs. One
        search of matches also counts their files (`-I` skips binary files either way)."""
        key = (pattern, unit)
        if key not in self._pinned:
            rg_unit: Literal["files", "matches"] = "files" if unit == "files" else "matches"
            counted = self.repo.grep_count(
                self.revision, pattern, unit=rg_unit, fixed_strings=True, cancel=self.cancel
            )
            self._pinned[key] = counted
            if unit == "matches" and not counted.cancelled:
                update = {"unit": "files", "count": counted.files, "matches": None}
                self._pinned[(pattern, "files")] = counted.model_copy(update=update)
        return self._pinned[key]

    def count(self, pattern: str, unit: str) -> search.SearchCount:
        key = (pattern, unit)
        if key not in self._counts:
            self._counts[key] = self.measure(pattern, unit)
        return self._counts[key]

    def commits_matching(self, pattern: str) -> int:
        """How many commits reachable from the revision have `pattern` in their message."""
        return sum(
            1 for _ in self.repo.iter_log(self.revision, message=pattern, cancel=self.cancel)
        )

    def want_regexes(self, patterns: Iterable[str]) -> None:
        """Regexes `regex_lines` will be asked about: the first question counts them all,
        from one pass over the tree instead of one a regex."""
        for pattern in patterns:
            if ("regex", pattern) not in self._regex:
                self._regex_wanted[pattern] = None

    def regex_lines(self, pattern: str) -> Partial:
        """Lines matching an extended regex at the revision (a count of definitions), from
        `git grep -o`; blobs git cannot read are skipped and counted."""
        key = ("regex", pattern)
        with self._regex_lock:
            if key not in self._regex and pattern in self._regex_wanted:
                self._count_wanted_regexes()
            if key not in self._regex:
                self._regex[key] = self._regex_count(pattern)
            return self._regex[key]

    def _count_wanted_regexes(self) -> None:
        """One `git grep` for every wanted regex finds the files any of them matches; each
        regex is then counted over those files only, with the same `git grep -o`. Exact: a
        file no regex matches adds nothing to any count, and the blobs git could not read
        are those of the whole pass. When the pass fails, each regex runs alone (and
        meets its own failure)."""
        from whys.errors import BadInputError

        patterns, self._regex_wanted = list(self._regex_wanted), {}
        if len(patterns) < 2:
            return
        outcome = GrepOutcome()
        files: dict[str, None] = {}
        try:
            for path, _line, _text in self.repo.grep_occurrences(
                self.revision,
                patterns,
                outcome,
                cancel=self.cancel,
                fixed=False,
                only_matching=False,
            ):
                files[path] = None
        except BadInputError:
            return
        if outcome.cancelled or len(files) > MAX_NARROWED_FILES:
            return
        for pattern in patterns:
            found = self._regex_count(pattern, list(files)) if files else Partial()
            found.unreadable = outcome.unreadable
            self._regex[("regex", pattern)] = found

    def _regex_count(self, pattern: str, paths: list[str] | None = None) -> Partial:
        from whys.errors import BadInputError

        outcome = GrepOutcome()
        found = Partial()
        try:
            for path, _line, _text in self.repo.grep_occurrences(
                self.revision,
                [pattern],
                outcome,
                cancel=self.cancel,
                fixed=False,
                paths=paths or (),
            ):
                found.count += 1
                found.files.add(path)
                found.by_file[path] = found.by_file.get(path, 0) + 1
        except BadInputError as error:
            found.failed = error.message
        found.unreadable = outcome.unreadable
        return found

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

    def prefetch(self, pattern: str, unit: str) -> None:
        """Measure ahead of the claims that ask; a count of matches also counts files."""
        measured = self.measure(pattern, unit)
        self._counts[(pattern, unit)] = measured
        if unit == "matches":
            update = {"unit": "files", "count": measured.files}
            self._counts[(pattern, "files")] = measured.model_copy(update=update)

"""Where names and quoted strings occur in the checked tree: one `git grep` for a whole run.

A `git grep` costs the same whatever it looks for (it reads every blob: about 1.5 s on a
19,000-file tree), so kinds say in `prefetch` which fixed strings they will ask about
(`want`), and the run searches for all of them at once (`run`). Afterwards each string has
its places (capped), its file count and its match count; `unreadable` says how many blobs
git could not read, so "found nowhere" is evidence of absence only when it is 0.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from whys.core.repo import GitRepo, GrepOutcome

# Places kept per string: enough to name where a thing is, not a listing of every use.
MAX_PLACES = 50
# Documents and data files: their places are listed after those in code.
PROSE = (".md", ".rst", ".txt", ".adoc", ".json", ".xml", ".html", ".csv", ".log", ".ipynb")
# Strings shorter than this match everywhere and say nothing; they are never searched.
MIN_LENGTH = 3


@dataclass
class Occurrences:
    """What the tree holds of one string."""

    places: list[tuple[str, int]] = field(default_factory=list)
    # Kept apart so a name quoted in hundreds of reports (which sort first: `AUDIT.md` before
    # `src/`) still shows where the code has it.
    prose_places: list[tuple[str, int]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    matches: int = 0


def _finder(needles: list[str]) -> re.Pattern[str]:
    """Every position where a needle starts, overlapping ones included (a lookahead),
    naming the longest needle that starts there."""
    ordered = sorted(needles, key=len, reverse=True)
    return re.compile("(?=(" + "|".join(re.escape(n) for n in ordered) + "))")


def _prefixes(longest: str, found: dict[str, Occurrences]) -> list[str]:
    return [longest[:end] for end in range(MIN_LENGTH, len(longest) + 1) if longest[:end] in found]


class TreeSearch:
    """Batched fixed-string search over one revision's tree, shared by every kind."""

    def __init__(self, repo: GitRepo, revision: str, cancel: threading.Event | None) -> None:
        self.repo = repo
        self.revision = revision
        self.cancel = cancel
        self._wanted: dict[str, None] = {}
        self._found: dict[str, Occurrences] = {}
        self.unreadable = 0
        self.unreadable_paths: set[str] = set()  # which files those were
        self.cancelled = False
        self.failed: str | None = None  # why the search could not run, when it could not

    def want(self, needles: Iterable[str]) -> None:
        """Strings a later question will be about; searched at the next `run`."""
        for needle in needles:
            if len(needle) >= MIN_LENGTH and "\n" not in needle and needle not in self._found:
                self._wanted[needle] = None

    @property
    def pending(self) -> bool:
        return bool(self._wanted)

    def run(self) -> None:
        """Search every wanted string in one `git grep`; a string asked again is not."""
        from whys.errors import BadInputError

        needles = list(self._wanted)
        self._wanted.clear()
        if not needles:
            return
        found = {needle: Occurrences() for needle in needles}
        finder = _finder(needles)
        outcome = GrepOutcome()
        try:
            for path, line, text in self.repo.grep_occurrences(
                self.revision, needles, outcome, cancel=self.cancel, only_matching=False
            ):
                for match in finder.finditer(text):
                    # The longest needle starting here; shorter needles starting here are
                    # its prefixes. Needles starting elsewhere have their own positions.
                    longest = match.group(1)
                    for needle in _prefixes(longest, found):
                        seen = found[needle]
                        seen.matches += 1
                        if path not in seen.files:
                            seen.files.add(path)
                        kept = seen.prose_places if path.endswith(PROSE) else seen.places
                        if len(kept) < MAX_PLACES and (not kept or kept[-1] != (path, line)):
                            kept.append((path, line))
        except BadInputError as error:
            self.failed = error.message
        self.unreadable = max(self.unreadable, outcome.unreadable)
        self.unreadable_paths |= outcome.unreadable_paths
        self.cancelled = self.cancelled or outcome.cancelled
        self._found.update(found)

    def _of(self, needle: str) -> Occurrences | None:
        if needle not in self._found:
            self.want([needle])
            self.run()
        return self._found.get(needle)

    def searched(self, needle: str) -> bool:
        """Whether the answers about `needle` are whole: searched, not cut short, no
        failure. (Unreadable blobs are reported apart: see `unreadable`.)"""
        return self._of(needle) is not None and not self.cancelled and self.failed is None

    def places(self, needle: str) -> list[tuple[str, int]]:
        """(path, line) of the first occurrences: in code and config first, then in
        documents and data, each in git's path order."""
        found = self._of(needle)
        return [*found.places, *found.prose_places] if found else []

    def file_count(self, needle: str) -> int:
        found = self._of(needle)
        return len(found.files) if found else 0

    def files(self, needle: str) -> set[str]:
        found = self._of(needle)
        return set(found.files) if found else set()

    def match_count(self, needle: str) -> int:
        found = self._of(needle)
        return found.matches if found else 0

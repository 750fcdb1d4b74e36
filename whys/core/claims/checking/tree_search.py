"""Where names and quoted strings occur in the checked tree: one `git grep` for a whole run.

A `git grep` costs the same whatever it looks for (it reads every blob: about 1.5 s on a
19,000-file tree), so kinds say in `prefetch` which fixed strings they will ask about
(`want`), and the run searches for all of them at once (`run`). Afterwards each string has
its places, its file count and its match count; `unreadable` says how many blobs git could
not read, so "found nowhere" is evidence of absence only when it is 0.

Answers are kept file by file, so a search at another revision need not read the whole tree
again: `derive` keeps the files the two trees share and searches only those that differ
(the analysis's parent commit, HEAD for drift). When the checked revision is the checked-out
HEAD, the working tree is searched instead of the blobs (no inflating), and the files it
holds differently from HEAD are searched at the revision.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from whys.core.repo import Background, GitRepo, GrepOutcome

# Places kept per string: enough to name where a thing is, not a listing of every use.
MAX_PLACES = 50
# Documents and data files: their places are listed after those in code.
PROSE = (".md", ".rst", ".txt", ".adoc", ".json", ".xml", ".html", ".csv", ".log", ".ipynb")
# Strings shorter than this match everywhere and say nothing; they are never searched.
MIN_LENGTH = 3
# Past this many differing files, searching them one by one costs more than the whole tree.
MAX_DERIVED_FILES = 3000
# Paths given to one `git grep` (its command line must stay well under the system's limit).
PATHS_PER_GREP = 400


@dataclass
class Occurrences:
    """What the tree holds of one string, file by file (in git's path order)."""

    lines: dict[str, list[int]] = field(default_factory=dict)  # first MAX_PLACES a file
    matches_in: dict[str, int] = field(default_factory=dict)
    _places: list[tuple[str, int]] | None = None

    @property
    def files(self) -> Collection[str]:
        return self.matches_in.keys()

    @property
    def matches(self) -> int:
        return sum(self.matches_in.values())

    def add(self, path: str, line: int) -> None:
        self.matches_in[path] = self.matches_in.get(path, 0) + 1
        kept = self.lines.setdefault(path, [])
        if len(kept) < MAX_PLACES and (not kept or kept[-1] != line):
            kept.append(line)
        self._places = None

    def places(self) -> list[tuple[str, int]]:
        """The first places in code and config, then the first in documents and data: a
        name quoted in hundreds of reports (`AUDIT.md` sorts before `src/`) still shows
        where the code has it."""
        if self._places is None:
            code: list[tuple[str, int]] = []
            prose: list[tuple[str, int]] = []
            for path, lines in self.lines.items():
                kept = prose if path.endswith(PROSE) else code
                room = MAX_PLACES - len(kept)
                if room > 0:
                    kept.extend((path, line) for line in lines[:room])
            self._places = code + prose
        return self._places

    def without(self, paths: Collection[str]) -> Occurrences:
        kept = Occurrences()
        kept.lines = {p: lines for p, lines in self.lines.items() if p not in paths}
        kept.matches_in = {p: n for p, n in self.matches_in.items() if p not in paths}
        return kept

    def in_tree_order(self) -> Occurrences:
        """The same answers in git's path order (a parallel search finds files in any)."""
        ordered = Occurrences()
        for path in sorted(self.lines, key=_tree_order):
            ordered.lines[path] = self.lines[path]
            ordered.matches_in[path] = self.matches_in[path]
        return ordered

    def merged(self, other: Occurrences) -> Occurrences:
        """Both files' answers, in git's path order (byte order of the full path)."""
        both = Occurrences()
        order = sorted({*self.lines, *other.lines}, key=_tree_order)
        for path in order:
            source = other if path in other.lines else self
            both.lines[path] = source.lines[path]
            both.matches_in[path] = source.matches_in[path]
        return both


def _tree_order(path: str) -> bytes:
    return path.encode("utf-8", "surrogateescape")


# One run searches the same strings several times (the working tree, then the files that
# differ in batches, the hidden files): their trie is built and compiled once.
@lru_cache(maxsize=16)
def _finder(needles: tuple[str, ...]) -> re.Pattern[str]:
    """The longest needle that starts at a position (searched from there on). The needles
    are laid out as a trie (`handle_(?:2499|x)`), so each position costs one branch per
    character, not one try per needle: a run may ask about a hundred strings over 300,000
    lines. (Not a lookahead, which would find every start in one finditer: the regex
    engine then tries each position of the line in full, four times slower.)"""
    trie: dict[str, dict] = {}
    for needle in needles:
        node = trie
        for char in needle:
            node = node.setdefault(char, {})
        node[""] = {}  # a needle ends here

    def pattern(node: dict[str, dict]) -> str:
        branches = [
            re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy: where a needle ends and a longer one goes on, the longer one is taken.
        return f"(?:{body})?" if "" in node else body

    return re.compile(pattern(trie))


# Past this length a line (minified code, JSON on one line) is searched needle by needle.
LONG_LINE = 100_000


def _fixed_attribution(needles: list[str]) -> Callable[[str], Iterator[str]]:
    """For a matching line, each needle once per occurrence (overlapping ones too)."""
    finder = _finder(tuple(needles))
    wanted = set(needles)
    shortest = min(len(needle) for needle in needles)

    def occurrences(text: str) -> Iterator[str]:
        if len(text) > LONG_LINE:
            # The trie tries every position; str.find skips ahead in C. On zen's two 3 MB
            # lines: 55 ms against 32 ms. Same occurrences, grouped by needle.
            for needle in needles:
                at = text.find(needle)
                while at >= 0:
                    yield needle
                    at = text.find(needle, at + 1)
            return
        search = finder.search
        match = search(text)
        while match is not None:
            # The longest needle starting here; shorter needles starting here are its
            # prefixes. Needles starting elsewhere (overlapping ones too) are found by
            # searching again from the next position.
            longest = match.group()
            for end in range(shortest, len(longest) + 1):
                if longest[:end] in wanted:
                    yield longest[:end]
            match = search(text, match.start() + 1)

    return occurrences


@lru_cache(maxsize=16)
def _innermost(needles: tuple[str, ...]) -> tuple[str, ...]:
    """The needles that hold no other needle. A line holding any needle holds one of these,
    so a search for these alone finds the same lines (with fewer patterns rg is faster:
    a real analysis's 33 strings come down to 20, and its search takes 15% less time)."""
    inside = _fixed_attribution(list(needles))
    return tuple(needle for needle in needles if all(held == needle for held in inside(needle)))


def _regex_attribution(patterns: list[str]) -> Callable[[str], Iterator[str]]:
    """For a matching line, each regex once per (non-overlapping) match, as `git grep -o`
    counts them. Python's engine reads the simple PCRE the checks write the same way."""
    compiled = [(pattern, re.compile(pattern)) for pattern in patterns]

    def occurrences(text: str) -> Iterator[str]:
        for pattern, regex in compiled:
            for _ in regex.finditer(text):
                yield pattern

    return occurrences


class WorkingTree:
    """The working tree, searched in place of the checked revision's blobs when it can
    stand for them: HEAD is the revision, or a commit whose tree differs from the
    revision's in at most MAX_DERIVED_FILES paths (an analysis committed a few days before
    the checkout). The paths it holds differently (`git status`, and the paths between the
    two commits) are then searched at the revision. Asked of git once for every search of
    a run: both questions (`git status`, the tracked files `.gitignore` hides) start
    together in the background, and rg reads the tree meanwhile: the answers only sort its
    hits afterwards."""

    def __init__(self, repo: GitRepo, revision: str) -> None:
        self.repo = repo
        self.revision = revision
        self._lock = threading.Lock()
        self._stands_in: bool | None = None
        self._between: set[str] = set()  # paths whose blobs differ from HEAD's
        self._asked: dict[str, Background] = {}

    def stands_in(self) -> bool:
        """Whether the working tree can be searched for the revision (see the class)."""
        with self._lock:
            if self._stands_in is None:
                self._stands_in = self._near_head()
                if self._stands_in:
                    questions = {
                        "changes": self.repo.worktree_changes,
                        "hidden": self.repo.tracked_ignored,
                    }
                    for name, question in questions.items():
                        early = self.repo.early_working_tree_answer(name)
                        self._asked[name] = early or Background(question)
            return self._stands_in

    def _near_head(self) -> bool:
        from whys.errors import BadInputError

        if self.repo.is_bare:
            return False
        try:
            head = self.repo.resolve_revision("HEAD")
            if head == self.revision:
                return True
            between = self.repo.changed_paths(self.revision, head, limit=MAX_DERIVED_FILES)
        except BadInputError:
            return False  # an unborn HEAD, a commit git cannot compare: the blobs it is
        if len(between) > MAX_DERIVED_FILES:
            return False
        self._between = set(between)
        return True

    def _answer(self, name: str) -> object:
        return self._asked[name].result()

    def changes(self) -> set[str] | None:
        """The paths the working tree holds differently from the revision, when it can
        stand for it and they are not too many; None: search the revision's blobs."""
        if not self.stands_in():
            return None
        changes = self._answer("changes")
        if not isinstance(changes, set):
            return None
        changes = changes | self._between
        return changes if len(changes) <= MAX_DERIVED_FILES else None

    def hidden(self) -> set[str]:
        """Tracked files `.gitignore` matches (a search going by it, as rg does, skips them)."""
        if not self.stands_in():
            return self.repo.tracked_ignored()
        hidden = self._answer("hidden")
        return hidden if isinstance(hidden, set) else set()


class TreeSearch:
    """Batched fixed-string search over one revision's tree, shared by every kind; with
    `regex`, a batch of regexes (PCRE where git has it), each match counted as `git grep -o`
    counts it."""

    def __init__(
        self,
        repo: GitRepo,
        revision: str,
        cancel: threading.Event | None,
        *,
        regex: bool = False,
        working_tree: WorkingTree | None = None,
    ) -> None:
        self.repo = repo
        self.revision = revision
        self.cancel = cancel
        self.regex = regex
        self._wanted: dict[str, None] = {}
        self._found: dict[str, Occurrences] = {}
        self.unreadable = 0
        self.unreadable_paths: set[str] = set()  # which files those were
        self.cancelled = False
        self.failed: str | None = None  # why the search could not run, when it could not
        self.invalid: dict[str, str] = {}  # regexes that do not compile, and why
        self._lock = threading.RLock()  # prefetch jobs may ask while the batch runs
        self._worktree_changes: set[str] | None | bool = False  # False: not asked yet
        self.working_tree = working_tree or WorkingTree(repo, revision)

    def want(self, needles: Iterable[str], *, short: bool = False) -> None:
        """Strings a later question will be about; searched at the next `run`. Strings
        shorter than MIN_LENGTH say nothing and are left out unless `short` (a count asks
        for exactly that string). A regex that does not compile is kept out of the batch
        (it would fail the others) and answers with its own failure (`failure`)."""
        for needle in needles:
            if not needle or "\n" in needle or needle in self._found:
                continue
            if len(needle) < MIN_LENGTH and not short:
                continue
            if self.regex:
                try:
                    re.compile(needle)
                except re.error as error:
                    self.invalid[needle] = f"invalid pattern: {error}"
                    continue
            self._wanted[needle] = None

    def failure(self, needle: str) -> str | None:
        """Why the answers about `needle` are not whole, or None when they are."""
        if needle in self.invalid:
            return self.invalid[needle]
        if self._of(needle) is None:
            return "not searched"
        return self.failed or ("the search was cancelled" if self.cancelled else None)

    @property
    def pending(self) -> bool:
        return bool(self._wanted)

    @property
    def whole(self) -> bool:
        """Whether every answer held is complete (nothing cancelled or failed)."""
        return not self.cancelled and self.failed is None

    def run(self) -> None:
        """Search every wanted string in one `git grep`; a string asked again is not."""
        with self._lock:
            self._run()

    def _run(self) -> None:
        needles = list(self._wanted)
        self._wanted.clear()
        # A string shorter than MIN_LENGTH matches nearly every line: it would slow every
        # other needle's attribution, so it is searched alone (a count may ask for one).
        batches = [[n for n in needles if len(n) >= MIN_LENGTH]]
        batches += [[n] for n in needles if len(n) < MIN_LENGTH]
        for batch in filter(None, batches):
            found: dict[str, Occurrences] | None = None
            if self._worktree_changes is not None and self.working_tree.stands_in():
                # The working tree (while git says what it holds differently), then the
                # files it holds differently, at the revision.
                found = self._search(batch, worktree=True)
                changes = self._working_tree_changes()
                if changes is None:
                    found = None  # too different after all: the revision's blobs
                elif changes:
                    found = self._replaced(found, batch, changes)
            if found is None:
                found = self._search(batch)
            self._found.update(found)

    def derive(self, revision: str, changed: Collection[str]) -> TreeSearch | None:
        """This search's answers at another revision whose tree differs from this one's in
        the `changed` paths only: the rest is kept, those files are searched there. None
        when this search is not whole or the difference is too large to be worth it."""
        if not self.whole or self._wanted or len(changed) > MAX_DERIVED_FILES:
            return None
        other = TreeSearch(self.repo, revision, self.cancel, regex=self.regex)
        other._worktree_changes = None
        other.unreadable_paths = self.unreadable_paths - set(changed)
        other.unreadable = len(other.unreadable_paths)
        if self._found:
            other._found = other._replaced(dict(self._found), list(self._found), changed)
        return other

    def _replaced(
        self, found: dict[str, Occurrences], needles: list[str], paths: Collection[str]
    ) -> dict[str, Occurrences]:
        """`found` with the answers for `paths` taken from this revision's tree."""
        changed = set(paths)
        self.unreadable_paths -= changed
        fresh: dict[str, Occurrences] = {needle: Occurrences() for needle in needles}
        ordered = sorted(changed)
        for start in range(0, len(ordered), PATHS_PER_GREP):
            part = self._search(needles, paths=ordered[start : start + PATHS_PER_GREP])
            for needle, occurrences in part.items():
                fresh[needle] = fresh[needle].merged(occurrences)
        self.unreadable = len(self.unreadable_paths)
        return {
            needle: found.get(needle, Occurrences()).without(changed).merged(fresh[needle])
            for needle in needles
        }

    def _working_tree_changes(self) -> set[str] | None:
        """The paths the working tree holds differently from the revision, when it is the
        checked-out HEAD and not too different; None: search the revision's blobs."""
        if self._worktree_changes is False:
            self._worktree_changes = self.working_tree.changes()
        return self._worktree_changes  # type: ignore[return-value]

    def _search(
        self, needles: list[str], *, worktree: bool = False, paths: list[str] | None = None
    ) -> dict[str, Occurrences]:
        from whys.errors import BadInputError

        if worktree and not paths:
            by_rg = self._search_with_rg(needles)
            if by_rg is not None:
                return by_rg
        found = {needle: Occurrences() for needle in needles}
        outcome = GrepOutcome()
        try:
            attribute = _regex_attribution(needles) if self.regex else _fixed_attribution(needles)
            for path, line, text in self.repo.grep_occurrences(
                self.revision,
                needles if self.regex else _innermost(tuple(needles)),
                outcome,
                cancel=self.cancel,
                fixed=not self.regex,
                only_matching=False,
                paths=paths or (),
                worktree=worktree,
            ):
                for needle in attribute(text):
                    found[needle].add(path, line)
        except BadInputError as error:
            self.failed = error.message
        self.unreadable_paths |= outcome.unreadable_paths
        self.unreadable = max(self.unreadable, outcome.unreadable, len(self.unreadable_paths))
        self.cancelled = self.cancelled or outcome.cancelled
        return found

    def _search_with_rg(self, needles: list[str]) -> dict[str, Occurrences] | None:
        """The tracked files of the working tree searched with rg (git grep reads them five
        times slower); the tracked files `.gitignore` hides from rg go to git grep. None
        when rg cannot run here (the caller uses git grep alone)."""
        from whys.core.search import SearchStats, lines_holding, rg_executable
        from whys.errors import BadInputError, BadPatternError, BadRepoError

        try:
            rg_executable()
        except BadRepoError:
            return None
        attribute = _regex_attribution(needles) if self.regex else _fixed_attribution(needles)
        stats = SearchStats()
        held: list[tuple[str, str, int]] = []  # (needle, path, line), kept once rg is done
        try:
            searched = needles if self.regex else _innermost(tuple(needles))
            for path, line, text in lines_holding(
                self.repo.root, searched, fixed=not self.regex, cancel=self.cancel, stats=stats
            ):
                held += ((needle, path, line) for needle in attribute(text))
        except BadPatternError:
            if not self.regex:
                raise
            return None  # a regex rg's engine cannot parse (a lookaround): git's PCRE can
        except BadInputError as error:
            self.failed = error.message
        self.cancelled = self.cancelled or stats.cancelled
        try:
            hidden = self.working_tree.hidden()
            tracked = self.repo.list_files(self.revision)
        except BadRepoError:
            return None
        if len(hidden) > MAX_DERIVED_FILES:
            return None
        # rg also read untracked files, and not the tracked ones `.gitignore` hides.
        wanted = set(tracked).difference(hidden)
        found = {needle: Occurrences() for needle in needles}
        for needle, path, line in held:
            if path in wanted:
                found[needle].add(path, line)
        found = {needle: occurrences.in_tree_order() for needle, occurrences in found.items()}
        if hidden and not self.cancelled:
            ordered = sorted(hidden)
            for start in range(0, len(ordered), PATHS_PER_GREP):
                part = self._search(
                    needles, worktree=True, paths=ordered[start : start + PATHS_PER_GREP]
                )
                for needle, occurrences in part.items():
                    found[needle] = found[needle].merged(occurrences)
        return found

    def _of(self, needle: str) -> Occurrences | None:
        with self._lock:
            if needle not in self._found and needle not in self.invalid:
                self.want([needle])
                self._run()
            return self._found.get(needle)

    def searched(self, needle: str) -> bool:
        """Whether the answers about `needle` are whole: searched, not cut short, no
        failure. (Unreadable blobs are reported apart: see `unreadable`.)"""
        return self._of(needle) is not None and self.whole

    def places(self, needle: str) -> list[tuple[str, int]]:
        """(path, line) of the first occurrences: in code and config first, then in
        documents and data, each in git's path order."""
        found = self._of(needle)
        return list(found.places()) if found else []

    def file_count(self, needle: str) -> int:
        found = self._of(needle)
        return len(found.files) if found else 0

    def files(self, needle: str) -> set[str]:
        found = self._of(needle)
        return set(found.files) if found else set()

    def matches_by_file(self, needle: str) -> dict[str, int]:
        found = self._of(needle)
        return dict(found.matches_in) if found else {}

    def match_count(self, needle: str) -> int:
        found = self._of(needle)
        return found.matches if found else 0

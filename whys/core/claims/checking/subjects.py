"""The subject index: which commits carry a quoted message, found in the history walk the
ancestry questions share, then by git beyond it, then by closeness."""

from __future__ import annotations

import difflib
import heapq
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import (
    CLOSE_CANDIDATES,
    CLOSE_SUBJECT,
    MANY_MESSAGES,
    MAX_LISTED,
    MESSAGE_WINDOW,
    SUBJECT_CANDIDATES,
)
from whys.core.history import ref_commits
from whys.core.lazyre import lazy_compile
from whys.core.models import CommitInfo
from whys.core.repo import subjects_matching

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

_WORD = lazy_compile(r"\w+")


class SubjectIndex:
    """Every subject of a history, searchable by exact text, loosely, and by closeness.

    Close matching first ranks subjects by shared words (cheap set work), then runs the
    costly character comparison on the few best, so 200,000 subjects stay fast."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs
        self.exact: dict[str, list[str]] = {}
        self.loose: dict[str, list[str]] = {}
        for sha, subject in pairs:
            self.exact.setdefault(subject, []).append(sha)
            self.loose.setdefault(subject.casefold(), []).append(sha)
        self._words: list[frozenset[str]] | None = None

    def best(self, text: str, limit: int) -> list[str]:
        wanted = " ".join(text.split())
        ranked = [*self.exact.get(wanted, []), *self.loose.get(wanted.casefold(), [])]
        if wanted.endswith(("...", "\u2026")):
            stem = wanted.rstrip(".\u2026 ").casefold()
            if stem:
                ranked += [sha for sha, s in self.pairs if s.casefold().startswith(stem)][:limit]
        if len(dict.fromkeys(ranked)) < limit and len(wanted.split()) >= MIN_QUOTED_WORDS:
            # A subject without the quote's first word cannot hold the quote: that test
            # spares the word split of most of a long history's subjects.
            first = next(iter(_WORD.findall(wanted.casefold())), "")
            ranked += [
                sha for sha, s in self.pairs if first in s.casefold() and holds_quote(wanted, s)
            ][:limit]
        if len(dict.fromkeys(ranked)) < limit:
            ranked += self._close(wanted, limit)
        return list(dict.fromkeys(ranked))[:limit]

    def _close(self, wanted: str, limit: int) -> list[str]:
        if self._words is None:
            self._words = [frozenset(_WORD.findall(s.casefold())) for _, s in self.pairs]
        words = frozenset(_WORD.findall(wanted.casefold()))
        if not words:
            return []
        shortlist = heapq.nlargest(
            20,
            range(len(self.pairs)),
            key=lambda i: len(words & self._words[i]) / (len(words | self._words[i]) or 1),  # type: ignore[index]
        )
        scored = []
        for index in shortlist:
            subject = self.pairs[index][1]
            ratio = difflib.SequenceMatcher(None, wanted.casefold(), subject.casefold()).ratio()
            if ratio >= 0.6:
                scored.append((ratio, index))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [self.pairs[index][0] for _ratio, index in scored[:limit]]


def same_subject(quoted: str, subject: str) -> bool:
    a = normal_subject(quoted)
    b = normal_subject(subject)
    if a == b:
        return True
    if quoted.rstrip().endswith(("...", "\u2026")) and b.startswith(a.rstrip(".\u2026 ")):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= CLOSE_SUBJECT


# A quote of fewer words than this is too common to stand for one subject it is part of.
MIN_QUOTED_WORDS = 3


def holds_quote(quoted: str, subject: str) -> bool:
    """Whether the subject holds the quote as whole words: analyses quote the part of a
    subject that matters ("Remove hardcoded port mappings" of "fix: Remove hardcoded port
    mappings from the staging config"), or a merged PR's title inside "Merge PR #12: ...".
    A quote cut with "..." may end inside a word."""
    cut = quoted.rstrip().endswith(("...", "\u2026"))
    words = _WORD.findall(quoted.casefold())
    if len(words) < MIN_QUOTED_WORDS:
        return False
    have = _WORD.findall(subject.casefold())
    size = len(words)
    for at in range(len(have) - size + 1):
        if have[at : at + size - 1] == words[:-1] and (
            have[at + size - 1] == words[-1] or (cut and have[at + size - 1].startswith(words[-1]))
        ):
            return True
    return False


def normal_subject(text: str) -> str:
    return " ".join(text.strip().strip("\"'\u201c\u201d").split()).casefold().rstrip(".")


def grep_text(message: str) -> str:
    """What to ask git to find for a quoted subject: a quote cut with "..." by its stem."""
    return " ".join(message.split()).rstrip(".\u2026 ").strip("\"'\u201c\u201d")


class Messages:
    """Candidate commits per quoted message, and the best of them, for one run."""

    def __init__(self, context: CheckContext) -> None:
        self.context = context
        self.repo = context.repo
        self.revision = context.revision
        self.hits: dict[str, list[CommitInfo]] = {}
        self._candidates: dict[str, list[tuple[str, str]]] = {}
        self._reachable: dict[tuple[tuple[str, ...] | None, str, int], list[CommitInfo]] = {}

    def reachable_from(
        self, starts: list[str] | None, message: str, *, limit: int = MAX_LISTED
    ) -> list[CommitInfo]:
        """Commits reachable from `starts` (None: from every branch and tag) whose subject
        is the quoted one, from one `git log --grep` beyond the walk; asked once."""
        key = (None if starts is None else tuple(starts), message, limit)
        if key not in self._reachable:
            self._reachable[key] = self._reachable_from(starts, message, limit)
        return self._reachable[key]

    def _reachable_from(
        self, starts: list[str] | None, message: str, limit: int
    ) -> list[CommitInfo]:
        if starts is None:
            starts = sorted({sha for _name, sha, _when in ref_commits(self.repo) if sha})
        if not starts:
            return []
        found = subjects_matching(self.repo, starts, [grep_text(message)], limit=20)
        shas = [sha for sha, subject in found if same_subject(message, subject)][:limit]
        infos = self.repo.commits_info(shas) if shas else {}
        return [infos[sha] for sha in shas if sha in infos]

    def in_any_message(self, message: str) -> CommitInfo | None:
        """A commit reachable from the revision whose whole message (body too) holds the
        quote, from one `git log --grep`: asked only before calling a quote no subject."""
        found = subjects_matching(self.repo, [self.revision], [grep_text(message)], limit=1)
        infos = self.repo.commits_info([found[0][0]]) if found else {}
        return next(iter(infos.values()), None)

    def lookup_messages(self, messages: Iterable[str]) -> None:
        """Candidate commits for every quoted message: first the subjects, within a window
        around the incident, of the history walk the ancestry questions share; for a message
        not found there, git searches the history beyond; for a message still without its
        subject, the window's subjects holding its longest words, to suggest the closest."""
        wanted = [m for m in dict.fromkeys(messages) if m not in self._candidates]
        if not wanted:
            return
        needles = {m: grep_text(m) for m in wanted}
        window = self.context.window_start(MESSAGE_WINDOW)
        walk = self.context.history.walk
        if walk is None or not (walk.since is None or (window and walk.since <= window)):
            walk = self.context.walk_history(for_messages=True)
        reach = self.context.history.reach(self.revision)
        cutoff = window.timestamp() if window is not None else None

        def recent(sha: str) -> bool:
            return cutoff is None or walk.committed(sha) >= cutoff

        pending = [m for m in wanted if needles[m]]
        texts = sorted({needles[m] for m in pending})
        if len(texts) > MANY_MESSAGES:
            # git matches many fixed strings in one pass; Python would scan once per text.
            found = self._grep_messages(texts, [self.revision], walk.since)
            hits = [sha for sha, _subject in found]
        else:
            hits = [sha for sha in walk.shas_with(texts) if sha in reach]
        subjects = {sha: walk.subject(sha) for sha in hits if sha in walk.lines}
        inside = [(sha, subjects[sha]) for sha in hits if sha in subjects and recent(sha)]
        self._take(pending, needles, inside)
        pending = [m for m in pending if not self._has_subject(m)]
        missing = [m for m in wanted if m not in pending and not self._has_subject(m)]
        if not pending and not missing:
            return
        if pending:
            texts = sorted({needles[m] for m in pending})
            older = [(sha, subjects[sha]) for sha in hits if sha in subjects]
            edge = self.context.history.edge(self.revision)
            self._take(pending, needles, older + self._grep_messages(texts, sorted(edge)))
        words = sorted(
            {w for m in pending + missing for w in _WORD.findall(m.casefold()) if len(w) >= 4},
            key=len,
            reverse=True,
        )[:6]
        near = [sha for sha in walk.shas_with(words) if sha in reach and recent(sha)]
        nearby = [(sha, walk.subject(sha)) for sha in near[:CLOSE_CANDIDATES]]
        for message in pending + missing:
            if not self._has_subject(message):
                self._candidates[message] = self._candidates.get(message, []) + nearby

    def _grep_messages(
        self, texts: list[str], starts: list[str], since: datetime | None = None
    ) -> list[tuple[str, str]]:
        """(sha, subject) of commits reachable from `starts` whose message holds a text."""
        if not texts or not starts:
            return []
        return subjects_matching(self.repo, starts, texts, since=since)

    def _take(
        self, messages: list[str], needles: dict[str, str], found: list[tuple[str, str]]
    ) -> None:
        for message in messages:
            needle = needles[message].casefold()
            self._candidates[message] = [p for p in found if needle in p[1].casefold()]

    def _has_subject(self, message: str) -> bool:
        wanted = normal_subject(message)
        return any(
            same_subject(message, subject) or normal_subject(subject) == wanted
            for _sha, subject in self._candidates.get(message, [])
        )

    def subjects_about(self, words: list[str], topic: list[str]) -> list[CommitInfo]:
        """Commits reachable from the revision whose subject names every word (by stem)
        and, when `topic` is given, at least two of its words; newest first."""
        stems = [_stem(w) for w in words]
        if not stems:
            return []
        topic_stems = [_stem(w) for w in topic]
        found = subjects_matching(self.repo, [self.revision], stems, all_match=True)
        shas = [sha for sha, s in found if _topic_match(s, stems, topic_stems)][:TOPIC_SUBJECTS]
        infos = self.repo.commits_info(shas) if shas else {}
        return [infos[sha] for sha in shas if sha in infos]

    def commits_for(self, message: str) -> list[CommitInfo]:
        """Commits whose subject is the quoted message, best first: exact, then ignoring
        case and spacing, then a quote cut with "..." as a prefix, then the closest."""
        if message not in self.hits:
            self.lookup_messages([message])
            shas = SubjectIndex(self._candidates[message]).best(message, SUBJECT_CANDIDATES)
            infos = self.repo.commits_info(shas) if shas else {}
            self.hits[message] = [infos[sha] for sha in shas if sha in infos]
        return self.hits[message]


# Words that say how a topic is written about, not what it is.
_HOW_WRITTEN = (
    "no any all systematic systematically comprehensive proper attempts attempt attempted found "
    "evident evidence of in on the a an git history commit commits log made analysis were was "
    "been have has to for and or with five whys why root cause report audit issue crisis status "
    "update critical"
)
_NOT_TOPIC = frozenset(_HOW_WRITTEN.split())
_STEM_ENDINGS = ("ies", "es", "s", "ing", "ed", "y")


def topic_words(text: str) -> list[str]:
    """The words that name a topic ("systematic syntax error fixes" -> syntax, error, fixes)."""
    words = [w for w in re.findall(r"[a-z][a-z0-9]+", text.casefold()) if len(w) >= 3]
    return list(dict.fromkeys(w for w in words if w not in _NOT_TOPIC))


def _stem(word: str) -> str:
    for ending in _STEM_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _names(subject: str, stems: list[str]) -> int:
    have = _WORD.findall(subject.casefold())
    return sum(1 for stem in stems if any(word.startswith(stem) for word in have))


# Subjects listed for a topic: the newest few are enough to name.
TOPIC_SUBJECTS = 5


def _topic_match(subject: str, stems: list[str], topic: list[str]) -> bool:
    if _names(subject, stems) < len(stems):
        return False
    return not topic or _names(subject, topic) >= min(2, len(topic))

"""Claim checks and timeline rules: an analysis's claims held against one revision.

Every claim gets exactly one ClaimCheck, in claim order: `verified`, `contradicted` (with the
real value in the detail and, for a near miss, a suggestion) or `unverifiable` (with the
reason). Nothing is skipped silently. Queries are batched where a claim count would
otherwise mean a git process each: one `cat-file` for every cited SHA, one tree listing per
revision, one search per distinct count (and one `git grep` for its evidence), one history
walk for every ancestry question and quoted message.
"""

from __future__ import annotations

import contextlib
import difflib
import heapq
import posixpath
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal

from whys.core import search
from whys.core.claims import approximate, code_names, time_of_day
from whys.core.evidence import (
    KIND_OF_OP,
    EvidenceKind,
    canonical_query,
    make_evidence,
    run_query,
)
from whys.core.models import (
    Analysis,
    Claim,
    ClaimCheck,
    CommitInfo,
    Evidence,
    Finding,
    Model,
)
from whys.core.repo import (
    GitRepo,
    HistoryWalk,
    branches_and_tags,
    history_walk,
    missing_history_objects,
    ref_commits,
    resolve_prefixes,
    subjects_matching,
    symlink_paths,
)
from whys.errors import BadInputError, BadRevisionError

CHECKS_VERSION = "1"
CREATED_BY = f"whys check {CHECKS_VERSION}"

# A commit whose author and committer dates are further apart was rebased or cherry-picked.
DATES_DIVERGE = timedelta(days=2)
# Outside this window around the incident a cited commit is unlikely to be evidence of it.
WINDOW_BEFORE = timedelta(days=365)
WINDOW_AFTER = timedelta(days=30)
# "by ~03:44" tolerates this much; an exact "by 03:44" tolerates a minute.
APPROXIMATE_SLACK = timedelta(minutes=15)
EXACT_SLACK = timedelta(minutes=1)
# A moment written without a relation word ("2026-02-24 15:41" in a timeline table).
MOMENT_SLACK = timedelta(minutes=5)
# How close a quoted subject must be to the real one to count as the same message.
CLOSE_SUBJECT = 0.9
MAX_LISTED = 5
# Ancestry walks stop this long before the earliest cited commit or incident date.
ANCESTRY_SLACK = timedelta(days=2)
# Quoted messages are first looked for in this window before the incident, then everywhere.
MESSAGE_WINDOW = timedelta(days=180)
# A word search for the closest subject reads at most this many commits.
CLOSE_CANDIDATES = 5000
# Independent git/rg processes run at once during the prefetch.
PARALLEL_QUERIES = 4
# Quoted messages compare with at most this many subjects in full (after a word filter).
SUBJECT_CANDIDATES = 3
# Beyond this many quoted messages git searches the window's subjects in one pass.
MANY_MESSAGES = 32
# The history walk also starts from every branch and tag when there are at most this many.
MAX_REF_TIPS = 100
_WORD = re.compile(r"\w+")


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


class CheckRun(Model):
    """The result of checking one analysis at one revision."""

    revision: str
    checks: list[ClaimCheck]
    findings: list[Finding]
    warnings: list[str] = []
    checks_version: str = CHECKS_VERSION


@dataclass
class _Resolved:
    """Where an abbreviated path of the analysis lands in the tree."""

    written: str
    matches: list[str] = field(default_factory=list)
    problem: str | None = None  # why it cannot be checked at all
    note: str = ""  # how it was matched, when not exactly as written


@dataclass
class _Commit:
    """What a cited SHA prefix resolved to."""

    prefix: str
    shas: list[str]

    @property
    def sha(self) -> str | None:
        return self.shas[0] if len(self.shas) == 1 else None


class _Context:
    """One check run: the revision, its tree and the caches every claim shares."""

    def __init__(
        self, analysis: Analysis, repo: GitRepo, revision: str, cancel: threading.Event | None
    ) -> None:
        self.analysis = analysis
        self.repo = repo
        self.revision = revision
        self.cancel = cancel
        self._files: list[str] | None = None
        self._by_name: dict[str, list[str]] | None = None
        self._links: dict[str, str | None] = {}
        self._file_set: set[str] | None = None
        self._deployed: str | None = None
        self._texts: dict[str, list[str] | None] = {}
        self._counts: dict[tuple[str, str], search.SearchCount] = {}
        self._pinned: dict[tuple[str, str], search.SearchCount] = {}
        self.commits: dict[str, _Commit] = {}
        self.infos: dict[str, CommitInfo] = {}
        self.subject_hits: dict[str, list[CommitInfo]] = {}
        self._candidates: dict[str, list[tuple[str, str]]] = {}
        self._history: HistoryWalk | None = None
        self._edges: dict[str, set[str]] = {}
        self._searched: set[str] = set()
        self._refs: list[tuple[str, str | None, int]] | None = None
        self._since: datetime | None = None
        self._tip_dates: dict[str, datetime] = {}
        self._reachable: dict[str, set[str]] = {}
        self._ancestry: dict[tuple[str, str], bool] = {}
        self._queries: dict[str, tuple[str, str, str]] = {}
        self._working_tree: bool | None = None
        self._contained: dict[str, bool] = {}
        self._history_damage: list[str] | None | bool = False  # False: not asked yet
        self._named_revisions: dict[str, str | None] = {}
        self.closest_paths: dict[str, list[str]] = {}  # by path as written

    # -- tree ----------------------------------------------------------------------------

    @property
    def files(self) -> list[str]:
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
            raw = self.repo.read_file(self.revision, path)
            if raw is None or b"\0" in raw[:8000]:
                self._texts[path] = None
            else:
                self._texts[path] = raw.decode("utf-8", "replace").splitlines()
        return self._texts[path]

    @property
    def on_working_tree(self) -> bool:
        """Counts use rg on the working tree only when it is the checked-out revision."""
        if self._working_tree is None:
            self._working_tree = not self.repo.is_bare and (
                self.repo.resolve_revision("HEAD") == self.revision
            )
        return self._working_tree

    def _measure(self, pattern: str, unit: str) -> search.SearchCount:
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
            self._counts[key] = self._measure(pattern, unit)
        return self._counts[key]

    def lookup_messages(self, messages: Iterable[str]) -> None:
        """Candidate commits for every quoted message: first the subjects, within a window
        around the incident, of the history walk the ancestry questions share; for a message
        not found there, git searches the history beyond; for a message still without its
        subject, the window's subjects holding its longest words, to suggest the closest."""
        wanted = [m for m in dict.fromkeys(messages) if m not in self._candidates]
        if not wanted:
            return
        needles = {m: _grep_text(m) for m in wanted}
        window = self.window_start(MESSAGE_WINDOW)
        walk = self._history
        if walk is None or not (walk.since is None or (window and walk.since <= window)):
            walk = self._walk_history(for_messages=True)
        reach = self._reach(self.revision)
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
            edge = self._edges.get(self.revision, set())
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
        wanted = _normal_subject(message)
        return any(
            _same_subject(message, subject) or _normal_subject(subject) == wanted
            for _sha, subject in self._candidates.get(message, [])
        )

    def window_start(self, before: timedelta) -> datetime | None:
        """A date to bound history walks by: the earliest of the incident and the cited
        commits, less `before`. None when the analysis dates nothing."""
        incident = self.analysis.incident
        moments = [m for m in (incident.start, incident.detected, incident.title_date) if m]
        moments += [info.committer_date for info in self.infos.values()]
        moments = [m if m.tzinfo else m.replace(tzinfo=UTC) for m in moments]
        return min(moments) - before if moments else None

    def prefetch(self, claims: list[Claim]) -> None:
        """Start the slow, independent queries together (each is its own git or rg process,
        so they overlap): every distinct count, its pinned evidence, the subject index when
        a quoted message needs it, the revision's ancestry when many commits are cited."""
        jobs: dict[Any, Callable[[], Any]] = {}
        units: dict[str, set[str]] = {}
        for claim in claims:
            if claim.kind == "count" and claim.pattern and claim.count_unit != "commits":
                unit = "files" if claim.count_unit in (None, "files") else "matches"
                units.setdefault(claim.pattern, set()).add(unit)
        for pattern, wanted in units.items():
            # A count of matches also counts the files they are in: one search serves both,
            # in the working tree (rg) and, for the evidence, at the revision (git grep).
            unit = "matches" if "matches" in wanted else "files"
            jobs[("pinned", pattern, unit)] = partial(self.pinned_count, pattern, unit)
            if self.on_working_tree:
                jobs[("count", pattern, unit)] = partial(self._measure, pattern, unit)
        messages = [c.message for c in claims if c.message and self._needs_subjects(c)]
        if messages or self.infos:
            jobs["history"] = partial(self._prefetch_history, messages)
        path_claims = [c for c in claims if c.path and c.kind in {"lines", "symbol", "file"}]
        if path_claims:
            jobs["files"] = partial(self.repo.list_files, self.revision)
        if jobs:
            self._run_jobs(jobs)
        readable_claims = [c for c in path_claims if c.kind != "file"]
        if readable_claims:
            # A failure here resurfaces in the claim that reads the path, as unverifiable.
            with contextlib.suppress(BadInputError):
                self._learn_paths(readable_claims)

    def _learn_paths(self, readable_claims: list[Claim]) -> None:
        if readable_claims:
            self.learn_links(
                path
                for claim in readable_claims
                for path in resolve_path(claim.path or "", self.files, self.by_name).matches
            )

    def _run_jobs(self, jobs: dict[Any, Callable[[], Any]]) -> None:
        with ThreadPoolExecutor(max_workers=PARALLEL_QUERIES) as pool:
            futures = {key: pool.submit(job) for key, job in jobs.items()}
        for key, future in futures.items():
            try:
                result = future.result()
            except BadInputError:
                continue  # the claim's own check meets the same error and reports it
            if key == "history" or key[0] == "pinned":
                continue  # these fill their caches themselves
            if key == "files":
                self._files = result
            elif key[0] == "count":
                self._counts[(key[1], key[2])] = result
                if key[2] == "matches":
                    self._counts[(key[1], "files")] = result.model_copy(
                        update={"unit": "files", "count": result.files}
                    )
            else:
                self._queries[key[1]] = result

    def deployed(self) -> str | None:
        """Full SHA of the analysis's deployed revision, when it names one that resolves."""
        if self._deployed is None:
            written = self.analysis.incident.deployed_revision
            self._deployed = ""
            if written:
                with contextlib.suppress(BadRevisionError):
                    self._deployed = self.repo.resolve_revision(written)
        return self._deployed or None

    def _needs_subjects(self, claim: Claim) -> bool:
        if claim.kind == "message" or (claim.kind == "time" and claim.message and not claim.sha):
            return True
        if claim.kind != "commit" or not claim.message:
            return False
        found = self.commits.get((claim.sha or "").lower())
        info = self.infos.get(found.sha) if found and found.sha else None
        return info is None or not _same_subject(claim.message, info.subject)

    def subjects(self, message: str) -> list[CommitInfo]:
        """Commits whose subject is the quoted message, best first: exact, then ignoring
        case and spacing, then a quote cut with "..." as a prefix, then the closest."""
        if message not in self.subject_hits:
            self.lookup_messages([message])
            shas = SubjectIndex(self._candidates[message]).best(message, SUBJECT_CANDIDATES)
            infos = self.repo.commits_info(shas) if shas else {}
            self.subject_hits[message] = [infos[sha] for sha in shas if sha in infos]
        return self.subject_hits[message]

    def _prefetch_history(self, messages: list[str]) -> None:
        self._walk_history(for_messages=bool(messages))
        if messages:
            self.lookup_messages(messages)

    def _walk_history(self, *, for_messages: bool) -> HistoryWalk:
        """One date-bounded walk from every revision and commit the checks will ask about
        (the checked and deployed revisions, revisions the claims name, the cited commits),
        kept with its subjects: ancestry questions about recent history and quoted messages
        in the window around the incident need no more git."""
        tips = {self.revision, *self.infos}
        deployed = self.deployed()
        if deployed:
            tips.add(deployed)
        for claim in self.analysis.claims:
            if claim.kind == "time" and claim.revision:
                named = self.named_revision(claim.revision)
                if named:
                    tips.add(named)
        self._tip_dates = {
            sha: info.committer_date for sha, info in self.repo.commits_info(tips).items()
        }
        since = self.ancestry_since(list(self._tip_dates.values())) if self.infos else None
        if deployed and self.infos:
            # Which branches hold a commit unreachable from the deployed revision: the
            # walk answers it too when it also starts from every ref (a few, not thousands).
            self._refs = ref_commits(self.repo)
            if len(self._refs) <= MAX_REF_TIPS:
                tips.update(sha for _name, sha, _when in self._refs if sha)
        if for_messages:
            window = self.window_start(MESSAGE_WINDOW)
            since = None if window is None else min(window, since or window)
        self._since = since
        self._history = history_walk(self.repo, tips, since)
        self._reachable = {}
        self._edges = {}
        return self._history

    def ancestry_since(self, dates: list[datetime]) -> datetime | None:
        """Where the ancestry walk stops: just before the oldest commit it must reach, so
        every question about these commits is answered by the one walk."""
        return min(dates) - ANCESTRY_SLACK if dates else None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """From the parent map of the ancestry walk when both commits are inside its window;
        otherwise an exact `merge-base --is-ancestor`. A "no" from the map is trusted only
        for a commit committed after the window opened (git's own --since reasoning)."""
        key = (ancestor, descendant)
        if key in self._ancestry:
            return self._ancestry[key]
        if self._history is None and self.infos:
            self._walk_history(for_messages=False)
        answer: bool | None = None
        if self._history is not None and descendant in self._history.lines:
            landed = self._tip_dates.get(ancestor) or (
                self.infos[ancestor].committer_date if ancestor in self.infos else None
            )
            if self._reaches(descendant, ancestor, landed):
                answer = True
            elif landed is not None and (
                self._since is None or landed >= self._since + ANCESTRY_SLACK
            ):
                answer = False
        if answer is None:
            answer = self.repo.is_ancestor(ancestor, descendant)
        self._ancestry[key] = answer
        return answer

    def _reaches(self, descendant: str, ancestor: str, landed: datetime | None) -> bool:
        """Whether the walk leads from `descendant` to `ancestor`. A reach already followed
        that holds the descendant holds all its ancestors too. A first question about a
        descendant is a search that stops at the ancestor and, when its date is known, does
        not go below it (less the slack the walk itself trusts), so a "no" about a recent
        commit costs a few steps; a descendant asked about again gets its whole reach."""
        if ancestor == descendant:
            return True
        if descendant in self._reachable:
            return ancestor in self._reachable[descendant]
        if any(descendant in seen and ancestor not in seen for seen in self._reachable.values()):
            return False
        if descendant in self._searched:
            return ancestor in self._reach(descendant)
        self._searched.add(descendant)
        floor = (landed - ANCESTRY_SLACK).timestamp() if landed is not None else None
        return self._follow(descendant, ancestor, floor)

    def _reach(self, start: str) -> set[str]:
        if start not in self._reachable:
            self._follow(start)
        return self._reachable[start]

    def _follow(self, start: str, target: str | None = None, floor: float | None = None) -> bool:
        """Parents from `start` inside the walk, first parents first, not below `floor`
        (a committer time): True on meeting `target`. A whole reach (no target met, no
        floor) is kept for next time, with its edge: the parents older than the walk."""
        walk = self._history
        if walk is None:
            return False
        lines, width = walk.lines, walk.width
        if start not in lines:  # older than the walk: all of its history lies beyond
            self._reachable[start], self._edges[start] = set(), {start}
            return False
        seen = {start}
        edge: set[str] = set()
        stack = [start]
        while stack:
            line = lines[stack.pop()]
            for parent in reversed(line[width + 1 : line.find("\0")].split()):
                if parent == target:
                    return True
                if parent in seen:
                    continue
                if parent not in lines:
                    edge.add(parent)
                elif floor is None or walk.committed(parent) >= floor:
                    seen.add(parent)
                    stack.append(parent)
        if floor is None:
            self._reachable[start] = seen
            self._edges[start] = edge
        return False

    def containing_refs(self, sha: str) -> tuple[list[str], list[str]]:
        """(branches, tags) holding the commit, from the walk when it settles every ref: a
        ref the walk started from holds it when it reaches it; a ref committed well before
        the commit cannot hold it. Otherwise git answers."""
        walk = self._history
        landed = self._tip_dates.get(sha) or (
            self.infos[sha].committer_date if sha in self.infos else None
        )
        if walk is None or landed is None or self._refs is None:
            return self.repo.containing_refs(sha)
        floor = (landed - ANCESTRY_SLACK).timestamp()
        holding: list[str] = []
        for name, commit, when in self._refs:
            if commit is not None and when < floor:
                continue
            if commit is None or commit not in walk.lines:
                return self.repo.containing_refs(sha)
            if self.is_ancestor(sha, commit):
                holding.append(name)
        return branches_and_tags(holding)

    def named_revision(self, written: str) -> str | None:
        """Full SHA of a revision the analysis names (None when it does not resolve), asked
        of git once per name: a long analysis names the same release hundreds of times."""
        if written not in self._named_revisions:
            try:
                self._named_revisions[written] = self.repo.resolve_revision(written)
            except BadRevisionError:
                self._named_revisions[written] = None
        return self._named_revisions[written]

    def history_damage(self) -> list[str] | None:
        """Objects the history lacks (None when whole): asked once, and only when a cited
        commit is about to be called absent, since a walk of a big history is not free."""
        if self._history_damage is False:
            self._history_damage = missing_history_objects(self.repo)
        return self._history_damage  # type: ignore[return-value]

    def contains(self, sha: str) -> bool:
        if sha not in self._contained:
            self._contained[sha] = self.is_ancestor(sha, self.revision)
        return self._contained[sha]

    def pin(
        self, claim: Claim, kind: EvidenceKind, summary: str, query: dict[str, Any], content: str
    ) -> list[Evidence]:
        """Evidence whose content is exactly what `evidence.rerun` produces for `query`, so
        `whys verify` sees drift only when the repository changed."""
        return [
            make_evidence(
                kind,
                summary,
                query,
                self.revision,
                content,
                why=claim.why,
                claim=claim.id,
                created_by=CREATED_BY,
            )
        ]

    def collect(self, claim: Claim, query: dict[str, Any]) -> list[Evidence]:
        """Evidence by running the query (when the check's own result is not the same);
        grep and count queries need no pinning, so a prefetched result serves."""
        key = canonical_query(query)
        if key not in self._queries:
            self._queries[key] = run_query(self.repo, query, self.revision)
        sha, summary, content = self._queries[key]
        kind = KIND_OF_OP[str(query["op"])]
        return [
            make_evidence(
                kind,
                summary,
                query,
                sha,
                content,
                why=claim.why,
                claim=claim.id,
                created_by=CREATED_BY,
            )
        ]

    def commit_evidence(self, claim: Claim, cited: str, info: CommitInfo) -> list[Evidence]:
        """The `commit` query's content, built from what the check already read."""
        contained = self.contains(info.sha)
        content = "\n".join(
            [
                f"commit {info.sha}",
                f"subject {info.subject}",
                f"author {info.author_name} <{info.author_email}> {info.author_date.isoformat()}",
                f"committer {info.committer_name} {info.committer_date.isoformat()}",
                f"in {self.revision}: {'yes' if contained else 'no'}",
            ]
        )
        inside = "in" if contained else "not in"
        summary = f"{info.sha[:12]} {info.subject!r} ({inside} {self.revision[:12]})"
        return self.pin(claim, "commit", summary, {"op": "commit", "sha": cited}, content)

    def missing_commit_evidence(self, claim: Claim, cited: str, found: int) -> list[Evidence]:
        what = "no such commit" if not found else f"ambiguous: {found} commits"
        return self.pin(
            claim, "commit", f"commit {cited}: {what}", {"op": "commit", "sha": cited}, f"({what})"
        )

    def file_evidence(self, claim: Claim, path: str, start: int, end: int) -> list[Evidence]:
        lines = self.lines_of(path)
        if lines is None:
            return []
        excerpt = [f"{n}: {lines[n - 1]}" for n in range(start, min(end, len(lines)) + 1)]
        if end > len(lines):
            excerpt.append(f"(the file has {len(lines)} lines)")
        summary = f"{path}:{start}-{end} at {self.revision[:12]}"
        query = {"op": "file", "path": path, "start": start, "end": end}
        return self.pin(claim, "file", summary, query, "\n".join(excerpt))


def check_analysis(
    analysis: Analysis,
    repo: GitRepo,
    rev: str = "HEAD",
    *,
    cancel: threading.Event | None = None,
) -> CheckRun:
    """Check every claim of the analysis at `rev`; then the timeline rules."""
    revision = repo.resolve_revision(rev)
    context = _Context(analysis, repo, revision, cancel)
    _resolve_commits(context, analysis.claims)
    context.prefetch(analysis.claims)
    checks: list[ClaimCheck] = []
    for claim in analysis.claims:
        if cancel is not None and cancel.is_set():
            checks.append(
                ClaimCheck(claim_id=claim.id, status="unverifiable", detail="check cancelled")
            )
            continue
        checks.append(_check_claim(context, claim))
    warnings: list[str] = []
    if not analysis.whys:
        warnings.append("no why chain found: claims are checked without their whys")
    if _incident_start(analysis) is None and any(
        c.relation in {"before-incident", "after-incident"} for c in analysis.claims
    ):
        warnings.append("no incident start in the analysis: before/after claims cannot be timed")
    findings = timeline_findings(context, checks)
    return CheckRun(revision=revision, checks=checks, findings=findings, warnings=warnings)


_CHECKERS: dict[str, Callable[[_Context, Claim], ClaimCheck]] = {}


def _checker(kind: str) -> Callable[[Callable[[_Context, Claim], ClaimCheck]], Any]:
    def register(function: Callable[[_Context, Claim], ClaimCheck]) -> Any:
        _CHECKERS[kind] = function
        return function

    return register


def _check_claim(context: _Context, claim: Claim) -> ClaimCheck:
    try:
        return _CHECKERS[claim.kind](context, claim)
    except BadInputError as error:
        # A hostile or broken value in one claim (an invalid pattern, a missing object)
        # makes that claim unverifiable, never the whole run.
        return _result(claim, "unverifiable", f"could not be checked: {error.message}")


def _result(
    claim: Claim,
    status: str,
    detail: str,
    suggestion: str | None = None,
    evidence: list[Evidence] | None = None,
) -> ClaimCheck:
    return ClaimCheck(
        claim_id=claim.id,
        status=status,  # type: ignore[arg-type]
        detail=detail,
        suggestion=suggestion,
        evidence=evidence or [],
    )


# --- paths -----------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:/")


def resolve_path(written: str, files: list[str], by_name: dict[str, list[str]]) -> _Resolved:
    """Match a path as written to the tree: exact or unique suffix; absolute paths from
    another machine lose their prefix until a repo-relative suffix matches."""
    resolved = _Resolved(written)
    text = written.strip().replace("\\", "/")
    absolute = bool(_DRIVE.match(text)) or text.startswith(("/", "~/"))
    text = _DRIVE.sub("", text).lstrip("~").lstrip("/")
    while text.startswith("./"):
        text = text[2:]
    parts = [p for p in text.split("/") if p]
    if not parts:
        resolved.problem = "empty path"
        return resolved
    if ".." in parts and not absolute:
        resolved.problem = "outside the repository: never read"
        return resolved
    candidates = by_name.get(parts[-1], [])
    starts = range(len(parts)) if absolute else range(1)
    for start in starts:
        suffix = "/".join(parts[start:])
        if ".." in parts[start:]:
            continue
        matches = [f for f in candidates if f == suffix or f.endswith("/" + suffix)]
        if matches:
            if absolute and start == len(parts) - 1 and not _distinctive(parts[-1], matches):
                # `/usr/lib/python3/logging/config.py` is not the repo's `app/config.py`:
                # a bare, common file name says nothing about which file was meant.
                listed = ", ".join(f"`{m}`" for m in sorted(matches)[:MAX_LISTED])
                resolved.problem = (
                    f"outside the repository: never read (only the common file name "
                    f"`{suffix}` matches: {listed})"
                )
                return resolved
            resolved.matches = sorted(matches)
            if absolute:
                resolved.note = f"matched by suffix as `{suffix}`"
            return resolved
    return resolved


# File names too common to identify a file by themselves.
_COMMON_NAMES = {
    "__init__", "__main__", "index", "main", "app", "config", "settings", "utils", "util",
    "helpers", "common", "base", "core", "client", "server", "api", "models", "views",
    "urls", "types", "constants", "errors", "exceptions", "setup", "conftest", "test",
    "tests", "manage", "cli", "run", "mod", "lib", "readme", "changelog", "license",
    "package", "makefile", "dockerfile", "passwd", "hosts", "shadow", "profile",
}  # fmt: skip


def _distinctive(name: str, matches: list[str]) -> bool:
    """A bare file name identifies a repo file only when one file has it and it is not a
    name every project has (`config.py`, `index.js`, `passwd`)."""
    stem = name.split(".")[0].lower()
    return len(matches) == 1 and len(stem) >= 4 and stem not in _COMMON_NAMES


def _entry_above(context: _Context, written: str) -> str | None:
    """The tree entry that is not a folder yet holds the path (`vendor/sub` for
    `vendor/sub/lib/x.py`): a submodule or a symlink, whose insides this tree cannot show."""
    parts = posixpath.normpath(written.strip().replace("\\", "/")).split("/")
    for end in range(1, len(parts)):
        entry = "/".join(parts[:end])
        if entry in context.file_set:
            return entry
    return None


def _closest_paths(written: str, context: _Context) -> list[str]:
    """Files a wrong path may have meant; once per path as written, since each answer is a
    pass over every file of the tree and a long analysis repeats its wrong paths."""
    if written not in context.closest_paths:
        context.closest_paths[written] = _close_paths(written, context)
    return context.closest_paths[written]


def _close_paths(written: str, context: _Context) -> list[str]:
    name = posixpath.basename(written.replace("\\", "/"))
    folded = {other for other in context.by_name if other.lower() == name.lower()}
    if folded:
        return [f for f in context.files if posixpath.basename(f) in folded][:MAX_LISTED]
    close = _similar_names(name, context.by_name)
    return [path for other in close for path in context.by_name[other]][:MAX_LISTED]


def _similar_names(name: str, names: Iterable[str]) -> list[str]:
    """`difflib.get_close_matches(name, names, 3, 0.75)` over a shortlist: a name with too
    few characters in common to reach the cutoff (an upper bound of difflib's own quick
    ratio, counted by `str.translate` in C) cannot be among the matches."""
    ours = dict.fromkeys(map(ord, set(name)))
    shortlist = [
        other
        for other in names
        if 2 * (len(other) - len(other.translate(ours))) >= 0.75 * (len(name) + len(other))
    ]
    return difflib.get_close_matches(name, shortlist, n=3, cutoff=0.75)


def _readable(context: _Context, path: str) -> tuple[str | None, str | None]:
    """(path to read, problem): symlinks are followed only when they stay in the tree."""
    seen = 0
    target = context.link_target(path)
    while target is not None and seen < 8:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if target.startswith("/") or joined == ".." or joined.startswith("../"):
            return None, f"`{path}` is a symlink out of the repository ({target}); not read"
        path = joined
        seen += 1
        target = context.link_target(path) if path in context.file_set else None
    if target is not None:
        return None, f"`{path}` is a symlink loop; not read"
    if path not in context.file_set:
        return None, f"`{path}` is a symlink to a missing file"
    return path, None


def _paths_for(context: _Context, claim: Claim) -> tuple[_Resolved | None, ClaimCheck | None]:
    if not claim.path:
        return None, _result(claim, "unverifiable", "names no file to look in")
    resolved = resolve_path(claim.path, context.files, context.by_name)
    if resolved.problem:
        return None, _result(claim, "unverifiable", f"`{claim.path}`: {resolved.problem}")
    if not resolved.matches:
        entry = _entry_above(context, claim.path)
        if entry:
            return None, _result(
                claim,
                "unverifiable",
                f"`{claim.path}` lies under `{entry}`, a submodule or symlink the check does "
                "not enter; not read",
            )
        close = _closest_paths(claim.path, context)
        suggestion = ("did you mean " + ", ".join(f"`{p}`" for p in close)) if close else None
        return None, _result(
            claim,
            "contradicted",
            f"no file matches `{claim.path}` at {context.revision[:12]}",
            suggestion,
        )
    return resolved, None


@_checker("file")
def _check_file(context: _Context, claim: Claim) -> ClaimCheck:
    resolved, failed = _paths_for(context, claim)
    if failed or resolved is None:
        return failed  # type: ignore[return-value]
    at = context.revision[:12]
    if len(resolved.matches) == 1:
        found = resolved.matches[0]
        if found == claim.path:
            detail = f"`{found}` exists at {at}"
        else:
            how = f" ({resolved.note})" if resolved.note else ""
            detail = f"`{claim.path}` resolves to `{found}`{how}, which exists at {at}"
    else:
        listed = ", ".join(f"`{m}`" for m in resolved.matches[:MAX_LISTED])
        detail = f"`{claim.path}` is ambiguous: {len(resolved.matches)} files match ({listed})"
    return _result(claim, "verified", detail)


# --- lines and symbols -----------------------------------------------------------------


def _name_pattern(symbol: str) -> re.Pattern[str]:
    name = symbol.removesuffix("()").split(".")[-1]
    return re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")


def _code_pattern(code: str) -> re.Pattern[str]:
    words = [re.escape(part) for part in code.split()]
    return re.compile(r"\s+".join(words))


def _definition_line(lines: list[str], name: str) -> int | None:
    pattern = re.compile(
        r"^\s*(?:export\s+)?(?:async\s+)?(?:def|class|function|func|fn|interface|struct|enum"
        r"|const|let|var|type)\s+" + re.escape(name) + r"\b|^\s*" + re.escape(name) + r"\s*[:=]"
    )
    for number, text in enumerate(lines, start=1):
        if pattern.search(text):
            return number
    return None


def _block_end(lines: list[str], start: int) -> int:
    """Last line of the indented block opened at `start` (1-based)."""
    head = lines[start - 1]
    indent = len(head) - len(head.lstrip())
    end = start
    for number in range(start + 1, len(lines) + 1):
        text = lines[number - 1]
        if not text.strip():
            continue
        current = len(text) - len(text.lstrip())
        if current > indent:
            end = number
        elif current == indent and text.strip() in {"}", "};", "end", ")"}:
            end = number
            break
        else:
            break
    return end


def _where(lines: list[str], symbol: str, hits: list[int]) -> str:
    """'lines 61-90' (its definition block) or 'lines 3, 17, 40'."""
    name = symbol.removesuffix("()").split(".")[-1]
    definition = _definition_line(lines, name)
    if definition is not None:
        end = _block_end(lines, definition)
        if end == definition:
            return f"line {definition}"
        return f"lines {definition}-{end} (defined at line {definition})"
    shown = ", ".join(str(n) for n in hits[:MAX_LISTED])
    more = f" (+{len(hits) - MAX_LISTED} more)" if len(hits) > MAX_LISTED else ""
    return ("line " if len(hits) == 1 else "lines ") + shown + more


def _span(claim: Claim) -> str:
    if claim.line_numbers:
        return "lines " + ", ".join(str(n) for n in claim.line_numbers)
    if claim.line_start == claim.line_end:
        return f"line {claim.line_start}"
    return f"lines {claim.line_start}-{claim.line_end}"


@dataclass
class _FileVerdict:
    path: str
    status: str
    detail: str
    suggestion: str | None = None


def _hits(lines: list[str], claim: Claim) -> list[int]:
    """Lines holding the claim's quoted code (may span lines in its range) or symbol."""
    if claim.quoted_code:
        pattern = _code_pattern(claim.quoted_code)
    else:
        pattern = _name_pattern(claim.symbol or "")
    hits = [n for n, text in enumerate(lines, start=1) if pattern.search(text)]
    if claim.quoted_code and not hits and claim.line_start:
        start = claim.line_start
        joined = "\n".join(lines[start - 1 : claim.line_end or start])
        if pattern.search(joined):
            hits = [start]
    return hits


def _lines_in(context: _Context, claim: Claim, path: str) -> _FileVerdict:
    readable, problem = _readable(context, path)
    if problem or readable is None:
        return _FileVerdict(path, "unverifiable", problem or "not readable")
    lines = context.lines_of(readable)
    if lines is None:
        return _FileVerdict(path, "unverifiable", f"`{path}` is binary or unreadable")
    start = claim.line_start or 1
    end = claim.line_end or start
    target = claim.quoted_code or claim.symbol
    if start > len(lines):
        short = f"`{path}` has only {len(lines)} lines"
        hits = _hits(lines, claim) if target else []
        if hits and target:
            where = _where(lines, target, hits)
            return _FileVerdict(
                path, "contradicted", f"{short}; `{target}` is at {where}", f"{path}: {where}"
            )
        return _FileVerdict(path, "contradicted", short)
    if not target:
        # That the lines exist is all the repository can say: the claim about them (what
        # they do) names no code, so it is left to the auditor, never passed.
        shown = lines[start - 1 : min(end, len(lines))]
        preview = " ".join(shown[0].split())[:80] if shown else ""
        span = _span(claim)
        return _FileVerdict(
            path,
            "unverifiable",
            f"the claim names nothing to look for in {span} of `{path}`; "
            f"{'it exists' if span.startswith('line ') else 'they exist'} "
            f"(line {start} reads {preview!r})",
        )
    hits = _hits(lines, claim)
    wanted = claim.line_numbers or list(range(start, end + 1))
    inside = [n for n in hits if n in set(wanted)]
    shown_target = f"`{target}`"
    if not hits:
        return _FileVerdict(
            path, "contradicted", f"{shown_target} does not appear in `{path}`", None
        )
    if claim.line_numbers:
        # "`queue.py:42, 44` open `smtplib.SMTP` and call `send_message`": each listed line
        # must hold one of the names the sentence gives.
        others = [_name_pattern(name) for name in code_names(claim.text) if name != target]
        covered = set(hits) | {
            n
            for n in claim.line_numbers
            if 0 < n <= len(lines) and any(p.search(lines[n - 1]) for p in others)
        }
        missing = [n for n in claim.line_numbers if n not in covered]
        if not missing and any(n in set(hits) for n in claim.line_numbers):
            return _FileVerdict(
                path, "verified", f"{shown_target} is on {_span(claim)} of `{path}`"
            )
        where = _where(lines, target, hits)
        return _FileVerdict(
            path,
            "contradicted",
            f"{shown_target} is not on line{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(str, missing))} of `{path}`; found at {where}",
            f"{path}: {where}",
        )
    if inside:
        found = f"{shown_target} is at line {inside[0]} of `{path}`"
        if _span(claim) != f"line {inside[0]}":
            found += f", within the claimed {_span(claim)}"
        return _FileVerdict(path, "verified", found)
    where = _where(lines, target, hits)
    return _FileVerdict(
        path,
        "contradicted",
        f"{shown_target} is not in {_span(claim)} of `{path}`; found at {where}",
        f"{path}: {where}",
    )


def _combine(claim: Claim, resolved: _Resolved, verdicts: list[_FileVerdict]) -> ClaimCheck:
    """One file: its verdict. Several matches: each was checked and the detail says so."""
    note = f" ({resolved.note})" if resolved.note else ""
    if len(verdicts) == 1:
        only = verdicts[0]
        return _result(claim, only.status, only.detail + note, only.suggestion)
    passing = [v for v in verdicts if v.status == "verified"]
    listed = "; ".join(f"`{v.path}`: {v.status}" for v in verdicts[:MAX_LISTED])
    head = f"`{claim.path}` matches {len(verdicts)} files, each checked ({listed})"
    if passing:
        return _result(claim, "verified", f"{head}; {passing[0].detail}")
    if all(v.status == "unverifiable" for v in verdicts):
        return _result(claim, "unverifiable", head)
    failing = next(v for v in verdicts if v.status == "contradicted")
    return _result(claim, "contradicted", f"{head}; {failing.detail}", failing.suggestion)


@_checker("lines")
def _check_lines(context: _Context, claim: Claim) -> ClaimCheck:
    resolved, failed = _paths_for(context, claim)
    if failed or resolved is None:
        return failed  # type: ignore[return-value]
    verdicts = [_lines_in(context, claim, path) for path in resolved.matches[:MAX_LISTED]]
    check = _combine(claim, resolved, verdicts)
    for path in resolved.matches[:MAX_LISTED]:
        readable, problem = _readable(context, path)
        if readable and not problem and claim.line_start:
            start, end = claim.line_start, claim.line_end or claim.line_start
            check.evidence += context.file_evidence(claim, readable, start, end)
    return check


def _symbol_in(context: _Context, claim: Claim, path: str) -> _FileVerdict:
    readable, problem = _readable(context, path)
    if problem or readable is None:
        return _FileVerdict(path, "unverifiable", problem or "not readable")
    lines = context.lines_of(readable)
    if lines is None:
        return _FileVerdict(path, "unverifiable", f"`{path}` is binary or unreadable")
    symbol = claim.symbol or ""
    name = symbol.removesuffix("()").split(".")[-1]
    if claim.quoted_code:
        pattern = _code_pattern(claim.quoted_code)
        hits = [n for n, text in enumerate(lines, start=1) if pattern.search(text)]
        if hits:
            return _FileVerdict(
                path, "verified", f"`{claim.quoted_code}` is at line {hits[0]} of `{path}`"
            )
        used = [n for n, text in enumerate(lines, start=1) if _name_pattern(name).search(text)]
        if used:
            return _FileVerdict(
                path,
                "contradicted",
                f"`{path}` uses `{name}` (line {used[0]}) but has no `{claim.quoted_code}`",
            )
        return _FileVerdict(path, "contradicted", f"`{claim.quoted_code}` is not in `{path}`")
    hits = [n for n, text in enumerate(lines, start=1) if _name_pattern(name).search(text)]
    if hits:
        where = _where(lines, symbol, hits)
        return _FileVerdict(path, "verified", f"`{symbol}` is in `{path}` at {where}")
    return _FileVerdict(path, "contradicted", f"`{symbol}` does not appear in `{path}`")


def _elsewhere(context: _Context, name: str) -> str | None:
    """Where else the name is, as a suggestion: a few files from one search."""
    files: list[str] = []
    for hit in context.repo.grep(
        context.revision, name, fixed_strings=True, word=True, max_hits=50, cancel=context.cancel
    ):
        if hit.path not in files:
            files.append(hit.path)
        if len(files) >= 3:
            break
    return ("found in " + ", ".join(f"`{f}`" for f in files)) if files else None


@_checker("symbol")
def _check_symbol(context: _Context, claim: Claim) -> ClaimCheck:
    resolved, failed = _paths_for(context, claim)
    if failed or resolved is None:
        return failed  # type: ignore[return-value]
    if not claim.symbol:
        return _result(claim, "unverifiable", "names no symbol")
    verdicts = [_symbol_in(context, claim, path) for path in resolved.matches[:MAX_LISTED]]
    check = _combine(claim, resolved, verdicts)
    if check.status == "contradicted" and not check.suggestion:
        name = (claim.quoted_code or claim.symbol).removesuffix("()").split(".")[-1]
        check.suggestion = _elsewhere(context, claim.quoted_code or name)
    readable = [r for r, problem in map(partial(_readable, context), resolved.matches) if r]
    if readable:
        name = (claim.quoted_code or claim.symbol).removesuffix("()").split(".")[-1]
        query = {
            "op": "grep",
            "pattern": claim.quoted_code or name,
            "fixed_strings": True,
            "word": True,
            "globs": readable[:MAX_LISTED],
        }
        check.evidence = context.collect(claim, query)
    return check


# --- commits and messages --------------------------------------------------------------


def _resolve_commits(context: _Context, claims: Iterable[Claim]) -> None:
    """One batch for every SHA the analysis cites, and one for their commit data."""
    prefixes = {
        sha.lower()
        for claim in claims
        for sha in (claim.sha, claim.other_sha)
        if sha and re.fullmatch(r"[0-9a-fA-F]{4,64}", sha)
    }
    answers = resolve_prefixes(context.repo, prefixes) if prefixes else {}
    context.commits = {p: _Commit(p, shas) for p, shas in answers.items()}
    full = {sha for commit in context.commits.values() for sha in commit.shas}
    context.infos = context.repo.commits_info(full) if full else {}


def _same_subject(quoted: str, subject: str) -> bool:
    a = _normal_subject(quoted)
    b = _normal_subject(subject)
    if a == b:
        return True
    if quoted.rstrip().endswith(("...", "\u2026")) and b.startswith(a.rstrip(".\u2026 ")):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= CLOSE_SUBJECT


def _normal_subject(text: str) -> str:
    return " ".join(text.strip().strip("\"'\u201c\u201d").split()).casefold().rstrip(".")


def _short(info: CommitInfo) -> str:
    return f'{info.sha[:10]} "{info.subject}" ({_fmt(info.committer_date)})'


@_checker("commit")
def _check_commit(context: _Context, claim: Claim) -> ClaimCheck:
    prefix = (claim.sha or "").lower()
    found = context.commits.get(prefix)
    shas = found.shas if found else []
    if len(shas) == 1:
        info = context.infos.get(shas[0])
        if info is None:
            return _result(claim, "unverifiable", f"commit {prefix} exists but cannot be read")
        evidence = context.commit_evidence(claim, prefix, info)
        if claim.relation == "not-in-revision" and (
            not claim.message or _same_subject(claim.message, info.subject)
        ):
            return _not_reachable(context, claim, info)
        if not claim.message or _same_subject(claim.message, info.subject):
            exact = claim.message is None or _normal_subject(claim.message) == _normal_subject(
                info.subject
            )
            if claim.message is None:
                said = f'commit {info.sha[:10]} exists: "{info.subject}"'
            elif exact:
                said = f'commit {info.sha[:10]} has the quoted message "{info.subject}"'
            else:
                said = f'commit {info.sha[:10]} has "{info.subject}", close to the quoted message'
            said += f" (committed {_fmt(info.committer_date)})"
            if not context.contains(info.sha):
                said += f"; it is not in the checked revision {context.revision[:12]}"
            return _result(claim, "verified", said, evidence=evidence)
        matching = [
            c for c in context.subjects(claim.message) if _same_subject(claim.message, c.subject)
        ]
        suggestion = f"the quoted message is commit {_short(matching[0])}" if matching else None
        return _result(
            claim,
            "contradicted",
            f'commit {info.sha[:10]} has another message: "{info.subject}"',
            suggestion,
            evidence,
        )
    if len(shas) > 1:
        infos = [context.infos[s] for s in shas if s in context.infos]
        listed = ", ".join(_short(i) for i in infos[:MAX_LISTED])
        if claim.message:
            fitting = [i for i in infos if _same_subject(claim.message, i.subject)]
            if len(fitting) == 1:
                return _result(
                    claim,
                    "unverifiable",
                    f"prefix {prefix} is ambiguous ({len(shas)} commits: {listed})",
                    f"write the SHA in full: {fitting[0].sha}",
                )
        return _result(
            claim, "unverifiable", f"prefix {prefix} is ambiguous ({len(shas)} commits: {listed})"
        )
    # The most common error in real analyses: the SHA does not exist but its message does.
    if claim.message:
        matching = [
            c for c in context.subjects(claim.message) if _same_subject(claim.message, c.subject)
        ]
        if matching:
            return _result(
                claim,
                "contradicted",
                f"no commit {prefix}; its quoted message is commit {_short(matching[0])}",
                f"commit {matching[0].sha[:10]}",
                context.missing_commit_evidence(claim, prefix, 0)
                + context.commit_evidence(claim, matching[0].sha, matching[0]),
            )
    if context.repo.is_shallow:
        return _result(
            claim,
            "unverifiable",
            f"no commit {prefix} in this shallow clone: it may be beyond the clone's history",
        )
    damage = context.history_damage()
    if damage is not None:
        named = [sha for sha in damage if sha.startswith(prefix)]
        if named:
            detail = f"commit {named[0][:12]} is missing from the repository (damaged clone)"
        else:
            detail = (
                f"no commit {prefix} readable, but the history is damaged (missing "
                f"{', '.join(d[:12] for d in damage[:MAX_LISTED])}): it may be lost there"
            )
        return _result(claim, "unverifiable", detail)
    suggestion = None
    if claim.message:
        close = context.subjects(claim.message)
        if close:
            suggestion = f"closest message: commit {_short(close[0])}"
    return _result(
        claim,
        "contradicted",
        f"no commit {prefix} in the repository",
        suggestion,
        context.missing_commit_evidence(claim, prefix, 0),
    )


def _said_revision(context: _Context, claim: Claim) -> tuple[str | None, str]:
    """(full SHA, as written) of the revision a "never merged" claim is about: the one it
    names ("is not on main"), else the checked revision."""
    if claim.revision:
        return context.named_revision(claim.revision), claim.revision
    return context.revision, f"the checked revision {context.revision[:12]}"


def _ancestry_evidence(
    context: _Context, claim: Claim, sha: str, revision: str, contained: bool
) -> list[Evidence]:
    """The `ancestry` query's content, as `evidence.rerun` produces it."""
    line = f"{sha} is an ancestor of {revision}: {'yes' if contained else 'no'}"
    verb = "is" if contained else "is not"
    summary = f"{sha[:12]} {verb} an ancestor of {revision[:12]}"
    query = {"op": "ancestry", "ancestor": sha, "descendant": revision}
    return context.pin(claim, "commit", summary, query, line)


def _not_reachable(context: _Context, claim: Claim, info: CommitInfo) -> ClaimCheck:
    """A commit said never to have been merged: true when the revision does not hold it."""
    revision, written = _said_revision(context, claim)
    if revision is None:
        return _result(claim, "unverifiable", f"revision {written!r} is not in the repository")
    contained = context.is_ancestor(info.sha, revision)
    evidence = _ancestry_evidence(context, claim, info.sha, revision, contained)
    if contained:
        return _result(
            claim,
            "contradicted",
            f'commit {info.sha[:10]} "{info.subject}" is reachable from {written} '
            f"(committed {_fmt(info.committer_date)}): it was merged",
            evidence=evidence,
        )
    branches, _tags = context.repo.containing_refs(info.sha)
    on = ", ".join(branches[:3]) if branches else "no branch"
    return _result(
        claim,
        "verified",
        f'commit {info.sha[:10]} "{info.subject}" exists but is not reachable from {written}; '
        f"it is on {on}",
        evidence=evidence,
    )


def _check_unmerged_message(context: _Context, claim: Claim) -> ClaimCheck:
    """A quoted subject said never to have been merged (or not to be on a named branch):
    verified when no commit reachable from that revision has it, contradicted when one has."""
    message = claim.message or ""
    revision, written = _said_revision(context, claim)
    if revision is None:
        return _result(claim, "unverifiable", f"revision {written!r} is not in the repository")
    if revision == context.revision:
        reachable = [c for c in context.subjects(message) if _same_subject(message, c.subject)]
    else:
        found = subjects_matching(context.repo, [revision], [_grep_text(message)], limit=20)
        shas = [sha for sha, subject in found if _same_subject(message, subject)]
        infos = context.repo.commits_info(shas[:MAX_LISTED]) if shas else {}
        reachable = [infos[sha] for sha in shas if sha in infos]
    if reachable:
        return _not_reachable(context, claim, reachable[0])
    tips = sorted({sha for _name, sha, _when in ref_commits(context.repo) if sha})
    found = subjects_matching(context.repo, tips, [_grep_text(message)], limit=20) if tips else []
    elsewhere = [sha for sha, subject in found if _same_subject(message, subject)]
    if elsewhere:
        infos = context.repo.commits_info(elsewhere[:1])
        if elsewhere[0] in infos:
            return _not_reachable(context, claim, infos[elsewhere[0]])
    return _result(
        claim,
        "verified",
        f'no commit reachable from {written} has the subject "{message}", and no branch or '
        "tag holds one either",
    )


@_checker("message")
def _check_message(context: _Context, claim: Claim) -> ClaimCheck:
    if claim.relation == "not-in-revision":
        return _check_unmerged_message(context, claim)
    message = claim.message or ""
    hits = context.subjects(message)
    exact = [c for c in hits if _normal_subject(c.subject) == _normal_subject(message)]
    if exact:
        more = f" (and {len(exact) - 1} more)" if len(exact) > 1 else ""
        found = exact[0]
        detail = (
            f'commit {found.sha[:10]} has the subject "{found.subject}" '
            f"(committed {_fmt(found.committer_date)}){more}"
        )
        evidence = context.commit_evidence(claim, exact[0].sha, exact[0])
        return _result(claim, "verified", detail, evidence=evidence)
    close = [c for c in hits if _same_subject(message, c.subject)]
    if close:
        detail = (
            f'commit {close[0].sha[:10]} has a subject close to it: "{close[0].subject}" '
            f"(committed {_fmt(close[0].committer_date)})"
        )
        evidence = context.commit_evidence(claim, close[0].sha, close[0])
        return _result(claim, "verified", detail, evidence=evidence)
    suggestion = f"closest: commit {_short(hits[0])}" if hits else None
    return _result(
        claim,
        "contradicted",
        f'no commit reachable from {context.revision[:12]} has the subject "{message}"',
        suggestion,
    )


def message_commit(context: _Context, claim: Claim) -> CommitInfo | None:
    """The commit a message claim names, when one has exactly that subject."""
    for info in context.subject_hits.get(claim.message or "", []):
        if _same_subject(claim.message or "", info.subject):
            return info
    return None


# --- counts ----------------------------------------------------------------------------


@_checker("count")
def _check_count(context: _Context, claim: Claim) -> ClaimCheck:
    if not claim.pattern:
        return _result(claim, "unverifiable", "names nothing that could be counted")
    if claim.count is None:
        return _result(claim, "unverifiable", "no number to compare")
    unit = claim.count_unit or "files"
    if unit == "commits":
        return _count_commits(context, claim)
    measured = context.count(claim.pattern, "files" if unit == "files" else "matches")
    if context.on_working_tree:
        how = f"rg -F {claim.pattern!r} in the working tree"
    else:
        how = f"git grep -F {claim.pattern!r} at {context.revision[:12]}"
    noun = "files" if unit == "files" else "matches"
    real = measured.count
    found = f"{real} {({'files': 'file', 'matches': 'match'}[noun]) if real == 1 else noun}"
    claimed = f"{claim.count}{'+' if claim.at_least else ''}"
    # The evidence is git grep at the commit (what `whys verify` re-runs), also when rg
    # counted the working tree.
    pinned = context.pinned_count(claim.pattern, noun)
    said = "file(s) contain" if noun == "files" else "matching line(s) for"
    summary = f"{pinned.count} {said} {claim.pattern!r} at {context.revision[:12]}"
    query = _count_query(claim.pattern, noun)
    evidence = context.pin(claim, "count", summary, query, f"{pinned.count} {noun}")
    holds = real >= claim.count if claim.at_least else real == claim.count
    if measured.cancelled or pinned.cancelled:
        return _result(claim, "unverifiable", f"count cancelled ({how})")
    if holds:
        agrees = f"at least the {claim.count} claimed" if claim.at_least else "as claimed"
        return _result(claim, "verified", f"{found}, {agrees} ({how})", None, evidence)
    return _result(claim, "contradicted", f"{found}, not {claimed} ({how})", found, evidence)


def _count_query(pattern: str, unit: str) -> dict[str, Any]:
    return {"op": "count", "pattern": pattern, "unit": unit, "fixed_strings": True}


def _count_commits(context: _Context, claim: Claim) -> ClaimCheck:
    pattern = claim.pattern or ""
    real = sum(
        1 for _ in context.repo.iter_log(context.revision, message=pattern, cancel=context.cancel)
    )
    claimed = f"{claim.count}{'+' if claim.at_least else ''}"
    how = f"git log --grep {pattern!r} from {context.revision[:12]}"
    holds = real >= (claim.count or 0) if claim.at_least else real == claim.count
    if holds:
        agrees = f"at least the {claim.count} claimed" if claim.at_least else "as claimed"
        return _result(claim, "verified", f"{real} commits, {agrees} ({how})")
    return _result(
        claim, "contradicted", f"{real} commits, not {claimed} ({how})", f"{real} commits"
    )


# --- time ------------------------------------------------------------------------------


def _incident_start(analysis: Analysis) -> datetime | None:
    incident = analysis.incident
    return incident.start or incident.detected


def _anchor(context: _Context, claim: Claim) -> CommitInfo | None:
    """The commit a commit/time claim is about: its SHA, or for a time claim the commit
    whose subject it quotes."""
    if not claim.sha:
        if claim.kind == "time" and claim.message:
            context.subjects(claim.message)
            return message_commit(context, claim)
        return None
    found = context.commits.get(claim.sha.lower())
    if found is None or found.sha is None:
        return None
    return context.infos.get(found.sha)


def _fmt(moment: datetime) -> str:
    """Every moment in UTC, so a commit date and the incident window compare at a glance."""
    if moment.tzinfo is None:
        return f"{moment:%Y-%m-%d %H:%M}"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


@_checker("time")
def _check_time(context: _Context, claim: Claim) -> ClaimCheck:
    info = _anchor(context, claim)
    if (claim.sha or claim.message) and info is None:
        named = claim.sha or f'"{claim.message}"'
        return _result(
            claim, "unverifiable", f"commit {named} does not resolve to one commit to date"
        )
    if info is None:
        return _result(
            claim,
            "unverifiable",
            "names no commit, and no single commit is cited near it (its bullet, paragraph "
            "or why) whose date or ancestry could settle it",
        )
    relation = claim.relation
    if relation in {"before-incident", "after-incident"}:
        check = _time_vs_incident(context, claim, info)
    elif relation in {"in-revision", "not-in-revision"}:
        check = _time_in_revision(context, claim, info)
    elif relation == "on-date":
        check = _time_on_date(context, claim, info)
    elif relation in {"before-commit", "after-commit"}:
        check = _time_vs_commit(context, claim, info)
    else:
        return _result(claim, "unverifiable", "no time relation recognised")
    if not check.evidence:
        check.evidence = context.commit_evidence(claim, info.sha, info)
    if _borrowed(claim):
        named = claim.sha or f'"{claim.message}"'
        check.detail = (
            f"the line names no commit; checked against commit {named} ({info.sha[:10]}), "
            f"the one cited near it: {check.detail}"
        )
    return check


def _borrowed(claim: Claim) -> bool:
    """Whether a time claim's commit was taken from a line near it rather than its own."""
    text = claim.text.casefold()
    if claim.sha:
        return claim.sha.casefold() not in text
    return bool(claim.message) and (claim.message or "").casefold() not in text


def _time_vs_incident(context: _Context, claim: Claim, info: CommitInfo) -> ClaimCheck:
    start = _incident_start(context.analysis)
    landed = info.committer_date
    if start is None:
        return _result(
            claim,
            "unverifiable",
            f"commit {info.sha[:10]} landed {_fmt(landed)}; the analysis gives no incident start",
        )
    before = landed < start
    says_before = claim.relation == "before-incident"
    detail = (
        f"commit {info.sha[:10]} landed {_fmt(landed)}, "
        f"{'before' if before else 'after'} the incident start {_fmt(start)}"
    )
    status = "verified" if before == says_before else "contradicted"
    return _result(claim, status, detail)


def _named_revision(context: _Context, claim: Claim) -> tuple[str | None, str]:
    """(full SHA, as written) of the revision the claim names, or the deployed one."""
    written = claim.revision or context.analysis.incident.deployed_revision
    if not written:
        return None, ""
    return context.named_revision(written), written


def _time_in_revision(context: _Context, claim: Claim, info: CommitInfo) -> ClaimCheck:
    revision, written = _named_revision(context, claim)
    if not written:
        return _result(claim, "unverifiable", "names no revision and the analysis gives none")
    if revision is None:
        return _result(claim, "unverifiable", f"revision {written!r} is not in the repository")
    contained = context.is_ancestor(info.sha, revision)
    says_in = claim.relation == "in-revision"
    detail = (
        f"commit {info.sha[:10]} is {'' if contained else 'not '}in {written} ({revision[:12]})"
    )
    evidence = _ancestry_evidence(context, claim, info.sha, revision, contained)
    status = "verified" if contained == says_in else "contradicted"
    return _result(claim, status, detail, evidence=evidence)


def _incident_day(analysis: Analysis) -> datetime | None:
    incident = analysis.incident
    return incident.start or incident.detected or incident.title_date or incident.end


def _time_on_date(context: _Context, claim: Claim, info: CommitInfo) -> ClaimCheck:
    """A date ("introduced on 2026-02-25"), a moment ("2026-02-24 15:41"), or a clock time
    ("resolved by ~03:44 UTC", placed on the incident's day when no date is written)."""
    clock = time_of_day(claim.text)
    when = claim.when
    if when is not None and not (when.hour or when.minute) and clock:
        when = when.replace(hour=clock[1], minute=clock[2])
    if when is None and clock:
        day = _incident_day(context.analysis)
        if day is not None:
            when = day.astimezone(UTC).replace(
                hour=clock[1], minute=clock[2], second=0, microsecond=0
            )
    if when is None:
        return _result(claim, "unverifiable", "a time of day with no date to place it on")
    dates = (info.author_date, info.committer_date)
    detail = (
        f"commit {info.sha[:10]} authored {_fmt(info.author_date)}, "
        f"committed {_fmt(info.committer_date)}"
    )
    if not (when.hour or when.minute):
        day = when.date()
        on_day = [d for d in dates if d.astimezone(UTC).date() == day or d.date() == day]
        return _result(claim, "verified" if on_day else "contradicted", detail)
    word = clock[0] if clock else "at"
    approx = approximate(claim.text)
    slack = APPROXIMATE_SLACK if approx else (EXACT_SLACK if clock else MOMENT_SLACK)
    landed = info.committer_date
    if word in {"by", "before", "until"}:
        holds = landed <= when + slack
    elif word == "after":
        holds = landed >= when - slack
    else:
        holds = any(abs(d - when) <= slack for d in dates)
    detail += f"; claimed {word} {_fmt(when)}"
    return _result(claim, "verified" if holds else "contradicted", detail)


def _time_vs_commit(context: _Context, claim: Claim, info: CommitInfo) -> ClaimCheck:
    other = context.commits.get((claim.other_sha or "").lower())
    other_info = context.infos.get(other.sha) if other and other.sha else None
    if other_info is None:
        return _result(claim, "unverifiable", f"commit {claim.other_sha} does not resolve")
    older = info.committer_date < other_info.committer_date
    says_older = claim.relation == "before-commit"
    detail = (
        f"{info.sha[:10]} landed {_fmt(info.committer_date)}, "
        f"{other_info.sha[:10]} landed {_fmt(other_info.committer_date)}"
    )
    return _result(claim, "verified" if older == says_older else "contradicted", detail)


@_checker("external")
def _check_external(context: _Context, claim: Claim) -> ClaimCheck:
    return _result(
        claim,
        "unverifiable",
        "outside the repository (revenue, dashboards, cloud logs): nothing here can settle it",
    )


# --- timeline --------------------------------------------------------------------------


@dataclass
class _Cited:
    info: CommitInfo
    roles: set[str] = field(default_factory=set)
    claim_ids: list[str] = field(default_factory=list)


def _cited_commits(context: _Context) -> dict[str, _Cited]:
    cited: dict[str, _Cited] = {}
    for claim in context.analysis.claims:
        info: CommitInfo | None = None
        if claim.kind in {"commit", "message"} and claim.relation == "not-in-revision":
            continue  # "never merged": the analysis itself says it is not on the line
        if claim.kind in {"commit", "time"}:
            info = _anchor(context, claim)
        elif claim.kind == "message":
            info = message_commit(context, claim)
        if info is None:
            continue
        entry = cited.setdefault(info.sha, _Cited(info))
        entry.claim_ids.append(claim.id)
        if claim.kind != "time":
            role = _section_role(context.analysis, claim)
            if role:
                entry.roles.add(role)
    return cited


def _section_role(analysis: Analysis, claim: Claim) -> str | None:
    """The claim's own wording first; a commit named under "Root cause" is the cause, one
    under "Fix" the fix."""
    if claim.role and claim.role != "mentioned":
        return claim.role
    for section, role in ((analysis.root_cause, "cause"), (analysis.fix, "fix")):
        if section is not None and section.line <= claim.line <= section.end_line:
            return role
    return claim.role


def timeline_findings(context: _Context, checks: list[ClaimCheck]) -> list[Finding]:
    """What cannot be true of the cited commits taken together."""
    cited = _cited_commits(context)
    findings: list[Finding] = []
    start = _incident_start(context.analysis)
    causes = [c for c in cited.values() if "cause" in c.roles]
    fixes = [c for c in cited.values() if "fix" in c.roles and "cause" not in c.roles]
    if start is not None:
        for cause in causes:
            if cause.info.committer_date > start:
                findings.append(
                    Finding(
                        rule="cause-after-incident",
                        severity="error",
                        message=(
                            f"cause {cause.info.sha[:10]} landed "
                            f"{_fmt(cause.info.committer_date)}, after the incident started "
                            f"{_fmt(start)}"
                        ),
                        claim_ids=cause.claim_ids,
                        commits=[cause.info.sha],
                    )
                )
    for fix in fixes:
        for cause in causes:
            if fix.info.committer_date < cause.info.committer_date:
                findings.append(
                    Finding(
                        rule="fix-before-cause",
                        severity="error",
                        message=(
                            f"fix {fix.info.sha[:10]} ({_fmt(fix.info.committer_date)}) is older "
                            f"than its cause {cause.info.sha[:10]} "
                            f"({_fmt(cause.info.committer_date)})"
                        ),
                        claim_ids=sorted(set(fix.claim_ids + cause.claim_ids), key=_id_order),
                        commits=[fix.info.sha, cause.info.sha],
                    )
                )
    findings += _revision_findings(context, cited)
    for entry in cited.values():
        gap = abs(entry.info.committer_date - entry.info.author_date)
        if gap > DATES_DIVERGE:
            findings.append(
                Finding(
                    rule="dates-diverge",
                    severity="warning",
                    message=(
                        f"{entry.info.sha[:10]} was authored {_fmt(entry.info.author_date)} but "
                        f"committed {_fmt(entry.info.committer_date)} ({gap.days} days apart: "
                        "rebased or cherry-picked, its dates mislead)"
                    ),
                    claim_ids=entry.claim_ids,
                    commits=[entry.info.sha],
                )
            )
    if start is not None:
        end = context.analysis.incident.end or start
        for entry in cited.values():
            landed = entry.info.committer_date
            if landed < start - WINDOW_BEFORE or landed > end + WINDOW_AFTER:
                findings.append(
                    Finding(
                        rule="outside-window",
                        severity="warning",
                        message=(
                            f"{entry.info.sha[:10]} landed {_fmt(landed)}, far from the incident "
                            f"({_fmt(start)})"
                        ),
                        claim_ids=entry.claim_ids,
                        commits=[entry.info.sha],
                    )
                )
    return findings


def _id_order(claim_id: str) -> int:
    return int(claim_id[1:]) if claim_id[1:].isdigit() else 0


def _revision_findings(context: _Context, cited: dict[str, _Cited]) -> list[Finding]:
    findings: list[Finding] = []
    # A fix said to be in a revision that does not contain it: one finding per (fix,
    # revision), naming every claim that says so.
    missing: dict[tuple[str, str], tuple[str, set[str]]] = {}
    for claim in context.analysis.claims:
        if claim.kind != "time" or claim.relation != "in-revision":
            continue
        info = _anchor(context, claim)
        if info is None:
            continue
        entry = cited.get(info.sha)
        is_fix = entry is not None and "fix" in entry.roles
        if not is_fix and not re.search(r"\bfix", claim.text, re.I):
            continue
        revision, written = _named_revision(context, claim)
        if revision is None or context.is_ancestor(info.sha, revision):
            continue
        ids = set(entry.claim_ids if entry else []) | {claim.id}
        _written, named = missing.setdefault((info.sha, revision), (written, set()))
        named.update(ids)
    for (sha, revision), (written, named) in missing.items():
        findings.append(
            Finding(
                rule="fix-not-in-revision",
                severity="error",
                message=f"fix {sha[:10]} is not in {written} ({revision[:12]})",
                claim_ids=sorted(named, key=_id_order),
                commits=[sha],
            )
        )
    deployed_written = context.analysis.incident.deployed_revision
    deployed = context.deployed()
    if not deployed_written or deployed is None:
        return findings
    for entry in cited.values():
        # Later commits on the deployed line (fixes, follow-ups) descend from it; only a
        # commit on a line that never met the deployed revision is unreachable from it.
        if entry.info.sha == deployed or context.is_ancestor(entry.info.sha, deployed):
            continue
        if context.is_ancestor(deployed, entry.info.sha):
            continue
        branches, tags = context.containing_refs(entry.info.sha)
        on = ", ".join(branches[:3]) if branches else "no branch"
        findings.append(
            Finding(
                rule="unreachable-from-deployed",
                severity="error" if "cause" in entry.roles else "warning",
                message=(
                    f"{entry.info.sha[:10]} is not reachable from the deployed revision "
                    f"{deployed_written} ({deployed[:12]}); it is on {on}"
                ),
                claim_ids=entry.claim_ids,
                commits=[entry.info.sha],
            )
        )
    return findings


def _grep_text(message: str) -> str:
    """What to ask git to find for a quoted subject: a quote cut with "..." by its stem."""
    return " ".join(message.split()).rstrip(".\u2026 ").strip("\"'\u201c\u201d")

"""The check context: one run's analysis, revision and services, and the prefetch that
starts every kind's slow queries together.

Services (each small, each its own module): `tree` (files and texts), `tree_search`
(where fixed strings occur, one batched grep per run), `counts`,
`history` (walk and ancestry), `messages` (the subject index), `pins` (evidence). Path
resolution and code-name patterns are plain functions in `paths` and `names`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, timedelta
from functools import partial

from whys.core.claims.checking.commits import CitedCommit
from whys.core.claims.checking.common import (
    ANSWERED_BY_DEFINITIONS,
    MESSAGE_WINDOW,
    PARALLEL_QUERIES,
    run_together,
)
from whys.core.claims.checking.counts import Counts
from whys.core.claims.checking.own import OwnCommits
from whys.core.claims.checking.paths import resolve_path
from whys.core.claims.checking.pins import Pins
from whys.core.claims.checking.subjects import Messages, same_subject
from whys.core.claims.checking.tree import Tree
from whys.core.claims.checking.tree_search import TreeSearch, WorkingTree
from whys.core.claims.kind import Prefetch
from whys.core.history import History, HistoryWalk
from whys.core.models import Analysis, Claim, CommitInfo
from whys.core.repo import GitRepo, missing_history_objects
from whys.errors import BadInputError, BadRevisionError


class KnownSearches:
    """The tree searches of earlier checks of one analysis (at its own commit), so a check
    at a nearby revision (the parent, HEAD for drift) searches only the files that differ."""

    def __init__(self) -> None:
        self._by_revision: dict[str, tuple[TreeSearch, TreeSearch]] = {}

    def keep(self, context: CheckContext) -> None:
        self._by_revision.setdefault(
            context.revision, (context.tree_search, context.counts.definitions)
        )

    def derive(self, repo: GitRepo, revision: str) -> tuple[TreeSearch, TreeSearch] | None:
        """(names, definitions) searches at `revision`, from a kept one; None when none
        is kept or the trees differ too much for it to pay."""
        for known, (names, definitions) in self._by_revision.items():
            if known == revision:
                return names, definitions
            try:
                changed = repo.changed_paths(known, revision)
            except BadInputError:
                continue
            derived_names = names.derive(revision, changed)
            derived_definitions = definitions.derive(revision, changed)
            if derived_names is not None and derived_definitions is not None:
                return derived_names, derived_definitions
        return None


class CheckContext:
    """One check run: the revision, its services and the caches every claim shares."""

    def __init__(
        self,
        analysis: Analysis,
        repo: GitRepo,
        revision: str,
        cancel: threading.Event | None,
        known: KnownSearches | None = None,
    ) -> None:
        self.analysis = analysis
        self.repo = repo
        self.revision = revision
        self.cancel = cancel
        self.known = known or KnownSearches()
        self.tree = Tree(repo, revision)
        working_tree = WorkingTree(repo, revision)
        self.tree_search = TreeSearch(repo, revision, cancel, working_tree=working_tree)
        self.counts = Counts(repo, revision, cancel, working_tree)
        derived = self.known.derive(repo, revision)
        if derived is not None:
            self.tree_search, self.counts.definitions = derived
        self.history = History(repo, revision)
        self.history.prepare = partial(self.walk_history, for_messages=False)
        self.messages = Messages(self)
        self.pins = Pins(self)
        self.own = OwnCommits(repo, analysis.path, revision, cancel)  # the analysis's commits
        self.commits: dict[str, CitedCommit] = {}
        self._deployed: str | None = None
        self._contained: dict[str, bool] = {}
        self._history_damage: list[str] | None | bool = False  # False: not asked yet
        self._named_revisions: dict[str, str | None] = {}

    def close(self) -> None:
        """End the processes the run kept open (the tree's blob reader)."""
        self.tree.close()

    @property
    def infos(self) -> dict[str, CommitInfo]:
        """The cited commits that resolved, by full SHA."""
        return self.history.infos

    def prefetch(self, claims: list[Claim], plans: list[Prefetch]) -> None:
        """Start the slow, independent queries the kinds asked for together (each is its
        own git or rg process, so they overlap), with the history walk when a quoted
        message needs the subject index or commits are cited, and the tree listing."""
        jobs: dict[Hashable, Callable[[], object]] = {}
        messages: list[str] = []
        path_claims: list[Claim] = []
        read_claims: list[Claim] = []
        for plan in plans:
            jobs.update(plan.jobs)
            messages += plan.messages
            path_claims += plan.path_claims
            read_claims += plan.read_claims
        order = {id(claim): index for index, claim in enumerate(claims)}
        read_claims.sort(key=lambda claim: order.get(id(claim), 0))
        # The longest first (the tree searches read every file), so none waits for a turn.
        first: dict[Hashable, Callable[[], object]] = {}
        if self.tree_search.pending:
            first["tree search"] = self.tree_search.run
        if self.counts.definitions.pending:  # counts of definitions: one pass for all
            first["definitions"] = self.counts.definitions.run
        if messages or self.infos:
            first["history"] = partial(self._prefetch_history, messages)
        if path_claims:
            first["files"] = lambda: self.tree.files
        # Counts of definitions are answered by the definitions pass: until it ends they
        # only wait, so they go last rather than hold a turn an independent query could use
        # (on zen one waited 0.44 s while the history damage walk queued behind it).
        waiting = {
            key: job
            for key, job in jobs.items()
            if isinstance(key, tuple) and key[0] == ANSWERED_BY_DEFINITIONS
        }
        rest = {key: job for key, job in jobs.items() if key not in first and key not in waiting}
        jobs = first | rest | waiting
        for error in run_together(jobs.values(), PARALLEL_QUERIES):
            # A failure resurfaces in the claim that meets it, as unverifiable.
            if error is not None and not isinstance(error, BadInputError):
                raise error
        if read_claims:
            with contextlib.suppress(BadInputError):
                self.tree.learn_links(
                    path
                    for claim in read_claims
                    for path in resolve_path(
                        claim.path or "", self.tree.files, self.tree.by_name
                    ).matches
                )

    def needs_subjects(self, claim: Claim) -> bool:
        """Whether the claim's quoted message must be looked up among the subjects."""
        if claim.kind == "message" or (claim.kind == "time" and claim.message and not claim.sha):
            return True
        if claim.kind != "commit" or not claim.message:
            return False
        found = self.commits.get((claim.sha or "").lower())
        info = self.infos.get(found.sha) if found and found.sha else None
        return info is None or not same_subject(claim.message, info.subject)

    def deployed(self) -> str | None:
        """Full SHA of the analysis's deployed revision, when it names one that resolves."""
        if self._deployed is None:
            written = self.analysis.incident.deployed_revision
            self._deployed = ""
            if written:
                with contextlib.suppress(BadRevisionError):
                    self._deployed = self.repo.resolve_revision(written)
        return self._deployed or None

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
        """Whether the checked revision holds the commit."""
        if sha not in self._contained:
            self._contained[sha] = self.history.is_ancestor(sha, self.revision)
        return self._contained[sha]

    def window_start(self, before: timedelta) -> datetime | None:
        """A date to bound history walks by: the earliest of the incident and the cited
        commits, less `before`. None when the analysis dates nothing."""
        incident = self.analysis.incident
        moments = [m for m in (incident.start, incident.detected, incident.title_date) if m]
        moments += [info.committer_date for info in self.infos.values()]
        moments = [m if m.tzinfo else m.replace(tzinfo=UTC) for m in moments]
        return min(moments) - before if moments else None

    def _prefetch_history(self, messages: list[str]) -> None:
        self.walk_history(for_messages=bool(messages))
        if messages:
            self.messages.lookup_messages(messages)

    def walk_history(self, *, for_messages: bool) -> HistoryWalk:
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
        dates = self.history.dates_of(tips)
        since = History.ancestry_since(list(dates.values())) if self.infos else None
        if for_messages:
            window = self.window_start(MESSAGE_WINDOW)
            since = None if window is None else min(window, since or window)
        return self.history.start(tips, since, with_refs=bool(deployed and self.infos))

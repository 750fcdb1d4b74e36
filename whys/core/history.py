"""History: one date-bounded walk of the commits a check asks about, and the ancestry,
reach and containing refs answered from it.

Moved out of `repo.py`'s free functions and the old check context. git still runs only
through `GitRepo`'s runner (`_run`, `_run_spooled`); this module owns what a walk means.
A new history question (say, "first commit touching X since the walk opened") goes on
`History`, next to `is_ancestor`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from whys.core.models import CommitInfo
from whys.core.repo import GitRepo, _as_git_date, branches_and_tags

# A commit's committer date may precede its parent's by clock skew; the walk reaches this
# far below the oldest commit it must answer for.
ANCESTRY_SLACK = timedelta(days=2)
# Past this many branches and tags, `containing_refs` asks git rather than the walk.
MAX_REF_TIPS = 100


def ref_commits(repo: GitRepo) -> list[tuple[str, str | None, int]]:
    """(ref name, the commit it names, that commit's committer time) for every branch,
    remote branch and tag, from one `for-each-ref`. The commit is None when the ref names
    something else (a tree, a blob, a tag of a tag), which this listing does not follow."""
    fields = "%(refname)%00%(objecttype)%00%(objectname)%00%(committerdate:unix)"
    peeled = "%00%(*objecttype)%00%(*objectname)%00%(*committerdate:unix)"
    _, out, _ = repo._run(
        ["for-each-ref", f"--format={fields}{peeled}", "refs/heads", "refs/remotes", "refs/tags"]
    )
    refs: list[tuple[str, str | None, int]] = []
    for line in out.decode("utf-8", "replace").splitlines():
        name, kind, sha, when, inner_kind, inner_sha, inner_when = (line.split("\0") + [""] * 7)[:7]
        if kind == "tag":
            kind, sha, when = inner_kind, inner_sha, inner_when
        if kind == "commit" and when.strip().isdigit():
            refs.append((name, sha, int(when)))
        else:
            refs.append((name, None, 0))
    return refs


@dataclass
class HistoryWalk:
    """Commits reachable from some revisions (committed since `since`, when given), kept as
    git printed them, newest first, one line each: "<sha> <parents>\\0<committer time>
    <subject>". Lines are split only for the commits a question reaches."""

    since: datetime | None
    text: str
    lines: dict[str, str]
    width: int = 40  # hex digits of an object id (64 in a SHA-256 repository)
    _casefolded: str | None = None

    def committed(self, sha: str) -> int:
        line = self.lines[sha]
        return int(line[line.find("\0") + 1 :].partition(" ")[0])

    def subject(self, sha: str) -> str:
        line = self.lines[sha]
        return " ".join(line[line.find("\0") + 1 :].partition(" ")[2].split())

    def shas_with(self, texts: Iterable[str]) -> list[str]:
        """Commits whose subject contains any of `texts`, ignoring case, in walk order."""
        folded = self._folded()
        found: set[str] = set()
        for text in {t.casefold() for t in texts if t and "\n" not in t and "\0" not in t}:
            position = folded.find(text)
            while position != -1:
                start = folded.rfind("\n", 0, position) + 1
                # Only the subject part counts, not the SHA and parents before the NUL.
                if folded.find("\0", start, position) != -1:
                    found.add(folded[start : start + self.width])
                position = folded.find(text, position + 1)
        return [sha for sha in self.lines if sha in found] if found else []

    def _folded(self) -> str:
        if self._casefolded is None:
            self._casefolded = self.text.casefold()
        return self._casefolded


def history_walk(repo: GitRepo, revs: Iterable[str], since: datetime | None = None) -> HistoryWalk:
    """One `git log` for the ancestry of several revisions and the subjects of their
    history: ancestry questions and subject searches share a single walk."""
    shas = list(dict.fromkeys(repo._commit_id(rev) for rev in revs))
    if not shas:
        return HistoryWalk(since, "", {})
    args = ["log", "--format=%H %P%x00%ct %s"]
    if since is not None:
        args.append(f"--since={_as_git_date(since)}")
    out = repo._run_spooled([*args, "--end-of-options", *shas, "--"])
    text = out.decode("utf-8", "replace")
    width = text.find(" ") if text else 40
    lines = {line[:width]: line for line in text.split("\n") if len(line) > width}
    return HistoryWalk(since, text, lines, width)


class History:
    """The walk and the ancestry answered from it, cached for one check run.

    `infos` are the cited commits (full SHA -> CommitInfo): their dates bound the reach of
    a "no" answer. `prepare` is called when an ancestry question arrives before any walk,
    so the caller can start the walk from every tip it knows of."""

    def __init__(self, repo: GitRepo, revision: str) -> None:
        self.repo = repo
        self.revision = revision
        self.infos: dict[str, CommitInfo] = {}
        self.prepare: Callable[[], object] | None = None
        self.walk: HistoryWalk | None = None
        self.refs: list[tuple[str, str | None, int]] | None = None
        self.since: datetime | None = None
        self.tip_dates: dict[str, datetime] = {}
        self._edges: dict[str, set[str]] = {}
        self._searched: set[str] = set()
        self._reachable: dict[str, set[str]] = {}
        self._ancestry: dict[tuple[str, str], bool] = {}

    def start(
        self, tips: set[str], since: datetime | None, *, with_refs: bool = False
    ) -> HistoryWalk:
        """Walk from `tips` (and, with `with_refs`, every ref when they are few)."""
        if with_refs:
            # Which branches hold a commit unreachable from the deployed revision: the
            # walk answers it too when it also starts from every ref (a few, not thousands).
            self.refs = ref_commits(self.repo)
            if len(self.refs) <= MAX_REF_TIPS:
                tips.update(sha for _name, sha, _when in self.refs if sha)
        self.since = since
        self.walk = history_walk(self.repo, tips, since)
        self._reachable = {}
        self._edges = {}
        return self.walk

    def edge(self, start: str) -> set[str]:
        """The parents just older than the walk, reached from `start`."""
        return self._edges.get(start, set())

    def dates_of(self, tips: Iterable[str]) -> dict[str, datetime]:
        self.tip_dates = {
            sha: info.committer_date for sha, info in self.repo.commits_info(tips).items()
        }
        return self.tip_dates

    @staticmethod
    def ancestry_since(dates: list[datetime]) -> datetime | None:
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
        if self.walk is None and self.infos and self.prepare is not None:
            self.prepare()
        answer: bool | None = None
        if self.walk is not None and descendant in self.walk.lines:
            landed = self.tip_dates.get(ancestor) or (
                self.infos[ancestor].committer_date if ancestor in self.infos else None
            )
            if self._reaches(descendant, ancestor, landed):
                answer = True
            elif landed is not None and (
                self.since is None or landed >= self.since + ANCESTRY_SLACK
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
            return ancestor in self.reach(descendant)
        self._searched.add(descendant)
        floor = (landed - ANCESTRY_SLACK).timestamp() if landed is not None else None
        return self._follow(descendant, ancestor, floor)

    def reach(self, start: str) -> set[str]:
        if start not in self._reachable:
            self._follow(start)
        return self._reachable[start]

    def _follow(self, start: str, target: str | None = None, floor: float | None = None) -> bool:
        """Parents from `start` inside the walk, first parents first, not below `floor`
        (a committer time): True on meeting `target`. A whole reach (no target met, no
        floor) is kept for next time, with its edge: the parents older than the walk."""
        walk = self.walk
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
        walk = self.walk
        landed = self.tip_dates.get(sha) or (
            self.infos[sha].committer_date if sha in self.infos else None
        )
        if walk is None or landed is None or self.refs is None:
            return self.repo.containing_refs(sha)
        floor = (landed - ANCESTRY_SLACK).timestamp()
        holding: list[str] = []
        for name, commit, when in self.refs:
            if commit is not None and when < floor:
                continue
            if commit is None or commit not in walk.lines:
                return self.repo.containing_refs(sha)
            if self.is_ancestor(sha, commit):
                holding.append(name)
        return branches_and_tags(holding)

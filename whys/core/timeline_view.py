"""What the workbench's timeline picture shows, built from the repository: the cited
commits resolved, the deployed revision named, the history (or a pickaxe) streamed and
indexed by time. Pure domain: no Textual here; the TUI's worker calls `build_timeline`.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from whys.core.models import CommitInfo
from whys.core.repo import GitRepo
from whys.errors import WhysError

HISTORY_LIMIT = 100_000
PROGRESS_EVERY = 2000
# Which check status matters most when several claims cite one commit.
STATUS_ORDER = {"contradicted": 0, "unverifiable": 1, "verified": 2}


def worst_status(statuses: Iterable[str | None]) -> str | None:
    """The status that matters most among several claims: contradicted, then unverifiable,
    then verified; None when none was checked."""
    return min((s for s in statuses if s), key=STATUS_ORDER.__getitem__, default=None)


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass
class TimelineData:
    """Everything the picture shows. `commits` come in any order; `ordered` and `stamps`
    (oldest first, POSIX seconds) let zoom and pan find the visible ones by bisection."""

    commits: list[CommitInfo] = field(default_factory=list)
    cited: dict[str, list[str]] = field(default_factory=dict)  # full sha -> claim ids
    cited_status: dict[str, str] = field(default_factory=dict)  # full sha -> worst status
    incident_start: datetime | None = None
    incident_end: datetime | None = None
    deployed_sha: str | None = None
    deployed_name: str | None = None

    def __post_init__(self) -> None:
        self.ordered = sorted(self.commits, key=lambda commit: self.when(commit))
        self.stamps = [self.when(commit).timestamp() for commit in self.ordered]
        self.initial_view = self.extent()

    def when(self, commit: CommitInfo) -> datetime:
        return as_utc(commit.committer_date)

    def between(self, start: datetime, end: datetime) -> list[CommitInfo]:
        """Commits in [start, end], oldest first."""
        low = bisect_left(self.stamps, start.timestamp())
        high = bisect_right(self.stamps, end.timestamp())
        return self.ordered[low:high]

    def extent(self) -> tuple[datetime, datetime]:
        """The initial view: cited commits, the incident and the deployed revision, padded;
        all commits when nothing is cited."""
        moments = [self.when(c) for c in self.ordered if c.sha in self.cited]
        moments += [as_utc(m) for m in (self.incident_start, self.incident_end) if m]
        moments += [self.when(c) for c in self.ordered if c.sha == self.deployed_sha]
        if len(moments) < 2 and self.ordered:
            moments += [self.when(self.ordered[0]), self.when(self.ordered[-1])]
        if not moments:
            now = datetime.now(UTC)
            return now - timedelta(days=7), now
        start, end = min(moments), max(moments)
        pad = max((end - start) * 0.08, timedelta(hours=6))
        return start - pad, end + pad

    def recolour(self, claim_status: dict[str, str]) -> None:
        """New check results: each cited commit takes the worst status of its claims."""
        self.cited_status = {
            sha: worst_status(claim_status.get(claim) for claim in claim_ids) or "unverifiable"
            for sha, claim_ids in self.cited.items()
        }


@dataclass(frozen=True)
class TimelineRequest:
    """What a timeline scan needs, copied from the session (plain data, any thread)."""

    revision: str
    cited_prefixes: dict[str, list[str]]  # SHA prefix as written -> claim ids citing it
    claim_status: dict[str, str]
    incident_start: datetime | None = None
    incident_end: datetime | None = None
    deployed: str | None = None
    pickaxe: str = ""
    path: str = ""
    scan_id: int = 0


def scan_label(pickaxe: str) -> str:
    """What a scan is called on screen: which git query ran."""
    return f"-S {pickaxe!r}" if pickaxe else "history"


def build_timeline(
    repo: GitRepo,
    request: TimelineRequest,
    cancel: threading.Event | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    limit: int = HISTORY_LIMIT,
) -> tuple[TimelineData, str]:
    """The picture's data and the scan's label: resolve the cited commits and the deployed
    revision, stream the history (or a pickaxe), index it by time. A set `cancel` stops the
    stream at its next commit; what was read so far is returned."""
    cited: dict[str, list[str]] = {}
    for prefix, claim_ids in request.cited_prefixes.items():
        try:
            matches = repo.resolve_prefix(prefix)
        except WhysError:
            continue
        if len(matches) == 1:
            cited.setdefault(matches[0], []).extend(claim_ids)
    cited_info = repo.commits_info(cited)
    deployed_sha = deployed_name = None
    if request.deployed:
        try:
            deployed_sha = repo.resolve_revision(request.deployed)
        except WhysError:
            deployed_sha = None
        else:
            deployed_name = request.deployed
            if deployed_sha.startswith(request.deployed.lower()):
                _branches, tags = repo.containing_refs(deployed_sha)
                deployed_name = tags[0] if tags else request.deployed[:9]
            cited_info.update(repo.commits_info([deployed_sha]))
    label = scan_label(request.pickaxe)
    commits: dict[str, CommitInfo] = {}
    started = time.monotonic()
    for commit in repo.iter_log(
        request.revision,
        pickaxe=request.pickaxe or None,
        paths=(request.path,) if request.path else (),
        max_count=limit,
        cancel=cancel,
    ):
        commits[commit.sha] = commit
        if progress is not None and len(commits) % PROGRESS_EVERY == 0:
            progress(
                f"scanning {label}: {len(commits):,} commits, {time.monotonic() - started:.1f}s…"
            )
    # Cited commits off the scanned history (another branch, outside a pickaxe) are still
    # drawn, so the picture never hides what the analysis cites.
    for sha, info in cited_info.items():
        commits.setdefault(sha, info)
    data = TimelineData(
        commits=list(commits.values()),
        cited=cited,
        incident_start=request.incident_start,
        incident_end=request.incident_end,
        deployed_sha=deployed_sha,
        deployed_name=deployed_name,
    )
    data.recolour(request.claim_status)
    return data, label

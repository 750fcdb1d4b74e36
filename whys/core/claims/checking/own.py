"""The analysis's own commits: where the document sits in the repository and the commits
that added and last changed it, up to the checked revision.

An analysis describes the code of its own day: its written date is held against these
commits, its "recent" commits are dated from them, and a check run with no `--rev` is
made at the last of them. Asked of git once per run, and only when something needs it.
"""

from __future__ import annotations

import contextlib
import posixpath
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import fmt, result
from whys.core.models import Claim, ClaimCheck, CommitInfo
from whys.core.repo import GitRepo
from whys.errors import BadInputError

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

# The document's history is short; more than this many changes says nothing more.
MAX_OWN_COMMITS = 200


@dataclass
class OwnDocument:
    """The analysis as the repository holds it: its path and the commits that changed it,
    newest first (`last` changed it last, `first` added it)."""

    path: str
    commits: list[CommitInfo] = field(default_factory=list)

    @property
    def last(self) -> CommitInfo:
        return self.commits[0]

    @property
    def first(self) -> CommitInfo:
        return self.commits[-1]


def repository_path(repo: GitRepo, analysis_path: str) -> str | None:
    """The analysis path relative to the repository root, or None when it lies outside.
    A relative path is taken as written from the root (how `git show` names documents)."""
    if not analysis_path or analysis_path.startswith("<"):
        return None
    written = Path(analysis_path)
    if not written.is_absolute():
        posix = PurePosixPath(*written.parts).as_posix()
        return posix if posix not in {"", "."} and ".." not in written.parts else None
    with contextlib.suppress(ValueError, OSError):
        return written.resolve().relative_to(Path(repo.root).resolve()).as_posix()
    return None


def own_document(
    repo: GitRepo, analysis_path: str, revision: str, cancel: threading.Event | None = None
) -> OwnDocument | None:
    """The analysis's place and commits at `revision`; None when git does not track it
    there (a file outside the repository, or one never committed)."""
    path = repository_path(repo, analysis_path)
    if path is None:
        return None
    commits: list[CommitInfo] = []
    with contextlib.suppress(BadInputError):
        commits = list(
            repo.iter_log(revision, paths=(path,), max_count=MAX_OWN_COMMITS, cancel=cancel)
        )
    return OwnDocument(path, commits) if commits else None


class OwnCommits:
    """`own_document` asked once per run, lazily (most runs never need it)."""

    def __init__(
        self, repo: GitRepo, analysis_path: str, revision: str, cancel: threading.Event | None
    ) -> None:
        self._args = (repo, analysis_path, revision, cancel)
        self._document: OwnDocument | None | bool = False  # False: not asked yet
        self._lock = threading.Lock()
        self._scanned: tuple[datetime, datetime] | None = None
        self._landed: list[CommitInfo] = []

    def get(self) -> OwnDocument | None:
        with self._lock:
            if self._document is False:
                self._document = own_document(*self._args)
            return self._document  # type: ignore[return-value]

    def landed_between(self, since: datetime, until: datetime) -> list[CommitInfo]:
        """Commits of the checked revision's history committed in [since, until]: one
        `git log` per run, widened only when a later question falls outside it."""
        with self._lock:
            covered = self._scanned
            if covered is None or since < covered[0] or until > covered[1]:
                start, end = since, until
                if covered is not None:
                    start, end = min(since, covered[0]), max(until, covered[1])
                repo, _, revision, cancel = self._args
                commits: list[CommitInfo] = []
                with contextlib.suppress(BadInputError):
                    commits = list(repo.iter_log(revision, since=start, until=end, cancel=cancel))
                self._scanned = (start, end)
                self._landed = commits
            return [c for c in self._landed if since <= c.committer_date <= until]


# A time the document gives itself may precede its commit by days (written, then committed
# the next morning) but not follow it: past this slack, it dates itself after git has it.
AFTER_COMMIT_SLACK = timedelta(minutes=10)
# Written this long before it was added, a document's date still agrees with its commit.
WRITTEN_BEFORE = timedelta(days=3)
# Added this long after the date it gives, the date is wrong (not merely late).
FAR_BEFORE = timedelta(days=30)
# The widest time zone: at one instant, the calendar date somewhere is at most this ahead.
LATEST_ZONE = timedelta(hours=14)


def check_document_date(context: CheckContext, claim: Claim) -> ClaimCheck:
    """The date the analysis gives itself, held against the commits that added and last
    changed it: the same day (in some time zone) or a few days before them agrees; a date
    after its last change, or long before it was added, does not."""
    own = context.own.get()
    stated = claim.when
    if stated is None:
        return result(claim, "unverifiable", "no date could be read")
    if own is None:
        return result(
            claim,
            "unverifiable",
            "the analysis is not tracked at the checked revision, so no commit dates it",
        )
    first, last = own.first, own.last
    latest = max(last.author_date, last.committer_date)
    earliest = min(first.author_date, first.committer_date)
    commits = f"added by {first.sha[:10]} {_local(first.author_date)}"
    if last.sha != first.sha:
        commits += f", last changed by {last.sha[:10]} {_local(last.author_date)}"
    readings = _readings(claim, stated, last.author_date)
    if claim.clock:
        after = [r for r in readings if r > latest + AFTER_COMMIT_SLACK]
        if len(after) == len(readings):
            late = after[0] - latest
            return result(
                claim,
                "contradicted",
                f"the document dates itself {fmt(after[0])}, {_span(late)} after git has it "
                f"({commits})",
            )
        if any(r >= earliest - WRITTEN_BEFORE for r in readings):
            return result(claim, "verified", f"stated {fmt(stated)}; {commits}")
    else:
        day = stated.date()
        if day > (latest.astimezone(UTC) + LATEST_ZONE).date():
            return result(
                claim,
                "contradicted",
                f"the document dates itself {day}, after its last change ({commits})",
            )
        if day >= min(earliest.date(), earliest.astimezone(UTC).date()) - WRITTEN_BEFORE:
            return result(claim, "verified", f"stated {day}; {commits}")
    gap = earliest - max(readings)
    if gap > FAR_BEFORE and not claim.approximate:
        return result(
            claim,
            "contradicted",
            f"the document dates itself {stated.date()}, but it was {commits}: "
            f"{gap.days} days later",
        )
    return result(
        claim,
        "unverifiable",
        f"the document dates itself {stated.date()}, {gap.days} days before it was {commits}",
    )


def _readings(claim: Claim, stated: datetime, local: datetime) -> list[datetime]:
    """The moments a stated time may mean: as written when it names its zone, else as UTC
    and as the commit author's own clock."""
    if not claim.clock or claim.clock.startswith("zoned"):
        return [stated]
    zone = local.tzinfo or UTC
    return [stated, stated.replace(tzinfo=zone)]


def _local(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M %z}".strip()


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"


def check_recent_window(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "Recent commits (last week)": the commits listed under the line landed within that
    window before the analysis's own commit."""
    own = context.own.get()
    days = claim.count or 7
    if claim.pattern and own is not None:
        return _recent_reference(context, claim, own, days)
    listed = listed_commits(context, claim)
    if not listed:
        return result(claim, "unverifiable", "no resolvable commit is listed under it")
    if own is None:
        return result(
            claim,
            "unverifiable",
            "the analysis is not tracked at the checked revision, so nothing dates 'recent'",
        )
    window = timedelta(days=days)
    anchors = [own.first, own.last]
    ages = {
        info.sha: min(abs(a.committer_date - info.committer_date) for a in anchors)
        for info in listed
    }
    late = [info for info in listed if all(info.committer_date > a.committer_date for a in anchors)]
    old = [info for info in listed if ages[info.sha] > 2 * window + timedelta(days=1)]
    summary = ", ".join(f"{info.sha[:10]} {info.committer_date:%Y-%m-%d}" for info in listed[:5])
    reference = f"the analysis was added {_local(own.first.author_date)}"
    if old and not late:
        return result(
            claim,
            "contradicted",
            f"{old[0].sha[:10]} landed {fmt(old[0].committer_date)}, "
            f"{ages[old[0].sha].days} days before the analysis; not within the last {days} "
            f"day(s) ({reference})",
        )
    if not late and all(age <= window + timedelta(days=1) for age in ages.values()):
        return result(
            claim, "verified", f"listed commits {summary}: within {days} day(s); {reference}"
        )
    return result(
        claim, "unverifiable", f"listed commits {summary}; {reference}; the window is {days} day(s)"
    )


# How far below a "recent commits" line its listing may run.
LISTING_LINES = 15


def listed_commits(context: CheckContext, claim: Claim) -> list[CommitInfo]:
    """The resolved commits cited on the lines just below the claim, up to the next
    window line or a gap of more than two lines."""
    found: list[CommitInfo] = []
    previous = claim.line
    for other in context.analysis.claims:
        if other.line <= claim.line or other.kind not in {"commit", "message", "time"}:
            continue
        if other.line - previous > 2 or other.line > claim.line + LISTING_LINES:
            break
        if other.kind == "time" and other.relation == "recent-window":
            break
        previous = other.line
        cited = context.commits.get((other.sha or "").lower()) if other.sha else None
        info = context.infos.get(cited.sha) if cited and cited.sha else None
        if info is not None and info not in found:
            found.append(info)
    return found


def files_named(context: CheckContext, name: str) -> list[str]:
    """Files of the tree whose name without extension is `name`, ignoring case."""
    wanted = name.casefold()
    return [
        path
        for path in context.tree.files
        if posixpath.splitext(posixpath.basename(path))[0].casefold() == wanted
    ][:5]


def added(context: CheckContext, path: str) -> CommitInfo | None:
    """The commit that added `path` (its oldest change) up to the checked revision."""
    commits: list[CommitInfo] = []
    with contextlib.suppress(BadInputError):
        commits = list(
            context.repo.iter_log(
                context.revision, paths=(path,), max_count=MAX_OWN_COMMITS, cancel=context.cancel
            )
        )
    return commits[-1] if commits else None


def check_added_on(context: CheckContext, claim: Claim) -> ClaimCheck:
    """A dated table row naming a report: the report's file was added that day. Never
    contradicted: the date may be the event's rather than the file's."""
    stated = claim.when
    paths = files_named(context, claim.pattern or "") if stated else []
    if stated is None or not paths:
        return result(claim, "unverifiable", f"no file named {claim.pattern} to date")
    seen = []
    for path in paths:
        info = added(context, path)
        if info is None:
            continue
        days = {info.author_date.date(), info.author_date.astimezone(UTC).date()}
        if stated.date() in days:
            return result(
                claim, "verified", f"{path} was added by {info.sha[:10]} {_local(info.author_date)}"
            )
        seen.append(f"{path} added {_local(info.author_date)}")
    return result(
        claim,
        "unverifiable",
        f"{'; '.join(seen) or 'no history for ' + ', '.join(paths)}: the row's date may be the "
        "event's, not the file's",
    )


# "#1054" in a subject or message: "(#1054)", "Issue #1054", "PR #1054", not "#10540".
def mentions_number(info: CommitInfo, number: str) -> bool:
    text = info.message or info.subject
    start = text.find(number)
    while start >= 0:
        end = start + len(number)
        if end >= len(text) or not text[end].isdigit():
            return True
        start = text.find(number, end)
    return False


# How far around a stated day commits are looked for (time zones, a merge the next day).
DAY_SLACK = timedelta(days=1)


def reference_window(claim: Claim) -> tuple[datetime, datetime] | None:
    """The commit window a numbered reference's claim is checked over (for prefetch)."""
    if claim.when is None:
        return None
    return claim.when - DAY_SLACK, claim.when + 2 * DAY_SLACK


def check_reference_on_date(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "PR #1054 (2025-09-14)": a commit whose message names #1054 landed that day (in its
    author's zone or UTC). Never contradicted: an issue may be opened, deployed or closed
    on a day no commit records."""
    window = reference_window(claim)
    number = claim.pattern or ""
    if window is None or not number:
        return result(claim, "unverifiable", "no date or reference could be read")
    found = [c for c in context.own.landed_between(*window) if mentions_number(c, number)]
    day = claim.when.date() if claim.when else None
    for info in found:
        if day in {info.author_date.date(), info.author_date.astimezone(UTC).date()}:
            return result(
                claim,
                "verified",
                f'{info.sha[:10]} "{info.subject[:70]}" names {number}, authored '
                f"{_local(info.author_date)}",
            )
    said = ", ".join(f"{c.sha[:10]} {_local(c.author_date)}" for c in found[:3])
    return result(
        claim,
        "unverifiable",
        f"commits naming {number} around {day}: {said}"
        if said
        else f"no commit message from {window[0]:%Y-%m-%d} to {window[1]:%Y-%m-%d} names {number}",
    )


def recent_reference_window(own: OwnDocument, days: int) -> tuple[datetime, datetime]:
    return own.first.committer_date - timedelta(days=days + 1), own.last.committer_date


def _recent_reference(
    context: CheckContext, claim: Claim, own: OwnDocument, days: int
) -> ClaimCheck:
    """ "Recent P0 fix (#1209)": a commit naming #1209 landed within `days` before the
    analysis was added. Not finding one is not evidence that none was recent."""
    number = claim.pattern or ""
    since, until = recent_reference_window(own, days)
    found = [c for c in context.own.landed_between(since, until) if mentions_number(c, number)]
    reference = f"the analysis was added {_local(own.first.author_date)}"
    if found:
        info = found[0]
        return result(
            claim,
            "verified",
            f'{info.sha[:10]} "{info.subject[:70]}" names {number}, committed '
            f"{_local(info.committer_date)}; {reference}",
        )
    return result(
        claim,
        "unverifiable",
        f"no commit message in the {days} day(s) before it names {number}; {reference}",
    )

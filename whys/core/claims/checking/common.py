"""What every check shares: its constants, the shape of a result, how a moment is shown."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from whys.core.models import Analysis, Claim, ClaimCheck, CommitInfo, Evidence

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
# Quoted messages are first looked for in this window before the incident, then everywhere.
MESSAGE_WINDOW = timedelta(days=180)
# A word search for the closest subject reads at most this many commits.
CLOSE_CANDIDATES = 5000
# Independent git/rg processes run at once during the prefetch.
PARALLEL_QUERIES = 4
# A prefetch job keyed (ANSWERED_BY_DEFINITIONS, regex) only reads the definitions pass.
ANSWERED_BY_DEFINITIONS = "defined"
# Quoted messages compare with at most this many subjects in full (after a word filter).
SUBJECT_CANDIDATES = 3
# Beyond this many quoted messages git searches the window's subjects in one pass.
MANY_MESSAGES = 32
# The history walk also starts from every branch and tag when there are at most this many.


def run_together(jobs: Iterable[Callable[[], object]], at_once: int) -> list[BaseException | None]:
    """Run every job, `at_once` at a time, each on a thread; what each raised (None: it
    finished), in the jobs' order. Plain threads: concurrent.futures loads logging,
    traceback and textwrap, 5 ms of every check's start-up."""
    queued = list(jobs)
    raised: list[BaseException | None] = [None] * len(queued)
    turns = iter(range(len(queued)))
    turn_lock = threading.Lock()

    def work() -> None:
        while True:
            with turn_lock:
                index = next(turns, None)
            if index is None:
                return
            try:
                queued[index]()
            except BaseException as error:  # noqa: BLE001 - handed to the caller
                raised[index] = error

    workers = [threading.Thread(target=work, daemon=True) for _ in range(min(at_once, len(queued)))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return raised


def result(
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


def fmt(moment: datetime) -> str:
    """Every moment in UTC, so a commit date and the incident window compare at a glance."""
    if moment.tzinfo is None:
        return f"{moment:%Y-%m-%d %H:%M}"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def short(info: CommitInfo) -> str:
    return f'{info.sha[:10]} "{info.subject}" ({fmt(info.committer_date)})'


def incident_start(analysis: Analysis) -> datetime | None:
    incident = analysis.incident
    return incident.start or incident.detected


def incident_day(analysis: Analysis) -> datetime | None:
    incident = analysis.incident
    return incident.start or incident.detected or incident.title_date or incident.end

"""Time claims: dates, clock times, before/after the incident, in a revision, before another
commit; each anchored to the commit it is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from whys.core.claims.checking.commits import (
    ancestry_evidence,
    anchor_commit,
    claim_revision,
    message_commit,
)
from whys.core.claims.checking.common import (
    APPROXIMATE_SLACK,
    EXACT_SLACK,
    MOMENT_SLACK,
    fmt,
    incident_day,
    incident_start,
    result,
)
from whys.core.claims.checking.own import (
    check_added_on,
    check_document_date,
    check_recent_window,
    check_reference_on_date,
    recent_reference_window,
    reference_window,
)
from whys.core.claims.checking.windows import (
    check_changed_in_window,
    check_listed_added,
    check_name_added,
    check_pr_changes,
    check_reference_added,
    check_window_only,
    definitions_wanted,
    window,
)
from whys.core.claims.drafts import Draft
from whys.core.claims.kind import Prefetch
from whys.core.claims.mentions import (
    _CAUSE_WORDS,
    _FIX_WORDS,
    LineMentions,
    _first,
    _mentions,
)
from whys.core.claims.time_shapes import (
    date_years,
    described_change,
    lend_entry_files,
    lend_subjects,
    window_claims,
)
from whys.core.document.dates import parse_moment, parse_when
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck, CommitInfo, TimeRelation

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

NAME = "time"
IN_FENCES = False
# Relations about the analysis itself (its date, its listings), dated by its own commits.
OWN = frozenset({"document-date", "recent-window", "added-on", "ref-on-date"})


def assemble(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    """Dates, clock times and orderings, each anchored to the commit it is about; with
    what the text says of the clock time and of the commit being a fix."""
    commits = [d for d in earlier if d.kind == "commit"]
    messages = [d for d in earlier if d.kind == "message" and d.message]
    found = _time_claims(line.raw, commits, messages, line.recent_commit, line.has_digit)
    if not found and not commits and not messages:
        found = own_time_claims(line)
        return found or window_claims(line, commits, messages)
    if not found:
        return window_claims(line, commits, messages)
    if found:
        clock = time_of_day(line.text)
        about_fix = re.search(r"\bfix", line.text, re.IGNORECASE) is not None
        for draft in found:
            draft.clock = f"{clock[0]} {clock[1]:02d}:{clock[2]:02d}" if clock else None
            draft.approximate = approximate(line.text)
            if about_fix:
                draft.role = "fix"
            if draft.relation == "on-date" and draft.sha and draft.when:
                draft.described = described_change(line.text)
    return found


def settle(claims: list[Claim], paragraphs: dict[str, int]) -> None:
    """Lend commits to time claims whose line names none, then record which borrowed."""
    date_years(claims)
    lend_entry_files(claims)
    _lend_commits(claims, paragraphs)
    lend_subjects(claims)
    for claim in claims:
        if claim.kind == "time":
            claim.lent = _borrowed(claim)


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    """Quoted subjects to look up in the history walk; the analysis's own commits when a
    claim dates the document or its listings."""
    jobs: dict[Hashable, Callable[[], object]] = {}
    if any(c.relation in {"document-date", "recent-window"} for c in claims):
        jobs["own commits"] = context.own.get
    if any(c.relation == "added-on" for c in claims):
        jobs["files"] = lambda: context.tree.files
    windows = [w for c in claims if c.relation == "ref-on-date" and (w := reference_window(c))]
    if windows or any(c.relation == "recent-window" and c.pattern for c in claims):
        jobs["commits around the dates"] = partial(_scan_dated_commits, context, claims, windows)
    if any(c.relation in {"added-on", "on-date"} and c.path for c in claims):
        jobs["files"] = lambda: context.tree.files
    context.tree_search.want(definitions_wanted(context, claims), short=True)
    # A cited SHA that does not resolve may be found by the subject the analysis gives it.
    return Prefetch(
        jobs=jobs,
        messages=[c.message for c in claims if c.message and (c.sha or context.needs_subjects(c))],
    )


def _scan_dated_commits(
    context: CheckContext, claims: list[Claim], windows: list[tuple[datetime, datetime]]
) -> None:
    """One `git log` over every window the dated references and "recent" ones ask about."""
    if any(c.relation == "recent-window" and c.pattern for c in claims):
        own = context.own.get()
        if own is not None:
            windows.append(recent_reference_window(own, 14))
    if windows:
        context.own.landed_between(min(w[0] for w in windows), max(w[1] for w in windows))


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    if claim.relation == "document-date":
        return check_document_date(context, claim)
    if claim.relation == "recent-window":
        return check_recent_window(context, claim)
    if claim.relation == "added-on":
        if claim.path and claim.pattern:
            return check_reference_added(context, claim)
        if not claim.pattern:
            return check_listed_added(context, claim)
        return check_added_on(context, claim)
    if claim.relation == "ref-on-date":
        return check_reference_on_date(context, claim)
    if claim.relation == "pr-changes":
        return check_pr_changes(context, claim)
    if claim.relation == "window-only":
        return check_window_only(context, claim)
    if claim.relation == "on-date" and claim.path and not (claim.sha or claim.message):
        return check_changed_in_window(context, claim)
    return _check_time(context, claim)


_INCIDENT_WORDS = r"(?:incident|outage|failures?|degradation|regression|errors?\s+started)"
_BEFORE_AFTER = lazy_compile(
    r"\b(?P<rel>before|after|prior\s+to|ahead\s+of)\s+(?:the\s+)?(?:\w+\s+)?" + _INCIDENT_WORDS,
    re.IGNORECASE,
)

_IN_REVISION = lazy_compile(
    r"\b(?P<neg>not\s+)?(?:in|into|deployed\s+in|shipped\s+in|included\s+in|part\s+of|contained\s+in"
    r"|released\s+in|present\s+in)\s+(?:the\s+)?(?:(?P<deployed>deployed|running|production)\s+)?"
    r"(?P<noun>revision|release|tag|build|version|image|deploy)\b(?:\s+`?(?P<rev>[\w.\-/]{2,80})`?)?",
    re.IGNORECASE,
)

_DEPLOYED_IN = lazy_compile(
    r"\b(?:(?:deployed|shipped|released|included|landed)\s+)?in\s+`?"
    r"(?P<rev>v\d+(?:\.\d+)+[\w.\-]*|(?:deploy|release|rel)[\w.\-/]*\d[\w.\-/]*)`?",
    re.IGNORECASE,
)

_DATE = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?(?:\s*UTC|Z)?"
_ON_DATE = lazy_compile(
    r"\b(?:introduced|landed|merged|committed|pushed|added|deployed|released|fixed|made|created"
    r"|authored|reverted)\s+(?:on\s+|at\s+)?(?P<date>" + _DATE + r")",
    re.IGNORECASE,
)

_ANY_DATE = lazy_compile(r"(?<![\w-])" + _DATE)

_TIME_OF_DAY = lazy_compile(
    r"\b(?P<rel>by|at|around|before|after|until)\s+~?\s*(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\s*"
    r"(?P<zone>UTC|Z|GMT)?",
    re.IGNORECASE,
)

_COMMIT_ORDER = lazy_compile(r"\b(?P<rel>before|after|older\s+than|newer\s+than)\b", re.I)

_BEFORE_AFTER_WORDS = ("before", "after", "prior", "ahead")

_REVISION_WORDS = ("revision", "release", "tag", "build", "version", "image", "deploy")

_DEPLOYED_IN_WORDS = ("deploy", "rel") + tuple(f"v{digit}" for digit in range(10))

_DATE_SHAPE = lazy_compile(r"\d{4}-\d{2}-\d{2}")


# "That commit landed ...", "It is part of ...": the line speaks of the commit just named.
_BACK_REFERENCE = lazy_compile(
    r"\b(?:that|the|this|which|same)\s+(?:commit|change|fix|merge|patch|pr)\b"
    r"|^\W*(?:it|which|this|that)\b",
    re.IGNORECASE,
)


def _time_claims(
    line: str,
    commits: list[Draft],
    messages: list[Draft],
    recent_commit: dict[str, object] | None,
    has_digit: bool = True,
) -> list[Draft]:
    """Dates and orderings, each anchored to the commit it is about: on the line, else the
    commit named just before ("That commit landed on ...")."""
    found = _time_relations(line, commits, has_digit)
    if commits or not found:
        return found
    if messages:
        anchor: dict[str, object] = {"sha": None, "message": messages[0].message}
    elif recent_commit and _BACK_REFERENCE.search(line):
        anchor = dict(recent_commit)
    else:
        return found
    for item in found:
        item.sha = anchor.get("sha")
        if anchor.get("message") and not anchor.get("sha"):
            item.message = anchor["message"]
    return found


def _time_relations(line: str, commits: list[Draft], has_digit: bool = True) -> list[Draft]:
    found: list[Draft] = []
    anchor = commits[0].sha if commits else None
    for match in (
        _first(_BEFORE_AFTER.finditer(line)) if _mentions(line, _BEFORE_AFTER_WORDS) else ()
    ):
        relation: TimeRelation = (
            "after-incident" if match.group("rel").lower() == "after" else "before-incident"
        )
        found.append(Draft(match.start(), "time", relation=relation, sha=anchor))
    for match in _first(_IN_REVISION.finditer(line)) if _mentions(line, _REVISION_WORDS) else ():
        revision = (match.group("rev") or "").rstrip(".,;:") or None
        deployed = bool(match.group("deployed"))
        if revision and revision.lower() in {"is", "was", "and", "the", "that", "which", "of"}:
            revision = None
        if not revision and not deployed:
            continue
        relation = "not-in-revision" if match.group("neg") else "in-revision"
        found.append(Draft(match.start(), "time", relation=relation, sha=anchor, revision=revision))
    if not has_digit:
        return found  # the rest names versions, dates or clock times
    if not any(str(f.relation or "").endswith("in-revision") for f in found) and _mentions(
        line, _DEPLOYED_IN_WORDS
    ):
        for match in _first(_DEPLOYED_IN.finditer(line)):
            found.append(
                Draft(
                    match.start(),
                    "time",
                    relation="in-revision",
                    sha=anchor,
                    revision=match.group("rev").rstrip(".,;:"),
                )
            )
    has_date = _DATE_SHAPE.search(line) is not None
    for match in _first(_ON_DATE.finditer(line)) if has_date else ():
        found.append(
            Draft(
                match.start(),
                "time",
                relation="on-date",
                sha=anchor,
                when=parse_when(match.group("date")),
            )
        )
    if has_date and commits and not any(f.relation == "on-date" for f in found):
        dated = _ANY_DATE.search(line)
        if dated:
            when = parse_when(dated.group(0))
            found.append(Draft(dated.start(), "time", relation="on-date", sha=anchor, when=when))
    if ":" in line and not any(f.relation == "on-date" for f in found):
        match = _TIME_OF_DAY.search(line)
        if match and (anchor or _FIX_WORDS.search(line) or _CAUSE_WORDS.search(line)):
            found.append(Draft(match.start(), "time", relation="on-date", sha=anchor))
    if len(commits) >= 2 and not found:
        order = _COMMIT_ORDER.search(line, commits[0].column, commits[1].column)
        if order:
            word = order.group("rel").lower()
            relation = "before-commit" if word in {"before", "older than"} else "after-commit"
            found.append(
                Draft(
                    order.start(), "time", relation=relation, sha=anchor, other_sha=commits[1].sha
                )
            )
    return found


def time_of_day(text: str) -> tuple[str, int, int] | None:
    """('by', 3, 44) for 'resolved by ~03:44 UTC': the relation word and the clock time."""
    match = _TIME_OF_DAY.search(text)
    if not match:
        return None
    hours, minutes = match.group("time").split(":")[:2]
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return match.group("rel").lower(), int(hours), int(minutes)


def approximate(text: str) -> bool:
    """'~03:44' or 'around' allows slack."""
    return "~" in text or bool(re.search(r"\b(?:around|about|approximately)\b", text, re.I))


def _lend_commits(claims: list[Claim], paragraph_of: dict[str, int]) -> None:
    """A time claim whose line names no commit ("the fix landed at 16:02 UTC") is about the
    commit its bullet or paragraph cites, else the one its why cites above it, when that is
    one commit: it borrows that commit's SHA or quoted subject. Several candidates: it
    borrows none, and stays unverifiable ("names no commit")."""
    cited = [c for c in claims if c.kind in {"commit", "message"} and c.relation is None]
    if not cited:
        return
    for claim in claims:
        if claim.kind != "time" or claim.sha or claim.message or claim.relation in OWN:
            continue
        if claim.count is not None or claim.path or claim.described:
            continue  # a window of days, a file's change, hours: events, not one commit
        same = [c for c in cited if paragraph_of[c.id] == paragraph_of[claim.id]]
        lender = _one_commit(same)
        if lender is None and not same and claim.why is not None:
            above = [c for c in cited if c.why == claim.why and c.line < claim.line]
            lender = _one_commit(above)
        if lender is not None:
            claim.sha = lender.sha
            claim.message = None if lender.sha else lender.message


def _one_commit(candidates: list[Claim]) -> Claim | None:
    """The one commit the candidates name (a SHA and its prefixes, or a subject, count
    once); None when they name several."""
    groups: list[list[Claim]] = []
    for claim in candidates:
        for group in groups:
            if any(_same_commit(claim, other) for other in group):
                group.append(claim)
                break
        else:
            groups.append([claim])
    return _best_named(groups[0]) if len(groups) == 1 else None


def _same_commit(a: Claim, b: Claim) -> bool:
    if a.sha and b.sha:
        return a.sha.startswith(b.sha) or b.sha.startswith(a.sha)
    return bool(a.message and b.message and a.message.casefold() == b.message.casefold())


def _best_named(group: list[Claim]) -> Claim:
    """The claim of a group that names its commit best: the longest SHA, else a subject."""
    with_sha = [c for c in group if c.sha]
    return max(with_sha, key=lambda c: len(c.sha or "")) if with_sha else group[0]


def _check_time(context: CheckContext, claim: Claim) -> ClaimCheck:
    info = anchor_commit(context, claim)
    if info is None and claim.sha and claim.message:
        check = _by_given_subject(context, claim)
        if check is not None:
            return check
    if info is None and claim.sha and claim.described:
        check = check_name_added(context, claim)
        if check is not None:
            return check
    if (claim.sha or claim.message) and info is None:
        named = claim.sha or f'"{claim.message}"'
        return result(
            claim, "unverifiable", f"commit {named} does not resolve to one commit to date"
        )
    if info is None:
        return result(
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
        return result(claim, "unverifiable", "no time relation recognised")
    if not check.evidence:
        check.evidence = context.pins.commit_evidence(claim, info.sha, info)
    if claim.lent:
        named = claim.sha or f'"{claim.message}"'
        check.detail = (
            f"the line names no commit; checked against commit {named} ({info.sha[:10]}), "
            f"the one cited near it: {check.detail}"
        )
    return check


def _by_given_subject(context: CheckContext, claim: Claim) -> ClaimCheck | None:
    """A cited SHA that does not resolve, given a subject elsewhere in the analysis: the
    claim is checked against the commit with that subject, saying so."""
    cited = context.commits.get((claim.sha or "").lower())
    if cited is not None and cited.shas:
        return None  # it resolves, or is ambiguous: the SHA is the anchor
    context.messages.commits_for(claim.message or "")
    info = message_commit(context, claim)
    if info is None:
        return None
    check = _check_time(context, replace(claim, sha=None, lent=False))
    check.detail = (
        f"commit {claim.sha} does not resolve; the commit with the subject the analysis gives "
        f'it ("{claim.message}") is {info.sha[:10]}: {check.detail}'
    )
    return check


def _clock(claim: Claim) -> tuple[str, int, int] | None:
    """('by', 3, 44) from the claim's `clock` field ("by 03:44")."""
    if not claim.clock:
        return None
    word, _, moment = claim.clock.rpartition(" ")
    hours, minutes = moment.split(":")
    return word, int(hours), int(minutes)


def _borrowed(claim: Claim) -> bool:
    """Whether a time claim's commit was taken from a line near it rather than its own."""
    text = claim.text.casefold()
    if claim.sha:
        return claim.sha.casefold() not in text
    return bool(claim.message) and (claim.message or "").casefold() not in text


def _time_vs_incident(context: CheckContext, claim: Claim, info: CommitInfo) -> ClaimCheck:
    start = incident_start(context.analysis)
    landed = info.committer_date
    if start is None:
        return result(
            claim,
            "unverifiable",
            f"commit {info.sha[:10]} landed {fmt(landed)}; the analysis gives no incident start",
        )
    before = landed < start
    says_before = claim.relation == "before-incident"
    detail = (
        f"commit {info.sha[:10]} landed {fmt(landed)}, "
        f"{'before' if before else 'after'} the incident start {fmt(start)}"
    )
    status = "verified" if before == says_before else "contradicted"
    return result(claim, status, detail)


def _time_in_revision(context: CheckContext, claim: Claim, info: CommitInfo) -> ClaimCheck:
    revision, written = claim_revision(context, claim)
    if not written:
        return result(claim, "unverifiable", "names no revision and the analysis gives none")
    if revision is None:
        return result(claim, "unverifiable", f"revision {written!r} is not in the repository")
    contained = context.history.is_ancestor(info.sha, revision)
    says_in = claim.relation == "in-revision"
    detail = (
        f"commit {info.sha[:10]} is {'' if contained else 'not '}in {written} ({revision[:12]})"
    )
    evidence = ancestry_evidence(context, claim, info.sha, revision, contained)
    status = "verified" if contained == says_in else "contradicted"
    return result(claim, status, detail, evidence=evidence)


def _time_on_date(context: CheckContext, claim: Claim, info: CommitInfo) -> ClaimCheck:
    """A date ("introduced on 2026-02-25"), a moment ("2026-02-24 15:41"), or a clock time
    ("resolved by ~03:44 UTC", placed on the incident's day when no date is written)."""
    clock = _clock(claim)
    when = claim.when
    if when is not None and not (when.hour or when.minute) and clock:
        when = when.replace(hour=clock[1], minute=clock[2])
    if when is None and clock:
        day = incident_day(context.analysis)
        if day is not None:
            when = day.astimezone(UTC).replace(
                hour=clock[1], minute=clock[2], second=0, microsecond=0
            )
    if when is None:
        return result(claim, "unverifiable", "a time of day with no date to place it on")
    dates = (info.author_date, info.committer_date)
    detail = (
        f"commit {info.sha[:10]} authored {fmt(info.author_date)}, "
        f"committed {fmt(info.committer_date)}"
    )
    if not (when.hour or when.minute):
        # A day, or whole days ("September 15-16"): on one of them, in its zone or UTC.
        span = window(claim, context)
        if span is None:
            return result(claim, "unverifiable", "a date written without a year to place it in")
        first, last = span
        days = {first + timedelta(days=n) for n in range((last - first).days + 1)}
        on_day = [d for d in dates if d.astimezone(UTC).date() in days or d.date() in days]
        if last != first:
            detail += f"; claimed {first} to {last}"
        return result(claim, "verified" if on_day else "contradicted", detail)
    word = clock[0] if clock else "at"
    approx = claim.approximate
    slack = APPROXIMATE_SLACK if approx else (EXACT_SLACK if clock else MOMENT_SLACK)
    landed = info.committer_date
    if word in {"by", "before", "until"}:
        holds = landed <= when + slack
    elif word == "after":
        holds = landed >= when - slack
    else:
        holds = any(abs(d - when) <= slack for d in dates)
    detail += f"; claimed {word} {fmt(when)}"
    return result(claim, "verified" if holds else "contradicted", detail)


def _time_vs_commit(context: CheckContext, claim: Claim, info: CommitInfo) -> ClaimCheck:
    other = context.commits.get((claim.other_sha or "").lower())
    other_info = context.infos.get(other.sha) if other and other.sha else None
    if other_info is None:
        return result(claim, "unverifiable", f"commit {claim.other_sha} does not resolve")
    older = info.committer_date < other_info.committer_date
    says_older = claim.relation == "before-commit"
    detail = (
        f"{info.sha[:10]} landed {fmt(info.committer_date)}, "
        f"{other_info.sha[:10]} landed {fmt(other_info.committer_date)}"
    )
    return result(claim, "verified" if older == says_older else "contradicted", detail)


# The document's own date: a metadata label ("**Date:** 2025-09-15", "**Analysis Date**:",
# "**Generated:**", "**Audit Completed:**"), a date in the title, or a signature line in
# italics ("*Analysis conducted ... on September 15, 2025*"). Labels of other moments (due,
# target, next review, incident, deploy) are not the document's date.
_OWN_LABEL = lazy_compile(
    r"^\W{0,4}\*\*(?P<label>[A-Za-z][A-Za-z ]{1,40}?)\s*(?::\s*\*\*|\*\*\s*:)\s*`?(?P<rest>.*)$"
)
_OWN_LABEL_WORDS = lazy_compile(
    r"^(?:(?:analysis|assessment|audit|report|document|investigation|review|rca|last|agent)\s+)*"
    r"(?:date|generated|completed|created|updated|written|timestamp|prepared|conducted|session)"
    r"(?:\s+(?:on|at))?$",
    re.IGNORECASE,
)
_SIGNATURE = lazy_compile(r"^\W{0,6}(?<!\*)[*_](?![*_\s]).*[^*_\s][*_]\s*$")
_TITLE_TAIL = lazy_compile(r"\s[-\u2013\u2014|:(]\s*([^-\u2013\u2014|:(]{6,30}?)\)?\s*$")
_TODAY_HEADING = lazy_compile(r"\b(?:today|current|as\s+of|status)\b", re.IGNORECASE)
# "**Recent commits** (last week):" - the window the commits listed under it fall in.
_RECENT_WINDOW = lazy_compile(
    r"\brecent\b[^(\n]{0,40}\(?\s*(?:in\s+the\s+)?(?:last|past)\s+"
    r"(?:(?P<number>\d{1,3}|one|two|three|four)\s+)?(?P<unit>hours?|days?|weeks?|months?)\b",
    re.IGNORECASE,
)
# "Recent P0 fix (#1209)", "Recent migration ... (Issue #420 resolution)".
_RECENT_REFERENCE = lazy_compile(r"\brecent(?:ly)?\b[^#\n]{0,60}?#(?P<number>\d{2,6})\b", re.I)
_NUMBER_REFERENCE = lazy_compile(r"(?<![\w&])#\d{2,6}(?!\d)")
# How far after "#1054" its date may be written: "PR #1054 (2025-09-14)".
_REFERENCE_REACH = 45
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4}
_UNIT_DAYS = {"hour": 1, "day": 1, "week": 7, "month": 31}
# A table row pairing a date with a report or file: "| Sept 5, 2024 | LOCK_FIX report |".
_ROW_NAME = lazy_compile(r"\b(?P<name>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b(?:\.md)?")


def own_time_claims(line: LineMentions) -> list[Draft]:
    """Dates that are about the document itself or its listings, not about a cited commit:
    its own date, a "recent (last week)" window, a dated table row naming a report."""
    block = line.block
    if block is not None and block.kind == "fence":
        return []
    window = _recent_window(line.raw)
    if window is not None:
        return [Draft(window[0], "time", relation="recent-window", count=window[1])]
    if not line.has_digit:
        return []
    recent = _RECENT_REFERENCE.search(line.raw)
    if recent:
        number = "#" + recent.group("number")
        return [Draft(recent.start(), "time", relation="recent-window", count=14, pattern=number)]
    if block is not None and block.kind == "table row":
        return _dated_row(line.raw)
    return _dated_references(line.raw) or _document_date(line.raw, block)


def _dated_references(raw: str) -> list[Draft]:
    """ "PR #1054 (2025-09-14)", "Issue #521 resolution (2025-09-12)": a numbered reference
    followed closely by a date."""
    if "#" not in raw:
        return []
    found: list[Draft] = []
    for match in _NUMBER_REFERENCE.finditer(raw):
        after = raw[match.end() : match.end() + _REFERENCE_REACH]
        after = after.split("#", 1)[0]
        moment = parse_moment(after)
        if moment is not None:
            found.append(
                Draft(
                    match.start(),
                    "time",
                    relation="ref-on-date",
                    when=moment.value,
                    pattern=match.group(0),
                )
            )
    return found


def _document_date(raw: str, block: object) -> list[Draft]:
    label = _OWN_LABEL.match(raw)
    if label and _OWN_LABEL_WORDS.match(label.group("label").strip()):
        rest = label.group("rest")
        return _own_date_draft(rest[:40], raw.index(rest) if rest else 0, weak=False)
    kind = getattr(block, "kind", None)
    if kind == "heading" and getattr(block, "depth", 0) == 1:
        # Set apart at the end ("... Audit - September 16, 2025"), the title's date is the
        # document's; run into the words ("payment timeouts 2026-02-25") it is the incident's.
        tail = _TITLE_TAIL.search(raw)
        return _own_date_draft(tail.group(1), tail.start(1), weak=False) if tail else []
    if kind == "heading" and _TODAY_HEADING.search(raw):
        return _own_date_draft(raw, 0, weak=True)
    if _SIGNATURE.match(raw.strip()):
        return _own_date_draft(raw, 0, weak=True)
    return []


def _own_date_draft(text: str, column: int, *, weak: bool) -> list[Draft]:
    """A draft for the first date of `text`; `approximate` marks the weak forms (headings,
    signatures) that may name a nearby day rather than the document's own."""
    moment = parse_moment(text)
    if moment is None:
        return []
    clock = None
    if moment.has_time:
        zone = "zoned" if moment.has_zone else "local"
        clock = f"{zone} {moment.value.hour}:{moment.value.minute:02d}"
    return [
        Draft(
            column,
            "time",
            relation="document-date",
            when=moment.value,
            clock=clock,
            approximate=weak,
        )
    ]


def _recent_window(raw: str) -> tuple[int, int] | None:
    """(column, days) of a "recent ... (last week)" window."""
    if "ecent" not in raw:
        return None
    match = _RECENT_WINDOW.search(raw)
    if match is None:
        return None
    written = (match.group("number") or "1").lower()
    number = _WORD_NUMBERS.get(written) or int(written)
    unit = match.group("unit").lower().rstrip("s")
    days = max(1, number * _UNIT_DAYS[unit] // (24 if unit == "hour" else 1))
    return match.start(), days


def _dated_row(raw: str) -> list[Draft]:
    """A table row whose first cell is a date and whose next cell names a report."""
    cells = [cell.strip() for cell in raw.strip().strip("|").split("|")]
    if len(cells) < 2:
        return []
    moment = parse_moment(cells[0])
    if moment is None or moment.has_time:
        return []
    column = raw.find(cells[0])
    number = _NUMBER_REFERENCE.search(cells[1])
    if number:
        return [Draft(column, "time", relation="ref-on-date", when=moment.value, pattern=number[0])]
    name = _ROW_NAME.search(cells[1])
    if name is None:
        return []
    return [
        Draft(column, "time", relation="added-on", when=moment.value, pattern=name.group("name"))
    ]

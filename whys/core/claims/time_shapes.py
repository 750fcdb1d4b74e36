"""Time claims written over whole days or about what a numbered issue or PR changed.

- a dated entry: a bullet under "### September 15-16, 2025: ..." or "**Sep 15, 2025**: ..."
  that names a commit or a file (the commit landed, the file changed, on those days);
- "Errors introduced between September 11-17, 2025": a window with nothing to anchor it;
- "test files created Sept 15-16" above a listing of files: each was added on those days;
- "Issue #824 created `unified_manager.py`": the commit that added the file is the issue's;
- "SSOT consolidation in PR #990 migrated to async factory pattern": the PR changed code;
- "All commits between 2025-09-12 and 2025-09-14 were configuration/documentation changes
  except Issue #1116": no commit of that window changed code, but the one excepted.

A window is `when` (its first day) and `count` (its days). Pure: no git.
"""

from __future__ import annotations

import re

from whys.core.claims.drafts import Draft
from whys.core.claims.mentions import LineMentions, code_names
from whys.core.document.dates import NO_YEAR, Span, parse_span
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim

# A dated line opens with its date: "### September 15-16, 2025: ...", "**Sep 15, 2025**:".
_DATED_START = lazy_compile(r"^[\s#>*_\-+\d.)]{0,10}(?:\W{0,3}\s*)?$")
# "introduced during this period", "merged that day": the entry says something happened.
_HAPPENED = lazy_compile(
    r"\b(?:introduced|created|added|merged|landed|deployed|released|fixed|broke|started"
    r"|removed|reverted|committed)\b",
    re.IGNORECASE,
)
_THIS_PERIOD = lazy_compile(
    r"\b(?:during|in|within)\s+(?:this|that|the\s+same)\s+(?:period|window|time|phase)\b",
    re.IGNORECASE,
)
# "Errors introduced between September 11-17, 2025": a change said to fall in a window.
_HAPPENED_BETWEEN = lazy_compile(
    r"\b(?:introduced|created|added|merged|landed|deployed|released|fixed|broke|started)\s+"
    r"(?:between|from|during|on|in)\s+",
    re.IGNORECASE,
)
# "test files created Sept 15-16", "files added on 2025-09-15": the files listed below.
_FILES_CREATED = lazy_compile(
    r"\bfiles?\b[^.;:]{0,30}?\b(?:created|added|written)\s+(?:on\s+|in\s+|between\s+|during\s+)?$",
    re.IGNORECASE,
)
# "Issue #824 created `unified_manager.py`", "PR #12 introduced ledger/lock.py".
_REFERENCE_CREATED = lazy_compile(
    r"\b(?:issue|pr|pull\s+request)\s*(?P<number>#\d{2,6})\s+(?:created|introduced|added)\s+"
    r"(?:the\s+|a\s+|new\s+)*`?$",
    re.IGNORECASE,
)
# "in PR #990 migrated to async", "PR #12 changed the retry loop": the PR changed code.
_PR_CHANGED = lazy_compile(
    r"\b(?:PR|pull\s+request)\s*(?P<number>#\d{2,6})\)?\s+(?:migrated|changed|converted"
    r"|refactored|introduced|moved|replaced|switched|rewrote|rewired|made)\b",
    re.IGNORECASE,
)
# "All commits between A and B were configuration/documentation changes except Issue #1116".
_WINDOW_ONLY = lazy_compile(
    r"\ball\s+(?:the\s+)?commits\s+(?P<window>(?:between|from|on|in|during)\b[^.;]{5,60}?)"
    r"\s+(?:were|are)\s+(?:only\s+|just\s+|purely\s+)?(?P<kinds>(?:config(?:uration)?|doc(?:s|"
    r"umentation)?|tests?|ci|comments?|formatting)(?:\s*(?:/|,|and|or|&)\s*(?:config(?:uration)?"
    r"|doc(?:s|umentation)?|tests?|ci|comments?|formatting))*)\b(?P<rest>[^.;]{0,80})",
    re.IGNORECASE,
)
_EXCEPT = lazy_compile(r"\bexcept\s+(?:for\s+)?(?:issue\s+|pr\s+)?(?P<number>#\d{2,6})\b", re.I)
# How a window-only claim is written in `pattern`: the kinds of change, then the exception.
WINDOW_KINDS = "only "


def dated_span(text: str) -> Span | None:
    """The days a line opens with: "### September 15-16, 2025: ...", "**Sep 15, 2025**:"."""
    span = parse_span(text[:80])
    if span is None or not _DATED_START.match(text[: span.column]):
        return None
    after = text[span.end_column : span.end_column + 4]
    return span if re.match(r"^[\s*_)]*(?::|\u2013|-|$)", after) else None


def window_claims(line: LineMentions, commits: list[Draft], messages: list[Draft]) -> list[Draft]:
    """The time claims of the shapes above on one line (prose, not fences)."""
    raw = line.raw
    if not line.has_digit and not (line.lead_in and line.lead_in[:1] in "#*"):
        return []
    found = _reference_claims(raw, line)
    if found:
        return found
    only = _window_only(raw)
    if only:
        return only
    created = _files_created(raw)
    if created:
        return created
    lead = dated_span(line.lead_in) if line.lead_in else None
    if lead is not None:
        return _dated_entry(raw, lead, commits, messages, line)
    own = dated_span(raw)
    if own is not None and raw.lstrip(" -+")[:2] == "**":
        # "**Sep 15, 2025**: Docker monitoring fix": the entry's files are in its bullets.
        return [_window(own.column, own, described=DATED_ENTRY)]
    return _happened_between(raw) or _clock_range(raw)


def _window(column: int, span: Span, **fields: object) -> Draft:
    return Draft(column, "time", relation="on-date", when=span.start, count=span.days, **fields)  # type: ignore[arg-type]


def _dated_entry(
    raw: str, span: Span, commits: list[Draft], messages: list[Draft], line: LineMentions
) -> list[Draft]:
    """A bullet under a dated heading or label: the commit it names landed on those days,
    the file it names changed on them; an event with neither is unanchored."""
    if commits:
        return [_window(commits[0].column, span, sha=commits[0].sha)]
    named = [m for m in messages if m.message]
    if named:
        return [_window(named[0].column, span, message=named[0].message)]
    if line.paths:
        return [_window(line.paths[0].start, span, path=line.paths[0].path)]
    if _THIS_PERIOD.search(raw) and _HAPPENED.search(raw):
        return [_window(0, span)]
    return []


def _happened_between(raw: str) -> list[Draft]:
    for match in _HAPPENED_BETWEEN.finditer(raw):
        span = parse_span(raw[match.end() : match.end() + 60])
        if span is not None and span.column == 0:
            return [_window(match.start(), span)]
    return []


# "**Morning (09:00-12:00):** SSOT consolidation PRs merged": hours of an unnamed day.
_CLOCK_RANGE = lazy_compile(r"\b\d{1,2}:\d{2}\s*[-\u2013]\s*\d{1,2}:\d{2}\b")
# How an event given only hours of an unnamed day is marked: nothing can date it.
CLOCK_RANGE = "hours of an unnamed day"


def _clock_range(raw: str) -> list[Draft]:
    match = _CLOCK_RANGE.search(raw) if ":" in raw else None
    if match is None or not _HAPPENED.search(raw, match.end()):
        return []
    return [Draft(match.start(), "time", relation="on-date", described=CLOCK_RANGE)]


def _files_created(raw: str) -> list[Draft]:
    span = parse_span(raw)
    if span is None or not _FILES_CREATED.search(raw[: span.column]):
        return []
    return [Draft(span.column, "time", relation="added-on", when=span.start, count=span.days)]


def _reference_claims(raw: str, line: LineMentions) -> list[Draft]:
    if "#" not in raw:
        return []
    found: list[Draft] = []
    for ref in line.paths:
        match = _REFERENCE_CREATED.search(raw[: ref.start])
        if match and raw[match.end() : ref.start].strip("` ") == "":
            found.append(
                Draft(
                    match.start(),
                    "time",
                    relation="added-on",
                    path=ref.path,
                    pattern=match.group("number"),
                )
            )
            break
    changed = _PR_CHANGED.search(raw)
    if changed and not found:
        found.append(
            Draft(changed.start(), "time", relation="pr-changes", pattern=changed.group("number"))
        )
    return found


def _window_only(raw: str) -> list[Draft]:
    if "ommits" not in raw:
        return []
    match = _WINDOW_ONLY.search(raw.replace("*", ""))
    if match is None:
        return []
    span = parse_span(match.group("window"))
    if span is None or not span.has_year:
        return []
    kinds = re.findall(r"[a-z]+", match.group("kinds").lower())
    excepted = _EXCEPT.search(match.group("rest"))
    pattern = WINDOW_KINDS + " ".join(k for k in kinds if k not in {"and", "or"})
    if excepted:
        pattern += " except " + excepted.group("number")
    return [
        Draft(
            match.start(),
            "time",
            relation="window-only",
            when=span.start,
            count=span.days,
            pattern=pattern,
        )
    ]


# How the time claim of a dated label line ("**Sep 15, 2025**: ...") is marked: it takes
# the commit or file its bullets name, once every line is read.
DATED_ENTRY = "dated entry"
# How far below a dated label its bullets may name what it is about.
ENTRY_LINES = 6


def date_years(claims: list[Claim]) -> None:
    """A range written without a year ("Sept 15-16") takes the year of the document's own
    date, else of its first dated claim; with none, the check dates it by its commit."""
    dated = [c for c in claims if c.kind == "time" and c.when and c.when.year != NO_YEAR]
    own = [c for c in dated if c.relation == "document-date"] or dated
    if not own or own[0].when is None:
        return
    for claim in claims:
        if claim.kind != "time" or claim.when is None or claim.when.year != NO_YEAR:
            continue
        try:
            claim.when = claim.when.replace(year=own[0].when.year)
        except ValueError:  # February 29 of another year
            claim.when = None


def lend_entry_files(claims: list[Claim]) -> None:
    """A dated label line takes the first commit or file its bullets name."""
    for index, claim in enumerate(claims):
        if claim.kind != "time" or claim.described != DATED_ENTRY:
            continue
        for other in claims[index + 1 :]:
            if other.line > claim.line + ENTRY_LINES or (
                other.kind == "time" and other.described == DATED_ENTRY
            ):
                break
            if other.kind == "commit" and other.sha:
                claim.sha = other.sha
                break
            if other.kind == "file" and other.path:
                claim.path = other.path
                break


def lend_subjects(claims: list[Claim]) -> None:
    """A time claim about a cited SHA takes the subject the analysis quotes for that SHA
    elsewhere: when the SHA does not resolve, the subject may still find the commit."""
    given = {
        c.sha.casefold(): c.message for c in claims if c.kind == "commit" and c.sha and c.message
    }
    if not given:
        return
    for claim in claims:
        if claim.kind != "time" or not claim.sha or claim.message:
            continue
        sha = claim.sha.casefold()
        for cited, message in given.items():
            if cited.startswith(sha) or sha.startswith(cited):
                claim.message = message
                break


# "`create_child_context` was added to DeepAgentState on 2025-09-14 (commit `60f5fc6b7`)":
# the change the date is of, should the SHA not resolve.
_ADDED_NAME = lazy_compile(r"\b(?:added|introduced|created|defined)\b", re.IGNORECASE)
# How a time claim records the name whose addition it dates: `added create_child_context`.
ADDED = "added "


def described_change(text: str) -> str | None:
    """ "added <name>" when the line dates the addition of a code name it gives."""
    if not _ADDED_NAME.search(text):
        return None
    names = [n for n in code_names(text) if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n)]
    if not names:
        return None
    target = _ADDED_TO.search(text)
    return ADDED + names[0] + (f" to {target.group(1)}" if target else "")


# "was **added to DeepAgentState**": the class the name was added to.
_ADDED_TO = lazy_compile(r"\badded\s+to\s+[*_`]*([A-Z][A-Za-z0-9_]+)")

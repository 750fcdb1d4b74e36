"""Dates: the one date parser of whys (`2026-03-02 14:05 UTC`, `March 2, 2026`,
`2 Mar 2026`, `20260302`), used by the reader's incident window and by time claims.

A new written form of a date is one more pattern in `parse_moment`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from whys.core.lazyre import lazy_compile

_ZONES = {
    "utc": 0,
    "gmt": 0,
    "z": 0,
    "est": -5,
    "edt": -4,
    "cst": -6,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
    "cet": 1,
    "cest": 2,
    "bst": 1,
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_TIME = r"(?:(?:[T ]|,? at |,? )(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
_ZONE = r"(?:[ \t]*(Z|[+-]\d{2}:?\d{2}|[A-Za-z]{1,4})(?![A-Za-z]))?"
_ISO_DATE = lazy_compile(r"(?<!\d)(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)" + _TIME + _ZONE)
_COMPACT_DATE = lazy_compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_MONTH_FIRST = lazy_compile(
    r"(?<![a-z])"
    + _MONTH
    + r"[ \t]+(\d{1,2})(?:st|nd|rd|th)?,?[ \t]+(\d{4})(?!\d)"
    + _TIME
    + _ZONE,
    re.I,
)
_DAY_FIRST = lazy_compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?[ \t]+" + _MONTH + r",?[ \t]+(\d{4})(?!\d)" + _TIME + _ZONE,
    re.I,
)


@dataclass
class Moment:
    value: datetime
    has_time: bool
    has_zone: bool


def _zone(token: str | None) -> timezone | None:
    if not token:
        return None
    lowered = token.lower()
    if lowered in _ZONES:
        return timezone(timedelta(hours=_ZONES[lowered]))
    if token[0] in "+-" and token[1:].replace(":", "").isdigit():
        digits = token[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return timezone(-offset if token[0] == "-" else offset)
    return None


# Dates an analysis can mean: git's own dates start in 1970. Beyond these, date arithmetic
# (a window a day wide, a zone offset) would overflow Python's datetime range.
EARLIEST_YEAR = 1970
LATEST_YEAR = 2200


def _build_moment(
    year: int,
    month: int,
    day: int,
    hour: str | None,
    minute: str | None,
    second: str | None,
    zone_token: str | None,
) -> Moment | None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None  # not a moment git history can be held against (0001-01-01, 9999-12-31)
    zone = _zone(zone_token) if hour is not None else None
    try:
        value = datetime(
            year,
            month,
            day,
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=zone or UTC,
        )
    except ValueError:
        return None
    return Moment(value.astimezone(UTC) if zone else value, hour is not None, zone is not None)


def parse_when(text: str) -> datetime | None:
    """The first date or date-time written in `text` (`2026-03-02 14:05 UTC`, `March 2,
    2026`, `20260302`), timezone-aware and in UTC; UTC is assumed when no zone is named."""
    moment = parse_moment(text)
    return moment.value if moment else None


def parse_moment(text: str) -> Moment | None:
    """The first date (and time, and zone) written in `text`, or None."""
    text = text[:300]
    found: list[tuple[int, Moment]] = []
    match = _ISO_DATE.search(text)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        moment = _build_moment(int(year), int(month), int(day), hour, minute, second, zone)
        if moment:
            found.append((match.start(), moment))
    match = _MONTH_FIRST.search(text)
    if match:
        month_name, day, year, hour, minute, second, zone = match.groups()
        month = _MONTHS.get(month_name.lower().rstrip("."), 0)
        moment = _build_moment(int(year), month, int(day), hour, minute, second, zone)
        if moment:
            found.append((match.start(), moment))
    match = _DAY_FIRST.search(text)
    if match:
        day, month_name, year, hour, minute, second, zone = match.groups()
        month = _MONTHS.get(month_name.lower().rstrip("."), 0)
        moment = _build_moment(int(year), month, int(day), hour, minute, second, zone)
        if moment:
            found.append((match.start(), moment))
    match = _COMPACT_DATE.search(text)
    if match:
        moment = _build_moment(*(int(group) for group in match.groups()), None, None, None, None)
        if moment:
            found.append((match.start(), moment))
    if not found:
        return None
    return min(found, key=lambda item: item[0])[1]


@dataclass
class Span:
    """Whole days written as one date or a range ("September 15-16, 2025", "between
    2025-09-12 and 2025-09-14", "Sept 15-16"): the first day (midnight, UTC), how many days
    it spans, where it is written, and whether a year was written (a range without one is
    dated by its reader, from the document's other dates)."""

    start: datetime
    days: int
    column: int
    end_column: int
    has_year: bool = True


# The year given to a span written without one, until its reader dates it.
NO_YEAR = EARLIEST_YEAR
# "September 15-16, 2025", "Sep 11-17", "Sept 15 - 16, 2025": one month, a day range.
_MONTH_RANGE = lazy_compile(
    r"(?<![a-z])" + _MONTH + r"[ \t]+(\d{1,2})(?:st|nd|rd|th)?[ \t]*[-\u2013][ \t]*(\d{1,2})"
    r"(?:st|nd|rd|th)?(?![\d:])(?:,?[ \t]+(\d{4})(?!\d))?",
    re.I,
)
# "Sep 15, 2025", "September 15": one day, the year optional.
_MONTH_DAY = lazy_compile(
    r"(?<![a-z])" + _MONTH + r"[ \t]+(\d{1,2})(?:st|nd|rd|th)?(?![\d:])(?:,?[ \t]+(\d{4})(?!\d))?",
    re.I,
)
# "between 2025-09-12 and 2025-09-14", "from Sep 12 to Sep 14, 2025".
_BETWEEN = lazy_compile(
    r"\b(?:between|from)\s+(?P<first>[^,;()]{5,25}?)\s+(?:and|to|through|until)\s+"
    r"(?P<second>[^;()]{5,25})",
    re.I,
)
# The longest span read as one: a claim about "2025-01-01 to 2025-12-31" is not about a day.
MAX_SPAN_DAYS = 31


def parse_span(text: str) -> Span | None:
    """The first day or range of whole days written in `text`, or None."""
    text = text[:300]
    between = _BETWEEN.search(text)
    if between:
        first = parse_span(between.group("first"))
        second = parse_span(between.group("second"))
        if first and second and first.has_year == second.has_year:
            start, last = first.start, second.start + timedelta(days=second.days - 1)
            days = (last - start).days + 1
            if 1 <= days <= MAX_SPAN_DAYS:
                end = between.start("second") + second.end_column
                return Span(start, days, between.start(), end, first.has_year)
    found: list[Span] = []
    match = _MONTH_RANGE.search(text)
    if match:
        month_name, first_day, last_day, year = match.groups()
        span = _days(month_name, first_day, year, int(last_day) - int(first_day) + 1)
        if span:
            found.append(_placed(span, match))
    match = _MONTH_DAY.search(text)
    if match:
        month_name, day, year = match.groups()
        span = _days(month_name, day, year, 1)
        if span:
            found.append(_placed(span, match))
    match = _ISO_DATE.search(text)
    if match:
        year, month, day = (int(group) for group in match.groups()[:3])
        moment = _build_moment(year, month, day, None, None, None, None)
        if moment:
            found.append(Span(moment.value, 1, match.start(), match.start() + 10))
    if not found:
        return None
    # The earliest written; at one place the longer reading ("Sep 15-16" over "Sep 15").
    return min(found, key=lambda span: (span.column, -span.days))


def _days(month_name: str, day: str, year: str | None, days: int) -> Span | None:
    if not 1 <= days <= MAX_SPAN_DAYS:
        return None
    month = _MONTHS.get(month_name.lower().rstrip("."), 0)
    moment = _build_moment(int(year) if year else NO_YEAR, month, int(day), None, None, None, None)
    return Span(moment.value, days, 0, 0, bool(year)) if moment else None


def _placed(span: Span, match: re.Match[str]) -> Span:
    span.column, span.end_column = match.start(), match.end()
    return span

"""Markdown -> Analysis: structure, whys and incident metadata, every element with its line.

Real analyses are written in a hurry and in many shapes, so the reader is a few linear
passes, not a Markdown parser: whole-text scans (in C) pick the lines that may matter, and
small anchored patterns look at those only. Nothing can be made to backtrack, so a 30 MB
file or a 100,000-character line of `*` loads in linear time.
It never raises for content; what it could not take as written goes to `warnings`.
"""

from __future__ import annotations

import hashlib
import re
import stat
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from whys.core.claims import extract_claims
from whys.core.markdown import atx_heading, fenced_lines, split_lines
from whys.core.models import Analysis, IncidentWindow, Section, Why
from whys.errors import BadAnalysisError

NO_WHY_CHAIN = "no why chain found: claims are still checked"
NOT_UTF8 = "not valid UTF-8: decoded with replacement"

__all__ = [
    "MAX_WHYS",
    "NO_WHY_CHAIN",
    "NOT_UTF8",
    "decode_analysis",
    "parse_when",
    "read_analysis",
    "read_analysis_text",
]


# ---------------------------------------------------------------------------------------
# Bytes -> text


def read_analysis(path: Path) -> Analysis:
    """Read an analysis file. Raises BadAnalysisError only when it cannot be opened."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise BadAnalysisError(f"analysis is a directory, not a file: {path}")
        if not stat.S_ISREG(mode):
            # A pipe or a device would block or never end; only regular files are read.
            raise BadAnalysisError(f"analysis is not a regular file: {path}")
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise BadAnalysisError(f"analysis not found: {path}") from None
    except PermissionError:
        raise BadAnalysisError(f"analysis cannot be read (permission denied): {path}") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise BadAnalysisError(f"analysis cannot be read ({reason}): {path}") from None
    except ValueError:
        raise BadAnalysisError(f"analysis path is not valid: {path!r}") from None
    text, warnings = decode_analysis(raw)
    return _read(text, str(path), hashlib.sha256(raw).hexdigest(), warnings)


def read_analysis_text(text: str, path: str = "<memory>") -> Analysis:
    """Read an analysis already in memory; sha256 is that of its UTF-8 encoding."""
    warnings: list[str] = []
    if "\x00" in text:
        warnings.append(_BINARY)
    sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return _read(text, path, sha256, warnings)


_BINARY = "binary content (NUL bytes): read as text, NUL shown as U+FFFD"
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", ""),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def decode_analysis(raw: bytes) -> tuple[str, list[str]]:
    """Bytes to text, and what the decoding had to assume.

    A byte-order mark decides the encoding; otherwise UTF-8, and when that fails, UTF-8
    with replacement characters (said in a warning) rather than a guess at a legacy codec.
    """
    warnings: list[str] = []
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom) :]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError:
                text = body.decode(codec, "replace")
                warnings.append(f"not valid {name or 'UTF-8'}: decoded with replacement")
            break
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            text = raw.decode("utf-8", "replace")
            line = raw.count(b"\n", 0, error.start) + 1
            warnings.append(f"{NOT_UTF8} (first bad byte on line {line})")
    if "\x00" in text:
        warnings.append(_BINARY)
    return text, warnings


# ---------------------------------------------------------------------------------------
# Line classification


@dataclass
class _Heading:
    index: int  # 0-based line index
    level: int
    text: str


@dataclass
class _WhyStart:
    index: int
    number: int
    suffix: str
    question: str
    answer: str
    style: str  # "heading", "label", "list", "table"
    level: int = 7  # heading level that bounds the block (7: any heading ends it)
    table_row: bool = False


_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_ORDERED_ITEM = re.compile(r"( {0,3})(\d{1,3})[.)][ \t]+")
_WHY_HEAD = re.compile(
    r"(why|level)[ \t]*(?:#|no\.?|number)?[ \t]*(\d{1,3})([a-z])?(?![a-z0-9])", re.I
)
_NUMBERED_HEAD = re.compile(r"(\d{1,3})([a-z])?[.):][ \t]+", re.I)
_WHY_WORD = re.compile(r"why(?![a-z0-9])", re.I)
_SEPARATORS = " \t:.-–—?)*_|"
_PLAIN_SEPARATORS = ":.?)-–—"
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_TABLE_DELIMITER = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


_FIRST_ALNUM = re.compile(r"[^\W_]")


def _strip_symbols(text: str) -> str:
    """Drop leading decoration (emoji, bullets, `*`, `_`, `>`) up to the first letter or
    digit."""
    match = _FIRST_ALNUM.search(text)
    return text[match.start() :] if match else ""


def _unbold(text: str) -> str:
    return text.replace("**", "").replace("__", "").strip()


def _clean_rest(rest: str) -> str:
    return _unbold(rest.lstrip(_SEPARATORS)).strip()


def _split_question(text: str) -> tuple[str, str]:
    """`Why did X? Because Y` -> ("Why did X?", "Because Y")."""
    mark = text.find("?")
    if mark == -1:
        return text, ""
    return text[: mark + 1].strip(), text[mark + 1 :].strip(" \t-–—→:")


def _why_in_heading(text: str) -> tuple[int, str, str] | None:
    """Number, suffix and the rest of a heading naming a why, or None."""
    cleaned = _strip_symbols(text)
    match = _WHY_HEAD.match(cleaned)
    if match:
        return int(match.group(2)), (match.group(3) or "").lower(), cleaned[match.end() :]
    match = _NUMBERED_HEAD.match(cleaned)
    if match:
        rest = _strip_symbols(cleaned[match.end() :])
        if _WHY_WORD.match(rest):
            return int(match.group(1)), (match.group(2) or "").lower(), rest
    return None


def _why_in_line(line: str) -> tuple[int, str, str, bool] | None:
    """A paragraph or bullet line that opens a why: `**Why 3?**`, `**Why 3:** question`,
    `Why 4.`, `- Why 2a: ...`. Returns number, suffix, rest, and whether it was bold."""
    marker = _LIST_MARKER.match(line)
    body = line[marker.end() :] if marker else line
    cleaned = _strip_symbols(body)
    if not cleaned:
        return None
    prefix = body[: len(body) - len(cleaned)]
    bold = prefix.rstrip().endswith(("**", "__"))
    match = _WHY_HEAD.match(cleaned)
    if match is None:
        return None
    rest = cleaned[match.end() :]
    if not bold:
        head = rest.lstrip(" \t")
        if head and head[0] not in _PLAIN_SEPARATORS:
            return None
    return int(match.group(2)), (match.group(3) or "").lower(), rest, bold


def _list_why(line: str) -> tuple[int, str] | None:
    """`1. **Why** did X? ...` or `2. Why did Y?`: a numbered list item asking a why."""
    match = _ORDERED_ITEM.match(line)
    if match is None:
        return None
    content = line[match.end() :]
    cleaned = _strip_symbols(content)
    if not _WHY_WORD.match(cleaned) or _WHY_HEAD.match(cleaned):
        return None
    bold = content[: len(content) - len(cleaned)].rstrip().endswith(("**", "__"))
    if not bold and "?" not in cleaned:
        return None
    return int(match.group(2)), _unbold(cleaned)


def _table_cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip() for cell in body.split("|")]


def _header_key(cell: str) -> str:
    return " ".join(cell.replace("*", "").replace("_", "").replace("`", "").lower().split())


_NUMBER_COLUMNS = {"why", "why #", "#", "level", "step", "no", "no.", "n", "why no.", "nr"}


def _table_columns(header: list[str]) -> tuple[int, int | None, int | None] | None:
    """(number column, question column, answer column) of a table listing whys."""
    keys = [_header_key(cell) for cell in header]
    number = next((i for i, key in enumerate(keys) if key in _NUMBER_COLUMNS), None)
    question = next((i for i, key in enumerate(keys) if "question" in key or key == "why?"), None)
    answer = next(
        (
            i
            for i, key in enumerate(keys)
            if any(word in key for word in ("answer", "because", "cause", "reason", "finding"))
        ),
        None,
    )
    if number is None or (question is None and answer is None):
        return None
    if not any("why" in key for key in keys) and (question is None or answer is None):
        return None
    return number, question, answer


# ---------------------------------------------------------------------------------------
# Labels and sections

_SECTION_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "root_cause",
        re.compile(
            r"(?:the |corrected |actual |real |claimed |final |identified )?"
            r"root[ -]causes?(?![a-z])"
        ),
    ),
    (
        "fix",
        re.compile(
            r"(?:the |proposed |permanent |final )?(?:fix(?:es)?|resolution|remediation|"
            r"mitigation|corrective actions?)(?![a-z])"
        ),
    ),
    (
        "problem",
        re.compile(
            r"(?:problem(?: statement| description)?|(?:executive |incident )?summary|"
            r"incident(?: description| overview| details)?|what happened)(?![a-z])"
        ),
    ),
)


# A cheap test before the patterns: most labels and headings name no section at all.
_SECTION_HINT = re.compile(
    r"root|fix|resolution|remediation|mitigation|corrective|problem|summary|incident|what", re.I
)


def _section_kind(text: str) -> tuple[str, bool] | None:
    """Which section a heading or label names, and whether the name is the whole of it
    (`Root Cause`) rather than its start (`Root Cause Analysis: ...`)."""
    if _SECTION_HINT.search(text, 0, 120) is None:
        return None
    key = _strip_symbols(_header_key(text))
    numbered = _NUMBERED_HEAD.match(key)
    if numbered:
        key = key[numbered.end() :]
    for kind, pattern in _SECTION_KINDS:
        match = pattern.match(key)
        if match:
            return kind, not key[match.end() :].strip(" :.-–—")
    return None


def _label(line: str) -> tuple[str, str] | None:
    """`**Answer**: text`, `**Answer:** text`, `- __Evidence__:` -> (label, text)."""
    body = line.strip()
    marker = _LIST_MARKER.match(body)
    if marker:
        body = body[marker.end() :]
    body = body.lstrip("> \t")
    for fence in ("**", "__"):
        if body.startswith(fence):
            close = body.find(fence, len(fence))
            if close == -1:
                return None
            inner = body[len(fence) : close].strip()
            rest = body[close + len(fence) :]
            if inner.endswith(":"):
                return inner[:-1].strip(), rest.strip()
            stripped = rest.lstrip(" \t")
            if stripped.startswith(":"):
                return inner, stripped[1:].strip()
            return None
    return None


_PLAIN_LABEL = re.compile(r"[ \t]*(?:[-*+][ \t]+)?([A-Za-z][A-Za-z ]{0,24}?)[ \t]*:[ \t]*(.*)")


def _colon_key(line: str) -> str | None:
    """The lookup key of a `Label: text` line (lower case, no decoration), or None."""
    colon = line.find(":", 0, 61)
    if colon <= 0:
        return None
    key = _header_key(_strip_symbols(line[:colon]))
    return key if 0 < len(key) <= 40 else None


def _colon_label(line: str) -> tuple[str, str, str] | None:
    """(key, label, text) of a `Label: text` line, bold or not: `**Root Cause:** x`,
    `- **Detected**: x`, `Fix: x`."""
    key = _colon_key(line)
    if key is None:
        return None
    colon = line.find(":")
    prefix = line[:colon]
    value = line[colon + 1 :].lstrip()
    for fence in ("**", "__"):
        if prefix.count(fence) % 2 == 1 and value.startswith(fence):
            value = value[len(fence) :].lstrip()
    return key, _unbold(_strip_symbols(prefix)).strip(), value.strip()


def _section_label(line: str) -> tuple[str, str, str] | None:
    """(kind, label, text) for `**Root Cause**: ...` or `Fix: ...` naming a whole section."""
    found = _colon_label(line)
    if found is None:
        return None
    kind = _section_kind(found[0])
    if kind is None or not kind[1]:
        return None
    return kind[0], found[1], found[2]


def _plain_label(line: str) -> tuple[str, str] | None:
    """`Answer: text` (no bold); only the label words the reader knows use this."""
    match = _PLAIN_LABEL.match(line[:200])
    if match is None:
        return None
    return match.group(1).strip(), line[match.start(2) :].strip()


_ANSWER_LABELS = {"answer", "because", "a", "cause", "reason"}
_QUESTION_LABELS = {"question", "q"}
_BLOCK_LABELS = _ANSWER_LABELS | _QUESTION_LABELS | {"evidence", "proof", "findings", "finding"}


def _any_label(line: str) -> tuple[str, str] | None:
    found = _label(line)
    if found is None:
        found = _plain_label(line)
        if found is None or _header_key(found[0]) not in _KNOWN_PLAIN_LABELS:
            return None
    return found


# ---------------------------------------------------------------------------------------
# Dates and incident metadata

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
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)" + _TIME + _ZONE)
_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_MONTH_FIRST = re.compile(
    r"(?<![a-z])"
    + _MONTH
    + r"[ \t]+(\d{1,2})(?:st|nd|rd|th)?,?[ \t]+(\d{4})(?!\d)"
    + _TIME
    + _ZONE,
    re.I,
)
_DAY_FIRST = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?[ \t]+" + _MONTH + r",?[ \t]+(\d{4})(?!\d)" + _TIME + _ZONE,
    re.I,
)


@dataclass
class _Moment:
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


def _build_moment(
    year: int,
    month: int,
    day: int,
    hour: str | None,
    minute: str | None,
    second: str | None,
    zone_token: str | None,
) -> _Moment | None:
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
    return _Moment(value.astimezone(UTC) if zone else value, hour is not None, zone is not None)


def parse_when(text: str) -> datetime | None:
    """The first date or date-time written in `text` (`2026-03-02 14:05 UTC`, `March 2,
    2026`, `20260302`), timezone-aware and in UTC; UTC is assumed when no zone is named."""
    moment = _parse_moment(text)
    return moment.value if moment else None


def _parse_moment(text: str) -> _Moment | None:
    """The first date (and time, and zone) written in `text`, or None."""
    text = text[:300]
    found: list[tuple[int, _Moment]] = []
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


_META_KEYS: dict[str, str] = {
    **dict.fromkeys(
        (
            "incident start",
            "incident started",
            "incident start time",
            "incident began",
            "start",
            "start time",
            "started",
            "began",
            "outage start",
            "impact start",
            "impact started",
        ),
        "start",
    ),
    **dict.fromkeys(
        (
            "incident end",
            "incident ended",
            "incident end time",
            "end",
            "end time",
            "ended",
            "resolved",
            "resolved at",
            "recovered",
            "outage end",
            "impact end",
            "impact ended",
        ),
        "end",
    ),
    **dict.fromkeys(
        ("detected", "detected at", "detection", "detection time", "first detected", "alerted"),
        "detected",
    ),
    **dict.fromkeys(
        (
            "deployed revision",
            "deployed version",
            "deployed commit",
            "deployed sha",
            "deployed release",
            "deployed",
            "deployment",
            "revision",
            "running revision",
            "release",
        ),
        "deployed_revision",
    ),
    **dict.fromkeys(
        ("date", "incident date", "report date", "audit date", "analysis date"), "date"
    ),
}
_KNOWN_PLAIN_LABELS = _BLOCK_LABELS | _META_KEYS.keys()
_REVISION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/@+-]{0,199}")


def _revision_value(value: str) -> str | None:
    """The revision named in `Deployed revision: `abc1234` (v1.4.2)`: the first code span,
    else the first word."""
    start = value.find("`")
    if start != -1:
        end = value.find("`", start + 1)
        if end > start + 1:
            return value[start + 1 : end].strip() or None
    match = _REVISION.search(_unbold(value)[:300])
    if match is None:
        return None
    return match.group(0).rstrip(".,;:") or None


def _meta_entry(line: str, key: str | None) -> tuple[str, str] | None:
    """(field, raw value) when the line states an incident field, as a label or a row."""
    if key is not None and key in _META_KEYS:
        found = _colon_label(line)
        if found is not None:
            return _META_KEYS[key], found[2]
    if "|" in line[:100] and line.lstrip().startswith("|"):
        cells = _table_cells(line)
        if len(cells) >= 2:
            key = _header_key(cells[0]).rstrip(":")
            if key in _META_KEYS:
                return _META_KEYS[key], cells[1]
    return None


# ---------------------------------------------------------------------------------------
# The pass


# Whole-text scans (C speed) that name the few lines worth a closer look, so a file of
# millions of short lines costs a handful of passes in C, not Python work on every line.
# One pass finds every line that may be a heading, a setext underline, a table row or a
# label (a colon in its first 100 characters); Python then looks only at those.
_LABEL_PREFIX = r"[^\n:`(){}\[\]=/|<>]{1,60}:"  # `Incident start:`, not `def f(x):`
_LABEL_CANDIDATE = re.compile(_LABEL_PREFIX)
_STRUCTURE_CANDIDATE = re.compile(
    r"^(?: {0,3}#| {0,3}(?:=+|-+)[ \t]*\r?$|[ \t]*\||" + _LABEL_PREFIX + ")", re.M
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

MAX_WHYS = 10_000


@dataclass
class _Scan:
    """The document's lines and, per feature, the 0-based indices of candidate lines."""

    lines: list[str]
    fenced: list[bool]
    front_matter: int
    heading_lines: list[int]
    tables: list[int]
    why_lines: list[int]
    labels: dict[int, str]
    non_ascii: list[int]


def _lines_matching(text: str, pattern: re.Pattern[str]) -> list[int]:
    """0-based indices of the lines where `pattern` matches, in order, each once."""
    found: list[int] = []
    line = 0
    position = 0
    for match in pattern.finditer(text):
        start = match.start()
        line += text.count("\n", position, start)
        position = start
        if not found or found[-1] != line:
            found.append(line)
    return found


def _lines_containing(text: str, needles: tuple[str, ...]) -> list[int]:
    """0-based indices of the lines holding any of `needles` (lower case), in order."""
    lowered = text.lower()  # may change lengths, never the newlines that number lines
    positions: list[int] = []
    for needle in needles:
        position = lowered.find(needle)
        while position != -1:
            positions.append(position)
            position = lowered.find(needle, position + 1)
    positions.sort()
    found: list[int] = []
    line = 0
    previous = 0
    for position in positions:
        line += lowered.count("\n", previous, position)
        previous = position
        if not found or found[-1] != line:
            found.append(line)
    return found


def _scan(text: str) -> _Scan:
    lines = split_lines(text)
    # Without a fence marker anywhere no line is fenced: skip the per-line walk.
    has_fence = "```" in text or "~~~" in text
    fenced = fenced_lines(lines) if has_fence else [False] * len(lines)
    labels: dict[int, str] = {}  # line index -> label key
    tables: list[int] = []
    headings: list[int] = []
    for index in _lines_matching(text, _STRUCTURE_CANDIDATE):
        if index >= len(lines) or fenced[index]:
            continue
        line = lines[index]
        start = line[:4].lstrip()
        if start.startswith("#"):
            headings.append(index)
        elif index and start[:1] in ("=", "-"):
            headings.append(index - 1)  # a setext underline names the line above
        if line.lstrip().startswith("|"):
            tables.append(index)
        if _LABEL_CANDIDATE.match(line):
            key = _colon_key(line)
            if key is not None:
                labels[index] = key
    return _Scan(
        lines=lines,
        fenced=fenced,
        front_matter=_front_matter(lines),
        heading_lines=headings,
        tables=tables,
        why_lines=_lines_containing(text, ("why", "level")),
        labels=labels,
        non_ascii=[] if text.isascii() else _lines_matching(text, _NON_ASCII),
    )


def _find_headings(scan: _Scan) -> list[_Heading]:
    lines, fenced = scan.lines, scan.fenced
    headings: list[_Heading] = []
    for index in sorted(set(scan.heading_lines)):
        if index >= len(lines) or fenced[index] or index < scan.front_matter:
            continue
        heading = atx_heading(lines[index])
        if heading is None and index + 1 < len(lines) and not fenced[index + 1]:
            heading = _setext(lines[index], lines[index + 1])
        if heading is not None:
            headings.append(_Heading(index, heading[0], heading[1]))
    return headings


def _read(text: str, path: str, sha256: str, warnings: list[str]) -> Analysis:
    # Text read elsewhere with plain "utf-8" keeps its byte-order mark; it is not content.
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    if not text.strip():
        warnings.append("empty analysis: nothing to read")
    scan = _scan(text)
    lines = scan.lines
    headings = _find_headings(scan)

    title, title_index = _title(lines, headings, scan.fenced)
    incident = IncidentWindow()
    _read_metadata(scan, title, title_index, incident, warnings)

    starts = _find_whys(scan, headings)
    if len(starts) > MAX_WHYS:
        warnings.append(
            f"more than {MAX_WHYS} whys: only the first {MAX_WHYS} are read "
            f"(from line {starts[MAX_WHYS].index + 1} on, none)"
        )
        del starts[MAX_WHYS:]
    whys = _build_whys(lines, scan.fenced, headings, starts)
    if not whys:
        warnings.append(NO_WHY_CHAIN)

    sections = _find_sections(lines, scan.fenced, headings, title_index, scan.labels)
    if "problem" not in sections:
        opening = _opening_paragraph(scan, headings, title_index, starts)
        if opening is not None:
            sections["problem"] = opening
    mojibake = _mojibake(lines, scan.non_ascii)
    if mojibake:
        warnings.append(mojibake)

    return Analysis(
        path=path,
        title=title,
        sha256=sha256,
        line_count=len(lines),
        problem=sections.get("problem"),
        incident=incident,
        whys=whys,
        root_cause=sections.get("root_cause"),
        fix=sections.get("fix"),
        claims=extract_claims(lines, whys),
        warnings=warnings,
    )


def _front_matter(lines: list[str]) -> int:
    """How many leading lines are YAML front matter (`---` ... `---`)."""
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, min(len(lines), 200)):
        if lines[index].strip() in ("---", "..."):
            return index + 1
    return 0


def _setext(line: str, underline: str) -> tuple[int, str] | None:
    match = _SETEXT.match(underline)
    if match is None or not line.strip() or len(line) - len(line.lstrip()) > 3:
        return None
    stripped = line.strip()
    if stripped.startswith(("|", ">", "-", "*", "+", "#", "`", "~")) or _ORDERED_ITEM.match(line):
        return None
    return (1 if match.group(1)[0] == "=" else 2), stripped


def _title(lines: list[str], headings: list[_Heading], fenced: list[bool]) -> tuple[str, int]:
    """First H1, else first heading, else first non-blank line; and its index (-1: none)."""
    chosen: _Heading | None = None
    for heading in headings:
        if heading.level == 1 and _unbold(heading.text):
            chosen = heading
            break
        if chosen is None and _unbold(heading.text):
            chosen = heading
    if chosen is not None:
        return _unbold(chosen.text)[:500], chosen.index
    for index, line in enumerate(lines):
        if line.strip() and not fenced[index]:
            return _unbold(_strip_symbols(line).strip())[:500], index
    return "", -1


def _read_metadata(
    scan: _Scan,
    title: str,
    title_index: int,
    incident: IncidentWindow,
    warnings: list[str],
) -> None:
    document_date: tuple[_Moment, int] | None = None
    for index in sorted(set(scan.labels) | set(scan.tables)):
        if index >= len(scan.lines) or scan.fenced[index]:
            continue
        line = scan.lines[index]
        entry = _meta_entry(line, scan.labels.get(index))
        if entry is None:
            continue
        name, value = entry
        number = index + 1
        if name == "deployed_revision":
            if incident.deployed_revision is None:
                revision = _revision_value(value)
                if revision:
                    incident.deployed_revision = revision
                    incident.sources[name] = f"analysis:{number}"
            continue
        moment = _parse_moment(value)
        if moment is None:
            continue
        if name == "date":
            if document_date is None:
                document_date = (moment, number)
            continue
        if getattr(incident, name) is not None:
            continue
        setattr(incident, name, moment.value)
        incident.sources[name] = f"analysis:{number}"
        if moment.has_time and not moment.has_zone:
            label = {"start": "incident start", "end": "incident end"}.get(name, name)
            warnings.append(f"line {number}: {label} has no time zone: assumed UTC")

    title_moment = _parse_moment(title) if title else None
    if title_moment is not None:
        incident.title_date = title_moment.value
        incident.sources["title_date"] = f"analysis:{title_index + 1}"
    elif document_date is not None:
        # The title carries no date, but the document's own `Date:` line says the same.
        moment, number = document_date
        incident.title_date = moment.value
        incident.sources["title_date"] = f"analysis:{number}"
        if moment.has_time and not moment.has_zone:
            warnings.append(f"line {number}: date has no time zone: assumed UTC")


def _find_whys(scan: _Scan, headings: list[_Heading]) -> list[_WhyStart]:
    lines, fenced = scan.lines, scan.fenced
    heading_at = {heading.index: heading for heading in headings}
    explicit: list[_WhyStart] = []
    listed: list[_WhyStart] = []
    tabled: list[_WhyStart] = []
    enclosing = 7
    count = len(lines)
    next_free = scan.front_matter
    for index in sorted(set(heading_at) | set(scan.tables) | set(scan.why_lines)):
        if index < next_free or index >= count or fenced[index]:
            continue
        line = lines[index]
        heading = heading_at.get(index)
        if heading is not None:
            found = _why_in_heading(heading.text)
            if found is not None:
                number, suffix, rest = found
                question, answer = _split_question(_clean_rest(rest))
                explicit.append(
                    _WhyStart(index, number, suffix, question, answer, "heading", heading.level)
                )
                if len(explicit) > MAX_WHYS:
                    break
            elif _WHY_WORD.match(_strip_symbols(heading.text)) and heading.text.rstrip(
                "*_ "
            ).endswith("?"):
                # `### Why did the cache expire?`: a why the author did not number.
                question = _unbold(_strip_symbols(heading.text))
                explicit.append(_WhyStart(index, 0, "", question, "", "heading", heading.level))
            enclosing = heading.level
            continue
        if (
            line.lstrip().startswith("|")
            and index + 1 < count
            and not fenced[index + 1]
            and "-" in lines[index + 1]
            and _TABLE_DELIMITER.match(lines[index + 1])
        ):
            columns = _table_columns(_table_cells(line))
            row_index = index + 2
            ordinal = 0
            while (
                row_index < count and not fenced[row_index] and lines[row_index].lstrip()[:1] == "|"
            ):
                if columns is not None and len(tabled) <= MAX_WHYS:
                    ordinal += 1
                    row = _table_row_why(lines[row_index], row_index, columns, ordinal, enclosing)
                    if row is not None:
                        tabled.append(row)
                row_index += 1
            next_free = row_index
            continue
        head = line[:300]
        if not ("hy" in head or "HY" in head or "evel" in head or "EVEL" in head):
            continue
        # Detection looks at the head of the line; a found why takes its whole line.
        found_line = _why_in_line(line) if _why_in_line(head) else None
        if found_line is not None:
            number, suffix, rest, _bold = found_line
            question, answer = _split_question(_clean_rest(rest))
            explicit.append(_WhyStart(index, number, suffix, question, answer, "label", enclosing))
            if len(explicit) > MAX_WHYS:
                break
        else:
            found_list = _list_why(line) if len(listed) <= MAX_WHYS and _list_why(head) else None
            if found_list is not None:
                number, content = found_list
                question, answer = _split_question(content)
                listed.append(_WhyStart(index, number, "", question, answer, "list", enclosing))
    # One style per document, most explicit first: numbered whys in a list or a table
    # inside an explicit why are that why's own material, not a second chain.
    return explicit or listed or tabled


def _table_row_why(
    line: str,
    index: int,
    columns: tuple[int, int | None, int | None],
    ordinal: int,
    enclosing: int,
) -> _WhyStart | None:
    number_column, question_column, answer_column = columns
    cells = _table_cells(line)
    if len(cells) <= number_column:
        return None
    label = _strip_symbols(_unbold(cells[number_column]))
    match = _WHY_HEAD.match(label) or re.match(r"(\d{1,3})([a-z])?(?![a-z0-9])", label, re.I)
    if match is None:
        number, suffix = ordinal, ""
    elif match.re is _WHY_HEAD:
        number, suffix = int(match.group(2)), (match.group(3) or "").lower()
    else:
        number, suffix = int(match.group(1)), (match.group(2) or "").lower()

    def cell(column: int | None) -> str:
        if column is None or column >= len(cells):
            return ""
        return _unbold(cells[column])

    why = _WhyStart(index, number, suffix, cell(question_column), cell(answer_column), "table")
    why.level = enclosing
    why.table_row = True
    return why


def _block_end(
    lines: list[str],
    fenced: list[bool],
    headings: list[_Heading],
    heading_lines: list[int],
    start: _WhyStart,
    limit: int,
) -> int:
    """0-based index of the last line of the why that starts at `start`, before `limit`."""
    if start.table_row:
        return start.index
    end = limit
    position = bisect_left(heading_lines, start.index + 1)
    while position < len(headings) and headings[position].index < end:
        heading = headings[position]
        if heading.level <= start.level or start.style != "heading":
            end = heading.index
            break
        position += 1
    if start.style != "heading":
        end = _soft_end(lines, fenced, start, end)
    last = end - 1
    while last > start.index and not lines[last].strip():
        last -= 1
    return max(last, start.index)


def _soft_end(lines: list[str], fenced: list[bool], start: _WhyStart, end: int) -> int:
    """A label or list why also ends at a thematic break, a section label (`**Root
    Cause**:`), or, for a list item, at the first unindented paragraph after a blank line."""
    previous_blank = False
    for index in range(start.index + 1, end):
        line = lines[index]
        if fenced[index]:
            previous_blank = False
            continue
        if not line.strip():
            previous_blank = True
            continue
        if _THEMATIC_BREAK.match(line):
            return index
        if _section_label(line) is not None:
            return index
        if (
            start.style == "list"
            and previous_blank
            and not line[:1].isspace()
            and not _LIST_MARKER.match(line)
        ):
            return index
        previous_blank = False
    return end


def _build_whys(
    lines: list[str], fenced: list[bool], headings: list[_Heading], starts: list[_WhyStart]
) -> list[Why]:
    heading_lines = [heading.index for heading in headings]
    whys: list[Why] = []
    used: set[str] = set()
    copies: dict[str, int] = {}  # base id -> copies handed out, so duplicates stay linear
    chain: dict[int, list[tuple[str, str]]] = {}  # number -> [(suffix, id)] in this chain
    previous_id: str | None = None
    for position, start in enumerate(starts):
        limit = starts[position + 1].index if position + 1 < len(starts) else len(lines)
        last = _block_end(lines, fenced, headings, heading_lines, start, limit)
        number = start.number
        base = f"{number}{start.suffix}" if number else str(position + 1)
        why_id = base
        while why_id in used:
            copies[base] = copies.get(base, 1) + 1
            why_id = f"{base}-{copies[base]}"
        used.add(why_id)

        if number and number == 1 and any(s == start.suffix for s, _ in chain.get(1, [])):
            chain = {}  # a second chain starts (several analyses in one document)
        if number:
            parent = _parent(chain, number, start.suffix)
            chain.setdefault(number, []).append((start.suffix, why_id))
        else:
            parent = previous_id
        previous_id = why_id

        block = lines[start.index : last + 1]
        question, answer = _question_and_answer(block, fenced[start.index : last + 1], start)
        whys.append(
            Why(
                id=why_id,
                number=number,
                question=question,
                answer=answer,
                text="\n".join(block),
                line=start.index + 1,
                end_line=last + 1,
                parent=parent,
            )
        )
    by_id = {why.id: why for why in whys}
    for why in whys:
        if why.parent is not None and why.parent in by_id:
            by_id[why.parent].causes.append(why.id)
    return whys


def _parent(chain: dict[int, list[tuple[str, str]]], number: int, suffix: str) -> str | None:
    """Why N explains why N-1: the one with the same branch letter, else the latest."""
    candidates = chain.get(number - 1, [])
    if not candidates:
        return None
    for candidate_suffix, candidate_id in reversed(candidates):
        if suffix and candidate_suffix == suffix:
            return candidate_id
    return candidates[-1][1]


def _question_and_answer(block: list[str], fenced: list[bool], start: _WhyStart) -> tuple[str, str]:
    question, answer = start.question, start.answer
    if start.table_row:
        return question, answer
    labelled: dict[str, list[str]] = {}
    paragraphs: list[list[str]] = []
    current_label: str | None = None
    paragraph: list[str] = []
    # A list item's wrapped lines follow it directly; they belong to its answer.
    continues_item = len(block) > 1 and bool(block[1].strip()) and block[1][:1].isspace()
    for offset in range(1, len(block)):
        line = block[offset]
        if fenced[offset]:
            current_label = None
            if paragraph:
                paragraphs.append(paragraph)
                paragraph = []
            continue
        found = _any_label(line)
        if found is not None:
            key = _header_key(found[0])
            current_label = key if key in _BLOCK_LABELS else None
            if paragraph:
                paragraphs.append(paragraph)
                paragraph = []
            if current_label is not None:
                labelled.setdefault(current_label, [])
                if found[1]:
                    labelled[current_label].append(found[1])
            continue
        heading = atx_heading(line)
        if heading is not None:
            # `#### Answer` under a why heading works like `**Answer**:`.
            key = _header_key(_strip_symbols(heading[1])).rstrip(":")
            current_label = key if key in _BLOCK_LABELS else None
            if current_label is not None:
                labelled.setdefault(current_label, [])
            if paragraph:
                paragraphs.append(paragraph)
                paragraph = []
            continue
        if current_label is not None:
            if line.strip():
                labelled[current_label].append(line.strip())
            continue
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            paragraphs.append(paragraph)
            paragraph = []
    if paragraph:
        paragraphs.append(paragraph)

    if not question:
        for key in ("question", "q"):
            if labelled.get(key):
                question = _unbold(" ".join(labelled[key]))
                break
        else:
            if paragraphs and paragraphs[0][-1].rstrip("*_ ").endswith("?"):
                question = _unbold(" ".join(paragraphs.pop(0)))
    if start.style == "list" and answer and paragraphs and continues_item:
        answer = " ".join([answer, *paragraphs.pop(0)])
    if not answer:
        for key in ("answer", "because", "a", "cause", "reason"):
            if labelled.get(key):
                answer = "\n".join(labelled[key]).strip()
                break
        else:
            if paragraphs:
                answer = "\n".join(paragraphs[0]).strip()
    return question, answer


def _find_sections(
    lines: list[str],
    fenced: list[bool],
    headings: list[_Heading],
    title_index: int,
    labels: dict[int, str],
) -> dict[str, Section]:
    """Problem, root cause and fix: a heading naming the section exactly wins over a label
    (`**Root Cause**:`), which wins over a heading that only starts with the name."""
    # kind -> (rank, first line index, end index, heading text, text on the label line)
    candidates: dict[str, tuple[int, int, int, str, str]] = {}

    def offer(kind: str, rank: int, index: int, end: int, heading: str, first: str) -> None:
        best = candidates.get(kind)
        if best is None or (rank, index) < best[:2]:
            candidates[kind] = (rank, index, end, heading, first)

    for heading, end in zip(headings, _heading_ends(headings, len(lines)), strict=True):
        if heading.index == title_index and heading.level == 1:
            continue
        found = _section_kind(heading.text)
        if found is not None:
            offer(found[0], 0 if found[1] else 2, heading.index, end, heading.text, "")
    heading_indices = {heading.index for heading in headings}
    for index, key in labels.items():
        kind = _section_kind(key)
        if kind is None or not kind[1] or index in heading_indices:
            continue
        found = _colon_label(lines[index])
        if found is None:
            continue
        _key, label, text = found
        end = index + 1
        while end < len(lines) and lines[end].strip() and not fenced[end]:
            if end in labels or end in heading_indices:
                break
            end += 1
        offer(kind[0], 1, index, end, label, text)
    return {
        kind: _section(lines, index, end, heading, first)
        for kind, (_rank, index, end, heading, first) in candidates.items()
    }


def _opening_paragraph(
    scan: _Scan, headings: list[_Heading], title_index: int, starts: list[_WhyStart]
) -> Section | None:
    """The first prose paragraph under the title, before any why or other heading: where
    analyses without a Problem heading say what went wrong."""
    limit = min(
        [start.index for start in starts[:1]]
        + [heading.index for heading in headings if heading.index > title_index][:1]
        + [len(scan.lines), 200]
    )
    lines = scan.lines
    index = max(title_index + 1, scan.front_matter)
    while index < limit:
        line = lines[index]
        prose = (
            line.strip()
            and not scan.fenced[index]
            and index not in scan.labels
            and not _THEMATIC_BREAK.match(line)
            and not line.lstrip().startswith(("|", "<", "---", "==="))
        )
        if prose:
            end = index
            while end + 1 < limit and lines[end + 1].strip() and end + 1 not in scan.labels:
                end += 1
            return Section(
                heading="",
                text="\n".join(line.strip() for line in lines[index : end + 1]),
                line=index + 1,
                end_line=end + 1,
            )
        index += 1
    return None


def _heading_ends(headings: list[_Heading], line_count: int) -> list[int]:
    """For each heading, the index of the next heading of the same or a higher level."""
    ends = [line_count] * len(headings)
    open_positions: list[int] = []
    for position, heading in enumerate(headings):
        while open_positions and headings[open_positions[-1]].level >= heading.level:
            ends[open_positions.pop()] = heading.index
        open_positions.append(position)
    return ends


def _section(lines: list[str], index: int, end: int, heading: str, first: str = "") -> Section:
    last = end - 1
    while last > index and not lines[last].strip():
        last -= 1
    body = [first] if first else []
    body.extend(lines[index + 1 : last + 1])
    return Section(
        heading=_unbold(_strip_symbols(heading)).rstrip(":").strip(),
        text="\n".join(body).strip(),
        line=index + 1,
        end_line=max(last, index) + 1,
    )


_MOJIBAKE_CODECS = ("cp1252", "mac_roman", "latin-1")


def _mojibake(lines: list[str], non_ascii: list[int]) -> str | None:
    """Text that was UTF-8 read as a legacy code page and saved again (`âœ…` for ✅): its
    quoted code will not match the repository byte for byte, so the auditor should know."""
    hits = 0
    first = 0
    codec_seen = ""
    for index in non_ascii:
        line = lines[index]
        for codec in _MOJIBAKE_CODECS:
            try:
                repaired = line.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if repaired != line:
                hits += 1
                if not first:
                    first, codec_seen = index + 1, codec
                break
    if not hits:
        return None
    names = {"cp1252": "Windows-1252", "mac_roman": "Mac Roman", "latin-1": "Latin-1"}
    return (
        f"{hits} line(s) look double-encoded (UTF-8 read as {names[codec_seen]}), first on "
        f"line {first}: quoted text there may not match the repository"
    )

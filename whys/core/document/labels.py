"""Line classification, labels and sections: what a heading, a list item, a table row
or a `**Label:** text` line says about the document's structure (why starts, section
names, incident fields).

A new way of writing a why, a section name or an incident field goes here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whys.core.lazyre import lazy_compile


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


_LIST_MARKER = lazy_compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_ORDERED_ITEM = lazy_compile(r"( {0,3})(\d{1,3})[.)][ \t]+")
_WHY_HEAD = lazy_compile(
    r"(why|level)[ \t]*(?:#|no\.?|number)?[ \t]*(\d{1,3})([a-z])?(?![a-z0-9])", re.I
)
_NUMBERED_HEAD = lazy_compile(r"(\d{1,3})([a-z])?[.):][ \t]+", re.I)
_WHY_WORD = lazy_compile(r"why(?![a-z0-9])", re.I)
_SEPARATORS = " \t:.-–—?)*_|"
_PLAIN_SEPARATORS = ":.?)-–—"
_SETEXT = lazy_compile(r" {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = lazy_compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_TABLE_DELIMITER = lazy_compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


_FIRST_ALNUM = lazy_compile(r"[^\W_]")


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
        lazy_compile(
            r"(?:the |corrected |actual |real |claimed |final |identified )?"
            r"root[ -]causes?(?![a-z])"
        ),
    ),
    (
        "fix",
        lazy_compile(
            r"(?:the |proposed |permanent |final )?(?:fix(?:es)?|resolution|remediation|"
            r"mitigation|corrective actions?)(?![a-z])"
        ),
    ),
    (
        "problem",
        lazy_compile(
            r"(?:problem(?: statement| description)?|(?:executive |incident )?summary|"
            r"incident(?: description| overview| details)?|what happened)(?![a-z])"
        ),
    ),
)


# A cheap test before the patterns: most labels and headings name no section at all.
_SECTION_HINT = lazy_compile(
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


_PLAIN_LABEL = lazy_compile(r"[ \t]*(?:[-*+][ \t]+)?([A-Za-z][A-Za-z ]{0,24}?)[ \t]*:[ \t]*(.*)")


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
_REVISION = lazy_compile(r"[A-Za-z0-9][A-Za-z0-9._/@+-]{0,199}")


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

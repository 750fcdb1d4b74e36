"""Count claims written without a unit git can count, or without the thing counted on
their own line:

- a lower bound on anything ("15+ deprecated import patterns", "20+ concurrent requests");
- a ratio ("866/881 files compliant", "5/5 specialized tests"); a unit in quotes (`1,047
  "connection management files"`);
- "`create_user_execution_context` exists in multiple locations", "Multiple competing class
  definitions" under a question naming `AgentExecutionResult`: at least two definitions;
- a figure restated ("Audit all 440+ affected files" after "440+ files still reference
  `websocket_manager_factory`"): the subject of the first statement;
- "legacy patterns scattered across 250+ files" a few lines under "`class Config:`
  pattern": the code span the pattern was named by.

Pure: no git. Most of these are unverifiable; they are listed, not skipped.
"""

from __future__ import annotations

import re

from whys.core.claims.drafts import Draft
from whys.core.claims.mentions import LineMentions, _code_spans, _first
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim

_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+|\d{1,6})"
# "15+ deprecated import patterns": a figure with a plus is a claim, whatever it counts;
# durations and money are not counts of the repository.
_AT_LEAST_FIGURE = lazy_compile(
    r"(?<![\w.,$])" + _NUMBER + r"\+\s+(?P<between>(?:[A-Za-z][\w.-]*\s+){0,3}?)"
    r"(?P<noun>[A-Za-z][\w-]*s)\b",
)
_NOT_COUNTED = lazy_compile(
    r"^(?:hours|minutes|seconds|days|weeks|months|years|ms|dollars|users|customers|people"
    r"|engineers|developers|times|steps|points)$",
    re.IGNORECASE,
)
# "(866/881 files compliant)", "5/5 specialized tests".
_RATIO = lazy_compile(
    r"(?<![\w.,/])(?P<number>\d{1,6})/(?P<total>\d{1,6})\s+(?:[A-Za-z][\w-]*\s+){0,2}?"
    r"(?P<noun>files|tests|modules|classes|methods|checks|violations|imports)\b",
    re.IGNORECASE,
)
# `1,047 "connection management files"`: the unit is a quoted phrase.
_QUOTED_UNIT = lazy_compile(
    r"(?<![\w.,])" + _NUMBER + r"\s+[\"\u201c](?P<phrase>[^\"\u201d\n]{0,50}?"
    r"\b(?P<noun>files|directories|folders|modules|classes|tests|locations))\b[^\"\u201d\n]{0,30}"
    r"[\"\u201d]",
    re.IGNORECASE,
)
# "exists in multiple locations", "Multiple competing class definitions".
_MULTIPLE = lazy_compile(
    r"\b(?:exists?|defined|implemented|declared)\s+in\s+multiple\s+"
    r"(?:locations|places|files|modules)\b"
    r"|\bmultiple\s+(?:(?:competing|duplicate|different|conflicting|separate)\s+)?"
    r"(?P<what>class|function)?\s*definitions\b",
    re.IGNORECASE,
)
# How a count of a name's definitions is written as its pattern: `defined: get_config`.
DEFINED_NAME = "defined: "
_NAME = lazy_compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CLASS_NAME = lazy_compile(r"^[A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*$")


def figure_claims(line: LineMentions, taken: set[int]) -> list[Draft]:
    """Figures the count recognisers before this one left: a plus, a ratio, a quoted unit."""
    if not line.has_digit:
        return []
    raw = line.raw
    found: list[Draft] = []
    for match in _first(_AT_LEAST_FIGURE.finditer(raw)):
        noun = match.group("noun")
        if match.start() in taken or _NOT_COUNTED.match(noun) or _inside_quote(raw, match):
            continue
        found.append(_figure(match, noun, at_least=True, between=match.group("between")))
    for pattern in (_RATIO, _QUOTED_UNIT):
        for match in _first(pattern.finditer(raw)):
            if match.start() not in taken and not any(d.column == match.start() for d in found):
                found.append(_figure(match, match.group("noun"), at_least=False, between=""))
    return found


def _inside_quote(raw: str, match: re.Match[str]) -> bool:
    before = raw[: match.start()]
    return before.count("`") % 2 == 1


def _figure(match: re.Match[str], noun: str, *, at_least: bool, between: str) -> Draft:
    noun = noun.lower()
    unit = "files" if noun.startswith("file") else "commits" if noun == "commits" else None
    words = [w for w in between.lower().split() if w not in {"more", "separate", "other"}]
    return Draft(
        match.start(),
        "count",
        count=int(match.group("number").replace(",", "")),
        at_least=at_least,
        count_unit=unit or "occurrences",
        described=" ".join(words) or None,
        uncounted=unit is None,
    )


def multiple_claims(line: LineMentions) -> list[Draft]:
    """ "`f` exists in multiple locations": at least two definitions of the name the line
    (else, for "multiple class definitions", the question it answers) gives."""
    if "ultiple" not in line.raw:
        return []
    match = _MULTIPLE.search(line.raw)
    if match is None:
        return []
    wants_class = (match.group("what") or "").lower() == "class"
    names = [s for _c, s, _d in line.symbols if _NAME.match(s)]
    names += [s for _c, s in _code_spans(line.raw) if _NAME.match(s.removesuffix("()"))]
    if not names and line.lead_in:
        # "WHY: Why does `AgentExecutionResult.__init__()` reject ...?" / "- Multiple ...".
        names = [s.split(".")[0] for _c, s in _code_spans(line.lead_in)]
    names = [n.removesuffix("()") for n in names if not wants_class or _CLASS_NAME.match(n)]
    if not names or not _NAME.match(names[0]):
        return []
    return [
        Draft(
            match.start(),
            "count",
            count=2,
            at_least=True,
            count_unit="matches",
            pattern=DEFINED_NAME + names[0],
        )
    ]


def definition_regex(pattern: str) -> str:
    """The extended regex for the definitions of a name: `def name`, `class name`."""
    name = re.escape(pattern.removeprefix(DEFINED_NAME))
    return r"^\s*(async\s+)?(def|class)\s+" + name + r"\b"


# "legacy patterns scattered across 250+ files" says "patterns" of a code span above.
_PATTERNS_WORD = lazy_compile(r"\bpatterns?\b", re.IGNORECASE)
_SPAN_PATTERN = lazy_compile(r"`([^`\n]{2,80})`\s+patterns?\b", re.IGNORECASE)
# How far up "the `X` pattern" may be named for "patterns ... N files" to mean it.
PATTERN_LOOKBACK = 6


def pattern_above(lines: list[str], index: int) -> str | None:
    """The code span a count of "patterns" refers back to: "`class Config:` pattern" on one
    of the lines just above, in the same section (no heading between)."""
    line = lines[index]
    if not _PATTERNS_WORD.search(line) or "`" in line:
        return None  # a span of its own (a regex it ran, say) is its own subject
    for at in range(index - 1, max(-1, index - PATTERN_LOOKBACK - 1), -1):
        text = lines[at]
        if text.lstrip().startswith("#"):
            return None
        spans = _SPAN_PATTERN.findall(text)
        if spans:
            # A line with a figure of its own is a sibling count, not what this one means.
            figure = _FIGURE.search(_CODE.sub("", text))
            return None if figure else spans[0].strip()
    return None


_CODE = lazy_compile(r"`[^`\n]*`")
_FIGURE = lazy_compile(r"\b\d[\d,]*\+?\s+[A-Za-z]")


# "that reference X", "using Y", "with `z`": the line counts a thing of its own.
_OWN_OBJECT = lazy_compile(
    r"\b(?:referenc\w*|us(?:e|es|ed|ing)|contain\w*|import\w*|mention\w*|call\w*|defin\w*|with"
    r"|hold\w*|match\w*|implement\w*|named|having)\b",
    re.IGNORECASE,
)
_UNIT_WORD = lazy_compile(r"\+?\s+(?:[A-Za-z][\w-]*\s+){0,2}?(?:files?|commits|matches)\b", re.I)


def restate_figures(claims: list[Claim]) -> None:
    """A count with nothing to count that repeats a figure the analysis gave a subject
    ("440+ files still reference `websocket_manager_factory`" ... "Audit all 440+ affected
    files") counts that subject, when its own line names no other object."""
    given: dict[tuple[int, bool], list[Claim]] = {}
    for claim in claims:
        if _files_of(claim) and claim.pattern and _MARKED.match(claim.pattern) is None:
            given.setdefault((claim.count or 0, claim.at_least), []).append(claim)
    for claim in claims:
        if not _files_of(claim) or claim.pattern:
            continue
        sources = given.get((claim.count or 0, claim.at_least), [])
        if len({source.pattern for source in sources}) != 1 or _names_its_own(claim):
            continue
        # The plainest statement of it lends its scope: "440+ files" over "440+ test files".
        source = min(sources, key=lambda source: source.described is not None)
        claim.pattern, claim.described = source.pattern, source.described


def _files_of(claim: Claim) -> bool:
    """A count of files in the tree (not of a file's lines)."""
    return (
        claim.kind == "count"
        and claim.count_unit == "files"
        and bool(claim.count)
        and (not claim.path)
    )


# Patterns of file counts that are not a string to count: a command's (`shell: `), files
# named for an issue (`named `, see kinds/count.py).
_MARKED = lazy_compile(r"^(?:shell: |named )")


def _names_its_own(claim: Claim) -> bool:
    """Whether the words after the figure's unit name what is counted."""
    text = claim.text
    at = text.find(f"{claim.count:,}") if claim.count and claim.count >= 1000 else -1
    at = at if at >= 0 else text.find(str(claim.count))
    unit = _UNIT_WORD.match(text, at + len(str(claim.count))) if at >= 0 else None
    rest = text[unit.end() :] if unit else text
    return bool(_OWN_OBJECT.search(rest[:60]))

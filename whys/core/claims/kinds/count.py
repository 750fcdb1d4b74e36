"""Count claims: "found in 12 files", "47 references to `get_config`", "3 commits"."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from whys.core.claims.checking.common import ANSWERED_BY_DEFINITIONS, result
from whys.core.claims.checking.count_judge import (
    agrees,
    count_definitions,
    count_name_definitions,
    judge,
    loose_regex,
    source_count,
)
from whys.core.claims.checking.names import _definition_line, indented_block_end
from whys.core.claims.checking.paths import resolve_path
from whys.core.claims.checking.shell_counts import check_shell_count, wanted_strings
from whys.core.claims.count_shapes import (
    DEFINED_NAME,
    definition_regex,
    figure_claims,
    multiple_claims,
    restate_figures,
)
from whys.core.claims.drafts import Draft
from whys.core.claims.kind import Prefetch
from whys.core.claims.mentions import (
    _PATH_TOKEN,
    LineMentions,
    _code_spans,
    _first,
    _nearest_path,
)
from whys.core.claims.shell_counts import SHELL, fence_counts
from whys.core.document.dates import parse_when
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck, CountUnit

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

NAME = "count"
# In fences, only a command's result, a comment's figure and a tree diagram's leaf count.
IN_FENCES = True


def assemble(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    if line.in_fence:
        return fence_counts(line)
    if not line.has_digit:
        return multiple_claims(line)
    found = _size_claims(line) + _definition_counts(line.raw) + _in_file_counts(line)
    # `may_count` (and the line's names) covers the units git can count; classes,
    # violations or tests are figures too, stated without anything to count.
    if line.may_count or _UNCOUNTED.search(line.raw):
        found += _count_claims(line.raw, line.symbols, {d.column for d in found})
    found += figure_claims(line, {d.column for d in found})
    return found or multiple_claims(line)


def settle(claims: list[Claim], paragraphs: dict[str, int]) -> None:
    """A figure restated without its subject counts the subject it was first given."""
    restate_figures(claims)


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    """Every counted string joins the run's one batched tree search; commit counts and
    counts of definitions are their own (parallel) queries."""
    jobs: dict[Any, Any] = {}
    strings = [
        c.pattern
        for c in claims
        if c.pattern
        and not c.path
        and not c.pattern.startswith(NAMED)
        and c.count_unit not in ("commits", "lines")
    ]
    for claim in claims:
        pattern = claim.pattern
        if not pattern or pattern.startswith((DEFINED, DEFINED_NAME, SHELL)):
            continue
        if pattern in strings:
            context.tree_search.want([pattern], short=True)
    context.tree_search.want(wanted_strings(claims), short=True)
    # Every definition regex of the run is narrowed by one `git grep` pass, not one each.
    regexes = [r for c in claims for r in _regexes_of(c)]
    context.counts.want_regexes(regexes)
    for claim in claims:
        if claim.pattern and claim.pattern.startswith((DEFINED, DEFINED_NAME)):
            for pattern in _regexes_of(claim):
                jobs[(ANSWERED_BY_DEFINITIONS, pattern)] = partial(
                    context.counts.regex_lines, pattern
                )
        elif claim.pattern and claim.count_unit == "commits" and claim.pattern.startswith(SINCE):
            continue  # one `git log --since` in `check`
        elif claim.pattern and claim.count_unit == "commits":
            jobs[("commits", claim.pattern)] = partial(
                context.counts.commit_readings, claim.pattern
            )
    sized = [c for c in claims if c.path]
    named = [c for c in claims if c.pattern and c.pattern.startswith(NAMED)]
    return Prefetch(jobs=jobs, path_claims=sized + named, read_claims=sized)


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    return _check_count(context, claim)


def _regexes_of(claim: Claim) -> list[str]:
    """The definition regexes a claim's count needs: a name's definitions; classes whose
    name ends with the words, and for a lower bound those whose name holds them."""
    pattern = claim.pattern or ""
    if pattern.startswith(DEFINED_NAME):
        return [definition_regex(pattern)]
    if not pattern.startswith(DEFINED):
        return []
    strict = _definition_regex(pattern)
    return [strict, loose_regex(strict)] if claim.at_least else [strict]


_COUNT = lazy_compile(
    r"(?<![\d,])(?P<number>\d{1,3}(?:,\d{3}){1,4}|\d{1,9})(?P<plus>\+)?\s+(?P<between>(?:[A-Za-z][\w-]*\s+){0,2}?)"
    r"(?P<unit>files?|references?|occurrences?|matches|usages?|uses|call\s+sites?|places"
    r"|imports|instances|lines|commits|(?P<uncounted>classes|implementations|methods|violations"
    r"|definitions|tests|locations|statements|failures|connections|requests|directories))\b",
    re.IGNORECASE,
)

_COUNT_LEAD = lazy_compile(
    r"\b(?:found|there\s+are|across|in|over|about|approximately|from|by)\s*$|~\s*$", re.I
)

_COUNT_VERB = lazy_compile(
    r"^\s*(?:that\s+|which\s+)?(?:still\s+|now\s+|currently\s+|all\s+|also\s+)?(?:contain|containing|contains|use|uses|using|reference|referencing"
    r"|references|mention|mentioning|mentions|import|importing|imports|call|calling|calls"
    r"|define|defining|defines|with|match|matching|of|for|to|referenced|affected|created"
    r"|detected|related|addressing|across|since|in)\b",
    re.IGNORECASE,
)

_IMPLICIT_COUNT_UNITS = {"references", "reference", "occurrences", "occurrence", "usages", "usage"}


_UNCOUNTED = lazy_compile(
    r"\d\+?\s+(?:[A-Za-z][\w-]*\s+){0,2}?(?:classes|implementations|methods|violations"
    r"|definitions|tests|locations|statements|failures|connections|requests|directories)\b",
    re.IGNORECASE,
)
_ALONE = lazy_compile(r"^\s*(?:\)|vs\.?\s)")
# "over 100 commits", "more than 40 files", "at least 12 files": a lower bound, like "N+".
_AT_LEAST = lazy_compile(r"\b(?:over|more\s+than|at\s+least|upwards\s+of)\s*$", re.IGNORECASE)
# A figure that opens a bullet or is a label's value: "- 440+ files still ...",
# "**Files Affected:** 47+ test files".
_STATED = lazy_compile(r"(?:^\s*(?:[-+]|\d{1,3}[.)])\s*|:\s*)$")


def _count_claims(
    line: str, symbols: list[tuple[int, str, str | None]], taken: set[int] = frozenset()
) -> list[Draft]:
    found: list[Draft] = []
    # A figure inside a quote or code span is someone else's text (a commit subject), not
    # a count the analysis makes.
    quoted = [(m.start(), m.end()) for m in _first(_QUOTE_OR_SPAN.finditer(line))]
    for match in _first(_COUNT.finditer(line)):
        if any(a < match.start() < b for a, b in quoted):
            continue
        unit_word = match.group("unit").lower()
        lead = line[max(0, match.start() - 24) : match.start()].replace("*", "")
        rest = line[match.end() : match.end() + 44].replace("*", "")
        if match.start() in taken or (match.start() > 0 and line[match.start() - 1].isalnum()):
            continue
        # "**Mock errors** (47 files)": a bold label's figure; "(3 files" inside a phrase is not.
        # "(64 methods)", "(264 violations vs target <5)": a bracket holding the figure alone.
        bracketed = line[match.start() - 1 : match.start()] == "(" and (
            (rest.startswith(")") and line[: match.start() - 1].rstrip().endswith("**"))
            or (bool(match.group("uncounted")) and bool(_ALONE.match(rest)))
        )
        # "(60+ commits related to user isolation)": a figure in brackets that says what
        # it counts is a claim still.
        topical = unit_word == "commits" and _commit_topic(line[match.end() :]) is not None
        if line[match.start() - 1 : match.start()] in {"(", "."} and not (bracketed or topical):
            continue
        if not (
            _COUNT_LEAD.search(lead)
            or _COUNT_VERB.match(rest)
            or unit_word in _IMPLICIT_COUNT_UNITS
            or bracketed
            or _STATED.search(lead)
        ):
            continue
        # Classes, violations, tests: a figure git grep cannot count as a string.
        pattern = None if match.group("uncounted") else _count_pattern(line, match, symbols)
        if unit_word == "commits":
            pattern = _commit_topic(line[match.end() :]) or pattern
        named = _FOR_ISSUE.match(line[match.end() :].replace("*", ""))
        if unit_word.startswith("file") and named and not match.group("between").strip():
            pattern = NAMED + named.group("number")
        found.append(
            Draft(
                match.start(),
                "count",
                count=int(match.group("number").replace(",", "")),
                at_least=bool(match.group("plus") or _AT_LEAST.search(lead)),
                count_unit=_count_unit(unit_word),
                pattern=pattern,
                # "440+ test files": a part of the tree, in words.
                described=_scope(match.group("between")),
                uncounted=bool(match.group("uncounted")),
            )
        )
    return found


# "**Lines of Code**: 462 lines", "(471 lines)", "a 462-line file", "126 lines of adapter
# code": the size of a file, or of a block a name on the line defines.
_SIZE = lazy_compile(
    r"(?P<label>\b(?:lines\s+of\s+code|LOC|size|length|file\s+(?:exists|has|is))\W{0,6})?"
    r"(?<![\w.,])(?P<number>\d{1,3}(?:,\d{3})+|\d{1,6})(?P<plus>\+)?[\s-]+lines?\b"
    r"(?P<code>\s+(?:of\s+(?:\w+\s+)?code|long)\b)?",
    re.IGNORECASE,
)
# "154 manager classes", "78 factory classes": definitions whose name ends with the word;
# "10+ WebSocket Manager implementations", "11+ separate WebSocket Manager class
# definitions": definitions whose name holds both words, in that order.
_DEFINITIONS = lazy_compile(
    r"(?<![\w.,])(?P<number>\d{1,3}(?:,\d{3})+|\d{1,6})(?P<plus>\+)?\s+"
    r"(?:(?:distinct|separate|different|conflicting|competing|duplicate)\s+)?"
    r"(?:(?P<first>[A-Z][A-Za-z]{1,30})\s+(?P<second>[A-Za-z]{3,30})"
    r"\s+(?:classes|class\s+definitions|implementations)"
    r"|(?P<word>[A-Za-z][A-Za-z]{2,30})\s+classes)\b",
)
# The words of a name in a definition pattern: `class \w*WebSocket\w*Manager`.
_NAME_GAP = "\\w*"
# How a definition count's pattern is written: `class \w*Manager`.
DEFINED = "class \\w*"


def _definition_regex(pattern: str) -> str:
    """The extended regex `git grep -E` counts for `class \\w*Manager`: a definition line.
    The last word is the kind of class, so the name ends with it: `WebSocketManagerMode` is
    an enum and `WebSocketManagerFactory` a factory, not WebSocket Manager classes."""
    words = pattern.removeprefix(DEFINED).split(_NAME_GAP)
    joined = "[A-Za-z0-9_]*".join(re.escape(w) for w in words)
    return r"^\s*class [A-Za-z0-9_]*" + joined + r"\b"


def _definition_counts(line: str) -> list[Draft]:
    found: list[Draft] = []
    for match in _first(_DEFINITIONS.finditer(line)):
        if match.group("first"):
            first, second = match.group("first"), match.group("second")
            if first.lower() in _NOT_A_NAME:
                continue
            name = first + _NAME_GAP + second[:1].upper() + second[1:]
        elif match.group("word").lower() in _NOT_A_NAME:
            continue
        else:
            word = match.group("word")
            name = word[:1].upper() + word[1:].lower()
        found.append(
            Draft(
                match.start(),
                "count",
                count=int(match.group("number").replace(",", "")),
                at_least=bool(match.group("plus")),
                count_unit="matches",
                pattern=DEFINED + name,
            )
        )
    return found


# Words before "classes" that are not part of a class name ("12 test classes" is a
# count of tests, "3 new classes" of nothing named).
_NOT_A_NAME = {
    "new",
    "old",
    "test",
    "base",
    "these",
    "those",
    "other",
    "such",
    "more",
    "many",
    "different",
    "separate",
    "distinct",
    "python",
    "the",
    "and",
    "of",
    "in",
    "with",
}


_PART_OF_FILE = lazy_compile(
    r"^\s*(?:of\s+(?!code\b)|changed|added|removed|modified|deleted|that|which)", re.I
)


def _size_claims(line: LineMentions) -> list[Draft]:
    """A line count said of a file (the path on the line, else the one just above) or of
    the block a name on the line defines there."""
    if not line.has_digit or "line" not in line.raw.lower():
        return []
    found: list[Draft] = []
    for match in _first(_SIZE.finditer(line.raw)):
        if not (match.group("label") or match.group("code")):
            continue
        # "the file has 12 lines of imports / lines changed": a part of it, not its size.
        label = (match.group("label") or "").lower()
        if label.startswith("file") and _PART_OF_FILE.match(line.raw[match.end() :]):
            continue
        path = _nearest_path(line.paths, match.start()) if line.paths else None
        where = path.path if path else line.context_path
        if not where:
            continue
        named = (
            [s for _c, s, d in line.symbols if d or s[:1].isupper()] if match.group("code") else []
        )
        found.append(
            Draft(
                match.start("number"),
                "count",
                path=where,
                count=int(match.group("number").replace(",", "")),
                at_least=bool(match.group("plus")),
                count_unit="lines",
                pattern=named[0] if named else None,
                uses_path=path.start if path else None,
            )
        )
    return found


_TEST_SCOPE = lazy_compile(r"^(?:unit\s+|integration\s+|e2e\s+)?tests?$", re.IGNORECASE)
# A test file by its path: a tests/ folder, test_x.py, x_test.go, x.test.ts, x.spec.js.
_TEST_PATH = lazy_compile(r"(?:^|/)tests?/|(?:^|/)test_[^/]*$|_test\.\w+$|\.(?:test|spec)\.\w+$")


# "`async def test.*return` patterns": a regex the analysis ran, not a string to count.
_REGEX_SPAN = lazy_compile(r"\.[*+?]|\\[wdsbWDS]|\[[^\]]*\]|^\^|\$$|\(\?")
_SPAN_GAP = lazy_compile(
    r"`?[\s:=\-\u2013]*(?:(?:patterns?|calls?|usages?|imports?|references?)\s+)?"
    r"(?:(?:used|found|referenced|scattered)\s+)?(?:in\s+|by\s+|across\s+)?",
    re.I,
)


# "35+ files created for Issue #1176": files named after the issue they were made for.
_FOR_ISSUE = lazy_compile(
    r"^\s*(?:created|added|written|generated)\s+(?:for|under)\s+(?:issue\s*)?#(?P<number>\d{2,6})\b",
    re.IGNORECASE,
)
# How a count of files whose path holds a number is written as its pattern.
NAMED = "named "
_PORT = lazy_compile(
    r"^\s*(?:that\s+)?(?:referenc\w*|us\w*|with|on|hardcod\w*|mention\w*)\s+"
    r"(?:the\s+)?port\s+(?P<port>\d{3,5})\b",
    re.IGNORECASE,
)
_QUOTE_OR_SPAN = lazy_compile(r"`[^`\n]{1,400}`|\"[^\"\n]{1,400}\"")


def _test_scoped(claim: Claim) -> bool:
    return claim.count_unit == "files" and bool(_TEST_SCOPE.search(claim.described or ""))


# Words between a number and its unit that say nothing about scope ("15+ files").
_NOT_SCOPE = {"more", "other", "different", "separate", "distinct", "total", "additional"}


def _scope(between: str) -> str | None:
    words = [w for w in between.lower().split() if w not in _NOT_SCOPE]
    return " ".join(words) or None


# "commits related to the ledger rewrite", "commits addressing Issue #1278".
_TOPIC = lazy_compile(
    r"^\s*(?:related\s+to|about|addressing|mentioning|touching|for|on|fixing|regarding)\s+"
    r"(?:the\s+)?(?P<topic>[\w#./-]+(?:\s+[\w#./-]+){0,3}?)\s*(?:[.,;:)(]|$|\s+(?:since|in|over|during|from|and|with)\b)",
    re.IGNORECASE,
)


# "commits addressing Issue #1278 ...": commits are tied to an issue by its number.
_ISSUE_TOPIC = lazy_compile(
    r"^\s*(?:related\s+to|about|addressing|mentioning|for|on|fixing|regarding|referencing)\s+"
    r"(?:the\s+)?(?:issue\s*#?|#)(?P<number>\d{2,6})\b",
    re.IGNORECASE,
)
# "315+ git commits contain "import" in commit messages": the quoted word is the topic.
_QUOTED_TOPIC = lazy_compile(
    r"^\s*(?:that\s+|which\s+)?(?:contain|contains|containing|mention|mentions|mentioning"
    r"|with)\s+[\"'\u201c](?P<topic>[^\"'\u201d\n]{2,60})[\"'\u201d]",
    re.IGNORECASE,
)
# "60+ git commits since September 9, 2025": every commit since a date.
_SINCE = lazy_compile(r"^\s*since\s+(?P<date>[^.;:()]{6,40})", re.IGNORECASE)
# How a count of commits since a date is written as its pattern.
SINCE = "since "


def _commit_topic(rest: str) -> str | None:
    plain = rest.replace("*", "").replace("`", "")
    for reading in (_ISSUE_TOPIC, _QUOTED_TOPIC):
        match = reading.match(plain)
        if match:
            return match.group("number") if reading is _ISSUE_TOPIC else match.group("topic")
    match = _TOPIC.match(plain)
    if match:
        return match.group("topic")
    since = _SINCE.match(plain)
    when = parse_when(since.group("date")) if since else None
    return SINCE + when.date().isoformat() if when else None


def _count_unit(word: str) -> CountUnit:
    if word.startswith("file"):
        return "files"
    if word == "lines":
        return "lines"
    if word == "commits":
        return "commits"
    if word.startswith("reference"):
        return "references"
    if word == "matches":
        return "matches"
    return "occurrences"


def _count_pattern(
    line: str, match: re.Match[str], symbols: list[tuple[int, str, str | None]]
) -> str | None:
    spans = [
        (c, s)
        for c, s in _code_spans(line)
        if not _PATH_TOKEN.fullmatch(s.rstrip(".:")) and not _REGEX_SPAN.search(s)
    ]
    spans_after = [s for c, s in spans if c >= match.start()]
    if spans_after:
        # `await get_manager()` is an expression written as it stands; `get_manager()` names
        # the function.
        span = spans_after[0]
        return span if " " in span.strip() else span.removesuffix("()")
    between = [s for c, s, _d in symbols if match.start() <= c < match.end()]
    if between:
        return between[0]
    after = [s for c, s, _d in symbols if c >= match.end()]
    if after:
        return after[0]
    # "`jwt.decode(`: 5 files", "`x` used in 5 files", "`class Config:` patterns in 250+
    # files": the code span the figure is given for, right before it.
    for column, span in reversed(spans):
        gap = line[column + len(span) + 1 : match.start()]
        if column < match.start() and _SPAN_GAP.fullmatch(gap):
            return span.removesuffix("()")
    before = [s for c, s, _d in symbols if c < match.start()]
    if before:
        return before[-1]
    # "60+ test files referencing port 8002": the port number is the string the files hold.
    port = _PORT.match(line[match.end() :].replace("*", ""))
    return port.group("port") if port else None


def _check_count(context: CheckContext, claim: Claim) -> ClaimCheck:
    if claim.count is None:
        return result(claim, "unverifiable", "no number to compare")
    unit = claim.count_unit or "files"
    if unit == "lines" and claim.path:
        return _count_lines(context, claim)
    if claim.path and claim.pattern:
        return _count_in_file(context, claim)
    if claim.pattern and claim.pattern.startswith(NAMED):
        return _count_named(context, claim)
    if not claim.pattern:
        return result(claim, "unverifiable", "names nothing that could be counted")
    if claim.pattern.startswith(SHELL):
        return check_shell_count(context, claim)
    if unit == "commits":
        return _count_commits(context, claim)
    if claim.pattern.startswith(DEFINED_NAME):
        name = claim.pattern.removeprefix(DEFINED_NAME)
        return count_name_definitions(context, claim, name, definition_regex(claim.pattern))
    if claim.pattern.startswith(DEFINED):
        return count_definitions(context, claim, _definition_regex(claim.pattern))
    if unit == "files" and _names_a_suffix(claim.text, claim.pattern):
        return _count_file_names(context, claim, claim.pattern)
    noun = "files" if unit == "files" else "matches"
    search = context.tree_search
    if not search.searched(claim.pattern):
        why = search.failed or "the search was cancelled"
        return result(claim, "unverifiable", f"could not count {claim.pattern!r}: {why}")
    real = (
        search.file_count(claim.pattern) if noun == "files" else search.match_count(claim.pattern)
    )
    how = f"git grep -F {claim.pattern!r} at {context.revision[:12]}"
    summary = f"{real} {noun} hold {claim.pattern!r} at {context.revision[:12]}"
    evidence = context.pins.pin(
        claim, "count", summary, _count_query(claim.pattern, noun), f"{real} {noun}"
    )
    whole = not claim.described
    if _test_scoped(claim):
        # "20+ test files": the files that are tests, which git can tell by their paths.
        real = sum(1 for path in search.files(claim.pattern) if _TEST_PATH.search(path))
        how += ", test files only"
        whole = True
    elif whole and not agrees(real, claim.count or 0, claim.at_least):
        # "18 files with `await get_manager()` calls": code lives in source files; the
        # docs quoting it are not among them. Verified when that reading agrees.
        in_source = source_count(search.matches_by_file(claim.pattern), noun)
        if agrees(in_source, claim.count or 0, claim.at_least):
            anywhere = "files" if noun == "files" else f"{noun} in files"
            how += f", source files only ({real} {anywhere} of any kind)"
            return judge(claim, in_source, search.unreadable, noun, how, evidence)
    return judge(claim, real, search.unreadable, noun, how, evidence, whole=whole)


# "1,381 files with `.backup_20250917_084026` extensions": a suffix of file names.
_NAME_SUFFIX = lazy_compile(r"\.[A-Za-z_][\w.-]{1,60}")


def _names_a_suffix(text: str, pattern: str) -> bool:
    """`.backup_x` followed by "extension(s)" or "suffix": a part of names (`.format` in
    "files using `.format`" is a call)."""
    if not _NAME_SUFFIX.fullmatch(pattern):
        return False
    after = re.escape(pattern) + r"[`'\"]?\s+(?:file\s+)?(?:extensions?|suffix(?:es)?)\b"
    return re.search(after, text, re.IGNORECASE) is not None


def _count_file_names(context: CheckContext, claim: Claim, suffix: str) -> ClaimCheck:
    """Files named with the suffix, from the tree listing (not files holding the text).
    git lists tracked files only: fewer than claimed may be files it never saw."""
    real = sum(1 for path in context.tree.files if suffix in path.rsplit("/", 1)[-1])
    said = claim.count or 0
    what = f"{real} tracked files are named with {suffix!r} at {context.revision[:12]}"
    if agrees(real, said, claim.at_least):
        return result(claim, "verified", what)
    if real < said:
        return result(
            claim,
            "unverifiable",
            f"{what}, fewer than {said}: files git does not track (backups, build output) "
            "are not in its listing",
        )
    return result(claim, "contradicted", f"{what}, more than the {said} claimed")


def _count_lines(context: CheckContext, claim: Claim) -> ClaimCheck:
    """The size of a file (`wc -l`), or of the block a name defines in it."""
    resolved = resolve_path(claim.path or "", context.tree.files, context.tree.by_name)
    if len(resolved.matches) != 1:
        many = len(resolved.matches) > 1
        why = "names several files" if many else "names no file in the tree"
        return result(claim, "unverifiable", f"`{claim.path}` {why}: nothing to measure")
    path = resolved.matches[0]
    lines = context.tree.lines_of(path)
    if lines is None:
        return result(claim, "unverifiable", f"`{path}` cannot be read as text")
    how = f"wc -l {path} at {context.revision[:12]}"
    real = len(lines)
    if claim.pattern:
        start = _definition_line(lines, claim.pattern)
        if start is None:
            return result(
                claim,
                "unverifiable",
                f"`{claim.pattern}` is not defined in `{path}`: no block to measure",
            )
        end = indented_block_end(lines, start)
        real = end - start + 1
        how = f"`{claim.pattern}` spans lines {start}-{end} of {path}"
    return judge(claim, real, 0, "lines", how, [], measured=True)


# "11 async test methods in `test_x.py`", "`test_y.py` has 8 proper `@pytest.mark.asyncio`
# decorators": things counted inside the one file the line names.
_IN_FILE = lazy_compile(
    r"(?<![\w.,])(?P<number>\d{1,4})(?P<plus>\+)?\s+(?:(?:proper|existing|separate)\s+)?"
    r"(?:(?P<tests>(?P<async>async\s+)?test\s+(?:methods|functions))"
    r"|`(?P<span>[^`\n]{2,80})`\s+(?:decorators|calls|occurrences|usages|uses))\b",
    re.IGNORECASE,
)
# How a count of test functions in a file is written as its pattern.
TEST_DEFS = ("def test", "async def test")


def _in_file_counts(line: LineMentions) -> list[Draft]:
    files = [p for p in line.paths if "." in p.path.rsplit("/", 1)[-1]]
    if len(files) != 1 or not line.has_digit:
        return []
    found: list[Draft] = []
    for match in _first(_IN_FILE.finditer(line.raw)):
        if match.group("tests"):
            pattern = TEST_DEFS[1] if match.group("async") else TEST_DEFS[0]
        else:
            pattern = match.group("span")
        found.append(
            Draft(
                match.start(),
                "count",
                path=files[0].path,
                count=int(match.group("number")),
                at_least=bool(match.group("plus")),
                count_unit="matches",
                pattern=pattern,
                uses_path=files[0].start,
            )
        )
    return found


def _count_named(context: CheckContext, claim: Claim) -> ClaimCheck:
    """Files made for an issue are often named for it; others may not be, so the tracked
    paths holding its number bound the count from below only."""
    number = (claim.pattern or "").removeprefix(NAMED)
    real = sum(1 for path in context.tree.files if number in path)
    said = f"{claim.count}{'+' if claim.at_least else ''}"
    found = f"{real} tracked paths hold {number!r} (git ls-tree -r {context.revision[:12]})"
    if claim.at_least and real >= (claim.count or 0):
        return result(claim, "verified", f"{found}: at least the {said} claimed")
    return result(claim, "unverifiable", f"{found}; {said} claimed: files may be named otherwise")


def _count_in_file(context: CheckContext, claim: Claim) -> ClaimCheck:
    """Matches inside the one file the line names: lines defining tests (`def test...`),
    or occurrences of the code span. The whole file is read: the count is exact."""
    resolved = resolve_path(claim.path or "", context.tree.files, context.tree.by_name)
    if len(resolved.matches) != 1:
        many = len(resolved.matches) > 1
        why = "names several files" if many else "names no file in the tree"
        return result(claim, "unverifiable", f"`{claim.path}` {why}: nothing to count in")
    path = resolved.matches[0]
    lines = context.tree.lines_of(path)
    if lines is None:
        return result(claim, "unverifiable", f"`{path}` cannot be read as text")
    pattern = claim.pattern or ""
    if pattern in TEST_DEFS:
        starts = (pattern,) if pattern == TEST_DEFS[1] else TEST_DEFS
        real = sum(1 for text in lines if text.lstrip().startswith(starts))
        how = f"lines of {path} starting `{pattern}`"
    else:
        real = sum(text.count(pattern) for text in lines)
        how = f"`{pattern}` in {path}"
    return judge(claim, real, 0, "matches", f"{how} at {context.revision[:12]}", [], measured=True)


def _count_query(pattern: str, unit: str) -> dict[str, Any]:
    return {"op": "count", "pattern": pattern, "unit": unit, "fixed_strings": True}


def _count_commits(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "N commits related to X" reads two ways: commits whose message mentions X, and
    commits touching the folder X names. Settled only when both readings agree."""
    topic = claim.pattern or ""
    if topic.startswith(SINCE):
        real, how = _commits_since(context, topic)
        if agrees(real, claim.count or 0, claim.at_least):
            return judge(claim, real, 0, "commits", how, [])
        # Too few is judged on the day before too: the analysis's clock may not be UTC.
        day = date.fromisoformat(topic.removeprefix(SINCE)) - timedelta(days=1)
        wider, how = _commits_since(context, SINCE + day.isoformat())
        return judge(claim, wider, 0, "commits", how, [], whole=wider == real)
    readings = context.counts.commit_readings(topic)
    said = f"{claim.count}{'+' if claim.at_least else ''}"
    first = f"{readings.mentioning} commits mention {topic!r} (git log --grep)"
    counts = [readings.mentioning]
    if readings.touching is not None:
        first += f"; {readings.touching} touch {readings.path} (git log -- {readings.path})"
        counts.append(readings.touching)
    holds = [agrees(n, claim.count or 0, claim.at_least) for n in counts]
    if all(holds):
        return result(claim, "verified", f"{first}: {said} holds either way")
    if len(counts) == 2 and not any(holds):
        return result(claim, "contradicted", f"{first}: not {said}", f"{counts[0]} commits")
    if len(counts) == 2:
        return result(claim, "unverifiable", f"{first}: {said} depends on the reading")
    words = [w for w in re.findall(r"[\w#-]{3,}", topic) if w.lower() not in _NOT_A_NAME]
    if claim.at_least and len(counts) == 1 and len(words) > 1:
        # "60+ commits related to user isolation": messages that use every word of the
        # topic, in any order, are related to it; enough of them bound the count below.
        every = context.counts.mentioning_all(words)
        if agrees(every, claim.count or 0, True):
            how = f"{first}; {every} mention all of {', '.join(words)}"
            return result(claim, "verified", f"{how}: at least the {said} claimed")
    # A topic in words may be written other ways in messages: too few is not evidence.
    return result(claim, "unverifiable", f"{first}; {said} claimed: messages may word it otherwise")


def _commits_since(context: CheckContext, pattern: str) -> tuple[int, str]:
    """Commits reachable from the revision since the date (`git rev-list --since`)."""
    day = pattern.removeprefix(SINCE)
    real = context.counts.commits_since(day)
    return real, f"git rev-list --count --since={day} {context.revision[:12]}"

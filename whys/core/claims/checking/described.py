"""Line ranges that name no code of their own: what else says what they hold (a blank
line, a sibling bullet's names, a description a name in the range spells, a definition
the description names, a log record's location), and the names the bullets beside a
claim give."""

from __future__ import annotations

import re

from whys.core.claims.checking.files import FileVerdict
from whys.core.claims.checking.names import name_pattern, span_of, where_in
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim

_WORD = lazy_compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")

# What a `module:LINE` from a log record says of its line: that it logs (or raises).
LOG_SITE = "a log record's location"
_LOGS = lazy_compile(
    r"\b(?:log(?:ger)?|logging|_log|LOG)\.(?:debug|info|warning|warn|error|exception|critical)\("
    r"|^\s*raise\b|\bprint\("
)


def named_beside(claim: Claim, lines: list[str], wanted: list[int]) -> tuple[int, str] | None:
    """A name a sibling bullet gives, in code on the cited lines ("- `X.create_child()`
    exists" / "- `helpers.py` line 38 now works with `X`", line 38 calling it)."""
    prose = prose_lines(lines) if claim.context_names else set()
    for name in claim.context_names:
        if name.startswith("-"):
            continue
        pattern = name_pattern(name)
        for number in wanted:
            held = 0 < number <= len(lines) and number not in prose
            if held and pattern.search(lines[number - 1]):
                return number, name
    return None


_LINE_COMMENT = lazy_compile(r"^\s*(?:#|//)")


def prose_lines(lines: list[str]) -> set[int]:
    """The lines of a file inside triple-quoted strings (docstrings) or whole-line
    comments."""
    found: set[int] = set()
    inside = False
    for number, text in enumerate(lines, start=1):
        quotes = text.count('"""') + text.count("'''")
        if inside or quotes or _LINE_COMMENT.match(text):
            found.add(number)
        if quotes % 2:
            inside = not inside
    return found


def described_lines(claim: Claim, path: str, lines: list[str], start: int, end: int) -> FileVerdict:
    """A range that names no code on its own line: a single cited line that is blank holds
    nothing; a name a sibling bullet gives is looked for; a description whose words a name
    in the range spells ("backoff delay" in `BACKOFF_DELAYS`) holds. Else the lines exist
    and the claim is the auditor's."""
    span = span_of(claim)
    wanted = claim.line_numbers or list(range(start, min(end, len(lines)) + 1))
    if len(wanted) == 1 and not lines[wanted[0] - 1].strip() and not claim.lent:
        # (A file only guessed from far above may not be the one meant.)
        return FileVerdict(path, "contradicted", f"{span} of `{path}` is blank")
    if claim.described == LOG_SITE:
        # `app.routes.ws:1651` from a log record: the line is a logging call (or a raise).
        logs = [n for n in wanted if n <= len(lines) and _LOGS.search(lines[n - 1])]
        if logs:
            shown = " ".join(lines[logs[0] - 1].split())[:80]
            return FileVerdict(path, "verified", f"line {logs[0]} of `{path}` logs: {shown!r}")
    # A name in a docstring or a comment is prose about the code, not the code.
    prose = prose_lines(lines) if claim.context_names else set()
    for name in claim.context_names:
        pattern = name_pattern(name) if not name.startswith("-") else re.compile(re.escape(name))
        hits = [n for n, text in enumerate(lines, start=1) if pattern.search(text)]
        hits = [n for n in hits if n not in prose]
        inside = [n for n in hits if n in set(wanted)]
        if inside:
            return FileVerdict(
                path, "verified", f"`{name}` (named next to it) is at line {inside[0]} of `{path}`"
            )
    placed = []
    for name in claim.context_names:
        pattern = name_pattern(name) if not name.startswith("-") else re.compile(re.escape(name))
        hits = [n for n, text in enumerate(lines, start=1) if pattern.search(text)]
        hits = [n for n in hits if n not in prose]
        if hits:
            placed.append(f"`{name}` is at {where_in(lines, name, hits)}")
    if placed:
        return FileVerdict(
            path,
            "contradicted",
            f"{span} of `{path}` hold none of the names given next to it: " + "; ".join(placed),
            f"{path}: " + "; ".join(placed),
        )
    ignored = _ignore_patterns(claim.described or "", path, lines, wanted)
    if ignored:
        return FileVerdict(
            path,
            "verified",
            f"{span} of `{path}` are patterns for {ignored!r}, as the claim describes "
            f"({claim.described!r})",
        )
    spelled = _spelled_name(claim.described or "", lines, wanted) or _defined_word(
        claim.described or "", lines, wanted
    )
    if spelled:
        number, name = spelled
        return FileVerdict(
            path,
            "verified",
            f"`{name}` at line {number} of `{path}` is what the claim describes "
            f"({claim.described!r})",
        )
    shown = [lines[n - 1] for n in wanted if n <= len(lines)]
    preview = " ".join(shown[0].split())[:80] if shown else ""
    return FileVerdict(
        path,
        "unverifiable",
        f"the claim names nothing to look for in {span} of `{path}`; "
        f"{'it exists' if span.startswith('line ') else 'they exist'} "
        f"(line {wanted[0] if wanted else start} reads {preview!r})",
    )


_CODE_WORD = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUBWORD = lazy_compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def _spelled_name(described: str, lines: list[str], wanted: list[int]) -> tuple[int, str] | None:
    """A name in the range whose parts spell two words of the description in a row: a
    common word alone never does ("verification" in another flag's help text)."""
    words = [w.rstrip("s") for w in described.split() if len(w) >= 3 and w not in _STOP]
    pairs = set(zip(words, words[1:], strict=False))
    if not pairs:
        return None
    for number in wanted:
        if number > len(lines):
            break
        for name in _CODE_WORD.findall(lines[number - 1]):
            parts = [p.lower().rstrip("s") for p in _SUBWORD.findall(name)]
            if any(pair in pairs for pair in zip(parts, parts[1:], strict=False)):
                return number, name
        # The same two words in a row in a comment or a message of the range.
        prose = " ".join(m.group(0) for m in _PROSE.finditer(lines[number - 1]))
        text = [w.lower().rstrip("s") for w in _WORD.findall(prose)]
        text = [w for w in text if len(w) >= 3 and w not in _STOP]
        for pair in zip(text, text[1:], strict=False):
            if pair in pairs:
                return number, " ".join(pair)
    return None


_DEFINED = lazy_compile(
    r"^\s*(?:export\s+)?(?:async\s+)?(?:def|class|function|func|fn|interface|struct)\s+(\w+)"
)


def _defined_word(described: str, lines: list[str], wanted: list[int]) -> tuple[int, str] | None:
    """ "Supervisor registry still at `agent_registry.py:344`" over `class AgentRegistry`:
    a short range that opens a definition whose name holds a long word of the description
    (a definition is the strong term; the same word in a comment or a value is not)."""
    if len(wanted) > 3:
        return None
    words = {w.rstrip("s") for w in described.split() if len(w) >= 6 and w not in _STOP}
    for number in wanted:
        match = _DEFINED.match(lines[number - 1]) if number <= len(lines) else None
        if match and words & {p.lower().rstrip("s") for p in _SUBWORD.findall(match.group(1))}:
            return number, match.group(1)
    return None


_PROSE = lazy_compile(r"(?:#|//).*$|\"[^\"]*\"|'[^']*'")
_STOP = {
    "the", "and", "for", "with", "that", "this", "from", "are", "was", "were", "has", "have",
    "not", "now", "all", "its", "into", "when", "then", "than", "but", "which", "there",
    "line", "lines", "file", "code", "still",
}  # fmt: skip


def _ignore_patterns(described: str, path: str, lines: list[str], wanted: list[int]) -> str | None:
    """An ignore file's lines are path patterns, nothing else: "lines 107-108, 111 now
    include monitoring modules" holds when every cited line is a pattern with that folder
    in it, re-included (`!`) when the claim says include, excluded when it says exclude."""
    if not path.endswith("ignore") or not wanted or len(wanted) > 12:
        return None
    words = [w.rstrip("s") for w in described.split()]
    include = {"include", "includes", "included", "allow", "allows"} & set(described.split())
    exclude = {"exclude", "excludes", "excluded", "ignore", "ignores"} & set(described.split())
    if bool(include) == bool(exclude):
        return None
    parts_of = []
    for number in wanted:
        text = lines[number - 1].strip() if number <= len(lines) else ""
        if not text or text.startswith("#") or text.startswith("!") != bool(include):
            return None
        parts_of.append({p.lower().rstrip("s") for p in _PATTERN_PART.findall(text)})
    shared = [w for w in words if len(w) >= 5 and w not in _STOP and all(w in p for p in parts_of)]
    return shared[0] if shared else None


_PATTERN_PART = lazy_compile(r"[A-Za-z0-9_-]+")

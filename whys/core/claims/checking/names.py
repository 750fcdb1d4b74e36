"""Code-name patterns: how a name, a quoted line of code or a definition is found in a
file's lines, and how a place in a file is said."""

from __future__ import annotations

import re

from whys.core.claims.checking.common import MAX_LISTED
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim


def name_pattern(symbol: str) -> re.Pattern[str]:
    name = symbol.removesuffix("()").split(".")[-1]
    return re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")


def code_pattern(code: str) -> re.Pattern[str]:
    """Quoted code as a pattern: any spacing, and a string may carry a prefix the quote
    left out (`log.info("x {e}")` is `log.info(f"x {e}")` in the file)."""
    words = [_STRING_START.sub(r"\1[fFrRbBuU]{0,2}\2", re.escape(part)) for part in code.split()]
    return re.compile(r"\s+".join(words))


# An opening quote (after a bracket, comma or the start), where a string prefix would go.
_STRING_START = lazy_compile(r"""(^|\\\(|\\\[|,|=)(["'])""")


def _definition_line(lines: list[str], name: str) -> int | None:
    pattern = re.compile(
        r"^\s*(?:export\s+)?(?:async\s+)?(?:def|class|function|func|fn|interface|struct|enum"
        r"|const|let|var|type)\s+" + re.escape(name) + r"\b|^\s*" + re.escape(name) + r"\s*[:=]"
    )
    for number, text in enumerate(lines, start=1):
        if pattern.search(text):
            return number
    return None


def indented_block_end(lines: list[str], start: int) -> int:
    """Last line of the indented block opened at `start` (1-based)."""
    head = lines[start - 1]
    indent = len(head) - len(head.lstrip())
    end = start
    for number in range(start + 1, len(lines) + 1):
        text = lines[number - 1]
        if not text.strip():
            continue
        current = len(text) - len(text.lstrip())
        if current > indent:
            end = number
        elif current == indent and text.lstrip().startswith(")") and text.rstrip().endswith(":"):
            end = number  # `) -> Dict[str, Any]:` ends a signature spread over lines
        elif current == indent and text.strip() in {"}", "};", "},", "end", ")", "),", "]", "],"}:
            end = number
            break
        else:
            break
    return end


def where_in(lines: list[str], symbol: str, hits: list[int]) -> str:
    """'lines 61-90' (its definition block) or 'lines 3, 17, 40'."""
    name = symbol.removesuffix("()").split(".")[-1]
    definition = _definition_line(lines, name)
    if definition is not None:
        end = indented_block_end(lines, definition)
        if end == definition:
            return f"line {definition}"
        return f"lines {definition}-{end} (defined at line {definition})"
    shown = ", ".join(str(n) for n in hits[:MAX_LISTED])
    more = f" (+{len(hits) - MAX_LISTED} more)" if len(hits) > MAX_LISTED else ""
    return ("line " if len(hits) == 1 else "lines ") + shown + more


def span_of(claim: Claim) -> str:
    if claim.line_numbers:
        return "lines " + ", ".join(str(n) for n in claim.line_numbers)
    if claim.line_start == claim.line_end:
        return f"line {claim.line_start}"
    return f"lines {claim.line_start}-{claim.line_end}"


def hits_of(lines: list[str], claim: Claim) -> list[int]:
    """Lines holding the claim's quoted code (may span lines in its range) or symbol."""
    if claim.quoted_code:
        pattern = code_pattern(claim.quoted_code)
    else:
        pattern = name_pattern(claim.symbol or "")
    hits = [n for n, text in enumerate(lines, start=1) if pattern.search(text)]
    if claim.quoted_code and not hits and claim.line_start:
        start = claim.line_start
        joined = "\n".join(lines[start - 1 : claim.line_end or start])
        if pattern.search(joined):
            hits = [start]
    return hits


def is_code_line(span: str) -> bool:
    """`min_instances = 10`, `log.info("x")`, `from a import b`: code, not a bare name."""
    if len(span) < 6 or span.startswith(("-", "/", "$")) or "://" in span:
        return False
    return bool(re.search(r"\w\s*(?:=|\(|\.\w+\()|^(?:from|import|class|def|async def)\s", span))


_KEBAB = lazy_compile(r"[A-Za-z0-9][\w.]*-[\w.-]*[A-Za-z0-9]")
_DATE_LIKE = lazy_compile(r".*?(?:\d{4}-\d{2}-\d{2}|^\d{4}-\d{2}\b)|\d+-\d+$")
ADDRESS = lazy_compile(r"\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?")
_FILE_END = lazy_compile(r"\.[a-z]{2,5}$")
_ROUTE = lazy_compile(r"/[\w{}.-]+(?:/[\w{}.-]+)*/?")
_LITERAL_LIST = lazy_compile(r"[\[(]\s*[\"'][^\"'\n]*[\"'](?:\s*,\s*[\"'][^\"'\n]*[\"'])*\s*[\])]")
_JSON_PAIR = lazy_compile(
    r"\{\s*(?P<pair>\"\w+\"\s*:\s*\"[^\"]+\")\s*(?:,\s*(?:\.\.\.|\u2026))?\s*\}"
)
_QUOTED_ARGS = lazy_compile(r"'[^'\n]+'(?:\s*,\s*'[^'\n]+')+")


def value_literal(span: str) -> str | None:
    """What a code span that holds a value looks for in the tree: a resource id
    (`jwt-secret-staging`, `e2-standard-8`), an address (`10.2.0.0/28`), a route
    (`/health`), a literal list (`["read", "write"]`), a JSON pair (`{"type": "x", ...}`)."""
    text = span.strip()
    if len(text) < 4 or " " in text.strip("[]{}()") and not text.startswith(("[", "{", "'")):
        return None
    if ADDRESS.fullmatch(text):
        return text
    if _KEBAB.fullmatch(text) and "/" not in text and not text.startswith("-"):
        # `jwt-secret-staging`, `e2-standard-8`; not a header (`Idempotency-Key`) or a
        # two-word name (`mail-queue`) that a dashboard or a queue may carry as well.
        if _DATE_LIKE.match(text) or text.count("-") > 6 or text != text.lower():
            return None
        if _FILE_END.search(text):
            return None  # `manager.cpython-313.pyc`: a file's name
        distinctive = text.count("-") >= 2 or any(c.isdigit() for c in text)
        return text if distinctive and any(c.isalpha() for c in text) else None
    if _ROUTE.fullmatch(text) and "." not in text and len(text) >= 4:
        return text
    if _LITERAL_LIST.fullmatch(text) or _QUOTED_ARGS.fullmatch(text):
        return text
    pair = _JSON_PAIR.fullmatch(text)
    return pair.group("pair") if pair else None


_BARE_PAIR = lazy_compile(r"\"\w+\"\s*:\s*\"[^\"]+\"")


def is_value(text: str) -> bool:
    """A value literal (as `value_literal` keeps it): found in code and config, or not."""
    return value_literal(text) == text or bool(_BARE_PAIR.fullmatch(text))


def strip_comment(raw: str) -> str:
    """The line without a trailing `# comment` (outside quotes)."""
    code = raw.strip()
    quote: str | None = None
    for index, char in enumerate(code):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and index and code[index - 1] in " \t":
            return code[:index].rstrip()
    return code

"""Mentions: what one line of an analysis names (paths with line spans, bare line
references, code names, SHAs, quotes, count phrases), found once per line and shared by
every kind's `assemble`.

A new way of writing a path, a line span or a code name goes here, as a recogniser that
fills `LineMentions`; a new claim built from mentions goes in its kind's `assemble`.
Every pattern runs on single tokens or is anchored to a literal word, so a pathological
line (100k `*`, a 1 MB minified blob) costs linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from whys.core.claims.drafts import Draft
from whys.core.document.blocks import Block
from whys.core.lazyre import lazy_compile
from whys.core.models import CommitRole

# Claim text is the line as written, capped so a minified blob does not become a claim text.
MAX_TEXT = 400
# Claims are looked for in the first MAX_SCAN characters of a line, at most MAX_PER_LINE
# of each sort: beyond that a "line" is a pasted blob, not prose.
MAX_SCAN = 20_000
MAX_PER_LINE = 50
_EXTENSIONS = (
    "py|pyi|pyx|js|mjs|cjs|jsx|ts|tsx|go|rs|java|kt|kts|rb|php|c|h|cc|cpp|hpp|cs|swift|scala"
    "|sh|bash|zsh|ps1|md|rst|txt|yaml|yml|json|toml|ini|cfg|conf|env|tf|tfvars|hcl|sql|html"
    "|css|scss|xml|proto|lock|gradle|vue|svelte|dart|lua|ex|exs|erl|clj|tcss|ipynb|csv"
)
# A path-shaped token, optionally with a `:LINE[-LINE]` or `#L12-L20` location.
_PATH_TOKEN = lazy_compile(
    r"(?P<path>(?:[A-Za-z]:[\\/]|~?/|\.{1,2}[\\/])?[\w.\-\\/@+]*?[\w\-@+]\.(?:"
    + _EXTENSIONS
    # `deployment/auth.gcp.Dockerfile`: a Dockerfile named by its image, too.
    + r")|(?:[\w.\-\\/@+]*[\\/]|[\w.\-\\/@+]*[\w\-@+]\.)?"
    r"(?:Dockerfile|Makefile|Procfile|Jenkinsfile)"
    # `.dockerignore` line 103: the ignore files a repository commits.
    r"|(?:[\w.\-\\/@+]*[\\/])?\.(?:docker|git|gcloud|npm|eslint|prettier)ignore"
    r"|(?:[\w.\-\\/@+]*[\\/])?\.env(?:\.[\w\-]+)+"
    # `../../etc/passwd`: a path that climbs out of the tree, extension or not, is a claim
    # about a file the check must refuse to read, so it is listed rather than dropped.
    r"|(?:\.\.[\\/])+(?:[\w.\-@+]+[\\/])*[\w\-@+][\w.\-@+]*)"
    r"(?:(?::|#L)(?P<start>\d{1,7})(?:[-\u2013]L?(?P<end>\d{1,7}))?)?(?::\d{1,5})?",
)
# Maximal runs between delimiters: each character is visited once.
_TOKEN_CHAR = r"[^\s`'\"()\[\]<>,;|*{}]"
_TOKEN = lazy_compile(_TOKEN_CHAR + "+")
# The same tokens, only those that could hold a path (a dot, or a `...file` name) ...
_PATHISH_TOKEN = lazy_compile(
    rf"(?<!{_TOKEN_CHAR}){_TOKEN_CHAR}*(?:\.|file){_TOKEN_CHAR}*(?!{_TOKEN_CHAR})"
)
_MORE_NUMBERS = lazy_compile(r"(?:\s*,\s*\d{1,7}(?:\s*[-\u2013]\s*\d{1,7})?)+")
_LINE_REF = lazy_compile(
    r"\b(?:lines?|L)\s*(?P<start>\d{1,7})(?:\s*(?:-|\u2013|to)\s*L?(?P<end>\d{1,7}))?"
    r"(?P<more>(?:\s*,\s*\d{1,7}(?:\s*[-\u2013]\s*\d{1,7})?)*)",
    re.IGNORECASE,
)
_CODE_SPAN = lazy_compile(r"`([^`\n]{1,300})`")
_IDENTIFIER = lazy_compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*(?:\(\))?")
_DEFINITION = lazy_compile(r"(?:class|def|async def|function|func|fn|interface|struct|enum)\s+\w+")
# Bare identifiers worth naming in prose: CamelCase with two humps, snake or CONST case.
_BARE_IDENTIFIER = lazy_compile(
    r"\b(?:[A-Z][a-z0-9]++[A-Z][A-Za-z0-9]*+|_?[A-Za-z][A-Za-z0-9]*+_[A-Za-z0-9_]*+)\b"
)
_PLAIN_WORDS = {"WebSocket", "JavaScript", "TypeScript", "GitHub", "PostgreSQL", "ClickHouse"}
_HEX = lazy_compile(r"[0-9a-fA-F]{7,40}")
_QUOTED = lazy_compile(r"\"([^\"\n]{3,300})\"|\u201c([^\u201c\u201d\n]{3,300})\u201d")
_CONVENTIONAL = lazy_compile(
    r"^(?:feat|fix|chore|refactor|perf|docs|test|tests|build|ci|style|revert|hotfix|security)"
    r"(?:\([^)]{0,60}\))?!?:\s",
    re.IGNORECASE,
)
# "was never merged", "is not on main", "never shipped", 'no commit "..." exists': the
# sentence says the commit is NOT reachable, so finding it missing is what makes it true.
_NEGATED_REACH = lazy_compile(
    r"(?:\bnever|\bnot|n't)\s+(?:been\s+|yet\s+|actually\s+)?(?:merged|landed|shipped|deployed"
    r"|released|pushed|reached|made\s+it)\b(?:\s+(?:in|into|on|to)\s+(?:the\s+)?(?P<to>`[^`\s]{1,80}`"
    r"|[\w./-]{2,80}))?"
    r"|\b(?:is|was|are|were)(?:\s+not|n't)\s+(?:on|in|part\s+of)\s+(?:the\s+)?"
    r"(?P<on>`[^`\s]{1,80}`|(?:main|master|trunk|develop)\b)"
    r"|\bno\s+(?:such\s+)?commit\b",
    re.IGNORECASE,
)
_BRANCH_WORDS = {"main", "master", "trunk", "develop"}
_CAUSE_WORDS = lazy_compile(
    r"\b(?:introduc\w*|caus\w*|broke|breaks|broken|breaking|regress\w*|culprit|root\s+cause"
    r"|triggered|bug\s+in)\b",
    re.IGNORECASE,
)
_FIX_WORDS = lazy_compile(
    r"\b(?:fix\w*|resolv\w*|repair\w*|patch\w*|hotfix\w*|restor\w*|revert\w*|mitigat\w*)\b",
    re.IGNORECASE,
)
_DIGIT = lazy_compile(r"\d")
_COUNT_WORDS = (
    "file", "reference", "occurrence", "match", "usage", "uses", "call", "place", "import",
    "instance", "line", "commit",
)  # fmt: skip


@dataclass
class _PathRef:
    start: int
    end: int
    path: str
    line_start: int | None = None
    line_end: int | None = None
    line_numbers: list[int] = field(default_factory=list)


def _first(matches: Iterable[re.Match[str]]) -> Iterator[re.Match[str]]:
    """At most MAX_PER_LINE matches of a pattern on one line: a real line never says more,
    and a machine-made one must not turn into tens of thousands of claims."""
    return islice(matches, MAX_PER_LINE)


def _could_be_path(text: str) -> bool:
    """Every path has an extension's dot or ends in a `...file` name (Dockerfile)."""
    return "." in text or "file" in text


def _path_refs(line: str) -> list[_PathRef]:
    refs: list[_PathRef] = []
    if not _could_be_path(line):
        return refs
    for token in _PATHISH_TOKEN.finditer(line):
        raw = token.group(0)
        stripped = raw.rstrip(".:!?")
        if not _could_be_path(stripped):
            continue
        if "://" in stripped or "@" in stripped.split("/")[0] and "." in stripped.split("@")[-1]:
            continue
        match = _PATH_TOKEN.fullmatch(stripped)
        if not match:
            continue
        ref = _PathRef(token.start(), token.start() + len(stripped), match.group("path"))
        if match.group("start"):
            ref.line_start = int(match.group("start"))
            ref.line_end = int(match.group("end") or match.group("start"))
            ref.line_numbers = _numbers(match.group("start"), match.group("end"))
            more = _MORE_NUMBERS.match(line, token.end())
            if more:
                ref.line_numbers += _list_numbers(more.group(0))
                ref.line_start = min(ref.line_numbers)
                ref.line_end = max(ref.line_numbers)
                ref.end = more.end()
            if len(ref.line_numbers) == 1 or not more:
                ref.line_numbers = [] if not more else ref.line_numbers
        refs.append(ref)
        if len(refs) >= MAX_PER_LINE:
            break
    return refs


def _numbers(start: str, end: str | None) -> list[int]:
    first = int(start)
    return [first] if not end else [first, int(end)]


def _list_numbers(text: str) -> list[int]:
    """'74, 77, 88-90' -> [74, 77, 88, 89, 90] (ranges capped so '1-9999999' stays small)."""
    numbers: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        bounds = re.split(r"\s*[-\u2013]\s*", part)
        low = int(bounds[0])
        high = int(bounds[-1])
        if high >= low and high - low <= 50:
            numbers.extend(range(low, high + 1))
        else:
            numbers.append(low)
    return numbers


def code_names(text: str) -> list[str]:
    """The code names a sentence gives in backticks (`smtplib.SMTP`, `send_message()`)."""
    return [
        span.removesuffix("()")
        for _column, span in _code_spans(text)
        if _IDENTIFIER.fullmatch(span)
        and not _PATH_TOKEN.fullmatch(span)
        and _looks_like_code_name(span)
    ]


def _code_spans(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(1).strip()) for m in _first(_CODE_SPAN.finditer(line))]


def _symbols(line: str, paths: list[_PathRef]) -> list[tuple[int, str, str | None]]:
    """(column, symbol, definition phrase) named on the line, code spans first."""
    taken: list[tuple[int, int]] = [(p.start, p.end) for p in paths]
    found: list[tuple[int, str, str | None]] = []
    for column, span in _code_spans(line):
        taken.append((column, column + len(span) + 2))
        if _PATH_TOKEN.fullmatch(span.rstrip(".:")):
            continue
        definition = _DEFINITION.fullmatch(span)
        if definition:
            found.append((column, span.split()[-1], span))
        elif _IDENTIFIER.fullmatch(span) and _looks_like_code_name(span):
            found.append((column, span.removesuffix("()"), None))
    for match in _first(_DEFINITION.finditer(line)):
        name = match.group(0).split()[-1]
        if not (name[:1].isupper() or "_" in name or line[match.end() : match.end() + 1] == "("):
            continue  # "a mega class exception" is prose, "class PaymentClient" is code
        if not any(a <= match.start() < b for a, b in taken):
            found.append((match.start(), match.group(0).split()[-1], match.group(0)))
            taken.append((match.start(), match.end()))
    for match in _first(_BARE_IDENTIFIER.finditer(line)):
        word = match.group(0)
        if word in _PLAIN_WORDS or any(a <= match.start() < b for a, b in taken):
            continue
        if _HEX.fullmatch(word):
            continue
        found.append((match.start(), word, None))
    return sorted(found)


def _looks_like_code_name(span: str) -> bool:
    """`WebSocketManager`, `get_config()`, `MAX_RETRY` yes; `staging`, `true` no."""
    name = span.removesuffix("()")
    if span.endswith("()") or "_" in name or "." in name:
        return True
    return any(c.isupper() for c in name[1:]) or (name[:1].isupper() and len(name) > 3)


def _ref_from_line_match(path: str | None, match: re.Match[str]) -> _PathRef:
    ref = _PathRef(match.start(), match.end(), path or "")
    ref.line_start = int(match.group("start"))
    ref.line_end = int(match.group("end") or match.group("start"))
    if match.group("more"):
        ref.line_numbers = _numbers(match.group("start"), match.group("end"))
        if match.group("end"):
            ref.line_numbers = list(range(ref.line_start, ref.line_end + 1))[:50]
        ref.line_numbers += _list_numbers(match.group("more"))
        ref.line_start = min(ref.line_numbers)
        ref.line_end = max(ref.line_numbers)
    return ref


def _lines_draft(
    column: int,
    path: str | None,
    ref: _PathRef,
    symbol: str | None,
    quoted_code: str | None,
    uses_path: int | None = None,
) -> Draft:
    """A line-range draft; a range written backwards (`90-80`) is put in order."""
    if ref.line_start is not None and ref.line_end is not None and ref.line_end < ref.line_start:
        ref.line_start, ref.line_end = ref.line_end, ref.line_start
    return Draft(
        column,
        "lines",
        path=path or None,
        line_start=ref.line_start,
        line_end=ref.line_end,
        line_numbers=ref.line_numbers,
        symbol=symbol,
        quoted_code=quoted_code,
        uses_path=uses_path,
    )


def _quoted_code(line: str, paths: list[_PathRef]) -> str | None:
    """A code span that is code rather than a name: `retry(times=3)`, `if not check_secrets:`."""
    for _column, span in _code_spans(line):
        if _PATH_TOKEN.fullmatch(span.rstrip(".:")) or _IDENTIFIER.fullmatch(span):
            continue
        first = _TOKEN.match(span)
        if first and _PATH_TOKEN.fullmatch(first.group(0).rstrip(".:")):
            continue
        if _HEX.fullmatch(span) or span.startswith("-"):
            continue
        if any(ch in span for ch in "()=:.[]") or " " in span:
            return span
    return None


def _mentions(line: str, words: tuple[str, ...]) -> bool:
    """Whether a case-insensitive pattern needing one of `words` could match the line. Only
    decided for ASCII: with IGNORECASE, `re` lets a few other letters (ſ, ı, K) match too."""
    lowered = _ascii_lowered(line)
    return lowered is None or any(word in lowered for word in words)


@lru_cache(maxsize=8)
def _ascii_lowered(line: str) -> str | None:
    return line.lower() if line.isascii() else None


def _is_line_reference(line: str, match: re.Match[str]) -> bool:
    word = match.group(0)
    if word[:1] in "Ll" and word[:4].lower() != "line":
        # "L12" needs to stand alone and be followed by digits directly.
        return match.start() == 0 or not line[match.start() - 1].isalnum()
    return True


def _nearest_path(paths: list[_PathRef], column: int, either_side: bool = True) -> _PathRef | None:
    before = [p for p in paths if p.start < column]
    if before:
        return before[-1]
    if either_side and paths:
        return min(paths, key=lambda p: abs(p.start - column))
    return None


def _assign_symbols(
    symbols: list[tuple[int, str, str | None]], spans: list[tuple[int, int]]
) -> dict[tuple[int, int], list[tuple[int, str]]]:
    """Each named symbol goes to the line reference nearest to it on the line."""
    nearest: dict[tuple[int, int], list[tuple[int, str]]] = {}
    if not spans:
        return nearest
    for column, symbol, _definition in symbols:
        end = column + len(symbol)

        def distance(span: tuple[int, int], column: int = column, end: int = end) -> int:
            return span[0] - end if end <= span[0] else max(0, column - span[1])

        best = min(spans, key=distance)
        nearest.setdefault(best, []).append((distance(best), symbol))
    return nearest


def _symbol_for(
    nearest: dict[tuple[int, int], list[tuple[int, str]]],
    symbols: list[tuple[int, str, str | None]],
    span: tuple[int, int],
    lead_in: str,
) -> str | None:
    mine = sorted(nearest.get(span, []))
    if mine:
        return mine[0][1]
    if symbols:
        # "`RETRYABLE` at `client.py:18` includes `ProviderTimeout`, raised at `client.py:60`":
        # a name another reference did not take, between that one and this, is this one's.
        spans = sorted(nearest)
        earlier = [s for s in spans if s[1] <= span[0]]
        after = earlier[-1][1] if earlier else -1
        taken = {sorted(named)[0][1] for named in nearest.values()}
        spare = [s for c, s, _d in symbols if after <= c < span[0] and s not in taken]
        return spare[-1] if spare else None  # else the line names things, not for this one
    return _last_symbol(lead_in) if lead_in else None


_NOT_NAMES = {"true", "false", "none", "null", "nil", "yes", "no", "on", "off"}


def _plain_names(line: str) -> list[tuple[int, str]]:
    """Backticked single words (`enqueue`, `flush`) that are not paths, SHAs or values."""
    if "`" not in line:
        return []
    return [
        (column, span.removesuffix("()"))
        for column, span in _code_spans(line)
        if _IDENTIFIER.fullmatch(span)
        and len(span) >= 3
        and span.lower() not in _NOT_NAMES
        and not _HEX.fullmatch(span)
        and not _PATH_TOKEN.fullmatch(span)
    ]


@lru_cache(maxsize=16)
def _last_symbol(line: str) -> str | None:
    """The last name a lead-in line gives: every bullet under it may inherit it."""
    named = _symbols(line, _path_refs(line))
    return named[-1][1] if named else None


def _role(line: str, column: int, message: str | None, lead_in: str) -> CommitRole:
    clause = _clause_around(line, column)
    cause = _CAUSE_WORDS.search(clause)
    fix = _FIX_WORDS.search(_without_quotes(clause))
    if cause and fix:
        # The role word nearest before the SHA speaks for it ("broke X; fixed by `abc`").
        cause_at = max((m.start() for m in _CAUSE_WORDS.finditer(clause[:column])), default=-1)
        fix_at = max((m.start() for m in _FIX_WORDS.finditer(clause[:column])), default=-1)
        return "cause" if cause_at > fix_at else "fix"
    if cause:
        return "cause"
    if message and (
        _CONVENTIONAL.match(message) and message.lower().startswith(("fix", "revert", "hotfix"))
    ):
        return "fix"
    if fix:
        return "fix"
    if lead_in:
        # "Cause and fix commits verified:" speaks for neither bullet in particular.
        lead_cause = bool(_CAUSE_WORDS.search(lead_in))
        lead_fix = bool(_FIX_WORDS.search(_without_quotes(lead_in)))
        if lead_cause != lead_fix:
            return "cause" if lead_cause else "fix"
    return "mentioned"


def _negated_reach(line: str, column: int) -> dict[str, str | None]:
    """For a commit or message said NOT to be reachable ("... was never merged", "is not on
    `release/2`"): relation `not-in-revision` and the revision named, if any (None: the
    checked one). Empty when the sentence says no such thing."""
    # A subject in backticks may itself say "never merged"; a ref in backticks is kept.
    clause = _CODE_SPAN.sub(
        lambda span: "" if " " in span.group(1).strip() else span.group(0),
        _without_quotes(_clause_around(line, column)),
    )
    if not any(word in clause.lower() for word in ("never", "not", "n't", "no ")):
        return {}
    match = _NEGATED_REACH.search(clause)
    if not match:
        return {}
    named = match.group("to") or match.group("on") or ""
    revision: str | None = named.strip("`").rstrip(".,;:") or None
    if revision and not named.startswith("`"):
        # "never merged into production" names no ref; "into main", "into release/2" do.
        plain = revision.lower()
        if not (plain in _BRANCH_WORDS or "/" in plain or re.fullmatch(r"v\d[\w.\-]*", plain)):
            revision = None
    return {"relation": "not-in-revision", "revision": revision}


def _without_quotes(text: str) -> str:
    return _QUOTED.sub("", text)


def _clause_around(line: str, column: int) -> str:
    """The sentence part holding the column, so two commits on one line keep their roles."""
    start = max(line.rfind(";", 0, column), line.rfind(". ", 0, column))
    ends = [i for i in (line.find(";", column), line.find(". ", column)) if i >= 0]
    return line[start + 1 : min(ends) if ends else len(line)]


_BULLET = lazy_compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")


def claim_text(raw: str) -> str:
    """The line as a claim's text: no list marker, capped at MAX_TEXT characters."""
    text = _BULLET.sub("", raw).strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "\u2026"


@dataclass
class LineMentions:
    """One line's mentions, with what the lines around it lend: the path a bare "lines
    59-85" is about, the lead-in a bullet inherits, the commit "that commit" means."""

    raw: str
    in_fence: bool = False
    text: str = ""  # the claim text the line gives (`claim_text`)
    block: Block | None = None  # the document block holding the line (kind, section, fence)
    paths: list[_PathRef] = field(default_factory=list)
    has_digit: bool = False
    has_quote: bool = False
    context_path: str | None = None
    earlier_path: str | None = None  # the last path named anywhere above (past headings)
    lead_in: str = ""  # the prose line a bullet hangs from; "" for other lines
    fence_lead: str = ""  # in a fence, the prose line above it ("**Failing Import:**")
    fence_quoted: bool = False  # in a fence a line reference quotes (`# x.py:98-103`)
    fence_comment: str = ""  # in a fence, its last comment above ("# Instead of this:")
    recent_commit: dict[str, object] | None = None
    line_matches: list[re.Match[str]] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # located line references
    may_count: bool = False
    symbols: list[tuple[int, str, str | None]] = field(default_factory=list)
    line_names: list[tuple[int, str, str | None]] = field(default_factory=list)
    nearest: dict[tuple[int, int], list[tuple[int, str]]] = field(default_factory=dict)
    quoted: str | None = None


def read_line(
    raw: str,
    *,
    in_fence: bool = False,
    block: Block | None = None,
    context_path: str | None = None,
    lead_in: str = "",
    recent_commit: dict[str, object] | None = None,
) -> LineMentions:
    """The mentions of one line (already cut to MAX_SCAN characters)."""
    line = LineMentions(raw, in_fence, claim_text(raw), block, _path_refs(raw))
    line.context_path = context_path  # a fence's "# Lines 59-85" is about the file above it
    if in_fence:
        return line
    # Line numbers, counts, SHAs and dates all need a digit; most prose lines have none,
    # and skipping their patterns is what keeps a 30 MB analysis fast.
    line.has_digit = _DIGIT.search(raw) is not None
    line.has_quote = '"' in raw or "\u201c" in raw or "`" in raw
    line.context_path = context_path
    line.lead_in = lead_in
    line.recent_commit = recent_commit
    paths = line.paths
    if not paths and not line.has_digit:
        return line
    if line.has_digit:
        line.line_matches = [
            m
            for m in _first(_LINE_REF.finditer(raw))
            if _is_line_reference(raw, m) and not any(p.start <= m.start() < p.end for p in paths)
        ]
    spans = [(p.start, p.end) for p in paths if p.line_start is not None]
    spans += [(m.start(), m.end()) for m in line.line_matches]
    line.spans = spans
    line.may_count = line.has_digit and _mentions(raw, _COUNT_WORDS)
    # Names only become claims next to a path, a line reference or a count.
    line.symbols = _symbols(raw, paths) if paths or spans or line.may_count else []
    # "lines 27-33 handle `enqueue`": with no code-looking name on the line, a plain word in
    # backticks is what a line reference names.
    line.line_names = (
        (line.symbols or [(c, s, None) for c, s in _plain_names(raw)]) if spans else []
    )
    line.nearest = _assign_symbols(line.line_names, spans)
    line.quoted = _quoted_code(raw, paths) if spans else None
    return line


_FLAG_SPAN = lazy_compile(r"--?[A-Za-z][\w-]{2,60}")
_SIBLING = lazy_compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+|^\s*\*\*[^*\n]{1,60}(?::\*\*|\*\*\s*:)")
_SIBLINGS_EACH_WAY = 2


def sibling_names(lines: list[str], index: int, path: str | None = None) -> list[str]:
    """The code names the bullets around line `index` give ("- **Location**: boot.py:120" /
    "- **Function**: `start_ledger()` calls `open_pool()`"): what a bare line reference
    with nothing of its own to look for is about. A sibling naming another path, or a
    line reference of its own, is about that, so it lends nothing."""
    if not _SIBLING.match(lines[index]):
        return []
    names: list[str] = []
    for step in (-1, 1):
        at = index + step
        for _ in range(_SIBLINGS_EACH_WAY):
            if not (0 <= at < len(lines)) or not _SIBLING.match(lines[at]):
                break
            text = lines[at][:MAX_SCAN]
            refs = _path_refs(text)
            if _LINE_REF.search(text) or any(
                r.line_start or not _same_file(r.path, path) for r in refs
            ):
                break
            found = [name for _c, name, _d in _symbols(text, refs)]
            found += [span for _c, span in _code_spans(text) if _FLAG_SPAN.fullmatch(span)]
            names += [name for name in found if name not in names and len(name) >= 4]
            at += step
    return names[:MAX_PER_LINE]


def _same_file(one: str, other: str | None) -> bool:
    """`websocket_manager.py` and `C:\\app\\websocket_manager.py`: one path ends the other."""
    if other is None:
        return False
    first, second = (p.replace("\\", "/").lstrip("/") for p in (one, other))
    return first == second or first.endswith("/" + second) or second.endswith("/" + first)


def sibling_code(lines: list[str], index: int) -> str | None:
    """The code a count with nothing of its own to count is about, from the bullet just
    above it ("- **Import Pattern**: `from ledger.core import Ledger`" / "- imported by 20+
    test files"): that bullet's first code span that is not a path."""
    if not _SIBLING.match(lines[index]):
        return None
    at = index - 1
    for _ in range(_SIBLINGS_EACH_WAY):
        if not (0 <= at < len(lines)) or not _SIBLING.match(lines[at]):
            return None
        if _DIGIT.search(_CODE_SPAN.sub("", lines[at][:MAX_SCAN])):
            return None  # a bullet with a figure of its own: its code is its own
        spans = [
            span
            for _c, span in _code_spans(lines[at][:MAX_SCAN])
            if len(span) >= 4 and not _PATH_TOKEN.fullmatch(span.rstrip(".:"))
        ]
        if spans:
            return spans[0].removesuffix("()")
        at -= 1
    return None

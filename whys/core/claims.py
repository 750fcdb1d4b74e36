"""Claim extraction: the checkable statements of an analysis, each with its line and why.

Pure: lines of text in, `Claim` models out. Every pattern here runs on single tokens or is
anchored to a literal word, so a pathological line (100k `*`, a 1 MB minified blob) costs
linear time. Inside code fences only `file.py:123`-style references count: the rest of a
fence is quoted code, not something the author claims.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import islice

from whys.core.markdown import fenced_lines
from whys.core.models import Claim, ClaimKind, CommitRole, CountUnit, TimeRelation, Why

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
_PATH_TOKEN = re.compile(
    r"(?P<path>(?:[A-Za-z]:[\\/]|~?/|\.{1,2}[\\/])?[\w.\-\\/@+]*?[\w\-@+]\.(?:"
    + _EXTENSIONS
    + r")|(?:[\w.\-\\/@+]*[\\/])?(?:Dockerfile|Makefile|Procfile|Jenkinsfile)"
    # `../../etc/passwd`: a path that climbs out of the tree, extension or not, is a claim
    # about a file the check must refuse to read, so it is listed rather than dropped.
    r"|(?:\.\.[\\/])+(?:[\w.\-@+]+[\\/])*[\w\-@+][\w.\-@+]*)"
    r"(?:(?::|#L)(?P<start>\d{1,7})(?:[-\u2013]L?(?P<end>\d{1,7}))?)?(?::\d{1,5})?",
)
# Maximal runs between delimiters: each character is visited once.
_TOKEN_CHAR = r"[^\s`'\"()\[\]<>,;|*{}]"
_TOKEN = re.compile(_TOKEN_CHAR + "+")
# The same tokens, only those that could hold a path (a dot, or a `...file` name) ...
_PATHISH_TOKEN = re.compile(
    rf"(?<!{_TOKEN_CHAR}){_TOKEN_CHAR}*(?:\.|file){_TOKEN_CHAR}*(?!{_TOKEN_CHAR})"
)
# ... or a SHA: 7-40 hex digits, maybe closed by sentence punctuation.
_HEX_TOKEN = re.compile(rf"(?<!{_TOKEN_CHAR})[0-9a-fA-F]{{7,40}}[.:!?]*(?!{_TOKEN_CHAR})")
_MORE_NUMBERS = re.compile(r"(?:\s*,\s*\d{1,7}(?:\s*[-\u2013]\s*\d{1,7})?)+")
_LINE_REF = re.compile(
    r"\b(?:lines?|L)\s*(?P<start>\d{1,7})(?:\s*(?:-|\u2013|to)\s*L?(?P<end>\d{1,7}))?"
    r"(?P<more>(?:\s*,\s*\d{1,7}(?:\s*[-\u2013]\s*\d{1,7})?)*)",
    re.IGNORECASE,
)
_CODE_SPAN = re.compile(r"`([^`\n]{1,300})`")
_IDENTIFIER = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*(?:\(\))?")
_DEFINITION = re.compile(r"(?:class|def|async def|function|func|fn|interface|struct|enum)\s+\w+")
# Bare identifiers worth naming in prose: CamelCase with two humps, snake or CONST case.
_BARE_IDENTIFIER = re.compile(
    r"\b(?:[A-Z][a-z0-9]++[A-Z][A-Za-z0-9]*+|_?[A-Za-z][A-Za-z0-9]*+_[A-Za-z0-9_]*+)\b"
)
_PLAIN_WORDS = {"WebSocket", "JavaScript", "TypeScript", "GitHub", "PostgreSQL", "ClickHouse"}
_HEX = re.compile(r"[0-9a-fA-F]{7,40}")
_COMMIT_WORD = re.compile(r"\b(?:commits?|sha|revert(?:ed|s)?|cherry-pick(?:ed)?)\W{0,4}$", re.I)
_QUOTED = re.compile(r"\"([^\"\n]{3,300})\"|\u201c([^\u201c\u201d\n]{3,300})\u201d")
_CONVENTIONAL = re.compile(
    r"^(?:feat|fix|chore|refactor|perf|docs|test|tests|build|ci|style|revert|hotfix|security)"
    r"(?:\([^)]{0,60}\))?!?:\s",
    re.IGNORECASE,
)
_MESSAGE_CONTEXT = re.compile(
    r"\b(?:commit|message|subject|titled|merged|pr)\b[^\"\u201c]{0,30}$", re.I
)

# "was never merged", "is not on main", "never shipped", 'no commit "..." exists': the
# sentence says the commit is NOT reachable, so finding it missing is what makes it true.
_NEGATED_REACH = re.compile(
    r"(?:\bnever|\bnot|n't)\s+(?:been\s+|yet\s+|actually\s+)?(?:merged|landed|shipped|deployed"
    r"|released|pushed|reached|made\s+it)\b(?:\s+(?:in|into|on|to)\s+(?:the\s+)?(?P<to>`[^`\s]{1,80}`"
    r"|[\w./-]{2,80}))?"
    r"|\b(?:is|was|are|were)(?:\s+not|n't)\s+(?:on|in|part\s+of)\s+(?:the\s+)?"
    r"(?P<on>`[^`\s]{1,80}`|(?:main|master|trunk|develop)\b)"
    r"|\bno\s+(?:such\s+)?commit\b",
    re.IGNORECASE,
)
_BRANCH_WORDS = {"main", "master", "trunk", "develop"}

_COUNT = re.compile(
    r"(?<![\d,])(?P<number>\d{1,3}(?:,\d{3}){1,4}|\d{1,9})(?P<plus>\+)?\s+(?P<between>(?:[A-Za-z][\w-]*\s+){0,2}?)"
    r"(?P<unit>files?|references?|occurrences?|matches|usages?|uses|call\s+sites?|places"
    r"|imports|instances|lines|commits)\b",
    re.IGNORECASE,
)
_COUNT_LEAD = re.compile(
    r"\b(?:found|there\s+are|across|in|over|about|approximately|from|by)\s*$|~\s*$", re.I
)
_COUNT_VERB = re.compile(
    r"^\s*(?:that\s+|which\s+)?(?:contain|containing|contains|use|uses|using|reference|referencing"
    r"|references|mention|mentioning|mentions|import|importing|imports|call|calling|calls"
    r"|define|defining|defines|with|match|matching|of|for|to)\b",
    re.IGNORECASE,
)
_IMPLICIT_COUNT_UNITS = {"references", "reference", "occurrences", "occurrence", "usages", "usage"}

_INCIDENT_WORDS = r"(?:incident|outage|failures?|degradation|regression|errors?\s+started)"
_BEFORE_AFTER = re.compile(
    r"\b(?P<rel>before|after|prior\s+to|ahead\s+of)\s+(?:the\s+)?(?:\w+\s+)?" + _INCIDENT_WORDS,
    re.IGNORECASE,
)
_IN_REVISION = re.compile(
    r"\b(?P<neg>not\s+)?(?:in|into|deployed\s+in|shipped\s+in|included\s+in|part\s+of|contained\s+in"
    r"|released\s+in|present\s+in)\s+(?:the\s+)?(?:(?P<deployed>deployed|running|production)\s+)?"
    r"(?P<noun>revision|release|tag|build|version|image|deploy)\b(?:\s+`?(?P<rev>[\w.\-/]{2,80})`?)?",
    re.IGNORECASE,
)
_DEPLOYED_IN = re.compile(
    r"\b(?:(?:deployed|shipped|released|included|landed)\s+)?in\s+`?"
    r"(?P<rev>v\d+(?:\.\d+)+[\w.\-]*|(?:deploy|release|rel)[\w.\-/]*\d[\w.\-/]*)`?",
    re.IGNORECASE,
)
_DATE = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?(?:\s*UTC|Z)?"
_ON_DATE = re.compile(
    r"\b(?:introduced|landed|merged|committed|pushed|added|deployed|released|fixed|made|created"
    r"|authored|reverted)\s+(?:on\s+|at\s+)?(?P<date>" + _DATE + r")",
    re.IGNORECASE,
)
_ANY_DATE = re.compile(r"(?<![\w-])" + _DATE)
_TIME_OF_DAY = re.compile(
    r"\b(?P<rel>by|at|around|before|after|until)\s+~?\s*(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\s*"
    r"(?P<zone>UTC|Z|GMT)?",
    re.IGNORECASE,
)
_COMMIT_ORDER = re.compile(r"\b(?P<rel>before|after|older\s+than|newer\s+than)\b", re.I)

_CAUSE_WORDS = re.compile(
    r"\b(?:introduc\w*|caus\w*|broke|breaks|broken|breaking|regress\w*|culprit|root\s+cause"
    r"|triggered|bug\s+in)\b",
    re.IGNORECASE,
)
_FIX_WORDS = re.compile(
    r"\b(?:fix\w*|resolv\w*|repair\w*|patch\w*|hotfix\w*|restor\w*|revert\w*|mitigat\w*)\b",
    re.IGNORECASE,
)
_EXTERNAL = re.compile(
    r"\$\s?\d[\d,.]{0,20}\s*[KMB]?\+?|\b(?:MRR|ARR|revenue|churn|customers?\s+affected"
    r"|dashboards?|grafana|datadog|sentry|kibana|splunk|cloudwatch|stackdriver|new\s+relic"
    r"|zendesk|pagerduty|opsgenie|cloud\s+(?:run\s+)?logs?|gcp\s+logs?|(?<!git\s)logs?\s+(?:show|showed|indicate|confirm|list)\w*|(?:delivery|access|request|server|application|error)\s+logs?"
    r"|error\s+rate|p9\d\s+latency|uptime|status\s+page)\b"
    r"|(?<![\d.])\d{1,6}(?:\.\d{1,4})?%\s+of\b"
    r"|(?<![\d,])\d[\d,]{0,15}\+?\s+(?:customers?|users?|orders?|(?:support\s+)?tickets?|merchants?"
    r"|support\s+contacts?|complaints?|accounts?)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
# Cheap gates: a pattern runs only on a line holding a word each of its matches must hold
# (lower case). Most lines of a long analysis hold none, and a plain `in` is far cheaper
# than a case-insensitive alternation tried at every position.
_EXTERNAL_WORDS = (
    "$", "%", "mrr", "arr", "revenue", "churn", "customer", "dashboard", "grafana",
    "datadog", "sentry", "kibana", "splunk", "cloudwatch", "stackdriver", "relic",
    "zendesk", "pagerduty", "opsgenie", "log", "error", "p9", "uptime", "status", "user",
    "order", "ticket", "merchant", "contact", "complaint", "account",
)  # fmt: skip
_BEFORE_AFTER_WORDS = ("before", "after", "prior", "ahead")
_REVISION_WORDS = ("revision", "release", "tag", "build", "version", "image", "deploy")
_DEPLOYED_IN_WORDS = ("deploy", "rel") + tuple(f"v{digit}" for digit in range(10))
_COUNT_WORDS = (
    "file", "reference", "occurrence", "match", "usage", "uses", "call", "place", "import",
    "instance", "line", "commit",
)  # fmt: skip
_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
# A line that opens a new block of prose: a heading, a bullet, a table row, a bold label.
_PARAGRAPH_START = re.compile(
    r"^\s{0,3}#{1,6}\s|^\s*(?:[-*+]|\d{1,3}[.)])\s+|^\s*\||^\s*\*\*[^*\n]{1,60}(?::\*\*|\*\*\s*:)"
)
_FENCE_MARK = re.compile(r"^(?:`{3,}|~{3,})")
_CODE_COMMENT = re.compile(r"^(?:#|//|--|/\*|\*|<!--)")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
# How far back a line reference looks for the file it is about ("Lines 59-85 handle X").
PATH_LOOKBACK = 8
# How far back "that commit" / "it landed" looks for the commit it means.
ANCHOR_LOOKBACK = 3


@dataclass
class _Found:
    """A claim found at a column of a line, before ids are given."""

    column: int
    kind: ClaimKind
    fields: dict[str, object] = field(default_factory=dict)


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


def extract_claims(lines: list[str], whys: list[Why]) -> list[Claim]:
    """Every claim in the document, in document order, ids c1, c2, ..."""
    fenced = fenced_lines(lines)
    claims: list[Claim] = []
    recent_paths: list[tuple[int, str]] = []  # (line index, path) of paths seen in prose
    # The last commit named in prose: "That commit landed on 2026-02-24" is about it.
    anchor: tuple[int, dict[str, object]] | None = None
    lead_in = ""  # the last non-bullet prose line: gives bullets their subject and role
    why_of = _InnermostWhy(whys)
    paragraph = 0  # bullets, blank lines, headings, labels and fences start a new one
    paragraph_of: dict[str, int] = {}  # by claim id
    for index, full_line in enumerate(lines):
        number = index + 1
        raw = full_line[:MAX_SCAN]
        if not raw.strip():
            paragraph += 1
            continue  # a blank line holds no claim and changes no context
        if fenced[index] or _PARAGRAPH_START.match(raw):
            paragraph += 1
        if fenced[index]:
            found = _fence_claims(raw)
            _quote_code_below(found, lines, fenced, index + 1, inside=True)
        else:
            if _HEADING.match(raw):
                recent_paths.clear()
                anchor = None
            context_path = _context_path(recent_paths, index)
            is_bullet = bool(_BULLET.match(raw))
            recent = anchor[1] if anchor and index - anchor[0] <= ANCHOR_LOOKBACK else None
            paths = _path_refs(raw)
            found = _prose_claims(raw, paths, context_path, lead_in if is_bullet else "", recent)
            named = [f for f in found if f.kind in {"commit", "message"}]
            if named:
                # "That commit ..." after a line naming two commits could mean either.
                first = named[0].fields
                distinct = {str(f.fields.get("sha") or f.fields.get("message")) for f in named}
                one = {"sha": first.get("sha"), "message": first.get("message")}
                anchor = (index, one) if len(distinct) == 1 else None
            for ref in paths:
                recent_paths.append((index, ref.path))
            if raw.rstrip().endswith(":"):
                _quote_code_below(found, lines, fenced, index + 1, inside=False)
            if raw.strip() and not is_bullet:
                lead_in = raw
        if not found:
            continue
        text = _claim_text(raw)
        why = why_of(number)
        for item in sorted(found, key=lambda f: f.column):
            claims.append(
                Claim(
                    id=f"c{len(claims) + 1}",
                    line=number,
                    why=why,
                    kind=item.kind,
                    text=text,
                    in_code_fence=fenced[index],
                    **item.fields,  # type: ignore[arg-type]
                )
            )
            paragraph_of[claims[-1].id] = paragraph
        if fenced[index]:
            paragraph += 1
    _lend_commits(claims, paragraph_of)
    return claims


def _lend_commits(claims: list[Claim], paragraph_of: dict[str, int]) -> None:
    """A time claim whose line names no commit ("the fix landed at 16:02 UTC") is about the
    commit its bullet or paragraph cites, else the one its why cites above it, when that is
    one commit: it borrows that commit's SHA or quoted subject. Several candidates: it
    borrows none, and stays unverifiable ("names no commit")."""
    cited = [c for c in claims if c.kind in {"commit", "message"} and c.relation is None]
    if not cited:
        return
    for claim in claims:
        if claim.kind != "time" or claim.sha or claim.message:
            continue
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


def _quote_code_below(
    found: list[_Found], lines: list[str], fenced: list[bool], start: int, *, inside: bool
) -> None:
    """`# queue.py:48-58` in a fence, or "lines 98-100 now read:" just above one, quotes the
    code it means: the fence's first code line is what to look for in the range, when the
    reference names nothing else."""
    bare = [
        f
        for f in found
        if f.kind == "lines" and not f.fields.get("symbol") and not f.fields.get("quoted_code")
    ]
    if not bare:
        return
    index = start
    if not inside:
        while index < min(len(lines), start + 2) and not lines[index].strip():
            index += 1
        if not (index < len(lines) and fenced[index] and _FENCE_MARK.match(lines[index].strip())):
            return
        index += 1
    for at in range(index, min(len(lines), index + 8)):
        text = lines[at][:MAX_SCAN].strip()
        if not fenced[at] or _FENCE_MARK.match(text):
            return  # the fence closed before any code
        if inside and _CODE_COMMENT.match(text) and any(r.line_start for r in _path_refs(text)):
            return  # the next reference's code, not this one's
        if text and not _CODE_COMMENT.match(text):
            if len(text) >= 8:
                for item in bare:
                    item.fields["quoted_code"] = text[:MAX_TEXT]
            return


def _claim_text(raw: str) -> str:
    text = _BULLET.sub("", raw).strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "\u2026"


class _InnermostWhy:
    """The innermost why holding a line (branching whys may nest; on a tie, the first
    listed). Asked with non-decreasing lines, so one sweep serves the whole document: a
    heap of the whys open so far, smallest span on top, closed ones dropped as they surface.
    """

    def __init__(self, whys: list[Why]) -> None:
        self._pending = sorted(range(len(whys)), key=lambda i: whys[i].line, reverse=True)
        self._whys = whys
        self._open: list[tuple[int, int]] = []  # (span, position in `whys`)

    def __call__(self, line: int) -> str | None:
        whys = self._whys
        while self._pending and whys[self._pending[-1]].line <= line:
            position = self._pending.pop()
            why = whys[position]
            heapq.heappush(self._open, (why.end_line - why.line, position))
        while self._open and whys[self._open[0][1]].end_line < line:
            heapq.heappop(self._open)
        return whys[self._open[0][1]].id if self._open else None


def _context_path(recent_paths: list[tuple[int, str]], index: int) -> str | None:
    while recent_paths and index - recent_paths[0][0] > PATH_LOOKBACK:
        recent_paths.pop(0)
    return recent_paths[-1][1] if recent_paths else None


# --- paths and line ranges -------------------------------------------------------------


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


def _fence_claims(line: str) -> list[_Found]:
    """Inside code: only `path:line` references, and a path with a `(LINES a-b)` note."""
    found: list[_Found] = []
    refs = _path_refs(line)
    for ref in refs:
        if ref.line_start is not None:
            found.append(_Found(ref.start, "lines", _lines_fields(ref.path, ref, None, None)))
    if refs and not found:
        for match in _first(_LINE_REF.finditer(line)):
            if (
                match.group(0)[:1] in "lL"
                and "(" in line[max(0, match.start() - 2) : match.start()]
            ):
                ref = _ref_from_line_match(refs[0].path, match)
                found.append(
                    _Found(match.start(), "lines", _lines_fields(ref.path, ref, None, None))
                )
    return found


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


def _lines_fields(
    path: str | None, ref: _PathRef, symbol: str | None, quoted_code: str | None
) -> dict[str, object]:
    if ref.line_start is not None and ref.line_end is not None and ref.line_end < ref.line_start:
        ref.line_start, ref.line_end = ref.line_end, ref.line_start
    return {
        "path": path or None,
        "line_start": ref.line_start,
        "line_end": ref.line_end,
        "line_numbers": ref.line_numbers,
        "symbol": symbol,
        "quoted_code": quoted_code,
    }


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


# --- prose -----------------------------------------------------------------------------


def _located_claims(
    line: str, paths: list[_PathRef], has_digit: bool, context_path: str | None, lead_in: str
) -> list[_Found]:
    """Files, line ranges, symbols and counts: each needs a path or a number on the line."""
    found: list[_Found] = []
    if not paths and not has_digit:
        return found
    used_paths: set[int] = set()

    line_matches = (
        [
            m
            for m in _first(_LINE_REF.finditer(line))
            if _is_line_reference(line, m) and not any(p.start <= m.start() < p.end for p in paths)
        ]
        if has_digit
        else []
    )
    spans = [(p.start, p.end) for p in paths if p.line_start is not None]
    spans += [(m.start(), m.end()) for m in line_matches]
    may_count = has_digit and _mentions(line, _COUNT_WORDS)
    # Names only become claims next to a path, a line reference or a count.
    symbols = _symbols(line, paths) if paths or spans or may_count else []
    # "lines 27-33 handle `enqueue`": with no code-looking name on the line, a plain word in
    # backticks is what a line reference names.
    line_names = (symbols or [(c, s, None) for c, s in _plain_names(line)]) if spans else []
    nearest = _assign_symbols(line_names, spans)
    quoted = _quoted_code(line, paths) if spans else None
    for ref in paths:
        if ref.line_start is not None:
            used_paths.add(ref.start)
            symbol = _symbol_for(nearest, line_names, (ref.start, ref.end), lead_in)
            found.append(_Found(ref.start, "lines", _lines_fields(ref.path, ref, symbol, quoted)))
    for match in line_matches:
        owner = _nearest_path(paths, match.start())
        path = owner.path if owner else context_path
        if owner:
            used_paths.add(owner.start)
        ref = _ref_from_line_match(path, match)
        symbol = _symbol_for(nearest, line_names, (match.start(), match.end()), lead_in)
        found.append(_Found(match.start(), "lines", _lines_fields(path, ref, symbol, quoted)))

    counts = _count_claims(line, symbols) if may_count else []
    found.extend(counts)
    named = {f.fields.get("symbol") for f in found} | {f.fields.get("pattern") for f in found}

    if not spans:
        for column, symbol, definition in symbols:
            if not paths or symbol in named:
                continue
            if not _tied_to_path(line, column, symbol, definition):
                continue
            owner = _nearest_path(paths, column, either_side=True)
            if owner is None:
                continue
            used_paths.add(owner.start)
            found.append(
                _Found(
                    column,
                    "symbol",
                    {"path": owner.path, "symbol": symbol, "quoted_code": definition},
                )
            )
    for ref in paths:
        if ref.start not in used_paths:
            found.append(_Found(ref.start, "file", {"path": ref.path}))

    return found


def _prose_claims(
    line: str,
    paths: list[_PathRef],
    context_path: str | None,
    lead_in: str,
    recent_commit: dict[str, object] | None = None,
) -> list[_Found]:
    if not line.strip():
        return []
    # Line numbers, counts, SHAs and dates all need a digit; most prose lines have none,
    # and skipping their patterns is what keeps a 30 MB analysis fast.
    has_digit = _DIGIT.search(line) is not None
    found = _located_claims(line, paths, has_digit, context_path, lead_in)

    commits = _commit_claims(line, lead_in) if has_digit else []
    found.extend(commits)
    quoted_taken = {c.fields.get("message") for c in commits}
    has_quote = '"' in line or "\u201c" in line or "`" in line
    messages = _message_claims(line, quoted_taken, lead_in) if has_quote else []
    found.extend(messages)
    found.extend(_time_claims(line, commits, messages, recent_commit, has_digit))
    external = _EXTERNAL.search(line) if _mentions(line, _EXTERNAL_WORDS) else None
    if external:
        found.append(_Found(external.start(), "external", {}))
    return found


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


_TIE_WORDS = re.compile(
    r"\b(?:in|from|inside|within|defined|declared|read|used|set|lives?|found|exists?|is|are)\b",
    re.IGNORECASE,
)


def _tied_to_path(line: str, column: int, symbol: str, definition: str | None) -> bool:
    """A name only becomes a symbol claim when the line ties it to a file."""
    if definition:
        return True
    if line[column : column + 1] == "`":
        return bool(_TIE_WORDS.search(line)) or ":" in line
    # Bare names (SERVICE_SECRET, WebSocketState) only when they read like a constant or type.
    return "_" in symbol or symbol[:1].isupper()


# --- counts ----------------------------------------------------------------------------


def _count_claims(line: str, symbols: list[tuple[int, str, str | None]]) -> list[_Found]:
    found: list[_Found] = []
    for match in _first(_COUNT.finditer(line)):
        unit_word = match.group("unit").lower()
        lead = line[max(0, match.start() - 24) : match.start()].replace("*", "")
        rest = line[match.end() : match.end() + 44].replace("*", "")
        if line[match.start() - 1 : match.start()] in {"(", "."} or (
            match.start() > 0 and line[match.start() - 1].isalnum()
        ):
            continue
        if not (
            _COUNT_LEAD.search(lead)
            or _COUNT_VERB.match(rest)
            or unit_word in _IMPLICIT_COUNT_UNITS
        ):
            continue
        pattern = _count_pattern(line, match, symbols)
        found.append(
            _Found(
                match.start(),
                "count",
                {
                    "count": int(match.group("number").replace(",", "")),
                    "at_least": bool(match.group("plus")),
                    "count_unit": _count_unit(unit_word),
                    "pattern": pattern,
                },
            )
        )
    return found


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
    spans = [(c, s) for c, s in _code_spans(line) if not _PATH_TOKEN.fullmatch(s.rstrip(".:"))]
    spans_after = [s for c, s in spans if c >= match.start()]
    if spans_after:
        return spans_after[0].removesuffix("()")
    between = [s for c, s, _d in symbols if match.start() <= c < match.end()]
    if between:
        return between[0]
    after = [s for c, s, _d in symbols if c >= match.end()]
    if after:
        return after[0]
    before = [s for c, s, _d in symbols if c < match.start()]
    return before[-1] if before else None


# --- commits, messages, time ---------------------------------------------------------


def _commit_claims(line: str, lead_in: str) -> list[_Found]:
    found: list[_Found] = []
    spans: dict[int, str] | None = None
    seen: set[str] = set()
    for token in _HEX_TOKEN.finditer(line):
        text = token.group(0).rstrip(".:!?")
        if spans is None:
            spans = {m.start(1): m.group(1).strip() for m in _first(_CODE_SPAN.finditer(line))}
        in_backticks = spans.get(token.start()) == text
        before = line[max(0, token.start() - 24) : token.start()]
        next_to_word = bool(_COMMIT_WORD.search(before))
        if not in_backticks and not next_to_word:
            continue
        quoted_after = _message_after(line, token.end() + (1 if in_backticks else 0))
        if not _is_sha_shape(text) and not (
            text.isdigit() and (next_to_word or quoted_after) and len(text) >= 7
        ):
            continue
        if line[token.start() - 1 : token.start()] in {"-", "."} or line[
            token.end() : token.end() + 1
        ] in {"-", "."}:
            continue  # part of a UUID, a version or a revision name
        if text.lower() in seen:
            continue
        seen.add(text.lower())
        if len(seen) > MAX_PER_LINE:
            break
        message = _message_after(line, token.end())
        fields: dict[str, object] = {
            "sha": text.lower(),
            "message": message,
            "role": _role(line, token.start(), message, lead_in),
        }
        fields.update(_negated_reach(line, token.start()))
        found.append(_Found(token.start(), "commit", fields))
    return found


def _is_sha_shape(text: str) -> bool:
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def _message_after(line: str, position: int) -> str | None:
    """The quoted subject right after a SHA: `abc1234`: "fix: ..." or (“fix: ...”)."""
    window = line[position : position + 12]
    offset = next((i for i, c in enumerate(window) if c in '"\u201c'), None)
    if offset is None or any(c.isalnum() for c in window[:offset]):
        return None
    match = _QUOTED.match(line, position + offset)
    if not match:
        return None
    return (match.group(1) or match.group(2)).strip()


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


def _negated_reach(line: str, column: int) -> dict[str, object]:
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


_LOG_CONTEXT = re.compile(r"\bgit\s+log\b|\bcommits?\b|\bhistory\b", re.IGNORECASE)


def _subject_like(text: str) -> bool:
    """ "payments: retry charges on timeouts" reads like a commit subject; "this is fine" not."""
    words = text.split()
    return (
        3 <= len(words) <= 20
        and not text.endswith(("?", "!"))
        and (":" in text or text[:1].islower() or text[:1].isupper())
        and len(text) <= 120
    )


def _message_claims(line: str, taken: set[object], lead_in: str) -> list[_Found]:
    found: list[_Found] = []
    quoted = [
        (match.start(), (match.group(1) or match.group(2)).strip())
        for match in _first(_QUOTED.finditer(line))
    ]
    if "`" in line:
        # `hotfix(payments): cap retries` in backticks is a subject too, when it reads as one.
        quoted += [
            (column, span)
            for column, span in _code_spans(line)
            if _CONVENTIONAL.match(span) and len(span.split()) >= 3
        ]
    for column, message in sorted(quoted):
        if message in taken:
            continue
        before = line[max(0, column - 40) : column]
        if not (
            _CONVENTIONAL.match(message)
            or _MESSAGE_CONTEXT.search(before)
            or (_LOG_CONTEXT.search(_without_quotes(line)) and _subject_like(message))
            or (_subject_like(message) and _negated_reach(line, column))
        ):
            continue
        fields: dict[str, object] = {
            "message": message,
            "role": _role(line, column, message, lead_in),
        }
        fields.update(_negated_reach(line, column))
        found.append(_Found(column, "message", fields))
    return found


# "That commit landed ...", "It is part of ...": the line speaks of the commit just named.
_BACK_REFERENCE = re.compile(
    r"\b(?:that|the|this|which|same)\s+(?:commit|change|fix|merge|patch|pr)\b"
    r"|^\W*(?:it|which|this|that)\b",
    re.IGNORECASE,
)


def _time_claims(
    line: str,
    commits: list[_Found],
    messages: list[_Found],
    recent_commit: dict[str, object] | None,
    has_digit: bool = True,
) -> list[_Found]:
    """Dates and orderings, each anchored to the commit it is about: on the line, else the
    commit named just before ("That commit landed on ...")."""
    found = _time_relations(line, commits, has_digit)
    if commits or not found:
        return found
    if messages:
        anchor: dict[str, object] = {"sha": None, "message": messages[0].fields["message"]}
    elif recent_commit and _BACK_REFERENCE.search(line):
        anchor = dict(recent_commit)
    else:
        return found
    for item in found:
        item.fields["sha"] = anchor.get("sha")
        if anchor.get("message") and not anchor.get("sha"):
            item.fields["message"] = anchor["message"]
    return found


def _time_relations(line: str, commits: list[_Found], has_digit: bool = True) -> list[_Found]:
    found: list[_Found] = []
    anchor = commits[0].fields.get("sha") if commits else None
    for match in (
        _first(_BEFORE_AFTER.finditer(line)) if _mentions(line, _BEFORE_AFTER_WORDS) else ()
    ):
        relation: TimeRelation = (
            "after-incident" if match.group("rel").lower() == "after" else "before-incident"
        )
        found.append(_Found(match.start(), "time", {"relation": relation, "sha": anchor}))
    for match in _first(_IN_REVISION.finditer(line)) if _mentions(line, _REVISION_WORDS) else ():
        revision = (match.group("rev") or "").rstrip(".,;:") or None
        deployed = bool(match.group("deployed"))
        if revision and revision.lower() in {"is", "was", "and", "the", "that", "which", "of"}:
            revision = None
        if not revision and not deployed:
            continue
        relation = "not-in-revision" if match.group("neg") else "in-revision"
        found.append(
            _Found(
                match.start(), "time", {"relation": relation, "sha": anchor, "revision": revision}
            )
        )
    if not has_digit:
        return found  # the rest names versions, dates or clock times
    if not any(
        str(f.fields.get("relation", "")).endswith("in-revision") for f in found
    ) and _mentions(line, _DEPLOYED_IN_WORDS):
        for match in _first(_DEPLOYED_IN.finditer(line)):
            found.append(
                _Found(
                    match.start(),
                    "time",
                    {
                        "relation": "in-revision",
                        "sha": anchor,
                        "revision": match.group("rev").rstrip(".,;:"),
                    },
                )
            )
    has_date = _DATE_SHAPE.search(line) is not None
    for match in _first(_ON_DATE.finditer(line)) if has_date else ():
        found.append(
            _Found(
                match.start(),
                "time",
                {"relation": "on-date", "sha": anchor, "when": parse_when(match.group("date"))},
            )
        )
    if has_date and commits and not any(f.fields.get("relation") == "on-date" for f in found):
        dated = _ANY_DATE.search(line)
        if dated:
            when = parse_when(dated.group(0))
            found.append(
                _Found(dated.start(), "time", {"relation": "on-date", "sha": anchor, "when": when})
            )
    if ":" in line and not any(f.fields.get("relation") == "on-date" for f in found):
        match = _TIME_OF_DAY.search(line)
        if match and (anchor or _FIX_WORDS.search(line) or _CAUSE_WORDS.search(line)):
            found.append(_Found(match.start(), "time", {"relation": "on-date", "sha": anchor}))
    if len(commits) >= 2 and not found:
        order = _COMMIT_ORDER.search(line, commits[0].column, commits[1].column)
        if order:
            word = order.group("rel").lower()
            relation = "before-commit" if word in {"before", "older than"} else "after-commit"
            found.append(
                _Found(
                    order.start(),
                    "time",
                    {"relation": relation, "sha": anchor, "other_sha": commits[1].fields["sha"]},
                )
            )
    return found


def parse_when(text: str) -> datetime | None:
    """'2026-02-25', '2026-02-25 03:44 UTC', '2026-02-25T03:44Z' -> aware datetime (UTC)."""
    cleaned = text.strip().removesuffix("UTC").removesuffix("Z").strip().replace("T", " ")
    for shape in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, shape).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


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

"""Line-range claims: `queue.py:48-58`, "lines 59-85 of x.py handle `enqueue`", a
`# path:line` comment in a fence. The one file that extracts and checks them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import MAX_LISTED
from whys.core.claims.checking.files import MAX_CANDIDATES, FileVerdict, as_proposal, combine
from whys.core.claims.checking.names import (
    _definition_line,
    hits_of,
    indented_block_end,
    name_pattern,
    span_of,
    where_in,
)
from whys.core.claims.checking.paths import paths_for
from whys.core.claims.drafts import Draft
from whys.core.claims.kind import Prefetch
from whys.core.claims.mentions import (
    _LINE_REF,
    _QUOTED,
    LineMentions,
    _first,
    _lines_draft,
    _nearest_path,
    _PathRef,
    _ref_from_line_match,
    _symbol_for,
    _symbols,
)
from whys.core.document.fences import FenceClass
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

NAME = "lines"
IN_FENCES = True


def assemble(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    """`path:12-20` and "lines 12-20" (of the path on the line, else the one just above),
    each with the name or quoted code it points at; inside a fence, what the fence's
    class gives (see `FENCE_READERS`)."""
    if line.in_fence:
        fence = line.block.fence if line.block is not None else None
        drafts = FENCE_READERS.get(fence or "code", _path_line_refs)(line)
        if _EDIT_VERB.match(line.raw) or (line.block is not None and line.block.section == "fix"):
            # "# Modify ledger/client.py:88" over new code, or any code under a Fix heading:
            # where the change is to go, not what is there.
            for draft in drafts:
                draft.stance = "proposed"
        return drafts
    found: list[Draft] = []
    paths = line.paths
    for ref in paths:
        if ref.line_start is not None:
            symbol = _symbol_for(line.nearest, line.line_names, (ref.start, ref.end), line.lead_in)
            quoted = line.quoted or (None if symbol else _plain_quote(line.raw))
            found.append(
                _lines_draft(ref.start, ref.path, ref, symbol, quoted, uses_path=ref.start)
            )
    for match in line.line_matches:
        owner = _nearest_path(paths, match.start())
        symbol = _symbol_for(
            line.nearest, line.line_names, (match.start(), match.end()), line.lead_in
        )
        quoted = line.quoted or _plain_quote(line.raw)
        path = owner.path if owner else line.context_path
        if path is None and (symbol or quoted):
            # The file a heading above named: only a reference with code to look for
            # borrows it, so a wrong guess cannot make a blank line or a word count.
            path = line.earlier_path
        ref = _ref_from_line_match(path, match)
        uses = owner.start if owner else None
        found.append(_lines_draft(match.start(), path, ref, symbol, quoted, uses_path=uses))
    defines = bool(_DEFINES.search(line.raw))
    for draft in found:
        if not (draft.symbol or draft.quoted_code):
            draft.described = _description(line.raw)
        draft.said_defined = defines
    return found


# "line 9 defines `charge_with_retry`": the definition itself is said to be on that line,
# so a line merely inside its block does not hold it (a stack frame's "in f" does).
_DEFINES = re.compile(r"\b(?:defines|defined|declares|declared)\b", re.IGNORECASE)


_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
_PATHISH = re.compile(r"\S*[./\\:]\S*")


def _description(raw: str) -> str | None:
    """What a range is said to hold, in plain words ("backoff delay table"), with the
    paths, numbers and markup taken out."""
    text = _LINE_REF.sub(" ", _PATHISH.sub(" ", raw.replace("`", " ")))
    words = [w.lower() for w in _WORD.findall(text)]
    return " ".join(words) or None


def _plain_quote(raw: str) -> str | None:
    """`(line 228: "Skipping key check")`: a quoted phrase is what the line holds."""
    match = _QUOTED.search(raw)
    text = (match.group(1) or match.group(2)) if match else None
    return text if text and len(text) >= 8 else None


def settle(claims: list[Claim], paragraphs: dict[str, int]) -> None:
    """Nothing to settle across lines."""


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    """The tree listing, the symlinks among the files it will read, and the names they
    cite for the run's tree search (a name found nowhere is a made-up one)."""
    named = [c for c in claims if c.path]
    context.tree_search.want(_bare(c.symbol) for c in named if c.symbol and not c.quoted_code)
    return Prefetch(path_claims=named, read_claims=named)


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    return _check_lines(context, claim)


_EDIT_VERB = re.compile(
    r"^\s*(?:#|//|--|/\*)\s*(?:modify|add|change|replace|update|insert|create|new)\b",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"^\s*(?:#|//|--|/\*|\*|<!--)")
_FRAME = re.compile(
    r'^\s*File "(?P<path>[^"\n]{1,500})", line (?P<line>\d{1,7})(?:, in (?P<func>[\w.<>]{1,200}))?'
)


def _path_line_refs(mentions: LineMentions) -> list[Draft]:
    """Inside a fence: `path:line` references, with the name written next to one
    (`- LockState (ws.py:61)`); a path followed by "line 41" or a `(LINES a-b)` note; and
    a comment's bare "Lines 59-85 handle LockState", about the file named just above."""
    found: list[Draft] = []
    line, refs = mentions.raw, mentions.paths
    comment = bool(_COMMENT.match(line))
    names = _symbols(line, refs) if refs or comment else []
    for ref in refs:
        if ref.line_start is not None:
            symbol = _name_by(names, ref, line)
            found.append(_lines_draft(ref.start, ref.path, ref, symbol, None))
    if found or not (refs or comment):
        return found
    for match in _first(_LINE_REF.finditer(line)):
        if match.group(0)[:1] not in "lL":
            continue
        before = line[max(0, match.start() - 8) : match.start()]
        owner = _nearest_path(refs, match.start(), either_side=False)
        if owner is not None and (
            "(" in before[-2:] or (comment and owner.end >= match.start() - 8)
        ):
            path = owner.path
        elif comment and not refs and mentions.context_path:
            path = mentions.context_path
        else:
            continue
        ref = _ref_from_line_match(path, match)
        symbol = _name_by(names, ref) if not refs else None
        found.append(_lines_draft(match.start(), ref.path, ref, symbol, None))
    return found


def _name_by(names: list[tuple[int, str, str | None]], ref: _PathRef, line: str = "") -> str | None:
    """The code name written on the line next to a reference, if the line gives one
    (`- _LegacyAdapter (migration_adapter.py:59)`)."""
    before = _NAME_BEFORE.search(line[: ref.start]) if line else None
    if before:
        return before.group(1)
    if not names:
        return None
    return min(names, key=lambda named: abs(named[0] - ref.start))[1]


_NAME_BEFORE = re.compile(r"(?<![\w.])([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)(?:\(\))?\s*\(\s*$")


def _frames(mentions: LineMentions) -> list[Draft]:
    """A stack frame, `File "/srv/app/x.py", line 212, in settle_batch`: line 212 of x.py
    lies inside `settle_batch`."""
    match = _FRAME.match(mentions.raw)
    if not match:
        return _path_line_refs(mentions)
    number = int(match.group("line"))
    ref = _PathRef(match.start("path"), match.end("path"), match.group("path"), number, number)
    func = match.group("func") or ""
    symbol = func if func and not func.startswith("<") else None
    return [_lines_draft(ref.start, ref.path, ref, symbol, None)]


# What each class of fence gives as line-range claims, one reader per class. Today every
# class reads only `path:line` references (and a path with a `(LINES a-b)` note); a reader
# for traceback frames (`File "x.py", line 12`) or diff hunks (`@@ -40,7 +40,9 @@`) goes
# here, keyed by its class, and nothing else changes.
FENCE_READERS: dict[FenceClass, Callable[[LineMentions], list[Draft]]] = {
    "traceback": _frames,
    "git log": _path_line_refs,
    "diff": _path_line_refs,
    "shell": _path_line_refs,
    "config": _path_line_refs,
    "code": _path_line_refs,
    "output": _path_line_refs,
}


def _lines_in(context: CheckContext, claim: Claim, path: str) -> FileVerdict:
    readable, problem = context.tree.readable(path)
    if problem or readable is None:
        return FileVerdict(path, "unverifiable", problem or "not readable")
    lines = context.tree.lines_of(readable)
    if lines is None:
        return FileVerdict(path, "unverifiable", f"`{path}` is binary or unreadable")
    start = claim.line_start or 1
    end = claim.line_end or start
    target = claim.quoted_code or claim.symbol
    if start > len(lines):
        short = f"`{path}` has only {len(lines)} lines"
        hits = hits_of(lines, claim) if target else []
        if hits and target:
            where = where_in(lines, target, hits)
            return FileVerdict(
                path, "contradicted", f"{short}; `{target}` is at {where}", f"{path}: {where}"
            )
        return FileVerdict(path, "contradicted", short)
    if not target:
        return _described_lines(claim, path, lines, start, end)
    hits = hits_of(lines, claim)
    wanted = claim.line_numbers or list(range(start, end + 1))
    inside = [n for n in hits if n in set(wanted)]
    shown_target = f"`{target}`"
    if not inside:
        # "line 38 works with both `DeepAgentState` and `UserExecutionContext`": another
        # name the sentence gives may be the one the lines hold.
        for name in claim.names:
            pattern = name_pattern(name)
            held = [n for n in wanted if 0 < n <= len(lines) and pattern.search(lines[n - 1])]
            if name != target and held:
                return FileVerdict(path, "verified", f"`{name}` is at line {held[0]} of `{path}`")
    owner = _owner(claim.symbol)
    if (
        not inside
        and owner
        and not claim.quoted_code
        and not name_pattern(owner).search("\n".join(lines))
    ):
        return FileVerdict(
            path,
            "unverifiable",
            f"`{owner}` is not in `{path}`: `{target}` may be of another file; not checked",
        )
    if not hits:
        reassigned = _other_value(claim.quoted_code, lines, wanted)
        if reassigned:
            return FileVerdict(
                path,
                "contradicted",
                f"{span_of(claim)} of `{path}`: {reassigned}, not {shown_target}",
            )
        if (
            claim.quoted_code
            or _RUNTIME_NAME.search(target)
            or (not claim.said_defined and not _made_up(context, target))
        ):
            # "line 38 works with `DeepAgentState`": a type met at run time need not be
            # written in the file. "line 9 defines `X`", or a name found nowhere in the
            # repository, makes its absence evidence.
            # A quote may be condensed or paraphrased, an exception name raised at run
            # time: not finding the words is no evidence.
            return FileVerdict(
                path,
                "unverifiable",
                f"{shown_target} is not written as such in `{path}`; {span_of(claim)} "
                "not checked further",
            )
        return FileVerdict(path, "contradicted", f"{shown_target} does not appear in `{path}`")
    if claim.line_numbers:
        # "`queue.py:42, 44` open `smtplib.SMTP` and call `send_message`": each listed line
        # must hold one of the names the sentence gives.
        others = [name_pattern(name) for name in claim.names if name != target]
        covered = set(hits) | {
            n
            for n in claim.line_numbers
            if 0 < n <= len(lines) and any(p.search(lines[n - 1]) for p in others)
        }
        missing = [n for n in claim.line_numbers if n not in covered]
        if claim.quoted_code and inside:
            missing = []  # a fence's lines 30, 37: its first line is on one of them
        if not missing and any(n in set(hits) for n in claim.line_numbers):
            return FileVerdict(
                path, "verified", f"{shown_target} is on {span_of(claim)} of `{path}`"
            )
        where = where_in(lines, target, hits)
        return FileVerdict(
            path,
            "contradicted",
            f"{shown_target} is not on line{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(str, missing))} of `{path}`; found at {where}",
            f"{path}: {where}",
        )
    if inside:
        found = f"{shown_target} is at line {inside[0]} of `{path}`"
        if span_of(claim) != f"line {inside[0]}":
            found += f", within the claimed {span_of(claim)}"
        return FileVerdict(path, "verified", found)
    block = None if claim.said_defined else _enclosing_definition(lines, claim, hits)
    if block and block[0] <= end and start <= block[1]:
        # A stack frame's "line 212, in settle_batch", a `# ids.py:14` over a whole def:
        # the cited line lies inside the block the named definition opens.
        return FileVerdict(
            path,
            "verified",
            f"{span_of(claim)} of `{path}` lies inside {shown_target} "
            f"(lines {block[0]}-{block[1]})",
        )
    where = where_in(lines, target, hits)
    return FileVerdict(
        path,
        "contradicted",
        f"{shown_target} is not in {span_of(claim)} of `{path}`; found at {where}",
        f"{path}: {where}",
    )


_ASSIGNMENT = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(?::[^=]{0,40})?=(?!=)\s*(\S.*?)\s*,?\s*$")


def _other_value(code: str | None, lines: list[str], wanted: list[int]) -> str | None:
    """`retries = 7` said to be on a line when the file sets `retries` to another value
    (there, or elsewhere and never to 7): positive evidence, unlike words not found."""
    said = _ASSIGNMENT.match(code or "")
    if not said:
        return None
    name, value = said.group(1), said.group(2)
    others: list[int] = []
    for number, text in enumerate(lines, start=1):
        held = _ASSIGNMENT.match(text)
        if held and held.group(1) == name:
            if held.group(2) == value:
                return None
            others.append(number)
    on_cited = [n for n in others if n in wanted]
    chosen = (on_cited or others or [0])[0]
    if not chosen:
        return None
    shown = lines[chosen - 1].strip()
    return shown if on_cited else f"{shown!r} is at line {chosen}"


def _bare(symbol: str) -> str:
    """`Client.send()` -> `send`: the name a definition or a search is about."""
    return symbol.split(".")[-1].removesuffix("()")


def _made_up(context: CheckContext, target: str) -> bool:
    """A name the whole (readable) tree never writes."""
    name = _bare(target)
    search = context.tree_search
    return search.searched(name) and not search.unreadable and search.file_count(name) == 0


def _owner(symbol: str | None) -> str | None:
    """`SSotBaseTestCase.add_cleanup` -> `SSotBaseTestCase`: a qualified name's class."""
    if not symbol or "." not in symbol:
        return None
    head = symbol.split(".")[0]
    return head if head[:1].isupper() else None


_RUNTIME_NAME = re.compile(r"(?:Error|Exception|Warning)$")
_OPENS_BLOCK = re.compile(
    r"^\s*(?:export\s+)?(?:async\s+)?(?:def|class|function|func|fn|interface|struct|enum)\b"
)


def _enclosing_definition(
    lines: list[str], claim: Claim, hits: list[int]
) -> tuple[int, int] | None:
    """The lines of the definition the claim names (a symbol's def, or quoted code that
    opens a block), when it is one."""
    if claim.quoted_code:
        head = next((n for n in hits if _OPENS_BLOCK.match(lines[n - 1])), None)
    else:
        head = _definition_line(lines, _bare(claim.symbol or ""))
        if head is not None and not _OPENS_BLOCK.match(lines[head - 1]):
            head = None
    if head is None:
        return None
    return head, indented_block_end(lines, head)


def _described_lines(
    claim: Claim, path: str, lines: list[str], start: int, end: int
) -> FileVerdict:
    """A range that names no code on its own line: a single cited line that is blank holds
    nothing; a name a sibling bullet gives is looked for; a description whose words a name
    in the range spells ("backoff delay" in `BACKOFF_DELAYS`) holds. Else the lines exist
    and the claim is the auditor's."""
    span = span_of(claim)
    wanted = claim.line_numbers or list(range(start, min(end, len(lines)) + 1))
    if len(wanted) == 1 and not lines[wanted[0] - 1].strip():
        return FileVerdict(path, "contradicted", f"{span} of `{path}` is blank")
    for name in claim.context_names:
        pattern = name_pattern(name) if not name.startswith("-") else re.compile(re.escape(name))
        hits = [n for n, text in enumerate(lines, start=1) if pattern.search(text)]
        inside = [n for n in hits if n in set(wanted)]
        if inside:
            return FileVerdict(
                path, "verified", f"`{name}` (named next to it) is at line {inside[0]} of `{path}`"
            )
    placed = []
    for name in claim.context_names:
        pattern = name_pattern(name) if not name.startswith("-") else re.compile(re.escape(name))
        hits = [n for n, text in enumerate(lines, start=1) if pattern.search(text)]
        if hits:
            placed.append(f"`{name}` is at {where_in(lines, name, hits)}")
    if placed:
        return FileVerdict(
            path,
            "contradicted",
            f"{span} of `{path}` hold none of the names given next to it: " + "; ".join(placed),
            f"{path}: " + "; ".join(placed),
        )
    spelled = _spelled_name(claim.described or "", lines, wanted)
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


_CODE_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUBWORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


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


_PROSE = re.compile(r"(?:#|//).*$|\"[^\"]*\"|'[^']*'")
_STOP = {
    "the", "and", "for", "with", "that", "this", "from", "are", "was", "were", "has", "have",
    "not", "now", "all", "its", "into", "when", "then", "than", "but", "which", "there",
    "line", "lines", "file", "code", "still",
}  # fmt: skip


def _check_lines(context: CheckContext, claim: Claim) -> ClaimCheck:
    resolved, failed = paths_for(context.tree, claim)
    if failed or resolved is None:
        return as_proposal(claim, failed)  # type: ignore[arg-type]
    verdicts = [_lines_in(context, claim, path) for path in resolved.matches[:MAX_CANDIDATES]]
    check = combine(claim, resolved, verdicts)
    for path in resolved.matches[:MAX_LISTED]:
        readable, problem = context.tree.readable(path)
        if readable and not problem and claim.line_start:
            start, end = claim.line_start, claim.line_end or claim.line_start
            check.evidence += context.pins.file_evidence(claim, readable, start, end)
    return as_proposal(claim, check)

"""Line-range claims: `queue.py:48-58`, "lines 59-85 of x.py handle `enqueue`", a
`# path:line` comment in a fence. Extracted and checked here; a range naming no code is
judged by `checking/described`, a claim naming no file by `checking/unplaced`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import MAX_LISTED
from whys.core.claims.checking.described import LOG_SITE, described_lines, named_beside
from whys.core.claims.checking.files import (
    MAX_CANDIDATES,
    FileVerdict,
    as_proposal,
    combine,
    lines_or_verdict,
)
from whys.core.claims.checking.names import (
    _definition_line,
    code_pattern,
    hits_of,
    indented_block_end,
    name_pattern,
    span_of,
    where_in,
)
from whys.core.claims.checking.paths import paths_for
from whys.core.claims.checking.unplaced import check_unplaced, needle_of, other_names, trimmed
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
from whys.core.lazyre import lazy_compile
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
    found += _module_lines(line, found)
    for match in line.line_matches or _labelled_lines(line):
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
        if draft.symbol and not _same_sentence(line.raw, draft.column, draft.symbol):
            # "... fails at line 539 of `x.py` due to a migration. The orchestrator was
            # removed from the `Bridge`": a name of the next sentence is not the line's.
            draft.symbol = None
        if draft.symbol and not defines and _in_path(draft.symbol, draft.path):
            # "circuit_breaker package" above `circuit_breaker/__init__.py:12`: the file's
            # own folder is no name for its line to hold. ("`part0.py:1` defines `part0`"
            # says the line holds it.)
            draft.symbol = None
        if not line.line_names and draft.symbol and _RUNTIME_NAME.search(draft.symbol):
            # "... causing ModuleNotFoundError" above a bullet: an error met at run time is
            # no code for the bullet's lines to hold.
            draft.symbol = None
        if not line.line_names and not draft.quoted_code:
            # "Lines 107-108 now include `app/services/monitoring/`": a path or route in
            # backticks, the one thing the line gives, is what the lines hold.
            literal = _literal(line.raw, draft.path)
            if literal:
                draft.symbol, draft.quoted_code = None, literal
        if not (draft.symbol or draft.quoted_code) and draft.described is None:
            draft.described = _description(line.raw)
        draft.said_defined = defines
        draft.said_used = bool(draft.symbol) and bool(_USES.search(line.raw))
    return found


# "`agent_registry.py:57` uses deprecated `logging_config`": the line is said to use it.
_USES = lazy_compile(r"\b(?:uses|using|imports|importing|calls|calling)\b", re.IGNORECASE)
_SNAKE = lazy_compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")


# "**Lines:** 1536-1541" under "**File:** `x.py`": a label, then the range.
_LABELLED = lazy_compile(
    r"^\s*(?:[-*+]\s+)?\*\*lines?:?\*\*:?\s*(?P<start>\d{1,7})(?:\s*[-\u2013]\s*(?P<end>\d{1,7}))?"
    r"(?P<more>)\s*$",
    re.IGNORECASE,
)


def _labelled_lines(line: LineMentions) -> list[re.Match[str]]:
    """A "**Lines:** 40-52" label line, about the file of the line just above."""
    if not line.context_path or "**" not in line.raw:
        return []
    match = _LABELLED.match(line.raw)
    return [match] if match else []


# `netra_backend.app.routes.websocket_ssot:1651`: a module and line, as a log record gives.
_MODULE_LINE = lazy_compile(
    r"(?<![\w./\\-])(?P<module>[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*){2,})"
    r":(?P<start>\d{1,7})(?P<end>)(?P<more>)(?![\w.:])"
)


def _module_lines(line: LineMentions, found: list[Draft]) -> list[Draft]:
    """Each `package.module:LINE` of the line, as `package/module.py` and the line."""
    if ":" not in line.raw:
        return []
    drafts = []
    for match in _first(_MODULE_LINE.finditer(line.raw)):
        path = match.group("module").replace(".", "/") + ".py"
        ref = _ref_from_line_match(path, match)
        draft = _lines_draft(match.start(), path, ref, None, None)
        draft.described = LOG_SITE
        drafts.append(draft)
    return drafts


_LITERAL = lazy_compile(r"`([^`\s]*/[^`\s]*)`")
_FILE_END = lazy_compile(r"\.\w{1,6}$|:\d+$")


def _literal(raw: str, path: str | None) -> str | None:
    """A backticked folder or route on the line (`app/monitoring/`, `/v2/invoices`) that
    is not the claim's own file."""
    for match in _first(_LITERAL.finditer(raw)):
        text = match.group(1)
        folder_or_route = text.endswith("/") or text.startswith("/")
        if "://" in text or len(text) < 4 or not folder_or_route or _FILE_END.search(text):
            continue
        if not (path and _same_tail(text, path)):
            return text
    return None


def _same_tail(text: str, path: str) -> bool:
    one, other = text.replace("\\", "/").strip("/"), path.replace("\\", "/").strip("/")
    return one.split(":")[0] == other or other.endswith("/" + one.split(":")[0])


def _in_path(name: str, path: str | None) -> bool:
    """Whether a name is one of the path's folders or its file's stem."""
    if not path:
        return False
    parts = path.replace("\\", "/").split("/")
    return name in parts[:-1] or name == parts[-1].split(".")[0]


# "line 9 defines `charge_with_retry`": the definition itself is said to be on that line,
# so a line merely inside its block does not hold it (a stack frame's "in f" does).
_DEFINES = lazy_compile(r"\b(?:defines|defined|declares|declared)\b", re.IGNORECASE)


_WORD = lazy_compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
_PATHISH = lazy_compile(r"\S*[./\\:]\S*")


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
    """A bare "- Line 363: Additional async test method" in a list whose bullet just above
    cites a line of a file ("- Line 340: `test_x`", of the file a heading named): the same
    file."""
    above: Claim | None = None
    for claim in claims:
        if claim.kind != "lines":
            continue
        if (
            claim.path is None
            and not claim.in_code_fence
            and above is not None
            and above.path
            and above.line == claim.line - 1
            and above.why == claim.why
            and not above.in_code_fence
        ):
            claim.path = above.path
            claim.lent = above.lent
        above = claim


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    """The tree listing, the symlinks among the files it will read, and the names they
    cite for the run's tree search (a name found nowhere is a made-up one); for a claim
    that names no file, the code it quotes (the search says which files hold it)."""
    named = [c for c in claims if c.path]
    context.tree_search.want(_bare(c.symbol) for c in named if c.symbol and not c.quoted_code)
    unplaced = [c for c in claims if not c.path and needle_of(c) is not None]
    context.tree_search.want(needle_of(c) or "" for c in unplaced)
    context.tree_search.want(name for c in unplaced for name in other_names(c, needle_of(c)))
    return Prefetch(path_claims=named, read_claims=named)


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    return _check_lines(context, claim)


_EDIT_VERB = lazy_compile(
    r"^\s*(?:#|//|--|/\*)\s*(?:modify|add|change|replace|update|insert|create|new)\b",
    re.IGNORECASE,
)
_COMMENT = lazy_compile(r"^\s*(?:#|//|--|/\*|\*|<!--)")
_FRAME = lazy_compile(
    r'^\s*File "(?P<path>[^"\n]{1,500})", line (?P<line>\d{1,7})(?:, in (?P<func>[\w.<>]{1,200}))?'
)


def _path_line_refs(mentions: LineMentions) -> list[Draft]:
    """Inside a fence: `path:line` references, with the name written next to one
    (`- LockState (ws.py:61)`); a path followed by "line 41" or a `(LINES a-b)` note, or
    after one (`# Line 307 in base_test_case.py`); a comment's bare "Lines 59-85 handle
    LockState", about the file named just above; a code line's own `# Line 476`."""
    found: list[Draft] = []
    line, refs = mentions.raw, mentions.paths
    comment = bool(_COMMENT.match(line))
    names = _symbols(line, refs) if refs or comment else []
    for ref in refs:
        if ref.line_start is not None:
            symbol = _name_by(names, ref, line)
            found.append(_lines_draft(ref.start, ref.path, ref, symbol, None))
    if found:
        return found
    if not (refs or comment):
        return _trailing_line_note(mentions) or _quoted_bullet(mentions)
    for match in _first(_LINE_REF.finditer(line)):
        if match.group(0)[:1] not in "lL":
            continue
        before = line[max(0, match.start() - 8) : match.start()]
        owner = _nearest_path(refs, match.start(), either_side=False)
        after = _PATH_AFTER.match(line, match.end())
        uses = None
        lent = False
        if owner is not None and (
            "(" in before[-2:] or (comment and owner.end >= match.start() - 8)
        ):
            path, uses = owner.path, owner.start
        elif comment and after and any(r.start == after.end() for r in refs):
            owner = next(r for r in refs if r.start == after.end())
            path, uses = owner.path, owner.start
        elif comment and not refs and (mentions.context_path or mentions.earlier_path):
            path = mentions.context_path or mentions.earlier_path
            lent = mentions.context_path is None
        else:
            continue
        ref = _ref_from_line_match(path, match)
        symbol = _name_by(names, ref) if not refs else None
        draft = _lines_draft(match.start(), ref.path, ref, symbol, None, uses_path=uses)
        draft.lent = lent
        found.append(draft)
    return found


# "Line 307 in base_test_case.py": the file after the reference.
_PATH_AFTER = lazy_compile(r"\s+(?:in|of|from)\s+`?")
# `class TestX:     # Line 476`: a code line with its line number as a trailing comment.
_LINE_NOTE = lazy_compile(
    r"^(?P<code>\s*\S.*?\S)\s+(?:#|//)\s*(?:lines?|L)\s*(?P<start>\d{1,7})"
    r"(?:\s*[-\u2013]\s*(?P<end>\d{1,7}))?(?P<more>)\s*$",
    re.IGNORECASE,
)


# "- Function signature (line 309): `def get_manager(...)`": a Markdown bullet pasted
# into an output fence (an older report quoted whole), read as the prose it is.
_PASTED_BULLET = lazy_compile(r"^\s*[-*]\s+\S")
_CODE_SPAN = lazy_compile(r"`([^`\n]{4,300})`")


def _quoted_bullet(mentions: LineMentions) -> list[Draft]:
    """A pasted bullet's "(line N)" and the code it quotes in backticks."""
    block = mentions.block
    line = mentions.raw
    if block is None or block.fence != "output" or not _PASTED_BULLET.match(line):
        return []
    match = next(_first(_LINE_REF.finditer(line)), None)
    code = next((m.group(1) for m in _CODE_SPAN.finditer(line) if "(" in m.group(1)), None)
    if match is None or match.group(0)[:1] not in "lL" or code is None:
        return []
    ref = _ref_from_line_match(None, match)
    return [_lines_draft(match.start(), None, ref, None, code.strip())]


def _trailing_line_note(mentions: LineMentions) -> list[Draft]:
    """`class TestX:  # Line 476`: the code before the note is on that line, of the file
    a comment above named, else of whichever file the tree holds it in."""
    match = _LINE_NOTE.match(mentions.raw) if "ine" in mentions.raw else None
    if not match or _COMMENT.match(match.group("code")):
        return []
    ref = _ref_from_line_match(mentions.context_path, match)
    code = match.group("code").strip()
    return [_lines_draft(match.start("start"), mentions.context_path, ref, None, code)]


def _name_by(names: list[tuple[int, str, str | None]], ref: _PathRef, line: str = "") -> str | None:
    """The code name written on the line next to a reference, if the line gives one
    (`- _LegacyAdapter (migration_adapter.py:59)`)."""
    before = _NAME_BEFORE.search(line[: ref.start]) if line else None
    if before:
        return before.group(1)
    if not names:
        return None
    return min(names, key=lambda named: abs(named[0] - ref.start))[1]


_NAME_BEFORE = lazy_compile(r"(?<![\w.])([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)(?:\(\))?\s*\(\s*$")


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


def _without_additions(claim: Claim, lines: list[str]) -> Claim:
    """The claim with its quoted code trimmed of the author's additions (a trailing
    comment, an ellipsis) when the code as quoted is nowhere in the file."""
    code = claim.quoted_code
    if not code or trimmed(code) == code or hits_of(lines, claim):
        return claim
    return replace(claim, quoted_code=trimmed(code))


def _unplaced(context: CheckContext, claim: Claim) -> ClaimCheck:
    """A line claim naming no file: checked in the files that hold its code."""

    def judge(path: str) -> FileVerdict | None:
        lines = context.tree.lines_of(path)
        if lines is None:
            return None
        placed = _without_additions(replace(claim, path=path), lines)
        if not hits_of(lines, placed):
            return None
        return _lines_in(context, placed, path, other_names=False)

    return check_unplaced(context, claim, judge)


def _lines_in(
    context: CheckContext, claim: Claim, path: str, *, other_names: bool = True
) -> FileVerdict:
    lines = lines_or_verdict(context.tree, path)
    if isinstance(lines, FileVerdict):
        return lines
    claim = _without_additions(claim, lines)
    start = claim.line_start or 1
    end = claim.line_end or start
    target = claim.quoted_code or claim.symbol
    if start > len(lines):
        short = f"`{path}` has only {len(lines)} lines"
        hits = hits_of(lines, claim) if target else []
        if not hits and posixpath.basename(path) not in claim.text:
            # "Test uses `@pytest.mark.x` on line 922" under a paragraph on pyproject.toml:
            # the file was guessed from above, so its length says nothing of the claim.
            return FileVerdict(
                path,
                "unverifiable",
                f"{short}, and the sentence names no file: `{path}` was taken from the text "
                "above and may not be the one meant",
            )
        if hits and target:
            where = where_in(lines, target, hits)
            return FileVerdict(
                path, "contradicted", f"{short}; `{target}` is at {where}", f"{path}: {where}"
            )
        return FileVerdict(path, "contradicted", short)
    if not target:
        return described_lines(claim, path, lines, start, end)
    hits = hits_of(lines, claim)
    wanted = claim.line_numbers or list(range(start, end + 1))
    inside = [n for n in hits if n in set(wanted)]
    shown_target = f"`{target}`"
    if not inside and other_names:
        # "line 38 works with both `DeepAgentState` and `UserExecutionContext`": another
        # name the sentence gives may be the one the lines hold.
        for name in claim.names:
            pattern = name_pattern(name)
            held = [n for n in wanted if 0 < n <= len(lines) and pattern.search(lines[n - 1])]
            if name != target and held:
                return FileVerdict(path, "verified", f"`{name}` is at line {held[0]} of `{path}`")
        if not hits:
            # "SyntaxError in smd.py line 1783: `await` outside async function in
            # `_mark_startup_complete()`": the lines lie inside the function named.
            enclosing = _enclosing_name(lines, claim, wanted)
            if enclosing:
                name, block = enclosing
                return FileVerdict(
                    path,
                    "verified",
                    f"{span_of(claim)} of `{path}` lies inside `{name}` "
                    f"(lines {block[0]}-{block[1]})",
                )
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
            or claim.lent
            or _RUNTIME_NAME.search(target)
            or (
                not claim.said_defined
                and not _made_up(context, target)
                and not (claim.said_used and _SNAKE.fullmatch(_bare(target)))
            )
        ):
            # "line 38 works with `DeepAgentState`": a type met at run time need not be
            # written in the file. "line 9 defines `X`", or a name found nowhere in the
            # repository, makes its absence evidence.
            # A quote may be condensed or paraphrased, an exception name raised at run
            # time: not finding the words is no evidence. A module or function the line
            # is said to use (`logging_config`) is written where it is used.
            elsewhere = _another_components_setting(context, claim, lines, wanted, target)
            if elsewhere:
                return FileVerdict(
                    path, "contradicted", f"{span_of(claim)} of `{path}` {elsewhere}"
                )
            beside = named_beside(claim, lines, wanted)
            if beside:
                return FileVerdict(
                    path,
                    "verified",
                    f"{shown_target} is not written in `{path}`, but `{beside[1]}` (named next "
                    f"to it) is at line {beside[0]}",
                )
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
    middle = _quoted_line_within(claim, lines, start, end)
    if middle:
        # "# Lines 900-901" over a fence opening with `"dependencies": {`: the range holds
        # the quote's later lines, its opener being elsewhere (or gone).
        number, code = middle
        return FileVerdict(
            path,
            "verified",
            f"line {number} of `{path}` holds `{code}`, a line of the quoted code "
            f"({shown_target} itself is at {where_in(lines, target, hits)})",
        )
    remark = _remark_beside(lines, hits, start, end)
    if remark:
        # "lifespan_manager.py:14-16 - uses deterministic startup to prevent agent_service
        # AttributeError": the name is in the comment just above the lines, explaining them.
        return FileVerdict(
            path,
            "unverifiable",
            f"{shown_target} is in the comment at line {remark} of `{path}`, just outside "
            f"{span_of(claim)}: the remark on the code there, not checked further",
        )
    where = where_in(lines, target, hits)
    return FileVerdict(
        path,
        "contradicted",
        f"{shown_target} is not in {span_of(claim)} of `{path}`; found at {where}",
        f"{path}: {where}",
    )


def _quoted_line_within(
    claim: Claim, lines: list[str], start: int, end: int
) -> tuple[int, str] | None:
    """A later line of the quoted fence (kept in `context_names`) on the cited lines."""
    if not (claim.in_code_fence and claim.quoted_code):
        return None
    for code in claim.context_names:
        pattern = code_pattern(code)
        for number in range(max(start, 1), min(end, len(lines)) + 1):
            if pattern.search(lines[number - 1]):
                return number, code
    return None


# How far outside a cited range a comment still speaks of the lines in it.
REMARK_REACH = 3


def _remark_beside(lines: list[str], hits: list[int], start: int, end: int) -> int | None:
    """A hit in a comment line just before (or after) the range."""
    for number in hits:
        near = start - REMARK_REACH <= number < start or end < number <= end + REMARK_REACH
        if near and _COMMENT.match(lines[number - 1]):
            return number
    return None


_ASSIGNMENT = lazy_compile(r"^\s*([A-Za-z_][\w.]*)\s*(?::[^=]{0,40})?=(?!=)\s*(\S.*?)\s*,?\s*$")


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


# CloudSQL, ClickHouse, PostgreSQL: a product's name, written with an inner capital.
_PRODUCT = lazy_compile(r"\b[A-Z][a-z]+(?:[A-Z][A-Za-z]*)+\b")
_SETTING_LINE = lazy_compile(r"^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*[=:]\s*\S")


def _another_components_setting(
    context: CheckContext, claim: Claim, lines: list[str], wanted: list[int], target: str
) -> str | None:
    """ "CloudSQL timeout: 30s (staging.env line 25)" when line 25 is `CLICKHOUSE_TIMEOUT=30`:
    the setting is of the kind said (a timeout) but of another product, one the analysis
    itself names apart. Both names must be products' (a generic "database" may well be
    the line's `POSTGRES_`), so the line holds something else: positive evidence."""
    if len(wanted) != 1 or not 0 < wanted[0] <= len(lines) or not _PRODUCT.fullmatch(target):
        return None
    setting = _SETTING_LINE.match(lines[wanted[0] - 1])
    if not setting:
        return None
    key = setting.group(1)
    words = [w.lower() for w in re.split(r"[_.-]+", key) if w]
    own, said = target.lower(), claim.text.lower()
    if any(own in word or word in own for word in words):
        return None
    if not any(word in said for word in words):
        return None  # not a setting of the kind the claim speaks of
    others = {w for w in words if len(w) >= 4 and w not in said}
    for line, text in _analysis_texts(context):
        if line == claim.line:
            continue
        for product in _PRODUCT.findall(text):
            if product.lower() in others:
                where = f", line {line}" if line else ""
                return (
                    f"sets `{key}`, a {product} setting (the analysis names {product} apart"
                    f"{where}), not {target}'s"
                )
    return None


def _analysis_texts(context: CheckContext) -> list[tuple[int | None, str]]:
    """What the analysis says, with the line where known: its claims' lines, then the
    text of its whys and sections."""
    analysis = context.analysis
    texts: list[tuple[int | None, str]] = [(c.line, c.text) for c in analysis.claims]
    blocks = [why.text for why in analysis.whys]
    blocks += [s.text for s in (analysis.problem, analysis.root_cause, analysis.fix) if s]
    return texts + [(None, block) for block in blocks]


_SENTENCE_END = lazy_compile(r"[.!?][*_`)\"']*\s+[*_`(\"']*[A-Z]")


def _same_sentence(raw: str, column: int, symbol: str) -> bool:
    """Whether the name is written in the sentence of the line reference at `column`."""
    at = raw.find(symbol)
    if at < 0:
        return True  # taken from the lead-in: that line was about it
    low, high = sorted((column, at))
    return _SENTENCE_END.search(raw, low, high) is None


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


_RUNTIME_NAME = lazy_compile(r"(?:Error|Exception|Warning)$")
_OPENS_BLOCK = lazy_compile(
    r"^\s*(?:export\s+)?(?:async\s+)?(?:def|class|function|func|fn|interface|struct|enum)\b"
)
_OPENS_BODY = lazy_compile(
    r"^\s*(?:async\s+)?(?:for|while|if|elif|else|with|try|except|finally)\b[^#]*:\s*(?:#.*)?$"
    # `"staging": {` over "# Lines 60-64": a dict, list or call spread over lines
    r"|^[^#]*[{\[(]\s*(?:#.*)?$"
)


def _enclosing_name(
    lines: list[str], claim: Claim, wanted: list[int]
) -> tuple[str, tuple[int, int]] | None:
    """A name the sentence gives whose definition's block holds every cited line."""
    for name in claim.names:
        if name == claim.symbol:
            continue
        head = _definition_line(lines, _bare(name))
        if head is None or not _OPENS_BLOCK.match(lines[head - 1]):
            continue
        end = indented_block_end(lines, head)
        if all(head <= n <= end for n in wanted):
            return name, (head, end)
    return None


def _enclosing_definition(
    lines: list[str], claim: Claim, hits: list[int]
) -> tuple[int, int] | None:
    """The lines of the definition the claim names (a symbol's def, or quoted code that
    opens a block), when it is one."""
    if claim.quoted_code:
        # `for callback in reversed(...):` over "# Line 307": a loop's body is its block too.
        opens = [n for n in hits if _OPENS_BLOCK.match(lines[n - 1])]
        head = next(iter(opens or [n for n in hits if _OPENS_BODY.match(lines[n - 1])]), None)
    else:
        head = _definition_line(lines, _bare(claim.symbol or ""))
        if head is not None and not _OPENS_BLOCK.match(lines[head - 1]):
            head = None
    if head is None:
        return None
    return head, indented_block_end(lines, head)


def _check_lines(context: CheckContext, claim: Claim) -> ClaimCheck:
    if not claim.path and (claim.quoted_code or claim.symbol):
        return as_proposal(claim, _unplaced(context, claim))
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

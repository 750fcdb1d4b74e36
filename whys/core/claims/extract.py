"""Extraction: the document's lines, read once in order, become claims.

The loop only keeps what one line lends the next (the last paths, the commit "that
commit" means, the lead-in a bullet hangs from, the paragraph); what a line claims is
decided by the kinds of the registry, each from the line's mentions. A new claim shape is
a recogniser in `mentions.py` or a kind's `assemble`, not a new branch here.
"""

from __future__ import annotations

import re

from whys.core.claims import mentions
from whys.core.claims.count_shapes import pattern_above
from whys.core.claims.drafts import Draft
from whys.core.claims.kinds import KINDS
from whys.core.claims.mentions import (
    MAX_TEXT,
    LineMentions,
    _path_refs,
    claim_text,
    code_names,
    read_line,
)
from whys.core.claims.shell_counts import fence_subject
from whys.core.document.blocks import Block, InnermostWhy, read_document
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimOrigin, ClaimStance, Why

_HEADING = lazy_compile(r"^\s{0,3}#{1,6}\s")
# A line that opens a new block of prose: a heading, a bullet, a table row, a bold label.
_PARAGRAPH_START = lazy_compile(
    r"^\s{0,3}#{1,6}\s|^\s*(?:[-*+]|\d{1,3}[.)])\s+|^\s*\||^\s*\*\*[^*\n]{1,60}(?::\*\*|\*\*\s*:)"
)
_FENCE_MARK = lazy_compile(r"^(?:`{3,}|~{3,})")
_CODE_COMMENT = lazy_compile(r"^(?:#|//|--|/\*|\*|<!--)")
_BULLET = lazy_compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
# How far back a line reference looks for the file it is about ("Lines 59-85 handle X").
PATH_LOOKBACK = 8
# How far back "that commit" / "it landed" looks for the commit it means.
ANCHOR_LOOKBACK = 3


def extract_claims(lines: list[str], whys: list[Why], *, limit: int | None = None) -> list[Claim]:
    """Every claim in the document, in document order, ids c1, c2, ... With a `limit`, the
    reading stops once more than `limit` claims are found (the caller refuses the file)."""
    document = read_document(lines, whys)
    fenced = document.fenced
    claims: list[Claim] = []
    recent_paths: list[tuple[int, str]] = []  # (line index, path) of paths seen in prose
    # The last commit named in prose: "That commit landed on 2026-02-24" is about it.
    anchor: tuple[int, dict[str, object]] | None = None
    lead_in = ""  # the last non-bullet prose line: gives bullets their subject and role
    why_of = InnermostWhy(whys)
    paragraph = 0  # bullets, blank lines, headings, labels and fences start a new one
    paragraph_of: dict[str, int] = {}  # by claim id
    # The last path named anywhere above, headings or not: "(line 228: "...")" under Why 4
    # may quote the file Why 3 named; only a line reference with code to look for uses it.
    earlier_path: str | None = None
    quoting_fence = False  # a line reference above quotes the fence's code (`# x.py:98-103`)
    fence_comment = ("", None)  # the last comment line of the fence being read, and its block
    for index, full_line in enumerate(lines):
        if limit is not None and len(claims) > limit:
            break
        number = index + 1
        raw = full_line[: mentions.MAX_SCAN]
        if not raw.strip():
            paragraph += 1
            continue  # a blank line holds no claim and changes no context
        if fenced[index] or _PARAGRAPH_START.match(raw):
            paragraph += 1
        block = document.block_at(index)
        if fenced[index]:
            fence_line = read_line(
                raw, in_fence=True, block=block, context_path=_context_path(recent_paths, index)
            )
            fence_line.earlier_path = earlier_path
            fence_line.fence_lead = lead_in  # "**Failing Import:**" above a fence: what it shows
            fence_line.fence_quoted = quoting_fence
            if fence_comment[1] is block:
                fence_line.fence_comment = fence_comment[0]
            found = _assemble(fence_line)
            for item in found:
                if item.kind == "count" and not item.pattern:
                    item.pattern = fence_subject(lines, index)  # `# Result: 5` under a command
            if _CODE_COMMENT.match(raw.strip()):
                # `# In ledger/client.py` opens the code below it: its names are that file's.
                recent_paths += [(index, ref.path) for ref in fence_line.paths]
                fence_comment = (raw.strip(), block)
            quoted = _quote_code_below(found, lines, fenced, index + 1, inside=True)
            quoting_fence = quoting_fence or quoted
        else:
            if _HEADING.match(raw):
                recent_paths.clear()
                anchor = None
            context_path = _context_path(recent_paths, index)
            is_bullet = bool(_BULLET.match(raw))
            recent = anchor[1] if anchor and index - anchor[0] <= ANCHOR_LOOKBACK else None
            line = read_line(
                raw,
                block=block,
                context_path=context_path,
                lead_in=lead_in if is_bullet else "",
                recent_commit=recent,
            )
            line.earlier_path = earlier_path
            paths = line.paths
            found = _assemble(line)
            named = [f for f in found if f.kind in {"commit", "message"}]
            if named:
                # "That commit ..." after a line naming two commits could mean either.
                first = named[0]
                distinct = {str(f.sha or f.message) for f in named}
                one = {"sha": first.sha, "message": first.message}
                anchor = (index, one) if len(distinct) == 1 else None
            for ref in paths:
                recent_paths.append((index, ref.path))
                earlier_path = ref.path
            quoted = _quote_code_below(found, lines, fenced, index + 1, inside=False)
            quoting_fence = quoted or (quoting_fence and bool(_CODE_LABEL.match(raw)))
            for item in found:
                if item.kind == "lines":
                    item.context_names = mentions.sibling_names(lines, index, item.path)
                if (
                    item.kind == "count"
                    and not (item.pattern or item.uncounted)
                    and item.count_unit != "lines"
                ):
                    item.pattern = mentions.sibling_code(lines, index) or pattern_above(
                        lines, index
                    )
            if raw.strip() and not is_bullet:
                lead_in = raw
        if not found:
            continue
        text = claim_text(raw)
        why = why_of(number)
        names = code_names(text)
        origin = _origin(raw, block)
        stance = _stance(block, raw)
        for item in sorted(found, key=lambda f: f.column):
            claims.append(
                Claim(
                    id=f"c{len(claims) + 1}",
                    line=number,
                    why=why,
                    kind=item.kind,
                    text=text,
                    in_code_fence=fenced[index],
                    origin=origin,
                    stance=item.stance or stance,
                    names=names,
                    **item.claim_fields(),  # type: ignore[arg-type]
                )
            )
            paragraph_of[claims[-1].id] = paragraph
        if fenced[index]:
            paragraph += 1
    for kind in KINDS:
        kind.settle(claims, paragraph_of)
    return claims


def _quote_code_below(
    found: list[Draft], lines: list[str], fenced: list[bool], start: int, *, inside: bool
) -> bool:
    """`# queue.py:48-58` in a fence, or "lines 98-100 now read:" just above one, quotes the
    code it means: the fence's first code line is what to look for in the range, when the
    reference names nothing else. True when it did: the fence is that reference's."""
    bare = [f for f in found if f.kind == "lines" and not f.symbol and not f.quoted_code]
    if not bare:
        return False
    index = start
    if not inside:
        blank = index + 1 < len(lines) and not lines[index].strip()
        if blank and _SHOWN_LABEL.match(lines[index + 1]):
            index += 1  # "**Test File:** `x.py:54`" / "" / "**Import Statement:**" / the fence
        if index < len(lines) and not fenced[index] and _CODE_LABEL.match(lines[index]):
            index += 1  # "- **File**: x.py (Lines 40-52)" / "- **Code**:" / the fence
        limit = min(len(lines), index + 2)
        while index < limit and not lines[index].strip():
            index += 1
        if not (index < len(lines) and fenced[index] and _FENCE_MARK.match(lines[index].strip())):
            return False
        index += 1
    for at in range(index, min(len(lines), index + 8)):
        text = lines[at][: mentions.MAX_SCAN].strip()
        if not fenced[at] or _FENCE_MARK.match(text):
            return False  # the fence closed before any code
        if inside and any(r.line_start for r in _path_refs(text)):
            return False  # the next reference's code, not this one's
        if text and not _CODE_COMMENT.match(text):
            # "Evidence: retry_limit=3": the label is the author's, the code follows it.
            text = _LABEL_PREFIX.sub("", text, count=1)
            if len(text) >= 8:
                more = _more_quoted_lines(lines, fenced, at + 1) if inside else []
                for item in bare:
                    item.quoted_code = text[:MAX_TEXT]
                    if more and not item.context_names:
                        # The fence's next code lines: the cited range may hold those
                        # rather than the first (`"dependencies": {` is elsewhere).
                        item.context_names = more
                return True
            return False
    return False


# Lines of a quoted fence read past its first, for a range that holds its middle.
MORE_QUOTED_LINES = 8


def _more_quoted_lines(lines: list[str], fenced: list[bool], start: int) -> list[str]:
    """The fence's code lines after its first (comments and short lines aside)."""
    found: list[str] = []
    for at in range(start, min(len(lines), start + MORE_QUOTED_LINES)):
        text = lines[at][: mentions.MAX_SCAN].strip()
        if not fenced[at] or _FENCE_MARK.match(text):
            break
        if len(text) >= 12 and not _CODE_COMMENT.match(text):
            found.append(text[:MAX_TEXT])
    return found


# A label line that announces code below it: "- **Code**:", "**Current implementation:**".
_CODE_LABEL = lazy_compile(
    r"^\s*(?:[-*+]\s+)?\*\*[^*\n]{1,40}\*\*\s*:?\s*$|^\s*(?:[-*+]\s+)?\*\*[^*\n]{1,40}:\*\*\s*$"
)
# A label naming what the code below it is (not a fix for it): "**Import Statement:**".
_SHOWN_LABEL = lazy_compile(
    r"^\s*\*\*(?:import|code|current|existing|statement|line|before|broken|problem)"
    r"[^*\n]{0,30}:?\*\*:?\s*$",
    re.IGNORECASE,
)
_LABEL_PREFIX = lazy_compile(r"^(?!(?:True|False|None)\b)[A-Z][A-Za-z ]{2,30}:\s+(?=\S)")


def _context_path(recent_paths: list[tuple[int, str]], index: int) -> str | None:
    while recent_paths and index - recent_paths[0][0] > PATH_LOOKBACK:
        recent_paths.pop(0)
    return recent_paths[-1][1] if recent_paths else None


# "**Recommendation:** ...", "we should pin ...", "TODO: add ...": said of what is to come.
_PROPOSAL = lazy_compile(
    r"^\W*(?:recommend\w*|proposed(?: fix| change)?|next steps?|todo|action items?)\W*:"
    # "should have caught it" looks back, it proposes nothing.
    r"|\b(?:should|must)\b(?! have)"
    r"|\b(?:needs? to|will need to|plans? to|ought to|recommend(?:s|ed)? (?:to|that))\b",
    re.IGNORECASE,
)
_PROPOSAL_SCAN = 400


def _assemble(line: LineMentions) -> list[Draft]:
    """The drafts every kind makes of the line, in registry order."""
    found: list[Draft] = []
    for kind in KINDS:
        if line.in_fence and not kind.IN_FENCES:
            continue
        found.extend(kind.assemble(line, found))
    return found


def _origin(raw: str, block: Block | None) -> ClaimOrigin:
    """Where the claim was written: a table row, prose, or a fence of some class (a
    comment in code, config or a shell session is the author's own note)."""
    if block is None or block.kind != "fence" or block.fence is None:
        return "table" if block is not None and block.kind == "table row" else "prose"
    if block.fence in {"code", "config", "shell"} and _CODE_COMMENT.match(raw.strip()):
        return "fence comment"
    return block.fence


def _stance(block: Block | None, raw: str) -> ClaimStance:
    """How the document holds a line: an action item, an open checkbox, a proposal label
    or a modal sentence ("should", "needs to") proposes; a blockquote quotes someone;
    otherwise the author asserts it. A kind may say more (a commit "never merged" is
    negated)."""
    if block is None:
        return "asserted"
    if block.quoted:
        return "quoted"
    if block.section == "action items" or block.checked is False:
        return "proposed"
    if block.kind != "fence" and _PROPOSAL.search(raw[:_PROPOSAL_SCAN]):
        return "proposed"
    return "asserted"

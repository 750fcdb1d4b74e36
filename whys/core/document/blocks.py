"""The document: Markdown lines as typed blocks (heading, paragraph, bullet, table row,
label line, fence), each with its lines, depth, section role and why.

It knows nothing of claims or git. A new block shape (a definition list, an admonition)
is one more case in `_kind_of`; a new section name goes in `sections.py`; a new class of
fenced content goes in `fences.py`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from whys.core.document.fences import FenceClass, classify_fence, fence_info
from whys.core.document.labels import _label
from whys.core.document.lines import atx_heading, fence_spans
from whys.core.document.sections import SectionRole, section_role
from whys.core.lazyre import lazy_compile
from whys.core.models import Why

BlockKind = Literal["heading", "paragraph", "bullet", "table row", "label", "fence"]

_BULLET = lazy_compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+")
_CHECKBOX = lazy_compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\[([ xX])\]")
_BOLD_LABEL = lazy_compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)[^*_\n]{1,60}")
_LIST_STARTS = frozenset("-*+0123456789")
_BLOCK_STARTS = _LIST_STARTS | frozenset("#|_")
# Lines are classified from their first characters only: a 1 MB line costs no more.
_HEAD = 200


@dataclass(frozen=True)
class Block:
    """Lines `start`..`end` (1-based, inclusive) of one kind."""

    kind: BlockKind
    start: int
    end: int
    depth: int = 0  # heading level, list indent level, 0 otherwise
    section: SectionRole | None = None
    why: str | None = None
    fence: FenceClass | None = None  # for fences: what they hold
    checked: bool | None = None  # for "- [ ]" / "- [x]" items
    quoted: bool = False  # a blockquote ("> ...")


@dataclass
class Document:
    """Blocks in order, and for each line the index of its block (None: a blank line)."""

    lines: list[str]
    blocks: list[Block] = field(default_factory=list)
    block_of: list[int | None] = field(default_factory=list)
    fenced: list[bool] = field(default_factory=list)

    def block_at(self, index: int) -> Block | None:
        """The block holding the 0-based line `index`."""
        position = self.block_of[index]
        return None if position is None else self.blocks[position]


def read_document(lines: list[str], whys: Iterable[Why] = ()) -> Document:
    """The blocks of the document's lines (without newlines)."""
    fences = fence_spans(lines)
    fenced = [False] * len(lines)
    for start, end in fences.items():
        fenced[start : end + 1] = [True] * (end + 1 - start)
    document = Document(lines, fenced=fenced, block_of=[None] * len(lines))
    why_of = InnermostWhy(list(whys))
    sections: list[tuple[int, SectionRole | None]] = []  # open headings: (level, role)
    index = 0
    while index < len(lines):
        line = lines[index][:_HEAD]
        if not fenced[index] and not line.strip():
            index += 1
            continue
        section = sections[-1][1] if sections else None
        end = index
        depth = 0
        fence: FenceClass | None = None
        checked: bool | None = None
        if fenced[index]:
            kind: BlockKind = "fence"
            end = fences.get(index, index)
            body = lines[index + 1 : end] if end > index else []
            fence = classify_fence(fence_info(line), [b[:_HEAD] for b in body[:40]])
        else:
            kind, depth = _kind_of(line)
            if kind == "heading":
                heading = atx_heading(lines[index][:1000])
                role = section_role(heading[1]) if heading else None
                while sections and sections[-1][0] >= depth:
                    sections.pop()
                parent = sections[-1][1] if sections else None
                sections.append((depth, role or parent))
                section = role or parent
            elif kind == "paragraph":
                while (
                    end + 1 < len(lines)
                    and not fenced[end + 1]
                    and lines[end + 1].strip()
                    and _continues_paragraph(lines[end + 1][:_HEAD])
                ):
                    end += 1
            elif kind == "bullet":
                box = _CHECKBOX.match(line)
                checked = None if box is None else box.group(1) != " "
        block = Block(
            kind,
            index + 1,
            end + 1,
            depth,
            section,
            why_of(index + 1),
            fence,
            checked,
            line.lstrip().startswith(">"),
        )
        for covered in range(index, end + 1):
            document.block_of[covered] = len(document.blocks)
        document.blocks.append(block)
        index = end + 1
    return document


def _kind_of(line: str) -> tuple[BlockKind, int]:
    stripped = line.lstrip()
    first = stripped[:1]
    if first == "#" and atx_heading(line) is not None:
        return "heading", len(stripped) - len(stripped.lstrip("#"))
    if first == "|":
        return "table row", 0
    if first in _LIST_STARTS:
        bullet = _BULLET.match(line)
        if bullet:
            return "bullet", len(bullet.group(1).expandtabs(4)) // 2
    if first in "-*+_" and _BOLD_LABEL.match(line) and _label(line) is not None:
        return "label", 0
    return "paragraph", 0


def _continues_paragraph(line: str) -> bool:
    """Whether a non-blank line goes on the paragraph above (it starts no other block)."""
    first = line.lstrip()[:1]
    return first not in _BLOCK_STARTS or _kind_of(line)[0] == "paragraph"


class InnermostWhy:
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

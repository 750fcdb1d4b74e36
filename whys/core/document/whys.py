"""The why chain: each why's block (where it ends, its parent in a branching chain, its
question and answer), once the reader has found where the whys start.

A new way of ending or splitting a why's block goes here.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from whys.core.document.labels import (
    _BLOCK_LABELS,
    _LIST_MARKER,
    _THEMATIC_BREAK,
    _WHY_HEAD,
    _any_label,
    _header_key,
    _Heading,
    _section_label,
    _strip_symbols,
    _table_cells,
    _unbold,
    _WhyStart,
)
from whys.core.document.lines import atx_heading
from whys.core.models import Why


def _table_row_why(
    line: str,
    index: int,
    columns: tuple[int, int | None, int | None],
    ordinal: int,
    enclosing: int,
) -> _WhyStart | None:
    number_column, question_column, answer_column = columns
    cells = _table_cells(line)
    if len(cells) <= number_column:
        return None
    label = _strip_symbols(_unbold(cells[number_column]))
    match = _WHY_HEAD.match(label) or re.match(r"(\d{1,3})([a-z])?(?![a-z0-9])", label, re.I)
    if match is None:
        number, suffix = ordinal, ""
    elif match.re is _WHY_HEAD:
        number, suffix = int(match.group(2)), (match.group(3) or "").lower()
    else:
        number, suffix = int(match.group(1)), (match.group(2) or "").lower()

    def cell(column: int | None) -> str:
        if column is None or column >= len(cells):
            return ""
        return _unbold(cells[column])

    why = _WhyStart(index, number, suffix, cell(question_column), cell(answer_column), "table")
    why.level = enclosing
    why.table_row = True
    return why


def _why_block_end(
    lines: list[str],
    fenced: list[bool],
    headings: list[_Heading],
    heading_lines: list[int],
    start: _WhyStart,
    limit: int,
) -> int:
    """0-based index of the last line of the why that starts at `start`, before `limit`."""
    if start.table_row:
        return start.index
    end = limit
    position = bisect_left(heading_lines, start.index + 1)
    while position < len(headings) and headings[position].index < end:
        heading = headings[position]
        if heading.level <= start.level or start.style != "heading":
            end = heading.index
            break
        position += 1
    if start.style != "heading":
        end = _soft_end(lines, fenced, start, end)
    last = end - 1
    while last > start.index and not lines[last].strip():
        last -= 1
    return max(last, start.index)


def _soft_end(lines: list[str], fenced: list[bool], start: _WhyStart, end: int) -> int:
    """A label or list why also ends at a thematic break, a section label (`**Root
    Cause**:`), or, for a list item, at the first unindented paragraph after a blank line."""
    previous_blank = False
    for index in range(start.index + 1, end):
        line = lines[index]
        if fenced[index]:
            previous_blank = False
            continue
        if not line.strip():
            previous_blank = True
            continue
        if _THEMATIC_BREAK.match(line):
            return index
        if _section_label(line) is not None:
            return index
        if (
            start.style == "list"
            and previous_blank
            and not line[:1].isspace()
            and not _LIST_MARKER.match(line)
        ):
            return index
        previous_blank = False
    return end


def _build_whys(
    lines: list[str], fenced: list[bool], headings: list[_Heading], starts: list[_WhyStart]
) -> list[Why]:
    heading_lines = [heading.index for heading in headings]
    whys: list[Why] = []
    used: set[str] = set()
    copies: dict[str, int] = {}  # base id -> copies handed out, so duplicates stay linear
    chain: dict[int, list[tuple[str, str]]] = {}  # number -> [(suffix, id)] in this chain
    previous_id: str | None = None
    for position, start in enumerate(starts):
        limit = starts[position + 1].index if position + 1 < len(starts) else len(lines)
        last = _why_block_end(lines, fenced, headings, heading_lines, start, limit)
        number = start.number
        base = f"{number}{start.suffix}" if number else str(position + 1)
        why_id = base
        while why_id in used:
            copies[base] = copies.get(base, 1) + 1
            why_id = f"{base}-{copies[base]}"
        used.add(why_id)

        if number and number == 1 and any(s == start.suffix for s, _ in chain.get(1, [])):
            chain = {}  # a second chain starts (several analyses in one document)
        if number:
            parent = _parent(chain, number, start.suffix)
            chain.setdefault(number, []).append((start.suffix, why_id))
        else:
            parent = previous_id
        previous_id = why_id

        block = lines[start.index : last + 1]
        question, answer = _question_and_answer(block, fenced[start.index : last + 1], start)
        whys.append(
            Why(
                id=why_id,
                number=number,
                question=question,
                answer=answer,
                text="\n".join(block),
                line=start.index + 1,
                end_line=last + 1,
                parent=parent,
            )
        )
    by_id = {why.id: why for why in whys}
    for why in whys:
        if why.parent is not None and why.parent in by_id:
            by_id[why.parent].causes.append(why.id)
    return whys


def _parent(chain: dict[int, list[tuple[str, str]]], number: int, suffix: str) -> str | None:
    """Why N explains why N-1: the one with the same branch letter, else the latest."""
    candidates = chain.get(number - 1, [])
    if not candidates:
        return None
    for candidate_suffix, candidate_id in reversed(candidates):
        if suffix and candidate_suffix == suffix:
            return candidate_id
    return candidates[-1][1]


def _question_and_answer(block: list[str], fenced: list[bool], start: _WhyStart) -> tuple[str, str]:
    question, answer = start.question, start.answer
    if start.table_row:
        return question, answer
    labelled: dict[str, list[str]] = {}
    paragraphs: list[list[str]] = []
    current_label: str | None = None
    paragraph: list[str] = []
    # A list item's wrapped lines follow it directly; they belong to its answer.
    continues_item = len(block) > 1 and bool(block[1].strip()) and block[1][:1].isspace()
    for offset in range(1, len(block)):
        line = block[offset]
        if fenced[offset]:
            current_label = None
            if paragraph:
                paragraphs.append(paragraph)
                paragraph = []
            continue
        found = _any_label(line)
        if found is not None:
            key = _header_key(found[0])
            current_label = key if key in _BLOCK_LABELS else None
            if paragraph:
                paragraphs.append(paragraph)
                paragraph = []
            if current_label is not None:
                labelled.setdefault(current_label, [])
                if found[1]:
                    labelled[current_label].append(found[1])
            continue
        heading = atx_heading(line)
        if heading is not None:
            # `#### Answer` under a why heading works like `**Answer**:`.
            key = _header_key(_strip_symbols(heading[1])).rstrip(":")
            current_label = key if key in _BLOCK_LABELS else None
            if current_label is not None:
                labelled.setdefault(current_label, [])
            if paragraph:
                paragraphs.append(paragraph)
                paragraph = []
            continue
        if current_label is not None:
            if line.strip():
                labelled[current_label].append(line.strip())
            continue
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            paragraphs.append(paragraph)
            paragraph = []
    if paragraph:
        paragraphs.append(paragraph)

    if not question:
        for key in ("question", "q"):
            if labelled.get(key):
                question = _unbold(" ".join(labelled[key]))
                break
        else:
            if paragraphs and paragraphs[0][-1].rstrip("*_ ").endswith("?"):
                question = _unbold(" ".join(paragraphs.pop(0)))
    if start.style == "list" and answer and paragraphs and continues_item:
        answer = " ".join([answer, *paragraphs.pop(0)])
    if not answer:
        for key in ("answer", "because", "a", "cause", "reason"):
            if labelled.get(key):
                answer = "\n".join(labelled[key]).strip()
                break
        else:
            if paragraphs:
                answer = "\n".join(paragraphs[0]).strip()
    return question, answer

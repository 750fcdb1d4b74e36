"""Line-level Markdown facts: fences, line splitting, ATX headings."""

from __future__ import annotations

from whys.core.lazyre import lazy_compile

_FENCE = lazy_compile(r"^ {0,3}(`{3,}|~{3,})")


def fenced_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (fence markers included).

    An unclosed fence runs to the end of the document, as CommonMark renders it.
    """
    inside: list[bool] = []
    opener: str | None = None
    for line in lines:
        match = _FENCE.match(line)
        if opener is None:
            if match:
                opener = match.group(1)
                inside.append(True)
                continue
            inside.append(False)
        else:
            inside.append(True)
            if (
                match
                and match.group(1)[0] == opener[0]
                and len(match.group(1)) >= len(opener)
                and not line.strip()[len(match.group(1)) :].strip()
            ):
                opener = None
    return inside


def split_lines(text: str) -> list[str]:
    """The document's lines as editors and `grep -n` number them: split on LF only, one
    trailing CR dropped (CRLF files), no empty last line for a final newline."""
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if "\r" not in text:
        return lines
    return [line[:-1] if line.endswith("\r") else line for line in lines]


_ATX_OPEN = lazy_compile(r" {0,3}(#{1,6})(?:[ \t]|$)")


def atx_heading(line: str) -> tuple[int, str] | None:
    """`(level, text)` for an ATX heading line (`## Text ##`), else None.

    String operations rather than one regex for the text, so a 100,000-character heading
    costs one pass, never a backtracking search for the closing `#` run.
    """
    match = _ATX_OPEN.match(line)
    if match is None:
        return None
    text = line[match.end() :].strip()
    closing = text.rstrip("#")
    if closing != text and (not closing or closing[-1] in " \t"):
        text = closing.rstrip()
    return len(match.group(1)), text


def fence_spans(lines: list[str]) -> dict[int, int]:
    """Each fence as opening line index -> closing line index (0-based; the last line for
    an unclosed fence), by the same rules as `fenced_lines`."""
    spans: dict[int, int] = {}
    opener: str | None = None
    start = 0
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if opener is None:
            if match:
                opener, start = match.group(1), index
            continue
        if (
            match
            and match.group(1)[0] == opener[0]
            and len(match.group(1)) >= len(opener)
            and not line.strip()[len(match.group(1)) :].strip()
        ):
            spans[start] = index
            opener = None
    if opener is not None:
        spans[start] = len(lines) - 1
    return spans

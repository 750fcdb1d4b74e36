"""Line-level Markdown facts shared by the reader and the claim extractor."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


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

"""Untrusted text made safe to show: on a terminal, and in Markdown a person will paste.

Commit subjects, author names, file contents and analysis text come from people whys does
not know. On a terminal, a raw ESC or OSC sequence in them can rewrite the screen, set the
clipboard (OSC 52) or hide text; in a Markdown report, raw HTML can hide or fake content.
`visible` shows control characters the way git and less do (`^[` for ESC, `^?` for DEL,
`<U+009B>` for C1 controls and invisible direction overrides), so the text still reads and
nothing in it acts. Every human-facing output passes untrusted text through here.
"""

from __future__ import annotations

import re

from whys.core.lazyre import lazy_compile

# C0 controls (but tab and newline), DEL, C1 controls, and the Unicode direction controls
# that reorder what a reader sees (the "Trojan Source" trick), plus the line/paragraph
# separators some terminals treat as new lines.
_UNSAFE = lazy_compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_UNSAFE_KEEPING_NOTHING = lazy_compile(
    "[\x00-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _shown(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # ^[ for ESC, ^M for CR, ^@ for NUL
    if code == 0x7F:
        return "^?"
    return f"<U+{code:04X}>"


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """`text` with every control character shown as visible characters (`^[`, `^?`,
    `<U+009B>`). Tabs stay; newlines stay unless `keep_newlines` is False."""
    if not text:
        return text
    pattern = _UNSAFE if keep_newlines else _UNSAFE_KEEPING_NOTHING
    if keep_newlines:
        return pattern.sub(_shown, text)
    return pattern.sub(lambda m: "\t" if m.group(0) == "\t" else _shown(m), text)


def visible_line(text: str) -> str:
    """One line for a terminal: control characters and newlines shown visibly."""
    return visible(text, keep_newlines=False)


def markdown_text(text: str) -> str:
    """Untrusted text for Markdown prose or a table cell: visible, on one line, with HTML
    (`<`, `>`, `&`) escaped so no tag or entity from the analysis reaches a renderer, and
    `|` escaped so it cannot split a table row."""
    one_line = " ".join(visible(text).split())
    return (
        one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    )


def markdown_code(text: str) -> str:
    """Untrusted text as a Markdown code span: HTML inside a code span is shown, never
    rendered; the fence is longer than any backtick run inside, so it cannot be closed
    early; `|` is escaped so it cannot split a table row."""
    one_line = " ".join(visible(text).split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    return f"{fence}{padding}{one_line}{padding}{fence}"

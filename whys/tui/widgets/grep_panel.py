"""The grep panel: pattern, glob and revision in; hits stream in from the app's worker.

The panel only asks (`Requested`, `HitOpened`); the app runs the search and hands the hits
down with `start`, `add_hits` and `finish`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from whys.core.textsafe import visible_line
from whys.tui import view
from whys.tui.widgets.pane import Pane

MATCH_STYLE = "bold black on yellow"
LINE_COLUMN = 5
# A path takes at most this share of the table; the matched text gets the rest.
PATH_SHARE = 0.25
PATH_MIN = 16


def shorten_middle(path: str, width: int) -> str:
    """A path in `width` cells, shortened from the middle: the first folder and the file
    name stay, the folders between shrink to their first letter (`app/n/w/queue.py`), then
    go (`app/…/queue.py`); a file name too long on its own keeps its end."""
    if len(path) <= width:
        return path
    if width <= 1:
        return "…"
    *folders, name = path.split("/")
    if folders:
        for keep_first in (True, False):
            short = [
                folder if keep_first and index == 0 else folder[:1]
                for index, folder in enumerate(folders)
            ]
            candidate = "/".join([*short, name])
            if len(candidate) <= width:
                return candidate
        for candidate in (f"{folders[0][:1]}/…/{name}", f"…/{name}"):
            if len(candidate) <= width:
                return candidate
    return "…" + path[-(width - 1) :]


def match_span(pattern: str, text: str, column: int) -> tuple[int, int] | None:
    """Where the pattern matched in `text` (start, end): the search's own column first, the
    regex (as Python reads it) for the length; None when it cannot be told."""
    start = column - 1 if column > 0 else 0
    try:
        regex = re.compile(pattern)
    except re.error:
        regex = re.compile(re.escape(pattern))
    found = regex.search(text, start) or regex.search(text)
    if found and found.end() > found.start():
        return found.start(), found.end()
    if column > 0:
        index = text.find(pattern, start)
        if index >= 0:
            return index, index + len(pattern)
    return None


def display_line(text: str) -> str:
    """A hit's line as the table shows it: tabs expanded, control characters visible."""
    return visible_line(text.expandtabs(4))


def hit_text(line: str, span: tuple[int, int] | None, width: int) -> Text:
    """The displayed line in `width` cells with the match highlighted; a match beyond the
    right edge is brought into view (the cut start shown as …)."""
    offset = 0
    if span is not None and width > 8 and span[1] > width:
        offset = max(span[0] - width // 3, 0)
    shown = line[offset : offset + width]
    result = Text("…" + shown[1:] if offset else shown)
    if span is not None:
        start, end = span[0] - offset, span[1] - offset
        if end > 0 and start < len(shown):
            result.stylize(MATCH_STYLE, max(start, 0), min(end, len(shown)))
    return result


def hit_location(hit: Any) -> tuple[str, int, str]:
    """(path, line, text) of a search hit, whatever its exact class calls them."""
    path = str(getattr(hit, "path", ""))
    line = int(getattr(hit, "line", 0) or getattr(hit, "line_number", 0) or 0)
    text = str(getattr(hit, "text", "") or getattr(hit, "line_text", ""))
    return path, line, text.rstrip("\n")


class GrepPanel(Vertical):
    @dataclass
    class Requested(Message):
        pattern: str
        glob: str
        revision: str

    @dataclass
    class HitOpened(Message):
        hit: Any

    def compose(self) -> ComposeResult:
        with Horizontal(id="grep-inputs"):
            yield Input(placeholder="pattern (regex; enter runs)", id="grep-pattern", compact=True)
            yield Input(placeholder="glob, e.g. *.py", id="grep-glob", compact=True)
            yield Input(placeholder="revision (blank: working tree)", id="grep-rev", compact=True)
        yield Pane("Type a pattern and press enter.", id="grep-status")
        yield DataTable(id="grep-hits", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self._hits: list[Any] = []
        self._pattern = ""
        self._widths = (0, 0)
        self._set_columns()

    def _column_widths(self) -> tuple[int, int]:
        table = self.query_one("#grep-hits", DataTable)
        # Each column has one cell of padding either side.
        room = max((table.size.width or self.size.width or 80) - 2 - 6 - 2, 20)
        longest = max((len(str(getattr(hit, "path", ""))) for hit in self._hits), default=4)
        path_width = min(max(int(room * PATH_SHARE), PATH_MIN), max(longest, 4))
        return path_width, max(room - path_width - LINE_COLUMN, 10)

    def _set_columns(self) -> None:
        table = self.query_one("#grep-hits", DataTable)
        path_width, text_width = self._column_widths()
        self._widths = (path_width, text_width)
        table.clear(columns=True)
        table.add_column("file", key="file", width=path_width)
        table.add_column("line", key="line", width=LINE_COLUMN)
        table.add_column("text", key="text", width=text_width)

    def _row(self, hit: Any) -> tuple[Text, Text, Text]:
        path, line, text = hit_location(hit)
        path_width, text_width = self._widths
        shown_text = display_line(text)
        span = match_span(self._pattern, shown_text, 0)
        return (
            Text(shorten_middle(visible_line(path), path_width), style="bold"),
            Text(str(line), style="dim", justify="right"),
            hit_text(shown_text, span, text_width),
        )

    def _redraw(self) -> None:
        """Lay the hits out again for the current width (columns and shortened paths)."""
        table = self.query_one("#grep-hits", DataTable)
        row = table.cursor_row
        self._set_columns()
        for hit in self._hits:
            table.add_row(*self._row(hit))
        if self._hits:
            table.move_cursor(row=min(row, len(self._hits) - 1), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if self._column_widths() != self._widths:
            self._redraw()

    def fill(self, pattern: str, glob: str, revision: str) -> None:
        self.query_one("#grep-pattern", Input).value = pattern
        self.query_one("#grep-glob", Input).value = glob
        self.query_one("#grep-rev", Input).value = revision

    def focus_pattern(self) -> None:
        self.query_one("#grep-pattern", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        pattern = self.query_one("#grep-pattern", Input).value
        if not pattern:
            self.set_status(Text("Type a pattern first.", style="dark_orange3"))
            self.focus_pattern()
            return
        self.post_message(
            self.Requested(
                pattern,
                self.query_one("#grep-glob", Input).value.strip(),
                self.query_one("#grep-rev", Input).value.strip(),
            )
        )

    @on(DataTable.RowSelected, "#grep-hits")
    def _opened(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self._hits):
            self.post_message(self.HitOpened(self._hits[event.cursor_row]))

    def set_status(self, text: str | Text) -> None:
        self.query_one("#grep-status", Static).update(text)

    def start(self, pattern: str) -> None:
        self._hits = []
        self._pattern = pattern
        self.query_one("#grep-hits", DataTable).clear()
        self.set_status(view.shown_line(f"searching {pattern!r}… (esc cancels)", "italic"))

    def add_hits(self, hits: list[Any]) -> None:
        table = self.query_one("#grep-hits", DataTable)
        longest = max((len(str(getattr(hit, "path", ""))) for hit in hits), default=0)
        self._hits.extend(hits)
        if longest > self._widths[0] and self._column_widths() != self._widths:
            self._redraw()
        else:
            for hit in hits:
                table.add_row(*self._row(hit))
        self.set_status(Text(f"{len(self._hits)} hits so far… (esc cancels)", style="italic"))

    def finish(self, total: int, cancelled: bool, capped: bool, note: str = "") -> None:
        words = f"{total} hit{'s' if total != 1 else ''}"
        if capped:
            words += " (capped)"
        if note:
            words += f", {note}"
        if cancelled:
            words += " — cancelled"
        hint = "  enter · x attach · b blame · O edit · y copy" if self._hits else ""
        self.set_status(Text(words + hint))
        if self._hits:
            self.query_one("#grep-hits", DataTable).focus()

    @property
    def hits(self) -> list[Any]:
        return list(self._hits)

    @property
    def highlighted_hit(self) -> Any | None:
        row = self.query_one("#grep-hits", DataTable).cursor_row
        return self._hits[row] if self._hits and 0 <= row < len(self._hits) else None

"""The grep panel: pattern, glob and revision in; hits stream in from the app's worker.

The panel only asks (`Requested`, `HitOpened`); the app runs the search and hands the hits
down with `start`, `add_hits` and `finish`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from whys.tui import view


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
        yield Static("Type a pattern and press enter.", id="grep-status")
        yield DataTable(id="grep-hits", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#grep-hits", DataTable)
        table.add_column("file", key="file")
        table.add_column("line", key="line")
        table.add_column("text", key="text")
        self._hits: list[Any] = []

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
        self.query_one("#grep-hits", DataTable).clear()
        self.set_status(Text(f"searching {pattern!r}… (esc cancels)", style="italic"))

    def add_hits(self, hits: list[Any]) -> None:
        table = self.query_one("#grep-hits", DataTable)
        for hit in hits:
            path, line, text = hit_location(hit)
            table.add_row(path, line, view.one_line(text, 200))
        self._hits.extend(hits)
        self.set_status(Text(f"{len(self._hits)} hits so far… (esc cancels)", style="italic"))

    def finish(self, total: int, cancelled: bool, capped: bool, note: str = "") -> None:
        words = f"{total} hit{'s' if total != 1 else ''}"
        if capped:
            words += " (capped)"
        if note:
            words += f", {note}"
        if cancelled:
            words += " — cancelled"
        hint = "  enter: show file · x: attach to the current why" if self._hits else ""
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

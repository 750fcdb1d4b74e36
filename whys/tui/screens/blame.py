"""Blame of a line range: who last touched each line, seeing through moves and copies
(git blame -M -C), skipping the commits an ignore-revs file lists. `x` attaches the range
as evidence; `O` opens a line in $EDITOR and `y` copies its commit, through the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from whys.tui import view


@dataclass(frozen=True)
class BlameRequest:
    """What to blame, and at which commit (a full SHA)."""

    path: str
    start: int
    end: int
    revision: str
    focus_line: int = 0


class BlameScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    BlameScreen { align: center middle; }
    BlameScreen > Vertical {
        width: 95%; height: 90%; border: thick $accent; background: $surface;
    }
    BlameScreen Label { padding: 0 1; }
    BlameScreen OptionList {
        height: 1fr; border: none; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """
    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Close", id="blame.close", tooltip="Back"),
        Binding("O", "app.open_editor", "Editor", id="blame.edit", tooltip="Open in $EDITOR"),
        Binding("y", "app.copy", "Copy", id="blame.copy", tooltip="Copy to the clipboard"),
        Binding(
            "x",
            "attach",
            "Attach",
            id="blame.attach",
            tooltip="Attach this blame (the whole range) as evidence to the current why",
        ),
    ]

    @dataclass
    class AttachRequested(Message):
        request: BlameRequest
        ignore_revs_file: str | None

    def __init__(
        self, request: BlameRequest, lines: list[Any], ignore_revs_file: str | None
    ) -> None:
        super().__init__()
        self.request = request
        self.lines = lines
        self.ignore_revs_file = ignore_revs_file

    def compose(self) -> ComposeResult:
        request = self.request
        title = view.shown_line(
            f"blame -M -C {request.path}:{request.start}-{request.end} at {request.revision[:9]}",
            "bold",
        )
        if self.ignore_revs_file:
            title.append_text(view.shown_line(f"  (ignoring {self.ignore_revs_file})", "dim"))
        with Vertical():
            yield Label(title)
            yield OptionList(id="blame-lines")
            yield Label(
                Text("x attaches · O opens the line in $EDITOR · y copies its commit", "dim")
            )
            yield Footer()

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        width = len(str(max((line.line for line in self.lines), default=1)))
        highlight = 0
        for position, line in enumerate(self.lines):
            prompt = Text(f"{line.sha[:8]} ", style="bold dark_orange3")
            author = view.shown_line(line.author_name, limit=12).plain
            prompt.append(f"{author:<12} ", style="dodger_blue2")
            prompt.append(view.show_time(line.author_date, "%Y-%m-%d") + " ", style="dim")
            prompt.append(f"{line.line:>{width}} ", style="dim")
            prompt.append_text(view.shown_line(line.content))
            listing.add_option(Option(prompt, id=str(position)))
            if line.line == self.request.focus_line:
                highlight = position
        if self.lines:
            listing.highlighted = highlight
        else:
            listing.add_option(Option(Text("Nothing to blame in this range.", "dim")))
        listing.focus()

    @property
    def highlighted_line(self) -> Any | None:
        index = self.query_one(OptionList).highlighted
        return self.lines[index] if index is not None and 0 <= index < len(self.lines) else None

    def action_attach(self) -> None:
        self.post_message(self.AttachRequested(self.request, self.ignore_revs_file))

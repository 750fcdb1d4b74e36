"""A file at a line, with context, from the working tree or a past revision."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from whys.tui import view


class FileScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    FileScreen { align: center middle; }
    FileScreen > Vertical {
        width: 95%; height: 95%; border: thick $accent; background: $surface;
    }
    FileScreen Label { text-style: bold; padding: 0 1; }
    FileScreen OptionList { height: 1fr; }
    """
    BINDINGS = [
        Binding(
            "escape,q", "dismiss(None)", "Close", id="file.close", tooltip="Back to the grep hits"
        ),
        Binding("O", "app.open_editor", "Editor", id="file.edit", tooltip="Open in $EDITOR"),
        Binding("y", "app.copy", "Copy", id="file.copy", tooltip="Copy to the clipboard"),
    ]

    def __init__(self, path: str, revision: str, line: int, text: str | None) -> None:
        super().__init__()
        self.path = path
        self.revision = revision
        self.line = line
        self.text = text

    def compose(self) -> ComposeResult:
        where = self.revision[:12] if self.revision else "working tree"
        with Vertical():
            yield Label(view.shown_line(f"{self.path}:{self.line}  ({where})"))
            yield Label(
                Text("O opens it in $EDITOR · y copies path:line · escape closes", style="dim")
            )
            yield OptionList(id="file-lines")
            yield Footer()

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        if self.text is None:
            listing.add_option(Option(Text("This file cannot be shown (missing or binary).")))
            return
        lines = self.text.splitlines()
        width = len(str(len(lines)))
        options = []
        for number, line_text in enumerate(lines, start=1):
            prompt = Text(f"{number:>{width}} ", style="dim")
            prompt.append_text(view.shown(line_text, "bold" if number == self.line else ""))
            options.append(Option(prompt, id=str(number)))
        listing.add_options(options)
        if 1 <= self.line <= len(options):
            listing.highlighted = self.line - 1
            listing.scroll_to_highlight(top=False)
        listing.focus()

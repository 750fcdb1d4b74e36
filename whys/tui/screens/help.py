"""Help: every binding of the workbench, with its key, id and what it does."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 100; max-width: 100%; height: 90%; border: thick $accent;
        background: $surface; padding: 0 1;
    }
    HelpScreen Label { text-style: bold; }
    HelpScreen DataTable { height: 1fr; }
    HelpScreen Static { color: $text-muted; }
    HelpScreen #help-row { color: $text; height: auto; min-height: 2;
        border-top: hkey $primary 30%; }
    """
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss(None)", "Close", id="help.close"),
    ]

    def __init__(self, rows: list[tuple[str, str, str, str, str]], keymap_note: str) -> None:
        """`rows`: key, action, binding id, what it does, and why it does not apply right
        now (empty when it does)."""
        super().__init__()
        self.rows = rows
        self.keymap_note = keymap_note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("whys workbench: bindings")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="help-row")
            yield Static(self.keymap_note)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("key", "action", "id", "what it does")
        for key, description, binding_id, tooltip, unavailable in self.rows:
            style = "dim" if unavailable else ""
            what = Text(tooltip, style=style)
            if unavailable:
                what.append(f"  (now: {unavailable})", style="italic dark_orange3")
            table.add_row(
                Text(key, style="bold " + style),
                Text(description, style=style),
                Text(binding_id, style="dim"),
                what,
            )
        table.focus()

    @on(DataTable.RowHighlighted, "#help-table")
    def _show_row(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted binding in full: a narrow terminal cuts the table's last column."""
        key, description, _binding_id, tooltip, unavailable = self.rows[event.cursor_row]
        line = Text(f"{key}  ", style="bold")
        line.append(tooltip)
        if unavailable:
            line.append(f"\nNot available now: {unavailable}", style="italic dark_orange3")
        self.query_one("#help-row", Static).update(line)

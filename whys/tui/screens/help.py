"""Help: what the marks mean, then every binding of the workbench with its key, id and what
it does. Rows wrap, so nothing is cut at 80 columns."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from whys.tui import view

KEY_WIDTH = 8


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 100; max-width: 100%; height: 95%; border: thick $accent;
        background: $surface; padding: 0 1;
    }
    HelpScreen Label { text-style: bold; }
    HelpScreen OptionList { height: 1fr; border: none; }
    HelpScreen Static { color: $text-muted; height: auto; }
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
            yield Label("whys workbench: marks and bindings")
            yield OptionList(id="help-list")
            yield Static(view.shown(self.keymap_note))

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        options: list[Option] = []
        for mark, meaning in view.legend_rows():
            prompt = Text(" ")
            prompt.append_text(mark)
            prompt.append(" " * (KEY_WIDTH - 2))
            prompt.append(meaning)
            options.append(Option(prompt, disabled=True))
        for key, description, binding_id, tooltip, unavailable in self.rows:
            style = "dim" if unavailable else ""
            prompt = Text(f"{key:<{KEY_WIDTH - 1}} ", style="bold " + style)
            prompt.append(f"{description}: ", style="bold " + style)
            prompt.append(tooltip, style=style)
            if binding_id:
                prompt.append(f"  [{binding_id}]", style="dim")
            if unavailable:
                prompt.append_text(view.shown(f"\n{'':<{KEY_WIDTH}}not now: {unavailable}"))
                prompt.stylize("italic dark_orange3", len(prompt.plain) - len(unavailable) - 9)
            options.append(Option(prompt, id=binding_id or None))
        listing.add_options(options)
        listing.highlighted = len(view.legend_rows())
        listing.focus()

    @property
    def binding_ids(self) -> list[str]:
        listing = self.query_one(OptionList)
        ids = (listing.get_option_at_index(i).id for i in range(listing.option_count))
        return [option_id for option_id in ids if option_id]

"""The export dialog: where the verdict file goes and, optionally, the SSH key to sign it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from whys.tui.screens.verdict import DIALOG_CSS, Dialog


@dataclass(frozen=True)
class ExportRequest:
    path: str
    sign_key: str | None


class ExportDialog(Dialog[ExportRequest]):
    DEFAULT_CSS = DIALOG_CSS.format(name="ExportDialog")

    def __init__(self, default_path: str, default_key: str = "") -> None:
        super().__init__()
        self.default_path = default_path
        self.default_key = default_key

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export the verdict file", classes="dialog-title")
            yield Static("verdict file (a .md report is written beside it)", classes="dialog-hint")
            yield Input(value=self.default_path, id="export-path", compact=True)
            yield Static("SSH signing key (optional; ssh-keygen -Y sign)", classes="dialog-hint")
            yield Input(
                value=self.default_key,
                placeholder="~/.ssh/id_ed25519",
                id="export-key",
                compact=True,
            )
            yield Static("", classes="dialog-error", id="export-error")
            with Horizontal():
                yield Button("Export", variant="primary", id="export")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#export")
    def _export(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.query_one("#export-error", Static).update("Where should the file go?")
            return
        key = self.query_one("#export-key", Input).value.strip() or None
        self.dismiss(ExportRequest(path, key))

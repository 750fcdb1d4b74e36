"""The incident window as the auditor corrects it: start, end, deployed revision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from whys.core.models import IncidentWindow
from whys.tui.screens.verdict import DIALOG_CSS, Dialog


@dataclass(frozen=True)
class IncidentAnswer:
    start: datetime | None
    end: datetime | None
    deployed_revision: str | None


def parse_moment(text: str) -> datetime | None:
    """ISO date and time ("2026-03-09 06:10", "2026-03-09T06:10+01:00"); UTC when no zone
    is given; None for an empty field. ValueError for anything else."""
    text = text.strip().removesuffix("UTC").removesuffix("Z").strip()
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def show_moment(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


class IncidentDialog(Dialog[IncidentAnswer]):
    DEFAULT_CSS = DIALOG_CSS.format(name="IncidentDialog")

    def __init__(self, incident: IncidentWindow) -> None:
        super().__init__()
        self.incident = incident

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Incident window", classes="dialog-title")
            yield Static(
                "start (YYYY-MM-DD HH:MM, UTC unless a zone is given)", classes="dialog-hint"
            )
            yield Input(value=show_moment(self.incident.start), id="incident-start", compact=True)
            yield Static("end", classes="dialog-hint")
            yield Input(value=show_moment(self.incident.end), id="incident-end", compact=True)
            yield Static("deployed revision (tag, branch or SHA)", classes="dialog-hint")
            yield Input(
                value=self.incident.deployed_revision or "", id="incident-deployed", compact=True
            )
            yield Static("", classes="dialog-error", id="incident-error")
            with Horizontal():
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        try:
            start = parse_moment(self.query_one("#incident-start", Input).value)
            end = parse_moment(self.query_one("#incident-end", Input).value)
        except ValueError as error:
            self.query_one("#incident-error", Static).update(f"Not a date and time: {error}")
            return
        if start and end and end < start:
            self.query_one("#incident-error", Static).update("The end is before the start.")
            return
        deployed = self.query_one("#incident-deployed", Input).value.strip() or None
        self.dismiss(IncidentAnswer(start, end, deployed))

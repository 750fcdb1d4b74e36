"""Verdict dialogs. They only collect the auditor's answer; the app records it through the
core, which enforces the rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static, TextArea

from whys.tui.view import DECISION_WORD, shown, shown_line

NOTE_HINT = "enter saves · ctrl+j (or shift+enter) new line · escape cancels"

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 72; max-width: 100%; height: auto; max-height: 100%;
    border: thick $accent; background: $surface; padding: 0 1;
}}
{name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
{name} .dialog-error {{ color: $error; }}
{name} .dialog-hint {{ color: $text-muted; }}
{name} Horizontal {{ height: auto; margin-top: 1; }}
{name} Input {{ margin: 0; }}
{name} NoteArea {{ height: 3; margin: 0; background: $boost; }}
{name} Button {{ margin-right: 1; }}
{name} RadioSet {{ width: 100%; }}
"""

Answer = TypeVar("Answer")


class Dialog(ModalScreen[Answer | None]):
    """A form that escape, or its Cancel button, closes without an answer."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


BLOCKERS_SHOWN = 4


class NoteArea(TextArea):
    """A note of several lines. Enter saves it (the product's promise: "enter saves");
    ctrl+j or shift+enter starts a new line."""

    @dataclass
    class Submitted(Message):
        area: NoteArea
        value: str

        @property
        def control(self) -> NoteArea:
            return self.area

    def __init__(self, text: str = "", *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(
            text,
            id=id,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            compact=True,
        )
        self.placeholder = placeholder

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in ("ctrl+j", "shift+enter", "newline"):
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self._replace_via_keyboard("\n", start, end)
            return
        await super()._on_key(event)


@dataclass(frozen=True)
class VerdictAnswer:
    decision: str
    note: str
    override: bool = False
    corrected_root_cause: str | None = None


class NoteDialog(Dialog[VerdictAnswer]):
    """Reject or needs-evidence on a why or claim: a note is required; enter saves it."""

    DEFAULT_CSS = DIALOG_CSS.format(name="NoteDialog")

    def __init__(self, decision: str, target_label: str, note: str = "") -> None:
        super().__init__()
        self.decision = decision
        self.target_label = target_label
        self.initial_note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                shown_line(f"{DECISION_WORD[self.decision]}: {self.target_label}"),
                classes="dialog-title",
            )
            yield NoteArea(self.initial_note, placeholder="why? (required; enter saves)", id="note")
            yield Static("", classes="dialog-error", id="note-error")
            yield Static(NOTE_HINT, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(NoteArea).focus()

    @on(NoteArea.Submitted, "#note")
    def _save(self, event: NoteArea.Submitted) -> None:
        note = event.value.strip()
        if not note:
            self.query_one("#note-error", Static).update("A note is required for this verdict.")
            return
        self.dismiss(VerdictAnswer(self.decision, note))


class AnalysisVerdictDialog(Dialog[VerdictAnswer]):
    """The verdict on a whole analysis: decision, note, and a corrected root cause."""

    DEFAULT_CSS = DIALOG_CSS.format(name="AnalysisVerdictDialog") + (
        "AnalysisVerdictDialog Input { margin-top: 1; }"
    )

    def __init__(self, title: str, blockers: list[str], corrected: str | None) -> None:
        super().__init__()
        self.analysis_title = title
        self.blockers = blockers
        self.corrected = corrected or ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                shown_line(f"Verdict on the analysis: {self.analysis_title}"),
                classes="dialog-title",
            )
            with RadioSet(id="decision"):
                yield RadioButton("approve", value=True, id="approved")
                yield RadioButton("reject", id="rejected")
                yield RadioButton("needs evidence", id="needs-evidence")
            if self.blockers:
                shown = "; ".join(self.blockers[:BLOCKERS_SHOWN])
                more = len(self.blockers) - BLOCKERS_SHOWN
                if more > 0:
                    shown += f"; and {more} more"
                yield Static(shown_line(f"Approval is blocked by: {shown}"), classes="dialog-error")
            yield NoteArea(placeholder="note (required to reject or ask for evidence)", id="note")
            yield Input(
                value=self.corrected,
                placeholder="corrected root cause (optional)",
                id="corrected",
                compact=True,
            )
            yield Static("", classes="dialog-error", id="note-error")
            with Horizontal():
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
            yield Static(NOTE_HINT, classes="dialog-hint", markup=False)

    def _decision(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id if pressed is not None and pressed.id else "approved"

    @on(Input.Submitted)
    @on(NoteArea.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        decision = self._decision()
        note = self.query_one("#note", NoteArea).text.strip()
        if decision != "approved" and not note:
            self.query_one("#note-error", Static).update("A note is required for this verdict.")
            self.query_one("#note", NoteArea).focus()
            return
        corrected = self.query_one("#corrected", Input).value.strip() or None
        self.dismiss(VerdictAnswer(decision, note, corrected_root_cause=corrected))


class OverrideDialog(Dialog[VerdictAnswer]):
    """A refused approval: say why, and offer to approve anyway with a recorded note."""

    DEFAULT_CSS = DIALOG_CSS.format(name="OverrideDialog")

    def __init__(self, reason: str, answer: VerdictAnswer) -> None:
        super().__init__()
        self.reason = reason
        self.answer = answer

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Approval refused", classes="dialog-title")
            yield Static(shown(self.reason), classes="dialog-error", id="refusal")
            yield Static(
                "You may approve anyway: the override and its note appear in every report.",
                classes="dialog-hint",
            )
            yield NoteArea(self.answer.note, placeholder="override note (required)", id="note")
            yield Static(NOTE_HINT, classes="dialog-hint", markup=False)
            yield Static("", classes="dialog-error", id="note-error")
            with Horizontal():
                yield Button("Override and approve", variant="warning", id="override")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(NoteArea).focus()

    @on(NoteArea.Submitted)
    @on(Button.Pressed, "#override")
    def _override(self) -> None:
        note = self.query_one("#note", NoteArea).text.strip()
        if not note:
            self.query_one("#note-error", Static).update("An override needs a note.")
            return
        self.dismiss(VerdictAnswer("approved", note, True, self.answer.corrected_root_cause))


class CommentDialog(Dialog[str]):
    """A comment on an evidence item (several lines; empty removes it)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="CommentDialog")

    def __init__(self, target_label: str, comment: str = "") -> None:
        super().__init__()
        self.target_label = target_label
        self.initial = comment

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(shown_line(f"Comment on {self.target_label}"), classes="dialog-title")
            yield NoteArea(self.initial, placeholder="what this evidence shows", id="note")
            yield Static(NOTE_HINT + " · empty removes it", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(NoteArea).focus()

    @on(NoteArea.Submitted)
    def _save(self, event: NoteArea.Submitted) -> None:
        self.dismiss(event.value.strip())

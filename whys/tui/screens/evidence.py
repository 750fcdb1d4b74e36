"""Every evidence item of one why: what it is, how it was obtained (a sentence, not the raw
query), where it was taken, its pinned content and the auditor's comment; `m` comments on
the highlighted one, `d` detaches it (asked twice, so one stray key loses nothing).

The screen only asks (`DetachRequested`); the app detaches through the session and hands
the new list down with `show`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from whys.core.models import Evidence
from whys.tui import view

CONTENT_LINES = 40


def evidence_line(item: Evidence, comment: str = "") -> Text:
    line = Text()
    line.append(f"{item.kind:<7} ", style="bold")
    line.append_text(view.shown_line(view.evidence_sentence(item), limit=200))
    line.append_text(
        view.shown_line(
            f"  by {item.created_by or 'unknown'} · {view.show_time(item.created_at)}", "dim"
        )
    )
    if item.claim:
        line.append(f" · claim {item.claim}", style="dim")
    if comment:
        line.append("  💬 ", style="dim")
        line.append_text(view.shown_line(view.note_line(comment), "italic", limit=80))
    return line


class EvidenceScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    EvidenceScreen { align: center middle; }
    EvidenceScreen > Vertical {
        width: 95%; height: 90%; border: thick $accent; background: $surface;
    }
    EvidenceScreen Label { text-style: bold; padding: 0 1; }
    EvidenceScreen #evidence-list { height: 1fr; min-height: 3; border: none; }
    EvidenceScreen #evidence-body { height: 1fr; padding: 0 1; background: $boost; }
    EvidenceScreen #evidence-hint { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Close", id="evidence.close", tooltip="Back"),
        Binding(
            "m",
            "comment",
            "Comment",
            id="evidence.comment",
            tooltip="Write or change a comment on the highlighted evidence (several lines)",
        ),
        Binding(
            "d,delete",
            "detach",
            "Detach",
            id="evidence.detach",
            tooltip="Detach the highlighted evidence from the why (press twice)",
        ),
    ]

    @dataclass
    class DetachRequested(Message):
        analysis_index: int
        evidence_id: str

    @dataclass
    class CommentRequested(Message):
        analysis_index: int
        evidence_id: str

    def __init__(
        self,
        analysis_index: int,
        why: str,
        items: list[Evidence],
        comments: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.analysis_index = analysis_index
        self.why = why
        self.items = list(items)
        self.comments = dict(comments or {})
        self._armed: str | None = None  # the item a first `d` asked to detach

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("", id="evidence-title")
            yield OptionList(id="evidence-list")
            with VerticalScroll(id="evidence-body"):
                yield Static(id="evidence-content")
            yield Static("", id="evidence-hint")
            yield Footer()

    def on_mount(self) -> None:
        self.show(self.items)
        self.query_one(OptionList).focus()

    def show(self, items: list[Evidence], comments: dict[str, str] | None = None) -> None:
        """The why's evidence as it is now in the session."""
        self.items = list(items)
        if comments is not None:
            self.comments = dict(comments)
        self._armed = None
        count = len(self.items)
        self.query_one("#evidence-title", Label).update(
            view.shown_line(f"Evidence of why {self.why}: {count} item{'s' if count != 1 else ''}")
        )
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted or 0
        listing.clear_options()
        listing.add_options(
            [
                Option(evidence_line(item, self.comments.get(item.id, "")), id=item.id)
                for item in self.items
            ]
        )
        if self.items:
            listing.highlighted = min(highlighted, count - 1)
        self._show_content()
        self._hint("")

    @property
    def highlighted_item(self) -> Evidence | None:
        index = self.query_one(OptionList).highlighted
        return self.items[index] if index is not None and 0 <= index < len(self.items) else None

    def _hint(self, warning: str) -> None:
        hint = Text(warning, style="bold dark_orange3") if warning else Text()
        if not warning:
            hint.append(
                "m comments on the highlighted item · d detaches it · escape closes", style="dim"
            )
        self.query_one("#evidence-hint", Static).update(hint)

    def _show_content(self) -> None:
        item = self.highlighted_item
        body = Text()
        if item is None:
            body.append("No evidence left on this why.", style="dim")
        else:
            body.append_text(view.shown_line(view.evidence_sentence(item), "bold"))
            body.append("\n")
            body.append_text(view.shown_line(item.summary, "dim"))
            body.append(f"\ntaken at {item.revision}", style="dim")
            if item.truncated:
                body.append(" (content truncated)", style="dim")
            comment = self.comments.get(item.id, "")
            if comment:
                body.append("\ncomment: ", style="bold")
                body.append_text(view.shown(comment, "italic"))
            body.append("\n\n")
            lines = item.content.splitlines()
            body.append_text(view.shown("\n".join(lines[:CONTENT_LINES])))
            if len(lines) > CONTENT_LINES:
                body.append(f"\n… {len(lines) - CONTENT_LINES} more lines", style="dim")
        self.query_one("#evidence-content", Static).update(body)

    @on(OptionList.OptionHighlighted, "#evidence-list")
    def _moved(self) -> None:
        self._armed = None
        self._hint("")
        self._show_content()

    def action_comment(self) -> None:
        item = self.highlighted_item
        if item is not None:
            self.post_message(self.CommentRequested(self.analysis_index, item.id))

    def action_detach(self) -> None:
        item = self.highlighted_item
        if item is None:
            return
        if self._armed != item.id:
            self._armed = item.id
            self._hint(
                view.shown_line(
                    f"Detach “{view.one_line(item.summary, 60)}”? Press d again to detach."
                ).plain
            )
            return
        self._armed = None
        self.post_message(self.DetachRequested(self.analysis_index, item.id))

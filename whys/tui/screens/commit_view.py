"""The commit view: message, dates, containing branches and tags, stats and the diff."""

from __future__ import annotations

from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from whys.core.textsafe import visible
from whys.tui import view

DIFF_LIMIT = 200_000


def commit_header(detail: Any, refs: tuple[list[str], list[str]]) -> Text:
    info = getattr(detail, "info", detail)
    text = Text()
    text.append(f"commit {info.sha}\n", style="bold dark_orange3")
    text.append_text(
        view.shown_line(
            f"Author:    {info.author_name} <{info.author_email}>  "
            f"{view.show_time(info.author_date, '%Y-%m-%d %H:%M:%S')}"
        )
    )
    text.append("\n")
    text.append_text(
        view.shown_line(
            f"Committer: {info.committer_name} <{info.committer_email}>  "
            f"{view.show_time(info.committer_date, '%Y-%m-%d %H:%M:%S')}"
        )
    )
    text.append("\n")
    drift = abs((info.committer_date - info.author_date).total_seconds())
    if drift > 86400:
        text.append(
            f"author and committer dates are {drift / 86400:.1f} days apart "
            "(rebased or cherry-picked?)\n",
            style="bold dark_orange3",
        )
    branches, tags = refs
    if branches or tags:
        text.append_text(
            view.shown_line(
                "In: " + ", ".join([*branches, *(f"tag {t}" for t in tags)]), "dodger_blue2"
            )
        )
        text.append("\n")
    text.append("\n")
    message = getattr(detail, "message", "") or info.message or info.subject
    text.append_text(view.shown(message.rstrip() + "\n\n"))
    stats = getattr(detail, "stats", None)
    if stats:
        text.append_text(view.shown(_stats_text(stats), "dim"))
    return text


def _stats_text(stats: Any) -> str:
    lines = []
    for stat in stats:
        renamed = f"{stat.old_path} → " if getattr(stat, "old_path", None) else ""
        change = "binary" if stat.added is None else f"+{stat.added} -{stat.deleted}"
        lines.append(f" {renamed}{stat.path}  {change}")
    return "\n".join(lines) + "\n"


class CommitScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    CommitScreen { align: center middle; }
    CommitScreen > Vertical {
        width: 95%; height: 95%; border: thick $accent; background: $surface;
    }
    CommitScreen Label { text-style: bold; padding: 0 1; }
    CommitScreen VerticalScroll { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding(
            "escape,q", "dismiss(None)", "Close", id="commit.close", tooltip="Back to the timeline"
        ),
        Binding("O", "app.open_editor", "Editor", id="commit.edit", tooltip="Open in $EDITOR"),
        Binding("y", "app.copy", "Copy", id="commit.copy", tooltip="Copy to the clipboard"),
        Binding(
            "x",
            "attach",
            "Attach",
            id="commit.attach",
            tooltip="Attach this commit as evidence to the current why",
        ),
    ]

    class AttachRequested(Message):
        def __init__(self, sha: str) -> None:
            super().__init__()
            self.sha = sha

    def action_attach(self) -> None:
        self.post_message(self.AttachRequested(self.sha))

    def __init__(self, detail: Any, refs: tuple[list[str], list[str]]) -> None:
        super().__init__()
        self.detail = detail
        self.refs = refs
        self.sha = getattr(detail, "info", detail).sha

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Commit {self.sha[:12]}")
            with VerticalScroll(id="commit-body"):
                yield Static(commit_header(self.detail, self.refs), id="commit-header")
                diff = getattr(self.detail, "diff", "") or ""
                if len(diff) > DIFF_LIMIT:
                    diff = diff[:DIFF_LIMIT] + "\n… (diff cut for display)"
                if getattr(self.detail, "truncated", False):
                    diff += "\n… (diff truncated by whys)"
                yield Static(
                    Syntax(visible(diff), "diff", theme=self._syntax_theme(), word_wrap=True),
                    id="commit-diff",
                )
            yield Footer()

    def _syntax_theme(self) -> str:
        return "ansi_dark" if self.app.current_theme.dark else "ansi_light"

    def on_mount(self) -> None:
        self.query_one("#commit-body", VerticalScroll).focus()

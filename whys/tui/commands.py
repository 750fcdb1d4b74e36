"""The workbench's actions, described once: key, binding id, footer text, palette title and
tooltip. The app builds its BINDINGS, the command palette and the help screen from this
table, so the three can never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from whys.tui.app import WhysApp


@dataclass(frozen=True)
class Command:
    binding_id: str
    key: str
    action: str
    footer: str
    palette: str  # "group: action"
    tooltip: str
    show: bool = True
    key_display: str | None = None


COMMANDS: tuple[Command, ...] = (
    Command(
        "app.help",
        "question_mark",
        "help",
        "help",
        "help: every binding",
        "List every binding",
        key_display="?",
    ),
    Command(
        "evidence.grep",
        "slash",
        "grep",
        "grep",
        "evidence: grep the code",
        "Open the grep panel with the cursor in its pattern (enter runs it)",
        key_display="/",
    ),
    Command(
        "evidence.timeline",
        "t",
        "timeline",
        "timeline",
        "evidence: timeline",
        "Open the timeline: incident window, deployed revision, cited commits",
    ),
    Command(
        "verdict.approve",
        "a",
        "verdict('approved')",
        "approve",
        "verdict: approve",
        "Approve the selected why (or claim)",
    ),
    Command(
        "verdict.reject",
        "r",
        "verdict('rejected')",
        "reject",
        "verdict: reject",
        "Reject the selected why (or claim); asks for a note",
    ),
    Command(
        "verdict.needs_evidence",
        "n",
        "verdict('needs-evidence')",
        "needs",
        "verdict: needs evidence",
        "Mark the selected why (or claim) as needing evidence; asks for a note",
    ),
    Command(
        "verdict.analysis",
        "A",
        "analysis_verdict",
        "analysis",
        "verdict: whole analysis",
        "Verdict on the whole analysis (approval follows the rules; override with a note)",
    ),
    Command(
        "evidence.attach",
        "x",
        "attach",
        "attach",
        "evidence: attach to why",
        "Attach the selected grep hit or commit as evidence to the current why",
    ),
    Command(
        "evidence.list",
        "E",
        "evidence",
        "evidence",
        "evidence: list and detach",
        "List every evidence item of the current why, with its content; d detaches one",
        show=False,
    ),
    Command(
        "session.export",
        "e",
        "export",
        "export",
        "session: export verdict file",
        "Write the verdict file and its Markdown report, optionally signed",
    ),
    Command("app.quit", "q", "quit", "quit", "session: quit", "Quit; the session is already saved"),
    Command(
        "view.outline",
        "o",
        "focus_outline",
        "outline",
        "view: outline",
        "Move the cursor to the outline",
        show=False,
    ),
    Command(
        "view.why",
        "w",
        "why_panel",
        "why",
        "view: why text and claims",
        "Show the selected why's text and the claims table",
        show=False,
    ),
    Command(
        "view.claims",
        "c",
        "claims",
        "claims",
        "view: claims table",
        "Move to the claims table (s sorts by status, enter jumps to the claim)",
        show=False,
    ),
    Command(
        "work.cancel",
        "escape",
        "cancel",
        "cancel",
        "work: cancel running work",
        "Cancel a running search or history scan; otherwise back to the outline",
        show=False,
        key_display="esc",
    ),
    Command(
        "analysis.incident",
        "i",
        "incident",
        "incident",
        "analysis: set incident window",
        "Correct the incident start, end and deployed revision; the checks run again",
        show=False,
    ),
    Command(
        "checks.rerun",
        "R",
        "recheck",
        "re-check",
        "checks: re-run every check",
        "Read and check the analyses again (verdicts and evidence are kept)",
        show=False,
    ),
    Command(
        "view.theme",
        "ctrl+t",
        "toggle_theme",
        "theme",
        "view: light / dark theme",
        "Switch between Textual's light and dark themes",
        show=False,
    ),
)


def bindings() -> list[Binding]:
    return [
        Binding(
            command.key,
            command.action,
            command.footer,
            show=command.show,
            key_display=command.key_display,
            tooltip=command.tooltip,
            id=command.binding_id,
        )
        for command in COMMANDS
    ]


class WhysCommands(Provider):
    """One provider: every workbench action as "group: action"; those that do not apply
    right now are left out so the palette only offers what will work."""

    def _available(self) -> list[Command]:
        app: WhysApp = self.app  # type: ignore[assignment]
        return [command for command in COMMANDS if app.can_run(command.action)]

    async def discover(self) -> Hits:
        app: WhysApp = self.app  # type: ignore[assignment]
        for command in self._available():
            yield DiscoveryHit(
                command.palette,
                partial(app.run_palette_action, command.action),
                help=command.tooltip,
            )

    async def search(self, query: str) -> Hits:
        app: WhysApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for command in self._available():
            score = matcher.match(command.palette)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.palette),
                    partial(app.run_palette_action, command.action),
                    help=command.tooltip,
                )

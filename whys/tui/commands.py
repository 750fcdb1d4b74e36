"""The workbench's actions, described once: key, binding id, footer text, palette title and
tooltip. The app builds its BINDINGS, the command palette and the help screen from this
table, so the three can never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

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
        "review.next_contradicted",
        "right_square_bracket",
        "next_claim('contradicted', 1)",
        "next ✗",
        "review: next contradicted claim",
        "Move to the next contradicted claim (✗), across analyses",
        key_display="]",
    ),
    Command(
        "review.previous_contradicted",
        "left_square_bracket",
        "next_claim('contradicted', -1)",
        "prev ✗",
        "review: previous contradicted claim",
        "Move to the previous contradicted claim (✗)",
        show=False,
        key_display="[",
    ),
    Command(
        "review.next_undecided",
        "right_curly_bracket",
        "next_claim('undecided', 1)",
        "queue",
        "review: next claim without a verdict",
        "Move to the next claim that has no verdict yet: the review queue",
        key_display="}",
    ),
    Command(
        "view.filter",
        "f",
        "filter",
        "filter",
        "view: filter the outline",
        "Narrow the outline: text, ✗ ✓ ?, kind:commit, verdict:none (escape clears)",
        show=False,
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
    Command(
        "evidence.blame",
        "b",
        "blame",
        "blame",
        "evidence: blame the lines",
        "Blame the selected lines claim or grep hit (-M -C, honours .git-blame-ignore-revs); "
        "x in the blame attaches it",
        show=False,
    ),
    Command(
        "file.edit",
        "O",
        "open_editor",
        "editor",
        "file: open in $EDITOR",
        "Open the cited file at its line in $VISUAL or $EDITOR (from a claim, grep hit or "
        "blame line); the workbench resumes when the editor exits",
        show=False,
    ),
    Command(
        "file.copy",
        "y",
        "copy",
        "copy",
        "file: copy SHA or path:line",
        "Copy the selected commit's SHA, or the cited path:line, to the clipboard (OSC 52)",
        show=False,
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


@dataclass(frozen=True)
class PaletteEntry:
    title: str  # "group: action"
    action: str  # an app action, run as if its key were pressed
    tooltip: str


def palette_entries(panel_bindings: list[Binding]) -> list[PaletteEntry]:
    """Every action of the workbench: the app's commands, then the panels' own bindings
    (claims sort, timeline zoom and pan...), run through the app so they open their panel
    first. Titled "group: action" from the binding id."""
    entries = [PaletteEntry(c.palette, c.action, c.tooltip) for c in COMMANDS]
    for binding in panel_bindings:
        if not binding.id:
            continue
        group, _, name = binding.id.partition(".")
        title = f"{group}: {binding.description.lower()}"
        entries.append(PaletteEntry(title, f"panel_action('{binding.id}')", binding.tooltip))
    return entries


class WhysCommands(Provider):
    """One provider: every workbench action as "group: action". One that does not apply
    right now is listed greyed with the reason; choosing it says the reason."""

    def _entries(self) -> list[tuple[PaletteEntry, str | None]]:
        app: WhysApp = self.app  # type: ignore[assignment]
        return [(entry, app.palette_reason(entry.action)) for entry in app.palette_entries()]

    @staticmethod
    def _help(entry: PaletteEntry, reason: str | None) -> Content:
        # Content, not a string: the palette would read a string as markup, and a reason
        # can quote a file name.
        if reason is None:
            return Content(entry.tooltip)
        return Content.assemble((f"not now: {reason}", "italic"))

    async def discover(self) -> Hits:
        app: WhysApp = self.app  # type: ignore[assignment]
        for entry, reason in self._entries():
            title = Content(entry.title)
            yield DiscoveryHit(
                title.stylize("dim") if reason else title,
                partial(app.run_palette_action, entry.action),
                text=entry.title,
                help=self._help(entry, reason),  # type: ignore[arg-type]
            )

    async def search(self, query: str) -> Hits:
        app: WhysApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for entry, reason in self._entries():
            score = matcher.match(entry.title)
            if score > 0:
                shown = matcher.highlight(entry.title)
                yield Hit(
                    score * (0.5 if reason else 1.0),
                    shown.stylize("dim") if reason else shown,
                    partial(app.run_palette_action, entry.action),
                    text=entry.title,
                    help=self._help(entry, reason),  # type: ignore[arg-type]
                )

"""The workbench: one screen an auditor can run a whole incident review in.

State lives in the session (through `SessionStore`, which autosaves); the app keeps only
what it can rebuild from the session and the repository. Slow work runs in thread workers
that call the core and post messages (whys.tui.messages); handlers here, on the main
thread, change the session and hand attributes down to the widgets.

Entry point for the CLI: `run_workbench(store, repo) -> int`.
"""

from __future__ import annotations

import copy
import gc
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import actions, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import (
    DataTable,
    Header,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
    Tree,
)

from whys.core.claims.checking.paths import files_written_as
from whys.core.claims.checking.tree import Tree as RepoTree
from whys.core.models import Analysis, AnalysisAudit, Evidence, Session
from whys.core.repo import GitRepo
from whys.core.session import SessionStore, default_auditor
from whys.core.textsafe import visible, visible_line
from whys.core.timeline_view import TimelineRequest, build_timeline
from whys.core.verdict import approval_blockers
from whys.errors import VerdictRuleError, WhysError
from whys.tui import messages, view
from whys.tui.commands import COMMANDS, PaletteEntry, WhysCommands, bindings, palette_entries
from whys.tui.keymap import keymap_files, load_keymap
from whys.tui.screens.blame import BlameRequest, BlameScreen
from whys.tui.widgets.claims_table import ClaimsTable
from whys.tui.widgets.footer import WhysFooter
from whys.tui.widgets.grep_panel import GrepPanel, hit_location
from whys.tui.widgets.outline import NodeRef, Outline, OutlineTree
from whys.tui.widgets.pane import Pane
from whys.tui.widgets.timeline import TimelinePanel
from whys.tui.widgets.why_text import WhyText

if TYPE_CHECKING:
    # The dialogs and views (whys.tui.screens) load when first opened, not before the first
    # screen: their modules pull in Textual's text area, buttons, syntax highlighting. (The
    # blame view's request is asked for on every footer refresh: it loads with the app.)
    from whys.tui.screens.commit_view import CommitScreen
    from whys.tui.screens.evidence import EvidenceScreen
    from whys.tui.screens.export import ExportRequest
    from whys.tui.screens.incident import IncidentAnswer
    from whys.tui.screens.verdict import VerdictAnswer

PANELS = ("why", "grep", "timeline")
HIT_BATCH_SECONDS = 0.05
UI_SAVE_DELAY = 0.4
MAX_HITS = 1000
EVIDENCE_SHOWN = 3
WORKER_NICENESS = 10
# Actions that act on the main screen; inside a dialog they stay quiet. The editor and the
# clipboard also act from the file, commit and blame views.
MAIN_SCREEN_ACTIONS = {command.action.split("(")[0] for command in COMMANDS} - {
    "quit",
    "help",
    "open_editor",
    "copy",
}
MAIN_SCREEN_ACTIONS |= {"panel_action"}
# The panels' own bindings, also offered in the palette and the help.
PANEL_BINDINGS: tuple[Binding, ...] = (*ClaimsTable.BINDINGS, *TimelinePanel.BINDINGS)  # type: ignore[assignment]


def screen_of(screen: object, module: str, name: str) -> Any:
    """`screen` when it is a `name` of whys.tui.screens.`module`, else None. Asked on every
    footer refresh, so it never loads that module: until something loads it, no such screen
    can be open."""
    loaded = sys.modules.get(f"whys.tui.screens.{module}")
    kind = getattr(loaded, name, None)
    return screen if kind is not None and isinstance(screen, kind) else None


class WhysApp(App[int]):
    CSS_PATH = "whys.tcss"
    TITLE = "whys"
    SUB_TITLE = "Five Whys audit"
    BINDINGS = bindings()
    COMMANDS = App.COMMANDS | {WhysCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"

    def __init__(
        self,
        store: SessionStore,
        repo: GitRepo,
        *,
        auditor: str | None = None,
        check_on_open: bool = False,
    ) -> None:
        """`check_on_open`: the session was opened without checks (whys.core.audit.
        open_session); run them in a worker once the screen is up."""
        super().__init__()
        self.store = store
        self.repo = repo
        self.auditor = auditor or default_auditor()
        self.check_on_open = check_on_open
        self._superseded_shown = len(store.superseded)
        self._cancel_events: dict[str, threading.Event] = {}
        self._busy: dict[str, str] = {}  # group -> progress text
        self._busy_since: dict[str, float] = {}
        self._search_id = 0
        self._scan_id = 0
        self._last_search: dict[str, str] = {}
        self._file_lines: dict[int, list[str] | None] = {}
        self._ui_save_timer: Any = None
        # The analysis whose history the timeline shows (or is scanning); None: not yet.
        self._timeline_analysis: int | None = None
        self._scan_analysis: int | None = None
        self._restoring = True
        self._outline_tree: OutlineTree | None = None
        self._checks_on_open: threading.Event | None = None
        self._collection_paused = False
        self._save_error: str | None = None
        self._quit_warned = False
        known = {command.binding_id for command in COMMANDS}
        known |= {b.id for b in (*ClaimsTable.BINDINGS, *TimelinePanel.BINDINGS) if b.id}  # type: ignore[union-attr]
        self._user_keymap, self._keymap_problems = load_keymap(known)

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield Outline(id="outline")
            with TabbedContent(id="panels", initial="why"):
                with TabPane("Why", id="why"):
                    yield WhyText(id="why-text")
                    yield Pane(id="claim-detail")
                    yield ClaimsTable(id="claims")
                with TabPane("Grep", id="grep"):
                    yield GrepPanel(id="grep-panel")
                with TabPane("Timeline", id="timeline"):
                    yield TimelinePanel(id="timeline-panel")
        with Horizontal(id="status-bar"):
            yield Pane(id="status")
            yield Static(view.legend(), id="legend")
        yield WhysFooter()

    def on_load(self) -> None:
        # Until the first screen is up (see _restored), collect nothing: starting allocates
        # tens of thousands of objects (styles, widgets, rows) and no garbage worth a pause,
        # and each full collection on the way would hold up the first screen.
        gc.freeze()
        COLLECTION.pause()
        self._collection_paused = True

    def on_mount(self) -> None:
        if self._user_keymap:
            self.set_keymap(self._user_keymap)
        for problem in self._keymap_problems:
            self.notify(problem, title="keymap", severity="warning", timeout=8)
        session = self.store.session
        self.sub_title = f"{Path(session.repo).name} @ {session.revision}"
        outline = self.query_one(Outline)
        self._outline_tree = outline.tree
        outline.show(session)
        self._show_status()
        # Long work shows its running time, so a quiet pickaxe still looks alive.
        self.set_interval(1.0, self._tick)
        # The tree places its rows on the first refresh; the cursor can move only then.
        self.call_after_refresh(self._restore_ui, dict(session.ui))
        if self.check_on_open and session.analyses:
            # Said at once (the first screen shows the checks as running), started once
            # that screen is painted: until then the worker would compete with it.
            self._checks_on_open = self._begin("checks", "checking the analyses…")

    def on_unmount(self) -> None:
        # Closing: what was kept out of the collector's sight (see _restored, and the
        # history loads) may be collected again; the collector runs again even when the
        # workbench closes before its first screen was up.
        self._resume_collection()
        gc.unfreeze()

    def _resume_collection(self) -> None:
        if self._collection_paused:
            self._collection_paused = False
            COLLECTION.resume()

    def _restore_ui(self, state: dict[str, Any]) -> None:
        self._restoring = True
        ref = NodeRef.from_state(state)
        if ref is None or not self.query_one(Outline).select(ref):
            ref = NodeRef("analysis", 0) if self.store.session.analyses else None
            if ref is not None:
                self.query_one(Outline).select(ref)
                # The selection is what the cursor shows, so every action acts on the row
                # the auditor sees (written with the next save).
                self.store.session.ui = {**self.store.session.ui, **ref.as_state()}
        grep_state = state.get("grep")
        if isinstance(grep_state, dict):
            self.query_one(GrepPanel).fill(
                str(grep_state.get("pattern", "")),
                str(grep_state.get("glob", "")),
                str(grep_state.get("revision", "")),
            )
            self._last_search = {key: str(value) for key, value in grep_state.items()}
        panel = state.get("panel")
        filter_text = state.get("filter")
        if isinstance(filter_text, str) and filter_text:
            self.query_one(Outline).set_filter(filter_text)
            if ref is not None:
                self.query_one(Outline).select(ref)
        if ref is not None:
            self._show_selection(ref)
        if panel in PANELS:
            self._open_panel(str(panel), save=False)
        if panel == "grep" and self._last_search.get("pattern"):
            # Hits are not kept in the session (they are re-derivable): run the search again.
            self.post_message(
                GrepPanel.Requested(
                    self._last_search["pattern"],
                    self._last_search.get("glob", ""),
                    self._last_search.get("revision", ""),
                )
            )
        self.query_one(OutlineTree).focus()
        self.call_after_refresh(self._restored)

    def _restored(self) -> None:
        self._restoring = False
        # What the first screen holds lives as long as the workbench: the collector runs
        # again with it out of sight (COLLECTION.resume freezes), so a full collection
        # (otherwise hundreds of milliseconds with every thread stopped, the screen's too)
        # walks only what came after. Once: whatever is garbage at that moment stays until
        # the workbench closes.
        self._resume_collection()
        cancel, self._checks_on_open = self._checks_on_open, None
        if cancel is not None and not cancel.is_set():
            self._run_checks(cancel, reuse=True)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification goes through here: its text is content, never markup, with
        control characters made visible (it often quotes a file, a subject, an analysis)."""
        super().notify(
            visible(message),
            title=visible_line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def on_resize(self) -> None:
        # At 80 columns the footer needs every cell for the workbench's own keys.
        footer = self.query_one(WhysFooter)
        footer.show_command_palette = self.size.width >= 110
        footer.compact = self.size.width < 110

    # -- selection (kept in the session's ui state) ------------------------------------

    @property
    def selection(self) -> NodeRef | None:
        """The outline row the actions act on, as the session keeps it; None when it names
        an analysis the session does not hold.

        While the outline has focus its cursor row wins: a key typed right after an arrow
        (down, then `a`) reaches the app before the outline's highlight message does, and
        must act on the row the auditor sees."""
        ref = NodeRef.from_state(self.store.session.ui)
        # Read on every key (the footer asks for each command): kept, not queried.
        tree = self._outline_tree if self.is_running else None
        if tree is not None and tree.has_focus and not self._restoring:
            cursor = tree.cursor_node
            if cursor is not None and cursor.data is not None:
                ref = cursor.data
        if ref is None or not 0 <= ref.analysis < len(self.store.session.analyses):
            return None
        return ref

    @property
    def current_panel(self) -> str:
        return self.query_one(TabbedContent).active or "why"

    def _save_ui(self, ref: NodeRef | None = None, *, now: bool = False) -> None:
        state: dict[str, Any] = dict(self.store.session.ui)
        if ref is not None:
            state.update(ref.as_state())
        state["panel"] = self.current_panel
        if self._last_search:
            state["grep"] = dict(self._last_search)
        # Selection is held in memory at once; the file write is coalesced so holding down
        # an arrow key does not fsync on every row.
        self.store.session.ui = state
        if self._ui_save_timer is not None:
            self._ui_save_timer.stop()
            self._ui_save_timer = None
        if now:
            self._write_ui()
        else:
            self._ui_save_timer = self.set_timer(UI_SAVE_DELAY, self._write_ui)

    def _write_ui(self) -> None:
        self._ui_save_timer = None
        try:
            self.store.set_ui_state(self.store.session.ui)
        except WhysError as error:
            self._store_failed(error, "session not saved")
            return
        self._after_save()

    def _store_failed(self, error: WhysError, title: str) -> bool:
        """A session change raised. When the change is in memory but the file could not be
        written (read-only folder, full disk), say so in the status bar until a save works,
        and return True: the screen shows the change, and the next change retries the save."""
        unsaved = self.store.unsaved
        if unsaved:
            self._save_error = error.message
            title = "session NOT saved"
        self.notify(error.message, title=title, severity="error", timeout=10)
        self._show_status()
        return unsaved

    def _after_save(self) -> None:
        """When another process (a `whys verdict`, a second workbench) saved this session
        while it was open, the store merged their verdicts and evidence into ours and kept
        their file aside: say so, once per copy, and show the merged marks."""
        if self._save_error is not None and not self.store.unsaved:
            self._save_error = None
            self.notify("the session is saved again", title="session saved", timeout=4)
            self._show_status()
        kept = self.store.superseded[self._superseded_shown :]
        self._superseded_shown = len(self.store.superseded)
        for path in kept:
            self.notify(
                f"Another process saved this session while it was open. Their verdicts and "
                f"evidence are merged into yours; their file is kept at {path}",
                title="session changed elsewhere",
                severity="warning",
                timeout=20,
            )
        if kept:
            self.query_one(Outline).refresh_marks(self.store.session)
            self._show_status()

    def _audit(self, index: int | None = None) -> AnalysisAudit | None:
        if index is None:
            ref = self.selection
            index = ref.analysis if ref is not None else 0
        analyses = self.store.session.analyses
        if index is None or not 0 <= index < len(analyses):
            return None
        return analyses[index]

    def _current_why(self) -> str | None:
        """The why evidence attaches to: the selected why, or the selected claim's why."""
        ref = self.selection
        audit = self._audit()
        if ref is None or audit is None:
            return None
        if ref.kind == "why":
            return ref.item
        if ref.kind == "claim":
            claim = next((c for c in audit.analysis.claims if c.id == ref.item), None)
            return claim.why if claim else None
        return None

    @on(Tree.NodeHighlighted, "#outline-tree")
    def _outline_moved(self, event: Tree.NodeHighlighted) -> None:
        ref = event.node.data
        if ref is None or ref == NodeRef.from_state(self.store.session.ui) or self._restoring:
            return
        self._save_ui(ref)
        self._show_selection(ref)

    @on(Tree.NodeSelected, "#outline-tree")
    def _outline_opened(self, event: Tree.NodeSelected) -> None:
        """Enter on a row: an analysis or the "claims outside any why" group expands or
        collapses; a why or claim opens its text (expanding a collapsed why first)."""
        node = event.node
        ref = node.data
        if ref is None or ref.kind == "analysis":
            node.toggle()
            return
        if node.children and not node.is_expanded:
            node.expand()
        self._open_panel("why")
        self.call_after_refresh(self.query_one(WhyText).focus)

    # -- the outline filter and the review queue ------------------------------------------

    def action_filter(self) -> None:
        self.query_one(Outline).open_filter()

    @on(Outline.FilterChanged)
    def _filter_changed(self, message: Outline.FilterChanged) -> None:
        state = dict(self.store.session.ui)
        state["filter"] = message.text
        self.store.session.ui = state
        self._save_ui()

    def action_next_claim(self, wanted: str, step: int) -> None:
        """Move to the next (step 1) or previous (-1) claim that is contradicted, or that
        has no verdict yet, after the selection, across analyses, wrapping round."""
        session = self.store.session
        queue = [
            NodeRef("claim", index, claim.id)
            for index, audit in enumerate(session.analyses)
            for claim in audit.analysis.claims
            if self._claim_wanted(audit, claim.id, wanted)
        ]
        if not queue:
            what = "contradicted claim" if wanted == "contradicted" else "claim without a verdict"
            self.notify(f"No {what} left.", title="review", timeout=4)
            return
        order = {
            NodeRef("claim", index, claim.id): position
            for position, (index, claim) in enumerate(
                (index, claim)
                for index, audit in enumerate(session.analyses)
                for claim in audit.analysis.claims
            )
        }
        here = self.selection
        anchor = self._queue_anchor(here, order)
        after = [ref for ref in queue if (order[ref] - anchor) * step > 0]
        target = (after[0] if step > 0 else after[-1]) if after else queue[0 if step > 0 else -1]
        outline = self.query_one(Outline)
        if not outline.select(target):
            # Hidden by the filter: clear it, the queue goes over every claim.
            outline.set_filter("")
            self._filter_changed(Outline.FilterChanged(""))
            outline.select(target)
        self._save_ui(target)
        self._show_selection(target)
        position = queue.index(target) + 1
        self.notify(f"{target.item}: {position} of {len(queue)}", title="review", timeout=2)

    def _claim_wanted(self, audit: AnalysisAudit, claim_id: str, wanted: str) -> bool:
        if wanted == "contradicted":
            return view.claim_status(audit, claim_id) == "contradicted"
        return view.latest_verdict(audit, "claim", claim_id) is None

    def _queue_anchor(self, here: NodeRef | None, order: dict[NodeRef, int]) -> float:
        """Where the selection sits among the claims: a why or analysis row sits just
        before its first claim."""
        if here is None:
            return -0.5
        if here in order:
            return order[here]
        audit = self._audit(here.analysis)
        claims = audit.analysis.claims if audit else []
        first = next((c.id for c in claims if here.kind == "analysis" or c.why == here.item), None)
        if first is not None:
            return order[NodeRef("claim", here.analysis, first)] - 0.5
        before = [position for ref, position in order.items() if ref.analysis <= here.analysis]
        return max(before, default=-1) + 0.5

    def _show_selection(self, ref: NodeRef) -> None:
        audit = self._audit(ref.analysis)
        if audit is None:
            return
        claim_id = ref.item if ref.kind == "claim" else None
        why_id = ref.item if ref.kind == "why" else None
        if claim_id is not None:
            claim = next((c for c in audit.analysis.claims if c.id == claim_id), None)
            why_id = claim.why if claim else None
        lines = self._lines_for(ref.analysis, audit, why_id)
        self.query_one(WhyText).show(audit, lines, claim_id)
        claims = self.query_one(ClaimsTable)
        if getattr(claims, "_shown_analysis", None) != (ref.analysis, id(audit)):
            claims.show(audit, claim_id, self._not_checked(audit) or "not checked")
            claims._shown_analysis = (ref.analysis, id(audit))  # type: ignore[attr-defined]
        else:
            claims.select_claim(claim_id)
        self._show_detail(audit, ref)
        self._refresh_availability()

    def _lines_for(
        self, index: int, audit: AnalysisAudit, why_id: str | None
    ) -> list[tuple[int, str]]:
        file_lines = self._analysis_file_lines(index, audit)
        why = next((w for w in audit.analysis.whys if w.id == why_id), None)
        if why is None:
            if file_lines is None:
                return [(1, "(the analysis file cannot be read any more)")]
            return list(enumerate(file_lines, start=1))
        if file_lines is not None:
            return [
                (n, file_lines[n - 1])
                for n in range(why.line, min(why.end_line, len(file_lines)) + 1)
            ]
        return [(why.line + offset, text) for offset, text in enumerate(why.text.splitlines())]

    def _analysis_file_lines(self, index: int, audit: AnalysisAudit) -> list[str] | None:
        """The file as it was checked; None when it changed or vanished since."""
        if index not in self._file_lines:
            import hashlib

            try:
                data = Path(audit.analysis.path).read_bytes()
            except OSError:
                self._file_lines[index] = None
            else:
                same = hashlib.sha256(data).hexdigest() == audit.analysis.sha256
                text = data.decode("utf-8", "replace")
                self._file_lines[index] = text.splitlines() if same else None
        return self._file_lines[index]

    def _show_detail(self, audit: AnalysisAudit, ref: NodeRef) -> None:
        shown, line = view.shown, view.shown_line
        detail = Text()
        if ref.kind == "claim":
            claim = next((c for c in audit.analysis.claims if c.id == ref.item), None)
            check = view.check_for(audit, ref.item or "")
            if claim is not None:
                detail.append_text(view.status_mark(check.status if check else None))
                detail.append_text(
                    line(f" {claim.id} · line {claim.line} · {claim.kind} · ", "bold")
                )
                detail.append_text(shown(check.detail if check else self._not_checked(audit)))
                if check and check.suggestion:
                    detail.append_text(shown(f"\n  suggestion: {check.suggestion}", "italic"))
                verdict = view.latest_verdict(audit, "claim", claim.id)
                if verdict:
                    detail.append("\n  ")
                    detail.append_text(view.verdict_line(verdict))
        elif ref.kind == "why":
            verdict = view.latest_verdict(audit, "why", ref.item)
            claims = view.claims_of_why(audit, ref.item)
            evidence = [e for e in audit.evidence if e.why == ref.item]
            detail.append_text(line(f"Why {ref.item}: ", "bold"))
            detail.append(f"{len(claims)} claims, {len(evidence)} evidence items. ")
            if verdict:
                detail.append_text(view.verdict_line(verdict))
            else:
                detail.append("No verdict yet (a / r / n).", style="dim")
            for claim in claims:
                claim_verdict = view.latest_verdict(audit, "claim", claim.id)
                if claim_verdict is not None and claim_verdict.override:
                    detail.append(f"\n  {claim.id}: ")
                    detail.append_text(view.verdict_line(claim_verdict))
            shown_items = evidence[-EVIDENCE_SHOWN:]
            # One row each, so the pane (a few rows high) still has room for the hint.
            room = max(self.query_one("#claim-detail", Static).size.width - 8, 30)
            for item in shown_items:
                detail.append("\n  📎 ", style="dim")
                detail.append_text(line(view.evidence_sentence(item), "dim", limit=room))
            if evidence:
                more = len(evidence) - len(shown_items)
                lead = f"{more} more; " if more > 0 else ""
                detail.append(f"\n  ({lead}E lists all, comments and detaches)", style="dim italic")
        else:
            analysis = audit.analysis
            verdict = view.latest_verdict(audit, "analysis", None)
            detail.append_text(line(Path(analysis.path).name, "bold"))
            detail.append(f"  {len(analysis.whys)} whys, {len(analysis.claims)} claims  ")
            detail.append(view.status_counts(audit))
            if checking := self._not_checked(audit, quiet=True):
                detail.append(f"  {checking}", style="italic")
            if verdict:
                detail.append("\n  ")
                detail.append_text(view.verdict_line(verdict))
            incident = analysis.incident
            window = " → ".join(
                view.show_time(moment) for moment in (incident.start, incident.end) if moment
            )
            detail.append("\n  ")
            detail.append_text(
                line(
                    f"incident {window or 'not stated'} · deployed "
                    f"{incident.deployed_revision or 'not stated'} (i corrects it)",
                    "dim",
                )
            )
            for finding in audit.findings:
                style = "red3" if finding.severity == "error" else "dark_orange3"
                detail.append("\n  ")
                detail.append_text(line(f"⚠ {finding.rule}: {finding.message}", style))
            if not analysis.whys:
                detail.append("\n  No why chain was found in this analysis.", style="dark_orange3")
            for warning in analysis.warnings[:3]:
                detail.append("\n  ")
                detail.append_text(line(f"note: {warning}", "dim"))
        self.query_one("#claim-detail", Static).update(detail)

    def _not_checked(self, audit: AnalysisAudit, *, quiet: bool = False) -> str:
        """What to say where a check result would be: running, not run, or (quiet) nothing."""
        from whys.core.audit import needs_checks

        if not needs_checks(audit, self.store.session.revision_sha):
            return "" if quiet else "not checked"
        if "checks" in self._busy:
            return "checks running…"
        return "not checked at this revision (R runs the checks)"

    @on(OptionList.OptionSelected, "#why-text")
    def _why_line_opened(self, event: OptionList.OptionSelected) -> None:
        ref = self.selection
        audit = self._audit()
        if ref is None or audit is None or not event.option.id:
            return
        line = int(event.option.id)
        claim = next((c for c in audit.analysis.claims if c.line == line), None)
        if claim is not None:
            self._jump_to_claim(ref.analysis, claim.id)

    @on(DataTable.RowSelected, "#claims")
    def _claim_row_opened(self, event: DataTable.RowSelected) -> None:
        ref = self.selection
        if ref is None or event.row_key.value is None:
            return
        self._jump_to_claim(ref.analysis, str(event.row_key.value))
        self.query_one(WhyText).focus()

    def _jump_to_claim(self, analysis: int, claim_id: str) -> None:
        ref = NodeRef("claim", analysis, claim_id)
        self._save_ui(ref)
        self.query_one(Outline).select(ref)
        self._show_selection(ref)

    # -- panels -----------------------------------------------------------------------

    def _open_panel(self, panel: str, *, save: bool = True) -> None:
        self.query_one(TabbedContent).active = panel
        self._widen_panels(panel)
        if panel == "timeline":
            self._load_timeline()
        if save:
            self._save_ui()
        self._refresh_availability()

    def _load_timeline(self) -> None:
        """Scan the selected analysis's history unless the picture already shows it or a
        scan of it is running."""
        ref = self.selection
        index = ref.analysis if ref is not None else 0
        if self._timeline_analysis == index:
            return
        if "timeline" in self._busy and self._scan_analysis == index:
            return
        saved = self._timeline_state()
        if saved.get("analysis") == index:
            self._start_timeline_scan(str(saved.get("pickaxe", "")), str(saved.get("path", "")))
        else:
            self._start_timeline_scan("", "")

    def _timeline_state(self) -> dict[str, Any]:
        """The timeline as the session keeps it: analysis, pickaxe, path, zoom and pan."""
        state = self.store.session.ui.get("timeline")
        return dict(state) if isinstance(state, dict) else {}

    def _save_timeline_state(self, **changes: Any) -> None:
        state = dict(self.store.session.ui)
        state["timeline"] = {**self._timeline_state(), **changes}
        self.store.session.ui = state
        self._save_ui()

    @on(TimelinePanel.ViewChanged)
    def _timeline_view_changed(self, message: TimelinePanel.ViewChanged) -> None:
        if self._timeline_analysis is None:
            return
        self._save_timeline_state(
            analysis=self._timeline_analysis,
            view=[message.start.isoformat(), message.end.isoformat()],
        )

    @on(TabbedContent.TabActivated, "#panels")
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        panel = event.pane.id or "why"
        self._widen_panels(panel)
        if panel == "timeline":
            self._load_timeline()
        if self.store.session.ui.get("panel") != panel:
            self._save_ui()
        self._refresh_availability()

    def _widen_panels(self, panel: str) -> None:
        """Grep hits and the timeline need width more than the outline does."""
        self.screen_stack[0].set_class(panel != "why", "-wide-panels")

    # A pane switched to becomes visible on the next refresh; focus can land only then.

    def action_grep(self) -> None:
        self._open_panel("grep")
        self.call_after_refresh(self.query_one(GrepPanel).focus_pattern)

    def action_timeline(self) -> None:
        self._open_panel("timeline")
        self.call_after_refresh(self.query_one(TimelinePanel).commit_list.focus)

    def action_why_panel(self) -> None:
        self._open_panel("why")
        self.call_after_refresh(self.query_one(WhyText).focus)

    def action_claims(self) -> None:
        self._open_panel("why")
        self.call_after_refresh(self.query_one(ClaimsTable).focus)

    def action_focus_outline(self) -> None:
        self.query_one(OutlineTree).focus()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"
        ref = self.selection
        if ref is not None:
            self._show_selection(ref)

    def action_help(self) -> None:
        rows: list[tuple[str, str, str, str, str]] = [
            ("↑ ↓", "move", "", "Move in the outline, the why text, tables and lists", ""),
            (
                "enter",
                "open",
                "",
                "Open the selected why or claim; run a search; open a hit or commit",
                "",
            ),
            ("tab", "next panel", "", "Move focus between the outline and the panels", ""),
            ("ctrl+p", "palette", "", "Every action as 'group: action'", ""),
            ("space", "expand", "", "Expand or collapse the outline row", ""),
            ("m", "comment", "evidence.comment", "In the evidence list: comment on an item", ""),
            ("x", "attach", "blame.attach", "In the blame view: attach the blamed range", ""),
        ]
        for command in COMMANDS:
            key = self._user_keymap.get(command.binding_id, command.key_display or command.key)
            _namespace, name, parameters = actions.parse(command.action)
            reason = self.unavailable_reason(name, parameters) or ""
            rows.append((key, command.footer, command.binding_id, command.tooltip, reason))
        for binding in PANEL_BINDINGS:
            key = self._user_keymap.get(binding.id or "", binding.key)  # type: ignore[union-attr]
            key = self.get_key_display(Binding(key.split(",")[0], ""))
            rows.append(
                (
                    key,
                    binding.description,
                    binding.id or "",  # type: ignore[union-attr]
                    binding.tooltip,
                    "",
                )
            )  # type: ignore[union-attr]
        files = " or ".join(str(path) for path in keymap_files())
        note = f'Remap any binding by id in {files}, e.g. "verdict.reject" = "R".'
        from whys.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(rows, note))

    # -- availability -----------------------------------------------------------------

    def _refresh_availability(self) -> None:
        """Redraw the footer only when what is available changed: a footer rebuild costs
        tens of milliseconds, too much for every arrow key."""
        availability = tuple(self.can_run(command.action) for command in COMMANDS)
        if availability != getattr(self, "_availability", None):
            self._availability = availability
            self.refresh_bindings()

    def can_run(self, action: str) -> bool:
        _namespace, name, parameters = actions.parse(action)
        return bool(self.check_action(name, parameters))

    def run_palette_action(self, action: str) -> None:
        self.call_later(self.run_action, action)

    def _dialog_open(self) -> bool:
        """A dialog or view is over the workbench. The command palette does not count: it
        runs the workbench's actions, so they must stay available under it."""
        return any(
            isinstance(screen, ModalScreen) and not isinstance(screen, CommandPalette)
            for screen in self.screen_stack[1:]
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_SCREEN_ACTIONS and self._dialog_open():
            return False
        return None if self.unavailable_reason(action, parameters) else True

    def palette_entries(self) -> list[PaletteEntry]:
        return palette_entries(list(PANEL_BINDINGS))

    def palette_reason(self, action: str) -> str | None:
        """Why a palette entry does not apply now (it is listed greyed); None when it does."""
        _namespace, name, parameters = actions.parse(action)
        if name in MAIN_SCREEN_ACTIONS and self._dialog_open():
            return "Close the dialog first."
        return self.unavailable_reason(name, parameters)

    def action_panel_action(self, binding_id: str) -> None:
        """A panel's own binding run from the palette: open its panel, then run it there."""
        binding = next(b for b in PANEL_BINDINGS if b.id == binding_id)
        if binding_id.startswith("claims."):
            self.action_claims()
            target: Any = self.query_one(ClaimsTable)
        else:
            self._open_panel("timeline")
            target = self.query_one(TimelinePanel)
        self.call_after_refresh(self.run_action, binding.action, target)

    def unavailable_reason(self, action: str, parameters: tuple[object, ...] = ()) -> str | None:
        """Why an action does not apply right now (its binding is greyed out); None when it
        does. Pressing a greyed-out key shows this as a notification."""
        session = self.store.session
        ref = self.selection
        needs_analysis = ("analysis_verdict", "export", "recheck", "incident", "evidence")
        if action in needs_analysis and not session.analyses:
            return "The session holds no analysis."
        if action == "verdict":
            if ref is None or ref.kind not in ("why", "claim"):
                return "Select a why or a claim in the outline first; A judges the analysis."
            if parameters[:1] == ("approved",):
                return self._unchecked_reason(ref.analysis, "Approval")
        if action == "analysis_verdict":
            return self._unchecked_reason(ref.analysis if ref else 0, "The analysis verdict")
        if action == "export":
            unchecked = [
                index for index in range(len(session.analyses)) if self._unchecked_reason(index, "")
            ]
            if unchecked:
                return self._unchecked_reason(unchecked[0], "Export")
        if action == "blame" and self._blame_target() is None:
            return "Select a lines claim in the outline, or a grep hit (/), to blame its lines."
        if action == "open_editor" and self._cited_place() is None:
            return "Select a claim that cites a file, a grep hit or a blame line first."
        if action == "copy" and self._copy_target() is None:
            return "Select a commit, a claim that cites a file or commit, or a grep hit first."
        if action == "attach" and self._attachable() is None:
            return "Nothing to attach: highlight a grep hit (/) or a timeline commit (t) first."
        if action == "evidence":
            why = self._current_why()
            if why is None:
                return "Select a why (or one of its claims) to list its evidence."
            audit = self._audit()
            if audit is None or not any(item.why == why for item in audit.evidence):
                return f"Why {why} has no evidence yet: attach a grep hit or a commit with x."
        return None

    def _unchecked_reason(self, index: int, what: str) -> str | None:
        from whys.core.audit import needs_checks

        audit = self._audit(index)
        if audit is None or not needs_checks(audit, self.store.session.revision_sha):
            return None
        name = Path(audit.analysis.path).name
        if "checks" in self._busy:
            return f"{what} waits for the checks of {name}, still running."
        return f"{what} needs the checks of {name}, which have not run: R runs them."

    async def run_action(
        self,
        action: str | actions.ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """A greyed-out workbench key, pressed, says why it does not apply instead of
        doing nothing."""
        target, name, parameters = self._parse_action(
            action, self if default_namespace is None else default_namespace, namespaces
        )
        if target is self and self.check_action(name, parameters) is None:
            reason = self.unavailable_reason(name, parameters)
            if reason:
                self.notify(reason, title="not available", severity="warning", timeout=5)
                return True
        return await super().run_action(action, default_namespace, namespaces)

    def _attachable(self) -> tuple[str, Any] | None:
        if not self.store.session.analyses:
            return None
        try:
            panel = self.current_panel
        except Exception:  # noqa: BLE001 - before the layout exists nothing is attachable
            return None
        if panel == "grep":
            hit = self.query_one(GrepPanel).highlighted_hit
            return ("hit", hit) if hit is not None else None
        if panel == "timeline":
            option = self.query_one(TimelinePanel).commit_list.highlighted_option
            return ("commit", option.id) if option is not None and option.id else None
        return None

    # -- progress and cancelling ----------------------------------------------------------

    def _begin(self, group: str, text: str) -> threading.Event:
        previous = self._cancel_events.get(group)
        if previous is not None:
            previous.set()
        cancel = threading.Event()
        self._cancel_events[group] = cancel
        self._busy[group] = text
        self._busy_since[group] = time.monotonic()
        self._show_status()
        return cancel

    def _end(self, group: str) -> None:
        self._busy.pop(group, None)
        self._busy_since.pop(group, None)
        self._cancel_events.pop(group, None)
        self._show_status()

    def _show_status(self) -> None:
        status = self.query_one("#status", Static)
        if self._busy:
            line = Text("⏳ ", style="bold")
            line.append(" · ".join(self._busy.values()))
            started = min(self._busy_since.get(group, 0.0) for group in self._busy)
            elapsed = time.monotonic() - started
            if elapsed >= 1:
                line.append(f" {elapsed:.0f}s", style="dim")
            line.append("  (esc cancels)", style="dim")
        elif self.store.unsaved:
            line = view.shown_line(
                f"NOT SAVED: {self._save_error or 'the last change was not written'} "
                "(every change retries)",
                "bold white on red3",
            )
        else:
            line = view.shown_line(
                f"auditor {self.auditor} · saved to {self.store.path.name}", "dim"
            )
            if self.store.superseded:
                line.append(
                    f" · other writer's copy: {self.store.superseded[-1].name}",
                    style="bold dark_orange3",
                )
        status.update(line)

    def _tick(self) -> None:
        if self._busy:
            self._show_status()

    @on(messages.WorkProgressed)
    def _progressed(self, message: messages.WorkProgressed) -> None:
        if message.group in self._busy:
            self._busy[message.group] = message.text
            self._show_status()

    @contextmanager
    def _failure_reported(self, group: str, failure: str) -> Iterator[WorkerOutcome]:
        """Around a thread worker's call into the core: an error becomes a WorkFailed
        message (its own text for a WhysError, `failure` for anything unforeseen), because
        a worker must never take the screen down. The worker returns when `failed`."""
        outcome = WorkerOutcome()
        try:
            yield outcome
        except WhysError as error:
            self.post_message(messages.WorkFailed(group, error.message))
            outcome.failed = True
        except Exception as error:  # noqa: BLE001 - a worker must never take the screen down
            self.post_message(messages.WorkFailed(group, f"{failure}: {error}"))
            outcome.failed = True

    @on(messages.WorkFailed)
    def _failed(self, message: messages.WorkFailed) -> None:
        self._end(message.group)
        self.notify(message.error, title=message.group, severity="error", timeout=8)
        if message.group == "grep":
            self.query_one(GrepPanel).set_status(Text(message.error, style="red3"))
        elif message.group == "timeline":
            self.query_one(TimelinePanel).set_status(Text(message.error, style="red3"))

    def action_cancel(self) -> None:
        """Escape: stop running work at once, as far as the screen is concerned. The worker
        sees its event set and stops at its next check; whatever it posts later belongs to
        a stale scan id and is dropped."""
        if not self._busy:
            self.query_one(OutlineTree).focus()
            return
        for event in self._cancel_events.values():
            event.set()
        cancelled = list(self._busy)
        for group in cancelled:
            self.workers.cancel_group(self, group)
            self._end(group)
            if group == "grep":
                self._search_id += 1
                panel = self.query_one(GrepPanel)
                panel.finish(len(panel.hits), cancelled=True, capped=False)
            elif group == "timeline":
                self._scan_id += 1
                self.query_one(TimelinePanel).set_status(
                    Text(
                        "scan cancelled; the picture shows the previous scan", style="dark_orange3"
                    )
                )
        if "checks" in cancelled:
            self.notify(
                "checks cancelled: the marks are those on record; R runs the checks again",
                timeout=6,
            )
            self._refresh_availability()
        else:
            self.notify("cancelled", timeout=2)

    # -- grep -------------------------------------------------------------------------

    @on(GrepPanel.Requested)
    def _grep_requested(self, request: GrepPanel.Requested) -> None:
        self._search_id += 1
        self._last_search = {
            "pattern": request.pattern,
            "glob": request.glob,
            "revision": request.revision,
        }
        self._save_ui()
        self.query_one(GrepPanel).start(request.pattern)
        cancel = self._begin("grep", f"grep {request.pattern!r}…")
        self._search(self._search_id, request.pattern, request.glob, request.revision, cancel)

    @work(thread=True, exclusive=True, group="grep", exit_on_error=False)
    def _search(
        self, search_id: int, pattern: str, glob: str, revision: str, cancel: threading.Event
    ) -> None:
        from whys.core.search import SearchStats, search

        lower_priority()
        stats = SearchStats()
        batch: list[Any] = []
        flushed = time.monotonic()
        with self._failure_reported("grep", "search failed") as outcome:
            hits = search(
                self.repo.root,
                pattern,
                globs=(glob,) if glob else (),
                max_hits=MAX_HITS,
                cancel=cancel,
                stats=stats,
                repo=self.repo if revision else None,
                rev=revision or None,
            )
            for hit in hits:
                batch.append(hit)
                if time.monotonic() - flushed > HIT_BATCH_SECONDS:
                    self.post_message(messages.SearchHitsFound(search_id, batch))
                    batch, flushed = [], time.monotonic()
        if outcome.failed:
            return
        if batch:
            self.post_message(messages.SearchHitsFound(search_id, batch))
        extra = (
            f"{stats.binary_files_skipped} binary files skipped"
            if stats.binary_files_skipped
            else ""
        )
        self.post_message(
            messages.SearchFinished(
                search_id,
                stats.hits,
                cancel.is_set() or stats.cancelled,
                stats.capped,
                extra,
            )
        )

    @on(messages.SearchHitsFound)
    def _hits_found(self, message: messages.SearchHitsFound) -> None:
        if message.search_id == self._search_id:
            self.query_one(GrepPanel).add_hits(message.hits)
            self._busy["grep"] = f"grep: {len(self.query_one(GrepPanel).hits)} hits…"
            self._show_status()
            self._refresh_availability()

    @on(messages.SearchFinished)
    def _search_finished(self, message: messages.SearchFinished) -> None:
        if message.search_id != self._search_id:
            return
        self._end("grep")
        self.query_one(GrepPanel).finish(
            message.total, message.cancelled, message.capped, message.note
        )
        self._refresh_availability()

    @on(GrepPanel.HitOpened)
    def _hit_opened(self, message: GrepPanel.HitOpened) -> None:
        path, line, _text = hit_location(message.hit)
        revision = self._last_search.get("revision", "")
        self._load_file(path, revision, line)

    @work(thread=True, exclusive=True, group="file", exit_on_error=False)
    def _load_file(self, path: str, revision: str, line: int) -> None:
        try:
            if revision:
                sha = self.repo.resolve_revision(revision)
                data = self.repo.read_file(sha, path)
            else:
                sha = ""
                target = (self.repo.root / path).resolve()
                if not target.is_relative_to(self.repo.root.resolve()):
                    raise WhysError(f"{path} is outside the repository")
                data = target.read_bytes() if target.is_file() else None
            text = None if data is None or b"\0" in data[:8000] else data.decode("utf-8", "replace")
        except (WhysError, OSError) as error:
            self.post_message(messages.WorkFailed("file", getattr(error, "message", str(error))))
            return
        self.post_message(messages.FileLoaded(path, sha, line, text))

    @on(messages.FileLoaded)
    def _file_loaded(self, message: messages.FileLoaded) -> None:
        from whys.tui.screens.file_view import FileScreen

        self.push_screen(FileScreen(message.path, message.revision, message.line, message.text))

    # -- timeline ---------------------------------------------------------------------

    @on(TimelinePanel.ScanRequested)
    def _scan_requested(self, request: TimelinePanel.ScanRequested) -> None:
        self._start_timeline_scan(request.pickaxe, request.path)
        self.query_one(TimelinePanel).commit_list.focus()

    def _start_timeline_scan(self, pickaxe: str, path: str) -> None:
        audit = self._audit()
        if audit is None:
            self.query_one(TimelinePanel).set_status(
                Text("Select an analysis in the outline first.", style="dark_orange3")
            )
            return
        ref = self.selection
        self._scan_analysis = ref.analysis if ref is not None else 0
        self._scan_id += 1
        saved = self._timeline_state()
        same = (
            saved.get("analysis") == self._scan_analysis
            and saved.get("pickaxe", "") == pickaxe
            and saved.get("path", "") == path
        )
        # A new query starts from the fitted view; the same one resumes the saved zoom.
        view_state = saved.get("view") if same else None
        self._save_timeline_state(
            analysis=self._scan_analysis, pickaxe=pickaxe, path=path, view=view_state
        )
        self.query_one(TimelinePanel).fill(pickaxe, path)
        what = f"pickaxe -S {pickaxe!r}" if pickaxe else "history"
        cancel = self._begin("timeline", f"scanning {what}…")
        self.query_one(TimelinePanel).set_status(
            Text(f"scanning {what}… (esc cancels)", style="italic")
        )
        cited_prefixes: dict[str, list[str]] = {}
        for claim in audit.analysis.claims:
            for sha in (claim.sha, claim.other_sha):
                if sha:
                    cited_prefixes.setdefault(sha, []).append(claim.id)
        request = TimelineRequest(
            scan_id=self._scan_id,
            revision=self._revision(),
            cited_prefixes=cited_prefixes,
            claim_status={check.claim_id: check.status for check in audit.checks},
            incident_start=audit.analysis.incident.start or audit.analysis.incident.detected,
            incident_end=audit.analysis.incident.end or audit.analysis.incident.detected,
            deployed=audit.analysis.incident.deployed_revision,
            pickaxe=pickaxe,
            path=path,
        )
        self._scan_timeline(request, cancel)

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def _scan_timeline(self, request: TimelineRequest, cancel: threading.Event) -> None:
        def progress(text: str) -> None:
            # A superseded scan has its event set: its progress must not overwrite the new one.
            if not cancel.is_set():
                self.post_message(messages.WorkProgressed("timeline", text))

        lower_priority()
        with (
            self._failure_reported("timeline", "history scan failed") as outcome,
            collection_paused(),
        ):
            data, label = build_timeline(self.repo, request, cancel, progress)
        if outcome.failed:
            return
        self.post_message(
            messages.TimelineLoaded(request.scan_id, data, label, cancelled=cancel.is_set())
        )

    @on(messages.TimelineLoaded)
    def _timeline_loaded_message(self, message: messages.TimelineLoaded) -> None:
        if message.scan_id != self._scan_id:
            return
        self._end("timeline")
        self._timeline_analysis = self._scan_analysis
        label = message.label
        audit = self._audit(self._scan_analysis)
        if audit is not None:
            label += f" of {view.one_line(Path(audit.analysis.path).stem, 24)}"
        label += " — cancelled" if message.cancelled else ""
        self.query_one(TimelinePanel).show(message.data, label, self._saved_view())
        self._refresh_availability()

    def _saved_view(self) -> tuple[datetime, datetime] | None:
        saved = self._timeline_state()
        moments = saved.get("view")
        if saved.get("analysis") != self._scan_analysis or not isinstance(moments, list):
            return None
        try:
            start, end = (datetime.fromisoformat(str(moment)) for moment in moments)
        except ValueError:
            return None
        return (start, end) if start < end else None

    @on(TimelinePanel.CommitOpened)
    def _commit_opened(self, message: TimelinePanel.CommitOpened) -> None:
        self._load_commit(message.sha)

    @work(thread=True, exclusive=True, group="commit", exit_on_error=False)
    def _load_commit(self, sha: str) -> None:
        try:
            detail = self.repo.show_commit(sha)
            refs = self.repo.containing_refs(sha)
        except WhysError as error:
            self.post_message(messages.WorkFailed("commit", error.message))
            return
        self.post_message(messages.CommitLoaded(detail, refs))

    @on(messages.CommitLoaded)
    def _commit_loaded(self, message: messages.CommitLoaded) -> None:
        from whys.tui.screens.commit_view import CommitScreen

        self.push_screen(CommitScreen(message.detail, message.refs))

    @on(OptionList.OptionHighlighted, "#timeline-commits")
    @on(DataTable.RowHighlighted, "#grep-hits")
    def _attachable_moved(self) -> None:
        self._refresh_availability()

    # -- evidence ---------------------------------------------------------------------

    def action_attach(self) -> None:
        attachable = self._attachable()
        if attachable is None:
            self.notify("Select a grep hit or a timeline commit first.", severity="warning")
            return
        kind, item = attachable
        if kind == "hit":
            self._attach_hit(item)
        else:
            self._attach_commit(item)

    # The screens' own messages are handled by name (on_<screen>_<message>), so their
    # modules need not load with the app.
    def _on_commit_screen_attach_requested(self, message: CommitScreen.AttachRequested) -> None:
        self._attach_commit(message.sha)

    def _evidence_target(self) -> tuple[int, str | None, str | None] | None:
        ref = self.selection
        if ref is None:
            return None
        claim = ref.item if ref.kind == "claim" else None
        return ref.analysis, self._current_why(), claim

    def _attach_hit(self, hit: Any) -> None:
        target = self._evidence_target()
        if target is None:
            return
        path, line, text = hit_location(hit)
        search = self._last_search
        # The pattern, narrowed to the hit's file, pinned at a commit: re-running it later
        # (whys verify) shows whether the line is still there.
        query = {"op": "grep", "pattern": search.get("pattern", ""), "globs": [path]}
        revision = search.get("revision") or self._revision()
        label = f"{path}:{line}: {view.one_line(text, 80)}"
        self._begin("attach", f"pinning {path}:{line}…")
        self._collect(query, revision, target, label)

    def _attach_commit(self, sha: str) -> None:
        target = self._evidence_target()
        if target is None:
            return
        self._begin("attach", f"pinning commit {sha[:9]}…")
        self._collect({"op": "commit", "sha": sha}, self._revision(), target, None)

    def _revision(self) -> str:
        return self.store.session.revision_sha or self.store.session.revision

    @work(thread=True, exclusive=False, group="attach", exit_on_error=False)
    def _collect(
        self,
        query: dict[str, Any],
        revision: str,
        target: tuple[int, str | None, str | None],
        label: str | None,
    ) -> None:
        from whys.core.evidence import collect

        index, why, claim = target
        with self._failure_reported("attach", "could not pin it") as outcome:
            evidence = collect(
                self.repo, query, revision, why=why, claim=claim, created_by=self.auditor
            )
        if outcome.failed:
            return
        if label:
            evidence = replace(evidence, summary=f"{label} ({evidence.summary})")
        self.post_message(messages.EvidenceCollected(index, evidence))

    @on(messages.EvidenceCollected)
    def _evidence_collected(self, message: messages.EvidenceCollected) -> None:
        self._end("attach")
        self._store_evidence(message.analysis_index, message.evidence)

    def _store_evidence(self, index: int, evidence: Evidence) -> None:
        try:
            self.store.attach_evidence(index, evidence)
        except WhysError as error:
            if not self._store_failed(error, "not attached"):
                return
        self._after_save()
        where = f"why {evidence.why}" if evidence.why else "the analysis"
        self.notify(f"attached to {where}: {evidence.summary}", title="evidence", timeout=4)
        self._refresh_availability()
        ref = self.selection
        audit = self._audit()
        if ref is not None and audit is not None:
            self._show_detail(audit, ref)

    def _evidence_of(self, index: int, why: str) -> list[Evidence]:
        audit = self._audit(index)
        return [item for item in audit.evidence if item.why == why] if audit else []

    def action_evidence(self) -> None:
        ref = self.selection
        why = self._current_why()
        if ref is None or why is None:
            return
        from whys.tui.screens.evidence import EvidenceScreen

        self.push_screen(
            EvidenceScreen(
                ref.analysis,
                why,
                self._evidence_of(ref.analysis, why),
                self._evidence_comments(ref.analysis),
            )
        )

    # Comments on evidence live in the session (its ui state, keyed by analysis path and
    # evidence id) until the Evidence model has a field for them.

    def _evidence_comments(self, index: int) -> dict[str, str]:
        audit = self._audit(index)
        every = self.store.session.ui.get("evidence_comments")
        if audit is None or not isinstance(every, dict):
            return {}
        comments = every.get(audit.analysis.path)
        return {str(k): str(v) for k, v in comments.items()} if isinstance(comments, dict) else {}

    def _on_evidence_screen_comment_requested(
        self, message: EvidenceScreen.CommentRequested
    ) -> None:
        from whys.tui.screens.verdict import CommentDialog

        audit = self._audit(message.analysis_index)
        if audit is None:
            return
        current = self._evidence_comments(message.analysis_index).get(message.evidence_id, "")

        def save(comment: str | None) -> None:
            if comment is None:
                return
            state = dict(self.store.session.ui)
            every = dict(state.get("evidence_comments") or {})
            comments = dict(every.get(audit.analysis.path) or {})
            if comment:
                comments[message.evidence_id] = comment
            else:
                comments.pop(message.evidence_id, None)
            every[audit.analysis.path] = comments
            state["evidence_comments"] = every
            self.store.session.ui = state
            self._save_ui(now=True)
            evidence = screen_of(self.screen, "evidence", "EvidenceScreen")
            if evidence is not None:
                evidence.show(
                    self._evidence_of(evidence.analysis_index, evidence.why),
                    self._evidence_comments(evidence.analysis_index),
                )
            self.notify("comment saved" if comment else "comment removed", timeout=3)

        self.push_screen(CommentDialog(f"evidence {message.evidence_id}", current), save)

    # -- files: the editor, the clipboard, blame -------------------------------------------

    def _selected_claim(self) -> tuple[Any, Any] | None:
        ref = self.selection
        audit = self._audit()
        if ref is None or audit is None or ref.kind != "claim":
            return None
        claim = next((c for c in audit.analysis.claims if c.id == ref.item), None)
        return (claim, view.check_for(audit, claim.id)) if claim is not None else None

    def _cited_place(self) -> tuple[str, int] | None:
        """The file and line the auditor points at: the blame line or file line in view, the
        highlighted grep hit, or the file the selected claim cites."""
        screen = self.screen
        if isinstance(screen, BlameScreen):
            line = screen.highlighted_line
            return (screen.request.path, line.line) if line is not None else None
        file_view = screen_of(screen, "file_view", "FileScreen")
        if file_view is not None:
            option = file_view.query_one(OptionList).highlighted
            return file_view.path, (option + 1 if option is not None else file_view.line)
        if self._dialog_open():
            return None
        if self.current_panel == "grep":
            hit = self.query_one(GrepPanel).highlighted_hit
            if hit is not None:
                path, line, _text = hit_location(hit)
                return path, line
        selected = self._selected_claim()
        if selected is not None:
            return view.cited_location(*selected)
        return None

    def _copy_target(self) -> str | None:
        """What `y` copies: a commit SHA where a commit is selected, else path:line."""
        screen = self.screen
        if isinstance(screen, BlameScreen):
            line = screen.highlighted_line
            return line.sha if line is not None else None
        commit_view = screen_of(screen, "commit_view", "CommitScreen")
        if commit_view is not None:
            return commit_view.sha  # type: ignore[no-any-return]
        if not self._dialog_open() and self.current_panel == "timeline":
            option = self.query_one(TimelinePanel).commit_list.highlighted_option
            if option is not None and option.id:
                return option.id
        if not self._dialog_open() and self.current_panel != "grep":
            selected = self._selected_claim()
            if selected is not None:
                sha = view.cited_commit(*selected)
                if sha:
                    return sha
        place = self._cited_place()
        return f"{place[0]}:{place[1]}" if place is not None else None

    def action_copy(self) -> None:
        text = self._copy_target()
        if text is None:
            return
        # OSC 52: the terminal puts it on the clipboard, over ssh and tmux too.
        self.copy_to_clipboard(text)
        self.notify(f"copied {text}", title="clipboard", timeout=3)

    def action_open_editor(self) -> None:
        import shlex
        import subprocess

        from textual.app import SuspendNotSupported

        place = self._cited_place()
        if place is None:
            return
        path, line = place
        root = self.repo.root.resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            self.notify(f"{path} is not a file in the working tree", severity="warning")
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        # An absolute path never reads as an option, whatever the repository named the file.
        argv = [*shlex.split(editor), f"+{max(line, 1)}", str(target)]
        try:
            try:
                with self.suspend():
                    subprocess.run(argv, check=False)
            except SuspendNotSupported:
                # No terminal to hand over (a headless run): the editor runs detached.
                subprocess.run(
                    argv,
                    check=False,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
        except OSError as error:
            self.notify(f"cannot run {editor}: {error.strerror or error}", severity="error")
            return
        self.notify(f"back from {Path(argv[0]).name} ({path}:{line})", timeout=3)

    def _blame_target(self) -> BlameRequest | None:
        """The lines to blame: the highlighted grep hit (with a few lines around it) or the
        selected lines claim's range, at the revision they were found at."""
        if self._dialog_open():
            return None
        if self.current_panel == "grep":
            hit = self.query_one(GrepPanel).highlighted_hit
            if hit is not None:
                path, line, _text = hit_location(hit)
                revision = self._last_search.get("revision") or self._revision()
                return BlameRequest(path, max(line - 3, 1), line + 3, revision, line)
        selected = self._selected_claim()
        if selected is None:
            return None
        claim, check = selected
        place = view.cited_location(claim, check)
        if place is None or claim.kind not in ("lines", "symbol"):
            return None
        start = claim.line_start or place[1]
        end = max(claim.line_end or start, start)
        return BlameRequest(place[0], start, end, self._revision(), start)

    def action_blame(self) -> None:
        request = self._blame_target()
        if request is None:
            return
        self._begin("blame", f"blaming {request.path}:{request.start}-{request.end}…")
        self._load_blame(request)

    @work(thread=True, exclusive=True, group="blame", exit_on_error=False)
    def _load_blame(self, request: BlameRequest) -> None:
        with self._failure_reported("blame", "blame failed") as outcome:
            sha = self.repo.resolve_revision(request.revision)
            # The claim may cite an abbreviated path: blame the file the checks resolve.
            tree = RepoTree(self.repo, sha)
            try:
                meant = files_written_as(tree, request.path)
            finally:
                tree.close()
            if len(meant) != 1:
                found = f"{len(meant)} files match" if meant else "no file matches"
                raise WhysError(f"{found} {request.path} at {sha[:9]}")
            request = replace(request, path=meant[0])
            data = self.repo.read_file(sha, request.path)
            if data is None:
                raise WhysError(f"{request.path} does not exist at {sha[:9]}")
            length = max(len(data.splitlines()), 1)
            start = min(request.start, length)
            end = min(max(request.end, start), length)
            ignore = ignore_revs_file(self.repo.root)
            lines = self.repo.blame(
                sha,
                request.path,
                start,
                end,
                ignore_revs_file=self.repo.root / ignore if ignore else None,
            )
        if outcome.failed:
            return
        pinned = BlameRequest(request.path, start, end, sha, request.focus_line)
        self.post_message(messages.BlameLoaded(pinned, lines, ignore))

    @on(messages.BlameLoaded)
    def _blame_loaded(self, message: messages.BlameLoaded) -> None:
        self._end("blame")
        self.push_screen(BlameScreen(message.request, message.lines, message.ignore_revs_file))

    @on(BlameScreen.AttachRequested)
    def _attach_blame(self, message: BlameScreen.AttachRequested) -> None:
        target = self._evidence_target()
        if target is None:
            return
        request = message.request
        query: dict[str, Any] = {
            "op": "blame",
            "path": request.path,
            "start": request.start,
            "end": request.end,
        }
        if message.ignore_revs_file:
            query["ignore_revs_file"] = message.ignore_revs_file
        self._begin("attach", f"pinning blame of {request.path}:{request.start}-{request.end}…")
        self._collect(query, request.revision, target, None)

    def _on_evidence_screen_detach_requested(self, message: EvidenceScreen.DetachRequested) -> None:
        audit = self._audit(message.analysis_index)
        item = (
            next((e for e in audit.evidence if e.id == message.evidence_id), None)
            if audit
            else None
        )
        try:
            self.store.detach_evidence(message.analysis_index, message.evidence_id)
        except WhysError as error:
            if not self._store_failed(error, "not detached"):
                return
        self._after_save()
        if item is not None:
            self.notify(
                f"detached from why {item.why}: {view.one_line(item.summary, 80)}",
                title="evidence",
                timeout=4,
            )
        evidence = screen_of(self.screen, "evidence", "EvidenceScreen")
        if evidence is not None:
            evidence.show(self._evidence_of(evidence.analysis_index, evidence.why))
        ref = self.selection
        if ref is not None and self._audit() is not None:
            self._show_detail(self._audit(), ref)  # type: ignore[arg-type]
        self._refresh_availability()

    # -- verdicts ---------------------------------------------------------------------

    def action_verdict(self, decision: str) -> None:
        ref = self.selection
        if ref is None or ref.kind not in ("why", "claim"):
            self.notify("Select a why or a claim in the outline first.", severity="warning")
            return
        label = f"{'why' if ref.kind == 'why' else 'claim'} {ref.item}"
        from whys.tui.screens.verdict import NoteDialog, VerdictAnswer

        if decision == "approved":
            self._record(ref, VerdictAnswer("approved", ""))
            return
        previous = view.latest_verdict(self._audit(), ref.kind, ref.item)  # type: ignore[arg-type]
        note = previous.note if previous is not None and previous.decision == decision else ""

        def save(answer: VerdictAnswer | None) -> None:
            if answer is not None:
                self._record(ref, answer)

        self.push_screen(NoteDialog(decision, label, note), save)

    def action_analysis_verdict(self) -> None:
        audit = self._audit()
        ref = self.selection
        if audit is None or ref is None:
            return
        target = NodeRef("analysis", ref.analysis)

        def save(answer: VerdictAnswer | None) -> None:
            if answer is None:
                return
            if answer.corrected_root_cause != audit.corrected_root_cause:
                try:
                    self.store.set_corrected_root_cause(ref.analysis, answer.corrected_root_cause)
                except WhysError as error:
                    self._store_failed(error, "root cause not saved")
            self._record(target, answer)

        from whys.tui.screens.verdict import AnalysisVerdictDialog

        self.push_screen(
            AnalysisVerdictDialog(
                audit.analysis.title or audit.analysis.path,
                approval_blockers(audit),
                audit.corrected_root_cause,
            ),
            save,
        )

    def _record(self, ref: NodeRef, answer: VerdictAnswer) -> None:
        target_id = None if ref.kind == "analysis" else ref.item
        try:
            verdict = self.store.record_verdict(
                ref.analysis,
                ref.kind,
                target_id,
                answer.decision,
                answer.note,
                self.auditor,
                override=answer.override,
            )
        except VerdictRuleError as error:
            if answer.decision == "approved" and not answer.override:

                def retry(override: VerdictAnswer | None) -> None:
                    if override is not None:
                        self._record(ref, override)

                from whys.tui.screens.verdict import OverrideDialog

                self.push_screen(OverrideDialog(error.message, answer), retry)
            else:
                self.notify(error.message, title="verdict refused", severity="error")
            return
        except WhysError as error:
            if not self._store_failed(error, "verdict not recorded"):
                return
            self._refresh_marks()
            return
        what = "analysis" if ref.kind == "analysis" else f"{ref.kind} {ref.item}"
        suffix = " (override)" if verdict.override else ""
        self.notify(f"{what}: {view.DECISION_WORD[verdict.decision]}{suffix}", timeout=3)
        self._refresh_marks()

    def _refresh_marks(self) -> None:
        self._after_save()
        self.query_one(Outline).refresh_marks(self.store.session)
        ref = self.selection
        audit = self._audit()
        if ref is not None and audit is not None:
            self._show_detail(audit, ref)
        self._refresh_availability()

    # -- export -----------------------------------------------------------------------

    def action_export(self) -> None:
        default = self.store.path.with_suffix("").name + ".verdict.json"
        default_path = str(Path.cwd() / default)
        ui_export = self.store.session.ui.get("export")
        default_key = ""
        if isinstance(ui_export, dict):
            default_path = str(ui_export.get("path") or default_path)
            default_key = str(ui_export.get("sign_key") or "")

        def start(request: ExportRequest | None) -> None:
            if request is None:
                return
            state = dict(self.store.session.ui)
            state["export"] = {"path": request.path, "sign_key": request.sign_key or ""}
            self.store.session.ui = state
            self._write_ui()
            self._begin("export", f"exporting to {request.path}…")
            # The worker writes a copy, so a verdict recorded meanwhile cannot tear it.
            self._export(copy.deepcopy(self.store.session), request)

        from whys.tui.screens.export import ExportDialog

        self.push_screen(ExportDialog(default_path, default_key), start)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, session: Session, request: ExportRequest) -> None:
        from whys.core.verdict import summary_line, write_export

        key = Path(request.sign_key).expanduser() if request.sign_key else None
        with self._failure_reported("export", "export failed") as outcome:
            result = write_export(session, Path(request.path).expanduser(), sign_key=key)
        if outcome.failed:
            return
        self.post_message(
            messages.ExportFinished(
                [str(path) for path in result.paths], summary_line(result.verdict_file)
            )
        )

    @on(messages.ExportFinished)
    def _exported(self, message: messages.ExportFinished) -> None:
        self._end("export")
        self.notify(
            f"{message.summary}\nwrote " + ", ".join(message.paths), title="export", timeout=10
        )

    # -- incident window ----------------------------------------------------------------

    def action_incident(self) -> None:
        audit = self._audit()
        ref = self.selection
        index = ref.analysis if ref is not None else 0
        if audit is None:
            return

        def save(answer: IncidentAnswer | None) -> None:
            if answer is None:
                return
            try:
                self.store.set_incident(
                    index,
                    start=answer.start,
                    end=answer.end,
                    deployed_revision=answer.deployed_revision,
                )
            except WhysError as error:
                if not self._store_failed(error, "incident not saved"):
                    return
            self._after_save()
            self.notify("incident window saved; checking again", timeout=3)
            self._timeline_analysis = None
            self.action_recheck()

        from whys.tui.screens.incident import IncidentDialog

        self.push_screen(IncidentDialog(audit.analysis.incident), save)

    # -- checks -----------------------------------------------------------------------

    def action_recheck(self) -> None:
        self._start_checks("re-running checks…")

    def _start_checks(self, text: str) -> None:
        """Check every analysis of the session in a worker; the outline fills in the marks
        when the results arrive. Until then the screen is live, approval waits."""
        if not self.store.session.analyses:
            return
        self._checks_on_open = None
        self._run_checks(self._begin("checks", text))

    def _run_checks(self, cancel: threading.Event, *, reuse: bool = False) -> None:
        """`reuse`: an analysis whose checks on record still hold (the same revision, text,
        incident window, checks version and repository state) is not checked again."""
        session = self.store.session
        analyses = [copy.deepcopy(audit.analysis) for audit in session.analyses]
        self._check(analyses, session.revision_sha or session.revision, cancel, reuse)

    @work(thread=True, exclusive=True, group="checks", exit_on_error=False)
    def _check(
        self, analyses: list[Analysis], revision: str, cancel: threading.Event, reuse: bool
    ) -> None:
        from whys.core.audit import check_analyses, checks_reusable
        from whys.core.reader import read_analysis
        from whys.core.repo import repository_state

        def progress(text: str) -> None:
            if not cancel.is_set():
                self.post_message(messages.WorkProgressed("checks", text + "…"))

        lower_priority()
        current: list[Analysis] = []
        for stored in analyses:
            try:
                fresh = read_analysis(Path(stored.path))
            except WhysError:
                fresh = stored  # the file is gone: check what the session holds
            # An unchanged file keeps the auditor's corrections (incident window); the
            # checks must see them, or the timeline findings would use the old window.
            current.append(stored if fresh.sha256 == stored.sha256 else fresh)
        kept = 0
        with self._failure_reported("checks", "checks failed") as outcome:
            state = repository_state(self.repo)
            if reuse:
                stale = [a for a in current if not checks_reusable(self.store, a, state)]
                kept, current = len(current) - len(stale), stale
            checked = check_analyses(
                current,
                self.repo,
                revision,
                store=self.store,
                cancel=cancel,
                progress=progress,
                repository=state,
            )
        if outcome.failed:
            return
        if not cancel.is_set():
            self.post_message(messages.ChecksFinished(checked, kept))

    @on(messages.ChecksFinished)
    def _checks_finished(self, message: messages.ChecksFinished) -> None:
        from whys.core.audit import record_in_session

        self._end("checks")
        before = [self._outline_shape(audit) for audit in self.store.session.analyses]
        try:
            record_in_session(self.store, message.checked)
        except WhysError as error:
            if not self._store_failed(error, "checks not saved"):
                return
        self._file_lines.clear()
        session = self.store.session
        outline = self.query_one(Outline)
        if before == [self._outline_shape(audit) for audit in session.analyses]:
            outline.refresh_marks(session)
        else:
            # An analysis changed on disk: its whys and claims are new. Rebuild, keep the
            # cursor where it was when that row still exists, leave the focus alone.
            self._restoring = True
            outline.show(session)
            ref = self.selection
            if ref is None or not outline.select(ref):
                ref = NodeRef("analysis", ref.analysis if ref else 0)
                if not outline.select(ref):
                    ref = NodeRef("analysis", 0)
                    outline.select(ref)
                self.store.session.ui = {**session.ui, **ref.as_state()}
            self.call_after_refresh(self._restored)
            self._timeline_analysis = None
        ref = self.selection
        if ref is not None:
            self.query_one(ClaimsTable)._shown_analysis = None  # type: ignore[attr-defined]
            self._show_selection(ref)
        if self._timeline_analysis is not None:
            audit = self._audit(self._timeline_analysis)
            if audit is not None:
                statuses = {check.claim_id: check.status for check in audit.checks}
                self.query_one(TimelinePanel).recolour(statuses)
        self._after_save()
        self._refresh_availability()
        totals = Counter(check.status for audit in session.analyses for check in audit.checks)
        counts = "  ".join(f"{mark}{totals[status]}" for status, mark in view.STATUS_MARK.items())
        many = len(session.analyses)
        analyses = f"{many} analys{'es' if many != 1 else 'is'}"
        if message.kept and not message.checked:
            # Said, so a reviewer knows the marks are the recorded ones and how to redo them.
            key = self._user_keymap.get("checks.rerun", "R")
            self.notify(
                f"checks on record kept: {counts} over {analyses} (same revision, text and "
                f"repository); {key} checks again",
                timeout=4,
            )
        else:
            kept = f", {message.kept} kept from the record" if message.kept else ""
            self.notify(f"checks done: {counts} over {analyses}{kept}", timeout=3)

    @staticmethod
    def _outline_shape(audit: AnalysisAudit) -> tuple[object, ...]:
        return (
            tuple((why.id, why.parent) for why in audit.analysis.whys),
            tuple((claim.id, claim.why) for claim in audit.analysis.claims),
        )

    # -- leaving ----------------------------------------------------------------------

    async def action_quit(self) -> None:
        if self._ui_save_timer is not None:
            self._ui_save_timer.stop()
            self._write_ui()
        if self.store.unsaved and not self._quit_warned:
            # Say it before leaving: quitting now keeps the work in a rescue file only.
            self._quit_warned = True
            self.notify(
                f"The session is NOT saved ({self._save_error or 'the last save failed'}). "
                "Press q again to quit: whys then writes your work to a rescue file and "
                "names it.",
                title="not saved",
                severity="error",
                timeout=15,
            )
            return
        for event in self._cancel_events.values():
            event.set()
        self.exit(0)


IGNORE_REVS_FILE = ".git-blame-ignore-revs"


def ignore_revs_file(root: Path) -> str | None:
    """The repository's blame ignore list, by the name GitHub and git users keep it under;
    None when there is none. Only a regular file inside the working tree counts."""
    candidate = root / IGNORE_REVS_FILE
    try:
        inside = candidate.resolve().is_relative_to(root.resolve())
    except OSError:
        return None
    return IGNORE_REVS_FILE if inside and candidate.is_file() else None


def lower_priority() -> None:
    """Run this worker thread, and the git or rg it starts, at a lower CPU priority, so a
    pickaxe over a large history never competes with the screen for the CPU. Linux sets
    niceness per thread and children inherit it; elsewhere this does nothing."""
    with suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)


class CollectionPauses:
    """The cyclic collector, paused for as long as anyone asks (the first screen being
    built, each history load), from any thread: it runs again when the last one is done,
    and each one done first moves what exists out of its sight (gc.freeze)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held = 0
        self._was_enabled = True

    def pause(self) -> None:
        with self._lock:
            if self._held == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._held += 1

    def resume(self) -> None:
        with self._lock:
            self._held -= 1
            gc.freeze()
            if self._held == 0 and self._was_enabled:
                gc.enable()


COLLECTION = CollectionPauses()


@contextmanager
def collection_paused() -> Iterator[None]:
    """Loading a history allocates many objects and no cycles. A full collection walking
    them (during the load, or at the first allocation after it) would pause every thread,
    the screen's too; so collect nothing meanwhile, then move what exists out of the
    collector's sight (gc.freeze) before turning it back on."""
    COLLECTION.pause()
    try:
        yield
    finally:
        COLLECTION.resume()


@dataclass
class WorkerOutcome:
    failed: bool = False


def run_workbench(store: SessionStore, repo: GitRepo, *, auditor: str | None = None) -> int:
    """Run the workbench on a session opened by `whys.core.audit.open_session` until the
    auditor quits; the checks run in a worker once the screen is up. Returns an exit code.

    The session is already saved on every change, so leaving never loses work.
    """
    app = WhysApp(store, repo, auditor=auditor, check_on_open=True)
    result = app.run()
    return int(result or 0)

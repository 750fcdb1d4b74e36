"""The outline: analyses, their whys and claims, with a check mark per claim and a verdict
mark per why, under a one-line session summary. A filter (f) narrows it by text, check
status, kind or verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static, Tree
from textual.widgets.tree import TreeNode

from whys.core.models import AnalysisAudit, Claim, Session, Why
from whys.core.verdict import latest_verdict
from whys.tui import view
from whys.tui.widgets.pane import Pane

STATUS_WORDS = {"✓": "verified", "✗": "contradicted", "x": "contradicted", "?": "unverifiable"}


def _claim_matches(audit: AnalysisAudit, claim: Claim, tokens: list[str]) -> bool:
    """Every token holds for the claim: `kind:commit`, `is:contradicted` (or ✗ ✓ ?),
    `verdict:none` / `verdict:rejected`, or a piece of its text, id, path or kind."""
    status = view.claim_status(audit, claim.id) or "unchecked"
    verdict = latest_verdict(audit, "claim", claim.id)
    decision = verdict.decision if verdict else "none"
    haystack = " ".join(
        [claim.id, claim.kind, claim.text, claim.path or "", claim.sha or "", status]
    ).lower()
    for token in tokens:
        key, _, value = token.partition(":")
        if token in STATUS_WORDS:
            if status != STATUS_WORDS[token]:
                return False
        elif value and key in ("is", "status"):
            if not status.startswith(STATUS_WORDS.get(value, value)):
                return False
        elif value and key == "kind":
            if not claim.kind.startswith(value):
                return False
        elif value and key == "verdict":
            if not decision.startswith(value):
                return False
        elif token not in haystack:
            return False
    return True


def _why_matches(why: Why, tokens: list[str]) -> bool:
    text = f"why {why.id} {why.question} {why.answer}".lower()
    return all(":" not in token and token not in STATUS_WORDS and token in text for token in tokens)


class FilterInput(Input):
    BINDINGS = [
        Binding("escape", "clear_filter", "Clear", id="outline.filter_clear", show=False),
    ]

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(Outline.FilterDone())


@dataclass(frozen=True)
class NodeRef:
    """What an outline row stands for; also what the session's ui state stores."""

    kind: Literal["analysis", "why", "claim"]
    analysis: int
    item: str | None = None

    def as_state(self) -> dict[str, object]:
        return {"analysis": self.analysis, "kind": self.kind, "item": self.item}

    @classmethod
    def from_state(cls, state: dict[str, object]) -> NodeRef | None:
        kind = state.get("kind")
        analysis = state.get("analysis")
        item = state.get("item")
        if kind not in ("analysis", "why", "claim") or not isinstance(analysis, int):
            return None
        return cls(kind, analysis, item if isinstance(item, str) else None)  # type: ignore[arg-type]


class OutlineTree(Tree[NodeRef]):
    BINDINGS = []


class Outline(Vertical):
    """Attributes down: `show(session)` builds it, `refresh_marks(session)` relabels it.
    The filter is the outline's own state; it says `FilterChanged` so the app keeps it."""

    @dataclass
    class FilterChanged(Message):
        text: str

    class FilterDone(Message):
        """Enter or escape in the filter: back to the tree."""

    filter_text: str = ""

    def compose(self) -> ComposeResult:
        yield Pane(id="summary")
        filter_input = FilterInput(
            placeholder="filter: text, ✗ ✓ ?, kind:commit, verdict:none",
            id="outline-filter",
            compact=True,
        )
        # Hidden, and out of the focus order, until f opens it: the outline stays where a
        # review starts.
        filter_input.display = bool(self.filter_text)
        filter_input.can_focus = False
        yield filter_input
        tree: OutlineTree = OutlineTree("session", id="outline-tree")
        tree.show_root = False
        tree.guide_depth = 2
        # Enter opens a row (the app decides what that means), so the tree must not also
        # toggle it: two toggles would cancel out.
        tree.auto_expand = False
        yield tree

    def open_filter(self) -> None:
        filter_input = self.query_one(FilterInput)
        filter_input.display = True
        filter_input.can_focus = True
        filter_input.focus()

    def set_filter(self, text: str) -> None:
        """Narrow the outline to what `text` matches (empty: everything)."""
        self.filter_text = text
        filter_input = self.query_one(FilterInput)
        if filter_input.value != text:
            filter_input.value = text
        filter_input.display = bool(text) or filter_input.has_focus
        session = getattr(self, "_session", None)
        if session is not None:
            self.show(session)

    @on(Input.Changed, "#outline-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self.filter_text:
            self.set_filter(event.value)
            self.post_message(self.FilterChanged(event.value))

    @on(Input.Submitted, "#outline-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.FilterDone())

    @on(FilterDone)
    def _filter_done(self) -> None:
        filter_input = self.query_one(FilterInput)
        filter_input.display = bool(self.filter_text)
        filter_input.can_focus = False
        if not self.filter_text:
            self.set_filter("")
            self.post_message(self.FilterChanged(""))
        self.tree.focus()

    def visible_claims(self) -> list[NodeRef]:
        """The claim rows the outline shows, in order (the review queue walks these)."""
        return [ref for ref in getattr(self, "_ref_nodes", {}) if ref.kind == "claim"]

    @property
    def tree(self) -> OutlineTree:
        return self.query_one(OutlineTree)

    def show(self, session: Session) -> None:
        self._session = session
        tree = self.tree
        selected = self.selected if getattr(self, "_ref_nodes", None) else None
        tree.clear()
        # clear() keeps the cursor's row number (and its old node): drop both, so moving
        # to a row of the new tree is always a move, and is reported.
        tree.unselect()
        self._ref_nodes: dict[NodeRef, TreeNode[NodeRef]] = {}
        tokens = self.filter_text.lower().split()
        self._matched = 0
        for index, audit in enumerate(session.analyses):
            ref = NodeRef("analysis", index)
            analysis_node = tree.root.add(view.analysis_label(audit), data=ref, expand=True)
            self._ref_nodes[ref] = analysis_node
            causes = {why.id: why.causes for why in audit.analysis.whys}
            for why in audit.analysis.whys:
                if tokens and not (
                    _why_matches(why, tokens)
                    or any(
                        _claim_matches(audit, claim, tokens)
                        for claim in view.claims_of_why(audit, why.id)
                    )
                ):
                    continue
                # A plain chain stays flat; where a why branches into several causes, they
                # sit under it, so the branches show.
                branching = len(causes.get(why.parent or "", [])) > 1
                parent = self._ref_nodes.get(NodeRef("why", index, why.parent or ""))
                parent = parent if branching else None
                why_ref = NodeRef("why", index, why.id)
                why_node = (parent or analysis_node).add(
                    view.why_label(audit, why), data=why_ref, expand=True
                )
                self._ref_nodes[why_ref] = why_node
                self._add_claims(why_node, audit, index, why.id)
            loose = [
                claim
                for claim in view.claims_of_why(audit, None)
                if not tokens or _claim_matches(audit, claim, tokens)
            ]
            if loose:
                label = Text("claims outside any why", style="italic")
                if not audit.analysis.whys:
                    label = Text("no why chain found: claims", style="italic")
                expand = not audit.analysis.whys or bool(tokens)
                loose_node = analysis_node.add(label, data=None, expand=expand)
                self._add_claims(loose_node, audit, index, None)
        self.refresh_marks(session)
        target = selected if selected in self._ref_nodes else None
        if target is None and tokens:
            target = next(iter(self.visible_claims()), None)
        if target is not None:
            self.select(target)

    def _add_claims(
        self, parent: TreeNode[NodeRef], audit: AnalysisAudit, index: int, why_id: str | None
    ) -> None:
        tokens = self.filter_text.lower().split()
        for claim in view.claims_of_why(audit, why_id):
            if tokens and not _claim_matches(audit, claim, tokens):
                continue
            self._matched += 1
            ref = NodeRef("claim", index, claim.id)
            self._ref_nodes[ref] = parent.add_leaf(view.claim_label(audit, claim), data=ref)

    def refresh_marks(self, session: Session) -> None:
        summary = Text("Session: ", style="bold")
        summary.append(view.session_summary(session))
        if self.filter_text:
            summary.append_text(
                view.shown_line(
                    f"  filter {self.filter_text!r}: {getattr(self, '_matched', 0)} claims",
                    "italic",
                )
            )
        self.query_one("#summary", Static).update(summary)
        # By id, the first of each (as a search would find), built once: per row, a scan.
        whys = [{w.id: w for w in reversed(a.analysis.whys)} for a in session.analyses]
        claims = [{c.id: c for c in reversed(a.analysis.claims)} for a in session.analyses]
        for ref, node in self._ref_nodes.items():
            audit = session.analyses[ref.analysis]
            if ref.kind == "analysis":
                node.set_label(view.analysis_label(audit))
            elif ref.kind == "why":
                node.set_label(view.why_label(audit, whys[ref.analysis][ref.item or ""]))
            else:
                node.set_label(view.claim_label(audit, claims[ref.analysis][ref.item or ""]))

    def select(self, ref: NodeRef) -> bool:
        """Move the cursor to `ref` (expanding its parents); False when it is not here."""
        node = getattr(self, "_ref_nodes", {}).get(ref)
        if node is None:
            return False
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        tree = self.tree
        # Expanding invalidates the row numbers; reading the rows rebuilds them, so the node
        # has its line before the cursor moves there.
        tree._tree_lines  # noqa: B018
        tree.move_cursor(node)
        return True

    @property
    def selected(self) -> NodeRef | None:
        node = self.tree.cursor_node
        return node.data if node is not None else None

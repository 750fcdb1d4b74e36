"""The outline: analyses, their whys and claims, with a check mark per claim and a verdict
mark per why, under a one-line session summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from whys.core.models import AnalysisAudit, Session
from whys.tui import view


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
    """Attributes down: `show(session)` builds it, `refresh_marks(session)` relabels it."""

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        tree: OutlineTree = OutlineTree("session", id="outline-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    @property
    def tree(self) -> OutlineTree:
        return self.query_one(OutlineTree)

    def show(self, session: Session) -> None:
        tree = self.tree
        tree.clear()
        self._ref_nodes: dict[NodeRef, TreeNode[NodeRef]] = {}
        for index, audit in enumerate(session.analyses):
            ref = NodeRef("analysis", index)
            analysis_node = tree.root.add(view.analysis_label(audit), data=ref, expand=True)
            self._ref_nodes[ref] = analysis_node
            causes = {why.id: why.causes for why in audit.analysis.whys}
            for why in audit.analysis.whys:
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
            loose = view.claims_of_why(audit, None)
            if loose:
                label = Text("claims outside any why", style="italic")
                if not audit.analysis.whys:
                    label = Text("no why chain found: claims", style="italic")
                loose_node = analysis_node.add(label, data=None, expand=not audit.analysis.whys)
                self._add_claims(loose_node, audit, index, None)
        self.refresh_marks(session)

    def _add_claims(
        self, parent: TreeNode[NodeRef], audit: AnalysisAudit, index: int, why_id: str | None
    ) -> None:
        for claim in view.claims_of_why(audit, why_id):
            ref = NodeRef("claim", index, claim.id)
            self._ref_nodes[ref] = parent.add_leaf(view.claim_label(audit, claim), data=ref)

    def refresh_marks(self, session: Session) -> None:
        summary = Text("Session: ", style="bold")
        summary.append(view.session_summary(session))
        self.query_one("#summary", Static).update(summary)
        for ref, node in self._ref_nodes.items():
            audit = session.analyses[ref.analysis]
            if ref.kind == "analysis":
                node.set_label(view.analysis_label(audit))
            elif ref.kind == "why":
                why = next(w for w in audit.analysis.whys if w.id == ref.item)
                node.set_label(view.why_label(audit, why))
            else:
                claim = next(c for c in audit.analysis.claims if c.id == ref.item)
                node.set_label(view.claim_label(audit, claim))

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
        tree.move_cursor(node)
        return True

    @property
    def selected(self) -> NodeRef | None:
        node = self.tree.cursor_node
        return node.data if node is not None else None

"""The selected why's text, line by line with the analysis's own line numbers; lines that
carry a claim are tinted by the claim's check status."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from whys.core.models import AnalysisAudit
from whys.tui import view

# Lines kept visible above an opened claim's line, so it reads in its context.
CONTEXT_LINES = 3

# Backgrounds for claim lines, per theme brightness, so the text on them stays readable.
LINE_TINT = {
    True: {"verified": "on #1f4d2a", "contradicted": "on #5c1f1f", "unverifiable": "on #4d4315"},
    False: {"verified": "on #d4f0da", "contradicted": "on #f6d5d2", "unverifiable": "on #f7ebc6"},
}


class WhyText(OptionList):
    """One option per line of the analysis; the option id is the 1-based line number."""

    def show(
        self,
        audit: AnalysisAudit,
        lines: list[tuple[int, str]],
        selected_claim: str | None,
    ) -> None:
        claims_by_line: dict[int, list[str]] = {}
        for claim in audit.analysis.claims:
            claims_by_line.setdefault(claim.line, []).append(claim.id)
        dark = self.app.current_theme.dark
        numbers = {number for number, _ in lines}
        shown_claims = tuple(
            (claim.line, claim.id, view.claim_status(audit, claim.id))
            for claim in audit.analysis.claims
            if claim.line in numbers
        )
        key = (audit.analysis.path, tuple(lines), dark, shown_claims)
        if key == getattr(self, "_shown_key", None):
            # The same lines (another claim of the same why): move the highlight only;
            # rebuilding the options would measure and lay out every line again.
            self._highlight(self._line_index.get(selected_claim or ""))
            return
        tint = LINE_TINT[dark]
        width = len(str(lines[-1][0])) if lines else 1
        options: list[Option] = []
        line_index: dict[str, int] = {}
        highlight: int | None = None
        for number, line_text in lines:
            prompt = Text(f"{number:>{width}} ", style="dim")
            claim_ids = claims_by_line.get(number, [])
            if claim_ids:
                worst = view.worst_status(view.claim_status(audit, c) for c in claim_ids)
                prompt.append_text(view.status_mark(worst))
                body = view.shown(line_text or " ", tint.get(worst or "", ""))
                prompt.append(" ")
                prompt.append_text(body)
                prompt.append(f"  [{', '.join(claim_ids)}]", style="dim italic")
                for claim_id in claim_ids:
                    line_index[claim_id] = len(options)
                if selected_claim in claim_ids:
                    highlight = len(options)
            else:
                prompt.append("  ")
                prompt.append_text(view.shown(line_text))
            options.append(Option(prompt, id=str(number)))
        self.clear_options()
        self.add_options(options)
        self._shown_key = key
        self._line_index = line_index
        self._highlight(highlight)

    def _highlight(self, highlight: int | None) -> None:
        """The line of the selected claim, in context; else the first line."""
        if highlight is not None:
            self.highlighted = highlight
            # The new lines are measured on the next refresh; only then is the scroll range
            # right, so the claim's line would otherwise stay just below the edge.
            self.call_after_refresh(self.show_highlight_in_context)
        elif self.option_count:
            self.highlighted = 0
            self.scroll_home(animate=False)

    def show_highlight_in_context(self) -> None:
        """Scroll so the highlighted line is in view with a few lines above it."""
        highlighted = self.highlighted
        if highlighted is None or not self.is_mounted:
            return
        self._update_lines()
        try:
            top = self._index_to_line[highlighted]
        except KeyError:
            return
        height = self._heights[highlighted]
        visible_rows = self.scrollable_content_region.height
        context = min(CONTEXT_LINES, max(visible_rows - height - 1, 0) // 2)
        if top - context < self.scroll_y or top + height > self.scroll_y + visible_rows:
            self.scroll_to(y=max(top - context, 0), animate=False, immediate=True)

    def line_of_highlight(self) -> int | None:
        option = self.highlighted_option
        return int(option.id) if option is not None and option.id else None

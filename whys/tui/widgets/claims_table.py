"""Every claim of the current analysis in one table, sortable by check status."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from whys.core.models import AnalysisAudit
from whys.tui import view


class ClaimsTable(DataTable):
    BINDINGS = [
        Binding(
            "s",
            "sort_by_status",
            "Sort",
            id="claims.sort",
            tooltip="Sort the claims by check status (contradicted first); again to undo",
        ),
    ]

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("", key="mark", width=1)
        self.add_column("id", key="id")
        self.add_column("line", key="line")
        self.add_column("why", key="why")
        self.add_column("kind", key="kind")
        self.add_column("status", key="status")
        self.add_column("detail", key="detail")
        self._sorted_by_status = False

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # Textual measures the columns when the table is next idle, after the new rows may
        # already have been drawn, and keeps those narrow renderings (its caches key on a
        # count this measuring does not bump): drop them, or the columns stay cut short
        # until something else redraws the table.
        super()._update_dimensions(new_rows)
        self._clear_caches()
        self.refresh()

    def show(
        self, audit: AnalysisAudit, selected_claim: str | None, unchecked: str = "not checked"
    ) -> None:
        """`unchecked`: what a claim without a check result says (checks running, not run)."""
        self.clear()
        for claim in audit.analysis.claims:
            check = view.check_for(audit, claim.id)
            status = check.status if check else None
            detail = check.detail if check else unchecked
            if check and check.suggestion:
                detail = f"{detail} → {check.suggestion}"
            # Cells are Text, never str: a DataTable reads a str cell as markup.
            self.add_row(
                view.status_mark(status),
                view.shown_line(claim.id),
                claim.line,
                view.shown_line(claim.why or ""),
                Text(claim.kind),
                Text(status or "-", style=view.STATUS_STYLE.get(status or "", "dim")),
                view.shown_line(detail, limit=90),
                key=claim.id,
            )
        if self._sorted_by_status:
            self._sort()
        self.select_claim(selected_claim)

    def select_claim(self, claim_id: str | None) -> None:
        if claim_id is None:
            return
        try:
            row = self.get_row_index(claim_id)
        except Exception:  # noqa: BLE001 - a claim of another analysis is simply not here
            return
        self.move_cursor(row=row, animate=False)

    def _sort(self) -> None:
        def status_rank(cell: Text) -> int:
            return view.STATUS_ORDER.get(cell.plain, 3)

        self.sort("status", "line", key=lambda row: (status_rank(row[0]), row[1]))

    def action_sort_by_status(self) -> None:
        self._sorted_by_status = not self._sorted_by_status
        if self._sorted_by_status:
            self._sort()
        else:
            self.sort("line")

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        if event.column_key.value == "status":
            event.stop()
            self.action_sort_by_status()

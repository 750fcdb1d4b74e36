"""A Static for text that changes often (the claim detail under every arrow key, the status
bar under every progress message). Textual's `Static.update` lays the whole screen out
again each time, and a new layout repaints every widget: tens of milliseconds per key on
the UI thread. When the new text takes as many rows as the old one at the same width,
nothing moves, and repainting this widget alone is enough."""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static


class Pane(Static):
    _rows: tuple[int, int] | None = None  # (content width, content height) last laid out

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(content, layout=False)
        width = self.content_region.width
        rows = (width, self.visual.get_height(self.styles, width)) if width else None
        if layout and (rows is None or rows != self._rows):
            self.refresh(layout=True)
        self._rows = rows

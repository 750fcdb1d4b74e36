"""The footer, cheap to update: when only which keys apply has changed (an arrow key from a
why onto a claim greys `b`lame in or out), it re-dims the keys it shows instead of
rebuilding them. Textual's own footer recomposes on every change of the bindings, which
mounts and lays out twenty-odd widgets: tens of milliseconds per arrow key on an idle
machine, hundreds on a loaded one."""

from __future__ import annotations

from textual.compose import compose
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

# Classes a key's state sets (its data-bound compactness, whether it applies), not its place.
STATE_CLASSES = frozenset({"-disabled", "-compact"})


def _same_place(shown: Widget, fresh: Widget) -> bool:
    """The two widgets show the same key (or label) at the same place; only whether it
    applies, and its tooltip, may differ."""
    if type(shown) is not type(fresh):
        return False
    if isinstance(shown, FooterKey) and isinstance(fresh, FooterKey):
        return (
            shown.key == fresh.key
            and shown.key_display == fresh.key_display
            and shown.description == fresh.description
            and shown.action == fresh.action
            and shown.classes - STATE_CLASSES == fresh.classes - STATE_CLASSES
        )
    if isinstance(shown, FooterLabel) and isinstance(fresh, FooterLabel):
        return str(shown.content) == str(fresh.content)
    return False  # a key group, or anything newer: rebuild


class WhysFooter(Footer):
    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._update_keys)

    async def _update_keys(self) -> None:
        if not self.is_attached:
            return
        fresh = compose(self)
        shown = list(self.children)
        if len(fresh) != len(shown) or not all(map(_same_place, shown, fresh)):
            await self.recompose()
            return
        for old, new in zip(shown, fresh, strict=True):
            if isinstance(old, FooterKey) and isinstance(new, FooterKey):
                if old._disabled != new._disabled:
                    old._disabled = new._disabled
                    old.set_class(new._disabled, "-disabled")
                if old.tooltip != new.tooltip:
                    old.tooltip = new.tooltip

"""A text field that takes in only printable text, pasted or typed, and its keys in order."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from pyrapide.core.printable import printable


class PrintableInput(Input):
    """An Input whose inserted text (a paste included) is made printable first: a field
    shows what it holds raw, so a pasted escape sequence would otherwise reach the
    terminal (see :func:`pyrapide.core.printable.printable`).

    Its own keys (Enter, Backspace, Tab, Ctrl+U ...) act as they come, in order with the
    letters. Textual runs a focused widget's key bindings only once the key has gone up
    to the app, so when keys arrive together (typed while the app is busy, or sent at
    once by tmux) the letters behind one were typed in first: "step⏎run" submitted
    "steprun"."""

    async def _on_key(self, event: events.Key) -> None:
        # Only a key the field binds can be its own: a letter is not looked up in the
        # screen's bindings (each look-up checks every binding of the focus chain).
        found = (
            self.screen.active_bindings.get(event.key)
            if self.has_focus and event.key in self._bindings.key_to_bindings
            else None
        )
        if found is not None and found.node is self and found.enabled:
            event.stop()
            event.prevent_default()
            await self.run_action(found.binding.action)
            return
        await super()._on_key(event)

    def insert(self, text: str, index: int) -> None:
        """Insert ``text``, made printable, at ``index``."""
        super().insert(printable(text), index)

    def replace(self, text: str, start: int, end: int) -> None:
        """Replace the text between ``start`` and ``end`` with ``text``, made printable."""
        super().replace(printable(text), start, end)

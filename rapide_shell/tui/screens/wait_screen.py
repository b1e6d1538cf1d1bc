"""Where a played script waits for the presenter: any key or click goes on."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import ModalScreen


class WaitScreen(ModalScreen[None]):
    """A clear layer over the workbench that takes the next key or click and closes.

    It draws nothing itself (the narration banner says what to press), so the class
    keeps seeing the workbench; the keys it takes do not reach the command bar. The
    app's priority bindings (Ctrl+Q) still work.
    """

    def compose(self) -> ComposeResult:
        return iter(())

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.dismiss(None)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.dismiss(None)

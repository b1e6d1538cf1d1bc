"""Where a played script waits for the presenter: any key or click goes on."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen

from rapide_shell.tui.widgets.command_bar import CommandBar
from rapide_shell.tui.widgets.key_bar import KeyBar, compact_for
from rapide_shell.tui.widgets.printable_input import passed_on_once_closed


class WaitScreen(ModalScreen[None]):
    """A clear layer over the workbench that takes the next key or click and closes.

    It draws nothing itself but its key bar, over the workbench's (the narration
    banner says what to press), so the class keeps seeing the workbench, and the bar
    says what the keys do now: any key goes on, where the workbench's bar would offer
    F2 to step. The key it takes does not reach the command bar, but the keys sent
    with it (a key, then a command, typed quickly) do, as they would pressed slowly;
    a paste goes on too, its text to the command bar. The app's priority bindings
    (Ctrl+Q) still work.
    """

    BINDINGS = [
        # Escape is taken as any key is (on_key); bound as well for the app, which runs
        # a screen's Escape at once when Escape and a key come together (the key then
        # goes to the workbench, as when the two are pressed slowly).
        Binding("escape", "go_on", "Go on", show=False, id="wait.go_on"),
        # For the key bar: any key goes on (on_key), shown as such.
        Binding("space", "go_on", "Go on", key_display="any key", id="wait.any_key"),
    ]

    def compose(self) -> ComposeResult:
        yield KeyBar(compact=compact_for(self.app.size.width))

    def on_resize(self, resized: events.Resize) -> None:
        self.query_one(KeyBar).set_compact(compact_for(resized.size.width))

    def on_key(self, event: events.Key) -> None:
        if not passed_on_once_closed(self, event):
            event.stop()
            self.action_go_on()

    def on_paste(self, paste: events.Paste) -> None:
        """Text pasted while the script waits (a paste comes as one event, no key) goes
        on as a key does, and then to the workbench, as keys typed after the one that
        went on do (the command bar: its whole lines entered, a last one left there);
        this layer took it, and it was lost, the wait holding on."""
        paste.stop()
        closing = self.is_current
        under = [screen for screen in self.app.screen_stack if screen is not self]
        self.action_go_on()
        if not (closing and paste.text and under):
            return
        # To the bar itself, not to whatever screen is on top once it is read: at speed
        # 0 the script may wait again by then, and one paste went on twice.
        bars = under[-1].query(CommandBar)
        if bars:
            bars.first().post_message(events.Paste(paste.text))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_go_on()

    def action_go_on(self) -> None:
        """Closes the layer: the script goes on (once, however many ways it was asked:
        a key bar's click is a click on the layer too)."""
        if self.is_current:
            self.dismiss(None)

"""A text field that takes in only printable text, pasted or typed, and its keys in order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from textual import events
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.suggester import SuggestionReady
from textual.widgets import Input

from pyrapide.core.printable import printable

Suggest = Callable[[str], str | None]
"""The completion to offer, as grey text after the cursor, for what is typed (None: none)."""


def suggest_from(choices: Iterable[str]) -> Suggest:
    """Offers the first of ``choices`` (in their order) that starts with what is typed."""
    offered = list(choices)
    return lambda typed: next((choice for choice in offered if choice.startswith(typed)), None)


def pass_on(node: DOMNode, key: events.Key) -> None:
    """Sends ``key`` to where the focus is now, as if it were pressed now: a key of a
    burst (typed quickly, or sent at once by tmux) that Textual handed, as it read it,
    to ``node``, a field or a dialog that an earlier key of the burst has since left
    (it moved the focus on, or closed the dialog). Pressed slowly, it would have gone
    there. It goes after what the screen now on top has to do first (a screen that a
    dialog uncovered gives the command bar the focus as it resumes)."""
    app = node.app
    app.screen.call_later(app.post_message, events.Key(key.key, key.character))


def passed_on_once_closed(dialog: Screen[Any], key: events.Key) -> bool:
    """Passes ``key`` on (see :func:`pass_on`) if ``dialog`` has closed: a key that
    reaches a dialog once an earlier key of the same burst closed it. True if it did."""
    if dialog.app.screen is dialog:
        return False
    key.stop()
    pass_on(dialog, key)
    return True


class PrintableInput(Input):
    """An Input whose inserted text (a paste included) is made printable first: a field
    shows what it holds raw, so a pasted escape sequence would otherwise reach the
    terminal (see :func:`pyrapide.core.printable.printable`).

    Its own keys (Enter, Backspace, Tab, Ctrl+U ...) act as they come, in order with the
    letters. Textual runs a focused widget's key bindings only once the key has gone up
    to the app, so when keys arrive together (typed while the app is busy, or sent at
    once by tmux) the letters behind one were typed in first: "step⏎run" submitted
    "steprun". So do Tab and Shift+Tab, which move the focus at once; a key that comes
    after the field lost the focus (to an earlier key of the same burst) goes where the
    focus is now (see :func:`pass_on`). ``submitted``, if given, is what Enter does,
    at once, instead of posting ``Input.Submitted``: a dialog that moves on to its
    next field, or closes, before the keys behind the Enter are read.

    ``suggest`` offers a completion of what is typed (→ takes it), found at once as the
    value changes: a Textual ``Suggester`` is run in a worker, and one that a quit just
    after a keystroke cancels before it starts leaves its coroutine never awaited (Python
    warns of it after the shell has exited)."""

    BINDINGS = [
        Binding("tab", "app.focus_next", "Next field", show=False, id="field.next"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False,
                id="field.previous"),
    ]

    def __init__(
        self,
        *args: Any,
        suggest: Suggest | None = None,
        submitted: Callable[[PrintableInput], Awaitable[None]] | None = None,
        **kwargs: Any,
    ) -> None:
        self._suggest = suggest
        self._submitted = submitted
        super().__init__(*args, **kwargs)

    def watch_value(self, value: str) -> None:
        """Offers the completion of ``value``, in the message a suggester sends (Input
        shows it if the value is still the same when it arrives)."""
        if self._suggest is None or not value:
            return
        suggestion = self._suggest(value)
        if suggestion is not None:
            self.post_message(SuggestionReady(value, suggestion))

    def action_cursor_right(self, select: bool = False) -> None:
        """→ at the end takes the completion offered, even one that is not drawn yet
        (the keys were typed together: "APIService.re→⏎"); elsewhere it moves on."""
        suggestion = (
            self._suggest(self.value)
            if self._suggest is not None and self.value and self.cursor_at_end and not select
            else None
        )
        if suggestion is not None and suggestion != self.value:
            self.value = suggestion
            self.cursor_position = len(suggestion)
            return
        super().action_cursor_right(select)

    async def action_submit(self) -> None:
        """Enter: what ``submitted`` does, at once; without it, posts Input.Submitted."""
        if self._submitted is None:
            await super().action_submit()
        else:
            await self._submitted(self)

    async def _on_key(self, event: events.Key) -> None:
        if self.app.screen is not self.screen or self.screen.focused is not self:
            event.stop()
            event.prevent_default()
            pass_on(self, event)
            return
        # Only a key the field binds can be its own: a letter is not looked up in the
        # screen's bindings (each look-up checks every binding of the focus chain).
        found = (
            self.screen.active_bindings.get(event.key)
            if event.key in self._bindings.key_to_bindings
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

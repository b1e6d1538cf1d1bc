"""The key bar at the foot of the screen: Textual's footer, whole from the first frame."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.screen import Screen

ShownKeys = tuple[Any, ...]
"""What the bar shows: whether the palette's key is there, and each key with its
action, words and state."""


class KeyBar(Footer):
    """The screen's keys, laid out with the rest of the screen and drawn in its first frame.

    Textual's footer composes no key until the screen first reports its bindings, which
    it does only once something takes the focus: the keys then arrive one layout later
    than every other panel (about a tenth of a second at start-up). The screen's
    bindings are known as soon as the bar is mounted, so this one composes them then.
    It also composes again only when what it shows changes (Textual's footer does on
    every change of focus, though moving between panels seldom changes the keys).
    ``compact`` packs the keys closer; the command palette's key shows when not compact.
    """

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(id=id, compact=compact, show_command_palette=not compact)
        # The footer's own flag for "the screen has reported its bindings": true from
        # the start here, since the screen's bindings do not wait for the focus.
        self.set_reactive(Footer._bindings_ready, True)
        self._shown: ShownKeys | None = None
        """What the keys composed last show (None: none composed yet)."""

    def compose(self) -> ComposeResult:
        self._shown = self.shown_keys()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # A key starts compact and is then told the bar's style, which styles
                # it once more when the bar is not compact; told before it is mounted,
                # it is styled once. (The palette's key is not told: it stays compact.)
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def shown_keys(self) -> ShownKeys:
        """What the bar would show now: whether the palette's key is there, and each
        key shown (``compact`` is not part of it: the keys follow it by themselves)."""
        keys = tuple(
            (binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        return (self.show_command_palette, keys)

    def set_compact(self, compact: bool) -> None:
        """Packs the keys closer (``compact``, leaving out the command palette's key,
        which the help lists) or spreads them out with it."""
        self.compact = compact
        self.show_command_palette = not compact
        self._refresh_if_changed()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """The screen's keys may have changed: composes the bar again if what it
        shows did (not while the terminal has lost the focus, as Textual's footer)."""
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._refresh_if_changed()

    def _refresh_if_changed(self) -> None:
        if self.is_attached and self._shown is not None and self.shown_keys() != self._shown:
            self.refresh(recompose=True)  # once, however many changes come first

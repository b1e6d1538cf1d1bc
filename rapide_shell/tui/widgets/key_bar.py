"""The key bar at the foot of the screen: the keys that act now, whole from the first frame."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalScroll
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import ActiveBinding
    from textual.screen import Screen


COMPACT_BELOW = 160
"""Below this width the bar packs its keys closer, so that all of them fit."""


def compact_for(width: int) -> bool:
    """Whether a bar on a screen ``width`` columns wide is compact."""
    return width < COMPACT_BELOW


class ShownKey(NamedTuple):
    """One key as the bar shows it."""

    key: str
    """The key pressed (``ctrl+q``), as a click presses it."""
    display: str
    """The key as shown (``^q``)."""
    description: str
    action: str
    enabled: bool
    """False: the key shows dimmed, and a click on it only rings the bell."""
    tooltip: str


class ShownKeys(NamedTuple):
    """Everything the bar shows: when it changes, the bar is composed again."""

    compact: bool
    keys: tuple[ShownKey, ...]
    """The keys on the left, in the screen's order."""
    palette: ShownKey | None
    """The command palette's key, on the right (None: not shown)."""


class BarKey(Widget):
    """A key of the bar, ``key`` then what it does; a click presses the key."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"bar-key--key", "bar-key--description"}

    def __init__(self, shown: ShownKey, *, compact: bool, classes: str = "") -> None:
        super().__init__(classes=classes)
        self.shown = shown
        """The key, its action and words."""
        self.compact = compact
        """Packed closer: no space inside the key's part, one before its words."""
        self._cut = False
        self.set_class(not shown.enabled, "-disabled", update=False)
        # The bar lays its keys out side by side at their own widths: none gives way.
        self.set_reactive(Widget.shrink, False)
        if shown.tooltip:
            self.tooltip = shown.tooltip

    @property
    def cut(self) -> bool:
        """True while an end of the bar would cut the key: it is drawn blank, and neither
        a click nor its tooltip does anything (the bar keeps its place)."""
        return self._cut

    @cut.setter
    def cut(self, cut: bool) -> None:
        if cut == self._cut:
            return
        self._cut = cut
        self.set_class(cut, "-cut")
        self.tooltip = None if cut else (self.shown.tooltip or None)
        self.refresh()

    def render(self) -> Text:
        """The key, and its words beside it (each styled by its part of the bar's css);
        blank while it is cut."""
        key, description = self.shown.display, self.shown.description
        if not self.compact:
            key = f" {key} "
            description = f"{description} " if description else ""
        elif description:
            description = f" {description}"
        shown = Text.assemble(
            (key, self.get_component_rich_style("bar-key--key")),
            (description, self.get_component_rich_style("bar-key--description")),
        )
        shown.stylize_before(self.rich_style)  # the key's own colours (hover, dim) first
        return Text(" " * shown.cell_len) if self._cut else shown

    def on_mouse_down(self) -> None:
        """Presses the key, as the keyboard would (a disabled key only rings the bell)."""
        if self._cut:
            return
        if self.shown.enabled:
            self.app.simulate_key(self.shown.key)
        else:
            self.app.bell()


class KeyBar(HorizontalScroll, can_focus=False, can_focus_children=False):
    """The screen's keys, laid out with the rest of the screen and drawn in its first frame.

    It shows what Textual's footer shows (each action's first key, with its words, then
    the command palette's key on the right; a disabled key dimmed; a click presses the
    key), but from the bindings the screen reports as active: these are known as soon
    as the bar is composed, where Textual's footer waits until something takes the
    focus, one layout and about a tenth of a second of start-up later than every other
    panel. When the screen reports new bindings (the focus moved, an action was enabled
    or disabled), the bar is composed again only if what it shows changed: moving
    between panels seldom changes the keys. ``compact`` packs the keys closer and leaves
    out the command palette's key (the help lists it). The keys of a binding group
    show one by one, each with its words (no binding here is in a group). Styled in
    app.tcss.
    """

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self._compact = compact
        self.set_class(compact, "-compact", update=False)
        self._shown: ShownKeys | None = None
        """What the keys composed last show (None: none composed yet)."""

    @property
    def compact(self) -> bool:
        """Whether the keys are packed closer, without the command palette's key."""
        return self._compact

    def compose(self) -> ComposeResult:
        self._shown = self.shown_keys()
        for key in self._shown.keys:
            yield BarKey(key, compact=self.compact)
        if self._shown.palette is not None:
            # Always packed: it stands apart from the others, on the right.
            yield BarKey(self._shown.palette, compact=True, classes="-command-palette")
        self.call_after_refresh(self.show_whole_keys_only)  # once the new keys are placed

    def show_whole_keys_only(self) -> None:
        """Blanks a key that an end of the bar (or the palette's key) would cut: "f11
        Full" cut to "f1" reads as another key. A blank key keeps its place, so that the
        wheel brings it in whole, and it shows again then."""
        keys = [key for key in self.query(BarKey) if not key.has_class("-command-palette")]
        palette = self.query(".-command-palette")
        # Where the keys are along the bar, however far it is scrolled (the palette's
        # key is docked: it stays at the right end).
        left = round(self.scroll_x)
        right = left + self.size.width - (palette.first().outer_size.width if palette else 0)
        for key in keys:
            place = key.virtual_region
            if place:  # (a key the bar has not placed yet is seen to when it is)
                key.cut = not (left <= place.x and place.right <= right)

    def shown_keys(self) -> ShownKeys:
        """What the bar would show now, from the screen's active bindings: each action
        once, by its first shown key, in the screen's order."""
        active = self.screen.active_bindings
        keys: list[ShownKey] = []
        actions: set[str] = set()
        for found in active.values():
            if found.binding.show and found.binding.action not in actions:
                actions.add(found.binding.action)
                keys.append(self._shown_key(found, found.tooltip))
        palette = None
        if not self.compact and self.app.ENABLE_COMMAND_PALETTE:
            opens = active.get(self.app.COMMAND_PALETTE_BINDING)
            if opens is not None:
                palette = self._shown_key(opens, opens.tooltip or opens.binding.description)
        return ShownKeys(self.compact, tuple(keys), palette)

    def _shown_key(self, found: ActiveBinding, tooltip: str) -> ShownKey:
        binding = found.binding
        return ShownKey(binding.key, self.app.get_key_display(binding), binding.description,
                        binding.action, found.enabled, tooltip)

    def set_compact(self, compact: bool) -> None:
        """Packs the keys closer (``compact``, leaving out the command palette's key,
        which the help lists) or spreads them out with it."""
        self._compact = compact
        self.set_class(compact, "-compact")
        self._refresh_if_changed()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.watch(self, "scroll_x", self.show_whole_keys_only, init=False)

    def on_resize(self) -> None:
        """Another width: other keys may be cut by its end (once they are placed anew)."""
        self.call_after_refresh(self.show_whole_keys_only)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """The screen's keys may have changed: composes the bar again if what it
        shows did (not while the terminal has lost the focus: the app reports the
        bindings again when it comes back)."""
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._refresh_if_changed()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        """The wheel moves along keys that do not all fit, as far as it moves a panel."""
        self._move_along(event, self.app.scroll_sensitivity_x)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        """The wheel moves back along keys that do not all fit."""
        self._move_along(event, -self.app.scroll_sensitivity_x)

    def _move_along(self, event: events.MouseEvent, columns: float) -> None:
        if self.allow_horizontal_scroll:
            # At once, so that a flick of many notches adds them all up.
            self.scroll_to(x=self.scroll_target_x + columns, animate=True, immediate=True)
            event.stop()

    def _refresh_if_changed(self) -> None:
        if self.is_attached and self._shown is not None and self.shown_keys() != self._shown:
            self.refresh(recompose=True)  # once, however many changes come first

"""The narration banner: the last ``say`` of a lesson or demo, across the top, for a room."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from pyrapide.core.printable import printable

GO_ON_HINT = "▶ press any key to go on"


class NarrationBanner(Static):
    """Shows narration in bold, high-contrast type the width of the screen; hidden while
    there is none. While a played script waits for the presenter, it says how to go on.
    Tight (on a screen a little short for it beside the panels), it leaves out its
    blank lines and its rule; compact (on a tiny one), it is one line: the narration
    cut with an ellipsis, then the hint.
    """

    class Changed(Message):
        """The banner was laid out anew: the panels under it are fitted to what it left."""

    text: reactive[str] = reactive("", layout=True)
    """The narration shown; "" when there is none."""
    waiting: reactive[bool] = reactive(False, layout=True)
    """True while a played script waits for the presenter to press a key."""
    next_part: reactive[str] = reactive("", layout=True)
    """While a played script waits, the part a key goes on to (``part 3 of 7``), which
    ``rapide lessons --from`` names too; "" for none (the last part, a ``wait`` typed)."""
    tight: reactive[bool] = reactive(False, layout=True)
    """True while the banner has no blank lines around it nor a rule under it, on a
    screen too short for them beside the panels (see ``PanelLayout.fit_rows``)."""
    compact: reactive[bool] = reactive(False, layout=True)
    """True while the banner is one line, on a screen too short for it (see
    ``PanelLayout.fit_rows``)."""

    _fitted_height = 0
    """The height the banner had when it last said it changed (see :meth:`on_resize`)."""

    def render(self) -> RenderableType:
        """The narration, then the hint to go on while the script waits."""
        shown = Text(printable(self.text))  # a script's words: data, shown printable
        go_on = f"{GO_ON_HINT} to {self.next_part}" if self.next_part else GO_ON_HINT
        if self.compact:
            hint = Text(go_on, style="italic") if self.waiting else Text()
            room = self.content_size.width - hint.cell_len - (2 if shown and hint else 0)
            shown.truncate(max(room, 1), overflow="ellipsis")
            return Text("  ").join(part for part in (shown, hint) if part)
        if not self.waiting:
            return self._fitted(shown, below=0)
        hint = Text(go_on, style="italic")
        shown = self._fitted(shown, below=self._wrapped_height(hint))
        if self.text:
            shown.append("\n")
        shown.append(hint)
        return shown

    def _fitted(self, shown: Text, *, below: int) -> Text:
        """``shown`` cut with an ellipsis where it would not fit the banner's tallest
        (its max-height) above ``below`` lines (the hint to go on): a long narration cut
        silently at the bottom lost its end and, while the script waited, the hint."""
        width = self.content_size.width
        room = self._tallest() - below
        if width <= 0 or room < 1:
            return shown  # not laid out yet
        lines = shown.wrap(self.app.console, width)
        if len(lines) <= room:
            return shown
        kept = list(lines)[:room]
        last = kept[-1]
        last.rstrip()
        last.truncate(width - 1)
        last.append("…")
        return Text("\n").join(kept)

    def _wrapped_height(self, text: Text) -> int:
        """How many lines ``text`` takes at the banner's width (one before it is laid out)."""
        width = self.content_size.width
        return len(text.wrap(self.app.console, width)) if width > 0 else 1

    def _tallest(self) -> int:
        """The most lines of text the banner shows: its max-height, less its padding and
        rule."""
        tallest = self.styles.max_height
        cells = int(tallest.value) if tallest is not None and tallest.is_cells else 9
        return cells - self.styles.gutter.height

    def watch_text(self) -> None:
        self._show_when_needed()

    def watch_waiting(self) -> None:
        self.set_class(self.waiting, "waiting")
        self._show_when_needed()

    def watch_tight(self) -> None:
        self.set_class(self.tight, "tight")
        self.call_after_refresh(self.post_message, self.Changed())

    def watch_compact(self) -> None:
        self.set_class(self.compact, "compact")
        self.call_after_refresh(self.post_message, self.Changed())

    def on_resize(self, resized: events.Resize) -> None:
        """Wrapped to another width (a scrollbar came or went beside it), the banner may
        take another number of lines: the rows are fitted again to what it leaves them.
        Fitted only when it came or went, a narration a line taller than the rows were
        fitted to pushed the command bar off an 80x24 screen, and the screen's scrollbar
        that then came kept it wrapped that way."""
        if resized.size.height != self._fitted_height:
            self._fitted_height = resized.size.height
            self.post_message(self.Changed())

    def _show_when_needed(self) -> None:
        self.display = bool(self.text) or self.waiting
        self.call_after_refresh(self.post_message, self.Changed())

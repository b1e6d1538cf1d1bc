"""Where the main screen's panels go: rows sized by what they hold, slots, full screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widget import Widget

from rapide_shell.tui.panels import PANELS, Panel, find, slot_mates
from rapide_shell.tui.widgets.narration_banner import NarrationBanner

if TYPE_CHECKING:
    from textual.screen import Screen

ROWS = ("top", "middle", "bottom")
"""The rows of panels, top to bottom."""
WIDE_COLUMNS = 180
"""From this width on, the panels of a slot stand side by side."""
#: Lines a row needs beyond what its panels hold (their borders).
BORDERS = 2
TOP_SHARE = 0.45
"""The top row (graph and queue) never takes more than this share of the panels' room."""
BOTTOM_SHARE = 0.34
"""The bottom row (output, watches) takes this share of what the top row leaves."""
QUEUE_COLUMNS, QUEUE_SHARE, QUEUE_STEP = 30, 0.38, 8
"""The queue is at least QUEUE_COLUMNS wide, at most QUEUE_SHARE of the screen, and
grows or shrinks QUEUE_STEP columns at a time."""
MIN_TOP, MIN_BOTTOM, MIN_MIDDLE = 6, 5, 6
"""The fewest lines the top, bottom and middle rows get (borders included)."""
MIN_SHORT_ROW = 3
"""Where the rows have less room than their least heights above take (a short terminal,
or narration over a small one), each keeps this many lines at least (one inside its
borders), so that the screen does not scroll the status line or the command bar away."""
MIN_BOTTOM_SHARED = 8
"""The fewest lines of the bottom row while the errors share its side column with the
watches: two lines of each besides their borders, where the middle row can spare them."""


def panel_widget(screen: Screen[Any], panel: Panel) -> Widget:
    """The widget of ``panel`` on ``screen``."""
    return screen.query_one(f"#{panel.id}", Widget)


class PanelLayout:
    """Lays out the registry's panels on ``screen`` as the room and their content ask.

    A slot shows its ``current`` panel (the first at the start) unless the screen is at
    least WIDE_COLUMNS wide; the top row is as tall as the graph or the queue needs,
    within TOP_SHARE of the room; the bottom row takes BOTTOM_SHARE of the rest and the
    middle row (the event log, the Timeline, the inspector) what remains.
    """

    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen
        self.current: dict[str, str] = {}
        """The panel each slot shows on a narrow screen: slot -> panel id."""
        for panel in PANELS:
            if panel.slot is not None:
                self.current.setdefault(panel.slot, panel.id)
        self.wide = False
        """Whether the screen is wide enough for every panel of a slot."""

    def shows(self, panel: Panel) -> bool:
        """Whether ``panel`` is laid out now (its slot shows it, or the screen is wide)."""
        return panel.slot is None or self.wide or self.current[panel.slot] == panel.id

    def bring(self, panel: Panel) -> bool:
        """Makes ``panel`` the one its slot shows; True if that changed anything."""
        if panel.slot is None or self.current[panel.slot] == panel.id:
            return False
        self.current[panel.slot] = panel.id
        self.apply_slots()
        return True

    def apply_slots(self) -> None:
        """Shows and hides the panels of each slot, and says in each shown panel's title
        which key brings its hidden neighbours."""
        self.wide = self.screen.size.width >= WIDE_COLUMNS
        self.screen.set_class(self.wide, "wide")
        for panel in PANELS:
            if panel.slot is None:
                continue
            widget = panel_widget(self.screen, panel)
            widget.display = self.shows(panel)
            others = [
                f"{other.key} {other.title}" for other in slot_mates(panel)
                if other is not panel and not self.shows(other)
            ]
            widget.border_title = panel.title + (f"  ({', '.join(others)})" if others else "")

    def fit_queue(self, queue_width: int) -> None:
        """Sizes the queue to its longest line (in steps, so that a run does not make
        the graph beside it redraw at every dispatch), between QUEUE_COLUMNS and
        QUEUE_SHARE of the screen: the graph gets what the queue does not need."""
        screen = self.screen
        wanted = -(-(queue_width + BORDERS + 2) // QUEUE_STEP) * QUEUE_STEP
        width = max(QUEUE_COLUMNS, min(wanted, int(screen.size.width * QUEUE_SHARE)))
        queue = screen.query_one("#queue", Widget)
        if queue.styles.width is None or queue.styles.width.value != width:
            queue.styles.width = width

    def fit_rows(self, graph_lines: int, queue_lines: int) -> None:
        """Sizes the rows: the top one to the taller of the graph's picture and the
        queue's lines (within TOP_SHARE), the bottom one to BOTTOM_SHARE of the rest
        (at least MIN_BOTTOM_SHARED lines while it shows the errors too)."""
        screen = self.screen
        if not any(screen.query_one(f"#{row}", Widget).outer_size.height for row in ROWS):
            return  # not laid out yet
        # What the status line, the command bar and the keys leave (not what the rows
        # hold now: more than that while they overflow a screen made shorter).
        room = screen.size.height - sum(
            widget.outer_size.height for widget in screen.children
            if widget.id not in ROWS and widget.display
        )
        room = self._fit_narration(room)
        if room <= 0:
            return
        short = room < MIN_TOP + MIN_MIDDLE + MIN_BOTTOM
        screen.set_class(short, "short")
        least_top, least_middle, least_bottom = (
            (MIN_SHORT_ROW,) * 3 if short else (MIN_TOP, MIN_MIDDLE, MIN_BOTTOM)
        )
        # Never so tall that the middle and bottom rows get less than their least.
        top = max(least_top, min(max(graph_lines, queue_lines) + BORDERS,
                                 int(room * TOP_SHARE), room - least_middle - least_bottom))
        bottom = max(least_bottom, round((room - top) * BOTTOM_SHARE))
        if screen.query_one("#errors", Widget).has_class("has-problems"):
            bottom = max(bottom, min(MIN_BOTTOM_SHARED, room - top - least_middle))
        for row, height in (("top", top), ("bottom", bottom)):
            widget = screen.query_one(f"#{row}", Widget)
            if widget.styles.height is None or widget.styles.height.value != height:
                widget.styles.height = height

    def _fit_narration(self, room: int) -> int:
        """Makes the narration one line where, at its tallest, it would leave the rows
        less than MIN_SHORT_ROW lines each (a tiny screen: the status line and the
        command bar stay in view, and no row is lost); returns the rows' room then.

        Decided by the screen's height alone, not by the narration's current height,
        so that a banner made shorter does not make itself tall again."""
        banner = self.screen.query_one(NarrationBanner)
        if not banner.display:
            return room
        shown = banner.outer_size.height
        tallest = banner.styles.max_height
        compact = tallest is not None and (
            room + shown - int(tallest.value) < len(ROWS) * MIN_SHORT_ROW
        )
        banner.compact = compact
        # Just made compact, the banner is one line at the next layout.
        return room + shown - 1 if compact else room

    def toggle_full_screen(self, panel_id: str | None) -> Widget | None:
        """Shows panel ``panel_id`` alone on the screen, or, when one already is (or no
        panel is given), brings the panels back; returns the panel now shown alone."""
        screen = self.screen
        if screen.maximized is not None or panel_id is None:
            screen.minimize()
            return None
        panel = find(panel_id)
        self.bring(panel)
        widget = panel_widget(screen, panel)
        if not widget.display:  # the errors panel before any error
            return None
        screen.maximize(widget, container=False)
        return widget

"""Where the main screen's panels go: rows sized by what they hold, slots, columns, full screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widget import Widget
from textual.widgets import Static

from rapide_shell.tui.panels import PANELS, Panel, find, place_mates
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
STACKED_LINES = 2
"""The fewest lines inside its borders that each panel of a column gets while the column
stacks them: in a row shorter than that, the column shows one panel at a time (the one
last brought), as a slot does on a narrow screen, rather than frames with nothing in them."""
COLUMN_ROWS = {panel.column: panel.row for panel in PANELS if panel.column is not None}
"""The row each column of panels stands in."""
ROWS_GIVING_WAY = ("bottom", "middle", "top")
"""Where the rows have less room than MIN_SHORT_ROW lines each, only those that fit
show: the row of the panel last focused, then the others in this order (the output,
where commands answer, first; the graph last)."""
MIN_COLUMNS = 30
"""Narrower than this, the screen says that it is too small instead of drawing panels
too narrow to read (the queue and the graph share the top row half and half)."""
TOO_SMALL = "too-small"
"""The id of the message that covers a screen too small for one row of panels (with a
line inside its borders) and the lines around the rows, or narrower than MIN_COLUMNS."""


def panel_widget(screen: Screen[Any], panel: Panel) -> Widget:
    """The widget of ``panel`` on ``screen``."""
    return screen.query_one(f"#{panel.id}", Widget)


class PanelLayout:
    """Lays out the registry's panels on ``screen`` as the room and their content ask.

    A slot shows its ``current`` panel (the first at the start) unless the screen is at
    least WIDE_COLUMNS wide; the top row is as tall as the graph or the queue needs,
    within TOP_SHARE of the room; the bottom row takes BOTTOM_SHARE of the rest and the
    middle row (the event log, the Timeline, the inspector) what remains. A column
    stacks its panels where its row gives each STACKED_LINES, else it shows its
    ``current`` one as a slot does. Where the rows cannot each have MIN_SHORT_ROW
    lines, only those that can show, the ``chosen_row`` first; where not one can, or
    the screen is narrower than MIN_COLUMNS, a message over everything says how large
    the screen must be.
    """

    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen
        self.current: dict[str, str] = {}
        """The panel each slot shows on a narrow screen, and each column on a short
        one: slot or column -> panel id."""
        for panel in PANELS:
            if panel.place is not None:
                self.current.setdefault(panel.place, panel.id)
        self.wide = False
        """Whether the screen is wide enough for every panel of a slot."""
        self.folded: frozenset[str] = frozenset()
        """The columns whose rows are too short to stack their panels."""
        self.chosen_row = ROWS_GIVING_WAY[0]
        """The row of the panel last focused: the one that shows where not every row
        fits (see ROWS_GIVING_WAY)."""
        self.hidden_rows: tuple[str, ...] = ()
        """The rows left out for want of lines, top to bottom (none on most screens)."""
        self.too_small = False
        """Whether the screen is below MIN_LINES or MIN_COLUMNS (it says so instead)."""
        self.top_room = 0
        """The most lines the top row can have at the screen's size, whatever its panels
        hold (0: the row is left out): what the graph chooses its drawing for."""

    def shows(self, panel: Panel) -> bool:
        """Whether ``panel`` is laid out now: its slot or its column shows it, or shows
        every panel (the screen is wide, the row tall)."""
        place = panel.place
        one_at_a_time = place in self.folded if panel.column is not None else not self.wide
        return place is None or not one_at_a_time or self._shown_in(place) == panel.id

    def has_content(self, panel: Panel) -> bool:
        """Whether ``panel`` has anything to show: one hidden until it has (its key says
        its ``hidden_note`` instead: the errors panel) only once it has."""
        return not panel.hidden_note or panel_widget(self.screen, panel).has_class(
            "has-problems"
        )

    def _shown_in(self, place: str) -> str:
        """The panel that ``place`` shows while it shows one at a time: its current one,
        or while that has nothing to show (no errors yet), the first that has."""
        chosen = find(self.current[place])
        return next(
            (mate.id for mate in (chosen, *place_mates(chosen)) if self.has_content(mate)),
            chosen.id,
        )

    def bring(self, panel: Panel) -> bool:
        """Makes ``panel`` the one its slot or column shows (now, or once it shows one
        at a time); True if that changed anything."""
        if panel.place is None or self.current[panel.place] == panel.id:
            return False
        self.current[panel.place] = panel.id
        self.show_places()
        return True

    def choose_row(self, row: str) -> bool:
        """Makes ``row`` (the focused panel's) the one that shows first where not every
        row fits; True if it was not already."""
        changed = row != self.chosen_row
        self.chosen_row = row
        return changed

    def hidden_rows_panels(self) -> list[Panel]:
        """A panel of each row left out for want of lines (its first by key): its key
        brings the row, whose panels then name the keys of those they hide."""
        return [min((panel for panel in PANELS if panel.row == row), key=lambda p: p.key)
                for row in self.hidden_rows]

    def apply_slots(self) -> None:
        """Shows every panel of a slot on a wide screen, one at a time on a narrow one
        (see :meth:`show_places`)."""
        self.wide = self.screen.size.width >= WIDE_COLUMNS
        self.screen.set_class(self.wide, "wide")
        self.show_places()

    def show_places(self) -> None:
        """Shows and hides the panels of each slot and column, and says in each shown
        panel's title (a slot's) or under it (a column's: those panels keep a title of
        their own up to date) which key brings its hidden neighbours."""
        for panel in PANELS:
            if panel.place is None:
                continue
            widget = panel_widget(self.screen, panel)
            # Shown, the panel's own style decides (the errors panel's hides it until
            # there is an error).
            widget.styles.display = None if self.shows(panel) else "none"
            hint = ", ".join(
                f"{other.key} {other.heading}"
                for other in place_mates(panel)
                if other is not panel and self.has_content(other) and not self.shows(other)
            )
            if panel.slot is not None:
                widget.border_title = panel.title + (f"  ({hint})" if hint else "")
            else:
                widget.border_subtitle = " · ".join(filter(None, (hint, panel.subtitle)))

    def fit_queue(self, queue_width: int) -> None:
        """Sizes the queue to its longest line (in steps, so that a run does not make
        the graph beside it redraw at every dispatch), between QUEUE_COLUMNS and
        QUEUE_SHARE of the screen: the graph gets what the queue does not need."""
        screen = self.screen
        wanted = -(-(queue_width + BORDERS + 2) // QUEUE_STEP) * QUEUE_STEP
        width = min(max(QUEUE_COLUMNS, min(wanted, int(screen.size.width * QUEUE_SHARE))),
                    screen.size.width // 2)  # a narrow screen's graph keeps half of it
        queue = screen.query_one("#queue", Widget)
        if queue.styles.width is None or queue.styles.width.value != width:
            queue.styles.width = width

    def fit_rows(self, graph_lines: int, queue_lines: int) -> None:
        """Sizes the rows: the top one to the taller of the graph's picture and the
        queue's lines (within TOP_SHARE), the bottom one to BOTTOM_SHARE of the rest
        (more while the errors share its side column with the watches, for each to keep
        STACKED_LINES, where the middle row can spare them); where the rows do not
        each get MIN_SHORT_ROW, only those that do show (see ROWS_GIVING_WAY), and
        where not one does, the screen says it is too small. Then folds the columns
        whose rows are too short to stack their panels (see STACKED_LINES)."""
        screen = self.screen
        if not screen.query_one("#bar", Widget).outer_size.height:
            return  # not laid out yet
        # What the status line, the command bar and the keys leave (not what the rows
        # hold now: more than that while they overflow a screen made shorter).
        room = screen.size.height - sum(
            widget.outer_size.height for widget in screen.children
            if widget.id not in (*ROWS, TOO_SMALL) and widget.display
        )
        room = self._fit_narration(room)
        self._say_if_too_small(room)
        if self.too_small:
            heights = dict.fromkeys(ROWS, 0)
            self.top_room = 0
        elif room < len(ROWS) * MIN_SHORT_ROW:
            heights = self._rows_that_fit(room)
            self.top_room = heights["top"]
        else:
            heights = self._row_heights(room, graph_lines, queue_lines)
        self.hidden_rows = tuple(row for row in ROWS if not heights[row])
        for row, height in heights.items():
            widget = screen.query_one(f"#{row}", Widget)
            widget.display = height > 0
            # The middle row takes what the others leave.
            if row != "middle" and height and (
                widget.styles.height is None or widget.styles.height.value != height
            ):
                widget.styles.height = height
        folded = frozenset(
            column for column, row in COLUMN_ROWS.items()
            if heights[row] < self._lines_to_stack(column)
        )
        if folded != self.folded:
            self.folded = folded
            for column in COLUMN_ROWS:
                screen.query_one(f"#{column}", Widget).set_class(column in folded, "folded")
            self.show_places()

    def _row_heights(self, room: int, graph_lines: int, queue_lines: int) -> dict[str, int]:
        """The heights of the three rows within ``room`` (see :meth:`fit_rows`)."""
        short = room < MIN_TOP + MIN_MIDDLE + MIN_BOTTOM
        self.screen.set_class(short, "short")
        least_top, least_middle, least_bottom = (
            (MIN_SHORT_ROW,) * 3 if short else (MIN_TOP, MIN_MIDDLE, MIN_BOTTOM)
        )
        # Never so tall that the middle and bottom rows get less than their least.
        self.top_room = max(least_top, min(int(room * TOP_SHARE),
                                           room - least_middle - least_bottom))
        top = min(max(least_top, max(graph_lines, queue_lines) + BORDERS), self.top_room)
        bottom = max(least_bottom, round((room - top) * BOTTOM_SHARE))
        # The bottom row grows for its side column to stack the errors over the watches
        # where the middle row can spare the lines; fewer would be taken from the
        # middle row for frames with nothing in them: the column shows one instead.
        stacked = max((self._lines_to_stack(column) for column in COLUMN_ROWS
                       if COLUMN_ROWS[column] == "bottom"), default=0)
        if bottom < stacked <= room - top - least_middle:
            bottom = stacked
        return {"top": top, "middle": room - top - bottom, "bottom": bottom}

    def _rows_that_fit(self, room: int) -> dict[str, int]:
        """The heights of the rows on a screen too short for all three (0: left out):
        as many as get MIN_SHORT_ROW lines, the chosen row first (with any line left
        over), then the others in the order of ROWS_GIVING_WAY."""
        self.screen.set_class(True, "short")
        shown = list(dict.fromkeys((self.chosen_row, *ROWS_GIVING_WAY)))[
            : room // MIN_SHORT_ROW
        ]
        heights = {row: room // len(shown) if row in shown else 0 for row in ROWS}
        heights[self.chosen_row] += room % len(shown)
        return heights

    def _say_if_too_small(self, room: int) -> None:
        """Shows, over everything, that the screen is too small, where ``room`` lines
        (what the lines around the rows leave) hold no row, or the screen is narrower
        than MIN_COLUMNS; takes the message away once it is large enough again."""
        screen = self.screen
        size = screen.size
        needed = (max(size.width, MIN_COLUMNS), size.height - room + MIN_SHORT_ROW)
        self.too_small = room < MIN_SHORT_ROW or size.width < MIN_COLUMNS
        screen.set_class(self.too_small, "too-small")
        if self.too_small:
            screen.query_one(f"#{TOO_SMALL}", Static).update(
                f"This terminal is {size.width}x{size.height}: the workbench needs "
                f"{needed[0]}x{needed[1]} at least. Make it larger (Ctrl+Q quits)."
            )

    def _lines_to_stack(self, column: str) -> int:
        """The lines a row needs for ``column`` to stack the panels in it that have
        something to show, STACKED_LINES of each inside their borders (0: one has)."""
        shown = [
            panel for panel in PANELS if panel.column == column and self.has_content(panel)
        ]
        return len(shown) * (BORDERS + STACKED_LINES) if len(shown) > 1 else 0

    def _fit_narration(self, room: int) -> int:
        """Makes the narration tight (no blank lines nor rule around it) where, at its
        tallest, it would leave the rows less than their least heights (an 80x24
        screen: the output keeps lines in which a lesson's commands answer), and one
        line where it would leave them less than MIN_SHORT_ROW lines each (a tiny
        screen: the status line and the command bar stay in view, and no row is lost);
        returns the rows' room then.

        Decided by the screen's height alone, not by the narration's current height,
        so that a banner made shorter does not make itself tall again."""
        banner = self.screen.query_one(NarrationBanner)
        if not banner.display:
            return room
        shown = banner.outer_size.height
        tallest = banner.styles.max_height
        left = room + shown - (int(tallest.value) if tallest is not None else shown)
        banner.tight = left < MIN_TOP + MIN_MIDDLE + MIN_BOTTOM
        banner.compact = left < len(ROWS) * MIN_SHORT_ROW
        # Just made compact, the banner is one line at the next layout (made tight, it
        # says so once it is laid out: see NarrationBanner.Changed).
        return room + shown - 1 if banner.compact else room

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

"""The Timeline: every event in its component's lane, time running down, drawn lazily."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from itertools import chain
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rapide_shell.causes import Cause, CauseKind, causes_of, wiring_deliveries
from rapide_shell.timeline import (
    ENV,
    LaneGrid,
    Role,
    cause_marks,
    lane_components,
    lane_feeds,
    lane_order,
    merge,
    time_text,
)
from rapide_shell.tui.widgets.scrolling import set_virtual_size

if TYPE_CHECKING:
    from pyrapide import Event
    from rapide_shell.session import Session
    from rapide_shell.tui.live import NotificationBatch

#: Architectures with at most this many components get a lane for each from the start;
#: larger ones get lanes as their components send events.
EVERY_COMPONENT_UP_TO = 32
#: From this many lines on, the panel folds long lane names over two header lines.
TALL_ENOUGH_TO_FOLD = 20
#: Cells kept right of the lanes for the causes ("← ═e3 ⇊e13") before lanes narrow.
CAUSES_ROOM = 14


class TimelinePanel(ScrollView, can_focus=True):
    """The run as swimlanes: a lane per component (``env`` for injected events), one row
    per event in recording order, logical time down the left (the step number when
    time stands still), each event linked from its causes' lanes and its causes listed
    with their kinds.

    The row under the cursor is the selected event: the rows of its causal past and
    future are marked. The panel follows new events while the cursor is on the last
    row; moving up stops following and ``end`` resumes it. ``-`` collapses the selected
    event's lane to a column of dots, Delete hides it (its events leave the timeline),
    ``+`` brings every lane back. Only the rows on screen are drawn, so 100,000 events
    scroll like 100.
    """

    COMPONENT_CLASSES = {
        "timeline--header",
        "timeline--time",
        "timeline--rule",
        "timeline--event",
        "timeline--feed",
        "timeline--lane",
        "timeline--note",
        "timeline--cursor",
        "timeline--past",
        "timeline--future",
        *(f"timeline--{kind.name.lower()}" for kind in CauseKind),
    }
    BINDINGS = [
        Binding("up", "cursor(-1)", "Previous event", show=False, id="timeline.up"),
        Binding("down", "cursor(1)", "Next event", show=False, id="timeline.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="timeline.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="timeline.page_down"),
        Binding("home", "first", "First event", show=False, id="timeline.first"),
        Binding("end", "last", "Last event, follow", show=False, id="timeline.last"),
        # No letters: a letter typed outside the command bar starts a command there
        # (`continue`, `history`), and must not act on a lane first.
        Binding("minus", "collapse", "Collapse", key_display="-", id="timeline.collapse"),
        Binding("delete", "hide", "Hide", key_display="Del", id="timeline.hide"),
        Binding("plus", "all_lanes", "All", key_display="+", id="timeline.all"),
    ]

    class EventSelected(Message):
        """The user moved the cursor onto ``event``."""

        def __init__(self, event: Event) -> None:
            self.event = event
            super().__init__()

    class LanesChanged(Message):
        """Lanes were hidden, collapsed or brought back (``hidden``, ``collapsed``)."""

        def __init__(self, hidden: frozenset[str], collapsed: frozenset[str]) -> None:
            self.hidden = hidden
            self.collapsed = collapsed
            super().__init__()

    cursor: reactive[int] = reactive(-1, repaint=False)
    """Index of the selected row among the rows shown (-1: none yet)."""
    following: reactive[bool] = reactive(True, repaint=False)
    """Whether the cursor jumps to each new event as it is recorded."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._events: list[Event] = []
        self._rows: list[int] = []
        """Indexes into ``_events`` of the rows shown (the events of lanes not hidden),
        in increasing order."""
        self._index_of: dict[str, int] = {}
        """Each event's index in ``_events``, by id."""
        self._by_lane: dict[str, list[int]] = {}
        """Indexes into ``_events`` of each lane's events, in increasing order."""
        self._poset: Any = None
        self._delivered = wiring_deliveries(None)
        self._description: Any = None
        self._sources: dict[str, None] = {}
        self._lanes: list[str] = []
        self._feeds: dict[str, str] = {}
        self.hidden: frozenset[str] = frozenset()
        """Lanes whose events are left out."""
        self.collapsed: frozenset[str] = frozenset()
        """Lanes drawn one cell wide, their events as dots."""
        self._first_time: Any = None
        self._time_moves = False
        self._time_width = 1
        self._grid: LaneGrid | None = None
        self._header: list[list[tuple[str, Role]]] | None = None
        self._line_cache: LRUCache[tuple[int, int, int], Strip] = LRUCache(256)
        self._causes: LRUCache[str, list[Cause]] = LRUCache(1024)
        """Each drawn event's causes with their kinds, by event id."""

    # -- what it shows ----------------------------------------------------------------------

    @property
    def lanes(self) -> list[str]:
        """Every lane in drawing order (hidden ones included)."""
        return list(self._lanes)

    @property
    def shown_lanes(self) -> list[str]:
        """The lanes drawn, left to right."""
        return [lane for lane in self._lanes if lane not in self.hidden]

    @property
    def row_count(self) -> int:
        """Rows shown (events of lanes not hidden)."""
        return len(self._rows)

    @property
    def selected_event(self) -> Event | None:
        """The event under the cursor, if any."""
        if 0 <= self.cursor < len(self._rows):
            return self._events[self._rows[self.cursor]]
        return None

    @property
    def grid(self) -> LaneGrid:
        """Where the lanes are drawn at the current width."""
        if self._grid is None:
            self._grid = LaneGrid.fitting(
                self.shown_lanes, self.scrollable_content_region.width,
                time_width=self._time_width, reserve=CAUSES_ROOM, collapsed=self.collapsed,
                feeds=self._feeds, gather=False,
            )
        return self._grid

    def _header_rows(self) -> list[list[tuple[str, Role]]]:
        if self._header is None:
            # Lane names folded over two lines when the panel is tall enough to spare
            # one, else cut on one.
            tall = self.scrollable_content_region.height >= TALL_ENOUGH_TO_FOLD
            self._header = self.grid.header(fold=tall)
        return self._header

    def show_session(self, session: Session) -> None:
        """Shows every event of the session's computation, in the lanes of its
        architecture."""
        self._description = session.description
        self._delivered = wiring_deliveries(session.description)
        self._causes.clear()
        self._feeds = lane_feeds(session.description)
        self._poset = session.computation.poset
        self._events = []
        self._rows = []
        self._index_of = {}
        self._by_lane = {}
        # A lane per component; in a large architecture, per component that has sent
        # an event (thousands of empty lanes would help no one).
        components = lane_components(session.description)
        few = len(components) <= EVERY_COMPONENT_UP_TO
        self._sources = dict.fromkeys(components) if few else {}
        self._first_time = None
        self._time_moves = False
        self._time_width = 1
        self.set_reactive(TimelinePanel.cursor, -1)
        self.following = True
        self._relayout()
        self.add_events(list(session.computation))

    def show_batch(self, batch: NotificationBatch, session: Session) -> None:
        """Adds the events recorded since the last frame."""
        if batch.events and batch.reset is None:
            self._poset = session.computation.poset
            self.add_events(batch.events)

    def add_events(self, new_events: Iterable[Event]) -> None:
        """Appends events in recording order; the cursor follows them if following."""
        added = 0
        new_lane = False
        time_width = self._time_width
        for event in new_events:
            index = len(self._events)
            self._events.append(event)
            self._index_of[event.id] = index
            added += 1
            source = event.source or ENV
            if source not in self._sources:
                self._sources[source] = None
                new_lane = True
            lane = self._by_lane.get(source)
            if lane is None:
                lane = self._by_lane[source] = []
            lane.append(index)
            if self._first_time is None:
                self._first_time = event.timestamp
            elif not self._time_moves and event.timestamp != self._first_time:
                self._time_moves = True
                self._line_cache.clear()
            time_width = max(time_width, len(time_text(event.timestamp)), len(str(index + 1)))
            if source not in self.hidden:
                self._rows.append(index)
        if not added:
            return
        if new_lane or time_width != self._time_width or not self._lanes:
            self._time_width = time_width
            self._relayout()
        self._resize()
        if self.following and self._rows:
            self._move(len(self._rows) - 1, announce=False)
        else:
            self.refresh()

    def row_of(self, event_id: str) -> int | None:
        """The row showing event ``event_id``, or None (unknown, or its lane hidden)."""
        index = self._index_of.get(event_id)
        if index is None:
            return None
        row = bisect_left(self._rows, index)
        return row if row < len(self._rows) and self._rows[row] == index else None

    def select_id(self, event_id: str) -> bool:
        """Moves the cursor to the event ``event_id`` (False if it is not shown)."""
        row = self.row_of(event_id)
        if row is None:
            return False
        if row != self.cursor:
            self.following = row == len(self._rows) - 1
            self._move(row, announce=False)
        return True

    def set_lanes(self, hidden: Iterable[str] = (), collapsed: Iterable[str] = ()) -> None:
        """Hides and collapses lanes (every other lane is shown whole)."""
        selected = self.selected_event
        hidden = frozenset(hidden)
        if hidden != self.hidden:
            self.hidden = hidden
            # Each lane's rows are kept in order: the rows shown are their runs merged
            # (a sort that finds the runs), not a pass over every event in Python.
            self._rows = (
                sorted(chain.from_iterable(
                    rows for lane, rows in self._by_lane.items() if lane not in hidden
                ))
                if hidden else list(range(len(self._events)))
            )
        self.collapsed = frozenset(collapsed)
        self._relayout()
        self._resize()
        row = self.row_of(selected.id) if selected is not None else None
        if row is None:
            row = len(self._rows) - 1 if self.following else min(self.cursor, len(self._rows) - 1)
        self.set_reactive(TimelinePanel.cursor, -1)
        if self._rows:
            self._move(row, announce=False)
        self.post_message(self.LanesChanged(self.hidden, self.collapsed))

    # -- keys ---------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        """Moves the cursor one row; following stops going up and resumes at the end."""
        self._user_move(self.cursor + step)

    def action_page(self, direction: int) -> None:
        """Moves the cursor a page."""
        self._user_move(self.cursor + direction * max(1, self._body_height() - 1))

    def action_first(self) -> None:
        """Selects the first event."""
        self._user_move(0)

    def action_last(self) -> None:
        """Selects the newest event and follows new ones again."""
        self._user_move(len(self._rows) - 1)

    def action_collapse(self) -> None:
        """Collapses the selected event's lane, or expands it again."""
        event = self.selected_event
        if event is not None:
            lane = event.source or ENV
            self.set_lanes(self.hidden, self.collapsed ^ {lane})

    def action_hide(self) -> None:
        """Hides the selected event's lane and its events (``a`` brings it back)."""
        event = self.selected_event
        if event is not None and len(self.shown_lanes) > 1:
            self.set_lanes(self.hidden | {event.source or ENV}, self.collapsed)

    def action_all_lanes(self) -> None:
        """Shows every lane, none collapsed."""
        self.set_lanes()

    def on_click(self, click: events.Click) -> None:
        """Selects the clicked row (counted inside the panel's border, under the
        header rows)."""
        at = click.get_content_offset(self)
        if at is None:
            return
        row = round(self.scroll_y) + at.y - self._header_height()
        if at.y >= self._header_height() and 0 <= row < len(self._rows):
            self._user_move(row)

    def on_mouse_scroll_up(self, _event: events.MouseScrollUp) -> None:
        """Scrolling back stops following new events."""
        self.following = False

    def _user_move(self, row: int) -> None:
        if not self._rows:
            return
        row = max(0, min(row, len(self._rows) - 1))
        self.following = row == len(self._rows) - 1
        self._move(row, announce=True)

    def _move(self, row: int, *, announce: bool) -> None:
        if row == self.cursor:
            self._scroll_cursor_into_view()
            return
        self.cursor = row
        self._line_cache.clear()  # the marks of the causal past and future move with it
        if announce and (event := self.selected_event) is not None:
            self.post_message(self.EventSelected(event))
        self._scroll_cursor_into_view()
        self.refresh()

    # -- layout -------------------------------------------------------------------------

    def _relayout(self) -> None:
        self._lanes = lane_order(self._description, self._sources)
        self._grid = self._header = None
        self._line_cache.clear()
        self.refresh()

    def _header_height(self) -> int:
        return len(self._header_rows())

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - self._header_height())

    def _resize(self) -> None:
        was_scrolling = self.show_vertical_scrollbar
        width = max(self.grid.width + CAUSES_ROOM, self.scrollable_content_region.width)
        set_virtual_size(self, Size(width, len(self._rows) + self._header_height()))
        if not was_scrolling:
            # Until the layout shows the scrollbar the panel cannot scroll: try again then.
            self.call_after_refresh(self._scroll_cursor_into_view)

    def _scroll_cursor_into_view(self) -> None:
        if self.cursor < 0:
            return
        body = self._body_height()
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + body:
            self.scroll_to(y=self.cursor - body + 1, animate=False, immediate=True)

    def on_resize(self, _event: events.Resize) -> None:
        """Lanes widen or narrow with the panel."""
        self._refit()

    def watch_show_vertical_scrollbar(self) -> None:
        """The vertical scrollbar came or went: the lanes are fitted to the room left."""
        # The scrollbar takes its column from the lanes' room without resizing the
        # panel (no Resize comes): lanes fitted to the width before it would overflow
        # by its width and show a horizontal scrollbar for nothing.
        self._refit()

    def _refit(self) -> None:
        """Fits the lanes and the scrollable width to the room the panel has now."""
        self._grid = self._header = None
        self._line_cache.clear()
        self._resize()
        self.call_after_refresh(self._scroll_cursor_into_view)

    def notify_style_update(self) -> None:
        """Drops drawn rows when the theme changes."""
        super().notify_style_update()
        self._line_cache.clear()

    # -- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draws the sticky header, or the event row at this screen line."""
        width = self.scrollable_content_region.width
        scroll_x = round(self.scroll_x)
        header = self._header_rows()
        if y < len(header):
            style = self.get_component_rich_style("timeline--header")
            strip = Strip(self._segments(header[y], style), self.grid.width)
            return strip.crop_extend(scroll_x, scroll_x + width, style)
        row = round(self.scroll_y) + y - len(header)
        if not 0 <= row < len(self._rows):
            return Strip.blank(width, self.rich_style)
        # Only the columns on screen are styled: a run over hundreds of lanes draws
        # rows thousands of cells wide.
        key = (row, scroll_x, width)
        cached = self._line_cache.get(key)
        if cached is None:
            cached = self._row_strip(row, scroll_x, width)
            self._line_cache[key] = cached
        return cached

    def _row_strip(self, row: int, scroll_x: int = 0, width: int | None = None) -> Strip:
        """Row ``row`` as drawn from column ``scroll_x``, ``width`` columns (all of it
        when None)."""
        index = self._rows[row]
        event = self._events[index]
        poset = self._poset
        causes = self._causes.get(event.id)
        if causes is None:  # what caused an event never changes: worked out once
            causes = causes_of(event, poset, self._delivered) if poset is not None else []
            self._causes[event.id] = causes
        if self._time_moves:
            before = self._events[self._rows[row - 1]].timestamp if row else None
            time = time_text(event.timestamp) if row == 0 or before != event.timestamp else ""
        else:
            time = str(index + 1)
        # The row's own look (the cursor, the causal cone) goes over the roles' colours.
        row_style = Style()
        selected = self.selected_event
        if row == self.cursor:
            row_style = self.get_component_rich_style("timeline--cursor")
        elif selected is not None and poset is not None and event in poset:
            if poset.is_ancestor(event, selected):
                row_style = self.get_component_rich_style("timeline--past")
            elif poset.is_ancestor(selected, event):
                row_style = self.get_component_rich_style("timeline--future")
        cells = self.grid.row(event, time, causes)
        cells += [(" ", None), *cause_marks(causes)]
        rich_style = self.rich_style  # worked out from the CSS at every reading: once
        base = rich_style + row_style
        if width is None:
            width = max(self.virtual_size.width - scroll_x, len(cells) - scroll_x)
        shown = _cut(cells, scroll_x, width)
        segments = self._segments(shown, row_style, rich_style)
        return Strip(segments).extend_cell_length(width, base)

    def _segments(
        self, cells: list[tuple[str, Role]], over: Style, base: Style | None = None
    ) -> list[Segment]:
        """Cells as segments, each role in its style (over ``base``, the widget's own by
        default) with ``over`` on top."""
        if base is None:
            base = self.rich_style
        return [Segment(text, base + self._role_style(role) + over) for text, role in merge(cells)]

    def _role_style(self, role: Role) -> Style:
        if role is None:
            return Style()
        if isinstance(role, tuple):
            kind = CauseKind(role[1])
            return self.get_component_rich_style(f"timeline--{kind.name.lower()}", partial=True)
        return self.get_component_rich_style(f"timeline--{role}", partial=True)


def _cut(cells: list[tuple[str, Role]], start: int, width: int) -> list[tuple[str, Role]]:
    """The cells from column ``start``, ``width`` of them (each cell one column, but a
    cause mark, which holds a whole id)."""
    shown: list[tuple[str, Role]] = []
    column = 0
    for text, role in cells:
        end = column + len(text)
        if end > start and column < start + width:
            shown.append((text[max(0, start - column): start + width - column], role))
        column = end
        if column >= start + width:
            break
    return shown

"""The event log: every recorded event, one line each, drawn lazily (Line API)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
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

from pyrapide.core.printable import printable
from rapide_shell.render import pad, payload_text, shorten
from rapide_shell.tui.live import session_problems
from rapide_shell.tui.widgets.scrolling import set_virtual_size

if TYPE_CHECKING:
    from pyrapide import Event
    from rapide_shell.session import Session
    from rapide_shell.tui.live import NotificationBatch

#: Column widths grow with the longest value seen, up to these bounds.
# A source is a component's path, longer inside nested architectures (payments.ledger).
MAX_WIDTHS = {"id": 10, "time": 8, "source": 24, "name": 34}


def _time(event: Event) -> str:
    timestamp = event.timestamp
    return f"{timestamp:g}" if isinstance(timestamp, int | float) else ""


#: When the panel is narrow, these columns give up room (in this order) down to these
#: widths, so that the payload keeps PAYLOAD_MIN columns.
SHRINKABLE = {"name": 12, "source": 8}
PAYLOAD_MIN = 12


def _cell(text: str, width: int) -> str:
    """``text`` (data: drawn printable) in a column ``width`` wide, cut with "…" to leave
    a blank before the next."""
    return pad(shorten(printable(text), width - 1), width)


def fitted_widths(widths: dict[str, int], room: int) -> dict[str, int]:
    """The column widths to draw in ``room`` cells: ``widths`` as they are when the
    payload keeps PAYLOAD_MIN columns, else with the SHRINKABLE columns narrowed."""
    fitted = dict(widths)
    excess = 1 + sum(fitted.values()) + PAYLOAD_MIN - room
    for column, narrowest in SHRINKABLE.items():
        if excess <= 0:
            break
        give = min(excess, max(0, fitted[column] - narrowest))
        fitted[column] -= give
        excess -= give
    return fitted


class EventLog(ScrollView, can_focus=True):
    """Lists events as they are recorded; the line under the cursor is the selected event.

    Only the visible lines are ever drawn, so appending and scrolling stay cheap with
    hundreds of thousands of events. The log follows new events while the cursor is on
    the last line; moving the cursor up (or scrolling away) stops following, and
    ``end`` resumes it.
    """

    COMPONENT_CLASSES = {
        "event-log--header",
        "event-log--cursor",
        "event-log--marked",
        "event-log--past",
        "event-log--future",
        "event-log--id",
        "event-log--source",
        "event-log--name",
        "event-log--error",
    }
    BINDINGS = [
        Binding("up", "cursor_up", "Previous event", show=False, id="event_log.up"),
        Binding("down", "cursor_down", "Next event", show=False, id="event_log.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="event_log.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="event_log.page_down"),
        Binding("home", "first", "First event", show=False, id="event_log.first"),
        Binding("end", "last", "Last event, follow", show=False, id="event_log.last"),
        Binding("enter", "choose", "Look into this event", show=False, id="event_log.choose"),
    ]

    class EventSelected(Message):
        """The cursor moved onto ``event`` (posted on every cursor move).

        ``followed`` is True when the cursor moved by itself, following a new event.
        """

        def __init__(self, event: Event, followed: bool = False) -> None:
            self.event = event
            self.followed = followed
            super().__init__()

    class EventChosen(Message):
        """The user pressed Enter on ``event``: look into it (the inspector takes focus)."""

        def __init__(self, event: Event) -> None:
            self.event = event
            super().__init__()

    cursor: reactive[int] = reactive(-1, always_update=False, repaint=False)
    """Index of the selected event in recording order (-1: no event yet)."""
    following: reactive[bool] = reactive(True, repaint=False)
    """Whether the cursor jumps to each new event as it is recorded."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._events: list[Event] = []
        self._index_of: dict[str, int] = {}
        self._marked: frozenset[str] = frozenset()
        self._failed: set[str] = set()
        self._poset: Any = None
        """The poset the events belong to: the selected event's causal past and future
        are marked from it."""
        # Drawn lines by event index; emptied whenever the width or the styles change.
        self._line_cache: LRUCache[int, Strip] = LRUCache(512)
        self._widths = {column: len(column) + 2 for column in MAX_WIDTHS}

    # -- data ---------------------------------------------------------------------------

    @property
    def event_count(self) -> int:
        """Number of events in the log."""
        return len(self._events)

    @property
    def selected_event(self) -> Event | None:
        """The event under the cursor, if any."""
        return self._events[self.cursor] if 0 <= self.cursor < len(self._events) else None

    @property
    def failed_ids(self) -> set[str]:
        """The ids of the events marked as failed (a handler raised on them)."""
        return set(self._failed)

    @property
    def marked_ids(self) -> frozenset[str]:
        """Ids of the events drawn highlighted (a watch match's events)."""
        return self._marked

    def add_events(self, new_events: Iterable[Event]) -> None:
        """Appends events in recording order; the cursor follows them if following."""
        start = len(self._events)
        for event in new_events:
            self._index_of[event.id] = len(self._events)
            self._events.append(event)
        if len(self._events) == start:
            return
        self._widen_columns(self._events[start:])
        self._resize()
        if self.following:
            self._move_cursor(len(self._events) - 1, followed=True)
        else:
            self.refresh()

    def show_session(self, session: Session) -> None:
        """Shows every event of the session's computation, those whose handler raised
        marked (none of a loaded computation: the errors are the live run's, and its
        ids name other events)."""
        self.clear()
        self._poset = session.computation.poset
        self.add_events(list(session.computation))
        if session.inspected is not None:
            return
        for problem in session_problems(session):
            if problem.failed and problem.event_id is not None:
                self.mark_failed(problem.event_id)

    def show_batch(self, batch: NotificationBatch, session: Session) -> None:
        """Adds the events recorded since the last frame, and marks those that failed."""
        if batch.events and batch.reset is None:
            self.add_events(batch.events)
        for event_id in batch.failed_event_ids:
            self.mark_failed(event_id)

    def clear(self) -> None:
        """Forgets every event (after a reset or a load)."""
        self._events.clear()
        self._index_of.clear()
        self._failed.clear()
        self._marked = frozenset()
        self._widths = {column: len(column) + 2 for column in MAX_WIDTHS}
        self._line_cache.clear()
        self.following = True
        self.set_reactive(EventLog.cursor, -1)
        self._resize()
        self.refresh()

    def mark(self, event_ids: Iterable[str]) -> None:
        """Highlights the events with these ids and moves the cursor to the first of them."""
        self._marked = frozenset(event_ids)
        self._line_cache.clear()
        indexes = [self._index_of[i] for i in self._marked if i in self._index_of]
        if indexes:
            self.following = False
            self._move_cursor(min(indexes))
        self.refresh()

    def mark_failed(self, event_id: str) -> None:
        """Flags an event whose delivery raised in a handler."""
        self._failed.add(event_id)
        index = self._index_of.get(event_id)
        if index is not None:
            # Only that event's line changes (a run with many errors marks many per frame).
            self._line_cache.discard(index)
            self.refresh()

    def select_id(self, event_id: str, *, announce: bool = True) -> bool:
        """Moves the cursor to the event with ``event_id`` (posting EventSelected unless
        ``announce`` is False); False if it is not in the log."""
        index = self._index_of.get(event_id)
        if index is None:
            return False
        self.following = index == len(self._events) - 1
        self._move_cursor(index, announce=announce)
        return True

    def _widen_columns(self, added: list[Event]) -> None:
        widths = self._widths
        wanted = {
            "id": max(cell_len(printable(event.id)) for event in added) + 2,
            "time": max(len(_time(event)) for event in added) + 2,
            "source": max(cell_len(printable(event.source or "")) for event in added) + 2,
            "name": max(cell_len(printable(event.name)) for event in added) + 2,
        }
        grown = False
        for column, width in wanted.items():
            width = min(width, MAX_WIDTHS[column])
            if width > widths[column]:
                widths[column] = width
                grown = True
        if grown:
            self._line_cache.clear()

    # -- cursor -------------------------------------------------------------------------

    def _resize(self) -> None:
        was_scrolling = self.show_vertical_scrollbar
        set_virtual_size(self, Size(self.size.width, len(self._events) + 1))
        if not was_scrolling:
            # Until the layout shows the scrollbar the log cannot scroll: try again then.
            self.call_after_refresh(self._scroll_cursor_into_view)

    def _move_cursor(self, index: int, followed: bool = False, announce: bool = True) -> None:
        if not self._events:
            return
        index = max(0, min(index, len(self._events) - 1))
        old = self.cursor
        self.cursor = index
        if old != index:
            # Every line may change: the marks of the causal past and future move too.
            self._line_cache.clear()
            if announce:
                self.post_message(self.EventSelected(self._events[index], followed))
        self._scroll_cursor_into_view()
        self.refresh()

    def _scroll_cursor_into_view(self) -> None:
        if self.cursor < 0:
            return
        visible_rows = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible_rows:
            self.scroll_to(y=self.cursor - visible_rows + 1, animate=False, immediate=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_cursor_up(self) -> None:
        """Selects the previous event and stops following."""
        self.following = False
        self._move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        """Selects the next event; following resumes on the last one."""
        self._move_cursor(self.cursor + 1)
        self.following = self.cursor == len(self._events) - 1

    def action_page_up(self) -> None:
        """Moves the cursor one page up."""
        self.following = False
        self._move_cursor(self.cursor - self._page())

    def action_page_down(self) -> None:
        """Moves the cursor one page down."""
        self._move_cursor(self.cursor + self._page())
        self.following = self.cursor == len(self._events) - 1

    def action_first(self) -> None:
        """Selects the first event."""
        self.following = False
        self._move_cursor(0)

    def action_last(self) -> None:
        """Selects the newest event and follows new ones again."""
        self.following = True
        self._move_cursor(len(self._events) - 1)

    def action_choose(self) -> None:
        """Asks to look into the selected event (posts :class:`EventChosen`)."""
        if (event := self.selected_event) is not None:
            self.post_message(self.EventChosen(event))

    def on_click(self, click: events.Click) -> None:
        """Selects the clicked line (counted inside the panel's border, under the
        header line)."""
        at = click.get_content_offset(self)
        if at is None:
            return
        row = round(self.scroll_y) + at.y - 1
        if at.y >= 1 and 0 <= row < len(self._events):
            self.following = row == len(self._events) - 1
            self._move_cursor(row)

    def on_mouse_scroll_up(self, _event: events.MouseScrollUp) -> None:
        """Scrolling back through the log stops following new events."""
        self.following = False

    def notify_style_update(self) -> None:
        """Drops cached lines when the theme or styles change."""
        super().notify_style_update()
        self._line_cache.clear()

    def on_resize(self, _event: events.Resize) -> None:
        """Keeps the virtual width equal to the widget and the cursor in view."""
        self._line_cache.clear()
        self._resize()
        if self.cursor >= 0:
            self._scroll_cursor_into_view()

    # -- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draws the sticky header (y = 0) or the event at this screen line."""
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        index = round(self.scroll_y) + y - 1
        if not 0 <= index < len(self._events):
            return Strip.blank(width, self.rich_style)
        strip = self._line_cache.get(index)
        if strip is None:
            strip = self._event_line(index, width)
            self._line_cache[index] = strip
        return strip

    def _header(self, width: int) -> Strip:
        widths = fitted_widths(self._widths, width)
        text = " " + "".join(_cell(column, width) for column, width in widths.items())
        text += "payload"
        style = self.get_component_rich_style("event-log--header")
        return Strip([Segment(text, style)]).crop_extend(0, width, style)

    def _cone_of(self, event: Event) -> str | None:
        """``past`` or ``future`` when ``event`` is in the selected event's causal past
        or future, else None."""
        selected = self.selected_event
        poset = self._poset
        if selected is None or poset is None or event not in poset or selected not in poset:
            return None
        if poset.is_ancestor(event, selected):
            return "past"
        if poset.is_ancestor(selected, event):
            return "future"
        return None

    def _event_line(self, index: int, width: int) -> Strip:
        event = self._events[index]
        # The row's own look (the cursor, a watch's mark, the causal cone) goes over the
        # columns' colours, so that the cursor's text stands out on the cursor.
        row = Style()
        if index == self.cursor:
            row = self.get_component_rich_style("event-log--cursor")
        elif event.id in self._marked:
            row = self.get_component_rich_style("event-log--marked")
        elif (cone := self._cone_of(event)) is not None:
            row = self.get_component_rich_style(f"event-log--{cone}")
        rich_style = self.rich_style  # worked out from the CSS at every reading: once
        base = rich_style + row

        def part(component: str) -> Style:
            return rich_style + self.get_component_rich_style(component, partial=True) + row

        failed = event.id in self._failed
        widths = fitted_widths(self._widths, width)
        payload_room = max(PAYLOAD_MIN, width - 1 - sum(widths.values()))
        segments = [
            Segment("✗" if failed else " ", part("event-log--error")),
            Segment(_cell(event.id, widths["id"]), part("event-log--id")),
            Segment(_cell(_time(event), widths["time"]), base),
            Segment(_cell(event.source or "", widths["source"]), part("event-log--source")),
            Segment(_cell(event.name, widths["name"]), part("event-log--name")),
            Segment(payload_text(event.payload, payload_room), base),
        ]
        return Strip(segments).crop_extend(0, width, base)

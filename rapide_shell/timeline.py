"""Events as swimlanes: one column per component, one row per event, time running down.

The one drawing of a timeline, shared by the ``timeline`` command (Rich text) and the
TUI's Timeline panel (a line at a time): :func:`lane_order` and :func:`lane_feeds` read
the lanes from the architecture, and a :class:`LaneGrid` draws header and event rows
as cells of (text, role), so that each front end styles the roles its own way. An
event stands in its component's lane; a link drawn on its row from the lane of each
cause, in the cause kind's line, shows where it came from, and the causes are listed
at the row's end with their kinds (see :mod:`rapide_shell.causes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len

from pyrapide.core.printable import printable
from rapide_shell.causes import CAUSE_LOOKS, Cause, CauseKind
from rapide_shell.render import look, pad, shorten, terminal_cells

ENV = "env"
"""The lane of events injected from outside the system (their source)."""

LANE_MIN = 9
"""Narrowest lane: room for an id and a few letters of a name (``e17 done``)."""

LANE_MAX = 16
"""Widest lane: wider lanes only spread the drawing out."""

COLLAPSED_WIDTH = 1
"""A collapsed lane: its events are a dot, its name a letter (two cells when the
letter is a wide one, 漢: see :func:`collapsed_width`)."""

OTHERS = "others"
"""The name of the lane that gathers the components that did not fit."""

EVENT_MARK = "●"
"""An event in a collapsed lane."""

#: The line a link of each cause kind is drawn with, across the lanes between the
#: cause's lane and the event's: a delivery in its connection kind's line.
LINK_LINES: dict[CauseKind, str] = {
    **{kind: look(str(kind)).lines[0] for kind in CauseKind if kind.delivered},
    CauseKind.THEN: "─",
    CauseKind.RETURN: "╌",
    CauseKind.PIPE_ORDER: "═",
    CauseKind.GIVEN: "·",
}

#: A cell: its text (one character wide, or a run) and its role, which the front end
#: styles: "time", "rule", "event", "lane", "feed", "note", ("link", kind),
#: ("cause", kind), or None for blank space.
Role = str | tuple[str, str] | None
Cell = tuple[str, Role]


def lane_order(description: Any, sources: Iterable[str]) -> list[str]:
    """The lanes for events from ``sources``, in the order they are drawn: ``env``
    first, then each connection's sources just left of its target (what is sent and
    what is delivered are read side by side), then the other components, then sources
    no component has, sorted. ``description`` may be None (no architecture known).
    A nested architecture's lanes are its components' (by path), not its own box's."""
    components = lane_components(description)
    position = {name: place for place, name in enumerate(components)}

    # A nested architecture stands for the components inside it.
    inside = {
        box.path: [c.path for c in box.walk() if c.architecture is None]
        for box in (description.walk() if description else ()) if box.architecture is not None
    }

    def lanes_of(name: str) -> list[str]:
        return [name] if name in position else inside.get(name, [])

    ordered = [ENV]
    for connection in description.connections if description else ():
        feeding = [lane for name in connection.sources or () for lane in lanes_of(name)]
        ordered += sorted(feeding, key=position.__getitem__)
        ordered += lanes_of(connection.target) or [connection.target]
    ordered += components
    present = set(sources)
    lanes = list(dict.fromkeys(name for name in ordered if name in present))
    return lanes + sorted(present.difference(lanes))


def lane_components(description: Any) -> list[str]:
    """The components that send events, by path, in declaration order: every one at
    every level but those that are architectures (their components send for them)."""
    if description is None:
        return []
    return [c.path for c in description.walk() if c.architecture is None]


def lane_feeds(description: Any) -> dict[str, str]:
    """Each lane's kinds of connection delivering to it (``connect/pipe``)."""
    feeds: dict[str, list[str]] = {}
    for connection in description.connections if description else ():
        kinds = feeds.setdefault(connection.target, [])
        if str(connection.kind) not in kinds:
            kinds.append(str(connection.kind))
    return {lane: "/".join(kinds) for lane, kinds in feeds.items()}


def time_text(timestamp: Any) -> str:
    """An event's logical time as drawn ("" when it has none)."""
    return f"{timestamp:g}" if isinstance(timestamp, int | float) else ""


def cause_marks(causes: Sequence[Cause]) -> list[Cell]:
    """The causes as marked ids, for a panel: ``← ═e3 ⇊e13``."""
    if not causes:
        return []
    cells: list[Cell] = [("←", "note")]
    for cause in causes:
        cells.append((" ", None))
        mark = CAUSE_LOOKS[cause.kind].mark
        cells.append((mark + printable(cause.event.id), ("cause", cause.kind)))
    return cells


def initial(lane: str) -> str:
    """What a collapsed lane shows of its name: its first character (printable), with
    the accents that combine with it."""
    cells = terminal_cells(printable(lane))
    return cells[0] if cells else ""


def collapsed_width(lane: str) -> int:
    """How many cells ``lane`` takes collapsed: its initial's, one or two."""
    return max(COLLAPSED_WIDTH, cell_len(initial(lane)))


@dataclass
class LaneGrid:
    """Where each lane goes across the drawing, and how its rows are drawn.

    ``lanes`` are drawn left to right after a time column ``time_width`` wide; each lane
    is ``lane_width`` wide, or one cell when in ``collapsed``. Events from a source in
    no lane are drawn in the last lane when ``gathered`` names it (the ``others`` lane
    of a drawing too narrow for all), else not at all.
    """

    lanes: Sequence[str]
    lane_width: int
    time_width: int = 1
    collapsed: frozenset[str] = frozenset()
    gathered: Sequence[str] = ()
    feeds: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.left: dict[str, int] = {}
        x = self.time_width
        for lane in self.lanes:
            x += 1
            self.left[lane] = x
            x += self.width_of(lane)
        self.width = x
        """The drawing's width up to the end of the last lane."""
        self._rules: list[Cell] | None = None
        if self.gathered and self.lanes:
            for source in self.gathered:
                self.left.setdefault(source, self.left[self.lanes[-1]])

    @classmethod
    def fitting(
        cls, lanes: Sequence[str], width: int, *, time_width: int = 1, reserve: int = 0,
        collapsed: frozenset[str] = frozenset(), feeds: dict[str, str] | None = None,
        gather: bool = True,
    ) -> LaneGrid:
        """Lanes as wide as ``width`` allows (``reserve`` cells kept for the causes),
        between LANE_MIN and LANE_MAX. With ``gather``, lanes that do not fit even at
        LANE_MIN are gathered into a last lane called ``others``; without it they are all
        drawn at LANE_MIN and the drawing is wider than ``width``."""
        open_lanes = [lane for lane in lanes if lane not in collapsed]
        fixed = sum(1 + collapsed_width(lane) for lane in lanes if lane in collapsed)
        room = width - time_width - reserve - fixed
        gathered: list[str] = []
        shown = list(lanes)
        if gather and open_lanes and room < len(open_lanes) * (LANE_MIN + 1):
            keep = max(1, room // (LANE_MIN + 1))
            shown = [*open_lanes[: keep - 1], OTHERS]
            gathered = open_lanes[keep - 1 :]
            open_lanes = shown
        per_lane = room // len(open_lanes) - 1 if open_lanes else LANE_MIN
        lane_width = max(LANE_MIN, min(LANE_MAX, per_lane))
        return cls(shown, lane_width, time_width, collapsed, gathered, dict(feeds or {}))

    def width_of(self, lane: str) -> int:
        """How many cells ``lane`` takes (not counting the blank before it)."""
        return collapsed_width(lane) if lane in self.collapsed else self.lane_width

    # -- header -------------------------------------------------------------------------

    def header(self, fold: bool = True) -> list[list[Cell]]:
        """The lane names (folded over as many rows as the longest needs, or with
        ``fold`` False cut with "…" on one; a collapsed lane by its first letter), then
        a row of the kinds of connection feeding each."""
        shown = {lane: printable(lane) for lane in self.lanes}
        names = {
            lane: [initial(lane)] if lane in self.collapsed
            else _fold(shown[lane], self.lane_width) if fold
            else [shorten(shown[lane], self.lane_width)]
            for lane in self.lanes
        }
        depth = max((len(folded) for folded in names.values()), default=1)
        rows: list[list[Cell]] = []
        for line in range(depth):
            row: list[Cell] = [(" " * self.time_width, None)]
            for lane in self.lanes:
                text = names[lane][line] if line < len(names[lane]) else ""
                row += [(" ", None), (pad(text, self.width_of(lane)), "lane")]
            rows.append(row)
        kinds: list[Cell] = [("t".rjust(self.time_width), "time")]
        for lane in self.lanes:
            feed = "" if lane in self.collapsed else self.feeds.get(lane, "")
            # Cut with "…" as the names are: "connect/agent/pi" read as a kind of its own.
            kinds += [(" ", None), (pad(shorten(feed, self.width_of(lane)), self.width_of(lane)),
                                    "feed")]
        rows.append(kinds)
        return rows

    # -- event rows ---------------------------------------------------------------------

    def row(self, event: Any, time: str, causes: Sequence[Cause]) -> list[Cell]:
        """One event's row: the time, the lane rules, the event in its lane, a link
        from each cause's lane in the cause kind's line, then nothing (the caller adds
        the causes list, in words or marks)."""
        cells = list(self._ruled())
        for i, ch in enumerate(time.rjust(self.time_width)[: self.time_width]):
            cells[i] = (ch, "time")
        source = event.source or ENV
        start = self.left.get(source)
        if start is None:
            return cells
        own_width = self.width_of(self.lane_for(source))
        # Links from the farthest cause first, so the nearest is drawn over them.
        linked = [cause for cause in causes if (cause.event.source or ENV) in self.left]
        linked.sort(key=lambda cause: -abs(self.left[cause.event.source or ENV] - start))
        for cause in linked:
            origin = self.left[cause.event.source or ENV]
            if origin == start:
                continue
            role: Role = ("link", str(cause.kind))
            line = LINK_LINES[cause.kind]
            if origin < start:
                for x in range(origin, start - 1):
                    cells[x] = (line, role)
                cells[start - 1] = ("▶", role)
            else:
                end = start + own_width
                cells[end] = ("◀", role)
                for x in range(end + 1, origin + 1):
                    cells[x] = (line, role)
        if self.lane_for(source) in self.collapsed:
            label = EVENT_MARK
        else:
            # Ids, names and sources are data: drawn printable.
            label = shorten(
                printable(f"{event.id} {event.name.rsplit('.', 1)[-1]}"), own_width
            )
        for i, ch in enumerate(terminal_cells(label)):
            cells[start + i] = (ch, "event")
        return cells

    def _ruled(self) -> list[Cell]:
        """A row with nothing but the lane rules (built once: rows copy it)."""
        if self._rules is None:
            self._rules = [(" ", None)] * self.width
            for lane in self.lanes:
                self._rules[self.left[lane]] = ("│", "rule")
        return self._rules

    def lane_for(self, source: str) -> str:
        """The lane ``source``'s events are drawn in (``others`` for a gathered one)."""
        if source in self.gathered:
            return self.lanes[-1]
        return source


def merge(cells: Iterable[Cell]) -> Iterator[tuple[str, Role]]:
    """Neighbouring cells of one role as one run of text (fewer segments to style)."""
    text: list[str] = []
    role: Role = None
    started = False
    for ch, cell_role in cells:
        if started and cell_role != role:
            yield "".join(text), role
            text = []
        role, started = cell_role, True
        text.append(ch)
    if text:
        yield "".join(text), role


def _fold(name: str, width: int) -> list[str]:
    """``name`` on as many lines as it needs, broken after '_' or '.' where possible."""
    pieces: list[str] = []
    current = ""
    for part in _parts(name):
        if current and cell_len(current + part) > width:
            pieces.append(current)
            current = ""
        current += part
    pieces.append(current)
    return [shorten(piece, width) for piece in pieces]


def _parts(name: str) -> Iterable[str]:
    part = ""
    for char in name:
        part += char
        if char in "_.":
            yield part
            part = ""
    if part:
        yield part

"""Laying events out as swimlanes: one column per source, one row per event, time down."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from pyrapide.core.printable import printable
from rapide_shell.render import shorten

ENV = "env"
"""The lane of events injected from outside the system (their source)."""

LANE_MIN = 9
"""Narrowest lane: room for an id and a few letters of a name (``e17 done``)."""

LANE_MAX = 16
"""Widest lane: wider lanes only spread the drawing out."""

CAUSES_MAX = 18
"""The causes column is cut (with an ellipsis) beyond this width."""

OTHERS = "others"
"""The name of the lane that gathers the components that did not fit."""


@dataclass(frozen=True)
class Row:
    """One event as drawn: when, in which source, its label and its causes' ids."""

    time: str
    source: str
    label: str
    causes: str


@dataclass(frozen=True)
class Timeline:
    """A Rich renderable: ``rows`` drawn in ``lanes`` as wide as the console allows.

    ``lanes`` are the sources in order (``env`` first when it sent any), ``feeds`` maps a
    lane to the kinds of connection delivering to it. Build one with :meth:`of`.
    """

    lanes: tuple[str, ...]
    feeds: dict[str, str]
    rows: tuple[Row, ...]

    @classmethod
    def of(cls, events: Sequence[Any], computation: Any, description: Any) -> Timeline:
        """The timeline of ``events`` (in recording order) of ``computation``, with lanes
        in ``description``'s component order (None when no architecture is known)."""
        components = [c.name for c in description.components] if description else []
        feeds: dict[str, list[str]] = {}
        for connection in description.connections if description else ():
            kinds = feeds.setdefault(connection.target, [])
            if connection.kind not in kinds:
                kinds.append(connection.kind)
        # A connection's sources sit just left of its target, so what is sent and what
        # is delivered are read side by side; components no connection names follow.
        ordered = [ENV]
        for connection in description.connections if description else ():
            ordered += [name for name in components if name in (connection.sources or ())]
            ordered.append(connection.target)
        ordered += components
        # Sources, ids and names are data: drawn printable (lanes are named by them).
        sources = {printable(event.source) or ENV for event in events}
        lanes = list(dict.fromkeys(name for name in ordered if name in sources))
        lanes += sorted(sources.difference(lanes))
        rows = tuple(
            Row(
                time=_time(event.timestamp),
                source=printable(event.source) or ENV,
                label=printable(f"{event.id} {event.name.rsplit('.', 1)[-1]}"),
                causes=", ".join(printable(c.id) for c in computation.poset.causes(event)),
            )
            for event in events
        )
        return cls(tuple(lanes), {lane: "/".join(kinds) for lane, kinds in feeds.items()}, rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)

    def lines(self, width: int) -> Iterator[Text]:
        """The drawing as lines of at most ``width`` cells (at least one lane's worth)."""
        time_width = max(1, *(len(row.time) for row in self.rows))
        causes_width = min(CAUSES_MAX, max(len(_causes(row)) for row in self.rows))
        room = width - time_width - causes_width - 1
        shown = max(1, min(len(self.lanes), room // (LANE_MIN + 1)))
        if shown < len(self.lanes):
            lanes, gathered = [*self.lanes[: shown - 1], OTHERS], self.lanes[shown - 1 :]
        else:
            lanes, gathered = list(self.lanes), ()
        lane_width = max(LANE_MIN, min(LANE_MAX, room // len(lanes) - 1))
        column = {lane: index for index, lane in enumerate(lanes)}
        column.update(dict.fromkeys(gathered, len(lanes) - 1))

        names = [_fold(lane, lane_width) for lane in lanes]
        for depth in range(max(len(name) for name in names)):
            header = Text(" " * time_width, style="bold")
            for name in names:
                header.append(" " + (name[depth] if depth < len(name) else "").ljust(lane_width))
            yield _trimmed(header)
        kinds = Text("t".rjust(time_width), style="dim")
        for lane in lanes:
            kinds.append(" " + self.feeds.get(lane, "")[:lane_width].ljust(lane_width), "cyan")
        yield _trimmed(kinds)

        last_time = None
        for row in self.rows:
            line = Text(
                row.time.rjust(time_width) if row.time != last_time else " " * time_width,
                style="dim",
            )
            last_time = row.time
            for index in range(len(lanes)):
                if index == column[row.source]:
                    cell = shorten(row.label, lane_width).ljust(lane_width)
                    line.append(" ")
                    line.append(cell, style="bold")
                else:
                    line.append(" " + "│".ljust(lane_width), style="dim")
            line.append(" " + shorten(_causes(row), causes_width), style="yellow")
            yield _trimmed(line)
        if gathered:
            yield Text(
                f"{len(gathered)} components left out of their own lane, "
                f"drawn in '{OTHERS}': {', '.join(gathered)}",
                style="dim",
            )


def _time(timestamp: float | None) -> str:
    return "" if timestamp is None else f"{timestamp:g}"


def _causes(row: Row) -> str:
    return f"<- {row.causes}" if row.causes else ""


def _fold(name: str, width: int) -> list[str]:
    """``name`` on as many lines as it needs, broken after '_' or '.' where possible."""
    pieces: list[str] = []
    current = ""
    for part in _parts(name):
        if current and len(current) + len(part) > width:
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


def _trimmed(line: Text) -> Text:
    line.rstrip()
    return line

"""The ``timeline`` command's drawing: the workbench's swimlanes as Rich text."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from pyrapide.core.printable import printable
from rapide_shell.causes import CAUSE_LOOKS, Cause, causes_of, wiring_deliveries
from rapide_shell.render import counted
from rapide_shell.timeline import (
    ENV,
    OTHERS,
    LaneGrid,
    Role,
    cause_marks,
    lane_feeds,
    lane_order,
    merge,
    time_text,
)

CAUSES_MAX = 40
"""The causes column is cut (with an ellipsis) beyond this width."""

CAUSES_KEPT = 18
"""Room kept for the causes when lanes compete for the width: lanes come first, and the
causes take what the lanes leave, up to CAUSES_MAX."""

#: How each role of the shared drawing looks in a transcript.
STYLES: dict[str, str] = {
    "time": "dim",
    "rule": "dim",
    "event": "bold",
    "lane": "bold",
    "feed": "cyan",
    "note": "dim",
    "cause": "yellow",
}
#: Links in the colours the transcript gives each connection kind; others dim.
LINK_STYLES: dict[str, str] = {"connect": "blue", "pipe": "green", "agent": "magenta"}


@dataclass(frozen=True)
class Row:
    """One event as drawn: the event, its time and its causes with their kinds."""

    event: Any
    time: str
    causes: tuple[Cause, ...]


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
        poset = computation.poset
        delivered = wiring_deliveries(description)
        lanes = lane_order(description, (event.source or ENV for event in events))
        rows = tuple(
            Row(event, time_text(event.timestamp), tuple(causes_of(event, poset, delivered)))
            for event in events
        )
        return cls(tuple(lanes), lane_feeds(description), rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)

    def lines(self, width: int) -> Iterator[Text]:
        """The drawing as lines of at most ``width`` cells (at least one lane's worth)."""
        time_width = max(1, *(len(row.time) for row in self.rows))
        marks = {row.event.id: cause_marks(row.causes) for row in self.rows}
        causes_width = min(CAUSES_MAX, max(_width(cells) for cells in marks.values()))
        grid = LaneGrid.fitting(
            self.lanes, width, time_width=time_width,
            reserve=min(causes_width, CAUSES_KEPT) + 1, feeds=self.feeds,
        )
        causes_width = max(1, min(causes_width, width - grid.width - 1))
        for header in grid.header():
            yield _trimmed(_text(header))
        last_time = None
        for row in self.rows:
            time = row.time if row.time != last_time else ""
            last_time = row.time
            line = _text(grid.row(row.event, time, row.causes))
            causes = _text(marks[row.event.id])
            if causes:
                causes.truncate(causes_width, overflow="ellipsis")
                line.append(" ").append_text(causes)
            yield _trimmed(line)
        seen = {cause.kind for row in self.rows for cause in row.causes}
        if seen:
            yield Text("causes: " + "  ".join(
                f"{look.mark} {look.short}" for kind, look in CAUSE_LOOKS.items() if kind in seen
            ), style="dim")
        if grid.gathered:
            yield Text(
                f"{counted(len(grid.gathered), 'component')} left out of their own lane, "
                f"drawn in '{OTHERS}': {', '.join(printable(lane) for lane in grid.gathered)}",
                style="dim",
            )


def _style(role: Role) -> str:
    if role is None:
        return ""
    if isinstance(role, str):
        return STYLES[role]
    family, kind = role
    return LINK_STYLES.get(kind, "dim") if family == "link" else STYLES[family]


def _text(cells: list[tuple[str, Role]]) -> Text:
    text = Text()
    for run, role in merge(cells):
        text.append(run, style=_style(role))
    return text


def _width(cells: list[tuple[str, Role]]) -> int:
    return sum(len(text) for text, _ in cells)


def _trimmed(line: Text) -> Text:
    line.rstrip()
    return line

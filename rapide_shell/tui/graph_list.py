"""The connection graph as a list, for architectures too large for a drawing to help.

One row per connection (``s12 ──▶ s13  connect Stage.out ✓3``), grouped by source
in component order, then the components no connection names; a search narrows the
rows to those that mention the text. A row fits the panel's width: its counts stay
whole, the pattern and then the names are cut with "…" (a name in its middle, so that
``stage_11`` and ``stage_12`` stay apart). Rows are built when drawn, so a list of 10,000
connections costs memory for what is on screen, not for a picture of it. Cells carry
the same roles as a drawing's (see :mod:`rapide_shell.tui.graph_canvas`), so the
widget colours kinds, highlights a connection and marks a causal cone the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rich.cells import cell_len

from pyrapide.core.printable import printable
from rapide_shell.render import counted, look, pad, shorten, shorten_middle, terminal_cells
from rapide_shell.tui.graph_canvas import Cell
from rapide_shell.tui.graph_model import GraphEdge, GraphSpec

DRAW_LIMIT = 40
"""Beyond this many components (or twice as many connections) the graph is listed."""
NAME_WIDTH = 18
"""Columns of the source and target names at most (longer ones are cut with "…" in
their middle)."""
MIN_NAME_WIDTH = 6
"""Columns a name keeps however narrow the panel (``s12345``, ``st…_12``)."""
LABEL_ROOM = 16
"""Columns the names leave the connection's kind and pattern before they shrink
(``connect Stage.o…``); the counts after them are always whole."""
ARROW = 5
"""Columns of the arrow between the names (`` ──▶ ``)."""


def too_large_to_draw(spec: GraphSpec) -> bool:
    """Whether a drawing of ``spec`` would not help: more boxes or lines than a screen
    can show readably (DRAW_LIMIT)."""
    return len(spec.components) > DRAW_LIMIT or len(spec.edges) > 2 * DRAW_LIMIT


@dataclass
class GraphList:
    """The rows of ``spec`` listed, narrowed by ``search`` (case-insensitive)."""

    spec: GraphSpec
    search: str = ""
    delivered: Mapping[int, int] = field(default_factory=dict)
    queued: Mapping[int, int] = field(default_factory=dict)
    running: Mapping[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        connected = {end for edge in self.spec.edges for end in (edge.source, edge.target)}
        order = {name: position for position, (name, _) in enumerate(self.spec.components)}
        edges = sorted(
            self.spec.edges, key=lambda edge: (order.get(edge.source, len(order)), edge.index)
        )
        alone = [name for name, _ in self.spec.components if name not in connected]
        needle = self.search.casefold()
        everything: list[GraphEdge | str] = [*edges, *alone]
        self.entries: list[GraphEdge | str] = [
            entry for entry in everything if not needle or needle in _words(entry)
        ]
        """What each row after the heading shows: a connection, or a component alone."""
        self.row_of: dict[int, int] = {}
        """Connection index -> the row of its first edge."""
        for row, entry in enumerate(self.entries, start=1):
            if isinstance(entry, GraphEdge):
                self.row_of.setdefault(entry.index, row)
        self.name_width = min(NAME_WIDTH, max(
            (cell_len(printable(name)) for name, _ in self.spec.components), default=1))
        """Columns of the names: the longest one's, within NAME_WIDTH."""

    @property
    def height(self) -> int:
        """Rows: the heading and one per entry."""
        return 1 + len(self.entries)

    def heading(self, width: int | None = None) -> list[Cell]:
        """What the list is and how to narrow it (cut to ``width`` with "…")."""
        components = counted(len(self.spec.components), "component")
        connections = counted(len({edge.index for edge in self.spec.edges}), "connection")
        text = f"{components}, {connections}: listed (too many to draw); / searches"
        if self.search:
            verb = "mentions" if len(self.entries) == 1 else "mention"
            text = f"{counted(len(self.entries), 'row')} {verb} {printable(self.search)!r}; / again"
        return _plain(_cut(text, width))

    def columns(self, width: int | None) -> int:
        """Columns of each name in a row ``width`` wide (None: as wide as the row needs):
        the names shrink, down to MIN_NAME_WIDTH, where they would leave the kind and
        the pattern less than LABEL_ROOM beside the counts (of a pipe, the widest)."""
        if width is None:
            return self.name_width
        counts = len(" ✓0 queued 0")
        fitted = (width - ARROW - LABEL_ROOM - counts) // 2
        return max(min(self.name_width, MIN_NAME_WIDTH), min(self.name_width, fitted))

    def row(self, number: int, width: int | None = None) -> list[Cell]:
        """Row ``number`` (0 is the heading) as cells, fitted to ``width`` columns (None:
        as wide as it needs): the counts whole, the pattern then the names cut."""
        if number == 0:
            return self.heading(width)
        names = self.columns(width)
        entry = self.entries[number - 1]
        if isinstance(entry, str):
            return [*_name(entry, names), *_plain(_cut("  (no connections)",
                                                       None if width is None else width - names))]
        edge = entry
        line = ("edge", edge.index, edge.kind)
        label = ("label", edge.index, edge.kind)
        count = ("count", edge.index, edge.kind)
        counts = f" ✓{self.delivered.get(edge.index, 0)}"
        if self.running.get(edge.index):
            counts += f" ▸{self.running[edge.index]} running"
        if edge.kind == "pipe":
            counts += f" queued {self.queued.get(edge.index, 0)}"
        said = f"  {edge.kind} {printable(edge.pattern)}"
        if width is not None:
            said = _cut(said, width - 2 * names - ARROW - len(counts))
        return [
            *_name(edge.source, names),
            *((ch, line) for ch in f" {look(edge.kind).lines[0] * 2}▶ "),
            *_name(edge.target, names),
            *((ch, label) for ch in terminal_cells(said)),
            *((ch, count) for ch in counts),
        ]


def _cut(text: str, width: int | None) -> str:
    """``text`` cut to ``width`` with "…" (None: whole; no room: nothing)."""
    if width is None:
        return text
    return shorten(text, width) if width > 0 else ""


def _name(name: str, width: int) -> list[Cell]:
    role = ("box", name)
    return [(ch, role) for ch in terminal_cells(pad(shorten_middle(printable(name), width), width))]


def _plain(text: str) -> list[Cell]:
    return [(ch, None) for ch in terminal_cells(text)]


def _words(entry: GraphEdge | str) -> str:
    if isinstance(entry, str):
        return entry.casefold()
    return f"{entry.source} {entry.target} {entry.kind} {entry.pattern}".casefold()

"""Draws a connection graph as a grid of characters, without Textual.

Components are placed in layers by the direction of their connections (see
:mod:`rapide_shell.tui.graph_model`) and the layers packed into rows of boxes that fit
the room, so sources sit left of or above their targets. Every edge gets its own track
in the channel under its source's row and its line tells the kind apart (``──▶``
connect, ``══▶`` pipe, ``┄┄▶`` agent). An edge to a box in the same row comes back up
into its bottom (``▲``), one to the next row goes down into its top (``▼``), and any
other runs along a gutter left of the boxes. The seed example, in one row and, with
less room, in two:

    ┌───────┐   ┌───────┐   ┌───────┐   ┌───────────────┐
    │  api  │   │  db   │   │ cache │   │ notifications │
    └─┬─┴─┬─┘   └─┬─┴─┬─┘   └─┴─────┘   └─┴─────────────┘
      │ ▲ │       ║ ▲ ┆       ▲           ▲
      │ ║ │       ║ │ ╰┄┄┄┄┄┄┄│┄┄┄┄┄┄┄┄┄┄▶╯ agent DatabaseService.error ✓0
      │ ║ └───────║─│────────▶┘ connect APIService.request ✓0
      │ ╚◀════════╝ │ pipe DatabaseService.result ✓0 queued 0
      └────────────▶┘ connect APIService.request ✓0

    ┌───────┐   ┌───────┐   ┌───────┐
    │  api  │   │  db   │   │ cache │
    └─┬─┴─┬─┘   └─┬─┴─┬─┘   └─┴─────┘
      │ ▲ │       ║ ▲ ┆       ▲
      │ ║ └───────║─│─┆──────▶┘ [1]
      │ ╚◀═[2]════╝ │ ┆
      │╭◀┄┄┄┄┄┄┄┄┄┄┄│┄╯ agent DatabaseService.error ✓0
      └┆───────────▶┘ connect APIService.request ✓0
       ▼
    ┌──┬────────────┐
    │ notifications │
    └───────────────┘
    [1] connect APIService.request ✓0
    [2] pipe DatabaseService.result ✓0 queued 0

A label goes right of its track, else inside it or left of it, on cells no line uses;
failing that the track is tagged ``[N]`` and the label written in a legend below.
Every cell carries a *role* saying what it belongs to, so a widget can colour the kinds
apart, highlight one connection and follow the theme.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len

from pyrapide.architecture import ConnectionKind, Delivery
from rapide_shell.render import shorten, terminal_cells
from rapide_shell.tui.graph_canvas import BLANK, Canvas, Cell
from rapide_shell.tui.graph_model import (
    GraphEdge,
    GraphSpec,
    assign_layers,
    order_layers,
    wrap_rows,
)

BOX_GAP = 3
MAX_PATTERN_CHARS = 48
#: Ways of stacking the tracks of a channel, each given (left end, right end, edge):
#: the picture with the fewest labels sent to the legend, then the fewest crossings, wins.
TRACK_ORDERS: tuple[Callable[[tuple[int, int, int]], tuple[int, ...]], ...] = (
    lambda track: (-track[1], -track[0], track[2]),
    lambda track: (track[0], track[1], track[2]),
    lambda track: (track[1], track[0], track[2]),
    lambda track: (-track[0], -track[1], track[2]),
)


@dataclass
class GraphPicture:
    """A drawn graph: ``rows`` of (character, role) cells, all ``width`` long."""

    width: int
    rows: list[list[Cell]]
    lane_rows: dict[int, list[int]] = field(default_factory=dict)
    """Connection index -> the rows of its tracks (and of its legend line, if any)."""
    boxes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    """Component -> its box as (left, top, right, bottom), right and bottom excluded."""
    legend_size: int = 0
    """How many labels did not fit beside their track and went to the legend."""
    crossings: int = 0
    """Cells where a line crosses another edge's line (fewer reads more easily)."""
    far_labels: int = 0
    """Labels written further along their track's row than beside or inside it."""
    layout: list[list[str]] = field(default_factory=list)
    """The rows of boxes, top to bottom, each left to right."""
    routes: list[list[tuple[int, int]]] = field(default_factory=list)
    """Per edge of the spec, in its order: the (x, y) points its line joins, from the
    joint on its source box's border to the one on its target box's border."""

    @property
    def height(self) -> int:
        """Number of rows in the picture."""
        return len(self.rows)

    @property
    def order(self) -> list[str]:
        """The components in reading order, row by row."""
        return [name for row in self.layout for name in row]

    def text(self) -> str:
        """The picture as plain text (trailing blanks trimmed), for tests and exports."""
        return "\n".join("".join(ch for ch, _ in row).rstrip() for row in self.rows)


def draw_graph(
    spec: GraphSpec,
    delivered: Mapping[int, int] | None = None,
    queued: Mapping[int, int] | None = None,
    *,
    show_interfaces: bool = True,
    max_width: int | None = None,
    compact: bool = False,
    layout: Sequence[Sequence[str]] | None = None,
    gap: int | None = None,
    running: Mapping[int, int] | None = None,
) -> GraphPicture:
    """Draws ``spec`` with per-connection delivery counts and pipe queue depths.

    ``delivered`` (deliveries whose handlers finished, ``✓N``), ``running`` (delivered,
    their handlers not finished yet, ``▸N running``, shown when there are any) and
    ``queued`` map connection indexes to counts (missing means 0); pipes always show
    their queue depth. With ``show_interfaces`` each box also names
    its interface, which costs width. ``max_width`` (the room on screen; None: no limit)
    is what the rows of boxes are wrapped to, and a label that would reach past it is put
    inside or left of its track, or else in a legend. ``compact`` draws tighter boxes.
    ``layout`` (a previous picture's ``layout``) keeps the boxes where they were.
    ``gap`` (columns between boxes; BOX_GAP by default) spreads the boxes, so that the
    tracks between them are long enough to hold their labels.
    """
    names = _all_names(spec)
    interfaces = dict.fromkeys(names, "") | dict(spec.components)
    if not show_interfaces:
        interfaces = dict.fromkeys(names, "")
    if gap is None:
        gap = BOX_GAP - 1 if compact else BOX_GAP
    if layout is None:
        layout = _choose_layout(spec, names, interfaces, gap, compact, max_width)
    plan = _Plan(spec, [list(row) for row in layout], interfaces, gap, compact)
    pictures = [
        plan.draw(order, delivered or {}, queued or {}, max_width, running or {})
        for order in TRACK_ORDERS
    ]
    return min(pictures, key=lambda p: (p.legend_size, p.far_labels, p.crossings))


def _all_names(spec: GraphSpec) -> list[str]:
    names = [name for name, _ in spec.components]
    known = set(names)
    for edge in spec.edges:  # pseudo-components: unmatched sources, callable targets
        for end in (edge.source, edge.target):
            if end not in known:
                known.add(end)
                names.append(end)
    return names


def _choose_layout(
    spec: GraphSpec, names: list[str], interfaces: dict[str, str], gap: int, compact: bool,
    max_width: int | None,
) -> list[list[str]]:
    layers = order_layers(names, spec.edges, assign_layers(names, spec.edges))
    # Box widths depend on the rows (ports move from a box's bottom to its top when the
    # partner is a row above) and the gutter takes room too: wrap, measure, wrap again.
    layout = [[name for layer in layers for name in layer]]
    for _ in range(4):
        plan = _Plan(spec, layout, interfaces, gap, compact)
        room = None if max_width is None else max_width - plan.gutter_width
        wrapped = wrap_rows(layers, plan.box_width.__getitem__, gap, room)
        if wrapped == layout:
            break
        layout = wrapped
    return layout


def _label(edge: GraphEdge, delivered: int, queued: int | None, running: int = 0) -> list[Cell]:
    pattern = shorten(edge.pattern, MAX_PATTERN_CHARS)
    cells: list[Cell] = []
    for text, role in (
        (f"{edge.kind} {pattern}", ("label", edge.index, edge.kind)),
        (f" ✓{delivered}", ("count", edge.index, edge.kind)),
        (f" ▸{running} running" if running else "", ("count", edge.index, edge.kind)),
        (f" queued {queued}" if queued is not None else "", ("count", edge.index, edge.kind)),
    ):
        cells.extend((ch, role) for ch in terminal_cells(text))
    return cells


class _Plan:
    """Where the boxes, ports, gutter columns and channels of one layout go."""

    def __init__(
        self, spec: GraphSpec, layout: list[list[str]], interfaces: dict[str, str], gap: int,
        compact: bool,
    ) -> None:
        self.spec = spec
        self.layout = layout
        self.interfaces = interfaces
        self.row_of = {name: r for r, row in enumerate(layout) for name in row}
        # How each edge is routed: "same" (back up into a box of its own row), "down"
        # (into the top of a box in the next row) or "gutter" (any other).
        self.route: list[str] = []
        bottom: dict[str, list[int]] = {name: [] for name in self.row_of}
        top: dict[str, list[int]] = {name: [] for name in self.row_of}
        gutter: list[int] = []
        for k, edge in enumerate(spec.edges):
            a, b = self.row_of[edge.source], self.row_of[edge.target]
            route = "same" if a == b else "down" if b == a + 1 else "gutter"
            self.route.append(route)
            bottom[edge.source].append(k)
            (top if b > a else bottom)[edge.target].append(k)
            if route == "gutter":
                gutter.append(k)
        # The longest verticals outermost, so shorter ones do not cross them.
        gutter.sort(key=lambda k: (-abs(self._rows(k)[1] - self._rows(k)[0]), k))
        self.gutter_x = {k: 2 * i for i, k in enumerate(gutter)}
        self.gutter_width = 2 * len(gutter)
        self.bottom_ports, self.top_ports = bottom, top
        self.box_height = 4 if any(interfaces.values()) else 3
        self.box_width: dict[str, int] = {}
        for name in self.row_of:
            text = max(cell_len(name), cell_len(interfaces[name]))
            width = max(
                text + (2 if compact else 4),
                2 * len(bottom[name]) + 3,
                2 * len(top[name]) + 4 if top[name] else 0,
            )
            # Boxes start on even columns: bottom ports then take even columns and top
            # ports odd ones, so a leg going down never runs into one coming up.
            self.box_width[name] = width + (width + gap) % 2
        self.box_left: dict[str, int] = {}
        for row in layout:
            x = self.gutter_width
            for name in row:
                self.box_left[name] = x
                x += self.box_width[name] + gap
        self._place_ports()

    def _rows(self, k: int) -> tuple[int, int]:
        edge = self.spec.edges[k]
        return self.row_of[edge.source], self.row_of[edge.target]

    def _place_ports(self) -> None:
        centre = {n: self.box_left[n] + self.box_width[n] // 2 for n in self.row_of}
        edges = self.spec.edges
        self.source_x: dict[int, int] = {}
        self.target_x: dict[int, int] = {}
        for name in self.row_of:
            # Ports sorted by where the other end lies, so edges leave towards it.
            def partner(k: int, name: str = name) -> tuple[int, int]:
                edge = edges[k]
                if self.route[k] == "gutter":
                    return (self.gutter_x[k], 0)
                outgoing = edge.source == name
                other = edge.target if outgoing else edge.source
                return (centre[other], 0 if outgoing else 1)

            left = self.box_left[name]
            taken: set[int] = set()
            for i, k in enumerate(sorted(self.bottom_ports[name], key=partner)):
                x = left + 2 + 2 * i
                # A self-loop has both ends here: the first port is its source.
                if edges[k].source == name and k not in taken:
                    self.source_x[k] = x
                    taken.add(k)
                else:
                    self.target_x[k] = x
            for i, k in enumerate(sorted(self.top_ports[name], key=partner)):
                self.target_x[k] = left + 3 + 2 * i

    def draw(
        self, order: Callable[[tuple[int, int, int]], tuple[int, ...]],
        delivered: Mapping[int, int], queued: Mapping[int, int], max_width: int | None,
        running: Mapping[int, int],
    ) -> GraphPicture:
        """The picture with each channel's tracks stacked by ``order``."""
        edges = self.spec.edges
        # Tracks per channel (the one under a row): (edge, from x, to x).
        channels: list[list[tuple[int, int, int]]] = [[] for _ in self.layout]
        tracks_of: dict[int, list[tuple[int, int, int]]] = {}
        for k in range(len(edges)):
            a, b = self._rows(k)
            if self.route[k] == "gutter":
                via = self.gutter_x[k]
                tracks_of[k] = [(k, self.source_x[k], via), (k, via, self.target_x[k])]
                channels[a].append(tracks_of[k][0])
                channels[b - 1 if b > a else b].append(tracks_of[k][1])
            else:
                tracks_of[k] = [(k, self.source_x[k], self.target_x[k])]
                channels[a].append(tracks_of[k][0])
        for tracks in channels:
            tracks.sort(key=lambda t: order((min(t[1:]), max(t[1:]), t[0])))

        # Rows of the picture: boxes, a row for the legs and arrows under them, the
        # tracks, a row for the arrows into the next row's tops, the next boxes.
        box_top: list[int] = []
        track_y: dict[tuple[int, int, int], int] = {}
        y = 0
        for tracks in channels:
            box_top.append(y)
            y += self.box_height
            if tracks:
                for depth, track in enumerate(tracks, start=1):
                    track_y[track] = y + depth
                y += len(tracks) + 1
            y += 1  # the ▼ row, or a blank row between rows of boxes
        height = y - 1

        labels = {
            k: _label(edge, delivered.get(edge.index, 0),
                      queued.get(edge.index, 0) if _queues(edge.kind) else None,
                      running.get(edge.index, 0))
            for k, edge in enumerate(edges)
        }
        right = max((self.box_left[n] + self.box_width[n] for n in self.row_of), default=0)
        # Room for any label right of its track (the picture is cropped afterwards).
        width = max(
            [right, max_width or 0] + [max(t[1:]) + 2 + len(labels[t[0]]) for t in track_y]
        )
        grid = Canvas(width, height)

        for name, r in self.row_of.items():
            grid.box(self.box_left[name], box_top[r], self.box_width[name], self.box_height,
                     name, self.interfaces[name])
        paths: dict[int, list[tuple[int, int]]] = {}
        for k in range(len(edges)):
            a, b = self._rows(k)
            bottom_a = box_top[a] + self.box_height - 1
            end_y = box_top[b] if b > a else box_top[b] + self.box_height - 1
            points = [(self.source_x[k], bottom_a)]
            for track in tracks_of[k]:
                points += [(track[1], track_y[track]), (track[2], track_y[track])]
            points.append((self.target_x[k], end_y))
            paths[k] = points
        grid.lines(edges, paths)

        lane_rows: dict[int, list[int]] = {}
        for track, y in track_y.items():
            lane_rows.setdefault(edges[track[0]].index, []).append(y)
        legend: list[list[Cell]] = []
        for k, edge in enumerate(edges):
            # A gutter edge's label goes by preference where it arrives.
            own = tracks_of[k][::-1]
            if not grid.place_label(edge, labels[k], own, track_y, max_width):
                legend.append([*grid.tag(edge, own[0], track_y, max_width), BLANK, *labels[k]])
        if max_width is not None:
            legend = [
                line if len(line) <= max_width
                else [*line[: max_width - 1], ("…", line[max_width - 2][1])]
                for line in legend
            ]
        used = max([grid.used_width(right)] + [len(line) for line in legend])
        rows = [row[:used] + [BLANK] * (used - len(row)) for row in grid.rows]
        for line in legend:
            tag_role = line[0][1]  # a legend line opens with its edge's tag
            assert tag_role is not None
            lane_rows.setdefault(tag_role[1], []).append(len(rows))
            rows.append(line + [BLANK] * (used - len(line)))

        boxes = {
            name: (self.box_left[name], box_top[r], self.box_left[name] + self.box_width[name],
                   box_top[r] + self.box_height)
            for name, r in self.row_of.items()
        }
        return GraphPicture(
            width=used, rows=rows, lane_rows=lane_rows, boxes=boxes, legend_size=len(legend),
            crossings=grid.crossings, far_labels=grid.far_labels,
            layout=[list(row) for row in self.layout],
            routes=[paths[k] for k in range(len(edges))],
        )


def _queues(kind: str) -> bool:
    """Whether deliveries of ``kind`` wait in a queue of their own worth showing (FIFO)."""
    return ConnectionKind.named(kind).delivery is Delivery.FIFO

"""Draws a connection graph as a grid of characters, without Textual.

The components sit in one row of boxes (in the best of the orders of
:mod:`rapide_shell.tui.graph_model`), and every edge gets its own lane below them,
its line telling the kind apart (``──▶`` connect, ``══▶`` pipe, ``┄┄▶`` agent):

    ┌───────┐   ┌───────┐   ┌───────┐   ┌───────────────┐
    │  api  │   │  db   │   │ cache │   │ notifications │
    └─┬─┴─┬─┘   └─┬─┴─┬─┘   └─┴─────┘   └─┴─────────────┘
      │ ▲ │       ║ ▲ ┆       ▲           ▲
      │ ║ │       ║ │ ╰┄┄┄┄┄┄┄│┄┄┄┄┄┄┄┄┄┄▶╯ agent DatabaseService.error ✓0
      │ ║ └───────║─│────────▶┘ connect APIService.request ✓0
      └─║─────────║▶┘ connect APIService.request ✓0
        ╚◀════════╝ pipe DatabaseService.result ✓0 queued 0

Lanes are ordered by how far right they reach, the widest first, so a label written
just right of its lane never covers the vertical leg of a deeper lane. When the room
on screen is short, a label goes inside its lane or left of it, or else the lane is
tagged ``#N`` and the label written in a legend below. Every cell carries a *role*
saying what it belongs to, so a widget can colour the kinds apart, highlight one
connection and follow the theme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapide_shell.tui.graph_model import GraphEdge, GraphSpec, feed_order, layered_order

#: Line characters per kind: horizontal, vertical, left corner, right corner, arrows.
KIND_GLYPHS: dict[str, tuple[str, str, str, str, str, str]] = {
    "connect": ("─", "│", "└", "┘", "▶", "◀"),
    "pipe": ("═", "║", "╚", "╝", "▶", "◀"),
    "agent": ("┄", "┆", "╰", "╯", "▶", "◀"),
}
BOX_GAP = 3
MAX_PATTERN_CHARS = 48

#: A cell's role: ("box", component), ("edge", index, kind), ("label", index, kind),
#: ("count", index, kind) or None for blank space.
Role = tuple | None


@dataclass
class GraphPicture:
    """A drawn graph: ``rows`` of (character, role) cells, all ``width`` long."""

    width: int
    rows: list[list[tuple[str, Role]]]
    lane_rows: dict[int, list[int]] = field(default_factory=dict)
    box_columns: dict[str, tuple[int, int]] = field(default_factory=dict)
    lane_length: int = 0
    """Total horizontal length of the lanes (shorter reads more easily)."""
    legend_size: int = 0
    """How many labels did not fit beside their lane and went to the legend."""
    order: list[str] = field(default_factory=list)
    """The components from left to right."""

    @property
    def height(self) -> int:
        """Number of rows in the picture."""
        return len(self.rows)

    def text(self) -> str:
        """The picture as plain text (trailing blanks trimmed), for tests and exports."""
        return "\n".join("".join(ch for ch, _ in row).rstrip() for row in self.rows)


def _label_start(
    row: list[tuple[str, Role]], edge: GraphEdge, ends: tuple[int, int], length: int,
    max_width: int | None,
) -> int | None:
    """Where a lane's label starts on its row: right of the lane when that stays within
    ``max_width``; else inside the lane, over a stretch of its own line that no other
    leg crosses; else left of the lane if that space is free; else None (no room)."""
    low, high = sorted(ends)
    right = high + 2
    if max_width is None or right + length <= max_width:
        return right
    own_line = KIND_GLYPHS[edge.kind][0]
    run = 0
    for x in range(low + 1, high):
        ch, role = row[x]
        run = run + 1 if ch == own_line and role == ("edge", edge.index, edge.kind) else 0
        if run >= length + 2:  # one line character kept on each side of the text
            return x - length
    left = low - 1 - length
    if left >= 0 and all(role is None for _, role in row[left : low - 1 + 1]):
        return left
    return None


def _label(edge: GraphEdge, delivered: int, queued: int | None) -> list[tuple[str, Role]]:
    pattern = edge.pattern
    if len(pattern) > MAX_PATTERN_CHARS:
        pattern = pattern[: MAX_PATTERN_CHARS - 1] + "…"
    cells: list[tuple[str, Role]] = []
    for text, role in (
        (f"{edge.kind} {pattern}", ("label", edge.index, edge.kind)),
        (f" ✓{delivered}", ("count", edge.index, edge.kind)),
        (f" queued {queued}" if queued is not None else "", ("count", edge.index, edge.kind)),
    ):
        cells.extend((ch, role) for ch in text)
    return cells


def draw_graph(
    spec: GraphSpec,
    delivered: Mapping[int, int] | None = None,
    queued: Mapping[int, int] | None = None,
    *,
    show_interfaces: bool = True,
    max_width: int | None = None,
    compact: bool = False,
    order: Sequence[str] | None = None,
) -> GraphPicture:
    """Draws ``spec`` with per-connection delivery counts and pipe queue depths.

    ``delivered`` and ``queued`` map connection indexes to counts (missing means 0);
    pipes always show their queue depth. With ``show_interfaces`` each box also names
    its interface, which costs width; callers drop it when the picture is too wide.
    A label that would reach past ``max_width`` (the room on screen) is put inside its
    lane, or left of it, when there is space there, else tagged ``#N`` on the lane and
    written out in a legend under the lanes. ``compact`` draws tighter boxes.
    Of the box orders :func:`feed_order`, :func:`layered_order` and declaration order,
    the one that labels most lanes in place is drawn, then the narrowest, then the one
    with the shorter lanes; ``order`` (a previous picture's ``order``) skips the choice.
    """
    names = _all_names(spec)
    if order is not None:
        return _draw(
            spec, list(order), delivered or {}, queued or {}, show_interfaces, max_width, compact
        )
    candidates = []
    for candidate in (feed_order(names, spec.edges), layered_order(names, spec.edges), names):
        if candidate not in [c[1] for c in candidates]:
            picture = _draw(
                spec, candidate, delivered or {}, queued or {}, show_interfaces, max_width,
                compact,
            )
            candidates.append((picture, candidate))
    best, _ = min(
        candidates, key=lambda c: (c[0].legend_size, c[0].width, c[0].lane_length)
    )
    return best


def _all_names(spec: GraphSpec) -> list[str]:
    names = [name for name, _ in spec.components]
    known = set(names)
    for edge in spec.edges:  # pseudo-components: unmatched sources, callable targets
        for end in (edge.source, edge.target):
            if end not in known:
                known.add(end)
                names.append(end)
    return names


def _draw(
    spec: GraphSpec,
    order: list[str],
    delivered: Mapping[int, int],
    queued: Mapping[int, int],
    show_interfaces: bool,
    max_width: int | None,
    compact: bool,
) -> GraphPicture:
    interfaces = dict.fromkeys(order, "") | dict(spec.components)

    ports: dict[str, list[tuple[GraphEdge, str]]] = {name: [] for name in order}
    for edge in spec.edges:
        ports[edge.source].append((edge, "out"))
        ports[edge.target].append((edge, "in"))

    def box_width(name: str) -> int:
        text_width = max(len(name), len(interfaces[name]) if show_interfaces else 0)
        return max(text_width + (2 if compact else 4), 2 * len(ports[name]) + 3)

    gap = BOX_GAP - 1 if compact else BOX_GAP
    box_left: dict[str, int] = {}
    x = 0
    for name in order:
        box_left[name] = x
        x += box_width(name) + gap
    boxes_width = x - gap if order else 0
    centre = {name: box_left[name] + box_width(name) // 2 for name in order}

    # Ports sorted by where the other end lies, so edges leave towards their partner.
    port_x: dict[tuple[int, str, str], int] = {}
    for name in order:
        attached = ports[name]

        def other_end(item: tuple[GraphEdge, str], name: str = name) -> tuple[int, int]:
            edge, direction = item
            partner = edge.target if direction == "out" else edge.source
            return (centre[partner], 0 if direction == "out" else 1)

        attached.sort(key=other_end)
        # Ports from the box's left edge: labels (right of each lane's right end) start
        # as far left as they can, which keeps the picture narrow.
        first = box_left[name] + 2
        for k, (edge, direction) in enumerate(attached):
            port_x[(edge.index, edge.source + "\0" + edge.target, direction)] = first + 2 * k

    def ends(edge: GraphEdge) -> tuple[int, int]:
        key = edge.source + "\0" + edge.target
        return port_x[(edge.index, key, "out")], port_x[(edge.index, key, "in")]

    lanes = sorted(
        spec.edges,
        key=lambda e: (-max(ends(e)), -min(ends(e)), e.index),
    )
    box_height = 4 if show_interfaces and any(interfaces.values()) else 3
    top_lane = box_height + 1
    labels = [_label(e, delivered.get(e.index, 0), queued.get(e.index, 0) if e.kind == "pipe"
                     else None) for e in lanes]
    # Room for every label right of its lane; the picture is cropped after placement.
    width = boxes_width
    for edge, label in zip(lanes, labels, strict=True):
        width = max(width, max(ends(edge)) + 2 + len(label))
    height = top_lane + len(lanes)
    rows: list[list[tuple[str, Role]]] = [[(" ", None)] * width for _ in range(height)]

    def put(x: int, y: int, ch: str, role: Role) -> None:
        rows[y][x] = (ch, role)

    for name in order:
        left, w = box_left[name], box_width(name)
        role = ("box", name)
        put(left, 0, "┌", role)
        put(left + w - 1, 0, "┐", role)
        put(left, box_height - 1, "└", role)
        put(left + w - 1, box_height - 1, "┘", role)
        for i in range(1, w - 1):
            put(left + i, 0, "─", role)
            put(left + i, box_height - 1, "─", role)
        for y in range(1, box_height - 1):
            put(left, y, "│", role)
            put(left + w - 1, y, "│", role)
        lines = [name] + ([interfaces[name]] if box_height == 4 and interfaces[name] else [])
        for y, text in enumerate(lines, start=1):
            start = left + (w - len(text)) // 2
            text_role = role if y == 1 else ("interface", name)
            for i, ch in enumerate(text):
                put(start + i, y, ch, text_role)

    lane_rows: dict[int, list[int]] = {}
    for depth, edge in enumerate(lanes):
        y = top_lane + depth
        lane_rows.setdefault(edge.index, []).append(y)
        horizontal, _, left_corner, right_corner, right_arrow, left_arrow = KIND_GLYPHS[edge.kind]
        role = ("edge", edge.index, edge.kind)
        source_x, target_x = ends(edge)
        low, high = sorted((source_x, target_x))
        for x in range(low + 1, high):
            put(x, y, horizontal, role)
        put(low, y, left_corner, role)
        put(high, y, right_corner, role)
        if target_x > source_x and target_x - 1 > source_x:
            put(target_x - 1, y, right_arrow, role)
        elif target_x < source_x and target_x + 1 < source_x:
            put(target_x + 1, y, left_arrow, role)

    # Vertical legs after the lanes, so that they pass over the shallower lanes they cross.
    for depth, edge in enumerate(lanes):
        y = top_lane + depth
        vertical = KIND_GLYPHS[edge.kind][1]
        role = ("edge", edge.index, edge.kind)
        source_x, target_x = ends(edge)
        put(source_x, box_height - 1, "┬", role)
        put(target_x, box_height - 1, "┴", role)
        for leg_y in range(box_height, y):
            put(source_x, leg_y, vertical, role)
            put(target_x, leg_y, vertical, role)
        put(target_x, box_height, "▲", role)

    used_width = boxes_width
    legend: list[list[tuple[str, Role]]] = []
    for depth, (edge, label) in enumerate(zip(lanes, labels, strict=True)):
        y = top_lane + depth
        start = _label_start(rows[y], edge, ends(edge), len(label), max_width)
        if start is None:
            # No room on the lane's row: tag the lane, and spell it out under the lanes.
            # A footnote mark, not "#1": the queue beside the graph names dispatches so.
            tag = [(ch, ("label", edge.index, edge.kind)) for ch in f"[{edge.index}]"]
            legend.append([*tag, (" ", None), *label])
            label, start = tag, max(ends(edge)) + 2
        for i, cell in enumerate(label):
            put(start + i, y, *cell)
        used_width = max(used_width, start + len(label))
    for line in legend:
        used_width = max(used_width, len(line))
    rows = [row[:used_width] for row in rows]
    for line in legend:
        lane_rows.setdefault(line[0][1][1], []).append(len(rows))
        rows.append(line + [(" ", None)] * (used_width - len(line)))
    width = used_width

    box_columns = {name: (box_left[name], box_left[name] + box_width(name)) for name in order}
    lane_length = sum(max(ends(edge)) - min(ends(edge)) for edge in lanes)
    return GraphPicture(
        width=width, rows=rows, lane_rows=lane_rows, box_columns=box_columns,
        lane_length=lane_length, legend_size=len(legend), order=list(order),
    )

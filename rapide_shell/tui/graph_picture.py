"""Lays out and draws a connection graph as a grid of characters, without Textual.

The picture puts the components in one row of boxes, each followed by those it feeds
so that most connections run left to right and stay short, and gives every edge its
own lane below the boxes:

    ┌─────┐   ┌────┐   ┌───────┐
    │ api │   │ db │   │ cache │
    └┬─┬─┬┘   └┬─┬─┘   └───┬───┘
     │ ▲ │     ▲ │         ▲
     └─┼─┼─────┼─┼─────────┘ connect APIService.request  ✓0
       ╚═╪═════◀═╝ pipe DatabaseService.result  ✓0  queued 0
         └────▶┘ connect APIService.request  ✓0

Lanes are ordered by how far right they reach, the widest first, so each lane's label
(written just right of the lane) never covers the vertical leg of a deeper lane.
Every cell carries a *role* saying what it belongs to, so a widget can colour the
kinds apart, highlight one connection and follow the theme.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Line characters per kind: horizontal, vertical, left corner, right corner, arrows.
KIND_GLYPHS: dict[str, tuple[str, str, str, str, str, str]] = {
    "connect": ("─", "│", "└", "┘", "▶", "◀"),
    "pipe": ("═", "║", "╚", "╝", "▶", "◀"),
    "agent": ("┄", "┆", "╰", "╯", "▶", "◀"),
}
BOX_GAP = 3
MAX_PATTERN_CHARS = 48
#: Pseudo-components: the source of a connection whose pattern matches any event name,
#: and of one whose events no component declares (they can only be injected).
ANY_SOURCE = "(any)"
OUTSIDE_SOURCE = "(outside)"


@dataclass(frozen=True)
class GraphEdge:
    """One drawn edge: connection ``index`` of ``kind`` from ``source`` to ``target``."""

    index: int
    kind: str
    pattern: str
    source: str
    target: str


@dataclass(frozen=True)
class GraphSpec:
    """What to draw: the component boxes (with interface names) and the edges."""

    components: tuple[tuple[str, str], ...]
    edges: tuple[GraphEdge, ...]


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


def feed_order(names: Sequence[str], edges: Iterable[GraphEdge]) -> list[str]:
    """Orders ``names`` for one row of boxes so that connected components sit close.

    A depth-first walk, in declaration order, from the components nothing feeds (or the
    first declared, when every one is fed): each component is followed at once by the
    components it feeds, so most edges point right and stay short (a source and its
    worker end up side by side). Deterministic for a given declaration order.
    """
    position = {name: i for i, name in enumerate(names)}
    successors: dict[str, list[str]] = {name: [] for name in names}
    fed: set[str] = set()
    for edge in edges:
        if edge.source in successors and edge.target in successors:
            successors[edge.source].append(edge.target)
            if edge.source != edge.target:
                fed.add(edge.target)
    for targets in successors.values():
        targets.sort(key=position.__getitem__)

    order: list[str] = []
    placed: set[str] = set()
    roots = [name for name in names if name not in fed] + list(names)
    for root in roots:
        if root in placed:
            continue
        stack = [root]
        while stack:
            node = stack.pop()
            if node in placed:
                continue
            placed.add(node)
            order.append(node)
            stack.extend(reversed([t for t in successors[node] if t not in placed]))
    return order


def layered_order(names: Sequence[str], edges: Iterable[GraphEdge]) -> list[str]:
    """Orders ``names`` by layer (longest path from a source, cycles broken), then as given.

    A component's layer is one more than the deepest layer among the components with
    an edge into it, ignoring edges that close a cycle (found by a depth-first walk in
    declaration order), so most edges point right and the order is deterministic.
    """
    position = {name: i for i, name in enumerate(names)}
    successors: dict[str, list[str]] = {name: [] for name in names}
    for edge in edges:
        if edge.source in successors and edge.target in successors:
            successors[edge.source].append(edge.target)
    for targets in successors.values():
        targets.sort(key=position.__getitem__)

    forward: dict[str, list[str]] = {name: [] for name in names}
    state: dict[str, int] = {}  # 1 = on the walk's stack, 2 = finished
    finish_order: list[str] = []
    for root in names:
        if root in state:
            continue
        stack = [(root, iter(successors[root]))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                finish_order.append(node)
                stack.pop()
            elif state.get(child) != 1:  # an edge to a node on the stack closes a cycle
                forward[node].append(child)
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(successors[child])))

    layer = dict.fromkeys(names, 0)
    for node in reversed(finish_order):  # reverse finish order is topological
        for child in forward[node]:
            if child != node:
                layer[child] = max(layer[child], layer[node] + 1)
    return sorted(names, key=lambda name: (layer[name], position[name]))


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
            tag = [(ch, ("label", edge.index, edge.kind)) for ch in f"#{edge.index}"]
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


def fixed_sources(connections: Iterable[Any]) -> dict[int, str]:
    """Connection index -> the one component its pattern accepts events from, for the
    connections whose pattern is a single event match with a fixed ``source``.

    The description lists every component whose interface declares the pattern's
    event name; when several components share an interface, a pattern such as
    ``Source.job from "pipe_source"`` is fed by one of them only, and drawing edges
    from all would mislead.
    """
    fixed: dict[int, str] = {}
    for connection in connections:
        source = getattr(connection.pattern, "source_matcher", None)
        if isinstance(source, str) and connection.index is not None:
            fixed[connection.index] = source
    return fixed


def spec_from_description(
    description: Any, source_filters: Mapping[int, str] | None = None
) -> GraphSpec:
    """Builds a :class:`GraphSpec` from an architecture description (``describe()``).

    One edge is drawn per source component of each connection (only the component in
    ``source_filters``, see :func:`fixed_sources`, when it is one of them). A connection
    whose pattern matches any name is drawn from the ``(any)`` pseudo-component, one
    that no component's actions can feed from ``(outside)``; a callable target reads
    ``name()``.
    """
    source_filters = source_filters or {}
    components = tuple(
        (component.name, component.interface) for component in description.components
    )
    edges: list[GraphEdge] = []
    for connection in description.connections:
        if connection.sources is None:
            sources: tuple[str, ...] = (ANY_SOURCE,)
        else:
            sources = connection.sources or (OUTSIDE_SOURCE,)
        only = source_filters.get(connection.index)
        if only in sources:
            sources = (only,)
        target = connection.target
        if not connection.target_is_component:
            target = f"{target}()"
        for source in sources:
            edges.append(
                GraphEdge(
                    index=connection.index,
                    kind=connection.kind,
                    pattern=connection.pattern,
                    source=source,
                    target=target,
                )
            )
    return GraphSpec(components=components, edges=tuple(edges))

"""What the graph view draws: components and edges from an architecture description,
and where the components go: layers by the direction of the edges, an order within
each layer that cuts crossings, rows of boxes that fit the room. No drawing, no Textual."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pyrapide.core.printable import printable

#: Pseudo-components: the source of a connection whose pattern matches any event name,
#: and of one whose events no component declares (they can only be injected).
ANY_SOURCE = "(any)"
OUTSIDE_SOURCE = "(outside)"
#: How the box of a nested architecture says whether its inside is drawn.
CLOSED, OPENED = "▸", "▾"


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


def assign_layers(names: Sequence[str], edges: Iterable[GraphEdge]) -> dict[str, int]:
    """The layer of each of ``names``: 0 for a component nothing feeds, else one more than
    the deepest layer among the components with an edge into it (the longest path).

    Edges that close a cycle (found by a depth-first walk in declaration order) are left
    out of the layering, so a cycle's first declared member sits above the rest; edges
    between names not listed are ignored. Deterministic for a given declaration order.
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
    return layer


def count_crossings(layers: Sequence[Sequence[str]], edges: Iterable[GraphEdge]) -> int:
    """How many pairs of edges between neighbouring layers cross, drawn as straight lines
    from their positions in ``layers`` (the measure the ordering pass lowers)."""
    where = {name: (depth, i) for depth, layer in enumerate(layers) for i, name in enumerate(layer)}
    # Layer above -> (position in it, position in the layer below) of each edge between.
    spans: dict[int, list[tuple[int, int]]] = {}
    for edge in edges:
        if edge.source not in where or edge.target not in where:
            continue
        (upper_depth, upper), (lower_depth, lower) = sorted(
            (where[edge.source], where[edge.target])
        )
        if lower_depth - upper_depth == 1:
            spans.setdefault(upper_depth, []).append((upper, lower))
    crossings = 0
    for between in spans.values():
        for k, (upper, lower) in enumerate(between):
            crossings += sum(
                1 for other_upper, other_lower in between[k + 1 :]
                if (upper - other_upper) * (lower - other_lower) < 0
            )
    return crossings


def order_layers(
    names: Sequence[str], edges: Sequence[GraphEdge], layer: dict[str, int], sweeps: int = 4
) -> list[list[str]]:
    """``names`` grouped by ``layer`` and ordered within each layer to cut crossings.

    Starts from declaration order, then sweeps down and up, sorting each layer by the
    barycentre (mean position) of its neighbours in the layers already placed; a name
    with no such neighbour keeps its place. The order with the fewest crossings between
    neighbouring layers is kept (the earliest on a tie), so the result is deterministic.
    """
    layers: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for name in names:
        layers[layer[name]].append(name)
    neighbours: dict[str, list[str]] = {name: [] for name in names}
    for edge in edges:
        if edge.source in neighbours and edge.target in neighbours and edge.source != edge.target:
            neighbours[edge.source].append(edge.target)
            neighbours[edge.target].append(edge.source)

    def resort(depth: int, reference: int) -> None:
        index = {name: i for i, name in enumerate(layers[reference])}
        current = layers[depth]

        def barycentre(item: tuple[int, str]) -> float:
            place, name = item
            linked = [index[n] for n in neighbours[name] if n in index]
            return sum(linked) / len(linked) if linked else float(place)

        layers[depth] = [name for _, name in sorted(enumerate(current), key=barycentre)]

    best = [list(layer_names) for layer_names in layers]
    fewest = count_crossings(best, edges)
    for _ in range(sweeps):
        if fewest == 0:
            break
        for depth in range(1, len(layers)):
            resort(depth, depth - 1)
        for depth in range(len(layers) - 2, -1, -1):
            resort(depth, depth + 1)
        crossings = count_crossings(layers, edges)
        if crossings < fewest:
            best, fewest = [list(layer_names) for layer_names in layers], crossings
    return best


def wrap_rows(
    layers: Sequence[Sequence[str]], width_of: Callable[[str], int], gap: int, max_width: int | None
) -> list[list[str]]:
    """Packs ordered ``layers`` into rows of boxes no wider than ``max_width``.

    Layers follow one another along a row while they fit whole, so sources come left of
    or above their targets; a layer that does not fit starts a new row, and one wider
    than ``max_width`` by itself is split over several. None: everything in one row.
    """
    rows: list[list[str]] = []
    row: list[str] = []
    used = 0

    def extent(names: Sequence[str]) -> int:
        return sum(width_of(name) for name in names) + gap * max(len(names) - 1, 0)

    for layer_names in layers:
        if not layer_names:
            continue
        needed = extent(layer_names) + (gap if row else 0)
        if max_width is None or used + needed <= max_width:
            row.extend(layer_names)
            used += needed
            continue
        if row:
            rows.append(row)
        row, used = [], 0
        for name in layer_names:
            needed = width_of(name) + (gap if row else 0)
            if row and used + needed > max_width:
                rows.append(row)
                row, used, needed = [], 0, width_of(name)
            row.append(name)
            used += needed
    if row:
        rows.append(row)
    return rows


def spec_from_description(description: Any, expanded: Collection[str] = ()) -> GraphSpec:
    """Builds a :class:`GraphSpec` from an architecture description (``describe()``).

    One edge is drawn per source component of each connection, as the description
    lists them (already narrowed to a source the pattern names, so the picture agrees
    with ``rapide graph`` and ``rapide check``). A connection whose pattern matches any
    name is drawn from the ``(any)`` pseudo-component, one that no component's actions
    can feed (a source it names is no component, say) from ``(outside)``; a callable
    target reads ``name()``.

    A component that is an architecture is one box, its name marked ``▸`` and its
    interface line naming the architecture (``payments ▸`` over ``PaymentsDept``),
    unless its path is in ``expanded``: then it is marked ``▾``, its components are
    boxes too (named by path) and its connections are drawn, those fed by what comes
    in from around it starting at its own box, which what goes in and comes out
    passes through.
    """
    # Names and patterns come from the user's file: drawn printable, like any data.
    components: list[tuple[str, str]] = []
    boxes: dict[str, str] = {}  # a nested architecture's path -> its box's name
    shown_scopes = {""}

    def add(described: Any) -> None:
        for component in described:
            name, label = printable(component.path), printable(component.interface)
            opened = component.path in expanded
            if component.architecture is not None:
                name = boxes[component.path] = f"{name} {OPENED if opened else CLOSED}"
                label = printable(component.architecture)
            components.append((name, label))
            if component.architecture is not None and opened:
                shown_scopes.add(component.path)
                add(component.children)

    def box(path: str) -> str:
        return boxes.get(path) or printable(path)

    add(description.components)
    edges: list[GraphEdge] = []
    for connection in description.connections:
        scope = connection.scope
        if scope not in shown_scopes:
            continue
        if connection.sources is None:
            sources: tuple[str, ...] = (ANY_SOURCE,)
        elif not connection.sources and scope:
            sources = (box(scope),)  # what comes in, through the architecture's box
        else:
            sources = tuple(map(box, connection.sources)) or (OUTSIDE_SOURCE,)
        target = box(connection.target)
        if not connection.target_is_component:
            target = f"{printable(connection.target)}()"
        for source in sources:
            edges.append(
                GraphEdge(
                    index=connection.index,
                    kind=connection.kind,
                    pattern=printable(connection.pattern),
                    source=source,
                    target=target,
                )
            )
    return GraphSpec(components=tuple(components), edges=tuple(edges))


def nested_paths(description: Any) -> frozenset[str]:
    """The paths of the components of ``description`` that are architectures."""
    if not description.is_nested:
        return frozenset()
    return frozenset(c.path for c in description.walk() if c.architecture is not None)


def architecture_to_toggle(
    component: str, nested: Collection[str], expanded: Collection[str]
) -> str | None:
    """The nested architecture to open or fold for ``component`` (a path, or "" when
    none is selected): of the ones holding it (``nested`` lists every one,
    ``expanded`` those drawn open), the outermost folded one, the one whose box stands
    for it; else the innermost open one. Holding none, the only nested architecture
    if there is a single one, else None."""
    parts = component.split(".") if component else []
    holding = [path for path in (".".join(parts[:n]) for n in range(1, len(parts) + 1))
               if path in nested]
    folded = [path for path in holding if path not in expanded]
    if folded:
        return folded[0]
    if holding:
        return holding[-1]
    return next(iter(nested)) if len(nested) == 1 else None

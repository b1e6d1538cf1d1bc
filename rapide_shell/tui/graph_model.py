"""What the graph view draws: components and edges from an architecture description,
and orders of the components along the row of boxes. No drawing, no Textual."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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


def spec_from_description(description: Any) -> GraphSpec:
    """Builds a :class:`GraphSpec` from an architecture description (``describe()``).

    One edge is drawn per source component of each connection, as the description
    lists them (already narrowed to a source the pattern names, so the picture agrees
    with ``rapide graph`` and ``rapide check``). A connection whose pattern matches any
    name is drawn from the ``(any)`` pseudo-component, one that no component's actions
    can feed (a source it names is no component, say) from ``(outside)``; a callable
    target reads ``name()``.
    """
    components = tuple(
        (component.name, component.interface) for component in description.components
    )
    edges: list[GraphEdge] = []
    for connection in description.connections:
        if connection.sources is None:
            sources: tuple[str, ...] = (ANY_SOURCE,)
        else:
            sources = connection.sources or (OUTSIDE_SOURCE,)
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

"""What the wiring lets cause what: which event names can lead to which, read off the connections.

An event ``a`` can be a cause of an event ``b`` (of their names, rather) when:

* a connection delivers ``a`` to a component whose interface declares ``b``
  (a handler's emits are caused by what it was delivered);
* one component may emit both (a handler run's, or a start hook's, successive
  emits are chained, and a pipe's deliveries follow one another);
* a ``connect`` delivery returns to its emitter: what the target may emit can
  cause what the component that emitted the delivered event emits next (the
  return edge).

This over-approximates what can happen (a handler need not emit what its
interface declares), so what it rules out is certain: a composite connection
pattern whose parts no path relates never fires, except on events injected with
``caused_by``. :func:`unrelated_parts` finds those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pyrapide.architecture.connections import Connection, Delivery, pattern_text
from pyrapide.patterns import Pattern
from pyrapide.patterns.operators import (
    DisjunctionPattern,
    GuardedPattern,
    ImmediateSequencePattern,
    IterationPattern,
    JoinPattern,
    SequencePattern,
    TimedPattern,
)
from pyrapide.types.interface import interface_actions

CauseGraph = dict[str, set[str]]


def cause_graph(components: Mapping[str, type], connections: Iterable[Connection]) -> CauseGraph:
    """Event name -> the names of the events it can directly cause, by this wiring."""
    actions = {name: set(interface_actions(iface)) for name, iface in components.items()}
    emitters: dict[str, set[str]] = {}
    for component, names in actions.items():
        for event_name in names:
            emitters.setdefault(event_name, set()).add(component)
    every_name = set(emitters)
    graph: CauseGraph = {name: set() for name in every_name}
    for names in actions.values():
        for event_name in names:
            graph[event_name] |= names  # one component's emits are chained
    for connection in connections:
        target = connection.target
        if not isinstance(target, str) or target not in actions:
            continue  # a callable target emits nothing the wiring knows of
        delivered = connection.pattern.event_names()
        delivered_names = every_name if delivered is None else set(delivered) & every_name
        emitted = actions[target]
        for event_name in delivered_names:
            graph[event_name] |= emitted
            if connection.kind.delivery is Delivery.CALL:
                # The return edge: what the target emits can cause what the emitter
                # of the delivered event emits next.
                for emitter in emitters.get(event_name, ()):
                    for returned in emitted:
                        graph[returned] |= actions[emitter]
    return graph


def reachable(graph: CauseGraph, starts: Iterable[str]) -> set[str]:
    """The names reachable from ``starts`` by one edge or more."""
    seen: set[str] = set()
    stack = [follower for start in starts for follower in graph.get(start, ())]
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(graph.get(name, ()))
    return seen


def unrelated_parts(
    components: Mapping[str, type], connections: Iterable[Connection]
) -> list[tuple[Connection, str]]:
    """The connections whose composite pattern has parts that this wiring never
    relates as the pattern requires (``A -> B``, ``A => B``: no A can lead to a B;
    ``A & B``: nothing can lead to both), each with a sentence saying which."""
    connections = list(connections)
    graph = cause_graph(components, connections)
    found = []
    for connection in connections:
        problem = _first_unrelated(connection.pattern, graph)
        if problem is not None:
            found.append((connection, problem))
    return found


def _first_unrelated(pattern: Pattern, graph: CauseGraph) -> str | None:
    while isinstance(pattern, (GuardedPattern, TimedPattern, IterationPattern)):
        pattern = pattern.pattern
    children = pattern.children()
    for child in children:
        problem = _first_unrelated(child, graph)
        if problem is not None:
            return problem
    if len(children) != 2 or isinstance(pattern, DisjunctionPattern):
        return None
    left, right = children
    left_names, right_names = left.event_names(), right.event_names()
    if left_names is None or right_names is None:
        return None  # a side matches any event: the wiring cannot rule it out
    if isinstance(pattern, (SequencePattern, ImmediateSequencePattern)):
        if not reachable(graph, left_names) & right_names:
            return (
                f"nothing that {_names(left_names)} leads to is {_names(right_names)}, so "
                f"`{pattern_text(pattern)}` never matches events the system emits"
            )
    elif isinstance(pattern, JoinPattern):
        reaches = {name: reachable(graph, [name]) for name in graph}
        if not any(r & left_names and r & right_names for r in reaches.values()):
            return (
                f"no event can lead to both {_names(left_names)} and {_names(right_names)}, "
                f"so `{pattern_text(pattern)}` never matches events the system emits"
            )
    return None


def _names(names: Iterable[str]) -> str:
    ordered = sorted(names)
    return ordered[0] if len(ordered) == 1 else "any of " + ", ".join(ordered)

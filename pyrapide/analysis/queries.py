"""Causal questions about a computation: root causes, slices, critical path, parallelism.

Every function takes a Computation (or its Poset) and events that belong to it (an Event
or an event id). Results come in a deterministic order: recording order for sets of events,
causal (topological) order for paths, so two runs of the same program print the same thing.
Each query costs time linear in the part of the graph it must look at; none compares every
pair of events.
"""

from __future__ import annotations

from pyrapide.analysis._inputs import event_in, poset_of
from pyrapide.core import Computation, Event, EventSet, Poset

__all__ = [
    "backward_slice",
    "bottleneck_events",
    "causal_density",
    "causal_distance",
    "common_ancestors",
    "critical_path",
    "event_frequency",
    "forward_slice",
    "impact_set",
    "parallel_events",
    "root_causes",
]


def root_causes(computation: Computation | Poset, target_event: Event | str) -> EventSet:
    """Return the root events (events with no cause) from which ``target_event`` descends.

    A root is not its own cause, so the root causes of a root event are empty.
    Raises ValueError when the event is not in the computation.
    """
    poset = poset_of(computation, "root_causes")
    target = event_in(poset, target_event, "root_causes", "target_event")
    # Depth 0 (no chain leads to it) is the poset's O(1) test for "has no cause".
    return EventSet(e for e in poset.ancestors(target) if poset.depth(e) == 0)


def backward_slice(
    computation: Computation | Poset, target_event: Event | str
) -> Computation | Poset:
    """Return ``target_event`` and everything that caused it, directly or not.

    The result is a new Computation (a new Poset when given a Poset) holding those events
    with the causal links among them, in the original recording order.
    """
    poset = poset_of(computation, "backward_slice")
    target = event_in(poset, target_event, "backward_slice", "target_event")
    return _induced(poset, [*poset.ancestors(target), target], like=computation)


def forward_slice(
    computation: Computation | Poset, source_event: Event | str
) -> Computation | Poset:
    """Return ``source_event`` and everything it caused, directly or not.

    The result is a new Computation (a new Poset when given a Poset) holding those events
    with the causal links among them; links from events outside the slice are dropped.
    """
    poset = poset_of(computation, "forward_slice")
    source = event_in(poset, source_event, "forward_slice", "source_event")
    return _induced(poset, [source, *poset.descendants(source)], like=computation)


def impact_set(computation: Computation | Poset, source_event: Event | str) -> EventSet:
    """Return every event that ``source_event`` caused, directly or not (itself excluded)."""
    poset = poset_of(computation, "impact_set")
    source = event_in(poset, source_event, "impact_set", "source_event")
    return poset.descendants(source)


def common_ancestors(computation: Computation | Poset, a: Event | str, b: Event | str) -> EventSet:
    """Return the events that causally precede both ``a`` and ``b``."""
    poset = poset_of(computation, "common_ancestors")
    first = event_in(poset, a, "common_ancestors", "a")
    second = event_in(poset, b, "common_ancestors", "b")
    return poset.common_ancestors(first, second)


def causal_distance(computation: Computation | Poset, a: Event | str, b: Event | str) -> int | None:
    """Return the number of causal links on the shortest path from ``a`` to ``b``.

    0 when ``a`` is ``b``; None when ``a`` does not causally precede ``b``.
    """
    poset = poset_of(computation, "causal_distance")
    start = event_in(poset, a, "causal_distance", "a")
    goal = event_in(poset, b, "causal_distance", "b")
    # The poset's shortest path searches only the events between the two.
    chain = poset.causal_chain(start, goal)
    return None if chain is None else len(chain) - 1


def critical_path(computation: Computation | Poset) -> list[Event]:
    """Return a longest causal chain, from a root to its last event (empty when empty).

    Among chains of equal length, the one ending at the earliest-recorded event wins, and
    along it the earliest-recorded cause; so the answer is the same on every run.
    """
    poset = poset_of(computation, "critical_path")
    # The poset keeps each event's depth (the links on the longest chain ending there,
    # the dynamic programme over topological order, maintained as events arrive), so
    # the end of a longest chain is one scan away and the way back one link per step.
    end, deepest = None, -1
    for event in poset:
        depth = poset.depth(event)
        if depth > deepest:
            end, deepest = event, depth
    if end is None:
        return []
    path = [end]
    for depth in range(deepest - 1, -1, -1):
        path.append(next(c for c in poset.direct_causes(path[-1]) if poset.depth(c) == depth))
    path.reverse()
    return path


def parallel_events(computation: Computation | Poset) -> list[EventSet]:
    """Return groups of mutually independent events: the causal levels of the computation.

    An event's level is the length of the longest causal chain ending at it; two events of
    one level can never be causally related, so each level is a set of events that could
    have happened in parallel. Levels holding a single event are left out. Groups come in
    level order, each in recording order.
    """
    poset = poset_of(computation, "parallel_events")
    levels: dict[int, list[Event]] = {}
    for event in poset:  # recording order
        levels.setdefault(poset.depth(event), []).append(event)
    return [EventSet(levels[level]) for level in sorted(levels) if len(levels[level]) > 1]


def bottleneck_events(computation: Computation | Poset) -> list[Event]:
    """Return the events that lie on every causal path from a root to a leaf.

    Every root-to-leaf path runs through such an event, so everything before it funnels
    into it and everything after it flows from it. Returned in causal order.
    """
    poset = poset_of(computation, "bottleneck_events")
    order = poset.topological_order()
    if not order:
        return []
    # In a topological order, a root-to-leaf path can avoid the event at position p only
    # through a link that jumps over p (from before p to after it), by starting at a root
    # placed after p, or by ending at a leaf placed before p. Count, for each position,
    # the links jumping over it (a difference array over each link's span), and find
    # the last root and the first leaf: linear in events plus links.
    position = {event.id: index for index, event in enumerate(order)}
    jumps = [0] * (len(order) + 1)
    is_cause = [False] * len(order)
    last_root = 0
    for index, event in enumerate(order):
        causes = poset.direct_causes(event)
        if not causes:
            last_root = index
        for cause in causes:
            start = position[cause.id]
            is_cause[start] = True
            jumps[start + 1] += 1
            jumps[index] -= 1
    first_leaf = is_cause.index(False)
    bottlenecks = []
    over = 0
    for index, event in enumerate(order):
        over += jumps[index]
        if over == 0 and last_root <= index <= first_leaf:
            bottlenecks.append(event)
    return bottlenecks


def event_frequency(computation: Computation | Poset) -> dict[str, int]:
    """Count events by name; names appear in the order they were first recorded."""
    poset = poset_of(computation, "event_frequency")
    counts: dict[str, int] = {}
    for event in poset:
        counts[event.name] = counts.get(event.name, 0) + 1
    return counts


def causal_density(computation: Computation | Poset) -> float:
    """Return causal links divided by the most a DAG of this size can hold, n(n-1)/2.

    0.0 for fewer than two events; 1.0 means every pair of events is directly linked.
    """
    poset = poset_of(computation, "causal_density")
    size = len(poset)
    if size < 2:
        return 0.0
    links = sum(len(poset.direct_causes(event)) for event in poset)
    return links / (size * (size - 1) / 2)


def _induced(poset: Poset, members: list[Event], like: Computation | Poset) -> Computation | Poset:
    """Build the sub-computation on ``members`` (of the same kind as ``like``)."""
    result: Computation | Poset = Computation() if isinstance(like, Computation) else Poset()
    target = result.poset if isinstance(result, Computation) else result
    member_ids = {event.id for event in members}
    placed: set[str] = set()
    late_links: list[tuple[str, str]] = []
    # Recording order is kept; a link added after recording (add_causal_link) may point
    # to an event recorded later, so such links are added once every event is in.
    for event in sorted(members, key=poset.seq):
        causes = []
        for cause in poset.direct_causes(event):
            if cause.id in placed:
                causes.append(cause.id)
            elif cause.id in member_ids:
                late_links.append((cause.id, event.id))
        if isinstance(result, Computation):
            result.record(event, caused_by=causes)
        else:
            result.add(event, caused_by=causes)
        placed.add(event.id)
    for cause_id, effect_id in late_links:
        target.add_causal_link(cause_id, effect_id)
    return result

"""Property tests: the poset's indexed queries agree with a plain breadth-first search."""

from __future__ import annotations

import itertools
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.core import CausalCycleError, Event, Poset

SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def dags(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]], set[tuple[int, int]], list[int]]:
    """A random DAG on n events and a way of building it.

    Returns (n, links given to ``add`` in recording order, all links, the order
    in which the remaining links are added with ``add_causal_link``).  The
    topological rank is a random permutation independent of recording order,
    so many links point backward and force the poset to reorder.
    """
    n = draw(st.integers(min_value=1, max_value=24))
    rank = draw(st.permutations(range(n)))
    pairs = [(u, v) for u in range(n) for v in range(n) if rank[u] < rank[v]]
    chosen = draw(
        st.lists(st.sampled_from(pairs), unique=True, max_size=3 * n) if pairs else st.just([])
    )
    at_add = {(u, v) for (u, v) in chosen if u < v and draw(st.booleans())}
    later = [edge for edge in chosen if edge not in at_add]
    later = draw(st.permutations(later))
    return n, sorted(at_add), set(chosen), list(later)


def build(n: int, at_add: list[tuple[int, int]], later: list[int]) -> tuple[Poset, list[Event]]:
    events = [Event(f"E{i}", {"i": i}, id=f"ev{i}") for i in range(n)]
    poset = Poset()
    for i, event in enumerate(events):
        poset.add(event, caused_by=[events[u] for (u, v) in at_add if v == i])
    for u, v in later:
        poset.add_causal_link(events[u], events[v])
    return poset, events


def reachable(n: int, edges: set[tuple[int, int]], start: int, forward: bool) -> set[int]:
    """Plain BFS: the events reachable from ``start`` (excluded) along links."""
    adjacency: dict[int, list[int]] = {i: [] for i in range(n)}
    for u, v in edges:
        if forward:
            adjacency[u].append(v)
        else:
            adjacency[v].append(u)
    seen: set[int] = set()
    queue = deque([start])
    while queue:
        for y in adjacency[queue.popleft()]:
            if y not in seen:
                seen.add(y)
                queue.append(y)
    return seen


def longest_path_to(n: int, edges: set[tuple[int, int]]) -> list[int]:
    depth = [0] * n
    changed = True
    while changed:  # Bellman-Ford style: fine for tiny graphs
        changed = False
        for u, v in edges:
            if depth[u] + 1 > depth[v]:
                depth[v] = depth[u] + 1
                changed = True
    return depth


def snapshot(poset: Poset, events: list[Event]) -> dict[str, object]:
    """Everything observable about a poset, to compare before and after a refusal."""
    return {
        "dict": poset.to_dict(),
        "order": [e.id for e in poset.topological_order()],
        "ancestor": [[poset.is_ancestor(a, b) for b in events] for a in events],
        "independent": [[poset.are_independent(a, b) for b in events] for a in events],
        "ancestors": [[e.id for e in poset.ancestors(a)] for a in events],
        "descendants": [[e.id for e in poset.descendants(a)] for a in events],
        "causes": [[e.id for e in poset.causes(a)] for a in events],
        "effects": [[e.id for e in poset.effects(a)] for a in events],
        "depth": [poset.depth(a) for a in events],
        "roots": [e.id for e in poset.root_events()],
        "leaves": [e.id for e in poset.leaf_events()],
    }


@SETTINGS
@given(dags())
def test_queries_agree_with_breadth_first_search(dag) -> None:
    n, at_add, edges, later = dag
    poset, events = build(n, at_add, later)
    for a in range(n):
        below = reachable(n, edges, a, forward=True)
        above = reachable(n, edges, a, forward=False)
        assert {e.id for e in poset.descendants(events[a])} == {f"ev{i}" for i in below}
        assert {e.id for e in poset.ancestors(events[a])} == {f"ev{i}" for i in above}
        for b in range(n):
            assert poset.is_ancestor(events[a], events[b]) == (b in below)
            independent = a != b and b not in below and b not in above
            assert poset.are_independent(events[a], events[b]) == independent
            chain = poset.causal_chain(events[a], events[b])
            if a == b:
                assert chain == [events[a]]
            elif b not in below:
                assert chain is None
            else:
                assert chain is not None and chain[0] == events[a] and chain[-1] == events[b]
                for cause, effect in itertools.pairwise(chain):
                    assert cause in poset.causes(effect)


@SETTINGS
@given(dags())
def test_order_depth_and_round_trip(dag) -> None:
    n, at_add, edges, later = dag
    poset, events = build(n, at_add, later)
    order = [poset.seq(e) for e in poset.topological_order()]
    assert sorted(order) == list(range(n))
    where = {p: k for k, p in enumerate(order)}
    assert all(where[u] < where[v] for u, v in edges)
    assert [poset.depth(e) for e in events] == longest_path_to(n, edges)
    again = Poset.from_dict(poset.to_dict())
    assert snapshot(again, events) == snapshot(poset, events)


@SETTINGS
@given(dags(), st.data())
def test_refused_cycle_leaves_the_poset_exactly_as_it_was(dag, data) -> None:
    n, at_add, edges, later = dag
    poset, events = build(n, at_add, later)
    # A link from an event to one of its ancestors (or to itself) closes a cycle.
    closing = [(b, a) for a in range(n) for b in reachable(n, edges, a, forward=True)]
    closing += [(a, a) for a in range(n)]
    cause, effect = data.draw(st.sampled_from(closing))
    before = snapshot(poset, events)
    with pytest.raises(CausalCycleError):
        poset.add_causal_link(events[cause], events[effect])
    assert snapshot(poset, events) == before
    # The poset still works normally afterwards.
    extra = Event("late", id="late")
    poset.add(extra, caused_by=[events[effect]])
    assert poset.is_ancestor(events[effect], extra)


@pytest.mark.parametrize("seed", range(4))
def test_large_layered_poset_agrees_with_breadth_first_search(seed: int) -> None:
    """Lanes of diamonds with links across lanes, some added afterwards against order."""
    import random

    rng = random.Random(seed)
    poset = Poset()
    events: list[Event] = []
    edges: set[tuple[int, int]] = set()
    tails = [-1] * 6
    while len(events) < 600:
        lane = rng.randrange(6)
        top_causes = [tails[lane]] if tails[lane] >= 0 else []
        if rng.random() < 0.2 and tails[(lane + 1) % 6] >= 0:
            top_causes.append(tails[(lane + 1) % 6])
        base = len(events)
        for offset, causes in enumerate((top_causes, [base], [base], [base + 1, base + 2])):
            event = Event("D", id=f"d{base + offset}")
            poset.add(event, caused_by=[events[c] for c in causes])
            events.append(event)
            edges.update((c, base + offset) for c in causes)
        tails[lane] = base + 3
    for _ in range(60):
        cause, effect = rng.randrange(600), rng.randrange(600)
        if cause != effect and cause not in reachable(600, edges, effect, forward=True):
            poset.add_causal_link(events[cause], events[effect])
            edges.add((cause, effect))
    for a in rng.sample(range(600), 40):
        below = reachable(600, edges, a, forward=True)
        for b in range(600):
            assert poset.is_ancestor(events[a], events[b]) == (b in below)

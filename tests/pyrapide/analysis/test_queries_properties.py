"""The queries against brute-force answers on random small DAGs (recorded in any order)."""

from __future__ import annotations

from itertools import combinations, pairwise

from hypothesis import given, settings

from pyrapide.analysis import queries
from tests.pyrapide.analysis.dags import build, maximal_paths, random_dags, reachable

SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(random_dags())
def test_critical_path_is_a_chain_as_long_as_the_longest_path(dag):
    size, links, order = dag
    comp, events = build(size, links, order)
    path = queries.critical_path(comp)
    longest = max((len(p) for p in maximal_paths(size, links)), default=0)
    assert len(path) == longest
    number = {event: i for i, event in enumerate(events)}
    steps = [(number[a], number[b]) for a, b in pairwise(path)]
    assert all(step in links for step in steps)
    assert not path or not comp.poset.causes(path[0])


@SETTINGS
@given(random_dags())
def test_parallel_events_pairs_are_the_independent_pairs_of_equal_level(dag):
    size, links, order = dag
    comp, events = build(size, links, order)
    after = reachable(size, links)
    level = [0] * size
    for path in maximal_paths(size, links):
        for position, node in enumerate(path):
            level[node] = max(level[node], position)
    expected = {
        frozenset((a, b))
        for a, b in combinations(range(size), 2)
        if level[a] == level[b] and b not in after[a] and a not in after[b]
    }
    number = {event: i for i, event in enumerate(events)}
    found = {
        frozenset((number[a], number[b]))
        for group in queries.parallel_events(comp)
        for a, b in combinations(group, 2)
    }
    assert found == expected
    # Equal levels are never causally related, so each level is fully independent.
    assert all(b not in after[a] for pair in found for a, b in combinations(pair, 2))


@SETTINGS
@given(random_dags())
def test_bottlenecks_are_the_events_every_root_to_leaf_path_shares(dag):
    size, links, order = dag
    comp, _events = build(size, links, order)
    paths = maximal_paths(size, links)
    shared = set.intersection(*(set(p) for p in paths)) if paths else set()
    found = queries.bottleneck_events(comp)
    assert {int(event.id[1:]) for event in found} == shared
    topological = comp.topological_order()
    assert found == [event for event in topological if event in set(found)]


@SETTINGS
@given(random_dags())
def test_distance_roots_and_slices_agree_with_search(dag):
    size, links, order = dag
    comp, events = build(size, links, order)
    after = reachable(size, links)
    for a in range(size):
        # Shortest path by breadth-first search over the link list.
        distance, frontier, steps = {a: 0}, [a], 0
        while frontier:
            steps += 1
            frontier = [e for c, e in links if c in frontier and e not in distance]
            distance.update({node: steps for node in frontier})
        for b in range(size):
            assert queries.causal_distance(comp, events[a], events[b]) == distance.get(b)
        before = {c for c in range(size) if a in after[c]}
        roots = {c for c in before if all(e != c for _, e in links)}
        assert {int(e.id[1:]) for e in queries.root_causes(comp, events[a])} == roots
        assert {int(e.id[1:]) for e in queries.backward_slice(comp, events[a])} == before | {a}
        forward = queries.forward_slice(comp, events[a])
        assert {int(e.id[1:]) for e in forward} == after[a] | {a}
        kept_links = sum(len(forward.poset.causes(e)) for e in forward)
        assert kept_links == sum(1 for c, e in links if c in after[a] | {a})
    if size >= 2:
        assert queries.causal_density(comp) == len(links) / (size * (size - 1) / 2)

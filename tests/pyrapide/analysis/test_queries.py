"""The causal queries on small computations whose answers are known by hand."""

from __future__ import annotations

import pytest

from pyrapide import Computation, Event, Poset, queries
from pyrapide.analysis.queries import (
    backward_slice,
    bottleneck_events,
    causal_density,
    causal_distance,
    critical_path,
    forward_slice,
    impact_set,
    parallel_events,
    root_causes,
)
from tests.pyrapide.analysis.dags import build


def names(events) -> list[str]:
    return [event.name for event in events]


@pytest.fixture
def incident():
    """Written as code for PyRapide 0.3.0 would be: a request fans out, joins, and fails.

    request -> auth, request -> lookup, (auth, lookup) -> respond; a heartbeat stands apart.
    """
    comp = Computation()
    request = Event(name="api.request", payload={"path": "/x"}, source="api")
    auth = Event(name="auth.check", source="auth")
    lookup = Event(name="db.lookup", payload={"key": 42}, source="db")
    respond = Event(name="api.error", payload={"status": 500}, source="api")
    heartbeat = Event(name="heartbeat", source="monitor")
    comp.record(request)
    comp.record(auth, caused_by=[request])
    comp.record(lookup, caused_by=[request])
    comp.record(respond, caused_by=[auth, lookup])
    comp.record(heartbeat)
    return comp, request, auth, lookup, respond, heartbeat


def test_root_causes_of_an_error_are_the_roots_it_descends_from(incident):
    comp, request, _, _, respond, _ = incident
    for err in comp.events_by_name("api.error"):
        roots = queries.root_causes(comp, err)
        assert [r.name for r in roots] == ["api.request"]
    assert queries.root_causes(comp, respond) == frozenset({request})
    assert queries.root_causes(comp, request) == frozenset()


def test_backward_slice_keeps_the_event_and_its_ancestors_with_their_links(incident):
    comp, request, auth, lookup, respond, _ = incident
    sliced = backward_slice(comp, respond)
    assert isinstance(sliced, Computation)
    assert names(sliced) == ["api.request", "auth.check", "db.lookup", "api.error"]
    assert sliced.poset.causes(respond) == frozenset({auth, lookup})
    assert sliced.is_ancestor(request, respond)
    assert names(backward_slice(comp, auth)) == ["api.request", "auth.check"]


def test_forward_slice_drops_links_from_outside_the_slice(incident):
    comp, request, auth, _lookup, respond, _ = incident
    sliced = forward_slice(comp, auth)
    assert names(sliced) == ["auth.check", "api.error"]
    assert list(sliced.poset.causes(respond)) == [auth]
    assert names(forward_slice(comp, request)) == [
        "api.request",
        "auth.check",
        "db.lookup",
        "api.error",
    ]


def test_slices_of_a_poset_are_posets(incident):
    comp, request, _, _, respond, _ = incident
    sliced = backward_slice(comp.poset, respond)
    assert isinstance(sliced, Poset)
    assert len(sliced) == 4
    assert isinstance(forward_slice(comp.poset, request), Poset)


def test_slice_keeps_a_link_added_backwards_after_recording():
    comp, events = build(3, [(2, 0), (0, 1)], order=[0, 1, 2])
    sliced = backward_slice(comp, events[1])
    assert names(sliced) == ["N0", "N1", "N2"]
    assert sliced.is_ancestor(events[2], events[0])


def test_impact_set_is_everything_caused(incident):
    comp, request, auth, lookup, respond, heartbeat = incident
    assert list(impact_set(comp, request)) == [auth, lookup, respond]
    assert impact_set(comp, respond) == frozenset()
    assert impact_set(comp, heartbeat) == frozenset()


def test_common_ancestors(incident):
    comp, request, auth, lookup, respond, heartbeat = incident
    assert queries.common_ancestors(comp, auth, lookup) == frozenset({request})
    assert queries.common_ancestors(comp, respond, heartbeat) == frozenset()


def test_causal_distance_counts_links_on_the_shortest_path():
    # 0 -> 1 -> 2 -> 3 and a shortcut 0 -> 3; 4 apart.
    comp, ev = build(5, [(0, 1), (1, 2), (2, 3), (0, 3)])
    assert causal_distance(comp, ev[0], ev[3]) == 1
    assert causal_distance(comp, ev[1], ev[3]) == 2
    assert causal_distance(comp, ev[2], ev[2]) == 0
    assert causal_distance(comp, ev[3], ev[0]) is None
    assert causal_distance(comp, ev[0], ev[4]) is None


def test_critical_path_is_a_longest_chain_first_found(incident):
    comp, request, auth, _, respond, _ = incident
    assert critical_path(comp) == [request, auth, respond]
    chain, ev = build(4, [(0, 1), (1, 2), (2, 3)])
    assert critical_path(chain) == ev
    assert critical_path(Computation()) == []
    lone, ev = build(2, [])
    assert critical_path(lone) == [ev[0]]


def test_critical_path_prefers_the_longer_branch_even_if_recorded_later():
    # 0 -> 1 ; 0 -> 2 -> 3 -> 4
    comp, ev = build(5, [(0, 1), (0, 2), (2, 3), (3, 4)])
    assert critical_path(comp) == [ev[0], ev[2], ev[3], ev[4]]


def test_parallel_events_are_the_causal_levels_with_more_than_one_event(incident):
    comp, request, auth, lookup, _respond, heartbeat = incident
    groups = parallel_events(comp)
    assert [list(group) for group in groups] == [[request, heartbeat], [auth, lookup]]
    chain, _ = build(3, [(0, 1), (1, 2)])
    assert parallel_events(chain) == []
    # 1 follows 0 directly; 3 follows 0 too: same level. 2 is alone one level deeper.
    comp, ev = build(4, [(0, 1), (1, 2), (0, 3)])
    assert [list(group) for group in parallel_events(comp)] == [[ev[1], ev[3]]]


def test_bottleneck_events_lie_on_every_root_to_leaf_path():
    # Diamond 0 -> {1, 2} -> 3 -> 4: every path crosses 0, 3 and 4.
    comp, ev = build(5, [(0, 1), (0, 2), (1, 3), (2, 3), (3, 4)])
    assert bottleneck_events(comp) == [ev[0], ev[3], ev[4]]
    # A shortcut 0 -> 2 lets a path skip 1.
    comp, ev = build(3, [(0, 1), (1, 2), (0, 2)])
    assert bottleneck_events(comp) == [ev[0], ev[2]]
    # Two roots joining then splitting: only the join point.
    comp, ev = build(5, [(0, 2), (1, 2), (2, 3), (2, 4)])
    assert bottleneck_events(comp) == [ev[2]]


def test_bottleneck_events_of_separate_chains_and_edge_cases():
    comp, _ = build(4, [(0, 1), (2, 3)])
    assert bottleneck_events(comp) == []
    lone, ev = build(1, [])
    assert bottleneck_events(lone) == [ev[0]]
    assert bottleneck_events(Computation()) == []


def test_event_frequency_counts_names_in_first_recorded_order():
    comp = Computation()
    for name in ["b", "a", "b", "c", "b", "a"]:
        comp.record(Event(name=name))
    freq = queries.event_frequency(comp)
    assert freq == {"b": 3, "a": 2, "c": 1}
    assert list(freq) == ["b", "a", "c"]
    assert queries.event_frequency(Computation()) == {}


def test_causal_density_is_links_over_possible_links(incident):
    comp = incident[0]
    assert causal_density(comp) == pytest.approx(4 / 10)
    assert causal_density(Computation()) == 0.0
    full, _ = build(3, [(0, 1), (0, 2), (1, 2)])
    assert causal_density(full) == 1.0


def test_queries_accept_event_ids_and_posets(incident):
    comp, request, _auth, _lookup, respond, _ = incident
    assert root_causes(comp, respond.id) == frozenset({request})
    assert causal_distance(comp.poset, request.id, respond) == 2
    assert critical_path(comp.poset) == critical_path(comp)


def test_an_event_from_elsewhere_is_refused_by_name(incident):
    comp = incident[0]
    stranger = Event(name="stranger", id="zz-9")
    with pytest.raises(ValueError, match=r"impact_set\(\): source_event 'zz-9' \(stranger\)"):
        impact_set(comp, stranger)
    with pytest.raises(ValueError, match=r"causal_distance\(\): b 'nope' is not an event id"):
        causal_distance(comp, incident[1], "nope")
    with pytest.raises(TypeError, match=r"root_causes\(\): target_event must be an Event"):
        root_causes(comp, 3)
    with pytest.raises(TypeError, match=r"critical_path\(\) expects a Computation or a Poset"):
        critical_path([incident[1]])


def test_results_iterate_in_recording_order_every_time():
    comp, ev = build(12, [(0, i) for i in range(1, 12)])
    assert list(impact_set(comp, ev[0])) == ev[1:]
    assert list(root_causes(comp, ev[5])) == [ev[0]]
    assert [list(g) for g in parallel_events(comp)] == [ev[1:]]

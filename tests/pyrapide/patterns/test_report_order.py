"""The order matches are reported in: by the recording positions of their events."""

from __future__ import annotations

import warnings

from hypothesis import given, settings

from pyrapide.core import Event, Poset
from pyrapide.patterns import parse_pattern

from .strategies import patterns, posets


def _positions(poset, found):
    return tuple(poset.seq(event) for event in found.events)


def _reported(poset, found):
    """A match as the comparison of the two modes reads it: its events and bindings."""
    return _positions(poset, found), found.bindings


@settings(max_examples=150, deadline=None)
@given(pattern=patterns, poset=posets())
def test_feed_and_match_in_report_in_the_order_of_the_events_positions(pattern, poset):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        matcher = pattern.matcher()
        fed = []
        for event in poset:
            reported = [_reported(poset, found) for found in matcher.feed(event, poset)]
            positions = [where for where, _ in reported]
            assert positions == sorted(positions)
            fed.extend(reported)
        batch = [_reported(poset, found) for found in pattern.match_in(poset)]
    assert batch == fed


def test_matches_of_the_same_events_come_in_the_same_order_in_both_modes() -> None:
    # The join pairs (e2, e3) with e7 and (e2, e7) with e3: the same three events, bound
    # three ways, found in one order by match_in and in another by feeding.
    poset = Poset()
    first, second = Event("C", {"v": 0}, id="e1"), Event("C", {"v": 2}, id="e2")
    poset.add(first)
    poset.add(second, caused_by=[first])
    poset.add(Event("B", {"v": 1}, id="e3"), caused_by=[second])
    poset.add(Event("B", {"v": 2}, id="e7"), caused_by=[second])
    pattern = parse_pattern("B & *(v=2) & (* or *(v=?y))")
    matcher = pattern.matcher()
    fed = [found for event in poset for found in matcher.feed(event, poset)]
    batch = pattern.match_in(poset)
    assert [(found.events, found.bindings) for found in fed] == [
        (found.events, found.bindings) for found in batch
    ]
    assert [found.bindings for found in batch] == [{"y": 1}, {"y": 2}, {}]  # as JSON sorts


def test_one_event_completing_several_sequences_reports_the_earliest_first() -> None:
    poset = Poset()
    ticks = [Event("A", {"k": k}, id=f"a{k}") for k in range(6)]
    for k, tick in enumerate(ticks):
        poset.add(tick, caused_by=[ticks[k - 1]] if k else None)
    poset.add(Event("B", id="b"), caused_by=[ticks[-1]])
    pattern = parse_pattern("A -> B")
    found = pattern.matcher()
    reported = [m for event in poset for m in found.feed(event, poset)]
    assert [m.events[0].id for m in reported] == [f"a{k}" for k in range(6)]
    assert [m.events[0].id for m in pattern.match_in(poset)] == [f"a{k}" for k in range(6)]

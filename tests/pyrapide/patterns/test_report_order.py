"""The order matches are reported in: by the recording positions of their events."""

from __future__ import annotations

import warnings

from hypothesis import given, settings

from pyrapide.core import Event, Poset
from pyrapide.patterns import parse_pattern

from .strategies import patterns, posets


def _positions(poset, found):
    return tuple(poset.seq(event) for event in found.events)


@settings(max_examples=150, deadline=None)
@given(pattern=patterns, poset=posets())
def test_feed_and_match_in_report_in_the_order_of_the_events_positions(pattern, poset):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        matcher = pattern.matcher()
        fed = []
        for event in poset:
            reported = [_positions(poset, found) for found in matcher.feed(event, poset)]
            assert reported == sorted(reported)
            fed.extend(reported)
        batch = [_positions(poset, found) for found in pattern.match_in(poset)]
    assert batch == fed


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

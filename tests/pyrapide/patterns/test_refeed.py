"""Taking back a matcher's last feed: an event that gains causes afterwards is fed again exactly."""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.core import Event, Poset
from pyrapide.patterns import Pattern

from .strategies import patterns, posets

A, B, C = Pattern.match("A"), Pattern.match("B"), Pattern.match("C")


def _record(poset: Poset, name: str, causes: list[Event] | None = None) -> Event:
    event = Event(name)
    poset.add(event, caused_by=causes)
    return event


def _ids(matches: list[Any]) -> list[list[str]]:
    return [[event.id for event in found.events] for found in matches]


@settings(max_examples=150, deadline=None)
@given(pattern=patterns, shape=posets(), data=st.data())
def test_feeding_with_late_causes_then_refeeding_equals_matching_the_final_poset(
    pattern: Any, shape: Poset, data: st.DataObject
) -> None:
    # Each event is recorded with some of its causes; the others, and a few extra
    # earlier events, are linked to it afterwards, each link followed by a refeed.
    poset = Poset()
    matcher = pattern.matcher()
    completed_by: dict[str, list[Any]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for event in shape:
            causes = list(shape.causes(event))
            given_now = [c for c in causes if data.draw(st.booleans(), label="given now")]
            earlier = list(poset)
            extra = data.draw(st.lists(st.sampled_from(earlier), max_size=2)) if earlier else []
            poset.add(event, caused_by=given_now)
            completed_by[event.id] = matcher.feed(event, poset)
            for cause in [c for c in causes if c not in given_now] + extra:
                poset.add_causal_link(cause, event)
                completed_by[event.id] = matcher.refeed(event, poset)
        reported = [found for matches in completed_by.values() for found in matches]
        guard_errors_after_incremental = _guard_error_counts(pattern)
        pattern.matcher().catch_up(poset)
        guard_errors_after_plain_pass = _guard_error_counts(pattern)
        expected = pattern.match_in(poset)
    assert Counter(reported) == Counter(expected)
    # A retracted feed's guard errors are taken back with it: the counts equal
    # those of one plain pass over the final poset.
    assert [2 * n for n in guard_errors_after_incremental] == guard_errors_after_plain_pass


def _guard_error_counts(pattern: Any) -> list[int]:
    counts = []
    stack = [pattern]
    while stack:
        current = stack.pop()
        if hasattr(current, "guard_error_count"):
            counts.append(current.guard_error_count)
        stack.extend(current.children())
    return counts


def test_a_new_cause_rules_out_an_independence_match() -> None:
    poset = Poset()
    matcher = (A | B).matcher()
    a = _record(poset, "A")
    matcher.feed(a, poset)
    b = _record(poset, "B")
    assert _ids(matcher.feed(b, poset)) == [[a.id, b.id]]
    poset.add_causal_link(a, b)
    assert matcher.refeed(b, poset) == []
    # The stored B is still there for later As, which are independent of it.
    a2 = _record(poset, "A")
    assert _ids(matcher.feed(a2, poset)) == [[b.id, a2.id]]


def test_a_match_ruled_out_is_no_longer_stored_for_later_events() -> None:
    poset = Poset()
    matcher = ((A | B) >> C).matcher()
    a = _record(poset, "A")
    matcher.feed(a, poset)
    b = _record(poset, "B")
    matcher.feed(b, poset)  # stores the pair (a, b), waiting for a C
    poset.add_causal_link(a, b)
    matcher.refeed(b, poset)
    c = _record(poset, "C", [b])
    assert matcher.feed(c, poset) == []


def test_a_new_cause_completes_a_sequence_and_later_events_see_it() -> None:
    poset = Poset()
    matcher = (A >> B >> C).matcher()
    a = _record(poset, "A")
    matcher.feed(a, poset)
    b = _record(poset, "B")
    assert matcher.feed(b, poset) == []
    poset.add_causal_link(a, b)
    assert matcher.refeed(b, poset) == []  # (A >> B) is stored, not reported
    c = _record(poset, "C", [b])
    assert _ids(matcher.feed(c, poset)) == [[a.id, b.id, c.id]]


def test_a_new_cause_gives_a_join_its_common_ancestor() -> None:
    poset = Poset()
    matcher = (A & B).matcher()
    root = _record(poset, "R")
    matcher.feed(root, poset)
    a = _record(poset, "A", [root])
    matcher.feed(a, poset)
    b = _record(poset, "B")
    assert matcher.feed(b, poset) == []  # b was a root: its ancestry was memoised empty
    poset.add_causal_link(root, b)
    assert _ids(matcher.refeed(b, poset)) == [[a.id, b.id]]


def test_a_new_direct_cause_completes_then_immediately() -> None:
    poset = Poset()
    matcher = A.then_immediately(B).matcher()
    a = _record(poset, "A")
    matcher.feed(a, poset)
    middle = _record(poset, "X", [a])
    matcher.feed(middle, poset)
    b = _record(poset, "B", [middle])
    assert matcher.feed(b, poset) == []  # a precedes b, but not directly
    poset.add_causal_link(a, b)
    assert _ids(matcher.refeed(b, poset)) == [[a.id, b.id]]


def test_a_repeat_regrows_from_the_occurrences_before_the_event() -> None:
    poset = Poset()
    matcher = (A >> B).repeat().matcher()
    a1 = _record(poset, "A")
    matcher.feed(a1, poset)
    a2 = _record(poset, "A")
    matcher.feed(a2, poset)
    b = _record(poset, "B", [a1])
    (first,) = matcher.feed(b, poset)
    assert len(first.occurrences) == 1
    poset.add_causal_link(a2, b)
    (grown,) = matcher.refeed(b, poset)
    assert _ids(list(grown.occurrences)) == [[a1.id, b.id], [a2.id, b.id]]
    assert _ids([first]) == [[a1.id, b.id]]  # the retracted match still reads as it was


def test_a_guard_that_raises_is_counted_once_per_match_after_a_refeed() -> None:
    guarded = (A | B).where(lambda found: found.payload["missing"])
    poset = Poset()
    matcher = guarded.matcher()
    a = _record(poset, "A")
    matcher.feed(a, poset)
    b = _record(poset, "B")
    with pytest.warns(RuntimeWarning, match="treated as a non-match"):
        matcher.feed(b, poset)
    assert guarded.guard_error_count == 1
    poset.add_causal_link(a, b)  # the match is gone, so the guard is not called again
    matcher.refeed(b, poset)
    assert guarded.guard_error_count == 0 and len(guarded.guard_errors) == 0


def test_retract_last_lets_catch_up_feed_the_event_again() -> None:
    poset = Poset()
    matcher = (A >> B).matcher()
    a = _record(poset, "A")
    b = _record(poset, "B")
    matcher.catch_up(poset)
    poset.add_causal_link(a, b)
    matcher.retract_last()
    assert matcher.events_fed == 1
    assert _ids(matcher.catch_up(poset)) == [[a.id, b.id]]


def test_only_the_last_feed_can_be_taken_back() -> None:
    poset = Poset()
    matcher = (A >> B).matcher()
    with pytest.raises(ValueError, match="nothing to retract"):
        matcher.retract_last()
    a = _record(poset, "A")
    b = _record(poset, "B")
    matcher.feed(a, poset)
    matcher.feed(b, poset)
    with pytest.raises(ValueError, match=r"'.*' is not it"):
        matcher.refeed(a, poset)
    matcher.retract_last()
    with pytest.raises(ValueError, match="nothing to retract"):
        matcher.retract_last()

"""Ids a computation numbers itself ("e1", "e2", ...) are found like any other id."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.core import Computation, Event


def test_numbered_events_are_found_by_id_and_as_causes() -> None:
    computation = Computation()
    first = computation.new_event("A")
    second = computation.new_event("B", caused_by=[first])
    third = computation.new_event("C", caused_by=["e2"])
    assert [e.id for e in computation] == ["e1", "e2", "e3"]
    assert computation.get("e2") is second and "e3" in computation and third in computation
    assert computation.seq("e3") == 2 and computation.is_ancestor("e1", third)
    assert computation.causes(third) == {second}
    for absent in ("e0", "e4", "e01", "e+1", "e 1", "e1_0", "e\u0663", "E1", "e", ""):
        assert computation.get(absent) is None and absent not in computation
    with pytest.raises(ValueError, match="'e4'"):
        computation.seq("e4")
    with pytest.raises(ValueError, match="cause 'e9' of event"):
        computation.new_event("D", caused_by=["e9"])


def test_an_id_recorded_by_hand_is_skipped_and_both_kinds_stay_found() -> None:
    computation = Computation()
    computation.new_event("A")
    computation.record(Event("Hand", id="e2"))
    computation.record(Event("Other", id="x"))
    later = computation.new_event("B", caused_by=["e2", "x"])
    assert later.id == "e3"
    again = Event("A", id="e1")  # the same id as the first event: adds links only
    computation.record(again, caused_by=["x"])
    assert len(computation) == 4 and computation.is_ancestor("x", "e1")
    loaded = Computation.from_dict(computation.to_dict())
    assert [e.id for e in loaded] == ["e1", "e2", "x", "e3"]
    assert loaded.new_event("C").id == "e4" and loaded.is_ancestor("e2", "e3")


def test_an_id_of_other_digits_than_ascii_is_an_id_like_any_other() -> None:
    # "e²" passes str.isdigit(); read as a number it stopped the numbering with a
    # ValueError once a computation holding it was loaded.
    computation = Computation()
    computation.record(Event("Hand", id="e\u00b2"))
    computation.record(Event("Hand", id="e\u0663"))
    loaded = Computation.from_dict(computation.to_dict())
    assert loaded.new_event("C").id == "e1"
    assert [e.id for e in loaded] == ["e\u00b2", "e\u0663", "e1"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("new"), st.lists(st.integers(0, 30), max_size=2)),
            st.tuples(st.just("hand"), st.sampled_from(["e1", "e3", "e4", "e10", "y", "e03"])),
        ),
        max_size=25,
    )
)
def test_lookups_agree_with_a_plain_dict(steps) -> None:
    computation = Computation()
    ids: list[str] = []
    for kind, argument in steps:
        if kind == "new":
            causes = sorted({ids[i % len(ids)] for i in argument}) if ids else []
            ids.append(computation.new_event("N", caused_by=causes).id)
        elif argument not in ids:
            computation.record(Event("H", id=argument), caused_by=ids[-1:])
            ids.append(argument)
    assert [e.id for e in computation] == ids
    for position, event_id in enumerate(ids):
        assert computation.seq(event_id) == position
        assert computation.get(event_id).id == event_id  # type: ignore[union-attr]
    for other in ("e0", "e99", "e01", "z"):
        assert (other in computation) == (other in ids)
    assert len(set(ids)) == len(ids)


def test_causes_handed_over_as_events_are_found_however_far_back() -> None:
    # A running system hands causes over as the events it recorded: the event recorded
    # last, or one far back (a pipe's delivered event), past the ids remembered.
    computation = Computation()
    events = [computation.new_emitted("A", {}, "s", [], 0.0)]
    while len(events) < 5000:
        events.append(computation.new_emitted("A", {}, "s", [events[-1]], 0.0))
    hand = [Event("H", id="e0012"), Event("H", id="e\u0663"), Event("H", id="x7")]
    for event in hand:
        computation.record(event, caused_by=[events[-1]])
    copy = Event.from_dict(events[3].to_dict())  # equal to the recorded event, not it
    for causes in (
        [events[10], events[-1]],
        [events[0]],
        [copy],
        [copy, hand[0]],
        [hand[1], events[4999]],
        [hand[2]],
    ):
        made = computation.new_emitted("B", {}, "s", causes, 0.0)
        expected = sorted({computation.seq(c.id) for c in causes})
        assert [computation.seq(c) for c in computation.direct_causes(made)] == expected
    stranger = Event("S", id="e12")  # the id of a recorded event, but another event
    made = computation.new_emitted("B", {}, "s", [stranger], 0.0)
    assert computation.direct_causes(made) == (events[11],)
    with pytest.raises(ValueError, match="cause 'e99999' of event"):
        computation.new_emitted("B", {}, "s", [Event("S", id="e99999"), events[1]], 0.0)

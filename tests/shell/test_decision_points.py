"""A point of the history keeps what its decision did in a compact form that reads back
exactly as it was given: the events recorded, the dispatch started, the children."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rapide_shell.decisions import Decision, Point, Ran, Route, ran_text

START = Point(Decision.start(0, None), None)

ids = st.one_of(
    st.integers(min_value=1, max_value=10_000).map(lambda n: f"e{n}"),
    st.sampled_from(["order-1", "e0", "e01", "E3", "e", ""]),
)


@given(st.lists(ids, max_size=6), st.integers(min_value=0, max_value=10_010))
def test_the_events_a_point_recorded_read_back_as_given(events: list[str], total: int) -> None:
    point = Point(Decision.step(None), START, events=tuple(events), total_events=total)
    assert point.events == tuple(events)
    assert point.total_events == total


@given(st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=200))
def test_ids_numbered_up_to_the_computation_s_size_are_kept_as_a_count(
    count: int, before: int
) -> None:
    total = before + count
    events = tuple(f"e{n}" for n in range(before + 1, total + 1))
    point = Point(Decision.step(None), START, events=events, total_events=total)
    assert point._events == count  # no tuple of ids kept
    assert point.events == events
    shifted = Point(Decision.step(None), START, events=events, total_events=total + 1)
    assert shifted.events == events  # numbered, but not up to the size: kept as given


def test_what_a_step_ran_reads_as_words_and_its_route_is_shared() -> None:
    route = Route("pipe", "Source.item", "sink", 3)
    first = Point(Decision.step(None), START, ran=Ran(12, "e7", route))
    second = Point(Decision.step(None), first, ran=Ran(13, "e8", route))
    assert first.ran == "#12 pipe e7 Source.item -> sink" == ran_text(Ran(12, "e7", route))
    assert second.ran == "#13 pipe e8 Source.item -> sink"
    assert first.connection == second.connection == 3
    assert first._ran is second._ran
    resumed = Point(Decision.step("wake"), second, ran="resumed #4")
    assert (resumed.ran, resumed.connection) == ("resumed #4", None)
    assert (START.ran, START.connection, START.events) == ("", None, ())


def test_children_are_kept_in_the_order_their_decisions_were_taken() -> None:
    parent = Point(Decision.step(None), START)
    kids = [Point(Decision.step(n), parent) for n in (1, 2, 3)]
    assert parent.children == ()
    for count, kid in enumerate(kids, 1):
        parent.add_child(kid)
        assert parent.children == tuple(kids[:count])
    parent.remove_child(kids[1])
    assert parent.children == (kids[0], kids[2])
    parent.remove_child(kids[0])
    assert parent.children == (kids[2],)
    parent.remove_child(kids[2])
    assert parent.children == ()


def test_steps_that_name_no_dispatch_share_their_decision() -> None:
    assert Decision.step(None) is Decision.step(None)
    assert Decision.step("pipe") is Decision.step("pipe")
    assert Decision.step(4) is not Decision.step(4)
    assert Decision.step(4).key == Decision.step(4).key == ("step", 4)

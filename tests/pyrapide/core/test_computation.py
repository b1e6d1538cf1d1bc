"""Computation: recording, deterministic ids, time queries, merge, clocks."""

from __future__ import annotations

import pytest

from pyrapide.core import (
    CausalCycleError,
    Clock,
    ClockManager,
    Computation,
    Event,
    EventSet,
    Poset,
    RegularClock,
    SlavedClock,
    SynchronousClock,
)
from pyrapide.patterns import Pattern


def test_new_event_ids_count_per_computation() -> None:
    first, second = Computation(), Computation()
    a = first.new_event("A.x", {"k": 1}, source="a")
    b = first.new_event("A.y", caused_by=[a], timestamp=3.0, metadata={"m": 1})
    assert (a.id, b.id) == ("e1", "e2")
    assert second.new_event("B.z").id == "e1"
    assert first.is_ancestor(a, b) and b.timestamp == 3.0 and b.metadata == {"m": 1}
    assert first.get("e2") is b and "e1" in first and len(first) == 2


def test_new_event_skips_ids_already_taken() -> None:
    computation = Computation()
    computation.record(Event("user", id="e1"))
    computation.record(Event("user", id="e7"))
    assert computation.new_event("next").id == "e8"
    computation.poset.add(Event("direct", id="e9"))  # bypassing record
    assert computation.new_event("next").id == "e10"


def test_an_emitted_event_is_the_event_new_event_would_record() -> None:
    made, emitted = Computation(), Computation()
    for computation, record in ((made, made.new_event), (emitted, None)):
        first = computation.new_event("A.x", {"k": 1}, source="a")
        computation.poset.add(Event("direct", id="e2"), caused_by=[first])
        if record is not None:
            last = record("A.y", {"k": 2}, source="b", caused_by=[first], timestamp=2.0)
        else:
            last = emitted.new_emitted("A.y", {"k": 2}, "b", [first], 2.0)
        assert last.id == "e3" and list(computation.direct_causes(last)) == [first]
    assert made.get("e3").to_dict() == emitted.get("e3").to_dict()
    assert type(emitted.get("e3")) is Event
    # A clock giving whole numbers, or an empty name, goes through new_event's checks.
    assert emitted.new_emitted("A.z", {}, "b", [], 3).timestamp == 3.0  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="non-empty string"):
        emitted.new_emitted("", {}, "b", [], 4.0)


def test_new_emitted_takes_where_the_first_cause_is_only_when_it_is_there() -> None:
    # A running system hands over where the delivered event was recorded; a position
    # that holds another event, or none, is not taken: the cause is looked up instead.
    computation = Computation()
    first, second, third = (computation.new_event("A.x", {"n": n}) for n in range(3))
    given = {"right": 0, "another event": 1, "past the end": 99, "none": -1}
    for words, at in given.items():
        for causes in ([first], [first, third]):
            event = computation.new_emitted("A.y", {}, "b", list(causes), 1.0, at)
            assert list(computation.direct_causes(event)) == causes, words
    assert second not in computation.ancestors(computation.get("e4"))


def test_ids_continue_past_the_highest_after_load_and_merge(tmp_path) -> None:
    computation = Computation()
    for _ in range(3):
        computation.new_event("tick")
    path = tmp_path / "run.json"
    computation.save(path)
    assert Computation.load(path).new_event("tick").id == "e4"
    other = Computation()
    other.record(Event("tock", id="e5"))
    assert computation.merge(other).new_event("x").id == "e6"


def test_queries_delegate_to_the_poset() -> None:
    computation = Computation()
    root = computation.new_event("Api.request", source="api")
    left = computation.new_event("Db.query", source="db", caused_by=[root])
    right = computation.new_event("Cache.get", source="cache", caused_by=[root])
    join = computation.new_event("Api.reply", source="api", caused_by=[left, right])
    assert list(computation) == [root, left, right, join]
    assert isinstance(computation.events, EventSet) and list(computation.events) == list(
        computation
    )
    assert computation.events_by_name("Db.query") == [left]
    assert computation.events_by_source("api") == [root, join]
    assert list(computation.ancestors(join)) == [root, left, right]
    assert list(computation.descendants(root)) == [left, right, join]
    assert list(computation.causes(join)) == [left, right]
    assert list(computation.effects(root)) == [left, right]
    assert computation.are_independent(left, right)
    assert list(computation.common_ancestors(left, right)) == [root]
    assert list(computation.root_events()) == [root] and list(computation.leaf_events()) == [join]
    assert computation.causal_chain(root, join) in ([root, left, join], [root, right, join])
    assert computation.causal_depth() == 2 and computation.depth(join) == 2
    assert computation.topological_order() == [root, left, right, join]
    assert computation.seq(right) == 2


def test_record_checks_clock_before_recording() -> None:
    computation = Computation()
    with pytest.raises(KeyError, match="no clock named 'nope'"):
        computation.record(Event("x", id="x"), clock="nope")
    assert "x" not in computation
    with pytest.raises(ValueError, match="not in the poset"):
        computation.record(Event("y"), caused_by=["ghost"])
    assert len(computation) == 0


def test_time_queries_use_a_clock_or_the_event_timestamps() -> None:
    clock = SynchronousClock("sim")
    manager = ClockManager()
    manager.register(clock)
    computation = Computation(clock_manager=manager)
    a = Event("a", id="a", timestamp=30.0)
    computation.record(a, clock="sim")
    clock.tick()
    b = Event("b", id="b", timestamp=10.0)
    computation.record(b, clock="sim")
    clock.tick(2)
    c = Event("c", id="c", timestamp=20.0)
    computation.record(c)  # not stamped on the clock
    assert computation.events_since(1.0, "sim") == [b]
    assert computation.events_between(0.0, 1.0, "sim") == [a, b]
    assert computation.events_since(15.0) == [c, a]
    assert computation.events_between(10.0, 20.0) == [b, c]
    with pytest.raises(KeyError):
        computation.events_since(0.0, "nope")


@pytest.mark.parametrize("recorded", [0, 1])
def test_a_time_that_is_no_number_is_refused_by_name(recorded: int) -> None:
    computation = Computation()
    for _ in range(recorded):
        computation.new_event("A", timestamp=1.0)
    # (The compiled build refuses these where the method is called, in mypyc's words.)
    compiled = r"|float object expected; got"
    refused = r"events_since\(\): timestamp must be a number, got str '10'" + compiled
    with pytest.raises(TypeError, match=refused):
        computation.events_since("10")  # type: ignore[arg-type]
    refused = r"events_between\(\): end must be a number, got None" + compiled
    with pytest.raises(TypeError, match=refused):
        computation.events_between(0, None)  # type: ignore[arg-type]
    assert computation.events_between(0, 5) == list(computation)  # an int is a time


def test_merge_unites_events_links_and_clocks() -> None:
    shared = Event("shared", id="shared")
    left, right = Computation(), Computation()
    x = left.new_event("x")
    left.record(shared, caused_by=[x])
    right.record(shared)
    clock = SynchronousClock("right-clock")
    right.clock_manager.register(clock)
    y = Event("y", id="y")
    right.record(y, caused_by=[shared], clock="right-clock")
    merged = left.merge(right)
    assert [e.id for e in merged] == ["e1", "shared", "y"]
    assert merged.is_ancestor(x, y)
    assert merged.clock_manager.get_clock("right-clock") is clock
    assert len(left) == 2 and len(right) == 2  # inputs unchanged


def test_merge_refuses_one_id_for_two_different_events() -> None:
    # Two runs both number their events e1, e2, ...: matched by id, the second run's
    # events would vanish and its links would join the first run's events.
    first, second = Computation(), Computation()
    first.new_event("ping", {"n": 1}, source="a")
    second.new_event("pong", {"n": 1}, source="b")
    with pytest.raises(ValueError, match=r"merge\(\): id 'e1' is ping from 'a' here and "
                                         r"pong from 'b' in the other computation"):
        first.merge(second)
    second = Computation()
    second.record(Event("ping", {"n": 2}, source="a", id="e1", timestamp=first.get("e1").timestamp))
    with pytest.raises(ValueError, match=r"id 'e1' .* differ in payload"):
        first.merge(second)
    same = Computation()
    same.record(first.get("e1"))  # the very event: shared history, merged once
    assert len(first.merge(same)) == 1
    with pytest.raises(TypeError, match=r"Computation.*Poset"):  # compiled: mypyc's words
        first.merge(same.poset)  # type: ignore[arg-type]


def test_merge_refuses_a_combined_cycle() -> None:
    a, b = Event("a", id="a"), Event("b", id="b")
    first, second = Computation(), Computation()
    first.record(a)
    first.record(b, caused_by=[a])
    second.record(b)
    second.record(a, caused_by=[b])
    with pytest.raises(CausalCycleError, match="cycle"):
        first.merge(second)


def test_wraps_a_given_poset() -> None:
    poset = Poset()
    poset.add(Event("p", id="e4"))
    computation = Computation(poset)
    assert computation.poset is poset and computation.new_event("q").id == "e5"


def test_clocks_stamp_start_and_finish() -> None:
    clock = SynchronousClock("c")
    assert clock.read() == 0.0
    event = Event("x")
    stamped = clock.stamp(event, phase="start")
    assert (stamped.event, stamped.time, stamped.clock_name) == (event, 0.0, "c")
    clock.tick(2.5)
    clock.stamp(event, phase="finish")
    assert clock.start_time(event) == 0.0 and clock.finish_time(event) == 2.5
    assert clock.start_time(Event("other")) is None
    with pytest.raises(ValueError, match="phase"):
        clock.stamp(event, phase="middle")
    with pytest.raises(ValueError, match="back in time"):
        clock.tick(-1)


def test_temporal_order_is_by_start_time() -> None:
    clock = SynchronousClock("c")
    late, early = Event("late"), Event("early")
    clock.tick(5)
    clock.stamp(late)
    clock.stamp(early)
    clock._time = 1.0  # rewind by hand to stamp an earlier start
    clock.stamp(early, phase="start")
    assert clock.get_temporal_order() == [early, late]


def test_regular_and_slaved_clocks() -> None:
    regular = RegularClock("r", period=0.5)
    assert (regular.period, regular.accuracy) == (0.5, 1.0)
    regular.auto_tick()
    regular.auto_tick()
    assert regular.read() == 1.0
    slaved = SlavedClock("s", regular, 4)
    regular.tick(1.0)
    assert slaved.read() == 0.5 and slaved.parent is regular and slaved.divisor == 4
    with pytest.raises(ValueError, match="period"):
        RegularClock("bad", period=0)
    with pytest.raises(ValueError, match="divisor"):
        SlavedClock("bad", regular, 0)
    with pytest.raises(NotImplementedError):
        Clock("base").read()


def test_a_clock_given_something_that_is_no_number_says_which_and_what() -> None:
    # Each once failed comparing it with 0: "'>' not supported between ... 'str' and 'int'".
    regular = RegularClock("r", period=1)
    with pytest.raises(TypeError, match=r"^a regular clock's period must be a number, not '1s'$"):
        RegularClock("bad", period="1s")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^a slaved clock's divisor must be a number, not None$"):
        SlavedClock("bad", regular, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^a clock's tick must be a number, not True$"):
        regular.tick(True)
    assert regular.read() == 0.0


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), -1])
def test_a_tick_that_would_leave_no_readable_time_is_refused(amount: float) -> None:
    # A NaN time compares false with everything: every timed pattern and order over
    # the clock would go quietly wrong, and no file could save it.
    clock = SynchronousClock("main")
    with pytest.raises(ValueError, match=r"tick\("):
        clock.tick(amount)
    assert clock.read() == 0.0
    with pytest.raises(ValueError, match="period"):
        RegularClock("r", period=amount)


def test_a_slaved_clock_needs_a_clock_to_follow() -> None:
    with pytest.raises(TypeError, match="a slaved clock follows a Clock, not None"):
        SlavedClock("s", None, 2)  # type: ignore[arg-type]


def test_clock_manager() -> None:
    manager = ClockManager()
    one, two = SynchronousClock("one"), SynchronousClock("two")
    two.tick(7)
    manager.register(one)
    manager.register(two)
    event = Event("x")
    manager.stamp_event(event)  # every clock
    assert one.start_time(event) == 0.0 and two.start_time(event) == 7.0
    other = Event("y")
    manager.stamp_event(other, "two")
    assert one.start_time(other) is None and manager.get_temporal_order("two") == [event, other]
    with pytest.raises(KeyError, match="clocks: 'one', 'two'"):
        manager.get_clock("three")
    replacement = SynchronousClock("one")
    manager.register(replacement)
    assert manager.get_clock("one") is replacement and len(manager) == 2
    assert "two" in manager and [c.name for c in manager.clocks] == ["one", "two"]


def test_a_wrapped_poset_gives_its_counter_ids_back_only_when_needed() -> None:
    poset = Poset()
    poset.add(Event("old", id="e41"))
    poset.add(Event("other", id="x-9"))
    computation = Computation(poset)
    computation.record(Event("kept", id="e3"))  # below the highest: no effect
    assert computation.new_event("next", caused_by="e41").id == "e42"
    computation.record(Event("jump", id="e100"))
    assert computation.new_event("next").id == "e101"


def test_direct_causes_and_effects_of_a_computation() -> None:
    computation = Computation()
    a = computation.new_event("A")
    b = computation.new_event("B")
    c = computation.new_event("C", caused_by=[b, a])
    assert computation.direct_causes(c) == (a, b)
    assert computation.direct_effects("e1") == (c,) and computation.direct_effects(c) == ()


@pytest.mark.parametrize(
    ("ask", "said"),
    [
        (lambda c: c.events_by_name(Pattern.match("Api.request")),
         r"events_by_name: name must be a string, got BasicPattern"),
        (lambda c: c.events_by_source(None), r"events_by_source: source must be a string, got "
                                             r"None"),
        (lambda c: c.poset.filter_by_name(5), r"filter_by_name: name must be a string, got int 5"),
        (lambda c: c.poset.filter_by_source(["api"]),
         r"filter_by_source: source must be a string, got list \['api'\]"),
    ],
)
def test_asking_for_events_by_a_name_or_source_that_is_no_text_says_so(ask, said) -> None:
    # A pattern or a number given for a name matched nothing: an empty answer, no reason.
    # (The compiled build refuses these where the method is called, in mypyc's words.)
    computation = Computation()
    computation.new_event("Api.request", source="api")
    with pytest.raises(TypeError, match=rf"{said}|str object expected; got"):
        ask(computation)


def test_a_computation_made_or_saved_with_arguments_of_another_kind_names_them(tmp_path) -> None:
    # Computation(5) failed with "object of type 'int' has no len()", and save(5) or
    # load(None) with Python's "expected str, bytes or os.PathLike object".
    # (The compiled build refuses these where the method is called, in mypyc's words.)
    compiled = r"|expected; got"
    with pytest.raises(TypeError, match=r"Computation\(\): poset must be a Poset or None, got "
                                        r"int" + compiled):
        Computation(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"clock_manager must be a ClockManager or None, got str"
                                        + compiled):
        Computation(Poset(), "clocks")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"save\(\): path must be a file path \(a str or "
                                        r"os.PathLike\), got int 5" + compiled):
        Computation().save(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"load\(\): path must be a file path .*, got None"
                                        + compiled):
        Computation.load(None)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []

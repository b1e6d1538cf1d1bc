"""The evaluator: what each operator matches, on small posets built by hand."""

from __future__ import annotations

import functools
import warnings

import pytest

from pyrapide.core import Computation, Event, Poset
from pyrapide.patterns import (
    BasicPattern,
    Pattern,
    PatternMatch,
    Placeholder,
    UnboundPlaceholderWarning,
    parse_pattern,
    placeholder,
)
from pyrapide.patterns.condition import Comparison
from pyrapide.patterns.engine import match_all
from pyrapide.patterns.match import GrowingMatch


def ids(matches):
    return [[event.id for event in found.events] for found in matches]


@pytest.fixture
def diamond():
    """a1 -> b1 -> b2 <- a2 ; c independent of everything."""
    poset = Poset()
    a1 = Event("A", {"k": 1}, id="a1", source="api")
    a2 = Event("A", {"k": 2}, id="a2", source="api")
    b1 = Event("B", {"k": 1}, id="b1", source="db")
    b2 = Event("B", {"k": 2}, id="b2", source="db")
    c = Event("C", {"k": 1}, id="c")
    poset.add(a1)
    poset.add(a2)
    poset.add(b1, caused_by=[a1])
    poset.add(b2, caused_by=[b1, a2])
    poset.add(c)
    return poset


def both_ways(pattern, poset):
    """match_in, after checking the incremental matcher reports the same, once each."""
    batch = pattern.match_in(poset)
    matcher = pattern.matcher()
    fed = [found for event in poset for found in matcher.feed(event, poset)]
    assert sorted(map(repr, fed)) == sorted(map(repr, batch))
    return batch


A = Pattern.match("A")
B = Pattern.match("B")
k = placeholder("k")


def test_basic_pattern_matches_by_name_source_and_fields(diamond):
    assert ids(both_ways(A, diamond)) == [["a1"], ["a2"]]
    assert ids(both_ways(Pattern.match("*", k=1), diamond)) == [["a1"], ["b1"], ["c"]]
    assert ids(both_ways(Pattern.match("*", source="db"), diamond)) == [["b1"], ["b2"]]
    assert ids(both_ways(Pattern.match("A", missing=1), diamond)) == []


def test_field_values_compare_as_json_values():
    poset = Poset()
    poset.add(Event("E", {"flag": True}, id="t"))
    poset.add(Event("E", {"flag": 1.0}, id="one"))
    assert ids(Pattern.match("E", flag=1).match_in(poset)) == [["one"]]
    assert ids(Pattern.match("E", flag=True).match_in(poset)) == [["t"]]


def test_placeholders_bind_field_and_source_values(diamond):
    found = both_ways(Pattern.match("A", source=placeholder("s"), k=k), diamond)
    assert [m.bindings for m in found] == [{"s": "api", "k": 1}, {"s": "api", "k": 2}]


def test_a_placeholder_used_twice_in_one_event_must_meet_equal_values():
    poset = Poset()
    poset.add(Event("P", {"x": 1, "y": 1}, id="same"))
    poset.add(Event("P", {"x": 1, "y": 2}, id="different"))
    v = placeholder("v")
    assert ids(Pattern.match("P", x=v, y=v).match_in(poset)) == [["same"]]


def test_sequence_relates_causally_ordered_events_with_agreeing_placeholders(diamond):
    assert ids(both_ways(A >> B, diamond)) == [["a1", "b1"], ["a1", "b2"], ["a2", "b2"]]
    agreeing = both_ways(Pattern.match("A", k=k) >> Pattern.match("B", k=k), diamond)
    assert ids(agreeing) == [["a1", "b1"], ["a2", "b2"]]
    assert [m.bindings for m in agreeing] == [{"k": 1}, {"k": 2}]
    assert A.then(B) == A >> B


def test_sequence_of_composites_requires_every_left_event_before_every_right_one(diamond):
    c_after = Pattern.match("C")
    assert both_ways((A >> B) >> c_after, diamond) == []
    chain = both_ways((A >> B) >> Pattern.match("B"), diamond)
    assert ids(chain) == [["a1", "b1", "b2"]]


def test_then_immediately_needs_a_direct_cause(diamond):
    assert ids(both_ways(A.then_immediately(B), diamond)) == [["a1", "b1"], ["a2", "b2"]]


def test_join_needs_a_common_strict_ancestor(diamond):
    # b1 and b2 share the ancestor a1; a1 is no strict ancestor of itself.
    assert ids(both_ways(B & B, diamond)) == [["b1", "b2"]]
    assert both_ways(A & B, diamond) == []


def test_independence_needs_no_causal_order_either_way(diamond):
    found = ids(both_ways(Pattern.match("*") | Pattern.match("C"), diamond))
    assert found == [["a1", "c"], ["a2", "c"], ["b1", "c"], ["b2", "c"]]
    assert ids(both_ways(A | B, diamond)) == [["a2", "b1"]]


def test_one_event_never_serves_both_sides(diamond):
    anything = Pattern.match("*")
    assert all(len(set(m.events)) == len(m.events) for m in both_ways(anything | anything, diamond))
    assert all(len(m.events) == 2 for m in both_ways(anything & anything, diamond))


def test_or_and_union_give_either_sides_matches_once(diamond):
    assert ids(both_ways(A.or_(B), diamond)) == [["a1"], ["a2"], ["b1"], ["b2"]]
    assert A.union(B) == A.or_(B)
    assert ids(both_ways(A.or_(A), diamond)) == [["a1"], ["a2"]]


def test_where_guards_over_the_event_or_over_the_match(diamond):
    over_event = A.where(lambda e: e.payload.get("k") == 2)
    over_match = Pattern.match("A", k=k).where(lambda m: m.bindings["k"] == 1)
    assert ids(both_ways(over_event, diamond)) == [["a2"]]
    assert ids(both_ways(over_match, diamond)) == [["a1"]]


def test_a_guard_that_raises_is_a_non_match_and_is_recorded(diamond):
    guarded = Pattern.match("*").where(lambda m: 1 / (m.payload["k"] - 1) > 0)
    with pytest.warns(RuntimeWarning, match="ZeroDivisionError"):
        found = guarded.match_in(diamond)
    assert ids(found) == [["a2"], ["b2"]]
    assert guarded.guard_error_count == 3
    failed_match, error = guarded.guard_errors[0]
    assert failed_match.id == "a1" and isinstance(error, ZeroDivisionError)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once per pattern, not per event
        assert ids(both_ways(guarded, diamond)) == [["a2"], ["b2"]]


def test_a_matcher_told_not_to_warn_records_guard_errors_silently(diamond):
    guarded = Pattern.match("*").where(lambda m: 1 / (m.payload["k"] - 1) > 0)
    matcher = guarded.matcher(warn_guard_errors=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fed = [found for event in diamond for found in matcher.feed(event, diamond)]
    assert ids(fed) == [["a2"], ["b2"]]
    assert guarded.guard_error_count == 3
    # Over the whole poset at once, the same choice is match_all's to make.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ids(match_all(guarded, diamond, warn_guard_errors=False)) == [["a2"], ["b2"]]
    assert guarded.guard_error_count == 6
    # The silent matcher's choice is its own: matched elsewhere, the pattern still warns.
    with pytest.warns(RuntimeWarning, match="ZeroDivisionError"):
        guarded.match_in(diamond)


def test_condition_guards_read_bindings_and_treat_unbound_as_false(diamond):
    bigger = Pattern.match("*", k=k).where(Comparison(k, ">", 1))
    assert ids(both_ways(bigger, diamond)) == [["a2"], ["b2"]]
    with pytest.warns(UnboundPlaceholderWarning, match=r"nothing in A binds \?nope"):
        unbound = A.where(Comparison(placeholder("nope"), "==", 1))
    assert both_ways(unbound, diamond) == []


def test_condition_guards_order_values_as_json_compares_them():
    # `==` holds as JSON's equality does: true is not 1, a tuple is an array. Ordering
    # followed Python instead, so `?k > 0` held for true (and `?k >= 1 and ?k <= 1` for
    # true though `?k == 1` did not), and a tuple could not be ordered with a list.
    poset = Poset()
    for number, value in enumerate([1, True, False, 1.5, (1, 2), [True]]):
        poset.add(Event("A", {"k": value}, id=f"a{number}"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the guard raises on what it skips
        positive = parse_pattern("A(k=?k) where ?k > 0")
        assert ids(both_ways(positive, poset)) == [["a0"], ["a3"]]
        between = parse_pattern("A(k=?k) where ?k >= 1 and ?k <= 1")
        assert ids(both_ways(between, poset)) == ids(
            both_ways(parse_pattern("A(k=?k) where ?k == 1"), poset)
        ) == [["a0"]]
        assert ids(both_ways(parse_pattern("A(k=?k) where ?k > false"), poset)) == [["a1"]]
        assert ids(both_ways(parse_pattern("A(k=?k) where ?k < [1, 3]"), poset)) == [["a4"]]
    _, error = positive.guard_errors[0]
    assert str(error) == "true cannot be ordered with 0: a boolean is no number"


def test_timed_keeps_matches_within_the_bounds():
    poset = Poset()
    first = Event("A", id="a", timestamp=10.0)
    poset.add(first)
    poset.add(Event("B", id="b", timestamp=13.0), caused_by=[first])
    poset.add(Event("B", id="late", timestamp=30.0), caused_by=[first])
    sequence = A >> B
    assert ids(both_ways(sequence.timed(None, max_duration=5), poset)) == [["a", "b"]]
    assert ids(both_ways(B.timed(None, after=20), poset)) == [["late"]]
    assert ids(both_ways(B.timed(None, before=20), poset)) == [["b"]]


def test_timed_reads_times_from_a_clock_that_stamped_the_events():
    class Clock:
        def start_time(self, event):
            return {"a": 0.0, "b": 100.0}.get(event.id)

    poset = Poset()
    first = Event("A", id="a", timestamp=1.0)
    poset.add(first)
    poset.add(Event("B", id="b", timestamp=2.0), caused_by=[first])
    assert (A >> B).timed(Clock(), max_duration=5).match_in(poset) == []
    assert len((A >> B).timed(None, max_duration=5).match_in(poset)) == 1


def test_repeat_reports_the_growing_set_of_occurrences(diamond):
    found = both_ways(Pattern.match("*", k=k).repeat(), diamond)
    assert ids(found)[-1] == ["a1", "a2", "b1", "b2", "c"]
    assert [len(m.events) for m in found] == [1, 2, 3, 4, 5]
    assert found[-1].bindings == {"k": [1, 2, 1, 2, 1]}
    assert [o.id for o in found[-1].occurrences] == ["a1", "a2", "b1", "b2", "c"]
    assert both_ways(Pattern.match("Z").repeat(), diamond) == []


def test_a_repeat_match_read_by_its_last_event_first_gathers_its_events() -> None:
    # A repeat's match builds its events when first read: its event, payload and the
    # rest answer for the last occurrence even before ``events`` was asked for.
    first, second = Event("A", {"k": 1}, id="a1"), Event("B", {"k": 2}, id="b1")
    order = {first: 1, second: 2}
    occurrences = [PatternMatch((first,)), PatternMatch((second,))]
    expected = {
        "event": second,
        "name": "B",
        "payload": {"k": 2},
        "source": second.source,
        "id": "b1",
        "timestamp": second.timestamp,
        "metadata": second.metadata,
    }
    for read, value in expected.items():
        gathered = GrowingMatch(occurrences, 2, order.__getitem__)  # nothing built yet
        assert getattr(gathered, read) == value, read
    assert GrowingMatch(occurrences, 1, order.__getitem__).payload == {"k": 1}


def test_a_repeat_matched_over_a_whole_poset_gathers_no_match_it_reports(monkeypatch) -> None:
    # match_in put the matches in completion order by reading each one's events, which
    # built every growing match: n occurrences cost n^2 (4,000 events took 3.6 s, where
    # feeding them took 6 ms). Now, as fed, a match is gathered only when it is read.
    built: list[GrowingMatch] = []
    gather = GrowingMatch._build

    def counted(self: GrowingMatch) -> None:
        built.append(self)
        gather(self)

    monkeypatch.setattr(GrowingMatch, "_build", counted)
    poset, last = Poset(), None
    for number in range(50):
        event = Event("A", {"k": number})
        poset.add(event, caused_by=last)
        last = event
    found = Pattern.match("A", k=k).repeat().match_in(poset)
    assert len(found) == 50 and built == []
    assert [found[3].event.payload["k"], found[-1].event.payload["k"]] == [3, 49] and built == []
    assert len(found[-1].events) == 50 and found[-1].bindings == {"k": list(range(50))}


def test_asking_what_an_earlier_event_completed_gathers_no_repeat_match(monkeypatch) -> None:
    # The rescan (an event asked about after later ones were fed) kept the matches whose
    # events[-1] was the event, which gathered every growing match of the repeat.
    from pyrapide.patterns.completion import CompletionFinder

    built: list[GrowingMatch] = []
    gather = GrowingMatch._build

    def counted(self: GrowingMatch) -> None:
        built.append(self)
        gather(self)

    monkeypatch.setattr(GrowingMatch, "_build", counted)
    poset, events = Poset(), []
    for number in range(30):
        event = Event("A", {"k": number})
        poset.add(event, caused_by=events[-1] if events else None)
        events.append(event)
    finder = CompletionFinder(Pattern.match("A").repeat())
    assert [found.event for found in finder.completed_by(events[-1], poset)] == [events[-1]]
    (found,) = finder.completed_by(events[9], poset)  # asked after later ones: a rescan
    assert found.event is events[9] and built == []
    assert len(found.events) == 10


def test_a_guard_reading_a_repeat_match_by_its_last_event_gathers_nothing(monkeypatch) -> None:
    # A guard over a repeat (`A+ where payload ...`) read each match's payload, which
    # gathered the match's events first: quadratic in the occurrences, 235 us an event
    # at 4,000 against 1.6 fed without the gathering. What it reads is the last event's.
    built: list[GrowingMatch] = []
    gather = GrowingMatch._build

    def counted(self: GrowingMatch) -> None:
        built.append(self)
        gather(self)

    monkeypatch.setattr(GrowingMatch, "_build", counted)
    poset, last = Poset(), None
    for number in range(50):
        event = Event("A", {"k": number}, source="api")
        poset.add(event, caused_by=last)
        last = event
    read = []
    guarded = Pattern.match("A").repeat().where(
        lambda m: read.append((m.name, m.source, m.id, m.timestamp, m.metadata))
        or m.payload["k"] % 10 == 9
    )
    matcher = guarded.matcher()
    fed = [found for event in poset for found in matcher.feed(event, poset)]
    assert [found.payload["k"] for found in fed] == [9, 19, 29, 39, 49] and built == []
    assert read[-1] == ("A", "api", last.id, last.timestamp, last.metadata) and len(read) == 50
    assert [len(found.events) for found in fed] == [10, 20, 30, 40, 50]


def test_prebound_placeholders_filter_and_are_reported(diamond):
    found = Pattern.match("*", k=k).match_in(diamond, bindings={"k": 2})
    assert ids(found) == [["a2"], ["b2"]]
    assert all(m.bindings == {"k": 2} for m in found)


def test_a_match_of_one_event_reads_like_that_event(diamond):
    (found,) = A.where(lambda e: e.id == "a1").match_in(diamond)
    assert (found.event.id, found.id, found.name, found.source) == ("a1", "a1", "A", "api")
    assert found.payload == {"k": 1}
    pair = (A >> B).match_in(diamond)[0]
    assert pair.event is pair.events[-1] and pair.id == "b1"


def test_pattern_match_is_a_value(diamond):
    a1 = diamond.get("a1")
    assert PatternMatch((a1,), {"k": 1}) == PatternMatch([a1], {"k": 1})
    assert PatternMatch((a1,), {"k": 1}) != PatternMatch((a1,), {"k": 2})
    assert len({PatternMatch((a1,), {"v": [1]}), PatternMatch((a1,), {"v": [1]})}) == 1


def test_matching_a_computation_and_feeding_from_it():
    computation = Computation()
    request = computation.new_event("Req")
    computation.new_event("Res", caused_by=[request])
    pattern = Pattern.match("Req") >> Pattern.match("Res")
    assert ids(pattern.match_in(computation)) == [["e1", "e2"]]
    matcher = pattern.matcher()
    assert [m for e in computation for m in matcher.feed(e, computation)] == pattern.match_in(
        computation
    )


def test_patterns_are_structural_values():
    guard = lambda m: True  # noqa: E731 - one object, compared by identity
    assert Pattern.match("A", k=1, j=k) == Pattern.match("A", j=placeholder("k"), k=1)
    assert hash(Pattern.match("A", k=1)) == hash(BasicPattern("A", {"k": 1}))
    assert Pattern.match("A", k=1) != Pattern.match("A", k=True)
    assert A >> B != B >> A
    assert A.where(guard) == A.where(guard)
    assert A.where(guard) != A.where(lambda m: True)
    assert {A >> B: 1}[Pattern.match("A") >> Pattern.match("B")] == 1


def test_event_names_say_what_a_pattern_can_match():
    assert A.event_names() == frozenset({"A"})
    assert ((A >> B).or_(A.repeat()).where(lambda m: True)).event_names() == {"A", "B"}
    assert (A & Pattern.match("*")).event_names() is None
    assert parse_pattern("X.y -> Z.w || Q").event_names() == {"X.y", "Z.w", "Q"}


def test_placeholder_names_collect_what_a_match_may_bind():
    pattern = Pattern.match("A", k=k, source=placeholder("s")) >> Pattern.match("B", j=k)
    assert pattern.placeholder_names() == {"k", "s"}


def test_bad_operands_and_arguments_get_clear_errors():
    with pytest.raises(TypeError, match="unsupported operand"):
        A >> "B"
    with pytest.raises(TypeError, match="needs a Pattern"):
        A.then("B")
    with pytest.raises(TypeError, match="callable"):
        A.where(3)
    with pytest.raises(ValueError, match="identifier"):
        Placeholder("not a name")
    with pytest.raises(ValueError, match="event name"):
        Pattern.match("")
    with pytest.raises(TypeError, match="number"):
        A.timed(None, max_duration="5")


def test_a_matcher_started_late_catches_up_then_feeds(diamond):
    pattern = A >> B
    matcher = pattern.matcher()
    caught_up = matcher.catch_up(diamond)
    assert ids(caught_up) == ids(pattern.match_in(diamond))
    assert matcher.events_fed == len(diamond)
    late = Event("B", id="late")
    diamond.add(late, caused_by=["a2"])
    assert ids(matcher.feed(late, diamond)) == [["a2", "late"]]
    assert matcher.catch_up(diamond) == []


def test_catch_up_after_feeding_only_the_events_that_can_match(diamond):
    pattern = B & B
    matcher = pattern.matcher()
    names = pattern.event_names()
    # a1 and a2 are skipped; catch_up resumes after b2, the last event fed.
    fed = [m for e in list(diamond)[:4] if e.name in names for m in matcher.feed(e, diamond)]
    assert matcher.events_fed == 2
    assert ids(fed + matcher.catch_up(diamond)) == ids(pattern.match_in(diamond)) == [["b1", "b2"]]
    assert matcher.events_fed == 3


def test_placeholders_and_patterns_survive_pickling():
    import pickle

    pattern = parse_pattern("A(k=?k) -> B(k=?k) where ?k > 1")
    assert pickle.loads(pickle.dumps(pattern)) == pattern
    assert pickle.loads(pickle.dumps(k)) == k


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"max_duration": -1}, "max_duration=-1 is negative"),
        ({"max_duration": float("nan")}, "max_duration=nan is not a number"),
        ({"before": float("nan")}, "before=nan is not a number"),
        ({"max_duration": True}, "must be a number, got True"),
        ({"after": 5, "before": 1}, "after=5 is later than before=1: nothing could match"),
    ],
)
def test_timing_bounds_that_no_match_could_meet_are_refused(arguments, words):
    with pytest.raises((TypeError, ValueError), match=words):
        A.timed(None, **arguments)


def test_a_clock_that_gives_no_times_is_refused():
    # A clock's name, say, would be ignored: every match would be timed by timestamps.
    with pytest.raises(TypeError, match=r"timed\(\) takes a clock with start_time\(event\)"):
        A.timed("main", max_duration=5)
    assert A.timed(None, before=float("inf")).match_in(Poset()) == []  # no bound: allowed


@pytest.mark.parametrize("source", [[Event("A")], None, "A", 5])
def test_matching_in_what_is_not_a_poset_says_what_it_takes(source):
    with pytest.raises(TypeError, match=r"takes a Poset or a Computation, got"):
        A.match_in(source)
    if source is not None:
        with pytest.raises(TypeError, match=r"takes a Poset or a Computation, got"):
            A.matcher().feed(Event("A"), source)


def test_a_name_with_a_star_matches_every_name_the_star_completes():
    poset = Poset()
    reading = Event("Sensor.reading", {"level": 7}, id="r")
    fault = Event("Sensor.fault", {"level": 0}, id="f", source="probe")
    poset.add(reading)
    poset.add(fault, caused_by=[reading])
    poset.add(Event("Sensorless", id="x"))
    poset.add(Event("Valve.error", id="v"))
    assert ids(both_ways(Pattern.match("Sensor.*"), poset)) == [["r"], ["f"]]
    assert ids(both_ways(Pattern.match("*.error"), poset)) == [["v"]]
    assert ids(both_ways(Pattern.match("Sensor.*", level=7), poset)) == [["r"]]
    assert ids(both_ways(Pattern.match("Sensor.*", source="probe"), poset)) == [["f"]]
    assert ids(both_ways(Pattern.match("Sensor.*") >> Pattern.match("S*.fault"), poset)) == [
        ["r", "f"]
    ]
    # Every other character stands for itself: a dot is a dot, not "any character".
    assert ids(both_ways(Pattern.match("Sensor*reading"), poset)) == [["r"]]
    assert ids(both_ways(Pattern.match("Sensor?reading"), poset)) == []
    assert Pattern.match("Sensor.*").event_names() is None
    assert Pattern.match("Sensor.*").fewest_events() == 1


@pytest.mark.parametrize(
    ("test", "given"),
    [
        (lambda v: v > 5, "function '<lambda>'"),
        (abs, "function 'abs'"),
        (functools.partial(max, 5), "partial functools.partial(<built-in function max>, 5)"),
    ],
)
def test_a_function_as_a_fields_value_is_refused_with_what_to_write(test, given):
    with pytest.raises(TypeError) as refused:
        Pattern.match("Sensor.reading", value=test)
    message = str(refused.value)
    assert f"Pattern.match('Sensor.reading', value=...) was given {given} as the value " in message
    assert "a field matches a value (or a placeholder), not a test" in message
    assert "Pattern.match('Sensor.reading').where(lambda e: test(e.payload[\"value\"]))" in message
    # A placeholder stays a field's way to bind.
    assert Pattern.match("Sensor.reading", value=placeholder("v")).placeholder_names() == {"v"}


def test_a_class_as_a_fields_value_is_a_value_compared_as_one():
    poset = Poset()
    poset.add(Event("E", {"kind": int}, id="i"))
    poset.add(Event("E", {"kind": str}, id="s"))
    assert ids(both_ways(Pattern.match("E", kind=str), poset)) == [["s"]]


def test_a_pattern_read_inside_a_component_names_its_sources_by_path():
    from pyrapide.patterns.operators import scoped_pattern

    poset = Poset()
    inner = Event("Bell.rang", id="inner", source="belfry.left")
    outer = Event("Bell.rang", id="outer", source="left")
    heard = Event("Hall.heard", id="heard", source="belfry.hall")
    poset.add(inner)
    poset.add(outer)
    poset.add(heard, caused_by=[inner, outer])
    text = '((Bell.rang from "left" -> Hall.heard from "hall")+ or Bell.rang from ?s) where ?n == 1'
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnboundPlaceholderWarning)
        pattern = parse_pattern(text)
    read = scoped_pattern(pattern, "belfry")
    assert str(read) == (
        '(Bell.rang from "belfry.left" -> Hall.heard from "belfry.hall")+ '
        "or Bell.rang from ?s where ?n == 1"
    )
    # As the matcher of that scope reads the pattern, over a whole poset too.
    sequence = parse_pattern('Bell.rang from "left" -> Hall.heard from "hall"')
    scoped = scoped_pattern(sequence, "belfry")
    assert ids(scoped.match_in(poset)) == [["inner", "heard"]]
    matcher = sequence.matcher(scope="belfry")
    assert ids([m for e in poset for m in matcher.feed(e, poset)]) == [["inner", "heard"]]
    # A pattern naming no source, or read at the outermost level, is itself.
    plain = parse_pattern("Bell.rang -> Hall.heard from ?s")
    assert scoped_pattern(plain, "belfry") is plain
    assert scoped_pattern(sequence, "") is sequence


def test_a_field_holding_a_str_enum_member_matches_its_value():
    # A payload may hold a StrEnum's member (a str, written to JSON as its value).
    # Pattern.match("A", kind="query") and Pattern.match("A", kind=Kind.QUERY) are one
    # pattern (equal, printed alike), yet the first matched only a plain str: a
    # connection on kind="query" never fired for an event emitted with Kind.QUERY,
    # and did once the computation was saved and loaded.
    import enum

    class Kind(enum.StrEnum):
        QUERY = "query"

    poset = Poset()
    event = Event("A", {"kind": Kind.QUERY}, id="a")
    poset.add(event)
    by_value = Pattern.match("A", kind="query")
    assert by_value == Pattern.match("A", kind=Kind.QUERY)
    by_text = parse_pattern('A(kind="query")')
    for pattern in (by_value, by_text, Pattern.match("A", kind=Kind.QUERY)):
        assert ids(pattern.match_in(poset)) == [["a"]]
        assert ids(pattern.matcher().feed(event, poset)) == [["a"]]
    assert Pattern.match("A", kind="other").match_in(poset) == []

"""Constraints over a sliding window against a brute-force oracle: each window checked whole.

A StreamProcessor with a small window (it slides several times) is fed a random
stream; the oracle is the same stream checked by a monitor over the whole
computation, and each window the processor held, checked as a whole computation.
The window may miss what needs an event it dropped, never what one window holds,
and reports only what a window or the whole run holds.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide import Event, InMemoryEventSource, Pattern, StreamProcessor
from pyrapide.constraints import (
    Constraint,
    ConstraintMonitor,
    ConstraintViolation,
    constraint,
    every,
    must_match,
    never,
)
from pyrapide.constraints.filters import filtered_computation
from pyrapide.constraints.violation import violation_key
from pyrapide.core import Computation
from tests.pyrapide.patterns.strategies import posets, unrepeated_patterns

pytestmark = pytest.mark.filterwarnings("ignore:guard of pattern:RuntimeWarning")

Stream = list[tuple[Event, list[Event]]]


def stream_of(poset: Any) -> Stream:
    return [(event, list(poset.causes(event))) for event in poset]


@dataclass
class Windowed:
    """What a StreamProcessor delivered: each violation with when and how."""

    delivered: list[tuple[int, str, ConstraintViolation]] = field(default_factory=list)

    def keys(self, *stages: str) -> set[Any]:
        return {violation_key(v) for _, stage, v in self.delivered if stage in stages}

    def first_index(self) -> dict[Any, int]:
        first: dict[Any, int] = {}
        for index, _, violation in self.delivered:
            first.setdefault(violation_key(violation), index)
        return first


def run_windowed(stream: Stream, rules: list[Constraint], window: int) -> Windowed:
    """Feed ``stream`` to a StreamProcessor: ``delivered`` holds (index of the event in
    hand, stage, violation); the stage is "slide" (found when the window slid, before
    the event was recorded), "event" (found by the event) or "end"."""
    result = Windowed()

    async def drive() -> None:
        source = InMemoryEventSource("s")
        processor = StreamProcessor()
        processor.add_source("s", source)
        for rule in rules:
            processor.enforce(rule)
        # The window an event was recorded in: a slide replaces it before the next one.
        recorded_in = [processor.computation]
        processor.on_event(lambda event: recorded_in.__setitem__(0, processor.computation))
        found: list[tuple[int, bool, ConstraintViolation]] = []

        def delivered(violation: ConstraintViolation) -> None:
            slid = processor.computation is not recorded_in[0]
            in_hand = processor.stats["event_count"] - (0 if slid else 1)
            found.append((in_hand, slid, violation))

        processor.on_violation(delivered)
        for event, causes in stream:
            source.put_nowait(event, causes)
        await source.close()
        await asyncio.wait_for(processor.run(window_size=window), 10)
        assert processor.errors == []
        ending = {violation_key(v) for v in processor.monitor.finish()}
        for in_hand, slid, violation in found:
            stage = "end" if violation_key(violation) in ending else "slide" if slid else "event"
            result.delivered.append((in_hand, stage, violation))

    asyncio.run(drive())
    return result


def windows(stream: Stream, size: int) -> list[Computation]:
    """The window a StreamProcessor of ``size`` holds once each event is recorded."""
    held: list[tuple[Event, list[Event]]] = []
    found = []
    for item in stream:
        if len(held) >= size:
            held = held[max(1, size // 4) :]
        held.append(item)
        window = Computation()
        for event, causes in held:
            window.record(event, caused_by=[c for c in causes if c in window] or None)
        found.append(window)
    return found


def whole_run(stream: Stream, rule: Constraint) -> tuple[set[Any], set[Any]]:
    """The whole computation's violations: those found event by event, those at the end."""
    monitor = ConstraintMonitor([rule])
    computation = Computation()
    during: set[Any] = set()
    for event, causes in stream:
        computation.record(event, caused_by=causes or None)
        during.update(violation_key(v) for v in monitor.observe(event, computation))
    ending = {violation_key(v) for v in monitor.finish()}
    assert during | ending == {violation_key(v) for v in rule.check(computation)}
    return during, ending


def by_type(keys: set[Any], kind: str) -> set[Any]:
    return {key for key in keys if key[1] == kind}


def compare(stream: Stream, make_rule: Any, size: int, late: bool = False) -> None:
    """Check one constraint over ``stream`` in a window of ``size`` against the oracle.

    ``late``: the constraint's filter lets events through late, through matches that
    may leave the window before the rule's own matches do; then a trigger the window
    reports unanswered may have had an answer the window could not let through.
    """
    got = run_windowed(stream, [make_rule()], size)
    during, ending = whole_run(stream, make_rule())
    whole = during | ending
    held = windows(stream, size)
    per_window = [{violation_key(v) for v in make_rule().check(w)} for w in held]
    reported = got.keys("slide", "event", "end")
    assert len(got.delivered) == len(reported)  # nothing twice
    # Forbidden matches: every one a window holds is reported, by the event that
    # completes it in that window at the latest, and only those (or ones the whole
    # run holds: an event a filter let through stays through).
    held_anywhere = set().union(*per_window)
    forbidden = by_type(reported, "never_violated")
    assert forbidden <= by_type(held_anywhere | whole, "never_violated")
    first = got.first_index()
    for index, found in enumerate(per_window):
        for key in by_type(found, "never_violated"):
            assert key in forbidden and first[key] <= index
    assert forbidden == by_type(got.keys("event"), "never_violated")
    # A requirement met in any window is met (one reported unmet is unmet in every
    # window), reported when the run ends; unmet in the whole run, it is unmet.
    unmet = by_type(reported, "must_match_failed")
    for found in per_window:
        assert unmet <= by_type(found, "must_match_failed")
    assert unmet <= got.keys("end")
    assert by_type(whole, "must_match_failed") <= unmet
    # Obligations: each reported one is a trigger the whole run leaves unanswered or
    # one whose events the window dropped before its answer came; every one a window
    # held and the whole run leaves unanswered is reported.
    unanswered = by_type(reported, "leads_to_unanswered")
    for index, stage, violation in got.delivered:
        key = violation_key(violation)
        if key[1] != "leads_to_unanswered":
            continue
        # Unanswered in a window that held it (or in the whole run: what let the trigger
        # through, a filter's match or a common ancestor for &, may have left since).
        assert late or key in whole.union(*per_window[: index + 1])
        if stage == "slide":
            assert not all(e in held[index] for e in violation.matched_events)
        else:
            assert stage == "end"
    for found in per_window:
        assert by_type(found, "leads_to_unanswered") & by_type(whole, "leads_to_unanswered") <= (
            unanswered
        )


def filtered(filter_pattern: Any, rule: Any) -> Any:
    """A constraint class of one rule whose events ``filter_pattern`` selects."""

    def make() -> Any:
        @constraint
        class Filtered:
            filter = filter_pattern

            def define(self) -> None:
                rule()

        return Filtered()

    return make


A, B = Pattern.match("A"), Pattern.match("B")
# Each way a constraint class selects its events: by name, by a field or the source,
# by a predicate, by an alphabet of names; each decides on an event when it arrives.
at_once = st.sampled_from(
    [
        A,
        Pattern.match("*", k=1),
        Pattern.match("*", source="s"),
        Pattern.match("*").where(lambda match: match.payload.get("k") == 0),
        A.or_(B),
    ]
)
# Patterns of several events let an event through only once a later one arrives.
later = st.one_of(
    st.sampled_from([A >> B, B >> A, A >> Pattern.match("*"), A | B, A & B, A.then_immediately(B)]),
    unrepeated_patterns,
)
# Rule patterns: a few plain ones, often drawn, and any but repetition (see strategies).
rule_patterns = st.one_of(
    st.sampled_from([A, B, A >> B, B >> A, A | B, Pattern.match("*")]), unrepeated_patterns
)
rules = st.one_of(
    st.builds(lambda p: lambda: never(p), rule_patterns),
    st.builds(lambda p: lambda: must_match(p), rule_patterns),
    st.builds(lambda p, q: lambda: every(p).leads_to(q), rule_patterns, rule_patterns),
)


@settings(max_examples=150, deadline=None)
@given(posets(max_events=16), rules, st.integers(1, 6))
def test_a_rule_in_a_window_sees_what_each_window_holds(poset: Any, rule: Any, size: int) -> None:
    compare(stream_of(poset), rule, size)


@settings(max_examples=100, deadline=None)
@given(posets(max_events=16), at_once, rules, st.integers(1, 6))
def test_a_class_selecting_events_as_they_come_sees_what_each_window_holds(
    poset: Any, selection: Any, rule: Any, size: int
) -> None:
    compare(stream_of(poset), filtered(selection, rule), size)


@settings(max_examples=250, deadline=None)
@given(posets(max_events=16), later, rules, st.integers(1, 6))
def test_a_class_letting_events_through_late_sees_what_each_window_holds(
    poset: Any, selection: Any, rule: Any, size: int
) -> None:
    compare(stream_of(poset), filtered(selection, rule), size, late=True)


class _NoLoneB(Constraint):
    """Hand-written, over the events a predicate keeps: a B needs an A before it."""

    name = "no_lone_b"

    def check(self, computation: Any) -> list[ConstraintViolation]:
        view = filtered_computation(computation, lambda event: event.payload.get("k") == 0)
        return [
            ConstraintViolation(self.name, "lone_b", "a B with no A before it", [event])
            for event in view
            if event.name == "B" and not any(c.name == "A" for c in view.ancestors(event))
        ]


@settings(max_examples=50, deadline=None)
@given(posets(max_events=16), st.integers(1, 6))
def test_a_hand_written_constraint_is_checked_over_the_last_window(poset: Any, size: int) -> None:
    stream = stream_of(poset)
    got = run_windowed(stream, [_NoLoneB()], size)
    last = windows(stream, size)[-1]
    assert got.keys("slide", "event") == set()
    assert got.keys("end") == {violation_key(v) for v in _NoLoneB().check(last)}


def _names(delivered: list[tuple[int, str, ConstraintViolation]]) -> list[tuple[int, str, Any]]:
    return [(index, stage, [e.id for e in v.matched_events]) for index, stage, v in delivered]


def test_the_event_arriving_at_the_slide_is_checked_after_it_in_the_window_kept() -> None:
    # A window of 4 is full when "b" arrives: "a0" leaves first (its obligation is
    # reported then), and "b" is checked with "a1", kept, as its cause.
    a0, a1 = Event("A", id="a0"), Event("A", id="a1")
    stream: Stream = [(a0, []), (Event("X", id="x1"), []), (Event("X", id="x2"), []), (a1, [])]
    stream.append((Event("B", id="b"), [a0, a1]))
    got = run_windowed(stream, [never(A >> B, name="ab"), every(A).leads_to(B)], 4)
    assert _names(got.delivered) == [(4, "slide", ["a0"]), (4, "event", ["a1", "b"])]


def test_the_first_event_after_a_slide_lets_a_kept_event_through() -> None:
    @constraint
    class Answered:
        filter = Pattern.match("Req") >> Pattern.match("Res")  # a Req passes once answered

        def define(self) -> None:
            never("Req", name="answered")
            must_match("Req", name="some")
            every("Req").leads_to("Done", name="done")

    requests = [Event("Req", id=f"r{i}") for i in range(3)]
    stream: Stream = [(request, []) for request in requests]
    stream.append((Event("X", id="x"), []))
    # The window of 4 slides as "s2" arrives: r0 leaves unanswered by the filter
    # (nothing to report: it never counted); r1 and r2 stay, and "s2" lets r2 through.
    stream.append((Event("Res", id="s2"), [requests[2]]))
    stream.append((Event("Res", id="s0"), [requests[0]]))  # its cause is gone: no match
    got = run_windowed(stream, [Answered()], 4)
    assert _names(got.delivered) == [(4, "event", ["r2"]), (5, "end", ["r2"])]
    reported_by = [v.constraint_name for _, _, v in got.delivered]
    assert reported_by == ["Answered.answered", "Answered.done"]

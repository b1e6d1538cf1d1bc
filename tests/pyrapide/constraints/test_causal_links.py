"""record_causal_link: a late link re-checks only its effect when it can, and withdraws what it
rules out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.constraints import (
    Constraint,
    ConstraintMonitor,
    ConstraintViolation,
    constraint,
    every,
    must_match,
    never,
)
from pyrapide.constraints.base import Tracker
from pyrapide.constraints.violation import violation_key
from pyrapide.core import CausalCycleError, Computation, Event, Poset
from pyrapide.patterns import Pattern
from tests.pyrapide.patterns.strategies import patterns, posets

from .test_properties import constraints, keys

A, B, C = Pattern.match("A"), Pattern.match("B"), Pattern.match("C")

# Random guards raise on purpose (a non-match); their warnings are not the subject here.
pytestmark = pytest.mark.filterwarnings("ignore:guard of pattern:RuntimeWarning")


def names(violations: list[ConstraintViolation]) -> list[str]:
    return [v.constraint_name for v in violations]


class _Rebuilding(Constraint):
    """A hand-written constraint whose tracker cannot retract: every link rebuilds."""

    name = "rebuilding"

    def check(self, computation: Any) -> list[ConstraintViolation]:
        return []

    def tracker(self) -> Tracker:
        return Tracker()


Plan = list[tuple[Event, list[Event], list[Event]]]


def _plan(shape: Poset, data: st.DataObject) -> Plan:
    """``shape``'s events in order, each with the causes given when it is checked and the
    events linked to it right after: its other causes and a few extra earlier events."""
    plan: Plan = []
    for position, event in enumerate(shape):
        causes = list(shape.causes(event))
        given_now = [c for c in causes if data.draw(st.booleans(), label="given now")]
        earlier = list(shape)[:position]
        extra = data.draw(st.lists(st.sampled_from(earlier), max_size=2)) if earlier else []
        plan.append((event, given_now, [c for c in causes if c not in given_now] + extra))
    return plan


def _run(monitor: ConstraintMonitor, plan: Plan, observe: bool) -> Iterator[list]:
    """Carry out ``plan``, yielding what each call returns right after the call."""
    computation = Computation()
    for event, given_now, linked_after in plan:
        if observe:
            computation.record(event, caused_by=given_now)
            yield monitor.observe(event, computation)
        else:
            yield monitor.check(event, caused_by=given_now)
        for cause in linked_after:
            yield monitor.record_causal_link(cause, event)


@settings(max_examples=150, deadline=None)
@given(shape=posets(), rules=st.lists(constraints, min_size=1, max_size=3), data=st.data())
def test_links_to_the_newest_event_leave_exactly_the_violations_of_the_final_computation(
    shape: Poset, rules: list, data: st.DataObject
) -> None:
    for index, rule in enumerate(rules):
        rule.name = f"{index}:{rule.name}"
    _agree_step_by_step(shape, rules, data)


@settings(max_examples=100, deadline=None)
@given(shape=posets(), selection=patterns, rule=constraints, data=st.data())
def test_links_agree_with_the_final_computation_under_a_filter_too(
    shape: Poset, selection: Any, rule: Any, data: st.DataObject
) -> None:
    # A filter of several events lets an event through late: the rules' matches refused
    # until then wait, and a link may have to take back what the last check put there.
    @constraint
    class Filtered:
        filter = selection

        def define(self) -> list:
            return [rule]

    _agree_step_by_step(shape, [Filtered()], data)


def _agree_step_by_step(shape: Poset, rules: list, data: st.DataObject) -> None:
    observe = data.draw(st.booleans(), label="observe")
    monitor = ConstraintMonitor(rules)
    rebuilding = ConstraintMonitor([*rules, _Rebuilding()])
    plan = _plan(shape, data)
    standing: set[Any] = set()
    for returned, rebuilt in zip(
        _run(monitor, plan, observe), _run(rebuilding, plan, observe), strict=True
    ):
        # Nothing is reported while it stands already; what is reported stands.
        assert len(returned) == len(set(map(violation_key, returned)))
        assert standing.isdisjoint(map(violation_key, returned))
        standing = {violation_key(v) for v in monitor.violations}
        assert standing.issuperset(map(violation_key, returned))
        # The incremental path and the full re-derivation agree step by step.
        assert keys(returned) == keys(rebuilt)
    final = monitor.computation
    expected = keys(monitor.check_all(final))
    assert keys(monitor.violations) == expected
    assert keys(rebuilding.violations) == expected
    assert all(count == 1 for count in expected.values())


def test_the_030_idiom_reports_a_match_the_link_completes_once() -> None:
    monitor = ConstraintMonitor([never(A >> B, name="ab"), must_match(A >> B, name="m")])
    a, b = Event("A"), Event("B")
    assert monitor.check(a) == [] and monitor.check(b) == []
    assert names(monitor.finish()) == ["m"]
    (violation,) = monitor.record_causal_link(a, b)
    assert violation.matched_events == [a, b]
    assert monitor.record_causal_link(a, b) == []  # linked already: nothing new
    assert names(monitor.violations) == ["ab"]


def test_a_violation_the_link_rules_out_is_withdrawn() -> None:
    monitor = ConstraintMonitor([never(A | B, name="apart")])
    a, b = Event("A"), Event("B")
    monitor.check(a)
    (violation,) = monitor.check(b)
    assert monitor.violations == [violation]
    assert monitor.record_causal_link(a, b) == []
    assert monitor.violations == [] and monitor.check_all(monitor.computation) == []


def test_a_requirement_the_link_rules_out_is_unmet_again() -> None:
    monitor = ConstraintMonitor([must_match(A | B, name="apart")])
    a, b = Event("A"), Event("B")
    monitor.check(a)
    monitor.check(b)
    assert monitor.finish() == []
    monitor.record_causal_link(a, b)
    assert names(monitor.finish()) == ["apart"]
    b2 = Event("B")
    monitor.check(b2)  # independent of a: met again, and for good
    assert monitor.finish() == []


def test_a_link_answers_an_obligation_and_can_unanswer_one() -> None:
    monitor = ConstraintMonitor([every(A).leads_to(B, name="answered")])
    a, b = Event("A"), Event("B")
    monitor.check(a)
    monitor.check(b)
    assert names(monitor.finish()) == ["answered"]
    monitor.record_causal_link(a, b)
    assert monitor.finish() == []

    # A response matching B || C stops answering when its events become ordered;
    # the trigger it answered is open again, in its place among the others.
    monitor = ConstraintMonitor([every(A).leads_to(B | C, name="answered")])
    a, a2, b, c = Event("A"), Event("A"), Event("B"), Event("C")
    monitor.check(a)
    monitor.check(a2)
    monitor.check(b, caused_by=[a])
    monitor.check(c, caused_by=[a])
    assert [v.matched_events for v in monitor.finish()] == [[a2]]
    monitor.record_causal_link(b, c)
    assert [v.matched_events for v in monitor.finish()] == [[a], [a2]]


def test_a_link_changes_which_events_a_constraint_class_filter_lets_through() -> None:
    @constraint
    class NoIndependentB:
        filter = A | B

        def define(self) -> None:
            never("B")

    monitor = ConstraintMonitor([NoIndependentB()])
    a, b = Event("A"), Event("B")
    monitor.check(a)
    assert names(monitor.check(b)) == ["NoIndependentB"]
    monitor.record_causal_link(a, b)  # b no longer passes the filter
    assert monitor.violations == [] == monitor.check_all(monitor.computation)


def test_a_link_to_an_earlier_event_rebuilds_and_withdraws_too() -> None:
    monitor = ConstraintMonitor([never(A | B, name="apart"), never(A >> B, name="ordered")])
    a, b, later = Event("A"), Event("B"), Event("X")
    monitor.check(a)
    monitor.check(b)
    monitor.check(later)
    (violation,) = monitor.record_causal_link(a, b)  # b is not the newest: a full re-check
    assert violation.constraint_name == "ordered"
    assert names(monitor.violations) == ["ordered"]


def test_a_refused_link_leaves_the_monitor_as_it_was() -> None:
    monitor = ConstraintMonitor([never(A >> B, name="ab")])
    a, b = Event("A"), Event("B")
    monitor.check(a)
    monitor.check(b, caused_by=[a])
    with pytest.raises(CausalCycleError):
        monitor.record_causal_link(b, a)
    assert names(monitor.violations) == ["ab"]
    b2 = Event("B")
    monitor.check(b2)
    assert names(monitor.record_causal_link(a, b2)) == ["ab"]
    assert len(monitor.violations) == 2
    # An event not checked yet is checked first (PyRapide 0.3.0), then linked.
    stranger = Event("A", id="stranger")
    assert names(monitor.record_causal_link(stranger, b)) == ["ab"]
    assert len(monitor.violations) == 3


def test_the_idiom_checks_each_event_a_bounded_number_of_times() -> None:
    # Counting guard calls shows the link re-checks the effect only, not the history:
    # a re-derivation from every event would make this quadratic.
    calls = Counter[str]()

    def counted(found: Any) -> bool:
        calls[found.event.id] += 1
        return True

    monitor = ConstraintMonitor([never((A >> B).where(counted), name="ab")])
    for index in range(200):
        a, b = Event("A", id=f"a{index}"), Event("B", id=f"b{index}")
        monitor.check(a)
        monitor.check(b)
        monitor.record_causal_link(a, b)
    assert len(monitor.violations) == 200
    assert max(calls.values()) == 1


@settings(max_examples=50, deadline=None)
@given(pattern=patterns, shape=posets(max_events=8))
def test_a_tracker_that_cannot_retract_falls_back_to_the_rebuild(
    pattern: Any, shape: Poset
) -> None:
    monitor = ConstraintMonitor([never(pattern), _Rebuilding()])
    for event in shape:
        monitor.check(event)
        for cause in shape.causes(event):
            monitor.record_causal_link(cause, event)
    assert keys(monitor.violations) == keys(monitor.check_all(shape))


def test_a_link_takes_back_a_match_waiting_for_the_filter() -> None:
    @constraint
    class Followed:
        filter = B.or_(A >> C)  # a B passes at once, an A once a C follows it

        def define(self) -> None:
            never(A | B, name="apart")

    monitor = ConstraintMonitor([Followed()])
    a, b, c = Event("A"), Event("B"), Event("C")
    monitor.check(a)
    assert monitor.check(b) == []  # a || b waits: a has not passed yet
    assert monitor.record_causal_link(a, b) == []  # and now is no match at all
    assert monitor.check(c, caused_by=[a]) == []  # a passes: nothing was waiting
    assert monitor.violations == []

    monitor = ConstraintMonitor([Followed()])
    a, b, c = Event("A"), Event("B"), Event("C")
    monitor.check(a)
    monitor.check(b)
    (violation,) = monitor.check(c, caused_by=[a])  # a passes: a || b counts now
    assert violation.matched_events == [a, b]

"""Properties: the monitor fed event by event agrees with batch checking on random posets."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.constraints import (
    ConstraintMonitor,
    ConstraintViolation,
    constraint,
    every,
    must_match,
    never,
)
from pyrapide.constraints.violation import violation_key
from pyrapide.core import Computation
from pyrapide.patterns import PatternMatch
from pyrapide.patterns.match import merge_bindings
from tests.pyrapide.patterns.strategies import patterns, posets

constraints = st.one_of(
    st.builds(never, patterns),
    st.builds(must_match, patterns),
    st.builds(lambda p, q: every(p).leads_to(q), patterns, patterns),
)


def keys(violations: list[ConstraintViolation]) -> Counter[Any]:
    return Counter(violation_key(v) for v in violations)


# Random guards raise on purpose (a non-match); their warnings are not the subject here.
pytestmark = pytest.mark.filterwarnings("ignore:guard of pattern:RuntimeWarning")


@settings(max_examples=100, deadline=None)
@given(posets(), st.lists(constraints, min_size=1, max_size=3))
def test_observing_event_by_event_equals_checking_the_whole_poset(poset: Any, rules: list) -> None:
    monitor = ConstraintMonitor()
    for index, rule in enumerate(rules):
        rule.name = f"{index}:{rule.name}"
        monitor.add_constraint(rule)
    for event in poset:
        monitor.observe(event, poset)
    assert keys(monitor.violations) == keys(monitor.check_all(poset))


@settings(max_examples=100, deadline=None)
@given(posets(), constraints)
def test_the_monitors_own_computation_gives_the_same_answers(poset: Any, rule: Any) -> None:
    monitor = ConstraintMonitor([rule])
    for event in poset:
        monitor.check(event, caused_by=list(poset.causes(event)))
    assert keys(monitor.violations) == keys(rule.check(poset))


def _filtered(filter_pattern: Any, rules: list) -> Any:
    @constraint
    class Filtered:
        filter = filter_pattern

        def define(self) -> list:
            return rules

    return Filtered()


@settings(max_examples=100, deadline=None)
@given(posets(), patterns, constraints)
def test_a_filtered_constraint_class_observed_equals_it_checked(
    poset: Any, filter_pattern: Any, rule: Any
) -> None:
    # A filter A >> B lets an A through only once the B arrives: the monitor must
    # still count the A's matches, as checking the whole poset does.
    rule_set = _filtered(filter_pattern, [rule])
    monitor = ConstraintMonitor([rule_set])
    for event in poset:
        monitor.observe(event, poset)
    assert keys(monitor.violations) == keys(rule_set.check(poset))


def _answers(poset: Any, trigger: PatternMatch, response: PatternMatch) -> bool:
    if merge_bindings(trigger.bindings, response.bindings) is None:
        return False
    return all(
        any(poset.is_ancestor(cause, effect) for effect in response.events)
        for cause in trigger.events
    )


@settings(max_examples=100, deadline=None)
@given(posets(), patterns, patterns)
def test_leads_to_agrees_with_the_definition(poset: Any, trigger: Any, response: Any) -> None:
    responses = response.match_in(poset)
    expected = [
        found
        for found in trigger.match_in(poset)
        if not any(_answers(poset, found, answer) for answer in responses)
    ]
    rule = every(trigger).leads_to(response)
    assert [PatternMatch(v.matched_events, v.bindings) for v in rule.check(poset)] == expected


@settings(max_examples=50, deadline=None)
@given(posets(max_events=16), constraints, st.integers(1, 12))
def test_rebasing_on_a_suffix_reports_nothing_twice(poset: Any, rule: Any, cut: int) -> None:
    events = list(poset)
    cut = min(cut, len(events))
    monitor = ConstraintMonitor([rule])
    comp = Computation()
    for event in events:
        comp.record(event, caused_by=list(poset.causes(event)))
        monitor.observe(event, comp)
    before = keys(monitor.violations)
    window = Computation()
    kept = {event.id for event in events[cut:]}
    for event in events[cut:]:
        window.record(event, caused_by=[c for c in poset.causes(event) if c.id in kept])
    monitor.rebase(window)
    reported = [v for v in monitor.violations if v.violation_type == "never_violated"]
    assert keys(reported) == Counter(k for k in before if k[1] == "never_violated")

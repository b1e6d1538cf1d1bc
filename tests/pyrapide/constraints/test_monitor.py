"""ConstraintMonitor: incremental checking, end-of-run conditions, the 0.3.0 API."""

from __future__ import annotations

import re
import time
import warnings

import pytest

from pyrapide.constraints import (
    Constraint,
    ConstraintMonitor,
    ConstraintViolation,
    every,
    must_match,
    never,
)
from pyrapide.constraints.checking import check_conformance
from pyrapide.core import Computation, Event
from pyrapide.patterns import Pattern


def names(violations: list) -> list[str]:
    return [v.constraint_name for v in violations]


def test_never_is_reported_by_the_event_that_completes_the_match() -> None:
    monitor = ConstraintMonitor([never(Pattern.match("A") >> Pattern.match("B"), name="ab")])
    a = Event("A")
    assert monitor.check(a) == []
    assert monitor.check(Event("B")) == []  # not caused by a: no match
    b = Event("B")
    (violation,) = monitor.check(b, caused_by=[a])
    assert violation.matched_events == [a, b]
    assert monitor.violations == [violation]


def test_must_match_is_a_condition_on_the_whole_run() -> None:
    monitor = ConstraintMonitor([must_match("Done", name="done")])
    assert monitor.check(Event("Start")) == []
    assert names(monitor.finish()) == ["done"]
    assert names(monitor.violations) == ["done"]
    assert monitor.finish()[0] is monitor.finish()[0]  # a stable report while it stands
    assert monitor.check(Event("Done")) == []
    assert monitor.finish() == [] and monitor.violations == []


def test_leads_to_obligations_open_and_close_as_events_arrive() -> None:
    monitor = ConstraintMonitor([every("Call").leads_to("Result", name="answered")])
    first, second = Event("Call"), Event("Call")
    monitor.check(first)
    monitor.check(second)
    assert [v.matched_events for v in monitor.finish()] == [[first], [second]]
    hop = Event("Relay")
    monitor.check(hop, caused_by=[second])
    assert monitor.check(Event("Result"), caused_by=[hop]) == []
    assert [v.matched_events for v in monitor.finish()] == [[first]]


def test_observe_follows_a_computation_it_does_not_own() -> None:
    comp = Computation()
    monitor = ConstraintMonitor([never("X", name="nox")])
    comp.new_event("A")
    assert monitor.observe(comp.get("e1"), comp) == []
    x = comp.new_event("X")
    assert names(monitor.observe(x, comp)) == ["nox"]
    assert monitor.computation is comp
    assert len(comp) == 2  # nothing copied or added
    other = Computation()
    with pytest.raises(ValueError, match="another computation"):
        monitor.observe(other.new_event("X"), other)
    with pytest.raises(ValueError, match="observes another computation"):
        monitor.check(Event("X"))
    monitor.reset()
    assert monitor.check(Event("X"))[0].constraint_name == "nox"


def test_check_event_is_the_legacy_name_of_observe() -> None:
    comp = Computation()
    monitor = ConstraintMonitor([never("X")])
    assert len(monitor.check_event(comp.new_event("X"), comp)) == 1


def test_each_violation_is_reported_once() -> None:
    monitor = ConstraintMonitor([never("X")])
    x = Event("X")
    assert len(monitor.check(x)) == 1
    with pytest.raises(ValueError, match="already checked"):
        monitor.check(x)
    assert len(monitor.violations) == 1


def test_check_batch_returns_all_new_violations() -> None:
    monitor = ConstraintMonitor([never("X", name="nox"), never("Y", name="noy")])
    found = monitor.check_batch([Event("X"), Event("A"), Event("Y")])
    assert names(found) == ["nox", "noy"]


def test_registration_api() -> None:
    monitor = ConstraintMonitor()
    monitor.add_constraint(never("X", name="a"))
    monitor.add_constraint(must_match("Y", name="b"))
    assert monitor.constraint_names == ["a", "b"]
    with pytest.raises(ValueError, match="'a' is already registered"):
        monitor.add_constraint(never("Z", name="a"))
    with pytest.raises(TypeError, match="add_constraint takes a constraint, not str"):
        monitor.add_constraint("X")  # type: ignore[arg-type]
    monitor.remove_constraint("a")
    assert monitor.constraint_names == ["b"]
    with pytest.raises(KeyError, match="no constraint named 'zz'"):
        monitor.remove_constraint("zz")


def test_a_constraint_added_late_is_checked_against_the_events_so_far() -> None:
    monitor = ConstraintMonitor()
    monitor.check(Event("X"))
    monitor.add_constraint(never("X", name="nox"))
    assert names(monitor.violations) == ["nox"]


def test_reset_keeps_constraints_and_forgets_events() -> None:
    monitor = ConstraintMonitor([never("X", name="nox")])
    monitor.check(Event("X"))
    monitor.reset()
    assert monitor.violations == [] and len(monitor.computation) == 0
    assert monitor.constraint_names == ["nox"]


def test_record_causal_link_rechecks_and_reports_new_matches() -> None:
    monitor = ConstraintMonitor(
        [never(Pattern.match("A") >> Pattern.match("B"), name="ab"), must_match("A >> B", name="m")]
    )
    a, b = Event("A"), Event("B")
    monitor.check_batch([a, b])
    assert names(monitor.violations) == ["m"]
    (violation,) = monitor.record_causal_link(a, b)
    assert violation.constraint_name == "ab" and violation.matched_events == [a, b]
    assert names(monitor.violations) == ["ab"]  # the requirement is met now
    assert monitor.record_causal_link(a, b) == []  # nothing new


def test_check_all_is_batch_and_leaves_the_monitor_alone() -> None:
    comp = Computation()
    comp.new_event("X")
    monitor = ConstraintMonitor([never("X", name="nox"), must_match("Y", name="y")])
    assert names(monitor.check_all(comp)) == ["nox", "y"]
    assert len(monitor.computation) == 0


def test_hand_written_constraints_are_run_over_the_whole_computation() -> None:
    class AtMostTwo(Constraint):
        name = "at_most_two"

        def check(self, computation):  # type: ignore[no-untyped-def]
            from pyrapide.constraints import ConstraintViolation

            if len(computation) <= 2:
                return []
            return [ConstraintViolation(self.name, "too_many", f"{len(computation)} events")]

    monitor = ConstraintMonitor([AtMostTwo()])
    monitor.check_batch([Event("A"), Event("B")])
    assert monitor.finish() == []
    monitor.check(Event("C"))
    assert [v.description for v in monitor.finish()] == ["3 events"]


def test_a_guard_that_raises_does_not_crash_the_monitor() -> None:
    broken = Pattern.match("X").where(lambda m: m.payload["missing"] > 0)
    monitor = ConstraintMonitor([never(broken, name="broken")])
    with pytest.warns(RuntimeWarning, match="treated as a non-match"):
        assert monitor.check(Event("X")) == []
    assert broken.guard_error_count == 1
    assert monitor.check(Event("X", {"missing": 1}))[0].constraint_name == "broken"


def test_a_monitor_that_tells_of_guard_errors_lists_them_and_does_not_warn() -> None:
    broken = Pattern.match("X").where(lambda m: m.payload["missing"] > 0)
    later = every(Pattern.match("Y")).leads_to(
        Pattern.match("Z").where(lambda m: 1 / 0), name="answered"
    )
    monitor = ConstraintMonitor([never(broken, name="broken"), later], tell_guard_errors=True)
    computation = Computation()
    x, z = Event("X"), Event("Z")
    computation.record(x)
    computation.record(z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert monitor.observe(x, computation) == []
        assert monitor.observe(z, computation) == []
    raised = monitor.take_raised()
    assert [(r.constraint_name, r.match.events, type(r.error)) for r in raised] == [
        ("broken", (x,), KeyError),
        ("answered", (z,), ZeroDivisionError),
    ]
    assert monitor.raised == [] and monitor.take_raised() == []


def test_a_link_to_an_event_not_yet_checked_checks_it_first_as_pyrapide_030_did() -> None:
    # 0.3.0: "If either event hasn't been checked in yet, it is added first."
    monitor = ConstraintMonitor([never(Pattern.match("A") >> Pattern.match("B"), name="no-ab")])
    a, b = Event("A"), Event("B")
    monitor.check(a)
    (found,) = monitor.record_causal_link(a, b)
    assert found.constraint_name == "no-ab" and found.matched_events == [a, b]
    assert monitor.check(b) == []  # then checked as 0.3.0 code goes on: reported once
    with pytest.raises(ValueError, match="already checked"):
        monitor.check(b)
    assert len(monitor.violations) == 1
    c, d = Event("C"), Event("D")
    assert monitor.record_causal_link(c, d) == []  # neither checked before
    assert monitor.computation.is_ancestor(c, d)


def test_a_violation_says_which_event_found_it_and_where_in_the_computation() -> None:
    checking = ConstraintMonitor([never("X", name="nox"), must_match("Done", name="done")])
    checking.check(Event("A", id="a"))
    checking.check(Event("B", id="b"))
    (forbidden,) = checking.check(Event("X", id="x"), caused_by="a")
    assert (forbidden.found_by.id, forbidden.position) == ("x", 3)
    (unmet,) = checking.finish()
    assert (unmet.found_by, unmet.position) == (None, 3)  # decided when asked, after 3
    assert checking.finish() == [unmet]  # asked again, the same report
    assert forbidden.to_dict()["found_by"] == "x" and forbidden.to_dict()["position"] == 3
    # Standalone, the time is the wall clock's, as in PyRapide 0.3.0.
    assert abs(forbidden.timestamp - time.time()) < 60


def test_a_constraint_added_late_places_what_it_finds_at_the_event_that_found_it() -> None:
    checking = ConstraintMonitor()
    for name in "AXB":
        checking.check(Event(name, id=name.lower()))
    checking.add_constraint(never("X", name="nox"))
    (late,) = checking.violations
    assert (late.found_by.id, late.position) == ("x", 2)


def test_a_violation_a_link_makes_certain_is_found_by_the_linked_event() -> None:
    checking = ConstraintMonitor([never(Pattern.match("A") >> Pattern.match("B"), name="ab")])
    a, b, c = Event("A"), Event("B"), Event("C")
    for event in (a, b, c):
        checking.check(event)
    (found,) = checking.record_causal_link(a, b)  # b has an event after it: rebuilt
    assert (found.found_by, found.position) == (b, 2)


def test_a_monitor_given_a_clock_stamps_its_violations_with_it() -> None:
    checking = ConstraintMonitor([never("X")], clock=lambda: 7.5)
    (found,) = checking.check(Event("X"))
    assert found.timestamp == 7.5


class _Forgets(Constraint):
    """A hand-written constraint whose check has no return."""

    name = "forgets"

    def check(self, computation):  # type: ignore[override]
        [violation for violation in ()]  # the list built, and not returned


class _Raises(Constraint):
    name = "raises"

    def check(self, computation):  # type: ignore[override]
        raise KeyError("oops")


class _Yields(Constraint):
    name = "yields"

    def check(self, computation):  # type: ignore[override]
        yield ConstraintViolation("yields", "found", "one per event")


def test_a_hand_written_check_returning_no_list_is_named() -> None:
    # "'NoneType' object is not iterable", from inside the monitor, said nothing of whose
    # check it was; a run of a system stating the constraint ended with it.
    monitor = ConstraintMonitor([_Forgets()])
    monitor.check(Event("A"))
    said = (
        "constraint 'forgets': check() returned None; it returns a list of "
        "ConstraintViolation (empty when the constraint holds)"
    )
    with pytest.raises(TypeError, match=re.escape(said)):
        monitor.finish()
    with pytest.raises(TypeError, match=re.escape(said)):
        monitor.check_all(monitor.computation)
    with pytest.raises(TypeError, match=re.escape(said)):
        check_conformance(monitor.computation, [_Forgets()])
    with pytest.raises(KeyError, match="oops") as raised:
        ConstraintMonitor([_Raises()]).finish()
    assert raised.value.__notes__ == ["raised by the check() of constraint 'raises'"]
    yielding = ConstraintMonitor([_Yields()])
    yielding.check(Event("A"))
    assert [v.constraint_name for v in yielding.finish()] == ["yields"]


def test_a_monitor_that_tells_of_errors_keeps_a_raising_check_for_its_caller() -> None:
    # A monitor used by hand raises as before (above); one that tells of the user's
    # errors (a running system's) lists it in check_raised, once per events observed.
    monitor = ConstraintMonitor([_Raises(), _Forgets()], tell_guard_errors=True)
    monitor.check(Event("A"))
    assert monitor.finish() == [] and monitor.violations == []
    raised = monitor.take_check_raised()
    assert [(r.constraint_name, type(r.error), r.checked) for r in raised] == [
        ("raises", KeyError, 1), ("forgets", TypeError, 1)
    ]
    assert monitor.check_raised == [] and monitor.raised == []
    monitor.check(Event("B"))
    monitor.finish()
    assert [r.checked for r in monitor.take_check_raised()] == [2, 2]

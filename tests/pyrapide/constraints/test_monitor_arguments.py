"""A ConstraintMonitor given the wrong thing says so at the call, naming what takes it."""

from __future__ import annotations

import re

import pytest

from pyrapide.constraints import ConstraintMonitor, every, never
from pyrapide.constraints.checking import check_conformance
from pyrapide.core import Computation, Event
from pyrapide.patterns import Pattern
from pyrapide.runtime import StreamProcessor

COMPUTATION_HINT = (
    "check_all(computation) checks a whole computation, and observe(event, computation) "
    "one event recorded in it"
)


def monitor() -> ConstraintMonitor:
    return ConstraintMonitor([never("Api.error", name="no errors")])


def a_computation() -> Computation:
    computation = Computation()
    computation.new_event("Api.request")
    computation.new_event("Api.error", caused_by="e1")
    return computation


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (a_computation(), f"got a Computation; {COMPUTATION_HINT}"),
        (a_computation().poset, f"got a Poset; {COMPUTATION_HINT}"),
        ([Event("Api.error")], "got a list; check_batch(events) checks several events"),
        ("Api.error", "got str 'Api.error'"),
        (None, "got None"),
    ],
)
def test_check_takes_one_event_and_names_what_takes_the_rest(given: object, said: str) -> None:
    checking = monitor()
    with pytest.raises(TypeError) as refused:
        checking.check(given)  # type: ignore[arg-type]
    assert str(refused.value) == f"ConstraintMonitor.check(event) takes an Event, {said}"
    assert checking.violations == [] and len(checking.computation) == 0  # nothing recorded


def test_what_check_refuses_the_method_it_names_takes() -> None:
    computation = a_computation()
    assert [v.constraint_name for v in monitor().check_all(computation)] == ["no errors"]
    assert [v.constraint_name for v in monitor().check_batch([Event("Api.error")])] == [
        "no errors"
    ]


def test_a_cause_is_an_event_or_its_id_alone_or_in_a_list() -> None:
    checking = monitor()
    request = Event("Api.request", id="r1")
    checking.check(request)
    # One cause given alone, an id or the event, as Computation.record takes it.
    by_id, by_event = Event("Api.reply"), Event("Api.reply")
    checking.check(by_id, caused_by="r1")
    checking.check(by_event, caused_by=request)
    assert checking.computation.causes(by_id) == checking.computation.causes(by_event) == {
        request
    }
    said = re.escape("got a Computation; observe(event, computation)")
    with pytest.raises(TypeError, match=said):
        checking.check(Event("Api.error"), caused_by=a_computation())


def test_observe_says_when_its_arguments_are_the_other_way_round() -> None:
    computation = a_computation()
    error = computation.get("e2")
    with pytest.raises(TypeError, match=r"takes the event first, then the computation: got a "
                       r"Computation, then an Event"):
        monitor().observe(computation, error)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"check_event\(event, computation\) takes the event first"):
        monitor().check_event(computation, error)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"takes a Computation or a Poset as its second argument"):
        monitor().observe(error, [error])  # type: ignore[arg-type]
    assert [v.constraint_name for v in monitor().observe(error, computation)] == ["no errors"]


def test_observe_refuses_an_event_its_computation_does_not_hold() -> None:
    with pytest.raises(ValueError, match=r"event 'x1' \(Api.error\) is not recorded in the comp"):
        monitor().observe(Event("Api.error", id="x1"), a_computation())


def test_observe_refuses_an_event_out_of_recording_order_rather_than_miss_a_match() -> None:
    computation = a_computation()
    request, error = computation.get("e1"), computation.get("e2")
    watching = ConstraintMonitor([never("Api.request -> Api.error", name="no failed request")])
    # The request, recorded before the error and not observed, is checked first.
    assert [v.constraint_name for v in watching.observe(error, computation)] == [
        "no failed request"
    ]
    # Fed after its effect, the request would make no match: it is refused.
    with pytest.raises(ValueError, match=re.escape(
        "observe(event, computation): event 'e1' (Api.request) is event 1 of the "
        "computation, and event 2 was observed already; observe each event once, in "
        "recording order (nothing was checked)"
    )):
        watching.observe(request, computation)
    in_order = ConstraintMonitor([never("Api.request -> Api.error", name="no failed request")])
    in_order.observe(request, computation)
    assert [v.constraint_name for v in in_order.observe(error, computation)] == [
        "no failed request"
    ]


def test_observe_refuses_an_event_observed_twice() -> None:
    computation = a_computation()
    watching = monitor()
    watching.observe(computation.get("e1"), computation)
    with pytest.raises(ValueError, match=r"check_event\(event, computation\): event 'e1' "
                       r"\(Api.request\) is event 1 of the computation, and event 1 was "
                       r"observed already"):
        watching.check_event(computation.get("e1"), computation)
    assert repr(watching) == "<ConstraintMonitor 1 constraint, 1 event>"


def test_check_batch_refuses_a_computation_whose_causes_it_would_lose() -> None:
    with pytest.raises(TypeError, match=r"got a Computation; check_all\(computation\) checks a "
                       r"whole computation with its causes"):
        monitor().check_batch(a_computation())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got an Event; check\(event\) checks one event"):
        monitor().check_batch(Event("Api.error"))  # type: ignore[arg-type]


def test_check_batch_refuses_a_list_holding_no_event_before_checking_any() -> None:
    # The events before the bad item were checked (and kept in the monitor's own
    # computation), then check(event) was named as refusing what check_batch was given.
    checking = monitor()
    with pytest.raises(TypeError, match=r"ConstraintMonitor.check_batch\(events\) takes a list "
                       r"of events, got int 5 at index 1"):
        checking.check_batch([Event("Api.error"), 5, Event("Api.error")])  # type: ignore[list-item]
    assert checking.violations == []
    assert len(checking.computation) == 0


def test_check_all_takes_a_computation_or_a_poset() -> None:
    with pytest.raises(TypeError, match=r"check_all\(computation\) takes a Computation or a "
                       r"Poset, got an Event; check\(event\) checks one event"):
        monitor().check_all(Event("Api.error"))
    with pytest.raises(TypeError, match=r"got a list; check_batch\(events\) checks a list"):
        monitor().check_all([Event("Api.error")])


def test_a_constraint_that_is_no_list_or_no_constraint_is_refused_naming_the_call() -> None:
    # ConstraintMonitor(never(...)) said "'Never' object is not iterable", and what the
    # constructor or StreamProcessor.enforce refused was blamed on add_constraint.
    with pytest.raises(TypeError, match=re.escape(
        "ConstraintMonitor() takes a list of constraints, got Never "
        "(write ConstraintMonitor([constraint]))"
    )):
        ConstraintMonitor(never("Api.error"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^ConstraintMonitor\(\) takes a constraint, not str "):
        ConstraintMonitor(["never Api.error"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"^add_constraint takes a constraint, not int 3; expected"):
        monitor().add_constraint(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^enforce\(\) takes a constraint, not int 3; expected"):
        StreamProcessor().enforce(3)  # type: ignore[arg-type]


def test_a_pattern_or_a_half_written_rule_given_as_a_constraint_says_what_to_write() -> None:
    # An architecture said so; a monitor, a stream and check_conformance said only
    # "expects a Constraint, got BasicPattern" (or _Every).
    with pytest.raises(TypeError, match=re.escape(
        "add_constraint takes a constraint, not the pattern Api.error, which is not a "
        "constraint; wrap it as must_match(pattern) or never(pattern)"
    )):
        monitor().add_constraint(Pattern.match("Api.error"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=re.escape(
        "enforce() takes a constraint, not every(...) without .leads_to(...); finish it: "
        "every(P).leads_to(Q)"
    )):
        StreamProcessor().enforce(every("Api.request"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=re.escape(
        "check_conformance takes constraints, not the pattern Api.error, which is"
    )):
        check_conformance(a_computation(), [Pattern.match("Api.error")])  # type: ignore[list-item]


def test_a_clock_that_is_not_a_function_is_refused_before_it_could_lose_a_violation() -> None:
    with pytest.raises(TypeError, match=re.escape(
        "ConstraintMonitor(clock=...) takes a function returning the time, got int 3"
    )):
        ConstraintMonitor([never("Api.error")], clock=3)  # type: ignore[arg-type]


def test_rebase_refuses_what_is_not_a_computation_and_the_monitor_goes_on() -> None:
    computation = a_computation()
    watching = monitor()
    watching.observe(computation.get("e1"), computation)
    with pytest.raises(TypeError, match=r"rebase\(computation\) takes a Computation or a "
                       r"Poset, got a list; check_batch\(events\) checks a list of events"):
        watching.rebase(list(computation))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"rebase\(computation\) takes a Computation or a "
                       r"Poset, got None"):
        watching.rebase(None)
    found = watching.observe(computation.get("e2"), computation)
    assert [v.constraint_name for v in found] == ["no errors"]


def test_check_batch_refuses_a_repeated_event_before_checking_any() -> None:
    # The repeat was refused only when reached: the events before it were checked, and
    # their violations, returned by no call, were easy to miss.
    watching = monitor()
    first, second = Event("Api.error", id="x1"), Event("Api.error", id="x2")
    with pytest.raises(ValueError, match=re.escape(
        "check_batch(events): event 'x1' (Api.error) is at index 0 and at index 2; each "
        "event is checked once (nothing was checked)"
    )):
        watching.check_batch([first, second, first])
    assert len(watching.computation) == 0 and watching.violations == []
    assert len(watching.check_batch([second])) == 1
    with pytest.raises(ValueError, match=r"event 'x2' \(Api.error\) at index 1 was already "
                       r"checked by this monitor; each event is checked once"):
        watching.check_batch([first, second])
    assert len(watching.computation) == 1

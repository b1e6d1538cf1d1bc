"""The @constraint class form: rules from define()/rules(), names, descriptions, filter."""

from __future__ import annotations

import pytest

from pyrapide.constraints import Constraint, ConstraintMonitor, constraint, every, must_match, never
from pyrapide.core import Computation
from pyrapide.patterns import Pattern


@pytest.fixture
def comp() -> Computation:
    comp = Computation()
    req = comp.new_event("Req", source="api")
    comp.new_event("Res", source="db", caused_by=[req])
    comp.new_event("Req", source="cli")
    comp.new_event("Crash", source="db")
    return comp


def test_rules_declared_by_calling_in_define(comp: Computation) -> None:
    @constraint
    class Healthy:
        """Requests are answered and nothing crashes.

        A second paragraph that is not part of the description.
        """

        name = "healthy"

        def define(self) -> None:
            never(Pattern.match("Crash"))
            every(Pattern.match("Req")).leads_to(Pattern.match("Res"))

    rule = Healthy()
    assert isinstance(rule, Constraint)
    assert rule.name == "healthy"
    assert rule.description == "Requests are answered and nothing crashes."
    found = {(v.violation_type, tuple(e.id for e in v.matched_events)) for v in rule.check(comp)}
    assert found == {("never_violated", ("e4",)), ("leads_to_unanswered", ("e3",))}
    assert {v.constraint_name for v in rule.check(comp)} == {"healthy"}


def test_rules_returned_from_rules_and_named_rules_report_under_both_names(
    comp: Computation,
) -> None:
    @constraint
    class Service:
        description = "service rules"

        def rules(self) -> list[Constraint]:
            return [must_match("Shutdown", name="clean_exit"), never("Crash", message="no crash")]

    violations = Service().check(comp)
    assert [(v.constraint_name, v.description) for v in violations] == [
        ("Service.clean_exit", "service rules"),
        ("Service", "no crash"),
    ]


def test_filter_limits_the_events_rules_may_match(comp: Computation) -> None:
    @constraint
    class DbOnly:
        filter = Pattern.match("*", source="db")

        def define(self) -> None:
            must_match("Req")  # the only Req events come from api and cli
            never("Crash")

    types = sorted(v.violation_type for v in DbOnly().check(comp))
    assert types == ["must_match_failed", "never_violated"]


def test_filter_applies_incrementally_too(comp: Computation) -> None:
    @constraint
    class NotFromCli:
        filter = Pattern.match("*", source="api").or_(Pattern.match("*", source="db"))

        def define(self) -> None:
            every("Req").leads_to("Res")

    monitor = ConstraintMonitor([NotFromCli()])
    for event in comp:
        monitor.observe(event, comp)
    assert monitor.finish() == []  # the cli request is filtered out
    assert NotFromCli().check(comp) == []


def test_a_filter_that_lets_an_event_through_later_counts_it_incrementally_too(
    comp: Computation,
) -> None:
    @constraint
    class AnsweredRequests:
        filter = Pattern.match("Req") >> Pattern.match("Res")  # a Req passes once answered

        def define(self) -> None:
            never("Req", name="no_answered_request")

    monitor = ConstraintMonitor([AnsweredRequests()])
    found = {
        event.id: [(v.constraint_name, [e.id for e in v.matched_events]) for v in found]
        for event in comp
        if (found := monitor.observe(event, comp))
    }
    # Reported as soon as the response lets the request through, not left to the end.
    assert found == {"e2": [("AnsweredRequests.no_answered_request", ["e1"])]}
    assert monitor.finish() == []
    assert [v.matched_events for v in AnsweredRequests().check(comp)] == [[comp.get("e1")]]


def test_a_class_with_its_own_check_is_checked_by_it(comp: Computation) -> None:
    @constraint
    class AtMostThree:
        def define(self) -> None:
            never("Crash")

        def check(self, computation):  # type: ignore[no-untyped-def]
            found = list(super().check(computation))
            if len(computation) > 3:
                found.append(found[0].__class__(self.name, "too_many", "more than three events"))
            return found

    rule = AtMostThree()
    assert [v.violation_type for v in rule.check(comp)] == ["never_violated", "too_many"]
    monitor = ConstraintMonitor([rule])
    for event in comp:
        monitor.observe(event, comp)
    assert [v.violation_type for v in monitor.finish()] == ["never_violated", "too_many"]


def test_a_class_with_no_rules_is_refused_at_decoration() -> None:
    with pytest.raises(TypeError, match="Empty must define define"):

        @constraint
        class Empty:
            pass


def test_an_error_in_define_names_the_class() -> None:
    @constraint
    class Broken:
        def define(self) -> None:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom") as info:
        Broken()
    assert any("constraint class Broken" in note for note in info.value.__notes__)


def test_a_rule_that_is_not_a_constraint_is_refused() -> None:
    @constraint
    class Wrong:
        def rules(self) -> list[object]:
            return ["Crash"]

    with pytest.raises(TypeError, match="constraint class Wrong: a rule must be built"):
        Wrong()


@pytest.mark.parametrize(("returned", "said"), [(5, "int 5"), ("Crash -> Boot", "str 'Crash")])
def test_define_returning_no_rule_nor_list_names_the_class(returned: object, said: str) -> None:
    # A number failed with "'int' object is not iterable", naming nothing; a string was
    # read as its letters ("a rule must be built ..., got 'C'").
    @constraint
    class Odd:
        def define(self) -> object:
            return returned

    with pytest.raises(TypeError, match=rf"constraint class Odd: define\(\) returned {said}"):
        Odd()


def test_two_rules_of_one_name_are_refused_naming_both(comp: Computation) -> None:
    # Both reported as "Guarded.quiet": a report could not say which was broken, and a
    # monitor kept one violation of the two the crash caused.
    @constraint
    class Guarded:
        def define(self) -> None:
            never("Crash", name="quiet")
            never("*(source=\"db\")", name="quiet")

    with pytest.raises(ValueError) as refused:
        Guarded()
    assert str(refused.value) == (
        "constraint class Guarded: two rules are named 'quiet' (never Crash; "
        "never *(source=\"db\")): give each a name of its own, so that their violations "
        "can be told apart"
    )

    @constraint
    class Distinct:
        def rules(self) -> list[Constraint]:
            # Rules without a name report under the class's, as in PyRapide 0.3.0.
            return [never("Crash", name="quiet"), never("Crash"), must_match("Crash")]

    assert {v.constraint_name for v in Distinct().check(comp)} == {"Distinct.quiet", "Distinct"}


def test_rules_built_outside_a_class_are_not_collected(comp: Computation) -> None:
    shared = never("Crash", name="shared")

    @constraint
    class Reuses:
        def rules(self) -> list[Constraint]:
            return [shared]

    first, second = Reuses(), Reuses()
    assert len(first.rules_list) == len(second.rules_list) == 1
    assert shared.name == "shared"  # the class reports through a copy
    assert first.check(comp)[0].constraint_name == "Reuses.shared"


def test_monitor_accepts_the_decorated_class_itself(comp: Computation) -> None:
    @constraint
    class NoCrash:
        def define(self) -> None:
            never("Crash")

    monitor = ConstraintMonitor()
    monitor.add_constraint(NoCrash)
    assert monitor.constraint_names == ["NoCrash"]

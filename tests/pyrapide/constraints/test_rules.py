"""must_match, never and every(P).leads_to(Q) checked over whole computations."""

from __future__ import annotations

import json
import math
import warnings

import pytest

from pyrapide.constraints import (
    ConstraintViolation,
    LeadsTo,
    MustMatch,
    Never,
    every,
    must_match,
    never,
)
from pyrapide.core import Computation, Event
from pyrapide.patterns import Pattern, PatternSyntaxError, placeholder


def ids(violations: list[ConstraintViolation]) -> list[list[str]]:
    return [[event.id for event in v.matched_events] for v in violations]


@pytest.fixture
def comp() -> Computation:
    """call1 -> result1; call2 unanswered; an error caused by call2."""
    comp = Computation()
    call1 = comp.new_event("Tool.call", {"id": 1})
    comp.new_event("Tool.result", {"id": 1}, caused_by=[call1])
    call2 = comp.new_event("Tool.call", {"id": 2})
    comp.new_event("Tool.error", {"id": 2}, caused_by=[call2])
    return comp


def test_never_reports_each_forbidden_match_with_its_events(comp: Computation) -> None:
    violations = never(Pattern.match("Tool.error"), name="no_errors").check(comp)
    assert ids(violations) == [["e4"]]
    (violation,) = violations
    assert violation.constraint_name == "no_errors"
    assert violation.violation_type == "never_violated"
    assert violation.events == tuple(violation.matched_events)
    assert "Tool.error" in violation.description


def test_never_of_a_composite_pattern_names_all_its_events(comp: Computation) -> None:
    forbidden = Pattern.match("Tool.call") >> Pattern.match("Tool.error")
    assert ids(never(forbidden).check(comp)) == [["e3", "e4"]]


def test_never_holds_when_nothing_matches(comp: Computation) -> None:
    assert never(Pattern.match("Tool.crash")).check(comp) == []


def test_must_match_fails_once_with_no_events(comp: Computation) -> None:
    (violation,) = must_match(Pattern.match("Tool.crash"), name="crash").check(comp)
    assert violation.violation_type == "must_match_failed"
    assert violation.matched_events == []
    assert must_match(Pattern.match("Tool.result")).check(comp) == []


def test_leads_to_reports_the_unanswered_triggers(comp: Computation) -> None:
    rule = every(Pattern.match("Tool.call")).leads_to(Pattern.match("Tool.result"))
    assert isinstance(rule, LeadsTo)
    (violation,) = rule.check(comp)
    assert violation.violation_type == "leads_to_unanswered"
    assert ids([violation]) == [["e3"]]


def test_leads_to_needs_causal_precedence_not_just_later_recording() -> None:
    comp = Computation()
    comp.new_event("Tool.call")
    comp.new_event("Tool.result")  # later, but not caused by the call
    rule = every("Tool.call").leads_to("Tool.result")
    assert ids(rule.check(comp)) == [["e1"]]


def test_leads_to_answer_may_be_a_distant_descendant() -> None:
    comp = Computation()
    call = comp.new_event("Tool.call")
    hop = comp.new_event("Relay", caused_by=[call])
    comp.new_event("Tool.result", caused_by=[hop])
    assert every("Tool.call").leads_to("Tool.result").check(comp) == []


def test_leads_to_with_placeholders_pairs_trigger_and_answer(comp: Computation) -> None:
    k = placeholder("k")
    rule = every(Pattern.match("Tool.call", id=k)).leads_to(Pattern.match("Tool.result", id=k))
    (violation,) = rule.check(comp)
    assert ids([violation]) == [["e3"]]
    assert violation.bindings == {"k": 2}


def test_leads_to_with_a_composite_trigger_needs_every_event_to_precede() -> None:
    comp = Computation()
    a = comp.new_event("A")
    b = comp.new_event("B")  # independent of a
    comp.new_event("C", caused_by=[a])  # answers a only
    rule = every(Pattern.match("A") | Pattern.match("B")).leads_to(Pattern.match("C"))
    assert ids(rule.check(comp)) == [["e1", "e2"]]
    comp.new_event("C", caused_by=[a, b])
    assert rule.check(comp) == []


def test_description_and_its_message_alias(comp: Computation) -> None:
    by_description = never(Pattern.match("Tool.error"), description="errors are fatal")
    by_message = never(Pattern.match("Tool.error"), message="errors are fatal")
    assert by_description.description == by_message.description == "errors are fatal"
    assert by_message.check(comp)[0].description == "errors are fatal"
    with pytest.raises(TypeError, match="not both"):
        never(Pattern.match("X"), description="a", message="b")


def test_default_names_come_from_the_pattern_text() -> None:
    assert never(Pattern.match("A") >> Pattern.match("B")).name == "never A -> B"
    assert must_match(Pattern.match("A")).name == "must_match A"
    assert every("A").leads_to("B").name == "every A leads_to B"
    assert isinstance(never("A"), Never) and isinstance(must_match("A"), MustMatch)


def test_text_patterns_are_parsed_and_bad_ones_say_where() -> None:
    assert never("A -> B").pattern == Pattern.match("A") >> Pattern.match("B")
    with pytest.raises(PatternSyntaxError):
        never("A -> ")


def test_bad_arguments_are_refused_clearly() -> None:
    with pytest.raises(TypeError, match=r"never\(\) expects a Pattern"):
        never(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        must_match("A", name="")


def test_a_guard_that_raises_is_a_non_match_not_a_crash(comp: Computation) -> None:
    broken = Pattern.match("Tool.error").where(lambda m: m.payload["missing"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert never(broken).check(comp) == []
        assert len(must_match(broken).check(comp)) == 1


def test_placeholder_conflict_is_a_non_match() -> None:
    comp = Computation()
    req = comp.new_event("Req", {"k": 1})
    comp.new_event("Res", {"k": 2}, caused_by=[req])
    k = placeholder("k")
    rule = never(Pattern.match("Req", k=k) >> Pattern.match("Res", k=k))
    assert rule.check(comp) == []
    comp.new_event("Res", {"k": 1}, caused_by=[req])
    (violation,) = rule.check(comp)
    assert violation.bindings == {"k": 1}
    assert ids([violation]) == [["e1", "e3"]]


def test_check_accepts_a_poset(comp: Computation) -> None:
    assert ids(never("Tool.error").check(comp.poset)) == [["e4"]]


def test_violation_prints_and_serialises(comp: Computation) -> None:
    (violation,) = never("Tool.error", name="no_errors", description="bad").check(comp)
    assert str(violation) == "no_errors: never_violated: bad [events e4]"
    data = violation.to_dict()
    assert data["events"] == ["e4"] and data["constraint"] == "no_errors"
    assert data["type"] == "never_violated" and data["bindings"] == {}


def test_a_violation_of_a_hand_built_event_serialises_to_json_too() -> None:
    # to_dict promises JSON-safe data, but the bindings were the payload's values as
    # they were: a set, NaN or an integer too long to write failed json.dumps.
    comp = Computation()
    comp.record(Event("Odd", {"tags": {"a"}, "ratio": math.nan, "big": 10**5000}))
    fields = {name: placeholder(name) for name in ("tags", "ratio", "big")}
    (violation,) = never(Pattern.match("Odd", **fields)).check(comp)
    data = json.loads(json.dumps(violation.to_dict(), allow_nan=False))
    assert data["bindings"] == {
        "tags": "{'a'}", "ratio": "nan", "big": "<int of more than 4300 digits>"
    }
    assert "'big': <int of more than 4300 digits>" in repr(violation)


def test_leads_to_shared_placeholders_must_agree() -> None:
    comp = Computation()
    call1 = comp.new_event("Tool.call", {"id": 1})
    comp.new_event("Tool.call", {"id": 2})
    comp.new_event("Tool.result", {"id": 2}, caused_by=[call1])  # the wrong answer
    k = placeholder("k")
    rule = every(Pattern.match("Tool.call", id=k)).leads_to(Pattern.match("Tool.result", id=k))
    assert ids(rule.check(comp)) == [["e1"], ["e2"]]
    assert ids(every("Tool.call").leads_to("Tool.result").check(comp)) == [["e2"]]

"""Sequential constraints (must_match / never over P >> Q), checked at once or over a stream."""

from __future__ import annotations

import asyncio
import re

import pytest

from pyrapide import (
    Computation,
    Event,
    InMemoryEventSource,
    Pattern,
    must_match,
    never,
    placeholder,
)
from pyrapide.constraints import constraint
from pyrapide.constraints.checking import AsyncConstraintMonitor, check_conformance

request, response = Pattern.match("Request"), Pattern.match("Response")


def _pairs(*answered: bool) -> Computation:
    """One request per flag; a flagged one is answered by a response it causes."""
    computation = Computation()
    for number, is_answered in enumerate(answered):
        asked = Event("Request", {"n": number})
        computation.record(asked)
        if is_answered:
            computation.record(Event("Response", {"n": number}), caused_by=[asked])
    return computation


def test_a_sequence_must_match_holds_when_a_request_causes_a_response() -> None:
    answered = must_match(request >> response, name="answered")
    assert answered.check(_pairs(True, True, True)) == []
    # must_match is existential: one answered request is enough.
    assert answered.check(_pairs(False, True)) == []
    violations = answered.check(_pairs(False, False))
    assert [v.constraint_name for v in violations] == ["answered"]


def test_a_response_that_no_request_caused_is_no_sequence() -> None:
    computation = Computation()
    computation.record(Event("Request"))
    computation.record(Event("Response"))  # independent of the request
    assert len(must_match(request >> response).check(computation)) == 1


def test_never_forbids_an_order() -> None:
    init, shutdown = Pattern.match("Init"), Pattern.match("Shutdown")
    ordered = Computation()
    first = Event("Init")
    ordered.record(first)
    ordered.record(Event("Shutdown"), caused_by=[first])
    backwards = Computation()
    down = Event("Shutdown")
    backwards.record(down)
    backwards.record(Event("Init"), caused_by=[down])
    rule = never(shutdown >> init, name="no_init_after_shutdown")
    assert rule.check(ordered) == []
    [violation] = rule.check(backwards)
    assert [e.name for e in violation.matched_events] == ["Shutdown", "Init"]


def test_check_conformance_gathers_every_constraint() -> None:
    n = placeholder("n")
    rules = [
        must_match(Pattern.match("Request", n=n) >> Pattern.match("Response", n=n), name="a"),
        never(Pattern.match("Request", n=1), name="b"),
    ]
    violations = check_conformance(_pairs(False, False), rules)
    assert sorted(v.constraint_name for v in violations) == ["a", "b"]


def test_check_conformance_takes_a_constraint_class_as_a_monitor_does() -> None:
    @constraint
    class NoFirstRequest:
        def define(self) -> None:
            never(Pattern.match("Request", n=1))

    violations = check_conformance(_pairs(False, False), [NoFirstRequest])
    assert [v.constraint_name for v in violations] == ["NoFirstRequest"]
    with pytest.raises(TypeError, match="check_conformance takes constraints, not str 'Request'"):
        check_conformance(_pairs(False, False), ["Request"])
    # One constraint where the list goes was "'Never' object is not iterable", and one
    # text was taken letter by letter ("got str 'n'").
    with pytest.raises(TypeError, match=re.escape(
        "check_conformance takes a list of constraints, got Never (write [constraint])"
    )):
        check_conformance(_pairs(False, False), never("Request"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"check_conformance takes a list of constraints, got str$"):
        check_conformance(_pairs(False, False), "never Request")  # type: ignore[arg-type]


def test_monitor_stream_refuses_an_on_violation_it_cannot_call_before_reading() -> None:
    # It read the stream and failed at the first violation ("'int' object is not
    # callable"), the events read so far taken from the source.
    source = InMemoryEventSource("feed")
    source.put_nowait(Event("Crash"))
    monitor = AsyncConstraintMonitor([never(Pattern.match("Crash"))])
    with pytest.raises(TypeError, match="monitor_stream: on_violation must be callable, got int"):
        asyncio.run(monitor.monitor_stream(source, 3))  # type: ignore[arg-type]
    assert len(monitor.computation) == 0


def test_an_async_monitor_follows_a_stream_to_its_end() -> None:
    seen: list[str] = []

    async def alert(violation) -> None:  # type: ignore[no-untyped-def]
        seen.append(violation.constraint_name)

    async def scenario() -> list[str]:
        monitor = AsyncConstraintMonitor()
        monitor.add_constraint(never(Pattern.match("Crash"), name="no_crash"))
        monitor.add_constraint(must_match(request >> response, name="answered"))
        source = InMemoryEventSource("feed")
        asked = Event("Request")
        await source.put(asked)
        await source.put(Event("Crash"))
        await source.put(Event("Response"), caused_by=[asked])
        await source.close()
        reported = await monitor.monitor_stream(source, alert)
        assert await monitor.async_check(Event("Crash")) != []
        return [v.constraint_name for v in reported]

    assert asyncio.run(scenario()) == ["no_crash"]
    assert seen == ["no_crash"]


def test_an_unmet_requirement_is_reported_when_the_stream_ends() -> None:
    async def events():  # type: ignore[no-untyped-def]
        yield Event("Request")

    reported: list[str] = []
    monitor = AsyncConstraintMonitor([must_match(request >> response, name="answered")])
    asyncio.run(monitor.monitor_stream(events(), lambda v: reported.append(v.constraint_name)))
    assert reported == ["answered"]

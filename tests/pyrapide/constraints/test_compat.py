"""Code written for PyRapide 0.3.0's constraints and streams, as its README uses them."""

from __future__ import annotations

import asyncio

from pyrapide import (
    Computation,
    Constraint,
    ConstraintMonitor,
    Engine,
    Event,
    InMemoryEventSource,
    MustMatch,
    Never,
    Pattern,
    StreamProcessor,
    action,
    architecture,
    connect,
    constraint,
    get_context,
    interface,
    module,
    must_match,
    never,
    when,
)
from pyrapide.constraints import ConstraintViolation


@interface
class Sender:
    @action
    async def send(self, msg: str) -> None: ...


@interface
class Receiver:
    @action
    async def receive(self, msg: str) -> None: ...


@module(implements=Sender)
class SenderModule:
    async def start(self) -> None:
        ctx = get_context(self)
        ctx.generate_event("Sender.send", payload={"msg": "hello"})


@module(implements=Receiver)
class ReceiverModule:
    @when(Pattern.match("Sender.send"))
    async def on_send(self, match) -> None:  # type: ignore[no-untyped-def]
        ctx = get_context(self)
        event = list(match.events)[0]  # noqa: RUF015 (as the 0.3.0 README writes it)
        ctx.generate_event(
            "Receiver.receive", payload={"msg": event.payload["msg"]}, caused_by=list(match.events)
        )


@architecture
class MessagingArch:
    sender: Sender
    receiver: Receiver

    def connections(self):  # type: ignore[no-untyped-def]
        return [connect(Pattern.match("Sender.send"), "receiver")]


async def test_quick_start_constraint_over_an_engine_run() -> None:
    arch = MessagingArch()
    engine = Engine()
    engine.bind(arch, "sender", SenderModule)
    engine.bind(arch, "receiver", ReceiverModule)
    comp = await engine.run(arch, timeout=2.0)
    constraint_ = must_match(
        Pattern.match("Sender.send") >> Pattern.match("Receiver.receive"),
        message="Every send must cause a receive",
    )
    assert constraint_.check(comp) == []
    violations = never(Pattern.match("Receiver.receive")).check(comp)
    assert len(violations) == 1
    assert violations[0].matched_events[0].payload["msg"] == "hello"


def test_constructors_and_classes_take_the_same_arguments() -> None:
    pattern = Pattern.match("A")
    for made in (MustMatch(pattern, "m", "d"), must_match(pattern, name="m", description="d")):
        assert isinstance(made, MustMatch) and (made.name, made.description) == ("m", "d")
    assert isinstance(Never(pattern, name="n"), Never)


def test_monitor_session_in_the_0_3_0_style() -> None:
    monitor = ConstraintMonitor()
    monitor.add_constraint(never(Pattern.match("error"), name="no_errors"))
    monitor.add_constraint(must_match(Pattern.match("done"), name="finished"))
    request = Event(name="request", payload={"id": 1})
    error = Event(name="error", payload={"id": 1})
    assert monitor.check(request) == []
    new = monitor.check(error)
    monitor.record_causal_link(request, error)
    assert [v.constraint_name for v in new] == ["no_errors"]
    assert new[0].violation_type == "never_violated" and new[0].matched_events == [error]
    assert {v.constraint_name for v in monitor.violations} == {"no_errors", "finished"}
    assert monitor.computation.is_ancestor(request, error)
    comp = Computation()
    comp.record(Event(name="done"))
    assert monitor.check_all(comp) == []
    monitor.reset()
    assert monitor.constraint_names == ["no_errors", "finished"]


def test_constraint_class_with_define() -> None:
    @constraint
    class ToolSafety:
        name = "tool_safety"
        description = "No tool errors, and something must run"

        def define(self) -> None:
            never(Pattern.match("tool.error"))
            must_match(Pattern.match("tool.call"))

    comp = Computation()
    comp.record(Event(name="tool.error"))
    violations = ToolSafety().check(comp)
    assert sorted(v.violation_type for v in violations) == ["must_match_failed", "never_violated"]
    assert {v.constraint_name for v in violations} == {"tool_safety"}


async def test_stream_processor_in_the_readme_shape() -> None:
    db_source = InMemoryEventSource("database-server")
    ai_source = InMemoryEventSource("ai-server")
    no_errors = never(Pattern.match("mcp.tool.error"), message="No tool errors allowed")

    processor = StreamProcessor()
    processor.add_source("db", db_source)
    processor.add_source("ai", ai_source)
    processor.enforce(no_errors)

    violations = []
    processor.on_violation(lambda v: violations.append(v))

    async def simulate() -> None:
        await db_source.put(Event(name="mcp.tool.call", payload={"tool": "query"}))
        await ai_source.put(Event(name="mcp.tool.error", payload={"error": "rate limited"}))
        await db_source.close()
        await ai_source.close()

    await asyncio.wait_for(asyncio.gather(simulate(), processor.run()), 5)
    assert processor.stats["event_count"] == 2
    assert len(violations) == 1
    assert violations[0].description == "No tool errors allowed"


async def test_stream_watches_given_as_pattern_text_in_the_0_3_0_docs_shape() -> None:
    # 0.3.0's documentation watches by keyword, naming the event as text; every other
    # place that takes a pattern (connect, must_match, @when) takes its text too.
    source = InMemoryEventSource("sensor-cluster-a")
    processor = StreamProcessor()
    processor.add_source("sensors_a", source)
    readings: list[str] = []
    chains: list[list[str]] = []
    processor.watch(pattern="Sensor.reading", callback=lambda event: readings.append(event.name))
    processor.watch("Sensor.reading -> Alerter.alert", lambda m: chains.append(
        [e.name for e in m.events]
    ))
    processor.watch("Alerter.alert", readings.append)
    processor.unwatch("Alerter.alert")  # the same text, parsed again

    reading = Event(name="Sensor.reading", payload={"level": 9})
    await source.put(reading)
    await source.put(Event(name="Alerter.alert"), caused_by=[reading])
    await source.close()
    await asyncio.wait_for(processor.run(), 5)
    assert readings == ["Sensor.reading"]
    assert chains == [["Sensor.reading", "Alerter.alert"]]


class NoEmptyPayloads(Constraint):
    """A constraint of one's own, as 0.3.0 let one write it: no name of its own."""

    def check(self, computation):
        return [
            ConstraintViolation(
                constraint_name=self.name,
                violation_type="empty_payload",
                description=f"{event.name} carries nothing",
                matched_events=[event],
            )
            for event in computation
            if not event.payload
        ]


class StricterStill(NoEmptyPayloads):
    pass


def test_a_constraint_of_ones_own_naming_itself_nowhere_is_named_after_its_class() -> None:
    # Its violations, built with constraint_name=self.name, were named "" (0.3.0:
    # "unnamed") while the monitor registered the constraint as NoEmptyPayloads.
    comp = Computation()
    comp.record(Event(name="A"))
    assert [v.constraint_name for v in NoEmptyPayloads().check(comp)] == ["NoEmptyPayloads"]
    assert StricterStill().name == "StricterStill"
    monitor = ConstraintMonitor()
    monitor.add_constraint(NoEmptyPayloads())
    monitor.check(Event(name="B"))
    assert [v.constraint_name for v in monitor.violations] == ["NoEmptyPayloads"]
    assert monitor.constraint_names == ["NoEmptyPayloads"]
    named = NoEmptyPayloads()
    named.name = "payloads"  # a name given still wins
    assert named.name == "payloads" and NoEmptyPayloads.name == "NoEmptyPayloads"


def test_check_event_checks_first_the_events_recorded_before_it_and_not_checked() -> None:
    # 0.3.0's check_event(event, computation) judged the computation as it stood: given
    # only the last event of A -> B, the monitor fed B alone and never(A >> B) held.
    comp = Computation()
    first, second = Event(name="A"), Event(name="B")
    comp.record(first)
    comp.record(second, caused_by=[first])
    monitor = ConstraintMonitor()
    monitor.add_constraint(never(Pattern.match("A") >> Pattern.match("B"), name="ab"))
    found = monitor.check_event(second, comp)
    assert [(v.constraint_name, v.matched_events) for v in found] == [("ab", [first, second])]
    assert [v.constraint_name for v in monitor.violations] == ["ab"]
    third = Event(name="B")
    comp.record(third, caused_by=[second])
    assert [v.matched_events for v in monitor.check_event(third, comp)] == [[first, third]]

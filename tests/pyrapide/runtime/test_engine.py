"""PyRapide 0.3.0-style code: Engine().bind(...), await engine.run(arch, timeout=)."""

from __future__ import annotations

import asyncio
import gc
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pyrapide import (
    Engine,
    Event,
    Pattern,
    action,
    architecture,
    connect,
    get_context,
    interface,
    module,
    must_match,
    never,
    when,
)
from pyrapide.architecture import ArchitectureError, architecture_spec
from pyrapide.runtime import ConstraintViolated, EmitError, System

REPO = Path(__file__).resolve().parents[3]

# The quick start of PyRapide 0.3.0's README, unchanged.
QUICK_START = textwrap.dedent('''
    import asyncio
    from pyrapide import (
        Event, Computation, Poset, Pattern,
        interface, action, architecture, connect,
        module, when, get_context, Engine,
        must_match, visualization,
    )

    # 1. Define interfaces
    @interface
    class Sender:
        @action
        async def send(self, msg: str) -> None: ...

    @interface
    class Receiver:
        @action
        async def receive(self, msg: str) -> None: ...

    # 2. Define module implementations
    @module(implements=Sender)
    class SenderModule:
        async def start(self):
            ctx = get_context(self)
            ctx.generate_event("Sender.send", payload={"msg": "hello"})

    @module(implements=Receiver)
    class ReceiverModule:
        @when(Pattern.match("Sender.send"))
        async def on_send(self, match):
            ctx = get_context(self)
            event = list(match.events)[0]
            ctx.generate_event("Receiver.receive",
                               payload={"msg": event.payload["msg"]},
                               caused_by=list(match.events))

    # 3. Define the architecture
    @architecture
    class MessagingArch:
        sender: Sender
        receiver: Receiver
        def connections(self):
            return [connect(Pattern.match("Sender.send"), "receiver")]

    # 4. Run it
    async def main():
        arch = MessagingArch()
        engine = Engine()
        engine.bind(arch, "sender", SenderModule)
        engine.bind(arch, "receiver", ReceiverModule)
        comp = await engine.run(arch, timeout=2.0)

        # 5. Inspect the result
        print(visualization.summary(comp))

        # 6. Check a constraint
        constraint = must_match(Pattern.match("Sender.send") >> Pattern.match("Receiver.receive"),
                                message="Every send must cause a receive")
        violations = constraint.check(comp)
        print(f"Violations: {len(violations)}")

    asyncio.run(main())
''')


def test_the_0_3_0_readme_quick_start_runs_unchanged(tmp_path):
    script = tmp_path / "quick_start.py"
    script.write_text(QUICK_START)
    result = subprocess.run(
        [sys.executable, str(script)], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "2 events" in result.stdout
    assert "Sender.send" in result.stdout and "Receiver.receive" in result.stdout
    assert result.stdout.rstrip().endswith("Violations: 0")


@interface
class Sender:
    @action
    async def send(self, msg: str) -> None: ...


@interface
class Receiver:
    @action
    async def receive(self, msg: str) -> None: ...


@module(implements=Receiver)
class ReceiverModule:
    @when(Pattern.match("Sender.send"))
    async def on_send(self, match):
        get_context(self).generate_event(
            "Receiver.receive", payload={"msg": match.payload["msg"]}, caused_by=list(match.events)
        )


@architecture
class MessagingArch:
    sender: Sender
    receiver: Receiver

    def connections(self):
        return [connect(Pattern.match("Sender.send"), "receiver")]


async def test_bind_refuses_an_unknown_component_naming_the_candidates():
    engine = Engine()
    with pytest.raises(ArchitectureError, match=r"'reciever'.*receiver"):
        engine.bind(MessagingArch(), "reciever", ReceiverModule)


async def test_events_injected_before_run_are_recorded_and_delivered_and_unbound_parts_are_fine():
    engine = Engine()
    arch = MessagingArch()
    engine.bind(arch, "receiver", ReceiverModule)  # the sender stays unbound
    hello = Event(name="Sender.send", payload={"msg": "hi"})
    engine.inject(hello)
    computation = await engine.run(arch, timeout=1.0)
    (receive,) = computation.events_by_name("Receiver.receive")
    assert receive.payload["msg"] == "hi"
    assert computation.is_ancestor(hello, receive)
    assert engine.violations == []
    await engine.wait(timeout=1.0)  # stopped already: returns at once


async def test_inject_is_awaited_as_in_pyrapide_030_during_a_run():
    # 0.3.0's inject was a coroutine: `await engine.inject(event)` raised
    # "object NoneType can't be used in 'await' expression".
    outside = asyncio.Event()

    @module(implements=Sender)
    class Waiting:  # the run goes on while its start waits for the outside
        async def start(self):
            await outside.wait()

    engine = Engine()
    arch = MessagingArch()
    engine.bind(arch, "sender", Waiting)
    engine.bind(arch, "receiver", ReceiverModule)
    hello = Event(name="Sender.send", payload={"msg": "hi"})

    async def inject_while_running():
        await asyncio.sleep(0)
        assert await engine.inject(hello) is None
        outside.set()
        await engine.wait(timeout=1.0)

    computation, _ = await asyncio.gather(engine.run(arch, timeout=1.0), inject_while_running())
    (receive,) = computation.events_by_name("Receiver.receive")
    assert computation.is_ancestor(hello, receive)
    later = Event(name="Sender.send", payload={"msg": "again"})
    await engine.inject(later)  # before the next run, as the call without await
    assert later in await engine.run(arch, timeout=1.0)


async def test_inject_needs_an_event():
    with pytest.raises(TypeError, match="inject\\(\\) takes an Event"):
        Engine().inject("Sender.send")


@architecture
class CheckedArch:
    sender: Sender
    receiver: Receiver

    def connections(self):
        return [connect(Pattern.match("Sender.send"), "receiver")]

    def constraints(self):
        return [
            never(Pattern.match("Receiver.receive", msg="secret"), name="no secrets"),
            must_match(Pattern.match("Sender.send", msg="bye"), name="says goodbye"),
        ]


@module(implements=Sender)
class Chatty:
    async def start(self):
        ctx = get_context(self)
        await ctx.emit("Sender.send", msg="hello")
        await ctx.emit("Sender.send", msg="secret")
        await ctx.emit("Sender.send", msg="hello again")


async def test_architecture_constraints_are_checked_as_events_arrive():
    system = System(CheckedArch, {"sender": Chatty, "receiver": ReceiverModule})
    seen = []
    system.subscribe(
        lambda note: seen.append((note.violation.constraint_name, len(system.computation))),
        kinds=[ConstraintViolated],
    )
    await system.run()
    # "no secrets" is found when the fourth event (the secret's receipt) is recorded,
    # not at the end; "says goodbye" can only be judged when the run is over.
    assert seen == [("no secrets", 4), ("says goodbye", 6)]
    assert [v.constraint_name for v in system.violations] == ["no secrets", "says goodbye"]


async def test_engine_reports_the_violations_of_its_run():
    engine = Engine()
    arch = CheckedArch()
    engine.bind(arch, "sender", Chatty)
    engine.bind(arch, "receiver", ReceiverModule)
    await engine.run(arch, timeout=2.0)
    assert [v.constraint_name for v in engine.violations] == ["no secrets", "says goodbye"]


@module(implements=Sender)
class TwoSends:
    async def start(self):
        ctx = get_context(self)
        ctx.generate_event("Sender.send", payload={"msg": "one"})
        ctx.generate_event("Sender.send", payload={"msg": "two"})


@module(implements=Receiver)
class FailingReceiver:
    @when(Pattern.match("Sender.send"))
    async def on_send(self, match):
        raise RuntimeError(f"cannot take {match.payload['msg']}")


async def test_a_handler_error_comes_out_of_run_as_in_0_3_0_after_the_run_ends():
    engine = Engine()
    engine.bind(MessagingArch, "sender", TwoSends)
    engine.bind(MessagingArch, "receiver", FailingReceiver)
    with pytest.raises(RuntimeError) as raised:
        await engine.run(MessagingArch(), timeout=2.0)
    # The first error is raised, as 0.3.0 would; the other is counted, and kept.
    assert str(raised.value) == "cannot take one"
    assert raised.value.__notes__ == [
        "the first of 2 handler errors, all in engine.system.errors"
    ]
    assert len(engine.system.errors) == 2
    # Nothing recorded is lost: both sends are in the computation.
    assert [e.payload["msg"] for e in engine.computation.events_by_name("Sender.send")] == [
        "one",
        "two",
    ]


async def test_raise_errors_false_keeps_the_errors_and_returns_the_computation():
    engine = Engine()
    engine.bind(MessagingArch, "sender", TwoSends)
    engine.bind(MessagingArch, "receiver", FailingReceiver)
    computation = await engine.run(MessagingArch, timeout=2.0, raise_errors=False)
    assert len(computation.events_by_name("Sender.send")) == 2
    assert [str(note.error) for note in engine.system.errors] == [
        "cannot take one",
        "cannot take two",
    ]


@module(implements=Sender)
class OffScript:
    async def start(self):
        ctx = get_context(self)
        ctx.generate_event("Sender.shout", payload={"msg": "hi"})


async def test_an_emit_the_interface_does_not_declare_is_an_error_not_silence():
    # 0.3.0 recorded any name; here it is refused, and an Engine user must hear so.
    engine = Engine()
    engine.bind(MessagingArch, "sender", OffScript)
    with pytest.raises(EmitError, match=r"sender cannot emit 'Sender.shout'.*Sender.send"):
        await engine.run(MessagingArch, timeout=2.0)
    assert len(engine.computation) == 0


async def test_events_are_stamped_with_logical_time_unless_the_engine_runs_in_real_time():
    stamps = {}
    for real_time in (False, True):
        engine = Engine(real_time=real_time)
        engine.bind(MessagingArch, "sender", TwoSends)
        computation = await engine.run(MessagingArch, timeout=2.0)
        stamps[real_time] = [event.timestamp for event in computation.topological_order()]
    assert stamps[False] == [0.0, 0.0]
    assert all(stamp > 1e9 for stamp in stamps[True])  # seconds since the epoch, as 0.3.0's


async def test_a_violation_says_where_in_the_run_it_was_found_the_same_in_every_run():
    async def violations_of_a_run() -> list[dict]:
        system = System(CheckedArch, {"sender": Chatty, "receiver": ReceiverModule})
        await system.run()
        return [violation.to_dict() for violation in system.violations]

    first = await violations_of_a_run()
    # Found by the fourth event (the secret's receipt), at the run's logical time, not
    # the wall clock's; the unmet must_match is decided at the end, after six events.
    assert [(v["constraint"], v["found_by"], v["position"], v["timestamp"]) for v in first] == [
        ("no secrets", first[0]["events"][-1], 4, 0.0),
        ("says goodbye", None, 6, 0.0),
    ]
    assert await violations_of_a_run() == first


# An architecture whose instances are made with arguments, read by what it declares.
@interface
class Gauge:
    @action
    async def level(self, n: int) -> None: ...


@interface
class Alarm:
    @action
    async def raised(self, n: int) -> None: ...


@module(implements=Gauge)
class Rising:
    async def start(self):
        for n in range(5):
            get_context(self).generate_event("Gauge.level", payload={"n": n})


@module(implements=Alarm)
class Siren:
    @when(Pattern.match("Gauge.level"))
    async def on_level(self, match):
        get_context(self).generate_event("Alarm.raised", payload={"n": match.payload["n"]})


@architecture
class Monitored:
    gauge: Gauge
    alarm: Alarm

    def __init__(self, threshold, forbidden=None):
        self.threshold = threshold
        self.forbidden = forbidden

    def connections(self):
        over = Pattern.match("Gauge.level").where(lambda e: e.payload["n"] >= self.threshold)
        return [connect(over, "alarm")]

    def constraints(self):
        forbidden = Pattern.match("Alarm.raised").where(lambda e: e.payload["n"] == self.forbidden)
        return [never(forbidden, name="forbidden level")]


async def run_monitored(arch):
    engine = Engine()
    engine.bind(arch, "gauge", Rising)
    engine.bind(arch, "alarm", Siren)
    computation = await engine.run(arch, timeout=2.0)
    raised = sorted(event.payload["n"] for event in computation.events_by_name("Alarm.raised"))
    return raised, [v.constraint_name for v in engine.violations]


async def test_an_instance_given_to_run_declares_its_connections_and_constraints_for_itself():
    # connections(self) was called once, at decoration, on an instance made without
    # __init__: the guard then read no threshold, and every delivery failed.
    assert await run_monitored(Monitored(threshold=3)) == ([3, 4], [])
    assert await run_monitored(Monitored(threshold=1, forbidden=2)) == (
        [1, 2, 3, 4],
        ["forbidden level"],
    )
    # The class itself keeps what it declared when it was decorated.
    assert architecture_spec(Monitored).cls is Monitored
    assert len(Monitored.connections_list) == 1


@architecture
class MonitoredBySelf:
    gauge: Gauge
    alarm: Alarm

    def __init__(self, threshold):
        self.threshold = threshold

    def connections(self):
        over = Pattern.match("Gauge.level").where(lambda e: e.payload["n"] >= self.threshold)
        return [connect(over, self.alarm)]


async def test_an_instance_given_to_run_names_its_annotated_components_as_attributes():
    # PyRapide 0.3.0's instances held their components as attributes, and its
    # documentation targets them (`agent(pattern, self.researcher)`): run on an
    # instance made with arguments, connections(self) failed reading self.alarm.
    assert await run_monitored(MonitoredBySelf(threshold=3)) == ([3, 4], [])
    assert MonitoredBySelf(threshold=0).alarm is Alarm


@architecture
class Wired:
    gauge = Gauge
    alarm = Alarm

    def __init__(self, wiring="alarm"):
        self.wiring = wiring

    def connections(self):
        return [connect(Pattern.match("Gauge.level"), getattr(self, "wiring", "alarm"))]


async def test_what_an_instance_declares_is_checked_as_a_class_declaration_is():
    assert (await run_monitored(Wired()))[0] == [0, 1, 2, 3, 4]
    with pytest.raises(ArchitectureError, match=r"unknown target 'alrm'.*alarm"):
        await run_monitored(Wired("alrm"))


@interface
class Ping:
    @action
    async def ping(self, n: int) -> None: ...


@interface
class Pong:
    @action
    async def pong(self, n: int) -> None: ...


@module(implements=Ping)
class Pinger:
    async def start(self):
        get_context(self).generate_event("Ping.ping", payload={"n": 0})

    @when(Pattern.match("Pong.pong"))
    async def on_pong(self, match):
        get_context(self).generate_event("Ping.ping", payload={"n": match.payload["n"] + 1})


@module(implements=Pong)
class Ponger:
    @when(Pattern.match("Ping.ping"))
    async def on_ping(self, match):
        get_context(self).generate_event("Pong.pong", payload={"n": match.payload["n"]})


@architecture
class Rally:
    ping: Ping
    pong: Pong

    def connections(self):
        return [
            connect(Pattern.match("Ping.ping"), "pong"),
            connect(Pattern.match("Pong.pong"), "ping"),
        ]


async def test_a_synchronous_cycle_cut_short_is_a_warning_not_silence():
    engine = Engine(max_connect_depth=10)
    engine.bind(Rally, "ping", Pinger)
    engine.bind(Rally, "pong", Ponger)
    with pytest.warns(RuntimeWarning, match=r"engine.run: connect delivery of \S+ \(Ping.ping\) "
                      r"to pong not made: .*max_connect_depth=10 \(a synchronous cycle\?\)"):
        computation = await engine.run(Rally, timeout=2.0)
    assert len(computation) == 11  # nothing recorded is lost
    assert [note.limit for note in engine.system.limits] == ["connect_depth"]


@module(implements=Gauge)
class Endless:
    async def start(self):
        while True:
            get_context(self).generate_event("Gauge.level", payload={"n": 0})
            await asyncio.sleep(0.01)  # outside the system: only the timeout ends the run


async def test_a_run_ended_by_its_timeout_is_no_warning(recwarn):
    engine = Engine()
    engine.bind(Monitored, "gauge", Endless)
    await engine.run(Monitored(threshold=9), timeout=0.2)
    assert [note.limit for note in engine.system.limits] == ["timeout"]
    assert [w for w in recwarn if issubclass(w.category, RuntimeWarning)] == []


# A handler whose pattern spans several events, its parts wired to it one connection
# each, as 0.3.0 code may write it: a handler is matched among the events of one
# delivery, so it never runs here, and engine.run must say so.
@interface
class Tool:
    @action
    async def call(self, cid: int) -> None: ...

    @action
    async def result(self, cid: int) -> None: ...


@interface
class Auditor:
    @action
    async def paired(self, cid: int) -> None: ...


@module(implements=Tool)
class OneCall:
    async def start(self):
        ctx = get_context(self)
        call = ctx.generate_event("Tool.call", payload={"cid": 1})
        ctx.generate_event("Tool.result", payload={"cid": 1}, caused_by=[call])


@module(implements=Auditor)
class Pairing:
    @when(Pattern.match("Tool.call") >> Pattern.match("Tool.result"))
    async def on_roundtrip(self, match):
        get_context(self).generate_event("Auditor.paired", payload={"cid": 1})


@architecture
class Audited:
    tool: Tool
    auditor: Auditor

    def connections(self):
        return [
            connect(Pattern.match("Tool.call"), "auditor"),
            connect(Pattern.match("Tool.result"), "auditor"),
        ]


async def test_deliveries_no_handler_took_are_a_warning_not_silence():
    engine = Engine()
    engine.bind(Audited, "tool", OneCall)
    engine.bind(Audited, "auditor", Pairing)
    with pytest.warns(RuntimeWarning) as warned:
        computation = await engine.run(Audited, timeout=2.0)
    (warning,) = warned
    call = computation.events_by_name("Tool.call")[0]
    assert str(warning.message) == (
        f"engine.run: no @when handler took the delivery of Tool.call ({call.id}) to "
        "auditor and 1 more (Pairing.on_roundtrip handles Tool.call -> Tool.result, which "
        "takes 2 events at least and a delivery brings 1); a handler is matched among the "
        f"events of one delivery, and engine.system.why_not({call.id!r}) tells more"
    )
    assert computation.events_by_name("Auditor.paired") == []


@module(implements=Tool)
class ManyCalls:
    async def start(self):
        ctx = get_context(self)
        for cid in range(3000):
            ctx.generate_event("Tool.call", payload={"cid": cid})

    async def finish(self):
        # The run's end: every delivery no handler took has been told of by now. Those
        # an earlier test left unreachable but not yet collected are not kept.
        gc.collect()
        ManyCalls.kept = sum(type(o).__name__ == "DeliveryUnhandled" for o in gc.get_objects())


async def test_a_storm_of_deliveries_no_handler_took_is_counted_not_kept():
    engine = Engine()
    engine.bind(Audited, "tool", ManyCalls)
    engine.bind(Audited, "auditor", Pairing)
    with pytest.warns(RuntimeWarning, match=r"to auditor and 2999 more \(Pairing"):
        await engine.run(Audited, timeout=30.0)
    assert ManyCalls.kept <= 1  # the first, which the warning names; not 3,000


@module(implements=Receiver)
class Deaf:
    pass


async def test_a_delivery_to_a_module_with_no_handler_is_told_and_to_an_unbound_part_not(
    recwarn,
):
    engine = Engine()
    engine.bind(MessagingArch, "sender", TwoSends)
    await engine.run(MessagingArch, timeout=2.0)  # the receiver left unbound: by design
    assert [w for w in recwarn if issubclass(w.category, RuntimeWarning)] == []
    for deaf in (Deaf, Deaf()):  # a module bound as a class, or as an instance
        engine.bind(MessagingArch, "receiver", deaf)
        with pytest.warns(RuntimeWarning, match=re.escape(
            "no @when handler took the delivery of Sender.send (e1) to receiver and 1 more "
            "(its module has no @when handler); engine.system.why_not('e1') tells more"
        )):
            await engine.run(MessagingArch, timeout=2.0)


@module(implements=Receiver)
class Choosy:
    @when(Pattern.match("Sender.send", msg="three"))
    async def on_three(self, match): ...

    @when(Pattern.match("Sender.send").where(lambda e: e.payload["msg"] == "four"))
    async def on_four(self, match): ...


async def test_a_handler_declining_a_delivery_for_its_fields_or_guard_is_no_warning(recwarn):
    # Filtering by a handler's pattern is a choice, not a wiring mistake.
    engine = Engine()
    engine.bind(MessagingArch, "sender", TwoSends)
    engine.bind(MessagingArch, "receiver", Choosy)
    computation = await engine.run(MessagingArch, timeout=2.0)
    assert len(computation) == 2
    assert [w for w in recwarn if issubclass(w.category, RuntimeWarning)] == []


@module(implements=Receiver)
class ValveWatcher:
    @when(Pattern.match("Valve.*"))
    async def on_valve(self, match): ...


@module(implements=Receiver)
class AnySend:
    @when(Pattern.match("*.send", msg="three"))
    async def on_three(self, match): ...


async def test_a_handler_on_a_name_with_a_star_names_only_the_names_it_completes(recwarn):
    # "Valve.*" takes no Sender.send, as a handler on Valve.opened would not.
    engine = Engine()
    engine.bind(MessagingArch, "sender", TwoSends)
    engine.bind(MessagingArch, "receiver", ValveWatcher)
    with pytest.warns(RuntimeWarning, match=re.escape(
        "no @when handler took the delivery of Sender.send (e1) to receiver and 1 more "
        '(ValveWatcher.on_valve handles "Valve.*"); engine.system.why_not'
    )):
        await engine.run(MessagingArch, timeout=2.0)
    # "*.send" names it, and declines these two for their fields: a choice, not a slip.
    engine.bind(MessagingArch, "receiver", AnySend)
    recwarn.clear()
    await engine.run(MessagingArch, timeout=2.0)
    assert [w for w in recwarn if issubclass(w.category, RuntimeWarning)] == []


@architecture
class BySourceClass:
    sender: Sender
    receiver: Receiver

    def connections(self):
        # 0.3.0 gave a module's events its class's name as their source.
        return [connect(Pattern.match("Sender.send", source="TwoSends"), "receiver")]


async def test_a_connection_naming_a_module_class_as_its_source_is_a_warning():
    engine = Engine()
    engine.bind(BySourceClass, "sender", TwoSends)
    engine.bind(BySourceClass, "receiver", ReceiverModule)
    with pytest.warns(RuntimeWarning, match=re.escape(
        "engine.run: connection #0 (connect Sender.send from \"TwoSends\" -> receiver) "
        "names the source 'TwoSends', the module bound to 'sender'; an event's source is "
        "its component's name ('sender'), so it never fires for that module's events"
    )):
        computation = await engine.run(BySourceClass, timeout=2.0)
    assert computation.events_by_name("Receiver.receive") == []


async def test_a_system_of_an_instance_runs_what_the_instance_declares():
    system = System(Monitored(threshold=2), {"gauge": Rising, "alarm": Siren})
    computation = await system.run()
    assert sorted(e.payload["n"] for e in computation.events_by_name("Alarm.raised")) == [2, 3, 4]


async def test_bind_on_an_instance_runs_what_the_instance_declares():
    # bind was a classmethod: Monitored(threshold=2).bind(...) dropped the instance,
    # so the guard read no threshold, every delivery failed, and no alarm was raised.
    system = Monitored(threshold=2).bind(gauge=Rising, alarm=Siren)
    computation = await system.run()
    assert sorted(e.payload["n"] for e in computation.events_by_name("Alarm.raised")) == [2, 3, 4]
    assert system.errors == []
    forbidding = Monitored(threshold=0, forbidden=1).bind(gauge=Rising, alarm=Siren)
    await forbidding.run()
    assert [v.constraint_name for v in forbidding.violations] == ["forbidden level"]


def _deaf_handler(number: int):  # a handler of events no connection brings
    @when(Pattern.match(f"Receiver.other{number}"))
    async def handler(self, match):
        pass

    handler.__name__ = handler.__qualname__ = f"ManyDeaf.on_{number}"
    return handler


async def test_a_delivery_no_handler_took_is_told_with_a_few_of_many_handlers(recwarn):
    # Each of dozens of handlers was named, making a warning screens long.
    many = module(implements=Receiver)(
        type("ManyDeaf", (), {f"on_{n}": _deaf_handler(n) for n in range(30)})
    )
    engine = Engine()
    engine.bind(MessagingArch, "sender", TwoSends)
    engine.bind(MessagingArch, "receiver", many)
    with pytest.warns(RuntimeWarning, match=re.escape(
        "to receiver and 1 more (ManyDeaf.on_0 handles Receiver.other0; ManyDeaf.on_1 "
        "handles Receiver.other1; ManyDeaf.on_2 handles Receiver.other2; and 27 more "
        "handlers); engine.system.why_not('e1') tells more"
    )):
        await engine.run(MessagingArch, timeout=2.0)


@interface
class Counter:
    @action
    async def tick(self, n: int) -> None: ...


@module(implements=Counter)
class Ticking:
    async def start(self):
        get_context(self).generate_event("Counter.tick", payload={"n": 0})

    @when(Pattern.match("Counter.tick"))
    async def on_tick(self, match):
        if match.payload["n"] < 3:
            get_context(self).generate_event("Counter.tick", payload={"n": match.payload["n"] + 1})


@architecture
class Alone:
    counter: Counter


@architecture
class LoopedBack:
    counter: Counter

    def connections(self):
        return [connect(Pattern.match("Counter.tick"), "counter")]


async def test_a_handler_of_its_own_modules_events_with_no_connection_back_is_a_warning():
    # PyRapide 0.3.0 ran a module's handlers on the events it emitted itself: its
    # code counting with its own events stopped after the first, without a word.
    engine = Engine()
    engine.bind(Alone, "counter", Ticking)
    with pytest.warns(RuntimeWarning, match=re.escape(
        "engine.run: counter emitted Counter.tick (e1), which its handler Ticking.on_tick "
        "takes, but no connection delivers Counter.tick to counter, so the handler never "
        "ran for it: a module hears only what connections deliver to it (PyRapide 0.3.0 "
        "ran a module's handlers on its own events); to loop it back, add "
        'pipe(Pattern.match("Counter.tick"), "counter")'
    )):
        computation = await engine.run(Alone, timeout=2.0)
    assert len(computation) == 1


async def test_a_module_whose_own_events_are_connected_back_is_no_warning(recwarn):
    engine = Engine()
    engine.bind(LoopedBack, "counter", Ticking)
    computation = await engine.run(LoopedBack, timeout=2.0)
    assert [event.payload["n"] for event in computation] == [0, 1, 2, 3]
    assert [w for w in recwarn if issubclass(w.category, RuntimeWarning)] == []


@module(implements=Counter)
class TickingToAll:
    async def start(self):
        get_context(self).generate_event("Counter.tick", payload={"n": 0})

    @when(Pattern.match("*"))
    async def on_anything(self, match): ...


async def test_a_handler_of_any_event_is_not_warned_of_the_modules_own_events(recwarn):
    engine = Engine()
    engine.bind(Alone, "counter", TickingToAll)
    await engine.run(Alone, timeout=2.0)
    assert [w for w in recwarn if issubclass(w.category, RuntimeWarning)] == []

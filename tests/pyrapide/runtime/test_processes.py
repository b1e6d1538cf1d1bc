"""Modules driven by hand: local contexts, reactive processes, process managers, event queues."""

from __future__ import annotations

import asyncio

import pytest

from pyrapide import Event, Pattern, action, get_context, interface, module, placeholder, when
from pyrapide.runtime.context import EmitError
from pyrapide.runtime.event_queue import EventScheduler
from pyrapide.runtime.processes import (
    LocalContext,
    ModuleState,
    ModuleStateError,
    ProcessManager,
    ReactiveProcess,
    WhenRegistry,
    local_context,
)


@interface
class Echo:
    @action
    async def reply(self, data: str) -> None: ...

    @action
    async def done(self) -> None: ...


@module(implements=Echo)
class EchoModule:
    def __init__(self) -> None:
        self.started = self.finished = False

    async def start(self) -> None:
        self.started = True

    async def finish(self) -> None:
        self.finished = True

    @when(Pattern.match("Request", data=placeholder("d")))
    async def on_request(self, match):  # type: ignore[no-untyped-def]
        context = get_context(self)
        context.generate_event("Echo.reply", {"data": match.bindings["d"]})
        await context.emit("done")

    @when(Pattern.match("Ping"))
    def on_ping(self, match):  # type: ignore[no-untyped-def]
        get_context(self).generate_event("reply", {"data": "pong"})


def _fire(instance: object, *events: Event) -> tuple[LocalContext, list[Event]]:
    async def scenario() -> tuple[LocalContext, list[Event]]:
        context = local_context(instance)
        await context.run_start()
        registry = WhenRegistry.scan(instance)
        emitted: list[Event] = []
        for event in events:
            context.computation.record(event)
            emitted.extend(await registry.fire_all(event, context))
        await context.run_finish()
        return context, emitted

    return asyncio.run(scenario())


def test_a_module_runs_through_its_life_by_hand() -> None:
    instance = EchoModule()
    context = LocalContext(instance, "echo")
    assert context.state is ModuleState.CREATED and context.state == "CREATED"
    asyncio.run(context.run_start())
    assert instance.started and context.state == "RUNNING"
    with pytest.raises(ModuleStateError, match="cannot start module echo in state RUNNING"):
        asyncio.run(context.run_start())
    asyncio.run(context.run_finish())
    assert instance.finished and context.state == "FINISHED"
    assert get_context(instance) is context


def test_handlers_fire_for_what_matches_and_what_they_emit_is_caused_by_it() -> None:
    request, ping, other = Event("Request", {"data": "hi"}), Event("Ping"), Event("Noise")
    context, emitted = _fire(EchoModule(), request, other, ping, Event("Request", {"data": "yo"}))
    assert [(e.name, dict(e.payload)) for e in emitted] == [
        ("Echo.reply", {"data": "hi"}), ("Echo.done", {}),
        ("Echo.reply", {"data": "pong"}),
        ("Echo.reply", {"data": "yo"}), ("Echo.done", {}),
    ]
    reply, done = emitted[0], emitted[1]
    assert context.computation.direct_causes(reply) == (request,)
    assert context.computation.direct_causes(done) == (reply,)
    assert context.computation.direct_causes(emitted[2]) == (ping,)
    assert {e.source for e in emitted} == {"EchoModule"}
    assert context.module_events == emitted


def test_an_event_fired_unrecorded_is_recorded_as_a_root_as_0_3_0_code_fires_them() -> None:
    async def scenario() -> tuple[LocalContext, list[Event], Event]:
        instance = EchoModule()
        context = local_context(instance)
        await context.run_start()
        request = Event("Request", {"data": "hi"})  # never recorded by the caller
        emitted = await WhenRegistry.scan(instance).fire_all(request, context)
        return context, emitted, request

    context, emitted, request = asyncio.run(scenario())
    assert [e.name for e in emitted] == ["Echo.reply", "Echo.done"]
    assert context.computation.root_events() == {request}
    assert context.computation.direct_causes(emitted[0]) == (request,)


def test_a_handler_may_not_emit_outside_its_interface() -> None:
    @module(implements=Echo)
    class Rogue:
        @when("Ping")
        def on_ping(self, match):  # type: ignore[no-untyped-def]
            get_context(self).generate_event("Other.thing")

    with pytest.raises(EmitError, match=r"Rogue cannot emit 'Other\.thing'"):
        _fire(Rogue(), Event("Ping"))


def test_a_registry_lists_one_process_per_handler_and_skips_inactive_ones() -> None:
    instance = EchoModule()
    registry = WhenRegistry.scan(instance)
    assert [p.handler.__name__ for p in registry.processes] == ["on_request", "on_ping"]
    process = registry.processes[1]
    assert isinstance(process, ReactiveProcess) and process.module_instance is instance
    process.active = False
    context = local_context(instance)
    ping = Event("Ping")
    context.computation.record(ping)
    assert asyncio.run(registry.fire_all(ping, context)) == []


def _overlap(serial: bool) -> int:
    """The most handlers of one module running at once, fed two events together."""
    running: list[str] = []
    most = 0

    @module(serial=serial)
    class Worker:
        async def _work(self, name: str) -> None:
            nonlocal most
            running.append(name)
            most = max(most, len(running))
            await asyncio.sleep(0.01)
            running.remove(name)

        @when("Job")
        async def first(self, match):  # type: ignore[no-untyped-def]
            await self._work("first")

        @when("Job")
        async def second(self, match):  # type: ignore[no-untyped-def]
            await self._work("second")

    async def scenario() -> None:
        instance = Worker()
        context = local_context(instance)
        registry = WhenRegistry.scan(instance)
        jobs = [Event("Job"), Event("Job")]
        for job in jobs:
            context.computation.record(job)
        await asyncio.gather(*(registry.fire_all(job, context) for job in jobs))

    asyncio.run(scenario())
    return most


def test_a_serial_module_runs_one_handler_at_a_time() -> None:
    assert _overlap(serial=True) == 1
    assert _overlap(serial=False) > 1


def test_a_process_manager_runs_its_processes_together() -> None:
    order: list[str] = []

    async def worker(name: str, delay: float) -> str:
        await asyncio.sleep(delay)
        order.append(name)
        return name

    async def scenario() -> list[object]:
        manager = ProcessManager()
        for name, delay in [("slow", 0.02), ("fast", 0.0), ("middle", 0.01)]:
            manager.add_process(worker(name, delay))
        assert len(manager.processes) == 3
        results = await manager.run_all()
        assert manager.processes == []
        return results

    assert asyncio.run(scenario()) == ["slow", "fast", "middle"]
    assert order == ["fast", "middle", "slow"]


def test_stop_all_cancels_running_processes() -> None:
    async def forever() -> None:
        await asyncio.Event().wait()

    async def scenario() -> None:
        manager = ProcessManager()
        manager.add_process(forever())
        running = asyncio.ensure_future(manager.run_all())
        await asyncio.sleep(0)
        await manager.stop_all()
        [outcome] = await running
        assert isinstance(outcome, asyncio.CancelledError)

    asyncio.run(asyncio.wait_for(scenario(), timeout=5))


def test_add_process_wants_a_coroutine() -> None:
    async def job() -> None: ...

    with pytest.raises(TypeError, match="call the async function to get one"):
        ProcessManager().add_process(job)  # type: ignore[arg-type]


def test_an_event_scheduler_is_a_queue_with_a_processed_set() -> None:
    async def scenario() -> list[str | None]:
        scheduler = EventScheduler()
        first, second = Event("A"), Event("B")
        scheduler.enqueue(first)
        scheduler.enqueue(second)
        scheduler.shutdown()
        assert scheduler.pending == 3
        taken: list[str | None] = []
        while (event := await scheduler.next()) is not None:
            scheduler.mark_processed(event)
            taken.append(event.name)
        assert scheduler.is_processed(first) and scheduler.is_processed(second)
        scheduler.reset()
        assert scheduler.pending == 0 and not scheduler.is_processed(first)
        return taken

    assert asyncio.run(scenario()) == ["A", "B"]


def test_every_consumer_of_an_event_scheduler_ends_at_shutdown() -> None:
    # The shutdown mark was taken by the first consumer to reach it: the second waited
    # forever, and so did any next() after the end.
    async def scenario() -> list[str]:
        scheduler = EventScheduler()
        for name in "ABC":
            scheduler.enqueue(Event(name))
        scheduler.shutdown()
        taken: list[str] = []

        async def consume() -> None:
            while (event := await scheduler.next()) is not None:
                taken.append(event.name)

        await asyncio.wait_for(asyncio.gather(consume(), consume()), 10)
        assert await asyncio.wait_for(scheduler.next(), 10) is None
        return taken

    assert sorted(asyncio.run(scenario())) == ["A", "B", "C"]

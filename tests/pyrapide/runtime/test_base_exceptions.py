"""What ends a Python program, raised by user code, ends nothing but that code's step;
the user's own Ctrl-C goes through; a stopped system refuses emits."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    get_context,
    interface,
    module,
    when,
)
from pyrapide.runtime import (
    EmitError,
    GuardError,
    HandlerError,
    ModuleBuildError,
    SubscriberError,
    System,
)

RAISED = [KeyboardInterrupt, SystemExit, GeneratorExit, asyncio.CancelledError, BaseException]


@interface
class Bell:
    @action
    async def ring(self, n: int) -> None: ...


@interface
class Ear:
    @action
    async def heard(self, n: int) -> None: ...


def _loud(match) -> bool:
    if match.payload["n"] == 0:
        raise SystemExit("the guard leaves")
    return True


@architecture
class Belfry:
    bell = Bell
    ear = Ear
    connections = [
        connect(Pattern.match("Bell.ring"), target=ear),
        agent(Pattern.match("Bell.ring").where(_loud), target=ear),
    ]


def belfry(raised: type[BaseException] | None = None, *, start_hook=None) -> System:
    @module(implements=Ear)
    class Listener:
        @when(Pattern.match("Bell.ring"))
        async def on_ring(self, match):
            if raised is not None and match.payload["n"] == 1:
                raise raised("from the listener")
            await get_context(self).emit("Ear.heard", n=match.payload["n"])

    @module(implements=Bell)
    class Ringer:
        async def start(self) -> None:
            if start_hook is not None:
                await start_hook(get_context(self))

    return System(Belfry, {"bell": Ringer, "ear": Listener})


@pytest.mark.parametrize("raised", RAISED, ids=lambda kind: kind.__name__)
async def test_a_handler_raising_it_is_a_handler_error_and_the_run_goes_on(raised) -> None:
    system = belfry(raised)
    await system.start()
    for n in (1, 2):
        system.inject("Bell.ring", {"n": n})
    await system.run_until_quiet()
    errors = system.errors
    assert len(errors) == 2  # the event reaches the listener through both connections
    for error in errors:
        assert type(error.error) is raised
        assert error.component == "ear" and error.event.payload == {"n": 1}
        assert f"{raised.__name__}: from the listener" in error.traceback
    heard = [e.payload["n"] for e in system.computation.events_by_source("ear")]
    assert sorted(heard) == [2, 2]  # the other event, through both connections
    await system.stop()
    assert system.state == "stopped"


async def test_a_guard_raising_system_exit_is_a_guard_error() -> None:
    system = belfry()
    await system.start()
    system.inject("Bell.ring", {"n": 0})
    await system.run_until_quiet()
    (error,) = system.errors
    assert isinstance(error, GuardError) and isinstance(error.error, SystemExit)
    assert [e.name for e in system.computation] == ["Bell.ring", "Ear.heard"]


async def test_a_start_hook_raising_system_exit_is_reported_with_its_hook() -> None:
    async def leave(ctx) -> None:
        await ctx.emit("Bell.ring", n=2)
        raise SystemExit(3)

    system = belfry(start_hook=leave)
    await system.run()
    (error,) = system.errors
    assert error.hook == "start" and error.event is None
    assert isinstance(error.error, SystemExit)
    assert len(system.computation) == 3  # the ring, and what it was heard as


@pytest.mark.parametrize("raised", [ValueError, SystemExit, GeneratorExit, KeyboardInterrupt],
                         ids=lambda kind: kind.__name__)
async def test_a_module_raising_as_it_is_built_names_its_component(raised) -> None:
    @module(implements=Ear)
    class Unbuildable:
        def __init__(self) -> None:
            raise raised("no ear today")

    @module(implements=Bell)
    class Ringer:
        pass

    system = System(Belfry, {"bell": Ringer, "ear": Unbuildable})
    with pytest.raises(ModuleBuildError) as refused:
        await system.start()
    assert str(refused.value) == (
        f"cannot build component 'ear': {Unbuildable.__qualname__}() raised "
        f"{raised.__name__}: no ear today"
    )
    assert refused.value.component == "ear" and type(refused.value.__cause__) is raised


async def test_a_subscriber_raising_system_exit_is_dropped_and_reported() -> None:
    system = belfry()
    seen = []

    def leaves(note) -> None:
        raise SystemExit("the subscriber leaves")

    system.subscribe(leaves, "EventRecorded")
    system.subscribe(seen.append, "SubscriberError")
    await system.start()
    system.inject("Bell.ring", {"n": 2})
    await system.run_until_quiet()
    (dropped,) = seen
    assert isinstance(dropped, SubscriberError) and isinstance(dropped.error, SystemExit)
    assert len(system.computation) == 3


@pytest.mark.usefixtures("collector_paused")  # the SIGINT is not lost in a gc callback
async def test_the_users_ctrl_c_in_a_handler_leaves_the_run() -> None:
    # A handler raising KeyboardInterrupt itself is contained (above); the one Python
    # raises for a SIGINT, wherever it lands, is the user's and ends the run.
    @module(implements=Ear)
    class Pressed:
        @when(Pattern.match("Bell.ring"))
        async def on_ring(self, match):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # the signal is handled between two bytecodes here
                pass

    @module(implements=Bell)
    class Ringer:
        pass

    system = System(Belfry, {"bell": Ringer, "ear": Pressed})
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        await system.start()
        system.inject("Bell.ring", {"n": 2})
        with pytest.raises(KeyboardInterrupt):
            await system.run_until_quiet()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert system.errors == []
    assert system.state == "paused"  # the delivery to the agent is still queued
    assert signal.getsignal(signal.SIGINT) is previous


@pytest.mark.usefixtures("collector_paused")
async def test_the_users_ctrl_c_as_a_module_is_built_leaves_the_start() -> None:
    @module(implements=Ear)
    class SlowToBuild:
        def __init__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # the signal is handled between two bytecodes here
                pass

    @module(implements=Bell)
    class Ringer:
        pass

    system = System(Belfry, {"bell": Ringer, "ear": SlowToBuild})
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            await system.start()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert signal.getsignal(signal.SIGINT) is previous


async def test_a_stopped_system_refuses_emits_from_its_modules_own_tasks() -> None:
    later: list[asyncio.Task] = []
    outcome: list[BaseException | None] = []

    async def go_on_after_the_run(ctx) -> None:
        await asyncio.sleep(0.01)  # the run is over by now
        try:
            await ctx.emit("Bell.ring", n=2)
        except EmitError as error:
            outcome.append(error)
        try:
            ctx.generate_event("Bell.ring", {"n": 3})
        except EmitError as error:
            outcome.append(error)

    async def start(ctx) -> None:
        later.append(asyncio.ensure_future(go_on_after_the_run(ctx)))

    system = belfry(start_hook=start)
    computation = await system.run()
    await later[0]
    assert [str(error) for error in outcome] == [
        "bell cannot emit 'Bell.ring': the system is stopped (its run is over; reset() "
        "starts it over)"
    ] * 2
    assert len(computation) == 0
    assert system.pending() == [] and system.in_flight() == []


async def test_a_reset_system_refuses_the_emits_of_its_old_modules() -> None:
    system = belfry()
    await system.start()
    old = get_context(system.modules["bell"])
    system.reset()
    with pytest.raises(EmitError, match="the system is stopped"):
        await old.emit("Bell.ring", n=1)
    await system.start()
    assert len(system.computation) == 0


def test_handler_error_names_a_hook_only_for_hooks() -> None:
    assert HandlerError.__dataclass_fields__["hook"].default is None

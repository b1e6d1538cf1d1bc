"""A run's end closes the handlers still in flight: what their ``finally`` and
``except`` blocks do then is the handlers' own code, contained, reported and watched
like the rest of it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import sys
import time

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
from pyrapide.runtime import EmitError, HandlerError, HandlerTimeout, System


@interface
class Desk:
    @action
    async def ask(self, n: int) -> None: ...


@interface
class Clerk:
    @action
    async def gave_up(self, n: int) -> None: ...


@module(implements=Desk)
class Counter:
    pass


@architecture
class Office:
    desk = Desk
    clerk = Clerk
    connections = [agent(Pattern.match("Desk.ask"), target=clerk)]


def never_done() -> asyncio.Future[None]:
    """An outside future nothing completes: the handler awaiting it is in flight at stop()."""
    return asyncio.get_running_loop().create_future()


async def closed_in_flight(clerk: type, **options) -> System:
    """Start, let the clerk's handler reach its outside future, and stop the system."""
    system = System(Office, {"desk": Counter, "clerk": clerk}, **options)
    await system.start()
    system.inject("Desk.ask", {"n": 1})
    assert await system.step() is not None
    assert [task.reason for task in system.in_flight()] == ["outside"]
    await system.stop()
    assert system.state == "stopped"
    return system


async def test_what_a_handler_raises_as_it_is_closed_is_its_error() -> None:
    @module(implements=Clerk)
    class Grumpy:
        @when(Pattern.match("Desk.ask"))
        async def on_ask(self, match):
            try:
                await never_done()
            except BaseException:
                raise ValueError("nobody answered") from None

    system = await closed_in_flight(Grumpy)
    (error,) = system.errors
    assert isinstance(error, HandlerError) and isinstance(error.error, ValueError)
    assert error.component == "clerk" and error.event.payload == {"n": 1}
    assert 'raise ValueError("nobody answered")' in error.traceback
    assert [e.name for e in system.computation] == ["Desk.ask"]


async def test_an_emit_in_a_finally_as_the_run_ends_is_refused_and_reported() -> None:
    @module(implements=Clerk)
    class Polite:
        @when(Pattern.match("Desk.ask"))
        async def on_ask(self, match):
            try:
                await never_done()
            finally:
                await get_context(self).emit("Clerk.gave_up", n=match.payload["n"])

    system = System(Office, {"desk": Counter, "clerk": Polite})
    system.inject("Desk.ask", {"n": 1})
    computation = await system.run(timeout=0.05)  # returns: the emit is the handler's error
    (error,) = system.errors
    assert isinstance(error.error, EmitError) and "the system is stopped" in str(error.error)
    assert [e.name for e in computation] == ["Desk.ask"]


async def test_a_handler_awaiting_in_its_finally_is_closed_there_too_and_nothing_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cleaned = []

    @module(implements=Clerk)
    class Tidy:
        @when(Pattern.match("Desk.ask"))
        async def on_ask(self, match):
            try:
                await never_done()
            finally:
                try:
                    await asyncio.sleep(0)
                finally:
                    cleaned.append(match.payload["n"])

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    system = await closed_in_flight(Tidy)
    assert system.errors == [] and cleaned == [1]  # by the end of stop()
    gc.collect()
    assert unraisable == []  # no coroutine left to complain as it is collected


@pytest.mark.parametrize(
    ("caught", "how"),
    [
        # Nothing ends it: Python complains once more as it lets go of it, the handler's
        # doing.
        (BaseException, "it was left unfinished"),
        # It takes only the run's end: left, it was closed once more as Python collected
        # it, which ran its code outside any run and printed "Exception ignored in:
        # <coroutine ...>" with a traceback after the transcript.
        (GeneratorExit, "an exception raised there instead ended it"),
    ],
)
async def test_a_handler_that_will_not_stop_awaiting_is_reported_and_ended_if_it_can_be(
    monkeypatch: pytest.MonkeyPatch, caught: type[BaseException], how: str
) -> None:
    @module(implements=Clerk)
    class Stubborn:
        @when(Pattern.match("Desk.ask"))
        async def on_ask(self, match):
            while True:
                with contextlib.suppress(caught):  # the run's end included
                    await never_done()

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    system = await closed_in_flight(Stubborn)
    (error,) = system.errors
    assert isinstance(error.error, RuntimeError) and error.component == "clerk"
    assert str(error.error) == (
        "clerk (#1) went on awaiting after the run ended: GeneratorExit was raised at its "
        f"await 8 times and each time it awaited again; {how}"
    )
    if caught is GeneratorExit:
        gc.collect()
        assert unraisable == []


@pytest.mark.skipif(
    not hasattr(signal, "pthread_kill"), reason="the watchdog needs signal.pthread_kill"
)
async def test_a_handler_blocking_as_it_is_closed_is_stopped_by_the_watchdog() -> None:
    @module(implements=Clerk)
    class Slow:
        @when(Pattern.match("Desk.ask"))
        async def on_ask(self, match):
            try:
                await never_done()
            finally:
                time.sleep(30)  # block

    began = time.perf_counter()
    system = await closed_in_flight(Slow, handler_timeout=0.2)
    assert time.perf_counter() - began < 10
    (error,) = system.errors
    assert isinstance(error.error, HandlerTimeout)
    assert "time.sleep(30)  # block" in error.traceback.splitlines()[-3]


@module(implements=Clerk)
class Closing:
    """Its finish hook flushes to the outside (an asyncio sleep), then says so."""

    async def finish(self):
        await asyncio.sleep(0.05)
        await get_context(self).emit("Clerk.gave_up", n=0)


async def test_a_finish_hook_awaiting_the_outside_runs_to_its_end() -> None:
    system = System(Office, {"desk": Counter, "clerk": Closing})
    computation = await system.run()
    assert [e.name for e in computation] == ["Clerk.gave_up"]
    assert system.errors == [] and system.limits == []


async def test_a_finish_hook_still_waiting_at_the_timeout_is_closed_and_reported() -> None:
    @module(implements=Clerk)
    class Hanging:
        async def finish(self):
            await never_done()

    system = System(Office, {"desk": Counter, "clerk": Hanging})
    began = time.perf_counter()
    await system.run(timeout=0.2)
    assert time.perf_counter() - began < 5
    (limit,) = system.limits
    assert limit.limit == "timeout" and limit.message == (
        "the finish hook of clerk was closed: the timeout came while it waited on the "
        "outside (an asyncio future)"
    )
    assert system.state == "stopped"


async def test_a_finish_hook_that_sleeps_for_ever_in_logical_time_is_closed_at_the_bound(
) -> None:
    # Each wake-up hands control back, so no handler bound stopped it, and the deadline
    # bounded only waits on the outside: stop() never returned (the workbench's quit
    # hung, and a Ctrl-C could not reach it).
    @module(implements=Clerk)
    class Polling:
        async def finish(self):
            while True:
                await get_context(self).sleep(1)

    system = System(Office, {"desk": Counter, "clerk": Polling}, handler_timeout=0.2)
    await system.run()
    (limit,) = system.limits
    assert limit.limit == "timeout"
    assert limit.message.startswith(
        "the finish hook of clerk was closed: the timeout came while it was still waking "
        "up from its sleeps ("
    )
    assert system.state == "stopped" and system.errors == []


async def test_a_finish_hook_that_sleeps_a_while_in_logical_time_runs_to_its_end() -> None:
    @module(implements=Clerk)
    class Draining:
        async def finish(self):
            for _ in range(3_000):
                await get_context(self).sleep(1)
            await get_context(self).emit("Clerk.gave_up", n=int(get_context(self).now))

    system = System(Office, {"desk": Counter, "clerk": Draining}, handler_timeout=30)
    computation = await system.run()
    assert [e.payload["n"] for e in computation] == [3_000]
    assert system.limits == [] and system.errors == []


async def test_a_handler_resetting_its_own_system_gets_the_error_of_its_call() -> None:
    systems: list[System] = []

    @module(implements=Clerk)
    class Resetting:
        @when(Pattern.match("Desk.ask"))
        async def on_ask(self, match):
            systems[0].reset()  # it is running: it cannot be closed

    system = System(Office, {"desk": Counter, "clerk": Resetting})
    systems.append(system)
    system.inject("Desk.ask", {"n": 1})
    await system.run()
    (error,) = system.errors
    # Refused before anything is closed, as run_until_quiet() and step() are (it was
    # Python's "ValueError: coroutine already executing", from halfway through).
    assert isinstance(error.error, RuntimeError) and error.component == "clerk"
    assert "reset() cannot be called from a handler" in str(error.error)
    assert "systems[0].reset()" in error.traceback


@pytest.mark.parametrize("call", ["run", "stop", "reset"])
async def test_a_handler_ending_its_system_from_a_connect_is_refused_and_the_run_goes_on(
    call: str,
) -> None:
    # The handler runs within the connect delivery of a start hook's emit. Ending or
    # restarting the system there closed the waiting hook under the run, which died
    # with "RuntimeError: cannot reuse already awaited coroutine", its run lost.
    systems: list[System] = []

    @module(implements=Desk)
    class Asking:
        async def start(self):
            await get_context(self).emit("Desk.ask", n=1)
            await get_context(self).emit("Desk.ask", n=2)

    @module(implements=Clerk)
    class Ending:
        @when(Pattern.match("Desk.ask"))
        async def on_ask(self, match):
            system = systems[0]
            if call == "reset":
                system.reset()
            else:
                await getattr(system, call)()

    @architecture
    class Calling:
        desk = Desk
        clerk = Clerk
        connections = [connect(Pattern.match("Desk.ask"), target=clerk)]

    system = System(Calling, {"desk": Asking, "clerk": Ending})
    systems.append(system)
    computation = await system.run()
    assert [e.payload["n"] for e in computation] == [1, 2]
    assert [type(e.error) for e in system.errors] == [RuntimeError, RuntimeError]
    assert f"{call}() cannot be called from a handler" in str(system.errors[0].error)
    assert system.state == "stopped"


async def test_a_pause_ends_the_wait_on_a_finish_hook() -> None:
    @module(implements=Clerk)
    class Hanging:
        async def finish(self):
            await never_done()

    system = System(Office, {"desk": Counter, "clerk": Hanging})
    await system.start()
    stopping = asyncio.ensure_future(system.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # it waits on the hook
    system.pause()
    await asyncio.wait_for(stopping, 5)
    assert system.state == "stopped" and system.limits == [] and system.errors == []


async def test_the_handler_timeout_bounds_the_wait_on_a_finish_hook_with_no_timeout() -> None:
    # Else the end of a run, an exploration's schedule or the workbench's quit hung.
    @module(implements=Clerk)
    class Hanging:
        async def finish(self):
            await never_done()

    system = System(Office, {"desk": Counter, "clerk": Hanging}, handler_timeout=0.2)
    began = time.perf_counter()
    await system.run()
    assert time.perf_counter() - began < 5
    (limit,) = system.limits
    assert limit.limit == "timeout" and "the finish hook of clerk was closed" in limit.message


async def test_a_subscriber_resetting_a_running_system_is_refused_and_reported() -> None:
    # A notification of a step (here: a delivery finished) comes while the run is
    # stepping; a reset there closed what the run was driving, as from a handler.
    from pyrapide.runtime import DispatchFinished, SubscriberError

    @module(implements=Clerk)
    class Idle:
        @when(Pattern.match("Desk.ask"))
        async def on_ask(self, match):
            pass

    system = System(Office, {"desk": Counter, "clerk": Idle})
    dropped: list[SubscriberError] = []
    system.subscribe(dropped.append, kinds=[SubscriberError])
    system.subscribe(lambda note: system.reset(), kinds=[DispatchFinished])
    system.inject("Desk.ask", {"n": 1})
    system.inject("Desk.ask", {"n": 2})
    computation = await system.run()
    assert [e.payload["n"] for e in computation] == [1, 2]
    (note,) = dropped
    assert "reset() cannot be called from a subscriber while the system runs" in str(
        note.error
    )
    assert system.state == "stopped"


@interface
class Slow:
    @action
    async def done(self, n: int) -> None: ...


def slow_office() -> System:
    """Three asks, each answered by a handler that waits on the outside first."""

    @module(implements=Desk)
    class Asking:
        async def start(self):
            for n in range(3):
                await get_context(self).emit("Desk.ask", n=n)

    @module(implements=Slow)
    class Waiting:
        @when(Pattern.match("Desk.ask"))
        async def on_ask(self, match):
            await never_done()

    @architecture
    class SlowOffice:
        desk = Desk
        slow = Slow
        connections = [agent(Pattern.match("Desk.ask"), target=slow)]

    return System(SlowOffice, {"desk": Asking, "slow": Waiting})


async def test_a_stop_from_another_task_ends_the_run_it_interrupts() -> None:
    # run() waited on its handlers' outside futures; a stop() from another task closed
    # them under it, and run() never returned: the computation was out of reach.
    system = slow_office()
    running = asyncio.ensure_future(system.run())
    while len(system.in_flight()) < 3:
        await asyncio.sleep(0)
    await asyncio.wait_for(system.stop(), 5)
    computation = await asyncio.wait_for(running, 5)
    assert [e.payload["n"] for e in computation] == [0, 1, 2]
    assert system.state == "stopped" and system.errors == []


async def test_a_stop_from_another_task_ends_a_paused_run_and_a_run_loop() -> None:
    system = slow_office()
    running = asyncio.ensure_future(system.run())
    while len(system.in_flight()) < 3:
        await asyncio.sleep(0)
    system.pause()  # run() now waits for resume()
    while system.state != "paused":
        await asyncio.sleep(0)
    await asyncio.wait_for(system.stop(), 5)
    assert len(await asyncio.wait_for(running, 5)) == 3
    # A caller driving the loop itself sees it return, paused, and the system stopped.
    system = slow_office()
    looping = asyncio.ensure_future(system.run_until_quiet())
    while len(system.in_flight()) < 3:
        await asyncio.sleep(0)
    await asyncio.wait_for(system.stop(), 5)
    outcome = await asyncio.wait_for(looping, 5)
    assert outcome.stopped == "paused" and system.state == "stopped"


async def test_a_run_loop_while_a_run_waits_for_resume_is_refused() -> None:
    # run_until_quiet() from another task was let in while run() waited for resume();
    # resumed, that run() then met the other loop and raised "run_until_quiet(): the
    # system is running already", and the run ended there.
    @interface
    class Ticker:
        @action
        async def tick(self, n: int) -> None: ...

    @module(implements=Ticker)
    class Ticking:
        async def start(self):
            ctx = get_context(self)
            for n in range(300):
                await ctx.sleep(1)
                await ctx.emit("Ticker.tick", n=n)

    @architecture
    class Ticks:
        ticker = Ticker
        connections: list[object] = []

    system = System(Ticks, {"ticker": Ticking})
    system.subscribe(
        lambda note: system.pause() if note.event.payload["n"] == 3 else None, "EventRecorded"
    )
    running = asyncio.ensure_future(system.run())
    while system.state != "paused":
        await asyncio.sleep(0)
    for call in (system.run, system.run_until_quiet):
        with pytest.raises(RuntimeError, match=r"a run\(\) of the system goes on in another task"):
            await asyncio.wait_for(call(), 5)
    system.resume()
    computation = await asyncio.wait_for(running, 5)
    assert len(computation) == 300 and system.state == "stopped"


async def test_a_second_run_or_a_reset_while_the_system_runs_is_refused() -> None:
    # A second run() stepped the scheduler in turn with the first, which never ended.
    system = slow_office()
    running = asyncio.ensure_future(system.run())
    while len(system.in_flight()) < 3:
        await asyncio.sleep(0)
    for call in (system.run, system.run_until_quiet):
        with pytest.raises(RuntimeError, match="the system is running already"):
            await asyncio.wait_for(call(), 5)
    with pytest.raises(RuntimeError, match=r"reset\(\) cannot be called while a run\(\)"):
        system.reset()
    await system.stop()
    assert len(await asyncio.wait_for(running, 5)) == 3

"""Work in flight is state: sleepers, waits on connects and on outside futures, wake-ups."""

from __future__ import annotations

import asyncio

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
    pipe,
    when,
)
from pyrapide.runtime import EventRecorded, RunState, System, TaskResumed, WaitReason


@interface
class Desk:
    @action
    async def letter(self, n: int) -> None: ...


@interface
class Clerk:
    @action
    async def answered(self, n: int) -> None: ...

    @action
    async def asked(self, n: int) -> None: ...


@interface
class Boss:
    @action
    async def ok(self, n: int) -> None: ...


@module(implements=Desk)
class Quiet:
    """The tests inject its letters."""


@module(implements=Clerk)
class Sleeper:
    """Takes n units of logical time over letter n, then answers."""

    @when(Pattern.match("Desk.letter"))
    async def on_letter(self, match):
        ctx = get_context(self)
        await ctx.sleep(match.payload["n"])
        await ctx.emit("Clerk.answered", n=match.payload["n"])


@module(implements=Clerk)
class Asker:
    """Asks the boss through a connect before answering."""

    @when(Pattern.match("Desk.letter"))
    async def on_letter(self, match):
        ctx = get_context(self)
        await ctx.emit("Clerk.asked", n=match.payload["n"])
        await ctx.emit("Clerk.answered", n=match.payload["n"])


@module(implements=Boss)
class SlowBoss:
    @when(Pattern.match("Clerk.asked"))
    async def on_asked(self, match):
        await get_context(self).sleep(5)
        await get_context(self).emit("Boss.ok", n=match.payload["n"])


@module(implements=Clerk)
class Waiter:
    """Waits on an outside future the test holds."""

    future: asyncio.Future[None] | None = None

    @when(Pattern.match("Desk.letter"))
    async def on_letter(self, match):
        type(self).future = asyncio.get_running_loop().create_future()
        await type(self).future
        await get_context(self).emit("Clerk.answered", n=match.payload["n"])


@module(implements=Clerk)
class Patient:
    """Waits on an outside future the test holds over letter 1; answers others at once."""

    future: asyncio.Future[None] | None = None

    @when(Pattern.match("Desk.letter"))
    async def on_letter(self, match):
        if match.payload["n"] == 1:
            type(self).future = asyncio.get_running_loop().create_future()
            await type(self).future
        await get_context(self).emit("Clerk.answered", n=match.payload["n"])


def office(kind):
    @architecture
    class Office:
        desk = Desk
        clerk = Clerk
        boss = Boss
        connections = [
            kind(Pattern.match("Desk.letter"), target=clerk),
            connect(Pattern.match("Clerk.asked"), target=boss),
        ]

    return Office


async def started(kind, clerk):
    system = System(office(kind), {"desk": Quiet, "clerk": clerk, "boss": SlowBoss})
    await system.start()
    return system


async def one_behind_another():
    """A pipe's two letters: the head in flight (asleep until t=2), the other behind it."""
    system = await started(pipe, Sleeper)
    system.inject("Desk.letter", {"n": 2})
    system.inject("Desk.letter", {"n": 1})
    head, behind = system.pending()
    await system.step()
    return system, head, behind


async def test_a_sleeper_is_in_flight_and_the_system_is_not_quiet():
    system = await started(agent, Sleeper)
    system.inject("Desk.letter", {"n": 2})
    (dispatch,) = system.pending()
    await system.step()
    assert system.pending() == []
    (flight,) = system.in_flight()
    assert flight.dispatch is dispatch and flight.component == "clerk"
    assert (flight.reason, flight.until) == (WaitReason.SLEEPING, 2.0)
    assert flight.describe() == "asleep until t=2"
    assert system.wakeups() == [flight]
    assert system.state is RunState.PAUSED  # not quiet: work is in flight
    await system.run_until_quiet()
    assert system.in_flight() == [] and system.state is RunState.QUIET


async def test_a_wake_up_is_a_step_of_its_own_chosen_by_id_even_before_the_queue():
    system = await started(agent, Sleeper)
    resumed = []
    system.subscribe(resumed.append, kinds=[TaskResumed])
    system.inject("Desk.letter", {"n": 3})
    system.inject("Desk.letter", {"n": 1})
    first, second = system.pending()
    await system.step(first.id)  # letter 3: asleep until t=3
    assert [d.id for d in system.pending()] == [second.id]
    # Chosen by id, the sleeper wakes before the pending delivery runs: the clock moves.
    assert await system.step(f"#{first.id}") is first
    assert system.now == 3.0 and first.state == "done"
    assert [note.task.dispatch for note in resumed] == [first]
    assert resumed[0].task.reason is WaitReason.SLEEPING
    (answer,) = system.computation.events_by_name("Clerk.answered")
    assert answer.payload["n"] == 3


async def test_step_wake_takes_the_earliest_wake_up():
    system = await started(agent, Sleeper)
    for n in (4, 2):
        system.inject("Desk.letter", {"n": n})
    await system.step("agent")
    await system.step("agent")
    assert [w.until for w in system.wakeups()] == [2.0, 4.0]
    resumed = await system.step("wake")
    assert resumed is not None and resumed.event.payload["n"] == 2 and system.now == 2.0


async def test_an_emitter_waiting_on_its_connects_says_which():
    system = await started(agent, Asker)
    system.inject("Desk.letter", {"n": 1})
    outer = await system.step()
    (inner,) = system.pending()
    assert inner.kind == "connect"
    (flight,) = system.in_flight()
    assert flight.reason is WaitReason.CONNECTS and flight.waits_on == (inner,)
    assert flight.describe() == f"waits on its connect deliveries (#{inner.id})"
    await system.step()  # the boss falls asleep
    reasons = {(f.dispatch.id, f.reason) for f in system.in_flight()}
    assert reasons == {(outer.id, WaitReason.CONNECTS), (inner.id, WaitReason.SLEEPING)}
    # A task waiting on its connects cannot be resumed by hand.
    with pytest.raises(ValueError, match=rf"#{outer.id} cannot be resumed now"):
        await system.step(outer.id)


async def test_a_pipe_delivery_behind_one_in_flight_says_why_it_waits():
    system, head, behind = await one_behind_another()
    assert system.blocked(behind) == (
        f"#{behind.id} waits behind #{head.id}, in flight: asleep until t=2"
    )
    assert system.next_dispatch("pipe") is None
    with pytest.raises(ValueError, match=rf"waits behind #{head.id}"):
        await system.step(behind.id)


async def test_blocked_takes_a_dispatch_or_its_id_and_names_what_it_cannot_find():
    system, head, behind = await one_behind_another()
    assert system.blocked(behind.id) == system.blocked(behind) is not None
    assert f"#{head.id}" in system.blocked(behind.id)
    pending = rf"\(pending: #{behind.id}\)"
    with pytest.raises(ValueError, match=rf"blocked\(#99\): no such pending dispatch {pending}"):
        system.blocked(99)
    with pytest.raises(TypeError, match="blocked\\(\\) takes a Dispatch or its id, got str 'x'"):
        system.blocked("x")


async def test_why_not_names_an_event_it_cannot_find():
    system = await started(pipe, Sleeper)
    with pytest.raises(KeyError, match="why_not\\(\\): no event 'e99' in the computation"):
        system.why_not("e99")
    with pytest.raises(TypeError, match="why_not\\(\\) takes an Event or its id, got int 5"):
        system.why_not(5)


async def test_a_task_waiting_on_an_outside_future_is_in_flight_until_it_is_done():
    system = await started(agent, Waiter)
    system.inject("Desk.letter", {"n": 1})
    outcome = asyncio.ensure_future(system.run_until_quiet())
    while Waiter.future is None:
        await asyncio.sleep(0)
    await asyncio.sleep(0.01)
    (flight,) = system.in_flight()
    assert flight.reason is WaitReason.OUTSIDE
    assert system.state is RunState.RUNNING and not outcome.done()
    Waiter.future.set_result(None)
    assert (await asyncio.wait_for(outcome, 5)).finished
    assert system.state is RunState.QUIET
    Waiter.future = None


async def test_an_event_injected_while_the_run_waits_on_an_outside_future_is_delivered():
    # The run loop waited for the future alone: letter 2, injected meanwhile, lay in the
    # queue until the future was done, though its agent delivery could run at once.
    system = await started(agent, Patient)
    system.inject("Desk.letter", {"n": 1})
    outcome = asyncio.ensure_future(system.run_until_quiet())
    while Patient.future is None:
        await asyncio.sleep(0)
    system.inject("Desk.letter", {"n": 2})
    answered: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    system.subscribe(
        lambda note: answered.done() or answered.set_result(note.event), kinds=(EventRecorded,)
    )
    answer = await asyncio.wait_for(answered, 5)  # a guard against the hang, not a timing
    assert (answer.name, answer.payload) == ("Clerk.answered", {"n": 2})
    assert not outcome.done() and system.in_flight()[0].reason is WaitReason.OUTSIDE
    Patient.future.set_result(None)
    assert (await asyncio.wait_for(outcome, 5)).finished
    answers = system.computation.events_by_name("Clerk.answered")
    assert [event.payload["n"] for event in answers] == [2, 1]
    Patient.future = None

"""The one run loop: a step budget, a timeout, pauses, and what it says it did."""

from __future__ import annotations

import asyncio
import time

import pytest

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    get_context,
    interface,
    module,
    when,
)
from pyrapide.core.interrupts import USER_INTERRUPTS
from pyrapide.runtime import (
    DispatchStarted,
    EventRecorded,
    LimitReached,
    LogicalClock,
    RealTimeClock,
    RunState,
    StopReason,
    System,
    TaskResumed,
)
from pyrapide.runtime.running import STEPS_BETWEEN_YIELDS


@interface
class Ball:
    @action
    async def hit(self, n: int) -> None: ...


@module(implements=Ball)
class Player:
    """Hits back every ball, a unit of logical time later: a run that never ends."""

    async def start(self):
        if get_context(self).component == "left":
            await get_context(self).emit("Ball.hit", n=0)

    @when(Pattern.match("Ball.hit"))
    async def on_hit(self, match):
        ctx = get_context(self)
        await ctx.sleep(1)
        await ctx.emit("Ball.hit", n=match.payload["n"] + 1)


@architecture
class Rally:
    left = Ball
    right = Ball
    connections = [
        agent(Pattern.match("Ball.hit", source="left"), target="right"),
        agent(Pattern.match("Ball.hit", source="right"), target="left"),
    ]


def rally(**options) -> System:
    return System(Rally, {"left": Player, "right": Player}, max_events=None, **options)


async def test_a_step_budget_stops_the_loop_and_says_so():
    system = rally()
    outcome = await system.run_until_quiet(max_steps=10)
    assert (outcome.steps, outcome.stopped) == (10, StopReason.BUDGET)
    assert not outcome.finished and system.state is RunState.PAUSED and system.steps == 10
    again = await system.run_until_quiet(max_steps=5)
    assert again.steps == 5 and system.steps == 15


async def test_a_timeout_stops_a_run_that_never_ends_by_itself():
    system = rally()
    limits = []
    system.subscribe(limits.append, kinds=[LimitReached])
    began = time.perf_counter()
    outcome = await system.run_until_quiet(timeout=0.2)
    assert outcome.stopped is StopReason.TIMEOUT and outcome.steps > 10
    assert time.perf_counter() - began < 5
    assert [note.limit for note in limits] == ["timeout"]
    # A new run with time left goes on where it stopped.
    assert (await system.run_until_quiet(max_steps=3)).steps == 3


async def test_the_timeout_holds_however_seldom_the_loop_is_handed_back():
    system = rally()
    began = time.perf_counter()
    outcome = await system.run_until_quiet(timeout=0.2, yield_every=1000)
    assert outcome.stopped is StopReason.TIMEOUT
    assert time.perf_counter() - began < 5


async def test_a_subscriber_pause_stops_the_loop_with_the_steps_it_took():
    system = rally()

    def pause_at_five(note):
        if note.event.payload["n"] == 5:
            system.pause()

    system.subscribe(pause_at_five, kinds=[EventRecorded])
    outcome = await system.run_until_quiet()
    assert outcome.stopped is StopReason.PAUSED
    assert system.computation.events_by_name("Ball.hit")[-1].payload["n"] == 5


async def test_pause_ends_a_wait_for_real_time_work():
    system = rally(clock=RealTimeClock())
    run = asyncio.ensure_future(system.run_until_quiet())
    await asyncio.sleep(0.05)
    system.pause()
    outcome = await asyncio.wait_for(run, 2)
    assert outcome.stopped is StopReason.PAUSED


async def test_the_clock_is_an_argument_logical_by_default():
    assert isinstance(rally().clock, LogicalClock)
    assert isinstance(rally(real_time=True).clock, RealTimeClock)
    logical = rally()
    began = time.perf_counter()
    await logical.run_until_quiet(max_steps=40)
    assert logical.now >= 10 and time.perf_counter() - began < 2  # sleeping took no wall time
    real = rally(clock=RealTimeClock())
    began = time.perf_counter()
    await real.run_until_quiet(max_steps=4)
    assert time.perf_counter() - began >= 0.9  # a unit is a second of wall time
    assert real.computation.events_by_name("Ball.hit")[-1].timestamp > 1e9


async def test_a_run_that_finishes_says_quiet():
    @module(implements=Ball)
    class Once:
        async def start(self):
            if get_context(self).component == "left":
                await get_context(self).emit("Ball.hit", n=0)

    system = System(Rally, {"left": Once, "right": Once})
    outcome = await system.run_until_quiet()
    assert outcome.finished and outcome.stopped is StopReason.QUIET and outcome.steps == 1
    assert system.state is RunState.QUIET == "quiet"


def count_steps(system: System, at: int | None = None, then=None) -> list[int]:
    """Count the steps as they start (one DispatchStarted or TaskResumed each), calling
    ``then()`` from within step number ``at``."""
    taken = [0]

    def counted(_note):
        taken[0] += 1
        if taken[0] == at and then is not None:
            then()

    system.subscribe(counted, kinds=[DispatchStarted, TaskResumed])
    return taken


async def test_a_step_budget_is_exact_wherever_it_falls_among_the_loops_hand_backs():
    # The loop takes its steps in bursts, between two hand-backs to asyncio: a budget
    # ending inside a burst, at its end, or just past it stops exactly there.
    system = rally()
    taken = count_steps(system)
    total = 0
    for budget in (1, 62, 1, 64, 65, 129, 3):
        outcome = await system.run_until_quiet(max_steps=budget)
        total += budget
        assert (outcome.steps, outcome.stopped) == (budget, StopReason.BUDGET)
        assert system.steps == taken[0] == total


async def test_a_pause_from_a_subscriber_stops_the_loop_right_after_that_step():
    for at in (1, 2, 63, 64, 65, 128, 200):
        system = rally()
        taken = count_steps(system, at, system.pause)
        outcome = await system.run_until_quiet()
        assert (outcome.steps, outcome.stopped) == (at, StopReason.PAUSED), at
        assert system.steps == taken[0] == at


async def turns_of_other_work_during(system: System, max_steps: int, **options) -> int:
    """How many times another asyncio task ran while ``system`` took ``max_steps``."""
    turns = 0

    async def other_work():
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.ensure_future(other_work())
    await asyncio.sleep(0)
    before = turns
    outcome = await system.run_until_quiet(max_steps=max_steps, **options)
    other.cancel()
    assert outcome.steps == max_steps
    return turns - before


@pytest.mark.parametrize("interval", [0, 1000.0])
async def test_the_loop_hands_asyncio_back_after_a_burst_once_the_interval_passed(interval):
    # 0: after every burst; 1000 s: never within this run.
    turns = await turns_of_other_work_during(
        rally(), STEPS_BETWEEN_YIELDS * 10, yield_every=interval
    )
    assert turns == (10 if interval == 0 else 0)


@pytest.mark.parametrize("interval", [-1, float("nan"), "10ms", None, True])
async def test_a_yield_interval_that_is_no_number_of_seconds_is_refused_by_name(interval):
    system = rally()
    error = ValueError if isinstance(interval, float | int) and interval is not True else TypeError
    with pytest.raises(error, match="yield_every must be a non-negative number of seconds"):
        await system.run_until_quiet(max_steps=1, yield_every=interval)
    assert system.steps == 0


async def test_a_run_of_slow_steps_hands_asyncio_back_after_each_burst():
    # Each burst takes longer than YIELD_INTERVAL: the other task runs after each.
    @module(implements=Ball)
    class SlowPlayer(Player):
        @when(Pattern.match("Ball.hit"))
        async def on_hit(self, match):
            time.sleep(0.0005)
            await get_context(self).emit("Ball.hit", n=match.payload["n"] + 1)

    system = System(Rally, {"left": SlowPlayer, "right": SlowPlayer})
    assert await turns_of_other_work_during(system, STEPS_BETWEEN_YIELDS * 10) >= 9


async def test_a_ctrl_c_within_the_loop_keeps_the_count_of_the_steps_taken_before_it():
    system = rally()
    taken = count_steps(system, 100, USER_INTERRUPTS.interrupt)  # as Ctrl-C at step 100
    with pytest.raises(KeyboardInterrupt):
        await system.run_until_quiet()
    assert taken[0] == 100 and system.steps == 99  # the interrupted step is not counted


class _BrokenClock:
    """A logical clock of the user's making whose event timestamps are not finite."""

    def __init__(self, stamp: float) -> None:
        self.stamp, self.time = stamp, 0.0

    def start(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time

    def timestamp(self) -> float:
        return self.stamp

    def seconds_until(self, when: float) -> float:
        return 0.0

    def advance_to(self, when: float) -> None:
        self.time = max(self.time, when)


@pytest.mark.parametrize("stamp", [float("inf"), float("-inf"), float("nan")])
async def test_a_clock_that_gives_a_non_finite_timestamp_is_refused_where_it_is_used(stamp):
    # Recorded, such an event made the run unsaveable, and the save blamed its payload.
    system = rally(clock=_BrokenClock(stamp))
    with pytest.raises(ValueError, match="Event timestamp must be a finite number"):
        await system.run(max_events=3, raise_errors=True)
    assert len(system.computation) == 0
    system = rally(clock=_BrokenClock(stamp))
    with pytest.raises(ValueError, match="Event timestamp must be a finite number"):
        system.inject("Ball.hit", {"n": 7})
    assert len(system.computation) == 0

"""The interrupt that leaves (a second Ctrl-C, SIGTERM, SIGHUP) reaches the front end's
own task wherever its signal lands: in the command's code it is raised there; in the
event loop between two tasks, where raising it would leave the loop past the front end,
it waits for the command, which the pause it makes ends (:mod:`rapide_shell.interrupts`)."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from pyrapide.core.interrupts import USER_INTERRUPTS
from rapide_shell import notices
from rapide_shell.exit_status import EndedBySignal
from rapide_shell.interrupts import CtrlC
from rapide_shell.runtime_link import Bounds
from tests.shell.sessions import started

FOREVER = Path(__file__).parent / "tui" / "architectures" / "forever.py"
SELF_ENDING = FOREVER.with_name("self_ending.py")

# Each test signals its own process: the interrupt must not land in a gc callback.
pytestmark = pytest.mark.usefixtures("collector_paused")



def signalled_here(numbers: tuple[int, ...]) -> None:
    """Send this process each signal in ``numbers``; their handlers run in here, before
    this returns (a callback of the event loop: no task is running)."""
    for number in numbers:
        os.kill(os.getpid(), number)
        for _ in range(1000):  # Python runs a handler between two instructions
            pass


def endless_run_cut_short(path: Path, signals: tuple[int, ...] = ()) -> tuple[object, int]:
    """An endless run of the clock in ``path``, in a session at a front end's Ctrl-C
    handler; ``signals``, if any, sent 0.2 s into it from a callback of the event loop.
    What the front end's task caught, and the steps the run took."""

    async def front_end() -> tuple[object, int]:
        async with started(path, seed=0, bounds=Bounds(max_steps=10_000_000)) as session:
            await session.execute("inject Ticker.tick n=0")
            interrupts = CtrlC(session, pausing="", leaving="")
            with interrupts:
                if signals:
                    asyncio.get_running_loop().call_later(0.2, signalled_here, signals)
                try:
                    outcome = await interrupts.running(session.execute("run"))
                except KeyboardInterrupt as error:
                    return error, session.steps_in_run
                return outcome, session.steps_in_run

    try:
        return asyncio.run(front_end())
    except KeyboardInterrupt as error:
        pytest.fail(f"{error!r} left the event loop, past the front end")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_an_ending_signal_between_two_tasks_cuts_the_command_short(number: int) -> None:
    caught, steps = endless_run_cut_short(FOREVER, (number,))
    assert isinstance(caught, EndedBySignal) and caught.exit_status == 128 + number, caught
    assert 0 < steps < 10_000_000


def test_a_second_ctrl_c_between_two_tasks_cuts_the_command_short() -> None:
    caught, steps = endless_run_cut_short(FOREVER, (signal.SIGINT, signal.SIGINT))
    assert type(caught) is KeyboardInterrupt, caught
    assert 0 < steps < 10_000_000


@pytest.mark.parametrize(
    "signals", [(signal.SIGTERM,), (signal.SIGINT, signal.SIGINT)], ids=["SIGTERM", "Ctrl-C"]
)
def test_an_interrupt_in_a_handler_is_raised_there(monkeypatch, signals) -> None:
    # A handler of the user's that keeps its loop busy is cut short where it runs.
    monkeypatch.setenv("RAPIDE_TEST_SIGNALS", ",".join(str(int(number)) for number in signals))
    caught, steps = endless_run_cut_short(SELF_ENDING)
    assert isinstance(caught, KeyboardInterrupt), caught
    assert steps < 1000


def test_an_ending_signal_cuts_short_a_command_no_pause_ends() -> None:
    # A command waiting on something else than a run (here an event that only a guard
    # against a hang sets, 20 s on) is cut short where it waits.
    ended_by_itself: list[bool] = []

    async def waits(never: asyncio.Event) -> None:
        await never.wait()
        ended_by_itself.append(True)

    async def front_end() -> object:
        async with started(FOREVER, seed=0) as session:
            interrupts = CtrlC(session, pausing="", leaving="")
            loop, never = asyncio.get_running_loop(), asyncio.Event()
            loop.call_later(20, never.set)
            with interrupts:
                loop.call_later(0.2, signalled_here, (signal.SIGTERM,))
                try:
                    await interrupts.running(waits(never))
                except KeyboardInterrupt as error:
                    return error
        return None

    try:
        caught = asyncio.run(front_end())
    except KeyboardInterrupt as error:
        pytest.fail(f"{error!r} left the event loop, past the front end")
    assert isinstance(caught, EndedBySignal), caught
    assert not ended_by_itself


async def test_the_users_interrupt_as_a_run_starts_leaves_it_ended() -> None:
    # Raised in a listener of RunStarted (as a Ctrl-C landing there is), it left the
    # run marked running, and closing the session waited on it for ever.
    def interrupted(notice: object) -> None:
        USER_INTERRUPTS.interrupt()

    async with started(FOREVER, seed=0) as session:
        await session.execute("inject Ticker.tick n=0")
        session.subscribe(interrupted, (notices.RunStarted,))
        with pytest.raises(KeyboardInterrupt):
            await session.execute("run")
        assert not session.runtime.running

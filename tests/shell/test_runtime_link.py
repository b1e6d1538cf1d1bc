"""A run whose handlers wait in real time: it sleeps until they wake, and pause ends it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from rapide_shell.session import Session
from tests.shell.sessions import started

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
async def office() -> AsyncIterator[Session]:
    session = Session.load(FIXTURES / "sleepers.py", seed=0)
    await session.start()
    yield session
    await session.close()


async def test_a_run_waits_for_a_real_time_sleeper_without_spinning(office: Session) -> None:
    office.inject("Desk.letter", {"seconds": 0.2})
    steps = (await office.run()).steps
    assert [e.payload["seconds"] for e in office.computation.events_by_name("Desk.answered")] == [
        0.2
    ]
    assert office.state == "quiet"
    # The delivery starts, one step finds the clerk asleep and waits, the clerk wakes
    # and answers; a polling loop takes hundreds of steps while he sleeps.
    assert steps <= 3


async def test_a_pipe_delivery_behind_a_sleeper_does_not_make_the_run_spin(
    office: Session,
) -> None:
    office.inject("Desk.letter", {"seconds": 0.2})
    office.inject("Desk.letter", {"seconds": 0.1})
    steps = (await office.run()).steps
    answered = office.computation.events_by_name("Desk.answered")
    assert [event.payload["seconds"] for event in answered] == [0.2, 0.1]
    assert steps <= 6


async def test_pause_ends_a_run_that_waits_in_real_time(office: Session) -> None:
    office.inject("Desk.letter", {"seconds": 60})
    run = asyncio.ensure_future(office.run())
    while office.steps_in_run == 0:
        await asyncio.sleep(0)
    assert office.pause()
    # The clerk sleeps for a minute; the run must not wait for him (the timeout only
    # turns a hang into a failure).
    await asyncio.wait_for(run, timeout=10)
    assert not office.computation.events_by_name("Desk.answered")
    assert office.paused_by_user
    assert not office.running


async def test_a_run_hands_the_asyncio_loop_back_after_every_burst_of_steps() -> None:
    # A front end on the same loop answers a key in several turns of it: a session's
    # run does not wait the library's 10 ms between turns, however fast its steps are.
    turns = 0

    async def other_work() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    async with started(FIXTURES / "rally.py", seed=0) as session:
        other = asyncio.ensure_future(other_work())
        await asyncio.sleep(0)
        before = turns
        outcome = await session.run(64 * 10)
        other.cancel()
    assert outcome.steps == 640
    assert turns - before >= 10

"""A command typed while a run is in progress takes its place in the recording: a read
leaves the run's steps one line, a line it gives (``watch``, ``break``, ``expect``) goes
between the steps taken before it and those taken after; either replays the same."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from rapide_shell.outcome import CommandOutcome
from rapide_shell.recording import Recorder
from rapide_shell.script import play, read_script
from rapide_shell.session import Session
from tests.shell.sessions import started
from tests.shell.test_recording import snapshot

TICKER = Path(__file__).parent / "fixtures" / "ticker.py"
INJECT = 'inject Clock.tick {"n": 0, "limit": 5000}'
"""The clock's first tick, as a recording writes it: a run of 5000 steps, paused sooner."""


async def until(condition: Callable[[], bool]) -> None:
    """Lets the run go on (it hands the loop back between its bursts of steps) until
    ``condition()`` holds."""
    while not condition():
        await asyncio.sleep(0)


async def typed_during_a_run(session: Session, line: str) -> tuple[CommandOutcome, int]:
    """``run``; once it has recorded 300 events, ``line`` typed; once 600, the user's
    pause (unless the run stopped before). Returns what ``line`` came to, and how many
    steps the run had taken when it was typed."""
    outcome = await session.execute(INJECT)
    assert outcome.ok, outcome.error
    running = asyncio.ensure_future(session.execute("run"))
    await until(lambda: len(session.computation) >= 300)
    assert session.running
    typed = await session.execute(line)
    assert typed.ok, typed.error
    taken = session.decisions.point.number - 1  # the points after the injection's
    await until(lambda: len(session.computation) >= 600 or running.done())
    session.pause()
    assert (await running).ok
    return typed, taken


async def replay_of(record: Path) -> tuple[Session, list[CommandOutcome]]:
    """``record`` replayed on a fresh session of the ticker: the session, and what each
    line came to."""
    session = Session.load(TICKER)
    await session.start()
    result = await play(session, read_script(record), script=str(record))
    assert result.exit_status == 0, result.error_message()
    return session, [outcome for _, outcome in result.outcomes]


def recorded_lines(record: Path) -> list[str]:
    """The lines of the recording ``record``, its header left out."""
    return [line for line in record.read_text().splitlines() if not line.startswith("#")]


@pytest.mark.parametrize("read", ["where", "show queue", "timeline 3", "breaks", "pause"])
async def test_a_read_typed_during_a_run_leaves_its_steps_one_line(
    tmp_path: Path, read: str
) -> None:
    record = tmp_path / "session.rapide"
    async with started(TICKER, seed=0, recorder=Recorder(record, source=TICKER)) as session:
        await typed_during_a_run(session, read)
        steps = session.decisions.point.number - 1
        script = session.decisions.script()
        original = snapshot(session)
    assert 300 < len(original) < 5000  # paused (`pause`: as soon as it was typed)
    assert recorded_lines(record) == ["seed 0", INJECT, f"step {steps}"]
    assert script == recorded_lines(record)  # as a recording written anew says it
    replay, _ = await replay_of(record)
    assert snapshot(replay) == original
    await replay.close()


@pytest.mark.parametrize("line", ["watch Clock.tick", "break Clock.tick", "expect Clock.tick"])
async def test_a_line_typed_during_a_run_stays_between_the_steps_it_came_between(
    tmp_path: Path, line: str
) -> None:
    record = tmp_path / "session.rapide"
    async with started(TICKER, seed=0, recorder=Recorder(record, source=TICKER)) as session:
        typed, before = await typed_during_a_run(session, line)
        after = session.decisions.point.number - 1 - before
        # A line given after the run writes the recording anew, from the history.
        assert (await session.execute("watch Clock.tick(n=1)")).ok
        original = snapshot(session)
    assert before > 0 and after > 0
    # The breakpoint stops the run at the step after it.
    rest = "step" if line.startswith("break") else f"step {after}"
    lines = ["seed 0", INJECT, f"step {before}", line, rest, "watch Clock.tick(n=1)"]
    assert recorded_lines(record) == lines
    replay, outcomes = await replay_of(record)
    assert snapshot(replay) == original
    # Given where the run had got to: the replay says of it what the session said
    # (the watch counts as many matches, the expectation saw as many).
    assert outcomes[3].data == typed.data
    await replay.close()

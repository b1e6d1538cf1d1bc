"""A travel through the history (``back``, ``goto``, ``switch``, ``diff``) stopped part-way.

A travel replays the recorded decisions from the start up to its target; on a long run
that takes seconds. ``session.pause()`` (the user's Ctrl-C, the TUI's pause) stops it at
the step its replay has reached, and the session is there exactly as if it had been
taken to that step: the state, ``where``, the history and the position in the branch.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from pathlib import Path

import pexpect

from rapide_shell.session import Session
from tests.shell.cli_process import REPO
from tests.shell.sessions import started
from tests.shell.terminal import Terminal
from tests.shell.test_repl import User
from tests.shell.test_time_travel import state

FIXTURES = Path(__file__).parent / "fixtures"

SLOW_REPLAY = '''\
"""A clock that ticks TICKS times, and takes a while over each tick it has seen before:
its run is quick, and a replay of it (a travel through the history) slow, so that a
user can stop one part-way. Once SLOW is gone (the travel under test stopped), the
replays are quick again."""

import time
from pathlib import Path

from pyrapide import Pattern, action, architecture, get_context, interface, module, pipe, when

TICKS = {ticks}
SEEN = set()
SLOW = Path({slow!r})


@interface
class Clock:
    @action
    async def tick(self, n: int) -> None: ...


@module(implements=Clock)
class Pendulum:
    @when(Pattern.match("Clock.tick"))
    async def swing(self, match):
        n = match.payload["n"]
        if n in SEEN and SLOW.exists():
            time.sleep(0.001)  # this tick is being replayed
        SEEN.add(n)
        if n < TICKS:
            await get_context(self).emit("Clock.tick", n=n + 1)


@architecture
class Ticking:
    clock = Clock
    connections = [pipe(Pattern.match("Clock.tick"), target=clock)]
'''


def write_slow_replay(directory: Path, ticks: int = 8000) -> Path:
    """An architecture file whose run of ``ticks`` steps is quick and whose replay takes
    1 ms a step (see :data:`SLOW_REPLAY`) until :func:`quicken` is called;
    ``inject Clock.tick n=0`` then ``run`` runs it."""
    path = directory / "slow_replay.py"
    slow = directory / "slow_replay.on"
    slow.touch()
    path.write_text(SLOW_REPLAY.format(ticks=ticks, slow=str(slow)), encoding="utf-8")
    return path


def quicken(architecture: Path) -> None:
    """Makes the replays of :func:`write_slow_replay`'s ``architecture`` quick: the
    travel a test stops is behind it, and those after it need not sit through the
    rest of the 1 ms steps."""
    (architecture.parent / "slow_replay.on").unlink()


STOPPED = re.compile(r"you stopped the travel at step (\d+), on the way to step (\d+) of main: "
                     r"`goto (\d+)` goes on")


async def _pause_once_replayed(session: Session, steps: int) -> int:
    """Wait until a travel has replayed ``steps`` steps, then pause the session; the
    steps it had replayed then."""
    while not (session.travelling and session.system is not None
               and session.system.steps >= steps):
        await asyncio.sleep(0)
    replayed = session.system.steps
    assert session.pause()
    return replayed


async def test_a_stopped_travel_lands_at_the_step_reached_as_a_goto_there_would(
    tmp_path: Path,
) -> None:
    async with started(FIXTURES / "ticker.py", seed=0) as session:
        await session.execute("inject Clock.tick n=0 limit=3000")
        await session.execute("run")
        last = session.decisions.point.number
        assert last == 3002  # the injection, then 3001 steps
        stopper = asyncio.ensure_future(_pause_once_replayed(session, 1000))
        outcome = await session.execute("back")
        replayed = await stopper
        assert outcome.ok, outcome.error
        # Stopped after the step in progress: point n is n - 1 steps after the injection.
        reached = session.decisions.point.number
        assert reached == replayed + 1
        assert 1000 < reached < last - 1
        assert outcome.data["stopped"] == {"step": reached, "target": last - 1}
        said = [str(line) for line in outcome.output]
        assert said[0] == f"at step {reached} of {last} on main"
        assert said[-1] == (f"you stopped the travel at step {reached}, on the way to step "
                            f"{last - 1} of main: `goto {last - 1}` goes on")
        assert not session.travelling and not session.pause()  # nothing left to stop
        # The run, the queue, the watches and the counts are those of that step.
        stopped_at = await state(session, tmp_path)
        where = (await session.execute("where")).data["address"]
        history = await session.execute("history 1")
        assert str(history.output[0]) == f"main: steps 0 to {last}; at step {reached}"
        await session.execute(f"goto {last}")
        assert (await session.execute(f"goto {reached}")).data.get("stopped") is None
        assert await state(session, tmp_path) == stopped_at
        assert (await session.execute("where")).data["address"] == where
        # `goto` the target goes on from there, on the same branch.
        outcome = await session.execute(f"goto {last - 1}")
        assert outcome.data["step"] == last - 1 and "stopped" not in outcome.data


async def test_a_stopped_switch_stays_on_the_branch_it_was_going_to() -> None:
    async with started(FIXTURES / "ticker.py", seed=0) as session:
        await session.execute("inject Clock.tick n=0 limit=2000")
        await session.execute("run")
        await session.execute("goto 1")
        await session.execute("inject Clock.tick n=7 limit=8")  # a branch, b2
        await session.execute("run")
        assert session.decisions.branch.name == "b2"
        stopper = asyncio.ensure_future(_pause_once_replayed(session, 500))
        outcome = await session.execute("switch main")
        await stopper
        reached = session.decisions.point.number
        assert session.decisions.branch.name == "main"
        assert "you stopped the travel at step" in str(outcome.output[-1])
        assert f"`goto {session.decisions.branch.tip.number}` goes on" in str(outcome.output[-1])
        assert outcome.data["branch"] == "main" and outcome.data["step"] == reached


async def test_a_stopped_diff_says_so_and_shows_no_half_difference() -> None:
    async with started(FIXTURES / "ticker.py", seed=0) as session:
        await session.execute("inject Clock.tick n=0 limit=2000")
        await session.execute("run")
        await session.execute("goto 1")
        await session.execute("inject Clock.tick n=7 limit=8")
        stopper = asyncio.ensure_future(_pause_once_replayed(session, 500))
        outcome = await session.execute("diff main")
        await stopper
        assert outcome.ok
        assert "recorded" not in " ".join(str(line) for line in outcome.output)
        assert "on the way to the end of main, which diff compares: `diff main` goes on" in str(
            outcome.output[-1]
        )


def test_ctrl_c_stops_a_long_goto_in_the_repl(tmp_path: Path) -> None:
    architecture = write_slow_replay(tmp_path)
    user = User(architecture, tmp_path)
    try:
        user.sees("[quiet]>")
        user.enters("inject Clock.tick n=0")
        user.enters("run")
        user.sees("[quiet]>")
        user.enters("back")  # 8000 steps replayed, 1 ms each: 8 s
        time.sleep(1)
        started_at = time.monotonic()
        user.child.sendcontrol("c")
        user.sees("rapide: interrupted: stopping the travel at the step it has reached")
        user.sees("you stopped the travel at step ", timeout=5)
        assert time.monotonic() - started_at < 5
        user.sees("[paused · 1 pending]>")
        found = STOPPED.search(" ".join(user.screen.split()))
        assert found is not None, user.screen[-600:]
        reached, target, goto = (int(number) for number in found.groups())
        assert 0 < reached < target == goto == 8001
        quicken(architecture)
        user.enters("history 1")
        user.sees(f"main: steps 0 to 8002; at step {reached}")
        user.enters(f"goto {target}")
        user.sees(f"at step {target} of 8002 on main", timeout=30)
        user.enters("quit")
        assert user.leaves() == 0  # a Ctrl-C that stops a travel changes nothing
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


def test_ctrl_c_stops_a_long_goto_in_a_script_and_the_script_after_it(tmp_path: Path) -> None:
    script = tmp_path / "travel.rapide"
    script.write_text("inject Clock.tick n=0\nrun\nback\nwhere\n", encoding="utf-8")
    child = Terminal(
        sys.executable,
        ["-m", "rapide_shell.cli", "run", str(write_slow_replay(tmp_path)),
         "--script", str(script)],
        env={**os.environ, "TERM": "xterm", "NO_COLOR": "1"},
        cwd=str(REPO), encoding="utf-8", dimensions=(24, 200), timeout=30,
    )
    try:
        child.expect("> back")
        time.sleep(1)
        child.sendintr()
        child.expect(pexpect.EOF)
        child.close()
        shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before).replace("\r", "")
        assert child.exitstatus == 130, shown
        assert "stopping the travel at the step it has reached; the script stops" in shown
        found = STOPPED.search(" ".join(shown.split()))
        assert found is not None, shown
        assert 0 < int(found.group(1)) < int(found.group(2)) == 8001
        assert "travel.rapide:3: interrupted (Ctrl-C) after this line" in " ".join(shown.split())
    finally:
        if child.isalive():
            child.terminate(force=True)

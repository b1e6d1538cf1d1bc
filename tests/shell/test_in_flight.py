"""The workbench says what is in flight: show queue, step's messages, wake-ups, whynot, run N."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from rapide_shell.session import Session
from tests.shell.cli_process import run_rapide

FIXTURES = Path(__file__).parent / "fixtures"


def text(outcome) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, highlight=False)
    for renderable in outcome.output:
        console.print(renderable)
    return console.export_text()


@pytest.fixture
async def office() -> AsyncIterator[Session]:
    session = Session.load(FIXTURES / "office.py", seed=0)
    await session.start()
    yield session
    await session.close()


async def test_a_sleeping_handler_is_in_flight_and_its_wake_up_is_chosen_by_id(office):
    await office.execute("inject Desk.letter n=2")
    stepped = await office.execute("step")
    assert "ran #1 pipe" in text(stepped)
    assert "paused: nothing pending, 1 in flight (#1 asleep until t=2)" in text(stepped)
    assert office.state == "paused" and stepped.data["in_flight"] == ["#1"]
    await office.execute("inject Desk.letter n=1")
    queue = await office.execute("show queue")
    shown = text(queue)
    assert "waits behind #1, in flight: asleep until t=2" in shown
    assert "wake #1 at t=2" in shown
    assert queue.data["in_flight"] == [{"task": "#1", "waits": "sleeping", "until": 2.0}]
    # Nothing of the pipe can run, and the step says why.
    refused = await office.execute("step pipe")
    assert not refused.ok
    assert refused.error == (
        "no pipe dispatch can run now: #2 waits behind #1, in flight: asleep until t=2"
    )
    resumed = await office.execute("step #1")
    assert "resumed #1 pipe" in text(resumed) and "(it was asleep until t=2)" in text(resumed)
    assert resumed.data["resumed"] == ["#1"] and resumed.data["dispatches"] == []
    assert office.system.now == 2.0
    await office.execute("run")
    assert office.state == "quiet" and office.in_flight() == []
    assert "quiet: nothing pending, nothing in flight" in text(await office.execute("step"))


async def test_step_wake_resumes_the_earliest_wake_up(office):
    await office.execute("inject Desk.letter n=3")
    await office.execute("step")
    nothing = await office.execute("step agent")
    assert nothing.error == (
        "no agent dispatch is pending (nothing is pending) (in flight: #1 asleep until t=3)"
    )
    woke = await office.execute("step wake")
    assert woke.ok and woke.data["resumed"] == ["#1"] and office.system.now == 3.0
    assert "resumed #1 pipe" in text(woke) and "(it was asleep until t=3)" in text(woke)


async def test_whynot_lists_what_each_connection_decided(office):
    await office.execute("inject Desk.letter n=1")
    outcome = await office.execute("whynot e1")
    assert outcome.ok
    decided = {
        row["connection"]: (row["verdict"], row["detail"]) for row in outcome.data["connections"]
    }
    assert decided[0] == ("delivered", "delivered as #1")
    assert decided[1][0] == "guard false" and "is_urgent (office.py:" in decided[1][1]
    assert decided[2] == ("no match", "its pattern wants n=9, the event has n=1")
    assert decided[3] == (
        "waiting", "waiting for Clerk.answered that e1 causally precedes; none is recorded yet"
    )
    assert decided[4][0] == "no match"
    assert decided[4][1].startswith("no Clerk.answered causally preceding e1 was recorded")
    shown = text(outcome)
    assert "connections for" in shown and "delivered as #1" in shown
    missing = await office.execute("whynot e99")
    assert not missing.ok and "no event 'e99'" in missing.error


async def test_whynot_has_help_and_completion(office):
    assert "what each connection decided" in text(await office.execute("help whynot"))
    await office.execute("inject Desk.letter n=1")
    assert any(c.text == "e1" for c in office.completions("whynot e"))


async def test_run_n_stops_a_system_that_never_goes_quiet():
    session = Session.load(FIXTURES / "rally.py", seed=0)
    await session.start()
    try:
        outcome = await session.execute("run 20")
        assert outcome.data["steps"] == 20 and outcome.data["stopped"] == "budget"
        assert outcome.data["bound"] == "`run 20` took its 20 steps"
        assert "stopped: `run 20` took its 20 steps with work pending" in text(outcome)
    finally:
        await session.close()


def test_a_run_names_each_task_it_resumed_once_with_how_many_times(tmp_path: Path) -> None:
    # A clock whose start hook sleeps between ticks: the run resumes it at every tick.
    # The run's output named it once a tick: a line of 200 "start of clock".
    file = tmp_path / "clock.py"
    file.write_text(
        "from pyrapide import action, architecture, get_context, interface, module\n"
        "@interface\n"
        "class Clock:\n"
        "    @action\n"
        "    async def tick(self, n: int) -> None: ...\n"
        "@module(implements=Clock)\n"
        "class Ticker:\n"
        "    async def start(self):\n"
        "        for n in range(200):\n"
        "            await get_context(self).sleep(1)\n"
        "            await get_context(self).emit('Clock.tick', n=n)\n"
        "@architecture\n"
        "class Arch:\n"
        "    clock: Clock\n"
    )
    script = tmp_path / "run.rapide"
    script.write_text("run\n")
    result = run_rapide("run", file, "--script", script)
    assert result.returncode == 0, result.stderr
    assert "resumed start of clock (200 times), recorded 200 events" in result.stdout
    assert result.stdout.count("start of clock") == 1


async def test_hooks_asleep_are_woken_by_name_or_in_the_order_they_wake() -> None:
    # `step wake` resumed a sleeping start hook and then said "no task is asleep or
    # woken: nothing to wake", failing the command; and only the first hook to wake
    # could be chosen at all.
    market = Session.load(FIXTURES / "producers.py")
    await market.start()
    try:
        woke = await market.execute("step wake")
        assert woke.ok, woke.error
        assert "resumed the start of alpha" in text(woke)
        refused = await market.execute("step wake till")
        assert refused.error == "no hook of 'till' is asleep or woken (these are: start of beta)"
        beta = await market.execute("step wake beta")
        assert beta.ok and "resumed the start of beta" in text(beta)
        assert [e.source for e in market.computation] == ["alpha", "beta"]
    finally:
        await market.close()


def test_a_counterexample_needing_the_other_hook_first_replays(tmp_path: Path) -> None:
    script = tmp_path / "market.rapide"
    script.write_text("run\nexpect constraints\n")
    found = run_rapide(
        "explore", FIXTURES / "producers.py", "--script", script,
        "--out", tmp_path / "found.rapide",
    )
    assert found.returncode == 1, found.stdout + found.stderr
    written = (tmp_path / "found.rapide").read_text()
    assert "step wake beta" in written.splitlines()
    replayed = run_rapide("run", FIXTURES / "producers.py", "--script", tmp_path / "found.rapide")
    assert replayed.returncode == 1
    assert "FAILED: constraints: alpha_first" in replayed.stdout

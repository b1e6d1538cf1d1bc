"""SIGTERM (asked to end) and SIGHUP (the terminal gone) end every front end as a second
Ctrl-C does: the session closes (its finish hooks run, its recording is put in place),
the terminal is given back, and the exit status is 128 + the signal's number."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest

from tests.shell.cli_process import REPO, run_under_way, script_at_its_run, waiting
from tests.shell.test_repl import User
from tests.shell.tui.test_shell_exit_status import Workbench

FOREVER = Path(__file__).parent / "tui" / "architectures" / "forever.py"
SLEEPER = FOREVER.with_name("sleeper.py")
ENDLESS_RUN = ["inject Ticker.tick n=0", "run"]


def recorded(recording: Path) -> list[str]:
    """The commands of a recording (its header left out)."""
    return [line for line in recording.read_text().splitlines() if not line.startswith("#")]


def assert_run_recorded(recording: Path) -> None:
    """The recording holds the injection and the steps the endless run took, as one line."""
    lines = recorded(recording)
    assert lines[:2] == ["seed 0", 'inject Ticker.tick {"n": 0}'], lines
    (steps,) = lines[2:]
    assert steps.startswith("step ") and int(steps.split()[1]) > 1, lines


def hang_up(child: pexpect.spawn) -> int:
    """Close the terminal under ``child`` (the master side of its pty), as closing a
    terminal window does: the kernel sends it SIGHUP. Its exit status, once it ended."""
    os.close(child.child_fd)
    child.child_fd, child.closed = -1, True  # pexpect must not close it again
    process = child.ptyproc
    deadline = time.monotonic() + 30
    while process.isalive():
        assert time.monotonic() < deadline, "the program did not end after the hangup"
        time.sleep(0.05)
    return process.exitstatus



ENDED = (
    "rapide: ended by SIGTERM: leaving now (the session closes as usual)\n"
    "rapide: exit status 143: ended by SIGTERM\n"
)


def run_ended(file: Path, tmp_path: Path, under_way: Callable[[int], None]) -> tuple[str, str]:
    """``rapide run`` of ``file`` on the endless run's script, recording to ``rec.rapide``,
    sent SIGTERM once ``under_way(pid)`` returns; what it printed after the echo of its
    ``run`` (stdout, stderr), once it has ended with status 143."""
    script = tmp_path / "endless.rapide"
    script.write_text("\n".join(ENDLESS_RUN) + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "rapide_shell.cli", "run", str(file), "--script",
         str(script), "--record", str(tmp_path / "rec.rapide")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"},
    )
    try:
        read = script_at_its_run(process)
        under_way(process.pid)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 143, err
    assert "Traceback" not in read + out + err
    return out, err


def test_rapide_run_asked_to_end_closes_its_session(tmp_path: Path) -> None:
    assert run_ended(FOREVER, tmp_path, run_under_way)[1] == ENDED
    assert_run_recorded(tmp_path / "rec.rapide")


def test_rapide_run_asked_to_end_while_its_run_waits_on_real_time(tmp_path: Path) -> None:
    # The run waits in the event loop for a handler's timer, where the signal lands (not
    # in the run's own code): rapide run leaves as the run, paused, returns, and says so
    # as it does from anywhere else, nothing more.
    out, err = run_ended(SLEEPER, tmp_path, waiting)
    assert err == ENDED
    assert out == "", out  # no transcript of the run cut short ("paused by you")
    assert recorded(tmp_path / "rec.rapide") == ["seed 0", 'inject Ticker.tick {"n": 0}', "step"]


@pytest.fixture
def repl(tmp_path: Path) -> Iterator[User]:
    """The REPL on the endless clock, recording to ``rec.rapide``."""
    with at_the_repl(FOREVER, tmp_path) as user:
        yield user


@contextlib.contextmanager
def at_the_repl(file: Path, tmp_path: Path) -> Iterator[User]:
    """The REPL on ``file``, recording to ``rec.rapide``, at its first prompt."""
    user = User(file, tmp_path, "--record", str(tmp_path / "rec.rapide"))
    try:
        user.sees("[quiet]>")
        yield user
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


def repl_ended(user: User, under_way: Callable[[int], None]) -> None:
    """``user`` gives the REPL the endless run's lines and sends it SIGTERM once
    ``under_way(pid)`` returns: it ends with status 143, saying that line 2 (the run)
    was cut short."""
    for line in ENDLESS_RUN:
        user.enters(line)
    user.sees("> run")
    under_way(user.child.pid)
    user.child.kill(signal.SIGTERM)
    assert user.leaves() == 143
    said = "rapide: exit status 143: ended by SIGTERM; line 2 was cut short (SIGTERM)"
    assert said in user.screen, user.screen[-600:]


def test_the_repl_asked_to_end_at_its_prompt_leaves(repl: User) -> None:
    repl.child.kill(signal.SIGTERM)
    repl.sees("rapide: ended by SIGTERM: leaving now (the session closes as usual)")
    assert repl.leaves() == 143
    assert repl.screen.rstrip().endswith("rapide: exit status 143: ended by SIGTERM"), repl.screen


def test_the_repl_asked_to_end_during_a_run_cuts_it_short(repl: User, tmp_path: Path) -> None:
    repl_ended(repl, run_under_way)
    assert_run_recorded(tmp_path / "rec.rapide")


def test_the_repl_asked_to_end_while_its_run_waits_on_real_time(tmp_path: Path) -> None:
    # The signal lands in the event loop (see the same for rapide run above).
    with at_the_repl(SLEEPER, tmp_path) as repl:
        repl_ended(repl, waiting)
    assert "paused by you" not in repl.screen, repl.screen[-600:]
    assert recorded(tmp_path / "rec.rapide") == ["seed 0", 'inject Ticker.tick {"n": 0}', "step"]


def test_the_repl_whose_terminal_closes_during_a_run_keeps_its_recording(
    repl: User, tmp_path: Path
) -> None:
    for line in ENDLESS_RUN:
        repl.enters(line)
    repl.sees("> run")
    run_under_way(repl.child.pid)
    assert hang_up(repl.child) == 129
    assert_run_recorded(tmp_path / "rec.rapide")


def test_the_repl_whose_terminal_closes_at_its_prompt_leaves(repl: User, tmp_path: Path) -> None:
    # Its prompt's last writes fail on the terminal gone: that is the hangup, not an
    # internal error (exit 2).
    repl.enters(ENDLESS_RUN[0])
    repl.sees("[paused · 1 pending]>")
    assert hang_up(repl.child) == 129
    assert recorded(tmp_path / "rec.rapide") == ["seed 0", 'inject Ticker.tick {"n": 0}']


@pytest.fixture
def workbench(tmp_path: Path):
    """The TUI on the endless clock, recording to ``rec.rapide``, its run started."""
    shell = Workbench(FOREVER, "--record", tmp_path / "rec.rapide")
    try:
        shell.sees("Tab completes")
        for line in ENDLESS_RUN:
            shell.child.send(line + "\r")
        shell.sees("running")
        run_under_way(shell.child.pid)
        yield shell
    finally:
        if shell.child.isalive():
            shell.child.terminate(force=True)


@pytest.mark.slow
def test_the_workbench_asked_to_end_gives_the_terminal_back(
    workbench: Workbench, tmp_path: Path
) -> None:
    workbench.child.kill(signal.SIGTERM)
    status, shown = workbench.leaves()
    assert status == 143
    assert shown.strip() == (
        "rapide: exit status 143: ended by SIGTERM; line 2 was cut short (SIGTERM)"
    )
    assert_run_recorded(tmp_path / "rec.rapide")


@pytest.mark.slow
def test_the_workbench_whose_terminal_closes_ends_and_keeps_its_recording(
    workbench: Workbench, tmp_path: Path
) -> None:
    assert hang_up(workbench.child) == 129
    assert_run_recorded(tmp_path / "rec.rapide")


async def _app_running_forever(tmp_path: Path):
    """The app on the endless clock, recording to ``rec.rapide``, its run under way."""
    from rapide_shell.recording import Recorder
    from rapide_shell.session import Session
    from rapide_shell.tui.app import RapideApp

    recording = tmp_path / "rec.rapide"
    session = Session.load(FOREVER, seed=0, recorder=Recorder(recording, source=FOREVER))
    await session.start()
    return RapideApp(session), recording


async def _start_the_run(pilot) -> None:
    from tests.shell.tui.conftest import type_command, wait_until

    await type_command(pilot, ENDLESS_RUN[0])
    bar = pilot.app.query_one("#bar")
    bar.value = ENDLESS_RUN[1]
    await pilot.press("enter")
    await wait_until(pilot, lambda: len(pilot.app.session.computation) > 50)


async def test_ctrl_q_during_a_run_records_the_run_whole(tmp_path: Path) -> None:
    from tests.shell.tui.conftest import SIZE

    app, recording = await _app_running_forever(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _start_the_run(pilot)
        await pilot.press("ctrl+q")
    await app.session.close()
    assert app.tally.exit_status == 0
    assert_run_recorded(recording)  # one line for the run: leaving took no step of its own


async def test_a_signal_ends_the_workbench_with_its_status(tmp_path: Path) -> None:
    from tests.shell.tui.conftest import SIZE, wait_until

    app, recording = await _app_running_forever(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _start_the_run(pilot)
        app.end_by_signal(signal.SIGTERM)
        await wait_until(pilot, lambda: not app.is_running)  # it left by itself
    assert app.session.closed
    assert app.tally.exit_status == 143
    assert app.tally.summary() == (
        "exit status 143: ended by SIGTERM; line 2 was cut short (SIGTERM)"
    )
    assert_run_recorded(recording)


def test_an_exploration_asked_to_end_reports_what_was_explored(tmp_path: Path) -> None:
    # Every process of the group is sent SIGHUP, as when the terminal closes: the
    # workers leave it to the coordinator, which stops and reports.
    script = tmp_path / "run.rapide"
    script.write_text("run\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "rapide_shell.cli", "explore",
         str(REPO / "examples" / "connection_kinds.py"), "--script", str(script),
         "--no-prune", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        start_new_session=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"},
    )
    try:
        time.sleep(4)  # the workers are exploring by now
        os.killpg(process.pid, signal.SIGHUP)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 129, err
    assert err.startswith("rapide: ended by SIGHUP: stopping; what was explored is reported\n")
    assert "Traceback" not in err
    verdict = out.splitlines()[0]
    assert verdict.endswith("; ended by SIGHUP: the space was not exhausted"), out


def test_a_second_signal_while_leaving_ends_the_program_at_once(tmp_path: Path) -> None:
    # Its finish hook never returns: the first SIGTERM's orderly close waits on it for
    # ever, and the second ends the program there, as SIGTERM ends one that does not
    # handle it.
    file = tmp_path / "stuck_finish.py"
    file.write_text(
        "import asyncio\n"
        "from pyrapide import action, architecture, interface, module\n"
        "@interface\n"
        "class Idle:\n"
        "    @action\n"
        "    async def nothing(self) -> None: ...\n"
        "@module(implements=Idle)\n"
        "class Stuck:\n"
        "    async def finish(self):\n"
        "        print('finishing', flush=True)\n"
        "        await asyncio.sleep(3600)\n"
        "@architecture\n"
        "class Arch:\n"
        "    idle = Idle\n"
    )
    user = User(file, tmp_path)
    try:
        user.sees("[quiet]>")
        user.child.kill(signal.SIGTERM)
        user.sees("finishing")
        user.child.kill(signal.SIGTERM)
        deadline = time.monotonic() + 30
        while user.child.isalive():
            assert time.monotonic() < deadline, "the second SIGTERM did not end it"
            time.sleep(0.05)
        assert user.child.signalstatus == signal.SIGTERM
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)

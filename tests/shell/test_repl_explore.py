"""A background exploration in ``rapide repl`` seen through to its end: at the end of
piped input and at Ctrl-D it is waited for and its verdict said (a Ctrl-C stops it),
and the exit status says what it found."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shell.cli_process import REPO, run_rapide
from tests.shell.test_repl import FIXTURES, User

DELIVERIES = FIXTURES / "deliveries.py"
THREE_NOTES = "inject Desk.note n=1\ninject Desk.note n=2\ninject Desk.note n=3\nrun\n"
# Eight notes to a clerk that lists them: 40,320 schedules, far more than a test waits for.
EIGHT_NOTES = "".join(f"inject Desk.note n={n}\n" for n in range(1, 9)) + "run\n"


def scenario(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def joined(text: str) -> str:
    """Lines wrap where the console ends: read them as one."""
    return " ".join(text.split())


def piped_env(tmp_path: Path) -> dict[str, str]:
    """A history of the test's own, and lines wide enough for a temporary path whole."""
    return {"XDG_DATA_HOME": str(tmp_path), "COLUMNS": "500"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("arch", "expect", "status", "verdict"),
    [
        ("race", "expect Clerk.first(n=1)", 1,
         "stopped at the first failure (all-failures goes on)"),
        ("quiet", "expect Clerk.answered count=3", 0, "the space was exhausted"),
    ],
)
def test_at_the_end_of_piped_input_the_exploration_is_seen_through(
    tmp_path: Path, arch: str, expect: str, status: int, verdict: str
) -> None:
    # The input ends while it runs: it is waited for, its verdict said, and the exit
    # status is what `rapide explore` would give its answer.
    script = scenario(tmp_path, "notes.rapide", THREE_NOTES + expect + "\n")
    result = run_rapide("repl", DELIVERIES, "--arch", arch, stdin=f"explore {script}\n",
                        env=piped_env(tmp_path))
    shown = joined(result.stdout)
    assert f"waiting for the exploration of {script} to end (Ctrl-C stops it)" in shown
    assert shown.index(verdict) > shown.index("waiting for the exploration")
    assert result.returncode == status, result.stdout
    if status:
        assert "failure 1: Clerk.first(n=1): expected at least 1 match, saw 0 matches" in shown
        assert result.stderr == (
            f"rapide: exit status 1: the exploration of {script} found a failure\n"
        )
        assert (tmp_path / "notes.counterexample.rapide").exists()
    else:
        assert "ok: every property held in every schedule explored" in shown
        assert result.stderr == ""


@pytest.mark.slow
def test_a_ctrl_c_while_piped_input_waits_for_the_exploration_stops_it(tmp_path: Path) -> None:
    script = scenario(tmp_path, "eight.rapide", EIGHT_NOTES)
    repl = subprocess.Popen(
        [sys.executable, "-m", "rapide_shell.cli", "repl", str(DELIVERIES), "--arch", "ledger"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=REPO, env={**os.environ, **piped_env(tmp_path)},
    )
    try:
        assert repl.stdin is not None and repl.stdout is not None and repl.stderr is not None
        repl.stdin.write(f"explore {script}\n")
        repl.stdin.close()
        seen = ""
        while "waiting for the exploration" not in seen:
            line = repl.stdout.readline()
            assert line, f"the REPL ended without waiting: {seen!r}"
            seen += line
        repl.send_signal(signal.SIGINT)
        assert repl.wait(timeout=30) == 130  # as `rapide explore` exits when interrupted
        shown = joined(seen + repl.stdout.read())
        assert repl.stderr.read() == (
            f"rapide: exit status 130: the exploration of {script} was stopped by Ctrl-C "
            "before it found a failure\n"
        )
    finally:
        if repl.poll() is None:
            repl.kill()
            repl.wait()
    assert "stopping the exploration; what was explored is reported" in shown
    assert "distinct posets; stopped (Ctrl-C): the space was not exhausted" in shown


@pytest.mark.slow
def test_quit_while_it_runs_stops_it_and_says_so(tmp_path: Path) -> None:
    script = scenario(tmp_path, "eight.rapide", EIGHT_NOTES)
    result = run_rapide("repl", DELIVERIES, "--arch", "ledger",
                        stdin=f"explore {script}\nquit\n", env=piped_env(tmp_path))
    shown = joined(result.stdout)
    assert f"quit: stopping the exploration of {script}; what was explored is reported" in shown
    assert "; stopped (quit): the space was not exhausted" in shown
    assert result.returncode == 0  # leaving by quit is no failure


@pytest.fixture
def exploring(tmp_path: Path) -> Iterator[User]:
    """A user at the REPL's prompt, ready for keys, while eight notes are explored."""
    script = scenario(tmp_path, "eight.rapide", EIGHT_NOTES)
    user = User(DELIVERIES, tmp_path, "--arch", "ledger", term="dumb")
    try:
        user.sees("]>")
        user.enters(f"explore {script}")
        user.sees("in the background")
        user.sees("]>")
        # A dumb terminal's prompt is written before it takes the terminal: a Ctrl-D typed
        # sooner would be the terminal's own end of a line, not a key.
        assert user.child.waitnoecho(timeout=10)
        yield user
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


@pytest.mark.slow
def test_ctrl_d_waits_for_the_exploration_and_ctrl_c_stops_it(exploring: User) -> None:
    exploring.child.sendeof()
    exploring.sees("waiting for the exploration of")
    exploring.sees("to end (Ctrl-C stops it)")
    exploring.child.sendintr()  # the prompt has left: the terminal sends it as a signal
    exploring.sees("stopping the exploration; what was explored is reported")
    exploring.sees("stopped (Ctrl-C): the space was not exhausted")
    assert exploring.leaves() == 130


@pytest.mark.slow
def test_a_ctrl_c_typed_right_after_ctrl_d_stops_it_too(exploring: User) -> None:
    # Typed together, the prompt reads both keys at once: the Ctrl-D ends it and the
    # Ctrl-C after it is left unread, where no other prompt comes to read it.
    exploring.child.send("\x04\x03")
    exploring.sees("waiting for the exploration of")
    exploring.sees("stopped (Ctrl-C): the space was not exhausted")
    assert exploring.leaves() == 130


def test_a_relative_script_is_read_from_the_folder_the_repl_started_in(tmp_path: Path) -> None:
    # `help explore` did not say which folder; it is the current directory, not the
    # architecture file's.
    scenario(tmp_path, "notes.rapide", THREE_NOTES + "expect Clerk.answered count=3\n")
    helped = run_rapide("repl", DELIVERIES, "--arch", "quiet", stdin="help explore\n",
                        env=piped_env(tmp_path))
    assert ("A relative SCRIPT is read from the folder the workbench was started in (its "
            "current directory), not the architecture file's.") in joined(helped.stdout)
    here = run_rapide("repl", DELIVERIES, "--arch", "quiet", stdin="explore notes.rapide\n",
                      env=piped_env(tmp_path), cwd=tmp_path)
    assert here.returncode == 0, here.stderr
    assert "ok: every property held in every schedule explored" in joined(here.stdout)
    beside = tmp_path / "deliveries.py"  # the script beside it, the REPL started elsewhere
    beside.write_text(DELIVERIES.read_text())
    elsewhere = run_rapide("repl", beside, "--arch", "quiet",
                           stdin="explore notes.rapide\n", env=piped_env(tmp_path))
    assert "error: notes.rapide: no such script" in elsewhere.stdout


@pytest.mark.slow
def test_explore_stop_while_it_shrinks_says_the_counterexample_may_shrink_further(
    tmp_path: Path,
) -> None:
    # A dozen slow notes: each replay takes a quarter of a second, shrinking seconds.
    notes = "".join(f"inject Desk.note n={n}\n" for n in range(12))
    script = scenario(tmp_path, "slow.rapide", notes + "run\nexpect Clerk.first none\n")
    user = User(FIXTURES / "slow_clerk.py", tmp_path)
    try:
        user.sees("]>")
        user.enters(f"explore {script}")
        user.sees("in the background")
        deadline = time.monotonic() + 60
        while "; shrinking 1 counterexample" not in user.screen:
            assert time.monotonic() < deadline, user.screen[-600:]
            user.sees("]>")
            user.enters("explore")
            time.sleep(0.2)
        user.sees("]>")
        user.enters("explore stop")
        user.sees("failure 1: Clerk.first", timeout=30)
        user.sees("`explore open 1` goes to it")
        said = " ".join(user.screen.split())  # however the terminal wrapped it
        assert "(it may shrink further: the exploration was stopped); `explore open 1`" in said
        user.enters("quit")
        assert user.leaves() == 1
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


def test_an_option_given_twice_is_refused_as_rapide_explore_refuses_it(tmp_path: Path) -> None:
    # `explore S max=2 max=3` explored with max=3, dropping max=2 unsaid, where
    # `rapide explore --max-schedules 2 --max-schedules 3` is refused.
    script = scenario(tmp_path, "notes.rapide", THREE_NOTES)
    typed = f"explore {script} max=2 max=3\nexplore {script} workers=1 workers=1\n"
    result = run_rapide("repl", DELIVERIES, "--arch", "race", env=piped_env(tmp_path),
                        stdin=typed)
    assert "error: max= is given twice" in result.stdout
    assert "error: workers= is given twice" in result.stdout
    assert "exploring" not in result.stdout
    assert result.returncode == 2


def test_no_prune_with_random_is_refused_as_rapide_explore_refuses_it(tmp_path: Path) -> None:
    # It explored at random without a word, where `rapide explore --strategy random
    # --no-prune` is refused: pruning is the depth-first search's.
    script = scenario(tmp_path, "notes.rapide", THREE_NOTES)
    typed = f"explore {script} no-prune random 0..3\n"
    result = run_rapide("repl", DELIVERIES, "--arch", "race", env=piped_env(tmp_path),
                        stdin=typed)
    assert (
        "error: no-prune is for the depth-first search, not random A..B: a random walk "
        "prunes nothing"
    ) in joined(result.stdout)
    assert "exploring" not in result.stdout
    assert result.stderr == "rapide: exit status 2: 1 command error (line 1)\n"


def test_explore_alone_before_any_says_so_and_fails_nothing(tmp_path: Path) -> None:
    # "`explore` alone says how it stands": before any exploration that was an error,
    # and the REPL (or the TUI, its palette running `explore`) exited 2 for it, where
    # `matches` with no watch says "no watches" and fails nothing.
    result = run_rapide("repl", DELIVERIES, "--arch", "race", env=piped_env(tmp_path),
                        stdin="explore\nexplore stop\n")
    shown = joined(result.stdout)
    assert "]> explore nothing explored yet: `explore SCRIPT` starts an exploration" in shown
    assert "error: nothing explored yet" in shown  # stop: there is nothing to stop
    assert result.stderr == "rapide: exit status 2: 1 command error (line 2)\n"

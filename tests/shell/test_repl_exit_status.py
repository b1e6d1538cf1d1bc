"""``rapide repl``'s exit status sums up what its session met, with ``rapide run``'s
meanings: the most serious thing met, said in one line on stderr; piped in
(subprocess) and typed at a terminal (pexpect)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.shell.cli_process import run_rapide
from tests.shell.test_recording import SWEEPER
from tests.shell.test_repl import FIXTURES, User
from tests.shell.test_repl_explore import DELIVERIES, THREE_NOTES, joined, piped_env, scenario

SHOP = FIXTURES / "shop.py"
ORDERED = "inject Web.order item=apple\nrun\n"
"""An order run to its end: Store.reserved, Mailer.sent and Ledger.entry recorded."""


def piped(tmp_path: Path, lines: str, *args: str | Path, file: Path = SHOP):
    """``rapide repl FILE ARGS`` reading ``lines`` from a pipe."""
    return run_rapide("repl", file, *args, stdin=lines, env=piped_env(tmp_path))


def test_every_expectation_held_exits_0_and_says_nothing_more(tmp_path: Path) -> None:
    result = piped(tmp_path, ORDERED + "expect Store.reserved\nexpect Ledger.entry count=1\n"
                   "expect Web.nothing none\nexpect Store.refused sometimes\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    # Unmet in this one run, a `sometimes` fails nothing, as in `rapide run`.
    assert "not in this run: Store.refused" in joined(result.stdout)


def test_a_failed_expect_exits_1_and_names_its_line(tmp_path: Path) -> None:
    result = piped(tmp_path, ORDERED + "expect Store.refused\n")
    assert result.returncode == 1
    assert "FAILED: Store.refused: expected at least 1 match, saw 0 matches" in result.stdout
    assert result.stderr == "rapide: exit status 1: 1 expectation failed (line 3)\n"


def test_a_failed_expect_stays_failed_when_later_ones_hold(tmp_path: Path) -> None:
    # The REPL goes on where a script would too; what failed is not undone.
    result = piped(tmp_path, "expect Store.reserved\n" + ORDERED + "expect Store.reserved\n"
                   "expect Store.reserved count=1\n")
    assert result.returncode == 1
    assert "ok: Store.reserved: 1 match (expected exactly 1 match)" in result.stdout
    assert result.stderr == "rapide: exit status 1: 1 expectation failed (line 1)\n"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("frobnicate", "error: unknown command 'frobnicate'"),
        ("expect Store.(", "error: pattern syntax error"),
        ("inject Web.order {\"item\": }", "error: malformed JSON payload"),
        ("step #99", "error: "),
    ],
)
def test_a_command_error_exits_2_though_the_session_goes_on(
    tmp_path: Path, line: str, said: str
) -> None:
    result = piped(tmp_path, f"{line}\n" + ORDERED + "expect Store.reserved\n")
    assert result.returncode == 2
    assert said in result.stdout
    assert "ok: Store.reserved: 1 match" in result.stdout  # the lines after it ran
    assert result.stderr == "rapide: exit status 2: 1 command error (line 1)\n"


def test_the_most_serious_comes_first_and_each_is_counted(tmp_path: Path) -> None:
    # Blank lines and comments are lines, as in a script: piped input numbers as one.
    lines = ("expect Store.reserved\n\n# a typo next\nfrobnicate\n" + ORDERED
             + "expect Store.refused\nshow event e99\nexpect Mailer.sent none\nstep #1\n"
             "unwatch 9\n")
    result = piped(tmp_path, lines)
    assert result.returncode == 2
    assert result.stderr == (
        "rapide: exit status 2: 4 command errors (the first at line 4); "
        "3 expectations failed (lines 1, 7 and 9)\n"
    )


def test_lines_after_quit_are_not_read(tmp_path: Path) -> None:
    result = piped(tmp_path, "expect Store.reserved\nquit\nfrobnicate\n")
    assert result.returncode == 1
    assert "frobnicate" not in result.stdout
    assert result.stderr == "rapide: exit status 1: 1 expectation failed (line 1)\n"


POLLING_FINISH = """\
from pyrapide import architecture, get_context, interface, module


@interface
class Poller:
    pass


@module(implements=Poller)
class Polling:
    async def finish(self):
        while True:  # waits for what never comes, a tick at a time
            await get_context(self).sleep(1)


@architecture
class Polled:
    poller = Poller
    connections = []
"""


def test_quit_with_a_finish_hook_that_sleeps_for_ever_leaves_at_the_handler_bound(
    tmp_path: Path,
) -> None:
    # `quit` hung for ever (two Ctrl-C did nothing): each wake-up handed control back,
    # and only the finish hooks' waits on the outside were bounded.
    file = tmp_path / "polled.py"
    file.write_text(POLLING_FINISH)
    result = piped(tmp_path, "quit\n", "--handler-timeout", "0.5", file=file)
    assert result.returncode == 3, result.stdout + result.stderr
    assert (
        "limit reached (timeout): the finish hook of poller was closed: the timeout came "
        "while it was still waking up from its sleeps ("
    ) in joined(result.stdout)
    assert result.stderr.endswith("exit status 3: a start or finish hook raised an error or "
                                  "reached a limit (shown above)\n")


def test_a_run_n_that_leaves_work_pending_fails_nothing(tmp_path: Path) -> None:
    # A script stops there (exit 1); the REPL goes on from it.
    result = piped(tmp_path, "inject Web.order item=apple\nrun 1\nexpect Store.reserved\n")
    assert "stopped: `run 1` took its 1 step with work pending" in result.stdout
    assert (result.returncode, result.stderr) == (0, "")


def test_a_recording_that_cannot_be_written_exits_2(tmp_path: Path) -> None:
    file = tmp_path / "hall.py"
    file.write_text(SWEEPER)
    folder = tmp_path / "records"
    folder.mkdir()
    result = run_rapide("repl", file, "--record", folder / "r.rapide", stdin="show events\n",
                        env={**piped_env(tmp_path), "SWEPT": str(folder)})
    assert result.returncode == 2
    said = result.stderr.splitlines()
    assert said[0].startswith(f"rapide: cannot write the recording {folder}/r.rapide: ")
    assert said[1:] == ["rapide: exit status 2: the recording could not be written (said above)"]


# -- explorations: each answer counts as `rapide explore` exits with it ------------------


@pytest.mark.slow
def test_an_exploration_s_failure_and_a_command_error_are_both_said(tmp_path: Path) -> None:
    failing = scenario(tmp_path, "first.rapide", THREE_NOTES + "expect Clerk.first(n=1)\n")
    result = piped(tmp_path, f"explore {failing}\nfrobnicate\n", "--arch", "race",
                   file=DELIVERIES)
    assert "failure 1: Clerk.first(n=1)" in joined(result.stdout)
    assert result.returncode == 2
    assert result.stderr == (
        f"rapide: exit status 2: 1 command error (line 2); the exploration of {failing} "
        "found a failure\n"
    )


@pytest.mark.slow
def test_an_exploration_that_held_leaves_a_failed_expect_the_verdict(tmp_path: Path) -> None:
    holding = scenario(tmp_path, "any.rapide", THREE_NOTES + "expect Clerk.first\n")
    result = piped(tmp_path, f"explore {holding}\nexpect Clerk.first\n", "--arch", "race",
                   file=DELIVERIES)
    assert "ok: every property held in every schedule explored" in joined(result.stdout)
    assert result.returncode == 1
    assert result.stderr == "rapide: exit status 1: 1 expectation failed (line 2)\n"


@pytest.mark.slow
def test_a_failing_exploration_still_counts_after_one_that_holds(tmp_path: Path) -> None:
    # Every search's answer counts, not only the last one's.
    failing = scenario(tmp_path, "first.rapide", THREE_NOTES + "expect Clerk.first(n=1)\n")
    holding = scenario(tmp_path, "any.rapide", THREE_NOTES + "expect Clerk.first\n")
    user = User(DELIVERIES, tmp_path, "--arch", "race")
    try:
        user.sees("]>")
        user.enters(f"explore {failing}")
        user.sees("failure 1:", timeout=60)
        user.sees("]>")
        user.enters(f"explore {holding}")
        user.sees("ok: every property held in every schedule explored", timeout=60)
        user.sees("]>")
        user.enters("quit")
        assert user.leaves() == 1
        user.sees(f"rapide: exit status 1: the exploration of {failing} found a failure")
        assert f"the exploration of {holding}" not in user.unread
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


# -- as a user leaves at a terminal --------------------------------------------------------


@pytest.fixture
def shopper(tmp_path: Path):
    user = User(SHOP, tmp_path)
    user.sees("[quiet]>")
    yield user
    if user.child.isalive():
        user.child.terminate(force=True)


def test_ctrl_d_after_a_failed_expect_exits_1(shopper: User) -> None:
    shopper.enters("expect Store.reserved")
    shopper.sees("FAILED: Store.reserved")
    shopper.enters("inject Web.order item=apple")
    shopper.enters("run")
    shopper.enters("expect Store.reserved")
    shopper.sees("ok: Store.reserved: 1 match")
    shopper.sees("[quiet]>")
    shopper.types("\x04")  # Ctrl-D
    assert shopper.leaves() == 1
    shopper.sees("rapide: exit status 1: 1 expectation failed (line 1)")


def test_quit_after_an_error_and_a_failed_expect_exits_2(shopper: User) -> None:
    shopper.enters("injct Web.order")
    shopper.sees("error: unknown command 'injct'")
    shopper.enters("expect Store.reserved")
    shopper.sees("FAILED: Store.reserved")
    shopper.enters("quit")
    assert shopper.leaves() == 2
    shopper.sees("rapide: exit status 2: 1 command error (line 1); "
                 "1 expectation failed (line 2)")


def test_quit_after_expectations_that_held_exits_0(shopper: User) -> None:
    shopper.enters("inject Web.order item=apple")
    shopper.enters("run")
    shopper.enters("expect Store.reserved")
    shopper.sees("ok: Store.reserved")
    shopper.child.sendcontrol("c")  # two at an idle prompt leave, cutting nothing short
    shopper.sees("Ctrl-C again")
    shopper.child.sendcontrol("c")
    assert shopper.leaves() == 0
    assert "exit status" not in shopper.screen


def test_a_second_ctrl_c_during_a_command_exits_130_over_a_failed_expect(
    tmp_path: Path,
) -> None:
    user = User(FIXTURES / "hostile.py", tmp_path, "--handler-timeout", "0")
    try:
        user.sees("[quiet]>")
        user.enters("expect Panel.press")
        user.sees("FAILED: Panel.press")
        user.enters("inject Panel.press kind=spin")
        user.enters("run")
        user.sees("> run\n")
        time.sleep(0.5)
        user.child.sendcontrol("c")
        user.sees("rapide: interrupted: pausing after the current step")
        time.sleep(0.3)
        user.child.sendcontrol("c")
        user.sees("rapide: interrupted again: leaving now")
        assert user.leaves() == 130
        user.sees("rapide: exit status 130: line 3 was cut short (Ctrl-C twice); "
                  "1 expectation failed (line 1)")
    finally:
        if user.child.isalive():  # never leave a spinning process behind
            user.child.terminate(force=True)


@pytest.mark.slow
def test_explorations_of_one_script_with_one_answer_are_said_once_counted(
    tmp_path: Path,
) -> None:
    failing = scenario(tmp_path, "first.rapide", THREE_NOTES + "expect Clerk.first(n=1)\n")
    user = User(DELIVERIES, tmp_path, "--arch", "race")
    try:
        for _ in range(2):
            user.sees("]>")
            user.enters(f"explore {failing}")
            user.sees("failure 1:", timeout=60)
        user.sees("]>")
        user.enters("quit")
        assert user.leaves() == 1
        user.sees(f"rapide: exit status 1: 2 explorations of {failing} each found a failure\n")
        assert "the exploration of" not in user.unread
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


def test_piped_lines_that_end_with_a_carriage_return_alone_are_read_one_by_one(
    tmp_path: Path,
) -> None:
    # As an old Mac editor saves them, and as `rapide run` reads such a script: they were
    # one line, refused as "expected key=value, got 'run'".
    result = piped(tmp_path, "inject Web.order item=apple\rrun\rexpect Ledger.entry count=1\r"
                   "nonsense\r")
    assert "ok: Ledger.entry: 1 match" in joined(result.stdout)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["rapide: exit status 2: 1 command error (line 4)"]


def test_a_line_piped_in_too_long_to_read_is_refused_and_the_input_read_no_further(
    tmp_path: Path,
) -> None:
    # Read whole, a line with no end (`rapide repl FILE < /dev/zero`) filled the memory
    # until a MemoryError's traceback ended the reading thread, and the REPL waited for
    # ever. One longer than a script may be (64 MiB) now ends the input, said.
    lines = b"inject Web.order item=apple\n" + b"x" * (65 * 1024 * 1024) + b"\nrun\n"
    result = subprocess.run(
        [sys.executable, "-m", "rapide_shell.cli", "repl", SHOP], input=lines,
        capture_output=True, env={**os.environ, **piped_env(tmp_path)}, timeout=120,
    )
    shown = joined(result.stdout.decode())
    assert "]> " + "x" * 60 + "… error: the line is longer than 64 MiB: it was not run, nor " \
        "the input read further" in shown
    assert "]> run" not in shown
    assert result.returncode == 2
    assert result.stderr.decode() == "rapide: exit status 2: 1 command error (line 2)\n"


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_a_line_piped_in_that_is_not_text_is_refused_and_the_next_read(
    tmp_path: Path, errors: str
) -> None:
    # Under a UTF-8 locale (strict), one byte that is not UTF-8 ended the whole input
    # unsaid: no line ran, and the REPL exited 0. Under the C locale it ran as
    # `say caf\udce9`, where `rapide run` refuses the script ("not UTF-8 text").
    lines = b"inject Web.order item=apple\nsay caf\xe9\nrun\nexpect Store.reserved\n"
    result = subprocess.run(
        [sys.executable, "-m", "rapide_shell.cli", "repl", SHOP], input=lines,
        capture_output=True, env={**os.environ, **piped_env(tmp_path),
                                  "PYTHONIOENCODING": f"utf-8:{errors}"},
        timeout=60,
    )
    shown = joined(result.stdout.decode())
    assert "]> say caf\\xe9 error: the line is not text (UTF-8): it was not run" in shown
    assert "ok: Store.reserved: 1 match" in shown
    assert result.returncode == 2
    assert result.stderr.decode() == "rapide: exit status 2: 1 command error (line 2)\n"

"""``rapide shell``'s exit status sums up what its session met, as ``rapide repl``'s does:
the same status and the same line on stderr for the same commands, said in the terminal
once the screen is gone (pexpect, a real terminal), and counted from every way a line
is entered (the pilot)."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
import warnings
from pathlib import Path

import pexpect
import pytest

from rapide_shell.tui.widgets.command_bar import CommandBar
from tests.shell.cli_process import REPO, run_rapide
from tests.shell.terminal import Terminal
from tests.shell.test_recording import SWEEPER
from tests.shell.test_repl import ANSI, FIXTURES
from tests.shell.test_repl_exit_status import ORDERED, SHOP
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command, wait_until
from tests.shell.tui.test_explore_command import THREE_NOTES, race_app

LEFT_THE_SCREEN = "\x1b[?1049l"
"""What the TUI writes as it gives the terminal back: what follows is said after it."""


class Workbench:
    """``rapide shell FILE ARGS`` in a real terminal: typed into, read, then left."""

    def __init__(
        self, file: Path, *args: str | Path, env: dict[str, str] | None = None,
        cwd: Path = REPO, program: tuple[str, ...] = ("-m", "rapide_shell.cli", "shell"),
    ) -> None:
        self.child = Terminal(
            sys.executable, [*program, str(file), *map(str, args)],
            cwd=str(cwd), dimensions=(SIZE[1], SIZE[0]), encoding="utf-8", timeout=30,
            # The terminal's own size: COLUMNS and LINES (pytest-xdist sets them) would
            # override it.
            env={**{name: value for name, value in os.environ.items()
                    if name not in ("COLUMNS", "LINES")},
                 "TERM": "xterm-256color", **(env or {})},
        )
        self.written = ""
        """Everything the program wrote to the terminal, escapes and all."""
        self.unread = ""
        """What it wrote since the last text seen, without its escapes."""

    def sees(self, text: str, timeout: float = 30) -> None:
        """Waits until ``text`` is written (its escapes left out)."""
        deadline = time.monotonic() + timeout
        while text not in self.unread:
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r}; the screen ends {self.unread[-600:]!r}")
            with contextlib.suppress(pexpect.TIMEOUT):
                chunk = self.child.read_nonblocking(65536, timeout=0.1)
                self.written += chunk
                self.unread += ANSI.sub("", chunk)
        self.unread = self.unread.partition(text)[2]

    def has_written(self, text: str, timeout: float = 30) -> None:
        """Waits until ``text`` is among all that was written, before or after what was
        last seen (two texts of one frame come in the order of their rows)."""
        deadline = time.monotonic() + timeout
        while text not in ANSI.sub("", self.written):
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r}")
            with contextlib.suppress(pexpect.TIMEOUT):
                chunk = self.child.read_nonblocking(65536, timeout=0.1)
                self.written += chunk
                self.unread += ANSI.sub("", chunk)

    def enters(self, line: str, answer: str) -> None:
        """Types ``line`` in the command bar and waits for ``answer`` on the screen."""
        self.child.send(line + "\r")
        self.sees(answer)

    def leaves(self) -> tuple[int, str]:
        """Waits for the end; the exit status and what the terminal shows after the
        screen is gone."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        self.written += self.child.before
        shown = self.written.rpartition(LEFT_THE_SCREEN)[2]
        return self.child.exitstatus, ANSI.sub("", shown)

    def quits(self) -> tuple[int, str]:
        """Ctrl-Q, then :meth:`leaves`."""
        self.child.sendcontrol("q")
        return self.leaves()


@pytest.fixture
def opened():
    """Opens workbenches, and closes any a test leaves behind."""
    opened: list[Workbench] = []

    def open_one(
        file: Path, *args: str | Path, first: str = "Tab completes", **options
    ) -> Workbench:
        """The workbench, once it shows ``first`` (by default the command bar, focused)."""
        workbench = Workbench(file, *args, **options)
        opened.append(workbench)
        workbench.sees(first)
        return workbench

    yield open_one
    for workbench in opened:
        if workbench.child.isalive():
            workbench.child.terminate(force=True)


def repl_says(lines: str, *args: str | Path, file: Path = SHOP) -> tuple[int, str]:
    """The exit status and the stderr of ``rapide repl FILE ARGS`` reading ``lines``."""
    result = run_rapide("repl", file, *args, stdin=lines, env={"COLUMNS": "500"})
    return result.returncode, result.stderr


BROKEN_WORKBENCH = """
import sys

from rapide_shell.cli import main
from rapide_shell.tui.session_view import SessionView


def broken(self, outcome):
    raise RuntimeError("a bug of the workbench's")


SessionView._print_outcome = broken
main(["shell", *sys.argv[1:]])
"""


@pytest.mark.slow
def test_the_workbench_stopped_by_an_error_of_its_own_exits_2(opened, tmp_path) -> None:
    broken = tmp_path / "broken_workbench.py"
    broken.write_text(BROKEN_WORKBENCH)
    shop = opened(SHOP, program=(str(broken),))
    shop.child.send("show queue\r")
    status, shown = shop.leaves()
    assert status == 2
    assert "RuntimeError: a bug of the workbench's" in shown  # Textual's traceback
    assert shown.strip().splitlines()[-1] == (
        "rapide: exit status 2: the workbench stopped on an internal error (its "
        "traceback is above)"
    )


@pytest.mark.slow
def test_a_failed_expect_exits_1_and_says_so_in_the_terminal(opened) -> None:
    shop = opened(SHOP)
    shop.enters("expect Store.refused", "FAILED: Store.refused")
    status, shown = shop.quits()
    assert status == 1
    assert shown.strip() == "rapide: exit status 1: 1 expectation failed (line 1)"


@pytest.mark.slow
def test_the_same_commands_end_as_they_end_in_the_repl(opened) -> None:
    lines = ["frobnicate", "inject Web.order item=apple", "run", "expect Store.refused",
             "expect Store.reserved"]
    shop = opened(SHOP)
    for line, answer in zip(lines, ["unknown command", "injected", "quiet", "FAILED",
                                    "ok: Store.reserved"], strict=True):
        shop.enters(line, answer)
    status, shown = shop.quits()
    said = "rapide: exit status 2: 1 command error (line 1); 1 expectation failed (line 4)\n"
    assert (status, shown.lstrip()) == (2, said)
    assert repl_says("\n".join(lines) + "\n") == (2, said)


@pytest.mark.slow
def test_expectations_that_held_and_ctrl_c_twice_at_rest_exit_0(opened) -> None:
    shop = opened(SHOP)
    for line, answer in (("inject Web.order item=apple", "injected"), ("run", "quiet"),
                         ("expect Store.reserved", "ok: Store.reserved")):
        shop.enters(line, answer)
    shop.child.sendcontrol("c")
    shop.sees("Ctrl-C again quits")
    shop.child.sendcontrol("c")  # nothing under way: nothing is cut short
    status, shown = shop.leaves()
    assert (status, shown.strip()) == (0, "")


@pytest.mark.slow
def test_a_played_script_numbers_its_lines_as_the_repl_reads_them(opened, tmp_path) -> None:
    script = tmp_path / "order.rapide"
    text = "# an order\n\n" + ORDERED + "expect Store.refused\n"
    script.write_text(text)
    # The whole script may be played by the first frame. The note that it is done and
    # its last output may come in one frame, the note drawn first (it is higher on the
    # screen): the note is waited for, then the output looked for in all that was written.
    shop = opened(SHOP, "--script", script, "--speed", "0", first="The script is done")
    shop.has_written("FAILED: Store.refused")
    shop.enters("frobnicate", "unknown command")  # the lines typed after come next
    status, shown = shop.quits()
    said = "rapide: exit status 2: 1 command error (line 6); 1 expectation failed (line 5)\n"
    assert (status, shown.lstrip()) == (2, said)
    assert repl_says(text + "frobnicate\n") == (2, said)


@pytest.mark.slow
def test_a_hook_that_fails_exits_3_and_is_shown_after_the_screen(opened) -> None:
    hooked = opened(FIXTURES / "hooked.py", "--arch", "finish_raises")
    hooked.enters("show events", "Meter.read")
    status, shown = hooked.quits()
    assert status == 3
    assert "while the finish hooks ran:\nerror in the finish hook of meter: RuntimeError: " \
        "cannot park the needle" in shown
    said = ("rapide: exit status 3: a start or finish hook raised an error or reached a "
            "limit (shown above)\n")
    assert shown.endswith(said)
    assert repl_says("show events\n", "--arch", "finish_raises",
                     file=FIXTURES / "hooked.py")[1].endswith(said)


@pytest.mark.slow
def test_a_start_hook_s_trouble_is_shown_again_once_the_panels_are_gone(opened) -> None:
    hooked = opened(FIXTURES / "hooked.py", "--arch", "start_raises")
    status, shown = hooked.quits()
    assert status == 3
    assert "while the start hooks ran:\nerror in the start hook of meter: ValueError: the " \
        "meter is unplugged" in shown


@pytest.mark.slow
def test_a_recording_that_cannot_be_written_exits_2_after_an_expect_failed(
    opened, tmp_path: Path
) -> None:
    file = tmp_path / "hall.py"
    file.write_text(SWEEPER)
    folder = tmp_path / "records"
    folder.mkdir()
    hall = opened(file, "--record", folder / "r.rapide", env={"SWEPT": str(folder)})
    hall.enters("expect Janitor.swept", "FAILED")
    status, shown = hall.quits()
    assert status == 2
    said = shown.strip().splitlines()
    assert said[0].startswith(f"rapide: cannot write the recording {folder}/r.rapide: ")
    assert said[1:] == ["rapide: exit status 2: the recording could not be written (said "
                        "above); 1 expectation failed (line 1)"]


# -- every way a line is entered counts, as the pilot drives the app -----------------------


async def test_keys_pastes_and_a_typed_pause_are_lines_as_typed_ones_are() -> None:
    app = make_app(SHOP)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_command(pilot, "pause")  # said by the screen itself: a line all the same
        await pilot.press("f2")  # `step`
        await settle(pilot)
        bar = app.main_screen.query_one(CommandBar)
        bar.post_message(CommandBar.LinesPasted(["expect Web.order", "frobnicate"]))
        await settle(pilot)
        await type_command(pilot, "expect Web.order none")
    said = "exit status 2: 1 command error (line 4); 1 expectation failed (line 3)"
    assert app.tally.summary() == said
    typed = "pause\nstep\nexpect Web.order\nfrobnicate\nexpect Web.order none\n"
    assert repl_says(typed) == (2, f"rapide: {said}\n")


async def test_a_second_ctrl_c_during_a_wait_cuts_it_short() -> None:
    # (A played script's wait ends at the first Ctrl-C, which stops the script: see
    # test_narration.py.)
    app = make_app(SHOP)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "expect Web.order")
        bar = app.main_screen.query_one(CommandBar)
        bar.value = "wait"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.tally.under_way == [2])  # the wait holds
        await pilot.press("ctrl+c")
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: not app.is_running)
    assert app.tally.exit_status == 130
    assert app.tally.summary() == (
        "exit status 130: line 2 was cut short (Ctrl-C twice); 1 expectation failed (line 1)"
    )


@pytest.mark.slow
def test_ctrl_c_takes_a_played_script_over_and_its_lines_still_count(
    opened, tmp_path: Path
) -> None:
    (tmp_path / "talk.rapide").write_text("expect Store.refused\nwait\nexpect Store.refused none\n")
    # Played from its folder, by a name short enough for a line of the output.
    shop = opened(SHOP, "--script", "talk.rapide", "--speed", "0", cwd=tmp_path,
                  first="press any key")
    shop.child.sendcontrol("c")
    shop.sees("script stopped at line 2 of talk.rapide: the session is yours")
    # The session is the user's: what is typed is no longer refused.
    shop.enters("frobnicate", "unknown command")  # entered after line 2: line 3
    status, shown = shop.quits()
    said = "rapide: exit status 2: 1 command error (line 3); 1 expectation failed (line 1)\n"
    assert (status, shown.lstrip()) == (2, said)


@pytest.mark.slow
async def test_an_exploration_s_failure_counts_as_in_the_repl(tmp_path: Path) -> None:
    failing = tmp_path / "first.rapide"
    failing.write_text(THREE_NOTES + "expect Clerk.first(n=1)\n")
    app = race_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, f"explore {failing}")
        await wait_until(pilot, lambda: bool(app.tally.explorations), timeout=60)
        await pilot.press("ctrl+q")
    assert app.tally.summary() == f"exit status 1: the exploration of {failing} found a failure"


@pytest.mark.slow
async def test_a_second_ctrl_c_stops_an_exploration_short_as_in_the_repl(tmp_path: Path) -> None:
    holding = tmp_path / "any.rapide"
    holding.write_text(THREE_NOTES + "expect Clerk.first\n")
    app = race_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, f"explore {holding} random 0..999999")
        await pilot.press("ctrl+c")
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: not app.is_running, timeout=30)
    assert app.tally.summary() == (
        f"exit status 130: the exploration of {holding} was stopped by Ctrl-C before it "
        "found a failure"
    )


async def test_leaving_in_the_frame_of_a_keystroke_leaves_no_completion_unawaited() -> None:
    # Each letter asks the command bar for its completion. A quit cancels the app's
    # workers: one cancelled before it ran left its coroutine never awaited, and Python
    # said so on stderr after the screen was gone.
    app = make_app(SHOP)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(CommandBar)
        await pilot.press(*"inj")
        await pilot.pause()
        assert bar.render_line(0).text.strip().startswith("inject")  # the completion
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            bar.insert_text_at_cursor("e")
            app.workers.cancel_all()  # as the quit does, in the same frame
            await pilot.pause()
            gc.collect()
        assert [str(warning.message) for warning in said] == []
        await pilot.press("right", "enter")
        await settle(pilot)
        assert bar.history == ["inject"]

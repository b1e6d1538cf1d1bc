"""What the architecture's code prints shows in the Output, in its place among what the
commands say: Textual holds the terminal, and without the workbench's own streams a
``print`` in a handler was dropped unsaid."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from tests.shell.cli_process import run_rapide
from tests.shell.test_repl import ANSI
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command, wait_until
from tests.shell.tui.test_shell_exit_status import Workbench

PRINTING = textwrap.dedent(
    '''
    import sys
    import threading

    from pyrapide import action, architecture, connect, get_context, interface, module, when

    print("printed as the file is imported")


    @interface
    class Source:
        @action
        async def go(self, kind: str) -> None: ...


    @interface
    class Sink:
        @action
        async def done(self) -> None: ...


    @module(implements=Source)
    class Sending:
        async def start(self):
            print("printed by a start hook", file=sys.stderr)


    @module(implements=Sink)
    class Printing:
        @when("Source.go")
        async def on_go(self, match):
            kind = match.payload["kind"]
            if kind == "lines":
                print("first line")
                print("second", end="")
                print(" line")
                print("to stderr", file=sys.stderr)
                print("not ended", end="")
            elif kind == "thread":
                thread = threading.Thread(target=print, args=("from a thread",))
                thread.start()
                thread.join()
            elif kind == "many":
                for number in range(6000):
                    print(f"line {number}")
            elif kind == "input":
                print("got", repr(input("name? ")))
            elif kind == "close":
                sys.stdout.close()
                print("after close")
            await get_context(self).emit("Sink.done")


    @architecture
    class Printer:
        source: Source
        sink: Sink

        def connections(self):
            return [connect("Source.go", "sink")]
    '''
)


TOOK_THE_SCREEN = "\x1b[?1049h"
"""What the TUI writes as it takes the terminal: what follows is drawn on its screen."""


def _printer(tmp_path: Path) -> Path:
    path = tmp_path / "printer.py"
    path.write_text(PRINTING)
    return path


def _shown(app) -> list[str]:
    return [line.text.rstrip() for line in app.main_screen.output.lines]


def _after(lines: list[str], line: str) -> list[str]:
    return lines[len(lines) - lines[::-1].index(line) :]


async def test_what_a_handler_prints_comes_before_the_runs_outcome(tmp_path: Path) -> None:
    streams = sys.stdout, sys.stderr
    app = make_app(_printer(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, 'inject Source.go {"kind": "lines"}')
        await type_command(pilot, "run")
        lines = _after(_shown(app), "> run")
        assert lines[:5] == [
            "first line",
            "second line",
            "to stderr",
            "not ended",  # the next line written ends it
            "ran 1 dispatch, recorded 1 event",
        ]
        output = app.main_screen.output
        drawn = {line.text.rstrip(): next(iter(line)).style for line in output.lines}
        assert drawn["to stderr"] != drawn["first line"]  # in the error colour
    assert (sys.stdout, sys.stderr) == streams  # put back as the app ends


async def test_lines_typed_ahead_come_before_what_the_next_prints(tmp_path: Path) -> None:
    app = make_app(_printer(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        # Entered at once, as a paste of two lines: both run before the next frame.
        app.main_screen.submit_command('inject Source.go {"kind": "lines"}')
        app.main_screen.submit_command("run")
        await settle(pilot)
        lines = _after(_shown(app), "> run")
        assert lines[:4] == [
            'injected e1 Source.go from env {"kind": "lines"}',
            "queued #1 connect -> sink",
            "first line",
            "second line",
        ]


async def test_what_another_thread_prints_is_shown_too(tmp_path: Path) -> None:
    app = make_app(_printer(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, 'inject Source.go {"kind": "thread"}')
        await type_command(pilot, "run")
        # Handed to the event loop's thread, it is shown when the loop comes to it.
        await wait_until(pilot, lambda: "from a thread" in _shown(app))


async def test_a_storm_of_lines_keeps_the_last_and_says_how_many_went(tmp_path: Path) -> None:
    app = make_app(_printer(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, 'inject Source.go {"kind": "many"}')
        await type_command(pilot, "run")
        lines = _shown(app)
        # Half of what the Output keeps: the lines above are still there to scroll to.
        assert "(3500 lines printed before these are not kept)" in lines
        assert "line 3500" in lines and "line 3499" not in lines
        assert '> inject Source.go {"kind": "many"}' in lines
        assert lines[-4] == "line 5999"
        assert lines[-3] == "ran 1 dispatch, recorded 1 event"


async def test_closing_stdout_in_a_handler_leaves_the_output_open(tmp_path: Path) -> None:
    app = make_app(_printer(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, 'inject Source.go {"kind": "close"}')
        await type_command(pilot, "run")
        lines = _after(_shown(app), "> run")
        assert lines[:2] == ["after close", "ran 1 dispatch, recorded 1 event"]
        assert not app.session.errors


def test_what_the_file_printed_as_the_session_opened_is_the_output_s_first_lines(
    tmp_path: Path,
) -> None:
    # Printed before the screen took the terminal, it was wiped as the screen came (and
    # in a browser's tab went nowhere): held, it is the Output's to show.
    shell = Workbench(_printer(tmp_path), cwd=tmp_path)
    try:
        shell.sees("Tab completes")  # the command bar is there, focused
        # Full screen, the Output shows its first lines (in its panel they may scroll by
        # before a frame draws them).
        shell.enters("zoom output", "printed as the file is imported")
        shell.sees("printed by a start hook")
        on_screen = ANSI.sub("", shell.written.partition(TOOK_THE_SCREEN)[2])
        assert "printed as the file is imported" in on_screen
        status, shown = shell.quits()
    finally:
        shell.child.terminate(force=True)
    assert status == 0
    assert "printed" not in shown  # said in the Output, not again on the way out


def test_with_no_screen_to_show_it_what_was_printed_comes_before_the_refusal(
    tmp_path: Path,
) -> None:
    refused = run_rapide("shell", _printer(tmp_path))  # its input is no terminal
    assert refused.returncode == 2
    assert refused.stdout == "printed as the file is imported\n"
    assert refused.stderr.startswith("printed by a start hook\nrapide: the workbench draws")


async def test_what_a_start_hook_prints_as_the_screen_starts_the_system_is_shown(
    tmp_path: Path,
) -> None:
    # The screen starts the system, then draws every panel afresh, which dropped what
    # was batched: the hook's line with it.
    app = make_app(_printer(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "printed by a start hook" in _shown(app)


async def test_input_in_a_handler_finds_the_end_of_its_input_at_once(tmp_path: Path) -> None:
    # Standard input is the screen's keys (in a served tab, the pipe they come through):
    # input() froze the screen until the handler's time ran out, or took the keys.
    app = make_app(_printer(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, 'inject Source.go {"kind": "input"}')
        await type_command(pilot, "run")
        (error,) = app.session.errors
        assert type(error.error) is EOFError
        assert "name? " in " ".join(_after(_shown(app), "> run"))

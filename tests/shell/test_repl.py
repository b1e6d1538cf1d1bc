"""``rapide repl`` driven as a user drives it, in a pseudo-terminal (pexpect)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from pathlib import Path

import pexpect
import pytest

from tests.shell.cli_process import run_rapide
from tests.shell.terminal import Terminal

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# Terminal control sequences, so that assertions read what the user reads.
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\r")


class User:
    """A person at the REPL: types, presses keys, and reads the screen as text."""

    def __init__(
        self,
        file: Path,
        data_home: Path,
        *extra: str,
        term: str = "xterm",
        dimensions: tuple[int, int] = (40, 160),
        columns: str | None = None,
    ) -> None:
        """``dimensions``: the terminal's rows and columns; ``columns``: COLUMNS, if set."""
        env = {
            **{name: value for name, value in os.environ.items()
               if name not in ("COLUMNS", "LINES")},
            "XDG_DATA_HOME": str(data_home),
            "TERM": term,
            "NO_COLOR": "1",
            # pexpect does not answer cursor-position requests; do not wait for them.
            "PROMPT_TOOLKIT_NO_CPR": "1",
            **({} if columns is None else {"COLUMNS": columns}),
        }
        self.child = Terminal(
            sys.executable,
            ["-m", "rapide_shell.cli", "repl", str(file), *extra],
            env=env,
            encoding="utf-8",
            dimensions=dimensions,
            timeout=20,
        )
        self.screen = ""
        self.unread = ""

    def sees(self, text: str, timeout: float = 20) -> None:
        """Wait until ``text`` appears in what was printed since the last thing seen."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.unread.find(text)
            if found >= 0:
                self.unread = self.unread[found + len(text) :]
                return
            if time.monotonic() > deadline or (not self.child.isalive() and not self._read(0.05)):
                raise AssertionError(
                    f"never saw {text!r}; the screen ends with {self.unread[-600:]!r}"
                )
            self._read(0.1)

    def _read(self, timeout: float) -> bool:
        try:
            chunk = ANSI.sub("", self.child.read_nonblocking(65536, timeout=timeout))
        except (pexpect.TIMEOUT, pexpect.EOF):
            return False
        self.screen += chunk
        self.unread += chunk
        return True

    def types(self, text: str) -> None:
        self.child.send(text)

    def enters(self, line: str) -> None:
        self.child.send(line + "\r")

    def leaves(self) -> int:
        """Wait for the REPL to end; its exit status. What it printed last can still be
        :meth:`sees`."""
        self.child.expect(pexpect.EOF, timeout=20)
        last = ANSI.sub("", self.child.before or "")
        self.screen += last
        self.unread += last
        self.child.close()
        assert "Traceback" not in self.screen
        return self.child.exitstatus


@pytest.fixture
def shop_user(tmp_path: Path):
    user = User(FIXTURES / "shop.py", tmp_path)
    user.sees("rapide repl: Shop")
    user.sees("[quiet]>")
    yield user
    if user.child.isalive():
        user.child.terminate(force=True)


def test_tab_completes_commands_events_and_fields(shop_user: User, tmp_path: Path) -> None:
    shop_user.types("inj\t")
    shop_user.sees("inject")
    shop_user.types("Web.o\t")
    shop_user.sees("Web.order")
    shop_user.types("it\t")
    shop_user.sees("item=")
    shop_user.enters("apple")
    shop_user.sees('injected e1 Web.order from env {"item": "apple"}')
    shop_user.sees("[paused · 1 pending]>")
    shop_user.types("step #\t")
    shop_user.sees("#1")
    shop_user.enters("")
    shop_user.sees("ran #1 connect e1 Web.order -> store")
    shop_user.enters("quit")
    assert shop_user.leaves() == 0
    history = (tmp_path / "rapide" / "repl_history").read_text()
    assert "+inject Web.order item=apple" in history
    assert "+step #1" in history


def test_tab_quotes_a_name_the_pattern_syntax_takes_quoted(tmp_path: Path) -> None:
    user = User(FIXTURES / "patisserie.py", tmp_path)
    user.sees("[quiet]>")
    user.enters("inject Café.crème größe=2")
    user.enters("run")
    user.sees('e2 Bar.ö from bar {"n": 2}')
    user.types("expect Ca\t")
    user.sees('"Café.crème"')
    user.types("(\t")
    user.sees('"größe"=')
    user.types("2) -> B\t")
    user.sees('"Bar.ö"')
    user.enters("")
    user.sees('ok: "Café.crème"("größe"=2) -> "Bar.ö": 1 match')
    user.enters("quit")
    assert user.leaves() == 0


PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
"""How a terminal sends a paste (bracketed paste)."""


def test_pasted_lines_are_entered_one_after_the_other(shop_user: User, tmp_path: Path) -> None:
    # As at a terminal: each whole line runs, and the unfinished last one waits.
    lines = "inject Web.order item=apple\r\n\r\nbad line\r\nstep\r\nshow que"
    shop_user.types(PASTE_START + lines + PASTE_END)
    shop_user.sees('injected e1 Web.order from env {"item": "apple"}')
    shop_user.sees("error: unknown command 'bad'")
    shop_user.sees("[paused · 1 pending]> step\n")
    shop_user.sees("ran #1 connect e1 Web.order -> store")
    shop_user.sees("show que")
    shop_user.enters("ue")
    shop_user.sees("#2  pipe")
    shop_user.enters("quit")
    assert shop_user.leaves() == 2  # the blank line is not entered: `bad line` is the second
    shop_user.sees("rapide: exit status 2: 1 command error (line 2)")
    history = (tmp_path / "rapide" / "repl_history").read_text()
    assert "+bad line\n" in history and "+step\n" in history and "+show queue\n" in history


def test_ctrl_c_drops_the_pasted_lines_not_run_yet(tmp_path: Path) -> None:
    user = User(FIXTURES / "ticker.py", tmp_path)
    user.sees("[quiet]>")
    user.types(PASTE_START + "inject Clock.tick n=0 limit=1000000\nrun\ninject Clock.tick n=5\n"
               + PASTE_END)
    user.sees("> run\n")
    time.sleep(0.3)
    user.child.sendcontrol("c")
    user.sees("paused by you: 1 pending")
    user.sees("[paused · 1 pending]>")
    user.enters("quit")
    assert user.leaves() == 0
    assert "n=5" not in user.screen.partition("paused by you")[2]


def test_a_bad_command_is_an_error_and_the_session_goes_on(shop_user: User) -> None:
    shop_user.enters("injct Web.order")
    shop_user.sees("error: unknown command 'injct'; did you mean 'inject'?")
    shop_user.enters('inject Web.order {"item": }')
    shop_user.sees("error: malformed JSON payload")
    shop_user.sees("^")
    shop_user.enters("inject Web.order item=pear")
    shop_user.sees("injected e1 Web.order")
    shop_user.types("\x04")  # Ctrl-D
    assert shop_user.leaves() == 2  # the session went on; its status says what it met
    shop_user.sees("rapide: exit status 2: 2 command errors (lines 1 and 2)")


def test_a_ctrl_d_typed_while_a_command_runs_leaves_at_the_next_prompt(shop_user: User) -> None:
    # Between two prompts the terminal is in its line mode, where Ctrl-D was its end of
    # a line, not a key: the next prompt never saw it (nor one pressed the moment the
    # prompt was drawn, before it took the terminal).
    shop_user.enters("inject Web.order item=pear")
    shop_user.sees("queued #1")
    shop_user.enters("run --every 0.4")
    shop_user.sees("Store.reserved")  # the first event of the slow run: it goes on
    shop_user.types("\x04")  # Ctrl-D
    shop_user.sees("Ledger.entry")
    assert shop_user.leaves() == 0


def test_the_terminal_s_own_ctrl_d_is_given_back_when_the_repl_leaves(tmp_path: Path) -> None:
    shell = Terminal(
        "/bin/sh",
        ["-c", '"$0" -m rapide_shell.cli repl "$1"; stty -a', sys.executable,
         str(FIXTURES / "shop.py")],
        env={**os.environ, "TERM": "dumb", "XDG_DATA_HOME": str(tmp_path)},
        encoding="utf-8",
        timeout=20,
    )
    shell.expect_exact("]>")
    shell.sendline("quit")
    shell.expect(pexpect.EOF)
    assert re.search(r"\beof = \^D;", shell.before), shell.before


def test_step_with_nothing_after_its_hash_is_refused_and_takes_no_step(
    shop_user: User,
) -> None:
    # `step #` took the scheduler's choice of step, its lone `#` read as a comment.
    shop_user.enters("inject Web.order item=pear")
    shop_user.sees("queued #1")
    shop_user.enters("step #")
    shop_user.sees("error: `step #` would be a plain step")
    shop_user.sees("a dispatch id goes right after the `#`: `step #12`")
    shop_user.enters("step #1")
    shop_user.sees("ran #1 connect")  # still pending: `step #` took no step
    shop_user.types("\x04")  # Ctrl-D
    assert shop_user.leaves() == 2


def test_a_breakpoint_stops_a_run(shop_user: User) -> None:
    shop_user.enters("break Store.reserved")
    shop_user.sees("breakpoint 1: Store.reserved")
    shop_user.enters("inject Web.order item=apple")
    shop_user.enters("run")
    shop_user.sees("stopped at breakpoint 1 (Store.reserved): e2 Store.reserved")
    shop_user.sees("[paused · 2 pending]>")
    shop_user.enters("continue")
    shop_user.sees("[quiet]>")
    shop_user.child.sendcontrol("c")
    shop_user.sees("Ctrl-C again")
    shop_user.child.sendcontrol("c")
    assert shop_user.leaves() == 0


def test_sigint_twice_leaves_whenever_it_lands(shop_user: User) -> None:
    # The second lands at the prompt or in the moment before it holds the terminal
    # again (while "Ctrl-C again" is printed); either way it is a second Ctrl-C.
    shop_user.child.kill(signal.SIGINT)
    shop_user.sees("Ctrl-C again")
    shop_user.child.kill(signal.SIGINT)
    assert shop_user.leaves() == 0
    assert "interrupted" not in shop_user.screen


async def test_ctrl_c_between_two_prompts_waits_for_the_next_prompt(shop_session) -> None:
    # Out of raw mode (no prompt showing, no command running), Ctrl-C is a signal.
    from prompt_toolkit import PromptSession

    from rapide_shell.interrupts import CtrlC
    from rapide_shell.repl.app import _AtPrompt

    at_prompt = _AtPrompt(PromptSession())
    with CtrlC(shop_session, pausing="", leaving="", idle=at_prompt):
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.sleep(0.05)  # the loop takes it on its next turn
    assert at_prompt.take_pending()
    assert not at_prompt.take_pending()


def test_ctrl_c_pauses_a_long_run(tmp_path: Path) -> None:
    user = User(FIXTURES / "ticker.py", tmp_path)
    user.sees("[quiet]>")
    user.enters("inject Clock.tick n=0 limit=1000000")
    user.sees("[paused · 1 pending]>")
    user.enters("run")
    user.sees("> run\n")  # the prompt accepted the line: the run is under way
    time.sleep(0.3)
    user.child.sendcontrol("c")
    user.sees("ran ")
    user.sees("\npaused by you: 1 pending (step, run or show queue)\n")
    user.sees("[paused · 1 pending]>")
    user.enters("quit")
    assert user.leaves() == 0


def test_a_ctrl_c_after_the_one_that_paused_a_run_leaves(tmp_path: Path) -> None:
    # As in the TUI and `rapide run`: the first pauses, the second (no command in
    # between) leaves, as the pausing line says, even once the run has come back.
    user = User(FIXTURES / "ticker.py", tmp_path)
    user.sees("[quiet]>")
    user.enters("inject Clock.tick n=0 limit=1000000")
    user.enters("run")
    user.sees("> run\n")
    time.sleep(0.3)
    user.child.sendcontrol("c")
    user.sees("pausing after the current step (Ctrl-C again leaves at once)")
    user.sees("[paused · 1 pending]>")
    user.child.sendcontrol("c")
    assert user.leaves() == 0  # the pause changed nothing, and nothing was cut short
    assert "(Ctrl-C again, Ctrl-D or `quit` leaves)" not in user.screen


def test_a_history_file_that_cannot_be_read_or_written_leaves_the_repl_alone(
    tmp_path: Path,
) -> None:
    # A directory where the history file goes: prompt-toolkit printed its traceback at
    # every line entered, then "Press ENTER to continue...".
    (tmp_path / "rapide" / "repl_history").mkdir(parents=True)
    user = User(FIXTURES / "shop.py", tmp_path)
    user.sees("[quiet]>")
    user.enters("inject Web.order item=apple")
    user.sees("injected e1 Web.order")
    user.enters("step")
    user.sees("ran #1")
    user.child.send("\x1b[A")  # the line before, from the history kept in memory
    time.sleep(0.3)
    user.enters("")
    user.sees("]> step\nran #")
    user.enters("quit")
    assert user.leaves() == 0
    assert "Exception" not in user.screen and "Press ENTER" not in user.screen


def test_a_recorded_repl_session_is_a_script(tmp_path: Path) -> None:
    recording = tmp_path / "session.rapide"
    user = User(FIXTURES / "shop.py", tmp_path, "--record", str(recording), "--seed", "9")
    user.sees("[quiet]>")
    user.enters("inject Web.order item=apple")
    user.sees("[paused")
    user.enters("show queue")
    user.enters("run")
    user.sees("[quiet]>")
    user.enters("quit")
    assert user.leaves() == 0
    lines = [line for line in recording.read_text().splitlines() if not line.startswith("#")]
    assert lines == ["seed 9", 'inject Web.order {"item": "apple"}', "run"]


def test_the_welcome_counts_in_english(tmp_path: Path) -> None:
    user = User(FIXTURES / "room.py", tmp_path)
    user.sees("[quiet]>")
    # The welcome wraps where the terminal ends: read it as one line.
    assert "(1 component, 0 connections, seed 0)" in " ".join(user.screen.split())
    user.enters("quit")
    assert user.leaves() == 0


def test_the_welcome_counts_the_components_inside_nested_architectures(tmp_path: Path) -> None:
    user = User(EXAMPLES / "nested_payments.py", tmp_path)
    user.sees("in flight]>")
    # As `rapide check` counts them: 3 at the top, 6 in all; connections at every level.
    welcome = " ".join(user.screen.split())
    assert "(3 components, 6 with those nested, 6 connections, seed 0)" in welcome
    user.enters("quit")
    assert user.leaves() == 0


def test_a_file_that_does_not_load(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import nowhere_to_be_found\n")
    user = User(broken, tmp_path)
    user.sees("cannot import 'nowhere_to_be_found'")
    assert user.leaves() == 2


@pytest.mark.parametrize("kind", ["spin", "block"])
def test_a_handler_that_keeps_control_is_stopped_and_the_repl_answers(
    tmp_path: Path, kind: str
) -> None:
    user = User(FIXTURES / "stuck.py", tmp_path, "--handler-timeout", "0.5")
    try:
        user.sees("[quiet]>")
        user.enters(f"inject Desk.job kind={kind}")
        user.sees("[paused · 1 pending]>")
        began = time.monotonic()
        user.enters("run")
        user.sees("HandlerTimeout: Worker.on_job ran for more")  # the line may wrap here
        user.sees("in on_job)")
        user.sees("[quiet]>")
        assert time.monotonic() - began < 15
        # The session goes on: the next job is done at once.
        user.enters("inject Desk.job kind=ok")
        user.enters("run")
        user.sees("Desk.done")
        user.sees("[quiet]>")
        user.enters("quit")
        assert user.leaves() == 0
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


@pytest.mark.slow
def test_a_background_exploration_says_its_answer_when_it_ends(tmp_path: Path) -> None:
    scenario = tmp_path / "first.rapide"
    scenario.write_text(
        "inject Desk.note n=1\ninject Desk.note n=2\ninject Desk.note n=3\nrun\n"
        "expect Clerk.first(n=1)\n"
    )
    user = User(FIXTURES / "deliveries.py", tmp_path, "--arch", "race")
    user.sees("]>")
    user.enters(f"explore {scenario}")
    # Nothing typed since: the answer comes by itself, above a prompt drawn again.
    user.sees("failure 1:", timeout=60)
    user.sees("]>")
    # Lines wrap where the console ends: read them as one.
    shown = " ".join(user.screen.split())
    started = shown.index("in the background on 1 worker process")
    assert shown.index("stopped at the first failure (all-failures goes on)") > started
    user.enters("quit")
    assert user.leaves() == 1  # the exit status says what the exploration found


def test_commands_piped_in_are_read_line_by_line(tmp_path: Path) -> None:
    # As a line reader does: each shown after the prompt, no terminal warnings or
    # drawing, an error said and the next line read, the end of the input leaves.
    result = run_rapide(
        "repl", FIXTURES / "shop.py",
        stdin="inject Web.order item=apple\nfrobnicate\nrun\nwhy e2\n",
        env={"XDG_DATA_HOME": str(tmp_path)},
    )
    assert result.returncode == 2, result.stderr  # as `frobnicate` is in a script
    assert result.stderr == "rapide: exit status 2: 1 command error (line 2)\n"
    lines = result.stdout.splitlines()
    first = lines.index("rapide [quiet]> inject Web.order item=apple")
    assert lines[first : first + 3] == [
        "rapide [quiet]> inject Web.order item=apple",
        'injected e1 Web.order from env {"item": "apple"}',
        "queued #1 connect -> store",
    ]
    assert "rapide [paused · 1 pending]> frobnicate" in lines
    assert "error: unknown command 'frobnicate' (`help` lists the commands)" in lines
    assert "rapide [paused · 1 pending]> run" in lines
    assert "rapide [quiet]> why e2" in lines
    assert lines[-1] == '└── e1 Web.order from env {"item": "apple"}'
    assert "\r" not in result.stdout and "\x1b" not in result.stdout
    history = tmp_path / "rapide" / "repl_history"  # typed lines only
    assert not history.exists() or "frobnicate" not in history.read_text()


LOUD_CLERK = """\
from pyrapide import Pattern, action, agent, architecture, get_context, interface, module, when

@interface
class Desk:
    @action
    async def note(self, n: int) -> None: ...

@interface
class Clerk:
    @action
    async def answered(self, n: int) -> None: ...

@module(implements=Desk)
class Front:
    pass

@module(implements=Clerk)
class Loud:
    @when(Pattern.match("Desk.note"))
    async def answer(self, match):
        print("the clerk answers", match.payload["n"])
        await get_context(self).emit("Clerk.answered", n=match.payload["n"])

@architecture
class Office:
    desk = Desk
    clerk = Clerk
    connections = [agent(Pattern.match("Desk.note"), clerk)]
"""


@pytest.mark.slow
def test_what_a_background_exploration_prints_is_not_written_over_the_prompt(
    tmp_path: Path,
) -> None:
    loud = tmp_path / "loud.py"
    loud.write_text(LOUD_CLERK)
    scenario = tmp_path / "notes.rapide"
    scenario.write_text("inject Desk.note n=1\ninject Desk.note n=2\nrun\n")
    user = User(loud, tmp_path)
    user.sees("[quiet]>")
    user.enters(f"explore {scenario}")
    user.sees("nothing checked: no expect, and no constraint declared", timeout=60)
    user.sees("]>")
    user.enters("inject Desk.note n=7")  # the session's own run prints, as the file says
    user.enters("run")
    user.sees("the clerk answers 7")
    user.enters("quit")
    assert user.leaves() == 0
    assert "the clerk answers 1" not in user.screen


@pytest.mark.parametrize(
    ("dimensions", "columns", "width"),
    [
        ((40, 160), None, 160),  # the terminal's own size
        ((40, 100), "150", 150),  # COLUMNS, as a shell sets it, over the size
        ((40, 0), None, 80),  # nothing known: 80
    ],
)
def test_a_dumb_terminal_is_written_to_its_own_width(
    tmp_path: Path, dimensions: tuple[int, int], columns: str | None, width: int
) -> None:
    # Editors' shell buffers say TERM=dumb; their width is known all the same.
    user = User(FIXTURES / "shop.py", tmp_path, term="dumb", dimensions=dimensions,
                columns=columns)
    user.sees("]> ")
    user.enters(f"say {'y' * 120}")  # "» " and a word of 120: 122 columns
    user.sees("]> ")
    said = [line.rstrip() for line in user.screen.splitlines()
            if line.startswith("»") or line.startswith("yy")]
    if width >= 122:
        assert said == ["» " + "y" * 120]
    else:
        assert said == ["» " + "y" * (width - 3) + "…"]  # cut at the terminal's edge
    user.enters("quit")
    assert user.leaves() == 0


def test_no_line_the_repl_prints_ends_in_blanks(shop_user: User) -> None:
    # A table's padded cells and the blank line before a narration were drawn as
    # spaces: a line copied from the terminal came with them, where `rapide run`
    # prints none.
    shop_user.enters("inject Web.order item=x")
    shop_user.sees("queued #1")
    shop_user.enters("show queue")
    shop_user.sees("Web.order")
    shop_user.enters("say hello there")
    shop_user.sees("» hello there")
    shop_user.enters("quit")
    shop_user.leaves()
    printed = shop_user.screen.split("> say hello there\n")[0].split("> show queue\n")[1]
    assert printed.split("\n")[1].split() == ["#1", "connect", "e1", "Web.order", "store"]
    screen = shop_user.screen.split("\n")
    assert "» hello there" in screen
    assert [line for line in screen if line != line.rstrip() and not line.endswith("]> ")] == []


def test_a_run_in_slow_motion_shows_each_event_as_it_is_recorded(tmp_path: Path) -> None:
    # A run's output comes when it ends; one in slow motion, shown to a class, would
    # show nothing for its whole length.
    user = User(EXAMPLES / "connection_kinds.py", tmp_path)
    try:
        user.sees("pending · 1 in flight]>")
        user.enters("run --every 0.1")
        user.sees("e8 Worker.done from agent_worker")
        assert "ran 9 dispatches" not in user.screen  # the run goes on
        user.sees("e18 Worker.done from pipe_worker")
        user.sees("ran 9 dispatches, recorded 11 events")
        user.sees("[quiet]>")
        user.enters("quit")
        assert user.leaves() == 0
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)

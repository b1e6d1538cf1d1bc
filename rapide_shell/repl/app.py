"""``rapide repl``: the command language at a prompt-toolkit prompt, output through Rich.

The prompt and the system share one asyncio loop (``prompt_async``): while a command
runs, the prompt is not shown, and Ctrl-C pauses a ``run`` in progress instead of
killing the program (a second Ctrl-C during the same command leaves, even when a
handler keeps the loop busy; see :mod:`rapide_shell.interrupts`). At the prompt,
Ctrl-C clears the line (twice in a row leaves), Ctrl-D and ``quit`` leave (a Ctrl-D
typed while a command runs, at the next prompt: see :mod:`.typed_ahead`); the
system's finish hooks run on the way out, and the recording is kept. Lines pasted at
the prompt are entered one after the other, as typed, and a last one without its end
waits at the prompt to be finished, as in the TUI's command bar; a Ctrl-C drops the
lines not entered yet. A standard input that is not a terminal is read line by line,
each line shown after the prompt as if typed.

A background exploration (``explore``) says its answer above the prompt as it ends.
At the end of the input (Ctrl-D, or the end of piped commands) one still running is
waited for and its answer printed, unless a Ctrl-C stops it; ``quit`` and a Ctrl-C
that leaves stop it, saying so.

The exit status sums up the session (see :mod:`rapide_shell.tally`): the most
serious thing it met, with the meanings ``rapide run`` gives its statuses. A command
error (2) or a failed ``expect`` (1) does not stop the session, but it stays in its
status; every exploration's answer counts as ``rapide explore`` would exit with it;
130 is for a Ctrl-C that cut a command or an exploration short, not for one that
paused a run or left an idle prompt.

The REPL handles SIGINT itself for its whole life: between two prompts the terminal is
out of raw mode, so a Ctrl-C typed then (while output is printed, or just before the
next prompt takes the terminal) is a signal, not a key, and must count as a Ctrl-C at
the prompt rather than kill the program.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import errno
import functools
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir
from prompt_toolkit import PromptSession
from prompt_toolkit.application import create_app_session, run_in_terminal
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import HTML, FormattedText, to_formatted_text
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import DummyInput
from prompt_toolkit.input.typeahead import get_typeahead
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import create_output
from prompt_toolkit.shortcuts import print_formatted_text
from rich.console import Console
from rich.text import Text

from pyrapide.core.printable import printable
from pyrapide.runtime import DEFAULT_HANDLER_TIMEOUT
from pyrapide.runtime.notifications import EventRecorded
from rapide_shell import notices
from rapide_shell.exit_status import EndedBySignal
from rapide_shell.explorations import (
    EXPLORE_PLUGIN,
    STOPPED_BY_CTRL_C,
    ExploreCommands,
    status_lines,
)
from rapide_shell.interrupts import CtrlC
from rapide_shell.loader import LoadError
from rapide_shell.looks import architecture_counts
from rapide_shell.python_warnings import on_stderr, warnings_shown_by
from rapide_shell.render import event_text, note, terminal_console
from rapide_shell.repl.typed_ahead import ctrl_d_kept_as_a_key
from rapide_shell.report import print_output
from rapide_shell.script_file import SCRIPT_LIMIT, script_lines
from rapide_shell.session import Session, refused_line
from rapide_shell.std_streams import escapes_written_out
from rapide_shell.tally import SessionTally
from rapide_shell.unhandled import tell_loop_errors

if TYPE_CHECKING:
    from rapide_shell.address import Address


class Leaving(StrEnum):
    """How the user left the prompt, as a stopped exploration's verdict names it."""

    END_OF_INPUT = "end of input"
    """Ctrl-D, or the end of piped input: a running exploration is waited for."""
    CTRL_C = STOPPED_BY_CTRL_C
    """A Ctrl-C twice at the prompt, or a second one during a command."""
    QUIT = "quit"
    """The ``quit`` command."""


PAUSING = "rapide: interrupted: pausing after the current step (Ctrl-C again leaves at once)\n"
STOPPING = (
    "rapide: interrupted: stopping the travel at the step it has reached "
    "(Ctrl-C again leaves at once)\n"
)
LEAVING = "rapide: interrupted again: leaving now (the session closes as usual)\n"
"""What the REPL says at a first Ctrl-C during a command (during a travel through the
history: ``back``, ``goto``, ...), and at a second."""


class SessionCompleter(Completer):
    """prompt-toolkit completions from :meth:`Session.completions`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        """Yield the session's candidates for the word before the cursor."""
        before = document.text_before_cursor
        for candidate in self.session.completions(before):
            yield Completion(
                candidate.text,
                start_position=candidate.start - len(before),
                display=candidate.display,
                display_meta=candidate.meta,
            )


def history_file() -> Path:
    """Where the REPL keeps its history: ``repl_history`` in the user's data directory."""
    return Path(user_data_dir("rapide", appauthor=False)) / "repl_history"


class _FileHistoryOrMemory(FileHistory):
    """The history in its file, kept in memory alone when the file cannot be read or
    written (a directory in its place, a file made read-only, a full disk): prompt-toolkit
    printed its traceback at every line entered, then waited for Enter."""

    def load_history_strings(self) -> Iterable[str]:
        try:
            return list(super().load_history_strings())
        except OSError:
            return []

    def store_string(self, string: str) -> None:
        with contextlib.suppress(OSError):
            super().store_string(string)


def _history() -> History:
    path = history_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return _FileHistoryOrMemory(str(path))


def prompt_text(session: Session) -> HTML:
    """``rapide [paused · 3 pending · 1 in flight]>`` (or quiet, inspecting): what the
    system is doing."""
    return HTML(f"<b>rapide</b> [<ansiyellow>{_status(session)}</ansiyellow>]&gt; ")


def _status(session: Session) -> str:
    state = session.state
    status = str(state)
    if state == "paused":
        status = f"paused · {session.pending_count} pending"
        flying = session.in_flight_count
        if flying:
            status += f" · {flying} in flight"
    return status


async def run_repl(
    file: str,
    *,
    seed: int | None = None,
    arch: str | None = None,
    record: str | None = None,
    force_record: bool = False,
    handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
    at: Address | None = None,
) -> int:
    """Load ``file`` and read commands until the user leaves; return the exit status.
    ``handler_timeout``: the seconds a handler may keep control (None: no bound);
    ``at``: the point to start at (see :meth:`Session.open`)."""
    console = terminal_console(highlight=False)
    interrupts: CtrlC | None = None
    tally = SessionTally()
    try:
        # A Ctrl-D typed between two prompts is kept for the next. What the
        # architecture's code prints shows its escape sequences written out; the prompt
        # draws with escapes of its own, on the stream that was there before.
        with (
            ctrl_d_kept_as_a_key(),
            create_app_session(output=create_output()),
            escapes_written_out(),
        ):
            async with Session.open(
                file,
                arch=arch,
                seed=seed,
                record=record,
                force_record=force_record,
                handler_timeout=handler_timeout,
                at=at,
            ) as session:
                explorations = ExploreCommands()
                session.plugins.register(explorations, name=EXPLORE_PLUGIN)
                _welcome(console, session)
                for problem in session.hook_problems("start"):
                    console.print(problem)
                if session.arrival is not None:
                    for renderable in session.arrival.output:
                        console.print(renderable)
                pasted = _Pasted()
                # Standard input that is no terminal (a pipe, a file) is read line by line:
                # prompt-toolkit would warn and draw its prompt around what it never saw typed.
                piped = None if sys.stdin is not None and sys.stdin.isatty() else _PipedLines()
                prompt: PromptSession[str] = PromptSession(
                    history=_history(),
                    completer=SessionCompleter(session),
                    complete_while_typing=False,
                    key_bindings=pasted.bindings(),
                    input=DummyInput() if piped else None,
                )
                at_prompt = _AtPrompt(prompt, piped)
                # Told in the REPL's own context, where prompt-toolkit finds its
                # application: a task's error is found wherever the task is collected.
                shown_above = contextvars.copy_context()
                tell_loop_errors(lambda line: shown_above.run(_above_the_prompt, prompt, line))
                session.subscribe(
                    functools.partial(_announce_end, console, prompt, explorations),
                    (notices.ExplorationChanged,),
                )
                tally.follow_explorations(session, explorations)
                interrupts = CtrlC(
                    session, pausing=PAUSING, stopping=STOPPING, leaving=LEAVING, idle=at_prompt
                )
                interrupts.__enter__()
                left_by: str = Leaving.CTRL_C  # unless the loop returns: a second Ctrl-C
                try:
                    with warnings_shown_by(on_stderr, file):
                        left_by = await _loop(
                            console, session, prompt, at_prompt, interrupts, pasted, piped, tally
                        )
                    if left_by == Leaving.END_OF_INPUT and interrupts.ended_by is None:
                        await _see_through(console, explorations, at_prompt)
                finally:
                    if interrupts.ended_by is not None:
                        left_by = interrupts.ended_by.reason
                    await _stop_exploration(console, explorations, left_by)
    except LoadError as error:
        sys.stderr.write(f"rapide: {printable(str(error))}\n")
        return error.exit_status
    except OSError as error:
        if interrupts is None or not _terminal_gone(error, interrupts):
            raise
        # The terminal went away (its hangup, SIGHUP, comes with it): prompt-toolkit's
        # last writes failed, and the session closed on the way here.
        interrupts.ended_by = interrupts.ended_by or EndedBySignal(signal.SIGHUP)
    except KeyboardInterrupt:
        if interrupts is None:
            raise  # Ctrl-C while the session was being opened: the CLI says so
        # The second Ctrl-C of a command (or SIGTERM, SIGHUP): the session closed on the
        # way here (its finish hooks ran, its recording was kept).
        tally.cut_short()
    finally:
        # Only now: a Ctrl-C while the finish hooks run must not kill the program.
        if interrupts is not None:
            interrupts.__exit__()
            tally.ended_by = interrupts.ended_by
    return tally.sum_up(session, console)


def _terminal_gone(error: OSError, interrupts: CtrlC) -> bool:
    """Whether ``error`` is the terminal refusing a write because it is gone: after the
    hangup, or EIO from a terminal closed before its SIGHUP was handled."""
    hung_up = interrupts.ended_by is not None and interrupts.ended_by.name == "SIGHUP"
    return hung_up or error.errno == errno.EIO


def _announce_end(
    console: Console,
    prompt: PromptSession[str],
    explorations: ExploreCommands,
    notice: notices.ExplorationChanged,
) -> None:
    """Print the answer of a background exploration as it ends, as ``explore`` would
    show it: above the prompt when one is waiting for a command (which is then drawn
    again), else at once, between the lines of the command running."""
    exploration = explorations.exploration
    if not notice.ended or exploration is None:
        return

    def show() -> None:
        for renderable in status_lines(exploration):
            console.print(renderable)

    if prompt.app.is_running:
        run_in_terminal(show)  # scheduled on the loop; the prompt comes back after it
    else:
        show()


def _above_the_prompt(prompt: PromptSession[str], line: str) -> None:
    """Write ``line`` on stderr: above the prompt when one is waiting for a command
    (which is then drawn again), else at once."""
    if prompt.app.is_running:
        run_in_terminal(functools.partial(on_stderr, line))
    else:
        on_stderr(line)


async def _see_through(
    console: Console, explorations: ExploreCommands, at_prompt: _AtPrompt
) -> None:
    """At the end of the input, a background exploration still running is waited for;
    its answer is printed as it ends (see :func:`_announce_end`). A Ctrl-C stops it
    (what was explored is reported: its workers finish the schedules at hand)."""
    exploration = explorations.exploration
    if exploration is None or not exploration.running:
        return
    console.print(note(f"waiting for the exploration of {exploration.settings.script} to "
                       "end (Ctrl-C stops it)"))

    def stop() -> None:
        if exploration.stopped_by is None and exploration.stop(Leaving.CTRL_C):
            console.print(note("stopping the exploration; what was explored is reported"))

    at_prompt.waiting = stop
    if at_prompt.take_last():
        stop()
    try:
        await exploration.wait()
    finally:
        at_prompt.waiting = None


async def _stop_exploration(
    console: Console, explorations: ExploreCommands, by: str
) -> None:
    """Leaving while an exploration runs: it is stopped, saying so, and its answer is
    printed as it ends (what was explored)."""
    exploration = explorations.exploration
    if exploration is not None and exploration.running:
        console.print(note(f"{by}: stopping the exploration of {exploration.settings.script}; "
                           "what was explored is reported"))
    await explorations.close(by)


class _AtPrompt:
    """A Ctrl-C while no command runs: a Ctrl-C at the prompt, whether the prompt is
    showing or about to be, or while the next piped line is awaited, or, once the input
    has ended, while an exploration is seen through (called on the event loop)."""

    def __init__(self, prompt: PromptSession[str], piped: _PipedLines | None = None) -> None:
        self.prompt = prompt
        self.piped = piped
        self.pending = False
        """A Ctrl-C came between two prompts; the next prompt takes it as typed there."""
        self.waiting: Callable[[], None] | None = None
        """What a Ctrl-C does while the REPL waits for an exploration at the end."""

    def __call__(self) -> None:
        if self.waiting is not None:
            self.waiting()
        elif self.piped is not None:
            self.piped.interrupt()
        elif self.prompt.app.is_running and not self.prompt.app.is_done:
            self.prompt.app.exit(exception=KeyboardInterrupt, style="class:aborting")
        else:
            self.pending = True

    def before_prompt(self) -> None:
        """As a prompt starts (its ``pre_run``): a Ctrl-C that came while it was about to,
        too early for it to be ended by (:meth:`__call__`), ends it now."""
        if self.take_pending():
            self.prompt.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    def take_pending(self) -> bool:
        """True (once) when a Ctrl-C arrived between prompts."""
        pending, self.pending = self.pending, False
        return pending

    def take_last(self) -> bool:
        """True when a Ctrl-C came after the last prompt: between prompts, or as a key
        the prompt read after the one that ended it (a loop kept busy handles the keys
        typed meanwhile in one batch; those after the end wait as typeahead, dropped
        here: there is no next prompt)."""
        typed = get_typeahead(self.prompt.input)
        return self.take_pending() or any(press.key == Keys.ControlC for press in typed)


class _Pasted:
    """Lines pasted at the prompt: the first is entered at once, as Enter would; the
    others wait in ``lines`` to be entered in turn, and what followed the last line end
    (``rest``) is the text of the prompt after them."""

    def __init__(self) -> None:
        self.lines: deque[str] = deque()
        self.rest = ""

    def bindings(self) -> KeyBindings:
        """The prompt's key binding for a paste (a terminal's bracketed paste)."""
        bindings = KeyBindings()

        @bindings.add(Keys.BracketedPaste)
        def _paste(event: KeyPressEvent) -> None:
            # Line ends as terminals paste them: \n, \r\n or \r.
            text = event.data.replace("\r\n", "\n").replace("\r", "\n")
            first, *others = text.split("\n")
            event.current_buffer.insert_text(first)
            if others:
                self.rest = others.pop()
                self.lines.extend(line for line in others if line.strip())
                event.current_buffer.validate_and_handle()

        return bindings

    def clear(self) -> None:
        """Drop what is waiting (a Ctrl-C)."""
        self.lines.clear()
        self.rest = ""


class NotText(str):
    """A line piped in that is not UTF-8 text, as shown (its bytes that are not written
    as ``\\xe9``): it is refused, as ``rapide run`` refuses such a script, and the next
    line read."""


NOT_TEXT = "the line is not text (UTF-8): it was not run"
"""What the REPL says of a line piped in that is not UTF-8 text."""


class TooLong(NotText):
    """A line piped in longer than :data:`~rapide_shell.script_file.SCRIPT_LIMIT`, as
    shown (its start): it is refused, and the input read no further (``/dev/zero`` has
    no line end; what was read of such a line filled the memory until Python's
    MemoryError ended the reading thread with a traceback, and the REPL waited for ever
    for the next line)."""


TOO_LONG = "the line is longer than 64 MiB: it was not run, nor the input read further"
"""What the REPL says of a line piped in that is too long to read."""


def _piped_text(read_line: bytes | str) -> str:
    """A line read from standard input, as text: a :class:`NotText` when its bytes are
    not UTF-8 (or, read as text, the locale's decoder let them through escaped)."""
    if isinstance(read_line, str):
        try:
            read_line.encode("utf-8")
        except UnicodeEncodeError:  # surrogates: bytes the decoder could not read
            return NotText(read_line.encode("utf-8", "surrogateescape").decode(
                "utf-8", "backslashreplace"))
        return read_line
    try:
        return read_line.decode("utf-8")
    except UnicodeDecodeError:
        return NotText(read_line.decode("utf-8", "backslashreplace"))


def _bounded_lines(source: Iterable[bytes | str]) -> Iterator[bytes | str]:
    """The lines of ``source`` (a stream, or nothing), each read only up to
    :data:`SCRIPT_LIMIT`: a longer one ends them as a :class:`TooLong` of its start."""
    readline = getattr(source, "readline", None)
    if readline is None:
        yield from source
        return
    while True:
        read_line = readline(SCRIPT_LIMIT + 1)
        if not read_line:
            return
        if len(read_line) > SCRIPT_LIMIT:
            start = _piped_text(read_line[:60])
            yield TooLong(f"{start}…")
            return
        yield read_line


class _PipedLines:
    """The lines of a standard input that is not a terminal, read by a thread of their
    own as they come, so that the event loop runs (and Ctrl-C is heard) meanwhile. A
    line that is not UTF-8 text comes as a :class:`NotText`: the lines around it are
    read all the same (a text stream would have ended the whole input there, unsaid)."""

    def __init__(self) -> None:
        self._lines: asyncio.Queue[str | BaseException] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def put(item: str | BaseException) -> bool:
            try:
                loop.call_soon_threadsafe(self._lines.put_nowait, item)
            except RuntimeError:  # the REPL has left, its loop closed
                return False
            return True

        def read() -> None:
            stream = sys.stdin
            source: Iterable[bytes | str] = (
                () if stream is None else getattr(stream, "buffer", stream)  # None: closed
            )
            try:
                for read_line in _bounded_lines(source):
                    if isinstance(read_line, TooLong):
                        put(read_line)
                        break
                    text = _piped_text(read_line)
                    # A carriage return alone ends a line too, as in a script file.
                    for line in script_lines(text):
                        if not put(NotText(line) if isinstance(text, NotText) else line):
                            return
            except (OSError, ValueError):  # unreadable: the input ends there
                pass
            put(EOFError())

        # A daemon: the REPL may leave (`quit`) while it waits for more input.
        threading.Thread(target=read, name="rapide-repl-stdin", daemon=True).start()

    def interrupt(self) -> None:
        """A Ctrl-C while the next line is awaited (called on the event loop)."""
        self._lines.put_nowait(KeyboardInterrupt())

    async def next_line(self) -> str:
        """The next line; EOFError at the end of the input."""
        line = await self._lines.get()
        if isinstance(line, BaseException):
            raise line
        return line


async def _loop(
    console: Console,
    session: Session,
    prompt: PromptSession[str],
    at_prompt: _AtPrompt,
    interrupts: CtrlC,
    pasted: _Pasted,
    piped: _PipedLines | None,
    tally: SessionTally,
) -> Leaving:
    """Read and run commands until the user leaves, counting what each met in
    ``tally``; how they left (a :class:`Leaving`)."""
    interrupted = False
    while True:
        try:
            if at_prompt.take_pending() or interrupts.ended_by is not None:
                raise KeyboardInterrupt  # a Ctrl-C between prompts, or asked to end
            if piped is not None:
                # The next line, shown after the prompt as if typed (the output may be
                # a file, where prompt-toolkit's line ends would not do).
                line = await piped.next_line()
                console.print(Text.assemble(
                    ("rapide", "bold"), " [", (_status(session), "yellow"), "]> ",
                    printable(line),
                ), crop=False)
                if isinstance(line, NotText):
                    refused = refused_line(line, TOO_LONG if isinstance(line, TooLong)
                                           else NOT_TEXT)
                    tally.ran(tally.entered(), refused)
                    print_output(console, refused.command, refused.output)
                    continue
            elif pasted.lines:
                # The next pasted line, shown as if typed at the prompt.
                line = pasted.lines.popleft()
                prompt.history.append_string(line)
                shown = [*to_formatted_text(prompt_text(session)), ("", printable(line))]
                print_formatted_text(FormattedText(shown))
            else:
                rest, pasted.rest = pasted.rest, ""
                # handle_sigint=False: our handler stays in place; prompt-toolkit's would
                # replace it and, on leaving, leave SIGINT to Python's default (a crash).
                # set_exception_handler=False: the session's says an error nothing
                # awaited in one line (above the prompt, see _above_the_prompt), where
                # prompt-toolkit's printed a traceback and took the next line typed for
                # the Enter its "Press ENTER to continue..." waited for.
                line = await prompt.prompt_async(
                    lambda: prompt_text(session), handle_sigint=False, default=rest,
                    pre_run=at_prompt.before_prompt, set_exception_handler=False,
                )
        except KeyboardInterrupt:
            pasted.clear()
            if interrupted or interrupts.ended_by is not None:
                return Leaving.CTRL_C
            interrupted = True
            console.print(Text("(Ctrl-C again, Ctrl-D or `quit` leaves)", style="dim"))
            continue
        except EOFError:
            return Leaving.END_OF_INPUT
        number = tally.entered()
        interrupts.start_command()
        try:
            with _slow_steps_shown(console, session):
                outcome = await interrupts.running(session.execute(line))
        finally:
            interrupts.end_command()
        if interrupts.ended_by is not None:
            # Asked to end while it ran (SIGTERM, SIGHUP): the signal paused it, and the
            # command may have returned before the interrupt it raises could reach it.
            tally.cut_short()
        tally.ran(number, outcome)
        if interrupts.count:
            pasted.clear()  # a Ctrl-C during the command: the rest of a paste is not wanted
        # A Ctrl-C that paused the command is a first one: the next, with no command in
        # between, leaves (as its line said: "Ctrl-C again leaves at once").
        interrupted = interrupts.count > 0
        print_output(console, outcome.command, outcome.output)
        if outcome.quit:
            return Leaving.QUIT


@contextlib.contextmanager
def _slow_steps_shown(console: Console, session: Session) -> Iterator[None]:
    """While the command in the ``with`` block runs, each event a run in slow motion
    (``run --every``) records is printed as it is recorded: a run's output comes when
    it ends, and a slow run shown to a class would show nothing until then. A command
    whose first event comes at full speed is left alone from then on: a run of a
    million events pays for one call, not one per event."""

    def shown(notification: EventRecorded) -> None:
        if session.slow_motion is None:
            unsubscribe()
        else:
            console.print(Text.assemble("  ", event_text(notification.event)), crop=False)

    unsubscribe = session.subscribe(shown, (EventRecorded,))
    try:
        yield
    finally:
        unsubscribe()


def _welcome(console: Console, session: Session) -> None:
    console.print(
        Text.assemble(
            ("rapide repl", "bold"),
            note(f": {session.loaded.name} from {session.path} "),
            (f"({architecture_counts(session.description)}, seed {session.seed})", "dim"),
        )
    )
    console.print(
        Text("`help` lists the commands, Tab completes, `quit` or Ctrl-D leaves.", style="dim")
    )

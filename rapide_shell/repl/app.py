"""``rapide repl``: the command language at a prompt-toolkit prompt, output through Rich.

The prompt and the system share one asyncio loop (``prompt_async``): while a command
runs, the prompt is not shown, and Ctrl-C pauses a ``run`` in progress instead of
killing the program. At the prompt, Ctrl-C clears the line (twice in a row leaves),
Ctrl-D and ``quit`` leave; the system's finish hooks run on the way out.

The REPL handles SIGINT itself for its whole life: between two prompts the terminal is
out of raw mode, so a Ctrl-C typed then (while output is printed, or just before the
next prompt takes the terminal) is a signal, not a key, and must count as a Ctrl-C at
the prompt rather than kill the program.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir
from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from rich.console import Console
from rich.text import Text

from pyrapide.core.printable import printable
from pyrapide.runtime import DEFAULT_HANDLER_TIMEOUT
from rapide_shell.explorations import EXPLORE_PLUGIN, ExploreCommands
from rapide_shell.loader import LoadError
from rapide_shell.render import counted, note, printing_console
from rapide_shell.session import Session

if TYPE_CHECKING:
    from rapide_shell.address import Address

EXIT_OK = 0
EXIT_ERROR = 2


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


def _history() -> History:
    path = history_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(path))


def prompt_text(session: Session) -> HTML:
    """``rapide [paused · 3 pending · 1 in flight]>`` (or quiet, inspecting): what the
    system is doing."""
    state = session.state
    status = str(state)
    if state == "paused":
        status = f"paused · {session.pending_count} pending"
        flying = session.in_flight_count
        if flying:
            status += f" · {flying} in flight"
    return HTML(f"<b>rapide</b> [<ansiyellow>{status}</ansiyellow>]&gt; ")


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
    console = printing_console(highlight=False)
    interrupts: _Interrupts | None = None
    try:
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
            if session.arrival is not None:
                for renderable in session.arrival.output:
                    console.print(renderable)
            prompt: PromptSession[str] = PromptSession(
                history=_history(), completer=SessionCompleter(session), complete_while_typing=False
            )
            interrupts = _Interrupts(session, prompt)
            interrupts.install()
            try:
                await _loop(console, session, prompt, interrupts)
            finally:
                await explorations.close()
    except LoadError as error:
        sys.stderr.write(f"rapide: {printable(str(error))}\n")
        return error.exit_status
    finally:
        # Only now: a Ctrl-C while the finish hooks run must not kill the program.
        if interrupts is not None:
            interrupts.uninstall()
    if session.recording_problem is not None:
        sys.stderr.write(f"rapide: {printable(session.recording_problem)}\n")
        return EXIT_ERROR
    return EXIT_OK


class _Interrupts:
    """Where a Ctrl-C (SIGINT) goes: a run in progress pauses; otherwise it is a Ctrl-C at
    the prompt, whether the prompt is showing or about to be."""

    def __init__(self, session: Session, prompt: PromptSession[str]) -> None:
        self.session = session
        self.prompt = prompt
        self.executing = False
        self.pending = False
        """A Ctrl-C came between two prompts; the next prompt takes it as typed there."""
        self._installed = False

    def install(self) -> None:
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, self._on_sigint)
        except (NotImplementedError, RuntimeError):
            return  # no signal handlers here (not the main thread): Ctrl-C stays a key
        self._installed = True

    def uninstall(self) -> None:
        if self._installed:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGINT)
            self._installed = False

    def _on_sigint(self) -> None:
        if self.executing:
            self.session.pause()
        elif self.prompt.app.is_running and not self.prompt.app.is_done:
            self.prompt.app.exit(exception=KeyboardInterrupt, style="class:aborting")
        else:
            self.pending = True

    def take_pending(self) -> bool:
        """True (once) when a Ctrl-C arrived between prompts."""
        pending, self.pending = self.pending, False
        return pending


async def _loop(
    console: Console, session: Session, prompt: PromptSession[str], interrupts: _Interrupts
) -> None:
    interrupted = False
    while True:
        try:
            if interrupts.take_pending():
                raise KeyboardInterrupt
            # handle_sigint=False: our handler stays in place; prompt-toolkit's would
            # replace it and, on leaving, leave SIGINT to Python's default (a crash).
            line = await prompt.prompt_async(lambda: prompt_text(session), handle_sigint=False)
        except KeyboardInterrupt:
            if interrupted:
                return
            interrupted = True
            console.print(Text("(Ctrl-C again, Ctrl-D or `quit` leaves)", style="dim"))
            continue
        except EOFError:
            return
        interrupted = False
        interrupts.executing = True
        try:
            outcome = await session.execute(line)
        finally:
            interrupts.executing = False
        for renderable in outcome.output:
            console.print(renderable, crop=False)  # a WholeLine stays whole
        if outcome.quit:
            return


def _welcome(console: Console, session: Session) -> None:
    description = session.description
    console.print(
        Text.assemble(
            ("rapide repl", "bold"),
            note(f": {session.loaded.name} from {session.path} "),
            (
                f"({counted(len(description.components), 'component')}, "
                f"{counted(len(description.connections), 'connection')}, seed {session.seed})",
                "dim",
            ),
        )
    )
    console.print(
        Text("`help` lists the commands, Tab completes, `quit` or Ctrl-D leaves.", style="dim")
    )

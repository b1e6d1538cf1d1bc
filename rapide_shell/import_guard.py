"""Running a user's file at import under guard: Ctrl-C, a time bound, ``os._exit``, and
a system started.

An architecture file is Python: importing it runs its top level, which may loop
forever, wait on something that never comes, or end the process with ``os._exit``
(which no ``except`` can catch). While :func:`guarded_import` runs, each of these
becomes an exception the loader turns into one line for the user:

- Ctrl-C raises :class:`ImportInterrupted` at once (``asyncio.run`` would only cancel
  a task that never yields), unless the process ignores Ctrl-C, as an exploration's
  workers do: then it goes on ignoring it;
- after :func:`import_seconds` (``RAPIDE_IMPORT_TIMEOUT`` in the environment, 60 by
  default, 0 or ``inf`` for no bound) :class:`ImportTooLong` is raised where the file is;
- ``os._exit(code)`` raises :class:`ImportExited` instead of ending the process (and,
  while a session drives the architecture's code, :class:`ExitCalled`: see
  :func:`exit_refused`);
- a System starting (``asyncio.run(Arch.bind(...).run())`` at the top level, as a
  script does: the workbench runs the system itself) raises :class:`ImportStartedSystem`
  where the file starts it, before any of its modules is built (pyrapide's
  :func:`~pyrapide.runtime.starts.watching_starts` says when one starts). One started
  where that would not stop the import (in a thread of the file's, or swallowed by a
  bare ``except:``) is refused as the import ends.

A file that closes ``sys.stdout`` or ``sys.stderr``, or puts there what cannot be
written to, would leave the workbench unable to say anything: the stream is put back
and :class:`StreamBroken` says what the file did.

The first two need the main thread, where Python delivers signals; elsewhere only
``os._exit`` and starts are guarded. Everything is put back as it was afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, NoReturn

from pyrapide.runtime.starts import watching_starts
from rapide_shell.exit_status import ENDING_SIGNALS
from rapide_shell.std_streams import streams_kept

try:
    import termios
except ImportError:  # Windows: no terminal settings to switch
    termios = None  # type: ignore[assignment]

DEFAULT_IMPORT_SECONDS = 60.0
"""How long importing an architecture file may take unless RAPIDE_IMPORT_TIMEOUT says."""
LONGEST_IMPORT_SECONDS = 1e9
"""A bound longer than this (some 30 years; ``inf`` too) is no bound: the interval timer
that keeps it refuses much more with an OverflowError."""


class ImportStopped(BaseException):
    """The import was stopped from outside the file's code. A BaseException, so that the
    file's own ``except Exception`` cannot swallow it."""


class ImportInterrupted(ImportStopped):
    """Ctrl-C while the file was being imported."""


class ImportEnded(ImportStopped):
    """SIGTERM or SIGHUP (``number``) came while the file was being imported, to a front
    end that hears them in its event loop (the TUI), which the import holds: the import
    is stopped, for the loop to end the front end by the signal."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number
        self.name = signal.Signals(number).name


class ImportTooLong(ImportStopped):
    """The import took longer than the bound; ``seconds`` is the bound."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class ImportExited(ImportStopped):
    """The file called ``os._exit(code)``; ``code`` is what it passed."""

    def __init__(self, code: Any) -> None:
        super().__init__(code)
        self.code = code


class ImportStartedSystem(ImportStopped):
    """The file started a System as it was imported; it was stopped before any of its
    modules was built."""


class ExitCalled(BaseException):
    """The architecture's code called ``os._exit(code)`` while a session drove it (in a
    handler, a hook, a guard); ``code`` is what it passed. A BaseException, as the
    others here, so that the code's own ``except Exception`` lets it through to the run,
    which contains and reports it as it does any error of the code's."""

    def __init__(self, code: Any) -> None:
        super().__init__(
            f"os._exit({code}) would end the workbench without a word: refused, and the "
            "session goes on (raise an exception to stop a handler)"
        )
        self.code = code


@contextmanager
def exit_refused(refusal: Callable[[Any], BaseException]) -> Iterator[None]:
    """``os._exit(code)`` raising ``refusal(code)`` in this process while the ``with``
    block runs (a child forked meanwhile exits for real, as multiprocessing's workers
    must), and ``os._exit`` put back afterwards. Blocks nest."""
    real_exit = os._exit
    process = os.getpid()

    def refuse(code: Any = 0) -> NoReturn:
        if os.getpid() != process:
            real_exit(code)
        raise refusal(code)

    os._exit = refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        os._exit = real_exit


class StreamBroken(Exception):
    """The file closed ``sys.stdout`` or ``sys.stderr`` as it was imported, or replaced
    one with what cannot be written to (it has been put back); ``str(error)`` says what
    it did."""


def import_seconds() -> float | None:
    """The bound on an import, in seconds (None: no bound), from RAPIDE_IMPORT_TIMEOUT.
    Raises ValueError, its message for the user, when that is not a number of seconds."""
    text = os.environ.get("RAPIDE_IMPORT_TIMEOUT", "").strip()
    try:
        seconds = float(text) if text else DEFAULT_IMPORT_SECONDS
    except ValueError:
        seconds = float("nan")
    if seconds != seconds or seconds < 0:  # NaN would pass as no bound, unsaid
        raise ValueError(
            f"RAPIDE_IMPORT_TIMEOUT={_shortened(text)!r} is not a number of seconds "
            f"(the bound on importing an architecture file; 0 lifts it)"
        )
    return seconds if 0 < seconds <= LONGEST_IMPORT_SECONDS else None


def _shortened(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


@contextmanager
def guarded_import() -> Iterator[None]:
    """Run the ``with`` block (the import) with Ctrl-C, the time bound, ``os._exit`` and
    a System starting turned into :class:`ImportStopped` exceptions; the previous
    handlers come back, and so do ``sys.stdout`` and ``sys.stderr``:
    :class:`StreamBroken` when the block closed one, or left there what cannot be
    written to."""
    started: list[Any] = []
    importing = threading.current_thread()

    def refuse_start(system: Any) -> None:
        started.append(system)
        # Raised in a thread of the file's, it would be that thread's traceback on
        # stderr, and the import would go on: that start is refused as the import ends.
        if threading.current_thread() is importing:
            raise ImportStartedSystem

    restore: list[Callable[[], object]] = []
    broken: list[str] = []
    try:
        with streams_kept(broken):
            if threading.current_thread() is threading.main_thread():
                restore += _signals(import_seconds())
            with exit_refused(ImportExited), watching_starts(refuse_start):
                yield
    finally:
        for undo in reversed(restore):
            undo()
    # Only once the file's code is done: what it raised meanwhile is the news.
    if started:  # stopped where the import could not hear of it (a thread, a bare except)
        raise ImportStartedSystem
    if broken:
        raise StreamBroken(" and ".join(broken))


def _signals(seconds: float | None) -> list[Callable[[], object]]:
    # The first of Ctrl-C and the bound stops the import; the other, should it come
    # while that is said, is not news. Python runs a signal's handler only between
    # lines of Python: a Ctrl-C pressed while the file was being compiled (a file of
    # some megabytes) waited with the bound's signal, and the bound's, run second, was
    # said ("still being imported after 60 s") instead of the user's Ctrl-C.
    stopped: list[ImportStopped] = []

    def stop(stopping: ImportStopped) -> None:
        if not stopped:
            stopped.append(stopping)
            raise stopping

    def interrupted(number: int, frame: Any) -> None:
        stop(ImportInterrupted())

    undo: list[Callable[[], object]] = []
    undo += _ending_signals_heard(stop)
    # A process deaf to Ctrl-C (an exploration's worker, a shell's background job)
    # stays deaf: the Ctrl-C the terminal sends its group is for the one in front.
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        previous_int = signal.signal(signal.SIGINT, interrupted)
        undo.append(lambda: signal.signal(signal.SIGINT, previous_int))
        undo += _ctrl_c_signalled()
    if seconds is not None and hasattr(signal, "setitimer"):

        def too_long(number: int, frame: Any) -> None:
            stop(ImportTooLong(seconds))

        previous_alarm = signal.signal(signal.SIGALRM, too_long)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        undo.append(lambda: signal.signal(signal.SIGALRM, previous_alarm))
        undo.append(lambda: signal.setitimer(signal.ITIMER_REAL, 0))
    return undo


def _ending_signals_heard(stop: Callable[[ImportStopped], None]) -> list[Callable[[], object]]:
    """Stops the import at SIGTERM or SIGHUP where the front end hears them in its event
    loop (the TUI), which the import holds: asked to end during a ``reload`` of a file
    that loops at its top level, the TUI went on until the time bound ran out (60 s), or
    for ever with none. The loop hears of the signal all the same, once the import has
    stopped (Python's handler writes it to the loop's wakeup descriptor whatever handler
    is set), and ends the workbench by it. Returns what puts the loop's handlers back.
    A handler of Python's own (the REPL's, ``rapide run``'s) acts during the import
    already; no handler (the process ends) or an ignored signal is left alone."""
    undo: list[Callable[[], object]] = []
    # Not imported (`rapide check` spares itself asyncio), no loop hears a signal.
    loop_handler = getattr(sys.modules.get("asyncio.unix_events"), "_sighandler_noop", None)
    for number in ENDING_SIGNALS:
        # asyncio's handler for a signal its loop hears (``add_signal_handler``) does
        # nothing: the loop hears of it through its wakeup descriptor.
        previous = signal.getsignal(number)
        if loop_handler is None or previous is not loop_handler:
            continue

        def ending(signalled: int, frame: Any) -> None:
            stop(ImportEnded(signalled))

        signal.signal(number, ending)
        undo.append(partial(signal.signal, number, previous))
    return undo


def _ctrl_c_signalled() -> list[Callable[[], object]]:
    """Makes Ctrl-C on the standard input's terminal send SIGINT while the file is
    imported, where a full-screen front end (the TUI) holds the terminal in a mode in
    which Ctrl-C is a key: a key that no one reads while the file's code holds the
    front end's loop (`reload` of a file that waits at its top level left the screen
    frozen until the time bound). Ctrl-\\ and Ctrl-Z, which that switch makes signals
    too, stay keys. Returns what puts the terminal back; nothing changes when Ctrl-C
    sends SIGINT already, or the standard input is no terminal."""
    # The process's own standard input: the TUI puts an empty stream in sys.stdin for
    # the architecture's code, and the terminal is still there under it.
    if termios is None or sys.__stdin__ is None:
        return []
    try:
        fd = sys.__stdin__.fileno()
        if not os.isatty(fd):
            return []
        before = termios.tcgetattr(fd)
        if before[3] & termios.ISIG:
            return []
        changed = [*before[:6], list(before[6])]
        off = bytes([os.fpathconf(fd, "PC_VDISABLE")])
        changed[6][termios.VQUIT] = changed[6][termios.VSUSP] = off
        changed[3] |= termios.ISIG
        termios.tcsetattr(fd, termios.TCSANOW, changed)
    except (OSError, ValueError, termios.error):
        return []

    def put_back() -> None:
        with contextlib.suppress(OSError, termios.error):  # the terminal may be gone
            termios.tcsetattr(fd, termios.TCSANOW, before)

    return [put_back]

"""What of the process the workbench relies on, kept in place whatever the architecture's code did.

The signal handlers: a front end hears Ctrl-C, ``kill`` and a terminal going away
through its handlers of SIGINT, SIGTERM and SIGHUP. A handler, a guard or a hook that
ignores one of them (``signal.signal(signal.SIGINT, signal.SIG_IGN)``), or puts its own
there, would leave the workbench deaf from then on: a later run that waits on the
outside for ever could then be stopped neither by Ctrl-C nor by ``kill``, only by
SIGKILL, and the recording with it lost. :func:`signals_kept` puts them back after the
command (or the hooks) the code ran in, and says what it put back, as
:mod:`rapide_shell.std_streams` does for ``sys.stdout`` and ``sys.stderr``.

The working directory: the paths given to the workbench (``save out.json``,
``--record rec.rapide``) are read from it; code that changed it (``os.chdir``) would
send them somewhere else, the files saved where the user never looks, while the line
said ``saved to out.json``. :func:`cwd_kept` puts it back the same way.

The recursion limit: the workbench's own code (saving a computation, showing an event)
walks payloads nested up to :data:`pyrapide.core.values.MAX_DEPTH` deep; code that
lowered the limit (``sys.setrecursionlimit(100)``) made ``save`` fail with a
RecursionError from then on. :func:`recursion_limit_kept` puts it back.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

from rapide_shell.exit_status import ENDING_SIGNALS

KEPT = (signal.SIGINT, *ENDING_SIGNALS)
"""The signals whose handlers are the workbench's own while a command runs."""

_WHAT_FOR: dict[int, str] = {
    signal.SIGINT: "Ctrl-C still reaches the workbench",
    signal.SIGTERM: "`kill` still ends the workbench as it should",
}
_GONE = "a terminal that goes away still ends the workbench as it should"


@contextlib.contextmanager
def signals_kept(broken: list[str]) -> Iterator[None]:
    """The handlers of :data:`KEPT` as they were before the block, whatever the code it
    ran set instead; what was changed is appended to ``broken`` (``ignored SIGINT:
    put back, so that Ctrl-C still reaches the workbench``). Off the main thread,
    where no handler can be set, nothing is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {number: signal.getsignal(number) for number in KEPT}
    try:
        yield
    finally:
        for number, handler in before.items():
            now = signal.getsignal(number)
            if now == handler or handler is None:  # None: not set from Python; left alone
                continue
            with contextlib.suppress(OSError, ValueError, TypeError):
                signal.signal(number, handler)
                broken.append(f"{_changed(number, now)}: put back, so that {_purpose(number)}")


def _changed(number: int, handler: Any) -> str:
    name = signal.Signals(number).name
    if handler == signal.SIG_IGN:
        return f"ignored {name}"
    if handler == signal.SIG_DFL:
        return f"gave {name} its default action"
    return f"set a handler of its own for {name}"


def _purpose(number: int) -> str:
    return _WHAT_FOR.get(number, _GONE)


@contextlib.contextmanager
def cwd_kept(broken: list[str]) -> Iterator[None]:
    """The working directory as it was before the block, whatever the code it ran
    changed it to; what was changed is appended to ``broken``. Nothing is done when it
    cannot be read (removed under the process) before the block, nor when the old one
    is gone after it."""
    try:
        before = os.getcwd()
    except OSError:
        yield
        return
    try:
        yield
    finally:
        try:
            now = os.getcwd()
        except OSError:
            now = "a folder since removed"
        if now != before:
            with contextlib.suppress(OSError):
                os.chdir(before)
                broken.append(
                    f"changed the working directory to {now}: put back to {before}, so "
                    "that the paths you give (save, export, the recording) stay where "
                    "they were"
                )


@contextlib.contextmanager
def recursion_limit_kept(broken: list[str]) -> Iterator[None]:
    """``sys.getrecursionlimit()`` as it was before the block, whatever the code it ran
    set; what was changed is appended to ``broken``."""
    before = sys.getrecursionlimit()
    try:
        yield
    finally:
        now = sys.getrecursionlimit()
        if now != before:
            with contextlib.suppress(RecursionError, ValueError):
                sys.setrecursionlimit(before)
                broken.append(
                    f"set the recursion limit to {now}: put back to {before}, so that "
                    "saving and showing deep payloads still work"
                )


@contextlib.contextmanager
def process_kept(broken: list[str]) -> Iterator[None]:
    """The signal handlers, the working directory and the recursion limit, each kept as
    :func:`signals_kept`, :func:`cwd_kept` and :func:`recursion_limit_kept` keep it:
    what the code a command or the hooks ran changed is put back, and said in
    ``broken``."""
    with signals_kept(broken), cwd_kept(broken), recursion_limit_kept(broken):
        yield

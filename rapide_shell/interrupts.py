"""Ctrl-C at a terminal while a command runs: the first pauses the run (or stops a travel
through the history where its replay has got to), the second leaves.

Used by ``rapide run`` and ``rapide repl``, whose terminals send Ctrl-C as a signal
while a command runs (the TUI's terminal is in raw mode: there it is a key). A Python
signal handler, not the event loop's, so that it acts even while a handler of the
user's keeps the loop busy: the first Ctrl-C pauses the session's run in progress
(it stops after the current step; the recording and the computation are kept), or
stops a ``back``, ``goto`` or ``switch`` at the step its replay has reached, and says
so; a second one says so and raises the user's KeyboardInterrupt, which every
handler it lands in lets through (see :mod:`pyrapide.core.interrupts`), so that the
front end closes its session (finish hooks run, the recording is kept) and leaves.

SIGTERM (asked to end) and SIGHUP (the terminal closed) leave as that second Ctrl-C
does, at once, raising :class:`~rapide_shell.exit_status.EndedBySignal`; with no
command running, the ``idle`` callback hears of it as of a Ctrl-C, and
:attr:`CtrlC.ended_by` says that the front end must leave. A second one while leaving
ends the process then and there.

The interrupt that leaves is raised where the signal lands only when that is the front
end's own task (the command, and the user code its run drives): raised in the event
loop between two tasks, or in another task, it would leave the loop past the front
end, whose session would not close as it should. There it is kept, the session paused
and the front end's task cancelled where it waits, and raised in the task in place of
the cancellation, or as the command returns (:meth:`CtrlC.running`).
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Awaitable, Callable
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

from pyrapide.core.interrupts import USER_INTERRUPTS
from rapide_shell.error_output import say_at_once
from rapide_shell.exit_status import ENDING_SIGNALS, EndedBySignal, end_at_once

if TYPE_CHECKING:
    from rapide_shell.session import Session

T = TypeVar("T")


class CtrlC:
    """The SIGINT handler of a front end, installed for a ``with`` block.

    ``busy`` says whether a command is running; while it is not, a Ctrl-C is handed to
    ``idle`` on the event loop (the REPL takes it as a Ctrl-C at its prompt). ``count``
    is the number of Ctrl-C pressed while busy, since :meth:`start_command`. ``pausing``
    and ``leaving`` are the lines said on stderr at the first and at the second;
    ``stopping`` the one said at a first that stops a travel (``pausing`` if not given).
    """

    def __init__(
        self,
        session: Session,
        *,
        pausing: str,
        leaving: str,
        stopping: str | None = None,
        idle: Callable[[], None] | None = None,
    ) -> None:
        self.session = session
        self.pausing = pausing
        self.stopping = pausing if stopping is None else stopping
        self.leaving = leaving
        self.idle = idle
        self.busy = idle is None
        self.count = 0
        self.ended_by: EndedBySignal | None = None
        """The signal that ended the front end (see the module docstring), if one did."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[object] | None = None
        self._leaving: KeyboardInterrupt | None = None
        self._restore: Callable[[], None] = _nothing

    def start_command(self) -> None:
        """A command starts: Ctrl-C pauses it, then leaves, counting from here."""
        self.busy = True
        self.count = 0

    def end_command(self) -> None:
        """The command ended: a Ctrl-C is the front end's idle one again."""
        self.busy = self.idle is None

    async def running(self, command: Awaitable[T]) -> T:
        """What the front end's ``command`` returns, once it has; but if the interrupt
        that leaves (a second Ctrl-C, SIGTERM, SIGHUP) came while the front end's task
        was not running (see the module docstring), that is raised instead, where the
        command was waiting (its task is cancelled for it) or as it returns."""
        try:
            outcome = await command
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self._leaving is None or task is None or task.uncancel():
                raise  # a cancellation of somebody else's
        leaving, self._leaving = self._leaving, None
        if leaving is not None:
            USER_INTERRUPTS.interrupt(leaving)
        return outcome

    def __enter__(self) -> CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.current_task()
        self._restore = handle_signals(self._on_sigint, self._on_ending)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._restore()
        self._restore = _nothing

    def _on_sigint(self, number: int, frame: FrameType | None) -> None:
        loop = self._loop
        if not self.busy:
            if loop is not None and self.idle is not None:
                loop.call_soon_threadsafe(self.idle)
            return
        self.count += 1
        if self.count > 1:
            say_at_once(self.leaving)
            self._leave(KeyboardInterrupt())
            return
        travelling = self.session.travelling
        stoppable = self.session.stoppable
        if stoppable is not None and not travelling and not self.session.running:
            # A plugin's command waiting on something: nothing to pause, so stop it.
            if loop is not None:
                loop.call_soon_threadsafe(self.session.stop_command)
            say_at_once(
                f"rapide: interrupted: stopping {stoppable} (Ctrl-C again leaves at once)\n"
            )
            return
        self.session.pause()
        if loop is not None:
            # The loop may be waiting in select() for real-time work: wake it to pause.
            loop.call_soon_threadsafe(_nothing)
        say_at_once(self.stopping if travelling else self.pausing)

    def _on_ending(self, number: int, frame: FrameType | None) -> None:
        if self.ended_by is not None:
            end_at_once(number)  # asked again while leaving
            return
        self.ended_by = ended = EndedBySignal(number)
        say_at_once(f"rapide: {ended.reason}: leaving now (the session closes as usual)\n")
        if self.busy:
            self._leave(ended)
        if self._loop is not None and self.idle is not None:
            self._loop.call_soon_threadsafe(self.idle)

    def _leave(self, leaving: KeyboardInterrupt) -> None:
        """The command running is cut short by ``leaving``: raised here if the signal
        landed in the front end's own task, else kept for :meth:`running` to raise, the
        session paused and the task cancelled (from the loop, as a signal handler may
        not) where it waits."""
        self.session.pause()
        loop = self._loop
        if loop is None or asyncio.current_task(loop) is self._task:
            USER_INTERRUPTS.interrupt(leaving)
        self._leaving = leaving
        loop.call_soon_threadsafe(self._cut_short)

    def _cut_short(self) -> None:
        """On the loop: the front end's task, waiting in its command, is cancelled, for
        :meth:`running` to raise the interrupt kept in its place (unless the command has
        returned meanwhile, and it was raised then)."""
        task = self._task
        if self._leaving is not None and task is not None and not task.done():
            task.cancel()


def handle_signals(
    on_sigint: Callable[[int, FrameType | None], None],
    on_ending: Callable[[int, FrameType | None], None],
) -> Callable[[], None]:
    """Put ``on_sigint`` in place for SIGINT and ``on_ending`` for each of
    :data:`~rapide_shell.exit_status.ENDING_SIGNALS` (on the main thread only: no other
    may set them); returns what puts the previous handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return _nothing
    handlers = {signal.SIGINT: on_sigint, **dict.fromkeys(ENDING_SIGNALS, on_ending)}
    previous = {number: signal.signal(number, handler) for number, handler in handlers.items()}

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


def _nothing() -> None:
    pass


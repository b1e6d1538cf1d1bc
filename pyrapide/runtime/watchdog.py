"""The handler watchdog: a handler that keeps control too long is stopped, and the run goes on.

The scheduler drives handlers with ``send`` on the thread that runs the system;
a handler that never awaits (``while True: pass``) or blocks (``time.sleep(60)``)
keeps that thread, and with it the run, the REPL or the TUI. ``handler_timeout``
bounds the wall time one stretch of a handler may run without handing control
back (from a resume to its next ``await``; awaiting ``ctx.sleep`` or a connect
delivery ends a stretch, so a handler may take as long as it likes in logical
time).

How it is enforced, and why it cannot hit anything but the handler:

* One daemon thread per process watches the schedulers that are driving handlers
  (armed for the duration of a run or a step). Every tick it reads each one's
  ``current`` task and ``advances`` counter (the scheduler bumps it each time it
  enters a task); the same task and count for longer than the budget is one
  stretch over it. The scheduler's own cost is that counter: no clock is read,
  no lock taken per delivery.
* The thread does not raise anything itself. It marks the stretch
  (``scheduler.overran``) and sends SIGUSR2 to the main thread. The signal
  interrupts a blocking call there (``time.sleep``, a socket read) and runs
  this module's handler, on the main thread, between two bytecodes of whatever
  it was doing.
* That handler raises :class:`HandlerTimeout` only if, at that instant, the
  marked stretch is still the one running *and* every frame between the
  interrupted one and the scheduler's delivery coroutine is the user's code
  (not pyrapide's: not routing, recording or a subscriber's call through the
  reporter). Otherwise it does nothing: a stretch that already ended is left
  alone, and one caught inside pyrapide's own code is signalled again at the
  next tick. Since the check runs on the thread it protects, nothing can change
  between the check and the raise.
* HandlerTimeout derives from BaseException, so a handler's ``except
  Exception`` does not swallow it; the scheduler reports it as a HandlerError
  whose traceback ends at the line the handler was on, and the delivery ends
  there. A handler that catches BaseException and loops on is signalled again
  at every tick of the watchdog while the same stretch goes on.

Where it cannot work, it is not armed: when the system runs on a thread other
than the main one (a signal handler can only run on the main thread), or on a
platform without ``signal.pthread_kill``. The workbench runs on the main thread.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any

from pyrapide.core.interrupts import USER_INTERRUPTS

if TYPE_CHECKING:
    from pyrapide.runtime.scheduler import Scheduler

DEFAULT_HANDLER_TIMEOUT = 5.0
"""Seconds a handler may run without handing control back, unless a System says."""

_SIGNAL = getattr(signal, "SIGUSR2", None)
_PYRAPIDE = str(Path(__file__).resolve().parents[1]) + os.sep
_HERE = str(Path(__file__).resolve())
# Where the scheduler runs handlers: the pump that drives each task's coroutine
# (traps.pump), the coroutine that calls a delivery's handlers in turn
# (Scheduler._deliver; compiled, it has no frame, and the pump is right above them),
# and what closes them when the run ends (traps.close).
_SCHEDULER = str(Path(__file__).resolve().with_name("scheduler.py"))
_TRAPS = str(Path(__file__).resolve().with_name("traps.py"))
_DELIVERY = frozenset({(_SCHEDULER, "_deliver"), (_TRAPS, "_pump"), (_TRAPS, "close")})


class HandlerTimeout(BaseException):
    """Raised into a handler that ran longer than ``handler_timeout`` without
    handing control back (an endless loop, a blocking call). ``handler`` names it, once
    known ("the handler" until then)."""

    handler = "the handler"

    def name_handler(self, handler: str, budget: float | None) -> None:
        """Say which handler overran and the budget it overran, and end the traceback
        where the handler was (not in the signal handler that raised this)."""
        self.handler = handler
        limit = f"{budget:g} s" if budget is not None else "its budget"
        self.args = (
            f"{handler} ran for more than {limit} without handing control back "
            "(handler_timeout); it was stopped there",
        )
        self.__traceback__ = _without_watchdog(self.__traceback__)


class Watchdog:
    """The watching thread and the signal handler (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._watched: dict[Scheduler, int] = {}  # scheduler -> arming depth
        self._seen: dict[Scheduler, tuple[int, float]] = {}
        self._thread: threading.Thread | None = None
        self._previous: Any = None
        self._installed = 0

    @staticmethod
    def can_watch() -> bool:
        """Whether a handler can be stopped from this thread on this platform."""
        return (
            _SIGNAL is not None
            and hasattr(signal, "pthread_kill")
            and threading.current_thread() is threading.main_thread()
        )

    @contextlib.contextmanager
    def watching(self, scheduler: Scheduler) -> Iterator[None]:
        """Watch ``scheduler``'s handlers while the ``with`` block drives them (and
        tell the user's Ctrl-C from a KeyboardInterrupt they raise: see
        :mod:`pyrapide.core.interrupts`)."""
        with USER_INTERRUPTS.tracking():
            if scheduler.handler_timeout is None or not self.can_watch():
                yield
                return
            self._arm(scheduler)
            try:
                yield
            finally:
                self._disarm(scheduler)

    def _arm(self, scheduler: Scheduler) -> None:
        if self._installed == 0:
            self._previous = signal.signal(_SIGNAL, self._on_signal)  # type: ignore[arg-type]
        self._installed += 1
        with self._lock:
            self._watched[scheduler] = self._watched.get(scheduler, 0) + 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="pyrapide-handler-watchdog", daemon=True
                )
                self._thread.start()
            self._lock.notify()

    def _disarm(self, scheduler: Scheduler) -> None:
        with self._lock:
            depth = self._watched.get(scheduler, 1) - 1
            if depth:
                self._watched[scheduler] = depth
            else:
                self._watched.pop(scheduler, None)
                self._seen.pop(scheduler, None)
        self._installed -= 1
        if self._installed == 0:
            signal.signal(_SIGNAL, self._previous)  # type: ignore[arg-type]
            self._previous = None

    def _watch(self) -> None:
        main = threading.main_thread().ident
        while True:
            with self._lock:
                while not self._watched:
                    self._lock.wait()
                # No scheduler is kept in a local across the waits: the thread would
                # keep the last system watched, its whole computation with it, alive
                # until another run is watched.
                budgets = [
                    s.handler_timeout for s in self._watched if s.handler_timeout is not None
                ]
            time.sleep(min(0.1, max(0.005, min(budgets, default=1.0) / 20)))
            with self._lock:
                self._check(main)

    def _check(self, main: int | None) -> None:
        now = time.monotonic()
        for scheduler in self._watched:
            budget = scheduler.handler_timeout
            token = scheduler.advances
            if scheduler.current is None or budget is None:
                self._seen.pop(scheduler, None)
                continue
            seen = self._seen.get(scheduler)
            if seen is None or seen[0] != token:
                self._seen[scheduler] = (token, now)
            elif now - seen[1] >= budget and main is not None:
                scheduler.overran = token
                with contextlib.suppress(OSError, ValueError):
                    signal.pthread_kill(main, _SIGNAL)  # type: ignore[arg-type]

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        for scheduler in list(self._watched):
            if (
                scheduler.current is not None
                and scheduler.overran == scheduler.advances
                and _in_handler_code(frame)
            ):
                scheduler.overran = 0
                raise HandlerTimeout("handler_timeout")
        previous = self._previous
        if callable(previous):
            previous(signum, frame)


def _in_handler_code(frame: FrameType | None) -> bool:
    """True when the frames from ``frame`` up are the user's, and the first of
    pyrapide's above them is where the scheduler runs handlers: raising there
    unwinds the user's code and nothing else."""
    from_user = False
    while frame is not None:
        code = frame.f_code
        filename = _real_path(code.co_filename)
        if filename.startswith(_PYRAPIDE):
            return from_user and (filename, code.co_name) in _DELIVERY
        from_user = True
        frame = frame.f_back
    return False


def _without_watchdog(tb: TracebackType | None) -> TracebackType | None:
    """``tb`` without its frames in this module (the signal handler's, at its end)."""
    kept = []
    while tb is not None:
        if _real_path(tb.tb_frame.f_code.co_filename) != _HERE:
            kept.append(tb)
        tb = tb.tb_next
    rebuilt = None
    for entry in reversed(kept):
        rebuilt = TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt


@functools.lru_cache(maxsize=512)
def _real_path(filename: str) -> str:
    return os.path.realpath(filename)


WATCHDOG = Watchdog()
"""The process's watchdog."""

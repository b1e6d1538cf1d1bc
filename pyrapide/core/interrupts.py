"""Telling the user's Ctrl-C from a BaseException that user code raises itself.

A handler, a guard or a subscriber may raise anything, ``KeyboardInterrupt`` and
``SystemExit`` included; the run contains it and reports it like any error. The one
exception to that is the user pressing Ctrl-C: Python's SIGINT handler raises a
``KeyboardInterrupt`` in whatever code runs at that instant, often the user's, and
that one must reach the program that drives the run.

:data:`USER_INTERRUPTS` tells the two apart. While a run drives user code
(:meth:`InterruptTracker.tracking`), it wraps the process's SIGINT handler with one
that notes the ``KeyboardInterrupt`` the previous handler raises, if it raises one:
that very exception object is the user's, and any other is the code's own.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any, NoReturn


class InterruptTracker:
    """Notes the user's Ctrl-C while a run drives user code (see the module docstring)."""

    def __init__(self) -> None:
        self._depth = 0
        self._previous: Any = None
        self._raised: KeyboardInterrupt | None = None

    @contextlib.contextmanager
    def tracking(self) -> Iterator[None]:
        """Note the KeyboardInterrupt a SIGINT raises while the ``with`` block runs.

        Nothing is installed off the main thread (no signal reaches another thread,
        so a KeyboardInterrupt there is always raised by code) or where SIGINT has no
        Python handler (then Ctrl-C raises nothing)."""
        if not self._install():
            yield
            return
        try:
            yield
        finally:
            self._uninstall()

    def _install(self) -> bool:
        if self._depth:
            self._depth += 1
            return True
        if threading.current_thread() is not threading.main_thread():
            return False
        current = signal.getsignal(signal.SIGINT)
        if not callable(current):
            return False
        self._previous = current
        signal.signal(signal.SIGINT, self._on_sigint)
        self._depth = 1
        return True

    def _uninstall(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            # Put the previous handler back unless somebody replaced ours meanwhile.
            if signal.getsignal(signal.SIGINT) == self._on_sigint:
                signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        previous = self._previous
        if callable(previous):
            try:
                previous(signum, frame)
            except KeyboardInterrupt as error:
                self._raised = error
                raise

    def interrupt(self, error: KeyboardInterrupt | None = None) -> NoReturn:
        """Raise the user's Ctrl-C: a KeyboardInterrupt (``error``, or a new one) that
        every run lets through. For a program's own signal handlers (one that pauses
        first, then leaves; one that leaves when the program is asked to end)."""
        error = KeyboardInterrupt() if error is None else error
        self._raised = error
        raise error

    def is_users(self, error: BaseException) -> bool:
        """True when ``error`` is the user's Ctrl-C: the KeyboardInterrupt that the
        SIGINT handler raised. Any other exception is the code's own."""
        return error is self._raised


USER_INTERRUPTS = InterruptTracker()
"""The process's tracker of Ctrl-C."""


def contained(error: BaseException) -> bool:
    """True when a run should contain ``error``, raised by user code it called (a
    handler, a hook, a guard, a subscriber), and report it: anything but the user's
    own Ctrl-C (see :data:`USER_INTERRUPTS`)."""
    return not USER_INTERRUPTS.is_users(error)

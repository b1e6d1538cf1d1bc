"""The workbench's exit statuses, and the one rule that sums up what a session met.

``rapide run`` (a script played), ``rapide repl`` (a session at a prompt) and
``rapide explore`` end with the same statuses, meaning the same things. A script
stops at its first error where the REPL goes on, so either may meet several of them;
it then exits with the most serious one met (see :func:`session_exit_status`).
Nothing here imports more than the standard library: the command line reads these
before it loads anything.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable
from typing import Final

EXIT_OK: Final = 0
"""Every expectation held (or none was checked) and nothing went wrong."""
EXIT_EXPECTATION_FAILED: Final = 1
"""An ``expect`` failed, an exploration found a failure, or a bound ended a script
with work pending: the session ran, and its answer is no."""
EXIT_ERROR: Final = 2
"""Something asked for could not be done: a load error, a command or script error,
an exploration that could not run, a recording that could not be written."""
EXIT_HOOK_FAILED: Final = 3
"""A start or finish hook raised or reached a limit (outside any command)."""
EXIT_INTERRUPTED: Final = 130
"""A Ctrl-C cut the work short, as a shell reports a process ended by SIGINT."""

ENDING_SIGNALS: Final = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals that end a front end as a second Ctrl-C does (its session closed, its
recording kept): asked to end (SIGTERM), or its terminal gone (SIGHUP)."""


class EndedBySignal(KeyboardInterrupt):
    """One of :data:`ENDING_SIGNALS` arrived: raised where the user's second Ctrl-C is
    (a KeyboardInterrupt, so that every run lets it through and every front end closes
    its session on the way out), and the process exits with ``128 + number``, as a
    shell reports a process that signal ended."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.name = signal.Signals(number).name
        super().__init__(self.name)

    @property
    def exit_status(self) -> int:
        return 128 + self.number

    @property
    def reason(self) -> str:
        """``ended by SIGTERM``: what the exit status line says."""
        return f"ended by {self.name}"


def end_at_once(number: int) -> None:
    """A second of :data:`ENDING_SIGNALS` while leaving (the first could not be heard
    out, a handler holding the process): end now, as the signal ends a program that
    does not handle it."""
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)


SERIOUSNESS: Final = (
    EXIT_INTERRUPTED,
    EXIT_ERROR,
    EXIT_HOOK_FAILED,
    EXIT_EXPECTATION_FAILED,
    EXIT_OK,
)
"""The statuses, most serious first. A session cut short has no verdict to give (its
rest was not run); an error means that part of what was asked was not done, so that
an expectation that held may not have checked what was meant; a hook's trouble is
outside the commands; a failed expectation is a verdict, the one a session exists to
give."""

HOOKS_FAILED: Final = "a start or finish hook raised an error or reached a limit (shown above)"
"""How a session's end says that its hooks are why its status is 3."""


def session_exit_status(met: Iterable[int], *, recording_lost: bool = False) -> int:
    """The exit status of a session that met each status in ``met`` (in any order,
    repeated or not): the most serious of them (see :data:`SERIOUSNESS`), 0 for none.
    ``recording_lost``: the recording the user asked for could not be written, which
    is 2 whatever else the session met: what was done is not where the user looks for it.
    """
    if recording_lost:
        return EXIT_ERROR
    statuses = set(met)
    return next((status for status in SERIOUSNESS if status in statuses), EXIT_OK)


def exploration_exit_status(*, failed: bool, interrupted: bool) -> int:
    """The status an exploration's answer calls for, as ``rapide explore`` exits with it:
    1 when it found a failure (a Ctrl-C after that leaves it a failure: its
    counterexample is written), 130 when a Ctrl-C stopped it before it found one,
    else 0. One that could not run is an error (2), said before any answer."""
    if failed:
        return EXIT_EXPECTATION_FAILED
    return EXIT_INTERRUPTED if interrupted else EXIT_OK

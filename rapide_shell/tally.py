"""What a session at a prompt met, summed up as its exit status and one line saying why.

``rapide repl`` and ``rapide shell`` go on where a script stops (after a command
error, a failed expectation, an exploration's answer), so each sums up its whole
session by the rule ``rapide run`` follows
(:func:`~rapide_shell.exit_status.session_exit_status`): the most serious of what it
met. A failed expectation stays a failure when later ones hold, and every
exploration's answer counts, as ``rapide explore`` would exit with it. Both front ends
keep one :class:`SessionTally` and say its summary the same way as they leave, so that
the same commands end with the same status and the same line in either.

Lines are counted as they are entered or read, blank ones and comments included where
a front end reads them (piped input, a script the TUI plays, whose lines keep their own
numbers), so that what is read from a file is numbered as a script's lines are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapide_shell import notices
from rapide_shell.error_output import print_error
from rapide_shell.exit_status import (
    EXIT_ERROR,
    EXIT_EXPECTATION_FAILED,
    EXIT_HOOK_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    HOOKS_FAILED,
    SERIOUSNESS,
    EndedBySignal,
    session_exit_status,
)
from rapide_shell.looks import and_listed, counted
from rapide_shell.outcome import CommandOutcome

if TYPE_CHECKING:
    from rich.console import Console

    from rapide_shell.explorations import ExploreCommands
    from rapide_shell.session import Session

_LISTED = 3
"""How many line numbers a reason lists; beyond that it names the first."""
BROKE_DOWN = "the workbench stopped on an internal error (its traceback is above)"
"""How a session's end says that the front end's own error is why its status is 2."""


@dataclass
class SessionTally:
    """The lines a session ran and what they met (see the module docstring)."""

    lines: int = 0
    """The number of the line entered (or read) last."""
    under_way: list[int] = field(default_factory=list)
    """The lines whose command has started and not ended (the TUI runs some while
    another runs), first entered first."""
    errors: list[int] = field(default_factory=list)
    """The lines whose command could not be parsed or carried out."""
    failed_expectations: list[int] = field(default_factory=list)
    """The lines whose ``expect`` did not hold."""
    interrupted_line: int | None = None
    """The line a second Ctrl-C cut short (the session left there)."""
    explorations: list[tuple[str, int]] = field(default_factory=list)
    """Each exploration that ended: its script, and the status its answer calls for."""
    hooks_failed: bool = False
    """A start or finish hook raised or reached a limit (set as the session closes)."""
    recording_lost: bool = False
    """The recording could not be written (set as the session closes)."""
    ended_by: EndedBySignal | None = None
    """The signal that ended the front end (SIGTERM, SIGHUP), whose status it exits with."""
    broke_down: bool = False
    """The front end itself stopped on an error of its own (the TUI: Textual printed its
    traceback as the screen went)."""

    def entered(self, number: int | None = None) -> int:
        """A line was entered and its command starts now; its number: the next one, or
        ``number``, the line's own where lines that ran nothing came before it (a played
        script's comments and blank lines count too)."""
        self.lines = self.lines + 1 if number is None else number
        self.under_way.append(self.lines)
        return self.lines

    def ran(self, number: int, outcome: CommandOutcome) -> None:
        """Line ``number`` (as :meth:`entered` gave it) has run: count what its
        ``outcome`` met."""
        self.under_way.remove(number)
        if not outcome.ok:
            self.errors.append(number)
        elif outcome.failed_expectation:
            self.failed_expectations.append(number)

    def cut_short(self) -> None:
        """A second Ctrl-C left: the first line still under way, if one is, was cut
        short (leaving an idle prompt cuts nothing short)."""
        if self.under_way:
            self.interrupted_line = self.under_way[0]

    def explored(self, script: str, status: int) -> None:
        """An exploration of ``script`` ended with an answer calling for ``status``."""
        self.explorations.append((script, status))

    def follow_explorations(self, session: Session, explorations: ExploreCommands) -> None:
        """Count the answer of each exploration that ``explorations`` runs in ``session``
        as it ends (see :attr:`~rapide_shell.explorations.BackgroundExploration.exit_status`)."""

        def count(notice: notices.ExplorationChanged) -> None:
            exploration = explorations.exploration
            if notice.ended and exploration is not None:
                self.explored(exploration.settings.script, exploration.exit_status)

        session.subscribe(count, (notices.ExplorationChanged,))

    def sum_up(
        self, session: Session, console: Console | None, *, hooks: tuple[str, ...] = ("finish",)
    ) -> int:
        """The exit status of ``session``, once closed, with its hook trouble and its
        lost recording taken in; said on the way out. On ``console``, what went wrong
        while its ``hooks`` ran ("start", "finish": those not shown already); then on
        stderr why the recording could not be written, and the :meth:`summary`. With
        no ``console`` (nobody reads this output) nothing is said."""
        self.hooks_failed = session.hooks_failed
        self.recording_lost = session.recording_problem is not None
        if self.ended_by is not None and self.ended_by.name == "SIGHUP":
            console = None  # the terminal is gone: nobody reads this any more
        if console is not None:
            for hook in hooks:
                for problem in session.hook_problems(hook):
                    console.print(problem)
            if session.recording_problem is not None:
                print_error(session.recording_problem)
            summary = self.summary()
            if summary is not None:
                print_error(summary)
        return self.exit_status

    @property
    def exit_status(self) -> int:
        """The session's exit status: the most serious of what it met, or the one of the
        signal that ended it."""
        if self.ended_by is not None:
            return self.ended_by.exit_status
        return session_exit_status(
            (status for status, _ in self._reasons()), recording_lost=self.recording_lost
        )

    def summary(self) -> str | None:
        """``exit status 2: 1 command error (line 1); 1 expectation failed (line 2)``:
        the status and everything that called for one other than 0, most serious
        first; None for a session that exits 0."""
        status = self.exit_status
        if status == EXIT_OK:
            return None
        reasons = [text for _, text in self._reasons()]
        if self.recording_lost:
            reasons.insert(0, "the recording could not be written (said above)")
        if self.ended_by is not None:
            reasons.insert(0, self.ended_by.reason)
        return f"exit status {status}: " + "; ".join(reasons)

    def _reasons(self) -> list[tuple[int, str]]:
        """Each thing the session met that calls for a status other than 0, with the
        words that say it, most serious first."""
        reasons = []
        if self.interrupted_line is not None:
            how = "Ctrl-C twice" if self.ended_by is None else self.ended_by.name
            reasons.append(
                (EXIT_INTERRUPTED, f"line {self.interrupted_line} was cut short ({how})")
            )
        if self.broke_down:
            reasons.append((EXIT_ERROR, BROKE_DOWN))
        if self.errors:
            errors = counted(len(self.errors), "command error")
            reasons.append((EXIT_ERROR, f"{errors} ({_where(self.errors)})"))
        if self.hooks_failed:
            reasons.append((EXIT_HOOK_FAILED, HOOKS_FAILED))
        if self.failed_expectations:
            failed = counted(len(self.failed_expectations), "expectation")
            where = _where(self.failed_expectations)
            reasons.append((EXIT_EXPECTATION_FAILED, f"{failed} failed ({where})"))
        # Explorations of one script with one answer are said once, counted.
        answers = Counter(self.explorations)
        for (script, status), times in answers.items():
            if status == EXIT_OK:
                continue
            one, many = _ANSWERS[status]
            said = f"the exploration of {script} {one}" if times == 1 else (
                f"{times} explorations of {script} {many}"
            )
            reasons.append((status, said))
        # Stable: an exploration's answer comes after the commands' of its status.
        return sorted(reasons, key=lambda reason: SERIOUSNESS.index(reason[0]))


_ANSWERS = {
    EXIT_EXPECTATION_FAILED: ("found a failure", "each found a failure"),
    EXIT_ERROR: ("could not run", "could not run"),
    EXIT_INTERRUPTED: (
        "was stopped by Ctrl-C before it found a failure",
        "were stopped by Ctrl-C before they found a failure",
    ),
}
"""What an exploration's answer was, by the status it calls for: said of one, and of
several explorations of one script."""


def _where(lines: list[int]) -> str:
    """``line 2``, ``lines 2 and 5``, ``lines 2, 5 and 7``, or ``the first at line 2``
    when there are more than a few."""
    lines = sorted(lines)  # the TUI may end a line entered later first
    if len(lines) > _LISTED:
        return f"the first at line {lines[0]}"
    return f"{'line' if len(lines) == 1 else 'lines'} {and_listed([str(n) for n in lines])}"

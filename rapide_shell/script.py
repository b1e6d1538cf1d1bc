"""Playing a script of commands against a session: the engine of ``rapide run``.

A script is a text file of commands, one a line, ``#`` comments. Every line is parsed
before the first one runs, so a typo is reported at once rather than after the work
of the lines above it. Then each command runs in turn; a line that cannot be carried
out is a script error that stops the script (the rest is not run); a failed
``expect`` is noted and the script goes on. ``rapide run`` and a script played in the
workbench both play through :func:`play`, so a script stops at the same line in both.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rapide_shell.commands import parse_command
from rapide_shell.exit_status import (
    EXIT_ERROR,
    EXIT_EXPECTATION_FAILED,
    EXIT_HOOK_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    session_exit_status,
)
from rapide_shell.outcome import CommandOutcome
from rapide_shell.render import counted, pattern_shown
from rapide_shell.script_file import ScriptFileError, ScriptLine, read_script, script_lines
from rapide_shell.session import Session

__all__ = [
    "ScriptFileError",
    "ScriptLine",
    "ScriptResult",
    "play",
    "read_script",
    "script_lines",
]


@dataclass
class ScriptResult:
    """What a script did: each command's outcome, failed expectations, and any error."""

    script: str
    outcomes: list[tuple[ScriptLine, CommandOutcome]] = field(default_factory=list)
    error: tuple[ScriptLine, str] | None = None
    """The line that stopped the script and its message."""
    bound: tuple[ScriptLine, str] | None = None
    """The line at which a bound the user set (``run N``, ``--max-steps``,
    ``--timeout``) ended the script with work pending, and which bound."""
    refused_before_running: bool = False
    """True when ``error`` is a line that does not parse, found before any command ran."""
    interrupted_after: ScriptLine | None = None
    """The last line run when the user interrupted the script (Ctrl-C), if they did."""
    interrupted_before: ScriptLine | None = None
    """The line the user interrupted the script before (Ctrl-C) as it was being shown,
    not entered yet: it did not run."""
    hooks_failed: bool = False
    """True when a start or finish hook raised or met a limit (outside any command)."""
    recording_problem: str | None = None
    """Why the recording (``--record``) could not be put in place, if it could not."""

    @property
    def failed_expectations(self) -> list[tuple[ScriptLine, CommandOutcome]]:
        """The ``expect`` lines that did not hold."""
        return [(line, outcome) for line, outcome in self.outcomes if outcome.failed_expectation]

    @property
    def exit_status(self) -> int:
        """The most serious of what the script met (see
        :func:`~rapide_shell.exit_status.session_exit_status`): 2 when the recording
        could not be written, else 130 when interrupted, 2 for a script error, 3 when a
        start or finish hook raised or met a limit, 1 for a failed expect or a bound
        reached, else 0."""
        return session_exit_status(
            self._statuses_met(), recording_lost=self.recording_problem is not None
        )

    def _statuses_met(self) -> Iterator[int]:
        """The exit status each thing the script met calls for."""
        if self.interrupted_after is not None or self.interrupted_before is not None:
            yield EXIT_INTERRUPTED
        if self.error is not None:
            yield EXIT_ERROR
        if self.hooks_failed:
            yield EXIT_HOOK_FAILED
        if self.failed_expectations or self.bound is not None:
            yield EXIT_EXPECTATION_FAILED

    def expectation_failures(self) -> list[str]:
        """``script:line: expect failed: PATTERN: expected ..., saw ...`` for each
        ``expect`` that did not hold, in order (how a played script ends, when one did not)."""
        failures = []
        for line, outcome in self.failed_expectations:
            data = outcome.data
            seen = data.get("violation") or f"saw {data['seen']}"
            failures.append(
                f"{self.script}:{line.number}: expect failed: {pattern_shown(data['pattern'])}: "
                f"expected {data['expected']}, {seen}"
            )
        return failures

    @property
    def expectations_checked(self) -> int:
        """How many ``expect`` lines the script ran."""
        return sum(1 for _, outcome in self.outcomes if outcome.command == "expect")

    def expectations_held(self) -> str:
        """``ok: 5 expectations held`` (``ok: no expect`` for a script without one): how
        a played script ends when every expectation held. A ``sometimes`` expectation
        that this one run did not meet fails nothing, and is counted apart:
        ``ok: 4 expectations held; 1 for some schedule not met in this run``. A script
        that ran no command at all says so (``ok: nothing run: talk.rapide holds no
        command``): an empty file, saved empty by mistake, would pass in silence."""
        if not self.outcomes:
            return f"ok: nothing run: {self.script} holds no command"
        checked = self.expectations_checked
        if not checked:
            return "ok: no expect"
        unmet = sum(
            1
            for _, outcome in self.outcomes
            if outcome.command == "expect"
            and outcome.data.get("sometimes")
            and not outcome.data.get("held")
        )
        text = f"ok: {counted(checked - unmet, 'expectation')} held"
        return f"{text}; {unmet} for some schedule not met in this run" if unmet else text

    def error_message(self) -> str | None:
        """``script:line: message`` for the error that stopped the script, if any."""
        if self.error is None:
            return None
        line, message = self.error
        return f"{self.script}:{line.number}: {message}"

    def bound_message(self) -> str | None:
        """``script:line: stopped: ...`` when a bound ended the script."""
        if self.bound is None:
            return None
        line, bound = self.bound
        return f"{self.script}:{line.number}: stopped: {bound}"

    def stop_message(self) -> str | None:
        """One line saying where and why the script stopped before its end (an
        interrupt, a line that failed, a bound reached) and that the rest was not run;
        None when it ran to its end or to a ``quit``."""
        if self.interrupted_after is not None:
            return (
                f"{self.script}:{self.interrupted_after.number}: interrupted (Ctrl-C) after "
                "this line; the rest of the script was not run"
            )
        if self.interrupted_before is not None:
            return (
                f"{self.script}:{self.interrupted_before.number}: interrupted (Ctrl-C) before "
                "this line; it and the rest of the script were not run"
            )
        message = self.error_message()
        if message is not None:
            if self.refused_before_running:
                return f"{message} (checked before running: no command was run)"
            return f"{message} (the rest of the script was not run)"
        bound = self.bound_message()
        return None if bound is None else f"{bound} (the rest of the script was not run)"

    def to_json(self, session: Session) -> dict[str, Any]:
        """One JSON-safe object describing the run (``rapide run --json``)."""
        return {
            "architecture": session.loaded.name,
            "file": str(session.path),
            "script": self.script,
            "seed": session.seed,
            # Where --at took the run before the script, as `goto` says it.
            "at": None if session.arrival is None else {
                "address": session.arrival.line.removeprefix("goto "),
                **session.arrival.data,
            },
            "exit_status": self.exit_status,
            "ok": self.exit_status == EXIT_OK,
            "commands": [
                {
                    "line": line.number,
                    "command": outcome.line.strip(),
                    "ok": outcome.ok,
                    "result": outcome.data,
                    **({"error": outcome.error} if outcome.error else {}),
                }
                for line, outcome in self.outcomes
            ],
            "expectations": [
                {"line": line.number, "command": outcome.line.strip(), **outcome.data}
                for line, outcome in self.outcomes
                if outcome.command == "expect" and outcome.ok
            ],
            "error": None
            if self.error is None
            else {"line": self.error[0].number, "message": self.error[1]},
            "bound": None
            if self.bound is None
            else {"line": self.bound[0].number, "message": self.bound[1]},
            "interrupted_after_line": None
            if self.interrupted_after is None
            else self.interrupted_after.number,
            "hooks": {
                hook: session.hook_report(hook).error_texts for hook in ("start", "finish")
            },
            "events": len(session.computation),
            "handler_errors": len(session.errors),
            "recording_problem": self.recording_problem,
        }


async def play(
    session: Session,
    lines: list[ScriptLine],
    *,
    script: str,
    start: int = 1,
    on_line: Callable[[ScriptLine], Awaitable[None] | None] | None = None,
    on_outcome: Callable[[ScriptLine, CommandOutcome], Awaitable[None] | None] | None = None,
    interrupted: Callable[[], bool] | None = None,
    execute: Callable[[ScriptLine], Awaitable[CommandOutcome]] | None = None,
    on_caught_up: Callable[[], Awaitable[None] | None] | None = None,
) -> ScriptResult:
    """Run ``lines`` in ``session``, stopping at the first error, at ``quit``, when a
    bound (``run N``, or the session's ``--max-steps`` or ``--timeout``) is reached with
    work pending, or once ``interrupted()`` says the user interrupted (checked after
    each command).

    ``on_line`` is called before each line (comments included, blank lines not);
    ``on_outcome`` after each command with what it returned; either may be a
    coroutine function (a front end that plays at a reader's pace), which is awaited.
    ``execute`` runs one command line (default: its text through ``session.execute``;
    a front end passes its own, which goes through the session, and may count the line
    by its number). The session is not closed.

    The lines numbered below ``start`` are replayed first, quickly, so that the run is
    where playing them would have brought it (``rapide lessons --from``): they run as
    any line does, and stop the script as any line would, but neither ``on_line`` nor
    ``on_outcome`` hears of them, and a ``wait`` among them goes on at once (nobody
    waits for a replay). ``on_caught_up`` is called once they have run, before line
    ``start``.
    """
    result = ScriptResult(script)
    run_line = execute or (lambda line: session.execute(line.text))
    unparsable = _first_unparsable(session, lines)
    if unparsable is not None:
        # Running just that line reports its syntax error as the session reports any.
        lines = [unparsable]
        result.refused_before_running = True
    outer, session.playing = session.playing, script  # not to be written over
    presenter = session.wait_for_presenter
    replaying = start > 1
    if replaying:
        session.wait_for_presenter = None
    try:
        for line in lines:
            if replaying and line.number >= start:
                replaying = False
                session.wait_for_presenter = presenter
                if on_caught_up is not None:
                    await _called(on_caught_up())
            if not line.text.strip():
                continue
            if on_line is not None and not replaying:
                await _called(on_line(line))
                if line.is_command and interrupted is not None and interrupted():
                    result.interrupted_before = line  # shown, not entered: it does not run
                    break
            if not line.is_command:
                continue
            if session.bounds.timed_out():
                result.bound = (line, session.bounds.check() or "--timeout reached")
                break
            outcome = await run_line(line)
            result.outcomes.append((line, outcome))
            if on_outcome is not None and not replaying:
                await _called(on_outcome(line, outcome))
            if interrupted is not None and interrupted():
                result.interrupted_after = line
            if not outcome.ok:
                result.error = (line, outcome.error or "error")
                break
            if outcome.data.get("bound"):
                result.bound = (line, f"{outcome.data['bound']} with work pending")
                break
            if outcome.quit or result.interrupted_after is not None:
                break
    finally:
        session.playing = outer
        session.wait_for_presenter = presenter
    return result


async def _called(returned: Awaitable[None] | None) -> None:
    """Awaits what a callback returned when it is awaitable (a coroutine function's)."""
    if inspect.isawaitable(returned):
        await returned


def _first_unparsable(session: Session, lines: list[ScriptLine]) -> ScriptLine | None:
    """The first command line (up to a ``quit``) that does not parse, if there is one."""
    for line in lines:
        if not line.is_command:
            continue
        try:
            command = parse_command(line.text, session.catalog)
        except Exception:  # a CommandError, or a fault the session reports in one line
            return line
        if command is not None and command.name == "quit":
            return None
    return None

"""``rapide run``: load, play a script, print a transcript (or one JSON object), exit 0/1/2/3
(130 when interrupted)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.text import Text

from pyrapide.runtime import DEFAULT_HANDLER_TIMEOUT
from rapide_shell.commands.builtin.narrating import command_word
from rapide_shell.error_output import fail, print_error, prints_to_stderr
from rapide_shell.exit_status import EXIT_ERROR, HOOKS_FAILED
from rapide_shell.interrupts import CtrlC
from rapide_shell.loader import LoadError
from rapide_shell.outcome import CommandOutcome
from rapide_shell.python_warnings import on_stderr, warnings_shown_by
from rapide_shell.render import WholeLine, printing_console, transcript_console
from rapide_shell.report import print_output
from rapide_shell.runtime_link import Bounds
from rapide_shell.script import ScriptFileError, ScriptLine, play, read_script
from rapide_shell.script_file import STDIN, STDIN_NAME
from rapide_shell.session import Session
from rapide_shell.std_streams import escapes_written_out

if TYPE_CHECKING:
    from rapide_shell.address import Address

PAUSING = (
    "rapide: interrupted: pausing; the script stops after the current command "
    "(Ctrl-C again leaves at once)\n"
)
STOPPING = (
    "rapide: interrupted: stopping the travel at the step it has reached; the script stops "
    "after the current command (Ctrl-C again leaves at once)\n"
)
LEAVING = "rapide: interrupted again: leaving now\n"
"""What ``rapide run`` says at a first Ctrl-C (during a travel through the history:
``back``, ``goto``, ...), and at a second."""


async def run_headless(
    file: str,
    script: str | None,
    *,
    seed: int | None = None,
    json_output: bool = False,
    arch: str | None = None,
    record: str | None = None,
    force_record: bool = False,
    timeout: float | None = None,
    max_steps: int | None = None,
    handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
    at: Address | None = None,
) -> int:
    """Run ``script`` against the architecture in ``file``; return the exit status.

    With ``at``, the script starts at the point that address names, and the transcript
    with where that is; ``script`` may then be None (nothing more is run).

    ``timeout`` (seconds of wall time) and ``max_steps`` bound the whole script: when
    one runs out with work pending, the script ends there with status 1.
    ``handler_timeout`` is the seconds a handler may keep control (None: no bound).
    """
    console = transcript_console()
    try:
        lines = read_script(script) if script is not None else []
    except ScriptFileError as error:
        return fail(str(error), json_output, EXIT_ERROR)
    script = "--at" if script is None else STDIN_NAME if script == STDIN else script

    def show_line(line: ScriptLine) -> None:
        if json_output or command_word(line.text) == "say":
            return  # narration is shown once, as its own line, by its outcome
        # Echoed whole, as in the file: a line may hold a word to copy (an address).
        if line.is_command:
            console.print(WholeLine(f"> {line.text.strip()}", style="bold"), crop=False)
        else:
            console.print(WholeLine(line.text.strip(), style="dim"), crop=False)

    def show_outcome(line: ScriptLine, outcome: CommandOutcome) -> None:
        if json_output or not outcome.ok:
            return
        print_output(console, outcome.command, outcome.output)

    try:
        # With --json, what the file's own code prints (as it is imported, in a handler
        # or a hook) goes to stderr: stdout holds the JSON object alone. Its escape
        # sequences are written out, as in the transcript around it.
        with (
            prints_to_stderr(json_output),
            warnings_shown_by(on_stderr, file),
            escapes_written_out(),
        ):
            async with Session.open(
                file,
                arch=arch,
                seed=seed,
                record=record,
                force_record=force_record,
                handler_timeout=handler_timeout,
                bounds=Bounds(timeout=timeout, max_steps=max_steps),
                at=at,
            ) as session:
                if not json_output:
                    for problem in session.hook_problems("start"):
                        console.print(problem)
                if session.arrival is not None and not json_output:
                    console.print(WholeLine(f"> {session.arrival.line}", style="bold"),
                                  crop=False)
                    for renderable in session.arrival.output:
                        console.print(renderable)
                interrupts = CtrlC(
                    session, pausing=PAUSING, stopping=STOPPING, leaving=LEAVING
                )
                with interrupts:
                    result = await play(
                        session,
                        lines,
                        script=script,
                        on_line=show_line,
                        on_outcome=show_outcome,
                        interrupted=lambda: interrupts.count > 0,
                        execute=lambda line: interrupts.running(session.execute(line.text)),
                    )
    except LoadError as error:
        return fail(str(error), json_output, error.exit_status)
    if not json_output:
        for problem in session.hook_problems("finish"):
            console.print(problem)
    result.hooks_failed = session.hooks_failed
    result.recording_problem = session.recording_problem
    if session.recording_problem is not None:
        print_error(session.recording_problem)
    if json_output:
        print(json.dumps(result.to_json(session), indent=2, default=str))
        return result.exit_status
    stopped = result.stop_message()
    if stopped is not None:
        print_error(stopped)
        if result.error is not None and result.interrupted_after is None:
            for renderable in result.outcomes[-1][1].output[1:]:
                printing_console(stderr=True, highlight=False).print(renderable)
        return result.exit_status
    if result.hooks_failed:
        print_error(f"{HOOKS_FAILED}; exit status {result.exit_status}")
    failures = result.expectation_failures()
    for failure in failures:
        print_error(failure)
    if not failures and not result.hooks_failed and result.recording_problem is None:
        # The verdict whole on its last line, for a job to read, a long path and all.
        console.print(Text(result.expectations_held(), style="green"), soft_wrap=True)
    return result.exit_status


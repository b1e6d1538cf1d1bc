"""``rapide explore``: many schedules of a script, live progress, counterexamples written,
exit 0 (every property held), 1 (a failure; its counterexample's path said), 2 (a load,
script or usage error), 130 (interrupted before any failure was found)."""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

from pyrapide.exploration import (
    ExplorationError,
    ExplorationResult,
    ExploreOptions,
    Explorer,
    Progress,
    prepare,
)
from pyrapide.runtime import DEFAULT_HANDLER_TIMEOUT
from rapide_shell.commands.builtin.observing import scenario_notes
from rapide_shell.error_output import (
    fail,
    print_error,
    prints_dropped,
    prints_to_stderr,
    say_at_once,
)
from rapide_shell.exit_status import (
    EXIT_ERROR,
    EXIT_EXPECTATION_FAILED,
    EndedBySignal,
    exploration_exit_status,
)
from rapide_shell.explore_report import COMMAND_LINE, Written, progress_line, summary, to_json
from rapide_shell.explore_run import (
    ExploreSetupError,
    out_refusal,
    workers_for,
    write_counterexamples,
)
from rapide_shell.exploring import (
    ArchitectureSource,
    ScenarioError,
    checks_nothing,
    default_out,
    read_scenario,
)
from rapide_shell.import_guard import ExitCalled, exit_refused
from rapide_shell.interrupts import handle_signals
from rapide_shell.loader import LoadError
from rapide_shell.looks import command_words
from rapide_shell.render import transcript_console
from rapide_shell.script import ScriptFileError, play, read_script
from rapide_shell.session import Session
from rapide_shell.std_streams import escapes_written_out
from rapide_shell.unhandled import tell_loop_errors, threads_told, unraisable_told


@dataclasses.dataclass(frozen=True)
class ExploreRequest:
    """What ``rapide explore`` was asked: the files, the options, where it runs and
    where counterexamples go (``out`` None: beside the script)."""

    file: str
    script: str
    options: ExploreOptions
    arch: str | None = None
    seed: int | None = None
    workers: int = 1
    cluster: str | None = None
    out: str | None = None
    force: bool = False
    json_output: bool = False
    handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT


async def run_explore(request: ExploreRequest) -> int:
    """Explore as ``request`` says; print the answer; return the exit status."""
    # A handler calling os._exit in a schedule explored here (not in a worker process)
    # would end the exploration at once, unsaid: it raises instead, an error like any.
    # What the code writes to stderr, and an error nothing handles, is said as rapide
    # run says it: one line, its escape sequences written out.
    tell_loop_errors()
    with exit_refused(ExitCalled), threads_told(), unraisable_told(), escapes_written_out():
        return await _explore(request)


async def _explore(request: ExploreRequest) -> int:
    # What the file's own code prints in the schedules explored (the same lines again in
    # each) is dropped; as it is imported, and as a counterexample is replayed, it is
    # shown, on stderr with --json, where stdout holds the JSON object alone.
    quiet = functools.partial(prints_to_stderr, request.json_output)
    try:
        lines = read_script(request.script)
        with quiet():
            session = Session.load(request.file, arch=request.arch)
        scenario = read_scenario(
            [(line.number, line.text) for line in lines],
            script=request.script,
            catalog=session.catalog,
            actions=session.actions,
            seed=request.seed or 0,
        )
    except (ScriptFileError, ScenarioError) as error:
        return fail(str(error), request.json_output, EXIT_ERROR)
    except LoadError as error:
        return fail(str(error), request.json_output, error.exit_status)
    notes = scenario_notes(session, scenario, request.script)
    if notes:  # each made printable by render.note already; one line each, unwrapped
        sys.stdout.flush()
        sys.stderr.write("".join(f"{note.plain}\n" for note in notes))
    out = Path(request.out) if request.out else default_out(request.script)
    refused = out_refusal(out, file=request.file, script=request.script, force=request.force,
                          all_failures=request.options.all_failures, named=bool(request.out))
    if refused is not None:
        return fail(refused, request.json_output, EXIT_ERROR)
    source = ArchitectureSource.of(session.loaded, request.handler_timeout)
    console = Console(stderr=True)
    try:
        ready = functools.partial(prepare, source, scenario, request.options)
        with prints_dropped(), workers_for(
            request.workers, request.cluster, prepare=ready
        ) as workers, _Display(console, enabled=console.is_terminal) as display:
            explorer = Explorer(
                source,
                scenario,
                request.options,
                executor=workers.executor,
                width=workers.width,
                progress=display.update,
            )
            with _Interrupts(explorer) as interrupts:
                result = await explorer.run()
    except ExploreSetupError as error:
        return fail(str(error), request.json_output, EXIT_ERROR)
    except (ExplorationError, LoadError) as error:
        return fail(str(error), request.json_output, EXIT_ERROR)
    written, problems = write_counterexamples(
        result, file=command_words(request.file, request.arch), script=request.script,
        out=out, force=request.force, forcing="--force",
    )
    checked: list[Written] = []
    with quiet():
        for item in written:
            if item.same_as is None:
                checked.append(await _checked(item, request))
            else:  # its file is an earlier failure's, replayed already
                replays = checked[item.same_as - 1].replays
                checked.append(dataclasses.replace(item, replays=replays))
    written = checked
    return _report(result, written, problems, request, workers.width, interrupts.ended_by,
                   checked=not checks_nothing(scenario, session.loaded))


def _report(
    result: ExplorationResult,
    written: list[Written],
    problems: list[str],
    request: ExploreRequest,
    width: int,
    ended_by: EndedBySignal | None = None,
    *,
    checked: bool = True,
) -> int:
    """Print what was explored; the exit status: the answer's, or the signal's that
    stopped the exploration. ``checked``: False when the scenario checked no property."""
    status = exploration_exit_status(failed=result.failed, interrupted=result.interrupted)
    spelling = COMMAND_LINE
    if ended_by is not None:
        status, spelling = ended_by.exit_status, {**COMMAND_LINE, "stop": ended_by.reason}
    if request.json_output:
        document = to_json(result, written, file=request.file, script=request.script,
                           workers=width, cluster=request.cluster)
        document["exit_status"] = status
        document["problems"] = problems
        print(json.dumps(document, indent=2))
    else:
        console = transcript_console()
        for renderable in summary(result, written, spelling=spelling, checked=checked,
                                  file=command_words(request.file, request.arch)):
            # A line that must not be folded (an address) is left to the terminal.
            console.print(renderable, soft_wrap=getattr(renderable, "no_wrap", None) is True)
    for problem in problems:
        print_error(problem)
    return status


async def _checked(item: Written, request: ExploreRequest) -> Written:
    """``item``, once its file was replayed as ``rapide run`` would: True when the run
    ended on its last line, a failed expectation (exit 1)."""
    try:
        lines = read_script(item.path)
        async with Session.open(request.file, arch=request.arch,
                                handler_timeout=request.handler_timeout) as session:
            replay = await play(session, lines, script=item.path)
    except (ScriptFileError, LoadError):
        return dataclasses.replace(item, replays=False)
    # It fails on its last line: the property's, or the run that did not go quiet.
    failed = replay.failed_expectations
    stopped = failed[-1][0] if failed else replay.bound[0] if replay.bound else None
    replays = (
        replay.exit_status == EXIT_EXPECTATION_FAILED
        and stopped is not None
        and stopped.number == lines[-1].number
    )
    return dataclasses.replace(item, replays=replays)


class _Display:
    """The live progress line on a terminal (nothing elsewhere)."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self._progress = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not enabled,
        )
        self._task = self._progress.add_task("exploring", total=None)

    def __enter__(self) -> _Display:
        self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._progress.stop()

    def update(self, progress: Progress) -> None:
        self._progress.update(self._task, description=progress_line(progress))


class _Interrupts:
    """Ctrl-C stops the exploration (what was explored is reported; a failure already
    found is written, its shrinking cut short); a second one leaves at once. SIGTERM
    and SIGHUP stop it the same way, the exit status then the signal's (``ended_by``),
    and a second signal leaves at once."""

    def __init__(self, explorer: Explorer) -> None:
        self.explorer = explorer
        self.ended_by: EndedBySignal | None = None
        self._restore: Callable[[], None] | None = None

    def __enter__(self) -> _Interrupts:
        self._restore = handle_signals(self._on_sigint, self._on_ending)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._restore is not None:
            self._restore()
            self._restore = None

    def _on_ending(self, number: int, frame: Any) -> None:
        ended = EndedBySignal(number)
        if self.explorer.stopping:
            say_at_once(f"rapide: {ended.reason}: leaving now\n")
            raise ended
        self.ended_by = ended
        self.explorer.stop()
        say_at_once(f"rapide: {ended.reason}: stopping; what was explored is reported\n")

    def _on_sigint(self, number: int, frame: Any) -> None:
        if self.explorer.stopping:
            say_at_once("rapide: interrupted again: leaving now\n")
            raise KeyboardInterrupt
        self.explorer.stop()
        say_at_once(
            "rapide: interrupted: stopping; what was explored is reported "
            "(Ctrl-C again leaves at once)\n"
        )

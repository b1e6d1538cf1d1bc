"""The workbench's ``explore``: an exploration of the session's architecture run in the
background, on worker processes, telling its progress as session notices.

:class:`ExploreCommands` is the plugin a front end registers (the TUI and the REPL do)
to have the ``explore`` command: ``explore SCRIPT [options]`` starts a
:class:`BackgroundExploration`, ``explore`` says how it stands or lists its failures,
``explore open N`` replays failure N's counterexample in the session, up to its
failing step, and ``explore stop`` stops it.

The search runs in worker processes (one at least, so that the front end's event loop
stays free to draw and to take keys), whose output is dropped (see
:func:`~rapide_shell.explore_run.quiet_worker`); the loop only hands out shards and
merges what comes back. Each change is a :class:`~rapide_shell.notices.ExplorationChanged` notice,
at most every tenth of a second; the last one has ``ended`` set, and the
exploration's ``result``, ``written`` counterexamples or ``error`` are then there.

The exploration machinery (:mod:`pyrapide.exploration`, the worker pools, the
reports) is imported by the functions that use it, when an exploration is asked for:
this module is loaded with every workbench, and the machinery would otherwise be a
tenth of the shell's start.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType

from rapide_shell import notices, render
from rapide_shell.commands import (
    Command,
    CommandCatalog,
    CommandError,
)
from rapide_shell.commands.arguments import (
    ArgumentText,
    digits_value,
    file_name,
    is_whole_number,
)
from rapide_shell.commands.errors import CommandSyntaxError
from rapide_shell.commands.front_ends import EXPLORE
from rapide_shell.commands.lexer import Word
from rapide_shell.exit_status import EXIT_ERROR, exploration_exit_status
from rapide_shell.hookspecs import hookimpl
from rapide_shell.loader import LoadError
from rapide_shell.looks import command_words
from rapide_shell.outcome import CommandOutcome
from rapide_shell.render import counted
from rapide_shell.script_file import ScriptFileError, read_script

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from pyrapide.exploration import (
        ExplorationResult,
        ExploreOptions,
        Explorer,
        Progress,
        Scenario,
    )
    from rapide_shell.downloads import Downloads
    from rapide_shell.explore_report import Written
    from rapide_shell.exploring import ArchitectureSource
    from rapide_shell.session import Session


STOPPED_BY_CTRL_C = "Ctrl-C"
"""What a front end says stopped an exploration when a Ctrl-C did (see
:attr:`BackgroundExploration.exit_status`)."""


@dataclass(frozen=True)
class ExploreSettings:
    """What ``explore`` was asked: the ``script`` (its scenario), the options, how many
    worker processes, and where counterexamples go (None: beside the script)."""

    script: str
    options: ExploreOptions
    workers: int = 1
    out: str | None = None


class BackgroundExploration:
    """One exploration running in the background (see the module docstring)."""

    def __init__(
        self,
        source: ArchitectureSource,
        file: str,
        scenario: Scenario,
        settings: ExploreSettings,
        notify: Callable[[Any], None],
        downloads: Downloads | None = None,
        checked: bool = True,
    ) -> None:
        self.source = source
        self.checked = checked
        """False when the scenario checks no property (see ``checks_nothing``)."""
        self.downloads = downloads
        """Where its counterexamples go in a browser's workbench (None: to files)."""
        self.file = file
        self.scenario = scenario
        self.settings = settings
        self._notify = notify
        from pyrapide.exploration import Progress

        self.progress = Progress(0, 0, 0, 0, 0.0)
        """How it stands (the last progress heard)."""
        self.result: ExplorationResult | None = None
        """Its answer, once it has ended."""
        self.written: list[Written] = []
        """The counterexamples written, once it has ended."""
        self.problems: list[str] = []
        """Counterexamples that could not be written, one line each."""
        self.error: str | None = None
        """Why it could not run, if it could not."""
        self.stopped_by: str | None = None
        """What stopped it before its end, as its verdict names it (``explore stop``,
        ``Ctrl-C``, ``quit``); None while nothing did."""
        self._explorer: Explorer | None = None
        self._task: asyncio.Task[None] | None = None
        self._ended = False

    @property
    def running(self) -> bool:
        """True until it has ended (false already for those its end notice calls)."""
        return self._task is not None and not self._ended and not self._task.done()

    @property
    def exit_status(self) -> int:
        """The exit status its answer calls for once it has ended, as ``rapide explore``
        would end with it: 2 when it could not run, 1 when a property failed, 130 when a
        Ctrl-C stopped it short (:data:`STOPPED_BY_CTRL_C`), else 0 (stopped by
        ``explore stop`` or ``quit`` included: the user chose to)."""
        if self.error is not None:
            return EXIT_ERROR
        return exploration_exit_status(
            failed=self.result is not None and self.result.failed,
            interrupted=self.stopped_by == STOPPED_BY_CTRL_C,
        )

    def start(self) -> None:
        """Start it: its worker processes at once (OSError when they cannot be had), the
        search on the running event loop. The workers' server starts here, within the
        command, where a Ctrl-C it cannot hear for a moment has nothing to stop (see
        :func:`~rapide_shell.explore_run.local_pool`)."""
        from rapide_shell.explore_run import local_pool

        pool = local_pool(max(1, self.settings.workers), quiet=True)
        self._task = asyncio.get_running_loop().create_task(self._run(pool))

    def stop(self, by: str = "explore stop") -> bool:
        """Stop it soon (what was explored is kept), saying it was stopped ``by`` (the
        first stop's words are kept); False when it is not running."""
        if not self.running:
            return False
        if self.stopped_by is None:
            self.stopped_by = by
        if self._explorer is not None:  # else it stops as soon as it has one
            self._explorer.stop()
        return True

    async def wait(self) -> None:
        """Return once it has ended."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def _run(self, pool: ProcessPoolExecutor) -> None:
        from pyrapide.exploration import ExplorationError, Explorer
        from rapide_shell.downloads import download_name
        from rapide_shell.explore_run import shut_down, write_counterexamples
        from rapide_shell.exploring import default_out

        settings = self.settings
        try:
            self._explorer = Explorer(
                self.source, self.scenario, settings.options, executor=pool,
                width=max(1, settings.workers), progress=self._progressed,
            )
            if self.stopped_by is not None:  # stopped while its workers were starting
                self._explorer.stop()
            self.result = await self._explorer.run()
            out = Path(settings.out) if settings.out else default_out(settings.script)
            if self.downloads is not None:  # named in its header as the download is
                out = Path(download_name(out.name))
            self.written, self.problems = write_counterexamples(
                self.result, file=self.file, script=settings.script, out=out,
                downloads=self.downloads,
            )
        except (ExplorationError, LoadError, OSError) as error:
            self.error = str(error)
        except Exception as error:  # a worker that died: said, never a crash of the front end
            self.error = f"{type(error).__name__}: {error}"
        finally:
            # Shut down in a thread of the loop's default executor, which asyncio.run
            # joins before it returns: the workers finish the shard at hand meanwhile
            # and nothing here waits for them, but the pool's manager thread is done
            # before the interpreter exits. One still closing its pipes then raced
            # concurrent.futures' own exit hook (an OSError, "Bad file descriptor",
            # printed after the front end's last line on Python 3.11).
            asyncio.get_running_loop().run_in_executor(None, shut_down, pool)
            self._ended = True  # its end notice's listeners read the answer, not progress
            self._notify(notices.ExplorationChanged(progress=self.progress, ended=True))

    def _progressed(self, progress: Progress) -> None:
        self.progress = progress
        self._notify(notices.ExplorationChanged(progress=progress))


# -- the `explore` command (its spec: rapide_shell.commands.front_ends) -----------------


@dataclass(frozen=True)
class ExploreArguments:
    """``explore``'s arguments: ``action`` is "start" (with ``settings``), "status",
    "stop" or "open" (``failure``, from 1)."""

    action: str
    settings: ExploreSettings | None = None
    failure: int = 0


def parse_explore(text: ArgumentText) -> ExploreArguments:
    """``explore``, ``explore stop``, ``explore open N``, or a script and its options."""
    words = text.words
    if not words:
        return ExploreArguments("status")
    first = words[0]
    if first.text == "stop":
        text.at_most(1)
        return ExploreArguments("stop")
    if first.text == "open":
        if (
            len(words) != 2
            or not is_whole_number(words[1].text)
            or digits_value(words[1].text, words[1]) < 1
        ):
            column = words[1].column if len(words) > 1 else text.end
            raise CommandSyntaxError("explore open needs a failure's number, like 1",
                                     column=column)
        return ExploreArguments("open", failure=int(words[1].text))
    return ExploreArguments("start", settings=_settings(file_name(first), words[1:]))


def _settings(script: str, words: list[Word]) -> ExploreSettings:
    from pyrapide.exploration import ExploreOptions, Strategy
    from rapide_shell.explore_run import too_many_workers

    options: dict[str, Any] = {}
    workers = 1
    position = 0
    given: set[str] = set()
    no_prune: Word | None = None
    while position < len(words):
        word = words[position]
        key, equals, value = word.text.partition("=")
        # An option given twice would drop one of its values unsaid (`rapide explore`
        # refuses a repeated option too).
        option = f"{key}=" if equals and key in ("max", "workers") else word.text
        if option in given:
            raise CommandSyntaxError(f"{option} is given twice", column=word.column)
        given.add(option)
        if word.text == "random":
            if position + 1 >= len(words):
                raise CommandSyntaxError("random needs its seeds, like 0..99", column=word.column)
            seeds = words[position + 1]
            options["strategy"] = Strategy.RANDOM
            options["seeds"] = _seed_range(seeds)
            position += 2
            continue
        if word.text == "no-prune":
            options["prune"] = False
            no_prune = word
        elif word.text == "all-failures":
            options["all_failures"] = True
        elif equals and key in ("max", "workers"):
            if not is_whole_number(value) or digits_value(value, word) < 1:
                raise CommandSyntaxError(f"{key}= takes a whole number from 1, not {value!r}",
                                         column=word.column)
            if key == "max":
                options["max_schedules"] = int(value)
            else:
                workers = int(value)
                too_many = too_many_workers(workers)
                if too_many is not None:
                    raise CommandSyntaxError(f"workers={value}: {too_many}", column=word.column)
        else:
            raise CommandSyntaxError(
                f"unexpected {word.text!r}: explore takes random A..B, max=N, no-prune, "
                "all-failures and workers=N",
                column=word.column,
            )
        position += 1
    if no_prune is not None and "random" in given:
        # Pruning is the depth-first search's: a random walk has nothing it would prune.
        raise CommandSyntaxError(
            "no-prune is for the depth-first search, not random A..B: a random walk "
            "prunes nothing",
            column=no_prune.column,
        )
    return ExploreSettings(script, ExploreOptions(**options), workers=workers)


def _seed_range(word: Word) -> tuple[int, int]:
    from rapide_shell.exploring import seed_range

    try:
        return seed_range(word.text)
    except ValueError as error:
        raise CommandSyntaxError(f"random {error}", column=word.column) from None


CLOSE_SECONDS = 10.0
"""How long a closing front end waits for a stopped exploration to end."""

EXPLORE_PLUGIN = "rapide-explore"
"""The name a front end registers :class:`ExploreCommands` under."""


class ExploreCommands:
    """The plugin a front end registers to have ``explore``: it holds the session's one
    background exploration (the last one, once it has ended)."""

    def __init__(self) -> None:
        self.exploration: BackgroundExploration | None = None

    async def close(self, by: str = "the workbench closed") -> None:
        """Stop the exploration running, if one is, saying it was stopped ``by``, and
        wait for it to end (its worker processes finish the shard at hand; at most
        :data:`CLOSE_SECONDS`): for a front end that is closing."""
        exploration = self.exploration
        if exploration is not None and exploration.stop(by):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(exploration.wait(), CLOSE_SECONDS)

    @hookimpl
    def rapide_add_commands(self, catalog: CommandCatalog, session: Session) -> None:
        """Adds ``explore``."""
        catalog.register(EXPLORE, self.explore, parse=parse_explore)

    async def explore(
        self, session: Session, command: Command[ExploreArguments], line: str
    ) -> CommandOutcome:
        """Runs ``explore ...``."""
        args = command.args
        if args.action == "start":
            assert args.settings is not None
            return self._start(session, args.settings, line)
        exploration = self.exploration
        nothing = "nothing explored yet: `explore SCRIPT` starts an exploration"
        if exploration is None and args.action == "status":
            # How it stands, as `matches` says "no watches": nothing could not be done.
            return CommandOutcome(line, "explore", output=(render.note(nothing),),
                                  data={"explored": False})
        if exploration is None:
            raise CommandError(nothing)
        if args.action == "stop":
            if not exploration.stop():
                raise CommandError("the exploration has ended already")
            return CommandOutcome(line, "explore", output=(
                render.note("stopping the exploration; what was explored is reported"),))
        if args.action == "open":
            return await self._open(session, exploration, args.failure, line)
        return CommandOutcome(line, "explore", output=tuple(status_lines(exploration)),
                              data=_status_data(exploration))

    def _start(self, session: Session, settings: ExploreSettings, line: str) -> CommandOutcome:
        if self.exploration is not None and self.exploration.running:
            raise CommandError("an exploration is running: `explore stop` first")
        from rapide_shell.commands.builtin.observing import scenario_notes
        from rapide_shell.exploring import (
            ArchitectureSource,
            ScenarioError,
            checks_nothing,
            read_scenario,
        )

        try:
            lines = read_script(settings.script)
            scenario = read_scenario(
                [(item.number, item.text) for item in lines], script=settings.script,
                catalog=session.catalog, actions=session.actions, seed=session.seed,
            )
        except (ScriptFileError, ScenarioError) as error:
            raise CommandError(str(error)) from None
        source = ArchitectureSource.of(session.loaded, session.runtime.handler_timeout)
        file = command_words(str(session.path), session.loaded.chosen)
        exploration = BackgroundExploration(
            source, file, scenario, settings, session.notify, session.downloads,
            checked=not checks_nothing(scenario, session.loaded),
        )
        try:
            exploration.start()
        except OSError as error:
            raise CommandError(f"cannot start the worker processes: {error}") from None
        self.exploration = exploration
        workers = counted(settings.workers, "worker process", "worker processes")
        text = (f"exploring {settings.script} in the background on {workers}; `explore` "
                "says how it stands, `explore stop` stops it")
        notes = scenario_notes(session, scenario, settings.script)
        return CommandOutcome(line, "explore", output=(render.note(text), *notes),
                              data={"script": settings.script, "workers": settings.workers})

    async def _open(
        self, session: Session, exploration: BackgroundExploration, number: int, line: str
    ) -> CommandOutcome:
        if exploration.running:
            raise CommandError("the exploration is still running: `explore stop`, or wait")
        written = exploration.written
        if not 1 <= number <= len(written):
            raise CommandError(
                f"no failure {number}: the exploration found {counted(len(written), 'failure')}"
            )
        item = written[number - 1]
        from pyrapide.exploration import StepBound

        # The last line is the property that fails, but for a run that never went quiet:
        # then it is that run, and replaying it is reaching the failure.
        bound = isinstance(item.example.shrunk.property, StepBound)
        steps = item.lines if bound else item.lines[:-1]
        # Replayed as the counterexample's script would be, each line a command of its own.
        for step in steps:
            outcome = await session.execute(step)
            if outcome.error is not None:
                raise CommandError(f"failure {number} did not replay: {step}: {outcome.error}")
        replayed = render.note(
            f"replayed failure {number}'s counterexample: {'; '.join(steps)} "
            f"({counted(len(session.computation), 'event')} recorded)"
        )
        text = (
            f"at failure {number}'s failing step: "
            + ("the run did not go quiet" if bound else f"`{item.lines[-1]}` fails here")
        )
        # The address on a line of its own, drawn whole, to be copied (as `where` does).
        return CommandOutcome(line, "explore",
                              output=(replayed, render.note(text, style="bold"),
                                      render.WholeLine(item.address)),
                              data={"failure": number, "address": item.address})


@dataclass(frozen=True)
class FailureLine:
    """A failure an exploration wrote, as the workbench lists it: ``number`` (what
    ``explore open N`` takes), ``summary`` (what failed) and ``where`` (its file)."""

    number: int
    summary: str
    where: str


def failure_lines(exploration: BackgroundExploration) -> list[FailureLine]:
    """The failures ``exploration`` wrote, numbered (none before it has ended)."""
    from rapide_shell.explore_report import failure_told, stands_for

    lines = []
    written = exploration.written
    for number, item in enumerate(written, 1):
        shared = (stands_for(written, number) if item.same_as is None
                  else f" (as failure {item.same_as})")
        cut_short = item.example.shrink_end.cut_short
        if cut_short is not None:
            shared += f" (it may shrink further: {cut_short})"
        lines.append(FailureLine(
            number,
            f"failure {number}: {failure_told(item.example.shrunk)}",
            f"counterexample: {item.path}{shared}; `explore open {number}` goes to it",
        ))
    return lines


def status_lines(exploration: BackgroundExploration) -> list[RenderableType]:
    """How ``exploration`` stands: its progress, or its answer once it has ended."""
    from rapide_shell.explore_report import (
        NOTHING_CHECKED,
        WORKBENCH,
        progress_line,
        schedule_problems,
        verdict_line,
    )

    if exploration.error is not None:
        return [render.note(f"the exploration failed: {exploration.error}", style="bold red")]
    result = exploration.result
    if exploration.running or result is None:
        return [render.note(f"exploring {exploration.settings.script}: "
                            f"{progress_line(exploration.progress)}")]
    spelling = WORKBENCH
    if exploration.stopped_by is not None:
        spelling = {**WORKBENCH, "stop": f"stopped ({exploration.stopped_by})"}
    shown: list[RenderableType] = [render.note(verdict_line(result, spelling))]
    for failure in failure_lines(exploration):
        shown.append(render.note(failure.summary, style="bold red"))
        shown.append(render.note(f"  {failure.where}"))
    problems = [*exploration.problems, *schedule_problems(result)]
    shown.extend(render.note(problem, style="yellow") for problem in problems)
    for sometimes in result.unmet:
        shown.append(render.note(f"FAILED: {sometimes.expect.text} (line "
                                 f"{sometimes.expect.line}): held in no schedule",
                                 style="bold red"))
    if not result.failed and result.schedules:  # none: stopped before any ran
        shown.append(render.note("ok: every property held in every schedule explored",
                                 style="green") if exploration.checked
                     else render.note(NOTHING_CHECKED))
    return shown


def _status_data(exploration: BackgroundExploration) -> dict[str, Any]:
    progress = exploration.progress
    return {
        "running": exploration.running,
        "schedules": progress.schedules,
        "distinct_posets": progress.distinct,
        "failures": [item.path for item in exploration.written],
        "error": exploration.error,
    }

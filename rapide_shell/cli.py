"""The ``rapide`` command line; each front end is imported only inside its command.

Built on :mod:`argparse`, and importing neither asyncio nor the runtime, so that
``rapide --help`` and ``rapide check`` start about as fast as ``import pyrapide``.

Exit statuses (:mod:`rapide_shell.exit_status`): 0 success; 1 an ``expect`` failed,
or a bound the user set (``--timeout``, ``--max-steps``, ``run N``) ended a script
with work pending, or ``rapide check --strict`` found warnings; 2 a load error, a
script or command error, bad usage, or a write with no room left (a full disk); 3 a
start or finish hook raised or reached a limit, or a plugin failed as the session
started (``rapide run``, ``rapide repl``, ``rapide shell``); 130 interrupted (Ctrl-C);
141 what read the output closed it (``rapide lessons | head``), as after SIGPIPE.
``rapide repl`` and ``rapide shell``, which go on after an error, exit with the most
serious one their session met.
Errors are one line on stderr, made printable, never a traceback (set
``RAPIDE_DEBUG=1`` to see the traceback of an internal error).
``RAPIDE_IMPORT_TIMEOUT`` bounds the import of an architecture file (seconds, 60 by
default, 0 for no bound).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import sys
import threading
import traceback
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, NoReturn

from pyrapide.__about__ import __version__
from pyrapide.core.printable import printable
from pyrapide.runtime.watchdog import DEFAULT_HANDLER_TIMEOUT  # the runtime is not imported
from rapide_shell.error_output import fail as report_failure
from rapide_shell.error_output import print_json_failure
from rapide_shell.exit_status import (
    EXIT_ERROR,
    EXIT_EXPECTATION_FAILED,
    EXIT_INTERRUPTED,
    EndedBySignal,
)
from rapide_shell.suggestions import close_matches

if TYPE_CHECKING:
    from rapide_shell.address import Address
    from rapide_shell.commands.registry import CommandCatalog
    from rapide_shell.loader import LoadedArchitecture

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
"""Where ``serve`` and ``lessons --serve`` listen unless told: this machine only."""
SCRIPT_SPEED = 1.0
LESSON_SPEED = 1.5
"""Seconds between a played script's commands, and a lesson's (read at a class's pace)."""

EXPLORE_MAX_STEPS = 10_000
"""The default of ``explore --max-steps`` as help shows it: the explorer's
``DEFAULT_MAX_STEPS`` (not imported here, which would import the runtime; a test
keeps the two equal)."""
EXPLORE_MAX_FAILURES = 10
"""How many failing posets ``explore --all-failures`` shrinks and writes unless told
(``--max-failures``): a random search over many seeds may find dozens, each a file."""

def _session_options(options: argparse.Namespace) -> dict[str, Any]:
    """What ``run``, ``repl`` and ``shell`` pass alike to the session they open: the
    seed, the architecture, the recording, the handler budget and the ``--at`` point."""
    json_output = getattr(options, "json_output", False)
    at = _address(options.at, json_output=json_output)
    if at is not None and options.seed is not None:
        # It would only put a step of its own before the point, whose seed stays.
        raise fail(f"--seed and --at do not go together: the address holds its point's "
                   f"seed ({at.seed})", json_output=json_output)
    _not_the_script(options.record, getattr(options, "script", None), json_output=json_output)
    return {
        "seed": options.seed,
        "arch": options.arch,
        "record": options.record,
        "force_record": options.force_record,
        "handler_timeout": options.handler_timeout or None,
        "at": at,
    }


def _not_the_script(record: str | None, script: str | None, *, json_output: bool) -> None:
    """Refuse a recording over the script being played: its comments, narration and
    expectations would be replaced by what the session did."""
    from rapide_shell.recording import same_file

    if record is not None and script is not None and same_file(record, script):
        raise fail(f"--record {record} is the script: the recording would replace it",
                   json_output=json_output)


def _address(text: str | None, *, json_output: bool = False) -> Address | None:
    """The address ``--at`` gives, read before anything is loaded (exit 2 when it is not one)."""
    from rapide_shell.address import Address, AddressError

    if text is None:
        return None
    try:
        return Address.from_text(text)
    except AddressError as error:
        raise fail(f"--at: {error}", json_output=json_output) from None


class Exit(Exception):
    """Ends the command with exit status ``status``."""

    def __init__(self, status: int = 0) -> None:
        super().__init__(status)
        self.status = status


def fail(message: str, status: int = EXIT_ERROR, *, json_output: bool = False) -> Exit:
    """Print ``message`` as one line on stderr, made printable (and, for ``--json``, as
    the JSON answer on stdout, as a later error would be); the Exit (``status``, 2 by
    default) to raise."""
    return Exit(report_failure(message, json_output, status))


def headless(command: Coroutine[Any, Any, int], *, json_output: bool) -> Exit:
    """The Exit of a headless ``command`` (its exit status) run to its end. With
    ``--json``, a second Ctrl-C, which leaves at once, still leaves the one object on
    stdout that the command promises, saying so."""
    import asyncio

    try:
        return Exit(asyncio.run(command))
    except KeyboardInterrupt as error:
        if not json_output:
            raise  # said as every other interrupted command is
        if isinstance(error, EndedBySignal):
            return fail(error.reason, error.exit_status, json_output=True)
        return fail("interrupted", EXIT_INTERRUPTED, json_output=True)


def echo(text: str) -> None:
    """Print ``text`` (lines drawn from a user's file) made printable, line breaks kept."""
    print(printable(text, keep_newlines=True))


def _load(file: str, arch: str | None) -> LoadedArchitecture:
    from rapide_shell.loader import LoadError, load_architecture

    try:
        return load_architecture(file, arch=arch)
    except LoadError as error:
        raise fail(str(error), error.exit_status) from None


# -- the commands ------------------------------------------------------------------------


def run(options: argparse.Namespace) -> None:
    """Run a script of commands headless (from the point --at names, if given: with
    no script, show that point); exit 0 if every expect held, 1 if one failed or a
    bound (--timeout, --max-steps, `run N`, or the system's own max_events or
    max_connect_depth) ended it with work pending, 2 on a load or
    script error, an address that does not fit or a recording that could not be
    written, 3 when a start or finish hook raised or reached a limit (or a plugin
    failed at the start), 130 when interrupted (Ctrl-C)."""
    from rapide_shell.headless import run_headless

    if options.script is None and options.at is None:
        raise fail("run needs --script SCRIPT (the commands to run), or --at ADDRESS",
                   json_output=options.json_output)
    if options.timeout is not None and options.timeout <= 0:
        raise fail(f"--timeout must be more than 0 seconds, not {options.timeout:g}",
                   json_output=options.json_output)
    raise headless(
        run_headless(
            options.file,
            options.script,
            json_output=options.json_output,
            timeout=options.timeout,
            max_steps=options.max_steps,
            **_session_options(options),
        ),
        json_output=options.json_output,
    )


def explore(options: argparse.Namespace) -> None:
    """Run the script under many schedules and check its expectations and the
    architecture's constraints in each; exit 0 if they all held, 1 on a failure (its
    shrunk counterexample written as a script), 2 on a load, script or usage error,
    130 when interrupted first."""
    from pyrapide.exploration import DEFAULT_MAX_STEPS, ExploreOptions, Strategy, Timing
    from rapide_shell.explore_cli import ExploreRequest, run_explore
    from rapide_shell.explore_run import too_many_workers

    strategy, timing, json_output = options.strategy, options.timing, options.json_output
    refusal = None
    if strategy not in tuple(Strategy):
        refusal = f"unknown --strategy {strategy!r}: use dfs or random"
    elif timing not in tuple(Timing):
        refusal = f"unknown --timing {timing!r}: use free or logical"
    elif options.seeds is not None and strategy != Strategy.RANDOM:
        refusal = "--seeds is for --strategy random"
    elif options.no_prune and strategy == Strategy.RANDOM:
        # Pruning is the depth-first search's: a random walk has nothing it would prune.
        refusal = "--no-prune is for --strategy dfs: a random walk prunes nothing"
    elif options.max_failures is not None and not options.all_failures:
        refusal = "--max-failures is for --all-failures: without it the search stops at one"
    elif options.cluster is not None and options.workers != 1:
        refusal = "--workers and --cluster do not go together: a cluster has its own workers"
    elif (too_many := too_many_workers(options.workers)) is not None:
        refusal = f"--workers {options.workers}: {too_many}"
    if refusal is not None:
        raise fail(refusal, json_output=json_output)
    _not_stdin(options.script, json_output=json_output)
    explored = ExploreOptions(
        strategy=Strategy(strategy),
        max_schedules=options.max_schedules,
        seeds=_seeds(options.seeds, json_output) if options.seeds is not None else (0, 99),
        prune=not options.no_prune,
        timing=Timing(timing),
        all_failures=options.all_failures,
        max_steps=DEFAULT_MAX_STEPS if options.max_steps is None else options.max_steps,
        shrink=not options.no_shrink,
        max_failures=options.max_failures or EXPLORE_MAX_FAILURES,
    )
    request = ExploreRequest(
        file=options.file, script=options.script, options=explored, arch=options.arch,
        seed=options.seed, workers=options.workers, cluster=options.cluster, out=options.out,
        force=options.force, json_output=options.json_output,
        handler_timeout=options.handler_timeout or None,
    )
    raise headless(run_explore(request), json_output=json_output)


def _seeds(text: str, json_output: bool) -> tuple[int, int]:
    """``--seeds A..B`` as a pair; exit 2 when it is not a range."""
    from rapide_shell.exploring import seed_range

    try:
        return seed_range(text)
    except ValueError as error:
        raise fail(f"--seeds {error}", json_output=json_output) from None


def repl(options: argparse.Namespace) -> None:
    """Drive the architecture interactively, with completion and history. An error or
    a failed expect does not stop the session; the exit status sums it up with the
    meanings of `rapide run`, the most serious thing met first: 130 when a second Ctrl-C
    cut a command short or a Ctrl-C stopped an exploration before it found a failure;
    else 2 when a command could not be carried out (an unknown command, a pattern
    syntax error, ...), the file did not load or the recording could not be written;
    else 3 when a start or finish hook raised or reached a limit; else 1 when an expect
    failed (later ones that held change nothing) or an exploration found a failure;
    else 0, however the session is left (`quit`, Ctrl-D, the end of piped input). A
    `run N` that stops with work pending fails nothing here: the session goes on from
    it. Any status but 0 is explained by a line on stderr that names the lines (counted
    as entered)."""
    import asyncio

    from rapide_shell.repl import run_repl

    raise Exit(asyncio.run(run_repl(options.file, **_session_options(options))))


def shell(options: argparse.Namespace) -> None:
    """Open the Textual workbench on the architecture. It exits as `rapide repl` does
    for the same commands: the status sums up the session, the most serious thing met
    first: 130 when a second Ctrl-C cut a command short (a `wait`) or
    stopped an exploration before it found a failure; else 2 when a command could not
    be carried out, the file did not load or the recording could not be written; else
    3 when a start or finish hook raised or reached a limit; else 1 when an expect
    failed (later ones that held change nothing) or an exploration found a failure;
    else 0, however the workbench is left (Ctrl-Q, `quit`, Ctrl-C twice with nothing
    under way). The lines of a --script count as they are numbered in its file, the
    lines entered after it (typed, pasted, or sent by a key such as F2) as they come;
    a `run N` that stops the script with work pending fails nothing, nor does a first
    Ctrl-C, which stops it after its line in progress: the session is yours from there
    (`resume` plays the rest).
    Once the screen is gone, the terminal shows what the hooks reported and a line on
    stderr explains any status but 0."""
    _open_workbench(
        options.file,
        script=options.script,
        speed=_script_speed(options),
        start=_script_start(options),
        screenshots=options.screenshots,
        **_session_options(options),
    )


def _open_workbench(
    file: str,
    *,
    seed: int | None = None,
    arch: str | None = None,
    script: str | None = None,
    speed: float = 1.0,
    start: str | None = None,
    start_in: str | None = None,
    record: str | None = None,
    force_record: bool = False,
    handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
    screenshots: str | None = None,
    at: Address | None = None,
) -> None:
    from rapide_shell.tui.collector import first_frame_shown, hold_until_first_frame

    # Everything made from here to the first frame stays: the collector is off until then.
    hold_until_first_frame()
    import asyncio

    from rapide_shell.loader import LoadError
    from rapide_shell.tui.app import run_shell

    try:
        start_line = _check_script(script, start, start_in)  # before the screen opens
        status = asyncio.run(
            run_shell(
                file,
                arch=arch,
                seed=seed,
                script=script,
                speed=speed,
                start=start_line,
                record=record,
                force_record=force_record,
                handler_timeout=handler_timeout,
                screenshots=screenshots,
                at=at,
            )
        )
    except LoadError as error:
        raise fail(str(error), error.exit_status) from None
    finally:
        first_frame_shown()  # if the app never showed one
    raise Exit(status)


def serve(options: argparse.Namespace) -> None:
    """Serve the workbench to web browsers, one session per tab, until Ctrl-C."""
    _serve(
        options.file,
        *_listening(options),
        script=options.script,
        speed=_script_speed(options),
        start=_script_start(options),
        seed=options.seed,
        arch=options.arch,
    )


def _listening(options: argparse.Namespace) -> tuple[str, int]:
    """The host and port ``--host`` and ``--port`` name, or the defaults."""
    host = DEFAULT_HOST if options.host is None else options.host
    if not host.strip():  # an unset variable (--host "$HOST"): not a silent "every address"
        raise fail(f"--host needs an address: {DEFAULT_HOST} (the default) for this machine "
                   "only, 0.0.0.0 for every one")
    return host, DEFAULT_PORT if options.port is None else options.port


def _script_start(options: argparse.Namespace) -> str | None:
    """Where ``--from`` starts ``--script``, refused without one (exit 2)."""
    start: str | None = options.start
    if start is not None and options.script is None:
        raise fail("--from is for --script: it is where the script starts playing")
    return start


def _script_speed(options: argparse.Namespace) -> float:
    """The pace ``--speed`` sets for ``--script``, refused without one (exit 2)."""
    if options.speed is None:
        return SCRIPT_SPEED
    if options.script is None:
        raise fail("--speed is for --script: it is the pace of a script played in the workbench")
    return float(options.speed)


def _serve(
    file: str,
    host: str,
    port: int,
    *,
    script: str | None,
    speed: float,
    start: str | None = None,
    start_in: str | None = None,
    seed: int | None = None,
    arch: str | None = None,
) -> None:
    try:
        from rapide_shell.serve import bind_error_text, serve_workbench, url_of
    except ImportError as error:
        if (error.name or "").partition(".")[0] not in ("textual_serve", "aiohttp"):
            raise
        raise fail(
            "serve needs textual-serve, which is not installed: pip install 'pyrapide[serve]'"
        ) from None

    # Refused here, once, rather than as a broken page in every tab.
    _load(file, arch)
    start_line = _check_script(script, start, start_in)
    if script is not None:
        _check_script_parses(script)
    try:
        serve_workbench(
            file, host=host, port=port, seed=seed, arch=arch, script=script, speed=speed,
            start=start_line,
        )
    except OSError as error:
        raise fail(f"cannot serve at {url_of(host, port)}: {bind_error_text(error)}") from None
    sys.stderr.write("rapide serve: stopped\n")


def lessons(options: argparse.Namespace) -> None:
    """List the lessons, or play one in the workbench at a readable pace (from a part
    of it with --from; after a Ctrl-C, `resume` plays the rest)."""
    from rapide_shell.lessons import LessonNotFound, find_lesson, find_lessons, lessons_listing

    # An option that would be passed over is refused: a presenter who forgot --serve
    # would get a workbench in the terminal while the class waits at the address.
    given = [name for name, value in (("--serve", options.serve or None),
                                      ("--speed", options.speed), ("--from", options.start),
                                      ("--host", options.host), ("--port", options.port))
             if value is not None]
    if options.name is None:
        if given:
            raise fail(f"{given[0]} is for playing a lesson: name one (`rapide lessons` "
                       "lists them)")
        from rapide_shell.render import terminal_console

        # A terminal's width; piped (to grep, to a file), each row or paragraph whole.
        console = terminal_console(highlight=False, width=None if sys.stdout.isatty() else 10_000)
        for renderable in lessons_listing(find_lessons()):
            console.print(renderable, crop=False)
        return
    serving = [name for name in given if name in ("--host", "--port")]
    if serving and not options.serve:
        raise fail(f"{serving[0]} is for --serve: without it the lesson plays here, in this "
                   "terminal")
    try:
        lesson = find_lesson(options.name)
    except LessonNotFound as error:
        raise fail(str(error)) from None
    file, script = str(lesson.architecture), str(lesson.script)
    speed = LESSON_SPEED if options.speed is None else options.speed
    start, named = options.start, f"the lesson {lesson.name}"  # as --from's errors call it
    if options.serve:
        _serve(file, *_listening(options), script=script, speed=speed, start=start,
               start_in=named)
    else:
        _open_workbench(file, script=script, speed=speed, start=start, start_in=named)


def _check_script(
    script: str | None, start: str | None = None, start_in: str | None = None
) -> int:
    """The checks and messages of `rapide run` for a script to play (exit 2 if bad), and
    the line ``start`` (``--from``) names in it (1 without one); ``start_in`` is what a
    message calls the script (default: its path)."""
    _not_stdin(script)
    if script is None:
        return 1  # the shell opened without a script does not load what reads one
    from rapide_shell.script import ScriptFileError, read_script
    from rapide_shell.script_parts import StartError, start_line

    try:
        lines = read_script(script)
    except ScriptFileError as error:
        raise fail(str(error)) from None
    if start is None:
        return 1
    try:
        return start_line(lines, start, start_in or script)
    except StartError as error:
        raise fail(f"--from {printable(start)}: {error}") from None


def _check_script_parses(script: str) -> None:
    """Refuse (exit 2) a script with a line the workbench could not parse, naming the
    line, as `rapide run` does before it runs anything. Served, each tab would stop at
    that line, saying so where only the class reads it, while the server's terminal
    said nothing.

    The lines are parsed as a tab's workbench parses them: its commands are the
    built-in ones, the installed plugins' (``timeline``) and the TUI's own. When an
    installed plugin could not add its commands (a tab says why as it opens), a line
    whose command is not known is let through: it may be that plugin's."""
    from rapide_shell.commands.errors import CommandError
    from rapide_shell.commands.parser import parse_command
    from rapide_shell.script import read_script

    catalog, complete = _workbench_catalog()
    for line in read_script(script):
        if not line.is_command:
            continue
        try:
            command = parse_command(line.text, catalog)
        except CommandError as error:
            if not complete and line.text.split()[0] not in catalog:
                continue
            raise fail(f"{script}:{line.number}: {error.describe()} (checked before "
                       "serving: nothing was served)") from None
        except Exception:  # a plugin's parser that fails: the tab reports it
            continue
        if command is not None and command.name == "quit":
            return  # what follows is never played


def _workbench_catalog() -> tuple[CommandCatalog, bool]:
    """The commands of a tab's workbench, made without a session (none of them runs
    here), and whether every installed plugin added its own."""
    from rapide_shell.commands.registry import CommandCatalog
    from rapide_shell.explorations import EXPLORE, parse_explore
    from rapide_shell.outcome import CommandOutcome
    from rapide_shell.plugins import plugin_manager, register_installed
    from rapide_shell.tui.screen_commands import RESUME, SCREENSHOT, ZOOM

    async def never_run(*_: object) -> CommandOutcome:
        raise NotImplementedError  # pragma: no cover - only parsed here

    catalog = CommandCatalog()
    manager = plugin_manager()
    manager.hook.rapide_add_commands.call_historic(kwargs={"catalog": catalog, "session": None})
    problems = register_installed(manager)
    for spec in (SCREENSHOT, ZOOM, RESUME):
        catalog.register(spec, never_run)
    catalog.register(EXPLORE, never_run, parse=parse_explore)
    return catalog, not problems


def _not_stdin(script: str | None, *, json_output: bool = False) -> None:
    """Refuse ``-`` (the standard input) as the script of a command that cannot take
    it: the workbench reads its keys there, and explore reads the script again."""
    from rapide_shell.script_file import STDIN

    if script == STDIN:
        raise fail(
            "--script - (read from the standard input) is for rapide run; give a script file",
            json_output=json_output,
        )


def graph(options: argparse.Namespace) -> None:
    """Print the architecture's components and connections as text, DOT or Mermaid."""
    from rapide_shell import architecture_text
    from rapide_shell.error_output import prints_to_stderr

    renderers = {
        "text": architecture_text.graph_text,
        "dot": architecture_text.graph_dot,
        "mermaid": architecture_text.graph_mermaid,
    }
    if options.format not in renderers:
        raise fail(f"unknown format {options.format!r}: use text, dot or mermaid")
    with prints_to_stderr():  # what the file prints as it is imported: stdout is the drawing
        loaded = _load(options.file, options.arch)
    echo(renderers[options.format](loaded.description))


def check(options: argparse.Namespace) -> None:
    """Load and validate the architecture: components, connections, bindings, warnings;
    exit 0 when it loads and binds (1 with --strict when there are warnings), 2 when it
    does not."""
    from rapide_shell.architecture_check import check_architecture
    from rapide_shell.looks import architecture_counts, counted

    loaded = _load(options.file, options.arch)
    report = check_architecture(loaded)
    echo(report.summary)
    counts = architecture_counts(loaded.description)
    warnings = counted(len(report.warnings), "warning")
    # One line each, the names in them escaped.
    lines = [f"warning: {printable(warning)}" for warning in report.warnings]
    lines.append(printable(f"{loaded.path}: {loaded.name} loads and binds ({counts}); {warnings}"))
    if sys.stdout.isatty():
        # Broken between words at the terminal's width (the terminal would cut a word),
        # a long line going on set in; piped, one line each, for grep, and Rich is not
        # imported (check is quick to start: see benchmarks/bench_startup.py).
        from rapide_shell.render import Hanging, note, terminal_console

        console = terminal_console(highlight=False)
        for line in lines:
            console.print(Hanging(note(line)))
    else:
        for line in lines:
            echo(line)
    if options.strict and report.warnings:
        raise fail(f"{warnings}, and --strict fails on any", EXIT_EXPECTATION_FAILED)


# -- the parser --------------------------------------------------------------------------


def _number(
    kind: Callable[[str], Any], what: str, low: float, high: float | None = None
) -> Callable[[str], Any]:
    """An argument type: a ``kind`` (int or float) from ``low`` to ``high``."""

    def convert(text: str) -> Any:
        digits = text.removeprefix("-")
        if kind is int and not (digits.isascii() and digits.isdigit()):
            # As the command language reads a number (`seed 7`, `step 3`): int() also
            # takes `+5`, `1_000`, ` 7` and the digits of other scripts (`٣`).
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        try:
            value = kind(text)
        except ValueError:
            from pyrapide.core.values import too_many_digits  # int() reads only so many

            raise argparse.ArgumentTypeError(
                too_many_digits(text) or f"{text!r} is not {what}"
            ) from None
        if value != value:  # NaN, which float() reads and no bound compares against
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        if value < low or (high is not None and value > high):
            bounds = f"at least {low:g}" if high is None else f"from {low:g} to {high:g}"
            raise argparse.ArgumentTypeError(f"{text} is not {bounds}")
        return value

    return convert


_SECONDS = _number(float, "a number of seconds", 0.0)
_ANY_SECONDS = _number(float, "a number of seconds", float("-inf"))
"""``--timeout``: any number, read as seconds; ``run`` refuses one of 0 or less in one
message ("must be more than 0 seconds"), where "-1 is not at least 0" would say that
0 does."""
_PACE = _number(float, "a number of seconds", 0.0, 60.0)
"""``--speed``: at most a minute between a played script's commands, as ``run --every``
waits at most between steps (``inf`` would stop the script where it began)."""


def _path(text: str) -> str:
    """An argument type: a path, which an empty word is not (Python reads it as the
    current directory, and the error would name a directory the user never wrote)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path (is the shell variable set?)")
    return text


def _file_path(text: str) -> str:
    """An argument type: a path a file is written at, which one that can only name a
    folder is not (``runs/``, read as a path, is ``runs``, and a file of that name was
    written)."""
    from pyrapide.core.atomic import NAMES_A_FOLDER, names_a_folder

    if names_a_folder(_path(text)):
        raise argparse.ArgumentTypeError(f"{text}: {NAMES_A_FOLDER}")
    return text


def _add_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", type=_path, metavar="FILE", help="The architecture file (Python)."
    )


def _add_arch(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--arch", metavar="NAME", help="Which architecture or System, when the file has several."
    )


def _add_seed(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seed", type=_number(int, "a whole number", -(2**63)), metavar="N",
        help="The seed that orders agent deliveries (default 0).",
    )


def _add_recording(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--record", type=_file_path, metavar="OUT",
        help="Write what is done as a script that `rapide run` replays.",
    )
    parser.add_argument(
        "--force-record", action="store_true",
        help="Let --record replace a symbolic link, FIFO, device or read-only file at OUT.",
    )


def _add_handler_timeout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--handler-timeout", type=_SECONDS, default=DEFAULT_HANDLER_TIMEOUT, metavar="SECONDS",
        help="Stop a handler that keeps control this long without awaiting (0: never; "
        f"default {DEFAULT_HANDLER_TIMEOUT:g}).",
    )


def _add_from(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--from", dest="start", metavar="PART",
        help=f"Start {what} at this part (a `wait` ends each; line:N, at line N), replaying "
        "the lines before it quickly, so the run is where they would have brought it.",
    )


def _add_play(parser: argparse.ArgumentParser, speed_help: str) -> None:
    parser.add_argument(
        "--script", "-s", type=_path, metavar="SCRIPT",
        help="Play this script visibly, then hand over (Ctrl-C takes over sooner)."
    )
    parser.add_argument(
        "--speed", type=_PACE, metavar="SECONDS",
        help=f"{speed_help} (default {SCRIPT_SPEED:g}).",
    )
    _add_from(parser, "the script")


def _add_at(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--at", metavar="ADDRESS",
        help="Start at the point this address names (as `where` prints it).",
    )


def _add_address(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", metavar="ADDRESS",
        help="Where to listen; any address but this machine's own lets others in "
        f"(default {DEFAULT_HOST}).",
    )
    parser.add_argument(
        "--port", type=_number(int, "a port number", 1, 65535), metavar="PORT",
        help=f"The port to listen on (default {DEFAULT_PORT}).",
    )


class _StoreOnce(argparse._StoreAction):
    """An option that takes one value, refused when given a second time: argparse keeps
    the last and drops the other unsaid (``run f.py -s a.rapide -s b.rapide`` ran b
    alone, and a's expectations were never checked)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        given = getattr(parser, "given", None)
        if self.option_strings and isinstance(given, set):
            if self.dest in given:
                names = "/".join(self.option_strings)
                parser.error(f"argument {names}: given more than once; it takes one")
            given.add(self.dest)
        super().__call__(parser, namespace, values, option_string)


class _CommandParser(argparse.ArgumentParser):
    """The parser of one command. It refuses an argument it does not know itself, so the
    error shows this command's usage and names the argument: argparse would hand it back
    up, to be refused with ``rapide``'s usage, which does not say what the command takes.

    A command that takes ``--json`` and is given it answers a usage error in JSON on
    stdout too, as it answers every later error (argparse says it on stderr and exits
    2); to one that does not (``check FILE --json``) ``--json`` is only the error."""

    json_asked = False
    """Whether the arguments being parsed ask this command for a JSON answer."""
    arguments: list[str] = []
    """The arguments being parsed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)
        self.given: set[str] = set()
        """The options that take one value given so far in the arguments being parsed."""

    def parse_known_args(  # type: ignore[override]  # typeshed's overloads
        self, args: Any = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        takes_json = self.get_default("json_output") is not None
        self.json_asked = takes_json and "--json" in (args or ())
        self.given = set()
        self.arguments = [str(argument) for argument in args or ()]
        options, unknown = super().parse_known_args(args, namespace)
        if unknown:
            self.error(f"unrecognized arguments: {' '.join(unknown)}{self._suggested(unknown)}")
        return options, unknown

    def _suggested(self, unknown: list[str]) -> str:
        """The options of this command close to the first unknown one (``--scirpt``,
        ``--seeds`` to ``run``), as a hint: argparse names the unknown option only."""
        given = next((word for word in unknown if word.startswith("--")), None)
        if given is None:
            return ""
        # Compared without their dashes, which every one shares: --bogus is not --host.
        options = [name[2:] for name in self._option_string_actions if name.startswith("--")]
        close = close_matches(given.split("=", 1)[0][2:], options, limit=2)
        return f" (did you mean {' or '.join('--' + name for name in close)}?)" if close else ""

    def error(self, message: str) -> NoReturn:
        # A file whose name starts with a dash is read as an option; argparse then says
        # that FILE is missing, or that the option is unknown, without a word on why.
        dashed = [a for a in self.arguments if a.startswith("-") and os.path.lexists(a)]
        if dashed and not dashed[0].startswith("--"):
            file = printable(dashed[0])
            message += f" ({file} is read as an option: write ./{file} for the file)"
        if self.json_asked:
            print_json_failure(message, EXIT_ERROR)
        super().error(message)


def _command(
    commands: Any, function: Callable[[argparse.Namespace], None]
) -> argparse.ArgumentParser:
    """A subcommand named after ``function``, its help the function's docstring."""
    doc = function.__doc__ or ""
    parser: argparse.ArgumentParser = commands.add_parser(
        function.__name__, help=doc.split(".")[0].replace("\n", " ") + ".", description=doc
    )
    parser.set_defaults(action=function)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``rapide`` command line, with a subparser per command."""
    parser = argparse.ArgumentParser(
        prog="rapide", description="Model, run and understand causal event-driven architectures."
    )
    parser.add_argument(
        "--version", action="version", version=f"rapide {__version__}", help="Print the version."
    )
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", parser_class=_CommandParser
    )

    command = _command(commands, run)
    _add_file(command)
    command.add_argument(
        "--script", "-s", type=_path, metavar="SCRIPT",
        help="The script of commands to run (- reads it from the standard input)."
    )
    _add_seed(command)
    command.add_argument(
        "--json", dest="json_output", action="store_true",
        help="Print one JSON object of results, no transcript.",
    )
    _add_arch(command)
    _add_recording(command)
    command.add_argument(
        "--timeout", type=_ANY_SECONDS, metavar="SECONDS",
        help="End the script after this many seconds of wall time (exit 1).",
    )
    command.add_argument(
        "--max-steps", type=_number(int, "a whole number", 1), metavar="N",
        help="Let every step and run of the script take N steps in all (exit 1 beyond).",
    )
    _add_handler_timeout(command)
    _add_at(command)

    command = _command(commands, explore)
    _add_file(command)
    command.add_argument(
        "--script", "-s", type=_path, metavar="SCRIPT", required=True,
        help="The scenario: its injections, `run` lines and expectations.",
    )
    command.add_argument(
        "--strategy", default="dfs", metavar="dfs|random",
        help="Every schedule, depth first (dfs), or one random walk per seed (default dfs).",
    )
    command.add_argument(
        "--seeds", metavar="A..B",
        help="The seeds of the random strategy, both ends included (0..99).",
    )
    command.add_argument(
        "--max-schedules", type=_number(int, "a whole number", 1), metavar="N",
        help="Stop after N schedules (default: until the space is exhausted).",
    )
    command.add_argument(
        "--no-prune", action="store_true",
        help="Try every order, even of steps that cannot change the poset (dfs only).",
    )
    command.add_argument(
        "--timing", default="free", metavar="free|logical",
        help="free: a wake-up may come before any step; logical: in time order "
        "(default free).",
    )
    command.add_argument(
        "--all-failures", action="store_true",
        help="Go on after a failure: one counterexample per failing poset (the first "
        "--max-failures of them).",
    )
    command.add_argument(
        "--max-failures", type=_number(int, "a whole number", 1), metavar="N",
        help="With --all-failures: shrink and write the counterexamples of the first N "
        f"failing posets; the rest are counted (default {EXPLORE_MAX_FAILURES}).",
    )
    command.add_argument(
        "--workers", type=_number(int, "a whole number", 1), default=1, metavar="N",
        help="Run on N local processes, at most 4 for each CPU (default 1).",
    )
    command.add_argument(
        "--cluster", metavar="ADDRESS",
        help="Run on the Dask cluster at ADDRESS (pip install 'pyrapide[cluster]').",
    )
    command.add_argument(
        "--out", type=_file_path, metavar="FILE",
        help="Where the counterexample goes (default: SCRIPT's name.counterexample.rapide).",
    )
    command.add_argument(
        "--force", action="store_true", help="Let --out replace a link, FIFO or read-only file."
    )
    command.add_argument(
        "--max-steps", type=_number(int, "a whole number", 1), metavar="N",
        help="A run that takes more steps than this fails: it never goes quiet "
        f"(default {EXPLORE_MAX_STEPS:,}).",
    )
    command.add_argument(
        "--no-shrink", action="store_true", help="Write counterexamples as found, unshrunk."
    )
    command.add_argument(
        "--json", dest="json_output", action="store_true",
        help="Print one JSON object of results.",
    )
    _add_seed(command)
    _add_arch(command)
    _add_handler_timeout(command)

    command = _command(commands, repl)
    _add_file(command)
    _add_seed(command)
    _add_arch(command)
    _add_recording(command)
    _add_handler_timeout(command)
    _add_at(command)

    command = _command(commands, shell)
    _add_file(command)
    _add_seed(command)
    _add_arch(command)
    _add_play(command, "Seconds between the script's commands")
    _add_recording(command)
    _add_handler_timeout(command)
    _add_at(command)
    command.add_argument(
        "--screenshots", metavar="DIR",
        help="Where F12 saves SVG pictures (default: $RAPIDE_SCREENSHOTS, else "
        "'rapide' in your pictures folder).",
    )

    command = _command(commands, serve)
    _add_file(command)
    _add_address(command)
    _add_play(command, "Seconds between the script's commands")
    _add_seed(command)
    _add_arch(command)

    command = _command(commands, lessons)
    command.add_argument(
        "name", nargs="?", metavar="NAME", help="The lesson to play: its name or number."
    )
    command.add_argument(
        "--speed", type=_PACE, metavar="SECONDS",
        help=f"Seconds between the lesson's commands (default {LESSON_SPEED:g}).",
    )
    _add_from(command, "the lesson")
    command.add_argument(
        "--serve", action="store_true",
        help="Serve the lesson to web browsers instead (see `serve`).",
    )
    _add_address(command)

    command = _command(commands, graph)
    _add_file(command)
    command.add_argument(
        "--format", "-f", default="text", metavar="FORMAT", help="text, dot or mermaid."
    )
    _add_arch(command)

    command = _command(commands, check)
    _add_file(command)
    _add_arch(command)
    command.add_argument(
        "--strict", action="store_true",
        help="Exit 1 when there are warnings (for CI: a warning fails the build).",
    )
    return parser


_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""The errors of a write that found no room: a full disk, a quota, a file size limit."""


def _closed_streams_made_nowhere() -> None:
    """A standard output or error the shell closed (``>&-``) made /dev/null, which is
    how Python's own ``print`` takes it: the command runs, and its exit status still
    says how it went, where the first write would have ended it with a fault."""
    from rapide_shell.std_streams import STREAMS, stream_on

    for name, descriptor in STREAMS:
        if getattr(sys, name) is None:
            stream_on(name, descriptor)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``rapide`` console script."""
    _closed_streams_made_nowhere()
    parser = build_parser()
    # An output that cannot write every character (PYTHONIOENCODING=ascii, an old
    # console) gets what it cannot write as escapes, as stderr does, not an error.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        options = parser.parse_args(sys.argv[1:] if argv is None else argv)
        action = getattr(options, "action", None)
        if action is None:  # no command: what there is to do
            parser.print_help(sys.stderr)
            sys.exit(EXIT_ERROR)
        action(options)
    except Exit as done:
        _leave(action, done.status)
    except KeyboardInterrupt as error:
        if isinstance(error, EndedBySignal):  # its session closed on the way here
            with contextlib.suppress(OSError):  # a terminal gone (SIGHUP) takes nothing
                sys.stderr.write(f"rapide: exit status {error.exit_status}: {error.reason}\n")
            sys.exit(error.exit_status)
        sys.stderr.write("rapide: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # What reads the output went away (``rapide lessons | head``): stop quietly, as
        # a command killed by SIGPIPE does, without a second error as Python flushes.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except Exception as error:
        if isinstance(error, OSError) and error.errno in _NO_ROOM:
            # A write with no room left (a full disk, >/dev/full): the user's to mend.
            # The output that could not be written is dropped, not tried again at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            where = "the output" if error.filename is None else printable(str(error.filename))
            sys.stderr.write(f"rapide: cannot write {where}: {error.strerror}\n")
            sys.exit(EXIT_ERROR)
        # A bug of ours, not the user's: one line, and the traceback on request.
        if os.environ.get("RAPIDE_DEBUG"):
            traceback.print_exc()
        detail = json.dumps(str(error))[1:-1]
        sys.stderr.write(
            f"rapide: internal error: {type(error).__name__}: {detail} "
            "(set RAPIDE_DEBUG=1 for the traceback)\n"
        )
        sys.exit(EXIT_ERROR)
    _leave(action, 0)


def _leave(action: object, status: int) -> NoReturn:
    """Exit with ``status``. The work of ``check``, ``graph`` and ``run`` is done once
    they return, but a thread the architecture's code started and left running (a
    client library's, started as the file was imported) would keep the process alive
    for ever: the output is flushed and the process ends without waiting for it,
    saying so."""
    if action in (check, graph, run):
        from rapide_shell.looks import counted

        main_thread = threading.main_thread()
        left = [thread.name for thread in threading.enumerate()
                if thread is not main_thread and not thread.daemon and thread.is_alive()]
        if left:
            sys.stdout.flush()
            sys.stderr.write(
                f"rapide: not waiting for the {counted(len(left), 'thread')} the "
                f"architecture's code left running ({printable(', '.join(left))})\n"
            )
            sys.stderr.flush()
            os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    main()

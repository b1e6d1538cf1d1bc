"""The ``rapide`` command line (Typer); each front end is imported only inside its command.

Exit statuses: 0 success; 1 an ``expect`` of a script failed, or a bound the user set
(``--timeout``, ``--max-steps``, ``run N``) ended it with work pending; 2 a load error,
a script error or bad usage; 130 interrupted (Ctrl-C). Errors are one line on stderr, made
printable, never a traceback (set ``RAPIDE_DEBUG=1`` to see the traceback of an
internal error). ``RAPIDE_IMPORT_TIMEOUT`` bounds the import of an architecture file
(seconds, 60 by default, 0 for no bound).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import traceback
from typing import TYPE_CHECKING, Annotated

import typer

from pyrapide.__about__ import __version__
from pyrapide.core.printable import printable
from pyrapide.exploration.options import DEFAULT_MAX_STEPS
from pyrapide.runtime.watchdog import DEFAULT_HANDLER_TIMEOUT

if TYPE_CHECKING:
    from rapide_shell.address import Address
    from rapide_shell.loader import LoadedArchitecture

app = typer.Typer(
    name="rapide",
    help="Model, run and understand causal event-driven architectures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_ERROR = 2

FileArgument = Annotated[
    str, typer.Argument(metavar="FILE", help="The architecture file (Python).")
]
ArchOption = Annotated[
    str | None,
    typer.Option(
        "--arch", metavar="NAME", help="Which architecture or System, when the file has several."
    ),
]
SeedOption = Annotated[
    int | None,
    typer.Option("--seed", metavar="N", help="The seed that orders agent deliveries (default 0)."),
]
PlayScriptOption = Annotated[
    str | None,
    typer.Option(
        "--script", "-s", metavar="SCRIPT", help="Play this script visibly, then hand over."
    ),
]
SpeedOption = Annotated[
    float,
    typer.Option(
        "--speed", min=0.0, metavar="SECONDS", help="Seconds between the script's commands."
    ),
]
RecordOption = Annotated[
    str | None,
    typer.Option(
        "--record", metavar="OUT", help="Write what is done as a script that `rapide run` replays."
    ),
]
HandlerTimeoutOption = Annotated[
    float,
    typer.Option(
        "--handler-timeout",
        min=0.0,
        metavar="SECONDS",
        help="Stop a handler that keeps control this long without awaiting (0: never).",
    ),
]
ForceRecordOption = Annotated[
    bool,
    typer.Option(
        "--force-record",
        help="Let --record replace a symbolic link, FIFO, device or read-only file at OUT.",
    ),
]

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="ADDRESS",
        help="Start at the point this address names (as `where` prints it).",
    ),
]


def _address(text: str | None) -> Address | None:
    """The address ``--at`` gives, read before anything is loaded (exit 2 when it is not one)."""
    from rapide_shell.address import Address, AddressError

    if text is None:
        return None
    try:
        return Address.from_text(text)
    except AddressError as error:
        raise fail(f"--at: {error}") from None


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"rapide {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Model, run and understand causal event-driven architectures."""


def fail(message: str, status: int = EXIT_ERROR) -> typer.Exit:
    """Print ``message`` as one line on stderr, made printable; the Exit (``status``, 2
    by default) to raise."""
    typer.echo(f"rapide: {printable(message)}", err=True)
    return typer.Exit(status)


def echo(text: str) -> None:
    """Print ``text`` (lines drawn from a user's file) made printable, line breaks kept."""
    typer.echo(printable(text, keep_newlines=True))


def _load(file: str, arch: str | None) -> LoadedArchitecture:
    from rapide_shell.loader import LoadError, load_architecture

    try:
        return load_architecture(file, arch=arch)
    except LoadError as error:
        raise fail(str(error), error.exit_status) from None


@app.command()
def run(
    file: FileArgument,
    script: Annotated[
        str | None,
        typer.Option("--script", "-s", metavar="SCRIPT", help="The script of commands to run."),
    ] = None,
    seed: SeedOption = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object of results, no transcript.")
    ] = False,
    arch: ArchOption = None,
    record: RecordOption = None,
    force_record: ForceRecordOption = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0.0,
            metavar="SECONDS",
            help="End the script after this many seconds of wall time (exit 1).",
        ),
    ] = None,
    max_steps: Annotated[
        int | None,
        typer.Option(
            "--max-steps",
            min=1,
            metavar="N",
            help="Let every step and run of the script take N steps in all (exit 1 beyond).",
        ),
    ] = None,
    handler_timeout: HandlerTimeoutOption = DEFAULT_HANDLER_TIMEOUT,
    at: AtOption = None,
) -> None:
    """Run a script of commands headless (from the point --at names, if given: with
    no script, show that point); exit 0 if every expect held, 1 if one failed or a
    bound (--timeout, --max-steps, `run N`) ended it with work pending, 2 on a load or
    script error or an address that does not fit, 130 when interrupted (Ctrl-C)."""
    from rapide_shell.headless import run_headless

    if script is None and at is None:
        raise fail("run needs --script SCRIPT (the commands to run), or --at ADDRESS")
    if timeout is not None and timeout <= 0:
        raise fail(f"--timeout must be more than 0 seconds, not {timeout:g}")
    raise typer.Exit(
        asyncio.run(
            run_headless(
                file,
                script,
                seed=seed,
                json_output=json_output,
                arch=arch,
                record=record,
                force_record=force_record,
                timeout=timeout,
                max_steps=max_steps,
                handler_timeout=handler_timeout or None,
                at=_address(at),
            )
        )
    )


@app.command()
def explore(
    file: FileArgument,
    script: Annotated[
        str,
        typer.Option(
            "--script", "-s", metavar="SCRIPT",
            help="The scenario: its injections, `run` lines and expectations.",
        ),
    ],
    strategy: Annotated[
        str,
        typer.Option("--strategy", metavar="dfs|random",
                     help="Every schedule, depth first (dfs), or one random walk per seed."),
    ] = "dfs",
    seeds: Annotated[
        str | None,
        typer.Option("--seeds", metavar="A..B",
                     help="The seeds of the random strategy, both ends included (0..99)."),
    ] = None,
    max_schedules: Annotated[
        int | None,
        typer.Option("--max-schedules", min=1, metavar="N",
                     help="Stop after N schedules (default: until the space is exhausted)."),
    ] = None,
    no_prune: Annotated[
        bool,
        typer.Option("--no-prune",
                     help="Try every order, even of steps that cannot change the poset."),
    ] = False,
    timing: Annotated[
        str,
        typer.Option("--timing", metavar="free|logical",
                     help="free: a wake-up may come before any step; logical: in time order."),
    ] = "free",
    all_failures: Annotated[
        bool,
        typer.Option("--all-failures",
                     help="Go on after a failure: one counterexample per failing poset."),
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, metavar="N", help="Run on N local processes.")
    ] = 1,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", metavar="ADDRESS",
                     # Brackets escaped: the help is Rich markup.
                     help="Run on the Dask cluster at ADDRESS "
                     "(pip install 'pyrapide\\[cluster]')."),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option("--out", metavar="FILE",
                     help="Where the counterexample goes "
                     "(default: SCRIPT's name.counterexample.rapide)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Let --out replace a link, FIFO or read-only file.")
    ] = False,
    max_steps: Annotated[
        int,
        typer.Option("--max-steps", min=1, metavar="N",
                     help="A run that takes more steps than this fails (it never goes quiet)."),
    ] = DEFAULT_MAX_STEPS,
    no_shrink: Annotated[
        bool, typer.Option("--no-shrink", help="Write counterexamples as found, unshrunk.")
    ] = False,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object of results.")
    ] = False,
    seed: SeedOption = None,
    arch: ArchOption = None,
    handler_timeout: HandlerTimeoutOption = DEFAULT_HANDLER_TIMEOUT,
) -> None:
    """Run the script under many schedules and check its expectations and the
    architecture's constraints in each; exit 0 if they all held, 1 on a failure (its
    shrunk counterexample written as a script), 2 on a load, script or usage error,
    130 when interrupted first."""
    from pyrapide.exploration import ExploreOptions, Strategy, Timing
    from rapide_shell.explore_cli import ExploreRequest, run_explore

    if strategy not in tuple(Strategy):
        raise fail(f"unknown --strategy {strategy!r}: use dfs or random")
    if timing not in tuple(Timing):
        raise fail(f"unknown --timing {timing!r}: use free or logical")
    if seeds is not None and strategy != Strategy.RANDOM:
        raise fail("--seeds is for --strategy random")
    if cluster is not None and workers != 1:
        raise fail("--workers and --cluster do not go together: a cluster has its own workers")
    options = ExploreOptions(
        strategy=Strategy(strategy),
        max_schedules=max_schedules,
        seeds=_seeds(seeds) if seeds is not None else (0, 99),
        prune=not no_prune,
        timing=Timing(timing),
        all_failures=all_failures,
        max_steps=max_steps,
        shrink=not no_shrink,
    )
    request = ExploreRequest(
        file=file, script=script, options=options, arch=arch, seed=seed, workers=workers,
        cluster=cluster, out=out, force=force, json_output=json_output,
        handler_timeout=handler_timeout or None,
    )
    raise typer.Exit(asyncio.run(run_explore(request)))


def _seeds(text: str) -> tuple[int, int]:
    """``--seeds A..B`` as a pair; exit 2 when it is not a range."""
    from rapide_shell.exploring import seed_range

    try:
        return seed_range(text)
    except ValueError as error:
        raise fail(f"--seeds {error}") from None


@app.command()
def repl(
    file: FileArgument,
    seed: SeedOption = None,
    arch: ArchOption = None,
    record: RecordOption = None,
    force_record: ForceRecordOption = False,
    handler_timeout: HandlerTimeoutOption = DEFAULT_HANDLER_TIMEOUT,
    at: AtOption = None,
) -> None:
    """Drive the architecture interactively, with completion and history."""
    from rapide_shell.repl import run_repl

    address = _address(at)
    raise typer.Exit(
        asyncio.run(
            run_repl(
                file,
                seed=seed,
                arch=arch,
                record=record,
                force_record=force_record,
                handler_timeout=handler_timeout or None,
                at=address,
            )
        )
    )


ScreenshotsOption = Annotated[
    str | None,
    typer.Option(
        "--screenshots", metavar="DIR",
        help="Where F12 saves SVG pictures (default: $RAPIDE_SCREENSHOTS, else "
        "'rapide' in your pictures folder).",
    ),
]


@app.command()
def shell(
    file: FileArgument,
    seed: SeedOption = None,
    arch: ArchOption = None,
    script: PlayScriptOption = None,
    speed: SpeedOption = 1.0,
    record: RecordOption = None,
    force_record: ForceRecordOption = False,
    handler_timeout: HandlerTimeoutOption = DEFAULT_HANDLER_TIMEOUT,
    screenshots: ScreenshotsOption = None,
    at: AtOption = None,
) -> None:
    """Open the Textual workbench on the architecture."""
    _open_workbench(
        file,
        seed=seed,
        arch=arch,
        script=script,
        speed=speed,
        record=record,
        force_record=force_record,
        handler_timeout=handler_timeout or None,
        screenshots=screenshots,
        at=_address(at),
    )


def _open_workbench(
    file: str,
    *,
    seed: int | None = None,
    arch: str | None = None,
    script: str | None = None,
    speed: float = 1.0,
    record: str | None = None,
    force_record: bool = False,
    handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
    screenshots: str | None = None,
    at: Address | None = None,
) -> None:
    from rapide_shell.loader import LoadError
    from rapide_shell.tui.app import run_shell

    _check_script(script)  # before the screen opens
    try:
        problem = asyncio.run(
            run_shell(
                file,
                arch=arch,
                seed=seed,
                script=script,
                speed=speed,
                record=record,
                force_record=force_record,
                handler_timeout=handler_timeout,
                screenshots=screenshots,
                at=at,
            )
        )
    except LoadError as error:
        raise fail(str(error), error.exit_status) from None
    if problem is not None:
        raise fail(problem)


HostOption = Annotated[
    str,
    typer.Option(
        "--host", metavar="ADDRESS",
        help="Where to listen; any address but this machine's own lets others in.",
    ),
]
PortOption = Annotated[
    int, typer.Option("--port", min=1, max=65535, metavar="PORT", help="The port to listen on.")
]


@app.command()
def serve(
    file: FileArgument,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    script: PlayScriptOption = None,
    speed: SpeedOption = 1.0,
    seed: SeedOption = None,
    arch: ArchOption = None,
) -> None:
    """Serve the workbench to web browsers, one session per tab, until Ctrl-C."""
    _serve(file, host=host, port=port, script=script, speed=speed, seed=seed, arch=arch)


def _serve(
    file: str,
    *,
    host: str,
    port: int,
    script: str | None,
    speed: float,
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
    _check_script(script)
    try:
        serve_workbench(
            file, host=host, port=port, seed=seed, arch=arch, script=script, speed=speed
        )
    except OSError as error:
        raise fail(f"cannot serve at {url_of(host, port)}: {bind_error_text(error)}") from None
    typer.echo("rapide serve: stopped", err=True)


@app.command()
def lessons(
    name: Annotated[
        str | None,
        typer.Argument(metavar="NAME", help="The lesson to play: its name or number."),
    ] = None,
    speed: Annotated[
        float,
        typer.Option(
            "--speed", min=0.0, metavar="SECONDS", help="Seconds between the lesson's commands."
        ),
    ] = 1.5,
    serve_it: Annotated[
        bool,
        typer.Option("--serve", help="Serve the lesson to web browsers instead (see `serve`)."),
    ] = False,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
) -> None:
    """List the lessons, or play one in the workbench at a readable pace."""
    from rapide_shell.lessons import LessonNotFound, find_lesson, find_lessons, lessons_listing

    if name is None:
        typer.echo(lessons_listing(find_lessons()))
        return
    try:
        lesson = find_lesson(name)
    except LessonNotFound as error:
        raise fail(str(error)) from None
    file, script = str(lesson.architecture), str(lesson.script)
    if serve_it:
        _serve(file, host=host, port=port, script=script, speed=speed)
    else:
        _open_workbench(file, script=script, speed=speed)


def _check_script(script: str | None) -> None:
    """The checks and messages of `rapide run` for a script to play (exit 2 if bad)."""
    from rapide_shell.script import ScriptFileError, read_script

    if script is not None:
        try:
            read_script(script)
        except ScriptFileError as error:
            raise fail(str(error)) from None


@app.command()
def graph(
    file: FileArgument,
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="text, dot or mermaid.")
    ] = "text",
    arch: ArchOption = None,
) -> None:
    """Print the architecture's components and connections as text, DOT or Mermaid."""
    from rapide_shell import architecture_view

    renderers = {
        "text": architecture_view.graph_text,
        "dot": architecture_view.graph_dot,
        "mermaid": architecture_view.graph_mermaid,
    }
    if format not in renderers:
        raise fail(f"unknown format {format!r}: use text, dot or mermaid")
    loaded = _load(file, arch)
    echo(renderers[format](loaded.description))


@app.command()
def check(file: FileArgument, arch: ArchOption = None) -> None:
    """Load and validate the architecture: components, connections, bindings, warnings."""
    from rapide_shell.architecture_check import check_architecture
    from rapide_shell.render import counted

    loaded = _load(file, arch)
    report = check_architecture(loaded)
    echo(report.summary)
    for warning in report.warnings:
        echo(f"warning: {warning}")
    description = loaded.description
    everywhere = len(list(description.walk()))
    nested = f", {everywhere} with those nested" if everywhere > len(description.components) else ""
    counts = (
        f"{counted(len(description.components), 'component')}{nested}, "
        f"{counted(len(description.connections), 'connection')}"
    )
    echo(
        f"{loaded.path}: {loaded.name} loads and binds ({counts}); "
        f"{counted(len(report.warnings), 'warning')}"
    )


def main() -> None:
    """Entry point of the ``rapide`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("rapide: interrupted\n")
        sys.exit(130)
    except Exception as error:
        # A bug of ours, not the user's: one line, and the traceback on request.
        if os.environ.get("RAPIDE_DEBUG"):
            traceback.print_exc()
        detail = json.dumps(str(error))[1:-1]
        sys.stderr.write(
            f"rapide: internal error: {type(error).__name__}: {detail} "
            "(set RAPIDE_DEBUG=1 for the traceback)\n"
        )
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()

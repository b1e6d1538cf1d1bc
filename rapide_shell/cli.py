"""The ``rapide`` command line (Typer); each front end is imported only inside its command.

Exit statuses: 0 success; 1 an ``expect`` of a script failed; 2 a load error, a script
error or bad usage. Errors are one line on stderr, never a traceback (set
``RAPIDE_DEBUG=1`` to see the traceback of an internal error).
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

if TYPE_CHECKING:
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
RecordOption = Annotated[
    str | None,
    typer.Option(
        "--record", metavar="OUT", help="Write what is done as a script that `rapide run` replays."
    ),
]
ForceRecordOption = Annotated[
    bool,
    typer.Option(
        "--force-record",
        help="Let --record replace a symbolic link, FIFO, device or read-only file at OUT.",
    ),
]


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
        str, typer.Option("--script", "-s", metavar="SCRIPT", help="The script of commands to run.")
    ],
    seed: SeedOption = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object of results, no transcript.")
    ] = False,
    arch: ArchOption = None,
    record: RecordOption = None,
    force_record: ForceRecordOption = False,
) -> None:
    """Run a script of commands headless; exit 0 if every expect held, 1 if one failed,
    2 on a load or script error, 130 when interrupted (Ctrl-C)."""
    from rapide_shell.headless import run_headless

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
            )
        )
    )


@app.command()
def repl(
    file: FileArgument,
    seed: SeedOption = None,
    arch: ArchOption = None,
    record: RecordOption = None,
    force_record: ForceRecordOption = False,
) -> None:
    """Drive the architecture interactively, with completion and history."""
    from rapide_shell.repl import run_repl

    raise typer.Exit(
        asyncio.run(
            run_repl(file, seed=seed, arch=arch, record=record, force_record=force_record)
        )
    )


@app.command()
def shell(
    file: FileArgument,
    seed: SeedOption = None,
    arch: ArchOption = None,
    script: Annotated[
        str | None,
        typer.Option(
            "--script", "-s", metavar="SCRIPT", help="Play this script visibly, then hand over."
        ),
    ] = None,
    speed: Annotated[
        float,
        typer.Option(
            "--speed", min=0.0, metavar="SECONDS", help="Seconds between the script's commands."
        ),
    ] = 1.0,
    record: RecordOption = None,
    force_record: ForceRecordOption = False,
) -> None:
    """Open the Textual workbench on the architecture."""
    from rapide_shell.loader import LoadError
    from rapide_shell.recording import Recorder
    from rapide_shell.script import ScriptFileError, read_script
    from rapide_shell.session import Session
    from rapide_shell.tui.app import RapideApp

    if script is not None:
        # The checks and messages of `rapide run`, before the screen opens.
        try:
            read_script(script)
        except ScriptFileError as error:
            raise fail(str(error)) from None
    try:
        session = Session.load(file, arch=arch, seed=seed)
    except LoadError as error:
        raise fail(str(error), error.exit_status) from None
    if record is not None:
        try:
            session.recorder = Recorder(
                record, source=file, seed=session.seed, force=force_record
            )
        except OSError as error:
            raise fail(str(error)) from None
    try:
        RapideApp(session, script=script, speed=speed).run()
    finally:
        if session.recorder is not None and (problem := session.recorder.close()):
            fail(problem)


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
    from rapide_shell.architecture_view import check_architecture
    from rapide_shell.render import counted

    loaded = _load(file, arch)
    report = check_architecture(loaded)
    echo(report.summary)
    for warning in report.warnings:
        echo(f"warning: {warning}")
    description = loaded.description
    counts = (
        f"{counted(len(description.components), 'component')}, "
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

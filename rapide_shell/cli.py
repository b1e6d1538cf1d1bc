"""The ``rapide`` command line (Typer); each front end is imported only inside its command."""

from __future__ import annotations

import typer

from pyrapide.__about__ import __version__

app = typer.Typer(
    name="rapide",
    help="Model, run and understand causal event-driven architectures.",
    no_args_is_help=True,
    add_completion=False,
)


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


def main() -> None:
    """Entry point of the ``rapide`` console script."""
    app()

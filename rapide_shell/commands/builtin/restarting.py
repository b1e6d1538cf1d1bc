"""Commands that start over: load, seed, reset and reload."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.text import Text

from pyrapide.core import Computation, ComputationFileError
from rapide_shell import render
from rapide_shell.commands.arguments import (
    ArgumentText,
    NoArguments,
    PathArguments,
    digits_value,
    is_whole_number,
    no_arguments,
    path_arguments,
)
from rapide_shell.commands.errors import CommandError, CommandSyntaxError
from rapide_shell.commands.lexer import quoted_word
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.hookspecs import hookimpl
from rapide_shell.loader import LoadError, load_architecture
from rapide_shell.outcome import CommandOutcome
from rapide_shell.report import first_line

if TYPE_CHECKING:
    from rapide_shell.session import Session

LOAD = CommandSpec(
    name="load",
    usage="load FILE",
    summary="Load a saved computation to inspect it (read-only).",
    details="""\
Replaces the session's computation with the one saved in FILE, for `show`, `why`,
`effects`, `matches`, `expect` and `export`. The system does not run on a loaded
computation: `inject`, `step` and `run` are refused until `reset`.""",
    args=(ArgSpec("FILE", ArgKind.FILE),),
)

SEED = CommandSpec(
    name="seed",
    usage="seed N",
    summary="Start over with seed N (the seed orders agent deliveries).",
    details="""\
Rebuilds the system with seed N, as `reset` does. The same architecture, seed and
commands always give the same computation; a different seed may order agent
deliveries differently. Any whole number is a seed, negative ones included. In a
session where nothing was done yet, the seed it has already starts nothing over
(a recording's first line), once: given again, it starts over.""",
    args=(ArgSpec("N", ArgKind.INTEGER),),
)

RESET = CommandSpec(
    name="reset",
    usage="reset",
    summary="Start over: a fresh system, nothing recorded; watches and breakpoints kept.",
    details="""\
Stops the system and builds a fresh one from the same architecture with the same seed.
Watches and breakpoints stay (their counts start again); the computation is empty.""",
)

RELOAD = CommandSpec(
    name="reload",
    usage="reload",
    summary="Re-read the architecture file from disk and start over.",
    details="""\
Loads the architecture file again (after you edited it) and builds a fresh system, as
`reset` does. If the file no longer loads, the error is shown and the session keeps the
system it had.""",
)

_NOT_COMPUTATIONS = {
    ".py": "an architecture file (`reload` reads the session's again, `rapide shell FILE` "
    "opens another)",
    ".rapide": "a script of commands (`rapide run ARCHITECTURE --script FILE` plays it)",
}
"""What ``load`` says a file is when its text is not JSON and its suffix tells."""


@dataclass(frozen=True)
class SeedArguments:
    """The new seed."""

    value: int


def parse_seed(text: ArgumentText) -> SeedArguments:
    """One whole number, negative ones included (as ``--seed`` takes them)."""
    word = text.only_word("seed needs a number")
    if not is_whole_number(word.text.removeprefix("-")):
        raise CommandSyntaxError(
            f"a seed is a whole number (negative ones too), not {word.text!r}", column=word.column
        )
    return SeedArguments(digits_value(word.text, word))


async def load(session: Session, command: Command[PathArguments], line: str) -> CommandOutcome:
    """Show a saved computation, read-only."""
    path = command.args.path
    try:
        computation = Computation.load(path)
    except ComputationFileError as error:
        # The reader's message names the path once, where in the file, and what is wrong.
        message = first_line(str(error)) or type(error).__name__
        if error.to_json_view:
            message = (
                f"{path}: not a saved computation: it is an `export json` view, which keeps "
                "too little to load back; `save FILE` writes what `load` reads"
            )
        elif error.not_json and Path(path).suffix in _NOT_COMPUTATIONS:
            message = (
                f"{path}: not a saved computation: it is {_NOT_COMPUTATIONS[Path(path).suffix]}; "
                "`save FILE` writes what `load` reads"
            )
        raise CommandError(message) from None
    session.inspect(computation)
    session.record(f"load {quoted_word(path)}", here=True)
    text = (
        f"loaded {render.counted(len(computation), 'event')} from {path} "
        "(read-only; `reset` returns to the system)"
    )
    return CommandOutcome(
        line, "load", output=(render.note(text),), data={"events": len(computation)}
    )


async def seed(session: Session, command: Command[SeedArguments], line: str) -> CommandOutcome:
    """Start over with a new seed."""
    if command.args.value == session.seed and session.untouched:
        # No step: a recording replayed (its first line is its seed) numbers its steps as
        # the session it was recorded from did, and runs the start hooks once.
        session.seed_kept = True
        text = f"seed {session.seed}: the system is fresh with this seed already"
        return CommandOutcome(line, "seed", output=(Text(text),), data={"seed": session.seed})
    session.seed = command.args.value
    await session.rebuild("seed")
    text = f"seed {session.seed}: started over with a fresh system"
    return CommandOutcome(
        line, "seed", output=(Text(text), *_hook_problems(session)), data={"seed": session.seed}
    )


async def reset(session: Session, command: Command[NoArguments], line: str) -> CommandOutcome:
    """Start over from the same architecture."""
    await session.rebuild("reset")
    text = f"started over (seed {session.seed}); {_kept(session)}"
    return CommandOutcome(
        line, "reset", output=(Text(text), *_hook_problems(session)), data={"seed": session.seed}
    )


async def reload(session: Session, command: Command[NoArguments], line: str) -> CommandOutcome:
    """Re-read the architecture file and start over."""
    try:
        loaded = load_architecture(session.path, arch=session.loaded.chosen)
    except LoadError as error:
        raise CommandError(f"reload failed, the session keeps its system: {error}") from None
    await session.rebuild("reload", loaded=loaded)
    text = f"reloaded {session.path} ({loaded.name}); {_kept(session)}"
    return CommandOutcome(
        line,
        "reload",
        output=(render.note(text), *_hook_problems(session)),
        data={"architecture": loaded.name},
    )


def _hook_problems(session: Session) -> list[RenderableType]:
    """What the finish hooks of the system left behind and the start hooks of the new one
    reported (errors, limits, violations), as a command's output says them."""
    return [*session.hook_problems("finish"), *session.hook_problems("start")]


def _kept(session: Session) -> str:
    watches = render.counted(len(session.watches), "watch", "watches")
    return f"{watches} and {render.counted(len(session.breakpoints), 'breakpoint')} kept"


@hookimpl(tryfirst=True)
def rapide_add_commands(catalog: CommandCatalog) -> None:
    """Adds ``load``, ``seed``, ``reset`` and ``reload``."""
    catalog.register(LOAD, load, parse=path_arguments)
    catalog.register(SEED, seed, parse=parse_seed)
    catalog.register(RESET, reset, parse=no_arguments)
    catalog.register(RELOAD, reload, parse=no_arguments)

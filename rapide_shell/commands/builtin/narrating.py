"""Commands that speak to an audience: ``say`` (narration) and ``wait`` (the presenter's pace)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from rapide_shell import render
from rapide_shell.commands.arguments import (
    ArgumentText,
    NoArguments,
    no_arguments,
    unquote,
)
from rapide_shell.commands.lexer import strip_comment
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome

if TYPE_CHECKING:
    from rapide_shell.session import Session

NARRATION_MARK = "»"
"""What a line of narration starts with in a transcript."""

SAY = CommandSpec(
    name="say",
    usage="say [TEXT]",
    summary="Show a line of narration (lessons and demos); alone, clear it.",
    details="""\
Shows TEXT as narration: in the TUI, a banner across the top of the screen that a room
can read, which stays until the next `say` (`say` alone clears it); in the REPL and in
the transcript of `rapide run`, a line of its own marked with `»`. Nothing about the
system changes. The text is shown as written; quote all of it to keep a ` # ` in it,
which would otherwise start a comment.""",
    args=(ArgSpec("TEXT", ArgKind.TEXT, optional=True, rest_of_line=True),),
    examples=("say A pipe delivers in order, one at a time.",),
    while_running=True,
)

WAIT = CommandSpec(
    name="wait",
    usage="wait",
    summary="Pause a played script until the presenter presses a key.",
    details="""\
In a script played in the TUI (`rapide shell --script`, `rapide lessons`), waits until a
key is pressed before the next line, so the presenter sets the pace; the screen says
so, and names the part of the script a key goes on to (`--from PART` starts there
another time: the lines before it are replayed, their waits going on at once). Where
nobody is there to press a key (`rapide run`, the REPL), it does nothing, so the same
script runs unattended in CI.""",
)


@dataclass(frozen=True)
class SayArguments:
    """The narration ("" clears it)."""

    text: str


def parse_say(text: ArgumentText) -> SayArguments:
    """Free text to the end of the line, apostrophes and all (not split into words)."""
    return SayArguments(unquote(text.text.strip()))


def command_word(line: str) -> str:
    """The command a script line starts with, as written ("" for a blank or a comment):
    a front end playing a script shows ``say`` and ``wait`` lines to the room rather
    than typing them as commands."""
    words = strip_comment(line).split(maxsplit=1)
    return words[0] if words else ""


def narration(text: str) -> RenderableType:
    """``» text`` set apart from the commands around it: a blank line before, the mark,
    and the text in bold, its wrapped lines indented under the first."""
    line = Table.grid(padding=(0, 1))
    line.add_column(no_wrap=True, style="bold magenta")
    line.add_column(style="bold")
    line.add_row(NARRATION_MARK, render.data(text))
    return Padding(line, (1, 0, 0, 0), expand=False)


async def say(session: Session, command: Command[SayArguments], line: str) -> CommandOutcome:
    """Narration: one line in a transcript; the TUI also puts it in its banner."""
    text = command.args.text
    output = (narration(text),) if text else ()
    return CommandOutcome(line, "say", output=output, data={"text": text})


async def wait(session: Session, command: Command[NoArguments], line: str) -> CommandOutcome:
    """Waits for the presenter where there is one to wait for, else goes on at once."""
    presenter = session.wait_for_presenter
    if presenter is None:
        note = Text("wait: nobody to wait for here; going on", style="dim")
        return CommandOutcome(line, "wait", output=(note,), data={"waited": False})
    await presenter()
    return CommandOutcome(line, "wait", data={"waited": True})


@hookimpl(tryfirst=True)
def rapide_add_commands(catalog: CommandCatalog) -> None:
    """Adds ``say`` and ``wait``."""
    catalog.register(SAY, say, parse=parse_say)
    catalog.register(WAIT, wait, parse=no_arguments)

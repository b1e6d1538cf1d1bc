"""Commands that speak to an audience: ``say`` (narration) and ``wait`` (the presenter's pace)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from rapide_shell.commands.lexer import strip_comment
from rapide_shell.commands.parser import Command
from rapide_shell.outcome import CommandOutcome

if TYPE_CHECKING:
    from rapide_shell.session import Session

NARRATION_MARK = "»"
"""What a line of narration starts with in a transcript."""


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
    line.add_row(NARRATION_MARK, Text(text))
    return Padding(line, (1, 0, 0, 0), expand=False)


async def say(session: Session, command: Command, line: str) -> CommandOutcome:
    """Narration: one line in a transcript; the TUI also puts it in its banner."""
    text: str = command.args["text"]
    output = (narration(text),) if text else ()
    return CommandOutcome(line, "say", output=output, data={"text": text})


async def wait(session: Session, command: Command, line: str) -> CommandOutcome:
    """Waits for the presenter where there is one to wait for, else goes on at once."""
    presenter = session.wait_for_presenter
    if presenter is None:
        note = Text("wait: nobody to wait for here; going on", style="dim")
        return CommandOutcome(line, "wait", output=(note,), data={"waited": False})
    await presenter()
    return CommandOutcome(line, "wait", data={"waited": True})

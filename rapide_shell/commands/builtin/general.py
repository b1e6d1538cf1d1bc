"""Commands about the language and the session itself: help and quit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from rapide_shell import render
from rapide_shell.commands.arguments import (
    ArgumentText,
    NoArguments,
    no_arguments,
    unquote,
)
from rapide_shell.commands.front_ends import FRONT_END_COMMANDS
from rapide_shell.commands.parser import not_a_command
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome

if TYPE_CHECKING:
    from rapide_shell.session import Session

HELP = CommandSpec(
    name="help",
    usage="help [COMMAND]",
    summary="List the commands, or explain one.",
    details="""\
With no argument, lists every command; `help NAME` explains one in full.

Comments: a `#` that is the first thing on a line makes the line a comment, and a `#`
with a blank before and after it (or at the very end) starts one: `run  # go on` runs.
Any other `#` is part of a word: `step #12` chooses dispatch 12, and `step #abc` is
refused as no dispatch. `step # 12` and `step #` are refused too: their comment, only
a number or nothing, would leave a plain step where `step #12` was meant.""",
    args=(ArgSpec("COMMAND", ArgKind.COMMAND, optional=True),),
    aliases=("?",),
    while_running=True,
)

QUIT = CommandSpec(
    name="quit",
    usage="quit",
    summary="Stop the system and leave.",
    details="Runs the modules' finish hooks and leaves the session (Ctrl-D does too).",
    aliases=("exit",),
    while_running=True,
)


@dataclass(frozen=True)
class HelpArguments:
    """The command to explain (its name, aliases resolved), or None for the list."""

    topic: str | None


def parse_help(text: ArgumentText) -> HelpArguments:
    """Nothing, or a command's name or alias (quotes removed)."""
    words = text.at_most(1)
    if not words:
        return HelpArguments(None)
    name = unquote(words[0].text)
    spec = text.commands.lookup(name)
    if spec is None:
        if name in FRONT_END_COMMANDS:  # explained here, though it works elsewhere
            return HelpArguments(name)
        raise not_a_command("no command", words[0], text.commands)
    return HelpArguments(spec.name)


async def help_(session: Session, command: Command[HelpArguments], line: str) -> CommandOutcome:
    """List the commands, or explain one."""
    topic = command.args.topic
    if topic is None:
        table = render.key_value_table(
            ((Text(spec.usage, style="bold"), spec.summary) for spec in session.catalog),
            ("command", "what it does"),
        )
        footer = Text(
            "`help COMMAND` explains one. A comment starts with `#` first on a line, or "
            "with a `#` between blanks (`run  # go`); `#12` is a dispatch id.",
            style="dim",
        )
        return CommandOutcome(
            line, "help", output=(table, footer), data={"commands": session.catalog.names}
        )
    if topic in session.catalog:
        spec, where = session.catalog[topic], None
    else:  # a command of another front end
        spec, where = FRONT_END_COMMANDS[topic]
    data = {"command": topic} if where is None else {"command": topic, "works": where}
    return CommandOutcome(line, "help", output=(command_help(spec, where),), data=data)


def command_help(spec: CommandSpec, elsewhere: str | None = None) -> RenderableType:
    """The full help of command ``spec``: usage, explanation, aliases and examples; for
    a command this front end does not have, ``elsewhere`` says where it works."""
    parts: list[RenderableType] = [Text(spec.usage, style="bold")]
    if elsewhere is not None:
        parts.append(Text(f"not a command here: it works {elsewhere}", style="yellow"))
    parts += [
        Text(spec.summary),
        Text(""),
        Text(reflow(spec.details)),
    ]
    if spec.aliases:
        parts.append(Text(f"\nalso: {', '.join(spec.aliases)}", style="dim"))
    if spec.examples:
        parts.append(Text("\nexamples:", style="bold"))
        parts.extend(Text(f"  {example}", style="cyan") for example in spec.examples)
    return Group(*parts)


_ITEM = re.compile(r"`[^`]+`:")


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph, so the terminal wraps them instead.

    A line that opens with a quoted term and a colon (``"`show queue`: ..."``) begins an
    item of its own, as in ``help show``; any other line goes on the one before it, even
    when the wrapping happened to put a quoted word first.
    """
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not _ITEM.match(line):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


async def quit_(session: Session, command: Command[NoArguments], line: str) -> CommandOutcome:
    """Ask the front end to close the session and leave."""
    return CommandOutcome(line, "quit", output=(), quit=True)


@hookimpl(tryfirst=True)
def rapide_add_commands(catalog: CommandCatalog) -> None:
    """Adds ``help`` and ``quit``."""
    catalog.register(HELP, help_, parse=parse_help)
    catalog.register(QUIT, quit_, parse=no_arguments)

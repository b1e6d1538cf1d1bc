"""The one command language of the workbench: its catalog, parser and errors.

``COMMANDS`` maps each built-in command name to its :class:`CommandSpec` (usage,
one-line summary, full help, argument kinds for completion); a session's
:class:`CommandCatalog` holds those plus the commands a front end registers.
``parse_command(line, catalog)`` turns a line into a :class:`Command` or raises
:class:`CommandSyntaxError`. Running a command is the session's job
(:mod:`rapide_shell.commands.handlers`).
"""

from rapide_shell.commands.catalog import ALIASES, COMMAND_SPECS, COMMANDS, lookup
from rapide_shell.commands.errors import CommandError, CommandSyntaxError, close_matches
from rapide_shell.commands.lexer import Payload, parse_payload, split_words, strip_comment
from rapide_shell.commands.parser import Command, StepTarget, parse_command
from rapide_shell.commands.registry import CommandCatalog, Handler
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec

__all__ = [
    "ALIASES",
    "COMMANDS",
    "COMMAND_SPECS",
    "ArgKind",
    "ArgSpec",
    "Command",
    "CommandCatalog",
    "CommandError",
    "CommandSpec",
    "CommandSyntaxError",
    "Handler",
    "Payload",
    "StepTarget",
    "close_matches",
    "lookup",
    "parse_command",
    "parse_payload",
    "split_words",
    "strip_comment",
]

"""The one command language of the workbench: what a command is, how a line is read.

A command is one :class:`CommandDefinition`: its :class:`CommandSpec` (usage, one-line
summary, full help, argument kinds for completion), the parser that reads its
arguments into one typed object, and the handler that runs it. A session's
:class:`CommandCatalog` holds the built-in commands (:mod:`rapide_shell.commands.builtin`)
and those plugins add, all registered the same way (``catalog.register``).
``parse_command(line, catalog)`` turns a line into a :class:`Command` or raises
:class:`CommandSyntaxError`; running it is the session's job.
"""

from rapide_shell.commands.arguments import (
    ArgumentParser,
    ArgumentText,
    DeclaredArguments,
    NoArguments,
    PathArguments,
    PatternArguments,
)
from rapide_shell.commands.errors import CommandError, CommandSyntaxError
from rapide_shell.commands.lexer import Payload, parse_payload, split_words, strip_comment
from rapide_shell.commands.parser import parse_command
from rapide_shell.commands.registry import Command, CommandCatalog, CommandDefinition, Handler
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.suggestions import close_matches

__all__ = [
    "ArgKind",
    "ArgSpec",
    "ArgumentParser",
    "ArgumentText",
    "Command",
    "CommandCatalog",
    "CommandDefinition",
    "CommandError",
    "CommandSpec",
    "CommandSyntaxError",
    "DeclaredArguments",
    "Handler",
    "NoArguments",
    "PathArguments",
    "PatternArguments",
    "Payload",
    "close_matches",
    "parse_command",
    "parse_payload",
    "split_words",
    "strip_comment",
]

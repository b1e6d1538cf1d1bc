"""Parsing one command line into a :class:`Command`, once, before anything runs.

The parser finds the command the line names in a catalog and hands the rest of the line
to that command's own parser (its definition's ``parse``). It knows nothing of the
loaded system: whether an event name or a field exists is checked when the session runs
the command, against the architecture's action signatures.
"""

from __future__ import annotations

import re
from typing import Any

from rapide_shell.commands.arguments import ArgumentText, CommandIndex, unknown_command
from rapide_shell.commands.errors import CommandSyntaxError
from rapide_shell.commands.lexer import Word, split_comment
from rapide_shell.commands.registry import Command, CommandCatalog

_HEAD = re.compile(r"\S+")

ELSEWHERE = {
    "explore": "explore works in the TUI and the REPL (rapide shell, rapide repl); "
    "from a terminal, rapide explore FILE --script SCRIPT does the same",
    "screenshot": "screenshot works only in the TUI (rapide shell)",
    "zoom": "zoom works only in the TUI (rapide shell)",
    "resume": "resume works only in the TUI (rapide shell), where it plays the rest of a "
    "script that Ctrl-C stopped",
    # The command line's own commands, typed (or pasted) at a prompt.
    "rapide": "`rapide ...` is typed in a terminal; here, type what follows `rapide` "
    "(`help` lists the commands)",
    "check": "`rapide check FILE` checks a file from a terminal; here, `reload` reads it again",
    "graph": "the graph is `show graph` here (`rapide graph FILE` prints it from a terminal)",
    "lessons": "`rapide lessons` lists the lessons from a terminal",
    **{
        front: f"`rapide {front} FILE` opens the {what} from a terminal"
        for front, what in (("shell", "TUI"), ("repl", "REPL"), ("serve", "TUI in browsers"))
    },
    # What `show` shows, asked for by its name alone.
    "queue": "the queue is `show queue` here",
    "events": "the events are `show events` here",
    "components": "the components are `show components` here",
}
"""The commands only some front ends have, and where they work, and the words that are
commands elsewhere (the command line's) or topics of one (`show`): named where a user
meets them, instead of an unknown command."""


def parse_command(line: str, catalog: CommandCatalog) -> Command[Any] | None:
    """Parse ``line`` against ``catalog`` (a session's, or
    :func:`~rapide_shell.commands.builtin.builtin_catalog`); None for a blank line or a
    comment.

    Raises :class:`~rapide_shell.commands.errors.CommandSyntaxError` (with a column and
    close matches where they help) for an unknown command, missing or extra arguments,
    a malformed payload or a pattern syntax error.
    """
    text, comment = split_comment(line)
    if not text.strip():
        return None
    first = _HEAD.search(text)
    assert first is not None  # the text is not blank
    head = Word(first.group(), first.start())
    spec = catalog.lookup(head.text)
    if spec is None:
        raise not_a_command("unknown command", head, catalog)
    rest_column = head.column + len(head.text)
    arguments = ArgumentText(spec, text[rest_column:], rest_column, catalog, comment)
    return Command(spec.name, text.strip(), catalog.definition(spec.name).parse(arguments))


def not_a_command(what: str, word: Word, catalog: CommandIndex) -> CommandSyntaxError:
    """The error for ``word``, which names no command of ``catalog``: where it works, if
    it is one of :data:`ELSEWHERE`, else ``what 'word'`` with the close matches."""
    if word.text in ELSEWHERE:
        return CommandSyntaxError(ELSEWHERE[word.text], column=word.column)
    return unknown_command(what, word, catalog.words)

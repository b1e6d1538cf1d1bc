"""Reading a command's arguments: what its parser is given, and the readers commands share.

A command's parser takes the :class:`ArgumentText` after its name and returns the
command's arguments as one typed object (a frozen dataclass), or raises
:class:`~rapide_shell.commands.errors.CommandSyntaxError` with the column of the word
that is wrong. The readers here are the pieces several commands need: no argument at
all, a file name, a pattern, a number, and the arguments a plugin's command declares
in its spec (:func:`declared_arguments`).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from pyrapide.core.values import too_many_digits
from pyrapide.patterns import (
    Pattern,
    PatternSyntaxError,
    UnboundPlaceholderWarning,
    parse_pattern,
)
from rapide_shell.commands.errors import CommandSyntaxError
from rapide_shell.commands.lexer import Word, split_words
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.suggestions import close_matches

ArgumentsT = TypeVar("ArgumentsT")


class CommandIndex(Protocol):
    """The commands a line may name (a session's catalog), as the ``help`` parser needs."""

    def lookup(self, word: str) -> CommandSpec | None:
        """The command that ``word`` names (its name or an alias), or None."""
        ...

    @property
    def words(self) -> list[str]:
        """Every name and alias."""
        ...


@dataclass(frozen=True)
class ArgumentText:
    """What follows a command's name on its line: what the command's parser reads.

    ``text`` is as typed (its comment removed), ``column`` where it starts in the line,
    so that an error can point at the word that is wrong; ``spec`` is the command's;
    ``commands`` the catalog the line is parsed against; ``comment`` the line's comment,
    from its ``#``, with its column (None: the line has none), for a command whose
    argument a comment could be mistaken for (``step # 12``).
    """

    spec: CommandSpec
    text: str
    column: int
    commands: CommandIndex
    comment: Word | None = None

    @cached_property
    def words(self) -> list[Word]:
        """``text`` split at blanks outside quotes and brackets, with their columns.

        Raises CommandSyntaxError for an unterminated string or an unclosed bracket.
        A pattern is not read as words: it has its own grammar (:func:`read_pattern`).
        """
        return split_words(self.text, self.column)

    @property
    def end(self) -> int:
        """The column just after the last character typed (where a missing word goes)."""
        return self.column + len(self.text.rstrip())

    def at_most(self, count: int) -> list[Word]:
        """The words, when there are no more than ``count``; else CommandSyntaxError at
        the first extra one, saying what the command takes (``unexpected 'e2': why
        takes EVENT_ID``)."""
        words = self.words
        if len(words) > count:
            raise self.unexpected(words[count])
        return words

    def unexpected(self, word: Word) -> CommandSyntaxError:
        """The error for ``word``, one more than the command takes, at it, saying what
        the command takes after its name, as its usage says (``unexpected 'e2': why
        takes EVENT_ID``, ``unexpected 'x': wait takes nothing after it``)."""
        spec = self.spec
        name, _, rest = spec.usage.partition(" ")
        takes = (
            f"{spec.name} is used as {spec.usage}" if name != spec.name
            else f"{spec.name} takes {rest.strip()}" if rest.strip()
            else f"{spec.name} takes nothing after it"
        )
        return CommandSyntaxError(f"unexpected {word.text!r}: {takes}", column=word.column)

    def only_word(self, needed: str) -> Word:
        """The one word; CommandSyntaxError ``needed`` (where the word should start) when
        there is none, or at the first word too many."""
        words = self.at_most(1)
        if not words:
            raise CommandSyntaxError(needed, column=self.column)
        return words[0]


ArgumentParser = Callable[[ArgumentText], ArgumentsT]
"""Reads a command's arguments: ``parse(text) -> arguments``, CommandSyntaxError if wrong."""


@dataclass(frozen=True)
class NoArguments:
    """The arguments of a command that takes none."""


def no_arguments(text: ArgumentText) -> NoArguments:
    """Nothing may follow the command's name; CommandSyntaxError, saying so, at what
    does (``wait Kitchen.ready``: a presenter who took ``wait`` to wait for an event)."""
    text.at_most(0)
    return NoArguments()


@dataclass(frozen=True)
class PathArguments:
    """One file name (quotes removed)."""

    path: str


def path_arguments(text: ArgumentText) -> PathArguments:
    """One file name."""
    return PathArguments(file_name(text.only_word("a file name is needed")))


def file_name(word: Word) -> str:
    """``word`` as a file name, quotes removed, and a ``~`` it starts with (unquoted, as a
    shell reads it) the home directory; CommandSyntaxError when that leaves none, or
    names a user who does not exist (``~nosuchuser/x``)."""
    name = unquote(word.text)
    if not name.strip():
        raise CommandSyntaxError(f"{word.text} is an empty file name", column=word.column)
    if not word.text.startswith("~"):
        return name
    home = os.path.expanduser(name)
    if home == name:  # os.path leaves a ~ it cannot read as it was
        user = name[1:].split("/", 1)[0]
        why = (
            f"there is no user {user!r} (~NAME is the home directory of user NAME)"
            if user
            else "the home directory is not known (HOME is not set)"
        )
        raise CommandSyntaxError(f"{word.text}: {why}", column=word.column)
    return home


FORCE = "--force"
"""The word that lets ``save`` and ``export`` replace a link, a FIFO, a device or a
read-only file (see :mod:`pyrapide.core.atomic`)."""


def without_force(words: list[Word]) -> tuple[list[Word], bool]:
    """``words`` without ``--force`` (which may stand anywhere), and whether it was there."""
    kept = [word for word in words if word.text != FORCE]
    return kept, len(kept) < len(words)


@dataclass(frozen=True)
class PatternArguments:
    """A pattern, parsed, and its text as typed."""

    pattern: Pattern
    pattern_text: str


def pattern_arguments(text: ArgumentText) -> PatternArguments:
    """The rest of the line, read as one pattern."""
    return read_pattern(text.text, text.column)


def read_pattern(pattern_text: str, column: int) -> PatternArguments:
    """``pattern_text`` (which starts at ``column`` of the line) parsed as a pattern.

    Raises CommandSyntaxError for an empty or malformed pattern, at the column of the
    line where the pattern's grammar stopped.
    """
    stripped = pattern_text.strip()
    if not stripped:
        raise CommandSyntaxError(
            "a pattern is needed, e.g. Service.action(field=value)", column=column
        )
    start = column + len(pattern_text) - len(pattern_text.lstrip())
    try:
        with warnings.catch_warnings():
            # The command says so itself, in its own output (a note under the line).
            warnings.simplefilter("ignore", UnboundPlaceholderWarning)
            pattern = parse_pattern(stripped)
    except PatternSyntaxError as error:
        where = getattr(error, "column", None)
        raise CommandSyntaxError(
            f"pattern syntax error: {_pattern_error_text(error)}",
            column=None if where is None else start + _zero_based(where),
        ) from None
    return PatternArguments(pattern, stripped)


_PATTERN_ERROR_PLACE = re.compile(r"Invalid pattern at (?:line \d+, )?column \d+: ")


def _pattern_error_text(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error).split("\n", 1)[0]
    # The caret under the command line shows where; the pattern's own column (counted
    # from the pattern's start, not the line's) would only contradict it.
    message = _PATTERN_ERROR_PLACE.sub("", message, count=1)
    expected = getattr(error, "expected", None)
    if expected and "expected" not in message:
        shown = expected if isinstance(expected, str) else ", ".join(sorted(map(str, expected)))
        message = f"{message} (expected {shown})"
    return message


def _zero_based(column: int) -> int:
    # PatternSyntaxError columns count from 1, as editors and Lark do.
    return max(column - 1, 0)


def is_whole_number(text: str) -> bool:
    """Whether ``text`` is a whole number of 0 or more in ASCII digits: ``str.isdigit``
    alone also takes ``²`` (which ``int`` refuses) and the digits of other scripts."""
    return text.isascii() and text.isdigit()


def number(word: Word, what: str, *, least: int = 0) -> int:
    """``word`` as a whole number of ``least`` or more (a leading ``#`` allowed); ``what``
    names it, article included ("a number of steps"), for the error, which says what is
    wanted: ``-5`` is a whole number, and a message saying it is not would mislead."""
    digits = word.text.removeprefix("#")
    if not is_whole_number(digits) or (value := digits_value(digits, word)) < least:
        raise CommandSyntaxError(
            f"{what} must be a whole number, {least} or more, not {word.text!r}",
            column=word.column,
        )
    return value


def digits_value(digits: str, word: Word) -> int:
    """``digits`` (whole-number text found in ``word``, a sign allowed) as an int; a
    CommandSyntaxError at ``word`` when they are more than Python reads (4300 by
    default), where ``int`` would raise a ValueError of its own words."""
    try:
        return int(digits)
    except ValueError:
        raise CommandSyntaxError(
            too_many_digits(digits) or f"{digits!r} is not a whole number", column=word.column
        ) from None


def one_of(word: Word, choices: tuple[str, ...], message: str) -> str:
    """``word`` when it is one of ``choices``; else CommandSyntaxError ``message`` at the
    word, with the close choices as suggestions."""
    if word.text not in choices:
        raise CommandSyntaxError(
            message, column=word.column, suggestions=close_matches(word.text, choices)
        )
    return word.text


def unquote(text: str) -> str:
    """``text`` without the quotes around it, if it has a pair."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def unknown_command(what: str, word: Word, commands: list[str]) -> CommandSyntaxError:
    """``what 'word'``, with the close matches among ``commands``, or when none is close,
    a pointer to the list."""
    suggestions = close_matches(word.text, commands)
    hint = "" if suggestions else " (`help` lists the commands)"
    return CommandSyntaxError(
        f"{what} {word.text!r}{hint}", column=word.column, suggestions=suggestions
    )


DeclaredArguments = Mapping[str, Any]
"""The arguments of a command read from its spec: each by its ``ArgSpec.name``."""


def declared_arguments(text: ArgumentText) -> DeclaredArguments:
    """The arguments as the command's ``args`` declare them (how a command registered
    without a parser of its own is read).

    One word each (quotes removed), an ``INTEGER`` as an int (its ``least`` or more), a
    ``CHOICE`` checked against its choices (quoted or not), and a ``rest_of_line``
    argument (the last one) taking the rest of the line as written; an optional argument
    left out is None.
    Any other kind arrives as the text typed.
    """
    spec, words = text.spec, text.words
    values: dict[str, Any] = {}
    for position, arg in enumerate(spec.args):
        if position >= len(words):
            if not arg.optional:
                raise CommandSyntaxError(
                    f"{spec.name} needs {arg.name}; usage: {spec.usage}", column=text.end
                )
            values[arg.name] = None
            continue
        word = words[position]
        if arg.rest_of_line:
            values[arg.name] = text.text[word.column - text.column :].strip()
            return MappingProxyType(values)
        values[arg.name] = _declared_value(spec, arg, word)
    if len(words) > len(spec.args):
        raise CommandSyntaxError(
            f"too many arguments; usage: {spec.usage}", column=words[len(spec.args)].column
        )
    return MappingProxyType(values)


def _declared_value(spec: CommandSpec, arg: ArgSpec, word: Word) -> Any:
    if arg.kind is ArgKind.INTEGER:
        return number(word, f"{spec.name}'s {arg.name}", least=arg.least)
    if arg.kind is ArgKind.CHOICE:
        listed = ", ".join(arg.choices)
        # A quoted choice is the choice, as a quoted name is for the built-in commands.
        chosen = Word(unquote(word.text), word.column)
        return one_of(chosen, arg.choices, f"{spec.name} takes one of {listed}, not {word.text!r}")
    return unquote(word.text)

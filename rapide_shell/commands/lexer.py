"""Splitting a command line: comments, words, and ``key=value`` / JSON payloads."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from rapide_shell.commands.errors import CommandSyntaxError

_OPENERS = {"[": "]", "{": "}", "(": ")"}
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Word:
    """A word of a command line and the column (0-based) where it starts."""

    text: str
    column: int


@dataclass(frozen=True)
class Payload:
    """The payload of an ``inject``: the values, and the text each ``key=value`` was typed as.

    ``typed_as`` maps each key given as ``key=value`` to its text (so a field declared
    ``str`` can keep ``42`` as ``"42"``); it is empty for the JSON-object form.
    """

    values: dict[str, Any]
    typed_as: dict[str, str] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    """Column of each ``key=value`` in the line, for error messages."""


def strip_comment(line: str) -> str:
    """``line`` without its ``#`` comment and trailing blanks.

    Outside quotes, a ``#`` starts a comment when it is the first thing on the line
    (blanks aside), or when a blank comes before it and a blank or the end of the line
    after it: ``run  # go`` is ``run``. Any other ``#`` is part of a word, so that
    ``step #12`` and ``step #abc`` reach the command as typed (the second one to be told
    there is no such dispatch, rather than to step the next one).
    """
    quote = ""
    escaped = False
    for index, char in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#" and (not line[:index].strip() or _between_blanks(line, index)):
            return line[:index].rstrip()
    return line.rstrip()


def _between_blanks(line: str, index: int) -> bool:
    """True when ``line[index]`` has a blank before it and a blank or the end after it."""
    after = line[index + 1 : index + 2]
    return line[index - 1].isspace() and (after == "" or after.isspace())


def split_words(text: str, offset: int = 0) -> list[Word]:
    """Split ``text`` at blanks that are outside quotes and brackets.

    ``rows=[1, 2]`` and ``name="two words"`` are one word each. ``offset`` is added to
    the columns (the position of ``text`` in its line). Raises :class:`CommandSyntaxError`
    for an unterminated string or an unclosed bracket.
    """
    words: list[Word] = []
    start: int | None = None
    quote = ""
    quote_column = 0
    escaped = False
    closers: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        if start is None:
            if char.isspace():
                continue
            start = index
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
            continue
        if char in "\"'":
            quote, quote_column = char, index
        elif char in _OPENERS:
            closers.append((_OPENERS[char], index))
        elif closers and char == closers[-1][0]:
            closers.pop()
        elif char.isspace() and not closers:
            words.append(Word(text[start:index], start + offset))
            start = None
    if quote:
        raise CommandSyntaxError(
            "unterminated string (no closing quote)", column=quote_column + offset
        )
    if closers:
        closer, column = closers[-1]
        raise CommandSyntaxError(
            f"unclosed {text[column]!r} (no {closer!r})", column=column + offset
        )
    if start is not None:
        words.append(Word(text[start:], start + offset))
    return words


def parse_payload(text: str, offset: int = 0) -> Payload:
    """Parse an ``inject`` payload: ``key=value`` pairs or one JSON object.

    A value is a JSON literal if it reads as one (``42``, ``true``, ``null``, ``"a b"``,
    ``[1]``), else plain text. A value that starts like JSON (``"``, ``[``, ``{``) but is
    malformed is an error rather than text, since that is nearly always a typo.
    Raises :class:`CommandSyntaxError` naming the word and column that are wrong.
    """
    stripped = text.strip()
    if not stripped:
        return Payload({})
    lead = offset + len(text) - len(text.lstrip())
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise CommandSyntaxError(
                f"malformed JSON payload: {error.msg}", column=lead + error.pos
            ) from None
        if not isinstance(document, dict):
            raise CommandSyntaxError("the JSON payload must be one object", column=lead)
        return Payload(document)
    values: dict[str, Any] = {}
    typed_as: dict[str, str] = {}
    columns: dict[str, int] = {}
    for word in split_words(text, offset):
        key, equals, raw = word.text.partition("=")
        if not equals:
            raise CommandSyntaxError(f"expected key=value, got {word.text!r}", column=word.column)
        if not _KEY.match(key):
            raise CommandSyntaxError(f"{key!r} is not a field name", column=word.column)
        if key in values:
            raise CommandSyntaxError(f"field {key!r} is given twice", column=word.column)
        values[key] = _literal(key, raw, word.column + len(key) + 1)
        typed_as[key] = raw
        columns[key] = word.column
    return Payload(values, typed_as, columns)


def _literal(key: str, raw: str, column: int) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        if raw[:1] in '"[{':
            raise CommandSyntaxError(
                f"malformed JSON in the value of {key!r}: {error.msg}",
                column=column + error.pos,
            ) from None
        return raw

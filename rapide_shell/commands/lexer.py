"""Splitting a command line: comments, words, and ``key=value`` / JSON payloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyrapide.core.json_file import JSONTextError, parse_json
from pyrapide.core.values import MAX_DEPTH
from rapide_shell.commands.errors import CommandSyntaxError

_OPENERS = {"[": "]", "{": "}", "(": ")"}


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
    return split_comment(line)[0]


def split_comment(line: str) -> tuple[str, Word | None]:
    """``line`` without its ``#`` comment and trailing blanks (see :func:`strip_comment`),
    and the comment as typed, from its ``#`` (trailing blanks removed) with its column;
    None when the line has none."""
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
            return line[:index].rstrip(), Word(line[index:].rstrip(), index)
    return line.rstrip(), None


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
    malformed is an error rather than text, since that is nearly always a typo; so are
    NaN and the infinities (no saved computation can hold them), integers too long to
    read and lists and objects nested more than ``MAX_DEPTH`` (100) deep, the payload
    itself counting as one. A field name is any identifier, in any script (``größe=3``),
    given once in either form.
    Raises :class:`CommandSyntaxError` naming the word and column that are wrong.
    """
    stripped = text.strip()
    if not stripped:
        return Payload({})
    lead = offset + len(text) - len(text.lstrip())
    if stripped.startswith("{"):
        try:
            document = parse_json(stripped, MAX_DEPTH)
        except JSONTextError as error:
            if error.kind == "depth":
                message = f"the payload nests lists and objects more than {MAX_DEPTH} deep"
            elif error.kind == "syntax" and error.message.endswith("Extra data"):
                rest = stripped[error.offset :]
                message = (
                    f"unexpected {rest!r} after the JSON payload (a payload is one JSON "
                    "object, or key=value pairs)"
                )
            elif error.kind == "syntax":
                reason = error.message.removeprefix("not valid JSON: ")
                message = f"malformed JSON payload: {reason}"
            elif error.kind == "duplicate" and error.nesting == 1:
                message = f"field {error.key!r} is given twice"
            else:
                message = f"in the payload: {error.message}"
            raise CommandSyntaxError(message, column=lead + error.offset) from None
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
        if not key.isidentifier():
            raise CommandSyntaxError(f"{key!r} is not a field name", column=word.column)
        if key in values:
            raise CommandSyntaxError(f"field {key!r} is given twice", column=word.column)
        if not raw:
            raise CommandSyntaxError(
                f'{key}= has no value (for an empty text, write {key}="")',
                column=word.column + len(word.text),
            )
        values[key] = _literal(key, raw, word.column + len(key) + 1)
        typed_as[key] = raw
        columns[key] = word.column
    return Payload(values, typed_as, columns)


def quoted_word(text: str, quote: str = "") -> str:
    """``text`` (a file name) as one word of a command line, as :func:`split_words` and
    ``unquote`` read it back: as it is, or in quotes when it holds a blank or a quote
    or ``quote`` is given (``'`` when it holds ``"``)."""
    if not quote and not any(char.isspace() or char in "\"'" for char in text):
        return text
    quote = quote or ("'" if '"' in text else '"')
    return quote + text + quote


def typed_value(raw: str) -> Any:
    """What ``raw`` stands for as the value of a field: a JSON literal (``42``, ``true``,
    ``[1]``), else the text itself. Raises JSONTextError when ``raw`` starts like JSON
    (``"``, ``[``, ``{``) but is malformed, or holds what no payload may (NaN, an
    integer too long to read, nesting past ``MAX_DEPTH`` with the payload around it)."""
    try:
        return parse_json(raw, MAX_DEPTH - 1)  # the payload around it is the first level
    except JSONTextError as error:
        # (A tuple, not a string: "" is in every string, and empty text is text.)
        if error.kind == "syntax" and raw.lstrip()[:1] not in ('"', "[", "{"):
            return raw  # plain text
        raise


def _literal(key: str, raw: str, column: int) -> Any:
    try:
        return typed_value(raw)
    except JSONTextError as error:
        message = error.message.removeprefix("not valid JSON: ")
        if error.kind == "syntax":
            message = f"malformed JSON in the value of {key!r}: {message}"
        elif error.kind == "depth":
            message = (
                f"the value of {key!r} nests lists and objects more than {MAX_DEPTH} deep "
                "(the payload counting as one)"
            )
        elif error.kind == "constant" and error.offset == 0:
            message += f" (for the text, quote it: {key}=\"{raw}\")"
        else:
            message = f"in the value of {key!r}: {message}"
        raise CommandSyntaxError(message, column=column + error.offset) from None

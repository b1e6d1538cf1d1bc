"""JSON text read once, every failure located: saved computations and typed payloads.

:func:`parse_json` parses text once with the standard library's C parser and turns
whatever that refuses into one :class:`JSONTextError` with a line, a column and what
is wrong: bad JSON, NaN or Infinity (JSON has neither, and a computation holding one
could not be saved again), an integer too long for Python to read, nesting deeper
than a payload may go (:data:`~pyrapide.core.values.MAX_DEPTH`), or an object naming
one key twice (the parser would keep the last value and drop the others unsaid). Only
a failure costs a second look at the text, to find where it is. The workbench parses typed payloads
with it.

:func:`read_json_file` reads a saved computation whole (its text is the largest thing
held while it is parsed: twice the file's size in memory for the moment the bytes are
decoded, when the text is ASCII; Python stores every character of a text as wide as
its widest, so one character beyond ASCII makes it more, up to six times the file's
size for one emoji among ASCII text) and reports as
:class:`~pyrapide.core.errors.ComputationFileError`, naming the path once.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from typing import Any, Final, NoReturn

from pyrapide.core.errors import ComputationFileError
from pyrapide.core.values import MAX_DEPTH

DOCUMENT_DEPTH: Final = 4
"""How deep a payload sits in the document: ``{"poset": {"events": [{"payload": ...``."""

# Strings (read whole, a key with its colon), brackets, the constants JSON lacks, and
# numbers.
_TOKEN: Final = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?|[\[\]{}]|-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?'
)


class JSONTextError(ValueError):
    """JSON text that is refused: ``message`` says why, ``offset`` (0-based), ``line`` and
    ``column`` (1-based) say where. ``kind`` is "syntax" (not JSON at all), "constant"
    (NaN or an infinity), "integer" (too long to read), "depth" (nested too deeply) or
    "duplicate" (a key given twice in one object: then ``key`` is the key, ``first``
    the line and column of its first place, and ``nesting`` how many lists and objects
    hold it, 1 for a key of the outermost object)."""

    def __init__(self, message: str, text: str, offset: int, kind: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.offset = offset
        self.line, self.column = _line_and_column(text, offset)
        self.key: str | None = None
        self.first: tuple[int, int] | None = None
        self.nesting = 0


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _NotJSONConstant(Exception):
    """NaN, Infinity or -Infinity met by the parser."""


def _refuse_constant(name: str) -> NoReturn:
    raise _NotJSONConstant(name)


class _KeyGivenTwice(Exception):
    """An object naming one key twice, met by the parser."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The dict the parser builds for an object, unless the object names a key twice."""
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _KeyGivenTwice
    return mapping


def parse_json(text: str, max_depth: int = MAX_DEPTH, *, exact_depth: bool = True) -> Any:
    """The value the JSON ``text`` holds, parsed by the standard library's C parser.

    Raises :class:`JSONTextError` for malformed JSON, NaN and the infinities (JSON has
    neither), an integer longer than Python reads, an object that names a key twice,
    and lists and objects nested more than ``max_depth`` deep. With ``exact_depth``
    False only nesting deep enough to stop the parser is found here (a caller that
    checks depth itself, as loading a whole file does, spares the second look at the
    text).
    """
    try:
        value = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_object)
    except json.JSONDecodeError as error:
        hint = " (the text looks truncated)" if _runs_off_the_end(text, error) else ""
        # Python's message for a control character ends "at", the place it stood in
        # written after it; here the place is given apart (line and column).
        reason = "Invalid control character" if error.msg == "Invalid control character at" \
            else error.msg
        raise JSONTextError(f"not valid JSON: {reason}{hint}", text, error.pos) from None
    except (_NotJSONConstant, _KeyGivenTwice, RecursionError, ValueError):
        # NaN or Infinity, a key given twice, nesting deeper than the parser goes, or an
        # integer longer than Python reads: found again, this time with its place.
        raise _located_failure(text, max_depth) from None
    if exact_depth and text.count("[") + text.count("{") > max_depth:
        problem = _first_refused(text, max_depth)
        if problem is not None:
            raise problem
    return value


def _runs_off_the_end(text: str, error: json.JSONDecodeError) -> bool:
    """True when the parser stopped for want of more text: at the end, or in a string
    that nothing after it closes."""
    if error.pos >= len(text.rstrip()):
        return True
    rest = text[error.pos + 1 :]
    return error.msg.startswith("Unterminated string") and '"' not in rest and "\n" not in rest


def read_json_file(path: str) -> Any:
    """The document in the JSON file at ``path``.

    Raises ComputationFileError for a missing file, a directory, a FIFO or device
    (never read: it could block or never end), bytes that are not UTF-8, a file too
    large for memory, and any JSON :func:`parse_json` refuses (with line and column);
    the depth of payloads is left to the caller, who checks it as events are built.
    """
    text = _read_text(path)
    try:
        return parse_document(text, path, "file")
    except MemoryError:
        raise ComputationFileError(f"{path}: too large to load into memory") from None


def parse_document(text: str, source: str, kind: str = "text") -> Any:
    """The saved computation's document that ``text`` holds (read from ``source``, a
    ``kind`` of thing: "file", "text"), parsed as :func:`parse_json` parses, leaving
    the depth of payloads to the caller.

    Raises ComputationFileError ``source:line:column: what is wrong``.
    """
    try:
        return parse_json(text, MAX_DEPTH + DOCUMENT_DEPTH, exact_depth=False)
    except JSONTextError as error:
        message = error.message.replace("the text looks", f"the {kind} looks")
        if error.first is not None:
            message += f" (first at line {error.first[0]}, column {error.first[1]})"
        raise ComputationFileError(
            f"{source}:{error.line}:{error.column}: {message}", not_json=error.kind == "syntax"
        ) from None


def _read_text(path: str) -> str:
    try:
        entry = os.stat(path)
    except FileNotFoundError:
        raise ComputationFileError(f"{path}: no such file") from None
    except OSError as error:
        raise ComputationFileError(f"{path}: cannot read: {error.strerror}") from None
    if stat.S_ISDIR(entry.st_mode):
        raise ComputationFileError(f"{path}: is a directory, not a saved computation")
    if not stat.S_ISREG(entry.st_mode):
        raise ComputationFileError(
            f"{path}: not a regular file (a FIFO or a device), so not a saved computation"
        )
    try:
        with open(path, "rb") as stream:
            data = stream.read()
        # utf-8-sig: a byte order mark some editors write is not part of the JSON.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ComputationFileError(
            f"{path}: not UTF-8 text (bad byte at offset {error.start})"
        ) from None
    except MemoryError:
        raise ComputationFileError(f"{path}: too large to load into memory") from None
    except OSError as error:
        raise ComputationFileError(f"{path}: cannot read: {error.strerror}") from None


def _located_failure(text: str, max_depth: int) -> JSONTextError:
    """The first place in ``text`` that the parser refuses (a NaN or an Infinity, an
    integer too long to read, a key given twice, or nesting deeper than ``max_depth``),
    placed."""
    found = _first_refused(text, max_depth)
    # Else the parser ran out of stack before max_depth (the stack was deep already).
    return found or JSONTextError("nested too deeply to read", text, 0, "depth")


def _first_refused(text: str, max_depth: int) -> JSONTextError | None:
    digits = sys.get_int_max_str_digits() or sys.maxsize
    # One entry per list or object the scan is inside: an object's keys (as read, with
    # where each was), None for a list.
    inside: list[dict[str, int] | None] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            keys = inside[-1] if inside else None
            if match.group(1) is not None and keys is not None:
                twice = _key_given_twice(text, match, keys)
                if twice is not None:
                    twice.nesting = len(inside)
                    return twice
            continue
        if first in "[{":
            inside.append({} if first == "{" else None)
            if len(inside) > max_depth:
                return JSONTextError(_too_deep(max_depth), text, match.start(), "depth")
        elif first in "]}":
            if inside:
                inside.pop()
        elif token in ("NaN", "Infinity", "-Infinity"):
            return JSONTextError(
                f"{token} is not a JSON number; only finite numbers can be saved",
                text,
                match.start(),
                "constant",
            )
        elif len(token.lstrip("-")) > digits and token.lstrip("-").isdigit():
            return JSONTextError(
                f"an integer of {len(token.lstrip('-'))} digits, longer than the "
                f"{digits} Python reads",
                text,
                match.start(),
                "integer",
            )
    return None


def _key_given_twice(text: str, match: re.Match[str], keys: dict[str, int]) -> JSONTextError | None:
    """The error for the key ``match`` reads when ``keys`` (those its object named before
    it, with their offsets) holds it already; else None, the key added to ``keys``."""
    try:
        key = json.loads(match.group()[: match.start(1) - match.start()])
    except ValueError:  # an escape JSON refuses: the parser says so
        return None
    if key not in keys:
        keys[key] = match.start()
        return None
    error = JSONTextError(
        f"the key {key!r} is given twice in one object", text, match.start(), "duplicate"
    )
    error.key, error.first = key, _line_and_column(text, keys[key])
    return error


def _too_deep(max_depth: int) -> str:
    message = f"nested too deeply: more than {max_depth} lists and objects inside one another"
    if max_depth > MAX_DEPTH:  # a whole file: say what the limit means for a payload
        message += f" (payloads may nest {MAX_DEPTH} deep)"
    return message

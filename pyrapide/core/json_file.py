"""JSON text read once, every failure located: saved computations and typed payloads.

:func:`parse_json` parses text once with the standard library's C parser and turns
whatever that refuses into one :class:`JSONTextError` with a line, a column and what
is wrong: bad JSON, NaN or Infinity (JSON has neither, and a computation holding one
could not be saved again), an integer too long for Python to read, or nesting deeper
than a payload may go (:data:`~pyrapide.core.values.MAX_DEPTH`). Only a failure costs
a second look at the text, to find where it is. The workbench parses typed payloads
with it.

:func:`read_json_file` reads a saved computation whole (its text is the largest thing
held while it is parsed: at most twice the file's size in memory, for the moment the
bytes are decoded) and reports as :class:`~pyrapide.core.errors.ComputationFileError`,
naming the path once.
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

# Strings (skipped whole), brackets, the constants JSON lacks, and numbers.
_TOKEN: Final = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?'
)
class JSONTextError(ValueError):
    """JSON text that is refused: ``message`` says why, ``offset`` (0-based), ``line`` and
    ``column`` (1-based) say where. ``kind`` is "syntax" (not JSON at all), "constant"
    (NaN or an infinity), "integer" (too long to read) or "depth" (nested too deeply)."""

    def __init__(self, message: str, text: str, offset: int, kind: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.offset = offset
        self.line = text.count("\n", 0, offset) + 1
        self.column = offset - (text.rfind("\n", 0, offset) + 1) + 1


class _NotJSONConstant(Exception):
    """NaN, Infinity or -Infinity met by the parser."""


def _refuse_constant(name: str) -> NoReturn:
    raise _NotJSONConstant(name)


def parse_json(text: str, max_depth: int = MAX_DEPTH, *, exact_depth: bool = True) -> Any:
    """The value the JSON ``text`` holds, parsed by the standard library's C parser.

    Raises :class:`JSONTextError` for malformed JSON, NaN and the infinities (JSON has
    neither), an integer longer than Python reads, and lists and objects nested more
    than ``max_depth`` deep. With ``exact_depth`` False only nesting deep enough to
    stop the parser is found here (a caller that checks depth itself, as loading a
    whole file does, spares the second look at the text).
    """
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        hint = " (the text looks truncated)" if _runs_off_the_end(text, error) else ""
        raise JSONTextError(f"not valid JSON: {error.msg}{hint}", text, error.pos) from None
    except (_NotJSONConstant, RecursionError, ValueError):
        # NaN or Infinity, nesting deeper than the parser goes, or an integer longer
        # than Python reads: found again, this time with its place.
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
        return parse_json(text, MAX_DEPTH + DOCUMENT_DEPTH, exact_depth=False)
    except JSONTextError as error:
        message = error.message.replace("the text looks", "the file looks")
        raise ComputationFileError(
            f"{path}:{error.line}:{error.column}: {message}", not_json=error.kind == "syntax"
        ) from None
    except MemoryError:
        raise ComputationFileError(f"{path}: too large to load into memory") from None


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
    integer too long to read, or nesting deeper than ``max_depth``), placed."""
    found = _first_refused(text, max_depth)
    # Else the parser ran out of stack before max_depth (the stack was deep already).
    return found or JSONTextError("nested too deeply to read", text, 0, "depth")


def _first_refused(text: str, max_depth: int) -> JSONTextError | None:
    digits = sys.get_int_max_str_digits() or sys.maxsize
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            continue
        if first in "[{":
            depth += 1
            if depth > max_depth:
                return JSONTextError(_too_deep(max_depth), text, match.start(), "depth")
        elif first in "]}":
            depth -= 1
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


def _too_deep(max_depth: int) -> str:
    message = f"nested too deeply: more than {max_depth} lists and objects inside one another"
    if max_depth > MAX_DEPTH:  # a whole file: say what the limit means for a payload
        message += f" (payloads may nest {MAX_DEPTH} deep)"
    return message

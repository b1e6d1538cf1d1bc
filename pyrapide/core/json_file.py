"""Reading the JSON text of a saved computation: parsed once, every failure located.

The file is read whole (its text is the largest thing held while it is parsed: at
most twice the file's size in memory, for the moment the bytes are decoded) and
parsed once by the standard library's C parser. Whatever that refuses comes back as
one :class:`~pyrapide.core.errors.ComputationFileError` naming the path once, the line
and column, and what is wrong: bad JSON, NaN or Infinity (JSON has neither, and a
computation holding one could not be saved again), an integer too long for Python to
read, or nesting deeper than a payload may go. Only a failure costs a second look at
the text, to find where it is.
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
class _NotJSONConstant(Exception):
    """NaN, Infinity or -Infinity met by the parser."""


def _refuse_constant(name: str) -> NoReturn:
    raise _NotJSONConstant(name)


def read_json_file(path: str) -> Any:
    """The document in the JSON file at ``path``.

    Raises ComputationFileError for a missing file, a directory, a FIFO or device
    (never read: it could block or never end), bytes that are not UTF-8, a file too
    large for memory, and any JSON the parser refuses (with line and column).
    """
    text = _read_text(path)
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        hint = " (the file looks truncated)" if error.pos >= len(text.rstrip()) else ""
        raise ComputationFileError(
            f"{path}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}{hint}"
        ) from None
    except (_NotJSONConstant, RecursionError, ValueError):
        # NaN or Infinity, nesting deeper than the parser goes, or an integer longer
        # than Python reads: found again, this time with its place.
        raise _located_failure(path, text) from None
    except MemoryError:
        raise ComputationFileError(f"{path}: too large to load into memory") from None
    return document


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


def _located_failure(path: str, text: str) -> ComputationFileError:
    """The error for the first place in ``text`` that the parser refuses: a NaN or an
    Infinity, an integer too long to read, or nesting deeper than the documented limit."""
    limit = MAX_DEPTH + DOCUMENT_DEPTH
    digits = sys.get_int_max_str_digits() or sys.maxsize
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            continue
        if first in "[{":
            depth += 1
            if depth > limit:
                return _at(
                    path,
                    text,
                    match.start(),
                    f"nested too deeply: more than {limit} lists and objects inside one "
                    f"another (payloads may nest {MAX_DEPTH} deep)",
                )
        elif first in "]}":
            depth -= 1
        elif token in ("NaN", "Infinity", "-Infinity"):
            return _at(
                path,
                text,
                match.start(),
                f"{token} is not a JSON number; a saved computation holds finite numbers only",
            )
        elif len(token.lstrip("-")) > digits and token.lstrip("-").isdigit():
            return _at(
                path,
                text,
                match.start(),
                f"an integer of {len(token.lstrip('-'))} digits, longer than the "
                f"{digits} Python reads",
            )
    # The parser ran out of stack before the documented limit (a deep stack already).
    return ComputationFileError(f"{path}: nested too deeply to read")


def _at(path: str, text: str, offset: int, message: str) -> ComputationFileError:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return ComputationFileError(f"{path}:{line}:{column}: {message}")

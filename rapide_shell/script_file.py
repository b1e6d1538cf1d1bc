"""Script files: reading one as numbered lines, as ``rapide run`` and ``rapide explore`` do."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from rapide_shell.commands.lexer import strip_comment


class ScriptFileError(Exception):
    """The script file cannot be read; ``str(error)`` is one line for the user."""


@dataclass
class ScriptLine:
    """One line of a script: its number (from 1) and its text."""

    number: int
    text: str

    @property
    def is_command(self) -> bool:
        """False for blank lines and comments."""
        return bool(strip_comment(self.text).strip())


STDIN = "-"
"""The script name that stands for the standard input (``rapide run --script -``)."""
STDIN_NAME = "<stdin>"
"""How messages name a script read from the standard input."""


SCRIPT_LIMIT = 64 * 1024 * 1024
"""The most a script may hold (64 MiB): a longer one is refused, not read on (a
pipe or a device such as ``/dev/zero`` may never end)."""


_NOT_SCRIPTS = {
    ".py": "an architecture file, not a script of commands (the architecture comes first: "
    "rapide run ARCHITECTURE --script SCRIPT)",
    ".json": "a saved computation or a JSON document, not a script of commands (`load FILE` "
    "reads a saved computation into a session)",
}
"""What a file given as a script is, by its suffix, when it cannot be one: its first
line would be refused as an unknown command (``from``, ``{"format":``)."""


def read_script(path: str | Path) -> list[ScriptLine]:
    """The lines of the script at ``path`` (:data:`STDIN`: read from the standard
    input, to its end); ScriptFileError if it cannot be read, is a Python or JSON file
    (an architecture file or a saved computation given in its place), or holds more
    than :data:`SCRIPT_LIMIT` bytes."""
    file = Path(path)
    try:
        if str(path) == STDIN:
            file = Path(STDIN_NAME)
            if sys.stdin is None:  # started with it closed (`<&-`)
                raise ScriptFileError(f"{file}: the standard input is closed, so no script")
            data = sys.stdin.buffer.read(SCRIPT_LIMIT + 1)
        else:
            with file.open("rb") as stream:  # a named pipe too: read as it comes
                data = stream.read(SCRIPT_LIMIT + 1)
        if len(data) > SCRIPT_LIMIT:
            raise ScriptFileError(f"{file}: more than 64 MiB, too large for a script")
        not_a_script = _NOT_SCRIPTS.get(file.suffix.lower()) if str(path) != STDIN else None
        if not_a_script is not None:
            raise ScriptFileError(f"{file}: {not_a_script}")
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ScriptFileError(f"{file}: no such script") from None
    except IsADirectoryError:
        raise ScriptFileError(f"{file}: is a directory, not a script") from None
    except UnicodeDecodeError as error:
        raise ScriptFileError(f"{file}:{_not_utf8(data, error.start)}") from None
    except OSError as error:
        raise ScriptFileError(f"{file}: cannot be read ({error.strerror})") from None
    return [ScriptLine(number, line) for number, line in enumerate(script_lines(text), 1)]


def _not_utf8(data: bytes, start: int) -> str:
    """``2: not UTF-8 text (the byte 0xe9 at column 9) ...``: where in ``data`` its first
    byte that is not UTF-8 (at offset ``start``) is, by line and column as an editor
    counts them, so that a script saved in another encoding (``café`` in Latin-1) is
    found and fixed rather than taken for a file that is not text."""
    before = script_lines(data[:start].decode("utf-8") + "\n")
    line, column = len(before), len(before[-1]) + 1
    return (
        f"{line}: not UTF-8 text (the byte 0x{data[start]:02x} at column {column}); "
        "save the script as UTF-8"
    )


def script_lines(text: str) -> list[str]:
    """The lines of a script's ``text``: split at line feeds, carriage returns and the
    two together (as Unix, old Mac and Windows editors end lines; no line can hold a
    carriage return of its own), not at the other characters ``str.splitlines`` takes
    for line ends (``\\x85``, ``\\u2028``, ...), which a payload's string may hold. A
    byte order mark that opens the text (as some editors save UTF-8) is no part of the
    first line."""
    text = text.removeprefix("\ufeff")
    lines = _LINE_END.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


_LINE_END = re.compile("\r\n|\r|\n")
"""What ends a line of a script."""

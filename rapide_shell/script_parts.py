"""The parts of a narrated script, and the line a played script starts from.

A lesson holds for the presenter at each ``wait``: what comes before a ``wait`` is one
part of it, and the next part begins on the line after. Part 1 begins on the script's
first line; a script without a ``wait`` is one part. ``--from`` names where to start
playing as a class remembers it (part 3), or as a stopped script said it (``line:17``):
:func:`start_line` turns either into a line number, and the lines above it are replayed
quickly (see :func:`rapide_shell.script.play`), so the run is where playing would have
brought it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyrapide.core.printable import counted
from rapide_shell.commands.builtin.narrating import command_word
from rapide_shell.script_file import ScriptLine

LINE_PREFIX = "line:"
"""How ``--from`` names a line rather than a part: ``line:17``."""


class StartError(ValueError):
    """A start that is not in the script; ``str(error)`` is one line for the user."""


@dataclass(frozen=True)
class ScriptPart:
    """One part of a script: its number (from 1), and its first and last lines (the last
    is its ``wait``, or the script's last line)."""

    number: int
    first_line: int
    last_line: int


def script_parts(lines: list[ScriptLine]) -> list[ScriptPart]:
    """The parts of the script ``lines``, in order: each ``wait`` ends one. What follows
    the last ``wait`` is a part only if it holds a command (not only comments)."""
    if not lines:
        return []
    parts: list[ScriptPart] = []
    first = lines[0].number
    has_command = False
    for line in lines:
        has_command = has_command or line.is_command
        if command_word(line.text) == "wait":
            parts.append(ScriptPart(len(parts) + 1, first, line.number))
            first, has_command = line.number + 1, False
    if has_command or not parts:
        parts.append(ScriptPart(len(parts) + 1, first, lines[-1].number))
    return parts


def part_holding(lines: list[ScriptLine], number: int) -> ScriptPart:
    """The part line ``number`` belongs to (the last part for a line past the end)."""
    return _holding(script_parts(lines), number)


def line_and_part(lines: list[ScriptLine], number: int) -> str:
    """``line 8 (part 2 of 5)``: how the workbench names line ``number`` of the script
    ``lines``, with the part it belongs to (what ``--from`` takes)."""
    parts = script_parts(lines)
    return f"line {number} (part {_holding(parts, number).number} of {len(parts)})"


def next_part(lines: list[ScriptLine], number: int) -> str:
    """``part 3 of 7``: the part after the one line ``number`` of ``lines`` belongs to
    (where a ``wait`` on that line goes on to); "" when that one is the last."""
    parts = script_parts(lines)
    later = _holding(parts, number).number + 1
    return f"part {later} of {len(parts)}" if later <= len(parts) else ""


def _holding(parts: list[ScriptPart], number: int) -> ScriptPart:
    return next((part for part in parts if number <= part.last_line), parts[-1])


def start_line(lines: list[ScriptLine], wanted: str, script: str) -> int:
    """The line number ``wanted`` names in the script ``lines`` (called ``script`` in
    messages, which the caller opens with ``wanted``): a part's number (``3``: its first
    line) or ``line:N``. Raises :class:`StartError` for anything else, and for a part or
    a line the script does not have."""
    parts = script_parts(lines)
    if not parts:
        raise StartError(f"{script} is empty: there is nothing to play")
    text = wanted.strip()
    is_line = text.startswith(LINE_PREFIX)
    digits = text.removeprefix(LINE_PREFIX).strip() if is_line else text
    if not (digits.isascii() and digits.isdigit()):
        raise StartError(f"not a part (1 to {len(parts)}) nor a line ({LINE_PREFIX}N)")
    # Compared as digits first: int() refuses more than 4300 of them.
    number = int(digits) if len(digits.lstrip("0")) <= 9 else 0
    if is_line:
        if not 1 <= number <= len(lines):
            raise StartError(f"{script} has {counted(len(lines), 'line')}")
        return number
    if not 1 <= number <= len(parts):
        if len(parts) == 1:
            raise StartError(f"{script} has 1 part (it holds for no `wait` before its end)")
        raise StartError(f"{script} has {len(parts)} parts (1 to {len(parts)}; a `wait` "
                         "ends each)")
    return parts[number - 1].first_line

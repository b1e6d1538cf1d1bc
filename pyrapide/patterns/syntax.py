"""The text syntax of patterns: parsing text into pattern values, and its errors."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from pyrapide.core.printable import char_cells

if TYPE_CHECKING:
    from pyrapide.patterns.algebra import Pattern

__all__ = ["MAX_PATTERN_DEPTH", "PatternSyntaxError", "parse_pattern"]

MAX_PATTERN_DEPTH = 100
"""How deep a pattern's text may nest operators, guard conditions and JSON values
inside one another: ``A -> B -> C`` is 2 deep, ``A(x=[[1]])`` 2, ``A where not
?x == 1`` 2. A deeper text is refused with a PatternSyntaxError rather than
parsed, so that nothing that walks a pattern (printing, matching) can run out of stack."""


class PatternSyntaxError(ValueError):
    """A pattern's text is not valid.

    ``text`` is the text, ``column`` the 1-based column of the problem (on line
    ``line`` of a text of several lines) and ``expected`` what would have been
    valid there, in words. ``str(error)`` shows the message, the offending line
    and a caret under the column.
    """

    def __init__(
        self,
        message: str,
        text: str,
        column: int,
        expected: tuple[str, ...] = (),
        line: int = 1,
    ) -> None:
        self.message = message
        self.text = text
        self.column = column
        self.expected = tuple(expected)
        self.line = line
        super().__init__(message)

    def __str__(self) -> str:
        line = "".join(
            " " if char != "\t" and unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
            for char in text_line(self.text, self.line)
        )  # a control character shown as one blank: the caret stays under the column
        # A long line is shown as the stretch of it around the column, "…" where cut.
        start = max(0, min(self.column - 1 - SHOWN_WIDTH // 2, len(line) - SHOWN_WIDTH))
        end = start + SHOWN_WIDTH
        before = ("…" if start else "") + line[start : self.column - 1]
        shown = before + line[self.column - 1 : end] + ("…" if end < len(line) else "")
        return f"{self.message}\n  {shown}\n  {_indent_under(before)}^"


SHOWN_WIDTH = 76
"""How many characters of the offending line a PatternSyntaxError shows at most."""


def text_line(text: str, line: int) -> str:
    """Line ``line`` (from 1; past the end, the last) of ``text`` as the parser counts
    lines: split at "\n" only, so that a lone "\r", a form feed or U+2028 (which
    ``str.splitlines`` would split at too) stays inside its line, where the column is
    counted; without the "\r" of a "\r\n"."""
    lines = text.split("\n")
    return lines[min(line, len(lines)) - 1].removesuffix("\r")


def _indent_under(before: str) -> str:
    """Blanks as wide on a terminal as ``before``, so that a caret after them stands
    under the next character: a tab stays a tab, a wide character (日) takes two
    blanks and a combining one (the accent of e\u0301) none."""
    return "".join("\t" if char == "\t" else " " * char_cells(char) for char in before)


def parse_pattern(text: str) -> Pattern:
    """The pattern written in ``text`` (see :mod:`pyrapide.patterns` for the syntax).

    Raises :class:`PatternSyntaxError` naming the column and what was expected, or
    saying that the text nests deeper than :data:`MAX_PATTERN_DEPTH`.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_pattern needs a string, got {type(text).__name__}")
    if not text.strip():
        raise PatternSyntaxError(
            "Empty pattern: expected an event name, '*' or '('",
            text,
            1,
            ("an event name", "'*'", "'('"),
        )
    # Imported here, not at the top: Lark and the parser it builds cost more than the
    # rest of the package, and many programs never parse a pattern.
    from pyrapide.patterns.parsing import parse

    return parse(text)

"""The errors a command line can raise, each written for the person who typed it."""

from __future__ import annotations

from collections.abc import Iterable


class CommandError(Exception):
    """A command that cannot be parsed or carried out.

    ``message`` is one line for the user; ``column`` (0-based, in the line as typed) points
    at the offending text when known; ``suggestions`` are close matches worth offering.
    """

    def __init__(
        self,
        message: str,
        *,
        column: int | None = None,
        suggestions: Iterable[str] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.suggestions = tuple(suggestions)

    def describe(self) -> str:
        """The message with its suggestions, as one line."""
        if not self.suggestions:
            return self.message
        return f"{self.message}; did you mean {_or_list(self.suggestions)}?"


class CommandSyntaxError(CommandError):
    """A line that is not a well-formed command (raised by the parser, before running)."""


def _or_list(words: tuple[str, ...]) -> str:
    quoted = [f"'{word}'" for word in words]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]

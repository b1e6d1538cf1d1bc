"""The errors a command line can raise, each written for the person who typed it."""

from __future__ import annotations

import difflib
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


def close_matches(word: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The candidates close to ``word`` (difflib ratio 0.6 or more, ignoring case when
    nothing matches with it), best first, at most ``limit``; empty when none is close,
    so that a far-fetched guess is never offered (``nothing`` is not ``continue``)."""
    pool = list(dict.fromkeys(candidates))
    found = difflib.get_close_matches(word, pool, n=limit, cutoff=_CLOSE)
    if not found:
        lowered = {candidate.lower(): candidate for candidate in pool}
        found = [
            lowered[match]
            for match in difflib.get_close_matches(
                word.lower(), list(lowered), n=limit, cutoff=_CLOSE
            )
        ]
    return found


_CLOSE = 0.6
"""How alike (difflib's ratio) a candidate must be to be offered as a close match."""


def _or_list(words: tuple[str, ...]) -> str:
    quoted = [f"'{word}'" for word in words]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]

"""PayloadError: a payload its action refuses (see :mod:`pyrapide.types.payloads`).

It lives apart from the check, which the compiled build compiles: this module stays
Python there, so that a program can subclass PayloadError as it can any exception
(a compiled class cannot be subclassed from Python).
"""

from __future__ import annotations

from collections.abc import Iterable


class PayloadError(ValueError):
    """A payload its action refuses. ``message`` is one line; ``field`` the payload field
    at fault (None for a problem of the whole payload); ``suggestions`` the declared
    field names close to a misspelt one. ``str(error)`` joins the message and the
    suggestions: ``Web.order has no field 'qty' (its fields: item, quantity); did you
    mean 'quantity'?``."""

    def __init__(
        self, message: str, *, field: str | None = None, suggestions: Iterable[str] = ()
    ) -> None:
        self.message = message
        self.field = field
        self.suggestions = tuple(suggestions)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if not self.suggestions:
            return self.message
        quoted = [f"'{word}'" for word in self.suggestions]
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        return f"{self.message}; did you mean {listed}?"

"""Exceptions raised by the causal core."""

from __future__ import annotations


class CausalCycleError(ValueError):
    """Raised when a causal link would make an event (indirectly) cause itself.

    The poset that refused the link is left exactly as it was.
    """


class ComputationFileError(ValueError):
    """Raised when a saved computation cannot be read.

    The message names what is wrong and where: the file path, and the JSON
    line and column or the index and id of the offending event.
    ``to_json_view`` is True when the file is a view written by
    ``visualization.to_json`` (events and edges only), not a saved computation;
    ``not_json`` when its text is not JSON at all (a caller can then say what
    the file is instead).
    """

    def __init__(
        self, message: str, *, to_json_view: bool = False, not_json: bool = False
    ) -> None:
        super().__init__(message)
        self.to_json_view = to_json_view
        self.not_json = not_json

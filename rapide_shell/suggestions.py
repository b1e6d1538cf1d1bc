"""Hints for a word that names nothing: the "did you mean ...?" of every error, and
the forgotten @action of an event name that is a method."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from pyrapide.types import ActionSpec, unmarked_action

CLOSE = 0.6
"""How alike (difflib's ratio) a candidate must be to be offered as a close match."""


def close_matches(word: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The candidates close to ``word`` (difflib ratio 0.6 or more, ignoring case when
    nothing matches with it), best first, at most ``limit``; empty when none is close,
    so that a far-fetched guess is never offered (``nothing`` is not ``continue``)."""
    pool = list(dict.fromkeys(candidates))
    found = difflib.get_close_matches(word, pool, n=limit, cutoff=CLOSE)
    if not found:
        lowered = {candidate.lower(): candidate for candidate in pool}
        found = [
            lowered[match]
            for match in difflib.get_close_matches(
                word.lower(), list(lowered), n=limit, cutoff=CLOSE
            )
        ]
    return found


def unmarked_in(actions: Mapping[str, ActionSpec], name: str) -> str | None:
    """Why ``name`` is no event when it is a method of an interface of ``actions``
    written without @action (see :func:`pyrapide.types.unmarked_action`), else None."""
    return unmarked_action(dict.fromkeys(spec.interface for spec in actions.values()), name)

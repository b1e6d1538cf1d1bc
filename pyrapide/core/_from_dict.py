"""The document a ``from_dict`` is given: ``data``, or ``d`` as PyRapide 0.3.0 named it."""

from __future__ import annotations

from typing import Any

NOT_GIVEN: Any = object()
"""The default of both keywords: neither was given (None is a document, a bad one)."""


def given_document(data: Any, d: Any, caller: str) -> Any:
    """The one of ``data`` and ``d`` that ``caller`` (``Event.from_dict``, ...) was
    given. Raises TypeError, as a call with a missing or repeated argument does, when
    neither or both were."""
    if data is NOT_GIVEN and d is NOT_GIVEN:
        raise TypeError(f"{caller}() missing 1 required argument: 'data'")
    if data is not NOT_GIVEN and d is not NOT_GIVEN:
        raise TypeError(f"{caller}() got the document twice: as 'data' and as 'd', one name for it")
    return data if d is NOT_GIVEN else d

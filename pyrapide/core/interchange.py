"""Events and computations as JSON text, and fresh event ids, for exchange with other programs.

``serialize_computation`` writes the document ``Computation.save`` writes;
``deserialize_computation`` reads it (and PyRapide 0.3.0's ``to_dict()``
documents) with the same checks as ``Computation.load``, so bad text raises
one ``ComputationFileError`` naming what is wrong.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pyrapide.core.errors import ComputationFileError
from pyrapide.core.event import Event
from pyrapide.core.json_file import parse_document
from pyrapide.core.serialization import computation_from_document, computation_to_document

if TYPE_CHECKING:
    from pyrapide.core.computation import Computation

__all__ = [
    "deserialize_computation",
    "deserialize_event",
    "generate_event_id",
    "serialize_computation",
    "serialize_event",
]

_FORMATS = ("json",)


def generate_event_id() -> str:
    """A new globally unique event id (a random UUID, as text)."""
    return str(uuid.uuid4())


def serialize_event(event: Event) -> dict[str, Any]:
    """The event as a JSON-safe dict (``event.to_dict()``)."""
    return event.to_dict()


def deserialize_event(data: Mapping[str, Any]) -> Event:
    """The event a ``serialize_event`` dict describes (``Event.from_dict``)."""
    return Event.from_dict(data)


def _check_format(format: str) -> None:
    if format not in _FORMATS:
        raise ValueError(f"unsupported format {format!r}; supported: {', '.join(_FORMATS)}")


def serialize_computation(computation: Computation, format: str = "json") -> str:
    """The computation as JSON text: every event, every causal link and the clocks.

    Raises ValueError for a format other than ``"json"``.
    """
    _check_format(format)
    return json.dumps(computation_to_document(computation), default=str)


def deserialize_computation(data: str | bytes, format: str = "json") -> Computation:
    """The computation that `data` (JSON text, str or UTF-8 bytes) describes.

    Raises ValueError for a format other than ``"json"`` and
    ComputationFileError (a ValueError) naming the problem for text that is
    not a valid computation document.
    """
    _check_format(format)
    source = "serialized computation"
    if isinstance(data, bytes | bytearray):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ComputationFileError(
                f"{source}: not UTF-8 text (bad byte at offset {error.start})"
            ) from None
    if not isinstance(data, str):
        raise TypeError(
            f"deserialize_computation needs JSON text (str or bytes), got {type(data).__name__}"
        )
    return computation_from_document(parse_document(data, source), source, parsed=True)

"""The immutable causal event."""

from __future__ import annotations

import itertools
import os
import time
import uuid
from collections.abc import Mapping
from typing import Any

from pyrapide.core.frozendict import EMPTY, FrozenDict


def _new_id_source() -> tuple[str, itertools.count[int]]:
    # A random per-process prefix plus a counter: unique across processes and
    # about ten times cheaper than a uuid4 per event.
    return uuid.uuid4().hex[:16], itertools.count(1)


_id_prefix, _id_counter = _new_id_source()


def _reseed_after_fork() -> None:
    global _id_prefix, _id_counter
    _id_prefix, _id_counter = _new_id_source()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reseed_after_fork)


def fresh_event_id() -> str:
    """Return an event id that no other event in any process has been given."""
    return f"{_id_prefix}-{next(_id_counter)}"


def _freeze(value: Mapping[str, Any] | None, field: str) -> FrozenDict:
    if value is None:
        return EMPTY
    if type(value) is FrozenDict:
        return value
    if type(value) is dict:  # the usual case; skips the slower ABC check
        return FrozenDict(value) if value else EMPTY
    if not isinstance(value, Mapping):
        raise TypeError(f"Event {field} must be a mapping, not {type(value).__name__}")
    return FrozenDict(value) if value else EMPTY


class Event:
    """Something that happened: a name, a payload, where it came from and when.

    ``Event("Api.request", {"key": 1})`` and the keyword form
    ``Event(name="Api.request", payload={"key": 1})`` are the same.  Events are
    immutable (assigning an attribute raises ``AttributeError``; ``payload`` and
    ``metadata`` are read-only dicts), hashable, and equal when their ``id`` is.

    ``id`` defaults to a fresh unique string; ``timestamp`` to the wall time
    (``time.time()``).  Causality is not stored on the event: it belongs to the
    ``Poset`` or ``Computation`` that records it.
    """

    __slots__ = ("id", "metadata", "name", "payload", "source", "timestamp")

    id: str
    name: str
    payload: FrozenDict
    source: str
    timestamp: float
    metadata: FrozenDict

    def __init__(
        self,
        name: str,
        payload: Mapping[str, Any] | None = None,
        source: str = "",
        id: str | None = None,
        timestamp: float | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        if type(name) is not str or not name:
            raise TypeError(f"Event name must be a non-empty string, not {name!r}")
        if type(source) is not str:
            raise TypeError(f"Event source must be a string, not {source!r}")
        if id is None:
            id = f"{_id_prefix}-{next(_id_counter)}"
        elif type(id) is not str or not id:
            raise TypeError(f"Event id must be a non-empty string, not {id!r}")
        if timestamp is None:
            timestamp = time.time()
        elif type(timestamp) is not float and (
            isinstance(timestamp, bool) or not isinstance(timestamp, int | float)
        ):
            raise TypeError(f"Event timestamp must be a number, not {timestamp!r}")
        _set_id(self, id)
        _set_name(self, name)
        # The common cases inline (no call): nothing, a plain dict, a frozen one.
        if payload is None:
            _set_payload(self, EMPTY)
        elif type(payload) is dict:
            _set_payload(self, FrozenDict(payload) if payload else EMPTY)
        else:
            _set_payload(self, _freeze(payload, "payload"))
        _set_source(self, source)
        _set_timestamp(self, timestamp if type(timestamp) is float else float(timestamp))
        if metadata is None:
            _set_metadata(self, EMPTY)
        elif type(metadata) is dict:
            _set_metadata(self, FrozenDict(metadata) if metadata else EMPTY)
        else:
            _set_metadata(self, _freeze(metadata, "metadata"))

    def __setattr__(self, attr: str, value: object) -> None:
        raise AttributeError(f"Event is immutable: cannot set {attr!r}")

    def __delattr__(self, attr: str) -> None:
        raise AttributeError(f"Event is immutable: cannot delete {attr!r}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Event):
            return self.id == other.id
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        extra = f", payload={dict(self.payload)!r}" if self.payload else ""
        return f"Event(id={self.id!r}, name={self.name!r}, source={self.source!r}{extra})"

    def __reduce__(self) -> tuple[type[Event], tuple[Any, ...]]:
        return (
            Event,
            (self.name, self.payload, self.source, self.id, self.timestamp, self.metadata),
        )

    def __copy__(self) -> Event:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Event:
        return self

    def to_dict(self) -> dict[str, Any]:
        """Return the event as a plain, JSON-ready dict (the 0.3.0 layout)."""
        return {
            "id": self.id,
            "name": self.name,
            "payload": dict(self.payload),
            "source": self.source,
            "timestamp": self.timestamp,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        """Build an event from ``to_dict()`` output.

        Only ``name`` is required; a missing ``id`` or ``timestamp`` gets a fresh
        one.  Raises ``TypeError``/``ValueError`` naming a field that is missing
        or has the wrong type.
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"an event must be a mapping, not {type(data).__name__}")
        if "name" not in data:
            raise ValueError("an event needs a 'name'")
        unknown = set(data) - _FIELDS
        if unknown:
            raise ValueError(f"unknown event field(s): {', '.join(sorted(unknown))}")
        return cls(
            data["name"],
            data.get("payload"),
            data.get("source", ""),
            data.get("id"),
            data.get("timestamp"),
            data.get("metadata"),
        )


_FIELDS = frozenset(("id", "name", "payload", "source", "timestamp", "metadata"))

# Writing through the slot descriptors bypasses the refusing __setattr__ and is
# about twice as fast as object.__setattr__: construction is on the hot path.
_set_id = Event.__dict__["id"].__set__
_set_name = Event.__dict__["name"].__set__
_set_payload = Event.__dict__["payload"].__set__
_set_source = Event.__dict__["source"].__set__
_set_timestamp = Event.__dict__["timestamp"].__set__
_set_metadata = Event.__dict__["metadata"].__set__

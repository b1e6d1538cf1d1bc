"""The immutable causal event."""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Mapping
from typing import Any

from pyrapide.core._from_dict import NOT_GIVEN, given_document
from pyrapide.core.frozendict import EMPTY, SCALARS, FrozenDict, frozen_mapping
from pyrapide.core.printable import brief_repr, briefly_described, value_repr
from pyrapide.core.values import MAX_DEPTH, payload_problem


def _new_id_source() -> tuple[str, itertools.count[int]]:
    # A random per-process prefix plus a counter: unique across processes and
    # about ten times cheaper than a uuid4 per event. (os.urandom, not the uuid
    # module, whose import costs every program a few milliseconds.)
    return os.urandom(8).hex(), itertools.count(1)


_id_prefix, _id_counter = _new_id_source()


def _reseed_after_fork() -> None:
    global _id_prefix, _id_counter
    _id_prefix, _id_counter = _new_id_source()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reseed_after_fork)


def checked_event(
    name: str,
    payload: dict[str, Any],
    source: str,
    event_id: str,
    timestamp: float,
    metadata: dict[str, Any] | None = None,
) -> Event:
    """``Event(name, payload, source, event_id, timestamp, metadata)`` for fields its
    caller has already checked (a non-empty name, a string source and id, a float
    timestamp, plain dicts): what a running system records on every emit, and a file
    read a column at a time holds, without the per-event checks.

    The lists and mappings inside ``payload`` must already be read-only (FrozenList,
    FrozenDict, as :func:`~pyrapide.core.frozendict.freeze_values` leaves them): what
    is emitted was frozen as it was checked, and nothing here looks again."""
    fields = _EventFields()
    fields.id = event_id
    fields.name = name
    fields.payload = FrozenDict(payload) if payload else EMPTY
    fields.source = source
    fields.timestamp = timestamp
    fields.metadata = _frozen_metadata(metadata, name) if metadata else EMPTY
    fields.__class__ = Event
    return fields  # type: ignore[return-value]


def _freeze(payload: Mapping[str, Any], name: str) -> FrozenDict:
    """A payload read-only all the way down. Event() handles None and plain dicts of
    scalars inline; this is for everything else."""
    if type(payload) is FrozenDict:  # another event's payload, or an unpickled one
        return _read_only(payload, "payload", name)  # itself, unless something inside is not
    if not isinstance(payload, Mapping):
        raise TypeError(f"Event payload must be a mapping, not {type(payload).__name__}")
    return _read_only(payload, "payload", name) if payload else EMPTY


def _frozen_metadata(metadata: Mapping[str, Any], name: str) -> FrozenDict:
    """Metadata read-only all the way down, as payloads are (metadata is rare: no fast
    path)."""
    if not isinstance(metadata, Mapping):
        raise TypeError(f"Event metadata must be a mapping, not {type(metadata).__name__}")
    return _read_only(metadata, "metadata", name) if metadata else EMPTY


def _read_only(mapping: Mapping[str, Any], field: str, name: str) -> FrozenDict:
    """``frozen_mapping(mapping)``; ValueError naming the event and the field when the
    lists and mappings inside nest deeper than Python can copy them."""
    try:
        return frozen_mapping(mapping)
    except RecursionError:
        raise ValueError(
            f"Event {name!r}: its {field} nests lists and mappings too deeply to be "
            f"copied read-only (a file holds at most {MAX_DEPTH} levels)"
        ) from None


class _EventFields:
    """The storage of an ``Event``, writable: filled in, then turned into an Event.

    Assigning six slots through their descriptors from a class that refuses
    ``__setattr__`` costs more than all the rest of building an event; filling
    this twin with plain assignments and then switching the instance's class
    (the layouts are identical, so Python allows it) is about twice as fast.
    """

    __slots__ = ("id", "metadata", "name", "payload", "source", "timestamp")

    id: str
    name: str
    payload: FrozenDict
    source: str
    timestamp: float
    metadata: FrozenDict


class Event(_EventFields):
    """Something that happened: a name, a payload, where it came from and when.

    ``Event("Api.request", {"key": 1})`` and the keyword form
    ``Event(name="Api.request", payload={"key": 1})`` are the same.  Events are
    immutable, however they are made (by hand, by a running system, read from a
    file, unpickled): assigning an attribute raises ``AttributeError``, and
    ``payload`` and ``metadata`` are read-only all the way down, a ``FrozenDict``
    whose lists and mappings, at every level, are read-only copies of those given
    (``FrozenList``, ``FrozenDict``; changing one raises ``TypeError``, and
    ``list(value)`` or ``dict(value)`` is a copy to change). They are still a
    ``list`` and a ``dict`` to ``isinstance``, ``==`` and ``json``. Tuples stay
    tuples of frozen items; an object of another kind (a set, an instance of a class
    of your own: nothing a file can hold) is kept as it is. A payload nesting lists
    and mappings deeper than Python can copy (thousands of levels) is refused with
    ``ValueError``. Events are hashable, and equal when their ``id`` is.

    ``id`` defaults to a fresh unique string; ``timestamp`` to the wall time
    (``time.time()``).  Causality is not stored on the event: it belongs to the
    ``Poset`` or ``Computation`` that records it.
    """

    __slots__ = ()

    def __new__(
        cls,
        name: str,
        payload: Mapping[str, Any] | None = None,
        source: str = "",
        id: str | None = None,
        timestamp: float | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Event:
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
        else:
            if type(timestamp) is not float:
                if isinstance(timestamp, bool) or not isinstance(timestamp, int | float):
                    raise TypeError(f"Event timestamp must be a number, not {timestamp!r}")
                timestamp = float(timestamp)
            # NaN or an infinity, which no file could hold (t - t is 0.0 for any other
            # float). time.time() gives neither: it needs no look.
            if timestamp - timestamp != 0.0:
                raise ValueError(f"Event timestamp must be a finite number, not {timestamp!r}")
        fields = _EventFields()
        fields.id = id
        fields.name = name
        # The common cases inline (no call): nothing, a plain dict of scalars.
        if payload is None:
            fields.payload = EMPTY
        elif type(payload) is dict:
            for value in payload.values():
                if type(value) not in SCALARS:  # a list or a mapping: copied read-only
                    fields.payload = _read_only(payload, "payload", name)
                    break
            else:
                fields.payload = FrozenDict(payload) if payload else EMPTY
        else:
            fields.payload = _freeze(payload, name)
        fields.source = source
        fields.timestamp = timestamp
        fields.metadata = EMPTY if metadata is None else _frozen_metadata(metadata, name)
        if cls is Event:
            fields.__class__ = Event
            return fields  # type: ignore[return-value]
        return _copy_into(object.__new__(cls), fields)

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
        extra = f", payload={value_repr(dict(self.payload))}" if self.payload else ""
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
    def from_dict(
        cls, data: Mapping[str, Any] = NOT_GIVEN, *, d: Mapping[str, Any] = NOT_GIVEN
    ) -> Event:
        """Build an event from ``to_dict()`` output (``data``, or ``d``: PyRapide
        0.3.0's name for it).

        Only ``name`` is required; a missing ``id`` or ``timestamp`` gets a fresh
        one.  Raises ``TypeError``/``ValueError`` naming a field that is missing
        or has the wrong type.
        """
        data = given_document(data, d, "Event.from_dict")
        if not isinstance(data, Mapping):
            raise TypeError(f"an event must be a mapping, not {type(data).__name__}")
        if "name" not in data:
            raise ValueError("an event needs a 'name'")
        unknown = set(data) - EVENT_FIELDS
        if unknown:
            # Named by their reprs: a key of another type (1, a tuple) cannot be sorted
            # with the strings or joined, which raised Python's TypeError instead.
            named = sorted(brief_repr(key) for key in unknown)
            more = f" and {len(named) - 5} more" if len(named) > 5 else ""
            raise ValueError(f"unknown event field(s): {', '.join(named[:5])}{more}")
        return cls(
            data["name"],
            data.get("payload"),
            data.get("source", ""),
            data.get("id"),
            data.get("timestamp"),
            data.get("metadata"),
        )

    # PyRapide 0.3.0's Event was a pydantic model: code written for it calls these.

    def model_dump(
        self, *, mode: str = "python", include: Any = None, exclude: Any = None
    ) -> dict[str, Any]:
        """``to_dict()``, under the pydantic name 0.3.0's Event answered to.

        ``mode`` is "python" or "json" (ValueError for another): "json" promises
        values JSON can write, so an event built by hand with one it cannot (a
        datetime, a set, NaN) raises TypeError naming the event and the value.
        ``include`` and ``exclude`` pick fields as pydantic's do: a set of field names,
        or a dict from field names to True or, for ``payload`` and ``metadata``, to a
        set of their keys (``exclude={"payload": {"secret"}}``). A name that is no
        field of an event is refused with ValueError naming the fields.
        """
        if mode not in ("python", "json"):
            raise ValueError(f"model_dump() mode must be 'python' or 'json', not {mode!r}")
        if mode == "json":
            self._refuse_unwritable()
        return _picked(self.to_dict(), include, exclude, "model_dump()")

    def model_dump_json(
        self, *, indent: int | None = None, include: Any = None, exclude: Any = None
    ) -> str:
        """The event as JSON text (pydantic's name), as pydantic writes it: compact
        unless ``indent`` is given, other than ASCII kept as it is; ``include`` and
        ``exclude`` pick fields as for :meth:`model_dump`.

        An event built by hand may hold values JSON cannot (a datetime, a set, NaN):
        that raises TypeError naming the event and the value, as saving does.
        """
        self._refuse_unwritable()
        separators = (",", ":") if indent is None else None
        return json.dumps(
            _picked(self.to_dict(), include, exclude, "model_dump_json()"),
            indent=indent,
            separators=separators,
            ensure_ascii=False,
        )

    def _refuse_unwritable(self) -> None:
        """Raise TypeError naming this event and its first value JSON cannot write."""
        for field, mapping in (("payload", self.payload), ("metadata", self.metadata)):
            problem = payload_problem(mapping, field)
            if problem is not None:
                raise TypeError(
                    f"cannot write event {self.id!r} ({self.name}) as JSON: its {field} "
                    f"is not JSON ({problem})"
                )

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Event:
        """This event with the fields ``update`` gives replaced (pydantic's name).

        As with 0.3.0's Event the id is kept unless ``update`` gives one, so the
        copy equals the original. ``deep`` changes nothing: an event is read-only
        all the way down. The new fields are checked as ``Event()`` checks them;
        a field events do not have raises TypeError.
        """
        if update is not None and not isinstance(update, Mapping):
            raise TypeError(
                "model_copy(): update must be a mapping of event fields to values, got "
                + briefly_described(update)
            )
        if not update:
            return self
        unknown = sorted(set(update) - EVENT_FIELDS)
        if unknown:
            raise TypeError(
                f"model_copy() cannot update {', '.join(map(repr, unknown))}: "
                f"an event's fields are {', '.join(sorted(EVENT_FIELDS))}"
            )
        fields = {field: getattr(self, field) for field in EVENT_FIELDS}
        return type(self)(**{**fields, **update})

    @classmethod
    def model_validate(cls, obj: Any) -> Event:
        """``from_dict(obj)`` under pydantic's name; an event is returned as it is."""
        return obj if isinstance(obj, cls) else cls.from_dict(obj)


EVENT_FIELDS = frozenset(("id", "name", "payload", "source", "timestamp", "metadata"))


def _picked(data: dict[str, Any], include: Any, exclude: Any, method: str) -> dict[str, Any]:
    """``data`` (an event's ``to_dict()``) with the fields ``include`` keeps and
    ``exclude`` drops, read as pydantic reads them (see ``Event.model_dump``)."""
    if include is not None:
        chosen = _field_choice(include, "include", method)
        data = {
            field: value if keys is True else {k: value[k] for k in value if k in keys}
            for field, value in data.items()
            if (keys := chosen.get(field)) is not None
        }
    if exclude is not None:
        chosen = _field_choice(exclude, "exclude", method)
        data = {
            field: value if keys is None else {k: value[k] for k in value if k not in keys}
            for field, value in data.items()
            if (keys := chosen.get(field)) is not True
        }
    return data


def _field_choice(choice: Any, argument: str, method: str) -> dict[str, Any]:
    """``choice`` as a dict from field names to True (the whole field) or a set of
    keys (of ``payload`` or ``metadata``); TypeError or ValueError naming what is wrong."""
    def wrong(what: str) -> TypeError:
        return TypeError(
            f"{method}: {argument} takes a set of field names or a dict of them, {what}"
        )

    if isinstance(choice, Mapping):
        items = dict(choice)
    elif isinstance(choice, str) or not isinstance(choice, (set, frozenset, list, tuple)):
        raise wrong(f"got {briefly_described(choice)}")
    else:
        items = dict.fromkeys(choice, True)
    unknown = sorted(map(str, set(items) - EVENT_FIELDS))
    if unknown:
        raise ValueError(
            f"{method}: {argument} names {', '.join(map(repr, unknown))}, which is no field "
            f"of an event; its fields are {', '.join(sorted(EVENT_FIELDS))}"
        )
    chosen: dict[str, Any] = {}
    for field, keys in items.items():
        if keys is True:
            chosen[field] = True
        elif field in ("payload", "metadata") and isinstance(keys, Mapping):
            chosen[field] = {key for key, whole in keys.items() if whole is True}
        elif field in ("payload", "metadata") and isinstance(keys, (set, frozenset, list, tuple)):
            chosen[field] = set(keys)
        else:
            raise wrong(f"and {field!r} is given {briefly_described(keys)}")
    return chosen
"""The keys of ``Event.to_dict()``: every field an event document may have."""


def events_from_columns(
    ids: list[str],
    names: list[str],
    payloads: list[dict[str, Any]],
    sources: list[str],
    timestamps: list[float],
    metadata: list[dict[str, Any]],
) -> list[Event]:
    """Build many events at once from fields whose types the caller has checked.

    ids and names are non-empty ``str``, sources ``str``, timestamps ``float``,
    payloads and metadata plain ``dict``s, the lists and mappings inside the
    payloads already read-only (as :func:`~pyrapide.core.frozendict.freeze_values`
    leaves them; see :func:`checked_event`).  Reading a file checks these a column
    at a time, so the per-event checks of ``Event()`` would only repeat them.
    """
    return [
        checked_event(name, payload, source, event_id, stamp, meta)
        for event_id, name, payload, source, stamp, meta in zip(
            ids, names, payloads, sources, timestamps, metadata, strict=True
        )
    ]


def _copy_into(event: Event, fields: _EventFields) -> Event:
    """Fill an instance of a subclass of Event (whose layout may differ) from ``fields``."""
    for slot in _EventFields.__slots__:
        _EventFields.__dict__[slot].__set__(event, getattr(fields, slot))
    return event

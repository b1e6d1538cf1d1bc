"""Placeholders, pattern matches and the value rules that bindings follow."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from pyrapide.core.printable import brief_repr, value_repr

__all__ = ["PatternMatch", "Placeholder", "placeholder"]


class Placeholder:
    """A variable in a pattern: it binds to the value it meets and must agree elsewhere.

    Two placeholders are equal when their names are; ``placeholder("k")`` used in
    both sides of a composite pattern means "the same value on both sides".
    """

    __slots__ = ("name",)
    name: str

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"a placeholder name must be an identifier, got {brief_repr(name)}")
        object.__setattr__(self, "name", name)

    def __setattr__(self, attr: str, value: Any) -> None:
        raise AttributeError("Placeholder is immutable")

    def __reduce__(self) -> tuple[type[Placeholder], tuple[str]]:
        return (Placeholder, (self.name,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Placeholder) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("?", self.name))

    def __repr__(self) -> str:
        return f"placeholder({self.name!r})"

    def __str__(self) -> str:
        return "?" + self.name


def placeholder(name: str) -> Placeholder:
    """Return the placeholder called ``name`` (``placeholder("k")`` is written ``?k`` in text)."""
    return Placeholder(name)


def freeze(value: Any) -> Any:
    """Return a hashable stand-in for a payload value, equal exactly when the values agree.

    Values agree as JSON values do: ``1 == 1.0`` but ``true`` is not ``1``; lists and
    tuples are the same JSON array. Objects that are not JSON-like agree by equality
    when hashable, else by identity.
    """
    if isinstance(value, bool):
        return ("bool", value)
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        return ("nan",) if math.isnan(value) else value
    if isinstance(value, (list, tuple)):
        return ("list", tuple(freeze(item) for item in value))
    if isinstance(value, Mapping):
        return ("dict", frozenset((key, freeze(item)) for key, item in value.items()))
    try:
        hash(value)
    except TypeError:
        return ("object", id(value))
    return value


def merge_bindings(left: Mapping[str, Any], right: Mapping[str, Any]) -> dict[str, Any] | None:
    """Combine two sets of bindings, or return None when a shared name disagrees."""
    if not right:
        return dict(left)
    merged = dict(left)
    for name, value in right.items():
        if name in merged:
            if freeze(merged[name]) != freeze(value):
                return None
        else:
            merged[name] = value
    return merged


class PatternMatch:
    """One match of a pattern: the events it used and the values its placeholders bound.

    ``events`` is a tuple in recording order; ``bindings`` maps placeholder names to
    values. So that a guard may be written over the event as well as over the match,
    a match also offers ``event``, ``name``, ``payload``, ``source``, ``id``,
    ``timestamp`` and ``metadata``: for a one-event match those of its event; for a
    multi-event match those of its *last* event in recording order (the event that
    completed the match).
    """

    __slots__ = ("_bindings", "_events", "_hash", "_identity_key")

    def __init__(self, events: Iterable[Any], bindings: Mapping[str, Any] | None = None) -> None:
        self._events = tuple(events)
        # None until read, for a match that binds nothing (the usual delivery's).
        self._bindings: dict[str, Any] | None = dict(bindings) if bindings else None
        self._hash: int | None = None
        self._identity_key: Any = None

    @property
    def events(self) -> tuple[Any, ...]:
        """The matched events, in recording order."""
        return self._events

    @property
    def bindings(self) -> dict[str, Any]:
        """Placeholder name -> the value it bound."""
        if self._bindings is None:
            self._bindings = {}
        return self._bindings

    def binds_nothing(self) -> bool:
        """True when no placeholder bound a value (asked without making ``bindings``)."""
        return not self._bindings

    # What follows reads the last event directly, not through ``event`` and ``events``:
    # a handler reads ``match.payload`` on every delivery, and each property is a call
    # in Python. (``events`` still answers where ``_events`` is empty: a GrowingMatch
    # builds its events when first read.)

    @property
    def event(self) -> Any:
        """The match's only event, or for a multi-event match its last in recording order."""
        return (self._events or self.events)[-1]

    @property
    def name(self) -> str:
        """The name of :attr:`event`."""
        return (self._events or self.events)[-1].name

    @property
    def payload(self) -> Any:
        """The payload of :attr:`event`."""
        return (self._events or self.events)[-1].payload

    @property
    def source(self) -> str:
        """The source of :attr:`event`."""
        return (self._events or self.events)[-1].source

    @property
    def id(self) -> str:
        """The id of :attr:`event`."""
        return (self._events or self.events)[-1].id

    @property
    def timestamp(self) -> float:
        """The timestamp of :attr:`event`."""
        return (self._events or self.events)[-1].timestamp

    @property
    def metadata(self) -> Any:
        """The metadata of :attr:`event`."""
        return (self._events or self.events)[-1].metadata

    def _identity(self) -> Any:
        if self._identity_key is None:
            self._identity_key = (
                tuple(event.id for event in self.events),
                frozenset((name, freeze(value)) for name, value in self.bindings.items()),
            )
        return self._identity_key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PatternMatch):
            return NotImplemented
        return self._identity() == other._identity()

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self._identity())
        return self._hash

    def __len__(self) -> int:
        return len(self.events)

    def __repr__(self) -> str:
        ids = ", ".join(str(event.id) for event in self.events)
        return f"PatternMatch(events=[{ids}], bindings={value_repr(self.bindings)})"


class GrowingMatch(PatternMatch):
    """A match gathering the first ``count`` occurrences of a shared, growing list (``repeat``).

    Reporting a grown match costs O(1); its events and bindings are built when
    first read, so a long run of occurrences costs quadratic time only if every
    reported match is inspected. Its last event, and its ``payload``, ``name`` and
    the rest (a guard's usual reading), are read without building them. Bindings
    map each placeholder to the list of the values it bound, one per occurrence
    that bound it, in completion order.
    """

    __slots__ = ("_count", "_occurrences", "_seq_of")

    def __init__(self, occurrences: list[PatternMatch], count: int, seq_of: Any) -> None:
        super().__init__((), None)
        self._occurrences = occurrences
        self._count = count
        self._seq_of = seq_of

    def _build(self) -> None:
        seen: dict[Any, None] = {}
        bindings: dict[str, list[Any]] = {}
        for occurrence in self._occurrences[: self._count]:
            for event in occurrence.events:
                seen[event] = None
            for name, value in occurrence.bindings.items():
                bindings.setdefault(name, []).append(value)
        self._events = tuple(sorted(seen, key=self._seq_of))
        self._bindings = bindings
        self._seq_of = None

    @property
    def events(self) -> tuple[Any, ...]:
        """Every event of the gathered occurrences, once each, in recording order."""
        if self._seq_of is not None:
            self._build()
        return self._events

    @property
    def event(self) -> Any:
        """The last event of the gathered occurrences, read without building ``events``:
        it is the event that completed the last occurrence (occurrences are gathered in
        completion order), so ordering matches by it costs nothing per occurrence."""
        if self._seq_of is None:
            return self._events[-1]
        return self._occurrences[self._count - 1].events[-1]

    # What a guard or a handler reads of the match, read off its last event alone, as
    # ``event`` is: reading them gathers nothing.

    @property
    def name(self) -> str:
        """The name of :attr:`event`."""
        return self.event.name

    @property
    def payload(self) -> Any:
        """The payload of :attr:`event`."""
        return self.event.payload

    @property
    def source(self) -> str:
        """The source of :attr:`event`."""
        return self.event.source

    @property
    def id(self) -> str:
        """The id of :attr:`event`."""
        return self.event.id

    @property
    def timestamp(self) -> float:
        """The timestamp of :attr:`event`."""
        return self.event.timestamp

    @property
    def metadata(self) -> Any:
        """The metadata of :attr:`event`."""
        return self.event.metadata

    @property
    def bindings(self) -> dict[str, Any]:
        """Placeholder name -> list of the values it bound, one per occurrence."""
        if self._seq_of is not None:
            self._build()
        return super().bindings

    def binds_nothing(self) -> bool:
        return not self.bindings

    @property
    def occurrences(self) -> tuple[PatternMatch, ...]:
        """The matches of the repeated pattern gathered here, in completion order."""
        return tuple(self._occurrences[: self._count])

"""A frozenset of events that iterates in a fixed, reproducible order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyrapide.core.event import Event


class EventSet(frozenset["Event"]):
    """An immutable set of events whose iteration order is deterministic.

    Sets returned by ``Poset`` and ``Computation`` iterate in recording order,
    so code that loops over them behaves the same on every run whatever
    ``PYTHONHASHSEED`` is.  ``EventSet(iterable)`` keeps the iterable's order
    (first occurrence wins); ``|``, ``&``, ``-`` and ``^`` keep the left
    operand's order, then the right one's. A plain ``set`` has no order of its own
    (string hashing picks it), so its events come in the order of their ids
    (``e2`` before ``e10``).
    """

    __slots__ = ("_ordered",)

    _ordered: tuple[Event, ...]

    def __new__(cls, events: Iterable[Event] = ()) -> EventSet:
        ordered = events if type(events) is tuple else tuple(events)
        self = frozenset.__new__(cls, ordered)
        if len(self) != len(ordered):
            # A repeat (rare): keep first occurrences.  Distinct members, the
            # usual case, are hashed once, by the frozenset alone.
            ordered = tuple(dict.fromkeys(ordered))
        self._ordered = ordered
        return self

    @classmethod
    def _of_distinct(cls, ordered: tuple[Event, ...]) -> EventSet:
        """Wrap a tuple already known to hold distinct events (no copy, no check)."""
        self = frozenset.__new__(cls, ordered)
        self._ordered = ordered
        return self

    def __iter__(self) -> Iterator[Event]:
        return iter(self._ordered)

    def __reversed__(self) -> Iterator[Event]:
        return reversed(self._ordered)

    def __repr__(self) -> str:
        return f"EventSet({list(self._ordered)!r})"

    def __reduce__(self) -> tuple[type[EventSet], tuple[tuple[Event, ...]]]:
        return (EventSet, (self._ordered,))

    def __or__(self, other: Any) -> EventSet:
        if not isinstance(other, frozenset | set):
            return NotImplemented
        return EventSet((*self._ordered, *_in_fixed_order(other)))

    def __and__(self, other: Any) -> EventSet:
        if not isinstance(other, frozenset | set):
            return NotImplemented
        return EventSet._of_distinct(tuple(e for e in self._ordered if e in other))

    def __sub__(self, other: Any) -> EventSet:
        if not isinstance(other, frozenset | set):
            return NotImplemented
        return EventSet._of_distinct(tuple(e for e in self._ordered if e not in other))

    def __xor__(self, other: Any) -> EventSet:
        if not isinstance(other, frozenset | set):
            return NotImplemented
        return (self - other) | EventSet(e for e in _in_fixed_order(other) if e not in self)

    def union(self, *others: Iterable[Event]) -> EventSet:  # type: ignore[override]
        """Return the events of this set and of every argument, in that order."""
        return EventSet(e for group in (self._ordered, *others) for e in _in_fixed_order(group))

    def intersection(self, *others: Iterable[object]) -> EventSet:
        """Return the events of this set found in every argument, in this set's order."""
        result = self
        for other in others:
            result = result & (other if isinstance(other, frozenset | set) else set(other))
        return result

    def difference(self, *others: Iterable[object]) -> EventSet:
        """Return the events of this set found in none of the arguments."""
        result = self
        for other in others:
            result = result - (other if isinstance(other, frozenset | set) else set(other))
        return result

    def symmetric_difference(self, other: Iterable[Event]) -> EventSet:  # type: ignore[override]
        """Return the events in exactly one of the two sets."""
        return self ^ (other if isinstance(other, frozenset | set) else set(other))

    def copy(self) -> EventSet:
        """Return this set (it is immutable)."""
        return self


def _in_fixed_order(events: Iterable[Any]) -> Iterable[Any]:
    """``events`` in their own order, or a plain set's in the order of their ids (numbered
    ids by their numbers: ``e2`` before ``e10``), which is the same in every process."""
    if isinstance(events, EventSet) or not isinstance(events, frozenset | set):
        return events
    return sorted(events, key=_id_order)


def _id_order(event: Any) -> tuple[int, str]:
    ident = getattr(event, "id", None)
    text = ident if isinstance(ident, str) else repr(event)
    return len(text), text

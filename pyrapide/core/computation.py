"""A computation: the poset of a run, its clocks, and the queries over both."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final

from pyrapide.core._from_dict import NOT_GIVEN, given_document
from pyrapide.core._numbered import id_number
from pyrapide.core.clock import Clock, ClockManager
from pyrapide.core.event import Event, checked_event
from pyrapide.core.eventset import EventSet
from pyrapide.core.poset import EventRef, Poset, text_given
from pyrapide.core.printable import counted, described

_checked_event: Final[Callable[..., Event]] = checked_event
"""``checked_event`` as the compiled build calls it fastest: without a lookup of the
name, and handed the timestamp's float as it is rather than a copy."""


def _refuse_another_event(mine: Event, theirs: Event) -> None:
    """Raise ValueError when ``mine`` and ``theirs``, which share an id, are not the
    same event (name, source, payload, time and metadata)."""
    if (mine.name, mine.source) != (theirs.name, theirs.source):
        raise ValueError(
            f"merge(): id {mine.id!r} is {mine.name} from {mine.source!r} here and "
            f"{theirs.name} from {theirs.source!r} in the other computation; the events "
            f"of one must have other ids"
        )
    differing = [
        field
        for field in ("payload", "timestamp", "metadata")
        if getattr(mine, field) != getattr(theirs, field)
    ]
    if differing:
        raise ValueError(
            f"merge(): id {mine.id!r} is {mine.name} from {mine.source!r} in both "
            f"computations, but they differ in {' and '.join(differing)}"
        )


class Computation:
    """The causal history of a run: a ``Poset`` plus a ``ClockManager``.

    Record events with ``record`` (an event you built) or ``new_event`` (which
    builds it with the next deterministic id, "e1", "e2", ...).  Every query of
    ``Poset`` is offered here too; sets are ``EventSet``s in recording order and
    lists are in recording order unless said otherwise.
    """

    def __init__(self, poset: Poset | None = None, clock_manager: ClockManager | None = None):
        if poset is not None and not isinstance(poset, Poset):
            raise TypeError(
                f"Computation(): poset must be a Poset or None, got {type(poset).__name__}"
            )
        if clock_manager is not None and not isinstance(clock_manager, ClockManager):
            raise TypeError(
                "Computation(): clock_manager must be a ClockManager or None, got "
                f"{type(clock_manager).__name__}"
            )
        self._poset = poset if poset is not None else Poset()
        self._clock_manager = clock_manager if clock_manager is not None else ClockManager()
        # The next "eN" to try; 0 until first needed, so that wrapping or loading a
        # large poset does not read every id up front.
        self._next_number = 0 if len(self._poset) else 1

    # -- recording --------------------------------------------------------

    @property
    def poset(self) -> Poset:
        """The poset of recorded events."""
        return self._poset

    @property
    def clock_manager(self) -> ClockManager:
        """The clocks of this computation."""
        return self._clock_manager

    def record(
        self,
        event: Event,
        caused_by: Iterable[EventRef] | EventRef | None = None,
        clock: str | None = None,
    ) -> None:
        """Record ``event`` caused by ``caused_by``, stamped on the named clock if given.

        Raises ``KeyError`` for an unknown clock and ``ValueError`` for an
        unknown cause, before anything is recorded.
        """
        stamping: Clock | None = None if clock is None else self._clock_manager.get_clock(clock)
        self._poset.add(event, caused_by)
        if self._next_number and event.id[:1] == "e":
            number = id_number(event.id)
            if number >= self._next_number:
                self._next_number = number + 1
        if stamping is not None:
            stamping.stamp(event)

    def new_event(
        self,
        name: str,
        payload: Mapping[str, Any] | None = None,
        *,
        source: str = "",
        caused_by: Iterable[EventRef] | EventRef | None = None,
        timestamp: float | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Event:
        """Build an event with the next id of this computation ("e1", "e2", ...) and record it.

        Ids continue past the highest such id already present (after ``load``
        or ``merge`` too), so a replay of the same run gets the same ids.
        """
        number, event_id = self._free_number()
        event = Event(name, payload, source, event_id, timestamp, metadata)
        self._poset._add_numbered(event, event_id, number, caused_by)
        self._next_number = number + 1
        return event

    def new_emitted(
        self,
        name: str,
        payload: dict[str, Any],
        source: str,
        causes: list[Event],
        timestamp: Any,
        first_at: int = -1,
    ) -> Event:
        """``new_event`` for what a running system records as its modules emit: ``name``
        non-empty, ``source`` a string, ``payload`` a plain dict, ``causes`` recorded
        events, ``timestamp`` a finite float (else it is checked as ``new_event`` checks
        it: a run clock of the user's making may give NaN or an infinity). ``first_at``
        is where the first cause was recorded, if the caller knows (-1: it is looked
        up; a wrong one is only not used)."""
        # ``timestamp`` is Any, not float, and checked under another name, so that the
        # compiled build hands the event the float it was given, not a copy of it.
        # t - t is 0.0 for a finite float, NaN for NaN or an infinity.
        stamp = timestamp
        if not name or type(stamp) is not float or stamp - stamp != 0.0:
            return self.new_event(
                name, payload, source=source, caused_by=causes, timestamp=timestamp
            )
        # The next number, as _free_number finds it, inlined: its id is free unless an
        # "eN" was recorded by hand (Poset._has_id; the index is empty while every id
        # recorded is the run's).
        number = self._next_number
        event_id = f"e{number}"
        poset = self._poset
        index, run = poset._index, poset._run
        if (
            not number
            or (index and event_id in index)
            or (run is not None and 0 <= number - run.first < run.length)
        ):
            number, event_id = self._free_number()
        event = _checked_event(name, payload, source, event_id, timestamp)
        poset._add_numbered(event, event_id, number, causes, first_at)
        self._next_number = number + 1
        return event

    def _free_number(self) -> tuple[int, str]:
        """The next number N, and "eN", such that no recorded event has that id."""
        number = self._next_number
        if not number:
            number = 1 + max((id_number(e.id) for e in self._poset), default=0)
        event_id = f"e{number}"
        while self._poset._has_id(event_id, number):
            number += 1  # an "eN" recorded by hand since
            event_id = f"e{number}"
        return number, event_id

    # -- membership -------------------------------------------------------

    def __len__(self) -> int:
        return len(self._poset)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._poset)

    def __contains__(self, item: object) -> bool:
        return item in self._poset

    def __repr__(self) -> str:
        return f"<Computation of {counted(len(self._poset), 'event')}>"

    @property
    def events(self) -> EventSet:
        """Every recorded event, in recording order."""
        return self._poset.events

    def get(self, event_id: str) -> Event | None:
        """Return the event with this id, or None."""
        return self._poset.get(event_id)

    def seq(self, event: EventRef) -> int:
        """Return the event's recording position (0-based)."""
        return self._poset.seq(event)

    def depth(self, event: EventRef) -> int:
        """Return the length of the longest causal chain leading to the event."""
        return self._poset.depth(event)

    def events_by_name(self, name: str) -> list[Event]:
        """Return the events with this name, in recording order."""
        text_given("events_by_name", "name", name)
        return [e for e in self._poset if e.name == name]

    def events_by_source(self, source: str) -> list[Event]:
        """Return the events from this source, in recording order."""
        text_given("events_by_source", "source", source)
        return [e for e in self._poset if e.source == source]

    # -- causal queries (see Poset) ---------------------------------------

    def causes(self, event: EventRef) -> EventSet:
        """Return the direct causes of the event."""
        return self._poset.causes(event)

    def effects(self, event: EventRef) -> EventSet:
        """Return the events the event causes directly."""
        return self._poset.effects(event)

    def direct_causes(self, event: EventRef) -> tuple[Event, ...]:
        """Return the direct causes as a tuple in recording order (cheaper than causes)."""
        return self._poset.direct_causes(event)

    def direct_effects(self, event: EventRef) -> tuple[Event, ...]:
        """Return the direct effects as a tuple in recording order (cheaper than effects)."""
        return self._poset.direct_effects(event)

    def ancestors(self, event: EventRef) -> EventSet:
        """Return every event that causally precedes the event."""
        return self._poset.ancestors(event)

    def descendants(self, event: EventRef) -> EventSet:
        """Return every event the event causally precedes."""
        return self._poset.descendants(event)

    def is_ancestor(self, a: EventRef, b: EventRef) -> bool:
        """Return True if ``a`` causally precedes ``b``."""
        return self._poset.is_ancestor(a, b)

    def are_independent(self, a: EventRef, b: EventRef) -> bool:
        """Return True if neither event causally precedes the other (False when a is b)."""
        return self._poset.are_independent(a, b)

    def common_ancestors(self, a: EventRef, b: EventRef) -> EventSet:
        """Return the events that precede both ``a`` and ``b``."""
        return self._poset.common_ancestors(a, b)

    def root_events(self) -> EventSet:
        """Return the events without causes."""
        return self._poset.root_events()

    def leaf_events(self) -> EventSet:
        """Return the events without effects."""
        return self._poset.leaf_events()

    def causal_chain(self, a: EventRef, b: EventRef) -> list[Event] | None:
        """Return a shortest causal path from ``a`` to ``b``, or None."""
        return self._poset.causal_chain(a, b)

    def causal_depth(self) -> int:
        """Return the number of links on the longest causal chain (0 when empty)."""
        return self._poset.causal_depth()

    def topological_order(self) -> list[Event]:
        """Return every event, causes first; deterministic (see ``Poset.topological_order``)."""
        return self._poset.topological_order()

    # -- time -------------------------------------------------------------

    def events_since(self, timestamp: float, clock_name: str | None = None) -> list[Event]:
        """Return the events at or after ``timestamp``, earliest first.

        Time is read on the named clock (events it never stamped are left out),
        or from each event's own ``timestamp`` when no clock is named. A time that is
        not a number raises ``TypeError`` naming it, whatever is recorded.
        """
        _time_given("events_since", "timestamp", timestamp)
        return self._timed(clock_name, lambda t: t >= timestamp)

    def events_between(
        self, start: float, end: float, clock_name: str | None = None
    ) -> list[Event]:
        """Return the events with ``start <= time <= end``, earliest first (see events_since)."""
        _time_given("events_between", "start", start)
        _time_given("events_between", "end", end)
        return self._timed(clock_name, lambda t: start <= t <= end)

    def _timed(self, clock_name: str | None, wanted: Any) -> list[Event]:
        if clock_name is None:
            timed = [(e.timestamp, e) for e in self._poset]
        else:
            clock = self._clock_manager.get_clock(clock_name)
            timed = [(t, e) for e in self._poset if (t := clock.start_time(e)) is not None]
        # sorted() is stable: equal times stay in recording order.
        return [e for t, e in sorted(timed, key=lambda pair: pair[0]) if wanted(t)]

    # -- combining and files ----------------------------------------------

    def merge(self, other: Computation) -> Computation:
        """Return a new computation with the events and links of both.

        Events are matched by id (an event of both is merged once); the clocks of
        both are kept (this computation's wins on a shared name).  Neither
        input changes.  Raises ``ValueError`` when an id names different events
        in the two (as ``e1`` does in any two runs: give one run's events other
        ids), and ``CausalCycleError`` if the links together form a cycle.
        """
        if not isinstance(other, Computation):
            raise TypeError(
                f"merge() takes a Computation, not {type(other).__name__} "
                "(a Poset p merges as Computation(p))"
            )
        events = list(self._poset)
        position = {e.id: p for p, e in enumerate(events)}
        for event in other:
            shared = position.get(event.id)
            if shared is None:
                position[event.id] = len(events)
                events.append(event)
            elif events[shared] is not event:
                _refuse_another_event(events[shared], event)
        causes: list[dict[int, None]] = [{} for _ in events]
        for source in (self._poset, other.poset):
            for event in source:
                found = causes[position[event.id]]
                for cause in source.direct_causes(event):
                    found[position[cause.id]] = None
        poset = Poset._build(events, [tuple(c) for c in causes])
        clocks = ClockManager()
        for clock in [*other.clock_manager, *self._clock_manager]:
            clocks.register(clock)
        return Computation(poset, clocks)

    def to_dict(self) -> dict[str, Any]:
        """Return the computation as a dict (format name and version included), JSON-ready
        when its payloads and metadata are: an event made by hand may hold a set or NaN,
        which ``save`` refuses naming the event."""
        from pyrapide.core.serialization import computation_to_document

        return computation_to_document(self)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any] = NOT_GIVEN, *, d: Mapping[str, Any] = NOT_GIVEN
    ) -> Computation:
        """Rebuild a computation from ``to_dict()`` output or a PyRapide 0.3.0 document
        (``data``, or ``d``: 0.3.0's name for it).

        Raises ``ComputationFileError`` naming what is wrong.
        """
        from pyrapide.core.serialization import computation_from_document

        document = given_document(data, d, "Computation.from_dict")
        return computation_from_document(document, source="computation")

    def save(self, path: str | os.PathLike[str], *, force: bool = False) -> None:
        """Write the computation to ``path`` as JSON, replacing the file atomically: a
        crash or an error leaves either the old file or the whole new one, with the old
        file's mode. A symbolic link, FIFO, device or read-only file at ``path`` is
        replaced only with ``force=True`` (a directory never).

        Raises ``TypeError`` naming an event (its place, id and name) whose payload or
        metadata JSON cannot hold, and where in it (``payload key 1 is an int, not a
        string``), before anything is written; and
        ``pyrapide.core.atomic.WriteError`` (an ``OSError``) naming the path and why
        it cannot be written.
        """
        from pyrapide.core.serialization import save_computation

        save_computation(self, _path_given("save", path), force=force)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Computation:
        """Read a computation written by ``save`` (or a 0.3.0 ``to_dict()`` in JSON).

        Nothing in the file is executed.  Raises ``ComputationFileError`` naming
        the path and what is wrong (JSON line and column, or event index and id).
        """
        from pyrapide.core.serialization import load_computation

        _document_given(path)
        hint = (
            "; for a to_dict() document, use Computation.from_dict(document)"
            if isinstance(path, Mapping)
            else ""
        )
        return load_computation(_path_given("load", path, hint))


def _time_given(method: str, argument: str, value: Any) -> None:
    """Refuse a time that is not a number (a bool neither): compared with the times
    recorded, it would raise Python's own error, naming neither the method nor the
    argument, and only once some event was recorded."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{method}(): {argument} must be a number, got {described(value)}")


def _path_given(method: str, path: Any, hint: str = "") -> str | os.PathLike[str]:
    """``path``, refused with a TypeError naming ``method`` unless it is a file path
    (a string or an os.PathLike), where Python's own error names no argument; ``hint``
    (``; for ...``) goes after what it got."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"{method}(): path must be a file path (a str or os.PathLike), got "
            f"{described(path)}{hint}"
        )
    return path


def _document_given(path: Any) -> None:
    """Refuse the text of a JSON document given to ``load`` as a path (what
    serialize_computation or json.dumps gave), which the file system would refuse as a
    name too long, echoing all of it."""
    if isinstance(path, str) and path.lstrip()[:1] in ("{", "[") and '"' in path:
        raise TypeError(
            f"load(): path must be a file path, got the text of a JSON document "
            f"({described(path)}); to read the text, use "
            "Computation.from_dict(json.loads(text))"
        )

"""The partially ordered set of events by causality, built to scale."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, NoReturn

from pyrapide.core import _ordering
from pyrapide.core._from_dict import NOT_GIVEN, given_document
from pyrapide.core._numbered import NumberedRun
from pyrapide.core.errors import CausalCycleError
from pyrapide.core.event import Event
from pyrapide.core.eventset import EventSet
from pyrapide.core.printable import brief_repr, counted, described

EventRef = Event | str
"""An event, or the id of an event, wherever a poset method takes one."""


def cause_refs(caused_by: object, where: str) -> tuple[EventRef, ...]:
    """The causes a ``caused_by=`` argument names: one Event or event id alone, or an
    iterable of them (None names none).

    A string is one id, never a sequence of one-letter ids, and anything else (a
    number, a mapping, a list holding something that is neither an Event nor an id)
    raises TypeError, its message opening with ``where``: a cause given in the wrong
    shape is refused by name, never misread or dropped in silence. Whether the causes
    exist is for the caller to look up."""
    if caused_by is None:
        return ()
    if isinstance(caused_by, Event | str):
        return (caused_by,)
    if not isinstance(caused_by, Iterable) or isinstance(caused_by, Mapping):
        raise TypeError(
            f"{where}: caused_by takes an Event, an event id or a list of them, "
            f"not {described(caused_by)}"
        )
    refs = tuple(in_stable_order(caused_by))
    for ref in refs:
        if not isinstance(ref, Event | str):
            raise TypeError(
                f"{where}: caused_by holds {described(ref)}, "
                "which is neither an Event nor an event id"
            )
    return refs


def in_stable_order(refs: Iterable[Any]) -> Iterable[Any]:
    """``refs`` in the order given; a plain set's members sorted by how a refusal names
    them. A set of ids iterates in the order the process's string hashing picks
    (``PYTHONHASHSEED``), so the cause refused first, and the message naming it, would
    change from one run to the next. An ``EventSet`` keeps its own (recording) order."""
    if isinstance(refs, set | frozenset) and not isinstance(refs, EventSet):
        return sorted(refs, key=_named_as)
    return refs


def _named_as(ref: object) -> str:
    if isinstance(ref, Event):
        return ref.id
    return ref if isinstance(ref, str) else described(ref)


def text_given(where: str, argument: str, value: object) -> str:
    """``value``, refused with a TypeError naming ``where`` and ``argument`` unless it is a
    string: an event name or source given as a Pattern or a number matches nothing, and
    an empty answer would not say why."""
    if not isinstance(value, str):
        raise TypeError(
            f"{where}: {argument} must be a string, got {described(value)}"
        )
    return value


def refuse_another_event(recorded: Event, given: Event) -> None:
    """Raise ValueError when ``given``, whose id is ``recorded``'s, is not the same
    event: another name, source, payload or metadata. A poset knows an event by its
    id, so adding it would keep ``recorded`` and drop ``given`` in silence. The time
    is not compared: an event made again without one is stamped anew."""
    if (recorded.name, recorded.source) != (given.name, given.source):
        raise ValueError(
            f"cannot record {given.name} from {given.source!r} as {given.id!r}: that id "
            f"is already recorded for {recorded.name} from {recorded.source!r}; another "
            "event needs another id (nothing was recorded)"
        )
    differing = [
        field
        for field in ("payload", "metadata")
        if getattr(recorded, field) != getattr(given, field)
    ]
    if differing:
        raise ValueError(
            f"cannot record {given.name} from {given.source!r} as {given.id!r}: that id is "
            f"already recorded for an event of that name and source with another "
            f"{' and '.join(differing)}; another event needs another id (nothing was recorded)"
        )


class Poset:
    """A directed acyclic graph of events ordered by causality.

    Events are stored in recording order and referred to internally by their
    position in it (their *sequence number*, see ``seq``).  Every set returned
    is an ``EventSet`` iterating in recording order.  Methods taking an event
    also accept its id; an event not in the poset raises ``ValueError`` naming
    the id, and anything else ``TypeError``.

    Costs: ``add`` is O(number of causes) whatever the size of the poset.
    ``is_ancestor`` and ``are_independent`` read the chain clocks of the later
    event's chain (see ``pyrapide.core._ordering``): most pairs, near or far,
    take one read, a few microseconds; a pair whose answer the clocks leave open
    walks the joins of the later event's ancestry where it is open, at worst
    every join between the two events.  On a million events in 1,000 chains
    cross-linked at random, that is a median under 10 microseconds and a maximum
    of a few milliseconds.  The first query after events were recorded first
    brings the clocks up to date for them: a merge of chain clocks for each event
    with a cause on another chain, whose cost grows with how many chains feed one
    another and how far back those causes reach (``benchmarks/bench_poset.py``
    times it on the cross-linked shape, 1,000 chains: about 16 microseconds each
    at a million events, 20 at 100,000), once: a query after each event pays for
    that event only.
    ``add_causal_link`` reorders only the region between the two events; a link
    into an event that already has effects makes queries search without clocks
    until enough of them paid for rebuilding the clocks.
    """

    __slots__ = ("_events", "_index", "_newest", "_order", "_run")

    def __init__(self) -> None:
        self._events: list[Event] = []
        # id -> position, but for the ids of ``_run`` (see pyrapide.core._numbered).
        self._index: dict[str, int] = {}
        self._run: NumberedRun | None = None
        self._newest = -1  # the position of the event recorded last, as the order holds it
        self._order = _ordering.CausalOrder(self._events)

    # -- building ---------------------------------------------------------

    def add(self, event: Event, caused_by: Iterable[EventRef] | EventRef | None = None) -> None:
        """Record ``event``, caused by the events of ``caused_by`` (already recorded).

        ``caused_by`` is an iterable of events or ids, or a single one.
        Costs O(number of causes): a new event has no effects yet, so it cannot
        close a cycle.  Raises ``ValueError`` naming a cause that is not in the
        poset (``TypeError`` for one that is no event or id), and then records
        nothing.  Adding an event that is already recorded adds only the new
        causal links, as ``add_causal_link`` does, all or none: a cause that is
        unknown or would close a cycle (``CausalCycleError``) leaves the poset as
        it was.  Another event under a recorded id (another name, source, payload or
        metadata) is refused with a ``ValueError`` saying how they differ, and
        records nothing: it would be lost in silence, since an event is known by
        its id.
        """
        if not isinstance(event, Event):
            raise TypeError(f"Poset.add expects an Event, not {type(event).__name__}")
        index = self._index
        existing = index.get(event.id)
        if existing is None and self._run is not None:
            existing = self._run.find(event.id)
        if existing is not None:
            recorded = self._events[existing]
            if recorded is not event:
                refuse_another_event(recorded, event)
            linked = self._cause_positions(event, caused_by)  # refuses unknown causes
            # Every new link ends at this event, so none opens a path from it to another
            # cause: checking each against the poset as it is finds every cycle.
            for position in linked:
                if position == existing or self._order.reaches(existing, position):
                    raise self._cycle_error(position, existing)
            for position in linked:
                self.add_causal_link(self._events[position], self._events[existing])
            return
        events = self._events
        causes: tuple[int, ...] | None = None
        if type(caused_by) is list and len(caused_by) == 1:
            # The common case (one cause, in a list), inlined.
            cause = caused_by[0]
            if events and cause is events[-1]:
                causes = (self._newest,)
            else:
                try:
                    found = index.get(cause.id if isinstance(cause, Event) else cause)
                except TypeError:  # unhashable (a list): refused below, by name
                    found = None
                if found is not None:
                    causes = (found,)
        if causes is None:
            causes = self._cause_positions(event, caused_by)
        events.append(event)  # first: placing it may read its name
        position = self._newest = self._order.append(causes)
        index[event.id] = position

    def _add_numbered(
        self,
        event: Event,
        event_id: str,
        number: int,
        caused_by: Iterable[EventRef] | EventRef | None,
        first_at: int = -1,
    ) -> None:
        """``add`` an event whose id ``event_id``, "e<number>", is not recorded (see
        ``_has_id``), as ``Computation.new_event`` makes them: such ids take no entry
        of the id index. ``first_at``: where the first cause may be (see
        :meth:`_event_position`)."""
        events = self._events
        if (
            type(caused_by) is list
            and len(caused_by) == 1
            and events
            and caused_by[0] is events[-1]
        ):
            # The common case, inlined: caused by the event recorded last alone.
            events.append(event)  # first: placing it may read its name
            position = self._newest = self._order.append_after(self._newest)
        else:
            found = None
            if type(caused_by) is list and len(caused_by) == 1 and type(caused_by[0]) is Event:
                found = self._event_position(caused_by[0], first_at)  # one cause: inlined
            if found is not None:
                events.append(event)
                position = self._newest = self._order.append_after(found)
            else:
                causes = self._cause_positions(event, caused_by, first_at)
                events.append(event)
                position = self._newest = self._order.append(causes)
        run = self._run
        if run is None:
            run = self._run = NumberedRun(number, position)
        # The event continues the run (every event of a run does): no entry of its own.
        if number - run.first == run.length == position - run.start:
            run.length += 1
        else:
            self._index[event_id] = position

    def _has_id(self, event_id: str, number: int) -> bool:
        """Whether ``event_id``, which is "e<number>", is recorded."""
        run = self._run
        return event_id in self._index or (run is not None and run.covers(number))

    def _cause_positions(
        self, event: Event, caused_by: Iterable[EventRef] | EventRef | None, first_at: int = -1
    ) -> tuple[int, ...]:
        if caused_by is None:
            return ()
        if type(caused_by) is list and len(caused_by) == 1:
            # The common case (one cause, in a list), without the general machinery.
            cause = caused_by[0]
            events = self._events
            if events and cause is events[-1]:
                return (self._newest,)  # the event recorded last
            cause_id = cause.id if isinstance(cause, Event) else cause
            try:
                found_one = self._index.get(cause_id)
            except TypeError:  # unhashable (a list): refused below, by name
                found_one = None
            if found_one is None:
                found_one = self._numbered(cause_id)
                if found_one is None:
                    self._refuse_unknown_cause(event, caused_by)
            return (found_one,)
        if type(caused_by) is list and len(caused_by) == 2:
            # Two causes (a pipe delivery's event and its lane's tip), also inlined.
            first, second = caused_by
            if type(first) is Event and type(second) is Event:
                # The tip is mostly the event recorded last: known without a lookup.
                newest = self._events[-1] if self._events else None
                one = self._newest if first is newest else self._event_position(first, first_at)
                two = self._newest if second is newest else self._event_position(second)
                if one is not None and two is not None:
                    return (one, two) if one < two else (two, one) if two < one else (one,)
        if isinstance(caused_by, Event | str):
            caused_by = (caused_by,)  # one cause given without a list
        elif not isinstance(caused_by, Collection):
            if not isinstance(caused_by, Iterable):
                raise TypeError(
                    f"caused_by takes an Event, an event id or a list of them, "
                    f"not {type(caused_by).__name__}"
                )
            caused_by = tuple(caused_by)  # read twice if a cause is unknown
        position = self._position
        found = [
            position(cause.id if isinstance(cause, Event) else cause)  # type: ignore[arg-type]
            for cause in caused_by
        ]
        if None in found:
            self._refuse_unknown_cause(event, caused_by)  # type: ignore[arg-type]
        # Ascending positions: direct_causes reads them in recording order.
        return tuple(found) if len(found) == 1 else tuple(sorted(set(found)))  # type: ignore[arg-type]

    def _position(self, event_id: object) -> int | None:
        """The recording position of the event with this id, or None."""
        try:
            position = self._index.get(event_id)  # type: ignore[call-overload]
        except TypeError:  # unhashable (a list, a set): not an id
            return None
        if position is None and self._run is not None:
            return self._run.find(event_id)
        return position

    def _event_position(self, event: Event, at: int = -1) -> int | None:
        """``_position(event.id)`` for a cause a running system hands over, mostly one of
        the run's: at ``at`` if it is there (where the system saw it recorded), else
        looked for where its number puts it, and taken if it is this very event. The
        number is read loosely (``int`` of what follows the first character: "e01"
        reads as 1), since no other event than the one with its id is at that
        position; it leaves the remembered ids alone."""
        events = self._events
        if 0 <= at < len(events) and events[at] is event:
            return at  # without reading its id: a cold string, parsed
        run = self._run
        if run is not None:
            try:
                offset = int(event.id[1:]) - run.first
            except ValueError:
                offset = -1
            if 0 <= offset < run.length:
                position = run.start + offset
                if events[position] is event:
                    return position
        return self._position(event.id)

    def _numbered(self, event_id: object) -> int | None:
        """The position of ``event_id`` if it is one of the run's ids (see ``_run``)."""
        run = self._run
        return None if run is None or not isinstance(event_id, str) else run.find(event_id)

    def _refuse_unknown_cause(self, event: Event, caused_by: Iterable[EventRef]) -> NoReturn:
        for cause in in_stable_order(caused_by):
            cause_id = cause.id if isinstance(cause, Event) else cause
            if not isinstance(cause_id, str):
                raise TypeError(
                    f"a cause of event {event.id!r} is {described(cause)}, "
                    "not an Event or an event id"
                )
            if self._position(cause_id) is None:
                if cause_id == event.id:
                    raise CausalCycleError(f"event {event.id!r} cannot cause itself")
                raise ValueError(f"cause {cause_id!r} of event {event.id!r} is not in the poset")
        raise AssertionError("no unknown cause found")

    def add_causal_link(self, cause: EventRef, effect: EventRef) -> None:
        """Record that ``cause`` causes ``effect``; both must already be recorded.

        Raises ``CausalCycleError`` if ``effect`` already precedes ``cause`` (or
        they are the same event), leaving the poset exactly as it was.  Linking
        events already linked directly does nothing.
        """
        c, e = self._seq(cause), self._seq(effect)
        if c == e or not self._order.link(c, e):
            raise self._cycle_error(c, e)

    def _cycle_error(self, c: int, e: int) -> CausalCycleError:
        """The error of a link from position ``c`` to ``e`` that would close a cycle."""
        if c == e:
            return CausalCycleError(f"event {self._events[c].id!r} cannot cause itself")
        return CausalCycleError(
            f"linking {self._events[c].id!r} -> {self._events[e].id!r} would close a "
            f"cycle: {self._events[e].id!r} already precedes {self._events[c].id!r}"
        )

    # -- membership and lookup -------------------------------------------

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Event):
            return self._position(item.id) is not None
        return isinstance(item, str) and self._position(item) is not None

    def __repr__(self) -> str:
        return f"<Poset of {counted(len(self._events), 'event')}>"

    @property
    def events(self) -> EventSet:
        """Every event, in recording order."""
        return EventSet._of_distinct(tuple(self._events))

    def get(self, event_id: str) -> Event | None:
        """Return the event with this id, or None."""
        position = self._position(event_id)
        return None if position is None else self._events[position]

    def seq(self, event: EventRef) -> int:
        """Return the event's recording position (0 for the first event recorded)."""
        return self._seq(event)

    def _chain_position(self, event: EventRef) -> tuple[int, int]:
        """The event's chain and position on it in the chain decomposition.

        Along a chain every event precedes the next; pattern matching uses this to
        find the events that can be independent of another (see
        ``pyrapide.patterns.independence``).
        """
        position = self._seq(event)
        order = self._order
        return order.chain[position], order.pos[position]

    def _keep_line(self) -> None:
        """The event recorded last ends a line its source goes on with (a pipe's
        answer, which the pipe's next delivery follows): see ``CausalOrder.keep``. It
        changes only how the events to come are laid out in chains, which ancestry
        queries read."""
        self._order.keep(self._newest)

    def depth(self, event: EventRef) -> int:
        """Return the length of the longest causal chain leading to the event (roots: 0)."""
        return self._order.depth[self._seq(event)]

    def causal_depth(self) -> int:
        """Return the number of links on the longest causal chain (0 when empty)."""
        return max(self._order.depth, default=0)

    def _seq(self, event: EventRef) -> int:
        event_id = event.id if isinstance(event, Event) else event
        if not isinstance(event_id, str):  # a list or a set is refused here, not unhashed
            raise TypeError(
                f"expected an Event or an event id, got {described(event)}"
            )
        position = self._index.get(event_id)
        if position is None:
            position = self._numbered(event_id)
            if position is None:
                raise ValueError(f"event {event_id!r} is not in the poset")
        return position

    def _set_of(self, positions: Iterable[int]) -> EventSet:
        return EventSet._of_distinct(tuple(map(self._events.__getitem__, sorted(positions))))

    # -- causal queries ---------------------------------------------------

    def causes(self, event: EventRef) -> EventSet:
        """Return the direct causes of the event (see ``direct_causes`` for a cheaper form)."""
        return EventSet._of_distinct(self.direct_causes(event))

    def effects(self, event: EventRef) -> EventSet:
        """Return the events the event causes directly (see ``direct_effects``)."""
        return EventSet._of_distinct(self.direct_effects(event))

    def direct_causes(self, event: EventRef) -> tuple[Event, ...]:
        """Return the direct causes of the event as a tuple, in recording order.

        The cheap form of ``causes``: no set is built, so it suits code that
        only iterates (pattern matching, the runtime).
        """
        causes = self._order.causes[self._seq(event)]
        if type(causes) is int:
            return (self._events[causes],)
        return tuple(map(self._events.__getitem__, causes))  # type: ignore[arg-type]

    def direct_effects(self, event: EventRef) -> tuple[Event, ...]:
        """Return the events the event causes directly, as a tuple in recording order."""
        effects = self._order.effects[self._seq(event)]
        if type(effects) is int:
            return (self._events[effects],)
        return () if effects is None else tuple(map(self._events.__getitem__, effects))  # type: ignore[arg-type]

    def ancestors(self, event: EventRef) -> EventSet:
        """Return every event that causally precedes the event (not the event itself)."""
        return self._set_of(self._order.closure(self._seq(event), self._order.causes))

    def descendants(self, event: EventRef) -> EventSet:
        """Return every event the event causally precedes (not the event itself)."""
        return self._set_of(self._order.closure(self._seq(event), self._order.effects))

    def is_ancestor(self, a: EventRef, b: EventRef) -> bool:
        """Return True if ``a`` causally precedes ``b`` (strictly: False when a is b)."""
        index = self._index
        # Inlined lookups: this is the hottest query of pattern matching.
        try:
            x = index.get(a.id if isinstance(a, Event) else a)  # type: ignore[arg-type]
            y = index.get(b.id if isinstance(b, Event) else b)  # type: ignore[arg-type]
        except TypeError:  # unhashable: _seq refuses it by name
            x = y = None
        if x is None:
            x = self._seq(a)  # an id of the numbered run, or raises naming it
        if y is None:
            y = self._seq(b)
        return self._order.reaches(x, y)

    def prepare_ancestry(self, limit: int | None = None) -> bool:
        """Take in, for ancestry queries, the events recorded since the last query (at
        most ``limit`` of them, the earliest first); return True once all are.

        Queries do this themselves: recording costs nothing for them, and the first
        query after many recordings takes in all of them at once (a merge of chain
        clocks for each event with a cause off its chain). A program that queries while a long
        run records, such as an interactive view, calls this now and then with a limit,
        so that no one query pays for the whole run.
        """
        return self._order.catch_up(limit=limit)

    def are_independent(self, a: EventRef, b: EventRef) -> bool:
        """Return True if neither event precedes the other (False when a is b)."""
        x, y = self._seq(a), self._seq(b)
        if x == y:
            return False
        order = self._order
        # Only the direction the topological order allows can hold.
        if order.topo[x] < order.topo[y]:
            return not order.reaches(x, y)
        return not order.reaches(y, x)

    def common_ancestors(self, a: EventRef, b: EventRef) -> EventSet:
        """Return the events that precede both ``a`` and ``b``."""
        order = self._order
        first = order.closure(self._seq(a), order.causes)
        second = order.closure(self._seq(b), order.causes)
        return self._set_of(first & second)

    def causal_chain(self, a: EventRef, b: EventRef) -> list[Event] | None:
        """Return a shortest causal path from ``a`` to ``b`` (both included), or None.

        ``causal_chain(a, a)`` is ``[a]``.
        """
        path = self._order.path(self._seq(a), self._seq(b))
        return None if path is None else [self._events[p] for p in path]

    def root_events(self) -> EventSet:
        """Return the events without causes."""
        pairs = zip(self._events, self._order.causes, strict=True)
        return EventSet._of_distinct(tuple(e for e, causes in pairs if causes == ()))

    def leaf_events(self) -> EventSet:
        """Return the events without effects."""
        pairs = zip(self._events, self._order.effects, strict=True)
        return EventSet._of_distinct(tuple(e for e, effects in pairs if effects is None))

    def topological_order(self) -> list[Event]:
        """Return every event, causes before effects.

        The order depends only on the events, their links and the recording
        order (among events free to go next, the earliest recorded goes first),
        so it is the same after a save and load, and it is the recording order
        whenever every link points forward in it.
        """
        events = self._events
        return [events[p] for p in self._order.canonical_order()]

    # -- derived posets ---------------------------------------------------

    def filter_by_name(self, name: str) -> Poset:
        """Return a poset of the events with this name, keeping their causal order.

        Two kept events are linked when one preceded the other through events
        that were filtered out, so ``is_ancestor`` answers as in this poset.
        """
        text_given("filter_by_name", "name", name)
        return self._filtered(lambda event: event.name == name)

    def filter_by_source(self, source: str) -> Poset:
        """Return a poset of the events from this source, keeping their causal order."""
        text_given("filter_by_source", "source", source)
        return self._filtered(lambda event: event.source == source)

    def restricted_to(self, keep: Callable[[Event], bool]) -> Poset:
        """Return a poset of the events for which ``keep(event)`` is true, in causal order.

        As for ``filter_by_name``, two kept events are linked when one preceded
        the other through events left out. Costs one pass over the poset, plus, at
        each event with several causes, the kept events nearest above them: a chain
        of events left out costs one step per event, however many kept events feed it.
        """
        return self._filtered(keep)

    def _filtered(self, keep: Any) -> Poset:
        events = self._events
        kept = [keep(e) for e in events]
        causes = self._order.causes
        # nearest[p]: the kept events closest above p on every path into p.
        nearest: dict[int, tuple[int, ...]] = {}
        new_index: dict[int, int] = {}
        new_events: list[Event] = []
        new_causes: dict[int, tuple[int, ...]] = {}
        for p in self._order.canonical_order():
            direct = _ordering.listed(causes[p])
            if len(direct) == 1 and not kept[direct[0]]:
                # One cause, left out: its nearest kept events are this event's too,
                # shared rather than copied, so a chain of left-out events after a
                # wide fan-in costs one step per event, not the width of the fan-in.
                closest = nearest[direct[0]]
            else:
                above: dict[int, None] = {}
                for c in direct:
                    if kept[c]:
                        above[c] = None
                    else:
                        above.update(dict.fromkeys(nearest[c]))
                closest = tuple(above)
            if kept[p]:
                new_causes[p] = closest
                nearest[p] = (p,)
            else:
                nearest[p] = closest
        for p, event in enumerate(events):
            if kept[p]:
                new_index[p] = len(new_events)
                new_events.append(event)
        return Poset._build(
            new_events, [tuple(new_index[c] for c in new_causes[p]) for p in sorted(new_causes)]
        )

    # -- serialization ----------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"events": [...], "edges": [[cause_id, effect_id], ...]}``.

        Events are in recording order, edges grouped by effect in that order:
        the layout of PyRapide 0.3.0, JSON-ready if the payloads are.
        """
        events = self._events
        ids = [e.id for e in events]
        listed = _ordering.listed
        edges = [
            [ids[c], ids[p]] for p, causes in enumerate(self._order.causes) for c in listed(causes)
        ]
        # Event.to_dict inlined: this is most of the cost of saving.
        documents = [
            {
                "id": e.id,
                "name": e.name,
                "payload": e.payload.copy(),  # dict.copy makes a plain dict
                "source": e.source,
                "timestamp": e.timestamp,
                "metadata": e.metadata.copy() if e.metadata else {},
            }
            for e in events
        ]
        return {"events": documents, "edges": edges}

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any] = NOT_GIVEN, *, d: Mapping[str, Any] = NOT_GIVEN
    ) -> Poset:
        """Rebuild a poset from ``to_dict()`` output (``data``, or ``d``: PyRapide
        0.3.0's name for it).

        Raises ``ComputationFileError`` naming a malformed event or edge, a
        duplicate id, an unknown id or a cycle.
        """
        from pyrapide.core.serialization import poset_from_document

        return poset_from_document(given_document(data, d, "Poset.from_dict"), where="poset")

    @classmethod
    def _build(
        cls,
        events: list[Event],
        causes: Sequence[Sequence[int]],
        index: dict[str, int] | None = None,
    ) -> Poset:
        """Build a poset from events in recording order and their causes by position.

        The caller guarantees cause positions in range, and distinct ids when
        it passes ``index`` (id -> position, then owned by the poset).  Links
        may point backward in recording order; a cycle raises
        ``CausalCycleError`` naming the events on it.
        """
        poset = cls()
        poset._events = list(events)
        if index is None:
            index = {e.id: p for p, e in enumerate(events)}
            if len(index) != len(events):
                raise ValueError("duplicate event ids")
        poset._index = index
        poset._run = None
        poset._newest = len(events) - 1
        ascending = [tuple(c) if len(c) < 2 else tuple(sorted(set(c))) for c in causes]
        try:
            poset._order = _ordering.CausalOrder.build(ascending, poset._events)
        except _ordering.CycleFound as cycle:
            ids = [brief_repr(events[p].id) for p in cycle.positions]
            if len(ids) > CYCLE_SHOWN + 2:
                # A cycle through thousands of events (a file's links gone wrong) is
                # named by its ends, not written out as a line of kilobytes.
                left = counted(len(ids) - CYCLE_SHOWN, "more event", grouped=True)
                ids[CYCLE_SHOWN // 2 : -CYCLE_SHOWN // 2] = [f"({left})"]
            names = " -> ".join(ids)
            raise CausalCycleError(f"the causal links form a cycle: {names}") from None
        return poset


CYCLE_SHOWN = 8
"""The most events a message naming a cycle of causal links writes; the others are
counted."""

__all__ = ["EventRef", "Poset"]

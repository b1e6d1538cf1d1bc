"""Computations to and from JSON: checked field by field, never executed.

The document is ``{"format": "pyrapide.computation", "version": 1, "poset":
{"events": [...], "edges": [[cause_id, effect_id], ...]}, "clocks": [...]}``.
A PyRapide 0.3.0 ``Computation.to_dict()`` (``{"poset": {...}}``) is read too.
Everything is validated and built into fresh objects that are returned only
once complete, so a bad file raises one ``ComputationFileError`` and leaves
nothing half-built.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from pyrapide.core.atomic import write_atomically
from pyrapide.core.clock import Clock, ClockManager, RegularClock, SlavedClock, SynchronousClock
from pyrapide.core.errors import CausalCycleError, ComputationFileError
from pyrapide.core.event import EVENT_FIELDS, Event, events_from_columns
from pyrapide.core.frozendict import freeze_values
from pyrapide.core.json_file import read_json_file
from pyrapide.core.poset import Poset
from pyrapide.core.printable import brief_repr, counted
from pyrapide.core.values import all_saveable, payload_problem, saveable_depth

if TYPE_CHECKING:
    from pyrapide.core.computation import Computation

UNKNOWN_SHOWN = 5
"""The most unknown fields of an event a message names; the others are counted."""

FORMAT = "pyrapide.computation"
VERSION = 1

Failure = Callable[[str], NoReturn]
"""Reports a problem in the document by raising; gets the message."""


def _kind(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if value == "":
        return "an empty string"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


# -- writing ------------------------------------------------------------


def _clock_document(clock: Clock, manager: ClockManager) -> dict[str, Any] | None:
    if isinstance(clock, RegularClock):
        spec: dict[str, Any] = {"kind": "regular", "period": clock.period}
        spec.update(accuracy=clock.accuracy, time=clock.read())
    elif isinstance(clock, SynchronousClock):
        spec = {"kind": "synchronous", "time": clock.read()}
    elif isinstance(clock, SlavedClock):
        parent: str | dict[str, Any] | None = clock.parent.name
        if (
            clock.parent.name not in manager
            or manager.get_clock(clock.parent.name) is not clock.parent
        ):
            parent = _clock_document(clock.parent, manager)  # not registered: save it inline
            if parent is None:
                return None
        spec = {"kind": "slaved", "parent": parent, "divisor": clock.divisor}
    else:
        return None  # a user-defined clock: its reading cannot be restored
    return {"name": clock.name, **spec}


def _slaving_depth(clock: Clock) -> int:
    depth = 0
    while isinstance(clock, SlavedClock):
        clock, depth = clock.parent, depth + 1
    return depth


def computation_to_document(computation: Computation) -> dict[str, Any]:
    """Return the JSON-ready document for ``computation``."""
    clocks = []
    manager = computation.clock_manager
    # Parents before the clocks slaved to them, so reading can resolve them by name.
    for clock in sorted(manager, key=_slaving_depth):
        spec = _clock_document(clock, manager)
        if spec is not None:
            spec["stamps"] = [
                [event.id, start, finish]
                for event, start, finish in clock.stamped_events()
                if event in computation
            ]
            clocks.append(spec)
    return {
        "format": FORMAT,
        "version": VERSION,
        "poset": computation.poset.to_dict(),
        "clocks": clocks,
    }


def save_computation(
    computation: Computation, path: str | os.PathLike[str], *, force: bool = False
) -> None:
    """Write ``computation`` to ``path``, one event or edge a line, replaced atomically
    (see :mod:`pyrapide.core.atomic`: ``force`` replaces a link, FIFO or device there).

    Raises ``TypeError`` naming an event whose payload or metadata JSON cannot hold,
    and :class:`~pyrapide.core.atomic.WriteError` when the file cannot be written; in
    both cases the file at ``path`` is left as it was.
    """
    document = computation_to_document(computation)
    _refuse_unsaveable(document["poset"]["events"])
    try:
        write_atomically(path, _document_lines(document, ascii_only=False), force=force)
    except UnicodeEncodeError:
        # A string with a lone surrogate (JSON can carry one as "\ud800") cannot be
        # written as UTF-8; written as \u escapes, it reads back the same.
        write_atomically(path, _document_lines(document, ascii_only=True), force=force)


def _refuse_unsaveable(events: list[dict[str, Any]]) -> None:
    """Raise ``TypeError`` naming the first event whose payload or metadata would not
    load back as it is, and how many others would not either: what the encoder refuses
    (a set, NaN) fails as it writes, but a key that is not a string it writes as one
    (``{1: "a"}`` as ``{"1": "a"}``)."""
    payloads = [event["payload"] for event in events]
    metadata = [event["metadata"] for event in events]
    if all_saveable(payloads) and all_saveable(metadata):
        return
    refused = [
        (index, field, problem)
        for index, event in enumerate(events)
        for field in ("payload", "metadata")
        if (problem := payload_problem(event[field], field)) is not None
    ]
    if refused:
        index, field, problem = refused[0]
        others = len({index for index, _, _ in refused[1:]} - {index})
        raise TypeError(_unsaveable(index, events[index], f"its {field}", problem, others))


def _unsaveable(
    index: int, event: dict[str, Any], field: str, problem: str, others: int = 0
) -> str:
    """``cannot save event #3 'e4' (Api.request): its payload is not JSON (payload key 1
    is an int, not a string); nothing was written``: one event that no file can hold,
    named by place, id and name, with ``others`` more like it counted."""
    more = f" ({counted(others, 'more event')} cannot be saved either)" if others else ""
    return (
        f"cannot save event #{index} {event['id']!r} ({event['name']}): {field} is not JSON "
        f"({problem}); nothing was written{more}"
    )


def _document_lines(document: dict[str, Any], *, ascii_only: bool) -> Iterator[str]:
    dumps = json.JSONEncoder(allow_nan=False, ensure_ascii=ascii_only).encode
    yield f'{{"format": {dumps(FORMAT)}, "version": {VERSION},\n"poset": {{"events": [\n'
    for index, event in enumerate(document["poset"]["events"]):
        try:
            line = dumps(event)
        except (TypeError, ValueError) as error:
            raise TypeError(
                _unsaveable(index, event, "its payload or metadata", str(error))
            ) from None
        yield line if index == 0 else ",\n" + line
    yield '\n],\n"edges": [\n'
    for index, edge in enumerate(document["poset"]["edges"]):
        yield dumps(edge) if index == 0 else ",\n" + dumps(edge)
    yield f'\n]}},\n"clocks": {dumps(document["clocks"])}}}\n'


# -- reading ------------------------------------------------------------


def load_computation(path: str | os.PathLike[str]) -> Computation:
    """Read a computation file; raises ``ComputationFileError`` naming the path (once),
    where (line and column, or the event's index and id) and what is wrong.

    The file is parsed once; see :mod:`pyrapide.core.json_file` for what is refused
    while parsing (NaN, Infinity, nesting deeper than a payload may go, ...).
    """
    name = os.fspath(path)
    return computation_from_document(read_json_file(name), source=name, parsed=True)


def computation_from_document(document: Any, source: str, *, parsed: bool = False) -> Computation:
    """Build a computation from a document; ``source`` prefixes error messages.

    Every payload and metadata value is checked to be one a file can hold again
    (:func:`pyrapide.core.values.payload_problem`), so what loads can be saved.
    ``parsed`` says the document comes from the JSON parser (which spares a check)
    and is no one else's: its list of events is emptied as it is read.
    """
    from pyrapide.core.computation import Computation

    def fail(message: str) -> NoReturn:
        raise ComputationFileError(f"{source}: {message}")

    if not isinstance(document, Mapping):
        fail(f"expected a JSON object at the top level, found {_kind(document)}")
    if "format" in document:
        if document["format"] != FORMAT:
            fail(f"unknown format {brief_repr(document['format'])} (expected {FORMAT!r})")
        version = document.get("version")
        if version != VERSION or isinstance(version, bool):  # true == 1 in Python
            fail(
                f"unsupported version {brief_repr(version)} of {FORMAT!r} (this PyRapide "
                f"reads {VERSION})"
            )
    elif "poset" not in document:
        if {"events", "edges"} <= document.keys() and "metadata" not in document:
            fail(
                "not a saved computation: it is a poset (Poset.to_dict()); read it with "
                "Poset.from_dict(), or wrap that in Computation(...)"
            )
        if {"events", "edges"} <= document.keys():
            raise ComputationFileError(
                f"{source}: not a saved computation: it is a view written by to_json(), "
                "which keeps too little to load back",
                to_json_view=True,
            )
        fail("not a saved computation: it has neither a 'format' nor a 'poset' field")
    poset = poset_from_document(document.get("poset"), where=f"{source}: poset", parsed=parsed)
    clocks = _clocks_from_document(document.get("clocks", []), poset, fail)
    return Computation(poset, clocks)


def poset_from_document(data: Any, where: str, *, parsed: bool = False) -> Poset:
    """Build a poset from ``{"events": [...], "edges": [...]}``, checking every field
    (``parsed``: see :func:`computation_from_document`)."""

    def fail(message: str) -> NoReturn:
        raise ComputationFileError(f"{where}: {message}")

    if not isinstance(data, Mapping):
        fail(f"expected an object with 'events' and 'edges', found {_kind(data)}")
    raw_events = data.get("events")
    raw_edges = data.get("edges", [])
    if not isinstance(raw_events, list):
        fail(f"'events' must be an array, found {_kind(raw_events)}")
    if not isinstance(raw_edges, list):
        fail(f"'edges' must be an array, found {_kind(raw_edges)}")
    built = _events_in_bulk(raw_events, parsed)
    events, position = built if built is not None else _events_one_by_one(raw_events, fail)
    pairs = _edges_in_bulk(raw_edges, position)
    if pairs is None:
        pairs = _edges_one_by_one(raw_edges, position, fail)
    # One cause (the usual case) as the tuple the poset keeps; more in a list,
    # which Poset._build sorts into a tuple.
    causes: list[tuple[int, ...] | list[int]] = [()] * len(events)
    for cause, effect in pairs:
        known = causes[effect]
        if not known:
            causes[effect] = (cause,)
        elif isinstance(known, list):
            known.append(cause)
        else:
            causes[effect] = [*known, cause]
    try:
        return Poset._build(events, causes, position)
    except CausalCycleError as error:
        fail(str(error))


# The usual document (every event a plain object with exactly the six fields,
# no nulls, distinct ids; every edge a pair of known ids) is read a column at a
# time, with the loops in C: about twice as fast as checking event by event.
# Anything unusual returns None, and the document is read again one item at a
# time, which names what is wrong and where.


def _events_in_bulk(
    raw_events: list[Any], parsed: bool
) -> tuple[list[Event], dict[str, int]] | None:
    if _types(raw_events) - {dict} or set(map(len, raw_events)) - {len(EVENT_FIELDS)}:
        return None
    try:
        # Reading all six fields of a six-field object proves it has no other.
        ids = [raw["id"] for raw in raw_events]
        names = [raw["name"] for raw in raw_events]
        payloads = [raw["payload"] for raw in raw_events]
        sources = [raw["source"] for raw in raw_events]
        stamps = [raw["timestamp"] for raw in raw_events]
        metadata = [raw["metadata"] for raw in raw_events]
    except KeyError:
        return None
    if (
        _types(ids) - {str}
        or _types(names) - {str}
        or "" in ids
        or "" in names
        or _types(sources) - {str}
        or _types(payloads) - {dict}
        or _types(metadata) - {dict}
        or _types(stamps) - {float, int}  # not bool: its type is not int
        or not all(map(math.isfinite, stamps))
        or (depth := saveable_depth(payloads, parsed=parsed)) is None
        or not all_saveable(metadata, parsed=parsed)
    ):
        return None
    position = dict(zip(ids, range(len(ids)), strict=True))
    if len(position) != len(ids):
        return None  # a duplicate id
    if int in _types(stamps):
        stamps = [float(stamp) for stamp in stamps]
    if parsed:
        # The document is the loader's own: its event objects go now rather than
        # after the events are built, which keeps the peak memory of loading down.
        raw_events.clear()
    if depth > 1:  # lists or objects inside: held read-only, as by every event
        # The parsed document's payloads are the loader's own to freeze in place.
        payloads = [freeze_values(payload if parsed else dict(payload)) for payload in payloads]
    return events_from_columns(ids, names, payloads, sources, stamps, metadata), position


def _types(column: list[Any]) -> set[type]:
    return set(map(type, column))


def _events_one_by_one(raw_events: list[Any], fail: Failure) -> tuple[list[Event], dict[str, int]]:
    events: list[Event] = []
    position: dict[str, int] = {}
    for index, raw in enumerate(raw_events):
        event = _event_from_document(raw, index, fail)
        earlier = position.setdefault(event.id, index)
        if earlier != index:
            fail(f"event #{index}: id {brief_repr(event.id)} is already used by event #{earlier}")
        events.append(event)
    return events, position


def _edges_in_bulk(raw_edges: list[Any], position: dict[str, int]) -> list[tuple[int, int]] | None:
    if _types(raw_edges) - {list}:
        return None
    try:
        # Ids are strings: a key of any other type is not found.  A list of
        # other than two items does not unpack.
        return [(position[cause], position[effect]) for cause, effect in raw_edges]
    except (KeyError, TypeError, ValueError):
        return None


def _edges_one_by_one(
    raw_edges: list[Any], position: dict[str, int], fail: Failure
) -> list[tuple[int, int]]:
    pairs = []
    for index, edge in enumerate(raw_edges):
        if type(edge) is not list or len(edge) != 2:
            fail(f"edge #{index}: expected [cause_id, effect_id], found {json.dumps(edge)[:80]}")
        cause_id, effect_id = edge
        cause = position.get(cause_id) if type(cause_id) is str else None
        effect = position.get(effect_id) if type(effect_id) is str else None
        if cause is None or effect is None:
            role, unknown = ("cause", cause_id) if cause is None else ("effect", effect_id)
            fail(f"edge #{index}: unknown {role} id {json.dumps(unknown)[:80]}")
        pairs.append((cause, effect))
    return pairs


def _event_from_document(raw: Any, index: int, report: Failure) -> Event:
    """Check every field of one event document and build it (or report what is wrong)."""

    def fail(message: str) -> NoReturn:
        report(f"event #{index}: {message}")

    if not isinstance(raw, Mapping):
        fail(f"expected an object, found {_kind(raw)}")
    unknown = set(raw) - EVENT_FIELDS
    if unknown:
        named = sorted(map(brief_repr, unknown))
        more = f" and {len(named) - UNKNOWN_SHOWN} more" if len(named) > UNKNOWN_SHOWN else ""
        fail(f"unknown field(s) {', '.join(named[:UNKNOWN_SHOWN])}{more}")
    event_id = raw.get("id")
    label = f"(id {brief_repr(event_id)}) " if isinstance(event_id, str) else ""
    checks = (
        ("id", str, True),
        ("name", str, True),
        ("source", str, False),
        ("payload", dict, False),
        ("metadata", dict, False),
    )
    for field, expected, required in checks:
        if field not in raw:
            if required:
                fail(f"{label}missing field {field!r}")
            continue
        value = raw[field]
        if not isinstance(value, expected) or (expected is str and required and not value):
            wanted = "an object" if expected is dict else "a string"
            if required:
                wanted = "a non-empty string"
            fail(f"{label}field {field!r} must be {wanted}, found {_kind(value)}")
    stamp = raw.get("timestamp", 0.0)
    if isinstance(stamp, bool) or not isinstance(stamp, int | float):
        fail(f"{label}field 'timestamp' must be a number, found {_kind(stamp)}")
    if not math.isfinite(stamp):
        fail(f"{label}field 'timestamp' is {stamp}: only finite numbers can be saved")
    for field in ("payload", "metadata"):
        problem = payload_problem(raw.get(field) or {}, f"{field} field")
        if problem is not None:
            fail(f"{label}{field}: {problem}")
    return Event(
        raw["name"],
        raw.get("payload"),
        raw.get("source", ""),
        event_id,
        stamp,
        raw.get("metadata"),
    )


def _clock_from_spec(spec: Any, where: str, fail: Failure, known: ClockManager) -> Clock:
    if not isinstance(spec, Mapping):
        fail(f"{where}: expected an object, found {_kind(spec)}")
    name, kind = spec.get("name"), spec.get("kind")
    if not isinstance(name, str) or not name:
        fail(f"{where}: 'name' must be a non-empty string")
    named = f"{where} ({brief_repr(name)})"

    def number(field: str, default: float | None = None) -> float:
        value = spec.get(field, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            fail(f"{named}: {field!r} must be a number, found {_kind(value)}")
        if not math.isfinite(value):
            fail(f"{named}: {field!r} is {value}: only finite numbers can be saved")
        return value

    try:
        clock: Clock
        if kind == "synchronous":
            clock = SynchronousClock(name)
            clock.tick(number("time", 0.0))
        elif kind == "regular":
            clock = RegularClock(name, number("period"), number("accuracy", 1.0))
            clock.tick(number("time", 0.0))
        elif kind == "slaved":
            parent_spec = spec.get("parent")
            if isinstance(parent_spec, str):
                if parent_spec not in known:
                    fail(
                        f"{named}: parent clock {brief_repr(parent_spec)} is not listed before "
                        "it"
                    )
                parent = known.get_clock(parent_spec)
            else:
                parent = _clock_from_spec(parent_spec, f"{named} parent", fail, known)
            clock = SlavedClock(name, parent, number("divisor"))  # type: ignore[arg-type]
        else:
            fail(f"{named}: unknown clock kind {brief_repr(kind)}")
    except ComputationFileError:
        raise  # a parent clock's problem, already placed
    except ValueError as error:
        fail(f"{named}: {error}")
    return clock


def _clocks_from_document(specs: Any, poset: Poset, fail: Failure) -> ClockManager:
    manager = ClockManager()
    if not isinstance(specs, list):
        fail(f"'clocks' must be an array, found {_kind(specs)}")
    listed: dict[str, int] = {}
    for index, spec in enumerate(specs):
        where = f"clock #{index}"
        clock = _clock_from_spec(spec, where, fail, manager)
        named = f"{where} ({brief_repr(clock.name)})"
        earlier = listed.setdefault(clock.name, index)
        if earlier != index:
            # Registered, it would replace the earlier clock and drop its stamps.
            fail(
                f"{named}: the name {brief_repr(clock.name)} is already used by "
                f"clock #{earlier}"
            )
        stamps = spec.get("stamps", [])
        if not isinstance(stamps, list):
            fail(f"{named}: 'stamps' must be an array")
        for stamp in stamps:
            if not (isinstance(stamp, list) and len(stamp) == 3 and isinstance(stamp[0], str)):
                fail(f"{named}: a stamp must be [event_id, start, finish]")
            event = poset.get(stamp[0])
            if event is None:
                fail(f"{named}: stamp for unknown event id {brief_repr(stamp[0])}")
            for time, table in ((stamp[1], clock._start_times), (stamp[2], clock._finish_times)):
                if time is None:
                    continue
                if (
                    isinstance(time, bool)
                    or not isinstance(time, int | float)
                    or not math.isfinite(time)
                ):
                    fail(f"{named}: stamp times must be finite numbers or null")
                table[event] = time
        manager.register(clock)
    return manager

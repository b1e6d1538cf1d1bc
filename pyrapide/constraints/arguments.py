"""What a ConstraintMonitor's methods are given, checked at the call.

A monitor's methods take events one way and computations another: ``check(event)``
records and checks one event, ``check_batch(events)`` several, ``observe(event,
computation)`` one already recorded in a computation, ``check_all(computation)`` a
whole computation. Given one where another is wanted (a computation to ``check``, the
arguments of ``observe`` the other way round), each refuses at the call with a
TypeError naming what it takes, what it got and which method takes that, rather than
failing later, deep in the recording or the matching.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from pyrapide.constraints.base import poset_of
from pyrapide.core import Event, Poset
from pyrapide.core.printable import briefly_described

__all__ = [
    "causes_given", "computation_given", "event_given", "events_given", "followed_given",
]


def _is_computation(value: Any) -> bool:
    """A Computation or a Poset (anything whose poset is one)."""
    return isinstance(poset_of(value), Poset)


def _refuse(call: str, wanted: str, value: Any, instead: str = "") -> NoReturn:
    hint = f"; {instead}" if instead else ""
    given = briefly_described(value)
    raise TypeError(f"ConstraintMonitor.{call} takes {wanted}, got {given}{hint}")


def _instead_of_event(value: Any) -> str:
    """Which method takes ``value``, given where one event was wanted."""
    if _is_computation(value):
        return (
            "check_all(computation) checks a whole computation, and observe(event, "
            "computation) one event recorded in it"
        )
    if isinstance(value, Iterable) and not isinstance(value, str):
        return "check_batch(events) checks several events"
    return ""


def event_given(call: str, event: Any) -> None:
    """Refuse ``event`` unless it is an Event (``call`` names the method and its
    arguments, as the message shows them: ``check(event)``)."""
    if not isinstance(event, Event):
        _refuse(call, "an Event", event, _instead_of_event(event))


def causes_given(call: str, caused_by: Any) -> None:
    """Refuse a ``caused_by`` that is a computation (its events are not the causes:
    ``observe`` checks an event recorded in one)."""
    if _is_computation(caused_by):
        _refuse(
            call,
            "caused_by= as an Event, an event id or a list of them",
            caused_by,
            "observe(event, computation) checks an event already recorded in a computation",
        )


def events_given(call: str, events: Any) -> list[Event]:
    """The events of ``events``, refused unless it is an iterable of events, not a
    computation (checked one by one, its events would lose their causes) nor a single
    event: every item is looked at before any is checked, so a bad one changes nothing."""
    if _is_computation(events):
        _refuse(
            call,
            "a list of events",
            events,
            "check_all(computation) checks a whole computation with its causes",
        )
    if isinstance(events, Event):
        _refuse(call, "a list of events", events, "check(event) checks one event")
    if not isinstance(events, Iterable) or isinstance(events, str):
        _refuse(call, "a list of events", events)
    given = list(events)
    for index, item in enumerate(given):
        if not isinstance(item, Event):
            raise TypeError(
                f"ConstraintMonitor.{call} takes a list of events, got {briefly_described(item)} "
                f"at index {index}"
            )
    return given


def followed_given(call: str, event: Any, computation: Any) -> None:
    """Refuse ``(event, computation)`` unless ``event`` is an Event recorded in
    ``computation``, a Computation or a Poset; given the other way round, say so."""
    if isinstance(computation, Event) and _is_computation(event):
        raise TypeError(
            f"ConstraintMonitor.{call} takes the event first, then the computation: "
            f"got a {type(event).__name__}, then an Event"
        )
    event_given(call, event)
    if not _is_computation(computation):
        _refuse(call, "a Computation or a Poset as its second argument", computation)
    if event not in poset_of(computation):
        raise ValueError(
            f"ConstraintMonitor.{call}: event {event.id!r} ({event.name}) is not recorded "
            "in the computation; record it first, or check(event) records it in the "
            "monitor's own"
        )


def computation_given(call: str, computation: Any) -> None:
    """Refuse ``computation`` unless it is a Computation or a Poset."""
    if not _is_computation(computation):
        instead = ""
        if isinstance(computation, Event):
            instead = "check(event) checks one event"
        elif isinstance(computation, Iterable) and not isinstance(computation, str):
            instead = "check_batch(events) checks a list of events"
        _refuse(call, "a Computation or a Poset", computation, instead)

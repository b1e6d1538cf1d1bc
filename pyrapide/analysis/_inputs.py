"""Argument checking shared by the analysis functions, with messages that name the caller."""

from __future__ import annotations

from pyrapide.core import Computation, Event, Poset
from pyrapide.core.printable import brief_repr


def poset_of(source: Computation | Poset, caller: str) -> Poset:
    """Return the poset behind ``source`` (a Computation or a Poset).

    Raises TypeError naming ``caller`` when ``source`` is neither.
    """
    if isinstance(source, Computation):
        return source.poset
    if isinstance(source, Poset):
        return source
    raise TypeError(f"{caller}() expects a Computation or a Poset, got {type(source).__name__}")


def event_in(poset: Poset, event: Event | str, caller: str, argument: str) -> Event:
    """Return the recorded event that ``event`` (an Event or an event id) designates.

    Raises TypeError for anything else, and ValueError when the poset holds no such event,
    both naming ``caller`` and the ``argument`` that was wrong.
    """
    if isinstance(event, Event):
        if event not in poset:
            raise ValueError(
                f"{caller}(): {argument} {event.id!r} ({event.name}) is not in this computation"
            )
        return event
    if isinstance(event, str):
        found = poset.get(event)
        if found is None:
            raise ValueError(
                f"{caller}(): {argument} {event!r} is not an event id of this computation"
            )
        return found
    raise TypeError(
        f"{caller}(): {argument} must be an Event or an event id, got {type(event).__name__}"
    )


def check_bound(max_events: int | None, caller: str) -> None:
    """Refuse a ``max_events`` that is neither None nor a positive integer."""
    if max_events is None:
        return
    if isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 1:
        raise ValueError(
            f"{caller}(): max_events must be a positive integer or None, "
            f"got {brief_repr(max_events)}"
        )

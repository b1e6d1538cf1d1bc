"""Checking constraints over a whole computation at once, or over an async stream of events."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, Callable, Iterable
from typing import Any

from pyrapide.constraints.base import Constraint, checked_by, what_is_no_constraint
from pyrapide.constraints.monitor import ConstraintMonitor
from pyrapide.constraints.violation import ConstraintViolation
from pyrapide.core import Event

__all__ = ["AsyncConstraintMonitor", "check_conformance"]


def check_conformance(
    computation: Any, constraints: Iterable[Constraint]
) -> list[ConstraintViolation]:
    """Every violation of every constraint in `computation` (or a poset), constraint by constraint.

    Each constraint is checked over the whole computation (``constraint.check``),
    so requirements that are still unmet count as violations. A ``@constraint`` class
    may be given instead of an instance, as to a monitor; anything else that is not a
    Constraint is refused with a TypeError naming it, and so is one constraint given
    alone where the list goes.
    """
    if isinstance(constraints, Constraint | str) or not isinstance(constraints, Iterable):
        raise TypeError(
            f"check_conformance takes a list of constraints, got {type(constraints).__name__}"
            + (" (write [constraint])" if isinstance(constraints, Constraint) else "")
        )
    return [
        violation for item in constraints for violation in checked_by(_instance(item), computation)
    ]


def _instance(item: Any) -> Constraint:
    if isinstance(item, type) and issubclass(item, Constraint):
        return item()
    if not isinstance(item, Constraint):
        raise TypeError(f"check_conformance takes constraints, not {what_is_no_constraint(item)}")
    return item


class AsyncConstraintMonitor(ConstraintMonitor):
    """A ConstraintMonitor that can be awaited and can follow an async stream of events."""

    async def async_check(
        self, event: Event, caused_by: Any = None
    ) -> list[ConstraintViolation]:
        """``check`` for code that awaits: records `event` and returns what it violates."""
        return self.check(event, caused_by)

    async def async_check_batch(self, events: Iterable[Event]) -> list[ConstraintViolation]:
        """``check_batch`` for code that awaits."""
        return self.check_batch(events)

    async def monitor_stream(
        self,
        event_source: Any,
        on_violation: Callable[[ConstraintViolation], Any],
    ) -> list[ConstraintViolation]:
        """Check each event of `event_source` as it arrives until the stream ends.

        `event_source` is an async iterable of events (or of ``(event,
        caused_by)`` pairs) or an event source (an object with ``events()``,
        like ``InMemoryEventSource``). `on_violation`
        (a function or a coroutine function) is called with each violation as
        it becomes certain, and when the stream ends with each that stands then
        (an unmet ``must_match``, an unanswered ``leads_to``). Returns them all,
        in the order reported.
        """
        if not callable(on_violation):
            raise TypeError(
                f"monitor_stream: on_violation must be callable, got {type(on_violation).__name__}"
            )
        events = event_source.events() if hasattr(event_source, "events") else event_source
        if not isinstance(events, AsyncIterable):
            raise TypeError(
                f"monitor_stream needs an async iterable of events or an event source, got "
                f"{type(event_source).__name__}"
            )
        reported: list[ConstraintViolation] = []
        async for item in events:
            event, causes = item if isinstance(item, tuple) and len(item) == 2 else (item, ())
            for violation in self.check(event, causes or None):
                reported.append(violation)
                await _call(on_violation, violation)
        for violation in self.finish():
            reported.append(violation)
            await _call(on_violation, violation)
        return reported


async def _call(callback: Callable[[ConstraintViolation], Any], violation: Any) -> None:
    result = callback(violation)
    if inspect.isawaitable(result):
        await result

"""ConstraintViolation: what a broken constraint reports, naming the events involved."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields, replace
from typing import Any

from pyrapide.core.printable import value_repr
from pyrapide.core.values import json_safe
from pyrapide.patterns import PatternMatch

__all__ = ["ConstraintViolation", "found_where", "violation_key"]


@dataclass(frozen=True)
class ConstraintViolation:
    """One violation of one constraint.

    ``constraint_name`` and ``description`` are those of the constraint (the
    description is a generated sentence saying what went wrong when the constraint
    has none); ``violation_type`` is ``"never_violated"``, ``"must_match_failed"``,
    ``"leads_to_unanswered"`` or, for constraints written by hand, whatever they
    report. ``matched_events`` are the events involved, in recording order (empty
    for a ``must_match`` that never matched); ``bindings`` are the placeholder
    values of the match involved, if any. The first five fields are those of
    PyRapide 0.3.0.

    Where in the computation it was found, the same in every run of a deterministic
    computation, is told by a ``ConstraintMonitor`` (and so by a running system):
    ``found_by`` is the event whose recording made the violation certain (None for
    one decided when asked at the end: an unmet ``must_match``, an unanswered
    ``leads_to``), and ``position`` how many events the computation held then (the
    place of ``found_by`` in recording order, counted from 1). Both are None for a
    violation found by ``Constraint.check`` over a whole computation.

    ``timestamp`` is when it was found: the wall time (``time.time()``, as in 0.3.0),
    except in a running system, which stamps it with its own clock as it stamps its
    events: the logical time of the run, or the wall time of a real-time one.
    """

    constraint_name: str
    violation_type: str
    description: str
    matched_events: list[Any] = field(default_factory=list)
    timestamp: float = field(default_factory=time.time)
    bindings: dict[str, Any] = field(default_factory=dict)
    found_by: Any = None
    position: int | None = None

    @property
    def events(self) -> tuple[Any, ...]:
        """The events involved, in recording order."""
        return tuple(self.matched_events)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary: names, description, event ids, bindings, when and where
        it was found (``found_by`` as the event's id)."""
        return {
            "constraint": self.constraint_name,
            "type": self.violation_type,
            "description": self.description,
            "events": [event.id for event in self.matched_events],
            "bindings": json_safe(self.bindings),
            "timestamp": self.timestamp,
            "found_by": None if self.found_by is None else self.found_by.id,
            "position": self.position,
        }

    def __repr__(self) -> str:
        # The dataclass's own form, each value by value_repr: a hand-built event's
        # bindings may hold an integer too long for repr() to write.
        shown = ", ".join(f"{f.name}={value_repr(getattr(self, f.name))}" for f in fields(self))
        return f"{type(self).__name__}({shown})"

    def __str__(self) -> str:
        text = f"{self.constraint_name}: {self.violation_type}: {self.description}"
        if self.matched_events:
            text += " [events " + ", ".join(str(e.id) for e in self.matched_events) + "]"
        return text


def found_where(
    violation: ConstraintViolation,
    found_by: Any,
    position: int,
    timestamp: float | None = None,
) -> ConstraintViolation:
    """``violation`` saying where it was found (and when, if ``timestamp`` is given).
    A violation of a class of the user's that cannot be copied so is kept as it is."""
    changes: dict[str, Any] = {"found_by": found_by, "position": position}
    if timestamp is not None:
        changes["timestamp"] = timestamp
    try:
        return replace(violation, **changes)
    except (TypeError, ValueError):
        return violation


def violation_key(violation: ConstraintViolation) -> tuple[Any, ...]:
    """What makes two reports the same violation: constraint, type, events and bindings
    (not when or where it was found)."""
    return (
        violation.constraint_name,
        violation.violation_type,
        PatternMatch(violation.matched_events, violation.bindings),
    )

"""ConstraintViolation: what a broken constraint reports, naming the events involved."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from pyrapide.patterns import PatternMatch

__all__ = ["ConstraintViolation", "violation_key"]


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
    """

    constraint_name: str
    violation_type: str
    description: str
    matched_events: list[Any] = field(default_factory=list)
    timestamp: float = field(default_factory=time.time)
    bindings: dict[str, Any] = field(default_factory=dict)

    @property
    def events(self) -> tuple[Any, ...]:
        """The events involved, in recording order."""
        return tuple(self.matched_events)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary: names, description, event ids and bindings."""
        return {
            "constraint": self.constraint_name,
            "type": self.violation_type,
            "description": self.description,
            "events": [event.id for event in self.matched_events],
            "bindings": dict(self.bindings),
            "timestamp": self.timestamp,
        }

    def __str__(self) -> str:
        text = f"{self.constraint_name}: {self.violation_type}: {self.description}"
        if self.matched_events:
            text += " [events " + ", ".join(str(e.id) for e in self.matched_events) + "]"
        return text


def violation_key(violation: ConstraintViolation) -> tuple[Any, ...]:
    """What makes two reports the same violation: constraint, type, events and bindings."""
    return (
        violation.constraint_name,
        violation.violation_type,
        PatternMatch(violation.matched_events, violation.bindings),
    )

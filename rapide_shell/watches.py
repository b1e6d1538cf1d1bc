"""Watches and breakpoints: patterns matched incrementally as a session's events are recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Watch:
    """A pattern whose matches are counted live. ``matches`` grows as events arrive."""

    id: int
    pattern_text: str
    pattern: Any
    matches: list[Any] = field(default_factory=list)
    _matcher: Any = field(default=None, repr=False)

    @property
    def count(self) -> int:
        """How many matches so far."""
        return len(self.matches)


@dataclass
class Breakpoint:
    """A pattern that pauses a run when an event completes a match of it."""

    id: int
    pattern_text: str
    pattern: Any
    hits: int = 0
    """How many times it stopped a run."""
    _matcher: Any = field(default=None, repr=False)


def prime(pattern: Any, computation: Any) -> tuple[Any, list[Any]]:
    """A fresh matcher for ``pattern`` that has seen ``computation``, and the matches so far.

    The matches already present come from ``pattern.match_in`` (the authoritative answer
    over a whole poset). The matcher is then fed the recorded events in order, so that
    later events can complete composite matches that began earlier; what it reports while
    catching up is already among those matches and is dropped.
    """
    matcher = pattern.matcher()
    poset = computation.poset
    existing = list(pattern.match_in(poset)) if len(poset) else []
    for event in poset:
        matcher.feed(event, poset)
    return matcher, existing


def feed(matcher: Any, event: Any, poset: Any) -> list[Any]:
    """The new matches that ``event`` (already recorded in ``poset``) completes."""
    return list(matcher.feed(event, poset))

"""The matches a given event completes, for code that hands a pattern its events one by one."""

from __future__ import annotations

import itertools
from typing import Any

from pyrapide.core import Event, Poset
from pyrapide.patterns.algebra import Pattern
from pyrapide.patterns.engine import Matcher
from pyrapide.patterns.match import PatternMatch

__all__ = ["CompletionFinder"]


class CompletionFinder:
    """Answers "which matches of this pattern does this event complete?" over a growing poset.

    It keeps a Matcher over the poset it is asked about and feeds it every
    event recorded up to the one asked for, so asking about each new event
    in turn costs what incremental matching costs. Asking about an event
    already passed rescans the poset; asking about an event that is in no
    poset matches it alone.
    """

    __slots__ = ("_matcher", "_poset", "pattern")

    def __init__(self, pattern: Pattern) -> None:
        self.pattern = pattern
        self._poset: Any = None
        self._matcher: Matcher | None = None

    def completed_by(self, event: Event, computation: Any = None) -> list[PatternMatch]:
        """The matches `event` completes in `computation` (a Computation or Poset), or alone."""
        poset = getattr(computation, "poset", computation)
        if poset is None or event not in poset:
            alone = Poset()
            alone.add(event)
            return self.pattern.match_in(alone)
        if self._matcher is None or self._poset is not poset:
            self._poset, self._matcher = poset, self.pattern.matcher()
        matcher = self._matcher
        position = poset.seq(event)
        if matcher.events_fed > position:
            # By each match's last event alone (``event``): reading ``events`` would
            # gather every growing match of a repeat, quadratic in its occurrences.
            return [found for found in self.pattern.match_in(poset) if found.event == event]
        found: list[PatternMatch] = []
        for earlier in itertools.islice(poset, matcher.events_fed, position + 1):
            found = matcher.feed(earlier, poset)
        return found

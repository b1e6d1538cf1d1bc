"""Constraints over patterns, must_match and never, checked in batch or incrementally."""

from __future__ import annotations

import copy
from typing import Any

from pyrapide.constraints.base import (
    Admit,
    Constraint,
    Tracker,
    admitted,
    as_pattern,
    new_matcher,
    poset_of,
    register_rule,
    settle_description,
    settle_name,
)
from pyrapide.constraints.violation import ConstraintViolation
from pyrapide.patterns import Pattern, PatternMatch
from pyrapide.patterns.operators import scoped_pattern

__all__ = [
    "MatchTracker",
    "MustMatch",
    "Never",
    "PatternConstraint",
    "SinglePatternConstraint",
    "must_match",
    "never",
]


class PatternConstraint(Constraint):
    """A constraint stated with patterns; checked over whole computations or incrementally."""

    kind = ""

    def __init__(
        self, name: str | None, default_name: str, description: str, message: str | None, where: str
    ) -> None:
        # ``where`` is the call a bad name or description is reported against.
        self.name = settle_name(name, default_name, where)
        self.description = settle_description(description, message, where)
        self.named = name is not None  # True when the caller chose the name
        self.statement = default_name  # the rule as written: "never A.err"
        register_rule(self)

    def check(self, computation: Any) -> list[ConstraintViolation]:
        """Every violation in ``computation`` (or a poset), as at the end of a run."""
        return self.evaluate(poset_of(computation), None)

    def evaluate(self, poset: Any, admit: Admit) -> list[ConstraintViolation]:
        """Every violation in ``poset``, counting only the matches ``admit`` accepts."""
        raise NotImplementedError

    def tracker(self, admit: Admit = None) -> MatchTracker:
        """Fresh incremental state counting only the matches ``admit`` accepts."""
        raise NotImplementedError

    def scoped(self, scope: str) -> PatternConstraint:
        return self

    def renamed(self, name: str, description: str) -> PatternConstraint:
        """A copy reporting under ``name`` and ``description`` (for constraint classes)."""
        twin = copy.copy(self)
        twin.name, twin.description = name, description
        return twin

    def violation(self, kind: str, match: PatternMatch | None, what: str) -> ConstraintViolation:
        """A violation of this constraint by ``match`` (None: no events involved)."""
        return ConstraintViolation(
            constraint_name=self.name,
            violation_type=kind,
            description=self.description or what,
            matched_events=list(match.events) if match is not None else [],
            bindings=dict(match.bindings) if match is not None else {},
        )


class MatchTracker(Tracker):
    """Shared machinery: one incremental matcher per pattern, restarted on rebase.

    A match ``admit`` refuses is dropped, unless the tracker waits for admissions
    (``wait_for``): under a filter of several events, an event is let through only
    once a later one arrives, and the matches refused until then are counted when
    it is (``admit_late``).
    """

    def __init__(self, patterns: tuple[Pattern, ...], admit: Admit) -> None:
        self.patterns = patterns
        self.admit = admit
        self.matchers = [new_matcher(pattern) for pattern in patterns]
        # While waiting: the events let through so far, and the refused matches
        # (pattern index, match) by the id of an event of theirs not let through yet.
        self.passing: set[str] | None = None
        self.waiting: dict[str, list[tuple[int, PatternMatch]]] = {}
        self.held: list[str] = []  # where the last feed put matches to wait

    def wait_for(self, passing: set[str]) -> None:
        """Keep the matches whose events are not all in ``passing`` (the set ``admit``
        tests, which grows as events are let through) until they are."""
        self.passing = passing

    def new_matches(self, index: int, event: Any, poset: Any) -> list[PatternMatch]:
        found = self.matchers[index].feed(event, poset)
        if found and self.admit is not None:
            if self.passing is None:
                found = [match for match in found if self.admit(match)]
            else:
                found = [match for match in found if not self._held(index, match)]
        return found

    def _held(self, index: int, match: PatternMatch) -> bool:
        """Put ``match`` to wait for an event of its not let through yet, if any."""
        passing = self.passing
        assert passing is not None
        for event in match.events:
            if event.id not in passing:
                self.waiting.setdefault(event.id, []).append((index, match))
                self.held.append(event.id)
                return True
        return False

    def admit_late(self, passed: list[str], poset: Any) -> list[ConstraintViolation]:
        """Count the waiting matches that the events ``passed`` (just let through) complete;
        the violations that makes certain."""
        accepted: list[tuple[int, PatternMatch]] = []
        for event_id in passed:
            for index, match in self.waiting.pop(event_id, ()):
                if not self._held(index, match):
                    accepted.append((index, match))
        return self.accept_late(accepted, poset) if accepted else []

    def accept_late(
        self, accepted: list[tuple[int, PatternMatch]], poset: Any
    ) -> list[ConstraintViolation]:
        """Take matches that were refused when found and are admitted now, in the order
        found: (pattern index, match) pairs."""
        return []

    def start_feed(self) -> None:
        """Forget what the previous feed put to wait: it can no longer be retracted."""
        self.held.clear()

    def retract_last(self) -> bool:
        for matcher in self.matchers:
            matcher.retract_last()
        waiting, held = self.waiting, self.held
        while held:
            event_id = held.pop()
            waiting[event_id].pop()
            if not waiting[event_id]:
                del waiting[event_id]
        return True

    def replay(self, events: list[Any], poset: Any) -> None:
        # Fresh matchers learn the kept events; their matches were reported already,
        # or wait (those wholly kept) to be let through.
        self.matchers = [new_matcher(pattern) for pattern in self.patterns]
        for event in events:
            for matcher in self.matchers:
                matcher.feed(event, poset)
        if self.waiting:
            kept = {event.id for event in events}
            self.waiting = {
                event_id: still
                for event_id, matches in self.waiting.items()
                if (still := [(i, m) for i, m in matches if all(e.id in kept for e in m.events)])
            }
        self.held.clear()


class SinglePatternConstraint(PatternConstraint):
    """A constraint over the matches of one pattern, built as ``verb(pattern, name, ...)``."""

    verb = ""  # the factory's name: the default name's prefix and where errors point

    def __init__(
        self,
        pattern: Pattern | str,
        name: str | None = None,
        description: str = "",
        *,
        message: str | None = None,
    ) -> None:
        where = f"{self.verb}()"
        self.pattern = as_pattern(pattern, where)
        super().__init__(name, f"{self.verb} {self.pattern}", description, message, where)

    def scoped(self, scope: str) -> SinglePatternConstraint:
        pattern = scoped_pattern(self.pattern, scope)
        if pattern is self.pattern:
            return self
        twin = copy.copy(self)
        twin.pattern = pattern
        return twin

    def patterns(self) -> tuple[Pattern, ...]:
        return (self.pattern,)

    def matches(self, poset: Any, admit: Admit) -> list[PatternMatch]:
        """The matches of the pattern in ``poset`` that ``admit`` accepts."""
        return admitted(self.pattern.match_in(poset), admit)


class Never(SinglePatternConstraint):
    """Forbids a pattern: every match of it is a violation, reported as soon as it appears."""

    kind = "never_violated"
    verb = "never"

    def evaluate(self, poset: Any, admit: Admit) -> list[ConstraintViolation]:
        return [self._forbidden(found) for found in self.matches(poset, admit)]

    def _forbidden(self, found: PatternMatch) -> ConstraintViolation:
        return self.violation(self.kind, found, f"forbidden pattern {self.pattern} matched")

    def tracker(self, admit: Admit = None) -> MatchTracker:
        return _NeverTracker(self, admit)


class _NeverTracker(MatchTracker):
    def __init__(self, rule: Never, admit: Admit) -> None:
        super().__init__((rule.pattern,), admit)
        self.rule = rule

    def feed(self, event: Any, poset: Any) -> list[ConstraintViolation]:
        found = self.new_matches(0, event, poset)
        return [self.rule._forbidden(match) for match in found] if found else []

    def accept_late(
        self, accepted: list[tuple[int, PatternMatch]], poset: Any
    ) -> list[ConstraintViolation]:
        return [self.rule._forbidden(match) for _, match in accepted]

    def rebase(self, events: list[Any], poset: Any) -> list[ConstraintViolation]:
        self.replay(events, poset)
        return []


class MustMatch(SinglePatternConstraint):
    """Requires a pattern to match at least once in the run.

    A condition on the whole run: once matched it holds for good; until then it is
    an outstanding violation, reported when the run ends (``monitor.finish()``).
    """

    kind = "must_match_failed"
    verb = "must_match"

    def evaluate(self, poset: Any, admit: Admit) -> list[ConstraintViolation]:
        if self.matches(poset, admit):
            return []
        return [self._unmet()]

    def _unmet(self) -> ConstraintViolation:
        return self.violation(self.kind, None, f"required pattern {self.pattern} never matched")

    def tracker(self, admit: Admit = None) -> MatchTracker:
        return _MustMatchTracker(self, admit)


class _MustMatchTracker(MatchTracker):
    def __init__(self, rule: MustMatch, admit: Admit) -> None:
        super().__init__((rule.pattern,), admit)
        self.rule = rule
        self.satisfied = False
        # The matchers of the feed that satisfied the rule, kept until the next feed
        # so that feed can still be retracted (a new cause may rule its match out).
        self.retired: list[Any] | None = None

    def feed(self, event: Any, poset: Any) -> list[ConstraintViolation]:
        # Once satisfied for good, the matcher is no longer fed: no cost per event.
        self.retired = None
        if not self.satisfied and self.new_matches(0, event, poset):
            self.satisfied = True
            self.retired, self.matchers = self.matchers, []
        return []

    def accept_late(
        self, accepted: list[tuple[int, PatternMatch]], poset: Any
    ) -> list[ConstraintViolation]:
        if not self.satisfied:
            self.satisfied = True
            self.matchers, self.waiting = [], {}
        return []

    def retract_last(self) -> bool:
        if self.retired is not None:
            self.satisfied = False
            self.matchers, self.retired = self.retired, None
        return super().retract_last()

    def outstanding(self) -> list[ConstraintViolation]:
        return [] if self.satisfied else [self.rule._unmet()]

    def rebase(self, events: list[Any], poset: Any) -> list[ConstraintViolation]:
        if not self.satisfied:
            self.replay(events, poset)
        return []


def must_match(
    pattern: Pattern | str,
    name: str | None = None,
    description: str = "",
    *,
    message: str | None = None,
) -> MustMatch:
    """A constraint requiring at least one match of ``pattern`` in the run.

    ``message=`` is accepted as another spelling of ``description=``. The default
    name is ``"must_match <pattern text>"``.
    """
    return MustMatch(pattern, name, description, message=message)


def never(
    pattern: Pattern | str,
    name: str | None = None,
    description: str = "",
    *,
    message: str | None = None,
) -> Never:
    """A constraint forbidding any match of ``pattern``; each match is one violation.

    ``message=`` is accepted as another spelling of ``description=``. The default
    name is ``"never <pattern text>"``.
    """
    return Never(pattern, name, description, message=message)

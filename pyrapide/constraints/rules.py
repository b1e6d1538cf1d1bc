"""Constraints over patterns: must_match, never and every(P).leads_to(Q), batch and incremental."""

from __future__ import annotations

import copy
from typing import Any

from pyrapide.constraints.base import (
    Admit,
    Constraint,
    Tracker,
    admitted,
    as_pattern,
    poset_of,
    register_rule,
    settle_description,
    settle_name,
)
from pyrapide.constraints.violation import ConstraintViolation
from pyrapide.patterns import Pattern, PatternMatch

__all__ = ["LeadsTo", "MustMatch", "Never", "PatternConstraint", "every", "must_match", "never"]


class PatternConstraint(Constraint):
    """A constraint stated with patterns; checked over whole computations or incrementally."""

    kind = ""

    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.description = description
        self.named = False  # True when the caller chose the name
        register_rule(self)

    def check(self, computation: Any) -> list[ConstraintViolation]:
        """Every violation in ``computation`` (or a poset), as at the end of a run."""
        return self.evaluate(poset_of(computation), None)

    def evaluate(self, poset: Any, admit: Admit) -> list[ConstraintViolation]:
        """Every violation in ``poset``, counting only the matches ``admit`` accepts."""
        raise NotImplementedError

    def tracker(self, admit: Admit = None) -> Tracker:
        """Fresh incremental state counting only the matches ``admit`` accepts."""
        raise NotImplementedError

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


class _MatchTracker(Tracker):
    """Shared machinery: one incremental matcher per pattern, restarted on rebase."""

    def __init__(self, patterns: tuple[Pattern, ...], admit: Admit) -> None:
        self.patterns = patterns
        self.admit = admit
        self.matchers = [pattern.matcher() for pattern in patterns]

    def new_matches(self, index: int, event: Any, poset: Any) -> list[PatternMatch]:
        found = self.matchers[index].feed(event, poset)
        if found and self.admit is not None:
            found = [match for match in found if self.admit(match)]
        return found

    def replay(self, events: list[Any], poset: Any) -> None:
        # Fresh matchers learn the kept events; their matches were reported already.
        self.matchers = [pattern.matcher() for pattern in self.patterns]
        for event in events:
            for matcher in self.matchers:
                matcher.feed(event, poset)


class Never(PatternConstraint):
    """Forbids a pattern: every match of it is a violation, reported as soon as it appears."""

    kind = "never_violated"

    def __init__(
        self, pattern: Pattern | str, name: str | None = None, description: str = "",
        *, message: str | None = None,
    ) -> None:
        self.pattern = as_pattern(pattern, "never()")
        super().__init__(
            settle_name(name, f"never {self.pattern}", "never()"),
            settle_description(description, message, "never()"),
        )
        self.named = name is not None

    def evaluate(self, poset: Any, admit: Admit) -> list[ConstraintViolation]:
        return [self._forbidden(found) for found in admitted(self.pattern.match_in(poset), admit)]

    def _forbidden(self, found: PatternMatch) -> ConstraintViolation:
        return self.violation(self.kind, found, f"forbidden pattern {self.pattern} matched")

    def tracker(self, admit: Admit = None) -> Tracker:
        return _NeverTracker(self, admit)


class _NeverTracker(_MatchTracker):
    def __init__(self, rule: Never, admit: Admit) -> None:
        super().__init__((rule.pattern,), admit)
        self.rule = rule

    def feed(self, event: Any, poset: Any) -> list[ConstraintViolation]:
        found = self.new_matches(0, event, poset)
        return [self.rule._forbidden(match) for match in found] if found else []

    def rebase(self, events: list[Any], poset: Any) -> list[ConstraintViolation]:
        self.replay(events, poset)
        return []


class MustMatch(PatternConstraint):
    """Requires a pattern to match at least once in the run.

    A condition on the whole run: once matched it holds for good; until then it is
    an outstanding violation, reported when the run ends (``monitor.finish()``).
    """

    kind = "must_match_failed"

    def __init__(
        self, pattern: Pattern | str, name: str | None = None, description: str = "",
        *, message: str | None = None,
    ) -> None:
        self.pattern = as_pattern(pattern, "must_match()")
        super().__init__(
            settle_name(name, f"must_match {self.pattern}", "must_match()"),
            settle_description(description, message, "must_match()"),
        )
        self.named = name is not None

    def evaluate(self, poset: Any, admit: Admit) -> list[ConstraintViolation]:
        if admitted(self.pattern.match_in(poset), admit):
            return []
        return [self._unmet()]

    def _unmet(self) -> ConstraintViolation:
        return self.violation(self.kind, None, f"required pattern {self.pattern} never matched")

    def tracker(self, admit: Admit = None) -> Tracker:
        return _MustMatchTracker(self, admit)


class _MustMatchTracker(_MatchTracker):
    def __init__(self, rule: MustMatch, admit: Admit) -> None:
        super().__init__((rule.pattern,), admit)
        self.rule = rule
        self.satisfied = False

    def feed(self, event: Any, poset: Any) -> list[ConstraintViolation]:
        # Once satisfied for good, the matcher is no longer fed: no cost per event.
        if not self.satisfied and self.new_matches(0, event, poset):
            self.satisfied = True
            self.matchers = []
        return []

    def outstanding(self) -> list[ConstraintViolation]:
        return [] if self.satisfied else [self.rule._unmet()]

    def rebase(self, events: list[Any], poset: Any) -> list[ConstraintViolation]:
        if not self.satisfied:
            self.replay(events, poset)
        return []


class LeadsTo(PatternConstraint):
    """``every(P).leads_to(Q)``: every match of P must causally precede a match of Q.

    A match of Q answers a match of P when every event of the P match is a strict
    causal ancestor of some event of the Q match. The violations are the P matches
    no Q match answers. Incrementally, a P match is open until an answer arrives;
    open ones are outstanding violations, reported when the run ends.
    """

    kind = "leads_to_unanswered"

    def __init__(
        self, trigger: Pattern | str, response: Pattern | str, name: str | None = None,
        description: str = "", *, message: str | None = None,
    ) -> None:
        self.trigger = as_pattern(trigger, "every()")
        self.response = as_pattern(response, "leads_to()")
        super().__init__(
            settle_name(name, f"every {self.trigger} leads_to {self.response}", "leads_to()"),
            settle_description(description, message, "leads_to()"),
        )
        self.named = name is not None

    def _unanswered(self, found: PatternMatch) -> ConstraintViolation:
        what = f"{self.trigger} matched with no causally later {self.response}"
        return self.violation(self.kind, found, what)

    def evaluate(self, poset: Any, admit: Admit) -> list[ConstraintViolation]:
        triggers = admitted(self.trigger.match_in(poset), admit)
        if not triggers:
            return []
        responses = admitted(self.response.match_in(poset), admit)
        # One backward walk marks every strict ancestor of every response event.
        answered_ids = strict_ancestor_ids(
            poset, [event for found in responses for event in found.events], set()
        )
        violations = []
        for found in triggers:
            if len(found.events) == 1:
                answered = found.events[0].id in answered_ids
            else:
                answered = any(answers(poset, found, response) for response in responses)
            if not answered:
                violations.append(self._unanswered(found))
        return violations

    def tracker(self, admit: Admit = None) -> Tracker:
        return _LeadsToTracker(self, admit)


def answers(poset: Any, trigger: PatternMatch, response: PatternMatch) -> bool:
    """Whether every event of ``trigger`` strictly precedes some event of ``response``."""
    return all(
        any(poset.is_ancestor(cause, effect) for effect in response.events)
        for cause in trigger.events
    )


def strict_ancestor_ids(poset: Any, starts: list[Any], covered: set[str]) -> set[str]:
    """Add to ``covered`` the ids of the strict ancestors of ``starts``; return those added.

    The walk does not enter events already in ``covered``: their ancestors are
    covered too (the set is closed under causes), which keeps the total work of
    many walks proportional to the poset.
    """
    added: set[str] = set()
    frontier = [cause for event in starts for cause in poset.causes(event)]
    while frontier:
        event = frontier.pop()
        event_id = event.id
        if event_id in covered:
            continue
        covered.add(event_id)
        added.add(event_id)
        frontier.extend(poset.causes(event))
    return added


class _LeadsToTracker(_MatchTracker):
    """Open trigger matches, answered as responses arrive.

    One-event triggers (the usual case) are indexed by event id and answered by a
    backward walk from each response that never re-enters the region an earlier
    walk covered, so the whole run costs time proportional to the poset. A
    multi-event trigger is tested against each later response directly.
    """

    def __init__(self, rule: LeadsTo, admit: Admit) -> None:
        super().__init__((rule.trigger, rule.response), admit)
        self.rule = rule
        self.open: dict[PatternMatch, None] = {}  # in the order they appeared
        self.open_by_event: dict[str, list[PatternMatch]] = {}
        self.open_multi = 0
        self.covered: set[str] = set()

    def feed(self, event: Any, poset: Any) -> list[ConstraintViolation]:
        responses = self.new_matches(1, event, poset)
        if responses and self.open:
            for response in responses:
                self._answer(response, poset)
        for found in self.new_matches(0, event, poset):
            self._open(found)
        return []

    def _open(self, found: PatternMatch) -> None:
        self.open[found] = None
        if len(found.events) == 1:
            self.open_by_event.setdefault(found.events[0].id, []).append(found)
        else:
            self.open_multi += 1

    def _answer(self, response: PatternMatch, poset: Any) -> None:
        if self.open_by_event:
            for event_id in strict_ancestor_ids(poset, list(response.events), self.covered):
                for found in self.open_by_event.pop(event_id, ()):
                    del self.open[found]
        if self.open_multi:
            for found in [m for m in self.open if len(m.events) > 1]:
                if answers(poset, found, response):
                    del self.open[found]
                    self.open_multi -= 1

    def outstanding(self) -> list[ConstraintViolation]:
        return [self.rule._unanswered(found) for found in self.open]

    def rebase(self, events: list[Any], poset: Any) -> list[ConstraintViolation]:
        kept = {event.id for event in events}
        expired = [m for m in self.open if any(e.id not in kept for e in m.events)]
        for found in expired:
            del self.open[found]
        self.open_by_event = {}
        self.open_multi = 0
        remaining, self.open = list(self.open), {}
        for found in remaining:
            self._open(found)
        self.covered &= kept
        self.replay(events, poset)
        return [self.rule._unanswered(found) for found in expired]


class _Every:
    """The first half of ``every(P).leads_to(Q)``."""

    def __init__(self, trigger: Pattern | str) -> None:
        self.trigger = as_pattern(trigger, "every()")

    def leads_to(
        self, response: Pattern | str, name: str | None = None, description: str = "",
        *, message: str | None = None,
    ) -> LeadsTo:
        """The constraint: every match of the trigger causally precedes a match of ``response``."""
        return LeadsTo(self.trigger, response, name, description, message=message)

    def __repr__(self) -> str:
        return f"every({self.trigger})"


def every(pattern: Pattern | str) -> _Every:
    """Start a response constraint: ``every(P).leads_to(Q, name=None, description="")``.

    Every match of P must causally precede a match of Q; each unanswered P match
    is a violation (type ``"leads_to_unanswered"``) naming its events.
    """
    return _Every(pattern)


def must_match(
    pattern: Pattern | str, name: str | None = None, description: str = "",
    *, message: str | None = None,
) -> MustMatch:
    """A constraint requiring at least one match of ``pattern`` in the run.

    ``message=`` is accepted as another spelling of ``description=``. The default
    name is ``"must_match <pattern text>"``.
    """
    return MustMatch(pattern, name, description, message=message)


def never(
    pattern: Pattern | str, name: str | None = None, description: str = "",
    *, message: str | None = None,
) -> Never:
    """A constraint forbidding any match of ``pattern``; each match is one violation.

    ``message=`` is accepted as another spelling of ``description=``. The default
    name is ``"never <pattern text>"``.
    """
    return Never(pattern, name, description, message=message)

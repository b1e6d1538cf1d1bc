"""The response constraint every(P).leads_to(Q): each P match needs a causally later Q match."""

from __future__ import annotations

import copy
from typing import Any

from pyrapide.constraints.base import (
    Admit,
    admitted,
    as_pattern,
)
from pyrapide.constraints.rules import MatchTracker, PatternConstraint
from pyrapide.constraints.violation import ConstraintViolation
from pyrapide.patterns import Pattern, PatternMatch
from pyrapide.patterns.match import freeze, merge_bindings
from pyrapide.patterns.operators import scoped_pattern

__all__ = ["LeadsTo", "every"]


class LeadsTo(PatternConstraint):
    """``every(P).leads_to(Q)``: every match of P must causally precede a match of Q.

    A match of Q answers a match of P when every event of the P match is a strict
    causal ancestor of some event of the Q match, and placeholders the two
    patterns share are bound to the same values (``every(call(id=?k))
    .leads_to(result(id=?k))``: each call needs its own result). The violations are the P matches
    no Q match answers. Incrementally, a P match is open until an answer arrives;
    open ones are outstanding violations, reported when the run ends.
    """

    kind = "leads_to_unanswered"

    def __init__(
        self,
        trigger: Pattern | str,
        response: Pattern | str,
        name: str | None = None,
        description: str = "",
        *,
        message: str | None = None,
    ) -> None:
        self.trigger = as_pattern(trigger, "every()")
        self.response = as_pattern(response, "leads_to()")
        default_name = f"every {self.trigger} leads_to {self.response}"
        super().__init__(name, default_name, description, message, "leads_to()")

    def scoped(self, scope: str) -> LeadsTo:
        trigger = scoped_pattern(self.trigger, scope)
        response = scoped_pattern(self.response, scope)
        if trigger is self.trigger and response is self.response:
            return self
        twin = copy.copy(self)
        twin.trigger, twin.response = trigger, response
        return twin

    def patterns(self) -> tuple[Pattern, ...]:
        return (self.trigger, self.response)

    def _unanswered(self, found: PatternMatch) -> ConstraintViolation:
        what = f"{self.trigger} matched with no causally later {self.response}"
        return self.violation(self.kind, found, what)

    def evaluate(self, poset: Any, admit: Admit) -> list[ConstraintViolation]:
        triggers = admitted(self.trigger.match_in(poset), admit)
        if not triggers:
            return []
        responses = admitted(self.response.match_in(poset), admit)
        shared = shared_placeholders(self)
        answered_ids: set[str] = set()
        if not shared:
            # One backward walk marks every strict ancestor of every response event.
            starts = [event for found in responses for event in found.events]
            answered_ids = strict_ancestor_ids(poset, starts, set())
        by_key: dict[Any, list[PatternMatch]] = {}
        for response in responses:
            by_key.setdefault(binding_key(shared, response), []).append(response)
        violations = []
        for found in triggers:
            if not shared and len(found.events) == 1:
                answered = found.events[0].id in answered_ids
            else:
                key = binding_key(shared, found)
                candidates = (
                    responses if key is None else [*by_key.get(key, ()), *by_key.get(None, ())]
                )
                answered = any(
                    agree(found, response) and answers(poset, found, response)
                    for response in candidates
                )
            if not answered:
                violations.append(self._unanswered(found))
        return violations

    def tracker(self, admit: Admit = None) -> MatchTracker:
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


class _LeadsToTracker(MatchTracker):
    """Open trigger matches, answered as responses arrive.

    Without shared placeholders, one-event triggers (the usual case) are indexed
    by event id and answered by a backward walk from each response that never
    re-enters the region an earlier walk covered, so the whole run costs time
    proportional to the poset. With shared placeholders, open triggers are
    indexed by the values they bound there, and a response tests only those
    that agree with it, each of them: n requests of one key open together cost
    n tests a response (``benchmarks/bench_constraints.py --open-requests``).
    Multi-event triggers are tested against each response.

    Under a filter that lets events through late, every response is walked and
    kept: a one-event trigger let through late is answered when a walk covered it,
    any other is tested against each response kept.

    What a feed changes is logged (``undo``) so that ``retract_last`` can take it
    back when the event gains a cause.
    """

    def __init__(self, rule: LeadsTo, admit: Admit) -> None:
        super().__init__((rule.trigger, rule.response), admit)
        self.rule = rule
        self.shared = shared_placeholders(rule)
        self.open: dict[PatternMatch, int] = {}  # open trigger -> its rank in opening order
        self.opened = 0
        self.open_by_event: dict[str, list[PatternMatch]] = {}  # one-event, unkeyed
        self.open_by_key: dict[Any, list[PatternMatch]] = {}  # keyed, or tested one by one
        self.covered: set[str] = set()
        self.undo: list[tuple[Any, ...]] = []  # (undo, *arguments) for the last feed
        # While waiting for admissions (see MatchTracker): the responses counted so far,
        # which a trigger let through later may follow.
        self.responses: list[PatternMatch] = []

    def feed(self, event: Any, poset: Any) -> list[ConstraintViolation]:
        self.undo.clear()
        responses = self.new_matches(1, event, poset)
        if responses and (self.open or self.passing is not None):
            self._take_responses(responses, poset)
        for found in self.new_matches(0, event, poset):
            self._open(found)
            self.undo.append((self._unopen, found))
        return []

    def accept_late(
        self, accepted: list[tuple[int, PatternMatch]], poset: Any
    ) -> list[ConstraintViolation]:
        # Triggers first: a response let through at the same time may answer them.
        for index, found in accepted:
            if index == 0 and not self._answered_already(found, poset):
                self._open(found)
        responses = [found for index, found in accepted if index == 1]
        if responses:
            self._take_responses(responses, poset)
        return []

    def _take_responses(self, responses: list[PatternMatch], poset: Any) -> None:
        """Answer the open triggers ``responses`` follow; under a filter that lets events
        through late, keep them too: a trigger let through later may follow them."""
        if self.passing is not None:
            self.responses.extend(responses)
            self.undo.append((self._forget_responses, len(responses)))
        for response in responses:
            self._answer(response, poset)

    def _forget_responses(self, count: int) -> None:
        del self.responses[-count:]

    def _answered_already(self, found: PatternMatch, poset: Any) -> bool:
        """Whether a response counted so far answers ``found``, a trigger let through late."""
        if not self.shared and len(found.events) == 1:
            return found.events[0].id in self.covered
        return any(agree(found, r) and answers(poset, found, r) for r in self.responses)

    def retract_last(self) -> bool:
        undo = self.undo
        while undo:
            step, *arguments = undo.pop()
            step(*arguments)
        return super().retract_last()

    def _open(self, found: PatternMatch) -> None:
        self.open[found] = self.opened
        self.opened += 1
        if not self.shared and len(found.events) == 1:
            self.open_by_event.setdefault(found.events[0].id, []).append(found)
        else:
            self.open_by_key.setdefault(binding_key(self.shared, found), []).append(found)

    def _unopen(self, found: PatternMatch) -> None:
        del self.open[found]
        if not self.shared and len(found.events) == 1:
            index, group = self.open_by_event, found.events[0].id
        else:
            index, group = self.open_by_key, binding_key(self.shared, found)
        opened = index[group]
        opened.pop()  # it was the latest opened there
        if not opened:
            del index[group]

    def _reopen(
        self,
        index: dict[Any, list[PatternMatch]],
        group: Any,
        kept: list[PatternMatch],
        answered: list[tuple[PatternMatch, int]],
    ) -> None:
        index[group] = kept
        for found, rank in answered:
            self.open[found] = rank

    def _answer(self, response: PatternMatch, poset: Any) -> None:
        undo = self.undo
        if self.open_by_event or self.passing is not None:
            added = strict_ancestor_ids(poset, list(response.events), self.covered)
            undo.append((self.covered.difference_update, added))
            for event_id in added:
                opened_there = self.open_by_event.pop(event_id, None)
                if opened_there is not None:
                    ranks = [(found, self.open.pop(found)) for found in opened_there]
                    undo.append((self._reopen, self.open_by_event, event_id, opened_there, ranks))
        if not self.open_by_key:
            return
        key = binding_key(self.shared, response)
        if key is None:
            groups = list(self.open_by_key)
        else:
            groups = [group for group in (key, None) if group in self.open_by_key]
        for group in groups:
            candidates = self.open_by_key[group]
            remaining: list[PatternMatch] = []
            answered: list[tuple[PatternMatch, int]] = []
            for found in candidates:
                if agree(found, response) and answers(poset, found, response):
                    answered.append((found, self.open.pop(found)))
                else:
                    remaining.append(found)
            if not answered:
                continue
            undo.append((self._reopen, self.open_by_key, group, candidates, answered))
            if remaining:
                self.open_by_key[group] = remaining
            else:
                del self.open_by_key[group]

    def outstanding(self) -> list[ConstraintViolation]:
        # Sorted by opening rank: a retracted feed re-opens triggers at the dict's end.
        ranked = sorted(self.open, key=self.open.__getitem__)
        return [self.rule._unanswered(found) for found in ranked]

    def rebase(self, events: list[Any], poset: Any) -> list[ConstraintViolation]:
        kept = {event.id for event in events}
        expired = [m for m in self.open if any(e.id not in kept for e in m.events)]
        remaining = [m for m in self.open if m not in set(expired)]
        self.open, self.open_by_event, self.open_by_key = {}, {}, {}
        self.undo.clear()
        for found in remaining:
            self._open(found)
        self.covered &= kept
        self.responses = [r for r in self.responses if all(e.id in kept for e in r.events)]
        self.replay(events, poset)
        return [self.rule._unanswered(found) for found in expired]


def shared_placeholders(rule: LeadsTo) -> tuple[str, ...]:
    """The placeholder names both sides of a leads_to can bind, sorted."""
    return tuple(sorted(rule.trigger.placeholder_names() & rule.response.placeholder_names()))


def binding_key(shared: tuple[str, ...], found: PatternMatch) -> Any:
    """The values ``found`` bound to the shared names; None when it left one unbound."""
    bindings = found.bindings
    if not all(name in bindings for name in shared):
        return None
    return tuple(freeze(bindings[name]) for name in shared)


def agree(trigger: PatternMatch, response: PatternMatch) -> bool:
    """Whether the two matches bound their common placeholders to the same values."""
    return merge_bindings(trigger.bindings, response.bindings) is not None


class _Every:
    """The first half of ``every(P).leads_to(Q)``."""

    def __init__(self, trigger: Pattern | str) -> None:
        self.trigger = as_pattern(trigger, "every()")

    def leads_to(
        self,
        response: Pattern | str,
        name: str | None = None,
        description: str = "",
        *,
        message: str | None = None,
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

"""The ``@constraint`` class form: a named group of rules, optionally limited by a filter."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from pyrapide.constraints.base import (
    Admit,
    Constraint,
    Tracker,
    as_pattern,
    collected_rules,
    new_matcher,
    poset_of,
)
from pyrapide.constraints.rules import PatternConstraint
from pyrapide.constraints.violation import ConstraintViolation
from pyrapide.core.printable import brief_repr, described
from pyrapide.patterns import (
    BasicPattern,
    DisjunctionPattern,
    GuardedPattern,
    Pattern,
    PatternMatch,
    TimedPattern,
)
from pyrapide.patterns.operators import scoped_pattern

__all__ = ["RuleSet", "constraint"]


class RuleSet(Constraint):
    """A constraint made of rules (the base of every ``@constraint`` class).

    The violations of its rules are reported under the class's ``name`` (a rule
    that was given a name of its own reports as ``"<name>.<rule>"``) and, when a
    rule has no description, the class's description. With a ``filter`` (a
    pattern), only matches whose events all match the filter count.

    A monitor checks the rules as events arrive. A filter whose matches hold several
    events (``A >> B``) may let an event through only once a later one arrives: the
    rules' matches it refused until then count from that event on (a ``never`` match
    is reported by it, a ``leads_to`` trigger opens then, already answered if a
    response counted so far follows it). Meanwhile the monitor keeps the refused
    matches, and under such a filter every response of a ``leads_to`` rule.
    """

    rules_list: list[PatternConstraint]
    filter_pattern: Pattern | None

    def check(self, computation: Any) -> list[ConstraintViolation]:
        """Every violation of every rule in ``computation`` (or a poset)."""
        poset = poset_of(computation)
        admit: Admit = None
        if self.filter_pattern is not None:
            passing = {e.id for found in self.filter_pattern.match_in(poset) for e in found.events}
            admit = _admit_within(passing)
        return [v for rule in self.rules_list for v in rule.evaluate(poset, admit)]

    def scoped(self, scope: str) -> Constraint:
        if type(self).check is not RuleSet.check:
            return self  # the class checks by hand: its own judge of sources
        rules = [rule.scoped(scope) for rule in self.rules_list]
        filter_pattern = (
            None if self.filter_pattern is None else scoped_pattern(self.filter_pattern, scope)
        )
        if filter_pattern is self.filter_pattern and all(
            rule is own for rule, own in zip(rules, self.rules_list, strict=True)
        ):
            return self
        twin = copy.copy(self)
        twin.rules_list, twin.filter_pattern = rules, filter_pattern
        return twin

    def patterns(self) -> tuple[Pattern, ...]:
        if type(self).check is not RuleSet.check:
            return ()  # the class checks by hand
        own = () if self.filter_pattern is None else (self.filter_pattern,)
        return own + tuple(pattern for rule in self.rules_list for pattern in rule.patterns())

    def tracker(self) -> Tracker:
        if type(self).check is not RuleSet.check:
            return super().tracker()  # the class checks by hand: a whole-run check
        return _RuleSetTracker(self)


def _one_event(pattern: Pattern) -> bool:
    """Whether every match of ``pattern`` is one event, complete when it is recorded:
    a filter of that kind lets each event through (or not) as it arrives."""
    if isinstance(pattern, BasicPattern):
        return True
    if isinstance(pattern, GuardedPattern | TimedPattern):
        return _one_event(pattern.pattern)
    if isinstance(pattern, DisjunctionPattern):
        return _one_event(pattern.left) and _one_event(pattern.right)
    return False


def _admit_within(passing: set[str]) -> Admit:
    def admit(found: PatternMatch) -> bool:
        return all(event.id in passing for event in found.events)

    return admit


class _RuleSetTracker(Tracker):
    def __init__(self, rule_set: RuleSet) -> None:
        self.rule_set = rule_set
        self.filter = rule_set.filter_pattern
        self.filter_matcher = new_matcher(self.filter) if self.filter is not None else None
        self.passing: set[str] = set()
        self.newly_passing: list[str] = []  # the ids the last feed added to ``passing``
        admit = _admit_within(self.passing) if self.filter is not None else None
        self.trackers = [rule.tracker(admit) for rule in rule_set.rules_list]
        # A filter of several events lets an event through late, once a later one
        # arrives: the rules keep the matches it refused until then (see RuleSet).
        self.admits_late = self.filter is not None and not _one_event(self.filter)
        self.admitted_late = False  # whether the last feed counted such matches
        if self.admits_late:
            for tracker in self.trackers:
                tracker.wait_for(self.passing)

    def feed(self, event: Any, poset: Any) -> list[ConstraintViolation]:
        violations: list[ConstraintViolation] = []
        if self.filter_matcher is not None:
            newly_passing = self.newly_passing = []
            passing = self.passing
            for found in self.filter_matcher.feed(event, poset):
                for passed in found.events:
                    if passed.id not in passing:
                        passing.add(passed.id)
                        newly_passing.append(passed.id)
            if self.admits_late:
                self.admitted_late = False
                late = [passed for passed in newly_passing if passed != event.id]
                for tracker in self.trackers:
                    tracker.start_feed()
                    if late:
                        self.admitted_late = True
                        violations.extend(tracker.admit_late(late, poset))
        for tracker in self.trackers:
            violations.extend(tracker.feed(event, poset))
        return violations

    def retract_last(self) -> bool:
        if self.admitted_late:
            return False  # what earlier events' matches became is not logged
        if not all([tracker.retract_last() for tracker in self.trackers]):
            return False
        if self.filter_matcher is not None:
            self.filter_matcher.retract_last()
            self.passing.difference_update(self.newly_passing)
            self.newly_passing = []
        return True

    def outstanding(self) -> list[ConstraintViolation]:
        return [v for tracker in self.trackers for v in tracker.outstanding()]

    def rebase(self, events: list[Any], poset: Any) -> list[ConstraintViolation]:
        if self.filter is not None:
            # An event let through stays through, though the match that did it was dropped.
            kept = {event.id for event in events}
            self.passing.intersection_update(kept)
            self.filter_matcher = new_matcher(self.filter)
            for event in events:
                self.filter_matcher.feed(event, poset)
        return [v for tracker in self.trackers for v in tracker.rebase(events, poset)]


def _collect_rules(instance: Any, class_name: str) -> list[PatternConstraint]:
    collecting: list[Constraint] = []
    token = collected_rules.set(collecting)
    try:
        returned: list[Any] = []
        for method_name in ("define", "rules"):
            method = getattr(instance, method_name, None)
            if method is None:
                continue
            try:
                result = method()
            except Exception as error:
                error.add_note(f"while collecting the rules of constraint class {class_name}")
                raise
            if isinstance(result, Constraint):
                returned.append(result)
            elif isinstance(result, Iterable) and not isinstance(result, str | Mapping):
                returned.extend(result)
            elif result is not None:
                raise TypeError(
                    f"constraint class {class_name}: {method_name}() returned "
                    f"{described(result)}; it returns a rule, a list of rules or "
                    "nothing (rules built with must_match(), never() or every().leads_to())"
                )
    finally:
        collected_rules.reset(token)
    rules: list[PatternConstraint] = []
    for rule in [*collecting, *returned]:
        if not isinstance(rule, PatternConstraint):
            raise TypeError(
                f"constraint class {class_name}: a rule must be built with must_match(), "
                f"never() or every().leads_to(), got {brief_repr(rule)}"
            )
        if not any(rule is seen for seen in rules):
            rules.append(rule)
    _refuse_shared_names(rules, class_name)
    return rules


def _refuse_shared_names(rules: list[PatternConstraint], class_name: str) -> None:
    """Raise ValueError naming two rules given the same name: their violations would be
    reported under one name, and two alike (same events) counted as one."""
    named: dict[str, PatternConstraint] = {}
    for rule in rules:
        if not rule.named:
            continue
        first = named.setdefault(rule.name, rule)
        if first is not rule:
            raise ValueError(
                f"constraint class {class_name}: two rules are named {rule.name!r} "
                f"({first.statement}; {rule.statement}): give each a name of its own, so "
                "that their violations can be told apart"
            )


def _description_of(cls: type) -> str:
    text = cls.__dict__.get("description")
    if isinstance(text, str):
        return text
    doc = inspect.getdoc(cls)
    return doc.split("\n\n")[0].strip() if doc else ""


def constraint(cls: type) -> type:
    """Turn a class into a constraint (PyRapide 0.3.0's ``@constraint``).

    The class states its rules in ``define(self)`` or ``rules(self)``, by calling
    :func:`must_match`, :func:`never` or ``every(P).leads_to(Q)`` and/or returning
    them. Optional class attributes: ``name`` (default: the class name),
    ``description`` (default: the docstring's first paragraph) and ``filter``, a
    pattern limiting the events the rules may match. A class that defines
    ``check(self, computation)`` itself is checked by it instead (``super().check``
    gives the rules' violations). Instances are :class:`Constraint` objects; the
    rules are collected when an instance is made, and an error there names the class
    (two rules given one name are refused with ValueError naming both).
    """
    if not isinstance(cls, type):
        raise TypeError(f"@constraint decorates a class, got {type(cls).__name__}")
    has_body = any(hasattr(cls, attr) for attr in ("define", "rules", "check"))
    if not has_body:
        raise TypeError(
            f"constraint class {cls.__name__} must define define(self) or rules(self) "
            f"(returning or calling must_match/never/every), or check(self, computation)"
        )
    name = cls.__dict__.get("name", cls.__name__)
    if not isinstance(name, str) or not name:
        raise TypeError(f"constraint class {cls.__name__}: name must be a non-empty string")
    description = _description_of(cls)
    raw_filter = cls.__dict__.get("filter")
    filter_pattern = (
        None
        if raw_filter is None
        else as_pattern(raw_filter, f"constraint class {cls.__name__}: filter")
    )

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        cls.__init__(self, *args, **kwargs)  # type: ignore[misc]
        self.name = name
        self.description = description
        self.filter_pattern = filter_pattern
        self.rules_list = [
            rule.renamed(
                f"{name}.{rule.name}" if rule.named else name,
                rule.description or description,
            )
            for rule in _collect_rules(self, cls.__name__)
        ]

    namespace = {
        "__init__": __init__,
        "__doc__": cls.__doc__,
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "name": name,
        "description": description,
        "filter": filter_pattern,
    }
    return type(cls.__name__, (cls, RuleSet), namespace)

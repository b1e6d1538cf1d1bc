"""A deliberately naive reading of the pattern semantics, to check the real matcher against.

Every operator is evaluated by trying every pair of sub-matches against the
definition in ``pyrapide.patterns.algebra``; nothing is indexed or pruned.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from pyrapide.patterns import (
    BasicPattern,
    DisjunctionPattern,
    GuardedPattern,
    ImmediateSequencePattern,
    IndependencePattern,
    IterationPattern,
    JoinPattern,
    PatternMatch,
    Placeholder,
    SequencePattern,
    TimedPattern,
)
from pyrapide.patterns.match import freeze


def _basic(pattern: BasicPattern, event: Any) -> dict[str, Any] | None:
    if pattern.event_name not in ("*", event.name):
        return None
    bound: dict[str, Any] = {}
    wanted = [(event.source, pattern.source_matcher)] if pattern.source_matcher is not None else []
    for key, expected in pattern.field_matchers.items():
        if key not in event.payload:
            return None
        wanted.append((event.payload[key], expected))
    for actual, expected in wanted:
        if isinstance(expected, Placeholder):
            if expected.name in bound and freeze(bound[expected.name]) != freeze(actual):
                return None
            bound.setdefault(expected.name, actual)
        elif freeze(actual) != freeze(expected):
            return None
    return bound


def _merge(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any] | None:
    for name in left.keys() & right.keys():
        if freeze(left[name]) != freeze(right[name]):
            return None
    return {**left, **right}


def reference_matches(pattern: Any, poset: Any) -> list[PatternMatch]:
    """Every match of ``pattern`` in ``poset``, found by brute force."""
    seq = poset.seq

    def combine(left: PatternMatch, right: PatternMatch) -> PatternMatch | None:
        bindings = _merge(left.bindings, right.bindings)
        if bindings is None or set(left.events) & set(right.events):
            return None
        return PatternMatch(sorted(left.events + right.events, key=seq), bindings)

    def pairs(relation: Any) -> list[PatternMatch]:
        found = []
        for left in reference_matches(pattern.left, poset):
            for right in reference_matches(pattern.right, poset):
                if relation(left.events, right.events):
                    pair = combine(left, right)
                    if pair is not None:
                        found.append(pair)
        return list(dict.fromkeys(found))

    def precedes(xs: Any, ys: Any) -> bool:
        return all(poset.is_ancestor(x, y) for x in xs for y in ys)

    if isinstance(pattern, BasicPattern):
        return [
            PatternMatch((event,), bound)
            for event in poset
            if (bound := _basic(pattern, event)) is not None
        ]
    if isinstance(pattern, SequencePattern):
        return pairs(precedes)
    if isinstance(pattern, ImmediateSequencePattern):
        return pairs(
            lambda xs, ys: precedes(xs, ys) and any(x in poset.causes(y) for x in xs for y in ys)
        )
    if isinstance(pattern, JoinPattern):
        return pairs(
            lambda xs, ys: any(poset.ancestors(x) & poset.ancestors(y) for x in xs for y in ys)
        )
    if isinstance(pattern, IndependencePattern):
        return pairs(lambda xs, ys: all(poset.are_independent(x, y) for x in xs for y in ys))
    if isinstance(pattern, DisjunctionPattern):
        both = reference_matches(pattern.left, poset) + reference_matches(pattern.right, poset)
        return list(dict.fromkeys(both))
    if isinstance(pattern, GuardedPattern):
        kept = []
        for found in reference_matches(pattern.pattern, poset):
            try:
                if pattern.predicate(found):
                    kept.append(found)
            except Exception:
                pass
        return kept
    if isinstance(pattern, TimedPattern):
        return [m for m in reference_matches(pattern.pattern, poset) if pattern.accepts(m)]
    if isinstance(pattern, IterationPattern):
        return _repeat(reference_matches(pattern.pattern, poset), seq)
    raise TypeError(pattern)


def _repeat(occurrences: list[PatternMatch], seq: Any) -> list[PatternMatch]:
    def completion(found: PatternMatch) -> int:
        return max(seq(event) for event in found.events)

    def canonical(found: PatternMatch) -> Any:
        return (tuple(seq(e) for e in found.events), repr(sorted(found.bindings.items())))

    gathered: list[PatternMatch] = []
    grown = []
    for _, group in groupby(sorted(occurrences, key=completion), key=completion):
        gathered.extend(sorted(group, key=canonical))
        events = sorted({event for found in gathered for event in found.events}, key=seq)
        bindings: dict[str, list[Any]] = {}
        for found in gathered:
            for name, value in found.bindings.items():
                bindings.setdefault(name, []).append(value)
        grown.append(PatternMatch(events, bindings))
    return grown

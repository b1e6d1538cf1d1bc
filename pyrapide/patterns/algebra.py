"""The pattern algebra: basic patterns and the operators that combine them.

Patterns are values: two patterns are equal when they have the same structure
(Python guards and clocks compare by identity), so they can be dict keys, and
``parse_pattern(str(p)) == p`` for every pattern the text syntax can express.

Semantics, for matches ``p`` of P and ``q`` of Q (each a set of events with
bindings). In every composite, the two matches use disjoint events (one event
never serves both sides) and their bindings must agree on every placeholder
they share; the composite's bindings are the union.

- ``P >> Q`` (``P.then(Q)``): every event of ``p`` causally precedes every event
  of ``q``. For one-event sides: the P event is a causal ancestor of the Q event.
  ``A >> B >> C`` therefore means a causal chain A before B before C.
- ``P.then_immediately(Q)``: ``P >> Q`` and some event of ``p`` is a direct cause
  of some event of ``q``.
- ``P & Q``: some event of ``p`` and some event of ``q`` have a common (strict)
  causal ancestor.
- ``P | Q``: every event of ``p`` is causally independent of every event of ``q``.
- ``P.or_(Q)`` / ``P.union(Q)``: the matches of P and the matches of Q (a match
  found by both is reported once).
- ``P.where(guard)``: the matches of P for which ``guard(match)`` is true.
- ``P.timed(...)``: the matches of P whose events' times lie within the bounds.
- ``P.repeat()``: all occurrences of P so far as one match; see
  :class:`IterationPattern`.

A match is *completed* by its last event in recording order. Matching is
monotone: once a match exists it stays one as the poset grows, which is what lets
:meth:`Pattern.matcher` report each match exactly once, when it is completed,
and agree exactly with :meth:`Pattern.match_in`.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pyrapide.patterns.condition import Condition
from pyrapide.patterns.match import PatternMatch, Placeholder, freeze, merge_bindings

if TYPE_CHECKING:
    from pyrapide.patterns.engine import Matcher

__all__ = [
    "BasicPattern",
    "DisjunctionPattern",
    "GuardedPattern",
    "ImmediateSequencePattern",
    "IndependencePattern",
    "IterationPattern",
    "JoinPattern",
    "Pattern",
    "SequencePattern",
    "TimedPattern",
]

# Binding strength in the text syntax, loosest first; see pyrapide.patterns.
WHERE, OR, INDEPENDENT, JOIN, SEQUENCE, REPEAT, ATOM = range(7)

_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_KEYWORDS = frozenset({"or", "and", "not", "where", "from", "true", "false", "null"})


def _is_bare(name: str) -> bool:
    return bool(_BARE_NAME.match(name)) and name not in _KEYWORDS


def _value_text(value: Any) -> str:
    if isinstance(value, Placeholder):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return f"<python value {value!r}>"


class Pattern:
    """A pattern over causal events; build one with :meth:`Pattern.match` and the operators."""

    __slots__ = ()
    level = ATOM

    # --- construction -------------------------------------------------------------

    @classmethod
    def match(
        cls, event_name: str, source: str | Placeholder | None = None, **field_matchers: Any
    ) -> BasicPattern:
        """One event named ``event_name`` (``"*"``: any name), from ``source`` if given,
        whose payload has each field of ``field_matchers`` equal to its value; a value
        that is a :class:`Placeholder` binds to the field's value instead."""
        return BasicPattern(event_name, field_matchers, source)

    def then(self, other: Pattern) -> SequencePattern:
        """``self >> other``: every event of a ``self`` match causally precedes every
        event of an ``other`` match."""
        return SequencePattern(self, _check_operand(other, ">>"))

    def then_immediately(self, other: Pattern) -> ImmediateSequencePattern:
        """As :meth:`then`, and an event of ``self``'s match directly causes one of ``other``'s."""
        return ImmediateSequencePattern(self, _check_operand(other, "then_immediately"))

    def or_(self, other: Pattern) -> DisjunctionPattern:
        """The matches of either pattern (one found by both is reported once)."""
        return DisjunctionPattern(self, _check_operand(other, "or_"))

    def union(self, other: Pattern) -> DisjunctionPattern:
        """The same as :meth:`or_`: each match keeps the bindings of the side that found it."""
        return DisjunctionPattern(self, _check_operand(other, "union"))

    def where(self, predicate: Callable[[PatternMatch], Any] | Condition) -> GuardedPattern:
        """The matches for which ``predicate(match)`` is true.

        The predicate receives the :class:`PatternMatch`; a one-event match offers
        ``name``, ``payload``, ``source`` and ``id`` like an event, so a guard may be
        written over the event. A predicate that raises counts as a non-match; the
        error is kept in ``guard_errors`` of the returned pattern and warned once.
        """
        if not callable(predicate):
            raise TypeError(f"where() needs a callable or a Condition, got {predicate!r}")
        return GuardedPattern(self, predicate)

    def timed(
        self,
        clock: Any = None,
        max_duration: float | None = None,
        after: float | None = None,
        before: float | None = None,
    ) -> TimedPattern:
        """The matches whose events' times lie within the bounds; see :class:`TimedPattern`."""
        return TimedPattern(self, clock, max_duration, after, before)

    def repeat(self) -> IterationPattern:
        """All occurrences of this pattern as one match; see :class:`IterationPattern`."""
        return IterationPattern(self)

    def __rshift__(self, other: Pattern) -> SequencePattern:
        if not isinstance(other, Pattern):
            return NotImplemented
        return SequencePattern(self, other)

    def __and__(self, other: Pattern) -> JoinPattern:
        if not isinstance(other, Pattern):
            return NotImplemented
        return JoinPattern(self, other)

    def __or__(self, other: Pattern) -> IndependencePattern:
        if not isinstance(other, Pattern):
            return NotImplemented
        return IndependencePattern(self, other)

    # --- matching -----------------------------------------------------------------

    def match_in(self, poset: Any, bindings: Mapping[str, Any] | None = None) -> list[PatternMatch]:
        """Every match in a poset (or computation), in the order the matches were completed.

        ``bindings`` pre-binds placeholders: only matches that agree are returned,
        with those bindings included.
        """
        from pyrapide.patterns.engine import match_all

        matches = match_all(self, poset)
        if not bindings:
            return matches
        agreeing = []
        for found in matches:
            merged = merge_bindings(bindings, found.bindings)
            if merged is not None:
                agreeing.append(PatternMatch(found.events, merged))
        return agreeing

    def matcher(self) -> Matcher:
        """A fresh incremental matcher: ``matcher.feed(event, poset)`` returns the new
        matches that the just-recorded ``event`` completes, each exactly once per run."""
        from pyrapide.patterns.engine import Matcher

        return Matcher(self)

    # --- description --------------------------------------------------------------

    def event_names(self) -> frozenset[str] | None:
        """The event names this pattern can match, or None when it can match any name."""
        raise NotImplementedError

    def placeholder_names(self) -> frozenset[str]:
        """The names of the placeholders a match of this pattern may bind."""
        raise NotImplementedError

    def children(self) -> tuple[Pattern, ...]:
        """The patterns this one is built from."""
        return ()

    def _key(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def _text(self) -> str:
        raise NotImplementedError

    def _wrap(self, child: Pattern, min_level: int) -> str:
        text = child._text()
        return f"({text})" if child.level < min_level else text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pattern):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return self._text()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._text()}>"


def _check_operand(other: Any, operator_name: str) -> Pattern:
    if not isinstance(other, Pattern):
        raise TypeError(
            f"{operator_name} needs a Pattern, got {type(other).__name__} {other!r}; "
            "build one with Pattern.match(...) or parse_pattern(...)"
        )
    return other


class BasicPattern(Pattern):
    """One event: by name (``"*"`` for any), optionally by source and payload fields.

    A field's expected value is compared as JSON values are (``1 == 1.0``, but
    ``true`` is not ``1``); a missing field is a non-match. A :class:`Placeholder`
    as a field value or as ``source_matcher`` binds; the same placeholder used
    twice in one basic pattern must meet equal values.
    """

    __slots__ = ("event_name", "field_matchers", "source_matcher")

    def __init__(
        self,
        event_name: str,
        field_matchers: Mapping[str, Any] | None = None,
        source_matcher: str | Placeholder | None = None,
    ) -> None:
        if not isinstance(event_name, str) or not event_name:
            raise ValueError(f"an event name must be a non-empty string, got {event_name!r}")
        if source_matcher is not None and not isinstance(source_matcher, (str, Placeholder)):
            raise TypeError(f"source must be a string or a placeholder, got {source_matcher!r}")
        self.event_name = event_name
        self.field_matchers = dict(field_matchers or {})
        self.source_matcher = source_matcher

    def event_names(self) -> frozenset[str] | None:
        return None if self.event_name == "*" else frozenset((self.event_name,))

    def placeholder_names(self) -> frozenset[str]:
        values = [*self.field_matchers.values(), self.source_matcher]
        return frozenset(v.name for v in values if isinstance(v, Placeholder))

    def _key(self) -> tuple[Any, ...]:
        fields = frozenset(
            (key, value if isinstance(value, Placeholder) else ("value", freeze(value)))
            for key, value in self.field_matchers.items()
        )
        return ("match", self.event_name, self.source_matcher, fields)

    def _text(self) -> str:
        name = self.event_name
        text = name if name == "*" or _is_bare(name) else json.dumps(name, ensure_ascii=False)
        if self.field_matchers:
            fields = ", ".join(
                f"{key if _is_bare(key) and '.' not in key else json.dumps(key)}={_value_text(v)}"
                for key, v in self.field_matchers.items()
            )
            text += f"({fields})"
        if self.source_matcher is not None:
            text += f" from {_value_text(self.source_matcher)}"
        return text


class _Binary(Pattern):
    __slots__ = ("left", "right")
    symbol = ""
    tag = ""

    def __init__(self, left: Pattern, right: Pattern) -> None:
        self.left = _check_operand(left, self.symbol)
        self.right = _check_operand(right, self.symbol)

    def children(self) -> tuple[Pattern, ...]:
        return (self.left, self.right)

    def event_names(self) -> frozenset[str] | None:
        left, right = self.left.event_names(), self.right.event_names()
        return None if left is None or right is None else left | right

    def placeholder_names(self) -> frozenset[str]:
        return self.left.placeholder_names() | self.right.placeholder_names()

    def _key(self) -> tuple[Any, ...]:
        return (self.tag, self.left._key(), self.right._key())

    def _text(self) -> str:
        # Left-associative: a right operand of the same strength needs parentheses.
        left = self._wrap(self.left, self.level)
        right = self._wrap(self.right, self.level + 1)
        return f"{left} {self.symbol} {right}"


class SequencePattern(_Binary):
    """``P >> Q``: every event of P's match causally precedes every event of Q's match.

    Text: ``P -> Q`` (or ``P >> Q``).
    """

    __slots__ = ()
    symbol, tag, level = "->", "then", SEQUENCE


class ImmediateSequencePattern(_Binary):
    """``P.then_immediately(Q)``: ``P >> Q``, and some event of P's match is a direct
    cause of some event of Q's match. Text: ``P => Q``."""

    __slots__ = ()
    symbol, tag, level = "=>", "then_immediately", SEQUENCE


class JoinPattern(_Binary):
    """``P & Q``: some event of P's match and some event of Q's match share a common
    strict causal ancestor. Text: ``P & Q``."""

    __slots__ = ()
    symbol, tag, level = "&", "join", JOIN


class IndependencePattern(_Binary):
    """``P | Q``: every event of P's match is causally independent of every event of
    Q's match (neither precedes the other). Text: ``P || Q``."""

    __slots__ = ()
    symbol, tag, level = "||", "independent", INDEPENDENT


class DisjunctionPattern(_Binary):
    """``P.or_(Q)`` / ``P.union(Q)``: every match of P and every match of Q, each with
    the bindings of the side that found it. Text: ``P or Q``."""

    __slots__ = ()
    symbol, tag, level = "or", "or", OR


class GuardedPattern(Pattern):
    """``P.where(guard)``: the matches of P for which ``guard(match)`` is true.

    A guard that raises is a non-match, never an error of the caller: the last
    errors are kept in ``guard_errors`` (pairs of the match and the exception,
    at most 100) and counted in ``guard_error_count``; the first is also warned.
    A :class:`~pyrapide.patterns.condition.Condition` guard comes from the text
    syntax (``P where ?n > 5``) and prints back; a Python guard prints as
    ``P where <python guard NAME>``, which :func:`parse_pattern` refuses.
    """

    __slots__ = ("guard_error_count", "guard_errors", "pattern", "predicate")
    level = WHERE

    def __init__(self, pattern: Pattern, predicate: Callable[[PatternMatch], Any]) -> None:
        self.pattern = _check_operand(pattern, "where")
        self.predicate = predicate
        self.guard_errors: deque[tuple[PatternMatch, BaseException]] = deque(maxlen=100)
        self.guard_error_count = 0

    def children(self) -> tuple[Pattern, ...]:
        return (self.pattern,)

    def event_names(self) -> frozenset[str] | None:
        return self.pattern.event_names()

    def placeholder_names(self) -> frozenset[str]:
        return self.pattern.placeholder_names()

    def _key(self) -> tuple[Any, ...]:
        return ("where", self.pattern._key(), self.predicate)

    def _text(self) -> str:
        if isinstance(self.predicate, Condition):
            guard = str(self.predicate)
        else:
            name = getattr(self.predicate, "__qualname__", type(self.predicate).__name__)
            guard = f"<python guard {name}>"
        return f"{self._wrap(self.pattern, OR)} where {guard}"


class TimedPattern(Pattern):
    """``P.timed(clock, max_duration=, after=, before=)``: P's matches within time bounds.

    An event's time is ``clock.start_time(event)`` when the clock stamped it, else
    its ``timestamp`` (also when ``clock`` is None). A match qualifies when every
    event's time is at or after ``after`` and at or before ``before``, and the span
    from its earliest to its latest time is at most ``max_duration``. Timed patterns
    print as ``P within <...>``, which :func:`parse_pattern` refuses.
    """

    __slots__ = ("after", "before", "clock", "max_duration", "pattern")
    level = WHERE

    def __init__(
        self,
        pattern: Pattern,
        clock: Any = None,
        max_duration: float | None = None,
        after: float | None = None,
        before: float | None = None,
    ) -> None:
        self.pattern = _check_operand(pattern, "timed")
        for label, bound in (("max_duration", max_duration), ("after", after), ("before", before)):
            if bound is not None and not isinstance(bound, (int, float)):
                raise TypeError(f"timed({label}=...) must be a number, got {bound!r}")
        self.clock, self.max_duration, self.after, self.before = clock, max_duration, after, before

    def time_of(self, event: Any) -> float:
        """The time this pattern gives ``event``."""
        start_time = getattr(self.clock, "start_time", None)
        if start_time is not None:
            stamped = start_time(event)
            if stamped is not None:
                return stamped
        return event.timestamp

    def accepts(self, match: PatternMatch) -> bool:
        """Whether the match's events lie within the bounds."""
        times = [self.time_of(event) for event in match.events]
        earliest, latest = min(times), max(times)
        if self.after is not None and earliest < self.after:
            return False
        if self.before is not None and latest > self.before:
            return False
        return self.max_duration is None or latest - earliest <= self.max_duration

    def children(self) -> tuple[Pattern, ...]:
        return (self.pattern,)

    def event_names(self) -> frozenset[str] | None:
        return self.pattern.event_names()

    def placeholder_names(self) -> frozenset[str]:
        return self.pattern.placeholder_names()

    def _key(self) -> tuple[Any, ...]:
        bounds = (self.max_duration, self.after, self.before)
        return ("timed", self.pattern._key(), id(self.clock), bounds)

    def _text(self) -> str:
        bounds = ", ".join(
            f"{label}={value}"
            for label, value in (
                ("max_duration", self.max_duration),
                ("after", self.after),
                ("before", self.before),
            )
            if value is not None
        )
        clock = getattr(self.clock, "name", None) if self.clock is not None else None
        return f"{self._wrap(self.pattern, OR)} within <clock {clock}: {bounds}>"


class IterationPattern(Pattern):
    """``P.repeat()``: all occurrences of P so far, gathered into one match.

    Each time one or more new matches of P are completed, the repeat has a new
    match: the union of the events of *every* match of P completed so far, with
    each placeholder bound to the list of its values (one per occurrence, in
    completion order). So over a whole poset, the last match of ``P.repeat()``
    holds all occurrences; incrementally, the matcher reports the growing set
    after each new occurrence. Both modes report the same matches. Text: ``P+``.
    """

    __slots__ = ("pattern",)
    level = REPEAT

    def __init__(self, pattern: Pattern) -> None:
        self.pattern = _check_operand(pattern, "repeat")

    def children(self) -> tuple[Pattern, ...]:
        return (self.pattern,)

    def event_names(self) -> frozenset[str] | None:
        return self.pattern.event_names()

    def placeholder_names(self) -> frozenset[str]:
        return self.pattern.placeholder_names()

    def _key(self) -> tuple[Any, ...]:
        return ("repeat", self.pattern._key())

    def _text(self) -> str:
        inner = self.pattern
        bare = isinstance(inner, BasicPattern) and inner.source_matcher is None
        return f"{inner._text() if bare else f'({inner._text()})'}+"

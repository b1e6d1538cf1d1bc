"""The operators of the algebra: sequence, join, independence, choice, guard, timing, repeat.

Their semantics are set out in :mod:`pyrapide.patterns.algebra`.
"""

from __future__ import annotations

import copy
import sys
import warnings
from collections import deque
from collections.abc import Callable
from types import FrameType
from typing import Any

from pyrapide.core.printable import brief_repr, described
from pyrapide.patterns.algebra import (
    INDEPENDENT,
    JOIN,
    OR,
    REPEAT,
    SEQUENCE,
    WHERE,
    BasicPattern,
    Pattern,
    check_operand,
    nesting,
    scoped_source,
)
from pyrapide.patterns.condition import Condition
from pyrapide.patterns.match import PatternMatch

__all__ = [
    "DisjunctionPattern",
    "GuardedPattern",
    "ImmediateSequencePattern",
    "IndependencePattern",
    "IterationPattern",
    "JoinPattern",
    "SequencePattern",
    "TimedPattern",
    "UnboundPlaceholderWarning",
    "guards_in",
    "scoped_pattern",
]


class _Binary(Pattern):
    __slots__ = ("depth", "left", "right")
    symbol = ""
    tag = ""

    def __init__(self, left: Pattern, right: Pattern) -> None:
        self.left = check_operand(left, self.symbol)
        self.right = check_operand(right, self.symbol)
        self.depth = nesting((self.left, self.right), self.symbol)

    def children(self) -> tuple[Pattern, ...]:
        return (self.left, self.right)

    def event_names(self) -> frozenset[str] | None:
        left, right = self.left.event_names(), self.right.event_names()
        return None if left is None or right is None else left | right

    def placeholder_names(self) -> frozenset[str]:
        return self.left.placeholder_names() | self.right.placeholder_names()

    def fewest_events(self) -> int:
        # Each side's events are others than the other side's (they precede them, or
        # are independent of them); ``&`` and ``or`` say otherwise below.
        return self.left.fewest_events() + self.right.fewest_events()

    def _key(self) -> tuple[Any, ...]:
        return (self.tag, self.left._key(), self.right._key())

    def _text(self) -> str:
        # Left-associative: a right operand of the same strength needs parentheses.
        left = self._wrap(self.left, self.level)
        right = self._wrap(self.right, self.level + 1)
        return f"{left} {self.symbol} {right}"


class _Ordered(_Binary):
    """A binary pattern whose operands come in causal order: ``first`` and ``second``
    (PyRapide 0.3.0's names, keyword or attribute) are ``left`` and ``right``."""

    __slots__ = ()

    def __init__(self, first: Pattern, second: Pattern) -> None:
        super().__init__(first, second)

    @property
    def first(self) -> Pattern:
        """The pattern whose match comes first (``left``)."""
        return self.left

    @property
    def second(self) -> Pattern:
        """The pattern whose match follows (``right``)."""
        return self.right


class SequencePattern(_Ordered):
    """``P >> Q``: every event of P's match causally precedes every event of Q's match.

    Text: ``P -> Q`` (or ``P >> Q``).
    """

    __slots__ = ()
    symbol, tag, level = "->", "then", SEQUENCE


class ImmediateSequencePattern(_Ordered):
    """``P.then_immediately(Q)``: ``P >> Q``, and some event of P's match is a direct
    cause of some event of Q's match. Text: ``P => Q``."""

    __slots__ = ()
    symbol, tag, level = "=>", "then_immediately", SEQUENCE


class JoinPattern(_Binary):
    """``P & Q``: some event of P's match and some event of Q's match share a common
    strict causal ancestor. Text: ``P & Q``."""

    __slots__ = ()
    symbol, tag, level = "&", "join", JOIN

    def fewest_events(self) -> int:
        # The two sides' matches may share events: the larger side's count at least.
        return max(self.left.fewest_events(), self.right.fewest_events())


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

    def fewest_events(self) -> int:
        return min(self.left.fewest_events(), self.right.fewest_events())


class _Unary(Pattern):
    """An operator on one pattern: it matches its operand's event names and binds its names."""

    __slots__ = ("depth", "pattern")
    pattern: Pattern

    def children(self) -> tuple[Pattern, ...]:
        return (self.pattern,)

    def event_names(self) -> frozenset[str] | None:
        return self.pattern.event_names()

    def placeholder_names(self) -> frozenset[str]:
        return self.pattern.placeholder_names()

    def fewest_events(self) -> int:
        return self.pattern.fewest_events()


class GuardedPattern(_Unary):
    """``P.where(guard)``: the matches of P for which ``guard(match)`` is true.

    A guard that raises is a non-match, never an error of the caller: the last
    errors are kept in ``guard_errors`` (pairs of the match and the exception,
    at most 100) and counted in ``guard_error_count``. The first error met by a
    matcher that warns is also warned, once per pattern; a caller that reports
    the errors itself makes its matcher with ``matcher(warn_guard_errors=False)``
    (the runtime does, for an architecture).
    A :class:`~pyrapide.patterns.condition.Condition` guard comes from the text
    syntax (``P where ?n > 5``) and prints back; a Python guard prints as
    ``P where <python guard NAME>``, which :func:`parse_pattern` refuses.
    """

    __slots__ = ("guard_error_count", "guard_errors", "predicate", "warned")
    level = WHERE

    def __init__(self, pattern: Pattern, predicate: Callable[[PatternMatch], Any]) -> None:
        self.pattern = check_operand(pattern, "where")
        self.depth = nesting((self.pattern,), "where")
        self.predicate = predicate
        if isinstance(predicate, Condition):
            _warn_of_unbound_placeholders(self.pattern, predicate)
        self.guard_errors: deque[tuple[PatternMatch, BaseException]] = deque(maxlen=100)
        self.guard_error_count = 0
        self.warned = False  # whether a matcher that warns has warned of an error yet

    def _key(self) -> tuple[Any, ...]:
        return ("where", self.pattern._key(), self.predicate)

    def _text(self) -> str:
        if isinstance(self.predicate, Condition):
            guard = str(self.predicate)
        else:
            name = getattr(self.predicate, "__qualname__", type(self.predicate).__name__)
            guard = f"<python guard {name}>"
        return f"{self._wrap(self.pattern, OR)} where {guard}"


class UnboundPlaceholderWarning(UserWarning):
    """A ``where`` compares a placeholder that the pattern it guards never binds."""


def _warn_of_unbound_placeholders(pattern: Pattern, condition: Condition) -> None:
    """Warn of each comparison on a placeholder ``pattern`` never binds (``A where ?m >
    1``): the guard reads only the match's bindings, so it is false for every match."""
    bound = pattern.placeholder_names()
    for comparison in condition.comparisons():
        for name in sorted(comparison.placeholder_names() - bound):
            warnings.warn(
                f"nothing in {pattern} binds ?{name}, so `{comparison}` is false for every "
                f"match (bind it with a field: {name}=?{name})",
                UnboundPlaceholderWarning,
                stacklevel=_first_caller_outside(),
            )


def _first_caller_outside() -> int:
    """The ``stacklevel`` of the first caller outside the library and the parser, so
    that a warning names the user's line that built the pattern (a ``never("...")``
    or an ``@when("...")`` included)."""
    frame: FrameType | None = sys._getframe(2)
    level = 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_INSIDE):
        frame, level = frame.f_back, level + 1
    return level


_INSIDE = ("pyrapide.", "lark")


class TimedPattern(_Unary):
    """``P.timed(clock, max_duration=, after=, before=)``: P's matches within time bounds.

    An event's time is ``clock.start_time(event)`` when the clock stamped it, else
    its ``timestamp`` (also when ``clock`` is None). A match qualifies when every
    event's time is at or after ``after`` and at or before ``before``, and the span
    from its earliest to its latest time is at most ``max_duration``. Timed patterns
    print as ``P within <...>``, which :func:`parse_pattern` refuses.
    """

    __slots__ = ("after", "before", "clock", "max_duration")
    level = WHERE

    def __init__(
        self,
        pattern: Pattern,
        clock: Any = None,
        max_duration: float | None = None,
        after: float | None = None,
        before: float | None = None,
        *,
        after_time: float | None = None,
        before_time: float | None = None,
    ) -> None:
        # after_time and before_time: PyRapide 0.3.0's names for after and before.
        after = _one_of(after, after_time, "after")
        before = _one_of(before, before_time, "before")
        self.pattern = check_operand(pattern, "timed")
        self.depth = nesting((self.pattern,), "timed")
        for label, bound in (("max_duration", max_duration), ("after", after), ("before", before)):
            if bound is None:
                continue
            if not isinstance(bound, (int, float)) or isinstance(bound, bool):
                raise TypeError(f"timed({label}=...) must be a number, got {brief_repr(bound)}")
            if bound != bound:  # NaN compares false with everything: it would bound nothing
                raise ValueError(f"timed(): {label}={bound!r} is not a number")
        if max_duration is not None and max_duration < 0:
            raise ValueError(f"timed(): max_duration={max_duration!r} is negative")
        if after is not None and before is not None and after > before:
            raise ValueError(
                f"timed(): after={after!r} is later than before={before!r}: nothing could match"
            )
        if clock is not None and not callable(getattr(clock, "start_time", None)):
            raise TypeError(
                f"timed() takes a clock with start_time(event) (a Clock of the "
                f"computation's ClockManager) or None for the events' timestamps, got "
                f"{described(clock)}"
            )
        self.clock, self.max_duration, self.after, self.before = clock, max_duration, after, before

    @property
    def after_time(self) -> float | None:
        """``after`` (PyRapide 0.3.0's name)."""
        return self.after

    @property
    def before_time(self) -> float | None:
        """``before`` (PyRapide 0.3.0's name)."""
        return self.before

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


def _one_of(bound: float | None, alias: float | None, name: str) -> float | None:
    """The bound given as ``name`` or as ``name_time`` (refused when both are given)."""
    if alias is None:
        return bound
    if bound is not None:
        raise TypeError(f"timed() takes {name}= or {name}_time=, not both")
    return alias


class IterationPattern(_Unary):
    """``P.repeat()``: all occurrences of P so far, gathered into one match.

    Each time one or more new matches of P are completed, the repeat has a new
    match: the union of the events of *every* match of P completed so far, with
    each placeholder bound to the list of its values (one per occurrence, in
    completion order). So over a whole poset, the last match of ``P.repeat()``
    holds all occurrences; incrementally, the matcher reports the growing set
    after each new occurrence. Both modes report the same matches. Text: ``P+``.
    """

    __slots__ = ()
    level = REPEAT

    def __init__(self, pattern: Pattern) -> None:
        self.pattern = check_operand(pattern, "repeat")
        self.depth = nesting((self.pattern,), "repeat")

    def _key(self) -> tuple[Any, ...]:
        return ("repeat", self.pattern._key())

    def _text(self) -> str:
        inner = self.pattern
        bare = isinstance(inner, BasicPattern) and inner.source_matcher is None
        return f"{inner._text() if bare else f'({inner._text()})'}+"


def guards_in(pattern: Pattern) -> tuple[GuardedPattern, ...]:
    """The guarded patterns (``.where``) anywhere in ``pattern``: where the errors of
    its guards are kept, for a caller that reports them (the runtime, for a
    connection's, a handler's or a constraint's pattern)."""
    found = []
    stack = [pattern]
    while stack:
        node = stack.pop()
        if isinstance(node, GuardedPattern):
            found.append(node)
        stack.extend(node.children())
    return tuple(found)


def scoped_pattern(pattern: Pattern, scope: str) -> Pattern:
    """``pattern`` as read inside the component at path ``scope`` (a nested
    architecture, ``"payments"``): each source it names (``from "ledger"``) is the
    component of that name inside it (``from "payments.ledger"``), as a matcher made
    with ``matcher(scope=scope)`` reads it. For a whole-poset ``match_in`` and the
    matchers that take no scope (a constraint's). ``pattern`` itself when it names
    no source, or ``scope`` is "" (the outermost architecture); a pattern of the
    user's own kind is taken as it is. A guard of the copy keeps errors of its own."""
    if not scope:
        return pattern
    if isinstance(pattern, BasicPattern):
        if not isinstance(pattern.source_matcher, str):
            return pattern
        return BasicPattern(
            pattern.event_name,
            pattern.field_matchers,
            scoped_source(scope, pattern.source_matcher),
        )
    if isinstance(pattern, _Binary):
        left, right = scoped_pattern(pattern.left, scope), scoped_pattern(pattern.right, scope)
        if left is pattern.left and right is pattern.right:
            return pattern
        pair = copy.copy(pattern)
        pair.left, pair.right = left, right
        return pair
    if isinstance(pattern, _Unary):
        inner = scoped_pattern(pattern.pattern, scope)
        if inner is pattern.pattern:
            return pattern
        twin = copy.copy(pattern)
        twin.pattern = inner
        if isinstance(twin, GuardedPattern):
            twin.guard_errors = deque(maxlen=100)
            twin.guard_error_count, twin.warned = 0, False
        return twin
    return pattern

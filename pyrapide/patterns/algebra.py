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
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pyrapide.core.printable import brief_repr, described, described_by_name, value_repr
from pyrapide.patterns.condition import Condition
from pyrapide.patterns.match import PatternMatch, Placeholder, freeze, merge_bindings
from pyrapide.patterns.syntax import MAX_PATTERN_DEPTH

if TYPE_CHECKING:
    from pyrapide.patterns.engine import Matcher

__all__ = [
    "BasicPattern", "NameGlob", "Pattern", "basic_parts", "check_operand", "globs_matching_none",
    "name_glob", "name_text", "named_sources", "names_among",
]

# Binding strength in the text syntax, loosest first; see pyrapide.patterns.
WHERE, OR, INDEPENDENT, JOIN, SEQUENCE, REPEAT, ATOM = range(7)

_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_KEYWORDS = frozenset({"or", "and", "not", "where", "from", "true", "false", "null"})


def _is_bare(name: str) -> bool:
    return bool(_BARE_NAME.match(name)) and name not in _KEYWORDS


def name_text(name: str, *, field: bool = False) -> str:
    """``name`` as the text syntax writes an event name (``field``: a field name): bare
    when it is an ASCII identifier, dotted for an event, and no keyword, else quoted
    (``"Café.crème"``, ``"order-placed"``), as ``str(pattern)`` writes it."""
    if _is_bare(name) and not (field and "." in name):
        return name
    return json.dumps(name, ensure_ascii=False)


def _value_text(value: Any) -> str:
    if isinstance(value, Placeholder):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return f"<python value {value_repr(value)}>"


class Pattern:
    """A pattern over causal events; build one with :meth:`Pattern.match` and the operators.

    A pattern of your own, as PyRapide 0.3.0 allowed, subclasses Pattern and
    defines ``match_in(self, poset, bindings=None)``, returning a list of
    :class:`PatternMatch`. It combines with the operators and serves constraints,
    watches and connections like any other; matching it incrementally calls its
    ``match_in`` over the whole poset for each new event (so a new event costs what
    that costs), and reports each match it has not reported before. It equals only
    itself, prints as its class name, may match any event name and binds no
    placeholder the operators can join on, unless it overrides ``event_names``,
    ``placeholder_names``, ``_key`` or ``_text``.
    """

    __slots__ = ()
    level = ATOM
    depth = 0
    """How many operators this pattern nests inside one another (see :func:`nesting`)."""

    # --- construction -------------------------------------------------------------

    @classmethod
    def match(
        cls, event_name: str, source: str | Placeholder | None = None, **field_matchers: Any
    ) -> BasicPattern:
        """One event named ``event_name`` (``"*"``: any name; ``"Sensor.*"``: any name
        that ``*`` completes), from ``source`` if given, whose payload has each field of
        ``field_matchers`` equal to its value; a value that is a :class:`Placeholder`
        binds to the field's value instead. A function as a field's value is refused
        (a TypeError): test a field with :meth:`where`."""
        return BasicPattern(event_name, field_matchers, source)

    def then(self, other: Pattern) -> operators.SequencePattern:
        """``self >> other``: every event of a ``self`` match causally precedes every
        event of an ``other`` match."""
        return operators.SequencePattern(self, check_operand(other, ">>"))

    def then_immediately(self, other: Pattern) -> operators.ImmediateSequencePattern:
        """As :meth:`then`, and an event of ``self``'s match directly causes one of ``other``'s."""
        return operators.ImmediateSequencePattern(self, check_operand(other, "then_immediately"))

    def or_(self, other: Pattern) -> operators.DisjunctionPattern:
        """The matches of either pattern (one found by both is reported once)."""
        return operators.DisjunctionPattern(self, check_operand(other, "or_"))

    def union(self, other: Pattern) -> operators.DisjunctionPattern:
        """The same as :meth:`or_`: each match keeps the bindings of the side that found it."""
        return operators.DisjunctionPattern(self, check_operand(other, "union"))

    def where(
        self, predicate: Callable[[PatternMatch], Any] | Condition
    ) -> operators.GuardedPattern:
        """The matches for which ``predicate(match)`` is true.

        The predicate receives the :class:`PatternMatch`; a one-event match offers
        ``name``, ``payload``, ``source`` and ``id`` like an event, so a guard may be
        written over the event. A predicate that raises counts as a non-match; the
        error is kept in ``guard_errors`` of the returned pattern and warned once.
        """
        if not callable(predicate):
            raise TypeError(f"where() needs a callable or a Condition, got {brief_repr(predicate)}")
        return operators.GuardedPattern(self, predicate)

    def timed(
        self,
        clock: Any = None,
        max_duration: float | None = None,
        after: float | None = None,
        before: float | None = None,
    ) -> operators.TimedPattern:
        """The matches whose events' times lie within the bounds; see :class:`TimedPattern`."""
        return operators.TimedPattern(self, clock, max_duration, after, before)

    def repeat(self) -> operators.IterationPattern:
        """All occurrences of this pattern as one match; see :class:`IterationPattern`."""
        return operators.IterationPattern(self)

    def __rshift__(self, other: Pattern) -> operators.SequencePattern:
        """``P >> Q``: every event of P's match causally precedes every event of Q's."""
        if not isinstance(other, Pattern):
            return NotImplemented
        return operators.SequencePattern(self, other)

    def __and__(self, other: Pattern) -> operators.JoinPattern:
        """``P & Q``: both match, and share a common *strict* causal ancestor (an event
        that precedes both, neither of them itself), as in PyRapide 0.3.0."""
        if not isinstance(other, Pattern):
            return NotImplemented
        return operators.JoinPattern(self, other)

    def __or__(self, other: Pattern) -> operators.IndependencePattern:
        """``P | Q``: both match, and are causally independent. Python's ``|`` means
        independence here, not "or": either pattern is ``P.or_(Q)``."""
        if not isinstance(other, Pattern):
            return NotImplemented
        return operators.IndependencePattern(self, other)

    # --- matching -----------------------------------------------------------------

    def match_in(self, poset: Any, bindings: Mapping[str, Any] | None = None) -> list[PatternMatch]:
        """Every match in a poset (or computation), in the order the matches were completed.

        Matches completed by the same event are in the order a matcher reports them
        (by the recording positions of their events), so the list is the same in
        every interpreter process whatever its hash seed.

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

    def matcher(self, *, warn_guard_errors: bool = True, scope: str = "") -> Matcher:
        """A fresh incremental matcher: ``matcher.feed(event, poset)`` returns the new
        matches that the just-recorded ``event`` completes, each exactly once per run,
        ordered by the recording positions of their events (see ``Matcher.feed``).

        ``warn_guard_errors=False`` is for a caller that reports the errors of the
        pattern's guards itself (from ``guard_errors``): they are then not warned.
        ``scope`` is the path of the component the pattern is read inside (a nested
        architecture, ``"payments"``): a source it names (``from "ledger"``) is then
        the component of that name inside it (``payments.ledger``).
        """
        from pyrapide.patterns.engine import Matcher

        return Matcher(self, warn_guard_errors=warn_guard_errors, scope=scope)

    # --- description --------------------------------------------------------------

    def event_names(self) -> frozenset[str] | None:
        """The event names this pattern can match, or None when it can match names not
        known in advance (``*``, or a name with ``*`` in it such as ``Sensor.*``)."""
        return None

    def placeholder_names(self) -> frozenset[str]:
        """The names of the placeholders a match of this pattern may bind."""
        return frozenset()

    def fewest_events(self) -> int:
        """The fewest events a match of this pattern holds: 1 for ``A``, 2 for ``A -> B``
        and ``A || B``, which take two events, the smaller side's for ``A or B``. A
        pattern of the user's own kind says 1 unless it says otherwise."""
        return 1

    def children(self) -> tuple[Pattern, ...]:
        """The patterns this one is built from."""
        return ()

    def _key(self) -> tuple[Any, ...]:
        # A pattern of one's own is itself: equal only to itself.
        return ("own", type(self).__qualname__, id(self))

    def _text(self) -> str:
        return f"{type(self).__name__}()"

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


def scoped_source(scope: str, source: str) -> str:
    """The path a pattern read inside component ``scope`` means by ``from source``:
    ``scoped_source("payments", "ledger") == "payments.ledger"`` (``scope`` "": as is)."""
    return f"{scope}.{source}" if scope else source


def is_from(source: str, wanted: str) -> bool:
    """Whether an event of ``source`` is from ``wanted``: the same component, or one
    inside it (``payments.ledger`` is from ``payments``)."""
    return source == wanted or source.startswith(f"{wanted}.")


def nesting(operands: tuple[Pattern, ...], operator_name: str) -> int:
    """How deep an operator over ``operands`` nests patterns (a basic pattern is 0).

    Patterns built in Python nest at most ``MAX_PATTERN_DEPTH`` deep, as texts do, so
    that matching, printing and comparing them never meet Python's recursion limit:
    a deeper one is refused here, where it is built, with a ValueError saying so."""
    depth = 1 + max(operand.depth for operand in operands)
    if depth > MAX_PATTERN_DEPTH:
        raise ValueError(
            f"`{operator_name}` would nest patterns {depth} deep; at most "
            f"{MAX_PATTERN_DEPTH} (MAX_PATTERN_DEPTH): match a long sequence in parts, "
            "or with a watch per step"
        )
    return depth


def basic_parts(pattern: Pattern) -> list[Pattern]:
    """The leaves of a pattern: its basic patterns, or any pattern with no children
    (a user-defined kind, read through its `event_names()` only)."""
    parts: list[Pattern] = []
    pending = [pattern]
    while pending:
        current = pending.pop()
        try:
            children = current.children()
        except Exception:
            children = ()
        if isinstance(current, BasicPattern) or not children:
            parts.append(current)
        else:
            pending.extend(reversed(children))
    return parts


def names_among(pattern: Pattern, declared: Iterable[str]) -> frozenset[str] | None:
    """The event names ``pattern`` can match (None: any name): for a basic pattern whose
    name has ``*`` in it, those of the ``declared`` names it completes, since only a
    declared name is ever emitted."""
    if isinstance(pattern, BasicPattern) and pattern.name_glob is not None:
        return frozenset(filter(pattern.matches_name, declared))
    return pattern.event_names()


def named_sources(pattern: Pattern) -> list[str]:
    """The sources ``pattern``'s basic parts name (``from "api"``), in the order written;
    a placeholder source (``from ?s``) names none."""
    return [
        part.source_matcher
        for part in basic_parts(pattern)
        if isinstance(part, BasicPattern) and isinstance(part.source_matcher, str)
    ]


def globs_matching_none(pattern: Pattern, declared: Collection[str]) -> list[BasicPattern]:
    """The basic patterns in ``pattern`` whose name has ``*`` in it and completes none of
    the ``declared`` names: a pattern that may never match, most likely misspelt."""
    return [
        part
        for part in basic_parts(pattern)
        if isinstance(part, BasicPattern)
        and part.name_glob is not None
        and not any(map(part.matches_name, declared))
    ]


def check_operand(other: Any, operator_name: str) -> Pattern:
    if not isinstance(other, Pattern):
        raise TypeError(
            f"{operator_name} needs a Pattern, got {described(other)}; "
            "build one with Pattern.match(...) or parse_pattern(...)"
        )
    return other


class NameGlob:
    """An event name with ``*`` in it (``Sensor.*``, ``*.error``) as a test of names:
    each ``*`` stands for any run of characters, dots included; every other character
    stands for itself.

    A name is read once, left to right: it must begin with the text before the first
    ``*`` and end with the text after the last, and hold the texts between, in order,
    each found at the first place it can be (which leaves the most room for the rest).
    A regular expression of the same glob backtracks: ``*a*a*a*a*a*a*a*a*b`` took a
    second on a name of forty ``a``, and minutes with a few more ``*a``."""

    __slots__ = ("_first", "_last", "_middle", "_shortest")

    def __init__(self, glob: str) -> None:
        first, *middle, last = glob.split("*")
        self._first = first
        self._last = last
        self._middle = tuple(part for part in middle if part)
        self._shortest = len(first) + len(last) + sum(map(len, self._middle))

    def matches(self, name: str) -> bool:
        """Whether ``name`` is one of the names this glob stands for."""
        if len(name) < self._shortest:
            return False
        if not (name.startswith(self._first) and name.endswith(self._last)):
            return False
        at, end = len(self._first), len(name) - len(self._last)
        for part in self._middle:
            found = name.find(part, at, end)
            if found < 0:
                return False
            at = found + len(part)
        return True


def name_glob(event_name: str) -> NameGlob | None:
    """The test of a pattern's event name with ``*`` in it (see :class:`NameGlob`); None
    for a name without ``*`` (and for ``*`` alone, any name, which needs no test)."""
    if "*" not in event_name or event_name == "*":
        return None
    return NameGlob(event_name)


def _refuse_function_field(event_name: str, field: str, value: Any) -> None:
    """Refuse a function (any callable but a class) as a field's expected value: a
    field is compared with its value, which a function never equals, so the pattern
    would match nothing. A guard says what was meant, and is reported when it raises,
    printed and explained as a guard. A class stays a value, compared as one."""
    if callable(value) and not isinstance(value, (Placeholder, type)):
        raise TypeError(
            f"Pattern.match({event_name!r}, {field}=...) was given {described_by_name(value)} as "
            f"the value of field {field!r}; a field matches a value (or a placeholder), "
            f"not a test. Test the field with a guard: Pattern.match({event_name!r})"
            f'.where(lambda e: test(e.payload["{field}"]))'
        )


class BasicPattern(Pattern):
    """One event: by name (``"*"`` for any), optionally by source and payload fields.

    A name with ``*`` in it matches every name that ``*`` completes: ``Sensor.*``
    matches ``Sensor.reading`` and ``Sensor.fault``, ``*.error`` every action named
    ``error``; a ``*`` stands for any characters, dots included.

    A field's expected value is compared as JSON values are (``1 == 1.0``, but
    ``true`` is not ``1``); a missing field is a non-match. A :class:`Placeholder`
    as a field value or as ``source_matcher`` binds; the same placeholder used
    twice in one basic pattern must meet equal values. A source given as a string
    names a component: events from it and from the components inside it (a nested
    architecture's, ``payments.ledger`` for ``"payments"``) match.
    """

    __slots__ = ("event_name", "field_matchers", "name_glob", "source_matcher")

    def __init__(
        self,
        event_name: str,
        field_matchers: Mapping[str, Any] | None = None,
        source_matcher: str | Placeholder | None = None,
    ) -> None:
        if not isinstance(event_name, str) or not event_name:
            raise ValueError(
                f"an event name must be a non-empty string, got {brief_repr(event_name)}"
            )
        if source_matcher is not None and not isinstance(source_matcher, (str, Placeholder)):
            raise TypeError(
                f"source must be a string or a placeholder, got {brief_repr(source_matcher)}"
            )
        self.event_name = event_name
        self.field_matchers = dict(field_matchers or {})
        for field, value in self.field_matchers.items():
            _refuse_function_field(event_name, field, value)
        self.source_matcher = source_matcher
        self.name_glob = name_glob(event_name)

    def event_names(self) -> frozenset[str] | None:
        return None if "*" in self.event_name else frozenset((self.event_name,))

    def matches_name(self, name: str) -> bool:
        """Whether an event called ``name`` has the name this pattern asks for."""
        if self.name_glob is not None:
            return self.name_glob.matches(name)
        return self.event_name in ("*", name)

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
        text = name if name == "*" else name_text(name)
        if self.field_matchers:
            fields = ", ".join(
                f"{name_text(key, field=True)}={_value_text(v)}"
                for key, v in self.field_matchers.items()
            )
            text += f"({fields})"
        if self.source_matcher is not None:
            text += f" from {_value_text(self.source_matcher)}"
        return text


# Imported last, as a module: the operator classes subclass Pattern, and Pattern's
# methods build them, looking them up when called.
from pyrapide.patterns import operators  # noqa: E402

"""Matching: the incremental matcher and whole-poset matching, built from one node per operator.

Every pattern compiles to a tree of nodes. A node has two ways to run:

- ``step(event)``: the new matches the just-recorded ``event`` completes. A match
  completed by ``event`` contains ``event`` (matching is monotone), so a binary
  node pairs each new match of one side with the *stored* matches of the other
  side only, and each pair is made exactly once.
- ``batch()``: every match in the poset, in completion order, by matching each
  side over the whole poset and pairing through the same stores and probes.

Stores index matches by the values of the placeholders both sides share, and by
the events a probe will look up: for ``>>`` the last event (the probe walks the
new match's causal ancestry when that is cheaper than testing the candidates),
for ``then_immediately`` every event (the probe walks direct causes), for ``&``
the root events each match descends from, for ``|`` the chain and chain position
of the first event (the probe tests only the stretch of each chain that can be
independent of the new match; see :mod:`pyrapide.patterns.independence`).

An incremental matcher can take back its last feed: every change a step makes to
the stores, a repeat's occurrences or a guard's error log is journalled with its
undo, so an event that gained causes after it was fed can be fed again exactly.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import Any

from pyrapide.core.interrupts import contained
from pyrapide.core.printable import message_of
from pyrapide.patterns import algebra as alg
from pyrapide.patterns import operators as ops
from pyrapide.patterns.independence import IndependenceProbe
from pyrapide.patterns.join import Context, JoinProbe, SequenceProbe, Store
from pyrapide.patterns.match import GrowingMatch, PatternMatch, Placeholder, freeze

__all__ = ["Matcher", "match_all", "one_event_test"]


def _poset_of(poset_or_computation: Any) -> Any:
    inner = getattr(poset_or_computation, "poset", None)
    poset = poset_or_computation if inner is None else inner
    if not callable(getattr(poset, "is_ancestor", None)):  # a Poset, or one that wraps it
        raise TypeError(
            f"matching takes a Poset or a Computation, got {type(poset_or_computation).__name__}"
        )
    return poset


def _unique(matches: list[PatternMatch]) -> list[PatternMatch]:
    """The matches without repeats, first occurrences kept.

    Identical matches (same events and bindings) can arise from different pairs.
    They are found by their events first, so that only matches sharing events are
    compared whole (which memoises a key in each): a million distinct matches keep
    no more memory than they hold.
    """
    if len(matches) < 2:
        return matches
    by_events: dict[tuple[Any, ...], list[PatternMatch]] = {}
    unique = []
    for found in matches:
        same = by_events.get(found.events)
        if same is None:
            by_events[found.events] = [found]
        elif any(found == other for other in same):
            continue
        else:
            same.append(found)
        unique.append(found)
    return unique


def _unique_in_order(matches: list[PatternMatch]) -> list[PatternMatch]:
    """``_unique`` for matches sorted by completion: identical matches are completed
    by the same event, so only runs sharing a last event need comparing."""
    unique: list[PatternMatch] = []
    run: list[PatternMatch] = []
    for found in matches:
        if run and found.event is not run[0].event:
            unique.extend(_unique(run))
            run = []
        run.append(found)
    unique.extend(_unique(run))
    return unique


class Matcher:
    """Incremental matching of one pattern over a growing poset.

    Feed every recorded event, in recording order, after it is in the poset with
    its causes: ``feed`` returns the matches it completes. Each match is reported
    exactly once over a run; the matches reported after feeding a poset's events
    are exactly ``pattern.match_in(poset)``. The matcher assumes causes are given
    when an event is recorded (links added later between old events are not seen),
    with one exception: the event fed last may gain causes, then be fed again with
    :meth:`refeed`.

    Cost per event: constant for a one-event pattern; for a composite one, in
    proportion to the stored matches the new one could pair with (see
    :mod:`pyrapide.patterns.join`). A composite matcher keeps the matches of its
    parts, since any later event may complete a pair with them: its memory grows
    with the number of those matches.
    """

    __slots__ = (
        "_context",
        "_fed",
        "_fed_before_last",
        "_fed_from",
        "_journal",
        "_last_fed",
        "_retractable",
        "_root",
        "pattern",
    )

    def __init__(
        self,
        pattern: alg.Pattern,
        *,
        warn_guard_errors: bool = True,
        scope: str = "",
        limit: int | None = None,
    ) -> None:
        self.pattern = pattern
        self._context = Context(None, scope)
        self._context.warns_guard_errors = warn_guard_errors
        self._context.bound(limit)
        # The undo log of the last feed (see retract_last), shared with the nodes.
        self._journal: list[tuple[Any, ...]] = []
        self._context.journal = self._journal
        self._root = compile_node(pattern, self._context)
        self._fed_from: Any = None  # the poset or computation last fed from
        self._last_fed: Any = None
        self._fed_before_last: Any = None  # what _last_fed becomes if the last feed is retracted
        self._retractable = False
        self._fed = 0

    def feed(self, event: Any, poset: Any) -> list[PatternMatch]:
        """The new matches that ``event``, just recorded in ``poset``, completes.

        ``poset`` may be a Poset or a Computation. Events whose names the pattern
        cannot match (see ``pattern.event_names()``) may be left unfed.

        The matches are ordered by the recording positions of their events,
        compared as tuples with the earliest event first (so ``A -> B``'s matches
        with the first ``A`` come first); matches of the same events (different
        bindings) by their bindings as JSON, as ``match_in`` orders them. No order
        comes from a hash: a run reports the same list in every interpreter process.
        """
        if poset is not self._fed_from:
            self._context.bind(_poset_of(poset))
            self._fed_from = poset
        self._journal.clear()
        self._fed += 1
        self._fed_before_last = self._last_fed
        self._last_fed = event
        self._retractable = True
        return self._context.in_report_order(self._root.step(event))

    def retract_last(self) -> None:
        """Undo the last :meth:`feed`, as if that event had not been fed.

        The matches it returned are no longer stored for pairing (a grown
        ``repeat`` match it returned stays readable). Only one feed can be taken
        back: raises ValueError when nothing was fed since the last retraction.
        """
        if not self._retractable:
            raise ValueError("nothing to retract: no event was fed since the last retraction")
        journal = self._journal
        while journal:
            undo, *arguments = journal.pop()
            undo(*arguments)
        self._context.forget(self._last_fed)
        self._last_fed = self._fed_before_last
        self._fed -= 1
        self._retractable = False

    def refeed(self, event: Any, poset: Any) -> list[PatternMatch]:
        """Feed ``event`` again after it gained causes; every match it completes now.

        ``event`` must be the event fed last and must have no effects yet (so no
        other event's relations changed). The result replaces what its earlier
        feed returned: matches the new causes create are in it, matches they
        ruled out (an independence ``|`` with a new ancestor, say) are not.
        Raises ValueError for any other event.
        """
        if not self._retractable or event != self._last_fed:
            raise ValueError(f"refeed takes the event fed last; {event.id!r} is not it")
        self.retract_last()
        return self.feed(event, poset)

    def catch_up(self, poset: Any) -> list[PatternMatch]:
        """Feed the events recorded in ``poset`` after the last one fed; return their matches.

        For a matcher that starts watching a poset which already has events, and
        then goes on with :meth:`feed`.
        """
        inner = _poset_of(poset)
        start = 0 if self._last_fed is None else inner.seq(self._last_fed) + 1
        found: list[PatternMatch] = []
        for event in list(inner)[start:]:
            found.extend(self.feed(event, poset))
        return found

    @property
    def events_fed(self) -> int:
        """How many events have been fed to this matcher."""
        return self._fed

    def __repr__(self) -> str:
        return f"<Matcher for {self.pattern}>"


def match_all(
    pattern: alg.Pattern,
    poset: Any,
    *,
    warn_guard_errors: bool = True,
    limit: int | None = None,
) -> list[PatternMatch]:
    """Every match of ``pattern`` in ``poset`` (or a computation), in completion order.

    ``warn_guard_errors=False`` is for a caller that reports the errors of the
    pattern's guards itself, as ``Pattern.matcher`` takes it. ``limit`` bounds the
    matches of joined parts made on the way (the answer's, and those of the
    pattern's parts): past it, :class:`~pyrapide.patterns.join.TooManyMatches`."""
    context = Context(_poset_of(poset))
    context.warns_guard_errors = warn_guard_errors
    context.bound(limit)
    return context.in_completion_order(compile_node(pattern, context).batch())


class _Node:
    __slots__ = ("context",)

    def __init__(self, context: Context) -> None:
        self.context = context

    def step(self, event: Any) -> list[PatternMatch]:
        raise NotImplementedError

    def batch(self) -> list[PatternMatch]:
        raise NotImplementedError


class _BasicNode(_Node):
    __slots__ = ("checks", "inside", "name", "source")

    def __init__(self, pattern: alg.BasicPattern, context: Context) -> None:
        super().__init__(context)
        # None: any name, or a name with ``*`` in it, which _GlobNode tests first.
        self.name = None if "*" in pattern.event_name else pattern.event_name
        source = pattern.source_matcher
        if isinstance(source, str):
            source = alg.scoped_source(context.scope, source)
        self.source = source
        # A source names a component and everything inside it (``payments.ledger``
        # is from "payments"): the prefix of the paths inside it.
        self.inside = f"{source}." if isinstance(source, str) else ""
        # (field, placeholder name or None, expected value, its frozen form)
        self.checks = tuple(
            (key, value.name, None, None)
            if isinstance(value, Placeholder)
            else (key, None, value, freeze(value))
            for key, value in pattern.field_matchers.items()
        )

    def match_event(self, event: Any) -> PatternMatch | None:
        if self.name is not None and event.name != self.name:
            return None
        bindings: dict[str, Any] | None = None  # made by the first placeholder bound
        source = self.source
        if source is not None:
            if isinstance(source, str):
                if event.source != source and not event.source.startswith(self.inside):
                    return None
            else:
                bindings = {source.name: event.source}
        if self.checks:
            payload = event.payload
            for key, bound_name, expected, frozen in self.checks:
                if key not in payload:
                    return None
                value = payload[key]
                if bound_name is None:
                    if type(expected) is str and type(value) is str:  # the usual test, at once
                        if value != expected:
                            return None
                    elif freeze(value) != frozen:  # a StrEnum member is its value
                        return None
                elif bindings is None:
                    bindings = {bound_name: value}
                elif bound_name in bindings:
                    if freeze(bindings[bound_name]) != freeze(value):
                        return None
                else:
                    bindings[bound_name] = value
        return PatternMatch((event,), bindings)

    def step(self, event: Any) -> list[PatternMatch]:
        found = self.match_event(event)
        return [] if found is None else [found]

    def batch(self) -> list[PatternMatch]:
        match_event = self.match_event
        return [found for event in self.context.poset if (found := match_event(event))]


class _GlobNode(_BasicNode):
    """A basic pattern whose name has ``*`` in it (``Sensor.*``): the name is tested by
    the pattern's glob, the rest as any basic pattern's (an exact name's test stays
    one comparison)."""

    __slots__ = ("glob",)

    def __init__(self, pattern: alg.BasicPattern, context: Context) -> None:
        super().__init__(pattern, context)
        assert pattern.name_glob is not None
        self.glob = pattern.name_glob.matches

    def match_event(self, event: Any) -> PatternMatch | None:
        if not self.glob(event.name):
            return None
        return super().match_event(event)


def _basic_node(pattern: alg.BasicPattern, context: Context) -> _BasicNode:
    return (_BasicNode if pattern.name_glob is None else _GlobNode)(pattern, context)


class _PairNode(_Node):
    """A node for an operator on two patterns: it holds their compiled nodes."""

    __slots__ = ("left", "right")

    def __init__(self, pattern: ops._Binary, context: Context) -> None:
        super().__init__(context)
        self.left = compile_node(pattern.left, context)
        self.right = compile_node(pattern.right, context)


class _SequenceNode(_PairNode):
    """``>>`` and ``then_immediately``: new right matches probe the stored left ones."""

    __slots__ = ("probe",)

    def __init__(self, pattern: ops._Binary, context: Context, immediate: bool) -> None:
        super().__init__(pattern, context)
        shared = pattern.left.placeholder_names() & pattern.right.placeholder_names()
        self.probe = SequenceProbe(context, Store(shared, context.journal), immediate)

    def step(self, event: Any) -> list[PatternMatch]:
        new_left = self.left.step(event)
        new_right = self.right.step(event)
        found: list[PatternMatch] = []
        for right in new_right:
            found.extend(self.probe.partners(right))
        for left in new_left:
            self.probe.add(left)
        return _unique(found)

    def batch(self) -> list[PatternMatch]:
        for left in self.left.batch():
            self.probe.add(left)
        found = [pair for right in self.right.batch() for pair in self.probe.partners(right)]
        return _unique_in_order(found)


class _SymmetricNode(_PairNode):
    """``&`` and ``|``: a new match on either side probes the other side's store."""

    __slots__ = ("left_probe", "right_probe")

    def __init__(self, pattern: ops._Binary, context: Context, probe_type: type) -> None:
        super().__init__(pattern, context)
        shared = pattern.left.placeholder_names() & pattern.right.placeholder_names()
        # left_probe holds left matches and is probed by new right matches.
        self.left_probe = probe_type(context, Store(shared, context.journal), stored_on_left=True)
        self.right_probe = probe_type(context, Store(shared, context.journal), stored_on_left=False)

    def step(self, event: Any) -> list[PatternMatch]:
        new_left = self.left.step(event)
        new_right = self.right.step(event)
        found: list[PatternMatch] = []
        for left in new_left:
            found.extend(self.right_probe.partners(left))
        for right in new_right:
            found.extend(self.left_probe.partners(right))
        for left in new_left:
            self.left_probe.add(left)
        for right in new_right:
            self.right_probe.add(right)
        return _unique(found)

    def batch(self) -> list[PatternMatch]:
        for left in self.left.batch():
            self.left_probe.add(left)
        found = [pair for right in self.right.batch() for pair in self.left_probe.partners(right)]
        return _unique_in_order(self.context.by_completion(found))


class _OrNode(_PairNode):
    __slots__ = ()

    def step(self, event: Any) -> list[PatternMatch]:
        left = self.left.step(event)
        right = self.right.step(event)
        return _unique(left + right) if left and right else left or right

    def batch(self) -> list[PatternMatch]:
        both = self.left.batch() + self.right.batch()
        return _unique_in_order(self.context.by_completion(both))


class _FilterNode(_Node):
    """``where`` and ``timed``: keep the inner matches a test accepts."""

    __slots__ = ("inner", "pattern")

    def __init__(self, pattern: ops.GuardedPattern | ops.TimedPattern, context: Context) -> None:
        super().__init__(context)
        self.pattern = pattern
        self.inner = compile_node(pattern.pattern, context)

    def _keep(self, matches: Iterable[PatternMatch]) -> list[PatternMatch]:
        pattern = self.pattern
        if isinstance(pattern, ops.TimedPattern):
            return [found for found in matches if pattern.accepts(found)]
        predicate = pattern.predicate
        kept = []
        for found in matches:
            try:
                accepted = predicate(found)
            except BaseException as error:  # a broken guard is a non-match, reported
                if not contained(error):
                    raise  # the user's Ctrl-C
                record = _record_guard_error(pattern, found, error, self.context.warns_guard_errors)
                journal = self.context.journal
                if journal is not None:
                    journal.append((_forget_guard_error, pattern, record))
                continue
            if accepted:
                kept.append(found)
        return kept

    def step(self, event: Any) -> list[PatternMatch]:
        found = self.inner.step(event)
        return self._keep(found) if found else found

    def batch(self) -> list[PatternMatch]:
        return self._keep(self.inner.batch())


def _record_guard_error(
    pattern: ops.GuardedPattern, found: PatternMatch, error: BaseException, warn: bool
) -> tuple[PatternMatch, BaseException]:
    record = (found, error)
    pattern.guard_errors.append(record)
    pattern.guard_error_count += 1
    if warn and not pattern.warned:
        pattern.warned = True
        warnings.warn(
            f"guard of pattern {pattern} raised {type(error).__name__}: {message_of(error)} "
            f"on event {found.id}; treated as a non-match (see pattern.guard_errors)",
            RuntimeWarning,
            stacklevel=2,
        )
    return record


def _forget_guard_error(
    pattern: ops.GuardedPattern, record: tuple[PatternMatch, BaseException]
) -> None:
    # A retracted feed's guard calls did not happen: the refeed calls the guard again.
    pattern.guard_error_count -= 1
    errors = pattern.guard_errors
    found, error = record
    for index in range(len(errors) - 1, -1, -1):  # recent records are at the end
        # The record is known by what it holds, not by the tuple itself: compiled, a
        # tuple is a value, made anew each time it goes into a list.
        kept_found, kept_error = errors[index]
        if kept_found is found and kept_error is error:
            del errors[index]
            break


class _RepeatNode(_Node):
    __slots__ = ("inner", "occurrences")

    def __init__(self, pattern: ops.IterationPattern, context: Context) -> None:
        super().__init__(context)
        self.inner = compile_node(pattern.pattern, context)
        self.occurrences: list[PatternMatch] = []

    def _grow(self, new: list[PatternMatch]) -> PatternMatch:
        # Occurrences completed by one event are gathered in a canonical order (by
        # their events' recording positions, then their bindings), so the bindings'
        # value lists come out the same whichever way the occurrences were found.
        seq = self.context.seq
        if len(new) > 1:
            new.sort(key=lambda m: (tuple(map(seq, m.events)), repr(sorted(m.bindings.items()))))
        before = len(self.occurrences)
        self.occurrences.extend(new)
        grown = GrowingMatch(self.occurrences, len(self.occurrences), seq)
        journal = self.context.journal
        if journal is not None:
            journal.append((self._shrink, before, grown))
        return grown

    def _shrink(self, length: int, grown: GrowingMatch) -> None:
        grown.events  # noqa: B018 - built now: it reads the list about to shrink
        del self.occurrences[length:]

    def step(self, event: Any) -> list[PatternMatch]:
        new = self.inner.step(event)
        return [self._grow(new)] if new else new

    def batch(self) -> list[PatternMatch]:
        seq = self.context.seq
        grown: list[PatternMatch] = []
        group: list[PatternMatch] = []
        completion = None
        for found in self.inner.batch():
            last = seq(found.events[-1])
            if group and last != completion:
                grown.append(self._grow(group))
                group = []
            completion = last
            group.append(found)
        if group:
            grown.append(self._grow(group))
        return grown


class _OwnNode(_Node):
    """A pattern of the user's own: a Pattern subclass with its own ``match_in``.

    Its ``match_in`` is called over the whole poset; its matches are put in the
    form the other nodes rely on (events in recording order, the list in
    completion order). ``step(event)`` reports the matches not reported before
    that are completed by ``event`` or an event recorded before it: such a pattern
    need not be monotone, and events recorded after ``event`` (a finished run's,
    when one of its events is asked about alone) are left for later.
    """

    __slots__ = ("pattern", "reported")

    def __init__(self, pattern: alg.Pattern, context: Context) -> None:
        super().__init__(context)
        if type(pattern).match_in is alg.Pattern.match_in:
            raise TypeError(
                f"cannot match {type(pattern).__name__}: a Pattern subclass of your own "
                "must define match_in(self, poset, bindings=None), returning PatternMatch "
                "objects; or build the pattern with Pattern.match(...) and the operators"
            )
        self.pattern = pattern
        self.reported: set[PatternMatch] = set()

    def batch(self) -> list[PatternMatch]:
        seq = self.context.seq
        found = []
        # Any: compiled, a loop over list[PatternMatch] would refuse another item itself,
        # before the check below could say whose match_in gave it.
        returned: Any = self.pattern.match_in(self.context.poset)
        for given in returned:
            if not isinstance(given, PatternMatch):
                raise TypeError(
                    f"{type(self.pattern).__name__}.match_in() must return PatternMatch "
                    f"objects, not {type(given).__name__}"
                )
            if not given.events:
                raise ValueError(
                    f"{type(self.pattern).__name__}.match_in() returned a match of no events"
                )
            events = sorted(given.events, key=seq)
            found.append(PatternMatch(events, given.bindings))
        found.sort(key=lambda match: (seq(match.events[-1]), [seq(e) for e in match.events]))
        return _unique_in_order(found)

    def _forget(self, new: list[PatternMatch]) -> None:
        self.reported.difference_update(new)

    def step(self, event: Any) -> list[PatternMatch]:
        seq = self.context.seq
        now = seq(event)
        new = [
            found
            for found in self.batch()
            if seq(found.events[-1]) <= now and found not in self.reported
        ]
        if new:
            self.reported.update(new)
            journal = self.context.journal
            if journal is not None:
                journal.append((self._forget, new))
        return new


def one_event_test(
    pattern: alg.BasicPattern, scope: str = ""
) -> Callable[[Any], PatternMatch | None]:
    """The match of the basic pattern ``pattern`` on one event, or None: what
    ``pattern.matcher(scope=scope).feed`` would return, without a matcher's
    bookkeeping (a basic pattern keeps no state between events, so each call
    stands alone)."""
    return _basic_node(pattern, Context(None, scope)).match_event


def compile_node(pattern: alg.Pattern, context: Context) -> _Node:
    """The node tree that matches ``pattern``."""
    if isinstance(pattern, alg.BasicPattern):
        return _basic_node(pattern, context)
    if isinstance(pattern, ops.SequencePattern):
        return _SequenceNode(pattern, context, immediate=False)
    if isinstance(pattern, ops.ImmediateSequencePattern):
        return _SequenceNode(pattern, context, immediate=True)
    if isinstance(pattern, ops.JoinPattern):
        return _SymmetricNode(pattern, context, JoinProbe)
    if isinstance(pattern, ops.IndependencePattern):
        return _SymmetricNode(pattern, context, IndependenceProbe)
    if isinstance(pattern, ops.DisjunctionPattern):
        return _OrNode(pattern, context)
    if isinstance(pattern, (ops.GuardedPattern, ops.TimedPattern)):
        return _FilterNode(pattern, context)
    if isinstance(pattern, ops.IterationPattern):
        return _RepeatNode(pattern, context)
    if type(pattern).__module__ in (alg.__name__, ops.__name__):
        raise TypeError(f"cannot match {type(pattern).__name__}: not a pattern of this algebra")
    return _OwnNode(pattern, context)

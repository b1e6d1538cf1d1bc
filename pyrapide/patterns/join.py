"""Stores of partial matches and the probes that pair a new match with stored ones."""

from __future__ import annotations

import json
from collections.abc import Collection, Hashable, Iterable
from itertools import chain
from typing import Any

from pyrapide.core.printable import described
from pyrapide.patterns.match import PatternMatch, freeze, merge_bindings

__all__ = [
    "MATCH_LIMIT", "Context", "JoinProbe", "SequenceProbe", "Store", "TooManyMatches", "meet",
    "pair", "too_many_to_follow",
]

MATCH_LIMIT = 100_000
"""The bound on matches of joined parts (see :class:`TooManyMatches`) that the workbench's
watches, breakpoints and ``expect``, and an exploration's, follow a run with: 0.2 s of
matching for an ``expect``, 0.5 s for a new watch (``benchmarks/bench_patterns.py
--only limit``). ``A -> A`` over a chain of n A's has n(n-1)/2 matches: followed through
a run of 3,000 A's, 4.5 million, half a minute of matching and the memory to hold them."""


def too_many_to_follow(pattern_text: str, why: str) -> str:
    """What a front end says of a pattern it stopped matching (``why``: past what bound),
    and how to narrow it: one wording for the workbench's watches and an exploration's."""
    return (
        f"{pattern_text} matches too many ways to follow ({why}): narrow it, with a source, "
        "a field or `=>` (direct causes) for `->`"
    )


class TooManyMatches(RuntimeError):
    """Matching stopped: it made more than ``limit`` matches of parts joined together.

    A pattern such as ``A -> A`` over a chain of n A's has n(n-1)/2 matches, each made
    in turn: past a few hundred thousand, following them costs seconds and memory
    that a caller asking for a bound (``match_all(..., limit=)``, ``Matcher(...,
    limit=)``) would rather not spend. A matcher that raised it is left part way
    through an event: feed it nothing more."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit:,} matches of parts joined together")
        self.limit = limit

NARROW = 16
"""The roots above an event, up to this many, are a set of their numbers; more are a
mask (see :meth:`Context.roots`). A match from a set is filed under each of its roots
in a join store; one from a mask in the store's one wide list (see :class:`JoinProbe`)."""

_WIDE = -1
"""The key of the wide list among a join store's per-root lists (roots are 0, 1, ...)."""

Roots = frozenset[int] | int
"""The roots above an event or match: a set of their numbers, or a mask (bit n: root n)."""

_NO_ROOTS: frozenset[int] = frozenset()


class Context:
    """The poset being matched, its operations bound once, and memos shared by the nodes."""

    __slots__ = (
        "_root_numbers",
        "_roots",
        "budget",
        "causes",
        "chain_position",
        "depth",
        "is_ancestor",
        "journal",
        "limit",
        "poset",
        "scope",
        "seq",
        "warns_guard_errors",
    )

    def __init__(self, poset: Any, scope: str = "") -> None:
        self.poset: Any = None
        # The component path the pattern is read in: a source it names is inside it.
        self.scope = scope
        self.chain_position: Any = None
        # For ``&``: event id -> the roots that strictly precede it, numbered in the
        # order they are first met (see ``roots``); root id -> its number.
        self._roots: dict[str, Roots] = {}
        self._root_numbers: dict[str, int] = {}
        # An incremental matcher's undo log for its last feed: (undo, *arguments) entries
        # appended by the stores and nodes as they change, undone in reverse order.
        self.journal: list[tuple[Any, ...]] | None = None
        # Whether a guard's first error is warned (off where the caller reports them).
        self.warns_guard_errors = True
        # How many more matches of joined parts may be made (None: no bound; see spend),
        # of ``limit`` in all.
        self.budget: int | None = None
        self.limit: int | None = None
        if poset is not None:
            self.bind(poset)

    def bind(self, poset: Any) -> None:
        """Match over ``poset`` from now on."""
        self.poset = poset
        self.seq = poset.seq
        # A tuple in recording order: no set to build, and the probes only iterate.
        self.causes = poset.direct_causes
        self.depth = poset.depth
        self.is_ancestor = poset.is_ancestor
        # (chain, position) of an event in the poset's chain decomposition, for ``|``;
        # None for a poset-like object that has none.
        self.chain_position = getattr(poset, "_chain_position", None)

    def bound(self, limit: int | None) -> None:
        """Make at most ``limit`` matches of joined parts from now on (None: no bound)."""
        if limit is not None:
            if not isinstance(limit, int) or isinstance(limit, bool):
                # "5" failed comparing with 0, and NaN or a float bounded nothing exactly.
                raise TypeError(
                    f"limit must be a number of matches (an int) or None, got {described(limit)}"
                )
            if limit < 0:
                raise ValueError(f"limit must be a number of matches, 0 or more, not {limit}")
        self.budget = self.limit = limit

    def spend(self) -> None:
        """Count one more match of joined parts; TooManyMatches past the bound. Called
        only where ``budget`` is not None, so an unbounded match pays one test."""
        if self.budget <= 0:  # type: ignore[operator]
            raise TooManyMatches(self.limit)  # type: ignore[arg-type]
        self.budget -= 1  # type: ignore[operator]

    def forget(self, event: Any) -> None:
        """Drop what is memoised about ``event``, whose causes are about to change.

        Only ``event`` itself is forgotten: it must have no effects yet, so no other
        event's memo depends on it.
        """
        self._roots.pop(event.id, None)

    def by_completion(self, matches: list[PatternMatch]) -> list[PatternMatch]:
        """The matches ordered by the recording position of their last event (stable)."""
        seq = self.seq
        return sorted(matches, key=lambda found: seq(found.event))

    def in_report_order(self, matches: list[PatternMatch]) -> list[PatternMatch]:
        """Matches completed by one event, in the order they are reported.

        By the recording positions of their events, compared as tuples (earliest
        event first); matches of the same events (their bindings differ) by their
        bindings written as JSON with sorted keys. The two matching modes find such
        matches in different orders (``A || B`` pairs the same two events either way
        round), so neither finding order may decide it; bindings JSON cannot write
        keep the order found, which no hash decides either.
        """
        if len(matches) < 2:
            return matches
        seq = self.seq
        keys = [tuple(map(seq, found.events)) for found in matches]
        order = sorted(range(len(matches)), key=keys.__getitem__)
        ordered = [matches[index] for index in order]
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and keys[order[end]] == keys[order[start]]:
                end += 1
            if end - start > 1:
                ordered[start:end] = _by_bindings(ordered[start:end])
            start = end
        return ordered

    def in_completion_order(self, matches: list[PatternMatch]) -> list[PatternMatch]:
        """Matches already in completion order, each group completed by one event put
        in report order (see ``in_report_order``)."""
        ordered: list[PatternMatch] = []
        group: list[PatternMatch] = []
        for found in matches:
            if group and found.event is not group[0].event:
                ordered.extend(self.in_report_order(group))
                group = []
            group.append(found)
        ordered.extend(self.in_report_order(group))
        return ordered

    def merge_events(self, left: tuple[Any, ...], right: tuple[Any, ...]) -> tuple[Any, ...]:
        """The events of both matches in recording order."""
        seq = self.seq
        if len(left) == 1 and len(right) == 1:
            return left + right if seq(left[0]) < seq(right[0]) else right + left
        return tuple(sorted(left + right, key=seq))

    def ancestors_within(self, event: Any, budget: int) -> list[str] | None:
        """The ids of the strict causal ancestors of ``event``, or None if there are
        more than ``budget``."""
        causes, depth = self.causes, self.depth
        seen: dict[str, None] = {}  # in the order found: no hash decides it
        frontier = list(causes(event))
        while frontier:
            ancestor = frontier.pop()
            if ancestor.id in seen:
                continue
            seen[ancestor.id] = None
            if len(seen) > budget:
                return None
            if depth(ancestor):  # roots have no causes to walk
                frontier.extend(causes(ancestor))
        return list(seen)

    def roots(self, event: Any) -> Roots:
        """The root events strictly preceding ``event``, by number (memoised, iterative).

        Two events have a common strict ancestor exactly when they have a common
        strict root ancestor (any root below a shared ancestor is shared too). Up to
        :data:`NARROW` roots are a set of their numbers, more a mask, bit n standing
        for root n: an event many independent roots feed (a pipe carrying injected
        events) costs a bit per root, where a set would cost a hash entry per root,
        copied at every event down the pipe. An event with one cause shares its
        cause's roots; merging masks is one ``|`` of whole integers, done in C.
        """
        memo = self._roots
        known = memo.get(event.id)
        if known is not None:
            return known
        causes, depth = self.causes, self.depth
        stack = [event]
        while stack:
            current = stack[-1]
            if current.id in memo:
                stack.pop()
                continue
            if not depth(current):
                memo[current.id] = _NO_ROOTS
                stack.pop()
                continue
            direct = causes(current)
            pending = [cause for cause in direct if cause.id not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            parts = [memo[cause.id] or self._root_alone(cause) for cause in direct]
            memo[current.id] = parts[0] if len(parts) == 1 else _merged(parts)
        return memo[event.id]

    def _root_alone(self, root: Any) -> Roots:
        """The roots of an event whose one root is ``root``: its number alone."""
        numbers = self._root_numbers
        number = numbers.get(root.id)
        if number is None:
            number = numbers[root.id] = len(numbers)
        return frozenset((number,)) if NARROW else 1 << number

    def match_roots(self, match: PatternMatch) -> Roots:
        """The roots strictly preceding some event of ``match``."""
        events = match.events
        if len(events) == 1:
            return self.roots(events[0])
        return _merged([self.roots(event) for event in events])


def _merged(parts: list[Roots]) -> Roots:
    """The union of ``parts``: a set while it holds at most :data:`NARROW` roots."""
    if all(isinstance(part, frozenset) for part in parts):
        union = frozenset().union(*parts)  # type: ignore[arg-type]
        if len(union) <= NARROW:
            return union
    mask = 0
    for part in parts:
        mask |= part if isinstance(part, int) else _mask(part)
    return mask


def _mask(numbers: frozenset[int]) -> int:
    mask = 0
    for number in numbers:
        mask |= 1 << number
    return mask


def meet(one: Roots, other: Roots) -> bool:
    """Whether two sets of roots share one."""
    if isinstance(one, frozenset):
        if isinstance(other, frozenset):
            return not one.isdisjoint(other)
        one, other = other, one
    if isinstance(other, frozenset):
        return any(one >> number & 1 for number in other)
    return bool(one & other)


def _by_bindings(matches: list[PatternMatch]) -> list[PatternMatch]:
    """Matches of the same events in the order of their bindings as JSON (sorted keys);
    as given when a binding is something JSON cannot write."""
    try:
        written = [json.dumps(found.bindings, sort_keys=True) for found in matches]
    except (TypeError, ValueError):
        return matches
    return [matches[index] for index in sorted(range(len(matches)), key=written.__getitem__)]


class Store:
    """The matches of one side of a binary pattern.

    Matches are bucketed by the values they bind to the placeholders both sides
    share, so a probe only meets stored matches whose bindings can agree; and
    indexed by whatever the operator's probe looks up (events' ids, or the numbers
    of the roots a match descends from for ``&``).
    """

    __slots__ = ("buckets", "by_event", "journal", "shared", "size", "unkeyed")

    def __init__(self, shared_names: Iterable[str], journal: list[Any] | None = None) -> None:
        self.shared = tuple(sorted(shared_names))
        self.journal = journal  # when given, each add is logged there so it can be undone
        self.buckets: dict[Any, list[PatternMatch]] = {}
        # Matches lacking one of the shared names: they may agree with any probe.
        self.unkeyed: list[PatternMatch] = []
        self.by_event: dict[Any, list[PatternMatch]] = {}
        self.size = 0

    def key_of(self, match: PatternMatch) -> tuple[Any, ...] | None:
        """The bucket of ``match``, or None when it does not bind every shared name."""
        if not self.shared:
            return ()
        bindings = match.bindings
        key = []
        for name in self.shared:
            if name not in bindings:
                return None
            key.append(freeze(bindings[name]))
        return tuple(key)

    def add(self, match: PatternMatch, index_ids: Collection[Hashable] = ()) -> None:
        """Keep ``match``, findable under each of the keys ``index_ids``."""
        key = self.key_of(match)
        if key is None:
            self.unkeyed.append(match)
        else:
            bucket = self.buckets.get(key)
            if bucket is None:
                self.buckets[key] = [match]
            else:
                bucket.append(match)
        self.size += 1
        by_event = self.by_event
        for event_id in index_ids:
            indexed = by_event.get(event_id)
            if indexed is None:
                by_event[event_id] = [match]
            else:
                indexed.append(match)
        if self.journal is not None:
            self.journal.append((self.remove_last, match, index_ids))

    def remove_last(self, match: PatternMatch, index_ids: Collection[Hashable] = ()) -> None:
        """Undo ``add(match, index_ids)``, the latest add not undone yet (undo in reverse)."""
        key = self.key_of(match)
        kept = self.unkeyed if key is None else self.buckets[key]
        kept.pop()
        if not kept and key is not None:
            del self.buckets[key]
        self.size -= 1
        by_event = self.by_event
        for event_id in index_ids:
            indexed = by_event[event_id]
            indexed.pop()
            if not indexed:
                del by_event[event_id]

    def candidates(self, probe: PatternMatch) -> list[list[PatternMatch]]:
        """The lists of stored matches whose bindings may agree with ``probe``'s."""
        key = self.key_of(probe)
        if key is None:
            return [*self.buckets.values(), self.unkeyed]
        bucket = self.buckets.get(key)
        return [bucket, self.unkeyed] if bucket else [self.unkeyed]


def _bindings(left: PatternMatch, right: PatternMatch) -> dict[str, Any] | None:
    if not right.bindings:
        return left.bindings
    if not left.bindings:
        return right.bindings
    return merge_bindings(left.bindings, right.bindings)


class SequenceProbe:
    """Pairs a new right match with stored left matches that entirely precede it.

    For ``>>`` the cheaper of two searches is used: walk the causal ancestors of
    the right match's first event and look up the left matches ending there, when
    there are no more ancestors than candidates; else test each candidate.
    For ``then_immediately`` the direct causes of the right match are looked up.
    """

    __slots__ = ("context", "immediate", "store")

    def __init__(self, context: Context, store: Store, immediate: bool) -> None:
        self.context, self.store, self.immediate = context, store, immediate

    def add(self, left: PatternMatch) -> None:
        """Store a left match."""
        events = left.events
        if self.immediate:
            self.store.add(left, [event.id for event in events])
        else:
            self.store.add(left, (events[-1].id,))

    def partners(self, right: PatternMatch) -> list[PatternMatch]:
        """The new pairs ``(left, right)`` for each stored left match that fits."""
        store = self.store
        if not store.size:
            return []
        found: list[PatternMatch] = []
        precedes = self._precedes
        if self.immediate:
            candidates: Iterable[PatternMatch] = self._via_direct_causes(right)
        else:
            lists = store.candidates(right)
            count = sum(map(len, lists))
            if not count:
                return found
            ancestors = self.context.ancestors_within(right.events[0], count)
            if ancestors is not None:
                by_event = store.by_event
                single = len(right.events) == 1
                for ancestor in ancestors:
                    for left in by_event.get(ancestor, ()):
                        # A one-event left found here precedes a one-event right already.
                        if (single and len(left.events) == 1) or precedes(left, right):
                            bindings = _bindings(left, right)
                            if bindings is not None:
                                if self.context.budget is not None:
                                    self.context.spend()
                                found.append(PatternMatch(left.events + right.events, bindings))
                return found
            candidates = chain.from_iterable(lists)
        for left in candidates:
            if precedes(left, right):
                bindings = _bindings(left, right)
                if bindings is not None:
                    if self.context.budget is not None:
                        self.context.spend()
                    found.append(PatternMatch(left.events + right.events, bindings))
        return found

    def _via_direct_causes(self, right: PatternMatch) -> list[PatternMatch]:
        by_event = self.store.by_event
        causes = self.context.causes
        seen: dict[int, PatternMatch] = {}
        for event in right.events:
            for cause in causes(event):
                for left in by_event.get(cause.id, ()):
                    seen.setdefault(id(left), left)
        return list(seen.values())

    def _precedes(self, left: PatternMatch, right: PatternMatch) -> bool:
        is_ancestor = self.context.is_ancestor
        return all(is_ancestor(x, y) for x in left.events for y in right.events)


class JoinProbe:
    """``&``: pairs a new match with stored matches that share a strict root ancestor.

    A stored match whose roots are a set (at most :data:`NARROW`) is filed under each;
    one whose roots are a mask goes to the store's one wide list. A probe with a set
    of roots looks up their lists and tests the wide list's matches; a probe with a
    mask, or with fewer candidates than roots, tests each candidate. A test is a
    set's lookups or one ``&`` of two masks (see :func:`meet`), so a probe costs its
    candidates, or its roots and the wide list, never a copy of anyone's roots.
    """

    __slots__ = ("context", "store", "stored_on_left")

    def __init__(self, context: Context, store: Store, stored_on_left: bool) -> None:
        self.context, self.store, self.stored_on_left = context, store, stored_on_left

    def add(self, match: PatternMatch) -> None:
        """Store a match under the roots it descends from (a match of roots only never
        joins)."""
        roots = self.context.match_roots(match)
        if roots:
            self.store.add(match, sorted(roots) if isinstance(roots, frozenset) else (_WIDE,))

    def partners(self, probe: PatternMatch) -> list[PatternMatch]:
        """The new pairs of ``probe`` with each stored match it joins."""
        store = self.store
        context = self.context
        roots = context.match_roots(probe)
        if not roots or not store.size:
            return []
        lists = store.candidates(probe)
        match_roots = context.match_roots
        candidates: Iterable[PatternMatch]
        if isinstance(roots, frozenset) and len(roots) <= sum(map(len, lists)):
            seen: dict[int, PatternMatch] = {}
            by_event = store.by_event
            for number in sorted(roots):  # in the order the roots were met
                for other in by_event.get(number, ()):
                    seen.setdefault(id(other), other)
            for other in by_event.get(_WIDE, ()):
                if meet(roots, match_roots(other)):
                    seen.setdefault(id(other), other)
            candidates = seen.values()
        else:
            candidates = (
                other for other in chain.from_iterable(lists) if meet(roots, match_roots(other))
            )
        found = []
        probe_events = set(probe.events)
        for other in candidates:
            if probe_events.isdisjoint(other.events):
                made = pair(context, other, probe, self.stored_on_left)
                if made is not None:
                    found.append(made)
        return found


def pair(
    context: Context, stored: PatternMatch, probe: PatternMatch, stored_on_left: bool
) -> PatternMatch | None:
    """The match made of a stored match and a probe, sides kept; None if bindings disagree."""
    left, right = (stored, probe) if stored_on_left else (probe, stored)
    bindings = _bindings(left, right)
    if bindings is None:
        return None
    if context.budget is not None:
        context.spend()
    return PatternMatch(context.merge_events(left.events, right.events), bindings)

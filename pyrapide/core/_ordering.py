"""Reachability in a growing DAG: topological indices, chains, chain clocks, reordering.

Events are numbered by recording position; this module works on those numbers.

Why this design.  A poset is mostly built by appending an event with its causes
and mostly queried with "does a precede b?".  Cheap indices answer that
without walking the whole graph:

* A topological index per event (``topo``).  A new event has no effects, so it
  cannot close a cycle and simply takes a fresh maximum: appending costs
  O(number of causes).  If a precedes b then topo[a] < topo[b], so a search for
  a can prune everything whose index is not above a's.  ``link`` between
  existing events that contradicts the index reorders only the affected region
  (the dynamic topological order of Pearce and Kelly), after checking that the
  effect does not already precede the cause, so a refused link changes nothing.
* The depth (longest cause chain from a root) prunes the same way.
* A greedy chain decomposition: a new event extends the chain of a cause that
  is the tail of its chain; failing that, the chain of a close ancestor that
  is a tail, preferring one with the new event's name (a search bounded to a
  few events, so a diamond's two sides each keep one chain instead of starting
  one per diamond); else it starts a chain.  A chain a run says its source goes
  on with (a pipe's answer, which the pipe's next answer follows: ``keep``) is
  left to that source's events.  Along a chain every event precedes the next, so
  a precedes b exactly when the ancestors of b reach a's chain at or after a's
  position.
* Chain clocks (``pyrapide.core._clocks``): for each chain, how far along every
  other chain its ancestors reach, kept as a running clock and a snapshot
  every few dozen positions.  For b on chain C, the snapshot before b bounds
  b's reach from below and the one after it (or C's running clock) from above:
  one read answers most pairs, however far apart.

``reaches(a, b)`` walks b's ancestry for a few dozen events when the two are
close in topological rank (near pairs end there), then reads b's chain clocks;
if a's position lies between the two bounds, it searches chain by chain in
decreasing topological order: each chain is visited once, at its furthest
position, and only the joins (events with causes on other chains) between its
two snapshots are expanded; a chain whose upper bound does not reach a is not
expanded at all.  The cost is one or two clock reads for most pairs, plus the
joins where a's reach is uncertain: on a million events in 1,000 chains
cross-linked at random, a median under 10 microseconds and a maximum of a few
milliseconds (``benchmarks/bench_poset.py``); at worst, every join of b's
ancestry above a.  Clocks are not kept up as events are recorded: the first
query that reads them takes in every event recorded since (``catch_up``),
which costs about a merge of two clocks per event with a cause off its chain.

Memory: a recorded event with one cause that extends its chain costs its
entries in ``causes`` and ``effects`` (a pointer to an int each, no tuple) and
four bytes in each of ``depth``, ``chain``, ``pos`` and its chain's members;
clocks cost nothing until a chain has an event caused from another chain.
"""

from __future__ import annotations

import heapq
import sys
from array import array
from bisect import insort
from collections.abc import Callable, Sequence
from typing import Final, Protocol

from pyrapide.core._clocks import FIELD_BITS, FIELD_MASK, ChainClocks

_TAIL_SEARCH_BUDGET = 24
"""How many ancestors a new event may look at for a chain to extend."""

_TAIL_SEARCH_LEVELS = 4
"""How many cause links up a new event may look for a chain to extend.

A diamond's side finds its chain two links up.  Deeper searches seldom find
one: an event answering the 1,000th of a producer's chained events would
otherwise walk 24 of them, in vain, for every answer.
"""

_WALK_BUDGET = 24
"""How many ancestors ``reaches`` walks one by one before it searches by chains."""

_NEAR = 2048
"""Pairs this close in topological rank are walked before the clocks are read."""

_IDENTITY: Final = range(sys.maxsize)
"""Every event's topological rank while it is its recording position."""

_SMALL = 8
"""Up to this many effects of one event are kept in a tuple, beyond in a list."""

Links = int | tuple[int, ...] | list[int] | None
"""An event's causes or effects: one as a plain int, several as a tuple (a list when
many effects), none as ``()`` for causes and ``None`` for effects.  A single link is
the common case and a tuple would cost 48 bytes an event."""


def listed(links: Links) -> tuple[int, ...] | list[int]:
    """The links of an entry of ``causes`` or ``effects`` as a sequence."""
    if type(links) is int:
        return (links,)
    return links or ()  # type: ignore[return-value]


def _with_effect(known: Links, p: int) -> Links:
    """Return ``known`` (the effects of some event) with ``p`` added, kept ascending."""
    if known is None:
        return p
    if type(known) is list:
        insort(known, p)
        return known
    grown = sorted((*listed(known), p))
    return tuple(grown) if len(grown) <= _SMALL else grown


_INTS: Final = "I"
"""The type code of the order's arrays: unsigned 32-bit integers.

Positions, ranks, depths and chain numbers are never negative, and an unsigned
array converts an int it is given directly, where a signed one parses it as a
function's argument: appending costs about half as much (four appends an event)."""


_array_append: Final[Callable[..., None]] = array.append
"""``array.append``, looked up once: recording appends to four arrays an event.  (Typed
to take any object: ``append_after`` appends a number it holds as one.)"""


def _ints(length: int = 0) -> array[int]:
    """A compact array of 32-bit unsigned integers, ``length`` zeros.

    Four bytes an event instead of a pointer plus an int object (about 40): at a
    million events the indices stay a tenth the size, and the garbage collector
    never walks them.  (Positions, ranks, depths and chain numbers stay far below
    2**32: a poset that large would not fit in memory.)
    """
    return array(_INTS, bytes(4 * length))


_copy_pair: Final[Callable[[], array[int]]] = array(_INTS, (0, 0)).__copy__
"""A new array of two events (zeros): a chain of one event (a tuple) becomes one as a
second event joins it (see :func:`_pair`)."""


def _pair(first: int, second: int) -> array[int]:
    """A chain's array of two events: a copy of a kept pair, filled in. ``array()``
    itself parses its type code and walks what it is given: twice the time, once a
    chain."""
    pair = _copy_pair()
    pair[0] = first
    pair[1] = second
    return pair


def _lines(causes: list[tuple[int, ...]], events: Sequence[Labelled]) -> set[int]:
    """The events whose chain a run would have kept for their own source (see
    ``CausalOrder.keep``), told from the whole record where the run was told as it
    went: an event c whose next event of its own source e follows it, where an event
    of another source followed c first, and e has no other cause recorded after that
    one (a pipe's answer and the pipe's next answer; not a connect's caller, whose next
    event also follows what the call made after it)."""
    sources = [event.source for event in events]
    first_other: dict[int, int] = {}  # c -> its first effect of another source
    lines: set[int] = set()
    for p, before in enumerate(causes):
        if not before:
            continue
        source = sources[p]
        for c in before:
            if sources[c] != source and c not in first_other:
                first_other[c] = p
        if not first_other:
            continue
        for c in before:
            other = first_other.get(c)
            if (
                other is not None
                and sources[c] == source
                and all(d == c or d < other for d in before)
            ):
                lines.add(c)
    return lines


class Labelled(Protocol):
    """What the order reads of an event: its name and its source."""

    @property
    def name(self) -> str: ...

    @property
    def source(self) -> str: ...


class CycleFound(Exception):
    """The links handed to ``CausalOrder.build`` contain a cycle (listed in order)."""

    def __init__(self, positions: list[int]) -> None:
        super().__init__(positions)
        self.positions = positions


class CausalOrder:
    """The causal links among events numbered 0..n-1, with the indices above."""

    __slots__ = (
        "causes",
        "chain",
        "chains",
        "clocks",
        "depth",
        "effects",
        "events",
        "forward_only",
        "kept",
        "last",
        "last_chain",
        "last_depth",
        "last_entry",
        "pos",
        "slow_queries",
        "stale",
        "tailless",
        "topo",
    )

    def __init__(self, events: Sequence[Labelled]) -> None:
        # The events themselves, read only for their names: a chain is best
        # extended by a later event of the same kind (the same component's steps).
        self.events = events
        self.causes: list[Links] = []  # ascending (see Links)
        self.effects: list[Links] = []  # ascending (see Links)
        # The topological rank of each event.  The ranks are always a
        # permutation of 0..n-1 and a new event takes rank n, its own number:
        # until a link forces a reordering every event's rank is its number,
        # which a range answers without storing anything.
        self.topo: range | array[int] = _IDENTITY
        self.depth = _ints()
        self.chain = _ints()  # chain number of each event
        self.pos = _ints()  # position of each event on its chain
        # The events of each chain, in causal order.  A chain of one event is a
        # tuple (untracked by the garbage collector: a wide fan-out makes
        # hundreds of thousands of them), an array once it grows.
        self.chains: list[array[int] | tuple[int, ...]] = []
        self.clocks = ChainClocks(self)
        # True once a link changed the ancestry of events that have effects: the
        # clocks no longer hold and queries search without them, until
        # ``slow_queries`` makes rebuilding them worth it.
        self.stale = False
        self.slow_queries = 0
        # True while every link goes from an earlier to a later recording position.
        self.forward_only = True
        # The event appended last, its chain and its depth, for ``append_after``; -1
        # once a link may have changed its depth or given it an effect.  Being the
        # newest, it ends its chain.  ``last_entry`` is its number as stored in its
        # cause's effects, to be stored as the next event's cause: one int object for
        # both (the compiled build makes a new one each time it stores a number).
        self.last = -1
        self.last_chain = 0
        self.last_depth = 0
        self.last_entry: Links = None
        # Source -> its latest event that ends a line the source goes on with (a
        # pipe's answer, which its next delivery follows): another source's event
        # does not take its chain (see keep).
        self.kept: dict[str, int] = {}
        # Event -> how many cause links up from it no event ends its chain, as far as
        # :meth:`_tailless` found (0: not known). It holds for good once found: a chain
        # only grows, so an event that does not end its chain never will, and an
        # event's ancestors are fixed when it is recorded (a link clears this).
        self.tailless = bytearray()

    # -- building ---------------------------------------------------------

    def append(self, causes: tuple[int, ...]) -> int:
        """Add the next event with these (distinct, existing, ascending) causes.

        Returns its number.  Costs O(number of causes).
        """
        if len(causes) == 1:
            return self.append_after(causes[0])
        return self._append(causes)

    def append_after(self, c: int) -> int:
        """``append((c,))``: add the next event, caused by ``c`` alone; return its number.

        The common case of a run, an event caused by the one appended last, reads
        none of the arrays: where that one was placed is kept (``last``).
        """
        effects = self.effects
        if c != self.last or effects[c] is not None:
            return self._append((c,))
        if self.kept and not self._may_extend(len(self.causes), c):
            return self._append((c,))  # c's chain is kept for its own source
        causes_of = self.causes
        p = len(causes_of)
        entry: Links = p  # stored three times, made once (see last_entry)
        causes_of.append(self.last_entry)
        effects.append(None)
        effects[c] = entry
        if self.topo is not _IDENTITY:
            self.topo.append(p)  # type: ignore[union-attr]  # an array once reordered
        home = self.last_chain
        depth = self.last_depth + 1
        members = self.chains[home]
        _array_append(self.depth, depth)
        _array_append(self.chain, home)
        _array_append(self.pos, len(members))
        if isinstance(members, tuple):
            self.chains[home] = _pair(members[0], p)
        else:
            _array_append(members, entry)
        self.last = p
        self.last_depth = depth
        self.last_entry = entry
        return p

    def _append(self, causes: tuple[int, ...]) -> int:
        """``append``, whatever the causes: any number, and the one cause not the event
        whose placement ``last`` keeps."""
        causes_of, effects = self.causes, self.effects
        p = len(causes_of)
        causes_of.append(causes[0] if len(causes) == 1 else causes)
        effects.append(None)
        if self.topo is not _IDENTITY:
            self.topo.append(p)  # type: ignore[union-attr]  # an array once reordered
        for c in causes:
            known = effects[c]
            # A plain int, then small tuples (which the garbage collector stops
            # tracking), until an event has many effects.
            if known is None:
                effects[c] = p
            elif type(known) is int:
                effects[c] = (known, p)
            elif type(known) is list:
                known.append(p)
            elif len(known) < _SMALL:  # type: ignore[arg-type]
                effects[c] = (*known, p)  # type: ignore[misc]
            else:
                effects[c] = [*known, p]  # type: ignore[misc]
        if len(causes) == 1:
            # The common case, inlined: one cause, and it ends its chain.
            c = causes[0]
            chain_of = self.chain
            home = chain_of[c]
            members = self.chains[home]
            if members[-1] == c and self._may_extend(p, c):
                deepest = self.depth[c] + 1
                _array_append(self.depth, deepest)
                _array_append(chain_of, home)
                _array_append(self.pos, self._join(p, home))
                self._appended(p, home, deepest)
                return p
        deepest, home = self._home(p, causes)
        chain = home if home >= 0 else len(self.chains)
        _array_append(self.depth, deepest)
        _array_append(self.chain, chain)
        _array_append(self.pos, self._join(p, home))
        self._appended(p, chain, deepest)
        return p

    def _appended(self, p: int, chain: int, depth: int) -> None:
        """Keep where ``p``, just appended, was placed (see ``last``)."""
        self.last = p
        self.last_chain = chain
        self.last_depth = depth
        self.last_entry = p

    def _place(self, p: int) -> None:
        """Set depth, chain and chain position of ``p`` (its entries exist: a rebuild),
        whose causes are placed."""
        deepest, home = self._home(p, listed(self.causes[p]))
        self.depth[p] = deepest
        self.chain[p] = home if home >= 0 else len(self.chains)
        self.pos[p] = self._join(p, home)

    def _home(self, p: int, causes: Sequence[int]) -> tuple[int, int]:
        """The depth of ``p``, caused by ``causes`` (placed), and the chain it extends:
        that of the first cause ending its chain, else of a close ancestor ending one
        (see :meth:`_nearest_tail_chain`), else -1 (a chain of its own)."""
        depth = self.depth
        chain_of = self.chain
        chains = self.chains
        deepest = 0
        home = -1
        for c in causes:
            below = depth[c] + 1
            if below > deepest:
                deepest = below
            if home < 0:
                chain = chain_of[c]
                if chains[chain][-1] == c and self._may_extend(p, c):
                    home = chain
        if home < 0 and causes:
            home = self._nearest_tail_chain(p, causes)
        return deepest, home

    def keep(self, c: int) -> None:
        """Keep the chain that ``c`` ends for ``c``'s source, in place of the one that
        source's event kept before: an event extends it only if it comes from that
        source too; another starts a chain of its own, or takes another.

        Why: a pipe's answer is followed by the pipe's next answer, but an agent or
        pipe delivery of it often runs first; taking its chain, that delivery's event
        left the next answer none, and a pipe's answers then made a chain each,
        every one feeding the next, past what the chain clocks keep a field for
        (``pyrapide.core._clocks.MAX_FIELDS``): ancestry queries searched."""
        self.kept[self.events[c].source] = c

    def _may_extend(self, p: int, c: int) -> bool:
        """Whether ``p``, being placed, may take the chain that ``c`` ends (see
        :meth:`keep`)."""
        if not self.kept:
            return True
        events = self.events
        source = events[c].source
        return self.kept.get(source) != c or events[p].source == source

    def _join(self, p: int, home: int) -> int:
        """Put ``p`` at the end of chain ``home`` (-1: a new chain); return its position."""
        chains = self.chains
        if home < 0:
            chains.append((p,))
            return 0
        members = chains[home]
        position = len(members)
        if isinstance(members, tuple):
            chains[home] = _pair(members[0], p)
        else:
            _array_append(members, p)
        return position

    def _nearest_tail_chain(self, p: int, causes: Sequence[int]) -> int:
        """A chain whose last event is a close ancestor of p (bounded search), else -1.

        Among the candidates found, one whose last event has p's name wins; else
        the nearest.  Without that preference a side branch steals the chain of
        a neighbouring component and the decomposition fragments.
        """
        chains, chain_of, all_causes, events = self.chains, self.chain, self.causes, self.events
        name = events[p].name
        budget = _TAIL_SEARCH_BUDGET
        levels = _TAIL_SEARCH_LEVELS
        nearest = -1
        # Up a line of single causes first (an answer to one of a producer's chained
        # events, the usual shape), without the sets and lists of the search below; where
        # the line forks, that search goes on from there.
        if len(causes) == 1:
            x = causes[0]
            on = chain_of[x]
            while budget > 0 and levels > 0:
                y = all_causes[x]
                if type(y) is not int:
                    break
                levels -= 1
                budget -= 1
                # An ancestor of the cause on the cause's own chain comes before it
                # there: it ends nothing (the usual line: a producer's chained events).
                chain = chain_of[y]
                if chain != on and chains[chain][-1] == y and self._may_extend(p, y):
                    if events[y].name == name:
                        return chain
                    if nearest < 0:
                        nearest = chain
                x = y
            if budget <= 0 or levels <= 0:
                return nearest
            frontier = [x]
        else:
            frontier = list(causes)
        if nearest < 0 and self._all_tailless(frontier, levels, budget):
            return -1  # the search below would look at many events, and find none
        seen = set(frontier)
        while frontier and budget > 0 and levels > 0:
            levels -= 1
            following = []
            for x in frontier:
                for y in listed(all_causes[x]):
                    if y in seen:
                        continue
                    seen.add(y)
                    if chains[chain_of[y]][-1] == y and self._may_extend(p, y):
                        if events[y].name == name:
                            return chain_of[y]
                        if nearest < 0:
                            nearest = chain_of[y]
                    following.append(y)
                    budget -= 1
            frontier = following
        return nearest

    def _all_tailless(self, frontier: list[int], levels: int, budget: int) -> bool:
        """Whether no event within ``levels`` cause links above any of ``frontier`` ends
        its chain, found within ``budget`` causes (False: one does, or not known)."""
        known = self.tailless
        for x in frontier:
            if x >= len(known) or known[x] < levels:
                budget = self._tailless(x, levels, budget)
                if budget < 0:
                    return False
        return True

    def _tailless(self, x: int, levels: int, budget: int) -> int:
        """Whether no event within ``levels`` cause links above ``x`` ends its chain (not
        known yet): the budget left (``budget`` less the causes looked at) if so, -1 if
        one does or the budget ran out first. What it finds is kept (``tailless``), so
        that the events below ``x`` find it without looking again."""
        known, chains, chain_of = self.tailless, self.chains, self.chain
        on = chain_of[x]
        above = levels - 1
        links = self.causes[x]
        for y in (links,) if type(links) is int else links:  # type: ignore[union-attr]
            budget -= 1
            if budget < 0:
                return -1
            chain = chain_of[y]
            # A cause on its effect's chain comes before it there: it ends nothing.
            if chain != on and chains[chain][-1] == y:
                return -1
            if above and (y >= len(known) or known[y] < above):
                budget = self._tailless(y, above, budget)
                if budget < 0:
                    return -1
        if x >= len(known):
            known.extend(bytes(x + 1 - len(known)))
        known[x] = levels
        return budget

    def off_chain_causes(self, members: array[int] | tuple[int, ...], at: int) -> tuple[int, ...]:
        """The causes of ``members[at]`` other than the event before it on its chain."""
        causes = listed(self.causes[members[at]])
        if not at:
            return tuple(causes)
        predecessor = members[at - 1]
        return tuple(c for c in causes if c != predecessor)

    @classmethod
    def build(cls, causes: list[tuple[int, ...]], events: Sequence[Labelled]) -> CausalOrder:
        """Build the order for events whose causes are given by position.

        Each event's causes are distinct and ascending.  Links may point
        backward in recording order.  Raises ``CycleFound``.
        """
        order = cls(events)
        n = len(causes)
        if all(not before or before[-1] < p for p, before in enumerate(causes)):
            # Every link points forward: recording order is a topological order,
            # and appending one event after another is the fastest way to build.
            append, keep = order.append, order.keep
            lines = _lines(causes, events)
            for p, event_causes in enumerate(causes):
                append(event_causes)
                if p in lines:
                    keep(p)  # as the run kept it
            return order
        effects: list[Links] = [None] * n
        for p, event_causes in enumerate(causes):
            for c in event_causes:
                effects[c] = _with_effect(effects[c], p)
        order.causes = [c[0] if len(c) == 1 else c for c in causes]
        order.effects = effects
        order.forward_only = False
        # Recording order is not topological: the clocks are built in topological
        # order by the first query that reads them.
        order.stale = True
        order.slow_queries = n
        sequence = order._kahn()
        if len(sequence) < n:
            raise CycleFound(order._find_cycle(set(range(n)) - set(sequence)))
        topo = _ints(n)
        for rank, p in enumerate(sequence):
            topo[p] = rank
        order.topo = topo
        order.depth = _ints(n)
        order.chain = _ints(n)
        order.pos = _ints(n)
        for p in sequence:
            order._place(p)
        return order

    def _kahn(self) -> list[int]:
        """Topological order, earliest recorded first among ready events (may be partial)."""
        pending = [len(listed(c)) for c in self.causes]
        ready = [p for p, count in enumerate(pending) if count == 0]
        heapq.heapify(ready)
        effects = self.effects
        result = []
        while ready:
            p = heapq.heappop(ready)
            result.append(p)
            for q in listed(effects[p]):
                pending[q] -= 1
                if pending[q] == 0:
                    heapq.heappush(ready, q)
        return result

    def _find_cycle(self, stuck: set[int]) -> list[int]:
        # Every stuck event has a stuck cause: walk causes until one repeats.
        seen: dict[int, int] = {}
        walk: list[int] = []
        p = min(stuck)
        while p not in seen:
            seen[p] = len(walk)
            walk.append(p)
            p = next(c for c in listed(self.causes[p]) if c in stuck)
        cycle = walk[seen[p] :]
        cycle.reverse()  # the walk went effect -> cause
        first = cycle.index(min(cycle))  # start at the earliest recorded event
        cycle = cycle[first:] + cycle[:first]
        return [*cycle, cycle[0]]

    def link(self, c: int, e: int) -> bool:
        """Add the link c -> e between existing events; False (nothing changed) on a cycle."""
        known = listed(self.causes[e])
        if c in known:
            return True
        if self.topo[c] > self.topo[e] and not self._reorder(c, e):
            return False
        self.last = -1  # c gains an effect, e perhaps depth: append_after reads them again
        self.tailless.clear()  # e, and what follows it, may have a chain's end above now
        self.causes[e] = tuple(sorted((*known, c)))
        self.effects[c] = _with_effect(self.effects[c], e)
        home, position = self.chain[e], self.pos[e]
        if c > e:
            self.forward_only = False
        self._raise_depth(e, self.depth[c] + 1)
        if self.chain[c] == home and self.pos[c] < position:
            return True  # an earlier event of e's own chain: implied already
        clocks = self.clocks
        if e >= clocks.caught and c < e:
            return True  # the clocks will read e's causes when they catch up
        self.catch_up()
        if c < e and not self.stale and self.effects[e] is None and self.chains[home][-1] == e:
            # Only e's own ancestry changed, and e is where its chain's clock stands.
            clocks.relinked(home, position, c)
        else:
            self.stale = True
            self.slow_queries = 0
            if position:
                clocks.add_join(home, position)
        return True

    def _reorder(self, c: int, e: int) -> bool:
        """Make topo[c] < topo[e] by reordering the region between them (Pearce-Kelly).

        Returns False, having changed nothing, if e already precedes c.
        """
        topo = self.topo
        lower, upper = topo[e], topo[c]
        forward = [e]
        seen = {e}
        stack = [e]
        effects = self.effects
        while stack:
            for y in listed(effects[stack.pop()]):
                rank = topo[y]
                if rank == upper:
                    return False  # y is c: e precedes c
                if rank < upper and y not in seen:
                    seen.add(y)
                    forward.append(y)
                    stack.append(y)
        backward = [c]
        seen = {c}
        stack = [c]
        causes = self.causes
        while stack:
            for y in listed(causes[stack.pop()]):
                if topo[y] > lower and y not in seen:
                    seen.add(y)
                    backward.append(y)
                    stack.append(y)
        backward.sort(key=topo.__getitem__)
        forward.sort(key=topo.__getitem__)
        moved = backward + forward
        if not isinstance(topo, array):  # the first reordering: ranks are stored from now on
            topo = self.topo = array(_INTS, range(len(self.causes)))
        for p, rank in zip(moved, sorted(topo[p] for p in moved), strict=True):
            topo[p] = rank
        return True

    def _raise_depth(self, p: int, at_least: int) -> None:
        depth = self.depth
        if at_least <= depth[p]:
            return
        depth[p] = at_least
        stack = [p]
        effects = self.effects
        while stack:
            x = stack.pop()
            below = depth[x] + 1
            for y in listed(effects[x]):
                if depth[y] < below:
                    depth[y] = below
                    stack.append(y)

    # -- queries ----------------------------------------------------------

    def reaches(self, a: int, b: int) -> bool:
        """Return True if a strictly precedes b (see the module docstring for the cost)."""
        chain_of, pos = self.chain, self.pos
        home = chain_of[a]
        there = chain_of[b]
        if there == home:
            return pos[b] > pos[a]
        topo, depth = self.topo, self.depth
        distance = topo[b] - topo[a]
        if distance <= 0 or depth[b] <= depth[a]:
            return False
        if distance <= _NEAR:
            # Few events lie between: walking them is cheaper than reading clocks.
            found = self._walk(a, b)
            if found is not None:
                return found
        self.catch_up()
        clocks: ChainClocks | None = self.clocks
        field = -1
        if self.stale:
            clocks = self._clocks_worth_rebuilding()
        if clocks is not None:
            field = clocks.fields.get(home, -1)
            if field < 0:
                if clocks.all_fielded:
                    return False  # no event off a's chain has a cause on it
                clocks = None
            else:
                answer = clocks.judge(there, pos[b], field, pos[a])
                if answer is not None:
                    return answer
        if distance > _NEAR:
            found = self._walk(a, b)
            if found is not None:
                return found
        return self._search(a, b, clocks, field)

    def _walk(self, a: int, b: int) -> bool | None:
        """Walk b's ancestors above a, one by one; None if there are too many."""
        causes, topo, depth, chain_of = self.causes, self.topo, self.depth, self.chain
        a_rank, a_depth, home = topo[a], depth[a], chain_of[a]
        budget = _WALK_BUDGET
        seen = set()
        stack = [b]
        while stack:
            links = causes[stack.pop()]
            for z in (links,) if type(links) is int else links:  # type: ignore[union-attr]
                if z == a:
                    return True
                if topo[z] > a_rank and depth[z] > a_depth and z not in seen:
                    if chain_of[z] == home:
                        return True  # later than a on a's chain
                    budget -= 1
                    if budget < 0:
                        return None
                    seen.add(z)
                    stack.append(z)
        return False

    def _search(self, a: int, b: int, clocks: ChainClocks | None, field: int) -> bool:
        """Search b's ancestry chain by chain, latest first (topological rank).

        A chain is taken at its furthest position reached: every position pushed
        later has a lower rank, so it lies earlier on its chain.  With clocks, a
        chain whose lower bound reaches a answers True, one whose upper bound
        does not is dropped, and only its joins after its lower bound's snapshot
        are expanded.
        """
        chain_of, pos, topo, depth = self.chain, self.pos, self.topo, self.depth
        chains = self.chains
        home, reach_a, a_rank, a_depth = chain_of[a], pos[a], topo[a], depth[a]
        shift = FIELD_BITS * field
        pending = [(-topo[b], chain_of[b], pos[b])]
        visited: set[int] = set()
        heappush, heappop = heapq.heappush, heapq.heappop
        joins_between = self.clocks.joins_between
        off_chain_causes = self.off_chain_causes
        while pending:
            _, chain, top = heappop(pending)
            if chain == home:
                return top >= reach_a
            if chain in visited:
                continue
            visited.add(chain)
            start = -1
            if clocks is not None:
                at, low, exact = clocks.floor(chain, top)
                if (low >> shift) & FIELD_MASK > reach_a:
                    return True
                high = clocks.ceiling(chain, top)
                if high is not None and (high >> shift) & FIELD_MASK <= reach_a:
                    continue
                if exact:
                    start = at
            members = chains[chain]
            for at in joins_between(chain, start, top):
                for z in off_chain_causes(members, at):
                    if z == a:
                        return True
                    if topo[z] > a_rank and depth[z] > a_depth:
                        heappush(pending, (-topo[z], chain_of[z], pos[z]))
        if clocks is None and self.stale:
            self.slow_queries += 1
        return False

    def _clocks_worth_rebuilding(self) -> ChainClocks | None:
        """The clocks rebuilt after links made them stale, once enough queries went
        without them to pay for it (rebuilding costs about as much as recording)."""
        if self.slow_queries * 64 < len(self.causes):
            return None
        self.rebuild_clocks()
        return self.clocks

    def rebuild_clocks(self) -> None:
        """Compute every chain clock again, in topological order."""
        self.clocks = ChainClocks(self)
        self.stale = False
        self.slow_queries = 0
        self.catch_up(self.canonical_order())

    def catch_up(self, order: Sequence[int] | None = None, limit: int | None = None) -> bool:
        """Give the clocks the events recorded since they last caught up (at most
        ``limit`` of them, the earliest); return True once they have all.

        Clocks are kept up to date only when a query reads them, so that recording
        costs nothing for them: a run that asks no ancestry question pays nothing.
        The events are taken in recording order (``order`` when rebuilding), which
        is topological for events recorded since: a new event has no effects.
        """
        clocks = self.clocks
        n = len(self.causes)
        if order is None:
            if clocks.caught == n:
                return True
            if limit is not None and clocks.caught + limit < n:
                n = clocks.caught + limit  # the clocks stop there: a later call goes on
            order = range(clocks.caught, n)
        chains, chain_of, pos, causes = self.chains, self.chain, self.pos, self.causes
        while len(clocks.clock) < len(chains):
            clocks.new_chain()
        stale = self.stale
        for p in order:
            at = pos[p]
            links = causes[p]
            if not at:
                if links != () and not stale:
                    clocks.started(chain_of[p], listed(links))
                continue
            home = chain_of[p]
            predecessor = chains[home][at - 1]
            if type(links) is int:
                if links == predecessor:
                    continue  # the common case: extends its chain from the last event
                joined: tuple[int, ...] | list[int] = (links,)
            else:
                joined = [c for c in links if c != predecessor]  # type: ignore[union-attr]
                if not joined:
                    continue
            if stale:
                clocks.add_join(home, at)
            else:
                clocks.joined(home, at, joined)
        clocks.caught = n
        return n == len(self.causes)

    def closure(self, p: int, adjacency: Sequence[Links]) -> set[int]:
        """Return every event reachable from p through ``adjacency`` (p excluded)."""
        seen: set[int] = set()
        stack = [p]
        while stack:
            for y in listed(adjacency[stack.pop()]):
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        return seen

    def path(self, a: int, b: int) -> list[int] | None:
        """Return a shortest causal path a -> ... -> b, [a] when a is b, else None."""
        if a == b:
            return [a]
        if not self.reaches(a, b):
            return None
        topo, causes = self.topo, self.causes
        a_rank = topo[a]
        toward_b = {b: b}  # event -> the next event on its path to b
        frontier = [b]
        while frontier:
            following = []
            for x in frontier:
                for y in listed(causes[x]):
                    if y in toward_b or topo[y] < a_rank:
                        continue
                    toward_b[y] = x
                    if y == a:
                        result = [a]
                        while result[-1] != b:
                            result.append(toward_b[result[-1]])
                        return result
                    following.append(y)
            frontier = following
        raise AssertionError("reaches() and the path search disagree")

    def canonical_order(self) -> list[int]:
        """Topological order in which the earliest recorded ready event goes first."""
        if self.forward_only:
            return list(range(len(self.causes)))
        return self._kahn()

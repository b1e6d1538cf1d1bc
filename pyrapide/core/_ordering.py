"""Reachability in a growing DAG: topological indices, chains and local reordering.

Events are numbered by recording position; this module works on those numbers.

Why this design.  A poset is mostly built by appending an event with its causes
and mostly queried with "does a precede b?".  Three cheap indices answer that
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
  one per diamond); else it starts a chain.  Along a chain every event
  precedes the next, so the ancestors of an event are a prefix of its own
  chain plus what enters that prefix from other chains.  For each chain and
  each chain feeding it, a sorted list records, by position, the furthest
  position of the feeding chain that has entered so far (its *feed*).
  ``reaches`` therefore works chain by chain: from b's chain prefix it looks
  up, with one binary search per feeding chain, how far each feeding chain
  precedes it, and continues from there; it stops as soon as it meets a's
  chain at or after a's position, and visits each chain prefix once.

Vector clocks would answer in O(1) but cost O(number of chains) memory per
event, which a wide fan-out (one chain per branch) makes quadratic; the feeds
only hold one entry per link between chains, and appending stays O(causes)
(the bounded search adds a constant).
"""

from __future__ import annotations

import heapq
import sys
from array import array
from bisect import bisect_right, insort
from collections.abc import Sequence
from typing import Protocol

_TAIL_SEARCH_BUDGET = 24
"""How many ancestors a new event may look at for a chain to extend."""

_TAIL_SEARCH_LEVELS = 4
"""How many cause links up a new event may look for a chain to extend.

A diamond's side finds its chain two links up.  Deeper searches seldom find
one: an event answering the 1,000th of a producer's chained events would
otherwise walk 24 of them, in vain, for every answer.
"""

_IDENTITY = range(sys.maxsize)
"""Every event's topological rank while it is its recording position."""

_SMALL = 8
"""Up to this many effects of one event are kept in a tuple, beyond in a list."""


def _with_effect(known: tuple[int, ...] | list[int] | None, p: int) -> tuple[int, ...] | list[int]:
    """Return ``known`` (the effects of some event) with ``p`` added, kept ascending."""
    if known is None:
        return (p,)
    if type(known) is list:
        insort(known, p)
        return known
    grown = sorted((*known, p))
    return tuple(grown) if len(grown) <= _SMALL else grown


def _ints(length: int = 0) -> array[int]:
    """A compact array of machine integers, ``length`` zeros.

    Eight bytes an event instead of a pointer plus an int object (about 40):
    at a million events the indices stay a fifth the size, and the garbage
    collector never walks them.
    """
    return array("q", bytes(8 * length))


class Labelled(Protocol):
    """What the order reads of an event: its name."""

    @property
    def name(self) -> str: ...


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
        "depth",
        "effects",
        "events",
        "feeds",
        "forward_only",
        "pos",
        "topo",
    )

    def __init__(self, events: Sequence[Labelled]) -> None:
        # The events themselves, read only for their names: a chain is best
        # extended by a later event of the same kind (the same component's steps).
        self.events = events
        self.causes: list[tuple[int, ...]] = []
        # Ascending; None until the first effect, a tuple while few, then a list.
        self.effects: list[tuple[int, ...] | list[int] | None] = []
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
        # hundreds of thousands of them), a list once it grows.
        self.chains: list[list[int] | tuple[int, ...]] = []
        # feeds[chain][other] = (positions, furthest): for the events of `chain` at
        # `positions` (ascending, >= 1), how far along `other` their ancestors reach
        # through links between the chains (ascending).  The first event of a chain
        # is left out: its causes are read directly.
        self.feeds: list[dict[int, tuple[list[int], list[int]]] | None] = []
        # True while every link goes from an earlier to a later recording position.
        self.forward_only = True

    # -- building ---------------------------------------------------------

    def append(self, causes: tuple[int, ...]) -> int:
        """Add the next event with these (distinct, existing, ascending) causes.

        Returns its number.  Costs O(number of causes).
        """
        causes_of, effects = self.causes, self.effects
        p = len(causes_of)
        causes_of.append(causes)
        effects.append(None)
        if self.topo is not _IDENTITY:
            self.topo.append(p)  # type: ignore[union-attr]  # an array once reordered
        for c in causes:
            known = effects[c]
            # Small tuples, which the garbage collector stops tracking, until an
            # event has many effects: a million events, a million fewer
            # containers for every full collection to walk.
            if known is None:
                effects[c] = (p,)
            elif type(known) is list:
                known.append(p)
            elif len(known) < _SMALL:
                effects[c] = (*known, p)
            else:
                effects[c] = [*known, p]
        if len(causes) == 1:
            # The common case, inlined: one cause, and it ends its chain.
            c = causes[0]
            chain_of = self.chain
            home = chain_of[c]
            members = self.chains[home]
            if members[-1] == c:
                self.depth.append(self.depth[c] + 1)
                chain_of.append(home)
                self.pos.append(len(members))
                if type(members) is list:
                    members.append(p)
                else:
                    self.chains[home] = [*members, p]
                return p
        self.depth.append(0)
        self.chain.append(0)
        self.pos.append(0)
        self._place(p)
        return p

    def _place(self, p: int) -> None:
        """Set depth, chain and chain position of ``p``, whose causes are placed."""
        causes = self.causes[p]
        depth = self.depth
        chain_of = self.chain
        chains = self.chains
        deepest = 0
        home = -1
        for c in causes:
            if depth[c] >= deepest:
                deepest = depth[c] + 1
            if home < 0 and chains[chain_of[c]][-1] == c:
                home = chain_of[c]
        depth[p] = deepest
        direct = home >= 0
        if not direct and causes:
            home = self._nearest_tail_chain(p, causes)
        if home < 0:
            chain_of[p] = len(chains)
            chains.append((p,))
            self.feeds.append(None)
            self.pos[p] = 0
            return
        members = chains[home]
        position = len(members)
        if type(members) is list:
            members.append(p)
        else:
            chains[home] = [*members, p]
        chain_of[p] = home
        self.pos[p] = position
        predecessor = members[position - 1] if direct else -1
        for c in causes:
            if c != predecessor:
                self._feed(home, position, c)

    def _nearest_tail_chain(self, p: int, causes: tuple[int, ...]) -> int:
        """A chain whose last event is a close ancestor of p (bounded search), else -1.

        Among the candidates found, one whose last event has p's name wins; else
        the nearest.  Without that preference a side branch steals the chain of
        a neighbouring component and the decomposition fragments.
        """
        chains, chain_of, all_causes, events = self.chains, self.chain, self.causes, self.events
        name = events[p].name
        frontier = list(causes)
        seen = set(frontier)
        budget = _TAIL_SEARCH_BUDGET
        levels = _TAIL_SEARCH_LEVELS
        nearest = -1
        while frontier and budget > 0 and levels > 0:
            levels -= 1
            following = []
            for x in frontier:
                for y in all_causes[x]:
                    if y in seen:
                        continue
                    seen.add(y)
                    if chains[chain_of[y]][-1] == y:
                        if events[y].name == name:
                            return chain_of[y]
                        if nearest < 0:
                            nearest = chain_of[y]
                    following.append(y)
                    budget -= 1
            frontier = following
        return nearest

    def _feed(self, chain: int, position: int, cause: int) -> None:
        """Record that the event at ``position`` on ``chain`` has ``cause`` from elsewhere."""
        if position == 0:
            return  # the first event's causes are read directly
        other = self.chain[cause]
        reach = self.pos[cause]
        if other == chain:
            return  # an earlier event of the same chain: already implied
        table = self.feeds[chain]
        if table is None:
            table = self.feeds[chain] = {}
        entry = table.get(other)
        if entry is None:
            table[other] = ([position], [reach])
            return
        positions, furthest = entry
        at = bisect_right(positions, position)
        if at and furthest[at - 1] >= reach:
            return  # an earlier event of this chain already reaches as far
        # Later entries that reach no further are now implied by this one.
        end = at
        while end < len(positions) and furthest[end] <= reach:
            end += 1
        if at and positions[at - 1] == position:
            at -= 1
        positions[at:end] = [position]
        furthest[at:end] = [reach]

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
            append = order.append
            for event_causes in causes:
                append(event_causes)
            return order
        effects: list[tuple[int, ...] | list[int] | None] = [None] * n
        for p, event_causes in enumerate(causes):
            for c in event_causes:
                effects[c] = _with_effect(effects[c], p)
        order.causes = list(causes)
        order.effects = effects
        order.forward_only = False
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
        pending = [len(c) for c in self.causes]
        ready = [p for p, count in enumerate(pending) if count == 0]
        heapq.heapify(ready)
        effects = self.effects
        result = []
        while ready:
            p = heapq.heappop(ready)
            result.append(p)
            for q in effects[p] or ():
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
            p = next(c for c in self.causes[p] if c in stuck)
        cycle = walk[seen[p] :]
        cycle.reverse()  # the walk went effect -> cause
        first = cycle.index(min(cycle))  # start at the earliest recorded event
        cycle = cycle[first:] + cycle[:first]
        return [*cycle, cycle[0]]

    def link(self, c: int, e: int) -> bool:
        """Add the link c -> e between existing events; False (nothing changed) on a cycle."""
        if c in self.causes[e]:
            return True
        if self.topo[c] > self.topo[e] and not self._reorder(c, e):
            return False
        self.causes[e] = tuple(sorted((*self.causes[e], c)))
        self.effects[c] = _with_effect(self.effects[c], e)
        self._feed(self.chain[e], self.pos[e], c)
        if c > e:
            self.forward_only = False
        self._raise_depth(e, self.depth[c] + 1)
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
            for y in effects[stack.pop()] or ():
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
            for y in causes[stack.pop()]:
                if topo[y] > lower and y not in seen:
                    seen.add(y)
                    backward.append(y)
                    stack.append(y)
        backward.sort(key=topo.__getitem__)
        forward.sort(key=topo.__getitem__)
        moved = backward + forward
        if not isinstance(topo, array):  # the first reordering: ranks are stored from now on
            topo = self.topo = array("q", range(len(self.causes)))
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
            for y in effects[x] or ():
                if depth[y] < below:
                    depth[y] = below
                    stack.append(y)

    # -- queries ----------------------------------------------------------

    def reaches(self, a: int, b: int) -> bool:
        """Return True if a strictly precedes b."""
        chain_of, pos = self.chain, self.pos
        home = chain_of[a]
        if chain_of[b] == home:
            return pos[b] > pos[a]
        topo, depth = self.topo, self.depth
        a_rank, a_depth = topo[a], depth[a]
        if topo[b] <= a_rank or depth[b] <= a_depth:
            return False
        a_pos = pos[a]
        chains, feeds, causes = self.chains, self.feeds, self.causes
        done: dict[int, int] = {}  # chain -> end of the prefix already searched
        stack = [(chain_of[b], pos[b])]
        while stack:
            chain, top = stack.pop()
            if chain == home:
                if top >= a_pos:
                    return True
                continue
            below = done.get(chain, -1)
            if top <= below:
                continue
            done[chain] = top
            if below < 0:
                for z in causes[chains[chain][0]]:
                    if z == a:
                        return True
                    if topo[z] > a_rank and depth[z] > a_depth:
                        stack.append((chain_of[z], pos[z]))
            table = feeds[chain]
            if table is None:
                continue
            for other, (positions, furthest) in table.items():
                at = bisect_right(positions, top) - 1
                if at < 0:
                    continue
                reach = furthest[at]
                if other == home:
                    if reach >= a_pos:
                        return True
                    continue
                if reach <= done.get(other, -1):
                    continue
                z = chains[other][reach]
                if topo[z] > a_rank and depth[z] > a_depth:
                    stack.append((other, reach))
        return False

    def closure(self, p: int, adjacency: Sequence[Sequence[int] | None]) -> set[int]:
        """Return every event reachable from p through ``adjacency`` (p excluded)."""
        seen: set[int] = set()
        stack = [p]
        while stack:
            for y in adjacency[stack.pop()] or ():
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
                for y in causes[x]:
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

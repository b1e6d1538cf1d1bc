"""``|``: pairing a new match with the stored matches causally independent of it.

Along a chain of the poset's chain decomposition (see ``pyrapide.core._ordering``)
every event precedes the next, so the events of one chain that precede an event y
come first, those y precedes come last, and only the stretch between can be
independent of y.  Stored matches are therefore indexed by the chain and chain
position of their first event (within the bucket of their shared placeholder
values); a probe finds, chain by chain, the stretch that can still be independent
of all its events by binary search, and tests only the matches there.  A probe
costs a few ancestry queries per chain holding stored matches, plus the matches
in those stretches: on one chain of events, where nothing is independent, it costs
a couple of queries, however many matches are stored.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

from pyrapide.patterns.join import Context, Store, pair
from pyrapide.patterns.match import PatternMatch

__all__ = ["IndependenceProbe"]


class _Lane:
    """The stored matches whose first event lies on one chain, by its position there."""

    __slots__ = ("matches", "positions")

    def __init__(self) -> None:
        self.positions: list[int] = []
        self.matches: list[PatternMatch] = []


class IndependenceProbe:
    """``|``: pairs a new match with stored matches causally independent of it."""

    __slots__ = ("context", "lanes", "store", "stored_on_left")

    def __init__(self, context: Context, store: Store, stored_on_left: bool) -> None:
        self.context, self.store, self.stored_on_left = context, store, stored_on_left
        # bucket key (see Store.key_of) -> chain -> the lane of that chain
        self.lanes: dict[Any, dict[int, _Lane]] = {}

    def add(self, match: PatternMatch) -> None:
        """Store a match."""
        self.store.add(match)
        place = self.context.chain_position
        if place is None:
            return
        home, position = place(match.events[0])
        key = self.store.key_of(match)
        lanes = self.lanes.setdefault(key, {})
        lane = lanes.get(home)
        if lane is None:
            lane = lanes[home] = _Lane()
        positions = lane.positions
        if not positions or positions[-1] <= position:
            at = len(positions)
        else:
            at = bisect_right(positions, position)
        positions.insert(at, position)
        lane.matches.insert(at, match)
        journal = self.context.journal
        if journal is not None:
            journal.append((self._unindex, key, home, at))

    def _unindex(self, key: Any, home: int, at: int) -> None:
        # Undone in reverse order, so the match is still where it was inserted.
        lanes = self.lanes[key]
        lane = lanes[home]
        del lane.positions[at], lane.matches[at]
        if not lane.positions:
            del lanes[home]
            if not lanes:
                del self.lanes[key]

    def partners(self, probe: PatternMatch) -> list[PatternMatch]:
        """The new pairs of ``probe`` with each stored match independent of it."""
        is_ancestor = self.context.is_ancestor
        found = []
        for other in self._candidates(probe):
            if all(
                x is not y and x != y and not is_ancestor(x, y) and not is_ancestor(y, x)
                for x in probe.events
                for y in other.events
            ):
                made = pair(self.context, other, probe, self.stored_on_left)
                if made is not None:
                    found.append(made)
        return found

    def _candidates(self, probe: PatternMatch) -> Iterator[PatternMatch]:
        """The stored matches whose bindings may agree with ``probe``'s and whose first
        event can be independent of every event of ``probe``, in the order stored per
        chain (chains in the order first stored)."""
        if self.context.chain_position is None:
            yield from chain.from_iterable(self.store.candidates(probe))
            return
        key = self.store.key_of(probe)
        if key is None:
            groups = list(self.lanes.values())
        else:
            groups = [lanes for k in (key, None) if (lanes := self.lanes.get(k))]
        events = probe.events
        is_ancestor = self.context.is_ancestor
        for lanes in groups:
            for lane in lanes.values():
                matches = lane.matches
                start = _first_not(matches, lambda x: any(is_ancestor(x, y) for y in events))
                end = _first_not(
                    matches, lambda x: not any(is_ancestor(y, x) for y in events), start
                )
                yield from matches[start:end]


def _first_not(matches: list[PatternMatch], holds: Callable[[Any], bool], start: int = 0) -> int:
    """The first index from ``start`` whose match's first event fails ``holds`` (a
    property that holds for a prefix of the lane), ``len(matches)`` if none does."""
    end = len(matches)
    if start >= end or not holds(matches[start].events[0]):
        return start
    if holds(matches[end - 1].events[0]):
        return end
    # holds at start, fails at end - 1: bisect between, over the events.
    keys = _Prefix(matches, holds)
    return bisect_left(keys, True, start + 1, end - 1)


class _Prefix:
    """``keys[i]`` is True where ``holds`` fails, for ``bisect_left`` over a lane."""

    __slots__ = ("holds", "matches")

    def __init__(self, matches: list[PatternMatch], holds: Callable[[Any], bool]) -> None:
        self.matches, self.holds = matches, holds

    def __getitem__(self, index: int) -> bool:
        return not self.holds(self.matches[index].events[0])

    def __len__(self) -> int:
        return len(self.matches)

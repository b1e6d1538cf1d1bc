"""Chain clocks: for each chain, how far along every other chain its ancestors reach.

A chain's *clock* after its event at position q lists, for each chain D that
events of other chains were caused from, the furthest position on D among the
ancestors of that event (stored as position + 1; 0 means none).  It is the
vector clock of the event, restricted to chains that feed others.

Why this shape.  A vector clock per event would answer "does a precede b?"
with one read, but costs one number per chain per event: quadratic on a wide
poset.  Here only each chain's *running* clock is kept, plus a snapshot every
``SNAPSHOT_SPACING`` positions at most, taken when the clock changed: a
chain's clock changes only where one of its events has a cause on another
chain (a *join*), and a snapshot is shared by the up to ``SNAPSHOT_SPACING``
events after it.  For an event b at position r on chain C, the snapshot at or
before r is a lower bound of b's clock (its event precedes b) and the one
after r, or the running clock, an upper bound (b precedes its event); only
the joins between the two are uncertain, and a search walks just those.

Clocks are Python ints holding one 32-bit field per chain (``FIELD_BITS``), so
that the element-wise maximum of two clocks is nine operations on whole
integers, done in C.  A chain receives a field the first time one of its
events causes an event of another chain; at most ``MAX_FIELDS`` chains do
(wider clocks would make every join cost too much).  A clock is *exact* when
it lists exactly the ancestors' reach; it becomes a mere lower bound when a
cause's own clock could not be had exactly (a field refused, or a cause whose
chain has moved on through too many joins to reconstruct); a lower bound still
proves that a precedes b, never that it does not.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from typing import Protocol

FIELD_BITS = 32
FIELD_MASK = (1 << FIELD_BITS) - 1
MAX_FIELDS = 2048
"""At most this many chains have a field: a clock is then at most 8 KB."""

SNAPSHOT_SPACING = 64
"""A chain with wide clocks stores its clock at most once in this many positions."""

BITS_PER_POSITION = 512
"""A clock of b bits is stored at most once in 1 + b // BITS_PER_POSITION positions:
narrow clocks (a few dozen chains) at every join, so a cause recorded before its chain
moved on finds its own clock at once, wide ones every SNAPSHOT_SPACING positions."""

_REBUILD_BUDGET = 48
"""How many cause clocks may be merged to reconstruct one past clock exactly."""

_CACHE_LIMIT = 4096
"""How many cause clocks (a cause's clock with the cause itself) are remembered."""

NEVER = sys.maxsize

_GUARD_UNIT = (1 << (FIELD_BITS - 1)).to_bytes(FIELD_BITS // 8, "little")


def _guards(fields: int) -> int:
    """The guard bits (the top bit of each field) for this many fields."""
    return int.from_bytes(_GUARD_UNIT * fields, "little")


class ChainLog:
    """What one chain keeps beyond its running clock: joins and snapshots."""

    __slots__ = ("joins", "snapshot_clocks", "snapshots")

    def __init__(self) -> None:
        self.joins = array("i")  # positions >= 1 whose event has a cause on another chain
        self.snapshots = array("i")  # positions whose clock is stored
        self.snapshot_clocks: list[int] = []


class ChainClocks:
    """The clocks of every chain of a ``CausalOrder`` (see the module docstring).

    The order tells the clocks each event it places on a chain, with the causes
    that are not the event's chain predecessor (``joined``).  Events that only
    extend a chain from its last event change nothing here.
    """

    __slots__ = (
        "_cache",
        "_guards",
        "_rebuilt",
        "all_fielded",
        "caught",
        "changed",
        "clock",
        "fields",
        "inexact_from",
        "logs",
        "order",
    )

    def __init__(self, order: ChainOrder) -> None:
        self.order = order
        self.clock: list[int] = []  # the running clock of each chain
        self.changed = array("q")  # position of each chain's last clock change (-1: none)
        self.inexact_from = array("q")  # first position whose clock is a lower bound only
        self.logs: list[ChainLog | None] = []
        self.fields: dict[int, int] = {}  # chain -> its field
        # True while every chain that caused an event of another chain has a field.
        self.all_fielded = True
        self.caught = 0  # how many events (in recording order) the clocks have taken in
        self._cache: dict[int, tuple[int, bool]] = {}
        # chain -> (position, clock, exact) of the clock last rebuilt on it (clock_at)
        self._rebuilt: dict[int, tuple[int, int, bool]] = {}
        # Guard bits for 2**k fields, by k: a merge uses at most twice the width it needs.
        self._guards: list[int] = []

    # -- building ---------------------------------------------------------

    def new_chain(self, causes: tuple[int, ...] | list[int] = ()) -> None:
        """A chain was started by an event with these causes."""
        self.clock.append(0)
        self.changed.append(-1)
        self.inexact_from.append(NEVER)
        self.logs.append(None)
        if causes:
            self.started(len(self.clock) - 1, causes)

    def started(self, home: int, causes: tuple[int, ...] | list[int]) -> None:
        """Chain ``home`` starts with an event with these causes."""
        clock, exact = 0, True
        for cause in causes:
            other, cause_exact = self.cause_clock(cause)
            clock = self.merge(clock, other) if clock else other
            exact = exact and cause_exact
        self.clock[home] = clock
        self.changed[home] = 0
        if not exact:
            self.inexact_from[home] = 0

    def joined(self, home: int, position: int, causes: tuple[int, ...] | list[int]) -> None:
        """The event at ``position`` (>= 1) on chain ``home`` has these causes off it."""
        clock, exact = self.clock[home], self.inexact_from[home] == NEVER
        for cause in causes:
            other, cause_exact = self.cause_clock(cause)
            clock = self.merge(clock, other)
            exact = exact and cause_exact
        self._record(home, position, clock, exact)

    def _record(self, home: int, position: int, clock: int, exact: bool) -> None:
        self.clock[home] = clock
        self.changed[home] = position
        if not exact and self.inexact_from[home] == NEVER:
            self.inexact_from[home] = position
        if not position:
            return
        log = self.add_join(home, position)
        snapshots = log.snapshots
        last = snapshots[-1] if snapshots else -SNAPSHOT_SPACING
        spacing = min(SNAPSHOT_SPACING, 1 + clock.bit_length() // BITS_PER_POSITION)
        if last == position:
            log.snapshot_clocks[-1] = clock
        elif position - last >= spacing:
            snapshots.append(position)
            log.snapshot_clocks.append(clock)

    def add_join(self, home: int, position: int) -> ChainLog:
        """Note that the event at ``position`` (>= 1) on ``home`` has a cause off it."""
        log = self.logs[home]
        if log is None:
            log = self.logs[home] = ChainLog()
        joins = log.joins
        if not joins or joins[-1] < position:
            joins.append(position)
        elif joins[bisect_right(joins, position) - 1] != position:
            joins.insert(bisect_right(joins, position), position)
        return log

    def relinked(self, home: int, position: int, cause: int) -> None:
        """The last event of chain ``home``, with no effects, gained ``cause``."""
        other, exact = self.cause_clock(cause)
        clock = self.merge(self.clock[home], other)
        self._record(home, position, clock, exact and self.inexact_from[home] == NEVER)

    def merge(self, first: int, second: int) -> int:
        """The element-wise maximum of two clocks."""
        if not first or first == second:
            return second
        if not second:
            return first
        fields = max(first.bit_length(), second.bit_length()) // FIELD_BITS + 1
        size = (fields - 1).bit_length()
        known = self._guards
        while len(known) <= size:
            known.append(_guards(1 << len(known)))
        guards = known[size]
        # Per field: the guard bit of (first | guard) - second is set where first >= second.
        wins = (((first | guards) - second) & guards) >> (FIELD_BITS - 1)
        return second ^ ((first ^ second) & ((wins << FIELD_BITS) - wins))

    def field(self, chain: int) -> int:
        """The field of ``chain``, assigned now if it has none (-1: refused)."""
        field = self.fields.get(chain)
        if field is None:
            if len(self.fields) >= MAX_FIELDS:
                self.all_fielded = False
                return -1
            field = self.fields[chain] = len(self.fields)
        return field

    def cause_clock(self, cause: int, budget: list[int] | None = None) -> tuple[int, bool]:
        """The clock of ``cause`` with ``cause`` itself in it, and whether it is exact.

        ``budget`` (one number in a list, shared down the calls) bounds the merges
        spent rebuilding past clocks; past it, a lower bound is returned.
        """
        cached = self._cache.get(cause)
        if cached is not None:
            return cached
        order = self.order
        chain, position = order.chain[cause], order.pos[cause]
        if self.changed[chain] <= position:
            clock, exact = self.clock[chain], self.inexact_from[chain] == NEVER
        else:
            clock, exact = self.clock_at(
                chain, position, [_REBUILD_BUDGET] if budget is None else budget
            )
        field = self.field(chain)
        if field < 0:
            exact = False
        else:
            shift = FIELD_BITS * field
            known = (clock >> shift) & FIELD_MASK
            if known <= position:
                clock += (position + 1 - known) << shift
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[cause] = (clock, exact)
        return clock, exact

    def clock_at(self, chain: int, position: int, budget: list[int]) -> tuple[int, bool]:
        """The clock of the event at ``position`` on ``chain``, rebuilt from the snapshot
        before it (or the clock last rebuilt on the chain, if nearer) and the joins
        since; a lower bound when ``budget`` merges do not do."""
        start, clock, exact = self.floor(chain, position)
        if not exact:
            start, clock, exact = -1, 0, True
        rebuilt = self._rebuilt.get(chain)
        if rebuilt is not None and start <= rebuilt[0] <= position:
            # Causes are mostly answered in order: go on from the last one.
            start, clock, exact = rebuilt
        order = self.order
        members = order.chains[chain]
        for at in self.joins_between(chain, start, position):
            for cause in order.off_chain_causes(members, at):
                if budget[0] <= 0:
                    return clock, False
                budget[0] -= 1
                other, cause_exact = self.cause_clock(cause, budget)
                clock = self.merge(clock, other)
                exact = exact and cause_exact
        self._rebuilt[chain] = (position, clock, exact)
        return clock, exact

    # -- reading ----------------------------------------------------------

    def judge(self, chain: int, position: int, field: int, beyond: int) -> bool | None:
        """Whether the clock of the event at ``position`` on ``chain`` reaches past
        ``beyond`` in ``field``: True or False when the clocks tell, else None."""
        shift = FIELD_BITS * field
        exact = self.inexact_from[chain] == NEVER
        if self.changed[chain] <= position:
            # No join since: the running clock is the event's own.
            if (self.clock[chain] >> shift) & FIELD_MASK > beyond:
                return True
            return False if exact else None
        log = self.logs[chain]
        snapshots = log.snapshots  # type: ignore[union-attr]  # a join after position 0
        at = bisect_right(snapshots, position)
        clocks = log.snapshot_clocks  # type: ignore[union-attr]
        if at and (clocks[at - 1] >> shift) & FIELD_MASK > beyond:
            return True
        if at < len(snapshots):
            exact = snapshots[at] < self.inexact_from[chain]
            high = clocks[at]
        else:
            high = self.clock[chain]
        if exact and (high >> shift) & FIELD_MASK <= beyond:
            return False
        return None

    def floor(self, chain: int, position: int) -> tuple[int, int, bool]:
        """The latest snapshot at or before ``position``: (its position, clock, exact).

        (-1, 0, True) when there is none: nothing is known below ``position``.
        """
        log = self.logs[chain]
        if log is not None:
            snapshots = log.snapshots
            at = bisect_right(snapshots, position) - 1
            if at >= 0:
                where = snapshots[at]
                return where, log.snapshot_clocks[at], where < self.inexact_from[chain]
        return -1, 0, True

    def ceiling(self, chain: int, position: int) -> int | None:
        """An exact clock of an event at or after ``position`` on ``chain``, or None."""
        if self.changed[chain] <= position:
            return self.clock[chain] if self.inexact_from[chain] == NEVER else None
        log = self.logs[chain]
        if log is not None:
            snapshots = log.snapshots
            at = bisect_right(snapshots, position)
            if at < len(snapshots):
                if snapshots[at] < self.inexact_from[chain]:
                    return log.snapshot_clocks[at]
                return None
        return self.clock[chain] if self.inexact_from[chain] == NEVER else None

    def joins_between(self, chain: int, after: int, upto: int) -> list[int]:
        """The positions of ``chain`` in (after, upto] whose events have causes off it."""
        found = [0] if after < 0 else []
        log = self.logs[chain]
        if log is not None:
            joins = log.joins
            found.extend(joins[bisect_right(joins, after) : bisect_right(joins, upto)])
        return found


class ChainOrder(Protocol):
    """What the clocks read of the order (``CausalOrder`` provides it)."""

    chain: array[int]
    pos: array[int]
    chains: list[array[int] | tuple[int, ...]]

    def off_chain_causes(self, members: array[int] | tuple[int, ...], at: int) -> tuple[int, ...]:
        """The causes of ``members[at]`` other than ``members[at - 1]``."""
        ...

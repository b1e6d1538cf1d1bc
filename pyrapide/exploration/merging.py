"""Shard results merged into one answer, in the canonical order, whoever ran them.

Shards partition the search, and sorting them by :attr:`Shard.order` puts their
schedules in the order one search would have run them. :class:`ShardBook` keeps every
shard (waiting, running or done, a done one's rest as shards of their own) and finds,
in that order, where the answer stops: at the first failure (unless every failure is
kept), or at ``max_schedules``. What lies before that point is the answer; work done
past it (by a worker that could not know) is dropped. So the answer is the same for
one process, many workers or a cluster.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from pyrapide.exploration.search import Counts, FailureFound, Shard, ShardResult


@dataclass
class Totals(Counts):
    """Everything counted over a run of shard results, in the canonical order.

    ``failures`` holds (schedule number from 0, found) for each distinct failing poset,
    the first of each (see :class:`Counts` for the rest).
    """

    failures: list[tuple[int, FailureFound]] = field(default_factory=list)

    def add(self, result: ShardResult) -> None:
        """Count ``result``, which comes after everything counted so far."""
        offset = self.schedules
        self.add_counts(result, offset)
        failing = {found.digest for _, found in self.failures}
        for found in result.failures:
            if found.digest not in failing:
                failing.add(found.digest)
                self.failures.append((offset + found.index, found))


@dataclass
class Settled:
    """Where an exploration's answer stops: the ``results`` it is made of, in order, and
    why it ends there (``ended``: "exhausted", every schedule or seed was run;
    "failure", the first failure; "bound", ``max_schedules``). ``again`` is the shard to
    run again with the budget left, when the bound falls inside it."""

    results: list[ShardResult]
    ended: str
    again: Shard | None = None


@dataclass
class _Entry:
    shard: Shard
    result: ShardResult | None = None


class ShardBook:
    """The shards of one exploration and where its answer stops (module docstring)."""

    def __init__(self, first: Shard, *, all_failures: bool, max_schedules: int | None) -> None:
        self.all_failures = all_failures
        self.max_schedules = max_schedules
        self._entries: dict[tuple[int, ...], _Entry] = {first.order: _Entry(first)}
        self._waiting: set[tuple[int, ...]] = {first.order}
        # A shard was dropped, or forgotten once the answer was known: it lay past the
        # answer's end, so the search did not run out there.
        self._past_bound = False

    def next_waiting(self) -> Shard | None:
        """The waiting shard that comes first, taken off the waiting list (None: none),
        skipping any that falls past the answer's end already known."""
        end = self.end_order()
        while self._waiting:
            order = min(self._waiting)
            self._waiting.discard(order)
            left = self.schedules_left(order)
            if (end is None or order < end) and (left is None or left > 0):
                return self._entries[order].shard
            self._past_bound = self._past_bound or left == 0
            del self._entries[order]
        return None

    def schedules_left(self, order: tuple[int, ...]) -> int | None:
        """At most how many schedules of the shard at ``order`` can count under
        ``max_schedules`` (None: no bound), given the shards before it done so far:
        its budget, so that it stops where the bound falls when they are all done."""
        if self.max_schedules is None:
            return None
        before = sum(entry.result.schedules for key, entry in self._entries.items()
                     if key < order and entry.result is not None)
        return max(0, self.max_schedules - before)

    def done(self, result: ShardResult) -> None:
        """Record a shard's result; the rest it handed back waits to be run."""
        self._entries[result.shard.order].result = result
        for shard in result.remaining:
            self._entries[shard.order] = _Entry(shard)
            self._waiting.add(shard.order)

    def end_order(self) -> tuple[int, ...] | None:
        """The order of the shard holding the first failure found, when the search stops
        at the first failure and one was found (shards after it do not count)."""
        if self.all_failures:
            return None
        failing = [order for order, entry in self._entries.items()
                   if entry.result is not None and entry.result.failures]
        return min(failing) if failing else None

    def settled(self) -> Settled | None:
        """The answer, once it is known: the done results up to the point where it
        stops (see :class:`Settled`). None while a shard before that point is not done."""
        counted = 0
        results: list[ShardResult] = []
        orders = sorted(self._entries)
        limit = self.max_schedules
        for position, order in enumerate(orders):
            result = self._entries[order].result
            if result is None:
                return None
            if limit is not None and counted + result.schedules > limit:
                return Settled(results, "bound", result.shard)
            results.append(result)
            counted += result.schedules
            if result.failures and not self.all_failures:
                return Settled(results, "failure")
            if limit is not None and counted >= limit:
                # One search stops at its bound's last schedule, and says "bound" when
                # anything came after it, even runs the sleep sets abandoned (which
                # are past the answer, not in it).
                more = (position + 1 < len(orders) or result.stopped == "budget"
                        or result.pruned_since > 0 or self._past_bound)
                results[-1] = dataclasses.replace(
                    result, pruned=result.pruned - result.pruned_since, pruned_since=0
                )
                return Settled(results, "bound" if more else "exhausted")
        return Settled(results, "exhausted")

    def done_results(self) -> list[ShardResult]:
        """Every done result, in order (what an interrupted exploration reports)."""
        return [entry.result for _, entry in sorted(self._entries.items())
                if entry.result is not None]

    def cancel_after(self, order: tuple[int, ...]) -> None:
        """Forget the waiting shards that come after ``order``."""
        for waiting in [o for o in self._waiting if o > order]:
            self._waiting.discard(waiting)
            del self._entries[waiting]

    def forget(self, shard: Shard) -> None:
        """Forget a shard that was cancelled before it ran (it lies past the answer's
        end, or the exploration is stopping): the answer still says it was there."""
        if self._entries.pop(shard.order, None) is not None:
            self._past_bound = True
        self._waiting.discard(shard.order)


def total(results: list[ShardResult]) -> Totals:
    """The totals of ``results``, in order."""
    totals = Totals()
    for result in results:
        totals.add(result)
    return totals

"""Choosing one dispatch by its id (``step #N``) with a storm of dispatches queued.

Usage:  python benchmarks/bench_step_by_id.py [--queued N ...] [--lookups L]

A paused system has N agent deliveries queued (the architecture of
``bench_queue_summary.py``: N pings injected, each delivered to one sink through
an ``agent`` connection). Three figures per size, CPU microseconds per lookup
(median of five rounds of L lookups):

* **find**: ``System.blocked(#N)`` for one of the deliveries queued last (the worst
  place for a search; another each time), the look-up ``System.step(#N)`` makes
  before it runs the dispatch;
* **missing**: the same for an id no dispatch has (the error names the 20 lowest
  ids queued), what a mistyped ``step #N`` costs;
* **step #N**: the workbench's ``step #N`` command (a session on that architecture),
  run for a delivery among the last queued, its own run and report included.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_queue_summary import queued_system, timed

from pyrapide.runtime import System
from rapide_shell.session import Session

ARCHITECTURE = Path(__file__).with_name("bench_queue_summary.py")


def missing(system: System) -> None:
    try:
        system.blocked(-1)
    except ValueError:
        return
    raise AssertionError("no dispatch has the id -1")


async def per_lookup(queued: int, lookups: int) -> tuple[float, float]:
    """CPU µs per look-up of the last queued delivery, and of an id none has."""
    system = await queued_system(queued)
    # The last queued, a different one each time (the one found last is looked at first).
    last = itertools.cycle(sorted(d.id for d in system.scheduler.queues.agents)[-lookups - 1:])
    found = timed(lookups, lambda: system.blocked(next(last)))
    absent = timed(lookups, lambda: missing(system))
    await system.stop()
    return found, absent


async def per_step_command(queued: int, steps: int) -> float:
    """CPU µs per ``step #N`` typed in a session, N among the last queued."""
    async with Session.open(ARCHITECTURE, seed=1) as session:
        for n in range(queued):
            session.system.inject("Source.ping", {"n": n})
        ids = sorted(dispatch.id for dispatch in session.system.scheduler.queues.agents)
        chosen = iter(reversed(ids))
        rounds = []
        for _ in range(5):
            start = time.process_time()
            for _ in range(steps):
                outcome = await session.execute(f"step #{next(chosen)}")
                assert outcome.ok, outcome.error
            rounds.append((time.process_time() - start) * 1e6 / steps)
        return statistics.median(rounds)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queued", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--lookups", type=int, default=20)
    args = parser.parse_args()
    print("one dispatch by id, agent deliveries queued, CPU per look-up (median of 5 rounds)")
    print(f"  {'queued':>9} {'find':>11} {'missing':>11} {'step #N':>11}")
    for queued in args.queued:
        found, absent = await per_lookup(queued, args.lookups)
        step = await per_step_command(queued, args.lookups)
        print(f"  {queued:>9,} {found:>8.1f} µs {absent:>8.1f} µs {step:>8.1f} µs")


if __name__ == "__main__":
    asyncio.run(main())

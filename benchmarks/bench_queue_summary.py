"""The queue at a glance (``System.pending_summary``), read every frame of a run.

Usage:  python benchmarks/bench_queue_summary.py [--queued N ...] [--frames F]
                                                [--pipes N ...]

A paused system has N agent deliveries queued (N pings injected, each delivered
to one sink through an ``agent`` connection). The workbench's queue panel reads
``pending_summary(25)`` for each frame it draws, while the run takes dispatches
between frames. Two figures per size, CPU microseconds per read (median of five
rounds of F reads):

* **still**: the queue unchanged between reads (the run paused);
* **stepping**: one step, the seed's choice among the agent deliveries, before
  each read (the worst a run does: a frame after every step). A step takes one
  of the 25 listed with odds 25 in N, and only then is the queue gone through.
* **picking**: one step that takes the lowest delivery listed (as Enter on the
  queue panel's first line, or ``step #ID`` of it, does) before each read: every
  read then goes through the whole agent queue, the summary's worst shape.

``search`` is what going through the whole agent queue costs each time (the
lowest 25 ids by ``heapq.nsmallest``): what every read cost before the summary
kept its list.

``--pipes N ...`` measures pipe deliveries instead, in their worst shape: N pipe
connections from the source to the sink, one ping injected, so that each of the N
pipes has one delivery waiting (still reads, as above).
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyrapide import Pattern, action, agent, architecture, interface, module, pipe, when
from pyrapide.runtime import System

SHOWN = 25  # what the workbench's queue panel lists of each kind


@interface
class Source:
    @action
    async def ping(self, n: int) -> None:
        """Ping ``n``."""


@interface
class Sink:
    @action
    async def pong(self, n: int) -> None:
        """Never emitted: the sink only takes pings."""


@module(implements=Source)
class Silent:
    """Emits nothing: the benchmark injects its pings."""


@module(implements=Sink)
class Taker:
    @when(Pattern.match("Source.ping"))
    async def on_ping(self, match: object) -> None:
        """Takes the ping and does nothing more."""


@architecture
class Spread:
    source = Source
    sink = Sink
    connections = [agent(Pattern.match("Source.ping"), target="sink")]


async def queued_system(queued: int) -> System:
    """A started, paused system with ``queued`` agent deliveries waiting (pings 0 up)."""
    system = System(Spread, {"source": Silent, "sink": Taker}, seed=1, max_events=None)
    await system.start()
    system.pause()
    for n in range(queued):
        system.inject("Source.ping", {"n": n})
    return system


async def piped_system(pipes: int) -> System:
    """A started, paused system with ``pipes`` pipe connections from the source to the
    sink and one ping injected: a delivery waiting on each pipe."""
    members = {
        "source": Source,
        "sink": Sink,
        "connections": [pipe(Pattern.match("Source.ping"), target="sink") for _ in range(pipes)],
    }
    wide = architecture(type("Piped", (), members))
    system = System(wide, {"source": Silent, "sink": Taker}, seed=1, max_events=None)
    await system.start()
    system.pause()
    system.inject("Source.ping", {"n": 0})
    return system


def timed(calls: int, call: Callable[[], object]) -> float:
    """CPU µs per call of ``call``, the median of five rounds of ``calls``."""
    rounds = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(calls):
            call()
        rounds.append((time.process_time() - start) * 1e6 / calls)
    return statistics.median(rounds)


async def after_steps(system: System, frames: int, picking: bool) -> float:
    """CPU µs per summary read, each after one step (the scheduler's choice, or with
    ``picking`` the lowest delivery listed), the step's own time taken out: the median
    of five rounds of ``frames`` reads."""
    rounds = []
    for _ in range(5):
        elapsed = 0.0
        for _ in range(frames):
            if picking:
                listed = system.pending_summary(SHOWN).first
                await system.step(min(d.id for kind in listed.values() for d in kind))
            else:
                await system.step()
            stepped = time.process_time()
            system.pending_summary(SHOWN)
            elapsed += time.process_time() - stepped
        rounds.append(elapsed * 1e6 / frames)
    return statistics.median(rounds)


async def per_read(queued: int, frames: int) -> tuple[float, float, float, float]:
    """CPU µs per summary read: still, stepping, picking, and searching the whole queue."""
    system = await queued_system(queued)
    agents = system.scheduler.queues.agents
    still = timed(frames, lambda: system.pending_summary(SHOWN))
    search = timed(frames, lambda: heapq.nsmallest(SHOWN, agents, key=attrgetter("id")))
    stepping = await after_steps(system, frames, picking=False)
    await system.stop()
    system = await queued_system(queued)  # as many queued again, for as many steps
    picking = await after_steps(system, frames, picking=True)
    await system.stop()
    return still, stepping, picking, search


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queued", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--pipes", type=int, nargs="+", default=[], metavar="N",
                        help="N pipes with a delivery waiting each, instead")
    args = parser.parse_args()
    if args.pipes:
        print(f"pending_summary({SHOWN}) with one delivery waiting on each of N pipes, CPU "
              "per read (median of 5 rounds)")
        for pipes in args.pipes:
            piped = await piped_system(pipes)
            assert piped.pending_count == pipes
            still = timed(args.frames, partial(piped.pending_summary, SHOWN))
            await piped.stop()
            print(f"  {pipes:>9,} pipes {still:>8.1f} µs")
        return
    print(f"pending_summary({SHOWN}) with agent deliveries queued, CPU per read "
          "(median of 5 rounds)")
    print(f"  {'queued':>9} {'still':>10} {'stepping':>10} {'picking':>10} {'search':>10}")
    for queued in args.queued:
        still, stepping, picking, search = await per_read(queued, args.frames)
        print(f"  {queued:>9,} {still:>8.1f} µs {stepping:>7.1f} µs {picking:>7.1f} µs "
              f"{search:>7.1f} µs")


if __name__ == "__main__":
    asyncio.run(main())

"""Runtime speed: dispatch throughput through chains, and the cost per event as a run grows.

Usage:  python benchmarks/bench_runtime.py [--quick]

1. Chains. A source emits N events in ``start()``; each passes through a chain
   of STAGES components, each stage handling it and emitting it on to the next.
   The chain's connections are all ``connect``, all ``pipe``, all ``agent``, or
   a mix (connect, pipe, agent, connect, ...). Reported: deliveries per second.
2. Growth. A producer emits N events in ``start()`` to a consumer through a
   ``connect``; the consumer answers each. Reported: microseconds per event for
   N from 2,000 to 100,000, and the ratio of the largest to the smallest: the
   scheduler's own work per event does not grow with the run.

Times are the process's CPU time (``time.process_time``): these runs never wait
on a clock (logical time), so CPU time is their whole cost, and it is far less
disturbed than wall time by other processes on a shared machine. Each figure
is the best of a few runs. Nothing here is asserted: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    get_context,
    interface,
    module,
    pipe,
    when,
)
from pyrapide.runtime import System

STAGES = 5
FACTORIES = {"connect": connect, "pipe": pipe, "agent": agent}


@interface
class Stage:
    @action
    async def out(self, n: int) -> None:
        """Item ``n`` leaves this stage."""


@interface
class Producer:
    @action
    async def item(self, n: int) -> None:
        """Item ``n``."""


@interface
class Consumer:
    @action
    async def answer(self, n: int) -> None:
        """The answer to item ``n``."""


def chain_architecture(kinds: list[str]) -> type:
    """Components s0..s{STAGES-1}; connection i carries s{i}'s output to s{i+1}."""
    members: dict[str, Any] = {f"s{i}": Stage for i in range(STAGES)}
    members["connections"] = [
        FACTORIES[kind](Pattern.match("Stage.out", source=f"s{i}"), target=f"s{i + 1}")
        for i, kind in enumerate(kinds)
    ]
    return architecture(type("Chain", (), members))


def stage_module(count: int) -> type:
    @module(implements=Stage)
    class StageModule:
        async def start(self) -> None:
            ctx = get_context(self)
            if ctx.component == "s0":
                for n in range(count):
                    await ctx.emit("Stage.out", n=n)

        @when(Pattern.match("Stage.out"))
        async def on_item(self, match: Any) -> None:
            await get_context(self).emit("Stage.out", n=match.payload["n"])

    return StageModule


def time_run(system: System) -> tuple[float, int]:
    async def go() -> tuple[float, int]:
        start = time.process_time()
        computation = await system.run()
        return time.process_time() - start, len(computation)

    return asyncio.run(go())


def chain_throughput(
    kinds: list[str], count: int, repeat: int, subscribers: int = 0
) -> float:
    """Deliveries per second through a chain of ``kinds`` (with ``subscribers``
    callbacks that take every notification)."""
    arch = chain_architecture(kinds)
    best = float("inf")
    for _ in range(repeat):
        modules = {f"s{i}": stage_module(count) for i in range(STAGES)}
        system = System(arch, modules, max_events=None)
        for _ in range(subscribers):
            system.subscribe(lambda note: None)
        elapsed, events = time_run(system)
        assert events == count * STAGES, events
        best = min(best, elapsed)
    return count * (STAGES - 1) / best


@module(implements=Producer)
class ProducerModule:
    count = 0

    async def start(self) -> None:
        ctx = get_context(self)
        for n in range(self.count):
            await ctx.emit("Producer.item", n=n)


@module(implements=Consumer)
class ConsumerModule:
    @when(Pattern.match("Producer.item"))
    async def on_item(self, match: Any) -> None:
        await get_context(self).emit("Consumer.answer", n=match.payload["n"])


@architecture
class ProducerConsumer:
    producer = Producer
    consumer = Consumer
    connections = [connect(Pattern.match("Producer.item"), target=consumer)]


def cost_per_event(count: int, repeat: int) -> float:
    """Microseconds per recorded event for a producer/consumer run of ``count`` items."""
    best = float("inf")
    for _ in range(repeat):
        producer = type("SizedProducer", (ProducerModule,), {"count": count})
        system = System(
            ProducerConsumer, {"producer": producer, "consumer": ConsumerModule}, max_events=None
        )
        elapsed, events = time_run(system)
        assert events == 2 * count, events
        best = min(best, elapsed / events)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, one repeat")
    options = parser.parse_args()
    count, repeat = (2_000, 1) if options.quick else (10_000, 3)
    sizes = [2_000, 10_000] if options.quick else [2_000, 10_000, 50_000, 100_000]

    print(f"Dispatch throughput: {count:,} items through {STAGES} stages")
    mix = [("connect", "pipe", "agent")[i % 3] for i in range(STAGES - 1)]
    for label, kinds in [(k, [k] * (STAGES - 1)) for k in FACTORIES] + [("mix", mix)]:
        rate = chain_throughput(kinds, count, repeat)
        print(f"  {label:<8} {rate:>10,.0f} deliveries/s   ({' -> '.join(kinds)})")

    quiet = chain_throughput(["pipe"] * (STAGES - 1), count, repeat)
    watched = chain_throughput(["pipe"] * (STAGES - 1), count, repeat, subscribers=1)
    print(
        f"  pipe chain with a subscriber taking every notification: {watched:,.0f} "
        f"deliveries/s ({watched / quiet:.0%} of the unwatched rate)"
    )

    print("Cost per event, producer -> connect -> consumer answering each")
    costs = {}
    for size in sizes:
        costs[size] = cost_per_event(size, 1 if size > 10_000 else repeat)
        print(f"  N={size:>7,}  {2 * size:>7,} events  {costs[size]:6.1f} us/event")
    print(f"  largest / smallest cost per event: {max(costs.values()) / min(costs.values()):.2f}x")


if __name__ == "__main__":
    main()

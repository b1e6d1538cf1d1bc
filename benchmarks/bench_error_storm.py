"""A storm of handler errors: what each one keeps, and what it costs to run.

Usage:  python benchmarks/bench_error_storm.py [--deliveries N] [--depth D]

A source emits N events, each delivered by an agent connection to a handler that
raises at every one (a ``ValueError`` raised from a ``KeyError``, with a list of a
hundred numbers and the delivered payload among its variables, as a handler's are).
Every error is kept in ``system.errors``; past ``FRAMES_KEPT`` of them, only as text.
``--depth D`` raises it D calls below the handler (two functions calling each other,
so that the traceback's text, which Python shortens only for a line repeated, holds
every call): the worst shape for what each error keeps, a text as long as its stack.

Two rows, each in a fresh process: as shipped, and with every error keeping its
frames (``FRAMES_KEPT`` lifted: what a system kept before it was bounded). Figures:

* held: bytes still allocated through Python's allocator once the run is over
  (tracemalloc), the computation and the errors, divided by N;
* resident: the process's peak resident set, in MB;
* us/delivery: CPU time of the run a delivery, tracemalloc off (formatting each
  error's traceback is most of it).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyrapide.runtime.notifications as notifications
from pyrapide import Pattern, action, agent, architecture, get_context, interface, module, when
from pyrapide.runtime import System


@interface
class Source:
    @action
    async def tick(self, n: int) -> None: ...


@interface
class Sink:
    @action
    async def done(self, n: int) -> None: ...


def _lookup(seen: list[int], n: int, depth: int) -> int:
    """``seen[n]``, ``depth`` calls further down (through :func:`_look_further`)."""
    return _look_further(seen, n, depth - 1) if depth > 1 else seen[n]


def _look_further(seen: list[int], n: int, depth: int) -> int:
    return _lookup(seen, n, depth)


def storm(deliveries: int, depth: int = 1) -> System:
    """The system of the storm: ``deliveries`` ticks, each failing its handler, which
    raises ``depth`` calls down."""

    @module(implements=Source)
    class Ticker:
        async def start(self) -> None:
            ctx = get_context(self)
            for n in range(deliveries):
                await ctx.emit("Source.tick", n=n)

    @module(implements=Sink)
    class Failing:
        @when(Pattern.match("Source.tick"))
        async def on_tick(self, match: Any) -> None:
            seen = list(range(100))
            payload = dict(match.payload)
            try:
                _lookup(seen, payload["n"] + 100, depth)
            except IndexError as missing:
                raise ValueError(f"tick {payload['n']} has no answer") from missing

    @architecture
    class Storm:
        source = Source
        sink = Sink
        connections = [agent(Pattern.match("Source.tick"), target=sink)]

    return System(Storm, {"source": Ticker, "sink": Failing}, max_events=None)


def measure(deliveries: int, keep_all: bool, depth: int) -> tuple[float, float, float]:
    """(bytes held a delivery, peak resident MB, CPU us a delivery) of one storm."""
    if keep_all:
        notifications.FRAMES_KEPT = sys.maxsize
    system = storm(deliveries, depth)
    tracemalloc.start()
    asyncio.run(system.run())
    held = tracemalloc.get_traced_memory()[0] / deliveries
    tracemalloc.stop()
    assert len(system.errors) == deliveries, len(system.errors)
    system = storm(deliveries, depth)
    start = time.process_time()
    asyncio.run(system.run())
    cpu = (time.process_time() - start) / deliveries * 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return held, peak, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=20_000)
    parser.add_argument("--depth", type=int, default=1, help="calls below the handler")
    parser.add_argument("--one", choices=("shipped", "all-frames"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:  # one measurement, in this (fresh) process
        figures = measure(options.deliveries, options.one != "shipped", options.depth)
        print(*(f"{figure:.1f}" for figure in figures))
        return
    print(f"{options.deliveries:,} deliveries, each handler run raising "
          f"{options.depth} call{'s' if options.depth > 1 else ''} down")
    print(f"{'errors kept':<28} {'held B':>8} {'peak MB':>8} {'us/delivery':>12}")
    rows = {
        "shipped": f"frames of the first {notifications.FRAMES_KEPT}",
        "all-frames": "every one with its frames",
    }
    for how, label in rows.items():
        command = [sys.executable, __file__, "--deliveries", str(options.deliveries),
                   "--depth", str(options.depth), "--one", how]
        held, peak, cpu = subprocess.run(
            command, capture_output=True, text=True, check=True
        ).stdout.split()
        print(f"{label:<28} {float(held):>8,.0f} {float(peak):>8,.0f} {float(cpu):>12,.1f}")


if __name__ == "__main__":
    main()

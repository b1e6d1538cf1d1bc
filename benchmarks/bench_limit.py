"""The runtime beside the limit: the same chains done with bare asyncio, interleaved.

Usage:  python benchmarks/bench_limit.py [--items N] [--rounds R] [--gc-pauses N]

The header names the build measured: ``pure`` Python, or ``compiled`` (the
delivery path compiled by mypyc; ``make bench-compiled`` runs this script there).

A source emits N items into a chain of five stages; each stage takes an item,
makes one event caused by it and hands it on to the next stage through the
chain's connection (``connect``, ``pipe``, ``agent``, or connect, pipe, agent,
connect). A delivery is one handing-on. Two programs do this:

* **ours**: the chain as an architecture run by :class:`pyrapide.runtime.System`
  (the same chain as ``bench_runtime.py``), everything recorded in the poset.
* **bare**: plain asyncio doing the essential work of a delivery and nothing
  else: look the route up by event name and source in a dict, run one handler
  coroutine, make one event object (name, payload, source, id, causes tuple),
  append it to a list. ``connect`` awaits the handler in the emitter (the
  emitter waits), ``pipe`` puts the event on the connection's ``asyncio.Queue``
  read by one task (FIFO, the emitter goes on), ``agent`` on one queue shared by
  every agent connection, read by one task (independent: no order promised; a
  task started per delivery instead costs several times more).

The two alternate, kind by kind, ``--rounds`` times in one process, so that both
meet the same phases of a shared machine. Times are CPU time of the process
(neither program waits on anything), after a full collection of what the run
before left; each figure is the best of the rounds, and
the ratio is bare's rate over ours (lower is better; 1 would be no overhead).

``--gc-pauses N`` also runs one pipe chain of N items (a million events for
N = 200,000) and prints the garbage collector's pauses during it, read with
``gc.callbacks``: how many collections of each generation, the longest, and the
total.

``--recording`` also times recording alone: the events of a chain run, each caused by
the one before, made by ``Computation.new_emitted`` as a run makes them (the poset's
part of a delivery, which bare asyncio's list append stands for), per event and per
delivery (a chain of five stages records five events for four deliveries).

``--bytecodes N`` also counts, for each chain of N items, the Python bytecodes
executed and the Python functions called per delivery by each program (read with
``sys.settrace``; the same on every machine and under any load, unlike time, so
it shows what a change to the delivery path saves). Code in C, such as the
event loop's or a dict's, is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_runtime import STAGES, chain_architecture, stage_module

from pyrapide import Computation, Pattern, architecture, pipe
from pyrapide.runtime import System
from pyrapide.runtime.collector import full_collections_held, tend

MIX = [("connect", "pipe", "agent")[i % 3] for i in range(STAGES - 1)]
CHAINS = {
    "connect": ["connect"] * (STAGES - 1),
    "pipe": ["pipe"] * (STAGES - 1),
    "agent": ["agent"] * (STAGES - 1),
    "mix": MIX,
}


def build() -> str:
    """``compiled`` when the runtime's modules are mypyc's extensions, else ``pure``."""
    import pyrapide.runtime.scheduler as scheduler

    return "pure" if scheduler.__file__.endswith(".py") else "compiled"


# ---------------------------------------------------------------- bare asyncio
class BareEvent:
    """What a recorded event holds, and nothing more."""

    __slots__ = ("causes", "id", "name", "payload", "source")

    def __init__(
        self, name: str, payload: dict[str, Any], source: str, id: int, causes: tuple[Any, ...]
    ) -> None:
        self.name = name
        self.payload = payload
        self.source = source
        self.id = id
        self.causes = causes


Handler = Callable[[BareEvent], Coroutine[Any, Any, None]]


class BareChain:
    """The chain in plain asyncio: routes by (name, source), a handler per stage."""

    def __init__(self, kinds: list[str]) -> None:
        self.events: list[BareEvent] = []
        self.queues: list[asyncio.Queue[tuple[Handler, BareEvent]]] = []
        self.readers: list[asyncio.Task[None]] = []
        agents: asyncio.Queue[tuple[Handler, BareEvent]] | None = None
        self.routes: dict[tuple[str, str], tuple[Handler, Any]] = {}
        for i, kind in enumerate(kinds):
            queue = None
            if kind == "pipe" or (kind == "agent" and agents is None):
                queue = asyncio.Queue()
                self.queues.append(queue)
                self.readers.append(asyncio.ensure_future(self.drain(queue)))
                if kind == "agent":
                    agents = queue
            elif kind == "agent":
                queue = agents
            self.routes[("Stage.out", f"s{i}")] = (self.stage(f"s{i + 1}"), queue)

    def stage(self, name: str) -> Handler:
        async def handle(event: BareEvent) -> None:
            await self.emit("Stage.out", {"n": event.payload["n"]}, name, (event,))

        return handle

    async def emit(
        self, name: str, payload: dict[str, Any], source: str, causes: tuple[Any, ...]
    ) -> BareEvent:
        event = BareEvent(name, payload, source, len(self.events) + 1, causes)
        self.events.append(event)
        route = self.routes.get((name, source))
        if route is None:
            return event
        handler, queue = route
        if queue is None:  # connect: the emitter waits for the handler
            await handler(event)
        else:  # pipe: its own FIFO; agent: one queue for all, order not promised
            queue.put_nowait((handler, event))
        return event

    @staticmethod
    async def drain(queue: asyncio.Queue[tuple[Handler, BareEvent]]) -> None:
        while True:
            handler, event = await queue.get()
            await handler(event)
            queue.task_done()

    async def run(self, count: int) -> int:
        previous: tuple[Any, ...] = ()
        for n in range(count):
            previous = (await self.emit("Stage.out", {"n": n}, "s0", previous),)
        # Until every queue is drained and nothing it started put anything back.
        while any(queue._unfinished_tasks for queue in self.queues):  # type: ignore[attr-defined]
            for queue in self.queues:
                await queue.join()
        for reader in self.readers:
            reader.cancel()
        return len(self.events)


def bare_rate(kinds: list[str], count: int) -> float:
    """Deliveries per second of the bare-asyncio chain."""

    async def go() -> tuple[float, int]:
        gc.collect()  # what an earlier run left is not this one's to collect
        start = time.process_time()
        events = await BareChain(kinds).run(count)
        return time.process_time() - start, events

    elapsed, events = asyncio.run(go())
    assert events == count * STAGES, events
    return count * (STAGES - 1) / elapsed


# ---------------------------------------------------------------- ours
def our_rate(kinds: list[str], count: int) -> float:
    """Deliveries per second of the chain run by the System."""
    modules = {f"s{i}": stage_module(count) for i in range(STAGES)}
    system = System(chain_architecture(kinds), modules, max_events=None)

    async def go() -> tuple[float, int]:
        gc.collect()  # what an earlier run left is not this one's to collect
        start = time.process_time()
        computation = await system.run()
        return time.process_time() - start, len(computation)

    elapsed, events = asyncio.run(go())
    assert events == count * STAGES, events
    return count * (STAGES - 1) / elapsed


def recording_time(count: int) -> float:
    """Seconds per event of recording alone, as a run records: ``count`` items through
    the stages' worth of events, each caused by the one before (the connect chain's
    shape), made by ``Computation.new_emitted`` with full collections held."""
    events = count * STAGES
    computation = Computation()
    record = computation.new_emitted
    gc.collect()
    with full_collections_held():
        start = time.process_time()
        causes: list[Any] = []
        for n in range(events):
            causes = [record("Stage.out", {"n": n}, "s0", causes, 0.0)]
            if not n % 256:
                tend()  # as a run's scheduler does every 256 events
        elapsed = time.process_time() - start
    return elapsed / events


def idle_pipes_rate(count: int, idle: int) -> float:
    """Deliveries per second of the pipe chain in a system with ``idle`` more pipe
    connections, which never match (what each step costs beside many pipes)."""
    arch = chain_architecture(CHAINS["pipe"])
    spec_connections = list(arch.connections)  # type: ignore[attr-defined]
    members: dict[str, Any] = {f"s{i}": arch.__dict__[f"s{i}"] for i in range(STAGES)}
    members["connections"] = spec_connections + [
        pipe(Pattern.match("Stage.out", source=f"nobody{i}"), target="s0") for i in range(idle)
    ]
    wide = architecture(type("WideChain", (), members))
    modules = {f"s{i}": stage_module(count) for i in range(STAGES)}
    system = System(wide, modules, max_events=None)

    async def go() -> float:
        gc.collect()
        start = time.process_time()
        await system.run()
        return time.process_time() - start

    return count * (STAGES - 1) / asyncio.run(go())


def gc_pauses(count: int) -> None:
    """Run one pipe chain of ``count`` items and print the collector's pauses."""
    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started: list[float] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses[info["generation"]].append(time.perf_counter() - started.pop())

    modules = {f"s{i}": stage_module(count) for i in range(STAGES)}
    system = System(chain_architecture(CHAINS["pipe"]), modules, max_events=None)
    gc.callbacks.append(watch)
    try:
        start = time.perf_counter()
        computation = asyncio.run(system.run())
        wall = time.perf_counter() - start
    finally:
        gc.callbacks.remove(watch)
    print(f"GC pauses, pipe chain of {count:,} items ({len(computation):,} events, {wall:.1f} s):")
    for generation, times in pauses.items():
        longest = max(times, default=0.0) * 1e3
        total = sum(times) * 1e3
        print(
            f"  generation {generation}: {len(times):>6,} collections, "
            f"longest {longest:7.1f} ms, total {total:8.1f} ms"
        )


def bytecodes(kinds: list[str], count: int, program: str) -> tuple[float, float]:
    """Bytecodes executed and Python calls made per delivery by ``program`` ("bare" or
    "ours") running the chain of ``kinds`` (a system's start is not counted)."""
    counted = {"opcode": 0, "call": 0}

    def trace(frame: Any, event: str, _arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if event in counted:
            counted[event] += 1
        return trace

    async def go() -> None:
        if program == "bare":
            chain = BareChain(kinds)
            sys.settrace(trace)
            await chain.run(count)
        else:
            modules = {f"s{i}": stage_module(count) for i in range(STAGES)}
            system = System(chain_architecture(kinds), modules, max_events=None)
            await system.start()
            sys.settrace(trace)
            await system.run()
        sys.settrace(None)

    asyncio.run(go())
    deliveries = count * (STAGES - 1)
    return counted["opcode"] / deliveries, counted["call"] / deliveries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="items per chain run")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two")
    parser.add_argument("--gc-pauses", type=int, default=0, metavar="N",
                        help="also measure GC pauses on a pipe chain of N items")
    parser.add_argument("--only", choices=sorted(CHAINS), action="append")
    parser.add_argument("--bytecodes", type=int, default=0, metavar="N",
                        help="also count bytecodes and calls per delivery, chains of N items")
    parser.add_argument("--recording", action="store_true",
                        help="also time recording the chain's events alone (the poset's part)")
    parser.add_argument("--idle-pipes", type=int, default=0, metavar="N",
                        help="also run the pipe chain beside N pipes that never deliver")
    options = parser.parse_args()

    chains = {k: v for k, v in CHAINS.items() if not options.only or k in options.only}
    best: dict[tuple[str, str], float] = {}
    for _ in range(options.rounds):
        for label, kinds in chains.items():
            for side, rate in (("bare", bare_rate), ("ours", our_rate)):
                figure = rate(kinds, options.items)
                best[side, label] = max(best.get((side, label), 0.0), figure)

    print(
        f"{options.items:,} items through {STAGES} stages, best of {options.rounds} rounds, "
        f"{build()} build"
    )
    print(f"  {'chain':<8} {'bare asyncio':>14} {'ours':>12} {'ratio':>7}   (deliveries/s)")
    for label, kinds in chains.items():
        bare, ours = best["bare", label], best["ours", label]
        print(f"  {label:<8} {bare:>14,.0f} {ours:>12,.0f} {bare / ours:>6.1f}x   "
              f"({' -> '.join(kinds)})")
    if options.recording:
        per_event = min(recording_time(options.items) for _ in range(options.rounds))
        per_delivery = per_event * STAGES / (STAGES - 1)
        share = per_delivery * best["ours", "connect"] if "connect" in chains else None
        print(f"recording alone: {per_event * 1e6:.2f} us per event, "
              f"{per_delivery * 1e6:.2f} us per delivery of a chain"
              + (f" ({share:.0%} of ours on connect)" if share is not None else ""))
    if options.idle_pipes:
        rounds, idle = range(options.rounds), options.idle_pipes
        few = max(idle_pipes_rate(options.items, 0) for _ in rounds)
        many = max(idle_pipes_rate(options.items, idle) for _ in rounds)
        print(f"pipe chain alone {few:,.0f} deliveries/s; beside {options.idle_pipes} idle pipes "
              f"{many:,.0f} ({many / few:.0%})")
    if options.bytecodes:
        print(f"Per delivery, {options.bytecodes:,} items (bytecodes executed, Python calls):")
        for label, kinds in chains.items():
            bare_ops, bare_calls = bytecodes(kinds, options.bytecodes, "bare")
            ours_ops, ours_calls = bytecodes(kinds, options.bytecodes, "ours")
            print(f"  {label:<8} bare {bare_ops:>6,.0f} {bare_calls:>5.1f}   "
                  f"ours {ours_ops:>6,.0f} {ours_calls:>5.1f}   {ours_ops / bare_ops:4.1f}x")
    if options.gc_pauses:
        gc_pauses(options.gc_pauses)


if __name__ == "__main__":
    main()

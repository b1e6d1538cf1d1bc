"""Per-event costs of the poset: add, ancestry queries, save and load, at growing sizes.

Usage:  python benchmarks/bench_poset.py [--quick] [--sizes 10000,100000] [--shapes chains]
                                        [--files-up-to 1000000] [--freeze-inputs]

Five shapes:
  chains       16 long chains recorded round-robin; every 100th event also has a
               cause on the neighbouring chain (the runtime's typical trace).
  fanout       one root, 1,000 hubs it causes, every other event caused by a
               random hub (wide: nearly every event starts its own chain).
  diamonds     8 lanes of diamonds (top -> left, right -> bottom -> next top);
               every 10th top also caused by the latest bottom of the next lane.
  crosslinked  1,000 chains recorded round-robin; every 10th event of each chain
               (staggered) also caused by the latest event of a random other
               chain.  Far pairs are related through long paths, near pairs
               mostly independent: the hard case for ancestry queries.
  relay        a run's trace of a producer, a pipe and an agent: the producer's
               chained items (all recorded first), a pipe stage's answer to each
               (caused by the item and by the stage's answer before), and, half
               the time at once, else later, an agent stage's answer to it and
               that one's own answer (connect). A run tells the poset which
               events are a pipe's answers, whose chain the pipe's next answer
               continues (CausalOrder.keep); ``--unkept`` leaves that out, and
               the agent's answer then takes the end of the pipe stage's chain
               whenever it comes at once: as many chains as items, each feeding
               the next, past what the clocks have fields for, and ancestry
               queries search.

The first query after the adds is timed apart: it brings the chain clocks up to
date (recording leaves them for the first query that reads them).  For the
crosslinked and relay shapes that time is printed, followed by the distribution of
single queries (median, mean, max in microseconds of this thread's CPU time,
``time.thread_time``) of ``is_ancestor`` and ``are_independent`` over
``--queries`` random pairs and as many pairs within 1,000 events of each other.

Times are CPU time of this process (time.process_time), which other work on
the machine disturbs far less than wall time.  Events are built before the
clock starts, so "add" is the cost of Poset.add;
it is the best of nine builds (three at a million events), which filters out
the noise of other processes (a build of 20,000 events takes tens of
milliseconds, so one busy moment of the machine can double it).  Queries
are is_ancestor on 20,000 random pairs.
Save and load go through a JSON file in a temporary directory, by default only
up to 100,000 events so that the whole run stays near three minutes
(``--files-up-to 1000000`` measures them at every size).  The last lines
compare the add cost per event at the largest size with the cost at 20,000.

The garbage collector runs as usual by default, so its full collections walk
the benchmark's own prepared inputs (the events and their cause lists, about
three tracked containers per event) as well as the poset.  With
``--freeze-inputs`` the inputs are moved out of its sight (``gc.freeze()``)
before the clock starts and the figures show the poset's cost alone.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyrapide.core import Computation, Event, Poset

Plan = Iterator[tuple[Event, list[Event]]]
"""A shape: the events to add, in order, each with its causes."""


def _event(number: int, name: str, source: str = "bench") -> Event:
    return Event(name, {"n": number}, source, f"b{number}", float(number))


def chains(size: int, rng: random.Random) -> Plan:
    lanes: list[Event | None] = [None] * 16
    for n in range(size):
        lane = n % 16
        event = _event(n, f"Lane{lane}.step")
        causes = [lanes[lane]] if lanes[lane] is not None else []
        neighbour = lanes[(lane + 1) % 16]
        if n % 100 == 99 and neighbour is not None:
            causes.append(neighbour)
        lanes[lane] = event
        yield event, causes  # type: ignore[misc]


def fanout(size: int, rng: random.Random) -> Plan:
    root = _event(0, "Root.start")
    yield root, []
    hubs = []
    for n in range(1, min(size, 1001)):
        hub = _event(n, "Hub.relay")
        hubs.append(hub)
        yield hub, [root]
    for n in range(1001, size):
        yield _event(n, "Leaf.work"), [rng.choice(hubs)]


def diamonds(size: int, rng: random.Random) -> Plan:
    lanes: list[Event | None] = [None] * 8
    n = 0
    diamond = 0
    while n < size:
        lane = diamond % 8
        top_causes = [lanes[lane]] if lanes[lane] is not None else []
        neighbour = lanes[(lane + 1) % 8]
        if diamond % 10 == 9 and neighbour is not None:
            top_causes.append(neighbour)
        top, left, right, bottom = (
            _event(n + k, f"Lane{lane}.{part}")
            for k, part in enumerate(("top", "left", "right", "bottom"))
        )
        for event, causes in (
            (top, top_causes),
            (left, [top]),
            (right, [top]),
            (bottom, [left, right]),
        ):
            if n < size:
                yield event, causes  # type: ignore[misc]
                n += 1
        lanes[lane] = bottom
        diamond += 1


def crosslinked(size: int, rng: random.Random) -> Plan:
    lanes: list[Event | None] = [None] * 1000
    for n in range(size):
        lane = n % 1000
        event = _event(n, "Lane.step")
        causes = [lanes[lane]] if lanes[lane] is not None else []
        if (n // 1000 + lane) % 10 == 9:  # every 10th event of each lane, staggered
            other = rng.randrange(999)
            other += other >= lane
            if lanes[other] is not None:
                causes.append(lanes[other])
        lanes[lane] = event
        yield event, causes  # type: ignore[misc]


PIPE_STAGE = "piped"
"""The source of the relay's pipe stage, whose answers a run keeps on their chain."""


def relay(size: int, rng: random.Random) -> Plan:
    items = size // 4
    produced: list[Event] = []
    for n in range(items):
        item = _event(n, "Producer.item", "producer")
        yield item, produced[-1:]
        produced.append(item)
    number = items
    previous: list[Event] = []  # the pipe stage's answer before
    pending: list[Event] = []  # answers the agent stage has not answered yet

    def agent_answers(answer: Event) -> Plan:
        nonlocal number
        second = _event(number, "Stage.out", "agent")
        third = _event(number + 1, "Stage.out", "called")
        number += 2
        yield second, [answer]
        yield third, [second]

    for n in range(items):
        answer = _event(number, "Stage.out", PIPE_STAGE)
        number += 1
        yield answer, [produced[n], *previous]
        previous = [answer]
        pending.append(answer)
        # The agent's queue is short: its answer to this one often comes next.
        if rng.random() < 0.5:
            yield from agent_answers(pending.pop())
        while pending and rng.random() < 0.3:
            yield from agent_answers(pending.pop(rng.randrange(len(pending))))
    while pending:
        yield from agent_answers(pending.pop(rng.randrange(len(pending))))


SHAPES: dict[str, Callable[[int, random.Random], Plan]] = {
    "chains": chains,
    "fanout": fanout,
    "diamonds": diamonds,
    "crosslinked": crosslinked,
    "relay": relay,
}


def measure(
    shape: str,
    size: int,
    queries: int,
    files: bool,
    freeze_inputs: bool = False,
    unkept: bool = False,
) -> dict[str, Any]:
    """Return microseconds per event (add, save, load) and per query for one poset."""
    rng = random.Random(size)
    plan = list(SHAPES[shape](size, rng))
    if freeze_inputs:
        gc.collect()
        gc.freeze()
    best = float("inf")
    for _ in range(3 if size >= 1_000_000 else 9):
        poset = Poset()
        add = poset.add
        keep = poset._keep_line if shape == "relay" and not unkept else None
        start = time.process_time()
        for event, causes in plan:
            add(event, causes)
            if keep is not None and event.source == PIPE_STAGE:
                keep()  # as a run does for a pipe's answer (see CausalOrder.keep)
        best = min(best, time.process_time() - start)
    if freeze_inputs:
        gc.unfreeze()
    figures: dict[str, Any] = {"add": best / size * 1e6}
    events = [event for event, _ in plan]
    del plan
    # The first query brings the chain clocks up to date (recording leaves them
    # behind); timed apart, as "catch-up", so that it is in no per-query figure.
    start = time.process_time()
    poset.is_ancestor(events[0], events[-1])
    figures["catch_up"] = time.process_time() - start
    pairs = [(rng.choice(events), rng.choice(events)) for _ in range(queries)]
    is_ancestor = poset.is_ancestor
    start = time.process_time()
    related = sum(is_ancestor(a, b) for a, b in pairs)
    figures["query"] = (time.process_time() - start) / queries * 1e6
    figures["related"] = related / queries
    if shape in ("crosslinked", "relay"):
        figures["distribution"] = distribution(poset, events, queries, rng)
    if files:
        computation = Computation(poset)
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "bench.json"
            start = time.process_time()
            computation.save(path)
            figures["save"] = (time.process_time() - start) / size * 1e6
            start = time.process_time()
            loaded = Computation.load(path)
            figures["load"] = (time.process_time() - start) / size * 1e6
            assert len(loaded) == size
            if shape == "relay":  # laid out from the file alone: the same pairs again
                again = loaded.poset.is_ancestor
                again(events[0], events[-1])  # the clocks caught up, untimed
                start = time.process_time()
                sum(again(a, b) for a, b in pairs)
                figures["loaded_query"] = (time.process_time() - start) / queries * 1e6
    return figures


def distribution(poset: Poset, events: list[Event], queries: int, rng: random.Random) -> str:
    """Median, mean and max of single ancestry queries, far and near pairs (see above)."""
    size = len(events)
    uniform = [(rng.choice(events), rng.choice(events)) for _ in range(queries)]
    near = []
    for _ in range(queries):
        first = rng.randrange(size)
        second = min(size - 1, max(0, first + rng.randint(-1000, 1000)))
        near.append((events[first], events[second]))
    lines = []
    clock = time.thread_time
    for label, pairs in (("random pairs", uniform), ("pairs within 1,000", near)):
        for query in (poset.is_ancestor, poset.are_independent):
            times = []
            for a, b in pairs:
                start = clock()
                query(a, b)
                times.append(clock() - start)
            times.sort()
            median = statistics.median(times) * 1e6
            mean = statistics.fmean(times) * 1e6
            lines.append(
                f"    {query.__name__:<16} {label:<19} median {median:7.1f}  mean {mean:8.1f}"
                f"  max {times[-1] * 1e6:9.1f} us"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 100,000 only")
    parser.add_argument("--sizes", help="comma-separated event counts")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated shapes")
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument(
        "--files-up-to",
        type=int,
        default=100_000,
        metavar="EVENTS",
        help="largest size at which save and load are measured",
    )
    parser.add_argument(
        "--freeze-inputs",
        action="store_true",
        help="hide the prepared events from the garbage collector while adds are timed",
    )
    parser.add_argument(
        "--unkept",
        action="store_true",
        help="relay: lay out chains without the runtime's word on a pipe's answers",
    )
    options = parser.parse_args()
    default_sizes = "10000,20000,100000" if options.quick else "10000,20000,100000,1000000"
    sizes = [int(s) for s in (options.sizes or default_sizes).split(",")]
    shapes = options.shapes.split(",")
    print(
        f"{'shape':<11} {'events':>9} {'add':>8} {'query':>8} {'save':>8} {'load':>8}"
        f"   (microseconds per event / per query; share of related pairs)"
    )
    add_cost: dict[tuple[str, int], float] = {}
    for shape in shapes:
        for size in sizes:
            files = size <= options.files_up_to
            figures = measure(
                shape, size, options.queries, files, options.freeze_inputs, options.unkept
            )
            add_cost[shape, size] = figures["add"]
            save = f"{figures['save']:>8.2f}" if files else f"{'-':>8}"
            load = f"{figures['load']:>8.2f}" if files else f"{'-':>8}"
            print(
                f"{shape:<11} {size:>9,} {figures['add']:>8.2f} {figures['query']:>8.2f}"
                f" {save} {load}   {figures['related']:.0%}",
                flush=True,
            )
            if "distribution" in figures:
                print(f"    first query (clocks caught up): {figures['catch_up']:.3f} s")
                print(figures["distribution"], flush=True)
            if "loaded_query" in figures:
                print(f"    saved and loaded: is_ancestor {figures['loaded_query']:.2f} us a query")
    largest = max(sizes)
    if 20_000 in sizes and largest > 20_000:
        for shape in shapes:
            ratio = add_cost[shape, largest] / add_cost[shape, 20_000]
            print(f"add cost per event, {largest:,} vs 20,000 events ({shape}): {ratio:.2f}x")


if __name__ == "__main__":
    main()

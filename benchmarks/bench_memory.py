"""Memory per recorded event: a computation of a million events, one cause each.

Usage:  python benchmarks/bench_memory.py [--events N] [--payload none|key|counter]

Each event is made by ``Computation.new_event`` with the event before it as its
one cause (``caused_by=[previous]``), named ``Step`` from source ``bench``, with
the wall-clock timestamp ``new_event`` gives.  Payloads: ``key`` (default) is a
one-key dict ``{"step": 1}`` whose value is shared, ``counter`` is ``{"step": i}``
(each event also holds its own int), ``none`` is no payload.

Two figures, each for its own build in a fresh process:

* traced: bytes allocated through Python's allocator and still held once the
  computation is built (tracemalloc), divided by the number of events.  Exact
  and unaffected by other processes; what the README quotes.
* resident: growth of the process's resident set size (``/proc/self/statm``)
  over the build, divided by the number of events; includes the allocator's
  free lists and fragmentation.

For scale: the event alone (its object, id, timestamp and a one-key payload) in a
list and a dict by id would take about 390 bytes.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyrapide.core import Computation

PAYLOADS = ("key", "counter", "none")


def _resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def build(events: int, payload: str) -> Computation:
    """The computation measured: ``events`` events in one causal chain."""
    computation = Computation()
    new_event = computation.new_event
    previous = new_event("Step", {"step": 0} if payload != "none" else None, source="bench")
    for i in range(1, events):
        data = None if payload == "none" else {"step": i if payload == "counter" else 1}
        previous = new_event("Step", data, source="bench", caused_by=[previous])
    return computation


def measure(events: int, payload: str, how: str) -> float:
    """Bytes per event, ``how`` being "traced" or "resident"."""
    gc.collect()
    if how == "traced":
        tracemalloc.start()
        computation = build(events, payload)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    else:
        before = _resident()
        computation = build(events, payload)
        gc.collect()
        held = _resident() - before
    assert len(computation) == events
    return held / events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--payload", choices=PAYLOADS, action="append")
    parser.add_argument("--one", nargs=2, metavar=("PAYLOAD", "HOW"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:  # a single measurement, in this (fresh) process
        print(f"{measure(options.events, *options.one):.0f}")
        return
    print(f"{options.events:,} events, one cause each (bytes per event)")
    print(f"{'payload':<10} {'traced':>8} {'resident':>9}")
    for payload in options.payload or PAYLOADS:
        figures = []
        for how in ("traced", "resident"):
            command = [sys.executable, __file__, "--events", str(options.events)]
            result = subprocess.run(
                [*command, "--one", payload, how], capture_output=True, text=True, check=True
            )
            figures.append(result.stdout.strip())
        print(f"{payload:<10} {figures[0]:>8} {figures[1]:>9}", flush=True)


if __name__ == "__main__":
    main()

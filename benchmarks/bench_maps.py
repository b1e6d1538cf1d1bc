"""Cost of applying a map (detailed run -> abstract run) as the run grows, on three shapes.

Usage:  python benchmarks/bench_maps.py [--quick]

- ``chain``: one causal chain of requests and replies; each pair makes two
  abstract events, each caused by the one before (width 1).
- ``parallel``: N/2 independent request/reply flows, all roots; every
  abstract event is concurrent with all the others of other flows (width N/4).
- ``joins``: independent flows whose reply and audit are matched by an
  independence rule (``Reply(k) || Audit(k)``): every such abstract event has
  two tops, which stay without effects.
- ``closed``: the same, each flow then closed by an event both tops cause: the
  two-top abstract events are then compared with every later abstract event,
  the quadratic case the derivation's docstring names.

Each figure is CPU microseconds per detailed event (best of the repeats);
a flat figure from the smallest N to the largest means linear cost.
"""

from __future__ import annotations

import argparse
import time

from pyrapide import ArchitectureMap, Computation, Event, Pattern, placeholder


def chain(events: int) -> Computation:
    computation = Computation()
    previous = None
    for i in range(events // 2):
        request = Event("Request", {"k": i}, id=f"q{i}")
        reply = Event("Reply", {"k": i}, id=f"r{i}")
        computation.record(request, caused_by=[previous] if previous else None)
        computation.record(reply, caused_by=[request])
        previous = reply
    return computation


def parallel(events: int) -> Computation:
    computation = Computation()
    for i in range(events // 2):
        request = Event("Request", {"k": i}, id=f"q{i}")
        computation.record(request)
        computation.record(Event("Reply", {"k": i}, id=f"r{i}"), caused_by=[request])
    return computation


def joins(events: int) -> Computation:
    computation = Computation()
    for i in range(events // 3):
        request = Event("Request", {"k": i}, id=f"q{i}")
        computation.record(request)
        computation.record(Event("Reply", {"k": i}, id=f"r{i}"), caused_by=[request])
        computation.record(Event("Audit", {"k": i}, id=f"a{i}"), caused_by=[request])
    return computation


def closed_joins(events: int) -> Computation:
    computation = joins(events * 3 // 4)
    for i in range(events // 4):
        computation.record(Event("Closed", {"k": i}), caused_by=[f"r{i}", f"a{i}"])
    return computation


k = placeholder("k")
ONE_TOP = ArchitectureMap("detailed", "abstract", [
    (Pattern.match("Request"), "Asked"),
    (Pattern.match("Request", k=k) >> Pattern.match("Reply", k=k), "Answered"),
])
TWO_TOPS = ArchitectureMap("detailed", "abstract", [
    (Pattern.match("Request"), "Asked"),
    (Pattern.match("Reply", k=k) | Pattern.match("Audit", k=k), "Closed"),
])
SHAPES = {
    "chain": (chain, ONE_TOP),
    "parallel": (parallel, ONE_TOP),
    "joins": (joins, TWO_TOPS),
    "closed": (closed_joins, TWO_TOPS),
}


def cost(shape: str, events: int, repeat: int) -> float:
    """Best CPU microseconds per detailed event to apply the shape's map."""
    build, mapping = SHAPES[shape]
    computation = build(events)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        mapping.apply(computation)
        best = min(best, time.process_time() - start)
    return best / len(computation) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    args = parser.parse_args()
    sizes = [1_000, 4_000] if args.quick else [1_000, 4_000, 16_000]
    print(f"{'shape':10} " + " ".join(f"{n:>10,}" for n in sizes) + "   (µs per event)")
    for shape in SHAPES:
        # The large quadratic runs take minutes: once is enough to see the trend.
        figures = [cost(shape, n, repeat=3 if n <= 4_000 else 1) for n in sizes]
        print(f"{shape:10} " + " ".join(f"{f:>10.1f}" for f in figures))


if __name__ == "__main__":
    main()

"""Time the causal queries and the bounded views on posets of growing size.

Usage:  python benchmarks/bench_analysis.py [--chains N] [--length N]

The poset is N chains of events (default 50 x 100), joined by one final event,
with five causal links across chains: long histories with a few cross-overs,
the shape a run of a real architecture leaves behind.

The script uses only the API PyRapide 0.3.0 shares, so the same file times
0.3.0 when run with an interpreter that has it installed (it then imports that
``pyrapide``), e.g. ``benchmarks/.ref-venv/bin/python benchmarks/bench_analysis.py``.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

from pyrapide import Computation, Event, queries, visualization


def build(chains: int, length: int, cross_links: int = 5, seed: int = 7) -> tuple[Any, ...]:
    """Record the chains, the join and the cross links; return (computation, grid, join)."""
    rng = random.Random(seed)
    computation = Computation()
    grid: list[list[Event]] = []
    for chain in range(chains):
        row: list[Event] = []
        for step in range(length):
            event = Event(name=f"c{chain % 5}.step", payload={"i": step}, source=f"s{chain}")
            computation.record(event, caused_by=row[-1:])
            row.append(event)
        grid.append(row)
    join = Event(name="join")
    computation.record(join, caused_by=[row[-1] for row in grid])
    for _ in range(cross_links):
        a, b = rng.sample(range(chains), 2)
        early, late = rng.randrange(length // 2), rng.randrange(length // 2, length)
        poset = getattr(computation, "poset", None) or computation._poset  # 0.3.0 keeps it private
        poset.add_causal_link(grid[a][early], grid[b][late])
    return computation, grid, join


def timed(label: str, action: Callable[[], object]) -> None:
    start = time.perf_counter()
    action()
    print(f"  {label:34s} {(time.perf_counter() - start) * 1000:10.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=50)
    parser.add_argument("--length", type=int, default=100)
    args = parser.parse_args()

    computation, grid, join = build(args.chains, args.length)
    first = grid[3][0]
    middle = grid[3][args.length // 2]
    rng = random.Random(1)
    pairs = [(rng.choice(rng.choice(grid)), rng.choice(rng.choice(grid))) for _ in range(200)]
    print(
        f"{len(computation)} events ({args.chains} chains of {args.length}, a join, 5 cross links)"
    )
    timed("root_causes(join)", lambda: queries.root_causes(computation, join))
    timed("backward_slice(join)", lambda: queries.backward_slice(computation, join))
    timed("forward_slice(first of a chain)", lambda: queries.forward_slice(computation, first))
    timed("impact_set(first of a chain)", lambda: queries.impact_set(computation, first))
    timed("critical_path", lambda: queries.critical_path(computation))
    timed(
        "causal_distance, 200 pairs",
        lambda: [queries.causal_distance(computation, a, b) for a, b in pairs],
    )
    timed(
        "common_ancestors(middle, join)",
        lambda: queries.common_ancestors(computation, middle, join),
    )
    timed("parallel_events", lambda: queries.parallel_events(computation))
    timed("bottleneck_events", lambda: queries.bottleneck_events(computation))
    timed("event_frequency", lambda: queries.event_frequency(computation))
    timed("causal_density", lambda: queries.causal_density(computation))
    timed("summary", lambda: visualization.summary(computation))
    timed("to_ascii (default bound)", lambda: visualization.to_ascii(computation))
    timed("to_dot (default bound)", lambda: visualization.to_dot(computation))
    timed("to_mermaid (default bound)", lambda: visualization.to_mermaid(computation))
    timed("to_json", lambda: visualization.to_json(computation))


if __name__ == "__main__":
    main()

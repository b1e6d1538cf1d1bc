"""Measure pattern matching: whole-poset and incremental, one-event and composite patterns.

Usage:  python benchmarks/bench_patterns.py [--max-events N] [--repeat R]
        [--only scaling|service|independence|join|0.3.0|limit|repeat|unmatched ...]

1. Scaling of ``Req >> Res`` over N/2 independent request/response pairs, N from
   20,000 to 400,000: the incremental matcher's cost per event must stay flat
   (within 2x across the range), and so must ``match_in``'s.
2. A service-shaped poset (requests fanning out to a database and back) of
   10,000 to 1,000,000 events, matched by one-event and composite patterns,
   whole-poset and incrementally.
3. ``A || B`` (independence) on one causal chain of 10,000 to 50,000 events, where
   nothing matches, and on 1,000 and 2,000 root events, where every A matches every
   B: CPU seconds and the peak of memory traced (tracemalloc) while matching.
4. ``Out & Other`` (join) down a pipe carrying injected events, where the n-th
   ``Out`` descends from n roots, 2,000 to 8,000 steps, with no ``Other`` and with
   one every 100 steps (each joins every ``Out``); and on 50,000 independent
   request trees, each with its own root: CPU seconds and peak memory traced.
5. ``Req >> Res`` at N = 1,000 beside PyRapide 0.3.0, through the subprocess
   mechanism of ``compare_pyrapide030.py`` (its workload ``pairs_1k_match_req_then_res``).
6. The bound a workbench ``watch``, ``break`` or ``expect`` puts on matching
   (``limit=100_000``): ``A -> B`` on one causal chain of 2,000 events (500,500
   pairs), until ``TooManyMatches``: ``match_all``, a matcher fed every event, and
   both in turn, as a new ``watch`` primes itself.
7. ``A+`` and ``A(i=?i)+`` (repeat) on one causal chain of 4,000 to 64,000 events,
   half of them A: a match each time an occurrence completes, the last holding them
   all, so the matches hold events quadratic in N; reported, they are gathered only
   when read, and none is read here. Cost per event, whole-poset and incremental.
8. The bound's worst shape: ``A -> B`` where no A precedes any B (n root A's, then a
   causal chain of n B's), 1,000 to 4,000 of each. No match is made, so the bound
   (which counts matches made) never stops it, and every pair is tried: each B's
   probe costs the lesser of its ancestry and the A's stored, both growing with n.
   CPU seconds of ``match_all`` and of a matcher fed every event, with the bound.

Times are the least CPU time of ``--repeat`` runs; posets are built untimed, then every
event is fed to a fresh matcher in recording order (what the runtime does
after recording each event).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from pyrapide.core import Event, Poset  # noqa: E402
from pyrapide.patterns import Matcher, Pattern, TooManyMatches, parse_pattern  # noqa: E402
from pyrapide.patterns.engine import match_all  # noqa: E402


def request_pairs(events: int) -> Poset:
    """``events / 2`` independent pairs: a root ``Req`` and the ``Res`` it causes."""
    poset = Poset()
    add = poset.add
    for i in range(events // 2):
        request = Event("Req", {"i": i}, id=f"q{i}")
        add(request)
        add(Event("Res", {"i": i}, id=f"r{i}"), caused_by=(request,))
    return poset


def service_calls(events: int) -> Poset:
    """Requests, each causing a query, its result and a response (4 events a request);
    every 10th request also causes a cache lookup that is independent of the query."""
    poset = Poset()
    add = poset.add
    for n in range(events // 4):
        key = n % 1000
        request = Event("API.request", {"key": key, "type": "query"}, id=f"q{n}", source="api")
        query = Event("DB.query", {"key": key}, id=f"d{n}", source="db")
        result = Event("DB.result", {"key": key, "rows": n % 7}, id=f"r{n}", source="db")
        add(request)
        add(query, caused_by=(request,))
        add(result, caused_by=(query,))
        add(Event("API.response", {"key": key}, id=f"s{n}", source="api"), caused_by=(result,))
    return poset


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """The least CPU time of ``repeat`` runs, and the last run's result.

    CPU time of this process, not wall time: the machines these run on are shared,
    and time spent running someone else's process is not a cost of matching.
    """
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        result = run()
        best = min(best, time.process_time() - start)
    return best, result


def incremental(pattern: Pattern, poset: Poset) -> Callable[[], int]:
    def run() -> int:
        feed = pattern.matcher().feed
        return sum(len(feed(event, poset)) for event in poset)

    return run


def batch(pattern: Pattern, poset: Poset) -> Callable[[], int]:
    return lambda: len(pattern.match_in(poset))


def scaling(repeat: int) -> None:
    print("Req >> Res over N/2 independent pairs (cost per event)")
    print(f"{'N':>9} {'matches':>9} {'incremental':>13} {'match_in':>10}")
    pattern = Pattern.match("Req") >> Pattern.match("Res")
    per_event: dict[str, list[float]] = {"incremental": [], "match_in": []}
    for events in (20_000, 50_000, 100_000, 200_000, 400_000):
        poset = request_pairs(events)
        fed, found = best_of(repeat, incremental(pattern, poset))
        whole, found_batch = best_of(repeat, batch(pattern, poset))
        assert found == found_batch == events // 2
        per_event["incremental"].append(fed / events)
        per_event["match_in"].append(whole / events)
        print(
            f"{events:>9,} {found:>9,} {fed / events * 1e6:>10.2f} us "
            f"{whole / events * 1e6:>7.2f} us"
        )
        del poset
    for mode, costs in per_event.items():
        print(f"  {mode}: largest/smallest cost per event = {max(costs) / min(costs):.2f}x")


SERVICE_PATTERNS = {
    "one event": "API.response(key=7)",
    "one event, any name": '*(type="query") from "api"',
    "sequence + placeholder": "API.request(key=?k) -> API.response(key=?k)",
    "direct cause": "DB.query => DB.result",
    "join": "DB.result & API.response",
    "chain of three": "API.request -> DB.result -> API.response",
    "guarded": "DB.result(rows=?n) where ?n > 5",
}


def service(max_events: int, repeat: int) -> None:
    print("\nService-shaped posets (total seconds, and cost per event)")
    sizes = [size for size in (10_000, 100_000, 1_000_000) if size <= max_events]
    header = "".join(f"{f'{size:,} events':>26}" for size in sizes)
    print(f"{'pattern':<24} {'mode':<12}{header}")
    posets = {size: service_calls(size) for size in sizes}
    for label, text in SERVICE_PATTERNS.items():
        pattern = parse_pattern(text)
        for mode, runner in (("match_in", batch), ("incremental", incremental)):
            cells = []
            for size in sizes:
                runs = 1 if size >= 1_000_000 else repeat
                seconds, found = best_of(runs, runner(pattern, posets[size]))
                cells.append(f"{seconds:>8.3f}s {seconds / size * 1e6:>5.2f}us {found:>8,}")
            print(f"{label:<24} {mode:<12}" + "".join(f"{cell:>26}" for cell in cells))
    print("  (columns: seconds, cost per event, matches)")
    for label, text in SERVICE_PATTERNS.items():
        print(f"  {label}: {text}")


def beside_030(repeat: int) -> None:
    import compare_pyrapide030 as compare

    name = "pairs_1k_match_req_then_res"
    print("\nReq >> Res at N = 1,000 beside PyRapide 0.3.0 (match_in, best of runs)")
    ours = compare.run_worker(sys.executable, [name], repeat, reference=False)
    theirs = compare.run_worker(compare.reference_python(), [name], repeat, reference=True)
    poset = request_pairs(compare.PAIRS_EVENTS)
    pattern = Pattern.match("Req") >> Pattern.match("Res")
    fed, _ = best_of(repeat, incremental(pattern, poset))
    print(f"  PyRapide {theirs['version']} match_in: {theirs[name] * 1e3:9.2f} ms")
    print(
        f"  PyRapide {ours['version']} match_in: {ours[name] * 1e3:9.2f} ms"
        f"   ({theirs[name] / ours[name]:,.0f}x faster)"
    )
    print(
        f"  PyRapide {ours['version']} incremental: {fed * 1e3:6.2f} ms"
        f"   ({theirs[name] / fed:,.0f}x faster)"
    )


def one_chain(events: int) -> Poset:
    """One causal chain of events named A and B in turn: nothing in it is independent."""
    poset = Poset()
    previous = None
    for i in range(events):
        event = Event("A" if i % 2 == 0 else "B", {"i": i}, id=f"c{i}")
        poset.add(event, caused_by=(previous,) if previous is not None else None)
        previous = event
    return poset


def roots(events: int) -> Poset:
    """Events without causes, named A and B in turn: every A is independent of every B."""
    poset = Poset()
    for i in range(events):
        poset.add(Event("A" if i % 2 == 0 else "B", {"i": i}, id=f"r{i}"))
    return poset


def peak_memory(run: Callable[[], Any]) -> tuple[int, Any]:
    """The peak of memory traced while ``run`` runs (tracemalloc), and its result."""
    gc.collect()
    tracemalloc.start()
    try:
        result = run()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def independence(max_events: int, repeat: int) -> None:
    print("\nA || B (independence): CPU seconds, and peak memory traced while matching")
    pattern = parse_pattern("A || B")
    print(f"{'poset':<22} {'matches':>9} {'mode':<12} {'seconds':>8} {'peak':>10}")
    cases = [
        (f"one chain of {size:,}", one_chain, size)
        for size in (10_000, 20_000, 50_000)
        if size <= max_events
    ]
    # 2,000 roots make a million matches: only in the full run.
    sizes = (1_000, 2_000) if max_events >= 1_000_000 else (1_000,)
    cases += [(f"{size:,} roots", roots, size) for size in sizes]
    for label, build, size in cases:
        poset = build(size)
        for mode, runner in (("match_in", batch), ("incremental", incremental)):
            seconds, found = best_of(repeat, runner(pattern, poset))
            peak, _ = peak_memory(runner(pattern, poset))
            per_match = f" ({peak / found:,.0f} B/match)" if found else ""
            print(
                f"{label:<22} {found:>9,} {mode:<12} {seconds:>8.3f} "
                f"{peak / 2**20:>7.1f} MB{per_match}",
                flush=True,
            )
        del poset


def pipe_of_roots(steps: int, other_every: int = 0) -> Poset:
    """A pipe carrying injected events: each ``Out`` is caused by its own root ``Req``
    and the ``Out`` before it; an ``Other`` after every ``other_every``-th ``Out``."""
    poset = Poset()
    previous: tuple[Event, ...] = ()
    for i in range(steps):
        request = Event("Req", {"i": i}, id=f"q{i}")
        out = Event("Out", {"i": i}, id=f"o{i}")
        poset.add(request)
        poset.add(out, caused_by=(request, *previous))
        previous = (out,)
        if other_every and i % other_every == 0:
            poset.add(Event("Other", {"i": i}, id=f"x{i}"), caused_by=previous)
    return poset


def request_trees(trees: int) -> Poset:
    """Independent trees: a root ``Req`` causing an ``Out`` and an ``Other``."""
    poset = Poset()
    for i in range(trees):
        request = Event("Req", {"i": i}, id=f"q{i}")
        poset.add(request)
        poset.add(Event("Out", {"i": i}, id=f"o{i}"), caused_by=(request,))
        poset.add(Event("Other", {"i": i}, id=f"x{i}"), caused_by=(request,))
    return poset


def join(max_events: int, repeat: int) -> None:
    print("\nOut & Other (join): CPU seconds, and peak memory traced while matching")
    pattern = parse_pattern("Out & Other")
    print(f"{'poset':<32} {'matches':>9} {'mode':<12} {'seconds':>8} {'peak':>10}")
    cases: list[tuple[str, Callable[[], Poset]]] = []
    for steps in (2_000, 4_000, 8_000):
        if 2 * steps <= max_events:
            cases.append((f"pipe of {steps:,} roots", partial(pipe_of_roots, steps)))
            cases.append((
                f"pipe of {steps:,}, Other every 100",
                partial(pipe_of_roots, steps, other_every=100),
            ))
    cases.append(("50,000 request trees", partial(request_trees, 50_000)))
    for label, build in cases:
        poset = build()
        for mode, runner in (("match_in", batch), ("incremental", incremental)):
            seconds, found = best_of(repeat, runner(pattern, poset))
            peak, _ = peak_memory(runner(pattern, poset))
            print(
                f"{label:<32} {found:>9,} {mode:<12} {seconds:>8.3f} {peak / 2**20:>7.1f} MB",
                flush=True,
            )
        del poset


def stopped_at_limit(repeat: int, limit: int = 100_000) -> None:
    """Section 6: CPU seconds until matching ``A -> B`` stops at ``limit``."""
    poset = one_chain(2_000)
    pattern = parse_pattern("A -> B")

    def whole() -> None:
        try:
            match_all(pattern, poset, limit=limit)
        except TooManyMatches:
            return
        raise AssertionError("the limit was not reached")

    def fed() -> None:
        matcher = Matcher(pattern, limit=limit)
        try:
            for event in poset:
                matcher.feed(event, poset)
        except TooManyMatches:
            return
        raise AssertionError("the limit was not reached")

    def primed() -> None:
        whole()
        fed()

    print(f"A -> B on one chain of 2,000 events, stopped at limit={limit:,} (CPU seconds)")
    for label, run in (("match_all", whole), ("matcher fed", fed), ("both (a watch)", primed)):
        seconds, _ = best_of(repeat, run)
        print(f"  {label:<15} {seconds:6.3f}")


def repeat_per_event(max_events: int, repeat: int) -> None:
    """Section 7: cost per event of a repeat over one chain, its matches left unread."""
    print("\nA+ on one chain of events named A and B in turn (cost per event)")
    print(f"{'pattern':<10} {'N':>7} {'matches':>8} {'incremental':>12} {'match_in':>10}")
    for events in (4_000, 16_000, 64_000):
        if events > max_events:
            break
        poset = one_chain(events)
        for text in ("A+", "A(i=?i)+"):
            pattern = parse_pattern(text)
            fed, found = best_of(repeat, incremental(pattern, poset))
            whole, found_batch = best_of(repeat, batch(pattern, poset))
            assert found == found_batch == events // 2
            print(
                f"{text:<10} {events:>7,} {found:>8,} {fed / events * 1e6:>9.2f} us "
                f"{whole / events * 1e6:>7.2f} us",
                flush=True,
            )
        del poset


def unmatched_under_limit(repeat: int, limit: int = 100_000) -> None:
    """Section 8: CPU seconds of ``A -> B`` with no match, which the bound cannot stop."""
    print(f"\nA -> B, n root A's then a chain of n B's: no match (limit={limit:,}, CPU seconds)")
    pattern = parse_pattern("A -> B")
    for count in (1_000, 2_000, 4_000):
        poset = Poset()
        for n in range(count):
            poset.add(Event("A", {}, "a", f"a{n}", 0.0))
        previous: list[Event] = []
        for n in range(count):
            event = Event("B", {}, "b", f"b{n}", 0.0)
            poset.add(event, previous)
            previous = [event]
        def fed_bounded(poset: Poset = poset) -> int:
            matcher = Matcher(pattern, limit=limit)
            return sum(len(matcher.feed(event, poset)) for event in poset)

        whole, found = best_of(repeat, partial(match_all, pattern, poset, limit=limit))
        fed, found_fed = best_of(repeat, fed_bounded)
        assert len(found) == found_fed == 0
        print(f"  n = {count:>5,}  match_all {whole:7.3f}  matcher fed {fed:7.3f}", flush=True)


SECTIONS = (
    "scaling", "service", "independence", "join", "0.3.0", "limit", "repeat", "unmatched"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, default=[], help="run only these sections"
    )
    options = parser.parse_args()
    sections = options.only or SECTIONS
    if "scaling" in sections:
        scaling(options.repeat)
    if "service" in sections:
        service(options.max_events, options.repeat)
    if "independence" in sections:
        independence(options.max_events, options.repeat)
    if "join" in sections:
        join(options.max_events, options.repeat)
    if "0.3.0" in sections:
        beside_030(options.repeat)
    if "limit" in sections:
        stopped_at_limit(options.repeat)
    if "repeat" in sections:
        repeat_per_event(options.max_events, options.repeat)
    if "unmatched" in sections:
        unmatched_under_limit(options.repeat)


if __name__ == "__main__":
    main()

"""Cost per event of constraint checking and stream processing as the stream grows.

Usage:  python benchmarks/bench_constraints.py [--quick] [--open-requests]

The stream is N/2 independent pairs: a root ``Req`` and the ``Res`` it causes.
The monitor checks a ``never``, a ``must_match`` and an ``every(...).leads_to``
at once; the keyed run pairs each request with its own response through a
placeholder; the stream run feeds a ``StreamProcessor`` with one watch and two
constraints over a sliding window of 10,000 events, the filtered run a constraint
class whose filter lets each request through only once its response arrives. A
flat cost per event from the smallest N to the largest is what incremental
checking promises.

``--open-requests`` measures instead the keyed ``leads_to`` in its worst shape: the
N/2 requests all of one key and all open (recorded first), then the response to
each. A response tests every open request that agrees with it, so each costs the
number of requests still open: the cost per event grows with N.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Iterator

from pyrapide import (
    ConstraintMonitor,
    Event,
    InMemoryEventSource,
    Pattern,
    StreamProcessor,
    constraint,
    every,
    must_match,
    never,
    placeholder,
)


def request_pairs(events: int) -> Iterator[tuple[Event, Event]]:
    for i in range(events // 2):
        yield Event("Req", {"k": i}), Event("Res", {"k": i})


def open_requests_cost(events: int) -> float:
    """Seconds per event for the keyed ``leads_to`` fed every request of one key,
    then every response (each caused by its request)."""
    k = placeholder("k")
    monitor = ConstraintMonitor(
        [every(Pattern.match("Req", k=k)).leads_to(Pattern.match("Res", k=k), name="answered")]
    )
    requests = [Event("Req", {"k": 0}) for _ in range(events // 2)]
    responses = [Event("Res", {"k": 0}) for _ in range(events // 2)]
    start = time.process_time()
    for request in requests:
        monitor.check(request)
    for request, response in zip(requests, responses, strict=True):
        monitor.check(response, caused_by=[request])
    assert monitor.finish() == []
    return (time.process_time() - start) / events


def monitor_cost(events: int, keyed: bool) -> float:
    """Seconds per event for a monitor fed every pair, with the response's cause given."""
    if keyed:
        k = placeholder("k")
        constraints = [
            every(Pattern.match("Req", k=k)).leads_to(Pattern.match("Res", k=k), name="answered")
        ]
    else:
        constraints = [
            never(Pattern.match("Req") >> Pattern.match("Err"), name="no_errors"),
            must_match(Pattern.match("Res"), name="some_response"),
            every(Pattern.match("Req")).leads_to(Pattern.match("Res"), name="answered"),
        ]
    monitor = ConstraintMonitor(constraints)
    pairs = list(request_pairs(events))
    start = time.process_time()
    for request, response in pairs:
        monitor.check(request)
        monitor.check(response, caused_by=[request])
    assert monitor.finish() == []
    return (time.process_time() - start) / events


def stream_cost(events: int, window: int) -> float:
    """Seconds per event for a StreamProcessor with a watch and two constraints."""

    def setup(processor: StreamProcessor) -> None:
        processor.watch(Pattern.match("Req") >> Pattern.match("Res"), lambda match: None)
        processor.enforce(never(Pattern.match("Err")))
        processor.enforce(every("Req").leads_to("Res"))

    return drain_cost(events, window, setup)


def filtered_stream_cost(events: int, window: int) -> float:
    """Seconds per event for a StreamProcessor checking a constraint class whose filter
    lets each request through only when its response arrives (the late admissions)."""

    @constraint
    class Answered:
        filter = Pattern.match("Req") >> Pattern.match("Res")

        def define(self) -> None:
            never(Pattern.match("Req", k=-1), name="no_bad_request")
            every("Req").leads_to("Res", name="answered")

    return drain_cost(events, window, lambda processor: processor.enforce(Answered()))


def drain_cost(events: int, window: int, setup: Callable[[StreamProcessor], None]) -> float:
    """Seconds per event for a StreamProcessor, prepared by ``setup``, draining a closed
    in-memory source of the request pairs."""

    async def drain() -> float:
        source = InMemoryEventSource("pairs")
        processor = StreamProcessor()
        processor.add_source("pairs", source)
        setup(processor)
        for request, response in request_pairs(events):
            source.put_nowait(request)
            source.put_nowait(response, caused_by=[request])
        await source.close()
        start = time.process_time()
        await processor.run(window_size=window)
        return (time.process_time() - start) / events

    return asyncio.run(drain())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 100,000 only")
    parser.add_argument("--open-requests", action="store_true",
                        help="the keyed leads_to with every request open, one key")
    args = parser.parse_args()
    if args.open_requests:
        print("ConstraintMonitor: leads_to keyed, N/2 requests of one key open, then "
              "their responses (CPU µs per event)")
        for events in (1_000, 2_000, 4_000):
            print(f"  N = {events:>9,}  {open_requests_cost(events) * 1e6:8.2f}")
        return
    sizes = (1_000, 20_000, 100_000) if args.quick else (1_000, 20_000, 100_000, 400_000)

    print("ConstraintMonitor: never + must_match + leads_to (CPU µs per event)")
    for events in sizes:
        print(f"  N = {events:>9,}  {monitor_cost(events, keyed=False) * 1e6:8.2f}")
    print("ConstraintMonitor: leads_to keyed by a placeholder")
    for events in sizes[1:]:
        print(f"  N = {events:>9,}  {monitor_cost(events, keyed=True) * 1e6:8.2f}")
    print("StreamProcessor: one watch, two constraints, window 10,000")
    for events in sizes[2:]:
        print(f"  N = {events:>9,}  {stream_cost(events, window=10_000) * 1e6:8.2f}")
    print("StreamProcessor: a @constraint class filtered by Req >> Res, window 10,000")
    for events in sizes[2:]:
        print(f"  N = {events:>9,}  {filtered_stream_cost(events, window=10_000) * 1e6:8.2f}")


if __name__ == "__main__":
    main()

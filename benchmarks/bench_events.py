"""What making an event costs, by payload shape: by hand, from a dict, and loaded from a file.

Usage:  python benchmarks/bench_events.py [--calls N] [--events N] [--repeat R]

1. ``Event(...)`` per call, for payloads of scalars only (none, one key, five keys),
   one holding a list of ten ints and one holding a list of objects; then
   ``Event.from_dict`` of a ``to_dict()`` and a pickle round trip of one event.
   Every list and object inside a payload is copied read-only as the event is
   made, so the shapes with lists pay for that copy; scalar payloads must not.
2. ``Computation.load`` of a saved chain of ``--events`` events (microseconds per
   event), once with scalar payloads and once with a list in every payload.

CPU time (``time.process_time``), best of ``--repeat`` rounds, which filters out
most of the noise of other processes. Nothing is asserted: the numbers are for
reading.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyrapide.core import Computation, Event

PAYLOADS: dict[str, dict[str, Any] | None] = {
    "no payload": None,
    "one scalar": {"key": 1},
    "five scalars": {"key": "users/1", "n": 1, "ratio": 0.5, "ok": True, "note": None},
    "a list of 10 ints": {"key": "users/1", "rows": list(range(10))},
    "a list of 3 objects": {"rows": [{"id": n, "tags": ["a"]} for n in range(3)]},
}


def best_of(rounds: int, calls: int, work: Callable[[], object]) -> float:
    """The best time of ``rounds`` rounds of ``calls`` calls of ``work``, in us per call."""
    best = float("inf")
    loop = range(calls)
    for _ in range(rounds):
        start = time.process_time()
        for _ in loop:
            work()
        best = min(best, time.process_time() - start)
    return best / calls * 1e6


def building(calls: int, rounds: int) -> None:
    print(f"Making one event (us per call, best of {rounds} rounds of {calls:,})")
    for shape, payload in PAYLOADS.items():
        print(f"  Event(), {shape:<22} {best_of(rounds, calls, lambda p=payload: make(p)):6.3f}")
    document = make(PAYLOADS["a list of 10 ints"]).to_dict()
    from_dict = best_of(rounds, calls, lambda: Event.from_dict(document))
    print(f"  Event.from_dict, a list of 10 ints {from_dict:6.3f}")
    pickled = pickle.dumps(make(PAYLOADS["a list of 3 objects"]))
    unpickling = best_of(rounds, calls, lambda: pickle.loads(pickled))
    print(f"  pickle.loads, a list of 3 objects  {unpickling:6.3f}")


def make(payload: dict[str, Any] | None) -> Event:
    return Event("Api.request", payload, "api", "id", 1.0)


def saved_chain(size: int, directory: Path, with_list: bool) -> Path:
    computation = Computation()
    previous: list[Event] = []
    for number in range(size):
        payload: dict[str, Any] = {"key": f"users/{number}", "n": number}
        if with_list:
            payload["rows"] = [1, 2, 3]
        event = Event("Api.request", payload, source="api", id=f"e{number}")
        computation.record(event, caused_by=previous)
        previous = [event]
    path = directory / f"chain-{size}-{with_list}.json"
    computation.save(path)
    return path


def loading(size: int, rounds: int, directory: Path) -> None:
    print(f"Computation.load of a chain of {size:,} events (us per event, best of {rounds})")
    for with_list, shape in ((False, "scalar payloads"), (True, "a list in every payload")):
        path = saved_chain(size, directory, with_list)
        print(f"  {shape:<24} {best_of(rounds, 1, lambda p=path: Computation.load(p)) / size:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000, help="calls per round")
    parser.add_argument("--events", type=int, default=100_000, help="events in the file")
    parser.add_argument("--repeat", type=int, default=7, help="rounds; the best counts")
    args = parser.parse_args()
    building(args.calls, args.repeat)
    with tempfile.TemporaryDirectory() as directory:
        loading(args.events, args.repeat, Path(directory))


if __name__ == "__main__":
    main()

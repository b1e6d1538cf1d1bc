"""What the guards at the edges cost: loading files (time and memory), and checking payloads.

Usage:  python benchmarks/bench_files.py [--events N ...] [--brackets-mb MB] [--quick]
                                        [--wide]

1. Loading. A computation of N events (a chain; payloads with a string, an int and a
   list) is saved, then loaded in a fresh process, which reports the CPU time per
   event and its memory: the peak resident size while loading, what the loaded
   computation keeps, and the difference (what loading needed on top) as a multiple
   of the file's size. ``--wide`` loads each chain a second time with one character
   outside the Basic Multilingual Plane (an emoji) in its first payload: the worst
   shape for the text, which that one character makes four bytes a character.
2. A file of nothing but ``[`` (``--brackets-mb``, 256 by default; 1024 is the
   gigabyte case): the time to refuse it and the peak memory, as a multiple of its
   size. It is parsed once; the text is the largest thing held.
3. Checking payloads: microseconds per ``check_payload`` call (what every emit and
   inject pays) for a flat payload, one with a float, and one with a list of 100 ints.

CPU time of the process (``time.process_time``); memory from the kernel's count of the
process's resident pages and their high-water mark (Linux, /proc). Nothing is
asserted: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyrapide import Computation, Event, action, interface
from pyrapide.types import interface_actions
from pyrapide.types.payloads import check_payload

_CHILD = """
import gc, json, sys, time
from pyrapide import Computation
from pyrapide.core import ComputationFileError

def status(field):
    # VmHWM, not getrusage: ru_maxrss keeps the size of the parent this process was
    # forked from, the high-water mark of the new image does not.
    with open("/proc/self/status") as stream:
        for line in stream:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)

def rss():
    return status("VmRSS")

gc.collect()
before = rss()
start = time.process_time()
try:
    loaded = Computation.load(sys.argv[1])
    outcome = f"{len(loaded)} events"
except ComputationFileError as error:
    loaded, outcome = None, str(error)[-60:]
seconds = time.process_time() - start
gc.collect()
kept = rss() - before
peak = status("VmHWM") - before
print(json.dumps({"seconds": seconds, "kept": kept, "peak": peak, "outcome": outcome}))
"""


def load_in_a_fresh_process(path: Path) -> dict[str, float | str]:
    """Load ``path`` in a new interpreter; its CPU time and memory figures."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(done.stdout)


def saved_chain(size: int, directory: Path, wide: bool = False) -> Path:
    """A chain of ``size`` events saved in ``directory``; with ``wide``, the first
    payload's key holds an emoji."""
    computation = Computation()
    previous: list[Event] = []
    for number in range(size):
        key = f"users/{number}" + ("\N{GRINNING FACE}" if wide and not number else "")
        event = Event(
            "Api.request",
            {"key": key, "n": number, "rows": [1, 2, 3]},
            source="api",
            id=f"e{number}",
        )
        computation.record(event, caused_by=previous)
        previous = [event]
    path = directory / f"chain-{size}{'-wide' if wide else ''}.json"
    computation.save(path)
    return path


def mb(size: float) -> str:
    return f"{size / 2**20:,.0f} MB"


def loading(sizes: list[int], brackets_mb: int, directory: Path, wide: bool = False) -> None:
    print("Loading a saved chain (fresh process each)")
    print(f"  {'events':>9} {'file':>8} {'us/event':>9} {'peak':>8} {'kept':>8} {'extra/file':>10}")
    for size in sizes:
        for widened in (False, True) if wide else (False,):
            path = saved_chain(size, directory, widened)
            figures = load_in_a_fresh_process(path)
            file_size = path.stat().st_size
            extra = (float(figures["peak"]) - float(figures["kept"])) / file_size
            print(
                f"  {size:>9,} {mb(file_size):>8} {float(figures['seconds']) / size * 1e6:>9.2f}"
                f" {mb(float(figures['peak'])):>8} {mb(float(figures['kept'])):>8} {extra:>9.2f}x"
                + ("  (one emoji)" if widened else "")
            )
    if brackets_mb:
        path = directory / "brackets.json"
        with path.open("w") as stream:
            for _ in range(brackets_mb):
                stream.write("[" * 2**20)
        figures = load_in_a_fresh_process(path)
        file_size = path.stat().st_size
        print(
            f"A file of {mb(file_size)} of '[': refused in {float(figures['seconds']):.2f} s, "
            f"peak {mb(float(figures['peak']))} = {float(figures['peak']) / file_size:.2f}x "
            f"the file ({figures['outcome']!r})"
        )
        path.unlink()


@interface
class Api:
    @action
    async def request(self, key: str, n: int, ratio: float = 0.5, rows: list[int] = ()) -> None:
        """A request."""


def checking(calls: int) -> None:
    spec = interface_actions(Api)["Api.request"]
    shapes = {
        "flat (str, int)": {"key": "users/1", "n": 1},
        "with a float": {"key": "users/1", "n": 1, "ratio": 0.25},
        "with a list of 100 ints": {"key": "users/1", "n": 1, "rows": list(range(100))},
    }
    print("Checking a payload against its action (per call)")
    for label, payload in shapes.items():
        best = float("inf")
        for _ in range(5):
            start = time.process_time()
            for _ in range(calls):
                check_payload(spec, "Api.request", payload)
            best = min(best, time.process_time() - start)
        print(f"  {label:<26} {best / calls * 1e6:6.2f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, action="append", help="chain sizes to load")
    parser.add_argument("--brackets-mb", type=int, default=256, help="0 skips the case")
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--wide", action="store_true", help="each chain again, with an emoji")
    args = parser.parse_args()
    sizes = args.events or ([20_000] if args.quick else [100_000, 300_000])
    brackets = min(args.brackets_mb, 32) if args.quick else args.brackets_mb
    with tempfile.TemporaryDirectory() as directory:
        loading(sizes, brackets, Path(directory), args.wide)
    checking(20_000 if args.quick else 100_000)


if __name__ == "__main__":
    main()

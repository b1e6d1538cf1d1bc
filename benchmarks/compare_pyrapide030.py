"""Time the same workloads in this PyRapide and in PyRapide 0.3.0, side by side.

Usage:  python benchmarks/compare_pyrapide030.py [--only NAME ...] [--repeat N]

Each workload is a function registered under a name with ``@workload``.  It
receives the imported ``pyrapide`` package (ours or 0.3.0's), may prepare what
it needs untimed, and returns the seconds spent in the part it measures, so it
must stick to the API both versions share.  Both versions run in their own
subprocess: ours with this interpreter, 0.3.0 with ``$PYRAPIDE030_PYTHON`` or,
if unset, a reference virtualenv created once in ``benchmarks/.ref-venv``.
The best (lowest) of the repeats is reported, which filters out noise from
other processes on the machine; the core workloads also time CPU time
(time.process_time) rather than wall time, for the same reason, and this
tree's side repeats them for at least a second (see ``workload``'s budget).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import venv
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
REF_VENV = HERE / ".ref-venv"

Workload = Callable[[ModuleType], float]
WORKLOADS: dict[str, tuple[str, Workload, int, float]] = {}
"""name -> (description, function, how many times 0.3.0 runs it at most, budget)."""


def workload(
    name: str, description: str, slow_repeats: int = 1, budget: float = 0.0
) -> Callable[[Workload], Workload]:
    """Register a workload; ``slow_repeats`` caps repeats in 0.3.0 when it is very slow.

    With a ``budget`` (seconds), this tree's side repeats the workload past
    ``--repeat`` until its timed runs add up to the budget.  A run of a few
    milliseconds otherwise lands, all repeats together, inside one busy moment
    of a shared machine (on a virtual machine the CPU time stolen by the host
    is charged to the process), while 0.3.0's run of seconds spans many.
    """

    def register(function: Workload) -> Workload:
        WORKLOADS[name] = (description, function, slow_repeats, budget)
        return function

    return register


# -- core workloads ---------------------------------------------------------

CORE_BUDGET = 1.0
"""Seconds of timed runs this tree's side spends on each core workload at least."""

_built: dict[tuple[int, int], tuple[Any, list[list[Any]]]] = {}


def build_chains(pyrapide: ModuleType, chains: int, length: int) -> tuple[Any, list[list[Any]]]:
    """``chains`` chains of ``length`` events recorded round-robin, then five cross links."""
    poset = pyrapide.Poset()
    lanes: list[list[Any]] = [[] for _ in range(chains)]
    for step in range(length):
        for k, lane in enumerate(lanes):
            event = pyrapide.Event(
                name=f"Worker{k}.step",
                id=f"w{k}-{step}",
                payload={"step": step},
                source=f"worker{k}",
                timestamp=float(step),
            )
            poset.add(event, caused_by=[lane[-1]] if lane else None)
            lane.append(event)
    for j in range(5):
        cause = lanes[10 * j][length // 5 + j]
        effect = lanes[10 * j + 5][3 * length // 5 + j]
        poset.add_causal_link(cause, effect)
    return poset, lanes


def built_chains(pyrapide: ModuleType, chains: int, length: int) -> tuple[Any, list[list[Any]]]:
    """The same poset, built once per process (0.3.0 takes seconds to build it)."""
    if (chains, length) not in _built:
        _built[chains, length] = build_chains(pyrapide, chains, length)
    return _built[chains, length]


def round_trip(pyrapide: ModuleType, poset: Any, expected: int) -> None:
    computation = pyrapide.Computation(poset)
    again = pyrapide.Computation.from_dict(computation.to_dict())
    assert len(again.events) == expected


def ancestry_queries(pyrapide: ModuleType, chains: int, length: int) -> float:
    poset, lanes = built_chains(pyrapide, chains, length)
    events = [event for lane in lanes for event in lane]
    rng = random.Random(2024)
    pairs = [(rng.choice(events), rng.choice(events)) for _ in range(10_000)]
    is_ancestor = poset.is_ancestor
    start = time.process_time()
    for a, b in pairs:
        is_ancestor(a, b)
    return time.process_time() - start


for _chains, _length in ((50, 40), (50, 100)):

    def _build_and_round_trip(pyrapide: ModuleType, c: int = _chains, n: int = _length) -> float:
        start = time.process_time()
        poset, _ = build_chains(pyrapide, c, n)
        round_trip(pyrapide, poset, c * n)
        return time.process_time() - start

    def _round_trip_only(pyrapide: ModuleType, c: int = _chains, n: int = _length) -> float:
        poset, _ = built_chains(pyrapide, c, n)
        start = time.process_time()
        round_trip(pyrapide, poset, c * n)
        return time.process_time() - start

    def _queries(pyrapide: ModuleType, c: int = _chains, n: int = _length) -> float:
        return ancestry_queries(pyrapide, c, n)

    _size = f"{_chains}x{_length}"
    workload(
        f"chains{_size}_build_round_trip",
        f"{_chains} chains of {_length} events ({_chains * _length:,}), 5 cross links,"
        " then Computation to_dict and from_dict (all timed)",
        budget=CORE_BUDGET,
    )(_build_and_round_trip)
    workload(
        f"chains{_size}_round_trip_only",
        f"the same {_chains * _length:,} events built untimed; to_dict and from_dict",
        3,
        budget=CORE_BUDGET,
    )(_round_trip_only)
    workload(
        f"chains{_size}_10k_queries",
        f"10,000 is_ancestor queries on random pairs of that poset ({_chains * _length:,})",
        3,
        budget=CORE_BUDGET,
    )(_queries)


# -- pattern workloads -----------------------------------------------------

PAIRS_EVENTS = 1_000


def build_request_pairs(pyrapide: ModuleType, events: int) -> Any:
    """``events / 2`` independent pairs: a root ``Req`` and the ``Res`` it causes."""
    poset = pyrapide.Poset()
    for i in range(events // 2):
        request = pyrapide.Event(name="Req", payload={"i": i})
        poset.add(request)
        poset.add(pyrapide.Event(name="Res", payload={"i": i}), caused_by=[request])
    return poset


@workload("pairs_1k_match_req_then_res", "500 independent Req -> Res pairs, match Req >> Res")
def pairs_match(pyrapide: ModuleType) -> float:
    poset = build_request_pairs(pyrapide, PAIRS_EVENTS)
    pattern = pyrapide.Pattern.match("Req") >> pyrapide.Pattern.match("Res")
    start = time.perf_counter()
    matches = pattern.match_in(poset)
    elapsed = time.perf_counter() - start
    assert len(matches) == PAIRS_EVENTS // 2
    return elapsed


# -- runtime workloads ------------------------------------------------------

PRODUCED = 400


@workload(
    "runtime_400_connect_round_trips",
    "a producer emits 400 events in start() to a consumer (connect) that answers each; "
    "Engine.run until quiescent",
)
def producer_consumer(pyrapide: ModuleType) -> float:
    import asyncio
    import importlib

    # 0.3.0 keeps get_context in pyrapide.executable.module, not at the top level.
    get_context = getattr(pyrapide, "get_context", None) or importlib.import_module(
        "pyrapide.executable.module"
    ).get_context

    @pyrapide.interface
    class Producer:
        @pyrapide.action
        async def item(self, n: int) -> None: ...

    @pyrapide.interface
    class Consumer:
        @pyrapide.action
        async def answer(self, n: int) -> None: ...

    @pyrapide.module(implements=Producer)
    class ProducerModule:
        async def start(self) -> None:
            ctx = get_context(self)
            for n in range(PRODUCED):
                ctx.generate_event("Producer.item", payload={"n": n})

    @pyrapide.module(implements=Consumer)
    class ConsumerModule:
        @pyrapide.when(pyrapide.Pattern.match("Producer.item"))
        async def on_item(self, match: Any) -> None:
            item = match.events[0]
            get_context(self).generate_event(
                "Consumer.answer", payload={"n": item.payload["n"]}, caused_by=[item]
            )

    def connections(self: Any) -> list[Any]:
        return [pyrapide.connect(pyrapide.Pattern.match("Producer.item"), "consumer")]

    # Built with type() so the annotations are the classes themselves (this file's
    # `from __future__ import annotations` would turn them into unresolvable text).
    ProducerConsumer = pyrapide.architecture(
        type(
            "ProducerConsumer",
            (),
            {
                "__annotations__": {"producer": Producer, "consumer": Consumer},
                "connections": connections,
            },
        )
    )

    async def timed_run() -> tuple[float, Any]:
        arch = ProducerConsumer()
        engine = pyrapide.Engine()
        engine.bind(arch, "producer", ProducerModule)
        engine.bind(arch, "consumer", ConsumerModule)
        # Wall time: 0.3.0 spends this run mostly asleep (it polls for quiescence).
        start = time.perf_counter()
        computation = await engine.run(arch, timeout=600)
        return time.perf_counter() - start, computation

    elapsed, computation = asyncio.run(timed_run())
    assert len(computation.events) == 2 * PRODUCED, len(computation.events)
    return elapsed


# -- constraint workloads ---------------------------------------------------


@workload(
    "monitor_1k_never_and_must_match",
    "ConstraintMonitor with a never and a must_match, fed 500 Req -> Res pairs event by event",
)
def monitor_pairs(pyrapide: ModuleType) -> float:
    Pattern = pyrapide.Pattern
    monitor = pyrapide.ConstraintMonitor()
    monitor.add_constraint(
        pyrapide.never(Pattern.match("Req") >> Pattern.match("Err"), name="no_errors")
    )
    monitor.add_constraint(pyrapide.must_match(Pattern.match("Res"), name="answered"))
    pairs = [
        (pyrapide.Event(name="Req", payload={"i": i}), pyrapide.Event(name="Res", payload={"i": i}))
        for i in range(PAIRS_EVENTS // 2)
    ]
    start = time.perf_counter()
    for request, response in pairs:
        monitor.check(request)
        monitor.check(response)
        # The API both versions share for "response was caused by request".
        monitor.record_causal_link(request, response)
    return time.perf_counter() - start


# -- driver -----------------------------------------------------------------


def reference_python() -> str:
    """The interpreter that has PyRapide 0.3.0, creating benchmarks/.ref-venv if needed."""
    configured = os.environ.get("PYRAPIDE030_PYTHON")
    if configured:
        return configured
    python = REF_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {REF_VENV} with pyrapide==0.3.0 (first run only)...", file=sys.stderr)
        venv.create(REF_VENV, with_pip=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "pyrapide==0.3.0"], check=True
        )
    return str(python)


def run_worker(python: str, names: list[str], repeat: int, reference: bool) -> dict[str, float]:
    """Run the workloads in a fresh interpreter; return name -> best seconds."""
    command = [python, str(Path(__file__).resolve()), "--worker", "--repeat", str(repeat)]
    if reference:
        command.append("--reference")
    # Run from outside the repository so 0.3.0's interpreter cannot import ours.
    result = subprocess.run(
        [*command, *(arg for name in names for arg in ("--only", name))],
        cwd=HERE.anchor,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"benchmark worker {python} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def worker(names: list[str], repeat: int, reference: bool) -> None:
    if not reference:
        sys.path.insert(0, str(REPO))
    import pyrapide

    timings = {}
    for name in names:
        _, function, slow_repeats, budget = WORKLOADS[name]
        if reference:
            timings[name] = min(function(pyrapide) for _ in range(min(repeat, slow_repeats)))
            continue
        times: list[float] = []
        while len(times) < repeat or sum(times) < budget:
            times.append(function(pyrapide))
        timings[name] = min(times)
    print(json.dumps({"version": pyrapide.__version__, **timings}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(WORKLOADS), default=[])
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs (default 5)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    names = options.only or list(WORKLOADS)
    if options.worker:
        worker(names, options.repeat, options.reference)
        return
    ours = run_worker(sys.executable, names, options.repeat, reference=False)
    theirs = run_worker(reference_python(), names, options.repeat, reference=True)
    print(f"PyRapide {ours.pop('version')} (this tree) vs PyRapide {theirs.pop('version')}")
    print(f"{'workload':<34} {'ours':>10} {'0.3.0':>10} {'speed-up':>9}")
    for name in names:
        print(
            f"{name:<34} {ours[name] * 1e3:>8.2f}ms {theirs[name] * 1e3:>8.1f}ms"
            f" {theirs[name] / ours[name]:>8.0f}x"
        )
        print(f"  {WORKLOADS[name][0]}")


if __name__ == "__main__":
    main()

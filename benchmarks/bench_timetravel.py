"""How long going back in a session's history takes, on runs of 10,000 steps.

Run ``python benchmarks/bench_timetravel.py`` (``--steps N`` changes the run's length,
``--repeat N`` how many times each move is timed). A point of the history is rebuilt
by replaying its decisions on a fresh system, so ``back 1`` costs about a replay of the
whole run; this prints what that costs:

1. headless, the ``back 1`` command (then ``forward 1``, ``goto 0`` and the middle
   step), through :meth:`Session.execute`;
2. in the TUI (120x36, headless), from the F8 key entering the app to the first frame
   written once the run is back a step and the History panel says so.

Two shapes of run: a clock piping ticks to itself (one event a step, the cheapest
step) and the seed example (``examples/seed_system.py``) with requests injected, each
injection a decision of its own (connect, pipe and agent deliveries, several events a
step, work in flight).

``--memory`` prints instead what the steps left behind cost to keep (their events are
kept to hold replays to them): the memory traced (tracemalloc) on the pipe clock after
the run, after ``goto 0`` (every step left behind) and after going halfway forward.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_tui import FOREVER, SIZE, FrameClock  # noqa: E402
from rapide_shell.session import Session  # noqa: E402
from rapide_shell.tui.app import RapideApp  # noqa: E402
from rapide_shell.tui.widgets.history_panel import HistoryPanel  # noqa: E402

SEED_EXAMPLE = ROOT / "examples" / "seed_system.py"


async def clock_run(session: Session, steps: int) -> None:
    """One tick injected, then ``steps`` steps of the clock."""
    await _ok(session, "inject Ticker.tick n=0")
    await _ok(session, f"run {steps}")


async def seed_run(session: Session, steps: int) -> None:
    """Requests injected one by one (each a decision), then a run: ``steps`` steps of
    history in all."""
    requests = steps // 5
    for number in range(requests):
        await _ok(session, f"inject APIService.request type=query key=users/{number % 5}")
    await _ok(session, f"run {steps - requests}")


async def _ok(session: Session, line: str) -> None:
    outcome = await session.execute(line)
    if not outcome.ok and "ran" not in str(outcome.data):
        raise SystemExit(f"{line}: {outcome.error}")


def _ms(timings: list[tuple[float, float]]) -> str:
    """Wall and CPU time (median, max): on a shared machine the CPU time is what the
    move costs, the wall time what it cost while others ran."""
    wall = sorted(w * 1000 for w, _ in timings)
    cpu = sorted(c * 1000 for _, c in timings)
    return (f"wall median {statistics.median(wall):7.1f} ms, max {wall[-1]:7.1f} ms; "
            f"CPU median {statistics.median(cpu):7.1f} ms, max {cpu[-1]:7.1f} ms")


async def _timed(action: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """Wall and CPU seconds ``action`` took."""
    wall, cpu = time.perf_counter(), time.process_time()
    await action()
    return time.perf_counter() - wall, time.process_time() - cpu


async def bench_headless(
    label: str, path: Path, drive: Callable[[Session, int], Awaitable[None]], steps: int,
    repeat: int,
) -> None:
    session = Session.load(path, seed=0)
    await session.start()
    try:
        made, _ = await _timed(lambda: drive(session, steps))
        tree = session.decisions
        last = tree.point.number
        print(f"{label}: {last:,} steps in the history, {len(session.computation):,} events; "
              f"made live in {made:.2f} s (wall)")
        backs, forwards = [], []
        for _ in range(repeat):
            backs.append(await _timed(lambda: _ok(session, "back 1")))
            forwards.append(await _timed(lambda: _ok(session, "forward 1")))
        print(f"  back 1     {_ms(backs)}   ({repeat} times)")
        print(f"  forward 1  {_ms(forwards)}")
        start, _ = await _timed(lambda: _ok(session, "goto 0"))
        middle, _ = await _timed(lambda: _ok(session, f"goto {last // 2}"))
        print(f"  goto 0     {start * 1000:7.1f} ms;  goto {last // 2:,}  {middle * 1000:7.1f} ms "
              "(wall)")
    finally:
        await session.close()


async def bench_tui(
    label: str, path: Path, drive: Callable[[Session, int], Awaitable[None]], steps: int,
    repeat: int,
) -> None:
    session = Session.load(path, seed=0)
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        await drive(session, steps)
        await pilot.pause(0.3)
        await pilot.press("escape")  # the keys are the screen's, not the bar's
        clock = FrameClock(app)
        panel = app.query_one(HistoryPanel)
        keys = []
        for _ in range(repeat):
            target = session.decisions.point.number - 1

            def back(target: int = target) -> bool:
                return f"step {target} of" in str(panel.border_title)

            cpu = time.process_time()
            wall = await clock.key_to_frame("f8", back)
            keys.append((wall, time.process_time() - cpu))
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
        print(f"  TUI F8 (back 1) to its frame  {_ms(keys)}   ({repeat} keys)")


async def bench_memory(path: Path, steps: int) -> None:
    """The memory traced after a run of ``steps``, after ``goto 0`` and halfway back."""

    def traced() -> float:
        gc.collect()
        return tracemalloc.get_traced_memory()[0] / 1e6

    session = Session.load(path, seed=0)
    await session.start()
    tracemalloc.start()
    try:
        base = traced()
        await clock_run(session, steps)
        ran = traced() - base
        await _ok(session, "goto 0")
        start = traced() - base
        await _ok(session, f"goto {steps // 2}")
        middle = traced() - base
    finally:
        tracemalloc.stop()
        await session.close()
    print(f"pipe clock, {steps:,} steps: traced {ran:.1f} MB after the run, {start:.1f} MB "
          f"after goto 0, {middle:.1f} MB after goto {steps // 2:,}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory", action="store_true",
                        help="measure what the steps left behind cost to keep, only")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        clock = Path(folder) / "forever.py"
        clock.write_text(FOREVER, encoding="utf-8")
        if options.memory:
            await bench_memory(clock, options.steps)
            return
        for label, path, drive in (
            ("pipe clock", clock, clock_run),
            ("seed example", SEED_EXAMPLE, seed_run),
        ):
            await bench_headless(label, path, drive, options.steps, options.repeat)
            await bench_tui(label, path, drive, options.steps, options.repeat)


if __name__ == "__main__":
    asyncio.run(main())

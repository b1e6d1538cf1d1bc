"""The TUI's status line, drawn every frame of a run: its cost with few and many errors.

Run ``python benchmarks/bench_status.py`` (``--errors N ...`` the sizes, ``--frames N``
the redraws timed at each). A shop whose database raises on the key "boom" gets N
such requests injected and run, so N handler errors are listed in the problems panel;
then the status line is drawn again ``--frames`` times, as each frame of a run draws
it. The figure is the CPU time per redraw (the median of five rounds): it should not
grow with the number of errors.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapide_shell.session import Session  # noqa: E402
from rapide_shell.tui.app import RapideApp  # noqa: E402
from rapide_shell.tui.widgets.error_panel import ErrorPanel  # noqa: E402

SHOP = ROOT / "tests" / "shell" / "tui" / "architectures" / "shop.py"
SIZE = (120, 36)


async def per_frame(errors: int, frames: int) -> tuple[int, float]:
    """The errors listed and the CPU milliseconds one status redraw takes with them."""
    session = Session.load(SHOP, seed=0)
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        for _ in range(errors):
            session.inject("APIService.request", {"type": "query", "key": "boom"})
        await session.execute("run")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        listed = len(app.main_screen.query_one(ErrorPanel).problems)
        view = app.main_screen.view
        rounds = []
        for _ in range(5):
            start = time.process_time()
            for _ in range(frames):
                view.redraw_status()
            rounds.append((time.process_time() - start) * 1000 / frames)
        return listed, statistics.median(rounds)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", type=int, nargs="+", default=[10, 1_000, 10_000])
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args()
    print("status line redraw, CPU per frame (median of 5 rounds)")
    for errors in args.errors:
        listed, ms = await per_frame(errors, args.frames)
        print(f"  {listed:>7,} errors listed   {ms * 1000:8.1f} µs")


if __name__ == "__main__":
    asyncio.run(main())

"""How the workbench TUI copes with large architectures: first frame, memory, keys.

Run ``python benchmarks/bench_tui_large.py`` (``--sizes 100 1000 10000``). For each
size it writes an architecture of that many components in a chain (connect, pipe and
agent in turn, each connection naming its source) and, in a fresh interpreter each,
opens the workbench on it headless at 120x36 and reports:

- the time from starting the interpreter to the first frame the app writes out
  (importing, loading the file, binding, starting and laying out the screen included),
- the peak resident memory of that interpreter,
- the key latency in the graph panel (moving down its list or picture, and a search),
- after injecting one event at the head of the chain and running until quiet, the time
  the run took in the TUI and the key latency in the Timeline.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
SIZE = (120, 36)
sys.path.insert(0, str(ROOT))

from tests.shell.tui.architectures.chain import write_chain  # noqa: E402


def child(path: str) -> None:
    """Opens the workbench on ``path`` and prints its figures as one JSON line."""
    import asyncio
    import resource
    import statistics

    sys.path.insert(0, str(ROOT))
    from bench_tui import FrameClock, timed_keys

    from rapide_shell.session import Session
    from rapide_shell.tui.app import RapideApp
    from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
    from rapide_shell.tui.widgets.timeline_panel import TimelinePanel

    async def main() -> dict[str, object]:
        app = RapideApp(Session.load(path, seed=0))
        clock = FrameClock(app)  # notes every frame, the first one included
        figures: dict[str, object] = {}
        async with app.run_test(size=SIZE) as pilot:
            await asyncio.wait_for(clock.frame.wait(), timeout=300)
            figures["first_frame_s"] = time.perf_counter() - STARTED
            figures["first_frame_rss_mb"] = (
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            )
            graph = app.query_one(ConnectionGraph)
            figures["graph"] = "list" if graph.listing is not None else "drawing"
            await pilot.press("escape", "1")
            await pilot.pause(0.2)
            moves = await timed_keys(clock, pilot, ["down"] * 20, lambda: graph.scroll_y)
            figures["graph_key_ms"] = statistics.median(moves) * 1000
            if graph.listing is not None:
                await pilot.press("slash")
                searched = await timed_keys(clock, pilot, "s99", lambda: graph.listing.search)
                await pilot.press("escape")
                figures["search_key_ms"] = statistics.median(searched) * 1000
            app.session.system.inject("Stage.out", {"n": 0}, source="s0")
            started = time.perf_counter()
            await app.main_screen.execute_line("run")
            figures["run_s"] = time.perf_counter() - started
            figures["events"] = len(app.session.computation)
            await pilot.pause(0.3)
            timeline = app.query_one(TimelinePanel)
            await pilot.press("9")
            await pilot.pause(0.2)
            steps = await timed_keys(clock, pilot, ["up"] * 20, lambda: timeline.cursor)
            figures["timeline_key_ms"] = statistics.median(steps) * 1000
            figures["timeline_lanes"] = len(timeline.shown_lanes)
            figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return figures

    print(json.dumps(asyncio.run(main())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    parser.add_argument("--hops", type=int, default=500,
                        help="connections the first event travels (events recorded: hops+1)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        for components in options.sizes:
            path = write_chain(Path(folder), components, min(options.hops, components - 1))
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                capture_output=True, text=True, cwd=ROOT, timeout=900,
            )
            if result.returncode:
                print(f"{components:>6} components: failed\n"
                      + textwrap.indent(result.stderr[-2000:], "    "))
                continue
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            search = figures.get("search_key_ms")
            print(
                f"{components:>6} components ({figures['graph']}): first frame "
                f"{figures['first_frame_s']:.2f} s at {figures['first_frame_rss_mb']:.0f} MB; "
                f"graph key {figures['graph_key_ms']:.1f} ms"
                + (f", search key {search:.1f} ms" if search is not None else "")
                + f"; run of {figures['events']:,} events {figures['run_s']:.2f} s, "
                f"Timeline key {figures['timeline_key_ms']:.1f} ms over "
                f"{figures['timeline_lanes']} lanes; peak {figures['peak_rss_mb']:.0f} MB"
            )


if __name__ == "__main__":
    main()

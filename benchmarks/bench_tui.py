"""How quickly the workbench TUI answers keys: with 100,000 events, and during a long run.

Run ``python benchmarks/bench_tui.py`` (``--events N`` and ``--requests N`` change the
sizes). Each figure is the time from a key event entering the app to the next frame
the app writes out (measured on the app's own display hook, at 120x36, headless), so
it includes the key's handling, the redraw and the compositor, not the terminal. Beside
it, the CPU time the process spent from key to frame: on a shared machine the wall
time also holds the time the app waited for a core. ``--only`` runs one part.

1. Event log with N events recorded: cursor keys, page keys, home/end, and a key in the
   command bar.
1b. The Timeline with N events of the teaching example (requests, queries, results,
   cache hits, in four lanes, with their causes): cursor and page keys, home/end, a key
   after a jump, and collapsing and bringing back a lane (the rows are filtered again).
2. ``run`` on the teaching example (``examples/seed_system.py``) with many requests
   injected first: keys pressed while the run works must still be answered promptly
   (the run yields to the UI).
3. A run that never ends by itself: how soon the pause key stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from textual import events

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapide_shell.session import Session  # noqa: E402
from rapide_shell.tui.app import RapideApp  # noqa: E402
from rapide_shell.tui.widgets.event_log import EventLog  # noqa: E402
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel  # noqa: E402

SEED_EXAMPLE = ROOT / "examples" / "seed_system.py"
SIZE = (120, 36)
#: The keys that move a cursor: up, page up, home and end in turn, then up again.
MOVES = ["up"] * 30 + ["pageup"] * 20 + ["home", "end"] * 5 + ["up"] * 10


class FrameClock:
    """Notes when the app writes a frame, so a key's latency can be read off."""

    def __init__(self, app: RapideApp) -> None:
        self.app = app
        self.frame = asyncio.Event()
        self.cpu: list[float] = []
        """The process's CPU seconds from each key to its frame: on a machine shared
        with other work, what the app spent, apart from the time it waited its turn."""
        original = app._display

        def display(screen, renderable):
            original(screen, renderable)
            self.frame.set()

        app._display = display

    async def key_to_frame(self, key: str, handled) -> float:
        """Seconds from sending ``key`` to the first frame written after ``handled()``
        holds (the key's effect is then on that frame)."""
        start, cpu_start = time.perf_counter(), time.process_time()
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(self.app)
        self.app._driver.send_message(event)
        while True:
            self.frame.clear()
            await asyncio.wait_for(self.frame.wait(), timeout=10)
            if handled():
                self.cpu.append(time.process_time() - cpu_start)
                return time.perf_counter() - start


async def timed_keys(clock: FrameClock, pilot, keys, value) -> list[float]:  # type: ignore[no-untyped-def]
    """Seconds from each of ``keys`` to the frame that shows ``value()`` changed by it."""
    seconds = []
    for key in keys:
        before = value()
        seconds.append(await clock.key_to_frame(key, lambda b=before: value() != b))
        await pilot.pause(0.01)
    return seconds


async def key_after_jumps(clock: FrameClock, pilot, panel, event_id: str) -> list[float]:  # type: ignore[no-untyped-def]
    """Ten times: ``panel`` (the log or the Timeline) jumps to ``event_id``, then a key
    moves its cursor down; seconds from each key to its frame."""
    seconds = []
    for _ in range(10):
        panel.select_id(event_id)
        await pilot.pause(0.02)
        before = panel.cursor
        seconds.append(await clock.key_to_frame("down", lambda b=before: panel.cursor != b))
    return seconds


def _summary(label: str, seconds: list[float], clock: FrameClock | None = None) -> str:
    """The median, p95 and max of ``seconds``, and with ``clock`` (which timed them,
    last) the median CPU time the process spent on those keys."""
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    cpu = ""
    if clock is not None:
        cpu = f"   cpu median {statistics.median(clock.cpu[-len(seconds):]) * 1000:5.1f} ms"
    return (f"{label:<44} median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   "
            f"max {ms[-1]:6.1f} ms   ({len(ms)} keys){cpu}")


async def bench_big_log(event_count: int) -> None:
    """Key latency in the event log and the bar with ``event_count`` events recorded."""
    session = Session.load(SEED_EXAMPLE, seed=0)
    await session.start()
    system = session.system
    started = time.perf_counter()
    for number in range(event_count):  # a name no connection routes: recorded only
        system.inject("NotificationService.sent", {"channel": "ops", "text": f"m{number}"})
    print(f"recorded {event_count:,} events in {time.perf_counter() - started:.2f} s")
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        log = app.query_one(EventLog)
        assert log.event_count >= event_count, log.event_count
        clock = FrameClock(app)
        log.focus()
        await pilot.pause(0.1)
        moves = await timed_keys(clock, pilot, MOVES, lambda: log.cursor)
        print(_summary(f"event log ({log.event_count:,} events): move", moves, clock))
        jump = await key_after_jumps(clock, pilot, log, f"e{event_count // 2}")
        print(_summary("event log: key after a jump to the middle", jump, clock))
        bar = app.query_one("#bar")
        bar.focus()
        await pilot.pause(0.05)
        typing = []
        for ch in "inject Notif":
            before = bar.value
            typing.append(await clock.key_to_frame(ch, lambda b=before: bar.value != b))
            await pilot.pause(0.01)
        print(_summary("command bar: typing (with completion)", typing, clock))


async def bench_timeline(event_count: int) -> None:
    """Key latency in the Timeline with about ``event_count`` events of the seed example."""
    session = Session.load(SEED_EXAMPLE, seed=0)
    await session.start()
    started = time.perf_counter()
    system = session.system
    while len(session.computation) < event_count:
        for number in range(500):
            system.inject("APIService.request", {"type": "query", "key": f"users/{number % 5}"})
        await session.execute("run")
    print(f"ran {len(session.computation):,} events of {SEED_EXAMPLE.name} in "
          f"{time.perf_counter() - started:.1f} s")
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        timeline = app.query_one(TimelinePanel)
        await pilot.press("escape", "9")
        await pilot.pause(0.2)
        assert app.focused is timeline and timeline.row_count == len(session.computation)
        clock = FrameClock(app)
        moves = await timed_keys(clock, pilot, MOVES, lambda: timeline.cursor)
        print(_summary(f"timeline ({timeline.row_count:,} events): move", moves, clock))
        jump = await key_after_jumps(clock, pilot, timeline, f"e{event_count // 2}")
        print(_summary("timeline: key after a jump to the middle", jump, clock))
        lanes = await timed_keys(
            clock, pilot, ["c", "c", "h", "a"] * 3, lambda: (timeline.collapsed, timeline.hidden)
        )
        print(_summary("timeline: collapse, hide, all lanes", lanes, clock))


async def bench_run(request_count: int) -> None:
    """Key latency while ``run`` works through ``request_count`` injected requests."""
    session = Session.load(SEED_EXAMPLE, seed=0)
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        for number in range(request_count):
            session.system.inject(
                "APIService.request", {"type": "query", "key": f"users/{number % 5}"}
            )
        await pilot.pause(0.2)
        log = app.query_one(EventLog)
        log.focus()
        clock = FrameClock(app)
        before = len(session.computation)
        started = time.perf_counter()
        app.main_screen.submit_command("run")
        await pilot.pause(0.05)
        latencies = []
        while session.running and len(latencies) < 200:
            # Following is off once the user moves: "up" moves the cursor away from the
            # newest event, and each later "up" moves it one further.
            before = log.cursor
            latencies.append(await clock.key_to_frame("up", lambda b=before: log.cursor != b))
            await asyncio.sleep(0.02)
        recorded_meanwhile = len(session.computation) - before
        if session.running:
            pause_started = time.perf_counter()
            app.main_screen.submit_command("pause")
            while session.running:
                await asyncio.sleep(0.001)
            paused_in = time.perf_counter() - pause_started
            print(f"pause stopped the run in {paused_in * 1000:.1f} ms")
        else:
            print(f"the run finished in {time.perf_counter() - started:.2f} s")
        print(f"events recorded while the keys were pressed: {recorded_meanwhile:,}")
        if latencies:
            print(_summary("keys during `run` (seed example)", latencies))
        else:
            print("the run ended before a key could be pressed: raise --requests")


FOREVER = """
from pyrapide import Pattern, action, architecture, get_context, interface, module, pipe, when

@interface
class Ticker:
    @action
    async def tick(self, n: int) -> None: ...

@module(implements=Ticker)
class Clock:
    @when(Pattern.match("Ticker.tick"))
    async def on_tick(self, match):
        await get_context(self).emit("Ticker.tick", n=match.payload["n"] + 1)

@architecture
class Forever:
    clock = Ticker
    connections = [pipe(Pattern.match("Ticker.tick"), target=clock)]
"""


async def bench_pause(seconds: float) -> None:
    """How soon the pause key stops a run that would never end by itself."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "forever.py"
        path.write_text(FOREVER, encoding="utf-8")
        session = Session.load(path, seed=0)
        app = RapideApp(session)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.1)
            session.system.inject("Ticker.tick", {"n": 0})
            app.main_screen.submit_command("run")
            await asyncio.sleep(seconds)
            recorded = len(session.computation)
            started = time.perf_counter()
            key = events.Key("f6", None)
            key.set_sender(app)
            app._driver.send_message(key)
            while session.running:
                await asyncio.sleep(0.001)
            stopped_in = time.perf_counter() - started
            print(f"runaway run: {recorded:,} events in {seconds:g} s, then the pause key "
                  f"(F6) stopped it in {stopped_in * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--only", choices=["log", "timeline", "run", "pause"])
    options = parser.parse_args()
    parts = {
        "log": lambda: bench_big_log(options.events),
        "timeline": lambda: bench_timeline(options.events),
        "run": lambda: bench_run(options.requests),
        "pause": lambda: bench_pause(2.0),
    }
    for name, part in parts.items():
        if options.only in (None, name):
            asyncio.run(part())


if __name__ == "__main__":
    main()

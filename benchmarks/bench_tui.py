"""How quickly the workbench TUI answers keys: with 100,000 events, and during a long run.

Run ``python benchmarks/bench_tui.py`` (``--events N`` and ``--requests N`` change the
sizes; ``--run-events N`` injects as many requests as make part 2's run record about N
events: ``--only run --run-events 1000000`` for a million). Each figure is the time
from a key event entering the app to the next frame the app writes out (measured on
the app's own display hook, at 120x36, headless), so it includes the key's handling,
the redraw and the compositor, not the terminal. Beside it, the CPU time the process
spent from key to frame: on a shared machine the wall time also holds the time the app
waited for a core. ``--only`` runs one part.

1. Event log with N events recorded: cursor keys, page keys, home/end, and a key in the
   command bar.
1b. The Timeline with N events of the teaching example (requests, queries, results,
   cache hits, in four lanes, with their causes): cursor and page keys, home/end, a key
   after a jump, and collapsing and bringing back a lane (the rows are filtered again).
2. ``run`` on the teaching example (``examples/seed_system.py``) with many requests
   injected first: a key every 20 ms from the run's start to its end must still be
   answered promptly (the run yields to the UI); the figures are given for the whole
   run and for each quarter of the events it recorded, with the peak memory.
3. A run that never ends by itself: how soon the pause key stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
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


def _percentile(ordered: list[float], share: float) -> float:
    """The value below which ``share`` of ``ordered`` (sorted) lies (nearest rank)."""
    return ordered[max(0, round(share * len(ordered)) - 1)]


def _summary(
    label: str, seconds: list[float], clock: FrameClock | None = None,
    cpu: list[float] | None = None,
) -> str:
    """The median, p95, p99 and max of ``seconds``, and with ``clock`` (which timed
    them, last) or ``cpu`` the median and max CPU time the process spent on those keys."""
    ms = sorted(s * 1000 for s in seconds)
    if cpu is None and clock is not None:
        cpu = clock.cpu[-len(seconds):]
    spent = ""
    if cpu:
        spent = (f"   cpu median {statistics.median(cpu) * 1000:5.1f} ms"
                 f" max {max(cpu) * 1000:6.1f} ms")
    return (f"{label:<44} median {statistics.median(ms):6.1f} ms   "
            f"p95 {_percentile(ms, 0.95):6.1f} ms   p99 {_percentile(ms, 0.99):6.1f} ms   "
            f"max {ms[-1]:6.1f} ms   ({len(ms)} keys){spent}")


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


#: Requests injected in the headless run that measures how many events one makes.
EVENTS_PER_REQUEST_SAMPLE = 2_000


async def events_per_request() -> float:
    """How many events one injected request makes ``examples/seed_system.py`` record,
    measured on a small headless run (so that ``--run-events`` asks for the right
    number of requests)."""
    session = Session.load(SEED_EXAMPLE, seed=0)
    await session.start()
    for number in range(EVENTS_PER_REQUEST_SAMPLE):
        session.system.inject("APIService.request", {"type": "query", "key": f"users/{number % 5}"})
    before = len(session.computation)  # what the run records, as part 2 counts
    await session.execute("run")
    return (len(session.computation) - before) / EVENTS_PER_REQUEST_SAMPLE


class CollectorPauses:
    """Times the garbage collector's full (oldest generation) collections from now on."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._started = 0.0
        gc.callbacks.append(self._heard)

    def _heard(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds.append(time.perf_counter() - self._started)

    def summary(self) -> str:
        """How many full collections ran, and the longest."""
        longest = max(self.seconds, default=0.0) * 1000
        return f"{len(self.seconds)} full collections (longest {longest:,.0f} ms)"

    def stop(self) -> None:
        gc.callbacks.remove(self._heard)


def _peak_memory_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def bench_run(request_count: int) -> None:
    """Key latency while ``run`` works through ``request_count`` injected requests: a
    key every 20 ms from the run's start to its end."""
    session = Session.load(SEED_EXAMPLE, seed=0)
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        # The requests count towards the system's bound on recorded events (a million
        # by default): lifted, so that the run itself records all it is asked to.
        session.system.max_events = None
        injected = time.perf_counter()
        for number in range(request_count):
            session.system.inject(
                "APIService.request", {"type": "query", "key": f"users/{number % 5}"}
            )
        await pilot.pause(0.2)
        print(f"injected {request_count:,} requests in {time.perf_counter() - injected:.1f} s")
        log = app.query_one(EventLog)
        log.focus()
        clock = FrameClock(app)
        before = len(session.computation)
        pauses = CollectorPauses()
        started, cpu_started = time.perf_counter(), time.process_time()
        app.main_screen.submit_command("run")
        await pilot.pause(0.05)
        latencies: list[float] = []
        recorded_at: list[int] = []  # events recorded when each key was answered
        while session.running:
            # Following is off once the user moves: "up" moves the cursor away from the
            # newest event, and each later "up" moves it one further.
            cursor = log.cursor
            latencies.append(await clock.key_to_frame("up", lambda b=cursor: log.cursor != b))
            recorded_at.append(len(session.computation) - before)
            await asyncio.sleep(0.02)
        recorded = len(session.computation) - before
        print(f"the run recorded {recorded:,} events in {time.perf_counter() - started:.1f} s "
              f"(CPU {time.process_time() - cpu_started:.1f} s); peak memory "
              f"{_peak_memory_mb():,.0f} MB; {pauses.summary()}")
        pauses.stop()
        if not latencies:
            print("the run ended before a key could be pressed: raise --requests")
            return
        print(_summary("keys during `run` (seed example)", latencies, clock))
        # The same keys by the part of the run they came in: the latency must not grow.
        quarter = max(1, recorded // 4)
        for part in range(4):
            chosen = [i for i, at in enumerate(recorded_at) if at // quarter == part
                      or (part == 3 and at // quarter > 3)]
            if chosen:
                print(_summary(
                    f"  keys at events {part * quarter:,}-{(part + 1) * quarter:,}",
                    [latencies[i] for i in chosen], cpu=[clock.cpu[i] for i in chosen],
                ))


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
    parser.add_argument(
        "--run-events", type=int, default=None, metavar="N",
        help="inject as many requests as make the run record about N events "
        "(instead of --requests)",
    )
    parser.add_argument("--only", choices=["log", "timeline", "run", "pause"])
    options = parser.parse_args()
    if options.run_events is not None and options.only in (None, "run"):
        per_request = asyncio.run(events_per_request())
        options.requests = max(1, round(options.run_events / per_request))
        print(f"{per_request:.2f} events per request: {options.requests:,} requests "
              f"for about {options.run_events:,} events")
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

"""A command's summary of what the runtime reported, built as the notifications arrive."""

from __future__ import annotations

from pyrapide import Pattern, action, architecture, get_context, interface, module, pipe, when
from pyrapide.runtime import DispatchStarted, System
from rapide_shell.report import Activity


@interface
class Counter:
    @action
    async def tick(self, n: int) -> None: ...


@module(implements=Counter)
class Ticker:
    async def start(self):
        if get_context(self).component == "a":
            for n in range(5):
                await get_context(self).emit("Counter.tick", n=n)

    @when(Pattern.match("Counter.tick", source="a"))
    async def on_tick(self, match):
        await get_context(self).emit("Counter.tick", n=match.payload["n"])


@architecture
class Pair:
    a = Counter
    b = Counter
    connections = [pipe(Pattern.match("Counter.tick", source="a"), target="b")]


async def summed(keep_dispatches: bool) -> tuple[Activity, list[DispatchStarted], System]:
    system = System(Pair, {"a": Ticker, "b": Ticker})
    report = Activity(system.computation, keep_dispatches=keep_dispatches)
    started: list[DispatchStarted] = []
    system.subscribe(report.append)
    system.subscribe(started.append, kinds=[DispatchStarted])
    await system.run()
    return report, started, system


async def test_a_run_keeps_its_events_and_a_count_not_its_dispatches():
    report, started, system = await summed(keep_dispatches=False)
    assert report.events == list(system.computation)
    assert report.started_count == len(started) == 5
    assert report.queued == [] and report.started == [] and report.steps == []


async def test_a_step_keeps_each_dispatch_and_step_in_order():
    report, started, _ = await summed(keep_dispatches=True)
    assert report.started == [note.dispatch for note in started]
    assert report.steps == started
    assert [d.id for d in report.queued] == [1, 2, 3, 4, 5]

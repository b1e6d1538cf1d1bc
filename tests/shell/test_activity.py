"""A command's summary of what the runtime reported, built as the notifications arrive."""

from __future__ import annotations

from pyrapide import Pattern, action, architecture, get_context, interface, module, pipe, when
from pyrapide.runtime import DispatchStarted, System
from rapide_shell.report import EVENTS_SHOWN, Activity
from tests.shell.test_command_registry import plain


@interface
class Counter:
    @action
    async def tick(self, n: int) -> None: ...


@module(implements=Counter)
class Ticker:
    count = 5

    async def start(self):
        if get_context(self).component == "a":
            for n in range(self.count):
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
    assert report.event_ids == [event.id for event in system.computation]
    assert report.started_count == len(started) == 5
    assert report.queued == [] and report.started == [] and report.steps == []


async def test_a_step_keeps_each_dispatch_and_step_in_order():
    report, started, _ = await summed(keep_dispatches=True)
    assert report.started == [note.dispatch for note in started]
    assert report.steps == started
    assert [d.id for d in report.queued] == [1, 2, 3, 4, 5]


async def test_a_long_run_shows_its_last_events_after_a_count_of_the_others():
    class ManyTicks(Ticker):
        count = EVENTS_SHOWN

    system = System(Pair, {"a": ManyTicks, "b": ManyTicks})
    report = Activity(system.computation, keep_dispatches=False)
    system.subscribe(report.append)
    await system.run()
    recorded = list(system.computation)
    assert len(recorded) == 2 * EVENTS_SHOWN
    lines = plain(report.renderables()).splitlines()
    assert lines[0] == f"… {EVENTS_SHOWN} earlier events"
    assert len(lines) == 1 + EVENTS_SHOWN
    assert [line.split()[0] for line in lines[1:]] == [e.id for e in recorded[-EVENTS_SHOWN:]]


def _handler_of(name: str):  # a handler of events the pipe never brings
    @when(Pattern.match(f"Counter.{name}"))
    async def handler(self, match):
        pass

    handler.__name__ = handler.__qualname__ = f"Deaf.on_{name}"
    return handler


async def test_a_delivery_no_handler_took_names_a_few_of_its_modules_handlers():
    # A module of dozens of handlers made one line of all of them, screens long.
    handlers = {f"on_{n}": _handler_of(f"other{n}") for n in range(40)}
    deaf = module(implements=Counter)(type("Deaf", (), handlers))
    system = System(Pair, {"a": Ticker, "b": deaf})
    report = Activity(system.computation, show_events=False)
    system.subscribe(report.append)
    await system.run()
    told = " ".join(plain(report.renderables()).split())
    assert told.startswith(
        "#1 pipe e1 Counter.tick -> b and 4 more deliveries: no handler of b took them "
        "(Deaf.on_other0 handles Counter.other0; Deaf.on_other1 handles Counter.other1; "
        "Deaf.on_other2 handles Counter.other2; and 37 more handlers); `whynot e1`"
    ), told
    assert "other39" not in told

"""Connect deliveries of successive events run in the order the events were recorded."""

from __future__ import annotations

from pyrapide import (
    Pattern,
    action,
    architecture,
    connect,
    get_context,
    interface,
    module,
    when,
)
from pyrapide.runtime import System

HEARD: list[str] = []


@interface
class Caller:
    @action
    async def call(self, n: int) -> None: ...


@interface
class Callee:
    @action
    async def answer(self, n: int) -> None: ...


@interface
class Logger:
    @action
    async def logged(self, n: int) -> None: ...


@module(implements=Caller)
class Quiet:
    """Emits nothing: the tests inject its calls."""


@module(implements=Caller)
class Burst:
    """Generates three calls without awaiting in between (the PyRapide 0.3.0 form)."""

    async def start(self):
        ctx = get_context(self)
        for n in range(3):
            ctx.generate_event("Caller.call", {"n": n})
        await ctx.emit("Caller.call", n=3)


@module(implements=Callee)
class Answers:
    @when(Pattern.match("Caller.call"))
    async def on_call(self, match):
        HEARD.append(f"answer {match.payload['n']}")
        await get_context(self).emit("Callee.answer", n=match.payload["n"])


@module(implements=Logger)
class Logs:
    @when(Pattern.match("Callee.answer"))
    async def on_answer(self, match):
        HEARD.append(f"log {match.payload['n']}")


@architecture
class Calls:
    caller = Caller
    callee = Callee
    logger = Logger
    connections = [
        connect(Pattern.match("Caller.call"), target=callee),
        connect(Pattern.match("Callee.answer"), target=logger),
    ]


def answered(system: System) -> list[int]:
    return [e.payload["n"] for e in system.computation if e.name == "Callee.answer"]


async def test_injected_calls_are_answered_in_the_order_they_were_injected():
    HEARD.clear()
    system = System(Calls, {"caller": Quiet, "callee": Answers, "logger": Logs})
    system.pause()
    await system.start()
    for n in range(3):
        system.inject("Caller.call", {"n": n})
    assert system.next_dispatch().event.payload == {"n": 0}
    await system.run_until_quiet()
    # Each call's nested delivery still runs before the next call: depth first.
    assert HEARD == ["answer 0", "log 0", "answer 1", "log 1", "answer 2", "log 2"]
    assert answered(system) == [0, 1, 2]


async def test_generated_events_are_delivered_in_the_order_they_were_generated():
    HEARD.clear()
    system = System(Calls, {"caller": Burst, "callee": Answers, "logger": Logs})
    await system.run()
    assert [f"{what} {n}" for n in range(4) for what in ("answer", "log")] == HEARD
    assert answered(system) == [0, 1, 2, 3]
    # The emit after the burst follows what the burst's deliveries emitted.
    (last_call,) = [e for e in system.computation if e.payload == {"n": 3} and e.source == "caller"]
    causes = system.computation.poset.causes(last_call)
    assert [(e.name, e.payload["n"]) for e in causes] == [("Callee.answer", n) for n in range(3)]


async def test_a_call_injected_while_a_call_chain_runs_waits_for_the_chain():
    HEARD.clear()
    system = System(Calls, {"caller": Quiet, "callee": Answers, "logger": Logs})
    system.pause()
    await system.start()
    system.inject("Caller.call", {"n": 0})
    await system.step()  # answer 0 runs; its answer's delivery to the logger is queued
    system.inject("Caller.call", {"n": 1})
    await system.run_until_quiet()
    assert HEARD == ["answer 0", "log 0", "answer 1", "log 1"]

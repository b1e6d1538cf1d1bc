"""An emit that runs its connect deliveries itself gives the run that stepping gives.

Within a burst of the run loop, ``emit`` calls the connect deliveries it waits on
(Scheduler.call_connects) instead of handing them back to the loop. Stepping one step
at a time never does. Both must make the same run: the same events and causes, the
same notifications in the same order, the same tasks in flight seen by a subscriber,
the same step counts, the same pauses and bounds.
"""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide import (
    Pattern,
    action,
    architecture,
    connect,
    get_context,
    interface,
    module,
    pipe,
    when,
)
from pyrapide.runtime import EventRecorded, StateChanged, StopReason, System
from pyrapide.runtime.scheduler import CALL_DEPTH
from tests.pyrapide.runtime.test_properties import architectures, build, make_module


def note_key(note):
    """What a notification says, by ids (the objects differ between two runs)."""
    fields = []
    for name in ("event", "dispatch", "component", "handler", "limit", "task"):
        value = getattr(note, name, None)
        if value is None:
            continue
        if name in ("event", "dispatch"):
            value = value.id
        elif name == "task":
            value = (value.label, value.reason, value.until)
        fields.append((name, value))
    if isinstance(note, EventRecorded):
        fields.append(("causes", tuple(c.id for c in note.causes)))
    return type(note).__name__, tuple(fields)


def watched(system, pause_every):
    """Subscribe to every notification: its key, the tasks in flight as it was
    published and the step count then; pause on every ``pause_every``-th event."""
    trace = []
    recorded = [0]

    def watch(note):
        if isinstance(note, StateChanged):
            return  # each call of the run loop says it runs, then why it stopped
        flight = tuple(
            (task.label, task.reason, tuple(d.id for d in task.waits_on))
            for task in system.in_flight()
        )
        trace.append((note_key(note), flight, system.scheduler.stepped))
        if isinstance(note, EventRecorded):
            recorded[0] += 1
            if pause_every and recorded[0] % pause_every == 0:
                system.pause()

    system.subscribe(watch)
    return trace


def outcome(system, trace, pauses):
    computation = system.computation
    shape = [
        (e.id, e.name, e.source, dict(e.payload), sorted(c.id for c in computation.poset.causes(e)))
        for e in computation
    ]
    limits = [(note.limit, note.message) for note in system.limits]
    return shape, trace, pauses, system.steps, system.scheduler.advances, limits


def run(system, trace, max_steps):
    """Run to the end with the run loop, ``max_steps`` at a time (None: bursts of the
    loop's own size), noting the step count at each pause."""

    async def go():
        pauses = []
        while True:
            result = await system.run_until_quiet(max_steps)
            if result.stopped is StopReason.PAUSED:
                pauses.append(system.steps)
            elif result.stopped is not StopReason.BUDGET:
                break
        await system.stop()
        return pauses

    return asyncio.run(go())


def make_system(spec, seed, max_events):
    arch, interfaces = build(spec)
    checks = {"connects": {}, "finished": set(), "early": []}
    modules = {
        f"c{i}": make_module(iface, spec[2][i], spec[3] if i == 0 else 0, checks)
        for i, iface in enumerate(interfaces)
    }
    return System(arch, modules, seed=seed, max_events=max_events)


@settings(max_examples=150, deadline=None)
@given(
    architectures(),
    st.integers(0, 3),
    st.sampled_from([15, 60, 600]),
    st.sampled_from([0, 3, 7]),
)
def test_runs_with_called_connects_and_step_by_step_are_the_same(spec, seed, max_events, pause):
    results = []
    for max_steps in (None, 1):  # the loop's bursts (connects called), then one by one
        system = make_system(spec, seed, max_events)
        trace = watched(system, pause)
        pauses = run(system, trace, max_steps)
        results.append(outcome(system, trace, pauses))
    assert results[0] == results[1]


@interface
class Link:
    @action
    async def item(self, n: int) -> None: ...


@module(implements=Link)
class Relay:
    """Passes each item on, through whatever connection leaves it."""

    @when(Pattern.match("*"))
    async def on_item(self, match):
        await get_context(self).emit("Link.item", n=match.payload["n"])


@module(implements=Link)
class Opener:
    async def start(self):
        ctx = get_context(self)
        for n in range(3):
            await ctx.emit("Link.item", n=n)


def deep_chain(length, kind):
    members: dict[str, object] = {f"r{i}": Link for i in range(length + 1)}
    members["connections"] = [
        kind(Pattern.match("Link.item", source=f"r{i}"), target=f"r{i + 1}") for i in range(length)
    ]
    return architecture(type("Deep", (), members))


@pytest.mark.parametrize("length", [CALL_DEPTH - 1, CALL_DEPTH + 5])
@pytest.mark.parametrize("kind", [connect, pipe])
def test_a_connect_chain_deeper_than_the_calls_go_runs_as_stepped(length, kind):
    results = []
    for max_steps in (None, 1):
        modules = {f"r{i}": Relay for i in range(1, length + 1)} | {"r0": Opener}
        system = System(deep_chain(length, kind), modules, max_connect_depth=length + 1)
        trace = watched(system, 0)
        pauses = run(system, trace, max_steps)
        results.append(outcome(system, trace, pauses))
        assert len(system.computation) == 3 * (length + 1)
    assert results[0] == results[1]


@module(implements=Link)
class Flaky:
    """Passes items on, but raises on the second, and sleeps on the third."""

    @when(Pattern.match("*"))
    async def on_item(self, match):
        ctx = get_context(self)
        n = match.payload["n"]
        if n == 1:
            raise ValueError("no second item")
        if n == 2:
            await ctx.sleep(1)
        await ctx.emit("Link.item", n=n)


def test_a_called_delivery_that_raises_or_sleeps_runs_as_stepped():
    # The handler in the middle of the connect chain raises on one item (reported,
    # and its emitter goes on) and sleeps on another (its emitter waits, as stepped).
    results = []
    for max_steps in (None, 1):
        modules = {"r0": Opener, "r1": Relay, "r2": Flaky, "r3": Relay}
        system = System(deep_chain(3, connect), modules)
        trace = watched(system, 0)
        pauses = run(system, trace, max_steps)
        errors = [(note.component, str(note.error)) for note in system.errors]
        results.append((outcome(system, trace, pauses), errors))
    assert results[0] == results[1]
    assert results[0][1] == [("r2", "no second item")]

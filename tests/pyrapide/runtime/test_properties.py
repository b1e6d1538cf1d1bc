"""Property tests on random small architectures: determinism, pipe order, connect blocking."""

from __future__ import annotations

import asyncio
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    get_context,
    interface,
    module,
    pipe,
    when,
)
from pyrapide.runtime import DispatchFinished, DispatchQueued, DispatchStarted, System
from pyrapide.runtime.queues import DispatchQueues

FACTORIES = {"connect": connect, "pipe": pipe, "agent": agent}
MAX_HOPS = 3


def make_interface(name: str, action_count: int) -> type:
    members = {}
    for index in range(action_count):

        async def act(self, hops: int, n: int) -> None: ...

        act.__name__ = act.__qualname__ = f"out{index}"
        members[f"out{index}"] = action(act)
    return interface(type(name, (), members))


def make_module(iface: type, script, opening, checks):
    """A module that, for each delivery, emits ``script`` (action, sleep) steps, and
    checks after each emit that the emit's connect deliveries are all finished."""
    prefix = iface.__name__

    class Generated:
        async def start(self):
            ctx = get_context(self)
            for n in range(opening):
                await self._emit(ctx, f"{prefix}.out0", 1, n)

        @when(Pattern.match("*"))
        async def on_any(self, match):
            ctx = get_context(self)
            hops = match.payload["hops"]
            if hops >= MAX_HOPS:
                return
            for action_index, sleep in script:
                if sleep:
                    await ctx.sleep(sleep)
                await self._emit(ctx, f"{prefix}.out{action_index}", hops + 1, match.payload["n"])

        async def _emit(self, ctx, name, hops, n):
            event = await ctx.emit(name, hops=hops, n=n)
            for dispatch in checks["connects"].get(event.id, ()):
                if dispatch.id not in checks["finished"]:
                    checks["early"].append((event.id, dispatch.id))

    Generated.__name__ = Generated.__qualname__ = f"{prefix}Module"
    return module(implements=iface)(Generated)


@st.composite
def architectures(draw):
    count = draw(st.integers(2, 4))
    actions = [draw(st.integers(1, 2)) for _ in range(count)]
    connections = draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(FACTORIES)),
                st.integers(0, count - 1),
                st.integers(0, 1),
                st.integers(0, count - 1),
            ),
            min_size=1,
            max_size=6,
        )
    )
    scripts = [
        draw(
            st.lists(st.tuples(st.integers(0, actions[i] - 1), st.sampled_from([0, 1])), max_size=2)
        )
        for i in range(count)
    ]
    opening = draw(st.integers(1, 3))
    return actions, connections, scripts, opening


def build(spec):
    actions, connections = spec[0], spec[1]
    interfaces = [make_interface(f"C{i}", n) for i, n in enumerate(actions)]
    members = {f"c{i}": iface for i, iface in enumerate(interfaces)}
    members["connections"] = [
        FACTORIES[kind](
            Pattern.match(f"C{source}.out{min(index, actions[source] - 1)}"), target=f"c{target}"
        )
        for kind, source, index, target in connections
    ]
    arch = architecture(type("RandomArch", (), members))
    return arch, interfaces


def run_once(spec, seed):
    arch, interfaces = build(spec)
    checks = {"connects": {}, "finished": set(), "early": []}
    modules = {
        f"c{i}": make_module(iface, spec[2][i], spec[3] if i == 0 else 0, checks)
        for i, iface in enumerate(interfaces)
    }
    system = System(arch, modules, seed=seed, max_events=600)
    trace = []

    def watch(note):
        if isinstance(note, DispatchQueued) and note.dispatch.kind == "connect":
            checks["connects"].setdefault(note.dispatch.event.id, []).append(note.dispatch)
        elif isinstance(note, DispatchFinished):
            checks["finished"].add(note.dispatch.id)
        if isinstance(note, (DispatchStarted, DispatchFinished)):
            d = note.dispatch
            trace.append((type(note).__name__, d.id, d.kind, d.connection.index, d.event.id))

    system.subscribe(watch, kinds=[DispatchQueued, DispatchStarted, DispatchFinished])

    computation = asyncio.run(system.run())
    shape = [
        (
            e.id,
            e.name,
            e.source,
            dict(e.payload),
            e.timestamp,
            sorted(c.id for c in computation.poset.causes(e)),
        )
        for e in computation
    ]
    return shape, trace, checks, computation


@settings(max_examples=100, deadline=None)
@given(architectures(), st.integers(0, 3))
def test_the_same_seed_gives_the_same_computation(spec, seed):
    first, first_trace, _, _ = run_once(spec, seed)
    second, second_trace, _, _ = run_once(spec, seed)
    assert first == second
    assert first_trace == second_trace


@settings(max_examples=100, deadline=None)
@given(architectures(), st.integers(0, 3))
def test_pipes_deliver_in_recording_order_one_at_a_time(spec, seed):
    _, trace, _, computation = run_once(spec, seed)
    seq = computation.poset.seq
    by_pipe: dict[int, list[tuple[str, int, str]]] = {}
    for note, dispatch_id, kind, index, event_id in trace:
        if kind == "pipe":
            by_pipe.setdefault(index, []).append((note, dispatch_id, event_id))
    for steps in by_pipe.values():
        # Started, finished, started, finished...: never two in flight.
        assert [note for note, _, _ in steps] == ["DispatchStarted", "DispatchFinished"] * (
            len(steps) // 2
        )
        started = [event_id for note, _, event_id in steps if note == "DispatchStarted"]
        positions = [seq(computation.get(event_id)) for event_id in started]
        assert positions == sorted(positions)


@settings(max_examples=100, deadline=None)
@given(architectures(), st.integers(0, 3))
def test_a_connect_emitter_never_resumes_before_its_deliveries_finish(spec, seed):
    _, _, checks, _ = run_once(spec, seed)
    assert checks["early"] == []


def test_different_seeds_give_different_agent_orders():
    # One opening event fans out through five agents; their order is the seed's choice.
    spec = ([1] * 6, [("agent", 0, 0, t) for t in range(1, 6)], [[]] + [[(0, 0)]] * 5, 1)
    orders = set()
    for seed in range(8):
        _, trace, _, _ = run_once(spec, seed)
        orders.add(tuple(index for note, _, _, index, _ in trace if note == "DispatchStarted"))
    assert len(orders) > 1
    assert all(sorted(order) == [0, 1, 2, 3, 4] for order in orders)


@given(st.integers(0, 2**64), st.lists(st.integers(1, 2**40), min_size=1, max_size=40))
def test_the_seeded_draw_among_deliveries_is_randranges(seed, counts):
    # The queues draw as random.Random.randrange does, bit for bit: a seed picks the
    # same deliveries on every supported Python as it always has.
    queues = DispatchQueues(seed, ())
    reference = random.Random(seed)
    assert [queues.below(count) for count in counts] == [reference.randrange(n) for n in counts]

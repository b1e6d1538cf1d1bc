"""Pausing and stepping: pending(), step() by kind and by id, run_until_quiet()."""

from __future__ import annotations

import asyncio
import re

import pytest

from pyrapide.runtime import DispatchStarted, EventRecorded, System
from tests.pyrapide.runtime.kinds_parts import (
    LOG,
    Echo,
    Fan,
    Listener,
    Relay,
    RelayChain,
    Silent,
    paused_fan,
)


async def test_pending_lists_each_dispatch_with_its_kind_and_step_runs_exactly_one():
    system = await paused_fan()
    event = system.inject("Source.ping", {"n": 1})
    pending = system.pending()
    assert [(d.kind, d.target, d.event, d.state) for d in pending] == [
        ("connect", "sync", event, "queued"),
        ("pipe", "queue", event, "queued"),
        ("agent", "free", event, "queued"),
    ]
    assert [d.id for d in pending] == [1, 2, 3]
    assert system.state == "paused"

    ran = await system.step()
    assert ran is pending[0] and ran.state == "done"  # the synchronous delivery goes first
    assert LOG == ["sync 1"]
    assert [d.id for d in system.pending()] == [2, 3]

    await system.run_until_quiet()
    assert sorted(LOG) == ["free 1", "queue 1", "sync 1"]
    assert system.pending() == [] and system.state == "quiet"


async def test_step_by_kind_and_by_id_picks_that_dispatch():
    system = await paused_fan()
    system.inject("Source.ping", {"n": 1})
    agent_dispatch = await system.step("agent")
    assert agent_dispatch.kind == "agent" and LOG == ["free 1"]
    pipe_dispatch = await system.step("pipe")
    assert pipe_dispatch.kind == "pipe" and LOG == ["free 1", "queue 1"]
    (connect_dispatch,) = system.pending()
    assert (await system.step(connect_dispatch.id)) is connect_dispatch
    assert LOG == ["free 1", "queue 1", "sync 1"]
    assert await system.step() is None  # nothing left
    assert await system.step("pipe") is None


async def test_step_takes_its_choice_by_the_keyword_the_contract_names():
    # DESIGN.md: `await system.step(kind=None or "connect"/"pipe"/"agent" or a dispatch id)`.
    system = await paused_fan()
    system.inject("Source.ping", {"n": 1})
    assert (await system.step(kind="agent")).kind == "agent"
    (pipe_dispatch,) = (d for d in system.pending() if d.kind == "pipe")
    assert (await system.step(kind=pipe_dispatch.id)) is pipe_dispatch
    assert (await system.step(kind=None)).kind == "connect"
    assert LOG == ["free 1", "queue 1", "sync 1"]


async def test_a_pipe_dispatch_cannot_overtake_an_earlier_one():
    system = await paused_fan()
    system.inject("Source.ping", {"n": 1})
    system.inject("Source.ping", {"n": 2})
    first, second = (d for d in system.pending() if d.kind == "pipe")
    with pytest.raises(ValueError, match=rf"#{second.id} waits behind #{first.id}"):
        await system.step(second.id)
    with pytest.raises(ValueError, match="no such pending dispatch"):
        await system.step(999)
    with pytest.raises(ValueError, match="unknown kind 'pipes'"):
        await system.step("pipes")
    # "2" was refused as an unknown kind, naming the kinds alone: a step takes an id too.
    with pytest.raises(ValueError, match=re.escape(
        "step(): unknown kind '2'; use one of connect, pipe, agent or wake, or a dispatch "
        'id (12 or "#12")'
    )):
        await system.step("2")
    assert (await system.step(f"#{first.id}")) is first
    assert (await system.step("pipe")) is second
    assert LOG == ["queue 1", "queue 2"]


async def test_a_nested_connect_delivery_is_a_pending_dispatch_of_its_own():
    system = System(RelayChain, {"source": Silent, "first": Relay, "second": Listener})
    await system.start()
    system.inject("Source.ping", {"n": 4})
    outer = await system.step()
    # The relay emitted through a connect and waits: its delivery is pending.
    assert outer.state == "running"
    assert LOG == ["first relays 4"]
    (inner,) = system.pending()
    assert (inner.kind, inner.target, inner.event.name, inner.depth) == (
        "connect", "second", "Sink.relay", 2,
    )
    # Running it finishes the relay's wait: the relay continues in the same step.
    assert (await system.step()) is inner
    assert LOG == ["first relays 4", "second got relay 4", "first resumed 4"]
    assert outer.state == "done" and system.state == "quiet"


async def test_a_subscriber_can_pause_the_run_and_it_continues_where_it_stopped():
    system = await paused_fan()
    for n in range(5):
        system.inject("Source.ping", {"n": n})

    def breakpoint_on_third_pong(note):
        pongs = system.computation.events_by_name("Sink.pong")
        if note.event.name == "Sink.pong" and len(pongs) == 3:
            system.pause()

    system.subscribe(breakpoint_on_third_pong, kinds=[EventRecorded])
    await system.run_until_quiet()
    assert system.state == "paused"
    assert len(LOG) == 3 and system.pending()
    await system.run_until_quiet()
    assert system.state == "quiet" and len(LOG) == 15


async def test_run_until_quiet_lets_other_asyncio_tasks_run_meanwhile():
    system = await paused_fan()
    for n in range(400):
        system.inject("Source.ping", {"n": n})
    ticks = 0
    steps_seen_by_ticker = []
    started = []
    system.subscribe(lambda note: started.append(note), kinds=[DispatchStarted])

    async def ticker():
        nonlocal ticks
        while system.state != "quiet":
            ticks += 1
            steps_seen_by_ticker.append(len(started))
            await asyncio.sleep(0)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    # Handed back after every burst, not only once 10 ms have passed, as a front end
    # asks (and as a run much longer than this one is by default).
    await system.run_until_quiet(yield_every=0)
    await ticking
    assert len(started) == 1200
    # The ticker ran many times while the run was in progress.
    assert len([s for s in steps_seen_by_ticker if 0 < s < 1200]) >= 10


async def test_state_changes_are_reported_in_order():
    system = System(Fan, {"source": Silent, "sync": Echo, "queue": Echo, "free": Echo})
    states = []
    system.subscribe(lambda note: states.append(note.state), kinds="StateChanged")
    await system.start()
    system.inject("Source.ping", {"n": 1})
    await system.step()
    await system.run_until_quiet()
    await system.stop()
    assert states == ["running", "quiet", "paused", "running", "quiet", "stopped"]


async def test_a_dispatch_is_found_by_id_without_listing_the_queue(monkeypatch):
    system = await paused_fan(30)
    listed = system.pending()  # connects, pipe deliveries and agent deliveries
    wanted = [d for d in listed if d.id % 7 == 0 or d.kind == "pipe"][:12]

    def no_listing(self):
        raise AssertionError("the whole queue was listed to find one dispatch")

    monkeypatch.setattr(type(system.scheduler.queues), "pending", no_listing)
    for dispatch in listed:
        assert system.pending_dispatch(dispatch.id) is dispatch
    assert system.pending_dispatch(10_000) is None
    with pytest.raises(ValueError) as missing:
        system.blocked(10_000)
    ids = ", ".join(f"#{d.id}" for d in listed[:20])
    assert str(missing.value) == f"blocked(#10000): no such pending dispatch (pending: {ids})"
    pipe_head = next(d for d in listed if d.kind == "pipe")
    assert system.blocked(pipe_head.id) is None
    stepped = []
    for dispatch in wanted:
        if system.blocked(dispatch.id) is None:
            assert (await system.step(dispatch.id)) is dispatch
            assert system.pending_dispatch(dispatch.id) is None
            stepped.append(dispatch.kind)
    assert {"connect", "pipe", "agent"} <= set(stepped)

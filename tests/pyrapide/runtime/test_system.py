"""System lifecycle and reporting: run/pause/resume, reset, the notification stream."""

from __future__ import annotations

import asyncio
import re

import pytest

from pyrapide import Event
from pyrapide.runtime import (
    DispatchFinished,
    DispatchQueued,
    DispatchStarted,
    EventRecorded,
    LogicalClock,
    StateChanged,
    System,
)
from tests.pyrapide.hash_seeds import printed_under_hash_seeds
from tests.pyrapide.runtime.kinds_parts import LOG, Echo, Fan, Silent


def fan(**options) -> System:
    return System(Fan, {"source": Silent, "sync": Echo, "queue": Echo, "free": Echo}, **options)


async def test_notifications_tell_the_story_of_a_delivery_in_order():
    system = fan()
    notes = []
    system.subscribe(
        notes.append, kinds=[EventRecorded, DispatchQueued, DispatchStarted, DispatchFinished]
    )
    await system.start()
    ping = system.inject("Source.ping", {"n": 1})
    await system.step("connect")
    kinds = [type(n).__name__ for n in notes]
    assert kinds == [
        "EventRecorded",  # the ping
        "DispatchQueued",
        "DispatchQueued",
        "DispatchQueued",  # connect, pipe, agent
        "DispatchStarted",  # the connect delivery
        "EventRecorded",  # the pong it emits (no connection routes it)
        "DispatchFinished",
    ]
    assert notes[0].event is ping and notes[0].causes == ()
    assert notes[5].causes == (ping,)
    assert [n.seq for n in notes] == sorted(n.seq for n in notes)


async def test_subscribe_refuses_an_unknown_kind_and_unsubscribe_stops_the_stream():
    system = fan()
    with pytest.raises(ValueError, match="unknown notification kind 'Evnt'"):
        system.subscribe(print, kinds=["Evnt"])
    # A kind that is neither a class, a name nor a list of them was Python's
    # "'int' object is not iterable".
    with pytest.raises(ValueError, match=re.escape(
        "subscribe(kinds=...) got 3, not a notification kind (a class or its name) "
        "or a list of them"
    )):
        system.subscribe(print, kinds=3)
    seen = []
    unsubscribe = system.subscribe(seen.append, kinds=[EventRecorded])
    await system.start()
    system.inject("Source.ping", {"n": 1})
    unsubscribe()
    system.inject("Source.ping", {"n": 2})
    assert len(seen) == 1


async def test_run_waits_for_resume_after_a_subscriber_pauses_it():
    system = fan()
    await system.start()
    for n in range(3):
        system.inject("Source.ping", {"n": n})
    states = []

    def record_state(note):
        states.append(note.state)

    def breakpoint(note):
        if note.event.name == "Sink.pong" and len(LOG) == 2 and not states.count("paused"):
            system.pause()

    system.subscribe(record_state, kinds=[StateChanged])
    system.subscribe(breakpoint, kinds=[EventRecorded])
    running = asyncio.create_task(system.run())
    for _ in range(20):
        await asyncio.sleep(0)
    assert system.state == "paused" and not running.done()
    assert len(LOG) == 2
    system.resume()
    computation = await asyncio.wait_for(running, 5)
    assert len(LOG) == 9 and len(computation) == 12
    assert states[-3:] == ["running", "quiet", "stopped"]


async def test_reset_starts_over_with_a_new_seed_and_keeps_subscribers():
    system = fan(seed=3)
    seen = []
    system.subscribe(seen.append, kinds=[EventRecorded])
    await system.start()
    system.inject("Source.ping", {"n": 1})
    await system.run_until_quiet()
    first_modules = dict(system.modules)
    system.reset(seed=7)
    assert (system.seed, system.state, len(system.computation), system.modules) == (
        7,
        "idle",
        0,
        {},
    )
    await system.start()
    system.inject("Source.ping", {"n": 1})
    await system.run_until_quiet()
    assert system.modules["sync"] is not first_modules["sync"]
    assert [e.id for e in system.computation] == ["e1", "e2", "e3", "e4"]
    assert len(seen) == 8  # four events in each run


async def test_lifecycle_misuse_is_refused_clearly():
    system = fan()
    await system.start()
    with pytest.raises(RuntimeError, match="already"):
        await system.start()
    await system.stop()
    with pytest.raises(RuntimeError, match="stopped"):
        await system.run_until_quiet()
    with pytest.raises(RuntimeError, match="the system is stopped"):
        system.inject("Source.ping", {"n": 1})
    with pytest.raises(RuntimeError, match=r"^run\(\): the system is stopped \(reset\(\) starts"):
        await system.run()


async def test_start_after_a_step_says_the_step_started_the_system():
    system = fan()
    await system.step()
    with pytest.raises(RuntimeError, match=r"^start\(\): the system has started already "
                       r"\(it is \w+; step\(\) and run\(\) start a system that has not\)$"):
        await system.start()


async def test_a_stepping_caller_can_wait_for_real_time_work_without_polling():
    from pyrapide import get_context, module
    from tests.pyrapide.runtime.kinds_parts import Source

    @module(implements=Source)
    class Slow:
        async def start(self):
            await asyncio.sleep(0.02)
            await get_context(self).emit("Source.ping", n=1)

    system = System(Fan, {"source": Slow, "sync": Echo, "queue": Echo, "free": Echo})
    await system.start()
    assert await system.step() is None  # the start hook waits on asyncio: nothing to step
    assert system.state == "paused"
    assert await system.wait_for_wakeup(timeout=5) is True
    await system.step()  # resumes the hook, which pings
    await system.run_until_quiet()
    assert sorted(LOG) == ["free 1", "queue 1", "sync 1"]
    assert await system.wait_for_wakeup() is False  # nothing waits any more


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"seed": None}, "seed must be an integer, got None"),
        ({"seed": 1.5}, "seed must be an integer, got 1.5"),
        ({"max_events": 0}, "max_events must be a positive integer or None, got 0"),
        ({"max_events": -5}, "max_events must be a positive integer or None, got -5"),
        ({"max_events": "10"}, "max_events must be a positive integer or None, got '10'"),
        ({"max_connect_depth": 0}, "max_connect_depth must be a positive integer, got 0"),
        ({"max_connect_depth": None}, "max_connect_depth must be a positive integer, got None"),
        ({"clock": 5}, "clock must be a LogicalClock, a RealTimeClock or None, got int 5"),
        # Both were taken, and real_time=True silently ran on the logical clock given.
        (
            {"real_time": True, "clock": LogicalClock()},
            r"real_time=True asks for the wall clock, but clock= is a LogicalClock",
        ),
        ({"real_time": "no"}, r"real_time must be True or False, got str 'no'"),
        ({"handler_timeout": 0}, "handler_timeout must be a positive number of seconds or None"),
        (
            {"handler_timeout": "5"},
            "handler_timeout must be a positive number of seconds or None, got '5'",
        ),
    ],
)
def test_options_that_would_break_the_run_or_its_determinism_are_refused(options, words):
    # A seed of None would seed from the system's entropy: no two runs alike.
    with pytest.raises((TypeError, ValueError), match=words):
        fan(**options)


def test_modules_given_other_than_by_name_and_a_timeout_set_later_are_refused_by_name():
    with pytest.raises(TypeError, match=r"^System\(\) takes the modules as a mapping .* got list"):
        System(Fan, [Silent, Echo, Echo, Echo])  # type: ignore[arg-type]
    system = fan()
    with pytest.raises(TypeError, match=r"handler_timeout must be .* or None, got 'soon'"):
        system.handler_timeout = "soon"  # type: ignore[assignment]
    assert system.handler_timeout == fan().handler_timeout


async def test_an_event_injected_again_is_refused_and_delivered_once():
    system = fan()
    await system.start()
    ping = Event("Source.ping", {"n": 1}, id="ping")
    system.inject_event(ping)
    with pytest.raises(ValueError, match=r"already holds event 'ping' \(Source.ping\)"):
        system.inject_event(ping)
    # Another event with that id: the computation and the deliveries would disagree.
    with pytest.raises(ValueError, match=r"already holds event 'ping'"):
        system.inject_event(Event("Source.ping", {"n": 2}, id="ping"))
    with pytest.raises(TypeError, match=r"^inject_event\(\) takes an Event, got str"):
        system.inject_event("Source.ping")  # type: ignore[arg-type]
    assert len(system.pending()) == 3  # one delivery per connection, once
    await system.run_until_quiet()
    await system.stop()
    assert sorted(LOG) == ["free 1", "queue 1", "sync 1"]
    assert [event.id for event in system.computation if event.name == "Source.ping"] == ["ping"]


async def test_bounds_given_to_a_run_are_checked_before_it_starts():
    system = fan()
    with pytest.raises(ValueError, match="timeout must be a non-negative number of seconds"):
        await system.run(timeout=-1)
    with pytest.raises(TypeError, match="timeout must be a non-negative number of seconds"):
        await system.run(timeout="5")
    with pytest.raises(ValueError, match="max_events must be a positive integer or None, got 0"):
        await system.run(max_events=0)
    with pytest.raises(ValueError, match="max_steps must be a non-negative integer or None"):
        await system.run_until_quiet(max_steps=-1)
    with pytest.raises(TypeError, match="seed must be an integer"):
        system.reset(seed="x")
    assert system.state == "idle"  # nothing was started by a refused call
    assert len(system.computation) == 0


def test_an_unknown_cause_in_a_set_is_named_alike_under_every_hash_seed():
    # inject() and emit() named the first unknown id in the set's iteration order, which
    # string hashing picks: the same call failed with another message in each process.
    code = (
        "import asyncio\n"
        "from tests.pyrapide.runtime.test_system import fan\n"
        "async def main():\n"
        "    system = fan()\n"
        "    await system.start()\n"
        "    unknown = {f'e{i}0' for i in range(2, 9)}\n"
        "    try:\n"
        "        system.inject('Source.ping', {'n': 1}, caused_by=unknown)\n"
        "    except ValueError as error:\n"
        "        print(error)\n"
        "asyncio.run(main())\n"
    )
    outputs = printed_under_hash_seeds(code)
    assert outputs == {
        "inject('Source.ping'): caused_by names 'e20', which is not in the computation\n"
    }

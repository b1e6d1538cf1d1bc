"""System.choices(): every step that may be taken now, the plain step's own marked."""

from __future__ import annotations

import pytest

from pyrapide import Pattern, agent, architecture, get_context, module
from pyrapide import when as on
from pyrapide.runtime import WAKE, HandlerStarted, System
from tests.pyrapide.runtime.kinds_parts import Echo, Fan, Silent, Sink, Source


async def fan(seed: int, pings: int = 3) -> System:
    system = System(Fan, {"source": Silent, "sync": Echo, "queue": Echo, "free": Echo}, seed=seed)
    await system.start()
    for n in range(pings):
        system.inject("Source.ping", {"n": n})
    return system


async def test_a_queued_connect_delivery_is_the_only_choice():
    system = await fan(seed=0)
    choices = system.choices()
    assert len(choices) == 1
    only = choices[0]
    assert only.is_call and only.default and only.component == "sync"


@pytest.mark.parametrize("seed", [0, 1, 5])
async def test_the_default_choice_is_what_a_plain_step_takes(seed):
    system = await fan(seed)
    while True:
        choices = system.choices()
        if not choices:
            assert await system.step() is None
            break
        defaults = [choice for choice in choices if choice.default]
        assert len(defaults) == 1
        ran = await system.step()
        assert ran is not None and ran.id == defaults[0].target


async def test_asking_changes_nothing_in_the_run():
    async def trace(peek: bool) -> list[str]:
        system = await fan(seed=3)
        while True:
            if peek:
                for _ in range(3):
                    system.choices()
            if await system.step() is None:
                return [f"{e.name}{dict(e.payload)}" for e in system.computation]

    assert await trace(True) == await trace(False)


async def test_every_choice_can_be_taken_by_its_target():
    system = await fan(seed=0)
    await system.step()  # the first connect: now pipe heads and agents are choices
    while system.choices()[0].is_call:
        await system.step()
    choices = system.choices()
    assert len(choices) > 1
    assert [c.target for c in choices] == sorted(c.target for c in choices)
    last = choices[-1]
    ran = await system.step(last.target)
    assert ran is not None and ran.id == last.target
    assert last.target not in [c.target for c in system.choices()]


@module(implements=Sink)
class Sleeper:
    @on(Pattern.match("Source.ping"))
    async def on_ping(self, match):
        await get_context(self).sleep(1)


@architecture
class Nap:
    source = Source
    sink = Sink
    connections = [agent(Pattern.match("Source.ping"), target="sink")]


async def test_a_sleeper_is_a_choice_before_its_time():
    system = System(Nap, {"source": Silent, "sink": Sleeper})
    await system.start()
    system.inject("Source.ping", {"n": 1})
    await system.step()  # the handler falls asleep until t=1
    (choice,) = system.choices()
    assert choice.resumes and choice.wake_at == 1 and choice.default
    assert choice.target == choice.dispatch.id
    assert system.now == 0
    await system.step(choice.target)
    assert system.now == 1
    assert system.choices() == []


async def test_a_hook_asleep_is_offered_as_the_wake_up():
    system = System(Nap, {"source": Silent, "sink": NappingStart})
    await system.start()
    (choice,) = system.choices()
    assert choice.target == WAKE and choice.hook == "start" and choice.dispatch is None


@module(implements=Sink)
class NappingStart:
    async def start(self):
        await get_context(self).sleep(2)


async def test_handler_started_names_the_component_and_the_handler():
    system = await fan(seed=0, pings=1)
    heard: list[HandlerStarted] = []
    system.subscribe(heard.append, [HandlerStarted])
    while await system.step() is not None:
        pass
    assert sorted((note.component, note.handler) for note in heard) == [
        ("free", "on_ping"), ("queue", "on_ping"), ("sync", "on_ping")
    ]
    assert all(note.dispatch is not None for note in heard)


async def test_every_hook_asleep_is_a_choice_by_its_component():
    # Only the hook step("wake") would take was offered: two hooks waking at the same
    # time could be taken in one order only, and an explorer never tried the other.
    from tests.shell.fixtures.producers import market

    system = market()
    await system.start()
    assert [(c.target, c.hook, c.default) for c in system.choices()] == [
        (WAKE, "start", True),
        ("wake beta", "start", False),
    ]
    await system.step("wake beta")
    assert [e.source for e in system.computation] == ["beta"]
    with pytest.raises(ValueError, match=r"step\('wake till'\): no hook of 'till' is asleep "
                       r"or woken \(these are: start of alpha\)"):
        await system.step("wake till")
    await system.run()
    assert [v.constraint_name for v in system.violations] == ["alpha_first"]

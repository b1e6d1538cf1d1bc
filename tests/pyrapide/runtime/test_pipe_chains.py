"""A pipe's answers keep their chain of the poset's decomposition, whatever runs between
them, so that ancestry queries read the chain clocks instead of searching."""

from __future__ import annotations

import pytest

from pyrapide import (
    Computation,
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
from pyrapide.runtime import System

ITEMS = 300


@interface
class Source:
    @action
    async def item(self, n: int) -> None: ...


@interface
class Stage:
    @action
    async def out(self, n: int) -> None: ...


@module(implements=Source)
class Producer:
    async def start(self) -> None:
        for n in range(ITEMS):
            await get_context(self).emit("Source.item", n=n)


@module(implements=Stage)
class Relay:
    @when(Pattern.match("Source.item").or_(Pattern.match("Stage.out")))
    async def on(self, match) -> None:
        await get_context(self).emit("Stage.out", n=match.payload["n"])


@architecture
class Relays:
    src = Source
    a = Stage
    b = Stage
    c = Stage
    connections = [
        pipe(Pattern.match("Source.item"), target="a"),
        agent(Pattern.match("Stage.out", source="a"), target="b"),
        connect(Pattern.match("Stage.out", source="b"), target="c"),
    ]


@pytest.mark.parametrize("seed", [0, 1, 2])
async def test_a_pipes_answers_keep_their_chain_whatever_runs_between(seed: int) -> None:
    # The agent's delivery of an answer often ran right after it and took its chain,
    # so the pipe's next answer started a chain of its own: as many chains as items,
    # each feeding the next, past what the chain clocks keep a field for, and an
    # ancestry query searched them (a minute for one `expect` at 32,000 events).
    modules = {"src": Producer, "a": Relay, "b": Relay, "c": Relay}
    system = System(Relays, modules, seed=seed)
    computation = await system.run()
    poset = computation.poset
    answers = [event for event in poset if event.source == "a"]
    assert len(answers) == ITEMS
    # (The last may join the producer's chain, whose last item it answers.)
    assert len({poset._chain_position(event)[0] for event in answers}) <= 2
    # Every answer of b still precedes c's answer to it and follows a's.
    by_item = {(event.source, event.payload["n"]): event for event in poset}
    for n in range(ITEMS):
        assert poset.is_ancestor(by_item["a", n], by_item["b", n])
        assert poset.is_ancestor(by_item["b", n], by_item["c", n])
        assert not poset.is_ancestor(by_item["b", n], by_item["a", ITEMS - 1])


async def test_a_loaded_run_lays_a_pipes_answers_out_as_the_run_did(tmp_path) -> None:
    modules = {"src": Producer, "a": Relay, "b": Relay, "c": Relay}
    computation = await System(Relays, modules, seed=1).run()
    computation.save(tmp_path / "run.json")
    poset = Computation.load(tmp_path / "run.json").poset
    answers = [event for event in poset if event.source == "a"]
    assert len({poset._chain_position(event)[0] for event in answers}) <= 2


async def test_a_loaded_connect_chain_stays_one_chain(tmp_path) -> None:
    # A connect's caller goes on after what the call made: its next event follows the
    # call's last, on the one chain the call took; nothing is kept from the call.
    computation = await System(Calls, {"src": Producer, "a": Relay, "b": Relay}).run()
    computation.save(tmp_path / "run.json")
    loaded = Computation.load(tmp_path / "run.json").poset
    chains = {loaded._chain_position(event)[0] for event in loaded if event.source != "src"}
    ran = computation.poset
    assert chains == {ran._chain_position(e)[0] for e in ran if e.source != "src"}


@architecture
class Calls:
    src = Source
    a = Stage
    b = Stage
    connections = [
        connect(Pattern.match("Source.item"), target="a"),
        connect(Pattern.match("Stage.out", source="a"), target="b"),
    ]

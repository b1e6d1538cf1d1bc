"""System.next_dispatch(): the step's choice, seen in advance without changing the run."""

from __future__ import annotations

import pytest

from pyrapide.runtime import System
from tests.pyrapide.runtime.kinds_parts import Echo, Fan, Silent

PINGS = 6


async def fan_with_pings(seed: int) -> System:
    system = System(
        Fan, {"source": Silent, "sync": Echo, "queue": Echo, "free": Echo}, seed=seed
    )
    await system.start()
    for n in range(PINGS):
        system.inject("Source.ping", {"n": n})
    return system


async def stepped_run(seed: int, *, peek: bool) -> tuple[list[int], list[tuple]]:
    """Steps until nothing is left; with ``peek``, looks ahead several times per step
    and checks that the step runs the dispatch announced."""
    system = await fan_with_pings(seed)
    ran_ids = []
    while True:
        expected = None
        if peek:
            for kind in (None, "agent", "pipe", "connect", None, "agent"):
                system.next_dispatch(kind)
            expected = system.next_dispatch()
        ran = await system.step()
        if ran is None:
            assert expected is None
            break
        if peek:
            assert ran is expected
        ran_ids.append(ran.id)
    poset = system.computation.poset
    trace = [
        (event.id, event.name, dict(event.payload), [cause.id for cause in poset.causes(event)])
        for event in system.computation
    ]
    return ran_ids, trace


@pytest.mark.parametrize("seed", [0, 1, 7])
async def test_peeking_any_number_of_times_leaves_the_run_unchanged(seed):
    assert await stepped_run(seed, peek=True) == await stepped_run(seed, peek=False)


async def test_the_runs_compared_do_depend_on_the_seeds_draws():
    # Otherwise the test above could pass with a peek that consumed draws.
    orders = {tuple((await stepped_run(seed, peek=False))[0]) for seed in range(5)}
    assert len(orders) > 1


@pytest.mark.parametrize("kind", ["connect", "pipe", "agent"])
async def test_step_of_a_kind_runs_the_dispatch_peeked_for_that_kind(kind):
    system = await fan_with_pings(seed=3)
    for _ in range(PINGS):
        expected = system.next_dispatch(kind)
        assert expected is not None and expected.kind == kind and expected.state == "queued"
        assert await system.step(kind) is expected
    assert system.next_dispatch(kind) is None
    assert await system.step(kind) is None


async def test_peeking_changes_neither_the_queue_nor_the_state():
    system = await fan_with_pings(seed=0)
    await system.step("connect")  # leave agents and pipe heads, so a draw decides
    before = ([d.id for d in system.pending()], system.state, len(system.computation))
    for _ in range(10):
        system.next_dispatch()
    assert ([d.id for d in system.pending()], system.state, len(system.computation)) == before


async def test_nothing_queued_means_no_next_dispatch_and_an_unknown_kind_is_refused():
    system = System(Fan, {"source": Silent, "sync": Echo, "queue": Echo, "free": Echo})
    assert system.next_dispatch() is None
    with pytest.raises(ValueError, match="unknown kind 'agents'"):
        system.next_dispatch("agents")

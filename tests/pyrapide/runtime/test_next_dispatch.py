"""System.next_dispatch(): the step's choice, seen in advance without changing the run."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyrapide import Event, Pattern, agent, pipe
from pyrapide.architecture import ConnectionKind
from pyrapide.patterns import PatternMatch
from pyrapide.runtime import System
from pyrapide.runtime.dispatch import Dispatch
from pyrapide.runtime.queues import DispatchQueues, PipeLane
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


_QUEUE_MOVES = st.lists(
    st.tuples(st.sampled_from(["agent", "pipe", "take", "done"]), st.integers(0, 2)),
    max_size=50,
)


@given(_QUEUE_MOVES, st.integers(0, 3))
def test_a_plain_step_takes_what_the_look_ahead_announced(moves, seed):
    # DispatchQueues.take() has short cuts for queues of one kind and of two; whatever the
    # queue holds (agent deliveries, the heads of several pipes, pipes in flight), it
    # takes the dispatch select() announces, with the same draw of the seed.
    connections = [
        dataclasses.replace(pipe(Pattern.match("Job.made"), "worker"), index=i) for i in range(3)
    ]
    free = dataclasses.replace(agent(Pattern.match("Job.made"), "worker"), index=3)
    queues = DispatchQueues(seed=seed, pipe_indexes=range(3))
    numbers = itertools.count(1)
    in_flight: list[PipeLane] = []
    for move, lane_number in moves:
        match = PatternMatch((Event("Job.made"),))
        if move == "agent":
            queues.add(Dispatch(next(numbers), ConnectionKind.AGENT, match, "worker", free), None)
        elif move == "pipe":
            connection = connections[lane_number]
            dispatch = Dispatch(next(numbers), ConnectionKind.PIPE, match, "worker", connection)
            queues.add(dispatch, queues.lanes[lane_number])
        elif move == "done" and in_flight:
            lane = in_flight.pop(0)
            lane.in_flight = None
            queues.lane_done(lane)
        elif move == "take":
            announced = queues.peek(None)
            taken = queues.take()
            assert taken is announced
            if taken is not None and taken.kind is ConnectionKind.PIPE:
                lane = queues.lane_of(taken)
                lane.in_flight = taken
                in_flight.append(lane)

"""The queue at a glance: pending_count and pending_summary() agree with pending()."""

from __future__ import annotations

import heapq
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyrapide import Event, Pattern, PatternMatch
from pyrapide.architecture import ConnectionKind, agent
from pyrapide.runtime import System
from pyrapide.runtime.dispatch import Dispatch
from pyrapide.runtime.queues import DispatchQueues
from tests.pyrapide.runtime.kinds_parts import paused_fan
from tests.pyrapide.runtime.test_nesting import bind


def assert_agrees(system: System, shown: int) -> None:
    """The summary's counts are pending()'s; its first of each kind are of that kind,
    pipe deliveries in their pipe's order, agent deliveries the lowest ids."""
    pending = system.pending()
    summary = system.pending_summary(shown)
    by_kind = Counter(d.kind for d in pending)
    assert dict(summary.counts) == {kind: by_kind[kind] for kind in ConnectionKind}
    assert summary.total == system.pending_count == len(pending)
    for kind in ConnectionKind:
        listed = summary.first[kind]
        assert len(listed) == min(shown, by_kind[kind])
        assert all(d.kind == kind and d in pending for d in listed)
    agents = sorted(d.id for d in pending if d.kind == "agent")
    assert [d.id for d in summary.first[ConnectionKind.AGENT]] == agents[:shown]
    pipes = [d for d in pending if d.kind == "pipe"]
    assert summary.pipes_waiting == len({d.connection.index for d in pipes})
    for index in {d.connection.index for d in pipes}:
        lane = [d for d in summary.first[ConnectionKind.PIPE] if d.connection.index == index]
        queued = [d for d in system.scheduler.queues.lane_of(lane[0]).queue] if lane else []
        assert lane == queued[: len(lane)]  # each pipe's in the order it delivers
    if by_kind["connect"]:
        # The connect a plain step runs is the first listed.
        assert summary.first[ConnectionKind.CONNECT][0] is system.next_dispatch()


async def test_the_summary_counts_each_kind_and_lists_the_connects_in_the_order_steps_run_them():
    system = await paused_fan(10)
    assert_agrees(system, 4)
    listed = [d.id for d in system.pending_summary(4).first[ConnectionKind.CONNECT]]
    ran = [(await system.step("connect")).id for _ in range(4)]
    assert listed == ran  # calls one after another: the first ping's delivery first
    assert_agrees(system, 4)
    await system.run_until_quiet()
    summary = system.pending_summary(4)
    assert summary.total == 0 and all(not listed for listed in summary.first.values())


async def test_shown_zero_lists_nothing_and_still_counts():
    system = await paused_fan(3)
    summary = system.pending_summary(0)
    assert summary.total == 9 and all(not listed for listed in summary.first.values())


@pytest.mark.parametrize("kind", ["connect", "pipe", "agent"])
async def test_the_summary_agrees_with_pending_at_every_step_through_a_nested_architecture(kind):
    # Deliveries inside the department are made when an order is routed and queued
    # when the delivery into the department runs: later than dispatches made after.
    system = bind(kind, ("a", 5), ("b", 7), ("c", 9), ("d", 11))
    system.pause()
    await system.start()
    for shown in (1, 2, 25):
        assert_agrees(system, shown)
    while system.pending():
        await system.step()
        for shown in (1, 2, 25):
            assert_agrees(system, shown)
    await system.run_until_quiet()
    await system.stop()


# Queue the next agent delivery, queue one with a low id (as the deliveries inside a
# nested architecture are: made early, queued late), take the seed's choice, or take
# the lowest (a step chosen by id); then read the summary with this many shown.
_AGENT_MOVES = st.lists(
    st.tuples(
        st.sampled_from(["add", "add early", "take", "take lowest"]),
        st.integers(min_value=0, max_value=6),
    ),
    max_size=60,
)


_JOBS = agent(Pattern.match("Job.made"), target="worker")


def _agent_dispatch(number: int) -> Dispatch:
    """An agent delivery numbered ``number``, as the scheduler would queue it."""
    match = PatternMatch((Event("Job.made"),))
    return Dispatch(number, ConnectionKind.AGENT, match, "worker", _JOBS)


@given(_AGENT_MOVES)
def test_the_agent_deliveries_listed_are_always_the_lowest_ids_queued(moves):
    # The summary keeps the lowest ids it listed while adding and taking leave them
    # so: whatever happens between two summaries, it lists what a search would.
    queues = DispatchQueues(seed=3, pipe_indexes=())
    ids = iter(range(1000, 2000))
    early = iter(range(999, 0, -1))
    for move, shown in moves:
        if move.startswith("add"):
            number = next(ids) if move == "add" else next(early)
            queues.add(_agent_dispatch(number), None)
        elif move == "take" and queues.agents:
            queues.take()
        elif move == "take lowest" and queues.agents:
            queues.remove(min(queues.agents, key=lambda d: d.id))
        listed = queues.summary(shown).first[ConnectionKind.AGENT]
        assert listed == tuple(heapq.nsmallest(shown, queues.agents, key=lambda d: d.id))


@pytest.mark.parametrize("shown", [-1, 2.5, "3", None])
async def test_a_count_to_show_that_is_no_count_is_refused_by_name(shown):
    system = await paused_fan(2)
    with pytest.raises((TypeError, ValueError), match=r"pending_summary\(\): shown must be"):
        system.pending_summary(shown)

"""The explorer against brute force: every schedule of small architectures, taken one
choice at a time through the System's own stepping API (``tests/.../brute.py``).

The family (``family.py``) mixes connect, pipe and agent deliveries, sleeps and a
tally whose ``in_turn`` constraint fails in some orders only. The systematic search
must find exactly the posets brute force finds (count and membership), with and
without pruning, in one search or cut into shards run in any order; and exactly the
failing ones. Two schedules with one digest must be the same poset, compared exactly.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pytest

from pyrapide.exploration import (
    ExploreOptions,
    Explorer,
    Inject,
    Run,
    Scenario,
    ScheduleRunner,
    Timing,
    ignore_interrupts,
)
from pyrapide.exploration.search import Budget, Shard, run_shard
from pyrapide.exploration.shrink import Replay
from tests.pyrapide.exploration import brute, family

Spec = family.Spec
slow = pytest.mark.slow


def _two_stretches() -> Scenario:
    """Notes to each clerk, a run, then one more to each the other way round, a run."""
    first = family.notes([0, 1])
    more = (Inject(4, "Desk.note", {"to": 1, "n": 4}), Inject(5, "Desk.note", {"to": 0, "n": 5}))
    return Scenario((*first.steps, *more, Run(6)))


CASES = [
    pytest.param(Spec("agent", "connect", "agent", slow_tally=True), family.notes([1, 0]),
                 Timing.FREE, id="agent-connect-agent-slow-tally"),
    pytest.param(Spec("pipe", "pipe", "agent", sleepy=True), family.notes([1, 0]),
                 Timing.FREE, id="pipes-sleepy"),
    pytest.param(Spec("agent", "agent", "pipe", sleepy=True, slow_tally=True),
                 family.notes([0, 1]), Timing.LOGICAL, id="agents-pipe-logical"),
    pytest.param(Spec("connect", "pipe", "pipe"), family.notes([1, 0, 1]), Timing.FREE,
                 id="connect-pipe-pipe"),
    pytest.param(Spec("agent", "agent", "agent"), family.notes([0, 1, 1]), Timing.FREE,
                 id="agents", marks=slow),
    pytest.param(Spec("pipe", "agent", "connect", sleepy=True), family.notes([0, 1, 1]),
                 Timing.FREE, id="pipe-agent-connect-sleepy", marks=slow),
    pytest.param(Spec("agent", "pipe", "agent"), _two_stretches(), Timing.FREE,
                 id="two-stretches", marks=slow),
]


async def _searched(
    spec: Spec, scenario: Scenario, timing: Timing, prune: bool, runs: random.Random | None
) -> tuple[set[str], set[str], int]:
    """The posets and the failing posets the search finds, and how many schedules it
    ran: in one shard, or (``runs`` given) cut into shards of a few runs each, run in a
    random order, as workers would take them."""
    runner = ScheduleRunner(family.build(spec), scenario, timing=timing)
    posets: set[str] = set()
    failing: set[str] = set()

    def saw(outcome: Any) -> None:
        if not outcome.blocked:
            posets.add(outcome.digest)
            if outcome.failures:
                failing.add(outcome.digest)

    waiting, schedules = [Shard()], 0
    while waiting:
        shard = waiting.pop(runs.randrange(len(waiting)) if runs else 0)
        budget = Budget(runs=runs.randint(1, 3)) if runs else Budget()
        result = await run_shard(runner, shard, prune=prune, all_failures=True, budget=budget,
                                 on_schedule=saw)
        schedules += result.schedules
        waiting.extend(result.remaining)
    return posets, failing, schedules


@pytest.mark.parametrize(("spec", "scenario", "timing"), CASES)
def test_the_search_finds_every_poset_and_every_failing_one_brute_force_finds(
    spec: Spec, scenario: Scenario, timing: Timing
) -> None:
    every = asyncio.run(brute.every_schedule(family.system(spec), scenario, timing))
    posets = {schedule.digest for schedule in every}
    failing = {schedule.digest for schedule in every if schedule.crossed}
    for prune in (True, False):
        for runs in (None, random.Random(f"{spec} {prune}")):
            found = asyncio.run(_searched(spec, scenario, timing, prune, runs))
            assert found[:2] == (posets, failing), (prune, runs)
            if not prune:  # with pruning off, every schedule is one brute force took
                assert found[2] == len(every)


@pytest.mark.parametrize(("spec", "scenario", "timing"), CASES)
def test_one_digest_is_one_poset_compared_exactly(
    spec: Spec, scenario: Scenario, timing: Timing
) -> None:
    every = asyncio.run(brute.every_schedule(family.system(spec), scenario, timing))
    by_digest: dict[str, list[brute.Graph]] = {}
    for schedule in every:
        by_digest.setdefault(schedule.digest, []).append(schedule.graph)
    for graphs in by_digest.values():
        assert all(brute.isomorphic(graphs[0], other) for other in graphs[1:])
    kinds = [graphs[0] for graphs in by_digest.values()]
    for position, first in enumerate(kinds):
        assert not any(brute.isomorphic(first, other) for other in kinds[position + 1 :])


def _answer(result: Any) -> tuple[Any, ...]:
    return (
        result.schedules, result.distinct, result.ended, result.failing, result.coverage,
        [(example.number, example.digest, example.shrunk.schedule, example.scenario)
         for example in result.counterexamples],
    )


@pytest.mark.parametrize(("spec", "scenario", "timing"), CASES[:4])
def test_the_explorer_counts_what_brute_force_counts_alone_and_on_two_workers(
    spec: Spec, scenario: Scenario, timing: Timing
) -> None:
    every = asyncio.run(brute.every_schedule(family.system(spec), scenario, timing))
    options = ExploreOptions(all_failures=True, timing=timing)
    alone = asyncio.run(Explorer(family.system(spec), scenario, options).run())
    assert alone.exhausted
    assert alone.distinct == len({schedule.digest for schedule in every})
    assert alone.failing == len({schedule.digest for schedule in every if schedule.crossed})
    assert {example.digest for example in alone.counterexamples} == {
        schedule.digest for schedule in every if schedule.crossed
    }
    with ThreadPoolExecutor(2) as pool:
        shared = asyncio.run(
            Explorer(family.system(spec), scenario, options, executor=pool, width=2).run()
        )
    assert _answer(shared) == _answer(alone)


@slow
def test_two_worker_processes_find_what_brute_force_finds() -> None:
    spec, scenario = Spec("pipe", "agent", "connect", sleepy=True), family.notes([0, 1, 1])
    every = asyncio.run(brute.every_schedule(family.system(spec), scenario))
    options = ExploreOptions(all_failures=True)
    alone = asyncio.run(Explorer(family.system(spec), scenario, options).run())
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context, initializer=ignore_interrupts) as pool:
        shared = asyncio.run(
            Explorer(family.system(spec), scenario, options, executor=pool, width=2).run()
        )
    assert _answer(shared) == _answer(alone)
    assert {example.digest for example in shared.counterexamples} == {
        schedule.digest for schedule in every if schedule.crossed
    }
    assert shared.distinct == len({schedule.digest for schedule in every})


@pytest.mark.parametrize(("spec", "scenario", "timing"), CASES[:3])
def test_a_shrunk_counterexample_fails_and_no_forced_choice_of_it_can_go(
    spec: Spec, scenario: Scenario, timing: Timing
) -> None:
    options = ExploreOptions(all_failures=True, timing=timing)
    result = asyncio.run(Explorer(family.system(spec), scenario, options).run())
    runner = ScheduleRunner(family.build(spec), scenario, timing=timing)

    def fails(example: Any, picks: list[Any]) -> bool:
        outcome = asyncio.run(runner.play(Replay(picks), seed=example.shrunk.schedule.seed,
                                          scenario=example.scenario))
        return any(failure.key == example.shrunk.key for failure in outcome.failures)

    assert result.counterexamples
    for example in result.counterexamples:
        picks = example.shrunk.schedule.forced_picks()
        assert fails(example, picks)
        for position in range(len(picks)):
            assert not fails(example, picks[:position] + picks[position + 1 :])

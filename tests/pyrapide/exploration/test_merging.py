"""Shard results merged: what a bounded search's shards may still count, and its answer."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest

from pyrapide.exploration import ExploreOptions, Explorer, ignore_interrupts
from pyrapide.exploration.merging import ShardBook
from pyrapide.exploration.search import Shard, ShardResult
from tests.pyrapide.exploration import parts


def test_a_shard_may_count_what_the_bound_leaves_after_the_shards_before_it():
    book = ShardBook(Shard(), all_failures=False, max_schedules=10)
    first = book.next_waiting()
    assert first is not None and book.schedules_left(first.order) == 10
    rest = [Shard(path=((0, ("clerk", False)),), start=1), Shard(start=1)]
    book.done(ShardResult(first, schedules=4, remaining=rest))
    assert book.schedules_left(rest[0].order) == 6


def test_a_shard_wholly_past_the_bound_is_not_handed_out_and_the_answer_says_bound():
    book = ShardBook(Shard(), all_failures=False, max_schedules=4)
    first = book.next_waiting()
    assert first is not None
    book.done(ShardResult(first, schedules=4, remaining=[Shard(start=1)]))
    assert book.next_waiting() is None
    settled = book.settled()
    assert settled is not None and settled.ended == "bound"
    assert [result.schedules for result in settled.results] == [4]


def test_a_shard_forgotten_once_the_answer_is_known_still_makes_it_bound():
    # The bound falls at the first shard's last schedule while the next one is handed
    # out: the explorer cancels it and forgets it, and the answer must not turn into
    # "exhausted" for want of a shard after the bound (one search says "bound").
    book = ShardBook(Shard(), all_failures=False, max_schedules=4)
    first = book.next_waiting()
    assert first is not None
    book.done(ShardResult(first, schedules=2, remaining=[Shard(start=1), Shard(start=2)]))
    second, third = book.next_waiting(), book.next_waiting()
    assert second is not None and third is not None
    book.done(ShardResult(second, schedules=2))
    settled = book.settled()
    assert settled is not None and settled.ended == "bound"
    book.forget(third)
    settled = book.settled()
    assert settled is not None and settled.ended == "bound"
    assert [result.schedules for result in settled.results] == [2, 2]


def test_runs_abandoned_after_the_bounds_last_schedule_are_not_counted():
    book = ShardBook(Shard(), all_failures=False, max_schedules=3)
    first = book.next_waiting()
    assert first is not None
    book.done(ShardResult(first, schedules=3, pruned=5, pruned_since=2))
    settled = book.settled()
    assert settled is not None and settled.results[0].pruned == 3


@pytest.mark.slow
async def test_workers_give_one_process_s_answer_wherever_the_bound_falls():
    # Two clerks, three memos each: 36 posets, most orders pruned; every bound cuts
    # the search somewhere else among the workers' shards.
    scenario = parts.memos([0, 1, 0, 1, 0, 1])
    with ProcessPoolExecutor(
        2, mp_context=multiprocessing.get_context("spawn"), initializer=ignore_interrupts
    ) as pool:
        for bound in (*range(1, 12), 17, 29, 35, 36, 37):
            options = ExploreOptions(max_schedules=bound, all_failures=True, shrink=False)
            alone = await Explorer(parts.pair, scenario, options).run()
            shared = await Explorer(parts.pair, scenario, options, executor=pool,
                                    width=2).run()
            assert _counts(shared) == _counts(alone), bound


def _counts(result) -> tuple:
    return (result.schedules, result.distinct, result.pruned, result.ended, result.coverage)

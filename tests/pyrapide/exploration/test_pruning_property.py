"""Pruning never loses a behaviour: against the count of posets worked out by hand."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from math import factorial

from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.exploration import ExploreOptions, Explorer
from tests.pyrapide.exploration import parts


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=1, max_size=5))
def test_every_poset_is_found_with_and_without_pruning(to: list[int]) -> None:
    # Memos to one clerk: every order is another poset; across clerks: the same one.
    expected = factorial(to.count(0)) * factorial(to.count(1))
    scenario = parts.memos(to)
    pruned = asyncio.run(Explorer(parts.pair, scenario, ExploreOptions()).run())
    full = asyncio.run(Explorer(parts.pair, scenario, ExploreOptions(prune=False)).run())
    assert full.schedules == factorial(len(to)) and full.distinct == expected
    assert pruned.distinct == expected and pruned.exhausted
    # Sleep sets run each distinct order of dependent steps once.
    assert pruned.schedules == expected


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.integers(0, 1), min_size=2, max_size=5),
    st.none() | st.integers(1, 40),
    st.booleans(),
)
def test_shards_on_threads_merge_into_the_answer_one_search_gives(
    to: list[int], bound: int | None, prune: bool
) -> None:
    # Threads stand in for worker processes: the shards, their budgets and the merge
    # are the same, without the cost of starting processes for each example.
    scenario = parts.memos(to)
    options = ExploreOptions(max_schedules=bound, prune=prune)
    alone = asyncio.run(Explorer(parts.pair, scenario, options).run())
    with ThreadPoolExecutor(2) as pool:
        shared = asyncio.run(
            Explorer(parts.pair, scenario, options, executor=pool, width=2).run()
        )
    assert (shared.schedules, shared.distinct, shared.ended, shared.coverage) == (
        alone.schedules, alone.distinct, alone.ended, alone.coverage
    )

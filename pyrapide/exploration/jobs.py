"""The work a worker process (or a cluster's worker) does: shards and shrinking.

A job carries everything it needs, pickled: the system factory (a picklable callable
that returns a fresh, unstarted System: a top-level function or a ``functools.partial``
of one), the scenario and the options. A worker builds its runner once per factory and
keeps it for the jobs that follow (one per thread, for clusters that run tasks in
threads), so a file is loaded once per worker, not once per shard. Workers forked
from a thread that called :func:`prepare` start with that thread's runner: the file
loaded and the System built once, before the fork, for all of them.
"""

from __future__ import annotations

import asyncio
import pickle
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyrapide.exploration.options import ExploreOptions
from pyrapide.exploration.runner import ScheduleRunner
from pyrapide.exploration.scenario import Scenario
from pyrapide.exploration.search import Budget, Shard, ShardResult, run_shard
from pyrapide.exploration.shrink import Shrunk, shrink

if TYPE_CHECKING:
    from pyrapide.exploration.schedule import Failure
    from pyrapide.runtime import System

SystemFactory = Callable[[], "System"]
"""Builds a fresh, unstarted System (picklable, for workers in other processes)."""


@dataclass(frozen=True)
class Work:
    """What every job of one exploration shares."""

    factory: SystemFactory
    scenario: Scenario
    options: ExploreOptions


_local = threading.local()


def runner_for(work: Work) -> ScheduleRunner:
    """This thread's runner for ``work`` (built at the first job, then kept)."""
    key = _key(work)
    cache: dict[bytes, ScheduleRunner] | None = getattr(_local, "runners", None)
    if cache is None:
        cache = _local.runners = {}
    runner = cache.get(key)
    if runner is None:
        runner = cache[key] = ScheduleRunner(
            work.factory(),
            work.scenario,
            timing=work.options.timing,
            max_steps=work.options.max_steps,
            max_matches=work.options.max_matches,
        )
    return runner


def _key(work: Work) -> bytes:
    """What tells runners apart: the System they build and what they play."""
    return pickle.dumps((work.factory, work.scenario, work.options.timing,
                         work.options.max_steps))


def prepare(factory: SystemFactory, scenario: Scenario, options: ExploreOptions) -> None:
    """Build this thread's runner for an exploration now (the System from ``factory``,
    for ``scenario`` and ``options``), as its first job would.

    Worker processes forked from this thread afterwards inherit it and start work at
    once. The explorer of that exploration, run in this thread, takes it over for its
    own use (coverage, what runs here), so the thread does not keep it afterwards.
    """
    runner_for(Work(factory, scenario, options))


def take_prepared(work: Work) -> ScheduleRunner | None:
    """The runner :func:`prepare` built in this thread for ``work`` (None: none),
    which the thread then forgets."""
    cache: dict[bytes, ScheduleRunner] | None = getattr(_local, "runners", None)
    return None if cache is None else cache.pop(_key(work), None)


def run_shard_job(work: Work, shard: Shard, budget: Budget) -> ShardResult:
    """Run one shard (in a worker): see :func:`pyrapide.exploration.search.run_shard`."""
    runner = runner_for(work)
    return asyncio.run(
        run_shard(
            runner,
            shard,
            prune=work.options.prune,
            all_failures=work.options.all_failures,
            budget=budget,
        )
    )


def shrink_job(work: Work, failure: Failure, max_runs: int) -> Shrunk:
    """Shrink one failure (in a worker): see :func:`pyrapide.exploration.shrink.shrink`."""
    runner = runner_for(work)
    return asyncio.run(shrink(runner, work.scenario, failure, max_runs=max_runs))


INTERRUPTS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals a terminal or a process manager sends a whole process group: Ctrl-C, a
request to end, the terminal gone."""


def ignore_interrupts() -> None:
    """A worker process's initializer: :data:`INTERRUPTS` are the coordinator's to
    handle (it stops handing out work and reports what was done); the workers finish
    the shard at hand, and end when the coordinator closes the pool."""
    for number in INTERRUPTS:
        signal.signal(number, signal.SIG_IGN)

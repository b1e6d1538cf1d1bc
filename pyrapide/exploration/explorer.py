"""The explorer: runs the search here or on an executor's workers, merges, shrinks, answers.

Give it a system factory (a picklable callable returning a fresh, unstarted System),
a :class:`Scenario` and :class:`ExploreOptions`::

    explorer = Explorer(factory, scenario, ExploreOptions(), progress=print)
    result = await explorer.run()        # an ExplorationResult
    result.schedules, result.distinct, result.counterexamples, result.exhausted

With no executor the search runs in this process, on this event loop. With one (a
``concurrent.futures.ProcessPoolExecutor``, whose initializer should be
:func:`~pyrapide.exploration.jobs.ignore_interrupts`, or the executor of a Dask
``Client``, ``client.get_executor()``), it is cut into shards that the workers run,
``width`` at a time or so, the earliest first; their results merge into the same
answer (see :mod:`pyrapide.exploration.merging`). :meth:`Explorer.stop` (from a
signal handler, another thread or task) ends it early: what was explored is reported.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from pyrapide.exploration.jobs import (
    SystemFactory,
    Work,
    run_shard_job,
    shrink_job,
    take_prepared,
)
from pyrapide.exploration.merging import ShardBook, Totals, total
from pyrapide.exploration.options import ExploreOptions, Strategy
from pyrapide.exploration.results import (
    Counterexample,
    Coverage,
    CoverageLine,
    ExplorationResult,
    Progress,
    Sometimes,
)
from pyrapide.exploration.runner import ScheduleOutcome, ScheduleRunner
from pyrapide.exploration.scenario import Scenario
from pyrapide.exploration.schedule import Failure
from pyrapide.exploration.search import Budget, Shard, ShardResult, run_shard
from pyrapide.exploration.shrink import DEFAULT_SHRINK_RUNS, ShrinkEnd, Shrunk, shrink
from pyrapide.runtime.modules import module_spec

SHARD_SECONDS = 0.25
"""About how long a worker's shard should take: short enough for live progress and an
even spread of the work, long enough that handing it out costs little."""


class Explorer:
    """One exploration (see the module docstring).

    ``progress`` is called with a :class:`Progress` at most every ``progress_every``
    seconds while it runs, and once at the end; ``shrink_runs`` bounds the replays
    spent shrinking each counterexample.
    """

    def __init__(
        self,
        factory: SystemFactory,
        scenario: Scenario,
        options: ExploreOptions | None = None,
        *,
        executor: Executor | None = None,
        width: int = 1,
        progress: Callable[[Progress], Any] | None = None,
        progress_every: float = 0.1,
        shrink_runs: int = DEFAULT_SHRINK_RUNS,
    ) -> None:
        self.work = Work(factory, scenario, options or ExploreOptions())
        self.executor = executor
        self.width = max(1, width)
        self.progress = progress
        self.progress_every = progress_every
        self.shrink_runs = shrink_runs
        self._stopping = False
        self._runner: ScheduleRunner | None = None
        self._started = 0.0
        self._last_report = 0.0
        self._live = _Live()

    @property
    def options(self) -> ExploreOptions:
        """The options it explores with."""
        return self.work.options

    def stop(self) -> None:
        """Stop soon: no new schedule starts; what was explored is reported. Safe to
        call from a signal handler or another thread."""
        self._stopping = True

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stopping

    async def run(self) -> ExplorationResult:
        """Explore; see :class:`ExplorationResult`. Raises
        :class:`~pyrapide.exploration.runner.ExplorationError` for a scenario or
        system that cannot be explored, and whatever the system factory raises."""
        self._started = time.perf_counter()
        options = self.options
        first = (
            Shard(seeds=options.seeds) if options.strategy is Strategy.RANDOM else Shard()
        )
        book = ShardBook(first, all_failures=options.all_failures,
                         max_schedules=options.max_schedules)
        if self.executor is None:
            await self._run_here(book)
        else:
            await self._run_sharded(book, self.executor)
        settled = None if self._stopping else book.settled()
        if settled is None:
            results, ended = book.done_results(), "interrupted"
        else:
            results, ended = settled.results, settled.ended
            if settled.again is not None:
                results.append(await self._rerun(settled.again, results))
        totals = total(results)
        counterexamples = await self._counterexamples(totals)
        return self._result(totals, counterexamples, ended)

    # -- running the search ---------------------------------------------------------------

    def _here(self) -> ScheduleRunner:
        if self._runner is None:
            work = self.work
            # Built already when workers were forked from here after prepare().
            prepared = take_prepared(work) if self.executor is not None else None
            self._runner = prepared or ScheduleRunner(
                work.factory(), work.scenario,
                timing=work.options.timing, max_steps=work.options.max_steps,
                max_matches=work.options.max_matches, should_stop=lambda: self._stopping,
            )
        return self._runner

    async def _run_here(self, book: ShardBook) -> None:
        options = self.options
        shard = book.next_waiting()
        assert shard is not None
        result = await run_shard(
            self._here(),
            shard,
            prune=options.prune,
            all_failures=options.all_failures,
            budget=Budget(schedules=options.max_schedules),
            should_stop=lambda: self._stopping,
            on_schedule=self._saw,
        )
        book.done(result)
        self._report(force=True)

    async def _run_sharded(self, book: ShardBook, executor: Executor) -> None:
        options = self.options
        loop = asyncio.get_running_loop()
        running: dict[asyncio.Future[ShardResult], Shard] = {}
        runs = 8  # the first shards are small: the workers get going at once
        while True:
            while not self._stopping and len(running) < 2 * self.width:
                shard = book.next_waiting()
                if shard is None:
                    break
                budget = Budget(schedules=book.schedules_left(shard.order), runs=runs)
                future = executor.submit(run_shard_job, self.work, shard, budget)
                running[asyncio.wrap_future(future, loop=loop)] = shard
            if not running:
                return
            done, _ = await asyncio.wait(
                running, timeout=self.progress_every, return_when=asyncio.FIRST_COMPLETED
            )
            for finished in done:
                running.pop(finished)
                result = finished.result()
                book.done(result)
                self._live.add(result)
                if result.failures and not options.all_failures:
                    book.cancel_after(result.shard.order)
            runs = self._shard_runs()
            self._report()
            if self._stopping:
                self._cancel(running, book)
                await self._drain(running, book)
                return
            if book.settled() is not None:
                self._cancel(running, book)  # what still runs lies past the answer's end
                return

    def _cancel(self, running: dict[asyncio.Future[ShardResult], Shard], book: ShardBook) -> None:
        for future, shard in list(running.items()):
            if future.cancel():
                running.pop(future)
                book.forget(shard)

    async def _drain(
        self, running: dict[asyncio.Future[ShardResult], Shard], book: ShardBook
    ) -> None:
        """Wait for the shards already running (they are short) and count them."""
        for future in asyncio.as_completed(list(running)):
            try:
                result = await future
            except asyncio.CancelledError:
                continue
            book.done(result)
            self._live.add(result)
        running.clear()

    def _shard_runs(self) -> int:
        """How many runs a shard should take to last about SHARD_SECONDS on a worker,
        and, near ``max_schedules``, no more than the jobs handed out can share of the
        runs likely left (work past the bound is thrown away)."""
        elapsed = time.perf_counter() - self._started
        live = self._live
        if elapsed <= 0 or live.runs == 0:
            return 8
        per_worker = live.runs / elapsed / self.width
        runs = min(5_000, int(per_worker * SHARD_SECONDS))
        bound = self.options.max_schedules
        if bound is not None and live.schedules:
            runs_left = (bound - live.schedules) * live.runs / live.schedules
            runs = min(runs, int(runs_left / (2 * self.width)))
        return max(8, runs)

    async def _rerun(self, shard: Shard, before: list[ShardResult]) -> ShardResult:
        """``shard`` again, with only the schedules left under ``max_schedules``."""
        options = self.options
        assert options.max_schedules is not None
        left = options.max_schedules - sum(result.schedules for result in before)
        return await run_shard(
            self._here(), shard, prune=options.prune, all_failures=options.all_failures,
            budget=Budget(schedules=left),
        )

    # -- counterexamples -------------------------------------------------------------------

    async def _counterexamples(self, totals: Totals) -> list[Counterexample]:
        if not totals.failures:
            return []
        self._live.phase = "shrinking"
        self._report(force=True)
        scenario = self.work.scenario
        kept = totals.failures[: self.options.max_failures]  # None keeps every one
        found = [(number, item.failures[0], item.digest) for number, item in kept]
        shrunk: list[Shrunk]
        if not self.options.shrink:
            shrunk = [Shrunk(failure, scenario, 0, ShrinkEnd.SKIPPED) for _, failure, _ in found]
        elif self.executor is None:
            shrunk = []
            for _, failure, _ in found:
                shrunk.append(await shrink(self._here(), scenario, failure,
                                           max_runs=self.shrink_runs,
                                           should_stop=lambda: self._stopping))
        else:
            shrunk = await self._shrunk_on_workers(
                self.executor, [failure for _, failure, _ in found]
            )
        return [
            Counterexample(failure, small.failure, small.scenario, number + 1, digest, small.runs,
                           small.ended)
            for (number, failure, digest), small in zip(found, shrunk, strict=True)
        ]

    async def _shrunk_on_workers(
        self, executor: Executor, failures: list[Failure]
    ) -> list[Shrunk]:
        """Each of ``failures`` shrunk on a worker. Once :meth:`stop` is called, a
        failure whose shrinking is not back yet is kept as found (a search in this
        process cuts its shrinking short there too)."""
        scenario = self.work.scenario
        if self._stopping:
            return [Shrunk(failure, scenario, 0, ShrinkEnd.STOPPED) for failure in failures]
        loop = asyncio.get_running_loop()
        futures = [
            asyncio.wrap_future(
                executor.submit(shrink_job, self.work, failure, self.shrink_runs), loop=loop
            )
            for failure in failures
        ]
        pending: set[asyncio.Future[Shrunk]] = set(futures)
        while pending and not self._stopping:
            _, pending = await asyncio.wait(pending, timeout=self.progress_every)
        for future in pending:
            future.cancel()
        return [
            future.result() if future.done() and not future.cancelled()
            else Shrunk(failure, scenario, 0, ShrinkEnd.STOPPED)
            for future, failure in zip(futures, failures, strict=True)
        ]

    # -- the answer ------------------------------------------------------------------------

    def _result(
        self, totals: Totals, counterexamples: list[Counterexample], ended: str
    ) -> ExplorationResult:
        sometimes = tuple(
            Sometimes(expect, *self._witness(totals, expect.line))
            for expect in self.work.scenario.expectations
            if expect.sometimes
        )
        result = ExplorationResult(
            options=self.options,
            schedules=totals.schedules,
            distinct=len(totals.digests),
            pruned=totals.pruned,
            ended=ended,
            counterexamples=tuple(counterexamples),
            sometimes=sometimes,
            coverage=self._coverage(totals),
            with_errors=totals.with_errors,
            first_error=totals.first_error,
            limited=totals.limited,
            elapsed=time.perf_counter() - self._started,
            failing=len(totals.failures),
        )
        self._live.phase = "done"
        self._report(force=True)
        return result

    @staticmethod
    def _witness(totals: Totals, line: int) -> tuple[int | None, Any]:
        found = totals.witnesses.get(line)
        return (None, None) if found is None else (found[0] + 1, found[1])

    def _coverage(self, totals: Totals) -> Coverage:
        system = self._here().system
        connections = tuple(
            CoverageLine(f"{c.kind} {c.pattern} -> {c.target}", totals.connections[c.index])
            for c in system.description.connections
        )
        handlers: list[CoverageLine] = []
        for component, bound in system.bindings.items():
            spec = module_spec(bound)
            names = dict.fromkeys(
                [*(["start"] if spec.has_start else []),
                 *(handler.method_name for handler in spec.handlers),
                 *(["finish"] if spec.has_finish else [])]
            )
            handlers.extend(
                CoverageLine(f"{component}.{name}", totals.handlers[(component, name)])
                for name in names
            )
        scenario = self.work.scenario
        patterns = sorted(
            [
                *(CoverageLine(step.text, totals.matched[step.line], step.line)
                  for step in scenario.expectations),
                *(CoverageLine(f"watch {step.pattern}", totals.matched[step.line], step.line)
                  for step in scenario.watches),
            ],
            key=lambda row: row.line or 0,
        )
        return Coverage(connections, tuple(handlers), tuple(patterns))

    # -- progress --------------------------------------------------------------------------

    def _saw(self, outcome: ScheduleOutcome) -> None:
        self._live.saw(outcome)
        self._report()

    def _report(self, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.perf_counter()
        if not force and now - self._last_report < self.progress_every:
            return
        self._last_report = now
        live = self._live
        self.progress(
            Progress(
                schedules=live.schedules,
                distinct=len(live.digests),
                failures=len(live.failing),
                pruned=live.pruned,
                elapsed=now - self._started,
                phase=live.phase,
            )
        )


class _Live:
    """The counts progress reports while the search runs (all work done, in any order)."""

    def __init__(self) -> None:
        self.schedules = 0
        self.pruned = 0
        self.runs = 0
        self.digests: set[str] = set()
        self.failing: set[str] = set()
        self.phase = "exploring"

    def saw(self, outcome: ScheduleOutcome) -> None:
        self.runs += 1
        if outcome.blocked:
            self.pruned += 1
            return
        self.schedules += 1
        self.digests.add(outcome.digest)
        if outcome.failures:
            self.failing.add(outcome.digest)

    def add(self, result: ShardResult) -> None:
        self.runs += result.schedules + result.pruned
        self.schedules += result.schedules
        self.pruned += result.pruned
        self.digests |= result.digests
        self.failing |= {found.digest for found in result.failures}


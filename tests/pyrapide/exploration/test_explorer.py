"""The explorer on architectures whose schedules and behaviours are counted by hand."""

from __future__ import annotations

import itertools
import multiprocessing
import warnings
from concurrent.futures import ProcessPoolExecutor
from itertools import permutations

import pytest

from pyrapide import Pattern, action, agent, architecture, get_context, interface, module, when
from pyrapide.analysis.structure import digest
from pyrapide.exploration import (
    DEFAULT_MAX_STEPS,
    ExplorationError,
    ExploreOptions,
    Explorer,
    Inject,
    Progress,
    Run,
    Scenario,
    ScheduleRunner,
    ShrinkEnd,
    StepBound,
    Strategy,
    Timing,
    ignore_interrupts,
)
from pyrapide.exploration.shrink import Replay
from pyrapide.runtime import System
from tests.pyrapide.exploration import parts
from tests.pyrapide.exploration.parts import expect, three_notes


async def explore(factory, scenario: Scenario, **options) -> object:
    return await Explorer(factory, scenario, ExploreOptions(**options)).run()


async def test_a_run_the_systems_own_bound_stops_with_work_pending_fails():
    # rapide run fails a run that max_events stops with work pending; every schedule
    # of it was counted "ok" here, with only a note that a bound had stopped them.
    result = await explore(parts.capped, three_notes(expect(5, "Desk.note", count=3)))
    assert result.failed and result.ended == "failure"
    (example,) = result.counterexamples
    shrunk = example.shrunk
    assert shrunk.property == StepBound(4, DEFAULT_MAX_STEPS, by="max_events")
    assert shrunk.message == (
        "the run at line 4 was stopped by the system's max_events with work pending"
    )
    assert shrunk.schedule.injections == 3  # two notes leave it room to finish


async def test_three_deliveries_to_a_stateless_target_are_6_orders_and_1_poset():
    result = await explore(parts.quiet, three_notes(expect(5, "Clerk.answered", count=3)))
    assert (result.schedules, result.distinct, result.ended) == (6, 1, "exhausted")
    assert result.exhausted and not result.failed


async def test_a_target_that_appends_to_a_list_it_emits_has_6_posets():
    result = await explore(parts.ledger, three_notes())
    assert (result.schedules, result.distinct, result.exhausted) == (6, 6, True)


async def test_pruning_tries_one_order_of_deliveries_that_commute():
    scenario = three_notes(expect(5, "Clerk.answered", count=3))
    pruned = await explore(parts.apart, scenario)
    full = await explore(parts.apart, scenario, prune=False)
    assert (pruned.schedules, pruned.distinct, pruned.exhausted) == (1, 1, True)
    assert (full.schedules, full.distinct, full.exhausted) == (6, 1, True)
    assert pruned.pruned > 0 and full.pruned == 0


async def test_pruning_keeps_every_distinct_poset():
    # Deliveries to one component never commute: nothing is pruned, nothing lost.
    pruned = await explore(parts.ledger, three_notes())
    full = await explore(parts.ledger, three_notes(), prune=False)
    assert pruned.distinct == full.distinct == 6


async def test_max_schedules_stops_short_and_says_so():
    result = await explore(parts.ledger, three_notes(), max_schedules=4)
    assert (result.schedules, result.ended, result.exhausted) == (4, "bound", False)


async def test_random_walks_one_schedule_per_seed():
    result = await explore(parts.ledger, three_notes(), strategy=Strategy.RANDOM, seeds=(0, 39))
    assert result.schedules == 40
    assert 1 < result.distinct <= 6
    assert result.ended == "exhausted" and not result.exhausted  # seeds used up, not the space


async def test_random_walks_reach_every_behaviour_the_depth_first_search_finds():
    # Which note the clerk serves first: three behaviours. The walks once drew from the
    # sequence the system's own choice came from, and note 3 was never served first.
    every = await explore(parts.race, three_notes())
    walked = await explore(parts.race, three_notes(), strategy=Strategy.RANDOM, seeds=(0, 59))
    assert every.distinct == walked.distinct == 3


async def test_a_strategy_and_timing_given_as_text_are_the_members_they_name():
    # "random" as text was not Strategy.RANDOM to the search: it explored depth first.
    result = await explore(parts.ledger, three_notes(), strategy="random", seeds=[0, 39])
    assert result.schedules == 40 and not result.exhausted
    options = ExploreOptions(strategy="random", timing="logical")
    assert options.strategy is Strategy.RANDOM and options.timing is Timing.LOGICAL


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"strategy": "bfs"}, r"strategy must be one of 'dfs', 'random', not 'bfs'"),
        ({"timing": "real"}, r"timing must be one of 'free', 'logical', not 'real'"),
        ({"seeds": (5,)}, r"seeds must be a pair of integers \(first, last\), not \(5,\)"),
        ({"seeds": 5}, r"seeds must be a pair of integers"),
        ({"max_steps": "10"}, r"max_steps must be an integer, not '10'"),
        ({"max_schedules": 2.5}, r"max_schedules must be an integer, not 2.5"),
    ],
)
def test_options_that_mean_nothing_are_refused_by_name(options, message):
    with pytest.raises(ValueError, match=message):
        ExploreOptions(**options)


async def test_the_first_failure_is_found_and_shrunk_to_what_it_needs():
    # "note 3 is never the first served" fails in the 2 orders that start with 3; with
    # note 3 alone injected it fails with no choice forced at all.
    scenario = three_notes(expect(5, "Clerk.first(n=3)", none=True))
    result = await explore(parts.race, scenario)
    assert result.ended == "failure" and result.failed
    (example,) = result.counterexamples
    assert example.found.schedule.injections == 3
    assert example.found.schedule.forced_count >= 1
    assert example.shrunk.schedule.forced_count == 0
    assert [step.payload for step in example.scenario.steps if hasattr(step, "payload")] == [
        {"n": 3}
    ]
    assert "Clerk.first(n=3): expected no match, saw 1 match" in example.shrunk.message


async def test_an_expectation_of_an_event_keeps_the_injection_the_event_comes_from():
    # "note 2 is served first" holds in the seed's order and fails where another note
    # goes first. Without note 2 it fails in every order, and shrinking took it away:
    # the counterexample injected no note 2 and forced no choice, showing no race.
    scenario = three_notes(expect(5, "Clerk.first(n=2)"))
    (example,) = (await explore(parts.race, scenario)).counterexamples
    kept = [step.payload["n"] for step in example.scenario.steps if isinstance(step, Inject)]
    assert 2 in kept and len(kept) == 2
    assert example.shrunk.schedule.forced_count == 1
    assert "Clerk.first(n=2): expected at least 1 match, saw 0 matches" in example.shrunk.message


async def test_shrinking_says_whether_it_was_done_or_cut_short_and_by_what():
    scenario = three_notes(expect(5, "Clerk.first(n=3)", none=True))
    (done,) = (await explore(parts.race, scenario)).counterexamples
    assert done.shrink_end is ShrinkEnd.DONE and done.shrink_end.cut_short is None
    bounded = Explorer(parts.race, scenario, ExploreOptions(), shrink_runs=2)
    (example,) = (await bounded.run()).counterexamples
    assert example.shrink_end is ShrinkEnd.BOUND and example.shrink_runs <= 3
    assert example.shrink_end.cut_short == "shrinking reached its bound of replays"
    # Stopped as shrinking starts (the first failure is its first progress report).
    explorer = Explorer(parts.race, scenario, progress_every=0)
    explorer.progress = lambda progress: explorer.stop() if progress.failures else None
    (stopped,) = (await explorer.run()).counterexamples
    assert stopped.shrink_end is ShrinkEnd.STOPPED and stopped.shrunk is stopped.found
    assert stopped.shrink_end.cut_short == "the exploration was stopped"
    (unshrunk,) = (await explore(parts.race, scenario, shrink=False)).counterexamples
    assert unshrunk.shrink_end is ShrinkEnd.SKIPPED and unshrunk.shrink_end.cut_short is None


async def test_notes_a_failing_order_does_not_need_are_shrunk_away_with_the_seed_s_choices():
    # The clerk sees 5 then 3 first: notes 1, 2 and 4 only change which order the seed
    # takes, and without them the seed's own order may be another one.
    notes = tuple(Inject(line, "Desk.note", {"n": line}) for line in range(1, 6))
    scenario = Scenario((*notes, Run(6), expect(7, "Clerk.seen(notes=[5, 3])", none=True)))
    result = await explore(parts.ledger, scenario)
    (example,) = result.counterexamples
    assert example.found.schedule.injections == 5
    kept = [step.payload["n"] for step in example.scenario.steps if isinstance(step, Inject)]
    assert sorted(kept) == [3, 5]
    assert example.shrunk.schedule.forced_count <= 1
    assert "Clerk.seen(notes=[5, 3]): expected no match, saw 1 match" in example.shrunk.message


async def test_a_guard_that_raises_is_said_in_the_failure_not_warned():
    # `?n > "x"` compares a number with a text: the guard raises, which counts as no
    # match. Python's RuntimeWarning for it went to stderr, over `rapide explore`'s report.
    scenario = three_notes(expect(5, 'Clerk.answered(n=?n) where ?n > "x"'))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = await explore(parts.quiet, scenario, shrink=False)
    (example,) = result.counterexamples
    assert example.found.message.endswith(
        "saw 0 matches; its guard raised TypeError: '>' not supported between instances of "
        "'int' and 'str' (on e4), and a match it raises on counts as none"
    ), example.found.message


async def test_all_failures_keeps_one_counterexample_per_failing_poset():
    scenario = three_notes(expect(5, "Clerk.first(n=1)"))
    first = await explore(parts.race, scenario, shrink=False)
    every = await explore(parts.race, scenario, shrink=False, all_failures=True)
    assert len(first.counterexamples) == 1
    # Note 2 first, or note 3 first: two failing posets among the 6 orders.
    assert len(every.counterexamples) == 2 and every.exhausted
    assert len({example.digest for example in every.counterexamples}) == 2


async def test_sometimes_holds_when_one_schedule_meets_it():
    scenario = three_notes(expect(5, "Clerk.first(n=3)", sometimes=True),
                           expect(6, "Clerk.first(n=4)", sometimes=True))
    result = await explore(parts.race, scenario)
    held, unmet = result.sometimes
    assert held.held and held.number is not None
    assert not unmet.held and result.unmet == (unmet,) and result.failed


async def test_coverage_counts_schedules_per_connection_handler_and_pattern():
    scenario = three_notes(expect(5, "Clerk.first(n=2)", sometimes=True))
    result = await explore(parts.race, scenario)
    coverage = result.coverage
    assert [(row.name, row.schedules) for row in coverage.connections] == [
        ("agent Desk.note -> clerk", 6)
    ]
    assert ("clerk.answer", 6) in [(row.name, row.schedules) for row in coverage.handlers]
    # Note 2 is served first in 2 of the 6 orders.
    assert [(row.line, row.schedules) for row in coverage.patterns] == [(5, 2)]


async def test_a_replayed_schedule_records_the_poset_it_recorded():
    runner = ScheduleRunner(parts.ledger(), three_notes())
    seen = set()
    for order in permutations((1, 2, 3)):
        outcome = await runner.play(_Order(order))
        seen.add(outcome.digest)
        again = await runner.play(Replay(outcome.schedule.forced_picks()))
        assert again.digest == outcome.digest
        # Kept as the events are recorded, it is the digest of the computation recorded.
        assert outcome.digest == digest(runner.system.computation)
    assert len(seen) == 6


async def test_progress_is_reported_and_ends_with_the_totals():
    heard: list[Progress] = []
    explorer = Explorer(parts.ledger, three_notes(), progress=heard.append, progress_every=0)
    result = await explorer.run()
    assert heard[-1].schedules == result.schedules and heard[-1].distinct == 6
    assert heard[-1].phase == "done"


async def test_stopping_reports_what_was_explored():
    explorer = Explorer(parts.ledger, three_notes(), progress_every=0)
    explorer.progress = lambda progress: explorer.stop() if progress.schedules >= 2 else None
    result = await explorer.run()
    assert result.interrupted and 2 <= result.schedules < 6 and not result.exhausted


async def test_a_module_instance_bound_is_refused_with_the_reason():
    from tests.shell.fixtures.deliveries import Appender, Counter, Front

    def shared() -> System:
        return System(Counter, {"desk": Front, "clerk": Appender()})

    with pytest.raises(ExplorationError, match="bound to a module instance"):
        await explore(shared, three_notes())


@pytest.mark.slow
@pytest.mark.parametrize("strategy", [Strategy.DFS, Strategy.RANDOM])
async def test_two_worker_processes_give_the_same_answer_as_one(strategy):
    scenario = three_notes(expect(5, "Clerk.first(n=1)"), expect(6, "Clerk.first(n=2)",
                                                                 sometimes=True))
    options = ExploreOptions(strategy=strategy, seeds=(0, 59), all_failures=True)
    alone = await Explorer(parts.race, scenario, options).run()
    with ProcessPoolExecutor(
        2, mp_context=multiprocessing.get_context("spawn"), initializer=ignore_interrupts
    ) as pool:
        shared = await Explorer(parts.race, scenario, options, executor=pool, width=2).run()
    assert answer(shared) == answer(alone)


@pytest.mark.slow
async def test_stopped_on_workers_the_failures_found_are_kept_unshrunk_as_here():
    # Note 1 is never first in 4 of the 6 orders; every failure shrinks to fewer notes.
    scenario = three_notes(expect(5, "Clerk.first(n=1)"))
    options = ExploreOptions(all_failures=True)
    with ProcessPoolExecutor(
        2, mp_context=multiprocessing.get_context("spawn"), initializer=ignore_interrupts
    ) as pool:
        explorer = Explorer(parts.race, scenario, options, executor=pool, width=2,
                            progress_every=0)
        explorer.progress = lambda progress: explorer.stop() if progress.failures else None
        result = await explorer.run()
    assert result.interrupted and result.counterexamples
    for example in result.counterexamples:
        assert example.shrink_runs == 0 and example.shrunk is example.found
        assert example.shrink_end is ShrinkEnd.STOPPED


def answer(result) -> tuple:
    return (
        result.schedules,
        result.distinct,
        result.ended,
        [(c.number, c.digest, c.shrunk.schedule, c.scenario) for c in result.counterexamples],
        [(s.number, s.schedule) for s in result.sometimes],
        result.coverage,
    )


class _Order:
    """A chooser that delivers the notes in ``order``."""

    def __init__(self, order: tuple[int, ...]) -> None:
        self.order = list(order)

    def pick(self, options) -> int:
        for index, choice in enumerate(options.choices):
            if choice.dispatch is not None and choice.dispatch.match.events[0].payload["n"] == (
                self.order[0]
            ):
                self.order.pop(0)
                return index
        return 0

    def took(self, footprint) -> None:
        pass


async def test_a_replay_meeting_other_choices_says_which_and_names_outside_waits():
    # A clerk that keeps count in a global answers note 1 only in the first schedule:
    # the replay of the second meets one choice fewer. The message said the choice it
    # expected was missing while naming it among those it met.
    built = itertools.count()

    @interface
    class Desk:
        @action
        async def note(self, n: int) -> None: ...

    @interface
    class Clerk:
        @action
        async def answered(self, n: int) -> None: ...

    @module(implements=Desk)
    class Front:
        pass

    @module(implements=Clerk)
    class Forgetful:
        def __init__(self) -> None:
            self.built = next(built)

        @when(Pattern.match("Desk.note"))
        async def on_note(self, match):
            if self.built == 0 or match.payload["n"] != 1:
                await get_context(self).emit("Clerk.answered", n=match.payload["n"])

    @architecture
    class Office:
        desk = Desk
        clerk = Clerk
        echo = Clerk
        connections = [
            agent(Pattern.match("Desk.note"), target="clerk"),
            agent(Pattern.match("Clerk.answered"), target="echo"),
        ]

    def forgetful() -> System:
        return System(Office, {"desk": Front, "clerk": Forgetful, "echo": Forgetful})

    with pytest.raises(ExplorationError) as diverged:
        await explore(forgetful, three_notes())
    assert str(diverged.value).startswith(
        "a schedule replayed from the start went another way: the choices were #4, #5, #6 "
        "the first time, #4, #5 now. The architecture is not deterministic: does a handler "
        "read the wall clock, await something outside (an asyncio future, asyncio.sleep: "
        "real time says when it is done), draw random numbers,"
    )


async def test_two_hooks_waking_at_once_are_tried_in_both_orders():
    # Only the hook step("wake") takes was a choice: the search ran one order of the two
    # producers' wake-ups, said "the space was exhausted" and "ok", and never saw beta's
    # order served first.
    from pyrapide.exploration import ExpectConstraints, RunSteps
    from tests.shell.fixtures.producers import market

    result = await explore(market, Scenario((Run(1), ExpectConstraints(2))))
    assert result.ended == "failure" and result.failed
    (example,) = result.counterexamples
    assert example.shrunk.schedule.forced_count == 1
    assert "alpha_first" in example.shrunk.message
    (steps,) = [item for item in example.shrunk.schedule.items if isinstance(item, RunSteps)]
    assert [d for d in steps.decisions if d is not None] == ["wake beta"]

"""Exploring schedules: every interleaving that matters, the failing one found and shrunk.

A scenario (:mod:`~pyrapide.exploration.scenario`: what is injected, where the system
runs, what must hold) is played many times over, each time with another choice of
which step comes next wherever more than one could. The systematic strategy tries
them all, depth first, skipping orders that cannot change the poset
(:mod:`~pyrapide.exploration.search`); the random one walks one schedule per seed.
Behaviours are counted as distinct posets, ids aside; a failing schedule is shrunk to
the fewest forced choices and injections that still fail
(:mod:`~pyrapide.exploration.shrink`); the work may be spread over processes or a
cluster, with the same answer (:mod:`~pyrapide.exploration.merging`)::

    scenario = Scenario((Inject(1, "Teller.deposit", {"amount": 50}),
                         Inject(2, "Teller.deposit", {"amount": 25}),
                         Run(3),
                         Expect(4, "Account.balance(value=75)", "expect ...")))
    result = await Explorer(factory, scenario, ExploreOptions()).run()
    result.schedules, result.distinct, result.exhausted, result.counterexamples
"""

from pyrapide.exploration.explorer import Explorer
from pyrapide.exploration.jobs import SystemFactory, ignore_interrupts, prepare
from pyrapide.exploration.options import DEFAULT_MAX_STEPS, ExploreOptions, Strategy, Timing
from pyrapide.exploration.results import (
    Counterexample,
    Coverage,
    CoverageLine,
    ExplorationResult,
    Progress,
    Sometimes,
)
from pyrapide.exploration.runner import ExplorationError, ScheduleOutcome, ScheduleRunner
from pyrapide.exploration.scenario import (
    Expect,
    ExpectConstraints,
    Inject,
    Run,
    Scenario,
    Watch,
)
from pyrapide.exploration.schedule import Decision, Failure, RunSteps, Schedule, StepBound
from pyrapide.exploration.shrink import ShrinkEnd

__all__ = [
    "DEFAULT_MAX_STEPS",
    "Counterexample",
    "Coverage",
    "CoverageLine",
    "Decision",
    "Expect",
    "ExpectConstraints",
    "ExplorationError",
    "ExplorationResult",
    "ExploreOptions",
    "Explorer",
    "Failure",
    "Inject",
    "Progress",
    "Run",
    "RunSteps",
    "Scenario",
    "Schedule",
    "ScheduleOutcome",
    "ScheduleRunner",
    "ShrinkEnd",
    "Sometimes",
    "StepBound",
    "Strategy",
    "SystemFactory",
    "Timing",
    "Watch",
    "ignore_interrupts",
    "prepare",
]

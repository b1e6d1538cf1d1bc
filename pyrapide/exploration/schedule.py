"""Schedules and failures: what one run of a scenario decided, and what broke in it.

A schedule is the scenario with each ``run`` replaced by the steps it took, one
*decision* per step of the System: ``None`` for the step a plain ``step()`` takes (the
seed's choice), or the target a step was forced to (a dispatch id, or ``"wake"``).
Replaying those decisions on a fresh System with the same seed gives the same run, so
a schedule written as a script (``step #12``, ``step 3``, ``run``) replays exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyrapide.exploration.scenario import Expect, ExpectConstraints, Inject, Run, Watch
from pyrapide.exploration.tracking import Identity

Decision = int | str | None
"""One step's decision: None for the default step, else the target it was forced to."""


@dataclass(frozen=True)
class RunSteps:
    """What one ``run`` of the scenario did in a schedule.

    ``decisions`` has one entry per step the System took; ``forced`` names the forced
    choices by what they did (the position among the choices of this run, and the
    step's identity), which is how shrinking finds them again in a changed run;
    ``quiet`` is False when the run was cut short (at a failure, or a bound).
    """

    run: Run
    decisions: tuple[Decision, ...] = ()
    forced: tuple[tuple[int, Identity], ...] = ()
    quiet: bool = True

    @property
    def forced_count(self) -> int:
        """How many of its steps were forced."""
        return sum(1 for decision in self.decisions if decision is not None)


@dataclass(frozen=True)
class StepBound:
    """The property every schedule is held to: each ``run`` goes quiet within ``limit``
    steps (the ``run`` at script line ``line`` did not). ``by`` names the system's own
    bound (``max_events``, ``max_connect_depth``) when that stopped the run with work
    pending first, as ``rapide run`` fails such a run; None for the bound on steps."""

    line: int
    limit: int
    by: str | None = None


PlanItem = Inject | RunSteps | Expect | ExpectConstraints | Watch
Property = Expect | ExpectConstraints | StepBound


@dataclass(frozen=True)
class Schedule:
    """A schedule: the ``seed`` and the ``items`` (the scenario's steps, each ``run``
    as the :class:`RunSteps` it took)."""

    seed: int
    items: tuple[PlanItem, ...]

    @property
    def forced_count(self) -> int:
        """How many steps were forced (not the seed's choice)."""
        return sum(item.forced_count for item in self.items if isinstance(item, RunSteps))

    @property
    def steps(self) -> int:
        """How many steps it took in all."""
        return sum(len(item.decisions) for item in self.items if isinstance(item, RunSteps))

    @property
    def injections(self) -> int:
        """How many events it injects."""
        return sum(1 for item in self.items if isinstance(item, Inject))

    def forced_picks(self) -> list[tuple[int, int, Identity]]:
        """Each forced choice as (which run, its position among that run's choices, its
        identity), in order."""
        found: list[tuple[int, int, Identity]] = []
        run = 0
        for item in self.items:
            if isinstance(item, RunSteps):
                found.extend((run, pick, identity) for pick, identity in item.forced)
                run += 1
        return found


@dataclass(frozen=True)
class Failure:
    """A property that failed in one schedule.

    ``property`` is the expectation (or the constraints, or the bound on a run's steps)
    that failed, ``key`` tells failures of the same property apart from others (the
    expect's line; the constraint and how it was violated), ``message`` says what was
    expected and what was seen, in one line, and ``schedule`` is the schedule up to the
    point where the failure became certain.
    """

    property: Property
    key: tuple[Any, ...]
    message: str
    schedule: Schedule

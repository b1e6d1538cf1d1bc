"""Shrinking a failing schedule: the fewest forced choices, then the fewest injections,
then the fewest steps.

A failing schedule is replayed with parts of it taken away, and a part stays away
while the same property still fails. First the forced choices (the steps that were not
the seed's own), removed by delta debugging (Zeller's ddmin): what remains is a set of
choices none of which can go. Then each injected event, removed with everything it
caused (the scenario without that ``inject``); after each removal, the forced choices
again. A forced choice is found again in a changed run by what it does (its identity:
the component, the connection and the shapes of the events it delivers), at the same
position among the run's choices; where it no longer exists, the seed's choice is taken.
Without an injection the seed chooses differently and the run has fewer steps, so an
injection's removal is first tried taking the steps the failing run took in its
order, wherever they can still be taken (its seed's choices included), then with the
forced choices where they were, then moved earlier together, one position at a time
(each try a replay). Last, each forced choice is taken earlier while the failure still
comes, in fewer steps: the seed's own steps before it that the failure does not need
(a delivery of an event that plays no part) go.

A property that asks for events to be there (an ``expect`` of a match, a
``must_match`` or ``leads_to`` constraint) fails as soon as the injection its events
come from is gone, in every schedule: such a failure says nothing about the order of
the steps. So for those an injection goes only while the smaller scenario still meets
the property in the seed's own schedule, as the scenario did; a failure found in the
seed's own schedule keeps its injections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from pyrapide.constraints.rules import Never
from pyrapide.exploration.runner import Chooser, Options, ScheduleRunner
from pyrapide.exploration.scenario import Expect, Inject, Scenario
from pyrapide.exploration.schedule import Failure
from pyrapide.exploration.tracking import Footprint, Identity

ForcedPick = tuple[int, int, Identity]
"""A forced choice: which ``run`` of the scenario, its position among that run's
choices, and its identity."""

DEFAULT_SHRINK_RUNS = 400
"""At most this many replays are spent shrinking one failure."""

MAX_SHIFT = 32
"""How many positions earlier the forced choices are moved, at most, once an injection
is gone (each a replay): enough for the steps of a few events, not a long run's
worth of replays spent on one injection that must stay."""


def _fails_by_absence(failure: Failure) -> bool:
    """Whether ``failure`` is of a property that asks for events to be there: an
    ``expect`` of matches, a constraint other than ``never``. Fewer events fail it
    whatever the order of the steps; a ``never`` or an ``expect ... none`` fails on
    events that were recorded, which a smaller scenario recorded too."""
    checked = failure.property
    if isinstance(checked, Expect):
        return not checked.none and checked.count != 0
    return failure.key[:1] == ("constraint",) and failure.key[2] != Never.kind


class Replay:
    """A chooser that forces the choices named by ``forced`` and takes the seed's own
    everywhere else."""

    def __init__(self, forced: list[ForcedPick]) -> None:
        self._wanted = {(run, pick): identity for run, pick, identity in forced}

    def pick(self, options: Options) -> int | None:
        """The choice with the wanted identity at this position, else the default."""
        identity = self._wanted.get((options.run, options.pick))
        if identity is not None:
            for index in range(len(options.choices)):
                if options.identity(index) == identity:
                    return index
        return 0

    def took(self, footprint: Footprint) -> None:
        """Nothing to remember."""


class Projection:
    """A chooser that takes the steps of an earlier run in the order it took them,
    wherever they can still be taken: at each choice point, the first of the steps
    not taken yet that is among the choices (found by identity), else the seed's own.
    ``taken`` lists each step of that earlier run as (which run, its identity)."""

    def __init__(self, taken: list[tuple[int, Identity]]) -> None:
        self._wanted: dict[int, list[Identity]] = {}
        for run, identity in taken:
            self._wanted.setdefault(run, []).append(identity)

    def pick(self, options: Options) -> int | None:
        """The earliest wanted step among the choices, else the default."""
        wanted = self._wanted.get(options.run, [])
        if wanted:
            here = {options.identity(index): index for index in range(len(options.choices))}
            for position, identity in enumerate(wanted):
                index = here.get(identity)
                if index is not None:
                    del wanted[position]
                    return index
        return 0

    def took(self, footprint: Footprint) -> None:
        """Nothing to remember."""


class _Recorder:
    """A chooser that chooses as ``chooser`` does and keeps each step's identity."""

    def __init__(self, chooser: Replay) -> None:
        self.chooser = chooser
        self.taken: list[tuple[int, Identity]] = []

    def pick(self, options: Options) -> int | None:
        index = self.chooser.pick(options)
        if index is not None:
            self.taken.append((options.run, options.identity(index)))
        return index

    def took(self, footprint: Footprint) -> None:
        """Nothing to remember."""


class ShrinkEnd(StrEnum):
    """How shrinking a failure ended: what a user must know before taking it for the
    smallest."""

    DONE = "done"
    """Nothing more could be taken away."""
    BOUND = "bound"
    """Its replays (``max_runs``) were spent first: it may shrink further."""
    STOPPED = "stopped"
    """The exploration was stopped (Ctrl-C, ``explore stop``) first: it may shrink
    further."""
    SKIPPED = "skipped"
    """It was not shrunk, as asked (``--no-shrink``)."""

    @property
    def cut_short(self) -> str | None:
        """What ended shrinking before it was done, in words that follow "until" (None
        when it was done, or not asked for)."""
        return _CUT_SHORT.get(self)


_CUT_SHORT = {
    ShrinkEnd.BOUND: "shrinking reached its bound of replays",
    ShrinkEnd.STOPPED: "the exploration was stopped",
}


@dataclass(frozen=True)
class Shrunk:
    """A shrunk failure, the ``scenario`` it fails in (some injections may be gone),
    the ``runs`` spent shrinking it and how shrinking ``ended``."""

    failure: Failure
    scenario: Scenario
    runs: int
    ended: ShrinkEnd = ShrinkEnd.DONE


async def shrink(
    runner: ScheduleRunner,
    scenario: Scenario,
    failure: Failure,
    *,
    max_runs: int = DEFAULT_SHRINK_RUNS,
    should_stop: Callable[[], bool] = lambda: False,
) -> Shrunk:
    """``failure`` (found playing ``scenario`` on ``runner``) shrunk while it still fails;
    see the module docstring. Stops early, with what it has, after ``max_runs`` replays
    or when ``should_stop()`` says so."""
    state = _State(runner, failure, scenario, max_runs, should_stop)
    await state.fewer_choices()
    changed = True
    while changed:  # spent() is asked before each try, so that it says why it ended
        changed = False
        injections = [i for i, step in enumerate(state.scenario.steps) if isinstance(step, Inject)]
        for index in reversed(injections):
            if state.spent():
                break
            if await state.fewer_injections(index):
                changed = True
                await state.fewer_choices()
    await state.fewer_steps()
    return Shrunk(state.best, state.scenario, state.runs, state.ended)


class _State:
    def __init__(
        self,
        runner: ScheduleRunner,
        failure: Failure,
        scenario: Scenario,
        max_runs: int,
        should_stop: Callable[[], bool],
    ) -> None:
        self.runner = runner
        self.best = failure
        self.scenario = scenario
        self.max_runs = max_runs
        self.should_stop = should_stop
        self.runs = 0
        self.ended = ShrinkEnd.DONE
        self._taken: tuple[Failure, list[tuple[int, Identity]]] | None = None
        # Whether the scenario meets the failing property in the seed's own schedule
        # (asked once, when an injection is first tried away; a smaller scenario is
        # kept only while that stays so).
        self._met_by_seed: bool | None = None

    def spent(self) -> bool:
        """True when shrinking must end before it is done (asked only where there is
        more to try); :attr:`ended` then says why."""
        if self.should_stop():
            self.ended = ShrinkEnd.STOPPED
        elif self.runs >= self.max_runs:
            self.ended = ShrinkEnd.BOUND
        return self.ended is not ShrinkEnd.DONE

    async def fails(
        self, scenario: Scenario, forced: list[ForcedPick], chooser: Chooser | None = None
    ) -> Failure | None:
        """The same property's failure when ``scenario`` is played forcing ``forced``."""
        self.runs += 1
        outcome = await self.runner.play(chooser or Replay(forced),
                                         seed=self.best.schedule.seed, scenario=scenario)
        for found in outcome.failures:
            if found.key == self.best.key:
                return found
        return None

    async def accept(
        self, scenario: Scenario, forced: list[ForcedPick], chooser: Chooser | None = None
    ) -> bool:
        """Keep ``scenario`` and ``forced`` if the failure is still there, no larger."""
        found = await self.fails(scenario, forced, chooser)
        if found is None or found.schedule.forced_count > self.best.schedule.forced_count:
            return False
        self.best, self.scenario = found, scenario
        return True

    async def taken(self) -> list[tuple[int, Identity]]:
        """Every step the best failing schedule took, by identity (one replay, once)."""
        if self._taken is None or self._taken[0] is not self.best:
            recorder = _Recorder(Replay(self.best.schedule.forced_picks()))
            self.runs += 1
            await self.runner.play(recorder, seed=self.best.schedule.seed,
                                   scenario=self.scenario)
            self._taken = (self.best, recorder.taken)
        return self._taken[1]

    async def fewer_injections(self, index: int) -> bool:
        """Keep the scenario without its step ``index`` (an injection) if the failure
        is still there when the steps the best schedule took are taken in its order
        wherever they still can be (the seed's own steps too, which change as events
        go), or with its forced choices where they were, or all moved earlier by the
        same number of positions."""
        smaller = self.scenario.without({index})
        if _fails_by_absence(self.best) and not await self.met_by_seed(smaller):
            return False
        picks = self.best.schedule.forced_picks()
        if await self.accept(smaller, [], Projection(await self.taken())):
            return True
        # The steps the removed event caused are gone from the run: a forced choice that
        # came after some of them now comes that many positions earlier.
        deepest = max((pick for _, pick, _ in picks), default=0)
        for shift in range(min(deepest, MAX_SHIFT) + 1):
            if self.spent():
                break
            moved = [(run, max(0, pick - shift), identity) for run, pick, identity in picks]
            if await self.accept(smaller, moved):
                return True
        return False

    async def met_by_seed(self, smaller: Scenario) -> bool:
        """Whether ``smaller`` (the scenario without an injection) meets the failing
        property in the seed's own schedule, as the scenario does: else its failure
        would come from the events taken away, not from the order of the steps."""
        if self._met_by_seed is None:
            self._met_by_seed = await self.fails(self.scenario, []) is None
        return self._met_by_seed and await self.fails(smaller, []) is None

    async def fewer_steps(self) -> None:
        """Each forced choice taken earlier while the same failure then comes in fewer
        steps: the seed's own steps before it that the failure does not need go. It is
        moved 1, 2, 4, ... positions earlier while that holds, then 1 again, so that
        the steps of a long run cost few replays."""
        index, shift = 0, 1
        while not self.spent():
            picks = self.best.schedule.forced_picks()
            if index >= len(picks):
                return
            run, pick, identity = picks[index]
            before = picks[index - 1] if index else None
            floor = before[1] + 1 if before is not None and before[0] == run else 0
            target = max(floor, pick - shift)
            moved = [*picks[:index], (run, target, identity), *picks[index + 1 :]]
            if target < pick and await self.accept_shorter(moved):
                shift *= 2
            elif shift > 1:
                shift = 1
            else:
                index += 1

    async def accept_shorter(self, forced: list[ForcedPick]) -> bool:
        """Keep ``forced`` if the failure is still there, with no more forced choices and
        in fewer steps."""
        found = await self.fails(self.scenario, forced)
        best = self.best.schedule
        if found is None or found.schedule.forced_count > best.forced_count:
            return False
        if found.schedule.steps >= best.steps:
            return False
        self.best = found
        return True

    async def fewer_choices(self) -> None:
        """ddmin over the forced choices of the best failing schedule."""
        items = self.best.schedule.forced_picks()
        if not items or self.spent():
            return
        if await self.accept(self.scenario, []):
            return
        chunks = 2
        while len(items) >= 2 and not self.spent():
            size = -(-len(items) // chunks)
            for start in range(0, len(items), size):
                if self.spent():
                    return
                kept = items[:start] + items[start + size :]
                if await self.accept(self.scenario, kept):
                    items = self.best.schedule.forced_picks()
                    chunks = max(chunks - 1, 2)
                    break
            else:
                if chunks >= len(items):
                    return
                chunks = min(len(items), chunks * 2)


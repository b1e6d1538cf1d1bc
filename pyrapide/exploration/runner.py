"""Playing a scenario once, on one System, with a chooser deciding each choice point.

:class:`ScheduleRunner` holds one System for many schedules (``reset`` between them,
so the modules are built afresh each time) and a :class:`Tracker` on it. ``play``
runs the scenario's steps in order: injections, each ``run`` (a step at a time, the
chooser picking whenever more than one step could be taken), the expectations where
they stand, the architecture's constraints at the end. It returns a
:class:`ScheduleOutcome`: the schedule taken, the poset's digest, the failures,
and what the coverage counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pyrapide.core.printable import clipped, counted, message_of
from pyrapide.exploration.options import DEFAULT_MAX_MATCHES, DEFAULT_MAX_STEPS, Timing
from pyrapide.exploration.scenario import Expect, ExpectConstraints, Inject, Run, Scenario, Watch
from pyrapide.exploration.schedule import (
    Decision,
    Failure,
    PlanItem,
    RunSteps,
    Schedule,
    StepBound,
)
from pyrapide.exploration.tracking import Footprint, Identity, Tracker
from pyrapide.patterns.engine import match_all
from pyrapide.patterns.join import TooManyMatches, too_many_to_follow
from pyrapide.patterns.operators import guards_in
from pyrapide.runtime.modules import ModuleBuildError

if TYPE_CHECKING:
    from pyrapide.constraints import ConstraintViolation
    from pyrapide.core import Poset
    from pyrapide.patterns import GuardedPattern, Pattern, PatternMatch
    from pyrapide.runtime import Choice, System


class ExplorationError(Exception):
    """A scenario that cannot be explored; ``str(error)`` is one line for the user."""


class Options:
    """The choices at one choice point, as a chooser sees them: ``choices`` (the seed's
    own first, then by id), their ``keys`` (target and whether it resumes a task:
    stable while the choice is pending), which ``run`` of the scenario this is and the
    position (``pick``) of this choice point in it."""

    __slots__ = ("_tracker", "choices", "keys", "pick", "run")

    def __init__(self, choices: list[Choice], tracker: Tracker, run: int, pick: int) -> None:
        self.choices = choices
        self.keys = [(choice.target, choice.resumes) for choice in choices]
        self.run = run
        self.pick = pick
        self._tracker = tracker

    def identity(self, index: int) -> Identity:
        """What choice ``index`` does, by shapes (see :meth:`Tracker.identity`)."""
        return self._tracker.identity(self.choices[index])


class Chooser(Protocol):
    """Decides, at each step of a ``run``, which of the steps that could be taken is."""

    def pick(self, options: Options) -> int | None:
        """The index of the choice to take, or None to abandon the schedule (the search
        knows every schedule from here is equivalent to one explored already)."""

    def took(self, footprint: Footprint) -> None:
        """What the step just taken touched."""


@dataclass(frozen=True)
class ScheduleOutcome:
    """What one schedule did.

    ``schedule`` is the schedule taken, ``digest`` its poset's (see
    :func:`pyrapide.analysis.structure.digest`), ``failures`` the properties that
    failed, in the order they became certain (one per property), ``witnessed`` the
    lines of the ``sometimes`` expectations that held, ``connections`` the indexes of
    the connections that delivered, ``handlers`` the (component, handler) pairs that
    ran, ``matched`` the lines of the ``expect`` and ``watch`` patterns that matched,
    ``errors`` the handler errors, the first one's text in ``first_error``, ``limit``
    what a bound of the System stopped, if one did. ``blocked`` is True for a schedule
    the search abandoned: it is no schedule, and nothing else in it counts.
    """

    schedule: Schedule
    digest: str = ""
    failures: tuple[Failure, ...] = ()
    witnessed: frozenset[int] = frozenset()
    connections: frozenset[int] = frozenset()
    handlers: frozenset[tuple[str, str]] = frozenset()
    matched: frozenset[int] = frozenset()
    errors: int = 0
    first_error: str | None = None
    limit: str | None = None
    blocked: bool = False


class _Blocked(Exception):
    """The chooser abandoned the schedule, or a stop did (see ``should_stop``)."""


WAIT_SLICE = 0.25
"""Seconds a schedule waits on the outside (an asyncio future, real time) before it asks
again whether the exploration is stopping."""


class ScheduleRunner:
    """Plays ``scenario`` on ``system`` once per call of :meth:`play`.

    The System must run on its logical clock and be bound to module classes (built
    afresh for each schedule), or ExplorationError says why not. ``timing`` says when
    wake-ups are choices; ``max_steps`` bounds each ``run``; ``max_matches`` the matching
    of each ``expect`` and ``watch`` (see :func:`_matches`). ``should_stop`` says when
    the exploration is stopping: a schedule waiting on the outside is then abandoned
    (a handler awaiting what never comes would hold the stop for ever).
    """

    def __init__(
        self,
        system: System,
        scenario: Scenario,
        *,
        timing: Timing = Timing.FREE,
        max_steps: int = DEFAULT_MAX_STEPS,
        max_matches: int = DEFAULT_MAX_MATCHES,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        if system.real_time:
            raise ExplorationError(
                "the system runs on the wall clock: explore needs its logical clock, "
                "where a run is a function of its choices"
            )
        shared = [name for name, bound in system.bindings.items() if not isinstance(bound, type)]
        if shared:
            raise ExplorationError(
                f"component {shared[0]!r} is bound to a module instance, which would carry "
                "its state from one schedule to the next: bind its class instead"
            )
        self.system = system
        self.scenario = scenario
        self.timing = timing
        self.max_steps = max_steps
        self.max_matches = max_matches
        self.should_stop = should_stop
        self.tracker = Tracker(system)
        self._patterns: dict[str, Pattern] = {}
        for step in scenario.patterns:
            self._pattern(step)

    async def play(
        self, chooser: Chooser, seed: int | None = None, scenario: Scenario | None = None
    ) -> ScheduleOutcome:
        """Run the scenario once, ``chooser`` deciding, on a System with ``seed`` (the
        scenario's by default); ``scenario`` replaces the runner's own for this play
        (one with fewer steps, while shrinking). See :class:`ScheduleOutcome`."""
        system, tracker = self.system, self.tracker
        scenario = self.scenario if scenario is None else scenario
        seed = scenario.seed if seed is None else seed
        system.reset(seed)
        tracker.reset()
        play = _Play(seed)
        try:
            try:
                await system.start()
            except ModuleBuildError as error:
                raise ExplorationError(str(error)) from None
            await self._steps(scenario, play, chooser)
        except _Blocked:
            # Nothing of it counts; the next reset abandons what is in flight.
            return ScheduleOutcome(Schedule(seed, tuple(play.items)), blocked=True)
        await system.stop()
        poset = system.computation.poset
        for watch in scenario.watches:
            if self._matches(watch, poset):
                play.matched.add(watch.line)
        errors = tracker.errors
        return ScheduleOutcome(
            schedule=Schedule(seed, tuple(play.items)),
            digest=tracker.digest(),
            failures=tuple(play.failures),
            witnessed=frozenset(play.witnessed),
            connections=frozenset(tracker.connections),
            handlers=frozenset(tracker.handlers),
            matched=frozenset(play.matched),
            errors=len(errors),
            first_error=_error_line(errors[0]) if errors else None,
            limit=tracker.limit,
        )

    async def _steps(self, scenario: Scenario, play: _Play, chooser: Chooser) -> None:
        system = self.system
        runs = 0
        for step in scenario.steps:
            if isinstance(step, Inject):
                try:
                    system.inject(step.name, step.payload)
                except ValueError as error:
                    raise ExplorationError(f"line {step.line}: {error}") from None
                play.items.append(step)
                self._violations(play, ())
            elif isinstance(step, Run):
                await self._run(step, runs, play, chooser)
                runs += 1
            elif isinstance(step, Expect):
                self._expect(step, play)
            elif isinstance(step, ExpectConstraints):
                play.items.append(step)
                self._violations(play, (), standing=True, property=step)
            else:
                play.items.append(step)
        # What the architecture's constraints say once the script has ended.
        self._violations(play, (), standing=True)

    def _matches(self, step: Expect | Watch, poset: Poset) -> list[PatternMatch]:
        """The matches of ``step``'s pattern in ``poset``; ExplorationError naming its
        line past ``max_matches``, as the workbench refuses such an expect or watch:
        counting them in every schedule would hold the exploration for minutes."""
        try:
            return match_all(
                self._pattern(step), poset, warn_guard_errors=False, limit=self.max_matches
            )
        except TooManyMatches as error:
            told = too_many_to_follow(step.pattern, str(error))
            raise ExplorationError(f"line {step.line}: {told}") from None

    def _expect(self, expect: Expect, play: _Play) -> None:
        """``expect``, judged on the pattern's matches so far, or (``expect errors``) on
        the errors the architecture's code raised so far."""
        if expect.errors:
            errors = self.tracker.errors
            seen, noun = len(errors), "error"
            detail = f" (the first: {_error_line(errors[0])})" if errors else ""
        else:
            guards = guards_in(self._pattern(expect))
            before = [guard.guard_error_count for guard in guards]
            # A guard that raises is said in the failure (below), not warned of.
            seen, noun = len(self._matches(expect, self.system.computation.poset)), "match"
            detail = _raised_now(guards, before)
        if seen:
            play.matched.add(expect.line)
        held = expect.judge(seen)
        play.items.append(expect)
        if expect.sometimes:
            if held:
                play.witnessed.add(expect.line)
        elif not held:
            saw = counted(seen, noun, "matches" if noun == "match" else None)
            play.fail(
                expect,
                ("expect", expect.line),
                f"{expect.pattern}: expected {expect.expected}, saw {saw}{detail}",
                (),
            )

    async def _run(self, run: Run, index: int, play: _Play, chooser: Chooser) -> None:
        system, tracker = self.system, self.tracker
        scheduler = system.scheduler
        connects = scheduler.queues.connects
        decisions: list[Decision] = []
        forced: list[tuple[int, Identity]] = []
        picks = 0
        quiet = True
        while scheduler.halted is None:
            choices = self._timely(system.choices())
            if not choices:
                if scheduler.waits_in_real_time():
                    # An outside future: real time decides, unless the exploration stops.
                    if not await system.wait_for_wakeup(WAIT_SLICE) and self.should_stop():
                        raise _Blocked
                    continue
                break
            if len(decisions) >= self.max_steps:
                quiet = False
                partial = RunSteps(run, tuple(decisions), tuple(forced), quiet=False)
                play.fail(
                    StepBound(run.line, self.max_steps),
                    ("bound", run.line),
                    f"the run at line {run.line} did not go quiet within "
                    f"{counted(self.max_steps, 'step', grouped=True)}",
                    (partial,),
                )
                break
            options = Options(choices, tracker, index, picks)
            chosen = chooser.pick(options)
            if chosen is None:
                play.items.append(RunSteps(run, tuple(decisions), tuple(forced), quiet=False))
                raise _Blocked
            choice = choices[chosen]
            decision: Decision = None if choice.default else choice.target
            if decision is not None:
                forced.append((picks, options.identity(chosen)))
            clock = tracker.begin_step()
            await system.step(decision)
            decisions.append(decision)
            while connects:  # calls run before anything else: part of this step's work
                await system.step(None)
                decisions.append(None)
            chooser.took(tracker.end_step(clock))
            picks += 1
            if len(tracker.violations) > play.violations_seen:
                partial = RunSteps(run, tuple(decisions), tuple(forced), quiet=False)
                self._violations(play, (partial,))
        halted = scheduler.halted
        if halted is not None and quiet and scheduler.has_work():
            # The system's own bound stopped the run with work pending: it never went
            # quiet, and `rapide run` fails it there, as it fails the bound on steps.
            quiet = False
            partial = RunSteps(run, tuple(decisions), tuple(forced), quiet=False)
            play.fail(
                StepBound(run.line, self.max_steps, by=halted),
                ("bound", run.line),
                f"the run at line {run.line} was stopped by the system's {halted} "
                "with work pending",
                (partial,),
            )
        play.items.append(RunSteps(run, tuple(decisions), tuple(forced), quiet=quiet))

    def _violations(
        self,
        play: _Play,
        partial: tuple[RunSteps, ...],
        *,
        standing: bool = False,
        property: ExpectConstraints | None = None,
    ) -> None:
        """Fail the constraints violated since last asked (and, with ``standing``, those
        that would stand if the run ended now)."""
        reported = self.tracker.violations
        found: list[ConstraintViolation] = list(reported[play.violations_seen :])
        play.violations_seen = len(reported)
        if standing:
            found.extend(self.system.outstanding_violations())
        checked = property or ExpectConstraints(0)
        for violation in found:
            key = ("constraint", violation.constraint_name, violation.violation_type)
            play.fail(checked, key, _violation_line(violation), partial)

    def _pattern(self, step: Expect | Watch) -> Pattern:
        """The parsed pattern of ``step`` (each text parsed once)."""
        pattern = self._patterns.get(step.pattern)
        if pattern is None:
            pattern = self._patterns[step.pattern] = step.parsed()
        return pattern

    def _timely(self, choices: list[Choice]) -> list[Choice]:
        """The choices ``timing`` allows now, the default one first."""
        if self.timing is Timing.LOGICAL and choices:
            now = self.system.now
            due = [c for c in choices if c.wake_at is None or c.wake_at <= now]
            if not due:
                earliest = min(c.wake_at for c in choices if c.wake_at is not None)
                due = [c for c in choices if c.wake_at == earliest]
            choices = due
        for index, choice in enumerate(choices):
            if choice.default:
                if index:
                    choices = [choice, *choices[:index], *choices[index + 1 :]]
                break
        return choices


class _Play:
    """What one play of the scenario has done so far."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.items: list[PlanItem] = []
        self.failures: list[Failure] = []
        self.failed: set[tuple[object, ...]] = set()
        self.witnessed: set[int] = set()
        self.matched: set[int] = set()
        self.violations_seen = 0

    def fail(
        self,
        property: Expect | ExpectConstraints | StepBound,
        key: tuple[object, ...],
        message: str,
        partial: tuple[RunSteps, ...],
    ) -> None:
        """Note that ``property`` failed here (once per property)."""
        if key in self.failed:
            return
        self.failed.add(key)
        schedule = Schedule(self.seed, (*self.items, *partial))
        self.failures.append(Failure(property, key, message, schedule))


def _raised_now(guards: tuple[GuardedPattern, ...], before: list[int]) -> str:
    """``; its guard raised TypeError: ... on e1 ...`` for the first of ``guards`` that
    raised since its error count was ``before``, else ""."""
    for guard, count in zip(guards, before, strict=True):
        new = guard.guard_error_count - count
        if new > 0:
            # guard_errors keeps the latest records (a bounded deque), newest last.
            errors = guard.guard_errors
            found, error = errors[max(len(errors) - new, 0)]
            events = ", ".join(event.id for event in found.events)
            return (
                f"; its guard raised {type(error).__name__}: {message_of(error)} (on {events}), "
                "and a match it raises on counts as none"
            )
    return ""


def _violation_line(violation: ConstraintViolation) -> str:
    return f"constraint {violation.constraint_name}: {violation.description}"


ERROR_MESSAGE_SHOWN = 500
"""At most this many characters of a handler error's message in the line an exploration
reports it in (a message of megabytes, carried whole from each worker to the report,
filled the terminal)."""


def _error_line(note: object) -> str:
    constraint = getattr(note, "constraint", None)  # a ConstraintGuardError's
    where = f"constraint {constraint}" if constraint else getattr(note, "component", "?")
    error = getattr(note, "error", None)
    message = message_of(error) if isinstance(error, BaseException) else str(error)
    message = clipped(message.strip().split("\n", 1)[0].strip(), ERROR_MESSAGE_SHOWN)
    return f"{where}: {type(error).__name__}: {message}"

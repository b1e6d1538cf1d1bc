"""Time travel: recording the decisions that shape a session's run, and replaying them.

A :class:`TimeMachine` keeps the session's :class:`~rapide_shell.decisions.DecisionTree`.
The session makes every decision through it (``with travel.deciding(...)`` around an
injection or a fresh system, ``with travel.stepping(choice)`` around a step or a run),
and it hears from the system what each step ran and recorded, so each decision becomes
a point of the tree.

:meth:`TimeMachine.travel` takes the run to any point of the tree by deterministic
re-execution: forward from where it is when the point lies ahead in the same system,
else on a fresh system (the current one stopped, its finish hooks run, modules built
anew, start hooks run again) with the seed that point's system had, replaying each
decision. The run is a function of the architecture, the seed and the decisions, so
the point is reached with the same computation, the same ids, the same queue and work
in flight. A replay can be long; :meth:`TimeMachine.stop` (the user's Ctrl-C) ends it
after the step in progress, and the run is then at that step exactly as if it had been
taken there. Handlers that act on the world outside the process (write files, call
services, read the clock or a random generator not seeded by the run) act again on
each replay, and a handler whose behaviour depends on such things may replay
differently: the machine notices when the computation does not come out as recorded
and says so (:attr:`TimeMachine.divergence`): when a step records other events or
another number of them, and when an event comes out with another name, source or
payload, on every replay (back or forward, to another branch, to before a ``reset``).
For that it keeps the events a system recorded when it is replaced, for the steps the
live run does not hold (those ahead of it, the other branches' own): only those
events, not the computation that linked them, and each step's once.

No checkpoint of a system is kept: a handler in flight is a suspended Python coroutine,
which cannot be copied, and a module may hold anything (a database connection, a
socket), so a system's state can only be rebuilt, never saved. Replaying is fast
enough for that (``benchmarks/bench_timetravel.py``).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import count, islice
from typing import TYPE_CHECKING, Any

from pyrapide.core.printable import counted
from pyrapide.runtime import (
    DispatchStarted,
    EventRecorded,
    ModuleBuildError,
    Notification,
    RunState,
    TaskResumed,
)
from rapide_shell.decisions import (
    Branch,
    Decision,
    DecisionKind,
    DecisionTree,
    Point,
    Ran,
    Route,
    common_point,
    points_between,
    ran_text,
)
from rapide_shell.render import PAYLOAD_WIDTH, payload_text
from rapide_shell.runtime_link import YIELD_EVERY

if TYPE_CHECKING:
    from pyrapide.core import Event
    from pyrapide.runtime import System
    from rapide_shell.runtime_link import RuntimeLink
    from rapide_shell.watches import Watchlist

_HEARD = (EventRecorded, DispatchStarted, TaskResumed)

REPLAY_BURST = 4096
"""The most steps a replay takes in one call of the library's run loop: between two, it
looks whether it was asked to stop (the loop forgets a pause asked just as it begins)."""


class ReplayError(Exception):
    """A recorded decision could not be made again: the run did not repeat itself.
    ``str(error)`` is one line for the user; ``reached`` is the last point replayed."""

    def __init__(self, message: str, reached: Point) -> None:
        super().__init__(message)
        self.reached = reached


class _StepInProgress:
    """What the step under way has done so far."""

    __slots__ = ("events", "ran")

    def __init__(self, ran: str | Ran) -> None:
        self.ran = ran
        self.events: list[str] = []


@dataclass
class _Kept:
    """What a replaced system recorded on the line to ``reach``: the events at positions
    ``start`` to ``reach.total_events`` of its computation (the earlier ones are held
    by the live run, or by a record kept later)."""

    reach: Point
    start: int
    events: list[Event]


class TimeMachine:
    """A session's history of decisions, and the replays that move its run along it.

    It drives the session's :class:`~rapide_shell.runtime_link.RuntimeLink` and keeps
    its :class:`~rapide_shell.watches.Watchlist` following the system: the watches
    count their matches afresh over a replayed run, as they would have counted them
    live, and each breakpoint's hits are those of the runs it stopped up to the point
    reached.
    """

    def __init__(self, runtime: RuntimeLink, watchlist: Watchlist) -> None:
        self.runtime = runtime
        self.watchlist = watchlist
        self.tree = DecisionTree(runtime.seed, runtime.loaded)
        """The points and branches of the session."""
        self.divergence: str | None = None
        """How the last replay (or a decision taken again) came out unlike what was
        recorded, in words; None when it came out the same."""
        self._journeys = 0
        self._stop = False
        self.segment = 0
        """The number of the command in progress (0: none): the points one command made
        are written as one line (see :meth:`begin_command`)."""
        self._commands = 0
        self._giving: set[int] = set()  # the commands in progress that gave a line
        self._unsubscribe: Callable[[], None] | None = None
        self._system: System | None = None
        self._events: list[str] | None = None
        self._stepping = False
        self._choice: Any = None
        self._step: _StepInProgress | None = None
        self._routes: dict[Route, Route] = {}
        self._kept: list[_Kept] = []

    # -- moving through the history ------------------------------------------------------

    @property
    def travelling(self) -> bool:
        """True while the run is being taken to a point of the history (a replay, or the
        steps an address makes): :meth:`stop` stops it."""
        return self._journeys > 0

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` asked the travel under way to stop, until it ends."""
        return self._stop

    @contextlib.contextmanager
    def journey(self) -> Iterator[None]:
        """Around a move through the history, which :meth:`stop` may stop part-way
        (journeys nest: ``goto ADDRESS`` replays, then makes steps); a stop asked is
        forgotten once the outermost ends."""
        self._journeys += 1
        try:
            yield
        finally:
            self._journeys -= 1
            if not self._journeys:
                self._stop = False

    def stop(self) -> bool:
        """Stop the travel under way at the step its replay has reached (the user's
        Ctrl-C, the TUI's pause): the run stays there, as if it had travelled to exactly
        that step. False when no travel is under way."""
        if not self.travelling:
            return False
        self._stop = True
        system = self.runtime.system
        if system is not None and system.state is RunState.RUNNING:
            system.pause()  # the burst of replayed steps ends after its current step
        return True

    # -- following a system ---------------------------------------------------------

    async def start_system(self) -> None:
        """Start the runtime's system (building it first if needed), the watchlist and
        this machine following it before its start hooks record anything."""
        system = self.runtime.prepare()
        self.watchlist.follow(system, system.computation)
        self._follow(system)
        await self.runtime.start()

    def _follow(self, system: System | None) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._system = system
        if system is not None:
            self._unsubscribe = system.subscribe(self._heard, kinds=_HEARD)

    def _heard(self, note: Notification) -> None:
        if type(note) is EventRecorded:
            if self._step is not None:
                self._step.events.append(note.event.id)  # type: ignore[attr-defined]
            elif self._events is not None:
                self._events.append(note.event.id)  # type: ignore[attr-defined]
            return
        if not self._stepping:
            return  # a finish hook's connect deliveries, stepped while the system stops
        self._end_step()
        if type(note) is DispatchStarted:
            dispatch = note.dispatch  # type: ignore[attr-defined]
            event = dispatch.event
            index = getattr(dispatch.connection, "index", None)
            route = Route(dispatch.kind, event.name, dispatch.target, index)
            route = self._routes.setdefault(route, route)  # one for all the steps alike
            self._step = _StepInProgress(Ran(dispatch.id, event.id, route))
        else:
            task = note.task  # type: ignore[attr-defined]
            self._step = _StepInProgress(f"resumed {task.label}")

    # -- recording decisions ----------------------------------------------------------

    def begin_command(self) -> int:
        """A command begins: its points get a number of their own. Returns the number
        in progress before (0: none), for :meth:`end_command` (commands nest: ``goto``'s
        lines, and a command typed while a ``run`` is in progress)."""
        # Typed during a run, it comes between two of the run's steps (the library's run
        # loop hands the asyncio loop back only there): the step taken last is a point
        # before it, whose place `where` names and a line the command gives follows.
        self._end_step()
        outer = self.segment
        self._commands += 1
        self.segment = self._commands
        return outer

    def end_command(self, outer: int) -> bool:
        """The command begun when ``outer`` was in progress ended. Returns True when it
        gave a line (:meth:`line_given`).

        A command that gave a line while another was in progress (a ``watch`` typed
        during a ``run``) parts that one there: its points from here on get a number of
        their own, so that a script writes the line between the steps taken before it
        and those taken after, as it was given. Both parts are written as steps
        (``step N``): the line the other command asks for (``run``) would stand for all
        of them, or for a count of them (``run 100``) that neither part took."""
        gave = self.segment in self._giving
        self._giving.discard(self.segment)
        if gave and outer:
            self._commands += 1
            self.segment = self._commands
            self.tree.write_as_steps(outer)
            self.tree.write_as_steps(self.segment)
        else:
            self.segment = outer
        return gave

    def line_given(self) -> int:
        """The command in progress gives a line that a script writes (``watch``,
        ``expect``): returns its number, which the line is written with (see
        :meth:`end_command`)."""
        self._giving.add(self.segment)
        return self.segment

    @contextlib.contextmanager
    def deciding(self, decision: Decision) -> Iterator[None]:
        """Around an injection or the start of a fresh system (``seed``, ``reset``,
        ``reload``): once the block ends without an exception, ``decision`` is a point,
        with the events recorded meanwhile."""
        self._events = []
        try:
            yield
            events = tuple(self._events)
        finally:
            self._events = None
        self._settle(decision, "", events)

    @contextlib.contextmanager
    def started(self) -> Iterator[None]:
        """Around the session's first start: the start hooks' events are the start's."""
        self._events = []
        try:
            yield
            self.tree.root.set_events(tuple(self._events), self._total())
        finally:
            self._events = None

    @contextlib.contextmanager
    def stepping(self, choice: Any = None) -> Iterator[None]:
        """Around a step or a run: each step the system takes inside the block is a
        point, its decision ``step`` with ``choice`` (None: the scheduler's choice, as
        every step of a run is)."""
        self._stepping, self._choice = True, choice
        try:
            yield
        finally:
            self._end_step()
            self._stepping, self._choice = False, None

    def write_as(self, line: str) -> None:
        """Write the steps the command in progress made as ``line`` in a script (``run``),
        where the script holds all of them."""
        self.tree.write_as(self.segment, line)

    def stopped_by(self, break_id: int) -> None:
        """Breakpoint ``break_id`` stopped the run right after the current point."""
        self.tree.point.stopped_by = break_id

    def _end_step(self) -> None:
        step, self._step = self._step, None
        if step is not None:
            decision = Decision.step(self._choice)
            self._settle(decision, step.ran, tuple(step.events))

    def _settle(self, decision: Decision, ran: str | Ran, events: tuple[str, ...]) -> None:
        tree = self.tree
        total = self._total()
        known = tree.next_point(decision)
        if known is None and decision.kind is DecisionKind.STEP and tree.point.children:
            known = tree.step_that_ran(ran_text(ran), events)
        if known is None:
            tree.add(
                Point(
                    decision,
                    tree.point,
                    segment=self.segment,
                    ran=ran,
                    events=events,
                    total_events=total,
                )
            )
            return
        tree.take(known, self.segment)
        if self.divergence is not None:
            return
        if (known.events, known.total_events) != (events, total):
            self.divergence = (
                f"step {known.number} ({decision.line}) recorded "
                f"{_ids(events)} where it recorded {_ids(known.events)} before"
            )
        else:  # the same ids: held to what they were recorded with, as a replay is
            self.divergence = self._unlike_recorded(total - len(events), known)

    def _total(self) -> int:
        system = self.runtime.system
        return len(system.computation) if system is not None else 0

    # -- travelling ------------------------------------------------------------------

    async def travel(
        self, point: Point, branch: Branch | None = None, *, fresh: bool = False
    ) -> Point:
        """Take the run to ``point`` on ``branch`` (the current branch by default, or the
        branch used last that holds the point), replaying what leads there; with
        ``fresh``, on a fresh system even when the point lies ahead (the system is not
        where the tree says it is).

        Returns the point reached: ``point``, or the step the replay had reached when
        :meth:`stop` stopped it, where the run then is, on ``branch``, exactly as if it
        had been taken there. Raises :class:`ReplayError` when a recorded decision
        cannot be made again; the run is then at the last point it reached, which is
        the current point.
        """
        tree = self.tree
        if branch is None:
            branch = tree.branch if tree.holds(point) else tree.branches_holding(point)[0]
        here = tree.point
        self.divergence = None
        try:
            with self.journey(), self.runtime.muted(), self._unheard():
                if not fresh and self._can_go_forward(here, point):
                    replayed_from = len(self.runtime.computation)
                else:
                    if not fresh:  # else the system is not where the tree says
                        self.keep_recorded()
                    try:
                        await self._start_over(point.epoch)
                    except ModuleBuildError:
                        # The run left is gone for a fresh system that could not be
                        # built: the history stands at its start (the next step starts
                        # it again), not where the run left had got to.
                        tree.go(point.epoch, branch)
                        self._restore_breakpoints()
                        raise
                    replayed_from = 0
                    here = point.epoch
                reached = await self._replay(here, points_between(here, point))
        except ReplayError as error:
            tree.go(error.reached, branch)
            self._restore_breakpoints()
            raise
        self._arrive(reached, branch, replayed_from)
        return reached

    def _arrive(self, point: Point, branch: Branch, replayed_from: int) -> None:
        """The replay reached ``point`` of ``branch``: it is the current point, the
        breakpoints' hits are those up to it, and the events replayed from position
        ``replayed_from`` on are held to those recorded there before."""
        self.tree.go(point, branch)
        self._restore_breakpoints()
        if len(self.runtime.computation) != point.total_events and self.divergence is None:
            has = counted(len(self.runtime.computation), "event")
            self.divergence = f"step {point.number} has {has} where it had {point.total_events}"
        if self.divergence is None:
            self.divergence = self._unlike_recorded(replayed_from, point)
        self._trim_kept(point)

    def keep_recorded(self) -> None:
        """The live system is about to be replaced (by a replay, ``reset``, ``seed`` or
        ``reload``): keep the events it recorded up to the current point, to hold later
        replays of those steps to them (a record kept before yields the steps this one
        holds too)."""
        system = self.runtime.system
        if system is None or self.runtime.inspected is not None:
            return
        reach = self.tree.point
        self._trim_kept(reach)
        events = list(islice(system.computation, reach.total_events))
        self._kept.append(_Kept(reach, 0, events))

    def _trim_kept(self, line_end: Point) -> None:
        """Let go of the kept events of the steps on the line to ``line_end``: the live
        run holds them now (and a record of them is kept when it is replaced)."""
        kept = []
        for record in self._kept:
            if not _still_held(record):
                continue
            if record.reach.epoch is line_end.epoch:
                cut = common_point(record.reach, line_end).total_events
                if cut > record.start:
                    del record.events[: cut - record.start]
                    record.start = cut
                if record.start >= record.reach.total_events:
                    continue
            kept.append(record)
        self._kept = kept

    def _unlike_recorded(self, replayed_from: int, point: Point) -> str | None:
        """The first event the replay recorded (from position ``replayed_from`` up to
        ``point``) otherwise than it was recorded before, in words (see
        :func:`_first_unlike`); None when each is the same, or none was kept."""
        first: tuple[int, str] | None = None
        computation = self.runtime.computation
        for record in self._kept:
            if record.reach.epoch is not point.epoch:
                continue
            low = max(record.start, replayed_from)
            high = min(common_point(record.reach, point).total_events, point.total_events)
            if low >= high or (first is not None and first[0] <= low):
                continue
            recorded = record.events[low - record.start : high - record.start]
            found = _first_unlike(recorded, islice(computation, low, high), low, point)
            if found is not None and (first is None or found[0] < first[0]):
                first = found
        return None if first is None else first[1]

    def _can_go_forward(self, here: Point, point: Point) -> bool:
        system = self.runtime.system
        return (
            system is not None
            and self.runtime.inspected is None
            and system.state not in (RunState.IDLE, RunState.STOPPED)
            and here.epoch is point.epoch
            and here.leads_to(point)
        )

    async def _start_over(self, epoch: Point) -> None:
        runtime = self.runtime
        decision = epoch.decision
        runtime.seed = decision.seed
        loaded = decision.loaded
        await runtime.replace(None if loaded is runtime.loaded else loaded)
        system = runtime.prepare()
        self.watchlist.follow(system, system.computation)
        await runtime.start()
        if len(system.computation) != epoch.total_events and self.divergence is None:
            self.divergence = (
                f"the start hooks recorded {counted(len(system.computation), 'event')} where they "
                f"recorded {epoch.total_events}"
            )

    async def _replay(self, here: Point, to_replay: list[Point]) -> Point:
        """Make again the decisions of ``to_replay`` (the points after ``here``, in order)
        and return the last point made: the last of them, or the one the replay had
        reached when :meth:`stop` stopped it."""
        system = self.runtime.live
        index = 0
        while index < len(to_replay) and not self._stop:
            point = to_replay[index]
            decision = point.decision
            if decision.plain_step:
                end = index
                while end < len(to_replay) and to_replay[end].decision.plain_step:
                    end += 1
                taken = await self._plain_steps(system, here, to_replay[index:end])
                if taken:
                    here = to_replay[index + taken - 1]
                index += taken
                continue
            try:
                if decision.event:
                    system.inject(decision.event, decision.payload)
                else:
                    before = system.steps
                    await system.step(decision.choice)
                    if system.steps == before:
                        raise ValueError("nothing could run")
            except (ValueError, RuntimeError) as error:
                raise ReplayError(
                    f"step {point.number} ({decision.line}) could not be made again: {error}",
                    here,
                ) from None
            here, index = point, index + 1
        return here

    async def _plain_steps(self, system: System, here: Point, points: list[Point]) -> int:
        """Take len(points) steps of the scheduler's choice: through the library's run
        loop, and one at a time where a bound halts the loop (as ``step`` goes on).
        Returns how many were taken: all of them, unless :meth:`stop` stopped the replay
        (the run loop pauses after its step in progress, and takes its steps in bursts of
        at most :data:`REPLAY_BURST`, so that a stop asked as one begins is heard)."""
        taken = 0
        while taken < len(points) and not self._stop:
            before = system.steps
            burst = min(len(points) - taken, REPLAY_BURST)
            await system.run_until_quiet(burst, yield_every=YIELD_EVERY)
            taken += system.steps - before
            if system.steps == before and not self._stop:
                await system.step()
                if system.steps == before:
                    reached = points[taken - 1] if taken else here
                    raise ReplayError(
                        f"step {points[taken].number} could not be made again: nothing could run",
                        reached,
                    )
                taken += 1
        return taken

    @contextlib.contextmanager
    def _unheard(self) -> Iterator[None]:
        """Stop hearing the system while a replay retakes known steps (it may start a
        new one: the machine follows whichever system is there after)."""
        self._follow(None)
        try:
            yield
        finally:
            self._follow(self.runtime.system)

    def _restore_breakpoints(self) -> None:
        """Each breakpoint's hits: the runs it stopped between the start of the current
        system and the current point."""
        stops: Counter[int] = Counter()
        point: Point | None = self.tree.point
        while point is not None and point.number > self.tree.point.epoch.number:
            if point.stopped_by is not None:
                stops[point.stopped_by] += 1
            point = point.parent
        for breakpoint_ in self.watchlist.breakpoints:
            breakpoint_.hits = stops[breakpoint_.id]

    # -- what the session reports --------------------------------------------------------

    def delivered(self) -> Counter[int]:
        """Deliveries finished per connection index since the current system started:
        those the steps up to the current point started, less those still in flight."""
        counts: Counter[int] = Counter()
        point: Point | None = self.tree.point
        epoch = self.tree.point.epoch
        while point is not None and point is not epoch:
            if point.connection is not None:
                counts[point.connection] += 1
            point = point.parent
        for flight in self.runtime.in_flight():
            index = getattr(getattr(flight.dispatch, "connection", None), "index", None)
            if index is not None:
                counts[index] -= 1
        return +counts


def _still_held(record: _Kept) -> bool:
    """Cut ``record`` back to the last step of its line the tree still holds (a ``goto``
    to an address that did not fit undoes the steps it made); False when none of it is
    left, or its system's start was undone too (its events are another system's)."""
    reach = record.reach
    while reach.parent is not None and reach not in reach.parent.children:
        reach = reach.parent
    if reach is record.reach:
        return True
    if reach.epoch is not record.reach.epoch:
        return False
    del record.events[max(reach.total_events - record.start, 0) :]
    record.reach = reach
    return record.start < reach.total_events


def _first_unlike(
    recorded: Iterable[Event], replayed: Iterable[Event], first: int, point: Point
) -> tuple[int, str] | None:
    """The position of the first event of ``replayed`` (the events from position
    ``first`` on, up to ``point``) that came out otherwise than its counterpart in
    ``recorded`` (another id, name, source or payload), and in words that event and
    the step that recorded it; None when they are all the same."""
    for position, before, now in zip(count(first), recorded, replayed,
                                     strict=False):
        if (before.id, before.name, before.source, before.payload) == (
            now.id, now.name, now.source, now.payload
        ):
            continue
        step = point
        while step.parent is not None and step.parent.total_events > position:
            step = step.parent
        return position, (
            f"step {step.number} ({step.decision.line}) recorded {now.id} {now.name} with "
            f"{_payload(now.payload)} where it recorded {before.id} {before.name} with "
            f"{_payload(before.payload)} before"
        )
    return None


def _payload(payload: Any) -> str:
    return payload_text(payload, width=PAYLOAD_WIDTH) or "{}"


def _ids(events: tuple[str, ...]) -> str:
    if not events:
        return "no event"
    shown = " ".join(events[:6])
    return shown + (f" and {len(events) - 6} more" if len(events) > 6 else "")

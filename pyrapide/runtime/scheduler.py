"""The scheduler: turns routed matches into dispatches and runs them one step at a time.

The model is Trio's run loop. The invariants it keeps, stated where they hold:

* One handler step at a time. Handler coroutines are driven by ``send`` from
  :meth:`Scheduler._advance`, never by asyncio, and only one is ever inside
  ``send``. Which step runs next depends only on the queues below and on
  their ``rng`` (seeded per scheduler), so a run is a function of the
  architecture, the seed and the injections.
* Queues (see queues.py): connect deliveries run before anything else, depth
  first, as calls would; each pipe lane starts its head only when nothing of
  it is in flight; the seeded ``rng`` picks among agent deliveries. Queued
  dispatches run before ``_ready``, the tasks resumed by a wake-up.
* A task whose emits are waiting on connect deliveries (``outstanding > 0``)
  is in no queue: the last of those deliveries to finish resumes it, within the
  same step, so "the emitter resumes only after its deliveries" holds by
  construction.
* Within a burst of the run loop (:meth:`Scheduler.run_steps`), an ``emit`` runs
  the connect deliveries it waits on itself (:meth:`Scheduler.call_connects`): the
  steps the loop would take next, in the same order, each counted as a step, with
  the emitter waiting on its connects meanwhile as it would. The run is the same;
  a caller stepping one step at a time sees each connect delivery as a step.
* Every task that started and has not finished is in ``_live`` (in flight),
  and its ``waiting`` says why it is not running; a sleeper is also in
  ``_sleepers`` (its wake-up, a step of its own), a woken task in ``_ready``.
* Quiescence: nothing queued and nothing in flight. Sleepers only wake when
  nothing else can run, unless a wake-up is chosen: the clock then moves to
  the earliest wake-up (a logical clock jumps; a real-time one is waited for).
* A delivery to a nested architecture runs no handler: its task queues the
  deliveries inside it that the event made (made when the event was recorded,
  as every delivery is, and kept on the dispatch until then) and stays in flight,
  waiting on them as an emitter waits on its connect deliveries, until the last
  finishes. So a connect into it returns, and a pipe into it takes its next
  delivery, only once the architecture has handled the event; an agent's stays
  independent.

Collaborators come in through the constructor: the router (which connections
match what), the handler table (which handlers a delivery runs), the queues,
the clock, the reporter, and the constraint monitor if there is one.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import traceback
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from pyrapide.architecture import Delivery
from pyrapide.core.interrupts import contained
from pyrapide.core.printable import counted
from pyrapide.patterns.match import PatternMatch
from pyrapide.runtime import traps
from pyrapide.runtime.collector import tend as tend_collector
from pyrapide.runtime.dispatch import Dispatch, DispatchState
from pyrapide.runtime.handlers import is_async_function
from pyrapide.runtime.notifications import (
    ConstraintCheckError,
    ConstraintGuardError,
    ConstraintViolated,
    DeliveryUnhandled,
    DispatchFinished,
    DispatchQueued,
    DispatchStarted,
    EventRecorded,
    HandlerError,
    HandlerStarted,
    LimitReached,
    TaskResumed,
    keep_error,
)
from pyrapide.runtime.routing import Route, callable_name
from pyrapide.runtime.tasks import InFlight, Task, WaitReason
from pyrapide.runtime.traps import FINISHED, SUSPEND, WAIT, Pump, Sleep, pump
from pyrapide.runtime.watchdog import HandlerTimeout

# Module constants for the hot paths below, which read them on every delivery: an enum
# member read from its class costs a lookup on every use, and so does any module name
# the compiled build reads, an import included, unless it is Final (a C static then).
_RUNNING: Final = WaitReason.RUNNING
_READY: Final = WaitReason.READY
_SLEEPING: Final = WaitReason.SLEEPING
_CONNECTS: Final = WaitReason.CONNECTS
_OUTSIDE: Final = WaitReason.OUTSIDE
_HELD: Final = WaitReason.HELD
_INSIDE: Final = WaitReason.INSIDE
_STARTED: Final = DispatchState.RUNNING
_DONE: Final = DispatchState.DONE
_WAIT: Final = WAIT
_SUSPEND: Final = SUSPEND
_FINISHED: Final = FINISHED
_pump: Final = pump
_CLOSE_TRIES: Final = 8
"""How many times :meth:`Scheduler.close_tasks` closes a handler that awaits again
as it is closed (in a ``finally``, or catching GeneratorExit) before leaving it."""
_TEND_EVERY: Final = 256
"""Every so many events recorded, the collector is tended (see its ``tend``): a run's
hold on it freezes what young collections left, in a start hook's emits too (a young
collection comes every few hundred events)."""


def _ignored_exit(exc: BaseException) -> bool:
    """True for the RuntimeError ``close()`` raises when the coroutine it closed awaited
    again instead of ending (a handler's own RuntimeError is its error)."""
    return isinstance(exc, RuntimeError) and str(exc).endswith("ignored GeneratorExit")


# Where a handler's traceback starts that is not the user's: this module (as Python, or
# the entries the compiled build adds under its source's name) and the pump's.
_OWN_FILES: Final = frozenset({__file__, "pyrapide/runtime/scheduler.py", traps.__file__})
# The notification kinds asked about on every delivery (is anybody subscribed?).
_EVENT_RECORDED: Final = EventRecorded
_DISPATCH_QUEUED: Final = DispatchQueued
_DISPATCH_STARTED: Final = DispatchStarted
_HANDLER_STARTED: Final = HandlerStarted
_DISPATCH_FINISHED: Final = DispatchFinished
# How deep in nested connect deliveries an emit still calls its own (see call_connects):
# each level nests the handlers' frames inside the emitter's, where a step of its own
# would not.
CALL_DEPTH: Final = 12
# An emitter's ``deferred`` while its emit calls its connect deliveries itself: the
# last to finish leaves it to go on in that emit (see _finish).
_CALLING: Final = "calling"
# The delivery log's append, looked up once (compiled, a method called by its name is
# looked up on every call).
_log_append: Final[Callable[[array[int], int], None]] = array.append

if TYPE_CHECKING:
    import asyncio

    from pyrapide.architecture import ConnectionKind
    from pyrapide.constraints import CheckRaised, ConstraintMonitor, ConstraintViolation
    from pyrapide.constraints.monitor import GuardRaised
    from pyrapide.core import Computation, Event
    from pyrapide.runtime.clock import RunClock
    from pyrapide.runtime.handlers import HandlerCall, HandlerTable
    from pyrapide.runtime.queues import DispatchQueues, PipeLane
    from pyrapide.runtime.reporting import Reporter
    from pyrapide.runtime.routing import Router


class _LeftUnfinished(BaseException):
    """Raised at the await of a handler left unfinished (see :func:`_end_quietly`)."""


def _from_users_code(error: BaseException) -> str:
    """The text of ``error`` with its traceback from the first frame that is not the
    constraint monitor's: where a hand-written check raised, down to where it failed
    (no frames when the monitor itself refused what the check returned)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_globals.get("__name__", "").startswith(
        "pyrapide.constraints."
    ):
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


def _end_quietly(coro: Any) -> bool:
    """End ``coro``, a handler's coroutine that awaited again each time it was closed,
    if it can be; True when it ended. An exception it does not take for the end of the
    run, raised at its await, ends one that catches GeneratorExit alone, and Python then
    has nothing to close (running its code again, outside any run) as it collects it.
    One that awaits again still (it catches everything) is left as it is."""
    try:
        coro.throw(_LeftUnfinished())
    except BaseException as error:  # ended, as asked, or by an error of its own
        if not contained(error):
            raise  # the user's Ctrl-C
        return True
    return False


class Scheduler:
    """Dispatches, the coroutine driver and the limits of one System."""

    def __init__(
        self,
        computation: Computation,
        *,
        router: Router,
        handlers: HandlerTable,
        queues: DispatchQueues,
        clock: RunClock,
        reporter: Reporter,
        constraints: ConstraintMonitor | None = None,
        max_events: int | None,
        max_connect_depth: int,
        handler_timeout: float | None = None,
    ) -> None:
        self.computation = computation
        self.poset = computation.poset
        self.router = router
        self.handlers = handlers
        self.queues = queues
        self.clock = clock
        self.reporter = reporter
        self.constraints = constraints
        self.max_events = max_events
        self.max_connect_depth = max_connect_depth
        self.handler_timeout = handler_timeout
        # Live: the kinds somebody subscribed to. Asked on every step whether it holds a
        # kind, it is first asked whether it holds any (most runs have no subscriber).
        self._wanted = reporter.wanted
        # Any: the clock's float handed on as it is (compiled, a float would be copied).
        self._timestamp: Callable[[], Any] = clock.timestamp
        self._route_cache = router.route_cache
        self._log, self._log_shift = router.delivered, router.log_shift
        self._lanes = queues.lanes
        self._dispatches_made = 0  # the id of the last (dispatch ids count from 1)
        self._ready: deque[Task] = deque()
        self._sleepers: list[tuple[float, int, Task]] = []
        self._sleep_order = itertools.count()
        self._foreign_waits = 0
        self._wakeup: asyncio.Future[None] | None = None
        self._live: dict[Task, None] = {}
        self._suspended: list[Task] = []  # stopped at an emit by max_events
        # Idle pumps, each ready for a task's coroutine: one in ``_pump_idle`` (the usual
        # case, a task ending before the next starts), the others in ``_pumps``. A list
        # alone would go from one item to none and back on every delivery, and CPython
        # frees and allocates its storage each time.
        self._pump_idle: Pump | None = None
        self._pumps: list[Pump] = []
        # Components bound to ``@module(serial=True)`` -> deliveries in progress.
        self.serial_load: dict[str, int] = {}
        # Invariant: ``current`` is the task inside ``send`` (None between steps);
        # ``advances`` counts the times a task was entered, so that a watchdog
        # reading both can tell one long stretch from many short ones.
        self.current: Task | None = None
        self.advances = 0
        self.overran = 0  # the ``advances`` a watchdog found over handler_timeout
        self.halted: str | None = None
        self.pause_requested = False
        """Set by ``System.pause()``: :meth:`run_steps` stops after the step in progress."""
        self.stepped = 0
        """The steps :meth:`run_steps` has taken, over all its calls."""
        self.call_until = 0
        """While :meth:`run_steps` takes a burst: the ``stepped`` count up to which an
        emit may call its connect deliveries itself (0 between bursts)."""
        self.closing = False
        """True while :meth:`close_tasks` ends the tasks in flight, and after."""
        self.thread: int | None = None
        """The thread the system runs in (its event loop's), known once it starts: its
        state is not shared with others, so an emit from another thread is refused."""
        self.recorded_count = 0
        self.errors: list[HandlerError] = router.errors
        self.violations: list[ConstraintViolation] = []
        self.limits: list[LimitReached] = []
        """Every bound that cut work short, in order, whether or not anybody subscribed."""

    # ----------------------------------------------------------------- time
    @property
    def now(self) -> float:
        """The clock's time (logical, or seconds since start in real time)."""
        return self.clock.now()

    # ----------------------------------------------------------- recording
    def record(
        self,
        name: str,
        payload: dict[str, Any],
        source: str,
        extra_causes: Iterable[Event],
        task: Task | None,
        routes: tuple[Route, ...] | None = None,
    ) -> Event:
        """Record an event emitted by ``task`` (None: injected) and route it (along
        ``routes``, those of its name and source, if the caller kept them)."""
        first_at = -1  # where causes[0] is in the poset, if known (see Dispatch.at)
        if task is None:
            causes: list[Event] = []
        else:
            causes = list(task.chain)
            if not task.chained and task.dispatch is not None:
                first_at = task.dispatch.at  # its run's first emit: the delivered event
            lane = task.lane
            if lane is not None and not task.chained:  # a pipe run's first emit
                # By identity: a poset holds one Event object per id (and ``in`` would
                # call Event.__eq__ for each cause that is not the same object).
                for tip in (*lane.tips, *lane.carried) if lane.carried else lane.tips:
                    for cause in causes:
                        if cause is tip:
                            break
                    else:
                        causes.append(tip)
        if extra_causes:
            for cause in extra_causes:
                if cause not in causes:
                    causes.append(cause)
        if task is None:  # injected: the name, payload and source come from outside
            event = self.computation.new_event(
                name, payload, source=source, caused_by=causes, timestamp=self._timestamp()
            )
        else:  # emitted: the module's context checked them
            event = self.computation.new_emitted(
                name, payload, source, causes, self._timestamp(), first_at
            )
            task.chain = (event,)  # the task's next emit follows this one
            task.chained = True
            if task.lane is not None:  # a pipe's answer: its next delivery follows it
                self.poset._keep_line()
        self.recorded(event, causes, task, routes)
        return event

    def recorded(
        self,
        event: Event,
        causes: Sequence[Event],
        task: Task | None,
        routes: tuple[Route, ...] | None = None,
    ) -> None:
        """Report, route (along ``routes``, if given) and check a just-recorded event."""
        if self._wanted and _EVENT_RECORDED in self._wanted:
            reporter = self.reporter
            reporter.publish(
                EventRecorded(seq=reporter.next_seq(), event=event, causes=tuple(causes))
            )
        self._route(event, task, routes)
        if task is None and self._wakeup is not None:
            # Recorded from outside the handlers (an injection, an emit from a task of
            # the user's) while the run loop waits on real-time work: what it queued
            # may run now, without waiting for that work.
            self.interrupt_wait()
        constraints = self.constraints
        if constraints is not None:
            self.report_violations(constraints.observe(event, self.computation))
            if constraints.raised:
                self.report_constraint_guard_errors(event, constraints.take_raised())
        self.recorded_count += 1
        if not self.recorded_count % _TEND_EVERY:
            tend_collector()
        if self.max_events is not None and self.recorded_count >= self.max_events:
            count = self.recorded_count
            self.halt("max_events", f"stopped after {counted(count, 'event')} (max_events)")

    def report_constraint_guard_errors(self, event: Event, raised: list[GuardRaised]) -> None:
        """Keep and report the errors of constraints' guards met checking ``event``."""
        reporter = self.reporter
        for found in raised:
            error = found.error
            # From the guard down: the matcher's frame that called it is left out.
            tb = error.__traceback__
            text = "".join(
                traceback.format_exception(type(error), error, tb.tb_next if tb else None)
            )
            note = ConstraintGuardError(
                seq=reporter.next_seq(),
                component="",
                event=event,
                dispatch=None,
                error=error,
                traceback=text,
                constraint=found.constraint_name,
                match=found.match,
            )
            reporter.publish(note)
            keep_error(self.errors, note)

    def report_constraint_check_errors(self, raised: list[CheckRaised]) -> None:
        """Keep and report the errors of the checks of constraints written by hand that
        the monitor's ``finish`` met."""
        reporter = self.reporter
        for found in raised:
            error = found.error
            note = ConstraintCheckError(
                seq=reporter.next_seq(),
                component="",
                event=None,
                dispatch=None,
                error=error,
                traceback=_from_users_code(error),
                constraint=found.constraint_name,
            )
            reporter.publish(note)
            keep_error(self.errors, note)

    def report_violations(self, violations: list[ConstraintViolation]) -> None:
        """Keep and report constraint violations."""
        for violation in violations:
            self.violations.append(violation)
            if ConstraintViolated in self._wanted:
                reporter = self.reporter
                reporter.publish(ConstraintViolated(seq=reporter.next_seq(), violation=violation))

    def over_event_limit(self) -> bool:
        """True once the run may record no more events."""
        return self.max_events is not None and self.recorded_count >= self.max_events

    def lift_halt(self) -> None:
        """Let a halted run go on if its bound no longer holds (max_events was
        raised, or a new run has no timeout): suspended emitters resume."""
        if self.halted is None or (self.halted == "max_events" and self.over_event_limit()):
            return
        self.halted = None
        for task in self._suspended:
            task.waiting = _READY
        self._ready.extend(self._suspended)
        self._suspended.clear()

    def report_limit(self, limit: str, message: str) -> None:
        """Report that the bound ``limit`` cut work short (without halting the run)."""
        reporter = self.reporter
        note = LimitReached(seq=reporter.next_seq(), limit=limit, message=message)
        self.limits.append(note)
        reporter.publish(note)

    def halt(self, limit: str, message: str) -> None:
        """Stop scheduling (a bound was hit) and report why, once."""
        if self.halted is None:
            self.halted = limit
            self.report_limit(limit, message)

    # -------------------------------------------------------------- routing
    def _route(
        self, event: Event, emitter: Task | None, routes: tuple[Route, ...] | None
    ) -> None:
        router = self.router
        connects: list[Dispatch] | None = None
        # Every event is routed as it is recorded: the count so far is its position.
        position = self.recorded_count
        if routes is None:
            routes = self._route_cache.get((event.name, event.source))
            if routes is None:
                routes = router.routes_for(event)
        for route in routes:
            test = route.one_event
            if test is not None:  # the usual route: one event, at most one match
                if route.certain:  # routes are offered only what they may match
                    match = PatternMatch((event,))
                else:
                    found = test(event)
                    if found is None:
                        continue
                    match = found
                dispatch = self._queue(route, match, emitter, position)
                if dispatch is not None and route.calls:
                    if connects is None:
                        connects = [dispatch]
                    else:
                        connects.append(dispatch)
                continue
            matches: Iterable[PatternMatch]
            if route.guards:
                matches = router.feed(route, event, self.poset)
            else:
                matches = route.matcher.feed(event, self.poset)
            for match in matches:
                dispatch = self._queue(route, match, emitter, position)
                if dispatch is not None and route.calls:
                    if connects is None:
                        connects = []
                    connects.append(dispatch)
        if connects is not None:
            self.queues.push_connects(connects, emitter, self.advances)

    def _queue(
        self, route: Route, match: PatternMatch, emitter: Task | None, position: int
    ) -> Dispatch | None:
        if route.calls:
            depth = emitter.depth + 1 if emitter is not None else 1
            if depth > self.max_connect_depth:
                self._refuse(route, match, depth)
                return None
            self._dispatches_made += 1
            dispatch = Dispatch(
                self._dispatches_made,
                route.kind,
                match,
                route.target_name,
                route.connection,
                depth,
                emitter,
            )
            if emitter is not None:
                emitter.outstanding += 1
        else:
            self._dispatches_made += 1
            dispatch = Dispatch(
                self._dispatches_made, route.kind, match, route.target_name, route.connection
            )
            # The event routed is the one recorded last (runs later do not look it up).
            dispatch.at = self.poset._newest
            self.queues.add(dispatch, route.lane)
        # The delivery log (see Router.delivered): dispatch n is entry n - 1.
        _log_append(self._log, position << self._log_shift | route.index)
        if route.enters is not None:
            dispatch.inner = self._enter(route.enters, match.events[-1], dispatch, position)
        if self._wanted and _DISPATCH_QUEUED in self._wanted:
            reporter = self.reporter
            reporter.publish(DispatchQueued(seq=reporter.next_seq(), dispatch=dispatch))
        return dispatch

    def _refuse(self, route: Route, match: PatternMatch, depth: int) -> None:
        """Report a connect delivery not made: it would nest deeper than the bound."""
        last = match.events[-1]
        self.router.refused.append((route.index, last))
        self.report_limit(
            "connect_depth",
            f"connect delivery of {last.id} ({last.name}) to "
            f"{route.target_name} not made: {depth} nested connect deliveries "
            f"exceed max_connect_depth={self.max_connect_depth} (a synchronous cycle?)",
        )

    def _enter(self, scope: str, event: Event, outer: Dispatch, position: int) -> list[Dispatch]:
        """The deliveries inside the nested architecture at ``scope`` that ``event``
        makes as ``outer`` delivers it there. They are made now, since routing is
        decided as events are recorded (so the delivery log stays in event order),
        and queued when ``outer`` runs (see :meth:`_deliver_inside`)."""
        router = self.router
        inner: list[Dispatch] = []
        for route in router.entry_routes(scope, event):
            for match in router.feed(route, event, self.poset):
                if route.calls:
                    depth = outer.depth + 1
                    if depth > self.max_connect_depth:
                        self._refuse(route, match, depth)
                        continue
                else:
                    depth = 0
                self._dispatches_made += 1
                dispatch = Dispatch(
                    self._dispatches_made,
                    route.kind,
                    match,
                    route.target_name,
                    route.connection,
                    depth,
                )
                _log_append(self._log, position << self._log_shift | route.index)
                if route.enters is not None:
                    dispatch.inner = self._enter(route.enters, event, dispatch, position)
                inner.append(dispatch)
        return inner

    # ------------------------------------------------------------ state
    def has_work(self) -> bool:
        """True unless the system is quiescent: something queued or in flight."""
        return bool(self.queues or self._live or self._suspended)

    @property
    def in_flight_count(self) -> int:
        """How many tasks started and have not finished."""
        return len(self._live)

    def in_flight(self) -> list[InFlight]:
        """Every task that started and has not finished, in the order they started."""
        waits = self._waits()
        return [self._describe(task, waits) for task in self._live]

    def wakeups(self) -> list[InFlight]:
        """The sleepers, by the time they wake at (then the order they fell asleep)."""
        return [self._describe(task, {}) for _, _, task in sorted(self._sleepers)]

    def _waits(self) -> dict[Task, list[Dispatch]]:
        """Task -> the deliveries it waits on (queued, or in flight): its connect
        deliveries, or those inside the nested architecture it delivered to. Looks
        through the queue only until it has found them all (each such task counts
        them), from the top of the connect stack, where a waiter's calls are."""
        waiting = {
            task: task.outstanding
            for task in self._live
            if task.waiting is _CONNECTS or task.waiting is _INSIDE
        }
        waits: dict[Task, list[Dispatch]] = {}
        left = sum(waiting.values())
        if not left:
            return waits
        queues = self.queues
        candidates: Iterable[Dispatch] = itertools.chain(
            (task.dispatch for task in self._live if task.dispatch is not None),
            reversed(queues.connects),
            *(lane.queue for lane in queues.lanes.values()),
            queues.agents,
        )
        for dispatch in candidates:
            waiter = dispatch.waiter
            if waiter is not None and waiter in waiting:
                waits.setdefault(waiter, []).append(dispatch)
                left -= 1
                if not left:
                    break
        return waits

    def _describe(self, task: Task, waits: dict[Task, list[Dispatch]] | None = None) -> InFlight:
        if waits is None:
            waits = self._waits()
        waiting = task.waiting
        return InFlight(
            dispatch=task.dispatch,
            component=task.component,
            hook=task.hook,
            reason=waiting,
            # A sleeper, or one its wake-up readied: the time it woke at.
            until=task.wake_at if waiting is _SLEEPING or waiting is _READY else None,
            waits_on=tuple(sorted(waits.get(task, ()), key=lambda d: d.id))
            if waiting is _CONNECTS or waiting is _INSIDE
            else (),
        )

    def describe(self, task: Task) -> InFlight:
        """How ``task`` stands now, as ``in_flight()`` reports it."""
        return self._describe(task)

    def woken(self) -> list[Task]:
        """The tasks woken and waiting to be resumed, in the order a plain step takes them."""
        return list(self._ready)

    def sleeping(self) -> list[Task]:
        """The sleepers, by the time they wake at (then the order they fell asleep): the
        first is the one a plain step wakes when nothing else can run."""
        return [task for _, _, task in sorted(self._sleepers)]

    def task_of(self, dispatch_id: int) -> Task | None:
        """The task in flight serving dispatch ``dispatch_id``, if there is one."""
        for task in self._live:
            if task.dispatch is not None and task.dispatch.id == dispatch_id:
                return task
        return None

    # ------------------------------------------------------------- stepping
    def step(
        self, kind: ConnectionKind | None = None, dispatch: Dispatch | None = None
    ) -> Dispatch | Task | None:
        """Run one unit of work; return the Dispatch started, the Task resumed, or
        None when nothing could run now."""
        if dispatch is None:
            if kind is None:
                dispatch = self.queues.take()
            else:
                dispatch = self.queues.select(kind)
                if dispatch is not None:
                    self.queues.remove(dispatch)
        else:
            self.queues.remove(dispatch)
        if dispatch is not None:
            self.run_dispatch(dispatch)
            return dispatch
        if kind is not None:
            return None
        return self.resume_next()

    def run_steps(self, budget: int) -> int:
        """Take plain steps, as a run loop does, until ``budget`` were taken, one finds
        nothing to run, ``pause_requested`` is set or a bound halts the run; return how
        many were taken. The pause and the bounds are checked between any two steps, so
        a run loop taking its steps in these bursts stops where it would one at a time."""
        start = self.stepped
        end = start + budget
        # The step in progress is counted as it ends: the steps its emits call (see
        # call_connects) leave room for it in the budget.
        self.call_until = end - 1
        try:
            while self.stepped < end:
                # A plain step (step(), inlined): the next dispatch, else a task to resume.
                dispatch = self.queues.take()
                if dispatch is not None:
                    self.run_dispatch(dispatch)
                elif self.resume_next() is None:
                    break
                self.stepped += 1  # counted as it ends: a Ctrl-C within a burst loses none
                if self.pause_requested or self.halted is not None:
                    break
        finally:
            self.call_until = 0
        return self.stepped - start

    def call_connects(self, task: Task) -> None:
        """Run the connect deliveries of the event ``task``, running, has just emitted
        and waits on, from within its ``emit``: each the step a run loop would take
        next (the top of the connect stack), counted as one, until they are all
        finished or one of them waits (then ``task`` waits for it, as it would have),
        or the burst of :meth:`run_steps`, a pause or a bound ends the steps. The run
        is the same, step for step and notification for notification, as when the run
        loop takes each; the emitter's trip back to the loop and out again is saved.

        ``task`` stays in flight waiting on its connects meanwhile, as it would be.
        Called only within a burst of :meth:`run_steps` (``call_until``), and not
        deeper than ``CALL_DEPTH`` nested connect deliveries."""
        if task.depth >= CALL_DEPTH:
            return
        connects = self.queues.connects
        base = len(connects) - task.outstanding  # what was pushed before its emit
        task.waiting = _CONNECTS
        task.deferred = _CALLING
        try:
            while (
                len(connects) > base
                and self.stepped < self.call_until
                and not self.pause_requested
                and self.halted is None
            ):
                self.stepped += 1
                self.run_dispatch(connects.pop())  # Scheduler.step, as queues.take() picks
                if not task.outstanding:
                    break
        finally:
            self.current = task
            task.waiting = _RUNNING
            task.deferred = None
        if not task.outstanding:
            self.advances += 1  # it goes on: a turn of its own, as when resumed by the last

    def resume_next(self) -> Task | None:
        """Resume the next task woken by a wake-up (moving the clock to the earliest
        wake-up if only sleepers remain and it is due); return it, or None."""
        if not self._ready and self._sleepers:
            wake_at = self._sleepers[0][0]
            if self.clock.seconds_until(wake_at) > 0:
                return None  # real time: not yet
            # Nothing else can run at this instant: time moves to the next wake-up.
            self.clock.advance_to(wake_at)
            while self._sleepers and self._sleepers[0][0] <= wake_at:
                task = heapq.heappop(self._sleepers)[2]
                task.waiting = _READY
                self._ready.append(task)
        if not self._ready:
            return None
        return self._resume(self._ready.popleft())

    def wake_next(self) -> Task | None:
        """Resume the next woken task, else the earliest sleeper (its wake-up chosen:
        the clock moves to it, even with dispatches queued); None when no task is
        asleep or woken. ValueError for a real-time sleeper whose time has not come."""
        task = self.resume_next()
        if task is None and self._sleepers:
            task = self.resume(self._sleepers[0][2])
        return task

    def resume(self, task: Task) -> Task:
        """Resume ``task``, a sleeper (its wake-up chosen: the clock moves to it) or a
        woken task. Raises ValueError for a task that is neither, or a real-time
        sleeper whose time has not come."""
        if task.waiting is _SLEEPING:
            wake_at = task.wake_at if task.wake_at is not None else self.clock.now()
            wait = self.clock.seconds_until(wake_at)
            if wait > 0:
                raise ValueError(f"{task.label} wakes in {wait:.2f} s of real time, not before")
            self._sleepers = [entry for entry in self._sleepers if entry[2] is not task]
            heapq.heapify(self._sleepers)
            self.clock.advance_to(wake_at)
        elif task.waiting is _READY:
            self._ready.remove(task)
        else:
            waits = self._describe(task).describe()
            raise ValueError(f"{task.label} cannot be resumed now: it {waits}")
        return self._resume(task)

    def _resume(self, task: Task) -> Task:
        if TaskResumed in self._wanted:
            reporter = self.reporter
            reporter.publish(TaskResumed(seq=reporter.next_seq(), task=self._describe(task)))
        task.wake_at = None
        self.drive(task)
        return task

    def run_dispatch(self, dispatch: Dispatch) -> None:
        """Start ``dispatch``'s handlers and drive them until they finish or wait."""
        dispatch.state = _STARTED
        if self._wanted and _DISPATCH_STARTED in self._wanted:
            reporter = self.reporter
            reporter.publish(DispatchStarted(seq=reporter.next_seq(), dispatch=dispatch))
        causes = dispatch.causes  # a tuple
        task = Task(dispatch.target, dispatch, dispatch.depth)
        lane = self._lanes.get(dispatch.connection.index) if self._lanes else None  # type: ignore[arg-type]
        if lane is not None:
            lane.in_flight = dispatch
            task.lane = lane  # what it carries joins the causes of each run's first emit
        if dispatch.inner is not None:
            self._deliver_inside(task, dispatch)
            return
        if dispatch.target in self.serial_load:
            self.serial_load[dispatch.target] += 1
            self.queues.busy_serial.add(dispatch.target)
        connection = dispatch.connection
        target = connection.target
        calls: list[HandlerCall]
        if isinstance(target, str):
            sole = self.handlers.sole_handler(dispatch.match, connection)
            if sole is not None:  # the usual case: one ``async def``, the match as is
                self._call(task, sole, dispatch.match, causes)
                return
            calls = self.handlers.calls_for(target, dispatch.match, connection)
            if not calls:
                self._unhandled(dispatch)
        else:
            calls = [(target, dispatch.match)]
        if len(calls) == 1:
            handler, match = calls[0]
            if is_async_function(handler):
                self._call(task, handler, match, causes)
                return
        task.coro = self._deliver(task, calls, causes)
        self.drive(task)

    @property
    def unhandled(self) -> set[int]:
        """The ids of the deliveries none of whose target's ``@when`` handlers took them,
        read from the router's delivery log, where each is marked (nothing is kept per
        delivery beyond the log's entry; ``router.was_unhandled(id)`` asks of one)."""
        return self.router.unhandled_ids()

    def _unhandled(self, dispatch: Dispatch) -> None:
        """Mark and report that none of the target's handlers took ``dispatch``."""
        self.router.mark_unhandled(dispatch.id)
        if DeliveryUnhandled in self._wanted:
            reporter = self.reporter
            reporter.publish(
                DeliveryUnhandled(
                    seq=reporter.next_seq(),
                    dispatch=dispatch,
                    handlers=self.handlers.described(
                        dispatch.target, len(dispatch.match.events)
                    ),
                )
            )

    def _call(
        self,
        task: Task,
        handler: Callable[..., Any],
        match: PatternMatch,
        causes: tuple[Event, ...],
    ) -> None:
        """Run one ``async def`` handler as ``task``: its coroutine is the task's, with no
        wrapper between (what it raises is caught in :meth:`_advance`)."""
        self._live[task] = None
        task.chain = causes  # start_run, on a task that has not run
        task.handler = handler
        task.match = match
        if self._wanted and _HANDLER_STARTED in self._wanted:
            self.current = task  # as if published from inside the task, as _deliver does
            try:
                self._handler_started(task, handler)
            finally:
                self.current = None
        task.coro = handler(match)
        runnable = [task]  # drive(), the task already in flight
        while runnable:
            self._advance(runnable.pop(), runnable)

    def _handler_started(self, task: Task, handler: Callable[..., Any]) -> None:
        reporter = self.reporter
        reporter.publish(
            HandlerStarted(
                seq=reporter.next_seq(),
                component=task.component,
                handler=getattr(handler, "__name__", None) or callable_name(handler),
                dispatch=task.dispatch,
            )
        )

    def _deliver_inside(self, task: Task, dispatch: Dispatch) -> None:
        """Run ``dispatch``, a delivery to a nested architecture: queue the deliveries
        inside it that its event made, each waited on by ``task``, which stays in
        flight until the last finishes (at once when there is none). What the
        deliveries inside produce follows what ``dispatch`` itself follows: for a
        pipe, what its earlier deliveries produced (its lane's frontier)."""
        self._live[task] = None
        task.chain = dispatch.causes
        task.returned = True
        lane = task.lane
        follows = dispatch.causes[len(dispatch.match.events) :]
        if lane is not None:
            follows = tuple(dict.fromkeys((*follows, *lane.frontier())))
        connects: list[Dispatch] = []
        reporter = self.reporter if _DISPATCH_QUEUED in self._wanted else None
        for inner in dispatch.inner or ():
            inner.waiter = task
            task.outstanding += 1
            if follows:
                inner.causes += tuple(e for e in follows if e not in inner.causes)
            if inner.kind.delivery is Delivery.CALL:
                connects.append(inner)
            else:
                self.queues.add(inner, self._lanes.get(inner.connection.index))  # type: ignore[arg-type]
            if reporter is not None:
                reporter.publish(DispatchQueued(seq=reporter.next_seq(), dispatch=inner))
        if connects:
            self.queues.push_connects(connects, task, self.advances)
        if task.outstanding:
            task.waiting = _INSIDE
            return
        runnable: list[Task] = []
        self._finish(task, runnable)
        while runnable:
            self._advance(runnable.pop(), runnable)

    def start_hook(self, component: str, hook: Callable[[], Any], name: str) -> Task:
        """Run a start/finish hook (``name``) as a task, until it finishes or waits."""
        task = Task(component, None, 0, name)
        task.coro = self._deliver(task, [(hook, None)], ())
        self.drive(task)
        return task

    async def _deliver(
        self, task: Task, calls: list[HandlerCall], causes: tuple[Event, ...]
    ) -> None:
        for handler, match in calls:
            task.start_run(causes)
            if self._wanted and _HANDLER_STARTED in self._wanted:
                self._handler_started(task, handler)
            try:
                result = handler() if match is None else handler(match)
                if hasattr(result, "__await__"):
                    await result
            except BaseException as exc:
                if not self._contain(task, exc, handler, match):
                    raise
            if self.closing:
                return  # the run is over: what the task was to call next is not called

    def _contain(
        self, task: Task, exc: BaseException, handler: Callable[..., Any], match: Any
    ) -> bool:
        """Report ``exc``, raised by ``handler``, as its error, and return True; or
        return False for what must pass through: the user's Ctrl-C, and the
        GeneratorExit of :meth:`close_tasks` ending the task. (SystemExit,
        KeyboardInterrupt, CancelledError... raised by the handler itself are its
        errors like any other.)"""
        if not isinstance(exc, Exception):
            if (self.closing and isinstance(exc, GeneratorExit)) or not contained(exc):
                return False
            if isinstance(exc, HandlerTimeout):
                exc.name_handler(callable_name(handler), self.handler_timeout)
        self.handler_error(task, exc, match)
        return True

    def handler_error(self, task: Task, exc: BaseException, match: PatternMatch | None) -> None:
        """Report an exception raised by a handler; the run goes on."""
        # Drop the scheduler's own frames and the pump's: the user's code starts below.
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename in _OWN_FILES:
            tb = tb.tb_next
        text = "".join(traceback.format_exception(type(exc), exc, tb))
        event = match.events[-1] if match is not None else None
        note = HandlerError(
            seq=self.reporter.next_seq(),
            component=task.component,
            event=event,
            dispatch=task.dispatch,
            error=exc,
            traceback=text,
            hook=task.hook,
        )
        self.reporter.publish(note)
        keep_error(self.errors, note)

    # -------------------------------------------------------------- driving
    def drive(self, task: Task) -> None:
        """Run ``task`` and every task its completion resumes, until all wait or end."""
        self._live[task] = None
        runnable = [task]
        while runnable:
            self._advance(runnable.pop(), runnable)

    def _advance(self, task: Task, runnable: list[Task]) -> None:
        pump = task.pump
        sent: Any = None
        if pump is None:  # its first step: a pump is sent its coroutine (see traps.pump)
            pump = self._pump_idle
            if pump is not None:
                self._pump_idle = None
            else:
                pumps = self._pumps
                pump = pumps.pop() if pumps else _pump()
            task.pump = pump
            sent = task.coro
        task.waiting = _RUNNING
        self.advances += 1
        self.current = task
        try:
            while True:
                try:
                    if task.throw is not None:
                        exc, task.throw = task.throw, None
                        yielded = pump.throw(exc)
                    else:
                        yielded = pump.send(sent)
                        sent = None
                except BaseException as exc:
                    task.pump = None  # it ended with the coroutine
                    # A handler driven as the task (see _call) raised; what the
                    # scheduler's own wrapper lets through is not a handler's error.
                    handler = task.handler
                    if handler is None or not self._contain(task, exc, handler, task.match):
                        raise
                    break
                if yielded is _FINISHED:
                    task.pump = None
                    if self._pump_idle is None:  # for the next task
                        self._pump_idle = pump
                    else:
                        self._pumps.append(pump)
                    break
                if task.outstanding:
                    # Its connect deliveries are not all finished: the last one resumes it.
                    task.deferred = yielded
                    task.waiting = _CONNECTS
                    return
                if yielded is _WAIT or not self._park(task, yielded):
                    continue
                return
        finally:
            self.current = None
            if self.queues.burst:
                # Its turn ended: the calls of what it emitted are in the order emitted.
                self.queues.settle_burst()
        task.returned = True
        if task.outstanding == 0:
            self._finish(task, runnable)
        else:
            task.waiting = _CONNECTS

    def _park(self, task: Task, yielded: Any) -> bool:
        """Make ``task`` wait on what it yielded; False if it may go on at once."""
        if isinstance(yielded, Sleep):
            wake_at = self.clock.now() + yielded.delay
            task.waiting = _SLEEPING
            task.wake_at = wake_at
            heapq.heappush(self._sleepers, (wake_at, next(self._sleep_order), task))
            return True
        if yielded is _WAIT:
            return False
        if yielded is _SUSPEND:
            task.waiting = _HELD
            self._suspended.append(task)
            return True
        if yielded is None:  # a bare yield, as in asyncio.sleep(0): let others go first
            task.waiting = _READY
            task.wake_at = None
            self._ready.append(task)
            return True
        if getattr(yielded, "_asyncio_future_blocking", None) is not None:
            # An asyncio future: the task waits for it in real time.
            yielded._asyncio_future_blocking = False
            task.waiting = _OUTSIDE
            self._foreign_waits += 1
            yielded.add_done_callback(functools.partial(self._foreign_done, task))
            return True
        task.throw = RuntimeError(
            f"a handler of {task.component} awaited {yielded!r}, which the PyRapide scheduler "
            "cannot wait for (await ctx.emit, ctx.sleep or asyncio awaitables)"
        )
        return False

    def _foreign_done(self, task: Task, _future: Any) -> None:
        self._foreign_waits -= 1
        if task not in self._live:
            return  # the run was closed meanwhile
        task.waiting = _READY
        task.wake_at = None
        self._ready.append(task)
        self.interrupt_wait()

    def _finish(self, task: Task, runnable: list[Task]) -> None:
        # Iterative: finishing a connect delivery may finish its emitter, and so on up.
        live = self._live
        while True:
            if task in live:  # a dict's pop is a method call, compiled; these are not
                del live[task]
            tips: Sequence[Event] | None = task.tips
            if task.chained:  # its last run emitted: that run's chain is a tip too
                if tips:
                    task.end_run()
                else:  # the usual case of end_run: its one run's chain (it is done)
                    tips = task.chain
                    task.chained = False
            dispatch = task.dispatch
            if dispatch is None:
                return
            dispatch.state = _DONE
            if self.serial_load:  # only a system with serial modules keeps loads
                load = self.serial_load.get(dispatch.target)
                if load is not None:
                    self.serial_load[dispatch.target] = load - 1
                    if load == 1:
                        self.queues.busy_serial.discard(dispatch.target)
            lane = task.lane
            if lane is not None:
                lane.in_flight = None
                if tips:
                    lane.tips, lane.carried = tuple(tips), None  # the same tuple if one
                else:
                    self._carry(lane, dispatch)
                self.queues.lane_done(lane)
            if self._wanted and _DISPATCH_FINISHED in self._wanted:
                reporter = self.reporter
                reporter.publish(DispatchFinished(seq=reporter.next_seq(), dispatch=dispatch))
            waiter = dispatch.waiter
            if waiter is None:
                return
            if tips:
                chain = waiter.chain
                if chain[0] is dispatch.event and len(chain) == 1:
                    waiter.chain = tuple(tips)  # the usual case of _return_edges, inlined
                else:
                    self._return_edges(waiter, dispatch, tips)
            waiter.outstanding -= 1
            if waiter.outstanding:
                return
            if not waiter.returned:
                if waiter.deferred is _CALLING:
                    return  # it goes on in the emit that called its deliveries
                yielded, waiter.deferred = waiter.deferred, None
                if yielded is _WAIT or not self._park(waiter, yielded):
                    runnable.append(waiter)
                return
            if waiter.coro is None:
                # A delivery into a nested architecture: it emitted nothing itself, and
                # what the deliveries inside returned (its chain, if they changed it)
                # is what it leaves, as a handler run's last events are.
                waiter.chained = waiter.chain is not waiter.dispatch.causes  # type: ignore[union-attr]
            task = waiter

    def _return_edges(self, waiter: Task, dispatch: Dispatch, tips: Sequence[Event]) -> None:
        """``dispatch``, a connect delivery ``waiter`` waited on, finished, its handler
        runs ending at ``tips``: the waiter's next event follows them. What they
        already follow is dropped from its chain, so that its causes stay a frontier,
        not a growing list: the events ``dispatch`` delivered (every tip descends
        from them, since a run's first emit is caused by what it was delivered), and
        any other that is an ancestor of a tip."""
        chain = waiter.chain
        delivered = dispatch.match.events
        is_ancestor = self.poset.is_ancestor
        kept = tuple(
            event
            for event in chain
            if event not in delivered
            and not any(event is tip or is_ancestor(event, tip) for tip in tips)
        )
        waiter.chain = kept + tuple(tip for tip in tips if tip not in kept)

    def _carry(self, lane: PipeLane, dispatch: Dispatch) -> None:
        """``dispatch`` emitted nothing: the lane's next delivery follows what it was
        delivered too. What a delivered event directly follows is dropped from what
        the lane carries, and so is any of the last few carried events it follows at
        all, so that a pipe fed by one chained source carries one event, not all."""
        poset = self.poset
        carried = lane.carried if lane.carried is not None else {}
        for event in dispatch.match.events:
            followed = poset.direct_causes(event)
            if lane.tips:
                lane.tips = tuple(tip for tip in lane.tips if tip not in followed)
            for cause in followed:
                carried.pop(cause, None)
            for recent in list(itertools.islice(reversed(carried), 4)):
                if poset.is_ancestor(recent, event):
                    del carried[recent]
            carried[event] = None
        lane.carried = carried

    # ------------------------------------------------------------- waiting
    def has_ready(self) -> bool:
        """True when a step would run something now (a queued dispatch, a woken
        task, or a sleeper whose time has come)."""
        if self._ready or self.queues.has_runnable():
            return True
        return bool(self._sleepers) and self.clock.seconds_until(self._sleepers[0][0]) <= 0

    def waits_in_real_time(self) -> bool:
        """True when some task waits on asyncio or on the wall clock."""
        if self._foreign_waits > 0:
            return True
        return bool(self._sleepers) and self.clock.seconds_until(self._sleepers[0][0]) > 0

    async def wait_foreign(self, timeout: float | None) -> bool:
        """Wait until a task waiting in real time can go on (an outside future is
        done, or a real-time sleeper is due); False on timeout or interruption."""
        if self._sleepers:
            due_in = self.clock.seconds_until(self._sleepers[0][0])
            if timeout is None or due_in < timeout:
                timeout = due_in
                if due_in <= 0:
                    return True
        import asyncio  # a System is built without it; waiting in real time runs on it

        self._wakeup = asyncio.get_running_loop().create_future()
        try:
            if timeout is None:
                await self._wakeup
            else:
                await asyncio.wait_for(asyncio.shield(self._wakeup), timeout)
        except TimeoutError:
            return self.has_ready()
        finally:
            self._wakeup = None
        return self.has_ready()

    def _close(self, task: Task) -> None:
        """Close ``task``'s coroutine (see :meth:`close_tasks`)."""
        # Through its pump while it has one: the pump closes the coroutine it drives,
        # ends with it (no pump is left to close it again when collected), and its
        # frame is where the watchdog looks for the handler's.
        if task is self.current:
            # The handler running now (it reset its system): it cannot be closed, and
            # the call it made fails with Python's ValueError, raised to it.
            task.coro.close()  # type: ignore[union-attr]
        closing: Any = task.pump if task.pump is not None else task.coro
        task.pump = None
        self.current = task
        try:
            for _ in range(_CLOSE_TRIES):
                self.advances += 1  # a new stretch for the watchdog
                try:
                    traps.close(closing)
                    return
                except BaseException as exc:
                    if not _ignored_exit(exc):
                        handler = task.handler
                        if handler is None or not self._contain(task, exc, handler, task.match):
                            raise
                        return
                closing = task.coro  # the pump ended with the error; the coroutine did not
            how = (
                "an exception raised there instead ended it"
                if _end_quietly(task.coro)
                else "it was left unfinished"
            )
            self.handler_error(
                task,
                RuntimeError(
                    f"{task.component} ({task.label}) went on awaiting after the run ended: "
                    f"GeneratorExit was raised at its await {_CLOSE_TRIES} times and each time "
                    f"it awaited again; {how}"
                ),
                task.match,
            )
        finally:
            self.current = None

    def interrupt_wait(self) -> None:
        """End a :meth:`wait_foreign` in progress (something can run, or a pause)."""
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)

    def close_tasks(self) -> None:
        """Abandon every task that has not finished (the run is over).

        Each is closed: GeneratorExit is raised at its ``await``, so its ``finally``
        and ``except`` blocks run, as the handler's code, watched like any stretch of
        it (the caller arms the watchdog). What they raise is the handler's error,
        reported as any other (an emit there is refused with an EmitError); the run's
        end is not. A handler that awaits again there is closed again at that
        ``await``, up to :data:`_CLOSE_TRIES` times, then reported, and ended by another
        exception raised there if that ends it, else left."""
        self.closing = True
        for task in list(self._live):
            if task.coro is not None:
                self._close(task)
        self._live.clear()
        self._suspended.clear()
        self._ready.clear()
        self._sleepers.clear()

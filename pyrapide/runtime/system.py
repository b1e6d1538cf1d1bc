"""System: an architecture bound to modules, run by a deterministic, pausable scheduler."""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pyrapide.architecture import (
    ArchitectureDescription,
    ConnectionKind,
    Delivery,
    Hierarchy,
    architecture_spec,
    bind_hierarchy,
    declared_by,
)
from pyrapide.architecture.description import describe_hierarchy
from pyrapide.constraints import Constraint, ConstraintMonitor, ConstraintViolation
from pyrapide.constraints.base import constraint_name
from pyrapide.core import Computation, Event
from pyrapide.core.interrupts import USER_INTERRUPTS, contained
from pyrapide.core.poset import cause_refs
from pyrapide.core.printable import described
from pyrapide.runtime.bounds import (
    checked_clock,
    checked_count,
    checked_handler_timeout,
    checked_integer,
    checked_positive,
    checked_seconds,
    checked_seed,
    checked_steps,
    checked_timeout,
)
from pyrapide.runtime.choices import WAKE, Choice, choices_now
from pyrapide.runtime.clock import LogicalClock, RealTimeClock, RunClock
from pyrapide.runtime.collector import full_collections_held
from pyrapide.runtime.context import (
    CONTEXT_ATTR,
    EmitError,
    ModuleContext,
    building,
    foreign_thread,
)
from pyrapide.runtime.dispatch import Dispatch
from pyrapide.runtime.modules import ModuleBuildError, module_spec
from pyrapide.runtime.queues import DispatchQueues, PendingSummary
from pyrapide.runtime.running import (
    STEPS_BETWEEN_YIELDS,
    YIELD_INTERVAL,
    RunOutcome,
    RunState,
    StopReason,
)
from pyrapide.runtime.starts import system_starting
from pyrapide.runtime.tasks import InFlight, Task, WaitReason
from pyrapide.runtime.watchdog import DEFAULT_HANDLER_TIMEOUT, WATCHDOG
from pyrapide.types import action_spec, interface_actions, unmarked_action
from pyrapide.types.payloads import check_payload

if TYPE_CHECKING:
    import asyncio

    from pyrapide.runtime.explain import RouteDecision
    from pyrapide.runtime.handlers import HandlerTable
    from pyrapide.runtime.notifications import HandlerError, LimitReached, Notification
    from pyrapide.runtime.reporting import Reporter
    from pyrapide.runtime.scheduler import Scheduler

DEFAULT_MAX_EVENTS = 1_000_000
DEFAULT_MAX_CONNECT_DEPTH = 100
WAKEUPS_BETWEEN_YIELDS = 1_000
"""A finish hook's logical wake-ups between two turns given to the event loop."""

StepTarget = str | int | ConnectionKind | Dispatch | None


class System:
    """A running instance of an architecture: modules, scheduler and computation.

    Build one with ``MySystem.bind(api=FastAPIModule, ...)`` (or
    ``System(MySystem, {"api": FastAPIModule, ...})``). Modules may be given as
    classes (built with no arguments at ``start``) or as instances. The
    architecture may be an instance too: one made with arguments runs the
    connections and constraints it declares for itself (see
    :func:`~pyrapide.architecture.declaration.declared_by`).

    ``seed`` chooses the order among agent deliveries (and among pipe heads
    when agents are ready too); the same architecture, seed and injections give
    the same computation. ``max_events`` bounds a run (an event storm stops
    there, reported as LimitReached); ``max_connect_depth`` bounds nested
    connect deliveries (a synchronous cycle stops there, reported the same way);
    ``limits`` keeps those reports. ``handler_timeout``
    bounds, in seconds of wall time, how long a handler may run without handing
    control back (None: no bound; see :mod:`pyrapide.runtime.watchdog`). ``clock``
    is the time the system runs in: a :class:`LogicalClock` by default (sleeping
    costs no wall time), or a :class:`RealTimeClock` (``real_time=True`` is the
    same), which makes ``ctx.sleep`` wait in wall time and stamps events with it.
    ``allow_unbound=True`` lets components go without a module (deliveries to
    them run nothing), as PyRapide 0.3.0's Engine allows.

    A component that is an architecture runs inside the same system: one
    scheduler, one computation. Components are named by path (``api``,
    ``payments``, ``payments.ledger``), which is also the source of the events
    each module emits; ``modules`` binds them by path or by nested mappings
    (see :mod:`pyrapide.architecture.binding`), and ``bindings`` holds the
    module of each component by path.

    ``state`` is a RunState: "idle" (not started), "running" (inside its run
    loop), "paused" (not running, work waiting), "quiet" (nothing pending and
    nothing in flight) or "stopped".
    """

    _scheduler: Scheduler | None
    _handler_table: HandlerTable | None

    def __init__(
        self,
        architecture: type | object,
        modules: Mapping[str, Any],
        *,
        seed: int = 0,
        max_events: int | None = DEFAULT_MAX_EVENTS,
        max_connect_depth: int = DEFAULT_MAX_CONNECT_DEPTH,
        handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
        clock: RunClock | None = None,
        real_time: bool = False,
        allow_unbound: bool = False,
    ) -> None:
        if not isinstance(modules, Mapping):
            raise TypeError(
                "System() takes the modules as a mapping from component names to modules "
                f"({{'db': PostgresModule}}), got {described(modules)}"
            )
        arch_cls = declared_by(architecture)
        bound = bind_hierarchy(arch_cls, modules, partial=allow_unbound)
        checked_handler_timeout(handler_timeout)
        self.architecture = arch_cls
        self._spec = architecture_spec(arch_cls)
        self._hierarchy = bound.hierarchy
        self.bindings: dict[str, Any] = bound.modules
        self._max_events = checked_count(max_events, "max_events")
        self.max_connect_depth = checked_positive(max_connect_depth, "max_connect_depth")
        self._handler_timeout = handler_timeout
        self._description: ArchitectureDescription | None = None
        if not isinstance(real_time, bool):
            raise TypeError(f"real_time must be True or False, got {described(real_time)}")
        checked_clock(clock)
        if clock is None:
            clock = RealTimeClock() if real_time else LogicalClock()
        elif real_time and not isinstance(clock, RealTimeClock):
            raise ValueError(
                f"real_time=True asks for the wall clock, but clock= is a "
                f"{type(clock).__name__}: give one of the two"
            )
        self.clock: RunClock = clock
        self._built_reporter: Reporter | None = None
        # Event name -> the interface declaring it, at any level of nesting.
        self._alphabet = self._hierarchy.alphabet
        self._reset(seed)

    @property
    def scheduler(self) -> Scheduler:
        """The scheduler running this system (built on first use)."""
        scheduler = self._scheduler
        return scheduler if scheduler is not None else self._build_scheduler()

    @property
    def _handlers(self) -> HandlerTable:
        if self._handler_table is None:
            self._build_scheduler()
        assert self._handler_table is not None
        return self._handler_table

    @property
    def _reporter(self) -> Reporter:
        reporter = self._built_reporter
        if reporter is None:
            from pyrapide.runtime import machinery

            reporter = self._built_reporter = machinery.Reporter()
        return reporter

    def _build_scheduler(self) -> Scheduler:
        from pyrapide.runtime import machinery

        seed, computation, clock, max_connect_depth = self._built_from
        connections = self._hierarchy.connections
        pipes = (c.index for c in connections if c.kind.delivery is Delivery.FIFO)
        queues = DispatchQueues(seed, pipes)  # type: ignore[arg-type]
        router = machinery.Router(
            connections, self._reporter, errors=[], lanes=queues.lanes, hierarchy=self._hierarchy
        )
        self._handler_table = machinery.HandlerTable(computation, router)
        self._scheduler = machinery.Scheduler(
            computation,
            router=router,
            handlers=self._handler_table,
            queues=queues,
            clock=clock,
            reporter=self._reporter,
            constraints=self._monitor,
            max_events=self._max_events,
            max_connect_depth=max_connect_depth,
            handler_timeout=self._handler_timeout,
        )
        return self._scheduler

    @property
    def real_time(self) -> bool:
        """True when the system runs on the wall clock."""
        return isinstance(self.clock, RealTimeClock)

    def _reset(self, seed: int) -> None:
        self.seed = checked_seed(seed)
        self.computation = Computation()
        self.clock.start()
        self._monitor = self._constraint_monitor()
        # Built on first use (``scheduler``), from what they are now: a System bound
        # at an architecture file's import and only described (``rapide check``)
        # never imports the scheduler and its notifications.
        self._scheduler = None
        self._handler_table = None
        self._built_from = (seed, self.computation, self.clock, self.max_connect_depth)
        self.modules: dict[str, Any] = {}
        self._resumed: asyncio.Event | None = None
        # Invariant: set while a run loop (run_until_quiet) is going, in whatever task;
        # the loop sets it as it returns. One loop at a time drives the scheduler.
        self._loop_ended: asyncio.Event | None = None
        # Set while stop() runs the finish hooks: a second stop() waits for that one.
        self._stopping: asyncio.Future[None] | None = None
        self._in_run = False  # a run() is going (looping, or paused, waiting for resume)
        self._stop_asked = False  # stop() came from outside a run(): it ends, not waits
        self.steps = 0
        """Steps taken since the start: dispatches started and tasks resumed."""
        self.state = RunState.IDLE

    # ---------------------------------------------------------- read-outs
    @property
    def max_events(self) -> int | None:
        """The bound on recorded events (None: unbounded). Raising it after the
        run stopped there lets ``run_until_quiet`` go on where it stopped."""
        return self._max_events

    @max_events.setter
    def max_events(self, value: int | None) -> None:
        self._max_events = self.scheduler.max_events = checked_count(value, "max_events")

    @property
    def handler_timeout(self) -> float | None:
        """Seconds of wall time a handler may run without handing control back (None:
        no bound); a handler over it is stopped and reported as a HandlerError."""
        return self._handler_timeout

    @handler_timeout.setter
    def handler_timeout(self, value: float | None) -> None:
        self._handler_timeout = self.scheduler.handler_timeout = checked_handler_timeout(value)

    @property
    def description(self) -> ArchitectureDescription:
        """Components and connections, for graph views (``MySystem.describe()``, unless
        an architecture was bound to a component: then that one's too)."""
        if self._hierarchy is self._spec.hierarchy:
            return self._spec.description
        if self._description is None:
            self._description = describe_hierarchy(self._hierarchy)
        return self._description

    @property
    def hierarchy(self) -> Hierarchy:
        """The architectures this system runs, and their components, by path."""
        return self._hierarchy

    @property
    def errors(self) -> list[HandlerError]:
        """HandlerError notifications for every handler that raised, in order."""
        return self.scheduler.errors

    @property
    def limits(self) -> list[LimitReached]:
        """LimitReached notifications for every bound that cut work short (``max_events``,
        ``max_connect_depth``, a timeout), in order: what ``run()`` left undone."""
        return self.scheduler.limits

    @property
    def violations(self) -> list[ConstraintViolation]:
        """Constraint violations found so far, in order."""
        return self.scheduler.violations

    @property
    def now(self) -> float:
        """The system's time (logical unless its clock is another)."""
        return self.scheduler.now

    def subscribe(
        self, callback: Callable[[Notification], Any], kinds: Iterable[Any] | Any = None
    ) -> Callable[[], None]:
        """Call ``callback(notification)`` for each notification, in order.

        ``kinds`` limits it to some notification classes (or their names). A
        callback runs synchronously inside the scheduler: it may call
        ``pause()``, ``inject()``, ``pending()`` or ``in_flight()``, but not
        ``step()``. One that raises is unsubscribed and reported as
        SubscriberError. Returns a function that unsubscribes.
        """
        return self._reporter.subscribe(callback, kinds)

    def pending(self) -> list[Dispatch]:
        """The queued dispatches, by id (pipe deliveries behind another included:
        ``blocked(dispatch)`` says why such a one may not start)."""
        return self.scheduler.queues.pending()

    @property
    def pending_count(self) -> int:
        """How many dispatches are queued (``len(pending())``, without listing them)."""
        return len(self.scheduler.queues)

    def pending_dispatch(self, dispatch_id: int) -> Dispatch | None:
        """The queued dispatch numbered ``dispatch_id`` (None: none is queued), found
        without listing the queue: its cost is the queue's length at worst, not the
        sort :meth:`pending` pays."""
        return self.scheduler.queues.find(dispatch_id)

    def pending_summary(self, shown: int) -> PendingSummary:
        """The queue at a glance: how many dispatches of each kind are queued, and the
        first ``shown`` of each in the order steps take them (see PendingSummary).

        Its cost does not grow with the queue while the agent deliveries it listed
        last (by id, the lowest ``shown``) are all still queued: ``shown`` for each
        kind, but for pipe deliveries, which cost a look at every pipe waiting (1 ms
        at 1,000 pipes with a delivery each). When one of
        them was taken, or one of a lower id queued, it goes through the whole agent
        queue once: linear in the agent deliveries queued. A step the seed chooses
        takes a listed one with odds ``shown`` in their number, so a front end may
        draw it per frame of a run; steps that each take a listed one (the lowest id,
        ``step #ID`` of the first listed) pay that search at every read. Raises
        TypeError or ValueError for a ``shown`` that is not an integer of 0 or more."""
        checked_integer(shown, "pending_summary(): shown", 0, "an integer of 0 or more")
        return self.scheduler.queues.summary(shown)

    def blocked(self, dispatch: Dispatch | int) -> str | None:
        """Why the queued ``dispatch`` (a Dispatch or its id) may not start now, in
        words (None: it may): "#3 waits behind #2, in flight: asleep until t=2", ...
        Raises ValueError for an id no queued dispatch has."""
        if isinstance(dispatch, int) and not isinstance(dispatch, bool):
            dispatch = self._pending_by_id(dispatch, "blocked")
        elif not isinstance(dispatch, Dispatch):
            raise TypeError(
                f"blocked() takes a Dispatch or its id, got {described(dispatch)}"
            )
        blocked = self.scheduler.queues.blocked(dispatch)
        if blocked is None:
            return None
        behind = blocked.behind
        task = self.scheduler.task_of(behind.id) if behind is not None else None
        if task is not None:
            return f"{blocked.reason}: {self.scheduler.describe(task).describe()}"
        return blocked.reason

    def in_flight(self) -> list[InFlight]:
        """Every task that started and has not finished, with the dispatch it serves
        and why it waits (asleep until a time, on its connect deliveries, on an
        outside future, woken, held by a bound, or running), in the order they started."""
        return self.scheduler.in_flight()

    @property
    def in_flight_count(self) -> int:
        """How many tasks are in flight (``len(in_flight())``, without describing them)."""
        return self.scheduler.in_flight_count

    def wakeups(self) -> list[InFlight]:
        """The tasks asleep on ``ctx.sleep``, earliest wake-up first: each one's
        wake-up is a step (``step("wake")`` takes the next, ``step(12)`` that of #12)."""
        return self.scheduler.wakeups()

    def why_not(self, event: Event | str) -> list[RouteDecision]:
        """What each connection decided for ``event`` (an Event or its id): its name
        or source did not match, its fields did not, its guard returned false or
        raised, its composite pattern waits for a part, or it delivered the event
        (the dispatch ids). One RouteDecision per connection, in declaration order.
        Raises KeyError for an event not in the computation."""
        if not isinstance(event, Event | str):
            raise TypeError(
                f"why_not() takes an Event or its id, got {described(event)}"
            )
        event_id = event.id if isinstance(event, Event) else event
        found = self.computation.get(event_id)
        if found is None:
            raise KeyError(f"why_not(): no event {event_id!r} in the computation")
        # The explanation of routing is imported when one is asked for: a running
        # System never needs it.
        from pyrapide.runtime import explain

        return explain.explain_routing(self.scheduler, found)

    def next_dispatch(self, kind: str | ConnectionKind | None = None) -> Dispatch | None:
        """The queued dispatch ``step(kind)`` would run now, or None, changing nothing.

        Peeking draws nothing from the seed, so a run is the same with or without it,
        and a ``step(kind)`` that follows runs exactly this dispatch. None means no
        queued dispatch of ``kind`` may start now; a plain ``step()`` may then still
        resume a task woken by ``ctx.sleep`` or asyncio. Before ``start()`` the start
        hooks have not run, so deliveries they will cause are not yet counted. Raises
        ValueError for an unknown kind.
        """
        return self.scheduler.queues.peek(_kind(kind, "next_dispatch()"))

    def choices(self) -> list[Choice]:
        """Every step that may be taken now, each with the ``target`` that
        ``step(kind)`` takes to take it, and which one a plain ``step()`` would take
        (its ``default``): the queued dispatches that may start (only the connect
        delivery on top when one is queued: calls run first), the tasks woken, and the
        sleepers, whose wake-ups may be chosen before their time. Changes nothing and
        draws nothing from the seed; see :mod:`pyrapide.runtime.choices`."""
        return choices_now(self.scheduler)

    def outstanding_violations(self) -> list[ConstraintViolation]:
        """The constraint violations that would stand if the run ended now and were not
        reported yet: an unmet ``must_match``, an unanswered ``leads_to``, a hand-written
        constraint's findings. Asking changes nothing: later events may still meet them;
        but a hand-written check that raises is reported (a ``ConstraintCheckError``,
        kept in ``errors``) the first time it does so for the events so far."""
        monitor = self._monitor
        if monitor is None:
            return []
        standing = monitor.finish()
        if monitor.check_raised:  # a hand-written check raised: the user's error, told
            self.scheduler.report_constraint_check_errors(monitor.take_check_raised())
        return standing

    # ----------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Build the modules and run their ``start`` hooks (each until it ends or
        waits on a delivery). Raises RuntimeError if already started, and
        :class:`~pyrapide.runtime.modules.ModuleBuildError` when a module class raises
        as it is built; and what a :func:`~pyrapide.runtime.starts.watching_starts`
        callback raises, before anything is built."""
        if self.state is not RunState.IDLE:
            # step() and run() start an idle system themselves: say so, not only the state.
            raise RuntimeError(
                f"start(): the system has started already (it is {self.state}; step() and "
                "run() start a system that has not)"
            )
        system_starting(self)
        self.scheduler.thread = threading.get_ident()
        for component, iface in self._hierarchy.leaves.items():
            bound = self.bindings.get(component)
            if bound is None:
                continue
            try:
                with USER_INTERRUPTS.tracking(), building(component):
                    instance = bound() if isinstance(bound, type) else bound
            except BaseException as error:  # the class's own code: the user's to mend
                if not contained(error):
                    raise  # the user's Ctrl-C, not a KeyboardInterrupt the class raised
                raise ModuleBuildError(component, bound, error) from error
            context = ModuleContext(
                self, self.scheduler, component, instance, iface, interface_actions(iface)
            )
            try:
                setattr(instance, CONTEXT_ATTR, context)
            except AttributeError:
                raise TypeError(
                    f"{component}: cannot attach a context to {type(instance).__qualname__} "
                    "(does it use __slots__ without __dict__?)"
                ) from None
            self.modules[component] = instance
            if module_spec(type(instance)).serial:
                self.scheduler.serial_load[component] = 0
            self._handlers.add_module(component, instance)
        self._set_state(RunState.RUNNING)
        self.clock.start()
        with WATCHDOG.watching(self.scheduler), full_collections_held():
            for component, instance in self.modules.items():
                hook = getattr(instance, "start", None)
                if callable(hook):
                    self.scheduler.start_hook(component, hook, "start")
        self._set_state(RunState.PAUSED if self.scheduler.has_work() else RunState.QUIET)

    async def stop(self, *, timeout: float | None = None) -> None:
        """Run the ``finish`` hooks (and the connect deliveries they wait on, and what
        they await outside: an asyncio future, ``asyncio.sleep``), then abandon whatever
        is still pending. The computation stays readable.

        Those waits on the outside last at most ``handler_timeout`` in all (no longer
        than ``timeout`` seconds of wall time, when given: ``run`` gives what is left of
        its own), and ``pause()`` ends them: a stuck hook never hangs the end of a run.
        A hook still waiting at the bound is closed there, reported as LimitReached
        "timeout"; so is one still waking up from its sleeps in logical time then (a
        loop that sleeps until what never comes).

        Called from another task while the system runs, it ends that run first, at its
        next step (as ``pause()`` does) or in its wait for ``resume()``: a ``run()``
        there then returns its computation. A second ``stop()`` meanwhile waits for the
        first. From a handler or hook of the system it raises RuntimeError."""
        checked_timeout(timeout)
        self._refuse_inside_a_handler("stop()")
        import asyncio  # see run()

        if self._stopping is not None:  # stopping already, in another task: that stop
            await asyncio.shield(self._stopping)
            return
        if self._in_run or self._loop_ended is not None:
            # A run in another task: it is ended first, at its next step (or in its
            # wait for resume()), as a front end leaving mid-run ends it.
            self._stop_asked = True
            self.pause()
            if self._resumed is not None:
                self._resumed.set()
            if self._loop_ended is not None:
                await self._loop_ended.wait()
            if self._stopping is not None:  # the run, ending, stops the system itself
                await asyncio.shield(self._stopping)
                return
        if self.state is RunState.STOPPED:
            return
        if self.state is RunState.IDLE:
            self._set_state(RunState.STOPPED)
            return
        loop = asyncio.get_running_loop()
        stopping = self._stopping = loop.create_future()
        try:
            await self._stop(loop, timeout)
        finally:
            self._stopping = None
            if not stopping.done():
                stopping.set_result(None)

    async def _stop(self, loop: asyncio.AbstractEventLoop, timeout: float | None) -> None:
        """``stop()`` of a started system, once no run loop is going."""
        bounds = [s for s in (timeout, self._handler_timeout) if s is not None]
        deadline = loop.time() + min(bounds) if bounds else None
        scheduler = self.scheduler
        with WATCHDOG.watching(scheduler), full_collections_held():
            for component, instance in self.modules.items():
                hook = getattr(instance, "finish", None)
                if callable(hook):
                    task = scheduler.start_hook(component, hook, "finish")
                    await self._finish_hook(task, loop, deadline)
            scheduler.close_tasks()  # what a handler runs as it is closed is watched too
        if self._monitor is not None:
            # Conditions on the whole run (an unmet must_match) are decided now.
            scheduler.report_violations(self._monitor.finish())
            if self._monitor.check_raised:
                scheduler.report_constraint_check_errors(self._monitor.take_check_raised())
        self._set_state(RunState.STOPPED)

    async def _finish_hook(
        self, task: Task, loop: asyncio.AbstractEventLoop, deadline: float | None
    ) -> None:
        """Drive the finish hook ``task`` until it is done: its connect deliveries, its
        wake-ups, and, when only the outside can move it on, a wait for that."""
        scheduler = self.scheduler
        wakeups = 0
        while not task.returned or task.outstanding:
            if scheduler.step(ConnectionKind.CONNECT) is not None:
                continue
            if scheduler.resume_next() is not None:
                # A hook that sleeps in logical time again and again (a loop waiting for
                # what never comes) hands control back at each wake-up, so no handler
                # bound stops it: the deadline does, as it bounds a wait on the outside.
                wakeups += 1
                if deadline is not None and loop.time() >= deadline:
                    scheduler.report_limit(
                        "timeout",
                        f"the finish hook of {task.component} was closed: the timeout came "
                        f"while it was still waking up from its sleeps ({wakeups:,} so far)",
                    )
                    return
                if wakeups % WAKEUPS_BETWEEN_YIELDS == 0:
                    import asyncio  # see run()

                    await asyncio.sleep(0)  # the loop's other work (a signal's) goes on
                continue
            if task.waiting is WaitReason.HELD or not scheduler.waits_in_real_time():
                return  # nothing left that could move it on
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                scheduler.report_limit(
                    "timeout",
                    f"the finish hook of {task.component} was closed: the timeout came "
                    "while it waited on the outside (an asyncio future)",
                )
                return
            scheduler.pause_requested = False
            await scheduler.wait_foreign(remaining)
            if scheduler.pause_requested:
                return  # pause() (a Ctrl-C, say) ends the wait: the hook is closed

    async def run(
        self,
        timeout: float | None = None,
        max_events: int | None = None,
        raise_errors: bool = False,
    ) -> Computation:
        """Start, run until quiescent, stop; return the computation.

        ``timeout`` (seconds of wall time) and ``max_events`` bound the run; a
        bound that stops it is reported as LimitReached (and kept in ``limits``, as
        a connect delivery ``max_connect_depth`` refused is). If a subscriber pauses
        the run, it waits for ``resume()`` (within the timeout, which counts the
        wait). With ``raise_errors``, an exception raised by a handler is re-raised
        at the end (several: an ExceptionGroup).
        """
        # Imported by the run, not at import: an architecture file binds a System
        # at import, and `rapide check` loads one without ever running it.
        import asyncio

        checked_timeout(timeout)
        self._refuse_inside_a_handler("run()")
        self._refuse_if_stopped("run()")
        self._refuse_if_looping("run()")
        if max_events is not None:
            self.max_events = max_events
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        self._in_run, self._stop_asked = True, False
        try:
            going = True
            if self.state is RunState.IDLE:
                # A pause asked before the run is dropped, as run_until_quiet drops it; one
                # a subscriber asks on an event of the start hooks holds the run there.
                self.scheduler.pause_requested = False
                await self.start()
                if self.scheduler.pause_requested:
                    going = await self._wait_for_resume(loop, deadline)
            while going and not self._stop_asked:
                remaining = None if deadline is None else max(0.0, deadline - loop.time())
                outcome = await self._run_until_quiet(
                    None, remaining, YIELD_INTERVAL, for_run=True
                )
                going = (
                    outcome.stopped is StopReason.PAUSED
                    and not self._stop_asked
                    and await self._wait_for_resume(loop, deadline)
                )
        finally:
            self._in_run = False
            await self.stop(timeout=None if deadline is None else max(0.0, deadline - loop.time()))
        if raise_errors and self.errors:
            exceptions = [note.error for note in self.errors]
            if len(exceptions) == 1:
                raise exceptions[0]
            raise ExceptionGroup(f"{len(exceptions)} handlers raised", exceptions)  # type: ignore[type-var]
        return self.computation

    def reset(self, seed: int | None = None) -> None:
        """Forget the run: new computation, new module instances at the next
        ``start``, the same subscribers. ``seed`` replaces the seed if given."""
        seed = self.seed if seed is None else checked_seed(seed)  # refused before closing
        self._refuse_inside_a_handler("reset()")
        reporter = self._built_reporter
        if self.state is RunState.RUNNING and reporter is not None and reporter.delivering:
            raise RuntimeError(
                "reset() cannot be called from a subscriber while the system runs: it "
                "would close what the run is stepping (pause() from the subscriber, and "
                "reset() once run_until_quiet() has returned)"
            )
        if self._in_run or self._loop_ended is not None or self._stopping is not None:
            raise RuntimeError(
                "reset() cannot be called while a run() or run_until_quiet() of the "
                "system goes on: stop() it first"
            )
        if self.state not in (RunState.IDLE, RunState.STOPPED):
            with WATCHDOG.watching(self.scheduler):
                self.scheduler.close_tasks()
        self._reset(seed)
        self._state_changed(RunState.IDLE)

    # ------------------------------------------------------- stepping
    def pause(self) -> None:
        """Stop the run loop after the step in progress, or its wait for real-time
        work (safe from a subscriber: that is how a breakpoint pauses)."""
        scheduler = self.scheduler
        scheduler.pause_requested = True
        scheduler.interrupt_wait()

    def resume(self) -> None:
        """Clear a pause; a ``run()`` waiting on it goes on. (A caller driving the
        system itself calls ``run_until_quiet()`` again.)"""
        if self._scheduler is not None:  # a new scheduler has no pause to clear
            self._scheduler.pause_requested = False
        if self._resumed is not None:
            self._resumed.set()

    async def step(self, kind: StepTarget = None) -> Dispatch | None:
        """Take exactly one step and return the dispatch it advanced (None: nothing
        to run, or a hook was resumed).

        ``kind`` picks which: None takes what the scheduler would run next (a
        queued dispatch first; with none, a task woken by ``ctx.sleep`` or asyncio,
        moving the clock to the earliest wake-up); "connect", "pipe" or "agent" the
        next queued dispatch of that kind; "wake" the next woken or sleeping task
        (moving the clock to it, even with dispatches queued); "wake NAME" the start
        or finish hook of component NAME, asleep or woken; a dispatch id (12
        or "#12") or Dispatch, that one: a queued dispatch starts, one in flight
        whose task is asleep or woken is resumed. One step runs handlers until they
        end or wait: a handler that emits through a ``connect`` stops there, and
        the connect delivery becomes a pending dispatch of its own, which the next
        step may run; when the last delivery an emitter waits for finishes, the
        emitter continues within that same step. Raises ValueError for an unknown
        kind or id, a pipe delivery that must wait for an earlier one, or a task in
        flight that is not waiting to be resumed (say, waiting on its connects).
        """
        self._refuse_inside_a_handler("step()")
        scheduler = self.scheduler
        if self.state is RunState.IDLE:
            await self.start()
        self._refuse_if_stopped("step()")
        with WATCHDOG.watching(scheduler), full_collections_held():
            advanced = self._step(kind)
        if advanced is not None:
            self.steps += 1
        self._settle()
        if isinstance(advanced, Task):
            return advanced.dispatch
        return advanced

    def _step(self, target: StepTarget) -> Dispatch | Task | None:
        scheduler = self.scheduler
        if isinstance(target, str) and target[:1] == "#":
            digits = target[1:]
            if digits.isdigit() and digits.isascii():
                target = int(digits)  # "#12", as dispatches are shown
        if target == WAKE:
            try:
                return scheduler.wake_next()
            except ValueError as error:
                raise ValueError(f"step({WAKE!r}): {error}") from None
        if isinstance(target, str) and target.startswith(f"{WAKE} "):
            where = f"step({target!r})"
            return self._resume(self._hook_of(target[len(WAKE) + 1 :], where), where)
        if isinstance(target, (int, Dispatch)) and not isinstance(target, bool):
            wanted = target.id if isinstance(target, Dispatch) else target
            in_flight = scheduler.task_of(wanted)
            if in_flight is not None:
                return self._resume(in_flight, f"step(#{wanted})")
            return scheduler.step(None, self._find_pending(wanted))
        return scheduler.step(_kind(target, "step()"))  # type: ignore[arg-type]

    def _hook_of(self, component: str, where: str) -> Task:
        """The hook task of ``component`` that is asleep or woken (``step("wake NAME")``);
        ValueError naming those that are, when it is not one of them."""
        scheduler = self.scheduler
        waiting = [task for task in (*scheduler.woken(), *scheduler.sleeping()) if task.hook]
        for task in waiting:
            if task.component == component:
                return task
        which = ", ".join(f"{task.hook} of {task.component}" for task in waiting)
        raise ValueError(
            f"{where}: no hook of {component!r} is asleep or woken"
            + (f" (these are: {which})" if which else " (none is)")
        )

    def _resume(self, task: Task, where: str) -> Task:
        try:
            return self.scheduler.resume(task)
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None

    async def run_until_quiet(
        self,
        max_steps: int | None = None,
        *,
        timeout: float | None = None,
        yield_every: float = YIELD_INTERVAL,
    ) -> RunOutcome:
        """The run loop: take steps until the system is quiet, ``pause()`` is called,
        ``max_steps`` steps were taken, ``timeout`` seconds of wall time passed, or a
        bound of the system stops it; return how many steps it took and why it stopped.

        It takes its steps in bursts of 64 and, after a burst, hands the asyncio loop
        back if ``yield_every`` seconds (10 ms by default) passed since it last did, so
        that other tasks on the loop go on; 0 hands it back after every burst, as a user
        interface on the same loop wants, whose every key takes several turns of the
        loop (see ``running.YIELD_INTERVAL`` for what handing back costs). When only
        work in real time remains (an outside future, a real-time sleeper), it waits
        for it without polling (or until ``pause()`` or the timeout). A timeout is
        reported as LimitReached "timeout", as ``run(timeout=)`` does.

        Refused with RuntimeError while a ``run()`` or another ``run_until_quiet()``
        of the system goes on in another task, a ``run()`` waiting for ``resume()``
        included: its loop would go on beside this one when resumed.
        """
        return await self._run_until_quiet(max_steps, timeout, yield_every, for_run=False)

    async def _run_until_quiet(
        self, max_steps: int | None, timeout: float | None, yield_every: float, *, for_run: bool
    ) -> RunOutcome:
        """``run_until_quiet``; ``for_run`` when ``run()`` itself drives the loop."""
        checked_steps(max_steps)
        checked_timeout(timeout)
        checked_seconds(yield_every, "yield_every")
        if self.state is RunState.IDLE:
            await self.start()
        self._refuse_if_stopped("run_until_quiet()")
        self._refuse_inside_a_handler("run_until_quiet()")
        self._refuse_if_looping("run_until_quiet()", for_run=for_run)
        scheduler = self.scheduler
        import asyncio  # see run()

        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        if deadline is None or loop.time() < deadline:
            scheduler.lift_halt()
        scheduler.pause_requested = False
        self._set_state(RunState.RUNNING)
        ended = self._loop_ended = asyncio.Event()
        try:
            with WATCHDOG.watching(scheduler), full_collections_held():
                return await self._loop(max_steps, deadline, yield_every, loop)
        finally:
            # Also when the user's Ctrl-C (or a cancellation) leaves the loop mid-run.
            self._set_state(RunState.PAUSED if scheduler.has_work() else RunState.QUIET)
            self._loop_ended = None
            ended.set()

    async def _loop(
        self,
        max_steps: int | None,
        deadline: float | None,
        yield_every: float,
        loop: asyncio.AbstractEventLoop,
    ) -> RunOutcome:
        # Invariant: each turn takes a burst of steps (the scheduler's run_steps, which
        # checks the pause and the bounds between any two), or waits for real-time
        # work, or returns. A burst ends every STEPS_BETWEEN_YIELDS steps; after one,
        # the asyncio loop is handed back if ``yield_every`` seconds have passed since
        # it last was, and the deadline is checked. ``self.steps`` is brought up to
        # date before each ``await`` and at the end, so a front end, which can only
        # look while the loop awaits, sees the run progress.
        import asyncio  # see run()

        scheduler = self.scheduler
        counted = self.steps
        first = scheduler.stepped  # the loop's steps are the scheduler's since then
        steps = 0
        hand_back_at = loop.time() + yield_every
        try:
            while True:
                if scheduler.pause_requested:
                    stopped = StopReason.PAUSED
                elif scheduler.halted is not None:
                    timed_out = scheduler.halted == "timeout"
                    stopped = StopReason.TIMEOUT if timed_out else StopReason.LIMIT
                elif max_steps is not None and steps >= max_steps:
                    stopped = StopReason.BUDGET if scheduler.has_work() else StopReason.QUIET
                else:
                    budget = STEPS_BETWEEN_YIELDS - steps % STEPS_BETWEEN_YIELDS
                    if max_steps is not None:
                        budget = min(budget, max_steps - steps)
                    taken = scheduler.run_steps(budget)
                    steps = scheduler.stepped - first
                    if taken:
                        if steps % STEPS_BETWEEN_YIELDS == 0:  # a whole burst
                            if loop.time() >= hand_back_at:
                                self.steps = counted + steps
                                await asyncio.sleep(0)
                                hand_back_at = loop.time() + yield_every
                            self._check_deadline(loop, deadline)
                        paused = scheduler.pause_requested or scheduler.halted is not None
                        if taken == budget or paused:
                            continue  # to the checks above
                    # The burst's last step found nothing to run now.
                    if not scheduler.waits_in_real_time():
                        stopped = StopReason.STALLED if scheduler.has_work() else StopReason.QUIET
                    else:
                        # Only tasks waiting in real time can go on: wait for one (or a pause).
                        self.steps = counted + steps
                        remaining = None if deadline is None else deadline - loop.time()
                        timed_out = remaining is not None and remaining <= 0
                        if timed_out or not await scheduler.wait_foreign(remaining):
                            self._check_deadline(loop, deadline)
                        continue
                self.steps = counted + steps
                return RunOutcome(steps, stopped)
        except BaseException:
            # The steps taken before the user's Ctrl-C, within a burst too.
            self.steps = counted + (scheduler.stepped - first)
            raise

    async def wait_for_wakeup(self, timeout: float | None = None) -> bool:
        """When only tasks waiting in real time remain (on asyncio, or ``ctx.sleep``
        with a real-time clock), wait until one can go on, so that a caller stepping
        the system need not poll. Returns True when a task is ready to step,
        False at once if none waits, or after ``timeout`` seconds."""
        scheduler = self.scheduler
        if scheduler.has_ready():
            return True
        if not scheduler.waits_in_real_time():
            return False
        return await scheduler.wait_foreign(timeout)

    # ------------------------------------------------------------ injection
    def inject(
        self,
        name: str,
        payload: Mapping[str, Any] | None = None,
        *,
        source: str = "env",
        caused_by: Any = None,
    ) -> Event:
        """Record an event from outside (a root unless ``caused_by``) and queue its
        deliveries. Raises ValueError for a name no component's interface declares,
        PayloadError (a ValueError) for a payload that does not fit the action's
        signature or could not be saved (see :mod:`pyrapide.types.payloads`), EmitError
        (a ValueError) for a cause not in the computation, TypeError for a name that is
        not a string or causes given in another shape than :meth:`resolve_events`
        takes, and RuntimeError once the system is stopped or from a thread other than
        the one it runs in."""
        self._refuse_if_stopped(f"inject({name!r})")
        self._refuse_in_another_thread(f"inject({name!r})")
        if not isinstance(name, str):
            raise TypeError(
                f"inject(): an event name is a string, got {described(name)}"
            )
        if name not in self._alphabet:
            close = difflib.get_close_matches(name, list(self._alphabet), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            known = ", ".join(self._alphabet) or "none"
            unmarked = unmarked_action(self._hierarchy.components.values(), name)
            why = f": {unmarked}" if unmarked else hint
            raise ValueError(f"inject(): no interface declares {name!r}{why} (known: {known})")
        if payload is not None and not isinstance(payload, Mapping):
            raise ValueError(
                f"inject({name!r}): payload must be a dict, got {type(payload).__name__}"
            )
        check_payload(self._action_spec(name), name, payload or {})
        causes = self.resolve_events(caused_by, f"inject({name!r})")
        # A copy: the event holds read-only copies of the lists and objects inside.
        event = self.scheduler.record(name, dict(payload or {}), source, causes, None)
        self._settle()
        return event

    def inject_event(self, event: Event, caused_by: Any = None) -> Event:
        """Record a ready-made Event (its id kept) and queue its deliveries; its payload
        is checked as :meth:`inject` checks one. Returns ``event``, recorded as it is:
        its payload is read-only all the way down, as every event's is. Raises TypeError
        for what is not an Event, and ValueError for an event whose id the computation
        already holds: each event is recorded, and delivered, once."""
        if not isinstance(event, Event):
            raise TypeError(f"inject_event() takes an Event, got {described(event)}")
        self._refuse_if_stopped(f"inject({event.name!r})")
        self._refuse_in_another_thread(f"inject({event.name!r})")
        recorded = self.computation.get(event.id)
        if recorded is not None:
            raise ValueError(
                f"inject_event(): the computation already holds event {event.id!r} "
                f"({recorded.name}); an event is recorded and delivered once: inject one "
                "with a new id"
            )
        check_payload(self._action_spec(event.name), event.name, event.payload)
        causes = self.resolve_events(caused_by, f"inject({event.name!r})")
        self.computation.record(event, caused_by=causes)
        self.scheduler.recorded(event, tuple(causes), None)
        self._settle()
        return event

    def _action_spec(self, name: str) -> Any:
        """The ActionSpec of event ``name`` (None when no interface declares it)."""
        return action_spec(self._alphabet.get(name), name)

    def resolve_events(self, refs: Any, where: str) -> list[Event]:
        """Events named by ``refs`` (an Event, an id, or an iterable of them; None: none).
        Raises TypeError for anything else (see :func:`pyrapide.core.poset.cause_refs`)
        and EmitError for an event or id not in the computation, each opening with
        ``where``."""
        events = []
        for ref in cause_refs(refs, where):
            event = self.computation.get(ref.id if isinstance(ref, Event) else ref)
            if event is None:
                raise EmitError(
                    f"{where}: caused_by names {ref!r}, which is not in the computation"
                )
            if isinstance(ref, Event) and not _same_event(ref, event):
                # Ids are numbered per computation: an event kept from another system,
                # or from before a reset, shares its id with an event of this one, and
                # would have been taken for it unsaid.
                raise EmitError(
                    f"{where}: caused_by holds {ref.id} {ref.name} from {ref.source}, an "
                    f"event of another computation (this one's {event.id} is a different "
                    "event that has the same id); pass an event of this system's "
                    "computation, or its id"
                )
            events.append(event)
        return events

    # ------------------------------------------------------------ internals
    def _constraint_monitor(self) -> ConstraintMonitor | None:
        # Every level's constraints, each read where it is stated: a source its patterns
        # name (``from "ledger"``) is the component inside that architecture, as in its
        # connections. One that names none reads event names, the same from any place,
        # and is checked once however often its architecture is nested; one that does
        # is checked at each place, under the place's path where there are several.
        placed: dict[int, tuple[Any, list[tuple[str, Any]]]] = {}
        for path, scope in self._hierarchy.scopes.items():
            for item in scope.spec.constraints:
                read = _read_inside(item, path)
                places = placed.setdefault(id(item), (item, []))[1]
                if read is item and any(kept is item for _, kept in places):
                    continue  # names no source: once, wherever it is stated
                places.append((path, read))
        constraints = []
        for item, places in placed.values():
            for path, read in places:
                if len(places) > 1 and read is not item:
                    read.name = f"{path}.{constraint_name(read)}"
                constraints.append(read)
        if not constraints:
            return None
        # Stamped as the events are: with the run's time, logical unless real-time.
        monitor = ConstraintMonitor(clock=self.clock.timestamp, tell_guard_errors=True)
        for item in constraints:
            monitor.add_constraint(item)
        return monitor

    def _find_pending(self, wanted: int) -> Dispatch:
        dispatch = self._pending_by_id(wanted, "step")
        blocked = self.blocked(dispatch)
        if blocked:
            raise ValueError(f"step(#{wanted}): {blocked}")
        return dispatch

    def _pending_by_id(self, wanted: int, caller: str) -> Dispatch:
        """The queued dispatch numbered ``wanted``; ValueError naming ``caller`` and the
        queued ids when there is none."""
        queues = self.scheduler.queues
        dispatch = queues.find(wanted)
        if dispatch is not None:
            return dispatch
        ids = ", ".join(f"#{d.id}" for d in queues.lowest(20))
        raise ValueError(
            f"{caller}(#{wanted}): no such pending dispatch (pending: {ids or 'none'})"
        )

    def _refuse_inside_a_handler(self, what: str) -> None:
        """Refuse ``what`` from a handler or hook the system is running (or a subscriber
        it notifies meanwhile): ending or restarting the run would close the very task
        that asked (and the run driving it), and a step or a run inside a run would
        drive the scheduler from one of its own steps."""
        scheduler = self._scheduler
        if scheduler is not None and scheduler.current is not None:
            raise RuntimeError(
                f"{what} cannot be called from a handler or hook of the system (nor from a "
                "subscriber it notifies): it runs within the system's run, which is "
                "stepped and ended from outside it"
            )

    def _refuse_if_looping(self, what: str, *, for_run: bool = False) -> None:
        """Refuse a second run loop while one goes on (in another task), or while a
        ``run()`` waits for ``resume()`` (``for_run``: the loop is that run's own): two
        loops would step one scheduler in turn, and the first never see its end."""
        if self._loop_ended is not None:
            raise RuntimeError(
                f"{what}: the system is running already (a run() or run_until_quiet() in "
                "another task); pause() it and let that return, or stop() it"
            )
        if self._in_run and not for_run:
            raise RuntimeError(
                f"{what}: a run() of the system goes on in another task (paused, it waits "
                "for resume()); stop() it, or resume() it and let it return"
            )

    def _refuse_if_stopped(self, what: str) -> None:
        if self.state is RunState.STOPPED:
            raise RuntimeError(f"{what}: the system is stopped (reset() starts it over)")

    def _refuse_in_another_thread(self, what: str) -> None:
        """RuntimeError for ``what`` called from a thread other than the one the system
        runs in (see :func:`pyrapide.runtime.context.foreign_thread`)."""
        thread = self.scheduler.thread
        if thread is not None and threading.get_ident() != thread:
            raise RuntimeError(foreign_thread(what))

    def _check_deadline(self, loop: asyncio.AbstractEventLoop, deadline: float | None) -> None:
        if deadline is not None and loop.time() >= deadline:
            self.scheduler.halt("timeout", "run stopped: timeout reached with work still pending")

    async def _wait_for_resume(
        self, loop: asyncio.AbstractEventLoop, deadline: float | None
    ) -> bool:
        """Wait for ``resume()``; False when the run's deadline passes first (reported
        as LimitReached "timeout": a paused run is bounded like a running one)."""
        import asyncio  # see run()

        self._resumed = asyncio.Event()
        remaining = None if deadline is None else max(0.0, deadline - loop.time())
        try:
            await asyncio.wait_for(self._resumed.wait(), remaining)
        except TimeoutError:
            self.scheduler.halt("timeout", "run stopped: timeout reached while paused")
            return False
        finally:
            self._resumed = None
        return True

    def _settle(self) -> None:
        """Set the state after a step, an injection or the end of a run loop."""
        if self.state in (RunState.IDLE, RunState.STOPPED, RunState.RUNNING):
            return
        self._set_state(RunState.PAUSED if self.scheduler.has_work() else RunState.QUIET)

    def _set_state(self, state: RunState) -> None:
        if state is not self.state:
            self.state = state
            self._state_changed(state)

    def _state_changed(self, state: RunState) -> None:
        reporter = self._built_reporter
        if reporter is None:
            return  # nobody subscribed, and no run has reported anything yet
        from pyrapide.runtime import machinery

        if reporter.wants(machinery.StateChanged):
            reporter.publish(machinery.StateChanged(seq=reporter.next_seq(), state=state))

    def __repr__(self) -> str:
        return f"<System {self.architecture.__qualname__} {self.state} seed={self.seed}>"


def _kind(kind: str | ConnectionKind | None, where: str) -> ConnectionKind | None:
    """``kind`` as a ConnectionKind (None stays None); ValueError naming the kinds."""
    if kind is None or isinstance(kind, ConnectionKind):
        return kind
    try:
        return ConnectionKind.named(kind)
    except ValueError:
        if where == "step()":
            known = f"{', '.join(ConnectionKind)} or {WAKE}, or a dispatch id (12 or \"#12\")"
        else:
            known = ", ".join(ConnectionKind)
        raise ValueError(f"{where}: unknown kind {kind!r}; use one of {known}") from None


def _read_inside(item: Any, path: str) -> Any:
    """Constraint ``item`` (or ``@constraint`` class) of the architecture at ``path``,
    as read there (see ``Constraint.scoped``): itself unless a source it names is a
    component inside a nested architecture."""
    if not path:
        return item
    if isinstance(item, type) and issubclass(item, Constraint):
        made = item()
        read = made.scoped(path)
        return item if read is made else read
    if isinstance(item, Constraint):
        return item.scoped(path)
    return item  # refused by the monitor, by name


def _same_event(given: Event, recorded: Event) -> bool:
    """Whether ``given``, found by its id, is the ``recorded`` event: the object itself,
    or one of the same name, source and payload (the same event, read again from a file
    or recorded again by a replay)."""
    if given is recorded:
        return True
    try:
        return bool(
            given.name == recorded.name
            and given.source == recorded.source
            and given.payload == recorded.payload
        )
    except Exception:  # a payload built by hand whose values cannot be compared
        return False

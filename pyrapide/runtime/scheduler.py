"""The scheduler: routes recorded events to dispatches and runs them one step at a time.

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
* Quiescence: nothing queued, nothing ready, no sleeper and no task waiting on
  a foreign (asyncio) future. Logical sleepers only wake when nothing else can
  run: the clock then jumps to the earliest wake-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import heapq
import itertools
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from pyrapide.runtime.dispatch import Dispatch
from pyrapide.runtime.notifications import (
    ConstraintViolated,
    DispatchFinished,
    DispatchQueued,
    DispatchStarted,
    EventRecorded,
    GuardError,
    HandlerError,
    LimitReached,
)
from pyrapide.runtime.queues import DispatchQueues
from pyrapide.runtime.reporting import Reporter
from pyrapide.runtime.tasks import SUSPEND, WAIT, Sleep, Task


class Route:
    """One connection as the scheduler uses it: its live matcher and its target."""

    __slots__ = (
        "connection",
        "guards",
        "index",
        "kind",
        "matcher",
        "names",
        "source",
        "target",
        "target_name",
    )

    def __init__(self, connection: Any) -> None:
        from pyrapide.patterns import BasicPattern

        pattern = connection.pattern
        self.connection = connection
        self.kind: str = connection.kind
        self.index: int = connection.index
        # Routing reports guard errors as GuardError notifications (see _route).
        self.matcher = pattern.matcher(warn_guard_errors=False)
        # What an event must have for this route to be worth feeding it: one of
        # ``names`` (None: any) and, for a basic pattern naming one, ``source``.
        self.names: frozenset[str] | None = pattern.event_names()
        source = pattern.source_matcher if isinstance(pattern, BasicPattern) else None
        self.source: str | None = source if isinstance(source, str) else None
        self.target = connection.target
        self.target_name = (
            connection.target
            if isinstance(connection.target, str)
            else _callable_name(connection.target)
        )
        # The guards in the pattern, whose failures routing reports (most routes: none).
        self.guards: tuple[Any, ...] = guards_in(pattern)


class Scheduler:
    """Routing, queues, the coroutine driver and the logical clock of one System."""

    def __init__(
        self,
        computation: Any,
        connections: list[Any],
        *,
        seed: int,
        max_events: int | None,
        max_connect_depth: int,
        real_time: bool,
        reporter: Reporter,
    ) -> None:
        self.computation = computation
        self.poset = computation.poset
        self.reporter = reporter
        self.max_events = max_events
        self.max_connect_depth = max_connect_depth
        self.real_time = real_time
        self.logical_now = 0.0
        self._real_start: float | None = None
        self.routes = [Route(connection) for connection in connections]
        self._routes_by_kind: dict[tuple[str, str], tuple[Route, ...]] = {}
        self._dispatch_ids = itertools.count(1)
        self.queues = DispatchQueues(
            seed, (route.index for route in self.routes if route.kind == "pipe")
        )
        self._ready: deque[Task] = deque()
        self._sleepers: list[tuple[float, int, Task]] = []
        self._sleep_order = itertools.count()
        self._foreign_waits = 0
        self._wakeup: asyncio.Future[None] | None = None
        self._live: dict[Task, None] = {}
        self._suspended: list[Task] = []  # stopped at an emit by max_events
        # Components bound to ``@module(serial=True)`` -> deliveries in progress.
        self.serial_load: dict[str, int] = {}
        self.current: Task | None = None
        # Set by the System: component name -> its handlers (see System._handlers_for).
        self.handlers_for: Callable[[str, Any, Any], list[tuple[Callable[..., Any], Any]]] = (
            lambda component, match, connection: []
        )
        self.observe_constraints: Callable[[Any], list[Any]] | None = None
        self.halted: str | None = None
        self.recorded_count = 0
        self.errors: list[HandlerError] = []
        self.violations: list[Any] = []

    # ----------------------------------------------------------------- time
    def start_clock(self) -> None:
        """Time 0 is now (what ``now`` counts from in real-time mode)."""
        self._real_start = time.monotonic()

    @property
    def now(self) -> float:
        """Logical time (or seconds since start, in real-time mode)."""
        if self.real_time:
            if self._real_start is None:
                self.start_clock()
            return time.monotonic() - self._real_start  # type: ignore[operator]
        return self.logical_now

    # ----------------------------------------------------------- recording
    def record(
        self,
        name: str,
        payload: dict[str, Any],
        source: str,
        extra_causes: Iterable[Any],
        task: Task | None,
    ) -> Any:
        """Record an event emitted by ``task`` (None: injected) and route it."""
        causes: list[Any] = list(task.chain) if task is not None else []
        for cause in extra_causes:
            if cause not in causes:
                causes.append(cause)
        timestamp = time.time() if self.real_time else self.logical_now
        event = self.computation.new_event(
            name, payload, source=source, caused_by=causes, timestamp=timestamp
        )
        if task is not None:
            task.emitted(event)
        self.recorded(event, tuple(causes), task)
        return event

    def recorded(self, event: Any, causes: tuple[Any, ...], task: Task | None) -> None:
        """Report, route and check a just-recorded event."""
        self.reporter.publish(EventRecorded, event, causes)
        self._route(event, task)
        if self.observe_constraints is not None:
            self.report_violations(self.observe_constraints(event))
        self.recorded_count += 1
        if self.max_events is not None and self.recorded_count >= self.max_events:
            self.halt("max_events", f"stopped after {self.recorded_count} events (max_events)")

    def report_violations(self, violations: list[Any]) -> None:
        """Keep and report constraint violations."""
        for violation in violations:
            self.violations.append(violation)
            self.reporter.publish(ConstraintViolated, violation)

    def over_event_limit(self) -> bool:
        """True once the run may record no more events."""
        return self.max_events is not None and self.recorded_count >= self.max_events

    def lift_halt(self) -> None:
        """Let a halted run go on if its bound no longer holds (max_events was
        raised, or a new run has no timeout): suspended emitters resume."""
        if self.halted is None or (self.halted == "max_events" and self.over_event_limit()):
            return
        self.halted = None
        self._ready.extend(self._suspended)
        self._suspended.clear()

    def halt(self, limit: str, message: str) -> None:
        """Stop scheduling (a bound was hit) and report why, once."""
        if self.halted is None:
            self.halted = limit
            self.reporter.publish(LimitReached, limit, message)

    # -------------------------------------------------------------- routing
    def _routes_for(self, name: str, source: str) -> tuple[Route, ...]:
        routes = tuple(
            r
            for r in self.routes
            if (r.names is None or name in r.names) and (r.source is None or r.source == source)
        )
        self._routes_by_kind[(name, source)] = routes
        return routes

    def _route(self, event: Any, emitter: Task | None) -> None:
        routes = self._routes_by_kind.get((event.name, event.source))
        if routes is None:
            routes = self._routes_for(event.name, event.source)
        connects: list[Dispatch] = []
        for route in routes:
            guards = route.guards
            failed = [guard.guard_error_count for guard in guards] if guards else None
            for match in route.matcher.feed(event, self.poset):
                dispatch = self._queue(route, match, emitter)
                if dispatch is not None and dispatch.kind == "connect":
                    connects.append(dispatch)
            if failed is not None:
                self.report_guard_errors(
                    route.guards, failed, route.target_name, event, route.connection
                )
        self.queues.push_connects(connects)

    def report_guard_errors(
        self,
        guards: tuple[Any, ...],
        failed_before: list[int],
        component: str,
        event: Any,
        connection: Any,
    ) -> None:
        """Report each of ``guards`` that raised since its error count was
        ``failed_before``, while ``event`` was matched for ``component`` (the
        target of ``connection``, or one of that target's handlers)."""
        for guard, before in zip(guards, failed_before, strict=True):
            new = guard.guard_error_count - before
            if new <= 0:
                continue
            # guard_errors keeps the latest records (a bounded deque), newest last.
            for _, error in list(guard.guard_errors)[-new:]:
                # From the guard down: the matcher's frame that called it is left out.
                tb = error.__traceback__
                text = "".join(
                    traceback.format_exception(type(error), error, tb.tb_next if tb else None)
                )
                note = self.reporter.publish(
                    GuardError, component, event, None, error, text, connection, keep=True
                )
                self.errors.append(note)

    def _queue(self, route: Route, match: Any, emitter: Task | None) -> Dispatch | None:
        kind = route.kind
        if kind == "connect":
            depth = emitter.depth + 1 if emitter is not None else 1
            if depth > self.max_connect_depth:
                self.reporter.publish(
                    LimitReached,
                    "connect_depth",
                    f"connect delivery of {match.events[-1].id} ({match.events[-1].name}) to "
                    f"{route.target_name} not made: {depth} nested connect deliveries "
                    f"exceed max_connect_depth={self.max_connect_depth} (a synchronous cycle?)",
                )
                return None
            dispatch = Dispatch(
                next(self._dispatch_ids),
                kind,
                match,
                route.target_name,
                route.connection,
                depth,
                emitter,
            )
            if emitter is not None:
                emitter.outstanding += 1
        else:
            dispatch = Dispatch(
                next(self._dispatch_ids), kind, match, route.target_name, route.connection
            )
            self.queues.add(dispatch)
        self.reporter.publish(DispatchQueued, dispatch)
        return dispatch

    # ------------------------------------------------------------ queues
    def has_work(self) -> bool:
        """True unless the system is quiescent."""
        return bool(self.queues or self._ready or self._sleepers or self._foreign_waits)

    # ------------------------------------------------------------- stepping
    def step(self, kind: str | None = None, dispatch: Dispatch | None = None) -> Any:
        """Run one unit of work; return the Dispatch advanced, True for a hook,
        or None when nothing could run."""
        if dispatch is None:
            dispatch = self.queues.select(kind)
        if dispatch is not None:
            self.queues.remove(dispatch)
            self.run_dispatch(dispatch)
            return dispatch
        if kind is not None:
            return None
        return self.resume_next()

    def resume_next(self) -> Any:
        """Resume the next task woken by a wake-up (moving the logical clock if
        only sleepers remain); return its Dispatch, True for a hook, or None."""
        task = self._next_continuation()
        if task is None:
            return None
        self.drive(task)
        return task.dispatch if task.dispatch is not None else True

    def _next_continuation(self) -> Task | None:
        if not self._ready and self._sleepers:
            # Nothing else can run at this instant: time moves to the next wake-up.
            wake_at = self._sleepers[0][0]
            self.logical_now = max(self.logical_now, wake_at)
            while self._sleepers and self._sleepers[0][0] <= wake_at:
                self._ready.append(heapq.heappop(self._sleepers)[2])
        return self._ready.popleft() if self._ready else None

    def run_dispatch(self, dispatch: Dispatch) -> None:
        """Start ``dispatch``'s handlers and drive them until they finish or wait."""
        dispatch.state = "running"
        self.reporter.publish(DispatchStarted, dispatch)
        causes = tuple(dispatch.match.events)
        if dispatch.kind == "pipe":
            lane = self.queues.lanes[dispatch.connection.index]
            lane.in_flight = dispatch
            causes += tuple(tip for tip in lane.tips if tip not in causes)
        if dispatch.target in self.serial_load:
            self.serial_load[dispatch.target] += 1
            self.queues.busy_serial.add(dispatch.target)
        task = Task(dispatch.target, dispatch, dispatch.depth)
        target = dispatch.connection.target
        if isinstance(target, str):
            calls = self.handlers_for(target, dispatch.match, dispatch.connection)
        else:
            calls = [(target, dispatch.match)]
        task.coro = self._deliver(task, calls, causes)
        self.drive(task)

    def start_hook(self, component: str, hook: Callable[[], Any]) -> Task:
        """Run a start/finish hook as a task (until it finishes or waits)."""
        task = Task(component, None, 0)
        task.coro = self._deliver(task, [(hook, None)], ())
        self.drive(task)
        return task

    async def _deliver(
        self, task: Task, calls: list[tuple[Callable[..., Any], Any]], causes: tuple[Any, ...]
    ) -> None:
        for handler, match in calls:
            task.start_run(causes)
            try:
                result = handler() if match is None else handler(match)
                if hasattr(result, "__await__"):
                    await result
            except (Exception, asyncio.CancelledError) as exc:
                self.handler_error(task, exc, match)

    def handler_error(self, task: Task, exc: BaseException, match: Any) -> None:
        """Report an exception raised by a handler; the run goes on."""
        # Drop the scheduler's own frame: the user's code starts one level down.
        tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
        text = "".join(traceback.format_exception(type(exc), exc, tb))
        event = match.events[-1] if match is not None else None
        note = self.reporter.publish(
            HandlerError, task.component, event, task.dispatch, exc, text, keep=True
        )
        self.errors.append(note)

    # -------------------------------------------------------------- driving
    def drive(self, task: Task) -> None:
        """Run ``task`` and every task its completion resumes, until all wait or end."""
        self._live[task] = None
        runnable = [task]
        while runnable:
            self._advance(runnable.pop(), runnable)

    def _advance(self, task: Task, runnable: list[Task]) -> None:
        coro = task.coro
        assert coro is not None
        self.current = task
        try:
            while True:
                try:
                    if task.throw is not None:
                        exc, task.throw = task.throw, None
                        yielded = coro.throw(exc)
                    else:
                        yielded = coro.send(None)
                except StopIteration:
                    break
                if task.outstanding:
                    # Its connect deliveries are not all finished: the last one resumes it.
                    task.deferred = yielded
                    return
                if yielded is WAIT or not self._park(task, yielded):
                    continue
                return
        finally:
            self.current = None
        task.returned = True
        if task.outstanding == 0:
            self._finish(task, runnable)

    def _park(self, task: Task, yielded: Any) -> bool:
        """Make ``task`` wait on what it yielded; False if it may go on at once."""
        if isinstance(yielded, Sleep):
            if self.real_time:
                loop = asyncio.get_running_loop()
                self._foreign_waits += 1
                loop.call_later(yielded.delay, self._foreign_done, task, None)
            else:
                wake_at = self.logical_now + yielded.delay
                heapq.heappush(self._sleepers, (wake_at, next(self._sleep_order), task))
            return True
        if yielded is WAIT:
            return False
        if yielded is SUSPEND:
            self._suspended.append(task)
            return True
        if yielded is None:  # a bare yield, as in asyncio.sleep(0): let others go first
            self._ready.append(task)
            return True
        if getattr(yielded, "_asyncio_future_blocking", None) is not None:
            # An asyncio future: the task waits for it in real time.
            yielded._asyncio_future_blocking = False
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
        self._ready.append(task)
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)

    def _finish(self, task: Task, runnable: list[Task]) -> None:
        # Iterative: finishing a connect delivery may finish its emitter, and so on up.
        while True:
            self._live.pop(task, None)
            dispatch = task.dispatch
            if dispatch is None:
                return
            dispatch.state = "done"
            load = self.serial_load.get(dispatch.target)
            if load is not None:
                self.serial_load[dispatch.target] = load - 1
                if load == 1:
                    self.queues.busy_serial.discard(dispatch.target)
            if dispatch.kind == "pipe":
                lane = self.queues.lanes[dispatch.connection.index]
                lane.in_flight = None
                if task.tips:
                    lane.tips = tuple(task.tips)
            self.reporter.publish(DispatchFinished, dispatch)
            waiter = dispatch.waiter
            if waiter is None:
                return
            waiter.outstanding -= 1
            if waiter.outstanding:
                return
            if not waiter.returned:
                yielded, waiter.deferred = waiter.deferred, None
                if yielded is WAIT or not self._park(waiter, yielded):
                    runnable.append(waiter)
                return
            task = waiter

    # ------------------------------------------------------------- waiting
    def has_ready(self) -> bool:
        """True when a step would run something now (a queued dispatch, a woken
        task, or a logical sleeper the clock can jump to)."""
        return bool(self._ready or self._sleepers) or self.queues.has_runnable()

    def waits_in_real_time(self) -> bool:
        """True when some task waits on asyncio or on the wall clock."""
        return self._foreign_waits > 0

    async def wait_foreign(self, timeout: float | None) -> bool:
        """Wait until a task waiting on asyncio is resumed; False on timeout."""
        self._wakeup = asyncio.get_running_loop().create_future()
        try:
            if timeout is None:
                await self._wakeup
            else:
                await asyncio.wait_for(asyncio.shield(self._wakeup), timeout)
        except TimeoutError:
            return False
        finally:
            self._wakeup = None
        return True

    def close_tasks(self) -> None:
        """Abandon every task that has not finished (the run is over)."""
        for task in list(self._live):
            coro = task.coro
            if coro is not None:
                # RuntimeError: a handler that awaited in its ``finally``; nothing resumes it.
                with contextlib.suppress(RuntimeError):
                    coro.close()
        self._live.clear()
        self._suspended.clear()
        self._ready.clear()
        self._sleepers.clear()


def _callable_name(target: Any) -> str:
    return (
        getattr(target, "__qualname__", None) or getattr(target, "__name__", None) or repr(target)
    )


def guards_in(pattern: Any) -> tuple[Any, ...]:
    """The guarded patterns (``.where``) anywhere in ``pattern``, whose errors the
    runtime reports as GuardError notifications."""
    from pyrapide.patterns.operators import GuardedPattern

    found = []
    stack = [pattern]
    while stack:
        node = stack.pop()
        if isinstance(node, GuardedPattern):
            found.append(node)
        stack.extend(node.children())
    return tuple(found)

"""System: an architecture bound to modules, run by a deterministic, pausable scheduler."""

from __future__ import annotations

import asyncio
import difflib
import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pyrapide.core import Computation, Event
from pyrapide.runtime.context import CONTEXT_ATTR, EmitError, ModuleContext
from pyrapide.runtime.dispatch import Dispatch
from pyrapide.runtime.modules import module_spec
from pyrapide.runtime.notifications import Notification, StateChanged
from pyrapide.runtime.queues import KINDS
from pyrapide.runtime.reporting import Reporter
from pyrapide.runtime.scheduler import Scheduler, guards_in
from pyrapide.types import action_spec, interface_actions
from pyrapide.types.payloads import check_payload

DEFAULT_MAX_EVENTS = 1_000_000
DEFAULT_MAX_CONNECT_DEPTH = 100
# run_until_quiet hands control back to the asyncio loop after this many steps,
# so that a user interface on the same loop keeps answering.
STEPS_BETWEEN_YIELDS = 64


class System:
    """A running instance of an architecture: modules, scheduler and computation.

    Build one with ``MySystem.bind(api=FastAPIModule, ...)`` (or
    ``System(MySystem, {"api": FastAPIModule, ...})``). Modules may be given as
    classes (built with no arguments at ``start``) or as instances.

    ``seed`` chooses the order among agent deliveries (and among pipe heads
    when agents are ready too); the same architecture, seed and injections give
    the same computation. ``max_events`` bounds a run (an event storm stops
    there, reported as LimitReached); ``max_connect_depth`` bounds nested
    connect deliveries (a synchronous cycle stops there). ``real_time=True``
    makes ``ctx.sleep`` wait in wall time and stamps events with wall time.
    ``allow_unbound=True`` lets components go without a module (deliveries to
    them run nothing), as PyRapide 0.3.0's Engine allows.

    ``state`` is "idle" (not started), "running" (inside run_until_quiet),
    "paused" (not running, work waiting), "quiet" (nothing left to do) or
    "stopped".
    """

    def __init__(
        self,
        architecture: type,
        modules: Mapping[str, Any],
        *,
        seed: int = 0,
        max_events: int | None = DEFAULT_MAX_EVENTS,
        max_connect_depth: int = DEFAULT_MAX_CONNECT_DEPTH,
        real_time: bool = False,
        allow_unbound: bool = False,
    ) -> None:
        from pyrapide.architecture import architecture_spec
        from pyrapide.architecture.binding import check_bindings

        arch_cls = architecture if isinstance(architecture, type) else type(architecture)
        check_bindings(arch_cls, modules, partial=allow_unbound)
        self.architecture = arch_cls
        self._spec = architecture_spec(arch_cls)
        self.bindings: dict[str, Any] = dict(modules)
        self._max_events = max_events
        self.max_connect_depth = max_connect_depth
        self.real_time = real_time
        self._reporter = Reporter()
        self._alphabet: dict[str, str] = {}
        for component, iface in self._spec.components.items():
            for event_name in interface_actions(iface):
                self._alphabet.setdefault(event_name, component)
        self._reset(seed)

    def _reset(self, seed: int) -> None:
        self.seed = seed
        self.computation = Computation()
        self.scheduler = Scheduler(
            self.computation,
            list(self._spec.connections),
            seed=seed,
            max_events=self._max_events,
            max_connect_depth=self.max_connect_depth,
            real_time=self.real_time,
            reporter=self._reporter,
        )
        self.scheduler.handlers_for = self._handlers_for
        self._monitor = self._constraint_monitor()
        if self._monitor is not None:
            self.scheduler.observe_constraints = self._observe
        self.modules: dict[str, Any] = {}
        self._handlers: dict[str, list[tuple[Callable[..., Any], Any, frozenset[str] | None]]] = {}
        # (component, connection index) -> its handlers, each flagged when its
        # pattern is the connection's own (then the delivered match is its match).
        self._plans: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
        self._pause_requested = False
        self._resumed: asyncio.Event | None = None
        self._deadline: float | None = None
        self.state = "idle"

    # ---------------------------------------------------------- read-outs
    @property
    def max_events(self) -> int | None:
        """The bound on recorded events (None: unbounded). Raising it after the
        run stopped there lets ``run_until_quiet`` go on where it stopped."""
        return self._max_events

    @max_events.setter
    def max_events(self, value: int | None) -> None:
        self._max_events = self.scheduler.max_events = value

    @property
    def description(self) -> Any:
        """Components and connections, for graph views (``MySystem.describe()``)."""
        return self._spec.description

    @property
    def errors(self) -> list[Any]:
        """HandlerError notifications for every handler that raised, in order."""
        return self.scheduler.errors

    @property
    def violations(self) -> list[Any]:
        """Constraint violations found so far, in order."""
        return self.scheduler.violations

    @property
    def now(self) -> float:
        """The logical time."""
        return self.scheduler.now

    def subscribe(
        self, callback: Callable[[Notification], Any], kinds: Iterable[Any] | Any = None
    ) -> Callable[[], None]:
        """Call ``callback(notification)`` for each notification, in order.

        ``kinds`` limits it to some notification classes (or their names). A
        callback runs synchronously inside the scheduler: it may call
        ``pause()``, ``inject()`` or ``pending()``, but not ``step()``. One that
        raises is unsubscribed and reported as SubscriberError. Returns a
        function that unsubscribes.
        """
        return self._reporter.subscribe(callback, kinds)

    def pending(self) -> list[Dispatch]:
        """The queued dispatches, by id (pipe deliveries behind another included)."""
        return self.scheduler.queues.pending()

    def next_dispatch(self, kind: str | None = None) -> Dispatch | None:
        """The queued dispatch ``step(kind)`` would run now, or None, changing nothing.

        Peeking draws nothing from the seed, so a run is the same with or without it,
        and a ``step(kind)`` that follows runs exactly this dispatch. None means no
        queued dispatch of ``kind`` may start now; a plain ``step()`` may then still
        resume a task woken by ``ctx.sleep`` or asyncio. Before ``start()`` the start
        hooks have not run, so deliveries they will cause are not yet counted. Raises
        ValueError for an unknown kind.
        """
        if kind is not None and kind not in KINDS:
            raise ValueError(
                f"next_dispatch(): unknown kind {kind!r}; use one of {', '.join(KINDS)}"
            )
        return self.scheduler.queues.peek(kind)

    # ----------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Build the modules and run their ``start`` hooks (each until it ends or
        waits on a delivery). Raises RuntimeError if already started."""
        if self.state != "idle":
            raise RuntimeError(f"start(): the system is already {self.state}")
        for component, iface in self._spec.components.items():
            bound = self.bindings.get(component)
            if bound is None:
                continue
            instance = bound() if isinstance(bound, type) else bound
            context = ModuleContext(self, component, instance, iface, interface_actions(iface))
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
            self._handlers[component] = [
                (getattr(instance, spec.method_name), spec.pattern, spec.pattern.event_names())
                for spec in module_spec(type(instance)).handlers
            ]
        self._set_state("running")
        self.scheduler.start_clock()
        for component, instance in self.modules.items():
            hook = getattr(instance, "start", None)
            if callable(hook):
                self.scheduler.start_hook(component, hook)
        self._set_state("paused" if self.scheduler.has_work() else "quiet")

    async def stop(self) -> None:
        """Run the ``finish`` hooks (and the connect deliveries they wait on), then
        abandon whatever is still pending. The computation stays readable."""
        if self.state == "stopped":
            return
        if self.state == "idle":
            self._set_state("stopped")
            return
        scheduler = self.scheduler
        for component, instance in self.modules.items():
            hook = getattr(instance, "finish", None)
            if callable(hook):
                task = scheduler.start_hook(component, hook)
                while not task.returned or task.outstanding:
                    if scheduler.step("connect") is None and scheduler.resume_next() is None:
                        break
        scheduler.close_tasks()
        if self._monitor is not None:
            # Conditions on the whole run (an unmet must_match) are decided now.
            scheduler.report_violations(self._monitor.finish())
        self._set_state("stopped")

    async def run(
        self,
        timeout: float | None = None,
        max_events: int | None = None,
        raise_errors: bool = False,
    ) -> Computation:
        """Start, run until quiescent, stop; return the computation.

        ``timeout`` (seconds of wall time) and ``max_events`` bound the run; a
        bound that stops it is reported as LimitReached. If a subscriber pauses
        the run, it waits for ``resume()``. With ``raise_errors``, an exception
        raised by a handler is re-raised at the end (several: an ExceptionGroup).
        """
        if max_events is not None:
            self.max_events = max_events
        loop = asyncio.get_running_loop()
        self._deadline = None if timeout is None else loop.time() + timeout
        try:
            if self.state == "idle":
                await self.start()
            while True:
                await self.run_until_quiet()
                if self.state != "paused" or self.scheduler.halted is not None:
                    break
                if self._pause_requested:
                    await self._wait_for_resume()
        finally:
            self._deadline = None
            await self.stop()
        if raise_errors and self.errors:
            exceptions = [note.error for note in self.errors]
            if len(exceptions) == 1:
                raise exceptions[0]
            raise ExceptionGroup(f"{len(exceptions)} handlers raised", exceptions)
        return self.computation

    def reset(self, seed: int | None = None) -> None:
        """Forget the run: new computation, new module instances at the next
        ``start``, the same subscribers. ``seed`` replaces the seed if given."""
        if self.state not in ("idle", "stopped"):
            self.scheduler.close_tasks()
        self._reset(self.seed if seed is None else seed)
        self._reporter.publish(StateChanged, "idle")

    # ------------------------------------------------------- stepping
    def pause(self) -> None:
        """Stop ``run_until_quiet`` after the step in progress (safe from a subscriber)."""
        self._pause_requested = True

    def resume(self) -> None:
        """Clear a pause; a ``run()`` waiting on it goes on. (A caller driving the
        system itself calls ``run_until_quiet()`` again.)"""
        self._pause_requested = False
        if self._resumed is not None:
            self._resumed.set()

    async def step(self, kind: str | int | Dispatch | None = None) -> Dispatch | None:
        """Run exactly one pending dispatch and return it (None: nothing to run).

        ``kind`` picks which: None takes the one the scheduler would run next;
        "connect", "pipe" or "agent" the next of that kind; a dispatch id (12 or
        "#12") or Dispatch, that one. One step runs the dispatch's handlers until they end
        or wait: a handler that emits through a ``connect`` stops there, and the
        connect delivery becomes a pending dispatch of its own, which the next
        step may run; when the last delivery an emitter waits for finishes, the
        emitter continues within that same step. With no dispatch queued, a
        step resumes a task woken by ``ctx.sleep`` (moving the clock) or asyncio,
        and returns its dispatch. Raises ValueError for an unknown kind or id,
        or a pipe delivery that must wait for an earlier one.
        """
        if self.scheduler.current is not None:
            raise RuntimeError("step() cannot be called from inside a handler or subscriber")
        if self.state == "idle":
            await self.start()
        chosen = None
        if isinstance(kind, str) and kind.startswith("#") and kind[1:].isdigit():
            kind = int(kind[1:])  # "#12", as dispatches are shown
        if isinstance(kind, (int, Dispatch)) and not isinstance(kind, bool):
            chosen = self._find_pending(kind)
            kind = None
        elif kind is not None and kind not in KINDS:
            raise ValueError(f"step(): unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        advanced = self.scheduler.step(kind, chosen)
        self._settle()
        return advanced if isinstance(advanced, Dispatch) else None

    async def run_until_quiet(self) -> None:
        """Run steps until the system is quiescent, ``pause()`` is called, or a
        bound is hit. Yields to the asyncio loop every few steps."""
        if self.state == "idle":
            await self.start()
        if self.state == "stopped":
            raise RuntimeError("run_until_quiet(): the system is stopped")
        scheduler = self.scheduler
        if scheduler.current is not None:
            raise RuntimeError("run_until_quiet() cannot be called from inside a handler")
        if self._deadline is None or asyncio.get_running_loop().time() < self._deadline:
            scheduler.lift_halt()
        self._pause_requested = False
        self._set_state("running")
        loop = asyncio.get_running_loop()
        steps = 0
        while not self._pause_requested and scheduler.halted is None:
            if scheduler.step() is not None:
                steps += 1
                if steps % STEPS_BETWEEN_YIELDS == 0:
                    await asyncio.sleep(0)
                    self._check_deadline(loop)
                continue
            if not scheduler.waits_in_real_time():
                break  # quiescent (or only deliveries a bound holds back remain)
            # Only tasks waiting on asyncio (real time) can go on: wait for one.
            remaining = None if self._deadline is None else self._deadline - loop.time()
            if not await scheduler.wait_foreign(remaining):
                self._check_deadline(loop)
        self._set_state("paused" if scheduler.has_work() else "quiet")

    async def wait_for_wakeup(self, timeout: float | None = None) -> bool:
        """When only tasks waiting in real time remain (on asyncio, or ``ctx.sleep``
        with ``real_time``), wait until one can go on, so that a caller stepping
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
        signature or could not be saved (see :mod:`pyrapide.types.payloads`), and
        RuntimeError once the system is stopped."""
        self._refuse_if_stopped(f"inject({name!r})")
        if name not in self._alphabet:
            close = difflib.get_close_matches(name, list(self._alphabet), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            known = ", ".join(self._alphabet) or "none"
            raise ValueError(f"inject(): no interface declares {name!r}{hint} (known: {known})")
        if payload is not None and not isinstance(payload, Mapping):
            raise ValueError(
                f"inject({name!r}): payload must be a dict, got {type(payload).__name__}"
            )
        check_payload(self._action_spec(name), name, payload or {})
        causes = self.resolve_events(caused_by, f"inject({name!r})")
        event = self.scheduler.record(name, dict(payload or {}), source, causes, None)
        self._settle()
        return event

    def inject_event(self, event: Event, caused_by: Any = None) -> Event:
        """Record a ready-made Event (its id kept) and queue its deliveries; its payload
        is checked as :meth:`inject` checks one."""
        self._refuse_if_stopped(f"inject({event.name!r})")
        check_payload(self._action_spec(event.name), event.name, event.payload)
        causes = self.resolve_events(caused_by, f"inject({event.name!r})")
        self.computation.record(event, caused_by=causes)
        self.scheduler.recorded(event, tuple(causes), None)
        self._settle()
        return event

    def _action_spec(self, name: str) -> Any:
        """The ActionSpec of event ``name`` (None when no interface declares it)."""
        component = self._alphabet.get(name)
        if component is None:
            return None
        return action_spec(self._spec.components[component], name)

    def resolve_events(self, refs: Any, where: str) -> list[Event]:
        """Events named by ``refs`` (an Event, an id, or an iterable of them)."""
        if refs is None:
            return []
        if isinstance(refs, (Event, str)):
            refs = [refs]
        events = []
        for ref in refs:
            event = self.computation.get(ref.id if isinstance(ref, Event) else ref)
            if event is None:
                raise EmitError(
                    f"{where}: caused_by names {ref!r}, which is not in the computation"
                )
            events.append(event)
        return events

    # ------------------------------------------------------------ internals
    def _handlers_for(self, component: str, match: Any, connection: Any) -> list[tuple[Any, Any]]:
        """The handlers of ``component`` that a delivery of ``match`` through
        ``connection`` runs, each with its own match among the delivered events
        (the last one its pattern completes)."""
        plan = self._plans.get((component, connection.index))
        if plan is None:
            plan = self._plans[(component, connection.index)] = self._plan(component, connection)
        calls = []
        events = match.events
        poset = self.computation.poset
        for method, pattern, names, same_pattern, one_event_matcher, guards in plan:
            if same_pattern:
                calls.append((method, match))  # the same pattern finds the same match
                continue
            if names is not None and not any(e.name in names for e in events):
                continue
            failed = [guard.guard_error_count for guard in guards] if guards else None
            if one_event_matcher is not None and len(events) == 1:
                found = one_event_matcher.feed(events[0], poset)
                own = found[-1] if found else None
            else:
                own = self._match_among(pattern, events)
            if failed is not None:
                self.scheduler.report_guard_errors(
                    guards, failed, component, events[-1], connection
                )
            if own is not None:
                calls.append((method, own))
        return calls

    def _plan(self, component: str, connection: Any) -> list[tuple[Any, ...]]:
        # A handler whose pattern is the connection's gets the delivered match as is
        # (its guards, if any, were judged and reported when the event was routed).
        # One whose pattern is a single basic pattern keeps a matcher for this
        # connection: a connection delivers a one-event match of an event once, so
        # each event reaches that matcher at most once, as a matcher expects.
        return [
            (
                method,
                pattern,
                names,
                pattern == connection.pattern,
                None if pattern.children() else pattern.matcher(warn_guard_errors=False),
                guards_in(pattern),
            )
            for method, pattern, names in self._handlers.get(component, ())
        ]

    def _match_among(self, pattern: Any, events: tuple[Event, ...]) -> Any:
        matcher = pattern.matcher(warn_guard_errors=False)  # errors reported as GuardError
        found = None
        poset = self.computation.poset
        ordered = events if len(events) == 1 else sorted(events, key=poset.seq)
        for event in ordered:
            matches = matcher.feed(event, poset)
            if matches:
                found = matches[-1]
        return found

    def _constraint_monitor(self) -> Any:
        constraints = self._spec.constraints
        if not constraints:
            return None
        from pyrapide.constraints import ConstraintMonitor

        monitor = ConstraintMonitor()
        for item in constraints:
            monitor.add_constraint(item)
        return monitor

    def _observe(self, event: Event) -> list[Any]:
        return self._monitor.observe(event, self.computation)

    def _find_pending(self, ref: int | Dispatch) -> Dispatch:
        wanted = ref.id if isinstance(ref, Dispatch) else ref
        queues = self.scheduler.queues
        for dispatch in queues.pending():
            if dispatch.id == wanted:
                problem = queues.runnable_problem(dispatch)
                if problem:
                    raise ValueError(f"step(#{wanted}): {problem}")
                return dispatch
        ids = ", ".join(f"#{d.id}" for d in itertools.islice(queues.pending(), 20))
        raise ValueError(f"step(#{wanted}): no such pending dispatch (pending: {ids or 'none'})")

    def _refuse_if_stopped(self, what: str) -> None:
        if self.state == "stopped":
            raise RuntimeError(f"{what}: the system is stopped (reset() starts it over)")

    def _check_deadline(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._deadline is not None and loop.time() >= self._deadline:
            self.scheduler.halt("timeout", "run stopped: timeout reached with work still pending")

    async def _wait_for_resume(self) -> None:
        self._resumed = asyncio.Event()
        try:
            await self._resumed.wait()
        finally:
            self._resumed = None

    def _settle(self) -> None:
        """Set the state after a step, an injection or the end of a run loop."""
        if self.state in ("idle", "stopped", "running"):
            return
        self._set_state("paused" if self.scheduler.has_work() else "quiet")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self._reporter.publish(StateChanged, state)

    def __repr__(self) -> str:
        return f"<System {self.architecture.__qualname__} {self.state} seed={self.seed}>"


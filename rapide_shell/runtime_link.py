"""The session's runtime driver: building the System, listening to it, running and stepping it.

:class:`RuntimeLink` owns the System's lifecycle (paused between commands), forwards
the runtime's notifications to the session's listeners, and drives the library's one
run loop (``System.run_until_quiet``) within the bounds the user set. It knows
nothing of command lines, watches or breakpoints: the session holds it beside its
:class:`~rapide_shell.watches.Watchlist`, whose breakpoints pause it as subscribers.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pyrapide.core.interrupts import contained
from pyrapide.runtime import (
    DEFAULT_HANDLER_TIMEOUT,
    ConstraintViolated,
    DeliveryUnhandled,
    DispatchQueued,
    DispatchStarted,
    EventRecorded,
    HandlerError,
    HandlerTimeout,
    LimitReached,
    Notification,
    RunOutcome,
    RunState,
    StopReason,
    SubscriberError,
    System,
    TaskResumed,
)
from rapide_shell import notices
from rapide_shell.commands.errors import CommandError
from rapide_shell.loader import LoadedArchitecture
from rapide_shell.process_kept import recursion_limit_kept

if TYPE_CHECKING:
    from pyrapide.architecture import ArchitectureDescription
    from pyrapide.constraints import ConstraintViolation
    from pyrapide.core import Computation, Event
    from pyrapide.runtime import Dispatch, InFlight, PendingSummary
    from pyrapide.types import ActionSpec

Listener = Callable[[Any], None]


def _listener_failed(
    listener: Listener, error: BaseException, owner: str | None
) -> notices.PluginFailed:
    """The notice that ``listener`` raised ``error`` and is called no more: told under
    plugin ``owner`` where the session knows whose it is, the listener named as its code
    does (``Recorder.hear``); else under that name with its module
    (``my_plugin.Recorder.hear``)."""
    name = getattr(listener, "__qualname__", None) or type(listener).__qualname__
    if owner is not None:
        plugin, hook = owner, f"listener {name}, no longer called"
    else:
        module = getattr(listener, "__module__", None)
        plugin, hook = (f"{module}.{name}" if module else name), "listener, no longer called"
    return notices.PluginFailed(
        plugin=plugin,
        hook=hook,
        error=error,
        traceback="".join(traceback.format_exception(error)),
    )


def _kinds_read(kinds: object) -> tuple[type, ...] | None:
    """``kinds`` as :meth:`RuntimeLink.subscribe` keeps them: None, or a tuple of classes
    (one class, or a list of them, is taken as that tuple). Anything else raises
    TypeError at once: kept, it would fail with every notification, and the session's
    own subscription to the runtime with it."""
    if kinds is None:
        return None
    if isinstance(kinds, type):
        return (kinds,)
    if isinstance(kinds, (tuple, list)) and all(isinstance(kind, type) for kind in kinds):
        return tuple(kinds)
    raise TypeError(
        f"subscribe: kinds must be notification classes, such as (EventRecorded,), "
        f"not {kinds!r}"
    )


class NotificationSink(Protocol):
    """What ``capture`` hands notifications to: a list, or a summary built as they come."""

    def append(self, notification: Any, /) -> None: ...


Sink = TypeVar("Sink", bound=NotificationSink)

# What the session itself reads from the runtime (command output, watches, limits).
_SESSION_KINDS = (
    EventRecorded,
    DispatchQueued,
    DispatchStarted,
    DeliveryUnhandled,
    TaskResumed,
    HandlerError,
    ConstraintViolated,
    LimitReached,
    SubscriberError,
)

YIELD_EVERY = 0.0
"""``yield_every`` of a session's runs: the run loop hands the asyncio loop back after
every burst of steps, since a front end on the same loop answers a key in several turns
of it (the library's default, 10 ms, made the TUI's keys wait a median 150 ms)."""

# A limit as LimitReached names it -> the System option that sets it, where they differ.
_LIMIT_OPTIONS = {"connect_depth": "max_connect_depth"}
# The limits that stop only the run that met them: the delivery refused is the one
# too deep, and the system goes on at the next run or step (the others hold it halted
# until `reset`).
_LIMITS_OF_ONE_RUN = frozenset({"max_connect_depth"})

# How System.step names itself in the errors it raises: `step(): `, `step(#3): `.
_STEP_CALL = re.compile(r"\Astep\([^)]*\): ")


class SessionState(StrEnum):
    """The states a session has beside its system's RunState."""

    INSPECTING = "inspecting"
    """A saved computation is shown, read-only."""
    CLOSED = "closed"
    """The session stopped its system and takes no more commands."""


@dataclass
class Bounds:
    """What the user allows the whole session (``rapide run --timeout --max-steps``).

    ``timeout`` is wall-clock seconds from :meth:`start` (the start of the
    session's work), ``max_steps`` the steps that every ``step`` and ``run`` may
    take together; None leaves either unbounded. ``reached`` says which ran out.
    """

    timeout: float | None = None
    max_steps: int | None = None
    steps: int = 0
    reached: str | None = None
    _started: float | None = None

    def start(self) -> None:
        """The clock of ``timeout`` starts now (if it has not started already)."""
        if self._started is None:
            self._started = time.monotonic()

    def restart(self) -> None:
        """Count the steps and the time from now on, as if nothing had been taken: a
        session opened at an address replays its way there first, which is not the
        work of the script that follows."""
        self.steps, self.reached, self._started = 0, None, time.monotonic()

    def time_left(self) -> float | None:
        """Seconds left (None: no timeout)."""
        if self.timeout is None:
            return None
        started = self._started if self._started is not None else time.monotonic()
        return max(0.0, self.timeout - (time.monotonic() - started))

    def steps_left(self) -> int | None:
        """Steps left (None: no bound)."""
        return None if self.max_steps is None else max(0, self.max_steps - self.steps)

    def check(self) -> str | None:
        """Note and return which bound has run out, if one has."""
        if self.reached is None:
            if self.max_steps is not None and self.steps >= self.max_steps:
                self.reached = f"--max-steps {self.max_steps} reached"
            elif self.timed_out():
                self.reached = f"--timeout of {self.timeout:g} s reached"
        return self.reached

    def timed_out(self) -> bool:
        """True once the timeout has run out."""
        return self.timeout is not None and self.time_left() == 0


def _at_most(seconds: float | None, bound: float | None) -> float | None:
    """The smaller of two bounds in seconds, where None is no bound."""
    if seconds is None or bound is None:
        return bound if seconds is None else seconds
    return min(seconds, bound)


_LEAST_HANDLER_BUDGET = 0.001
"""The shortest handler bound the session's time left makes (the runtime takes no 0)."""


def _stopped_by_timeout(error: HandlerTimeout, timeout: float) -> None:
    """Say in ``error`` that the session's ``timeout`` stopped the handler, not its
    ``handler_timeout`` (which the user may have set to 0, never)."""
    error.args = (
        f"{error.handler} had not handed control back when the --timeout of {timeout:g} s ran "
        "out; it was stopped there",
    )


class RuntimeLink:
    """A System built from a loaded architecture, kept paused between commands."""

    def __init__(
        self,
        loaded: LoadedArchitecture,
        *,
        seed: int | None = None,
        handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
        bounds: Bounds | None = None,
    ) -> None:
        self.loaded = loaded
        self.seed = 0 if seed is None else seed
        self.bounds = bounds if bounds is not None else Bounds()
        self.handler_timeout = _at_most(handler_timeout, self.bounds.timeout)
        """The seconds one stretch of a handler may keep control (None: no bound): no
        more than the session's ``timeout``, which a handler that never hands control
        back would otherwise outlast (for ever, with no handler bound of its own)."""
        self.put_back: list[str] = []
        """What the code of a step or a run changed of the process and was put back as
        it ended (see :mod:`rapide_shell.process_kept`), for the command to say."""
        self._own_handler_timeout = handler_timeout
        self._timeout_bounds_handlers = False
        """True while the session's time left, not the handler bound asked for, bounds
        the handlers of the step or run in progress (see :meth:`_bound_handlers`)."""
        self.system: System | None = None
        self.inspected: Computation | None = None
        """A computation loaded with ``load`` (read-only), or None when the live one is shown."""
        self.running = False
        self.closed = False
        self.stopped_by: notices.BreakpointHit | None = None
        """The breakpoint that stopped the last run, if one did."""
        # Whether the workbench's own pause (the user's `pause`, Ctrl-C) came during the
        # current run: a pause that ends a run without it was the architecture's code
        # calling System.pause(), not the user's.
        self._paused_here = False
        self.last_run: RunOutcome | None = None
        """What the last run did: its steps, and why it stopped."""
        self._run_began_at = 0
        self._listeners: list[tuple[Listener, tuple[type, ...] | None, str | None]] = []
        self._unsubscribe_system: Callable[[], None] | None = None
        self._captures: list[NotificationSink] = []
        self._halted_by: str | None = None
        self._muted = 0
        self.every: float | None = None
        """While a slow run is in progress (``run --every``), the seconds between its
        steps; a front end may change it as the run goes (the TUI's speed keys)."""
        self._slow_pause: asyncio.Event | None = None

    # -- what front ends read ------------------------------------------------------

    @property
    def live(self) -> System:
        """The System (RuntimeError before ``start``)."""
        if self.system is None:
            raise RuntimeError("the session has not started its system")
        return self.system

    @property
    def _shown_live(self) -> System | None:
        """The live system when it is what is shown (None before ``start``, or while a
        saved computation is shown): what the queue and the tasks in flight are read off."""
        return self.system if self.inspected is None else None

    @property
    def path(self) -> Path:
        """The architecture file."""
        return self.loaded.path

    @property
    def description(self) -> ArchitectureDescription:
        """The architecture's description (components, connections) for graph views."""
        return self.loaded.description

    @property
    def actions(self) -> dict[str, ActionSpec]:
        """Every event name the architecture's interfaces declare -> its ActionSpec."""
        return self.loaded.actions

    @property
    def computation(self) -> Computation:
        """The computation shown: a loaded one while inspecting, else the live system's."""
        if self.inspected is not None:
            return self.inspected
        return self.live.computation

    @property
    def errors(self) -> list[HandlerError]:
        """Handler errors reported by the live system so far (HandlerError notifications)."""
        return list(self.system.errors) if self.system is not None else []

    @property
    def violations(self) -> list[ConstraintViolation]:
        """Constraint violations found by the live system so far, in the order reported
        (``ConstraintViolation`` objects: ``constraint_name``, ``description``,
        ``events``). Like :attr:`errors`, they start again at ``reset``/``reload``, and
        include what the start hooks caused, so a front end that redraws after a reset
        can list them from here."""
        return list(self.system.violations) if self.system is not None else []

    @property
    def state(self) -> RunState | SessionState:
        """The system's RunState ("running", "paused": work pending or in flight,
        "quiet"), or "inspecting" or "closed" (see the session docstring)."""
        if self.closed:
            return SessionState.CLOSED
        if self.inspected is not None:
            return SessionState.INSPECTING
        if self._slow_pause is not None:
            return RunState.RUNNING  # a slow run, between two of its steps
        return self.live.state

    def pending(self) -> list[Dispatch]:
        """The dispatches waiting to run, by id (``step`` takes the scheduler's choice,
        which may be another: a connect delivery first, agents in the seed's order)."""
        system = self._shown_live
        return system.pending() if system is not None else []  # already a fresh list

    def pending_dispatch(self, dispatch_id: int) -> Dispatch | None:
        """The dispatch numbered ``dispatch_id`` if it waits to run (None: it does not),
        found without listing the queue."""
        system = self._shown_live
        return system.pending_dispatch(dispatch_id) if system is not None else None

    @property
    def pending_count(self) -> int:
        """How many dispatches are waiting (cheap: nothing is listed)."""
        system = self._shown_live
        return system.pending_count if system is not None else 0

    def pending_summary(self, shown: int) -> PendingSummary | None:
        """The queue at a glance (see System.pending_summary), or None when nothing
        live is shown (a saved computation)."""
        system = self._shown_live
        return system.pending_summary(shown) if system is not None else None

    def in_flight(self) -> list[InFlight]:
        """The tasks started and not finished (asleep, waiting on their connects or an
        outside future, or woken), with the dispatch each serves; see System.in_flight."""
        system = self._shown_live
        return system.in_flight() if system is not None else []

    @property
    def in_flight_count(self) -> int:
        """How many tasks are in flight (cheap: nothing is described)."""
        system = self._shown_live
        return system.in_flight_count if system is not None else 0

    def blocked(self, dispatch: Dispatch) -> str | None:
        """Why a pending ``dispatch`` may not start now (None: it may)."""
        return self.system.blocked(dispatch) if self.system is not None else None

    @property
    def quiet(self) -> bool:
        """True when nothing is left to do (nothing pending, nothing in flight)."""
        return self.live.state is RunState.QUIET

    @property
    def steps_in_run(self) -> int:
        """How many steps the last (or current) run took."""
        return self.live.steps - self._run_began_at if self.system is not None else 0

    @property
    def halted(self) -> bool:
        """True once a limit (max_events, connect depth) stopped the system; ``reset``
        clears it (and the next run or step, for the connect depth)."""
        return self._halted_by is not None

    @property
    def halted_by(self) -> str | None:
        """The limit that stopped the system last, as its option is named
        (``max_events``, ``max_connect_depth``, ``timeout``); None while none did."""
        return self._halted_by

    @property
    def halted_until_reset(self) -> bool:
        """True when the limit that stopped the system holds it until ``reset``
        (``max_events``, ``timeout``); False when none did, or when it stopped only
        the run that met it (``max_connect_depth``), which the next run or step lifts."""
        return self._halted_by is not None and self._halted_by not in _LIMITS_OF_ONE_RUN

    def _lift_halt_of_one_run(self) -> None:
        """A new run or step begins: a limit that stopped only the last run is lifted."""
        if self._halted_by in _LIMITS_OF_ONE_RUN:
            self._halted_by = None

    @property
    def paused_by_user(self) -> bool:
        """True when the last run ended on ``pause`` (not quiet, a breakpoint or a limit)."""
        return self._paused_by() and self._paused_here

    @property
    def paused_by_code(self) -> bool:
        """True when the last run ended on a ``pause()`` the architecture's own code
        called (a handler, a hook), not the user's."""
        return self._paused_by() and not self._paused_here

    def _paused_by(self) -> bool:
        run = self.last_run
        paused = run is not None and run.stopped is StopReason.PAUSED
        return paused and self.stopped_by is None and self._halted_by is None

    # -- lifecycle -------------------------------------------------------------------

    def prepare(self) -> System:
        """The system to start: built at the first call; after ``replace``, the fresh one."""
        if self.system is None:
            self._attach(self.loaded.build_system(self.seed, handler_timeout=self.handler_timeout))
        return self.live

    async def start(self) -> None:
        """Run the prepared system's start hooks (each until it ends or waits); the
        session's timeout counts from the first start."""
        system = self.prepare()
        self.bounds.start()
        await system.start()

    async def close(self) -> None:
        """Stop the system (finish hooks run); the session takes no more commands after."""
        if self.closed:
            return
        while self.running:
            # A run in progress (a front end leaving mid-run) ends at its next step.
            self.pause()
            await asyncio.sleep(0)
        if self.system is not None:
            await self.system.stop(timeout=self.bounds.time_left())
            self._detach()
        gc.unfreeze()
        self.closed = True
        self.notify(notices.SessionClosed())

    async def replace(self, loaded: LoadedArchitecture | None = None) -> None:
        """Finish the current run and make a fresh, unstarted system: ``loaded``'s when
        given (``reload``), else the same one reset with ``self.seed``."""
        await self.live.stop(timeout=self.bounds.time_left())
        gc.unfreeze()  # the system replaced may now be dropped, cycles and all
        if loaded is not None:
            self._detach()
            self.loaded = loaded
            self._attach(loaded.build_system(self.seed, handler_timeout=self.handler_timeout))
        else:
            self.live.reset(self.seed)
        self.inspected = None
        self.stopped_by = None
        self.last_run = None
        self._halted_by = None

    def _attach(self, system: System) -> None:
        self.system = system
        self._unsubscribe_system = system.subscribe(self._on_runtime, self._runtime_kinds())

    def _runtime_kinds(self) -> tuple[type, ...] | None:
        """The runtime notifications the session needs, plus what its listeners asked for.

        The runtime builds a notification only for kinds somebody wants, so a session
        with no listener for (say) DispatchFinished spares the scheduler that work.
        """
        if self._muted:
            return (LimitReached,)  # the halt it reports is state; nothing else is heard
        wanted = set(_SESSION_KINDS)
        for _, kinds, _ in self._listeners:
            if kinds is None:
                return None
            wanted.update(kind for kind in kinds if issubclass(kind, Notification))
        return tuple(wanted)

    def _resubscribe(self) -> None:
        if self.system is not None and self._unsubscribe_system is not None:
            self._unsubscribe_system()
            self._unsubscribe_system = self.system.subscribe(
                self._on_runtime, self._runtime_kinds()
            )

    def _detach(self) -> None:
        if self._unsubscribe_system is not None:
            self._unsubscribe_system()
            self._unsubscribe_system = None

    # -- notifications -----------------------------------------------------------------

    def subscribe(
        self, listener: Listener, kinds: tuple[type, ...] | None = None, owner: str | None = None
    ) -> Callable[[], None]:
        """Call ``listener`` with every notification (or those of ``kinds``); see Session.
        ``owner`` is the plugin that subscribed it, which its failure is told under.
        Raises TypeError, subscribing nothing, when ``kinds`` is not classes or
        ``listener`` cannot be called."""
        if not callable(listener):
            raise TypeError(f"subscribe: the listener must be callable, not {listener!r}")
        entry = (listener, _kinds_read(kinds), owner)
        self._listeners.append(entry)
        self._resubscribe()

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(entry)
                self._resubscribe()

        return unsubscribe

    def notify(self, notification: Any) -> None:
        """Deliver ``notification`` to the listeners (and to any capture in progress),
        unless the link is :meth:`muted`."""
        if self._muted:
            return
        for captured in self._captures:
            captured.append(notification)
        if not self._listeners:
            return
        for entry in list(self._listeners):
            listener, kinds, owner = entry
            if kinds is not None and not isinstance(notification, kinds):
                continue
            try:
                listener(notification)
            except BaseException as error:
                # A broken listener (a plugin's, a front end's) must not take the run
                # down with it, whatever it raises but the user's Ctrl-C. It is called
                # no more, and said once, as a plugin's failing hook is: else its
                # author would see it stop hearing without a word.
                if not contained(error):
                    raise
                with contextlib.suppress(ValueError):
                    self._listeners.remove(entry)
                self.notify(_listener_failed(listener, error, owner))

    @contextlib.contextmanager
    def muted(self) -> Iterator[None]:
        """Deliver nothing to the listeners while the ``with`` block runs, and have the
        system build no notification but ``LimitReached`` (a halt is state the link
        keeps): a replay of known steps, which ends with one ``SessionReset``."""
        self._muted += 1
        self._resubscribe()
        try:
            yield
        finally:
            self._muted -= 1
            self._resubscribe()

    @contextlib.contextmanager
    def capture(self, sink: Sink) -> Iterator[Sink]:
        """Hand ``sink`` every notification delivered while the ``with`` block runs,
        through its ``append`` (a list keeps them all)."""
        self._captures.append(sink)
        try:
            yield sink
        finally:
            self._captures.remove(sink)

    def _on_runtime(self, notification: Notification) -> None:
        if (
            type(notification) is HandlerError
            and self._timeout_bounds_handlers
            and isinstance(notification.error, HandlerTimeout)
            and self.bounds.timeout is not None
        ):
            _stopped_by_timeout(notification.error, self.bounds.timeout)
        if type(notification) is LimitReached:
            # A limit ends the run that met it, as a breakpoint does; `reset` clears it.
            self._halted_by = _LIMIT_OPTIONS.get(notification.limit, notification.limit)
            if self.running:
                self.live.pause()
        self.notify(notification)

    def stop_at(self, hit: notices.BreakpointHit) -> bool:
        """A breakpoint matched: pause the run in progress after the current step, if
        there is one and no breakpoint stopped it yet. True when it stopped the run."""
        if not self.running or self.stopped_by is not None:
            return False
        self.stopped_by = hit
        self.live.pause()
        return True

    # -- primitives for the commands ------------------------------------------------------

    def require_live(self, what: str) -> None:
        """Refuse ``what`` while a loaded computation is shown or after close."""
        if self.closed:
            raise CommandError("the session is closed")
        if self.inspected is not None:
            raise CommandError(
                f"cannot {what}: a loaded computation is read-only; `reset` returns to the system"
            )

    def inject(self, name: str, payload: dict[str, Any]) -> Event:
        """Record ``name`` with ``payload`` from the environment; its dispatches queue."""
        self.require_live("inject")
        return self.live.inject(name, payload)

    async def step_once(self, target: Any = None) -> Dispatch | None:
        """Take one step (``target``: None, a kind, "wake" or a dispatch id).

        Returns the Dispatch that started or was resumed, or None (nothing to run, or a
        hook was resumed). CommandError when the runtime refuses the choice (a pipe
        delivery behind another, an unknown id, a task that is not waiting to be resumed).
        """
        self.require_live("step")
        system = self.live
        before = system.steps
        self._lift_halt_of_one_run()
        self._bound_handlers(system)
        try:
            with recursion_limit_kept(self.put_back):
                return await system.step(target)
        except ValueError as error:
            # Said for the `step` typed, without the library's call (`step(#3): ...`).
            raise CommandError(_STEP_CALL.sub("", str(error), count=1)) from None
        finally:
            self.bounds.steps += system.steps - before

    async def run(self, max_steps: int | None = None, every: float | None = None) -> RunOutcome:
        """Run the system's loop until quiet, a breakpoint, ``pause``, a limit,
        ``max_steps`` steps or the session's bounds; return what the run did.

        With ``every`` (seconds), the run is slow: one step, then a pause of that long
        (:attr:`every`, which may change meanwhile), and so on; ``pause`` stops it at
        once, even in the middle of its wait."""
        self.require_live("run")
        system = self.live
        left = self.bounds.steps_left()
        budget = left if max_steps is None else max_steps if left is None else min(left, max_steps)
        self.stopped_by = None
        self._lift_halt_of_one_run()
        self._paused_here = False
        self._run_began_at = system.steps
        self.every = every
        self.running = True
        try:
            # In the try: the user's Ctrl-C in a listener of it must not leave the run
            # marked running, which close() would wait on for ever.
            self.notify(notices.RunStarted())
            # The limit is put back before what the run recorded is shown: lowered by
            # a handler, showing a payload nested within the 100 allowed failed.
            with recursion_limit_kept(self.put_back):
                if every is None:
                    self._bound_handlers(system)
                    outcome = await system.run_until_quiet(
                        budget, timeout=self.bounds.time_left(), yield_every=YIELD_EVERY
                    )
                else:
                    outcome = await self._run_slowly(system, budget)
            self.last_run = outcome
        finally:
            self.running = False
            self.every = None
            self.bounds.steps += system.steps - self._run_began_at
            # What the run recorded is kept while the session shows it: out of the
            # collector's full collections from now on, the first of which would walk
            # all of it (a second or more at a million events, between two keys).
            # ``replace`` and ``close`` give it back to them.
            gc.freeze()
            self.notify(notices.RunEnded(stopped_by=self.stopped_by))
        return outcome

    async def _run_slowly(self, system: System, budget: int | None) -> RunOutcome:
        # One step per turn of the library's run loop, then the wait; a pause while
        # waiting is kept here, since each turn of the loop starts unpaused.
        self._slow_pause = asyncio.Event()
        steps = 0
        try:
            while True:
                # A turn of one step ends before the loop looks at the clock: the
                # session's --timeout is checked here, and bounds the wait too.
                if self.bounds.timed_out():
                    return RunOutcome(steps, StopReason.TIMEOUT)
                self._bound_handlers(system)
                turn = await system.run_until_quiet(1, timeout=self.bounds.time_left())
                steps += turn.steps
                if turn.stopped is not StopReason.BUDGET:
                    return RunOutcome(steps, turn.stopped)
                if budget is not None and steps >= budget:
                    quiet = system.state is RunState.QUIET
                    return RunOutcome(steps, StopReason.QUIET if quiet else StopReason.BUDGET)
                wait, left = self.every or 0, self.bounds.time_left()
                if left is not None:
                    wait = min(wait, left)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._slow_pause.wait(), wait)
                if self._slow_pause.is_set() or self.stopped_by is not None:
                    return RunOutcome(steps, StopReason.PAUSED)
        finally:
            self._slow_pause = None

    def _bound_handlers(self, system: System) -> None:
        """Let a handler of the step or run about to start keep control no longer than
        the session's time left: bound only by the whole ``timeout``, one that never
        hands control back late in a session outlasted it by up to that much again."""
        left = self.bounds.time_left()
        own = self._own_handler_timeout
        if left is None:
            self._timeout_bounds_handlers = False
            return
        left = max(left, _LEAST_HANDLER_BUDGET)
        self._timeout_bounds_handlers = own is None or left < own
        system.handler_timeout = left if self._timeout_bounds_handlers else own

    def pause(self) -> bool:
        """Pause a run in progress after the current step; False when none is."""
        if not self.running:
            return False
        self._paused_here = True
        self.live.pause()
        if self._slow_pause is not None:
            self._slow_pause.set()
        return True

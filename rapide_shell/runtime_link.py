"""The session's hold on the runtime: building the System, listening to it, running and stepping.

:class:`RuntimeLink` is the lower half of :class:`rapide_shell.session.Session`: it owns
the System's lifecycle (paused between commands), forwards the runtime's notifications
to the session's listeners, feeds watches and breakpoints as events are recorded, and
offers the primitives the commands use (``inject``, ``step``, ``run``, ``pause``,
``rebuild``). It knows nothing of command lines.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pyrapide.runtime.notifications import (
    ConstraintViolated,
    DispatchQueued,
    DispatchStarted,
    EventRecorded,
    HandlerError,
    LimitReached,
    Notification,
    SubscriberError,
)
from rapide_shell import notices
from rapide_shell.commands.errors import CommandError
from rapide_shell.loader import LoadedArchitecture
from rapide_shell.watches import Breakpoint, Watch, feed, prime

Listener = Callable[[Any], None]

# What the session itself reads from the runtime (command output, watches, limits).
_SESSION_KINDS = (
    EventRecorded,
    DispatchQueued,
    DispatchStarted,
    HandlerError,
    ConstraintViolated,
    LimitReached,
    SubscriberError,
)
_STEPS_BETWEEN_YIELDS = 64


class RuntimeLink:
    """A System built from a loaded architecture, kept paused between commands."""

    watches: list[Watch]
    breakpoints: list[Breakpoint]

    def __init__(self, loaded: LoadedArchitecture, *, seed: int | None = None) -> None:
        self.loaded = loaded
        self.seed = 0 if seed is None else seed
        self.system: Any = None
        self.inspected: Any = None
        """A computation loaded with ``load`` (read-only), or None when the live one is shown."""
        self.running = False
        self.closed = False
        self.stopped_by: notices.BreakpointHit | None = None
        """The breakpoint that stopped the last run, if one did."""
        self._listeners: list[tuple[Listener, tuple[type, ...] | None]] = []
        self._unsubscribe_system: Callable[[], None] | None = None
        self._captures: list[list[Any]] = []
        self._progress = 0
        """Runtime notifications received so far: tells a run whether a step did anything."""
        self._pause_requested = False
        self._idle_wait: asyncio.Future[bool] | None = None
        """A run's wait for real-time work, which ``pause`` cancels."""
        self._halted = False
        self.steps_in_run = 0
        """How many steps the last (or current) run took."""

    # -- what front ends read ------------------------------------------------------

    @property
    def path(self) -> Path:
        """The architecture file."""
        return self.loaded.path

    @property
    def description(self) -> Any:
        """The architecture's description (components, connections) for graph views."""
        return self.loaded.description

    @property
    def actions(self) -> dict[str, Any]:
        """Every event name the architecture's interfaces declare -> its ActionSpec."""
        return self.loaded.actions

    @property
    def computation(self) -> Any:
        """The computation shown: a loaded one while inspecting, else the live system's."""
        if self.inspected is not None:
            return self.inspected
        return self.system.computation

    @property
    def errors(self) -> list[Any]:
        """Handler errors reported by the live system so far (HandlerError notifications)."""
        return list(self.system.errors) if self.system is not None else []

    @property
    def violations(self) -> list[Any]:
        """Constraint violations found by the live system so far, in the order reported
        (``ConstraintViolation`` objects: ``constraint_name``, ``description``,
        ``events``). Like :attr:`errors`, they start again at ``reset``/``reload``, and
        include what the start hooks caused, so a front end that redraws after a reset
        can list them from here."""
        return list(self.system.violations) if self.system is not None else []

    @property
    def state(self) -> str:
        """ "running", "paused", "quiet", "inspecting" or "closed" (see the session docstring)."""
        if self.closed:
            return "closed"
        if self.running:
            return "running"
        if self.inspected is not None:
            return "inspecting"
        return "paused" if self.pending_count else "quiet"

    def pending(self) -> list[Any]:
        """The dispatches waiting to run, by id (``step`` takes the scheduler's choice,
        which may be another: a connect delivery first, agents in the seed's order)."""
        if self.system is None or self.inspected is not None:
            return []
        return self.system.pending()  # already a fresh list

    @property
    def pending_count(self) -> int:
        """How many dispatches are waiting."""
        return len(self.pending())

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Build the system and run the modules' start hooks (until each ends or waits)."""
        self._attach(self.loaded.build_system(self.seed))
        await self.system.start()

    async def close(self) -> None:
        """Stop the system (finish hooks run); the session takes no more commands after."""
        if self.closed:
            return
        while self.running:
            # A run in progress (a front end leaving mid-run) ends at its next step.
            self.pause()
            await asyncio.sleep(0)
        if self.system is not None:
            await self.system.stop()
            self._detach()
        self.closed = True
        self.notify(notices.SessionClosed())

    async def rebuild(self, reason: str, *, loaded: LoadedArchitecture | None = None) -> None:
        """Start over: finish the current run, then a fresh computation and modules.

        With ``loaded`` (``reload``) the system is built anew from it; otherwise the same
        System is reset with ``self.seed``. Watches and breakpoints are re-primed, their
        counts started again.
        """
        await self.system.stop()
        if loaded is not None:
            self._detach()
            self.loaded = loaded
            self._attach(loaded.build_system(self.seed))
        else:
            self.system.reset(self.seed)
        self.inspected = None
        self.stopped_by = None
        self._halted = False
        self._reprime()
        await self.system.start()
        self.notify(notices.SessionReset(reason=reason))

    def inspect(self, computation: Any) -> None:
        """Show ``computation`` (read-only) instead of the live one; watches re-primed."""
        self.inspected = computation
        self._reprime()
        self.notify(notices.SessionReset(reason="load"))

    def _attach(self, system: Any) -> None:
        self.system = system
        self._unsubscribe_system = system.subscribe(self._on_runtime, self._runtime_kinds())

    def _runtime_kinds(self) -> tuple[type, ...] | None:
        """The runtime notifications the session needs, plus what its listeners asked for.

        The runtime builds a notification only for kinds somebody wants, so a session
        with no listener for (say) DispatchFinished spares the scheduler that work.
        """
        wanted = set(_SESSION_KINDS)
        for _, kinds in self._listeners:
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

    def _reprime(self) -> None:
        for watch in self.watches:
            watch.matches.clear()
            self.attach_watch(watch)
        for breakpoint_ in self.breakpoints:
            breakpoint_.hits = 0
            self.attach_breakpoint(breakpoint_)

    def attach_watch(self, watch: Watch) -> None:
        """Give ``watch`` a matcher that has seen the current computation."""
        watch._matcher, existing = prime(watch.pattern, self.computation)
        watch.matches.extend(existing)

    def attach_breakpoint(self, breakpoint_: Breakpoint) -> None:
        """Give ``breakpoint_`` a matcher that has seen the current computation."""
        breakpoint_._matcher, _ = prime(breakpoint_.pattern, self.computation)

    # -- notifications -----------------------------------------------------------------

    def subscribe(
        self, listener: Listener, kinds: tuple[type, ...] | None = None
    ) -> Callable[[], None]:
        """Call ``listener`` with every notification (or those of ``kinds``); see Session."""
        entry = (listener, kinds)
        self._listeners.append(entry)
        self._resubscribe()

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(entry)
                self._resubscribe()

        return unsubscribe

    def notify(self, notification: Any) -> None:
        """Deliver ``notification`` to the listeners (and to any capture in progress)."""
        for captured in self._captures:
            captured.append(notification)
        if not self._listeners:
            return
        for entry in list(self._listeners):
            listener, kinds = entry
            if kinds is not None and not isinstance(notification, kinds):
                continue
            try:
                listener(notification)
            except Exception:
                # A broken front-end listener must not take the run down with it.
                with contextlib.suppress(ValueError):
                    self._listeners.remove(entry)

    @contextlib.contextmanager
    def capture(self) -> Iterator[list[Any]]:
        """Collect the notifications delivered while the ``with`` block runs."""
        captured: list[Any] = []
        self._captures.append(captured)
        try:
            yield captured
        finally:
            self._captures.remove(captured)

    def _on_runtime(self, notification: Any) -> None:
        self._progress += 1
        kind = type(notification)
        if kind is LimitReached:
            self._halted = True
        self.notify(notification)
        if kind is not EventRecorded or self.inspected is not None:
            return
        if not (self.watches or self.breakpoints):
            return
        event = notification.event
        poset = self.system.computation.poset
        for watch in self.watches:
            found = feed(watch._matcher, event, poset)
            if found:
                watch.matches.extend(found)
                self.notify(
                    notices.WatchMatched(
                        watch_id=watch.id,
                        pattern_text=watch.pattern_text,
                        count=watch.count,
                        new_matches=tuple(found),
                    )
                )
        for breakpoint_ in self.breakpoints:
            found = feed(breakpoint_._matcher, event, poset)
            if found and self.running and self.stopped_by is None:
                breakpoint_.hits += 1
                self.stopped_by = notices.BreakpointHit(
                    break_id=breakpoint_.id,
                    pattern_text=breakpoint_.pattern_text,
                    event=event,
                    match=found[0],
                )
                self._pause_requested = True
                self.notify(self.stopped_by)

    # -- primitives for the commands ------------------------------------------------------

    def require_live(self, what: str) -> None:
        """Refuse ``what`` while a loaded computation is shown or after close."""
        if self.closed:
            raise CommandError("the session is closed")
        if self.inspected is not None:
            raise CommandError(
                f"cannot {what}: a loaded computation is read-only; `reset` returns to the system"
            )

    def inject(self, name: str, payload: dict[str, Any]) -> Any:
        """Record ``name`` with ``payload`` from the environment; its dispatches queue."""
        self.require_live("inject")
        return self.system.inject(name, payload)

    async def step_once(self, target: Any = None) -> Any:
        """Run one unit of work (``target``: None, a kind or a dispatch id).

        Returns the Dispatch that ran or advanced, or None (nothing to run, or a start
        hook or sleeper was resumed). CommandError when the runtime refuses the choice
        (a pipe delivery behind another, an unknown id).
        """
        self.require_live("step")
        try:
            return await self.system.step(target)
        except ValueError as error:
            raise CommandError(str(error).removeprefix("step(): ")) from None

    @property
    def quiet(self) -> bool:
        """True when nothing is left to do (nothing pending, running or asleep)."""
        return self.system.state == "quiet"

    async def run(self) -> int:
        """Run until quiet, a breakpoint, ``pause`` or a limit; return the steps taken.

        The loop is the session's own (one ``System.step`` at a time) so that a run the
        user pauses at an arbitrary moment can be recorded as exactly that many steps,
        and replayed. It hands the loop back to asyncio every few steps so that a front
        end sharing the loop keeps answering (and can ``pause``); when only real-time
        waits remain it sleeps until one ends (or ``pause``), never polling.
        """
        self.require_live("run")
        self.stopped_by = None
        self._pause_requested = False
        self.running = True
        self.steps_in_run = 0
        self.notify(notices.RunStarted())
        try:
            while not (self._pause_requested or self._halted or self.quiet):
                before = self._progress
                await self.system.step()
                self.steps_in_run += 1
                if self._progress == before:
                    # Nothing observable happened: only real-time waits may remain.
                    await self._wait_for_wakeup()
                if self.steps_in_run % _STEPS_BETWEEN_YIELDS == 0:
                    await asyncio.sleep(0)
        finally:
            self.running = False
            self.notify(notices.RunEnded(stopped_by=self.stopped_by))
        return self.steps_in_run

    async def _wait_for_wakeup(self) -> None:
        """Wait until a task waiting in real time can go on, or ``pause`` is called."""
        waiter = asyncio.ensure_future(self.system.wait_for_wakeup())
        self._idle_wait = waiter
        try:
            # asyncio.wait: a waiter cancelled by ``pause`` ends the wait without raising.
            await asyncio.wait((waiter,))
        finally:
            self._idle_wait = None
            waiter.cancel()

    @property
    def halted(self) -> bool:
        """True once a limit (max_events, connect depth) stopped the system; ``reset`` clears it."""
        return self._halted

    @property
    def paused_by_user(self) -> bool:
        """True when the last run ended on ``pause`` (not quiet, a breakpoint or a limit)."""
        return self._pause_requested and self.stopped_by is None and not self._halted

    def pause(self) -> bool:
        """Pause a run in progress after the current step; False when none is."""
        if not self.running:
            return False
        self._pause_requested = True
        if self._idle_wait is not None:
            self._idle_wait.cancel()
        return True

"""Modules run by hand, without a System: a local context, reactive processes, a process manager.

A System builds, starts and feeds modules itself. A program (or a test) can
also drive one module directly, as PyRapide 0.3.0's executable layer does::

    sensor = Sensor()
    context = LocalContext(sensor)             # or local_context(sensor)
    await context.run_start()                  # state RUNNING; start() ran
    reading = Event("Reading", {"level": 9})
    context.computation.record(reading)        # with its causes (unrecorded: a root)
    registry = WhenRegistry.scan(sensor)       # one ReactiveProcess per @when handler
    emitted = await registry.fire_all(reading, context)

Inside its handlers the module's code is unchanged: ``get_context(self)``
returns the local context, whose ``emit`` and ``generate_event`` record into
its own computation, caused by the match being handled.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any

from pyrapide.core import Computation, Event
from pyrapide.core.printable import brief_repr
from pyrapide.patterns.completion import CompletionFinder
from pyrapide.runtime.context import CONTEXT_ATTR, EmitError
from pyrapide.runtime.modules import module_spec
from pyrapide.types import interface_actions

__all__ = [
    "LocalContext",
    "ModuleState",
    "ModuleStateError",
    "ProcessManager",
    "ReactiveProcess",
    "WhenRegistry",
    "local_context",
]


class ModuleState(enum.StrEnum):
    """Where a module run by hand is in its life (each compares equal to its name)."""

    CREATED = "CREATED"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    FINISHING = "FINISHING"
    FINISHED = "FINISHED"


class ModuleStateError(RuntimeError):
    """An operation is not allowed in the module's current state (finishing before starting)."""


# The handler run in progress in this task: its context, causal chain and what it emitted.
_handling: ContextVar[tuple[LocalContext, list[Event], list[Event]] | None] = ContextVar(
    "_handling", default=None
)


class LocalContext:
    """The context of a module run by hand: its own computation, state and causal chain.

    Made for one module instance (and attached to it, so ``get_context`` finds
    it); `module_name` is the events' source (default: the class name). Each
    event it records is caused by the events given as ``caused_by``, else by
    the chain: the match being handled, then each event emitted after it.
    """

    def __init__(self, module_instance: Any, module_name: str | None = None) -> None:
        existing = getattr(module_instance, CONTEXT_ATTR, None)
        if existing is not None and not isinstance(existing, LocalContext):
            raise ModuleStateError(
                f"{type(module_instance).__qualname__} instance belongs to a running System"
            )
        self.instance = module_instance
        self.component = module_name or type(module_instance).__name__
        self.computation = Computation()
        self._state = ModuleState.CREATED
        self._chain: list[Event] = []
        self._emitted: list[Event] = []
        implements = module_spec(type(module_instance)).implements
        self._alphabet = tuple(interface_actions(implements)) if implements else ()
        setattr(module_instance, CONTEXT_ATTR, self)

    @property
    def state(self) -> ModuleState:
        """CREATED, then STARTING, RUNNING, FINISHING and FINISHED."""
        return self._state

    @property
    def causal_context(self) -> list[Event]:
        """The events the next emitted event will be caused by (outside any handler)."""
        return list(self._chain)

    @property
    def module_events(self) -> list[Event]:
        """The events this module emitted, in order."""
        return list(self._emitted)

    async def run_start(self) -> None:
        """Run the module's ``start`` hook. Raises ModuleStateError unless CREATED."""
        await self._hook("start", ModuleState.CREATED, ModuleState.STARTING, ModuleState.RUNNING)

    async def run_finish(self) -> None:
        """Run the module's ``finish`` hook. Raises ModuleStateError unless RUNNING."""
        await self._hook("finish", ModuleState.RUNNING, ModuleState.FINISHING, ModuleState.FINISHED)

    async def _hook(
        self, name: str, required: ModuleState, during: ModuleState, after: ModuleState
    ) -> None:
        if self._state is not required:
            raise ModuleStateError(
                f"cannot {name} module {self.component} in state {self._state} "
                f"(it must be {required})"
            )
        self._state = during
        hook = getattr(self.instance, name, None)
        if callable(hook):
            result = hook()
            if inspect.isawaitable(result):
                await result
        self._state = after

    def generate_event(
        self, name: str, payload: Mapping[str, Any] | None = None, caused_by: Any = None
    ) -> Event:
        """Record event `name` in this context's computation and return it.

        Raises EmitError when the module's interface does not declare `name`.
        """
        event = Event(self._qualify(name), dict(payload or {}), self.component)
        running = _handling.get()
        chain = running[1] if running is not None and running[0] is self else self._chain
        if caused_by is None:
            causes: list[Any] = list(chain)
        else:
            causes = list(caused_by) if isinstance(caused_by, list | tuple) else [caused_by]
        self.computation.record(event, caused_by=causes or None)
        chain[:] = [event]
        self._emitted.append(event)
        if running is not None and running[0] is self:
            running[2].append(event)
        return event

    async def emit(
        self,
        name: str,
        /,
        payload: Mapping[str, Any] | None = None,
        *,
        caused_by: Any = None,
        **fields: Any,
    ) -> Event:
        """``generate_event`` with payload fields as keywords, for code that awaits."""
        return self.generate_event(name, {**(payload or {}), **fields}, caused_by)

    def _qualify(self, name: str) -> str:
        if not self._alphabet or name in self._alphabet:
            return name
        short = [full for full in self._alphabet if full.rsplit(".", 1)[-1] == name]
        if len(short) == 1:
            return short[0]
        raise EmitError(
            f"{self.component} cannot emit {name!r}: its interface declares "
            + ", ".join(self._alphabet)
        )

    async def handle(
        self, handler: Callable[[Any], Any], match: Any
    ) -> list[Event]:
        """Run `handler(match)` as a handler run: what it emits is caused by the match."""
        emitted: list[Event] = []
        token = _handling.set((self, list(match.events), emitted))
        try:
            result = handler(match)
            if inspect.isawaitable(result):
                await result
        finally:
            _handling.reset(token)
        return emitted

    def __repr__(self) -> str:
        return f"<LocalContext {self.component} {self._state}>"


def local_context(module_instance: Any) -> Any:
    """The context `module_instance` has (a System's or a local one), else a new LocalContext."""
    existing = getattr(module_instance, CONTEXT_ATTR, None)
    return existing if existing is not None else LocalContext(module_instance)


class ReactiveProcess:
    """One ``@when`` handler of one module instance, fired by hand.

    `handler` is the class's function (called with the instance) or a bound
    method; `active` switches the process off without removing it.
    """

    def __init__(self, pattern: Any, handler: Callable[..., Any], module_instance: Any) -> None:
        self.pattern = pattern
        self.handler = handler
        self.module_instance = module_instance
        self.active = True
        self._finder = CompletionFinder(pattern)

    async def check_and_fire(self, event: Event, ctx: LocalContext) -> list[Event]:
        """Call the handler for each match `event` completes in ``ctx.computation``.

        An event the computation does not hold yet is recorded first, as a root
        (PyRapide 0.3.0 fired events without recording them), so that what the
        handler emits can be caused by it. Returns the events the handler emitted,
        each caused by its match.
        """
        if not self.active:
            return []
        if event not in ctx.computation:
            ctx.computation.record(event)
        bound = (
            self.handler
            if inspect.ismethod(self.handler)
            else self.handler.__get__(self.module_instance)
        )
        emitted: list[Event] = []
        for found in self._finder.completed_by(event, ctx.computation):
            emitted.extend(await ctx.handle(bound, found))
        return emitted

    def __repr__(self) -> str:
        name = getattr(self.handler, "__name__", self.handler)
        return f"<ReactiveProcess {name} on {self.pattern}>"


class WhenRegistry:
    """The reactive processes of one module instance; a serial module runs them one at a time."""

    def __init__(
        self, processes: list[ReactiveProcess], serial_lock: asyncio.Lock | None = None
    ) -> None:
        self._processes = list(processes)
        self._serial_lock = serial_lock

    @property
    def processes(self) -> list[ReactiveProcess]:
        """The processes, in the order the class defines its handlers."""
        return list(self._processes)

    @classmethod
    def scan(cls, module_instance: Any) -> WhenRegistry:
        """One ReactiveProcess per ``@when`` of the instance's class (serial if the module is)."""
        spec = module_spec(type(module_instance))
        processes = [
            ReactiveProcess(handler.pattern, getattr(type(module_instance), handler.method_name),
                            module_instance)
            for handler in spec.handlers
        ]
        return cls(processes, asyncio.Lock() if spec.serial else None)

    async def fire_all(self, event: Event, ctx: LocalContext) -> list[Event]:
        """Fire every process for `event`: one after another for a serial module, else together.

        Returns every event emitted, process by process.
        """
        if self._serial_lock is not None:
            emitted: list[Event] = []
            async with self._serial_lock:
                for process in self._processes:
                    emitted.extend(await process.check_and_fire(event, ctx))
            return emitted
        runs = await asyncio.gather(*(p.check_and_fire(event, ctx) for p in self._processes))
        return [event for run in runs for event in run]


class ProcessManager:
    """Coroutines registered as processes and run together."""

    def __init__(self) -> None:
        self._processes: list[Awaitable[Any]] = []
        self._running: list[asyncio.Future[Any]] = []

    @property
    def processes(self) -> list[Awaitable[Any]]:
        """The processes registered and not yet run."""
        return list(self._processes)

    def add_process(self, coroutine: Awaitable[Any]) -> None:
        """Register a coroutine (or other awaitable) to run with the others."""
        if not inspect.isawaitable(coroutine):
            hint = " (call the async function to get one)" if callable(coroutine) else ""
            raise TypeError(f"add_process takes a coroutine, got {brief_repr(coroutine)}{hint}")
        self._processes.append(coroutine)

    async def run_all(self) -> list[Any]:
        """Run every registered process at once; wait for all and return their results.

        The first to raise cancels none of the others; its error is raised once
        they are all done. A process that ``stop_all`` cancelled gives its
        CancelledError as its result.
        """
        self._running = [asyncio.ensure_future(p) for p in self._processes]
        self._processes.clear()
        try:
            outcomes = await asyncio.gather(*self._running, return_exceptions=True)
        finally:
            self._running = []
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(
                outcome, asyncio.CancelledError
            ):
                raise outcome
        return list(outcomes)

    async def stop_all(self) -> None:
        """Cancel the processes ``run_all`` is running (and drop those not started)."""
        for process in self._processes:
            close = getattr(process, "close", None)
            if close is not None:
                close()  # a coroutine never awaited must be closed, not left to warn
        self._processes.clear()
        for task in self._running:
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)

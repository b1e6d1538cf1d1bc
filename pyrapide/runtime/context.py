"""ModuleContext: what a module instance uses to emit events, sleep and read the clock."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from threading import current_thread, get_ident
from typing import TYPE_CHECKING, Any, Final

from pyrapide.core.event import Event
from pyrapide.core.printable import brief_repr
from pyrapide.runtime.emitter import EmitError as EmitError
from pyrapide.runtime.emitter import Emitter
from pyrapide.runtime.traps import WAIT, Sleep, trap

if TYPE_CHECKING:
    from pyrapide.core import Computation
    from pyrapide.runtime.scheduler import Scheduler
    from pyrapide.runtime.system import System

CONTEXT_ATTR: Final = "__rapide_context__"

# The component whose module instance a System is building (its class called): a
# get_context() then, from the class's __init__, is told why there is no context yet.
_building: ContextVar[str | None] = ContextVar("pyrapide_building", default=None)


@contextmanager
def building(component: str) -> Iterator[None]:
    """While the module instance of ``component`` is built (see :func:`get_context`)."""
    token = _building.set(component)
    try:
        yield
    finally:
        _building.reset(token)


class ModuleContext:
    """The runtime side of one module instance bound to one component.

    ``component`` is the component's name (the source of the events it
    emits), ``system`` the running System, ``now`` the logical time. The
    scheduler it emits through is given to it by the system that built it.
    """

    __slots__ = ("_emitter", "_scheduler", "component", "instance", "interface", "system")

    def __init__(
        self,
        system: System,
        scheduler: Scheduler,
        component: str,
        instance: Any,
        interface: type | None,
        alphabet: Iterable[str],
    ) -> None:
        self.system = system
        self._scheduler = scheduler
        self.component = component
        self.instance = instance
        self.interface = interface
        # Names, checks and records what this component emits (compiled in the
        # compiled build; emit stays here, see pyrapide.runtime.emitter).
        self._emitter = Emitter(system, scheduler, component, interface, alphabet)

    @property
    def now(self) -> float:
        """The system's time: logical (0 at the start, moved on only by ``sleep``)
        unless the system was given another clock."""
        return self._scheduler.now

    @property
    def computation(self) -> Computation:
        """The system's computation (every event recorded so far)."""
        return self.system.computation

    @property
    def module_events(self) -> list[Event]:
        """The events this component emitted, in recording order."""
        return self.system.computation.events_by_source(self.component)

    async def emit(
        self,
        name: str,
        /,
        payload: Mapping[str, Any] | None = None,
        *,
        caused_by: Any = None,
        **fields: Any,
    ) -> Event:
        """Record event ``name`` (payload: ``payload`` updated with ``fields``) and
        deliver it. Returns once every ``connect`` delivery of it, and whatever
        those synchronously triggered, has been handled, and the next event
        this handler emits follows the last event of each of those deliveries
        (the return edge: the poset shows that it waited); pipe and agent
        deliveries happen later. ``caused_by`` (an Event, an event id or a list
        of them) adds causes to the automatic ones: one not in the computation
        raises EmitError, and one in another shape (a number, a mapping) TypeError.
        Raises EmitError when the component's interface does not declare ``name``,
        and PayloadError (a ValueError) when the payload does not fit the action's
        signature or could not be saved (see :mod:`pyrapide.types.payloads`).
        ``name`` is positional only, so that a field may be called ``name``
        (``emit("User.created", name="ada")``); fields called ``payload`` or
        ``caused_by`` go in ``payload``.

        Called outside the system's handlers (say, from an asyncio task of your
        own), it records the event as a root and returns at once; its deliveries
        run with the rest of the queue. Once the system is stopped (its run is
        over, or it was reset), or called from a thread other than the system's
        (its event loop's), it raises EmitError and records nothing.
        """
        if get_ident() != self._scheduler.thread:
            raise EmitError(foreign_thread(f"{self.component} cannot emit {name!r}"))
        event = self._emitter.emit(name, payload, fields, caused_by)
        if not isinstance(event, Event):  # it waits: before it records, or on its connects
            event = await self._emit_waiting(event, name, payload, fields, caused_by)
        return event

    async def _emit_waiting(
        self,
        outcome: Event | str | tuple[Event],
        name: str,
        payload: Mapping[str, Any] | None,
        fields: dict[str, Any],
        caused_by: Any,
    ) -> Event:
        """``emit`` when its event must wait (see Emitter.emit): ``outcome`` is the trap
        to wait on before recording (held by ``max_events`` until the bound is raised,
        or this handler's ``generate_event`` deliveries running first: the event follows
        them), or the event recorded, in a 1-tuple, whose connect deliveries run on."""
        emitter = self._emitter
        while isinstance(outcome, str):
            await trap(outcome)
            outcome = emitter.emit(name, payload, fields, caused_by)
        if isinstance(outcome, tuple):
            await trap(WAIT)
            return outcome[0]
        return outcome

    def generate_event(
        self,
        name: str,
        payload: Mapping[str, Any] | None = None,
        caused_by: Any = None,
    ) -> Event:
        """Record and deliver ``name`` without waiting (the PyRapide 0.3.0 form).

        Its ``connect`` deliveries run before this handler runs again: the
        handler's next ``await`` (its next ``emit`` included, or its end) waits
        for them, and the event it emits next follows what they emitted, as
        after ``emit``. (Events generated before that, with no ``await`` in
        between, cannot follow them: they have not run yet.) Raises EmitError, as
        ``emit`` does, once the system is stopped or from another thread.
        """
        self._refuse_if_stopped(name)
        if get_ident() != self._scheduler.thread:
            raise EmitError(foreign_thread(f"{self.component} cannot emit {name!r}"))
        if self._scheduler.over_event_limit():
            raise EmitError(f"{self.component} cannot emit {name!r}: the run reached max_events")
        return self._emitter.record(name, payload, {}, caused_by)

    async def sleep(self, delay: float) -> None:
        """Wait ``delay`` units of logical time (deterministic; no wall time passes
        unless the system runs in real time). ``delay`` is a finite number, 0 or more:
        NaN would never come due, and infinity would move the clock where no event
        stamped after it could be saved. Raises ValueError for anything else (a bool
        too, as every other time the library takes refuses one)."""
        if (
            not isinstance(delay, (int, float))
            or isinstance(delay, bool)
            or not 0 <= delay < math.inf
        ):
            raise ValueError(
                "sleep() needs a finite, non-negative number of time units, "
                f"got {brief_repr(delay)}"
            )
        if self._scheduler.current is None:
            raise RuntimeError(
                "ctx.sleep() works inside the system's handlers and hooks; "
                "elsewhere use asyncio.sleep()"
            )
        await trap(Sleep(float(delay)))

    def _refuse_if_stopped(self, name: object) -> None:
        if self._scheduler.closing:
            raise self._emitter.stopped(name)

    def __repr__(self) -> str:
        return f"<ModuleContext {self.component}>"


def foreign_thread(refused: str) -> str:
    """Why ``refused`` (``bell cannot emit 'Bell.rang'``) was, called from this thread:
    a system's state is its event loop thread's alone, and a write from another, at
    any moment, would corrupt it."""
    return (
        f"{refused} from thread {current_thread().name!r}: a system runs in the thread "
        "of its event loop; hand it the emit there (asyncio.run_coroutine_threadsafe, "
        "loop.call_soon_threadsafe)"
    )


def get_context(instance: Any) -> ModuleContext:
    """The context of a module instance: the ModuleContext of one a System built, or
    the LocalContext of one run by hand (see :mod:`pyrapide.runtime.processes`), which
    emits alike but has no clock, sleep or system. It is typed as the first, what a
    handler's code is written against; this module stays Python in the compiled build,
    so that annotation is not checked as it returns.

    Raises RuntimeError for an instance that has neither (one you built yourself, or
    one whose ``__init__`` asks while the system builds it: the context comes after).
    """
    try:
        # CONTEXT_ATTR, read as an attribute: the interpreter specializes the load (a
        # handler asks on every delivery), where getattr() is a call.
        context = instance.__rapide_context__
    except AttributeError:
        context = None
    if context is None:
        component = _building.get()
        if component is not None:
            raise RuntimeError(
                f"{type(instance).__qualname__} instance has no runtime context yet: the "
                f"system is building component {component!r}, and gives the instance its "
                "context once built; call get_context() in start() or a handler, not "
                "in __init__"
            )
        raise RuntimeError(
            f"{type(instance).__qualname__} instance has no runtime context: only the "
            "instances a System builds have one (bind the architecture and start it)"
        )
    return context

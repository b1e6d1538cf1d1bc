"""Emitter: how one component's emits are named, checked and recorded.

The recording half of ``ModuleContext.emit``, kept apart so that the compiled build
compiles it: ``emit`` itself stays in :mod:`pyrapide.runtime.context`, plain Python,
since its signature (``name`` positional only, so that a field may be called
``name``) is one mypyc does not keep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from pyrapide.core.frozendict import SCALARS, freeze_values
from pyrapide.core.printable import brief_repr
from pyrapide.runtime.modules import module_spec
from pyrapide.runtime.traps import SUSPEND, WAIT
from pyrapide.types import action_spec, interface_actions, interface_name, unmarked_action
from pyrapide.types.payloads import payload_checker

# Read on every emit: Final, a C static in the compiled build (see the scheduler's constants).
_SCALARS: Final = SCALARS
_WAIT: Final = WAIT
_SUSPEND: Final = SUSPEND

if TYPE_CHECKING:
    from pyrapide.core import Event
    from pyrapide.runtime.routing import Route
    from pyrapide.runtime.scheduler import Scheduler
    from pyrapide.runtime.system import System

# An event name as emitted: its qualified name, the check of its payloads, its routes.
_Plan = tuple[str, Callable[[Mapping[str, Any]], None], "tuple[Route, ...]"]


class EmitError(ValueError):
    """A module tried to emit an event its interface does not declare, or bad causes."""


class Emitter:
    """Turns what a component emits into recorded events: the qualified name, the
    payload (checked against the interface's action) and the causes."""

    __slots__ = ("_emits", "_qualified", "_scheduler", "_system", "component", "interface")

    def __init__(
        self,
        system: System,
        scheduler: Scheduler,
        component: str,
        interface: type | None,
        alphabet: Iterable[str],
    ) -> None:
        self._system = system
        self._scheduler = scheduler
        self.component = component
        self.interface = interface
        qualified: dict[str, str] = {}
        short_names: dict[str, list[str]] = {}
        for name in alphabet:
            qualified[name] = name
            short_names.setdefault(name.rsplit(".", 1)[-1], []).append(name)
        for short, names in short_names.items():
            if len(names) == 1:
                qualified.setdefault(short, names[0])
        # Accepted name -> qualified event name; empty when the interface declares
        # no actions, and then any name may be emitted.
        self._qualified = qualified
        # Name as emitted -> its qualified name, payload check and routes (see _plan_emit).
        self._emits: dict[str, _Plan] = {}

    def emit(
        self, name: object, payload: object, fields: dict[str, Any], caused_by: Any
    ) -> Event | str | tuple[Event]:
        """What ``ModuleContext.emit`` does short of waiting: the recorded event; or,
        when it must wait first, the trap to wait on before calling again (SUSPEND:
        ``max_events`` was reached; WAIT: connect deliveries of the handler's
        ``generate_event`` calls are still running); or the recorded event in a 1-tuple
        when its own connect deliveries did not all finish at once (see
        Scheduler.call_connects). Raises EmitError once the system is stopped."""
        scheduler = self._scheduler
        if scheduler.closing:
            raise self.stopped(name)
        task = scheduler.current
        if task is not None:
            limit = scheduler.max_events
            if limit is not None and scheduler.recorded_count >= limit:
                return _SUSPEND  # held until the bound is raised, or closed at stop()
            if task.outstanding:
                return _WAIT  # generate_event's deliveries first: this event follows them
        event = self.record(name, payload, fields, caused_by, True)
        if task is not None and task.outstanding:
            return (event,)
        return event

    def stopped(self, name: object) -> EmitError:
        """Why ``name`` cannot be emitted once the system is stopped: its tasks are
        closed, so nothing would run what the event is delivered to, and it would lie
        in a finished computation with its dispatches pending forever."""
        return EmitError(
            f"{self.component} cannot emit {name!r}: the system is stopped "
            "(its run is over; reset() starts it over)"
        )

    def record(
        self,
        name: object,
        payload: object,
        fields: dict[str, Any],
        caused_by: Any,
        awaited: bool = False,
    ) -> Event:
        """Record event ``name`` (payload: ``payload`` updated with ``fields``) as the
        current task's, or as a root outside the system's handlers; raises EmitError
        or PayloadError as ``ModuleContext.emit`` says, and records nothing then.
        ``awaited``: the emitter waits on the event's connect deliveries (``emit``,
        not ``generate_event``), which may then run at once (Scheduler.call_connects)."""
        plan = self._emits.get(name) if type(name) is str else None
        if plan is None:
            plan = self._plan_emit(name)
        qualified, check, routes = plan
        if payload is None:
            data = fields  # a dict of its own: the ``**fields`` of this call, or {}
        elif isinstance(payload, Mapping):
            data = {**payload, **fields}
        else:
            raise EmitError(
                f"{self.component} emitting {qualified}: payload must be a dict, "
                f"got {type(payload).__name__}{self._by_name_hint(name, qualified)}"
            )
        extra = (
            ()
            if caused_by is None
            else self._system.resolve_events(caused_by, f"{self.component} emitting {qualified}")
        )
        check(data)
        for value in data.values():  # the usual payload holds scalars alone: no call
            if type(value) not in _SCALARS:
                freeze_values(data)  # the lists and objects inside, recorded read-only
                break
        scheduler = self._scheduler
        task = scheduler.current
        event = scheduler.record(qualified, data, self.component, extra, task, routes)
        if awaited and task is not None and task.outstanding and scheduler.call_until:
            scheduler.call_connects(task)
        return event

    def _by_name_hint(self, name: object, qualified: str) -> str:
        """``; give the fields by name: emit('opened', by=...)``, for a payload given
        as a value of its own (``emit("opened", "me")``): the fields of the action."""
        spec = action_spec(self.interface, qualified)
        if spec is None or not spec.params:
            return ""
        named = ", ".join(f"{param.name}=..." for param in spec.params)
        return f"; give the fields by name: emit({name!r}, {named})"

    def _plan_emit(self, name: object) -> _Plan:
        """The qualified name of event ``name``, the check of its payloads and the routes
        its events take, worked out on its first emit (EmitError for a name the
        interface does not declare)."""
        if not isinstance(name, str):
            raise EmitError(f"{self.component}: an event name is a string, got {brief_repr(name)}")
        qualified = self._qualify(name)
        check = payload_checker(action_spec(self.interface, qualified), qualified)
        routes = self._scheduler.router.routes_of(qualified, self.component)
        plan = qualified, check, routes
        self._emits[name] = plan
        return plan

    def _qualify(self, name: str) -> str:
        if not self._qualified:
            return name
        try:
            return self._qualified[name]
        except KeyError:
            allowed = sorted({v for v in self._qualified.values()})
            raise EmitError(
                f"{self.component} cannot emit {name!r}: its interface declares "
                + ", ".join(allowed)
                + (self._unmarked_hint(name) or self._narrower_interface_hint(name))
            ) from None

    def _unmarked_hint(self, name: str) -> str:
        """Why ``name``, a method of the component's interface, is no event: it is not
        marked @action."""
        if self.interface is None:
            return ""
        qualified = name if "." in name else f"{interface_name(self.interface)}.{name}"
        unmarked = unmarked_action((self.interface,), qualified)
        return f"; {unmarked}" if unmarked else ""

    def _narrower_interface_hint(self, name: str) -> str:
        """Why a name the module's own interface declares is refused: the architecture
        declares the component with another interface (a base of the module's, say),
        and a component emits the actions of the interface it is declared with."""
        instance = self._system.modules.get(self.component)
        implements = None if instance is None else module_spec(type(instance)).implements
        if implements is None or implements is self.interface or self.interface is None:
            return ""
        short = name.rsplit(".", 1)[-1]
        declared = [own for own in interface_actions(implements) if own.rsplit(".", 1)[-1] == short]
        if not declared or ("." in name and name not in declared):
            return ""
        if short in self._qualified:  # an action the declared interface has too
            return (
                f" (the architecture declares {self.component} as "
                f"{self.interface.__qualname__}: emit it as {self._qualified[short]})"
            )
        return (
            f" (its module implements {implements.__qualname__}, which declares {declared[0]}, "
            f"but the architecture declares {self.component} as "
            f"{self.interface.__qualname__}: declare it as {implements.__qualname__} to emit it)"
        )

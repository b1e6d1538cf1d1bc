"""Engine: PyRapide 0.3.0's way to bind and run an architecture, on the System runtime."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Generator
from typing import Any, Final

from pyrapide.architecture import check_bindings, is_architecture
from pyrapide.core import Computation, Event
from pyrapide.patterns.algebra import BasicPattern, Pattern, basic_parts
from pyrapide.runtime.handlers import handlers_told
from pyrapide.runtime.modules import module_spec
from pyrapide.runtime.notifications import DeliveryUnhandled, Notification, StateChanged
from pyrapide.runtime.running import RunState
from pyrapide.runtime.system import System


class Engine:
    """Bind modules one component at a time, then run the architecture.

    ::

        engine = Engine()
        engine.bind(arch, "sender", SenderModule)
        computation = await engine.run(arch, timeout=2.0)

    ``run`` returns as soon as the system is quiescent (``timeout`` only bounds
    a run that would not end), and raises what a handler raised, as 0.3.0's did.
    Components left unbound receive nothing. Options of System (``seed``,
    ``max_events``, ...) may be given to the constructor.
    """

    def __init__(self, **system_options: Any) -> None:
        self._bindings: dict[type, dict[str, Any]] = {}
        self._options = system_options
        self._early: list[tuple[Event, Any]] = []
        self.system: System | None = None

    def bind(self, arch: Any, component_name: str, module_class: type) -> None:
        """Bind ``module_class`` to the component ``component_name`` of ``arch``
        (an architecture class or instance). Raises ArchitectureError for an
        unknown component or a module that does not conform to its interface."""
        arch_cls = arch if isinstance(arch, type) else type(arch)
        check_bindings(arch_cls, {component_name: module_class}, partial=True)
        self._bindings.setdefault(arch_cls, {})[component_name] = module_class

    async def run(
        self, arch: Any, timeout: float | None = None, *, raise_errors: bool = True
    ) -> Computation:
        """Start the modules, run until quiescent (or ``timeout`` seconds), stop them,
        and return the computation.

        ``arch`` is the architecture class or an instance of it; an instance made
        with arguments runs the connections and constraints its methods declare
        for it (see :func:`~pyrapide.architecture.declaration.declared_by`).

        As in PyRapide 0.3.0, an exception raised by a handler or a hook comes out
        of ``run``, so ``except`` clauses written for it still catch it; an emit
        the runtime refuses (a name the interface does not declare, a payload that
        does not fit its action) is such an exception. The run goes on to the end
        first, so ``engine.computation`` holds everything recorded; then the first
        exception is raised, with a note counting them when there are others. With
        ``raise_errors=False`` they are only kept, in ``engine.system.errors``.

        A bound that cut the run's work short (a synchronous cycle stopped at
        ``max_connect_depth``, an event storm at ``max_events``) is a
        RuntimeWarning saying so, with everything in ``engine.system.limits``; the
        timeout is not, since ending the run is what it is for. So is a delivery
        that none of its target's ``@when`` handlers could take whatever its fields:
        none names its event, or those that do take more events than one delivery
        brings (a handler is matched among the events of one delivery: ``A -> B``
        where each connection brings one event). A handler that names the event and
        declines it for its fields or guard is filtering, and a component left
        unbound receives nothing by design: neither is warned of. A connection whose
        pattern names a bound module's class as its source (``source="SenderModule"``)
        is warned of as the run begins: an event's source is its component's name.
        So is a module that emitted an event one of its own handlers takes when no
        connection delivers that event back to it: 0.3.0 ran a module's handlers on
        its own events, and here a module hears only what is delivered to it.
        """
        arch_cls = arch if isinstance(arch, type) else type(arch)
        system = System(
            arch, self._bindings.get(arch_cls, {}), allow_unbound=True, **self._options
        )
        self.system = system
        for event, caused_by in self._early:
            system.inject_event(event, caused_by)
        self._early.clear()
        _warn_of_module_sources(system)
        unhandled = _Unhandled(system)
        system.subscribe(unhandled.note, kinds=[DeliveryUnhandled])
        computation = await system.run(timeout=timeout)
        _warn_of_cuts(system)
        unhandled.warn()
        _warn_of_own_events_unheard(system)
        if raise_errors and system.errors:
            first = system.errors[0].error
            if len(system.errors) > 1:
                first.add_note(
                    f"the first of {len(system.errors)} handler errors, all in engine.system.errors"
                )
            raise first
        return computation

    def inject(self, event: Event, caused_by: Event | None = None) -> _Injected:
        """Record ``event`` from outside (caused by ``caused_by`` if given) and
        deliver it. Before ``run``, it is kept and recorded when the run begins. An
        event the computation already holds is refused, as
        :meth:`System.inject_event` refuses it.

        The event is injected by the call itself; what it returns may also be
        awaited (to None), as PyRapide 0.3.0's coroutine was:
        ``await engine.inject(event)``."""
        if not isinstance(event, Event):
            raise TypeError(f"inject() takes an Event, got {type(event).__name__}")
        if self.system is None or self.system.state is RunState.STOPPED:
            self._early.append((event, caused_by))
        else:
            self.system.inject_event(event, caused_by)
        return _INJECTED

    async def wait(self, timeout: float | None = None) -> None:
        """Wait until the running system is quiescent (or stopped). Raises
        TimeoutError after ``timeout`` seconds."""
        system = self.system
        if system is None or system.state in (RunState.QUIET, RunState.STOPPED, RunState.IDLE):
            return
        settled = asyncio.Event()

        def on_state(note: Any) -> None:
            if note.state in (RunState.QUIET, RunState.STOPPED):
                settled.set()

        unsubscribe = system.subscribe(on_state, kinds=[StateChanged])
        try:
            await asyncio.wait_for(settled.wait(), timeout)
        finally:
            unsubscribe()

    @property
    def violations(self) -> list[Any]:
        """Constraint violations found during the last run."""
        return [] if self.system is None else list(self.system.violations)

    @property
    def computation(self) -> Computation | None:
        """The computation of the last run (None before any)."""
        return None if self.system is None else self.system.computation


class _Injected:
    """What ``Engine.inject`` returns: done already, and awaitable (to None) for code
    written for PyRapide 0.3.0, whose ``inject`` was a coroutine."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield  # a generator that finishes at once

    def __repr__(self) -> str:
        return "<injected>"


_INJECTED: Final = _Injected()


def _warn_of_cuts(system: System) -> None:
    """A RuntimeWarning for the first bound (other than the timeout) that cut the
    run's work short, counting the others: the program did less than it says."""
    cuts = [note for note in system.limits if note.limit != "timeout"]
    if cuts:
        more = f" ({len(cuts) - 1} more cuts)" if len(cuts) > 1 else ""
        warnings.warn(
            f"engine.run: {cuts[0].message}{more}; all in engine.system.limits",
            RuntimeWarning,
            stacklevel=3,
        )


def _module_class(module: Any) -> type | None:
    """The module class of a binding (a class, or an instance of one); None for an
    architecture bound as a component."""
    cls = module if isinstance(module, type) else type(module)
    return None if is_architecture(cls) else cls


def _warn_of_module_sources(system: System) -> None:
    """A RuntimeWarning for each connection whose pattern names, as a source, the class
    of a module bound here rather than its component: no event carries such a source
    (a module's events carry its component's name), so the connection never fires."""
    bound_to = {
        cls.__name__: component
        for component, module in system.bindings.items()
        if (cls := _module_class(module)) is not None
    }
    for connection in system.description.connections:
        for source in connection.unknown_sources:
            component = bound_to.get(source)
            if component is not None:
                warnings.warn(
                    f"engine.run: connection #{connection.index} ({connection.kind} "
                    f"{connection.pattern} -> {connection.target}) names the source "
                    f"{source!r}, the module bound to {component!r}; an event's source is "
                    f"its component's name ({component!r}), so it never fires for that "
                    "module's events",
                    RuntimeWarning,
                    stacklevel=3,
                )


def _warn_of_own_events_unheard(system: System) -> None:
    """A RuntimeWarning for the first event a module emitted that one of its own
    ``@when`` handlers names outright, where no connection delivers an event of that name back
    to its component: code written for 0.3.0, which ran a module's handlers on its own
    events, loops that way and here stops after the first event."""
    for component, module in system.bindings.items():
        cls = _module_class(module)
        if cls is None or not (handlers := module_spec(cls).handlers):
            continue
        into = [
            system.hierarchy.connections[connection.index].pattern
            for connection in system.description.connections_into(component)
        ]
        decided: set[str] = set()  # each name is judged at its first event
        for event in system.computation.events_by_source(component):
            name = event.name
            if name in decided:
                continue
            decided.add(name)
            if any(_names(part, name) for pattern in into for part in basic_parts(pattern)):
                continue
            for handler in handlers:
                # Named outright: a handler of any event ("*") is not meant to loop.
                if any(name in (part.event_names() or ()) for part in basic_parts(handler.pattern)):
                    warnings.warn(
                        f"engine.run: {component} emitted {name} ({event.id}), which its "
                        f"handler {cls.__qualname__}.{handler.method_name} takes, but no "
                        f"connection delivers {name} to {component}, so the handler never "
                        "ran for it: a module hears only what connections deliver to it "
                        "(PyRapide 0.3.0 ran a module's handlers on its own events); to "
                        f'loop it back, add pipe(Pattern.match("{name}"), "{component}")',
                        RuntimeWarning,
                        stacklevel=3,
                    )
                    return


def _naming(system: System, dispatch: Any) -> list[Any] | None:
    """The patterns of the ``@when`` handlers of ``dispatch``'s target that name its
    event (or any); None for a target with no module bound, or an architecture."""
    module = system.bindings.get(dispatch.target)
    cls = None if module is None else _module_class(module)
    if cls is None:
        return None
    name = dispatch.event.name
    patterns = [handler.pattern for handler in module_spec(cls).handlers]
    return [p for p in patterns if any(_names(part, name) for part in basic_parts(p))]


def _names(part: Pattern, name: str) -> bool:
    """Whether the basic pattern ``part`` can match an event called ``name``: a name
    with ``*`` in it (``Valve.*``) only the names it completes."""
    if isinstance(part, BasicPattern):
        return part.matches_name(name)
    names = part.event_names()
    return names is None or name in names


def _never_takes(system: System, dispatch: Any) -> bool:
    """Whether no ``@when`` handler of the module bound to ``dispatch``'s target could
    take a delivery like it, whatever its fields: none names its event, or those that
    do take more events than it brings. False for an unbound target."""
    naming = _naming(system, dispatch)
    brings = len(dispatch.match.events)
    return naming is not None and all(p.fewest_events() > brings for p in naming)


class _Unhandled:
    """The deliveries of a run that no handler of their target could ever take (see
    :func:`_never_takes`), as :meth:`warn` tells of them: the first, and how many. A
    run may make millions of them: each is decided once per target, event name and
    number of events, and none is kept."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.first: DeliveryUnhandled | None = None
        self.count = 0
        self._decided: dict[tuple[str, str, int], bool] = {}

    def note(self, note: Notification) -> None:
        """Count ``note``'s delivery if no handler could ever take one like it."""
        if not isinstance(note, DeliveryUnhandled):  # subscribed to those alone
            return
        dispatch = note.dispatch
        kind = (dispatch.target, dispatch.event.name, len(dispatch.match.events))
        never = self._decided.get(kind)
        if never is None:
            never = self._decided[kind] = _never_takes(self.system, dispatch)
        if never:
            self.count += 1
            if self.first is None:
                self.first = note

    def warn(self) -> None:
        """A RuntimeWarning naming the first such delivery and its target's handlers,
        counting the others: what those events would have caused never was."""
        if self.first is None:
            return
        first = self.first.dispatch
        told = handlers_told(self.first.handlers)
        more = f" and {self.count - 1} more" if self.count > 1 else ""
        why = (
            "a handler is matched among the events of one delivery, and "
            if _naming(self.system, first)  # handlers of its event, wanting more events
            else ""
        )
        warnings.warn(
            f"engine.run: no @when handler took the delivery of {first.event.name} "
            f"({first.event.id}) to {first.target}{more} ({told}); {why}"
            f"engine.system.why_not({first.event.id!r}) tells more",
            RuntimeWarning,
            stacklevel=3,
        )

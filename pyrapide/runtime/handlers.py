"""Which ``@when`` handlers of a component a delivery runs, each with its own match."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

from pyrapide.architecture.hierarchy import parent_path
from pyrapide.core.printable import counted
from pyrapide.patterns import BasicPattern
from pyrapide.patterns.engine import one_event_test
from pyrapide.patterns.operators import guards_in
from pyrapide.runtime.modules import module_spec
from pyrapide.runtime.routing import Router

if TYPE_CHECKING:
    from pyrapide.architecture import Connection
    from pyrapide.core import Computation, Event
    from pyrapide.patterns import Pattern, PatternMatch
    from pyrapide.patterns.operators import GuardedPattern

HandlerCall = tuple[Callable[..., Any], Any]
"""A handler to call and what to call it with (a match; None for a hook)."""

_COROUTINE = inspect.CO_COROUTINE

HANDLERS_TOLD: Final = 3
"""The handlers a line telling of a delivery none of them took names at most (a module
may have dozens); the rest are counted."""


def handlers_told(described: Sequence[str], at_most: int | None = HANDLERS_TOLD) -> str:
    """``A.on_x handles X; A.on_y handles Y; and 5 more handlers``: a target's handlers
    (as :meth:`HandlerTable.described` words them) as a line telling of a delivery none
    of them took names them, the first ``at_most`` (all with None) and the rest counted;
    ``its module has no @when handler`` when it has none."""
    if not described:
        return "its module has no @when handler"
    shown = described if at_most is None else described[:at_most]
    rest = len(described) - len(shown)
    more = f"; and {counted(rest, 'more handler')}" if rest else ""
    return "; ".join(shown) + more


def is_async_function(handler: Callable[..., Any]) -> bool:
    """Whether ``handler`` is an ``async def`` function or method: calling it runs
    none of its code, so the coroutine it returns can be driven as the task (read
    off its code's flags, as cheap as a lookup would be)."""
    code = getattr(getattr(handler, "__func__", handler), "__code__", None)
    return code is not None and bool(code.co_flags & _COROUTINE)


class _Plan:
    """One handler of one component, as a delivery through one connection meets it."""

    __slots__ = (
        "always",
        "guards",
        "method",
        "name_only",
        "names",
        "one_event",
        "pattern",
        "scope",
    )

    def __init__(
        self,
        method: Callable[..., Any],
        pattern: Pattern,
        names: frozenset[str] | None,
        connection: Connection,
        scope: str,
    ) -> None:
        self.method = method
        self.pattern = pattern
        self.names = names
        # The architecture the component is in ("" for the outermost): a source the
        # pattern names is a component of it, as in that architecture's connections.
        self.scope = scope
        # One whose pattern is a single basic pattern tests a one-event delivery
        # directly (a basic pattern's matcher keeps no state between events).
        self.one_event: Callable[[Event], PatternMatch | None] | None = (
            one_event_test(pattern, scope) if isinstance(pattern, BasicPattern) else None
        )
        self.guards: tuple[GuardedPattern, ...] = guards_in(pattern)
        # A basic pattern that asks only for an event name ("*": any) matches a
        # one-event delivery of that name as the match delivered, when that binds
        # nothing: it is handed that match, not one made again. (A name with "*" in
        # it, "Sensor.*", is tested by its pattern, through ``one_event``.)
        self.name_only: str | None = (
            pattern.event_name
            if isinstance(pattern, BasicPattern)
            and pattern.name_glob is None
            and pattern.source_matcher is None
            and not pattern.field_matchers
            else None
        )
        # It takes every match the connection delivers as is, without a look at it:
        # its pattern is the connection's (the guards, if any, were judged and
        # reported when the event was routed), or each such match is one event of its
        # name binding nothing (the usual handler, on the event name a source-filtered
        # connection carries).
        delivered = connection.pattern
        self.always = pattern == delivered or (
            self.name_only is not None
            and isinstance(delivered, BasicPattern)
            and not delivered.placeholder_names()
            and self.name_only in ("*", delivered.event_name)
        )

    def takes_as_delivered(self, match: PatternMatch) -> bool:
        """Whether this handler is handed ``match`` itself: its pattern is the
        connection's, or a name alone (or "*") and ``match`` one event of that name
        that binds nothing."""
        if self.always:
            return True
        name = self.name_only
        if name is None or not match.binds_nothing():
            return False
        events = match.events
        return len(events) == 1 and (name == "*" or events[0].name == name)


class HandlerTable:
    """The handlers of each started module, and the calls a delivery makes.

    Filled by ``System.start`` as it builds each module (:meth:`add_module`);
    guard errors met while choosing handlers are reported through ``router``.
    """

    __slots__ = ("_computation", "_handlers", "_plans", "_router", "_sole")

    def __init__(self, computation: Computation, router: Router) -> None:
        self._computation = computation
        self._router = router
        self._handlers: dict[str, list[tuple[Callable[..., Any], Pattern, frozenset[str] | None]]]
        self._handlers = {}
        # (component, connection index) -> its handlers' plans for that connection.
        self._plans: dict[tuple[str, int], list[_Plan]] = {}
        # Connection index -> the plan of its target's handlers for it when it is the
        # only one and its handler an ``async def`` (else None): see sole_handler. (The
        # index alone: a number hashes at once, where a key of two makes a tuple.)
        self._sole: dict[int, _Plan | None] = {}

    def add_module(self, component: str, instance: Any) -> None:
        """Register the ``@when`` handlers of ``instance``, bound to ``component``."""
        self._handlers[component] = [
            (getattr(instance, spec.method_name), spec.pattern, spec.pattern.event_names())
            for spec in module_spec(type(instance)).handlers
        ]

    def described(self, component: str, brings: int | None = None) -> tuple[str, ...]:
        """``component``'s ``@when`` handlers in words, each ``Module.method handles
        PATTERN`` (what a delivery none of them took is told with); with ``brings``, the
        events a delivery brought, a pattern that takes more says so."""
        described = []
        for method, pattern, _ in self._handlers.get(component, ()):
            text = f"{getattr(method, '__qualname__', method)} handles {pattern}"
            fewest = pattern.fewest_events()
            if brings is not None and fewest > brings:
                text += f", which takes {fewest} events at least and a delivery brings {brings}"
            described.append(text)
        return tuple(described)

    def calls_for(
        self, component: str, match: PatternMatch, connection: Connection
    ) -> list[HandlerCall]:
        """The handlers of ``component`` that a delivery of ``match`` through
        ``connection`` runs, each with its own match among the delivered events
        (the last one its pattern completes)."""
        calls: list[HandlerCall] = []
        events = match.events
        for plan in self._plans_for(component, connection):
            if plan.takes_as_delivered(match):
                calls.append((plan.method, match))
                continue
            if plan.name_only is not None and len(events) == 1 and match.binds_nothing():
                continue  # an event of another name
            if plan.one_event is not None and len(events) == 1:
                own = plan.one_event(events[0])  # a basic pattern: no guards; it tests the name
                if own is not None:
                    calls.append((plan.method, own))
                continue
            names = plan.names
            if names is not None and not any(e.name in names for e in events):
                continue
            guards = plan.guards
            failed = [guard.guard_error_count for guard in guards] if guards else None
            own = self._match_among(plan.pattern, events, plan.scope)
            if failed is not None:
                self._router.report_guard_errors(
                    guards, failed, component, events[-1], connection
                )
            if own is not None:
                calls.append((plan.method, own))
        return calls

    def sole_handler(
        self, match: PatternMatch, connection: Connection
    ) -> Callable[..., Any] | None:
        """The handler of ``connection``'s target (a component) to call with ``match``
        itself, when that one call is all that ``calls_for`` would return and the
        handler is an ``async def``; else None."""
        index: int = connection.index  # type: ignore[assignment]  # a system's: numbered
        try:
            plan = self._sole[index]
        except KeyError:
            plans = self._plans_for(connection.target, connection)  # type: ignore[arg-type]
            only = len(plans) == 1 and is_async_function(plans[0].method)
            plan = self._sole[index] = plans[0] if only else None
        if plan is None or not (plan.always or plan.takes_as_delivered(match)):
            return None  # (``always`` asked first: the usual plan, without a call)
        return plan.method

    def _plans_for(self, component: str, connection: Connection) -> list[_Plan]:
        key = (component, connection.index)
        plans = self._plans.get(key)  # type: ignore[arg-type]
        if plans is None:
            plans = self._plans[key] = [  # type: ignore[index]
                _Plan(method, pattern, names, connection, parent_path(component))
                for method, pattern, names in self._handlers.get(component, ())
            ]
        return plans

    def _match_among(
        self, pattern: Pattern, events: tuple[Event, ...], scope: str
    ) -> PatternMatch | None:
        # Guard errors are reported as GuardError, not warned of.
        matcher = pattern.matcher(warn_guard_errors=False, scope=scope)
        found = None
        poset = self._computation.poset
        ordered = events if len(events) == 1 else sorted(events, key=poset.seq)
        for event in ordered:
            matches = matcher.feed(event, poset)
            if matches:
                found = matches[-1]
        return found

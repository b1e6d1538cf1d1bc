"""Routing: which connections an event is offered to, what they match, and what they decided.

Routing is by pattern alone (DESIGN §4): every recorded event is offered to every
connection whose pattern could match it, each connection's live matcher says
which new matches the event completes, and each match becomes a dispatch. The
:class:`Router` keeps the connections' matchers, reports the errors of their
guards, and keeps a compact log of which dispatch each connection made for which
event, from which ``System.why_not`` explains what happened to an event.

In a system with nested architectures, "every connection" is every connection
of the architectures the event reaches (:meth:`Hierarchy.offered_in
<pyrapide.architecture.Hierarchy.offered_in>`): the one it was emitted in, and
those around it while its name is an action of the component it comes out of.
A connection delivering to a nested architecture makes the event *enter* it:
the nested architecture's connections are offered it then (:meth:`Router.entry_routes`).
"""

from __future__ import annotations

import bisect
import traceback
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pyrapide.architecture import Connection, ConnectionKind, Delivery
from pyrapide.patterns import BasicPattern, Placeholder
from pyrapide.patterns.algebra import is_from, scoped_source
from pyrapide.patterns.engine import one_event_test
from pyrapide.patterns.operators import GuardedPattern, guards_in
from pyrapide.runtime.notifications import GuardError, keep_error

if TYPE_CHECKING:
    from pyrapide.architecture import Hierarchy
    from pyrapide.core import Event, Poset
    from pyrapide.patterns import PatternMatch
    from pyrapide.runtime.queues import PipeLane
    from pyrapide.runtime.reporting import Reporter


class Route:
    """One connection as the scheduler uses it: its live matcher and its target.

    ``scope`` is the path of the architecture the connection belongs to ("" for the
    outermost); ``enters`` the path of the nested architecture it delivers to
    (None when it delivers to a module or a callable).
    """

    __slots__ = (
        "calls",
        "certain",
        "connection",
        "enters",
        "guards",
        "index",
        "kind",
        "lane",
        "matcher",
        "name_glob",
        "names",
        "one_event",
        "pattern",
        "scope",
        "source",
        "target",
        "target_name",
    )

    def __init__(
        self, connection: Connection, lane: PipeLane | None = None, enters: str | None = None
    ) -> None:
        pattern = connection.pattern
        self.scope = scope = connection.scope
        self.enters = enters
        self.connection = connection
        self.pattern = pattern
        self.kind: ConnectionKind = connection.kind
        # True when the emitter waits for the delivery (a nested call).
        self.calls = self.kind.delivery is Delivery.CALL
        self.index: int = connection.index  # type: ignore[assignment]
        # Where a FIFO route's deliveries queue (None for the other deliveries).
        self.lane = lane
        # Routing reports guard errors as GuardError notifications (see Router.feed).
        self.matcher = pattern.matcher(warn_guard_errors=False, scope=scope)
        # A basic pattern (most routes) keeps no state between events: its match
        # of an event is tested directly, without the matcher's bookkeeping.
        self.one_event: Callable[[Event], PatternMatch | None] | None = (
            one_event_test(pattern, scope) if isinstance(pattern, BasicPattern) else None
        )
        # What an event must have for this route to be worth feeding it: one of
        # ``names`` (None: any) and, for a basic pattern naming one, ``source`` (a
        # path: the component of that name in the route's architecture, or inside it).
        self.names: frozenset[str] | None = pattern.event_names()
        # For a basic pattern whose name has "*" in it, the test of a name (so that
        # the route is offered only the names it completes); else None.
        self.name_glob = pattern.name_glob if isinstance(pattern, BasicPattern) else None
        source = pattern.source_matcher if isinstance(pattern, BasicPattern) else None
        self.source: str | None = scoped_source(scope, source) if isinstance(source, str) else None
        # True when every event the route is offered (see ``offered``, which tested its
        # name and source) matches it: a basic pattern with no field to test and no
        # placeholder to bind. Its match is then made without testing the event again.
        self.certain = (
            isinstance(pattern, BasicPattern)
            and not pattern.field_matchers
            and not isinstance(source, Placeholder)
        )
        self.target = connection.target
        self.target_name = (
            connection.target
            if isinstance(connection.target, str)
            else callable_name(connection.target)
        )
        # The guards in the pattern, whose failures routing reports (most routes: none).
        self.guards: tuple[GuardedPattern, ...] = guards_in(pattern)

    def offered(self, name: str, source: str) -> bool:
        """Whether an event of this name and source is worth feeding this route."""
        return (
            (self.names is None or name in self.names)
            and (self.name_glob is None or self.name_glob.matches(name))
            and (self.source is None or is_from(source, self.source))
        )


class Router:
    """The routes of one system, the guard errors they meet, and what they delivered.

    ``errors`` is the list the guard errors are appended to (the system's, shared
    with handler errors, in the order they happened); ``lanes`` the pipe lanes of
    the system's queues, by connection index, where each pipe route queues;
    ``hierarchy`` the system's architectures by path, when some component is an
    architecture (then ``connections`` are the hierarchy's).
    """

    __slots__ = (
        "delivered",
        "entry_cache",
        "errors",
        "hierarchy",
        "log_shift",
        "refused",
        "reporter",
        "route_cache",
        "routes",
        "unhandled_flag",
    )

    def __init__(
        self,
        connections: Iterable[Connection],
        reporter: Reporter,
        errors: list[Any],
        lanes: Mapping[int, PipeLane] | None = None,
        hierarchy: Hierarchy | None = None,
    ) -> None:
        lanes = lanes or {}
        if hierarchy is not None and hierarchy.is_flat:
            hierarchy = None
        self.hierarchy = hierarchy
        nested = frozenset(hierarchy.nested) if hierarchy is not None else frozenset()
        self.routes: tuple[Route, ...] = tuple(
            Route(
                connection,
                lanes.get(connection.index),  # type: ignore[arg-type]
                connection.target if connection.target in nested else None,
            )
            for connection in connections
        )
        self.reporter = reporter
        self.errors = errors
        # (event name, source) -> the routes such an event is offered to.
        self.route_cache: dict[tuple[str, str], tuple[Route, ...]] = {}
        # (architecture path, event name, source) -> the routes of that nested
        # architecture such an event is offered to when delivered into it.
        self.entry_cache: dict[tuple[str, str, str], tuple[Route, ...]] = {}
        # The delivery log: entry n - 1 is dispatch n (ids count from 1, one per
        # delivery made), the position in the poset of the event it delivered
        # shifted left by ``log_shift``, or-ed with the index of the connection that
        # made it. 8 bytes a dispatch, appended by the scheduler in id order, and so
        # in event order too (an event's dispatches are all made while it is routed).
        # Unsigned: an "I"/"Q" array converts an appended int directly, where a signed
        # one parses it as a function's argument (a quarter of queueing a dispatch).
        # The bit above the connection index, ``unhandled_flag``, is set on the entry
        # of a dispatch none of its target's handlers took (see mark_unhandled): told
        # by the entry every dispatch has anyway, not by a collection that grows.
        self.delivered = array("Q")
        index_bits = max(1, len(self.routes).bit_length())
        self.unhandled_flag = 1 << index_bits
        self.log_shift = index_bits + 1
        # (route index, event) of deliveries a bound refused (rare).
        self.refused: list[tuple[int, Event]] = []

    def routes_for(self, event: Event) -> tuple[Route, ...]:
        """The routes an event of this name and source is offered to, in order."""
        return self.routes_of(event.name, event.source)

    def routes_of(self, name: str, source: str) -> tuple[Route, ...]:
        """The routes an event ``name`` from ``source`` is offered to, in order (the
        same for the life of the router: an emitter may keep them)."""
        key = (name, source)
        routes = self.route_cache.get(key)
        if routes is None:
            scopes = self._scopes_reached(name, source)
            routes = tuple(r for r in self.routes if r.scope in scopes and r.offered(name, source))
            self.route_cache[key] = routes
        return routes

    def scopes_reached(self, event: Event) -> tuple[str, ...]:
        """The architectures (by path) whose connections ``event`` is offered to as it
        is recorded: ``("",)`` in a flat system (see ``Hierarchy.offered_in``)."""
        return self._scopes_reached(event.name, event.source)

    def _scopes_reached(self, name: str, source: str) -> tuple[str, ...]:
        if self.hierarchy is None:
            return ("",)
        return self.hierarchy.offered_in(source, name)

    def entry_routes(self, scope: str, event: Event) -> tuple[Route, ...]:
        """The routes of the nested architecture at ``scope`` that ``event`` is offered
        to when a connection delivers it into that architecture. None when it was
        emitted there or came out through it: its connections were offered it then,
        and an event is offered to a connection once."""
        key = (scope, event.name, event.source)
        routes = self.entry_cache.get(key)
        if routes is None:
            if scope in self.scopes_reached(event):
                routes = ()
            else:
                routes = tuple(
                    r for r in self.routes
                    if r.scope == scope and r.offered(event.name, event.source)
                )
            self.entry_cache[key] = routes
        return routes

    def feed(self, route: Route, event: Event, poset: Poset) -> list[PatternMatch]:
        """The new matches ``event`` completes for ``route``, its guards' errors reported."""
        guards = route.guards
        if not guards:
            test = route.one_event
            if test is not None:
                found = test(event)
                return [] if found is None else [found]
            return route.matcher.feed(event, poset)
        failed = [guard.guard_error_count for guard in guards]
        matches = route.matcher.feed(event, poset)
        self.report_guard_errors(guards, failed, route.target_name, event, route.connection)
        return matches

    def report_guard_errors(
        self,
        guards: Sequence[GuardedPattern],
        failed_before: list[int],
        component: str,
        event: Event,
        connection: Connection,
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
                note = GuardError(
                    seq=self.reporter.next_seq(),
                    component=component,
                    event=event,
                    dispatch=None,
                    error=error,
                    traceback=text,
                    connection=connection,
                )
                self.reporter.publish(note)
                keep_error(self.errors, note)

    # ------------------------------------------------------------- the log
    def delivered_for(self, position: int) -> list[tuple[int, int]]:
        """(dispatch id, connection index) of each dispatch made for the event at
        ``position`` in the poset, in id order."""
        log, shift = self.delivered, self.log_shift
        start = bisect.bisect_left(log, position << shift)
        end = bisect.bisect_left(log, (position + 1) << shift, lo=start)
        mask = self.unhandled_flag - 1
        return [(i + 1, log[i] & mask) for i in range(start, end)]

    def mark_unhandled(self, dispatch_id: int) -> None:
        """Note that none of its target's ``@when`` handlers took dispatch ``dispatch_id``."""
        self.delivered[dispatch_id - 1] |= self.unhandled_flag

    def was_unhandled(self, dispatch_id: int) -> bool:
        """Whether none of its target's ``@when`` handlers took dispatch ``dispatch_id``
        (False for one that has not run yet)."""
        return bool(self.delivered[dispatch_id - 1] & self.unhandled_flag)

    def unhandled_ids(self) -> set[int]:
        """The ids of every dispatch none of whose target's handlers took it, read
        from the whole log (for inspection; :meth:`was_unhandled` asks of one)."""
        flag = self.unhandled_flag
        return {i for i, entry in enumerate(self.delivered, 1) if entry & flag}


def callable_name(target: Callable[..., Any] | Any) -> str:
    """A connection target's name, for a target that is a callable."""
    return (
        getattr(target, "__qualname__", None) or getattr(target, "__name__", None) or repr(target)
    )

"""Why an event went where it went, and nowhere else: what each connection decided.

Deliveries are read from the router's log, guard errors from the system's
errors; the rest is worked out again from the patterns, which depend only on
the events recorded: a one-event pattern that matches the event's name, source
and fields and made no delivery had a guard that returned false; a composite
pattern that made none met parts that stand as it relates them but bind a
placeholder differently (or that its guard refused), or waits for the part no
recorded event fills yet.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pyrapide.architecture import Connection
from pyrapide.core.printable import message_of
from pyrapide.patterns import BasicPattern, Pattern, PatternMatch, Placeholder
from pyrapide.patterns.condition import Condition
from pyrapide.patterns.join import Context, meet
from pyrapide.patterns.match import freeze
from pyrapide.patterns.operators import (
    DisjunctionPattern,
    GuardedPattern,
    ImmediateSequencePattern,
    IndependencePattern,
    IterationPattern,
    JoinPattern,
    SequencePattern,
    TimedPattern,
)
from pyrapide.runtime.handlers import handlers_told
from pyrapide.runtime.notifications import GuardError
from pyrapide.types import interface_name

if TYPE_CHECKING:
    from pyrapide.core import Event, Poset
    from pyrapide.runtime.routing import Route, Router
    from pyrapide.runtime.scheduler import Scheduler


class Verdict(StrEnum):
    """What a connection decided for one event."""

    DELIVERED = "delivered"
    """It delivered a match that this event completed (``dispatch_ids``)."""
    IN_MATCH = "in match"
    """The event is part of a match another event completed, delivered then."""
    NOT_OFFERED = "not offered"
    """Its pattern names other events, or another source: the event was not offered."""
    NO_MATCH = "no match"
    """Offered, but its fields (or, for a composite, none of its parts) did not match."""
    GUARD_FALSE = "guard false"
    """It matched, and the pattern's guard returned false."""
    GUARD_RAISED = "guard raised"
    """It matched, and the pattern's guard raised (a GuardError was reported)."""
    WAITING = "waiting"
    """A part of its composite pattern matched; the match waits for another part."""
    REFUSED = "refused"
    """It matched, and a bound refused the delivery (``max_connect_depth``)."""


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """One connection's decision about one event: ``verdict``, ``detail`` in words,
    and the ``dispatch_ids`` that delivered it (for DELIVERED and IN_MATCH)."""

    connection: Connection
    verdict: Verdict
    detail: str
    dispatch_ids: tuple[int, ...] = ()


def explain_routing(scheduler: Scheduler, event: Event) -> list[RouteDecision]:
    """What each connection of ``scheduler``'s system decided for ``event``."""
    router = scheduler.router
    poset = scheduler.poset
    position = poset.seq(event)
    made = router.delivered_for(position)
    reached = _scopes_reached(router, event, made)
    decisions = []
    for route in router.routes:
        ids = tuple(dispatch_id for dispatch_id, index in made if index == route.index)
        if ids:
            shown = ", ".join(f"#{i}" for i in ids)
            detail = f"delivered as {shown}" + _unhandled(scheduler, route, ids)
            decisions.append(RouteDecision(route.connection, Verdict.DELIVERED, detail, ids))
        elif (route.index, event) in router.refused:
            detail = "matched, but the delivery was refused: max_connect_depth was reached"
            decisions.append(RouteDecision(route.connection, Verdict.REFUSED, detail))
        elif route.scope not in reached:
            decisions.append(
                RouteDecision(
                    route.connection, Verdict.NOT_OFFERED, _not_reached(router, route, event)
                )
            )
        elif not route.offered(event.name, event.source):
            decisions.append(
                RouteDecision(route.connection, Verdict.NOT_OFFERED, _not_offered(route, event))
            )
        else:
            decisions.append(_decide(scheduler, route, event, poset))
    return decisions


def _unhandled(scheduler: Scheduler, route: Route, ids: tuple[int, ...]) -> str:
    """``, which no handler of db took (Db.on_query on ...)``: what the deliveries
    ``ids`` came to when none of the target's ``@when`` handlers took them; else ""."""
    was_unhandled = scheduler.router.was_unhandled
    unheard = [dispatch_id for dispatch_id in ids if was_unhandled(dispatch_id)]
    if not unheard:
        return ""
    which = "which" if len(unheard) == len(ids) else ", ".join(f"#{i}" for i in unheard) + " of"
    brings = 1 if isinstance(route.pattern, BasicPattern) else None
    handlers = scheduler.handlers.described(route.target_name, brings)
    told = handlers_told(handlers, at_most=None)  # asked of this delivery: all of them
    return f", {which} no handler of {route.target_name} took ({told})"


def _scopes_reached(
    router: Router, event: Event, made: list[tuple[int, int]]
) -> dict[str, None]:
    """The architectures (by path) whose connections were offered ``event``: those
    it was recorded in and came out to, and those a connection delivered it into."""
    reached = dict.fromkeys(router.scopes_reached(event))
    for _, index in made:
        enters = router.routes[index].enters
        if enters is not None:
            reached[enters] = None
    return reached


def _not_reached(router: Router, route: Route, event: Event) -> str:
    """Why a connection of a nested architecture, or of one around it, was not offered
    ``event``: it stayed inside (its name is no action of the interface it would
    come out through), or nothing delivered it into that architecture."""
    hierarchy = router.hierarchy
    outermost = router.scopes_reached(event)[-1]
    if hierarchy is not None and _encloses(route.scope, outermost):
        interface = hierarchy.scopes[outermost].interface
        seen_as = interface_name(interface) if interface is not None else outermost
        return (
            f"{event.name} stays inside {outermost}: it is not an action of {seen_as}, "
            f"the interface {outermost} is seen through"
        )
    return f"{event.id} never entered {route.scope}: no connection delivered it there"


def _encloses(outer: str, inner: str) -> bool:
    """Whether the architecture at path ``outer`` holds the one at ``inner`` (strictly)."""
    return outer != inner and (not outer or inner.startswith(f"{outer}."))


def _not_offered(route: Route, event: Event) -> str:
    names = sorted(route.names or ())
    if route.names is not None and event.name not in route.names:
        return f"its pattern names {' or '.join(names)}, not {event.name}"
    pattern = route.pattern
    if isinstance(pattern, BasicPattern) and not pattern.matches_name(event.name):
        return f"its pattern names {pattern.event_name}, which {event.name} is not"
    return f"its pattern wants events from {route.source}, not from {event.source}"


def _decide(scheduler: Scheduler, route: Route, event: Event, poset: Poset) -> RouteDecision:
    connection = route.connection
    for note in scheduler.errors:
        if isinstance(note, GuardError) and note.event is event and note.connection is connection:
            error = note.error
            detail = f"its guard raised {type(error).__name__}: {message_of(error)}"
            return RouteDecision(connection, Verdict.GUARD_RAISED, detail)
    pattern = _unwrapped(route.pattern)
    if pattern.children() and not isinstance(pattern, DisjunctionPattern):
        return _decide_composite(scheduler, route, event, poset)
    verdict, detail = _single(route.pattern, event, poset, route.scope)
    return RouteDecision(connection, verdict, detail)


def _unwrapped(pattern: Pattern) -> Pattern:
    """The pattern under its guards, time bounds and repetition."""
    while isinstance(pattern, (GuardedPattern, TimedPattern, IterationPattern)):
        pattern = pattern.pattern
    return pattern


def _single(pattern: Pattern, event: Event, poset: Poset, scope: str) -> tuple[Verdict, str]:
    """The decision of a pattern (read inside the architecture at ``scope``) over one
    event that made no delivery for it."""
    if isinstance(pattern, BasicPattern):
        return Verdict.NO_MATCH, _fields_mismatch(pattern, event)
    if isinstance(pattern, DisjunctionPattern):
        details = [
            f"{side}: {_single(side, event, poset, scope)[1]}" for side in pattern.children()
        ]
        return Verdict.NO_MATCH, "neither side matches (" + "; ".join(details) + ")"
    if isinstance(pattern, (GuardedPattern, TimedPattern, IterationPattern)):
        inner = pattern.pattern
        if not _matches(inner, event, poset, scope):
            return _single(inner, event, poset, scope)
        if isinstance(pattern, GuardedPattern):
            return Verdict.GUARD_FALSE, f"its guard {_guard_place(pattern)} returned false"
        if isinstance(pattern, TimedPattern):
            return Verdict.NO_MATCH, "it matched, outside the pattern's time bounds"
    return Verdict.NO_MATCH, "its pattern does not match it"


def _matches(pattern: Pattern, event: Event, poset: Poset, scope: str) -> bool:
    return bool(pattern.matcher(warn_guard_errors=False, scope=scope).feed(event, poset))


def _fields_mismatch(pattern: BasicPattern, event: Event) -> str:
    """Which field of ``event`` the basic ``pattern`` does not accept."""
    payload = event.payload
    for key, wanted in pattern.field_matchers.items():
        if key not in payload:
            return f"its pattern wants a field {key!r}, which the event does not have"
        if not isinstance(wanted, Placeholder):
            value = payload[key]
            if not _same_json(value, wanted):
                wants, has = _json(wanted), _json(value)
                return f"its pattern wants {key}={wants}, the event has {key}={has}"
    return f"its pattern ({pattern}) does not match it"


def _same_json(value: Any, wanted: Any) -> bool:
    if isinstance(value, bool) or isinstance(wanted, bool):
        return type(value) is type(wanted) and value == wanted
    return bool(value == wanted)


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _guard_place(pattern: GuardedPattern) -> str:
    """``where ?n > 5`` for a text guard; ``(shop.py:42)`` for a Python one."""
    predicate = pattern.predicate
    if isinstance(predicate, Condition):
        return f"`where {predicate}`"
    code = getattr(predicate, "__code__", None)
    if code is None:
        return repr(predicate)
    name = getattr(predicate, "__qualname__", code.co_name)
    try:
        file = inspect.getsourcefile(predicate) or code.co_filename
    except TypeError:
        file = code.co_filename
    return f"{name} ({file.rsplit('/', 1)[-1]}:{code.co_firstlineno})"


_RELATION: dict[type[Pattern], tuple[str, str]] = {
    SequencePattern: ("that {e} causally precedes", "causally preceding {e}"),
    ImmediateSequencePattern: ("that {e} directly causes", "directly causing {e}"),
    JoinPattern: ("sharing a causal ancestor with {e}", "sharing a causal ancestor with {e}"),
    IndependencePattern: ("independent of {e}", "independent of {e}"),
}


def _decide_composite(
    scheduler: Scheduler, route: Route, event: Event, poset: Poset
) -> RouteDecision:
    connection = route.connection
    matcher = route.pattern.matcher(warn_guard_errors=False, scope=route.scope)
    completed_by: dict[Event, None] = {}
    for recorded in poset:
        for found in matcher.feed(recorded, poset):
            if event in found.events:
                completed_by[found.events[-1]] = None
    if completed_by:
        ids: list[int] = []
        for last in completed_by:
            made = scheduler.router.delivered_for(poset.seq(last))
            ids.extend(dispatch_id for dispatch_id, index in made if index == route.index)
        lasts = ", ".join(e.id for e in completed_by)
        shown = ", ".join(f"#{i}" for i in ids) or "no dispatch"
        detail = f"part of a match completed by {lasts}, delivered as {shown}"
        return RouteDecision(connection, Verdict.IN_MATCH, detail, tuple(ids))
    pattern = _unwrapped(route.pattern)
    left, right = pattern.children()
    fits_left = _fits(left, event, poset, route.scope)
    fits_right = _fits(right, event, poset, route.scope)
    if not (fits_left or fits_right):
        return RouteDecision(
            connection, Verdict.NO_MATCH, f"it fits no part of {route.pattern}"
        )
    near_miss = _near_miss(route, pattern, event, poset)
    if near_miss is not None:
        return RouteDecision(connection, *near_miss)
    forward, backward = _RELATION.get(type(pattern), ("with {e}", "with {e}"))
    if fits_left:
        detail = f"waiting for {right} {forward.format(e=event.id)}; none is recorded yet"
        return RouteDecision(connection, Verdict.WAITING, detail)
    if isinstance(pattern, (SequencePattern, ImmediateSequencePattern)):
        # What precedes an event is fixed when it is recorded: no part can come later.
        detail = (
            f"no {left} {backward.format(e=event.id)} was recorded, and none can be now "
            f"(what precedes {event.id} is fixed)"
        )
        return RouteDecision(connection, Verdict.NO_MATCH, detail)
    detail = f"waiting for {left} {backward.format(e=event.id)}; none is recorded yet"
    return RouteDecision(connection, Verdict.WAITING, detail)


def _near_miss(
    route: Route, pattern: Pattern, event: Event, poset: Poset
) -> tuple[Verdict, str] | None:
    """Why a pair of recorded parts around ``event`` made no match though they stand as
    ``pattern`` (the route's pattern unwrapped) relates its two sides: a placeholder
    they bind differently, or the guard or time bounds around the pattern. None when
    no such pair is recorded (the pattern waits for a part, or none can come)."""
    left, right = pattern.children()
    lefts = _all_matches(left, poset, route.scope)
    rights = _all_matches(right, poset, route.scope)
    pairs = [(own, other) for own in lefts if event in own.events for other in rights]
    pairs += [(other, own) for own in rights if event in own.events for other in lefts]
    roots = Context(poset)  # the roots above each event, worked out once for all pairs
    for first, second in pairs:
        if _related(pattern, first, second, poset, roots):
            verdict, detail = _kept_apart(route.pattern, first, second)
            # Only the later part of a sequence has all it can pair with recorded.
            later = isinstance(pattern, SequencePattern | ImmediateSequencePattern)
            if verdict is Verdict.NO_MATCH and not (later and event in second.events):
                return Verdict.WAITING, f"{detail}; it waits for a part that fits"
            return verdict, detail
    return None


def _all_matches(pattern: Pattern, poset: Poset, scope: str) -> list[PatternMatch]:
    """Every match of ``pattern`` in ``poset``, read inside the architecture at ``scope``."""
    matcher = pattern.matcher(warn_guard_errors=False, scope=scope)
    return [found for recorded in poset for found in matcher.feed(recorded, poset)]


def _related(
    pattern: Pattern, left: PatternMatch, right: PatternMatch, poset: Poset, roots: Context
) -> bool:
    """Whether the events of ``left`` and ``right`` stand as the operator of ``pattern``
    relates its sides (its placeholders aside): the meaning each operator documents."""
    pairs = [(x, y) for x in left.events for y in right.events]
    if any(x is y for x, y in pairs):
        return False
    if isinstance(pattern, SequencePattern | ImmediateSequencePattern):
        ordered = all(poset.is_ancestor(x, y) for x, y in pairs)
        if isinstance(pattern, ImmediateSequencePattern):
            return ordered and any(x in poset.direct_causes(y) for x, y in pairs)
        return ordered
    if isinstance(pattern, JoinPattern):
        # A common strict ancestor is a common root above them, as the matcher finds it.
        return meet(roots.match_roots(left), roots.match_roots(right))
    if isinstance(pattern, IndependencePattern):
        return all(poset.are_independent(x, y) for x, y in pairs)
    return False


def _kept_apart(
    pattern: Pattern, left: PatternMatch, right: PatternMatch
) -> tuple[Verdict, str]:
    """What kept two related parts from making a match of ``pattern``."""
    both = f"{_ids(left)} and {_ids(right)}"
    for name, value in left.bindings.items():
        if name in right.bindings and freeze(value) != freeze(right.bindings[name]):
            other = right.bindings[name]
            return Verdict.NO_MATCH, (
                f"{both} fit its parts, but bind ?{name} to {_json(value)} and "
                f"{_json(other)}: a placeholder bound on both sides must agree"
            )
    while isinstance(pattern, GuardedPattern | TimedPattern | IterationPattern):
        if isinstance(pattern, GuardedPattern):
            return Verdict.GUARD_FALSE, (
                f"{both} fit its parts, and its guard {_guard_place(pattern)} did not "
                "accept them"
            )
        if isinstance(pattern, TimedPattern):
            return Verdict.NO_MATCH, f"{both} fit its parts, outside its time bounds"
        pattern = pattern.pattern
    return Verdict.NO_MATCH, f"{both} fit its parts, but make no match of {pattern}"


def _ids(found: PatternMatch) -> str:
    return ", ".join(event.id for event in found.events)


def _fits(pattern: Pattern, event: Event, poset: Poset, scope: str) -> bool:
    """Whether ``event`` matches some one-event part of ``pattern``."""
    pattern = _unwrapped(pattern)
    if pattern.children():
        return any(_fits(child, event, poset, scope) for child in pattern.children())
    return _matches(pattern, event, poset, scope)

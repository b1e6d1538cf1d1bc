"""A pattern of one's own: a Pattern subclass with its own match_in, as PyRapide 0.3.0 allowed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pyrapide import (
    Computation,
    ConstraintMonitor,
    Event,
    Pattern,
    PatternMatch,
    Poset,
    action,
    architecture,
    connect,
    get_context,
    interface,
    module,
    never,
    when,
)


class EvenAmount(Pattern):
    """Each event whose payload's amount is even, whatever its name."""

    def match_in(self, poset: Any, bindings: Any = None) -> list[PatternMatch]:
        return [
            PatternMatch(events=(event,), bindings={})
            for event in poset.events
            if event.payload.get("amount", 1) % 2 == 0
        ]


class Pair(Pattern):
    """Two events with the same order number, the later caused by the earlier; it
    returns each match's events latest first, and the matches in no order."""

    def match_in(self, poset: Any, bindings: Any = None) -> list[PatternMatch]:
        events = list(poset.events)
        return [
            PatternMatch((later, earlier), {"order": later.payload["order"]})
            for later in reversed(events)
            for earlier in events
            if earlier.payload.get("order") == later.payload.get("order") is not None
            and poset.is_ancestor(earlier, later)
        ]


def _shop() -> tuple[Computation, list[Event]]:
    computation = Computation()
    placed = Event(name="Order.placed", payload={"order": 1, "amount": 4})
    paid = Event(name="Order.paid", payload={"order": 1, "amount": 3})
    shipped = Event(name="Order.shipped", payload={"order": 1, "amount": 2})
    other = Event(name="Order.placed", payload={"order": 2, "amount": 6})
    computation.record(placed)
    computation.record(paid, caused_by=[placed])
    computation.record(shipped, caused_by=[paid])
    computation.record(other)
    return computation, [placed, paid, shipped, other]


def test_it_combines_with_the_operators_and_constraints() -> None:
    computation, (placed, paid, shipped, other) = _shop()
    even = EvenAmount()
    assert [m.event for m in even.match_in(computation)] == [placed, shipped, other]
    then_paid = (even >> Pattern.match("Order.paid")).match_in(computation)
    assert [m.events for m in then_paid] == [(placed, paid)]
    guarded = even.where(lambda m: m.name == "Order.shipped").match_in(computation.poset)
    assert [m.event for m in guarded] == [shipped]
    (violation,) = never(even >> Pattern.match("Order.paid")).check(computation)
    assert violation.constraint_name == "never EvenAmount() -> Order.paid"
    assert violation.matched_events == [placed, paid]
    assert str(even) == "EvenAmount()" and even == even and even != EvenAmount()


def test_matched_as_events_arrive_it_reports_what_match_in_finds_each_once() -> None:
    computation, events = _shop()
    placed, paid, shipped, _ = events
    matcher = Pair().matcher()
    poset = Poset()
    reported = []
    for event in events:
        poset.add(event, caused_by=computation.poset.causes(event))
        reported.extend(matcher.feed(event, poset))
    # Events in recording order, matches in completion order, whatever match_in gave;
    # the same as over the whole poset, through a composite too.
    assert [m.events for m in reported] == [(placed, paid), (placed, shipped), (paid, shipped)]
    assert Pair().or_(Pattern.match("Order.lost")).match_in(computation) == reported
    monitor = ConstraintMonitor([never(Pair(), name="no pairs")])
    found = [
        v.matched_events
        for event in events
        for v in monitor.check(event, caused_by=computation.poset.causes(event))
    ]
    assert found == [[placed, paid], [placed, shipped], [paid, shipped]]


@interface
class Till:
    @action
    async def sale(self, amount: int) -> None: ...


@interface
class Auditor:
    @action
    async def flagged(self, amount: int) -> None: ...


@module(implements=Till)
class Sales:
    async def start(self) -> None:
        ctx = get_context(self)
        for amount in (1, 2, 3, 4):
            await ctx.emit("Till.sale", amount=amount)


@module(implements=Auditor)
class Audit:
    @when(EvenAmount())
    async def on_sale(self, match: PatternMatch) -> None:
        await get_context(self).emit("Auditor.flagged", amount=match.payload["amount"])


@architecture
class Shop:
    till = Till
    auditor = Auditor
    connections = [connect(EvenAmount().where(lambda m: m.name == "Till.sale"), target=auditor)]


def test_a_connection_routes_by_it() -> None:
    computation = asyncio.run(Shop.bind(till=Sales, auditor=Audit).run())
    assert [e.payload["amount"] for e in computation.events_by_name("Auditor.flagged")] == [2, 4]


def test_a_subclass_without_match_in_or_with_a_bad_one_is_refused_by_name() -> None:
    class Nothing(Pattern):
        pass

    class Strings(Pattern):
        def match_in(self, poset: Any, bindings: Any = None) -> list[Any]:
            return ["match"]

    computation, _ = _shop()
    with pytest.raises(TypeError, match=r"^cannot match Nothing: a Pattern subclass of your own "
                                        r"must define match_in\(self, poset, bindings=None\)"):
        (Nothing() >> Pattern.match("A")).match_in(computation)
    with pytest.raises(TypeError, match=r"^Strings.match_in\(\) must return PatternMatch "
                                        r"objects, not str$"):
        Strings().matcher().catch_up(computation)

"""What each connection decided for an event: every reason why_not gives."""

from __future__ import annotations

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    get_context,
    interface,
    module,
    pipe,
    placeholder,
    when,
)
from pyrapide.runtime import System, Verdict


@interface
class Shop:
    @action
    async def order(self, qty: int, kind: str) -> None: ...

    @action
    async def paid(self, qty: int) -> None: ...


@interface
class Store:
    @action
    async def reserved(self, qty: int) -> None: ...


def positive(e):
    return e.payload["qty"] > 0


def broken(e):
    return e.payload["missing"]


@architecture
class Orders:
    shop = Shop
    store = Store
    connections = [
        connect(Pattern.match("Shop.order").where(positive), target=store),  # 0
        pipe(Pattern.match("Shop.order", kind="express"), target=store),  # 1
        agent(Pattern.match("Shop.order") >> Pattern.match("Shop.paid"), target=store),  # 2
        connect(Pattern.match("Shop.paid"), target=store),  # 3
        agent(Pattern.match("Shop.order").where(broken), target=store),  # 4
        agent(Pattern.match("Shop.order", source="elsewhere"), target=store),  # 5
    ]


@module(implements=Shop)
class Counter:
    pass


@module(implements=Store)
class Stock:
    @when(Pattern.match("Shop.order"))
    async def on_order(self, match):
        await get_context(self).emit("Store.reserved", qty=match.payload["qty"])


async def decisions(system, event):
    return [(d.verdict, d.detail, d.dispatch_ids) for d in system.why_not(event)]


async def test_why_not_gives_each_connections_decision():
    system = System(Orders, {"shop": Counter, "store": Stock})
    await system.start()
    order = system.inject("Shop.order", {"qty": 0, "kind": "normal"})
    (guard, fields, waiting, name, raised, source) = system.why_not(order)
    assert guard.verdict is Verdict.GUARD_FALSE
    assert "positive (test_why_not.py:" in guard.detail and "returned false" in guard.detail
    assert fields.verdict is Verdict.NO_MATCH
    assert fields.detail == 'its pattern wants kind="express", the event has kind="normal"'
    assert waiting.verdict is Verdict.WAITING
    assert waiting.detail.startswith(f"waiting for Shop.paid that {order.id} causally precedes")
    assert name.verdict is Verdict.NOT_OFFERED
    assert name.detail == "its pattern names Shop.paid, not Shop.order"
    assert raised.verdict is Verdict.GUARD_RAISED and "KeyError" in raised.detail
    assert source.verdict is Verdict.NOT_OFFERED
    assert source.detail == "its pattern wants events from elsewhere, not from env"


async def test_why_not_names_the_dispatches_that_delivered_it():
    system = System(Orders, {"shop": Counter, "store": Stock})
    await system.start()
    order = system.inject("Shop.order", {"qty": 2, "kind": "express"})
    ids = [d.id for d in system.pending()]
    verdicts = system.why_not(order.id)
    assert [d.verdict for d in verdicts[:2]] == [Verdict.DELIVERED, Verdict.DELIVERED]
    assert [d.dispatch_ids for d in verdicts[:2]] == [(ids[0],), (ids[1],)]
    assert verdicts[0].detail == f"delivered as #{ids[0]}"
    # Once the composite completes, the earlier event is part of the delivered match.
    await system.run_until_quiet()
    paid = system.inject("Shop.paid", {"qty": 2}, caused_by=order)
    composite = system.why_not(order)[2]
    assert composite.verdict is Verdict.IN_MATCH
    (dispatch_id,) = composite.dispatch_ids
    assert composite.detail == (
        f"part of a match completed by {paid.id}, delivered as #{dispatch_id}"
    )
    assert system.why_not(paid)[2].verdict is Verdict.DELIVERED


async def test_a_later_part_without_its_earlier_one_never_matches():
    system = System(Orders, {"shop": Counter, "store": Stock})
    await system.start()
    paid = system.inject("Shop.paid", {"qty": 1})  # no order causally precedes it
    never = system.why_not(paid)[2]
    # What precedes an event is fixed once it is recorded: it waits for nothing.
    assert never.verdict is Verdict.NO_MATCH
    assert never.detail == (
        f"no Shop.order causally preceding {paid.id} was recorded, and none can be now "
        f"(what precedes {paid.id} is fixed)"
    )


def never_true(match):
    return False


@architecture
class MatchedPayments:
    shop = Shop
    store = Store
    connections = [
        agent(
            Pattern.match("Shop.order", qty=placeholder("q"))
            >> Pattern.match("Shop.paid", qty=placeholder("q")),
            target=store,
        ),
        agent(
            (Pattern.match("Shop.order") >> Pattern.match("Shop.paid")).where(never_true),
            target=store,
        ),
    ]


async def test_parts_that_stand_as_the_pattern_wants_but_make_no_match_are_named():
    # Both connections once said no Shop.order preceding the payment was recorded.
    system = System(MatchedPayments, {"shop": Counter, "store": Stock})
    await system.start()
    order = system.inject("Shop.order", {"qty": 1, "kind": "normal"})
    paid = system.inject("Shop.paid", {"qty": 2}, caused_by=order)
    disagreeing, guarded = system.why_not(paid)
    assert disagreeing.verdict is Verdict.NO_MATCH
    assert disagreeing.detail == (
        f"{order.id} and {paid.id} fit its parts, but bind ?q to 1 and 2: "
        "a placeholder bound on both sides must agree"
    )
    assert guarded.verdict is Verdict.GUARD_FALSE
    assert guarded.detail.startswith(
        f"{order.id} and {paid.id} fit its parts, and its guard never_true (test_why_not.py:"
    )
    # The order may still meet a payment of 1: it waits, and says what it met.
    waiting = system.why_not(order)[0]
    assert waiting.verdict is Verdict.WAITING
    assert waiting.detail == (
        f"{order.id} and {paid.id} fit its parts, but bind ?q to 1 and 2: a placeholder "
        "bound on both sides must agree; it waits for a part that fits"
    )


@architecture
class JoinedPayments:
    shop = Shop
    store = Store
    connections = [
        agent(
            Pattern.match("Shop.paid", qty=placeholder("q"))
            & Pattern.match("Shop.order", kind="late", qty=placeholder("q")),
            target=store,
        ),
    ]


async def test_joined_parts_that_share_an_ancestor_but_bind_apart_are_named():
    # Two events with a common strict ancestor stand as `&` relates its sides.
    system = System(JoinedPayments, {"shop": Counter, "store": Stock})
    await system.start()
    order = system.inject("Shop.order", {"qty": 1, "kind": "normal"})
    paid = system.inject("Shop.paid", {"qty": 2}, caused_by=order)
    late = system.inject("Shop.order", {"qty": 3, "kind": "late"}, caused_by=order)
    (joined,) = system.why_not(late)
    assert joined.verdict is Verdict.WAITING
    assert joined.detail == (
        f"{paid.id} and {late.id} fit its parts, but bind ?q to 2 and 3: a placeholder "
        "bound on both sides must agree; it waits for a part that fits"
    )
    # A payment with no ancestor in common with the late order is no near miss.
    alone = system.inject("Shop.paid", {"qty": 4})
    assert "fit its parts" not in system.why_not(alone)[0].detail

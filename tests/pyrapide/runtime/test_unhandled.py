"""A delivery none of its target's handlers takes: reported, kept, and told by why_not."""

from __future__ import annotations

import gc
import tracemalloc

from pyrapide import Pattern, action, architecture, get_context, interface, module, pipe, when
from pyrapide.patterns import parse_pattern
from pyrapide.runtime import DeliveryUnhandled, DispatchFinished, System, Verdict


@interface
class Feed:
    @action
    async def item(self, n: int) -> None: ...

    @action
    async def other(self, n: int) -> None: ...


@module(implements=Feed)
class Producer:
    async def start(self) -> None:
        for n in range(3):
            await get_context(self).emit("Feed.item", n=n)


@module(implements=Feed)
class PairWaiter:
    """Its one handler waits for two independent events in one delivery, where its
    connection brings one at a time: it never runs."""

    @when(Pattern.match("Feed.item") | Pattern.match("Feed.other"))
    async def on_pair(self, match) -> None:
        await get_context(self).emit("Feed.other", n=0)


@module(implements=Feed)
class ItemTaker:
    @when(Pattern.match("Feed.item"))
    async def on_item(self, match) -> None:
        pass


@architecture
class Line:
    src = Feed
    dst = Feed
    connections = [pipe(Pattern.match("Feed.item", source="src"), target="dst")]


async def test_a_delivery_no_handler_takes_is_reported_before_it_finishes() -> None:
    system = System(Line, {"src": Producer, "dst": PairWaiter})
    heard: list[object] = []
    system.subscribe(heard.append, (DeliveryUnhandled, DispatchFinished))
    await system.run()
    unhandled = [note for note in heard if isinstance(note, DeliveryUnhandled)]
    assert [note.dispatch.id for note in unhandled] == [1, 2, 3]
    assert unhandled[0].handlers == (
        "PairWaiter.on_pair handles Feed.item || Feed.other, which takes 2 events at least "
        "and a delivery brings 1",
    )
    kinds = [type(note).__name__ for note in heard]
    assert kinds[:2] == ["DeliveryUnhandled", "DispatchFinished"]
    assert system.scheduler.unhandled == {1, 2, 3}


async def test_why_not_tells_a_delivery_no_handler_took() -> None:
    system = System(Line, {"src": Producer, "dst": PairWaiter})
    await system.run()
    (decision,) = system.why_not("e2")
    assert decision.verdict is Verdict.DELIVERED
    assert decision.detail == (
        "delivered as #2, which no handler of dst took (PairWaiter.on_pair handles "
        "Feed.item || Feed.other, which takes 2 events at least and a delivery brings 1)"
    )


async def test_a_delivery_a_handler_takes_is_not_reported() -> None:
    system = System(Line, {"src": Producer, "dst": ItemTaker})
    heard: list[object] = []
    system.subscribe(heard.append, (DeliveryUnhandled,))
    await system.run()
    assert heard == [] and system.scheduler.unhandled == set()
    assert system.why_not("e1")[0].detail == "delivered as #1"


async def test_a_module_without_handlers_is_said_to_have_none() -> None:
    @module(implements=Feed)
    class Deaf:
        pass

    system = System(Line, {"src": Producer, "dst": Deaf})
    await system.run()
    assert system.why_not("e1")[0].detail == (
        "delivered as #1, which no handler of dst took (its module has no @when handler)"
    )


def test_the_fewest_events_a_pattern_takes() -> None:
    fewest = {
        "A": 1,
        "A -> B": 2,
        "A => B": 2,
        "A || B": 2,
        "A & B": 1,
        "A or B": 1,
        "(A -> B) or (C -> D -> E)": 2,
        "(A -> B)+": 2,
        "A(n=?n) -> B where ?n > 1": 2,
    }
    for text, count in fewest.items():
        assert parse_pattern(text).fewest_events() == count, text


@module(implements=Feed)
class Flood:
    async def start(self) -> None:
        for n in range(FLOOD):
            await get_context(self).emit("Feed.item", n=n)


FLOOD = 4_000


async def _kept_by_a_flood(dst: type) -> int:
    """The bytes a run of FLOOD deliveries to ``dst`` leaves behind, beyond the run's
    events and its delivery log (the same for every ``dst``)."""
    system = System(Line, {"src": Flood, "dst": dst})
    gc.collect()
    tracemalloc.start()
    try:
        await system.run()
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return kept


async def test_deliveries_no_handler_takes_keep_nothing_of_their_own() -> None:
    # why_not tells them from the delivery log each delivery has anyway: a run of a
    # million of them must not also keep a million ids.
    await _kept_by_a_flood(ItemTaker)  # once first: what the first run sets up is kept
    taken = await _kept_by_a_flood(ItemTaker)
    untaken = await _kept_by_a_flood(PairWaiter)
    # A kept id would cost some 60 bytes a delivery: 240 kB here.
    assert untaken - taken < 100_000, (untaken, taken)
    system = System(Line, {"src": Flood, "dst": PairWaiter})
    await system.run()
    assert system.scheduler.unhandled == set(range(1, FLOOD + 1))

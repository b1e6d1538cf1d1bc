"""A three-level system (shop, its payments department, the department's ledger) run as one.

The shop delivers orders to `payments`, an architecture; inside it the ledger (a
module) posts them and the desk settles them. Each of the three connection kinds
into the department keeps its meaning across the level: a connect waits for the
department's whole handling, a pipe takes its next delivery only after it, an
agent's deliveries are independent. One scheduler, one poset, components by path.
"""

from __future__ import annotations

from typing import Any

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    constraint,
    every,
    get_context,
    interface,
    module,
    must_match,
    never,
    pipe,
    when,
)
from pyrapide.architecture import connection
from pyrapide.runtime import System, WaitReason
from tests.pyrapide.runtime.test_examples import load

shop = load("nested_payments")
INNER = {
    "ledger": shop.LedgerModule,
    "desk": shop.DeskModule,
    "auditor": shop.AuditorModule,
}


def orders_front(*orders: tuple[str, int]) -> type:
    """A storefront module placing ``orders`` in its start hook, one after another."""

    @module(implements=shop.Storefront)
    class Front:
        async def start(self) -> None:
            ctx = get_context(self)
            for name, amount in orders:
                await ctx.emit("order", order=name, amount=amount)

    return Front


def shop_with(kind: str) -> type:
    """The example's shop, with orders reaching the department through ``kind``."""

    @architecture
    class KindShop:
        front = shop.Storefront
        payments = shop.PaymentsDept
        shipping = shop.Shipping
        connections = [
            connection(kind, Pattern.match("Storefront.order"), payments),
            pipe(Pattern.match("Payments.settled"), shipping),
        ]

    return KindShop


def bind(kind: str, *orders: tuple[str, int], seed: int = 0) -> System:
    modules = {"front": orders_front(*orders), "payments": INNER, "shipping": shop.ShippingModule}
    return System(shop_with(kind), modules, seed=seed)


def named(system: System, name: str, order: str) -> Any:
    """The one event ``name`` recorded for ``order``."""
    (event,) = [
        e for e in system.computation.events_by_name(name) if e.payload.get("order") == order
    ]
    return event


def causes(system: System, event: Any) -> list[str]:
    return [cause.id for cause in system.computation.direct_causes(event)]


# -- one system ----------------------------------------------------------------------


async def test_three_levels_run_in_one_scheduler_and_one_poset():
    system = shop.Shop.bind(
        front=shop.FrontModule, payments=INNER, shipping=shop.ShippingModule
    )
    computation = await system.run()
    assert system.errors == []
    assert [(e.id, e.name, e.source) for e in computation.topological_order()] == [
        ("e1", "Storefront.order", "front"),
        ("e2", "Ledger.posted", "payments.ledger"),
        ("e3", "Payments.settled", "payments.desk"),
        ("e4", "Storefront.order", "front"),
        ("e5", "Ledger.rejected", "payments.ledger"),
        ("e6", "Payments.refused", "payments.desk"),
        ("e7", "Auditor.checked", "payments.auditor"),
        ("e8", "Shipping.shipped", "shipping"),
    ]
    assert list(system.modules) == [
        "front", "payments.ledger", "payments.desk", "payments.auditor", "shipping",
    ]
    ledger = system.modules["payments.ledger"]
    assert get_context(ledger).component == "payments.ledger"
    assert [e.id for e in get_context(ledger).module_events] == ["e2", "e5"]
    # The shipping at the top follows the order at the top through the ledger inside.
    assert {e.source for e in computation.ancestors(computation.get("e8"))} == {
        "front", "payments.ledger", "payments.desk",
    }


async def test_the_same_seed_gives_the_same_run_at_every_level():
    def trace(system: System) -> list[tuple[str, str, str, list[str]]]:
        computation = system.computation
        return [
            (e.id, e.name, e.source, causes(system, e)) for e in computation.topological_order()
        ]

    first, second = bind("agent", ("a", 5), ("b", 7)), bind("agent", ("a", 5), ("b", 7))
    await first.run()
    await second.run()
    assert trace(first) == trace(second)


# -- connect -------------------------------------------------------------------------


async def test_a_connect_into_the_department_waits_for_all_it_does_inside():
    system = bind("connect", ("a", 5), ("b", 7))
    system.pause()
    await system.start()
    (into,) = system.pending()
    assert (into.kind, into.target) == ("connect", "payments")
    (front,) = system.in_flight()
    assert front.reason is WaitReason.CONNECTS and front.waits_on == (into,)

    await system.step()  # the delivery into the department queues the one inside
    (inner,) = system.pending()
    assert (inner.kind, inner.target, inner.event) == ("connect", "payments.ledger", into.event)
    department = system.scheduler.task_of(into.id)
    assert department is not None
    flight = system.scheduler._describe(department)
    assert flight.reason is WaitReason.INSIDE
    assert flight.describe() == f"waits on its deliveries inside payments (#{inner.id})"

    await system.step()  # the ledger posts: a connect to the desk, an agent to the auditor
    assert len(system.computation) == 2
    await system.step("connect")  # the desk settles; the department is done: the front goes on
    order_b = named(system, "Storefront.order", "b")
    # The return edge runs through both levels: order b follows the settlement inside.
    assert causes(system, order_b) == [named(system, "Payments.settled", "a").id]
    await system.run_until_quiet()
    await system.stop()


# -- pipe ----------------------------------------------------------------------------


async def test_a_pipe_into_the_department_delivers_one_order_at_a_time():
    system = bind("pipe", ("a", 5), ("b", 7), ("c", 9))
    system.pause()
    await system.start()
    first, second, third = system.pending()
    assert [d.kind for d in (first, second, third)] == ["pipe"] * 3
    await system.step(first.id)
    (inner,) = [d for d in system.pending() if d.target == "payments.ledger"]
    assert system.blocked(second) == (
        f"#{second.id} waits behind #{first.id}, in flight: "
        f"waits on its deliveries inside payments (#{inner.id})"
    )
    await system.run_until_quiet()
    await system.stop()
    assert system.errors == []
    # What the department produces for order k+1 follows what it produced for order k.
    for earlier, later in (("a", "b"), ("b", "c")):
        posted = named(system, "Ledger.posted", later)
        assert set(causes(system, posted)) == {
            named(system, "Storefront.order", later).id,
            named(system, "Payments.settled", earlier).id,
        }


# -- agent ---------------------------------------------------------------------------


async def test_agent_deliveries_into_the_department_are_independent():
    orders: set[tuple[str, ...]] = set()
    for seed in range(8):
        system = bind("agent", ("a", 5), ("b", 7), seed=seed)
        computation = await system.run()
        posted_a = named(system, "Ledger.posted", "a")
        posted_b = named(system, "Ledger.posted", "b")
        assert computation.are_independent(posted_a, posted_b)
        assert causes(system, posted_b) == [named(system, "Storefront.order", "b").id]
        orders.add(tuple(e.payload["order"] for e in computation.events_by_name("Ledger.posted")))
    assert orders == {("a", "b"), ("b", "a")}  # the seed picks which is handled first


# -- what crosses the levels -----------------------------------------------------------


async def test_only_the_interfaces_actions_come_out_and_inner_events_stay_visible():
    system = shop.Shop.bind(
        front=shop.FrontModule, payments=INNER, shipping=shop.ShippingModule
    )
    computation = await system.run()
    posted = computation.get("e2")
    decisions = {d.connection.index: d for d in system.why_not(posted)}
    assert decisions[1].verdict == "not offered"
    assert decisions[1].detail == (
        "Ledger.posted stays inside payments: it is not an action of Payments, the "
        "interface payments is seen through"
    )
    assert decisions[3].verdict == "delivered"  # connect Ledger.posted -> payments.desk
    assert decisions[3].connection.scope == "payments"
    assert decisions[3].connection.target == "payments.desk"
    settled = system.why_not(computation.get("e3"))
    assert settled[1].verdict == "delivered"  # pipe Payments.settled -> shipping, outside


async def test_whynot_says_when_an_event_never_entered_the_department():
    system = shop.Shop.bind(
        front=orders_front(), payments=INNER, shipping=shop.ShippingModule
    )
    await system.start()
    shipped = system.inject("Shipping.shipped", {"order": "x"})
    decisions = system.why_not(shipped)
    assert decisions[2].detail == (
        f"{shipped.id} never entered payments: no connection delivered it there"
    )
    await system.stop()


async def test_an_injected_inner_event_is_offered_inside_and_its_effects_come_out():
    system = shop.Shop.bind(
        front=orders_front(), payments=INNER, shipping=shop.ShippingModule
    )
    await system.start()
    posted = system.inject("Ledger.posted", {"order": "x", "amount": 3})
    await system.run_until_quiet()
    await system.stop()
    settled = named(system, "Payments.settled", "x")
    assert causes(system, settled) == [posted.id]
    assert causes(system, named(system, "Shipping.shipped", "x")) == [settled.id]


async def test_an_event_routed_back_into_the_architecture_it_came_from_is_not_offered_twice():
    @architecture
    class Echo:
        front = shop.Storefront
        payments = shop.PaymentsDept
        connections = [
            connect(Pattern.match("Storefront.order"), payments),
            connect(Pattern.match("Payments.settled"), payments),
        ]

    system = Echo.bind(front=orders_front(("a", 5)), payments=INNER)
    await system.run()
    assert system.errors == []
    assert [e.name for e in system.computation.events_by_source("payments.desk")] == [
        "Payments.settled"
    ]


async def test_the_constraints_inside_join_the_one_monitor():
    @module(implements=shop.Ledger)
    class Lenient:
        @when(Pattern.match("Storefront.order"))
        async def on_order(self, match):  # type: ignore[no-untyped-def]
            payload = match.payload
            await get_context(self).emit("posted", order=payload["order"], amount=payload["amount"])

    system = shop.Shop.bind(
        front=shop.FrontModule,
        payments={**INNER, "ledger": Lenient},
        shipping=shop.ShippingModule,
    )
    await system.run()
    (violation,) = system.violations
    assert violation.constraint_name == "no_posting_over_the_limit"
    assert [e.payload["order"] for e in violation.events] == ["big"]


# -- sources inside and out -------------------------------------------------------------


@interface
class Bell:
    @action
    async def rang(self) -> None: ...


@interface
class Hall:
    @action
    async def heard(self, who: str) -> None: ...


@architecture(implements=Hall)
class Belfry:
    left = Bell
    right = Bell
    hall = Hall
    connections = [connect(Pattern.match("Bell.rang", source="left"), hall)]


@architecture
class Town:
    belfry = Belfry
    square = Hall
    connections = [connect(Pattern.match("Hall.heard", source="belfry"), "square")]


@module(implements=Bell)
class Ringer:
    async def start(self) -> None:
        await get_context(self).emit("rang")


@module(implements=Hall)
class Listener:
    @when(Pattern.match("*"))
    async def on_any(self, match):  # type: ignore[no-untyped-def]
        if get_context(self).component != "square":
            await get_context(self).emit("heard", who=match.event.source)


async def test_a_source_named_inside_is_the_component_of_that_architecture():
    system = Town.bind(belfry={"left": Ringer, "right": Ringer, "hall": Listener}, square=Listener)
    computation = await system.run()
    assert system.errors == []
    # `from "left"` inside the belfry is belfry.left, so only the left bell is heard;
    # `from "belfry"` outside is whatever comes out of it (belfry.hall's events).
    (heard,) = computation.events_by_name("Hall.heard")
    assert (heard.source, heard.payload["who"]) == ("belfry.hall", "belfry.left")
    assert system.why_not(heard)[0].detail.startswith("delivered as #")
    right = computation.events_by_source("belfry.right")[0]
    assert system.why_not(right)[1].detail == (
        "its pattern wants events from belfry.left, not from belfry.right"
    )


@architecture(implements=Hall)
class OpenBelfry:
    left = Bell
    right = Bell
    hall = Hall
    connections = [connect(Pattern.match("Bell.rang"), hall)]


@architecture
class OpenTown:
    belfry = OpenBelfry
    square = Hall
    connections = [connect(Pattern.match("Hall.heard"), "square")]


@module(implements=Hall)
class LeftListener:
    @when(Pattern.match("Bell.rang", source="left"))
    async def on_left(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("heard", who=match.event.source)


async def test_a_source_a_handler_names_inside_is_the_component_of_that_architecture():
    # As a connection's: `from "left"` in a handler of belfry.hall is belfry.left. It
    # was read as a component `left` of the town, none, and the handler never ran.
    system = OpenTown.bind(
        belfry={"left": Ringer, "right": Ringer, "hall": LeftListener}, square=Listener
    )
    computation = await system.run()
    assert system.errors == []
    (heard,) = computation.events_by_name("Hall.heard")
    assert heard.payload["who"] == "belfry.left"


@constraint
class LeftRules:
    """The left bell's rules, stated over what the filter lets through."""

    filter = Pattern.match("Bell.rang", source="left")

    def rules(self) -> list[Any]:
        return [never("Bell.rang", name="quiet")]


@architecture(implements=Hall)
class WatchedBelfry:
    left = Bell
    right = Bell
    hall = Hall
    connections = [connect(Pattern.match("Bell.rang"), hall)]
    constraints = [
        never(Pattern.match("Bell.rang", source="left"), name="left_silent"),
        must_match(Pattern.match("Hall.heard", source="hall"), name="hall_hears"),
        every(Pattern.match("Bell.rang", source="right")).leads_to(
            'Hall.heard(who="belfry.right") from "hall"', name="right_answered"
        ),
        every(Pattern.match("Bell.rang", source="right")).leads_to(
            'Hall.heard(who="right") from "hall"', name="right_misread"
        ),
        never('Bell.rang from "right" -> Hall.heard from "hall"', name="right_unheard"),
        never(Pattern.match("Bell.rang", source="town"), name="not_from_the_town"),
        LeftRules,
    ]


@architecture
class WatchedTown:
    belfry = WatchedBelfry
    square = Hall
    connections = [connect(Pattern.match("Hall.heard"), "square")]


async def test_a_source_a_constraint_names_inside_is_the_component_of_that_architecture():
    # As in the connections and the handlers: `from "left"` in a constraint of the
    # belfry is belfry.left. It was read as a component `left` of the town, none: the
    # nevers never fired, and the must_match was reported unmet though its event is there.
    system = WatchedTown.bind(
        belfry={"left": Ringer, "right": Ringer, "hall": Listener}, square=Listener
    )
    await system.run()
    assert system.errors == []
    found = {v.constraint_name: [e.source for e in v.events] for v in system.violations}
    assert found == {
        "left_silent": ["belfry.left"],
        "right_unheard": ["belfry.right", "belfry.hall"],
        # the hall heard belfry.right, not "right": right_answered holds, this does not
        "right_misread": ["belfry.right"],
        "LeftRules.quiet": ["belfry.left"],  # the filter's source is belfry.left too
    }


@architecture
class TwoTowns:
    north = WatchedBelfry
    south = WatchedBelfry
    square = Hall
    connections = [connect(Pattern.match("Hall.heard"), "square")]


async def test_a_constraint_naming_a_source_is_checked_at_each_place_its_architecture_is():
    belfry = {"left": Ringer, "right": Ringer, "hall": Listener}
    system = TwoTowns.bind(north=belfry, south=belfry, square=Listener)
    await system.run()
    assert system.errors == []
    found = sorted(
        (v.constraint_name, v.events[0].source)
        for v in system.violations
        if v.constraint_name.endswith("left_silent")
    )
    assert found == [
        ("north.left_silent", "north.left"),
        ("south.left_silent", "south.left"),
    ]


# -- an architecture inside an architecture inside an architecture -------------------------


@interface
class Asker:
    @action
    async def ask(self, n: int) -> None: ...


@interface
class Service:
    @action
    async def answered(self, n: int) -> None: ...


@interface
class Worker:
    @action
    async def worked(self, n: int) -> None: ...


@interface
class Recorder:
    @action
    async def noted(self, n: int) -> None: ...


@architecture(implements=Service)
class Core:
    worker = Worker
    answer = Service
    connections = [
        connect(Pattern.match("Asker.ask"), worker),
        pipe(Pattern.match("Worker.worked"), answer),
    ]


@architecture(implements=Service)
class Department:
    core = Core
    connections = [agent(Pattern.match("Asker.ask"), core)]


@architecture
class Company:
    asker = Asker
    department = Department
    recorder = Recorder
    connections = [
        connect(Pattern.match("Asker.ask"), department),
        pipe(Pattern.match("Service.answered", source="department"), recorder),
    ]


@module(implements=Asker)
class AskTwice:
    async def start(self) -> None:
        for n in (1, 2):
            await get_context(self).emit("ask", n=n)


@module(implements=Worker)
class Working:
    @when(Pattern.match("Asker.ask"))
    async def on_ask(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("worked", n=match.payload["n"])


@module(implements=Service)
class Answering:
    @when(Pattern.match("Worker.worked"))
    async def on_worked(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("answered", n=match.payload["n"])


@module(implements=Recorder)
class Noting:
    @when(Pattern.match("Service.answered"))
    async def on_answered(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("noted", n=match.payload["n"])


async def test_events_cross_two_levels_by_the_interfaces_names():
    system = Company.bind(
        asker=AskTwice,
        department={"core": {"worker": Working, "answer": Answering}},
        recorder=Noting,
    )
    computation = await system.run()
    assert system.errors == []
    assert list(system.modules) == [
        "asker", "department.core.worker", "department.core.answer", "recorder",
    ]
    by_name = {
        name: [(e.source, e.payload["n"]) for e in computation.events_by_name(name)]
        for name in ("Worker.worked", "Service.answered", "Recorder.noted")
    }
    assert by_name == {
        "Worker.worked": [("department.core.worker", 1), ("department.core.worker", 2)],
        # Service.answered is an action of Core's and Department's interface: it comes
        # out of both, to the recorder at the top (whose pattern names `department`).
        "Service.answered": [("department.core.answer", 1), ("department.core.answer", 2)],
        "Recorder.noted": [("recorder", 1), ("recorder", 2)],
    }
    # The connect at the top waits for the agent delivery two levels down and the
    # connect under it: the second ask follows the first one's work.
    first_work, second_ask = computation.get("e2"), computation.get("e3")
    assert (first_work.name, second_ask.name) == ("Worker.worked", "Asker.ask")
    assert [c.id for c in computation.direct_causes(second_ask)] == ["e2"]
    worked = computation.events_by_name("Worker.worked")[0]
    decisions = {d.connection.index: d for d in system.why_not(worked)}
    assert decisions[1].detail == (
        "Worker.worked stays inside department.core: it is not an action of Service, the "
        "interface department.core is seen through"
    )

"""A map from the three-level shop to a two-component abstract architecture."""

from __future__ import annotations

import pytest

from pyrapide import ArchitectureError, ArchitectureMap, MapRule, Pattern
from tests.pyrapide.runtime.test_examples import load

shop = load("nested_payments")


async def run_shop() -> object:
    system = shop.Shop.bind(
        front=shop.FrontModule,
        payments={
            "ledger": shop.LedgerModule,
            "desk": shop.DeskModule,
            "auditor": shop.AuditorModule,
        },
        shipping=shop.ShippingModule,
    )
    return await system.run()


async def test_the_map_reads_inner_and_outer_events_and_derives_their_causality():
    computation = await run_shop()
    trace = shop.to_bank.trace(computation)
    abstract = trace.abstract
    assert [(e.id, e.name, e.source, dict(e.payload)) for e in abstract.topological_order()] == [
        ("a1", "Client.pay", "client", {"order": "a"}),
        ("a2", "Bank.settled", "bank", {"order": "a"}),
        ("a3", "Client.pay", "client", {"order": "big"}),
    ]
    # Settling is made of an event inside the department and one that came out of it.
    assert [(e.name, e.source) for e in trace.made_from("a2")] == [
        ("Ledger.posted", "payments.ledger"),
        ("Payments.settled", "payments.desk"),
    ]
    # Causes come from the detailed run: the second order followed the first settlement
    # (the connect's return edge through the department), so a3 follows a2.
    assert [c.id for c in abstract.direct_causes(abstract.get("a2"))] == ["a1"]
    assert [c.id for c in abstract.direct_causes(abstract.get("a3"))] == ["a2"]


async def test_the_abstract_constraint_is_violated_for_the_refused_order():
    computation = await run_shop()
    (violation,) = shop.to_bank.check(computation)
    assert violation.constraint_name == "every_payment_settled"
    assert [(e.id, e.payload["order"]) for e in violation.events] == [("a3", "big")]


def test_a_rule_may_name_an_event_inside_a_nested_architecture_but_not_an_unknown_one():
    ArchitectureMap(shop.Shop, shop.Banking, [MapRule(Pattern.match("Auditor.checked"),
                                                       "Bank.settled")])
    with pytest.raises(ArchitectureError, match=r"Shop has no event 'Ledger\.postd'"):
        ArchitectureMap(
            shop.Shop, shop.Banking, [MapRule(Pattern.match("Ledger.postd"), "Bank.settled")]
        )

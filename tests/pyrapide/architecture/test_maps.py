"""Maps from a detailed architecture to an abstract one: events, derived causes, checking."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide import ArchitectureError, Computation, Event, Pattern, never, placeholder
from pyrapide.architecture.maps import ArchitectureMap, MapError, MapRule
from tests.pyrapide.analysis.dags import build, random_dags, reachable
from tests.pyrapide.runtime.test_examples import load

example = load("payments_map")
Shop, Payments, SHOP_MODULES, TO_PAYMENTS = (
    example.Shop, example.Payments, example.SHOP_MODULES, example.to_payments
)


def _run_shop(*payments: tuple[str, int]) -> Computation:
    async def scenario() -> Computation:
        system = Shop.bind(**SHOP_MODULES)
        await system.start()
        for order, amount in payments:
            system.inject("Checkout.paid", {"order": order, "amount": amount})
        await system.run_until_quiet()
        await system.stop()
        return system.computation

    return asyncio.run(scenario())


def _described(computation: Computation) -> list[tuple[str, str, dict[str, Any], list[str]]]:
    return [
        (e.id, e.name, dict(e.payload), [c.id for c in computation.direct_causes(e)])
        for e in computation.topological_order()
    ]


def _abstract(trace: Any, name: str, order: str) -> Event:
    [found] = [e for e in trace.abstract.events_by_name(name) if e.payload["order"] == order]
    return found


def test_a_map_records_one_abstract_event_per_match_with_derived_causes() -> None:
    detailed = _run_shop(("a", 5), ("b", 7))
    trace = TO_PAYMENTS.trace(detailed)
    assert sorted((e.name, e.source, tuple(e.payload.items())) for e in trace.abstract) == [
        ("Bank.settled", "bank", (("order", "a"),)),
        ("Bank.settled", "bank", (("order", "b"),)),
        ("Client.pay", "client", (("order", "a"), ("amount", 5))),
        ("Client.pay", "client", (("order", "b"), ("amount", 7))),
    ]
    settled_a = _abstract(trace, "Bank.settled", "a")
    assert [e.name for e in trace.made_from(settled_a)] == [
        "Ledger.posted", "Auditor.checked", "Mailer.sent",
    ]
    assert trace.rule_of(settled_a) is TO_PAYMENTS.rules[1]
    assert dict(settled_a.metadata) == {
        "map": "to_payments", "rule": 2, "from": [e.id for e in trace.made_from(settled_a)],
    }
    assert TO_PAYMENTS.check(detailed) == []


def test_abstract_causes_follow_the_causal_order_of_the_matches() -> None:
    trace = TO_PAYMENTS.trace(_run_shop(("a", 5), ("b", 7)))
    abstract = trace.abstract
    pay_a, pay_b = _abstract(trace, "Client.pay", "a"), _abstract(trace, "Client.pay", "b")
    settled_a = _abstract(trace, "Bank.settled", "a")
    settled_b = _abstract(trace, "Bank.settled", "b")
    assert abstract.are_independent(pay_a, pay_b)
    assert abstract.direct_causes(settled_a) == (pay_a,)
    # The mailer's pipe delivered b's posting after a's, so b's settlement (its mail
    # included) happened after a's payment too, but not after a's settlement, whose
    # audit ran independently of b's mail.
    assert set(abstract.direct_causes(settled_b)) == {pay_a, pay_b}
    assert abstract.are_independent(settled_a, settled_b)


def test_a_violated_abstract_constraint_is_found_through_the_map() -> None:
    detailed = _run_shop(("a", 5), ("big", 500))
    [violation] = TO_PAYMENTS.check(detailed)
    assert violation.violation_type == "leads_to_unanswered"
    [unanswered] = violation.matched_events
    assert (unanswered.name, unanswered.payload["order"]) == ("Client.pay", "big")
    assert [e.name for e in TO_PAYMENTS.trace(detailed).made_from(unanswered)] == [
        "Checkout.paid"
    ]


def test_the_030_form_keeps_payload_and_source_and_causality_through_unmapped_events() -> None:
    computation = Computation()
    request = Event("Request", {"q": 1}, source="web", id="r")
    work = Event("Work", id="w")
    reply = Event("Reply", {"ok": True}, source="db", id="p")
    computation.record(request)
    computation.record(work, caused_by=[request])
    computation.record(reply, caused_by=[work])
    mapping = ArchitectureMap(
        "detailed", "abstract",
        [(Pattern.match("Request"), "Asked"), (Pattern.match("Reply"), "Answered")],
    )
    abstract = mapping.apply(computation)
    assert _described(abstract) == [
        ("a1", "Asked", {"q": 1}, []),
        ("a2", "Answered", {"ok": True}, ["a1"]),
    ]
    assert [e.source for e in abstract] == ["web", "db"]
    assert mapping.mapping_rules[0][1] == "Asked" and mapping.check(computation) == []


def test_the_030_form_keeps_the_metadata_and_the_id_it_was_made_from() -> None:
    # 0.3.0 code read event.metadata["_source_id"] of a mapped event: a KeyError here,
    # and the metadata of the event it was made from was dropped.
    computation = Computation()
    computation.record(Event("Request", {"q": 1}, id="r", metadata={"trace": "t1"}))
    mapping = ArchitectureMap("detailed", "abstract", [(Pattern.match("Request"), "Asked")])
    (asked,) = mapping.apply(computation)
    assert asked.metadata["_source_id"] == "r" and asked.metadata["trace"] == "t1"
    assert asked.metadata["from"] == ["r"]


def test_payloads_from_a_mapping_with_placeholders_or_from_a_function() -> None:
    detailed = _run_shop(("a", 5))
    amount = placeholder("amount")
    mapping = ArchitectureMap(Shop, Payments, [
        MapRule(Pattern.match("Checkout.paid", amount=amount),
                "Client.pay", {"order": "fixed", "amount": amount}),
        MapRule(Pattern.match("Mailer.sent"), "Bank.settled",
                lambda match: {"order": match.payload["order"].upper()}),
    ])
    assert [dict(e.payload) for e in mapping.apply(detailed)] == [
        {"order": "fixed", "amount": 5}, {"order": "A"},
    ]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([(Pattern.match("Checkout.paid"), "Client.payed")],
         r"rule 1 .*Payments has no event 'Client.payed' \(did you mean 'Client.pay'\?\)"),
        ([(Pattern.match("Checkout.payed"), "Client.pay")],
         r"Shop has no event 'Checkout.payed' \(did you mean 'Checkout.paid'\?\)"),
        ([MapRule(Pattern.match("Checkout.paid"), "Client.pay", {"total": 1})],
         r"Client.pay has no field 'total'"),
        ([MapRule(Pattern.match("Checkout.paid"), "Client.pay",
                  {"amount": placeholder("x")})],
         r"field 'amount' takes \?x, which the pattern does not bind"),
        ([MapRule(Pattern.match("Checkout.paid"), "Client.pay", component="bank")],
         r"component 'bank' of Payments does not declare 'Client.pay'"),
        ([], r"has no rules"),
        (["Checkout.paid"], r"expected a MapRule or a \(pattern, event name\) pair"),
    ],
)
def test_a_map_that_does_not_fit_its_architectures_is_refused(
    rules: list[Any], message: str
) -> None:
    with pytest.raises(ArchitectureError, match=message):
        ArchitectureMap(Shop, Payments, rules)


def test_a_rules_name_with_a_star_that_completes_no_event_is_told_not_refused() -> None:
    # A misspelt "Checkout.payd*" never matched, and nothing said so; an exact name
    # that no event has is refused (above), a glob is told, as in a connection.
    mapping = ArchitectureMap(Shop, Payments, [
        MapRule(Pattern.match("Checkout.payd*"), "Client.pay"),
        MapRule(Pattern.match("Ledger.*") >> Pattern.match("Mail*.sent"), "Bank.settled"),
    ], name="to_payments")
    assert mapping.warnings == (
        'map to_payments, rule 1 ("Checkout.payd*" => Client.pay): Shop has no event whose '
        "name 'Checkout.payd*' matches, so the rule may never match",
    )
    assert ArchitectureMap("shop", "payments", mapping.rules).warnings == ()  # not checked


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        # A class that is not an architecture was taken as a name, so nothing was
        # checked: an abstract event no one declares was accepted.
        ((Shop, example.Client, [(Pattern.match("Checkout.paid"), "Bogus.event")]),
         r"range must be an @architecture class or a name, got the class Client"),
        ((example.CheckoutModule, Payments, [(Pattern.match("Nope"), "Client.pay")]),
         r"domain must be an @architecture class or a name, got the class CheckoutModule"),
        ((5, Payments, [(Pattern.match("Checkout.paid"), "Client.pay")]),
         r"domain must be an @architecture class or a name, got int 5"),
        ((Shop, "", [(Pattern.match("Checkout.paid"), "Client.pay")]),
         r"range must be an @architecture class or a name, got ''"),
        ((Shop, Payments, 5), r"mapping_rules must be a list of rules, got int 5"),
        ((Shop, Payments, None), r"mapping_rules must be a list of rules, got None"),
        ((Shop, Payments, "Checkout.paid"),
         r"mapping_rules must be a list of rules, got 'Checkout.paid'"),
        # A set's order came from string hashing: rule numbers changed between processes.
        ((Shop, Payments, {MapRule("Checkout.paid", "Client.pay"),
                           MapRule("Ledger.posted", "Bank.settled")}),
         r"mapping_rules must be a list of rules, got a set of 2 rules: a set has no order"),
    ],
)
def test_a_map_of_what_is_not_an_architecture_or_rules_names_the_argument(
    arguments: tuple[Any, Any, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        ArchitectureMap(*arguments)


def test_a_map_name_that_is_not_text_is_refused() -> None:
    with pytest.raises(TypeError, match=r"name must be a non-empty string or None, got int 5"):
        ArchitectureMap(Shop, Payments, [(Pattern.match("Checkout.paid"), "Client.pay")], name=5)


@pytest.mark.parametrize("run", ["run.json", 5, None, [Event("Checkout.paid")]])
def test_a_map_over_what_is_not_a_run_says_what_it_takes(run: Any) -> None:
    for use in (TO_PAYMENTS.trace, TO_PAYMENTS.apply, TO_PAYMENTS.check):
        with pytest.raises(TypeError, match=r"runs over a Computation or a Poset, got"):
            use(run)


def test_a_trace_asked_of_what_the_map_did_not_make_names_it() -> None:
    # A bare KeyError 'zz' (or 5), and "Value after * must be an iterable, not Never"
    # for one constraint given where a list is taken.
    trace = TO_PAYMENTS.trace(_run_shop(("a", 5)))
    with pytest.raises(KeyError, match=r"made_from\(\): the map made no event 'zz' \(it made "
                                       r"'a1' and 'a2'\)"):
        trace.made_from("zz")
    with pytest.raises(KeyError, match=r"rule_of\(\): the map made no event 'zz'"):
        trace.rule_of("zz")
    with pytest.raises(TypeError, match=r"made_from\(\) takes an abstract event or its id, "
                                        r"got int 5"):
        trace.made_from(5)  # type: ignore[arg-type]
    one = never("Client.pay")
    for check in (trace.violations, lambda c: TO_PAYMENTS.check(_run_shop(("a", 5)), c)):
        with pytest.raises(TypeError, match=r"constraints must be a list of constraints, got "
                                            r"Never"):
            check(one)
    assert [v.constraint_name for v in trace.violations([one])] == ["never Client.pay"]


def test_a_match_that_cannot_fill_its_abstract_event_is_a_map_error() -> None:
    mapping = ArchitectureMap(Shop, Payments, [(Pattern.match("Ledger.refused"), "Client.pay")])
    with pytest.raises(MapError, match=r"rule 1: the match of e\d+ cannot make Client.pay: "
                                       r"Client.pay needs amount: "
                                       r"Client.pay\(order: str, amount: int\)"):
        mapping.apply(_run_shop(("big", 500)))


def test_a_payload_function_that_raises_is_a_map_error_naming_the_rule() -> None:
    mapping = ArchitectureMap(Shop, Payments, [
        MapRule(Pattern.match("Checkout.paid"), "Client.pay",
                lambda match: {"order": match.bindings["order"], "amount": 1}),
    ])
    with pytest.raises(MapError, match=r"rule 1: the match of e\d+ cannot make Client.pay: "
                                       r"its payload function raised KeyError: 'order'"):
        mapping.apply(_run_shop(("a", 5)))


def test_abstract_payloads_share_no_list_with_the_rule_or_with_one_another() -> None:
    tags = ["paid"]
    mapping = ArchitectureMap("Shop", "Audit", [
        MapRule(Pattern.match("Checkout.paid"), "Audit.seen", {"tags": tags}),
        MapRule(Pattern.match("Checkout.paid"), "Audit.told", lambda match: {"tags": tags}),
    ])
    abstract = mapping.apply(_run_shop(("a", 5), ("b", 7)))
    assert len(abstract) == 4
    for event in abstract:
        with pytest.raises(TypeError, match="read-only"):
            event.payload["tags"].append("changed")
    tags.append("later")  # the rule's own list: the events took copies
    assert [list(e.payload["tags"]) for e in abstract] == [["paid"]] * 4


# -- derived causality against a brute-force oracle -------------------------------

NAMES = ("A", "B", "C")
RULES = [
    (Pattern.match("A"), "X"),
    (Pattern.match("A") >> Pattern.match("C"), "Y"),
    (Pattern.match("B") | Pattern.match("C"), "Z"),
]


def _oracle(computation: Computation, trace: Any, ancestors: dict[str, set[str]]) -> set[tuple]:
    """The abstract order by definition: a before b when a's match history is strictly
    inside b's (history: every event at or before one of the match's events)."""
    def history(abstract_id: str) -> frozenset[str]:
        ids = {e.id for e in trace.made_from(abstract_id)}
        return frozenset(ids.union(*(ancestors[i] for i in ids)))

    histories = {e.id: history(e.id) for e in trace.abstract}
    return {(a, b) for a in histories for b in histories if histories[a] < histories[b]}


@settings(max_examples=150, deadline=None)
@given(random_dags(max_size=8), st.data())
def test_derived_causality_is_the_inclusion_of_match_histories(dag: Any, data: Any) -> None:
    size, links, order = dag
    computation, _ = build(size, links, order)
    # The same graph with names drawn from NAMES, recorded in the same order (a link
    # whose cause was recorded later is added afterwards, as `build` does).
    names = {e.id: data.draw(st.sampled_from(NAMES)) for e in computation}
    renamed = {e.id: Event(names[e.id], id=e.id) for e in computation}
    named = Computation()
    for event in computation:
        named.record(renamed[event.id])
    for event in computation:
        for cause in computation.direct_causes(event):
            named.poset.add_causal_link(cause.id, event.id)
    trace = ArchitectureMap("detailed", "abstract", RULES).trace(named)
    reach = reachable(size, links)
    ancestors = {f"n{i}": {f"n{j}" for j in range(size) if i in reach[j]} for i in range(size)}
    expected = _oracle(named, trace, ancestors)
    abstract = trace.abstract
    derived = {(a.id, b.id) for a in abstract for b in abstract
               if a is not b and abstract.is_ancestor(a, b)}
    assert derived == expected
    # Only the closest causes are recorded: no direct cause is implied by another.
    for event in abstract:
        causes = abstract.direct_causes(event)
        assert not any(abstract.is_ancestor(a, b) for a in causes for b in causes)


@settings(max_examples=100, deadline=None)
@given(random_dags(max_size=8), st.data())
def test_deriving_as_events_arrive_gives_what_deriving_afterwards_gives(
    dag: Any, data: Any
) -> None:
    size, links, _ = dag
    computation, _ = build(size, links)
    names = {e.id: data.draw(st.sampled_from(NAMES)) for e in computation}
    mapping = ArchitectureMap("detailed", "abstract", RULES)
    live = Computation()
    derivation = mapping.derivation()
    renamed: dict[str, Event] = {}
    for event in computation:  # recorded causes first, as a running system records
        renamed[event.id] = Event(names[event.id], id=event.id)
        live.record(renamed[event.id],
                    caused_by=[renamed[c.id] for c in computation.direct_causes(event)])
        derivation.feed(renamed[event.id], live.poset)
    afterwards = mapping.apply(live)
    assert _described(derivation.abstract) == _described(afterwards)

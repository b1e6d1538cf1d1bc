"""Architectures as components: declaration, refusals, binding by path, the description."""

from __future__ import annotations

import json

import pytest

from pyrapide import (
    ArchitectureError,
    Pattern,
    action,
    architecture,
    connect,
    interface,
    module,
    pipe,
)
from pyrapide.architecture import architecture_spec, binding_problems, check_bindings


@interface
class Orders:
    @action
    async def placed(self, order: str) -> None: ...


@interface
class Payments:
    @action
    async def settled(self, order: str) -> None: ...


@interface
class Ledger:
    @action
    async def posted(self, order: str) -> None: ...


@interface
class Shipping:
    @action
    async def shipped(self, order: str) -> None: ...


@module(implements=Orders)
class OrdersModule:
    pass


@module(implements=Ledger)
class LedgerModule:
    pass


@module(implements=Payments)
class DeskModule:
    pass


@module(implements=Shipping)
class ShippingModule:
    pass


@architecture(implements=Payments)
class PaymentsDept:
    ledger = Ledger
    desk = Payments
    connections = [
        connect(Pattern.match("Orders.placed"), ledger),
        connect(Pattern.match("Ledger.posted", source="ledger"), desk),
    ]


@architecture
class Shop:
    orders = Orders
    payments = PaymentsDept
    shipping = Shipping
    connections = [
        connect(Pattern.match("Orders.placed"), payments),
        pipe(Pattern.match("Payments.settled", source="payments"), shipping),
    ]


INNER = {"ledger": LedgerModule, "desk": DeskModule}


# -- declaring ---------------------------------------------------------------------


def test_an_architecture_records_the_interface_it_implements():
    assert architecture_spec(PaymentsDept).implements is Payments
    assert architecture_spec(Shop).implements is None


def test_a_nested_component_is_listed_as_its_interface_and_its_architecture():
    assert Shop.components == {"orders": Orders, "payments": Payments, "shipping": Shipping}
    assert Shop.components["payments"] is Payments
    assert architecture_spec(Shop).nested["payments"] is architecture_spec(PaymentsDept)


def test_a_connection_may_target_the_nested_architecture_by_its_class():
    assert Shop.connections_list[0].target == "payments"


def test_an_annotation_may_declare_a_nested_component():
    @architecture
    class Annotated:
        orders: Orders
        payments: PaymentsDept

        def connections(self):
            return [connect(Pattern.match("Orders.placed"), "payments")]

    assert architecture_spec(Annotated).nested["payments"].cls is PaymentsDept
    assert Annotated.components["payments"] is Payments


def test_the_hierarchy_names_every_component_by_path():
    hierarchy = architecture_spec(Shop).hierarchy
    assert list(hierarchy.scopes) == ["", "payments"]
    assert list(hierarchy.leaves) == ["orders", "payments.ledger", "payments.desk", "shipping"]
    assert list(hierarchy.components) == [
        "orders", "payments", "payments.ledger", "payments.desk", "shipping",
    ]
    inner = hierarchy.connections_in("payments")
    assert [(c.index, c.target, c.scope) for c in inner] == [
        (2, "payments.ledger", "payments"),
        (3, "payments.desk", "payments"),
    ]
    # The outermost architecture's connections are its own, numbered as declared.
    assert hierarchy.connections[:2] == Shop.connections_list


def test_an_event_is_offered_where_it_is_emitted_and_where_it_comes_out():
    hierarchy = architecture_spec(Shop).hierarchy
    assert hierarchy.offered_in("payments.ledger", "Ledger.posted") == ("payments",)
    assert hierarchy.offered_in("payments.desk", "Payments.settled") == ("payments", "")
    assert hierarchy.offered_in("orders", "Orders.placed") == ("",)
    # From outside: the top, and the nested architectures that declare the name.
    assert hierarchy.offered_in("env", "Ledger.posted") == ("", "payments")
    assert hierarchy.offered_in("env", "Orders.placed") == ("",)


# -- refusing ----------------------------------------------------------------------


def test_an_architecture_implementing_nothing_is_refused_as_a_component_with_a_hint():
    @architecture
    class Loose:
        ledger = Ledger

    with pytest.raises(ArchitectureError) as caught:

        @architecture
        class Outer:
            loose = Loose

    message = str(caught.value)
    assert message.startswith("Outer.loose: Loose is an @architecture that implements no interface")
    assert "@architecture(implements=SomeInterface)" in message


def test_a_module_declared_as_a_component_is_refused_never_dropped():
    with pytest.raises(ArchitectureError) as caught:

        @architecture
        class Outer:
            orders = OrdersModule

    message = str(caught.value)
    assert message.startswith(
        "Outer.orders: OrdersModule is a @module; a component is an @interface"
    )
    assert "declare `orders = Orders` and bind the module to it" in message
    assert "Outer.bind(orders=OrdersModule, ...)" in message


def test_a_module_in_an_annotation_is_refused_too():
    with pytest.raises(ArchitectureError, match=r"Outer\.ledger: LedgerModule is a @module"):

        @architecture
        class Outer:
            ledger: LedgerModule


def test_an_architecture_that_cannot_emit_its_interfaces_actions_is_refused():
    with pytest.raises(ArchitectureError) as caught:

        @architecture(implements=Payments)
        class Mute:
            ledger = Ledger

    assert str(caught.value).startswith(
        "Mute implements Payments, but none of its components declares 'Payments.settled'"
    )
    assert "say `desk = Payments`" in str(caught.value)


def test_implements_must_name_an_interface():
    with pytest.raises(ArchitectureError, match="expects an @interface class, got"):

        @architecture(implements=LedgerModule)
        class Odd:
            ledger = Ledger


# -- binding -----------------------------------------------------------------------


def test_a_nested_components_modules_bind_by_mapping_or_by_path():
    assert binding_problems(
        Shop, {"orders": OrdersModule, "payments": INNER, "shipping": ShippingModule}
    ) == []
    assert binding_problems(
        Shop,
        {
            "orders": OrdersModule,
            "payments.ledger": LedgerModule,
            "payments.desk": DeskModule,
            "shipping": ShippingModule,
        },
    ) == []
    system = Shop.bind(orders=OrdersModule, payments=INNER, shipping=ShippingModule)
    assert system.bindings == {
        "orders": OrdersModule,
        "payments.ledger": LedgerModule,
        "payments.desk": DeskModule,
        "shipping": ShippingModule,
    }


def test_missing_and_unknown_bindings_are_named_by_path():
    problems = binding_problems(
        Shop, {"orders": OrdersModule, "payments": {"ledgr": LedgerModule}}
    )
    assert problems == [
        "Shop has no component 'payments.ledgr' (did you mean 'payments.ledger'?); the "
        "components of payments (PaymentsDept): 'payments.ledger' and 'payments.desk'",
        "Shop: no module bound to 'payments.ledger', 'payments.desk' and 'shipping' "
        "(payments.ledger: Ledger, payments.desk: Payments, shipping: Shipping)",
    ]


def test_a_component_bound_by_mapping_and_by_path_to_two_modules_is_refused():
    # One replaced the other in silence: the run used whichever came last.
    @module(implements=Ledger)
    class OtherLedger:
        pass

    bindings = {"orders": OrdersModule, "shipping": ShippingModule, "payments": INNER,
                "payments.ledger": OtherLedger}
    assert binding_problems(Shop, bindings) == [
        "payments.ledger is bound twice: to LedgerModule and to OtherLedger"
    ]
    with pytest.raises(ArchitectureError, match=r"payments\.ledger is bound twice"):
        Shop.bind(**bindings)
    # Said twice the same way, it is one binding.
    assert binding_problems(Shop, {**bindings, "payments.ledger": LedgerModule}) == []


def test_a_path_through_a_module_says_the_component_is_no_architecture():
    problems = binding_problems(Shop, {"orders": {"inner": OrdersModule}}, partial=True)
    assert problems == [
        "Shop has no component 'orders.inner': 'orders' is a component (interface Orders) "
        "bound to a module, "
        "not an architecture"
    ]


def test_a_non_conforming_module_inside_is_named_by_path():
    with pytest.raises(ArchitectureError, match=r"payments\.ledger: DeskModule implements"):
        check_bindings(
            Shop,
            {"payments": {"ledger": DeskModule}},
            partial=True,
            implements_of=lambda cls: {DeskModule: Payments}.get(cls),
        )


def test_a_module_may_stand_in_for_a_nested_architecture():
    system = Shop.bind(orders=OrdersModule, payments=DeskModule, shipping=ShippingModule)
    assert list(system.hierarchy.leaves) == ["orders", "payments", "shipping"]
    assert system.hierarchy.is_flat


def test_an_architecture_may_be_bound_to_a_component_declared_by_its_interface():
    @architecture
    class Plain:
        orders = Orders
        payments = Payments
        connections = [connect(Pattern.match("Orders.placed"), payments)]

    system = Plain.bind(
        orders=OrdersModule,
        payments=PaymentsDept,
        **{"payments.ledger": LedgerModule, "payments.desk": DeskModule},
    )
    assert list(system.hierarchy.leaves) == ["orders", "payments.ledger", "payments.desk"]
    assert system.description.component("payments").architecture == "PaymentsDept"
    with pytest.raises(ArchitectureError, match=r"no module bound to 'payments\.ledger'"):
        Plain.bind(orders=OrdersModule, payments=PaymentsDept)


def test_an_architecture_bound_to_another_interface_is_refused():
    @architecture
    class Plain:
        orders = Orders
        shipping = Shipping

    with pytest.raises(ArchitectureError) as caught:
        Plain.bind(orders=OrdersModule, shipping=PaymentsDept)
    assert (
        "shipping: PaymentsDept implements Payments, but component 'shipping' has the "
        "interface Shipping"
        in str(caught.value)
    )


# -- describing --------------------------------------------------------------------


def test_the_description_is_a_tree_of_components_with_paths():
    description = Shop.describe()
    payments = description.component("payments")
    assert (payments.path, payments.architecture, payments.interface) == (
        "payments", "PaymentsDept", "Payments",
    )
    assert [child.path for child in payments.children] == ["payments.ledger", "payments.desk"]
    assert description.component("payments.desk").interface == "Payments"
    assert [c.path for c in description.walk()] == [
        "orders", "payments", "payments.ledger", "payments.desk", "shipping",
    ]


def test_connections_carry_their_scope_and_paths():
    connections = Shop.describe().connections
    assert [(c.index, c.scope, c.sources, c.target) for c in connections] == [
        (0, "", ("orders",), "payments"),
        (1, "", ("payments",), "shipping"),
        (2, "payments", (), "payments.ledger"),  # fed by what the shop delivers in
        (3, "payments", ("payments.ledger",), "payments.desk"),
    ]


def test_inside_describes_one_nested_architecture():
    inside = Shop.describe().inside("payments")
    assert inside.name == "PaymentsDept"
    assert inside.scope == "payments"
    assert [c.path for c in inside.components] == ["payments.ledger", "payments.desk"]
    assert [c.index for c in inside.connections] == [2, 3]
    bound = r"orders is a component \(interface Orders\) bound to a module"
    with pytest.raises(ValueError, match=bound):
        Shop.describe().inside("orders")


def test_the_nested_description_is_json_safe_and_a_flat_one_unchanged():
    data = json.loads(json.dumps(Shop.describe().to_dict()))
    payments = data["components"][1]
    assert payments["architecture"] == "PaymentsDept"
    assert payments["children"][0] == {
        "name": "ledger",
        "interface": "Ledger",
        "actions": ["Ledger.posted"],
        "path": "payments.ledger",
    }
    assert data["connections"][2]["scope"] == "payments"
    assert "scope" not in data["connections"][0]
    assert set(data["components"][0]) == {"name", "interface", "actions"}


def test_the_description_prints_the_tree():
    text = str(Shop.describe())
    assert "  payments: Payments = PaymentsDept\n    ledger: Ledger\n    desk: Payments" in text

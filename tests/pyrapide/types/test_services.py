"""Services: nested classes of an interface whose actions join its alphabet."""

from __future__ import annotations

import asyncio

from pyrapide import Pattern, action, architecture, connect, get_context, interface, module, when
from pyrapide import provides as provided
from pyrapide.types import interface_actions


@interface
class Bank:
    @action
    async def opened(self, name: str) -> None: ...

    class Accounts:
        @action
        async def deposit(self, account: str, amount: int) -> None: ...

        @provided
        def balance(self, account: str) -> int: ...

    class Audit:
        @action
        async def flagged(self, account: str) -> None: ...

    class Settings:  # no marked method: a plain nested class, not a service
        currency = "EUR"


def test_nested_classes_with_marked_methods_are_services() -> None:
    info = Bank.get_interface_info()
    assert info["services"] == {
        "Accounts": {
            "actions": {"deposit"}, "provides": {"balance"}, "requires": set(), "behaviors": set(),
        },
        "Audit": {"actions": {"flagged"}, "provides": set(), "requires": set(), "behaviors": set()},
    }
    assert info["event_alphabet"] == {
        "Bank.opened", "Bank.Accounts.deposit", "Bank.Audit.flagged",
    }


def test_a_service_action_keeps_its_fields() -> None:
    spec = interface_actions(Bank)["Bank.Accounts.deposit"]
    assert spec.field_names == ("account", "amount")
    assert spec.payload_problems({"account": "x"}) == [
        f"Bank.Accounts.deposit needs amount: {spec.signature_text()}"
    ]


def test_a_module_emits_its_service_actions_in_a_system() -> None:
    @interface
    class Teller:
        @action
        async def request(self, account: str, amount: int) -> None: ...

    @module(implements=Bank)
    class BankModule:
        @when(Pattern.match("Teller.request"))
        async def on_request(self, match):  # type: ignore[no-untyped-def]
            context = get_context(self)
            await context.emit("Bank.Accounts.deposit", account=match.payload["account"],
                               amount=match.payload["amount"])
            await context.emit("flagged", account=match.payload["account"])  # short name

    @module(implements=Teller)
    class TellerModule:
        pass

    @architecture
    class Branch:
        teller = Teller
        bank = Bank
        connections = [connect(Pattern.match("Teller.request"), bank)]

    system = Branch.bind(teller=TellerModule, bank=BankModule)

    async def scenario():  # type: ignore[no-untyped-def]
        await system.start()
        system.inject("Teller.request", {"account": "a-1", "amount": 30})
        await system.run_until_quiet()
        await system.stop()
        return system.computation

    computation = asyncio.run(scenario())
    names = [event.name for event in computation.topological_order()]
    assert names == ["Teller.request", "Bank.Accounts.deposit", "Bank.Audit.flagged"]
    deposit = computation.events_by_name("Bank.Accounts.deposit")[0]
    assert dict(deposit.payload) == {"account": "a-1", "amount": 30}
    assert deposit.source == "bank"

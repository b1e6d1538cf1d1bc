"""A detailed shop architecture and the abstract bank it is mapped to, shared by the map tests."""

from __future__ import annotations

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    every,
    get_context,
    interface,
    module,
    pipe,
    placeholder,
    when,
)
from pyrapide.architecture.maps import ArchitectureMap, MapRule

# -- the detailed architecture: a checkout, a ledger behind it, an auditor and a mailer


@interface
class Checkout:
    @action
    async def paid(self, order: str, amount: int) -> None: ...


@interface
class Ledger:
    @action
    async def posted(self, order: str, amount: int) -> None: ...

    @action
    async def refused(self, order: str) -> None: ...


@interface
class Auditor:
    @action
    async def checked(self, order: str) -> None: ...


@interface
class Mailer:
    @action
    async def sent(self, order: str) -> None: ...


@module(implements=Checkout)
class CheckoutModule:
    pass


@module(implements=Ledger)
class LedgerModule:
    """Posts payments up to 100; refuses bigger ones."""

    @when(Pattern.match("Checkout.paid"))
    async def on_paid(self, match):  # type: ignore[no-untyped-def]
        order, amount = match.payload["order"], match.payload["amount"]
        if amount <= 100:
            await get_context(self).emit("posted", order=order, amount=amount)
        else:
            await get_context(self).emit("refused", order=order)


@module(implements=Auditor)
class AuditorModule:
    @when(Pattern.match("Ledger.posted"))
    async def on_posted(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("checked", order=match.payload["order"])


@module(implements=Mailer)
class MailerModule:
    @when(Pattern.match("Ledger.posted"))
    async def on_posted(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("sent", order=match.payload["order"])


@architecture
class Shop:
    checkout = Checkout
    ledger = Ledger
    auditor = Auditor
    mailer = Mailer
    connections = [
        connect(Pattern.match("Checkout.paid"), ledger),
        agent(Pattern.match("Ledger.posted"), auditor),
        pipe(Pattern.match("Ledger.posted"), mailer),
    ]


SHOP_MODULES = {
    "checkout": CheckoutModule,
    "ledger": LedgerModule,
    "auditor": AuditorModule,
    "mailer": MailerModule,
}

# -- the abstract architecture: a client pays, the bank settles


@interface
class Client:
    @action
    async def pay(self, order: str, amount: int) -> None: ...


@interface
class Bank:
    @action
    async def settled(self, order: str) -> None: ...


order = placeholder("order")


@architecture
class Payments:
    client = Client
    bank = Bank
    constraints = [
        every(Pattern.match("Client.pay", order=order)).leads_to(
            Pattern.match("Bank.settled", order=order)
        )
    ]


# Paying is the checkout's payment; settling is a posting that was both audited and mailed.
TO_PAYMENTS = ArchitectureMap(
    Shop,
    Payments,
    [
        MapRule(Pattern.match("Checkout.paid"), "Client.pay"),
        MapRule(
            Pattern.match("Ledger.posted", order=order)
            >> (Pattern.match("Auditor.checked", order=order)
                | Pattern.match("Mailer.sent", order=order)),
            "Bank.settled",
        ),
    ],
    name="to_payments",
)

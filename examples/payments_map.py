"""A shop and the payments it stands for: a map from a detailed architecture to an abstract one.

The shop's checkout is paid, its ledger posts the payment (or refuses one over 100),
an auditor checks each posting and a mailer sends a receipt. Abstractly, a client
pays and the bank settles, and every payment must be settled. The map `to_payments`
turns a run of the shop into a run of Payments and checks it:

    rapide shell examples/payments_map.py      # inject Checkout.paid order=a amount=5,
                                               # run, then: map to_payments
    rapide run examples/payments_map.py --script examples/payments_map.rapide
    python examples/payments_map.py            # the same, without the workbench
"""

from __future__ import annotations

from pyrapide import (
    ArchitectureMap,
    MapRule,
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
            Pattern.match("Bank.settled", order=order),
            name="every_payment_settled",
            description="every payment is settled by the bank",
        )
    ]


# Paying is the checkout's payment; settling is a posting that was both audited and mailed.
to_payments = ArchitectureMap(
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


async def main() -> None:
    system = Shop.bind(**SHOP_MODULES)
    await system.start()
    for name, amount in [("a", 5), ("b", 7), ("big", 500)]:
        system.inject("Checkout.paid", {"order": name, "amount": amount})
    await system.run_until_quiet()
    await system.stop()
    trace = to_payments.trace(system.computation)
    for event in trace.abstract.topological_order():
        causes = [cause.id for cause in trace.abstract.direct_causes(event)]
        made_from = [made.id for made in trace.made_from(event)]
        print(event.id, event.name, dict(event.payload), "<-", causes, "from", made_from)
    for violation in trace.violations():
        print("violation:", violation.constraint_name, violation.description)


if __name__ == "__main__":
    import asyncio  # here, not at the top: loading the file (`rapide check`) needs none

    asyncio.run(main())

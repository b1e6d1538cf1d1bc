"""A shop whose payments department is an architecture of its own: architectures nest.

    Shop                         the outer system
      front: Storefront          a module: places orders
      payments: PaymentsDept     an architecture, seen from outside as a Payments
        ledger: Ledger           a module: posts a payment, or rejects one over 100
        desk: Payments           a module: speaks for the department (settled, refused)
        auditor: Auditor         a module: checks each posting, on its own time
      shipping: Shipping         a module: ships what is settled

The storefront's orders reach the department through a connect: the front waits
until the department has handled an order (the ledger posted it and the desk
settled it, inside), and its next order follows the settlement. Inside, events
are named by path (`payments.ledger`); only what the desk emits under the Payments
interface's names (`Payments.settled`, `Payments.refused`) comes out, where a
pipe takes settlements to shipping. Everything is one run: one scheduler, one
poset. The map `to_bank` reads the run as a two-component abstract one (a client
pays, a bank settles), and its constraint, every payment settled, fails for the
order over 100:

    rapide shell examples/nested_payments.py   # `show components`, `show graph payments`,
                                               # `run`, `why e6`, `whynot e2`, `map to_bank`
    rapide run examples/nested_payments.py --script examples/nested_payments.rapide
    python examples/nested_payments.py         # the same, without the workbench
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
    never,
    pipe,
    placeholder,
    when,
)

# -- interfaces: what each component emits


@interface
class Storefront:
    @action
    async def order(self, order: str, amount: int) -> None:
        """A customer orders, for ``amount``."""


@interface
class Payments:
    """The payments department, as the shop sees it."""

    @action
    async def settled(self, order: str, amount: int) -> None:
        """The order is paid."""

    @action
    async def refused(self, order: str) -> None:
        """The order cannot be paid."""


@interface
class Ledger:
    @action
    async def posted(self, order: str, amount: int) -> None:
        """The payment is in the books."""

    @action
    async def rejected(self, order: str) -> None:
        """The payment is over the limit."""


@interface
class Auditor:
    @action
    async def checked(self, order: str) -> None:
        """A posting was audited."""


@interface
class Shipping:
    @action
    async def shipped(self, order: str) -> None:
        """The order left the warehouse."""


# -- modules


@module(implements=Storefront)
class FrontModule:
    """Places two orders, the second only once the department handled the first."""

    async def start(self) -> None:
        ctx = get_context(self)
        await ctx.emit("order", order="a", amount=5)
        await ctx.emit("order", order="big", amount=500)


@module(implements=Ledger)
class LedgerModule:
    LIMIT = 100

    @when(Pattern.match("Storefront.order"))
    async def on_order(self, match):  # type: ignore[no-untyped-def]
        order, amount = match.payload["order"], match.payload["amount"]
        if amount <= self.LIMIT:
            await get_context(self).emit("posted", order=order, amount=amount)
        else:
            await get_context(self).emit("rejected", order=order)


@module(implements=Payments)
class DeskModule:
    @when(Pattern.match("Ledger.posted"))
    async def on_posted(self, match):  # type: ignore[no-untyped-def]
        payload = match.payload
        await get_context(self).emit("settled", order=payload["order"], amount=payload["amount"])

    @when(Pattern.match("Ledger.rejected"))
    async def on_rejected(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("refused", order=match.payload["order"])


@module(implements=Auditor)
class AuditorModule:
    @when(Pattern.match("Ledger.posted"))
    async def on_posted(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("checked", order=match.payload["order"])


@module(implements=Shipping)
class ShippingModule:
    @when(Pattern.match("Payments.settled"))
    async def on_settled(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("shipped", order=match.payload["order"])


# -- the architectures


@architecture(implements=Payments)
class PaymentsDept:
    """Seen from outside, a Payments; inside, a ledger, a desk and an auditor.

    Its first connection is fed by what the shop delivers to it (an order)."""

    ledger = Ledger
    desk = Payments
    auditor = Auditor
    connections = [
        connect(Pattern.match("Storefront.order"), ledger),
        connect(Pattern.match("Ledger.posted"), desk),
        connect(Pattern.match("Ledger.rejected"), desk),
        agent(Pattern.match("Ledger.posted"), auditor),
    ]
    constraints = [
        never(
            Pattern.match("Ledger.posted", amount=placeholder("amount")).where(
                lambda match: match.bindings["amount"] > 100
            ),
            name="no_posting_over_the_limit",
        )
    ]


@architecture
class Shop:
    front = Storefront
    payments = PaymentsDept
    shipping = Shipping
    connections = [
        connect(Pattern.match("Storefront.order"), payments),
        pipe(Pattern.match("Payments.settled"), shipping),
    ]


system = Shop.bind(
    front=FrontModule,
    payments={"ledger": LedgerModule, "desk": DeskModule, "auditor": AuditorModule},
    shipping=ShippingModule,
)

# -- the abstract architecture, and the map to it


@interface
class Client:
    @action
    async def pay(self, order: str) -> None: ...


@interface
class Bank:
    @action
    async def settled(self, order: str) -> None: ...


order = placeholder("order")


@architecture
class Banking:
    client = Client
    bank = Bank
    constraints = [
        every(Pattern.match("Client.pay", order=order)).leads_to(
            Pattern.match("Bank.settled", order=order),
            name="every_payment_settled",
            description="every payment is settled by the bank",
        )
    ]


# Paying is an order; settling is a posting in the department's ledger that its desk
# settled: an inner event and one that came out, related by causality.
to_bank = ArchitectureMap(
    Shop,
    Banking,
    [
        MapRule(Pattern.match("Storefront.order"), "Client.pay"),
        MapRule(
            Pattern.match("Ledger.posted", order=order)
            >> Pattern.match("Payments.settled", order=order),
            "Bank.settled",
        ),
    ],
    name="to_bank",
)


async def main() -> None:
    computation = await system.run()
    for event in computation.topological_order():
        causes = ", ".join(cause.id for cause in computation.direct_causes(event))
        print(f"{event.id:4} {event.name:18} from {event.source:17} <- {causes}")
    trace = to_bank.trace(computation)
    for event in trace.abstract.topological_order():
        causes = [cause.id for cause in trace.abstract.direct_causes(event)]
        made_from = [made.id for made in trace.made_from(event)]
        print(event.id, event.name, dict(event.payload), "<-", causes, "from", made_from)
    for violation in trace.violations():
        print("violation:", violation.constraint_name, violation.description)


if __name__ == "__main__":
    import asyncio  # here, not at the top: loading the file (`rapide check`) needs none

    asyncio.run(main())

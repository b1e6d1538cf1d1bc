"""A small shop for lesson 3 (patterns and watches): orders, packing and mail, by order id.

A customer's start hook places three orders, one after another. Each order goes
through an ``agent`` to the packer and through another ``agent`` to the mailer,
which work independently: the packer answers with ``Packer.packed``, the mailer
with ``Mailer.sent``, each carrying the order's id.
"""

from __future__ import annotations

from typing import Any

from pyrapide import Pattern, action, agent, architecture, get_context, interface, module, when


@interface
class Customer:
    @action
    async def placed(self, id: int) -> None:
        """Order ``id`` is placed."""


@interface
class Packer:
    @action
    async def packed(self, id: int) -> None:
        """Order ``id`` is packed."""


@interface
class Mailer:
    @action
    async def sent(self, id: int) -> None:
        """The confirmation of order ``id`` is mailed."""


@module(implements=Customer)
class ThreeOrders:
    async def start(self) -> None:
        ctx = get_context(self)
        for order_id in (1, 2, 3):
            await ctx.emit("Customer.placed", id=order_id)


@module(implements=Packer)
class Packing:
    @when(Pattern.match("Customer.placed"))
    async def on_order(self, match: Any) -> None:
        await get_context(self).emit("Packer.packed", id=match.payload["id"])


@module(implements=Mailer)
class Confirmations:
    @when(Pattern.match("Customer.placed"))
    async def on_order(self, match: Any) -> None:
        await get_context(self).emit("Mailer.sent", id=match.payload["id"])


@architecture
class Orders:
    customer = Customer
    packer = Packer
    mailer = Mailer

    connections = [
        agent(Pattern.match("Customer.placed"), target=packer),
        agent(Pattern.match("Customer.placed"), target=mailer),
    ]

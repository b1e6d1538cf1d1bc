"""A café for lesson 2 (causality): orders phoned to the kitchen, sales piped to the ledger.

The counter's start hook phones two orders to the kitchen through a ``connect``:
it waits while the kitchen makes each one. The till's sales, injected by the
lesson, go to the ledger through a ``pipe``; the ledger writes an entry for each
sale except a free one (total 0), whose delivery records nothing.
"""

from __future__ import annotations

from typing import Any

from pyrapide import (
    Pattern,
    action,
    architecture,
    connect,
    get_context,
    interface,
    module,
    pipe,
    when,
)


@interface
class Counter:
    @action
    async def order(self, item: str) -> None:
        """An order phoned to the kitchen."""


@interface
class Kitchen:
    @action
    async def ready(self, item: str) -> None:
        """The kitchen made ``item``."""


@interface
class Till:
    @action
    async def sale(self, n: int, total: int) -> None:
        """Sale number ``n``, for ``total`` (0 for something given away)."""


@interface
class Ledger:
    @action
    async def entry(self, n: int, total: int) -> None:
        """The ledger's line for sale ``n``."""


@module(implements=Counter)
class PhoneCounter:
    async def start(self) -> None:
        ctx = get_context(self)
        await ctx.emit("Counter.order", item="tea")
        await ctx.emit("Counter.order", item="cake")


@module(implements=Kitchen)
class Cook:
    @when(Pattern.match("Counter.order"))
    async def on_order(self, match: Any) -> None:
        await get_context(self).emit("Kitchen.ready", item=match.payload["item"])


@module(implements=Till)
class CashRegister:
    """Its sales come from outside: the lesson injects them."""


@module(implements=Ledger)
class Book:
    @when(Pattern.match("Till.sale"))
    async def on_sale(self, match: Any) -> None:
        if match.payload["total"] > 0:  # a free sale is not written down
            await get_context(self).emit(
                "Ledger.entry", n=match.payload["n"], total=match.payload["total"]
            )


@architecture
class Cafe:
    counter = Counter
    kitchen = Kitchen
    till = Till
    ledger = Ledger

    connections = [
        connect(Pattern.match("Counter.order"), target=kitchen),
        pipe(Pattern.match("Till.sale"), target=ledger),
    ]

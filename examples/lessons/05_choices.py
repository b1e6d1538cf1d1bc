"""An auction for lesson 5 (what else could have happened): two bids race through agents.

Ann and Bea each bid for the same lamp from their start hooks. Their bids reach
the auctioneer through ``agent`` connections, so no order between them is
promised: the first bid the auctioneer handles wins (``Auction.sold``), the other
is too late (``Auction.late``). Which one that is depends on the order the
deliveries run in: the seed's choice, or the user's.
"""

from __future__ import annotations

from typing import Any

from pyrapide import Pattern, action, agent, architecture, get_context, interface, module, when


@interface
class Bidder:
    @action
    async def bid(self, amount: int) -> None:
        """A bid of ``amount`` for the lamp."""


@interface
class Auction:
    @action
    async def sold(self, bidder: str, amount: int) -> None:
        """The lamp goes to ``bidder`` for ``amount``."""

    @action
    async def late(self, bidder: str) -> None:
        """``bidder``'s bid came after the lamp was sold."""


@module(implements=Bidder)
class Ann:
    async def start(self) -> None:
        await get_context(self).emit("Bidder.bid", amount=40)


@module(implements=Bidder)
class Bea:
    async def start(self) -> None:
        await get_context(self).emit("Bidder.bid", amount=45)


@module(implements=Auction)
class Auctioneer:
    def __init__(self) -> None:
        self.sold = False

    @when(Pattern.match("Bidder.bid"))
    async def on_bid(self, match: Any) -> None:
        ctx = get_context(self)
        if self.sold:
            await ctx.emit("Auction.late", bidder=match.source)
            return
        self.sold = True
        await ctx.emit("Auction.sold", bidder=match.source, amount=match.payload["amount"])


@architecture
class LampAuction:
    ann = Bidder
    bea = Bidder
    auctioneer = Auction

    connections = [
        agent(Pattern.match("Bidder.bid", source="ann"), target=auctioneer),
        agent(Pattern.match("Bidder.bid", source="bea"), target=auctioneer),
    ]


system = LampAuction.bind(ann=Ann, bea=Bea, auctioneer=Auctioneer)

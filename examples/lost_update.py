"""A bank account with a lost update: two deposits close together, and one can vanish.

A teller takes deposits: cash clears at once, a cheque a day later. Once a deposit
clears, the account works out the new balance, asks the ledger to record it, and
takes it as its balance when the ledger says it is recorded. Each step goes through
an ``agent`` connection, so nothing orders one deposit's steps against another's.

The design assumes the ledger answers within a day. In the runtime's logical time it
always does (handling an event takes no time), so a plain run is fine. But nothing
promises it: if a cheque clears before the ledger has recorded an earlier deposit,
both are worked out from the same old balance, whichever is recorded last wins, and
the other deposit is lost.

The architecture says what must never happen, as a constraint: two updates worked
out from the same balance. The seed's own order keeps it::

    rapide run examples/lost_update.py --script examples/lost_update.rapide

``rapide explore`` tries the other orders, finds the one that loses a deposit, and
writes it as a script that replays it::

    rapide explore examples/lost_update.py --script examples/lost_update.rapide
"""

from __future__ import annotations

from typing import Any

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    get_context,
    interface,
    module,
    never,
    placeholder,
    when,
)


@interface
class Teller:
    @action
    async def deposit(self, amount: int, clears_in: int = 0) -> None:
        """A customer pays ``amount`` in; it clears ``clears_in`` days from now (a
        cheque), or at once (cash)."""


@interface
class Account:
    @action
    async def update(self, read: int, balance: int) -> None:
        """The account read ``read`` as its balance and asks for ``balance`` to be recorded."""

    @action
    async def balance(self, value: int) -> None:
        """The balance, once the ledger recorded it."""


@interface
class Ledger:
    @action
    async def recorded(self, balance: int) -> None:
        """The ledger recorded ``balance``."""


@module(implements=Teller)
class Counter:
    """The teller's counter: deposits are injected as its events."""


@module(implements=Account)
class CheckingAccount:
    def __init__(self) -> None:
        self.balance = 0

    @when(Pattern.match("Teller.deposit"))
    async def on_deposit(self, match: Any) -> None:
        ctx = get_context(self)
        await ctx.sleep(match.payload.get("clears_in", 0))
        # The mistake: the new balance is worked out now, but only taken once the
        # ledger has recorded it; another deposit may read the same balance meanwhile.
        read = self.balance
        await ctx.emit("Account.update", read=read, balance=read + match.payload["amount"])

    @when(Pattern.match("Ledger.recorded"))
    async def on_recorded(self, match: Any) -> None:
        self.balance = match.payload["balance"]
        await get_context(self).emit("Account.balance", value=self.balance)


@module(implements=Ledger)
class Journal:
    @when(Pattern.match("Account.update"))
    async def on_update(self, match: Any) -> None:
        await get_context(self).emit("Ledger.recorded", balance=match.payload["balance"])


read = placeholder("read")


@architecture
class Bank:
    teller = Teller
    account = Account
    ledger = Ledger

    connections = [
        agent(Pattern.match("Teller.deposit"), target=account),
        agent(Pattern.match("Account.update"), target=ledger),
        agent(Pattern.match("Ledger.recorded"), target=account),
    ]

    constraints = [
        never(
            Pattern.match("Account.update", read=read) | Pattern.match("Account.update", read=read),
            name="no_lost_update",
            description="two updates were worked out from the same balance: one deposit is lost",
        ),
    ]

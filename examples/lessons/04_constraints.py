"""A bank account for lesson 4 (constraints and breakpoints): a rule, and the event that breaks it.

Withdrawals from a cash machine reach the account through a ``pipe``, in order.
The bank's rule, declared with the architecture as a constraint: a balance never
goes below zero. The account's check is wrong (it still honours an old overdraft
allowance), so some withdrawal will break the rule: the lesson finds which.
"""

from __future__ import annotations

from typing import Any

from pyrapide import (
    Pattern,
    action,
    architecture,
    get_context,
    interface,
    module,
    never,
    pipe,
    when,
)

OPENING_BALANCE = 10
OLD_OVERDRAFT_ALLOWANCE = 5


@interface
class CashMachine:
    @action
    async def withdraw(self, amount: int) -> None:
        """Someone asks for ``amount`` in cash."""


@interface
class Account:
    @action
    async def debited(self, amount: int, balance: int) -> None:
        """``amount`` was paid out; ``balance`` is what is left."""

    @action
    async def refused(self, amount: int, balance: int) -> None:
        """``amount`` was refused; the balance stays ``balance``."""


@module(implements=CashMachine)
class Machine:
    """Its withdrawals come from outside: the lesson injects them."""


@module(implements=Account)
class CurrentAccount:
    def __init__(self) -> None:
        self.balance = OPENING_BALANCE

    @when(Pattern.match("CashMachine.withdraw"))
    async def on_withdraw(self, match: Any) -> None:
        ctx = get_context(self)
        amount = match.payload["amount"]
        # The mistake: the allowance was withdrawn from the product, not from this check.
        if self.balance - amount < -OLD_OVERDRAFT_ALLOWANCE:
            await ctx.emit("Account.refused", amount=amount, balance=self.balance)
            return
        self.balance -= amount
        await ctx.emit("Account.debited", amount=amount, balance=self.balance)


@architecture
class Bank:
    machine = CashMachine
    account = Account

    connections = [pipe(Pattern.match("CashMachine.withdraw"), target=account)]

    constraints = [
        never(
            Pattern.match("Account.debited").where(lambda e: e.payload["balance"] < 0),
            name="no_overdraft",
            description="a balance never goes below zero",
        ),
    ]

"""Architectures for bench_explore.py: clerks that keep, in order, the notes handed them.

Each note goes to one clerk (``Note.to``) through an ``agent`` connection; a clerk
appends it to its list and emits the list so far. So the order of two notes to one
clerk changes the poset, and the order of notes to different clerks does not: with C
clerks and N notes each, there are (C*N)! orders and (N!)^C distinct posets.
"""

from __future__ import annotations

from typing import Any

from pyrapide import Pattern, action, agent, architecture, get_context, interface, module, when


@interface
class Desk:
    @action
    async def note(self, to: int, n: int) -> None:
        """Note ``n`` for clerk ``to``."""


@interface
class Clerk:
    @action
    async def kept(self, notes: list[int]) -> None:
        """The notes this clerk was handed so far, in order."""


@module(implements=Desk)
class Front:
    """Notes are injected as its events."""


@module(implements=Clerk)
class Keeper:
    def __init__(self) -> None:
        self.notes: list[int] = []

    @when(Pattern.match("Desk.note"))
    async def keep(self, match: Any) -> None:
        self.notes.append(match.payload["n"])
        await get_context(self).emit("Clerk.kept", notes=list(self.notes))


@architecture
class OneClerk:
    desk = Desk
    clerk = Clerk
    connections = [agent(Pattern.match("Desk.note"), target="clerk")]


@architecture
class TwoClerks:
    desk = Desk
    left = Clerk
    right = Clerk
    connections = [
        agent(Pattern.match("Desk.note", to=0), target="left"),
        agent(Pattern.match("Desk.note", to=1), target="right"),
    ]


one_clerk = OneClerk.bind(desk=Front, clerk=Keeper)
two_clerks = TwoClerks.bind(desk=Front, left=Keeper, right=Keeper)

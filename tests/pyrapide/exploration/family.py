"""A small family of architectures for checking the explorer against brute force.

A desk hands notes to two clerks (``left`` for ``to=0``, ``right`` for ``to=1``),
each through a connection of its own kind; each clerk keeps the notes it was handed
and reports the list so far to a tally, through a third kind; the tally keeps what it
hears and says ``Tally.crossed`` when a report of the right clerk comes before any of
the left one. A clerk may sleep a while before reporting (``sleepy``), so that
wake-ups are choices too. ``Spec`` names one member; :func:`system` builds it, and
being a partial of a module-level function with plain arguments, it travels to
worker processes.
"""

from __future__ import annotations

from functools import cache, partial
from typing import Any, NamedTuple

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    get_context,
    interface,
    module,
    never,
    pipe,
    when,
)
from pyrapide.exploration import Inject, Run, Scenario
from pyrapide.runtime import System

KINDS = {"connect": connect, "pipe": pipe, "agent": agent}


@interface
class Desk:
    @action
    async def note(self, to: int, n: int) -> None: ...


@interface
class Clerk:
    @action
    async def seen(self, notes: list[int]) -> None: ...


@interface
class Tally:
    @action
    async def heard(self, count: int) -> None: ...

    @action
    async def crossed(self) -> None: ...


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
        await get_context(self).emit("Clerk.seen", notes=list(self.notes))


@module(implements=Clerk)
class Sleeper:
    def __init__(self) -> None:
        self.notes: list[int] = []

    @when(Pattern.match("Desk.note"))
    async def keep(self, match: Any) -> None:
        ctx = get_context(self)
        await ctx.sleep(1)
        self.notes.append(match.payload["n"])
        await ctx.emit("Clerk.seen", notes=list(self.notes))


@module(implements=Tally)
class Counting:
    def __init__(self) -> None:
        self.heard = 0
        self.left = False

    @when(Pattern.match("Clerk.seen"))
    async def hear(self, match: Any) -> None:
        ctx = get_context(self)
        self.heard += 1
        if match.source == "left":
            self.left = True
        elif not self.left:
            await ctx.emit("Tally.crossed")
        await ctx.emit("Tally.heard", count=self.heard)


@module(implements=Tally)
class SlowCounting(Counting):
    @when(Pattern.match("Clerk.seen"))
    async def hear(self, match: Any) -> None:
        await get_context(self).sleep(1)
        await super().hear(match)


class Spec(NamedTuple):
    """One member: the kind of each clerk's connection and of the reports, and whether
    the clerks sleep before reporting."""

    left: str = "agent"
    right: str = "agent"
    reports: str = "agent"
    sleepy: bool = False
    slow_tally: bool = False


@cache
def _office(kinds: tuple[str, str, str]) -> Any:
    to_left, to_right, reports = (KINDS[kind] for kind in kinds)

    @architecture
    class Office:
        desk = Desk
        left = Clerk
        right = Clerk
        tally = Tally
        connections = [
            to_left(Pattern.match("Desk.note", to=0), target="left"),
            to_right(Pattern.match("Desk.note", to=1), target="right"),
            reports(Pattern.match("Clerk.seen"), target="tally"),
        ]
        constraints = [never(Pattern.match("Tally.crossed"), name="in_turn")]

    return Office


def build(spec: Spec) -> System:
    """A fresh System of the member ``spec``."""
    clerk = Sleeper if spec.sleepy else Keeper
    return System(
        _office((spec.left, spec.right, spec.reports)),
        {"desk": Front, "left": clerk, "right": clerk,
         "tally": SlowCounting if spec.slow_tally else Counting},
    )


def system(spec: Spec) -> partial[System]:
    """A picklable factory of ``spec``'s Systems."""
    return partial(build, spec)


def notes(to: list[int], *after: Any) -> Scenario:
    """One note per entry of ``to`` (to clerk 0 or 1), a run, then ``after``."""
    injections = tuple(
        Inject(line, "Desk.note", {"to": clerk, "n": line}) for line, clerk in enumerate(to, 1)
    )
    return Scenario((*injections, Run(len(to) + 1), *after))


office = _office(("pipe", "agent", "connect")).bind(
    desk=Front, left=Sleeper, right=Sleeper, tally=Counting
)
"""One member as a file the workbench loads: ``rapide explore family.py --script ...``."""

"""A clock that ticks forever through a pipe to itself: a run only ends when paused."""

from pyrapide import Pattern, action, architecture, get_context, interface, module, pipe, when


@interface
class Ticker:
    @action
    async def tick(self, n: int) -> None: ...


@module(implements=Ticker)
class Clock:
    @when(Pattern.match("Ticker.tick"))
    async def on_tick(self, match):
        await get_context(self).emit("Ticker.tick", n=match.payload["n"] + 1)


@architecture
class Forever:
    clock = Ticker
    connections = [pipe(Pattern.match("Ticker.tick"), target=clock)]

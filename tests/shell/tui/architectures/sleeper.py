"""A clock whose handler waits a minute of real time: a run of it waits in the event loop."""

import asyncio

from pyrapide import Pattern, action, architecture, interface, module, pipe, when


@interface
class Ticker:
    @action
    async def tick(self, n: int) -> None: ...


@module(implements=Ticker)
class Clock:
    @when(Pattern.match("Ticker.tick"))
    async def on_tick(self, match):
        await asyncio.sleep(60)


@architecture
class Sleeper:
    clock = Ticker
    connections = [pipe(Pattern.match("Ticker.tick"), target=clock)]

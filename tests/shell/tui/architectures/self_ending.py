"""The endless clock, whose handler sends its own process, at the hundredth tick, the
signals numbered in RAPIDE_TEST_SIGNALS (``15`` or ``2,2``): they land in the run's own
code, as a Ctrl-C does in a handler that keeps the loop busy."""

import os

from pyrapide import Pattern, action, architecture, get_context, interface, module, pipe, when

SIGNALS = [int(number) for number in os.environ.get("RAPIDE_TEST_SIGNALS", "").split(",") if number]


@interface
class Ticker:
    @action
    async def tick(self, n: int) -> None: ...


@module(implements=Ticker)
class Clock:
    @when(Pattern.match("Ticker.tick"))
    async def on_tick(self, match):
        n = match.payload["n"]
        if n == 100:
            for number in SIGNALS:
                os.kill(os.getpid(), number)
        await get_context(self).emit("Ticker.tick", n=n + 1)


@architecture
class SelfEnding:
    clock = Ticker
    connections = [pipe(Pattern.match("Ticker.tick"), target=clock)]

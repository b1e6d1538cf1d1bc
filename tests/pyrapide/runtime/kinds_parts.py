"""A small architecture where one event goes out through all three connection kinds."""

from __future__ import annotations

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    get_context,
    interface,
    module,
    pipe,
)
from pyrapide import when as on
from pyrapide.runtime import System

LOG: list[str] = []


@interface
class Source:
    @action
    async def ping(self, n: int) -> None: ...


@interface
class Sink:
    @action
    async def pong(self, n: int) -> None: ...

    @action
    async def relay(self, n: int) -> None: ...


@module(implements=Source)
class Silent:
    """Emits nothing by itself: tests inject its pings."""


@module(implements=Sink)
class Echo:
    @on(Pattern.match("Source.ping"))
    async def on_ping(self, match):
        ctx = get_context(self)
        LOG.append(f"{ctx.component} {match.payload['n']}")
        await ctx.emit("Sink.pong", n=match.payload["n"])


@module(implements=Sink)
class Relay:
    """Forwards each ping through a connect before answering."""

    @on(Pattern.match("Source.ping"))
    async def on_ping(self, match):
        ctx = get_context(self)
        LOG.append(f"{ctx.component} relays {match.payload['n']}")
        await ctx.emit("Sink.relay", n=match.payload["n"])
        LOG.append(f"{ctx.component} resumed {match.payload['n']}")


@architecture
class Fan:
    source = Source
    sync = Sink
    queue = Sink
    free = Sink
    connections = [
        connect(Pattern.match("Source.ping"), target="sync"),
        pipe(Pattern.match("Source.ping"), target="queue"),
        agent(Pattern.match("Source.ping"), target="free"),
    ]


@architecture
class RelayChain:
    source = Source
    first = Sink
    second = Sink
    connections = [
        connect(Pattern.match("Source.ping"), target="first"),
        connect(Pattern.match("Sink.relay"), target="second"),
    ]


@module(implements=Sink)
class Listener:
    @on(Pattern.match("Sink.relay"))
    async def on_relay(self, match):
        LOG.append(f"{get_context(self).component} got relay {match.payload['n']}")


async def paused_fan(pings: int = 0) -> System:
    """The fan, an Echo on each sink, started and paused with ``pings`` pings injected."""
    system = System(Fan, {"source": Silent, "sync": Echo, "queue": Echo, "free": Echo})
    await system.start()
    system.pause()
    for n in range(pings):
        system.inject("Source.ping", {"n": n})
    return system

"""Three clients and three servers for lesson 1: the same exchange through connect, pipe and agent.

Each client's start hook sends two requests (n = 1, 2) to a server of its own;
the server answers each with a reply. Only the kind of connection differs:
``connect`` (the client waits for each request to be handled), ``pipe`` (the
client goes on; the server takes the requests one at a time, in order) and
``agent`` (the client goes on; each delivery is independent, in any order).
"""

from __future__ import annotations

from typing import Any

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
    when,
)


@interface
class Client:
    @action
    async def request(self, n: int) -> None:
        """Request number ``n``."""


@interface
class Server:
    @action
    async def reply(self, n: int) -> None:
        """The answer to request ``n``."""


@module(implements=Client)
class TwoRequests:
    async def start(self) -> None:
        ctx = get_context(self)
        for n in (1, 2):
            await ctx.emit("Client.request", n=n)


@module(implements=Server)
class Replier:
    @when(Pattern.match("Client.request"))
    async def on_request(self, match: Any) -> None:
        await get_context(self).emit("Server.reply", n=match.payload["n"])


@architecture
class SideBySide:
    connect_client = Client
    pipe_client = Client
    agent_client = Client
    connect_server = Server
    pipe_server = Server
    agent_server = Server

    connections = [
        connect(Pattern.match("Client.request", source="connect_client"), target="connect_server"),
        pipe(Pattern.match("Client.request", source="pipe_client"), target="pipe_server"),
        agent(Pattern.match("Client.request", source="agent_client"), target="agent_server"),
    ]

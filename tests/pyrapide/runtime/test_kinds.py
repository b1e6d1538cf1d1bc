"""One list of connection kinds: every kind is built, queued and delivered from it."""

from __future__ import annotations

import pytest

from pyrapide import Pattern, action, architecture, interface, module, when
from pyrapide.architecture import ConnectionKind, Delivery, connection
from pyrapide.runtime import System


@interface
class Node:
    @action
    async def ping(self, n: int) -> None: ...


@module(implements=Node)
class Echo:
    heard: list[int] = []

    @when(Pattern.match("Node.ping"))
    async def on_ping(self, match):
        type(self).heard.append(match.payload["n"])


def test_each_kind_is_its_name_and_says_how_it_delivers():
    assert [str(kind) for kind in ConnectionKind] == ["connect", "pipe", "agent"]
    assert ConnectionKind.named("pipe") is ConnectionKind.PIPE == "pipe"
    assert {kind.delivery for kind in ConnectionKind} == set(Delivery)
    assert [kind.legacy_name for kind in ConnectionKind] == ["basic", "pipe", "agent"]
    with pytest.raises(ValueError, match="unknown connection kind 'pipes'; one of connect"):
        ConnectionKind.named("pipes")


@pytest.mark.parametrize("kind", list(ConnectionKind))
async def test_every_kind_is_queued_and_delivered(kind):
    @architecture
    class Pair:
        a = Node
        b = Node
        connections = [connection(kind, Pattern.match("Node.ping"), "b")]

    Echo.heard = []
    system = System(Pair, {"a": Echo, "b": Echo})
    await system.start()
    system.inject("Node.ping", {"n": 7})
    (dispatch,) = system.pending()
    assert dispatch.kind is kind and dispatch.connection.connection_type == kind.legacy_name
    assert system.next_dispatch(kind) is dispatch
    assert await system.step(str(kind)) is dispatch
    assert Echo.heard == [7]

"""What the wiring lets cause what, and composite patterns it never lets match."""

from __future__ import annotations

from pyrapide import Pattern, action, agent, architecture, connect, interface, pipe
from pyrapide.architecture.wiring import cause_graph, reachable, unrelated_parts


@interface
class Api:
    @action
    async def request(self, key: str) -> None: ...

    @action
    async def response(self, key: str) -> None: ...


@interface
class Db:
    @action
    async def result(self, key: str) -> None: ...


@interface
class Audit:
    @action
    async def logged(self, key: str) -> None: ...


@interface
class Clock:
    @action
    async def tick(self, n: int) -> None: ...


@architecture
class Service:
    api = Api
    db = Db
    audit = Audit
    clock = Clock
    connections = [
        connect(Pattern.match("Api.request"), target=db),
        pipe(Pattern.match("Db.result"), target=api),
        # Possible: a request leads to a result.
        agent(Pattern.match("Api.request") >> Pattern.match("Db.result"), target=audit),
        # Never: nothing the audit log emits comes from a request, and the reverse.
        agent(Pattern.match("Audit.logged") >> Pattern.match("Api.request"), target=audit),
        # Never: nothing leads to both a tick (the clock hears nothing) and a result.
        agent(Pattern.match("Clock.tick") & Pattern.match("Db.result"), target=audit),
        # Independence is always possible: no warning.
        agent(Pattern.match("Audit.logged") | Pattern.match("Db.result"), target=audit),
    ]


def test_the_graph_follows_deliveries_chained_emits_and_return_edges():
    graph = cause_graph(Service.components, Service.connections_list)
    assert "Db.result" in graph["Api.request"]  # delivered to the db, which emits results
    assert "Api.response" in graph["Api.request"]  # the api's emits are chained
    # The return edge: what the db emits can cause what the api emits next.
    assert "Api.request" in graph["Db.result"]
    assert "Audit.logged" in reachable(graph, ["Api.request"])
    assert reachable(graph, ["Audit.logged"]) == {"Audit.logged"}


def test_composite_patterns_whose_parts_never_relate_are_found():
    found = unrelated_parts(Service.components, Service.connections_list)
    assert [connection.index for connection, _ in found] == [3, 4]
    assert found[0][1] == (
        "nothing that Audit.logged leads to is Api.request, so "
        "`Audit.logged -> Api.request` never matches events the system emits"
    )
    assert found[1][1].startswith("no event can lead to both Clock.tick and Db.result")

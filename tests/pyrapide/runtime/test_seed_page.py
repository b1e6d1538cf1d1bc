"""The seed page's code, unchanged, runs with the semantics the page gives each connection."""

from __future__ import annotations

import asyncio
import itertools

from pyrapide import Pattern, agent, architecture, connect, pipe
from tests.pyrapide.runtime.seed_parts import (
    LOG,
    APIService,
    CacheService,
    DatabaseService,
    FastAPIModule,
    NotificationService,
    PostgresModule,
    RedisModule,
    SlackModule,
)

# ---- architecture_example.py, as on the page ----


@architecture
class MySystem:
    api = APIService
    db = DatabaseService
    cache = CacheService
    notifications = NotificationService

    connections = [
        connect(Pattern.match("APIService.request"), target=db),
        connect(Pattern.match("APIService.request"), target=cache),
        pipe(Pattern.match("DatabaseService.result"), target=api),
        agent(Pattern.match("DatabaseService.error"), target=notifications),
    ]


# ---- routing.py, as on the page (in an architecture of its own) ----


@architecture
class RoutedSystem:
    api = APIService
    db = DatabaseService
    cache = CacheService
    notifications = NotificationService

    connections = [
        # Route queries to the database
        connect(Pattern.match("APIService.request")
                .where(lambda e: e.payload.get("type") == "query"),
                target=db),

        # Route cache lookups to the cache
        connect(Pattern.match("APIService.request")
                .where(lambda e: e.payload.get("type") == "cache"),
                target=cache),
    ]


def run_page():
    # ---- run.py, as on the page ----
    system = MySystem.bind(
        api=FastAPIModule,
        db=PostgresModule,
        cache=RedisModule,
        notifications=SlackModule,
    )

    asyncio.run(system.run())
    return system


def at(*entry: str) -> int:
    return LOG.index(entry)


def test_connect_emitter_resumes_only_after_every_target_handled_it():
    run_page()
    for key in ("1", "2", "bad", "3"):
        assert at("api emits", key) < at("db handles", key) < at("api resumed", key)
        assert at("api emits", key) < at("cache handles", key) < at("api resumed", key)
    # Deliveries run in connection order: db (first connect) before cache.
    assert at("db handles", "1") < at("cache handles", "1")


def test_pipe_delivers_in_recording_order_one_at_a_time_without_blocking_the_emitter():
    system = run_page()
    pipe_log = [entry for entry in LOG if entry[0].startswith("api result")]
    assert pipe_log == [
        ("api result begins", "1"), ("api result ends", "1"),
        ("api result begins", "2"), ("api result ends", "2"),
        ("api result begins", "3"), ("api result ends", "3"),
    ]
    for key in ("1", "2", "3"):
        assert at("db after result", key) < at("api result begins", key)
    results = system.computation.events_by_name("DatabaseService.result")
    assert [e.payload["key"] for e in results] == ["1", "2", "3"]


def test_agent_delivery_never_blocks_the_emitter():
    run_page()
    assert at("db after error", "bad") < at("slack handles", "bad")
    assert at("api resumed", "bad") < at("slack handles", "bad")


def test_causes_are_recorded_without_the_users_help():
    system = run_page()
    computation = system.computation
    poset = computation.poset
    requests = computation.events_by_name("APIService.request")
    results = {e.payload["key"]: e for e in computation.events_by_name("DatabaseService.result")}
    responses = computation.events_by_name("APIService.response")
    # A handler's first emit is caused by the delivered event.
    for request in requests:
        if request.payload["key"] in results:
            assert set(poset.causes(results[request.payload["key"]])) == {request}
    # Successive emits of start() are chained, through what the connect deliveries
    # of the earlier one emitted (the return edge: the api waited for them).
    for earlier, later in itertools.pairwise(requests):
        assert set(poset.causes(later)) == set(poset.effects(earlier))
        assert poset.is_ancestor(earlier, later)
    # Through the pipe, delivery k+1's events follow delivery k's.
    for earlier, later in itertools.pairwise(responses):
        assert set(poset.causes(later)) == {results[later.payload["key"]], earlier}
    # The agent's notification is caused by the error it handled.
    (error,) = computation.events_by_name("DatabaseService.error")
    (sent,) = computation.events_by_name("NotificationService.sent")
    assert set(poset.causes(sent)) == {error}
    # Logical time: each pipe delivery slept 1 unit.
    assert [r.timestamp for r in responses] == [1.0, 2.0, 3.0]


def test_where_guards_route_by_payload():
    system = RoutedSystem.bind(
        api=FastAPIModule, db=PostgresModule, cache=RedisModule, notifications=SlackModule
    )
    asyncio.run(system.run())
    assert [e[1] for e in LOG if e[0] == "db handles"] == ["1", "bad", "3"]
    assert [e[1] for e in LOG if e[0] == "cache handles"] == ["2"]
    # Nothing routes errors to the notifier here, so it never runs.
    assert not [e for e in LOG if e[0] == "slack handles"]

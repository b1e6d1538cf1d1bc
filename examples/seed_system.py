"""The seed page's MySystem made real: an API, a SQLite database, a cache and a notifier.

Run it with ``python examples/seed_system.py`` (or open it in the workbench with
``rapide shell examples/seed_system.py``). What happens, following the page's
four connections:

* The API (``FastAPIModule``) sends requests in two rounds, one logical second
  apart. Every ``APIService.request`` goes, through two ``connect``s, to the
  database and to the cache: the API waits until both have handled it.
* The database (``PostgresModule``) answers queries with real SQL on an
  in-memory SQLite database it creates at start. A row set comes back as
  ``DatabaseService.result``; a bad query (an unknown table, a malformed key)
  as ``DatabaseService.error``.
* Results reach the API through a ``pipe``: one at a time, in the order the
  database produced them. The API answers (``APIService.response``) and warms
  the cache with a ``type="cache"`` request, so the second round hits it.
* Errors reach the notifier (``SlackModule``) through an ``agent``: the
  database does not wait for the message to go out.
"""

from __future__ import annotations

import sqlite3
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

# ---------------------------------------------------------------- interfaces


@interface
class APIService:
    """The public face: requests come in, responses go out."""

    @action
    async def request(self, type: str, key: str, value: Any = None) -> None:
        """A client request: ``type`` "query" reads ``key`` ("table/id"); "cache"
        stores ``value`` under ``key``."""

    @action
    async def response(self, key: str, status: int, rows: list) -> None:
        """The answer to a query."""


@interface
class DatabaseService:
    """Runs queries against the relational store."""

    @action
    async def result(self, key: str, rows: list) -> None:
        """The rows a query found."""

    @action
    async def error(self, key: str, message: str) -> None:
        """A query that could not run."""


@interface
class CacheService:
    """Keeps recent answers."""

    @action
    async def hit(self, key: str, value: Any) -> None:
        """A query found in the cache."""

    @action
    async def miss(self, key: str) -> None:
        """A query not in the cache."""

    @action
    async def stored(self, key: str) -> None:
        """An entry written to the cache."""


@interface
class NotificationService:
    """Tells people when something went wrong."""

    @action
    async def sent(self, channel: str, text: str) -> None:
        """A message posted to ``channel``."""


# ------------------------------------------------------------------- modules

ROUNDS = [
    ["users/1", "users/2", "orders/7", "users/3"],
    ["users/1", "users/2", "users", "users/9"],
]


@module(implements=APIService)
class FastAPIModule:
    """Sends two rounds of queries; answers each result and warms the cache."""

    def __init__(self) -> None:
        self.responses: list[tuple[str, int, list]] = []

    async def start(self) -> None:
        ctx = get_context(self)
        for round_number, keys in enumerate(ROUNDS):
            if round_number:
                await ctx.sleep(1)  # let the results of the previous round come back
            for key in keys:
                await ctx.emit("APIService.request", type="query", key=key)

    @when(Pattern.match("DatabaseService.result"))
    async def on_result(self, match: Any) -> None:
        ctx = get_context(self)
        key, rows = match.payload["key"], match.payload["rows"]
        status = 200 if rows else 404
        self.responses.append((key, status, rows))
        await ctx.emit("APIService.response", key=key, status=status, rows=rows)
        if rows:
            await ctx.emit("APIService.request", type="cache", key=key, value=rows)


SCHEMA = """
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
    INSERT INTO users (id, name, email) VALUES
        (1, 'Ada Lovelace', 'ada@example.org'),
        (2, 'Alan Turing', 'alan@example.org'),
        (3, 'Grace Hopper', 'grace@example.org');
"""


@module(implements=DatabaseService)
class PostgresModule:
    """Answers queries with SQL on an in-memory SQLite database made at start."""

    def __init__(self) -> None:
        self.database: sqlite3.Connection | None = None
        self.statements: list[str] = []

    async def start(self) -> None:
        self.database = sqlite3.connect(":memory:")
        self.database.executescript(SCHEMA)

    async def finish(self) -> None:
        if self.database is not None:
            self.database.close()

    @when(Pattern.match("APIService.request", type="query"))
    async def on_query(self, match: Any) -> None:
        ctx = get_context(self)
        key = match.payload["key"]
        table, _, ident = key.partition("/")
        if not table.isidentifier() or not ident.isdigit():
            await ctx.emit("DatabaseService.error", key=key, message="malformed key")
            return
        statement = f'SELECT * FROM "{table}" WHERE id = ?'
        self.statements.append(statement)
        assert self.database is not None, "the database is made in start()"
        try:
            cursor = self.database.execute(statement, (int(ident),))
        except sqlite3.Error as error:
            await ctx.emit("DatabaseService.error", key=key, message=str(error))
            return
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        await ctx.emit("DatabaseService.result", key=key, rows=rows)


@module(implements=CacheService)
class RedisModule:
    """A key-value cache: "cache" requests store, "query" requests hit or miss."""

    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}

    @when(Pattern.match("APIService.request"))
    async def on_request(self, match: Any) -> None:
        ctx = get_context(self)
        key = match.payload["key"]
        if match.payload["type"] == "cache":
            self.entries[key] = match.payload["value"]
            await ctx.emit("CacheService.stored", key=key)
        elif key in self.entries:
            await ctx.emit("CacheService.hit", key=key, value=self.entries[key])
        else:
            await ctx.emit("CacheService.miss", key=key)


@module(implements=NotificationService)
class SlackModule:
    """Posts database errors to a channel, and keeps what it sent."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    @when(Pattern.match("DatabaseService.error"))
    async def on_error(self, match: Any) -> None:
        text = f"query {match.payload['key']} failed: {match.payload['message']}"
        self.sent.append(text)
        await get_context(self).emit("NotificationService.sent", channel="#alerts", text=text)


# -------------------------------------------------------------- architecture


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


system = MySystem.bind(
    api=FastAPIModule,
    db=PostgresModule,
    cache=RedisModule,
    notifications=SlackModule,
)


async def main() -> None:
    from pyrapide.analysis import queries, visualization

    computation = await system.run()
    api, db = system.modules["api"], system.modules["db"]
    cache, notifier = system.modules["cache"], system.modules["notifications"]
    print(visualization.summary(computation))
    print(f"\nSQL statements run: {len(db.statements)}")
    print("API responses:")
    for key, status, rows in api.responses:
        print(f"  {key:<10} {status}  {rows}")
    print(f"cache entries: {sorted(cache.entries)}")
    hits = [e.payload["key"] for e in computation.events_by_name("CacheService.hit")]
    print(f"cache hits in round two: {hits}")
    print("notifications sent:")
    for text in notifier.sent:
        print(f"  #alerts  {text}")
    error = computation.events_by_name("DatabaseService.error")[0]
    chain = " <- ".join(
        f"{e.id} {e.name}" for e in reversed(queries.backward_slice(computation, error).events)
    )
    print(f"\nwhy {error.id} ({error.payload['message']}): {chain}")
    print(f"handler errors: {len(system.errors)}; logical time at the end: {system.now}")


if __name__ == "__main__":
    import asyncio  # here, not at the top: loading the file (`rapide check`) needs none

    asyncio.run(main())

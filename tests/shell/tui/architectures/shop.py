"""A small shop with the three connection kinds, a handler that can raise (key "boom")
and a constraint that an unknown key ("missing") violates."""

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


@interface
class APIService:
    @action
    async def request(self, type: str, key: str) -> None: ...


@interface
class DatabaseService:
    @action
    async def result(self, key: str, rows: list) -> None: ...

    @action
    async def error(self, key: str, reason: str) -> None: ...


@interface
class CacheService:
    @action
    async def stored(self, key: str) -> None: ...


@interface
class NotificationService:
    @action
    async def sent(self, text: str) -> None: ...


@module(implements=APIService)
class Api:
    def __init__(self):
        self.results = []

    @when(Pattern.match("DatabaseService.result"))
    async def on_result(self, match):
        self.results.append(match.payload["key"])


@module(implements=DatabaseService)
class Database:
    @when(Pattern.match("APIService.request"))
    async def on_request(self, match):
        ctx = get_context(self)
        key = match.payload["key"]
        if key == "boom":
            raise ValueError(f"no table for {key}")
        if key == "missing":
            await ctx.emit("DatabaseService.error", key=key, reason="not found")
        else:
            await ctx.emit("DatabaseService.result", key=key, rows=[key])


@module(implements=CacheService)
class Cache:
    @when(Pattern.match("APIService.request"))
    async def on_request(self, match):
        await get_context(self).emit("CacheService.stored", key=match.payload["key"])


@module(implements=NotificationService)
class Notifier:
    @when(Pattern.match("DatabaseService.error"))
    async def on_error(self, match):
        await get_context(self).emit("NotificationService.sent", text=match.payload["reason"])


@architecture
class Shop:
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

    constraints = [
        never(Pattern.match("DatabaseService.error"), name="no_lookup_fails"),
    ]

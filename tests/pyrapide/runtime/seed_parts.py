"""Interfaces and instrumented modules for the seed page's architecture, for tests.

Each module appends what it does to ``LOG`` so a test can read the
interleaving: who ran, and when an emitter got control back.
"""

from __future__ import annotations

from pyrapide import Pattern, action, get_context, interface, module, when

LOG: list[tuple[str, ...]] = []


@interface
class APIService:
    @action
    async def request(self, type: str, key: str) -> None: ...

    @action
    async def response(self, key: str, rows: list) -> None: ...


@interface
class DatabaseService:
    @action
    async def result(self, key: str, rows: list) -> None: ...

    @action
    async def error(self, key: str, message: str) -> None: ...


@interface
class CacheService:
    @action
    async def stored(self, key: str) -> None: ...


@interface
class NotificationService:
    @action
    async def sent(self, text: str) -> None: ...


REQUESTS = [("query", "1"), ("cache", "2"), ("query", "bad"), ("query", "3")]


@module(implements=APIService)
class FastAPIModule:
    async def start(self):
        ctx = get_context(self)
        for kind, key in REQUESTS:
            LOG.append(("api emits", key))
            await ctx.emit("APIService.request", type=kind, key=key)
            LOG.append(("api resumed", key))

    @when(Pattern.match("DatabaseService.result"))
    async def on_result(self, match):
        key = match.payload["key"]
        LOG.append(("api result begins", key))
        await get_context(self).sleep(1)  # a pipe delivery in flight: the next one waits
        await get_context(self).emit("APIService.response", key=key, rows=match.payload["rows"])
        LOG.append(("api result ends", key))


@module(implements=DatabaseService)
class PostgresModule:
    @when(Pattern.match("APIService.request"))
    async def on_request(self, match):
        ctx = get_context(self)
        key = match.payload["key"]
        LOG.append(("db handles", key))
        if key == "bad":
            await ctx.emit("DatabaseService.error", key=key, message="no such key")
            LOG.append(("db after error", key))
            return
        await ctx.emit("DatabaseService.result", key=key, rows=[key])
        LOG.append(("db after result", key))


@module(implements=CacheService)
class RedisModule:
    @when(Pattern.match("APIService.request"))
    async def on_request(self, match):
        LOG.append(("cache handles", match.payload["key"]))
        await get_context(self).emit("CacheService.stored", key=match.payload["key"])


@module(implements=NotificationService)
class SlackModule:
    @when(Pattern.match("DatabaseService.error"))
    async def on_error(self, match):
        LOG.append(("slack handles", match.payload["key"]))
        await get_context(self).emit("NotificationService.sent", text=match.payload["message"])

"""The seed page's interfaces, shared by the architecture tests."""

from pyrapide import action, interface, requires


@interface
class APIService:
    @action
    async def request(self, type: str, key: str) -> None: ...

    @action
    async def response(self, key: str, body: dict) -> None: ...


@interface
class DatabaseService:
    @action
    async def result(self, key: str, rows: list) -> None: ...

    @action
    async def error(self, message: str) -> None: ...

    @requires
    def connect(self, dsn: str) -> None: ...


@interface
class CacheService:
    @action
    async def hit(self, key: str) -> None: ...

    @action
    async def miss(self, key: str) -> None: ...


@interface
class NotificationService:
    @action
    async def sent(self, text: str) -> None: ...

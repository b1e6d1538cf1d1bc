"""Sixteen components and 21 connections of every kind, with a cycle back to the
gateway: big enough that one row of boxes would not fit the graph panel."""

from pyrapide import Pattern, System, action, agent, architecture, connect, interface, pipe


@interface
class Gateway:
    @action
    async def request(self, key: str) -> None: ...


@interface
class Auth:
    @action
    async def verdict(self, key: str) -> None: ...


@interface
class Router:
    @action
    async def routed(self, key: str) -> None: ...


@interface
class Orders:
    @action
    async def placed(self, key: str) -> None: ...


@interface
class Payments:
    @action
    async def charged(self, key: str) -> None: ...


@interface
class Stock:
    @action
    async def reserved(self, key: str) -> None: ...


@interface
class Shipping:
    @action
    async def shipped(self, key: str) -> None: ...


@interface
class Store:
    @action
    async def saved(self, key: str) -> None: ...


@interface
class Cache:
    @action
    async def filled(self, key: str) -> None: ...


@interface
class Search:
    @action
    async def indexed(self, key: str) -> None: ...


@interface
class Billing:
    @action
    async def invoiced(self, key: str) -> None: ...


@interface
class Fraud:
    @action
    async def flagged(self, key: str) -> None: ...


@interface
class Mailer:
    @action
    async def sent(self, key: str) -> None: ...


@interface
class Audit:
    @action
    async def logged(self, key: str) -> None: ...


@interface
class Metrics:
    @action
    async def counted(self, key: str) -> None: ...


@interface
class Admin:
    @action
    async def command(self, key: str) -> None: ...


@architecture
class Plant:
    gateway = Gateway
    auth = Auth
    router = Router
    orders = Orders
    payments = Payments
    stock = Stock
    shipping = Shipping
    store = Store
    cache = Cache
    search = Search
    billing = Billing
    fraud = Fraud
    mailer = Mailer
    audit = Audit
    metrics = Metrics
    admin = Admin

    connections = [
        connect(Pattern.match("Gateway.request"), target=auth),
        connect(Pattern.match("Auth.verdict"), target=router),
        pipe(Pattern.match("Router.routed"), target=orders),
        pipe(Pattern.match("Router.routed"), target=payments),
        agent(Pattern.match("Router.routed"), target=stock),
        agent(Pattern.match("Router.routed"), target=shipping),
        pipe(Pattern.match("Orders.placed"), target=store),
        connect(Pattern.match("Orders.placed"), target=billing),
        agent(Pattern.match("Payments.charged"), target=fraud),
        pipe(Pattern.match("Payments.charged"), target=billing),
        connect(Pattern.match("Stock.reserved"), target=cache),
        agent(Pattern.match("Shipping.shipped"), target=mailer),
        pipe(Pattern.match("Store.saved"), target=search),
        connect(Pattern.match("Store.saved"), target=cache),
        agent(Pattern.match("Billing.invoiced"), target=mailer),
        pipe(Pattern.match("Fraud.flagged"), target=audit),
        agent(Pattern.match("Fraud.flagged"), target=gateway),
        connect(Pattern.match("Mailer.sent"), target=metrics),
        agent(Pattern.match("Audit.logged"), target=metrics),
        pipe(Pattern.match("Admin.command"), target=router),
        agent(Pattern.match("Search.indexed"), target=metrics),
    ]


# No behaviour is needed to draw it: deliveries to unbound components run nothing.
plant = System(Plant, {}, allow_unbound=True)

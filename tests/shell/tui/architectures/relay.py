"""A desk that asks a clerk through a connect while it handles a visitor: between the
steps, the desk's delivery has started and not finished (it waits on the clerk)."""

from pyrapide import Pattern, action, architecture, connect, get_context, interface, module, when


@interface
class Door:
    @action
    async def visitor(self, who: str) -> None: ...


@interface
class Desk:
    @action
    async def ask(self, who: str) -> None: ...

    @action
    async def welcome(self, who: str) -> None: ...


@interface
class Clerk:
    @action
    async def answer(self, who: str) -> None: ...


@module(implements=Door)
class Entrance:
    pass


@module(implements=Desk)
class Reception:
    @when(Pattern.match("Door.visitor"))
    async def on_visitor(self, match):
        ctx = get_context(self)
        await ctx.emit("Desk.ask", who=match.payload["who"])
        await ctx.emit("Desk.welcome", who=match.payload["who"])


@module(implements=Clerk)
class Office:
    @when(Pattern.match("Desk.ask"))
    async def on_ask(self, match):
        await get_context(self).emit("Clerk.answer", who=match.payload["who"])


@architecture
class Relay:
    door = Door
    desk = Desk
    clerk = Clerk
    connections = [
        connect(Pattern.match("Door.visitor"), target=desk),
        connect(Pattern.match("Desk.ask"), target=clerk),
    ]

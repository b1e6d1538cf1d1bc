"""A teahouse whose events are named and filled in wide characters (two cells each on
a terminal): a guest (客) greets the host (こんにちは), the host answers in kind; both
say much more than a column shows."""

from pyrapide import Pattern, action, agent, architecture, get_context, interface, module, when


@interface
class Guest:
    @action
    async def こんにちは(self, words: str) -> None: ...


@interface
class Host:
    @action
    async def welcome(self, words: str) -> None: ...


@module(implements=Guest)
class Visitor:
    async def start(self) -> None:
        await get_context(self).emit("Guest.こんにちは", words="お茶をください" * 20)


@module(implements=Host)
class Teahouse:
    @when(Pattern.match("Guest.こんにちは"))
    async def on_greeting(self, match):
        await get_context(self).emit("Host.welcome", words="welcome " * 20)


@architecture
class Tea:
    客 = Guest
    host = Host
    connections = [agent(Pattern.match("Guest.こんにちは"), target=host)]


system = Tea.bind(客=Visitor, host=Teahouse)

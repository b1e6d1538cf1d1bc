"""Connection semantics beyond the seed page: nesting, composite patterns, targets."""

from __future__ import annotations

from pyrapide import Pattern, action, architecture, connect, get_context, interface, module, when
from pyrapide.runtime import System


@interface
class Front:
    @action
    async def ask(self, n: int) -> None: ...

    @action
    async def note(self, n: int) -> None: ...


@interface
class Middle:
    @action
    async def forward(self, n: int) -> None: ...


@interface
class Back:
    @action
    async def answer(self, n: int) -> None: ...


def build(log):
    @module(implements=Front)
    class FrontModule:
        async def start(self):
            await get_context(self).emit("Front.ask", n=1)
            log.append("front resumed")

        @when(Pattern.match("Back.answer"))
        async def on_answer(self, match):
            log.append(f"front got {match.payload['n']}")

    @module(implements=Middle)
    class AwaitingMiddle:
        @when(Pattern.match("Front.ask"))
        async def on_ask(self, match):
            log.append("middle begins")
            await get_context(self).emit("Middle.forward", n=match.payload["n"])
            log.append("middle ends")

    @module(implements=Middle)
    class GeneratingMiddle:
        @when(Pattern.match("Front.ask"))
        async def on_ask(self, match):
            log.append("middle begins")
            get_context(self).generate_event("Middle.forward", {"n": match.payload["n"]})
            log.append("middle ends")

    @module(implements=Back)
    class BackModule:
        @when(Pattern.match("Middle.forward"))
        async def on_forward(self, match):
            await get_context(self).sleep(5)
            log.append("back handled")

    return FrontModule, AwaitingMiddle, GeneratingMiddle, BackModule


@architecture
class Chain:
    front = Front
    middle = Middle
    back = Back
    connections = [
        connect(Pattern.match("Front.ask"), target=middle),
        connect(Pattern.match("Middle.forward"), target=back),
    ]


async def test_connect_waits_for_nested_connect_deliveries():
    log = []
    front, awaiting, _, back = build(log)
    await Chain.bind(front=front, middle=awaiting, back=back).run()
    assert log == ["middle begins", "back handled", "middle ends", "front resumed"]


async def test_generate_event_connect_deliveries_count_as_nested():
    log = []
    front, _, generating, back = build(log)
    system = Chain.bind(front=front, middle=generating, back=back)
    computation = await system.run()
    # generate_event does not wait, but its delivery finishes before the
    # middle's delivery counts as handled, so the front still resumes last.
    assert log == ["middle begins", "middle ends", "back handled", "front resumed"]
    assert [e.name for e in computation] == ["Front.ask", "Middle.forward"]


@architecture
class Composite:
    front = Front
    back = Back
    connections = [
        connect(Pattern.match("Front.ask") >> Pattern.match("Front.note"), target=back),
    ]


async def test_composite_pattern_fires_once_per_new_match_and_delivers_the_match():
    seen = []

    @module(implements=Back)
    class Collector:
        @when(Pattern.match("Front.ask") >> Pattern.match("Front.note"))
        async def on_pair(self, match):
            seen.append(tuple(e.payload["n"] for e in match.events))

        @when(Pattern.match("Front.note"))
        async def on_note(self, match):
            seen.append(("note", match.payload["n"]))

    @module(implements=Front)
    class Quiet:
        pass

    system = System(Composite, {"front": Quiet, "back": Collector})
    await system.start()
    ask = system.inject("Front.ask", {"n": 1})
    await system.run_until_quiet()
    assert seen == []  # a lone ask completes no match: nothing is delivered
    system.inject("Front.note", {"n": 2}, caused_by=ask)
    system.inject("Front.note", {"n": 3})  # not caused by an ask: no new match
    await system.run_until_quiet()
    # One delivery for the one match; both handlers whose patterns match it run.
    assert seen == [(1, 2), ("note", 2)]
    assert [d.kind for d in system.pending()] == []


CALLED = []


def record_ask(match):
    CALLED.append(match.payload["n"])


@architecture
class ToFunction:
    front = Front
    back = Back

    def connections(self):
        return [connect(Pattern.match("Front.ask"), record_ask)]


async def test_a_connection_may_target_a_plain_function():
    CALLED.clear()

    @module(implements=Front)
    class Asker:
        async def start(self):
            await get_context(self).emit("Front.ask", n=7)

    @module(implements=Back)
    class Idle:
        pass

    await System(ToFunction, {"front": Asker, "back": Idle}).run()
    assert CALLED == [7]


@architecture
class SelfLoop:
    front = Front
    back = Back
    connections = [connect(Pattern.match("Front.ask"), target=back)]


async def test_handlers_run_only_for_what_is_delivered():
    heard = []

    @module(implements=Front)
    class Talker:
        async def start(self):
            await get_context(self).emit("Front.ask", n=1)
            await get_context(self).emit("Front.note", n=2)

        @when(Pattern.match("Front.ask"))
        async def own_ask(self, match):  # its own event: never routed back to it
            heard.append("front heard its own ask")

    @module(implements=Back)
    class Listener:
        @when(Pattern.match("*"))
        async def anything(self, match):
            heard.append(f"back heard {match.name}")

    await System(SelfLoop, {"front": Talker, "back": Listener}).run()
    # Front.note matches no connection, so the back's catch-all never hears it.
    assert heard == ["back heard Front.ask"]


@architecture
class TwoWays:
    front = Front
    back = Back
    connections = [
        connect(Pattern.match("Front.ask").where(lambda e: e.payload["n"] > 0), target=back),
        connect(Pattern.match("Front.ask", source="front"), target=back),
    ]


async def test_each_delivery_runs_the_handler_even_when_two_connections_carry_one_event():
    heard = []

    @module(implements=Front)
    class Asker:
        async def start(self):
            await get_context(self).emit("Front.ask", n=1)
            await get_context(self).emit("Front.ask", n=0)

    @module(implements=Back)
    class Hearer:
        @when(Pattern.match("Front.ask"))
        async def on_ask(self, match):
            heard.append((match.payload["n"], match.event.id))

    system = System(TwoWays, {"front": Asker, "back": Hearer})
    await system.run()
    # n=1 goes both ways; n=0 only through the second connection.
    assert heard == [(1, "e1"), (1, "e1"), (0, "e2")]


async def test_a_connection_on_a_field_value_takes_a_str_enum_member_of_that_value():
    # `kind: str` takes Kind.QUERY, a str; the connection on kind="query" never fired
    # for it: the module's handler never ran, and nothing said why.
    import enum

    class Kind(enum.StrEnum):
        QUERY = "query"

    @interface
    class Asking:
        @action
        async def asked(self, kind: str) -> None: ...

    @module(implements=Asking)
    class Asker:
        async def start(self):
            await get_context(self).emit("Asking.asked", kind=Kind.QUERY)

    heard = []

    @module(implements=Front)
    class Hearer:
        @when(Pattern.match("Asking.asked", kind="query"))
        async def on_asked(self, match):
            heard.append(match.payload["kind"])

    @architecture
    class Asked:
        asker = Asking
        hearer = Front
        connections = [connect(Pattern.match("Asking.asked", kind="query"), target=hearer)]

    system = System(Asked, {"asker": Asker, "hearer": Hearer})
    await system.run()
    assert system.errors == []
    assert heard == ["query"]

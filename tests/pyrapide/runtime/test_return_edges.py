"""A connect returns with its causes; a pipe's chain carries through silent deliveries."""

from __future__ import annotations

from pyrapide import (
    Pattern,
    action,
    architecture,
    connect,
    get_context,
    interface,
    module,
    pipe,
    when,
)
from pyrapide.runtime import System


@interface
class Caller:
    @action
    async def ask(self, n: int) -> None: ...

    @action
    async def after(self, n: int) -> None: ...


@interface
class Relay:
    @action
    async def forward(self, n: int) -> None: ...

    @action
    async def relayed(self, n: int) -> None: ...


@interface
class Back:
    @action
    async def answer(self, n: int) -> None: ...


@module(implements=Caller)
class Asker:
    async def start(self):
        ctx = get_context(self)
        await ctx.emit("Caller.ask", n=1)
        await ctx.emit("Caller.after", n=1)


@module(implements=Caller)
class Generator:
    async def start(self):
        ctx = get_context(self)
        ctx.generate_event("Caller.ask", {"n": 1})
        await ctx.emit("Caller.after", n=1)


@module(implements=Relay)
class Forwarder:
    """Forwards through a nested connect, then says it relayed."""

    @when(Pattern.match("Caller.ask"))
    async def on_ask(self, match):
        ctx = get_context(self)
        await ctx.emit("Relay.forward", n=match.payload["n"])
        await ctx.emit("Relay.relayed", n=match.payload["n"])


@module(implements=Relay)
class ForwardOnly:
    """Forwards through a nested connect and emits nothing after it returns."""

    @when(Pattern.match("Caller.ask"))
    async def on_ask(self, match):
        await get_context(self).emit("Relay.forward", n=match.payload["n"])


@module(implements=Relay)
class Mute:
    @when(Pattern.match("Caller.ask"))
    async def on_ask(self, match):
        pass


@module(implements=Back)
class Answerer:
    @when(Pattern.match("Relay.forward"))
    async def on_forward(self, match):
        await get_context(self).emit("Back.answer", n=match.payload["n"])


@architecture
class Nested:
    caller = Caller
    relay = Relay
    back = Back
    connections = [
        connect(Pattern.match("Caller.ask"), target=relay),
        connect(Pattern.match("Relay.forward"), target=back),
    ]


def causes(computation, name):
    (event,) = computation.events_by_name(name)
    return [cause.name for cause in computation.poset.direct_causes(event)]


async def test_the_emitters_next_event_follows_what_its_connect_deliveries_emitted():
    computation = await System(
        Nested, {"caller": Asker, "relay": Forwarder, "back": Answerer}
    ).run()
    # The relay's second emit follows the answer its own nested connect returned with,
    assert causes(computation, "Relay.relayed") == ["Back.answer"]
    # and the caller's next event follows the relay's last one, which carries that.
    assert causes(computation, "Caller.after") == ["Relay.relayed"]
    ask, after = computation.events_by_name("Caller.ask")[0], computation.events_by_name(
        "Caller.after"
    )[0]
    assert computation.poset.causal_chain(ask, after) is not None


async def test_a_nested_delivery_returns_through_a_target_that_emitted_nothing_after_it():
    computation = await System(
        Nested, {"caller": Asker, "relay": ForwardOnly, "back": Answerer}
    ).run()
    # The relay's run ended with its forward and the answer its connect returned with;
    # the answer already follows the forward, so the caller follows the answer alone.
    assert causes(computation, "Caller.after") == ["Back.answer"]


async def test_a_target_that_emitted_nothing_adds_nothing():
    computation = await System(Nested, {"caller": Asker, "relay": Mute, "back": Answerer}).run()
    assert causes(computation, "Caller.after") == ["Caller.ask"]


async def test_generate_event_follows_the_same_rule():
    computation = await System(
        Nested, {"caller": Generator, "relay": Forwarder, "back": Answerer}
    ).run()
    assert causes(computation, "Caller.after") == ["Relay.relayed"]


@interface
class Source:
    @action
    async def job(self, n: int) -> None: ...


@interface
class Sink:
    @action
    async def done(self, n: int) -> None: ...


@architecture
class Piped:
    source = Source
    sink = Sink
    connections = [pipe(Pattern.match("Source.job"), target=sink)]


@module(implements=Sink)
class SkipsEven:
    """Says done only for odd jobs: the even ones are silent deliveries."""

    @when(Pattern.match("Source.job"))
    async def on_job(self, match):
        if match.payload["n"] % 2:
            await get_context(self).emit("Sink.done", n=match.payload["n"])


@module(implements=Sink)
class Silent:
    @when(Pattern.match("Source.job"))
    async def on_job(self, match):
        pass


@module(implements=Source)
class Injected:
    """Emits nothing: the tests inject its jobs."""


async def started(sink):
    system = System(Piped, {"source": Injected, "sink": sink})
    await system.start()
    return system


async def test_a_pipe_delivery_after_a_silent_one_follows_what_that_one_was_delivered():
    system = await started(SkipsEven)
    jobs = [system.inject("Source.job", {"n": n}) for n in (1, 2, 3)]  # independent roots
    await system.run_until_quiet()
    done1, done3 = system.computation.events_by_name("Sink.done")
    poset = system.computation.poset
    # Delivery 2 emitted nothing; delivery 3 still follows it, and what it inherited.
    assert set(poset.direct_causes(done3)) == {jobs[2], jobs[1], done1}
    assert poset.is_ancestor(jobs[1], done3) and poset.is_ancestor(done1, done3)


async def test_a_silent_pipe_fed_by_a_chained_source_keeps_one_event_of_frontier():
    @module(implements=Source)
    class Chained:
        async def start(self):
            for n in range(200):
                await get_context(self).emit("Source.job", n=n)

    system = System(Piped, {"source": Chained, "sink": Silent})
    await system.run()
    (lane,) = system.scheduler.queues.lanes.values()
    assert lane.frontier() == system.computation.events_by_name("Source.job")[-1:]

"""@module, @when and the module context: conformance, emitting, causes, logical time."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    get_context,
    interface,
    module,
    requires,
    when,
)
from pyrapide.runtime import EmitError, ModuleBuildError, ModuleDefinitionError, System


@interface
class Store:
    @action
    async def saved(self, key: str) -> None: ...

    @action
    async def tick(self, at: float) -> None: ...

    @requires
    def flush(self, force: bool) -> None: ...


@interface
class Client:
    @action
    async def put(self, key: str, extra: int = 0) -> None: ...


def test_a_module_that_does_not_conform_is_refused_naming_what_is_missing():
    with pytest.raises(ModuleDefinitionError) as caught:

        @module(implements=Store)
        class Forgetful:
            pass

    message = str(caught.value)
    assert "Forgetful" in message and "flush" in message and "Store" in message


def test_module_needs_an_interface_class():
    with pytest.raises(ModuleDefinitionError, match="expects an @interface class"):
        module(implements=dict)


def test_when_needs_a_pattern():
    with pytest.raises(ModuleDefinitionError, match="expects a Pattern or pattern text"):
        when(42)


def test_get_context_of_an_instance_no_system_built_is_a_clear_error():
    @module(implements=Client)
    class Lonely:
        pass

    with pytest.raises(RuntimeError, match="Lonely instance has no runtime context"):
        get_context(Lonely())


async def test_get_context_in_init_says_the_context_comes_once_the_instance_is_built():
    # It once said to bind the architecture and start it: what the user had just done.
    @module(implements=Client)
    class Eager:
        def __init__(self):
            self.context = get_context(self)

    system = System(Shop, {"client": Eager, "store": Recorder})
    with pytest.raises(ModuleBuildError) as refused:
        await system.run()
    assert str(refused.value.__cause__).endswith(
        ".Eager instance has no runtime context yet: the system is building component "
        "'client', and gives the instance its context once built; call get_context() in "
        "start() or a handler, not in __init__"
    )
    # Outside a build, the first message stands.
    with pytest.raises(RuntimeError, match="only the instances a System builds have one"):
        Eager()


@module(implements=Store)
class Recorder:
    def flush(self, force):
        pass

    @when("Client.put")  # the text form of a pattern
    async def on_put(self, match):
        ctx = get_context(self)
        assert ctx.component == "store" and ctx.system.architecture is Shop
        first = await ctx.emit("saved", {"key": match.payload["key"]})  # short name
        await ctx.sleep(2.5)
        await ctx.emit("Store.tick", at=ctx.now, caused_by=[first, "e1"])


@module(implements=Client)
class Shopper:
    async def start(self):
        ctx = get_context(self)
        await ctx.emit("Client.put", {"key": "a", "extra": 1}, key="b")


@architecture
class Shop:
    client = Client
    store = Store
    connections = [connect(Pattern.match("Client.put"), target=store)]


async def test_emit_merges_payload_and_fields_qualifies_short_names_and_adds_causes():
    system = System(Shop, {"client": Shopper, "store": Recorder})
    computation = await system.run()
    assert system.errors == []
    put, saved, tick = computation
    assert dict(put.payload) == {"key": "b", "extra": 1} and put.source == "client"
    assert saved.name == "Store.saved" and saved.source == "store"
    assert set(computation.poset.causes(saved)) == {put}
    # Chained after `saved`; caused_by adds e1 (already the delivered event's id).
    assert set(computation.poset.causes(tick)) == {saved, put}
    assert tick.payload["at"] == 2.5 and tick.timestamp == 2.5 and saved.timestamp == 0.0


@module(implements=Store)
@dataclasses.dataclass
class DataclassStore:
    """A dataclass (equal by fields, so unhashable) with two handlers for one event."""

    saved_keys: list[str] = dataclasses.field(default_factory=list)

    def flush(self, force):
        pass

    @when("Client.put")
    async def on_put(self, match):
        self.saved_keys.append(match.payload["key"])
        if match.payload["key"] == "bad":
            raise KeyError("no room for bad")  # line named in the traceback
        await get_context(self).emit("Store.saved", key=match.payload["key"])

    @when("Client.put")
    def also_counted(self, match):  # a plain function beside the coroutine
        self.saved_keys.append("counted")


@module(implements=Store)
@dataclasses.dataclass
class LoneHandlerStore:
    def flush(self, force):
        pass

    @when("Client.put")
    async def on_put(self, match):
        if match.payload["key"] == "bad":
            raise KeyError("no room for bad")  # the lone handler's error
        await get_context(self).emit("Store.saved", key=match.payload["key"])


@module(implements=Client)
class QuietClient:
    """Emits nothing itself: the test injects its puts."""


@pytest.mark.parametrize("store", [DataclassStore, LoneHandlerStore])
async def test_handlers_run_and_their_errors_are_reported_without_the_schedulers_frames(store):
    instance = store()
    system = System(Shop, {"client": QuietClient, "store": instance})
    await system.start()
    for key in ("a", "bad", "c"):
        system.inject("Client.put", {"key": key})
    computation = await system.run()
    assert sorted(e.payload["key"] for e in computation if e.name == "Store.saved") == ["a", "c"]
    (error,) = system.errors
    assert isinstance(error.error, KeyError) and error.event.payload["key"] == "bad"
    assert 'raise KeyError("no room for bad")' in error.traceback
    assert "_advance" not in error.traceback and "_deliver" not in error.traceback
    if store is DataclassStore:
        assert instance.saved_keys.count("counted") == 3


async def test_caused_by_an_unknown_event_is_refused():
    system = System(Shop, {"client": Shopper, "store": Recorder})
    await system.start()
    with pytest.raises(EmitError, match="caused_by names 'e99'"):
        system.inject("Client.put", {"key": "z"}, caused_by="e99")


@pytest.mark.parametrize(
    ("caused_by", "message"),
    [
        (5, r"caused_by takes an Event, an event id or a list of them, not int 5"),
        # A mapping is no list of causes: its keys were once read as ids, e1 included.
        ({"e1": "why"}, r"caused_by takes an Event, .* not dict \{'e1': 'why'\}"),
        (["e1", 2.5], r"caused_by holds float 2.5, which is neither an Event nor an event id"),
    ],
)
async def test_caused_by_in_another_shape_is_refused_by_name(caused_by, message):
    system = System(Shop, {"client": Shopper, "store": Recorder})
    await system.start()
    recorded = len(system.computation)
    with pytest.raises(TypeError, match=r"^inject\('Client.put'\): " + message):
        system.inject("Client.put", {"key": "z"}, caused_by=caused_by)
    assert len(system.computation) == recorded


@module(implements=Client)
class MiscausingShopper:
    async def start(self):
        await get_context(self).emit("Client.put", key="a", caused_by=5)


async def test_an_emit_with_causes_in_another_shape_is_a_handler_error_naming_the_emitter():
    system = System(Shop, {"client": MiscausingShopper, "store": Recorder})
    computation = await system.run()
    assert len(computation) == 0
    (error,) = system.errors
    assert isinstance(error.error, TypeError)
    assert str(error.error) == (
        "client emitting Client.put: caused_by takes an Event, an event id or a list "
        "of them, not int 5"
    )


async def test_inject_refuses_a_name_that_is_not_a_string():
    system = System(Shop, {"client": Shopper, "store": Recorder})
    with pytest.raises(TypeError, match=r"^inject\(\): an event name is a string, got int 3$"):
        system.inject(3)  # type: ignore[arg-type]


async def test_inject_refuses_an_unknown_name_with_a_suggestion():
    system = System(Shop, {"client": Shopper, "store": Recorder})
    with pytest.raises(ValueError, match=r"declares .Client.putt.; did you mean Client.put"):
        system.inject("Client.putt")


@interface
class Clock:
    @action
    async def beat(self, n: float) -> None: ...


@module(implements=Clock)
class Sleeper:
    async def start(self):
        ctx = get_context(self)
        for n, delay in enumerate([3, 0, 1000]):
            await ctx.sleep(delay)
            await ctx.emit("Clock.beat", n=n)


@architecture
class Beats:
    clock = Clock
    connections = []


async def test_logical_sleep_jumps_the_clock_instead_of_waiting():
    system = System(Beats, {"clock": Sleeper})
    began = time.perf_counter()
    computation = await system.run()
    assert time.perf_counter() - began < 1
    assert [e.timestamp for e in computation] == [3.0, 3.0, 1003.0]
    assert system.now == 1003.0


async def test_real_time_sleep_waits_on_the_wall_clock():
    @module(implements=Clock)
    class Napper:
        async def start(self):
            ctx = get_context(self)
            await ctx.sleep(0.05)
            await ctx.emit("Clock.beat", n=ctx.now)
            await asyncio.sleep(0.01)  # asyncio awaitables work in handlers too

    system = System(Beats, {"clock": Napper}, real_time=True)
    began = time.perf_counter()
    (beat,) = await system.run()
    assert time.perf_counter() - began >= 0.05
    assert beat.payload["n"] >= 0.05 and beat.timestamp > 1e9  # wall-clock stamp


async def test_sleep_refuses_a_negative_delay():
    @module(implements=Clock)
    class Backwards:
        async def start(self):
            await get_context(self).sleep(-1)

    system = System(Beats, {"clock": Backwards})
    await system.run()
    (error,) = system.errors
    assert "non-negative" in str(error.error)


# True was slept as 1, where every other time the library takes refuses a bool.
@pytest.mark.parametrize("delay", [float("nan"), float("inf"), True])
async def test_sleep_refuses_a_delay_that_never_comes_due(delay, tmp_path):
    @interface
    class Napper:
        @action
        async def woke(self, n: float) -> None: ...

    @module(implements=Napper)
    class Nappers:
        async def start(self):
            ctx = get_context(self)
            # Other work sleeps too: a NaN among the sleepers kept them from waking.
            for nap in (2.0, 1.0):
                ctx.generate_event("Napper.woke", {"n": -nap})
            await ctx.sleep(delay)

        @when(Pattern.match("Napper.woke"))
        async def nap(self, match):
            ctx = get_context(self)
            await ctx.sleep(-match.payload["n"])
            await ctx.emit("Napper.woke", n=ctx.now)

    @architecture
    class Naps:
        nappers = Napper
        connections = [
            agent(Pattern.match("Napper.woke").where(lambda e: e.payload["n"] < 0), nappers)
        ]

    system = System(Naps, {"nappers": Nappers})
    computation = await asyncio.wait_for(system.run(), 5)
    (error,) = system.errors
    assert isinstance(error.error, ValueError)
    assert "finite, non-negative number of time units" in str(error.error)
    assert sorted(e.payload["n"] for e in computation if e.payload["n"] > 0) == [1.0, 2.0]
    assert system.now == 2.0
    computation.save(tmp_path / "naps.json")  # every time stamped is one a file holds


@interface
class Job:
    @action
    async def submit(self, n: int) -> None: ...


@interface
class Crew:
    @action
    async def finished(self, n: int) -> None: ...


@module(implements=Job)
class Submitter:
    async def start(self):
        for n in range(3):
            await get_context(self).emit("Job.submit", n=n)


def crew(serial: bool, log: list) -> type:
    @module(implements=Crew, serial=serial)
    class Worker:
        @when(Pattern.match("Job.submit"))
        async def on_submit(self, match):
            log.append(f"begin {match.payload['n']}")
            await get_context(self).sleep(1)
            log.append(f"end {match.payload['n']}")

    return Worker


@architecture
class Jobs:
    jobs = Job
    crew = Crew
    connections = [agent(Pattern.match("Job.submit"), target=crew)]


async def test_a_serial_module_handles_one_delivery_at_a_time():
    overlapping, one_at_a_time = [], []
    await System(Jobs, {"jobs": Submitter, "crew": crew(False, overlapping)}).run()
    await System(Jobs, {"jobs": Submitter, "crew": crew(True, one_at_a_time)}).run()
    assert [entry.split()[0] for entry in overlapping] == ["begin"] * 3 + ["end"] * 3
    assert [entry.split()[0] for entry in one_at_a_time] == ["begin", "end"] * 3


async def test_emit_from_outside_a_handler_records_a_root_and_returns_at_once():
    system = System(Shop, {"client": Shopper, "store": Recorder})
    await system.start()
    await system.run_until_quiet()
    client = get_context(system.modules["client"])
    event = await client.emit("Client.put", key="late")
    assert list(system.computation.poset.causes(event)) == []
    assert [d.event for d in system.pending()] == [event]  # delivered later
    await system.run_until_quiet()
    assert system.computation.events_by_name("Store.saved")[-1].payload["key"] == "late"


def test_module_without_an_interface_bare_or_called():
    @module
    class WithHandler:
        @when("Client.put")
        async def on_put(self, match): ...

    @module()
    class Empty:
        pass

    with pytest.raises(ModuleDefinitionError, match=r"write @module\(\)"):

        @module
        class Plain:
            pass

    from pyrapide.runtime.modules import module_spec

    assert [h.method_name for h in module_spec(WithHandler).handlers] == ["on_put"]
    assert module_spec(Empty).implements is None and module_spec(Empty).handlers == ()


async def test_sleep_outside_a_handler_is_a_clear_error():
    system = System(Beats, {"clock": Sleeper})
    await system.start()
    with pytest.raises(RuntimeError, match=r"elsewhere use asyncio\.sleep"):
        await get_context(system.modules["clock"]).sleep(1)


def test_a_handler_or_hook_that_cannot_be_called_as_the_system_calls_it_is_refused():
    # Each would only fail at run time, once per delivery, as a handler error.
    with pytest.raises(ModuleDefinitionError, match=r"Deaf\.on_ping\(self\) cannot take the "
                                                    r"match: a @when handler is called "
                                                    r"as on_ping\(self, match\)"):
        @module()
        class Deaf:
            @when(Pattern.match("Node.ping"))
            async def on_ping(self):
                pass

    with pytest.raises(ModuleDefinitionError, match=r"Greedy\.on_ping\(self, match, extra\)"):
        @module()
        class Greedy:
            @when(Pattern.match("Node.ping"))
            def on_ping(self, match, extra):
                pass

    with pytest.raises(ModuleDefinitionError, match=r"Eager\.start\(self, config\) cannot be "
                                                    r"called as start\(self\)"):
        @module()
        class Eager:
            async def start(self, config):
                pass

    @module()
    class Flexible:  # defaults and *args are fine
        @when(Pattern.match("Node.ping"))
        async def on_ping(self, *args):
            pass

        async def finish(self, reason=None):
            pass


def test_a_handler_or_hook_with_a_stray_yield_is_refused():
    # Called, it only made a generator: its body never ran, and nothing was said.
    with pytest.raises(ModuleDefinitionError, match=(
        r"Echo\.on_ping is an async generator function \(it holds a `yield`\), so calling it "
        r"would run none of its body: a @when handler is a plain or async function"
    )):
        @module()
        class Echo:
            @when(Pattern.match("Node.ping"))
            async def on_ping(self, match):
                yield match

    with pytest.raises(ModuleDefinitionError, match=(
        r"Starter\.start is a generator function .*: the start hook is a plain or async"
    )):
        @module()
        class Starter:
            def start(self):
                yield


@interface
class Accounts:
    @action
    async def opened(self, name: str, source: str) -> None: ...


@module(implements=Accounts)
class Opener:
    async def start(self):
        # A field may be called `name` like emit's first argument (and `source`).
        await get_context(self).emit("Accounts.opened", name="ada", source="web")


async def test_a_field_called_name_is_a_field_of_the_event():
    @architecture
    class Bank:
        accounts = Accounts

    system = System(Bank, {"accounts": Opener})
    (opened,) = await system.run()
    assert system.errors == []
    assert opened.name == "Accounts.opened"
    assert dict(opened.payload) == {"name": "ada", "source": "web"}
    assert opened.source == "accounts"


async def test_caused_by_an_event_of_another_computation_is_refused_not_taken_by_its_id():
    # Ids are numbered per computation: an event kept from before a reset (or from
    # another system) was taken for this computation's event of the same id, a different
    # one, and the new event recorded as caused by it, unsaid.
    system = System(Shop, {"client": Shopper, "store": Recorder})
    await system.start()
    kept = system.inject("Client.put", {"key": "before"})
    system.reset()
    await system.start()
    now = system.inject("Client.put", {"key": "after"})
    assert now.id == kept.id
    recorded = len(system.computation)
    with pytest.raises(EmitError, match=r"caused_by holds e\d+ Client.put from env, an event "
                       r"of another computation \(this one's e\d+ is a different event"):
        system.inject("Client.put", {"key": "z"}, caused_by=kept)
    assert len(system.computation) == recorded
    # This computation's own event, by itself or by its id, is a cause as before.
    assert system.inject("Client.put", {"key": "y"}, caused_by=now).id
    assert system.inject("Client.put", {"key": "x"}, caused_by=now.id).id

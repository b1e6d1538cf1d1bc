"""A system runs in one thread, its event loop's: an emit or an inject from a thread of
the architecture's own is refused, naming the thread, and records nothing; handed to
the loop (``asyncio.run_coroutine_threadsafe``), it is recorded as any emit from
outside the handlers."""

from __future__ import annotations

import asyncio
import threading

from pyrapide import Pattern, action, architecture, connect, get_context, interface, module, when
from pyrapide.runtime import EmitError


@interface
class Bell:
    @action
    async def rang(self, by: str) -> None: ...


@interface
class Ear:
    @action
    async def heard(self, by: str) -> None: ...


@module(implements=Bell)
class Ringer:
    pass


@module(implements=Ear)
class Listener:
    @when(Pattern.match("Bell.rang"))
    async def on_rang(self, match):
        await get_context(self).emit("Ear.heard", by=match.payload["by"])


@architecture
class Belfry:
    bell = Bell
    ear = Ear
    connections = [connect(Pattern.match("Bell.rang"), target=ear)]


def _in_a_thread(call) -> BaseException | None:
    """What ``call()`` raised in a thread of its own (named "ringer"), or None."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:
            raised.append(error)

    thread = threading.Thread(target=run, name="ringer")
    thread.start()
    thread.join()
    return raised[0] if raised else None


async def test_an_emit_from_another_thread_is_refused_and_records_nothing() -> None:
    system = Belfry.bind(bell=Ringer, ear=Listener)
    await system.start()
    context = get_context(system.modules["bell"])
    refused = _in_a_thread(lambda: context.generate_event("Bell.rang", {"by": "thread"}))
    assert isinstance(refused, EmitError)
    assert str(refused) == (
        "bell cannot emit 'Bell.rang' from thread 'ringer': a system runs in the thread of "
        "its event loop; hand it the emit there (asyncio.run_coroutine_threadsafe, "
        "loop.call_soon_threadsafe)"
    )
    refused = _in_a_thread(lambda: asyncio.run(context.emit("Bell.rang", by="thread")))
    assert isinstance(refused, EmitError)
    refused = _in_a_thread(lambda: system.inject("Bell.rang", {"by": "thread"}))
    assert isinstance(refused, RuntimeError)
    assert "inject('Bell.rang') from thread 'ringer'" in str(refused)
    assert len(system.computation) == 0
    await system.run_until_quiet()
    await system.stop()
    assert len(system.computation) == 0


async def test_an_emit_handed_to_the_loop_from_another_thread_is_recorded() -> None:
    system = Belfry.bind(bell=Ringer, ear=Listener)
    await system.start()
    context = get_context(system.modules["bell"])
    loop = asyncio.get_running_loop()
    handed = asyncio.run_coroutine_threadsafe(context.emit("Bell.rang", by="loop"), loop)
    await asyncio.wrap_future(handed)
    await system.run_until_quiet()
    await system.stop()
    assert [event.name for event in system.computation] == ["Bell.rang", "Ear.heard"]


async def test_a_system_never_started_takes_an_inject_from_any_thread() -> None:
    # Before it starts, nothing runs it: the thread it will run in is not known yet.
    system = Belfry.bind(bell=Ringer, ear=Listener)
    assert _in_a_thread(lambda: system.inject("Bell.rang", {"by": "early"})) is None
    await system.run()
    assert [event.name for event in system.computation] == ["Bell.rang", "Ear.heard"]

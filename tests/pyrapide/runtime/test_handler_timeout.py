"""A handler that keeps control too long is stopped, reported where it was, and the run goes on."""

from __future__ import annotations

import contextlib
import gc
import inspect
import re
import signal
import sys
import time
import weakref
from pathlib import Path

import pytest

import pyrapide
from pyrapide import Pattern, action, agent, architecture, get_context, interface, module, when
from pyrapide.runtime import HandlerError, HandlerTimeout, System
from pyrapide.runtime.reporting import Reporter
from pyrapide.runtime.watchdog import WATCHDOG

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "pthread_kill"), reason="the watchdog needs signal.pthread_kill"
)


@interface
class Work:
    @action
    async def job(self, n: int) -> None: ...

    @action
    async def done(self, n: int) -> None: ...


@module(implements=Work)
class Source:
    async def start(self):
        for n in range(3):
            await get_context(self).emit("Work.job", n=n)


@module(implements=Work)
class Spinner:
    """Job 1 never yields; the others are done at once."""

    @when(Pattern.match("Work.job"))
    async def on_job(self, match):
        n = match.payload["n"]
        while n == 1:  # spin
            with contextlib.suppress(Exception):  # spin: it does not swallow the timeout
                n = match.payload["n"]  # spin
        await get_context(self).emit("Work.done", n=n)


@module(implements=Work)
class Blocker:
    """Job 1 blocks the thread for a minute."""

    @when(Pattern.match("Work.job"))
    async def on_job(self, match):
        if match.payload["n"] == 1:
            time.sleep(60)  # block
        await get_context(self).emit("Work.done", n=match.payload["n"])


@architecture
class Shop:
    source = Work
    worker = Work
    connections = [agent(Pattern.match("Work.job", source="source"), target="worker")]


async def run_shop(worker: type, budget: float = 0.3) -> tuple[System, float]:
    system = System(Shop, {"source": Source, "worker": worker}, handler_timeout=budget)
    began = time.perf_counter()
    await system.run()
    return system, time.perf_counter() - began


@pytest.mark.parametrize(("worker", "mark"), [(Spinner, "# spin"), (Blocker, "# block")])
async def test_an_overrunning_handler_is_stopped_and_the_run_goes_on(worker, mark):
    system, took = await run_shop(worker)
    assert took < 10
    (error,) = system.errors
    assert isinstance(error, HandlerError) and isinstance(error.error, HandlerTimeout)
    assert error.component == "worker" and error.event.payload == {"n": 1}
    assert f"{worker.__qualname__}.on_job ran for more than 0.3 s" in str(error.error)
    # The traceback ends where the handler was: in its own code (or in the library
    # code it was calling, say contextlib's), on one of its loop's lines.
    frames = [text for text in error.traceback.splitlines() if "File " in text]
    handler_at = max(i for i, text in enumerate(frames) if __file__ in text)
    last_frame = frames[handler_at]
    assert "on_job" in last_frame
    library = str(Path(pyrapide.__file__).parent)
    assert not any(library in text for text in frames[handler_at:])  # none of pyrapide's
    lines, first = inspect.getsourcelines(worker.on_job)
    reported = int(re.search(r"line (\d+)", last_frame)[1])
    assert mark in lines[reported - first]
    done = [e.payload["n"] for e in system.computation.events_by_name("Work.done")]
    assert sorted(done) == [0, 2]  # the other deliveries ran
    assert signal.getsignal(signal.SIGUSR2) in (signal.SIG_DFL, None)  # put back


async def test_a_budget_of_none_means_no_watchdog():
    @module(implements=Work)
    class Slow:
        @when(Pattern.match("Work.job"))
        async def on_job(self, match):
            time.sleep(0.05)

    system = System(Shop, {"source": Source, "worker": Slow}, handler_timeout=None)
    await system.run()
    assert system.errors == []


async def test_the_signal_raises_only_in_the_stretch_it_was_meant_for_and_in_user_code():
    seen = []

    @module(implements=Work)
    class Probe:
        """Delivers the watchdog's signal to itself, as the watchdog would."""

        @when(Pattern.match("Work.job"))
        async def on_job(self, match):
            scheduler = get_context(self).system.scheduler
            # A mark for a stretch that already ended (the scheduler entered tasks since):
            scheduler.overran = scheduler.advances - 1
            WATCHDOG._on_signal(signal.SIGUSR2, sys._getframe())
            seen.append("stale mark: nothing")
            # The stretch running now, but the frame is pyrapide's own code:
            scheduler.overran = scheduler.advances
            WATCHDOG._on_signal(signal.SIGUSR2, _pyrapide_frame())
            seen.append("pyrapide's code: nothing")
            # The stretch running now, in the handler's own code: stopped here.
            WATCHDOG._on_signal(signal.SIGUSR2, sys._getframe())
            seen.append("not reached")

    system = System(Shop, {"source": Source, "worker": Probe}, handler_timeout=60)
    await system.run()
    assert seen == ["stale mark: nothing", "pyrapide's code: nothing"] * 3
    assert len(system.errors) == 3
    assert all(isinstance(error.error, HandlerTimeout) for error in system.errors)
    # Between steps (no handler running), a signal changes nothing either.
    scheduler = system.scheduler
    with WATCHDOG.watching(scheduler):
        scheduler.overran = scheduler.advances
        WATCHDOG._on_signal(signal.SIGUSR2, sys._getframe())


def _pyrapide_frame():
    """A frame of pyrapide's own code (the reporter's), as a signal could meet one."""
    frames = []
    reporter = Reporter()
    reporter.subscribe(lambda note: frames.append(sys._getframe(1)))
    reporter.publish(pyrapide.runtime.LimitReached(seq=reporter.next_seq(), limit="x", message="y"))
    return frames[0]


async def test_a_finished_run_is_not_kept_alive_by_the_watchdog() -> None:
    # The watchdog's thread kept the list of the systems it last watched in a local
    # while it waited for the next: a run's system, and every event it recorded, stayed
    # in memory after the program dropped it, until another run was watched.
    @module(implements=Work)
    class Quick:
        @when(Pattern.match("Work.job"))
        async def on_job(self, match):
            await get_context(self).emit("Work.done", n=match.payload["n"])

    system = System(Shop, {"source": Source, "worker": Quick}, handler_timeout=1.0)
    await system.run()
    time.sleep(0.3)  # the thread has looked at it, and gone back to waiting
    # A module instance of the user's (the compiled build's own classes take no weak
    # reference); the system and its computation hold it, and it them.
    dropped = weakref.ref(system.modules["worker"])
    del system
    gc.collect()
    assert dropped() is None

"""The traps by which a handler hands control back to the scheduler driving it.

A handler awaits one of these (``ctx.emit`` when it must wait for connect
deliveries, ``ctx.sleep``); the scheduler reads what it yielded, through the
:func:`pump` that drives the handler. This module stays plain Python in the compiled
build: ``trap`` and the pump are generator-based coroutines (``types.coroutine``),
which compiled could not be awaited, and the pump's frame is the one of pyrapide's
that sits right above the handler's, where the watchdog looks for it (compiled code
has none).
"""

from __future__ import annotations

import types
from collections.abc import Generator
from typing import Any


class Sleep:
    """Trap: wake this task ``delay`` units of time from now."""

    __slots__ = ("delay",)

    def __init__(self, delay: float) -> None:
        self.delay = delay


# Trap: continue once every connect delivery of this task's emits is finished.
# (The scheduler only sees it when something is still outstanding.)
WAIT = "wait"
# Trap: never continue; the run hit a bound and this task is parked until stop().
SUSPEND = "suspend"


@types.coroutine
def trap(value: Any) -> Any:
    """Yield ``value`` to the scheduler driving the current coroutine."""
    return (yield value)


class _Finished:
    __slots__ = ()

    def __repr__(self) -> str:
        return "FINISHED"


FINISHED = _Finished()
"""What a pump answers when the coroutine it drives has returned."""

Pump = Generator[Any, Any, None]


def pump() -> Pump:
    """A driver of handler coroutines, one after another, ready to be sent its first.

    Sent a coroutine, it runs it (``yield from``: what the coroutine yields, the
    scheduler gets, and what the scheduler sends or throws goes on to the coroutine);
    when the coroutine returns it answers FINISHED and waits for the next. A handler's
    end so raises no StopIteration: an exception object and a traceback entry per
    delivery otherwise (the compiled scheduler makes that entry with a code object of its
    own). A coroutine that raises ends its pump too. The pump's frame sits right above
    the handler's, where the watchdog looks for it."""
    driver = _pump()
    driver.send(None)
    return driver


@types.coroutine
def _pump() -> Pump:
    coro = yield None
    while True:
        yield from coro  # type: ignore[misc]  # a coroutine: types.coroutine allows it
        coro = yield FINISHED


def close(driver: Any) -> None:
    """Close a handler's pump or coroutine at the end of a run (GeneratorExit at its
    ``await``). Called from here, this frame sits right above the handler's while its
    ``finally`` runs, where the watchdog looks for it, as it does the pump's."""
    driver.close()

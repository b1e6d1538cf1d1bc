"""The traps by which a handler hands control back to the scheduler driving it.

A handler awaits one of these (``ctx.emit`` when it must wait for connect
deliveries, ``ctx.sleep``); the scheduler reads what it yielded. This module stays
plain Python in the compiled build: ``trap`` is a generator-based coroutine
(``types.coroutine``), which compiled could not be awaited; and ``resume`` is how a
compiled scheduler steps a task, so that a Python frame of pyrapide's sits right
above the handler's, where the watchdog looks for it (compiled code has none).
"""

from __future__ import annotations

import types
from collections.abc import Coroutine
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
"""What :func:`resume` returns when the coroutine returned, instead of raising."""


def resume(coro: Coroutine[Any, Any, Any]) -> Any:
    """``coro.send(None)``, called from this module's frame (see the module docstring),
    or FINISHED when the coroutine returns. Its StopIteration is caught here: caught in
    compiled code instead, it would cost a traceback entry there, made with a code object
    of its own, at the end of every handler."""
    try:
        return coro.send(None)
    except StopIteration:
        return FINISHED


def resume_throwing(coro: Coroutine[Any, Any, Any], exc: BaseException) -> Any:
    """``coro.throw(exc)``, called from this module's frame (see the module docstring),
    or FINISHED when the coroutine returns (see :func:`resume`)."""
    try:
        return coro.throw(exc)
    except StopIteration:
        return FINISHED

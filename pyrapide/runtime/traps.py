"""The traps by which a handler hands control back to the scheduler driving it.

A handler awaits one of these (``ctx.emit`` when it must wait for connect
deliveries, ``ctx.sleep``); the scheduler reads what it yielded. ``trap`` is a
generator-based coroutine (``types.coroutine``): this module stays plain Python
in a compiled build, where a compiled generator could not be awaited.
"""

from __future__ import annotations

import types
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

"""Handler tasks and the traps by which a handler hands control back to the scheduler.

Handlers are ordinary ``async def`` methods. The scheduler does not give them to
asyncio: it drives each coroutine itself with ``send``, so exactly one handler
step runs at a time and the order of steps is the scheduler's alone. A handler
gives control back by awaiting one of the traps below (``ctx.emit`` when it must
wait for connect deliveries, ``ctx.sleep``); awaiting anything from asyncio (a
future, ``asyncio.sleep``) also works, and makes the task wait for it in real time.
A handler is not an asyncio task of its own, so what acts on "the current task"
(``asyncio.timeout``, ``asyncio.current_task``) would act on whatever task runs
the system; bound a wait with ``asyncio.wait_for`` instead.
"""

from __future__ import annotations

import types
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyrapide.core import Event
    from pyrapide.runtime.dispatch import Dispatch


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


class Task:
    """One coroutine the scheduler drives: a delivery's handlers, or a start/finish hook.

    ``chain`` holds the direct causes of the next event this task emits: the
    delivered events at first, then the event emitted last (emits of one handler
    run are causally chained). ``tips`` keeps the last event of each handler run,
    which a pipe's next delivery follows. ``outstanding`` counts the connect
    deliveries of this task's emits that are not finished; while it is non-zero
    the task does not run, and the trap it yielded waits in ``deferred``.
    """

    __slots__ = (
        "chain",
        "chained",
        "component",
        "coro",
        "deferred",
        "depth",
        "dispatch",
        "outstanding",
        "returned",
        "throw",
        "tips",
    )

    def __init__(self, component: str, dispatch: Dispatch | None, depth: int) -> None:
        self.coro: Coroutine[Any, Any, Any] | None = None
        self.component = component
        self.dispatch = dispatch
        self.depth = depth
        self.chain: tuple[Event, ...] = ()
        self.chained = False
        self.tips: list[Event] = []
        self.outstanding = 0
        self.returned = False
        self.deferred: Any = None
        # An exception to throw into the coroutine at its next step instead of a send.
        self.throw: BaseException | None = None

    def start_run(self, causes: tuple[Event, ...]) -> None:
        """Begin one handler run whose first emit is caused by ``causes``."""
        self.chain = causes
        self.chained = False

    def emitted(self, event: Event) -> None:
        """Note that this task emitted ``event``: the next emit follows it."""
        self.chain = (event,)
        if self.chained:
            self.tips[-1] = event
        else:
            self.tips.append(event)
            self.chained = True

    def __repr__(self) -> str:
        where = f"#{self.dispatch.id}" if self.dispatch is not None else "hook"
        return f"<Task {self.component} {where}>"

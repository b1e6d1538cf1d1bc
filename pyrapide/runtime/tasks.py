"""Handler tasks, why each one waits, and the traps by which a handler hands control back.

Handlers are ordinary ``async def`` methods. The scheduler does not give them to
asyncio: it drives each coroutine itself with ``send``, so exactly one handler
step runs at a time and the order of steps is the scheduler's alone. A handler
gives control back by awaiting one of its traps (``ctx.emit`` when it must
wait for connect deliveries, ``ctx.sleep``; see ``traps``); awaiting anything from asyncio (a
future, ``asyncio.sleep``) also works, and makes the task wait for it in real time.
A handler is not an asyncio task of its own, so what acts on "the current task"
(``asyncio.timeout``, ``asyncio.current_task``) would act on whatever task runs
the system; bound a wait with ``asyncio.wait_for`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from pyrapide.core import Event
    from pyrapide.runtime.dispatch import Dispatch
    from pyrapide.runtime.queues import PipeLane
    from pyrapide.runtime.traps import Pump


class WaitReason(StrEnum):
    """Why a task in flight is not running."""

    RUNNING = "running"
    """Its handler is running now (seen from inside a handler or a subscriber)."""
    SLEEPING = "sleeping"
    """Asleep on ``ctx.sleep`` until a time (its wake-up is a step of its own)."""
    READY = "ready"
    """Woken (its time came, an outside future finished, or it yielded): the next
    step that resumes a task resumes it."""
    CONNECTS = "connects"
    """Waiting on the connect deliveries of its emits (it resumes with the last)."""
    OUTSIDE = "outside"
    """Awaiting an asyncio future (or ``asyncio.sleep``): real time decides."""
    INSIDE = "inside"
    """A delivery to a nested architecture: waiting on the deliveries inside it that
    the event made (it finishes with the last)."""
    HELD = "held"
    """Stopped at an emit by a bound (``max_events``); it goes on if the bound is raised."""


# Every task starts running: a Final name, not read through the enum class (see scheduler).
_RUNNING: Final = WaitReason.RUNNING


class Task:
    """One coroutine the scheduler drives: a delivery's handlers, or a start/finish hook.

    ``chain`` holds the direct causes of the next event this task emits: the
    delivered events at first (and, for a pipe delivery, what its lane's
    previous deliveries left, read from ``lane`` at the first emit), then the
    event emitted last (emits of one handler run are causally chained), joined
    by the last events of the connect deliveries it waited on (their return
    edges). ``tips`` keeps, for each
    finished handler run that emitted, its ``chain`` at the end: what a pipe's
    next delivery, or the emitter a connect delivery returns to, follows.
    ``outstanding`` counts the connect deliveries of this task's emits that are
    not finished; while it is non-zero the task does not run, and the trap it
    yielded waits in ``deferred``. ``waiting`` says why the task is not running
    (``wake_at``: until when it sleeps).
    """

    __slots__ = (
        "chain",
        "chained",
        "component",
        "coro",
        "deferred",
        "depth",
        "dispatch",
        "handler",
        "hook",
        "lane",
        "match",
        "outstanding",
        "pump",
        "returned",
        "throw",
        "tips",
        "waiting",
        "wake_at",
    )

    def __init__(
        self, component: str, dispatch: Dispatch | None, depth: int, hook: str | None = None
    ) -> None:
        self.coro: Coroutine[Any, Any, Any] | None = None
        # What drives ``coro`` while it runs (see traps.pump); None before and after.
        self.pump: Pump | None = None
        # The handler whose own coroutine ``coro`` is, and the match it was given;
        # None when ``coro`` is the scheduler's wrapper calling the handlers in turn.
        self.handler: Callable[..., Any] | None = None
        self.match: Any = None
        self.component = component
        self.dispatch = dispatch
        self.hook = hook
        self.depth = depth
        self.lane: PipeLane | None = None
        self.chain: tuple[Event, ...] = ()
        self.chained = False
        self.tips: list[Event] | None = None  # made by the first run that emits
        self.outstanding = 0
        self.returned = False
        self.deferred: Any = None
        # An exception to throw into the coroutine at its next step instead of a send.
        self.throw: BaseException | None = None
        self.waiting = _RUNNING
        self.wake_at: float | None = None

    def start_run(self, causes: tuple[Event, ...]) -> None:
        """Begin one handler run whose first emit is caused by ``causes``."""
        if self.chained:
            self.end_run()
        self.chain = causes
        self.chained = False

    def end_run(self) -> None:
        """Close the handler run in progress: if it emitted, its chain is a tip."""
        if self.chained:
            tips = self.tips
            if tips:
                tips.extend(event for event in self.chain if event not in tips)
            else:
                self.tips = list(self.chain)
            self.chained = False

    @property
    def label(self) -> str:
        """``#12``, or ``start of clock`` for a hook."""
        return task_label(self.dispatch, self.hook, self.component)

    def __repr__(self) -> str:
        return f"<Task {self.component} {self.label} {self.waiting}>"


def task_label(dispatch: Dispatch | None, hook: str | None, component: str) -> str:
    """How a task is named to the user: its dispatch ``#12``, or ``start of clock``."""
    if dispatch is not None:
        return f"#{dispatch.id}"
    return f"{hook or 'hook'} of {component}"


@dataclass(frozen=True, slots=True)
class InFlight:
    """A task that started and has not finished, as ``System.in_flight()`` reports it.

    ``dispatch`` is the delivery it serves (None for a start or finish hook, then
    ``hook`` names it); ``component`` whose code it runs; ``reason`` why it is
    not running; ``until`` the time a sleeper wakes at (or, for a task its wake-up
    readied, woke at); ``waits_on`` the deliveries it waits for (reason ``CONNECTS``:
    its connect deliveries; ``INSIDE``: those inside the nested architecture it
    delivered to).
    """

    dispatch: Dispatch | None
    component: str
    hook: str | None
    reason: WaitReason
    until: float | None = None
    waits_on: tuple[Dispatch, ...] = ()

    @property
    def label(self) -> str:
        """``#12``, or ``start of clock`` for a hook."""
        return task_label(self.dispatch, self.hook, self.component)

    def describe(self) -> str:
        """Why it waits, in words: ``asleep until t=2``, ``waits on #9, #10``, ..."""
        reason = self.reason
        if reason is WaitReason.SLEEPING:
            return f"asleep until t={self.until:g}"
        if reason is WaitReason.READY:
            woke = f" (it slept until t={self.until:g})" if self.until is not None else ""
            return f"woken, to be resumed{woke}"
        if reason is WaitReason.CONNECTS:
            ids = ", ".join(f"#{d.id}" for d in self.waits_on)
            return f"waits on its connect deliveries ({ids})" if ids else "waits on connects"
        if reason is WaitReason.INSIDE:
            ids = ", ".join(f"#{d.id}" for d in self.waits_on)
            return f"waits on its deliveries inside {self.component} ({ids})"
        if reason is WaitReason.OUTSIDE:
            return "waits on an outside future (real time)"
        if reason is WaitReason.HELD:
            return "held at an emit by max_events"
        return "running"

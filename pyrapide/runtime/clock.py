"""The time a System runs in: logical by default, the wall clock as one alternative.

The scheduler never reads time itself: it asks the clock it was given, as Trio's
``run(clock=...)`` does. Sleeping tasks wait in the scheduler's queue, keyed by the
time they wake at; when nothing else can run, the scheduler asks the clock how many
wall seconds lie before the earliest wake-up (a logical clock: none, it jumps) and,
once it is due, moves the clock there. So logical time is deterministic and a run
never waits on the wall clock unless it was given one that does.
"""

from __future__ import annotations

import time
from typing import Any, Protocol


class RunClock(Protocol):
    """What a System's scheduler needs of a clock."""

    def start(self) -> None:
        """Time 0 is now (called when the system starts, and again after a reset)."""

    def now(self) -> float:
        """The current time, in the units ``ctx.sleep`` takes."""

    def timestamp(self) -> float:
        """The timestamp of an event recorded now."""

    def seconds_until(self, when: float) -> float:
        """Wall-clock seconds before time ``when`` is reached (0 when it is due)."""

    def advance_to(self, when: float) -> None:
        """Time ``when`` has been reached: nothing else could run before it."""


class LogicalClock:
    """Logical time: it starts at 0 and moves only when every task is asleep.

    Sleeping costs no wall time; the same run gives the same times. Event
    timestamps are the logical time.
    """

    __slots__ = ("_now", "_stamp")

    def __init__(self) -> None:
        self.start()

    def start(self) -> None:
        self._now = 0.0
        self._stamp: Any = self._now

    def now(self) -> float:
        return self._now

    def timestamp(self) -> Any:
        # One float object per time, the same for every event stamped at it (Any, so
        # that the compiled build neither copies it nor makes one per event).
        return self._stamp

    def seconds_until(self, when: float) -> float:
        return 0.0

    def advance_to(self, when: float) -> None:
        if when > self._now:
            self._now = when
            self._stamp = when

    def __repr__(self) -> str:
        return f"<LogicalClock t={self._now:g}>"


class RealTimeClock:
    """The wall clock: ``now`` is seconds since the system started, ``ctx.sleep``
    waits that long in real time, and events are stamped with the time of day
    (``time.time()``)."""

    __slots__ = ("_started",)

    def __init__(self) -> None:
        self._started: float | None = None

    def start(self) -> None:
        self._started = time.monotonic()

    def now(self) -> float:
        if self._started is None:
            self.start()
        return time.monotonic() - self._started  # type: ignore[operator]

    def timestamp(self) -> float:
        return time.time()

    def seconds_until(self, when: float) -> float:
        return max(0.0, when - self.now())

    def advance_to(self, when: float) -> None:
        """Nothing to do: the wall clock moves by itself."""

    def __repr__(self) -> str:
        return "<RealTimeClock>"

"""What a run loop reports: the system's run state, why a run stopped, what it did."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

STEPS_BETWEEN_YIELDS = 64
"""The steps of one burst of the run loop. Between two bursts it reads the clock, and
hands the asyncio loop back once YIELD_INTERVAL has passed since it last did."""

YIELD_INTERVAL = 0.01
"""Seconds: the run loop hands the asyncio loop back at least this often (give or take
a burst), so that a user interface on the same loop keeps answering (and can pause
it). Not more often: each turn of the asyncio loop costs a system call that releases
the GIL, and a thread waiting for the GIL (the handler watchdog, once it wakes) then
never gets it while the run releases and takes it back faster than the interpreter's
switch interval (5 ms unless ``sys.setswitchinterval`` says), and every release
wakes it for nothing: about 5% of a fast run's speed when the loop was handed back
every 64 steps."""


class RunState(StrEnum):
    """The state of a System (equal to its name: ``RunState.QUIET == "quiet"``)."""

    IDLE = "idle"
    """Not started: the modules are not built."""
    RUNNING = "running"
    """Inside its run loop."""
    PAUSED = "paused"
    """Not running, with work waiting: dispatches queued or tasks in flight."""
    QUIET = "quiet"
    """Nothing queued and nothing in flight: nothing will happen until an injection."""
    STOPPED = "stopped"
    """The finish hooks ran; the computation stays readable."""


class StopReason(StrEnum):
    """Why a run loop returned."""

    QUIET = "quiet"
    """Nothing queued and nothing in flight."""
    PAUSED = "paused"
    """``pause()`` was called (by the caller, or by a subscriber: a breakpoint)."""
    BUDGET = "budget"
    """It took the number of steps it was allowed (``max_steps``)."""
    TIMEOUT = "timeout"
    """Its ``timeout`` ran out with work still pending."""
    LIMIT = "limit"
    """A bound of the system stopped it (``max_events``); LimitReached says which."""
    STALLED = "stalled"
    """Work remains that nothing can run or wake (tasks held by a bound)."""


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What one call of the run loop did: ``steps`` taken, and why it ``stopped``."""

    steps: int
    stopped: StopReason

    @property
    def finished(self) -> bool:
        """True when the run ended because there was nothing left to do."""
        return self.stopped is StopReason.QUIET

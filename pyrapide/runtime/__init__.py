"""Modules, contexts, the deterministic scheduler, System, the 0.3.0-style Engine, streaming."""

from pyrapide.runtime.choices import WAKE, Choice
from pyrapide.runtime.clock import LogicalClock, RealTimeClock, RunClock
from pyrapide.runtime.context import EmitError, ModuleContext, get_context
from pyrapide.runtime.dispatch import Dispatch, DispatchState
from pyrapide.runtime.engine import Engine
from pyrapide.runtime.explain import RouteDecision, Verdict
from pyrapide.runtime.modules import ModuleDefinitionError, module, when
from pyrapide.runtime.notifications import (
    ConstraintViolated,
    DispatchFinished,
    DispatchQueued,
    DispatchStarted,
    EventRecorded,
    GuardError,
    HandlerError,
    HandlerStarted,
    LimitReached,
    Notification,
    StateChanged,
    SubscriberError,
    TaskResumed,
)
from pyrapide.runtime.running import RunOutcome, RunState, StopReason
from pyrapide.runtime.streaming import InMemoryEventSource, StreamProcessor
from pyrapide.runtime.system import System
from pyrapide.runtime.tasks import InFlight, WaitReason
from pyrapide.runtime.watchdog import DEFAULT_HANDLER_TIMEOUT, HandlerTimeout

__all__ = [
    "DEFAULT_HANDLER_TIMEOUT",
    "WAKE",
    "Choice",
    "ConstraintViolated",
    "Dispatch",
    "DispatchFinished",
    "DispatchQueued",
    "DispatchStarted",
    "DispatchState",
    "EmitError",
    "Engine",
    "EventRecorded",
    "GuardError",
    "HandlerError",
    "HandlerStarted",
    "HandlerTimeout",
    "InFlight",
    "InMemoryEventSource",
    "LimitReached",
    "LogicalClock",
    "ModuleContext",
    "ModuleDefinitionError",
    "Notification",
    "RealTimeClock",
    "RouteDecision",
    "RunClock",
    "RunOutcome",
    "RunState",
    "StateChanged",
    "StopReason",
    "StreamProcessor",
    "SubscriberError",
    "System",
    "TaskResumed",
    "Verdict",
    "WaitReason",
    "get_context",
    "module",
    "when",
]

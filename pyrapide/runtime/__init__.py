"""Modules, contexts, the deterministic scheduler, System, the 0.3.0-style Engine, streaming."""

from pyrapide.runtime.context import EmitError, ModuleContext, get_context
from pyrapide.runtime.dispatch import Dispatch
from pyrapide.runtime.engine import Engine
from pyrapide.runtime.modules import ModuleDefinitionError, module, when
from pyrapide.runtime.notifications import (
    ConstraintViolated,
    DispatchFinished,
    DispatchQueued,
    DispatchStarted,
    EventRecorded,
    GuardError,
    HandlerError,
    LimitReached,
    Notification,
    StateChanged,
    SubscriberError,
)
from pyrapide.runtime.streaming import InMemoryEventSource, StreamProcessor
from pyrapide.runtime.system import System

__all__ = [
    "ConstraintViolated",
    "Dispatch",
    "DispatchFinished",
    "DispatchQueued",
    "DispatchStarted",
    "EmitError",
    "Engine",
    "EventRecorded",
    "GuardError",
    "HandlerError",
    "InMemoryEventSource",
    "LimitReached",
    "ModuleContext",
    "ModuleDefinitionError",
    "Notification",
    "StateChanged",
    "StreamProcessor",
    "SubscriberError",
    "System",
    "get_context",
    "module",
    "when",
]

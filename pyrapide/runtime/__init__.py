"""Modules, contexts, the deterministic scheduler, System, the 0.3.0-style Engine, streaming.

Every public name is importable from here; each is loaded on first use, so that
importing one of the package's modules (``pyrapide.runtime.watchdog``, say) does
not import them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyrapide._lazy import lazy_exports

# Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    "DEFAULT_HANDLER_TIMEOUT": "pyrapide.runtime.watchdog",
    "WAKE": "pyrapide.runtime.choices",
    "Choice": "pyrapide.runtime.choices",
    "ConstraintCheckError": "pyrapide.runtime.notifications",
    "ConstraintGuardError": "pyrapide.runtime.notifications",
    "ConstraintViolated": "pyrapide.runtime.notifications",
    "DeliveryUnhandled": "pyrapide.runtime.notifications",
    "Dispatch": "pyrapide.runtime.dispatch",
    "DispatchFinished": "pyrapide.runtime.notifications",
    "DispatchQueued": "pyrapide.runtime.notifications",
    "DispatchStarted": "pyrapide.runtime.notifications",
    "DispatchState": "pyrapide.runtime.dispatch",
    "EmitError": "pyrapide.runtime.context",
    "Engine": "pyrapide.runtime.engine",
    "EventRecorded": "pyrapide.runtime.notifications",
    "GuardError": "pyrapide.runtime.notifications",
    "HandlerError": "pyrapide.runtime.notifications",
    "HandlerStarted": "pyrapide.runtime.notifications",
    "HandlerTimeout": "pyrapide.runtime.watchdog",
    "InFlight": "pyrapide.runtime.tasks",
    "InMemoryEventSource": "pyrapide.runtime.streaming",
    "LimitReached": "pyrapide.runtime.notifications",
    "LogicalClock": "pyrapide.runtime.clock",
    "ModuleContext": "pyrapide.runtime.context",
    "ModuleBuildError": "pyrapide.runtime.modules",
    "ModuleDefinitionError": "pyrapide.runtime.modules",
    "Notification": "pyrapide.runtime.notifications",
    "PendingSummary": "pyrapide.runtime.queues",
    "RealTimeClock": "pyrapide.runtime.clock",
    "RouteDecision": "pyrapide.runtime.explain",
    "RunClock": "pyrapide.runtime.clock",
    "RunOutcome": "pyrapide.runtime.running",
    "RunState": "pyrapide.runtime.running",
    "StateChanged": "pyrapide.runtime.notifications",
    "StopReason": "pyrapide.runtime.running",
    "StreamProcessor": "pyrapide.runtime.streaming",
    "SubscriberError": "pyrapide.runtime.notifications",
    "System": "pyrapide.runtime.system",
    "TaskResumed": "pyrapide.runtime.notifications",
    "Verdict": "pyrapide.runtime.explain",
    "WaitReason": "pyrapide.runtime.tasks",
    "get_context": "pyrapide.runtime.context",
    "module": "pyrapide.runtime.modules",
    "when": "pyrapide.runtime.modules",
}

__all__ = list(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    # "X as X" re-exports each name, so `mypy --strict` accepts `from pyrapide.runtime import X`.
    # isort: off
    from pyrapide.runtime.watchdog import (
        DEFAULT_HANDLER_TIMEOUT as DEFAULT_HANDLER_TIMEOUT,
        HandlerTimeout as HandlerTimeout,
    )
    from pyrapide.runtime.choices import (
        WAKE as WAKE,
        Choice as Choice,
    )
    from pyrapide.runtime.notifications import (
        ConstraintCheckError as ConstraintCheckError,
        ConstraintGuardError as ConstraintGuardError,
        ConstraintViolated as ConstraintViolated,
        DeliveryUnhandled as DeliveryUnhandled,
        DispatchFinished as DispatchFinished,
        DispatchQueued as DispatchQueued,
        DispatchStarted as DispatchStarted,
        EventRecorded as EventRecorded,
        GuardError as GuardError,
        HandlerError as HandlerError,
        HandlerStarted as HandlerStarted,
        LimitReached as LimitReached,
        Notification as Notification,
        StateChanged as StateChanged,
        SubscriberError as SubscriberError,
        TaskResumed as TaskResumed,
    )
    from pyrapide.runtime.dispatch import (
        Dispatch as Dispatch,
        DispatchState as DispatchState,
    )
    from pyrapide.runtime.queues import (
        PendingSummary as PendingSummary,
    )
    from pyrapide.runtime.context import (
        EmitError as EmitError,
        ModuleContext as ModuleContext,
        get_context as get_context,
    )
    from pyrapide.runtime.engine import (
        Engine as Engine,
    )
    from pyrapide.runtime.tasks import (
        InFlight as InFlight,
        WaitReason as WaitReason,
    )
    from pyrapide.runtime.streaming import (
        InMemoryEventSource as InMemoryEventSource,
        StreamProcessor as StreamProcessor,
    )
    from pyrapide.runtime.clock import (
        LogicalClock as LogicalClock,
        RealTimeClock as RealTimeClock,
        RunClock as RunClock,
    )
    from pyrapide.runtime.modules import (
        ModuleBuildError as ModuleBuildError,
        ModuleDefinitionError as ModuleDefinitionError,
        module as module,
        when as when,
    )
    from pyrapide.runtime.explain import (
        RouteDecision as RouteDecision,
        Verdict as Verdict,
    )
    from pyrapide.runtime.running import (
        RunOutcome as RunOutcome,
        RunState as RunState,
        StopReason as StopReason,
    )
    from pyrapide.runtime.system import (
        System as System,
    )
    # isort: on

"""The causal core: events, posets of events by causality, computations and clocks."""

from pyrapide.core.clock import (
    Clock,
    ClockManager,
    RegularClock,
    SlavedClock,
    SynchronousClock,
    TimestampedEvent,
)
from pyrapide.core.computation import Computation
from pyrapide.core.errors import CausalCycleError, ComputationFileError
from pyrapide.core.event import Event
from pyrapide.core.eventset import EventSet
from pyrapide.core.frozendict import FrozenDict, FrozenList
from pyrapide.core.poset import Poset

__all__ = [
    "CausalCycleError",
    "Clock",
    "ClockManager",
    "Computation",
    "ComputationFileError",
    "Event",
    "EventSet",
    "FrozenDict",
    "FrozenList",
    "Poset",
    "RegularClock",
    "SlavedClock",
    "SynchronousClock",
    "TimestampedEvent",
]

"""Clocks: logical time that stamps when events start and finish."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyrapide.core.event import Event

_PHASES = ("both", "start", "finish")


@dataclass(frozen=True, slots=True)
class TimestampedEvent:
    """An event together with the time a clock gave it."""

    event: Event
    time: float
    clock_name: str


class Clock:
    """A named clock that stamps events with its current reading.

    Subclasses say how time is read (``read``).  ``stamp`` records the start
    and/or finish time of an event; ``start_time``/``finish_time`` return them
    (None if never stamped); ``get_temporal_order`` lists the stamped events by
    start time, ties in the order they were first stamped.
    """

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a clock needs a non-empty name, not {name!r}")
        self.name = name
        self._start_times: dict[Event, float] = {}
        self._finish_times: dict[Event, float] = {}

    def read(self) -> float:
        """Return the current time on this clock."""
        raise NotImplementedError(f"{type(self).__name__} does not say how to read its time")

    def stamp(self, event: Event, phase: str = "both") -> TimestampedEvent:
        """Stamp ``event`` with the current time as its start, finish, or both.

        Raises ``ValueError`` for a phase other than "both", "start" or "finish".
        """
        if phase not in _PHASES:
            raise ValueError(f"phase must be one of {', '.join(_PHASES)}, not {phase!r}")
        now = self.read()
        if phase != "finish":
            self._start_times[event] = now
        if phase != "start":
            self._finish_times[event] = now
        return TimestampedEvent(event, now, self.name)

    def start_time(self, event: Event) -> float | None:
        """Return when the event started on this clock, or None."""
        return self._start_times.get(event)

    def finish_time(self, event: Event) -> float | None:
        """Return when the event finished on this clock, or None."""
        return self._finish_times.get(event)

    def get_temporal_order(self) -> list[Event]:
        """Return the events stamped with a start time, earliest first."""
        starts = self._start_times
        return sorted(starts, key=starts.__getitem__)

    def stamped_events(self) -> Iterator[tuple[Event, float | None, float | None]]:
        """Yield (event, start, finish) for every event this clock stamped."""
        for event in {**self._start_times, **self._finish_times}:
            yield event, self._start_times.get(event), self._finish_times.get(event)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, time={self.read()!r})"


def _number(value: object, what: str) -> None:
    """Refuse ``value`` with a TypeError naming ``what`` unless it is a number (a bool
    is not one): compared with 0 below, anything else fails without saying which."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{what} must be a number, not {value!r}")


class SynchronousClock(Clock):
    """A clock every observer reads alike; it moves only when ``tick`` is called."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._time = 0.0

    def read(self) -> float:
        """Return the current time (starts at 0.0)."""
        return self._time

    def tick(self, amount: float = 1.0) -> None:
        """Advance the clock by ``amount``; raises ``ValueError`` if it is negative, or
        not a finite number (the time would no longer compare or save), and
        ``TypeError`` if it is no number."""
        _number(amount, "a clock's tick")
        if amount < 0:
            raise ValueError(f"a clock cannot go back in time (tick({amount!r}))")
        if not math.isfinite(amount):
            raise ValueError(f"a clock ticks by a finite amount (tick({amount!r}))")
        self._time += amount


class RegularClock(SynchronousClock):
    """A synchronous clock that advances by a fixed ``period`` at each ``auto_tick``.

    ``accuracy`` documents how closely ticks follow the period (1.0: exactly).
    Raises ``ValueError`` for a period that is not positive, ``TypeError`` for one
    that is no number.
    """

    def __init__(self, name: str, period: float, accuracy: float = 1.0) -> None:
        _number(period, "a regular clock's period")
        if not period > 0:
            raise ValueError(f"a regular clock needs a positive period, not {period!r}")
        if not math.isfinite(period):
            raise ValueError(f"a regular clock needs a finite period, not {period!r}")
        super().__init__(name)
        self.period = period
        self.accuracy = accuracy

    def auto_tick(self) -> None:
        """Advance the clock by one period."""
        self.tick(self.period)


class SlavedClock(Clock):
    """A clock that reads its ``parent``'s time divided by ``divisor``.

    Raises ``ValueError`` for a divisor that is not positive, ``TypeError`` for one
    that is no number.
    """

    def __init__(self, name: str, parent: Clock, divisor: int) -> None:
        if not isinstance(parent, Clock):
            raise TypeError(f"a slaved clock follows a Clock, not {parent!r}")
        _number(divisor, "a slaved clock's divisor")
        if not divisor > 0:
            raise ValueError(f"a slaved clock needs a positive divisor, not {divisor!r}")
        super().__init__(name)
        self.parent = parent
        self.divisor = divisor

    def read(self) -> float:
        """Return the parent's time divided by the divisor."""
        return self.parent.read() / self.divisor


class ClockManager:
    """The clocks of a computation, by name."""

    def __init__(self) -> None:
        self._clocks: dict[str, Clock] = {}

    def register(self, clock: Clock) -> None:
        """Add ``clock``; a clock registered under the same name is replaced."""
        if not isinstance(clock, Clock):
            raise TypeError(f"expected a Clock, not {type(clock).__name__}")
        self._clocks[clock.name] = clock

    def get_clock(self, clock_name: str) -> Clock:
        """Return the clock with this name; raises ``KeyError`` naming the known clocks."""
        try:
            return self._clocks[clock_name]
        except KeyError:
            known = ", ".join(repr(name) for name in self._clocks) or "none"
            raise KeyError(f"no clock named {clock_name!r} (clocks: {known})") from None

    def stamp_event(self, event: Event, clock_name: str | None = None) -> None:
        """Stamp ``event`` on the named clock, or on every clock when no name is given."""
        if clock_name is not None:
            self.get_clock(clock_name).stamp(event)
            return
        for clock in self._clocks.values():
            clock.stamp(event)

    def get_temporal_order(self, clock_name: str) -> list[Event]:
        """Return the events stamped on the named clock, earliest start first."""
        return self.get_clock(clock_name).get_temporal_order()

    @property
    def clocks(self) -> list[Clock]:
        """The registered clocks, in registration order."""
        return list(self._clocks.values())

    def __contains__(self, clock_name: object) -> bool:
        return clock_name in self._clocks

    def __len__(self) -> int:
        return len(self._clocks)

    def __iter__(self) -> Iterator[Clock]:
        return iter(list(self._clocks.values()))

"""Checks on a system's options and a run's bounds, each refused by name before it is used."""

from __future__ import annotations

from typing import Any

from pyrapide.core.printable import brief_repr, described

_CLOCK_METHODS = ("start", "now", "timestamp", "seconds_until", "advance_to")


def checked_seed(seed: Any) -> int:
    """``seed`` if it is an integer; else TypeError. (None would seed from the system's
    entropy, and no two runs would be alike.)"""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an integer, got {brief_repr(seed)}")
    return seed


def checked_count(value: Any, name: str) -> int | None:
    """``value`` if it is None or a positive integer; else TypeError or ValueError
    naming ``name`` (see :func:`checked_integer`)."""
    return None if value is None else checked_integer(value, name, 1, "a positive integer or None")


def checked_positive(value: Any, name: str) -> int:
    """``value`` if it is a positive integer; else TypeError or ValueError naming ``name``."""
    return checked_integer(value, name, 1, "a positive integer")


def checked_integer(value: Any, name: str, least: int, wanted: str) -> int:
    """``value`` if it is an integer (not a bool) of ``least`` or more; else TypeError
    for what is no integer, ValueError for one below ``least``, each saying ``name``
    must be ``wanted``."""
    is_integer = isinstance(value, int) and not isinstance(value, bool)
    if is_integer and value >= least:
        return int(value)
    error = ValueError if is_integer else TypeError
    raise error(f"{name} must be {wanted}, got {brief_repr(value)}")


def checked_steps(max_steps: Any) -> int | None:
    """``max_steps`` if it is None or an integer of 0 or more; else TypeError or ValueError."""
    if max_steps is None:
        return None
    return checked_integer(max_steps, "max_steps", 0, "a non-negative integer or None")


def checked_timeout(timeout: Any) -> float | None:
    """``timeout`` if it is None or a number of seconds of 0 or more (not NaN); else
    TypeError or ValueError."""
    if timeout is None:
        return None
    return checked_seconds(timeout, "timeout", "a non-negative number of seconds or None")


def checked_handler_timeout(value: Any) -> float | None:
    """``value`` if it is None or a positive number of seconds (not NaN); else TypeError
    for what is no number, ValueError for one of 0 or less."""
    if value is None:
        return None
    wanted = "a positive number of seconds or None"
    return checked_seconds(value, "handler_timeout", wanted, positive=True)


def checked_seconds(
    value: Any, name: str, wanted: str = "a non-negative number of seconds", *,
    positive: bool = False,
) -> float:
    """``value`` if it is a number of seconds of 0 or more (more than 0 if ``positive``;
    not NaN); else TypeError for what is no number, ValueError for one out of range,
    each saying ``name`` must be ``wanted``."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and (value > 0 if positive else value >= 0):
        return value  # type: ignore[no-any-return]
    error = ValueError if number else TypeError
    raise error(f"{name} must be {wanted}, got {brief_repr(value)}")


def checked_clock(clock: Any) -> Any:
    """``clock`` if it is None or offers what a run clock does (see
    :class:`pyrapide.runtime.clock.RunClock`); else TypeError."""
    if clock is None or all(callable(getattr(clock, name, None)) for name in _CLOCK_METHODS):
        return clock
    raise TypeError(
        f"clock must be a LogicalClock, a RealTimeClock or None, got "
        f"{described(clock)}"
    )

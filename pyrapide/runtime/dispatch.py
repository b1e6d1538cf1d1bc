"""Dispatch: one match handed to one target through one connection."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pyrapide.architecture import Connection, ConnectionKind
    from pyrapide.core import Event
    from pyrapide.patterns import PatternMatch
    from pyrapide.runtime.tasks import Task


class DispatchState(StrEnum):
    """Where a dispatch is in its life."""

    QUEUED = "queued"
    """Waiting to start."""
    RUNNING = "running"
    """Started, not finished: its task is in flight (running, asleep or waiting)."""
    DONE = "done"
    """Its handlers returned (or raised), and every connect delivery they made finished."""


# Read on every dispatch made: a Final module constant, not a lookup through the enum
# class (see the scheduler's constants).
_QUEUED: Final = DispatchState.QUEUED


class Dispatch:
    """One delivery, as the scheduler queues, runs and reports it.

    ``id`` numbers deliveries of one system from 1 (shown as ``#12``); ``kind``
    is the connection's ConnectionKind (equal to "connect", "pipe" or "agent");
    ``event`` is the event delivered (for a composite match, its last event);
    ``match`` the PatternMatch; ``target`` the component name (or the callable's
    name for a connection to a function); ``connection`` the Connection;
    ``state`` a DispatchState (equal to "queued", "running" or "done").
    ``depth`` counts the ``connect`` deliveries this one is nested in (1 for a
    connect from a handler that was not itself reached by connect, 0 for pipe
    and agent deliveries).

    A delivery to a nested architecture (``target`` its path) has ``inner``: the
    deliveries inside it that the delivered event makes, queued when this one
    runs; this one finishes when they all have. ``inner`` is None for any other
    delivery. ``causes`` are what the first event of each of its handler runs
    follows: the delivered events, and, inside a nested architecture reached
    through a pipe, what that pipe's earlier deliveries produced.
    """

    __slots__ = (
        "at",
        "causes",
        "connection",
        "depth",
        "event",
        "id",
        "inner",
        "kind",
        "match",
        "state",
        "target",
        "waiter",
    )

    def __init__(
        self,
        dispatch_id: int,
        kind: ConnectionKind,
        match: PatternMatch,
        target: str,
        connection: Connection,
        depth: int = 0,
        waiter: Task | None = None,
    ) -> None:
        self.id = dispatch_id
        self.kind = kind
        self.match = match
        events = match.events
        self.causes: tuple[Event, ...] = events
        self.event: Event = events[-1]
        self.target = target
        self.connection = connection
        self.state = _QUEUED
        self.depth = depth
        # The task blocked in ``await ctx.emit`` until this connect delivery is done
        # (or, inside a nested architecture, the delivery into it that made this one).
        self.waiter = waiter
        self.inner: list[Dispatch] | None = None
        # Where ``event`` was recorded in the poset, as the scheduler routed it (-1: not
        # known): its handler's first event is recorded after it without looking it up.
        self.at = -1

    def __repr__(self) -> str:
        event, target = self.event.name, self.target
        return f"<Dispatch #{self.id} {self.kind} {event} -> {target} {self.state}>"

    def __str__(self) -> str:
        return f"#{self.id} {self.kind} {self.event.name} ({self.event.id}) -> {self.target}"

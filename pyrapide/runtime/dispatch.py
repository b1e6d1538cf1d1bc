"""Dispatch: one match handed to one target through one connection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyrapide.core import Event


class Dispatch:
    """One delivery, as the scheduler queues, runs and reports it.

    ``id`` numbers deliveries of one system from 1 (shown as ``#12``); ``kind``
    is the connection kind ("connect", "pipe" or "agent"); ``event`` is the
    event delivered (for a composite match, its last event); ``match`` the
    PatternMatch; ``target`` the component name (or the callable's name for a
    connection to a function); ``connection`` the Connection; ``state`` is
    "queued", "running" or "done". ``depth`` counts the ``connect`` deliveries
    this one is nested in (1 for a connect from a handler that was not itself
    reached by connect, 0 for pipe and agent deliveries).
    """

    __slots__ = ("connection", "depth", "event", "id", "kind", "match", "state", "target", "waiter")

    def __init__(
        self,
        dispatch_id: int,
        kind: str,
        match: Any,
        target: str,
        connection: Any,
        depth: int = 0,
        waiter: Any = None,
    ) -> None:
        self.id = dispatch_id
        self.kind = kind
        self.match = match
        events = match.events
        self.event: Event = events[-1]
        self.target = target
        self.connection = connection
        self.state = "queued"
        self.depth = depth
        # The task blocked in ``await ctx.emit`` until this connect delivery is done.
        self.waiter = waiter

    def __repr__(self) -> str:
        return f"<Dispatch #{self.id} {self.kind} {self.event.name} -> {self.target} {self.state}>"

    def __str__(self) -> str:
        return f"#{self.id} {self.kind} {self.event.name} ({self.event.id}) -> {self.target}"

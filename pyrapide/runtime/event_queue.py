"""EventScheduler: a queue of events for a hand-written processing loop."""

from __future__ import annotations

import asyncio

from pyrapide.core import Event
from pyrapide.core.printable import brief_repr

__all__ = ["EventScheduler"]


class EventScheduler:
    """Events waiting to be processed, first in first out, and those already processed.

    Enqueue events in the order they were recorded and every event comes out
    after its causes. ``await next()`` waits for the next event and returns
    None once ``shutdown()`` was called and the events before it are taken.
    (A System has its own scheduler of dispatches; this queue is for loops
    written by hand.)
    """

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._processed: set[str] = set()

    def enqueue(self, event: Event) -> None:
        """Add `event` at the end of the queue."""
        if not isinstance(event, Event):
            raise TypeError(f"EventScheduler.enqueue takes an Event, got {brief_repr(event)}")
        self._queue.put_nowait(event)

    async def next(self) -> Event | None:
        """The next event, waiting for one if the queue is empty; None after shutdown,
        to every call from then on (each consumer of the queue ends)."""
        event = await self._queue.get()
        if event is None:
            # The mark goes back: taken once, it left every other consumer waiting forever.
            self._queue.put_nowait(None)
        return event

    def shutdown(self) -> None:
        """End the queue: ``next`` returns None once the events queued before are taken."""
        self._queue.put_nowait(None)

    def mark_processed(self, event: Event) -> None:
        """Record that `event` has been processed."""
        self._processed.add(event.id)

    def is_processed(self, event: Event) -> bool:
        """Whether `event` was marked processed."""
        return event.id in self._processed

    @property
    def pending(self) -> int:
        """How many events (and shutdown marks) are queued; a shutdown mark, once
        reached, stays queued."""
        return self._queue.qsize()

    def reset(self) -> None:
        """Forget every queued and processed event."""
        self._processed.clear()
        while not self._queue.empty():
            self._queue.get_nowait()

    def __repr__(self) -> str:
        return f"<EventScheduler {self.pending} pending, {len(self._processed)} processed>"

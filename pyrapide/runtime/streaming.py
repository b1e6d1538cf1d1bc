"""Stream processing: events from concurrent sources, watched and checked in a sliding window."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from pyrapide.constraints import Constraint, ConstraintMonitor, ConstraintViolation
from pyrapide.constraints.base import as_pattern, what_is_no_constraint
from pyrapide.constraints.violation import violation_key
from pyrapide.core import Computation, Event
from pyrapide.core.interrupts import contained
from pyrapide.core.poset import cause_refs
from pyrapide.core.printable import brief_repr, counted, message_of
from pyrapide.patterns import Pattern

__all__ = ["CallbackError", "EventSource", "InMemoryEventSource", "StreamProcessor"]

logger = logging.getLogger("pyrapide.streaming")

_CLOSED = object()  # ends a source's queue, and a source's feed into the processor
_WAKE = object()  # makes the processor look at its sources again (see _wake_run)
_INBOX_SIZE = 1024


@runtime_checkable
class EventSource(Protocol):
    """What a :class:`StreamProcessor` consumes: a name and an async stream of events.

    ``events()`` yields :class:`Event` objects, or ``(event, caused_by)`` pairs
    where ``caused_by`` is an earlier event of the stream, its id, or a list of
    them; the stream ending means the source is closed. What is not an Event, and
    a pair whose causes have another shape, is reported in the processor's
    ``errors`` and not recorded.
    """

    @property
    def name(self) -> str: ...

    def events(self) -> AsyncIterator[Any]: ...


class InMemoryEventSource:
    """An event source fed by the program: ``await put(event)``, then ``await close()``.

    Backed by an asyncio queue; ``events()`` yields what was put, in order, until
    the source is closed. ``put_nowait`` is the non-awaiting form.
    """

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"InMemoryEventSource needs a non-empty name, got {brief_repr(name)}")
        self._name = name
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._closed = False

    @property
    def name(self) -> str:
        """The source's name."""
        return self._name

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    def put_nowait(
        self, event: Event, caused_by: Iterable[Event | str] | Event | str | None = None
    ) -> None:
        """Enqueue ``event``, caused by earlier events of the stream: ``caused_by`` is
        one Event or event id, or a list of them. Raises TypeError for causes in
        another shape (see :func:`~pyrapide.core.poset.cause_refs`)."""
        if self._closed:
            raise RuntimeError(f"event source {self._name!r} is closed")
        if not isinstance(event, Event):
            raise TypeError(f"event source {self._name!r} takes Events, got {type(event).__name__}")
        causes = cause_refs(caused_by, f"event source {self._name!r}, event {event.id!r}")
        self._queue.put_nowait((event, causes) if causes else event)

    async def put(
        self, event: Event, caused_by: Iterable[Event | str] | Event | str | None = None
    ) -> None:
        """Enqueue ``event`` for consumption (see :meth:`put_nowait`)."""
        self.put_nowait(event, caused_by)

    async def close(self) -> None:
        """Signal that no more events will be produced; consumers finish what is queued."""
        if not self._closed:
            self._closed = True
            self._queue.put_nowait(_CLOSED)

    async def events(self) -> AsyncIterator[Any]:
        """Yield the events put, in order, until the source is closed.

        Every consumer after the first finds a closed source empty and ends at once.
        """
        while True:
            item = await self._queue.get()
            if item is _CLOSED:
                self._queue.put_nowait(_CLOSED)  # so a later consumer ends too
                return
            yield item

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"{self._queue.qsize()} queued"
        return f"<InMemoryEventSource {self._name!r} {state}>"


@dataclass(frozen=True)
class CallbackError:
    """A callback (or a source) that raised; the processor reported it and went on.

    ``kind`` is ``"event"``, ``"watch"``, ``"violation"`` or ``"source"``; ``event``
    is the event being processed, if any.
    """

    kind: str
    callback: Any
    error: BaseException
    event: Event | None = None

    def __str__(self) -> str:
        where = f" on event {self.event.id}" if self.event is not None else ""
        error = f"{type(self.error).__name__}: {message_of(self.error)}"
        if self.kind == "source":
            source = getattr(self.callback, "name", self.callback)
            return f"event source {source!r} failed: {error}{where}"
        name = getattr(self.callback, "__qualname__", repr(self.callback))
        return f"{self.kind} callback {name} raised {error}{where}"


@dataclass
class _Watch:
    pattern: Pattern
    callback: Callable[..., Any]
    matcher: Any


class StreamProcessor:
    """Consumes events from concurrent sources, with watches and constraints, in a window.

    Register sources (``add_source``), pattern watches (``watch(pattern, cb)``:
    ``cb(match)`` for each new match), constraints (``enforce``) and callbacks
    (``on_event``, ``on_violation``), then ``await run(window_size=...)``: it
    returns when every source is closed or ``stop()`` is called. Events are
    processed one at a time in arrival order; each is recorded in
    ``computation`` with the causes its source gave, then offered to the
    callbacks, the watches and the constraints, all incrementally.

    The window: ``computation`` keeps at most ``window_size`` of the most recent
    events; when it is full the oldest quarter is dropped at once (so the cost
    per event stays constant), before the arriving event is recorded. A match
    needs all its events (and for ``&`` their common ancestor) inside the window:
    a pattern whose parts arrive further apart than the window is not matched, a
    repetition (``P.repeat()``) holds the occurrences in the window only, and a
    cause outside the window is ignored. What the window does to each kind of
    constraint:

    - ``never``: each match is reported by the event that completes it, once;
    - ``must_match``: met by a match inside the window, and met for good;
    - ``every(P).leads_to(Q)``: a P match is answered by a Q match arriving while
      it is in the window; one whose events leave the window unanswered is
      reported as they leave, before the arriving event's own violations;
    - a ``@constraint`` class: its rules as above, counting only the matches its
      ``filter`` lets through. A filter of several events (``A >> B``) lets an
      event through when an event completing the filter's match arrives inside
      the window; what its rules match among earlier events counts from then on,
      and an event let through stays through once the filter's match is dropped;
    - a hand-written constraint (``check`` only): checked when ``run`` returns,
      over the window then.

    When ``run`` returns, the end-of-run violations (unmet ``must_match``,
    unanswered ``leads_to``, hand-written findings) go to the violation callbacks.

    Callbacks may be plain functions or coroutines. One that raises is logged
    and recorded in ``errors``; processing goes on.
    """

    def __init__(self) -> None:
        self._sources: dict[str, EventSource] = {}
        self._pumps: dict[str, asyncio.Task[None]] = {}
        # (source name, the pump that fed it, item): the pump tells a source's end from
        # the end of another source registered since under that name.
        self._inbox: asyncio.Queue[Any] | None = None
        # What the sources gave that a run stopped before processing, for the next run,
        # and, while a run ends, what its pumps held on their way to the inbox.
        self._left: deque[tuple[str, Any, Any]] = deque()
        self._held: list[tuple[str, Any, Any]] | None = None
        self._watches: list[_Watch] = []
        self._event_callbacks: list[Callable[..., Any]] = []
        self._violation_callbacks: list[Callable[..., Any]] = []
        self._monitor = ConstraintMonitor()
        self._computation = Computation()
        self._window_size = 10000
        self._running = False
        self._stopping = False
        self._ended: set[Any] = set()  # end-of-run violations already delivered
        self.errors: list[CallbackError] = []
        """Every callback or source failure, in order."""
        self._stats: dict[str, Any] = {
            "event_count": 0,
            "source_counts": {},
            "violation_count": 0,
            "match_count": 0,
            "callback_errors": 0,
            "dropped_events": 0,
            "ignored_causes": 0,
        }

    # ------------------------------------------------------------ read-outs
    @property
    def computation(self) -> Computation:
        """The events within the sliding window, with their causal links."""
        return self._computation

    @property
    def monitor(self) -> ConstraintMonitor:
        """The monitor checking the enforced constraints."""
        return self._monitor

    @property
    def stats(self) -> dict[str, Any]:
        """Counts: events, per source, violations, watch matches, callback errors, dropped."""
        stats = dict(self._stats)
        stats["source_counts"] = dict(self._stats["source_counts"])
        stats["window_events"] = len(self._computation)
        stats["window_size"] = self._window_size
        return stats

    # ---------------------------------------------------------- registration
    def add_source(self, name: str, source: EventSource) -> None:
        """Register ``source`` under ``name``; if running, start consuming it now.

        Raises ValueError when ``name`` is taken, TypeError when ``source`` has no
        ``events()`` method or is a class rather than an instance."""
        if not isinstance(name, str):
            raise TypeError(f"add_source(): name must be a string, got {brief_repr(name)}")
        if name in self._sources:
            raise ValueError(f"an event source named {name!r} is already registered")
        if isinstance(source, type):
            # Its events() would be called with no instance, failing only as the run starts.
            raise TypeError(
                f"event source {name!r} is the class {source.__qualname__}, not an instance "
                f"of it (write {source.__qualname__}(...))"
            )
        if not callable(getattr(source, "events", None)):
            raise TypeError(f"event source {name!r} has no events() method: {source!r}")
        self._sources[name] = source
        self._stats["source_counts"].setdefault(name, 0)
        if self._running:
            self._start_pump(name)

    def remove_source(self, name: str) -> None:
        """Stop consuming the source called ``name`` and forget it."""
        if name not in self._sources:
            known = ", ".join(map(repr, self._sources)) or "none"
            raise KeyError(f"no event source named {name!r} (registered: {known})")
        del self._sources[name]
        pump = self._pumps.pop(name, None)
        if pump is not None:
            pump.cancel()
            self._wake_run()

    def watch(self, pattern: Pattern | str, callback: Callable[..., Any]) -> None:
        """Call ``callback(match)`` for each new match of ``pattern`` (a Pattern or its
        text, ``"Sensor.reading -> Alerter.alert"``) from now on."""
        pattern = as_pattern(pattern, "watch()")
        _check_callback("watch", callback)
        matcher = pattern.matcher()
        matcher.catch_up(self._computation.poset)  # learn the window so far, reporting nothing
        self._watches.append(_Watch(pattern, callback, matcher))

    def unwatch(self, pattern: Pattern | str) -> None:
        """Remove the watches registered with this very pattern object, or with this text."""
        before = len(self._watches)
        if isinstance(pattern, str):
            text = as_pattern(pattern, "unwatch()")
            self._watches = [w for w in self._watches if w.pattern != text]
        else:
            self._watches = [w for w in self._watches if w.pattern is not pattern]
        if len(self._watches) == before:
            raise KeyError(f"no watch registered for pattern {pattern}")

    def enforce(self, constraint: Constraint) -> None:
        """Check ``constraint`` on every event; violations go to ``on_violation`` callbacks.

        Raises TypeError for something that is not a constraint and ValueError when a
        constraint of the same name is enforced already."""
        if not isinstance(constraint, Constraint) and not (
            isinstance(constraint, type) and issubclass(constraint, Constraint)
        ):
            what = what_is_no_constraint(constraint)
            raise TypeError(f"enforce() takes a constraint, not {what}")
        self._monitor.add_constraint(constraint)

    def on_violation(self, callback: Callable[..., Any]) -> None:
        """Call ``callback(violation)`` for each constraint violation."""
        _check_callback("on_violation", callback)
        self._violation_callbacks.append(callback)

    def on_event(self, callback: Callable[..., Any]) -> None:
        """Call ``callback(event)`` for every event processed."""
        _check_callback("on_event", callback)
        self._event_callbacks.append(callback)

    # ------------------------------------------------------------- running
    async def run(self, window_size: int = 10000) -> None:
        """Process events until every source is closed or :meth:`stop` is called.

        ``window_size`` bounds how many recent events ``computation`` keeps.
        """
        if isinstance(window_size, bool) or not isinstance(window_size, int) or window_size < 1:
            raise ValueError(
                f"window_size must be a positive integer, got {brief_repr(window_size)}"
            )
        if self._running:
            raise RuntimeError("this StreamProcessor is already running")
        self._window_size = window_size
        self._running, self._stopping = True, False
        # Bounded, so a fast source waits for the processor instead of filling memory.
        self._inbox = asyncio.Queue(maxsize=_INBOX_SIZE)
        try:
            for name in self._sources:
                self._start_pump(name)
            # Invariant: every open source has a pump; a pump puts (name, itself,
            # _CLOSED) last, so the loop ends exactly when all sources have closed. The
            # end of a source removed since is not taken for the end of a source added
            # after it under the same name.
            while (self._pumps or self._left) and not self._stopping:
                if self._left:  # left by a run stopped before: first, in their order
                    name, pump, item = self._left.popleft()
                else:
                    name, pump, item = await self._inbox.get()
                if item is _WAKE:
                    continue
                if item is _CLOSED:
                    if self._pumps.get(name) is pump:
                        del self._pumps[name]
                    continue
                await self._process(name, item)
        finally:
            await self._end_pumps()
            self._running = False
        ending = [v for v in self._monitor.finish() if violation_key(v) not in self._ended]
        self._ended.update(violation_key(v) for v in ending)
        await self._deliver_violations(ending)

    async def _end_pumps(self) -> None:
        """Cancel the pumps, keeping in ``_left`` what they took from the sources that
        was not processed: what waits in the inbox, then what each held for it."""
        pumps = list(self._pumps.values())
        self._pumps.clear()
        self._held = []
        try:
            for pump in pumps:
                pump.cancel()
            inbox = self._inbox
            while inbox is not None and not inbox.empty():
                entry = inbox.get_nowait()
                if entry[2] is not _WAKE:
                    self._left.append(entry)
            await asyncio.gather(*pumps, return_exceptions=True)
            self._left.extend(self._held)
        finally:
            self._held = None

    async def stop(self) -> None:
        """Stop consuming: ``run`` returns after the event in hand. What the sources gave
        meanwhile is not lost: the next ``run`` processes it first."""
        self._stopping = True
        self._wake_run()

    def _wake_run(self) -> None:
        """Make ``run`` look at its sources again (one was removed, or it is stopping)."""
        inbox = self._inbox
        # A loop waiting on the inbox waits on an empty one; a full inbox (a fast
        # source) wakes it anyway, and has no room for the note.
        if inbox is not None and not inbox.full():
            inbox.put_nowait(("", None, _WAKE))

    def _start_pump(self, name: str) -> None:
        self._pumps[name] = asyncio.ensure_future(self._pump(name, self._sources[name]))

    async def _pump(self, name: str, source: EventSource) -> None:
        inbox = self._inbox
        assert inbox is not None
        pump = asyncio.current_task()
        try:
            async for item in source.events():
                entry = (name, pump, item)
                try:
                    await inbox.put(entry)
                except asyncio.CancelledError:
                    if self._held is not None:  # the run is ending: kept for the next
                        self._held.append(entry)
                    raise
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a broken source closes; the others go on
            self._record_error("source", source, error, None)
        await inbox.put((name, pump, _CLOSED))

    async def _process(self, source_name: str, item: Any) -> None:
        event, given = item if isinstance(item, tuple) and len(item) == 2 else (item, None)
        source = self._sources.get(source_name, source_name)
        if not isinstance(event, Event):
            kind = type(event).__name__
            problem = f"source {source_name!r} yielded {kind}, not an Event"
            self._record_error("source", source, TypeError(problem), None)
            return
        try:
            causes = cause_refs(given, f"source {source_name!r}, event {event.id!r}")
        except TypeError as refused:  # the event is refused whole, as a non-event is
            self._record_error("source", source, refused, event)
            return
        if event in self._computation:
            problem = f"source {source_name!r} sent event {event.id!r} twice"
            self._record_error("source", source, ValueError(problem), event)
            return
        if len(self._computation) >= self._window_size:
            await self._deliver_violations(self._slide())
        known = [c for c in causes if (c.id if isinstance(c, Event) else c) in self._computation]
        self._stats["ignored_causes"] += len(causes) - len(known)
        self._computation.record(event, caused_by=known or None)
        self._stats["event_count"] += 1
        counts = self._stats["source_counts"]
        counts[source_name] = counts.get(source_name, 0) + 1
        for callback in list(self._event_callbacks):
            await self._call("event", callback, event, event)
        poset = self._computation.poset
        for watch in list(self._watches):
            for found in watch.matcher.feed(event, poset):
                self._stats["match_count"] += 1
                await self._call("watch", watch.callback, found, event)
        await self._deliver_violations(self._monitor.observe(event, self._computation), event)

    def _slide(self) -> list[ConstraintViolation]:
        """Drop the oldest quarter of the window; restart the matchers on the rest."""
        old = self._computation
        events = list(old)
        drop = max(1, self._window_size // 4)
        kept = events[drop:]
        kept_ids = {event.id for event in kept}
        window = Computation()
        # The kept events are a suffix of the recording order, so every cause
        # that is still relevant (a kept event's) is kept too, or was dropped.
        for event in kept:
            causes = [c for c in old.direct_causes(event) if c.id in kept_ids]
            window.record(event, caused_by=causes or None)
        self._computation = window
        self._stats["dropped_events"] += drop
        for watch in self._watches:
            watch.matcher = watch.pattern.matcher()
            watch.matcher.catch_up(window.poset)  # already reported: learn, not report
        return self._monitor.rebase(window)

    async def _deliver_violations(
        self, violations: list[ConstraintViolation], event: Event | None = None
    ) -> None:
        for violation in violations:
            self._stats["violation_count"] += 1
            for callback in list(self._violation_callbacks):
                await self._call("violation", callback, violation, event)

    async def _call(
        self, kind: str, callback: Callable[..., Any], argument: Any, event: Any
    ) -> None:
        try:
            result = callback(argument)
            if inspect.isawaitable(result):
                await result
        except BaseException as error:  # a failing callback is reported, never fatal
            if not contained(error) or _cancelled_here(error):
                raise  # the user's Ctrl-C, or this processor's own task being stopped
            self._record_error(kind, callback, error, event)

    def _record_error(self, kind: str, callback: Any, error: BaseException, event: Any) -> None:
        report = CallbackError(kind, callback, error, event)
        self.errors.append(report)
        self._stats["callback_errors"] += 1
        logger.warning("%s", report)

    def __repr__(self) -> str:
        state = "running" if self._running else "idle"
        events = counted(len(self._computation), "event")
        sizes = f"{counted(len(self._sources), 'source')}, {events}"
        return f"<StreamProcessor {state}, {sizes}>"


def _cancelled_here(error: BaseException) -> bool:
    """True when ``error`` is the cancellation of the running task itself, not one a
    callback raised of its own accord."""
    if not isinstance(error, asyncio.CancelledError):
        return False
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _check_callback(method: str, callback: Any) -> None:
    """Refuse, when it is registered, a callback that could not be called: found not
    callable only at the first event, it would fail the run there."""
    if not callable(callback):
        raise TypeError(f"{method} callback must be callable, got {brief_repr(callback)}")

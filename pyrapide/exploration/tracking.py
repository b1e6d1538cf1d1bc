"""What one schedule touched, recorded, delivered and broke, as the System reports it.

A :class:`Tracker` subscribes to a System once and is reset for each schedule. Between
two of an explorer's choices it gathers what the step touched (its *footprint*): the
components whose code ran, the pipes that queued or delivered something, and the clock
when it moved. Two steps whose footprints share nothing commute: taken in either order
they record the same poset, provided components share no state outside events (see
:mod:`pyrapide.exploration.search`). It also keeps each event's shape (name, source,
payload and the shapes of its causes, as :mod:`pyrapide.analysis.structure` defines
them), so that the poset's digest is ready when the schedule ends, and what the
coverage counts: the connections that delivered and the handlers that ran.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyrapide.analysis.structure import digest_of_events, event_shape
from pyrapide.architecture import ConnectionKind, Delivery
from pyrapide.runtime import (
    ConstraintViolated,
    DispatchFinished,
    DispatchQueued,
    DispatchStarted,
    EventRecorded,
    HandlerError,
    HandlerStarted,
    LimitReached,
    TaskResumed,
)

if TYPE_CHECKING:
    from pyrapide.constraints import ConstraintViolation
    from pyrapide.runtime import Choice, System

Resource = tuple[str, Any]
"""Something a step may touch: ``("component", name)``, ``("pipe", index)``, ``CLOCK``."""

Footprint = frozenset[Resource]

CLOCK: Resource = ("clock", None)
"""A step that moved the clock touches it; it depends on every other step (handlers may
read the time)."""

Identity = tuple[Any, ...]
"""A step told apart by what it does, not by ids: whether it resumes a task, the
component, the connection (or hook) and the shapes of the events it delivers."""

_FIFO = Delivery.FIFO


class Tracker:
    """Follows one System's notifications for an explorer (see the module docstring)."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.shapes: dict[str, str] = {}
        self.causes: dict[str, list[str]] = {}
        self.connections: set[int] = set()
        self.handlers: set[tuple[str, str]] = set()
        self.violations: list[ConstraintViolation] = []
        self.errors: list[HandlerError] = []
        self.limit: str | None = None
        self._touched: set[Resource] = set()
        kinds = {ConnectionKind.named(c.kind).delivery for c in system.description.connections}
        for kind, callback in (
            (EventRecorded, self._recorded),
            # Only a pipe's queue is shared by its emitters; only a call has a waiter.
            (DispatchQueued, self._queued if Delivery.FIFO in kinds else None),
            (DispatchStarted, self._started),
            (DispatchFinished, self._finished if Delivery.CALL in kinds else None),
            (TaskResumed, self._resumed),
            (HandlerStarted, self._handler),
            (ConstraintViolated, self._violated),
            (HandlerError, self._error),
            (LimitReached, self._limit),
        ):
            if callback is not None:
                system.subscribe(callback, [kind])

    def reset(self) -> None:
        """Forget the last schedule."""
        self.shapes = {}
        self.causes = {}
        self.connections = set()
        self.handlers = set()
        self.violations = []
        self.errors = []
        self.limit = None
        self._touched = set()

    # -- footprints -------------------------------------------------------------------

    def begin_step(self) -> float:
        """Start gathering a step's footprint; the clock's time now (to see it move)."""
        self._touched = set()
        return self.system.now

    def end_step(self, clock_before: float) -> Footprint:
        """The footprint gathered since :meth:`begin_step`."""
        if self.system.now != clock_before:
            self._touched.add(CLOCK)
        return frozenset(self._touched)

    def identity(self, choice: Choice) -> Identity:
        """What ``choice`` does, told apart by shapes rather than ids (stable when other
        choices before it change the ids)."""
        dispatch = choice.dispatch
        if dispatch is None:
            return (choice.resumes, choice.component, choice.hook, ())
        shapes = self.shapes
        delivered = tuple(shapes.get(event.id, event.id) for event in dispatch.match.events)
        return (choice.resumes, choice.component, dispatch.connection.index, delivered)

    # -- the digest -------------------------------------------------------------------

    def digest(self) -> str:
        """The digest of everything recorded so far (equal for equal posets, ids aside)."""
        return digest_of_events(self.shapes, self.causes)

    # -- notifications ----------------------------------------------------------------

    def _recorded(self, note: Any) -> None:
        shapes = self.shapes
        event = note.event
        causes = [cause.id for cause in note.causes]
        shapes[event.id] = event_shape(event, sorted(shapes[cause] for cause in causes))
        self.causes[event.id] = causes

    def _queued(self, note: Any) -> None:
        dispatch = note.dispatch
        if dispatch.kind.delivery is _FIFO:
            self._touched.add(("pipe", dispatch.connection.index))

    def _started(self, note: Any) -> None:
        dispatch = note.dispatch
        touched = self._touched
        touched.add(("component", dispatch.target))
        connection = dispatch.connection
        self.connections.add(connection.index)
        if dispatch.kind.delivery is _FIFO:
            touched.add(("pipe", connection.index))
        if dispatch.waiter is not None:
            # The emitter waiting on this call goes on when it ends: its code runs too.
            touched.add(("component", dispatch.waiter.component))

    def _finished(self, note: Any) -> None:
        waiter = note.dispatch.waiter
        if waiter is not None:
            self._touched.add(("component", waiter.component))

    def _resumed(self, note: Any) -> None:
        self._touched.add(("component", note.task.component))

    def _handler(self, note: Any) -> None:
        self.handlers.add((note.component, note.handler))
        self._touched.add(("component", note.component))

    def _violated(self, note: Any) -> None:
        self.violations.append(note.violation)

    def _error(self, note: Any) -> None:
        self.errors.append(note)

    def _limit(self, note: Any) -> None:
        if self.limit is None:
            self.limit = note.message

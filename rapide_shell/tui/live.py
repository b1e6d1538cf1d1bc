"""Gathers session notifications into batches, so the screen redraws once per frame.

A run can report thousands of notifications between two frames; the app appends each
to a :class:`NotificationBatch` (cheap, no drawing) and applies the batch when the
frame's one-shot timer fires. Nothing here imports Textual.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pyrapide.core.printable import message_of, printable
from pyrapide.runtime.notifications import (
    ConstraintCheckError,
    ConstraintGuardError,
    ConstraintViolated,
    DispatchFinished,
    DispatchQueued,
    DispatchStarted,
    EventRecorded,
    GuardError,
    HandlerError,
    LimitReached,
    StateChanged,
    SubscriberError,
    TaskResumed,
)
from rapide_shell import notices
from rapide_shell.explorations import EXPLORE_PLUGIN, failure_lines
from rapide_shell.looks import violation_text
from rapide_shell.render import shorten

SUMMARY_SHOWN = 10_000
"""At most this many characters of a problem's summary, cut with "…": the errors panel
wraps a summary whole at each redraw, and one quoting an error message of megabytes
took it seconds, the screen frozen meanwhile. The details keep the message whole."""


@dataclass(frozen=True)
class Problem:
    """One reported problem: a one-line ``summary`` (at most SUMMARY_SHOWN characters),
    the full ``details`` (a traceback, the violation's events), the id of the event
    involved and the command that goes to it, where there are some."""

    kind: str
    summary: str
    details: str = ""
    event_id: str | None = None
    command: str | None = None
    """The command selecting the problem runs, where it has one (a failure an
    exploration found: ``explore open N`` goes to it)."""
    failed: bool = False
    """Its event's delivery failed: a handler, or a connection's guard, raised on it (the
    event log marks the event). A constraint's guard that raised leaves it unmarked:
    the event was delivered; what failed was checking it."""

    def __post_init__(self) -> None:
        # Messages quote names, payloads and exceptions: shown printable in every panel.
        object.__setattr__(self, "summary", printable(shorten(self.summary, SUMMARY_SHOWN)))
        object.__setattr__(self, "details", printable(self.details, keep_newlines=True))


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def violation_problem(violation: Any) -> Problem:
    """The problem a constraint violation (``session.violations``) reports; its event is
    the last one involved."""
    events = getattr(violation, "events", ()) or ()
    return Problem(
        kind="violation",
        summary=violation_text(violation),
        details=violation_text(violation),
        event_id=events[-1].id if events else None,
    )


def session_problems(session: Any) -> list[Problem]:
    """The handler errors and constraint violations the session holds, the limits its
    start hooks reached and the plugins that failed as it started, in the order the
    events involved were recorded (those with no event, such as a ``must_match`` that
    never matched, last): what the problems panel lists after a redraw."""
    problems = [problem_from(error) for error in session.errors]
    problems += [violation_problem(violation) for violation in session.violations]
    problems += [
        problem_from(note)
        for note in session.hook_notes("start")
        if isinstance(
            note,
            (LimitReached, notices.PluginFailed, notices.PluginSlow, notices.StreamsPutBack),
        )
    ]
    known = [problem for problem in problems if problem is not None]
    poset = session.computation.poset
    last = len(poset)

    def position(problem: Problem) -> int:
        if problem.event_id is None or problem.event_id not in poset:
            return last
        return poset.seq(poset.get(problem.event_id))

    return sorted(known, key=position)


def explored_problems(session: Any) -> list[Problem]:
    """The failures the session's exploration found, numbered as ``explore`` lists them,
    each going to its failing step (``explore open N``): none before it has ended. They
    belong to the exploration, not to the run: they stand until another replaces it."""
    exploration = getattr(session.plugins.get_plugin(EXPLORE_PLUGIN), "exploration", None)
    if exploration is None:
        return []
    return [
        Problem(
            kind="explored",
            summary=failure.summary,
            details=failure.where,
            command=f"explore open {failure.number}",
        )
        for failure in failure_lines(exploration)
    ]


def problem_from(notification: Any) -> Problem | None:
    """The problem a notification reports (None for the notifications that are not one)."""
    if isinstance(notification, GuardError):
        connection, error, event = notification.connection, notification.error, notification.event
        on_event = f" on {event.name} ({event.id})" if event is not None else ""
        return Problem(
            kind="error",
            summary=(
                f"guard of connection [{connection.index}] raised {type(error).__name__}: "
                f"{message_of(error)}{on_event}; not delivered to {notification.component}"
            ),
            details=notification.traceback,
            event_id=event.id if event is not None else None,
            failed=True,
        )
    if isinstance(notification, ConstraintGuardError):
        error, event = notification.error, notification.event
        on_event = f" on {event.name} ({event.id})" if event is not None else ""
        return Problem(
            kind="error",
            summary=(
                f"guard of constraint {notification.constraint} raised {type(error).__name__}: "
                f"{message_of(error)}{on_event}; that match counted as none"
            ),
            details=notification.traceback,
            event_id=event.id if event is not None else None,
        )
    if isinstance(notification, ConstraintCheckError):
        error = notification.error
        return Problem(
            kind="error",
            summary=(
                f"check of constraint {notification.constraint} raised "
                f"{type(error).__name__}: {message_of(error)}; it found nothing"
            ),
            details=notification.traceback,
        )
    if isinstance(notification, HandlerError):
        event = notification.event
        if event is not None:
            where = f" handling {event.name} ({event.id})"
        else:
            where = f" in its {notification.hook} hook" if notification.hook else ""
        error = notification.error
        return Problem(
            kind="error",
            summary=(
                f"{notification.component} raised {type(error).__name__}: "
                f"{message_of(error)}{where}"
            ),
            details=notification.traceback,
            event_id=event.id if event is not None else None,
            failed=True,
        )
    if isinstance(notification, ConstraintViolated):
        return violation_problem(notification.violation)
    if isinstance(notification, LimitReached):
        return Problem(kind="limit", summary=notification.message, details=notification.message)
    if isinstance(notification, notices.PluginFailed):
        error = notification.error
        return Problem(
            kind="plugin",
            summary=f"plugin {notification.plugin!r} raised {type(error).__name__}: {error} "
            f"in {notification.hook}",
            details=notification.traceback,
        )
    if isinstance(notification, notices.PluginSlow):
        return Problem(kind="plugin", summary=notification.text, details=notification.text)
    if isinstance(notification, notices.StreamsPutBack):
        return Problem(kind="output", summary=notification.text, details=notification.text)
    if isinstance(notification, SubscriberError):
        return Problem(
            kind="observer",
            summary=_last_line(notification.traceback) or str(notification.error),
            details=notification.traceback,
        )
    return None


class Printed(NamedTuple):
    """What the architecture's code wrote to standard output (or, ``stderr``, error)."""

    text: str
    stderr: bool


@dataclass
class NotificationBatch:
    """What happened since the last redraw, summarised for the widgets."""

    events: list[Any] = field(default_factory=list)
    """Events recorded, in order."""
    problems: list[Problem] = field(default_factory=list)
    failed_event_ids: list[str] = field(default_factory=list)
    """Events whose delivery raised in a handler."""
    delivered: Counter[int] = field(default_factory=Counter)
    """Finished deliveries per connection index."""
    started: Counter[int] = field(default_factory=Counter)
    """Deliveries started per connection index (their handlers began)."""
    queued: Counter[int] = field(default_factory=Counter)
    """Deliveries queued per connection index (each leaves the queue as it starts)."""
    queue_changed: bool = False
    last_started: Any = None
    """The last dispatch that started (its connection is shown as active)."""
    watches_changed: bool = False
    breakpoints_changed: bool = False
    breakpoint_hits: list[notices.BreakpointHit] = field(default_factory=list)
    outcomes: list[Any] = field(default_factory=list)
    """Command outcomes (from CommandFinished) and what the architecture's code printed
    (:class:`Printed`), in order: what the output shows."""
    expectations: list[notices.ExpectationChecked] = field(default_factory=list)
    exploration: notices.ExplorationChanged | None = None
    """How the background exploration stands, when it moved on."""
    reset: str | None = None
    """Why the session was reset (everything must be redrawn), if it was."""
    state_changed: bool = False
    closed: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.events or self.problems or self.queue_changed or self.watches_changed
            or self.breakpoints_changed or self.breakpoint_hits or self.outcomes
            or self.expectations or self.reset or self.state_changed or self.closed
            or self.exploration is not None
        )

    def add(self, notification: Any) -> None:
        """Folds one notification into the batch."""
        if isinstance(notification, EventRecorded):
            # The commonest notification by far, and never a problem: done.
            self.events.append(notification.event)
            return
        if isinstance(notification, DispatchQueued):
            self.queue_changed = True
            index = getattr(notification.dispatch.connection, "index", None)
            if index is not None:
                self.queued[index] += 1
        elif isinstance(notification, DispatchStarted):
            self.queue_changed = True
            self.last_started = notification.dispatch
            index = getattr(notification.dispatch.connection, "index", None)
            if index is not None:
                self.started[index] += 1
        elif isinstance(notification, TaskResumed):
            self.queue_changed = True
        elif isinstance(notification, DispatchFinished):
            self.queue_changed = True
            index = getattr(notification.dispatch.connection, "index", None)
            if index is not None:
                self.delivered[index] += 1
        elif isinstance(notification, StateChanged):
            self.state_changed = True
        elif isinstance(notification, notices.WatchMatched | notices.WatchesChanged):
            self.watches_changed = True
        elif isinstance(notification, notices.BreakpointsChanged):
            self.breakpoints_changed = True
        elif isinstance(notification, notices.BreakpointHit):
            self.breakpoint_hits.append(notification)
        elif isinstance(notification, notices.CommandFinished):
            self.outcomes.append(notification.outcome)
            self.state_changed = True
        elif isinstance(notification, notices.ExpectationChecked):
            self.expectations.append(notification)
        elif isinstance(notification, notices.ExplorationChanged):
            self.exploration = notification
        elif isinstance(notification, notices.SessionReset):
            # Everything before the reset belongs to the old system: drop it (the
            # exploration runs apart from it).
            fresh = NotificationBatch(
                outcomes=self.outcomes, reset=notification.reason, exploration=self.exploration
            )
            self.__dict__.update(fresh.__dict__)
        elif isinstance(notification, notices.SessionClosed):
            self.closed = True
        elif isinstance(notification, notices.SessionNotice):
            self.state_changed = True  # e.g. a run started: the status line changes
        problem = problem_from(notification)
        if problem is not None:
            self.problems.append(problem)
            if problem.failed and problem.event_id is not None:
                self.failed_event_ids.append(problem.event_id)

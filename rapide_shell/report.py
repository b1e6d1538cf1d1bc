"""Summing up what the runtime reported while one command ran: events, dispatches, errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import RenderableType
from rich.text import Text

from rapide_shell import render

EVENTS_SHOWN = 30
"""A command's output lists at most this many of the events it recorded."""


@dataclass
class Activity:
    """The notifications of one command, sorted by what they say."""

    computation: Any
    show_events: bool = True
    events: list[Any] = field(default_factory=list)
    queued: list[Any] = field(default_factory=list)
    started: list[Any] = field(default_factory=list)
    problems: list[RenderableType] = field(default_factory=list)
    error_texts: list[str] = field(default_factory=list)

    def renderables(self) -> list[RenderableType]:
        """The events recorded (at most :data:`EVENTS_SHOWN`), then the problems."""
        output: list[RenderableType] = []
        if self.show_events and self.events:
            output.append(render.event_lines(self.events, self.computation, limit=EVENTS_SHOWN))
        output.extend(self.problems)
        return output


def activity(notifications: list[Any], computation: Any, *, show_events: bool = True) -> Activity:
    """Sort ``notifications`` (runtime and session ones, in order) into an :class:`Activity`."""
    report = Activity(computation, show_events)
    for notification in notifications:
        kind = type(notification).__name__
        if kind == "EventRecorded":
            report.events.append(notification.event)
        elif kind == "DispatchQueued":
            report.queued.append(notification.dispatch)
        elif kind == "DispatchStarted":
            report.started.append(notification.dispatch)
        elif kind == "HandlerError":
            text = _handler_error(notification)
            report.error_texts.append(text)
            report.problems.append(Text(text, style="bold red"))
        elif kind == "ConstraintViolated":
            text = f"constraint violated: {_violation(notification.violation)}"
            report.error_texts.append(text)
            report.problems.append(Text(text, style="bold red"))
        elif kind == "LimitReached":
            text = f"limit reached ({notification.limit}): {notification.message}"
            report.error_texts.append(text)
            report.problems.append(Text(text, style="bold yellow"))
    return report


def _handler_error(notification: Any) -> str:
    error = notification.error
    where = notification.component
    if notification.event is not None:
        where += f" handling {notification.event.id} {notification.event.name}"
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    name = type(error).__name__
    return f"error in {where}: {name}: {message}" if message else f"error in {where}: {name}"


def _violation(violation: Any) -> str:
    """``name: description (events e3, e7)`` for a ConstraintViolation."""
    name = violation.constraint_name
    description = violation.description
    ids = ", ".join(event.id for event in violation.matched_events)
    text = f"{name}"
    if description:
        text += f": {description}"
    if ids:
        text += f" (events {ids})"
    return text

"""Summing up what the runtime reported while one command ran: events, dispatches, errors."""

from __future__ import annotations

import functools
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.text import Text

import pyrapide
from pyrapide.core.interrupts import contained
from pyrapide.core.printable import message_of, printable
from pyrapide.runtime.handlers import handlers_told
from rapide_shell import render
from rapide_shell.looks import MESSAGE_SHOWN, violation_text
from rapide_shell.suggestions import close_matches

EVENTS_SHOWN = 30
"""A command's output lists at most this many of the events it recorded."""

PROBLEMS_SHOWN = 30
"""The problems a step or run shows at most, the first (what goes wrong first often
makes the rest); the others are counted on one line. Every one stays in the outcome's
data (``rapide run --json``), as every handler error stays in ``System.errors``."""

RESUMED_SHOWN = 8
"""A run's output names at most this many of the tasks in flight it resumed, each once
with how many times (a ticker's ``start`` that sleeps between ticks is resumed at every
tick); one more word counts the rest."""

UNHANDLED_SHOWN = 10
"""A command's output has a line for at most this many kinds of delivery no handler
took (an event name to a target); one more line counts the rest."""


@dataclass
class Activity:
    """What the runtime reported while one command ran, summed up as it arrives.

    Given to ``Session.capture``, it takes each notification in turn (``append``)
    and keeps what a command's output shows, not the notifications: the ids of the
    events recorded (the computation holds the events themselves; read as each event
    arrives, an id costs next to nothing, where reading a million of them off the
    events as a long run ends held the workbench up), how many dispatches started,
    and, only with ``keep_dispatches``, the dispatches queued and started and the
    steps themselves (``step`` and ``inject`` show them; a ``run`` of a million
    deliveries would keep a million of each).
    """

    computation: Any
    show_events: bool = True
    keep_dispatches: bool = True
    event_ids: list[str] = field(default_factory=list)
    queued: list[Any] = field(default_factory=list)
    started: list[Any] = field(default_factory=list)
    started_count: int = 0
    steps: list[Any] = field(default_factory=list)
    """The DispatchStarted and TaskResumed notifications, in order (``keep_dispatches``)."""
    resumed: list[str] = field(default_factory=list)
    """The labels of the tasks in flight a step resumed, one a step (``keep_dispatches``)."""
    resumed_times: dict[str, int] = field(default_factory=dict)
    """Label -> how many steps resumed that task in flight, in the order of the first."""
    problems: list[RenderableType] = field(default_factory=list)
    error_texts: list[str] = field(default_factory=list)
    guard_errors: int = 0
    """How many of the problems are a connection's guard that raised (GuardError)."""
    unhandled: dict[tuple[str, str], Unhandled] = field(default_factory=dict)
    """(target, event name) -> the deliveries of such events to it that no handler took."""

    def append(self, notification: Any) -> None:
        """Take one notification (runtime or session) into the summary."""
        kind = type(notification).__name__
        if kind == "EventRecorded":
            self.event_ids.append(notification.event.id)
        elif kind == "DispatchQueued":
            if self.keep_dispatches:
                self.queued.append(notification.dispatch)
        elif kind == "DispatchStarted":
            self.started_count += 1
            if self.keep_dispatches:
                self.started.append(notification.dispatch)
                self.steps.append(notification)
        elif kind == "TaskResumed":
            label = notification.task.label
            self.resumed_times[label] = self.resumed_times.get(label, 0) + 1
            if self.keep_dispatches:
                self.resumed.append(label)
                self.steps.append(notification)
        elif kind == "DeliveryUnhandled":
            dispatch = notification.dispatch
            key = (str(dispatch.target), dispatch.event.name)
            seen = self.unhandled.get(key)
            if seen is None:
                self.unhandled[key] = Unhandled(dispatch, notification.handlers)
            else:
                seen.count += 1
        elif kind in ("HandlerError", "GuardError", "ConstraintGuardError", "ConstraintCheckError"):
            self.guard_errors += kind == "GuardError"
            self.add_problem(error_line(notification))
        elif kind == "ConstraintViolated":
            self.add_problem(_violation_line(notification.violation))
        elif kind == "PluginFailed":
            text = f"error in plugin {notification.plugin!r} ({notification.hook})"
            self.add_problem(
                _placed(f"{text}: {error_text(notification.error)}", notification.traceback)
            )
        elif kind in ("StreamsPutBack", "ProcessPutBack", "WatchStopped", "PluginSlow"):
            self.add_problem(notification.text, "bold yellow")
        elif kind == "LimitReached":
            self.add_problem(
                f"limit reached ({notification.limit}): {notification.message}", "bold yellow"
            )

    def resumed_text(self) -> str:
        """``resumed #8, start of clock (200 times)``: each task resumed named once, at
        most :data:`RESUMED_SHOWN` of them, not one name a step (a run of a ticker that
        sleeps between ticks is thousands of wake-ups of the same task)."""
        times = list(self.resumed_times.items())
        named = [
            label if count == 1 else f"{label} ({render.counted(count, 'time', grouped=True)})"
            for label, count in times[:RESUMED_SHOWN]
        ]
        rest = times[RESUMED_SHOWN:]
        if rest:
            named.append(f"and {render.counted(len(rest), 'other task', grouped=True)}")
        return "resumed " + ", ".join(named)

    def add_problem(self, text: str, style: str = "bold red") -> None:
        """Record one problem: its plain ``text`` and the line shown for it."""
        self.error_texts.append(text)
        self.problems.append(render.note(text, style=style))

    def problems_under(self, heading: str) -> list[RenderableType]:
        """``heading`` and the problems under it; nothing when there are none."""
        if not self.problems:
            return []
        return [render.note(heading, style="bold"), *self.shown_problems()]

    def shown_problems(self) -> list[RenderableType]:
        """The first :data:`PROBLEMS_SHOWN` problems, then a line counting the rest: a
        storm of handler errors (one a delivery) is not a screen of lines a delivery."""
        shown = self.problems[:PROBLEMS_SHOWN]
        rest = len(self.problems) - len(shown)
        if rest:
            more = render.counted(rest, "more problem", grouped=True)
            shown.append(Text(f"… and {more} after these", style="dim"))
        return shown

    def renderables(self) -> list[RenderableType]:
        """The events recorded (at most :data:`EVENTS_SHOWN`, the last), then the problems."""
        output: list[RenderableType] = []
        ids = self.event_ids
        if self.show_events and ids:
            get = self.computation.get
            shown = [get(event_id) for event_id in ids[-EVENTS_SHOWN:]]
            output.append(
                render.event_lines(shown, self.computation, earlier=len(ids) - len(shown))
            )
        output.extend(self.shown_problems())
        kinds = list(self.unhandled.values())
        output.extend(unhandled.text() for unhandled in kinds[:UNHANDLED_SHOWN])
        rest = kinds[UNHANDLED_SHOWN:]
        if rest:
            more = render.counted(
                sum(unhandled.count for unhandled in rest), "more delivery", "more deliveries",
                grouped=True,
            )
            kinds_more = render.counted(len(rest), "other kind", grouped=True)
            output.append(
                Text(
                    f"and {more} that no handler took, {kinds_more} (an event name to a "
                    "target); `whynot` with an event's id tells more",
                    style="dim",
                )
            )
        return output


@dataclass
class Unhandled:
    """Deliveries of one event name to one target that none of its ``@when`` handlers
    took (DeliveryUnhandled): the first of them, the handlers, how many."""

    first: Any
    handlers: tuple[str, ...]
    count: int = 1

    def text(self) -> Text:
        """``#1 Source.item -> a: no handler of a took it (StageModule.on handles ...);
        `whynot e1` tells more``, the later ones counted."""
        first = self.first
        target = printable(str(first.target))
        more = self.count - 1
        them = "them" if more else "it"
        told = handlers_told(self.handlers)
        line = Text("", style="dim").append_text(render.dispatch_text(first))
        if more:
            line.append(f" and {render.counted(more, 'more delivery', 'more deliveries')}")
        line.append(f": no handler of {target} took {them} ({printable(told)}); ")
        line.append(f"`whynot {printable(first.event.id)}` tells more")
        return line


def standing_problems(errors: list[Any], violations: list[Any], computation: Any) -> list[str]:
    """What a run holds that went wrong, each in the line its step said it in as it
    happened: its handler and guard errors (notifications) and its constraint
    violations, in the order of the events involved (those with none last)."""
    poset = computation.poset
    last = len(poset)

    def position(event: Any) -> int:
        return poset.seq(event) if event is not None and event in poset else last

    found = [(position(error.event), error_line(error)) for error in errors]
    for violation in violations:
        events = getattr(violation, "events", ()) or ()
        found.append((position(events[-1] if events else None), _violation_line(violation)))
    return [text for _, text in sorted(found, key=lambda item: item[0])]


def _violation_line(violation: Any) -> str:
    return f"constraint violated: {violation_text(violation)}"


def error_line(notification: Any) -> str:
    """The line of a HandlerError, a GuardError, a ConstraintGuardError or a
    ConstraintCheckError notification."""
    kind = type(notification).__name__
    if kind == "GuardError":
        return _guard_error(notification)
    if kind == "ConstraintGuardError":
        return _constraint_guard_error(notification)
    if kind == "ConstraintCheckError":
        return _constraint_check_error(notification)
    return _handler_error(notification)


def _handler_error(notification: Any) -> str:
    where = notification.component
    if notification.event is not None:
        where += f" handling {notification.event.id} {notification.event.name}"
    elif notification.hook is not None:
        where = f"the {notification.hook} hook of {where}"
    text = _placed(f"error in {where}: {error_text(notification.error)}", notification.traceback)
    return text + _field_hint(notification.error, notification.event)


def _field_hint(error: BaseException, event: Any) -> str:
    """``; e1 Panel.request has no field 'flor': did you mean 'floor'?`` when a handler
    raised ``KeyError: 'flor'`` and the event it was handling has a field of a name close
    to it: most likely ``match.payload["flor"]``, misspelt."""
    if event is None or type(error) is not KeyError or len(error.args) != 1:
        return ""
    key = error.args[0]
    payload = getattr(event, "payload", None)
    if not isinstance(key, str) or not isinstance(payload, dict) or key in payload:
        return ""
    close = close_matches(key, [name for name in payload if isinstance(name, str)], limit=2)
    if not close:
        return ""
    meant = " or ".join(printable(repr(name)) for name in close)
    named = render.shorten(printable(repr(key)), MESSAGE_SHOWN)
    return f"; {event.id} {printable(event.name)} has no field {named}: did you mean {meant}?"


def _guard_error(notification: Any) -> str:
    connection, event = notification.connection, notification.event
    text = (
        f"error in the guard of connection #{connection.index} ({connection.kind} "
        f"{connection.pattern}) on {event.id} {event.name}: {error_text(notification.error)}; "
        f"not delivered to {notification.component}"
    )
    return _placed(text, notification.traceback)


def _constraint_guard_error(notification: Any) -> str:
    event = notification.event
    text = (
        f"error in the guard of constraint {notification.constraint} on {event.id} "
        f"{event.name}: {error_text(notification.error)}; that match counted as none"
    )
    return _placed(text, notification.traceback)


def _constraint_check_error(notification: Any) -> str:
    text = (
        f"error in the check of constraint {notification.constraint}: "
        f"{error_text(notification.error)}; it found nothing"
    )
    return _placed(text, notification.traceback)


class Drawn:
    """``renderable`` drawn where a front end draws it later (the TUI's log), or the one
    line :func:`undrawn_line` if it raises as it is measured or drawn (a plugin's): the
    front end goes on, where the error would have ended it."""

    def __init__(self, renderable: RenderableType, command: str) -> None:
        self.renderable = renderable
        self.command = command

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        try:
            segments = list(console.render(self.renderable, options))
        except BaseException as error:
            if not contained(error):
                raise  # the user's Ctrl-C
            yield undrawn_line(self.command, error)
            return
        yield from segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        try:
            return Measurement.get(console, options, self.renderable)
        except BaseException as error:
            if not contained(error):
                raise
            return Measurement.get(console, options, undrawn_line(self.command, error))


def undrawn_line(command: str, error: BaseException) -> Text:
    """``error: sketch's output could not be drawn: ValueError: ... (at plugin.py:9 in
    __rich_console__)``: what is shown of a renderable that raised as it was drawn."""
    text = f"error: {command or 'the command'}'s output could not be drawn: "
    told = _placed(text + error_text(error), "".join(traceback.format_exception(error)))
    return Text(printable(told), style="bold red")


def print_output(console: Console, command: str, output: Iterable[RenderableType]) -> None:
    """Print a command's ``output`` on ``console``, each renderable whole (``crop=False``:
    a :class:`~rapide_shell.render.WholeLine` stays whole). One that raises as it is drawn
    (a plugin's) is told in one line naming ``command``, and the rest are still printed:
    the session, and what it recorded, go on."""
    for renderable in output:
        console.print(Drawn(renderable, command), crop=False)



def error_text(error: BaseException) -> str:
    """``KeyError: 'sku'``: an error's type and the first line of its message, if any,
    cut to :data:`MESSAGE_SHOWN` characters (a message of megabytes would fill the
    terminal; the traceback kept with a handler's error holds it whole)."""
    message = first_line(message_of(error))
    if isinstance(error, BaseExceptionGroup):
        # "unhandled errors in a TaskGroup (1 sub-exception)" says nothing of what
        # failed: the first few are named after it (a group among them, by its own
        # line only: a group nesting groups would be named without end).
        inner = [_group_part(part) for part in error.exceptions[:GROUP_SHOWN]]
        more = len(error.exceptions) - len(inner)
        message += ": " + "; ".join(inner) + (f"; and {more} more" if more > 0 else "")
    return _named(error, render.shorten(message, MESSAGE_SHOWN))


def _named(error: BaseException, message: str) -> str:
    """``KeyError: 'sku'``: ``error``'s type, and ``message`` after it if there is one."""
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


GROUP_SHOWN = 3
"""How many of an exception group's errors its line names."""


def _group_part(error: BaseException) -> str:
    """One error of an exception group, as :func:`error_text` says it, a group only by
    its own message."""
    if isinstance(error, BaseExceptionGroup):
        return _named(error, first_line(message_of(error)))
    return error_text(error)


def first_line(text: str) -> str:
    """The first line of ``text``, stripped: up to the first line feed only (a message
    may hold ``\\x85`` or ``\\u2028``, which ``str.splitlines`` also breaks at)."""
    return text.strip().split("\n", 1)[0].strip()


def _placed(text: str, traceback_text: str) -> str:
    """``text (at shop.py:77 in on_order)`` when the traceback reaches the user's code."""
    place = raised_at(traceback_text)
    return f"{text} (at {place})" if place else text


# A frame's line, also as an exception group's traceback writes it, behind its "| ".
_FRAME = re.compile(
    r'^[ \t|+]*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<function>\S+)', re.M
)


@functools.cache
def _not_the_users() -> tuple[Path, ...]:
    """The folders of Python's library, the installed packages, pyrapide and the
    workbench itself (whose guards raise in the user's stead, as ``os._exit`` refused
    does), worked out when a traceback is first read: sysconfig is not imported by
    every start."""
    import sysconfig

    return tuple(
        Path(directory).resolve()
        for directory in {
            *(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")),
            str(Path(pyrapide.__file__).parent),
            str(Path(__file__).parent),
        }
    )


@functools.cache
def _lessons() -> Path:
    """The lessons' folder, resolved. Installed, it is inside the workbench's package
    (among the installed packages), yet a lesson's architecture is code the user runs
    and reads, as their own file is. The lessons' module is imported with the first
    error placed, not with every session."""
    from rapide_shell.lessons import lessons_directory

    return lessons_directory().resolve()


def _is_users_code(path: Path) -> bool:
    """Whether the file at ``path`` (resolved) is the user's code: a lesson's, or any
    file outside Python's library, the installed packages, pyrapide and the workbench."""
    return path.is_relative_to(_lessons()) or not any(
        path.is_relative_to(directory) for directory in _not_the_users()
    )


def raised_at(traceback_text: str) -> str | None:
    """``shop.py:77 in on_order``: the deepest frame of ``traceback_text`` in the user's
    own code (see :func:`_is_users_code`), if there is one."""
    for frame in reversed(list(_FRAME.finditer(traceback_text or ""))):
        file = frame["file"]
        if file.startswith("<"):
            continue
        path = Path(file).resolve()
        if _is_users_code(path):
            return f"{path.name}:{frame['line']} in {frame['function']}"
    return None

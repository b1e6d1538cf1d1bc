"""What a running System reports to its subscribers, one frozen record per happening.

Every notification carries ``seq``, its position in the system's report stream:
subscribers see notifications in ``seq`` order, and one subscriber's ``seq``
values can be compared with another's. A notification is only built when some
subscriber asked for its kind, so a system nobody watches pays nothing for it.
Notifications are built with keywords only (``EventRecorded(seq=1, event=e, causes=())``),
so that a type checker sees every field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyrapide.architecture import Connection
    from pyrapide.constraints import ConstraintViolation
    from pyrapide.core import Event
    from pyrapide.patterns import PatternMatch
    from pyrapide.runtime.dispatch import Dispatch
    from pyrapide.runtime.running import RunState
    from pyrapide.runtime.tasks import InFlight


@dataclass(frozen=True, slots=True, kw_only=True)
class Notification:
    """Base of every notification: ``seq`` orders the report stream of one system."""

    seq: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRecorded(Notification):
    """An event entered the computation (emitted by a module, or injected)."""

    event: Event
    causes: tuple[Event, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchQueued(Notification):
    """A connection matched and a delivery to its target now waits to run."""

    dispatch: Dispatch


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchStarted(Notification):
    """The target's handlers began to run for this delivery."""

    dispatch: Dispatch


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchFinished(Notification):
    """The delivery is handled: its handlers returned (or raised) and, for their
    ``connect`` emits, every nested delivery finished too."""

    dispatch: Dispatch


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryUnhandled(Notification):
    """A delivery reached its target and none of the target's ``@when`` handlers took
    it: each handler's pattern asks for other events than the match delivered (a
    composite pattern, ``A || B``, asks for more than one delivery brings). Published as
    the delivery starts, before its DispatchFinished; nothing is an error, and what the
    event caused ends there. ``handlers`` describes the target's handlers, each as
    ``Module.method handles PATTERN`` (empty when its module has none)."""

    dispatch: Dispatch
    handlers: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class HandlerStarted(Notification):
    """One handler of a module began to run: a ``@when`` handler for a delivery
    (``dispatch``), or a start or finish hook (``dispatch`` None). ``component`` is
    whose code it is and ``handler`` its method's name (``on_request``, ``start``);
    a connection to a plain function names the function."""

    component: str
    handler: str
    dispatch: Dispatch | None


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskResumed(Notification):
    """A step resumed a task in flight: a sleeper whose time came (or that was
    chosen), or a task woken by an outside future. ``task`` is how it stood just
    before (its ``dispatch``, or the hook it runs; ``reason`` why it waited)."""

    task: InFlight


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class HandlerError(Notification):
    """A handler (or a start/finish hook) raised; the run went on without it.

    ``component`` is the component whose code raised, ``event`` the event being
    handled (None for hooks), ``dispatch`` the delivery (None for hooks), ``hook``
    the hook that raised ("start" or "finish"; None for a handler), ``error`` the
    exception and ``traceback`` its formatted text. ``error`` may be any
    BaseException the code raised (SystemExit, KeyboardInterrupt, GeneratorExit,
    asyncio.CancelledError, a HandlerTimeout): the run contains all of them but the
    user's own Ctrl-C (see :mod:`pyrapide.core.interrupts`).
    """

    component: str
    event: Event | None
    dispatch: Dispatch | None
    error: BaseException
    traceback: str
    hook: str | None = None

    def __repr__(self) -> str:
        # Written by hand, for this class and those below it (repr=False): the error
        # is the user's, whose __repr__ may raise, and printing system.errors raised
        # that in its turn.
        shown = ", ".join(
            f"{field.name}={_safe_repr(getattr(self, field.name))}" for field in fields(self)
        )
        return f"{type(self).__name__}({shown})"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class GuardError(HandlerError):
    """A guard (``.where``) raised while an event was matched: in a connection's
    pattern as the event was routed, or in a ``@when`` pattern of the component
    the connection delivered it to.

    The guard counted as a non-match, so ``component`` (the connection's target)
    was not sent ``event``, or its handler did not run for it; ``connection`` is
    the connection and ``dispatch`` is None. A HandlerError like the others
    (``system.errors`` keeps it, and subscribing to HandlerError receives it),
    since the code that raised is the user's.
    """

    connection: Connection


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ConstraintGuardError(HandlerError):
    """A guard (``.where``) in a pattern of one of the architecture's constraints raised
    while ``event`` was checked against it.

    The guard counted as a non-match, so the constraint (``constraint``, its name) may
    hold where it would not, or fail where it would hold: a ``never`` whose guard
    raises reports nothing. ``match`` is the match the guard was asked about. A
    HandlerError like the others (``system.errors`` keeps it, ``run(raise_errors=True)``
    raises it), since the code that raised is the user's; ``component`` is "" (a
    constraint is the architecture's, no component's) and ``dispatch`` None.
    """

    constraint: str
    match: PatternMatch


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ConstraintCheckError(HandlerError):
    """The ``check`` of one of the architecture's constraints, written by hand, raised
    (or returned no list of violations) when the system asked what stands: at the
    stop of a run, or when a front end asks (``outstanding_violations``).

    That constraint (``constraint``, its name) found nothing then. Told once for the
    events recorded so far, however often it is asked. A HandlerError like the others
    (``system.errors`` keeps it, ``run(raise_errors=True)`` raises it), since the code
    that raised is the user's; ``component`` is "" (a constraint is the
    architecture's, no component's), ``event`` and ``dispatch`` None, and
    ``traceback`` starts in the constraint's code.
    """

    constraint: str


FRAMES_KEPT = 100
"""How many of a system's handler and guard errors keep their exception's traceback
whole: the frames it ran in and their variables, what a debugger's post-mortem reads.
Every later one keeps its traceback as text (``HandlerError.traceback``) only: a
handler failing at each delivery of a storm held 5,000 bytes a delivery with every
error's frames, 1,700 so (``benchmarks/bench_error_storm.py``, the events included).
The text is as long as the stack the error went through: raised 40 calls below the
handler, 16,000 bytes a delivery (``--depth 40``)."""


def keep_error(errors: list[HandlerError], note: HandlerError) -> None:
    """Add ``note`` to a system's ``errors``: past :data:`FRAMES_KEPT` of them, what its
    exception's traceback holds alive (and those of the exceptions it was raised from or
    while handling) is let go, its text written out already."""
    errors.append(note)
    if len(errors) > FRAMES_KEPT:
        seen: set[int] = set()
        error: BaseException | None = note.error
        while error is not None and id(error) not in seen:
            seen.add(id(error))
            error.__traceback__ = None
            error = error.__cause__ or error.__context__


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstraintViolated(Notification):
    """One of the architecture's constraints was violated by the events so far."""

    violation: ConstraintViolation


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitReached(Notification):
    """A bound stopped runaway work: ``limit`` is "max_events", "connect_depth"
    or "timeout" (a handler that overran ``handler_timeout`` is a HandlerError);
    ``message`` says what was cut short. Nothing recorded is lost."""

    limit: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StateChanged(Notification):
    """The system's state changed (a RunState: "idle", "running", "paused", "quiet"
    or "stopped")."""

    state: RunState


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriberError(Notification):
    """A subscriber callback raised; it was unsubscribed and the run went on."""

    callback: Callable[[Notification], Any]
    error: BaseException
    traceback: str


NOTIFICATION_KINDS: dict[str, type[Notification]] = {
    cls.__name__: cls
    for cls in (
        EventRecorded,
        DispatchQueued,
        DispatchStarted,
        DispatchFinished,
        DeliveryUnhandled,
        HandlerStarted,
        TaskResumed,
        HandlerError,
        GuardError,
        ConstraintGuardError,
        ConstraintCheckError,
        ConstraintViolated,
        LimitReached,
        StateChanged,
        SubscriberError,
    )
}


def _safe_repr(value: Any) -> str:
    """``repr(value)``, or what it is when its own ``__repr__`` raises (a class of the
    user's may): ``<Unreadable, whose repr raised>``."""
    try:
        return repr(value)
    except Exception:
        return f"<{type(value).__name__}, whose repr raised>"

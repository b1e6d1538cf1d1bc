"""What a session reports to its front ends beyond the runtime's own notifications.

A :class:`~rapide_shell.session.Session` listener receives, in order, every
notification of the runtime (``pyrapide.runtime.notifications``: ``EventRecorded``,
``DispatchQueued``, ``DispatchStarted``, ``DispatchFinished``, ``HandlerError``,
``ConstraintViolated``, ``LimitReached``, ``StateChanged``, ...) and these session
notices, which say what the session made of them. Notices are frozen dataclasses
built with keywords only (``RunEnded(stopped_by=None)``), so a type checker sees every
field; none holds a UI object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyrapide.core import Event
    from pyrapide.exploration import Progress
    from pyrapide.patterns import PatternMatch
    from rapide_shell.outcome import CommandOutcome


@dataclass(frozen=True, kw_only=True)
class SessionNotice:
    """Base of every session notice."""


@dataclass(frozen=True, kw_only=True)
class WatchMatched(SessionNotice):
    """Watch ``watch_id`` found new matches; ``count`` is its total so far."""

    watch_id: int
    pattern_text: str
    count: int
    new_matches: tuple[PatternMatch, ...]
    """The new ``PatternMatch`` objects, in the order they were found."""


@dataclass(frozen=True, kw_only=True)
class WatchStopped(SessionNotice):
    """A watch or a breakpoint (``kind``) stopped following the run: its pattern matches
    too many ways (see :data:`pyrapide.patterns.MATCH_LIMIT`); ``reason`` says so."""

    kind: str
    id: int
    reason: str

    @property
    def text(self) -> str:
        return f"{self.kind} {self.id} stopped: {self.reason}"


@dataclass(frozen=True, kw_only=True)
class WatchesChanged(SessionNotice):
    """A watch was added or removed (redraw the watch list from ``session.watches``)."""


@dataclass(frozen=True, kw_only=True)
class BreakpointsChanged(SessionNotice):
    """A breakpoint was added or removed (redraw from ``session.breakpoints``)."""


@dataclass(frozen=True, kw_only=True)
class BreakpointHit(SessionNotice):
    """Breakpoint ``break_id`` matched ``event``; the run pauses after the current dispatch."""

    break_id: int
    pattern_text: str
    event: Event
    match: PatternMatch


@dataclass(frozen=True, kw_only=True)
class RunStarted(SessionNotice):
    """A ``run`` (or ``continue``) began: the system runs until quiet, a breakpoint or pause."""


@dataclass(frozen=True, kw_only=True)
class RunEnded(SessionNotice):
    """A run ended; ``stopped_by`` is the breakpoint hit that stopped it, if one did."""

    stopped_by: BreakpointHit | None


@dataclass(frozen=True, kw_only=True)
class ExpectationChecked(SessionNotice):
    """An ``expect`` was evaluated: ``held`` tells whether ``seen`` met ``expected``."""

    pattern_text: str
    expected: str
    """What was required: "at least 1 match", "exactly 3 matches" or "no match"."""
    seen: int
    """The number of matches found."""
    held: bool
    line: str


@dataclass(frozen=True, kw_only=True)
class SessionReset(SessionNotice):
    """The session's system (or computation) was replaced: redraw everything.

    ``reason`` is "reset", "seed", "reload", "load" (a saved computation is now shown,
    read-only) or "travel" (the run was taken to another point of its history).
    """

    reason: str


@dataclass(frozen=True, kw_only=True)
class CommandFinished(SessionNotice):
    """A command line finished; ``outcome`` is what :meth:`Session.execute` returned."""

    outcome: CommandOutcome


@dataclass(frozen=True, kw_only=True)
class SessionClosed(SessionNotice):
    """The session stopped its system (``quit`` or :meth:`Session.close`)."""


@dataclass(frozen=True, kw_only=True)
class ExplorationChanged(SessionNotice):
    """The background exploration (``explore``) moved on: ``progress`` is how it stands
    (a :class:`pyrapide.exploration.Progress`); ``ended`` is True once it has finished,
    failed or been stopped (its answer is then the ``exploration`` of the front end's
    :class:`rapide_shell.explorations.ExploreCommands`)."""

    progress: Progress
    ended: bool = False


@dataclass(frozen=True, kw_only=True)
class StreamsPutBack(SessionNotice):
    """The architecture's code, in a start or finish hook, broke ``sys.stdout`` or
    ``sys.stderr`` (``what``: ``closed sys.stdout``); it was put back."""

    what: str

    @property
    def text(self) -> str:
        return f"the architecture's code {self.what}: put back, so that output goes on"


@dataclass(frozen=True, kw_only=True)
class ProcessPutBack(StreamsPutBack):
    """The architecture's code changed the handler of a signal the workbench hears
    Ctrl-C or ``kill`` by (``what``: ``ignored SIGINT: put back, so that Ctrl-C still
    reaches the workbench``), or the working directory; it was put back."""

    @property
    def text(self) -> str:
        return f"the architecture's code {self.what}"


@dataclass(frozen=True, kw_only=True)
class PluginSlow(SessionNotice):
    """Plugin ``plugin``'s ``hook`` (or its loading) took ``seconds``, long enough for
    the user to wonder why the workbench waited: it is said, but nothing failed."""

    plugin: str
    hook: str
    seconds: float

    @property
    def text(self) -> str:
        return (
            f"plugin {self.plugin!r} ({self.hook}) took {self.seconds:.1f} s: "
            "the session waited for it"
        )


@dataclass(frozen=True, kw_only=True)
class PluginFailed(SessionNotice):
    """Plugin ``plugin``'s implementation of ``hook`` raised ``error`` (any exception
    but the user's Ctrl-C); the session went on without it. ``traceback`` is its text."""

    plugin: str
    hook: str
    error: BaseException
    traceback: str

"""Watches and breakpoints: patterns matched incrementally as a session's events are recorded.

A :class:`Watchlist` holds both kinds, numbers them, and keeps each one's matcher
fed: it subscribes to the running System's ``EventRecorded`` notifications, so
that a watch counts live and a breakpoint is a subscriber that pauses the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyrapide.patterns import MATCH_LIMIT, Matcher, TooManyMatches
from pyrapide.patterns.engine import match_all
from pyrapide.patterns.join import too_many_to_follow
from pyrapide.runtime import EventRecorded, Notification
from rapide_shell import notices
from rapide_shell.render import pattern_shown

if TYPE_CHECKING:
    from pyrapide.core import Computation, Event, Poset
    from pyrapide.patterns import Pattern, PatternMatch
    from pyrapide.runtime import System


def too_many(pattern_text: str) -> str:
    """Why matching ``pattern_text`` stopped, and what to do."""
    why = f"more than {MATCH_LIMIT:,} matches of its parts joined together"
    return too_many_to_follow(pattern_shown(pattern_text), why)


@dataclass
class Watch:
    """A pattern whose matches are counted live. ``matches`` grows as events arrive."""

    id: int
    pattern_text: str
    pattern: Pattern
    matches: list[PatternMatch] = field(default_factory=list)
    stopped: str | None = None
    """Why it no longer follows the run (see :data:`MATCH_LIMIT`); None while it does."""
    _matcher: Matcher | None = field(default=None, repr=False)

    @property
    def count(self) -> int:
        """How many matches so far."""
        return len(self.matches)

    def prime(self, computation: Computation) -> None:
        """Start over on ``computation``: its matches so far, and a matcher that has seen it."""
        self._matcher, existing, self.stopped = prime(self.pattern, self.pattern_text, computation)
        self.matches[:] = existing

    def feed(self, event: Event, poset: Poset) -> list[PatternMatch]:
        """The new matches ``event`` completes (kept in ``matches`` too)."""
        found = follow(self, event, poset)
        self.matches.extend(found)
        return found


@dataclass
class Breakpoint:
    """A pattern that pauses a run when an event completes a match of it."""

    id: int
    pattern_text: str
    pattern: Pattern
    hits: int = 0
    """How many times it stopped a run."""
    stopped: str | None = None
    """Why it no longer follows the run (see :data:`MATCH_LIMIT`); None while it does."""
    _matcher: Matcher | None = field(default=None, repr=False)

    def prime(self, computation: Computation) -> None:
        """Start over on ``computation``, with a matcher that has seen it; no hits yet."""
        self._matcher, _, self.stopped = prime(
            self.pattern, self.pattern_text, computation, existing=False
        )

    def feed(self, event: Event, poset: Poset) -> list[PatternMatch]:
        """The new matches ``event`` completes."""
        return follow(self, event, poset)


class Watchlist:
    """A session's watches and breakpoints, numbered from 1, fed as events are recorded.

    ``notify`` delivers the notices it makes (WatchMatched, WatchesChanged, ...);
    ``on_hit`` is called when a breakpoint matches and says whether that stopped a
    run (the session pauses the system then, and counts the hit).
    """

    def __init__(
        self,
        notify: Callable[[Any], None],
        on_hit: Callable[[notices.BreakpointHit], bool],
    ) -> None:
        self.watches: list[Watch] = []
        self.breakpoints: list[Breakpoint] = []
        self._notify = notify
        self._on_hit = on_hit
        self._next_watch_id = 1
        self._next_break_id = 1
        self._unsubscribe: Callable[[], None] | None = None
        self._system: System | None = None

    # -- following a system ---------------------------------------------------------

    def follow(self, system: System | None, computation: Computation) -> None:
        """Start over on ``computation``, fed from now on by ``system``'s events (None:
        a saved computation, which nothing feeds). Counts and hits start again."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._system = system
        for watch in self.watches:
            watch.prime(computation)
            self._tell_stopped("watch", watch)
        for breakpoint_ in self.breakpoints:
            breakpoint_.hits = 0
            breakpoint_.prime(computation)
            self._tell_stopped("breakpoint", breakpoint_)
        if system is not None:
            self._unsubscribe = system.subscribe(self._on_event, kinds=[EventRecorded])

    def _on_event(self, note: Notification) -> None:
        if not (self.watches or self.breakpoints) or self._system is None:
            return
        assert isinstance(note, EventRecorded)  # the only kind subscribed to
        event = note.event
        poset = self._system.computation.poset
        for watch in self.watches:
            if watch.stopped is not None:
                continue
            found = watch.feed(event, poset)
            self._tell_stopped("watch", watch)
            if found:
                self._notify(
                    notices.WatchMatched(
                        watch_id=watch.id,
                        pattern_text=watch.pattern_text,
                        count=watch.count,
                        new_matches=tuple(found),
                    )
                )
        for breakpoint_ in self.breakpoints:
            if breakpoint_.stopped is not None:
                continue
            found = breakpoint_.feed(event, poset)
            self._tell_stopped("breakpoint", breakpoint_)
            if not found:
                continue
            hit = notices.BreakpointHit(
                break_id=breakpoint_.id,
                pattern_text=breakpoint_.pattern_text,
                event=event,
                match=found[0],
            )
            if self._on_hit(hit):
                breakpoint_.hits += 1
                self._notify(hit)

    def _tell_stopped(self, kind: str, followed: Watch | Breakpoint) -> None:
        """Say that ``followed``, just primed or fed, stopped following the run, if it did."""
        if followed.stopped is not None:
            self._notify(notices.WatchStopped(kind=kind, id=followed.id, reason=followed.stopped))
            self._notify(
                notices.WatchesChanged() if kind == "watch" else notices.BreakpointsChanged()
            )

    # -- the lists ------------------------------------------------------------------

    def add_watch(self, pattern: Pattern, pattern_text: str, computation: Computation) -> Watch:
        """A new watch of ``pattern``, its matches in ``computation`` already counted;
        ValueError, adding none, when it matches too many ways to follow."""
        watch = Watch(self._next_watch_id, pattern_text, pattern)
        watch.prime(computation)
        if watch.stopped is not None:
            raise ValueError(watch.stopped)
        self._next_watch_id += 1
        self.watches.append(watch)
        self._notify(notices.WatchesChanged())
        return watch

    def add_breakpoint(
        self, pattern: Pattern, pattern_text: str, computation: Computation
    ) -> Breakpoint:
        """A new breakpoint on ``pattern``, its matcher past ``computation``; ValueError,
        adding none, when it matches too many ways to follow."""
        breakpoint_ = Breakpoint(self._next_break_id, pattern_text, pattern)
        breakpoint_.prime(computation)
        if breakpoint_.stopped is not None:
            raise ValueError(breakpoint_.stopped)
        self._next_break_id += 1
        self.breakpoints.append(breakpoint_)
        self._notify(notices.BreakpointsChanged())
        return breakpoint_

    def find_watch(self, watch_id: int) -> Watch | None:
        """The watch numbered ``watch_id``, if there is one."""
        return next((w for w in self.watches if w.id == watch_id), None)

    def remove_watch(self, watch: Watch) -> None:
        """Stop and forget ``watch``."""
        self.watches.remove(watch)
        self._notify(notices.WatchesChanged())

    def find_breakpoint(self, break_id: int) -> Breakpoint | None:
        """The breakpoint numbered ``break_id``, if there is one."""
        return next((b for b in self.breakpoints if b.id == break_id), None)

    def remove_breakpoint(self, breakpoint_: Breakpoint) -> None:
        """Forget ``breakpoint_``."""
        self.breakpoints.remove(breakpoint_)
        self._notify(notices.BreakpointsChanged())


def count_matches(pattern: Pattern, pattern_text: str, computation: Computation) -> int:
    """How many matches ``pattern`` has in ``computation``; ValueError saying why past
    :data:`MATCH_LIMIT`. A guard that raises is not warned of (see :func:`prime`)."""
    try:
        return len(
            match_all(pattern, computation.poset, warn_guard_errors=False, limit=MATCH_LIMIT)
        )
    except TooManyMatches:
        raise ValueError(too_many(pattern_text)) from None


def prime(
    pattern: Pattern, pattern_text: str, computation: Computation, *, existing: bool = True
) -> tuple[Matcher | None, list[PatternMatch], str | None]:
    """A fresh matcher for ``pattern`` that has seen ``computation``, the matches so far
    (with ``existing``) and None; or, past :data:`MATCH_LIMIT`, None, no matches and why.

    The matches already present come from matching over the whole poset (the
    authoritative answer, ``pattern.match_in``'s). The matcher is then fed the recorded
    events in order, so that later events can complete composite matches that began
    earlier; what it reports while catching up is already among those matches and is
    dropped. A guard that raises is not warned of: the commands say it in their own
    words (see ``guard_errors`` of each guard of ``pattern``).
    """
    matcher = Matcher(pattern, warn_guard_errors=False, limit=MATCH_LIMIT)
    poset = computation.poset
    try:
        found = (
            match_all(pattern, poset, warn_guard_errors=False, limit=MATCH_LIMIT)
            if existing and len(poset)
            else []
        )
        for event in poset:
            matcher.feed(event, poset)
    except TooManyMatches:
        return None, [], too_many(pattern_text)
    return matcher, found, None


def follow(followed: Watch | Breakpoint, event: Event, poset: Poset) -> list[PatternMatch]:
    """The new matches of ``followed``'s pattern that ``event`` (already recorded in
    ``poset``) completes; none once it stopped, or as it stops past :data:`MATCH_LIMIT`
    (its matcher dropped, ``stopped`` saying why)."""
    matcher = followed._matcher
    if matcher is None:
        return []
    try:
        return list(matcher.feed(event, poset))
    except TooManyMatches:
        followed._matcher, followed.stopped = None, too_many(followed.pattern_text)
        return []

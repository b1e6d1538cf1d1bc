"""Watches and breakpoints: patterns matched incrementally as a session's events are recorded.

A :class:`Watchlist` holds both kinds, numbers them, and keeps each one's matcher
fed: it subscribes to the running System's ``EventRecorded`` notifications, so
that a watch counts live and a breakpoint is a subscriber that pauses the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyrapide.patterns.engine import match_all
from pyrapide.runtime import EventRecorded, Notification
from rapide_shell import notices

if TYPE_CHECKING:
    from pyrapide.core import Computation, Event, Poset
    from pyrapide.patterns import Pattern, PatternMatch
    from pyrapide.patterns.engine import Matcher
    from pyrapide.runtime import System


@dataclass
class Watch:
    """A pattern whose matches are counted live. ``matches`` grows as events arrive."""

    id: int
    pattern_text: str
    pattern: Pattern
    matches: list[PatternMatch] = field(default_factory=list)
    _matcher: Matcher | None = field(default=None, repr=False)

    @property
    def count(self) -> int:
        """How many matches so far."""
        return len(self.matches)

    def prime(self, computation: Computation) -> None:
        """Start over on ``computation``: its matches so far, and a matcher that has seen it."""
        self._matcher, existing = prime(self.pattern, computation)
        self.matches[:] = existing

    def feed(self, event: Event, poset: Poset) -> list[PatternMatch]:
        """The new matches ``event`` completes (kept in ``matches`` too)."""
        found = feed(self._matcher, event, poset) if self._matcher is not None else []
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
    _matcher: Matcher | None = field(default=None, repr=False)

    def prime(self, computation: Computation) -> None:
        """Start over on ``computation``, with a matcher that has seen it; no hits yet."""
        self._matcher, _ = prime(self.pattern, computation)

    def feed(self, event: Event, poset: Poset) -> list[PatternMatch]:
        """The new matches ``event`` completes."""
        return feed(self._matcher, event, poset) if self._matcher is not None else []


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
        for breakpoint_ in self.breakpoints:
            breakpoint_.hits = 0
            breakpoint_.prime(computation)
        if system is not None:
            self._unsubscribe = system.subscribe(self._on_event, kinds=[EventRecorded])

    def _on_event(self, note: Notification) -> None:
        if not (self.watches or self.breakpoints) or self._system is None:
            return
        assert isinstance(note, EventRecorded)  # the only kind subscribed to
        event = note.event
        poset = self._system.computation.poset
        for watch in self.watches:
            found = watch.feed(event, poset)
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
            found = breakpoint_.feed(event, poset)
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

    # -- the lists ------------------------------------------------------------------

    def add_watch(self, pattern: Pattern, pattern_text: str, computation: Computation) -> Watch:
        """A new watch of ``pattern``, its matches in ``computation`` already counted."""
        watch = Watch(self._next_watch_id, pattern_text, pattern)
        self._next_watch_id += 1
        watch.prime(computation)
        self.watches.append(watch)
        self._notify(notices.WatchesChanged())
        return watch

    def add_breakpoint(
        self, pattern: Pattern, pattern_text: str, computation: Computation
    ) -> Breakpoint:
        """A new breakpoint on ``pattern``, its matcher past ``computation``."""
        breakpoint_ = Breakpoint(self._next_break_id, pattern_text, pattern)
        self._next_break_id += 1
        breakpoint_.prime(computation)
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


def prime(pattern: Pattern, computation: Computation) -> tuple[Matcher, list[PatternMatch]]:
    """A fresh matcher for ``pattern`` that has seen ``computation``, and the matches so far.

    The matches already present come from matching over the whole poset (the
    authoritative answer, ``pattern.match_in``'s). The matcher is then fed the recorded
    events in order, so that later events can complete composite matches that began
    earlier; what it reports while catching up is already among those matches and is
    dropped. A guard that raises is not warned of: the commands say it in their own
    words (see ``guard_errors`` of each guard of ``pattern``).
    """
    matcher = pattern.matcher(warn_guard_errors=False)
    poset = computation.poset
    existing = match_all(pattern, poset, warn_guard_errors=False) if len(poset) else []
    for event in poset:
        matcher.feed(event, poset)
    return matcher, existing


def feed(matcher: Matcher, event: Event, poset: Poset) -> list[PatternMatch]:
    """The new matches that ``event`` (already recorded in ``poset``) completes."""
    return list(matcher.feed(event, poset))

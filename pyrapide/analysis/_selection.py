"""Which events a bounded view shows, in what order, and how it says it truncated."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from pyrapide.core import Event, Poset
from pyrapide.core.printable import counted


@dataclass(frozen=True)
class Selection:
    """The events a view draws, laid out in causal order.

    ``events`` are the shown events, each after its shown causes. The other lists are
    aligned with it: ``causes[i]`` holds every direct cause of ``events[i]`` (shown or
    not), ``depth[i]`` the length of the longest chain of shown events ending there.
    ``links`` are (cause, effect) positions in ``events``. In a bridged view a link
    also joins two events when the cause preceded the effect through events the view
    leaves out only (those its filter left out, or those beyond its bound that a link
    added late made causes of shown ones); those links are in ``indirect`` too.
    ``eligible`` counts the events the view could have shown (after its filters),
    ``size`` the events in the computation.
    """

    events: list[Event]
    causes: list[tuple[Event, ...]]
    depth: list[int]
    links: list[tuple[int, int]]
    indirect: frozenset[tuple[int, int]]
    eligible: int
    size: int
    filtered: bool
    max_events: int | None

    @property
    def truncated(self) -> bool:
        """True when the bound left some eligible events out."""
        return len(self.events) < self.eligible

    def note(self) -> str | None:
        """A plain sentence saying what was left out, or None when nothing was."""
        if not self.truncated:
            return None
        what = counted(self.eligible, "matching event" if self.filtered else "event")
        return f"showing {len(self.events)} of {what} (max_events={self.max_events})"


def select(
    poset: Poset,
    max_events: int | None,
    keep: Callable[[Event], bool] | None = None,
    *,
    bridge: bool = False,
) -> Selection:
    """Pick the first ``max_events`` events (recording order) that ``keep`` accepts;
    with ``bridge``, link two of them ordered through left-out events only (the
    drawings, which must not show what was ordered as independent).

    Without a filter only the shown events are visited, so a small view of a huge
    computation stays cheap; each shown event's causes are asked for once. (A shown
    event has a cause left out by the bound only when a link added late points back
    to it from an event recorded after: that one is walked from.)
    """
    if keep is None:
        eligible = len(poset)
        chosen = list(poset) if max_events is None else list(islice(poset, max_events))
    else:
        eligible = 0
        chosen = []
        for event in poset:
            if keep(event):
                eligible += 1
                if max_events is None or len(chosen) < max_events:
                    chosen.append(event)
    # Positions stand for events from here on: ids hash fast, events do not.
    position = {event.id: index for index, event in enumerate(chosen)}
    all_causes = [poset.direct_causes(event) for event in chosen]
    shown_causes = [[position[c.id] for c in causes if c.id in position] for causes in all_causes]
    indirect: set[tuple[int, int]] = set()
    if bridge:
        # Two shown events one of which preceded the other through events left out
        # would look independent without a link: they get one, marked indirect.
        nearest = _NearestKept(poset, lambda event: event.id in position)
        for index, direct in enumerate(all_causes):
            for left_out in direct:
                if left_out.id in position:
                    continue
                for above in nearest.above(left_out):
                    linked = position[above.id]
                    if linked not in shown_causes[index]:
                        shown_causes[index].append(linked)
                        indirect.add((linked, index))
    order = _causal_order(shown_causes)
    if order is not None:  # renumber so that positions follow the causal order
        renumber = {old: new for new, old in enumerate(order)}
        chosen = [chosen[old] for old in order]
        all_causes = [all_causes[old] for old in order]
        shown_causes = [[renumber[c] for c in shown_causes[old]] for old in order]
        indirect = {(renumber[cause], renumber[effect]) for cause, effect in indirect}
    depth: list[int] = []
    links: list[tuple[int, int]] = []
    for index, causes in enumerate(shown_causes):
        level = 0
        for cause in causes:
            links.append((cause, index))
            if depth[cause] >= level:
                level = depth[cause] + 1
        depth.append(level)
    return Selection(
        events=chosen,
        causes=all_causes,
        depth=depth,
        links=links,
        indirect=frozenset(indirect),
        eligible=eligible,
        size=len(poset),
        filtered=keep is not None,
        max_events=max_events,
    )


def _causal_order(causes: list[list[int]]) -> list[int] | None:
    """A stable causal order of positions 0..n-1, or None when 0..n-1 already is one.

    Recording order is causal unless a link was added between recorded events pointing
    backwards; only then is a topological sort needed (earliest recorded first).
    """
    if all(c < index for index, group in enumerate(causes) for c in group):
        return None
    effects: list[list[int]] = [[] for _ in causes]
    waiting = [len(group) for group in causes]
    for index, group in enumerate(causes):
        for c in group:
            effects[c].append(index)
    ready = [index for index, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for effect in effects[index]:
            waiting[effect] -= 1
            if waiting[effect] == 0:
                heapq.heappush(ready, effect)
    return order


class _NearestKept:
    """The kept (shown) events nearest above a left-out event on every path into it,
    found by walking up through left-out events only, each walked once for all
    questions."""

    def __init__(self, poset: Poset, keep: Callable[[Event], bool]) -> None:
        self._poset = poset
        self._keep = keep
        self._found: dict[str, tuple[Event, ...]] = {}

    def above(self, left_out: Event) -> tuple[Event, ...]:
        found, keep, poset = self._found, self._keep, self._poset
        # Iteratively, after the causes: a long run of left-out events is no recursion.
        stack = [(left_out, False)]
        while stack:
            event, ready = stack.pop()
            if event.id in found:
                continue
            causes = poset.direct_causes(event)
            if not ready:
                stack.append((event, True))
                stack += [(c, False) for c in causes if not keep(c) and c.id not in found]
                continue
            nearest: dict[str, Event] = {}
            for cause in causes:
                if keep(cause):
                    nearest[cause.id] = cause
                else:
                    nearest.update((e.id, e) for e in found[cause.id])
            found[event.id] = tuple(nearest.values())
        return found[left_out.id]

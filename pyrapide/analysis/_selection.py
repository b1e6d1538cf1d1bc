"""Which events a bounded view shows, in what order, and how it says it truncated."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from pyrapide.core import Event, Poset


@dataclass(frozen=True)
class Selection:
    """The events a view draws, laid out in causal order.

    ``events`` are the shown events, each after its causes; ``depth`` is the length of the
    longest chain of shown events ending at each one; ``links`` are the (cause, effect)
    pairs among shown events. ``eligible`` counts the events the view could have shown
    (after its filters), ``size`` the events in the computation.
    """

    events: list[Event]
    depth: dict[Event, int]
    links: list[tuple[Event, Event]]
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
        what = f"{self.eligible} matching events" if self.filtered else f"{self.eligible} events"
        return f"showing {len(self.events)} of {what} (max_events={self.max_events})"


def select(
    poset: Poset, max_events: int | None, keep: Callable[[Event], bool] | None = None
) -> Selection:
    """Pick the first ``max_events`` events (recording order) that ``keep`` accepts.

    Without a filter, only the shown events are visited, so a small view of a huge
    computation stays cheap.
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
    ordered = _causal_order(poset, chosen)
    members = set(ordered)
    depth: dict[Event, int] = {}
    links: list[tuple[Event, Event]] = []
    for event in ordered:
        level = 0
        for cause in poset.causes(event):
            if cause in members:
                links.append((cause, event))
                level = max(level, depth[cause] + 1)
        depth[event] = level
    return Selection(
        events=ordered,
        depth=depth,
        links=links,
        eligible=eligible,
        size=len(poset),
        filtered=keep is not None,
        max_events=max_events,
    )


def _causal_order(poset: Poset, chosen: list[Event]) -> list[Event]:
    """Order ``chosen`` so each event follows its chosen causes, keeping recording order.

    Recording order already is causal unless a link was added between recorded events
    pointing backwards; only then is a stable topological sort needed.
    """
    members = set(chosen)
    placed: set[Event] = set()
    for event in chosen:
        if any(cause in members and cause not in placed for cause in poset.causes(event)):
            break
        placed.add(event)
    else:
        return chosen
    rank = {event: index for index, event in enumerate(chosen)}
    waiting = {
        event: sum(1 for cause in poset.causes(event) if cause in members) for event in chosen
    }
    ready = [rank[event] for event in chosen if waiting[event] == 0]
    heapq.heapify(ready)
    ordered = []
    while ready:
        event = chosen[heapq.heappop(ready)]
        ordered.append(event)
        for effect in poset.effects(event):
            if effect in members:
                waiting[effect] -= 1
                if waiting[effect] == 0:
                    heapq.heappush(ready, rank[effect])
    return ordered

"""Every schedule of a scenario by brute force, through the System's own stepping API.

At each point of each ``run`` every step ``System.choices()`` offers is taken in turn,
each schedule replayed from the start: no sleep set, no shard, nothing of the explorer.
Each schedule ends as the runner ends one (the System stopped), and is kept as its
poset's digest, the poset itself as a plain graph (for an exact comparison that does
not trust the digest), whether a ``Tally.crossed`` was recorded, and how many steps
were not the seed's own (forced).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pyrapide.analysis.structure import digest
from pyrapide.core import Poset
from pyrapide.exploration import Inject, Run, Scenario, Timing
from pyrapide.runtime import Choice, System

Graph = tuple[tuple[tuple[str, str, str], ...], tuple[frozenset[int], ...]]
"""A poset as labels (name, source, payload) and the direct causes of each, in a
topological order."""


@dataclass(frozen=True)
class Schedule:
    """One schedule brute force took: its ``targets``, and what it recorded."""

    targets: tuple[int | str, ...]
    digest: str
    graph: Graph
    crossed: bool
    forced: int


async def every_schedule(
    factory: Callable[[], System], scenario: Scenario, timing: Timing = Timing.FREE
) -> list[Schedule]:
    """Every schedule of ``scenario`` on the Systems of ``factory``."""
    system = factory()
    found: list[Schedule] = []
    waiting: list[tuple[int | str, ...]] = [()]
    while waiting:
        prefix = waiting.pop()
        system.reset(scenario.seed)
        await system.start()
        targets = iter(prefix)
        forced = 0
        more: list[Choice] | None = None
        for step in scenario.steps:
            if isinstance(step, Inject):
                system.inject(step.name, step.payload)
            elif isinstance(step, Run):
                while more is None and (choices := _timely(system, timing)):
                    target = next(targets, None)
                    if target is None:
                        more = choices
                        break
                    taken = next(choice for choice in choices if choice.target == target)
                    forced += not taken.default
                    await system.step(target)
            if more is not None:
                break
        await system.stop()
        if more is not None:
            waiting.extend((*prefix, choice.target) for choice in more)
            continue
        poset = system.computation.poset
        crossed = bool(system.computation.events_by_name("Tally.crossed"))
        found.append(Schedule(prefix, digest(poset), graph(poset), crossed, forced))
    return found


def _timely(system: System, timing: Timing) -> list[Choice]:
    """The choices now, as ``timing`` allows them (wake-ups in time order when logical)."""
    choices = system.choices()
    if timing is Timing.LOGICAL and choices:
        now = system.now
        due = [c for c in choices if c.wake_at is None or c.wake_at <= now]
        if not due:
            earliest = min(c.wake_at for c in choices if c.wake_at is not None)
            due = [c for c in choices if c.wake_at == earliest]
        choices = due
    return choices


def graph(poset: Poset) -> Graph:
    """``poset`` as a plain graph (see :data:`Graph`)."""
    events = poset.topological_order()
    index = {event.id: number for number, event in enumerate(events)}
    labels = tuple(
        (event.name, event.source or "", json.dumps(event.payload, sort_keys=True, default=str))
        for event in events
    )
    causes = tuple(
        frozenset(index[cause.id] for cause in poset.direct_causes(event)) for event in events
    )
    return labels, causes


def isomorphic(first: Graph, second: Graph) -> bool:
    """Whether the two posets are the same, ids aside: a bijection of their events that
    keeps each label and each direct cause (found by backtracking: small posets only)."""
    labels, causes = first
    other_labels, other_causes = second
    if sorted(labels) != sorted(other_labels):
        return False
    size = len(labels)
    effects = [sum(number in c for c in causes) for number in range(size)]
    other_effects = [sum(number in c for c in other_causes) for number in range(size)]
    mapped: dict[int, int] = {}
    used: set[int] = set()

    def candidates(number: int) -> Iterator[int]:
        for other in range(size):
            if (
                other not in used
                and other_labels[other] == labels[number]
                and other_effects[other] == effects[number]
                and other_causes[other] == {mapped[cause] for cause in causes[number]}
            ):
                yield other

    def extend(number: int) -> bool:
        # In topological order, every cause of ``number`` is mapped already.
        if number == size:
            return True
        for other in candidates(number):
            mapped[number] = other
            used.add(other)
            if extend(number + 1):
                return True
            del mapped[number]
            used.discard(other)
        return False

    return extend(0)

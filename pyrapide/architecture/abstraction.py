"""The abstract computation a map derives: one event per rule match, caused as the matches are.

Causality. A match's *history* is every event at or before one of its
events. Abstract event `a` causes abstract event `b` when the history of
`a`'s match lies strictly inside the history of `b`'s: everything that made
`a` happened before (or in) what made `b`. This is a strict partial order
(strict inclusion of sets), so the abstract computation is a poset; only
its direct causes (the closest ones) are recorded.

How it is computed, in one pass over the detailed events in recording order
(a linear extension of their causal order):

- a match is completed by its last event `p`, which is one of its *tops*
  (its maximal events); the history of a match is the history of its tops;
- for a one-top abstract event (the usual case: `P`, `P >> Q`), the earlier
  abstract events it follows are exactly those whose history lies inside the
  history of `p`'s causes. `frontier[p]` keeps, for every detailed event,
  the latest one-top abstract events at or before it (the maximal ones), so
  these are found from the direct causes of `p` without searching;
- an abstract event with several tops (from `|`, `&` or `+`) is compared
  with the later ones directly, tops against tops; while one of its tops has
  no effects, only with those whose match holds that top;
- the candidates are then reduced to the closest ones through the abstract
  poset built so far.

Cost: a constant amount of work per detailed event and per causal link, plus,
per abstract event, comparisons with the abstract events concurrent with it
(the width of the abstract order) and with every earlier abstract event that
has several tops, each of which has effects (quadratic in their number).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pyrapide.core import Computation, Event, Poset
from pyrapide.patterns import PatternMatch

__all__ = ["Derivation"]

MakeEvent = Callable[[int, PatternMatch, str], Event]
"""Builds the abstract event of a rule's match: (rule index, match, abstract id) -> Event."""


class Derivation:
    """Feeds detailed events to the rules' matchers and records the abstract events they make.

    `patterns` are the rules' patterns, in rule order; `make_event` builds
    each abstract event. After `feed` has seen every detailed event (in
    recording order), `abstract` holds the abstract computation and `origins`
    maps each abstract event id to (rule index, match).
    """

    def __init__(self, patterns: Sequence[Any], make_event: MakeEvent) -> None:
        self._matchers = [(index, p.matcher(), p.event_names()) for index, p in enumerate(patterns)]
        self._make_event = make_event
        self.abstract = Computation()
        self.origins: dict[str, tuple[int, PatternMatch]] = {}
        self._tops: dict[str, tuple[Event, ...]] = {}  # abstract id -> tops of its match
        self._frontier: dict[str, tuple[Event, ...]] = {}  # detailed id -> latest one-tops
        # Abstract events whose match has several tops. A top with no effects can
        # precede nothing but itself, so while one of its tops has none, such an
        # event can only cause an abstract event whose match holds that very top:
        # it waits under that top's id, and is compared with those alone.
        self._waiting: dict[str, list[Event]] = {}
        self._several_tops: list[Event] = []  # those with effects below every top

    def run(self, detailed: Any) -> Derivation:
        """Feed every event of `detailed` (a Computation or Poset); return self.

        A poset whose recording order is not causal (a link added later from a
        later event to an earlier one) is fed in causal order, from a copy.
        """
        poset = getattr(detailed, "poset", detailed)
        if not isinstance(poset, Poset):
            raise TypeError(
                f"a map runs over a Computation or a Poset, got {type(detailed).__name__}"
            )
        order = poset.topological_order()
        if any(a is not b for a, b in zip(order, poset, strict=True)):
            poset = _recorded_in(order, poset)
        for event in poset:
            self.feed(event, poset)
        return self

    def feed(self, event: Event, poset: Poset) -> list[Event]:
        """Take the next detailed event (already in `poset`); return the abstract events it made."""
        for cause in poset.direct_causes(event):
            for waiting in self._waiting.pop(cause.id, ()):
                self._file(waiting, poset)
        batch: list[tuple[int, PatternMatch]] = []
        for index, matcher, names in self._matchers:
            if names is None or event.name in names:
                batch.extend((index, found) for found in matcher.feed(event, poset))
        below = self._strictly_below(event, poset)
        if not batch:
            self._frontier[event.id] = below
            return []
        made = self._record_batch(event, batch, below, poset)
        one_tops = tuple(e for e in made if len(self._tops[e.id]) == 1)
        self._frontier[event.id] = one_tops or below
        return made

    def _strictly_below(self, event: Event, poset: Poset) -> tuple[Event, ...]:
        """The latest one-top abstract events strictly before `event`."""
        causes = poset.direct_causes(event)
        if len(causes) == 1:
            return self._frontier[causes[0].id]
        return self._closest(e for cause in causes for e in self._frontier[cause.id])

    def _record_batch(
        self,
        completing: Event,
        batch: list[tuple[int, PatternMatch]],
        below: tuple[Event, ...],
        poset: Poset,
    ) -> list[Event]:
        tops = [_tops(found.events, poset) for _, found in batch]
        # Matches completed by the same event may still be ordered (one's history
        # inside the other's); record them in that order.
        before = {
            i: [j for j in range(len(batch)) if j != i and _precedes(tops[j], tops[i], poset)]
            for i in range(len(batch))
        }
        made: dict[int, Event] = {}
        for i in _in_order(before):
            index, found = batch[i]
            candidates = list(below)
            for top in tops[i]:
                if top is not completing:  # its frontier includes what was made at it
                    candidates.extend(self._frontier[top.id])
            several = [*self._several_tops]
            for top in tops[i]:
                several.extend(self._waiting.get(top.id, ()))
            candidates.extend(
                a for a in several if _precedes(self._tops[a.id], tops[i], poset)
            )
            candidates.extend(made[j] for j in before[i])
            event = self._make_event(index, found, f"a{len(self.abstract) + 1}")
            self.abstract.record(event, caused_by=self._closest(candidates) or None)
            self.origins[event.id] = (index, found)
            self._tops[event.id] = tops[i]
            if len(tops[i]) > 1:
                self._file(event, poset)
            made[i] = event
        return [made[i] for i in range(len(batch))]

    def _file(self, abstract_event: Event, poset: Poset) -> None:
        """Keep a several-top abstract event under a top with no effects, else with the rest."""
        for top in self._tops[abstract_event.id]:
            if not poset.direct_effects(top):
                self._waiting.setdefault(top.id, []).append(abstract_event)
                return
        self._several_tops.append(abstract_event)

    def _closest(self, candidates: Iterable[Event]) -> tuple[Event, ...]:
        """The candidates that no other candidate follows (each once, in recording order)."""
        unique = list(dict.fromkeys(candidates))
        if len(unique) < 2:
            return tuple(unique)
        poset = self.abstract.poset
        kept = [
            a for a in unique if not any(b is not a and poset.is_ancestor(a, b) for b in unique)
        ]
        kept.sort(key=poset.seq)
        return tuple(kept)


def _recorded_in(order: list[Event], poset: Poset) -> Poset:
    """A copy of `poset` whose recording order is `order` (a causal order)."""
    copy = Poset()
    for event in order:
        copy.add(event, poset.direct_causes(event))
    return copy


def _tops(events: Sequence[Event], poset: Poset) -> tuple[Event, ...]:
    """The maximal events of a match (`events` in recording order)."""
    if len(events) == 1:
        return (events[0],)
    return tuple(
        e
        for i, e in enumerate(events)
        if not any(poset.is_ancestor(e, later) for later in events[i + 1 :])
    )


def _precedes(earlier: tuple[Event, ...], later: tuple[Event, ...], poset: Poset) -> bool:
    """Whether the history of tops `earlier` lies strictly inside that of tops `later`."""
    if set(earlier) == set(later):
        return False
    return all(any(t is u or poset.is_ancestor(t, u) for u in later) for t in earlier)


def _in_order(before: dict[int, list[int]]) -> list[int]:
    """The indexes ordered so that each comes after those in `before[i]` (stable)."""
    done: list[int] = []
    placed: set[int] = set()
    while len(done) < len(before):
        for i in sorted(before):
            if i not in placed and all(j in placed for j in before[i]):
                done.append(i)
                placed.add(i)
                break
    return done

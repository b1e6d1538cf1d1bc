"""Property tests: the short cuts of the search for a chain a new event may extend change
no placement. With and without the memo by which a new event knows that no chain near it
can be extended (``CausalOrder._tailless``), and beside a plain breadth-first search that
tests every ancestor it visits, every recording decomposes into the same chains."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.core import Event, Poset
from pyrapide.core._ordering import (
    _TAIL_SEARCH_BUDGET,
    _TAIL_SEARCH_LEVELS,
    CausalOrder,
    listed,
)


@st.composite
def recordings(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Events added one by one, each caused by a few of those before it (often the ones
    just before, as a run's are), with now and then a link between two recorded events
    or a chain kept for its source (as a pipe's answer is)."""
    steps: list[tuple[Any, ...]] = []
    count = 0
    for _ in range(draw(st.integers(min_value=1, max_value=60))):
        kind = draw(st.sampled_from(["add"] * 8 + ["link", "keep"]))
        if kind == "add" or count < 2:
            near = st.integers(min_value=max(0, count - 6), max_value=max(0, count - 1))
            anywhere = st.integers(min_value=0, max_value=max(0, count - 1))
            causes = draw(st.lists(st.one_of(near, anywhere), max_size=3)) if count else []
            name = draw(st.sampled_from(["A", "B", "C"]))
            steps.append(("add", sorted(set(causes)), name, f"s{draw(st.integers(0, 2))}"))
            count += 1
        elif kind == "link":
            cause = draw(st.integers(min_value=0, max_value=count - 2))
            effect = draw(st.integers(min_value=cause + 1, max_value=count - 1))
            steps.append(("link", cause, effect))
        else:
            steps.append(("keep", draw(st.integers(min_value=0, max_value=count - 1))))
    return steps


def placements(steps: list[tuple[Any, ...]]) -> list[list[int]]:
    """Record ``steps`` and return the chains the order made of them, each as a list."""
    poset = Poset()
    events: list[Event] = []
    for step in steps:
        if step[0] == "add":
            _, causes, name, source = step
            event = Event(name, {}, source=source, id=f"ev{len(events)}")
            poset.add(event, caused_by=[events[c] for c in causes])
            events.append(event)
        elif step[0] == "link":
            poset.add_causal_link(events[step[1]], events[step[2]])
        else:
            poset._order.keep(step[1])
    return [list(chain) for chain in poset._order.chains]


@settings(max_examples=150, deadline=None)
@given(recordings())
def test_the_short_cut_places_every_event_where_the_search_does(
    steps: list[tuple[Any, ...]],
) -> None:
    with_short_cut = placements(steps)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CausalOrder, "_tailless", lambda self, x, levels, budget: -1)
        assert placements(steps) == with_short_cut


def plain_search(order: CausalOrder, p: int, causes: list[int]) -> int:
    """``CausalOrder._nearest_tail_chain`` as its docstring says it, without a short cut:
    the ancestors level by level, each one tested, within the same bounds."""
    name = order.events[p].name
    budget, levels, nearest = _TAIL_SEARCH_BUDGET, _TAIL_SEARCH_LEVELS, -1
    frontier, seen = list(causes), set(causes)
    while frontier and budget > 0 and levels > 0:
        levels -= 1
        following = []
        for x in frontier:
            for y in listed(order.causes[x]):
                if y in seen:
                    continue
                seen.add(y)
                chain = order.chain[y]
                if order.chains[chain][-1] == y and order._may_extend(p, y):
                    if order.events[y].name == name:
                        return chain
                    if nearest < 0:
                        nearest = chain
                following.append(y)
                budget -= 1
        frontier = following
    return nearest


@settings(max_examples=150, deadline=None)
@given(recordings())
def test_the_search_finds_what_a_plain_search_finds(steps: list[tuple[Any, ...]]) -> None:
    searched = placements(steps)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CausalOrder, "_nearest_tail_chain", plain_search)
        assert placements(steps) == searched


def test_an_agent_delivery_deep_in_a_merging_chain_knows_at_once() -> None:
    """The case it is for: a stage whose events each follow its own last one and one of a
    producer's (a pipe fed by calls, say), and deliveries of its events, deep in its
    chain, that look for a chain to extend and find none; the events near them find that
    out without looking again."""
    poset = Poset()
    producer: list[Event] = []
    stage: list[Event] = []
    for i in range(40):
        made = Event("Tick", {}, source="producer", id=f"t{i}")
        poset.add(made, caused_by=producer[-1:])
        producer.append(made)
        step = Event("Step", {}, source="stage", id=f"s{i}")
        poset.add(step, caused_by=[made, *stage[-1:]])
        stage.append(step)
    order = poset._order
    chains = len(order.chains)
    for i in range(10, 30):
        poset.add(Event("Got", {}, source="agent", id=f"g{i}"), caused_by=[stage[i]])
    assert len(order.chains) == chains + 20  # each a chain of its own
    assert all(order.tailless[poset.seq(stage[i])] == 4 for i in range(10, 30))

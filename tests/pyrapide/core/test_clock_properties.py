"""Property tests: ancestry read through chain clocks agrees with a plain graph search.

The clocks' limits (snapshot spacing, fields, rebuild budget, walk budget) are made
tiny here, so that small posets take every path a large one would: snapshots on
every chain, refused fields, clocks rebuilt inexactly, searches past the walk.
"""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.core import Event, Poset, _clocks, _ordering

SETTINGS = settings(max_examples=120, deadline=None)


@pytest.fixture(autouse=True)
def tiny_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_clocks, "SNAPSHOT_SPACING", 2)
    monkeypatch.setattr(_clocks, "MAX_FIELDS", 3)
    monkeypatch.setattr(_clocks, "_REBUILD_BUDGET", 2)
    monkeypatch.setattr(_clocks, "_CACHE_LIMIT", 4)
    monkeypatch.setattr(_ordering, "_WALK_BUDGET", 1)


@st.composite
def laned(draw: st.DrawFn) -> tuple[int, list[list[int]], list[tuple[int, int]]]:
    """Events on a few lanes, each caused by its lane's previous event (mostly) and by
    random earlier events; then links added later between existing events."""
    n = draw(st.integers(min_value=2, max_value=70))
    lanes = draw(st.integers(min_value=1, max_value=6))
    last: dict[int, int] = {}
    causes: list[list[int]] = []
    for i in range(n):
        lane = draw(st.integers(min_value=0, max_value=lanes - 1))
        mine = []
        if lane in last and draw(st.integers(min_value=0, max_value=5)):
            mine.append(last[lane])
        if i:
            extra = draw(st.lists(st.integers(min_value=0, max_value=i - 1), max_size=2))
            mine.extend(extra)
        causes.append(sorted(set(mine)))
        last[lane] = i
    late = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] < e[1]),
            max_size=4,
        )
    )
    return n, causes, late


def _closure(n: int, edges: set[tuple[int, int]]) -> list[set[int]]:
    """For each event, the events it precedes (plain breadth-first search)."""
    effects: dict[int, list[int]] = {i: [] for i in range(n)}
    for u, v in edges:
        effects[u].append(v)
    below = []
    for start in range(n):
        seen: set[int] = set()
        queue = deque([start])
        while queue:
            for y in effects[queue.popleft()]:
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
        below.append(seen)
    return below


def _check(poset: Poset, events: list[Event], edges: set[tuple[int, int]]) -> None:
    below = _closure(len(events), edges)
    for a, first in enumerate(events):
        for b, second in enumerate(events):
            assert poset.is_ancestor(first, second) == (b in below[a]), (a, b)
            independent = a != b and b not in below[a] and a not in below[b]
            assert poset.are_independent(first, second) == independent, (a, b)


@SETTINGS
@given(laned())
def test_clocked_queries_agree_with_breadth_first_search(shape) -> None:
    n, causes, late = shape
    events = [Event(f"L{i % 3}", id=f"e{i}") for i in range(n)]
    poset = Poset()
    for event, mine in zip(events, causes, strict=True):
        poset.add(event, caused_by=[events[c] for c in mine])
    edges = {(c, i) for i, mine in enumerate(causes) for c in mine}
    _check(poset, events, edges)
    for cause, effect in late:
        poset.add_causal_link(events[cause], events[effect])
        edges.add((cause, effect))
        _check(poset, events, edges)
    poset._order.rebuild_clocks()
    _check(poset, events, edges)
    # A poset rebuilt from its document (backward links included) answers the same.
    _check(Poset.from_dict(poset.to_dict()), events, edges)


@SETTINGS
@given(laned())
def test_a_link_to_the_newest_event_keeps_the_clocks_exact(shape) -> None:
    n, causes, _ = shape
    events = [Event("E", id=f"e{i}") for i in range(n)]
    poset = Poset()
    edges = set()
    for i, (event, mine) in enumerate(zip(events, causes, strict=True)):
        poset.add(event, caused_by=[events[c] for c in mine[:1]])
        edges.update((c, i) for c in mine[:1])
        for c in mine[1:]:  # the other causes arrive just after the event is recorded
            poset.add_causal_link(events[c], event)
            edges.add((c, i))
    assert not poset._order.stale
    _check(poset, events, edges)


@SETTINGS
@given(laned(), st.lists(st.integers(0, 5), min_size=1, max_size=30), st.data())
def test_ancestry_taken_in_a_slice_at_a_time_answers_as_all_at_once(
    shape, slices, data
) -> None:
    # prepare_ancestry(k) now and then between recordings (and links) takes in at most k
    # events; queries in between, and after, answer as a plain search does.
    n, causes, late = shape
    events = [Event(f"L{i % 3}", id=f"e{i}") for i in range(n)]
    poset = Poset()
    edges: set[tuple[int, int]] = set()
    for i, (event, mine) in enumerate(zip(events, causes, strict=True)):
        poset.add(event, caused_by=[events[c] for c in mine])
        edges.update((c, i) for c in mine)
        recorded = i + 1
        limit = slices[i % len(slices)]
        taken_before = poset._order.clocks.caught
        done = poset.prepare_ancestry(limit)
        taken = poset._order.clocks.caught - taken_before
        assert taken <= limit and done == (poset._order.clocks.caught == recorded)
        if data.draw(st.booleans()):
            a, b = data.draw(st.integers(0, i)), data.draw(st.integers(0, i))
            below = _closure(i + 1, edges)
            assert poset.is_ancestor(events[a], events[b]) == (b in below[a])
    for cause, effect in late:
        poset.add_causal_link(events[cause], events[effect])
        edges.add((cause, effect))
        poset.prepare_ancestry(1)
    assert poset.prepare_ancestry() is True
    _check(poset, events, edges)

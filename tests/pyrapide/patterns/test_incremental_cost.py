"""The incremental matcher does not rescan history: the poset work per event stays bounded."""

from __future__ import annotations

import tracemalloc
from collections import Counter

from pyrapide.core import Event, Poset
from pyrapide.patterns import Pattern, placeholder


class CountingPoset:
    """A poset that counts the queries a matcher makes, by method."""

    def __init__(self) -> None:
        self.inner = Poset()
        self.calls: Counter[str] = Counter()

    def add(self, event, caused_by=None):
        self.inner.add(event, caused_by=caused_by)

    def __iter__(self):
        self.calls["__iter__"] += 1
        return iter(self.inner)

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def counted(*args):
            self.calls[name] += 1
            return method(*args)

        return counted


def most_queries_for_one_event(pattern, pairs: int) -> int:
    """Feed ``pairs`` independent Req -> Res pairs; the most poset queries one feed made."""
    poset = CountingPoset()
    matcher = pattern.matcher()
    worst = 0
    for i in range(pairs):
        request = Event("Req", {"i": i % 10}, id=f"q{i}")
        response = Event("Res", {"i": i % 10}, id=f"r{i}")
        for event, causes in ((request, None), (response, [request])):
            poset.add(event, caused_by=causes)
            before = sum(poset.calls.values())
            matcher.feed(event, poset)
            worst = max(worst, sum(poset.calls.values()) - before)
    return worst


def test_a_one_event_pattern_asks_the_poset_nothing():
    assert most_queries_for_one_event(Pattern.match("Res", i=3), 500) == 0


def test_a_sequence_asks_a_bounded_number_of_questions_per_event():
    pattern = Pattern.match("Req") >> Pattern.match("Res")
    small = most_queries_for_one_event(pattern, 50)
    assert small == most_queries_for_one_event(pattern, 2000) <= 4


def test_placeholders_and_direct_causes_stay_bounded_too():
    i = placeholder("i")
    keyed = Pattern.match("Req", i=i) >> Pattern.match("Res", i=i)
    direct = Pattern.match("Req").then_immediately(Pattern.match("Res"))
    join = Pattern.match("Res") & Pattern.match("Res", i=0)
    for pattern in (keyed, direct, join):
        small = most_queries_for_one_event(pattern, 50)
        assert small == most_queries_for_one_event(pattern, 2000), pattern


def most_queries_on_one_chain(pattern, events: int, batch: bool = False) -> int:
    """Record one causal chain A, B, A, B, ... (nothing in it is independent); the most
    poset queries one feed made, or with ``batch`` the queries ``match_in`` made."""
    poset = CountingPoset()
    matcher = pattern.matcher()
    worst = 0
    previous = None
    for i in range(events):
        event = Event("A" if i % 2 == 0 else "B", id=f"c{i}")
        poset.add(event, caused_by=[previous] if previous else None)
        previous = event
        if not batch:
            before = sum(poset.calls.values())
            assert matcher.feed(event, poset) == []
            worst = max(worst, sum(poset.calls.values()) - before)
    if batch:
        before = sum(poset.calls.values())
        assert pattern.match_in(poset) == []
        return sum(poset.calls.values()) - before
    return worst


def test_independence_on_one_chain_asks_a_bounded_number_of_questions_per_event():
    pattern = Pattern.match("A") | Pattern.match("B")
    small = most_queries_on_one_chain(pattern, 40)
    assert small == most_queries_on_one_chain(pattern, 2000) <= 4


def test_independence_on_one_chain_matches_in_time_linear_in_the_poset():
    pattern = Pattern.match("A") | Pattern.match("B")
    small = most_queries_on_one_chain(pattern, 200, batch=True)
    large = most_queries_on_one_chain(pattern, 2000, batch=True)
    # A few queries per event (the binary searches of each probe), not one per pair.
    assert large < 30 * 2000 and large / 2000 < 2 * small / 200


def _pipe_of_roots(poset: Poset, steps: int, *, other_every: int = 0) -> list[Event]:
    """A pipe carrying injected events: each Out is caused by its own root Req and the
    Out before it, so the n-th Out descends from n roots; an Other after some Outs."""
    events: list[Event] = []
    previous: list[Event] = []
    for i in range(steps):
        request = Event("Req", id=f"q{i}")
        out = Event("Out", id=f"o{i}")
        poset.add(request)
        poset.add(out, caused_by=[request, *previous])
        events += [request, out]
        previous = [out]
        if other_every and i % other_every == 0:
            other = Event("Other", id=f"x{i}")
            poset.add(other, caused_by=[out])
            events.append(other)
    return events


def _peak_bytes_feeding(pattern, steps: int) -> int:
    poset = Poset()
    events = _pipe_of_roots(poset, steps)
    matcher = pattern.matcher()
    tracemalloc.start()
    try:
        for event in events:
            matcher.feed(event, poset)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_join_down_a_pipe_of_roots_keeps_memory_near_linear():
    # The n-th Out descends from n roots. Kept as a set of root ids per event (and a
    # stored match filed under each), the matcher's memory grew with the square of
    # the pipe's length: 415 MB at 4,000 steps. Many roots are a mask of bits.
    pattern = Pattern.match("Out") & Pattern.match("Other")
    small = _peak_bytes_feeding(pattern, 400)
    large = _peak_bytes_feeding(pattern, 1600)
    assert large < 8 * small  # 4x the steps: about 4x linear, 16x quadratic


def test_a_join_down_a_pipe_of_roots_finds_what_match_in_finds():
    poset = Poset()
    events = _pipe_of_roots(poset, 120, other_every=10)
    pattern = Pattern.match("Out") & Pattern.match("Other")
    matcher = pattern.matcher()
    fed = [found for event in events for found in matcher.feed(event, poset)]
    whole = pattern.match_in(poset)

    def ids(matches):
        return [[event.id for event in found.events] for found in matches]

    assert ids(fed) == ids(whole)
    # Every Out and every Other descend from the pipe's first root, q0.
    assert len(whole) == 12 * 120

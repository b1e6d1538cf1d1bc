"""Shapes, digests and differences: computations compared by what happened, ids aside."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from pyrapide import Computation, Event
from pyrapide.analysis.structure import difference, digest, shapes


def _build(spec: list[tuple[str, dict[str, int], list[int]]], order: list[int]) -> Computation:
    """Record ``spec`` (name, payload, indexes of causes) in ``order``, a topological order,
    with ids that depend on the order."""
    computation = Computation()
    made: dict[int, Event] = {}
    for index in order:
        name, payload, causes = spec[index]
        made[index] = computation.new_event(
            name, payload, source="s", caused_by=[made[c] for c in causes]
        )
    return computation


@st.composite
def dags(draw: st.DrawFn) -> list[tuple[str, dict[str, int], list[int]]]:
    size = draw(st.integers(1, 12))
    spec = []
    for index in range(size):
        causes = draw(st.lists(st.integers(0, index - 1), unique=True, max_size=3)) if index else []
        spec.append((draw(st.sampled_from("ABC")), {"n": draw(st.integers(0, 2))}, causes))
    return spec


def _topological_orders(spec: list[tuple[str, dict[str, int], list[int]]], seed: int) -> list[int]:
    rng = random.Random(seed)
    placed: list[int] = []
    waiting = set(range(len(spec)))
    while waiting:
        ready = sorted(i for i in waiting if all(c in placed for c in spec[i][2]))
        choice = rng.choice(ready)
        placed.append(choice)
        waiting.remove(choice)
    return placed


@given(dags(), st.integers(0, 1000))
def test_the_same_poset_recorded_in_another_order_has_the_same_digest(spec, seed) -> None:
    first = _build(spec, list(range(len(spec))))
    second = _build(spec, _topological_orders(spec, seed))
    assert digest(first) == digest(second)
    assert difference(first, second).same


@given(dags())
def test_a_changed_payload_or_a_dropped_cause_changes_the_digest(spec) -> None:
    original = _build(spec, list(range(len(spec))))
    name, payload, causes = spec[-1]
    changed = [*spec[:-1], (name, {"n": payload["n"] + 10}, causes)]
    assert digest(_build(changed, list(range(len(spec))))) != digest(original)
    if causes:
        cut = [*spec[:-1], (name, payload, causes[1:])]
        assert digest(_build(cut, list(range(len(spec))))) != digest(original)


def test_events_following_one_twin_or_one_each_are_two_posets() -> None:
    # Two twin roots R; X and Y both follow the first, or one each. Every event has the
    # same shape in both (a shape reads the past alone): the digest was the same, and an
    # exploration counted the two posets as one.
    shared = _build([("R", {}, []), ("R", {}, []), ("X", {}, [0]), ("Y", {}, [0])], [0, 1, 2, 3])
    apart = _build([("R", {}, []), ("R", {}, []), ("X", {}, [0]), ("Y", {}, [1])], [0, 1, 2, 3])
    assert sorted(shapes(shared).values()) == sorted(shapes(apart).values())
    assert digest(shared) != digest(apart)
    # Which twin is which does not matter: Y after the second and X after the first is
    # the same poset as the other way round.
    swapped = _build([("R", {}, []), ("R", {}, []), ("X", {}, [1]), ("Y", {}, [0])], [0, 1, 2, 3])
    assert digest(swapped) == digest(apart)


def test_difference_names_what_each_side_recorded_that_the_other_did_not() -> None:
    first, second = Computation(), Computation()
    a1 = first.new_event("A", {"k": 1}, source="x")
    first.new_event("B", {}, source="y", caused_by=[a1])
    a2 = second.new_event("A", {"k": 1}, source="x")
    second.new_event("A", {"k": 1}, source="x")  # a twin: counted twice
    second.new_event("C", {}, source="y", caused_by=[a2])
    found = difference(first, second)
    assert [e.name for e in found.only_first] == ["B"]
    assert [(e.name, e.id) for e in found.only_second] == [("A", "e2"), ("C", "e3")]
    assert not found.same


def test_timestamps_and_ids_are_not_part_of_a_shape() -> None:
    first, second = Computation(), Computation()
    first.record(Event("A", {"k": 1}, source="x", id="left", timestamp=1.0))
    second.record(Event("A", {"k": 1}, source="x", id="right", timestamp=9.0))
    assert shapes(first)["left"] == shapes(second)["right"]


def test_payloads_made_by_hand_with_keys_of_mixed_types_have_shapes_too() -> None:
    # Sorting {1: "x", "b": 2} by key raised "'<' not supported between 'str' and 'int'".
    def one(payload: dict) -> Computation:
        computation = Computation()
        computation.record(Event("A", payload))
        return computation

    mixed = one({"d": {1: "x", "b": [{2: 3}]}})
    assert digest(mixed) == digest(one({"d": {"b": [{2: 3}], 1: "x"}}))
    assert digest(mixed) != digest(one({"d": {"1": "x", "b": [{2: 3}]}}))
    assert digest(one({1: "x", "b": 2})) != digest(one({"b": 2}))
    assert difference(mixed, one({"d": {"b": [{2: 3}], 1: "x"}})).same
    assert len(shapes(mixed)) == 1


def test_a_payload_made_by_hand_with_an_integer_too_long_to_write_has_a_shape() -> None:
    # json.dumps raised int_max_str_digits' ValueError, which its default= never sees.
    def holding(number: int) -> Computation:
        computation = Computation()
        computation.record(Event("Big", {"n": number}))
        return computation

    assert digest(holding(10**5000)) == digest(holding(10**5000))
    assert digest(holding(10**5000)) != digest(holding(10**5000 + 1))


def test_equal_sets_in_payloads_made_by_hand_have_one_shape() -> None:
    # A set's repr follows its insertion history (and, for strings, the process's hash
    # seed): {1, 9} built 9 first printed {9, 1}, and two equal computations differed.
    def holding(first: object, second: object) -> Computation:
        tags: set[object] = set()
        tags.add(first)
        tags.add(second)
        computation = Computation()
        computation.record(Event("A", {"tags": tags, "nested": [frozenset(tags)]}))
        return computation

    assert [repr(event.payload) for event in holding(1, 9)] != [
        repr(event.payload) for event in holding(9, 1)
    ]
    assert digest(holding(1, 9)) == digest(holding(9, 1))
    assert difference(holding(1, 9), holding(9, 1)).same
    assert digest(holding(1, 9)) != digest(holding(1, 8))

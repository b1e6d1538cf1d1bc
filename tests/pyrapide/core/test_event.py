"""Events: construction forms, immutability, identity, dict round trips."""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys

import pytest
from hypothesis import given as given_examples
from hypothesis import settings
from hypothesis import strategies as st

from pyrapide.core import Computation, Event, EventSet, FrozenDict
from tests.pyrapide.hash_seeds import printed_under_hash_seeds


def test_positional_and_keyword_forms_are_the_same() -> None:
    positional = Event("A.b", {"k": 1}, "src", "id-1", 5.0, {"m": True})
    keyword = Event(
        name="A.b", payload={"k": 1}, source="src", id="id-1", timestamp=5.0, metadata={"m": True}
    )
    for field in ("id", "name", "payload", "source", "timestamp", "metadata"):
        assert getattr(positional, field) == getattr(keyword, field)


def test_defaults() -> None:
    event = Event("A.b")
    assert event.payload == {} and event.metadata == {} and event.source == ""
    assert isinstance(event.id, str) and event.id
    assert isinstance(event.timestamp, float) and event.timestamp > 1.6e9


def test_fresh_ids_are_unique() -> None:
    assert len({Event("x").id for _ in range(10_000)}) == 10_000


def test_fresh_ids_differ_between_processes() -> None:
    code = "from pyrapide.core import Event; print(Event('x').id)"
    ids = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(ids) == 2


def test_attributes_cannot_be_assigned_or_deleted() -> None:
    event = Event("A.b", {"k": 1})
    with pytest.raises(AttributeError, match="immutable"):
        event.name = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del event.payload
    with pytest.raises(AttributeError):
        event.extra = 1  # type: ignore[attr-defined]


def test_payload_and_metadata_are_read_only_dicts_json_accepts() -> None:
    source = {"k": 1}
    event = Event("A.b", source, metadata={"m": [1, 2]})
    source["k"] = 2  # the event took a copy
    assert event.payload["k"] == 1
    for mutate in (
        lambda: event.payload.__setitem__("z", 1),
        lambda: event.payload.update(z=1),
        lambda: event.payload.pop("k"),
        lambda: event.payload.clear(),
        lambda: event.metadata.setdefault("z", 1),
        lambda: event.metadata.popitem(),
    ):
        with pytest.raises(TypeError, match="read-only"):
            mutate()
    assert isinstance(event.payload, dict) and isinstance(event.payload, FrozenDict)
    assert json.loads(json.dumps({"p": event.payload, "m": event.metadata})) == {
        "p": {"k": 1},
        "m": {"m": [1, 2]},
    }


def test_equal_and_hashed_by_id() -> None:
    first = Event("A.b", {"k": 1}, id="same")
    second = Event("C.d", {"k": 2}, id="same")
    assert first == second and hash(first) == hash(second)
    assert first != Event("A.b", {"k": 1}, id="other")
    assert first != "same"
    assert len({first, second}) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "name"),
        ({"name": 3}, "name"),
        ({"name": "a", "payload": [1]}, "payload must be a mapping"),
        ({"name": "a", "metadata": "x"}, "metadata must be a mapping"),
        ({"name": "a", "timestamp": "now"}, "timestamp"),
        ({"name": "a", "timestamp": True}, "timestamp"),
        ({"name": "a", "id": ""}, "id"),
        ({"name": "a", "source": None}, "source"),
    ],
)
def test_bad_fields_are_refused_by_name(kwargs: dict, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Event(**kwargs)


@pytest.mark.parametrize("stamp", [float("nan"), float("inf"), float("-inf")])
def test_a_timestamp_no_file_can_hold_is_refused_when_the_event_is_made(stamp: float) -> None:
    # Saving such an event failed later, blaming its payload or metadata.
    with pytest.raises(ValueError, match=r"Event timestamp must be a finite number, not"):
        Event("a", timestamp=stamp)


def test_to_dict_and_from_dict_round_trip() -> None:
    event = Event("A.b", {"rows": [[1, "a"]]}, "db", "e7", 12.5, {"trace": "t"})
    data = event.to_dict()
    assert data == {
        "id": "e7",
        "name": "A.b",
        "payload": {"rows": [[1, "a"]]},
        "source": "db",
        "timestamp": 12.5,
        "metadata": {"trace": "t"},
    }
    assert type(data["payload"]) is dict  # a plain, mutable copy
    again = Event.from_dict(json.loads(json.dumps(data)))
    assert again.to_dict() == data


def test_from_dict_needs_a_name_and_refuses_unknown_fields() -> None:
    assert Event.from_dict({"name": "x"}).name == "x"
    with pytest.raises(ValueError, match="'name'"):
        Event.from_dict({"id": "a"})
    with pytest.raises(ValueError, match="colour"):
        Event.from_dict({"name": "x", "colour": "red"})
    with pytest.raises(TypeError, match="mapping"):
        Event.from_dict(["name"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ({"name": "x", 1: 2, "colour": "red"}, "unknown event field(s): 'colour', 1"),
        ({"name": "x", (1,): 2}, "unknown event field(s): (1,)"),
        ({"name": "x", **{f"f{n}": n for n in range(100)}}, "'f12' and 95 more"),
    ],
)
def test_unknown_fields_of_any_kind_are_named_briefly(document: dict, named: str) -> None:
    # A key that is not a string was sorted with the others and joined: Python's
    # "'<' not supported between instances of 'str' and 'int'" named no field.
    with pytest.raises(ValueError) as refused:
        Event.from_dict(document)
    assert named in str(refused.value)


@settings(max_examples=200, deadline=None)
@given_examples(
    st.dictionaries(
        st.one_of(st.sampled_from(["name", "payload", "source", "id", "timestamp",
                                   "metadata", "colour"]), st.integers()),
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=4),
                  st.lists(st.integers(), max_size=2),
                  st.dictionaries(st.one_of(st.text(max_size=3), st.integers()),
                                  st.integers(), max_size=2)),
        max_size=5,
    )
)
def test_any_document_is_an_event_or_refused_with_the_documented_errors(document) -> None:
    try:
        Event.from_dict(document)
    except (TypeError, ValueError) as refused:
        message = str(refused)
        assert "\n" not in message and len(message) < 300, message
        assert "not supported between" not in message and "expected str instance" not in message


def test_pickle_and_copy_keep_the_event() -> None:
    event = Event("A.b", {"k": [1]}, id="p1", metadata={"m": 1})
    again = pickle.loads(pickle.dumps(event))
    assert again == event and again.to_dict() == event.to_dict()
    assert copy.copy(event) is event and copy.deepcopy(event) is event
    assert pickle.loads(pickle.dumps(event.payload)) == {"k": [1]}


def test_repr_names_id_name_and_payload() -> None:
    text = repr(Event("A.b", {"k": 1}, id="r1"))
    assert "r1" in text and "A.b" in text and "'k': 1" in text


def test_eventset_iterates_in_given_order_and_is_a_frozenset() -> None:
    events = [Event(f"n{i}", id=f"id{i}") for i in range(50)]
    chosen = EventSet(reversed(events))
    assert list(chosen) == events[::-1]
    assert isinstance(chosen, frozenset) and len(chosen) == 50 and events[3] in chosen
    assert chosen == frozenset(events)
    first, second = EventSet(events[:10]), EventSet(events[5:15])
    assert list(first | second) == events[:15]
    assert list(first & second) == events[5:10]
    assert list(first - second) == events[:5]
    assert list(first ^ second) == events[:5] + events[10:15]
    assert list(first.union(events[20:22])) == events[:10] + events[20:22]
    assert list(second.intersection(events[:7])) == events[5:7]
    assert list(second.difference(events[:7])) == events[7:15]
    assert list(EventSet(events[:3] * 2)) == events[:3]
    assert list(pickle.loads(pickle.dumps(chosen))) == events[::-1]


def test_a_plain_sets_events_join_an_eventset_in_the_order_of_their_ids() -> None:
    # A set of events iterates in the order string hashing gives their ids, another in
    # each process: `causes | {x, y}` looped over did not do the same twice.
    code = (
        "from pyrapide.core import Event, EventSet\n"
        "events = [Event('A.b', id=f'e{i}') for i in range(1, 13)]\n"
        "base = EventSet(events[:1])\n"
        "others = set(events[1:])\n"
        "print([e.id for e in base | others])\n"
        "print([e.id for e in base.union(others, frozenset(events[:3]))])\n"
        "print([e.id for e in EventSet(events[:6]) ^ others])\n"
    )
    (printed,) = printed_under_hash_seeds(code)
    numbers = [f"e{i}" for i in range(1, 13)]
    assert printed.splitlines() == [str(numbers), str(numbers), str(["e1", *numbers[6:]])]


def test_subclasses_of_event_are_built_as_themselves() -> None:
    class Tagged(Event):
        __slots__ = ("tag",)

    class Plain(Event):
        pass

    for kind in (Tagged, Plain):
        event = kind("A.b", {"k": 1}, "src", "t1", 2, {"m": 2})
        assert type(event) is kind and isinstance(event, Event)
        assert (event.id, event.name, event.source, event.timestamp) == ("t1", "A.b", "src", 2.0)
        assert event.payload == {"k": 1} and event.metadata == {"m": 2}
        with pytest.raises(AttributeError, match="immutable"):
            event.name = "other"


def test_event_set_from_a_tuple_or_a_generator_keeps_first_occurrences() -> None:
    a, b, c = (Event("E", id=i) for i in "abc")
    for given in ((b, a, b, c, a), iter([b, a, b, c, a])):
        chosen = EventSet(given)
        assert list(chosen) == [b, a, c] and len(chosen) == 3 and chosen == {a, b, c}
    assert list(EventSet((c, a))) == [c, a] and list(EventSet()) == []


def saved_and_loaded(computation: Computation, path) -> Computation:
    computation.save(path)
    return Computation.load(path)


def test_metadata_is_read_only_all_the_way_down_whichever_way_the_event_is_made(
    tmp_path,
) -> None:
    tags = ["a"]
    nested = {"tags": tags, "origin": {"hops": [1, 2]}}
    recorded = Computation()
    recorded.record(Event("A.b", metadata=nested))
    made = [
        Event("A.b", metadata=nested),
        Event("A.b", metadata=FrozenDict(nested)),
        Event.from_dict({"name": "A.b", "metadata": nested}),
        *Computation.from_dict(recorded.to_dict()).events,
        *saved_and_loaded(recorded, tmp_path / "run.json").events,
        pickle.loads(pickle.dumps(Event("A.b", metadata=nested))),
    ]
    tags.append("b")  # each event took a copy
    for event in made:
        assert event.metadata == {"tags": ["a"], "origin": {"hops": [1, 2]}}
        metadata = event.metadata
        with pytest.raises(TypeError, match="read-only"):
            metadata["tags"].append("c")
        with pytest.raises(TypeError, match="read-only"):
            metadata["origin"]["hops"].append(3)
        with pytest.raises(TypeError, match="read-only"):
            metadata["origin"]["x"] = 1
    assert json.loads(json.dumps(made[0].metadata)) == {"tags": ["a"], "origin": {"hops": [1, 2]}}

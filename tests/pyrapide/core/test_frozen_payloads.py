"""An event's payload is read-only all the way down, whichever way the event was made."""

from __future__ import annotations

import asyncio
import copy
import importlib
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyrapide import action, architecture, interface, module
from pyrapide.core import Computation, Event, FrozenDict, FrozenList, Poset
from pyrapide.core.interchange import (
    deserialize_computation,
    deserialize_event,
    serialize_computation,
    serialize_event,
)
from tests.pyrapide.core.test_frozen_values import containers


def given_payload() -> dict[str, Any]:
    """A fresh payload with a list, a mapping and a list of mappings inside."""
    return {"key": "k", "rows": [1, [2, 3]], "origin": {"hops": [1, 2]}, "items": [{"id": 1}]}


def changes_let_through(event: Event, expected: dict[str, Any]) -> list[str]:
    """What is wrong with ``event``'s payload: not ``expected``, a list or mapping in it
    of another type than FrozenList and FrozenDict, or a change it lets through."""
    if event.payload != expected:
        return [f"payload {dict(event.payload)!r}"]
    wrong = [
        f"a {type(container).__name__} inside"
        for container in containers(event.payload)
        if type(container) not in (FrozenList, FrozenDict)
    ]
    rows, origin, items = event.payload["rows"], event.payload["origin"], event.payload["items"]
    changes: dict[str, Callable[[], object]] = {
        "rows.append": lambda: rows.append(4),
        "rows[1].append": lambda: rows[1].append(4),
        "rows[0] =": lambda: rows.__setitem__(0, 9),
        "origin[x] =": lambda: origin.__setitem__("x", 1),
        "origin[hops].append": lambda: origin["hops"].append(3),
        "items[0].update": lambda: items[0].update(id=2),
    }
    for what, change in changes.items():
        try:
            change()
        except TypeError as error:
            assert "read-only" in str(error)
        else:
            wrong.append(f"{what} let through")
    return wrong


def assert_read_only(event: Event, expected: dict[str, Any]) -> None:
    """``event``'s payload equals ``expected``, and no list or mapping in it can change."""
    assert changes_let_through(event, expected) == []
    assert event.payload == expected


@interface
class Feed:
    @action
    async def batch(self, key: str, rows: list, origin: dict, items: list) -> None: ...


@module(implements=Feed)
class QuietFeed:
    """Emits nothing: events are injected into it."""


@architecture
class Feeds:
    feed = Feed


def bound() -> Any:
    return Feeds.bind(feed=QuietFeed)


def saved_and_loaded(computation: Computation, path: Path) -> Computation:
    computation.save(path)
    return Computation.load(path)


def made_every_way(payload: dict[str, Any], tmp_path: Path) -> dict[str, Event]:
    """An event with ``payload`` made each way an event comes to exist."""
    by_hand = Computation()
    by_hand.record(Event("Feed.batch", payload, id="r1"))
    document = by_hand.to_dict()
    one_by_one = copy.deepcopy(document)
    del one_by_one["poset"]["events"][0]["metadata"]  # not the usual shape: read field by field
    system = bound()
    injected = system.inject("Feed.batch", payload)
    ready_made = system.inject_event(Event("Feed.batch", payload))
    poset = Poset()
    poset.add(Event("Feed.batch", payload, id="p1"))
    compat = importlib.import_module("pyrapide.runtime.serialization")  # a 0.3.0 path
    context = importlib.import_module("pyrapide.executable.module").ModuleContext(QuietFeed())
    return {
        "Event()": Event("Feed.batch", payload),
        "Event(), keywords": Event(name="Feed.batch", payload=payload),
        "Event(), a FrozenDict": Event("Feed.batch", FrozenDict(payload)),
        "Event(), another mapping": Event("Feed.batch", MappingProxyType(payload)),
        "Event.from_dict": Event.from_dict({"name": "Feed.batch", "payload": payload}),
        "Event.from_dict(d=)": Event.from_dict(d={"name": "Feed.batch", "payload": payload}),
        "Computation.new_event": Computation().new_event("Feed.batch", payload),
        "Computation.record": by_hand.get("r1"),
        "Poset.add": poset.get("p1"),
        "System.inject": injected,
        "System.inject_event": ready_made,
        "Computation.load": saved_and_loaded(by_hand, tmp_path / "run.json").get("r1"),
        "Computation.from_dict": Computation.from_dict(document).get("r1"),
        "Computation.from_dict, field by field": Computation.from_dict(one_by_one).get("r1"),
        "Poset.from_dict": Poset.from_dict(document["poset"]).get("r1"),
        "deserialize_computation": deserialize_computation(serialize_computation(by_hand)).get(
            "r1"
        ),
        "deserialize_event": deserialize_event(serialize_event(by_hand.get("r1"))),
        "0.3.0 deserialize_event": compat.deserialize_event(by_hand.get("r1").to_dict()),
        "0.3.0 ModuleContext.generate_event": context.generate_event("Feed.batch", payload),
        "pickle": pickle.loads(pickle.dumps(Event("Feed.batch", payload))),
    }


def test_every_way_of_making_an_event_holds_its_payload_read_only(tmp_path: Path) -> None:
    payload = given_payload()
    made = made_every_way(payload, tmp_path)
    payload["rows"].append("changed by its maker")  # each event took a copy
    payload["origin"]["hops"].append(3)
    wrong = {way: changes_let_through(event, given_payload()) for way, event in made.items()}
    assert {way: problems for way, problems in wrong.items() if problems} == {}
    assert all(type(event) is Event for event in made.values())


def test_a_read_only_payload_is_still_a_plain_json_value(tmp_path: Path) -> None:
    event = Event("Feed.batch", given_payload(), "src", "e1", 1.0)
    assert isinstance(event.payload["rows"], list) and isinstance(event.payload["origin"], dict)
    assert event.payload["rows"] == [1, [2, 3]]
    plain = {**event.to_dict(), "payload": given_payload()}
    assert json.dumps(event.to_dict()) == json.dumps(plain)
    assert Event.from_dict(event.to_dict()) == event
    assert Event.from_dict(event.to_dict()).to_dict() == event.to_dict()
    assert copy.copy(event) is event and copy.deepcopy(event) is event
    assert repr(event) == (
        "Event(id='e1', name='Feed.batch', source='src', payload={'key': 'k', 'rows': [1, [2, 3]], "
        "'origin': {'hops': [1, 2]}, 'items': [{'id': 1}]})"
    )
    mine = list(event.payload["rows"])  # a copy is the reader's to change
    mine.append(4)
    assert event.payload["rows"] == [1, [2, 3]]


def test_a_saved_file_is_the_same_bytes_as_a_plain_payload_gives(tmp_path: Path) -> None:
    computation = Computation()
    computation.record(Event("Feed.batch", given_payload(), "src", "e1", 1.0))
    computation.save(tmp_path / "run.json")
    text = (tmp_path / "run.json").read_text()
    assert json.dumps(given_payload()) in text
    Computation.load(tmp_path / "run.json").save(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "run.json").read_bytes()


def test_a_payload_already_read_only_is_kept_not_copied_again() -> None:
    first = Event("Feed.batch", given_payload())
    again = Event("Feed.batch", first.payload)
    assert again.payload is first.payload
    assert (
        Event("Feed.batch", {"rows": first.payload["rows"]}).payload["rows"]
        is (first.payload["rows"])
    )
    unpickled = pickle.loads(pickle.dumps(first))
    assert unpickled == first and unpickled.payload == first.payload


def test_a_shallow_frozen_dict_or_a_frozen_list_made_by_hand_is_frozen_inside() -> None:
    shallow = FrozenDict({"rows": [1, [2]], "origin": {"hops": []}})
    event = Event("Feed.batch", shallow)
    assert event.payload is not shallow
    assert type(event.payload["rows"][1]) is FrozenList
    assert type(event.payload["origin"]) is FrozenDict
    rows = FrozenList([1, [2], {"ids": [3]}])
    assert rows == [1, [2], {"ids": [3]}]
    with pytest.raises(TypeError, match="read-only"):
        rows[1].append(3)
    with pytest.raises(TypeError, match="read-only"):
        rows[2]["ids"].append(4)
    rows.__init__([9])  # a second __init__ leaves it as it was
    assert rows == [1, [2], {"ids": [3]}]


def test_tuples_and_other_objects_are_kept_as_the_running_system_keeps_them() -> None:
    marker = object()
    event = Event("Feed.batch", {"pair": (1, [2]), "flat": (1, 2), "other": marker})
    assert type(event.payload["pair"]) is tuple and type(event.payload["pair"][1]) is FrozenList
    assert event.payload["other"] is marker


def test_a_payload_of_scalars_is_kept_as_given() -> None:
    event = Event("Feed.batch", {"key": "k", "n": 1, "ratio": 0.5, "ok": True, "none": None})
    assert event.payload == {"key": "k", "n": 1, "ratio": 0.5, "ok": True, "none": None}
    assert type(event.payload) is FrozenDict


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=12,
)
payloads = st.dictionaries(st.text(max_size=3), json_values, max_size=4)


@given(payload=payloads)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_json_payload_made_saved_and_loaded_is_equal_and_read_only(
    payload: dict[str, Any], tmp_path: Path
) -> None:
    given_containers = {id(c) for value in payload.values() for c in containers(value)}
    event = Event("A.b", payload, "src", "e1", 1.0)
    computation = Computation()
    computation.record(event)
    loaded = saved_and_loaded(computation, tmp_path / "run.json").get("e1")
    unpickled = pickle.loads(pickle.dumps(event))
    from_text = Event.from_dict(json.loads(json.dumps(event.to_dict())))
    for made in (event, loaded, unpickled, from_text):
        assert made == event and made.payload == payload
        assert json.dumps(made.to_dict()) == json.dumps(event.to_dict())
        for value in made.payload.values():
            for container in containers(value):
                assert type(container) in (FrozenList, FrozenDict)
                assert id(container) not in given_containers
    assert json.dumps(dict(event.payload)) == json.dumps(payload)


def test_a_running_system_records_what_it_is_given_read_only() -> None:
    system = bound()
    payload = given_payload()
    event = system.inject("Feed.batch", payload)
    computation = asyncio.run(system.run())
    payload["rows"].append("later")
    assert computation.get(event.id) is event
    assert_read_only(event, given_payload())


def test_a_list_that_holds_itself_is_copied_as_one_that_holds_its_copy() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    itself: dict[str, Any] = {"n": 1}
    itself["self"] = itself
    event = Event("A.b", {"loop": loop, "rows": [2]}, metadata={"itself": itself})
    copied, mapping = event.payload["loop"], event.metadata["itself"]
    assert type(copied) is FrozenList and copied[1] is copied and copied is not loop
    assert type(mapping) is FrozenDict and mapping["self"] is mapping
    with pytest.raises(TypeError, match="read-only"):
        copied[1].append(3)
    assert type(event.payload["rows"]) is FrozenList


def test_nesting_deeper_than_python_can_copy_is_refused_by_name() -> None:
    deep: list[Any] = []
    for _ in range(5_000):
        deep = [deep]
    with pytest.raises(ValueError, match=r"^Event 'A\.b': its payload nests lists and mappings"):
        Event("A.b", {"deep": deep})
    with pytest.raises(ValueError, match=r"^Event 'A\.b': its metadata nests"):
        Event("A.b", metadata={"deep": deep})

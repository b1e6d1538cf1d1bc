"""Events and computations as JSON text (PyRapide 0.3.0's serialize_* helpers), and event ids."""

from __future__ import annotations

import json

import pytest

from pyrapide import Computation, ComputationFileError, Event
from pyrapide.core.interchange import (
    deserialize_computation,
    deserialize_event,
    generate_event_id,
    serialize_computation,
    serialize_event,
)


def test_an_event_round_trips_through_a_dict() -> None:
    event = Event("Order.placed", {"total": 12.5}, source="shop", metadata={"k": [1]})
    data = serialize_event(event)
    json.dumps(data)
    again = deserialize_event(data)
    assert (again.id, again.name, dict(again.payload), again.source) == (
        event.id, "Order.placed", {"total": 12.5}, "shop"
    )


def test_a_computation_round_trips_through_json_text() -> None:
    computation = Computation()
    first = computation.new_event("A.start")
    computation.new_event("A.next", {"n": 1}, caused_by=[first])
    text = serialize_computation(computation, format="json")
    assert isinstance(text, str)
    for data in (text, text.encode("utf-8")):
        restored = deserialize_computation(data)
        assert [e.id for e in restored.topological_order()] == ["e1", "e2"]
        assert restored.is_ancestor("e1", "e2")


def test_bad_text_and_unknown_formats_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="unsupported format 'xml'; supported: json"):
        serialize_computation(Computation(), format="xml")
    with pytest.raises(ComputationFileError, match="serialized computation:1:2: not valid JSON"):
        deserialize_computation("{not json")
    # The checks Computation.load makes: a key given twice, NaN, bytes not UTF-8.
    with pytest.raises(ComputationFileError) as caught:
        deserialize_computation('{"format": "pyrapide.computation",\n "format": 1}')
    assert str(caught.value) == (
        "serialized computation:2:2: the key 'format' is given twice in one object "
        "(first at line 1, column 2)"
    )
    with pytest.raises(ComputationFileError, match=r"^serialized computation:1:12: NaN is not"):
        deserialize_computation('{"clocks": NaN}')
    with pytest.raises(ComputationFileError, match="not UTF-8 text"):
        deserialize_computation(b'{"a": "\xff"}')
    with pytest.raises(ComputationFileError, match=r"serialized computation: .*neither a 'format'"):
        deserialize_computation("{}")


def test_generated_event_ids_are_unique_uuids() -> None:
    ids = {generate_event_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 36 and i.count("-") == 4 for i in ids)

"""Code written for PyRapide 0.3.0's Event, Poset and Computation runs unchanged."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import pyrapide
from pyrapide import CausalCycleError, ClockManager, Computation, Event, Poset, SynchronousClock


def test_keyword_events_posets_and_queries() -> None:
    send = Event(name="Sender.send", payload={"msg": "hello"}, source="sender")
    receive = Event(name="Receiver.receive", payload={"msg": send.payload["msg"]})
    poset = Poset()
    poset.add(send)
    poset.add(receive, caused_by=[send])
    assert poset.is_ancestor(send, receive)
    assert poset.causes(receive) == frozenset({send})
    assert poset.effects(send) == frozenset({receive})
    assert poset.root_events() == frozenset({send})
    assert poset.leaf_events() == frozenset({receive})
    assert poset.ancestors(receive) == frozenset({send})
    assert poset.descendants(send) == frozenset({receive})
    assert poset.causal_chain(send, receive) == [send, receive]
    assert poset.topological_order() == [send, receive]
    assert len(poset) == 2 and send in poset
    assert isinstance(poset.events, frozenset)
    with pytest.raises(CausalCycleError):
        poset.add_causal_link(receive, send)


def test_computation_as_the_engine_returns_it() -> None:
    computation = Computation()
    request = Event(name="agent.tool.call", payload={"tool": "search"})
    error = Event(name="agent.tool.error", payload={"error": "rate limited"})
    computation.record(request)
    computation.record(error, caused_by=[request])
    for err in computation.events_by_name("agent.tool.error"):
        assert list(computation.ancestors(err)) == [request]
    assert computation.causal_depth() == 1
    assert computation.topological_order() == [request, error]
    assert computation.root_events() == frozenset({request})


def test_clock_manager_and_record_with_clock() -> None:
    manager = ClockManager()
    clock = SynchronousClock("system")
    manager.register(clock)
    computation = Computation(clock_manager=manager)
    first = Event(name="first")
    computation.record(first, clock="system")
    clock.tick()
    second = Event(name="second")
    computation.record(second, caused_by=[first], clock="system")
    assert computation.clock_manager is manager
    assert computation.events_since(1.0, "system") == [second]
    assert manager.get_temporal_order("system") == [first, second]


def test_to_dict_from_dict_round_trips() -> None:
    event = Event(name="x", payload={"n": [1, 2]}, metadata={"trace": "t1"})
    assert Event.from_dict(event.to_dict()) == event
    assert Event.from_dict(event.to_dict()).to_dict() == event.to_dict()
    poset = Poset()
    a, b, c = Event(name="a"), Event(name="b"), Event(name="c")
    poset.add(a)
    poset.add(b, caused_by=[a])
    poset.add(c, caused_by=[a, b])
    assert Poset.from_dict(poset.to_dict()).to_dict() == poset.to_dict()
    computation = Computation(poset)
    document = json.loads(json.dumps(computation.to_dict()))  # JSON-safe
    again = Computation.from_dict(document)
    assert again.to_dict() == computation.to_dict()
    assert again.is_ancestor(a, c) and len(again.events) == 3


def test_from_dict_takes_its_document_by_030s_keyword_d_too() -> None:
    # 0.3.0 named the document `d`; it is `data` here, and either name works.
    event = Event(name="x", payload={"n": 1})
    poset = Poset()
    poset.add(event)
    poset.add(Event(name="y"), caused_by=[event])
    computation = Computation(poset)
    for kind, value in ((Event, event), (Poset, poset), (Computation, computation)):
        document = value.to_dict()
        assert kind.from_dict(d=document).to_dict() == document
        assert kind.from_dict(data=document).to_dict() == document
        assert kind.from_dict(document).to_dict() == document
        name = f"{kind.__name__}.from_dict()"
        with pytest.raises(TypeError, match=rf"^{re.escape(name)} got the document twice"):
            kind.from_dict(document, d=document)
        with pytest.raises(TypeError, match=rf"^{re.escape(name)} missing 1 required argument"):
            kind.from_dict()
    with pytest.raises(TypeError, match="an event must be a mapping, not NoneType"):
        Event.from_dict(d=None)


def test_merge_returns_a_new_computation() -> None:
    left, right = Computation(), Computation()
    x, y = Event(name="x"), Event(name="y")
    left.record(x)
    right.record(y)
    merged = left.merge(right)
    assert isinstance(merged, Computation) and merged is not left
    assert merged.events == frozenset({x, y})


def test_public_names_are_importable_from_the_package() -> None:
    for name in ("Event", "Poset", "Computation", "Clock", "ClockManager", "CausalCycleError"):
        assert getattr(pyrapide, name) is getattr(pyrapide.core, name)


# The interpreter with PyRapide 0.3.0 that benchmarks/compare_pyrapide030.py uses.
REFERENCE = Path(
    os.environ.get("PYRAPIDE030_PYTHON")
    or Path(__file__).resolve().parents[3] / "benchmarks" / ".ref-venv" / "bin" / "python"
)


@pytest.mark.skipif(not REFERENCE.exists(), reason="PyRapide 0.3.0 reference interpreter absent")
def test_pyrapide_030_reads_our_files(tmp_path: Path) -> None:
    computation = Computation()
    first = computation.new_event("A.start", {"k": 1})
    computation.new_event("A.next", caused_by=[first])
    path = tmp_path / "ours.json"
    computation.save(path)
    code = (
        "import json, sys\n"
        "from pyrapide import Computation\n"
        "c = Computation.from_dict(json.load(open(sys.argv[1])))\n"
        "e = {x.id: x for x in c.events}\n"
        "print(len(e), c.is_ancestor(e['e1'], e['e2']))\n"
    )
    result = subprocess.run(
        [str(REFERENCE), "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert result.stdout.split() == ["2", "True"]


def test_an_event_json_cannot_write_is_refused_by_model_dump_json_naming_the_value() -> None:
    # Pydantic wrote a datetime in a payload as text; this Event holds what it is given
    # and JSON cannot write it. json's own words named neither the event nor the key.
    when = datetime.datetime(2026, 1, 1, 12, 0)
    event = Event(name="Sensor.reading", payload={"at": when, "levels": [1, 2]}, id="r1")
    with pytest.raises(TypeError, match=re.escape(
        "cannot write event 'r1' (Sensor.reading) as JSON: its payload is not JSON "
        "(at is a datetime, not a JSON value)"
    )):
        event.model_dump_json()
    with pytest.raises(TypeError, match="cannot write event 'r1'"):
        event.model_dump(mode="json")
    assert event.model_dump()["payload"]["at"] == when  # python mode keeps it as it is
    tagged = Event(name="Sensor.reading", metadata={"tags": {"a"}}, id="r2")
    with pytest.raises(TypeError, match=r"its metadata is not JSON \(tags is a set"):
        tagged.model_dump_json(indent=2)
    # Written as text first, it is JSON like any other value.
    written = event.model_copy(update={"payload": {"at": when.isoformat()}})
    assert json.loads(written.model_dump_json())["payload"] == {"at": "2026-01-01T12:00:00"}


def test_the_pydantic_methods_of_030s_event_answer() -> None:
    # 0.3.0's Event was a pydantic model; code written for it dumps, copies and
    # validates events by pydantic's names.
    event = Event(name="Café.order", payload={"items": [1, 2]}, source="till", id="o1",
                  timestamp=1.0)
    assert event.model_dump() == event.model_dump(mode="json") == event.to_dict()
    assert event.model_dump_json() == (
        '{"id":"o1","name":"Café.order","payload":{"items":[1,2]},"source":"till",'
        '"timestamp":1.0,"metadata":{}}'
    )
    assert json.loads(event.model_dump_json(indent=2)) == event.to_dict()
    renamed = event.model_copy(update={"name": "Café.refund", "payload": {"items": []}})
    assert (renamed.name, renamed.payload, renamed.source) == ("Café.refund", {"items": []}, "till")
    assert renamed == event  # the id is kept, as pydantic's copy kept it
    assert event.model_copy() is event and event.name == "Café.order"
    assert Event.model_validate(event.model_dump()).to_dict() == event.to_dict()
    assert Event.model_validate(event) is event
    with pytest.raises(TypeError, match=r"model_copy\(\) cannot update 'nmae': an event's fields"):
        event.model_copy(update={"nmae": "x"})
    with pytest.raises(TypeError, match="Event name must be a non-empty string"):
        event.model_copy(update={"name": ""})
    # An update that is no mapping is refused as such: a string was taken for the set
    # of its letters ("cannot update 'a', 'e', 'm', 'n'"), a number was "not iterable".
    for update, given in (("name", "str 'name'"), (5, "int 5"), ([("name", "B")], "a list")):
        with pytest.raises(TypeError, match=rf"model_copy\(\): update must be a mapping of "
                                            rf"event fields to values, got {given}"):
            event.model_copy(update=update)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mode must be 'python' or 'json', not 'xml'"):
        event.model_dump(mode="xml")


def test_model_dump_picks_fields_with_include_and_exclude_as_pydantic_did() -> None:
    # 0.3.0's Event was a pydantic model: event.model_dump(exclude={"timestamp"}) worked
    # there and was "unexpected keyword argument 'exclude'" here. The answers below are
    # what PyRapide 0.3.0 gives for the same calls.
    event = Event(name="A", payload={"x": 1, "secret": 2}, source="s", metadata={"m": 1})
    assert event.model_dump(exclude={"timestamp", "id"}) == {
        "name": "A", "payload": {"x": 1, "secret": 2}, "source": "s", "metadata": {"m": 1},
    }
    assert event.model_dump(include={"name", "payload"}) == {
        "name": "A", "payload": {"x": 1, "secret": 2},
    }
    assert event.model_dump(exclude={"payload": {"secret"}, "timestamp": True, "id": True}) == {
        "name": "A", "payload": {"x": 1}, "source": "s", "metadata": {"m": 1},
    }
    assert event.model_dump(include={"payload": {"x": True}}) == {"payload": {"x": 1}}
    assert event.model_dump(mode="json", include=["name"]) == {"name": "A"}
    assert event.model_dump_json(exclude={"timestamp", "id"}) == (
        '{"name":"A","payload":{"x":1,"secret":2},"source":"s","metadata":{"m":1}}'
    )
    with pytest.raises(ValueError, match=re.escape(
        "model_dump(): exclude names 'stamp', which is no field of an event; its fields "
        "are id, metadata, name, payload, source, timestamp"
    )):
        event.model_dump(exclude={"stamp"})
    with pytest.raises(TypeError, match=re.escape(
        "model_dump_json(): include takes a set of field names or a dict of them, got "
        "str 'name'"
    )):
        event.model_dump_json(include="name")


def test_model_dump_json_refuses_what_json_cannot_write_by_field_as_saving_does(
    tmp_path: Path,
) -> None:
    # An integer longer than Python writes in decimal raised the interpreter's own
    # "Exceeds the limit (4300 digits)" ValueError; saving the same event names it.
    huge = Event("Api.count", {"rows": [1, {"n": 10**5000}]}, id="c1")
    computation = Computation()
    computation.record(huge)
    with pytest.raises(TypeError) as saving:
        computation.save(tmp_path / "run.json")
    with pytest.raises(TypeError) as dumping:
        huge.model_dump_json()
    problem = "its payload is not JSON (rows[1]['n'] is an integer of more than 4300 digits"
    assert problem in str(saving.value)
    assert str(dumping.value).startswith(f"cannot write event 'c1' (Api.count) as JSON: {problem}")
    tagged = Event("Api.tag", metadata={"seen": {"a", "b"}}, id="t1")
    with pytest.raises(TypeError) as tagging:
        tagged.model_dump_json(indent=2)
    assert str(tagging.value) == (
        "cannot write event 't1' (Api.tag) as JSON: its metadata is not JSON "
        "(seen is a set, not a JSON value)"
    )

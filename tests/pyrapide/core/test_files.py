"""Computation files: round trips, 0.3.0 documents, and clear errors for bad files."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from pyrapide.core import Computation, ComputationFileError, Event, SynchronousClock

DATA = Path(__file__).parent / "data"


def queries(computation: Computation) -> dict[str, object]:
    events = list(computation)
    return {
        "dict": computation.to_dict(),
        "order": [e.id for e in computation.topological_order()],
        "ancestor": [[computation.is_ancestor(a, b) for b in events] for a in events],
        "depth": [computation.depth(e) for e in events],
    }


def test_saved_file_has_format_and_version_and_round_trips(tmp_path: Path) -> None:
    original = Computation.load(DATA / "computation_v1.json")
    path = tmp_path / "copy.json"
    original.save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "pyrapide.computation" and document["version"] == 1
    again = Computation.load(path)
    assert queries(again) == queries(original)
    assert Computation.from_dict(original.to_dict()).to_dict() == original.to_dict()


def test_fixture_content_survives_loading() -> None:
    computation = Computation.load(DATA / "computation_v1.json")
    assert [e.id for e in computation] == ["e1", "e2", "e3", "e4"]
    assert computation.get("e3").payload == {"text": "café"}
    assert computation.get("e3").metadata == {"level": "info"}
    # e4 -> e3 points against recording order; the order still puts causes first.
    assert [e.id for e in computation.topological_order()] == ["e1", "e2", "e4", "e3"]
    assert computation.is_ancestor("e1", "e3")
    sim = computation.clock_manager.get_clock("sim")
    assert sim.read() == 1.0 and sim.period == 0.5
    assert (sim.start_time(computation.get("e2")), sim.finish_time(computation.get("e2"))) == (
        0.5,
        1.0,
    )
    slow = computation.clock_manager.get_clock("slow")
    assert slow.parent is sim and slow.read() == 0.5
    assert computation.events_since(0.5, "sim") == [computation.get("e2")]
    assert computation.new_event("more").id == "e5"


def test_reads_a_pyrapide_030_document() -> None:
    computation = Computation.load(DATA / "pyrapide030_computation.json")
    assert [e.id for e in computation] == ["req-1", "log-1", "res-1", "ack-1"]
    request = computation.get("req-1")
    assert request.payload == {"type": "query", "key": 42} and request.source == "api"
    assert computation.get("log-1").metadata == {"level": "info"}
    assert list(computation.causes("ack-1")) == [computation.get("log-1"), computation.get("res-1")]
    assert computation.are_independent("log-1", "res-1")
    document = json.loads((DATA / "pyrapide030_computation.json").read_text())
    assert Computation.from_dict(document).to_dict()["poset"] == document["poset"]


def test_clock_state_round_trips(tmp_path: Path) -> None:
    computation = Computation()
    clock = SynchronousClock("sim")
    computation.clock_manager.register(clock)
    clock.tick(4)
    event = Event("x", id="x")
    computation.record(event, clock="sim")
    path = tmp_path / "clocked.json"
    computation.save(path)
    loaded = Computation.load(path).clock_manager.get_clock("sim")
    assert loaded.read() == 4.0 and loaded.start_time(event) == 4.0


def test_save_refuses_a_payload_json_cannot_hold_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    good = Computation()
    good.new_event("ok")
    good.save(path)
    before = path.read_text()
    bad = Computation()
    bad.new_event("bad", {"when": object()})
    with pytest.raises(TypeError, match=r"event #0 'e1' \(bad\).*not JSON.*nothing was written"):
        bad.save(path)
    assert path.read_text() == before
    assert sorted(os.listdir(tmp_path)) == ["run.json"]  # no temporary file left behind



@pytest.mark.parametrize(
    ("payload", "metadata", "words"),
    [
        ({1: "one"}, {}, r"#1 'e2' \(keyed\): its payload is not JSON \(payload key 1 is an int,"),
        ({"rows": [{2: "x"}]}, {}, r"#1 'e2' \(keyed\): .*rows.* has the key 2 \(an int\), which"),
        ({}, {("a", 1): True}, r"#1 'e2' \(keyed\): its metadata .*key \('a', 1\) is a tuple,"),
    ],
)
def test_save_refuses_a_key_json_would_turn_into_a_string(
    tmp_path: Path, payload: dict, metadata: dict, words: str
) -> None:
    # json.dumps writes {1: "one"} as {"1": "one"}: the file would load back other data.
    computation = Computation()
    computation.new_event("fine")
    computation.new_event("keyed", payload, metadata=metadata)
    with pytest.raises(TypeError, match=words):
        computation.save(tmp_path / "run.json")
    assert os.listdir(tmp_path) == []


def test_save_refuses_a_payload_too_deep_for_load_to_read_back(tmp_path: Path) -> None:
    nested: list = []
    for _ in range(150):
        nested = [nested]
    computation = Computation()
    computation.new_event("deep", {"x": nested})
    with pytest.raises(TypeError, match=r"event #0 'e1' \(deep\): .*more than 100 deep"):
        computation.save(tmp_path / "run.json")
    assert os.listdir(tmp_path) == []

VALID = {
    "format": "pyrapide.computation",
    "version": 1,
    "poset": {
        "events": [
            {"id": "a", "name": "A", "payload": {}, "source": "", "timestamp": 1.0, "metadata": {}},
            {"id": "b", "name": "B", "payload": {}, "source": "", "timestamp": 2.0, "metadata": {}},
        ],
        "edges": [["a", "b"]],
    },
    "clocks": [],
}


def with_changes(**poset_changes: object) -> dict:
    document = json.loads(json.dumps(VALID))
    document["poset"].update(poset_changes)
    return document


def event_changed(index: int, **fields: object) -> dict:
    document = json.loads(json.dumps(VALID))
    document["poset"]["events"][index].update(fields)
    for name, value in fields.items():
        if value is None:
            del document["poset"]["events"][index][name]
    return document


def event_null(index: int, field: str) -> dict:
    """A valid document but for one event field set to JSON null."""
    document = json.loads(json.dumps(VALID))
    document["poset"]["events"][index][field] = None
    return document


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "expected a JSON object at the top level, found an array"),
        ({"hello": 1}, "neither a 'format' nor a 'poset' field"),
        ({**VALID, "format": "other"}, "unknown format 'other'"),
        ({**VALID, "version": 99}, "unsupported version 99"),
        ({**VALID, "poset": []}, "poset: expected an object with 'events' and 'edges'"),
        (with_changes(events={}), "'events' must be an array, found an object"),
        (with_changes(edges="a->b"), "'edges' must be an array, found a string"),
        (event_changed(1, name=None), r"event #1: \(id 'b'\) missing field 'name'"),
        (event_changed(0, id=None), "event #0: missing field 'id'"),
        # An empty name was said to be "found a string", the very thing asked for.
        (event_changed(1, name=""),
         r"event #1: \(id 'b'\) field 'name' must be a non-empty string, found an empty string"),
        (event_changed(0, payload=[1]), r"event #0: \(id 'a'\) field 'payload' must be an object"),
        (event_changed(1, timestamp="noon"), "event #1: .*'timestamp' must be a number"),
        (event_changed(0, colour="red"), "event #0: unknown field.*'colour'"),
        (event_null(0, "id"), "event #0: field 'id' must be a non-empty string, found null"),
        (event_null(1, "timestamp"), "event #1: .*'timestamp' must be a number, found null"),
        (event_null(1, "payload"), "event #1: .*'payload' must be an object, found null"),
        (event_changed(1, id="a"), "event #1: id 'a' is already used by event #0"),
        (with_changes(edges=[["a", "zz"]]), 'edge #0: unknown effect id "zz"'),
        (with_changes(edges=[["zz", "b"]]), 'edge #0: unknown cause id "zz"'),
        (with_changes(edges=[["a"]]), r"edge #0: expected \[cause_id, effect_id\]"),
        (with_changes(edges=[["a", "b", "a"]]), r"edge #0: expected \[cause_id, effect_id\]"),
        (with_changes(edges=["ab"]), r"edge #0: expected \[cause_id, effect_id\]"),
        (with_changes(edges=[["a", "b"], ["a", 7]]), "edge #1: unknown effect id 7"),
        (event_changed(1, source=3), r"event #1: \(id 'b'\) field 'source' must be a string"),
        (event_null(0, "metadata"), "event #0: .*'metadata' must be an object, found null"),
        (event_changed(0, timestamp=True), "event #0: .*'timestamp' must be a number"),
        (with_changes(edges=[["a", "b"], ["b", "a"]]), "cycle: 'a' -> 'b' -> 'a'"),
        (with_changes(edges=[["a", "a"]]), "cycle: 'a' -> 'a'"),
        ({**VALID, "clocks": [{"name": "c", "kind": "sundial"}]}, "unknown clock kind 'sundial'"),
        (
            {**VALID, "clocks": [{"name": "c", "kind": "synchronous", "stamps": [["zz", 1, 1]]}]},
            "stamp for unknown event id 'zz'",
        ),
        (
            {**VALID, "clocks": [{"name": "s", "kind": "slaved", "parent": "p", "divisor": 2}]},
            "parent clock 'p' is not listed before it",
        ),
        (
            # A second clock under a name would replace the first, and its stamps with it.
            {
                **VALID,
                "clocks": [
                    {"name": "c", "kind": "synchronous", "stamps": [["a", 1, 1]]},
                    {"name": "c", "kind": "synchronous", "stamps": [["b", 2, 2]]},
                ],
            },
            r"clock #1 \('c'\): the name 'c' is already used by clock #0",
        ),
        ({**VALID, "version": True}, "unsupported version True"),
    ],
)
def test_bad_documents_raise_one_error_naming_problem_and_place(
    tmp_path: Path, document: object, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ComputationFileError, match=message) as caught:
        Computation.load(path)
    assert str(caught.value).startswith(str(path))


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "pyrapide.computation",\n  "version": 1,,\n}', encoding="utf-8")
    with pytest.raises(ComputationFileError, match=rf"{re.escape(str(path))}:2:16: not valid JSON"):
        Computation.load(path)


def test_a_control_character_in_a_string_is_said_without_a_dangling_word(tmp_path: Path) -> None:
    # Python's message ends "at", its place written after it: "not valid JSON: Invalid
    # control character at" read as cut short.
    path = tmp_path / "nul.json"
    path.write_text('{"format": "pyrapide.computation", "version": 1, "x": "a\x00"}')
    with pytest.raises(ComputationFileError) as caught:
        Computation.load(path)
    assert str(caught.value) == f"{path}:1:57: not valid JSON: Invalid control character"


@pytest.mark.parametrize(
    ("edit", "place", "key", "first"),
    [
        # In a payload, the second value won; at the top, the second version.
        (('"payload": {}', '"payload": {"n": 1,\n "n": 2}'), "4:2", "n", "3:42"),
        (('"version": 1,', '"version": 1, "version": 2,'), "1:50", "version", "1:36"),
        # Keys are compared as JSON reads them: "\u006e" is "n".
        (('"payload": {}', '"payload": {"n": 1, "\\u006e": 2}'), "3:50", "n", "3:42"),
    ],
)
def test_a_key_given_twice_in_one_object_is_refused_where_it_is(
    tmp_path: Path, edit: tuple[str, str], place: str, key: str, first: str
) -> None:
    computation = Computation()
    computation.new_event("A.go")
    path = tmp_path / "twice.json"
    computation.save(path)
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    first_line, first_column = first.split(":")
    with pytest.raises(ComputationFileError) as caught:
        Computation.load(path)
    assert str(caught.value) == (
        f"{path}:{place}: the key {key!r} is given twice in one object (first at line "
        f"{first_line}, column {first_column})"
    )


def test_truncated_file_is_reported_as_such(tmp_path: Path) -> None:
    text = (DATA / "computation_v1.json").read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ComputationFileError, match="looks truncated"):
        Computation.load(path)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ComputationFileError, match="no such file"):
        Computation.load(tmp_path / "missing.json")
    with pytest.raises(ComputationFileError, match="is a directory"):
        Computation.load(tmp_path)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"a": "\xff\xfe"}')
    with pytest.raises(ComputationFileError, match="not UTF-8"):
        Computation.load(binary)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ComputationFileError, match="nested too deeply"):
        Computation.load(deep)


def test_load_given_a_document_or_its_text_says_what_reads_those() -> None:
    # The JSON text was taken for a file name: the whole document came back in an
    # error ending "cannot read: File name too long"; a dict got no hint either.
    computation = Computation()
    computation.record(Event(name="A"))
    document = computation.to_dict()
    text = json.dumps(document)
    with pytest.raises(TypeError) as raised:
        Computation.load(text)
    message = str(raised.value)
    assert message.startswith("load(): path must be a file path, got the text of a JSON document")
    assert "Computation.from_dict(json.loads(text))" in message and len(message) < 300
    with pytest.raises(TypeError, match=re.escape("use Computation.from_dict(document)")):
        Computation.load(document)
    assert len(Computation.from_dict(json.loads(text))) == 1


def test_loading_never_executes_anything(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    document = json.loads(json.dumps(VALID))
    document["poset"]["events"][0]["payload"] = {
        "__reduce__": f"open({str(marker)!r}, 'w')",
        "py/object": "os.system",
        "!!python/object/apply:os.system": ["touch " + str(marker)],
    }
    path = tmp_path / "tricky.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    computation = Computation.load(path)
    assert not marker.exists()
    assert computation.get("a").payload["py/object"] == "os.system"  # kept as plain data


def test_documents_off_the_usual_shape_load_like_the_usual_ones() -> None:
    """Integer times, metadata, a missing optional field, backward and repeated edges."""
    document = json.loads(json.dumps(VALID))
    events = document["poset"]["events"]
    events[0].update(timestamp=5, metadata={"m": [1]})
    events.append({"id": "c", "name": "C"})  # source, payload, metadata, timestamp default
    document["poset"]["edges"] = [["c", "a"], ["a", "b"], ["c", "b"], ["a", "b"]]
    computation = Computation.from_dict(document)
    a, b, c = (computation.get(i) for i in "abc")
    assert a.timestamp == 5.0 and type(a.timestamp) is float and a.metadata == {"m": [1]}
    assert (c.source, c.payload, c.timestamp) == ("", {}, 0.0)
    assert computation.poset.direct_causes(b) == (a, c)  # recording order, once each
    assert computation.poset.direct_causes(a) == (c,)
    assert [e.id for e in computation.topological_order()] == ["c", "a", "b"]


def test_a_saved_file_gets_the_mode_of_any_new_file(tmp_path) -> None:
    import os
    import stat

    from pyrapide import Computation

    previous = os.umask(0o022)
    try:
        computation = Computation()
        computation.new_event("A.b")
        computation.save(tmp_path / "run.json")
        plain = tmp_path / "plain.txt"
        plain.write_text("x")
    finally:
        os.umask(previous)
    mode = stat.S_IMODE((tmp_path / "run.json").stat().st_mode)
    assert mode == stat.S_IMODE(plain.stat().st_mode) == 0o644


def test_a_payload_made_by_hand_is_kept_in_memory_and_refused_at_save_by_event(
    tmp_path: Path,
) -> None:
    # An event may hold any Python object in memory; only a file needs JSON, so save is
    # where a key that is not a string is refused: naming the event by place, id and
    # name, the key and its type, counting the others, and writing nothing.
    event = Event("Request", payload={1: 2}, id="e12")
    assert event.payload == {1: 2}
    computation = Computation()
    computation.new_event("fine")
    computation.record(event)
    computation.new_event("Other", {"tags": {"a"}})
    path = tmp_path / "run.json"
    path.write_text("kept")
    with pytest.raises(TypeError) as refused:
        computation.save(path)
    assert str(refused.value) == (
        "cannot save event #1 'e12' (Request): its payload is not JSON (payload key 1 is an "
        "int, not a string); nothing was written (1 more event cannot be saved either)"
    )
    assert path.read_text() == "kept" and os.listdir(tmp_path) == ["run.json"]
    assert len(computation) == 3  # nothing recorded is lost

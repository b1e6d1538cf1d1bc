"""Files that push the loader: NaN, huge numbers, deep nesting, FIFOs; one clear error each."""

from __future__ import annotations

import copy
import functools
import json
import operator
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.core import Computation, ComputationFileError, Event, Poset
from pyrapide.core.values import MAX_DEPTH, payload_problem


def _document(payload_text: str = "{}", stamp: str = "1.5") -> str:
    return (
        '{"format": "pyrapide.computation", "version": 1,\n"poset": {"events": [\n'
        '{"id": "a", "name": "A.x", "payload": {}, "source": "", "timestamp": 0.5, '
        '"metadata": {}},\n'
        f'{{"id": "b", "name": "A.y", "payload": {payload_text}, "source": "s", '
        f'"timestamp": {stamp}, "metadata": {{}}}}\n'
        '],\n"edges": [["a", "b"]]},\n"clocks": []}\n'
    )


def _load_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ComputationFileError) as error:
        Computation.load(path)
    message = str(error.value)
    assert message.count(str(path)) == 1  # the path is said once
    return message.replace(str(path), "FILE")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_with_their_place(tmp_path, constant):
    message = _load_error(tmp_path, _document(f'{{"x": [1, {constant}]}}'))
    column = _document(f'{{"x": [1, {constant}]}}').splitlines()[3].index(constant) + 1
    assert message == (
        f"FILE:4:{column}: {constant} is not a JSON number; only finite numbers can be saved"
    )


def test_a_number_too_large_for_a_float_is_refused(tmp_path):
    assert _load_error(tmp_path, _document('{"x": 1e400}')) == (
        "FILE: poset: event #1: (id 'b') payload: x is Infinity: only finite numbers can be saved"
    )
    assert _load_error(tmp_path, _document("{}", stamp="-1e999")) == (
        "FILE: poset: event #1: (id 'b') field 'timestamp' is -inf: "
        "only finite numbers can be saved"
    )


def test_an_integer_too_long_to_read_is_a_file_error(tmp_path):
    message = _load_error(tmp_path, _document('{"n": ' + "7" * 5000 + "}"))
    assert message.startswith("FILE:4:")
    assert message.endswith("an integer of 5000 digits, longer than the 4300 Python reads")


def test_nesting_is_bounded_by_the_documented_limit(tmp_path):
    def nested(depth: int) -> str:  # a payload `depth` deep, itself counting as one
        return '{"extra": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"

    path = tmp_path / "ok.json"
    path.write_text(_document(nested(MAX_DEPTH)), encoding="utf-8")
    loaded = Computation.load(path)
    loaded.save(path)  # what loads saves again
    assert len(Computation.load(path)) == 2
    assert _load_error(tmp_path, _document(nested(MAX_DEPTH + 1))) == (
        "FILE: poset: event #1: (id 'b') payload: extra[0][0][0][0][0][0][0][0][0][0][0]… "
        f"nests lists and objects more than {MAX_DEPTH} deep (the limit)"
    )
    # Deeper than the parser goes: found in the text, with its line and column.
    message = _load_error(tmp_path, _document(nested(100_000)))
    assert message.startswith("FILE:4:") and "nested too deeply" in message
    assert f"payloads may nest {MAX_DEPTH} deep" in message


def test_a_file_of_nothing_but_brackets_is_refused_where_the_limit_is_crossed(tmp_path):
    path = tmp_path / "brackets.json"
    path.write_bytes(b"[" * 20_000_000)
    with pytest.raises(ComputationFileError) as error:
        Computation.load(path)
    assert str(error.value) == (
        f"{path}:1:{MAX_DEPTH + 5}: nested too deeply: more than {MAX_DEPTH + 4} lists and "
        f"objects inside one another (payloads may nest {MAX_DEPTH} deep)"
    )


def test_a_fifo_or_device_is_refused_without_reading_it(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(_error_of(fifo)), daemon=True)
    reader.start()
    reader.join(10)
    assert result == [
        f"{fifo}: not a regular file (a FIFO or a device), so not a saved computation"
    ]
    assert "not a regular file" in _error_of(Path("/dev/zero"))


def _error_of(path: Path) -> str:
    try:
        Computation.load(path)
    except ComputationFileError as error:
        return str(error)
    return "loaded"


def test_a_to_json_view_is_told_apart(tmp_path):
    from pyrapide.analysis.visualization import to_json

    computation = Computation()
    computation.record(Event("A.x"))
    path = tmp_path / "view.json"
    path.write_text(json.dumps(to_json(computation)), encoding="utf-8")
    with pytest.raises(ComputationFileError, match="a view written by to_json") as error:
        Computation.load(path)
    assert error.value.to_json_view


def test_a_poset_document_is_told_apart_from_a_to_json_view(tmp_path):
    poset = Poset()
    poset.add(Event("A.x"))
    path = tmp_path / "poset.json"
    path.write_text(json.dumps(poset.to_dict()), encoding="utf-8")
    with pytest.raises(ComputationFileError, match=r"it is a poset \(Poset.to_dict\(\)\)") as error:
        Computation.load(path)
    assert not error.value.to_json_view
    assert str(error.value).count(str(path)) == 1
    with pytest.raises(ComputationFileError, match=r"Poset\.from_dict"):
        Computation.from_dict(poset.to_dict())


def test_a_bad_parent_clock_names_the_file_once(tmp_path):
    document = json.loads(_document())
    document["clocks"] = [
        {"name": "c", "kind": "slaved", "divisor": 2,
         "parent": {"name": "p", "kind": "regular", "period": 0}},
    ]
    assert _load_error(tmp_path, json.dumps(document)) == (
        "FILE: clock #0 ('c') parent ('p'): a regular clock needs a positive period, not 0"
    )


def test_what_a_file_loads_from_python_documents_is_checked_the_same_way():
    document = json.loads(_document())
    document["poset"]["events"][1]["payload"] = {"when": float("nan"), "tags": {1, 2}}
    with pytest.raises(ComputationFileError, match="when is NaN"):
        Computation.from_dict(document)
    document["poset"]["events"][1]["payload"] = {"tags": {1, 2}}
    with pytest.raises(ComputationFileError, match="tags is a set, not a JSON value"):
        Computation.from_dict(document)


def test_payload_problems_name_the_place_inside_the_value():
    assert payload_problem({"rows": [1, {"x": float("inf")}]}) == (
        "rows[1]['x'] is Infinity: only finite numbers can be saved"
    )
    assert payload_problem({"n": 10**5000}) == (
        "n is an integer of more than 4300 digits, too long to write"
    )
    assert payload_problem({"a": {3: "x"}}) == "a has the key 3 (an int), which is not a string"
    assert payload_problem({"ok": (1, [2.5, None, True], {"k": "v"})}) is None
    looped: dict[str, object] = {}
    looped["self"] = looped
    assert "more than 100 deep" in str(payload_problem({"x": looped}))


_SAVED = json.loads((Path(__file__).parent / "data" / "computation_v1.json").read_text("utf-8"))


def _places(document: object, at: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every key path into ``document``, the document itself excepted."""
    found = [at] if at else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += _places(value, (*at, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += _places(value, (*at, index))
    return found


_ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30), st.floats(),
    st.text(max_size=5), st.sampled_from([[], {}, ["e1"], ["e1", "e1"], ["e2", "e1"], "e1"]),
)
_CHANGES = st.lists(
    st.tuples(st.sampled_from(_places(_SAVED)),
              st.sampled_from(["drop", "set", "repeat", "nest"]), _ODD_VALUES),
    min_size=1,
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(_CHANGES)
def test_a_saved_document_changed_anywhere_loads_or_is_refused_in_one_line(changes) -> None:
    # A key dropped, a value of another type, an event or link given twice (an id
    # used twice, a cycle), a value nested deeper: read, or refused with a
    # ComputationFileError of one short line; never another error.
    document = copy.deepcopy(_SAVED)
    for place, change, value in changes:
        *path, last = place
        try:
            parent = functools.reduce(operator.getitem, path, document)
            if change == "drop":
                del parent[last]
            elif change == "set":
                parent[last] = value
            elif change == "repeat" and isinstance(parent, list):
                parent.append(copy.deepcopy(parent[last]))
            elif change == "nest":
                parent[last] = json.loads("[" * 60 + json.dumps(parent[last]) + "]" * 60)
        except (KeyError, IndexError, TypeError):
            continue  # the place went with an earlier change
    try:
        Computation.from_dict(document)
    except ComputationFileError as error:
        assert "\n" not in str(error) and len(str(error)) < 300, str(error)


def _events(count: int) -> list[dict[str, object]]:
    return [
        {"id": f"e{n}", "name": "A", "payload": {}, "source": "s", "timestamp": 0.0,
         "metadata": {}}
        for n in range(count)
    ]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda doc: doc.update(format="pyrapide." + "9" * 5000), "unknown format"),
        (lambda doc: doc["poset"]["events"][0].update({f"f{n}": 1 for n in range(2000)}),
         "and 1995 more"),
        (lambda doc: doc["clocks"].append({"name": "c" * 5000, "kind": "regular",
                                            "period": "x"}), "'period' must be a number"),
        (lambda doc: doc["clocks"].append({"name": "c", "kind": "k" * 5000}),
         "unknown clock kind"),
        (lambda doc: doc["poset"].update(
            events=_events(5000), edges=[[f"e{n}", f"e{(n + 1) % 5000}"] for n in range(5000)]
        ), "(4,993 more events)"),
    ],
)
def test_a_long_value_in_a_file_is_named_short(change, said) -> None:
    # The message wrote a value of the file out whole: an unknown format or clock
    # kind of 5,000 characters, 2,000 unknown fields, a cycle through 5,000 events
    # were each a line of kilobytes.
    document = copy.deepcopy(_SAVED)
    change(document)
    with pytest.raises(ComputationFileError) as refused:
        Computation.from_dict(document)
    assert said in str(refused.value)
    assert len(str(refused.value)) < 300, str(refused.value)[:400]

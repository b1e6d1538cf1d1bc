"""freeze_values: a payload's lists and mappings copied read-only, equal to the original."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyrapide.core.frozendict import FrozenDict, FrozenList, freeze_values
from pyrapide.core.values import all_saveable

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3)
    | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)
payloads = st.dictionaries(st.text(max_size=3), json_values, max_size=4)


def containers(value):
    """Every list and mapping inside ``value``, itself included."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from containers(item)
    elif isinstance(value, list | tuple):
        if isinstance(value, list):
            yield value
        for item in value:
            yield from containers(item)


@given(payloads)
def test_frozen_payloads_equal_the_original_and_share_no_container_with_it(payload) -> None:
    original = copy.deepcopy(payload)
    given_containers = {id(c) for value in payload.values() for c in containers(value)}
    frozen = freeze_values(dict(payload))
    assert frozen == original
    assert json.dumps(frozen, sort_keys=True) == json.dumps(original, sort_keys=True)
    for value in frozen.values():
        for container in containers(value):
            assert type(container) in (FrozenList, FrozenDict)
            assert id(container) not in given_containers
    assert all_saveable([frozen]) == all_saveable([original])


def test_a_frozen_list_refuses_every_change() -> None:
    rows = freeze_values({"rows": [1, [2]]})["rows"]
    changes = [
        lambda: rows.append(3),
        lambda: rows.extend([3]),
        lambda: rows.insert(0, 3),
        lambda: rows.pop(),
        lambda: rows.remove(1),
        lambda: rows.clear(),
        lambda: rows.sort(),
        lambda: rows.reverse(),
        lambda: rows.__setitem__(0, 3),
        lambda: rows.__delitem__(0),
        lambda: rows.__iadd__([3]),
        lambda: rows.__imul__(2),
        lambda: rows[1].append(3),
    ]
    for change in changes:
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert rows == [1, [2]]

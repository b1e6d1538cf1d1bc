"""What a payload may hold: JSON values that a saved computation writes and reads back.

A payload (or metadata) is a mapping of string keys to JSON values: ``None``, booleans,
integers, finite floats, strings, lists (tuples are written as lists) and mappings
with string keys, nested at most :data:`MAX_DEPTH` deep. NaN and the infinities are
refused, since JSON has no way to write them, and so is anything else (a set, an
object), which no file could hold. Inject, emit and load check payloads with
:func:`payload_problem`, so what a computation records can always be saved.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from itertools import chain, compress, repeat
from operator import is_
from typing import Any, Final

from pyrapide.core.frozendict import SCALARS, FrozenDict, FrozenList
from pyrapide.core.printable import brief_repr, kind_named, value_repr

MAX_DEPTH: Final = 100
"""How deep lists and objects may nest in a payload, the payload itself counting as the
first level: ``{"a": [[1]]}`` is 3 deep. Deeper payloads are refused wherever they come
from (inject, emit, a file), before anything could recurse that deep over them."""

_SCALARS: Final = frozenset({str, bool, type(None)})
_SEQUENCES: Final = frozenset({list, tuple})
# Python refuses to turn an int of more digits than this into text, so JSON cannot hold it.
_INT_BITS_SAFE: Final = 14_000
INT_BOUND: Final = 1 << _INT_BITS_SAFE
"""Every integer strictly between ``-INT_BOUND`` and ``INT_BOUND`` can be written as text;
one beyond may be too long to (:func:`payload_problem` says whether it is)."""


def too_many_digits(text: str) -> str | None:
    """``a number of 5000 digits, longer than the 4300 Python reads`` when ``text`` is a
    whole number (a sign allowed) of more digits than ``int()`` reads; else None."""
    digits = text.strip().lstrip("+-")
    limit = sys.get_int_max_str_digits()
    if not limit or len(digits) <= limit or not (digits.isascii() and digits.isdigit()):
        return None
    return f"a number of {len(digits)} digits, longer than the {limit} Python reads"


def payload_problem(payload: Mapping[Any, Any], what: str = "payload") -> str | None:
    """What keeps ``payload`` from being saved, as a phrase naming the field and where in
    it (``"rows[2] is NaN"``), or None when every value is a JSON value, nested at most
    :data:`MAX_DEPTH` deep. ``what`` names the mapping when a key is wrong."""
    found = field_problem(payload, what)
    return None if found is None else found[1]


def field_problem(payload: Mapping[Any, Any], what: str = "payload") -> tuple[Any, str] | None:
    """The field of ``payload`` that keeps it from being saved and the phrase
    :func:`payload_problem` gives, or None."""
    for key, value in payload.items():
        if type(key) is not str:
            return key, f"{what} key {brief_repr(key)} is {kind_named(key)}, not a string"
        kind = type(value)
        if kind in _SCALARS or (kind is int and value.bit_length() <= _INT_BITS_SAFE):
            continue
        if kind is float and math.isfinite(value):
            continue
        problem = value_problem(value, key if len(key) <= 40 else brief_repr(key))
        if problem is not None:
            return key, problem
    return None


def value_problem(value: Any, where: str, depth: int = 2) -> str | None:
    """Why ``value`` (found at ``where``, ``depth`` levels deep) is not a JSON value a file
    can hold, as a phrase starting with ``where``; None when it is one."""
    if _walk(value, depth, None) is None:
        return None
    # Found: walk again, this time spelling out where each value sits.
    return _walk(value, depth, where)


def _walk(value: Any, depth: int, where: str | None) -> str | None:
    """The first problem in ``value``; ``where`` None walks fast and answers "" for one."""
    # A stack, not recursion: the depth bound is what this checks.
    stack: list[tuple[Any, int, str]] = [(value, depth, where or "")]
    while stack:
        item, level, place = stack.pop()
        kind = type(item)
        if kind in _SCALARS:
            continue
        if kind is int or (kind is not float and isinstance(item, int)):
            if item.bit_length() > _INT_BITS_SAFE and not _fits_in_text(item):
                digits = sys.get_int_max_str_digits()
                return f"{place} is an integer of more than {digits} digits, too long to write"
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                return f"{place} is {_non_finite(item)}: only finite numbers can be saved"
            continue
        if isinstance(item, str):
            continue
        sequence = kind in _SEQUENCES
        if not sequence and kind is not dict and not isinstance(item, Mapping | list | tuple):
            return f"{place} is {kind_named(item)}, not a JSON value"
        if level > MAX_DEPTH:
            return f"{_brief(place)} nests lists and objects more than {MAX_DEPTH} deep (the limit)"
        if not sequence and isinstance(item, Mapping):
            for key in item:
                if type(key) is not str and not isinstance(key, str):
                    return (
                        f"{place} has the key {brief_repr(key)} ({kind_named(key)}), "
                        "which is not a string"
                    )
            if where is None:
                stack.extend((inner, level + 1, "") for inner in item.values())
            else:
                stack.extend(
                    (inner, level + 1, f"{place}[{brief_repr(key)}]") for key, inner in item.items()
                )
        elif where is None:
            stack.extend((inner, level + 1, "") for inner in item)
        else:
            stack.extend(
                (inner, level + 1, f"{place}[{index}]") for index, inner in enumerate(item)
            )
    return None


# The read-only kinds are what a running system records inside payloads.
_LISTS: Final[frozenset[type]] = frozenset({list, FrozenList})
_OBJECTS: Final[frozenset[type]] = frozenset((dict, FrozenDict))
CONTAINERS: Final = _LISTS | _OBJECTS
"""The types of the lists and objects a payload may hold, plain or read-only."""


def all_saveable(mappings: list[dict[str, Any]], *, parsed: bool = False) -> bool:
    """True when no mapping in ``mappings`` (plain dicts) has a problem
    :func:`payload_problem` would report; False when one may.

    Made for whole files: the values are gathered, typed and checked by C loops (no
    Python code runs per value), level by level, so a million flat payloads cost about
    a tenth of a second for each field they have (0.12 s with one, 0.42 s with four,
    ``parsed``, on a busy machine). ``parsed`` says the mappings come from the JSON
    parser, which reads no integer too long to write back, so integers need no look.
    False says only "look closer": :func:`payload_problem` on each mapping says
    which and why.
    """
    return saveable_depth(mappings, parsed=parsed) is not None


def saveable_depth(mappings: list[dict[str, Any]], *, parsed: bool = False) -> int | None:
    """:func:`all_saveable` saying more: how deep the values of ``mappings`` nest when
    they can all be saved (1 when every value is a scalar: nothing inside to freeze;
    ``{"a": [[1]]}`` is 3 deep), None when one may not."""
    if not set(map(type, chain.from_iterable(mappings))) <= {str}:
        return None  # a key of a mapping itself that is not a string
    values = list(chain.from_iterable(map(dict.values, mappings)))
    depth = 2
    while values:
        kinds = set(map(type, values))
        if not kinds <= SCALARS | CONTAINERS or (depth > MAX_DEPTH and kinds & CONTAINERS):
            return None
        # One kind at this level (a list of ints, say) needs no picking out.
        types = list(map(type, values)) if len(kinds) > 1 else None
        if float in kinds and not all(map(math.isfinite, _of_type(values, types, float))):
            return None
        if not parsed and int in kinds and not _short_ints(_of_type(values, types, int)):
            return None
        if not kinds & CONTAINERS:
            return depth - 1
        lists = chain.from_iterable(_of_type(values, types, kind) for kind in kinds & _LISTS)
        objects = [
            item for kind in kinds & _OBJECTS for item in _of_type(values, types, kind)
        ]
        if objects and not set(map(type, chain.from_iterable(objects))) <= {str}:
            return None  # a key that is not a string
        values = list(chain(chain.from_iterable(lists), *map(dict.values, objects)))
        depth += 1
    return depth - 1


def _of_type(values: list[Any], types: list[type] | None, kind: type) -> Iterable[Any]:
    """The items of ``values`` whose type (in ``types``) is exactly ``kind``, picked in C;
    ``types`` None says every item is of that kind."""
    return values if types is None else compress(values, map(is_, types, repeat(kind)))


def _short_ints(numbers: Iterable[int]) -> bool:
    """True when no integer of ``numbers`` is long enough to need a closer look."""
    numbers = list(numbers)
    return not numbers or (max(numbers) < INT_BOUND and min(numbers) > -INT_BOUND)


def _non_finite(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    return "Infinity" if number > 0 else "-Infinity"


def _brief(place: str) -> str:
    """``place`` cut to about 40 characters, between two subscripts."""
    cut = place.rfind("[", 0, 40)
    return place if len(place) <= 40 or cut <= 0 else place[:cut] + "…"


def _fits_in_text(number: int) -> bool:
    try:
        str(number)
    except ValueError:
        return False
    return True



def json_safe(value: Any, depth: int = 0) -> Any:
    """``value`` as plain JSON data: other objects become their repr, non-finite floats text,
    as do integers too long to write in decimal. Depth is bounded so a self-referencing
    payload cannot recurse forever. What a hand-built event holds (a set, an object)
    is shown by views and reports this way, never refused there."""
    if isinstance(value, int) and not -INT_BOUND < value < INT_BOUND:
        try:
            str(value)
        except ValueError:  # too long for Python to write: said in words
            return value_repr(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if depth >= 50:
        return value_repr(value)
    if isinstance(value, Mapping):
        return {str(key): json_safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item, depth + 1) for item in value]
    return value_repr(value)

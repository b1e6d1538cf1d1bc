"""Read-only dicts and lists, used for event payloads and metadata."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from typing import Any, Final, NoReturn


class FrozenDict(dict[str, Any]):
    """A ``dict`` whose items cannot be changed after construction.

    It is a real ``dict`` subclass, so ``json.dumps`` and ``isinstance(x, dict)``
    accept it; every mutating method raises ``TypeError``.  Building one freezes
    only the top level (it is what every event pays, and a running system hands it
    values already frozen); an ``Event`` makes its payload and metadata read-only
    all the way down with :func:`frozen_mapping`.
    """

    __slots__ = ()

    def _refuse(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise TypeError("event payload and metadata are read-only; build a new Event instead")

    __setitem__ = _refuse
    __delitem__ = _refuse
    __ior__ = _refuse
    clear = _refuse
    pop = _refuse
    popitem = _refuse
    setdefault = _refuse
    update = _refuse

    def __reduce__(self) -> tuple[type[FrozenDict], tuple[dict[str, Any]]]:
        # dict's default pickling replays __setitem__, which is refused here.
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self

    def __repr__(self) -> str:
        return dict.__repr__(self)


EMPTY = FrozenDict()


class FrozenList(list[Any]):
    """A ``list`` whose items cannot be changed after construction: a list inside
    the payload or metadata of an event (see :func:`freeze_values`).

    Like ``FrozenDict`` it is a real ``list`` subclass (``json.dumps``, ``==`` with
    a plain list and ``isinstance(x, list)`` work); every mutating method raises
    ``TypeError``. ``list(value)`` is a copy a handler may change. It is read-only
    all the way down: ``FrozenList(items)`` holds read-only copies of the lists and
    mappings among ``items``.
    """

    __slots__ = ()

    def __new__(cls, items: Iterable[Any] = ()) -> FrozenList:
        return _frozen_list(cls, items if type(items) is list else [*items])

    def __init__(self, *_args: object) -> None:
        # Filled by __new__; list.__init__ would empty and refill it.
        pass

    def _refuse(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise TypeError(
            "a list in an event payload is read-only; change a copy of it (list(value))"
        )

    __setitem__ = _refuse
    __delitem__ = _refuse
    __iadd__ = _refuse
    __imul__ = _refuse
    append = _refuse
    clear = _refuse
    extend = _refuse
    insert = _refuse
    pop = _refuse
    remove = _refuse
    reverse = _refuse
    sort = _refuse

    def __reduce__(self) -> tuple[type[FrozenList], tuple[list[Any]]]:
        # list's default pickling replays append/extend, which are refused here.
        return (FrozenList, (list(self),))

    def __copy__(self) -> FrozenList:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenList:
        return self


SCALARS: Final[frozenset[type]] = frozenset({str, int, float, bool, type(None)})
"""The types of the values a payload holds as they are: nothing inside them to freeze."""


def freeze_values(payload: dict[str, Any]) -> dict[str, Any]:
    """Make every list and mapping inside ``payload`` (a plain dict of JSON values, as
    the payload checks leave it) a read-only copy, in place; return ``payload``.

    A running system records payloads this way, so that neither the emitter, which
    may reuse its list, nor a handler, which is given the recorded payload, can
    change what was recorded. Flat payloads cost one type test per field.
    """
    nested = [key for key, value in payload.items() if type(value) not in SCALARS]
    for key in nested:
        payload[key] = _frozen(payload[key])
    return payload


def frozen_mapping(mapping: Mapping[str, Any]) -> FrozenDict:
    """``mapping`` read-only all the way down: a FrozenDict whose lists and mappings,
    at every level, are read-only copies (FrozenList, FrozenDict); ``mapping`` itself
    when it is a FrozenDict that already is. What an Event makes of its payload and
    metadata when they hold more than scalars.

    A list or mapping that holds itself is copied as one that holds its copy. Raises
    RecursionError only for nesting deeper than Python's recursion limit.
    """
    frozen: FrozenDict
    try:
        frozen = _frozen(mapping)
    except RecursionError:  # a cycle (or very deep nesting): copy again, keeping cycles
        frozen = _frozen_keeping_cycles(mapping, {})
    return frozen


def _frozen(value: Any) -> Any:
    """``value`` with its lists and mappings, at every level, copied read-only (a
    FrozenList as it is: it is read-only all the way down; a FrozenDict as it is
    when what it holds is)."""
    kind = type(value)
    if kind in SCALARS or kind is FrozenList:
        return value
    if isinstance(value, list):
        return _frozen_list(FrozenList, value)
    if kind is FrozenDict and SCALARS.issuperset(map(type, value.values())):
        return value
    if isinstance(value, Mapping):
        fields = {key: _frozen(item) for key, item in value.items()}
        if kind is FrozenDict and all(map(operator.is_, fields.values(), value.values())):
            return value
        return FrozenDict(fields)
    if isinstance(value, tuple):
        items = tuple(map(_frozen, value))
        return value if all(map(operator.is_, items, value)) else items
    return value


def _frozen_list(kind: type[FrozenList], items: list[Any]) -> FrozenList:
    """A ``kind`` holding ``items``, the lists and mappings among them copied read-only."""
    frozen = list.__new__(kind)
    # A list of scalars (the usual list) is copied as it is, in C loops.
    list.extend(frozen, items if SCALARS.issuperset(map(type, items)) else map(_frozen, items))
    return frozen


def _frozen_keeping_cycles(value: Any, copies: dict[int, Any]) -> Any:
    """``_frozen(value)`` for a value that may hold itself: ``copies`` maps the id of each
    list and mapping met so far to its read-only copy, which is made (empty) before what
    it holds, so that meeting the original again inside it gives the copy."""
    kind = type(value)
    if kind in SCALARS:
        return value
    known = copies.get(id(value))
    if known is not None:
        return known
    if isinstance(value, list):
        frozen_list = copies[id(value)] = list.__new__(FrozenList)
        list.extend(frozen_list, [_frozen_keeping_cycles(item, copies) for item in value])
        return frozen_list
    if isinstance(value, Mapping):
        frozen_dict = copies[id(value)] = FrozenDict()
        items = {key: _frozen_keeping_cycles(item, copies) for key, item in value.items()}
        dict.update(frozen_dict, items)
        return frozen_dict
    if isinstance(value, tuple):
        return tuple(_frozen_keeping_cycles(item, copies) for item in value)
    return value

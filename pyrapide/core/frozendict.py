"""Read-only dicts and lists, used for event payloads and metadata."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any, Final, NoReturn


class FrozenDict(dict[str, Any]):
    """A ``dict`` whose items cannot be changed after construction.

    It is a real ``dict`` subclass, so ``json.dumps`` and ``isinstance(x, dict)``
    accept it; every mutating method raises ``TypeError``.  Only the top level is
    frozen: mutable values stored inside stay the caller's responsibility.
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
    the payload of an event a running system recorded (see :func:`freeze_values`).

    Like ``FrozenDict`` it is a real ``list`` subclass (``json.dumps``, ``==`` with
    a plain list and ``isinstance(x, list)`` work); every mutating method raises
    ``TypeError``. ``list(value)`` is a copy a handler may change.
    """

    __slots__ = ()

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


def _frozen(value: Any) -> Any:
    """``value`` with its lists and mappings, at every level, copied read-only."""
    kind = type(value)
    if kind in SCALARS or kind is FrozenList:  # a FrozenList is frozen all the way down
        return value
    if isinstance(value, list):
        return FrozenList(map(_frozen, value))
    if isinstance(value, Mapping):
        return FrozenDict({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, tuple):
        items = tuple(map(_frozen, value))
        return value if all(map(operator.is_, items, value)) else items
    return value

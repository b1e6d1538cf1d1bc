"""A read-only dict, used for event payloads and metadata."""

from __future__ import annotations

from typing import Any, NoReturn


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

"""Python-free guard conditions over placeholders: what ``where ?n > 5`` means."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from functools import total_ordering
from typing import Any

from pyrapide.patterns.match import Placeholder, freeze

__all__ = ["AllOf", "AnyOf", "Comparison", "Condition", "Not"]


class Condition:
    """A guard written in the text syntax: a structural value, compared by its parts.

    A condition reads only the match's bindings. A placeholder the match did not
    bind makes its comparison false; comparing values that cannot be ordered
    (``"a" < 5``) raises ``TypeError``, which the guard records as a non-match.
    """

    __slots__ = ()
    level = 0

    def holds(self, bindings: Mapping[str, Any]) -> bool:
        """Whether the condition is true for these bindings."""
        raise NotImplementedError

    def comparisons(self) -> Iterator[Comparison]:
        """The comparisons the condition is made of, left to right."""
        raise NotImplementedError

    def _key(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __call__(self, match: Any) -> bool:
        return self.holds(match.bindings)

    def __repr__(self) -> str:
        return f"Condition({str(self)!r})"


_MISSING = object()
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: freeze(a) == freeze(b),
    "!=": lambda a, b: freeze(a) != freeze(b),
    "<": lambda a, b: _orderable(a) < _orderable(b),
    "<=": lambda a, b: _orderable(a) <= _orderable(b),
    ">": lambda a, b: _orderable(a) > _orderable(b),
    ">=": lambda a, b: _orderable(a) >= _orderable(b),
}


def _orderable(value: Any) -> Any:
    """``value`` ordered as a JSON value, as ``==`` compares it (:func:`freeze`): ``true``
    is no number, so ``true > 0`` cannot be ordered (as ``"a" < 5`` cannot) where Python
    takes it for 1 > 0; a tuple is an array, ordered with a list as a list is."""
    if isinstance(value, bool):
        return _JsonBool(value)
    if isinstance(value, list | tuple):
        return [_orderable(item) for item in value]
    return value


@total_ordering
class _JsonBool:
    """A boolean that orders with booleans only (``false < true``); ordering it with
    anything else raises the ``TypeError`` a guard records as a non-match."""

    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, _JsonBool):  # reached for every operator, either side
            raise TypeError(f"{self!r} cannot be ordered with {other!r}: a boolean is no number")
        return self.value < other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _JsonBool) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return "true" if self.value else "false"


def _operand_text(operand: Any) -> str:
    if isinstance(operand, Placeholder):
        return str(operand)
    return json.dumps(operand, ensure_ascii=False)


class Comparison(Condition):
    """``left OP right`` where each side is a placeholder or a JSON value."""

    __slots__ = ("left", "op", "right")
    level = 3

    def __init__(self, left: Any, op: str, right: Any) -> None:
        if op not in _OPERATORS:
            raise ValueError(f"unknown comparison {op!r}; use one of {', '.join(_OPERATORS)}")
        self.left, self.op, self.right = left, op, right

    @staticmethod
    def _value(operand: Any, bindings: Mapping[str, Any]) -> Any:
        if isinstance(operand, Placeholder):
            return bindings.get(operand.name, _MISSING)
        return operand

    def placeholder_names(self) -> frozenset[str]:
        """The names of the placeholders compared (none, one or two)."""
        sides = (self.left, self.right)
        return frozenset(side.name for side in sides if isinstance(side, Placeholder))

    def comparisons(self) -> Iterator[Comparison]:
        yield self

    def holds(self, bindings: Mapping[str, Any]) -> bool:
        left = self._value(self.left, bindings)
        right = self._value(self.right, bindings)
        if left is _MISSING or right is _MISSING:
            return False
        return bool(_OPERATORS[self.op](left, right))

    def _key(self) -> tuple[Any, ...]:
        def side(operand: Any) -> Any:
            return operand if isinstance(operand, Placeholder) else ("value", freeze(operand))

        return ("cmp", side(self.left), self.op, side(self.right))

    def __str__(self) -> str:
        return f"{_operand_text(self.left)} {self.op} {_operand_text(self.right)}"


def _wrapped(condition: Condition, level: int) -> str:
    text = str(condition)
    return f"({text})" if condition.level < level else text


class Not(Condition):
    """``not C``."""

    __slots__ = ("condition",)
    level = 3

    def __init__(self, condition: Condition) -> None:
        self.condition = condition

    def holds(self, bindings: Mapping[str, Any]) -> bool:
        return not self.condition.holds(bindings)

    def comparisons(self) -> Iterator[Comparison]:
        return self.condition.comparisons()

    def _key(self) -> tuple[Any, ...]:
        return ("not", self.condition._key())

    def __str__(self) -> str:
        return "not " + _wrapped(self.condition, 3)


class _Connective(Condition):
    """``A word B``, left-associative: ``a and b and c`` is ``(a and b) and c``."""

    __slots__ = ("left", "right")
    word = ""

    def __init__(self, left: Condition, right: Condition) -> None:
        self.left, self.right = left, right

    def comparisons(self) -> Iterator[Comparison]:
        yield from self.left.comparisons()
        yield from self.right.comparisons()

    def _key(self) -> tuple[Any, ...]:
        return (self.word, self.left._key(), self.right._key())

    def __str__(self) -> str:
        # A right operand at this level is bracketed, to keep its grouping when reparsed.
        level = self.level
        return f"{_wrapped(self.left, level)} {self.word} {_wrapped(self.right, level + 1)}"


class AllOf(_Connective):
    """``A and B``: both hold."""

    __slots__ = ()
    level, word = 2, "and"

    def holds(self, bindings: Mapping[str, Any]) -> bool:
        return self.left.holds(bindings) and self.right.holds(bindings)


class AnyOf(_Connective):
    """``A or B``: at least one holds."""

    __slots__ = ()
    level, word = 1, "or"

    def holds(self, bindings: Mapping[str, Any]) -> bool:
        return self.left.holds(bindings) or self.right.holds(bindings)

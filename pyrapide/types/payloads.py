"""Checking a payload against its action's signature: field names, declared types, JSON.

One checker for every way an event gets in: ``System.inject``, a module's
``ctx.emit`` and the workbench's ``inject`` command all call :func:`check_payload`,
so they refuse the same payloads with the same words. It checks that

- every field is one the action declares (unless the action takes ``**fields``),
- every required field is there,
- each value fits its annotation where the annotation says something checkable:
  ``str``, ``int``, ``float`` (an int is a float here, a bool is neither), ``bool``,
  ``None``, ``list[...]``/``tuple[...]``/``dict[..., ...]`` and their ``typing``
  spellings, ``X | Y``, ``Optional[X]``, ``Literal[...]``; an annotation naming a
  class of the user's own (``Row``) is not checked, only its container is;
- every value is one a saved computation can hold (no NaN, no set, no object;
  :func:`pyrapide.core.values.payload_problem`).
"""

from __future__ import annotations

import ast
import difflib
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from math import isfinite
from typing import TYPE_CHECKING, Any, Final

from pyrapide.core.frozendict import SCALARS
from pyrapide.core.printable import clipped
from pyrapide.core.values import CONTAINERS, INT_BOUND, all_saveable, field_problem
from pyrapide.types.payload_error import PayloadError as PayloadError  # Python when compiled

if TYPE_CHECKING:
    from pyrapide.types.actions import ActionSpec

Fits = Callable[[Any], bool]
"""True when a value fits one annotation."""


def check_payload(spec: ActionSpec | None, name: str, payload: Mapping[str, Any]) -> None:
    """Refuse ``payload`` for the event ``name`` when it does not fit ``spec`` (None: an
    event no interface declares, whose fields are not checked) or cannot be saved.

    Raises :class:`PayloadError` with the first problem found.
    """
    if _fits_at_a_glance(spec, payload):
        return
    for problem in payload_problems(spec, name, payload):
        raise problem


_NOTHING: Final[frozenset[type]] = frozenset()
# What _fits reads on every emit: Final, C statics in the compiled build, where any other
# module name (an import included) costs a dict lookup on each use.
_SCALARS: Final = SCALARS
_CONTAINERS: Final = CONTAINERS
_isfinite: Final = isfinite
_INT_BOUND: Final = INT_BOUND
_INT_FLOOR: Final = -INT_BOUND  # made once: negating a 14,000-bit int each emit is not free
_all_saveable: Final = all_saveable


def payload_checker(spec: ActionSpec | None, name: str) -> Callable[[Mapping[str, Any]], None]:
    """``check_payload(spec, name, payload)`` as a function of the payload alone, with
    what the check needs worked out now: what a module's context calls on each emit."""
    plan = None if spec is None else _plan(spec)

    def check(payload: Mapping[str, Any]) -> None:
        # _fits, inlined: an emit's payload is a plain dict.
        if not _fits_dict(plan, payload if type(payload) is dict else dict(payload)):
            for problem in payload_problems(spec, name, payload):
                raise problem

    return check


def _fits_at_a_glance(spec: ActionSpec | None, payload: Mapping[str, Any]) -> bool:
    """True for the usual payload (declared fields holding plain values of their
    declared types): the quick test every emit pays. False says only "look closer"."""
    return _fits(None if spec is None else _plan(spec), payload)


def _fits(plan: _Plan | None, payload: Mapping[Any, Any]) -> bool:
    """``_fits_at_a_glance`` with the spec's plan (None: no spec) looked up."""
    # An emit's payload is a plain dict: read as one, compiled, without a copy.
    return _fits_dict(plan, payload if type(payload) is dict else dict(payload))


def _fits_dict(plan: _Plan | None, payload: dict[Any, Any]) -> bool:
    fits_of: dict[str, Fits]
    if plan is None:
        admitted: dict[str, frozenset[type]] = {}
        others, fits_of = _SCALARS, {}
    else:
        for name in plan.required:
            if name not in payload:
                return False
        admitted, others, fits_of = plan.admitted, plan.others, plan.fits_of
    for key, value in payload.items():
        kind = type(value)
        if type(key) is not str:
            return False
        if kind in _CONTAINERS:
            # A list or an object: its annotation says what it must hold, and whether a
            # file can hold it is answered by C loops.
            if key not in admitted and others is _NOTHING:
                return False
            fits = fits_of.get(key)
            if (fits is not None and not fits(value)) or not _all_saveable([{key: value}]):
                return False
        else:
            allowed = admitted.get(key)
            if allowed is None:
                allowed = others
            if kind not in allowed or (kind is float and not _isfinite(value)):
                return False
            if kind is int and not _INT_FLOOR < value < _INT_BOUND:
                return False  # perhaps too long to write: the slow path says
    return True


def payload_problems(
    spec: ActionSpec | None, name: str, payload: Mapping[Any, Any]
) -> Iterable[PayloadError]:
    """Every way ``payload`` does not fit ``spec``, in the order :func:`check_payload`
    looks: unknown fields, missing ones, values that do not fit their annotation, and
    a value no file could hold."""
    if spec is not None:
        plan = _plan(spec)
        if plan.names is not None:
            for key in payload:
                if key not in plan.names:
                    listed = ", ".join(spec.field_names)
                    yield PayloadError(
                        f"{name} has no field {key!r} "
                        + (f"(its fields: {listed})" if listed else "(it takes no fields)"),
                        field=key if isinstance(key, str) else None,
                        suggestions=difflib.get_close_matches(str(key), spec.field_names, n=3),
                    )
        missing = [field for field in spec.required_fields if field not in payload]
        if missing:
            yield PayloadError(f"{name} needs {', '.join(missing)}: {spec.signature_text()}")
        for field, annotation, fits in plan.checks:
            if field in payload and not fits(payload[field]):
                yield PayloadError(
                    f"{name}: {field} is declared {annotation}, got {shown(payload[field])}",
                    field=field,
                )
    found = field_problem(payload)
    if found is not None:
        key, problem = found
        yield PayloadError(f"{name}: {problem}", field=key if isinstance(key, str) else None)


def shown(value: Any, width: int = 80) -> str:
    """``value`` as JSON (repr for what JSON cannot write, or would write as something
    else: ``{1: "a"}``, whose key JSON writes as "1"), cut to ``width`` characters.

    What JSON cannot write is shown by its repr, and its type (``{1} (a set)``), never as
    a JSON string of its repr: ``"{1}"`` would read as a string, which a field declared
    ``str`` would have taken."""
    try:
        text = repr(value) if _has_other_keys(value) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = _repr(value)
        if not isinstance(value, str | int | float | list | tuple | Mapping):
            text += f" (a {type(value).__name__})"  # a list shows what is in it
    return clipped(text, width)


def _repr(value: Any) -> str:
    """``repr(value)``, or what the value is when it has no text: an integer too long for
    Python to write, an object whose ``__repr__`` raises."""
    try:
        return repr(value)
    except Exception:
        if isinstance(value, int):
            return f"an integer of more than {sys.get_int_max_str_digits()} digits"
        return f"a value of type {type(value).__name__} that cannot be shown"


def _has_other_keys(value: Any) -> bool:
    """Whether a mapping in ``value`` (at any depth) has a key that is not a string.
    Each container is looked into once: a payload may hold itself."""
    stack = [value]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if not isinstance(item, Mapping | list | tuple) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Mapping):
            if any(not isinstance(key, str) for key in item):
                return True
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


@dataclass(frozen=True)
class _Plan:
    names: frozenset[str] | None  # None: any field is accepted
    required: tuple[str, ...]
    """The fields a payload must have (a tuple: compiled, read without an iterator object)."""
    checks: tuple[tuple[str, str, Fits], ...]
    admitted: dict[str, frozenset[type]]
    """For each declared field, the plain types (exactly) its annotation admits."""
    fits_of: dict[str, Fits]
    """The check of each field whose annotation says something checkable."""
    others: frozenset[type]
    """What an undeclared field may hold at a glance: plain values with ``**fields``."""


_PLANS: dict[int, tuple[ActionSpec, _Plan]] = {}


def _plan(spec: ActionSpec) -> _Plan:
    """What checking ``spec`` needs, worked out once per spec (emits are frequent)."""
    known = _PLANS.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    checks = []
    admitted = {}
    for param in spec.params:
        fits = annotation_check(param.annotation) if param.annotation else None
        if fits is not None:
            checks.append((param.name, param.annotation, fits))
        if fits is None:
            admitted[param.name] = SCALARS
        else:
            admitted[param.name] = _plain_types(param.annotation) or _NOTHING
    plan = _Plan(
        None if spec.extra_fields else frozenset(spec.field_names),
        spec.required_fields,
        tuple(checks),
        admitted,
        {field: fits for field, _, fits in checks},
        SCALARS if spec.extra_fields else _NOTHING,
    )
    _PLANS[id(spec)] = (spec, plan)
    return plan


@lru_cache(maxsize=1024)
def annotation_check(annotation: str) -> Fits | None:
    """A test of whether a value fits ``annotation`` (its text, as
    :func:`~pyrapide.types.actions.annotation_text` writes it); None when the
    annotation says nothing checkable (a class of the user's own, ``Any``)."""
    try:
        tree = ast.parse(annotation.strip(), mode="eval").body
        return _check_of(tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


_PLAIN_TYPES: Final[dict[str, frozenset[type]]] = {
    "str": frozenset({str}),
    "int": frozenset({int}),
    "float": frozenset({int, float}),
    "bool": frozenset({bool}),
    "None": frozenset({type(None)}),
    "NoneType": frozenset({type(None)}),
}


@lru_cache(maxsize=1024)
def _plain_types(annotation: str) -> frozenset[type] | None:
    """The exact plain types ``annotation`` admits when it is made of them alone (``int``,
    ``float | None``, ``Optional[str]``); None for any other annotation."""
    try:
        return _types_of(ast.parse(annotation.strip(), mode="eval").body)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _types_of(node: ast.expr) -> frozenset[type] | None:
    parts: list[ast.expr]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        parts = [node.left, node.right]
    elif isinstance(node, ast.Subscript) and _name_of(node.value) in ("Optional", "Union"):
        inner = node.slice
        parts = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        if _name_of(node.value) == "Optional":
            parts.append(ast.Constant(None))
    else:
        return _PLAIN_TYPES.get(_name_of(node) or "")
    found: frozenset[type] = frozenset()
    for part in parts:
        types = _types_of(part)
        if types is None:
            return None
        found |= types
    return found


def _name_of(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.List, t.Optional
        return node.attr
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    return None


_SEQUENCE_NAMES = frozenset(
    {"list", "List", "Sequence", "MutableSequence", "Iterable", "Collection", "set", "Set",
     "frozenset", "FrozenSet", "AbstractSet", "MutableSet"}
)
_MAPPING_NAMES = frozenset({"dict", "Dict", "Mapping", "MutableMapping"})
_SCALAR_CHECKS: dict[str, Fits] = {
    "str": lambda value: isinstance(value, str),
    "int": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "float": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "bool": lambda value: isinstance(value, bool),
    "None": lambda value: value is None,
    "NoneType": lambda value: value is None,
}


def _check_of(node: ast.expr) -> Fits | None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([_check_of(node.left), _check_of(node.right)])
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return annotation_check(node.value)  # a forward reference: "Row", "list[int]"
    if isinstance(node, ast.Subscript):
        return _generic(_name_of(node.value), node.slice)
    name = _name_of(node)
    if name is None:
        return None
    if name in _SCALAR_CHECKS:
        return _SCALAR_CHECKS[name]
    if name in _SEQUENCE_NAMES or name in ("tuple", "Tuple"):
        return lambda value: isinstance(value, list | tuple)
    if name in _MAPPING_NAMES:
        return lambda value: isinstance(value, Mapping)
    return None


def _generic(name: str | None, argument: ast.expr) -> Fits | None:
    items = list(argument.elts) if isinstance(argument, ast.Tuple) else [argument]
    if name in ("Optional", "Union"):
        checks = [_check_of(item) for item in items]
        return _union(checks + ([_SCALAR_CHECKS["None"]] if name == "Optional" else []))
    if name == "Annotated":
        return _check_of(items[0])
    if name == "Literal":
        return _literal(items)
    if name in _SEQUENCE_NAMES:
        return _sequence_of(_check_of(items[0]), _types_of(items[0]))
    if name in ("tuple", "Tuple"):
        if len(items) == 2 and isinstance(items[1], ast.Constant) and items[1].value is ...:
            return _sequence_of(_check_of(items[0]), _types_of(items[0]))
        return _tuple_of([_check_of(item) for item in items])
    if name in _MAPPING_NAMES and len(items) == 2:
        return _mapping_of(_check_of(items[0]), _check_of(items[1]))
    return _check_of(ast.Name(name)) if name else None


def _union(checks: list[Fits | None]) -> Fits | None:
    if any(check is None for check in checks):
        return None  # one alternative cannot be checked: the union cannot refuse
    known = [check for check in checks if check is not None]
    return lambda value: any(check(value) for check in known)


def _sequence_of(item: Fits | None, plain: frozenset[type] | None = None) -> Fits:
    """A list or tuple whose items fit ``item``; when the items' annotation admits plain
    types only (``list[int]``), their types are compared in one C loop."""
    if item is None:
        return lambda value: isinstance(value, list | tuple)
    if plain is not None:
        return lambda value: isinstance(value, list | tuple) and plain.issuperset(
            map(type, value)
        )
    return lambda value: isinstance(value, list | tuple) and all(map(item, value))


def _tuple_of(items: list[Fits | None]) -> Fits:
    def fits(value: Any) -> bool:
        return (
            isinstance(value, list | tuple)
            and len(value) == len(items)
            and all(
                check is None or check(inner)
                for check, inner in zip(items, value, strict=True)
            )
        )

    return fits


def _mapping_of(key: Fits | None, item: Fits | None) -> Fits:
    def fits(value: Any) -> bool:
        return isinstance(value, Mapping) and all(
            (key is None or key(k)) and (item is None or item(v)) for k, v in value.items()
        )

    return fits


def _literal(items: list[ast.expr]) -> Fits | None:
    try:
        allowed = [(type(value), value) for value in map(ast.literal_eval, items)]
    except ValueError:
        return None
    return lambda value: (type(value), value) in allowed

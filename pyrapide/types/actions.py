"""Method markers (action, provides, requires, behavior) and action signatures."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from pyrapide.core.printable import described
from pyrapide.types.payloads import payload_problems

F = TypeVar("F", bound=Callable[..., Any])

# The attribute a marked function carries: the set of roles it plays in its interface.
MARKS_ATTR: Final = "__rapide_marks__"

ACTION: Final = "action"
PROVIDES: Final = "provides"
REQUIRES: Final = "requires"
BEHAVIOR: Final = "behavior"


class _Missing:
    """The type of `MISSING`: a parameter with no default value."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""The default of an `ActionParam` that has none (the field is required)."""


def _underlying_function(method: Any) -> Any:
    """The plain function inside a staticmethod/classmethod, else the object itself."""
    if isinstance(method, (staticmethod, classmethod)):
        return method.__func__
    return method


def _mark(role: str, method: F, decorator: str) -> F:
    function = _underlying_function(method)
    if not callable(function):
        raise TypeError(
            f"@{decorator} marks a method, got {described(method)}"
        )
    marks: frozenset[str] = getattr(function, MARKS_ATTR, frozenset())
    try:
        setattr(function, MARKS_ATTR, marks | {role})
    except (AttributeError, TypeError):
        raise TypeError(
            f"@{decorator} cannot mark {method!r}: it does not accept attributes; "
            "decorate a plain 'def' or 'async def' method"
        ) from None
    return method


def marks_of(method: Any) -> frozenset[str]:
    """The roles (`"action"`, `"provides"`, ...) that the markers gave `method`."""
    return getattr(_underlying_function(method), MARKS_ATTR, frozenset())


def action(fn: F) -> F:
    """Mark an interface method as an action: an event the interface can emit.

    The event is named `"<Interface>.<method>"`; the method's parameters (after
    `self`) are the event's payload fields. The method body is never run.
    """
    return _mark(ACTION, fn, "action")


def provides(fn: F) -> F:
    """Mark an interface method as part of what the interface offers to others."""
    return _mark(PROVIDES, fn, "provides")


def requires(fn: F) -> F:
    """Mark an interface method that every conforming module must define."""
    return _mark(REQUIRES, fn, "requires")


def behavior(fn: F) -> F:
    """Mark an interface method as a reactive behaviour rule of the interface."""
    return _mark(BEHAVIOR, fn, "behavior")


@dataclass(frozen=True, slots=True)
class ActionParam:
    """One payload field of an action: a parameter of the action method.

    `annotation` is the parameter's annotation as readable text (`"str"`,
    `"list[int]"`), or `""` when there is none. `default` is `MISSING` when the
    parameter has no default, in which case `required` is true.
    """

    name: str
    annotation: str = ""
    default: object = MISSING
    required: bool = True

    def __str__(self) -> str:
        text = f"{self.name}: {self.annotation}" if self.annotation else self.name
        if not self.required:
            text += f" = {self.default!r}" if self.annotation else f"={self.default!r}"
        return text


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """An action of an interface: the event name and the payload fields it takes.

    `name` is the qualified event name (`"DatabaseService.result"`), `interface`
    the interface class whose alphabet holds it, `method` the action method's
    name (`"result"`) and `params` its payload fields in declaration order.
    `extra_fields` is true when the method takes `**kwargs`, so any further
    field is accepted.
    """

    name: str
    interface: type
    method: str
    params: tuple[ActionParam, ...] = ()
    extra_fields: bool = False
    function: Callable[..., Any] | None = field(default=None, compare=False, repr=False)

    @property
    def field_names(self) -> tuple[str, ...]:
        """The payload field names, in declaration order."""
        return tuple(param.name for param in self.params)

    @property
    def required_fields(self) -> tuple[str, ...]:
        """The payload fields that have no default."""
        return tuple(param.name for param in self.params if param.required)

    @property
    def doc(self) -> str:
        """The action method's docstring, cleaned, or `""`."""
        if self.function is None:
            return ""
        return inspect.getdoc(self.function) or ""

    def signature_text(self) -> str:
        """The action as text: `DatabaseService.result(key: str, rows: list)`."""
        fields = [str(param) for param in self.params]
        if self.extra_fields:
            fields.append("**fields")
        return f"{self.name}({', '.join(fields)})"

    def payload_problems(self, payload: Mapping[str, Any]) -> list[str]:
        """What is wrong with `payload` as this action's fields (empty when fine): each
        field it does not take (with a close match when one is likely meant), the
        required fields that are absent, values that do not fit their annotation, and
        a value no saved computation could hold (see :mod:`pyrapide.types.payloads`,
        which ``inject`` and ``emit`` use to refuse such payloads). Raises TypeError
        when ``payload`` is not a mapping."""
        if not isinstance(payload, Mapping):
            raise TypeError(
                f"{self.name}: payload_problems() takes a mapping of field names to values, "
                f"got {described(payload)}"
            )
        return [str(problem) for problem in payload_problems(self, self.name, payload)]

    def __str__(self) -> str:
        return self.signature_text()


def annotation_text(annotation: Any) -> str:
    """Readable text for an annotation: `str`, `list[int]`, `Row | None`; `""` if none."""
    if annotation is inspect.Parameter.empty:
        return ""
    if isinstance(annotation, str):
        return annotation
    if annotation is None or annotation is type(None):
        return "None"
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__qualname__.rpartition("<locals>.")[2]
    text = repr(annotation)
    for prefix in ("typing.", "collections.abc.", "builtins."):
        text = text.replace(prefix, "")
    return text


def action_params(function: Callable[..., Any], *, bound: bool) -> tuple[
    tuple[ActionParam, ...], bool
]:
    """The payload fields of an action method, and whether it takes `**kwargs`.

    `bound` says the first parameter is the instance (or class) and is skipped.
    `*args` cannot carry named fields and is ignored.
    """
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return (), True
    parameters = list(signature.parameters.values())
    if bound and parameters and parameters[0].kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        parameters = parameters[1:]
    params: list[ActionParam] = []
    extra_fields = False
    for parameter in parameters:
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            extra_fields = True
            continue
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        has_default = parameter.default is not inspect.Parameter.empty
        params.append(
            ActionParam(
                name=parameter.name,
                annotation=annotation_text(parameter.annotation),
                default=parameter.default if has_default else MISSING,
                required=not has_default,
            )
        )
    return tuple(params), extra_fields

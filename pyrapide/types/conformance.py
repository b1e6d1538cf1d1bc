"""Subtyping between interfaces and conformance of modules to an interface."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Final

from pyrapide.core.printable import described
from pyrapide.types.interface import class_label, interface_info

_ABSENT = object()

MODULE_ATTR: Final = "__rapide_module__"
"""Where ``@module`` keeps a class's ModuleSpec, in the class's own ``__dict__``. It
is named here, below the runtime that defines ``@module``, so that an architecture
can tell a module given where an interface belongs."""


def module_record(obj: object) -> Any:
    """What ``@module`` recorded on the class ``obj`` (its ModuleSpec: ``implements``,
    ``handlers``, ...), or None for anything that is not a ``@module`` class."""
    return vars(obj).get(MODULE_ATTR) if isinstance(obj, type) else None


def _require_class(value: object, role: str, function: str) -> type:
    if not isinstance(value, type):
        raise TypeError(f"{function}() expects a class as {role}, got {described(value)}")
    return value


def is_subtype(candidate: type, target: type) -> bool:
    """Whether `candidate` offers at least every operation that `target` offers.

    Operations are the names of actions and provided methods, so an interface
    that extends another is always a subtype of it, and two unrelated
    interfaces with the same operations are subtypes of each other. Raises
    TypeError when either argument is not a class.
    """
    _require_class(candidate, "candidate", "is_subtype")
    _require_class(target, "target", "is_subtype")
    if candidate is target:
        return True
    return interface_info(target).operations <= interface_info(candidate).operations


def _signature_text(function: Callable[..., Any]) -> str:
    try:
        return str(inspect.signature(function))
    except (TypeError, ValueError):
        return "(...)"


def _positional_arity(function: Callable[..., Any]) -> tuple[int, int] | None:
    """How many arguments `function` needs at least and accepts at most, `self` included.

    None when the signature cannot be read; the maximum is -1 for `*args`.
    """
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    needed = sum(
        1 for p in parameters if p.kind in positional and p.default is inspect.Parameter.empty
    )
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return needed, -1
    return needed, sum(1 for p in parameters if p.kind in positional)


def conformance_problems(module_cls: type, iface: type) -> list[str]:
    """Why `module_cls` does not conform to `iface`: one line per problem, or `[]`.

    A module conforms when it defines, as a callable, every method the
    interface marks `@requires`, and each can be called with the positional
    arguments the interface's declaration takes (parameter names may differ).
    Actions are not implemented by modules (a module emits them), and
    provided methods are not demanded, as in PyRapide 0.3.0.
    """
    _require_class(module_cls, "module_class", "conformance_problems")
    info = interface_info(_require_class(iface, "interface_class", "conformance_problems"))
    module_name = class_label(module_cls)
    problems: list[str] = []
    for name in sorted(info.requires):
        declared = info.methods[name]
        wanted = f"{name}{_signature_text(declared)}"
        implementation = inspect.getattr_static(module_cls, name, _ABSENT)
        if implementation is _ABSENT:
            problems.append(f"{module_name} is missing {wanted}, required by {info.name}")
            continue
        # A staticmethod takes no `self`; count one so arities compare like for like.
        implicit_self = 1 if isinstance(implementation, staticmethod) else 0
        if isinstance(implementation, (staticmethod, classmethod)):
            implementation = implementation.__func__
        if not callable(implementation):
            problems.append(
                f"{module_name}.{name} is {described(implementation)}, "
                f"not a method; {info.name} requires {wanted}"
            )
            continue
        declared_arity = _positional_arity(declared)
        actual_arity = _positional_arity(implementation)
        if declared_arity is None or actual_arity is None:
            continue
        declared_max = declared_arity[1]
        actual_needed, actual_max = actual_arity
        actual_needed += implicit_self
        actual_max += implicit_self if actual_max != -1 else 0
        too_few = actual_max != -1 and (declared_max == -1 or actual_max < declared_max)
        if too_few or actual_needed > declared_arity[0]:
            problems.append(
                f"{module_name}.{name}{_signature_text(implementation)} cannot be called as "
                f"{info.name} requires: {wanted}"
            )
    return problems


def conforms_to(module_class: type | object, interface_class: type) -> bool:
    """Whether `module_class` implements every `@requires` method of `interface_class`.

    An instance may be given for `module_class`, as PyRapide 0.3.0 allowed: its
    class is checked. `conformance_problems` says what is missing when this is
    false. Raises TypeError when `interface_class` is not a class.
    """
    if not isinstance(module_class, type):
        module_class = type(module_class)
    return not conformance_problems(module_class, interface_class)

"""Checks on binding modules to an architecture's components, at every level of nesting.

Bindings name components by path. A component of a nested architecture is
bound with a mapping under the nested component's name, or with its dotted
path::

    Shop.bind(api=ApiModule, payments={"ledger": LedgerModule, "desk": DeskModule})
    Shop.bind(api=ApiModule, **{"payments.ledger": LedgerModule, "payments.desk": DeskModule})

An architecture that implements a component's interface may be bound to it in
place of a module (``payments=PaymentsDept``, its components bound by path
as above), and a module may be bound in place of a nested architecture
(``payments=FakePayments``, a module implementing its interface).
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pyrapide.architecture.declaration import ArchitectureSpec, architecture_spec, is_architecture
from pyrapide.architecture.errors import ArchitectureError, close_match_hint, quoted_list
from pyrapide.architecture.hierarchy import Hierarchy, parent_path
from pyrapide.types.conformance import conformance_problems, is_subtype, module_record
from pyrapide.types.interface import class_label, interface_name

ImplementsOf = Callable[[type], "type | None"]


@dataclass(frozen=True)
class BoundHierarchy:
    """What binding gives a system: the hierarchy it runs (nested architectures bound
    to components included) and the module bound to each leaf, by path."""

    hierarchy: Hierarchy
    modules: dict[str, Any]


def flat_bindings(modules: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Bindings by path: ``{"payments": {"ledger": L}}`` becomes ``{"payments.ledger": L}``;
    and a problem for each path bound to two different things (by a mapping and by its
    dotted path), where one would have replaced the other in silence."""
    flat: dict[str, Any] = {}
    problems: list[str] = []

    def add(bindings: Mapping[str, Any], prefix: str) -> None:
        for key, value in bindings.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, Mapping):
                add(value, path)
            elif path in flat and flat[path] is not value:
                problems.append(
                    f"{path} is bound twice: to {_bound_text(flat[path])} and to "
                    f"{_bound_text(value)}"
                )
            else:
                flat[path] = value

    add(modules, "")
    return flat, problems


def _bound_text(value: Any) -> str:
    return value.__name__ if isinstance(value, type) else reprlib.repr(value)


def _is_architecture_class(value: Any) -> bool:
    return isinstance(value, type) and is_architecture(value)


def resolve_bindings(
    arch: Any,
    modules: Mapping[str, Any],
    *,
    partial: bool = False,
    implements_of: ImplementsOf | None = None,
) -> tuple[BoundHierarchy, list[str]]:
    """The hierarchy and leaf bindings ``modules`` give ``arch``, and what is wrong
    with them (see :func:`binding_problems`)."""
    spec = architecture_spec(arch)
    flat, problems = flat_bindings(modules)
    replaced: dict[str, ArchitectureSpec | None] = {}
    hierarchy = spec.hierarchy
    # Architectures bound to components, outermost first: each may hold the next.
    for path in sorted((p for p, v in flat.items() if _is_architecture_class(v)), key=_depth):
        components = hierarchy.components
        if path not in components:
            problems.append(_unknown(spec, hierarchy, path))
            continue
        bound = architecture_spec(flat[path])
        iface = components[path]
        if bound.implements is None or not is_subtype(bound.implements, iface):
            what = (
                f"implements {interface_name(bound.implements)}"
                if bound.implements is not None
                else "implements no interface (declare it @architecture(implements=...))"
            )
            problems.append(
                f"{path}: {bound.name} {what}, but component {path!r} has the interface "
                f"{interface_name(iface)}"
            )
            continue
        replaced[path] = bound
        hierarchy = Hierarchy.of(spec, replaced)
    # Modules bound in place of a nested architecture.
    for path, value in flat.items():
        if path in hierarchy.scopes and path and not _is_architecture_class(value):
            replaced[path] = None
    if replaced:
        hierarchy = Hierarchy.of(spec, replaced)
    leaves: dict[str, Any] = {}
    for path, module in flat.items():
        if _is_architecture_class(module):
            continue
        if path not in hierarchy.leaves:
            problems.append(_unknown(spec, hierarchy, path))
            continue
        leaves[path] = module
        problems.extend(_module_problems(path, module, hierarchy.leaves[path], implements_of))
    if not partial:
        unbound = [path for path in hierarchy.leaves if path not in leaves]
        if unbound:
            problems.append(
                f"{spec.name}: no module bound to {quoted_list(unbound)} ("
                + ", ".join(f"{path}: {interface_name(hierarchy.leaves[path])}" for path in unbound)
                + ")"
            )
    return BoundHierarchy(hierarchy, leaves), problems


def _depth(path: str) -> int:
    return path.count(".")


def _unknown(spec: ArchitectureSpec, hierarchy: Hierarchy, path: str) -> str:
    """``Shop has no component 'payments.ledgr' (did you mean ...)``, saying why when
    the path runs through a component bound to a module."""
    outer = parent_path(path)
    while outer and outer not in hierarchy.components:
        outer = parent_path(outer)
    if outer and outer in hierarchy.leaves:
        return (
            f"{spec.name} has no component {path!r}: {outer!r} is a component (interface "
            f"{interface_name(hierarchy.leaves[outer])}) bound to a module, not an architecture"
        )
    if not outer:
        names = list(spec.components)
        hint = close_match_hint(path, names)
        return f"{spec.name} has no component {path!r}{hint}; components: {quoted_list(names)}"
    names = list(hierarchy.children(outer))
    hint = close_match_hint(path, names)
    return (
        f"{spec.name} has no component {path!r}{hint}; the components of {outer} "
        f"({hierarchy.scopes[outer].spec.name}): {quoted_list(names)}"
    )


def declared_interface(module_cls: type) -> type | None:
    """The interface a ``@module`` class declares it implements, or None (a plain
    class, or ``@module()`` without an interface)."""
    return getattr(module_record(module_cls), "implements", None)


_HEAP_TYPE = 1 << 9
"""``Py_TPFLAGS_HEAPTYPE``: set on every class a ``class`` statement makes."""


def _not_a_module(module: Any) -> str | None:
    """What is wrong with binding ``module`` at all, or None: a binding is a class of
    the user's (a ``@module`` or a plain one) or an instance of one, never None, a
    builtin class, a builtin value or a function."""
    module_cls = module if isinstance(module, type) else type(module)
    # Python's own classes (int, function, NoneType...) are built in C; a class a
    # ``class`` statement made is the user's, even run by exec() with no module name.
    made_by_python = module_cls.__module__ == "builtins" and not (
        module_cls.__flags__ & _HEAP_TYPE
    )
    if module is not None and not made_by_python:
        return None
    if module is None:
        shown = "None"
    elif isinstance(module, type):
        shown = f"the class {module.__name__}"
    elif callable(module) and hasattr(module, "__name__"):
        shown = f"{type(module).__name__} {module.__name__}"
    else:
        shown = f"{type(module).__name__} {reprlib.repr(module)}"
    return f"expected a module class (or an instance of one), got {shown}"


def _module_problems(
    path: str, module: Any, iface: type, implements_of: ImplementsOf | None
) -> list[str]:
    refused = _not_a_module(module)
    if refused is not None:
        return [f"{path}: {refused}"]
    module_cls = module if isinstance(module, type) else type(module)
    declared = (implements_of or declared_interface)(module_cls)
    if declared is not None and not is_subtype(declared, iface):
        return [
            f"{path}: {class_label(module_cls)} implements {interface_name(declared)}, "
            f"but component {path!r} has the interface {interface_name(iface)}"
        ]
    return [
        f"{path}: {class_label(module_cls)} does not conform to {interface_name(iface)}: {problem}"
        for problem in conformance_problems(module_cls, iface)
    ]


def binding_problems(
    arch: Any,
    modules: Mapping[str, Any],
    *,
    partial: bool = False,
    implements_of: ImplementsOf | None = None,
) -> list[str]:
    """What is wrong with binding `modules` (component name or path -> module) to `arch`.

    Reports names that are not components (with a close match), components
    left unbound (unless `partial`), and modules that do not conform to their
    component's interface; an architecture bound to a component must implement
    its interface. A module declaring an interface (``@module(implements=...)``,
    or what `implements_of` says: module class -> the interface it declares, or
    None) that is not a subtype of its component's is refused too. A module may be
    given as a class or an instance; None, a builtin class or value and a function
    are refused. Returns one line per problem, or `[]`.
    """
    return resolve_bindings(arch, modules, partial=partial, implements_of=implements_of)[1]


def bind_hierarchy(
    arch: Any,
    modules: Mapping[str, Any],
    *,
    partial: bool = False,
    implements_of: ImplementsOf | None = None,
) -> BoundHierarchy:
    """The hierarchy and leaf bindings of `modules` bound to `arch`; raises
    ArchitectureError listing every problem `binding_problems` finds."""
    bound, problems = resolve_bindings(
        arch, modules, partial=partial, implements_of=implements_of
    )
    if problems:
        spec = architecture_spec(arch)
        if len(problems) == 1:
            message = f"cannot bind {spec.name}: {problems[0]}"
        else:
            message = f"cannot bind {spec.name}:\n" + "\n".join(f"  - {p}" for p in problems)
        raise ArchitectureError(
            message, architecture=spec.name, candidates=tuple(spec.hierarchy.components)
        )
    return bound


def check_bindings(
    arch: Any,
    modules: Mapping[str, Any],
    *,
    partial: bool = False,
    implements_of: ImplementsOf | None = None,
) -> None:
    """Raise ArchitectureError listing every problem `binding_problems` finds."""
    bind_hierarchy(arch, modules, partial=partial, implements_of=implements_of)

"""Resolving an architecture's connection targets and checking its constraints."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from typing import Any

from pyrapide.architecture.connections import Connection, pattern_text, target_label
from pyrapide.architecture.errors import ArchitectureError, close_match_hint, quoted_list
from pyrapide.constraints import Constraint
from pyrapide.constraints.base import what_is_no_constraint
from pyrapide.core.printable import described
from pyrapide.types.interface import class_label, interface_name, is_interface


def _component_list(components: Mapping[str, type]) -> str:
    if not components:
        return "it has no components"
    listed = ", ".join(f"{name} ({interface_name(iface)})" for name, iface in components.items())
    return f"components: {listed}"


def _resolve_target(
    arch_name: str,
    components: Mapping[str, type],
    holders_of: Mapping[type, list[str]],
    connection: Connection,
    index: int,
) -> Any:
    target = connection.target
    where = (
        f"{arch_name}: connection {index} ({connection.kind} "
        f"{pattern_text(connection.pattern)} -> {target_label(target)})"
    )
    names = list(components)
    if isinstance(target, str):
        if target in components:
            return target
        holders = [name for name, iface in components.items() if interface_name(iface) == target]
        if len(holders) == 1:
            hint = f" ({target!r} is the interface of component {holders[0]!r})"
        else:
            hint = close_match_hint(target, names)
        raise ArchitectureError(
            f"{where}: unknown target {target!r}{hint}; {_component_list(components)}",
            architecture=arch_name,
            candidates=names,
        )
    if isinstance(target, type):
        holders = holders_of.get(target, [])
        if len(holders) == 1:
            return holders[0]
        if holders:
            raise ArchitectureError(
                f"{where}: target {class_label(target)} is ambiguous, held by components "
                f"{quoted_list(holders)}; name one, as target={holders[0]!r}",
                architecture=arch_name,
                candidates=holders,
            )
        what = "interface" if is_interface(target) else "class"
        raise ArchitectureError(
            f"{where}: the {what} {class_label(target)} is not a component of {arch_name}; "
            f"{_component_list(components)}",
            architecture=arch_name,
            candidates=names,
        )
    if callable(target):
        _check_called_with_a_match(arch_name, where, target)
        return target
    raise ArchitectureError(
        f"{where}: a target is a component, a component's name or a callable, got "
        f"{described(target)}; {_component_list(components)}",
        architecture=arch_name,
        candidates=names,
    )


def _check_called_with_a_match(arch_name: str, where: str, target: Any) -> None:
    """Refuse a callable target that cannot be called with a match alone, as a System
    calls it (one written ``(match, computation)``, as a connection fired by hand may
    take it, would raise at every delivery)."""
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):  # a builtin without a readable signature
        return
    try:
        signature.bind(None)
    except TypeError:
        raise ArchitectureError(
            f"{where}: a System calls a connection's callable target with the match "
            f"alone, and {target_label(target)}{signature} cannot be called so",
            architecture=arch_name,
        ) from None


def resolve_connections(
    arch_name: str,
    components: Mapping[str, type],
    declared: list[Any],
    nested_classes: Mapping[str, type] | None = None,
) -> tuple[Connection, ...]:
    """Copies of the declared connections with targets resolved and positions set.

    `nested_classes` maps the components that are architectures to their classes,
    which name them as targets too (`target=payments`, where `payments =
    PaymentsDept`). Raises ArchitectureError for an item that is not a
    connection and for a target that does not name exactly one component (or
    is not a callable).
    """
    holders_of: dict[type, list[str]] = {}
    for name, iface in components.items():
        holders_of.setdefault(iface, []).append(name)
    for name, arch_cls in (nested_classes or {}).items():
        holders_of.setdefault(arch_cls, []).append(name)
    resolved: list[Connection] = []
    for index, connection in enumerate(declared):
        if not isinstance(connection, Connection):
            raise ArchitectureError(
                f"{arch_name}: connection {index} is {described(connection)}; "
                "expected connect(...), pipe(...) or agent(...)",
                architecture=arch_name,
            )
        target = _resolve_target(arch_name, components, holders_of, connection, index)
        resolved.append(dataclasses.replace(connection, target=target, index=index))
    return tuple(resolved)


def check_constraints(arch_name: str, declared: list[Any]) -> tuple[Any, ...]:
    """The declared constraints, `@constraint` classes instantiated.

    Raises ArchitectureError for anything that is not a constraint, saying
    what would make it one.
    """
    checked: list[Any] = []
    for index, item in enumerate(declared):
        if isinstance(item, type) and issubclass(item, Constraint):
            try:
                item = item()
            except Exception as error:
                # A TypeError is most often arguments __init__ wants; anything else is
                # the class's own refusal (two rules of one name), said as it is.
                how = " without arguments" if isinstance(error, TypeError) else ""
                raise ArchitectureError(
                    f"{arch_name}: constraint {index}, {class_label(item)}, cannot be "
                    f"made{how}: {error}",
                    architecture=arch_name,
                ) from error
        if not isinstance(item, Constraint):
            raise ArchitectureError(
                f"{arch_name}: constraint {index} is {what_is_no_constraint(item)}",
                architecture=arch_name,
            )
        checked.append(item)
    return tuple(checked)

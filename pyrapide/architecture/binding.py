"""Checks on binding modules to an architecture's components."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pyrapide.architecture.declaration import architecture_spec
from pyrapide.architecture.errors import ArchitectureError, close_match_hint, quoted_list
from pyrapide.types.conformance import conformance_problems, is_subtype
from pyrapide.types.interface import class_label, interface_name

ImplementsOf = Callable[[type], "type | None"]


def binding_problems(
    arch: Any,
    modules: Mapping[str, Any],
    *,
    partial: bool = False,
    implements_of: ImplementsOf | None = None,
) -> list[str]:
    """What is wrong with binding `modules` (component name -> module) to `arch`.

    Reports names that are not components (with a close match), components
    left unbound (unless `partial`), and modules that do not conform to their
    component's interface. When `implements_of` is given (module class -> the
    interface it declares, or None), a module declaring an interface that is
    not a subtype of its component's is refused too. A module may be given as
    a class or an instance. Returns one line per problem, or `[]`.
    """
    spec = architecture_spec(arch)
    components = spec.components
    problems: list[str] = []
    for name, module in modules.items():
        if name not in components:
            problems.append(
                f"{spec.name} has no component {name!r}{close_match_hint(name, components)}; "
                f"components: {quoted_list(components)}"
            )
            continue
        module_cls = module if isinstance(module, type) else type(module)
        iface = components[name]
        declared = implements_of(module_cls) if implements_of is not None else None
        if declared is not None and not is_subtype(declared, iface):
            problems.append(
                f"{name}: {class_label(module_cls)} implements {interface_name(declared)}, "
                f"but component {name!r} is a {interface_name(iface)}"
            )
            continue
        for problem in conformance_problems(module_cls, iface):
            problems.append(
                f"{name}: {class_label(module_cls)} does not conform to "
                f"{interface_name(iface)}: {problem}"
            )
    if not partial:
        unbound = [name for name in components if name not in modules]
        if unbound:
            problems.append(
                f"{spec.name}: no module bound to {quoted_list(unbound)} ("
                + ", ".join(f"{name}: {interface_name(components[name])}" for name in unbound)
                + ")"
            )
    return problems


def check_bindings(
    arch: Any,
    modules: Mapping[str, Any],
    *,
    partial: bool = False,
    implements_of: ImplementsOf | None = None,
) -> None:
    """Raise ArchitectureError listing every problem `binding_problems` finds."""
    problems = binding_problems(arch, modules, partial=partial, implements_of=implements_of)
    if not problems:
        return
    spec = architecture_spec(arch)
    if len(problems) == 1:
        message = f"cannot bind {spec.name}: {problems[0]}"
    else:
        message = f"cannot bind {spec.name}:\n" + "\n".join(f"  - {p}" for p in problems)
    raise ArchitectureError(message, architecture=spec.name, candidates=tuple(spec.components))

"""The @architecture decorator: components, resolved connections and constraints."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType, SimpleNamespace
from typing import Any, ClassVar, Final, get_origin

import pyrapide
from pyrapide.architecture.connections import Connection
from pyrapide.architecture.description import ArchitectureDescription, describe_spec
from pyrapide.architecture.errors import ArchitectureError, close_match_hint, quoted_list
from pyrapide.architecture.resolution import check_constraints, resolve_connections
from pyrapide.types.actions import marks_of
from pyrapide.types.interface import class_label, interface_name, is_interface

SPEC_ATTR: Final = "__rapide_architecture__"

# Attributes @architecture adds to the class; a class body may not define them, and
# no component may be named after them.
PROVIDED_ATTRIBUTES: Final = frozenset(
    {"components", "connections_list", "constraints_list", "describe", "bind"}
)
# Declarations the class body makes about itself, never components.
DECLARATION_ATTRIBUTES: Final = frozenset({"connections", "constraints"})


@dataclass(frozen=True, eq=False)
class ArchitectureSpec:
    """A checked architecture: its components, resolved connections and constraints.

    `components` maps component names to interfaces in declaration order;
    `connections` holds resolved copies (targets are component names or
    callables, `index` their position); `constraints` holds the constraint
    objects the runtime checks as events arrive.
    """

    name: str
    cls: type
    components: Mapping[str, type]
    connections: tuple[Connection, ...]
    constraints: tuple[Any, ...]

    @cached_property
    def description(self) -> ArchitectureDescription:
        """The architecture as data for graph views (computed once)."""
        return describe_spec(self)


def is_architecture(obj: object) -> bool:
    """Whether `obj` is an @architecture class or an instance of one."""
    cls = obj if isinstance(obj, type) else type(obj)
    return SPEC_ATTR in vars(cls)


def architecture_spec(arch: object) -> ArchitectureSpec:
    """The checked declaration of an @architecture class (or of an instance of one).

    Raises TypeError, naming what was given, for anything else.
    """
    cls = arch if isinstance(arch, type) else type(arch)
    spec = vars(cls).get(SPEC_ATTR)
    if spec is None:
        shown = class_label(cls) if isinstance(arch, type) else f"a {class_label(cls)} instance"
        raise TypeError(f"expected an @architecture class, got {shown}")
    return spec


def _has_marked_methods(cls: type) -> bool:
    return any(
        marks_of(value) for klass in cls.__mro__[:-1] for value in vars(klass).values()
    )


def _refuse_undecorated(arch_name: str, member: str, value: Any) -> None:
    """Refuse a component whose class was meant as an interface but is not one."""
    if not isinstance(value, type) or is_interface(value):
        return
    if SPEC_ATTR in vars(value):
        raise ArchitectureError(
            f"{arch_name}.{member}: {class_label(value)} is an @architecture, which cannot "
            f"be a component of another architecture; a component is an @interface, bound "
            f"to a module",
            architecture=arch_name,
        )
    bases = [base for base in value.__mro__[1:] if is_interface(base)]
    if bases:
        reason = f"it extends the interface {class_label(bases[0])} but is not decorated itself"
    elif _has_marked_methods(value):
        reason = "its methods are marked (@action, ...) but the class is not decorated"
    else:
        return
    raise ArchitectureError(
        f"{arch_name}.{member}: {class_label(value)} is not an @interface ({reason}); "
        f"decorate {class_label(value)} with @interface",
        architecture=arch_name,
    )


def _resolve_annotation(arch_name: str, klass: type, member: str, annotation: Any) -> Any:
    if not isinstance(annotation, str):
        return annotation
    module = sys.modules.get(klass.__module__)
    namespace = dict(vars(module)) if module is not None else {}
    try:
        return eval(annotation, namespace, dict(vars(klass)))
    except NameError as error:
        interfaces = [name for name, value in namespace.items() if is_interface(value)]
        missing = getattr(error, "name", None) or annotation
        raise ArchitectureError(
            f"{arch_name}.{member}: annotation {annotation!r} names nothing defined in "
            f"{klass.__module__}{close_match_hint(missing, interfaces)}; interfaces there: "
            f"{quoted_list(interfaces)}",
            architecture=arch_name,
            candidates=interfaces,
        ) from None
    except Exception as error:
        raise ArchitectureError(
            f"{arch_name}.{member}: cannot evaluate annotation {annotation!r}: {error}",
            architecture=arch_name,
        ) from None


def _collect_components(cls: type, arch_name: str) -> dict[str, type]:
    """Components from annotations (`db: DatabaseService`) and class attributes (`db = ...`).

    Base classes come first, so an architecture extending another keeps its
    components and may replace one by declaring the same name.
    """
    components: dict[str, type] = {}
    for klass in reversed(cls.__mro__[:-1]):
        inherited_architecture = klass is not cls and SPEC_ATTR in vars(klass)
        members: dict[str, Any] = {}
        for member, annotation in inspect.get_annotations(klass).items():
            resolved = _resolve_annotation(arch_name, klass, member, annotation)
            if get_origin(resolved) is not ClassVar and resolved is not ClassVar:
                members[member] = resolved
        for member, value in vars(klass).items():
            members.setdefault(member, value)
        for member, value in members.items():
            if member.startswith("__") and member.endswith("__"):
                continue
            if member in PROVIDED_ATTRIBUTES and not inherited_architecture:
                raise ArchitectureError(
                    f"{arch_name} defines {member!r}, which @architecture provides; "
                    f"rename it",
                    architecture=arch_name,
                )
            if member in DECLARATION_ATTRIBUTES:
                continue
            _refuse_undecorated(arch_name, member, value)
            if is_interface(value):
                components[member] = value
            else:
                components.pop(member, None)  # a subclass replaced the component
    return components


def _declaration_self(cls: type, components: Mapping[str, type]) -> Any:
    """The `self` given to `def connections(self)`: component attributes are interfaces.

    It is made without running `__init__`, which may need arguments the
    decorator cannot know.
    """
    try:
        instance: Any = object.__new__(cls)
        vars(instance).update(components)
    except (TypeError, AttributeError):
        return SimpleNamespace(**components)
    return instance


def _declared_items(cls: type, arch_name: str, attribute: str, self_: Any) -> list[Any]:
    """The list a class declares as `attribute = [...]` or returns from `def attribute(self)`."""
    raw = inspect.getattr_static(cls, attribute, None)
    if raw is None:
        return []
    try:
        if isinstance(raw, (staticmethod, classmethod)):
            value = getattr(cls, attribute)()
        elif inspect.isfunction(raw):
            value = raw(self_)
        elif isinstance(raw, property) and raw.fget is not None:
            value = raw.fget(self_)
        else:
            value = raw
    except ArchitectureError:
        raise
    except Exception as error:
        hint = ""
        if isinstance(error, AttributeError):
            hint = (
                f" ({attribute}(self) runs when the class is decorated, on an instance made "
                "without __init__, whose attributes are the components)"
            )
        raise ArchitectureError(
            f"{arch_name}.{attribute}() raised {type(error).__name__}: {error}{hint}",
            architecture=arch_name,
        ) from error
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        raise ArchitectureError(
            f"{arch_name}.{attribute} must be a list, got {type(value).__name__} {value!r}",
            architecture=arch_name,
        )
    return list(value)


def _describe(cls: type) -> ArchitectureDescription:
    """The components and connections of this architecture, for graph views."""
    return architecture_spec(cls).description


def _get_architecture_info(cls: type) -> dict[str, Any]:
    """Summarise this architecture as PyRapide 0.3.0 does."""
    components = architecture_spec(cls).components
    return {
        "components": {name: interface_name(iface) for name, iface in components.items()},
        "component_types": dict(components),
        "is_architecture": True,
    }


def _bind(cls: type, /, **modules: Any) -> Any:
    """Bind modules to components by name (`db=PostgresModule`) and return the System.

    The System refuses, with an ArchitectureError naming each, a missing,
    unknown or non-conforming binding (see `check_bindings`).
    """
    # The runtime sits above this layer, which never imports it: the System comes
    # from the package root, which composes the layers and loads each on first use.
    return pyrapide.System(cls, modules)


def architecture(cls: type) -> type:
    """Check a class as an architecture and record its components and connections.

    Components are class attributes holding interfaces (`db = DatabaseService`)
    or annotations (`db: DatabaseService`). Connections come from
    `connections = [...]` or `def connections(self)`, constraints likewise from
    `constraints`. Each connection target must name exactly one component:
    an interface held by two components, an unknown name or anything else is
    refused with an ArchitectureError naming the candidates.

    The class stays an ordinary class and gains `components` (name ->
    interface), `connections_list`, `constraints_list`, `describe()` and
    `bind(**modules)`; `MySystem()` makes an instance for `Engine().bind`.
    """
    if not isinstance(cls, type):
        raise TypeError(
            f"@architecture decorates a class, got {type(cls).__name__} "
            f"{getattr(cls, '__name__', cls)!r}"
        )
    arch_name = class_label(cls)
    components = _collect_components(cls, arch_name)
    declaration_self = _declaration_self(cls, components)
    declared_connections = _declared_items(cls, arch_name, "connections", declaration_self)
    declared_constraints = _declared_items(cls, arch_name, "constraints", declaration_self)
    spec = ArchitectureSpec(
        name=arch_name,
        cls=cls,
        components=MappingProxyType(components),
        connections=resolve_connections(arch_name, components, declared_connections),
        constraints=check_constraints(arch_name, declared_constraints),
    )
    setattr(cls, SPEC_ATTR, spec)
    cls.components = spec.components  # type: ignore[attr-defined]
    cls.connections_list = spec.connections  # type: ignore[attr-defined]
    cls.constraints_list = spec.constraints  # type: ignore[attr-defined]
    cls.describe = classmethod(_describe)  # type: ignore[attr-defined]
    cls.bind = classmethod(_bind)  # type: ignore[attr-defined]
    if "get_architecture_info" not in vars(cls):
        cls.get_architecture_info = classmethod(_get_architecture_info)  # type: ignore[attr-defined]
    return cls

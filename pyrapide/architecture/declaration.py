"""The @architecture decorator: components, resolved connections and constraints."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType, MethodType, SimpleNamespace
from typing import Any, ClassVar, Final, get_origin, overload

import pyrapide
from pyrapide.architecture.connections import Connection
from pyrapide.architecture.description import ArchitectureDescription, describe_hierarchy
from pyrapide.architecture.errors import ArchitectureError, close_match_hint, quoted_list
from pyrapide.architecture.hierarchy import Hierarchy
from pyrapide.architecture.resolution import check_constraints, resolve_connections
from pyrapide.core.printable import brief_repr, counted, described, described_by_name, message_of
from pyrapide.types.actions import marks_of
from pyrapide.types.conformance import module_record
from pyrapide.types.interface import class_label, interface_actions, interface_name, is_interface

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

    `components` maps component names to interfaces in declaration order (a
    component that is itself an architecture is there as the interface it
    implements); `nested` maps the names of those components to their
    architectures' specs; `connections` holds resolved copies (targets are
    component names or callables, `index` their position); `constraints` holds
    the constraint objects the runtime checks as events arrive; `implements`
    is the interface this architecture implements (`@architecture(implements=
    Iface)`), which lets it be a component of another, or None.
    """

    name: str
    cls: type
    components: Mapping[str, type]
    connections: tuple[Connection, ...]
    constraints: tuple[Any, ...]
    implements: type | None = None
    nested: Mapping[str, ArchitectureSpec] = field(default_factory=lambda: MappingProxyType({}))

    @cached_property
    def hierarchy(self) -> Hierarchy:
        """The components of this architecture and of those inside it, by path, with
        every connection numbered once (computed once; see :mod:`.hierarchy`)."""
        return Hierarchy.of(self)

    @cached_property
    def description(self) -> ArchitectureDescription:
        """The architecture as data for graph views (computed once)."""
        return describe_hierarchy(self.hierarchy)


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


def _nested_spec(arch_name: str, member: str, value: Any) -> ArchitectureSpec | None:
    """The spec of an @architecture used as a component; None for anything else.

    Refused, with what would make it a component, when it implements no interface:
    the enclosing architecture sees a component only through its interface.
    """
    if not isinstance(value, type):
        return None
    spec: ArchitectureSpec | None = vars(value).get(SPEC_ATTR)
    if spec is not None and spec.implements is None:
        raise ArchitectureError(
            f"{arch_name}.{member}: {class_label(value)} is an @architecture that implements "
            f"no interface, so it cannot be a component of another architecture; declare "
            f"it @architecture(implements=SomeInterface), the interface its components' "
            f"events are seen through, or make {member} an @interface bound to a module",
            architecture=arch_name,
        )
    return spec


def _refuse_undecorated(arch_name: str, member: str, value: Any) -> None:
    """Refuse a component whose class was meant as an interface but is not one."""
    if not isinstance(value, type) or is_interface(value):
        return
    record = module_record(value)
    if record is not None:
        implements = getattr(record, "implements", None)
        if implements is not None:
            how = (
                f"declare `{member} = {class_label(implements)}` and bind the module to it: "
                f"{arch_name}.bind({member}={class_label(value)}, ...)"
            )
        else:
            how = f"declare `{member}` as an @interface and bind the module to it"
        raise ArchitectureError(
            f"{arch_name}.{member}: {class_label(value)} is a @module; a component is an "
            f"@interface (or an architecture implementing one), and modules are bound to "
            f"components, not declared as them: {how}",
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


def _collect_components(
    cls: type, arch_name: str
) -> tuple[dict[str, type], dict[str, ArchitectureSpec]]:
    """Components from annotations (`db: DatabaseService`) and class attributes (`db = ...`),
    and which of them are architectures (`payments = PaymentsDept`), by name.

    Base classes come first, so an architecture extending another keeps its
    components and may replace one by declaring the same name.
    """
    components: dict[str, type] = {}
    nested: dict[str, ArchitectureSpec] = {}
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
            inner = _nested_spec(arch_name, member, value)
            if inner is not None:
                components[member] = inner.implements  # type: ignore[assignment]
                nested[member] = inner
                continue
            nested.pop(member, None)
            _refuse_undecorated(arch_name, member, value)
            if is_interface(value):
                components[member] = value
            else:
                components.pop(member, None)  # a subclass replaced the component
    return components, nested


def _check_implemented(
    arch_name: str, implements: type | None, components: Mapping[str, type]
) -> None:
    """Refuse an architecture none of whose components can emit some action of the
    interface it implements: from outside it could never be seen to."""
    if implements is None:
        return
    if not is_interface(implements):
        raise ArchitectureError(
            f"@architecture(implements=...) for {arch_name} expects an @interface class, "
            f"got {brief_repr(implements)}",
            architecture=arch_name,
        )
    declared: set[str] = set()
    for iface in components.values():
        declared.update(interface_actions(iface))
    missing = [name for name in interface_actions(implements) if name not in declared]
    if missing:
        iface_name = class_label(implements)
        raise ArchitectureError(
            f"{arch_name} implements {interface_name(implements)}, but none of its "
            f"components declares {quoted_list(missing)}: what a nested architecture shows "
            f"outside are the events its components emit under its interface's names; add "
            f"a component that emits them (say `desk = {iface_name}`, bound to a module)",
            architecture=arch_name,
            candidates=missing,
        )


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


def declared_by(arch: object) -> type:
    """The architecture class to run for ``arch``, an @architecture class or instance.

    A class, or an instance with no attributes of its own, is its class. An
    instance made with arguments (``Monitored(threshold=5)``) may declare
    connections or constraints that read them, in ``def connections(self)`` or in
    a guard it returns (``lambda e: e.payload["level"] > self.threshold``); as
    PyRapide 0.3.0 ran what the instance given to its engine declared, those
    methods are called on the instance, and what they return is checked as the
    declaration of a subclass, named as the class is.
    """
    cls = arch if isinstance(arch, type) else type(arch)
    spec = architecture_spec(cls)
    if arch is cls or not getattr(arch, "__dict__", None):
        return cls
    declared = {
        attribute: _declared_items(cls, spec.name, attribute, arch, on_instance=True)
        for attribute in ("connections", "constraints")
        if inspect.isfunction(raw := inspect.getattr_static(cls, attribute, None))
        or isinstance(raw, property)
    }
    if not declared:
        return cls
    own = type(
        cls.__name__,
        (cls,),
        {
            **declared,
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__,
        },
    )
    return _declare(own, spec.implements)


def _declared_items(
    cls: type, arch_name: str, attribute: str, self_: Any, *, on_instance: bool = False
) -> list[Any]:
    """The list a class declares as `attribute = [...]` or returns from `def attribute(self)`,
    called with `self_`: the declaration's own instance, or (``on_instance``) the user's."""
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
                f" ({attribute}(self) ran on the {arch_name} instance given to run)"
                if on_instance
                else f" ({attribute}(self) runs when the class is decorated, on an instance "
                "made without __init__, whose attributes are the components)"
            )
        raise ArchitectureError(
            f"{arch_name}.{attribute}() raised {type(error).__name__}: {message_of(error)}{hint}",
            architecture=arch_name,
        ) from error
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        raise ArchitectureError(
            f"{arch_name}.{attribute} must be a list, got {described(value)}",
            architecture=arch_name,
        )
    if isinstance(value, set | frozenset):
        # A set of objects hashed by identity iterates in an order the memory layout
        # picks (the working directory or an earlier import changes it), and the order
        # written is the order connections are numbered and their deliveries queued.
        raise ArchitectureError(
            f"{arch_name}.{attribute} must be a list, got a {type(value).__name__} of "
            f"{counted(len(value), 'item')}: a set has no order of its own, and the "
            f"{attribute} are taken in the order written",
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


def _bind(arch: Any, /, **modules: Any) -> Any:
    """Bind modules to components by name (`db=PostgresModule`) and return the System.

    Called on the class (`MySystem.bind(...)`) it runs what the class declares; on an
    instance made with arguments (`Monitored(threshold=5).bind(...)`), what that
    instance declares, as `System(instance, ...)` and `engine.run(instance)` do (see
    `declared_by`). The System refuses, with an ArchitectureError naming each, a
    missing, unknown or non-conforming binding (see `check_bindings`).
    """
    # The runtime sits above this layer, which never imports it: the System comes
    # from the package root, which composes the layers and loads each on first use.
    return pyrapide.System(arch, modules)


class _BindMethod:
    """`bind` as an architecture offers it: bound to the class when read from the
    class, and to the instance when read from an instance, so that an instance's
    arguments are not dropped as a classmethod would drop them."""

    def __get__(self, instance: object, owner: type | None = None) -> Callable[..., Any]:
        return MethodType(_bind, owner if instance is None else instance)


@overload
def architecture(cls: type, /) -> type: ...
@overload
def architecture(*, implements: type | None = None) -> Callable[[type], type]: ...


def architecture(cls: type | None = None, /, *, implements: type | None = None) -> Any:
    """Check a class as an architecture and record its components and connections.

    Components are class attributes holding interfaces (`db = DatabaseService`)
    or annotations (`db: DatabaseService`). Connections come from
    `connections = [...]` or `def connections(self)`, constraints likewise from
    `constraints`. Each connection target must name exactly one component:
    an interface held by two components, an unknown name or anything else is
    refused with an ArchitectureError naming the candidates.

    `@architecture(implements=Iface)` makes an architecture that can itself be
    a component (`payments = PaymentsDept` in another architecture, or bound
    to an `Iface` component in place of a module). Seen from outside it is an
    `Iface`: the events its components emit under `Iface`'s action names are
    what the enclosing architecture routes, and what the enclosing architecture
    delivers to it is offered to its own connections. Every action of `Iface`
    must be declared by one of its components (refused otherwise). An
    architecture without `implements`, or a `@module` class, used as a
    component is refused with a message saying what to write instead.

    The class stays an ordinary class and gains `components` (name ->
    interface), `connections_list`, `constraints_list`, `describe()` and
    `bind(**modules)`; `MySystem()` makes an instance for `Engine().bind`.
    """
    if cls is None:
        def decorate(target: type) -> type:
            return _declare(target, implements)

        return decorate
    return _declare(cls, implements)


def _declare(cls: type, implements: type | None) -> type:
    if not isinstance(cls, type):
        raise TypeError(f"@architecture decorates a class, got {described_by_name(cls)}")
    arch_name = class_label(cls)
    components, nested = _collect_components(cls, arch_name)
    _check_implemented(arch_name, implements, components)
    declaration_self = _declaration_self(cls, components)
    declared_connections = _declared_items(cls, arch_name, "connections", declaration_self)
    declared_constraints = _declared_items(cls, arch_name, "constraints", declaration_self)
    nested_classes = {name: inner.cls for name, inner in nested.items()}
    spec = ArchitectureSpec(
        name=arch_name,
        cls=cls,
        components=MappingProxyType(components),
        connections=resolve_connections(
            arch_name, components, declared_connections, nested_classes
        ),
        constraints=check_constraints(arch_name, declared_constraints),
        implements=implements,
        nested=MappingProxyType(nested),
    )
    setattr(cls, SPEC_ATTR, spec)
    # A component declared by annotation alone (`db: DatabaseService`) becomes a class
    # attribute, as one declared `db = DatabaseService` is: `self.db` then reads the same
    # in `def connections(self)` on any instance, one made with arguments included.
    for name, iface in components.items():
        if name not in vars(cls):
            setattr(cls, name, iface)
    cls.components = spec.components  # type: ignore[attr-defined]
    cls.connections_list = spec.connections  # type: ignore[attr-defined]
    cls.constraints_list = spec.constraints  # type: ignore[attr-defined]
    cls.describe = classmethod(_describe)  # type: ignore[attr-defined]
    cls.bind = _BindMethod()  # type: ignore[attr-defined]
    if "get_architecture_info" not in vars(cls):
        cls.get_architecture_info = classmethod(_get_architecture_info)  # type: ignore[attr-defined]
    return cls

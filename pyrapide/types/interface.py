"""The @interface decorator: a class whose marked methods form a component's type."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, overload

from pyrapide.core.printable import brief_repr, described, described_by_name
from pyrapide.core.printable import class_label as class_label
from pyrapide.types.actions import (
    ACTION,
    BEHAVIOR,
    PROVIDES,
    REQUIRES,
    ActionSpec,
    action_params,
    marks_of,
)

# Where @interface keeps a class's InterfaceInfo, in the class's own __dict__ so that
# an undecorated subclass of an interface is not mistaken for a decorated one.
INFO_ATTR: Final = "__rapide_interface__"


@dataclass(frozen=True, slots=True)
class InterfaceInfo:
    """What an interface declares, computed once when the class is decorated.

    The method-name sets include inherited members. `services` maps class
    attributes holding other interfaces (or plain nested classes with marked
    methods) to their info; their actions join this
    interface's alphabet as `"Outer.attribute.action"`. `action_specs` is keyed
    by qualified event name, in declaration order (base classes first).
    """

    name: str
    cls: type
    actions: frozenset[str]
    provides: frozenset[str]
    requires: frozenset[str]
    behaviors: frozenset[str]
    services: Mapping[str, InterfaceInfo]
    action_specs: Mapping[str, ActionSpec]
    methods: Mapping[str, Callable[..., Any]]

    @property
    def event_alphabet(self) -> frozenset[str]:
        """Every event name the interface can emit, services included."""
        return frozenset(self.action_specs)

    @property
    def operations(self) -> frozenset[str]:
        """The names subtyping compares: actions and provided methods."""
        return self.actions | self.provides

    def as_dict(self) -> dict[str, Any]:
        """The summary PyRapide 0.3.0's `get_interface_info()` returns."""
        return {
            "actions": set(self.actions),
            "provides": set(self.provides),
            "requires": set(self.requires),
            "behaviors": set(self.behaviors),
            "services": {
                attribute: {
                    "actions": set(service.actions),
                    "provides": set(service.provides),
                    "requires": set(service.requires),
                    "behaviors": set(service.behaviors),
                }
                for attribute, service in self.services.items()
            },
            "event_alphabet": set(self.event_alphabet),
        }


def is_interface(obj: object) -> bool:
    """Whether `obj` is a class decorated with @interface (not merely a subclass of one)."""
    return isinstance(obj, type) and INFO_ATTR in vars(obj)


def _collect_members(cls: type) -> tuple[dict[str, Any], dict[str, frozenset[str]]]:
    """Each member's most-derived definition and the union of its marks over the MRO.

    Marks accumulate along the MRO so that an interface extending another keeps
    every action of its base (it stays a subtype) even where it overrides a
    method to change its signature or docstring.
    """
    definitions: dict[str, Any] = {}
    marks: dict[str, frozenset[str]] = {}
    for klass in reversed(cls.__mro__[:-1]):  # base first; `object` contributes nothing
        for name, value in vars(klass).items():
            if name.startswith("__") and name.endswith("__"):
                continue
            definitions[name] = value
            marks[name] = marks.get(name, frozenset()) | marks_of(value)
    return definitions, marks


def _is_service(cls: type, value: Any) -> bool:
    """Whether a class attribute of interface `cls` is a service of it.

    A service is a class held by the interface, either an @interface or a plain
    nested class with marked methods (PyRapide 0.3.0 reads both), but never the
    interface itself or one of its bases.
    """
    if not isinstance(value, type) or value is cls or value in cls.__mro__:
        return False
    if is_interface(value):
        return True
    return any(marks_of(member) for klass in value.__mro__[:-1] for member in vars(klass).values())


def _build_info(cls: type, name: str) -> InterfaceInfo:
    definitions, marks = _collect_members(cls)
    roles: dict[str, list[str]] = {ACTION: [], PROVIDES: [], REQUIRES: [], BEHAVIOR: []}
    methods: dict[str, Callable[..., Any]] = {}
    services: dict[str, InterfaceInfo] = {}
    specs: dict[str, ActionSpec] = {}
    for member, value in definitions.items():
        member_marks = marks[member]
        if _is_service(cls, value):
            services[member] = interface_info(value)
            continue
        if not member_marks:
            continue
        function = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
        if not callable(function):
            role = sorted(member_marks)[0]
            raise TypeError(
                f"interface {name}: {member!r} is marked @{role} in a base class but "
                f"{class_label(cls)} replaces it with a non-method {value!r}"
            )
        methods[member] = function
        for role in member_marks:
            roles[role].append(member)
        if ACTION in member_marks:
            params, extra_fields = action_params(
                function, bound=not isinstance(value, staticmethod)
            )
            event_name = f"{name}.{member}"
            specs[event_name] = ActionSpec(
                name=event_name,
                interface=cls,
                method=member,
                params=params,
                extra_fields=extra_fields,
                function=function,
            )
    for attribute, service in services.items():
        for spec in service.action_specs.values():
            relative = spec.name[len(service.name) + 1 :]
            event_name = f"{name}.{attribute}.{relative}"
            specs[event_name] = dataclasses.replace(spec, name=event_name)
    return InterfaceInfo(
        name=name,
        cls=cls,
        actions=frozenset(roles[ACTION]),
        provides=frozenset(roles[PROVIDES]),
        requires=frozenset(roles[REQUIRES]),
        behaviors=frozenset(roles[BEHAVIOR]),
        services=MappingProxyType(services),
        action_specs=MappingProxyType(specs),
        methods=MappingProxyType(methods),
    )


def _get_interface_info(cls: type) -> dict[str, Any]:
    """Summarise this interface as PyRapide 0.3.0 does (sets of method names)."""
    return interface_info(cls).as_dict()


@overload
def interface(cls: type, /) -> type: ...
@overload
def interface(*, name: str | None = None) -> Callable[[type], type]: ...


def interface(cls: type | None = None, /, *, name: str | None = None) -> Any:
    """Make a class an interface: the type of a component in an architecture.

    Its `@action` methods are the events a component of this type can emit,
    named `"<Interface>.<method>"`; `@provides`, `@requires` and `@behavior`
    mark the other kinds of member. An interface may extend another (it
    inherits the base's members, and is then a subtype of it) and may hold
    services: other interfaces as class attributes, or nested classes whose
    methods are marked, whose actions are named `"<Interface>.<attribute>.<action>"`.

    Use as `@interface` or `@interface(name="Db")` to name the events
    differently from the class. The class is returned, unchanged but for the
    recorded declaration. Raises TypeError for anything but a class.
    """
    if cls is None:
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise TypeError(
                f"@interface(name=...) needs a non-empty string, got {brief_repr(name)}"
            )
        return lambda target: _decorate(target, name)
    return _decorate(cls, name)


def _decorate(cls: Any, name: str | None) -> type:
    if not isinstance(cls, type):
        raise TypeError(f"@interface decorates a class, got {described_by_name(cls)}")
    info = _build_info(cls, name or cls.__name__)
    setattr(cls, INFO_ATTR, info)
    if "get_interface_info" not in vars(cls):
        cls.get_interface_info = classmethod(_get_interface_info)  # type: ignore[attr-defined]
    return cls


def interface_info(iface: type) -> InterfaceInfo:
    """The declaration of `iface`.

    For a class not decorated with @interface, the declaration is read from
    its marked methods each time (as PyRapide 0.3.0 does), so subtyping and
    conformance questions about plain classes still get an answer. Raises
    TypeError for a non-class.
    """
    if not isinstance(iface, type):
        raise TypeError(f"expected an interface class, got {described(iface)}")
    info = vars(iface).get(INFO_ATTR)
    if info is not None:
        return info
    return _build_info(iface, iface.__name__)


def interface_name(iface: type) -> str:
    """The name that qualifies `iface`'s events (`"DatabaseService"`)."""
    return interface_info(iface).name


_SPECS: dict[tuple[type, str], ActionSpec | None] = {}


def action_spec(iface: type | None, name: str) -> ActionSpec | None:
    """The ActionSpec of event ``name`` in ``iface`` (None: no interface, or it does not
    declare ``name``); remembered, since every emit asks."""
    if iface is None:
        return None
    key = (iface, name)
    try:
        return _SPECS[key]
    except KeyError:
        spec = _SPECS[key] = interface_actions(iface).get(name)
        return spec


def unmarked_action(interfaces: Iterable[type], name: str) -> str | None:
    """``the method Door.closed is not marked @action (mark it to declare the event)``
    when ``name`` (qualified: ``"Door.closed"``) is a method of one of ``interfaces``
    written without ``@action``, else None: an interface reads only its marked members,
    and a forgotten decorator is the likeliest reason for such a name to be unknown."""
    interface, _, method = name.rpartition(".")
    for iface in interfaces:
        if interface_name(iface) == interface and callable(
            inspect.getattr_static(iface, method, None)
        ):
            return (
                f"the method {iface.__qualname__}.{method} is not marked @action "
                "(mark it to declare the event)"
            )
    return None


def interface_actions(iface: type) -> Mapping[str, ActionSpec]:
    """The actions of `iface` keyed by qualified event name, in declaration order.

    A read-only mapping: `interface_actions(DatabaseService)["DatabaseService.result"]`
    is that action's `ActionSpec`.
    """
    return interface_info(iface).action_specs

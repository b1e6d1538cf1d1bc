"""A plain-data description of an architecture, for graph views and tools."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyrapide.architecture.connections import pattern_text, target_label
from pyrapide.types.interface import interface_actions, interface_name

if TYPE_CHECKING:
    from pyrapide.architecture.declaration import ArchitectureSpec

@dataclass(frozen=True, slots=True)
class ComponentDescription:
    """A component: its name, its interface's name and the events it can emit."""

    name: str
    interface: str
    actions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {"name": self.name, "interface": self.interface, "actions": list(self.actions)}


@dataclass(frozen=True, slots=True)
class ConnectionDescription:
    """A connection as a graph edge.

    `sources` are the components whose actions the pattern can match, in
    component order; None when the pattern can match any event name (so any
    component, and injected events, may feed it). `target` is the target
    component's name or a callable's name; `target_is_component` tells which.
    """

    index: int
    kind: str
    pattern: str
    sources: tuple[str, ...] | None
    target: str
    target_is_component: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (`sources` is null for "any")."""
        return {
            "index": self.index,
            "kind": self.kind,
            "pattern": self.pattern,
            "sources": None if self.sources is None else list(self.sources),
            "target": self.target,
            "target_is_component": self.target_is_component,
        }


@dataclass(frozen=True, slots=True)
class ArchitectureDescription:
    """An architecture's components and connections, in declaration order."""

    name: str
    components: tuple[ComponentDescription, ...]
    connections: tuple[ConnectionDescription, ...]
    constraints: tuple[str, ...] = ()

    def component(self, name: str) -> ComponentDescription:
        """The component called `name`; KeyError naming the components if none is."""
        for component in self.components:
            if component.name == name:
                return component
        known = ", ".join(component.name for component in self.components)
        raise KeyError(f"{self.name} has no component {name!r} (components: {known})")

    def connections_into(self, name: str) -> tuple[ConnectionDescription, ...]:
        """The connections delivering to component `name`."""
        return tuple(
            c for c in self.connections if c.target_is_component and c.target == name
        )

    def connections_from(self, name: str) -> tuple[ConnectionDescription, ...]:
        """The connections whose pattern can match an event that component `name` emits."""
        return tuple(c for c in self.connections if c.sources is None or name in c.sources)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "name": self.name,
            "components": [component.to_dict() for component in self.components],
            "connections": [connection.to_dict() for connection in self.connections],
            "constraints": list(self.constraints),
        }

    def __str__(self) -> str:
        lines = [f"architecture {self.name}"]
        lines += [f"  {c.name}: {c.interface}" for c in self.components]
        for connection in self.connections:
            sources = "*" if connection.sources is None else ", ".join(connection.sources) or "-"
            lines.append(
                f"  #{connection.index} {connection.kind} {connection.pattern}: "
                f"{sources} -> {connection.target}"
            )
        return "\n".join(lines)


class _SourceIndex:
    """Which components can emit which event names, built once per description."""

    def __init__(self, components: tuple[ComponentDescription, ...]) -> None:
        self._order = {component.name: position for position, component in enumerate(components)}
        self._emitters: dict[str, list[str]] = {}
        for component in components:
            for event_name in component.actions:
                self._emitters.setdefault(event_name, []).append(component.name)

    def sources(self, pattern_names: frozenset[str]) -> tuple[str, ...]:
        """The components that emit any of `pattern_names`, in component order."""
        found: set[str] = set()
        for name in pattern_names:
            found.update(self._emitters.get(name, ()))
        return tuple(sorted(found, key=self._order.__getitem__))


def _pattern_event_names(pattern: Any) -> frozenset[str] | None:
    try:
        names = pattern.event_names()
    except Exception:
        return None
    if names is None or "*" in names:
        return None
    return frozenset(names)


def _constraint_label(constraint: Any) -> str:
    name = getattr(constraint, "name", None)
    return name if isinstance(name, str) and name else type(constraint).__name__


def describe_spec(spec: ArchitectureSpec) -> ArchitectureDescription:
    """Describe a checked architecture (see `ArchitectureSpec.description`)."""
    components = tuple(
        ComponentDescription(
            name=name,
            interface=interface_name(iface),
            actions=tuple(interface_actions(iface)),
        )
        for name, iface in spec.components.items()
    )
    source_index = _SourceIndex(components)
    connections: list[ConnectionDescription] = []
    for connection in spec.connections:
        names = _pattern_event_names(connection.pattern)
        sources = None if names is None else source_index.sources(names)
        connections.append(
            ConnectionDescription(
                index=connection.index if connection.index is not None else len(connections),
                kind=connection.kind,
                pattern=pattern_text(connection.pattern),
                sources=sources,
                target=target_label(connection.target),
                target_is_component=connection.targets_component,
            )
        )
    return ArchitectureDescription(
        name=spec.name,
        components=components,
        connections=tuple(connections),
        constraints=tuple(_constraint_label(c) for c in spec.constraints),
    )

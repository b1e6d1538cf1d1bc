"""A plain-data description of an architecture, for graph views and tools."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyrapide.architecture.connections import pattern_text, target_label
from pyrapide.patterns import BasicPattern, Pattern
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
    component order: for each basic part of the pattern, the components that
    emit its event name, narrowed to the one it names when it names a source
    (`from "api"`; a placeholder source does not narrow). None when a part
    matches any event name from any source (so any component, and injected
    events, may feed it). `unknown_sources` are the sources the pattern names
    that are no component of the architecture, in the order written (only
    injected events can carry them). `target` is the target component's name
    or a callable's name; `target_is_component` tells which.
    """

    index: int
    kind: str
    pattern: str
    sources: tuple[str, ...] | None
    target: str
    target_is_component: bool
    unknown_sources: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (`sources` is null for "any")."""
        return {
            "index": self.index,
            "kind": self.kind,
            "pattern": self.pattern,
            "sources": None if self.sources is None else list(self.sources),
            "target": self.target,
            "target_is_component": self.target_is_component,
            "unknown_sources": list(self.unknown_sources),
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
        self._emitters: dict[str, set[str]] = {}
        for component in components:
            for event_name in component.actions:
                self._emitters.setdefault(event_name, set()).add(component.name)

    def sources(self, pattern: Pattern) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
        """The components that can feed `pattern` (None: any), and the sources it names
        that are no component; both as `ConnectionDescription` documents them."""
        found: set[str] = set()
        unknown: dict[str, None] = {}  # an ordered set: the order the pattern names them
        from_anywhere = False
        for part in _basic_parts(pattern):
            names = _event_names(part)
            source = part.source_matcher if isinstance(part, BasicPattern) else None
            if not isinstance(source, str):  # no source, or a placeholder: any source
                if names is None:
                    from_anywhere = True
                else:
                    found.update(self._emitters_of(names))
            elif source not in self._order:
                unknown[source] = None
            elif names is None or source in self._emitters_of(names):
                found.add(source)
        if from_anywhere:
            return None, tuple(unknown)
        return tuple(sorted(found, key=self._order.__getitem__)), tuple(unknown)

    def _emitters_of(self, names: frozenset[str]) -> set[str]:
        emitters: set[str] = set()
        for name in names:
            emitters.update(self._emitters.get(name, ()))
        return emitters


def _basic_parts(pattern: Pattern) -> list[Pattern]:
    """The leaves of a pattern: its basic patterns, or any pattern with no children
    (a user-defined kind, read through its `event_names()` only)."""
    parts: list[Pattern] = []
    pending = [pattern]
    while pending:
        current = pending.pop()
        try:
            children = current.children()
        except Exception:
            children = ()
        if isinstance(current, BasicPattern) or not children:
            parts.append(current)
        else:
            pending.extend(reversed(children))
    return parts


def _event_names(pattern: Pattern) -> frozenset[str] | None:
    """The names `pattern` can match; None for any name (or when it cannot say)."""
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
        sources, unknown_sources = source_index.sources(connection.pattern)
        connections.append(
            ConnectionDescription(
                index=connection.index if connection.index is not None else len(connections),
                kind=connection.kind,
                pattern=pattern_text(connection.pattern),
                sources=sources,
                target=target_label(connection.target),
                target_is_component=connection.targets_component,
                unknown_sources=unknown_sources,
            )
        )
    return ArchitectureDescription(
        name=spec.name,
        components=components,
        connections=tuple(connections),
        constraints=tuple(_constraint_label(c) for c in spec.constraints),
    )

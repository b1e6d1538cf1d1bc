"""A plain-data description of an architecture, for graph views and tools."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyrapide.architecture.connections import pattern_text, target_label
from pyrapide.architecture.hierarchy import child_path
from pyrapide.patterns import BasicPattern, Pattern
from pyrapide.patterns.algebra import (
    basic_parts,
    is_from,
    name_glob,
    names_among,
    scoped_source,
)
from pyrapide.types.interface import interface_actions, interface_name

if TYPE_CHECKING:
    from pyrapide.architecture.hierarchy import Hierarchy


@dataclass(frozen=True, slots=True)
class ComponentDescription:
    """A component: its name, its interface's name and the events it can emit.

    ``path`` names it in the whole system (``payments.ledger``; the same as
    ``name`` for a component of the outermost architecture). A component that is
    itself an architecture has that architecture's name as ``architecture`` and
    its own components as ``children``; any other has None and ``()``.
    """

    name: str
    interface: str
    actions: tuple[str, ...]
    path: str = ""
    architecture: str | None = None
    children: tuple[ComponentDescription, ...] = ()

    def __post_init__(self) -> None:
        if not self.path:
            object.__setattr__(self, "path", self.name)

    @property
    def is_nested(self) -> bool:
        """True for a component that is an architecture."""
        return self.architecture is not None

    def walk(self) -> Iterator[ComponentDescription]:
        """This component, then those inside it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (``path``, ``architecture`` and ``children`` only for what
        is nested: a flat architecture's form is what it always was)."""
        data: dict[str, Any] = {
            "name": self.name,
            "interface": self.interface,
            "actions": list(self.actions),
        }
        if self.path != self.name:
            data["path"] = self.path
        if self.architecture is not None:
            data["architecture"] = self.architecture
            data["children"] = [child.to_dict() for child in self.children]
        return data


@dataclass(frozen=True, slots=True)
class PatternPart:
    """A basic part of a connection's pattern, as routing reads it: the ``event`` name it
    names (``*``: any name; a name with ``*`` in it: the names it completes) and the
    ``source`` it names, a component path (None: any source, a placeholder too)."""

    event: str
    source: str | None = None

    def takes(self, name: str, source: str) -> bool:
        """Whether an event ``name`` from ``source`` (a path) can match this part: its
        name is the one named, or completes it, and it comes from the source named or
        from inside it."""
        if self.source is not None and not is_from(source, self.source):
            return False
        if self.event in ("*", name):
            return True
        glob = name_glob(self.event)
        return glob is not None and glob.matches(name)


def pattern_parts(pattern: Pattern, scope: str = "") -> tuple[PatternPart, ...]:
    """The basic parts of ``pattern`` read inside the architecture at ``scope`` (its
    sources then paths below it); a part of a kind of the user's making names the
    events its ``event_names()`` gives, from any source."""
    parts: list[PatternPart] = []
    for part in basic_parts(pattern):
        if isinstance(part, BasicPattern):
            source = part.source_matcher
            named = scoped_source(scope, source) if isinstance(source, str) else None
            parts.append(PatternPart(part.event_name, named))
        else:
            names = _event_names(part)
            parts.extend(PatternPart(name) for name in sorted(names or ("*",)))
    return tuple(parts)


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

    `scope` is the path of the nested architecture the connection belongs to
    ("" for the outermost one); sources and target are then component paths
    (``payments.ledger``), and sources are the components of that architecture.
    For a connection of a nested architecture, `sources == ()` means it is fed
    by what the architecture around delivers to it.

    `parts` are the basic parts of the pattern (see `PatternPart`): what `may_take`
    reads, and what the pattern's text cannot always say (a guard written in Python
    has no text the parser takes).
    """

    index: int
    kind: str
    pattern: str
    sources: tuple[str, ...] | None
    target: str
    target_is_component: bool
    unknown_sources: tuple[str, ...] = ()
    scope: str = ""
    parts: tuple[PatternPart, ...] = ()

    def may_take(self, name: str, source: str) -> bool:
        """Whether an event ``name`` from ``source`` (a component path) can match a part
        of the pattern, and so be delivered through this connection (its fields and
        guards, which the event may still fail, aside)."""
        return any(part.takes(name, source) for part in self.parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (`sources` is null for "any"; `scope` only when nested)."""
        data: dict[str, Any] = {
            "index": self.index,
            "kind": self.kind,
            "pattern": self.pattern,
            "sources": None if self.sources is None else list(self.sources),
            "target": self.target,
            "target_is_component": self.target_is_component,
            "unknown_sources": list(self.unknown_sources),
        }
        if self.scope:
            data["scope"] = self.scope
        return data


@dataclass(frozen=True, slots=True)
class ArchitectureDescription:
    """An architecture's components and connections, in declaration order.

    `components` are the architecture's own; one that is an architecture holds
    its own as `children` (see :meth:`walk`). `connections` are those of every
    architecture in the tree, by index (:meth:`inside` gives one nested
    architecture's view). `scope` is the path this description is of ("" for
    the outermost architecture).
    """

    name: str
    components: tuple[ComponentDescription, ...]
    connections: tuple[ConnectionDescription, ...]
    constraints: tuple[str, ...] = ()
    scope: str = ""

    def walk(self) -> Iterator[ComponentDescription]:
        """Every component, at every level, depth first in declaration order."""
        for component in self.components:
            yield from component.walk()

    @property
    def is_nested(self) -> bool:
        """True when some component is an architecture."""
        return any(component.is_nested for component in self.components)

    def component(self, name: str) -> ComponentDescription:
        """The component called `name` (a path for one inside a nested architecture:
        ``payments.ledger``); KeyError naming the components if none is."""
        for component in self.walk():
            if component.path == name:
                return component
        known = ", ".join(component.path for component in self.walk())
        raise KeyError(f"{self.name} has no component {name!r} (components: {known})")

    def inside(self, path: str) -> ArchitectureDescription:
        """The description of the nested architecture at component ``path``: its
        components and its own connections. KeyError for a path that is no component,
        ValueError for one that is not an architecture."""
        component = self.component(path)
        if component.architecture is None:
            raise ValueError(
                f"{path} is a component (interface {component.interface}) bound to a module, "
                "not an architecture"
            )
        return ArchitectureDescription(
            name=component.architecture,
            components=component.children,
            connections=tuple(c for c in self.connections if c.scope == path),
            constraints=tuple(
                label.partition(": ")[2] for label in self.constraints
                if label.startswith(f"{path}: ")
            ),
            scope=path,
        )

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
        for component in self.walk():
            depth = component.path.count(".") - self.scope.count(".") - (1 if self.scope else 0)
            inner = f" = {component.architecture}" if component.architecture else ""
            lines.append(f"  {'  ' * depth}{component.name}: {component.interface}{inner}")
        for connection in self.connections:
            sources = "*" if connection.sources is None else ", ".join(connection.sources) or "-"
            lines.append(
                f"  #{connection.index} {connection.kind} {connection.pattern}: "
                f"{sources} -> {connection.target}"
            )
        return "\n".join(lines)


class _SourceIndex:
    """Which components of one architecture can emit which event names, built once per
    description (components by path; ``scope`` the architecture's path)."""

    def __init__(self, components: tuple[ComponentDescription, ...], scope: str = "") -> None:
        self._scope = scope
        self._order = {component.path: position for position, component in enumerate(components)}
        self._emitters: dict[str, set[str]] = {}
        for component in components:
            for event_name in component.actions:
                self._emitters.setdefault(event_name, set()).add(component.path)

    def _owner(self, source: str) -> str | None:
        """The component of this architecture that ``source`` (a path) is, or is inside."""
        for path in self._order:
            if is_from(source, path):
                return path
        return None

    def sources(self, pattern: Pattern) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
        """The components that can feed `pattern` (None: any), and the sources it names
        that are no component; both as `ConnectionDescription` documents them."""
        found: set[str] = set()
        unknown: dict[str, None] = {}  # an ordered set: the order the pattern names them
        from_anywhere = False
        for part in basic_parts(pattern):
            # ``Sensor.*``: the names it completes that this architecture declares.
            names = (
                names_among(part, self._emitters)
                if isinstance(part, BasicPattern)
                else _event_names(part)
            )
            source = part.source_matcher if isinstance(part, BasicPattern) else None
            if not isinstance(source, str):  # no source, or a placeholder: any source
                if names is None:
                    from_anywhere = True
                else:
                    found.update(self._emitters_of(names))
                continue
            owner = self._owner(scoped_source(self._scope, source))
            if owner is None:
                unknown[source] = None
            elif names is None or owner in self._emitters_of(names):
                found.add(owner)
        if from_anywhere:
            return None, tuple(unknown)
        return tuple(sorted(found, key=self._order.__getitem__)), tuple(unknown)

    def _emitters_of(self, names: frozenset[str]) -> set[str]:
        emitters: set[str] = set()
        for name in names:
            emitters.update(self._emitters.get(name, ()))
        return emitters


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


def describe_hierarchy(hierarchy: Hierarchy) -> ArchitectureDescription:
    """Describe a checked architecture and those nested in it (see
    `ArchitectureSpec.description`; a System describes its own hierarchy, which
    its bindings may have changed)."""
    components = {scope: _components(hierarchy, scope) for scope in hierarchy.scopes}
    connections: list[ConnectionDescription] = []
    constraints: list[str] = []
    for scope_path, scope in hierarchy.scopes.items():
        source_index = _SourceIndex(components[scope_path], scope_path)
        for connection in hierarchy.connections_in(scope_path):
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
                    scope=scope_path,
                    parts=pattern_parts(connection.pattern, scope_path),
                )
            )
        prefix = f"{scope_path}: " if scope_path else ""
        constraints.extend(prefix + _constraint_label(c) for c in scope.spec.constraints)
    connections.sort(key=lambda connection: connection.index)
    return ArchitectureDescription(
        name=hierarchy.root.name,
        components=components[""],
        connections=tuple(connections),
        constraints=tuple(constraints),
    )


def _components(hierarchy: Hierarchy, scope: str) -> tuple[ComponentDescription, ...]:
    """The descriptions of the components of the architecture at ``scope``, with
    those inside the nested ones."""
    described = []
    for name, iface in hierarchy.scopes[scope].spec.components.items():
        path = child_path(scope, name)
        nested = hierarchy.scopes.get(path)
        if nested is not None:
            iface = nested.interface  # type: ignore[assignment]
        described.append(
            ComponentDescription(
                name=name,
                interface=interface_name(iface),
                actions=tuple(interface_actions(iface)),
                path=path,
                architecture=None if nested is None else nested.spec.name,
                children=() if nested is None else _components(hierarchy, path),
            )
        )
    return tuple(described)

"""Architectures inside architectures: the tree of components a system runs, by path.

A component of an architecture may itself be an architecture that implements
its interface (``payments = PaymentsDept``, where ``@architecture(implements=
Payments) class PaymentsDept``), or a component declared by its interface may
be bound to such an architecture instead of a module. A system runs the whole
tree at once, so it names every component by its *path*: ``api``,
``payments``, ``payments.ledger``. A :class:`Hierarchy` is that tree laid flat:

* ``scopes``: each architecture in it by path, the outermost at ``""``;
* ``leaves``: each component bound to a module, by path, with its interface;
* ``connections``: every architecture's connections, numbered once across the
  tree (the outermost keep their own numbers, the others follow in the order
  their architectures are met, depth first), each carrying its ``scope`` and
  its target as a path.

Events cross the levels by name: an event emitted inside a nested component
stays inside it unless its name is an action of that component's interface
(:meth:`Hierarchy.exports`), and the events an enclosing architecture delivers
to a nested component are offered to the nested one's connections.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

from pyrapide.architecture.connections import Connection
from pyrapide.types.interface import interface_actions

if TYPE_CHECKING:
    from pyrapide.architecture.declaration import ArchitectureSpec

__all__ = ["Hierarchy", "Scope", "parent_path"]


def parent_path(path: str) -> str:
    """The path of the architecture a component is in: ``"payments"`` for
    ``"payments.ledger"``, ``""`` for a component of the outermost one."""
    return path.rpartition(".")[0]


def child_path(scope: str, name: str) -> str:
    """The path of component ``name`` of the architecture at ``scope``."""
    return f"{scope}.{name}" if scope else name


@dataclass(frozen=True, slots=True)
class Scope:
    """One architecture of a hierarchy: ``path`` (``""`` for the outermost), its
    ``spec``, and ``interface``, what the architecture around it sees it as
    (None for the outermost)."""

    path: str
    spec: ArchitectureSpec
    interface: type | None


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """An architecture and those nested in it, laid flat by path (see the module).

    Build one with :meth:`of`. ``scopes`` and ``leaves`` are in tree order:
    an architecture's components in declaration order, each nested one's own
    components where it stands.
    """

    root: ArchitectureSpec
    scopes: Mapping[str, Scope]
    leaves: Mapping[str, type]
    connections: tuple[Connection, ...]

    @classmethod
    def of(
        cls, root: ArchitectureSpec, replaced: Mapping[str, ArchitectureSpec | None] | None = None
    ) -> Hierarchy:
        """The hierarchy of ``root``. ``replaced`` changes what stands at some paths:
        an architecture spec bound there (it must implement the component's interface,
        which the caller checks), or None for a module bound in place of the
        architecture declared there. A path it names that is no component is ignored."""
        replaced = replaced or {}
        scopes: dict[str, Scope] = {}
        leaves: dict[str, type] = {}
        connections: list[Connection] = []

        def visit(path: str, spec: ArchitectureSpec, interface: type | None) -> None:
            scopes[path] = Scope(path, spec, interface)
            offset = len(connections)
            for connection in spec.connections:
                if path:
                    target = connection.target
                    connection = dataclasses.replace(
                        connection,
                        target=child_path(path, target) if isinstance(target, str) else target,
                        index=offset + (connection.index or 0),
                        scope=path,
                    )
                connections.append(connection)
            for name, iface in spec.components.items():
                component = child_path(path, name)
                inner = replaced[component] if component in replaced else spec.nested.get(name)
                if inner is None:
                    leaves[component] = iface
                else:
                    visit(component, inner, iface)

        visit("", root, None)
        return cls(root, MappingProxyType(scopes), MappingProxyType(leaves), tuple(connections))

    # ------------------------------------------------------------- reading
    @property
    def is_flat(self) -> bool:
        """True when no component is an architecture."""
        return len(self.scopes) == 1

    @property
    def nested(self) -> tuple[str, ...]:
        """The paths of the components that are architectures, in tree order."""
        return tuple(path for path in self.scopes if path)

    @cached_property
    def components(self) -> Mapping[str, type]:
        """Every component by path, in tree order (a nested one before its own), with
        its interface: leaves and nested architectures alike."""
        ordered: dict[str, type] = {}
        for path in self._tree_order():
            scope = self.scopes.get(path)
            ordered[path] = scope.interface if scope is not None else self.leaves[path]  # type: ignore[assignment]
        return MappingProxyType(ordered)

    def _tree_order(self) -> Iterator[str]:
        def walk(scope: str) -> Iterator[str]:
            for name in self.scopes[scope].spec.components:
                path = child_path(scope, name)
                yield path
                if path in self.scopes:
                    yield from walk(path)

        return walk("")

    def children(self, scope: str) -> tuple[str, ...]:
        """The paths of the components of the architecture at ``scope``, in order."""
        return tuple(child_path(scope, name) for name in self.scopes[scope].spec.components)

    def connections_in(self, scope: str) -> tuple[Connection, ...]:
        """The connections of the architecture at ``scope``."""
        return tuple(c for c in self.connections if c.scope == scope)

    @cached_property
    def _exports(self) -> Mapping[str, frozenset[str]]:
        return {
            path: frozenset(interface_actions(scope.interface))
            for path, scope in self.scopes.items()
            if scope.interface is not None
        }

    def exports(self, scope: str) -> frozenset[str]:
        """The event names the nested component at ``scope`` shows the architecture
        around it: its interface's actions (empty for the outermost)."""
        return self._exports.get(scope, frozenset())

    def _upward(self, scope: str, name: str) -> tuple[str, ...]:
        reached = [scope]
        while scope and name in self.exports(scope):
            scope = parent_path(scope)
            reached.append(scope)
        return tuple(reached)

    @cached_property
    def declared_in(self) -> Mapping[str, tuple[str, ...]]:
        """Event name -> the scopes one of whose components declares it, in tree order."""
        found: dict[str, list[str]] = {}
        for path, iface in self.components.items():
            for name in interface_actions(iface):
                scopes = found.setdefault(name, [])
                if parent_path(path) not in scopes:
                    scopes.append(parent_path(path))
        return MappingProxyType({name: tuple(scopes) for name, scopes in found.items()})

    def offered_in(self, source: str, name: str) -> tuple[str, ...]:
        """The scopes whose connections a recorded event ``name`` from ``source`` is
        offered to. From a component (``source`` its path), the architecture it is in,
        then each one around it while ``name`` is an action of the component it stands
        in. From anywhere else (``"env"``, injected), the outermost architecture and
        each nested one with a component declaring ``name``, with the scopes those
        reach in turn. In a flat hierarchy, always ``("",)``."""
        if source in self.leaves or (source and source in self.scopes):
            return self._upward(parent_path(source), name)
        reached: dict[str, None] = {"": None}
        for scope in self.declared_in.get(name, ()):
            if scope:
                reached.update(dict.fromkeys(self._upward(scope, name)))
        return tuple(reached)

    @cached_property
    def alphabet(self) -> Mapping[str, type]:
        """Every event name any component declares, at any level, with the first
        interface (in tree order) that declares it."""
        names: dict[str, type] = {}
        for iface in self.components.values():
            for name in interface_actions(iface):
                names.setdefault(name, iface)
        return MappingProxyType(names)

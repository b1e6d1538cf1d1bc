"""What ``rapide check`` reports: the architecture, its bindings, and what is probably a mistake."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyrapide.architecture.hierarchy import parent_path
from pyrapide.architecture.wiring import unrelated_parts
from pyrapide.runtime.modules import module_spec
from pyrapide.types import interface_actions, interface_name
from rapide_shell.architecture_text import graph_text
from rapide_shell.suggestions import close_matches

if TYPE_CHECKING:
    from pyrapide.architecture import Connection, Hierarchy
    from rapide_shell.loader import LoadedArchitecture


@dataclass(frozen=True)
class CheckReport:
    """What ``rapide check`` found: a text summary and warnings (empty when all is well)."""

    summary: str
    warnings: tuple[str, ...]


def check_architecture(loaded: LoadedArchitecture) -> CheckReport:
    """Describe the loaded architecture and warn about what is probably a mistake.

    Warnings: a connection whose pattern names a source (``from "name"``) that is no
    component (a misspelling, most likely; only injected events can carry it); a
    connection whose pattern no component can emit (it fires only on injected events,
    if ever; inside a nested architecture, also on what the architecture around
    delivers into it); a composite pattern whose parts the wiring never relates; a
    component that no connection reaches and whose events nothing listens to (it takes
    no part); a component that nothing reaches whose module has no start hook (it never
    runs), or has ``@when`` handlers (they never run). At every level of nesting,
    components named by path.
    """
    description = loaded.description
    hierarchy = loaded.hierarchy
    warnings: list[str] = []
    for connection in description.connections:
        where = f"connection #{connection.index} ({connection.kind} {connection.pattern})"
        scope = connection.scope
        unknown = connection.unknown_sources
        if unknown:
            names = [name for name in hierarchy.scopes[scope].spec.components]
            warnings.append(f"{where}: {_unknown_sources(unknown, names)}")
        elif connection.sources is not None and not connection.sources:
            declared = hierarchy.connections[connection.index]
            if scope and _delivered_into(hierarchy, scope, declared):
                continue  # fed by what the architecture around delivers into it
            inside = f" in {scope}, nor delivered into it," if scope else ""
            warnings.append(
                f"{where}: no component{inside} emits an event its pattern can match, so "
                f"only injected events can fire it{_undeclared_names(loaded, declared)}"
            )
    warnings.extend(_unrelated(loaded))
    for component in description.walk():
        path = component.path
        if description.connections_into(path) or _listened_to(description, hierarchy, path):
            if not description.connections_into(path):
                warnings.extend(_never_runs(path, loaded.bindings.get(path)))
            continue
        warnings.append(
            f"component {path!r} ({component.interface}) is not connected: "
            "no connection delivers to it and none listens to its events"
        )
    return CheckReport(_summary(loaded), tuple(warnings))


def _summary(loaded: LoadedArchitecture) -> str:
    hierarchy = loaded.hierarchy
    lines = [graph_text(loaded.description), "bindings:"]
    for path in hierarchy.leaves:
        module = loaded.bindings.get(path)
        lines.append(f"  {path} <- {module.__qualname__ if module else '(none)'}")
    lines.append("interfaces:")
    seen: set[int] = set()
    for iface in hierarchy.components.values():
        if id(iface) in seen:
            continue
        seen.add(id(iface))
        lines.append(f"  {interface_name(iface)}")
        for spec in interface_actions(iface).values():
            lines.append(f"    {spec.signature_text()}")
    if loaded.description.constraints:
        lines.append("constraints: " + ", ".join(loaded.description.constraints))
    return "\n".join(lines)


def _delivered_into(hierarchy: Hierarchy, scope: str, connection: Connection) -> bool:
    """Whether the architecture around ``scope`` delivers into it an event that
    ``connection`` (one of ``scope``'s) can match."""
    wanted = connection.pattern.event_names()
    for outer in hierarchy.connections_in(parent_path(scope)):
        if outer.target != scope:
            continue
        delivered = outer.pattern.event_names()
        if wanted is None or delivered is None or wanted & delivered:
            return True
    return False


def _listened_to(description: Any, hierarchy: Hierarchy, path: str) -> bool:
    """Whether some connection listens to ``path``'s events: in its own architecture,
    or around it, for those that come out of a nested architecture it is in."""
    if any(c.sources and path in c.sources for c in description.connections):
        return True
    scope = parent_path(path)
    if not scope:
        return False
    comes_out = set(interface_actions(hierarchy.components[path])) & hierarchy.exports(scope)
    return bool(comes_out) and _listened_to(description, hierarchy, scope)


def _unrelated(loaded: LoadedArchitecture) -> list[str]:
    """The composite patterns whose parts the wiring never relates, at every level. A
    nested architecture's patterns naming events from outside it are left alone: the
    wiring inside cannot say what the architecture around delivers."""
    hierarchy = loaded.hierarchy
    found = []
    for path, scope in hierarchy.scopes.items():
        spec = scope.spec
        numbered = hierarchy.connections_in(path)
        inside: set[str] = set()
        for iface in spec.components.values():
            inside.update(interface_actions(iface))
        for connection, problem in unrelated_parts(spec.components, spec.connections):
            names = connection.pattern.event_names()
            if path and (names is None or not names <= inside):
                continue
            index = numbered[connection.index or 0].index
            pattern = loaded.description.connections[index].pattern  # type: ignore[index]
            found.append(f"connection #{index} ({connection.kind} {pattern}): {problem}")
    return found


def _never_runs(component: str, module: type | None) -> list[str]:
    """A warning when nothing delivers to ``component`` and its module cannot start itself."""
    if module is None:
        return []
    spec = module_spec(module)
    if spec.has_start:
        return []
    if spec.handlers:
        return [
            f"component {component!r}: {module.__qualname__} has @when handlers, but no "
            "connection delivers to it, so they never run"
        ]
    return [
        f"component {component!r}: nothing delivers to it and {module.__qualname__} has no "
        "start hook, so it never runs (its events can still be injected)"
    ]


def _undeclared_names(loaded: LoadedArchitecture, connection: Connection) -> str:
    """``; no interface declares 'A.pnig' (did you mean 'A.ping'?)`` for the event names
    of ``connection`` that no action has: most often a misspelling."""
    pattern = connection.pattern
    names = pattern.event_names() if hasattr(pattern, "event_names") else None
    parts = []
    for name in sorted(names or ()):
        if name in loaded.actions:
            continue
        hint = close_matches(name, loaded.actions)
        suggestion = " or ".join(repr(close) for close in hint)
        parts.append(
            f"no interface declares {name!r}" + (f" (did you mean {suggestion}?)" if hint else "")
        )
    return "".join(f"; {part}" for part in parts)


def _unknown_sources(unknown: tuple[str, ...], components: list[str]) -> str:
    """``source "stor" is no component (did you mean "store"?); ...`` for a connection."""
    parts = []
    for source in unknown:
        hint = close_matches(source, components)
        suggestion = " or ".join(f'"{name}"' for name in hint)
        parts.append(
            f'source "{source}" is no component'
            + (
                f" (did you mean {suggestion}?)"
                if hint
                else f" (components: {', '.join(components)})"
            )
        )
    them = "it" if len(unknown) == 1 else "them"
    return "; ".join(parts) + f", so only injected events can carry {them}"

"""The architecture as a graph (text, DOT, Mermaid), as a component table, and its checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pyrapide.analysis._escape import dot_string, mermaid_string
from pyrapide.architecture import ConnectionKind, architecture_spec
from pyrapide.architecture.wiring import unrelated_parts
from pyrapide.core.printable import printable
from pyrapide.runtime.modules import module_spec
from pyrapide.types import interface_actions, interface_name
from rapide_shell import render
from rapide_shell.render import look
from rapide_shell.suggestions import close_matches

if TYPE_CHECKING:
    from rapide_shell.loader import LoadedArchitecture

_ENVIRONMENT = "env"


def _sources(connection: Any) -> list[str]:
    return ["*"] if connection.sources is None else list(connection.sources) or ["-"]


def graph_text(description: Any) -> str:
    """The components and connections as plain text, one connection a line."""
    lines = [f"architecture {description.name}", "components:"]
    for component in description.components:
        lines.append(f"  {component.name}: {component.interface}")
    lines.append("connections:")
    rows = [
        (
            f"#{connection.index}",
            connection.kind,
            ", ".join(_sources(connection)),
            look(connection.kind).arrow,
            connection.target,
            f"on {connection.pattern}",
        )
        for connection in description.connections
    ]
    widths = [max((len(row[column]) for row in rows), default=0) for column in range(5)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + " ".join(cells) + "  " + row[5])
    if not description.connections:
        lines.append("  (none)")
    legend = "  ".join(
        f"{look(kind).arrow} {kind} ({look(kind).meaning})" for kind in ConnectionKind
    )
    lines.append(f"legend: {legend}")
    return "\n".join(lines)


def graph_renderable(description: Any) -> RenderableType:
    """:func:`graph_text` as a Rich renderable, kinds coloured."""
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("#", "kind", "from", "", "to", "pattern"):
        table.add_column(column)
    for connection in description.connections:
        kind = look(connection.kind)
        table.add_row(
            str(connection.index),
            Text(connection.kind, style=kind.style),
            render.data(", ".join(_sources(connection))),
            Text(kind.arrow, style=kind.style),
            render.data(connection.target),
            render.data(connection.pattern),
        )
    components = Text("components: ", style="bold").append_text(
        render.data(", ".join(f"{c.name} ({c.interface})" for c in description.components))
    )
    # The name heads the picture, as in `rapide graph`; a table title would be
    # centred under the components line, after what it names.
    return Group(render.note(f"architecture {description.name}", "bold"), components, table)


def _node_id(name: str) -> str:
    cleaned = "".join(char if char.isalnum() else "_" for char in name)
    return f"n_{cleaned}"


def graph_dot(description: Any) -> str:
    """The architecture as Graphviz DOT: components as boxes, one edge per source."""
    lines = [f"digraph {dot_string(description.name)} {{", "  rankdir=LR;", "  node [shape=box];"]
    for component in description.components:
        label = dot_string(f"{component.name}\n{component.interface}")
        lines.append(f"  {_node_id(component.name)} [label={label}];")
    extra_nodes = set()
    for connection in description.connections:
        target = _node_id(connection.target)
        if not connection.target_is_component and connection.target not in extra_nodes:
            extra_nodes.add(connection.target)
            label = dot_string(f"{connection.target}()")
            lines.append(f"  {target} [label={label}, shape=ellipse];")
        for source in _edge_sources(connection, extra_nodes, lines):
            label = dot_string(f"{connection.kind}: {connection.pattern}")
            lines.append(
                f"  {source} -> {target} [label={label}, "
                f"style={look(connection.kind).dot_style}];"
            )
    lines.append("}")
    return "\n".join(lines)


def _edge_sources(connection: Any, extra_nodes: set[str], lines: list[str]) -> list[str]:
    if connection.sources:
        return [_node_id(source) for source in connection.sources]
    # A pattern no component's actions name (or "*"): the environment feeds it.
    if _ENVIRONMENT not in extra_nodes:
        extra_nodes.add(_ENVIRONMENT)
        lines.append(f'  {_node_id(_ENVIRONMENT)} [label="(environment)", shape=plaintext];')
    return [_node_id(_ENVIRONMENT)]


def graph_mermaid(description: Any) -> str:
    """The architecture as a Mermaid flowchart."""
    lines = ["flowchart LR"]
    for component in description.components:
        label = mermaid_string(f"{component.name}\n{component.interface}")
        lines.append(f"  {_node_id(component.name)}[{label}]")
    for connection in description.connections:
        sources = connection.sources or [_ENVIRONMENT]
        # Patterns may hold markup (a guard reads "<python guard ...<lambda>>"): the one
        # escaping of Mermaid labels writes it as text.
        label = mermaid_string(f"{connection.kind}: {connection.pattern}")
        for source in sources:
            arrow = look(connection.kind).mermaid_arrow
            lines.append(f"  {_node_id(source)} {arrow}|{label}| {_node_id(connection.target)}")
    return "\n".join(lines)


def components_table(loaded: LoadedArchitecture) -> RenderableType:
    """Each component: its interface, the module bound to it and its actions' signatures."""
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("component", "interface", "module", "actions"):
        table.add_column(column)
    for name, iface in loaded.architecture.components.items():
        module = loaded.bindings.get(name)
        signatures = "\n".join(spec.signature_text() for spec in interface_actions(iface).values())
        table.add_row(
            render.data(name, "bold"),
            render.data(interface_name(iface)),
            render.data(module.__name__ if module is not None else "-"),
            Text(printable(signatures or "-", keep_newlines=True)),
        )
    return table


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


def _undeclared_names(loaded: LoadedArchitecture, index: int) -> str:
    """``; no interface declares 'A.pnig' (did you mean 'A.ping'?)`` for the event names
    of connection ``index`` that no action has: most often a misspelling."""
    pattern = loaded.architecture.connections_list[index].pattern
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
    if ever); a component that no connection reaches and that emits
    nothing any connection listens to (it takes no part); a component that nothing
    reaches whose module has no start hook (it never runs), or has ``@when`` handlers
    (they never run).
    """
    description = loaded.description
    warnings: list[str] = []
    component_names = [component.name for component in description.components]
    for connection in description.connections:
        where = f"connection #{connection.index} ({connection.kind} {connection.pattern})"
        unknown = connection.unknown_sources
        if unknown:
            warnings.append(f"{where}: {_unknown_sources(unknown, component_names)}")
        elif connection.sources is not None and not connection.sources:
            warnings.append(
                f"{where}: no component emits an event its pattern can match, so only "
                f"injected events can fire it{_undeclared_names(loaded, connection.index)}"
            )
    declared = architecture_spec(loaded.architecture)
    for connection, problem in unrelated_parts(declared.components, declared.connections):
        pattern = description.connections[connection.index].pattern
        warnings.append(f"connection #{connection.index} ({connection.kind} {pattern}): {problem}")
    for component in description.components:
        reached = description.connections_into(component.name)
        feeds = [c for c in description.connections if c.sources and component.name in c.sources]
        if not reached and not feeds:
            warnings.append(
                f"component {component.name!r} ({component.interface}) is not connected: "
                "no connection delivers to it and none listens to its events"
            )
        elif not reached:
            warnings.extend(_never_runs(component.name, loaded.bindings.get(component.name)))
    lines = [graph_text(description), "bindings:"]
    for name in loaded.architecture.components:
        module = loaded.bindings.get(name)
        lines.append(f"  {name} <- {module.__qualname__ if module else '(none)'}")
    lines.append("interfaces:")
    seen: set[int] = set()
    for iface in loaded.architecture.components.values():
        if id(iface) in seen:
            continue
        seen.add(id(iface))
        lines.append(f"  {interface_name(iface)}")
        for spec in interface_actions(iface).values():
            lines.append(f"    {spec.signature_text()}")
    if description.constraints:
        lines.append("constraints: " + ", ".join(description.constraints))
    return CheckReport("\n".join(lines), tuple(warnings))

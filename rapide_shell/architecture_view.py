"""The architecture as a graph (text, DOT, Mermaid) and as a component table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pyrapide.analysis._escape import dot_string, mermaid_string
from pyrapide.architecture import ConnectionKind
from pyrapide.core.printable import printable
from pyrapide.types import interface_actions, interface_name
from rapide_shell import render
from rapide_shell.render import look

if TYPE_CHECKING:
    from rapide_shell.loader import LoadedArchitecture

_ENVIRONMENT = "env"
_OUTSIDE = "(outside)"


def _sources(connection: Any) -> list[str]:
    if connection.sources is None:
        return ["*"]
    if not connection.sources and connection.scope:
        return [_OUTSIDE]  # fed by what the architecture around delivers into this one
    return list(connection.sources) or ["-"]


def _connection_rows(connections: Any) -> list[str]:
    """One aligned line per connection: ``#0 connect api --> db  on APIService.request``."""
    rows = [
        (
            f"#{connection.index}",
            connection.kind,
            ", ".join(_sources(connection)),
            look(connection.kind).arrow,
            connection.target,
            f"on {connection.pattern}",
        )
        for connection in connections
    ]
    widths = [max((len(row[column]) for row in rows), default=0) for column in range(5)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + " ".join(cells) + "  " + row[5])
    return lines or ["  (none)"]


def _component_label(component: Any) -> str:
    """``payments: Payments = PaymentsDept`` for a nested architecture, else ``db: DB``."""
    inner = f" = {component.architecture}" if component.architecture is not None else ""
    return f"{component.name}: {component.interface}{inner}"


def _depth(component: Any, description: Any) -> int:
    """How deep ``component`` sits below the architecture ``description`` is of."""
    base = description.scope.count(".") + 1 if description.scope else 0
    return component.path.count(".") - base


def graph_text(description: Any) -> str:
    """The components (a nested architecture's under it) and the connections as plain
    text, one connection a line, those of each nested architecture under its name."""
    lines = [f"architecture {description.name}", "components:"]
    for component in description.walk():
        lines.append("  " + "  " * _depth(component, description) + _component_label(component))
    lines.append("connections:")
    lines.extend(_connection_rows(_own(description)))
    for component in description.walk():
        if component.architecture is not None:
            lines.append(f"connections inside {component.path} ({component.architecture}):")
            lines.extend(_connection_rows(description.inside(component.path).connections))
    legend = "  ".join(
        f"{look(kind).arrow} {kind} ({look(kind).meaning})" for kind in ConnectionKind
    )
    lines.append(f"legend: {legend}")
    return "\n".join(lines)


def _own(description: Any) -> list[Any]:
    """The connections of the architecture ``description`` is of, not of those inside."""
    return [c for c in description.connections if c.scope == description.scope]


def graph_renderable(description: Any) -> RenderableType:
    """The architecture's own components and connections as a Rich renderable, kinds
    coloured: a nested architecture is one component here (``show graph PATH`` shows
    inside it: pass ``description.inside(PATH)``)."""
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("#", "kind", "from", "", "to", "pattern"):
        table.add_column(column)
    for connection in _own(description):
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
        render.data(
            ", ".join(
                f"{c.name} ({c.interface}"
                + (f" = {c.architecture}" if c.architecture is not None else "")
                + ")"
                for c in description.components
            )
        )
    )
    # The name heads the picture, as in `rapide graph`; a table title would be
    # centred under the components line, after what it names.
    where = f" ({description.scope})" if description.scope else ""
    parts: list[RenderableType] = [
        render.note(f"architecture {description.name}{where}", "bold"), components, table
    ]
    nested = [c for c in description.components if c.architecture is not None]
    for component in nested:
        parts.append(
            render.note(
                f"{component.path} is an architecture ({component.architecture}): "
                f"`show graph {component.path}` shows inside it",
                "dim",
            )
        )
    return Group(*parts)


def _node_id(name: str) -> str:
    cleaned = "".join(char if char.isalnum() else "_" for char in name)
    return f"n_{cleaned}"


def graph_dot(description: Any) -> str:
    """The architecture as Graphviz DOT: components as boxes, one edge per source; a
    nested architecture is a cluster holding its components and a box for itself,
    which what comes in and goes out passes through."""
    lines = [f"digraph {dot_string(description.name)} {{", "  rankdir=LR;", "  node [shape=box];"]
    _dot_components(description.components, lines, "  ")
    extra_nodes: set[str] = set()
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


def _dot_components(components: Any, lines: list[str], indent: str) -> None:
    for component in components:
        node = _node_id(component.path)
        label = dot_string(f"{component.name}\n{component.interface}")
        if component.architecture is None:
            lines.append(f"{indent}{node} [label={label}];")
            continue
        lines.append(f"{indent}subgraph cluster_{node} {{")
        title = dot_string(f"{component.path}: {component.architecture}")
        lines.append(f"{indent}  label={title};")
        lines.append(f"{indent}  {node} [label={label}, style=dashed];")
        _dot_components(component.children, lines, indent + "  ")
        lines.append(f"{indent}}}")


def _edge_sources(connection: Any, extra_nodes: set[str], lines: list[str]) -> list[str]:
    if connection.sources:
        return [_node_id(source) for source in connection.sources]
    if connection.sources is not None and connection.scope:
        # Fed by what the architecture around delivers: it comes in through the box.
        return [_node_id(connection.scope)]
    # A pattern no component's actions name (or "*"): the environment feeds it.
    if _ENVIRONMENT not in extra_nodes:
        extra_nodes.add(_ENVIRONMENT)
        lines.append(f'  {_node_id(_ENVIRONMENT)} [label="(environment)", shape=plaintext];')
    return [_node_id(_ENVIRONMENT)]


def graph_mermaid(description: Any) -> str:
    """The architecture as a Mermaid flowchart; a nested architecture is a subgraph."""
    lines = ["flowchart LR"]
    _mermaid_components(description.components, lines, "  ")
    for connection in description.connections:
        if connection.sources is not None and not connection.sources and connection.scope:
            sources: Any = [connection.scope]
        else:
            sources = connection.sources or [_ENVIRONMENT]
        # Patterns may hold markup (a guard reads "<python guard ...<lambda>>"): the one
        # escaping of Mermaid labels writes it as text.
        label = mermaid_string(f"{connection.kind}: {connection.pattern}")
        for source in sources:
            arrow = look(connection.kind).mermaid_arrow
            lines.append(f"  {_node_id(source)} {arrow}|{label}| {_node_id(connection.target)}")
    return "\n".join(lines)


def _mermaid_components(components: Any, lines: list[str], indent: str) -> None:
    for component in components:
        node = _node_id(component.path)
        label = mermaid_string(f"{component.name}\n{component.interface}")
        box = f"{indent}{node}[{label}]"
        if component.architecture is None:
            lines.append(box)
            continue
        title = mermaid_string(f"{component.path}: {component.architecture}")
        lines.append(f"{indent}subgraph s_{node}[{title}]")
        lines.append("  " + box)
        _mermaid_components(component.children, lines, indent + "  ")
        lines.append(f"{indent}end")


def components_table(loaded: LoadedArchitecture) -> RenderableType:
    """Each component: its interface, the module bound to it and its actions' signatures;
    the components of a nested architecture indented under it, named by path."""
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("component", "interface", "module", "actions"):
        table.add_column(column)
    description = loaded.description
    for component in description.walk():
        iface = loaded.hierarchy.components[component.path]
        depth = _depth(component, description)
        name = f"{'  ' * depth}{component.path if depth else component.name}"
        if component.architecture is not None:
            bound = render.data(f"architecture {component.architecture}", "italic")
        else:
            module = loaded.bindings.get(component.path)
            bound = render.data(module.__name__ if module is not None else "-")
        signatures = "\n".join(spec.signature_text() for spec in interface_actions(iface).values())
        table.add_row(
            render.data(name, "bold"),
            render.data(interface_name(iface)),
            bound,
            Text(printable(signatures or "-", keep_newlines=True)),
        )
    return table

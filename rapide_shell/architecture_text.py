"""The architecture as a graph in plain text, DOT and Mermaid, without Rich.

``rapide check`` and ``rapide graph`` print these, so they start without importing
Rich; the coloured views of the workbench are in :mod:`rapide_shell.architecture_view`.
"""

from __future__ import annotations

from typing import Any

from pyrapide.analysis._escape import dot_string, mermaid_string
from pyrapide.architecture import ConnectionKind
from pyrapide.core.printable import cells
from rapide_shell.looks import look

ENVIRONMENT = "env"
"""The source of an injected event (``System.inject``'s): what the environment emits."""
_OUTSIDE = "(outside)"


def sources_of(connection: Any) -> list[str]:
    """The components a connection listens to, as shown: ``*`` for any source."""
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
            ", ".join(sources_of(connection)),
            look(connection.kind).arrow,
            connection.target,
            f"on {connection.pattern}",
        )
        for connection in connections
    ]
    widths = [max((cells(row[column]) for row in rows), default=0) for column in range(5)]
    lines = []
    for row in rows:
        padded = [cell + " " * (width - cells(cell))
                  for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + " ".join(padded) + "  " + row[5])
    return lines or ["  (none)"]


def _component_label(component: Any) -> str:
    """``payments: Payments = PaymentsDept`` for a nested architecture, else ``db: DB``."""
    inner = f" = {component.architecture}" if component.architecture is not None else ""
    return f"{component.name}: {component.interface}{inner}"


def component_depth(component: Any, description: Any) -> int:
    """How deep ``component`` sits below the architecture ``description`` is of."""
    base = description.scope.count(".") + 1 if description.scope else 0
    return component.path.count(".") - base


def graph_text(description: Any) -> str:
    """The components (a nested architecture's under it) and the connections as plain
    text, one connection a line, those of each nested architecture under its name."""
    lines = [f"architecture {description.name}", "components:"]
    for component in description.walk():
        indent = "  " * component_depth(component, description)
        lines.append(f"  {indent}{_component_label(component)}")
    lines.append("connections:")
    lines.extend(_connection_rows(own_connections(description)))
    for component in description.walk():
        if component.architecture is not None:
            lines.append(f"connections inside {component.path} ({component.architecture}):")
            lines.extend(_connection_rows(description.inside(component.path).connections))
    legend = "  ".join(
        f"{look(kind).arrow} {kind} ({look(kind).meaning})" for kind in ConnectionKind
    )
    lines.append(f"legend: {legend}")
    return "\n".join(lines)


def own_connections(description: Any) -> list[Any]:
    """The connections of the architecture ``description`` is of, not of those inside."""
    return [c for c in description.connections if c.scope == description.scope]


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
    if ENVIRONMENT not in extra_nodes:
        extra_nodes.add(ENVIRONMENT)
        lines.append(f'  {_node_id(ENVIRONMENT)} [label="(environment)", shape=plaintext];')
    return [_node_id(ENVIRONMENT)]


def graph_mermaid(description: Any) -> str:
    """The architecture as a Mermaid flowchart; a nested architecture is a subgraph."""
    lines = ["flowchart LR"]
    _mermaid_components(description.components, lines, "  ")
    for connection in description.connections:
        if connection.sources is not None and not connection.sources and connection.scope:
            sources: Any = [connection.scope]
        else:
            sources = connection.sources or [ENVIRONMENT]
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

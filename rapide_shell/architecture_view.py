"""The architecture as Rich renderables: its graph and a component table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pyrapide.core.printable import printable
from pyrapide.types import interface_actions, interface_name
from rapide_shell import render
from rapide_shell.architecture_text import component_depth, own_connections, sources_of
from rapide_shell.render import look

if TYPE_CHECKING:
    from rapide_shell.loader import LoadedArchitecture


def graph_renderable(description: Any) -> RenderableType:
    """The architecture's own components and connections as a Rich renderable, kinds
    coloured: a nested architecture is one component here (``show graph PATH`` shows
    inside it: pass ``description.inside(PATH)``)."""
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("#", "kind", "from", "", "to", "pattern"):
        table.add_column(column)
    for connection in own_connections(description):
        kind = look(connection.kind)
        table.add_row(
            str(connection.index),
            Text(connection.kind, style=kind.style),
            render.data(", ".join(sources_of(connection))),
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


def components_table(loaded: LoadedArchitecture) -> RenderableType:
    """Each component: its interface, the module bound to it and its actions' signatures;
    the components of a nested architecture indented under it, named by path."""
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("component", "interface", "module", "actions"):
        table.add_column(column)
    description = loaded.description
    for component in description.walk():
        iface = loaded.hierarchy.components[component.path]
        depth = component_depth(component, description)
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

"""Rich renderables for what the commands show: events, dispatches, causal trees, tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

PAYLOAD_WIDTH = 60
TREE_LIMIT = 400
"""At most this many events in a ``why``/``effects`` tree; the rest is counted."""


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 event``, ``2 events`` (``plural`` when adding "s" is wrong): reads as English
    at every count."""
    return f"{count} {noun}" if count == 1 else f"{count} {plural or noun + 's'}"


def shorten(text: str, width: int) -> str:
    """``text`` itself when it fits in ``width`` characters, else cut to end in "…"."""
    return text if len(text) <= width else text[: width - 1] + "…"


def payload_text(payload: Any, width: int = PAYLOAD_WIDTH) -> str:
    """A payload as compact one-line JSON cut to ``width`` characters ("" when empty);
    what JSON cannot hold (non-string keys, a payload containing itself) is shown by repr."""
    if not payload:
        return ""
    try:
        text = json.dumps(payload, ensure_ascii=False, default=str, separators=(", ", ": "))
    except (TypeError, ValueError):
        text = repr(payload)
    return shorten(text, width)


def event_text(event: Any) -> Text:
    """``e3 DatabaseService.result from db {"key": "42"}`` as styled text."""
    text = Text()
    text.append(event.id, style="bold cyan")
    text.append(" ")
    text.append(event.name, style="bold")
    if event.source:
        text.append(f" from {event.source}", style="dim")
    payload = payload_text(event.payload)
    if payload:
        text.append(" ")
        text.append(payload, style="green")
    return text


def event_lines(
    events: Iterable[Any], computation: Any, limit: int | None = None
) -> RenderableType:
    """One line per event, each with its direct causes (``<- e1, e2``)."""
    events = list(events)
    shown = events if limit is None or len(events) <= limit else events[-limit:]
    lines: list[RenderableType] = []
    if len(shown) < len(events):
        lines.append(Text(f"… {len(events) - len(shown)} earlier events", style="dim"))
    poset = computation.poset
    for event in shown:
        line = event_text(event)
        causes = poset.causes(event)
        if causes:
            line.append("  <- " + ", ".join(cause.id for cause in causes), style="magenta")
        lines.append(line)
    return Group(*lines)


def dispatch_text(dispatch: Any) -> Text:
    """``#4 pipe e3 DatabaseService.result -> api`` as styled text."""
    text = Text()
    text.append(f"#{dispatch.id}", style="bold yellow")
    text.append(f" {dispatch.kind:<7} ")
    text.append(dispatch.event.id, style="cyan")
    text.append(f" {dispatch.event.name}")
    text.append(f" -> {dispatch.target}", style="bold")
    return text


def queue_table(pending: list[Any]) -> RenderableType:
    """The pending dispatches grouped by connection kind."""
    if not pending:
        return Text("nothing pending", style="dim")
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("id", "kind", "event", "name", "target"):
        table.add_column(column, style="bold" if column == "id" else None)
    order = {"connect": 0, "pipe": 1, "agent": 2}
    for dispatch in sorted(pending, key=lambda d: (order.get(d.kind, 3), d.id)):
        table.add_row(
            f"#{dispatch.id}",
            dispatch.kind,
            dispatch.event.id,
            dispatch.event.name,
            str(dispatch.target),
        )
    return table


def event_detail(event: Any, computation: Any) -> RenderableType:
    """One event in full: name, source, payload (JSON), direct causes and effects."""
    poset = computation.poset
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("id", Text(event.id, style="cyan"))
    table.add_row("name", event.name)
    table.add_row("source", event.source or "-")
    payload = json.dumps(dict(event.payload), indent=2, ensure_ascii=False, default=str)
    table.add_row("payload", Text(payload, style="green"))
    if event.metadata:
        table.add_row("metadata", payload_text(event.metadata, 200))
    table.add_row("causes", _ids(poset.causes(event)))
    table.add_row("effects", _ids(poset.effects(event)))
    return table


def _ids(events: Iterable[Any]) -> Text:
    ids = [event.id for event in events]
    return Text(", ".join(ids), style="magenta") if ids else Text("none", style="dim")


def causal_tree(event: Any, computation: Any, *, forward: bool) -> Tree:
    """The causes of ``event`` back to the roots (or its effects, ``forward``), as a tree.

    Built without recursion, so long causal chains cannot exhaust the stack. An event
    reached again by another path is shown once more, marked, without its subtree.
    """
    poset = computation.poset
    step = poset.effects if forward else poset.causes
    tree = Tree(event_text(event))
    seen = {event.id}
    stack = [(tree, event)]
    shown = 1
    hidden = 0
    while stack:
        node, current = stack.pop()
        children = list(step(current))
        branches = []
        for child in children:
            if shown >= TREE_LIMIT:
                hidden += 1
                continue
            shown += 1
            if child.id in seen:
                label = event_text(child)
                label.append("  (shown above)", style="dim italic")
                node.add(label)
                continue
            seen.add(child.id)
            branches.append((node.add(event_text(child)), child))
        stack.extend(reversed(branches))
    if hidden:
        tree.add(Text(f"… {hidden} more not shown", style="dim"))
    elif shown == 1:
        tree.add(Text("no effects" if forward else "a root: no causes", style="dim"))
    return tree


def key_value_table(rows: Iterable[tuple[Any, ...]], headers: tuple[str, ...]) -> Table:
    """A plain table of rows (strings or Rich Text) under ``headers``."""
    table = Table(show_edge=False, pad_edge=False, box=None)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*(cell if isinstance(cell, Text) else str(cell) for cell in row))
    return table


def note(text: str, style: str = "") -> Text:
    """A line of output."""
    return Text(text, style=style)

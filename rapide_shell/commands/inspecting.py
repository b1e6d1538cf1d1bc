"""Commands that look without changing anything: show, why, effects, export, save, help."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.text import Text

from pyrapide.core.atomic import WriteError, write_atomically
from rapide_shell import architecture_view, render
from rapide_shell.commands.errors import CommandError, close_matches
from rapide_shell.commands.parser import Command
from rapide_shell.outcome import CommandOutcome

if TYPE_CHECKING:
    from rapide_shell.commands.spec import CommandSpec
    from rapide_shell.session import Session

EVENTS_LISTED = 200
"""``show events`` lists at most this many (the latest) unless given a count."""


async def show(session: Session, command: Command, line: str) -> CommandOutcome:
    """Show the graph, the queue, the events, one event or the components."""
    topic = command.args["topic"]
    arg = command.args["arg"]
    data: dict[str, Any] = {"topic": topic}
    if topic in ("graph", "components"):
        data["architecture"] = session.description.to_dict()
    if topic == "graph":
        output: RenderableType = architecture_view.graph_renderable(session.description)
    elif topic == "components":
        output = architecture_view.components_table(session.loaded)
    elif topic == "queue":
        pending = session.pending()
        output = render.queue_table(pending)
        data["pending"] = [dispatch.id for dispatch in pending]
    elif topic == "events":
        events = list(session.computation)
        limit = EVENTS_LISTED if arg is None else int(arg)
        output = (
            render.event_lines(events, session.computation, limit=limit)
            if events
            else Text("no events recorded", style="dim")
        )
        data["count"] = len(events)
    else:
        event = find_event(session, arg)
        output = render.event_detail(event, session.computation)
        data["event"] = event.to_dict()
    return CommandOutcome(line, "show", output=(output,), data=_json_safe(data))


def find_event(session: Session, event_id: str) -> Any:
    """The recorded event ``event_id``; CommandError with close ids when there is none."""
    event = session.computation.get(event_id)
    if event is None:
        ids = [event.id for event in session.computation]
        hint = close_matches(event_id, ids)
        if not ids:
            raise CommandError(f"no event {event_id!r}: nothing is recorded yet")
        if len(ids) == 1:
            known = f"the only event is {ids[0]}"
        else:
            known = f"events are {ids[0]} to {ids[-1]}"
        raise CommandError(f"no event {event_id!r} ({known})", suggestions=hint)
    return event


async def why(session: Session, command: Command, line: str) -> CommandOutcome:
    """The causes of an event back to the roots, as a tree."""
    event = find_event(session, command.args["event_id"])
    tree = render.causal_tree(event, session.computation, forward=False)
    ancestors = session.computation.poset.ancestors(event)
    data = {"event": event.id, "causes": [e.id for e in ancestors]}
    return CommandOutcome(line, "why", output=(tree,), data=data)


async def effects(session: Session, command: Command, line: str) -> CommandOutcome:
    """Everything an event caused, as a tree."""
    event = find_event(session, command.args["event_id"])
    tree = render.causal_tree(event, session.computation, forward=True)
    descendants = session.computation.poset.descendants(event)
    data = {"event": event.id, "effects": [e.id for e in descendants]}
    return CommandOutcome(line, "effects", output=(tree,), data=data)


async def export(session: Session, command: Command, line: str) -> CommandOutcome:
    """Write the computation as DOT, Mermaid or JSON."""
    from pyrapide.analysis import visualization

    computation = session.computation
    fmt = command.args["format"]
    size = max(len(computation), 1)
    if fmt == "dot":
        text = visualization.to_dot(computation, max_events=size)
    elif fmt == "mermaid":
        text = visualization.to_mermaid(computation, max_events=size)
    else:
        text = json.dumps(visualization.to_json(computation), indent=2, default=str)
    path = command.args["path"]
    force = command.args.get("force", False)
    try:
        write_atomically(path, text if text.endswith("\n") else text + "\n", force=force)
    except WriteError as error:
        raise CommandError(_cannot_write(error, f"export {fmt}")) from None
    note = f"wrote {render.counted(len(computation), 'event')} as {fmt} to {path}"
    return CommandOutcome(
        line, "export", output=(render.note(note),), data={"path": str(path), "format": fmt}
    )


async def save(session: Session, command: Command, line: str) -> CommandOutcome:
    """Save the computation for ``load``."""
    path = command.args["path"]
    try:
        session.computation.save(path, force=command.args.get("force", False))
    except WriteError as error:
        raise CommandError(_cannot_write(error, "save")) from None
    except TypeError as error:
        raise CommandError(f"cannot save: {error}") from None
    note = f"saved {render.counted(len(session.computation), 'event')} to {path}"
    return CommandOutcome(line, "save", output=(render.note(note),), data={"path": path})


def _cannot_write(error: WriteError, command: str) -> str:
    """``cannot write PATH: why``, and how to replace it anyway when ``--force`` would."""
    text = f"cannot write {error.path}: {error.reason}"
    return f"{text}; `{command} --force {error.path}` replaces it" if error.forceable else text


async def help_(session: Session, command: Command, line: str) -> CommandOutcome:
    """List the commands, or explain one."""
    topic = command.args["topic"]
    if topic is None:
        table = render.key_value_table(
            ((Text(spec.usage, style="bold"), spec.summary) for spec in session.catalog),
            ("command", "what it does"),
        )
        footer = Text(
            "`help COMMAND` explains one. A comment starts with `#` first on a line, or "
            "with a `#` between blanks (`run  # go`); `#12` is a dispatch id.",
            style="dim",
        )
        return CommandOutcome(
            line, "help", output=(table, footer), data={"commands": session.catalog.names}
        )
    spec = session.catalog[topic]
    return CommandOutcome(line, "help", output=(command_help(spec),), data={"command": topic})


def command_help(spec: CommandSpec) -> RenderableType:
    """The full help of command ``spec``: usage, explanation, aliases and examples."""
    parts: list[RenderableType] = [
        Text(spec.usage, style="bold"),
        Text(spec.summary),
        Text(""),
        Text(reflow(spec.details)),
    ]
    if spec.aliases:
        parts.append(Text(f"\nalso: {', '.join(spec.aliases)}", style="dim"))
    if spec.examples:
        parts.append(Text("\nexamples:", style="bold"))
        parts.extend(Text(f"  {example}", style="cyan") for example in spec.examples)
    return Group(*parts)


_ITEM = re.compile(r"`[^`]+`:")


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph, so the terminal wraps them instead.

    A line that opens with a quoted term and a colon (``"`show queue`: ..."``) begins an
    item of its own, as in ``help show``; any other line goes on the one before it, even
    when the wrapping happened to put a quoted word first.
    """
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not _ITEM.match(line):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, default=str))

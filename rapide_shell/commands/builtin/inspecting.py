"""Commands that look without changing anything: show, why, whynot, effects, export, save."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text

from pyrapide.core.atomic import WriteError, write_atomically
from rapide_shell import render
from rapide_shell.commands.arguments import (
    ArgumentText,
    file_name,
    number,
    one_of,
    unquote,
    without_force,
)
from rapide_shell.commands.errors import CommandError, CommandSyntaxError
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.downloads import IN_A_BROWSER, write_file
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome
from rapide_shell.recording import home_read, same_file
from rapide_shell.suggestions import close_matches

if TYPE_CHECKING:
    from pyrapide.architecture import ArchitectureDescription
    from pyrapide.core import Event
    from rapide_shell.session import Session

EVENTS_LISTED = 200
"""``show events`` lists at most this many (the latest) unless given a count."""
QUEUE_LISTED = 200
"""``show queue`` lists at most this many pending dispatches (the first) unless given a
count: a storm leaves tens of thousands, which a table takes minutes to draw."""
LISTED = {
    "events": ("an event count", f"the last {EVENTS_LISTED}"),
    "queue": ("a dispatch count", f"the first {QUEUE_LISTED}"),
}
"""The topics ``show`` takes a count for: what the count is, and what no count shows."""

SHOW_TOPICS = ("graph", "queue", "events", "event", "components")
EXPORT_FORMATS = ("dot", "mermaid", "json")

SHOW = CommandSpec(
    name="show",
    usage="show graph [PATH]|queue [N]|events [N]|event ID|components",
    summary="Show the connection graph, the queue, the events, one event or the components.",
    details="""\
`show graph`: the components and the connections between them, with kinds and patterns.
A component that is itself an architecture is one component there; `show graph PATH`
shows inside it (`show graph payments`): its components, named by path, and its own
connections, those fed by what comes in from around it marked `(outside)`.
`show queue [N]`: the pending dispatches, grouped by kind, with their ids (`#12`) and why
any of them must wait (no N: up to the first 200, the rest counted); then the work in
flight: each task started and not finished, with the dispatch it serves and what it
waits for (a wake-up at a time, its connect deliveries, an outside future).
`show events [N]`: the last N recorded events, N at least 1 (no N: up to the last 200).
`show event ID`: one event: name, source, payload, causes and effects (a payload of more
than 400 lines shows its first 400, the rest counted; `export json FILE` writes it whole).
`show components`: each component, its interface, its module and its actions; the
components of a nested architecture under it, by path (`payments.ledger`).""",
    args=(
        ArgSpec("WHAT", ArgKind.CHOICE, choices=SHOW_TOPICS),
        ArgSpec("ARG", ArgKind.EVENT_ID, optional=True),
    ),
    examples=("show queue", "show event e3", "show graph payments"),
    while_running=True,
)

WHY = CommandSpec(
    name="why",
    usage="why EVENT_ID",
    summary="Show the causes of an event back to its roots, as a tree.",
    details="""\
Prints the event, then its direct causes, their causes, and so on back to the root
events. An event reached again by another path is shown once and marked.""",
    args=(ArgSpec("EVENT_ID", ArgKind.EVENT_ID),),
    while_running=True,
)

WHYNOT = CommandSpec(
    name="whynot",
    usage="whynot EVENT_ID",
    summary="Say what each connection decided for an event, and why.",
    details="""\
Lists every connection of the architecture with what it decided for the event: its
pattern names other events or another source; its fields did not match (which one);
its guard returned false (the guard and its line) or raised; its composite pattern is
waiting for a part (which); or it delivered the event (the dispatch ids), possibly as
part of a match another event completed.""",
    args=(ArgSpec("EVENT_ID", ArgKind.EVENT_ID),),
    examples=("whynot e9",),
    while_running=True,
)

EFFECTS = CommandSpec(
    name="effects",
    usage="effects EVENT_ID",
    summary="Show everything an event caused (its forward slice), as a tree.",
    details="""\
Prints the event, then the events it directly caused, what those caused, and so on.
An event reached again by another path is shown once and marked.""",
    args=(ArgSpec("EVENT_ID", ArgKind.EVENT_ID),),
    while_running=True,
)

EXPORT = CommandSpec(
    name="export",
    usage="export dot|mermaid|json [--force] FILE",
    summary="Write the computation as Graphviz DOT, Mermaid or JSON.",
    details="""\
Writes the recorded computation (events and causal links) to FILE in the given format.
DOT and Mermaid are for pictures; JSON holds every event with its payload and causes.
FILE is replaced whole or not at all, keeping its mode. A symbolic link, a FIFO, a
device or a read-only file at FILE is left alone unless `--force` is given; then it
is replaced by a regular file (a link's target is never written).
""" + IN_A_BROWSER,
    args=(
        ArgSpec("FORMAT", ArgKind.CHOICE, choices=EXPORT_FORMATS),
        ArgSpec("FILE", ArgKind.FILE),
    ),
    examples=("export dot run.dot", "export json --force latest.json"),
    while_running=True,
)

SAVE = CommandSpec(
    name="save",
    usage="save [--force] FILE",
    summary="Save the computation to a file that `load` reads back.",
    details="""\
Saves the recorded computation (events, payloads, causes) to FILE. The file is
written beside FILE and renamed over it once complete, so an interrupted save leaves
the old file whole; it keeps the old file's mode (a new one gets your umask's). A
symbolic link, a FIFO, a device or a read-only file at FILE is left alone unless
`--force` is given; then it is replaced by a regular file (a link's target is never
written). A directory is never replaced.
""" + IN_A_BROWSER,
    args=(ArgSpec("FILE", ArgKind.FILE),),
    examples=("save run.json", "save --force shared/run.json"),
    while_running=True,
)


@dataclass(frozen=True)
class ShowArguments:
    """What to show (one of SHOW_TOPICS) and its argument: the event id of ``show
    event``, the count of ``show events``, the nested architecture's path of ``show
    graph PATH`` (None when left out)."""

    topic: str
    arg: str | None


def parse_show(text: ArgumentText) -> ShowArguments:
    """A topic, then an event id (``event``), a count (``events``, ``queue``) or a
    nested architecture's path (``graph``)."""
    words = text.words
    if not words:
        raise CommandSyntaxError(f"show what? one of {', '.join(SHOW_TOPICS)}", column=text.column)
    topic = one_of(
        words[0], SHOW_TOPICS, f"cannot show {words[0].text!r}: one of {', '.join(SHOW_TOPICS)}"
    )
    if topic == "event":
        if len(words) < 2:
            raise CommandSyntaxError(
                "show event needs an event id, e.g. show event e3", column=text.end
            )
        text.at_most(2)
        return ShowArguments("event", unquote(words[1].text))
    if topic in LISTED:
        text.at_most(2)
        if len(words) == 2:
            what, default = LISTED[topic]
            try:
                count = number(words[1], what, least=1)
            except CommandSyntaxError as error:
                raise CommandSyntaxError(f"{error.message} (no count: {default})",
                                         column=error.column) from None
            return ShowArguments(topic, str(count))
        return ShowArguments(topic, None)
    if topic == "graph":  # a nested architecture's path, or nothing
        text.at_most(2)
        return ShowArguments("graph", unquote(words[1].text) if len(words) == 2 else None)
    text.at_most(1)
    return ShowArguments(topic, None)


@dataclass(frozen=True)
class EventArguments:
    """The id of a recorded event, as typed (``e3``; quotes removed)."""

    event_id: str


def parse_event_id(text: ArgumentText) -> EventArguments:
    """One event id."""
    return EventArguments(unquote(text.only_word("an event id is needed, e.g. e3").text))


@dataclass(frozen=True)
class ExportArguments:
    """The format (one of EXPORT_FORMATS), the file to write, and whether ``--force``
    lets it replace a link, FIFO, device or read-only file."""

    format: str
    path: str
    force: bool = False


@dataclass(frozen=True)
class SaveArguments:
    """The file to write, and whether ``--force`` lets it replace a link, FIFO, device or
    read-only file."""

    path: str
    force: bool = False


def parse_save(text: ArgumentText) -> SaveArguments:
    """A file, with ``--force`` anywhere."""
    words, force = without_force(text.words)
    if not words:
        raise CommandSyntaxError("a file name is needed", column=text.column)
    if len(words) > 1:
        raise text.unexpected(words[1])
    return SaveArguments(file_name(words[0]), force)


def parse_export(text: ArgumentText) -> ExportArguments:
    """A format, then a file, with ``--force`` anywhere."""
    words, force = without_force(text.words)
    if not words:
        raise CommandSyntaxError(
            f"export needs a format ({'|'.join(EXPORT_FORMATS)}) and a file", column=text.column
        )
    fmt = words[0]
    one_of(
        fmt,
        EXPORT_FORMATS,
        f"unknown export format {fmt.text!r}: one of {', '.join(EXPORT_FORMATS)}",
    )
    if len(words) < 2:
        raise CommandSyntaxError("export needs a file to write", column=fmt.column + len(fmt.text))
    if len(words) > 2:
        raise text.unexpected(words[2])
    return ExportArguments(fmt.text, file_name(words[1]), force)


async def show(session: Session, command: Command[ShowArguments], line: str) -> CommandOutcome:
    """Show the graph, the queue, the events, one event or the components."""
    # The architecture's views are imported when shown, not with every session.
    from rapide_shell import architecture_view

    topic, arg = command.args.topic, command.args.arg
    data: dict[str, Any] = {"topic": topic}
    if topic == "graph":
        described = inside(session, arg) if arg is not None else session.description
        data["architecture"] = described.to_dict()
        output: RenderableType = architecture_view.graph_renderable(described)
    elif topic == "components":
        data["architecture"] = session.description.to_dict()
        output = architecture_view.components_table(session.loaded)
    elif topic == "queue":
        pending = session.pending()
        in_flight = session.in_flight()
        limit = QUEUE_LISTED if arg is None else int(arg)
        output = render.queue_table(pending, in_flight, session.blocked, limit=limit)
        data["pending"] = [dispatch.id for dispatch in pending]
        data["blocked"] = {
            f"#{dispatch.id}": reason
            for dispatch in pending
            if (reason := session.blocked(dispatch)) is not None
        }
        data["in_flight"] = [
            {"task": flight.label, "waits": str(flight.reason), "until": flight.until}
            for flight in in_flight
        ]
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
        assert arg is not None  # the parser asks `show event` for an id
        event = find_event(session, arg)
        output = render.event_detail(event, session.computation)
        data["event"] = event.to_dict()
    return CommandOutcome(line, "show", output=(output,), data=_json_safe(data))


def inside(session: Session, path: str) -> ArchitectureDescription:
    """The description of the nested architecture at component ``path``; CommandError
    naming the nested architectures there are when it is not one."""
    description = session.description
    nested = [c.path for c in description.walk() if c.architecture is not None]
    try:
        return description.inside(path)
    except KeyError:
        what = f"no component {path!r}"
    except ValueError:
        what = f"{path} is a component bound to a module, not an architecture"
    listed = ", ".join(nested) if nested else "none: no component is an architecture"
    raise CommandError(
        f"cannot show inside {path}: {what} (nested architectures: {listed})",
        suggestions=close_matches(path, nested),
    )


def find_event(session: Session, event_id: str) -> Event:
    """The recorded event ``event_id``; CommandError with close ids when there is none,
    or with the ids of the events of that name when ``event_id`` is a name."""
    event = session.computation.get(event_id)
    if event is None:
        ids = [event.id for event in session.computation]
        hint = close_matches(event_id, ids)
        if not ids:
            raise CommandError(f"no event {event_id!r}: nothing is recorded yet")
        named = [event.id for event in session.computation.events_by_name(event_id)]
        if named:
            raise CommandError(f"{event_id!r} is an event name, not an id: {_ids_of(named)}")
        if len(ids) == 1:
            known = f"the only event is {ids[0]}"
        else:
            known = f"events are {ids[0]} to {ids[-1]}"
        raise CommandError(f"no event {event_id!r} ({known})", suggestions=hint)
    return event


def _ids_of(ids: list[str]) -> str:
    """Which ids to give for the events ``ids`` (all of one name): each of a few, the
    first and last of many."""
    if len(ids) == 1:
        return f"its event is {ids[0]}"
    if len(ids) <= 4:
        return f"its events are {', '.join(ids[:-1])} and {ids[-1]}"
    return f"its {len(ids)} events are {ids[0]} to {ids[-1]}"


async def why(session: Session, command: Command[EventArguments], line: str) -> CommandOutcome:
    """The causes of an event back to the roots, as a tree."""
    return _causal_slice(session, command, line, forward=False)


async def whynot(
    session: Session, command: Command[EventArguments], line: str
) -> CommandOutcome:
    """What each connection decided for an event."""
    event = find_event(session, command.args.event_id)
    if session.system is None or session.inspected is not None:
        raise CommandError(
            "whynot reads what the live system's connections decided; a loaded "
            "computation has no connections (`reset` returns to the system)"
        )
    decisions = session.system.why_not(event)
    output = (
        Text("connections for ").append_text(render.event_text(event)),
        render.decisions_table(decisions),
    )
    data = {
        "event": event.id,
        "connections": [
            {
                "connection": decision.connection.index,
                "scope": decision.connection.scope,
                "verdict": str(decision.verdict),
                "detail": decision.detail,
                "dispatches": list(decision.dispatch_ids),
            }
            for decision in decisions
        ],
    }
    return CommandOutcome(line, "whynot", output=output, data=data)


async def effects(
    session: Session, command: Command[EventArguments], line: str
) -> CommandOutcome:
    """Everything an event caused, as a tree."""
    return _causal_slice(session, command, line, forward=True)


def _causal_slice(
    session: Session, command: Command[EventArguments], line: str, *, forward: bool
) -> CommandOutcome:
    """The event's effects (``forward``) or causes as a tree, and their ids as data."""
    event = find_event(session, command.args.event_id)
    poset = session.computation.poset
    tree = render.causal_tree(event, session.computation, forward=forward)
    reached = poset.descendants(event) if forward else poset.ancestors(event)
    data = {"event": event.id, "effects" if forward else "causes": [e.id for e in reached]}
    return CommandOutcome(line, command.name, output=(tree,), data=data)


async def export(
    session: Session, command: Command[ExportArguments], line: str
) -> CommandOutcome:
    """Write the computation as DOT, Mermaid or JSON."""
    # The library's writers are imported for an export, not with every session.
    from pyrapide.analysis import visualization

    computation = session.computation
    fmt = command.args.format
    size = max(len(computation), 1)
    if fmt == "dot":
        text = visualization.to_dot(computation, max_events=size)
    elif fmt == "mermaid":
        text = visualization.to_mermaid(computation, max_events=size)
    else:
        text = json.dumps(visualization.to_json(computation), indent=2, default=str)
    text = text if text.endswith("\n") else text + "\n"

    def write(path: str) -> None:
        _not_in_use(session, path)
        write_atomically(path, text, force=command.args.force)

    path = command.args.path
    try:
        where = write_file(session.downloads, path, write)
    except WriteError as error:
        raise CommandError(_cannot_write(error, f"export {fmt}")) from None
    note = f"wrote {render.counted(len(computation), 'event')} as {fmt} to {where}"
    return CommandOutcome(
        line, "export", output=(render.note(note),), data={"path": path, "format": fmt}
    )


async def save(session: Session, command: Command[SaveArguments], line: str) -> CommandOutcome:
    """Save the computation for ``load``."""

    def write(path: str) -> None:
        _not_in_use(session, path)
        session.computation.save(path, force=command.args.force)

    path = command.args.path
    try:
        where = write_file(session.downloads, path, write)
    except WriteError as error:
        raise CommandError(_cannot_write(error, "save")) from None
    except TypeError as error:
        raise CommandError(str(error)) from None  # it names the event: "cannot save event ..."
    note = f"saved {render.counted(len(session.computation), 'event')} to {where}"
    return CommandOutcome(line, "save", output=(render.note(note),), data={"path": path})


def _not_in_use(session: Session, path: str) -> None:
    """Refuse to write over the architecture file or the script being played (their
    lines would be lost, ``--force`` or not) or the session's recording (which replaces
    what is there as it ends)."""
    if same_file(path, session.path):
        raise CommandError(f"cannot write {path}: it is the architecture file")
    if session.playing is not None and same_file(path, session.playing):
        raise CommandError(f"cannot write {path}: it is the script being played")
    recorder = session.recorder
    if recorder is not None and home_read(path).resolve() == recorder.path.resolve():
        raise CommandError(
            f"cannot write {path}: it is the recording, which is written there as the "
            "session ends"
        )


def _cannot_write(error: WriteError, command: str) -> str:
    """``cannot write PATH: why``, and how to replace it anyway when ``--force`` would."""
    text = f"cannot write {error.path}: {error.reason}"
    return f"{text}; `{command} --force {error.path}` replaces it" if error.forceable else text


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, default=str))


@hookimpl(tryfirst=True)
def rapide_add_commands(catalog: CommandCatalog) -> None:
    """Adds ``show``, ``why``, ``whynot``, ``effects``, ``export`` and ``save``."""
    catalog.register(SHOW, show, parse=parse_show)
    catalog.register(WHY, why, parse=parse_event_id)
    catalog.register(WHYNOT, whynot, parse=parse_event_id)
    catalog.register(EFFECTS, effects, parse=parse_event_id)
    catalog.register(EXPORT, export, parse=parse_export)
    catalog.register(SAVE, save, parse=parse_save)

"""The ``map [NAME]`` command: what a map makes of the current run, shown beside the run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pyrapide.core.printable import printable
from rapide_shell import render
from rapide_shell.commands.arguments import ArgumentText, unquote
from rapide_shell.commands.errors import CommandError
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome
from rapide_shell.suggestions import close_matches

if TYPE_CHECKING:
    from rapide_shell.session import Session

ROWS_SHOWN = 200
"""``map NAME`` shows the latest this many events of the run (and what they made)."""

MAP = CommandSpec(
    name="map",
    usage="map [NAME]",
    summary="Show what map NAME makes of the run, beside it (or list the file's maps).",
    details="""\
A map (an `ArchitectureMap` defined at the top level of the architecture file) turns a run
of this detailed architecture into a run of an abstract one: each of its rules records an
abstract event whenever its pattern matches, caused by the abstract events whose matches
happened before.

`map NAME` applies map NAME to everything recorded so far and shows the two side by side:
each event of the run, with its causes (`<- e2`), and beside the event that completed a
rule's match, the abstract event it made (`a3 Bank.settled`) with its payload and its
abstract causes. Then it checks the abstract run against the abstract architecture's
constraints and lists what they find, and notes each rule's name with `*` that no event of
the run's architecture has (the rule may never match). With no NAME, lists the maps the
file defines.""",
    args=(ArgSpec("NAME", ArgKind.MAP_NAME, optional=True),),
    while_running=True,
    examples=("map", "map to_payments"),
)


@dataclass(frozen=True)
class MapArguments:
    """The map to apply, or None to list the file's maps."""

    name: str | None


def parse_map(text: ArgumentText) -> MapArguments:
    """Nothing, or one map name (quotes removed)."""
    words = text.at_most(1)
    return MapArguments(unquote(words[0].text) if words else None)


@hookimpl(tryfirst=True)
def rapide_add_commands(catalog: CommandCatalog) -> None:
    """Adds ``map``."""
    catalog.register(MAP, map_command, parse=parse_map)


async def map_command(
    session: Session, command: Command[MapArguments], line: str
) -> CommandOutcome:
    """Runs ``map [NAME]``."""
    maps = session.loaded.maps
    name = command.args.name
    if name is None:
        return _listing(maps, line)
    chosen = maps.get(name)
    if chosen is None:
        known = ", ".join(maps) if maps else "the file defines none"
        raise CommandError(
            f"no map {name!r} (maps: {known})", suggestions=close_matches(name, list(maps))
        )
    # Imported when a map runs, as `export` imports the views: starting the workbench
    # does not load the library's layers it may never use.
    from pyrapide.architecture.maps import MapError

    try:
        trace = chosen.trace(session.computation)
    except MapError as error:
        raise CommandError(str(error)) from None
    violations = trace.violations()
    output: list[RenderableType] = [_side_by_side(trace)]
    output.append(_verdict(trace, violations))
    # What the rules keep to themselves by never matching, as watch and expect note it.
    output.extend(render.note(f"note: {warning}", style="yellow") for warning in chosen.warnings)
    data = {
        "map": name,
        "abstract": [_abstract_data(trace, event) for event in trace.abstract],
        "violations": [
            {
                "constraint": violation.constraint_name,
                "description": violation.description,
                "events": [event.id for event in violation.matched_events],
            }
            for violation in violations
        ],
    }
    return CommandOutcome(line, "map", output=tuple(output), data=data)


def _listing(maps: dict[str, Any], line: str) -> CommandOutcome:
    if not maps:
        note = "the architecture file defines no map (a module-level ArchitectureMap)"
        return CommandOutcome(line, "map", output=(Text(note, style="dim"),), data={"maps": []})
    table = render.key_value_table(
        (
            (Text(name, style="bold"), _label(found.domain), _label(found.range),
             render.counted(len(found.rules), "rule"))
            for name, found in maps.items()
        ),
        ("map", "from", "to", "rules"),
    )
    return CommandOutcome(line, "map", output=(table,), data={"maps": list(maps)})


def _label(architecture: Any) -> str:
    return getattr(architecture, "__name__", str(architecture))


def _side_by_side(trace: Any) -> RenderableType:
    """One row per detailed event; beside it, the abstract events its arrival completed."""
    detailed = trace.detailed
    made_at: dict[str, list[Any]] = {}
    for event in trace.abstract:
        made_at.setdefault(trace.made_from(event)[-1].id, []).append(event)
    events = list(detailed)
    shown = events[-ROWS_SHOWN:]
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column(f"run ({render.counted(len(events), 'event')})", no_wrap=True)
    table.add_column(f"{trace.map.name} ({render.counted(len(trace.abstract), 'event')})")
    for event in shown:
        left = _event_cell(event, detailed.direct_causes(event))
        right = Text("\n").join(
            _event_cell(made, trace.abstract.direct_causes(made), payload=True)
            for made in made_at.get(event.id, ())
        )
        table.add_row(left, right)
    if len(shown) < len(events):
        hidden = render.counted(len(events) - len(shown), "earlier event")
        return Group(Text(f"{hidden} not shown", style="dim"), table)
    return table


def _event_cell(event: Any, causes: tuple[Any, ...], *, payload: bool = False) -> Text:
    """``e3 Ledger.posted <- e1``: the id, the name, (the payload,) the direct causes."""
    cell = Text()
    cell.append(printable(event.id), style="bold cyan")
    cell.append(f" {printable(event.name)}", style="bold")
    if payload and event.payload:
        cell.append(f" {render.payload_text(event.payload, 40)}", style="green")
    if causes:
        cell.append(" <- " + ", ".join(printable(cause.id) for cause in causes), style="magenta")
    return cell


def _verdict(trace: Any, violations: list[Any]) -> RenderableType:
    target = _label(trace.map.range)
    if not violations:
        return Text(f"the abstract run satisfies the constraints of {target}", style="green")
    heading = f"{render.counted(len(violations), 'violation')} of the constraints of {target}:"
    lines = [Text(heading, style="bold red")]
    for violation in violations:
        ids = ", ".join(event.id for event in violation.matched_events)
        lines.append(render.note(f"  {violation.constraint_name}: {violation.description}"
                                 + (f" [{ids}]" if ids else "")))
    return Group(*lines)


def _abstract_data(trace: Any, event: Any) -> dict[str, Any]:
    return {
        "id": event.id,
        "name": event.name,
        "source": event.source,
        "payload": json.loads(json.dumps(dict(event.payload), default=str)),
        "causes": [cause.id for cause in trace.abstract.direct_causes(event)],
        "from": [made.id for made in trace.made_from(event)],
    }

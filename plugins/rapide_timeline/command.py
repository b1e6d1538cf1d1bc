"""The ``timeline [N]`` command: its spec, its handler and the hook that adds it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from rapide_shell.commands import (
    ArgKind,
    ArgSpec,
    Command,
    CommandCatalog,
    CommandSpec,
    DeclaredArguments,
)
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome

if TYPE_CHECKING:
    from rapide_shell.session import Session

DEFAULT_COUNT = 30
"""How many of the latest events ``timeline`` draws when not given N."""

TIMELINE = CommandSpec(
    name="timeline",
    usage="timeline [N]",
    summary="Draw the last N events (30) as one lane per component.",
    details="""\
Draws the last N recorded events (30 when N is left out) as swimlanes: one column per
component that sent one of them, plus 'env' for injected events, time running down.
Each event stands in its source's lane as its id and short name, linked from the lane
of each cause in the line of the cause's kind; the column on the right lists its causes
marked with their kinds ('← ═e3 ⇊e13'): delivered through a connect (─), a pipe (═) or
an agent (┄), emitted just before by the same handler run (↓), the end of a connect
the emitter waited on (↩), the pipe's order (⇊), or given by the emitter (+). A line
under the drawing names the marks it used. Under each lane's name is the kind of
connection that delivers to it, so the same work delivered three ways can be compared
row by row. When the lanes do not fit the terminal, the last one gathers the remaining
components, and a line under the drawing names them. The TUI's Timeline panel draws
the whole run the same way.""",
    args=(ArgSpec("N", ArgKind.INTEGER, optional=True, least=1),),
    while_running=True,
    examples=("timeline", "timeline 10"),
)


@hookimpl
def rapide_add_commands(catalog: CommandCatalog, session: Session) -> None:
    """Adds ``timeline`` to every session's command language."""
    catalog.register(TIMELINE, timeline)


async def timeline(
    session: Session, command: Command[DeclaredArguments], line: str
) -> CommandOutcome:
    """Runs ``timeline [N]``: the last N events of the session's computation as lanes."""
    count = command.args["N"]
    count = DEFAULT_COUNT if count is None else count
    computation = session.computation
    events = list(computation)[-count:]
    if not events:
        return CommandOutcome(
            line,
            "timeline",
            output=(Text("no events recorded", style="dim"),),
            data={"events": []},
        )
    # The drawing of lanes is imported when one is drawn: the plugin is loaded with every
    # session, before the workbench's first frame, and most never draw one.
    from rapide_timeline.lanes import Timeline

    drawing = Timeline.of(events, computation, session.description)
    return CommandOutcome(
        line,
        "timeline",
        output=(drawing,),
        data={"events": [event.id for event in events], "lanes": list(drawing.lanes)},
    )

"""Commands that drive the system: step, run, continue and pause."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text

from rapide_shell import render
from rapide_shell.commands.arguments import ArgumentText, NoArguments, no_arguments, one_of
from rapide_shell.commands.errors import CommandError, CommandSyntaxError
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome
from rapide_shell.report import activity

if TYPE_CHECKING:
    from rapide_shell.session import Session

CONNECTION_KINDS = ("connect", "pipe", "agent")
"""What ``step KIND`` takes."""

STEP = CommandSpec(
    name="step",
    usage="step [N | connect|pipe|agent | #ID]",
    summary="Run one pending dispatch (or N, or the next of a kind, or a chosen one).",
    details="""\
Runs exactly one pending dispatch and shows what it recorded. `step 5` runs five, one
after another; `step pipe` runs the next pending dispatch of that connection kind;
`step #12` runs dispatch 12 as `show queue` lists it (this is how you choose the order
of agent deliveries). A breakpoint does not interrupt a step.

A plain `step`, or `step KIND`, takes the dispatch the scheduler would run next, which
is not always the lowest id: a connect delivery goes first (its emitter is waiting for
it), and the seed picks among the agent deliveries that are ready.""",
    args=(ArgSpec("TARGET", ArgKind.STEP_TARGET, optional=True),),
    examples=("step", "step 3", "step agent", "step #12"),
)

RUN = CommandSpec(
    name="run",
    usage="run",
    summary="Run until nothing is pending, or until a breakpoint stops the run.",
    details="""\
Runs the pending dispatches, and everything they cause, until the system is quiet
(nothing pending, nothing running). When an event matching a breakpoint is recorded,
the run pauses after the current dispatch and says which breakpoint and which event
stopped it; `continue` goes on from there. In the REPL, Ctrl-C pauses a run.""",
)

CONTINUE = CommandSpec(
    name="continue",
    usage="continue",
    summary="Go on after a breakpoint or a pause (the same as `run`).",
    details="""\
Resumes a run that a breakpoint or `pause` stopped, until the system is quiet or the
next breakpoint.""",
    aliases=("c",),
)

PAUSE = CommandSpec(
    name="pause",
    usage="pause",
    summary="Pause a run in progress after the current dispatch.",
    details="""\
Stops a `run` after the dispatch in progress. Pending dispatches stay queued; `step`
or `continue` goes on. Between commands the system is always paused, so `pause` only
matters while a run is in progress: typed in the TUI's command bar during a run (in the
REPL, Ctrl-C pauses a run; a script's commands never overlap a run).""",
    while_running=True,
)


@dataclass(frozen=True)
class StepTarget:
    """What ``step`` runs: ``count`` dispatches, or the next of ``kind``, or ``dispatch_id``."""

    count: int = 1
    kind: str | None = None
    dispatch_id: int | None = None
    no_such_dispatch: str | None = None
    """A ``#`` word that is no dispatch id (``#abc``), as typed: running the step says
    there is no such dispatch and which ones are pending."""


@dataclass(frozen=True)
class StepArguments:
    """What ``step`` was told to run."""

    target: StepTarget


_DISPATCH_ID = re.compile(r"#(\d+)\Z")


def parse_step(text: ArgumentText) -> StepArguments:
    """Nothing, a count, a connection kind or a dispatch id (``#12``)."""
    words = text.at_most(1)
    if not words:
        return StepArguments(StepTarget())
    word = words[0]
    if word.text.isdigit():
        count = int(word.text)
        if count < 1:
            raise CommandSyntaxError("step needs a count of at least 1", column=word.column)
        return StepArguments(StepTarget(count=count))
    dispatch = _DISPATCH_ID.match(word.text)
    if dispatch:
        return StepArguments(StepTarget(dispatch_id=int(dispatch.group(1))))
    if word.text.startswith("#"):
        return StepArguments(StepTarget(no_such_dispatch=word.text))
    kind = one_of(
        word,
        CONNECTION_KINDS,
        f"step takes a count, connect|pipe|agent or a dispatch id like #12, not {word.text!r}",
    )
    return StepArguments(StepTarget(kind=kind))


async def step(session: Session, command: Command[StepArguments], line: str) -> CommandOutcome:
    """Run one dispatch (or N, the next of a kind, or a chosen one)."""
    session.require_live("step")
    target = command.args.target
    ran: list[Any] = []
    with session.capture() as seen:
        if target.no_such_dispatch is not None:
            raise CommandError(
                f"no dispatch {target.no_such_dispatch}; dispatch ids are numbers, as "
                f"`show queue` lists them{_pending_hint(session)}"
            )
        if target.dispatch_id is not None:
            ran.append(await _step_chosen(session, target.dispatch_id))
        elif target.kind is not None:
            dispatch = await session.step_once(target.kind)
            if dispatch is None:
                raise CommandError(f"no {target.kind} dispatch is pending{_pending_hint(session)}")
            ran.append(dispatch)
        else:
            for _ in range(target.count):
                if session.quiet:
                    break
                dispatch = await session.step_once(None)
                if dispatch is not None:
                    ran.append(dispatch)
    # Replaying the line as typed repeats the same choices: the system is deterministic.
    session.record(command.text)
    report = activity(seen, session.computation)
    output: list[RenderableType] = []
    if not ran:
        output.append(Text("nothing pending: nothing to step", style="dim"))
    for dispatch in ran:
        output.append(Text("ran ").append_text(render.dispatch_text(dispatch)))
    output.extend(report.renderables())
    output.append(_state_line(session))
    data = {
        "dispatches": [dispatch.id for dispatch in ran],
        "events": [event.id for event in report.events],
        "errors": report.error_texts,
        "pending": session.pending_count,
    }
    return CommandOutcome(line, "step", output=tuple(output), data=data)


async def _step_chosen(session: Session, dispatch_id: int) -> Any:
    if all(dispatch.id != dispatch_id for dispatch in session.pending()):
        raise CommandError(f"no pending dispatch #{dispatch_id}{_pending_hint(session)}")
    dispatch = await session.step_once(dispatch_id)
    return dispatch


def _pending_hint(session: Session) -> str:
    pending = session.pending()
    if not pending:
        return " (nothing is pending)"
    shown = ", ".join(f"#{d.id} {d.kind}" for d in pending[:8])
    more = f" and {len(pending) - 8} more" if len(pending) > 8 else ""
    return f" (pending: {shown}{more})"


async def run(session: Session, command: Command[NoArguments], line: str) -> CommandOutcome:
    """Run until quiet, a breakpoint, or pause (``run`` and ``continue``)."""
    session.require_live(command.name)
    with session.capture() as seen:
        steps = await session.run()
    report = activity(seen, session.computation)
    stopped = session.stopped_by
    paused_by_user = session.paused_by_user
    if paused_by_user:
        # A user's pause falls at no reproducible point; the steps it allowed are one.
        session.record(f"step {steps}")
    else:
        session.record(command.name)
    output: list[RenderableType] = [
        Text(
            f"ran {render.counted(len(report.started), 'dispatch', 'dispatches')}, "
            f"recorded {render.counted(len(report.events), 'event')}"
        )
    ]
    output.extend(report.renderables())
    if stopped is not None:
        output.append(
            render.note(
                f"stopped at breakpoint {stopped.break_id} ({stopped.pattern_text}): ",
                style="bold yellow",
            ).append_text(render.event_text(stopped.event))
        )
    elif paused_by_user:
        output.append(Text("paused", style="bold yellow"))
    if session.halted:
        output.append(Text("halted by a limit: `reset` starts over", style="bold yellow"))
    output.append(_state_line(session))
    data: dict[str, Any] = {
        "dispatches": len(report.started),
        "events": [event.id for event in report.events],
        "errors": report.error_texts,
        "pending": session.pending_count,
        "stopped_by": None
        if stopped is None
        else {"breakpoint": stopped.break_id, "event": stopped.event.id},
    }
    return CommandOutcome(line, command.name, output=tuple(output), data=data)


def _state_line(session: Session) -> Text:
    count = session.pending_count
    if count:
        return Text(f"paused: {count} pending (step, run or show queue)", style="dim")
    return Text("quiet: nothing pending", style="dim")


async def pause(session: Session, command: Command[NoArguments], line: str) -> CommandOutcome:
    """Pause a run in progress."""
    if session.pause():
        text = "pausing after the current dispatch"
    else:
        text = "nothing is running (between commands the system is always paused)"
    return CommandOutcome(line, "pause", output=(Text(text),), data={"paused": session.running})


@hookimpl(tryfirst=True)
def rapide_add_commands(catalog: CommandCatalog) -> None:
    """Adds ``step``, ``run``, ``continue`` and ``pause``."""
    catalog.register(STEP, step, parse=parse_step)
    catalog.register(RUN, run, parse=no_arguments)
    catalog.register(CONTINUE, run, parse=no_arguments)
    catalog.register(PAUSE, pause, parse=no_arguments)

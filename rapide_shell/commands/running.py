"""Commands that drive the system: inject, step, run, pause, seed, reset, reload, load, quit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text

from pyrapide.types.payloads import PayloadError, check_payload
from rapide_shell import render
from rapide_shell.commands.errors import CommandError, close_matches
from rapide_shell.commands.lexer import Payload
from rapide_shell.commands.parser import Command, StepTarget
from rapide_shell.outcome import CommandOutcome
from rapide_shell.recording import inject_line
from rapide_shell.report import activity, first_line

if TYPE_CHECKING:
    from rapide_shell.session import Session


async def inject(session: Session, command: Command, line: str) -> CommandOutcome:
    """Check the event name and payload against the action signatures, then inject."""
    session.require_live("inject")
    name: str = command.args["event"]
    values = checked_payload(session.actions, name, command.args["payload"])
    with session.capture() as seen:
        event = session.inject(name, values)
    session.record(inject_line(name, values))
    report = activity(seen, session.computation, show_events=False)
    queued = report.queued
    output: list[RenderableType] = [Text("injected ").append_text(render.event_text(event))]
    if queued:
        output.append(
            Text("queued ", style="dim").append_text(
                render.note(", ".join(f"#{d.id} {d.kind} -> {d.target}" for d in queued))
            )
        )
    else:
        output.append(Text("no connection matches it: nothing queued", style="dim"))
    output.extend(report.problems)
    data = {"event": event.id, "queued": [d.id for d in queued]}
    return CommandOutcome(line, "inject", output=tuple(output), data=data)


def checked_payload(actions: dict[str, Any], name: str, payload: Payload) -> dict[str, Any]:
    """``payload``'s values once ``name`` and its fields are checked against ``actions``.

    The event name must be one an interface declares (close matches offered); the
    payload then goes through the checker ``System.inject`` and ``ctx.emit`` use
    (:func:`pyrapide.types.payloads.check_payload`), so the three refuse alike. A field
    declared ``str`` keeps the text as typed (``key=42`` is ``"42"``). An architecture
    whose interfaces declare no actions accepts any name and fields (values must still
    be ones a file can hold). Raises CommandError, with the column of the field at fault.
    """
    values = dict(payload.values)
    spec = None
    if actions:
        spec = actions.get(name)
        if spec is None:
            raise CommandError(
                f"unknown event {name!r}: no interface declares it",
                suggestions=close_matches(name, actions),
            )
        for param in spec.params:
            typed = payload.typed_as.get(param.name)
            if param.annotation == "str" and typed is not None:
                values[param.name] = typed
    try:
        check_payload(spec, name, values)
    except PayloadError as error:
        raise CommandError(
            error.message,
            column=None if error.field is None else payload.columns.get(error.field),
            suggestions=error.suggestions,
        ) from None
    return values


async def step(session: Session, command: Command, line: str) -> CommandOutcome:
    """Run one dispatch (or N, the next of a kind, or a chosen one)."""
    session.require_live("step")
    target: StepTarget = command.args["target"]
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


async def run(session: Session, command: Command, line: str) -> CommandOutcome:
    """Run until quiet, a breakpoint, or pause."""
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


async def pause(session: Session, command: Command, line: str) -> CommandOutcome:
    """Pause a run in progress."""
    if session.pause():
        text = "pausing after the current dispatch"
    else:
        text = "nothing is running (between commands the system is always paused)"
    return CommandOutcome(line, "pause", output=(Text(text),), data={"paused": session.running})


async def seed(session: Session, command: Command, line: str) -> CommandOutcome:
    """Start over with a new seed."""
    session.seed = command.args["value"]
    await session.rebuild("seed")
    session.record(f"seed {session.seed}")
    text = f"seed {session.seed}: started over with a fresh system"
    return CommandOutcome(line, "seed", output=(Text(text),), data={"seed": session.seed})


async def reset(session: Session, command: Command, line: str) -> CommandOutcome:
    """Start over from the same architecture."""
    await session.rebuild("reset")
    session.record("reset")
    text = f"started over (seed {session.seed}); {_kept(session)}"
    return CommandOutcome(line, "reset", output=(Text(text),), data={"seed": session.seed})


async def reload(session: Session, command: Command, line: str) -> CommandOutcome:
    """Re-read the architecture file and start over."""
    from rapide_shell.loader import LoadError, load_architecture

    try:
        loaded = load_architecture(session.path, arch=session.loaded.chosen)
    except LoadError as error:
        raise CommandError(f"reload failed, the session keeps its system: {error}") from None
    await session.rebuild("reload", loaded=loaded)
    session.record("reload")
    text = f"reloaded {session.path} ({loaded.name}); {_kept(session)}"
    return CommandOutcome(
        line, "reload", output=(render.note(text),), data={"architecture": loaded.name}
    )


def _kept(session: Session) -> str:
    watches = render.counted(len(session.watches), "watch", "watches")
    return f"{watches} and {render.counted(len(session.breakpoints), 'breakpoint')} kept"


async def load(session: Session, command: Command, line: str) -> CommandOutcome:
    """Show a saved computation, read-only."""
    from pyrapide.core import Computation, ComputationFileError

    path = command.args["path"]
    try:
        computation = Computation.load(path)
    except ComputationFileError as error:
        # The reader's message names the path once, where in the file, and what is wrong.
        message = _first_line(error)
        if error.to_json_view:
            message = (
                f"{path}: not a saved computation: it is an `export json` view, which keeps "
                "too little to load back; `save FILE` writes what `load` reads"
            )
        raise CommandError(message) from None
    session.inspect(computation)
    session.record(f"load {path}")
    text = (
        f"loaded {render.counted(len(computation), 'event')} from {path} "
        "(read-only; `reset` returns to the system)"
    )
    return CommandOutcome(
        line, "load", output=(render.note(text),), data={"events": len(computation)}
    )


def _first_line(error: Exception) -> str:
    return first_line(str(error)) or type(error).__name__


async def quit_(session: Session, command: Command, line: str) -> CommandOutcome:
    """Ask the front end to close the session and leave."""
    return CommandOutcome(line, "quit", output=(), quit=True)

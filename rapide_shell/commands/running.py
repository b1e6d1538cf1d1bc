"""Commands that drive the system: inject, step, run, pause, seed, reset, reload, load, quit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text

from pyrapide.runtime import WAKE, DispatchStarted, StopReason, TaskResumed
from rapide_shell import render
from rapide_shell.commands.errors import CommandError, close_matches
from rapide_shell.commands.lexer import Payload
from rapide_shell.commands.parser import Command, StepTarget
from rapide_shell.outcome import CommandOutcome
from rapide_shell.recording import inject_line
from rapide_shell.report import activity

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
            Text("queued ", style="dim").append(
                ", ".join(f"#{d.id} {d.kind} -> {d.target}" for d in queued)
            )
        )
    else:
        output.append(Text("no connection matches it: nothing queued", style="dim"))
    output.extend(report.problems)
    data = {"event": event.id, "queued": [d.id for d in queued]}
    return CommandOutcome(line, "inject", output=tuple(output), data=data)


def checked_payload(actions: dict[str, Any], name: str, payload: Payload) -> dict[str, Any]:
    """``payload``'s values once ``name`` and its fields are checked against ``actions``.

    Raises CommandError for an unknown event name, an undeclared field or a missing
    required one, with close matches. A field declared ``str`` keeps the text as typed.
    An architecture whose interfaces declare no actions accepts any name and fields.
    """
    values = dict(payload.values)
    if not actions:
        return values
    spec = actions.get(name)
    if spec is None:
        raise CommandError(
            f"unknown event {name!r}: no interface declares it",
            suggestions=close_matches(name, actions),
        )
    fields = spec.field_names
    if not spec.extra_fields:
        for key in values:
            if key not in fields:
                listed = ", ".join(fields) if fields else "none"
                raise CommandError(
                    f"{name} has no field {key!r} (its fields: {listed})",
                    column=payload.columns.get(key),
                    suggestions=close_matches(key, fields),
                )
    missing = [field for field in spec.required_fields if field not in values]
    if missing:
        raise CommandError(f"{name} needs {', '.join(missing)}: {spec.signature_text()}")
    for param in spec.params:
        typed = payload.typed_as.get(param.name)
        if (
            param.annotation == "str"
            and typed is not None
            and not isinstance(values[param.name], str)
        ):
            values[param.name] = typed
        if param.name in values and not _fits(values[param.name], param.annotation):
            raise CommandError(
                f"{name}: {param.name} is declared {param.annotation}, "
                f"got {json.dumps(values[param.name], ensure_ascii=False)}",
                column=payload.columns.get(param.name),
            )
    return values


# The JSON value types each plain annotation admits (bool is not a number here).
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list,),
    "tuple": (list,),
    "dict": (dict,),
    "None": (type(None),),
}


def _fits(value: Any, annotation: str) -> bool:
    """False only when ``annotation`` is made of plain types (``int``, ``list[str]``,
    ``float | None``) that ``value`` is none of; anything else is not checked."""
    admitted: list[type] = []
    for part in annotation.split("|"):
        base = part.strip().split("[", 1)[0].removeprefix("typing.")
        if base not in _JSON_TYPES:
            return True
        admitted.extend(_JSON_TYPES[base])
    if isinstance(value, bool) and bool not in admitted:
        return False
    return isinstance(value, tuple(admitted))


async def step(session: Session, command: Command, line: str) -> CommandOutcome:
    """Take one step (or N, or the next of a kind, or a chosen one, or a wake-up)."""
    session.require_live("step")
    target: StepTarget = command.args["target"]
    bound = _bound_reached(session)
    with session.capture() as seen:
        if target.no_such_dispatch is not None:
            raise CommandError(
                f"no dispatch {target.no_such_dispatch}; dispatch ids are numbers, as "
                f"`show queue` lists them{_pending_hint(session)}"
            )
        if bound is None:  # else the session's bounds allow no more steps
            await _take_steps(session, target)
    # Replaying the line as typed repeats the same choices: the system is deterministic.
    session.record(command.text)
    report = activity(seen, session.computation)
    steps = [render.step_text(note) for note in seen if _is_step(note)]
    output: list[RenderableType] = list(steps)
    if not steps and bound is None:
        output.append(Text(_nothing_to_step(session), style="dim"))
    output.extend(report.renderables())
    bound = bound or _bound_reached(session)
    if bound is not None:
        output.append(Text(f"stopped: {bound} with work pending", style="bold yellow"))
    output.append(state_line(session))
    data: dict[str, Any] = {
        "dispatches": [d.id for d in report.started],
        "resumed": [r.label for r in report.resumed],
        "events": [event.id for event in report.events],
        "errors": report.error_texts,
        "pending": session.pending_count,
        "in_flight": [f.label for f in session.in_flight()],
    }
    if bound is not None:
        data["bound"] = bound
    return CommandOutcome(line, "step", output=tuple(output), data=data)


async def _take_steps(session: Session, target: StepTarget) -> None:
    if target.dispatch_id is not None:
        await _step_chosen(session, target.dispatch_id)
    elif target.kind is not None:
        if await session.step_once(target.kind) is None:
            raise CommandError(_nothing_of_kind(session, target.kind))
    else:
        for _ in range(target.count):
            if session.quiet or _bound_reached(session):
                break
            await session.step_once(None)


def _is_step(note: Any) -> bool:
    return isinstance(note, (DispatchStarted, TaskResumed))


async def _step_chosen(session: Session, dispatch_id: int) -> None:
    in_flight = any(f.dispatch is not None and f.dispatch.id == dispatch_id
                    for f in session.in_flight())
    if not in_flight and all(dispatch.id != dispatch_id for dispatch in session.pending()):
        raise CommandError(f"no pending dispatch #{dispatch_id}{_pending_hint(session)}")
    await session.step_once(dispatch_id)


def _nothing_of_kind(session: Session, kind: str) -> str:
    """Why ``step KIND`` found nothing it could run."""
    if kind == WAKE:
        return "no task is asleep or woken: nothing to wake" + _in_flight_hint(session)
    waiting = [d for d in session.pending() if d.kind == kind]
    if not waiting:
        return f"no {kind} dispatch is pending{_pending_hint(session)}"
    reasons = "; ".join(filter(None, (session.blocked(d) for d in waiting[:3])))
    return f"no {kind} dispatch can run now: {reasons}"


def _nothing_to_step(session: Session) -> str:
    """What a step that did nothing says."""
    if session.quiet:
        return "quiet: nothing pending, nothing in flight: nothing to step"
    flights = session.in_flight()
    if flights:
        waits = "; ".join(f"{f.label} {f.describe()}" for f in flights[:3])
        return f"nothing can run now: {waits}"
    return "nothing pending: nothing to step"


def _pending_hint(session: Session) -> str:
    pending = session.pending()
    if not pending:
        return " (nothing is pending)" + _in_flight_hint(session)
    shown = ", ".join(f"#{d.id} {d.kind}" for d in pending[:8])
    more = f" and {len(pending) - 8} more" if len(pending) > 8 else ""
    return f" (pending: {shown}{more})"


def _in_flight_hint(session: Session) -> str:
    flights = session.in_flight()
    if not flights:
        return ""
    return " (in flight: " + ", ".join(f"{f.label} {f.describe()}" for f in flights[:4]) + ")"


async def run(session: Session, command: Command, line: str) -> CommandOutcome:
    """Run until quiet, a breakpoint, pause, N steps or the session's bounds."""
    session.require_live(command.name)
    max_steps: int | None = command.args.get("max_steps")
    bound = _bound_reached(session)
    with session.capture() as seen:
        outcome = None if bound is not None else await session.run(max_steps)
    report = activity(seen, session.computation)
    stopped = session.stopped_by
    paused_by_user = session.paused_by_user
    if paused_by_user and outcome is not None:
        # A user's pause falls at no reproducible point; the steps it allowed are one.
        session.record(f"step {outcome.steps}")
    else:
        session.record(command.text)
    output: list[RenderableType] = [
        Text(
            f"ran {render.counted(len(report.started), 'dispatch', 'dispatches')}, "
            f"recorded {render.counted(len(report.events), 'event')}"
        )
    ]
    if report.resumed:
        output.append(Text(f"resumed {', '.join(r.label for r in report.resumed)}", style="dim"))
    output.extend(report.renderables())
    if stopped is not None:
        output.append(
            Text(
                f"stopped at breakpoint {stopped.break_id} ({stopped.pattern_text}): ",
                style="bold yellow",
            ).append_text(render.event_text(stopped.event))
        )
    elif paused_by_user:
        output.append(Text("paused", style="bold yellow"))
    if session.halted:
        output.append(Text("halted by a limit: `reset` starts over", style="bold yellow"))
    bound = bound or _bound_reached(session)
    if bound is None and outcome is not None and outcome.stopped is StopReason.BUDGET:
        bound = f"`run {max_steps}` took its {render.counted(outcome.steps, 'step')}"
    if bound is not None:
        output.append(Text(f"stopped: {bound} with work pending", style="bold yellow"))
    output.append(state_line(session))
    data: dict[str, Any] = {
        "dispatches": len(report.started),
        "steps": 0 if outcome is None else outcome.steps,
        "stopped": "bound" if outcome is None else str(outcome.stopped),
        "events": [event.id for event in report.events],
        "errors": report.error_texts,
        "pending": session.pending_count,
        "in_flight": [f.label for f in session.in_flight()],
        "stopped_by": None
        if stopped is None
        else {"breakpoint": stopped.break_id, "event": stopped.event.id},
    }
    if bound is not None:
        data["bound"] = bound
    return CommandOutcome(line, command.name, output=tuple(output), data=data)


def _bound_reached(session: Session) -> str | None:
    """Which of the session's bounds ran out, when one did with work still pending."""
    return None if session.quiet else session.bounds.check()


def state_line(session: Session) -> Text:
    """``paused: 2 pending, 1 in flight (...)`` or ``quiet: nothing pending, nothing in flight``."""
    count = session.pending_count
    flights = session.in_flight()
    if not count and not flights:
        return Text("quiet: nothing pending, nothing in flight", style="dim")
    pending = f"{count} pending" if count else "nothing pending"
    if not flights:
        return Text(f"paused: {pending} (step, run or show queue)", style="dim")
    first = flights[0]
    waits = f"{first.label} {first.describe()}" + (", ..." if len(flights) > 1 else "")
    return Text(f"paused: {pending}, {len(flights)} in flight ({waits})", style="dim")


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
    return CommandOutcome(line, "reload", output=(Text(text),), data={"architecture": loaded.name})


def _kept(session: Session) -> str:
    watches = render.counted(len(session.watches), "watch", "watches")
    return f"{watches} and {render.counted(len(session.breakpoints), 'breakpoint')} kept"


async def load(session: Session, command: Command, line: str) -> CommandOutcome:
    """Show a saved computation, read-only."""
    from pyrapide.core import Computation

    path = command.args["path"]
    if not Path(path).exists():
        raise CommandError(f"{path}: no such file")
    if Path(path).is_dir():
        raise CommandError(f"{path}: is a directory, not a saved computation")
    try:
        computation = Computation.load(path)
    except Exception as error:
        message = _not_a_computation(path, _first_line(error))
        if _is_export(path):
            message += "; it is an `export json` view: `save FILE` writes what `load` reads"
        raise CommandError(message) from None
    session.inspect(computation)
    session.record(f"load {path}")
    text = (
        f"loaded {len(computation)} events from {path} (read-only; `reset` returns to the system)"
    )
    return CommandOutcome(line, "load", output=(Text(text),), data={"events": len(computation)})


def _not_a_computation(path: str, reason: str) -> str:
    """``PATH: not a saved computation (why)``, the path said once even when ``reason``
    (the reader's own message) already starts with it."""
    for shown in (path, str(Path(path))):
        if reason.startswith(shown):
            reason = reason[len(shown) :].lstrip(": ")
            break
    reason = reason.removeprefix("not a saved computation").lstrip(": ")
    return (
        f"{path}: not a saved computation ({reason})"
        if reason
        else f"{path}: not a saved computation"
    )


def _is_export(path: str) -> bool:
    """True for a file that ``export json`` wrote (its keys, and no saved format)."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and {"events", "edges"} <= document.keys()


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


async def quit_(session: Session, command: Command, line: str) -> CommandOutcome:
    """Ask the front end to close the session and leave."""
    return CommandOutcome(line, "quit", output=(), quit=True)

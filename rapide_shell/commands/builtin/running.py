"""Commands that drive the system: step, run, continue and pause."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text

from pyrapide.architecture import ConnectionKind
from pyrapide.runtime import WAKE, StopReason
from pyrapide.runtime.choices import hook_target
from rapide_shell import render
from rapide_shell.commands.arguments import (
    ArgumentText,
    NoArguments,
    Word,
    digits_value,
    is_whole_number,
    no_arguments,
    number,
    one_of,
)
from rapide_shell.commands.errors import CommandError, CommandSyntaxError
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome
from rapide_shell.report import Activity

if TYPE_CHECKING:
    from rapide_shell.session import Session

CONNECTION_KINDS = tuple(str(kind) for kind in ConnectionKind)
STEP_KINDS = (*CONNECTION_KINDS, WAKE)
"""What ``step KIND`` takes: a connection kind, or ``wake`` (the next wake-up)."""
EVERY = "--every"
"""The option of ``run`` that plays it in slow motion."""
SLOWEST = 60.0
"""The most seconds ``run --every`` waits between steps."""
STEPS = "a number of steps"
"""What the count of ``step N`` and ``run N`` is, as their errors name it."""

STEP = CommandSpec(
    name="step",
    usage="step [N | connect|pipe|agent|wake | wake COMPONENT | #ID]",
    summary="Take one step: run a pending dispatch or resume one in flight.",
    details="""\
Takes exactly one step and shows what it recorded. `step 5` takes five, one after
another; `step pipe` runs the next pending dispatch of that connection kind; `step #12`
runs dispatch 12 as `show queue` lists it (this is how you choose the order of agent
deliveries). A breakpoint does not interrupt a step.

A dispatch whose handler sleeps (`ctx.sleep`) stays in flight, and its wake-up is a
step of its own: `show queue` lists it ("wake #7 at t=1"), `step #7` or `step wake`
resumes it at once (the clock moves to its time, even with dispatches pending), and
the step says "resumed #7". A plain `step` resumes a sleeper only when nothing else is
pending, at the earliest wake-up. A start or finish hook that sleeps has no dispatch
id: `show queue` lists it by its component ("wake start of alpha at t=1"), and `step
wake alpha` resumes it (two hooks waking at the same time can so be taken in either
order).

A plain `step`, or `step KIND`, takes the dispatch the scheduler would run next, which
is not always the lowest id: a connect delivery goes first (its emitter is waiting for
it), and the seed picks among the agent deliveries that are ready. When nothing of a
kind can run, the step says why (a pipe delivery waits behind one in flight).

No blank goes between `#` and the id: a `#` between blanks, or at the end, starts a
comment, and `step # 12` and `step #`, a plain step whose comment is only a number or
nothing, are refused as a mistyped `step #12`.""",
    args=(ArgSpec("TARGET", ArgKind.STEP_TARGET, optional=True),),
    examples=("step", "step 3", "step agent", "step #12", "step wake"),
)

RUN = CommandSpec(
    name="run",
    usage="run [N] [--every SECONDS]",
    summary="Run until nothing is pending or in flight, a breakpoint, or N steps.",
    details="""\
Runs the pending dispatches, and everything they cause, until the system is quiet
(nothing pending, nothing in flight). When an event matching a breakpoint is recorded,
the run pauses after the current dispatch and says which breakpoint and which event
stopped it; `continue` goes on from there. In the REPL and the TUI, Ctrl-C pauses a
run (a second leaves).

`run N` takes at most N steps: a bound for a system that may never go quiet. When the
N steps are taken with work still pending, it says so; in `rapide run` that ends the
script with exit status 1, as `--max-steps` and `--timeout` do.

`run --every SECONDS` is slow motion, for showing a run: one step, then a wait of
SECONDS, and so on, the TUI's graph lighting each delivery as it starts (the REPL
prints each event as it is recorded, then the run's output as usual); `pause` stops
it at once, even in the middle of a wait (in the TUI, `[` and `]` make it slower or
faster as it goes). The steps are the same as a plain `run`'s.""",
    args=(
        ArgSpec("N", ArgKind.INTEGER, optional=True),
        ArgSpec("--every", ArgKind.CHOICE, optional=True, choices=(EVERY,)),
        ArgSpec("SECONDS", ArgKind.SECONDS, optional=True),
    ),
    examples=("run", "run 1000", "run --every 0.5", "run 20 --every 1"),
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
    """What ``step`` runs: ``count`` steps, or the next of ``kind`` (a connection kind,
    or "wake": the next woken or sleeping task), or ``dispatch_id`` (a pending dispatch
    to start, or one in flight to resume)."""

    count: int = 1
    kind: str | None = None
    dispatch_id: int | None = None
    hook: str | None = None
    """``step wake NAME``: the component whose start or finish hook to resume."""
    no_such_dispatch: str | None = None
    """A ``#`` word that is no dispatch id (``#abc``), as typed: running the step says
    there is no such dispatch and which ones are pending."""


@dataclass(frozen=True)
class StepArguments:
    """What ``step`` was told to run."""

    target: StepTarget


_DISPATCH_ID = re.compile(r"#(\d+)\Z")


_NO_DISPATCH_ID = re.compile(r"#(?:\s+(\d+))?\Z")
"""A comment that is empty or only a number: ``step #`` and ``step # 12`` were meant to
choose a dispatch (``step #12``)."""


def parse_step(text: ArgumentText) -> StepArguments:
    """Nothing, a count, a connection kind, ``wake`` or a dispatch id (``#12``).

    A ``#`` between blanks, or at the end, starts a comment, so ``step # 12`` and
    ``step #`` would be a plain step with the comment "12" or none, which is nearly
    always a dispatch chosen and mistyped: they are refused, saying so, rather than run
    as the scheduler's choice."""
    words = text.words
    if len(words) == 2 and words[0].text == WAKE:  # step wake NAME: a hook, by component
        return StepArguments(StepTarget(hook=words[1].text))
    words = text.at_most(1)
    comment = text.comment
    mistyped = None if words or comment is None else _NO_DISPATCH_ID.match(comment.text)
    if comment is not None and mistyped is not None:
        meant = mistyped.group(1)
        typed, where, advice = (
            (f"step # {meant}", "between blanks", f"for dispatch {meant}, write `step #{meant}`")
            if meant
            else ("step #", "at the end", "a dispatch id goes right after the `#`: `step #12`")
        )
        raise CommandSyntaxError(
            f"`{typed}` would be a plain step: a `#` {where} starts a comment; "
            f"{advice} (for a comment, put words in it)",
            column=comment.column,
        )
    if not words:
        return StepArguments(StepTarget())
    word = words[0]
    if is_whole_number(word.text.removeprefix("-")):  # -5 too: a count, below the least
        return StepArguments(StepTarget(count=number(word, STEPS, least=1)))
    dispatch = _DISPATCH_ID.match(word.text)
    if dispatch:
        return StepArguments(StepTarget(dispatch_id=digits_value(dispatch.group(1), word)))
    if word.text.startswith("#"):
        return StepArguments(StepTarget(no_such_dispatch=word.text))
    kind = one_of(
        word,
        STEP_KINDS,
        f"step takes a count of 1 or more, {'|'.join(STEP_KINDS)} or a dispatch id like #12, "
        f"not {word.text!r}",
    )
    return StepArguments(StepTarget(kind=kind))


@dataclass(frozen=True)
class RunArguments:
    """At most how many steps the run may take (None: until it stops by itself), and
    the seconds between them in slow motion (None: as fast as it goes)."""

    max_steps: int | None
    every: float | None = None


def parse_run(text: ArgumentText) -> RunArguments:
    """Nothing, or a number of steps of at least 1; ``--every SECONDS`` anywhere."""
    words = text.words
    every = None
    for index, word in enumerate(words):
        if word.text == EVERY:
            if index + 1 >= len(words):
                raise CommandSyntaxError(
                    f"{EVERY} needs the seconds between steps (say `{EVERY} 0.5`)",
                    column=text.end,
                )
            every = seconds(words[index + 1], f"{EVERY}")
            words = words[:index] + words[index + 2 :]
            break
    if len(words) > 1:
        raise text.unexpected(words[1])
    if not words:
        return RunArguments(None, every)
    return RunArguments(number(words[0], STEPS, least=1), every)


def seconds(word: Word, what: str) -> float:
    """``word`` as seconds between slow steps: more than 0, at most :data:`SLOWEST`."""
    try:
        value = float(word.text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 < value <= SLOWEST:
        raise CommandSyntaxError(
            f"{what} takes seconds between steps, more than 0 and at most {SLOWEST:g}, "
            f"not {word.text!r}",
            column=word.column,
        )
    return value


async def step(session: Session, command: Command[StepArguments], line: str) -> CommandOutcome:
    """Take one step (or N, or the next of a kind, or a chosen one, or a wake-up)."""
    session.require_live("step")
    target = command.args.target
    bound = _bound_reached(session)
    with session.capture(Activity(session.computation)) as report:
        if target.no_such_dispatch is not None:
            raise CommandError(
                f"no dispatch {target.no_such_dispatch}; dispatch ids are numbers, as "
                f"`show queue` lists them{_pending_hint(session)}"
            )
        if bound is None:  # else the session's bounds allow no more steps
            await _take_steps(session, target)
    steps = [render.step_text(note) for note in report.steps]
    output: list[RenderableType] = list(steps)
    if not steps and bound is None:
        output.append(Text(_nothing_to_step(session), style="dim"))
    output.extend(report.renderables())
    bound = bound or _bound_reached(session) or _halt_reached(session)
    if bound is not None:
        output.append(Text(f"stopped: {bound} with work pending", style="bold yellow"))
    output.append(state_line(session))
    data: dict[str, Any] = {
        "dispatches": [d.id for d in report.started],
        "resumed": list(report.resumed),
        "events": report.event_ids,
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
    elif target.hook is not None:
        await session.step_once(hook_target(target.hook))
    elif target.kind is not None:
        system = session.system
        before = None if system is None else system.steps
        advanced = await session.step_once(target.kind)
        # A hook resumed is a step that advanced no dispatch: step() returns None then.
        if advanced is None and (system is None or system.steps == before):
            raise CommandError(_nothing_of_kind(session, target.kind))
    else:
        for _ in range(target.count):
            if session.quiet or _bound_reached(session):
                break
            await session.step_once(None)


async def _step_chosen(session: Session, dispatch_id: int) -> None:
    if not can_choose(session, dispatch_id):
        raise CommandError(f"no pending dispatch #{dispatch_id}{_pending_hint(session)}")
    await session.step_once(dispatch_id)


def can_choose(session: Session, dispatch_id: int) -> bool:
    """Whether dispatch ``dispatch_id`` can be the next step: it waits to run, or its
    handler is in flight (stepping resumes it)."""
    if session.pending_dispatch(dispatch_id) is not None:
        return True
    return any(
        flight.dispatch is not None and flight.dispatch.id == dispatch_id
        for flight in session.in_flight()
    )


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
    """What a step that did nothing says (the state line under it says the rest)."""
    if session.quiet:
        return "nothing to step"
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


async def run(
    session: Session, command: Command[RunArguments | NoArguments], line: str
) -> CommandOutcome:
    """Run until quiet, a breakpoint, pause, N steps or the session's bounds (``run``
    and ``continue``)."""
    session.require_live(command.name)
    max_steps = getattr(command.args, "max_steps", None)
    every = getattr(command.args, "every", None)
    bound = _bound_reached(session)
    # Summed up as the run goes: a long run keeps no notification, dispatch or match.
    with session.capture(Activity(session.computation, keep_dispatches=False)) as report:
        outcome = None if bound is not None else await session.run(max_steps, every)
    stopped = session.stopped_by
    paused_by_user = session.paused_by_user
    # A `run N` that took its N steps with work pending is a bound, which ends a script
    # there (`rapide run` exits 1): written so, it would drop the rest of a session that
    # went on from it. It is written as its steps, as a run the user paused is.
    budget_spent = (
        outcome is not None and outcome.stopped is StopReason.BUDGET and not session.quiet
    )
    if not paused_by_user and not budget_spent:
        # A user's pause falls at no reproducible point: a script takes its steps.
        limit = f" {max_steps}" if max_steps is not None else ""
        session.travel.write_as("continue" if command.name == "continue" else f"run{limit}")
    recorded = f"recorded {render.counted(len(report.event_ids), 'event')}"
    resumed = report.resumed_text()
    if report.started_count or not report.resumed_times:
        ran = render.counted(report.started_count, "dispatch", "dispatches")
        output: list[RenderableType] = [Text(f"ran {ran}, {recorded}")]
        if report.resumed_times:
            output.append(Text(resumed, style="dim"))
    else:  # only tasks went on (a connect's caller, a sleeper): no dispatch ran
        output = [Text(f"{resumed}, {recorded}")]
    output.extend(report.renderables())
    if stopped is not None:
        output.append(
            render.note(
                f"stopped at breakpoint {stopped.break_id} "
                f"({render.pattern_shown(stopped.pattern_text)}): ",
                style="bold yellow",
            ).append_text(render.event_text(stopped.event))
        )
    if session.halted:
        goes_on = "" if session.halted_until_reset else "the next `run` or `step` goes on, "
        output.append(Text(f"halted by a limit: {goes_on}`reset` starts over", style="bold yellow"))
    bound = bound or _bound_reached(session) or _halt_reached(session)
    if bound is None and outcome is not None and outcome.stopped is StopReason.BUDGET:
        bound = f"`run {max_steps}` took its {render.counted(outcome.steps, 'step')}"
    if bound is not None:
        output.append(Text(f"stopped: {bound} with work pending", style="bold yellow"))
    # A user's pause is said by the state line itself: "paused by you: 2 pending ...".
    output.append(
        state_line(
            session,
            paused_by_user=paused_by_user and stopped is None,
            paused_by_code=session.paused_by_code and stopped is None,
        )
    )
    data: dict[str, Any] = {
        "dispatches": report.started_count,
        "steps": 0 if outcome is None else outcome.steps,
        "stopped": "bound" if outcome is None else str(outcome.stopped),
        "events": report.event_ids,
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


def _halt_reached(session: Session) -> str | None:
    """The system's own limit (max_events, max_connect_depth) that halted the
    command's run, when work is still pending: a script ends there, as at a bound
    of its own, instead of passing over it (and ``rapide run`` says so in its status)."""
    limit = session.halted_by
    return None if limit is None or session.quiet else f"the system's {limit}"


def state_line(
    session: Session, *, paused_by_user: bool = False, paused_by_code: bool = False
) -> Text:
    """``paused: 2 pending, 1 in flight (...)`` or ``quiet: nothing pending, nothing in
    flight``; ``paused by you: ...``, stood out, after a run the user paused (``pause``,
    Ctrl-C) with work left, and ``paused by the architecture's code (System.pause())``
    after one a handler or hook paused."""
    count = session.pending_count
    flights = session.in_flight()
    if not count and not flights:
        return Text("quiet: nothing pending, nothing in flight", style="dim")
    paused, style = ("paused by you", "bold yellow") if paused_by_user else ("paused", "dim")
    if paused_by_code and not paused_by_user:
        paused, style = "paused by the architecture's code (System.pause())", "bold yellow"
    pending = f"{count} pending" if count else "nothing pending"
    if not flights:
        return Text(f"{paused}: {pending} (step, run or show queue)", style=style)
    first = flights[0]
    waits = f"{first.label} {first.describe()}" + (", ..." if len(flights) > 1 else "")
    return Text(f"{paused}: {pending}, {len(flights)} in flight ({waits})", style=style)


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
    catalog.register(RUN, run, parse=parse_run)
    catalog.register(CONTINUE, run, parse=no_arguments)
    catalog.register(PAUSE, pause, parse=no_arguments)

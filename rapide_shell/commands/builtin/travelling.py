"""Commands that move through the history of decisions: history, back, forward, goto, where."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text

from pyrapide.core.printable import counted, printable
from rapide_shell import notices, render
from rapide_shell.address import PREFIX, VERSIONED, Address, AddressError
from rapide_shell.commands.arguments import (
    ArgumentText,
    NoArguments,
    is_whole_number,
    no_arguments,
    number,
)
from rapide_shell.commands.builtin.injecting import InjectArguments, checked_payload
from rapide_shell.commands.builtin.running import StepArguments, can_choose, state_line
from rapide_shell.commands.errors import CommandError, CommandSyntaxError
from rapide_shell.commands.parser import parse_command
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.decisions import (
    Branch,
    Decision,
    DecisionKind,
    DecisionTree,
    HistoryError,
    Point,
)
from rapide_shell.hookspecs import hookimpl
from rapide_shell.looks import command_words, steps_span
from rapide_shell.outcome import CommandOutcome
from rapide_shell.report import standing_problems

if TYPE_CHECKING:
    from rapide_shell.session import Session

HISTORY_SHOWN = 20
"""``history`` lists this many steps around the current point unless told otherwise."""

PROBLEMS_SHOWN = 3
"""A command that moved the run lists this many of the problems standing there, the last."""

HISTORY = CommandSpec(
    name="history",
    usage="history [N | all]",
    summary="List the steps of the current branch: what each decided, ran and recorded.",
    details="""\
Every decision that shaped the run is a step of the history: each `inject`, each step
the system took (one per dispatch started or task resumed, `run` included; what you
chose with `step #ID`, `step KIND` or `step wake` is kept), and `seed`, `reset` and
`reload`, which start a fresh system. Step 0 is the start (the start hooks ran).

Each line gives the step's number, the decision (as the command that makes it again),
what ran and the events it recorded; `>` marks where you are, and the steps after it
(after `back`) are where `forward` goes. `history` shows 20 steps around the current
one, `history N` that many, `history all` every one. `branches` shows the other lines
of the history.""",
    args=(ArgSpec("N", ArgKind.CHOICE, optional=True, choices=("all",)),),
    examples=("history", "history 50", "history all"),
)

BACK = CommandSpec(
    name="back",
    usage="back [N]",
    summary="Go back N steps (1 by default), to exactly the state the run had there.",
    details="""\
Takes the run back N steps of the history: the computation, the queue, the work in
flight, the watches with their matches, each breakpoint's hits and the graph's counts
are what they were at that step, under the same ids. It says the step it reached and
the handler errors and constraint violations standing there (the last three), as
`forward`, `goto` and `switch` do. The steps you leave are kept: `forward` replays
them, and choosing differently from here (another `step #ID`, another `inject`)
starts a new branch beside them (`branches`).

The run is rebuilt by replaying its decisions on a fresh system (modules built anew,
start hooks run again): a handler that acts outside the process (writes a file, calls
a service) acts again, and one whose behaviour depends on the outside world may replay
differently, which is reported. On a long run the replay takes a while: Ctrl-C (in the
TUI, F6 or `pause` too) stops it, here and in `forward`, `goto`, `switch` and `diff`, at
the step it has reached, where the run then is, as if you had gone to that step.""",
    args=(ArgSpec("N", ArgKind.INTEGER, optional=True),),
    examples=("back", "back 3"),
)

FORWARD = CommandSpec(
    name="forward",
    usage="forward [N]",
    summary="Go forward N steps (1 by default) along the current branch, after `back`.",
    details="""\
Replays the next N steps of the current branch, the ones `back` went back over: the
state is again exactly what it was there.""",
    args=(ArgSpec("N", ArgKind.INTEGER, optional=True),),
    examples=("forward", "forward 5"),
)

GOTO = CommandSpec(
    name="goto",
    usage="goto STEP | ADDRESS",
    summary="Go to step STEP of the current branch, or to the point an address names.",
    details=f"""\
`goto 12` takes the run to step 12 of the current branch (`history` numbers them),
back or forward. `goto {PREFIX}...` takes it to the point an address names, as `where`
printed it, here or in another session of the same architecture file: the address
holds the seed and the decisions (injections, chosen steps) that lead there, and they
are made again. Where the history already holds them, they are retraced; the first
that differs starts a new branch. An address whose decisions do not fit the file (an
event it does not declare, a dispatch that is not pending) is refused, and the session
stays where it was.""",
    args=(ArgSpec("STEP", ArgKind.HISTORY_POINT),),
    examples=("goto 0", "goto 12", f"goto {PREFIX}eNqrVipOzVGyUjA0..."),
)

WHERE = CommandSpec(
    name="where",
    usage="where",
    summary="Print the address of the current point, to paste into `goto` or `--at`.",
    details=f"""\
Prints one word, starting with `{PREFIX}`, that names the current point: the seed and
the decisions since the system started. `goto ADDRESS` in any session of the same file,
`rapide shell FILE --at ADDRESS` and `rapide run FILE --at ADDRESS` go there again.""",
    while_running=True,
)


@dataclass(frozen=True)
class HistoryArguments:
    """How many steps to list (None: every one)."""

    shown: int | None


def parse_history(text: ArgumentText) -> HistoryArguments:
    """Nothing, a count of at least 1, or ``all``."""
    words = text.at_most(1)
    if not words:
        return HistoryArguments(HISTORY_SHOWN)
    if words[0].text == "all":
        return HistoryArguments(None)
    try:
        return HistoryArguments(number(words[0], "the number of steps to list", least=1))
    except CommandSyntaxError as error:  # said as `show events -5` says its default
        raise CommandSyntaxError(
            f"{error.message} (`all`: every step; no count: {HISTORY_SHOWN} around this one)",
            column=error.column,
        ) from None


@dataclass(frozen=True)
class CountArguments:
    """How many steps to go (1 or more)."""

    count: int


def parse_count(text: ArgumentText) -> CountArguments:
    """Nothing (1), or a count of at least 1."""
    words = text.at_most(1)
    if not words:
        return CountArguments(1)
    return CountArguments(number(words[0], "the number of steps", least=1))


@dataclass(frozen=True)
class GotoArguments:
    """A step of the current branch, or an address."""

    step: int | None = None
    address: Address | None = None


def parse_goto(text: ArgumentText) -> GotoArguments:
    """A step number, or an address (``r1-...``)."""
    word = text.only_word(
        "goto needs a step number (`history` lists them) or an address (`where` prints one)"
    )
    if is_whole_number(word.text.removeprefix("-")):  # -5 too: a step, below the least
        return GotoArguments(step=number(word, "a step number"))
    if VERSIONED.match(word.text):  # one of another format is said to be one
        try:
            return GotoArguments(address=Address.from_text(word.text))
        except AddressError as error:
            raise CommandSyntaxError(str(error), column=word.column) from None
    raise CommandSyntaxError(
        f"goto takes a step number (`history` lists them) or an address starting with "
        f"{PREFIX!r} (`where` prints one), not {word.text!r}",
        column=word.column,
    )


# -- showing where the session is ----------------------------------------------------


def step_line(
    point: Point, *, current: bool = False, ahead: bool = False, compact: bool = False
) -> Text:
    """One step of the history: ``> 12  step #7  ran #7 agent e7 ... -> w   e15 e16``
    (``compact``: no column for the decision, and none written for a plain step)."""
    number, text = step_parts(point, current=current, ahead=ahead, compact=compact)
    return number.append_text(text)


def step_parts(
    point: Point, *, current: bool = False, ahead: bool = False, compact: bool = False
) -> tuple[Text, Text]:
    """:func:`step_line` in its two parts: the number column (``> 12  ``) and what the
    step did, for a list that sets a long step's wrapped lines under the second."""
    marker, style = (">", "bold") if current else (" ", "")
    number = Text(f"{marker} {point.number:>5}  ", style=style)
    text = Text(style=style)
    decision = point.decision
    line = "start" if decision.kind is DecisionKind.START else decision.line
    if not (compact and decision.plain_step):
        # Steps are short; an injection keeps enough of its payload to tell it apart.
        shown = render.shorten(printable(line), 48)
        text.append(shown if compact else shown.ljust(18), style="yellow")
        text.append("  ")
    if decision.kind.starts_over:
        text.append(f"fresh system, seed {decision.seed}", style="dim")
    elif point.ran:
        text.append(printable(point.ran))
    if point.events:
        shown = " ".join(printable(event_id) for event_id in point.events[:6])
        more = f" +{len(point.events) - 6}" if len(point.events) > 6 else ""
        text.append(f"  {shown}{more}", style="cyan")
    if point.stopped_by is not None:
        text.append(f"  (breakpoint {point.stopped_by} stopped the run)", style="bold yellow")
    if ahead:
        number.stylize("dim")
        text.stylize("dim")
    return number, text


def step_data(point: Point) -> dict[str, Any]:
    """A step of the history as JSON-safe data."""
    return {
        "number": point.number,
        "decision": point.decision.line,
        "ran": point.ran,
        "events": list(point.events),
    }


def position_text(session: Session) -> str:
    """``step 9 of 18 on main`` (or ``step 18 on main``, at the branch's end)."""
    tree = session.decisions
    point, branch = tree.point, tree.branch
    if point is branch.tip:
        return f"step {point.number} (the last) of {branch.name}"
    return f"step {point.number} of {branch.tip.number} on {branch.name}"


def arrived(session: Session, line: str, command: str, how: str = "") -> CommandOutcome:
    """What a command that moved the run says: where it is now (``how`` it got there,
    if that is worth saying), and its state."""
    point = session.decisions.point
    heading = render.note(f"at {position_text(session)}", style="bold")
    if how:
        heading.append(f" ({how})", style="dim")
    output: list[RenderableType] = [heading, step_line(point, current=True)]
    # What went wrong up to here, said again: the replay that rebuilt it said nothing.
    problems = standing_problems(session.errors, session.violations, session.computation)
    if len(problems) > PROBLEMS_SHOWN:
        earlier = len(problems) - PROBLEMS_SHOWN
        output.append(Text(f"  … {render.counted(earlier, 'earlier problem')}", "dim"))
    output += [render.note(text, style="bold red") for text in problems[-PROBLEMS_SHOWN:]]
    output.append(state_line(session))
    data = {
        "step": point.number,
        "branch": session.decisions.branch.name,
        "events": len(session.computation),
        "pending": session.pending_count,
        "in_flight": [flight.label for flight in session.in_flight()],
        "problems": problems,
    }
    return CommandOutcome(line, command, output=tuple(output), data=data)


def stopped(
    outcome: CommandOutcome, session: Session, target: str, goes_on: str,
    target_step: int | None = None,
) -> CommandOutcome:
    """``outcome`` of a command whose travel the user stopped part-way, with what it
    says under it: the step reached, on the way to ``target`` (words), and the command
    that ``goes_on``; ``data["stopped"]`` holds the step and ``target_step`` (None: a
    target that is no step of the branch, such as an address's point)."""
    reached = session.decisions.point.number
    note = render.note(
        f"you stopped the travel at step {reached}, on the way to {target}: {goes_on} goes on",
        style="bold yellow",
    )
    outcome.data["stopped"] = {"step": reached, "target": target_step}
    return dataclasses.replace(outcome, output=(*outcome.output, note))


async def travelled(
    session: Session, line: str, command: str, point: Point, branch: Branch | None = None
) -> CommandOutcome:
    """Take the run to ``point`` (on ``branch``: see :meth:`Session.travel_to`) and say
    where it arrived; a travel the user stopped says where it stopped, and how to go on
    (see :func:`stopped`)."""
    reached = await session.travel_to(point, branch)
    outcome = arrived(session, line, command)
    if reached is point:
        return outcome
    target = f"step {point.number} of {session.decisions.branch.name}"
    return stopped(outcome, session, target, f"`goto {point.number}`", point.number)


def made_text(tree: DecisionTree, branch: Branch) -> str:
    """``, made at step 4 of main`` (nothing for ``main``): where the user made ``branch``,
    and, when it then went along steps its parent had taken, how far it does so
    (``, made at step 4 of main, the same as main to step 6``)."""
    fork, made = tree.fork_point(branch), tree.made_at(branch)
    # Named as `branches` names it: by the branch the step first lies on.
    left, made_on = tree.left_branch(branch), tree.left_branch(branch, made)
    if fork is None or made is None or left is None or made_on is None:
        return ""
    text = f", made at step {made.number} of {made_on.name}"
    if made is not fork:
        text += f", the same as {left.name} to step {fork.number}"
    return text


# -- the commands ----------------------------------------------------------------------


async def history(
    session: Session, command: Command[HistoryArguments], line: str
) -> CommandOutcome:
    """List the steps of the current branch around the current point."""
    tree = session.decisions
    branch, point = tree.branch, tree.point
    path = tree.path()
    shown = command.args.shown
    first, last = 0, len(path) - 1
    if shown is not None and shown < len(path):
        ahead = min(last - point.number, shown // 4)
        first = max(0, point.number - (shown - 1 - ahead))
        last = min(len(path) - 1, first + shown - 1)
    forks = made_text(session.decisions, branch)
    output: list[RenderableType] = [
        render.note(
            f"{branch.name}: {steps_span(0, branch.tip.number)}{forks}; at step {point.number}",
            style="bold",
        )
    ]
    if first > 0:
        output.append(Text(
                f"  … {render.counted(first, 'earlier step')} (`history all` lists them)", "dim"
            ))
    output += [
        step_line(step, current=step is point, ahead=step.number > point.number)
        for step in path[first : last + 1]
    ]
    if last < len(path) - 1:
        output.append(Text(f"  … {render.counted(len(path) - 1 - last, 'later step')}", "dim"))
    data = {
        "branch": branch.name,
        "step": point.number,
        "last": branch.tip.number,
        "steps": [step_data(step) for step in path[first : last + 1]],
    }
    return CommandOutcome(line, "history", output=tuple(output), data=data)


async def back(session: Session, command: Command[CountArguments], line: str) -> CommandOutcome:
    """Go back N steps."""
    tree = session.decisions
    count, here = command.args.count, tree.point.number
    if count > here:
        where = f"`back {here}` goes to the start" if here else "this is the start"
        raise CommandError(f"back {count}: you are at step {here}; {where}")
    return await travelled(session, line, "back", tree.at(here - count))


async def forward(
    session: Session, command: Command[CountArguments], line: str
) -> CommandOutcome:
    """Go forward N steps along the current branch."""
    tree = session.decisions
    count, here, last = command.args.count, tree.point.number, tree.branch.tip.number
    if here == last:
        raise CommandError(
            f"forward: step {here} is the last of {tree.branch.name}; nothing to go forward to"
        )
    if here + count > last:
        raise CommandError(
            f"forward {count}: {tree.branch.name} has {counted(last - here, 'step')} "
            f"after step {here}; `forward {last - here}` goes to its end"
        )
    return await travelled(session, line, "forward", tree.at(here + count))


async def goto(session: Session, command: Command[GotoArguments], line: str) -> CommandOutcome:
    """Go to a step of the current branch, or to an address."""
    address = command.args.address
    if address is None:
        try:
            point = session.decisions.at(command.args.step or 0)
        except HistoryError as error:
            raise CommandError(str(error)) from None
        return await travelled(session, line, "goto", point)
    went = await goto_address(session, address)
    if went.stopped:
        outcome = arrived(session, line, "goto")
        return stopped(outcome, session, "the address's point", "the same `goto`")
    how = f"{render.counted(went.retraced, 'step')} retraced, {went.made} made anew"
    outcome = arrived(session, line, "goto", how)
    outcome.data.update(retraced=went.retraced, made=went.made)
    return outcome


async def where(session: Session, command: Command[NoArguments], line: str) -> CommandOutcome:
    """Print the address of the current point."""
    address = session.decisions.address()
    text = address.to_text()
    if text in session.addresses:
        session.addresses.remove(text)
    session.addresses.append(text)
    output: tuple[RenderableType, ...] = (
        # One line however narrow the terminal: a wrapped address would not paste whole.
        render.WholeLine(text, style="bold"),
        render.note(
            f"{position_text(session)} (seed {address.seed}, "
            f"{render.counted(len(address.lines), 'decision')}): `goto` it, or "
            f"`rapide shell {command_words(str(session.path), session.loaded.chosen)} --at` it",
            style="dim",
        ),
    )
    if session.inspected is not None:
        # What is shown is a file's, which no address reaches: the run's point is named.
        output += (render.note(
            "the address is the run's, not the loaded computation's, which has none: "
            "going to it shows the run there (`load` the file again to see it)",
            style="bold yellow",
        ),)
    data = {
        "address": text,
        "step": session.decisions.point.number,
        "branch": session.decisions.branch.name,
    }
    return CommandOutcome(line, "where", output=output, data=data)


# -- going to an address -----------------------------------------------------------------


@dataclass(frozen=True)
class _Planned:
    """One decision an address asks for, with the line of the address it comes from."""

    decision: Decision
    number: int
    line: str
    count: int = 1
    """How many times in a row it is made: ``step 4096`` is one line, and one of these,
    however many steps it names."""


def _one_by_one(planned: list[_Planned], skip: int = 0) -> Iterator[_Planned]:
    """Each decision of ``planned`` as many times as it is made, from the ``skip``-th on."""
    for item in planned:
        if skip >= item.count:
            skip -= item.count
            continue
        for _ in range(item.count - skip):
            yield item
        skip = 0


def _total(planned: list[_Planned]) -> int:
    return sum(item.count for item in planned)


@dataclass(frozen=True)
class AddressTravel:
    """How ``goto ADDRESS`` went: the decisions the history already held (``retraced``),
    those made anew (``made``), and whether the user stopped it on the way (then the
    counts say nothing of where it stopped: the session's current point does)."""

    retraced: int
    made: int
    stopped: bool = False


async def goto_address(session: Session, address: Address) -> AddressTravel:
    """Take the run to the point ``address`` names; say how many steps the history
    already held (retraced) and how many were made anew (a ``seed`` step first, when
    the session's system did not start with the address's seed).

    The decisions are read first (CommandError for one that does not fit the file); the
    history is followed as far as it holds them (from the start of the system the run
    is in, or of one started before with the address's seed, whichever holds more),
    then the rest are made. When one cannot be made, everything made for the address
    is forgotten, the run goes back to where it was, and CommandError says which line
    of the address did not fit. A stop (:meth:`Session.pause`) leaves the run where it
    has got to, as ``goto`` to that step.
    """
    planned = _plan(session, address)
    tree = session.decisions
    start = tree.point.epoch
    if not _same_start(session, start, address):
        seed = Decision.starting_over(DecisionKind.SEED, address.seed, session.loaded)
        planned.insert(0, _Planned(seed, 0, f"seed {address.seed}"))
        start = tree.point
    reached, retraced = _retraced(start, planned)
    if retraced < _total(planned):
        # A system the history started elsewhere with the address's seed (the session's
        # first, before a `reset` or `seed`) may hold more of its decisions: an address
        # `where` printed there goes back there, rather than making them all again.
        seeded = 1 if planned[0].number == 0 else 0  # the `seed` step planned above
        own = retraced - seeded
        for other in _starts(tree):
            if other is not start and _same_start(session, other, address):
                found, count = _retraced(other, planned[seeded:])
                if count > own:
                    planned, seeded = planned[seeded:], 0
                    start, reached, retraced, own = other, found, count, count
    mark, origin = tree.mark(), (tree.point, tree.branch)
    step: _Planned | None = None
    try:
        with session.runtime.muted(), session.travel.journey():
            try:
                if await session.travel_to(reached) is reached:
                    # The decisions of one line of the address are one command, as when
                    # typed: `step 2` is written `step 2` again, not `step` twice.
                    outer, line = None, -1
                    try:
                        for step in _one_by_one(planned, retraced):
                            if session.travel.stop_requested:
                                break
                            if step.number != line:
                                if outer is not None:
                                    session.travel.end_command(outer)
                                outer, line = session.travel.begin_command(), step.number
                            await _make(session, step)
                    finally:
                        if outer is not None:
                            session.travel.end_command(outer)
            except CommandError as error:
                tree.undo(mark)
                await session.travel_to(*origin, fresh=True)
                raise CommandError(_misfit(session, step, error)) from None
            stopped = session.travel.stop_requested
    finally:
        session.notify(notices.SessionReset(reason="travel"))
    return AddressTravel(retraced, _total(planned) - retraced, stopped)


def _same_start(session: Session, start: Point, address: Address) -> bool:
    """Whether the system that started at ``start`` is the one ``address`` starts from:
    its seed, built from the architecture the session has loaded."""
    return start.decision.seed == address.seed and start.decision.loaded is session.loaded


def _starts(tree: DecisionTree) -> list[Point]:
    """The points where a system started on the line of each branch, from its tip back."""
    found: dict[int, Point] = {}
    for branch in tree.branches.values():
        start: Point | None = branch.tip.epoch
        while start is not None and id(start) not in found:
            found[id(start)] = start
            start = start.parent.epoch if start.parent is not None else None
    return list(found.values())


def _retraced(start: Point, planned: list[_Planned]) -> tuple[Point, int]:
    """How far the history from ``start`` holds the ``planned`` decisions: the last
    point it holds, and how many of them lead there."""
    reached, retraced = start, 0
    for wanted in _one_by_one(planned):
        known = next(
            (child for child in reached.children if child.decision.key == wanted.decision.key),
            None,
        )
        if known is None:
            break
        reached, retraced = known, retraced + 1
    return reached, retraced


def _plan(session: Session, address: Address) -> list[_Planned]:
    """The decisions of ``address``, each read and checked against the file."""
    planned: list[_Planned] = []
    for line_number, text in enumerate(address.lines, 1):
        try:
            command = parse_command(text, session.catalog)
        except CommandError as error:
            raise CommandError(
                f"the address's line {line_number} ({_line_shown(text)}) does not read: "
                f"{error.describe()}"
            ) from None
        if command is None or command.name not in ("inject", "step"):
            raise CommandError(
                f"the address's line {line_number} ({_line_shown(text)}) is not an injection "
                "or a step"
            )
        decision, count = _decision(session, command, line_number, text)
        planned.append(_Planned(decision, line_number, text, count))
    return planned


def _decision(
    session: Session, command: Command[Any], number: int, text: str
) -> tuple[Decision, int]:
    """The decision of an address's line, and how many times in a row it is made."""
    args = command.args
    if isinstance(args, InjectArguments):
        try:
            values = checked_payload(session.actions, args.event, args.payload)
        except CommandError as error:
            raise CommandError(
                f"the address does not fit {session.path.name}: its line {number} "
                f"({_line_shown(text)}): {error.describe()}"
            ) from None
        return Decision.inject(args.event, values), 1
    assert isinstance(args, StepArguments)
    target = args.target
    if target.no_such_dispatch is not None:
        raise CommandError(f"the address's line {number} ({_line_shown(text)}) names no dispatch")
    if target.dispatch_id is not None:
        return Decision.step(target.dispatch_id), 1
    if target.kind is not None:
        return Decision.step(target.kind), 1
    return Decision.step(None), target.count


async def _make(session: Session, step: _Planned) -> None:
    """Make one decision of an address (CommandError when it cannot be made)."""
    decision = step.decision
    if decision.kind is DecisionKind.SEED:
        session.seed = decision.seed
        await session.rebuild("seed")
    elif decision.kind is DecisionKind.INJECT:
        try:
            session.inject(decision.event, dict(decision.payload or {}))
        except ValueError as error:
            raise CommandError(str(error)) from None
    else:
        system = session.runtime.live
        before = system.steps
        choice = decision.choice
        if isinstance(choice, int) and not can_choose(session, choice):
            raise CommandError(f"dispatch #{choice} is not pending, nor in flight")
        if choice is None:
            # The step may be the wake-up of a task awaiting the outside (an asyncio
            # future): the run that made it waited for it, as a travel's replay does.
            await system.wait_for_wakeup(session.runtime.bounds.time_left())
        await session.step_once(choice)
        if system.steps == before:
            raise CommandError("nothing could run there")


def _line_shown(text: str) -> str:
    """A line of an address as a message names it: printable, and cut to end in "…"
    when long (an address may pack a line of megabytes in a few hundred characters)."""
    return render.shorten(printable(text), render.QUOTED_WIDTH)


def _misfit(session: Session, step: _Planned | None, error: CommandError) -> str:
    if step is None:
        return f"the history could not be retraced: {error.describe()}"
    where = (
        "its start" if step.number == 0 else f"its line {step.number} ({_line_shown(step.line)})"
    )
    return (
        f"the address does not fit {session.path.name} at {where}: {error.describe()}; "
        "the session stays where it was"
    )


@hookimpl(tryfirst=True)
def rapide_add_commands(catalog: CommandCatalog) -> None:
    """Adds ``history``, ``back``, ``forward``, ``goto`` and ``where``."""
    catalog.register(HISTORY, history, parse=parse_history)
    catalog.register(BACK, back, parse=parse_count)
    catalog.register(FORWARD, forward, parse=parse_count)
    catalog.register(GOTO, goto, parse=parse_goto)
    catalog.register(WHERE, where, parse=no_arguments)

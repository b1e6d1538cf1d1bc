"""Commands about the branches of the history: branches, switch, fork and diff."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text
from rich.tree import Tree

from pyrapide.core import Computation
from rapide_shell import render
from rapide_shell.commands.arguments import ArgumentText, NoArguments, no_arguments, unquote
from rapide_shell.commands.builtin.travelling import arrived, step_line, stopped, travelled
from rapide_shell.commands.errors import CommandError, CommandSyntaxError
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.decisions import Branch, DecisionTree, HistoryError, Point, common_point
from rapide_shell.hookspecs import hookimpl
from rapide_shell.looks import steps_span
from rapide_shell.outcome import CommandOutcome
from rapide_shell.report import standing_problems
from rapide_shell.suggestions import close_matches

if TYPE_CHECKING:
    from rapide_shell.session import Session

EVENTS_SHOWN = 30
"""``diff`` lists at most this many of the events each branch has alone."""

BRANCHES = CommandSpec(
    name="branches",
    usage="branches",
    summary="List the branches of the history as a tree, with where each forks off.",
    details="""\
The history branches where you went back and decided differently: the steps you left
stay on their branch (`main` is the first), and the new ones go on a new branch (`b2`,
`b3`, ...; `fork NAME` starts one with a name of your choosing). Each branch is shown
under the one it was made from, with the step where it leaves it and which steps are
its own; that step is named by the branch it first lies on (`leaves main after step 2`
for a branch made from `b2` at a step `b2` shares with `main`). `*` marks the current
branch. `switch NAME` goes to the end of one,
`diff` compares two.""",
    while_running=True,
)

SWITCH = CommandSpec(
    name="switch",
    usage="switch NAME",
    summary="Go to the end of branch NAME (the state the run had there).",
    details="""\
Makes NAME the current branch and takes the run to its last step, exactly as it was
there, by replaying its decisions. The branch you leave is kept as it is.""",
    args=(ArgSpec("NAME", ArgKind.BRANCH),),
    examples=("switch main", "switch b2"),
)

FORK = CommandSpec(
    name="fork",
    usage="fork NAME",
    summary="Start a branch called NAME at the current point: what you decide next goes on it.",
    details="""\
Names the current point as the start of a new branch, and makes it the current one:
the next decisions go on NAME, and the branch you were on keeps its steps (even the
ones after this point). A decision that branch made here already (the same step, the
same injection) is its step, not a new one: NAME goes along it, and the step says so,
until you decide differently; `history` says where you made NAME and how far it goes
along. A name is a letter, then letters, digits, `_`, `.` or `-`, 40 characters at
most, and does not start with `r1-`, as an address does.""",
    args=(ArgSpec("NAME", ArgKind.TEXT),),
    examples=("fork agent-first",),
)

DIFF = CommandSpec(
    name="diff",
    usage="diff BRANCH [BRANCH]",
    summary="Where two branches part, and what each recorded that the other did not.",
    details="""\
Compares the current branch with BRANCH (or two branches with each other): the step
where they part, with what each decided and ran there, then the events each recorded
by its end that the other did not. Events are compared by what they are (name,
source, payload, and the same of their causes, all the way back), not by id: the
same event recorded under another id on the other branch is not a difference.

Each branch's end is reached by replaying it, and the run comes back where it was.""",
    args=(ArgSpec("BRANCH", ArgKind.BRANCH), ArgSpec("BRANCH", ArgKind.BRANCH, optional=True)),
    examples=("diff main", "diff main b2"),
)


@dataclass(frozen=True)
class BranchArguments:
    """One branch name."""

    name: str


def parse_branch_name(text: ArgumentText) -> BranchArguments:
    """One word: a branch's name (quotes removed, as from an event id or a file name)."""
    word = text.only_word("a branch name is needed (`branches` lists them)")
    return BranchArguments(unquote(word.text))


def parse_new_branch_name(text: ArgumentText) -> BranchArguments:
    """One word: the name of a branch to make (``fork``), which ``branches`` cannot list."""
    word = text.only_word(
        f"fork needs a name for the new branch, like `{FORK.examples[0]}` (`branches` lists "
        "those taken)"
    )
    return BranchArguments(unquote(word.text))


@dataclass(frozen=True)
class DiffArguments:
    """The branches to compare: ``second`` None compares ``first`` with the current one."""

    first: str
    second: str | None


def parse_diff(text: ArgumentText) -> DiffArguments:
    """One branch name or two."""
    words = text.at_most(2)
    if not words:
        raise CommandSyntaxError(
            "diff needs a branch to compare with (`branches` lists them)", column=text.column
        )
    return DiffArguments(
        unquote(words[0].text), unquote(words[1].text) if len(words) > 1 else None
    )


def find_branch(session: Session, name: str) -> Branch:
    """The branch called ``name``; CommandError with the close names when none is."""
    tree = session.decisions
    try:
        return tree.find(name)
    except HistoryError as error:
        raise CommandError(str(error), suggestions=close_matches(name, tree.branches)) from None


# -- the commands ------------------------------------------------------------------------


async def branches(session: Session, command: Command[NoArguments], line: str) -> CommandOutcome:
    """List the branches as a tree."""
    tree = session.decisions
    roots = tree.children_of(None)
    drawn = Tree(branch_label(tree, roots[0]), guide_style="dim")
    _grow(tree, drawn, roots[0])
    data = {
        "current": tree.branch.name,
        "step": tree.point.number,
        "branches": [_branch_data(tree, branch) for branch in tree.branches.values()],
    }
    return CommandOutcome(line, "branches", output=(drawn,), data=data)


def _grow(tree: DecisionTree, node: Tree, branch: Branch) -> None:
    for child in tree.children_of(branch):
        _grow(tree, node.add(branch_label(tree, child)), child)


def branch_label(tree: DecisionTree, branch: Branch) -> Text:
    """One branch as `branches` lists it: its name, where it leaves its parent, its steps."""
    marker, label = branch_parts(tree, branch)
    return marker.append_text(label)


def branch_parts(
    tree: DecisionTree, branch: Branch, *, compact: bool = False
) -> tuple[Text, Text]:
    """:func:`branch_label` in its two parts: the mark of the current branch (``* ``)
    and the rest, for a list that sets a long label's wrapped lines under the second.
    ``compact`` says it in fewer words (``b2  from step 1 of main: 2 to 5``, or ``: 2``
    for one step of its own), without where you are, for a panel that shows that
    beside it."""
    current = branch is tree.branch
    style = "bold green" if current else ""
    marker = Text("* " if current else "  ", style=style)
    label = Text(style=style)
    label.append(branch.name, style="bold" if current else "")
    fork, left = tree.fork_point(branch), tree.left_branch(branch)
    last = branch.tip.number
    if fork is None or left is None:
        label.append(f"  {steps_span(0, last)}", style="dim")
    elif compact:
        own = (
            "no step yet" if fork.number == last
            else str(last) if fork.number + 1 == last
            else f"{fork.number + 1} to {last}"
        )
        label.append(f"  from step {fork.number} of {left.name}: {own}", style="dim")
    elif fork.number == last:
        label.append(f"  at step {last} of {left.name}; no step of its own yet", "dim")
    else:
        label.append(
            f"  leaves {left.name} after step {fork.number}; its own "
            f"{steps_span(fork.number + 1, last)}",
            style="dim",
        )
    if current and not compact:
        label.append(f"  <- you are at step {tree.point.number}", style="bold")
    return marker, label


def _branch_data(tree: DecisionTree, branch: Branch) -> dict[str, Any]:
    fork, left = tree.fork_point(branch), tree.left_branch(branch)
    return {
        "name": branch.name,
        "parent": None if branch.parent is None else branch.parent.name,
        "forks_at": None if fork is None else fork.number,
        "leaves": None if left is None else left.name,
        "last_step": branch.tip.number,
    }


async def switch(
    session: Session, command: Command[BranchArguments], line: str
) -> CommandOutcome:
    """Go to the end of a branch."""
    branch = find_branch(session, command.args.name)
    return await travelled(session, line, "switch", branch.tip, branch)


async def fork(session: Session, command: Command[BranchArguments], line: str) -> CommandOutcome:
    """Start a branch at the current point."""
    tree = session.decisions
    left = tree.branch
    try:
        branch = tree.fork(command.args.name)
    except HistoryError as error:
        raise CommandError(str(error)) from None
    text = (
        f"branch {branch.name} starts at step {tree.point.number} of {left.name}: what you "
        f"decide next goes on it ({left.name} keeps its steps"
        + (f"; deciding as {left.name} did goes along {left.name})" if tree.point.children
           else ")")
    )
    return CommandOutcome(
        line, "fork", output=(render.note(text),), data={"branch": branch.name,
                                                         "step": tree.point.number}
    )


async def diff(session: Session, command: Command[DiffArguments], line: str) -> CommandOutcome:
    """Compare two branches."""
    # The comparison of posets (and hashlib under it) is imported for a diff, not with
    # every session.
    from pyrapide.analysis.structure import difference

    tree = session.decisions
    if command.args.second is None:
        first, second = tree.branch, find_branch(session, command.args.first)
    else:
        first = find_branch(session, command.args.first)
        second = find_branch(session, command.args.second)
    if first is second:
        raise CommandError(f"diff {first.name} {first.name}: a branch is the same as itself")
    split = common_point(first.tip, second.tip)
    origin, origin_branch = tree.point, tree.branch
    shown, notes = session.inspected, origin.notes
    ends = await _ends(session, (first, second))
    if shown is not None and ends is not None and tree.point is origin:
        # Back where it was, it shows the computation `load` showed there, as before.
        origin.notes = notes
        session.inspect(shown)
    if ends is None:  # the user stopped a replay: the run is where it stopped
        target = (
            f"step {origin.number} of {origin_branch.name}, where you were"
            if tree.branch is origin_branch
            else f"the end of {tree.branch.name}, which diff compares"
        )
        return stopped(arrived(session, line, "diff"), session, target, f"`{command.text}`")
    found = difference(ends[0].computation, ends[1].computation)
    problems = (
        _only_in(ends[0].problems, ends[1].problems),
        _only_in(ends[1].problems, ends[0].problems),
    )
    output: list[RenderableType] = [_parting(first, second, split)]
    for branch, other, events, end, met in (
        (first, second, found.only_first, ends[0], problems[0]),
        (second, first, found.only_second, ends[1], problems[1]),
    ):
        if events:
            output.append(
                render.note(
                    f"{branch.name} (to step {branch.tip.number}) recorded "
                    f"{render.counted(len(events), 'event')} that {other.name} did not:",
                    style="bold",
                )
            )
            output.append(render.event_lines(events, end.computation, limit=EVENTS_SHOWN))
        if met:
            output.append(render.note(
                f"{branch.name} (to step {branch.tip.number}) met "
                f"{render.counted(len(met), 'problem')} that {other.name} did not:",
                style="bold",
            ))
            output.extend(render.note(f"  {line}", style="red") for line in met)
    if found.same:
        output.append(
            render.note(
                f"{first.name} and {second.name} recorded the same events by their ends "
                "(ids aside)",
                style="green",
            )
        )
    data = {
        "first": first.name,
        "second": second.name,
        "common_step": split.number,
        "parts_at": split.number + 1,
        "first_step": _next_step(first, split),
        "second_step": _next_step(second, split),
        "only_first": [event.id for event in found.only_first],
        "only_second": [event.id for event in found.only_second],
        "problems_only_first": problems[0],
        "problems_only_second": problems[1],
    }
    outcome = CommandOutcome(line, "diff", output=tuple(output), data=data)
    if tree.point is not origin:  # the user stopped the way back
        target = f"step {origin.number} of {origin_branch.name}"
        return stopped(outcome, session, target, f"`goto {origin.number}`", origin.number)
    return outcome


def _parting(first: Branch, second: Branch, split: Point) -> RenderableType:
    """Where ``first`` and ``second`` part, and what each did there."""
    lines: list[RenderableType] = []
    if split is first.tip and split is second.tip:  # forked there, neither went on
        lines.append(render.note(
            f"{first.name} and {second.name} end at the same point, step {split.number}: "
            "neither has a step of its own",
            style="bold",
        ))
    elif split is first.tip or split is second.tip:
        shorter, longer = (first, second) if split is first.tip else (second, first)
        lines.append(render.note(
            f"{shorter.name} is {longer.name} up to step {split.number}; {longer.name} goes "
            f"on to step {longer.tip.number}:",
            style="bold",
        ))
        lines.append(_named(longer, longer.tip.ancestor(split.number + 1)))
    else:
        lines.append(render.note(
            f"{first.name} and {second.name} share {steps_span(0, split.number)}; they part at "
            f"step {split.number + 1}:",
            style="bold",
        ))
        for branch in (first, second):
            lines.append(_named(branch, branch.tip.ancestor(split.number + 1)))
    return Text("\n").join(line for line in lines if isinstance(line, Text))


def _named(branch: Branch, point: Point) -> Text:
    return Text(f"  {branch.name:<10}", style="bold").append_text(step_line(point))


def _next_step(branch: Branch, split: Point) -> dict[str, Any] | None:
    if branch.tip.number <= split.number:
        return None
    point = branch.tip.ancestor(split.number + 1)
    return {"number": point.number, "decision": point.decision.line, "ran": point.ran,
            "events": list(point.events)}


@dataclass(frozen=True)
class _End:
    """What a branch's end holds, for ``diff``: its computation, and the problems standing
    there (handler and guard errors, violations; see :func:`standing_problems`)."""

    computation: Computation
    problems: list[str]

    @classmethod
    def of(cls, session: Session, computation: Computation) -> _End:
        problems = standing_problems(session.errors, session.violations, session.computation)
        return cls(computation, problems)


_EVENT_ID = re.compile(r"\be\d+\b")


def _only_in(problems: list[str], others: list[str]) -> list[str]:
    """The lines of ``problems`` that ``others`` does not hold as many times, event ids
    aside (the same error on another branch is met by an event numbered otherwise)."""
    left = Counter(_EVENT_ID.sub("e", line) for line in others)
    only = []
    for line in problems:
        key = _EVENT_ID.sub("e", line)
        if left[key]:
            left[key] -= 1
        else:
            only.append(line)
    return only


async def _ends(session: Session, compared: tuple[Branch, Branch]) -> list[_End] | None:
    """What the ends of the ``compared`` branches hold, the run back where it was after:
    each end is replayed and copied (going elsewhere stops that system, whose finish
    hooks may record more), but the one the run is at already. None when the user
    stopped a replay (:meth:`Session.pause`) before every end was copied: the run is where
    it stopped."""
    tree = session.decisions
    origin, origin_branch = tree.point, tree.branch
    ends: dict[int, _End] = {}
    for index, branch in enumerate(compared):
        if branch.tip is origin and session.inspected is None:
            continue
        if await session.travel_to(branch.tip, branch) is not branch.tip:
            return None
        ends[index] = _End.of(session, Computation.from_dict(session.computation.to_dict()))
    if tree.point is not origin or tree.branch is not origin_branch:
        back = await session.travel_to(origin, origin_branch)
        if back is not origin and len(ends) < len(compared):
            return None  # the end the run was at is not where the run is now
    return [
        ends[index] if index in ends else _End.of(session, session.computation)
        for index in range(len(compared))
    ]


@hookimpl(tryfirst=True)
def rapide_add_commands(catalog: CommandCatalog) -> None:
    """Adds ``branches``, ``switch``, ``fork`` and ``diff``."""
    catalog.register(BRANCHES, branches, parse=no_arguments)
    catalog.register(SWITCH, switch, parse=parse_branch_name)
    catalog.register(FORK, fork, parse=parse_new_branch_name)
    catalog.register(DIFF, diff, parse=parse_diff)

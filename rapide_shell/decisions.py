"""The history of a session's decisions: a tree of points, its named branches, and the
lines of the command language that reach a point (its address, or a whole script).

A run is a function of the architecture, the seed and the decisions made along the way:
each injection, each step (the scheduler's choice, or the dispatch, kind or wake-up the
user chose), and each ``seed``, ``reset`` or ``reload``, which start a fresh system.
Every decision leads from one :class:`Point` to the next; point 0 is the start (the
first system, its start hooks run), and a point's ``number`` is how many decisions
lead to it. Deciding differently at a point that already has a future makes a second
child there, so the points form a tree.

A :class:`Branch` is a name for one line of that tree, root to ``tip``. ``main`` is the
first; a decision at a point that is not its branch's tip, and that differs from every
decision already taken there, starts a new branch (``b2``, ``b3``, ...), and the branch
that was left keeps its tip. A decision the tree already holds at that point is taken
again (the run is deterministic, so it leads to the same point), switching to a branch
that holds it when the current one does not.

Nothing here runs anything: :mod:`rapide_shell.travel` records the points as the system
takes its steps and replays them.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from rapide_shell.address import PREFIX, Address
from rapide_shell.looks import steps_span
from rapide_shell.recording import inject_line

MAIN = "main"
"""The name of the first branch."""

BRANCH_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}\Z")
"""What a branch name may be: a letter, then letters, digits, ``_``, ``.`` or ``-``."""


class HistoryError(ValueError):
    """A request the history cannot meet (an unknown branch, a step out of range);
    ``str(error)`` is one line for the user."""


class DecisionKind(StrEnum):
    """What a decision did."""

    START = "start"
    """The session's first system started (point 0)."""
    INJECT = "inject"
    STEP = "step"
    SEED = "seed"
    RESET = "reset"
    RELOAD = "reload"

    @property
    def starts_over(self) -> bool:
        """True for the decisions that start a fresh system (start, seed, reset, reload)."""
        return self in _STARTS_OVER


_STARTS_OVER = frozenset(
    {DecisionKind.START, DecisionKind.SEED, DecisionKind.RESET, DecisionKind.RELOAD}
)
_reloads = itertools.count(1)

StepChoice = str | int | None
"""What a step took: None (the scheduler's choice), a connection kind or ``wake``
(the next of those), or a dispatch id (that one)."""


@dataclass(frozen=True, eq=False)
class Decision:
    """One decision, as the line of the command language that makes it again.

    Two decisions are the same when their ``key`` is: an injection by its event and
    payload (field order aside), a step by what it chose, a ``seed`` by its number.
    A ``reload`` is never the same as another (the file may have changed between them).
    ``seed`` is the seed the system had once the decision was made; ``loaded`` (a
    :class:`~rapide_shell.loader.LoadedArchitecture`) the architecture a decision that
    starts over built its system from.
    """

    kind: DecisionKind
    line: str
    key: tuple[Any, ...]
    choice: StepChoice = None
    event: str = ""
    payload: Mapping[str, Any] | None = None
    seed: int = 0
    loaded: Any = None

    @classmethod
    def start(cls, seed: int, loaded: Any) -> Decision:
        """The session's first system, with ``seed``."""
        return cls(DecisionKind.START, f"seed {seed}", ("start",), seed=seed, loaded=loaded)

    @classmethod
    def inject(cls, name: str, payload: Mapping[str, Any]) -> Decision:
        """Injecting ``name`` with ``payload``."""
        fields = json.dumps(dict(payload), sort_keys=True, ensure_ascii=False, default=str)
        return cls(
            DecisionKind.INJECT,
            inject_line(name, dict(payload)),
            ("inject", name, fields),
            event=name,
            payload=dict(payload),
        )

    @classmethod
    def step(cls, choice: StepChoice) -> Decision:
        """One step, of the scheduler's choice (None) or the one ``choice`` names.

        A decision is immutable: every step of the scheduler's choice, or of a kind's,
        shares one (a run of a million steps would otherwise hold a million alike).
        """
        if not isinstance(choice, int):
            shared = _SHARED_STEPS.get(choice)
            if shared is None:
                shared = _SHARED_STEPS[choice] = cls._new_step(choice)
            return shared
        return cls._new_step(choice)

    @classmethod
    def _new_step(cls, choice: StepChoice) -> Decision:
        if choice is None:
            line = "step"
        elif isinstance(choice, int):
            line = f"step #{choice}"
        else:
            line = f"step {choice}"
        return cls(DecisionKind.STEP, line, ("step", choice), choice=choice)

    @classmethod
    def starting_over(cls, kind: DecisionKind, seed: int, loaded: Any) -> Decision:
        """``seed N``, ``reset`` or ``reload``: a fresh system with ``seed``."""
        if kind is DecisionKind.SEED:
            return cls(kind, f"seed {seed}", ("seed", seed), seed=seed, loaded=loaded)
        if kind is DecisionKind.RESET:
            return cls(kind, "reset", ("reset",), seed=seed, loaded=loaded)
        if kind is DecisionKind.RELOAD:
            return cls(kind, "reload", ("reload", next(_reloads)), seed=seed, loaded=loaded)
        raise ValueError(f"{kind} does not start over")

    @property
    def plain_step(self) -> bool:
        """True for a step of the scheduler's own choice."""
        return self.kind is DecisionKind.STEP and self.choice is None


_SHARED_STEPS: dict[StepChoice, Decision] = {}
"""The decisions of the steps that name no dispatch (see :meth:`Decision.step`)."""


class Route(NamedTuple):
    """The way a step's dispatch went: alike for every delivery of events of one name
    through one connection, so the points of a run share one."""

    kind: str
    event_name: str
    target: str
    connection: int | None
    """The connection's index (None: a connection that has none)."""


class Ran(NamedTuple):
    """The dispatch a step started: its number, the event it delivered, and its route."""

    dispatch: int
    event_id: str
    route: Route

    def text(self) -> str:
        """``#12 pipe e7 Source.item -> sink``: what the history lists."""
        route = self.route
        return f"#{self.dispatch} {route.kind} {self.event_id} {route.event_name} -> {route.target}"


def ran_text(ran: str | Ran) -> str:
    """What a step ran, in words (a task it resumed, or the dispatch it started)."""
    return ran if isinstance(ran, str) else ran.text()


class Note(NamedTuple):
    """A line a script replays at a point of the history (``expect``, ``load``)."""

    given: int
    """The number of the command that gave it (see :attr:`Point.segment`)."""
    line: str
    loaded: bool = False
    """True for a line given while a loaded computation was shown (the ``load`` and what
    was checked in it): a script leaves it out where the run goes on from the point (a
    step follows it, or a line given on the live run there again), since a loaded
    computation takes no steps and cannot be left but by starting over."""


class Point:
    """A point of the history: where ``decision`` led from ``parent`` (None for the start).

    What the decision did is kept for the listing and for checking a replay: ``ran``
    (the dispatch started or the task resumed, in words; made of a :class:`Ran`), ``events``
    (the ids of the events it recorded), ``total_events`` (the size of the computation
    after it), ``connection`` (the index of the connection whose delivery it started, if
    it started one) and ``stopped_by`` (the breakpoint that stopped a run right after it).
    ``segment`` numbers the command that made it: the steps of one command are written
    as one line. ``notes`` are lines a script replays at this point (``expect``).
    ``epoch`` is the point where this point's system started (itself, for a decision
    that starts over).
    """

    __slots__ = (
        "_children",
        "_delivered",
        "_dispatch",
        "_events",
        "_ran",
        "decision",
        "epoch",
        "notes",
        "number",
        "parent",
        "segment",
        "stopped_by",
        "total_events",
    )

    def __init__(
        self,
        decision: Decision,
        parent: Point | None,
        *,
        segment: int = 0,
        ran: str | Ran = "",
        events: tuple[str, ...] = (),
        total_events: int = 0,
    ) -> None:
        self.decision = decision
        self.parent = parent
        self.number: int = 0 if parent is None else parent.number + 1
        self.epoch: Point = (
            self if parent is None or decision.kind.starts_over else parent.epoch
        )
        # A point is kept for every step of every run: what it holds is kept small.
        # Nearly every point has one child, held as is; none or several, as a tuple.
        self._children: Point | tuple[Point, ...] = ()
        self.segment = segment
        # A dispatch started: its number and event apart, the route shared (see Ran).
        self._ran: str | Route
        if isinstance(ran, Ran):
            self._dispatch, self._delivered, self._ran = ran
        else:
            self._dispatch, self._delivered, self._ran = 0, "", ran
        self._events: int | tuple[str, ...] = ()
        self.total_events = 0
        self.set_events(events, total_events)
        self.stopped_by: int | None = None
        self.notes: list[Note] | None = None

    @property
    def children(self) -> tuple[Point, ...]:
        """The points decisions taken here led to, in the order they were taken."""
        children = self._children
        return (children,) if type(children) is Point else children  # type: ignore[return-value]

    def add_child(self, child: Point) -> None:
        """``child`` is where a new decision taken here led."""
        children = self._children
        self._children = child if children == () else (*self.children, child)

    def remove_child(self, child: Point) -> None:
        """Forget ``child`` (the decision that led there is undone)."""
        kept = tuple(point for point in self.children if point is not child)
        self._children = kept[0] if len(kept) == 1 else kept

    @property
    def ran(self) -> str:
        """What the decision ran, in words: the dispatch started or the task resumed."""
        ran = self._ran
        if isinstance(ran, Route):
            return Ran(self._dispatch, self._delivered, ran).text()
        return ran

    @property
    def connection(self) -> int | None:
        """The index of the connection whose delivery the decision started, if it did."""
        ran = self._ran
        return ran.connection if isinstance(ran, Route) else None

    @property
    def events(self) -> tuple[str, ...]:
        """The ids of the events the decision recorded, in order."""
        events, total = self._events, self.total_events
        if type(events) is int:
            return tuple(f"e{number}" for number in range(total - events + 1, total + 1))
        return events  # type: ignore[return-value]

    def set_events(self, events: tuple[str, ...], total_events: int) -> None:
        """The decision recorded ``events``, and the computation held ``total_events``
        after it. Ids numbered as a computation numbers its events, the last ending at
        its size ("e1" to "e5" of five events: the usual case), are kept as a count."""
        self.total_events = total_events
        count = len(events)
        if count == 1:  # most steps record one event
            numbered = events[0] == f"e{total_events}"
        else:
            first = total_events - count + 1
            numbered = count > 0 and list(events) == [f"e{n}" for n in range(first, first + count)]
        self._events = count if numbered else events

    def ancestor(self, number: int) -> Point:
        """The point numbered ``number`` on the way from the start to this one."""
        point = self
        while point.number > number and point.parent is not None:
            point = point.parent
        return point

    def leads_to(self, other: Point) -> bool:
        """True when ``other`` is this point or comes after it on one line of the tree."""
        return other.number >= self.number and other.ancestor(self.number) is self

    def __repr__(self) -> str:
        return f"<Point {self.number} {self.decision.line!r}>"


def common_point(first: Point, second: Point) -> Point:
    """The last point the lines to ``first`` and ``second`` share."""
    while first.number > second.number:
        first = first.parent  # type: ignore[assignment]
    while second.number > first.number:
        second = second.parent  # type: ignore[assignment]
    while first is not second:
        first, second = first.parent, second.parent  # type: ignore[assignment]
    return first


def points_between(start: Point, end: Point) -> list[Point]:
    """The points after ``start`` up to ``end`` included, in order (``start`` leads to ``end``)."""
    points = []
    point = end
    while point is not start:
        points.append(point)
        if point.parent is None:
            raise ValueError(f"{start!r} does not lead to {end!r}")
        point = point.parent
    points.reverse()
    return points


@dataclass(eq=False)
class Branch:
    """A named line of the tree, from the start to ``tip``; ``parent`` is the branch it
    was made from (None for ``main``)."""

    name: str
    tip: Point
    parent: Branch | None = None
    used: int = 0
    """When it was last the current branch (a counter): a decision the tree holds on
    several branches follows the one used last."""
    made_at: Point | None = None
    """Where the user made it: the point ``fork`` named, or the one a new decision left
    ``parent`` at (None for ``main``). It leaves ``parent`` there or later: a branch
    forked and then taken along a step ``parent`` took already shares that step too
    (see :meth:`DecisionTree.fork_point`)."""


@dataclass
class Along:
    """Steps of ``other``'s line that a command took again, ``first`` to ``last``: the
    decisions ``other`` made there already. ``joined`` True: the session left its branch
    for ``other`` (it was where its branch leaves ``other``, and took ``other``'s way);
    False: its branch, at its tip, went along ``other``."""

    other: Branch
    first: Point
    last: Point
    joined: bool

    def text(self, branch: Branch, point: Point) -> str:
        """What to tell the user, on ``branch`` at ``point`` once the command ended."""
        if self.first is self.last:
            steps = f"step {self.first.number} is the one {self.other.name} took"
        else:
            steps = (
                f"steps {self.first.number} to {self.last.number} are the ones "
                f"{self.other.name} took"
            )
        if self.joined:
            return (
                f"{steps}: you are on {branch.name} at step {point.number}; a branch starts "
                "where you decide differently"
            )
        if point is self.last:
            return (
                f"{steps} already: {branch.name} goes along {self.other.name} until you "
                "decide differently"
            )
        return f"{steps} already; {branch.name} goes its own way from step {self.last.number + 1}"


@dataclass(frozen=True)
class Mark:
    """The state of a tree at one moment, for :meth:`DecisionTree.undo`."""

    branch: Branch
    point: Point
    tips: tuple[tuple[Branch, Point], ...]
    created: int


class DecisionTree:
    """The points of one session, its branches, and where the session is.

    ``branch`` is the current branch and ``point`` the current point, on its line.
    ``setup`` holds the lines that set things up rather than decide (``watch``,
    ``break``, ...), each with the number of the command that gave it: a script writes
    each before the first decision made after it (so that a ``run`` meets the
    breakpoints it met), in the order they were given, and before the notes of a point
    given after it (a ``watch`` typed before an ``expect`` comes before it).
    """

    def __init__(self, seed: int, loaded: Any) -> None:
        self.root = Point(Decision.start(seed, loaded), None)
        main = Branch(MAIN, self.root)
        self.branches: dict[str, Branch] = {MAIN: main}
        self.branch = main
        self.point = self.root
        self.setup: list[tuple[int, str]] = []
        self._written_as: dict[int, tuple[str, int]] = {}
        # The commands whose steps are written as steps (`step N`), whatever line they
        # asked for: one that retraced steps, one parted by a line given during it.
        self._as_steps: set[int] = set()
        self._created: list[Point] = []
        self._uses = itertools.count(1)
        self.along: Along | None = None
        """The steps another branch had taken that the command in progress took again
        (see :meth:`take`), for the session to say; None when it took none."""
        self.started: Branch | None = None
        """The branch a decision of the command in progress started of itself (see
        :meth:`add`), for the session to say; None when it started none."""
        # Invariant: ``_line`` is the current branch's line, point n at index n, so
        # that following it while a long run replays costs nothing per step.
        self._line: list[Point] = [self.root]
        main.used = next(self._uses)

    # -- reading ---------------------------------------------------------------------

    def find(self, name: str) -> Branch:
        """The branch called ``name``; HistoryError naming the branches when none is."""
        branch = self.branches.get(name)
        if branch is None:
            raise HistoryError(f"no branch {name!r} (branches: {', '.join(self.branches)})")
        return branch

    def path(self, branch: Branch | None = None) -> list[Point]:
        """The points of ``branch`` (the current one by default), from the start to its
        tip, point n at index n (a copy)."""
        if branch is None or branch is self.branch:
            return list(self._line)
        return [self.root, *points_between(self.root, branch.tip)]

    def at(self, number: int, branch: Branch | None = None) -> Point:
        """The point numbered ``number`` on ``branch`` (the current one by default)."""
        branch = branch or self.branch
        if not 0 <= number <= branch.tip.number:
            raise HistoryError(
                f"no step {number} on {branch.name}: it has {steps_span(0, branch.tip.number)}"
            )
        if branch is self.branch:
            return self._line[number]
        return branch.tip.ancestor(number)

    def holds(self, point: Point, branch: Branch | None = None) -> bool:
        """True when ``point`` is on the line of ``branch`` (the current one by default)."""
        if branch is None or branch is self.branch:
            line = self._line
            return point.number < len(line) and line[point.number] is point
        return point.leads_to(branch.tip)

    def fork_point(self, branch: Branch) -> Point | None:
        """Where ``branch`` leaves the branch it was made from (None for ``main``)."""
        if branch.parent is None:
            return None
        return common_point(branch.tip, branch.parent.tip)

    def made_at(self, branch: Branch) -> Point | None:
        """Where the user made ``branch`` (None for ``main``): where they forked it, which
        is its :meth:`fork_point` or, when it then went along steps its parent had taken,
        before it."""
        fork = self.fork_point(branch)
        made = branch.made_at
        if fork is None or made is None or not made.leads_to(fork):
            return fork
        return made

    def left_branch(self, branch: Branch, at: Point | None = None) -> Branch | None:
        """The branch ``branch`` leaves at its :meth:`fork_point` (None for ``main``), or
        the one it was on at ``at`` (a point of its line before that), named by where
        that step first lies: the branch it was made from, or the oldest of those that
        one was made from, one from another, whose line holds it too. A branch made at a
        step it shares with the one it was made from leaves that step's own branch
        there, which is where the history lists it."""
        fork, left = at or self.fork_point(branch), branch.parent
        if fork is None or left is None:
            return None
        while left.parent is not None and fork.leads_to(left.parent.tip):
            left = left.parent
        return left

    def children_of(self, branch: Branch | None) -> list[Branch]:
        """The branches that leave ``branch`` (None: the roots), by where they fork: those
        made from it, and those made from one of them at a step that lies on ``branch``
        (see :meth:`left_branch`), so that a tree drawn from them nests each branch
        under the one its line says it leaves."""
        found = [other for other in self.branches.values() if self.left_branch(other) is branch]
        return sorted(found, key=lambda other: (self.fork_point(other) or self.root).number)

    def branches_holding(self, point: Point) -> list[Branch]:
        """The branches whose line passes through ``point``, the one used last first."""
        found = [branch for branch in self.branches.values() if point.leads_to(branch.tip)]
        return sorted(found, key=lambda branch: -branch.used)

    # -- moving ------------------------------------------------------------------------

    def go(self, point: Point, branch: Branch | None = None) -> None:
        """Make ``point``, on ``branch`` (the current one by default), the current point."""
        branch = branch or self.branch
        if not self.holds(point, branch):
            raise ValueError(f"{point!r} is not on branch {branch.name}")
        self._use(branch)
        self.point = point

    def next_point(self, decision: Decision) -> Point | None:
        """The point ``decision`` leads to from the current point, if the tree holds it
        (a decision is taken at most once at a point: :meth:`add` is for new ones)."""
        key = decision.key
        for child in self.point.children:
            if child.decision.key == key:
                return child
        return None

    def step_that_ran(self, ran: str, events: tuple[str, ...]) -> Point | None:
        """The step from the current point that the tree holds and that ran ``ran``,
        recording ``events``, whatever the words that chose it: ``step #2`` where the
        seed's ``step`` took #2 is the same decision, not another branch."""
        for child in self.point.children:
            if child.decision.kind is DecisionKind.STEP and (child.ran, child.events) == (
                ran,
                events,
            ):
                return child
        return None

    def take(self, point: Point, segment: int) -> None:
        """Move on to ``point``, a child of the current point the tree already holds,
        within command ``segment``: at the tip, the branch grows onto it; off it, the
        branch that holds it is followed."""
        if point.parent is not self.point:
            raise ValueError(f"{point!r} does not follow the current point")
        self.write_as_steps(segment)
        if self.point is self.branch.tip:
            # The point is another branch's: this one goes along it.
            other = next((b for b in self.branches.values() if point.leads_to(b.tip)), None)
            self.branch.tip = point
            self._line.append(point)
            if other is not None:
                self._went_along(other, point, joined=False)
        elif not self.holds(point):
            self._use(self.branches_holding(point)[0])
            self._went_along(self.branch, point, joined=True)
        self.point = point

    def _went_along(self, other: Branch, point: Point, *, joined: bool) -> None:
        along = self.along
        if along is not None and along.last is point.parent and along.other is other:
            along.last = point
        else:
            self.along = Along(other, point, point, joined)

    def add(self, point: Point) -> Point:
        """Add ``point`` (made by a new decision at the current point) and move to it.

        At the tip of the current branch the branch grows; elsewhere a new branch starts
        there (the one left keeps its tip) and becomes the current one.
        """
        if point.parent is not self.point:
            raise ValueError(f"{point!r} does not follow the current point")
        self.point.add_child(point)
        self._created.append(point)
        text, made = self._written_as.get(point.segment, ("", 0))
        self._written_as[point.segment] = (text, made + 1)
        if self.point is self.branch.tip:
            self.branch.tip = point
            self._line.append(point)
        else:
            branch = Branch(self._new_name(), point, self.branch, made_at=self.point)
            self.branches[branch.name] = branch
            self._use(branch)
            self.started = self.started or branch
        self.point = point
        return point

    def fork(self, name: str) -> Branch:
        """A new branch called ``name`` at the current point, made current: what is decided
        next goes on it. HistoryError for a name that is taken or not a name."""
        if name.startswith(PREFIX):  # a branch so called could not be told from an address
            shown = name if len(name) <= 24 else name[:23] + "…"
            raise HistoryError(
                f"{shown!r} reads as an address, not a branch name: `goto ADDRESS` goes to "
                f"one, and a branch name does not start with {PREFIX!r}"
            )
        if not BRANCH_NAME.match(name):
            raise HistoryError(
                f"{name!r} is not a branch name: a letter, then letters, digits, '_', '.' "
                "or '-' (40 at most)"
            )
        if name in self.branches:
            raise HistoryError(f"there is already a branch {name!r}")
        branch = Branch(name, self.point, self.branch, made_at=self.point)
        self.branches[name] = branch
        self._use(branch)
        return branch

    def mark(self) -> Mark:
        """The tree as it is now, to :meth:`undo` back to."""
        return Mark(
            self.branch,
            self.point,
            tuple((branch, branch.tip) for branch in self.branches.values()),
            len(self._created),
        )

    def undo(self, mark: Mark) -> None:
        """Forget every point and branch made since ``mark``; back to its current point."""
        for point in reversed(self._created[mark.created :]):
            if point.parent is not None:
                point.parent.remove_child(point)
        del self._created[mark.created :]
        self.branches = {branch.name: branch for branch, _ in mark.tips}
        if self.started is not None and self.started.name not in self.branches:
            self.started = None
        if self.along is not None and not self.along.last.leads_to(mark.point):
            self.along = None  # the steps it tells of are undone
        for branch, tip in mark.tips:
            branch.tip = tip
        self.branch = mark.branch
        self._line = [self.root, *points_between(self.root, self.branch.tip)]
        self.point = mark.point

    def _use(self, branch: Branch) -> None:
        branch.used = next(self._uses)
        if branch is not self.branch or self._line[-1] is not branch.tip:
            self.branch = branch
            self._line = [self.root, *points_between(self.root, branch.tip)]

    def _new_name(self) -> str:
        for number in itertools.count(len(self.branches) + 1):
            name = f"b{number}"
            if name not in self.branches:
                return name
        raise AssertionError("unreachable")

    # -- lines that reach a point ---------------------------------------------------------

    def write_as(self, segment: int, line: str) -> None:
        """Write the steps command ``segment`` made as ``line`` (``run``), where a script
        holds every one of them; a command that also retraced steps, or that a line given
        during it parted (see :meth:`write_as_steps`), is written as its steps
        (``step N``)."""
        _, made = self._written_as.get(segment, ("", 0))
        self._written_as[segment] = (line, made)

    def write_as_steps(self, segment: int) -> None:
        """Write the steps command ``segment`` makes as steps (``step N``), whatever line it
        asks for: it retraced steps, or it is one part of a command that a line given
        during it parted (a ``run`` a ``watch`` was typed during)."""
        self._as_steps.add(segment)

    def line_of(self, group: list[Point]) -> str | None:
        """The line a command asked its steps to be written as, when ``group`` is all of
        them; None otherwise."""
        segment = group[0].segment
        text, made = self._written_as.get(segment, ("", 0))
        if not text or made != len(group) or segment in self._as_steps:
            return None
        return text

    def address(self, point: Point | None = None) -> Address:
        """The address of ``point`` (the current one by default): the seed its system
        started with and the decisions from there."""
        point = point or self.point
        epoch = point.epoch
        return Address(epoch.decision.seed, tuple(decision_lines(epoch, point)))

    def script(self, point: Point | None = None, *, shown: bool = True) -> list[str]:
        """The lines of a script that replays the session to ``point`` (the current one
        by default): the first seed, then every decision from the start with the notes
        made at each point, and the setup lines where they were given (``shown``: see
        :func:`decision_lines`)."""
        point = point or self.point
        lines = decision_lines(
            self.root, point, notes=True, tree=self, setup=True, shown=shown
        )
        return [self.root.decision.line, *lines]

    def setup_before(self, segment: int | None, written: int) -> list[str]:
        """The setup lines from index ``written`` on that were given before command
        ``segment`` (None: all of them)."""
        taken = []
        for given, line in self.setup[written:]:
            if segment is not None and given >= segment:
                break
            taken.append(line)
        return taken


def decision_lines(
    start: Point,
    end: Point,
    *,
    notes: bool = False,
    tree: DecisionTree | None = None,
    setup: bool = False,
    shown: bool = True,
) -> list[str]:
    """The command lines that take a system from ``start`` to ``end``: one a decision,
    but the plain steps one command took together are one ``step N`` (or, given the
    ``tree``, the line the command asked for: ``run``). With ``notes``, each point's
    notes follow it (those given on a loaded computation only where the run does not
    go on from there: see :attr:`Note.loaded`). With ``setup`` (a whole script), the
    start's notes too, and the tree's setup lines where they were given among the
    decisions and notes, those given after the last of them at the end. ``shown``
    False: the run is shown at ``end``, not the computation loaded there (it was left
    by starting over, and gone back to), whose lines it leaves out."""
    lines: list[str] = []
    setup_written = 0
    points = points_between(start, end)

    def setup_before(segment: int | None) -> None:
        nonlocal setup_written
        if tree is not None and setup:
            given = tree.setup_before(segment, setup_written)
            lines.extend(given)
            setup_written += len(given)

    def notes_of(point: Point) -> None:
        following = points[point.number - start.number] if point is not end else None
        notes = point.notes or []
        steps_follow = following is not None and not following.decision.kind.starts_over
        live = max((index for index, note in enumerate(notes) if not note.loaded), default=-1)
        left = following is None and not shown
        for index, note in enumerate(notes):
            if note.loaded and (steps_follow or index < live or left):
                continue
            # The setup lines given before the note, but none given after the decision
            # that follows was made (a point gone back to and noted again): that
            # decision's `run` would meet a breakpoint the session's did not.
            given = note.given if following is None else min(note.given, following.segment)
            setup_before(given)
            lines.append(note.line)

    if notes and setup:
        notes_of(start)
    for group, last in _groups(points, notes):
        setup_before(group[0].segment)
        first = group[0].decision
        if first.plain_step:
            asked = tree.line_of(group) if tree is not None else None
            lines.append(asked or ("step" if len(group) == 1 else f"step {len(group)}"))
        else:
            lines.append(first.line)
        if notes:
            notes_of(last)
    setup_before(None)
    return lines


def _groups(points: list[Point], notes: bool) -> Iterator[tuple[list[Point], Point]]:
    """The points in the groups one line writes: a run of plain steps of one command
    (broken where a point has notes to write), or one other decision."""
    group: list[Point] = []
    for point in points:
        if group and not (
            point.decision.plain_step
            and group[-1].decision.plain_step
            and point.segment == group[-1].segment
            and not (notes and group[-1].notes)
        ):
            yield group, group[-1]
            group = []
        group.append(point)
    if group:
        yield group, group[-1]

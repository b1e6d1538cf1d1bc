"""Choosing schedules: depth first with sleep sets, or random walks, in shards.

The systematic search (a stateless depth-first search, as CHESS and Coyote do it)
runs each schedule from the start, following the choices of the one before up to its
deepest choice point that has an alternative left, then takes that alternative. Its
order is canonical: at each choice point the seed's own choice first, then the others
by id; a schedule's place in it is the sequence of positions it chose (its *path*).

**Pruning.** Two steps that touch nothing in common (their footprints, see
:mod:`pyrapide.exploration.tracking`: the components whose code ran, the pipes that
queued or delivered, the clock) commute: taken in either order, they record the same
events with the same causes. That holds when **components share no state outside
events** (no module reads or writes another's attributes, a global, a file or a
database, and none reads the clock's time to decide something when another step moved
it): then only the order of deliveries to the same component, or through the same
pipe, can change the poset. Sleep sets (Godefroid) use it: once a step's subtree is
explored, the step sleeps in its siblings' subtrees until something it does not
commute with is taken, so each order of commuting steps is tried once. With pruning
off every order is tried; do that when the assumption does not hold.

**Shards.** The search is cut into shards, each the subtree under one choice point
from one position on (with the sleep set it has there), so that workers can take them
in any order and their results merge into the answer one search would give. A shard
that runs out of budget hands back the rest of its subtree as shards of its own. The
random strategy's shards are ranges of seeds, one walk per seed.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyrapide.exploration.runner import ExplorationError, Options, ScheduleOutcome, ScheduleRunner
from pyrapide.exploration.schedule import Failure, Schedule
from pyrapide.exploration.tracking import CLOCK, Footprint

Key = tuple[Any, ...]
"""A choice as the search names it: its step target and whether it resumes a task."""

Sleeping = tuple[tuple[Key, Footprint], ...]


@dataclass(frozen=True)
class Shard:
    """One unit of the search.

    A systematic shard is the subtree under the choice point reached by ``path`` (each
    choice point's position and the key expected there, from the start), from position
    ``start`` on, with ``sleep`` asleep there and ``done`` (the positions before
    ``start``) explored elsewhere. The whole search is ``Shard()``. A random shard
    (``seeds`` given) is one walk per seed of the inclusive range.
    """

    path: tuple[tuple[int, Key], ...] = ()
    start: int = 0
    sleep: Sleeping = ()
    done: Sleeping = ()
    seeds: tuple[int, int] | None = None

    @property
    def order(self) -> tuple[int, ...]:
        """Where the shard's schedules come in the canonical order: shards sort by it."""
        if self.seeds is not None:
            return (self.seeds[0],)
        return (*(position for position, _ in self.path), self.start)


@dataclass
class FailureFound:
    """A failing schedule of a shard: its ``index`` among the shard's schedules, its
    poset's ``digest`` and its ``failures`` (the first failed first)."""

    index: int
    digest: str
    failures: tuple[Failure, ...]


@dataclass(kw_only=True)
class Counts:
    """What a search counts over its schedules, a shard's or a whole exploration's.

    ``schedules`` complete schedules ran and ``pruned`` more were abandoned by the sleep
    sets; ``digests`` are the distinct posets seen; ``witnesses`` the first schedule
    (its number, from 0, and the schedule) where each ``sometimes`` expectation held;
    the counters are the coverage (in how many schedules each connection delivered,
    each handler ran, each expect or watch pattern matched); ``with_errors`` schedules
    had a handler raise (``first_error`` the first), ``limited`` ones a bound stopped.
    """

    schedules: int = 0
    pruned: int = 0
    digests: set[str] = field(default_factory=set)
    witnesses: dict[int, tuple[int, Schedule]] = field(default_factory=dict)
    connections: Counter[int] = field(default_factory=Counter)
    handlers: Counter[tuple[str, str]] = field(default_factory=Counter)
    matched: Counter[int] = field(default_factory=Counter)
    with_errors: int = 0
    first_error: str | None = None
    limited: int = 0

    def add_counts(self, other: Counts, offset: int) -> None:
        """Add what ``other`` counted, whose schedules come after these: its schedule
        numbers move on by ``offset``."""
        self.schedules += other.schedules
        self.pruned += other.pruned
        self.digests |= other.digests
        for line, (index, schedule) in other.witnesses.items():
            self.witnesses.setdefault(line, (offset + index, schedule))
        self.connections.update(other.connections)
        self.handlers.update(other.handlers)
        self.matched.update(other.matched)
        self.with_errors += other.with_errors
        if self.first_error is None:
            self.first_error = other.first_error
        self.limited += other.limited


@dataclass
class ShardResult(Counts):
    """What a shard found, in the shard's own order (see :class:`Counts`).

    ``failures`` holds the first failing schedule of each distinct failing poset (only
    the first of all unless every failure is kept); ``remaining`` is the rest of the
    subtree, as shards, when the budget ran out first.
    """

    shard: Shard
    failures: list[FailureFound] = field(default_factory=list)
    remaining: list[Shard] = field(default_factory=list)
    pruned_since: int = 0
    """Of the ``pruned`` runs, those after its last complete schedule."""
    stopped: str | None = None
    """Why it stopped before the end of its subtree: "failure" (at its first failure),
    "budget" (``Budget.schedules`` reached); None when it ran it all, or handed the
    rest back in ``remaining``."""

    def add(self, outcome: ScheduleOutcome) -> bool:
        """Count one complete schedule; True when it failed with a poset no failure
        kept so far had (then it is kept)."""
        index = self.schedules
        self.schedules += 1
        self.pruned_since = 0
        self.digests.add(outcome.digest)
        self.connections.update(outcome.connections)
        self.handlers.update(outcome.handlers)
        self.matched.update(outcome.matched)
        for line in outcome.witnessed:
            self.witnesses.setdefault(line, (index, outcome.schedule))
        if outcome.errors:
            self.with_errors += 1
            if self.first_error is None:
                self.first_error = outcome.first_error
        if outcome.limit is not None:
            self.limited += 1
        if not outcome.failures:
            return False
        if any(found.digest == outcome.digest for found in self.failures):
            return False  # one counterexample per distinct failing poset
        self.failures.append(FailureFound(index, outcome.digest, outcome.failures))
        return True


@dataclass(frozen=True)
class Budget:
    """How much a shard may do: at most ``schedules`` complete schedules (the search's
    bound), and at most ``runs`` runs before it hands the rest back (None: no bound)."""

    schedules: int | None = None
    runs: int | None = None


class _Node:
    """A choice point of the current path: its choices' keys, what sleeps there, the
    choices explored, the one being explored and its footprint."""

    __slots__ = ("current", "done", "keys", "sleep", "touched")

    def __init__(self, keys: list[Key], sleep: dict[Key, Footprint], done: list[Any]) -> None:
        self.keys = keys
        self.sleep = sleep
        self.done: list[tuple[Key, Footprint]] = done
        self.current = -1
        self.touched: Footprint = frozenset()

    def next_from(self, start: int) -> int | None:
        """The first position from ``start`` whose choice is not asleep."""
        for position in range(start, len(self.keys)):
            if self.keys[position] not in self.sleep:
                return position
        return None


def independent(first: Footprint, second: Footprint) -> bool:
    """True when two steps with these footprints commute (see the module docstring)."""
    if CLOCK in first or CLOCK in second:
        return False
    return first.isdisjoint(second)


class DepthFirst:
    """The chooser of a systematic shard, kept across its schedules: call
    :meth:`begin` before each, :meth:`advance` after it."""

    def __init__(self, shard: Shard, prune: bool) -> None:
        self.shard = shard
        self.prune = prune
        self.stack: list[_Node] = []
        self.begin()

    def begin(self) -> None:
        """Start a schedule: follow the shard's path, then the current one."""
        self._depth = 0
        self._below = False
        self._awaiting: _Node | None = None
        self._sleep: dict[Key, Footprint] = {}

    def pick(self, options: Options) -> int | None:
        """See :class:`pyrapide.exploration.runner.Chooser`."""
        keys = options.keys
        if len(keys) < 2:
            if self._below and keys[0] in self._sleep:
                return None  # the only step sleeps: an order explored already
            return 0
        depth = self._depth
        self._depth += 1
        path = self.shard.path
        if depth < len(path):
            position, key = path[depth]
            if position >= len(keys) or keys[position] != key:
                raise _diverged(key, keys)
            return position
        level = depth - len(path)
        if level < len(self.stack):
            node = self.stack[level]
            if node.keys != keys:
                raise _diverged(node.keys[node.current], keys, node.keys)
        else:
            if level == 0:
                node = _Node(keys, dict(self.shard.sleep), list(self.shard.done))
                start = self.shard.start
            else:
                node = _Node(keys, dict(self._sleep), [])
                start = 0
            first = node.next_from(start)
            if first is None:
                return None  # every choice here sleeps
            node.current = first
            self.stack.append(node)
        self._awaiting = node
        self._below = True
        return node.current

    def took(self, footprint: Footprint) -> None:
        """See :class:`pyrapide.exploration.runner.Chooser`."""
        if not self._below:
            return
        node = self._awaiting
        if node is not None:
            node.touched = footprint
            self._awaiting = None
            sleeping = {**node.sleep, **dict(node.done)} if self.prune else {}
        else:
            sleeping = self._sleep
        if sleeping:
            sleeping = {k: f for k, f in sleeping.items() if independent(f, footprint)}
        self._sleep = sleeping

    def advance(self) -> bool:
        """Move to the next schedule of the shard; False when there is none."""
        stack = self.stack
        while stack:
            node = stack[-1]
            node.done.append((node.keys[node.current], node.touched))
            following = node.next_from(node.current + 1)
            if following is not None:
                node.current = following
                return True
            stack.pop()
        return False

    def remaining(self) -> list[Shard]:
        """What is left of the shard once :meth:`advance` moved on, as shards in the
        canonical order (the deepest choice point's alternatives come first)."""
        paths = []
        prefix = list(self.shard.path)
        for node in self.stack:
            paths.append(tuple(prefix))
            prefix.append((node.current, node.keys[node.current]))
        found = []
        deepest = len(self.stack) - 1
        for level in range(deepest, -1, -1):
            node = self.stack[level]
            done = list(node.done)
            start = node.current
            if level != deepest:
                # Its current choice goes on in the shards below; the rest are new.
                done.append((node.keys[node.current], node.touched))
                following = node.next_from(node.current + 1)
                if following is None:
                    continue
                start = following
            found.append(Shard(paths[level], start, tuple(node.sleep.items()), tuple(done)))
        return found


class RandomWalk:
    """The chooser of one random schedule: a uniform choice at each choice point, drawn
    from a generator of its own for ``seed``.

    The system it walks is seeded with ``seed`` too, and its scheduler draws its own
    choice (the first of the options) from ``random.Random(seed)``. Drawn from that
    same sequence, the walk's index would follow the system's: among three deliveries
    ready, the first one taken would never be the last by id, and some behaviours could
    never be walked. Its own generator keeps the two apart."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(f"random walk {seed}")

    def pick(self, options: Options) -> int | None:
        """See :class:`pyrapide.exploration.runner.Chooser`."""
        count = len(options.choices)
        return 0 if count < 2 else self._random.randrange(count)

    def took(self, footprint: Footprint) -> None:
        """Nothing to remember."""


async def run_shard(
    runner: ScheduleRunner,
    shard: Shard,
    *,
    prune: bool,
    all_failures: bool,
    budget: Budget,
    should_stop: Callable[[], bool] = lambda: False,
    on_schedule: Callable[[ScheduleOutcome], None] | None = None,
) -> ShardResult:
    """Run ``shard`` on ``runner``; see :class:`ShardResult`.

    It stops at its first failure unless ``all_failures``, when ``budget`` is spent
    (handing the rest back in ``remaining``), or when ``should_stop()`` says so (checked
    between schedules; the rest is handed back too). ``on_schedule`` hears each
    schedule as it ends (one the sleep sets abandoned included: its ``blocked`` says so).
    """
    result = ShardResult(shard)
    if shard.seeds is not None:
        await _run_seeds(runner, shard, result, all_failures, budget, should_stop, on_schedule)
        return result
    chooser = DepthFirst(shard, prune)
    runs = 0
    while True:
        chooser.begin()
        outcome = await runner.play(chooser)
        runs += 1
        if on_schedule is not None:
            on_schedule(outcome)
        if outcome.blocked:
            result.pruned += 1
            result.pruned_since += 1
        elif result.add(outcome) and not all_failures:
            result.stopped = "failure"
            return result
        if not chooser.advance():
            return result
        if budget.schedules is not None and result.schedules >= budget.schedules:
            result.stopped = "budget"
            return result
        if (budget.runs is not None and runs >= budget.runs) or should_stop():
            result.remaining = chooser.remaining()
            return result


async def _run_seeds(
    runner: ScheduleRunner,
    shard: Shard,
    result: ShardResult,
    all_failures: bool,
    budget: Budget,
    should_stop: Callable[[], bool],
    on_schedule: Callable[[ScheduleOutcome], None] | None,
) -> None:
    assert shard.seeds is not None
    first, last = shard.seeds
    for seed in range(first, last + 1):
        outcome = await runner.play(RandomWalk(seed), seed=seed)
        if on_schedule is not None:
            on_schedule(outcome)
        if result.add(outcome) and not all_failures:
            result.stopped = "failure"
            return
        if seed == last:
            return
        if budget.schedules is not None and result.schedules >= budget.schedules:
            result.stopped = "budget"
            return
        if (budget.runs is not None and result.schedules >= budget.runs) or should_stop():
            result.remaining = [Shard(seeds=(seed + 1, last))]
            return


def _diverged(expected: Key, found: list[Key], before: list[Key] | None = None) -> ExplorationError:
    """The error of a replay that met other choices than the schedule it replays:
    ``expected`` was to be taken among ``found``; or ``before`` were the choices
    there the first time."""
    if before is None or expected not in found:
        went = (
            f"{_key_text(expected)} was expected among the choices, which were "
            f"{_keys_text(found)}"
        )
    else:
        went = f"the choices were {_keys_text(before)} the first time, {_keys_text(found)} now"
    return ExplorationError(
        f"a schedule replayed from the start went another way: {went}. The architecture "
        "is not deterministic: does a handler read the wall clock, await something outside "
        "(an asyncio future, asyncio.sleep: real time says when it is done), draw random "
        "numbers, or keep state in a global or a class attribute from one schedule to the next?"
    )


def _keys_text(keys: list[Key]) -> str:
    return ", ".join(_key_text(key) for key in keys[:8]) + (", ..." if len(keys) > 8 else "")


def _key_text(key: Key) -> str:
    target, resumes = key
    text = f"#{target}" if isinstance(target, int) else str(target)
    return f"the wake-up of {text}" if resumes else text

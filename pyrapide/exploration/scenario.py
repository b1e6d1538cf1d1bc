"""A scenario to explore: what is injected, where the system runs, and what must hold.

A scenario is what a script of the command language says, read as a test: its
injections set it up, each ``run`` is a stretch where the system runs until quiet and
an explorer chooses the order of the steps, and its ``expect`` lines are properties
checked where they stand, in every schedule. ``sometimes`` turns an expectation into
one that must hold in at least one schedule. The architecture's constraints are
checked in every schedule too, when the scenario ends (``expect constraints`` checks
them at a point of one's choosing).

Patterns are kept as text, so that a scenario travels to other processes as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyrapide.patterns import Pattern, parse_pattern


@dataclass(frozen=True)
class Inject:
    """Record ``name`` with ``payload`` from outside (``inject``), at script line ``line``."""

    line: int
    name: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """Let the system run until nothing is pending or in flight (``run``): the explorer
    chooses every step where more than one could be taken."""

    line: int


@dataclass(frozen=True)
class Expect:
    """``expect PATTERN [count=N | none] [sometimes]``, at script line ``line``.

    Holds when the pattern has at least one match, exactly ``count``, or none
    (``none``) in what was recorded so far. A plain expectation must hold in every
    schedule; with ``sometimes``, in at least one. ``text`` is the line as written.
    With ``errors`` (``expect errors none``), what is counted is the errors the
    architecture's code raised so far (its handlers and hooks, its constraints' guards
    and checks: a System's ``errors``), and ``pattern`` is the word ``errors``.
    """

    line: int
    pattern: str
    text: str
    count: int | None = None
    none: bool = False
    sometimes: bool = False
    errors: bool = False

    def parsed(self) -> Pattern:
        """The pattern (its text parsed); ValueError for ``expect errors``, which has none."""
        if self.errors:
            raise ValueError(f"line {self.line}: `{self.text}` counts errors, not matches")
        return parse_pattern(self.pattern)

    def judge(self, seen: int) -> bool:
        """Whether ``seen`` matches (or errors) meet the expectation."""
        if self.none:
            return seen == 0
        if self.count is not None:
            return seen == self.count
        return seen >= 1

    @property
    def expected(self) -> str:
        """What is expected, in words: ``at least 1 match``, ``exactly 2 matches``, ``no
        error``."""
        one, many = ("error", "errors") if self.errors else ("match", "matches")
        if self.none:
            return f"no {one}"
        if self.count is not None:
            return f"exactly {self.count} {one if self.count == 1 else many}"
        return f"at least 1 {one}"


@dataclass(frozen=True)
class ExpectConstraints:
    """``expect constraints``: no constraint of the architecture is violated so far, and
    none would stand if the run ended here (an unmet ``must_match``, say)."""

    line: int
    text: str = "expect constraints"


@dataclass(frozen=True)
class Watch:
    """``watch PATTERN``: a pattern whose matches the coverage counts, at the end."""

    line: int
    pattern: str

    def parsed(self) -> Pattern:
        """The pattern (its text parsed)."""
        return parse_pattern(self.pattern)


Step = Inject | Run | Expect | ExpectConstraints | Watch


@dataclass(frozen=True)
class Scenario:
    """The steps of a scenario, in order, and the ``seed`` its systems are built with.

    ``name`` says where it came from (a script's path), for messages.
    """

    steps: tuple[Step, ...]
    seed: int = 0
    name: str = ""

    @property
    def expectations(self) -> tuple[Expect, ...]:
        """The ``expect`` steps, in order (``expect constraints`` aside)."""
        return tuple(step for step in self.steps if isinstance(step, Expect))

    @property
    def patterns(self) -> tuple[Expect | Watch, ...]:
        """The ``expect`` and ``watch`` steps that have a pattern, in order."""
        return tuple(
            step
            for step in self.steps
            if isinstance(step, Watch) or (isinstance(step, Expect) and not step.errors)
        )

    @property
    def watches(self) -> tuple[Watch, ...]:
        """The ``watch`` steps, in order."""
        return tuple(step for step in self.steps if isinstance(step, Watch))

    @property
    def runs(self) -> int:
        """How many ``run`` stretches it has."""
        return sum(1 for step in self.steps if isinstance(step, Run))

    def without(self, indexes: set[int]) -> Scenario:
        """The scenario with the steps at ``indexes`` left out."""
        kept = tuple(step for index, step in enumerate(self.steps) if index not in indexes)
        return Scenario(kept, self.seed, self.name)

"""What an exploration found: behaviours, failures shrunk, coverage, and how far it went."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyrapide.exploration.options import ExploreOptions
from pyrapide.exploration.scenario import Expect, Scenario
from pyrapide.exploration.schedule import Failure, Schedule
from pyrapide.exploration.shrink import ShrinkEnd


@dataclass(frozen=True)
class Progress:
    """How an exploration stands, as its progress callback hears it: ``schedules`` run,
    ``distinct`` posets among them, ``failures`` found (distinct failing posets),
    ``pruned`` runs abandoned by the sleep sets, ``elapsed`` seconds, and ``phase``
    ("exploring", then "shrinking" while counterexamples are shrunk)."""

    schedules: int
    distinct: int
    failures: int
    pruned: int
    elapsed: float
    phase: str = "exploring"

    @property
    def rate(self) -> float:
        """Schedules per second so far."""
        return self.schedules / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True)
class Counterexample:
    """One failing behaviour: the failure as found (``found``, in schedule number
    ``number`` of the canonical order, counted from 1) and shrunk (``shrunk``, which
    fails the same property in ``scenario``, the exploration's scenario less the
    injections shrinking took away); ``digest`` is the poset of the schedule found
    (what tells failing behaviours apart); ``shrink_runs`` the replays shrinking took,
    ``shrink_end`` how it ended (cut short, ``shrunk`` may not be the smallest)."""

    found: Failure
    shrunk: Failure
    scenario: Scenario
    number: int
    digest: str
    shrink_runs: int = 0
    shrink_end: ShrinkEnd = ShrinkEnd.DONE


@dataclass(frozen=True)
class Sometimes:
    """A ``sometimes`` expectation and the first schedule where it held (its
    ``number`` in the canonical order and the ``schedule``), or None when none did."""

    expect: Expect
    number: int | None = None
    schedule: Schedule | None = None

    @property
    def held(self) -> bool:
        """True when some schedule explored met it."""
        return self.number is not None


@dataclass(frozen=True)
class CoverageLine:
    """One row of the coverage: what (``name``; for a pattern, the script ``line`` it is
    on), and in how many schedules it was delivered, ran or matched (``schedules``)."""

    name: str
    schedules: int
    line: int | None = None


@dataclass(frozen=True)
class Coverage:
    """In how many schedules each connection delivered, each handler ran, and each
    ``expect`` or ``watch`` pattern matched (those never reached included, with 0)."""

    connections: tuple[CoverageLine, ...] = ()
    handlers: tuple[CoverageLine, ...] = ()
    patterns: tuple[CoverageLine, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            part: [
                {"name": row.name, "schedules": row.schedules}
                | ({} if row.line is None else {"line": row.line})
                for row in lines
            ]
            for part, lines in (
                ("connections", self.connections),
                ("handlers", self.handlers),
                ("patterns", self.patterns),
            )
        }


@dataclass(frozen=True)
class ExplorationResult:
    """The answer of an exploration, the same whatever ran it (one process, workers or
    a cluster).

    ``schedules`` complete schedules in the canonical order up to where it stopped,
    ``distinct`` posets among them, ``pruned`` runs the sleep sets abandoned, ``ended``
    why it stopped: "exhausted" (every schedule that matters was run, or every seed),
    "failure" (at the first failure), "bound" (``max_schedules``), "interrupted" (by
    hand: then the counts are of what ran); ``counterexamples`` one per distinct
    failing poset kept (the first only, unless ``all_failures``; at most
    ``max_failures``), ``failing`` how many failing posets the search found (kept or
    not), ``sometimes`` the
    ``sometimes`` expectations and their witnesses, ``coverage``, ``with_errors``
    schedules in which a handler raised (``first_error`` the first), ``limited``
    schedules a bound of the System stopped, ``elapsed`` seconds of wall time.
    """

    options: ExploreOptions
    schedules: int
    distinct: int
    pruned: int = 0
    ended: str = "exhausted"
    counterexamples: tuple[Counterexample, ...] = ()
    sometimes: tuple[Sometimes, ...] = ()
    coverage: Coverage = field(default_factory=Coverage)
    with_errors: int = 0
    first_error: str | None = None
    limited: int = 0
    elapsed: float = 0.0
    failing: int = 0

    @property
    def exhausted(self) -> bool:
        """True when the systematic search ran every schedule that matters."""
        return self.ended == "exhausted" and self.options.strategy == "dfs"

    @property
    def failures_not_kept(self) -> int:
        """How many failing posets found have no counterexample (``max_failures``)."""
        return max(0, self.failing - len(self.counterexamples))

    @property
    def interrupted(self) -> bool:
        """True when it was stopped by hand."""
        return self.ended == "interrupted"

    @property
    def failed(self) -> bool:
        """True when a property failed: a counterexample was found, or a ``sometimes``
        expectation held in no schedule explored (and the exploration was not cut
        short by a failure or by hand, which leaves it undecided)."""
        return bool(self.counterexamples) or bool(self.unmet)

    @property
    def unmet(self) -> tuple[Sometimes, ...]:
        """The ``sometimes`` expectations no schedule met, once that is decided."""
        if self.ended in ("failure", "interrupted"):
            return ()
        return tuple(item for item in self.sometimes if not item.held)

    @property
    def rate(self) -> float:
        """Schedules per second."""
        return self.schedules / self.elapsed if self.elapsed > 0 else 0.0

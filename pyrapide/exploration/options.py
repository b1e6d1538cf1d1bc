"""How to explore: the strategy, its bounds, how time is treated, and what to keep."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pyrapide.patterns.join import MATCH_LIMIT

DEFAULT_MAX_STEPS = 10_000
"""Steps one ``run`` of a schedule may take before it counts as not going quiet."""

DEFAULT_MAX_MATCHES = MATCH_LIMIT
"""The most matches of joined parts an ``expect`` or ``watch`` of a schedule makes (see
:data:`~pyrapide.patterns.MATCH_LIMIT`), as the workbench's own do."""


class Strategy(StrEnum):
    """How schedules are chosen."""

    DFS = "dfs"
    """Systematic: every choice at every choice point, depth first, the seed's own
    choice first (so the first schedule is the plain run)."""
    RANDOM = "random"
    """One random walk per seed: at each choice point, a choice drawn from the seed."""


class Timing(StrEnum):
    """What a sleep (``ctx.sleep``) promises about the order of steps."""

    FREE = "free"
    """A sleep lasts an unknown while: a sleeper's wake-up may come before or after any
    other step (as ``step #ID`` may choose it in the workbench). The clock moves to the
    wake-up's time when it is taken."""
    LOGICAL = "logical"
    """Sleeps end in the order of logical time: wake-ups come after everything that can
    run at the current instant, earliest first; only wake-ups due at the same instant
    are choices among themselves."""


@dataclass(frozen=True)
class ExploreOptions:
    """The knobs of one exploration (every field has the command line's default).

    ``max_schedules`` bounds the schedules run (None: until the space is exhausted, or
    the seeds are used up); ``seeds`` is the inclusive range of seeds of the random
    strategy; ``prune`` lets the systematic search skip orders that cannot change the
    poset (see :mod:`pyrapide.exploration.search`); ``all_failures`` keeps exploring
    after a failure, keeping one counterexample per distinct failing poset;
    ``max_steps`` bounds each ``run`` of a schedule; ``shrink`` shrinks the
    counterexamples found. ``max_matches`` bounds the matching of each ``expect`` and
    ``watch``: past it, the exploration stops with an ExplorationError saying which line
    matches too many ways to follow. ``max_failures`` bounds the counterexamples kept with
    ``all_failures``: those of the first ``max_failures`` failing posets in the search's
    order are shrunk and kept (None: every one); the search goes on all the same, and
    :attr:`ExplorationResult.failing` counts every failing poset it found.
    """

    strategy: Strategy = Strategy.DFS
    max_schedules: int | None = None
    seeds: tuple[int, int] = (0, 99)
    prune: bool = True
    timing: Timing = Timing.FREE
    all_failures: bool = False
    max_steps: int = DEFAULT_MAX_STEPS
    shrink: bool = True
    max_failures: int | None = None
    max_matches: int = DEFAULT_MAX_MATCHES

    def __post_init__(self) -> None:
        # "random" given as text is Strategy.RANDOM: the search tests members by identity.
        object.__setattr__(self, "strategy", _member(Strategy, self.strategy, "strategy"))
        object.__setattr__(self, "timing", _member(Timing, self.timing, "timing"))
        if isinstance(self.seeds, list):
            object.__setattr__(self, "seeds", tuple(self.seeds))
        if not (
            isinstance(self.seeds, tuple)
            and len(self.seeds) == 2
            and all(isinstance(seed, int) and not isinstance(seed, bool) for seed in self.seeds)
        ):
            raise ValueError(f"seeds must be a pair of integers (first, last), not {self.seeds!r}")
        for name in ("max_schedules", "max_steps", "max_failures", "max_matches"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{name} must be an integer, not {value!r}")
        if self.max_failures is not None and self.max_failures < 1:
            raise ValueError(f"max_failures must be at least 1, not {self.max_failures}")
        if self.max_schedules is not None and self.max_schedules < 1:
            raise ValueError(f"max_schedules must be at least 1, not {self.max_schedules}")
        first, last = self.seeds
        if last < first:
            raise ValueError(f"the seeds {first}..{last} are an empty range")
        if self.max_steps < 1:
            raise ValueError(f"max_steps must be at least 1, not {self.max_steps}")
        if self.max_matches < 1:
            raise ValueError(f"max_matches must be at least 1, not {self.max_matches}")


def _member(kind: type[StrEnum], value: Any, field: str) -> Any:
    """The member of ``kind`` that ``value`` (a member or its text) names; else ValueError."""
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(repr(member.value) for member in kind)
        raise ValueError(f"{field} must be one of {known}, not {value!r}") from None

"""Systems and scenarios for the explorer's tests: three notes delivered by ``agent``."""

from __future__ import annotations

from pyrapide.exploration import Expect, Inject, Run, Scenario
from pyrapide.runtime import System
from tests.shell.fixtures import deliveries


def quiet() -> System:
    """A stateless clerk: 6 orders, 1 poset."""
    return System(deliveries.Counter, {"desk": deliveries.Front, "clerk": deliveries.Stateless})


def ledger() -> System:
    """A clerk that emits the list of notes it has seen: 6 orders, 6 posets."""
    return System(deliveries.Counter, {"desk": deliveries.Front, "clerk": deliveries.Appender})


def capped() -> System:
    """The ledger's clerk on a System that records at most 5 events: three notes are
    more than that lets a run finish."""
    return System(
        deliveries.Counter, {"desk": deliveries.Front, "clerk": deliveries.Appender},
        max_events=5,
    )


def race() -> System:
    """A clerk that announces the first note it is handed."""
    return System(deliveries.Counter, {"desk": deliveries.Front, "clerk": deliveries.Firstcomer})


def apart() -> System:
    """Each note to a clerk of its own: every order records the same poset."""
    stateless = deliveries.Stateless
    return System(
        deliveries.Apart,
        {"desk": deliveries.Front, "first": stateless, "second": stateless, "third": stateless},
    )


def three_notes(*expects: Expect) -> Scenario:
    """Inject notes 1, 2 and 3, run, then check ``expects`` (on lines 5, 6, ...)."""
    injections = tuple(Inject(line, "Desk.note", {"n": line}) for line in (1, 2, 3))
    return Scenario((*injections, Run(4), *expects))


def expect(line: int, pattern: str, **options: object) -> Expect:
    """``expect PATTERN`` on script line ``line``."""
    text = " ".join(["expect", pattern, *(f"{k}={v}" for k, v in options.items())])
    return Expect(line, pattern, text, **options)  # type: ignore[arg-type]


def pair() -> System:
    """Memos to two clerks that keep them in order: a! * b! posets for a and b memos."""
    keeper = deliveries.Keeper
    return System(deliveries.Pair, {"desk": deliveries.Front, "left": keeper, "right": keeper})


def memos(to: list[int]) -> Scenario:
    """Inject one memo per entry of ``to`` (to clerk 0 or 1), then run."""
    injections = tuple(
        Inject(line, "Desk.memo", {"to": clerk, "n": line}) for line, clerk in enumerate(to, 1)
    )
    return Scenario((*injections, Run(len(to) + 1)))

"""``explore`` as the REPL and the TUI run it: what it says of an exploration stopped by
``explore stop`` (or before its workers are up), of the failing step ``explore open``
goes to, and as it ends."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from rapide_shell import notices
from rapide_shell.explorations import EXPLORE_PLUGIN, ExploreCommands, status_lines
from rapide_shell.render import WholeLine
from rapide_shell.session import Session

REPO = Path(__file__).resolve().parents[2]
BANK = REPO / "examples" / "lost_update.py"
DELIVERIES = REPO / "tests" / "shell" / "fixtures" / "deliveries.py"
THREE_NOTES = "inject Desk.note n=1\ninject Desk.note n=2\ninject Desk.note n=3\nrun\n"
# Five deposits: far more schedules than the test waits for.
DEPOSITS = "".join(
    f"inject Teller.deposit amount={amount} clears_in={clears}\n"
    for amount, clears in ((50, 0), (25, 1), (10, 2), (5, 0), (1, 1))
)


def texts(outcome) -> list[str]:
    return [item.plain for item in outcome.output]


@contextlib.asynccontextmanager
async def explore_session(
    file: Path = BANK, **load: Any
) -> AsyncIterator[tuple[Session, ExploreCommands]]:
    """A started session of the lost update (or of ``file``, loaded with ``load``) with
    the `explore` command, and its plugin."""
    session = Session.load(file, seed=0, **load)
    explorations = ExploreCommands()
    session.plugins.register(explorations, name=EXPLORE_PLUGIN)
    await session.start()
    try:
        yield session, explorations
    finally:
        await session.close()


async def explored(file: Path, scenario: Path) -> list[str]:
    """The answer of `explore` in a session of ``file`` once it has explored ``scenario``."""
    async with explore_session(file) as (session, explorations):
        assert (await session.execute(f"explore {scenario}")).ok
        await asyncio.wait_for(explorations.exploration.wait(), 60)
        return texts(await session.execute("explore"))


async def test_stopped_it_says_so_and_opens_a_failure_at_an_address_to_copy(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "deposits.rapide"
    scenario.write_text(DEPOSITS + "run\n")
    async with explore_session() as (session, explorations):
        started = await session.execute(f"explore {scenario} no-prune all-failures")
        assert started.ok, started.error
        exploration = explorations.exploration
        while exploration.running and not exploration.progress.failures:
            await asyncio.sleep(0.05)
        assert (await session.execute("explore stop")).ok
        await exploration.wait()
        verdict = texts(await session.execute("explore"))[0]
        # Nobody pressed Ctrl-C: the command stopped it.
        assert "; stopped (explore stop): the space was not exhausted" in verdict, verdict
        opened = await session.execute("explore open 1")
        assert opened.ok, opened.error
        address = opened.data["address"]
        # The address stands alone on a line drawn whole, as `where` draws it.
        whole = [item.plain for item in opened.output if isinstance(item, WholeLine)]
        assert whole == [address]
        assert "at failure 1's failing step: `expect constraints` fails here" in texts(opened)


async def test_a_scenario_that_saves_is_refused_by_its_line_before_exploring(
    tmp_path: Path,
) -> None:
    # Passed over, it would have left the user waiting for a file no schedule writes.
    scenario = tmp_path / "saving.rapide"
    scenario.write_text("inject Teller.deposit amount=50\nrun\nsave run.json\n")
    async with explore_session() as (session, explorations):
        refused = await session.execute(f"explore {scenario}")
        assert not refused.ok
        assert refused.error == (
            f"{scenario}:3: `save` writes a file of one run, and explore runs many schedules, "
            "so it would write none: play the counterexample explore writes (rapide run or "
            "rapide shell) and `save` there"
        )
        assert explorations.exploration is None


async def test_its_end_notice_finds_it_ended_with_its_answer(tmp_path: Path) -> None:
    # A front end prints the answer as the notice comes (the REPL between two lines of
    # a command): by then it must read as ended, with its verdict, not its progress.
    scenario = tmp_path / "one.rapide"
    scenario.write_text("inject Teller.deposit amount=50\nrun\nexpect Account.balance(value=50)\n")
    async with explore_session() as (session, explorations):
        seen: list[tuple[bool, str]] = []

        def ended(notice: notices.ExplorationChanged) -> None:
            if notice.ended:
                exploration = explorations.exploration
                seen.append((exploration.running, status_lines(exploration)[0].plain))

        session.subscribe(ended, (notices.ExplorationChanged,))
        assert (await session.execute(f"explore {scenario}")).ok
        await explorations.exploration.wait()
        assert seen == [(False, "1 schedule run, 1 distinct poset; the space was exhausted")]


async def test_stopped_before_its_workers_are_up_it_stops_all_the_same(tmp_path: Path) -> None:
    scenario = tmp_path / "deposits.rapide"
    scenario.write_text(DEPOSITS + "run\n")
    async with explore_session() as (session, explorations):
        assert (await session.execute(f"explore {scenario}")).ok
        exploration = explorations.exploration
        assert exploration.stop("Ctrl-C")  # at once: its worker process is not up yet
        await asyncio.wait_for(exploration.wait(), 30)
        verdict = status_lines(exploration)[0].plain
        assert "; stopped (Ctrl-C): the space was not exhausted" in verdict, verdict


async def test_failures_sharing_a_file_that_cannot_be_written_say_so_once(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "first.rapide"
    scenario.write_text(THREE_NOTES + "expect Clerk.first(n=1)\n")
    (tmp_path / "first.counterexample.rapide").mkdir()  # where the file would go
    async with explore_session(DELIVERIES, arch="race") as (session, explorations):
        assert (await session.execute(f"explore {scenario} all-failures")).ok
        exploration = explorations.exploration
        await exploration.wait()
    assert exploration.result is not None and len(exploration.result.counterexamples) == 2
    assert exploration.written == []
    (problem,) = exploration.problems
    assert problem.startswith(f"cannot write {tmp_path / 'first.counterexample.rapide'}")


def test_its_workers_pool_has_shut_down_once_the_event_loop_has(tmp_path: Path) -> None:
    # The pool was shut down without waiting: its manager thread could still be closing
    # its pipes as the interpreter exited, racing concurrent.futures' own exit hook
    # (Python 3.11 then printed an OSError "Bad file descriptor" after the REPL's last line).
    scenario = tmp_path / "notes.rapide"
    scenario.write_text(THREE_NOTES + "expect Clerk.first(n=1)\n")  # fails at once

    async def explore() -> None:
        async with explore_session(DELIVERIES, arch="race") as (session, explorations):
            assert (await session.execute(f"explore {scenario} workers=2")).ok
            await asyncio.wait_for(explorations.exploration.wait(), 60)
            assert explorations.exploration.result.failed

    asyncio.run(explore())
    managers = [t for t in threading.enumerate() if type(t).__name__ == "_ExecutorManagerThread"]
    assert managers == []


async def test_its_answer_says_a_handler_raised_in_a_schedule_as_the_report_does(
    tmp_path: Path,
) -> None:
    # A handler raising is no failed property, but the answer must not hide it behind "ok".
    file = tmp_path / "moody.py"
    file.write_text(
        "from pyrapide import Pattern, action, agent, architecture, interface, module, when\n"
        "@interface\n"
        "class Desk:\n"
        "    @action\n"
        "    async def note(self, n: int) -> None: ...\n"
        "@module(implements=Desk)\n"
        "class Front:\n"
        "    pass\n"
        "@module(implements=Desk)\n"
        "class Moody:\n"
        "    @when(Pattern.match('Desk.note'))\n"
        "    async def on_note(self, match):\n"
        "        raise ValueError('not today')\n"
        "@architecture\n"
        "class Office:\n"
        "    front = Desk\n"
        "    back = Desk\n"
        "    connections = [agent(Pattern.match('Desk.note', source='env'), target='back')]\n"
        "system = Office.bind(front=Front, back=Moody)\n"
    )
    scenario = tmp_path / "one.rapide"
    scenario.write_text("inject Desk.note n=1\nrun\n")
    answer = await explored(file, scenario)
    assert answer[1].startswith(
        "a handler raised in 1 schedule; the first: back: ValueError: not today"
    ), answer
    assert answer[-1] == "nothing checked: no expect, and no constraint declared"


async def test_a_pattern_that_may_never_match_is_noted_as_the_exploration_starts(
    tmp_path: Path,
) -> None:
    # As `rapide explore` notes it, and `rapide run` under the line: a misspelt
    # `expect ... none` would hold in every schedule without a word.
    scenario = tmp_path / "typo.rapide"
    scenario.write_text("inject Teller.deposit amount=50\nrun\nexpect Acount.balance none\n")
    async with explore_session() as (session, explorations):
        started = await session.execute(f"explore {scenario}")
        assert started.ok, started.error
        assert texts(started)[1:] == [
            f"{scenario}:3: note: no interface declares 'Acount.balance', so it may never "
            "match; did you mean 'Account.balance' or 'Account.update'?"
        ]
        await explorations.exploration.wait()


async def test_expect_errors_none_makes_a_handlers_error_a_failure_in_the_workbench(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "race.rapide"
    scenario.write_text(
        "inject Client.order id=1\ninject Client.cancel id=1\nrun\nexpect errors none\n"
    )
    answer = await explored(REPO / "tests" / "shell" / "fixtures" / "orders.py", scenario)
    assert answer[1].startswith(
        "failure 1: errors: expected no error, saw 1 error (the first: shop: KeyError: 1)"
    ), answer
    assert answer[-1] == "a handler raised in 1 schedule; the first: shop: KeyError: 1"

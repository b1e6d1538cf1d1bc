"""A recorded session replays its watches, breakpoints and expectations in the order
they were typed, wherever in the history they were typed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rapide_shell.recording import Recorder
from tests.shell.cli_process import run_rapide
from tests.shell.sessions import started

FIXTURES = Path(__file__).parent / "fixtures"
SHOP = FIXTURES / "shop.py"
OBSERVING = ("watch", "unwatch", "break", "unbreak", "expect", "matches")
"""The commands whose results a replay must show as the session did."""

Said = tuple[str, Any]
"""A command line and what it came to (its outcome's data)."""


async def session_saying(record: Path, lines: list[str]) -> list[Said]:
    """Type ``lines`` in a session on the shop recorded to ``record``, then ``matches``;
    what each observing command came to, in the order typed."""
    said: list[Said] = []
    async with started(SHOP, seed=0, recorder=Recorder(record, source=SHOP)) as session:
        for line in [*lines, "matches"]:
            outcome = await session.execute(line)
            assert outcome.ok, f"{line}: {outcome.error}"
            if line.split()[0] in OBSERVING:
                said.append((line, outcome.data))
    return said


def replay_saying(record: Path) -> tuple[int, list[Said]]:
    """Replay ``record`` with ``rapide run`` (then ``matches``): its exit status, and what
    each observing command came to, in the order it ran them."""
    script = record.with_name("replay.rapide")
    script.write_text(record.read_text() + "matches\n")
    result = run_rapide("run", SHOP, "--script", script, "--json")
    report = json.loads(result.stdout)
    return result.returncode, [
        (command["command"], command["result"])
        for command in report["commands"]
        if command["command"].split()[0] in OBSERVING
    ]


def recorded_lines(record: Path) -> list[str]:
    """The lines of the script ``record``, its header left out."""
    return [line for line in record.read_text().splitlines() if not line.startswith("#")]


APPLE = 'inject Web.order {"item": "apple"}'
"""An order, typed as a recording writes it."""


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        pytest.param(
            [APPLE, "run", "watch Store.reserved", "expect Store.reserved count=1",
             "watch Ledger.entry"],
            0,
            id="a watch typed before an expect at the last point",
        ),
        pytest.param(
            ["expect Web.order none", "watch Web.order", "expect Store.reserved none", APPLE,
             "run"],
            0,
            id="a watch typed before any decision",
        ),
        pytest.param(
            ["break Store.reserved", APPLE, "run", "expect Ledger.entry none", "unbreak 1",
             "break Ledger.entry", "expect Store.reserved count=1"],
            0,
            id="breakpoints set and removed after the last decision",
        ),
        pytest.param(
            # The ids follow the order too: the second watch is 2 after the first is added.
            ["watch Store.reserved", APPLE, "run", "expect Mailer.sent", "unwatch 1",
             "expect Store.reserved count=1", "watch Mailer.sent", "expect Ledger.entry count=2"],
            1,
            id="a watch removed after the last decision, a failed expect",
        ),
    ],
)
async def test_a_session_without_time_travel_is_recorded_as_it_was_typed(
    tmp_path: Path, typed: list[str], status: int
) -> None:
    record = tmp_path / "session.rapide"
    said = await session_saying(record, typed)
    assert recorded_lines(record) == ["seed 0", *typed]
    assert replay_saying(record) == (status, said)


async def test_a_branch_keeps_the_watches_typed_on_the_steps_it_left(tmp_path: Path) -> None:
    # The watches typed on main stay in force on the new branch; the expectation checked
    # there goes with main's steps.
    record = tmp_path / "session.rapide"
    said = await session_saying(record, [
        APPLE,
        "run",
        "watch Web.order",
        "expect Ledger.entry",
        "back 3",
        "watch Mailer.sent",
        "inject Web.order item=pear",
        "run",
        "expect Web.order count=2",
        "watch Store.reserved",
        "unwatch 1",
        "expect Ledger.entry count=2",
    ])
    assert recorded_lines(record) == [
        "seed 0",
        APPLE,
        "watch Web.order",
        "watch Mailer.sent",
        'inject Web.order {"item": "pear"}',
        "run",
        "expect Web.order count=2",
        "watch Store.reserved",
        "unwatch 1",
        "expect Ledger.entry count=2",
    ]
    assert said[1][0] == "expect Ledger.entry"  # checked on main's steps: left out
    assert replay_saying(record) == (0, [said[0], *said[2:]])


async def test_a_breakpoint_typed_after_a_run_is_not_met_by_it_when_its_point_is_noted_again(
    tmp_path: Path,
) -> None:
    # Typed after the run, noted at a point before it: the breakpoint must still follow
    # the run, which it did not stop.
    record = tmp_path / "session.rapide"
    said = await session_saying(record, [
        APPLE,
        "run",
        "break Mailer.sent",
        "back 3",
        "expect Ledger.entry none",
        "forward 3",
        "expect Ledger.entry",
    ])
    assert recorded_lines(record) == [
        "seed 0", APPLE, "expect Ledger.entry none", "run",
        "break Mailer.sent", "expect Ledger.entry",
    ]
    # The same results, the breakpoint's after the first expect's: before the run.
    status, replayed = replay_saying(record)
    assert status == 0
    assert replayed == [said[1], said[0], *said[2:]]


async def test_a_computation_loaded_at_the_start_and_gone_on_from_is_left_out(
    tmp_path: Path,
) -> None:
    saved = tmp_path / "apple.json"
    first = run_rapide("run", SHOP, "--script", "-",
                       stdin=f"inject Web.order item=apple\nrun\nsave {saved}\n")
    assert first.returncode == 0, first.stderr
    record = tmp_path / "session.rapide"
    said = await session_saying(record, [
        "inject Web.order item=pear",
        "back 1",
        f"load {saved}",
        "expect Web.order(item=\"apple\")",
        "forward 1",
        "run",
        "expect Web.order(item=\"apple\") none",
    ])
    # The loaded computation, and what was checked in it, are no step of the run.
    assert recorded_lines(record) == [
        "seed 0", 'inject Web.order {"item": "pear"}', "run",
        'expect Web.order(item="apple") none',
    ]
    assert replay_saying(record) == (0, said[1:])


async def test_what_was_checked_in_a_loaded_computation_is_left_out_once_the_run_is_back(
    tmp_path: Path,
) -> None:
    # Gone back to the live run at the same point and checked there: the replay must
    # check the run, not the file.
    saved = tmp_path / "apple.json"
    first = run_rapide("run", SHOP, "--script", "-",
                       stdin=f"{APPLE}\nrun\nsave {saved}\n")
    assert first.returncode == 0, first.stderr
    record = tmp_path / "session.rapide"
    said = await session_saying(record, [
        'inject Web.order {"item": "pear"}',
        f"load {saved}",
        "expect Web.order(item=\"apple\")",
        "back 1",
        "forward 1",
        "expect Web.order(item=\"pear\")",
        f"load {saved}",
        "expect Store.reserved",
    ])
    assert recorded_lines(record) == [
        "seed 0", 'inject Web.order {"item": "pear"}', 'expect Web.order(item="pear")',
        f"load {saved}", "expect Store.reserved",
    ]
    assert replay_saying(record) == (0, said[1:])


async def test_a_computation_loaded_and_left_by_going_back_and_forth_is_left_out(
    tmp_path: Path,
) -> None:
    # Back on the live run at the point the file was loaded at, with nothing checked
    # there since: the replay must end on the run, not on the file.
    saved = tmp_path / "apple.json"
    first = run_rapide("run", SHOP, "--script", "-",
                       stdin=f"{APPLE}\nrun\nsave {saved}\n")
    assert first.returncode == 0, first.stderr
    record = tmp_path / "session.rapide"
    await session_saying(record, [
        'inject Web.order {"item": "pear"}',
        f"load {saved}",
        "expect Web.order(item=\"apple\")",
        "back 1",
        "forward 1",
    ])
    assert recorded_lines(record) == ["seed 0", 'inject Web.order {"item": "pear"}']
    script = tmp_path / "then.rapide"
    script.write_text(record.read_text() + "run\nexpect Web.order(item=\"pear\")\n")
    again = run_rapide("run", SHOP, "--script", script)
    assert again.returncode == 0, again.stderr


async def test_a_computation_loaded_then_left_by_a_reset_and_gone_back_to_is_left_out(
    tmp_path: Path,
) -> None:
    # The reset left the file for the run; back at the point it was loaded at, the
    # session shows the run, and so must the replay. Forward again, the load stands
    # before the reset, as it was given.
    saved = tmp_path / "apple.json"
    first = run_rapide("run", SHOP, "--script", "-", stdin=f"{APPLE}\nrun\nsave {saved}\n")
    assert first.returncode == 0, first.stderr
    record = tmp_path / "session.rapide"
    await session_saying(record, [APPLE, f"load {saved}", "reset", "back"])
    assert recorded_lines(record) == ["seed 0", APPLE]
    await session_saying(record, [APPLE, f"load {saved}", "reset", "back", "forward"])
    assert recorded_lines(record) == ["seed 0", APPLE, f"load {saved}", "reset"]


async def test_a_breakpoint_set_at_a_branch_s_end_stays_after_its_run_when_switched_back_to(
    tmp_path: Path,
) -> None:
    # Switched to main (before the run), the break was the script's last line; switched
    # back, the run's steps were added after it, and the replay's run stopped at it.
    record = tmp_path / "session.rapide"
    await session_saying(record, [
        APPLE, APPLE, "fork x", "run", APPLE, "break Mailer.sent", "switch main", "switch x",
    ])
    assert recorded_lines(record) == ["seed 0", APPLE, APPLE, "run", APPLE, "break Mailer.sent"]

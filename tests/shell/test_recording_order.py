"""A recorded session replays its watches, breakpoints and expectations in the order
they were typed, wherever in the history they were typed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
    return [line for line in record.read_text().splitlines() if not line.startswith("#")]


async def test_a_watch_typed_before_an_expect_at_the_last_point_is_replayed_before_it(
    tmp_path: Path,
) -> None:
    record = tmp_path / "session.rapide"
    said = await session_saying(record, [
        "inject Web.order item=apple",
        "run",
        "watch Store.reserved",
        "expect Store.reserved count=1",
        "watch Ledger.entry",
    ])
    assert recorded_lines(record)[-3:] == [
        "watch Store.reserved", "expect Store.reserved count=1", "watch Ledger.entry",
    ]
    assert replay_saying(record) == (0, said)


async def test_a_watch_typed_before_any_decision_is_replayed_before_the_expect_after_it(
    tmp_path: Path,
) -> None:
    record = tmp_path / "session.rapide"
    said = await session_saying(record, [
        "expect Web.order none",
        "watch Web.order",
        "expect Store.reserved none",
        "inject Web.order item=apple",
        "run",
    ])
    assert recorded_lines(record)[1:4] == [
        "expect Web.order none", "watch Web.order", "expect Store.reserved none",
    ]
    assert replay_saying(record) == (0, said)


async def test_breakpoints_set_and_removed_after_the_last_decision_keep_their_place(
    tmp_path: Path,
) -> None:
    record = tmp_path / "session.rapide"
    said = await session_saying(record, [
        "break Store.reserved",
        "inject Web.order item=apple",
        "run",
        "expect Ledger.entry none",
        "unbreak 1",
        "break Ledger.entry",
        "expect Store.reserved count=1",
    ])
    assert recorded_lines(record)[-4:] == [
        "expect Ledger.entry none", "unbreak 1", "break Ledger.entry",
        "expect Store.reserved count=1",
    ]
    assert replay_saying(record) == (0, said)


async def test_a_watch_removed_after_the_last_decision_is_removed_where_it_was(
    tmp_path: Path,
) -> None:
    # The ids follow the order too: the second watch is 2 only after the first was added.
    record = tmp_path / "session.rapide"
    said = await session_saying(record, [
        "watch Store.reserved",
        "inject Web.order item=apple",
        "run",
        "expect Mailer.sent",
        "unwatch 1",
        "expect Store.reserved count=1",
        "watch Mailer.sent",
        "expect Ledger.entry count=2",
    ])
    assert replay_saying(record) == (1, said)
    assert said[-2][1]["held"] is False


async def test_a_branch_keeps_the_watches_typed_on_the_steps_it_left(tmp_path: Path) -> None:
    # The watches typed on main stay in force on the new branch; the expectation checked
    # there goes with main's steps.
    record = tmp_path / "session.rapide"
    said = await session_saying(record, [
        "inject Web.order item=apple",
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
        'inject Web.order {"item": "apple"}',
        "watch Web.order",
        "watch Mailer.sent",
        'inject Web.order {"item": "pear"}',
        "run",
        "expect Web.order count=2",
        "watch Store.reserved",
        "unwatch 1",
        "expect Ledger.entry count=2",
    ]
    left_behind = ("expect Ledger.entry", {"pattern": "Ledger.entry"})
    assert said[1][0] == left_behind[0]
    assert replay_saying(record) == (0, [said[0], *said[2:]])


async def test_a_breakpoint_typed_after_a_run_is_not_met_by_it_when_its_point_is_noted_again(
    tmp_path: Path,
) -> None:
    # Typed after the run, noted at a point before it: the breakpoint must still follow
    # the run, which it did not stop.
    record = tmp_path / "session.rapide"
    said = await session_saying(record, [
        "inject Web.order item=apple",
        "run",
        "break Mailer.sent",
        "back 3",
        "expect Ledger.entry none",
        "forward 3",
        "expect Ledger.entry",
    ])
    assert recorded_lines(record) == [
        "seed 0", 'inject Web.order {"item": "apple"}', "expect Ledger.entry none", "run",
        "break Mailer.sent", "expect Ledger.entry",
    ]
    status, replayed = replay_saying(record)
    assert status == 0
    assert sorted(replayed, key=str) == sorted(said, key=str)


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

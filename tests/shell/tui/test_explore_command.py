"""``explore`` in the workbench's command bar: in the background, its progress in the
status line, its failures listed, and ``explore open N`` going to one."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapide_shell.session import Session
from rapide_shell.tui.app import RapideApp
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from tests.shell.tui.conftest import SIZE, settle, type_command, wait_until

DELIVERIES = Path(__file__).resolve().parents[1] / "fixtures" / "deliveries.py"
THREE_NOTES = "inject Desk.note n=1\ninject Desk.note n=2\ninject Desk.note n=3\nrun\n"


def shown(app: RapideApp) -> str:
    """The output panel's text, blanks left out (its lines are wrapped at its width)."""
    return "".join("".join(line.text.split()) for line in app.main_screen.output.lines)


def says(app: RapideApp, text: str) -> bool:
    return "".join(text.split()) in shown(app)


def status(app: RapideApp) -> str:
    return str(app.query_one("#status").render())


@pytest.mark.slow
async def test_explore_runs_in_the_background_lists_failures_and_opens_one(tmp_path: Path):
    scenario = tmp_path / "first.rapide"
    scenario.write_text(THREE_NOTES + "expect Clerk.first(n=1)\n")
    app = RapideApp(Session.load(DELIVERIES, arch="race", seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, f"explore {scenario} all-failures")
        assert says(app, f"exploring {scenario} in the background on 1 worker process")
        # The command bar is free while it runs: a command of the session's own works.
        await type_command(pilot, "inject Desk.note n=7")
        assert [e.name for e in app.session.computation] == ["Desk.note"]
        await wait_until(pilot, lambda: "explored:" in status(app), timeout=60)
        assert "explored: 6 schedules, 3 posets, 2 failures" in status(app)
        assert says(app, "6 schedules run, 3 distinct posets; the space was exhausted")
        assert says(app, "failure 1: Clerk.first(n=1): expected at least 1 match, saw 0 matches")
        # The second failure shrinks to the first's script: it shares that file.
        assert says(app, "first.counterexample.rapide (as failure 1); `explore open 2` goes to it")
        assert not (tmp_path / "first.counterexample-2.rapide").exists()
        await type_command(pilot, "explore open 1")
        await settle(pilot)
        assert says(app, "at failure 1's failing step (r1-")
        assert [e.name for e in app.session.computation] == []  # seed 0, no injection left
        await type_command(pilot, "explore")
        assert says(app, "failure 2:")


@pytest.mark.slow
async def test_a_failure_selected_in_the_errors_panel_goes_to_its_failing_step(tmp_path: Path):
    scenario = tmp_path / "first.rapide"
    scenario.write_text(THREE_NOTES + "expect Clerk.first(n=1)\n")
    app = RapideApp(Session.load(DELIVERIES, arch="race", seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, f"explore {scenario}")
        await wait_until(pilot, lambda: "explored:" in status(app), timeout=60)
        await settle(pilot)
        # The way on is named as this command bar spells it, not as the command line.
        assert says(app, "stopped at the first failure (all-failures goes on)")
        panel = app.query_one(ErrorPanel)
        (listed,) = [p for p in panel.problems if p.kind == "explored"]
        assert listed.summary.startswith("failure 1: Clerk.first(n=1)")
        panel.focus()
        panel.highlighted = panel.get_option_index("problem:0")
        await pilot.press("enter")
        await settle(pilot)
        assert says(app, "at failure 1's failing step (r1-")


async def test_explore_says_what_is_wrong_in_one_line(tmp_path: Path):
    bad = tmp_path / "bad.rapide"
    bad.write_text("inject Desk.note n=1\nstep\n")
    app = RapideApp(Session.load(DELIVERIES, arch="race", seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "explore")
        assert says(app, "nothing explored yet: `explore SCRIPT` starts an exploration")
        await type_command(pilot, f"explore {bad}")
        assert says(app, f"{bad}:2: explore chooses every step itself")
        await type_command(pilot, f"explore {bad} workers=0")
        assert says(app, "workers= takes a whole number from 1, not '0'")
        await type_command(pilot, f"explore {bad} random 5..1")
        assert says(app, "random 5..1: the range is empty (1 comes before 5)")
        await type_command(pilot, f"explore {bad} fast")
        assert says(app, "unexpected 'fast': explore takes random A..B, max=N")
        await type_command(pilot, "explore open x")
        assert says(app, "explore open needs a failure's number")

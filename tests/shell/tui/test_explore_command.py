"""``explore`` in the workbench's command bar: in the background, its progress in the
status line, its failures listed, and ``explore open N`` going to one."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapide_shell.explorations import EXPLORE_PLUGIN
from rapide_shell.session import Session
from rapide_shell.tui.app import RapideApp
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from tests.shell.test_explore import most_workers
from tests.shell.tui.conftest import SIZE, settle, type_command, wait_until

DELIVERIES = Path(__file__).resolve().parents[1] / "fixtures" / "deliveries.py"
THREE_NOTES = "inject Desk.note n=1\ninject Desk.note n=2\ninject Desk.note n=3\nrun\n"


def race_app() -> RapideApp:
    """The workbench on the deliveries' race, seeded: the scenarios' architecture."""
    return RapideApp(Session.load(DELIVERIES, arch="race", seed=0))


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
    app = race_app()
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
        # Its file is named as `rapide explore` names it.
        assert says(app, "counterexample: ")
        assert says(app, "first.counterexample.rapide (2 failures shrink to it: 1 and 2); "
                         "`explore open 1` goes to it")
        assert says(app, "first.counterexample.rapide (as failure 1); `explore open 2` goes to it")
        assert not (tmp_path / "first.counterexample-2.rapide").exists()
        await type_command(pilot, "explore open 1")
        await settle(pilot)
        assert says(app, "at failure 1's failing step: ")
        # The three notes, and another served first: the failure, not a run without notes.
        events = list(app.session.computation)
        assert [e.name for e in events].count("Desk.note") == 3
        (first,) = [e for e in events if e.name == "Clerk.first"]
        assert first.payload["n"] != 1
        await type_command(pilot, "explore")
        assert says(app, "failure 2:")


@pytest.mark.slow
async def test_a_failure_selected_in_the_errors_panel_goes_to_its_failing_step(tmp_path: Path):
    scenario = tmp_path / "first.rapide"
    scenario.write_text(THREE_NOTES + "expect Clerk.first(n=1)\n")
    app = race_app()
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
        assert says(app, "at failure 1's failing step: ")


async def test_explore_says_what_is_wrong_in_one_line(tmp_path: Path):
    bad = tmp_path / "bad.rapide"
    bad.write_text("inject Desk.note n=1\nstep\n")
    app = race_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "explore")
        assert says(app, "nothing explored yet: `explore SCRIPT` starts an exploration")
        await type_command(pilot, f"explore {bad}")
        assert says(app, f"{bad}:2: explore chooses every step itself")
        await type_command(pilot, f"explore {bad} workers=0")
        assert says(app, "workers= takes a whole number from 1, not '0'")
        many = most_workers() + 1
        await type_command(pilot, f"explore {bad} workers={many}")
        assert says(app, f"workers={many}: at most {many - 1} here (4 for each of the ")
        await type_command(pilot, f"explore {bad} random 5..1")
        assert says(app, "random 5..1: the range is empty (1 comes before 5)")
        # Given twice, one of the values would be dropped unsaid.
        await type_command(pilot, f"explore {bad} max=2 max=3")
        assert says(app, "max= is given twice")
        await type_command(pilot, f"explore {bad} random 0..9 random 1..2")
        assert says(app, "random is given twice")
        await type_command(pilot, f"explore {bad} fast")
        assert says(app, "unexpected 'fast': explore takes random A..B, max=N")
        await type_command(pilot, "explore open x")
        assert says(app, "explore open needs a failure's number")


LOST_UPDATE = Path(__file__).resolve().parents[3] / "examples" / "lost_update.py"


async def explore(pilot, script: Path) -> None:
    """Explores ``script`` and waits until the end is drawn."""
    await type_command(pilot, f"explore {script}")
    exploration = pilot.app.session.plugins.get_plugin(EXPLORE_PLUGIN).exploration
    await wait_until(pilot, lambda: not exploration.running, timeout=60)
    await settle(pilot)
    assert "explored:" in status(pilot.app)


@pytest.mark.slow
async def test_the_failures_found_stay_listed_as_the_run_is_replaced(tmp_path: Path):
    example = tmp_path / "lost_update.py"
    example.write_text(LOST_UPDATE.read_text())
    scenario = tmp_path / "lost_update.rapide"
    scenario.write_text(LOST_UPDATE.with_suffix(".rapide").read_text())
    app = RapideApp(Session.load(example, seed=0))
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ErrorPanel)

        def listed() -> list[str]:
            return [problem.kind for problem in panel.problems]

        await explore(pilot, scenario)
        assert listed() == ["explored"] and "0 errors" in status(app)
        # Going to the failure replays it (a reset, then steps): the run's violation
        # is listed and counted, the failure stays listed, not counted.
        await type_command(pilot, "explore open 1")
        assert listed() == ["explored", "violation"]
        assert panel.run_problem_count == 1 and "1 error" in status(app)
        # Starting over, travelling in time and reloading replace the run, not the
        # exploration (whose failure `explore open 1` still goes to).
        for command, run in (("reset", []), ("back 1", ["violation"]), ("goto 2", []),
                             ("reload", [])):
            await type_command(pilot, command)
            assert listed() == ["explored", *run], command
            assert panel.run_problem_count == len(run), command
            assert f"{len(run)} error" in status(app), command
        # Chosen in the panel, the failure is gone to, and is still there after.
        panel.focus()
        panel.highlighted = panel.get_option_index("problem:0")
        await pilot.press("enter")
        await settle(pilot)
        assert says(app, "at failure 1's failing step")
        assert listed() == ["explored", "violation"] and panel.run_problem_count == 1
        # A new exploration replaces the failures: this one finds none.
        one = tmp_path / "one.rapide"
        one.write_text("inject Teller.deposit amount=50\nrun\nexpect Ledger.recorded count=1\n")
        await explore(pilot, one)
        assert listed() == ["violation"] and panel.run_problem_count == 1
        await type_command(pilot, "reset")
        assert listed() == [] and panel.border_title == "Errors"
        # And one that fails lists its own, once each.
        await explore(pilot, scenario)
        await explore(pilot, scenario)
        assert listed() == ["explored"]


async def test_a_scenario_with_a_screenshot_is_refused_by_its_line(tmp_path: Path):
    scenario = tmp_path / "pictured.rapide"
    scenario.write_text(THREE_NOTES + "screenshot run.svg\n")
    app = race_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, f"explore {scenario}")
        assert says(app, f"{scenario}:5: `screenshot` writes a file of one run")
        assert not says(app, "in the background")
    assert not (tmp_path / "run.svg").exists()

"""The History panel and the keys that go back and forth, driven as a user would."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest

from rapide_shell.address import Address
from rapide_shell.recording import Recorder
from rapide_shell.session import Session
from rapide_shell.tui.app import RapideApp
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.history_panel import HistoryPanel
from tests.shell.terminal import Terminal
from tests.shell.test_travel_stop import quicken, write_slow_replay
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command, wait_until

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
RAPIDE = Path(sys.executable).with_name("rapide")


def _drawn(app) -> dict[str, object]:
    """What the screen shows of the run: the graph (its counts), the event log, the status."""
    return {
        "graph": app.query_one(ConnectionGraph).picture.text(),
        "events": app.query_one(EventLog).event_count,
        "status": str(app.query_one("#status").render()),
    }


def _prompts(panel: HistoryPanel) -> list[str]:
    return [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]


async def test_back_and_forward_keys_redraw_the_state_of_each_step() -> None:
    app = make_app(EXAMPLES / "connection_kinds.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = {}
        for _ in range(6):
            await type_command(pilot, "step")
            seen[app.session.decisions.point.number] = _drawn(app)
        await type_command(pilot, "run")
        last = app.session.decisions.point.number
        seen[last] = _drawn(app)
        assert f"step {last} of main" in seen[last]["status"]
        await pilot.press("escape")  # out of the command bar: the keys are the screen's
        await pilot.press("f8")
        await settle(pilot)
        assert app.session.decisions.point.number == last - 1
        await pilot.press("f9")
        await settle(pilot)
        assert _drawn(app) == seen[last]
        await type_command(pilot, "goto 6")
        assert _drawn(app) == seen[6]
        await pilot.press("escape")
        await pilot.press("f8")
        await settle(pilot)
        assert _drawn(app) == seen[5]
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert _drawn(app) == seen[4]
        await pilot.press("greater_than_sign", "less_than_sign")
        await settle(pilot)
        panel = app.query_one(HistoryPanel)
        assert panel.border_title == f"History · step 4 of {last} on main"
        current = str(panel.get_option_at_index(panel.highlighted).prompt)
        assert current.startswith(">     4")


async def test_enter_on_a_step_goes_there_and_on_a_branch_switches() -> None:
    app = make_app(EXAMPLES / "connection_kinds.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_command(pilot, "step 3")
        await type_command(pilot, "back 2")
        assert app.session.system is not None
        pending = next(  # a step main did not take here: a new branch
            choice.target for choice in app.session.system.choices() if not choice.default
        )
        await type_command(pilot, f"step #{pending}")
        panel = app.query_one(HistoryPanel)
        prompts = _prompts(panel)
        assert prompts[0].startswith("  main  steps 0 to 3")
        assert prompts[1].rstrip() == "  * b2  from step 1 of main: 2"  # one step of its own
        assert "step 2 of b2" in str(app.query_one("#status").render())
        # Enter on step 1 of the list goes there.
        panel.focus()
        panel.highlighted = panel.get_option_index("step:1")
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.decisions.point.number == 1
        assert app.session.decisions.branch.name == "b2"
        # Enter on the main branch switches to its end, b2 kept.
        panel.highlighted = panel.get_option_index("branch:main")
        await pilot.press("enter")
        await settle(pilot)
        assert (app.session.decisions.branch.name, app.session.decisions.point.number) == (
            "main", 3)
        assert list(app.session.decisions.branches) == ["main", "b2"]
        assert panel.border_title == "History · step 3 (the last) of main"
        # The panel may cut a long address: `where` puts it in the clipboard whole.
        await type_command(pilot, "where")
        assert app.clipboard == app.session.decisions.address().to_text()


async def test_the_speed_keys_set_slow_motion_for_runs() -> None:
    app = make_app(EXAMPLES / "connection_kinds.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("left_square_bracket", "left_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert app.main_screen.every == 1.0
        assert "slow 1s" in str(app.query_one("#status").render())
        for _ in range(5):
            await pilot.press("right_square_bracket")
        assert app.main_screen.every is None
        await pilot.press("left_square_bracket")
        app.main_screen.every = 0.1  # quicker than a user would choose, for the test
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.session.decisions.point.number >= 2)
        assert app.session.running
        assert "running" in str(app.query_one("#status").render())
        await pilot.press("f6")
        await settle(pilot)
        assert not app.session.running
        assert app.session.paused_by_user
        assert app.session.decisions.point.number < 18
        shown = [line.text.rstrip() for line in app.main_screen.output.lines]
        said = [line for line in shown[shown.index("pausing after the current dispatch"):]
                if "paus" in line]
        assert said[0] == "pausing after the current dispatch"
        # Where it stopped depends on when the key was read (a step every 0.1 s): the
        # line says what is pending there.
        pending = app.session.pending_count
        assert len(said) == 2 and said[1].startswith(f"paused by you: {pending} pending")


async def test_the_speed_keys_act_on_a_slow_run_typed_in_the_bar(forever_path) -> None:
    # A `run --every` typed in the bar goes slowly: the status line says how slowly,
    # and `]` makes it faster (it said "Full speed already", and the run went on at the
    # speed typed), `[` slower from there.
    app = make_app(forever_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject Ticker.tick n=0")
        app.main_screen.submit_command("run --every 0.4")
        await wait_until(pilot, lambda: app.session.running)
        status = app.query_one("#status")
        await wait_until(pilot, lambda: "slow 0.4s" in str(status.render()))
        await pilot.press("escape", "right_square_bracket")
        await pilot.pause()
        assert app.session.slow_motion == 0.2
        assert "slow 0.2s" in str(status.render())
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert app.session.slow_motion == 0.8
        assert "slow 0.8s" in str(status.render())
        await pilot.press("f6")
        await settle(pilot)
        assert not app.session.running
        # F5 goes on at the speed the keys chose.
        assert app.main_screen.every == 0.8
        assert "slow 0.8s" in str(status.render())


@pytest.mark.slow
def test_the_shell_opens_at_an_address_in_a_terminal() -> None:
    address = Address(0, ("step #1", "step")).to_text()
    child = Terminal(
        str(RAPIDE), ["shell", "examples/seed_system.py", "--at", address], cwd=str(ROOT),
        dimensions=(36, 120), encoding="utf-8", timeout=30,
        env={"TERM": "xterm-256color", "PATH": str(RAPIDE.parent)},
    )
    try:
        child.expect("step 2")
        child.expect("of main")
        child.sendcontrol("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


async def test_the_output_says_where_an_address_took_the_shell() -> None:
    # As `rapide repl --at` and `rapide run --at` say it: the output named the step
    # the session opened at and how it got there; it said nothing, as if at the start.
    address = Address(0, ("step #1", "step"))
    async with Session.open(EXAMPLES / "seed_system.py", at=address, record=None) as session:
        app = RapideApp(session)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            said = [line.text.rstrip() for line in app.main_screen.output.lines]
    echoed = [number for number, line in enumerate(said) if line.startswith("> goto r1-")]
    assert echoed, said
    said = said[echoed[0]:]
    assert said[1].startswith("at step 2 (the last) of main"), said
    assert said[2].split() == [">", "2", "step", "#2", "connect", "e1", "APIService.request",
                               "->"], said


async def _branch_off(pilot, fields: str) -> None:
    """Two steps of the seed system, back one, then another step 2 than main's (an
    injected request with ``fields``): branch b2, at its step 3."""
    await type_command(pilot, "step 2")
    await type_command(pilot, "back 1")
    await type_command(pilot, f"inject APIService.request type=query {fields}")
    await type_command(pilot, "step")


def _lines(panel: HistoryPanel) -> list[str]:
    return [panel.render_line(y).text for y in range(panel.scrollable_content_region.height)]


def _goes_on_under(lines: list[str], start: str) -> int:
    """The column where the line holding ``start`` has it, after checking that the line
    wraps and that its next line starts in that same column."""
    at = next(number for number, line in enumerate(lines) if start in line)
    column = lines[at].index(start)
    after = lines[at + 1]
    assert not after[:column].strip() and after[column] != " ", (lines[at], after)
    return column


async def test_a_long_line_goes_on_under_its_text_clear_of_the_step_numbers() -> None:
    app = make_app(EXAMPLES / "seed_system.py")
    async with app.run_test(size=(64, 36)) as pilot:
        await settle(pilot)
        await type_command(pilot, "zoom history")
        await _branch_off(pilot, "key=users/123456789 value=more")
        panel = app.query_one(HistoryPanel)
        lines = _lines(panel)
        # A branch is one line (see test_each_branch_is_one_line_cut_where_too_long).
        at = next(number for number, line in enumerate(lines) if "b2" in line)
        assert lines[at].rstrip() == "  * b2  from step 1 of main: 2 to 3"
        assert lines[at + 1].startswith("──")
        # A step goes on under what it did, clear of the step numbers.
        injected = next(line for line in lines if "inject" in line)
        assert injected.startswith("      2  inject APIService.request")
        assert _goes_on_under(lines, "inject") == injected.index("inject")
        assert str(panel.get_option("step:2").prompt).startswith("      2  inject APIService")
        # Highlighted, a wrapped step is one block: its indent in the cursor's colours.
        panel.highlighted = panel.get_option_index("step:2")
        await pilot.pause()
        at = next(y for y, line in enumerate(_lines(panel)) if "inject" in line)
        first, after, below = (panel.render_line(y) for y in (at, at + 1, at + 2))
        cursor = _background(first)
        assert _background(after) == cursor != _background(below)


def _background(strip) -> object:
    """The background colour of a drawn line's first cell."""
    return next(iter(strip.crop(0, 1))).style.bgcolor


async def test_each_branch_is_one_line_cut_where_too_long() -> None:
    app = make_app(EXAMPLES / "seed_system.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _branch_off(pilot, "key=users/1")
        panel = app.query_one(HistoryPanel)
        panel.scroll_to(0, 0, animate=False)
        await pilot.pause()
        lines = [line.rstrip() for line in _lines(panel)]
        assert lines[:2] == ["  main  steps 0 to 2", "  * b2  from step 1 of main: 2 to 3"]
        # A name too long for the panel: its line is cut, the next branch on the next.
        await type_command(pilot, "fork the-agent-goes-first-then-the-pipe-again")
        await type_command(pilot, "switch b2")
        panel.scroll_to(0, 0, animate=False)
        await pilot.pause()
        lines = [line.rstrip() for line in _lines(panel)]
        assert lines[1] == "  * b2  from step 1 of main: 2 to 3", lines
        assert lines[2].startswith("      the-agent-goes-first") and lines[2].endswith("…"), (
            lines, _prompts(panel))
        assert len(lines[2]) == panel.scrollable_content_region.width
        # The command bar's `branches` says it all.
        await type_command(pilot, "branches")
        shown = " ".join(line.text.strip() for line in app.main_screen.output.lines)
        assert "the-agent-goes-first-then-the-pipe-again" in shown


def _said(app) -> str:
    """The output panel's lines as one text (the panel folds a long line)."""
    return " ".join(" ".join(line.text.split()) for line in app.main_screen.output.lines)


@pytest.mark.parametrize("key", ["ctrl+c", "f6"])
async def test_ctrl_c_or_pause_stops_a_long_travel_where_it_has_got_to(
    tmp_path: Path, key: str
) -> None:
    architecture = write_slow_replay(tmp_path)
    app = make_app(architecture)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_command(pilot, "inject Clock.tick n=0")
        # 8,000 steps: well under a second alone, more than 5 s with the whole suite on
        # two cores (Python 3.12).
        await type_command(pilot, "run", timeout=60)
        last = app.session.decisions.point.number
        await pilot.press("escape")
        await pilot.press("f8")  # back one step: 8000 steps replayed, 1 ms each
        await wait_until(pilot, lambda: app.session.travelling)
        # A travel that takes a while says how to stop it, and pause is in the footer.
        await wait_until(pilot, lambda: any(
            "Ctrl-C or F6 stops it" in str(toast.message) for toast in app._notifications
        ))
        assert app.main_screen.check_action("pause", ())
        await pilot.press(key)
        await settle(pilot, timeout=3)  # not the seconds the rest of the replay takes
        reached = app.session.decisions.point.number
        assert 0 < reached < last - 1
        said = _said(app)
        assert "stopping the travel at the step it has reached" in said
        assert (f"you stopped the travel at step {reached}, on the way to step {last - 1} of "
                f"main: `goto {last - 1}` goes on") in said
        # Every panel shows that step, as a `goto` there shows it.
        panel = app.query_one(HistoryPanel)
        assert panel.border_title == f"History · step {reached} of {last} on main"
        assert str(panel.get_option_at_index(panel.highlighted).prompt).startswith(
            f"> {reached:>5}"
        )
        stopped = _drawn(app)
        assert f"step {reached} of main" in stopped["status"]
        quicken(architecture)
        await type_command(pilot, "back")
        await type_command(pilot, "forward")
        assert _drawn(app) == stopped


async def test_where_typed_during_a_run_leaves_the_run_one_line_of_the_recording(
    tmp_path: Path, forever_path: Path
) -> None:
    record = tmp_path / "session.rapide"
    session = Session.load(forever_path, seed=0, recorder=Recorder(record, source=forever_path))
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject Ticker.tick n=0")
        bar = app.query_one("#bar")
        bar.value = "run"
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(session.computation) > 300)
        bar.value = "where"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "`goto` it" in _said(app))
        assert session.running
        where_at = len(session.computation)
        await wait_until(pilot, lambda: len(session.computation) > where_at + 300)
        await pilot.press("f6")
        await wait_until(pilot, lambda: not session.running)
        await settle(pilot)
        last = session.decisions.point.number
        # The History panel lists the run's steps to the last, that one current.
        panel = app.query_one(HistoryPanel)
        assert panel.border_title == f"History · step {last} (the last) of main"
        assert str(panel.get_option_at_index(panel.highlighted).prompt).startswith(f"> {last:>5}")
    steps = last - 1  # the points after the injection's
    lines = record.read_text().splitlines()[1:]
    assert lines == ["seed 0", 'inject Ticker.tick {"n": 0}', f"step {steps}"]

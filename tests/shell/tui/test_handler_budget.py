"""In the TUI, a handler that keeps control is stopped, reported, and the app answers keys."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rapide_shell.session import Session
from rapide_shell.tui.app import RapideApp
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from rapide_shell.tui.widgets.event_log import EventLog
from tests.shell.tui.conftest import SIZE, type_command, wait_until

STUCK = Path(__file__).parents[1] / "fixtures" / "stuck.py"


@pytest.mark.parametrize("kind", ["spin", "block"])
async def test_an_overrunning_handler_is_an_error_and_the_app_goes_on(kind: str) -> None:
    app = RapideApp(Session.load(STUCK, seed=0, handler_timeout=0.5))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, f"inject Desk.job kind={kind}")
        began = time.monotonic()
        await type_command(pilot, "run")
        errors = app.query_one(ErrorPanel)
        await wait_until(pilot, lambda: errors.problems, timeout=15)
        assert time.monotonic() - began < 15
        (problem,) = errors.problems
        assert "HandlerTimeout" in problem.details and "on_job" in problem.details
        await wait_until(pilot, lambda: app.session.state == "quiet")
        # The app answers keys: a command typed now runs, and its events are drawn.
        await type_command(pilot, "inject Desk.job kind=ok")
        await type_command(pilot, "run")
        log = app.query_one(EventLog)
        await wait_until(pilot, lambda: log.event_count == 3)
        assert [e.name for e in app.session.computation][-1] == "Desk.done"
        await pilot.press("escape", "f2")  # the step key, outside the bar: nothing to step
        await wait_until(pilot, lambda: "nothing to step" in _output(app))


def _output(app: RapideApp) -> str:
    return "\n".join(line.text for line in app.main_screen.output.lines)

"""The TUI shows work in flight: the queue lists wake-ups to choose, the status line counts."""

from __future__ import annotations

from pathlib import Path

from rapide_shell.session import Session
from rapide_shell.tui.app import RapideApp
from rapide_shell.tui.widgets.dispatch_queue import DispatchQueue
from tests.shell.tui.conftest import SIZE, settle, type_command

OFFICE = Path(__file__).parents[1] / "fixtures" / "office.py"


async def test_a_wake_up_is_listed_in_the_queue_and_choosing_it_resumes_the_sleeper() -> None:
    app = RapideApp(Session.load(OFFICE, seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject Desk.letter n=2")
        await type_command(pilot, "step")
        await type_command(pilot, "inject Desk.letter n=1")
        queue = app.screen.query_one(DispatchQueue)
        prompts = {option.id: str(option.prompt) for option in queue.options}
        assert "waits behind #1, in flight" in prompts["dispatch:2"]
        assert "wake #1 at t=2" in prompts["dispatch:1"]
        assert queue.border_title == "Queue (1, 1 in flight)"
        status = str(app.screen.query_one("#status").render())
        assert "1 pending · 1 in flight ·" in status
        queue.focus()
        await pilot.pause()
        queue.highlighted = queue.get_option_index("dispatch:1")
        await pilot.pause()
        await pilot.press("enter")  # choose the wake-up: step #1
        await settle(pilot)
        assert app.session.system is not None and app.session.system.now == 2.0
        assert [e.name for e in app.session.computation][-1] == "Clerk.answered"
        assert "dispatch:1" not in {option.id for option in queue.options}

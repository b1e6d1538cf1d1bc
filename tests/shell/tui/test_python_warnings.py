"""A Python warning the architecture's code raises shows in the Output: the TUI has no
terminal under it to print it on."""

from __future__ import annotations

import warnings
from pathlib import Path

from tests.shell.tui.conftest import SIZE, make_app, settle, type_command

FORGOT_AWAIT = Path(__file__).parents[1] / "fixtures" / "forgot_await.py"


async def test_an_emit_without_await_is_said_in_the_output() -> None:
    python_shows = warnings.showwarning
    app = make_app(FORGOT_AWAIT)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "run")
        await settle(pilot)
        shown = " ".join(line.text.strip() for line in app.main_screen.output.lines)
        assert "RuntimeWarning: coroutine 'ModuleContext.emit' was never awaited (its " \
            "code did not run: `await` it; an emit not awaited records no event)" in shown
        assert "forgot_await.py:28" in "".join(shown.split())  # a long path wraps
        assert len(app.session.computation) == 1
    assert warnings.showwarning is python_shows  # Python's own again, once the app is gone

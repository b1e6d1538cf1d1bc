"""A command typed in the command bar while a run goes on leaves the run what it says
as it ends: the steps another branch took, and a warning that it did not repeat itself."""

from __future__ import annotations

from pathlib import Path

from tests.shell.tui.conftest import SIZE, make_app, settle, type_command, wait_until

STAMPED_TICKER = Path(__file__).parents[1] / "fixtures" / "stamped_ticker.py"


def _output_text(app) -> str:
    """The output panel's lines joined (the panel folds a long line)."""
    return " ".join(" ".join(line.text.strip() for line in app.main_screen.output.lines).split())


async def test_a_command_typed_during_a_run_leaves_the_run_its_note_and_warning():
    app = make_app(STAMPED_TICKER)
    async with app.run_test(size=SIZE) as pilot:
        for line in ('inject Clock.tick {"n": 0, "limit": 20}', "run", "goto 1", "fork try"):
            await type_command(pilot, line)
        # Slow motion: try goes along the 21 steps main took, stamping its ticks anew.
        bar = app.query_one("#bar")
        bar.value = "run --every 0.1"
        await pilot.press("enter")
        session = app.session
        await wait_until(pilot, lambda: session.running and session.decisions.point.number >= 3)
        bar.value = "where"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "(the last) of try" in _output_text(app))
        assert session.running  # `where` answered between two of the run's steps
        typed = _output_text(app)
        assert "main took" not in typed and "did not repeat itself" not in typed
        await settle(pilot, timeout=20)
        said = _output_text(app)[len(typed):]
        assert "quiet: nothing pending" in said
        assert ("warning: the run did not repeat itself: step 2 (step) recorded e2 "
                "Clock.tick") in said, said
        assert ("steps 2 to 22 are the ones main took already: try goes along main until "
                "you decide differently") in said, said

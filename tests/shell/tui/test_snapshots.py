"""Pictures of the main screen at a fixed size (the pilot tests check the behaviour)."""

from __future__ import annotations

from tests.shell.tui.conftest import SIZE, make_app, settle, type_command


async def _inject_and_step(pilot) -> None:
    await type_command(pilot, "watch DatabaseService.result")
    await type_command(pilot, "inject APIService.request type=query key=1")
    await type_command(pilot, "step")
    # Leave the bar for the event log: a blinking text cursor would make pictures differ.
    await pilot.press("escape")
    await settle(pilot)


def test_main_screen_dark(snap_compare, shop_path):
    assert snap_compare(make_app(shop_path), terminal_size=SIZE, run_before=_inject_and_step)


def test_main_screen_light(snap_compare, shop_path):
    app = make_app(shop_path)

    async def light(pilot) -> None:
        pilot.app.theme = "textual-light"
        await _inject_and_step(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=light)


def test_timeline(snap_compare):
    """The Timeline of the three kinds side by side, an event's causal cone marked."""
    from pathlib import Path

    example = Path(__file__).resolve().parents[3] / "examples" / "connection_kinds.py"

    async def timeline(pilot) -> None:
        await type_command(pilot, "run")
        await pilot.press("escape", "9", "home", *["down"] * 12)  # e13, the pipe's first
        await settle(pilot)

    assert snap_compare(make_app(example), terminal_size=SIZE, run_before=timeline)

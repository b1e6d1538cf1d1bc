"""The key bar: whole in the screen's first frame, composed again only when its keys change."""

from __future__ import annotations

from rapide_shell.tui.widgets.key_bar import BarKey

from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.key_bar import KeyBar
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel
from tests.shell.tui.conftest import make_app, settle


def _keys(app) -> list[str]:
    return [key.shown.key for key in app.screen.query_one(KeyBar).query(BarKey)]


async def test_the_keys_are_laid_out_with_the_first_frame(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=(160, 48)):
        # As the screen first shows (the pilot has not let anything else run): the
        # keys are there and placed, as the panels are.
        keys = app.main_screen.query_one(KeyBar).query(BarKey)
        placed = [key.shown.key for key in keys if key.region.width > 0]
        assert app.main_screen.query_one(EventLog).region.width > 0
    assert placed[:3] == ["ctrl+q", "f1", "f2"]
    assert "f12" in placed and "ctrl+p" in placed


async def test_the_bar_is_composed_again_only_when_its_keys_change(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        first = list(bar.query(BarKey))
        # The event log adds no key of its own: the same keys stay.
        await pilot.press("escape", "3")
        assert isinstance(app.focused, EventLog)
        await settle(pilot)
        assert list(bar.query(BarKey)) == first
        # The timeline has keys of its own: they show while it has the focus, and go.
        await pilot.press("9")
        assert isinstance(app.focused, TimelinePanel)
        await settle(pilot)
        assert {"c", "h", "a"} <= set(_keys(app))
        await pilot.press("3")
        await settle(pilot)
        assert _keys(app) == [key.shown.key for key in first]


async def test_a_narrow_screen_packs_the_keys_without_the_palette(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=(120, 36)) as pilot:
        bar = app.screen.query_one(KeyBar)
        assert bar.compact and "ctrl+p" not in _keys(app)
        await settle(pilot)
        await pilot.resize_terminal(170, 40)
        await settle(pilot)
        await pilot.pause(0.1)
        assert not bar.compact and "ctrl+p" in _keys(app)
        await pilot.resize_terminal(100, 40)
        await settle(pilot)
        await pilot.pause(0.1)
        assert bar.compact and "ctrl+p" not in _keys(app)

"""The key bar: whole in the screen's first frame, the keys that act now, clicked like keys."""

from __future__ import annotations

import ast
from pathlib import Path

from textual import events

from rapide_shell.tui.panels import by_key
from rapide_shell.tui.screens.help_screen import HelpScreen
from rapide_shell.tui.screens.inject_dialog import InjectDialog
from rapide_shell.tui.screens.main_screen import MainScreen
from rapide_shell.tui.widgets import key_bar
from rapide_shell.tui.widgets.command_bar import CommandBar
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.key_bar import BarKey, KeyBar
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel
from tests.shell.tui.conftest import make_app, settle, type_command, wait_until

SCREEN_KEYS = (" ^q Quit  f1 Help  f2 Step  f5 Run  f3 Inject  f4 Watch  f7 Break  f8 Back "
               " f9 Forward  f11 Full  f12 SVG ")
"""The main screen's keys as the bar draws them, 160 columns wide."""
TIMELINE_KEYS = " - Collapse  Del Hide  + All "
PALETTE_KEY = "^p palette "
"""The command palette's key, at the right end (after its rule)."""


def _keys(app) -> list[str]:
    return [key.shown.key for key in app.screen.query_one(KeyBar).query(BarKey)]


def _drawn(app) -> str:
    """The bar's line as drawn: each key's text where it is placed (the palette's rule
    left out); a key not placed is not there, one placed past an end is cut there."""
    bar = app.screen.query_one(KeyBar)
    line = [" "] * bar.region.width
    for key in bar.query(BarKey):
        place = key.content_region
        if place.width and place.y == bar.region.y:
            text = key.render().plain
            assert len(text) == place.width, (text, place)
            for column, character in enumerate(text, start=place.x - bar.region.x):
                if 0 <= column < len(line):
                    line[column] = character
    return "".join(line)


async def test_the_keys_are_laid_out_with_the_first_frame(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=(160, 48)):
        # As the screen first shows (the pilot has not let anything else run): the
        # keys are there and placed, as the panels are.
        keys = app.main_screen.query_one(KeyBar).query(BarKey)
        placed = [key.shown.key for key in keys if key.region.width > 0]
        assert app.main_screen.query_one(EventLog).region.width > 0
        drawn = _drawn(app)
    assert placed[:3] == ["ctrl+q", "f1", "f2"]
    assert drawn.startswith(SCREEN_KEYS) and drawn.endswith(PALETTE_KEY)


async def test_each_panel_shows_the_screen_keys_after_its_own(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        # Every panel in turn, by its key (the errors panel shows only once there is
        # one): only the timeline has keys of its own, put first while it has the
        # focus and gone once it has not.
        visited = []
        for panel in [*by_key(), by_key()[0]]:
            await pilot.press(panel.key)
            await settle(pilot)
            assert app.focused is not None
            if app.focused.id != panel.id:
                assert not app.screen.query_one(f"#{panel.id}").display, panel.id
                continue
            visited.append(panel.id)
            own = TIMELINE_KEYS if panel.id == "timeline" else ""
            drawn = _drawn(app)
            assert drawn.startswith(own + SCREEN_KEYS), (panel.id, drawn)
            assert drawn.endswith(PALETTE_KEY), (panel.id, drawn)
            assert drawn.count("Quit") == 1
        assert len(visited) >= 8 and "timeline" in visited and visited[-1] == "graph"
        # Back in the command bar (`:`): the screen's keys only.
        await pilot.press("colon")
        await settle(pilot)
        assert app.focused is app.main_screen.query_one("#bar")
        assert _drawn(app).startswith(SCREEN_KEYS)


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
        assert {"minus", "delete", "plus"} <= set(_keys(app))
        await pilot.press("3")
        await settle(pilot)
        assert _keys(app) == [key.shown.key for key in first]


async def test_run_and_pause_take_turns_and_a_click_presses_the_key(forever_path) -> None:
    app = make_app(forever_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await type_command(pilot, "inject Ticker.tick n=0")
        bar = app.screen.query_one(KeyBar)
        run = next(key for key in bar.query(BarKey) if key.shown.key == "f5")
        assert "f6 Pause" not in _drawn(app)
        # A click on F5 runs; the bar then offers F6 in its place (the focus stays).
        await pilot.click(run)
        await wait_until(pilot, lambda: app.session.running)
        await wait_until(pilot, lambda: "f6 Pause" in _drawn(app))
        assert "f5 Run" not in _drawn(app)
        pause = next(key for key in bar.query(BarKey) if key.shown.key == "f6")
        await pilot.click(pause)
        await wait_until(pilot, lambda: not app.session.running, timeout=2)
        await wait_until(pilot, lambda: "f5 Run" in _drawn(app))
        assert "f6 Pause" not in _drawn(app)


async def test_a_click_on_the_help_key_opens_the_help(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.click(next(key for key in app.screen.query(BarKey) if key.shown.key == "f1"))
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_a_disabled_key_is_dimmed_and_a_click_on_it_only_rings_the_bell(
    shop_path, monkeypatch
) -> None:
    # The screen's keys are all enabled or hidden; one that is shown but disabled
    # (check_action answers None) is drawn dim, and clicking it does nothing but ring.
    def check_action(screen, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "watch" else original(screen, action, parameters)

    original = MainScreen.check_action
    monkeypatch.setattr(MainScreen, "check_action", check_action)
    app = make_app(shop_path)
    bells: list[str] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append("bell"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        watch, inject = (next(key for key in app.screen.query(BarKey) if key.shown.key == name)
                         for name in ("f4", "f3"))
        assert watch.has_class("-disabled") and watch.rich_style.dim
        assert not inject.has_class("-disabled") and not inject.rich_style.dim
        assert "f4 Watch" in _drawn(app)
        await pilot.click(watch)
        await pilot.pause(0.1)
        assert bells == ["bell"] and app.main_screen.query_one(CommandBar).value == ""
        await pilot.click(inject)
        await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
        assert bells == ["bell"]


async def test_a_narrow_screen_packs_the_keys_without_the_palette(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=(120, 36)) as pilot:
        bar = app.screen.query_one(KeyBar)
        assert bar.compact and "ctrl+p" not in _keys(app)
        assert _drawn(app).startswith("^q Quit f1 Help f2 Step f5 Run f3 Inject")
        await settle(pilot)
        await pilot.resize_terminal(170, 40)
        await settle(pilot)
        await pilot.pause(0.1)
        assert not bar.compact and "ctrl+p" in _keys(app)
        assert _drawn(app).startswith(SCREEN_KEYS) and _drawn(app).endswith(PALETTE_KEY)
        await pilot.resize_terminal(100, 40)
        await settle(pilot)
        await pilot.pause(0.1)
        assert bar.compact and "ctrl+p" not in _keys(app)


def _seen(app) -> str:
    """The bar's line as a user sees it (a key cut by an end is blank)."""
    bar = app.screen.query_one(KeyBar)
    line = [" "] * bar.region.width
    for key in bar.query(BarKey):
        place = key.content_region
        if place.width and place.y == bar.region.y:
            for column, character in enumerate(key.render().plain, start=place.x - bar.region.x):
                if 0 <= column < len(line):
                    line[column] = character
    return "".join(line).rstrip()


async def test_a_key_that_does_not_fit_is_left_out_whole_not_cut(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Not "... f9 Forward f1": a key cut at the edge reads as another key.
        assert _seen(app) == ("^q Quit f1 Help f2 Step f5 Run f3 Inject f4 Watch f7 Break "
                              "f8 Back f9 Forward")
        await pilot.resize_terminal(88, 24)
        await settle(pilot)
        assert _seen(app).endswith("f9 Forward f11 Full")
        await pilot.resize_terminal(100, 24)
        await settle(pilot)
        assert _seen(app).endswith("f9 Forward f11 Full f12 SVG")


async def test_the_wheel_reaches_keys_that_do_not_fit(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "9")  # the timeline's keys come first: too many
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        svg = next(key for key in bar.query(BarKey) if key.shown.key == "f12")
        assert svg.region.right > bar.region.right and bar.scroll_x == 0

        def wheel(kind: type[events.MouseScrollDown | events.MouseScrollUp]) -> None:
            bar.post_message(kind(bar, 10, 0, 0, 1, 0, False, False, False))

        assert svg.cut  # by the end of the bar: left out whole
        for _ in range(10):
            wheel(events.MouseScrollDown)
        await wait_until(pilot, lambda: bar.scroll_x == bar.max_scroll_x > 0)
        assert bar.region.x <= svg.region.x and svg.region.right <= bar.region.right
        await wait_until(pilot, lambda: not svg.cut)
        assert not _seen(app).startswith(" c Coll")  # the first key, cut at the left: hidden
        for _ in range(10):
            wheel(events.MouseScrollUp)
        await wait_until(pilot, lambda: bar.scroll_x == 0)

def test_the_bar_uses_only_what_textual_makes_public() -> None:
    # A private module or name of Textual may change in any release, and the bar is
    # built with every screen: one missing would stop the shell as it starts.
    tree = ast.parse(Path(key_bar.__file__).read_text(encoding="utf-8"))
    imported = [
        (node.module or "", [alias.name for alias in node.names])
        for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ]
    textual = [(module, names) for module, names in imported if module.startswith("textual")]
    assert textual
    for module, names in textual:
        assert not any(part.startswith("_") for part in module.split(".")), module
        assert not any(name.startswith("_") for name in names), (module, names)

"""The panel registry: the main screen's layout, panel keys, help and drawing come from it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from textual.binding import Binding

from rapide_shell.tui.panels import PANELS, SessionPanel, by_key
from rapide_shell.tui.screens.help_screen import HelpScreen
from rapide_shell.tui.screens.main_screen import MainScreen
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command

ROOT = Path(__file__).resolve().parents[3]


def test_every_panel_has_its_own_id_and_key() -> None:
    assert len({panel.id for panel in PANELS}) == len(PANELS)
    assert len({panel.key for panel in PANELS}) == len(PANELS)
    focus_keys = {
        binding.key: binding.action
        for binding in MainScreen.BINDINGS
        if isinstance(binding, Binding) and binding.action.startswith("focus_panel")
    }
    assert focus_keys == {panel.key: f"focus_panel('{panel.id}')" for panel in PANELS}


async def test_the_screen_is_laid_out_from_the_registry(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for panel in PANELS:
            widget = app.query_one(f"#{panel.id}")
            assert widget.has_class("panel")
            assert widget.parent is not None
            group = panel.column or panel.slot
            row = widget.parent if group is None else widget.parent.parent
            assert row is not None and row.id == panel.row
            if group is not None:
                assert widget.parent.id == group
            if panel.title and panel.id not in ("queue", "watches", "history"):  # those add more
                assert widget.border_title.startswith(panel.title)
        # The welcome line names the range of the panel keys.
        welcome = " ".join(" ".join(line.text for line in app.main_screen.output.lines).split())
        assert "(1-9 pick one)" in welcome


async def test_each_panel_key_focuses_its_panel_or_says_why_not(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        for panel in by_key():
            await pilot.press(panel.key)
            await pilot.pause()
            if panel.hidden_note:
                assert app.focused is not app.query_one(f"#{panel.id}")
                assert [n.message for n in app._notifications][-1] == panel.hidden_note
            else:
                assert app.focused is app.query_one(f"#{panel.id}")


async def test_the_help_lists_the_panel_keys(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert ("1 … 9", "Go to a panel: graph, queue, event log, inspector, output, "
                "watches, errors, history, timeline") in app.screen.key_rows
        assert "the keys 1 to 9 move between panels" in app.screen.navigation
        # Every key of the key bar is in the help, the app's own (F12) included.
        assert {"^q", "f1", "f12"} <= {key for key, _ in app.screen.key_rows}


async def test_the_panels_draw_the_session_they_show(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "watch DatabaseService.result")
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "run")
        drawing = [panel for panel in PANELS if isinstance(app.query_one(f"#{panel.id}"),
                                                           SessionPanel)]
        assert {panel.id for panel in drawing} == {
            "graph", "events", "timeline", "inspector", "errors", "watches", "history"
        }
        log = app.query_one("#events")
        assert log.event_count == len(app.session.computation)
        await type_command(pilot, "reset")
        assert log.event_count == len(app.session.computation) == 0
        assert app.query_one("#watches").match_count(1) == 0


NEW_PANEL = '''
import asyncio
import sys

from textual.widgets import Static

from rapide_shell.tui import panels


class EventCount(Static, can_focus=True):
    """A panel that counts the events recorded."""

    def show_session(self, session):
        self.update(f"{len(session.computation)} events")

    def show_batch(self, batch, session):
        if batch.events:
            self.update(f"{len(session.computation)} events")


panels.PANELS = (
    *panels.PANELS,
    panels.Panel("count", "counter", EventCount, row="bottom", key="0", title="Count"),
)

from rapide_shell.session import Session  # noqa: E402
from rapide_shell.tui.app import RapideApp  # noqa: E402
from rapide_shell.tui.screens.help_screen import HelpScreen  # noqa: E402


async def main():
    app = RapideApp(Session.load(sys.argv[1], seed=0))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        counter = app.query_one("#count", EventCount)
        print("drawn:", counter.render())
        print("welcome:", "".join(line.text for line in app.main_screen.output.lines))
        app.main_screen.submit_command("inject APIService.request type=query key=1")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        print("after inject:", counter.render())
        await pilot.press("escape", "0")
        print("focused:", app.focused is counter, counter.has_class("panel"))
        await pilot.press("f1")
        print("help:", [row for row in app.screen.key_rows if row[0] == "0 … 9"])
        print("navigation:", "the keys 0 to 9 move" in app.screen.navigation)


asyncio.run(main())
'''


@pytest.mark.slow
def test_a_new_panel_is_its_widget_and_one_registration(shop_path, tmp_path) -> None:
    script = tmp_path / "new_panel.py"
    script.write_text(textwrap.dedent(NEW_PANEL))
    result = subprocess.run(
        [sys.executable, str(script), str(shop_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "drawn: 0 events",
        "welcome: " + result.stdout.splitlines()[1].removeprefix("welcome: "),
        "after inject: 1 events",
        "focused: True True",
        "help: [('0 … 9', 'Go to a panel: counter, graph, queue, event log, inspector, output, "
        "watches, errors, history, timeline')]",
        "navigation: True",
    ]
    assert "(0-9 pick one)" in " ".join(result.stdout.split())

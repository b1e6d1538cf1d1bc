"""The watches panel lists the matches of the computation now shown, after a switch too."""

from __future__ import annotations

from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.watch_panel import WatchEntry, WatchPanel
from tests.shell.tui.conftest import SEED_SYSTEM, SIZE, make_app, settle, type_command


def _listed(panel: WatchPanel) -> list[str]:
    (watch,) = panel.root.children
    return [str(watch.label)] + [str(match.label) for match in watch.children]


async def test_an_opened_watch_lists_the_matches_of_the_branch_switched_to() -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_command(pilot, "watch DatabaseService.result")
        # On main the database answers first: its result is e2.
        await type_command(pilot, "step #1")
        await pilot.press("escape", "6", "enter")  # the watches panel; Enter opens w1
        await settle(pilot)
        panel = app.query_one(WatchPanel)
        assert _listed(panel) == ["w1 [1] DatabaseService.result", "match 1: e2"]
        # On alt the cache answers first: e2 is its miss, the result e3.
        for command in ("goto 0", "fork alt", "step #2", "step #1"):
            await type_command(pilot, command)
        assert _listed(panel) == ["w1 [1] DatabaseService.result", "match 1: e3"]
        # Back on main, one match again, but main's: not alt's e3, a cache miss here.
        await type_command(pilot, "switch main")
        (match,) = app.session.watches[0].matches
        assert [event.id for event in match.events] == ["e2"]
        assert _listed(panel) == ["w1 [1] DatabaseService.result", "match 1: e2"]
        # Enter on the match marks main's result in the log.
        panel.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        log = app.query_one(EventLog)
        assert log.marked_ids == {"e2"}
        assert log.selected_event is not None
        assert log.selected_event.name == "DatabaseService.result"


async def test_a_stopped_watch_says_so_apart_from_its_count() -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.query_one(WatchPanel)
        stopped = WatchEntry(1, "A.x || A.y", 12, (), stopped=True)
        assert str(panel._label(stopped)) == "w1 [12] [stopped] A.x || A.y"
        assert str(panel._label(WatchEntry(2, "A.x", 0, ()))) == "w2 [0] A.x"

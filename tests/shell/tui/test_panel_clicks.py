"""A click in the event log, the Timeline or the inspector acts on the line clicked.

Each panel is drawn inside a border, so its first line is one below the panel's top;
the tests click on the line where a text is drawn, as a user aims at it.
"""

from __future__ import annotations

from pathlib import Path

from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.history_panel import HistoryPanel
from rapide_shell.tui.widgets.inspector import Inspector
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel
from tests.shell.tui.conftest import drawn_line, make_app, settle, type_command

LOST_UPDATE = Path(__file__).parents[3] / "examples" / "lost_update.py"
RUN = ("inject Teller.deposit amount=50", "inject Teller.deposit amount=25 clears_in=1", "run")


def _where(app, widget, text: str) -> tuple[int, int]:
    """The screen cell, inside ``widget``, where the first line showing ``text`` is."""
    region = widget.content_region
    for y in range(region.y, region.bottom):
        line = drawn_line(app, y, region)
        if text in line:
            return region.x + line.index(text), y
    raise AssertionError(f"{text!r} is not drawn in {widget!r}")


async def _ran(pilot) -> None:
    for line in RUN:
        await type_command(pilot, line)
    await settle(pilot)


async def test_a_click_on_an_event_s_line_selects_that_event() -> None:
    app = make_app(LOST_UPDATE)
    async with app.run_test(size=(160, 48)) as pilot:
        await _ran(pilot)
        log = app.query_one(EventLog)
        for event_id in ("e1", "e2", "e5"):
            await pilot.click(offset=_where(app, log, f" {event_id}  "))
            await settle(pilot)
            assert log.selected_event is not None
            assert log.selected_event.id == event_id
        # The header line and the border select nothing.
        await pilot.click(offset=_where(app, log, "payload"))
        await pilot.click(offset=(log.region.x + 5, log.region.y))
        await settle(pilot)
        assert log.selected_event.id == "e5"


async def test_a_click_on_a_timeline_row_selects_its_event() -> None:
    app = make_app(LOST_UPDATE)
    async with app.run_test(size=(200, 48)) as pilot:  # beside the event log
        await _ran(pilot)
        timeline = app.query_one(TimelinePanel)
        for event_id in ("e1", "e3"):
            await pilot.click(offset=_where(app, timeline, event_id + " "))
            await settle(pilot)
            assert timeline.selected_event is not None
            assert timeline.selected_event.id == event_id


async def test_a_click_on_a_cause_or_an_effect_follows_it() -> None:
    app = make_app(LOST_UPDATE)
    async with app.run_test(size=(160, 48)) as pilot:
        await _ran(pilot)
        log, inspector = app.query_one(EventLog), app.query_one(Inspector)
        log.select_id("e2")
        await settle(pilot)
        assert inspector.shown_event is not None and inspector.shown_event.id == "e2"
        await pilot.click(offset=_where(app, inspector, "→ effect"))
        await settle(pilot)
        assert inspector.shown_event.id == "e6"
        await pilot.click(offset=_where(app, inspector, "← cause"))
        await settle(pilot)
        assert inspector.shown_event.id == "e2"


async def test_a_click_on_a_history_step_moves_onto_it_and_a_double_click_goes_there() -> None:
    # Looking must not travel (a replay of the run): as in the queue, one click moves
    # the highlight, two (or Enter) choose.
    app = make_app(LOST_UPDATE)
    async with app.run_test(size=(160, 48)) as pilot:
        await _ran(pilot)
        history = app.query_one(HistoryPanel)
        last = app.session.decisions.point.number
        where = _where(app, history, " 6  #3 agent")
        await pilot.click(offset=where)
        await settle(pilot)
        assert app.session.decisions.point.number == last
        assert history.highlighted_option is not None
        assert history.highlighted_option.id == "step:6"
        await pilot.click(offset=where, times=2)
        await settle(pilot)
        assert app.session.decisions.point.number == 6

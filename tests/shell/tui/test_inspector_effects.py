"""The inspector lists the effects the shown event has now, not those it had when chosen,
and the graph marks the components its future has gone through by now."""

from __future__ import annotations

from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.inspector import Inspector
from tests.shell.tui.conftest import (
    SEED_SYSTEM,
    SIZE,
    drawn_line,
    make_app,
    settle,
    type_command,
    wait_until,
)


def _shown(app) -> list[str]:
    room = app.query_one(Inspector).scrollable_content_region
    return [drawn_line(app, y, room).rstrip() for y in range(room.y, room.bottom)]


async def test_a_step_taken_while_an_earlier_event_is_shown_adds_its_new_effects() -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The cache answers the API's first query (e1) first: e2, its miss.
        await type_command(pilot, "step #2")
        log = app.query_one(EventLog)
        log.focus()
        await pilot.press("home")  # e1, the query
        await settle(pilot)
        inspector = app.query_one(Inspector)
        assert inspector.link_ids == ["effect:e2"]
        # Then the database answers it: e3, another effect of e1.
        await type_command(pilot, "step #1")
        effects = [event.id for event in app.session.computation.poset.effects("e1")]
        assert "e3" in effects
        assert log.selected_event is not None and log.selected_event.id == "e1"
        assert inspector.link_ids == [f"effect:{event_id}" for event_id in effects]
        assert any(line.startswith("→ effect  e3") for line in _shown(app)), _shown(app)


async def test_the_graph_marks_where_the_shown_events_new_effects_went() -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_command(pilot, "step #2")  # e1 reaches the cache: its miss, e2
        log = app.query_one(EventLog)
        log.focus()
        await pilot.press("home")  # e1, the query
        await settle(pilot)
        graph = app.query_one(ConnectionGraph)
        await wait_until(pilot, lambda: graph._cone[0] == "api")  # e1's cone is marked
        assert "db" not in graph._cone[2], graph._cone
        await type_command(pilot, "step #1")  # then the database's result, e3, from db
        await wait_until(pilot, lambda: "db" in graph._cone[2])
        assert log.selected_event is not None and log.selected_event.id == "e1"

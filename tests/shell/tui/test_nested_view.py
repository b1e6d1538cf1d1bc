"""The workbench on an architecture with an architecture inside: the graph folds and opens it,
the event log names components by path."""

from __future__ import annotations

from pathlib import Path

from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.event_log import EventLog
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command, wait_until

NESTED = Path(__file__).resolve().parents[3] / "examples" / "nested_payments.py"
DEPOT = Path(__file__).parent / "architectures" / "depot.py"


async def test_x_in_the_graph_opens_and_folds_the_nested_architecture():
    app = make_app(NESTED)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        graph = app.query_one(ConnectionGraph)
        folded = graph.picture.text()
        assert "payments ▸" in folded and "payments.ledger" not in folded
        # The only nested architecture: x opens it whatever is selected.
        assert str(graph.border_subtitle).startswith("x open payments · X open all  ──▶ connect")
        await type_command(pilot, "run")
        await pilot.press("escape", "1")
        assert app.focused is graph
        await pilot.press("x")
        await pilot.pause()
        assert graph.expanded == {"payments"}
        opened = graph.picture.text()
        for path in ("payments ▾", "payments.ledger", "payments.desk", "payments.auditor"):
            assert path in opened
        # The counts survive the redrawing: both orders went into the department.
        assert "connect Storefront.order ✓2" in opened
        assert "agent Ledger.posted ✓1" in opened
        assert str(graph.border_subtitle).startswith("x fold payments · X fold all  ")
        await pilot.press("x")
        await pilot.pause()
        assert graph.expanded == set()
        assert "payments.ledger" not in graph.picture.text()


async def test_x_on_a_flat_architecture_says_there_is_nothing_inside(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        graph = app.query_one(ConnectionGraph)
        assert "x open" not in str(graph.border_subtitle)
        before = graph.picture.text()
        await pilot.press("escape", "1")
        # No key of the key bar for what the graph does not have.
        shown = {key for key, active in app.screen.active_bindings.items()
                 if active.binding.show}
        assert app.focused is graph and not {"x", "X"} & shown
        await pilot.press("x")
        await pilot.pause()
        assert graph.picture.text() == before
        assert [n.message for n in app._notifications] == [
            "No component of this architecture is an architecture."
        ]


async def test_the_event_log_shows_paths_in_full():
    app = make_app(NESTED)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "run")
        log = app.query_one(EventLog)
        lines = [log.render_line(y).text for y in range(log.size.height)]
        (auditor,) = [line for line in lines if "Auditor.checked" in line]
        assert " payments.auditor  Auditor.checked " in auditor


async def test_a_folded_architecture_is_marked_when_the_cone_goes_through_it():
    app = make_app(NESTED)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "run")
        log = app.query_one(EventLog)
        inside = next(e for e in app.session.computation if e.source == "payments.auditor")
        log.select_id(inside.id)  # the log announces it: the panels follow
        graph = app.query_one(ConnectionGraph)
        await wait_until(pilot, lambda: graph._cone[0] == "payments.auditor")
        assert "front" in graph._cone[1]

        def mark(box: str) -> object:
            return graph._style_for(("box", box), graph.rich_style)

        def look(name: str) -> object:
            return graph.rich_style + graph.get_component_rich_style(
                "connection-graph--box", partial=True
            ) + graph.get_component_rich_style(f"connection-graph--{name}", partial=True)

        # Folded, the department's box stands for the auditor inside it; the storefront
        # the order came from is in its causal past; shipping is in neither.
        assert mark("payments") == look("selected")
        assert mark("front") == look("past")
        assert mark("shipping") not in (look("selected"), look("past"), look("future"))


async def test_the_timeline_gives_the_components_inside_lanes_in_declaration_order():
    from rapide_shell.tui.widgets.timeline_panel import TimelinePanel

    app = make_app(NESTED)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Before anything ran: no lane for the department's box, one for each of its
        # components, where the storefront's connection delivers to it.
        lanes = app.query_one(TimelinePanel).lanes
        assert lanes == ["front", "payments.ledger", "payments.desk", "payments.auditor",
                         "shipping"]


async def test_the_top_row_follows_the_graph_as_it_opens_and_folds():
    app = make_app(NESTED)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        graph = app.query_one(ConnectionGraph)
        queue = app.query_one("#queue")

        def fitted() -> bool:
            room = sum(app.query_one(f"#{row}").outer_size.height
                       for row in ("top", "middle", "bottom"))
            needed = max(graph.picture.height, queue.option_count) + 2
            return app.query_one("#top").outer_size.height == min(
                max(needed, 6), int(room * 0.45))

        assert fitted()
        folded = app.query_one("#top").outer_size.height
        await pilot.press("escape", "1", "x")
        await wait_until(pilot, lambda: graph.expanded == {"payments"})
        await settle(pilot)
        assert fitted() and app.query_one("#top").outer_size.height > folded
        await pilot.press("x")
        await settle(pilot)
        assert fitted() and app.query_one("#top").outer_size.height == folded


async def _select(pilot, source: str) -> None:
    """Selects the last event from ``source`` in the event log, as a user picks one."""
    app = pilot.app
    event = [e for e in app.session.computation if e.source == source][-1]
    app.query_one(EventLog).select_id(event.id)
    graph = app.query_one(ConnectionGraph)
    await wait_until(pilot, lambda: graph._cone[0] == source)


async def test_x_opens_and_folds_the_architecture_of_the_selected_event_and_X_all():
    app = make_app(DEPOT)
    async with app.run_test(size=(160, 48)) as pilot:
        await type_command(pilot, "run")
        graph = app.query_one(ConnectionGraph)
        # The run's last event was shipped by the warehouse's dock: x is for the
        # warehouse, and the keys say so while the graph has the focus.
        await _select(pilot, "warehouse.dock")
        await pilot.press("escape", "1")
        assert app.focused is graph
        assert {"x", "X"} <= {key for key, active in app.screen.active_bindings.items()
                              if active.binding.show}
        assert str(graph.border_subtitle).startswith("x open warehouse · X open all  ")
        await pilot.press("x")
        await pilot.pause()
        assert graph.expanded == {"warehouse"}
        drawn = graph.picture.text()
        assert "warehouse ▾" in drawn and "warehouse.dock" in drawn
        assert "billing ▸" in drawn and "billing.clerk" not in drawn
        assert "connect Picker.picked ✓2" in drawn  # the counts survive the redrawing
        # An event of billing's clerk: x opens billing too, then folds it alone.
        await _select(pilot, "billing.clerk")
        assert str(graph.border_subtitle).startswith("x open billing · X fold all  ")
        await pilot.press("x")
        await pilot.pause()
        assert graph.expanded == {"warehouse", "billing"}
        await pilot.press("x")
        await pilot.pause()
        assert graph.expanded == {"warehouse"}
        # X folds every one while any is open, and opens every one.
        await pilot.press("X")
        await pilot.pause()
        assert graph.expanded == set() and "warehouse.dock" not in graph.picture.text()
        await pilot.press("X")
        await pilot.pause()
        assert graph.expanded == {"warehouse", "billing"}
        # An event from outside both: x says what it is for, and nothing moves.
        await _select(pilot, "front")
        assert str(graph.border_subtitle).startswith("X fold all  ")
        await pilot.press("x")
        await pilot.pause()
        assert graph.expanded == {"warehouse", "billing"}
        assert app._notifications and list(app._notifications)[-1].message == (
            "front is in no nested architecture: x opens or folds the one the selected "
            "event comes from, X every one."
        )


async def test_the_help_says_what_x_and_X_do_in_the_graph():
    from textual.widgets import Static

    app = make_app(DEPOT)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "f1")
        await pilot.pause()
        shown = " ".join(
            " ".join(str(static.render()).split()) for static in app.screen.query(Static)
        )
        assert "x opens the one the selected event comes from" in shown
        assert "X opens every one, or folds them all" in shown

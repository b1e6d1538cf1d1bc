"""Large architectures: the graph becomes a list with a search, the Timeline grows lanes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rapide_shell.tui.graph_list import DRAW_LIMIT
from rapide_shell.tui.session_view import ANCESTRY_PER_FRAME
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel
from tests.shell.tui.architectures.chain import write_chain
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command


def _lines(graph: ConnectionGraph) -> list[str]:
    listing = graph.listing
    assert listing is not None
    return ["".join(ch for ch, _ in listing.row(n)) for n in range(listing.height)]


async def test_a_large_architecture_is_listed_and_searched(chain_path: Path) -> None:
    app = make_app(chain_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        graph = app.query_one(ConnectionGraph)
        assert DRAW_LIMIT < 300 and graph.picture is None and graph.listing is not None
        lines = _lines(graph)
        assert lines[0].startswith("300 components, 299 connections: listed")
        # Every connection and component has its row, reachable by scrolling the panel.
        assert len(lines) == 1 + 299 + 0
        assert graph.virtual_size.height == len(lines) and graph.show_vertical_scrollbar
        row = next(line for line in lines if line.startswith("s14 "))
        assert "┄┄▶ s15" in row and 'agent Stage.out from "s14" ✓0' in row
        row = next(line for line in lines if line.startswith("s13 "))
        assert "══▶ s14" in row and 'pipe Stage.out from "s13" ✓0 queued 0' in row
        # "/" searches: the rows that mention the text stay.
        await pilot.press("escape", "1", "slash", "s", "2", "9", "9")
        assert graph.listing.search == "s299"
        assert _lines(graph)[0] == "1 row mentions 's299'; / again"  # s298 ──▶ s299
        await pilot.press("backspace", "backspace")
        assert graph.listing.search == "s2"
        await pilot.press("9", "8", "enter")
        lines = _lines(graph)
        assert lines[0] == "2 rows mention 's298'; / again"
        assert [line.split()[0] for line in lines[1:]] == ["s297", "s298"]
        assert "search: s298" in str(graph.border_subtitle)
        # Letters typed once the search is kept go to the command bar again.
        await pilot.press("s")
        assert app.query_one("#bar").value == "s"
        await pilot.press("escape", "1", "slash", "escape")
        assert graph.listing.search == "" and len(_lines(graph)) == 300
        assert app.query_one("#bar").value == "s"
        # x and X, which open nested architectures elsewhere, are letters of a search.
        await pilot.press("escape", "1", "slash", "x", "X")
        assert graph.listing.search == "xX"


def _searched(graph: ConnectionGraph) -> list[str]:
    """The sources of the rows listed, once the subtitle is checked to say the search
    that narrows them."""
    search = graph.listing.search
    subtitle = str(graph.border_subtitle)
    assert subtitle.endswith(f"search: {search} (/ changes it)" if search else "▸ running")
    return [line.split()[0] for line in _lines(graph)[1:]]


@pytest.mark.slow
async def test_a_kept_search_stays_when_the_list_is_drawn_again(
    chain_path: Path, tmp_path: Path
) -> None:
    app = make_app(chain_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.session.system.inject("Stage.out", {"n": 0}, source="s0")
        await type_command(pilot, "step 3")
        graph = app.query_one(ConnectionGraph)
        await pilot.press("escape", "1", "slash", "s", "2", "9", "8", "enter")
        assert _searched(graph) == ["s297", "s298"]
        # Starting over, travelling in time, another seed: the list is drawn anew,
        # narrowed as it was.
        for command in ("reset", "step 2", "back 1", "goto 0", "seed 3", "reload"):
            await type_command(pilot, command)
            assert _searched(graph) == ["s297", "s298"], command
        # Escape while typing drops it; so does keeping an empty search.
        await pilot.press("escape", "1", "slash", "escape")
        assert _searched(graph) == [f"s{n}" for n in range(299)]
        await pilot.press("slash", "s", "2", "9", "8", "enter")
        assert _searched(graph) == ["s297", "s298"]
        await pilot.press("slash", *["backspace"] * 4, "enter")
        assert len(_searched(graph)) == 299
        # A file small enough to draw has nothing to search: the search goes, said so.
        await pilot.press("slash", "s", "1", "enter")
        large = chain_path.read_text()
        chain_path.write_text(write_chain(tmp_path, 12, hops=5).read_text())
        await type_command(pilot, "reload")
        assert graph.listing is None and graph.picture is not None
        assert str(graph.border_subtitle).startswith("──▶ connect")
        # Dropped, not put aside: the list that comes back is whole.
        chain_path.write_text(large)
        await type_command(pilot, "reload")
        assert len(_searched(graph)) == 299


async def test_a_kept_search_stays_as_nested_architectures_open_and_fold(
    tmp_path: Path,
) -> None:
    app = make_app(write_chain(tmp_path, 60, hops=20, department=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        graph = app.query_one(ConnectionGraph)
        assert graph.listing is not None
        await pilot.press("escape", "1", "slash", "s", "5", "9", "enter")
        assert _searched(graph) == ["s58", "s59"]
        assert str(graph.border_subtitle).startswith("x open dept · X open all  search: s59")
        await pilot.press("X")
        await pilot.pause()
        assert graph.expanded == {"dept"}
        assert _searched(graph) == ["s58", "s59"]  # s59 ──▶ dept.first now
        assert str(graph.border_subtitle).startswith("x fold dept · X fold all  search: s59")
        await pilot.press("X")
        await pilot.pause()
        assert graph.expanded == set() and _searched(graph) == ["s58", "s59"]
        # Dropping the search brings back the keys and the legend, not the legend alone.
        await pilot.press("slash", "escape")
        assert str(graph.border_subtitle).startswith("x open dept · X open all  ──▶ connect")
        assert len(_searched(graph)) == 60


async def test_the_queue_highlights_a_listed_connection_and_the_timeline_grows_lanes(
    chain_path: Path,
) -> None:
    app = make_app(chain_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        timeline = app.query_one(TimelinePanel)
        assert timeline.lanes == []  # no lane for each of 300 silent components
        app.session.system.inject("Stage.out", {"n": 0}, source="s0")
        await type_command(pilot, "step 12")
        graph = app.query_one(ConnectionGraph)
        highlighted = graph.highlighted
        assert highlighted is not None and highlighted > 5
        row = graph.listing.row_of[highlighted]
        assert graph.scroll_y <= row < graph.scroll_y + graph.scrollable_content_region.height
        await type_command(pilot, "run")
        # A lane for each component that sent an event, in the chain's order.
        assert timeline.lanes == [f"s{n}" for n in range(21)]
        assert timeline.row_count == len(app.session.computation) == 21


async def test_a_long_run_keeps_ancestry_taken_in_so_no_key_pays_for_all_of_it() -> None:
    # The inspector answers a key that moves the log's cursor with ancestry queries;
    # the events a run records are taken in for them a slice per frame, not all at
    # once by the first such key after the run (a second at a million events).
    app = make_app(Path(__file__).parents[3] / "examples" / "seed_system.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        session = app.session
        session.system.max_events = None
        for number in range(6_000):  # about 25,000 events
            session.system.inject(
                "APIService.request", {"type": "query", "key": f"users/{number % 5}"}
            )
        app.query_one(EventLog).focus()  # moved off the newest: the inspector rests
        await pilot.press("up")
        app.main_screen.submit_command("run")
        await pilot.pause(0.1)
        while session.running:
            await pilot.pause(0.05)
        poset = session.computation.poset
        assert len(poset) > 4 * ANCESTRY_PER_FRAME
        # What is left to take in is at most the last frame's worth of the run.
        assert poset.prepare_ancestry(ANCESTRY_PER_FRAME)


COUNTS = re.compile(r"✓\d+( ▸\d+ running)?( queued \d+)?$")


def _shown_rows(graph: ConnectionGraph) -> list[str]:
    """The list's rows as the panel draws them."""
    return [graph.render_line(y).text for y in range(graph.scrollable_content_region.height)]


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_a_listed_row_keeps_its_counts_whole_within_the_panel(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    name = "inventory_reconciliation_stage_"
    app = make_app(write_chain(tmp_path, 45, hops=20, name=name))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.session.system.inject("Stage.out", {"n": 0}, source=f"{name}0")
        await type_command(pilot, "step 4")
        graph = app.query_one(ConnectionGraph)
        assert graph.listing is not None
        assert not graph.show_horizontal_scrollbar and graph.max_scroll_x == 0
        width = graph.scrollable_content_region.width
        rows = [row for row in _shown_rows(graph) if "▶" in row]
        assert len(rows) > 3
        for row in rows:
            assert len(row) == width
            # The counts whole at the end, the names and the pattern before them cut.
            assert COUNTS.search(row.rstrip()), row
            assert row.startswith("in") and "…" in row, row
        # A name is cut in its middle: the rows' sources, each a number, stay apart.
        sources = [row.split()[0] for row in rows]
        assert len(set(sources)) == len(sources), sources
        assert any("✓1" in row for row in rows)  # counted as the run went
        assert any(row.rstrip().endswith("queued 0") for row in rows)  # a pipe's

"""Names and payloads in wide characters (漢字, こんにちは: two cells each on a terminal)
keep the columns of the event log and the lanes of the Timeline where they belong."""

from __future__ import annotations

from pathlib import Path

from rich.cells import get_character_cell_size

from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel
from tests.shell.tui.conftest import make_app, type_command

TEAHOUSE = Path(__file__).parent / "architectures" / "teahouse.py"
WIDE = (160, 48)


def _cells_before(line: str, text: str) -> int:
    """How many terminal cells come before ``text`` in the drawn ``line``."""
    return sum(get_character_cell_size(char) for char in line[: line.index(text)])


def _at_cell(line: str, x: int) -> str:
    """The character drawn from cell ``x`` of ``line``."""
    cell = 0
    for char in line:
        if cell == x:
            return char
        cell += get_character_cell_size(char)
    return ""


async def test_the_event_log_keeps_its_columns_beside_wide_names_and_payloads() -> None:
    app = make_app(TEAHOUSE)
    async with app.run_test(size=WIDE) as pilot:
        await type_command(pilot, "run")
        log = app.query_one(EventLog)
        rows = [log.render_line(y).text for y in range(1, 3)]
        greeting, welcome = rows
        assert "Guest.こんにちは" in greeting and "Host.welcome" in welcome
        # The payloads start in one column, and each is cut with "…" where the panel ends.
        assert _cells_before(greeting, '{"words"') == _cells_before(welcome, '{"words"')
        for row in rows:
            assert row.rstrip().endswith("…"), row
            assert sum(get_character_cell_size(char) for char in row) == log.size.width


async def test_the_timeline_keeps_its_lanes_beside_a_wide_event_name() -> None:
    app = make_app(TEAHOUSE)
    async with app.run_test(size=WIDE) as pilot:
        await type_command(pilot, "run")
        await type_command(pilot, "zoom timeline")
        timeline = app.query_one(TimelinePanel)
        host = timeline.grid.left["host"]
        lines = [timeline.render_line(y).text for y in range(timeline.size.height)]
        greeting = next(line for line in lines if "e1 こんにちは" in line)
        welcome = next(line for line in lines if "e2 welcome" in line)
        # The greeting is in the guest's lane, and the host's lane rule right of it is
        # where the host's events are drawn.
        assert _at_cell(greeting, host) == "│"
        assert _cells_before(welcome, "e2 welcome") == host


async def test_a_collapsed_lane_named_in_wide_characters_keeps_the_lanes_in_line() -> None:
    # A collapsed lane shows its name's first character: 客 takes two cells, and the
    # header drew it in the one cell the lane had, pushing every name after it right.
    app = make_app(TEAHOUSE)
    async with app.run_test(size=WIDE) as pilot:
        await type_command(pilot, "run")
        await type_command(pilot, "zoom timeline")
        await pilot.press("home", "minus")
        timeline = app.query_one(TimelinePanel)
        assert timeline.collapsed == {"客"}
        grid = timeline.grid
        lines = [timeline.render_line(y).text for y in range(timeline.size.height)]
        names, feeds = lines[0], lines[1]
        assert _cells_before(names, "客") == grid.left["客"]
        assert _cells_before(names, "host") == grid.left["host"]
        assert _cells_before(feeds, "agent") == grid.left["host"]
        greeting = next(line for line in lines if "●" in line)
        welcome = next(line for line in lines if "e2 welcome" in line)
        assert _cells_before(greeting, "●") == grid.left["客"]
        assert _at_cell(greeting, grid.left["host"]) == "│"
        assert _cells_before(welcome, "e2 welcome") == grid.left["host"]


def test_a_listed_graph_row_is_a_cell_a_character_with_wide_names() -> None:
    # The listed graph (past 40 components) is a grid of cells: a wide character takes
    # two of them, or the row runs past the panel and its colours slide off their text.
    from rapide_shell.tui.graph_list import GraphList
    from rapide_shell.tui.graph_model import GraphEdge, GraphSpec

    spec = GraphSpec(
        components=(("茶室の主人", "Host"), ("guest", "Guest")),
        edges=(GraphEdge(0, "agent", 'match("Guest.こんにちは")', "guest", "茶室の主人"),),
    )
    for width in (None, 60, 40):
        row = GraphList(spec).row(1, width)
        drawn = "".join(text for text, _ in row)
        assert sum(get_character_cell_size(char) for char in drawn) == len(row), width
        if width is not None:
            assert len(row) <= width

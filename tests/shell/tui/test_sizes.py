"""Every size: the examples' components and connections reachable, status and footer whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from rapide_shell.tui.graph_picture import MAX_PATTERN_CHARS
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.key_bar import BarKey
from rapide_shell.tui.widgets.watch_panel import WatchPanel
from tests.shell.tui.conftest import (
    assert_screen_whole,
    make_app,
    settle,
    type_command,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = {
    "seed_system": ROOT / "examples" / "seed_system.py",
    "connection_kinds": ROOT / "examples" / "connection_kinds.py",
}
SIZES = [(100, 30), (120, 36), (160, 48), (220, 60)]


def _label(connection) -> str:
    pattern = connection.pattern
    if len(pattern) > MAX_PATTERN_CHARS:
        pattern = pattern[: MAX_PATTERN_CHARS - 1] + "…"
    return f"{connection.kind} {pattern}"


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("example", list(EXAMPLES), ids=list(EXAMPLES))
async def test_everything_is_on_screen_or_reachable_and_nothing_is_cut(
    example: str, size: tuple[int, int]
) -> None:
    app = make_app(EXAMPLES[example])
    width = size[0]
    async with app.run_test(size=size) as pilot:
        await type_command(pilot, "run")
        await pilot.press("escape")
        await settle(pilot)
        description = app.session.description

        # The graph: every component and every connection's label in its picture, the
        # picture the panel's whole scrollable area, with a scrollbar where it is larger.
        graph = app.query_one(ConnectionGraph)
        picture = graph.picture
        drawn = picture.text()
        for component in description.components:
            assert component.name in drawn, (component.name, drawn)
        for connection in description.connections:
            assert _label(connection) in drawn, (_label(connection), drawn)
        assert graph.virtual_size.height == picture.height
        visible = graph.scrollable_content_region
        if picture.height > visible.height:
            assert graph.show_vertical_scrollbar
        if picture.width > visible.width:
            assert graph.show_horizontal_scrollbar
        # Labels sit beside their edges where there is room between the lines: none
        # sent further along its row, past other lines (narrower, a label that does not
        # fit beside its edge still goes on its edge's row, or under a tag).
        if width >= 160:
            assert picture.far_labels == 0, drawn

        # The status line: whole pieces only, within the screen.
        status = str(app.query_one("#status").render()).rstrip()
        assert len(status) <= width and "…" not in status
        for piece in ("quiet", "0 pending", "events"):
            assert piece in status
        if width >= 120:
            assert "0 errors" in status

        # The footer: every key whole, within the screen.
        keys = list(app.screen.query(BarKey))
        assert keys
        for key in keys:
            assert key.region.width > 0 and key.region.right <= width, key.shown.description

        # The event log: its columns fit, cut with an ellipsis where they must.
        log = app.query_one(EventLog)
        header = log.render_line(0).text
        assert "payload" in header
        rows = [log.render_line(y).text for y in range(1, log.size.height)]
        assert all(len(row) == log.scrollable_content_region.width for row in rows)
        shown_events = [row for row in rows if row.strip()]
        assert shown_events


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_rows_are_sized_by_what_they_hold(size: tuple[int, int]) -> None:
    app = make_app(EXAMPLES["connection_kinds"])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        top = app.query_one("#top")
        graph = app.query_one(ConnectionGraph)
        queue = app.query_one("#queue")
        room = sum(app.query_one(f"#{row}").outer_size.height
                   for row in ("top", "middle", "bottom"))
        # The top row is as tall as the graph or the queue needs, within its share.
        needed = max(graph.picture.height, queue.option_count) + 2
        assert top.outer_size.height == min(max(needed, 6), int(room * 0.45))
        # The middle row (the event log) keeps the most room.
        middle = app.query_one("#middle").outer_size.height
        assert middle >= app.query_one("#bottom").outer_size.height


@pytest.mark.parametrize("example", list(EXAMPLES), ids=list(EXAMPLES))
async def test_the_graph_opens_with_the_top_of_its_boxes_in_view(example: str) -> None:
    # The queue's first dispatch highlights its connection as the screen opens; its
    # track already shows, so the graph must not scroll the boxes' top border away.
    app = make_app(EXAMPLES[example])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.query_one(ConnectionGraph).scroll_y == 0


async def test_a_resized_terminal_gets_the_panels_laid_out_for_its_new_size() -> None:
    # The screen lays itself out once for a size it is told more than once: a real
    # change of size still moves the slots, the rows and the graph.
    app = make_app(EXAMPLES["connection_kinds"])
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for width, height in ((220, 60), (120, 36), (220, 60)):
            await pilot.resize_terminal(width, height)
            await settle(pilot)
            await pilot.pause(0.1)
            graph = app.query_one(ConnectionGraph)
            queue = app.query_one("#queue")
            assert queue.outer_size.width >= 30
            assert app.query_one("#timeline").display is (width >= 180)
            room = sum(app.query_one(f"#{row}").outer_size.height
                       for row in ("top", "middle", "bottom"))
            assert room == height - 4  # the status, completion and command lines, keys
            needed = max(graph.picture.height, queue.option_count) + 2
            top = app.query_one("#top").outer_size.height
            assert min(needed, 6) <= top <= int(room * 0.45) + 1
            assert graph.scrollable_content_region.width == graph._drawn_for_width


async def test_the_output_is_wrapped_again_for_a_new_width(shop_path) -> None:
    # Written while the output was full screen, then shown in its own place again (or
    # in a terminal made narrower): its lines wrap to the panel, none runs off its edge.
    app = make_app(shop_path)
    async with app.run_test(size=(160, 40)) as pilot:
        output = app.main_screen.output
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "zoom output")
        await type_command(pilot, "whynot e1")
        await type_command(pilot, "zoom")
        await settle(pilot)
        width = output.scrollable_content_region.width
        assert output.virtual_size.width <= width
        assert max(line.cell_length for line in output.lines) <= width
        said = " ".join(" ".join(line.text for line in output.lines).split())
        assert "its pattern names DatabaseService.result, not APIService.request" in said
        assert output.is_vertical_scroll_end
        await pilot.resize_terminal(110, 40)
        await pilot.pause()
        assert max(line.cell_length for line in output.lines) <= (
            output.scrollable_content_region.width
        )


async def test_on_a_wide_screen_the_inspector_has_its_column_s_width() -> None:
    # Wide, the event log and the Timeline stand side by side and the inspector's
    # column gives up room to them: the inspector and the history under it share it.
    app = make_app(EXAMPLES["seed_system"])
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        inspector, history = app.query_one("#inspector"), app.query_one("#history")
        assert app.query_one("#timeline").display
        assert inspector.region.width == history.region.width
        assert inspector.region.x == history.region.x
        assert 220 * 0.25 <= inspector.region.width <= 220 * 0.32


async def test_the_output_full_screen_takes_its_width_for_what_was_wrapped(
    shop_path, monkeypatch
) -> None:
    # A table written in the output's own place wraps its last column; shown full
    # screen to be read, it takes the room it now has. (A table is as wide as the
    # terminal at most: Rich reads that from COLUMNS where there is no terminal.)
    monkeypatch.setenv("COLUMNS", "160")
    app = make_app(shop_path)
    async with app.run_test(size=(160, 40)) as pilot:
        output = app.main_screen.output
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "whynot e1")
        row = "its pattern names DatabaseService.result, not APIService.request"
        assert not any(row in line.text for line in output.lines)  # wrapped
        await type_command(pilot, "zoom output")
        await settle(pilot)
        assert any(row in line.text for line in output.lines)


async def test_the_output_at_its_end_stays_there_after_full_screen(
    shop_path, monkeypatch
) -> None:
    # Everything shows full screen; back in its place (its table wrapped again), the
    # output shows its last lines (what was just printed), not its first.
    monkeypatch.setenv("COLUMNS", "160")  # as in the test above
    app = make_app(shop_path)
    async with app.run_test(size=(160, 40)) as pilot:
        output = app.main_screen.output
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "whynot e1")
        await type_command(pilot, "zoom output")
        assert output.max_scroll_y == 0  # it all shows
        await pilot.press("escape")  # nothing is written after it, as after `zoom`
        await settle(pilot)
        assert app.screen.maximized is None
        assert output.max_scroll_y > 0
        assert output.is_vertical_scroll_end


@pytest.mark.parametrize("size", [(80, 24), (60, 24)], ids=["80x24", "60x24"])
async def test_the_inject_dialog_keeps_its_error_and_buttons_in_a_small_terminal(
    shop_path, size: tuple[int, int]
) -> None:
    # Two fields and an error make the dialog taller than a small terminal: the fields
    # scroll, and what was wrong and the buttons stay in the box, on the screen.
    app = make_app(shop_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#inject-name", Input).value = "DatabaseService.result"
        await wait_until(pilot, lambda: bool(app.screen.query("#field-rows")))
        app.screen.action_inject()
        await settle(pilot)
        box = app.screen.query_one("#inject-box")
        assert app.screen.region.contains_region(box.region)
        inner = box.content_region  # inside its border and padding
        error = app.screen.query_one("#inject-error")
        assert "key is required" in str(error.render())
        for widget in (error, app.screen.query_one("#inject-ok"),
                       app.screen.query_one("#inject-cancel")):
            assert widget.region.height >= 1 and inner.contains_region(widget.region), widget


@pytest.mark.parametrize("size", [(100, 30), (120, 36)], ids=["100x30", "120x36"])
async def test_an_error_shows_in_the_errors_panel_on_a_small_screen(
    shop_path, size: tuple[int, int]
) -> None:
    # The errors share the bottom row's side column with the watches: the row grows so
    # that each of the two shows lines of its own, not a border alone.
    app = make_app(shop_path)
    async with app.run_test(size=size) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=boom")
        await type_command(pilot, "watch CacheService.stored")
        await type_command(pilot, "run")
        await settle(pilot)
        errors = app.query_one(ErrorPanel)
        assert errors.problems
        assert errors.scrollable_content_region.height >= 2
        assert app.query_one(WatchPanel).scrollable_content_region.height >= 2
        assert "raised ValueError" in errors.render_line(0).text
        middle = app.query_one("#middle").outer_size.height
        assert middle >= 6


async def test_the_status_line_is_fitted_to_the_new_width_of_a_resized_terminal(
    shop_path,
) -> None:
    # Narrower, the least important pieces go (not the error count at the end, cut off
    # at the old width); wider again, they come back.
    app = make_app(shop_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=boom")
        await type_command(pilot, "run")
        status = app.query_one("#status")
        wide = str(status.render()).rstrip()
        assert "seed 0" in wide and wide.endswith("1 error")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        narrow = str(status.render()).rstrip()
        assert narrow.endswith("1 error") and len(narrow) < 80, narrow
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert str(status.render()).rstrip() == wide


async def test_a_short_terminal_keeps_the_status_line_and_every_row_on_screen(shop_path) -> None:
    # Sixteen lines cannot give each row its usual least height: the rows shrink
    # instead, so that the screen does not scroll the status line away.
    app = make_app(shop_path)
    async with app.run_test(size=(60, 16)) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await settle(pilot)
        assert_screen_whole(app)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert app.query_one("#top").outer_size.height >= 6
        assert app.query_one("#middle").outer_size.height >= 6


async def test_narration_on_an_80x24_screen_leaves_the_command_bar_on_screen(shop_path) -> None:
    # The banner takes lines from the rows: they shrink as it shows, and grow back
    # once it is gone.
    app = make_app(shop_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        middle = app.query_one("#middle").outer_size.height
        await type_command(pilot, "say " + "Three clients each send two requests. " * 4)
        await settle(pilot)
        assert app.query_one("#narration").outer_size.height >= 2
        assert_screen_whole(app)
        await type_command(pilot, "say")
        await settle(pilot)
        assert app.query_one("#middle").outer_size.height == middle


@pytest.mark.parametrize(
    ("size", "tight", "output_lines"),
    [((80, 24), True, 3), ((100, 30), False, 3), ((160, 48), False, 6)],
    ids=["80x24", "100x30", "160x48"],
)
async def test_a_lesson_s_narration_leaves_the_output_lines_to_read_its_commands_in(
    size: tuple[int, int], tight: bool, output_lines: int
) -> None:
    # At 80x24 the banner, waiting for the presenter, left the output one line: the
    # command played above it could not be read. There it leaves out its blank lines
    # and its rule; on larger screens it keeps them.
    from rapide_shell.lessons import find_lesson
    from rapide_shell.tui.screens.wait_screen import WaitScreen

    lesson = find_lesson("connections")
    app = make_app(lesson.architecture, script=lesson.script, speed=0)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen), timeout=15)
        await pilot.pause(0.2)  # (the script waits: its worker does not end)
        assert_screen_whole(app)
        output = app.main_screen.output
        assert output.content_region.height >= output_lines
        assert output.lines[output.scroll_offset.y].text.startswith("> show graph")
        banner = app.query_one("#narration")
        assert banner.has_class("tight") is tight
        assert (banner.styles.padding.top == 0) is tight


async def test_the_output_wraps_at_its_panel_s_width_not_at_the_width_it_started_with(
    shop_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `rapide serve` starts each tab's workbench with COLUMNS set to the browser's width
    # as the tab opened: a tab opened in a small window and made larger wrapped every
    # line of the output at that width, in a panel four times as wide.
    monkeypatch.setenv("COLUMNS", "30")
    app = make_app(shop_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await type_command(pilot, "say " + " ".join(f"word{n}" for n in range(60)))
        output = app.main_screen.output
        room = output.scrollable_content_region.width
        widths = [len(line.text.rstrip()) for line in output.lines]
        assert room > 90
        assert room - 12 < max(widths) <= room, (room, widths)
        await pilot.resize_terminal(200, 48)  # and so on as the window changes
        await settle(pilot)
        room = output.scrollable_content_region.width
        widths = [len(line.text.rstrip()) for line in output.lines]
        assert room - 12 < max(widths) <= room, (room, widths)

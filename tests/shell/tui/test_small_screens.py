"""Small terminals: a column too short to stack its panels shows one at a time, by its key;
a row of panels with no room gives way, and a screen too small for any row says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapide_shell.tui.panels import PANELS, by_key, find
from rapide_shell.tui.widgets.command_bar import CommandBar
from tests.shell.tui.conftest import (
    assert_screen_whole,
    drawn_line,
    make_app,
    settle,
    type_command,
)

ROOT = Path(__file__).resolve().parents[3]
SEED_SYSTEM = ROOT / "examples" / "seed_system.py"
SMALL = (60, 16)


def _in_view(app, panel_id: str) -> bool:
    """Whether the panel is laid out on the screen (not hidden by its slot or column)."""
    widget = app.query_one(f"#{panel_id}")
    return widget.display and widget.region.height > 0


def _sharing_its_place(panel) -> list:
    """The other panels of ``panel``'s slot or column."""
    place = panel.slot or panel.column
    return [other for other in PANELS
            if other is not panel and place is not None and (other.slot or other.column) == place]


def _shown_panels(app) -> list:
    return [panel for panel in PANELS if _in_view(app, panel.id)]


async def test_on_a_60x16_screen_every_panel_shown_has_lines_of_its_own() -> None:
    # The middle row's four lines cannot stack the inspector and the history with a
    # line inside each: the inspector alone takes them, and says which key brings
    # the history.
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert_screen_whole(app)
        for panel in _shown_panels(app):
            widget = app.query_one(f"#{panel.id}")
            assert widget.content_region.height >= 1, panel.id
        inspector = app.query_one("#inspector")
        assert _in_view(app, "inspector") and not _in_view(app, "history")
        assert inspector.region == app.query_one("#detail").region
        assert inspector.content_region.height >= 2
        assert "e1" in inspector.render_line(0).text
        assert inspector.border_subtitle.startswith("8 History · ")


async def test_on_a_60x16_screen_each_panel_key_brings_its_panel_with_lines_in_it(
    shop_path,
) -> None:
    # With an error, the errors share the bottom row's side column with the watches:
    # each key brings its panel (and hides the others of its place), which has lines
    # of its own, and names the keys of those it hides; nothing leaves the screen.
    app = make_app(shop_path)
    async with app.run_test(size=SMALL) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=boom")
        await type_command(pilot, "run")
        await pilot.press("escape")
        await settle(pilot)
        assert _in_view(app, "errors") and not _in_view(app, "watches")  # the news first
        for panel in by_key():
            await pilot.press(panel.key)
            await settle(pilot)
            widget = app.query_one(f"#{panel.id}")
            assert app.focused is widget, panel.id
            assert _in_view(app, panel.id), panel.id
            assert widget.content_region.height >= 1, panel.id
            assert app.screen.region.contains_region(widget.region), panel.id
            assert_screen_whole(app)
            hint = f"{widget.border_title} {widget.border_subtitle}"
            for mate in _sharing_its_place(panel):
                assert not _in_view(app, mate.id), (panel.id, mate.id)
                assert f"{mate.key} " in hint, (panel.id, hint)
        assert "db raised" in app.query_one("#errors").render_line(0).text


async def test_before_any_error_the_watches_have_their_column_and_the_errors_key_says_so(
    shop_path,
) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("escape", "7")
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == "No errors so far."
        assert _in_view(app, "watches") and not _in_view(app, "errors")
        assert "7 " not in str(app.query_one("#watches").border_subtitle)


async def test_time_travel_brings_the_history_and_choosing_an_event_the_inspector(
    shop_path,
) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SMALL) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "run")
        assert _in_view(app, "inspector")
        await type_command(pilot, "back 2")
        assert _in_view(app, "history") and not _in_view(app, "inspector")
        history = app.query_one("#history")
        assert history.content_region.height >= 2
        assert history.border_subtitle.startswith("4 Inspector · ")
        # A step follows the new event in the log by itself: the history stays.
        await type_command(pilot, "step")
        assert _in_view(app, "history")
        # Moving through the log chooses an event: the inspector shows it.
        await pilot.press("escape", "3", "home")
        await settle(pilot)
        assert _in_view(app, "inspector") and not _in_view(app, "history")
        assert "e1" in app.query_one("#inspector").render_line(0).text


async def test_narration_on_a_60x16_screen_leaves_one_panel_with_lines_in_the_column(
    shop_path,
) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SMALL) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "say " + "Three clients each send two requests. " * 4)
        await type_command(pilot, "back 1")
        await settle(pilot)
        assert_screen_whole(app)
        assert _in_view(app, "narration")
        assert _in_view(app, "history") and not _in_view(app, "inspector")
        assert app.query_one("#history").content_region.height >= 1


async def test_at_80x24_the_inspector_takes_the_column_the_history_had_no_line_in() -> None:
    # Six lines would leave the history its border alone under the inspector: the
    # inspector has them all, the rows keep their heights.
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert_screen_whole(app)
        heights = [app.query_one(f"#{row}").outer_size.height
                   for row in ("top", "middle", "bottom")]
        assert heights == [9, 6, 5]
        assert app.query_one("#inspector").region == app.query_one("#detail").region
        assert not _in_view(app, "history")
        await pilot.press("escape", "8")
        await settle(pilot)
        assert app.query_one("#history").region == app.query_one("#detail").region


@pytest.mark.parametrize("size", [(100, 30), (160, 48)], ids=["100x30", "160x48"])
async def test_where_there_is_room_the_inspector_and_the_history_stand_one_above_the_other(
    size: tuple[int, int],
) -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        inspector, history = app.query_one("#inspector"), app.query_one("#history")
        assert _in_view(app, "inspector") and _in_view(app, "history")
        assert history.region.y == inspector.region.bottom
        assert inspector.region.height + history.region.height == (
            app.query_one("#middle").region.height
        )
        # The history keeps its share (45%) of the column, each panel lines of its own.
        assert history.region.height == int(app.query_one("#middle").region.height * 0.45)
        for widget in (inspector, history):
            assert widget.content_region.height >= 2
            assert not str(widget.border_subtitle)[:1].isdigit()  # no key to bring another
        await pilot.press("escape", "8")
        await settle(pilot)
        assert _in_view(app, "inspector") and _in_view(app, "history")


async def test_a_resized_terminal_stacks_the_column_again_and_folds_it_back() -> None:
    # The panel last brought is the one shown again; full screen, it has every line.
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await type_command(pilot, "zoom history")
        assert app.screen.maximized is app.query_one("#history")
        await pilot.press("escape")
        await settle(pilot)
        assert _in_view(app, "history") and not _in_view(app, "inspector")
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        await pilot.pause(0.1)
        assert _in_view(app, "inspector") and _in_view(app, "history")
        assert app.query_one("#history").border_subtitle == find("history").subtitle
        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        await pilot.pause(0.1)
        assert _in_view(app, "history") and not _in_view(app, "inspector")
        assert_screen_whole(app)


# Tiny terminals: under 13 lines the three rows of panels cannot each keep a line inside
# their borders under the status line and above the command bar: those that can show.

ROWS = ("top", "middle", "bottom")
TINY = [(80, 12), (80, 10), (80, 8), (80, 7), (40, 10), (40, 7), (30, 12)]


def _rows_fitting(height: int) -> tuple[str, ...]:
    """The rows a screen ``height`` lines tall shows before any panel has the focus:
    those that get three lines under the status line and above the completions line,
    the command bar and the keys, the output's first."""
    return ("middle", "bottom") if height - 4 >= 6 else ("bottom",)


def _text(app, selector: str) -> str:
    return str(app.query_one(selector).render())


def _output(app) -> str:
    """The output's words, whatever its width wrapped."""
    return " ".join(" ".join(line.text for line in app.main_screen.output.lines).split())


@pytest.mark.parametrize("size", TINY, ids=[f"{w}x{h}" for w, h in TINY])
async def test_a_tiny_terminal_keeps_the_status_line_and_the_command_bar_in_use(
    size: tuple[int, int],
) -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown = _rows_fitting(size[1])
        assert_screen_whole(app, shown)
        assert isinstance(app.focused, CommandBar)
        # The line over the command bar names a key that brings each row left out.
        hint = _text(app, "#completions")
        assert hint.startswith("  Escape, then 1 Graph"), hint
        assert ("3 Events" in hint) is ("middle" not in shown)
        await pilot.press(*"run", "enter")
        await settle(pilot)
        assert " quiet " in _text(app, "#status")
        assert "quiet: nothing pending" in _output(app)
        assert_screen_whole(app, shown)


async def test_on_a_tiny_terminal_a_panel_key_brings_its_row() -> None:
    # Eight lines hold one row: the focused panel's, whichever key or Escape focused it.
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=(80, 8)) as pilot:
        await settle(pilot)
        assert_screen_whole(app, ("bottom",))
        for keys, row, focused, hint in (
            (("escape",), "middle", "events", "1 Graph, 5 Output"),
            (("1",), "top", "graph", "3 Events, 5 Output"),
            (("5",), "bottom", "console", "1 Graph, 3 Events"),
            (("8",), "middle", "history", "1 Graph, 5 Output"),
        ):
            await pilot.press(*keys)
            await settle(pilot)
            assert app.focused is app.query_one(f"#{focused}"), keys
            assert _in_view(app, focused), keys
            assert_screen_whole(app, (row,))
            assert _text(app, "#completions") == f"  Escape, then {hint}", keys
        # Back in the bar, what is typed completes on the line, then the keys again.
        await pilot.press("colon", *"wh", "tab")
        await settle(pilot)
        assert "whynot" in _text(app, "#completions")
        await pilot.press("ctrl+u", "backspace")
        await settle(pilot)
        assert _text(app, "#completions") == "  Escape, then 1 Graph, 5 Output"


async def test_ten_lines_show_the_focused_panel_s_row_and_the_output_s() -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=(80, 10)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "1")
        await settle(pilot)
        assert_screen_whole(app, ("top", "bottom"))
        assert app.focused is app.query_one("#graph")
        # Six lines, three each; a seventh goes to the focused panel's row.
        assert [app.query_one(f"#{row}").outer_size.height for row in ("top", "bottom")] == [3, 3]
        await pilot.resize_terminal(80, 11)
        await settle(pilot)
        await pilot.pause(0.1)
        assert [app.query_one(f"#{row}").outer_size.height for row in ("top", "bottom")] == [4, 3]


@pytest.mark.parametrize(
    ("size", "needed"), [((80, 6), "80x7"), ((80, 3), "80x7"), ((29, 24), "30x7")],
    ids=["80x6", "80x3", "29x24"],
)
async def test_a_terminal_too_small_for_a_row_says_so_until_it_is_large_enough(
    size: tuple[int, int], needed: str
) -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        message = app.query_one("#too-small")
        assert message.display and message.region == app.screen.region
        assert app.screen.get_widget_at(0, 0)[0] is message
        said = " ".join(_text(app, "#too-small").split())
        assert said == (f"This terminal is {size[0]}x{size[1]}: the workbench needs "
                        f"{needed} at least. Make it larger (Ctrl+Q quits).")
        await pilot.resize_terminal(80, 7)
        await settle(pilot)
        await pilot.pause(0.1)
        assert not message.display
        assert_screen_whole(app, ("bottom",))
        await pilot.press(*"run", "enter")
        await settle(pilot)
        assert " quiet " in _text(app, "#status")


async def test_narration_on_a_tiny_terminal_takes_a_line_or_asks_for_one_more() -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=(80, 8)) as pilot:
        await type_command(pilot, "say " + "Three clients each send two requests. " * 4)
        await settle(pilot)
        assert app.query_one("#narration").outer_size.height == 1
        assert_screen_whole(app, ("bottom",))
        await pilot.resize_terminal(80, 7)
        await settle(pilot)
        await pilot.pause(0.1)
        assert "needs 80x8 at least" in _text(app, "#too-small")
        await type_command(pilot, "say")
        await settle(pilot)
        await pilot.pause(0.1)
        assert not app.query_one("#too-small").display
        assert_screen_whole(app, ("bottom",))


def _layout(app) -> dict[str, object]:
    """Where every row and panel is, and what the line over the command bar says."""
    return {
        **{row: app.query_one(f"#{row}").region for row in ROWS},
        **{panel.id: (_in_view(app, panel.id), app.query_one(f"#{panel.id}").region)
           for panel in PANELS},
        "completions": _text(app, "#completions"),
    }


@pytest.mark.parametrize("size", [(100, 30), (160, 48)], ids=["100x30", "160x48"])
async def test_a_terminal_made_tiny_then_large_again_has_its_usual_layout_back(
    size: tuple[int, int],
) -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        usual = _layout(app)
        assert usual["completions"] == ""
        for tiny in ((80, 8), (80, 5), (40, 10)):
            await pilot.resize_terminal(*tiny)
            await settle(pilot)
            await pilot.pause(0.1)
            await pilot.press("escape", "5", "colon")  # the rows that fit change
            await settle(pilot)
        await pilot.resize_terminal(*size)
        await settle(pilot)
        await pilot.pause(0.1)
        assert_screen_whole(app)
        assert _layout(app) == usual


@pytest.mark.parametrize("size", [(100, 30), (160, 48)], ids=["100x30", "160x48"])
async def test_the_graph_drawn_on_a_small_terminal_is_drawn_as_at_the_start_once_large(
    size: tuple[int, int],
) -> None:
    # Focused on a small terminal, the graph is drawn for the few lines its row has
    # there; the terminal made large again, it is drawn for the room it has at that size,
    # as at the start, not for the lines it had a moment before.
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        usual, drawn = _layout(app), app.query_one("#graph").picture.rows
        for small in ((80, 8), (60, 16)):
            await pilot.resize_terminal(*small)
            await settle(pilot)
            await pilot.pause(0.1)
            await pilot.press("escape", "1")
            await settle(pilot)
            assert app.focused is app.query_one("#graph")
            await pilot.resize_terminal(*size)
            await settle(pilot)
            await pilot.pause(0.1)
            assert_screen_whole(app)
            assert _layout(app) == usual, small
            assert app.query_one("#graph").picture.rows == drawn, small


async def test_on_a_40_column_screen_the_graph_keeps_half_the_top_row() -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=(40, 24)) as pilot:
        await settle(pilot)
        assert_screen_whole(app)
        graph, queue = app.query_one("#graph"), app.query_one("#queue")
        assert graph.outer_size.width == queue.outer_size.width == 20
        assert app.screen.region.contains_region(queue.region)


async def test_at_30_columns_the_output_s_one_line_shows_text_not_a_scrollbar() -> None:
    # The output's text wraps to the panel however narrow: laid out wider, it scrolled
    # sideways, and the scrollbar (its thumb's end, a stray "▎") took the only line.
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=(30, 7)) as pilot:
        await settle(pilot)
        output = app.main_screen.output
        assert output.content_region.height == 1
        assert not output.show_horizontal_scrollbar
        shown = drawn_line(app, output.content_region.y, output.content_region)
        assert shown.split() and not set("▏▎▍▌▋▊▉") & set(shown), shown
        last = output.lines[-1].text.split()
        assert shown.split()[: len(last)] == last

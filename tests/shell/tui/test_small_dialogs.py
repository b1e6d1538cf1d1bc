"""The dialogs on small terminals: down to the smallest screen the workbench draws (7
lines, 30 columns), the inject dialog shows the field being typed into with its name,
what was wrong and its buttons, and the help scrolls through all it says."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from rapide_shell.tui.screens.help_screen import HelpScreen
from rapide_shell.tui.screens.inject_dialog import InjectDialog
from rapide_shell.tui.screens.short_dialogs import SHORT_DIALOG_LINES
from rapide_shell.tui.widgets.command_bar import CommandBar
from tests.shell.tui.conftest import make_app, settle, wait_until
from tests.shell.tui.test_small_screens import SEED_SYSTEM

SIZES = [(80, 8), (30, 7), (40, 10), (80, 16), (80, 24), (120, 36)]
IDS = [f"{width}x{height}" for width, height in SIZES]


def assert_shown(app, selector: str) -> None:
    """The widget is drawn on the screen, whole, and nothing covers its first cell."""
    widget = app.screen.query_one(selector)
    region = widget.region
    assert region.height >= 1 and region.width >= 1, selector
    assert app.screen.region.contains_region(region), (selector, region)
    assert app.screen.get_widget_at(region.x, region.y)[0] is widget, selector


def assert_field_shown(app, name: str) -> None:
    """The field of the action named ``name`` is focused and on screen with its name."""
    field = app.screen.query_one(f"#field-{name}", Input)
    assert app.focused is field, name
    assert_shown(app, f"#field-{name}")
    label = field.parent.query_one(".field-label")
    assert app.screen.region.contains_region(label.region), name
    assert str(label.render()).startswith(f"{name}: ")


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_the_inject_dialog_injects_an_event_typed_into_it_at_any_size(
    size: tuple[int, int],
) -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
        await settle(pilot)
        assert app.screen.has_class("-short") is (size[1] < SHORT_DIALOG_LINES)
        name = app.screen.query_one("#inject-name", Input)
        assert app.focused is name
        for shown in ("#inject-name", "#inject-ok", "#inject-cancel"):
            assert_shown(app, shown)
        await pilot.press(*"APIService.re", "right")  # → takes the completion
        await settle(pilot)
        assert name.value == "APIService.request"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.focused, Input) and app.focused is not name)
        await settle(pilot)
        assert_field_shown(app, "type")
        await pilot.press(*"query", "enter")
        await settle(pilot)
        assert_field_shown(app, "key")
        # Enter on an empty required field says so; the field stays in view.
        await pilot.press("enter")
        await settle(pilot)
        assert "key is required" in str(app.screen.query_one("#inject-error").render())
        for shown in ("#inject-error", "#inject-ok", "#inject-cancel"):
            assert_shown(app, shown)
        assert_field_shown(app, "key")
        await pilot.press(*"users/9", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, InjectDialog)
        assert isinstance(app.focused, CommandBar)
        injected = [event for event in app.session.computation if event.payload.get("key")]
        assert [dict(event.payload) for event in injected][-1] == {
            "type": "query", "key": "users/9",
        }


@pytest.mark.parametrize("size", [(30, 7), (80, 8)], ids=["30x7", "80x8"])
async def test_the_inject_dialog_s_cancel_button_is_there_to_click_on_a_tiny_terminal(
    size: tuple[int, int],
) -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
        await settle(pilot)
        assert await pilot.click("#inject-cancel")
        await settle(pilot)
        assert not isinstance(app.screen, InjectDialog)
        assert len(list(app.session.computation)) == 1  # the seed's first event alone


async def test_the_inject_dialog_follows_the_terminal_made_tiny_and_large_again() -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
        await pilot.press(*"APIService.request", "enter")
        await settle(pilot)
        await pilot.press(*"query", "enter")
        await settle(pilot)
        tall = app.screen.query_one("#inject-box").region
        for size in ((80, 7), (30, 7), (80, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            await pilot.pause(0.1)
            assert_field_shown(app, "key")
            assert_shown(app, "#inject-ok")
        assert app.screen.query_one("#inject-box").region == tall
        assert app.screen.query_one("#field-type", Input).value == "query"


def _help_lines(app) -> list[str]:
    """The help's lines as drawn on the screen: its title line, then what is inside its
    frame."""
    box = app.screen.query_one("#help-box")
    inside = box.content_region
    drawn = ["".join(segment.text for segment in line)
             for line in app.screen._compositor.render_strips()]
    return [drawn[box.region.y].strip()] + [
        line[inside.x:inside.right].strip() for line in drawn[inside.y:inside.bottom]
    ]


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_the_help_shows_lines_of_its_own_and_scrolls_to_its_end_at_any_size(
    size: tuple[int, int],
) -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await settle(pilot)
        box = app.screen.query_one("#help-box")
        assert app.focused is box
        assert app.screen.region.contains_region(box.region)
        # On a short terminal, every line but the title's is the help's own.
        least = size[1] - 1 if size[1] < SHORT_DIALOG_LINES else int(size[1] * 0.9) - 4
        assert box.scrollable_content_region.height >= least
        lines = _help_lines(app)
        assert "Escape closes" in lines[0] and "Keys" in "\n".join(lines)
        await pilot.press("pagedown")
        await settle(pilot)
        assert box.scroll_y > 0
        await pilot.press("end")
        await settle(pilot)
        await pilot.pause(0.1)
        assert "Escape closes this help." in _help_lines(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        assert isinstance(app.focused, CommandBar)



async def test_the_help_says_its_bracketed_words_as_written_in_paragraphs_of_its_width() -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await settle(pilot)
        box = app.screen.query_one("#help-box")
        for _ in range(60):
            lines = _help_lines(app)
            if any("tagged" in line for line in lines):
                break
            await pilot.press("down")
            await settle(pilot)
        said = " ".join(" ".join(lines).split())
        assert "is written under the lanes, tagged [N]. A component" in said
        # A paragraph fills the lines of the box (not the source's line breaks).
        assert max(len(line) for line in lines) > box.content_region.width - 12

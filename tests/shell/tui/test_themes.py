"""Every built-in theme reads well: each text segment of the workbench stands out 4.5:1."""

from __future__ import annotations

import pytest
from textual.theme import BUILTIN_THEMES

from rapide_shell.tui.screens.help_screen import HelpScreen
from rapide_shell.tui.screens.inject_dialog import InjectDialog
from rapide_shell.tui.theme_colours import contrast
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command, wait_until
from tests.shell.tui.contrast import WCAG_AA, contrast_failures, drawn_segments

THEMES = sorted(BUILTIN_THEMES)


def test_the_contrast_ratio_is_wcags() -> None:
    from textual.color import Color

    assert contrast(Color(0, 0, 0), Color(255, 255, 255)) == pytest.approx(21.0)
    assert contrast(Color(118, 118, 118), Color(255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert WCAG_AA == 4.5


# The themes in three shares, one test each: the two workers of the suite share them.
SHARES = [THEMES[start::3] for start in range(3)]


@pytest.mark.slow
@pytest.mark.parametrize("themes", SHARES, ids=[f"share{n + 1}" for n in range(3)])
async def test_every_text_segment_reads_in_every_builtin_theme(shop_path, themes) -> None:
    app = make_app(shop_path)
    failures: dict[str, list[str]] = {}
    checked = 0

    async def check(view: str, dialog: str | None = None) -> None:
        # A dialog dims the screen under it on purpose: only the dialog is read there.
        nonlocal checked
        for theme in themes:
            app.theme = theme
            await pilot.pause(0)  # the theme's styles applied
            await pilot.pause(0)  # and drawn
            region = app.screen.query_one(dialog).region if dialog else None
            segments = drawn_segments(app, region)
            checked += len(segments)
            found = contrast_failures(app, segments)
            if found:
                failures[f"{view} in {theme}"] = found[:5]

    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "watch DatabaseService.result")
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "step")
        await type_command(pilot, "inject APIService.request type=query key=boom")
        await type_command(pilot, "run")
        await type_command(pilot, "inject APIService.request type=query key=2")
        await pilot.press("escape")
        await settle(pilot)
        # The event log focused, its cursor on the newest event; the queue has dispatches,
        # the problems panel an error, the output panel what every command printed.
        await check("main screen")
        log = app.query_one(EventLog)
        log.select_id("e3")
        await pilot.press("9")
        await settle(pilot)
        timeline = app.query_one(TimelinePanel)
        assert app.focused is timeline
        # The Timeline focused on an event in the middle: its past and future marked.
        await check("timeline")
        await pilot.press("2")
        await check("queue focused")
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
        await check("inject dialog", "#inject-box")
        await pilot.press("escape")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await check("help", "#help-box")
    assert checked > 3_000  # a third of the more than 10,000 every theme gives
    assert not failures, "\n".join(
        f"{where}:\n  " + "\n  ".join(lines) for where, lines in failures.items()
    )

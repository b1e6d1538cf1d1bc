"""The inspector's lines fit the room beside its scrollbar: nothing it draws is hidden."""

from __future__ import annotations

from pathlib import Path

from rapide_shell.tui.widgets.inspector import Inspector
from tests.shell.tui.conftest import (
    SIZE,
    drawn_line,
    make_app,
    settle,
    type_command,
    wait_until,
)

LONG = "AnInterfaceWhoseNameIsFarTooLongForTheInspectorPanelToShowOnOneLine"

ARCHITECTURE = f'''
from pyrapide import Pattern, action, architecture, get_context, interface, module, pipe, when


@interface
class {LONG}:
    @action
    async def tick(self, n: int) -> None: ...


@module(implements={LONG})
class Clock:
    @when(Pattern.match("{LONG}.tick"))
    async def on_tick(self, match):
        if match.payload["n"] < 20:
            await get_context(self).emit("{LONG}.tick", n=match.payload["n"] + 1)


@architecture
class Ticking:
    clock = {LONG}
    connections = [pipe(Pattern.match("{LONG}.tick"), target=clock)]
'''


async def test_lines_cut_with_an_ellipsis_keep_it_when_the_scrollbar_shows(tmp_path: Path):
    path = tmp_path / "ticking.py"
    path.write_text(ARCHITECTURE)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, f"inject {LONG}.tick n=0")
        await type_command(pilot, "run")
        inspector = app.query_one(Inspector)
        # The last event: its payload, a cause and a long causal history, more lines
        # than the panel has, so its scrollbar shows.
        assert inspector.show_vertical_scrollbar
        room = inspector.scrollable_content_region
        title = drawn_line(app, room.y, room)
        assert title.startswith(f"e21  {LONG[:20]}")
        assert title.endswith("…"), title
        cause = next(
            drawn_line(app, y, room) for y in range(room.y, room.bottom)
            if "← cause" in drawn_line(app, y, room)
        )
        assert cause.endswith("…"), cause
        # Scrolled to its foot, a line of the history is cut with its "…" in view too.
        inspector.focus()
        await pilot.press("end")
        await wait_until(pilot, lambda: inspector.scroll_y == inspector.max_scroll_y > 0)
        await settle(pilot)
        assert drawn_line(app, room.bottom - 1, room).endswith("…")


async def test_a_payload_value_too_long_for_the_panel_goes_on_below_it(shop_path: Path):
    app = make_app(shop_path)
    async with app.run_test(size=(120, 60)) as pilot:
        reason = "no_such_table:" + "orders_of_the_last_year_" * 6 + "end"
        await type_command(pilot, f'inject DatabaseService.error key=users/1 reason="{reason}"')
        await settle(pilot)
        inspector = app.query_one(Inspector)
        room = inspector.scrollable_content_region
        assert len(reason) > 2 * room.width
        shown = [drawn_line(app, y, room).rstrip() for y in range(room.y, room.bottom)]
        # Every character of the value is on screen, its lines under the key's, set in.
        start = next(n for n, line in enumerate(shown) if line.startswith('  "reason":'))
        value_lines = [shown[start]]
        for line in shown[start + 1 :]:
            if not line.startswith("    "):
                break
            value_lines.append(line)
        assert len(value_lines) >= 3
        assert "".join(line.strip() for line in value_lines) == f'"reason":"{reason}"'

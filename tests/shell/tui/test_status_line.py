"""The status line's error count: kept as problems arrive, right after the system is
replaced (reset, reload, going back and forth), never counted by walking them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from rapide_shell.tui import session_view
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from tests.shell.tui.conftest import (
    ARCHITECTURES,
    SIZE,
    make_app,
    settle,
    type_command,
    wait_until,
)

# A start hook that raises once the file is edited: a reloaded system's own error.
RAISING_START = '''
@module(implements=CacheService)
class Cache:
    async def start(self):
        raise RuntimeError("no cache today")

    @when(Pattern.match("APIService.request"))
    async def on_request(self, match):
        await get_context(self).emit("CacheService.stored", key=match.payload["key"])
'''


def _status_errors(app) -> int:
    status = str(app.query_one("#status").render())
    return int(re.search(r"(\d+) errors?\b", status)[1])


async def test_the_error_count_follows_reset_reload_and_time_travel(tmp_path: Path) -> None:
    shop = tmp_path / "shop.py"
    shutil.copy(ARCHITECTURES / "shop.py", shop)
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ErrorPanel)

        async def counted(line: str) -> int:
            await type_command(pilot, line)
            errors = _status_errors(app)
            assert errors == sum(p.command is None for p in panel.problems)
            return errors

        assert await counted("inject APIService.request type=query key=boom") == 0
        assert await counted("run") == 1  # the database raised
        await type_command(pilot, "inject APIService.request type=query key=missing")
        assert await counted("run") == 2  # and a lookup failed: a violation
        after_both = app.session.decisions.point.number
        # Back before the failed lookup, forward again, to the start, and to the end.
        assert await counted("back 3") == 1
        assert await counted("forward 3") == 2
        assert await counted("goto 0") == 0
        assert await counted(f"goto {after_both}") == 2
        assert await counted("reset") == 0
        assert await counted("inject APIService.request type=query key=boom") == 0
        assert await counted("run") == 1
        # Reloaded after an edit: the fresh system's start hook raises, and only that.
        source = shop.read_text()
        start = source.index("@module(implements=CacheService)")
        end = source.index("@module(implements=NotificationService)")
        shop.write_text(source[:start] + RAISING_START.lstrip() + "\n\n" + source[end:])
        assert await counted("reload") == 1
        assert "no cache today" in panel.problems[0].summary


class _Walked(list):
    """A list that counts how often it is walked."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        _Walked.walks += 1
        return super().__iter__()


async def test_a_frame_reads_the_error_count_without_walking_the_errors(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):
            app.session.inject("APIService.request", {"type": "query", "key": "boom"})
        await type_command(pilot, "run")
        panel = app.query_one(ErrorPanel)
        assert _status_errors(app) == 50
        panel._problems = _Walked(panel._problems)
        _Walked.walks = 0
        for _ in range(10):
            app.main_screen.view.redraw_status()
        assert _Walked.walks == 0
        assert _status_errors(app) == 50


def _status(app) -> str:
    return str(app.query_one("#status").render())


async def test_the_screenshot_note_goes_at_the_next_command_or_after_a_while(
    shop_path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("RAPIDE_SCREENSHOTS", str(tmp_path / "shots"))
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert "SVG saved in" in _status(app)
        await type_command(pilot, "inject APIService.request type=query key=1")
        assert "SVG saved in" not in _status(app)

        # The screenshot command's own note stays after it, then goes by itself. (Which
        # notes were shown is read as they are: on a busy machine the command may take
        # longer than the note's 1.5 s here.)
        monkeypatch.setattr(session_view, "NOTE_SECONDS", 1.5)
        view = app.main_screen.view
        notes: list[str] = []
        show_note = view.show_note
        monkeypatch.setattr(view, "show_note", lambda text: (notes.append(text), show_note(text)))
        await type_command(pilot, f"screenshot {tmp_path / 'shot.svg'}")
        assert [note.startswith("SVG saved in") for note in notes] == [True]
        await wait_until(pilot, lambda: "SVG saved in" not in _status(app), timeout=15)
        assert "pending" in _status(app)  # the rest of the line stays

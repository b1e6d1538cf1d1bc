"""Fixtures for driving the workbench TUI with a pilot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

ARCHITECTURES = Path(__file__).parent / "architectures"
SEED_SYSTEM = Path(__file__).parents[3] / "examples" / "seed_system.py"
SIZE = (120, 36)


@pytest.fixture
def shop_path() -> Path:
    """The four-component shop (connect, pipe, agent; a handler raises on key=boom)."""
    return ARCHITECTURES / "shop.py"


@pytest.fixture
def forever_path() -> Path:
    """A system whose run never ends by itself."""
    return ARCHITECTURES / "forever.py"


@pytest.fixture
def chain_path(tmp_path: Path) -> Path:
    """A chain of 300 components, connect, pipe and agent in turn: the graph lists them."""
    from tests.shell.tui.architectures.chain import write_chain

    return write_chain(tmp_path, 300, hops=20)


def make_app(path: Path, **options):
    """A RapideApp on a fresh session of the file at ``path``."""
    from rapide_shell.session import Session
    from rapide_shell.tui.app import RapideApp

    return RapideApp(Session.load(path, seed=0), **options)


async def settle(pilot, *, timeout: float = 5.0) -> None:
    """Waits until the commands in flight are done and their notifications are drawn."""
    app = pilot.app
    await pilot.pause()
    await asyncio.wait_for(app.workers.wait_for_complete(), timeout)
    # The redraws the session's notifications scheduled (a frame later, or at their
    # turn) have run, and what they drew is laid out.
    await wait_until(pilot, lambda: not app.main_screen.view.redraw_waiting, timeout)
    await pilot.pause()


async def wait_until(pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Lets the app run until ``condition()`` holds (fails the test after ``timeout``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the condition did not come true in time")
        await pilot.pause(0.02)


def assert_screen_whole(app, rows: tuple[str, ...] = ("top", "middle", "bottom")) -> None:
    """The status line on top, the command bar above the keys at the foot, each of
    ``rows`` (every row of panels, unless a short screen leaves some out) on screen with
    a line inside its borders and the others left out: nothing scrolled away, and
    nothing over the status line or the command bar."""
    from rapide_shell.tui.widgets.key_bar import KeyBar

    screen, height = app.main_screen, app.size.height
    assert screen.scroll_y == 0 and screen.max_scroll_y == 0
    assert screen.virtual_size.height <= height
    status, bar = app.query_one("#status"), app.query_one("#bar")
    assert status.region.y == 0
    keys = app.query_one(KeyBar).region
    assert bar.region.height == 1 and bar.region.bottom <= keys.y and keys.bottom == height
    for widget in (status, bar):  # what is drawn there is the widget itself
        assert screen.get_widget_at(widget.region.x, widget.region.y)[0] is widget
    for row in ("top", "middle", "bottom"):
        widget = app.query_one(f"#{row}")
        if row in rows:
            assert widget.display and widget.outer_size.height >= 3, row
            assert screen.region.contains_region(widget.region), row
        else:
            assert not widget.display, row


def drawn_line(app, y: int, region=None) -> str:
    """What the screen shows on line ``y`` (within ``region``'s columns, if given)."""
    strip = app.screen._compositor.render_strips()[y]
    line = "".join(segment.text for segment in strip)
    return line if region is None else line[region.x : region.right]


async def type_command(pilot, line: str, *, timeout: float = 5.0) -> None:
    """Puts ``line`` in the command bar, presses Enter and waits for the result (fails the
    test after ``timeout``)."""
    bar = pilot.app.query_one("#bar")
    bar.focus()
    bar.value = line
    await pilot.press("enter")
    await settle(pilot, timeout=timeout)

"""The collector held off while the workbench starts, and back on once its first frame shows."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from rapide_shell.tui import collector
from tests.shell.tui.conftest import make_app


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """Leaves the collector on, nothing frozen and nothing held, whatever the test did."""
    yield
    collector._held = False
    gc.unfreeze()
    gc.enable()


async def test_the_collector_is_off_until_the_first_frame_then_frozen_and_on(
    shop_path, collector_restored
) -> None:
    collector.hold_until_first_frame()
    assert not gc.isenabled()
    app = make_app(shop_path)
    frozen_before = gc.get_freeze_count()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        # The app has shown its first frame: what start-up made is frozen, the
        # collector runs again.
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen_before
        frozen = gc.get_freeze_count()
        collector.first_frame_shown()  # once only
        assert gc.get_freeze_count() == frozen


async def test_an_app_started_without_the_hold_leaves_the_collector_alone(
    shop_path, collector_restored
) -> None:
    frozen_before = gc.get_freeze_count()
    app = make_app(shop_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert gc.isenabled()
        assert gc.get_freeze_count() == frozen_before


def test_a_collector_turned_off_by_someone_else_stays_off(collector_restored) -> None:
    gc.disable()
    collector.hold_until_first_frame()
    collector.first_frame_shown()
    assert not gc.isenabled()

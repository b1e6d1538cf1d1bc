"""The queue lists the deliveries of the branch switched to, where the same ids name others."""

from __future__ import annotations

from rapide_shell.tui.widgets.dispatch_queue import DispatchQueue
from tests.shell.tui.conftest import SEED_SYSTEM, SIZE, drawn_line, make_app, type_command


def _queue_line(app, dispatch_id: int) -> str:
    """The queue's line of dispatch ``dispatch_id``, as the screen shows it."""
    room = app.query_one(DispatchQueue).content_region
    lines = [drawn_line(app, y, room).strip() for y in range(room.y, room.bottom)]
    return next(line for line in lines if line.lstrip("▶ ").startswith(f"#{dispatch_id} "))


async def test_a_dispatch_id_shows_what_it_delivers_on_the_branch_switched_to() -> None:
    app = make_app(SEED_SYSTEM)
    async with app.run_test(size=SIZE) as pilot:
        # On main the database answers first: pipe delivery #3 carries its result e2.
        for command in ("step #1", "step #2"):
            await type_command(pilot, command)
        assert "DatabaseService.result (e2) → api" in _queue_line(app, 3)
        # On alt the cache answers first: the same three ids pending, #3 carrying e3.
        for command in ("goto 0", "fork alt", "step #2", "step #1"):
            await type_command(pilot, command)
        assert "DatabaseService.result (e3) → api" in _queue_line(app, 3)
        await type_command(pilot, "switch main")
        pending = {dispatch.id: dispatch.event.id for dispatch in app.session.pending()}
        assert pending == {3: "e2", 4: "e4", 5: "e4"}
        assert "DatabaseService.result (e2) → api" in _queue_line(app, 3)

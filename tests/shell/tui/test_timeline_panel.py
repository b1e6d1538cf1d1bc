"""The Timeline panel: lanes, causes and their kinds, the causal cone, following a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapide_shell.causes import CauseKind, causes_of, wiring_deliveries
from rapide_shell.session import Session
from rapide_shell.timeline import LANE_MIN
from rapide_shell.tui.widgets.command_bar import CommandBar
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.inspector import Inspector
from rapide_shell.tui.widgets.timeline_panel import CAUSES_ROOM, TimelinePanel
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command, wait_until

ROOT = Path(__file__).resolve().parents[3]
KINDS = ROOT / "examples" / "connection_kinds.py"
SEED = ROOT / "examples" / "seed_system.py"
WIDE = (160, 48)


async def _run_and_zoom(pilot) -> None:
    """Runs the system to quiet and shows the Timeline full screen."""
    await type_command(pilot, "run")
    await type_command(pilot, "zoom timeline")


def _rows(app) -> list[str]:
    """The Timeline's lines as drawn, header included."""
    timeline = app.query_one(TimelinePanel)
    return [timeline.render_line(y).text for y in range(timeline.size.height)]


def _row_of(app, label: str) -> str:
    return next(line for line in _rows(app) if label in line)


FED_THREE_WAYS = """
from pyrapide import Pattern, action, agent, architecture, connect, interface, module, pipe, when


@interface
class Desk:
    @action
    async def call(self) -> None: ...

    @action
    async def note(self) -> None: ...

    @action
    async def letter(self) -> None: ...


@module(implements=Desk)
class Clerk:
    @when(Pattern.match("Desk.*"))
    async def on_any(self, match): ...


@architecture
class Office:
    clerk = Desk
    connections = [
        connect(Pattern.match("Desk.call"), target=clerk),
        agent(Pattern.match("Desk.note"), target=clerk),
        pipe(Pattern.match("Desk.letter"), target=clerk),
    ]
"""


async def test_kinds_feeding_a_lane_too_many_for_it_are_cut_with_an_ellipsis(tmp_path: Path):
    # "connect/agent/pipe" is wider than the widest lane: it was cut bare, and the
    # header read "connect/agent/pi".
    path = tmp_path / "office.py"
    path.write_text(FED_THREE_WAYS)
    app = make_app(path)
    async with app.run_test(size=WIDE) as pilot:
        await type_command(pilot, "inject Desk.note")
        await _run_and_zoom(pilot)
        timeline = app.query_one(TimelinePanel)
        kinds = _rows(app)[len(timeline._header_rows()) - 1]
        lane = timeline.grid.left["clerk"]
        shown = kinds[lane : lane + timeline.grid.width_of("clerk")]
        assert shown.endswith("…")
        assert "connect/agent/pipe".startswith(shown[:-1])


async def test_a_lane_per_component_and_each_event_in_its_lane() -> None:
    app = make_app(KINDS)
    async with app.run_test(size=WIDE) as pilot:
        await _run_and_zoom(pilot)
        timeline = app.query_one(TimelinePanel)
        # A connection's source just left of the worker it feeds; no env lane: nothing
        # was injected.
        assert timeline.lanes == [
            "connect_source", "connect_worker", "pipe_source",
            "pipe_worker", "agent_source", "agent_worker",
        ]  # fmt: skip
        assert timeline.row_count == len(app.session.computation) == 18
        grid = timeline.grid
        for label, lane in (("e1 job", "connect_source"), ("e13 done", "pipe_worker"),
                            ("e8 done", "agent_worker")):
            assert _row_of(app, label).index(label) == grid.left[lane]
        header = _rows(app)[: len(timeline._header_rows())]
        assert "connect_source" in header[0] and "pipe_worker" in header[0]
        assert header[-1].split() == ["t", "connect", "pipe", "agent"]


async def test_each_cause_is_drawn_and_listed_with_its_kind() -> None:
    app = make_app(KINDS)
    async with app.run_test(size=WIDE) as pilot:
        await _run_and_zoom(pilot)
        # Delivered through a pipe (═), and the pipe's order (⇊).
        pipe_done = _row_of(app, "e16 done")
        assert "═▶e16 done" in pipe_done and pipe_done.rstrip().endswith("← ═e3 ⇊e13")
        # Delivered through a connect (─), an agent (┄); the same handler's last emit (↓);
        # a connect's return (↩): the source's next job follows the worker's done,
        # linked back from the worker's lane.
        assert _row_of(app, "e10 done").rstrip().endswith("← ─e1")
        assert "┄▶e8 done" in _row_of(app, "e8 done")
        assert _row_of(app, "e3 job").rstrip().endswith("← ↓e2")
        returned = _row_of(app, "e11 job")
        assert returned.rstrip().endswith("← ↩e10") and "e11 job" in returned
        assert returned.index("◀╌") < app.query_one(TimelinePanel).grid.left["connect_worker"]
        # Time runs down the left: logical time where it moves.
        assert _row_of(app, "e10 done").lstrip().startswith("2 ")


async def test_time_standing_still_shows_the_step_order(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=WIDE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await _run_and_zoom(pilot)
        rows = _rows(app)
        events = list(app.session.computation)
        assert {event.timestamp for event in events} == {events[0].timestamp}
        first = next(line for line in rows if "e1 request" in line)
        last = next(line for line in rows if f"{events[-1].id} " in line)
        assert first.split()[0] == "1" and last.split()[0] == str(len(events))
        assert "env" in app.query_one(TimelinePanel).lanes  # the injected request's lane


def test_the_kinds_of_the_seed_examples_causes() -> None:
    import asyncio

    async def run() -> dict[str, list[tuple[str, CauseKind]]]:
        session = Session.load(SEED, seed=0)
        await session.start()
        await session.execute("run")
        poset = session.computation.poset
        delivered = wiring_deliveries(session.description)
        kinds = {
            event.id: [(cause.event.id, cause.kind) for cause in causes_of(event, poset, delivered)]
            for event in session.computation
        }
        await session.close()
        return kinds

    kinds = asyncio.run(run())
    # Each request reaches the database and the cache through a connect; the API's next
    # request follows what both did for it (a connect returns with its causes); results
    # come back through a pipe, in order; errors go out through an agent.
    assert kinds["e2"] == [("e1", CauseKind.CONNECT)]
    assert kinds["e3"] == [("e1", CauseKind.CONNECT)]
    assert kinds["e4"] == [("e2", CauseKind.RETURN), ("e3", CauseKind.RETURN)]
    assert kinds["e14"] == [("e2", CauseKind.PIPE)]
    assert kinds["e15"] == [("e14", CauseKind.THEN)]
    assert kinds["e13"] == [("e8", CauseKind.AGENT)]
    assert kinds["e17"] == [("e5", CauseKind.PIPE), ("e16", CauseKind.PIPE_ORDER)]


def test_the_cone_walk_stops_early_without_leaving_a_component_out() -> None:
    import asyncio

    from rapide_shell.tui.session_view import causal_cone

    async def run() -> Session:
        session = Session.load(SEED, seed=0)
        await session.start()
        await session.execute("run")
        return session

    session = asyncio.run(run())
    poset = session.computation.poset
    components = {component.name for component in session.description.components}
    for event in session.computation:
        whole = causal_cone(event, poset)
        early = causal_cone(event, poset, every=components)
        assert [side & components for side in early] == [side & components for side in whole]
    asyncio.run(session.close())


async def test_selecting_an_event_marks_its_causal_past_and_future_everywhere() -> None:
    app = make_app(KINDS)
    async with app.run_test(size=WIDE) as pilot:
        await type_command(pilot, "run")
        await pilot.press("escape", "9")
        timeline = app.query_one(TimelinePanel)
        assert app.focused is timeline
        await pilot.press("home")
        await pilot.press(*["down"] * 12)  # e13, the pipe's first done
        await settle(pilot)
        assert timeline.selected_event.id == "e13"
        # The log and the inspector follow the Timeline's cursor.
        log = app.query_one(EventLog)
        assert log.selected_event.id == "e13"
        assert app.query_one(Inspector).link_ids[0] == "cause:e2"
        poset = app.session.computation.poset
        past = {e.id for e in poset.ancestors("e13")}
        future = {e.id for e in poset.descendants("e13")}
        assert past == {"e2"} and future == {"e16", "e18"}
        past_style = timeline.get_component_rich_style("timeline--past")
        future_style = timeline.get_component_rich_style("timeline--future")

        def background_of(event_id: str) -> object:
            row = timeline.row_of(event_id)
            return timeline._row_strip(row)._segments[-1].style.bgcolor

        assert background_of("e2") == past_style.bgcolor
        assert background_of("e16") == background_of("e18") == future_style.bgcolor
        assert background_of("e3") not in (past_style.bgcolor, future_style.bgcolor)
        # The event log marks the same cone.
        assert log._cone_of(poset.get("e2")) == "past"
        assert log._cone_of(poset.get("e18")) == "future"
        assert log._cone_of(poset.get("e10")) is None
        # The graph marks the components the cone went through, once the cursor rests.
        graph = app.query_one(ConnectionGraph)
        await wait_until(pilot, lambda: graph._cone[0] == "pipe_worker")
        selected, graph_past, graph_future = graph._cone
        assert selected == "pipe_worker"
        assert graph_past == {"pipe_source"} and graph_future == {"pipe_worker"}


async def test_the_timeline_follows_a_run_until_the_cursor_moves_up(forever_path) -> None:
    app = make_app(forever_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        timeline = app.query_one(TimelinePanel)
        await type_command(pilot, "inject Ticker.tick n=0")
        await type_command(pilot, "zoom timeline")
        app.main_screen.submit_command("run")
        await wait_until(pilot, lambda: timeline.row_count > 50)
        await wait_until(pilot, lambda: timeline.cursor == timeline.row_count - 1)
        assert timeline.following
        # The newest row comes on screen, at the bottom.
        body = timeline.size.height - len(timeline._header_rows())
        await wait_until(pilot, lambda: timeline.scroll_y >= timeline.cursor - body + 1)
        await pilot.press("up")
        assert not timeline.following
        held = timeline.cursor
        await wait_until(pilot, lambda: timeline.row_count > held + 100)
        assert timeline.cursor == held
        await pilot.press("end")
        assert timeline.following
        await wait_until(pilot, lambda: timeline.cursor > held + 100)
        app.main_screen.submit_command("pause")
        await settle(pilot)


async def test_lanes_collapse_hide_and_come_back() -> None:
    app = make_app(KINDS)
    async with app.run_test(size=WIDE) as pilot:
        await _run_and_zoom(pilot)
        await pilot.press("home")
        timeline = app.query_one(TimelinePanel)
        assert timeline.selected_event.source == "connect_source"
        await pilot.press("minus")
        assert timeline.collapsed == {"connect_source"}
        assert timeline.grid.width_of("connect_source") == 1
        # The source's three jobs are dots in its one-cell lane, still linked from.
        dots = [line for line in _rows(app) if "●" in line]
        assert len(dots) == 3
        assert all(line.index("●") == timeline.grid.left["connect_source"] for line in dots)
        assert "─▶e10 done" in _row_of(app, "e10 done")
        await pilot.press("delete")
        assert "connect_source" in timeline.hidden
        assert "connect_source" not in timeline.shown_lanes
        assert timeline.row_count == 18 - 3
        assert all("job" not in line or "connect" not in line for line in _rows(app))
        # The rows left are the other lanes' events in recording order, each found by id.
        kept = [e for e in app.session.computation if e.source != "connect_source"]
        assert [timeline.row_of(e.id) for e in kept] == list(range(len(kept)))
        hidden_job = next(e for e in app.session.computation if e.source == "connect_source")
        assert timeline.row_of(hidden_job.id) is None
        assert not timeline.select_id(hidden_job.id)
        assert timeline.select_id(kept[7].id) and timeline.selected_event is kept[7]
        await pilot.press("plus")
        assert not timeline.hidden and not timeline.collapsed
        assert timeline.row_count == 18


@pytest.mark.parametrize("example", [KINDS, SEED], ids=["connection_kinds", "seed_system"])
def test_the_command_and_the_panel_draw_the_same_rows(example: Path) -> None:
    """The timeline command and the panel share the drawing: the same row per event."""
    import asyncio

    from rapide_timeline.lanes import Timeline

    from rapide_shell.timeline import LaneGrid, lane_feeds, lane_order

    async def run() -> None:
        session = Session.load(example, seed=0)
        await session.start()
        await session.execute("run")
        events = list(session.computation)
        drawing = Timeline.of(events, session.computation, session.description)
        lanes = lane_order(session.description, (e.source for e in events))
        assert list(drawing.lanes) == lanes
        grid = LaneGrid(lanes, 12, 3, feeds=lane_feeds(session.description))
        for row in drawing.rows:
            cells = grid.row(row.event, row.time, row.causes)
            assert row.event.id in "".join(text for text, _ in cells)
        await session.close()

    asyncio.run(run())



def _fits_without_scrolling_sideways(timeline: TimelinePanel) -> bool:
    room = timeline.scrollable_content_region.width
    return (
        not timeline.show_horizontal_scrollbar
        and timeline.virtual_size.width <= room
        and timeline.grid.width + CAUSES_ROOM <= room
    )


async def test_the_vertical_scrollbar_narrows_the_lanes_instead_of_overflowing() -> None:
    """The scrollbar that comes with a long run takes its column from the lanes."""
    app = make_app(SEED)
    # Wide enough for the Timeline beside the log, not so wide that its lanes are as
    # wide as they go with the scrollbar too.
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        timeline = app.query_one(TimelinePanel)
        assert not timeline.show_vertical_scrollbar and _fits_without_scrolling_sideways(timeline)
        await type_command(pilot, "run")
        await wait_until(pilot, lambda: timeline.show_vertical_scrollbar)
        await pilot.pause()
        assert _fits_without_scrolling_sideways(timeline)
        # Each row ends in its causes, inside the panel.
        assert _row_of(app, "e42 response").rstrip().endswith("← ═e33 ⇊e41")
        # When the scrollbar goes, the lanes take its column back.
        narrow_lanes = timeline.grid.lane_width
        await type_command(pilot, "reset")
        await wait_until(pilot, lambda: not timeline.show_vertical_scrollbar)
        await pilot.pause()
        assert _fits_without_scrolling_sideways(timeline)
        assert timeline.grid.lane_width > narrow_lanes


async def test_lanes_too_many_for_a_narrow_panel_still_scroll_sideways() -> None:
    app = make_app(SEED)
    async with app.run_test(size=(90, 30)) as pilot:
        await type_command(pilot, "run")
        await pilot.press("escape", "9")
        await pilot.pause()
        timeline = app.query_one(TimelinePanel)
        assert timeline.grid.lane_width == LANE_MIN
        assert timeline.show_horizontal_scrollbar and timeline.max_scroll_x > 0
        # Lanes at their narrowest ("e42 resp…"): the causes run past the edge until
        # the panel is scrolled right.
        assert "⇊e41" not in _row_of(app, "e42 resp")
        timeline.scroll_to(x=timeline.max_scroll_x, animate=False)
        await pilot.pause()
        assert _row_of(app, "42 resp").rstrip().endswith("═e33 ⇊e41")


async def test_typing_a_command_with_the_timeline_focused_goes_to_the_bar() -> None:
    # `c` and `h` were the Timeline's keys: typing `history` there hid a lane, then ran
    # `istory`, an error (and the shell's exit status 2).
    app = make_app(KINDS)
    async with app.run_test(size=WIDE) as pilot:
        await _run_and_zoom(pilot)
        timeline = app.query_one(TimelinePanel)
        assert app.focused is timeline
        for key in "history":
            await pilot.press(key)
        assert not timeline.hidden and not timeline.collapsed
        bar = app.query_one(CommandBar)
        assert app.focused is bar and bar.value == "history"


def test_the_cone_walk_stops_at_its_bound_inside_a_wide_fan() -> None:
    from pyrapide.core import Event, Poset
    from rapide_shell.tui.session_view import causal_cone

    # A root causing fifty leaves, all of which cause a join: one step away from the
    # join are fifty causes, from the root fifty effects.
    poset = Poset()
    root = Event("Root", {}, "root", "root", 0.0)
    poset.add(root)
    leaves = [Event("Leaf", {}, f"leaf{n}", f"l{n}", 0.0) for n in range(50)]
    for leaf in leaves:
        poset.add(leaf, [root])
    join = Event("Join", {}, "join", "join", 0.0)
    poset.add(join, leaves)
    walked: list[str] = []

    class Counting:
        def direct_causes(self, event: Event) -> tuple[Event, ...]:
            walked.append(event.id)
            return poset.direct_causes(event)

        def direct_effects(self, event: Event) -> tuple[Event, ...]:
            walked.append(event.id)
            return poset.direct_effects(event)

    past, _ = causal_cone(join, Counting(), limit=10)
    # The join's causes read, then ten leaves walked (and each one's effects, the
    # future side's one read of the join's own).
    assert len(past) == 10
    assert len(walked) == 1 + 10 + 1
    walked.clear()
    _, future = causal_cone(root, Counting(), limit=10)
    assert len(future) == 10
    assert len(walked) == 1 + 1 + 10

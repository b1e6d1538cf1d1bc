"""Picking a lesson up where it stopped: ``--from PART`` and ``resume`` after a Ctrl-C."""

from __future__ import annotations

import pytest

from rapide_shell.lessons import Lesson, find_lesson
from rapide_shell.script import play, read_script
from rapide_shell.script_parts import start_line
from rapide_shell.session import Session
from rapide_shell.tui.screens.wait_screen import WaitScreen
from rapide_shell.tui.widgets.narration_banner import NarrationBanner
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command, wait_until


def _shown(app) -> list[str]:
    return [line.text.rstrip() for line in app.main_screen.output.lines]


def _read(app) -> str:
    """The output as one text, its wrapped lines joined again."""
    return " ".join(line.strip() for line in _shown(app))


def _said(app, title: str = "script") -> list[str]:
    return [toast.message for toast in app._notifications if toast.title == title]


def _state(session: Session) -> tuple[list[tuple], str]:
    """What a run has come to: each event (id, name, source, payload, direct causes, in
    order) and the address of the point, which holds the seed and every decision."""
    computation = session.computation
    events = [
        (event.id, event.name, event.source, dict(event.payload),
         sorted(cause.id for cause in computation.direct_causes(event.id)))
        for event in computation.topological_order()
    ]
    return events, session.decisions.address().to_text()


async def _played_through(lesson: Lesson) -> tuple[list[tuple], str]:
    """The state the whole lesson leaves, played headless as `rapide run` plays it."""
    session = Session.load(lesson.architecture, seed=0)
    await session.start()
    try:
        result = await play(session, read_script(lesson.script), script=str(lesson.script))
        assert result.error is None and result.failed_expectations == []
        return _state(session)
    finally:
        await session.close()


async def _resume(pilot, app) -> None:
    """Enters `resume` (not waiting for every worker to end: the script plays on)."""
    bar = app.query_one("#bar")
    bar.focus()
    bar.value = "resume"
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.main_screen.player.playing)


async def _go_on_until_done(pilot, app, *, timeout: float = 60) -> None:
    """Presses a key at each `wait` until the script says it is done."""
    def done() -> bool:
        if isinstance(app.screen, WaitScreen):
            app.screen.dismiss(None)
        return any(message.startswith("The script is done") for message in _said(app))

    await wait_until(pilot, done, timeout=timeout)
    await settle(pilot)


@pytest.fixture
def choices() -> Lesson:
    return find_lesson("choices")


@pytest.fixture
def causality() -> Lesson:
    return find_lesson("causality")


async def test_a_lesson_played_from_a_part_comes_to_the_state_played_through(choices):
    # Part 5 goes back to the first branch (`switch main`): it needs the branches the
    # parts before it made, so they are replayed, not skipped.
    lines = read_script(choices.script)
    start = start_line(lines, "5", "choices")
    assert lines[start - 1].text == (
        "say `switch main` returns to the first outcome exactly as it was: Bea won there."
    )
    app = make_app(choices.architecture, script=choices.script, speed=0, start=start)
    async with app.run_test(size=SIZE) as pilot:
        # The four waits replayed go on at once: no key is pressed in this test.
        await wait_until(
            pilot, lambda: any(m.startswith("The script is done") for m in _said(app)),
            timeout=60,
        )
        await settle(pilot)
        shown = _shown(app)
        assert f"replaying lines 1 to {start - 1} quickly, to play on from line {start} " \
            "(part 5 of 5)" in _read(app)
        # The lines replayed are not echoed nor their output printed; those played are.
        assert "> goto 0" not in shown and "> history" not in shown
        assert "> switch main" in shown and "> why e3" in shown
        # Every expect counts, those replayed too.
        assert "ok: 7 expectations held" in shown
        assert app.tally.exit_status == 0
        assert _state(app.session) == await _played_through(choices)
        assert len(app.session.expectations) == 7


@pytest.mark.slow
async def test_a_lesson_taken_over_and_resumed_comes_to_the_state_played_through(causality):
    app = make_app(causality.architecture, script=causality.script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen), timeout=15)
        # The banner names the part a key goes on to, as --from names it.
        banner = app.query_one(NarrationBanner)
        assert "▶ press any key to go on to part 2 of 7" in str(banner.render())
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: "`resume` plays the rest" in _read(app))
        assert "`resume` plays the rest, from line 5 (part 2 of 7)" in _read(app)
        assert "after Ctrl+Q, `rapide lessons causality --from 2` plays the lesson again " \
            "from part 2 (without --from, from its start)" in _read(app)
        assert "The script stopped: the session is yours. `resume` plays the rest." \
            in _said(app)
        await settle(pilot)
        assert len(app.session.computation) == 1  # the step of part 2 has not run

        # Looking around meanwhile changes nothing the lesson goes on from.
        await type_command(pilot, "why e1")
        await _resume(pilot, app)
        assert f"resuming {causality.script} at line 5 (part 2 of 7)" in _read(app)
        await _go_on_until_done(pilot, app)
        shown = _shown(app)
        assert not any(line.startswith("> goto") for line in shown)
        # What the lines before the Ctrl-C met is summed up with the rest's.
        assert shown[-1] == "ok: 7 expectations held"
        assert app.tally.exit_status == 0
        assert _state(app.session) == await _played_through(causality)


async def test_resume_goes_back_to_where_the_script_stopped_and_keeps_what_was_done(
    causality,
):
    app = make_app(causality.architecture, script=causality.script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen), timeout=15)
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: app.main_screen.player.stopped_script is not None)
        await settle(pilot)
        # The class tries something of its own: the run moves on from where it stopped.
        await type_command(pilot, "inject Till.sale n=9 total=1")
        assert len(app.session.computation) == 2
        await _resume(pilot, app)
        await _go_on_until_done(pilot, app)
        shown = _shown(app)
        assert any(line.startswith("> goto r1-") for line in shown), shown
        assert _state(app.session) == await _played_through(causality)
        # The sale injected by hand is not lost: it is a branch of its own.
        branches = (await app.session.execute("branches")).data["branches"]
        assert len(branches) == 2


async def test_a_ctrl_c_during_resume_s_goto_hands_the_session_back_before_the_rest(
    causality, monkeypatch
):
    app = make_app(causality.architecture, script=causality.script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen), timeout=15)
        await pilot.press("ctrl+c")
        player = app.main_screen.player
        await wait_until(pilot, lambda: player.stopped_script is not None)
        await settle(pilot)
        stopped = player.stopped_script
        await type_command(pilot, "inject Till.sale n=9 total=1")
        # The Ctrl-C lands while the goto back runs: the goto is the script's, so the
        # user's take-over stops the rest from playing.
        execute_line = app.main_screen.execute_line

        async def goto_with_ctrl_c(line, **options):
            if line.startswith("goto "):
                assert player.playing  # what the user enters now is refused
                assert player.take_over()
            return await execute_line(line, **options)

        monkeypatch.setattr(app.main_screen, "execute_line", goto_with_ctrl_c)
        bar = app.query_one("#bar")
        bar.value = "resume"
        await pilot.press("enter")
        await wait_until(pilot, lambda: player.stopped_script is not None)
        await settle(pilot)
        assert not player.playing
        said = (f"script stopped before line {stopped.next_line} of {stopped.path}, which "
                "did not run: the session is yours")
        # Blanks aside: a long path wraps where the output's width falls.
        assert "".join(said.split()) in "".join(_read(app).split())
        assert app.session.decisions.address() == stopped.address
        assert player.stopped_script.next_line == stopped.next_line  # resume may go on


async def test_resume_with_no_script_taken_over_says_so(causality):
    app = make_app(causality.architecture)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "resume")
        assert "error: nothing to resume: `resume` plays the rest of a script stopped by " \
            "Ctrl-C" in _read(app)
        assert app.main_screen.complete("resu") == ["resume"]


async def test_a_script_that_played_to_its_end_has_nothing_to_resume(shop_path, tmp_path):
    script = tmp_path / "short.rapide"
    script.write_text("inject APIService.request type=query key=1\nstep\nwait\n# the end\n")
    app = make_app(shop_path, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen))
        # The last part: the banner names none to go on to.
        assert "go on to part" not in str(app.query_one(NarrationBanner).render())
        await pilot.press("space")
        await wait_until(pilot, lambda: any(m.startswith("The script is done")
                                            for m in _said(app)))
        await type_command(pilot, "resume")
        assert "error: nothing to resume" in _read(app)


@pytest.mark.slow
async def test_a_second_take_over_resumes_again(causality):
    app = make_app(causality.architecture, script=causality.script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        for stopped_at in (5, 10):
            await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen), timeout=15)
            await pilot.press("ctrl+c")
            await wait_until(pilot, lambda: app.main_screen.player.stopped_script is not None)
            assert app.main_screen.player.stopped_script.next_line == stopped_at
            await settle(pilot)
            await _resume(pilot, app)
        await _go_on_until_done(pilot, app)
        assert _shown(app)[-1] == "ok: 7 expectations held"
        assert _state(app.session) == await _played_through(causality)


async def test_resume_runs_first_the_line_a_take_over_stopped_before(shop_path, tmp_path):
    # Ctrl-C while the script typed its first line stops it before that line, which did
    # not run: resume plays from that line, so nothing of the script is left out.
    script = tmp_path / "lesson.rapide"
    line = "inject APIService.request type=query key=1"
    script.write_text(f"{line}\nstep\n")
    app = make_app(shop_path, script=script, speed=20)  # 1.5 s to type the line
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one("#bar")
        await wait_until(pilot, lambda: bar.value.startswith("inject APIService"))
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: app.main_screen.player.stopped_script is not None)
        assert "`resume` plays the rest, from line 1 (part 1 of 1)" in _read(app)
        assert app.session.history == []
        app.main_screen.player.speed = 0  # the rest at once: it may end before `playing` is seen
        bar.value = "resume"
        await pilot.press("enter")
        await _go_on_until_done(pilot, app)
        assert app.session.history == ["resume", line, "step"]
        assert len(app.session.computation) == 2

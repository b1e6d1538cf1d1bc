"""``say`` and ``wait`` in the TUI: a banner a room can read, a script that waits for a key."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from rapide_shell.lessons import find_lesson
from rapide_shell.tui.screens.script_player import reading_time
from rapide_shell.tui.screens.wait_screen import WaitScreen
from rapide_shell.tui.widgets.command_bar import CommandBar
from rapide_shell.tui.widgets.key_bar import KeyBar
from rapide_shell.tui.widgets.narration_banner import GO_ON_HINT, NarrationBanner
from tests.shell.tui.conftest import (
    SIZE,
    assert_screen_whole,
    make_app,
    settle,
    type_command,
    wait_until,
)


def _banner(app) -> NarrationBanner:
    return app.query_one(NarrationBanner)


def _results(app) -> list:
    return app.session.computation.events_by_name("DatabaseService.result")


def _shown(app) -> list[str]:
    return [line.text.rstrip() for line in app.main_screen.output.lines]


async def _wait_typed(pilot) -> None:
    """Enters ``wait`` in the command bar, as typed by hand, and waits for it to wait."""
    app = pilot.app
    app.query_one("#bar").value = "wait"
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen))


async def test_a_played_script_narrates_then_waits_for_a_key(shop_path, tmp_path):
    script = tmp_path / "lesson.rapide"
    script.write_text(
        "say The API asks the database, and waits for its answer.\n"
        "wait\n"
        "inject APIService.request type=query key=1\n"
        "say it's the database's turn\n"
        "step\n"
    )
    app = make_app(shop_path, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        banner = _banner(app)
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen))
        assert banner.display
        assert banner.text == "The API asks the database, and waits for its answer."
        assert GO_ON_HINT in str(banner.render())
        # The key bar says what keys do while the script waits: not F2 to step.
        await pilot.pause()
        foot = app.screen.query_one(KeyBar).shown_keys()
        assert [(key.display, key.description) for key in foot.keys][:1] == [
            ("any key", "Go on")
        ]
        assert "Step" not in [key.description for key in foot.keys]
        assert app.screen.query_one(KeyBar).region.y == SIZE[1] - 1  # over the workbench's
        await pilot.pause(0.2)
        # The script holds: nothing after the wait has run.
        assert len(app.session.computation) == 0
        # Keys go to the waiting script, not to the command bar.
        await pilot.press("x")
        await wait_until(pilot, lambda: len(_results(app)) == 1)
        assert app.query_one("#bar").value == ""
        assert banner.text == "it's the database's turn"
        assert not banner.waiting
        assert GO_ON_HINT not in str(banner.render())
        await settle(pilot)
        shown = _shown(app)
        # Narration is printed once, marked, and never typed into the bar as a command.
        assert "» The API asks the database, and waits for its answer." in shown
        assert not any(line.startswith("> say") for line in shown)
        assert "> inject APIService.request type=query key=1" in shown


async def test_say_from_the_bar_shows_the_banner_and_say_alone_clears_it(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        banner = _banner(app)
        assert not banner.display
        await type_command(pilot, "say Welcome to the shop")
        assert banner.display and banner.text == "Welcome to the shop"
        assert "» Welcome to the shop" in _shown(app)
        assert "> say Welcome to the shop" in _shown(app)  # typed by hand: echoed as typed
        await type_command(pilot, "say")
        assert not banner.display


async def test_wait_typed_in_the_bar_waits_for_a_click_too(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_typed(pilot)
        assert _banner(app).display and _banner(app).waiting
        await pilot.click(offset=(10, 10))
        await settle(pilot)
        assert not isinstance(app.screen, WaitScreen)
        assert not _banner(app).display


async def test_a_paste_at_a_wait_goes_on_and_its_text_goes_to_the_bar(shop_path):
    # A student pasting a command while the lesson waited: the paste (one event, no
    # key) was taken by the waiting layer and lost, and the wait held on.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_typed(pilot)
        app.post_message(events.Paste("show queue\nwhy e"))
        await wait_until(pilot, lambda: "> show queue" in _shown(app))
        assert not isinstance(app.screen, WaitScreen)
        assert app.query_one("#bar").value == "why e"  # a last line without its end, left to finish


async def test_a_paste_at_a_played_wait_goes_on_to_the_next_part_only(shop_path, tmp_path):
    script = tmp_path / "lesson.rapide"
    script.write_text("say one\nwait\nsay two\nwait\nsay three\n")
    app = make_app(shop_path, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        banner = _banner(app)
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen))
        assert banner.text == "one"
        app.post_message(events.Paste("show queue\n"))
        await wait_until(pilot, lambda: banner.text == "two")
        await pilot.pause(0.2)
        # Waiting again: the paste went on once (what it entered waits for the end).
        assert isinstance(app.screen, WaitScreen) and banner.text == "two"
        await pilot.press("x")
        await wait_until(pilot, lambda: banner.text == "three")


async def test_say_and_wait_have_help_and_completion(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.main_screen.complete("say") == ["say "]
        assert sorted(app.main_screen.complete("wa")) == ["wait", "watch "]
        await type_command(pilot, "help wait")
        shown = "\n".join(_shown(app))
        assert "Pause a played script until the presenter presses a key." in shown


def test_narration_is_left_up_longer_the_longer_it_is():
    assert reading_time("one two three four five", 1.0) == 2.0
    assert reading_time("short", 2.0) == 2.4
    assert reading_time("anything at all", 0) == 0


LONG_SAY = "say The API asks the database, and waits for its answer before it goes on"


async def test_on_a_tiny_screen_the_narration_is_one_line_and_the_bar_stays(shop_path):
    size = (60, 16)
    app = make_app(shop_path)
    async with app.run_test(size=size) as pilot:
        banner = _banner(app)
        await type_command(pilot, LONG_SAY)
        await settle(pilot)
        assert_screen_whole(app)
        assert banner.outer_size.height == 1
        line = banner.render_line(0).text.strip()
        assert line.startswith("The API asks the database") and line.endswith("…")

        # Waiting, the hint to go on is whole, on the same line.
        await _wait_typed(pilot)
        await pilot.pause(0.1)
        line = banner.render_line(0).text.strip()
        assert line.startswith("The API") and line.endswith(GO_ON_HINT)
        assert_screen_whole(app)
        await pilot.press("x")
        await settle(pilot)

        # Taller again, the banner is whole again, without its padding at 80x24 (see
        # test_sizes), with it on a larger screen.
        for size, padding in (((80, 24), 0), ((100, 30), 1)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            await settle(pilot)
            assert_screen_whole(app)
            assert not banner.compact and banner.styles.padding.top == padding, size


async def test_a_narration_wrapped_to_another_height_refits_the_rows():
    # Lesson 4's last narration at 80x24 takes three lines across the whole width and
    # four beside a scrollbar. Set, the banner was laid out first with its padding, the
    # screen overflowed and drew a scrollbar for a moment, and the banner wrapped to
    # four lines: the rows stayed fitted to three, and the command bar was pushed off
    # the screen, so that a student typed `effects e4` blind. The screen's gutter held
    # open stands for that scrollbar here: wrapped to another height, the banner has
    # the rows fitted again to what it leaves them.
    text = (
        "Your turn: `effects e4` shows what the bad withdrawal led to. `where` prints "
        "this point's address; fix the check in 04_constraints.py, `reload`, then "
        "`goto` that address (Tab completes it) to make the same withdrawals again."
    )
    app = make_app(find_lesson("constraints").architecture)
    async with app.run_test(size=(80, 24)) as pilot:
        banner = _banner(app)
        await type_command(pilot, f"say {text}")
        await settle(pilot)
        app.main_screen.fit_panels()  # for the banner as it is now: three lines
        await settle(pilot)
        assert banner.size.height == 3
        assert_screen_whole(app)
        app.main_screen.styles.scrollbar_gutter = "stable"
        await settle(pilot)
        await pilot.pause(0.1)
        assert banner.size.height == 4
        assert_screen_whole(app)


@pytest.mark.slow
async def test_a_narration_too_long_for_the_banner_is_cut_with_an_ellipsis_above_the_hint(
    shop_path,
):
    # A teacher's paragraph of narration at 80x24 (a projector's large type): the banner,
    # at its tallest, cut it silently at the bottom, its end and the hint to go on with
    # it. The whole text stays in the Output; the banner ends it with "…".
    words = " ".join(f"word{n}" for n in range(120))
    app = make_app(shop_path)
    async with app.run_test(size=(80, 24)) as pilot:
        banner = _banner(app)
        await type_command(pilot, f"say {words}")
        await settle(pilot)
        await _wait_typed(pilot)
        await pilot.pause(0.1)
        shown = [banner.render_line(y).text.strip() for y in range(banner.size.height)]
        shown = [line for line in shown if line]
        assert shown[0].startswith("word0 word1")
        assert shown[-1] == GO_ON_HINT
        assert shown[-2].endswith("…")
        assert_screen_whole(app)
        assert any("word119" in line for line in _shown(app))
        await pilot.press("x")
        await settle(pilot)
        # Not waiting, the cut text alone fills the banner, its last line ending "…".
        shown = [banner.render_line(y).text.strip() for y in range(banner.size.height)]
        assert [line for line in shown if line][-1].endswith("…")


async def test_what_the_user_enters_while_a_script_plays_waits_for_its_end(shop_path, tmp_path):
    # A presenter's stray F5, or a command typed mid-lesson, would otherwise run between
    # the script's lines, which then act on another state and stop with an error (or a
    # failed expect) that is not the script's own.
    script = tmp_path / "lesson.rapide"
    script.write_text(
        "say The database answers first; the cache waits its turn, and so does the api.\n"
        "inject APIService.request type=query key=1\n"
        "step\n"
        "expect DatabaseService.result count=1\n"
        "expect CacheService.stored none\n"
    )
    # The narration is left up six seconds: the keys below land while the script plays,
    # however loaded the machine (at 0.4 s a line the script could end before they were
    # read). Once they have been, the rest of the script plays at full speed.
    app = make_app(shop_path, script=script, speed=1.5)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot, lambda: _banner(app).text.startswith("The database answers"), timeout=15
        )
        await pilot.press("f5")
        bar = app.query_one("#bar")
        bar.focus()
        bar.value = "inject APIService.request type=query key=2"
        await pilot.press("enter")
        refused = [
            "The script is playing: `run` can wait for its end, when the session is yours. "
            "(Ctrl+C takes it over now; Ctrl+Q quits.)",
            "The script is playing: `inject APIService.request type=query key=2` can wait for "
            "its end, when the session is yours. (Ctrl+C takes it over now; Ctrl+Q quits.)",
        ]

        def said() -> list[str]:
            return [toast.message for toast in app._notifications if toast.title == "script"]

        # Read while the script plays: a notice leaves the screen after a few seconds.
        await wait_until(pilot, lambda: said() == refused, timeout=10)
        assert app.main_screen.player.playing
        app.main_screen.player.speed = 0
        await wait_until(pilot, lambda: "The script is done: the session is yours." in said(),
                         timeout=30)
        await settle(pilot)
        shown = _shown(app)
        assert "ok: 2 expectations held" in shown, shown
        assert len(app.session.computation.events_by_name("APIService.request")) == 1
        assert "> run" not in shown
        # Once it has ended, the session is the user's.
        await type_command(pilot, "run")
        assert len(app.session.computation.events_by_name("CacheService.stored")) == 1


async def test_a_played_output_too_long_for_the_panel_is_shown_from_its_start(
    shop_path, tmp_path
):
    # A lesson's `why` tree is read from its root: following the panel's end, the room
    # saw its last branches only, and the narration after it pushed it further up.
    script = tmp_path / "lesson.rapide"
    script.write_text("help\nsay Read them from the first.\nwait\nshow components\n")
    app = make_app(shop_path, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        output = app.main_screen.output
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen))
        await pilot.pause(0.2)
        shown = _shown(app)
        echoed = shown.index("> help")
        assert len(shown) - echoed > output.scrollable_content_region.height
        assert output.scroll_offset.y == echoed
        assert shown[-1] == "» Read them from the first."  # written, below, not scrolled to
        # The next command is followed again, from the end.
        await pilot.press("space")
        await wait_until(pilot, lambda: any(
            toast.message.startswith("The script is done") for toast in app._notifications
        ))
        await settle(pilot)
        assert output.scroll_offset.y == output.max_scroll_y > echoed


async def test_a_played_output_is_held_from_its_own_line_after_a_pause_the_user_entered(
    shop_path, tmp_path, monkeypatch
):
    # The user's `pause`, entered while a played command ran, is echoed under it: the
    # command's output is still shown from the command's own line, not from the pause's.
    script = tmp_path / "lesson.rapide"
    script.write_text("help\nsay Read them from the first.\nwait\n")
    app = make_app(shop_path, script=script, speed=0)
    screen = app.main_screen
    execute_line = screen.execute_line

    async def help_then_a_pause(line, **options):
        outcome = await execute_line(line, **options)
        if line == "help":
            screen.echo("pause")  # as the screen echoes a pause the user enters
        return outcome

    monkeypatch.setattr(screen, "execute_line", help_then_a_pause)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen))
        await pilot.pause(0.2)
        shown = _shown(app)
        assert "> pause" in shown
        assert screen.output.scroll_offset.y == shown.index("> help")


# -- taking a played script over: Ctrl-C, as `rapide run` stops one ------------------------


def _read(app) -> str:
    """The output as one text, its wrapped lines joined again."""
    return " ".join(line.strip() for line in _shown(app))


def _stopped_at(app) -> list[str]:
    return [line for line in _shown(app) if line.startswith("script stopped at line")]


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    """A folder to play scripts from, by a name short enough for a line of the output."""
    monkeypatch.chdir(tmp_path)
    return Path()


async def test_ctrl_c_stops_a_played_script_after_its_line_and_the_session_is_yours(
    shop_path, here
):
    # A presenter who wants to show something else takes the session over, rather than
    # wait for the lesson to end or quit it.
    script = here / "lesson.rapide"
    script.write_text(
        "expect DatabaseService.result\n"
        "inject APIService.request type=query key=1\n"
        "say The database answers first.\n"
        "wait\n"
        "step\n"
        "expect DatabaseService.result count=1\n"
    )
    app = make_app(shop_path, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen))
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: bool(_stopped_at(app)))
        assert _stopped_at(app) == [f"script stopped at line 4 of {script}: the session is yours"]
        assert not isinstance(app.screen, WaitScreen)  # the wait it held at has ended
        assert "Ctrl-C: stopping the script after the line in progress; Ctrl-C again quits" \
            in _read(app)
        await settle(pilot)
        assert _results(app) == []  # the lines after it were not played
        # From here the session is the user's: what is typed runs.
        await type_command(pilot, "step")
        assert len(_results(app)) == 1
        assert app.is_running
    # What the script's lines met still counts; the Ctrl-C that took over, nothing.
    assert app.tally.summary() == "exit status 1: 1 expectation failed (line 1)"


async def test_a_second_ctrl_c_after_taking_a_script_over_quits(shop_path, here):
    script = here / "lesson.rapide"
    script.write_text("expect DatabaseService.result\nwait\nstep\n")
    app = make_app(shop_path, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen))
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: bool(_stopped_at(app)))
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: not app.is_running)
    assert app.tally.summary() == "exit status 1: 1 expectation failed (line 1)"


async def test_ctrl_c_pauses_a_run_the_script_began_and_stops_the_script(forever_path, here):
    script = here / "ticks.rapide"
    script.write_text("inject Ticker.tick n=0\nrun\nexpect Ticker.tick count=1\n")
    app = make_app(forever_path, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.session.running)
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: bool(_stopped_at(app)))
        assert "Ctrl-C: pausing the run after the current step, and stopping the script; " \
            "Ctrl-C again quits" in _read(app)
        assert _stopped_at(app) == [f"script stopped at line 2 of {script}: the session is yours"]
        assert not app.session.running
        assert app.tally.lines == 2  # the expect after the run was not played
    assert app.tally.exit_status == 0


async def test_ctrl_c_cuts_the_pause_after_a_played_line_short(shop_path, here):
    # At a slow speed the narration is left up for a long while: taking over does not
    # wait for its end.
    script = here / "lesson.rapide"
    script.write_text("say Read this slowly.\nstep\n")
    app = make_app(shop_path, script=script, speed=60)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: _banner(app).text == "Read this slowly.")
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: bool(_stopped_at(app)))
        assert _stopped_at(app) == [f"script stopped at line 1 of {script}: the session is yours"]
        assert app.session.history == ["say Read this slowly."]


async def test_ctrl_c_while_a_played_line_is_typed_leaves_it_in_the_bar_unrun(shop_path, here):
    # The line being typed into the bar has not been entered: taking over stops the
    # script before it, and it waits in the bar for the user's Enter.
    script = here / "lesson.rapide"
    line = "inject APIService.request type=query key=1"
    script.write_text(f"{line}\nstep\n")
    app = make_app(shop_path, script=script, speed=20)  # 1.5 s to type the line
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(CommandBar)
        await wait_until(pilot, lambda: bar.value.startswith("inject APIService"))
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: not app.main_screen.player.playing)
        await settle(pilot)
        assert f"script stopped before line 1 of {script}, which did not run: the " \
            "session is yours" in _read(app)
        assert app.session.history == [] and bar.value == line
        assert f"> {line}" not in _shown(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.history == [line]
    assert app.tally.exit_status == 0


async def test_a_played_line_of_thousands_of_characters_is_typed_in_as_briefly(
    shop_path, here
):
    # Typed a character a step, each step putting the whole line so far in the bar, a
    # line of 20,000 characters (an inject of a large payload, as --record writes it)
    # took minutes to be entered, at any pace.
    script = here / "recorded.rapide"
    line = 'inject APIService.request {"type": "query", "key": "' + "k" * 20_000 + '"}'
    script.write_text(f"{line}\nstep\n")
    app = make_app(shop_path, script=script, speed=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(app.session.history) == 2, timeout=15)
        assert app.session.history == [line, "step"]
        assert app.session.computation.events_by_name("APIService.request")


async def test_a_played_line_longer_than_a_room_reads_goes_into_the_bar_at_once(
    shop_path, here
):
    # Each of the 80 typing steps puts the line so far in the bar, which completes it as
    # it changes, in time in proportion to the line: a recorded inject of two million
    # characters took minutes to be entered, the screen slow to answer and deaf to a
    # closing terminal meanwhile. The bar holds such a line whole, or not at all.
    script = here / "recorded.rapide"
    line = 'inject APIService.request {"type": "query", "key": "' + "k" * 5_000 + '"}'
    script.write_text(f"{line}\nstep\n")
    app = make_app(shop_path, script=script, speed=0.5)
    async with app.run_test(size=SIZE) as pilot:
        held: list[str] = []
        app.main_screen.watch(app.query_one(CommandBar), "value",
                              lambda value: held.append(value))
        await wait_until(pilot, lambda: len(app.session.history) == 2, timeout=15)
        assert app.session.history == [line, "step"]
    assert [len(value) for value in held if value.startswith("inject")] == [len(line)]


async def test_a_key_pressed_before_a_wait_leaves_the_script_typing_its_lines(shop_path, here):
    # The presenter pressed Space a moment before the lesson reached its `wait`: the
    # space went to the command bar, and the script, taking it for what the user had
    # typed, showed every line after it in the output only, for the rest of the lesson,
    # under a list of completions for the blank line. Blanks hold nothing to keep: the
    # script types its next line over them.
    script = here / "lesson.rapide"
    line = "inject APIService.request type=query key=1"
    script.write_text(f"say The request goes in next.\n{line}\nwait\nstep\n")
    app = make_app(shop_path, script=script, speed=1)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(CommandBar)
        await wait_until(pilot, lambda: _banner(app).text == "The request goes in next.")
        await pilot.press("space")
        assert bar.value == " "
        await wait_until(pilot, lambda: bar.value.startswith("inject"), timeout=30)
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen), timeout=30)
        assert bar.value == ""
        await pilot.press("space")
        await wait_until(pilot, lambda: not app.main_screen.player.playing, timeout=30)
        assert app.session.history == ["say The request goes in next.", line, "wait", "step"]
        assert bar.value == ""


async def test_what_the_user_typed_in_the_bar_stays_there_unrun_through_a_ctrl_c(
    shop_path, here
):
    # The script shows its next line in the output alone rather than type it over what
    # the user has typed; the Ctrl-C stops it, and the user's line is theirs to run.
    script = here / "lesson.rapide"
    script.write_text("say Type something.\ninject APIService.request type=query key=1\nstep\n")
    app = make_app(shop_path, script=script, speed=1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: _banner(app).text == "Type something.")
        await pilot.press(*"show queue")
        bar = app.query_one(CommandBar)
        # At speed 1 the inject waits for the narration to be read: on a loaded machine
        # (the whole suite on two cores) that took more than 10 s.
        await wait_until(pilot, lambda: len(app.session.history) == 2, timeout=30)
        assert bar.value == "show queue"
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: not app.main_screen.player.playing)
        await settle(pilot)
        assert _stopped_at(app) == [f"script stopped at line 2 of {script}: the session is yours"]
        assert bar.value == "show queue"
        assert app.session.history == ["say Type something.",
                                        "inject APIService.request type=query key=1"]


async def test_a_lesson_taken_over_says_how_to_play_it_again(monkeypatch):
    from rapide_shell.lessons import find_lesson

    lesson = find_lesson("causality")
    monkeypatch.chdir(lesson.script.parent)
    script = Path(lesson.script.name)
    app = make_app(lesson.architecture, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen), timeout=15)
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: bool(_stopped_at(app)))
        assert _stopped_at(app) == [
            f"script stopped at line 4 of {script}: the session is yours"
        ]
        assert "`resume` plays the rest, from line 5 (part 2 of 7)" in _read(app)
        assert "after Ctrl+Q, `rapide lessons causality --from 2` plays the lesson again " \
            "from part 2 (without --from, from its start)" in _read(app)


async def test_what_the_user_types_while_the_script_types_its_line_stays_theirs(
    shop_path, here
):
    # The script stops typing its line at the user's first key: the bar holds what the
    # user typed (the script's part taken out), and the line is shown and run as when
    # the bar held the user's text before the script began it.
    script = here / "lesson.rapide"
    line = "inject APIService.request type=query key=1"
    script.write_text(f"{line}\n")
    app = make_app(shop_path, script=script, speed=20)  # 1.5 s to type the line
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(CommandBar)
        await wait_until(pilot, lambda: bar.value.startswith("inject"))
        await pilot.press(*"show")
        await wait_until(pilot, lambda: app.session.history == [line], timeout=10)
        assert bar.value == "show"
        assert f"> {line}" in _shown(app)

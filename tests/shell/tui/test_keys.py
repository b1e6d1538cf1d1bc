"""Keys that cannot surprise: typing never fires a key, dialogs hand the focus back."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.selection import Selection
from textual.widgets import Input

from rapide_shell.tui.screens.help_screen import HelpScreen
from rapide_shell.tui.screens.inject_dialog import InjectDialog
from rapide_shell.tui.widgets.command_bar import CommandBar
from rapide_shell.tui.widgets.dispatch_queue import DispatchQueue
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.key_bar import KeyBar
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command, wait_until


async def _type(pilot, text: str) -> None:
    for character in text:
        await pilot.press("space" if character == " " else character)


def _burst(app, keys: list[str]) -> None:
    """Queues ``keys`` at once, as keys typed while the app is busy (or sent together by
    tmux) arrive: one turn of the app's queue."""
    special = {"enter": "\r", "ctrl+j": "\n", "backspace": "\x7f"}
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else special.get(key)))


async def _open_inject_dialog(pilot) -> Input:
    """Opens the inject dialog with F3 and returns its name field."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("f3")
    await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
    return app.screen.query_one("#inject-name", Input)


async def test_typing_after_escape_a_panel_key_and_a_dialog_runs_nothing(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        recorded = len(app.session.computation)
        pending = [d.id for d in app.session.pending()]
        await pilot.press("escape", "2")
        assert isinstance(app.focused, DispatchQueue)
        # A dialog, closed: the focus goes back to the bar, not to the panel.
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, CommandBar)
        await pilot.press("escape", "3")
        assert isinstance(app.focused, EventLog)
        # Typed in a panel: "w" (watch), "r" (run), "i" (inject), "s" (step), "b" (break)
        # all go to the command bar as text.
        await _type(pilot, "watch DatabaseService.result")
        await settle(pilot)
        bar = app.query_one(CommandBar)
        assert isinstance(app.focused, CommandBar)
        assert bar.value == "watch DatabaseService.result"
        assert len(app.session.computation) == recorded
        assert [d.id for d in app.session.pending()] == pending
        assert not isinstance(app.screen, InjectDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert [watch.pattern_text for watch in app.session.watches] == [
            "DatabaseService.result"
        ]
        assert len(app.session.computation) == recorded


async def test_the_inject_dialog_hands_the_focus_back_to_the_bar(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "2", "f3")
        await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, CommandBar)
        await _type(pilot, "step")
        assert app.query_one(CommandBar).value == "step"
        assert not app.session.computation.events


async def test_colon_focuses_the_bar_without_typing_itself(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "3", "colon")
        bar = app.query_one(CommandBar)
        assert isinstance(app.focused, CommandBar) and bar.value == ""
        await pilot.press("colon")  # the vim reflex, in an empty bar
        assert bar.value == ""
        await _type(pilot, "inject")
        await pilot.press("space", "colon")  # a colon inside a command is text
        assert bar.value == "inject :"


async def test_panel_keys_are_in_the_footer_only_where_they_act(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")

        def footer_keys() -> set[str]:
            return {key for key, active in app.screen.active_bindings.items()
                    if active.binding.show}

        lanes = {"minus", "delete", "plus"}
        assert not lanes & footer_keys()
        await pilot.press("escape", "9")
        assert isinstance(app.focused, TimelinePanel)
        assert lanes <= footer_keys()
        # No letter key: every letter typed there is text for the command bar.
        assert not [key for key in footer_keys() if len(key) == 1 and key.isalpha()]
        await pilot.press("3")
        assert not lanes & footer_keys()


async def test_the_inject_dialog_forgets_an_error_once_the_name_is_fixed(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        name = await _open_inject_dialog(pilot)
        # The empty field shows an example, not what looks like a name filled in.
        first = next(iter(app.session.actions))
        assert name.placeholder == f"e.g. {first}"
        name.value = ""
        await pilot.pause()
        app.screen.action_inject()
        await pilot.pause()
        error = app.screen.query_one("#inject-error")
        assert "an event name is needed" in str(error.render())
        name.value = "APIService.reqest"
        await pilot.pause()
        app.screen.action_inject()
        await pilot.pause()
        # The close name is offered, in the words `inject` uses.
        assert str(error.render()) == (
            "unknown event 'APIService.reqest': no interface declares it; did you mean "
            "'APIService.request' or 'DatabaseService.result'?"
        )
        name.value = "APIService.request"
        await pilot.pause()
        assert str(error.render()).strip() == ""


async def test_f12_saves_a_screenshot_over_the_dialog_where_the_status_says(
    shop_path, tmp_path: Path
) -> None:
    app = make_app(shop_path, screenshots=tmp_path / "pictures")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
        await pilot.press("f12")
        await pilot.pause()
        saved = list((tmp_path / "pictures").glob("*.svg"))
        assert len(saved) == 1
        assert "Inject an event" in saved[0].read_text(encoding="utf-8").replace("&#160;", " ")
        await pilot.press("escape")
        await settle(pilot)
        status = str(app.query_one("#status").render())
        assert "SVG saved in /tmp/…/" in status and status.endswith("/pictures")
        said = "".join(line.text.strip() for line in app.main_screen.output.lines)  # hanging
        assert "screenshot saved to" in said and str(saved[0]) in said


async def test_a_panel_goes_full_screen_and_back(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "zoom timeline")
        timeline = app.query_one(TimelinePanel)
        assert app.screen.maximized is timeline
        assert timeline.region.height > SIZE[1] - 6
        await pilot.press("escape")
        assert app.screen.maximized is None
        await pilot.press("escape", "3", "f11")  # the panel focused goes full screen
        assert app.screen.maximized is app.query_one(EventLog)
        await pilot.press("f11")
        assert app.screen.maximized is None
        await type_command(pilot, "zoom errors")
        assert app.screen.maximized is None
        assert "the errors panel is hidden: No errors so far." in "\n".join(
            line.text for line in app.main_screen.output.lines
        )


async def test_zoom_names_each_panel_as_its_title_does(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "zoom output")  # the panel titled "Output"
        assert app.screen.maximized is app.query_one("#console")
        said = "\n".join(line.text for line in app.main_screen.output.lines)
        assert "output full screen" in said and "error" not in said
        await type_command(pilot, "zoom")
        assert app.screen.maximized is None
        # Quoted, as a branch, a file or an event name may be.
        await type_command(pilot, 'zoom "output"')
        assert app.screen.maximized is app.query_one("#console")
        await type_command(pilot, "zoom")
        assert "zoom output" in app.main_screen.complete("zoom ou")
        await type_command(pilot, "zoom nowhere")
        said = "\n".join(line.text for line in app.main_screen.output.lines)
        assert "zoom takes one of graph, queue, events, timeline, inspector, history, " \
               "output, errors, watches, not 'nowhere'" in " ".join(said.split())


async def test_a_panel_full_screen_keeps_the_status_line_the_bar_and_the_keys(
    shop_path,
) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "zoom history")
        await pilot.pause()
        history = app.query_one("#history")
        assert app.screen.maximized is history
        # What is typed while a panel is alone shows where it goes, and the keys too.
        for widget in (app.query_one("#status"), app.query_one(CommandBar),
                       app.query_one(KeyBar)):
            assert widget.region.height == 1, widget
        assert history.region.height >= SIZE[1] - 5
        await pilot.press("escape", "8", "f11", "s")
        await pilot.pause()
        assert app.screen.maximized is history
        assert app.query_one(CommandBar).value == "s"


async def test_a_digit_typed_right_after_a_letter_in_a_panel_goes_to_the_bar(
    shop_path,
) -> None:
    # Keys that arrive together (typed fast, or sent at once by tmux) each see the focus
    # the one before left: the bar takes the first letter at once, not a moment later,
    # so "e1" is text, not "e" then the graph's key.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "3")
        assert isinstance(app.focused, EventLog)
        _burst(app, ["e", "1"])
        await pilot.pause()
        assert app.query_one(CommandBar).value == "e1"
        assert isinstance(app.focused, CommandBar)


async def test_keys_that_arrive_together_act_in_the_order_they_were_typed(shop_path) -> None:
    # A busy moment (a frame being drawn, a step being run) lets keys queue up: the
    # bar's own keys (Enter, Backspace, Ctrl+U, Tab ...) still act where they were typed,
    # not after the letters that came behind them.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(CommandBar)
        _burst(app, [*"wherx", "backspace", *"e", "enter", *"helq", "ctrl+u", *"ru"])
        await settle(pilot)
        assert bar.history == ["where"]
        assert bar.value == "ru"


async def test_a_line_typed_before_the_screen_was_up_runs(shop_path) -> None:
    # Typed as `rapide shell` starts, before the terminal is read key by key: the
    # terminal hands the letters over, and Enter as the newline it made of it (Ctrl+J).
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(CommandBar)
        _burst(app, [*"where", "ctrl+j"])
        await settle(pilot)
        assert bar.history == ["where"]
        assert bar.value == ""
        assert app.session.history == ["where"]


async def test_the_inject_dialog_takes_keys_that_arrive_together_in_order(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        name = await _open_inject_dialog(pilot)
        _burst(app, [*"Nope", "ctrl+u", *"APIService.request"])
        await pilot.pause()
        assert name.value == "APIService.request"


async def test_lines_pasted_into_the_bar_run_one_after_the_other(shop_path) -> None:
    # A paste of several lines (commands copied from a script or the README) runs each
    # whole line in turn, as a terminal does; a last line without its end stays in the
    # bar to be finished.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(CommandBar)
        pasted = "inject APIService.request type=query key=1\nrun\nexpect CacheService.stored\nwat"
        app.post_message(events.Paste(pasted))
        await wait_until(pilot, lambda: len(app.session.history) == 3)
        await settle(pilot)
        assert app.session.history == [
            "inject APIService.request type=query key=1", "run", "expect CacheService.stored"
        ]
        said = "\n".join(line.text for line in app.main_screen.output.lines)
        assert "ok: CacheService.stored" in said and "error" not in said
        assert bar.value == "wat"
        assert bar.history[-3:] == app.session.history
        app.post_message(events.Paste("ch APIService.request"))  # one line: text
        await pilot.pause()
        assert bar.value == "watch APIService.request"
        assert len(app.session.history) == 3



async def test_lines_pasted_with_a_panel_focused_go_to_the_bar(shop_path) -> None:
    # As a letter typed outside the bar does: a paste after Escape (or a click on a
    # panel) is the bar's, its whole lines run and the rest waits there. It was lost.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "3")
        await wait_until(pilot, lambda: isinstance(app.focused, EventLog))
        app.post_message(events.Paste("inject APIService.request type=query key=1\nrun\n"))
        await wait_until(pilot, lambda: len(app.session.history) == 2)
        await settle(pilot)
        assert app.session.history == ["inject APIService.request type=query key=1", "run"]
        bar = app.query_one(CommandBar)
        assert app.focused is bar and bar.value == ""
        await pilot.press("escape", "2")
        await wait_until(pilot, lambda: isinstance(app.focused, DispatchQueue))
        app.post_message(events.Paste("why e1"))  # part of a line: text in the bar
        await wait_until(pilot, lambda: bar.value == "why e1")
        assert app.focused is bar and len(app.session.history) == 2


async def test_one_whole_line_pasted_into_the_bar_runs_as_several_do(shop_path) -> None:
    # A line copied with its end (a line of a script, triple-clicked in a terminal) is
    # a whole line, as each of several is: it runs, as at the REPL's prompt, after what
    # the bar held; an end alone enters the bar's line, as Enter does.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(CommandBar)
        bar.value = "inject APIService.request "
        bar.cursor_position = len(bar.value)
        app.post_message(events.Paste("type=query key=1\n"))
        await wait_until(pilot, lambda: len(app.session.history) == 1)
        await settle(pilot)
        assert app.session.history == ["inject APIService.request type=query key=1"]
        assert bar.value == ""
        bar.value = "step"
        app.post_message(events.Paste("\n"))
        await wait_until(pilot, lambda: len(app.session.history) == 2)
        assert app.session.history[-1] == "step" and bar.value == ""


async def test_each_pasted_line_s_output_follows_its_own_echo(shop_path) -> None:
    # As at a terminal: "> step", what it did, then "> bogus", its error, and so on,
    # not the lines all echoed first and what they did after them.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        app.post_message(events.Paste("step\nbogus\nstep\n"))
        await wait_until(pilot, lambda: app.session.history[-1:] == ["step"] and len(
            app.session.history) >= 3)
        await settle(pilot)
        said = [line.text.rstrip() for line in app.main_screen.output.lines]
        said = said[next(i for i, line in enumerate(said) if line == "> step"):]
        echoed = [i for i, line in enumerate(said) if line.startswith("> ")]
        assert [said[i] for i in echoed] == ["> step", "> bogus", "> step"]
        ends = [*echoed[1:], None]
        first, bogus, second = (said[a + 1:b] for a, b in zip(echoed, ends, strict=True))
        assert first and first[0].startswith("ran #1 connect"), said
        assert bogus and bogus[0].startswith("error: unknown command 'bogus'"), said
        assert second and second[0].startswith("ran #2 connect"), said


_NOTE_TAKER = '''
from pyrapide import action, architecture, interface, module


@interface
class Desk:
    @action
    async def note(self, tags: list) -> None: ...


@architecture
class Office:
    desk = Desk
    connections = []


@module(implements=Desk)
class Clerk:
    pass
'''


async def test_the_inject_dialog_enters_the_line_a_recording_writes(tmp_path: Path) -> None:
    # JSON typed in a field reads "\udcfe" as a lone surrogate. The dialog entered it
    # raw, in a line of its own making that UTF-8 cannot hold, where the recording, an
    # address and a counterexample write the same injection escaped.
    file = tmp_path / "office.py"
    file.write_text(_NOTE_TAKER, encoding="utf-8")
    app = make_app(file)
    async with app.run_test(size=SIZE) as pilot:
        name = await _open_inject_dialog(pilot)
        name.value = "Desk.note"
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#field-tags", Input).value = '["\\udcfe"]'
        await pilot.press("enter")
        await settle(pilot)
        assert [event.payload for event in app.session.computation] == [{"tags": ["\udcfe"]}]
        entered = app.session.history[-1]
        assert entered == 'inject Desk.note {"tags": ["\\udcfe"]}'
        entered.encode("utf-8")


async def test_ctrl_c_copies_text_selected_with_the_mouse_then_interrupts_again(
    shop_path,
) -> None:
    # Text selected on the screen (dragged over with the mouse: a command a narration
    # shows, the status line) is copied by Ctrl-C, as in every terminal program that
    # selects text, and let go: the next Ctrl-C, a run to pause, is no second copy.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = app.query_one("#status")
        app.main_screen.selections = {status: Selection(None, None)}
        selected = app.main_screen.get_selected_text()
        assert selected and "pending" in selected
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.clipboard == selected
        assert not app.main_screen.selections
        output = app.main_screen.output
        assert "Ctrl-C again" not in "\n".join(line.text for line in output.lines)
        await pilot.press("ctrl+c")
        await wait_until(
            pilot, lambda: "Ctrl-C again quits" in "\n".join(line.text for line in output.lines)
        )
        assert app.is_running

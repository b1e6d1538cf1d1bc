"""The workbench driven as a user drives it: keys, the command bar, dialogs and panels."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.widgets import Input

from rapide_shell.tui.live import SUMMARY_SHOWN
from rapide_shell.tui.screens.inject_dialog import InjectDialog, field_value
from rapide_shell.tui.widgets.command_bar import CommandBar
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.dispatch_queue import DispatchQueue
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.inspector import Inspector
from rapide_shell.tui.widgets.watch_panel import LABEL_INDENT, WatchPanel
from tests.shell.cli_process import run_rapide
from tests.shell.tui.conftest import (
    SIZE,
    drawn_line,
    make_app,
    settle,
    type_command,
    wait_until,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _pending(app):
    return [(d.kind, d.target) for d in app.session.pending()]


async def test_the_main_screen_shows_the_graph_and_focuses_the_command_bar(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        picture = app.query_one(ConnectionGraph).picture.text()
        for component in ("api", "db", "cache", "notifications"):
            assert component in picture
        for label in ("connect APIService.request", "pipe DatabaseService.result",
                      "agent DatabaseService.error"):
            assert label in picture
        assert isinstance(app.focused, CommandBar)
        await pilot.press("escape")
        assert isinstance(app.focused, EventLog)
        await pilot.press("colon")
        assert isinstance(app.focused, CommandBar)


async def test_inject_from_the_command_bar_records_and_queues(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        events = list(app.session.computation)
        assert [e.name for e in events] == ["APIService.request"]
        assert app.query_one(EventLog).event_count == 1
        assert _pending(app) == [("connect", "db"), ("connect", "cache")]
        status = str(app.query_one("#status").render())
        assert "2 pending · 1 event · 0 breakpoints · 0 errors" in status
        queue = app.query_one(DispatchQueue)
        assert queue.dispatch_ids == [d.id for d in app.session.pending()]
        # The highlighted dispatch's connection is emphasised in the graph.
        assert app.query_one(ConnectionGraph).highlighted == 0


async def _open_dialog_on(pilot, name: str, field: str) -> None:
    """Opens the inject dialog with F3, names the event ``name`` and waits for its
    fields (``field`` among them)."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("f3")
    await pilot.pause()
    app.screen.query_one("#inject-name", Input).value = name
    await wait_until(pilot, lambda: bool(app.screen.query(f"#field-{field}")))


async def test_inject_through_the_dialog_builds_the_payload_from_the_signature(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, InjectDialog)
        name = app.screen.query_one("#inject-name", Input)
        name.value = "APIService.req"
        await pilot.pause()
        await pilot.press("right")  # accept the completion
        await pilot.pause()
        assert name.value == "APIService.request"
        await wait_until(pilot, lambda: bool(app.screen.query("#field-key")))
        app.screen.query_one("#field-type", Input).value = "query"
        app.screen.query_one("#field-key", Input).value = "42"
        app.screen.query_one("#field-key", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, InjectDialog)
        (event,) = list(app.session.computation)
        assert event.name == "APIService.request"
        assert dict(event.payload) == {"type": "query", "key": "42"}


async def test_right_takes_the_completion_of_a_name_typed_in_the_same_frame(shop_path):
    # Keys typed together ("APIService.re→⏎", from tmux or a paste) reach the field
    # before any completion was drawn: → takes the completion all the same.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
        name = app.screen.query_one("#inject-name", Input)
        name.insert_text_at_cursor("APIService.re")
        name.action_cursor_right()
        assert name.value == "APIService.request"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, InjectDialog))
        bar = app.query_one(CommandBar)
        bar.insert_text_at_cursor("inj")
        bar.action_cursor_right()
        assert bar.value == "inject "  # the best completion: the command, ready for more


async def test_the_dialog_keeps_what_was_typed_when_a_value_does_not_fit_its_field(shop_path):
    # rows is declared list: "abc" is said wrong in the dialog, which stays open with
    # every field as typed and the focus on rows, instead of closing on an error.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_dialog_on(pilot, "DatabaseService.result", "rows")
        app.screen.query_one("#field-key", Input).value = "k1"
        rows = app.screen.query_one("#field-rows", Input)
        rows.value = "abc"
        app.screen.action_inject()
        await settle(pilot)
        assert isinstance(app.screen, InjectDialog)
        error = str(app.screen.query_one("#inject-error").render())
        assert 'rows is declared list, got "abc"' in error
        assert app.focused is rows and rows.value == "abc"
        assert app.screen.query_one("#field-key", Input).value == "k1"
        assert not list(app.session.computation)
        rows.value = "[]"
        app.screen.action_inject()
        await settle(pilot)
        assert not isinstance(app.screen, InjectDialog)
        (event,) = list(app.session.computation)
        assert dict(event.payload) == {"key": "k1", "rows": []}


async def test_the_dialog_refuses_a_missing_required_field(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_dialog_on(pilot, "APIService.request", "key")
        app.screen.action_inject()
        await pilot.pause()
        assert "type is required" in str(app.screen.query_one("#inject-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.session.computation) == 0


async def test_the_dialog_refuses_malformed_json_instead_of_sending_it_as_text(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_dialog_on(pilot, "DatabaseService.result", "rows")
        app.screen.query_one("#field-key", Input).value = "k"
        app.screen.query_one("#field-rows", Input).value = "[1, 2"
        app.screen.action_inject()
        await pilot.pause()
        assert isinstance(app.screen, InjectDialog)
        error = str(app.screen.query_one("#inject-error").render())
        assert error.startswith("rows: malformed JSON")
        assert app.focused is app.screen.query_one("#field-rows", Input)
        app.screen.query_one("#field-rows", Input).value = "[1, 2]"
        app.screen.action_inject()
        await settle(pilot)
        (event,) = list(app.session.computation)
        assert dict(event.payload) == {"key": "k", "rows": [1, 2]}


async def test_a_blank_field_that_is_not_text_is_empty_not_malformed_json(shop_path):
    # Spaces in a list field are no value at all: a required field says it needs one;
    # an optional one is left out of the payload (the ticker's limit).
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_dialog_on(pilot, "DatabaseService.result", "rows")
        app.screen.query_one("#field-key", Input).value = "k"
        app.screen.query_one("#field-rows", Input).value = "   "
        app.screen.action_inject()
        await pilot.pause()
        assert isinstance(app.screen, InjectDialog)
        assert str(app.screen.query_one("#inject-error").render()) == "rows is required"
    app = make_app(FIXTURES / "ticker.py")
    async with app.run_test(size=SIZE) as pilot:
        await _open_dialog_on(pilot, "Clock.tick", "limit")
        app.screen.query_one("#field-n", Input).value = "3"
        app.screen.query_one("#field-limit", Input).value = " "
        app.screen.action_inject()
        await settle(pilot)
        assert not isinstance(app.screen, InjectDialog)
        (event,) = list(app.session.computation)
        assert dict(event.payload) == {"n": 3}


def test_an_empty_value_for_a_field_that_is_not_text_asks_for_one():
    assert field_value("", "str") == ""
    for blank in ("", "  "):
        with pytest.raises(ValueError, match=r"^needs a value"):
            field_value(blank, "int")


async def test_enter_in_a_field_moves_on_to_the_next_required_one_then_injects(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_dialog_on(pilot, "APIService.request", "key")
        await pilot.press("enter")  # from the name to the first field
        await pilot.press(*"query", "enter")
        assert app.focused is app.screen.query_one("#field-key", Input)
        assert str(app.screen.query_one("#inject-error").render()) == ""
        await pilot.press("4", "2", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, InjectDialog)
        (event,) = list(app.session.computation)
        assert dict(event.payload) == {"type": "query", "key": "42"}


async def test_step_by_kind_runs_the_next_dispatch_of_that_kind(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "step connect")
        assert ("pipe", "api") in _pending(app)
        await type_command(pilot, "step pipe")
        assert app.session.system.modules["api"].results == ["1"]
        assert ("pipe", "api") not in _pending(app)
        graph_text = app.query_one(ConnectionGraph).picture.text()
        assert "pipe DatabaseService.result ✓1 queued 0" in graph_text


async def test_the_step_key_runs_one_dispatch(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        before = len(app.session.pending())
        await pilot.press("f2")
        await settle(pilot)
        assert app.session.computation.events_by_name("DatabaseService.result")
        assert len(app.session.pending()) == before  # connect to db ran, its pipe queued


async def test_choosing_an_agent_dispatch_in_the_queue_runs_exactly_that_one(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=missing")
        await type_command(pilot, "inject APIService.request type=query key=missing")
        await type_command(pilot, "step connect")
        await type_command(pilot, "step connect")
        await type_command(pilot, "step connect")
        await type_command(pilot, "step connect")
        agents = [d for d in app.session.pending() if d.kind == "agent"]
        assert len(agents) == 2
        chosen = agents[1]
        queue = app.query_one(DispatchQueue)
        queue.focus()
        await pilot.pause()
        queue.highlighted = queue.get_option_index(f"dispatch:{chosen.id}")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        remaining = [d.id for d in app.session.pending() if d.kind == "agent"]
        assert remaining == [agents[0].id]
        sent = app.session.computation.events_by_name("NotificationService.sent")
        assert len(sent) == 1
        assert chosen.id not in queue.dispatch_ids


async def test_choosing_a_hooks_wake_up_in_the_queue_resumes_that_hook():
    # A hook's wake-up was a row that could not be chosen: only the first to wake could
    # be stepped to, by `step wake`.
    app = make_app(FIXTURES / "producers.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.query_one(DispatchQueue)
        queue.focus()
        await pilot.pause()
        queue.highlighted = queue.get_option_index("hook:beta")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert [e.source for e in app.session.computation] == ["beta"]


async def test_the_queue_marks_the_dispatch_a_plain_step_runs_and_keeps_it_current(shop_path):
    from rapide_shell.tui.widgets.dispatch_queue import NEXT_MARK

    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            await type_command(pilot, "inject APIService.request type=query key=missing")
        queue = app.query_one(DispatchQueue)
        for _ in range(8):
            marked = app.session.next_dispatch()
            assert marked is not None and queue.next_id == marked.id
            prompts = {option.id: str(option.prompt) for option in queue.options}
            assert [i for i, text in prompts.items() if text.startswith(NEXT_MARK)] == [
                "why-next", f"dispatch:{marked.id}"
            ]
            assert f"{NEXT_MARK} next #{marked.id}" in prompts[f"kind:{marked.kind}"]
            # The first line says why it is next.
            why = prompts["why-next"]
            assert why.startswith(f"{NEXT_MARK} #{marked.id} next: ")
            if marked.kind == "connect":
                assert why.endswith("connects run first")
            elif any(d.kind == "agent" for d in app.session.pending()):
                assert "the seed's pick of" in why
            else:
                assert "pipe head" in why
            await pilot.press("escape", "f2")  # a plain step runs exactly the marked one
            await settle(pilot)
            assert marked.state == "done"
            assert marked.id not in queue.dispatch_ids


async def test_a_breakpoint_stops_a_run(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "break DatabaseService.result")
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "inject APIService.request type=query key=2")
        await pilot.press("escape", "f5")
        await settle(pilot)
        results = app.session.computation.events_by_name("DatabaseService.result")
        assert len(results) == 1
        assert app.session.pending()
        assert app.session.state == "paused"
        assert app.query_one(EventLog).selected_event.id == next(iter(results)).id


async def test_a_watch_count_rises_and_a_match_highlights_its_events(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "watch APIService.request")
        panel = app.query_one(WatchPanel)
        assert panel.match_count(1) == 0
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "inject APIService.request type=query key=2")
        assert panel.match_count(1) == 2
        assert str(panel.root.children[0].label).startswith("w1 [2] APIService.request")
        first_request = next(iter(app.session.computation))
        panel.focus()
        await pilot.pause()
        panel.root.children[0].expand()
        await pilot.pause()
        panel.move_cursor(panel.root.children[0].children[0])
        await pilot.press("enter")
        await settle(pilot)
        log = app.query_one(EventLog)
        assert log.marked_ids == {first_request.id}
        assert log.selected_event.id == first_request.id


async def test_an_error_from_a_handler_is_shown_at_once(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=boom")
        await type_command(pilot, "run")
        errors = app.query_one(ErrorPanel)
        assert errors.display and errors.has_class("has-problems")
        (problem,) = errors.problems
        assert "db raised ValueError: no table for boom" in problem.summary
        assert "1 error" in str(app.query_one("#status").render())
        # The system went on: the cache still got its delivery.
        assert app.session.computation.events_by_name("CacheService.stored")


async def test_the_inspector_follows_a_causal_link(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "run")
        (result,) = app.session.computation.events_by_name("DatabaseService.result")
        (request,) = app.session.computation.events_by_name("APIService.request")
        log = app.query_one(EventLog)
        assert log.select_id(result.id)
        await pilot.pause()
        inspector = app.query_one(Inspector)
        assert f"cause:{request.id}" in inspector.link_ids
        inspector.focus()
        await pilot.pause()
        inspector.select_link(f"cause:{request.id}")
        await pilot.press("enter")
        await pilot.pause()
        assert log.selected_event.id == request.id
        effect_ids = inspector.link_ids
        assert f"effect:{result.id}" in effect_ids


async def test_pause_stops_a_runaway_run_and_keys_keep_working(forever_path):
    app = make_app(forever_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject Ticker.tick n=0")
        app.main_screen.submit_command("run")
        await wait_until(pilot, lambda: len(app.session.computation) > 500)
        assert app.session.running
        await pilot.press("f6")
        await wait_until(pilot, lambda: not app.session.running, timeout=2)
        stopped_at = len(app.session.computation)
        await settle(pilot)
        assert len(app.session.computation) == stopped_at
        assert app.query_one(EventLog).event_count == stopped_at


async def test_the_screenshot_command_saves_an_svg(shop_path, tmp_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        target = tmp_path / "shot.svg"
        await type_command(pilot, f"screenshot {target}")
        assert target.read_text(encoding="utf-8").startswith("<svg")


async def test_a_screenshot_file_is_named_svg(shop_path, tmp_path):
    # With no suffix the name gets .svg; another suffix would be a file that lies
    # about what it holds: refused, saying the name to give.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, f"screenshot {tmp_path / 'shot'}")
        assert (tmp_path / "shot.svg").read_text(encoding="utf-8").startswith("<svg")
        await type_command(pilot, f"screenshot {tmp_path / 'shot.png'}")
        assert not (tmp_path / "shot.png").exists()
        said = "\n".join(line.text for line in app.main_screen.output.lines)
        assert "error: a screenshot is an SVG picture: name it shot.svg, not shot.png" in said


async def test_screenshot_is_a_command_of_the_tui_with_help_and_completion(shop_path):
    from rapide_shell.session import Session

    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "help")
        shown = "\n".join(line.text for line in app.main_screen.output.lines)
        assert "screenshot [FILE.svg]" in shown and "Save an SVG picture" in shown
        await type_command(pilot, "help screenshot")
        shown = " ".join(" ".join(line.text for line in app.main_screen.output.lines).split())
        assert "Only the TUI has this" in shown
        assert app.main_screen.complete("scr") == ["screenshot "]
        assert [hit.text async for hit in _palette(app).search("screenshot")]
        # It came through the plugin hooks, as any plugin's command would.
        app.session.plugins.check_pending()
        assert app.session.plugins.has_plugin("rapide-tui")
    # Outside the TUI the language has no such command.
    plain = Session.load(shop_path)
    assert plain.catalog.lookup("screenshot") is None
    assert plain.completions("scr") == []


def _palette(app):
    from rapide_shell.tui.palette import CommandLanguageProvider

    return CommandLanguageProvider(app.screen)


async def test_help_opens_with_f1_and_question_mark(shop_path):
    from rapide_shell.tui.screens.help_screen import HelpScreen

    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_the_command_bar_completes_and_remembers(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(CommandBar)
        await pilot.press(*"inject APIService.re", "tab")
        assert bar.value.startswith("inject APIService.request")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("up")
        assert bar.value.startswith("inject APIService.request")


async def test_up_in_the_bar_brings_back_what_the_inject_dialog_injected(shop_path):
    # The dialog's inject is echoed as a command and counted in the history: Up brings
    # it back to inject again with another value, as a typed one. It brought back the
    # line typed before it, as if the inject had not been entered.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "where")
        await _open_dialog_on(pilot, "APIService.request", "key")
        app.screen.query_one("#field-type", Input).value = "query"
        app.screen.query_one("#field-key", Input).value = "42"
        app.screen.action_inject()
        await wait_until(pilot, lambda: len(app.session.computation) == 1)
        await settle(pilot)
        bar = app.query_one(CommandBar)
        assert app.focused is bar
        await pilot.press("up")
        assert bar.value == app.session.history[-1]
        assert bar.value.startswith("inject APIService.request")
        await pilot.press("up")
        assert bar.value == "where"


async def test_a_script_plays_then_leaves_the_session_live(shop_path, tmp_path):
    script = tmp_path / "demo.rapide"
    script.write_text("# a request\ninject APIService.request type=query key=1\nrun\n")
    app = make_app(shop_path, script=script, speed=0.01)
    async with app.run_test(size=SIZE) as pilot:
        # Until the script has ended (after its last line's pause): till then what is
        # typed waits for it.
        await wait_until(pilot, lambda: app.session.state == "quiet"
                         and len(app.session.computation) >= 3
                         and not app.main_screen.player.playing)
        shown = [line.text.rstrip() for line in app.main_screen.output.lines]
        narration = shown.index("a request")
        inject = shown.index("> inject APIService.request type=query key=1")
        run = shown.index("> run")
        assert narration < inject < run
        await type_command(pilot, "inject APIService.request type=query key=2")
        assert len(app.session.computation.events_by_name("APIService.request")) == 2


async def test_a_played_script_ends_with_what_its_expectations_came_to(
    shop_path, tmp_path, monkeypatch
):
    # As `rapide run` sums a script up: each failed expect, or how many held.
    monkeypatch.chdir(tmp_path)
    script = Path("demo.rapide")
    script.write_text(
        "inject APIService.request type=query key=1\n"
        "run\n"
        "expect APIService.request\n"
        "# too many, on purpose\n"
        "expect DatabaseService.result count=2\n"
    )
    app = make_app(shop_path, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(app.session.expectations) == 2)
        await settle(pilot)
        shown = [line.text.strip() for line in app.main_screen.output.lines]
        # (The output panel folds the long line in two.)
        assert " ".join(shown[-2:]) == (
            "demo.rapide:5: expect failed: DatabaseService.result: expected exactly 2 "
            "matches, saw 1"
        )
    script.write_text("inject APIService.request type=query key=1\nrun\n"
                      "expect APIService.request\nexpect DatabaseService.result count=1\n")
    app = make_app(shop_path, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(app.session.expectations) == 2)
        await settle(pilot)
        shown = [line.text.rstrip() for line in app.main_screen.output.lines]
        assert shown[-1] == "ok: 2 expectations held"


def _output_text(app) -> str:
    """The output panel's lines joined (the panel folds a long line)."""
    return " ".join(line.text.strip() for line in app.main_screen.output.lines)


@contextlib.asynccontextmanager
async def played(shop_path: Path, text: str):
    """The app and its pilot once ``demo.rapide`` (``text``, in the working folder)
    has been played to its end, or to where it stopped."""
    script = Path("demo.rapide")
    script.write_text(text)
    app = make_app(shop_path, script=script, speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: not any(w.group == "script" for w in app.workers))
        await settle(pilot)
        yield app, pilot


async def test_a_played_script_stops_at_the_first_line_that_fails(
    shop_path, tmp_path, monkeypatch
):
    # As `rapide run` stops: the line, why, and that the rest was not run.
    monkeypatch.chdir(tmp_path)
    text = (
        "inject APIService.request type=query key=1\n"
        "step #999\n"
        "inject APIService.request type=query key=2\n"
        "run\n"
        "expect APIService.request\n"
    )
    async with played(shop_path, text) as (app, pilot):
        assert len(app.session.computation.events_by_name("APIService.request")) == 1
        assert not app.session.expectations
        headless = run_rapide("run", shop_path, "--script", "demo.rapide", cwd=tmp_path)
        assert headless.returncode == 2
        stopped = headless.stderr.splitlines()[0].removeprefix("rapide: ")
        assert stopped == (
            "demo.rapide:2: no pending dispatch #999 (pending: #1 connect, #2 connect) "
            "(the rest of the script was not run)"
        )
        assert _output_text(app).endswith(stopped)
        assert "ok:" not in _output_text(app)
        # The session is the user's again.
        await type_command(pilot, "inject APIService.request type=query key=3")
        assert len(app.session.computation.events_by_name("APIService.request")) == 2


async def test_a_played_script_that_does_not_parse_is_refused_before_any_line_runs(
    shop_path, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    text = "inject APIService.request type=query key=1\nrun 0\nrun\nexpect APIService.request\n"
    async with played(shop_path, text) as (app, _pilot):
        assert not app.session.computation.events_by_name("APIService.request")
        assert _output_text(app).endswith(
            "demo.rapide:2: a number of steps must be a whole number, 1 or more, not '0' "
            "(checked before running: no command was run)"
        )


async def test_a_played_script_goes_on_after_a_failed_expect_as_rapide_run_does(
    shop_path, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    text = (
        "inject APIService.request type=query key=1\n"
        "expect APIService.request count=3\n"
        "run\n"
        "expect APIService.request\n"
    )
    async with played(shop_path, text) as (app, _pilot):
        assert len(app.session.expectations) == 2
        assert _output_text(app).endswith(
            "demo.rapide:2: expect failed: APIService.request: expected exactly 3 matches, "
            "saw 1"
        )


async def test_a_constraint_violation_is_shown_with_its_event(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=missing")
        await type_command(pilot, "run")
        errors = app.query_one(ErrorPanel)
        (violation,) = [p for p in errors.problems if p.kind == "violation"]
        (error_event,) = app.session.computation.events_by_name("DatabaseService.error")
        # In words, as the transcript says it: not the library's type (never_violated).
        assert f"constraint violated: {violation.summary}" in _output_text(app)
        assert violation.summary.startswith("no_lookup_fails: ")
        assert "never_violated" not in violation.summary + violation.details
        assert violation.summary.endswith(f"(events {error_event.id})")
        toast = [toast for toast in app._notifications if toast.title == "violation"][-1]
        assert toast.message == violation.summary
        assert violation.event_id == error_event.id
        errors.focus()
        await pilot.pause()
        errors.highlighted = errors.problems.index(violation)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(EventLog).selected_event.id == error_event.id


async def test_the_command_palette_offers_the_commands(shop_path):
    from rapide_shell.tui.palette import CommandLanguageProvider

    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = CommandLanguageProvider(app.screen)
        hits = [hit async for hit in provider.search("inject")]
        assert hits and hits[0].text.startswith("inject EVENT")
        discovered = [hit.text async for hit in provider.discover()]
        assert any(text.startswith("step") for text in discovered)
        # Choosing a command that needs an argument puts it in the bar.
        hits[0].command()
        await pilot.pause()
        assert app.query_one(CommandBar).value == "inject "
        # One that needs none runs at once.
        (step_hit,) = [hit async for hit in provider.search("step [N") if "step" in hit.text][:1]
        await type_command(pilot, "inject APIService.request type=query key=1")
        step_hit.command()
        await settle(pilot)
        assert app.session.computation.events_by_name("DatabaseService.result")


async def test_export_from_the_bar_writes_the_file(shop_path, tmp_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "run")
        target = tmp_path / "run.dot"
        await type_command(pilot, f"export dot {target}")
        assert "digraph" in target.read_text(encoding="utf-8")


async def test_reset_redraws_every_panel_from_the_fresh_system(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=boom")
        await type_command(pilot, "run")
        assert app.query_one(EventLog).event_count > 0
        assert app.query_one(ErrorPanel).problems
        await type_command(pilot, "reset")
        assert app.query_one(EventLog).event_count == len(app.session.computation) == 0
        assert not app.query_one(ErrorPanel).problems
        assert "✓0" in app.query_one(ConnectionGraph).picture.text()
        assert "✓1" not in app.query_one(ConnectionGraph).picture.text()


async def test_number_keys_move_between_panels(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "2")
        assert isinstance(app.focused, DispatchQueue)
        await pilot.press("3")
        assert isinstance(app.focused, EventLog)
        await pilot.press("6")
        assert isinstance(app.focused, WatchPanel)
        await pilot.press("colon")
        assert isinstance(app.focused, CommandBar)


async def test_tab_shows_and_cycles_the_alternatives(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(CommandBar)
        bar.value = "watch DatabaseService."
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        first = bar.value
        hint = str(app.query_one("#completions").render())
        assert "DatabaseService.result" in hint and "DatabaseService.error" in hint
        await pilot.press("tab")
        assert bar.value != first
        assert {first, bar.value} == {"watch DatabaseService.result", "watch DatabaseService.error"}


async def test_the_log_follows_new_events_unless_the_user_moved_away(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        for key in range(8):
            app.session.system.inject("APIService.request", {"type": "query", "key": str(key)})
        await type_command(pilot, "run")
        log = app.query_one(EventLog)
        assert log.event_count > log.scrollable_content_region.height
        assert log.cursor == log.event_count - 1
        assert log.scroll_y == log.max_scroll_y > 0
        log.focus()
        await pilot.press("home")
        await type_command(pilot, "inject APIService.request type=query key=9")
        await type_command(pilot, "run")
        assert log.cursor == 0 and log.scroll_y == 0 and not log.following
        log.focus()
        await pilot.press("end")
        assert log.following and log.cursor == log.event_count - 1


async def test_a_click_on_a_dispatch_only_moves_onto_it(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        queue = app.query_one(DispatchQueue)
        pending = len(app.session.pending())
        await pilot.click(DispatchQueue, offset=(5, 4))  # border, why, heading, #1, #2
        await settle(pilot)
        assert len(app.session.pending()) == pending
        assert queue.highlighted == 3
        await pilot.click(DispatchQueue, offset=(5, 4), times=2)
        await settle(pilot)
        assert not app.session.computation.events_by_name("DatabaseService.result")
        assert app.session.computation.events_by_name("CacheService.stored")


async def test_an_error_in_a_start_hook_is_shown_at_once(tmp_path):
    path = tmp_path / "broken_start.py"
    path.write_text(
        "from pyrapide import action, architecture, interface, module\n"
        "@interface\n"
        "class A:\n"
        "    @action\n"
        "    async def go(self) -> None: ...\n"
        "@module(implements=A)\n"
        "class Boom:\n"
        "    async def start(self):\n"
        "        raise RuntimeError('cannot start')\n"
        "@architecture\n"
        "class Bad:\n"
        "    a = A\n"
        "    connections = []\n",
        encoding="utf-8",
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (problem,) = app.query_one(ErrorPanel).problems
        assert "RuntimeError: cannot start" in problem.summary
        await type_command(pilot, "reset")
        (problem,) = app.query_one(ErrorPanel).problems
        assert "cannot start" in problem.summary


def _loud_architecture(tmp_path, length: int):
    """An architecture whose handler raises a ValueError of ``length`` y's (``inject
    A.go``, then ``run``)."""
    path = tmp_path / "long_error.py"
    path.write_text(
        "from pyrapide import Pattern, action, architecture, connect, interface, module, when\n"
        "@interface\n"
        "class A:\n"
        "    @action\n"
        "    async def go(self) -> None: ...\n"
        "@module(implements=A)\n"
        "class Loud:\n"
        "    @when(Pattern.match('A.go'))\n"
        "    async def on_go(self, match):\n"
        f"        raise ValueError('y' * {length})\n"
        "@architecture\n"
        "class Long:\n"
        "    a = A\n"
        "    b = A\n"
        "    connections = [connect(Pattern.match('A.go'), target='b')]\n"
        "system = Long.bind(a=Loud, b=Loud)\n",
        encoding="utf-8",
    )
    return path


async def test_a_long_error_message_is_toasted_short_and_listed_whole(tmp_path):
    # A toast of thousands of characters would cover the screen for seconds: it says
    # the beginning, and the errors panel has it all.
    app = make_app(_loud_architecture(tmp_path, 5000))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject A.go")
        await type_command(pilot, "run")
        (problem,) = app.query_one(ErrorPanel).problems
        assert "y" * 5000 in problem.summary
        toast = list(app._notifications)[-1]
        assert toast.title == "error"
        assert toast.message.startswith("b raised ValueError: yyy") and toast.message.endswith("…")
        assert len(toast.message) <= 200


async def test_an_error_message_of_megabytes_is_listed_cut_and_kept_whole_in_its_details(
    tmp_path,
):
    # The errors panel wrapped all of it, a hundred thousand lines, at every redraw of
    # the panel (a run, a reset, a resize): ten seconds each, the screen frozen.
    app = make_app(_loud_architecture(tmp_path, 3_000_000))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject A.go")
        await type_command(pilot, "run")
        (problem,) = app.query_one(ErrorPanel).problems
        assert problem.summary.startswith("b raised ValueError: yyy")
        assert problem.summary.endswith("…") and len(problem.summary) <= SUMMARY_SHOWN
        assert "y" * 3_000_000 in problem.details


async def test_the_cursor_line_is_redrawn_as_the_cursor_moves(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "inject APIService.request type=query key=2")
        log = app.query_one(EventLog)
        log.focus()
        await pilot.pause()
        cursor_background = log.get_component_rich_style("event-log--cursor").bgcolor

        def backgrounds(y):
            return {segment.style.bgcolor for segment in log.render_line(y) if segment.style}

        assert cursor_background in backgrounds(2) and cursor_background not in backgrounds(1)
        await pilot.press("up")
        assert cursor_background in backgrounds(1) and cursor_background not in backgrounds(2)


async def test_a_long_queue_lists_the_first_of_each_kind_and_counts_the_rest(shop_path):
    from rapide_shell.tui.widgets.dispatch_queue import SHOWN_PER_KIND

    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        for key in range(SHOWN_PER_KIND):
            app.session.system.inject("APIService.request", {"type": "query", "key": str(key)})
        await type_command(pilot, "show queue")
        queue = app.query_one(DispatchQueue)
        connect_ids = [d.id for d in app.session.pending() if d.kind == "connect"]
        assert len(connect_ids) == 2 * SHOWN_PER_KIND
        # The ones the next steps run, in that order: connects depth first, so those of
        # the newest event first, the one a plain step runs on top.
        listed = queue.dispatch_ids
        assert listed[0] == queue.next_id == app.session.next_dispatch().id
        prompts = [str(option.prompt) for option in queue.options]
        assert prompts[0].endswith("connects run first")
        assert f"connect  {2 * SHOWN_PER_KIND} pending" in prompts[1]
        assert f"… {SHOWN_PER_KIND} more" in prompts[-1]
        stepped = []
        for _ in range(SHOWN_PER_KIND):
            stepped.append((await app.session.system.step("connect")).id)
        assert listed == stepped


@pytest.mark.parametrize("way", ["f12", "palette"])
async def test_the_screenshot_key_saves_an_svg_in_the_screenshot_folder(
    shop_path, tmp_path, monkeypatch, way
):
    # The command palette's "Screenshot", Textual's own, is the workbench's: F12's.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAPIDE_SCREENSHOTS", str(tmp_path / "shots"))
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if way == "f12":
            await pilot.press("f12")
        else:
            (screenshot,) = [command for command in app.get_system_commands(app.screen)
                             if command.title == "Screenshot"]
            screenshot.callback()
        await settle(pilot)
        (saved,) = (tmp_path / "shots").glob("*.svg")
        assert saved.read_text(encoding="utf-8").startswith("<svg")
        assert not list(tmp_path.glob("*.svg"))  # nothing left where the shell started
        assert "SVG saved in" in str(app.query_one("#status").render())


async def test_the_palette_s_maximize_shows_the_panel_alone_not_the_command_bar(shop_path):
    # The palette closes before its command runs, and the command bar then has the
    # focus again: "Maximize" is F11's, for the panel last focused.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await pilot.press("escape", "3")
        assert isinstance(app.focused, EventLog)
        (maximize,) = [command for command in app.get_system_commands(app.screen)
                       if command.title == "Maximize"]
        app.query_one(CommandBar).focus()
        await pilot.pause()
        maximize.callback()
        await settle(pilot)
        assert isinstance(app.screen.maximized, EventLog)
        (minimize,) = [command for command in app.get_system_commands(app.screen)
                       if command.title == "Minimize"]
        minimize.callback()
        await settle(pilot)
        assert app.screen.maximized is None


async def test_a_screenshot_that_cannot_be_written_is_an_error_line(shop_path, tmp_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, f"screenshot {tmp_path}/no/such/folder/shot.svg")
        await type_command(pilot, "screenshot a.svg b.svg")
        shown = [line.text.rstrip() for line in app.main_screen.output.lines]
        assert any(line.startswith("error: cannot save the screenshot") for line in shown)
        assert any("too many arguments; usage: screenshot [FILE.svg]" in line for line in shown)


async def test_a_screenshot_named_as_a_folder_is_refused_as_one(shop_path, tmp_path, monkeypatch):
    # "screenshot ." failed as ValueError: PosixPath('.') has an empty name, and
    # "screenshot .." wrote a file called "...svg".
    monkeypatch.chdir(tmp_path)
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        for name in (".", "..", "/"):
            await type_command(pilot, f"screenshot {name}")
        shown = [line.text.rstrip() for line in app.main_screen.output.lines]
    for name in (".", "..", "/"):
        assert f"error: cannot save the screenshot: it names a folder, not a file ({name})" in shown
    assert list(tmp_path.iterdir()) == []


async def test_a_screenshot_folder_that_is_a_file_is_said_to_be_one(shop_path, tmp_path):
    # mkdir's own words were "File exists", as if the picture were refused for being
    # there already.
    taken = tmp_path / "pictures"
    taken.write_text("not a folder\n")
    app = make_app(shop_path, screenshots=taken)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "screenshot")
        await pilot.press("f12")
        await settle(pilot)
        # The Output wraps the lines: compared without their blanks.
        shown = "".join("".join(line.text.split()) for line in app.main_screen.output.lines)
        said = f"error: cannot save the screenshot: it is a file, not a folder ({taken})"
        assert shown.count("".join(said.split())) == 2, shown
        assert taken.read_text() == "not a folder\n"


async def test_the_connection_kinds_example_draws_one_edge_per_connection():
    from pathlib import Path

    example = Path(__file__).resolve().parents[3] / "examples" / "connection_kinds.py"
    app = make_app(example)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        picture = app.query_one(ConnectionGraph).picture
        assert sorted(picture.lane_rows) == [0, 1, 2]
        # One lane per connection (plus, at most, its line in the legend), not one per
        # component sharing the Source interface.
        assert all(len(rows) <= 2 for rows in picture.lane_rows.values())
        text = picture.text()
        for kind in ("connect", "pipe", "agent"):
            assert f'{kind} Source.job from "{kind}_source"' in text
        assert picture.width <= app.query_one(ConnectionGraph).scrollable_content_region.width
        kinds_before = [d.kind for d in app.session.pending()]
        await type_command(pilot, "step agent")
        kinds_after = [d.kind for d in app.session.pending()]
        assert kinds_after.count("agent") == kinds_before.count("agent") - 1
        assert kinds_after.count("pipe") == kinds_before.count("pipe")


async def test_enter_in_the_log_goes_into_the_inspector(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "run")
        log = app.query_one(EventLog)
        log.focus()
        await pilot.press("home", "enter")
        await pilot.pause()
        inspector = app.query_one(Inspector)
        assert app.focused is inspector
        first_effect = inspector.link_ids[0]
        assert first_effect.startswith("effect:")
        await pilot.press("enter")
        await pilot.pause()
        assert log.selected_event.id == first_effect.removeprefix("effect:")


async def test_a_watch_match_is_reached_with_keys_alone(shop_path):
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "watch APIService.request")
        await type_command(pilot, "inject APIService.request type=query key=1")
        await pilot.press("escape")
        await pilot.press("6")
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        (request,) = app.session.computation.events_by_name("APIService.request")
        assert app.query_one(EventLog).marked_ids == {request.id}


async def test_violations_before_a_reset_or_load_are_listed_from_the_session(tmp_path):
    from pathlib import Path

    alarm = Path(__file__).resolve().parents[1] / "fixtures" / "alarm.py"
    app = make_app(alarm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.query_one(ErrorPanel)
        # The start hook's alarm was reported before the first drawing.
        assert [(p.kind, p.event_id) for p in panel.problems] == [("violation", "e1")]
        await type_command(pilot, "inject Sensor.alarm level=2")
        assert [p.event_id for p in panel.problems] == ["e1", "e2"]
        saved = tmp_path / "run.json"
        await type_command(pilot, f"save {saved}")
        await type_command(pilot, "reset")
        # The fresh system's start hook raised it again, before the reset notice.
        assert [(p.kind, p.event_id) for p in panel.problems] == [("violation", "e1")]
        assert "no alarms" in panel.problems[0].summary
        await type_command(pilot, f"load {saved}")
        assert [p.event_id for p in panel.problems] == ["e1"]


async def test_a_sixteen_component_plant_fits_the_graph_panels_width_in_layers():
    from tests.shell.tui.conftest import ARCHITECTURES

    app = make_app(ARCHITECTURES / "plant.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        graph = app.query_one(ConnectionGraph)
        picture = graph.picture
        room = graph.scrollable_content_region.width
        # Layered rows that fit: it scrolls down, never sideways.
        assert picture.width <= room and graph.virtual_size.width <= room
        assert graph.max_scroll_x == 0
        assert len(picture.layout) > 1
        components = app.session.description.components
        assert len(components) == 16
        assert sorted(picture.order) == sorted(c.name for c in components)
        # Sources before their targets in reading order; a layer that does not fit the
        # row goes below.
        order = picture.order
        assert order.index("gateway") < order.index("auth") < order.index("router")
        assert picture.boxes["router"][1] < picture.boxes["orders"][1]
        connections = app.session.description.connections
        assert sorted(picture.lane_rows) == [c.index for c in connections] == list(range(21))
        glyphs_by_kind: dict[str, set[str]] = {}
        for row in picture.rows:
            for ch, role in row:
                if role is not None and role[0] == "edge":
                    glyphs_by_kind.setdefault(role[2], set()).add(ch)
        lines = {kind: glyphs & {"─", "═", "┄"} for kind, glyphs in glyphs_by_kind.items()}
        assert lines == {"connect": {"─"}, "pipe": {"═"}, "agent": {"┄"}}

        # The dispatch selected in the queue lights its connection, scrolled into view.
        await type_command(pilot, "inject Fraud.flagged key=k")
        selected = app.session.pending()[0]
        assert graph.highlighted == selected.connection.index
        track_row = min(picture.lane_rows[selected.connection.index])
        # (The scroll is made once the highlight is drawn: a frame after the command.)
        await wait_until(
            pilot,
            lambda: graph.scroll_y
            <= track_row
            < graph.scroll_y + graph.scrollable_content_region.height,
        )


async def test_the_graph_counts_finished_and_running_deliveries_apart() -> None:
    from tests.shell.tui.conftest import ARCHITECTURES

    app = make_app(ARCHITECTURES / "relay.py")
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject Door.visitor who=ada")
        await type_command(pilot, "step")  # the desk asks the clerk, and waits
        drawn = app.query_one(ConnectionGraph).picture.text()
        assert "connect Door.visitor ✓0 ▸1 running" in drawn
        assert "connect Desk.ask ✓0" in drawn
        await type_command(pilot, "step")  # the clerk answers; the desk goes on, done
        drawn = app.query_one(ConnectionGraph).picture.text()
        assert "connect Door.visitor ✓1" in drawn and "running" not in drawn
        assert "connect Desk.ask ✓1" in drawn


async def test_the_queue_counts_kept_during_runs_agree_with_the_session(shop_path):
    """The graph's pipe depths, the queue's title and the status line are kept from what
    the session reports as it runs (not by going through the queue): after runs that
    stop midway, a reset and a run to the end, they are what the session holds."""
    import re

    app = make_app(shop_path)

    def pipe_depth() -> int:
        drawn = app.query_one(ConnectionGraph).picture.text()
        return int(re.search(r"pipe DatabaseService.result ✓\d+ queued (\d+)", drawn)[1])

    def agree() -> None:
        pending = app.session.pending()
        assert pipe_depth() == sum(d.kind == "pipe" for d in pending)
        assert app.query_one(DispatchQueue).border_title == f"Queue ({len(pending)})"
        assert f"· {len(pending)} pending ·" in str(app.query_one("#status").render())

    async with app.run_test(size=SIZE) as pilot:
        for round_ in range(2):
            for key in range(6):
                payload = {"type": "query", "key": str(key % 4)}
                app.session.system.inject("APIService.request", payload)
            for _ in range(3):
                await type_command(pilot, "run 5")
                agree()
            if round_ == 0:
                await type_command(pilot, "reset")
                agree()
        await type_command(pilot, "run")
        agree()
        assert pipe_depth() == 0 and app.session.pending() == []


async def test_a_pipe_delivery_that_must_wait_says_for_what():
    from pathlib import Path

    from rapide_shell.tui.widgets.dispatch_queue import DispatchQueue

    kinds = Path(__file__).resolve().parents[3] / "examples" / "connection_kinds.py"
    app = make_app(kinds)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.query_one(DispatchQueue)
        pipes = [d.id for d in app.session.pending() if d.kind == "pipe"]
        assert len(pipes) == 3

        def said(dispatch_id: int) -> str:
            return str(queue.get_option(f"dispatch:{dispatch_id}").prompt)

        head, *behind = pipes
        assert "waits" not in said(head)
        assert all(said(d).endswith(f"waits behind #{head} (pipes are FIFO)") for d in behind)
        # The head starts; its worker sleeps: the next one waits for it to finish.
        await type_command(pilot, f"step #{head}")
        assert said(behind[0]).endswith(f"waits behind #{head}, in flight: asleep until t=2")
        assert said(behind[1]).endswith(f"waits behind #{behind[0]} (pipes are FIFO)")


async def test_a_queue_row_too_long_for_the_panel_goes_on_set_in():
    from pathlib import Path

    from rapide_shell.render import HANGING_INDENT

    kinds = Path(__file__).resolve().parents[3] / "examples" / "connection_kinds.py"
    app = make_app(kinds)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        queue = app.query_one(DispatchQueue)
        lines = [queue.render_line(y).text.rstrip() for y in range(queue.size.height)]
        # Each dispatch's row starts with its mark and id; what did not fit goes on
        # below, set in, never as a line of its own that reads like another row.
        starts = ("▶", " #", "connect ", "pipe ", "agent ", "in flight", " " * HANGING_INDENT)
        assert all(line.startswith(starts) for line in lines if line), lines
        assert any(line.startswith(" " * HANGING_INDENT + "pipe_worker") for line in lines)



async def test_a_long_dispatch_id_keeps_a_space_before_the_event_name(forever_path) -> None:
    # After a long run the ids have five digits and more: the name never runs into them.
    app = make_app(forever_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject Ticker.tick n=1")
        await type_command(pilot, "run 12000")
        queue = app.query_one(DispatchQueue)
        rows = [str(queue.get_option_at_index(index).prompt)
                for index in range(queue.option_count)]
        row = next(row for row in rows if "Ticker.tick (" in row)
        (dispatch_id,) = queue.dispatch_ids
        assert f"#{dispatch_id} Ticker.tick (" in row


async def test_a_loaded_computation_s_events_are_not_marked_with_the_live_run_s_errors(
    shop_path, tmp_path
):
    # The live run's e1 failed; the loaded computation has an e1 of its own, which did
    # not: the log shows the loaded one without the live run's mark.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        saved = tmp_path / "run.json"
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "run")
        await type_command(pilot, f"save {saved}")
        await type_command(pilot, "reset")
        await type_command(pilot, "inject APIService.request type=query key=boom")
        await type_command(pilot, "run")
        log = app.query_one(EventLog)
        assert log.failed_ids == {"e1"}
        await type_command(pilot, f"load {saved}")
        assert app.session.inspected is not None
        assert log.failed_ids == set()
        # The problem is still the session's; choosing it does not pick the loaded e1.
        log.select_id("e2")
        app.query_one(ErrorPanel).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert log.selected_event is not None and log.selected_event.id == "e2"
        await type_command(pilot, "reset")
        assert log.failed_ids == set()  # a fresh system: no error yet


CHECKED = """
from pyrapide import Pattern, action, architecture, interface, module, never


@interface
class A:
    @action
    async def ping(self, n: int) -> None: ...


@module(implements=A)
class AM:
    pass


@architecture
class Checked:
    a = A
    constraints = [
        never(Pattern.match("A.ping").where(lambda e: e.payload["m"] > 1), name="no_big"),
    ]
"""


async def test_an_event_a_constraint_s_guard_raised_on_is_not_marked_failed(tmp_path):
    # The event was recorded and delivered; what failed was the constraint's check of
    # it, listed in the Errors panel, not a delivery of the event.
    checked = tmp_path / "checked.py"
    checked.write_text(CHECKED)
    app = make_app(checked)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject A.ping n=4")
        assert len(app.session.errors) == 1
        assert app.query_one(ErrorPanel).problems[0].summary.startswith(
            "guard of constraint no_big raised KeyError"
        )
        log = app.query_one(EventLog)
        assert log.failed_ids == set()
        await type_command(pilot, "back 1")
        await type_command(pilot, "forward 1")  # drawn again from the session
        assert log.failed_ids == set()


async def test_the_hint_names_each_alternative_by_its_word(shop_path):
    # A command that takes arguments completes with a space after it, and the bar may
    # start with spaces: the hint shows the word alone, not the spaces around it.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(CommandBar)
        bar.value = "   "
        await pilot.pause()
        hint = str(app.query_one("#completions").render())
        assert hint.startswith("  Tab: inject  step  run  continue  pause  ")


async def test_the_hint_cuts_a_completion_too_long_for_the_line_with_an_ellipsis(shop_path):
    # An address is longer than an 80-column line: the hint shows its start, then "…",
    # rather than wrapping it onto a line that is not drawn and showing nothing.
    app = make_app(shop_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in range(5):
            await type_command(pilot, f"inject APIService.request type=query key=k{key}")
            await type_command(pilot, "step 2")
        await type_command(pilot, "where")
        address = app.session.addresses[-1]
        assert len(address) > 80
        hint = app.query_one("#completions")
        for typed, first in (("goto r", address[:20]), ("goto ", "0  ")):
            bar = app.query_one(CommandBar)
            bar.value = typed
            await pilot.press("tab")
            await settle(pilot)
            drawn = drawn_line(app, hint.region.y).rstrip()
            assert drawn.startswith(f"  Tab: {first}"), drawn
            assert drawn.endswith("…") and len(drawn) == 80, drawn


async def test_a_long_watch_keeps_its_ellipsis_when_its_matches_bring_a_scrollbar(shop_path):
    # Cut to the panel with "…", a long pattern is cut again when the list of its
    # matches, opened, brings a scrollbar that takes two columns of the room.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "watch APIService.request(key=?k) -> CacheService.stored(key=?k)")
        for key in range(8):
            await type_command(pilot, f"inject APIService.request type=query key={key}")
        await type_command(pilot, "run")
        panel = app.query_one(WatchPanel)
        node = panel.root.children[0]
        node.expand()
        await wait_until(pilot, lambda: panel.show_vertical_scrollbar)
        await pilot.pause()
        label = str(node.label)
        assert label.endswith("…")
        # The label and the tree's guide fit beside the scrollbar.
        assert len(label) + LABEL_INDENT <= panel.scrollable_content_region.width

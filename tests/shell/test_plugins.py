"""Plugins: found through the ``rapide`` entry point group, adding commands, told of a start."""

from __future__ import annotations

import os
import signal
import sys
import time
import warnings
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from rapide_shell import hookspecs, plugins
from rapide_shell.session import Session
from tests.shell.cli_process import REPO, run_rapide
from tests.shell.fixtures import broken_plugins, greeter_plugin
from tests.shell.test_command_registry import plain


@pytest.fixture
def installed(monkeypatch):
    """Makes ``entry_points(group="rapide")`` find the given entry points."""

    def install(*entries: EntryPoint) -> None:
        def entry_points(group: str) -> tuple[EntryPoint, ...]:
            return entries if group == hookspecs.PROJECT else ()

        monkeypatch.setattr(plugins, "entry_points", entry_points)
        plugins.installed_plugins.cache_clear()

    yield install
    plugins.installed_plugins.cache_clear()


def _entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=hookspecs.PROJECT)


async def _start_problems(shop_file: Path) -> tuple[Session, list[str]]:
    session = Session.load(shop_file)
    await session.start()
    return session, session.hook_report("start").error_texts


async def test_an_installed_plugin_adds_a_command_and_hears_the_start(
    installed, shop_file: Path
) -> None:
    installed(_entry("greeter", "tests.shell.fixtures.greeter_plugin"))
    greeter_plugin.started_sessions.clear()
    session = Session.load(shop_file)
    session.plugins.check_pending()
    assert session.catalog.lookup("greet") is not None
    assert greeter_plugin.started_sessions == []
    await session.start()
    try:
        assert greeter_plugin.started_sessions == [session]
        outcome = await session.execute("greet")
        assert outcome.ok and outcome.data == {"to": "Shop"}
        assert "greet" in (await session.execute("help")).data["commands"]
        await session.execute("reset")
        assert greeter_plugin.started_sessions == [session]  # once per session, not per system
    finally:
        await session.close()


async def test_a_plugin_that_cannot_be_imported_is_one_line_and_the_session_goes_on(
    installed, shop_file: Path
) -> None:
    installed(
        _entry("broken", "tests.shell.fixtures.no_such_plugin"),
        _entry("greeter", "tests.shell.fixtures.greeter_plugin"),
    )
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == [
            "error in plugin 'broken' (loading tests.shell.fixtures.no_such_plugin): "
            "ModuleNotFoundError: No module named 'tests.shell.fixtures.no_such_plugin'"
        ]
        assert (await session.execute("greet")).ok
    finally:
        await session.close()


def test_with_no_plugin_installed_only_the_built_in_commands_exist(installed, shop_file) -> None:
    installed()
    session = Session.load(shop_file)
    session.plugins.check_pending()
    assert session.catalog.lookup("greet") is None


def test_every_hook_is_prefixed_and_documented() -> None:
    hooks = [name for name in vars(hookspecs) if name.startswith("rapide_")]
    assert hooks == ["rapide_add_commands", "rapide_session_started"]
    for name in hooks:
        assert getattr(hookspecs, name).__doc__.strip()



async def test_a_plugin_whose_commands_cannot_be_added_is_named_and_left_out(
    installed, shop_file: Path
) -> None:
    installed(
        _entry("stepper", "tests.shell.fixtures.broken_plugins:takes_a_step"),
        _entry("greeter", "tests.shell.fixtures.greeter_plugin"),
    )
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == [
            "error in plugin 'stepper' (rapide_add_commands): ValueError: cannot add "
            "command 'step': 'step' is already a command of the workbench's own (at "
            "broken_plugins.py:16 in rapide_add_commands)"
        ]  # and its start hook, which raises, was not called
        assert session.plugins.get_plugin("stepper") is None
        assert (await session.execute("greet")).ok  # the next plugin is not disturbed
        assert (await session.execute("step")).ok  # the built-in command stands
        assert session.catalog.lookup("count") is not None  # added before it broke
    finally:
        await session.close()


async def test_a_command_name_another_plugin_took_names_where_it_comes_from(
    installed, shop_file: Path
) -> None:
    # Two plugins adding `count`: the second was told "'count' is already one", with
    # nothing to say it was not a built-in command, nor which package held it.
    installed(
        _entry("counter", "tests.shell.fixtures.broken_plugins:draws_badly"),
        _entry("greeter", "tests.shell.fixtures.greeter_plugin"),
        _entry("stepper", "tests.shell.fixtures.broken_plugins:takes_a_step"),
    )
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == [
            "error in plugin 'stepper' (rapide_add_commands): ValueError: cannot add "
            "command 'count': 'count' is already a command, added by "
            "tests.shell.fixtures.broken_plugins (at broken_plugins.py:15 in "
            "rapide_add_commands)"
        ]
        assert (await session.execute("greet")).ok
    finally:
        await session.close()


async def test_hooks_written_async_are_named_and_the_plugin_left_out(
    installed, shop_file: Path
) -> None:
    # `async def` hooks (as the handlers are) never ran: the only word was Python's
    # "RuntimeWarning: coroutine 'rapide_add_commands' was never awaited", pointing
    # into pluggy, after the session had gone on without the plugin's commands.
    installed(
        _entry("eager", "tests.shell.fixtures.broken_plugins:awaits_its_hooks"),
        _entry("greeter", "tests.shell.fixtures.greeter_plugin"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a coroutine never awaited fails the test
        session, problems = await _start_problems(shop_file)
    try:
        assert problems == [
            f"error in plugin 'eager' ({hook}): PluginValidationError: {hook} is `async "
            "def`, but the workbench calls its hooks without awaiting them, so its code "
            f"would never run: write `def {hook}(...)` (only a command's handler is "
            "`async def`)"
            for hook in ("rapide_add_commands", "rapide_session_started")
        ]
        assert session.plugins.get_plugin("eager") is None
        assert (await session.execute("greet")).ok
    finally:
        await session.close()


async def test_a_handler_that_is_not_async_is_refused_as_it_is_added(
    installed, shop_file: Path
) -> None:
    installed(_entry("counter", "tests.shell.fixtures.broken_plugins:not_async"))
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == [
            "error in plugin 'counter' (rapide_add_commands): ValueError: cannot add command "
            "'count': its handler count is not a coroutine function (write `async def "
            "handler(session, command, line)`, returning a CommandOutcome) (at "
            "broken_plugins.py:28 in rapide_add_commands)"
        ]
        assert session.catalog.lookup("count") is None
    finally:
        await session.close()


async def test_a_handler_that_returns_no_outcome_is_an_error_line(
    installed, shop_file: Path
) -> None:
    installed(_entry("counter", "tests.shell.fixtures.broken_plugins:returns_text"))
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == []
        outcome = await session.execute("count")
        assert not outcome.ok
        # The plugin is named: with several installed, its author knows it is theirs.
        assert outcome.error == (
            "count (plugin 'counter') failed: its handler returned str, not a CommandOutcome"
        )
        assert (await session.execute("run")).ok
    finally:
        await session.close()


async def test_a_hook_the_workbench_does_not_have_is_named_with_the_right_one(
    installed, shop_file: Path
) -> None:
    installed(_entry("typo", "tests.shell.fixtures.broken_plugins:misspelt"))
    started = broken_plugins.Misspelt.started
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == [
            "error in plugin 'typo' (rapide_add_command): PluginValidationError: the "
            "workbench has no hook 'rapide_add_command', so it is never called (did you "
            "mean 'rapide_add_commands'?)"
        ]
        assert broken_plugins.Misspelt.started == started + 1  # its other hook works
    finally:
        await session.close()


async def test_an_entry_point_naming_a_class_whose_hooks_are_methods_is_told_so(
    installed, shop_file: Path
) -> None:
    # pluggy passed the catalog as `self`, and the one word was "Plugin.rapide_add_commands()
    # missing 1 required positional argument: 'session'".
    installed(
        _entry("classy", "tests.shell.fixtures.broken_plugins:NamedByItsClass"),
        _entry("static", "tests.shell.fixtures.broken_plugins:StaticHooks"),
    )
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == [
            "error in plugin 'classy' (rapide_add_commands): PluginValidationError: "
            "rapide_add_commands is a method of the class NamedByItsClass, but the entry "
            "point names the class, not an instance of it, so the method would have no "
            "instance to run on: name an instance in the entry point (`plugin = "
            "NamedByItsClass()` in tests.shell.fixtures.broken_plugins, then "
            "`tests.shell.fixtures.broken_plugins:plugin`)"
        ]
        assert session.plugins.get_plugin("classy") is None
        assert (await session.execute("count")).ok  # a class of staticmethods is a plugin
    finally:
        await session.close()


async def test_a_hook_asking_for_what_it_is_not_given_is_one_line(
    installed, shop_file: Path
) -> None:
    installed(_entry("extra", "tests.shell.fixtures.broken_plugins:extra_argument"))
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == [
            "error in plugin 'extra' (rapide_session_started): PluginValidationError: "
            "rapide_session_started(session, config): Argument(s) {'config'} are declared "
            "in the hookimpl but can not be found in the hookspec"
        ]
        assert session.plugins.get_plugin("extra") is None
    finally:
        await session.close()


async def test_a_listener_that_raises_is_named_once_and_the_run_goes_on(
    installed, shop_file: Path
) -> None:
    installed(_entry("ears", "tests.shell.fixtures.broken_plugins:listens_and_raises"))
    heard = broken_plugins.ListensAndRaises.heard
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == []
        injected = await session.execute('inject Web.order item="tea" quantity=1')
        assert injected.ok
        text = " ".join(plain(injected.output).split())
        # Told under the plugin's name, as its failing hooks are, not its code's.
        assert (
            "error in plugin 'ears' (listener ListensAndRaises.hear, no longer called): "
            "ValueError: cannot hear this (at broken_plugins.py:"
        ) in text, text
        ran = await session.execute("run")
        assert ran.ok and "quiet" in plain(ran.output)  # the run goes on to its end
        assert "cannot hear this" not in plain(ran.output)
        assert broken_plugins.ListensAndRaises.heard == heard + 1  # unsubscribed at once
    finally:
        await session.close()


async def test_a_listener_a_plugin_command_subscribed_is_told_under_the_plugin(
    installed, shop_file: Path
) -> None:
    # Subscribed from a command's handler rather than the start hook, the listener was
    # named by its code alone ('tests.shell...ListensLater.hear'), not by its plugin.
    installed(_entry("ears", "tests.shell.fixtures.broken_plugins:listens_later"))
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == []
        assert (await session.execute("listen")).ok
        injected = await session.execute('inject Web.order item="tea" quantity=1')
        text = " ".join(plain(injected.output).split())
        assert (
            "error in plugin 'ears' (listener ListensLater.hear, no longer called): "
            "ValueError: cannot hear this either (at broken_plugins.py:"
        ) in text, text
        assert (await session.execute("run")).ok
    finally:
        await session.close()


async def test_a_handler_that_raises_names_its_plugin(installed, shop_file: Path) -> None:
    # The line said `crash failed: RuntimeError: ...`; with several plugins installed
    # nothing said whose command it was.
    installed(_entry("crasher", "tests.shell.fixtures.broken_plugins:listens_later"))
    session, _ = await _start_problems(shop_file)
    try:
        outcome = await session.execute("crash")
        assert not outcome.ok
        assert outcome.error.startswith(
            "crash (plugin 'crasher') failed: RuntimeError: the crash it is named for"
        ), outcome.error
        assert (await session.execute("inject Web.order item=tea quantity=1")).ok
        built_in = await session.execute("show event e99")  # a built-in's error: no plugin
        assert "plugin" not in (built_in.error or "")
    finally:
        await session.close()


async def test_a_slow_plugin_is_named_with_the_hook_it_was_slow_in(
    installed, monkeypatch, shop_file: Path
) -> None:
    # A plugin that took seconds to import, add its commands or hear the start kept the
    # workbench waiting without a word: the user blamed the workbench.
    monkeypatch.setattr(plugins, "clock", broken_plugins.clock)
    monkeypatch.delitem(sys.modules, "tests.shell.fixtures.slow_import_plugin", raising=False)
    installed(
        _entry("heavy", "tests.shell.fixtures.slow_import_plugin"),
        _entry("sluggish", "tests.shell.fixtures.broken_plugins:slow_to_start"),
    )
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == [
            "plugin 'heavy' (loading tests.shell.fixtures.slow_import_plugin) took 5.0 s: "
            "the session waited for it",
            "plugin 'sluggish' (rapide_add_commands) took 5.0 s: the session waited for it",
            "plugin 'sluggish' (rapide_session_started) took 5.0 s: the session waited for it",
        ]
        assert not session.hooks_failed  # slow is not broken: `rapide run` exits 0
        assert (await session.execute("count")).ok
    finally:
        await session.close()
    again, problems = await _start_problems(shop_file)  # imported once per process
    await again.close()
    assert [problem.split(" (")[1] for problem in problems] == [
        "rapide_add_commands) took 5.0 s: the session waited for it",
        "rapide_session_started) took 5.0 s: the session waited for it",
    ]


@pytest.mark.parametrize("plugin", ["subscribes_one_class", "subscribes_a_list"])
async def test_one_kind_or_a_list_of_kinds_is_subscribed_to(
    plugin: str, installed, shop_file: Path
) -> None:
    # `session.subscribe(hear, EventRecorded)` left an entry the session could not read:
    # every run after it recorded nothing ("ran 0 dispatches"); a list ended the session
    # with "internal error: TypeError: isinstance() arg 2 must be a type".
    installed(_entry("ears", f"tests.shell.fixtures.broken_plugins:{plugin}"))
    listening = getattr(broken_plugins, plugin)
    listening.heard.clear()
    session, problems = await _start_problems(shop_file)
    try:
        assert problems == []
        assert (await session.execute("inject Web.order item=tea quantity=1")).ok
        ran = await session.execute("run")
        assert ran.ok and len(session.computation) > 1
        assert [note.event.id for note in listening.heard] == [
            event.id for event in session.computation
        ]
    finally:
        await session.close()


async def test_kinds_that_are_not_classes_are_one_line_and_the_run_goes_on(
    installed, shop_file: Path
) -> None:
    installed(_entry("ears", "tests.shell.fixtures.broken_plugins:subscribes_names"))
    session, problems = await _start_problems(shop_file)
    try:
        assert len(problems) == 1
        assert problems[0].startswith(
            "error in plugin 'ears' (rapide_session_started): TypeError: subscribe: kinds "
            "must be notification classes, such as (EventRecorded,), not "
            "('EventRecorded',) (at broken_plugins.py:"
        ), problems
        assert (await session.execute("inject Web.order item=tea quantity=1")).ok
        ran = await session.execute("run")
        assert ran.ok and len(session.computation) > 1
    finally:
        await session.close()


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("shout", "output str, not a tuple of things to show (output=(Text(...),))"),
        ("tell", "output Text, not a tuple of things to show (output=(Text(...),))"),
        ("nothing", "output NoneType, not a tuple of things to show (output=(Text(...),))"),
        ("numbers", "data list, not a dict"),
    ],
)
async def test_an_outcome_the_front_ends_cannot_show_is_an_error_line(
    command: str, said: str, installed, shop_file: Path
) -> None:
    # `output="hello"` was printed a letter a line; `output=None` or `data=[1, 2]` ended
    # `rapide run` and the REPL with "internal error".
    installed(_entry("odd", "tests.shell.fixtures.broken_plugins:returns_odd_outcomes"))
    session, _ = await _start_problems(shop_file)
    try:
        outcome = await session.execute(command)
        assert not outcome.ok
        assert outcome.error == (
            f"{command} (plugin 'odd') failed: its handler's CommandOutcome has {said}"
        )
        listed = await session.execute("listed")  # a list is taken as the tuple it means
        assert listed.ok and plain(listed.output).split() == ["a", "b"]
    finally:
        await session.close()


@pytest.mark.parametrize("front", ["repl", "run"])
def test_data_that_is_not_a_dict_does_not_end_the_front_end(
    front: str, tmp_path: Path, shop_file: Path
) -> None:
    env = _installed_for_a_process(
        tmp_path / "site", "tests.shell.fixtures.broken_plugins:returns_odd_outcomes"
    )
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    args = ("repl", shop_file) if front == "repl" else ("run", shop_file, "--script", "-")
    ran = run_rapide(*args, "--json" if front == "run" else "--seed=0",
                     stdin="numbers\ninject Web.order item=tea quantity=1\n", env=env)
    assert "internal error" not in ran.stderr + ran.stdout
    assert "numbers (plugin 'sketcher') failed: its handler's CommandOutcome has data list" in (
        " ".join((ran.stdout + ran.stderr).split())
    )


async def test_a_parser_that_raises_names_its_plugin(installed, shop_file: Path) -> None:
    # The line said "cannot read the line: ValueError: invalid literal for int()",
    # nothing to say the plugin's parser, not the user's typing, had broken.
    installed(_entry("oddity", "tests.shell.fixtures.broken_plugins:reads_badly"))
    session, _ = await _start_problems(shop_file)
    try:
        outcome = await session.execute("odd three")
        assert not outcome.ok
        assert outcome.error.startswith(
            "cannot read the line: the parser of odd (plugin 'oddity') raised ValueError: "
            "invalid literal for int()"
        ), outcome.error
        assert (await session.execute("odd 3")).ok
        built_in = await session.execute("step x")  # the workbench's own: no plugin
        assert "plugin" not in (built_in.error or "")
    finally:
        await session.close()


@pytest.mark.slow
def test_ctrl_c_stops_a_plugin_command_that_waits_and_the_repl_goes_on(
    tmp_path: Path, shop_file: Path, monkeypatch
) -> None:
    # A plugin command waiting on something that never came could not be stopped: the
    # first Ctrl-C said "pausing after the current step" and nothing happened, the
    # second left the REPL.
    from tests.shell.test_repl import User

    env = _installed_for_a_process(tmp_path / "site", "tests.shell.fixtures.broken_plugins:hangs")
    monkeypatch.setenv("PYTHONPATH", env["PYTHONPATH"])
    user = User(shop_file, tmp_path / "data")
    try:
        user.sees("[quiet]>")
        user.enters("hang")
        user.sees("> hang")
        time.sleep(0.5)  # let the line reach the handler; not a timed assertion
        user.child.kill(signal.SIGINT)
        user.sees("rapide: interrupted: stopping hang (Ctrl-C again leaves at once)")
        user.sees("error: hang (plugin 'sketcher') stopped: interrupted")
        user.sees("[quiet]>")
        user.enters("inject Web.order item=tea quantity=1")
        user.sees("[paused")  # the session goes on
        user.enters("quit")
        assert user.leaves() == 2  # one command error
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


@pytest.mark.slow
def test_ctrl_c_in_the_tui_stops_a_plugin_command_that_waits(
    tmp_path: Path, shop_file: Path
) -> None:
    # As in the REPL: the first Ctrl-C said only "Ctrl-C again quits", the command
    # still waiting, the second left.
    from tests.shell.tui.test_shell_exit_status import Workbench

    env = _installed_for_a_process(tmp_path / "site", "tests.shell.fixtures.broken_plugins:hangs")
    shell = Workbench(shop_file, env={**env, "XDG_DATA_HOME": str(tmp_path / "data")})
    try:
        shell.sees("Tab completes")
        shell.enters("hang", "> hang")
        time.sleep(0.5)  # let the line reach the handler; not a timed assertion
        shell.child.sendcontrol("c")
        shell.sees("Ctrl-C: stopping hang; Ctrl-C again quits")
        shell.sees("hang (plugin 'sketcher') stopped: interrupted")
        shell.enters("inject Web.order item=tea quantity=1", "injected e1")  # it goes on
        status, shown = shell.quits()
    finally:
        shell.child.terminate(force=True)
    assert status == 2  # one command error
    assert "1 command error (line 1)" in shown


def _installed_for_a_process(folder: Path, value: str) -> dict[str, str]:
    """The environment under which a ``rapide`` process finds one plugin, ``value``, as
    ``pip install --target folder`` would leave it (a dist-info with its entry point)."""
    info = folder / "drawn_badly-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: drawn-badly\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[rapide]\nsketcher = {value}\n")
    return {"PYTHONPATH": os.pathsep.join([str(folder), str(REPO)])}


@pytest.mark.parametrize("front", ["repl", "run"])
def test_output_that_cannot_be_drawn_is_one_line_and_the_session_goes_on(
    front: str, tmp_path: Path, shop_file: Path
) -> None:
    # A plugin command whose output raised as it was drawn ended the REPL ("internal
    # error", the session lost) and the script of `rapide run` with it.
    env = _installed_for_a_process(
        tmp_path / "site", "tests.shell.fixtures.broken_plugins:draws_badly"
    )
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    args = ("repl", shop_file) if front == "repl" else ("run", shop_file, "--script", "-")
    ran = run_rapide(*args, stdin="sketch\ninject Web.order item=tea quantity=1\ncount\n",
                     env=env)
    assert "internal error" not in ran.stderr + ran.stdout
    assert ran.returncode == 0, ran.stderr
    lines = [" ".join(line.split()) for line in ran.stdout.splitlines()]
    assert "a sketch:" in lines
    assert (
        "error: sketch's output could not be drawn: NotImplementedError: the sketch is "
        "not drawn yet (at broken_plugins.py:"
    ) in " ".join(lines)
    assert "done" in lines  # what follows the broken part is still drawn
    assert "1 events" in lines  # the next commands ran


async def test_the_tui_shows_output_that_cannot_be_drawn_as_one_line(shop_file: Path) -> None:
    # The same plugin command ended the TUI with a traceback.
    from rapide_shell.tui.app import RapideApp
    from tests.shell.tui.conftest import SIZE, type_command

    session = Session.load(shop_file, seed=0)
    session.plugins.register(broken_plugins.draws_badly)
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "sketch")
        await type_command(pilot, "inject Web.order item=apple quantity=1")
        lines = app.main_screen.output.lines
        shown = " ".join(" ".join("".join(s.text for s in strip).split()) for strip in lines)
        assert (
            "a sketch: error: sketch's output could not be drawn: NotImplementedError: the "
            "sketch is not drawn yet (at broken_plugins.py:"
        ) in shown, shown
        assert "done" in shown
        assert len(app.session.computation) == 1  # the next command ran

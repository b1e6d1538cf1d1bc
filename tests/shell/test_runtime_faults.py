"""Runtime faults as the user meets them: handlers and guards raising what ends a Python
program, hooks and plugins failing, Ctrl-C in the middle of a run. One clear message
each, the documented exit status, no traceback, and what was recorded before the fault
is still saved and loadable afterwards."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pyrapide import Computation
from rapide_shell.hookspecs import hookimpl
from rapide_shell.report import error_text
from rapide_shell.session import Session
from tests.shell.cli_process import REPO, run_rapide, run_under_way, script_at_its_run, waiting
from tests.shell.test_repl import User
from tests.shell.tui.conftest import SIZE, settle, type_command, wait_until

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile.py"
HOOKED = FIXTURES / "hooked.py"
FOREVER = Path(__file__).parent / "tui" / "architectures" / "forever.py"

# What the desk's handler raises for each kind, as the error line names it.
RAISED = {
    "interrupt": "KeyboardInterrupt",
    "exit": "SystemExit",
    "generator-exit": "GeneratorExit",
    "cancelled": "CancelledError",
    "base": "BaseException",
}


def handler_error(event: str, kind: str) -> str:
    return (
        f"error in desk handling {event} Panel.press: {RAISED[kind]}: raised by the clerk: "
        f"{kind} (at hostile.py:"
    )


def saved_events(path: Path) -> list[str]:
    return [event.name for event in Computation.load(path)]


# -- handlers and guards: rapide run ------------------------------------------------------


@pytest.mark.parametrize("kind", RAISED)
def test_a_handler_raising_it_is_one_line_and_the_script_goes_on(kind, tmp_path) -> None:
    saved = tmp_path / "after.json"
    script = tmp_path / "s.rapide"
    script.write_text(
        f"inject Panel.press kind=first\nrun\ninject Panel.press kind={kind}\nrun\n"
        f"inject Panel.press kind=last\nrun\nsave {saved}\n"
    )
    done = run_rapide("run", HOSTILE, "--script", script)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert handler_error("e3", kind) in done.stdout
    assert "Traceback" not in done.stdout
    assert done.stdout.rstrip().endswith("ok: no expect")
    assert saved_events(saved) == ["Panel.press", "Desk.done", "Panel.press", "Panel.press",
                                   "Desk.done"]


def test_a_handler_raising_an_exception_group_is_placed_in_its_code(tmp_path) -> None:
    # An exception group's traceback writes its frames behind "| ", which the line's
    # place was not read from: the error said what was raised, but not where. Nor did
    # it say what the group held ("unhandled errors in a TaskGroup (1 sub-exception)").
    script = tmp_path / "s.rapide"
    script.write_text("inject Panel.press kind=group\nrun\ninject Panel.press kind=last\nrun\n")
    done = run_rapide("run", HOSTILE, "--script", script)
    assert (done.returncode, done.stderr) == (0, "")
    assert (
        "error in desk handling e1 Panel.press: BaseExceptionGroup: raised by the clerk: "
        "group (2 sub-exceptions): KeyboardInterrupt; ValueError: inner (at hostile.py:"
    ) in " ".join(done.stdout.split())
    assert "Traceback" not in done.stdout and "e3 Desk.done" in done.stdout


def test_a_group_of_groups_is_named_one_level_down_not_without_end() -> None:
    # Three groups in each of 60 levels would be 3**60 lines to name.
    error: BaseException = ValueError("leaf")
    for level in range(60):
        error = ExceptionGroup(f"level {level}", [error, error, error])
    assert error_text(error) == (
        "ExceptionGroup: level 59 (3 sub-exceptions): "
        + "; ".join(["ExceptionGroup: level 58 (3 sub-exceptions)"] * 3)
    )
    many = ExceptionGroup("many", [KeyError(n) for n in range(5)])
    assert error_text(many) == (
        "ExceptionGroup: many (5 sub-exceptions): KeyError: 0; KeyError: 1; KeyError: 2; "
        "and 2 more"
    )


@pytest.mark.parametrize("json_output", [False, True], ids=["transcript", "json"])
def test_a_handler_calling_os_exit_is_one_line_and_the_script_goes_on(
    json_output, tmp_path
) -> None:
    # os._exit ends a process at once, no except can catch it: unguarded, `rapide run`
    # stopped there with exit status 0, said nothing, and saved nothing.
    saved = tmp_path / "after.json"
    script = tmp_path / "s.rapide"
    script.write_text(
        "inject Panel.press kind=first\nrun\ninject Panel.press kind=os-exit\nrun\n"
        f"inject Panel.press kind=last\nrun\nsave {saved}\n"
    )
    done = run_rapide("run", HOSTILE, "--script", script, *(["--json"] * json_output))
    assert (done.returncode, done.stderr) == (0, "")
    said = (
        "error in desk handling e3 Panel.press: ExitCalled: os._exit(0) would end the "
        "workbench without a word: refused, and the session goes on (raise an exception to "
        "stop a handler) (at hostile.py:"
    )
    if json_output:
        errors = [error for command in json.loads(done.stdout)["commands"]
                  for error in command["result"].get("errors", [])]
        assert len(errors) == 1 and errors[0].startswith(said)
    else:
        assert said in done.stdout.replace("\n", " ")
        assert done.stdout.rstrip().endswith("ok: no expect")
    assert saved_events(saved) == ["Panel.press", "Desk.done", "Panel.press", "Panel.press",
                                   "Desk.done"]


def test_a_handler_breaking_the_standard_streams_is_said_and_the_script_goes_on(
    tmp_path,
) -> None:
    # The transcript is written to sys.stdout as it is at each line: closed by a handler,
    # `rapide run` ended with an internal error, the rest of its transcript unsaid.
    saved = tmp_path / "after.json"
    script = tmp_path / "s.rapide"
    script.write_text(
        "inject Panel.press kind=close-stdout\nrun\ninject Panel.press kind=no-stderr\n"
        f"inject Panel.press kind=last\nrun\nsave {saved}\nshow events\n"
    )
    done = run_rapide("run", HOSTILE, "--script", script)
    assert (done.returncode, done.stderr) == (0, "")
    warning = "warning: the architecture's code {}: put back, so that output goes on"
    lines = done.stdout.splitlines()
    runs = [number for number, line in enumerate(lines) if line == "> run"]
    # Each said under the run whose handler did it.
    assert runs[0] < lines.index(warning.format("closed sys.stdout")) < runs[1]
    assert runs[1] < lines.index(warning.format("replaced sys.stderr with None"))
    assert "e6 Desk.done" in done.stdout and done.stdout.rstrip().endswith("ok: no expect")
    assert len(saved_events(saved)) == 6


def test_a_start_hook_breaking_a_standard_stream_is_said_among_its_problems(
    tmp_path,
) -> None:
    file = tmp_path / "quiet_start.py"
    file.write_text(
        "import sys\n"
        "from pyrapide import action, architecture, get_context, interface, module\n"
        "@interface\n"
        "class Src:\n"
        "    @action\n"
        "    async def go(self) -> None: ...\n"
        "@module(implements=Src)\n"
        "class Quiet:\n"
        "    async def start(self):\n"
        "        sys.stderr = None\n"
        "        await get_context(self).emit('Src.go')\n"
        "@architecture\n"
        "class Arch:\n"
        "    src = Src\n"
    )
    script = tmp_path / "s.rapide"
    script.write_text("show events\n")
    done = run_rapide("run", file, "--script", script)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(
        "while the start hooks ran:\nthe architecture's code replaced sys.stderr with None: "
        "put back, so that output goes on\n> show events\ne1 Src.go from src"
    )


def test_a_guard_raising_system_exit_is_one_line_and_the_script_goes_on(tmp_path) -> None:
    saved = tmp_path / "after.json"
    script = tmp_path / "s.rapide"
    script.write_text(f"inject Panel.press kind=guard-exit\nrun\nsave {saved}\n")
    done = run_rapide("run", HOSTILE, "--script", script)
    assert done.returncode == 0, done.stderr
    assert (
        "error in the guard of connection #1 (agent Panel.press where <python guard "
        "_worth_logging>) on e1 Panel.press:\nSystemExit: raised by the guard; not delivered "
        "to log (at hostile.py:"
    ) in done.stdout
    assert saved_events(saved) == ["Panel.press", "Desk.done"]


def test_a_constraint_whose_guard_raises_is_an_error_line_not_a_python_warning(
    tmp_path,
) -> None:
    # The never held without a word in the transcript: Python's RuntimeWarning, from
    # the pattern engine's own file, came on stderr after it.
    file = tmp_path / "checked.py"
    file.write_text(
        "from pyrapide import Pattern, action, architecture, interface, module, never\n"
        "@interface\n"
        "class A:\n"
        "    @action\n"
        "    async def ping(self, n: int) -> None: ...\n"
        "@module(implements=A)\n"
        "class AM:\n"
        "    pass\n"
        "@architecture\n"
        "class Checked:\n"
        "    a = A\n"
        "    constraints = [\n"
        "        never(Pattern.match('A.ping').where(lambda e: e.payload['m'] > 1),\n"
        "              name='no_big'),\n"
        "    ]\n"
    )
    script = "inject A.ping n=4\ninject A.ping n=5\nexpect constraints\n"
    done = run_rapide("run", file, "--script", "-", stdin=script)
    assert (done.returncode, done.stderr) == (0, "")
    assert (
        "error in the guard of constraint no_big on e1 A.ping: KeyError: 'm'; that match "
        "counted as none (at checked.py:13 in <lambda>)"
    ) in done.stdout.replace("\n", " ")
    assert (
        "ok: constraints: no violation, but no_big raised 2 errors, each counted as no "
        "violation (`expect errors none` makes that a failure)"
    ) in " ".join(done.stdout.split())


def test_a_hand_written_constraint_whose_check_raises_is_an_error_line(tmp_path) -> None:
    # Its KeyError ended the session as it stopped: "rapide: internal error: KeyError",
    # exit status 2, as if the workbench had failed.
    file = tmp_path / "picky.py"
    file.write_text(
        "from pyrapide import action, architecture, interface, module\n"
        "from pyrapide.constraints import Constraint\n"
        "class Picky(Constraint):\n"
        "    name = 'picky'\n"
        "    def check(self, computation):\n"
        "        return {}['nothing']\n"
        "@interface\n"
        "class A:\n"
        "    @action\n"
        "    async def ping(self, n: int) -> None: ...\n"
        "@module(implements=A)\n"
        "class AM:\n"
        "    pass\n"
        "@architecture\n"
        "class Checked:\n"
        "    a = A\n"
        "    constraints = [Picky()]\n"
    )
    said = (
        "error in the check of constraint picky: KeyError: 'nothing'; it found nothing "
        "(at picky.py:6 in check)"
    )
    # Said where it is met: by `expect constraints`, then (for new events) at the end.
    script = "inject A.ping n=4\nexpect constraints\ninject A.ping n=5\n"
    done = run_rapide("run", file, "--script", "-", stdin=script)
    assert (done.returncode, done.stderr) == (0, "")
    # "ok: no violation" alone said nothing of the check that found nothing.
    expected = (
        "> expect constraints ok: constraints: no violation, but picky raised 1 error, each "
        f"counted as no violation (`expect errors none` makes that a failure) {said} "
    )
    assert expected in " ".join(done.stdout.split()) + " "
    assert done.stdout.count(said) == 2
    assert "internal error" not in done.stdout + done.stderr


def test_an_error_whose_message_cannot_be_read_is_still_told(tmp_path) -> None:
    # Its __str__ raising made the handler's error vanish from the transcript.
    done = run_rapide("run", HOSTILE, "--script", "-",
                      stdin="inject Panel.press kind=unreadable\nrun\n")
    assert done.returncode == 0, done.stderr
    assert (
        "error in desk handling e1 Panel.press: Unreadable: <its message could not be read: "
        "str() raised> (at hostile.py:"
    ) in done.stdout
    raised = tmp_path / "raised.py"
    raised.write_text(
        "class Unreadable(Exception):\n"
        "    def __str__(self):\n"
        "        raise ValueError('no message')\n"
        "raise Unreadable()\n"
    )
    refused = run_rapide("check", raised)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"rapide: {raised}:4: Unreadable: <its message could not be read: str() raised>\n"
    )


def test_whynot_and_explore_tell_an_error_whose_message_cannot_be_read(tmp_path) -> None:
    # Both failed on it: `whynot` with the RuntimeError of its __str__, `rapide explore`
    # as an internal error.
    unreadable = "Unreadable: <its message could not be read: str() raised>"
    asked = run_rapide("run", HOSTILE, "--script", "-",
                       stdin="inject Panel.press kind=guard-unreadable\nrun\nwhynot e1\n")
    assert (asked.returncode, asked.stderr) == (0, "")
    assert f"its guard raised {unreadable}" in " ".join(asked.stdout.split())
    script = tmp_path / "unreadable.rapide"
    script.write_text("inject Panel.press kind=unreadable\nrun\n")
    explored = run_rapide("explore", HOSTILE, "--script", script)
    assert (explored.returncode, explored.stderr) == (0, "")
    assert f"a handler raised in 1 schedule; the first: desk: {unreadable}" in explored.stdout


def test_a_message_of_a_megabyte_is_cut_in_its_one_line(tmp_path) -> None:
    # It was printed whole: a megabyte of transcript for one error.
    saved = tmp_path / "after.json"
    done = run_rapide("run", HOSTILE, "--script", "-", stdin=(
        f"inject Panel.press kind=long\nrun\ninject Panel.press kind=last\nrun\nsave {saved}\n"
    ))
    assert (done.returncode, done.stderr) == (0, "")
    assert len(done.stdout) < 3000
    said = " ".join(done.stdout.split())
    assert "error in desk handling e1 Panel.press: ValueError: too long too long" in said
    assert "… (at hostile.py:" in said
    assert saved_events(saved) == ["Panel.press", "Panel.press", "Desk.done"]


def test_explore_cuts_a_message_of_a_megabyte_in_its_report(tmp_path) -> None:
    # The first handler error of the schedules was reported whole: a megabyte in the
    # report, and again in the --json object's handler_errors.
    script = tmp_path / "long.rapide"
    script.write_text("inject Panel.press kind=long\nrun\n")
    explored = run_rapide("explore", HOSTILE, "--script", script)
    assert (explored.returncode, explored.stderr) == (0, "")
    assert len(explored.stdout) < 3000
    said = " ".join(explored.stdout.split())
    assert "the first: desk: ValueError: too long too long" in said
    assert "… (`expect errors none`" in said
    explored = run_rapide("explore", HOSTILE, "--script", script, "--json")
    first = json.loads(explored.stdout)["handler_errors"]["first"]
    assert first.startswith("desk: ValueError: too long") and first.endswith("…")
    assert len(first) < 600


HUGE_EMITTER = '''
from pyrapide import Pattern, action, architecture, connect, get_context, interface, module, when


@interface
class Dial:
    @action
    async def turned(self, field: str) -> None: ...


@interface
class Meter:
    @action
    async def read(self, count: int = 0, label: str = "") -> None: ...


@architecture
class Gauge:
    dial = Dial
    meter = Meter
    connections = [connect(Pattern.match("Dial.turned"), target=meter)]


@module(implements=Dial)
class Knob:
    pass


@module(implements=Meter)
class Needle:
    @when(Pattern.match("Dial.turned"))
    async def on_turned(self, match):
        field = match.payload["field"]
        value = 10**5000 if field != "none" else 1
        await get_context(self).emit("Meter.read", **({} if field == "none" else {field: value}))
'''


def test_an_integer_too_long_to_write_is_refused_where_it_is_emitted(tmp_path) -> None:
    # It was recorded, then every view of it raised: the script ended at the `run`.
    architecture = tmp_path / "gauge.py"
    architecture.write_text(HUGE_EMITTER)
    saved = tmp_path / "after.json"
    done = run_rapide("run", architecture, "--script", "-", stdin=(
        "inject Dial.turned field=count\nrun\ninject Dial.turned field=label\nrun\n"
        f"inject Dial.turned field=none\nrun\nsave {saved}\n"
    ))
    assert (done.returncode, done.stderr) == (0, "")
    assert (
        "error in meter handling e1 Dial.turned: PayloadError: Meter.read: count is an "
        "integer of more than 4300 digits, too long to write (at gauge.py:"
    ) in done.stdout.replace("\n", " ")
    assert (
        "error in meter handling e2 Dial.turned: PayloadError: Meter.read: label is declared "
        "str, got an integer of more than 4300 digits (at gauge.py:"
    ) in done.stdout.replace("\n", " ")
    assert saved_events(saved) == ["Dial.turned", "Dial.turned", "Dial.turned", "Meter.read"]


# -- handlers and guards: the REPL and the TUI --------------------------------------------


def test_the_repl_lives_through_every_kind_and_saves(tmp_path) -> None:
    saved = tmp_path / "after.json"
    user = User(HOSTILE, tmp_path)
    user.sees("[quiet]>")
    for number, kind in enumerate(RAISED, 1):
        user.enters(f"inject Panel.press kind={kind}")
        user.enters("run")
        # The line may wrap at the terminal's width: read it in two parts.
        user.sees(f"error in desk handling e{number} Panel.press: {RAISED[kind]}:")
        user.sees("hostile.py:")
        user.sees("[quiet]>")
    user.enters("inject Panel.press kind=guard-exit")
    user.sees("SystemExit: raised by the guard")
    user.enters("inject Panel.press kind=os-exit")  # would end the REPL at once, unsaid
    user.enters("run")
    user.sees("ExitCalled: os._exit(0) would end the workbench")
    user.sees("[quiet]>")
    user.enters(f"save {saved}")
    user.sees("saved 8 events")  # the guard-exit press answered by the run too
    user.enters("quit")
    assert user.leaves() == 0
    assert len(saved_events(saved)) == 8


def test_the_repl_says_a_task_nothing_awaited_and_takes_the_next_line(tmp_path) -> None:
    # The task raised once the prompt was back, where prompt-toolkit's own handler
    # printed asyncio's traceback and stopped at "Press ENTER to continue...": the
    # next line typed was taken for that Enter, and never run.
    saved = tmp_path / "after.json"
    user = User(HOSTILE, tmp_path)
    user.sees("[quiet]>")
    for kind in ("task", "callback"):
        user.enters(f"inject Panel.press kind={kind}")
        user.enters("run")
        user.sees("that nothing awaited: ValueError: nobody waits" if kind == "task"
                  else "error in a callback the event loop ran: ValueError: called back")
        user.sees("[quiet]>")
    user.enters(f"save {saved}")
    user.sees("saved 4 events")
    user.enters("quit")
    assert user.leaves() == 0
    assert "Press ENTER" not in user.screen
    assert "Traceback" not in user.screen


async def test_the_tui_lists_them_as_problems_and_goes_on() -> None:
    from rapide_shell.tui.app import RapideApp
    from rapide_shell.tui.widgets.error_panel import ErrorPanel

    app = RapideApp(Session.load(HOSTILE))
    async with app.run_test(size=SIZE) as pilot:
        for kind in ("exit", "base", "interrupt", "unreadable"):
            await type_command(pilot, f"inject Panel.press kind={kind}")
            await type_command(pilot, "run")
        await type_command(pilot, "inject Panel.press kind=ok")
        await type_command(pilot, "run")
        await settle(pilot)
        summaries = [problem.summary for problem in app.query_one(ErrorPanel).problems]
        assert summaries == [
            *(
                f"desk raised {RAISED[kind]}: raised by the clerk: {kind} handling Panel.press "
                f"(e{number})"
                for number, kind in enumerate(("exit", "base", "interrupt"), 1)
            ),
            "desk raised Unreadable: <its message could not be read: str() raised> handling "
            "Panel.press (e4)",
        ]
        assert app.session.computation.events_by_source("desk")[-1].payload == {"kind": "ok"}
        assert app.is_running


# -- start and finish hooks, plugins -------------------------------------------------------

HOOK_FAULTS = {
    "start_raises": (
        "while the start hooks ran:\nerror in the start hook of meter: ValueError: the meter "
        "is unplugged (at hooked.py:",
        1,
    ),
    "start_exits": (
        "while the start hooks ran:\nerror in the start hook of meter: SystemExit: 4 "
        "(at hooked.py:",
        1,
    ),
    "finish_raises": (
        "while the finish hooks ran:\nerror in the finish hook of meter: RuntimeError: cannot "
        "park the needle (at hooked.py:",
        1,
    ),
    "start_storm": (
        "while the start hooks ran:\nlimit reached (max_events): stopped after 50 events "
        "(max_events)",
        50,
    ),
}


@pytest.mark.parametrize("arch", HOOK_FAULTS)
def test_rapide_run_says_what_a_hook_did_and_exits_3(arch, tmp_path) -> None:
    message, events = HOOK_FAULTS[arch]
    saved = tmp_path / "after.json"
    script = tmp_path / "s.rapide"
    script.write_text(f"save {saved}\n")
    done = run_rapide("run", HOOKED, "--arch", arch, "--script", script)
    assert done.returncode == 3
    assert message in done.stdout
    assert done.stderr == (
        "rapide: a start or finish hook raised an error or reached a limit (shown above); "
        "exit status 3\n"
    )
    assert "ok:" not in done.stdout and "Traceback" not in done.stdout
    assert len(saved_events(saved)) == events


def test_rapide_run_json_lists_the_hooks_problems(tmp_path) -> None:
    script = tmp_path / "s.rapide"
    script.write_text("show events\n")
    done = run_rapide("run", HOOKED, "--arch", "start_raises", "--script", script, "--json")
    result = json.loads(done.stdout)
    assert done.returncode == result["exit_status"] == 3
    assert result["hooks"]["finish"] == []
    (problem,) = result["hooks"]["start"]
    assert problem.startswith("error in the start hook of meter: ValueError: the meter is")


def test_a_reset_says_what_the_start_hooks_did_again(tmp_path) -> None:
    script = tmp_path / "s.rapide"
    script.write_text("reset\n")
    done = run_rapide("run", HOOKED, "--arch", "start_raises", "--script", script)
    assert done.returncode == 3
    assert done.stdout.count("error in the start hook of meter: ValueError") == 2


def test_the_repl_says_what_the_hooks_did(tmp_path) -> None:
    user = User(HOOKED, tmp_path, "--arch", "start_raises")
    user.sees("while the start hooks ran:")
    user.sees("error in the start hook of meter: ValueError: the meter is unplugged")
    user.sees("[quiet]>")
    user.enters("quit")
    assert user.leaves() == 3  # as `rapide run` exits
    user.sees("rapide: exit status 3: a start or finish hook raised an error or reached a "
              "limit (shown above)")
    user = User(HOOKED, tmp_path, "--arch", "finish_raises")
    user.sees("[quiet]>")
    user.enters("quit")
    user.sees("while the finish hooks ran:")
    user.sees("error in the finish hook of meter: RuntimeError: cannot park the needle")
    assert user.leaves() == 3


@pytest.mark.parametrize(
    ("arch", "problem"),
    [
        ("start_raises", "meter raised ValueError: the meter is unplugged in its start hook"),
        ("start_storm", "stopped after 50 events (max_events)"),
    ],
)
async def test_the_tui_lists_what_the_start_hooks_did(arch, problem) -> None:
    from rapide_shell.tui.app import RapideApp
    from rapide_shell.tui.widgets.error_panel import ErrorPanel

    session = Session.load(HOOKED, arch=arch)
    await session.start()
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (shown,) = app.query_one(ErrorPanel).problems
        assert shown.summary == problem
        await type_command(pilot, "reset")
        assert [p.summary for p in app.query_one(ErrorPanel).problems] == [problem]


async def test_a_plugin_failing_at_the_start_is_named_and_the_others_are_told() -> None:
    told = []

    class Leaves:
        @hookimpl
        def rapide_session_started(self, session) -> None:
            raise SystemExit("the plugin leaves")

    class Listens:
        @hookimpl
        def rapide_session_started(self, session) -> None:
            told.append(session)

    session = Session.load(HOOKED, arch="finish_raises")
    session.plugins.register(Listens(), name="listens")
    session.plugins.register(Leaves(), name="leaves")
    await session.start()
    (problem,) = session.hook_report("start").error_texts
    assert problem.startswith(
        "error in plugin 'leaves' (rapide_session_started): SystemExit: the plugin leaves "
        "(at test_runtime_faults.py:"
    )
    assert told == [session] and session.hooks_failed
    outcome = await session.execute("show events")
    assert outcome.ok
    await session.close()


# -- Ctrl-C ----------------------------------------------------------------------------------


def test_ctrl_c_in_the_repl_pauses_a_run_and_the_session_goes_on(tmp_path) -> None:
    saved = tmp_path / "after.json"
    user = User(FOREVER, tmp_path)
    user.sees("[quiet]>")
    user.enters("inject Ticker.tick n=0")
    user.enters("run")
    user.sees("> run\n")
    run_under_way(user.child.pid)
    user.child.sendcontrol("c")
    user.sees("rapide: interrupted: pausing after the current step (Ctrl-C again leaves at once)")
    user.sees("[paused · 1 pending]>")
    user.enters(f"save {saved}")
    user.sees("saved ")
    user.enters("quit")
    assert user.leaves() == 0
    assert len(saved_events(saved)) > 1


def test_a_second_ctrl_c_in_the_repl_leaves_a_stuck_handler(tmp_path) -> None:
    # No handler timeout: only the user can end the handler that spins.
    recording = tmp_path / "rec.rapide"
    user = User(HOSTILE, tmp_path, "--handler-timeout", "0", "--record", str(recording))
    try:
        user.sees("[quiet]>")
        for kind in ("ok", "ok", "spin"):  # the spinning one last: two steps run first
            user.enters(f"inject Panel.press kind={kind}")
        user.enters("run")
        user.sees("> run\n")
        time.sleep(0.5)
        user.child.sendcontrol("c")
        user.sees("rapide: interrupted: pausing after the current step")
        time.sleep(0.3)
        user.child.sendcontrol("c")
        user.sees("rapide: interrupted again: leaving now (the session closes as usual)")
        assert user.leaves() == 130
    finally:
        if user.child.isalive():  # never leave a spinning process behind
            user.child.terminate(force=True)
    recorded = [line for line in recording.read_text().splitlines() if not line.startswith("#")]
    assert recorded[-1] == "step 3"  # the two steps the run took, and the stuck one
    # Replayed with a handler timeout, the stuck handler is stopped where it was.
    replay = run_rapide("run", HOSTILE, "--script", recording, "--handler-timeout", "0.5")
    assert replay.returncode == 0, replay.stderr
    assert replay.stdout.count("Desk.done from desk") == 2
    assert "error in desk handling e3 Panel.press: HandlerTimeout:" in replay.stdout


def ctrl_c_twice(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Ctrl-C, then Ctrl-C again, half a second apart; what ``process`` then printed."""
    for _ in range(2):
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
    return process.communicate(timeout=30)


def test_a_second_ctrl_c_in_rapide_run_leaves_a_stuck_handler(tmp_path) -> None:
    script = tmp_path / "spin.rapide"
    script.write_text("inject Panel.press kind=spin\nrun\nsave never.json\n")
    recording = tmp_path / "rec.rapide"
    process = subprocess.Popen(
        [sys.executable, "-m", "rapide_shell.cli", "run", str(HOSTILE), "--script",
         str(script), "--record", str(recording), "--handler-timeout", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        read = ""
        while "> run\n" not in read:  # the transcript says the run (the spinning) began
            line = process.stdout.readline()
            assert line, f"the script never got to its run: {read!r}"
            read += line
        out, err = ctrl_c_twice(process)
    finally:
        process.kill()  # whatever happened, never leave a spinning process behind
    assert process.returncode == 130
    assert err.startswith(
        "rapide: interrupted: pausing; the script stops after the current command "
        "(Ctrl-C again leaves at once)\nrapide: interrupted again: leaving now\n"
    )
    assert "Traceback" not in read + out + err
    assert not (tmp_path / "never.json").exists()
    assert 'inject Panel.press {"kind": "spin"}' in recording.read_text()


SAYS_IT_SPINS = """\
import sys

from pyrapide import Pattern, action, architecture, connect, interface, module, when

@interface
class Panel:
    @action
    async def press(self) -> None: ...

@module(implements=Panel)
class Buttons:
    @when(Pattern.match("Panel.press"))
    async def spin(self, match):
        # On stderr: an exploration drops what its schedules print on stdout.
        print("spinning", file=sys.stderr, flush=True)
        while True:
            pass

@architecture
class Office:
    panel = Panel
    connections = [connect(Pattern.match("Panel.press"), panel)]
"""


@pytest.mark.parametrize("command", ["run", "explore"])
def test_a_second_ctrl_c_under_json_leaves_the_object_on_stdout(
    tmp_path: Path, command: str
) -> None:
    # A CI job that reads stdout as JSON gets one after a second Ctrl-C too.
    (tmp_path / "spins.py").write_text(SAYS_IT_SPINS)
    (tmp_path / "spins.rapide").write_text("inject Panel.press\nrun\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "rapide_shell.cli", command, "spins.py", "--script",
         "spins.rapide", "--json", "--handler-timeout", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stderr is not None
        assert process.stderr.readline() == "spinning\n"
        out, err = ctrl_c_twice(process)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert json.loads(out) == {"ok": False, "exit_status": 130,
                               "error": {"message": "interrupted"}}
    assert err.endswith("rapide: interrupted again: leaving now\nrapide: interrupted\n"), err


async def test_ctrl_c_in_the_tui_pauses_then_quits() -> None:
    from rapide_shell.tui.app import RapideApp

    session = Session.load(FOREVER)
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject Ticker.tick n=0")
        app.main_screen.submit_command("run")
        await wait_until(pilot, lambda: len(session.computation) > 200)
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: not session.running, timeout=2)
        await settle(pilot)
        shown = "\n".join(str(line.text) for line in app.main_screen.output.lines)
        assert "Ctrl-C: pausing the run after the current step; Ctrl-C again quits" in shown
        assert session.state == "paused" and not session.closed
        await pilot.press("ctrl+c")
        await pilot.pause(0.3)
        assert not app.is_running
    assert session.closed and len(session.computation) > 200


async def test_ctrl_c_in_the_tui_between_commands_asks_first() -> None:
    from rapide_shell.tui.app import RapideApp

    session = Session.load(FOREVER)
    app = RapideApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert not session.closed
        await type_command(pilot, "inject Ticker.tick n=0")
        await pilot.press("ctrl+c")  # a command came between: this one asks again
        await settle(pilot)
        assert not session.closed
        await pilot.press("ctrl+c")
        await pilot.pause(0.3)
        assert not app.is_running
    assert session.closed


def test_a_finish_hook_waiting_for_ever_is_closed_after_the_handler_timeout(tmp_path) -> None:
    file = tmp_path / "stuck.py"
    file.write_text(
        "import asyncio\n"
        "from pyrapide import action, architecture, interface, module\n"
        "@interface\n"
        "class Idle:\n"
        "    @action\n"
        "    async def nothing(self) -> None: ...\n"
        "@module(implements=Idle)\n"
        "class Stuck:\n"
        "    async def finish(self):\n"
        "        await asyncio.sleep(3600)\n"
        "@architecture\n"
        "class Arch:\n"
        "    idle = Idle\n"
    )
    began = time.monotonic()
    done = run_rapide("run", file, "--script", "-", "--handler-timeout", "0.3", stdin="run\n")
    assert time.monotonic() - began < 30
    assert done.returncode == 3, done.stderr
    assert "limit reached (timeout): the finish hook of idle was closed" in " ".join(
        done.stdout.split()
    )


STORM = '''
from pyrapide import Pattern, action, architecture, connect, get_context, interface, module, when


@interface
class Source:
    @action
    async def item(self, n: int) -> None: ...


@interface
class Sink:
    @action
    async def done(self, n: int) -> None: ...


@module(implements=Source)
class SourceModule:
    async def start(self):
        for n in range(100):
            await get_context(self).emit("Source.item", n=n)


@module(implements=Sink)
class SinkModule:
    @when(Pattern.match("Source.item"))
    async def on_item(self, match):
        raise ValueError(f"cannot take item {match.payload['n']}")


@architecture
class Storm:
    source = Source
    sink = Sink
    connections = [connect(Pattern.match("Source.item"), target=sink)]
'''


def test_a_storm_of_handler_errors_shows_the_first_and_counts_the_rest(tmp_path: Path) -> None:
    # One error a delivery: a hundred lines said nothing the first thirty do not, and a
    # million would have been a million lines. JSON keeps every one.
    architecture = tmp_path / "storm.py"
    architecture.write_text(STORM)
    script = tmp_path / "storm.rapide"
    script.write_text("run\n")
    shown = run_rapide("run", architecture, "--script", script)
    assert shown.returncode == 0, shown.stderr
    errors = [line for line in shown.stdout.splitlines() if line.startswith("error in sink")]
    assert len(errors) == 30
    assert errors[0].startswith("error in sink handling e1 Source.item: ValueError: cannot take")
    assert "… and 70 more problems after these" in shown.stdout
    given = run_rapide("run", architecture, "--script", script, "--json")
    (run,) = json.loads(given.stdout)["commands"]
    assert len(run["result"]["errors"]) == 100


def test_a_handler_ignoring_ctrl_c_and_kill_leaves_the_workbench_able_to_hear_them(
    tmp_path: Path,
) -> None:
    # A handler that ignored SIGINT and SIGTERM left `rapide run` deaf to both: a later
    # run waiting on the outside could be ended only by SIGKILL, its recording lost.
    # The workbench's handlers are put back after the command, and that is said.
    script = tmp_path / "s.rapide"
    script.write_text(
        "inject Panel.press kind=deaf\nrun\ninject Panel.press kind=outside\nrun\n"
    )
    recording = tmp_path / "rec.rapide"
    process = subprocess.Popen(
        [sys.executable, "-m", "rapide_shell.cli", "run", str(HOSTILE), "--script",
         str(script), "--record", str(recording)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"},
    )
    try:
        read = script_at_its_run(process)  # the first run
        read += script_at_its_run(process)  # the second, which waits for ever
        waiting(process.pid)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 143, err
    assert "rapide: exit status 143: ended by SIGTERM" in err
    put_back = "warning: the architecture's code ignored {}: put back, so that {}"
    assert put_back.format("SIGINT", "Ctrl-C still reaches the workbench") in read
    assert put_back.format("SIGTERM", "`kill` still ends the workbench as it should") in read
    assert "Traceback" not in read + out + err
    assert 'inject Panel.press {"kind": "outside"}' in recording.read_text()


def test_a_handler_changing_the_working_directory_leaves_the_users_paths_where_they_were(
    tmp_path: Path,
) -> None:
    # `save run.json` and `--record rec.rapide` are read from the working directory: a
    # handler's os.chdir sent them to another folder while the line said "saved to
    # run.json". It is put back after the command, and that is said.
    folder = tmp_path / "here"
    folder.mkdir()
    (folder / "s.rapide").write_text(
        "inject Panel.press kind=chdir\nrun\nsave run.json\n"
    )
    done = run_rapide("run", HOSTILE, "--script", "s.rapide", "--record", "rec.rapide",
                      cwd=folder, env={"PYTHONPATH": str(REPO)})
    assert (done.returncode, done.stderr) == (0, "")
    said = " ".join(done.stdout.split())
    assert (
        f"warning: the architecture's code changed the working directory to {tmp_path}: "
        f"put back to {folder}, so that the paths you give (save, export, the recording) "
        "stay where they were"
    ) in said
    assert saved_events(folder / "run.json") == ["Panel.press", "Desk.done"]
    assert "run" in (folder / "rec.rapide").read_text()
    assert not (tmp_path / "run.json").exists() and not (tmp_path / "rec.rapide").exists()


def test_a_thread_of_the_handlers_raising_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    # Python writes an error ending a thread as a traceback of every frame: on stderr
    # under `rapide run`, and as a wall of red lines in the TUI's Output.
    script = tmp_path / "s.rapide"
    script.write_text("inject Panel.press kind=thread\nrun\n")
    done = run_rapide("run", HOSTILE, "--script", script)
    assert done.returncode == 0
    assert re.fullmatch(
        r"error in thread 'poller' of the architecture's code: ValueError: no route "
        r"\(at hostile\.py:\d+ in _poll\)\n",
        done.stderr,
    ), done.stderr
    assert "e2 Desk.done" in done.stdout


def test_errors_nothing_handles_are_one_line_each_not_a_traceback(tmp_path: Path) -> None:
    # Python and asyncio wrote each as a traceback of every frame, the message's escape
    # sequences as they were: an object whose __del__ raised ("Exception ignored in"),
    # a task nothing awaited, a callback handed to the event loop.
    script = tmp_path / "s.rapide"
    script.write_text(
        "inject Panel.press kind=del\nrun\ninject Panel.press kind=task\nrun\n"
        "inject Panel.press kind=callback\nrun\nsave run.json\n"
    )
    done = run_rapide("run", HOSTILE, "--script", script, cwd=tmp_path)
    assert done.returncode == 0
    assert sorted(done.stderr.splitlines()) == [
        "error ignored in Dropped.__del__: RuntimeError: cannot let go "
        f"(at hostile.py:{_line_of('cannot let go')} in __del__)",
        "error in a callback the event loop ran: ValueError: called back "
        f"(at hostile.py:{_line_of('called back')} in _called_back)",
        "error in asyncio task 'unawaited' that nothing awaited: ValueError: nobody waits "
        f"(at hostile.py:{_line_of('nobody waits')} in _unawaited)",
    ], done.stderr
    assert saved_events(tmp_path / "run.json") == ["Panel.press", "Desk.done"] * 3


def test_rapide_explore_says_them_in_one_line_each_too(tmp_path: Path) -> None:
    # Schedules explored in the command's own process: each was Python's traceback.
    script = tmp_path / "s.rapide"
    script.write_text(
        "inject Panel.press kind=del\nrun\ninject Panel.press kind=task\nrun\n"
        "inject Panel.press kind=callback\nrun\nexpect Desk.done count=3\n"
    )
    explored = run_rapide("explore", HOSTILE, "--script", script, cwd=tmp_path)
    assert explored.returncode == 0, explored.stderr
    assert "Traceback" not in explored.stderr
    said = set(explored.stderr.splitlines())
    assert said == {
        "error ignored in Dropped.__del__: RuntimeError: cannot let go "
        f"(at hostile.py:{_line_of('cannot let go')} in __del__)",
        "error in a callback the event loop ran: ValueError: called back "
        f"(at hostile.py:{_line_of('called back')} in _called_back)",
        "error in asyncio task 'unawaited' that nothing awaited: ValueError: nobody waits "
        f"(at hostile.py:{_line_of('nobody waits')} in _unawaited)",
    }, explored.stderr


def test_a_task_left_running_is_cancelled_saying_so(tmp_path: Path) -> None:
    # The event loop cancelled it unsaid as the command ended: whatever it was waiting
    # to do (an emit, say) was never done, and nothing told why.
    script = tmp_path / "s.rapide"
    script.write_text("inject Panel.press kind=linger\nrun\n")
    done = run_rapide("run", HOSTILE, "--script", script)
    assert done.returncode == 0
    assert done.stderr == (
        "rapide: cancelled the 1 asyncio task the architecture's code left running "
        "(lingering: _lingering)\n"
    )
    assert "e2 Desk.done" in done.stdout


def _line_of(text: str) -> int:
    """The number of the line of the hostile file that holds ``text``."""
    lines = HOSTILE.read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_handler_lowering_the_recursion_limit_leaves_save_working(tmp_path: Path) -> None:
    # A handler's sys.setrecursionlimit(100) made every later `save` of a computation
    # holding a payload nested 95 deep (within the 100 a payload may have) fail with a
    # RecursionError. The limit is put back after the command, and that is said.
    file = tmp_path / "deep.py"
    file.write_text(
        "import sys\n"
        "from pyrapide import Pattern, action, architecture, connect, get_context\n"
        "from pyrapide import interface, module, when\n"
        "@interface\n"
        "class Src:\n"
        "    @action\n"
        "    async def go(self) -> None: ...\n"
        "    @action\n"
        "    async def deep(self, value: list) -> None: ...\n"
        "@module(implements=Src)\n"
        "class Deep:\n"
        "    @when(Pattern.match('Src.go', source='env'))\n"
        "    async def on_go(self, match):\n"
        "        value = []\n"
        "        for _ in range(95):\n"
        "            value = [value]\n"
        "        await get_context(self).emit('Src.deep', value=value)\n"
        "        sys.setrecursionlimit(100)\n"
        "@architecture\n"
        "class Arch:\n"
        "    src = Src\n"
        "    connections = [connect(Pattern.match('Src.go', source='env'), target=src)]\n"
    )
    saved = tmp_path / "run.json"
    script = tmp_path / "s.rapide"
    script.write_text(f"inject Src.go\nrun\nsave {saved}\n")
    done = run_rapide("run", file, "--script", script)
    assert (done.returncode, done.stderr) == (0, "")
    assert re.search(
        r"warning: the architecture's code set the recursion limit to 100: put back to "
        r"\d+, so that saving and showing deep payloads still work",
        " ".join(done.stdout.split()),
    ), done.stdout
    assert saved_events(saved) == ["Src.go", "Src.deep"]


def test_a_run_a_handler_paused_is_not_said_to_be_paused_by_the_user(tmp_path: Path) -> None:
    # A handler calling System.pause() ended the run with "paused by you", a pause the
    # user never asked for, and the recording wrote it as the steps taken (a pause of
    # the user's falls at no reproducible point; the code's falls at the same one).
    script = tmp_path / "s.rapide"
    script.write_text(
        "inject Panel.press kind=pause\ninject Panel.press kind=last\nrun\nrun\n"
    )
    recording = tmp_path / "rec.rapide"
    done = run_rapide("run", HOSTILE, "--script", script, "--record", recording)
    assert (done.returncode, done.stderr) == (0, "")
    assert "paused by you" not in done.stdout
    assert (
        "paused by the architecture's code (System.pause()): 3 pending" in done.stdout
    ), done.stdout
    lines = [line for line in recording.read_text().splitlines() if not line.startswith("#")]
    assert lines[-2:] == ["run", "run"], lines
    replayed = run_rapide("run", HOSTILE, "--script", recording)
    assert replayed.returncode == 0, replayed.stderr
    assert "e4 Desk.done" in replayed.stdout


MISREAD = '''
from pyrapide import Pattern, action, architecture, get_context, interface, module, pipe, when

@interface
class Panel:
    @action
    async def request(self, floor: int) -> None: ...

@interface
class Car:
    @action
    async def arrived(self, floor: int) -> None: ...

@module(implements=Panel)
class PanelModule:
    pass

@module(implements=Car)
class CarModule:
    @when(Pattern.match("Panel.request"))
    async def on_request(self, match):
        await get_context(self).emit("Car.arrived", floor=match.payload[{key!r}])

@architecture
class Elevator:
    panel = Panel
    car = Car
    connections = [pipe(Pattern.match("Panel.request"), target="car")]
'''


@pytest.mark.parametrize(
    ("key", "hint"),
    [("flor", "; e1 Panel.request has no field 'flor': did you mean 'floor'?"),
     ("weight", "")],
)
def test_a_handler_reading_a_misspelt_field_is_told_the_field_meant(
    tmp_path: Path, key: str, hint: str
) -> None:
    # `match.payload["flor"]` said "KeyError: 'flor'" and no more: which event lacked it,
    # and that its field is `floor`, was left to the reader. A key close to none of the
    # event's fields (another dict of the handler's, perhaps) gets no guess.
    file = tmp_path / "elevator.py"
    file.write_text(MISREAD.format(key=key))
    script = tmp_path / "s.rapide"
    script.write_text("inject Panel.request floor=3\nrun\n")
    done = run_rapide("run", file, "--script", script, "--json")
    assert done.returncode == 0, done.stderr
    errors = json.loads(done.stdout)["commands"][1]["result"]["errors"]
    assert errors == [
        f"error in car handling e1 Panel.request: KeyError: {key!r} "
        f"(at elevator.py:22 in on_request){hint}"
    ]

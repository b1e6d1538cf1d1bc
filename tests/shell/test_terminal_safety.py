"""Escape sequences in data never reach a terminal: names, ids, sources, payloads,
exception messages and file paths holding C0, C1, CSI, OSC and DCS sequences are shown
written out (``\\u001b]0;...``) by ``rapide run``, the REPL, the TUI and every export."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pyrapide import Computation, Event
from pyrapide.core.printable import printable
from tests.shell.cli_process import run_rapide, run_under_way, script_at_its_run
from tests.shell.test_repl import User
from tests.shell.tui.conftest import SIZE, settle, type_command

# One sequence of each class a terminal acts on, each followed by a word of its own so
# that a test can tell the data's sequence from any the front end draws with.
SEQUENCES = {
    "C0": "\x07\x08\x00BELL",
    "C1": "\x85NEL\x9b2JEIGHTBIT",
    "CSI": "\x1b[2JCLEARED\x1b[31mRED",
    "OSC": "\x1b]0;PWNED-TITLE\x07\x1b]52;c;UFdORUQ=\x07",
    "DCS": "\x1bPqPWNED-DCS\x1b\\",
}
ALL = "".join(SEQUENCES.values())
RAW_MARKERS = [
    "\x1b[2JCLEARED", "\x1b[31mRED", "\x1b]0;PWNED", "\x1b]52;", "\x1bPqPWNED", "\x9b2J",
    "\x85NEL", "\x07",
]
SHOWN = [printable(sequence) for sequence in SEQUENCES.values()]

ARCHITECTURE = '''\
from pyrapide import Pattern, action, agent, architecture, connect, interface, module, when


@interface
class Echo:
    @action
    async def said(self, text: str) -> None: ...


@interface
class Sink:
    @action
    async def noted(self, text: str) -> None: ...


@module(implements=Echo)
class Voice:
    pass


@module(implements=Sink)
class Parrot:
    @when(Pattern.match("Echo.said"))
    async def on_said(self, match):
        raise ValueError("cannot repeat " + match.payload["text"])


@architecture
class Room:
    echo = Echo
    sink = Sink
    connections = [
        connect(Pattern.match("Echo.said"), target=sink),
        agent(Pattern.match("Echo.said", text=%r), target=sink),
    ]
''' % ("\x1b[2JGRAPH" + ALL)


def _controls(text: str) -> list[str]:
    """The control characters in ``text`` other than line breaks and tabs."""
    return [char for char in text if unicodedata.category(char) == "Cc" and char not in "\n\t"]


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, Path]:
    """An architecture whose handler raises with the payload in its message, and a saved
    computation whose names, ids, sources and payloads carry every sequence; its path too."""
    architecture = tmp_path / "room.py"
    architecture.write_text(ARCHITECTURE, encoding="utf-8")
    computation = Computation()
    previous: list[Event] = []
    for kind, sequence in SEQUENCES.items():
        event = Event(
            f"Echo.{kind}{sequence}",
            {"text": sequence, sequence: [sequence]},
            source=f"src{sequence}",
            id=f"{kind}{sequence}",
        )
        computation.record(event, caused_by=previous)
        previous = [event]
    # One with a plain id, to be named on a command line typed at a terminal (which
    # would echo raw bytes typed ahead itself, before the program reads them).
    computation.record(
        Event(f"Echo.all{ALL}", {"text": ALL}, source=f"src{ALL}", id="plain"),
        caused_by=previous,
    )
    saved = tmp_path / f"saved{SEQUENCES['OSC']}.json"
    computation.save(saved)
    return {"architecture": architecture, "computation": saved, "directory": tmp_path}


def _script(hostile: dict[str, Path], lines: list[str]) -> Path:
    script = hostile["directory"] / "look.rapide"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return script


def _inject_line() -> str:
    return "inject Echo.said " + json.dumps({"text": ALL})


def _quoted(text: object) -> str:
    """``text`` as one quoted word of a command line, its characters as they are."""
    return f'"{text}"'


def test_rapide_run_shows_every_sequence_written_out(hostile: dict[str, Path]) -> None:
    exports = {fmt: hostile["directory"] / f"view.{fmt}" for fmt in ("dot", "mermaid", "json")}
    script = _script(
        hostile,
        [
            _inject_line(),
            "run",
            f"save {hostile['directory'] / 'run.json'}",
            f"load {_quoted(hostile['computation'])}",
            "show events",
            f"show event {_quoted('C1' + SEQUENCES['C1'])}",
            f"why {_quoted('OSC' + SEQUENCES['OSC'])}",
            f"effects {_quoted('C0' + SEQUENCES['C0'])}",
            "show graph",
            "show components",
            *(f"export {fmt} {path}" for fmt, path in exports.items()),
            "timeline",
            f"load {_quoted(str(hostile['directory'] / 'nothing') + SEQUENCES['CSI'])}.json",
        ],
    )
    result = run_rapide("run", hostile["architecture"], "--script", script)
    output = result.stdout + result.stderr
    assert result.returncode == 2  # the last line loads a file that is not there
    assert "Traceback" not in output
    assert _controls(output) == []
    # The transcript wraps long lines, at a blank (which ends no line) or inside a word.
    unwrapped = "".join(output.split())
    for shown in SHOWN:
        assert "".join(shown.split()) in unwrapped
    assert "ValueError:cannotrepeat" + printable(ALL) in unwrapped  # the handler's message
    assert "".join(printable(str(hostile["computation"])).split()) in unwrapped  # the path
    for path in exports.values():
        assert _controls(path.read_text(encoding="utf-8")) == []
    # What ran before the load is saved whole.
    (injected,) = Computation.load(hostile["directory"] / "run.json")
    assert injected.payload["text"] == ALL


def test_check_graph_and_load_errors_write_out_what_the_file_holds(
    hostile: dict[str, Path],
) -> None:
    for command in ("check", "graph"):
        result = run_rapide(command, hostile["architecture"])
        assert result.returncode == 0, result.stderr
        assert _controls(result.stdout + result.stderr) == []
        assert printable("\x1b[2JGRAPH") in result.stdout
    strange = hostile["directory"] / f"bad{SEQUENCES['OSC']}.py"
    strange.write_text("raise RuntimeError('no' + chr(27) + ']0;TITLE' + chr(7))\n")
    result = run_rapide("check", strange)
    assert result.returncode == 2
    assert _controls(result.stderr) == []
    assert result.stderr == (
        f"rapide: {printable(str(strange))}:1: RuntimeError: no\\u001b]0;TITLE\\u0007\n"
    )


def test_check_says_a_file_named_across_lines_on_one_line(hostile: dict[str, Path]) -> None:
    # The last line of `rapide check` wrote the file's name as it is: one with a line
    # feed in it broke the line in two, "...\n.py: Room loads and binds ...".
    named = hostile["directory"] / "two\nlines.py"
    named.write_text(hostile["architecture"].read_text(encoding="utf-8"), encoding="utf-8")
    result = run_rapide("check", named)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith(printable(f"{named}: "))


def test_the_repl_never_prints_a_sequence_it_read(hostile: dict[str, Path]) -> None:
    user = User(hostile["architecture"], hostile["directory"])
    raw = io.StringIO()
    user.child.logfile_read = raw  # every character the terminal is sent, unfiltered
    user.sees("[quiet]>")
    lines = [
        _inject_line(),
        "run",
        f"load {_quoted(hostile['computation'])}",
        "show events",
        "show event plain",
        "why plain",
        "show graph",
    ]
    for line in lines:
        user.enters(line)
        user.sees("]>")
    user.enters("quit")
    assert user.leaves() == 2  # a load of a file not there, two events not there
    sent = raw.getvalue()
    for marker in RAW_MARKERS:
        assert marker not in sent, f"{marker!r} reached the terminal"
    seen = "".join(user.screen.split())  # what the user reads, wherever it wrapped
    assert "\\u001b]0;PWNED-TITLE\\u0007" in seen
    assert "ValueError:cannotrepeat\\u0007\\u0008\\u0000BELL" in seen


async def test_the_tui_draws_every_sequence_written_out(hostile: dict[str, Path]) -> None:
    from rapide_shell.session import Session
    from rapide_shell.tui.app import RapideApp
    from rapide_shell.tui.widgets.event_log import EventLog

    app = RapideApp(Session.load(hostile["architecture"], seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, _inject_line())
        await type_command(pilot, "run")
        screens = [_screen_text(app)]
        await type_command(pilot, f"load {_quoted(hostile['computation'])}")
        log = app.screen.query_one(EventLog)
        for event in list(app.session.computation):
            log.select_id(event.id)
            await settle(pilot)
            screens.append(_screen_text(app))
        await type_command(pilot, f"why {_quoted('OSC' + SEQUENCES['OSC'])}")
        await type_command(pilot, "show events")
        screens.append(_screen_text(app))
        await pilot.press("escape", "9")  # the Timeline: lanes named by sources, labels
        await settle(pilot)
        screens.append(_screen_text(app))
        await pilot.press("f7")  # the problems panel, listing the handler's error
        await settle(pilot)
        screens.append(_screen_text(app))
    drawn = "\n".join(screens)
    assert _controls(drawn) == []
    for marker in (
        "\\u001b]0;PWNED-TITLE",  # names, ids, sources in the log and the inspector
        "\\u001bPqPWNED-DCS",
        "\\u009b2JEIGHTBIT",
        "error: sink raised ValueError: cannot",  # the handler's error in the problems
        "Echo.said: ValueError: cannot repeat",  # and in the output
        "\\u001b[2JGRAPH",  # the pattern on the graph's connection
    ):
        assert marker in drawn


PRINTING = '''\
import sys

from pyrapide import Pattern, action, architecture, connect, interface, module, when

SEQUENCES = ALL_SEQUENCES
print("imported " + SEQUENCES)


@interface
class Echo:
    @action
    async def said(self, text: str) -> None: ...


@interface
class Sink:
    @action
    async def noted(self, text: str) -> None: ...


@module(implements=Echo)
class Voice:
    async def start(self):
        print("started " + SEQUENCES, file=sys.stderr)


@module(implements=Sink)
class Parrot:
    @when(Pattern.match("Echo.said"))
    async def on_said(self, match):
        print("printed " + match.payload["text"])
        sys.stderr.write("written " + match.payload["text"] + "\\n")


@architecture
class Room:
    echo = Echo
    sink = Sink
    connections = [connect(Pattern.match("Echo.said"), target=sink)]
'''.replace("ALL_SEQUENCES", repr(ALL))


def test_what_the_code_prints_is_written_out_by_rapide_run_and_the_repl(
    tmp_path: Path,
) -> None:
    # A print of an escape sequence reached the terminal as it was: in the REPL it
    # cleared the screen under the prompt, renamed the window, reset the terminal.
    architecture = tmp_path / "printing.py"
    architecture.write_text(PRINTING, encoding="utf-8")
    ran = run_rapide("run", architecture, "--script", "-", stdin=_inject_line() + "\nrun\n")
    assert ran.returncode == 0, ran.stderr
    assert _controls(ran.stdout + ran.stderr) == []
    for said in ("imported ", "printed "):
        assert said + printable(ALL) in ran.stdout
    for said in ("started ", "written "):
        assert said + printable(ALL) in ran.stderr

    user = User(architecture, tmp_path)
    raw = io.StringIO()
    user.child.logfile_read = raw
    user.sees("[quiet]>")
    user.enters(_inject_line())
    user.enters("run")
    user.sees("quiet: nothing pending")
    user.enters("quit")
    assert user.leaves() == 0
    sent = raw.getvalue()
    for marker in RAW_MARKERS:
        assert marker not in sent, f"{marker!r} reached the terminal"
    seen = "".join(user.screen.split())
    for said in ("imported", "started", "printed", "written"):
        assert said + "".join(printable(ALL).split()) in seen


@pytest.mark.slow
def test_what_the_code_prints_in_explores_worker_processes_is_written_out(
    tmp_path: Path,
) -> None:
    # The command's own process wrote it out; its worker processes let it through raw.
    architecture = tmp_path / "printing.py"
    architecture.write_text(PRINTING, encoding="utf-8")
    script = tmp_path / "printing.rapide"
    script.write_text(_inject_line() + "\nrun\n", encoding="utf-8")
    explored = run_rapide("explore", architecture, "--script", script, "--workers", "2")
    assert explored.returncode == 0, explored.stdout + explored.stderr
    assert _controls(explored.stdout + explored.stderr) == []
    for said in ("started ", "written "):  # by the workers' start hooks and handlers
        assert said + printable(ALL) in explored.stderr


def _screen_text(app) -> str:
    """Every character the app's screen would send to the terminal, as text."""
    update = app.screen._compositor.render_update(full=True)
    return "\n".join("".join(segment.text for segment in strip) for strip in update.strips)


def test_ctrl_c_in_rapide_run_pauses_says_so_and_keeps_the_recording(tmp_path: Path) -> None:
    forever = Path(__file__).parent / "tui" / "architectures" / "forever.py"
    script = tmp_path / "forever.rapide"
    script.write_text("inject Ticker.tick n=0\nrun\nsave never.json\n")
    recording = tmp_path / "rec.rapide"
    process = subprocess.Popen(
        [sys.executable, "-m", "rapide_shell.cli", "run", str(forever), "--script",
         str(script), "--record", str(recording)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        env={**os.environ, "PYTHONUNBUFFERED": "1"},  # each line echoed as it is read
    )
    read = script_at_its_run(process)
    run_under_way(process.pid)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    out = read + out
    assert process.returncode == 130
    assert err == (
        "rapide: interrupted: pausing; the script stops after the current command "
        "(Ctrl-C again leaves at once)\n"
        f"rapide: {script}:2: interrupted (Ctrl-C) after this line; the rest of the script "
        "was not run\n"
    )
    assert "\npaused by you: 1 pending (step, run or show queue)\n" in out
    assert not (tmp_path / "never.json").exists()
    recorded = recording.read_text().splitlines()
    assert recorded[1:3] == ["seed 0", 'inject Ticker.tick {"n": 0}']
    assert recorded[3].startswith("step ")

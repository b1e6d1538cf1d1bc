"""`rapide shell` as a user starts it: bad input is one line, a real terminal opens and closes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from tests.shell.terminal import Terminal

ROOT = Path(__file__).resolve().parents[3]
RAPIDE = Path(sys.executable).with_name("rapide")


def _lessons_directory() -> Path:
    """Where the ``rapide`` command finds the lessons: the checkout's in an editable
    install, the package's copy in a built one (the compiled build's venv)."""
    asked = subprocess.run(
        [sys.executable, "-I", "-c",
         "from rapide_shell.lessons import lessons_directory; print(lessons_directory())"],
        capture_output=True, text=True, check=True, timeout=60,
    )
    return Path(asked.stdout.strip())


def _rapide(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RAPIDE), *arguments], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def test_a_missing_file_is_one_line_and_status_2():
    result = _rapide("shell", "no/such/architecture.py")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["rapide: no/such/architecture.py: no such file"]
    assert "Traceback" not in result.stderr


def test_a_missing_script_is_refused_before_the_screen_opens():
    result = _rapide("shell", "examples/seed_system.py", "--script", "nowhere.rapide")
    assert result.returncode == 2
    assert result.stderr == "rapide: nowhere.rapide: no such script\n"
    directory = _rapide("shell", "examples/seed_system.py", "--script", "examples")
    assert directory.returncode == 2
    assert directory.stderr == "rapide: examples: is a directory, not a script\n"


def test_without_a_terminal_it_says_what_to_use_instead():
    # Textual drew its screen into the pipe all the same and waited for keys for ever.
    result = subprocess.run(
        [str(RAPIDE), "shell", "examples/seed_system.py"], capture_output=True, text=True,
        cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "rapide: the workbench draws in a terminal, and standard input is not one: for a "
        "script without a terminal, rapide run examples/seed_system.py --script SCRIPT; "
        "for commands piped in, rapide repl examples/seed_system.py < COMMANDS\n"
    )


def test_a_lesson_without_a_terminal_names_the_command_that_plays_it_there():
    # A presenter trying a lesson from a job with no terminal was told "rapide run FILE
    # --script SCRIPT", with no word of where a lesson's files are; the command now
    # names them, and runs the lesson.
    result = subprocess.run(
        [str(RAPIDE), "lessons", "causality"], capture_output=True, text=True,
        cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL,
    )
    lesson = _lessons_directory() / "02_causality"
    assert result.returncode == 2
    assert result.stderr == (
        "rapide: the workbench draws in a terminal, and standard input is not one: for a "
        f"script without a terminal, rapide run {lesson}.py --script {lesson}.rapide; for "
        f"commands piped in, rapide repl {lesson}.py < COMMANDS\n"
    )
    said = result.stderr.split("for a script without a terminal, ")[1].split(";")[0].split()
    played = _rapide(*said[1:])
    assert played.returncode == 0, played.stderr
    assert "ok: 7 expectations held" in played.stdout


@pytest.mark.parametrize(
    ("command", "file"),
    [
        (["shell", "examples/seed_system.py"], "examples/seed_system.py"),
        (["lessons", "1"], "01_connections.py"),
    ],
)
def test_a_dumb_terminal_is_refused_and_the_repl_named(command: list[str], file: str):
    if command[0] == "lessons":
        file = str(_lessons_directory() / file)
    # Textual took a dumb terminal for 80x25 until it learned its size, and the screen,
    # laid out for both sizes in turn, never settled: the workbench spun at full speed
    # and answered no key, not even Ctrl-Q.
    child = Terminal(
        str(RAPIDE), command, cwd=str(ROOT), dimensions=(30, 100), encoding="utf-8",
        timeout=30, env={"TERM": "dumb", "PATH": str(RAPIDE.parent)},
    )
    try:
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 2
        assert " ".join(child.before.split()) == (
            "rapide: the workbench draws a screen, and this terminal cannot show one "
            f"(TERM=dumb): rapide repl {file} takes the same commands at a prompt"
        )
    finally:
        if child.isalive():
            child.terminate(force=True)


@pytest.mark.slow
@pytest.mark.parametrize("output", ["| /bin/cat", "> /dev/null", ">&-"])
def test_standard_output_piped_or_closed_leaves_the_screen_its_size(output: str):
    # Textual asked standard output for the terminal's size: piped, redirected or
    # closed, it took the screen for 80x25 until the terminal told it otherwise, and
    # the screen, laid out for both sizes in turn, never settled: the workbench spun at
    # full speed, drew no graph and answered no key, Ctrl-Q and SIGTERM included.
    child = Terminal(
        "/bin/sh", ["-c", f'"$0" shell examples/seed_system.py {output}', str(RAPIDE)],
        cwd=str(ROOT), dimensions=(36, 120), encoding="utf-8", timeout=30,
        env={"TERM": "xterm-256color", "PATH": str(RAPIDE.parent)},
    )
    try:
        child.expect("connect APIService.request")  # the graph, drawn at the right size
        child.expect("Tab completes")
        child.sendcontrol("q")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    finally:
        if child.isalive():
            child.terminate(force=True)


def test_the_help_names_what_each_option_takes():
    result = _rapide("shell", "--help")
    assert result.returncode == 0
    assert "SCRIPT" in result.stdout
    assert "SECONDS" in result.stdout
    assert "<float range>" not in result.stdout


def _shell_in_a_terminal(*arguments: str) -> pexpect.spawn:
    return Terminal(
        str(RAPIDE), ["shell", "examples/seed_system.py", *arguments], cwd=str(ROOT),
        dimensions=(36, 120), encoding="utf-8", timeout=30,
        env={"TERM": "xterm-256color", "PATH": str(RAPIDE.parent)},
    )


@pytest.mark.slow
def test_the_shell_opens_in_a_terminal_and_quits_cleanly():
    child = _shell_in_a_terminal()
    child.expect("MySystem")
    child.expect("connect APIService.request")
    child.sendcontrol("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # On the way out: back from the alternate screen, the cursor shown, mouse reporting off.
    tail = child.before[-400:]
    for restore in ("\x1b[?1049l", "\x1b[?25h", "\x1b[?1000l"):
        assert restore in tail


@pytest.mark.slow
def test_the_shell_records_what_is_typed_and_ends_the_file_on_quit(tmp_path: Path):
    recording = tmp_path / "shell.rapide"
    child = _shell_in_a_terminal("--seed", "4", "--record", str(recording))
    child.expect("Tab completes")  # the command bar is there, focused
    child.send("inject APIService.request type=query key=users/1\r")
    child.expect("injected")
    child.sendcontrol("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    lines = [line for line in recording.read_text().splitlines() if not line.startswith("#")]
    assert lines == ["seed 4", 'inject APIService.request {"type": "query", "key": "users/1"}']


@pytest.mark.slow
def test_ctrl_c_stops_a_reload_whose_file_waits_at_its_top_level(tmp_path: Path):
    # The screen holds the terminal in raw mode, where Ctrl-C is a key; while `reload`
    # imported a file that waits at its top level, no one read it, and the screen stayed
    # frozen until the import's time bound (here none). Now Ctrl-C stops the import.
    architecture = tmp_path / "seed_system.py"
    architecture.write_text((ROOT / "examples" / "seed_system.py").read_text())
    started = tmp_path / "started"
    child = Terminal(
        str(RAPIDE), ["shell", str(architecture)], cwd=str(ROOT),
        dimensions=(36, 120), encoding="utf-8", timeout=30,
        env={"TERM": "xterm-256color", "PATH": str(RAPIDE.parent),
             "RAPIDE_IMPORT_TIMEOUT": "0"},
    )
    try:
        child.expect("Tab completes")  # the command bar is there, focused
        with architecture.open("a") as file:
            file.write(f"\nimport time\nopen({str(started)!r}, 'w').close()\n"
                       "while True:\n    time.sleep(0.1)\n")
        child.send("reload\r")
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists()
        child.sendcontrol("c")
        child.expect("reload failed, the session keeps its system")
        child.expect("interrupted")
        # The screen answers keys again, Ctrl-C among them: a key once more.
        child.send("step\r")
        child.expect(r"step 1\S* of main")  # the status line, once the step is done
        child.sendcontrol("q")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 2  # the reload that failed


@pytest.mark.slow
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_a_reload_whose_file_loops_ends_the_workbench(
    tmp_path: Path, number: int
):
    # The TUI hears SIGTERM and SIGHUP in its event loop, which the import held: asked
    # to end while `reload` imported a file that loops at its top level, it went on
    # until the import's time bound ran out (60 s), or for ever with none.
    architecture = tmp_path / "seed_system.py"
    architecture.write_text((ROOT / "examples" / "seed_system.py").read_text())
    started = tmp_path / "started"
    recording = tmp_path / "rec.rapide"
    child = Terminal(
        str(RAPIDE), ["shell", str(architecture), "--record", str(recording)], cwd=str(ROOT),
        dimensions=(36, 120), encoding="utf-8", timeout=30,
        env={"TERM": "xterm-256color", "PATH": str(RAPIDE.parent),
             "RAPIDE_IMPORT_TIMEOUT": "0"},
    )
    try:
        child.expect("Tab completes")  # the command bar is there, focused
        child.send("step\r")
        child.expect(r"step 1\S* of main")
        with architecture.open("a") as file:
            file.write(f"\nopen({str(started)!r}, 'w').close()\nwhile True:\n    pass\n")
        child.send("reload\r")
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists()
        child.kill(number)
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 128 + number
    lines = [line for line in recording.read_text().splitlines() if not line.startswith("#")]
    assert lines == ["seed 0", "step"]


SLOW_TO_BUILD = """
import time
from pyrapide import Pattern, action, architecture, interface, module, pipe, when


@interface
class Desk:
    @action
    async def job(self) -> None: ...


@module(implements=Desk)
class Clerk:
    def __init__(self):
        open({started!r}, "w").close()
        time.sleep(3)

    @when(Pattern.match("Desk.job"))
    async def on_job(self, match): ...


@architecture
class Office:
    clerk = Desk
    connections = [pipe(Pattern.match("Desk.job"), target=clerk)]
"""


@pytest.mark.slow
def test_ctrl_c_while_the_system_is_built_leaves_as_interrupted(tmp_path: Path):
    # A first Ctrl-C while the modules were built (before the screen takes the terminal)
    # cancelled the task, which learnt of it inside Textual as the screen was built:
    # a traceback of a screen half built, and the shell exited 0.
    started = tmp_path / "started"
    architecture = tmp_path / "office.py"
    architecture.write_text(SLOW_TO_BUILD.format(started=str(started)))
    recording = tmp_path / "office.rapide"
    child = Terminal(
        str(RAPIDE), ["shell", str(architecture), "--record", str(recording)],
        cwd=str(ROOT), dimensions=(36, 120), encoding="utf-8", timeout=30,
        env={"TERM": "xterm-256color", "PATH": str(RAPIDE.parent)},
    )
    try:
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists()
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert "Traceback" not in child.before
    assert child.before.strip().endswith("rapide: interrupted")
    assert child.exitstatus == 130
    # The session closed as it does after any Ctrl-C: the recording is whole.
    assert [line for line in recording.read_text().splitlines()
            if not line.startswith("#")] == ["seed 0"]


# What the shell opened on a file uses before its first frame is imported before it; the
# machinery of what it may do later is imported when asked for.
LATER = (
    "rapide_shell.script",  # playing a script (--script, `rapide lessons`)
    "rapide_shell.lessons",
    "pyrapide.analysis.structure",  # `diff`
    "pyrapide.analysis.visualization",  # `export`
    "rapide_shell.architecture_view",  # `show graph`, `show components`
    "pyrapide.runtime.explain",  # `whynot`
    "textual.drivers.web_driver",  # a tab of `rapide serve`
    "pyrapide.exploration",  # `explore`
    "rapide_timeline.lanes",  # `timeline`, the first-party plugin's command
    "rapide_shell.tui.palette",  # the command palette (Ctrl+P)
)


@pytest.mark.slow
def test_the_shell_shows_its_first_frame_without_what_it_may_do_later(tmp_path: Path):
    # The shell as a user starts it, in a terminal; its app, once its first frame is on
    # the screen, writes down what had been imported by then, and leaves.
    imported = tmp_path / "imported.json"
    probe = (
        "import json, sys\n"
        "from rapide_shell import cli\n"
        "from rapide_shell.tui.app import RapideApp\n"
        "shown = RapideApp.on_ready\n"
        "def on_ready(app):\n"
        "    shown(app)\n"
        f"    with open({str(imported)!r}, 'w') as file:\n"
        "        json.dump(sorted(sys.modules), file)\n"
        "    app.exit()\n"
        "RapideApp.on_ready = on_ready\n"
        "cli.main(['shell', 'examples/seed_system.py'])\n"
    )
    child = Terminal(
        sys.executable, ["-c", probe], cwd=str(ROOT), dimensions=(36, 120),
        encoding="utf-8", timeout=30, env={"TERM": "xterm-256color", "PATH": str(RAPIDE.parent)},
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    modules = json.loads(imported.read_text())
    assert "rapide_shell.tui.hangup" in modules  # the terminal's driver: it got that far
    assert [name for name in LATER if name in modules] == []

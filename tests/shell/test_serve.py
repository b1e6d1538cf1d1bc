"""``rapide serve``: the workbench in a real browser, one session per tab, stopped by Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from pyrapide import Computation
from rapide_shell.serve import (
    exposure_warning,
    is_loopback,
    network_address,
    shell_command,
    startup_lines,
    url_of,
)
from tests.shell.browser import (
    REPO,
    ServedWorkbench,
    WorkbenchTab,
    chromium,
    downloads_of,
    free_port,
    served,
    wait_for_downloads,
)
from tests.shell.cli_process import run_rapide

KINDS = REPO / "examples" / "connection_kinds.py"
LOGBOOK = REPO / "tests" / "shell" / "fixtures" / "logbook.py"


@pytest.mark.slow
def test_a_browser_tab_shows_the_workbench_and_runs_typed_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pictures = tmp_path / "pictures"
    monkeypatch.setenv("RAPIDE_SCREENSHOTS", str(pictures))  # where F12 saves in a terminal
    with served(KINDS) as server, chromium() as browser:
        page = browser.new_page()
        asked: list[str] = []  # the page asks nothing of other sites (a class may be offline)
        page.on("request", lambda request: asked.append(request.url))
        tab = WorkbenchTab(page, server.url)
        # The connection graph's components, and the status line of a fresh session.
        tab.wait_for(
            "connect_source", "pipe_worker", "agent_worker", "ConnectionKinds", "7 pending",
            "Rapide workbench on connection_kinds.py",
        )
        tab.enter("step connect")
        tab.wait_for("ran #1 connect e1 Source.job -> connect_worker", "6 pending")
        tab.enter("why e4")
        tab.wait_for("e4 Source.job from pipe_source", "e2 Source.job from pipe_source")
        tab.page.screenshot(path=str(tmp_path / "workbench.png"))
        assert (tmp_path / "workbench.png").stat().st_size > 10_000

        # F12's picture is the browser's, a download, not a file on the machine serving
        # the page, which the user may not reach.
        downloads = downloads_of(browser)
        tab.press("F12")
        tab.wait_for("SVG sent to the browser's downloads")
        wait_for_downloads(tab.page, downloads, 1)
        assert [d.suggested_filename[-4:] for d in downloads] == [".svg"]
        assert "<svg" in Path(downloads[0].path()).read_text()[:200]
        assert not pictures.exists()

        # A second tab is a session of its own: nothing it does shows in the first.
        other = WorkbenchTab(browser.new_page(), server.url)
        other.wait_for("ConnectionKinds", "7 pending")
        other.enter("step pipe")
        other.wait_for("ran #2 pipe", "e2 Source.job -> pipe_worker")
        assert "ran #2" not in tab.text()
        assert "6 pending" in tab.text()
        other.enter("expect Source.nothing")
        other.wait_for("FAILED: Source.nothing")
        # Its workbench quit: the page says so, the server still there.
        other.press("Control+q")
        other.page.wait_for_selector("body.-closed", timeout=10_000)
        other.page.wait_for_function(
            "document.getElementById('why').textContent.includes('workbench was closed')"
        )

        # Ctrl-C: the server stops, every tab's session ends, no process is left. A tab's
        # session that met a failure says nothing in the server's terminal: it is not
        # that user's (`rapide shell` says it in its own).
        status, out, err = server.interrupt()
        assert status == 0, err
        assert "Traceback" not in out + err
        assert "exit status" not in out + err
        assert err.rstrip().endswith("rapide serve: stopped")
        tab.page.wait_for_selector("body.-closed", timeout=10_000)
        tab.page.wait_for_function(
            "document.getElementById('why').textContent.includes('The server has stopped')"
        )
        assert asked and all(url.startswith(server.url) for url in asked), asked
        with pytest.raises(ProcessLookupError):
            os.killpg(server.process.pid, 0)


@pytest.mark.slow
def test_a_tab_whose_network_goes_quiet_says_so() -> None:
    # Nothing closes: the server's answers stop reaching the page. The screen stayed
    # as it was, dead to keys, while the server ended the session; the page notices
    # its pings go unanswered and says the connection was lost. The page's clock is
    # Playwright's: the pings' twenty seconds of silence pass at once, every timer due
    # in them fired in turn, rather than waited for.
    quiet = threading.Event()
    with served(KINDS) as server, chromium() as browser:
        page = browser.new_page()
        page.clock.install()

        def relay(socket: Any) -> None:  # between the page and the server
            upstream = socket.connect_to_server()
            socket.on_message(lambda message: upstream.send(message))
            upstream.on_message(
                lambda message: None if quiet.is_set() else socket.send(message)
            )

        page.route_web_socket("**/ws*", relay)
        tab = WorkbenchTab(page, server.url)
        tab.wait_for("7 pending")
        quiet.set()
        page.clock.run_for(20_000)  # four pings' intervals: three unanswered, then given up
        page.wait_for_function(
            "document.getElementById('why').textContent.includes('connection to the server "
            "was lost')",
            timeout=40_000,
        )
        assert page.is_visible("#ended")


def _ended(pid: int) -> bool:
    """The process is gone, or a zombie nobody reaps (its parent gone too)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return True


@asynccontextmanager
async def _tab(
    server: ServedWorkbench, *, read: bool = True
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A tab on the served page, as its script opens it: the websocket that starts its
    session, read as the browser reads it, or (``read=False``) not read, as by a tab
    whose network went quiet."""
    url = f"ws://127.0.0.1:{server.port}/ws?width=120&height=40"
    async with aiohttp.ClientSession() as client, client.ws_connect(url) as tab:

        async def reading() -> None:
            async for _message in tab:
                pass

        reader = asyncio.create_task(reading() if read else asyncio.sleep(0))
        try:
            yield tab
        finally:
            reader.cancel()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_tab_whose_server_is_killed_closes_its_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # kill -9, a crash, the OOM killer: no signal reaches the tab's app, only the end of
    # its input. It closes its session as on a hang-up (the finish hooks run) and exits,
    # rather than staying on, unreachable, for ever.
    monkeypatch.setenv("RAPIDE_LOGBOOK", str(tmp_path))

    async def open_a_tab_and_kill_the_server(server: ServedWorkbench) -> int:
        async with _tab(server):
            deadline = time.monotonic() + 30
            while not (started := list(tmp_path.glob("*.started"))):
                assert time.monotonic() < deadline, "the tab's session never started"
                await asyncio.sleep(0.05)
            os.kill(server.process.pid, signal.SIGKILL)
            return int(started[0].stem)

    with served(LOGBOOK) as server:
        app = asyncio.run(open_a_tab_and_kill_the_server(server))
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 30
        while not _ended(app) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _ended(app):
            os.kill(app, signal.SIGKILL)
            raise AssertionError("the tab's rapide shell outlived its server")
        assert (tmp_path / f"{app}.finished").exists()


def _tab_process() -> subprocess.Popen[bytes]:
    """A tab's ``rapide shell`` on KINDS, run as the server runs it (its command line, in a
    session of its own, textual-serve's driver), without a server:
    its input and stderr are the test's pipes, its screen goes nowhere."""
    return subprocess.Popen(
        shell_command(KINDS), shell=True, cwd=REPO, start_new_session=True,
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"},
    )


def test_a_tab_closed_as_it_opens_ends_without_a_word() -> None:
    # The tab is closed (or the server stopped) while its workbench is still being put
    # on the screen: the server's "quit" came as the panels mounted, and laying them
    # out found them gone, a traceback in the server's terminal.
    tab = _tab_process()
    assert tab.stdin is not None and tab.stderr is not None
    quit = json.dumps({"type": "quit"}).encode()
    tab.stdin.write(b"M" + len(quit).to_bytes(4, "big") + quit)  # textual-serve's packet
    tab.stdin.flush()
    assert tab.wait(timeout=60) == 0
    assert tab.stderr.read().decode() == ""


def _stat(pid: int) -> list[str]:
    """The fields of ``/proc/PID/stat`` after the command's name: state, parent, process
    group, session, ..."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def _started_child(parent: int) -> int | None:
    """A process ``parent`` started that runs a program of its own (``exec`` done:
    what the server's tab runs, not the server's copy of itself), if there is one."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int(_stat(int(entry.name))[1]) != parent:
                continue
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if b"serve" not in words:
            return int(entry.name)
    return None


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_ctrl_c_as_a_tab_starts_stops_the_server_quietly() -> None:
    # The terminal's Ctrl-C reaches every process of its group. A tab caught in its
    # first milliseconds, its shell not yet running `rapide shell`, died of it, and the
    # server said "Application failed to start". A tab's process starts in a session of
    # its own, out of the terminal's reach from its first instruction: the Ctrl-C is
    # the server's, which ends each tab's session in order.
    with served(KINDS) as server, chromium() as browser:
        tab = WorkbenchTab(browser.new_page(), server.url)
        deadline = time.monotonic() + 30
        while (child := _started_child(server.process.pid)) is None:
            assert time.monotonic() < deadline, "the tab's process never started"
            time.sleep(0.001)
        session = int(_stat(child)[3])
        os.killpg(server.process.pid, signal.SIGINT)
        out, err = server.process.communicate(timeout=30)
        tab.page.wait_for_selector("body.-closed", timeout=10_000)
        tab.page.wait_for_function(
            "document.getElementById('why').textContent.includes('The server has stopped')"
        )
    assert session == child, "the tab's process started in the terminal's session"
    assert server.process.returncode == 0, err
    assert "failed to start" not in out + err and "Traceback" not in out + err
    assert err.rstrip().endswith("rapide serve: stopped")
    assert _ended(child)


def test_the_server_says_where_it_listens_and_stops_on_ctrl_c() -> None:
    with served(KINDS) as server:
        status, out, err = server.interrupt()
    assert status == 0
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == f"Serving rapide shell connection_kinds.py at http://127.0.0.1:{server.port}"
    assert "Each browser tab opens its own session. Ctrl-C stops the server." in lines
    assert not any("anyone who can reach" in line for line in lines)  # localhost only
    assert lines[-1] == "rapide serve: stopped"


def test_a_taken_port_is_one_line_and_status_2() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_rapide("serve", KINDS, "--port", str(port))
    assert result.returncode == 2
    assert result.stderr == (
        f"rapide: cannot serve at http://127.0.0.1:{port}: Address already in use\n"
    )


@pytest.mark.parametrize("command", [("serve", KINDS), ("lessons", "1", "--serve")])
def test_an_empty_host_is_refused_not_served_on_every_address(command: tuple) -> None:
    # --host "$HOST" with HOST unset: the server would listen on every address.
    result = run_rapide(*command, "--host", "", "--port", str(free_port()), timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "rapide: --host needs an address: 127.0.0.1 (the default) for this machine only, "
        "0.0.0.0 for every one\n"
    )


def test_a_bad_file_or_script_is_refused_before_serving() -> None:
    result = run_rapide("serve", "no/such/architecture.py", "--port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr == "rapide: no/such/architecture.py: no such file\n"
    result = run_rapide("serve", KINDS, "--script", "nowhere.rapide", "--port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr == "rapide: nowhere.rapide: no such script\n"


def test_a_script_with_a_line_that_does_not_parse_is_refused_before_serving(
    tmp_path: Path,
) -> None:
    # A teacher's typo served a class: each tab played the lesson up to it and stopped
    # there, saying so where only the students read it; the server's terminal said
    # nothing. It is refused as `rapide run` refuses it, before anything is served.
    script = tmp_path / "lesson.rapide"
    script.write_text("# my lesson\nsay Hello, class\nshow graph\nwait\nstpe\n")
    result = run_rapide("serve", KINDS, "--script", script, "--port", str(free_port()))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"rapide: {script}:5: unknown command 'stpe'; did you mean 'step'? (checked before "
        "serving: nothing was served)\n"
    )
    script.write_text("wait Kitchen.ready\n")
    result = run_rapide("serve", KINDS, "--script", script, "--port", str(free_port()))
    assert result.returncode == 2
    assert "1: unexpected 'Kitchen.ready': wait takes nothing after it" in result.stderr


def test_a_script_of_the_tuis_and_the_plugins_commands_is_served(tmp_path: Path) -> None:
    # The check parses as a tab's workbench does: its own commands (resume, zoom,
    # screenshot, explore) and the installed plugins' (timeline) are no typos, nor is
    # what comes after a `quit`, which is never played.
    script = tmp_path / "lesson.rapide"
    script.write_text(
        "say Everything at once\nzoom timeline\ntimeline 5\nzoom\nscreenshot run.svg\n"
        "explore race.rapide max=3\nresume\nquit\nnot a command\n"
    )
    with served(KINDS, "--script", script) as server:
        status, _out, err = server.interrupt()
    assert status == 0, err
    assert err.rstrip().endswith("rapide serve: stopped")


def _broken_while_served(folder: Path) -> tuple[Path, str]:
    """A copy of KINDS in ``folder`` and the text that breaks it (a syntax error at its
    line of ``class``), as a teacher's edit breaks it while it is served."""
    folder.mkdir()
    architecture = folder / KINDS.name
    shutil.copy(KINDS, architecture)
    text = architecture.read_text()
    line = text[: text.index("\nclass ") + 1].count("\n") + 1
    return architecture, f"{KINDS.name}:{line}: syntax error: invalid syntax"


def test_a_tab_whose_workbench_cannot_start_is_told_why_and_its_session_ends(
    tmp_path: Path,
) -> None:
    # The architecture file was fine when the server checked it, and broken by an edit
    # since: a new tab's workbench ended at once. Its page stayed "Opening…" for ever,
    # and the reason was printed twice in the server's terminal, after "Application
    # failed to start", where the student does not look.
    architecture, reason = _broken_while_served(tmp_path / "lesson")

    async def open_a_tab(server: ServedWorkbench) -> list[Any]:
        url = f"ws://127.0.0.1:{server.port}/ws?width=120&height=40"
        async with aiohttp.ClientSession() as client, client.ws_connect(url) as tab:
            return [json.loads(message.data) async for message in tab
                    if message.type == aiohttp.WSMsgType.TEXT]  # to its close

    with served(architecture) as server:
        architecture.write_text(architecture.read_text().replace("\nclass ", "\nclass (", 1))
        told = asyncio.run(asyncio.wait_for(open_a_tab(server), timeout=60))
        status, out, err = server.interrupt()
    assert ["rapide_failed_to_start", reason] in told
    assert status == 0
    assert out == "" and "failed to start" not in err
    assert err.count(reason) == 1
    assert f"rapide serve: a tab's workbench could not start: {reason}" in err.splitlines()


@pytest.mark.skipif(os.name != "posix", reason="a POSIX shell's command lines")
@pytest.mark.parametrize(
    ("command", "told"),
    [
        # A load error: the page is told why, its session closed, the terminal says it.
        ("echo 'rapide: lesson.py:3: syntax error: invalid syntax' >&2; exit 2",
         [["rapide_failed_to_start", "lesson.py:3: syntax error: invalid syntax"], "closed"]),
        # Told to quit as it opened (its tab closed at once): nothing went wrong.
        ("exit 0", []),
    ],
    ids=["load-error", "quit-as-it-opened"],
)
def test_a_tab_process_that_ends_before_it_starts(
    command: str, told: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    from textual_serve.download_manager import DownloadManager

    from rapide_shell.serve import TabService

    page: list[Any] = []

    async def write_str(text: str) -> None:
        page.append(json.loads(text))

    async def write_bytes(data: bytes) -> None:
        page.append(data)

    async def close() -> None:
        page.append("closed")

    async def serve_one_tab() -> None:
        service = TabService(command, write_bytes=write_bytes, write_str=write_str,
                             close=close, download_manager=DownloadManager())
        await service.start(80, 24)
        assert service._task is not None
        await asyncio.wait_for(service._task, timeout=30)

    asyncio.run(serve_one_tab())
    assert page == told
    logged = [record.getMessage() for record in caplog.records]
    assert logged == (["a tab's workbench could not start: lesson.py:3: syntax error: "
                       "invalid syntax"] if told else [])


@pytest.mark.slow
def test_a_page_whose_workbench_cannot_start_says_why(tmp_path: Path) -> None:
    architecture, reason = _broken_while_served(tmp_path / "lesson")
    with served(architecture) as server, chromium() as browser:
        architecture.write_text(architecture.read_text().replace("\nclass ", "\nclass (", 1))
        page = browser.new_page()
        page.goto(server.url)
        page.wait_for_selector("body.-closed", timeout=60_000)
        page.wait_for_function(
            "() => !document.getElementById('reason').hidden", timeout=10_000
        )
        shown = page.inner_text("body")
    assert "The workbench could not start" in shown and reason in shown, shown
    assert "Opening" not in shown and "Ctrl+Q" not in shown, shown


@pytest.mark.parametrize("command", ["serve", "shell"])
def test_a_speed_without_a_script_is_refused(command: str) -> None:
    result = run_rapide(command, KINDS, "--speed", "2", timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "rapide: --speed is for --script: it is the pace of a script played in the workbench\n"
    )


def test_without_textual_serve_the_command_says_what_to_install() -> None:
    blocker = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.partition('.')[0] == 'textual_serve':\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from rapide_shell.cli import main\n"
        "sys.argv = ['rapide', 'serve', sys.argv[1]]\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", blocker, str(KINDS)],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "rapide: serve needs textual-serve, which is not installed: "
        "pip install 'pyrapide[serve]'\n"
    )


def test_only_loopback_addresses_count_as_this_machine() -> None:
    for host in ("127.0.0.1", "127.3.4.5", "localhost", "LOCALHOST", "::1", "[::1]"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.org", ""):
        assert not is_loopback(host), host


def test_another_host_is_served_with_a_plain_warning() -> None:
    lines = [line.plain for line in startup_lines("rapide shell x.py", "0.0.0.0", 8000)]
    assert lines[0] == "Serving rapide shell x.py at http://0.0.0.0:8000"
    assert lines[-1] == exposure_warning("0.0.0.0")
    assert "anyone who can reach this address can open the workbench and run the " \
        "architecture's Python code on this machine" in lines[-1]
    assert url_of("::", 8080) == "http://[::]:8080"


def test_a_server_on_every_address_says_the_one_a_class_can_open() -> None:
    # `--host 0.0.0.0` for a class: "Serving ... at http://0.0.0.0:8000" is no address
    # a student's browser can open (it is the student's own machine, or nothing). The
    # server names this machine's address on its network, and that one answers.
    server = ServedWorkbench(KINDS, "--host", "0.0.0.0", port=free_port())
    try:
        assert server.process.stderr is not None
        said: list[str] = []
        while not said or not said[-1].startswith("warning:"):  # the warning is said last
            said.append(server.process.stderr.readline())
            assert said[-1], f"rapide serve ended: {said}"
        opened = [line for line in said if line.startswith("Other machines open ")]
        if network_address() is None:  # a machine on no network: no address to name
            assert not opened, said
            return
        if not opened:
            raise AssertionError(f"no address for other machines in {said}")
        url = opened[0].split()[3]
        assert "0.0.0.0" not in url and not is_loopback(url.split("//")[1].rsplit(":", 1)[0])
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200
    finally:
        server.kill()


def test_a_font_size_too_small_to_read_is_served_at_the_smallest_legible_one() -> None:
    # `?fontsize=1` (or 0, a typo for 12 or 24): the page stayed blank while the tab's
    # workbench drew a screen of thousands of columns, a load on the serving machine.
    with served(KINDS) as server:
        sizes = {}
        for asked in ("24", "1", "0", "500"):
            with urllib.request.urlopen(f"{server.url}?fontsize={asked}", timeout=10) as page:
                html = page.read().decode()
            sizes[asked] = html.partition('data-font-size="')[2].partition('"')[0]
    assert sizes == {"24": "24", "1": "8", "0": "8", "500": "64"}


def _words(command: str, home: Path | None = None) -> list[str]:
    """A tab's command line, split, less the folder it starts in (``home``, when given,
    is asserted)."""
    words = shlex.split(command, posix=os.name == "posix")
    went = words.index("&&")
    if home is not None:
        assert Path(words[went - 1]) == home.resolve()
    return words[went + 1 :] if words[went + 1] != "exec" else words[went + 2 :]


def test_each_tab_runs_rapide_shell_with_the_same_options(tmp_path: Path) -> None:
    odd = tmp_path / "my lessons" / "it's.py"
    command = shell_command(odd, seed=3, arch="Shop", script=tmp_path / "s.rapide", speed=0.5)
    # It starts where the architecture is, and names its files from there.
    words = _words(command, home=odd.parent)
    assert words[:5] == [sys.executable, "-P", "-m", "rapide_shell.cli", "shell"]
    assert words[5:] == [
        "it's.py", "--seed", "3", "--arch", "Shop",
        "--script", str(Path("..") / "s.rapide"), "--speed", "0.5",
    ]
    assert _words(shell_command("a.py"), home=Path.cwd())[5:] == ["a.py"]


def test_each_tab_starts_the_script_where_from_said(tmp_path: Path) -> None:
    # `rapide lessons 2 --serve --from 3`: every tab's lesson begins at part 3, from the
    # line the part begins on (checked once, at the prompt, before serving).
    script = tmp_path / "s.rapide"
    words = _words(shell_command("a.py", script=script, speed=1, start=9))
    assert words[-4:] == ["--speed", "1", "--from", "line:9"]
    assert "--from" not in _words(shell_command("a.py", script=script, start=1))


@pytest.mark.slow
def test_a_served_lesson_narrates_in_the_tab_and_waits_for_a_key_there() -> None:
    lesson = REPO / "examples" / "lessons" / "05_choices"
    script = lesson.with_suffix(".rapide")
    with served(lesson.with_suffix(".py"), "--script", script, "--speed", "0") as server, \
            chromium() as browser:
        tab = WorkbenchTab(browser.new_page(), server.url)
        tab.wait_for("The two bids are causally independent", "press any key to go on", "bea")
        assert "lets the seed choose" not in tab.text()
        tab.press("Space")
        # The lesson goes on to its next wait (the narration between lasts only while
        # `run` and the expectations after it execute: too short to poll for).
        tab.wait_for("lists every decision that shaped this run", "press any key to go on")

        # Stopped by SIGTERM (no Ctrl-C reaches the tab's app): the server ends it.
        status, _out, err = server.terminate()
        assert status == 0, err
        assert err.rstrip().endswith("rapide serve: stopped") and "Traceback" not in err
        tab.page.wait_for_selector("body.-closed", timeout=10_000)
        with pytest.raises(ProcessLookupError):
            os.killpg(server.process.pid, 0)


@pytest.mark.slow
def test_a_served_lesson_names_its_files_as_its_folder_does_not_by_server_paths() -> None:
    # The student's tab is no place for the layout of the teacher's disk: the script a
    # student stops (Ctrl-C takes over) and the address `where` gives name the lesson's
    # files as the lessons folder does.
    lesson = REPO / "examples" / "lessons" / "01_connections"
    script = lesson.with_suffix(".rapide")
    with served(lesson.with_suffix(".py"), "--script", script, "--speed", "0") as server, \
            chromium() as browser:
        tab = WorkbenchTab(browser.new_page(), server.url)
        tab.wait_for("press any key to go on")
        tab.press("Control+c")
        tab.wait_for("script stopped at line 4 of 01_connections.rapide: the session is")
        tab.enter("where")
        tab.wait_for("rapide shell 01_connections.py --at")
        shown = tab.text()
        assert str(REPO) not in shown and "examples/lessons" not in shown, shown


@pytest.mark.slow
def test_the_files_a_tab_writes_go_to_its_browser_and_none_to_the_shared_folder(
    tmp_path: Path,
) -> None:
    # A class on one lesson: each student's `save run.json` is theirs, in their own
    # browser's downloads; none replaces another's, and the lesson's folder is left as
    # it was. What is beside the lesson is read there as in a terminal.
    folder = tmp_path / "lesson"
    folder.mkdir()
    shutil.copy(KINDS, folder)
    with served(folder / KINDS.name) as server, chromium() as browser:
        downloads = downloads_of(browser)
        first = WorkbenchTab(browser.new_page(), server.url)
        second = WorkbenchTab(browser.new_page(), server.url)
        first.wait_for("7 pending")
        first.enter("run")
        first.wait_for("0 pending")
        first.enter("save run.json")
        first.wait_for("to run.json, sent to the browser as a download")
        wait_for_downloads(first.page, downloads, 1)
        second.wait_for("7 pending")
        second.enter("save run.json")
        second.wait_for("saved 7 events to run.json, sent to the browser as a download")
        wait_for_downloads(second.page, downloads, 2)
        second.enter("export mermaid run.mmd")
        second.wait_for("as mermaid to run.mmd, sent to the browser as a download")
        wait_for_downloads(second.page, downloads, 3)
        assert [d.suggested_filename for d in downloads] == ["run.json", "run.json", "run.mmd"]
        ran, started = (len(Computation.load(d.path())) for d in downloads[:2])
        assert ran > started == 7
        assert Path(downloads[2].path()).read_text().startswith("graph")
        assert sorted(os.listdir(folder)) == [KINDS.name]
        # The first student's run, downloaded, given back to the teacher: beside the
        # lesson, a tab loads it.
        shutil.copy(downloads[0].path(), folder / "given.json")
        second.enter("load given.json")
        second.wait_for(f"loaded {ran} events from given.json")

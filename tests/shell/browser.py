"""A served workbench in a real headless Chromium: start ``rapide serve``, open tabs, read them.

The browser is the system's own Chromium (Debian's ``chromium``), driven by Playwright
with ``executable_path``; nothing is downloaded. When there is no such browser, or no
Playwright, the tests that need one are skipped with the reason.

The page draws the terminal with xterm.js into canvases, so its text is read from
xterm's own screen buffer: the served client script is handed to the page with one
statement added that keeps each xterm ``Terminal`` it creates in
``window.rapideTerminals``, and :meth:`WorkbenchTab.lines` reads the rows through
xterm's public buffer API (``buffer.active.getLine(y).translateToString()``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]

# What this machine's Chromium needs to start headless on a closed network: without
# the background-networking switches it tries to reach services the network refuses.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# The statement of textual-serve's client after which its xterm Terminal exists.
CLIENT_TERMINAL_READY = "this.terminal.loadAddon(this.fitAddon)"
EXPOSE_TERMINAL = "(window.rapideTerminals=window.rapideTerminals||[]).push(this.terminal),"

READ_ROWS = """() => {
    const terminal = (window.rapideTerminals || [])[0];
    if (!terminal) return null;
    const buffer = terminal.buffer.active;
    const rows = [];
    for (let y = 0; y < terminal.rows; y++) {
        const line = buffer.getLine(buffer.viewportY + y);
        rows.push(line ? line.translateToString(true) : "");
    }
    return rows;
}"""


def chromium_executable() -> str | None:
    """The system's Chromium, if it has one."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServedWorkbench:
    """A ``rapide serve`` process in its own process group, as a terminal would start it."""

    def __init__(self, *arguments: str | Path, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rapide_shell.cli", "serve", *map(str, arguments),
             "--port", str(port)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def wait_until_listening(self, timeout: float = 30) -> None:
        """Returns once the page is served; fails with the server's output if it ends."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                out, err = self.process.communicate()
                raise AssertionError(f"rapide serve ended ({self.process.returncode}): {err}{out}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("rapide serve did not answer in time")
            time.sleep(0.1)

    def interrupt(self, timeout: float = 30) -> tuple[int, str, str]:
        """Ctrl-C as a terminal sends it (SIGINT to the process group); the exit status
        and what the server printed."""
        os.killpg(self.process.pid, signal.SIGINT)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def terminate(self, timeout: float = 30) -> tuple[int, str, str]:
        """SIGTERM to the server alone, as a service manager stops it; its tabs' apps
        hear nothing from it directly. The exit status and what the server printed."""
        self.process.terminate()
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def kill(self) -> None:
        """Ends the whole group, whatever state it is in (test teardown)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.communicate()


@contextmanager
def served(*arguments: str | Path) -> Iterator[ServedWorkbench]:
    """``rapide serve ARGUMENTS`` on a free port, listening; stopped afterwards."""
    server = ServedWorkbench(*arguments, port=free_port())
    try:
        server.wait_until_listening()
        yield server
    finally:
        server.kill()


class WorkbenchTab:
    """One browser tab on the served workbench: read its rows, type into it."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.client_patched = False
        page.route("**/static/js/textual.js", self._expose_terminal)
        page.goto(url, wait_until="domcontentloaded")

    def _expose_terminal(self, route: Any) -> None:
        response = route.fetch()
        script = response.text()
        self.client_patched = CLIENT_TERMINAL_READY in script
        script = script.replace(CLIENT_TERMINAL_READY, EXPOSE_TERMINAL + CLIENT_TERMINAL_READY, 1)
        route.fulfill(response=response, body=script)

    def lines(self) -> list[str]:
        """The terminal's rows as text (empty before the terminal exists)."""
        return self.page.evaluate(READ_ROWS) or []

    def text(self) -> str:
        """The whole screen, one row a line."""
        return "\n".join(self.lines())

    def wait_for(self, *texts: str, timeout: float = 30) -> str:
        """Waits until every one of ``texts`` is on the screen; the screen then."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            if all(text in screen for text in texts):
                return screen
            if time.monotonic() > deadline:
                if not self.client_patched:
                    raise AssertionError(
                        "the served client script no longer has "
                        f"{CLIENT_TERMINAL_READY!r}: the test cannot read the terminal"
                    )
                missing = [text for text in texts if text not in screen]
                raise AssertionError(f"never saw {missing}; the page shows:\n{screen}")
            self.page.wait_for_timeout(100)

    def enter(self, line: str) -> None:
        """Types ``line`` into the terminal, as a person at the keyboard, and presses Enter."""
        self.page.focus(".xterm-helper-textarea")
        self.page.keyboard.type(line, delay=10)
        self.page.keyboard.press("Enter")

    def press(self, key: str) -> None:
        """Presses one key (a Playwright key name, e.g. ``Space``) in the terminal."""
        self.page.focus(".xterm-helper-textarea")
        self.page.keyboard.press(key)


def downloads_of(browser: Any) -> list[Any]:
    """The downloads the browser context ``browser`` receives from now on, in its every
    page (textual-serve's page opens each download in a new one), as they start."""
    downloads: list[Any] = []

    def keep(page: Any) -> None:
        page.on("download", lambda download: downloads.append(download))

    browser.on("page", keep)
    for page in browser.pages:
        keep(page)
    return downloads


def wait_for_downloads(page: Any, downloads: list[Any], count: int, timeout: float = 30) -> None:
    """Waits until ``downloads`` holds ``count`` (letting ``page`` run meanwhile)."""
    deadline = time.monotonic() + timeout
    while len(downloads) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(downloads)} downloads of {count} arrived")
        page.wait_for_timeout(100)


@contextmanager
def chromium(viewport: tuple[int, int] = (1600, 1000)) -> Iterator[Any]:
    """A browser context of the system's headless Chromium; skips the test without one."""
    executable = chromium_executable()
    if executable is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -e '.[dev]')")
    with tempfile.TemporaryDirectory(prefix="rapide-chromium-") as profile, sync_playwright() as p:
        try:
            context = p.chromium.launch_persistent_context(
                profile,
                executable_path=executable,
                args=list(CHROMIUM_FLAGS),
                headless=True,
                viewport={"width": viewport[0], "height": viewport[1]},
            )
        except Error as error:
            pytest.skip(f"{executable} does not start: {str(error).splitlines()[0]}")
        try:
            yield context
        finally:
            context.close()

"""``rapide serve``: the workbench TUI in web browsers, one session per tab (textual-serve).

Each browser tab that opens the page starts its own ``rapide shell`` process on the
architecture, driven through Textual's web driver: the tabs share nothing, so a class
can each step their own copy of a lesson. The server binds to the loopback address
unless told otherwise; any other address lets whoever reaches it run the
architecture's Python code on this machine, and the server says so when it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
from asyncio.subprocess import PIPE, Process
from pathlib import Path
from typing import Any

from aiohttp import web
from rich.console import Console
from rich.text import Text
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from rapide_shell.script_parts import LINE_PREFIX

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
EVERY_IPV4_ADDRESS = "0.0.0.0"
"""The host that listens on each of this machine's IPv4 addresses, itself none to open."""
SHUTDOWN_SECONDS = 5.0
"""How long stopping the server waits for the tabs' sessions to end."""
FONT_SIZES = (8, 64)
"""The smallest and largest font size a page is served with (``?fontsize=24``), in pixels."""
PAGE = Path(__file__).with_name("serve_page")
"""The folder of the page each tab opens (``app_index.html``, textual-serve's client
around the terminal): it fetches nothing from other sites (textual-serve's own asks a
font of Google's, which a class with no internet waits for), and once the session
ends it says why as far as it can tell: the workbench quit, or the server stopped."""
_APART: dict[str, Any] = (
    {"start_new_session": True} if os.name == "posix"
    else {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
)
"""How a tab's process is started out of reach of the server's terminal's Ctrl-C (see
:class:`TabService`): in a session of its own, or on Windows a process group of its own,
for which Ctrl-C is off."""


def is_loopback(host: str) -> bool:
    """True when ``host`` names this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def shell_command(
    file: str | Path,
    *,
    seed: int | None = None,
    arch: str | None = None,
    script: str | Path | None = None,
    speed: float = 1.0,
    start: int = 1,
) -> str:
    """The shell command line that opens one tab's workbench: ``rapide shell`` on ``file``
    with the same options (``start``: the line of ``script`` to start from), run by this
    interpreter.

    The workbench starts in the folder ``file`` is in, and is given its files by their
    names from there: what a tab shows of them (``playing 01_connections.rapide``, the
    line a stopped script stopped at, ``where``'s ``rapide shell 01_connections.py
    --at``) names the lesson as the folder it lives in does, never the layout of the
    server's file system, which is not the user's in the browser. On POSIX the shell
    that runs it is replaced by it (``exec``): the tab's app is the server's own child,
    which stopping waits for."""
    architecture = Path(file).resolve()
    home = architecture.parent
    # -P: the folder it starts in goes on no import path (a lesson's neighbour called
    # like a module the workbench imports is not that module).
    words = [sys.executable, "-P", "-m", "rapide_shell.cli", "shell", architecture.name]
    if seed is not None:
        words += ["--seed", str(seed)]
    if arch is not None:
        words += ["--arch", arch]
    if script is not None:
        words += ["--script", _named_from(home, Path(script)), "--speed", f"{speed:g}"]
        if start > 1:
            words += ["--from", f"{LINE_PREFIX}{start}"]
    if os.name == "posix":
        return f"cd -- {shlex.quote(str(home))} && exec {shlex.join(words)}"
    return f'cd /d "{home}" && {shlex.join(words)}'  # a Windows path holds no quote


def _named_from(home: Path, file: Path) -> str:
    """``file`` as a path relative to the folder ``home`` (``../scripts/a.rapide`` when
    it is elsewhere), or absolute when none leads there (another drive on Windows)."""
    try:
        return os.path.relpath(file.resolve(), home)
    except ValueError:
        return str(file.resolve())


def url_of(host: str, port: int) -> str:
    """The address to open in a browser for a server bound to ``host``:``port``."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


class TabService(AppService):
    """textual-serve's service of one tab, whose process starts apart from the server's
    terminal (:data:`_APART`): a Ctrl-C there is the server's alone, which ends each
    tab's session in order. Reaching a tab in its first milliseconds, before its shell
    runs the workbench, it would kill it, and textual-serve would log that the
    application failed to start.

    A workbench that cannot start (the architecture file was broken after the server
    checked it: a teacher's edit with a syntax error) ends its tab's session with the
    reason it gave, sent to the page (:data:`FAILED_TO_START`), which says it, and
    said once in the server's terminal; textual-serve left the page "Opening…" for
    ever, and printed the reason twice where only the teacher sees it."""

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        """textual-serve's own, with the process started apart."""
        self._process = process = await asyncio.create_subprocess_shell(
            self.command,
            stdin=PIPE,
            stdout=PIPE,
            stderr=PIPE,
            env=self._build_environment(width=width, height=height),
            **_APART,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        """textual-serve's own: wait for the workbench to say it is a Textual app, then
        relay what it sends to the page until it ends; but one that ends before saying
        so could not start, and its page is told why (see the class docstring)."""
        process = self._process
        assert process is not None and process.stdout is not None
        assert process.stderr is not None
        said = bytearray()
        errors = asyncio.create_task(_read_into(process.stderr, said))
        try:
            if await _started(process.stdout):
                await self._relay(process.stdout)
            elif await process.wait() != 0:  # 0: told to quit as it opened, and did
                await errors  # to its end: the whole reason
                await self._failed_to_start(bytes(said))
                said.clear()  # said, not to be said again
        except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError):
            pass  # the workbench ended, or the page went: as textual-serve takes them
        finally:
            errors.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await errors
        if said:
            sys.stdout.write(said.decode("utf-8", "replace"))  # as textual-serve does

    async def _relay(self, stdout: asyncio.StreamReader) -> None:
        """Hands each packet the workbench sends (textual's web driver: a type byte, a
        4-byte length, the payload) to textual-serve's handler of its type, until the
        workbench's output ends (IncompleteReadError)."""
        handlers = {b"D": self.on_data, b"M": self.on_meta, b"P": self.on_packed}
        while True:
            kind = await stdout.readexactly(1)
            size = int.from_bytes(await stdout.readexactly(4), "big")
            payload = await stdout.readexactly(size)
            handler = handlers.get(kind)
            if handler is not None:
                await handler(payload)

    async def _failed_to_start(self, said: bytes) -> None:
        """The workbench ended before it started, having said ``said`` on stderr: its
        page is told why and its session closed, and the server's terminal says it."""
        reason = start_failure(said)
        logging.getLogger("textual-serve").warning(
            "a tab's workbench could not start: %s", reason
        )
        with contextlib.suppress(ConnectionError, RuntimeError):  # the tab already closed
            await self.remote_write_str(json.dumps([FAILED_TO_START, reason]))
            await self.remote_close()


FAILED_TO_START = "rapide_failed_to_start"
"""The message a tab's page is sent, with the reason, when its workbench could not start
(see :class:`TabService`); the page says it once the session has ended."""
STARTED = b"__GANGLION__\n"
"""The line textual's web driver writes first: the workbench is a Textual app, started."""
_LINES_BEFORE_STARTED = 10
"""How many lines textual-serve reads for :data:`STARTED` before reading packets anyway."""
_STDERR_KEPT = 64 * 1024
"""The most of a tab's stderr kept (its end) for the reason its workbench did not start."""


async def _started(stdout: asyncio.StreamReader) -> bool:
    """Whether the workbench said it started (:data:`STARTED`), or wrote other lines
    before it, after which textual-serve reads its packets all the same; False when its
    output ended first: it could not start."""
    for _ in range(_LINES_BEFORE_STARTED):
        line = await stdout.readline()
        if not line:
            return False
        if line == STARTED:
            return True
    return True


async def _read_into(stream: asyncio.StreamReader, kept: bytearray) -> None:
    """Reads ``stream`` to its end into ``kept``, which holds its last
    :data:`_STDERR_KEPT` bytes (what was read stays there if this is cancelled)."""
    while chunk := await stream.read(4096):
        kept += chunk
        del kept[:-_STDERR_KEPT]


def start_failure(said: bytes) -> str:
    """Why a tab's workbench could not start, from what it ``said`` on stderr: its lines,
    the ``rapide: `` that opens each in a terminal dropped (the page is no terminal)."""
    lines = said.decode("utf-8", "replace").strip().splitlines()
    text = "\n".join(line.removeprefix("rapide: ") for line in lines).strip()
    return text or "it ended without saying why"


class WorkbenchServer(Server):
    """textual-serve's server, speaking for the workbench.

    It says where to point a browser once it listens (and what an open address
    means), keeps textual-serve's own logging to warnings, and gives each page the
    address the browser used to reach it for its websocket (the bound address, such
    as ``0.0.0.0``, is not one a browser can connect to). The page is its own (see
    :data:`PAGE`).
    """

    def __init__(self, command: str, *, host: str, port: int, title: str) -> None:
        super().__init__(command, host=host, port=port, title=title, templates_path=PAGE)
        self.console = Console(stderr=True, highlight=False)
        self._tabs: set[asyncio.Task[Any]] = set()
        """The requests serving a tab's session, each running its own app."""

    def initialize_logging(self) -> None:
        """Warnings and errors only (a tab's process that fails), not every request."""
        logging.basicConfig(level=logging.WARNING, format="rapide serve: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        """Says nothing: the address is announced once it is bound."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Ends every tab's session now: its app is told to quit and its page is closed."""
        for tab in list(self._tabs):
            tab.cancel()

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab's session, as textual-serve serves it but for its process, started
        apart (:class:`TabService`); kept track of, so that stopping the server ends it
        at once."""
        tab = asyncio.current_task()
        assert tab is not None  # each request is served by a task of its own
        self._tabs.add(tab)
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: TabService | None = None
        try:
            await websocket.prepare(request)
            service = TabService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,  # type: ignore[arg-type]  # as textual-serve's own
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(width, height)
            try:
                await self._process_messages(websocket, service)
            finally:
                await service.stop()  # its app told to quit, before its page is closed
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            logging.getLogger("textual-serve").exception(error)
        finally:
            if service is not None:
                await service.stop()
            self._tabs.discard(tab)
        return websocket

    def serve(self, debug: bool = False) -> None:
        """Serves until SIGINT or SIGTERM; OSError when the address cannot be bound."""
        self.debug = debug
        self.initialize_logging()
        asyncio.run(self._serve_until_stopped())

    async def _serve_until_stopped(self) -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
                loop.add_signal_handler(stop_signal, stopping.set)
        runner = web.AppRunner(
            await self._make_app(), access_log=None, shutdown_timeout=SHUTDOWN_SECONDS
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
            for line in startup_lines(self.title, self.host, self.port):
                self.console.print(line, soft_wrap=True)
            await stopping.wait()
        finally:
            # Each tab's app is told to quit (on Ctrl-C the terminal told it too); the
            # loop must outlive them, or their pipes are closed on a closed loop.
            await runner.cleanup()
            await _children_ended(SHUTDOWN_SECONDS)

    async def handle_index(self, request: web.Request) -> Any:
        """The page, with its websocket on the address this request came to."""
        # The template reads ``public_url`` before anything awaits, so no other
        # request can change it in between.
        self.public_url = f"{request.scheme}://{request.host}"
        if "fontsize" in request.query:
            # ``?fontsize=1`` would have the tab's workbench draw thousands of columns
            # (a blank page meanwhile, and a load on this machine); 500, a word a screen.
            asked = to_int(request.query["fontsize"], 16)
            size = min(max(asked, FONT_SIZES[0]), FONT_SIZES[1])
            request = request.clone(rel_url=request.rel_url.update_query(fontsize=size))
        return await super().handle_index(request)


def startup_lines(title: str, host: str, port: int) -> list[Text]:
    """What the server prints when it starts listening."""
    lines = [
        Text.assemble(("Serving ", ""), (title, "bold"), " at ", (url_of(host, port), "bold")),
        Text("Each browser tab opens its own session. Ctrl-C stops the server.", style="dim"),
    ]
    if host == EVERY_IPV4_ADDRESS and (address := network_address()) is not None:
        # 0.0.0.0 is no address a student's browser can open: say the one it can. (On
        # ``::`` the server listens on IPv6 alone, whose addresses a class rarely types.)
        lines.append(
            Text.assemble("Other machines open ", (url_of(address, port), "bold"))
        )
    if not is_loopback(host):
        lines.append(Text(exposure_warning(host), style="bold yellow"))
    return lines


def network_address() -> str | None:
    """This machine's IPv4 address on its network, the one other machines reach it by,
    or None when it has none but loopback. Connecting a UDP socket sends nothing: it
    only asks the system which of its addresses the route out would use."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1, which no one answers
        address = str(probe.getsockname()[0])
        if not ipaddress.ip_address(address).is_loopback:
            return address
    return None


def exposure_warning(host: str) -> str:
    """The plain warning for a server bound to an address other machines can reach."""
    return (
        f"warning: listening on {host}: anyone who can reach this address can open the "
        "workbench and run the architecture's Python code on this machine, as you. "
        "Use this on a network you trust."
    )


def serve_workbench(
    file: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    seed: int | None = None,
    arch: str | None = None,
    script: str | Path | None = None,
    speed: float = 1.0,
    start: int = 1,
) -> None:
    """Serve ``rapide shell FILE`` to browsers until Ctrl-C (or SIGTERM).

    The architecture and script are not checked here: the caller checks them first,
    so that a bad file is one message at the prompt rather than a broken page per tab.
    Raises OSError when the address cannot be bound (:func:`bind_error_text` says why
    in a few words).
    """
    command = shell_command(
        file, seed=seed, arch=arch, script=script, speed=speed, start=start
    )
    title = f"rapide shell {Path(file).name}"
    WorkbenchServer(command, host=host, port=port, title=title).serve()


async def _children_ended(timeout: float) -> None:
    """Returns once this process has no child left (the tabs' apps), or after ``timeout``
    seconds. It only looks (``WNOWAIT``): asyncio reaps them and closes their pipes."""
    if not hasattr(os, "waitid"):
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        try:
            os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.02)  # the reaper's last notice reaches the loop


def bind_error_text(error: OSError) -> str:
    """Why an address could not be bound, in the system's words ("Address already in
    use"), without the wrapping aiohttp adds."""
    if isinstance(error, socket.gaierror) and error.strerror:
        return error.strerror
    if error.errno and error.errno > 0:
        return os.strerror(error.errno)
    return str(error)

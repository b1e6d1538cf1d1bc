"""``rapide serve``: the workbench TUI in web browsers, one session per tab (textual-serve).

Each browser tab that opens the page starts its own ``rapide shell`` process on the
architecture, driven through Textual's web driver: the tabs share nothing, so a class
can each step their own copy of a lesson. The server binds to the loopback address
unless told otherwise; any other address lets whoever reaches it run the
architecture's Python code on this machine, and the server says so when it starts.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import shlex
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from aiohttp import web
from rich.console import Console
from rich.text import Text
from textual_serve.server import Server

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


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
) -> str:
    """The shell command line that opens one tab's workbench: ``rapide shell`` on ``file``
    with the same options, run by this interpreter, paths made absolute."""
    words = [sys.executable, "-m", "rapide_shell.cli", "shell", str(Path(file).resolve())]
    if seed is not None:
        words += ["--seed", str(seed)]
    if arch is not None:
        words += ["--arch", arch]
    if script is not None:
        words += ["--script", str(Path(script).resolve()), "--speed", f"{speed:g}"]
    return shlex.join(words)


def url_of(host: str, port: int) -> str:
    """The address to open in a browser for a server bound to ``host``:``port``."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


class WorkbenchServer(Server):
    """textual-serve's server, speaking for the workbench.

    It says where to point a browser once it listens (and what an open address
    means), keeps textual-serve's own logging to warnings, and gives each page the
    address the browser used to reach it for its websocket (the bound address, such
    as ``0.0.0.0``, is not one a browser can connect to).
    """

    def __init__(self, command: str, *, host: str, port: int, title: str) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.console = Console(stderr=True, highlight=False)

    def initialize_logging(self) -> None:
        """Warnings and errors only (a tab's process that fails), not every request."""
        logging.basicConfig(level=logging.WARNING, format="rapide serve: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        """Says nothing: the address is announced once it is bound (see :meth:`serve`)."""

    def serve(self, debug: bool = False) -> None:
        """Serves until SIGINT or SIGTERM; OSError when the address cannot be bound."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            # Leaving run_app through GracefulExit shuts each tab's session down.
            loop.add_signal_handler(stop_signal, self.request_exit)
        try:
            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                access_log=None,
                print=self._announce,  # called once the address is bound
            )
        finally:
            asyncio.set_event_loop(None)

    def _announce(self, _aiohttp_banner: str) -> None:
        for line in startup_lines(self.title, self.host, self.port):
            self.console.print(line, soft_wrap=True)

    async def handle_index(self, request: web.Request) -> Any:
        """The page, with its websocket on the address this request came to."""
        # The template reads ``public_url`` before anything awaits, so no other
        # request can change it in between.
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)


def startup_lines(title: str, host: str, port: int) -> list[Text]:
    """What the server prints when it starts listening."""
    lines = [
        Text.assemble(("Serving ", ""), (title, "bold"), " at ", (url_of(host, port), "bold")),
        Text("Each browser tab opens its own session. Ctrl-C stops the server.", style="dim"),
    ]
    if not is_loopback(host):
        lines.append(Text(exposure_warning(host), style="bold yellow"))
    return lines


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
) -> None:
    """Serve ``rapide shell FILE`` to browsers until Ctrl-C (or SIGTERM).

    The architecture and script are not checked here: the caller checks them first,
    so that a bad file is one message at the prompt rather than a broken page per tab.
    Raises OSError when the address cannot be bound (:func:`bind_error_text` says why
    in a few words).
    """
    command = shell_command(file, seed=seed, arch=arch, script=script, speed=speed)
    title = f"rapide shell {Path(file).name}"
    WorkbenchServer(command, host=host, port=port, title=title).serve()


def bind_error_text(error: OSError) -> str:
    """Why an address could not be bound, in the system's words ("Address already in
    use"), without the wrapping aiohttp adds."""
    if isinstance(error, socket.gaierror) and error.strerror:
        return error.strerror
    if error.errno and error.errno > 0:
        return os.strerror(error.errno)
    return str(error)

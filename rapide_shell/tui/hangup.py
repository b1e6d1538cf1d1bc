"""A terminal that goes away under the workbench (its window closed, an ssh connection
dropped): the workbench still closes its session as Ctrl-Q does, and exits.

The process is sent SIGHUP (see :meth:`RapideApp.end_by_signal`), but by then, or
soon after, every write to the terminal fails (EIO). Textual writes the screen from a
thread of its own, which such a write would end, leaving the app to wait for it for
ever as it shuts down. The driver here writes through :class:`TerminalOutput`, which
drops what the terminal no longer takes, so that the app's shutdown, the session's
finish hooks and the recording go on as with a terminal there. A tab of ``rapide
serve`` whose server goes away is told the same way (:mod:`rapide_shell.tui.served`).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import IO, Any

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver


class WhileThere:
    """Writes passed through until one fails (OSError: the other end is gone); from
    then on each is dropped, as if it had been made."""

    def __init__(self) -> None:
        self.gone = False

    def call(self, write: Callable[..., Any], *args: Any, made: Any = None) -> Any:
        """``write(*args)`` while the other end is there; ``made`` once it is gone."""
        if not self.gone:
            try:
                return write(*args)
            except OSError:
                self.gone = True
        return made


class TerminalOutput:
    """The terminal's output stream, dropping what is written once it is gone."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self._there = WhileThere()

    def write(self, text: str) -> int:
        return int(self._there.call(self._file.write, text, made=len(text)))

    def flush(self) -> None:
        self._there.call(self._file.flush)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class HangupSafeDriver(LinuxDriver):
    """Textual's driver for Linux and macOS, writing through :class:`TerminalOutput`;
    when reading the terminal fails, it is gone, and the app is told so as by SIGHUP
    (Textual's own driver would end the app there in a panic, racing the hangup's
    orderly close)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self._file is not None:
            # The stream's stand-in: what Textual reads of it is passed through.
            self._file = TerminalOutput(self._file)  # type: ignore[assignment]

    def _get_terminal_size(self) -> tuple[int, int]:
        """The size of the terminal the screen is drawn on (standard error). Textual's
        own driver asks standard output's, and with that piped (``rapide shell FILE |
        tee log``) it took the screen for 80x25 until the terminal told it otherwise,
        and the screen, laid out for both sizes in turn, never settled: the workbench
        spun without answering a key, nor SIGTERM."""
        if self._file is not None and not {"COLUMNS", "LINES"} & os.environ.keys():
            try:
                size = os.get_terminal_size(self._file.fileno())
            except (AttributeError, ValueError, OSError):
                pass
            else:
                return size.columns or 80, size.lines or 25
        return super()._get_terminal_size()

    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        except OSError:
            if not tell_hung_up(self):
                raise


def tell_hung_up(driver: Driver) -> bool:
    """Tells the driver's app, from the driver's input thread, that what it ran in went
    away, as SIGHUP would; False for an app that does not take it (not the workbench)."""
    hung_up = getattr(driver._app, "end_by_signal", None)
    if hung_up is None:
        return False
    driver._loop.call_soon_threadsafe(hung_up, signal.SIGHUP)
    return True

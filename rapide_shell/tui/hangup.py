"""A terminal that goes away under the workbench (its window closed, an ssh connection
dropped): the workbench still closes its session as Ctrl-Q does, and exits.

The process is sent SIGHUP (see :meth:`RapideApp.end_by_signal`), but by then, or
soon after, every write to the terminal fails (EIO). Textual writes the screen from a
thread of its own, which such a write would end, leaving the app to wait for it for
ever as it shuts down. The driver here writes through :class:`TerminalOutput`, which
drops what the terminal no longer takes, so that the app's shutdown, the session's
finish hooks and the recording go on as with a terminal there.
"""

from __future__ import annotations

import signal
from typing import IO, Any

from textual.drivers.linux_driver import LinuxDriver


class TerminalOutput:
    """The terminal's output stream, dropping what is written once it is gone."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self.gone = False
        """A write failed: the terminal is gone, and nothing more is written."""

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._file.write(text)
            except OSError:
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except OSError:
                self.gone = True

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

    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        except OSError:
            hung_up = getattr(self._app, "end_by_signal", None)
            if hung_up is None:
                raise
            self._loop.call_soon_threadsafe(hung_up, signal.SIGHUP)

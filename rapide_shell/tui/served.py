"""The driver of a tab of ``rapide serve``, which goes away with the tab's server.

A served tab's app talks to its server through pipes (Textual's web driver), and
hears no SIGHUP when the server dies: its input just ends, which Textual's driver
takes quietly, leaving the app running for ever with nobody to reach it. The driver
here takes that end as a hang-up (see :mod:`rapide_shell.tui.hangup`), and drops what
it writes once the pipe is gone. It has a module of its own so that the workbench in a
terminal does not import Textual's web driver.

Its packets go out one at a time, each whole (see :class:`WholePackets`). The app's
thread writes the screen, but the driver's input thread writes a download's pieces
(F12's picture, a ``save``'s file) as it answers the server's requests for them, into
the same pipe; a write larger than the pipe holds is made in parts, as the server
reads. On a busy machine the server read more slowly than the two wrote, and a piece
of the picture went in between the parts of a screen: the server read nonsense, the
tab's screen froze (the F12 left no trace on it) and the download was cut off.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.drivers.web_driver import WebDriver

from rapide_shell.tui.hangup import WhileThere, tell_hung_up


class WholePackets:
    """Writes each packet to the server whole before the next one starts, whichever
    thread writes it, however much of it each ``write`` (``os.write`` on the pipe) makes."""

    def __init__(self, write: Callable[[memoryview], int]) -> None:
        self._write = write
        self._one_at_a_time = threading.Lock()

    def __call__(self, packet: bytes) -> int:
        with self._one_at_a_time:
            left = memoryview(packet)
            while left:
                left = left[self._write(left):]
        return len(packet)


class ServedDriver(WebDriver):
    """Textual's driver for a tab of ``rapide serve``: when its input ends without the
    app having asked to stop, the server is gone, and the app is told so as by SIGHUP;
    its packets are written whole, one at a time (:class:`WholePackets`); writes to the
    server once it is gone are dropped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        write, there = WholePackets(self._write), WhileThere()

        def write_while_there(data: bytes) -> int:
            return int(there.call(write, data, made=len(data)))

        self._write = write_while_there  # type: ignore[assignment]  # a stand-in for it

    def run_input_thread(self) -> None:
        super().run_input_thread()
        if not self.exit_event.is_set():  # not the app's own stop: the server went away
            tell_hung_up(self)

"""The driver of a tab of ``rapide serve``, which goes away with the tab's server.

A served tab's app talks to its server through pipes (Textual's web driver), and
hears no SIGHUP when the server dies: its input just ends, which Textual's driver
takes quietly, leaving the app running for ever with nobody to reach it. The driver
here takes that end as a hang-up (see :mod:`rapide_shell.tui.hangup`), and drops what
it writes once the pipe is gone. It has a module of its own so that the workbench in a
terminal does not import Textual's web driver.
"""

from __future__ import annotations

from typing import Any

from textual.drivers.web_driver import WebDriver

from rapide_shell.tui.hangup import WhileThere, tell_hung_up


class ServedDriver(WebDriver):
    """Textual's driver for a tab of ``rapide serve``: when its input ends without the
    app having asked to stop, the server is gone, and the app is told so as by SIGHUP;
    writes to the server once it is gone are dropped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        write, there = self._write, WhileThere()

        def write_while_there(data: bytes) -> int:
            return int(there.call(write, data, made=len(data)))

        self._write = write_while_there  # type: ignore[assignment]  # a stand-in for it

    def run_input_thread(self) -> None:
        super().run_input_thread()
        if not self.exit_event.is_set():  # not the app's own stop: the server went away
            tell_hung_up(self)

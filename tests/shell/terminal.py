"""A program in a pseudo-terminal (pexpect), driven as a user at a terminal drives it,
without the fixed waits pexpect adds for programs of other kinds."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pexpect

from tests.shell.cli_process import REPO

#: How long a key sent right after a Tab waits: pexpect's own wait before every send.
AFTER_TAB = 0.05


def _as_from_a_shell() -> None:
    """In the child, before the program starts: Ctrl-C's SIGINT at its default action,
    as a terminal's shell starts a program, whatever this test run was given (one
    started in the background by a shell ignores it, and so would the program)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Terminal(pexpect.spawn):
    """``pexpect.spawn``, keys sent at once and a child that has ended closed at once.

    pexpect sleeps 50 ms before every send, for a program that prints a password
    prompt before it turns its echo off; the workbench reads its keys as they come, and
    the tests wait for what they check, never on a key taking its time. Only what
    follows a Tab still waits (:data:`AFTER_TAB`): the REPL completes in the background,
    and keys sent within a millisecond of the Tab, as no person types them, would be in
    the line before the completion. And ``close()`` sleeps 100 ms for the kernel to
    report the child's end: once the child's output has ended, it is waited for only
    until it is gone (still at most those 100 ms). Over the suite's hundreds of keys and
    terminals these sleeps added up to half a minute."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("preexec_fn", _as_from_a_shell)
        super().__init__(*args, **kwargs)
        self.delaybeforesend = None
        self._after_tab = False

    def send(self, s: str | bytes) -> int:
        if self._after_tab:
            time.sleep(AFTER_TAB)
        self._after_tab = s.endswith("\t" if isinstance(s, str) else b"\t")
        return super().send(s)

    def close(self, force: bool = True) -> None:
        process = self.ptyproc
        if self.flag_eof and not self.closed:  # the child closed its terminal: it is ending
            deadline = time.monotonic() + process.delayafterclose
            while process.isalive() and time.monotonic() < deadline:
                time.sleep(0.002)
            if not process.isalive():
                process.delayafterclose = 0
        super().close(force)


def printed_in_a_terminal(*arguments: str, columns: int) -> tuple[int, str]:
    """``rapide ARGUMENTS`` run to its end in a terminal ``columns`` wide (and 60 rows):
    its exit status and what it printed, line ends as ``\\n``."""
    child = Terminal(
        sys.executable, ["-m", "rapide_shell.cli", *arguments],
        cwd=str(REPO), dimensions=(60, columns), encoding="utf-8", timeout=30,
        env={"TERM": "xterm-256color", "PATH": str(Path(sys.executable).parent)},
    )
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before.replace("\r\n", "\n")

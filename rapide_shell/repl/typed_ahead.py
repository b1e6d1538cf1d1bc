"""A Ctrl-D typed between two prompts of ``rapide repl`` kept for the next prompt.

The prompt holds the terminal in raw mode only while it reads a line. Between two
prompts (while a command runs, and in the moment before the next prompt takes the
terminal, after its text is written) the terminal is in its line mode, where the keys
typed wait for the next prompt to read them, but Ctrl-D is no key: it is the
terminal's end of a line, which reaches no one when no one reads, and the next prompt
found nothing (the user had to press it again). While the REPL runs, that character
is switched off, so a Ctrl-D typed then waits as any other key does; the terminal's
settings are given back as they were when it leaves.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

try:
    import termios
except ImportError:  # Windows: no terminal line discipline to speak of
    termios = None  # type: ignore[assignment]


@contextlib.contextmanager
def ctrl_d_kept_as_a_key() -> Iterator[None]:
    """While the block runs, Ctrl-D typed on the standard input's terminal is a key
    (the byte 0x04) in every mode of the terminal; nothing changes when the standard
    input is no terminal."""
    saved = _settings()
    if saved is None:
        yield
        return
    fd, before = saved
    changed = [*before[:6], list(before[6])]
    try:
        changed[6][termios.VEOF] = bytes([os.fpathconf(fd, "PC_VDISABLE")])
        termios.tcsetattr(fd, termios.TCSANOW, changed)
    except (OSError, ValueError, termios.error):
        yield  # a terminal that refuses: Ctrl-D is what it was
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError, termios.error):  # the terminal may be gone
            termios.tcsetattr(fd, termios.TCSANOW, before)


def _settings() -> tuple[int, list[Any]] | None:
    """The standard input's file descriptor and its terminal's settings, or None when
    it is no terminal."""
    if termios is None or sys.stdin is None:
        return None
    try:
        fd = sys.stdin.fileno()
        if not os.isatty(fd):
            return None
        return fd, termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):
        return None

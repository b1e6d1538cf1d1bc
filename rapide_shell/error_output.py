"""What the headless commands (``rapide run``, ``rapide explore``) write to stderr: one
``rapide: ...`` line per error, printable, and a signal handler's words at once."""

from __future__ import annotations

import contextlib
import json
import os
import sys

from pyrapide.core.printable import printable


def say_at_once(text: str) -> None:
    """Write ``text`` to stderr at once, from a signal handler too."""
    # Straight to the file descriptor: a signal handler may run in the middle of a
    # buffered write to stderr (or stdout), which Python would refuse to re-enter.
    with contextlib.suppress(RuntimeError, OSError):
        sys.stdout.flush()
    os.write(2, text.encode())


def print_error(message: str) -> None:
    """``rapide: MESSAGE`` on stderr, made printable, after what stdout holds."""
    sys.stdout.flush()
    sys.stderr.write(f"rapide: {printable(message)}\n")
    sys.stderr.flush()


def fail(message: str, json_output: bool, status: int) -> int:
    """Report an error that ends the command (as JSON on stdout too, for ``--json``);
    return ``status``, the exit status."""
    if json_output:
        print(json.dumps({"ok": False, "exit_status": status, "error": {"message": message}}))
    print_error(message)
    return status

"""What the headless commands (``rapide run``, ``rapide explore``) write to stderr: one
``rapide: ...`` line per error, printable, a signal handler's words at once, and what
the user's code prints while stdout is kept for a document."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator

from pyrapide.core.printable import printable


def say_at_once(text: str) -> None:
    """Write ``text`` to stderr at once, from a signal handler too."""
    # Straight to the file descriptor: a signal handler may run in the middle of a
    # buffered write to stderr (or stdout), which Python would refuse to re-enter.
    with contextlib.suppress(RuntimeError, OSError):
        sys.stdout.flush()
    with contextlib.suppress(OSError):  # a terminal gone (SIGHUP) takes nothing more
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
        print_json_failure(message, status)
    print_error(message)
    return status


def print_json_failure(message: str, status: int) -> None:
    """The ``--json`` answer of a command that failed before its result: on stdout."""
    print(json.dumps({"ok": False, "exit_status": status, "error": {"message": message}}))


@contextlib.contextmanager
def prints_to_stderr(enabled: bool = True) -> Iterator[None]:
    """While the block runs (the architecture file imported, its modules run), send what
    is written to stdout to stderr, so that the document the command prints after it
    (``--json``, DOT, Mermaid) is all of stdout: a ``print`` in a handler would spoil
    it. File descriptor 1 itself is moved, so a child process (an exploration's worker)
    or a C extension writing there is moved too. ``enabled`` False: nothing changes."""
    if not enabled:
        yield
        return
    with _stdout_to(2):
        yield


@contextlib.contextmanager
def prints_dropped() -> Iterator[None]:
    """While the block runs, drop what is written to stdout (file descriptor 1, so a
    worker process forked meanwhile drops it too): the prints of an architecture file
    in every schedule an exploration runs, the same lines again and again."""
    nowhere = os.open(os.devnull, os.O_WRONLY)
    try:
        with _stdout_to(nowhere):
            yield
    finally:
        os.close(nowhere)


@contextlib.contextmanager
def _stdout_to(target: int) -> Iterator[None]:
    """File descriptor 1 made a copy of ``target`` while the block runs, then put back."""
    sys.stdout.flush()
    try:
        kept = os.dup(1)
    except OSError:  # stdout is closed: there is nothing to keep clean
        yield
        return
    os.dup2(target, 1)
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()  # what the block printed, still buffered, goes there too
        os.dup2(kept, 1)
        os.close(kept)

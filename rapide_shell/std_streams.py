"""Standard output and error kept writable, whatever the shell or a user's file did to them.

The workbench writes its output and its errors there: a stream the shell closed
(``>&-``) is made /dev/null, as Python's own ``print`` takes it, and one that an
architecture file closed or replaced as it was imported is put back (see
:func:`rapide_shell.import_guard.guarded_import`), so that what the command has to say
is still said.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

STREAMS = (("stdout", 1), ("stderr", 2))
"""The standard streams the workbench writes to: ``sys`` attribute, file descriptor."""


def stream_on(name: str, descriptor: int, *, like: Any = None) -> None:
    """Make ``sys.<name>`` a new text stream writing to file ``descriptor``, which is
    made /dev/null first when it is closed; ``like`` (a stream that can no longer be
    used) lends it its encoding, error handler and line buffering, else UTF-8."""
    try:
        os.fstat(descriptor)
    except OSError:
        nowhere = os.open(os.devnull, os.O_WRONLY)  # the lowest free descriptor: this one
        if nowhere != descriptor:
            os.dup2(nowhere, descriptor)
            os.close(nowhere)
    # Kept open for the life of the process, as the stream it stands for would be.
    line_buffered = bool(getattr(like, "line_buffering", False))
    stream = open(  # noqa: SIM115
        descriptor,
        "w",
        buffering=1 if line_buffered else -1,
        encoding=getattr(like, "encoding", None) or "utf-8",
        errors=getattr(like, "errors", None),
        closefd=False,
    )
    setattr(sys, name, stream)


def writable(stream: Any) -> bool:
    """Whether ``stream`` can be written to: not None, with a ``write``, not closed."""
    if stream is None or not callable(getattr(stream, "write", None)):
        return False
    try:
        return not stream.closed
    except Exception:  # no `closed` (a plain object with a write method): taken as open
        return True


def descriptor_of(stream: Any) -> int | None:
    """The file descriptor ``stream`` writes to, or None when it has none (a StringIO,
    a test's capture) or is closed."""
    with contextlib.suppress(Exception):
        return int(stream.fileno())
    return None

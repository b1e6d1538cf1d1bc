"""Standard output and error kept writable, whatever the shell or a user's file did to them.

The workbench writes its output and its errors there: a stream the shell closed
(``>&-``) is made /dev/null, as Python's own ``print`` takes it, and one that an
architecture file's code closed or replaced, as it was imported or in a handler or a
hook, is put back (:func:`streams_kept`), so that what the command has to say is
still said.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import Any

from pyrapide.core.printable import printable

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


@contextlib.contextmanager
def streams_kept(broken: list[str]) -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` as they were before the block, whatever the
    code it ran did to them: one closed is opened anew on its descriptor, one replaced
    by what cannot be written to is put back. What was done is appended to ``broken``
    (``closed sys.stdout``); a working stream put there by the code stays."""
    kept = [
        (name, stream, descriptor_of(stream) or descriptor)
        for name, descriptor in STREAMS
        for stream in [getattr(sys, name)]
    ]
    try:
        yield
    finally:
        broken.extend(said for stream in kept if (said := _put_back(*stream)))


def _put_back(name: str, original: Any, descriptor: int) -> str | None:
    """Make ``sys.<name>`` the stream it was before (``original``, writing to file
    ``descriptor``), or a new one on that descriptor when it was closed; what the code
    did wrong, if it did."""
    current = getattr(sys, name)
    if original is not None and not writable(original):
        stream_on(name, descriptor, like=original)
        return f"closed sys.{name}"
    setattr(sys, name, original)
    if current is original or writable(current):
        return None  # a working stream of its own: the workbench's output stays where it was
    if current is None:
        return f"replaced sys.{name} with None"
    kind = type(current).__name__
    return f"replaced sys.{name} with an object of type {kind}, which cannot be written to"


class EscapesWrittenOut(io.TextIOBase):
    """A standard stream as the architecture's code is given it on a terminal the
    workbench shares with it (``rapide run``, the REPL): what is written is passed on
    to ``stream`` made printable, line feeds and tabs kept, so that a ``print`` of an
    escape sequence (a payload holding one, a message) shows it written out
    (``\\u001b[2J``) rather than clearing the screen, renaming the window or resetting
    the terminal under the prompt, as the TUI's Output shows it.

    The workbench's own output goes to ``stream`` itself (:func:`unescaped`): its
    colours are escape sequences. Rich's consoles find it through
    ``rich_proxied_file``, as they find the stream behind Rich's own proxies.
    Closing it leaves ``stream`` open (the workbench's output goes there still): the
    code's own stream is closed, as :func:`streams_kept` finds it."""

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self.rich_proxied_file = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.rich_proxied_file, "encoding", None) or "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.rich_proxied_file, "errors", None)

    @property
    def closed(self) -> bool:
        return bool(super().closed) or not writable(self.rich_proxied_file)

    @property
    def line_buffering(self) -> bool:
        return bool(getattr(self.rich_proxied_file, "line_buffering", False))

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return bool(self.rich_proxied_file.isatty())

    def fileno(self) -> int:
        return int(self.rich_proxied_file.fileno())

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.rich_proxied_file.write(printable(text, keep_newlines=True))
        return len(text)

    def flush(self) -> None:
        if not self.closed:
            self.rich_proxied_file.flush()


def unescaped(stream: Any) -> Any:
    """The stream an :class:`EscapesWrittenOut` passes its text on to, or ``stream``
    itself: where the workbench writes what it draws, colours and all."""
    return stream.rich_proxied_file if isinstance(stream, EscapesWrittenOut) else stream


def escapes_written_out() -> contextlib.AbstractContextManager[None]:
    """Within the block, ``sys.stdout`` and ``sys.stderr`` are :class:`EscapesWrittenOut`
    over the streams there before; after it, those streams again, unless the code put
    another of its own there meanwhile."""
    return in_place_of(**{
        name: EscapesWrittenOut(getattr(sys, name))
        for name, _ in STREAMS
        if writable(getattr(sys, name))
    })


@contextlib.contextmanager
def in_place_of(**streams: Any) -> Iterator[None]:
    """``sys.<name>`` is each of ``streams`` within the block; after it, each is the
    stream that was there before, unless another was put there meanwhile."""
    before = {name: getattr(sys, name) for name in streams}
    for name, stream in streams.items():
        setattr(sys, name, stream)
    try:
        yield
    finally:
        for name, stream in streams.items():
            if getattr(sys, name) is stream:
                setattr(sys, name, before[name])

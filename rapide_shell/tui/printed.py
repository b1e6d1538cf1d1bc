"""What the architecture's code prints, shown in the TUI's Output.

While a Textual app runs, the terminal is its screen: Textual takes ``sys.stdout``
and ``sys.stderr`` and, unless a widget asks for what is written there, drops it. A
``print`` in a handler, a traceback a module writes itself, a prompt of ``input``
were said nowhere. :func:`printed_to` puts streams of the workbench's there instead,
each handing what is written to it to a function (the Output's), in the order it was
written, as ``rapide run`` and the REPL print it on their terminal. What the code
prints before the app runs (as the file is imported, its modules built, their start
hooks run) is held (:class:`HeldPrints`) for the Output to show first.

Standard input is the screen's too: its keys (in a browser's tab, the pipe its keys
and its size come through). What the code reads there (:func:`reading_nothing`) finds
its end at once, as in a script: ``input()`` raises EOFError, rather than freezing the
screen until the handler's time runs out, or taking the tab's own input.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TextIO

from rapide_shell.std_streams import in_place_of

Printed = Callable[[str, bool], None]
"""Takes what was written and whether it went to standard error."""


class PrintedText(io.TextIOBase):
    """A text stream that hands what is written to it to ``take`` (with ``stderr``),
    called in the event loop's thread: a write from another thread is handed over
    when the loop comes to it; with an ``echo`` stream, written there too. What a
    process forked from this one writes is dropped (a worker of an exploration,
    whose own output goes nowhere). The stream cannot be closed: ``close`` leaves it
    as it was, the Output being there still."""

    def __init__(
        self,
        take: Printed,
        *,
        stderr: bool,
        loop: asyncio.AbstractEventLoop,
        echo: TextIO | None = None,
    ) -> None:
        super().__init__()
        self._take = take
        self._echo = echo
        self._stderr = stderr
        self._loop = loop
        self._thread = threading.get_ident()
        self._pid = os.getpid()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "strict"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text and os.getpid() == self._pid:
            if self._echo is not None:
                self._echo.write(text)
            if threading.get_ident() == self._thread:
                self._take(text, self._stderr)
            elif not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._take, text, self._stderr)
        return len(text)

    def close(self) -> None:
        """Left open: what is written next still goes to the Output."""


@contextmanager
def printed_to(take: Printed, *, echo: bool = False) -> Iterator[None]:
    """Within the block (run in the event loop), what is written to ``sys.stdout`` and
    ``sys.stderr`` is handed to ``take``, with False for the one and True for the
    other, and with ``echo`` written to the streams there before too (an app run
    headless, by a test, has no screen that they would draw over); after the block,
    the streams are those there before, unless another was put there meanwhile (the
    streams Textual took are the process's again once the app has stopped, and its
    unmounting comes after that)."""
    loop = asyncio.get_running_loop()
    stdout, stderr = sys.stdout, sys.stderr
    with in_place_of(
        stdout=PrintedText(take, stderr=False, loop=loop, echo=stdout if echo else None),
        stderr=PrintedText(take, stderr=True, loop=loop, echo=stderr if echo else None),
    ):
        yield


def reading_nothing() -> AbstractContextManager[None]:
    """Within the block, ``sys.stdin`` is at its end (see the module's docstring)."""
    return in_place_of(stdin=io.StringIO())


class HeldPrints:
    """What the architecture's code prints while the session opens, before the app is
    there to show it: held (:meth:`holding`), then handed to the Output
    (:meth:`take`), or, when the app never came (a load error, no terminal), written
    where it would have gone (:meth:`write_out`), before the error is said."""

    def __init__(self) -> None:
        self._held: list[tuple[str, bool]] = []

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Within the block, what is written to ``sys.stdout`` and ``sys.stderr`` is
        held; should the block raise, what was held is written out."""
        try:
            with printed_to(lambda text, stderr: self._held.append((text, stderr))):
                yield
        except BaseException:
            self.write_out()
            raise

    def take(self) -> list[tuple[str, bool]]:
        """What was held, in order (the text, and whether it went to standard error);
        none is held any more."""
        held, self._held = self._held, []
        return held

    def write_out(self) -> None:
        """Write what is held to the standard streams, each part to its own."""
        for text, stderr in self.take():
            (sys.stderr if stderr else sys.stdout).write(text)
        sys.stdout.flush()

"""Python's warnings, raised by the architecture's code as a front end runs it, shown by
that front end in one line each.

The TUI has no terminal under it to print them on, so without this a warning such as
"coroutine 'ModuleContext.emit' was never awaited" (an ``emit`` written without
``await``, whose event is then never recorded) vanished. Each line names where the
warning was raised, what it says, and, for a coroutine never awaited, what that means
here: its code never ran.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from pyrapide.core.printable import printable

NEVER_AWAITED = "was never awaited"
"""The end of Python's words for a coroutine dropped before it ran."""


def warning_line(message: Warning | str, category: type[Warning], filename: str,
                 lineno: int) -> str:
    """``FILE:LINE: Category: message``, and for a coroutine never awaited what it
    means: an ``emit`` (or a ``sleep``, ...) that did nothing."""
    text = str(message)
    line = f"{filename}:{lineno}: {category.__name__}: {text}"
    if NEVER_AWAITED in text:
        line += (" (its code did not run: `await` it; an emit not awaited records no "
                 "event)" if "emit'" in text else " (its code did not run: `await` it)")
    return printable(line)


@contextmanager
def warnings_shown_by(
    show: Callable[[str], None], architecture: str | Path | None = None
) -> Iterator[None]:
    """Within the block, each Python warning that would be printed is handed to
    ``show`` as one line (see :func:`warning_line`) instead, called in the thread that
    entered the block (a warning raised in another thread is printed as Python would);
    warnings' filters still choose which are shown.

    A warning raised in the ``architecture`` file names it as the user gave it (Python
    reports it resolved): ``01_connections.py``, not the folder a served lesson lives
    in on the server."""
    shown_in = threading.get_ident()
    python_shows = warnings.showwarning
    given = None if architecture is None else (str(architecture), _resolved(architecture))

    def show_warning(message: Warning | str, category: type[Warning], filename: str,
                     lineno: int, file: TextIO | None = None, line: str | None = None,
                     ) -> None:
        if threading.get_ident() != shown_in:
            python_shows(message, category, filename, lineno, file, line)
            return
        if given is not None and _resolved(filename) == given[1]:
            filename = given[0]
        show(warning_line(message, category, filename, lineno))

    warnings.showwarning = show_warning
    try:
        yield
    finally:
        warnings.showwarning = python_shows



def _resolved(path: str | Path) -> Path | None:
    """``path`` resolved, or None when it cannot be (a name such as ``<string>``)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return None


def on_stderr(line: str) -> None:
    """Shows a warning's line on stderr (``rapide repl`` and ``rapide run``), where
    Python would have printed it, without the source line and the tracemalloc hint."""
    sys.stderr.write(f"{line}\n")

"""Telling a program when a System starts: how a tool that imports a user's file sees
the file start one.

A file that runs its system as it is imported (``asyncio.run(Arch.bind(...).run())`` at
the top level) leaves no System behind to inspect: by the time the import returns, the
run is over. A tool that imports such files (the workbench's loader) wraps the import
in :func:`watching_starts` and is told of every System that starts meanwhile, in the
thread and the call that start it, before any of its modules is built: the callback may
look at the stack to say where, and may raise to stop the start (the exception comes
out of ``System.start``, ``run`` or ``step``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["system_starting", "watching_starts"]

_watchers: list[Callable[[Any], None]] = []
"""The callbacks of the :func:`watching_starts` blocks running now, innermost last."""


@contextmanager
def watching_starts(callback: Callable[[Any], None]) -> Iterator[None]:
    """Call ``callback(system)`` as each System starts while the ``with`` block runs.

    It is called at the start of ``System.start`` (which ``run`` and ``step`` call for a
    system not started yet), before the modules are built; what it raises comes out of
    that call. Blocks nest: each is told, innermost first.
    """
    _watchers.append(callback)
    try:
        yield
    finally:
        _watchers.remove(callback)


def system_starting(system: Any) -> None:
    """Tell the watchers that ``system`` is starting (called by ``System.start``)."""
    for watcher in reversed(_watchers):
        watcher(system)

"""Errors that nothing handles, raised by the architecture's code, said in one line each.

Python and asyncio write such an error as a traceback of every frame, the error's
message as it is, escape sequences and all: an object whose ``__del__`` raises
("Exception ignored in: ..."), a task the code started and never awaited that raised
("Task exception was never retrieved"), a callback it handed the event loop that
raised. On the terminal of ``rapide run`` and the REPL that is a wall of lines (the
REPL's prompt even stopped at "Press ENTER to continue...", taking the next line
typed), and in the TUI a wall of red lines in the Output. Within
:func:`unraisable_told`, and once :func:`tell_loop_errors` is called, each is one
printable line instead: what raised, the error, and where in the user's code.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pyrapide.core.printable import printable
from rapide_shell.looks import counted, message_cut
from rapide_shell.report import error_text, raised_at

Tell = Callable[[str], None]
"""Shows one line (printable already) where the front end shows errors."""


def on_stderr(line: str) -> None:
    """Writes ``line`` on ``sys.stderr`` (in the TUI, the Output's), if there is one."""
    if sys.stderr is not None:
        sys.stderr.write(f"{line}\n")
        sys.stderr.flush()


def error_line(said: str, error: BaseException) -> str:
    """``SAID: Type: message (at arch.py:12 in f)``, printable: ``error`` as a handler's
    error is said, where its traceback reaches the user's code."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    place = raised_at(text)
    line = f"{said}: {error_text(error)}"
    return printable(f"{line} (at {place})" if place else line)


def _named(thing: object) -> str:
    """A function or method by its qualified name, anything else by its type's: never
    by its own ``repr``, which is the user's code and may raise or run to megabytes."""
    name = getattr(thing, "__qualname__", None)
    return name if isinstance(name, str) else type(thing).__qualname__


@contextlib.contextmanager
def unraisable_told(tell: Tell = on_stderr) -> Iterator[None]:
    """Within the block, an error Python can only ignore (raised by a ``__del__``, a
    weak reference's callback, a generator's ``finally`` as it is collected) is handed
    to ``tell`` as one line, ``error ignored in Dying.__del__: RuntimeError: ... (at
    arch.py:37 in __del__)``, instead of Python's traceback."""
    previous = sys.unraisablehook

    def told(unraisable: Any) -> None:
        try:
            if unraisable.object is not None:
                said = f"error ignored in {_named(unraisable.object)}"
            else:
                said = unraisable.err_msg or "error ignored"
            tell(error_line(said, unraisable.exc_value or unraisable.exc_type()))
        except Exception:  # an error that cannot be told at all: Python's own way
            previous(unraisable)

    sys.unraisablehook = told
    try:
        yield
    finally:
        sys.unraisablehook = previous


@contextlib.contextmanager
def threads_told(tell: Tell = on_stderr) -> Iterator[None]:
    """Within the block, an error that ends a thread the architecture's code started is
    handed to ``tell`` as one line (``error in thread 'poller' of the architecture's
    code: ValueError: no route (at arch.py:12 in poll)``), where Python writes a
    traceback of every frame: in the TUI, a wall of red lines in the Output. SystemExit
    ends a thread unsaid, as Python has it."""
    previous = threading.excepthook

    def told(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        try:
            name = args.thread.name if args.thread is not None else "a thread"
            said = f"error in thread {name!r} of the architecture's code"
            tell(error_line(said, args.exc_value or args.exc_type()))
        except Exception:  # an error that cannot be told at all: Python's own way
            previous(args)

    threading.excepthook = told
    try:
        yield
    finally:
        threading.excepthook = previous


def tell_loop_errors(tell: Tell = on_stderr) -> None:
    """From now on, an error the running event loop can hand to no one (a task's that
    nothing awaited, a callback's) is handed to ``tell`` as one line, ``error in
    asyncio task 'Task-2' that nothing awaited: ValueError: ... (at arch.py:40 in
    poll)``, instead of asyncio's traceback. For the rest of the loop's life, not only
    the session's: the runtime drives its handlers itself, so a task one of them started
    mostly runs, and is found never awaited, as the loop winds down after the session
    has closed."""
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()

    def told(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        try:
            tell(_loop_error_line(context))
        except Exception:  # an error that cannot be told at all: asyncio's own way
            if previous is not None:
                previous(loop, context)
            else:
                loop.default_exception_handler(context)

    loop.set_exception_handler(told)


def _loop_error_line(context: dict[str, Any]) -> str:
    """One line for what the loop reports in ``context`` (see
    ``loop.call_exception_handler``)."""
    task = context.get("task") or context.get("future")
    if isinstance(task, asyncio.Task):
        what = f"asyncio task {task.get_name()!r}"
    elif isinstance(task, asyncio.Future):
        what = "an asyncio future"
    elif context.get("handle") is not None:
        what = "a callback the event loop ran"
    else:
        what = "the event loop"
    error = context.get("exception")
    if isinstance(error, BaseException):
        return error_line(f"error in {what} that nothing awaited"
                          if task is not None else f"error in {what}", error)
    message = message_cut(str(context.get("message", "")))
    return printable(f"asyncio: {message} ({what})")


@contextlib.contextmanager
def tasks_left_cancelled(folder: Path, tell: Tell = on_stderr) -> Iterator[None]:
    """Within the block, entered in the running event loop: after it, the asyncio tasks
    started meanwhile by code in ``folder`` (the architecture file's) and still running
    are cancelled, saying so in one line, ``rapide: cancelled the 1 asyncio task the
    architecture's code left running (Task-3: poll)``: the session is over, and the
    loop would cancel them unsaid as it ends, an emit they were waiting to make never
    made."""
    before = asyncio.all_tasks()
    try:
        yield
    finally:
        left = [task for task in asyncio.all_tasks() - before
                if not task.done() and _in_folder(task, folder)]
        for task in left:
            task.cancel()
        if left:
            names = ", ".join(f"{task.get_name()}: {_code_name(task)}" for task in left)
            tell(printable(f"rapide: cancelled the {counted(len(left), 'asyncio task')} "
                           f"the architecture's code left running ({names})"))


def _in_folder(task: asyncio.Task[Any], folder: Path) -> bool:
    """Whether ``task`` runs a coroutine of a file in ``folder`` (or below it)."""
    code = getattr(task.get_coro(), "cr_code", None)
    if code is None or code.co_filename.startswith("<"):
        return False
    return Path(code.co_filename).resolve().is_relative_to(folder)


def _code_name(task: asyncio.Task[Any]) -> str:
    code = getattr(task.get_coro(), "cr_code", None)
    return code.co_name if code is not None else "?"

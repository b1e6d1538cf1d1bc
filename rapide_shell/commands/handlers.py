"""Which function runs each command: ``HANDLERS[name](session, command, line)``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rapide_shell.commands import inspecting, observing, running

if TYPE_CHECKING:
    from rapide_shell.commands.parser import Command
    from rapide_shell.outcome import CommandOutcome
    from rapide_shell.session import Session

Handler = Callable[["Session", "Command", str], Awaitable["CommandOutcome"]]

HANDLERS: dict[str, Handler] = {
    "inject": running.inject,
    "step": running.step,
    "run": running.run,
    "continue": running.run,
    "pause": running.pause,
    "seed": running.seed,
    "reset": running.reset,
    "reload": running.reload,
    "load": running.load,
    "quit": running.quit_,
    "break": observing.break_,
    "unbreak": observing.unbreak,
    "breaks": observing.breaks,
    "watch": observing.watch,
    "unwatch": observing.unwatch,
    "matches": observing.matches,
    "expect": observing.expect,
    "show": inspecting.show,
    "why": inspecting.why,
    "effects": inspecting.effects,
    "export": inspecting.export,
    "save": inspecting.save,
    "help": inspecting.help_,
}

"""Which function runs each command: ``HANDLERS[name](session, command, line)``."""

from __future__ import annotations

from rapide_shell.commands import inspecting, narrating, observing, running
from rapide_shell.commands.registry import Handler

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
    "say": narrating.say,
    "wait": narrating.wait,
}

"""The built-in commands, each module a plugin that adds its group of commands.

They are registered on every session's plugin manager before the installed plugins
(:func:`rapide_shell.plugins.plugin_manager`), through the same ``rapide_add_commands``
hook a plugin implements, so a built-in command is defined exactly as a plugin's is:
spec, parser and handler in one module, and one ``catalog.register`` call. ``help``
lists the commands in the order of :data:`BUILTIN_PLUGINS`, then of each module's
registrations.
"""

from __future__ import annotations

from types import ModuleType

from rapide_shell.commands.builtin import (
    branching,
    general,
    injecting,
    inspecting,
    mapping,
    narrating,
    observing,
    restarting,
    running,
    travelling,
)
from rapide_shell.commands.registry import CommandCatalog

BUILTIN_PLUGINS: tuple[ModuleType, ...] = (
    injecting,
    running,
    travelling,
    branching,
    observing,
    inspecting,
    mapping,
    restarting,
    narrating,
    general,
)
"""The modules of the built-in commands, in the order ``help`` lists their commands."""


def builtin_catalog() -> CommandCatalog:
    """A catalog of the built-in commands alone, as a session's starts before its
    plugins add theirs (what a line is parsed against outside any session)."""
    catalog = CommandCatalog()
    for plugin in BUILTIN_PLUGINS:
        plugin.rapide_add_commands(catalog=catalog)
    return catalog

"""Building a session's plugin manager: the hook specifications, the built-in command
plugins, then the installed plugins."""

from __future__ import annotations

import functools
from importlib.metadata import entry_points
from typing import Any

import pluggy

from rapide_shell import hookspecs
from rapide_shell.commands.builtin import BUILTIN_PLUGINS
from rapide_shell.loader import LoadError


class PluginLoadError(LoadError):
    """An installed plugin (``rapide`` entry point) that cannot be imported; a
    :class:`~rapide_shell.loader.LoadError`, so every front end reports it in one line."""


def plugin_manager() -> pluggy.PluginManager:
    """A plugin manager with the workbench's hooks, the built-in commands' plugins and
    every installed plugin registered.

    Raises :class:`PluginLoadError` naming the entry point when a plugin fails to import.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    # pluggy calls the last registered first (the built-ins' ``tryfirst`` puts them all
    # before any installed plugin's): registered backwards, they add their commands in
    # the order ``help`` lists them.
    for plugin in reversed(BUILTIN_PLUGINS):
        manager.register(plugin, name=f"rapide-builtin-{plugin.__name__.rsplit('.', 1)[-1]}")
    for name, plugin in installed_plugins():
        manager.register(plugin, name=name)
    return manager


@functools.cache
def installed_plugins() -> tuple[tuple[str, Any], ...]:
    """``(name, plugin)`` for each entry point of the ``rapide`` group, loaded once per
    process (every session registers the same objects)."""
    found = []
    for entry in entry_points(group=hookspecs.PROJECT):
        try:
            found.append((entry.name, entry.load()))
        except Exception as error:
            raise PluginLoadError(
                f"plugin {entry.name!r} ({entry.value}) cannot be loaded: "
                f"{type(error).__name__}: {error}"
            ) from None
    return tuple(found)

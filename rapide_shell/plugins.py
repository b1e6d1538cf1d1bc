"""Building a session's plugin manager: the hook specifications, the built-in command
plugins, then the installed plugins, each on its own (one that breaks is named, and
the session goes on without what it failed to add)."""

from __future__ import annotations

import difflib
import functools
import inspect
import re
import time
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import FunctionType, MethodType, ModuleType
from typing import Any

import pluggy

from pyrapide.core.interrupts import contained
from rapide_shell import hookspecs
from rapide_shell.commands.builtin import BUILTIN_PLUGINS

SLOW_SECONDS = 1.0
"""A plugin's hook (or its import) that takes this long is said to have: the user saw
the workbench wait, and would otherwise blame it."""

clock = time.perf_counter
"""What plugins are timed with (seconds)."""


@dataclass(frozen=True)
class SlowHook:
    """Stands for the problem of a plugin's hook that took ``seconds`` (see SLOW_SECONDS):
    nothing failed, but the session waited for it."""

    seconds: float


def started() -> float:
    """The time by :data:`clock`, for :func:`slow_since`."""
    return clock()


def slow_since(start: float) -> SlowHook | None:
    """A SlowHook when SLOW_SECONDS or more passed since ``start`` (see :func:`started`)."""
    seconds = clock() - start
    return SlowHook(seconds) if seconds >= SLOW_SECONDS else None


class _PluginManager(pluggy.PluginManager):
    """pluggy's manager, looking for a module's hooks among the functions it holds.

    pluggy looks at every name a plugin has (``inspect.getattr_static``, a few
    microseconds each): the modules of the built-in commands hold some six hundred names
    in all, their imports and classes, and that took 3 ms of every session's start. A
    module's names are its namespace, where a name that holds no function, or a function
    without the hook mark, is no hook: those are passed over at once, the rest looked at
    as pluggy does.
    """

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> pluggy.HookimplOpts | None:
        if isinstance(plugin, ModuleType):
            value = vars(plugin).get(name)
            if not isinstance(value, (FunctionType, MethodType, staticmethod, classmethod)):
                return None
            if isinstance(value, FunctionType) and not hasattr(value, f"{self.project_name}_impl"):
                return None  # the attribute ``hookimpl`` marks a hook implementation with
        return super().parse_hookimpl_opts(plugin, name)


def plugin_manager() -> pluggy.PluginManager:
    """A plugin manager with the workbench's hooks and the built-in commands' plugins
    registered; :func:`register_installed` adds the installed ones."""
    manager = _PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    # pluggy calls the last registered first: registered backwards, the built-ins add
    # their commands in the order ``help`` lists them.
    for plugin in reversed(BUILTIN_PLUGINS):
        manager.register(plugin, name=f"rapide-builtin-{plugin.__name__.rsplit('.', 1)[-1]}")
    return manager


def register_installed(
    manager: pluggy.PluginManager,
) -> list[tuple[str, str, BaseException | SlowHook]]:
    """Register every installed plugin on ``manager``, one at a time, and return
    ``(plugin, hook, error)`` for each problem met:

    * a hook written ``async def``, which would never run: the plugin is left out;
    * a class named by the entry point itself whose hooks are methods, which would
      have no instance to run on: the plugin is left out;
    * a plugin whose import, the first time, or whose ``rapide_add_commands`` took
      SLOW_SECONDS or more: a :class:`SlowHook`, the plugin stays;
    * a plugin that cannot be imported: left out;
    * a hook whose arguments the specification does not have, or whose
      ``rapide_add_commands`` raised (that hook is historic: once the session has
      called it, a plugin registered later is called at once): the plugin is left out,
      so that none of its hooks runs half set up (a command it added before it raised
      stays);
    * a hook the workbench does not have (a misspelt name), which would never be
      called: the plugin stays, its other hooks work.
    """
    problems: list[tuple[str, str, BaseException | SlowHook]] = []
    for name, plugin in installed_plugins():
        loading = _slow_loads.pop(name, None)
        if loading is not None:
            problems.append((name, f"loading {loading[0]}", loading[1]))
        if isinstance(plugin, PluginImportFailed):
            problems.append((name, f"loading {plugin.value}", plugin.error))
            continue
        awaited = _async_hooks(manager, plugin)
        if awaited:
            problems.extend((name, hook, _never_awaited(plugin, hook)) for hook in awaited)
            continue
        unbound = _methods_of_a_class(manager, plugin)
        if unbound:
            problems.extend((name, hook, _no_instance(plugin, hook)) for hook in unbound)
            continue
        start = started()
        try:
            manager.register(plugin, name=name)
            slow = slow_since(start)
            if slow is not None:
                problems.append((name, "rapide_add_commands", slow))
        except BaseException as error:
            if not contained(error):
                raise  # the user's Ctrl-C
            if manager.get_plugin(name) is not None:
                manager.unregister(name=name)
            problems.append(_refused(name, error))
            continue
        problems.extend(
            (name, caller.name, pluggy.PluginValidationError(plugin, _unknown_hook(caller.name)))
            for caller in manager.get_hookcallers(plugin) or ()
            if not caller.has_spec()
        )
    return problems


def _async_hooks(manager: pluggy.PluginManager, plugin: Any) -> list[str]:
    """The hooks ``plugin`` wrote as ``async def``: called and never awaited, their code
    would never run, and Python would only warn of a coroutine never awaited."""
    names = vars(plugin) if isinstance(plugin, ModuleType) else dir(plugin)
    return [
        name
        for name in names
        if name.startswith(f"{hookspecs.PROJECT}_")
        and manager.parse_hookimpl_opts(plugin, name) is not None
        and inspect.iscoroutinefunction(getattr(plugin, name))
    ]


def _methods_of_a_class(manager: pluggy.PluginManager, plugin: Any) -> list[str]:
    """The hooks of ``plugin``, a class the entry point names itself, that are methods
    taking the instance: pluggy would pass the hook's first argument as ``self``, and
    the call would fail with "missing 1 required positional argument", which does not
    say what was wrong. A staticmethod or classmethod hook of a class works."""
    if not isinstance(plugin, type):
        return []
    return [
        name
        for name in dir(plugin)
        if name.startswith(f"{hookspecs.PROJECT}_")
        and isinstance(inspect.getattr_static(plugin, name, None), FunctionType)
        and manager.parse_hookimpl_opts(plugin, name) is not None
    ]


def _no_instance(plugin: type, hook: str) -> pluggy.PluginValidationError:
    return pluggy.PluginValidationError(
        plugin,
        f"{hook} is a method of the class {plugin.__qualname__}, but the entry point names "
        "the class, not an instance of it, so the method would have no instance to run "
        f"on: name an instance in the entry point (`plugin = {plugin.__qualname__}()` in "
        f"{plugin.__module__}, then `{plugin.__module__}:plugin`)",
    )


def _never_awaited(plugin: Any, hook: str) -> pluggy.PluginValidationError:
    return pluggy.PluginValidationError(
        plugin,
        f"{hook} is `async def`, but the workbench calls its hooks without awaiting "
        f"them, so its code would never run: write `def {hook}(...)` (only a command's "
        "handler is `async def`)",
    )


_VALIDATION = re.compile(
    r"for hook '(?P<hook>\w+)'\nhookimpl definition: (?P<definition>.*)\n(?P<why>.*)", re.S
)


def _refused(name: str, error: BaseException) -> tuple[str, str, BaseException]:
    """``(plugin, hook, error)`` for a plugin that could not be registered; pluggy's
    validation message (three lines) made one."""
    if isinstance(error, pluggy.PluginValidationError):
        found = _VALIDATION.search(str(error))
        if found is not None:
            one_line = f"{found['definition']}: {' '.join(found['why'].split())}"
            return name, found["hook"], pluggy.PluginValidationError(error.plugin, one_line)
    return name, "rapide_add_commands", error


def _unknown_hook(hook: str) -> str:
    known = [name for name in vars(hookspecs) if name.startswith(f"{hookspecs.PROJECT}_")]
    close = difflib.get_close_matches(hook, known, n=1)
    advice = f"did you mean {close[0]!r}?" if close else f"its hooks: {', '.join(known)}"
    return f"the workbench has no hook {hook!r}, so it is never called ({advice})"


def installed_owner(code: object) -> str | None:
    """The name of the installed plugin whose code ``code`` is (a function, a method, a
    partial of one, or an object whose class is), found by its module: the plugin's own
    module or package, the longest when several hold it; None when it is no installed
    plugin's (the workbench's own code, a front end's). What a failure of a listener or
    a command handler is told under, as a failing hook is."""
    while isinstance(code, functools.partial):
        code = code.func
    module = getattr(code, "__module__", None)
    if not isinstance(module, str):
        module = type(code).__module__
    owner: tuple[str, str] | None = None
    for name, plugin in installed_plugins():
        if isinstance(plugin, PluginImportFailed):
            continue
        home = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
        if module != home and not module.startswith(f"{home}."):
            continue
        if owner is None or len(home) > len(owner[1]):
            owner = (name, home)
    return None if owner is None else owner[0]


@dataclass(frozen=True)
class PluginImportFailed:
    """What stands for an installed plugin that could not be imported."""

    value: str
    """Where its entry point says it is (``my_package.rapide_plugin``)."""
    error: BaseException


@functools.cache
def installed_plugins() -> tuple[tuple[str, Any], ...]:
    """``(name, plugin)`` for each entry point of the ``rapide`` group, loaded once per
    process (every session registers the same objects); the plugin is a
    :class:`PluginImportFailed` where importing it raised."""
    found = []
    for entry in entry_points(group=hookspecs.PROJECT):
        start = started()
        try:
            found.append((entry.name, entry.load()))
        except BaseException as error:
            if not contained(error):
                raise
            found.append((entry.name, PluginImportFailed(entry.value, error)))
        slow = slow_since(start)
        if slow is not None:
            _slow_loads[entry.name] = (entry.value, slow)
    return tuple(found)


_slow_loads: dict[str, tuple[str, SlowHook]] = {}
"""The plugins whose import was slow, by name, until the session that imported them
says so (the next ones in the process do not wait for it again)."""

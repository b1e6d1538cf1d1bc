"""The plugin hooks of the workbench (pluggy): what a plugin may implement, and when each is called.

A plugin is any object or module with functions marked ``@hookimpl`` whose names are
hooks below. Third-party plugins are found through the ``rapide`` entry point group::

    [project.entry-points.rapide]
    my_plugin = "my_package.rapide_plugin"

and every session loads them (:func:`rapide_shell.plugins.register_installed`). A front end
registers its own plugins on ``session.plugins``; the TUI adds its ``screenshot``
command that way (:mod:`rapide_shell.tui.screen_commands`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from rapide_shell.commands.registry import CommandCatalog
    from rapide_shell.session import Session

PROJECT = "rapide"
"""The pluggy project name, which is also the entry point group plugins are found in."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a plugin's function as the implementation of the hook of the same name."""


@hookspec(historic=True)
def rapide_add_commands(catalog: CommandCatalog, session: Session) -> None:
    """Add commands to a new session's command language.

    Called once per session, when it is created (before its system starts), with the
    session's ``catalog``; a plugin registered on ``session.plugins`` later (a front
    end's) is called at once when it is registered. The built-in commands are added
    first, by this same hook (:mod:`rapide_shell.commands.builtin`). Call
    ``catalog.register(spec, handler)``, or ``catalog.register(spec, handler,
    parse=parser)`` for arguments read into a typed object, for each command (see
    :mod:`rapide_shell.commands.registry`); a name already taken raises ValueError. The
    return value is ignored.
    """


@hookspec
def rapide_session_started(session: Session) -> None:
    """The session's system was built and its modules' start hooks have run.

    Called once per session, before the first command runs; ``session`` may be read
    (its description, computation) and subscribed to (``session.subscribe``). The
    events the start hooks recorded are already in ``session.computation``: a listener
    hears only those recorded after. Not called again on ``reset``, ``seed`` or
    ``reload`` (subscriptions survive them, and ``SessionReset`` tells them);
    ``SessionClosed`` (:mod:`rapide_shell.notices`) is the last notification a listener
    hears. The return value is ignored. Hooks are plain functions, not ``async def``
    (a plugin whose hook is one is left out).
    """

"""A session's command catalog: the built-in commands plus those a front end adds.

Every session has its own :class:`CommandCatalog`, so a command one front end adds
(the TUI's ``screenshot``) is part of the language there, in ``help``, ``help NAME``,
completion and the parser, and nowhere else. A front end adds one with
:meth:`CommandCatalog.register`::

    spec = CommandSpec(
        name="screenshot",
        usage="screenshot [FILE.svg]",
        summary="Save an SVG picture of the screen.",
        details="Saves ... (the full help)",
        args=(ArgSpec("FILE", ArgKind.FILE, optional=True),),
        while_running=True,
    )

    async def screenshot(session, command, line) -> CommandOutcome:
        path = command.args["FILE"]          # None when it was left out
        ...
        return CommandOutcome(line, "screenshot", output=(Text("saved"),))

    session.catalog.register(spec, screenshot)

A plugin does the same from its ``rapide_add_commands`` hook (see
:mod:`rapide_shell.hookspecs`), which is how the TUI adds ``screenshot``.

The arguments of an added command are read from its ``args``: one word each (quotes
allowed), an ``INTEGER`` as an int, a ``CHOICE`` checked against its choices, and a
``rest_of_line`` argument (the last one) taking the rest of the line as written; any
other kind arrives as the text typed (the kind guides completion; a handler that wants
a pattern parses it with :func:`pyrapide.patterns.parse_pattern`). They
reach the handler in ``command.args``, keyed by each ``ArgSpec.name``; an optional one
left out is None. A handler raises :class:`~rapide_shell.commands.errors.CommandError`
for a problem the user caused; the session prints it as an error line and goes on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING

from rapide_shell.commands.catalog import ALIASES, COMMANDS

if TYPE_CHECKING:
    from rapide_shell.commands.parser import Command
    from rapide_shell.commands.spec import CommandSpec
    from rapide_shell.outcome import CommandOutcome
    from rapide_shell.session import Session

Handler = Callable[["Session", "Command", str], Awaitable["CommandOutcome"]]
"""Runs one command: ``await handler(session, command, line) -> CommandOutcome``."""


class CommandCatalog:
    """The commands one session understands: the built-ins, then those registered.

    Iterating gives the specs in the order ``help`` lists them.
    """

    def __init__(self) -> None:
        self._specs: dict[str, CommandSpec] = dict(COMMANDS)
        self._aliases: dict[str, str] = dict(ALIASES)
        self._added: dict[str, Handler] = {}

    def register(self, spec: CommandSpec, handler: Handler) -> None:
        """Add command ``spec``, run by ``handler`` (see the module docstring).

        Raises ValueError when its name or an alias is already a command or an alias,
        or when an argument other than the last takes the rest of the line.
        """
        for word in (spec.name, *spec.aliases):
            if self.lookup(word) is not None:
                raise ValueError(f"cannot add command {spec.name!r}: {word!r} is already one")
            if not word or any(char.isspace() or char == "#" for char in word):
                raise ValueError(f"cannot add command {spec.name!r}: {word!r} is not one word")
        if any(arg.rest_of_line for arg in spec.args[:-1]):
            raise ValueError(
                f"cannot add command {spec.name!r}: only its last argument may take "
                "the rest of the line"
            )
        self._specs[spec.name] = spec
        self._aliases.update(dict.fromkeys(spec.aliases, spec.name))
        self._added[spec.name] = handler

    def lookup(self, word: str) -> CommandSpec | None:
        """The command that ``word`` names (its name or an alias), or None."""
        return self._specs.get(self._aliases.get(word, word))

    def __getitem__(self, name: str) -> CommandSpec:
        return self._specs[name]

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(self._specs.values())

    @property
    def names(self) -> list[str]:
        """Every command's name, in ``help`` order."""
        return list(self._specs)

    @property
    def words(self) -> list[str]:
        """Every name and alias: what a line may start with."""
        return [*self._specs, *self._aliases]

    def is_added(self, name: str) -> bool:
        """True for a command added with :meth:`register` (its arguments are read from
        its spec), False for a built-in one."""
        return name in self._added

    def handler(self, name: str) -> Handler:
        """The function that runs command ``name``."""
        if name in self._added:
            return self._added[name]
        from rapide_shell.commands.handlers import HANDLERS  # they import the session's parts

        return HANDLERS[name]


BUILTIN_CATALOG = CommandCatalog()
"""The built-in commands alone: what a line is parsed against when no session says."""

"""What a command is (its spec, its parser, its handler) and the catalog one session holds.

Every command, built-in or not, is registered the same way, from a plugin's
``rapide_add_commands`` hook (:mod:`rapide_shell.hookspecs`): the built-in ones from the
modules of :mod:`rapide_shell.commands.builtin`, a plugin's from its own. A session has
its own :class:`CommandCatalog`, so a command one front end adds (the TUI's
``screenshot``) is part of the language there, in ``help``, ``help NAME``, completion
and the parser, and nowhere else::

    SHOUT = CommandSpec(
        name="shout",
        usage="shout TIMES",
        summary="Say hello, TIMES times.",
        details="Says hello TIMES times (the full help).",
        args=(ArgSpec("TIMES", ArgKind.INTEGER),),
    )

    @dataclass(frozen=True)
    class ShoutArguments:
        times: int

    def parse_shout(text: ArgumentText) -> ShoutArguments:
        words = text.at_most(1)
        if not words:
            raise CommandSyntaxError("shout needs a number", column=text.column)
        return ShoutArguments(number(words[0], "the number of times"))

    async def shout(
        session: Session, command: Command[ShoutArguments], line: str
    ) -> CommandOutcome:
        said = "hello " * command.args.times
        return CommandOutcome(line, "shout", output=(Text(said),))

    @hookimpl
    def rapide_add_commands(catalog: CommandCatalog) -> None:
        catalog.register(SHOUT, shout, parse=parse_shout)

``parse`` may be left out: the arguments are then read as the spec's ``args`` declare
them (:func:`~rapide_shell.commands.arguments.declared_arguments`), and reach the
handler as a read-only mapping keyed by each ``ArgSpec.name`` (``command.args["TIMES"]``;
an optional one left out is None). A handler raises
:class:`~rapide_shell.commands.errors.CommandError` for a problem the user caused; the
session prints it as an error line and goes on.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from rapide_shell.commands.arguments import ArgumentParser, DeclaredArguments, declared_arguments
from rapide_shell.commands.spec import ArgSpec, CommandSpec
from rapide_shell.outcome import CommandOutcome

if TYPE_CHECKING:
    from rapide_shell.session import Session

ArgumentsT = TypeVar("ArgumentsT")


@dataclass(frozen=True)
class Command(Generic[ArgumentsT]):
    """One parsed command line.

    ``name`` is the command's name (aliases resolved); ``text`` the line without its
    comment; ``args`` what the command's parser made of its arguments: a frozen
    dataclass of typed fields for a built-in command (``StepArguments(target=...)``),
    a read-only mapping by ``ArgSpec.name`` for a command registered without a parser.
    """

    name: str
    text: str
    args: ArgumentsT


Handler = Callable[["Session", Command[ArgumentsT], str], Awaitable[CommandOutcome]]
"""Runs one command: ``await handler(session, command, line) -> CommandOutcome``."""


@dataclass(frozen=True)
class CommandDefinition(Generic[ArgumentsT]):
    """A command, whole: what ``help`` and completion show, how its arguments are read,
    and what runs it. Every command of a catalog has all three."""

    spec: CommandSpec
    parse: ArgumentParser[ArgumentsT]
    handler: Handler[ArgumentsT]


class CommandCatalog:
    """The commands one session understands, in the order they were registered (the
    order ``help`` lists them: the built-in ones first).

    Iterating gives the specs.
    """

    def __init__(self) -> None:
        self._definitions: dict[str, CommandDefinition[Any]] = {}
        self._aliases: dict[str, str] = {}

    @overload
    def register(self, spec: CommandSpec, handler: Handler[DeclaredArguments]) -> None: ...

    @overload
    def register(
        self,
        spec: CommandSpec,
        handler: Handler[ArgumentsT],
        *,
        parse: ArgumentParser[ArgumentsT],
    ) -> None: ...

    def register(
        self,
        spec: CommandSpec,
        handler: Handler[Any],
        *,
        parse: ArgumentParser[Any] | None = None,
    ) -> None:
        """Add command ``spec``, its arguments read by ``parse`` (default: as ``spec.args``
        declare them) and run by ``handler`` (see the module docstring).

        Raises ValueError when its name or an alias is already a command or an alias,
        or, for arguments read as declared, when one other than the last takes the rest
        of the line.
        """
        _check_spec(spec)
        for word in (spec.name, *spec.aliases):
            taken = self.lookup(word)
            if taken is not None:
                raise ValueError(
                    f"cannot add command {spec.name!r}: {word!r} is already "
                    f"{self._taken(word, taken)}"
                )
            if not word or any(char.isspace() or char == "#" for char in word):
                raise ValueError(f"cannot add command {spec.name!r}: {word!r} is not one word")
        if not _is_coroutine_function(handler):
            raise ValueError(
                f"cannot add command {spec.name!r}: its handler {_named(handler)} is not "
                "a coroutine function (write `async def handler(session, command, line)`, "
                "returning a CommandOutcome)"
            )
        if parse is None and any(arg.rest_of_line for arg in spec.args[:-1]):
            raise ValueError(
                f"cannot add command {spec.name!r}: only its last argument may take "
                "the rest of the line"
            )
        self._definitions[spec.name] = CommandDefinition(
            spec, declared_arguments if parse is None else parse, handler
        )
        self._aliases.update(dict.fromkeys(spec.aliases, spec.name))

    def _taken(self, word: str, taken: CommandSpec) -> str:
        """What ``word`` already is, and whose: the author of a plugin whose command
        clashes learns whether to rename theirs or which other package holds it."""
        what = "a command" if word == taken.name else f"an alias of {taken.name!r}"
        handler = self._definitions[taken.name].handler
        while isinstance(handler, functools.partial):
            handler = handler.func
        module = getattr(handler, "__module__", None) or type(handler).__module__
        if module.split(".")[0] == "rapide_shell":
            return f"{what} of the workbench's own"
        return f"{what}, added by {module}"

    def lookup(self, word: str) -> CommandSpec | None:
        """The command that ``word`` names (its name or an alias), or None."""
        definition = self._definitions.get(self._aliases.get(word, word))
        return None if definition is None else definition.spec

    def definition(self, name: str) -> CommandDefinition[Any]:
        """Command ``name``, whole (KeyError when there is none)."""
        return self._definitions[name]

    def __getitem__(self, name: str) -> CommandSpec:
        return self._definitions[name].spec

    def __contains__(self, name: object) -> bool:
        return name in self._definitions

    def __iter__(self) -> Iterator[CommandSpec]:
        return (definition.spec for definition in self._definitions.values())

    def __len__(self) -> int:
        return len(self._definitions)

    @property
    def names(self) -> list[str]:
        """Every command's name, in ``help`` order."""
        return list(self._definitions)

    @property
    def words(self) -> list[str]:
        """Every name and alias: what a line may start with."""
        return [*self._definitions, *self._aliases]


def _check_spec(spec: object) -> None:
    """Raise ValueError, naming the field, for a spec ``help``, completion or the parser
    could not read: checked as the command is added, a plugin's slip is one line naming
    it, not ``help`` (for every command) or the reading of a line failing later."""
    if not isinstance(spec, CommandSpec):
        raise ValueError(f"cannot add {spec!r}: a command is a CommandSpec")
    name = spec.name if isinstance(spec.name, str) else repr(spec.name)
    for field in ("name", "usage", "summary", "details"):
        value = getattr(spec, field)
        if not isinstance(value, str):
            raise ValueError(
                f"cannot add command {name!r}: its {field} must be text, not {value!r}"
            )
    wanted = {"args": (ArgSpec, "ArgSpec"), "aliases": (str, "text"), "examples": (str, "text")}
    for field, (kind, said) in wanted.items():
        value = getattr(spec, field)
        if not isinstance(value, tuple) or not all(isinstance(item, kind) for item in value):
            raise ValueError(
                f"cannot add command {name!r}: its {field} must be a tuple of {said}, "
                f"not {value!r}"
            )


def _is_coroutine_function(handler: object) -> bool:
    """True for ``async def`` functions and methods, partials of them, and objects
    whose ``__call__`` is one."""
    while isinstance(handler, functools.partial):
        handler = handler.func
    if inspect.iscoroutinefunction(handler):
        return True
    return not inspect.isroutine(handler) and inspect.iscoroutinefunction(type(handler).__call__)


def _named(handler: object) -> str:
    return getattr(handler, "__qualname__", None) or type(handler).__qualname__

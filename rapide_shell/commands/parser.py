"""Parsing one command line into a :class:`Command`, once, before anything runs.

The parser knows the grammar of each command (see :mod:`rapide_shell.commands.catalog`)
but nothing of the loaded system: whether an event name or a field exists is checked
when the session runs the command, against the architecture's action signatures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapide_shell.commands.catalog import CONNECTION_KINDS, EXPORT_FORMATS, FORCE, SHOW_TOPICS
from rapide_shell.commands.errors import CommandSyntaxError, close_matches
from rapide_shell.commands.lexer import Word, parse_payload, split_words, strip_comment
from rapide_shell.commands.registry import BUILTIN_CATALOG, CommandCatalog
from rapide_shell.commands.spec import ArgKind, CommandSpec


@dataclass(frozen=True)
class StepTarget:
    """What ``step`` runs: ``count`` dispatches, or the next of ``kind``, or ``dispatch_id``."""

    count: int = 1
    kind: str | None = None
    dispatch_id: int | None = None
    no_such_dispatch: str | None = None
    """A ``#`` word that is no dispatch id (``#abc``), as typed: running the step says
    there is no such dispatch and which ones are pending."""


@dataclass(frozen=True)
class Command:
    """One parsed command.

    ``name`` is the command's canonical name (aliases resolved); ``text`` is the line
    without its comment; ``args`` holds the typed arguments, by command:

    - ``inject``: ``event`` (str), ``payload`` (:class:`~rapide_shell.commands.lexer.Payload`)
    - ``step``: ``target`` (:class:`StepTarget`)
    - ``break``, ``watch``: ``pattern`` (a pyrapide Pattern), ``pattern_text`` (str)
    - ``expect``: ``pattern``, ``pattern_text``, ``count`` (int or None), ``none`` (bool)
    - ``unbreak``, ``unwatch``: ``id`` (int); ``matches``: ``id`` (int or None)
    - ``show``: ``topic`` (one of graph, queue, events, event, components), ``arg``
      (str or None: the event id of ``show event``, the count of ``show events``)
    - ``why``, ``effects``: ``event_id`` (str)
    - ``export``: ``format`` (dot, mermaid, json), ``path``, ``force`` (bool); ``save``:
      ``path``, ``force``; ``load``: ``path``
    - ``seed``: ``value`` (int, negative ones too); ``help``: ``topic`` (str or None)
    - a command a front end added: each argument by its ``ArgSpec.name`` (see
      :mod:`rapide_shell.commands.registry`)
    """

    name: str
    text: str
    args: Mapping[str, Any] = field(default_factory=dict)


_HEAD = re.compile(r"\S+")
_PATTERN_COMMANDS = frozenset({"break", "watch", "expect"})
_DISPATCH_ID = re.compile(r"#(\d+)\Z")
_EXPECT_OPTION = re.compile(r"\s+(?:count=(?P<count>\S*)|(?P<none>none))\s*\Z")


def parse_command(line: str, catalog: CommandCatalog | None = None) -> Command | None:
    """Parse ``line`` against ``catalog`` (default: the built-in commands); None for a
    blank line or a comment.

    Raises :class:`CommandSyntaxError` (with a column and close matches where they help)
    for an unknown command, missing or extra arguments, a malformed payload or a pattern
    syntax error.
    """
    catalog = BUILTIN_CATALOG if catalog is None else catalog
    text = strip_comment(line)
    if not text.strip():
        return None
    first = _HEAD.search(text)
    assert first is not None  # the text is not blank
    head = Word(first.group(), first.start())
    spec = catalog.lookup(head.text)
    if spec is None:
        raise _no_command("unknown command", head, catalog.words)
    rest_column = head.column + len(head.text)
    rest = text[rest_column:]
    # Patterns are split by their own grammar; other arguments are words.
    words = [] if spec.name in _PATTERN_COMMANDS else split_words(rest, rest_column)
    if catalog.is_added(spec.name):
        args = _declared(spec, rest, rest_column, words)
    elif spec.name == "help":
        args = _help(words, rest_column, catalog)
    else:
        args = _PARSERS[spec.name](rest, rest_column, words)
    return Command(spec.name, text.strip(), args)


def _declared(spec: CommandSpec, rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    """The arguments of an added command, read as its ``args`` declare them."""
    args: dict[str, Any] = {}
    for position, arg in enumerate(spec.args):
        if position >= len(words):
            if not arg.optional:
                raise CommandSyntaxError(
                    f"{spec.name} needs {arg.name}; usage: {spec.usage}",
                    column=column + len(rest.rstrip()),
                )
            args[arg.name] = None
            continue
        word = words[position]
        if arg.rest_of_line:
            args[arg.name] = rest[word.column - column :].strip()
            return args
        args[arg.name] = _declared_value(spec, arg.kind, arg.choices, word)
    if len(words) > len(spec.args):
        raise CommandSyntaxError(
            f"too many arguments; usage: {spec.usage}", column=words[len(spec.args)].column
        )
    return args


def _declared_value(spec: CommandSpec, kind: ArgKind, choices: tuple[str, ...], word: Word) -> Any:
    if kind is ArgKind.INTEGER:
        return _number(word, "the number")
    if kind is ArgKind.CHOICE and word.text not in choices:
        raise CommandSyntaxError(
            f"{spec.name} takes one of {', '.join(choices)}, not {word.text!r}",
            column=word.column,
            suggestions=close_matches(word.text, choices),
        )
    return _unquote(word.text)


def _no_args(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    if words:
        raise CommandSyntaxError(f"unexpected {words[0].text!r}", column=words[0].column)
    return {}


def _inject(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    if not words:
        raise CommandSyntaxError(
            "inject needs an event name, e.g. inject Service.action", column=column
        )
    event = words[0]
    if "=" in event.text or event.text.startswith("{"):
        raise CommandSyntaxError("inject needs the event name first", column=event.column)
    payload_start = event.column + len(event.text)
    payload = parse_payload(rest[payload_start - column :], payload_start)
    return {"event": event.text, "payload": payload}


def _step(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    if not words:
        return {"target": StepTarget()}
    _at_most(words, 1)
    word = words[0]
    if word.text.isdigit():
        count = int(word.text)
        if count < 1:
            raise CommandSyntaxError("step needs a count of at least 1", column=word.column)
        return {"target": StepTarget(count=count)}
    dispatch = _DISPATCH_ID.match(word.text)
    if dispatch:
        return {"target": StepTarget(dispatch_id=int(dispatch.group(1)))}
    if word.text.startswith("#"):
        return {"target": StepTarget(no_such_dispatch=word.text)}
    if word.text in CONNECTION_KINDS:
        return {"target": StepTarget(kind=word.text)}
    raise CommandSyntaxError(
        f"step takes a count, connect|pipe|agent or a dispatch id like #12, not {word.text!r}",
        column=word.column,
        suggestions=close_matches(word.text, CONNECTION_KINDS),
    )


def _pattern_command(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    return _pattern(rest, column)


def _expect(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    count: int | None = None
    none = False
    option = _EXPECT_OPTION.search(rest)
    if option:
        if option.group("none"):
            none = True
        else:
            raw = option.group("count")
            if not raw.isdigit():
                raise CommandSyntaxError(
                    f"count= needs a whole number, not {raw!r}",
                    column=column + option.start("count"),
                )
            count = int(raw)
        rest = rest[: option.start()]
    return {**_pattern(rest, column), "count": count, "none": none}


def _pattern(rest: str, column: int) -> dict[str, Any]:
    from pyrapide.patterns import PatternSyntaxError, parse_pattern

    pattern_text = rest.strip()
    if not pattern_text:
        raise CommandSyntaxError(
            "a pattern is needed, e.g. Service.action(field=value)", column=column
        )
    start = column + len(rest) - len(rest.lstrip())
    try:
        pattern = parse_pattern(pattern_text)
    except PatternSyntaxError as error:
        where = getattr(error, "column", None)
        raise CommandSyntaxError(
            f"pattern syntax error: {_pattern_error_text(error)}",
            column=None if where is None else start + _zero_based(where),
        ) from None
    return {"pattern": pattern, "pattern_text": pattern_text}


_PATTERN_ERROR_PLACE = re.compile(r"Invalid pattern at (?:line \d+, )?column \d+: ")


def _pattern_error_text(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error).split("\n", 1)[0]
    # The caret under the command line shows where; the pattern's own column (counted
    # from the pattern's start, not the line's) would only contradict it.
    message = _PATTERN_ERROR_PLACE.sub("", message, count=1)
    expected = getattr(error, "expected", None)
    if expected and "expected" not in message:
        shown = expected if isinstance(expected, str) else ", ".join(sorted(map(str, expected)))
        message = f"{message} (expected {shown})"
    return message


def _zero_based(column: int) -> int:
    # PatternSyntaxError columns count from 1, as editors and Lark do.
    return max(column - 1, 0)


def _identifier(name: str, lister: str) -> Callable[[str, int, list[Word]], dict[str, Any]]:
    def parse(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
        if not words:
            raise CommandSyntaxError(
                f"a {name} id is needed (`{lister}` lists them)", column=column
            )
        _at_most(words, 1)
        return {"id": _number(words[0], f"a {name} id")}

    return parse


def _matches(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    if not words:
        return {"id": None}
    _at_most(words, 1)
    return {"id": _number(words[0], "a watch id")}


def _show(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    if not words:
        raise CommandSyntaxError(f"show what? one of {', '.join(SHOW_TOPICS)}", column=column)
    topic = words[0]
    if topic.text not in SHOW_TOPICS:
        raise CommandSyntaxError(
            f"cannot show {topic.text!r}: one of {', '.join(SHOW_TOPICS)}",
            column=topic.column,
            suggestions=close_matches(topic.text, SHOW_TOPICS),
        )
    if topic.text == "event":
        if len(words) < 2:
            raise CommandSyntaxError(
                "show event needs an event id, e.g. show event e3", column=column
            )
        _at_most(words, 2)
        return {"topic": "event", "arg": _unquote(words[1].text)}
    if topic.text == "events":
        _at_most(words, 2)
        if len(words) == 2:
            count = _number(words[1], "an event count")
            if count < 1:
                raise CommandSyntaxError(
                    "show events needs a count of at least 1 (no count: the last 200)",
                    column=words[1].column,
                )
            return {"topic": "events", "arg": str(count)}
        return {"topic": "events", "arg": None}
    _at_most(words, 1)
    return {"topic": topic.text, "arg": None}


def _event_id(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    if not words:
        raise CommandSyntaxError("an event id is needed, e.g. e3", column=column)
    _at_most(words, 1)
    return {"event_id": _unquote(words[0].text)}


def _force(words: list[Word]) -> tuple[list[Word], bool]:
    """``words`` without ``--force``, and whether it was there."""
    kept = [word for word in words if word.text != FORCE]
    return kept, len(kept) < len(words)


def _export(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    words, force = _force(words)
    if not words:
        raise CommandSyntaxError(
            f"export needs a format ({'|'.join(EXPORT_FORMATS)}) and a file", column=column
        )
    fmt = words[0]
    if fmt.text not in EXPORT_FORMATS:
        raise CommandSyntaxError(
            f"unknown export format {fmt.text!r}: one of {', '.join(EXPORT_FORMATS)}",
            column=fmt.column,
            suggestions=close_matches(fmt.text, EXPORT_FORMATS),
        )
    if len(words) < 2:
        raise CommandSyntaxError("export needs a file to write", column=fmt.column + len(fmt.text))
    _at_most(words, 2)
    return {"format": fmt.text, "path": _file_name(words[1]), "force": force}


def _save(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    words, force = _force(words)
    return {**_path(rest, column, words), "force": force}


def _path(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    if not words:
        raise CommandSyntaxError("a file name is needed", column=column)
    _at_most(words, 1)
    return {"path": _file_name(words[0])}


def _file_name(word: Word) -> str:
    name = _unquote(word.text)
    if not name.strip():
        raise CommandSyntaxError(f"{word.text} is an empty file name", column=word.column)
    return name


def _seed(rest: str, column: int, words: list[Word]) -> dict[str, Any]:
    if not words:
        raise CommandSyntaxError("seed needs a number", column=column)
    _at_most(words, 1)
    word = words[0]
    if not word.text.removeprefix("-").isdigit():
        raise CommandSyntaxError(
            f"a seed is a whole number (negative ones too), not {word.text!r}", column=word.column
        )
    return {"value": int(word.text)}


def _help(words: list[Word], column: int, catalog: CommandCatalog) -> dict[str, Any]:
    if not words:
        return {"topic": None}
    _at_most(words, 1)
    word = words[0]
    spec = catalog.lookup(word.text)
    if spec is None:
        raise _no_command("no command", word, catalog.words)
    return {"topic": spec.name}


def _no_command(what: str, word: Word, commands: list[str]) -> CommandSyntaxError:
    """``what 'word'``, with the close matches among ``commands``, or when none is close,
    a pointer to the list."""
    suggestions = close_matches(word.text, commands)
    hint = "" if suggestions else " (`help` lists the commands)"
    return CommandSyntaxError(
        f"{what} {word.text!r}{hint}", column=word.column, suggestions=suggestions
    )


def _at_most(words: list[Word], count: int) -> None:
    if len(words) > count:
        extra = words[count]
        raise CommandSyntaxError(f"unexpected {extra.text!r}", column=extra.column)


def _number(word: Word, what: str) -> int:
    """``word`` as a number of 0 or more; ``what`` names it, article included ("a seed")."""
    text = word.text.removeprefix("#")
    if not text.isdigit():
        raise CommandSyntaxError(
            f"{what} must be a whole number, not {word.text!r}", column=word.column
        )
    return int(text)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


_PARSERS: dict[str, Callable[[str, int, list[Word]], dict[str, Any]]] = {
    "inject": _inject,
    "step": _step,
    "run": _no_args,
    "continue": _no_args,
    "pause": _no_args,
    "break": _pattern_command,
    "unbreak": _identifier("breakpoint", "breaks"),
    "breaks": _no_args,
    "watch": _pattern_command,
    "unwatch": _identifier("watch", "matches"),
    "matches": _matches,
    "expect": _expect,
    "show": _show,
    "why": _event_id,
    "effects": _event_id,
    "export": _export,
    "save": _save,
    "load": _path,
    "seed": _seed,
    "reset": _no_args,
    "reload": _no_args,
    "quit": _no_args,
}

"""The ``inject`` command: record an event from outside, checked against the action signatures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text

from pyrapide.types import ActionSpec
from pyrapide.types.payloads import PayloadError, check_payload
from rapide_shell import render
from rapide_shell.commands.arguments import ArgumentText, unquote
from rapide_shell.commands.errors import CommandError, CommandSyntaxError
from rapide_shell.commands.lexer import Payload, parse_payload
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome
from rapide_shell.report import Activity
from rapide_shell.suggestions import close_matches, unmarked_in

if TYPE_CHECKING:
    from rapide_shell.session import Session

INJECT = CommandSpec(
    name="inject",
    usage="inject EVENT [key=value ... | {json}]",
    summary="Record an event from outside and queue its deliveries.",
    details="""\
Records EVENT (a qualified action name such as `APIService.request`, quoted or not)
with the given payload, as a root event from the environment (source `env`), and queues
one dispatch for each connection whose pattern it matches. Nothing runs until `step` or
`run`.

The payload is either `key=value` pairs, where each value is a JSON literal (`42`,
`true`, `null`, `"two words"`, `[1, 2]`, `{"a": 1}`) or else plain text, or one JSON
object. A field the action declares as `str` takes the text as written (`key=42` gives
"42"). The event name and its fields are checked against the action signatures of the
architecture's interfaces, and so is each value against its field's annotation where it
says something checkable (`int`, `float`, `bool`, `str`, `list[int]`, `dict[str, int]`,
`... | None`, `Literal[...]`): `quantity=two` for an `int` is refused. So are values no
saved computation could hold: NaN and Infinity, integers too long to read, and lists
and objects nested more than 100 deep (the payload itself counting as one).""",
    args=(
        ArgSpec("EVENT", ArgKind.EVENT_NAME),
        ArgSpec("PAYLOAD", ArgKind.PAYLOAD, optional=True, rest_of_line=True),
    ),
    examples=(
        "inject APIService.request type=query key=42",
        'inject DatabaseService.result {"key": "42", "rows": []}',
    ),
)


@dataclass(frozen=True)
class InjectArguments:
    """The event's qualified name, and its payload as typed."""

    event: str
    payload: Payload


def parse_inject(text: ArgumentText) -> InjectArguments:
    """``EVENT`` then ``key=value`` pairs or one JSON object."""
    if not text.words:
        raise CommandSyntaxError(
            "inject needs an event name, e.g. inject Service.action", column=text.column
        )
    event = text.words[0]
    if "=" in event.text or event.text.startswith("{"):
        raise CommandSyntaxError("inject needs the event name first", column=event.column)
    name = unquote(event.text)  # "A.ping", as a pattern may name it, is A.ping
    if not name.strip():
        raise CommandSyntaxError(f"{event.text} is an empty event name", column=event.column)
    payload_start = event.column + len(event.text)
    payload = parse_payload(text.text[payload_start - text.column :], payload_start)
    return InjectArguments(name, payload)


async def inject(
    session: Session, command: Command[InjectArguments], line: str
) -> CommandOutcome:
    """Check the event name and payload against the action signatures, then inject."""
    session.require_live("inject")
    name = command.args.event
    values = checked_payload(session.actions, name, command.args.payload)
    with session.capture(Activity(session.computation, show_events=False)) as report:
        event = session.inject(name, values)
    queued = report.queued
    output: list[RenderableType] = [Text("injected ").append_text(render.event_text(event))]
    if queued:
        output.append(
            Text("queued ", style="dim").append_text(
                render.note(", ".join(f"#{d.id} {d.kind} -> {d.target}" for d in queued))
            )
        )
    elif report.guard_errors:
        # Its pattern matched, but the guard raised: "no connection matches it" is not so.
        output.append(Text("nothing queued: a connection's guard raised on it", style="dim"))
    else:
        output.append(Text("no connection matches it: nothing queued", style="dim"))
    output.extend(report.shown_problems())
    data = {"event": event.id, "queued": [d.id for d in queued]}
    return CommandOutcome(line, "inject", output=tuple(output), data=data)


def unknown_event(name: str, actions: Mapping[str, ActionSpec]) -> CommandError:
    """The error for ``name``, which no action in ``actions`` is, with the close names
    as suggestions: what ``inject`` and the inject dialog both say."""
    if unmarked := unmarked_in(actions, name):
        return CommandError(f"unknown event {name!r}: no interface declares it: {unmarked}")
    return CommandError(
        f"unknown event {name!r}: no interface declares it",
        suggestions=close_matches(name, actions),
    )


def checked_payload(
    actions: dict[str, ActionSpec], name: str, payload: Payload
) -> dict[str, Any]:
    """``payload``'s values once ``name`` and its fields are checked against ``actions``.

    The event name must be one an interface declares (close matches offered); the
    payload then goes through the checker ``System.inject`` and ``ctx.emit`` use
    (:func:`pyrapide.types.payloads.check_payload`), so the three refuse alike. A field
    declared ``str`` keeps the text as typed where it would read as another JSON value
    (``key=42`` is ``"42"``), and a quoted string without its quotes (``key="a b"`` is
    ``"a b"``). An architecture
    whose interfaces declare no actions accepts any name and fields (values must still
    be ones a file can hold). Raises CommandError, with the column of the field at fault.
    """
    values = dict(payload.values)
    spec = None
    if actions:
        spec = actions.get(name)
        if spec is None:
            raise unknown_event(name, actions)
        for param in spec.params:
            typed = payload.typed_as.get(param.name)
            read = values.get(param.name)
            if param.annotation == "str" and typed is not None and not isinstance(read, str):
                values[param.name] = typed
    try:
        check_payload(spec, name, values)
    except PayloadError as error:
        raise CommandError(
            error.message,
            column=None if error.field is None else payload.columns.get(error.field),
            suggestions=error.suggestions,
        ) from None
    return values


@hookimpl(tryfirst=True)
def rapide_add_commands(catalog: CommandCatalog) -> None:
    """Adds ``inject``."""
    catalog.register(INJECT, inject, parse=parse_inject)

"""Commands that observe: break/unbreak/breaks, watch/unwatch/matches, expect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.text import Text

from rapide_shell import notices, render
from rapide_shell.commands.errors import close_matches
from rapide_shell.commands.parser import Command
from rapide_shell.outcome import CommandOutcome

if TYPE_CHECKING:
    from rapide_shell.session import Session

MATCHES_SHOWN = 50
"""``matches ID`` lists at most this many (the latest) matches."""


async def break_(session: Session, command: Command, line: str) -> CommandOutcome:
    """Set a breakpoint."""
    breakpoint_ = session.add_breakpoint(command.args["pattern"], command.args["pattern_text"])
    session.record(command.text)
    text = f"breakpoint {breakpoint_.id}: {breakpoint_.pattern_text}"
    output = (render.note(text), *_undeclared_names(session, command.args["pattern"]))
    return CommandOutcome(line, "break", output=output, data={"breakpoint": breakpoint_.id})


async def unbreak(session: Session, command: Command, line: str) -> CommandOutcome:
    """Remove a breakpoint."""
    removed = session.remove_breakpoint(command.args["id"])
    session.record(command.text)
    text = f"removed breakpoint {removed.id}: {removed.pattern_text}"
    output = (render.note(text),)
    return CommandOutcome(line, "unbreak", output=output, data={"breakpoint": removed.id})


async def breaks(session: Session, command: Command, line: str) -> CommandOutcome:
    """List the breakpoints."""
    if not session.breakpoints:
        return CommandOutcome(line, "breaks", output=(Text("no breakpoints", style="dim"),))
    table = render.key_value_table(
        ((str(b.id), b.pattern_text, str(b.hits)) for b in session.breakpoints),
        ("id", "pattern", "stops"),
    )
    data = {
        "breakpoints": [
            {"id": b.id, "pattern": b.pattern_text, "hits": b.hits} for b in session.breakpoints
        ]
    }
    return CommandOutcome(line, "breaks", output=(table,), data=data)


async def watch(session: Session, command: Command, line: str) -> CommandOutcome:
    """Add a watch."""
    added = session.add_watch(command.args["pattern"], command.args["pattern_text"])
    session.record(command.text)
    text = f"watch {added.id}: {added.pattern_text}  ({_matches(added.count)} so far)"
    data = {"watch": added.id, "count": added.count}
    output = (render.note(text), *_undeclared_names(session, command.args["pattern"]))
    return CommandOutcome(line, "watch", output=output, data=data)


async def unwatch(session: Session, command: Command, line: str) -> CommandOutcome:
    """Remove a watch."""
    removed = session.remove_watch(command.args["id"])
    session.record(command.text)
    text = f"removed watch {removed.id}: {removed.pattern_text}"
    return CommandOutcome(line, "unwatch", output=(render.note(text),), data={"watch": removed.id})


async def matches(session: Session, command: Command, line: str) -> CommandOutcome:
    """List the watches, or one watch's matches."""
    watch_id = command.args["id"]
    if watch_id is None:
        if not session.watches:
            return CommandOutcome(line, "matches", output=(Text("no watches", style="dim"),))
        table = render.key_value_table(
            ((str(w.id), w.pattern_text, str(w.count)) for w in session.watches),
            ("id", "pattern", "matches"),
        )
        listing: dict[str, Any] = {
            "watches": [
                {"id": w.id, "pattern": w.pattern_text, "count": w.count} for w in session.watches
            ]
        }
        return CommandOutcome(line, "matches", output=(table,), data=listing)
    found = session.find_watch(watch_id)
    output: list[RenderableType] = [
        render.note(f"watch {found.id}: {found.pattern_text}  ({_matches(found.count)})")
    ]
    first_shown = max(found.count - MATCHES_SHOWN, 0)
    if first_shown:
        output.append(Text(f"  … {first_shown} earlier matches", style="dim"))
    for number, match in enumerate(found.matches[first_shown:], first_shown + 1):
        output.append(_match_renderable(number, match))
    data: dict[str, Any] = {
        "watch": found.id,
        "matches": [[event.id for event in match.events] for match in found.matches],
    }
    return CommandOutcome(line, "matches", output=tuple(output), data=data)


def _match_renderable(number: int, match: Any) -> RenderableType:
    head = Text(f"  {number}.", style="bold")
    if not match.bindings and len(match.events) == 1:
        # Nothing to head the match with: its one event goes on the numbered line.
        return head.append(" ").append_text(render.event_text(match.events[0]))
    if match.bindings:
        bound = ", ".join(f"?{name}={value!r}" for name, value in match.bindings.items())
        head.append_text(render.note(f" {bound}", style="yellow"))
    lines: list[RenderableType] = [head]
    for event in match.events:
        lines.append(Text("     ").append_text(render.event_text(event)))
    return Group(*lines)


def _matches(count: int) -> str:
    return render.counted(count, "match", "matches")


async def expect(session: Session, command: Command, line: str) -> CommandOutcome:
    """Check the pattern's match count against what is expected."""
    pattern_text: str = command.args["pattern_text"]
    seen = len(command.args["pattern"].match_in(session.computation.poset))
    count: int | None = command.args["count"]
    if command.args["none"]:
        expected, held = "no match", seen == 0
    elif count is not None:
        expected, held = f"exactly {_matches(count)}", seen == count
    else:
        expected, held = "at least 1 match", seen >= 1
    result = notices.ExpectationChecked(pattern_text, expected, seen, held, command.text)
    session.expectations.append(result)
    session.notify(result)
    session.record(command.text)
    if held:
        text = render.note(
            f"ok: {pattern_text}: {_matches(seen)} (expected {expected})", style="green"
        )
    else:
        text = render.note(
            f"FAILED: {pattern_text}: expected {expected}, saw {_matches(seen)}", style="bold red"
        )
    data = {"pattern": pattern_text, "expected": expected, "seen": seen, "held": held}
    output = (text, *_undeclared_names(session, command.args["pattern"]))
    return CommandOutcome(line, "expect", output=output, data=data, failed_expectation=not held)


def _undeclared_names(session: Session, pattern: Any) -> list[Text]:
    """A note for each event name in ``pattern`` that no interface declares: most likely a
    misspelling, and one the pattern would otherwise keep to itself by never matching."""
    names = pattern.event_names()
    if not names:
        return []
    notes = []
    for name in sorted(names - session.actions.keys()):
        hint = [repr(close) for close in close_matches(name, session.actions)]
        either = ", ".join(hint[:-1]) + " or " + hint[-1] if len(hint) > 1 else "".join(hint)
        suggestion = f"; did you mean {either}?" if hint else ""
        notes.append(
            render.note(
                f"note: no interface declares {name!r}, so it may never match{suggestion}",
                style="yellow",
            )
        )
    return notes

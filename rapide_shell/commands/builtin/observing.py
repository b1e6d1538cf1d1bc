"""Commands that observe: break/unbreak/breaks, watch/unwatch/matches, expect."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.text import Text

from pyrapide.patterns import Condition, GuardedPattern, Pattern
from pyrapide.patterns.algebra import globs_matching_none, named_sources
from pyrapide.patterns.operators import guards_in
from pyrapide.runtime import ConstraintCheckError, ConstraintGuardError
from rapide_shell import notices, render
from rapide_shell.architecture_check import source_is_no_component
from rapide_shell.architecture_text import ENVIRONMENT
from rapide_shell.commands.arguments import (
    ArgumentParser,
    ArgumentText,
    NoArguments,
    PatternArguments,
    Word,
    no_arguments,
    number,
    pattern_arguments,
    read_pattern,
)
from rapide_shell.commands.errors import CommandSyntaxError
from rapide_shell.commands.registry import Command, CommandCatalog
from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.field_slips import field_slips
from rapide_shell.hookspecs import hookimpl
from rapide_shell.looks import violation_text
from rapide_shell.outcome import CommandOutcome
from rapide_shell.report import Activity, error_line, error_text
from rapide_shell.suggestions import close_matches, unmarked_in

if TYPE_CHECKING:
    from pyrapide.exploration import Scenario
    from rapide_shell.session import Session

MATCHES_SHOWN = 50
"""``matches ID`` lists at most this many (the latest) matches."""

PATTERN_SYNTAX = """\
Patterns use the text syntax: `Service.action(field=value, other=?x)` matches one
event (`*` for any name, `"Service.*"` for every name the `*` completes, `?x` binds a
placeholder); `A -> B` (or `A >> B`) means A causally precedes B; `A || B`
independent; `A & B` share a cause; `A or B` either."""

BREAK = CommandSpec(
    name="break",
    usage="break PATTERN",
    summary="Pause a run whenever an event matching PATTERN is recorded.",
    details="Sets a breakpoint and prints its number.\n\n" + PATTERN_SYNTAX,
    args=(ArgSpec("PATTERN", ArgKind.PATTERN, rest_of_line=True),),
    examples=("break DatabaseService.error", 'break APIService.request(type="query")'),
    while_running=True,
)

UNBREAK = CommandSpec(
    name="unbreak",
    usage="unbreak ID",
    summary="Remove breakpoint ID.",
    details="Removes the breakpoint with that number (see `breaks`).",
    args=(ArgSpec("ID", ArgKind.BREAK_ID),),
    while_running=True,
)

BREAKS = CommandSpec(
    name="breaks",
    usage="breaks",
    summary="List the breakpoints and how often each has stopped a run.",
    details="Lists every breakpoint: its number, its pattern and how many runs it stopped.",
    while_running=True,
)

WATCH = CommandSpec(
    name="watch",
    usage="watch PATTERN",
    summary="Count the matches of PATTERN as events are recorded.",
    details="""\
Adds a watch and prints its number. A watch counts the matches of its pattern over
everything recorded (events recorded before the watch included) and keeps counting
live; `matches ID` lists them.

"""
    + PATTERN_SYNTAX,
    args=(ArgSpec("PATTERN", ArgKind.PATTERN, rest_of_line=True),),
    examples=("watch APIService.request(key=?k) -> DatabaseService.result(key=?k)",),
    while_running=True,
)

UNWATCH = CommandSpec(
    name="unwatch",
    usage="unwatch ID",
    summary="Remove watch ID.",
    details="Removes the watch with that number (see `matches`).",
    args=(ArgSpec("ID", ArgKind.WATCH_ID),),
    while_running=True,
)

MATCHES = CommandSpec(
    name="matches",
    usage="matches [ID]",
    summary="List the watches with their counts, or the matches of watch ID.",
    details="""\
With no argument, lists every watch with its pattern and match count. With a watch
number, lists that watch's matches: the events of each and the placeholders bound.""",
    args=(ArgSpec("ID", ArgKind.WATCH_ID, optional=True),),
    while_running=True,
)

EXPECT = CommandSpec(
    name="expect",
    usage="expect PATTERN [count=N | none] [sometimes] | expect constraints | expect errors ...",
    summary="Check that PATTERN matches now (at least once, exactly N times, or never).",
    details="""\
Checks the computation recorded so far: `expect P` holds when P has at least one match,
`expect P count=N` when it has exactly N, `expect P none` when it has none. The result
says what was expected and what was seen. In `rapide run`, `rapide repl` and `rapide
shell`, a failed expect makes the command exit with status 1, even when later ones
hold (the rest of the script still runs; the REPL and the workbench go on).

`expect constraints` holds when no constraint of the architecture has been violated so
far and none would stand if the run ended now (a `must_match` not yet met, a `leads_to`
not yet answered).

`expect errors` counts, in place of a pattern's matches, the errors the architecture's
code raised so far: its handlers and hooks, the guards of its connections and
constraints, its constraints' checks. `expect errors none` fails on the first; in
`rapide explore` it finds a schedule where one raises, and shrinks it.

`sometimes` asks for the expectation in some schedule rather than in every one: it is
for `rapide explore`, which fails it only when no schedule it ran meets it. A single
run is one schedule, so there it is reported, and never fails the run.

"""
    + PATTERN_SYNTAX,
    args=(
        ArgSpec("PATTERN", ArgKind.PATTERN, rest_of_line=True),
        ArgSpec("OPTION", ArgKind.EXPECT_OPTION, optional=True),
    ),
    examples=(
        "expect DatabaseService.result count=1",
        "expect DatabaseService.error none",
        "expect Auction.sold(bidder=\"bea\") sometimes",
        "expect constraints",
        "expect errors none",
    ),
    while_running=True,
)


@dataclass(frozen=True)
class NumberArguments:
    """The number of a watch or a breakpoint."""

    id: int


def numbered(what: str, lister: str) -> ArgumentParser[NumberArguments]:
    """The parser of a command that takes the number of a ``what`` (``lister`` lists them)."""

    def parse(text: ArgumentText) -> NumberArguments:
        word = text.only_word(f"a {what} id is needed (`{lister}` lists them)")
        return NumberArguments(number(word, f"a {what} id", least=1))

    return parse


@dataclass(frozen=True)
class MatchesArguments:
    """The watch whose matches to list, or None for the list of watches."""

    id: int | None


def parse_matches(text: ArgumentText) -> MatchesArguments:
    """Nothing, or a watch's number."""
    words = text.at_most(1)
    return MatchesArguments(number(words[0], "a watch id", least=1) if words else None)


@dataclass(frozen=True)
class ExpectArguments:
    """A pattern, and how many matches it must have: ``count`` exactly, none at all
    (``none``), or at least one when neither is given; ``sometimes``: in some schedule,
    not every one. ``constraints`` is True for ``expect constraints``, ``errors`` for
    ``expect errors ...``, which counts errors as a pattern's matches are (no pattern)."""

    pattern: Pattern | None
    pattern_text: str
    count: int | None = None
    none: bool = False
    sometimes: bool = False
    constraints: bool = False
    errors: bool = False


# Each looked for from where a run of blanks begins (?<!\s): tried from every blank of a
# long run, a pasted line of 20,000 spaces took three seconds to read.
_EXPECT_OPTION = re.compile(r"(?<!\s)\s+(?:count=(?P<count>\S*)|(?P<none>none))\s*\Z")
_SOMETIMES = re.compile(r"(?<!\s)\s+sometimes\s*\Z")
CONSTRAINTS = "constraints"
"""``expect constraints``: the word that stands for the architecture's constraints."""
ERRORS = "errors"
"""``expect errors``: the word that stands for the errors the architecture's code raised
(its handlers and hooks, its constraints' guards and checks), counted as a pattern's
matches are."""


def parse_expect(text: ArgumentText) -> ExpectArguments:
    """A pattern, or ``errors``, then ``count=N`` or ``none`` or nothing, then
    ``sometimes`` or nothing; or ``constraints`` alone."""
    head, *rest = text.text.split() or [""]
    if head == CONSTRAINTS:
        if rest:  # not a pattern, with a syntax error at what follows
            after = text.text.index(CONSTRAINTS) + len(CONSTRAINTS)
            extra = after + len(text.text[after:]) - len(text.text[after:].lstrip())
            raise CommandSyntaxError(
                f"`expect {CONSTRAINTS}` takes nothing after it (no count=, none or "
                "sometimes): it holds when no constraint is violated",
                column=text.column + extra,
            )
        return ExpectArguments(None, CONSTRAINTS, constraints=True)
    pattern_text = text.text
    count: int | None = None
    none = False
    sometimes = _SOMETIMES.search(pattern_text)
    if sometimes:
        pattern_text = pattern_text[: sometimes.start()]
    option = _EXPECT_OPTION.search(pattern_text)
    if option:
        if option.group("none"):
            none = True
        else:
            count = number(Word(option.group("count"), text.column + option.start("count")),
                           "count=")
        pattern_text = pattern_text[: option.start()]
        again = _EXPECT_OPTION.search(pattern_text)
        if again:  # `count=1 none`: which was meant is not for us to guess
            first = len(pattern_text) - len(pattern_text[again.start() :].lstrip())
            raise CommandSyntaxError(
                "expect takes one of count=N and none, once", column=text.column + first
            )
    misplaced = _SOMETIMES.search(pattern_text)
    if misplaced:  # `sometimes none`: it was a pattern syntax error at `sometimes`
        at = misplaced.start() + len(misplaced.group()) - len(misplaced.group().lstrip())
        raise CommandSyntaxError(
            "`sometimes` comes once, last: expect PATTERN [count=N | none] [sometimes]",
            column=text.column + at,
        )
    if pattern_text.strip() == ERRORS:
        return ExpectArguments(None, ERRORS, count, none, sometimes is not None, errors=True)
    try:
        read = read_pattern(pattern_text, text.column)
    except CommandSyntaxError as error:
        stray = _word_after_options(text, error.column)
        if stray is not None:  # `count=2 extra`: the option is right, the word after it not
            raise text.unexpected(stray) from None
        if head != ERRORS:
            raise
        # `expect errors some`: a word that is no option, not a pattern with a syntax
        # error at it (an event called `errors` would be written errors.NAME).
        after = text.text.index(ERRORS) + len(ERRORS)
        word = text.text[after:].split()[0]
        raise CommandSyntaxError(
            f"`expect {ERRORS}` takes count=N, none or sometimes after it, not {word!r}",
            column=text.column + text.text.index(word, after),
        ) from None
    return ExpectArguments(read.pattern, read.pattern_text, count, none, sometimes is not None)


def _word_after_options(text: ArgumentText, column: int | None) -> Word | None:
    """The first word that is no option of expect's after the option at ``column``,
    where a pattern's syntax error was found, or None when no option is there: the
    options are read off the end of the line, so a word after them made the pattern
    run on into them."""
    try:
        words = text.words
    except CommandSyntaxError:  # an unclosed quote or bracket: the pattern's error says it
        return None
    at = next((index for index, word in enumerate(words) if word.column == column), None)
    if at is None or not _is_expect_option(words[at].text):
        return None
    return next((word for word in words[at + 1 :] if not _is_expect_option(word.text)), None)


def _is_expect_option(word: str) -> bool:
    return word in ("none", "sometimes") or word.startswith("count=")


async def break_(
    session: Session, command: Command[PatternArguments], line: str
) -> CommandOutcome:
    """Set a breakpoint."""
    breakpoint_ = session.add_breakpoint(command.args.pattern, command.args.pattern_text)
    session.record(command.text)
    text = f"breakpoint {breakpoint_.id}: {render.pattern_shown(breakpoint_.pattern_text)}"
    output = (render.note(text), *pattern_notes(session, command.args.pattern))
    return CommandOutcome(line, "break", output=output, data={"breakpoint": breakpoint_.id})


async def unbreak(
    session: Session, command: Command[NumberArguments], line: str
) -> CommandOutcome:
    """Remove a breakpoint."""
    removed = session.remove_breakpoint(command.args.id)
    session.record(command.text)
    text = f"removed breakpoint {removed.id}: {render.pattern_shown(removed.pattern_text)}"
    output = (render.note(text),)
    return CommandOutcome(line, "unbreak", output=output, data={"breakpoint": removed.id})


async def breaks(session: Session, command: Command[NoArguments], line: str) -> CommandOutcome:
    """List the breakpoints."""
    if not session.breakpoints:
        return CommandOutcome(line, "breaks", output=(Text("no breakpoints", style="dim"),))
    table = render.key_value_table(
        ((str(b.id), b.pattern_text, _counted(b.hits, b.stopped)) for b in session.breakpoints),
        ("id", "pattern", "stops"),
    )
    data = {
        "breakpoints": [
            {"id": b.id, "pattern": b.pattern_text, "hits": b.hits, "stopped": b.stopped}
            for b in session.breakpoints
        ]
    }
    return CommandOutcome(line, "breaks", output=(table,), data=data)


async def watch(
    session: Session, command: Command[PatternArguments], line: str
) -> CommandOutcome:
    """Add a watch."""
    added = session.add_watch(command.args.pattern, command.args.pattern_text)
    session.record(command.text)
    shown = render.pattern_shown(added.pattern_text)
    text = f"watch {added.id}: {shown}  ({_matches(added.count)} so far)"
    data = {"watch": added.id, "count": added.count}
    output = (render.note(text), *pattern_notes(session, command.args.pattern))
    return CommandOutcome(line, "watch", output=output, data=data)


async def unwatch(
    session: Session, command: Command[NumberArguments], line: str
) -> CommandOutcome:
    """Remove a watch."""
    removed = session.remove_watch(command.args.id)
    session.record(command.text)
    text = f"removed watch {removed.id}: {render.pattern_shown(removed.pattern_text)}"
    return CommandOutcome(line, "unwatch", output=(render.note(text),), data={"watch": removed.id})


async def matches(
    session: Session, command: Command[MatchesArguments], line: str
) -> CommandOutcome:
    """List the watches, or one watch's matches."""
    watch_id = command.args.id
    if watch_id is None:
        if not session.watches:
            return CommandOutcome(line, "matches", output=(Text("no watches", style="dim"),))
        table = render.key_value_table(
            ((str(w.id), w.pattern_text, _counted(w.count, w.stopped)) for w in session.watches),
            ("id", "pattern", "matches"),
        )
        listing: dict[str, Any] = {
            "watches": [
                {"id": w.id, "pattern": w.pattern_text, "count": w.count, "stopped": w.stopped}
                for w in session.watches
            ]
        }
        return CommandOutcome(line, "matches", output=(table,), data=listing)
    found = session.find_watch(watch_id)
    output: list[RenderableType] = [
        render.note(
            f"watch {found.id}: {render.pattern_shown(found.pattern_text)}  "
            f"({_matches(found.count)})"
        )
    ]
    if found.stopped is not None:
        output.append(render.note(f"stopped: {found.stopped}", style="bold yellow"))
    first_shown = max(found.count - MATCHES_SHOWN, 0)
    if first_shown:
        output.append(Text(f"  … {first_shown} earlier matches", style="dim"))
    for position, match in enumerate(found.matches[first_shown:], first_shown + 1):
        output.append(_match_renderable(position, match))
    output.extend(_raising_guards(found.pattern))  # on events recorded since it was set too
    data: dict[str, Any] = {
        "watch": found.id,
        "stopped": found.stopped,
        "matches": [[event.id for event in match.events] for match in found.matches],
    }
    return CommandOutcome(line, "matches", output=tuple(output), data=data)


def _counted(count: int, stopped: str | None) -> str:
    """A watch's matches or a breakpoint's stops as their lists show them: ``12``, or
    ``99978, stopped`` once it no longer follows the run."""
    return f"{count}, stopped" if stopped is not None else str(count)


def _match_renderable(position: int, match: Any) -> RenderableType:
    head = Text(f"  {position}.", style="bold")
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


async def expect(
    session: Session, command: Command[ExpectArguments], line: str
) -> CommandOutcome:
    """Check the pattern's match count against what is expected."""
    args = command.args
    if args.constraints:
        return _expect_constraints(session, command, line)
    from pyrapide.exploration.scenario import Expect  # not needed to start the shell

    pattern_text: str = args.pattern_text
    # The same words and judgement as the explorer's (which checks it in every schedule).
    expectation = Expect(0, pattern_text, command.text, args.count, args.none,
                         args.sometimes, errors=args.errors)
    detail = None
    if args.errors:
        errors = session.errors
        seen = len(errors)
        if errors and not expectation.judge(seen):
            detail = error_line(errors[0])
    else:
        assert args.pattern is not None
        # Its guards' errors are said under the result (_pattern_notes), not warned of.
        seen = session.count_matches(args.pattern, pattern_text)
    held = expectation.judge(seen)
    expected = expectation.expected
    if args.sometimes:
        expected += ", in some schedule"
    result = notices.ExpectationChecked(
        pattern_text=pattern_text, expected=expected, seen=seen, held=held, line=command.text
    )
    return _checked(session, command, line, result, args, failed=not held and not args.sometimes,
                    detail=detail)


def _expect_constraints(
    session: Session, command: Command[ExpectArguments], line: str
) -> CommandOutcome:
    """``expect constraints``: none violated so far, none standing if the run ended now."""
    system = session.system
    # Asking what stands runs the checks of constraints written by hand: one that
    # raises is reported then, and said here.
    with session.capture(Activity(session.computation, show_events=False)) as report:
        standing = system.outstanding_violations() if system is not None else []
    violations = [*session.violations, *standing]
    first = violations[0] if violations else None
    result = notices.ExpectationChecked(
        pattern_text=CONSTRAINTS,
        expected="no violation",
        seen=len(violations),
        held=first is None,
        line=command.text,
    )
    detail = None
    if first is not None:
        more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
        # Named as the run's own line names it, its events included: which events broke
        # it is what the next command (`why`) needs.
        detail = f"{violation_text(first)}{more}"
    return _checked(session, command, line, result, command.args, failed=first is not None,
                    detail=detail, problems=report.shown_problems(),
                    unchecked=_unchecked_constraints(session))


def _unchecked_constraints(session: Session) -> str:
    """``, but no_intruder raised 2 errors, each counted as no violation (...)`` after an
    ``ok`` of ``expect constraints``: "no violation" says nothing of a constraint whose
    guard or check raised, which found nothing there."""
    raised: dict[str, int] = {}
    for error in session.errors:
        if isinstance(error, (ConstraintGuardError, ConstraintCheckError)):
            raised[error.constraint] = raised.get(error.constraint, 0) + 1
    if not raised:
        return ""
    said = [f"{name} raised {render.counted(count, 'error')}" for name, count in raised.items()]
    listed = ", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else said[0]
    return (
        f", but {listed}, each counted as no violation (`expect errors none` makes that "
        "a failure)"
    )


def _checked(
    session: Session,
    command: Command[ExpectArguments],
    line: str,
    result: notices.ExpectationChecked,
    args: ExpectArguments,
    *,
    failed: bool,
    detail: str | None = None,
    problems: Sequence[RenderableType] = (),
    unchecked: str = "",
) -> CommandOutcome:
    """Note an expectation's result, and the outcome that says it (``detail``: what
    broke the constraints, or the first error of a failed ``expect errors``;
    ``problems``: what was reported as it was checked)."""
    session.expectations.append(result)
    session.notify(result)
    session.record(command.text, here=True)
    seen, shown = result.seen, render.pattern_shown(result.pattern_text)
    counted = render.counted(seen, "error", "errors") if args.errors else _matches(seen)
    if args.constraints:
        text = (
            render.note(f"FAILED: constraints: {detail}", style="bold red")
            if detail is not None
            else render.note(f"ok: constraints: no violation{unchecked}", style="green")
        )
    elif result.held:
        text = render.note(f"ok: {shown}: {counted} (expected {result.expected})", style="green")
    elif args.sometimes:
        text = render.note(
            f"not in this run: {shown}: expected {result.expected}, saw {counted} "
            "(`rapide explore` looks for it among many schedules)",
            style="yellow",
        )
    else:
        why = f" (the first: {detail})" if detail is not None else ""
        text = render.note(
            f"FAILED: {shown}: expected {result.expected}, saw {counted}{why}",
            style="bold red",
        )
    data = {
        "pattern": result.pattern_text, "expected": result.expected, "seen": seen,
        "held": result.held,
    }
    if args.sometimes:
        data["sometimes"] = True
    if detail is not None:
        data["error" if args.errors else "violation"] = detail
    notes = pattern_notes(session, args.pattern) if args.pattern is not None else []
    output = (text, *notes, *problems)
    return CommandOutcome(line, "expect", output=output, data=data, failed_expectation=failed)


def pattern_notes(session: Session, pattern: Any) -> list[Text]:
    """What a pattern given to ``watch``, ``break`` or ``expect`` keeps to itself by never
    matching: names no interface declares, sources that are no component, fields their
    action does not take or values their annotation refuses, guards on placeholders
    nothing binds."""
    return [
        *_undeclared_names(session, pattern),
        *_unknown_sources(session, pattern),
        *(
            render.note(f"note: {slip.what}, so it may never match{slip.hint}", style="yellow")
            for slip in field_slips(pattern, session.actions)
        ),
        *_unbound_guards(pattern),
        *_raising_guards(pattern),
    ]


def scenario_notes(session: Session, scenario: Scenario, script: str) -> list[Text]:
    """What ``rapide run`` says under each ``expect`` and ``watch`` of a script to explore
    whose pattern may never match (see :func:`pattern_notes`), each ``script:LINE: note:
    ...``: said before the exploration, an ``expect ... none`` of a misspelt name, which
    holds in every schedule, is not answered "ok" without a word."""
    return [
        render.note(f"{script}:{step.line}: {note.plain}", style="yellow")
        for step in scenario.patterns
        for note in pattern_notes(session, step.parsed())
    ]


def _parts(pattern: Pattern) -> Iterator[Pattern]:
    """``pattern`` and every pattern inside it, outermost first."""
    parts = [pattern]
    while parts:
        part = parts.pop()
        parts.extend(reversed(part.children()))
        yield part


def _unbound_guards(pattern: Pattern) -> list[Text]:
    """A note for each comparison of a ``where`` on a placeholder that the pattern it
    guards never binds (``Web.order where ?quantity > 1``): such a comparison is false
    for every match, most likely meant as ``Web.order(quantity=?quantity)``."""
    notes: dict[str, None] = {}
    for part in _parts(pattern):
        if not isinstance(part, GuardedPattern) or not isinstance(part.predicate, Condition):
            continue
        bound = part.pattern.placeholder_names()
        for comparison in part.predicate.comparisons():
            for name in sorted(comparison.placeholder_names() - bound):
                notes[
                    f"note: nothing in {part.pattern} binds ?{name}, so `{comparison}` never "
                    f"holds (bind it with a field: {name}=?{name})"
                ] = None
    return [render.note(note, style="yellow") for note in notes]


def _raising_guards(pattern: Pattern) -> list[Text]:
    """A note for each ``where`` of ``pattern`` that has raised on the events matched
    (``?k > 5`` for a text ``?k``): its latest error, said once, where the matching would
    otherwise print Python's warning of it, path and source line included."""
    notes = []
    for part in guards_in(pattern):
        if part.guard_errors:
            found, error = part.guard_errors[-1]
            events = ", ".join(event.id for event in found.events)
            notes.append(render.note(
                f"note: the guard of {part} raised {error_text(error)} (on {events}); "
                "a match it raises on counts as none",
                style="yellow",
            ))
    return notes


def _unknown_sources(session: Session, pattern: Pattern) -> list[Text]:
    """A note for each source ``pattern`` names (``from "stor"``) that is no component,
    nor the environment injected events come from: no event the run records has it."""
    components = [component.path for component in session.description.walk()]
    known = {*components, ENVIRONMENT}
    notes = {
        f"note: {source_is_no_component(source, components)}, so it may never match": None
        for source in named_sources(pattern)
        if source not in known
    }
    return [render.note(note, style="yellow") for note in notes]


def _undeclared_names(session: Session, pattern: Any) -> list[Text]:
    """A note for each event name in ``pattern`` that no interface declares (and each
    name with ``*`` that completes none): most likely a misspelling, and one the
    pattern would otherwise keep to itself by never matching."""
    notes = [
        render.note(
            f"note: no interface declares a name that {part.event_name!r} matches, so it "
            "may never match",
            style="yellow",
        )
        for part in globs_matching_none(pattern, session.actions)
    ]
    names = pattern.event_names()
    for name in sorted((names or frozenset()) - session.actions.keys()):
        if unmarked := unmarked_in(session.actions, name):
            notes.append(
                render.note(f"note: no interface declares {name!r}: {unmarked}", style="yellow")
            )
            continue
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


@hookimpl(tryfirst=True)
def rapide_add_commands(catalog: CommandCatalog) -> None:
    """Adds ``break``, ``unbreak``, ``breaks``, ``watch``, ``unwatch``, ``matches`` and
    ``expect``."""
    catalog.register(BREAK, break_, parse=pattern_arguments)
    catalog.register(UNBREAK, unbreak, parse=numbered("breakpoint", "breaks"))
    catalog.register(BREAKS, breaks, parse=no_arguments)
    catalog.register(WATCH, watch, parse=pattern_arguments)
    catalog.register(UNWATCH, unwatch, parse=numbered("watch", "matches"))
    catalog.register(MATCHES, matches, parse=parse_matches)
    catalog.register(EXPECT, expect, parse=parse_expect)

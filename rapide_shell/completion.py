"""Completion candidates for a partly typed command line, shared by the REPL and the TUI.

:func:`complete` looks at the word under the cursor and what comes before it, and
offers what fits there: command names, event names (from the interfaces), payload
fields (from the action signatures, as ``field=``), dispatch ids, watch and breakpoint
numbers, event ids, topics and file names. What it offers is written as the command
reads it: a name the pattern syntax quotes (``"Café.crème"``) and a file name with a
blank (``"my runs/a.json"``) are quoted.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyrapide.patterns import name_text
from pyrapide.runtime import WAKE, WaitReason
from rapide_shell.commands.arguments import FORCE
from rapide_shell.commands.builtin.running import CONNECTION_KINDS, EVERY
from rapide_shell.commands.errors import CommandSyntaxError
from rapide_shell.commands.lexer import Word, quoted_word, split_words, strip_comment
from rapide_shell.commands.spec import ArgKind

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rapide_shell.session import Session

_RECENT_EVENTS = 50
# A task in flight that a step can resume (its wake-up, or it was woken).
_RESUMABLE = (WaitReason.SLEEPING, WaitReason.READY)
# A pattern word starts after any of these (an operator, a bracket, a comma or a blank).
_PATTERN_BREAK = re.compile(r"[\s(),&|>\-]")


@dataclass(frozen=True)
class Completion:
    """One candidate: ``text`` replaces ``text[start:cursor]`` of the line being typed."""

    text: str
    start: int
    display: str
    meta: str = ""


def complete(session: Session, line: str, cursor: int) -> list[Completion]:
    """The candidates for the word that ends at ``cursor`` in ``line``."""
    before = line[:cursor]
    if len(strip_comment(before + "x")) < len(before.rstrip()):
        return []  # the cursor is in a comment (the "x" stands for what comes next)
    words = _words(before)
    if not words or (len(words) == 1 and not before[-1:].isspace()):
        prefix = words[0].text if words else ""
        start = words[0].column if words else cursor
        # A command that takes arguments completes with a blank, ready for the first one.
        return [
            Completion(spec.name + (" " if spec.args else ""), start, spec.name, spec.summary)
            for spec in session.catalog
            if spec.name.startswith(prefix)
        ]
    spec = session.catalog.lookup(words[0].text)
    if spec is None:
        return []
    typing_new_word = before[-1:].isspace()
    if spec.name in ("save", "export"):
        # `--force` may stand anywhere; the arguments are counted without it.
        done = words if typing_new_word else words[:-1]
        words = [word for word in done if word.text != FORCE] + words[len(done) :]
    current = Word("", cursor) if typing_new_word else words[-1]
    position = len(words) if typing_new_word else len(words) - 1
    if spec.name == "inject":
        return _inject(session, words, position, current)
    if spec.name == "run":
        return _run(words, position, current)
    if any(arg.kind is ArgKind.PATTERN for arg in spec.args):
        return _pattern(session, spec.name, before, cursor, position)
    if spec.name == "step" and position == 2 and words[1].text == WAKE:
        return _hooks_waiting(session, current)
    if position > len(spec.args):
        return []
    arg = spec.args[position - 1]
    if spec.name == "show" and position == 2:
        topics = {"event": ArgKind.EVENT_ID, "graph": ArgKind.ARCHITECTURE_PATH}
        if words[1].text not in topics:
            return []
        arg_kind = topics[words[1].text]
    else:
        arg_kind = arg.kind
    found = _for_kind(session, arg_kind, arg.choices, current)
    if spec.name == "diff" and position == 2:  # a branch is not compared with itself
        found = [completion for completion in found if completion.text != words[1].text]
    return found


def _hooks_waiting(session: Session, current: Word) -> list[Completion]:
    """The components whose start or finish hook is asleep or woken (``step wake NAME``)."""
    return [
        Completion(flight.component, current.column, flight.component,
                   f"{flight.hook} of {flight.component}: {flight.describe()}")
        for flight in session.in_flight()
        if flight.hook is not None and flight.reason in _RESUMABLE
        and flight.component.startswith(current.text)
    ]


def _words(text: str) -> list[Word]:
    try:
        return split_words(text)
    except CommandSyntaxError:
        # Half-typed quotes or brackets: complete on plain blanks instead, but a quote
        # left open at the end (a file name being typed: "my runs/) keeps its blanks.
        return [Word(match.group(), match.start()) for match in _LOOSE_WORD.finditer(text)]


_LOOSE_WORD = re.compile(r"""["'][^"']*\Z|\S+""")


def _for_kind(
    session: Session, kind: ArgKind, choices: tuple[str, ...], current: Word
) -> list[Completion]:
    prefix, start = current.text, current.column
    if kind is ArgKind.CHOICE:
        candidates = [(choice, "") for choice in choices]
    elif kind is ArgKind.COMMAND:
        candidates = [(spec.name, spec.summary) for spec in session.catalog]
    elif kind is ArgKind.STEP_TARGET:
        candidates = [(kind_name, "next dispatch of this kind") for kind_name in CONNECTION_KINDS]
        candidates.append((WAKE, "the next wake-up of a sleeping task (wake NAME: a hook)"))

        candidates += [
            (f"#{dispatch.id}", f"{dispatch.kind} {dispatch.event.name} -> {dispatch.target}")
            for dispatch in session.pending()
        ]
        candidates += [
            (flight.label, f"in flight: {flight.describe()}")
            for flight in session.in_flight()
            if flight.dispatch is not None and flight.reason in _RESUMABLE
        ]
    elif kind is ArgKind.WATCH_ID:
        candidates = [(str(watch.id), watch.pattern_text) for watch in session.watches]
    elif kind is ArgKind.BREAK_ID:
        candidates = [(str(brk.id), brk.pattern_text) for brk in session.breakpoints]
    elif kind is ArgKind.EVENT_ID:
        candidates = _event_ids(session)
    elif kind is ArgKind.EVENT_NAME:
        candidates = [(name, spec.signature_text()) for name, spec in session.actions.items()]
    elif kind is ArgKind.BRANCH:
        tree = session.decisions
        candidates = [
            (name, f"to step {branch.tip.number}" + (" (current)" if branch is tree.branch else ""))
            for name, branch in tree.branches.items()
        ]
    elif kind is ArgKind.HISTORY_POINT:
        candidates = _history_points(session)
    elif kind is ArgKind.ARCHITECTURE_PATH:
        candidates = [
            (component.path, f"architecture {component.architecture}")
            for component in session.description.walk()
            if component.architecture is not None
        ]
    elif kind is ArgKind.MAP_NAME:
        candidates = [(name, str(found.name)) for name, found in session.loaded.maps.items()]
    elif kind is ArgKind.FILE:
        return _files(prefix, start)
    else:
        candidates = []
    return [
        Completion(text, start, text, meta) for text, meta in candidates if text.startswith(prefix)
    ]


_SLOW_SPEEDS = (("0.5", "seconds between steps"), ("1", "second between steps"),
                ("2", "seconds between steps"))


def _run(words: list[Word], position: int, current: Word) -> list[Completion]:
    """``run [N] [--every SECONDS]``: the option where it may go, then its seconds."""
    if position >= 2 and words[position - 1].text == EVERY:
        candidates = list(_SLOW_SPEEDS)
    elif any(word.text == EVERY for word in words[1:position]) or position > 2:
        candidates = []
    else:
        candidates = [(EVERY, "slow motion: seconds between steps")]
    return [
        Completion(text, current.column, text, meta)
        for text, meta in candidates
        if text.startswith(current.text)
    ]


def _history_points(session: Session) -> list[tuple[str, str]]:
    """For ``goto``: the start, the steps before and after the current one, the last
    step of the branch, the steps where a breakpoint stopped a run, then the addresses
    ``where`` printed, the latest first."""
    tree = session.decisions
    here, last = tree.point.number, tree.branch.tip.number
    wanted = {0: "the start", last: f"the last step of {tree.branch.name}"}
    if here > 0:
        wanted.setdefault(here - 1, "the step before this one")
    if here < last:
        wanted.setdefault(here + 1, "the next step")
    for point in tree.path():
        if point.stopped_by is not None:
            wanted.setdefault(point.number, f"breakpoint {point.stopped_by} stopped a run here")
    steps = [(str(number), meta) for number, meta in sorted(wanted.items())]
    return steps + [(address, "printed by `where`") for address in reversed(session.addresses)]


def _event_ids(session: Session) -> list[tuple[str, str]]:
    events = list(session.computation)
    recent = reversed(events[-_RECENT_EVENTS:])
    return [(event.id, event.name) for event in recent]


def _inject(session: Session, words: list[Word], position: int, current: Word) -> list[Completion]:
    if position == 1:
        return [
            Completion(name + " ", current.column, name, spec.signature_text())
            for name, spec in session.actions.items()
            if name.startswith(current.text)
        ]
    spec = session.actions.get(words[1].text)
    if spec is None or "=" in current.text or current.text.startswith("{"):
        return []
    given = {word.text.partition("=")[0] for word in words[2:] if word is not current}
    return [
        Completion(f"{param.name}=", current.column, f"{param.name}=", str(param))
        for param in spec.params
        if param.name not in given and param.name.startswith(current.text)
    ]


def _pattern(
    session: Session, command: str, before: str, cursor: int, position: int
) -> list[Completion]:
    # The word being typed inside a pattern: from the last operator/bracket to the cursor.
    start = cursor
    while start > 0 and not _PATTERN_BREAK.match(before[start - 1]):
        start -= 1
    prefix = before[start:cursor]
    if before[start - 1 : start] == ")":
        # A whole term ends there (`Web.order(item="x")`, `(A -> B)`): an operator or a
        # blank comes next, and a name offered would be glued onto it.
        return []
    # A name the text syntax quotes (`"Café.crème"`) is offered quoted, for what is
    # typed of it with or without its opening quote, and so is any name after an
    # opening quote (`"Sensor.`, most often the start of a name with *); a quote
    # anywhere else starts a value or a source, which nothing completes.
    if "=" in prefix or '"' in prefix[1:] or re.search(r"\bfrom\s*\Z", before[:start]):
        return []
    placeholders = _condition_placeholders(before[:start])
    if placeholders is not None:  # in `where ...`, a condition: no event name goes here
        candidates = [(name, name, "a placeholder of the pattern") for name in placeholders]
        if command == "expect" and before[start - 1 : start].isspace():
            candidates += _EXPECT_OPTIONS
        return [
            Completion(text, start, text, meta)
            for text, _, meta in candidates
            if text.startswith(prefix)
        ]
    bracket = _bracketed_event(before[:start])
    if bracket is not None:  # inside `Web.order(...)`: a field of the event goes here
        event, given = bracket
        action = session.actions.get(event)
        fields = action.params if action is not None else ()
        return [
            Completion(text, start, text, str(field))
            for field in fields
            if field.name not in given
            for text in [name_text(field.name, field=True) + "="]
            if text.startswith(prefix) or field.name.startswith(prefix)
        ]
    if position > 1 and before[start - 1 : start].isspace() and not _AFTER_OPERATOR.search(
        before[:start].rstrip()
    ):
        # A whole term stands before the blank (`Web.order `, `count=1 `): a name there
        # is a syntax error; only an operator, or an expect's options, may follow.
        options = _expect_options_left(before) if command == "expect" else []
        return [
            Completion(text, start, text, meta)
            for text, _, meta in options
            if text.startswith(prefix)
        ]
    quoted = prefix.startswith('"')
    candidates = [
        (json.dumps(name, ensure_ascii=False) if quoted else name_text(name), name,
         spec.signature_text())
        for name, spec in session.actions.items()
    ]
    if command == "expect" and position == 1:
        candidates.append(("constraints", "constraints", "the architecture's constraints hold"))
        candidates.append(("errors", "errors", "the errors its code raised, counted"))
    return [
        Completion(text, start, text, meta)
        for text, name, meta in candidates
        if text.startswith(prefix) or name.startswith(prefix)
    ]


_EXPECT_OPTIONS = [
    ("count=", "count=", "exactly N matches"),
    ("none", "none", "no match"),
    ("sometimes", "sometimes", "in some schedule (rapide explore)"),
]
"""What may follow an ``expect``'s pattern: (text, name, meta), as the candidates are."""

# What a pattern's text ends in when a term goes next: an operator, a bracket or a comma.
_AFTER_OPERATOR = re.compile(r"(?:[(,&|+]|->|=>|>>|(?<![\w.?])or)\Z")


def _expect_options_left(before: str) -> list[tuple[str, str, str]]:
    """The options an ``expect`` line ``before`` may still take: ``count=`` and ``none``
    (one of them, once), ``sometimes`` (once); none after ``expect constraints``."""
    words = before.split()
    if words[1:2] == ["constraints"]:
        return []
    given = {word.partition("=")[0] + ("=" if "=" in word else "") for word in words[2:]}
    taken = {"count=", "none"} if given & {"count=", "none"} else set()
    return [option for option in _EXPECT_OPTIONS if option[0] not in taken | given]

_PLACEHOLDER = re.compile(r"\?\w+")
_WORD_CHAR = re.compile(r"[\w.?]")


def _outside_quotes(text: str) -> Iterator[tuple[int, str]]:
    """Each character of ``text`` outside quoted values (their quotes left out too), with
    its position."""
    quote = ""
    for position, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[position - 1] != "\\" else quote
        elif char in "\"'":
            quote = char
        else:
            yield position, char


def _condition_placeholders(text: str) -> list[str] | None:
    """The placeholders (``?item``) the pattern binds before the ``where`` whose
    condition ``text`` ends in, each once, in order; None when ``text`` does not end in
    a condition (no ``where``, or one whose bracketed group was closed after it). A
    ``where`` inside a quoted value does not count."""
    depth = 0
    where_depth: int | None = None
    where_at = 0
    for position, char in _outside_quotes(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if where_depth is not None and depth < where_depth:
                where_depth = None
        elif (
            char == "w"
            and text.startswith("where", position)
            and not _WORD_CHAR.match(text[position - 1 : position] or " ")
            and not _WORD_CHAR.match(text[position + 5 : position + 6] or " ")
        ):
            where_depth, where_at = depth, position
    if where_depth is None:
        return None
    return list(dict.fromkeys(_PLACEHOLDER.findall(text[:where_at])))


NAME_SEEN = 1000
"""How far before a bracket the name of the event it opens is looked for."""
_EVENT_BEFORE_BRACKET = re.compile(r'(\*|[\w]+\.[\w.]+|"(?:[^"\\]|\\.)*")\Z')
# A field given in brackets: `item=`, or quoted, `"größe"=`.
_GIVEN_FIELD = re.compile(r'((?<!\w)\w+|"(?:[^"\\]|\\.)*")\s*=')  # from a word's beginning


def _bracketed_event(text: str) -> tuple[str, set[str]] | None:
    """The event name whose ``(`` is the innermost one still open at the end of
    ``text``, and the fields given in it so far (``Web.order(item="x", `` gives
    ``Web.order`` and ``{"item"}``); None when that bracket groups patterns, or none
    is open. Brackets inside quoted values do not count."""
    opened: list[int] = []
    for position, char in _outside_quotes(text):
        if char == "(":
            opened.append(position)
        elif char == ")" and opened:
            opened.pop()
    if not opened:
        return None
    # The name just before the bracket, looked for in what precedes it by at most
    # NAME_SEEN characters: the search reads a long word again from each character.
    name = _EVENT_BEFORE_BRACKET.search(text[max(0, opened[-1] - NAME_SEEN) : opened[-1]])
    if name is None:
        return None
    given = {_unquoted(field) for field in _GIVEN_FIELD.findall(text[opened[-1] + 1 :])}
    return _unquoted(name.group(1)), given


def _unquoted(text: str) -> str:
    """The name a pattern writes bare or quoted (``"Café.crème"``), its quotes read."""
    if not text.startswith('"'):
        return text
    try:
        name = json.loads(text)
    except ValueError:
        return text
    return name if isinstance(name, str) else text


def _files(prefix: str, start: int) -> list[Completion]:
    # A name begun with a quote goes on inside it.
    quote = prefix[:1] if prefix[:1] in ("'", '"') else ""
    prefix = prefix[len(quote) :]
    # `~/` is the home directory, as the commands read it, and stays `~/` in what is
    # offered, where it is not quoted (a quoted `~` is a `~`).
    home = prefix.partition("/")[0] if prefix.startswith("~") else ""
    home_path = os.path.expanduser(home) if home else ""
    expanded = home_path + prefix[len(home) :] if home else prefix
    typed = Path(expanded) if expanded else Path()
    directory = typed if expanded.endswith("/") else typed.parent
    stem = "" if expanded.endswith("/") else typed.name
    try:
        entries = sorted(directory.iterdir()) if str(directory) else sorted(Path().iterdir())
    except OSError:
        return []
    found = []
    for entry in entries:
        if not entry.name.startswith(stem) or entry.name.startswith("."):
            continue
        is_dir = entry.is_dir()  # one stat for the slash and the note
        text = str(entry) + ("/" if is_dir else "")
        if not prefix.startswith("./") and text.startswith("./"):
            text = text[2:]
        word = quoted_word(text, quote)
        if word == text and home:
            word = home + text[len(home_path) :]
        elif word != text and is_dir:
            word = word[:-1]  # the quote left open, for the name to go on inside it
        found.append(Completion(word, start, entry.name, "directory" if is_dir else ""))
    return found

"""Rich renderables for what the commands show: events, dispatches, causal trees, tables.

Every piece of text drawn from data (names, ids, sources, payloads, messages, paths)
goes through :func:`pyrapide.core.printable.printable` here, via :func:`data` and
:func:`note`, so no front end can send a terminal a control sequence it found in a
file, and Rich never reads ``[brackets]`` in data as markup (cells are Text)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len, get_character_cell_size
from rich.console import (
    Console,
    ConsoleDimensions,
    ConsoleOptions,
    Group,
    RenderableType,
    RenderHook,
    RenderResult,
)
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from pyrapide.architecture import ConnectionKind
from pyrapide.core.printable import printable
from rapide_shell.looks import KIND_LOOKS as KIND_LOOKS
from rapide_shell.looks import KindLook as KindLook
from rapide_shell.looks import counted as counted
from rapide_shell.looks import look as look
from rapide_shell.std_streams import unescaped

PAYLOAD_WIDTH = 60
QUOTED_WIDTH = 60
"""An error message quotes at most about this many characters of any one thing typed."""
TREE_LIMIT = 400
"""At most this many events in a ``why``/``effects`` tree; the rest is counted."""
PAYLOAD_LINES = 400
"""At most this many lines of a payload in ``show event``, each cut at PAYLOAD_LINE_WIDTH
characters; the rest is counted. A payload of megabytes, printed whole, froze the TUI's
Output for seconds and filled a terminal to no use; ``export json`` and ``rapide run
--json`` keep it whole."""
PAYLOAD_LINE_WIDTH = 2_000
PATTERN_WIDTH = 80
"""A line telling of a watch, a breakpoint or an expectation shows at most this many
cells of its pattern (see :func:`pattern_shown`)."""


def shorten(text: str, width: int) -> str:
    """``text`` itself when it fits in ``width`` cells of a terminal, else cut to end in
    "…" within them. A wide character (漢, 🎉) takes two cells, so that a column of names
    or payloads stays a column whatever script they are written in."""
    if text.isascii():  # a cell a character (printable text): cut by characters, at once
        return text if len(text) <= width else text[: width - 1] + "…"
    fitting = _start_within(text, width)
    if len(fitting) == len(text):
        return text
    return _start_within(fitting, width - 1) + "…"


def shorten_start(text: str, width: int) -> str:
    """``text`` itself when it fits in ``width`` cells, else its end with "…" before it
    (what leads up to a point in a line: the end is what counts)."""
    if text.isascii():
        return text if len(text) <= width else "…" + text[len(text) - (width - 1) :]
    if len(_start_within(text, width)) == len(text):
        return text
    return "…" + _start_within(text[::-1], width - 1)[::-1]


def shorten_middle(text: str, width: int) -> str:
    """``text`` itself when it fits in ``width`` cells, else its start and its end
    with "…" between: names that differ at the end (``stage_11``, ``stage_12``) stay
    told apart."""
    if len(_start_within(text, width)) == len(text):
        return text
    if width <= 1:
        return "…"[:width]
    head = _start_within(text, (width - 1) // 2)
    tail = _start_within(text[::-1], width - 1 - cell_len(head))[::-1]
    return head + "…" + tail


def pattern_shown(text: str) -> str:
    """A pattern's ``text`` (or the line that gives it) as a line telling of it shows it
    (``ok: PATTERN: 2 matches``, ``watch 1: PATTERN``): whole when short, else its start
    and end around "…", so that a pattern of many lines does not fill every line about
    it. ``matches``, ``breaks`` and the JSON data keep it whole."""
    return shorten_middle(text, PATTERN_WIDTH)


def pad(text: str, width: int) -> str:
    """``text`` with blanks after it to fill ``width`` cells (``str.ljust`` counts
    characters, and a wide character takes two cells)."""
    return text + " " * (width - cell_len(text))


def terminal_cells(text: str) -> list[str]:
    """What each cell of a terminal shows of ``text``, for a grid of cells: a character
    a cell, a wide one followed by "" for the second cell it covers, and one of no width
    (a combining accent) with the character before it."""
    cells: list[str] = []
    for char in text:
        size = get_character_cell_size(char)
        if size == 0 and cells:
            cells[-1 - (cells[-1] == "")] += char
        else:
            cells.append(char)
            cells.extend([""] * (size - 1))
    return cells


def _start_within(text: str, width: int) -> str:
    """The longest start of ``text`` that takes at most ``width`` cells."""
    used = 0
    for index, char in enumerate(text):
        used += get_character_cell_size(char)
        if used > width:
            return text[:index]
    return text


def payload_text(payload: Any, width: int = PAYLOAD_WIDTH) -> str:
    """A payload as compact one-line JSON cut to ``width`` characters ("" when empty),
    printable; what JSON cannot hold (non-string keys, a payload containing itself) is
    shown by repr. Only what the cut keeps is written: a line of the event log costs
    ``width``, not the size of the payload (a megabyte string, a list of a hundred
    thousand numbers)."""
    if not payload:
        return ""
    try:
        shown = _clipped(payload, [width + 1], set())
        text = json.dumps(shown, ensure_ascii=False, default=str, separators=(", ", ": "))
    except (TypeError, ValueError, RecursionError):
        text = repr(payload)
    return shorten(printable(text), width)


def _clipped(value: Any, room: list[int], within: set[int]) -> Any:
    """``value`` with what its JSON would write past ``room[0]`` more characters left
    out: strings cut, lists and mappings ended early. ``room[0]`` goes down by no more
    than what is written of what is kept, so once it is spent the JSON of the clipped
    value is longer than the room, and its start the same as the whole value's.
    ``within``: the containers being clipped around ``value``; meeting one again is a
    ValueError, as JSON's own check of a value containing itself."""
    if isinstance(value, str):
        kept = value[: room[0] + 1]
        room[0] -= len(kept)
        return kept
    if not isinstance(value, dict | list | tuple):
        room[0] -= 1
        return value
    if id(value) in within:
        raise ValueError("a payload containing itself")
    within.add(id(value))
    clipped: Any
    if isinstance(value, dict):
        clipped = {}
        for key, item in value.items():
            if room[0] <= 0:
                break
            room[0] -= len(key) if isinstance(key, str) else 1
            clipped[key] = _clipped(item, room, within)
    else:
        clipped = []
        for item in value:
            if room[0] <= 0:
                break
            room[0] -= 1
            clipped.append(_clipped(item, room, within))
    within.discard(id(value))
    return clipped


def data(value: Any, style: str = "") -> Text:
    """Text drawn from data (a name, an id, a path, a message), printable, as Rich Text
    (never read as markup)."""
    return Text(printable(str(value)), style=style)


def event_text(event: Any) -> Text:
    """``e3 DatabaseService.result from db {"key": "42"}`` as styled text."""
    text = Text()
    text.append(printable(event.id), style="bold cyan")
    text.append(" ")
    text.append(printable(event.name), style="bold")
    if event.source:
        text.append(f" from {printable(event.source)}", style="dim")
    payload = payload_text(event.payload)
    if payload:
        text.append(" ")
        text.append(payload, style="green")
    return text


def event_lines(
    events: Iterable[Any], computation: Any, limit: int | None = None, *, earlier: int = 0
) -> RenderableType:
    """One line per event, each with its direct causes (``<- e1, e2``): the last
    ``limit`` of ``events``, after a line counting the others and the ``earlier``
    events left out before them."""
    events = list(events)
    shown = events if limit is None or len(events) <= limit else events[-limit:]
    earlier += len(events) - len(shown)
    lines: list[RenderableType] = []
    if earlier:
        lines.append(Text(f"… {earlier} earlier events", style="dim"))
    poset = computation.poset
    for event in shown:
        line = event_text(event)
        causes = poset.causes(event)
        if causes:
            line.append(
                "  <- " + ", ".join(printable(cause.id) for cause in causes), style="magenta"
            )
        lines.append(line)
    return Group(*lines)


def dispatch_text(dispatch: Any) -> Text:
    """``#4 pipe e3 DatabaseService.result -> api`` as styled text."""
    text = Text()
    text.append(f"#{dispatch.id}", style="bold yellow")
    text.append(f" {dispatch.kind:<7} ")
    text.append(printable(dispatch.event.id), style="cyan")
    text.append(f" {printable(dispatch.event.name)}")
    text.append(f" -> {printable(str(dispatch.target))}", style="bold")
    return text


def step_text(note: Any) -> Text:
    """One step, from its notification: ``ran #3 ...`` (DispatchStarted) or ``resumed
    #7 ... (it was asleep until t=1)`` (TaskResumed)."""
    if type(note).__name__ == "DispatchStarted":
        return Text("ran ").append_text(dispatch_text(note.dispatch))
    task = note.task
    reason = str(task.reason)
    if reason == "sleeping" or (reason == "ready" and task.until is not None):
        before = f"it was asleep until t={task.until:g}"
    elif reason == "ready":
        before = "it had been woken"
    else:
        before = f"it {task.describe()}"
    if task.dispatch is None:
        return Text(f"resumed the {printable(task.label)} ({before})")
    return Text("resumed ").append_text(dispatch_text(task.dispatch)).append(
        f" ({before})", style="dim"
    )


def queue_table(
    pending: list[Any],
    in_flight: Sequence[Any] = (),
    blocked: Any = None,
    limit: int | None = None,
) -> RenderableType:
    """The pending dispatches grouped by connection kind, each with why it must wait
    (``blocked(dispatch)``, when given), then the tasks in flight and what each waits
    for: a wake-up is a step of its own (``step #7``). With ``limit``, the first
    ``limit`` dispatches and a count of the rest."""
    if not pending and not in_flight:
        return Text("nothing pending, nothing in flight", style="dim")
    parts: list[RenderableType] = []
    if pending:
        table = Table(show_edge=False, pad_edge=False, box=None)
        for column in ("id", "kind", "event", "name", "target", ""):
            table.add_column(column, style="bold" if column == "id" else None)
        order = {kind: position for position, kind in enumerate(ConnectionKind)}
        ordered = sorted(pending, key=lambda d: (order[d.kind], d.id))
        for dispatch in ordered if limit is None else ordered[:limit]:
            why = blocked(dispatch) if blocked is not None else None
            table.add_row(
                f"#{dispatch.id}",
                dispatch.kind,
                data(dispatch.event.id),
                data(dispatch.event.name),
                data(dispatch.target),
                data(_waits_text(why), style="yellow") if why else "",
            )
        parts.append(table)
        if limit is not None and len(pending) > limit:
            parts.append(
                Text(
                    f"… {len(pending) - limit} more pending "
                    f"(`show queue {len(pending)}` lists them all)",
                    style="dim",
                )
            )
    else:
        parts.append(Text("nothing pending", style="dim"))
    if in_flight:
        parts.append(Text("in flight:", style="bold"))
        for task in in_flight:
            parts.append(Text("  ").append_text(in_flight_text(task)))
    return Group(*parts)


def _waits_text(reason: str) -> str:
    """``waits behind #2`` from a blocked reason (``#3 waits behind #2, in flight ...``)."""
    return reason.split(" ", 1)[1] if reason.startswith("#") else reason


def in_flight_text(task: Any) -> Text:
    """A task in flight: ``wake #7 at t=1  agent e3 Desk.letter -> clerk`` for a sleeper,
    else its id and what it waits for."""
    reason = str(task.reason)
    if reason == "sleeping":
        head = Text(f"wake {task.label} at t={task.until:g}", style="bold cyan")
    elif reason == "ready":
        head = Text(f"resume {task.label}", style="bold cyan")
    else:
        head = data(task.label, style="bold").append(f"  {task.describe()}", style="dim")
    if task.dispatch is not None:
        dispatch = task.dispatch
        head.append(f"  {dispatch.kind} ").append(printable(dispatch.event.id), style="cyan")
        head.append(f" {printable(dispatch.event.name)} -> {printable(str(dispatch.target))}")
    return head


_VERDICT_STYLES = {"delivered": "green", "in match": "green", "waiting": "yellow"}


DECIDED_WIDTH = 20
"""The narrowest the ``decided`` column of ``whynot`` is drawn as a column: in a terminal
too narrow for it, each connection is told in lines of its own instead."""


def decisions_table(decisions: Sequence[Any]) -> RenderableType:
    """What each connection decided for one event (``System.why_not``), one a row."""
    if not decisions:
        return Text("the architecture has no connections", style="dim")
    return _Decisions(decisions)


class _Decisions:
    """The decisions as a table, or, where the terminal is too narrow for the reasons to
    read as words beside the other columns, each connection as a line with its reason
    on the next: cut to fit, a reason lost the event it names ("names Teller.de…")."""

    def __init__(self, decisions: Sequence[Any]) -> None:
        # With nested architectures, each connection says which one it belongs to.
        self.nested = any(decision.connection.scope for decision in decisions)
        self.rows: list[tuple[list[Text], Text]] = []
        for decision in decisions:
            connection = decision.connection
            verdict = str(decision.verdict)
            where = [data(connection.scope or "(top)", "dim")] if self.nested else []
            cells = [
                Text(str(connection.index)),
                *where,
                Text(connection.kind, style=look(connection.kind).style),
                data(connection.pattern),
                data(connection.target_label),
            ]
            reason = data(decision.detail, style=_VERDICT_STYLES.get(verdict, "dim"))
            self.rows.append((cells, reason))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        headers = ["#", "in", "kind", "pattern", "target"] if self.nested else [
            "#", "kind", "pattern", "target"
        ]
        widths = [
            max([cell_len(header)] + [row[0][column].cell_len for row in self.rows])
            for column, header in enumerate(headers)
        ]
        if sum(widths) + 2 * len(widths) + DECIDED_WIDTH <= options.max_width:
            table = Table(show_edge=False, pad_edge=False, box=None)
            for header in headers:
                table.add_column(header)
            table.add_column("decided")
            for cells, reason in self.rows:
                table.add_row(*cells, reason)
            yield table
            return
        for cells, reason in self.rows:
            line = Text(" ").join(cells[:-1]).append(" -> ").append_text(cells[-1])
            yield line
            yield Padding(reason, (0, 0, 0, 2), expand=False)


def event_detail(event: Any, computation: Any) -> RenderableType:
    """One event in full: name, source, payload (JSON), direct causes and effects."""
    poset = computation.poset
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("id", data(event.id, "cyan"))
    table.add_row("name", data(event.name))
    table.add_row("source", data(event.source or "-"))
    table.add_row("payload", _payload_lines(event.payload))
    if event.metadata:
        table.add_row("metadata", Text(payload_text(event.metadata, 200)))
    table.add_row("causes", _ids(poset.causes(event)))
    table.add_row("effects", _ids(poset.effects(event)))
    return table


def _payload_lines(payload: Any) -> Text:
    """The payload as indented JSON: its first :data:`PAYLOAD_LINES` lines, each cut to
    :data:`PAYLOAD_LINE_WIDTH`, and a count of the rest."""
    lines = json.dumps(dict(payload), indent=2, ensure_ascii=False, default=str).split("\n")
    kept = "\n".join(shorten(line, PAYLOAD_LINE_WIDTH) for line in lines[:PAYLOAD_LINES])
    shown = Text(printable(kept, keep_newlines=True), style="green")
    hidden = len(lines) - PAYLOAD_LINES
    if hidden > 0:
        shown.append(
            f"\n… {hidden:,} more lines not shown (export json FILE writes them all)", style="dim"
        )
    return shown


def _ids(events: Iterable[Any]) -> Text:
    ids = [printable(event.id) for event in events]
    return Text(", ".join(ids), style="magenta") if ids else Text("none", style="dim")


def causal_tree(event: Any, computation: Any, *, forward: bool) -> Tree:
    """The causes of ``event`` back to the roots (or its effects, ``forward``), as a tree.

    Built without recursion, so long causal chains cannot exhaust the stack. An event
    reached again by another path is shown once more, marked, without its subtree.
    """
    poset = computation.poset
    step = poset.effects if forward else poset.causes
    tree = Tree(event_text(event))
    seen = {event.id}
    stack = [(tree, event)]
    shown = 1
    hidden = 0
    while stack:
        node, current = stack.pop()
        children = list(step(current))
        branches = []
        for child in children:
            if shown >= TREE_LIMIT:
                hidden += 1
                continue
            shown += 1
            if child.id in seen:
                label = event_text(child)
                label.append("  (shown above)", style="dim italic")
                node.add(label)
                continue
            seen.add(child.id)
            branches.append((node.add(event_text(child)), child))
        stack.extend(reversed(branches))
    if hidden:
        tree.add(Text(f"… {hidden} more not shown", style="dim"))
    elif shown == 1:
        tree.add(Text("no effects" if forward else "a root: no causes", style="dim"))
    return tree


def key_value_table(rows: Iterable[tuple[Any, ...]], headers: tuple[str, ...]) -> Table:
    """A plain table of rows (strings or Rich Text) under ``headers``."""
    table = Table(show_edge=False, pad_edge=False, box=None)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*(cell if isinstance(cell, Text) else data(cell) for cell in row))
    return table


def note(text: str, style: str = "") -> Text:
    """A line of output, made printable (it may quote data: a path, a name)."""
    return Text(printable(text), style=style)


HANGING_INDENT = 4
"""How far a long line's continuation is set in, so it never reads as a line of its own."""


class Hanging:
    """A line of text that, too long for the width it is drawn in (a panel, a
    terminal), goes on below set in by HANGING_INDENT cells, broken between words.

    With a ``head`` (a step's number, a branch's mark), the line is the head then the
    text, and the text goes on under its own first line: the heads keep their column
    to themselves, as in a log. Its ``str`` is the whole line."""

    def __init__(self, text: Text, head: Text | None = None) -> None:
        self.text = text
        self.head = head

    def __str__(self) -> str:
        return self.text.plain if self.head is None else self.head.plain + self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        head = Text() if self.head is None else self.head
        indent = HANGING_INDENT if self.head is None else head.cell_len
        if head.cell_len + self.text.cell_len <= width or width <= indent + 8:
            yield self.text if self.head is None else head + self.text
            return
        hanging = Text(end=self.text.end)
        for number, line in enumerate(self.text.wrap(console, width - indent)):
            if number:
                hanging.append("\n" + " " * indent)
            else:
                hanging.append_text(head)
            line.rstrip()
            hanging.append_text(line)
        hanging.no_wrap = True
        yield hanging


class WholeLine:
    """One line of text drawn whole however narrow the console, neither wrapped nor cut
    where a front end prints with ``crop=False`` (the REPL and transcripts do): a word
    to copy, such as an address, must not break across lines."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text = Text(printable(text), style=style)

    @property
    def plain(self) -> str:
        """The line's text."""
        return self.text.plain

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(len(self.text), len(self.text))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.text.render(console)
        yield Segment.line()


TRANSCRIPT_WIDTH = 120
"""Width of a transcript written to a file or pipe (a terminal's own width otherwise)."""


def transcript_console() -> Console:
    """A Console for transcripts (``rapide run``, ``rapide explore``): the terminal's
    width, or a fixed one for files and pipes; what it prints is made printable (see
    :func:`printing_console`), each line without blanks at its end."""
    if sys.stdout.isatty():
        return terminal_console()
    width = shutil.get_terminal_size((TRANSCRIPT_WIDTH, 24)).columns
    return printing_console(
        file=_TrimmedLines(), width=max(width, TRANSCRIPT_WIDTH), highlight=False
    )


def terminal_console(**options: Any) -> Console:
    """A Console (``options`` as Console takes them) printing to standard output,
    printable, each line without blanks at its end: the REPL's, and a transcript's in a
    terminal. What is shown does not change; a line copied from it has nothing more."""
    return printing_console(file=_TrimmedLines(), **options)


_TRAILING_BLANKS_REVERSED = re.compile(r"(?:[ \t]|m[0-9;]*\[\x1b)+")
"""The blanks at the end of a line, with the colour codes among them (a table's padded
cell is drawn in its style, spaces included), read from the line's end: the line
reversed, the codes too. Sought forwards, before each newline, a long run of blanks
that no newline ends was read again from each of its characters (a pasted line of
20,000 spaces took six seconds to print)."""
_BLANK = re.compile(r"[ \t]")


def without_trailing_blanks(line: str) -> str:
    """``line`` without the blanks at its end; the colour codes among them are kept."""
    found = _TRAILING_BLANKS_REVERSED.match(line[::-1])
    if found is None:
        return line
    end = len(line) - found.end()
    return line[:end] + _BLANK.sub("", line[end:])


class _TrimmedLines:
    """Standard output (as it is at each write) without the blanks at the end of each
    line: Rich pads table cells and grids to their width, and a blank line to the width
    of what it sets apart. A transcript kept to compare with (in a repository whose
    hooks strip trailing blanks) must read the same every time, and a line copied from
    the REPL must be the line shown. The colour codes among the blanks are kept; no
    style of the workbench's draws a background, which a blank would show."""

    @property
    def file(self) -> Any:
        return unescaped(sys.stdout)  # the stream itself: the colours are escapes

    @property
    def encoding(self) -> str:
        return str(getattr(self.file, "encoding", None) or "utf-8")

    def write(self, text: str) -> int:
        *ended, last = text.split("\n")  # the last line's end has not been written yet
        trimmed = "\n".join([*map(without_trailing_blanks, ended), last])
        return int(self.file.write(trimmed))

    def flush(self) -> None:
        self.file.flush()

    def isatty(self) -> bool:
        return bool(self.file.isatty())

    def fileno(self) -> int:
        return int(self.file.fileno())


def printing_console(**options: Any) -> Console:
    """A Rich Console (``options`` as Console takes them) that makes whatever it prints
    printable once more as it is drawn: the renderables above already are, and this
    keeps a terminal safe from any text that reached a renderable another way."""
    console = _Console(**options)
    console.push_render_hook(_PrintableHook())
    return console


class _Console(Console):
    @property
    def size(self) -> ConsoleDimensions:
        """The console's size; on a dumb terminal (``TERM=dumb``, as editors' shell
        buffers set it) the one it has, not the 80 columns Rich gives every dumb one."""
        if self.is_dumb_terminal and (self._width is None or self._height is None):
            # COLUMNS and LINES first, then the terminal's own size, else 80 by 25;
            # asked each time, as Rich asks a terminal, so a resize is followed.
            columns, lines = shutil.get_terminal_size((80, 25))
            return ConsoleDimensions(self._width or columns, self._height or lines)
        return super().size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size

    def on_broken_pipe(self) -> None:
        # Rich's own answer is exit status 1, which `rapide run` gives a failed expect;
        # raised, the session closes as usual and the command line ends with 141.
        self.quiet = True
        raise BrokenPipeError


class _PrintableHook(RenderHook):
    def process_renderables(self, renderables: list[Any]) -> list[Any]:
        return [drawn_printable(renderable) for renderable in renderables]


def drawn_printable(renderable: Any) -> Any:
    """``renderable`` drawn with the text of its segments made printable (line breaks
    kept): the last guard of a front end's output panel."""
    return _Printable(renderable)


class _Printable:
    """Draws a renderable with the text of its segments made printable (line breaks
    kept); the console's own control segments (cursor moves) pass as they are."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.inner)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.inner, options):
            text = segment.text
            if segment.control or text.isprintable():
                yield segment
            else:
                yield Segment(printable(text, keep_newlines=True), segment.style)

"""The commands of the language, with their arguments and help, in the order ``help`` lists them."""

from __future__ import annotations

from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec

CONNECTION_KINDS = ("connect", "pipe", "agent")
SHOW_TOPICS = ("graph", "queue", "events", "event", "components")
EXPORT_FORMATS = ("dot", "mermaid", "json")
FORCE = "--force"
"""The word that lets ``save`` and ``export`` replace a link, a FIFO, a device or a
read-only file (see :mod:`pyrapide.core.atomic`)."""

_PATTERN_SYNTAX = """\
Patterns use the text syntax: `Service.action(field=value, other=?x)` matches one
event (`*` for any name, `?x` binds a placeholder); `A -> B` (or `A >> B`) means A
causally precedes B; `A || B` independent; `A & B` share a cause; `A or B` either."""

COMMAND_SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="inject",
        usage="inject EVENT [key=value ... | {json}]",
        summary="Record an event from outside and queue its deliveries.",
        details="""\
Records EVENT (a qualified action name such as `APIService.request`) with the given
payload, as a root event from the environment (source `env`), and queues one dispatch
for each connection whose pattern it matches. Nothing runs until `step` or `run`.

The payload is either `key=value` pairs, where each value is a JSON literal (`42`,
`true`, `null`, `"two words"`, `[1, 2]`, `{"a": 1}`) or else plain text, or one JSON
object. A field the action declares as `str` takes the text as written (`key=42` gives
"42"). The event name and its fields are checked against the action signatures of the
architecture's interfaces, and so is each value whose field is declared with plain types
(`int`, `float`, `bool`, `str`, `list`, `dict`, `... | None`): `quantity=two` for an
`int` is refused.""",
        args=(
            ArgSpec("EVENT", ArgKind.EVENT_NAME),
            ArgSpec("PAYLOAD", ArgKind.PAYLOAD, optional=True, rest_of_line=True),
        ),
        examples=(
            "inject APIService.request type=query key=42",
            'inject DatabaseService.result {"key": "42", "rows": []}',
        ),
    ),
    CommandSpec(
        name="step",
        usage="step [N | connect|pipe|agent | #ID]",
        summary="Run one pending dispatch (or N, or the next of a kind, or a chosen one).",
        details="""\
Runs exactly one pending dispatch and shows what it recorded. `step 5` runs five, one
after another; `step pipe` runs the next pending dispatch of that connection kind;
`step #12` runs dispatch 12 as `show queue` lists it (this is how you choose the order
of agent deliveries). A breakpoint does not interrupt a step.

A plain `step`, or `step KIND`, takes the dispatch the scheduler would run next, which
is not always the lowest id: a connect delivery goes first (its emitter is waiting for
it), and the seed picks among the agent deliveries that are ready.""",
        args=(ArgSpec("TARGET", ArgKind.STEP_TARGET, optional=True),),
        examples=("step", "step 3", "step agent", "step #12"),
    ),
    CommandSpec(
        name="run",
        usage="run",
        summary="Run until nothing is pending, or until a breakpoint stops the run.",
        details="""\
Runs the pending dispatches, and everything they cause, until the system is quiet
(nothing pending, nothing running). When an event matching a breakpoint is recorded,
the run pauses after the current dispatch and says which breakpoint and which event
stopped it; `continue` goes on from there. In the REPL, Ctrl-C pauses a run.""",
    ),
    CommandSpec(
        name="continue",
        usage="continue",
        summary="Go on after a breakpoint or a pause (the same as `run`).",
        details="""\
Resumes a run that a breakpoint or `pause` stopped, until the system is quiet or the
next breakpoint.""",
        aliases=("c",),
    ),
    CommandSpec(
        name="pause",
        usage="pause",
        summary="Pause a run in progress after the current dispatch.",
        details="""\
Stops a `run` after the dispatch in progress. Pending dispatches stay queued; `step`
or `continue` goes on. Between commands the system is always paused, so `pause` only
matters while a run is in progress: typed in the TUI's command bar during a run (in the
REPL, Ctrl-C pauses a run; a script's commands never overlap a run).""",
        while_running=True,
    ),
    CommandSpec(
        name="break",
        usage="break PATTERN",
        summary="Pause a run whenever an event matching PATTERN is recorded.",
        details="Sets a breakpoint and prints its number.\n\n" + _PATTERN_SYNTAX,
        args=(ArgSpec("PATTERN", ArgKind.PATTERN, rest_of_line=True),),
        examples=("break DatabaseService.error", 'break APIService.request(type="query")'),
        while_running=True,
    ),
    CommandSpec(
        name="unbreak",
        usage="unbreak ID",
        summary="Remove breakpoint ID.",
        details="Removes the breakpoint with that number (see `breaks`).",
        args=(ArgSpec("ID", ArgKind.BREAK_ID),),
        while_running=True,
    ),
    CommandSpec(
        name="breaks",
        usage="breaks",
        summary="List the breakpoints and how often each has stopped a run.",
        details="Lists every breakpoint: its number, its pattern and how many runs it stopped.",
        while_running=True,
    ),
    CommandSpec(
        name="watch",
        usage="watch PATTERN",
        summary="Count the matches of PATTERN as events are recorded.",
        details="""\
Adds a watch and prints its number. A watch counts the matches of its pattern over
everything recorded (events recorded before the watch included) and keeps counting
live; `matches ID` lists them.

"""
        + _PATTERN_SYNTAX,
        args=(ArgSpec("PATTERN", ArgKind.PATTERN, rest_of_line=True),),
        examples=("watch APIService.request(key=?k) -> DatabaseService.result(key=?k)",),
        while_running=True,
    ),
    CommandSpec(
        name="unwatch",
        usage="unwatch ID",
        summary="Remove watch ID.",
        details="Removes the watch with that number (see `matches`).",
        args=(ArgSpec("ID", ArgKind.WATCH_ID),),
        while_running=True,
    ),
    CommandSpec(
        name="matches",
        usage="matches [ID]",
        summary="List the watches with their counts, or the matches of watch ID.",
        details="""\
With no argument, lists every watch with its pattern and match count. With a watch
number, lists that watch's matches: the events of each and the placeholders bound.""",
        args=(ArgSpec("ID", ArgKind.WATCH_ID, optional=True),),
        while_running=True,
    ),
    CommandSpec(
        name="expect",
        usage="expect PATTERN [count=N | none]",
        summary="Check that PATTERN matches now (at least once, exactly N times, or never).",
        details="""\
Checks the computation recorded so far: `expect P` holds when P has at least one match,
`expect P count=N` when it has exactly N, `expect P none` when it has none. The result
says what was expected and what was seen. In `rapide run`, a failed expect makes the
command exit with status 1 (the rest of the script still runs).

"""
        + _PATTERN_SYNTAX,
        args=(
            ArgSpec("PATTERN", ArgKind.PATTERN, rest_of_line=True),
            ArgSpec("OPTION", ArgKind.EXPECT_OPTION, optional=True),
        ),
        examples=(
            "expect DatabaseService.result count=1",
            "expect DatabaseService.error none",
        ),
        while_running=True,
    ),
    CommandSpec(
        name="show",
        usage="show graph|queue|events [N]|event ID|components",
        summary="Show the connection graph, the queue, the events, one event or the components.",
        details="""\
`show graph`: the components and the connections between them, with kinds and patterns.
`show queue`: the pending dispatches, grouped by kind, with their ids (`#12`).
`show events [N]`: the last N recorded events, N at least 1 (no N: up to the last 200).
`show event ID`: one event: name, source, payload, causes and effects.
`show components`: each component, its interface, its module and its actions.""",
        args=(
            ArgSpec("WHAT", ArgKind.CHOICE, choices=SHOW_TOPICS),
            ArgSpec("ARG", ArgKind.EVENT_ID, optional=True),
        ),
        examples=("show queue", "show event e3"),
        while_running=True,
    ),
    CommandSpec(
        name="why",
        usage="why EVENT_ID",
        summary="Show the causes of an event back to its roots, as a tree.",
        details="""\
Prints the event, then its direct causes, their causes, and so on back to the root
events. An event reached again by another path is shown once and marked.""",
        args=(ArgSpec("EVENT_ID", ArgKind.EVENT_ID),),
        while_running=True,
    ),
    CommandSpec(
        name="effects",
        usage="effects EVENT_ID",
        summary="Show everything an event caused (its forward slice), as a tree.",
        details="""\
Prints the event, then the events it directly caused, what those caused, and so on.
An event reached again by another path is shown once and marked.""",
        args=(ArgSpec("EVENT_ID", ArgKind.EVENT_ID),),
        while_running=True,
    ),
    CommandSpec(
        name="export",
        usage="export dot|mermaid|json [--force] FILE",
        summary="Write the computation as Graphviz DOT, Mermaid or JSON.",
        details="""\
Writes the recorded computation (events and causal links) to FILE in the given format.
DOT and Mermaid are for pictures; JSON holds every event with its payload and causes.
FILE is replaced whole or not at all, keeping its mode. A symbolic link, a FIFO, a
device or a read-only file at FILE is left alone unless `--force` is given; then it
is replaced by a regular file (a link's target is never written).""",
        args=(
            ArgSpec("FORMAT", ArgKind.CHOICE, choices=EXPORT_FORMATS),
            ArgSpec("FILE", ArgKind.FILE),
        ),
        examples=("export dot run.dot", "export json --force latest.json"),
        while_running=True,
    ),
    CommandSpec(
        name="save",
        usage="save [--force] FILE",
        summary="Save the computation to a file that `load` reads back.",
        details="""\
Saves the recorded computation (events, payloads, causes) to FILE. The file is
written beside FILE and renamed over it once complete, so an interrupted save leaves
the old file whole; it keeps the old file's mode (a new one gets your umask's). A
symbolic link, a FIFO, a device or a read-only file at FILE is left alone unless
`--force` is given; then it is replaced by a regular file (a link's target is never
written). A directory is never replaced.""",
        args=(ArgSpec("FILE", ArgKind.FILE),),
        examples=("save run.json", "save --force shared/run.json"),
        while_running=True,
    ),
    CommandSpec(
        name="load",
        usage="load FILE",
        summary="Load a saved computation to inspect it (read-only).",
        details="""\
Replaces the session's computation with the one saved in FILE, for `show`, `why`,
`effects`, `matches`, `expect` and `export`. The system does not run on a loaded
computation: `inject`, `step` and `run` are refused until `reset`.""",
        args=(ArgSpec("FILE", ArgKind.FILE),),
    ),
    CommandSpec(
        name="seed",
        usage="seed N",
        summary="Start over with seed N (the seed orders agent deliveries).",
        details="""\
Rebuilds the system with seed N, as `reset` does. The same architecture, seed and
commands always give the same computation; a different seed may order agent
deliveries differently. Any whole number is a seed, negative ones included.""",
        args=(ArgSpec("N", ArgKind.INTEGER),),
    ),
    CommandSpec(
        name="reset",
        usage="reset",
        summary="Start over: a fresh system, nothing recorded; watches and breakpoints kept.",
        details="""\
Stops the system and builds a fresh one from the same architecture with the same seed.
Watches and breakpoints stay (their counts start again); the computation is empty.""",
    ),
    CommandSpec(
        name="reload",
        usage="reload",
        summary="Re-read the architecture file from disk and start over.",
        details="""\
Loads the architecture file again (after you edited it) and builds a fresh system, as
`reset` does. If the file no longer loads, the error is shown and the session keeps the
system it had.""",
    ),
    CommandSpec(
        name="help",
        usage="help [COMMAND]",
        summary="List the commands, or explain one.",
        details="""\
With no argument, lists every command; `help NAME` explains one in full.

Comments: a `#` that is the first thing on a line makes the line a comment, and a `#`
with a blank before and after it (or at the very end) starts one: `run  # go on` runs.
Any other `#` is part of a word: `step #12` chooses dispatch 12, and `step #abc` is
refused as no dispatch.""",
        args=(ArgSpec("COMMAND", ArgKind.COMMAND, optional=True),),
        aliases=("?",),
        while_running=True,
    ),
    CommandSpec(
        name="quit",
        usage="quit",
        summary="Stop the system and leave.",
        details="Runs the modules' finish hooks and leaves the session (Ctrl-D does too).",
        aliases=("exit",),
        while_running=True,
    ),
)

COMMANDS: dict[str, CommandSpec] = {spec.name: spec for spec in COMMAND_SPECS}
"""Every command by its name."""

ALIASES: dict[str, str] = {alias: spec.name for spec in COMMAND_SPECS for alias in spec.aliases}
"""Alternative spellings, mapped to the command's name."""


def lookup(word: str) -> CommandSpec | None:
    """The command that ``word`` names (its name or an alias), or None."""
    return COMMANDS.get(ALIASES.get(word, word))

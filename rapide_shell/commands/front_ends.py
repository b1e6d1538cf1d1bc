"""The commands only some front ends have, and where each works: ``help NAME`` explains
one in every front end, and says where it works when it is not where it is asked.

The TUI registers ``screenshot``, ``zoom`` and ``resume`` (with its panels as ``zoom``'s
choices), the TUI and the REPL ``explore``; their specs are here, away from Textual and
from the exploration machinery, so that ``help`` everywhere reads them.
"""

from __future__ import annotations

from rapide_shell.commands.spec import ArgKind, ArgSpec, CommandSpec
from rapide_shell.downloads import IN_A_BROWSER

SCREENSHOT = CommandSpec(
    name="screenshot",
    usage="screenshot [FILE.svg]",
    summary="Save an SVG picture of the screen.",
    details="""\
Saves what the screen shows now as an SVG file: FILE.svg (a name with no suffix is given
.svg; another suffix is refused), or a file named after the
app and the time in the screenshot folder (rapide shell --screenshots DIR, else
$RAPIDE_SCREENSHOTS, else 'rapide' in your pictures folder), made if need be. F12
does the same, over dialogs too. The message and the status line say where it went.
Only the TUI has this command.
""" + IN_A_BROWSER,
    args=(ArgSpec("FILE", ArgKind.FILE, optional=True),),
    while_running=True,
    examples=("screenshot", "screenshot run.svg"),
)


ZOOM = CommandSpec(
    name="zoom",
    usage="zoom [PANEL]",
    summary="Show one panel full screen; zoom alone brings every panel back.",
    details="""\
Shows PANEL alone on the screen, between the status line and the command bar (graph,
queue, events, timeline, inspector, history, output, watches, errors: the panels'
titles), for a projector or a long Timeline; `zoom` with no panel,
F11 or Escape bring the other panels back. F11 shows the panel last focused full
screen. Only the TUI has this command.""",
    args=(ArgSpec("PANEL", ArgKind.CHOICE, optional=True),),
    while_running=True,
    examples=("zoom timeline", "zoom"),
)


RESUME = CommandSpec(
    name="resume",
    usage="resume",
    summary="Play the rest of a script taken over with Ctrl-C.",
    details="""\
Plays on a script (`rapide lessons`, `rapide shell --script`) that a Ctrl-C stopped,
from the line after the one it stopped at, at the same pace; Ctrl-C takes it over again.
If the run has moved since (a step, an inject, a goto), it first goes back to where the
script stopped, with a `goto` shown as it runs: what was done meanwhile stays in the
history (`branches`). Its expectations are summed up with those played before the stop.
Only the TUI has this command.""",
    examples=("resume",),
)


EXPLORE = CommandSpec(
    name="explore",
    usage="explore SCRIPT [random A..B] [max=N] [no-prune] [all-failures] [workers=N] "
    "| explore [stop | open N]",
    summary="Explore a script's schedules in the background; list and open its failures.",
    details="""\
Plays SCRIPT (its injections, `run` lines and expectations) under every schedule that
can change the poset (depth first), or one random walk per seed (`random A..B`), as
`rapide explore` does, in worker processes (`workers=N`, 1 by default) while you go
on working; the status line shows the schedules run, the distinct posets and the
failures. `max=N` stops after N schedules, `no-prune` tries every order (depth
first only: a random walk prunes nothing), and `all-failures` keeps one
counterexample per failing poset. Each counterexample is written beside SCRIPT as a
script that `rapide run` replays (in a browser, `rapide serve`, it is sent there as a
download instead). A relative SCRIPT is read from the
folder the workbench was started in (its current directory), not the architecture
file's.

`explore` alone says how it stands, or, once it has ended, the verdict and the
failures, numbered; `explore open N` starts the session over on failure N's
schedule, step by step, up to its failing step. `explore stop` stops it (what was
explored is reported). At the end of the REPL's input (Ctrl-D, or the end of piped
commands) an exploration still running is waited for (Ctrl-C stops it). Each
exploration's answer counts in the exit status of the REPL and of the workbench as
`rapide explore` exits with it: 1 for a failure found, 2 when it could not run, 130
when a Ctrl-C stopped it before it found one.""",
    args=(ArgSpec("SCRIPT", ArgKind.FILE, optional=True),),
    while_running=True,
    examples=("explore race.rapide", "explore race.rapide random 0..999 workers=2",
              "explore", "explore open 1", "explore stop"),
)


IN_THE_TUI = "only in the TUI (`rapide shell`, `rapide serve`)"
IN_THE_TUI_AND_REPL = (
    "in the TUI and the REPL (`rapide shell`, `rapide repl`); from a terminal, "
    "`rapide explore FILE --script SCRIPT` does the same"
)

FRONT_END_COMMANDS: dict[str, tuple[CommandSpec, str]] = {
    SCREENSHOT.name: (SCREENSHOT, IN_THE_TUI),
    ZOOM.name: (ZOOM, IN_THE_TUI),
    RESUME.name: (RESUME, IN_THE_TUI),
    EXPLORE.name: (EXPLORE, IN_THE_TUI_AND_REPL),
}
"""Each command only some front ends have: its spec and where it works."""

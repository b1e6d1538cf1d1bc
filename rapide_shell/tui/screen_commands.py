"""The TUI's plugin: commands about the screen, not the system, added through the hooks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from pyrapide.core.atomic import NAMES_A_FOLDER, WriteError, names_a_folder
from pyrapide.core.printable import printable
from rapide_shell.commands import (
    ArgKind,
    ArgSpec,
    Command,
    CommandCatalog,
    CommandError,
    CommandSpec,
    DeclaredArguments,
)
from rapide_shell.downloads import IN_A_BROWSER
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome
from rapide_shell.tui.panels import PANELS, find

if TYPE_CHECKING:
    from rapide_shell.session import Session
    from rapide_shell.tui.app import RapideApp

PANEL_WORDS = {(panel.title or panel.id).lower(): panel.id for panel in PANELS}
"""The word ``zoom`` takes for each panel, as its border title calls it ("output" for
the console), and the panel's id."""

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
    args=(ArgSpec("PANEL", ArgKind.CHOICE, optional=True, choices=tuple(PANEL_WORDS)),),
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


def not_saved(error: OSError) -> str:
    """Why a screenshot was not saved, and where: ``cannot save the screenshot: why
    (path)``, for an OSError and for a WriteError (a browser's download), which keeps
    them apart as ``reason`` and ``path``."""
    if isinstance(error, WriteError):
        return f"cannot save the screenshot: {error.reason} ({error.path})"
    return f"cannot save the screenshot: {error.strerror} ({error.filename})"


class ScreenCommands:
    """The TUI's plugin: adds the commands that act on ``app``'s screen."""

    def __init__(self, app: RapideApp) -> None:
        self.app = app

    @hookimpl
    def rapide_add_commands(self, catalog: CommandCatalog, session: Session) -> None:
        """Adds ``screenshot``, ``zoom`` and ``resume``."""
        catalog.register(SCREENSHOT, self.screenshot)
        catalog.register(ZOOM, self.zoom)
        catalog.register(RESUME, self.resume)

    async def resume(
        self, session: Session, command: Command[DeclaredArguments], line: str
    ) -> CommandOutcome:
        """Runs ``resume``: the rest of the script taken over plays from where it stopped."""
        stopped = self.app.main_screen.player.resume()
        if stopped is None:
            raise CommandError(
                "nothing to resume: `resume` plays the rest of a script stopped by Ctrl-C"
            )
        said = f"resuming {printable(str(stopped.path))} at {stopped.where()}"
        return CommandOutcome(line, "resume", output=(Text(said),), data={
            "script": str(stopped.path), "line": stopped.next_line,
        })

    async def zoom(
        self, session: Session, command: Command[DeclaredArguments], line: str
    ) -> CommandOutcome:
        """Runs ``zoom [PANEL]``."""
        word = command.args["PANEL"]
        panel = None if word is None else PANEL_WORDS[word]
        if not self.app.main_screen.full_screen(panel) and panel is not None:
            raise CommandError(f"the {word} panel is hidden: {find(panel).hidden_note}")
        said = f"{word} full screen (Escape or zoom brings the panels back)" if word else (
            "every panel is back"
        )
        return CommandOutcome(line, "zoom", output=(Text(said),), data={"panel": panel})

    async def screenshot(
        self, session: Session, command: Command[DeclaredArguments], line: str
    ) -> CommandOutcome:
        """Runs ``screenshot [FILE.svg]`` (FILE with no suffix is given ``.svg``)."""
        filename = command.args["FILE"]
        try:
            if filename is not None:
                if names_a_folder(filename):  # `.`, `..`, `out/`: no name to give .svg
                    raise WriteError(filename, NAMES_A_FOLDER)
                named = Path(filename)
                if not named.suffix:
                    filename = str(named.with_name(named.name + ".svg"))
                elif named.suffix.lower() != ".svg":
                    raise CommandError(f"a screenshot is an SVG picture: name it "
                                       f"{named.stem}.svg, not {named.name}")
            saved = self.app.save_screenshot_file(filename)
        except OSError as error:
            raise CommandError(not_saved(error)) from None
        self.app.notify(f"saved to {saved}", title="screenshot")
        return CommandOutcome(
            line,
            "screenshot",
            output=(Text(f"screenshot saved to {saved}", style="green"),),
            data={"path": str(saved)},
        )

"""The TUI's plugin: commands about the screen, not the system, added through the hooks."""

from __future__ import annotations

from dataclasses import replace
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
    DeclaredArguments,
)
from rapide_shell.commands.front_ends import RESUME, SCREENSHOT
from rapide_shell.commands.front_ends import ZOOM as ZOOM_SPEC
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome
from rapide_shell.tui.panels import PANELS, find

if TYPE_CHECKING:
    from rapide_shell.session import Session
    from rapide_shell.tui.app import RapideApp

PANEL_WORDS = {(panel.title or panel.id).lower(): panel.id for panel in PANELS}
"""The word ``zoom`` takes for each panel, as its border title calls it ("output" for
the console), and the panel's id."""

ZOOM = replace(
    ZOOM_SPEC,
    args=(ArgSpec("PANEL", ArgKind.CHOICE, optional=True, choices=tuple(PANEL_WORDS)),),
)
"""``zoom``, with the panels' words as its choices."""


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

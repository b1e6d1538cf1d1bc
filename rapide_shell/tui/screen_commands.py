"""The TUI's plugin: commands about the screen, not the system, added through the hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from rapide_shell.commands import (
    ArgKind,
    ArgSpec,
    Command,
    CommandCatalog,
    CommandError,
    CommandSpec,
    DeclaredArguments,
)
from rapide_shell.hookspecs import hookimpl
from rapide_shell.outcome import CommandOutcome

if TYPE_CHECKING:
    from rapide_shell.session import Session
    from rapide_shell.tui.app import RapideApp

SCREENSHOT = CommandSpec(
    name="screenshot",
    usage="screenshot [FILE.svg]",
    summary="Save an SVG picture of the screen.",
    details="""\
Saves what the screen shows now as an SVG file: FILE.svg, or a file named after the
app and the time in the current directory. F12 does the same. The message says the
full path written. Only the TUI has this command.""",
    args=(ArgSpec("FILE", ArgKind.FILE, optional=True),),
    while_running=True,
    examples=("screenshot", "screenshot run.svg"),
)


class ScreenCommands:
    """The TUI's plugin: adds the commands that act on ``app``'s screen."""

    def __init__(self, app: RapideApp) -> None:
        self.app = app

    @hookimpl
    def rapide_add_commands(self, catalog: CommandCatalog, session: Session) -> None:
        """Adds ``screenshot``."""
        catalog.register(SCREENSHOT, self.screenshot)

    async def screenshot(
        self, session: Session, command: Command[DeclaredArguments], line: str
    ) -> CommandOutcome:
        """Runs ``screenshot [FILE.svg]``."""
        try:
            saved = self.app.save_screenshot_file(command.args["FILE"])
        except OSError as error:
            raise CommandError(
                f"cannot save the screenshot: {error.strerror} ({error.filename})"
            ) from None
        self.app.notify(f"saved {saved}", title="screenshot")
        return CommandOutcome(
            line,
            "screenshot",
            output=(Text(f"screenshot saved to {saved}", style="green"),),
            data={"path": str(saved)},
        )

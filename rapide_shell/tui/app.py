"""The Rapide workbench TUI: a live, steppable view of one session (``rapide shell``)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import App

from rapide_shell.session import Session
from rapide_shell.tui.palette import CommandLanguageProvider
from rapide_shell.tui.screen_commands import ScreenCommands
from rapide_shell.tui.screens.main_screen import MainScreen
from rapide_shell.tui.theme_colours import ThemeTranslation, workbench_variables


class RapideApp(App[None]):
    """The workbench on one :class:`~rapide_shell.session.Session`.

    The session's system runs in this app's asyncio loop. The app holds what belongs to
    every screen (the styles, the command palette, the screenshot and quit actions); its
    :class:`~rapide_shell.tui.screens.main_screen.MainScreen` holds the panels, their
    keys and the command bar. A session given unstarted is started when the screen
    opens; the session is closed when the app exits. ``script`` (a path) is played one
    command at a time, ``speed`` seconds apart, before the user takes over.
    """

    TITLE = "rapide shell"
    CSS_PATH = ["app.tcss", "dialogs.tcss", "narration.tcss"]
    COMMANDS = App.COMMANDS | {CommandLanguageProvider}

    def __init__(
        self,
        session: Session,
        *,
        script: str | Path | None = None,
        speed: float = 1.0,
    ) -> None:
        super().__init__()
        self.session = session
        self.script = Path(script) if script is not None else None
        self.speed = speed
        self.main_screen = MainScreen(session, script=self.script, speed=speed)
        """The screen of the panels and the command bar (the first on the stack)."""
        session.plugins.register(ScreenCommands(self), name="rapide-tui")
        session.wait_for_presenter = self.main_screen.wait_for_presenter

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, and the ``rapide-*`` colours derived from them so that
        every text the workbench draws reads well in this theme."""
        variables = super().get_css_variables()
        variables.update(workbench_variables(variables))
        self.theme_variables = variables
        self.theme_translation = ThemeTranslation(variables)
        return variables

    def get_default_screen(self) -> MainScreen:
        """The main screen is the first on the stack."""
        return self.main_screen

    async def on_unmount(self) -> None:
        """Stops the system (finish hooks run) when the app closes."""
        if not self.session.closed:
            self.session.system.pause()
            await self.session.close()

    def save_screenshot_file(self, filename: str | None = None) -> Path:
        """Saves an SVG picture of the screen to ``filename`` (default: a name with the
        time, in the current directory) and returns the full path; OSError if it cannot."""
        return Path(self.save_screenshot(filename)).resolve()

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Saves an SVG picture of the screen (in the current directory by default)."""
        output = self.main_screen.output
        try:
            saved = Path(self.save_screenshot(filename, path)).resolve()
        except OSError as error:
            output.write(Text(
                f"error: cannot save the screenshot: {error.strerror} ({error.filename})",
                style="bold red"))
            return
        output.write(Text(f"screenshot saved to {saved}", style="green"))
        self.notify(f"saved {saved}", title="screenshot")

    async def action_quit(self) -> None:
        """Stops any run, closes the session and leaves."""
        if self.session.running:
            await self.session.execute("pause")
        outcome = await self.session.execute("quit")
        if not outcome.quit:
            await self.session.close()
        self.exit()


async def run_shell(
    file: str | Path,
    *,
    arch: str | None = None,
    seed: int | None = None,
    script: str | Path | None = None,
    speed: float = 1.0,
    record: str | Path | None = None,
) -> None:
    """Open the session of the architecture ``file`` and run the workbench on it until
    the user leaves; the session is closed (and the recording ended) on the way out.

    Raises :class:`~rapide_shell.loader.LoadError` when the session cannot be opened.
    """
    async with Session.open(file, arch=arch, seed=seed, record=record) as session:
        await RapideApp(session, script=script, speed=speed).run_async()

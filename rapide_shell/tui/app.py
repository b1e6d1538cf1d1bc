"""The Rapide workbench TUI: a live, steppable view of one session (``rapide shell``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.widgets import Input

from pyrapide.core.printable import printable
from pyrapide.runtime import DEFAULT_HANDLER_TIMEOUT
from rapide_shell.explorations import EXPLORE_PLUGIN, ExploreCommands
from rapide_shell.render import note
from rapide_shell.session import Session
from rapide_shell.tui.palette import CommandLanguageProvider
from rapide_shell.tui.screen_commands import ScreenCommands
from rapide_shell.tui.screens.main_screen import MainScreen

if TYPE_CHECKING:
    from rapide_shell.address import Address


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
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "interrupt", "Pause, then quit", show=False, priority=True,
                id="interrupt"),
    ]

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
        session.plugins.register(ExploreCommands(), name=EXPLORE_PLUGIN)
        session.wait_for_presenter = self.main_screen.wait_for_presenter
        self._interrupted_at: int | None = None
        """How many commands the session had run at the last Ctrl-C (None: none yet)."""

    def get_default_screen(self) -> MainScreen:
        """The main screen is the first on the stack."""
        return self.main_screen

    async def on_unmount(self) -> None:
        """Stops the system (finish hooks run) when the app closes."""
        explorations = self.session.plugins.get_plugin(EXPLORE_PLUGIN)
        if isinstance(explorations, ExploreCommands):
            await explorations.close()
        if not self.session.closed:
            self.session.pause()  # a run in progress ends at its next step
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
            output.write(note(
                f"error: cannot save the screenshot: {error.strerror} ({error.filename})",
                style="bold red"))
            return
        output.write(note(f"screenshot saved to {saved}", style="green"))
        self.notify(printable(f"saved {saved}"), title="screenshot", markup=False)

    async def action_interrupt(self) -> None:
        """Ctrl-C, as at any terminal: pauses a run in progress (after its current step),
        and a second Ctrl-C with no command in between quits (the session closes as with
        Ctrl-Q: finish hooks run, the recording is kept). Each says so. In an input with
        text selected, Ctrl-C copies it instead."""
        focused = self.focused
        if isinstance(focused, Input) and not focused.selection.is_empty:
            focused.action_copy()
            return
        commands = len(self.session.history)
        if self._interrupted_at == commands:
            self.main_screen.output.write(note("Ctrl-C again: quitting", style="bold yellow"))
            await self.action_quit()
            return
        self._interrupted_at = commands
        if self.session.pause():
            message = "Ctrl-C: pausing the run after the current step; Ctrl-C again quits"
        else:
            message = "Ctrl-C again quits (so does Ctrl-Q)"
        self.main_screen.output.write(note(message, style="bold yellow"))
        self.notify(message, title="Ctrl-C", markup=False)

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
    force_record: bool = False,
    handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
    at: Address | None = None,
) -> str | None:
    """Open the session of the architecture ``file`` and run the workbench on it until
    the user leaves; the session is closed (and the recording ended) on the way out.
    ``handler_timeout``: the seconds a handler may keep control (None: no bound);
    ``at``: the point to start at (see :meth:`Session.open`).
    Returns why the recording could not be put in place, if it could not.

    Raises :class:`~rapide_shell.loader.LoadError` when the session cannot be opened.
    """
    async with Session.open(
        file,
        arch=arch,
        seed=seed,
        record=record,
        force_record=force_record,
        handler_timeout=handler_timeout,
        at=at,
    ) as session:
        await RapideApp(session, script=script, speed=speed).run_async()
    return session.recording_problem

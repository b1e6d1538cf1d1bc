"""The Rapide workbench TUI: a live, steppable view of one session (``rapide shell``)."""

from __future__ import annotations

import asyncio
import errno
import io
import os
import shlex
import sys
import threading
from contextlib import AsyncExitStack, ExitStack
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import platformdirs
from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.driver import Driver
from textual.geometry import Size
from textual.widgets import Input

from pyrapide.core.atomic import write_atomically
from pyrapide.core.printable import printable
from pyrapide.runtime import DEFAULT_HANDLER_TIMEOUT
from rapide_shell.downloads import Downloads
from rapide_shell.exit_status import ENDING_SIGNALS, EndedBySignal, end_at_once
from rapide_shell.explorations import EXPLORE_PLUGIN, STOPPED_BY_CTRL_C, ExploreCommands
from rapide_shell.loader import LoadError
from rapide_shell.python_warnings import warnings_shown_by
from rapide_shell.render import note, printing_console
from rapide_shell.session import Session
from rapide_shell.tally import SessionTally
from rapide_shell.tui.collector import first_frame_shown
from rapide_shell.tui.escape_keys import after_escape, read_escape_keys_as_alt
from rapide_shell.tui.printed import HeldPrints, printed_to, reading_nothing
from rapide_shell.tui.screen_commands import ScreenCommands, not_saved
from rapide_shell.tui.screens.main_screen import MainScreen
from rapide_shell.tui.theme_colours import ThemeTranslation, workbench_variables

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.command import Provider
    from textual.screen import Screen

    from rapide_shell.address import Address


def _draws_in_a_browser(driver: type[Driver]) -> bool:
    """Whether ``driver`` is Textual's web driver or one made from it (``rapide serve``).
    The web driver is imported only when it is used: without it imported, no driver can
    be one (a shell in a terminal goes without it, see :mod:`rapide_shell.tui.served`)."""
    web = sys.modules.get("textual.drivers.web_driver")
    return web is not None and issubclass(driver, web.WebDriver)


def _command_language_provider() -> type[Provider]:
    """The palette's provider of the command language, imported when the palette first
    opens (as Textual's own system commands are): most sessions never open it."""
    from rapide_shell.tui.palette import CommandLanguageProvider

    return CommandLanguageProvider


class RapideApp(App[None]):
    """The workbench on one :class:`~rapide_shell.session.Session`.

    The session's system runs in this app's asyncio loop. The app holds what belongs to
    every screen (the styles, the command palette, the screenshot and quit actions); its
    :class:`~rapide_shell.tui.screens.main_screen.MainScreen` holds the panels, their
    keys and the command bar. A session given unstarted is started when the screen
    opens; the session is closed when the app exits. ``script`` (a path) is played one
    command at a time, ``speed`` seconds apart, from line ``start`` (the lines above it
    replayed quickly), before the user takes over. What the
    session met is counted in ``tally``, as the REPL counts it, for the exit status of
    ``rapide shell`` (see :func:`run_shell`).
    """

    TITLE = "rapide shell"
    CSS_PATH = ["app.tcss", "dialogs.tcss", "narration.tcss"]
    COMMANDS = App.COMMANDS | {_command_language_provider}
    BINDINGS: ClassVar[list[BindingType]] = [
        # On the app, not the main screen: a screenshot can be taken over any dialog too.
        Binding("f12", "screenshot", "SVG", id="screenshot", priority=True,
                tooltip="Save a picture of the screen (SVG)"),
        Binding("ctrl+c", "interrupt", "Pause, then quit", show=False, priority=True,
                id="interrupt"),
    ]

    def __init__(
        self,
        session: Session,
        *,
        script: str | Path | None = None,
        speed: float = 1.0,
        start: int = 1,
        screenshots: str | Path | None = None,
        printed: Iterable[tuple[str, bool]] = (),
    ) -> None:
        super().__init__()
        read_escape_keys_as_alt()  # Escape then a key, pressed quickly: see on_event
        self.session = session
        self._printed_before = list(printed)
        """What the architecture's code printed before the app ran (as the session
        opened: see :class:`~rapide_shell.tui.printed.HeldPrints`), for the Output."""
        self.screenshots = Path(screenshots) if screenshots is not None else None
        """Where F12 saves its pictures (None: see :meth:`screenshot_folder`)."""
        self.script = Path(script) if script is not None else None
        self.speed = speed
        self.tally = SessionTally()
        """What the session met: the lines entered and what each met, every
        exploration's answer, a second Ctrl-C that cut a line short."""
        self.main_screen = MainScreen(
            session, self.tally, script=self.script, speed=speed, start=start
        )
        """The screen of the panels and the command bar (the first on the stack)."""
        session.plugins.register(ScreenCommands(self), name="rapide-tui")
        explorations = ExploreCommands()
        session.plugins.register(explorations, name=EXPLORE_PLUGIN)
        self.tally.follow_explorations(session, explorations)
        session.wait_for_presenter = self.main_screen.player.wait_for_presenter
        self._interrupted_at: int | None = None
        """How many commands the session had run at the last Ctrl-C (None: none yet)."""
        self._left_by = "the workbench closed"
        """What stops an exploration still running as the app closes, as its verdict
        (and the exit status) names it: a second Ctrl-C, or a plain leaving."""
        self._warnings = ExitStack()
        """Holds, from mounting to unmounting, Python's warnings and what the
        architecture's code prints shown in the Output, and its standard input empty."""
        self.served = False
        """The app is drawn in a web browser (``rapide serve``), not in a terminal (see
        :meth:`serve_to_browser`)."""
        if _draws_in_a_browser(self.driver_class):  # known before a script's first `save`
            self.serve_to_browser()

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform; on Linux and macOS one that outlives its
        terminal, and in a browser one that ends when its server does (see
        :mod:`rapide_shell.tui.hangup` and :mod:`rapide_shell.tui.served`)."""
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver":
            from rapide_shell.tui.hangup import HangupSafeDriver

            return HangupSafeDriver
        if driver.__name__ == "WebDriver":
            from rapide_shell.tui.served import ServedDriver

            return ServedDriver
        return driver

    def serve_to_browser(self) -> None:
        """The app is drawn in a web browser (``rapide serve``), on a machine that is not
        the user's: from now on F12's pictures and the files the commands write are sent
        to the browser as downloads (see :mod:`rapide_shell.downloads`)."""
        self.served = True
        self.session.downloads = Downloads(self._send_to_browser)

    def _send_to_browser(self, name: str, data: bytes) -> None:
        """Sends ``data`` to the browser as a download named ``name``."""
        self.deliver_binary(
            io.BytesIO(data), save_filename=name, mime_type="application/octet-stream"
        )

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, and the ``rapide-*`` colours derived from them so that
        every text the workbench draws reads well in this theme."""
        variables = super().get_css_variables()
        variables.update(workbench_variables(variables))
        self.theme_variables = variables
        self.theme_translation = ThemeTranslation(variables)
        return variables

    async def on_event(self, event: events.Event) -> None:
        """Escape then a key, pressed quickly, arrives as Alt and the key (see
        :mod:`rapide_shell.tui.escape_keys`), and so does Alt and the key: unless
        something binds that Alt key, it is read as Escape then the key. The Escape acts
        at once (see :meth:`escape_at_once`), before the keys queued behind it are read
        (so that Escape, `<`, `<` goes back twice), then the key goes where it would
        have gone alone: to the screen below a dialog the Escape closed."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            typed = after_escape(event)
            if typed is not None and event.key not in self.screen.active_bindings:
                await self.escape_at_once()
                event = typed
        await super().on_event(event)

    async def escape_at_once(self) -> None:
        """Does what Escape pressed alone does on the screen on top, now rather than
        when the key would reach it through the message queues. On the main screen it
        leaves the command bar (the bar's own Escape asks for that by a message). On any
        other screen (the inject dialog, the help, the command palette, a script's wait)
        it runs the action Escape is bound to there, the focused widget's first, as
        Textual does: the dialog closes, with the result its Escape gives; back on the
        main screen, the bar takes the focus as it does on resuming, but at once, so
        that the keys after the Escape are typed there, as they are pressed slowly.
        With a panel focused, the panel takes the Escape before the key, in order (the
        graph's search ends, and the key acts on the graph)."""
        screen = self.screen
        if screen is self.main_screen:
            if not self.main_screen.leave_bar() and screen.focused is not None:
                screen.focused.post_message(events.Key("escape", "\x1b"))
            return
        escape = screen.active_bindings.get("escape")
        if escape is not None and escape.enabled:
            await self.run_action(escape.binding.action, escape.node)
        if self.screen is self.main_screen:
            self.main_screen.take_typing()

    def action_command_palette(self) -> None:
        """Shows the command palette (the workbench's: see :class:`WorkbenchPalette`)."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            from rapide_shell.tui.palette import WorkbenchPalette

            self.push_screen(WorkbenchPalette(id="--command-palette"))

    def on_ready(self) -> None:
        """The first frame is on the screen: the collector may run again (see
        :mod:`rapide_shell.tui.collector`)."""
        first_frame_shown()

    def get_default_screen(self) -> MainScreen:
        """The main screen is the first on the stack."""
        return self.main_screen

    def on_mount(self) -> None:
        """Python's warnings (raised by the architecture's code) and what its code
        prints are shown in the Output while the app runs: there is no terminal under it
        to print them on, nor to read from (its standard input is at its end). SIGTERM
        and SIGHUP end the workbench as Ctrl-Q does (see :meth:`end_by_signal`)."""
        self._console_as_large_as(self.size)
        self._warnings.enter_context(warnings_shown_by(self.show_python_warning, self.session.path))
        self._warnings.enter_context(printed_to(self.show_printed, echo=self.is_headless))
        self._warnings.enter_context(reading_nothing())
        for text, stderr in self._printed_before:
            self.show_printed(text, stderr)
        if threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()
            for number in ENDING_SIGNALS:
                loop.add_signal_handler(number, self.end_by_signal, number)
                self._warnings.callback(loop.remove_signal_handler, number)

    def on_resize(self, resized: events.Resize) -> None:
        """Keeps the console as large as the screen (see :meth:`_console_as_large_as`)."""
        self._console_as_large_as(resized.size)

    def _console_as_large_as(self, size: Size) -> None:
        """The console the text of the panels is measured with takes the screen's size.
        Left alone, it keeps the size it read as the app started: the COLUMNS that
        ``rapide serve`` gives each tab (the browser's width as the tab opened), or 80
        where there is no terminal; a log (the output) measures a line against it, so a
        tab opened in a small window and made larger wrapped every line of the output
        at the small width, in a panel twice as wide."""
        if size.width > 0 and size.height > 0:
            self.console.size = (size.width, size.height)

    def end_by_signal(self, number: int) -> None:
        """The process was asked to end (SIGTERM) or its terminal closed (SIGHUP): leave
        as Ctrl-Q does, at once, a script playing stopped and a command under way (a
        ``wait``) cut short: the finish hooks run, the recording is kept, the terminal
        is given back as it was, and the exit status is the signal's (128 + its number).
        A second one while leaving (something holds the app) ends the process at once."""
        if self.tally.ended_by is not None:
            end_at_once(number)
            return
        self.tally.ended_by = ended = EndedBySignal(number)
        self.tally.cut_short()
        self._left_by = ended.reason
        self.main_screen.player.take_over()
        self.session.pause()
        self.call_next(self.action_quit)

    async def on_unmount(self) -> None:
        """Stops the system (finish hooks run) when the app closes."""
        self._warnings.close()
        explorations = self.session.plugins.get_plugin(EXPLORE_PLUGIN)
        if isinstance(explorations, ExploreCommands):
            await explorations.close(self._left_by)
        if not self.session.closed:
            self.session.pause()  # a run in progress ends at its next step
            await self.session.close()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands of the palette, with the workbench's keys behind them:
        "Screenshot" is F12's (saved in :meth:`screenshot_folder`, and said where, not
        left to Textual's own saving), "Maximize" and "Minimize" are F11's (the panel
        last focused: once the palette closes, the command bar has the focus again)."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                command = command._replace(callback=self.action_screenshot)
            elif command.title in ("Maximize", "Minimize") and isinstance(screen, MainScreen):
                command = command._replace(callback=screen.action_full_screen)
            yield command

    def screenshot_folder(self) -> Path:
        """Where F12 saves its pictures: the folder given to the app, else the one
        ``RAPIDE_SCREENSHOTS`` names, else ``rapide`` in the user's pictures folder."""
        if self.screenshots is not None:
            return self.screenshots
        named = os.environ.get("RAPIDE_SCREENSHOTS")
        if named:
            return Path(named)
        return platformdirs.user_pictures_path() / "rapide"

    def save_screenshot_file(self, filename: str | None = None) -> str:
        """Saves an SVG picture of the screen to ``filename`` (default: a name with the
        time, in :meth:`screenshot_folder`, made if need be) and returns where it went,
        as the user can find it (the full path); OSError if it cannot. In a browser
        (``rapide serve``) the picture is sent there as a download instead, under
        ``filename``'s name: the machine serving the page is not the user's. The status
        line says where it went, for a while."""
        downloads = self.session.downloads
        if downloads is not None:
            name = filename if filename is not None else (
                f"rapide_shell_{datetime.now():%Y-%m-%dT%H_%M_%S}.svg")
            picture = self.export_screenshot()
            sent = downloads.write(name, lambda path: write_atomically(path, picture))
            self.main_screen.view.show_note("SVG sent to the browser's downloads")
            return sent
        if filename is None:
            folder = self.screenshot_folder()
            if folder.exists() and not folder.is_dir():  # mkdir would say "File exists"
                raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder", str(folder))
            folder.mkdir(parents=True, exist_ok=True)
            saved = Path(self.save_screenshot(path=str(folder))).resolve()
        else:
            saved = Path(self.save_screenshot(filename)).resolve()
        self.main_screen.view.show_note(f"SVG saved in {_home_relative(saved.parent)}")
        return str(saved)

    def show_python_warning(self, line: str) -> None:
        """Shows a Python warning the architecture's code raised (a coroutine it never
        awaited, say) in the Output, where a terminal would have printed it (to Textual's
        log before the Output is there)."""
        try:
            output = self.main_screen.output
        except NoMatches:
            self.log.warning(line)
            return
        output.write(note(line, style="yellow"))

    def show_printed(self, text: str, stderr: bool) -> None:
        """Shows what the architecture's code wrote to standard output or error in the
        Output, in order with what the commands say."""
        self.main_screen.view.take_printed(text, stderr)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Saves an SVG picture of the screen (see :meth:`save_screenshot_file`;
        ``path``, a folder, joins ``filename`` when both are given)."""
        output = self.main_screen.output
        if filename is not None and path is not None:
            filename = str(Path(path) / filename)
        try:
            saved = self.save_screenshot_file(filename)
        except OSError as error:
            output.write(note(f"error: {not_saved(error)}", style="bold red"))
            return
        output.write(note(f"screenshot saved to {saved}", style="green"))
        self.notify(printable(f"saved to {saved}"), title="screenshot", markup=False)

    async def action_interrupt(self) -> None:
        """Ctrl-C, as at any terminal: pauses a run in progress (after its current step),
        stops a travel through the history (``back``, ``goto``, F8, ...) at the step its
        replay has reached, stops a plugin's command that waits (as the REPL's Ctrl-C
        does: see ``Session.stop_command``), and stops a script playing after its line
        in progress, as ``rapide run`` does, leaving the session to the user (see
        :meth:`ScriptPlayer.take_over`); a second Ctrl-C with no command in between
        quits (the session closes as with Ctrl-Q: finish hooks run, the recording is
        kept), cutting short, as in the REPL, a command still under way (a ``wait``) and
        an exploration still running: the exit status says so (130). Each says so. In an
        input with text selected, Ctrl-C copies it instead; so it does text selected on
        the screen with the mouse, and lets it go, so that the next Ctrl-C interrupts."""
        focused = self.focused
        if isinstance(focused, Input) and not focused.selection.is_empty:
            focused.action_copy()
            return
        selected = self.screen.get_selected_text()
        if selected:
            self.copy_to_clipboard(selected)
            self.screen.clear_selection()
            return
        commands = len(self.session.history)
        # A script still finishing the line it was stopped at has run nothing in between.
        if self._interrupted_at == commands or self.main_screen.player.taking_over:
            self.main_screen.output.write(note("Ctrl-C again: quitting", style="bold yellow"))
            self.tally.cut_short()
            self._left_by = STOPPED_BY_CTRL_C
            await self.action_quit()
            return
        self._interrupted_at = commands
        stopping = self.main_screen.player.take_over()
        travelling = self.session.travelling
        # A plugin's command waiting on something, with no run or travel to pause.
        waiting = None if travelling or self.session.running else self.session.stoppable
        if waiting is not None and self.session.stop_command():
            stopped = ", and stopping the script" if stopping else ""
            message = f"Ctrl-C: stopping {waiting}{stopped}; Ctrl-C again quits"
        elif self.session.pause():
            stopped = ", and stopping the script" if stopping else ""
            pausing = (
                "stopping the travel at the step it has reached" if travelling
                else "pausing the run after the current step"
            )
            message = f"Ctrl-C: {pausing}{stopped}; Ctrl-C again quits"
        elif stopping:
            message = "Ctrl-C: stopping the script after the line in progress; Ctrl-C again quits"
        else:
            message = "Ctrl-C again quits (so does Ctrl-Q)"
        self.main_screen.output.write(note(message, style="bold yellow"))
        self.notify(message, title="Ctrl-C", markup=False)

    @on(MainScreen.TookOver)
    def _script_taken_over(self) -> None:
        # The script's last line ended after the Ctrl-C that stopped it: the next Ctrl-C
        # still comes with nothing in between, and quits.
        self._interrupted_at = len(self.session.history)

    async def action_quit(self) -> None:
        """Stops any run or travel, closes the session and leaves. The command that
        ran it ends first (a moment at most), so that it is recorded whole and the
        session is not closed under a replay: paused as the `pause` key does, not by a
        command of its own, which would take the run's last steps as its own."""
        if self.session.pause():
            await self.main_screen.commands_ended(timeout=QUIT_WAITS_FOR_A_RUN)
        outcome = await self.session.execute("quit")
        if not outcome.quit:
            await self.session.close()
        self.exit()


QUIT_WAITS_FOR_A_RUN = 2.0
"""The seconds leaving waits for a paused run's command to end (its handler may be in
the middle of a slow step)."""


async def run_shell(
    file: str | Path,
    *,
    arch: str | None = None,
    seed: int | None = None,
    script: str | Path | None = None,
    speed: float = 1.0,
    start: int = 1,
    record: str | Path | None = None,
    force_record: bool = False,
    handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
    screenshots: str | Path | None = None,
    at: Address | None = None,
) -> int:
    """Open the session of the architecture ``file`` and run the workbench on it until
    the user leaves; the session is closed (and the recording ended) on the way out.
    ``handler_timeout``: the seconds a handler may keep control (None: no bound);
    ``screenshots`` is the folder F12 saves to (see :meth:`RapideApp.screenshot_folder`).
    ``at``: the point to start at (see :meth:`Session.open`); ``start``: the line of
    ``script`` to start playing from, the lines above it replayed quickly first.

    Returns the exit status, the most serious thing the session met, as ``rapide
    repl`` sums its own up (:meth:`SessionTally.sum_up`). Once the screen is gone, the
    terminal shows what the hooks reported (the start hooks' too: the panels that
    listed them are gone), why the recording could not be written, and the line on
    stderr that explains a status other than 0; a tab of ``rapide serve``, whose
    output is not a terminal, says nothing.

    Raises :class:`~rapide_shell.loader.LoadError` when the session cannot be opened, or
    there is no terminal to draw in, and KeyboardInterrupt when Ctrl-C was pressed as it
    opened (its session closed first, as after a Ctrl-C anywhere else).
    """
    held = HeldPrints()  # what the file's code prints as the session opens
    async with AsyncExitStack() as opened:
        with held.holding():
            session = await opened.enter_async_context(Session.open(
                file,
                arch=arch,
                seed=seed,
                record=record,
                force_record=force_record,
                handler_timeout=handler_timeout,
                at=at,
            ))
        refusal = _no_screen(file, script)
        if refusal is not None:
            held.write_out()
            raise LoadError(refusal)
        interrupted = await _interrupted_as_it_opened()
        if interrupted:
            held.write_out()
        else:
            app = RapideApp(
                session, script=script, speed=speed, start=start, screenshots=screenshots,
                printed=held.take(),
            )
            await app.run_async()
            # Textual stopped the app on an error of the workbench's own, and printed its
            # traceback as the screen went: not a session that ended well.
            app.tally.broke_down = bool(app.return_code)
    if interrupted:
        raise KeyboardInterrupt
    console = None if app.served else printing_console(highlight=False)
    return app.tally.sum_up(session, console, hooks=("start", "finish"))


async def _interrupted_as_it_opened() -> bool:
    """Whether Ctrl-C was pressed while the session opened, before the screen took the
    terminal (while the architecture's modules were built and their start hooks ran).

    asyncio.run takes a first Ctrl-C by cancelling the task, which learns of it at the
    first await that waits: that was inside Textual as the screen was being built, which
    it left half built, with a traceback, and the shell exited 0. Here is where it learns
    of it now."""
    try:
        await asyncio.sleep(0)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is None or task.uncancel():  # a cancellation of another's: it goes on
            raise
        return True
    return False


def _no_screen(file: str | Path, script: str | Path | None = None) -> str | None:
    """Why the workbench cannot draw its screen here, in one line saying what to use
    instead, or None. Its keys come from standard input and Textual draws on standard
    error: each must be a terminal (else Textual draws into a pipe all the same and
    waits for keys), and one that TERM does not call dumb (Textual then takes it for
    80x25 until it learns its size, and the screen, laid out for both sizes in turn,
    never settles: the workbench spun without answering a key). A tab of ``rapide
    serve`` (Textual's web driver, named in TEXTUAL_DRIVER) needs none.

    The command it names is given the architecture ``file`` and the ``script`` to play,
    as they were given (a lesson's in the folder of the lessons, which a presenter
    trying one in CI has no other way to learn)."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return None
    file = shlex.quote(str(file))
    script = "SCRIPT" if script is None else shlex.quote(str(script))
    for name, stream in (("standard input", sys.stdin), ("standard error", sys.__stderr__)):
        try:
            terminal = stream is not None and stream.isatty()
        except ValueError:  # a stream closed
            terminal = False
        if not terminal:
            return (
                f"the workbench draws in a terminal, and {name} is not one: for a script "
                f"without a terminal, rapide run {file} --script {script}; for commands "
                f"piped in, rapide repl {file} < COMMANDS"
            )
    term = os.environ.get("TERM", "")
    if term.lower() in ("dumb", "unknown"):
        return (
            f"the workbench draws a screen, and this terminal cannot show one "
            f"(TERM={term}): rapide repl {file} takes the same commands at a prompt"
        )
    return None


def _home_relative(folder: Path, width: int = 40) -> str:
    """``folder`` with the user's home written ``~``, as a person reads it (printable: a
    path is data); a long one keeps its start and its last two folders
    (``/tmp/…/run/pictures``)."""
    try:
        shown = "~/" + str(folder.relative_to(Path.home()))
    except ValueError:
        shown = str(folder)
    parts = Path(shown).parts
    if len(shown) > width and len(parts) > 3:
        shown = str(Path(parts[0], parts[1] if parts[0] == "/" else "", "…", *parts[-2:]))
    return printable(shown)

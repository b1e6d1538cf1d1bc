"""The Rapide workbench TUI: a live, steppable view of one session (``rapide shell``)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static

from pyrapide.core.printable import printable
from rapide_shell.render import note
from rapide_shell.script import script_lines
from rapide_shell.tui.live import NotificationBatch
from rapide_shell.tui.palette import CommandLanguageProvider
from rapide_shell.tui.screen_commands import ScreenCommands
from rapide_shell.tui.screens.help_screen import HelpScreen
from rapide_shell.tui.screens.inject_dialog import InjectDialog
from rapide_shell.tui.session_view import SessionView
from rapide_shell.tui.widgets.command_bar import CommandBar
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.dispatch_queue import DispatchQueue
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.inspector import Inspector
from rapide_shell.tui.widgets.output_log import OutputLog
from rapide_shell.tui.widgets.watch_panel import WatchPanel

if TYPE_CHECKING:
    from rapide_shell.session import Session

#: The panels, in the order their number keys (1, 2, ...) focus them.
PANELS = {
    "graph": "graph", "queue": "queue", "events": "event log", "inspector": "inspector",
    "console": "output", "watches": "watches", "errors": "errors",
}


class RapideApp(SessionView, App[None]):
    """The workbench on one :class:`~rapide_shell.session.Session`.

    The session's system runs in this app's asyncio loop; the screen draws only what
    the session reports through its notifications, batched per frame. ``script`` (a
    path) is played one command at a time, ``speed`` seconds apart, before the user
    takes over.
    """

    TITLE = "rapide shell"
    CSS_PATH: ClassVar[list[str | Path]] = ["app.tcss", "dialogs.tcss"]
    COMMANDS: ClassVar[set] = App.COMMANDS | {CommandLanguageProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "step", "Step", id="step"),
        Binding("f5", "run", "Run/continue", id="run"),
        Binding("f6", "pause", "Pause", id="pause"),
        Binding("f3", "inject", "Inject", id="inject"),
        Binding("f4", "watch", "Watch", id="watch"),
        Binding("f7", "break", "Break", id="break"),
        Binding("f1", "help", "Help", id="help"),
        Binding("f12", "screenshot", "SVG", id="screenshot"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("colon", "focus_bar", "Command bar", show=False, id="focus_bar"),
        Binding("question_mark", "help", "Help", show=False, id="help_key"),
        Binding("s", "step", "Step", show=False, id="step_key"),
        Binding("r", "run", "Run", show=False, id="run_key"),
        Binding("p", "pause", "Pause", show=False, id="pause_key"),
        Binding("i", "inject", "Inject", show=False, id="inject_key"),
        Binding("w", "watch", "Watch", show=False, id="watch_key"),
        Binding("b", "break", "Break", show=False, id="break_key"),
        *(
            Binding(str(number), f"focus_panel('{panel}')", f"Go to the {title}", show=False,
                    id=f"focus_{panel}")
            for number, (panel, title) in enumerate(PANELS.items(), start=1)
        ),
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
        self._unsubscribe: Any = None
        self.init_session_view()
        session.plugins.register(ScreenCommands(self), name="rapide-tui")

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="status")
        with Horizontal(id="top"):
            yield ConnectionGraph(id="graph")
            yield DispatchQueue(id="queue")
        with Horizontal(id="middle"):
            yield EventLog(id="events")
            yield Inspector(id="inspector")
        with Horizontal(id="bottom"):
            yield OutputLog(id="console", wrap=True, max_lines=5000, min_width=20)
            with Vertical(id="side"):
                yield ErrorPanel(id="errors")
                yield WatchPanel(id="watches")
        yield Static("", id="completions")
        yield CommandBar(self._complete, id="bar")
        yield Footer()

    async def on_mount(self) -> None:
        """Starts the session's system in this loop, draws it and focuses the bar."""
        for panel, title, subtitle in (
            ("graph", "Graph", "──▶ connect  ══▶ pipe  ┄┄▶ agent  ✓ delivered"),
            ("queue", "Queue", "Enter runs the highlighted one"),
            ("events", "Events", "End follows new events"),
            ("inspector", "Inspector", "Enter follows a cause or effect"),
            ("console", "Output", ""),
            ("watches", "Watches", "Enter on a match marks its events"),
        ):
            widget = self.query_one(f"#{panel}")
            widget.border_title = title
            widget.border_subtitle = subtitle
        self._unsubscribe = self.session.subscribe(self._on_notification)
        if self.session.system is None:
            await self.session.start()
        self._batch = NotificationBatch()  # what start reported is redrawn below
        self._redraw_all()
        self.output.write(Text.assemble(
            ("Rapide workbench", "bold"), f" on {printable(self.session.path.name)}. Type ",
            ("help", "bold"), " or press ", ("F1", "bold"), "; ",
            ("F3", "bold"), " injects an event, ", ("F2", "bold"), " steps, ",
            ("F5", "bold"), " runs. ", ("Escape", "bold"), " leaves this bar for the panels (",
            ("1", "bold"), "-", ("7", "bold"), " pick one), ", (":", "bold"), " comes back.",
        ))
        self.query_one(CommandBar).focus()
        if self.script is not None:
            self.play_script(self.script)

    async def on_unmount(self) -> None:
        """Stops the system (finish hooks run) when the app closes."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        if not self.session.closed:
            self.session.system.pause()
            await self.session.close()

    @property
    def output(self) -> OutputLog:
        """The output panel where commands and their results are printed."""
        return self.query_one("#console", OutputLog)

    # -- widgets talking ---------------------------------------------------------------

    @on(EventLog.EventSelected)
    def _inspect(self, selected: EventLog.EventSelected) -> None:
        if selected.followed:
            # Following a run: show the newest event now and then, not per frame.
            self._throttle("inspector", self._inspect_selected)
        else:
            self._show_in_inspector(selected.event)

    @on(EventLog.EventChosen)
    def _look_into(self, chosen: EventLog.EventChosen) -> None:
        self._show_in_inspector(chosen.event)
        self.query_one(Inspector).focus()

    @on(Inspector.LinkChosen)
    def _follow_link(self, chosen: Inspector.LinkChosen) -> None:
        self.query_one(EventLog).select_id(chosen.event_id)

    @on(DispatchQueue.DispatchHighlighted)
    def _dispatch_highlighted(self, highlighted: DispatchQueue.DispatchHighlighted) -> None:
        self._queue_connection = highlighted.connection_index
        self._redraw_highlight()

    @on(DispatchQueue.DispatchChosen)
    def _dispatch_chosen(self, chosen: DispatchQueue.DispatchChosen) -> None:
        self.submit_command(f"step #{chosen.dispatch_id}")

    @on(WatchPanel.MatchSelected)
    def _match_selected(self, selected: WatchPanel.MatchSelected) -> None:
        self.query_one(EventLog).mark(selected.event_ids)

    @on(ErrorPanel.ProblemSelected)
    def _problem_selected(self, selected: ErrorPanel.ProblemSelected) -> None:
        problem = selected.problem  # its texts are printable already
        self.output.write(Text(f"{problem.kind}: {problem.summary}", style="bold red"))
        if problem.details and problem.details != problem.summary:
            self.output.write(Text(problem.details.rstrip()))
        if problem.event_id is not None:
            self.query_one(EventLog).select_id(problem.event_id)

    @on(CommandBar.CommandSubmitted)
    def _command_submitted(self, submitted: CommandBar.CommandSubmitted) -> None:
        self.submit_command(submitted.line)

    @on(CommandBar.CompletionsShown)
    def _show_completions(self, shown: CommandBar.CompletionsShown) -> None:
        hint = self.query_one("#completions", Static)
        candidates = shown.candidates
        if len(candidates) <= 1 and (not candidates or candidates[0].strip() == ""):
            hint.update("", layout=False)  # the hint is always one line
            return
        bar = self.query_one(CommandBar)
        hint_text = Text("  Tab: ", style="dim")
        for candidate in candidates[:12]:
            word = candidate.rsplit(" ", 1)[-1] or candidate
            hint_text.append(word, style="bold reverse" if candidate == bar.value else "dim")
            hint_text.append("  ")
        if len(candidates) > 12:
            hint_text.append(f"(+{len(candidates) - 12})", style="dim")
        hint.update(hint_text, layout=False)  # the hint is always one line

    @on(CommandBar.Left)
    def _leave_bar(self) -> None:
        self.query_one(EventLog).focus()

    # -- commands ------------------------------------------------------------------------

    def _complete(self, text: str) -> list[str]:
        """Full-line completions of ``text`` from the session's completer; a candidate that
        holds a control character (an event id from a hostile file, say) is left out, since
        the bar would show it raw."""
        lines: list[str] = []
        for completion in self.session.completions(text):
            line = text[: completion.start] + completion.text
            if line != text and line not in lines and printable(line) == line:
                lines.append(line)
        return lines

    def submit_command(self, line: str) -> None:
        """Echoes ``line`` and runs it in the background (a long ``run`` never blocks)."""
        self.output.write(note(f"> {line}", style="bold"))
        if line.split() == ["pause"]:
            self._pause_now()
            return
        self._execute(line)

    def _pause_now(self) -> None:
        # The session's pause only raises a flag that the run reads after its current
        # step; doing it here, not in a worker, spares the loop turns a worker needs
        # to start while the run holds the loop, so the run stops at once.
        if self.session.pause():
            self.output.write(Text("pausing after the current dispatch", style="bold yellow"))
        else:
            self.output.write(Text("nothing is running (between commands the system is "
                                   "always paused)"))

    def prefill_command(self, text: str) -> None:
        """Puts ``text`` in the command bar and focuses it, for the user to finish."""
        bar = self.query_one(CommandBar)
        bar.value = text
        bar.cursor_position = len(text)
        bar.focus()

    @work(group="commands", exit_on_error=False)
    async def _execute(self, line: str) -> None:
        await self.execute_line(line)

    async def execute_line(self, line: str) -> Any:
        """Runs one line through the session (the TUI's own commands included)."""
        outcome = await self.session.execute(line)
        if outcome.quit:
            self.exit()
        return outcome

    @work(group="script", exit_on_error=False)
    async def play_script(self, path: Path) -> None:
        """Plays a script visibly, one command every ``speed`` seconds, then hands over."""
        try:
            lines = script_lines(path.read_text(encoding="utf-8"))
        except OSError as error:
            self.output.write(note(f"cannot read script {path}: {error.strerror}", "bold red"))
            return
        bar = self.query_one(CommandBar)
        self.output.write(note(f"playing {path} (one command every {self.speed:g}s)", "italic"))
        for number, raw in enumerate(lines, start=1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#"):
                self.output.write(note(line.lstrip("# "), style="italic cyan"))
                continue
            await self._type_into(bar, line)
            bar.value = ""
            self.output.write(note(f"> {line}", style="bold"))
            outcome = await self.execute_line(line)
            if outcome is not None and not outcome.ok:
                self.output.write(Text(f"script line {number} failed", style="bold red"))
            if outcome is not None and outcome.quit:
                return
            await asyncio.sleep(self.speed)
        self.notify("The script is done: the session is yours.", title="demo")

    async def _type_into(self, bar: CommandBar, line: str) -> None:
        """Types ``line`` into the bar a character at a time, for the audience to read."""
        per_character = min(self.speed / 2, 1.5) / max(1, len(line))
        for end in range(1, len(line) + 1):
            bar.value = line[:end]
            await asyncio.sleep(per_character)
        await asyncio.sleep(min(self.speed / 4, 0.5))

    # -- actions -------------------------------------------------------------------------

    def action_step(self) -> None:
        """Runs the next pending dispatch."""
        self.submit_command("step")

    def action_run(self) -> None:
        """Runs until quiet or a breakpoint (continues after one)."""
        self.submit_command("run")

    def action_pause(self) -> None:
        """Pauses a run in progress after the current dispatch."""
        self.submit_command("pause")

    def action_inject(self) -> None:
        """Opens the inject dialog; what it builds is run as an ``inject`` command."""

        def injected(command: str | None) -> None:
            if command:
                self.submit_command(command)

        self.push_screen(InjectDialog(self.session.actions), injected)

    def action_watch(self) -> None:
        """Starts a ``watch`` command in the bar."""
        self.prefill_command("watch ")

    def action_break(self) -> None:
        """Starts a ``break`` command in the bar."""
        self.prefill_command("break ")

    def action_focus_bar(self) -> None:
        """Moves the focus to the command bar."""
        self.query_one(CommandBar).focus()

    def action_focus_panel(self, panel: str) -> None:
        """Moves the focus to one panel."""
        if panel == "errors" and not self.query_one(ErrorPanel).problems:
            self.notify("No errors so far.", timeout=2)
        else:
            self.query_one(f"#{panel}").focus()

    def action_help(self) -> None:
        """Shows the key bindings and the commands."""
        keys = [
            (self.get_key_display(binding), binding.description)
            for binding in self.BINDINGS
            if isinstance(binding, Binding) and binding.show
        ]
        keys += [
            (": / Escape", "Go to / leave the command bar"),
            ("s r p i w b", "Step, run, pause, inject, watch, break (outside the bar)"),
            ("1 … 7", "Go to a panel: " + ", ".join(PANELS.values())),
            ("ctrl+p", "Command palette: every command of the language"),
        ]
        commands = [(spec.usage, spec.summary) for spec in self.session.catalog]
        self.push_screen(HelpScreen(keys, commands))

    def save_screenshot_file(self, filename: str | None = None) -> Path:
        """Saves an SVG picture of the screen to ``filename`` (default: a name with the
        time, in the current directory) and returns the full path; OSError if it cannot."""
        return Path(self.save_screenshot(filename)).resolve()

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Saves an SVG picture of the screen (in the current directory by default)."""
        try:
            saved = Path(self.save_screenshot(filename, path)).resolve()
        except OSError as error:
            self.output.write(note(
                f"error: cannot save the screenshot: {error.strerror} ({error.filename})",
                style="bold red"))
            return
        self.output.write(note(f"screenshot saved to {saved}", style="green"))
        self.notify(printable(f"saved {saved}"), title="screenshot", markup=False)

    async def action_quit(self) -> None:
        """Stops any run, closes the session and leaves."""
        if self.session.running:
            await self.session.execute("pause")
        outcome = await self.session.execute("quit")
        if not outcome.quit:
            await self.session.close()
        self.exit()


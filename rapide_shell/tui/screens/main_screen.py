"""The workbench's main screen: the panels, the command bar, their keys and what they say."""

from __future__ import annotations

import asyncio
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from pyrapide.core.printable import printable
from rapide_shell.commands.builtin.running import SLOWEST
from rapide_shell.outcome import CommandOutcome
from rapide_shell.render import note
from rapide_shell.tui.panels import PANELS, by_key, find, key_range
from rapide_shell.tui.screens.panel_layout import BORDERS, TOO_SMALL, PanelLayout
from rapide_shell.tui.screens.script_player import ScriptPlayer
from rapide_shell.tui.session_view import SessionView
from rapide_shell.tui.widgets.command_bar import CommandBar
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.dispatch_queue import DispatchQueue
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.history_panel import HistoryPanel
from rapide_shell.tui.widgets.inspector import Inspector
from rapide_shell.tui.widgets.key_bar import KeyBar, compact_for
from rapide_shell.tui.widgets.narration_banner import NarrationBanner
from rapide_shell.tui.widgets.output_log import OutputLog
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel
from rapide_shell.tui.widgets.watch_panel import WatchPanel

if TYPE_CHECKING:
    from rapide_shell.session import Session
    from rapide_shell.tally import SessionTally


SLOW_START = 1.0
"""The seconds between steps when `[` first turns slow motion on."""
FASTEST = 0.05
"""Below this many seconds between steps, `]` goes back to full speed."""
TRAVEL_HINT_SECONDS = 0.5
"""A travel through the history still replaying after this long says how to stop it."""


class MainScreen(Screen[None]):
    """The panels of one :class:`~rapide_shell.session.Session`, its command bar and the
    keys that drive it.

    The screen starts the session if it was given one unstarted, draws only what the
    session reports (through a :class:`~rapide_shell.tui.session_view.SessionView`) and
    runs every command through the session, counting each line entered (typed, pasted,
    sent by a key, a dialog or the palette, or played) and what it met in ``tally``, as
    the REPL counts its own. ``script`` (a path) is played by the screen's ``player``
    (a :class:`~rapide_shell.tui.screens.script_player.ScriptPlayer`), one command at
    a time, ``speed`` seconds apart, from line ``start`` (the lines above it replayed
    quickly first), before the user takes over: at its end, or sooner, after the line
    in progress, when the user asks (Ctrl-C); ``resume`` then plays the rest.
    """

    class TookOver(Message):
        """A played script stopped because the user took over (see
        :meth:`~rapide_shell.tui.screens.script_player.ScriptPlayer.take_over`): the
        session is theirs from here, and a Ctrl-C counts from here too. The player posts
        it through the screen, which the app listens to."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Quitting is the app's action, listed here so that the footer shows it first
        # (F12, a screenshot, is the app's own key: it works over dialogs too). No
        # letter key of this screen changes the run: a letter typed outside the command
        # bar goes to the bar (see on_key), so typing a command never steps or runs.
        Binding("ctrl+q", "app.quit", "Quit", id="quit", priority=True),
        Binding("f1", "help", "Help", id="help"),
        Binding("f2", "step", "Step", id="step"),
        Binding("f5", "run", "Run", id="run"),
        Binding("f6", "pause", "Pause", id="pause"),
        Binding("f3", "inject", "Inject", id="inject"),
        Binding("f4", "watch", "Watch", id="watch"),
        Binding("f7", "break", "Break", id="break"),
        Binding("f8", "back", "Back", id="back"),
        Binding("f9", "forward", "Forward", id="forward"),
        Binding("f11", "full_screen", "Full", id="full_screen"),
        Binding("colon", "focus_bar", "Command bar", show=False, id="focus_bar"),
        Binding("question_mark", "help", "Help", show=False, id="help_key"),
        # Punctuation no command starts with: these go back and forth in the history
        # and set slow motion from outside the bar.
        Binding("less_than_sign", "back", "Back", show=False, id="back_key"),
        Binding("greater_than_sign", "forward", "Forward", show=False, id="forward_key"),
        Binding("left_square_bracket", "slower", "Slower", show=False, id="slower"),
        Binding("right_square_bracket", "faster", "Faster", show=False, id="faster"),
        *(
            Binding(panel.key, f"focus_panel('{panel.id}')", f"Go to the {panel.name}",
                    show=False, id=f"focus_{panel.id}")
            for panel in by_key()
        ),
        # Alt and any of these keys (as Escape then the key, pressed quickly, arrives)
        # leaves the command bar and acts as the key: see RapideApp.on_event.
    ]

    # Typing goes to the command bar from the first frame: no panel has had the focus
    # yet (Textual's default gives it to the first one, the graph), so F11 shows the
    # event log, and a screen too short for every row keeps the output's first.
    AUTO_FOCUS = "#bar"

    # A panel full screen keeps the lines around it: the status line, a presenter's
    # narration, and the command bar and its keys, so that what is typed shows.
    ALLOW_IN_MAXIMIZED_VIEW = f"#head, #completions, CommandBar, KeyBar, #{TOO_SMALL}"

    def __init__(
        self,
        session: Session,
        tally: SessionTally,
        *,
        script: Path | None = None,
        speed: float = 1.0,
        start: int = 1,
    ) -> None:
        super().__init__()
        self.session = session
        self.tally = tally
        """What the lines entered met, for the exit status (see :mod:`rapide_shell.tally`)."""
        self.script = script
        self.start = start
        """The line of ``script`` it starts playing from (those above are replayed first)."""
        self.player = ScriptPlayer(self, speed=speed)
        """Plays ``script`` for the room, and its rest after a take-over (``resume``)."""
        self.view = SessionView(
            self, session, fit=self.fit_panels,
            bring=lambda panel_id: self.panel_layout.bring(find(panel_id)),
        )
        """Draws what the session reports on this screen's panels."""
        self.panel_layout = PanelLayout(self)
        """Where the panels go: slots, columns, row heights, full screen."""
        self._last_panel = "events"
        self._travel_hinted = False
        """True once the command in progress said how to stop its travel (and put pause
        in the footer for it)."""
        self._resumed_before = False
        self._laid_out_for: Size | None = None
        """The size the panels were last laid out for (None: none yet)."""
        self._hidden_hint: str | None = ""
        """What the completions line says of the panels left out on a short screen (""
        none are; None: it shows the completions of what is typed instead)."""
        self.every: float | None = None
        """Slow motion: the seconds between the steps of a run started with F5
        (None: full speed); `[` and `]` set it."""

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="head"):
            yield Static("", id="status")
            yield NarrationBanner(id="narration")
        # The panels, row by row, as the registry lays them out: a column stacks its
        # panels, a slot holds its panels side by side (one shows when narrow).
        for row, in_row in groupby(PANELS, key=lambda panel: panel.row):
            with Horizontal(id=row):
                for (column, slot), together in groupby(
                    in_row, key=lambda panel: (panel.column, panel.slot)
                ):
                    if column is not None:
                        with Vertical(id=column):
                            yield from (panel.build() for panel in together)
                    elif slot is not None:
                        with Horizontal(id=slot, classes="slot"):
                            yield from (panel.build() for panel in together)
                    else:
                        yield from (panel.build() for panel in together)
        yield Static("", id="completions")
        yield CommandBar(self.complete, id="bar")
        # Its style from the start, so that the first frame has it (see on_resize).
        yield KeyBar(compact=compact_for(self.app.size.width))
        # Over everything, on a screen too small for the panels (see PanelLayout).
        yield Static("", id=TOO_SMALL)

    async def on_mount(self) -> None:
        """Starts the session's system if it has not started, draws it, focuses the bar;
        nothing when the app is closing already, its panels gone (a quit that came as
        it opened: a served tab closed, or its server stopped, as the tab started)."""
        if not self.is_parent_active:
            return
        self.view.attach()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.view.redraw_status())
        self.panel_layout.apply_slots()
        if self.session.system is None:
            await self.session.start()
        self.view.redraw_all()
        first_key, last_key = key_range()
        self.output.write(Text.assemble(
            ("Rapide workbench", "bold"), f" on {printable(self.session.path.name)}. Type ",
            ("help", "bold"), " or press ", ("F1", "bold"), "; ",
            ("F3", "bold"), " injects an event, ", ("F2", "bold"), " steps, ",
            ("F5", "bold"), " runs. ", ("Escape", "bold"), " leaves this bar for the panels (",
            (first_key, "bold"), "-", (last_key, "bold"), " pick one), ", (":", "bold"),
            " comes back.",
        ))
        arrival = self.session.arrival
        if arrival is not None:  # `--at`: where it went, as `rapide repl` and `run` say
            self.echo(arrival.line)
            for renderable in arrival.output:
                self.output.write(renderable)
        self.query_one(CommandBar).focus()
        if self.script is not None:
            self.player.play(self.script, self.start)

    def on_unmount(self) -> None:
        """Stops listening to the session."""
        self.view.detach()

    def on_resize(self, resized: events.Resize) -> None:
        """Lays the panels out again for the new size (not as the app closes: its
        panels may be gone, see :meth:`on_mount`)."""
        if not self.is_parent_active:
            return
        if resized.size == self._laid_out_for:
            # Textual sends the screen the terminal's size more than once as it starts,
            # laying the whole screen out again and drawing it each time: for the size
            # the panels are laid out for already, neither is needed.
            resized.prevent_default()
            return
        self._laid_out_for = resized.size
        self.panel_layout.apply_slots()
        # Narrow, the keys pack closer, without ctrl+p (the help lists it).
        self.query_one(KeyBar).set_compact(compact_for(self.size.width))
        self.view.redraw_status()
        # Once the panels have drawn themselves for their new sizes (the graph chooses
        # its drawing for its width and height, and the top row is then fitted to it).
        self.call_after_refresh(self.fit_panels)

    def on_connection_graph_drawing_resized(
        self, _resized: ConnectionGraph.DrawingResized
    ) -> None:
        """The graph drew itself anew (for a new width, or another architecture): the
        rows are fitted to it before the next layout, not one frame after it."""
        self.fit_panels()

    def on_narration_banner_changed(self, _changed: NarrationBanner.Changed) -> None:
        """Narration came or went: the rows are fitted to the room it leaves them."""
        self.fit_panels()

    def fit_panels(self) -> None:
        """Gives the queue and the rows the room their panels' content asks for."""
        queue, graph = self.query_one(DispatchQueue), self.query_one(ConnectionGraph)
        self.panel_layout.fit_queue(queue.content_width)
        self.panel_layout.fit_rows(graph.content_height, queue.option_count)
        if self.panel_layout.top_room:
            # A drawing of another height asks for the rows to be fitted again.
            graph.fit_to_room(self.panel_layout.top_room - BORDERS)
        self._show_hidden_panels()

    def _show_hidden_panels(self, *, completed: bool = False) -> None:
        """Names, on the completions line while it shows no completions, a key that
        brings each row of panels a short screen leaves out (``completed``: the
        completions it showed are gone)."""
        hidden = self.panel_layout.hidden_rows_panels()
        said = " ".join(f"{panel.key} {panel.heading}" for panel in hidden)
        if said == self._hidden_hint or (self._hidden_hint is None and not completed):
            return
        self._hidden_hint = said
        hint = Text()
        for number, panel in enumerate(hidden):
            hint.append(", " if number else "  Escape, then ", style="dim")
            hint.append(panel.key, style="bold")
            hint.append(f" {panel.heading}", style="dim")
        self.query_one("#completions", Static).update(hint, layout=False)  # one line

    def on_screen_resume(self, resumed: events.ScreenResume) -> None:
        """After a dialog, the help or the palette, typing goes to the command bar."""
        if not self._resumed_before:
            # Shown for the first time: every widget was styled as it was mounted and
            # nothing has changed since, so Textual's styling of them all again on
            # resuming would only add to the wait for the first frame.
            self._resumed_before = True
            resumed.refresh_styles = False
        self.take_typing()

    def take_typing(self) -> None:
        """Gives the command bar the focus at once, as after a dialog, the help or the
        palette: the keys queued behind go to it (Escape then a key pressed quickly, in
        a dialog, closes it and types the key here: see ``RapideApp.escape_at_once``)."""
        if self.is_mounted and self.query(CommandBar):
            self.set_focus(self.query_one(CommandBar))

    def on_descendant_focus(self, focused: events.DescendantFocus) -> None:
        """Remembers the last panel focused (what the full-screen key shows); on a
        screen too short for every row of panels, its row is one of those shown."""
        for node in (focused.widget, *focused.widget.ancestors):
            if isinstance(node, Widget) and node.has_class("panel") and node.id:
                self._last_panel = node.id
                if self.panel_layout.choose_row(find(node.id).row):
                    self.fit_panels()
                return

    def on_key(self, key: events.Key) -> None:
        """A printable key that no panel or screen key takes, pressed outside the
        command bar, starts a command: it goes to the bar (which takes the focus). So
        typing ``watch ...`` after leaving the bar never fires a key."""
        if not key.is_printable or key.character is None:
            return
        # A key sent to a panel while the bar had the focus is one of a burst (typed
        # fast, or sent at once by tmux) whose first letter took the bar: text as well,
        # even a panel's key (the bar takes the printable keys sent to it itself).
        if not isinstance(self.focused, CommandBar) and (
            isinstance(self.focused, Input) or key.key in self.active_bindings
        ):
            return
        key.stop()
        key.prevent_default()
        bar = self.query_one(CommandBar)
        # At once, not after the keys already queued (as focus() would).
        self.set_focus(bar)
        bar.insert_text_at_cursor(key.character)

    def on_paste(self, paste: events.Paste) -> None:
        """Text pasted outside the command bar goes to it, as a typed letter does: its
        whole lines run, a last line without its end stays there (see
        ``CommandBar._on_paste``). A field (the bar itself, the graph's search) keeps
        what is pasted into it."""
        if isinstance(self.focused, Input) or not paste.text:
            return
        paste.stop()
        bar = self.query_one(CommandBar)
        self.set_focus(bar)
        bar.post_message(events.Paste(paste.text))

    @property
    def output(self) -> OutputLog:
        """The output panel where commands and their results are printed."""
        return self.query_one("#console", OutputLog)

    # -- widgets talking ---------------------------------------------------------------

    @on(EventLog.EventSelected)
    def _inspect(self, selected: EventLog.EventSelected) -> None:
        self.view.inspect(selected.event, followed=selected.followed)

    @on(TimelinePanel.EventSelected)
    def _timeline_selected(self, selected: TimelinePanel.EventSelected) -> None:
        # The log moves with the Timeline's cursor, quietly: the Timeline is where the
        # choice was made, so it is not moved again by the echo.
        self.query_one(EventLog).select_id(selected.event.id, announce=False)
        self.view.inspect(selected.event, move_timeline=False)

    @on(EventLog.EventChosen)
    def _look_into(self, chosen: EventLog.EventChosen) -> None:
        self.view.inspect(chosen.event)
        self.query_one(Inspector).focus()

    @on(Inspector.LinkChosen)
    def _follow_link(self, chosen: Inspector.LinkChosen) -> None:
        self.query_one(EventLog).select_id(chosen.event_id)

    @on(DispatchQueue.DispatchHighlighted)
    def _dispatch_highlighted(self, highlighted: DispatchQueue.DispatchHighlighted) -> None:
        self.view.highlight_queue_connection(highlighted.connection_index)

    @on(DispatchQueue.DispatchChosen)
    def _dispatch_chosen(self, chosen: DispatchQueue.DispatchChosen) -> None:
        self.submit_command(f"step #{chosen.dispatch_id}")

    @on(DispatchQueue.HookChosen)
    def _hook_chosen(self, chosen: DispatchQueue.HookChosen) -> None:
        self.submit_command(f"step wake {chosen.component}")

    @on(HistoryPanel.Chosen)
    def _history_chosen(self, chosen: HistoryPanel.Chosen) -> None:
        self.submit_command(chosen.command)

    @on(WatchPanel.MatchSelected)
    def _match_selected(self, selected: WatchPanel.MatchSelected) -> None:
        self.query_one(EventLog).mark(selected.event_ids)

    @on(ErrorPanel.ProblemSelected)
    def _problem_selected(self, selected: ErrorPanel.ProblemSelected) -> None:
        problem = selected.problem  # its texts are printable already
        if problem.command is not None:  # a failure an exploration found: go to it
            self.submit_command(problem.command)
            return
        self.output.write(Text(f"{problem.kind}: {problem.summary}", style="bold red"))
        if problem.details and problem.details != problem.summary:
            self.output.write(Text(problem.details.rstrip()))
        if problem.event_id is not None and self.session.inspected is None:
            # (A loaded computation is shown: its events are not the live run's.)
            self.query_one(EventLog).select_id(problem.event_id)

    @on(CommandBar.CommandSubmitted)
    def _command_submitted(self, submitted: CommandBar.CommandSubmitted) -> None:
        self.submit_command(submitted.line)

    @on(CommandBar.LinesPasted)
    def _lines_pasted(self, pasted: CommandBar.LinesPasted) -> None:
        if not self.player.refused_while_playing(pasted.lines[0]):
            self._execute_in_turn(pasted.lines)

    @work(group="commands", exit_on_error=False)
    async def _execute_in_turn(self, lines: list[str]) -> None:
        """Runs ``lines`` one after the other, each when the one before has finished
        (a `run` among them included), each echoed as it starts."""
        for line in lines:
            self.echo(line)
            await self.execute_line(line)

    @on(CommandBar.CompletionsShown)
    def _show_completions(self, shown: CommandBar.CompletionsShown) -> None:
        hint = self.query_one("#completions", Static)
        candidates = shown.candidates
        if len(candidates) <= 1 and (not candidates or candidates[0].strip() == ""):
            self._show_hidden_panels(completed=True)
            return
        self._hidden_hint = None
        bar = self.query_one(CommandBar)
        hint_text = Text("  Tab: ", style="dim")
        for candidate in candidates[:12]:
            # The last word ("inject " completes with a space after it, for what follows).
            word = candidate.rstrip().rsplit(" ", 1)[-1] or candidate
            hint_text.append(word, style="bold reverse" if candidate == bar.value else "dim")
            hint_text.append("  ")
        if len(candidates) > 12:
            hint_text.append(f"(+{len(candidates) - 12})", style="dim")
        hint.update(hint_text, layout=False)  # the hint is always one line

    @on(CommandBar.Left)
    def _leave_bar(self) -> None:
        self.leave_bar()

    def leave_bar(self) -> bool:
        """Moves the focus from the command bar to the panels (the event log, or the
        panel shown full screen) at once: the keys queued behind go to the panel. Does
        nothing, and returns False, if the bar does not have the focus."""
        if not isinstance(self.focused, CommandBar):
            return False
        shown = self.maximized
        self.set_focus(shown if shown is not None and shown.focusable else self.query_one(EventLog))
        return True

    # -- commands ------------------------------------------------------------------------

    def complete(self, text: str) -> list[str]:
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
        """Echoes ``line`` and runs it in the background (a long ``run`` never blocks);
        refused while a script plays (see
        :meth:`~rapide_shell.tui.screens.script_player.ScriptPlayer.refused_while_playing`)."""
        if self.player.refused_while_playing(line):
            return
        self.echo(line)
        if line.split() == ["pause"]:
            self.view.clear_note()
            self._pause_now()
            # A line entered like any other, which cannot fail.
            self.tally.ran(self.tally.entered(), CommandOutcome(line, "pause"))
            return
        self._execute(line)

    def echo(self, line: str) -> int:
        """Writes ``line`` into the output as entered: typed, pasted or played, under
        what the commands before it did (drawn now, not at the next frame). Returns
        where in the output it begins (see ``OutputLog.mark``)."""
        self.view.draw_now()
        self.output.follow()
        at = self.output.mark()
        self.output.write(note(f"> {line}", style="bold"))
        return at

    def _pause_now(self) -> None:
        # The session's pause only raises a flag that the run reads after its current
        # step; doing it here, not in a worker, spares the loop turns a worker needs
        # to start while the run holds the loop, so the run stops at once.
        travelling = self.session.travelling
        if self.session.pause():
            said = (
                "stopping the travel at the step it has reached" if travelling
                else "pausing after the current dispatch"
            )
            self.output.write(Text(said, style="bold yellow"))
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

    async def commands_ended(self, timeout: float) -> None:
        """Returns once the commands running in the background have ended, or after
        ``timeout`` seconds: a ``run`` just paused ends after its current step, and
        leaving before that would close the session under it."""
        running = [
            asyncio.ensure_future(worker.wait())
            for worker in self.workers
            if worker.group == "commands" and worker.is_running
        ]
        if running:
            await asyncio.wait(running, timeout=timeout)
            for waiting in running:
                waiting.cancel()

    async def execute_line(self, line: str, *, number: int | None = None) -> CommandOutcome:
        """Runs one line through the session (the TUI's own commands included), counted
        in the tally as the next line entered (``number``: a played script's line, by its
        own number)."""
        self.view.clear_note()  # the last command's note (a screenshot's) is old now
        entered = self.tally.entered(number)
        hint = self.set_timer(TRAVEL_HINT_SECONDS, self._hint_travel)
        try:
            outcome = await self.session.execute(line)
        finally:
            hint.stop()
        if self._travel_hinted:
            self._travel_hinted = False
            self.refresh_bindings()  # pause, shown while the travel replayed, goes
        self.tally.ran(entered, outcome)
        if outcome.command == "say" and outcome.ok:
            self.query_one(NarrationBanner).text = outcome.data["text"]
        if outcome.command == "where" and outcome.ok:
            # A panel cuts a long line at its edge: the whole address goes to the clipboard.
            self.app.copy_to_clipboard(outcome.data["address"])
            # Sent as the terminal's clipboard sequence (OSC 52), which some terminals
            # and tmux by default ignore: the notice says so rather than promise it.
            self.notify(
                "The address was sent to the clipboard too (if the terminal takes it).",
                timeout=3,
            )
        if outcome.quit:
            self.app.exit()
        return outcome

    def _hint_travel(self) -> None:
        # A long replay shows nothing until it arrives: say that it can be stopped, and
        # put pause (F6) in the footer while it goes.
        if self.session.travelling:
            self._travel_hinted = True
            self.refresh_bindings()
            self.notify("Replaying the run to get there: Ctrl-C or F6 stops it at the step "
                        "it has reached.", title="travel", timeout=4)

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Run and pause take turns in the footer: pause only while a run works (or a
        travel through the history replays, which it stops)."""
        if action == "pause":
            return self.session.running or self.session.travelling
        if action == "run":
            return not self.session.running
        return True

    def action_step(self) -> None:
        """Runs the next pending dispatch."""
        self.submit_command("step")

    def action_run(self) -> None:
        """Runs until quiet or a breakpoint (continues after one), in slow motion when
        a speed is set."""
        self.submit_command("run" if self.every is None else f"run --every {self.every:g}")

    def action_back(self) -> None:
        """Goes back one step of the history."""
        self.submit_command("back")

    def action_forward(self) -> None:
        """Goes forward one step of the current branch."""
        self.submit_command("forward")

    @property
    def speed_now(self) -> float | None:
        """The seconds between steps that runs go at now (None: full speed): while a
        run is in progress, its own (a `run --every` typed in the bar goes at the speed
        it was given), else :attr:`every`, the speed F5 starts the next one at."""
        if self.session.running:
            return self.session.slow_motion or None  # 0: made full speed as it went
        return self.every

    def action_slower(self) -> None:
        """Slow motion, or slower: twice the wait between steps (a slow run in progress
        slows down at once)."""
        now = self.speed_now
        self._set_speed(SLOW_START if now is None else min(now * 2, SLOWEST))

    def action_faster(self) -> None:
        """Half the wait between steps; below the shortest, full speed again."""
        now = self.speed_now
        if now is None:
            self.notify("Full speed already; `[` slows runs down.", timeout=2)
            return
        faster = now / 2
        self._set_speed(faster if faster >= FASTEST else None)

    def _set_speed(self, every: float | None) -> None:
        self.every = every
        if self.session.slow_motion is not None:  # a slow run in progress follows
            self.session.runtime.every = every if every is not None else 0
        said = "full speed" if every is None else f"slow motion: a step every {every:g}s"
        self.notify(f"Runs go at {said}.", timeout=2)
        self.view.redraw_status()

    def action_pause(self) -> None:
        """Pauses a run in progress after the current dispatch, or stops a travel
        through the history at the step its replay has reached."""
        self.submit_command("pause")

    def action_inject(self) -> None:
        """Opens the inject dialog; what it builds is run as an ``inject`` command."""

        def injected(command: str | None) -> None:
            if command:
                # Up in the bar brings it back, to inject again with another value.
                self.query_one(CommandBar).remember(command)
                self.submit_command(command)

        # Imported when first opened: the first frame needs none of the dialogs.
        from rapide_shell.tui.screens.inject_dialog import InjectDialog

        self.app.push_screen(InjectDialog(self.session.actions), injected)

    def action_watch(self) -> None:
        """Starts a ``watch`` command in the bar."""
        self.prefill_command("watch ")

    def action_break(self) -> None:
        """Starts a ``break`` command in the bar."""
        self.prefill_command("break ")

    def action_focus_bar(self) -> None:
        """Moves the focus to the command bar."""
        self.query_one(CommandBar).focus()

    def action_focus_panel(self, panel_id: str) -> None:
        """Moves the focus to one panel, bringing it into its slot (one that is hidden
        says why instead). With a panel full screen, that panel is shown full screen."""
        panel = find(panel_id)
        self.panel_layout.bring(panel)
        if self.panel_layout.choose_row(panel.row):  # its row shows before it has the focus
            self.fit_panels()
        widget = self.query_one(f"#{panel_id}")
        if widget.display:
            if self.maximized is not None and self.maximized is not widget:
                self.maximize(widget, container=False)
            widget.focus()
            return
        if panel.hidden_note:
            self.notify(panel.hidden_note, timeout=2)

    def action_full_screen(self) -> None:
        """Shows the focused panel (or the last one focused) alone, or all of them again."""
        shown = self.panel_layout.toggle_full_screen(
            None if self.maximized is not None else self._last_panel
        )
        if shown is not None:
            shown.focus()

    def full_screen(self, panel_id: str | None) -> bool:
        """Shows panel ``panel_id`` alone (None: every panel again); False if it is
        hidden (the errors panel before any error)."""
        if panel_id is None:
            self.minimize()
            return True
        if self.maximized is not None:
            self.minimize()
        shown = self.panel_layout.toggle_full_screen(panel_id)
        if shown is None:
            return False
        shown.focus()
        return True

    def action_help(self) -> None:
        """Shows the key bindings and the commands."""
        keys = [
            (self.app.get_key_display(binding), binding.tooltip or binding.description)
            for binding in (*self.BINDINGS, *self.app.BINDINGS)  # the app's: F12
            if isinstance(binding, Binding) and binding.show
        ]
        first_key, last_key = key_range()
        keys += [
            (": / Escape", "Go to / leave the command bar (typing outside it goes to it)"),
            ("< >", "Back, forward one step of the history (outside the bar)"),
            ("[ ]", "Slower, faster: slow motion for runs (outside the bar)"),
            (f"{first_key} … {last_key}",
             "Go to a panel: " + ", ".join(panel.name for panel in by_key())),
            ("alt+KEY", f"The keys {first_key} … {last_key} < > [ ] ? : from the command bar "
                        "too; so does Escape then the key, pressed quickly"),
            ("Escape", "Leave full screen (F11 or `zoom` shows a panel alone)"),
            ("ctrl+p", "Command palette: every command of the language"),
            ("ctrl+c", "Pause a run, and stop a script playing after its line in progress "
                       "(the session is yours); twice: quit"),
        ]
        commands = [(spec.usage, spec.summary) for spec in self.session.catalog]
        # Imported when first opened: the first frame needs none of the dialogs.
        from rapide_shell.tui.screens.help_screen import HelpScreen

        self.app.push_screen(HelpScreen(keys, commands, panel_keys=(first_key, last_key)))

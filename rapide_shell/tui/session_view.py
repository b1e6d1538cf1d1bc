"""Drawing a session on the main screen, from its notifications, batched per frame.

:class:`SessionView` turns what the session reports into widget updates on the screen
it belongs to. Notifications are only folded into a
:class:`~rapide_shell.tui.live.NotificationBatch` as they come (a run can send
thousands per frame) and the batch is drawn when a one-shot frame timer fires.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual.color import Color
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from pyrapide.core.printable import printable
from pyrapide.runtime import RunState
from rapide_shell import notices
from rapide_shell.causes import CAUSE_LOOKS, DeliveryKind, causes_of, wiring_deliveries
from rapide_shell.explorations import EXPLORE_PLUGIN, status_lines
from rapide_shell.render import counted, note, pattern_shown, shorten
from rapide_shell.report import Drawn
from rapide_shell.runtime_link import SessionState
from rapide_shell.tui.live import NotificationBatch, Printed
from rapide_shell.tui.panels import PANELS, SessionPanel
from rapide_shell.tui.status import StatusPart, fit_status
from rapide_shell.tui.theme_colours import text_on
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.dispatch_queue import SHOWN_PER_KIND, DispatchQueue
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.inspector import Inspector, causal_history
from rapide_shell.tui.widgets.output_log import OutputLog
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel

if TYPE_CHECKING:
    from pyrapide.core import Event
    from rapide_shell.session import Session

#: Notifications are drawn at most this often (seconds): a fast run redraws per frame.
FRAME_SECONDS = 1 / 30
#: A note on the status line (where a screenshot went) stays this long (seconds), or
#: until the next command, as the notices in the corner do.
NOTE_SECONDS = 5.0
#: While a run works, the costlier panels are redrawn at most this often (seconds),
#: leaving the loop to keys and the run. The inspector following the newest event is
#: the costliest (its panel is laid out again), so it moves least often.
BUSY_REDRAW_SECONDS = {"queue": 0.25, "inspector": 1.0}
#: While a run works, each frame takes in this many of the events recorded since for
#: ancestry queries (Poset.prepare_ancestry), far more than a frame's worth of a run:
#: the inspector's next query (a key that moves the log's cursor) then never pays for
#: the whole run so far, which at a million events took a second.
ANCESTRY_PER_FRAME = 5_000
#: Characters of a problem said in its toast: a message of thousands would cover the
#: screen for as long as the toast shows; the errors panel lists it whole.
TOAST_CHARS = 200
#: Lines of one command's output printed in the output panel (a long run reports every
#: event it recorded; the event log has them all).
OUTPUT_LINES_SHOWN = 200
#: The theme colour of each state's badge in the status line.
_STATE_COLOURS = {
    RunState.RUNNING: "success",
    RunState.PAUSED: "warning",
    RunState.QUIET: "primary",
    SessionState.CLOSED: "error",
}


#: At most this many events of a selected event's causal past (and as many of its
#: future) are walked to find the components they went through.
CONE_WALK = 2000
#: Seconds after a selection that the graph marks its cone: the frame that moved the
#: cursor goes out first, and keys held down mark only where the cursor stops.
CONE_DELAY = 0.05


def causal_cone(
    event: Event, poset: Any, limit: int = CONE_WALK, every: Collection[str] = ()
) -> tuple[set[str], set[str]]:
    """The sources of ``event``'s causal past and of its future, each found by walking
    at most ``limit`` events back (or forward) from it, nearest first; a walk stops
    early once it has found each source in ``every`` (nothing more could be marked).
    The bound holds within one step back too: an event caused by a hundred thousand
    others walks ``limit`` of them, not all."""
    found: list[set[str]] = []
    wanted = set(every)
    for step in (poset.direct_causes, poset.direct_effects):
        sources: set[str] = set()
        seen = {event.id}
        frontier = list(step(event))
        while frontier and len(seen) <= limit and not (wanted and wanted <= sources):
            nearer: list[Any] = []
            for other in frontier:
                if other.id in seen:
                    continue
                if len(seen) > limit:  # ``seen`` holds ``event``: ``limit`` walked
                    break
                seen.add(other.id)
                sources.add(other.source or "")
                nearer.extend(step(other))
            frontier = nearer
        found.append(sources)
    return found[0], found[1]


class SessionView:
    """Redraws ``screen``'s panels from ``session``'s notifications; ``fit`` sizes the
    panels to their content when the queue or the graph changed, ``bring`` (a panel's
    id) shows a panel where it shares its place with others: the inspector as the user
    chooses an event, the history after a trip through it.

    :meth:`attach` subscribes to the session (before it starts, so that nothing it
    reports is missed), :meth:`redraw_all` draws everything from the session's state,
    :meth:`detach` unsubscribes.
    """

    def __init__(
        self,
        screen: Screen[Any],
        session: Session,
        fit: Callable[[], None] = lambda: None,
        bring: Callable[[str], object] = lambda _panel_id: None,
    ) -> None:
        self.screen = screen
        self.session = session
        self._fit = fit
        """Sizes the panels to what they hold again (the queue and the graph changed)."""
        self._bring = bring
        """Shows a panel (by id) in the place it shares with others."""
        self._unsubscribe: Callable[[], None] | None = None
        self._batch = NotificationBatch()
        self._draw_scheduled = False
        self._delivered: Counter[int] = Counter()
        self._started: Counter[int] = Counter()
        self._queued: Counter[int] = Counter()
        """Deliveries waiting per connection index, kept from the notifications (the
        queue is not gone through per frame: a run may queue hundreds of thousands)."""
        self._active_dispatch_connection: int | None = None
        self._queue_connection: int | None = None
        self._throttled: dict[str, float] = {}
        """When each throttled redraw last ran (loop time)."""
        self._deferred: set[str] = set()
        """Throttled redraws waiting for their turn."""
        self._panels: list[SessionPanel] | None = None
        self._was_running = False
        self._wiring: tuple[Any, DeliveryKind] | None = None
        self._cone_event: Event | None = None
        """The event whose cone the graph marks next (None: no marking waits)."""
        self.note = ""
        """A last piece of the status line, shown while there is room (where the last
        screenshot went) until the next command or for NOTE_SECONDS: see show_note."""
        self._note_timer: Timer | None = None
        self._exploration: notices.ExplorationChanged | None = None
        """How the background exploration stood when it last moved on."""
        self.quiet = False
        """True while a played script's opening lines are replayed (``--from``): their
        outcomes are not printed; the panels show what they did."""

    @property
    def redraw_waiting(self) -> bool:
        """True while a redraw waits for its timer: the next frame's batch, the cone the
        graph marks, or a throttled panel's turn (False: the panels show what the session
        reported)."""
        return self._draw_scheduled or self._cone_event is not None or bool(self._deferred)

    @property
    def output(self) -> OutputLog:
        """The output panel where commands and their results are printed."""
        return self.screen.query_one("#console", OutputLog)

    def attach(self) -> None:
        """Starts listening to the session."""
        self._unsubscribe = self.session.subscribe(self._on_notification)

    def detach(self) -> None:
        """Stops listening to the session."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def redraw_all(self) -> None:
        """Draws every panel from the session's state, dropping what was batched so far
        (the session holds all of it) but what the architecture's code printed, which
        the next frame shows."""
        printed = [item for item in self._batch.outcomes if isinstance(item, Printed)]
        self._batch = NotificationBatch(outcomes=printed)
        self._redraw_all()

    def inspect(
        self, event: Event, *, followed: bool = False, move_timeline: bool = True
    ) -> None:
        """Shows ``event`` in the inspector (brought into view: the user chose the
        event) and its causal past and future in the Timeline (which moves onto it,
        unless ``move_timeline`` is False: it was chosen there) and the graph; while
        following a run (``followed``), now and then only."""
        if followed:
            # Following a run: show the newest event now and then, not per frame (and
            # leave the panel shown beside the log: the user is not choosing).
            self._throttle("inspector", self._inspect_selected)
        else:
            self._bring("inspector")
            self._show_in_inspector(event)
            self._show_cone(event, move_timeline=move_timeline)

    def highlight_queue_connection(self, connection_index: int | None) -> None:
        """Highlights in the graph the connection of the dispatch highlighted in the queue."""
        self._queue_connection = connection_index
        self._redraw_highlight()

    def _on_notification(self, notification: Any) -> None:
        # Called synchronously by the session, maybe thousands of times per frame:
        # only fold it into the batch and make sure one redraw is scheduled.
        self._batch.add(notification)
        self._schedule_draw()

    def take_printed(self, text: str, stderr: bool) -> None:
        """Shows what the architecture's code wrote to standard output or error in the
        output, in its place among the outcomes of the commands around it."""
        self._batch.outcomes.append(Printed(text, stderr))
        self._schedule_draw()

    def _schedule_draw(self) -> None:
        if not self._draw_scheduled:
            self._draw_scheduled = True
            self.screen.set_timer(FRAME_SECONDS, self._draw_batch)

    def draw_now(self) -> None:
        """Draws at once what the session reported and the next frame would draw: a line
        written next (a played script's summary) then comes after the outcomes above it."""
        if self._draw_scheduled:
            self._draw_batch()

    def _draw_batch(self) -> None:
        self._draw_scheduled = False
        if not self.screen.query(EventLog):  # the screen is being torn down
            return
        batch, self._batch = self._batch, NotificationBatch()
        if self.session.running:
            self.session.computation.poset.prepare_ancestry(ANCESTRY_PER_FRAME)
        if batch.reset is not None:
            # Handler errors, violations and the start hooks' limits are drawn from the
            # session there.
            self._redraw_all()
            batch.problems = [
                problem for problem in batch.problems
                if problem.kind not in ("error", "violation", "limit")
            ]
            batch.failed_event_ids.clear()
            # Counted from the session's state, which holds what came after the reset.
            batch.delivered.clear()
            batch.started.clear()
            batch.queued.clear()
            if batch.reset == "travel":
                self._bring("history")  # where the run now is, and where it can go
        self._apply(batch)

    def _apply(self, batch: NotificationBatch) -> None:
        for panel in self._session_panels():
            panel.show_batch(batch, self.session)
        if batch.problems:
            latest = batch.problems[-1]
            self.screen.notify(
                shorten(latest.summary, TOAST_CHARS), title=latest.kind, severity="error",
                timeout=6, markup=False,
            )
        self._delivered.update(batch.delivered)
        self._started.update(batch.started)
        self._queued.update(batch.queued)
        self._queued.subtract(batch.started)
        if batch.last_started is not None:
            self._active_dispatch_connection = getattr(
                batch.last_started.connection, "index", None
            )
        if batch.queue_changed or batch.delivered or batch.started:
            self._throttle("queue", self._redraw_queue_and_counts)
        if batch.events and batch.reset is None:
            self._show_new_effects()
        for hit in batch.breakpoint_hits:
            self.output.write(note(
                f"breakpoint {hit.break_id} ({pattern_shown(hit.pattern_text)}) hit by "
                f"{hit.event.id} {hit.event.name}: the run pauses", style="bold yellow"))
            self.screen.query_one(EventLog).select_id(hit.event.id)
        if not self.quiet:
            for outcome in batch.outcomes:
                if isinstance(outcome, Printed):
                    self.output.take_printed(outcome.text, outcome.stderr)
                else:
                    self._print_outcome(outcome)
            self.output.show_printed()
        if batch.exploration is not None:
            self._exploration = batch.exploration
            if batch.exploration.ended:
                self._exploration_ended()
        self._redraw_status()

    def _session_panels(self) -> list[SessionPanel]:
        """The panels that draw the session themselves (found once: the layout is fixed)."""
        if self._panels is None:
            self._panels = [
                widget
                for widget in (self.screen.query_one(f"#{panel.id}") for panel in PANELS)
                if isinstance(widget, SessionPanel)
            ]
        return self._panels

    def _print_outcome(self, outcome: Any) -> None:
        # Each drawn so that one that raises (a plugin's) is a line, not the app's end;
        # a text or a group of them cannot, and is written as it is (its lines hang).
        output = [
            renderable if isinstance(renderable, (Text, Group)) else Drawn(
                renderable, outcome.command
            )
            for renderable in outcome.output
        ]
        for renderable in output[:OUTPUT_LINES_SHOWN]:
            self.output.write(renderable)
        if len(output) > OUTPUT_LINES_SHOWN:
            self.output.write(Text(
                f"… {len(output) - OUTPUT_LINES_SHOWN} more lines (every event is in the log)",
                style="dim"))
            self.output.write(output[-1])

    def _throttle(self, name: str, redraw: Callable[[], None]) -> None:
        """Runs ``redraw`` now, or, while a run is busy, at most once per its interval in
        BUSY_REDRAW_SECONDS (the last request is never lost: it runs when its turn comes)."""
        now = self._loop_time()
        last = self._throttled.get(name, float("-inf"))
        interval = BUSY_REDRAW_SECONDS[name]
        if not self.session.running or now - last >= interval:
            self._throttled[name] = now
            redraw()
            return
        if name not in self._deferred:
            self._deferred.add(name)

            def later() -> None:
                self._deferred.discard(name)
                if self.screen.query(EventLog):
                    self._throttled[name] = self._loop_time()
                    redraw()

            self.screen.set_timer(interval - (now - last), later)

    @staticmethod
    def _loop_time() -> float:
        return asyncio.get_running_loop().time()

    def _redraw_all(self) -> None:
        # The deliveries the history says were made up to the point the run is at:
        # none after a fresh start, as many as there were after going back or forth.
        self._delivered = (
            Counter(self.session.delivered()) if self.session.inspected is None else Counter()
        )
        # Started: those, and the deliveries in flight at that point (running).
        running: dict[int, int] = {}
        for task in self.session.in_flight() if self.session.inspected is None else ():
            index = task.dispatch.connection.index if task.dispatch is not None else None
            if task.dispatch is not None and index is not None:
                running[task.dispatch.id] = index
        self._started = self._delivered + Counter(running.values())
        self._queued = Counter(
            index
            for index in (getattr(d.connection, "index", None) for d in self.session.pending())
            if index is not None
        )
        self._active_dispatch_connection = None
        # What the system reported before this redraw (its start hooks, say) is kept
        # by the session: each panel draws it from there.
        for panel in self._session_panels():
            panel.show_session(self.session)
        self._redraw_queue_and_counts()
        self._redraw_status()

    def _redraw_queue_and_counts(self) -> None:
        session = self.session
        running = self._started - self._delivered
        self.screen.query_one(DispatchQueue).show_pending(
            session.pending_summary(SHOWN_PER_KIND), session.next_dispatch(),
            session.in_flight(), session.blocked,
        )
        graph = self.screen.query_one(ConnectionGraph)
        graph.update_counts(self._delivered, +self._queued, running)
        self._redraw_highlight()
        self._fit()  # the queue and the graph take the room their content asks for

    def _redraw_highlight(self) -> None:
        connection = self._queue_connection
        if connection is None:
            connection = self._active_dispatch_connection
        self.screen.query_one(ConnectionGraph).highlight(connection)

    def redraw_status(self) -> None:
        """Draws the status line again (the screen's width or the note changed)."""
        if self.session.system is not None:
            self._redraw_status()

    def show_note(self, text: str) -> None:
        """Shows ``text`` at the end of the status line until the next command, or for
        NOTE_SECONDS (see ``clear_note``)."""
        if self._note_timer is not None:
            self._note_timer.stop()
        self.note = text
        self._note_timer = self.screen.set_timer(NOTE_SECONDS, self.clear_note)
        self.redraw_status()

    def clear_note(self) -> None:
        """Takes the note off the status line (a command starts, or its time is up)."""
        if self._note_timer is not None:
            self._note_timer.stop()
            self._note_timer = None
        if self.note:
            self.note = ""
            self.redraw_status()

    def _exploration_ended(self) -> None:
        """Print the exploration's answer, its failures numbered, and say it ended (the
        errors panel lists the failures)."""
        plugin = self.session.plugins.get_plugin(EXPLORE_PLUGIN)
        exploration = getattr(plugin, "exploration", None)
        if exploration is None:
            return
        lines = status_lines(exploration)
        for line in lines:
            self.output.write(line)
        failed = exploration.error is not None or (
            exploration.result is not None and exploration.result.failed
        )
        self.screen.notify(
            lines[0].plain if isinstance(lines[0], Text) else "the exploration ended",
            title="explore", severity="error" if failed else "information", timeout=8,
            markup=False,
        )

    def _exploration_status(self) -> Text | None:
        """The status line's part about the background exploration, if there is one."""
        exploring = self._exploration
        if exploring is None:
            return None
        # Imported once an exploration is under way (with its tables: not at start).
        from rapide_shell.explore_report import tally

        progress = exploring.progress
        word = "explored" if exploring.ended else "exploring"
        failures = tally(progress.failures, "failure")
        return Text(
            f"{word}: {progress.schedules:,} schedules, "
            f"{tally(progress.distinct, 'poset')}, {failures}",
            style=f"bold {self._colour('error')}" if progress.failures else "",
        )

    def _redraw_status(self) -> None:
        session = self.session
        if session.running != self._was_running:
            self._was_running = session.running
            self.screen.refresh_bindings()  # run and pause take turns in the footer
        # The run's own: failures an exploration found elsewhere are listed, not counted.
        errors = self.screen.query_one(ErrorPanel).run_problem_count
        breaks = len(session.breakpoints)
        events = self.screen.query_one(EventLog).event_count
        # Drawn every frame of a run: each part is read once, and none goes through
        # the queue or the events.
        state = session.state
        error_style = f"bold {self._colour('error')}" if errors else ""
        flying = session.in_flight_count
        tree = session.decisions
        every = getattr(self.screen, "speed_now", None)
        parts = [
            StatusPart(Text(f" {printable(session.description.name)} ", "bold"), 4,
                       joined=False),
            StatusPart(Text(f"from {printable(session.path.name)}"), 8, joined=False),
            StatusPart(Text(f"seed {session.seed}"), 7),
            StatusPart(Text(f" {state} ", self._badge(_STATE_COLOURS.get(state, "muted"))), 0,
                       joined=False),
            StatusPart(Text.assemble((f"step {tree.point.number}", "bold"),
                                     f" of {printable(tree.branch.name)}"), 4),
            *([StatusPart(Text(f"slow {every:g}s", "bold"), 2)] if every is not None else []),
            StatusPart(Text(f"{session.pending_count} pending"), 1),
            *([StatusPart(Text(f"{flying} in flight", "bold"), 1)] if flying else []),
            StatusPart(Text(counted(events, "event")), 2),
            StatusPart(Text(counted(breaks, "breakpoint")), 6 if not breaks else 3),
            StatusPart(Text(counted(errors, "error"), error_style), 1 if errors else 5),
        ]
        exploring = self._exploration_status()
        if exploring is not None:
            parts.append(StatusPart(exploring, 3))
        if self.note:
            parts.append(StatusPart(Text(self.note, "italic"), 3))
        status = self.screen.query_one("#status", Static)
        # The line spans the screen: its width, not the line's own, which is the old
        # one until the layout after a resize (the status is fitted as it resizes).
        width = self.screen.size.width
        # Always one line: no layout needed.
        status.update(fit_status(parts, max(1, width - 1)), layout=False)

    def _colour(self, name: str) -> str:
        """The theme's readable colour ``name`` (see ``theme_colours``), as a hex string."""
        return self.screen.app.theme_variables.get(f"rapide-{name}", "")

    def _badge(self, name: str) -> str:
        """A bold badge in the theme's colour ``name``, its text readable on it."""
        ground = self._colour(name)
        if not ground:
            return "bold reverse"
        text = text_on(Color.parse(ground), Color.parse(self._colour("text")))
        return f"bold {text.hex} on {ground}"

    def _inspect_selected(self) -> None:
        event = self.screen.query_one(EventLog).selected_event
        if event is not None:
            self._show_in_inspector(event)
            self._show_cone(event, move_timeline=False)  # it follows the run by itself

    def _show_cone(self, event: Event, *, move_timeline: bool = True) -> None:
        """The event's causal past and future: the Timeline moves onto it, the graph
        marks the components they went through."""
        timelines = self.screen.query(TimelinePanel)
        poset = self.session.computation.poset
        if not timelines or event not in poset:
            return
        if move_timeline:
            timelines.first().select_id(event.id)
        # The graph marks the cone once the frame that moved the cursor is out, and only
        # for the latest event: keys held down move the cursor without waiting for walks.
        if self._cone_event is None:
            self.screen.set_timer(CONE_DELAY, self._mark_cone)
        self._cone_event = event

    def _mark_cone(self) -> None:
        event, self._cone_event = self._cone_event, None
        poset = self.session.computation.poset
        graphs = self.screen.query(ConnectionGraph)
        if event is None or not graphs or event not in poset:
            return
        # Events come from the components that are no architecture, named by path.
        description = self.session.description
        components = [c.path for c in description.walk() if c.architecture is None]
        past, future = causal_cone(event, poset, every=components)
        graphs.first().mark_cone(event.source or "", past, future)

    def _show_new_effects(self) -> None:
        """Shows again the event in the inspector, and its cone in the graph, when events
        just recorded are among its effects (a step taken while an earlier event is
        looked at): its effects are the session's, not those it had when chosen.
        Following a run, the inspector moves on to the newest event by itself."""
        inspectors = self.screen.query(Inspector)
        if not inspectors or self.screen.query_one(EventLog).following:
            return
        inspector = inspectors.first()
        event = inspector.shown_event
        poset = self.session.computation.poset
        if event is not None and event in poset and (
            len(poset.direct_effects(event)) != inspector.effect_count
        ):
            self._show_in_inspector(event)
            self._show_cone(event, move_timeline=False)

    def _show_in_inspector(self, event: Event) -> None:
        inspectors = self.screen.query(Inspector)  # empty while the app shuts down
        poset = self.session.computation.poset
        if not inspectors or event not in poset:
            return
        causes = causes_of(event, poset, self._deliveries())
        inspectors.first().show_event(
            event,
            [cause.event for cause in causes],
            list(poset.effects(event)),
            causal_history(event, poset.direct_causes),
            [f"{CAUSE_LOOKS[cause.kind].mark} {CAUSE_LOOKS[cause.kind].meaning}"
             for cause in causes],
        )

    def _deliveries(self) -> DeliveryKind:
        """Which kind of connection delivers what to whom, in the session's architecture."""
        description = self.session.description
        if self._wiring is None or self._wiring[0] is not description:
            self._wiring = (description, wiring_deliveries(description))
        return self._wiring[1]

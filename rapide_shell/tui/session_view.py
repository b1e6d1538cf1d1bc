"""Drawing a session on the main screen, from its notifications, batched per frame.

:class:`SessionView` turns what the session reports into widget updates on the screen
it belongs to. Notifications are only folded into a
:class:`~rapide_shell.tui.live.NotificationBatch` as they come (a run can send
thousands per frame) and the batch is drawn when a one-shot frame timer fires.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import RichLog, Static

from pyrapide.core.printable import printable
from pyrapide.runtime import RunState
from rapide_shell import notices
from rapide_shell.explorations import EXPLORE_PLUGIN, status_lines
from rapide_shell.explore_report import tally
from rapide_shell.render import counted, note
from rapide_shell.runtime_link import SessionState
from rapide_shell.tui.live import NotificationBatch
from rapide_shell.tui.panels import PANELS, SessionPanel
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.dispatch_queue import DispatchQueue
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.inspector import Inspector, causal_history

if TYPE_CHECKING:
    from pyrapide.core import Event
    from rapide_shell.session import Session

#: Notifications are drawn at most this often (seconds): a fast run redraws per frame.
FRAME_SECONDS = 1 / 30
#: While a run works, the costlier panels are redrawn at most this often (seconds),
#: leaving the loop to keys and the run. The inspector following the newest event is
#: the costliest (its panel is laid out again), so it moves least often.
BUSY_REDRAW_SECONDS = {"queue": 0.25, "inspector": 1.0}
#: Lines of one command's output printed in the output panel (a long run reports every
#: event it recorded; the event log has them all).
OUTPUT_LINES_SHOWN = 200
_STATE_STYLES = {
    RunState.RUNNING: "green",
    RunState.PAUSED: "yellow",
    RunState.QUIET: "blue",
    SessionState.CLOSED: "red",
}


class SessionView:
    """Redraws ``screen``'s panels from ``session``'s notifications.

    :meth:`attach` subscribes to the session (before it starts, so that nothing it
    reports is missed), :meth:`redraw_all` draws everything from the session's state,
    :meth:`detach` unsubscribes.
    """

    def __init__(self, screen: Screen[Any], session: Session) -> None:
        self.screen = screen
        self.session = session
        self._unsubscribe: Callable[[], None] | None = None
        self._batch = NotificationBatch()
        self._draw_scheduled = False
        self._delivered: Counter[int] = Counter()
        self._active_dispatch_connection: int | None = None
        self._queue_connection: int | None = None
        self._throttled: dict[str, float] = {}
        """When each throttled redraw last ran (loop time)."""
        self._deferred: set[str] = set()
        """Throttled redraws waiting for their turn."""
        self._panels: list[SessionPanel] | None = None
        self._exploration: notices.ExplorationChanged | None = None
        """How the background exploration stood when it last moved on."""

    @property
    def output(self) -> RichLog:
        """The output panel where commands and their results are printed."""
        return self.screen.query_one("#console", RichLog)

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
        (the session holds all of it)."""
        self._batch = NotificationBatch()
        self._redraw_all()

    def inspect(self, event: Event, *, followed: bool = False) -> None:
        """Shows ``event`` in the inspector; while following a run, now and then only."""
        if followed:
            # Following a run: show the newest event now and then, not per frame.
            self._throttle("inspector", self._inspect_selected)
        else:
            self._show_in_inspector(event)

    def highlight_queue_connection(self, connection_index: int | None) -> None:
        """Highlights in the graph the connection of the dispatch highlighted in the queue."""
        self._queue_connection = connection_index
        self._redraw_highlight()

    def _on_notification(self, notification: Any) -> None:
        # Called synchronously by the session, maybe thousands of times per frame:
        # only fold it into the batch and make sure one redraw is scheduled.
        self._batch.add(notification)
        if not self._draw_scheduled:
            self._draw_scheduled = True
            self.screen.set_timer(FRAME_SECONDS, self._draw_batch)

    def _draw_batch(self) -> None:
        self._draw_scheduled = False
        if not self.screen.query(EventLog):  # the screen is being torn down
            return
        batch, self._batch = self._batch, NotificationBatch()
        if batch.reset is not None:
            # Handler errors, violations and the start hooks' limits are drawn from the
            # session there.
            self._redraw_all()
            batch.problems = [
                problem for problem in batch.problems
                if problem.kind not in ("error", "violation", "limit")
            ]
            batch.failed_event_ids.clear()
        self._apply(batch)

    def _apply(self, batch: NotificationBatch) -> None:
        for panel in self._session_panels():
            panel.show_batch(batch, self.session)
        if batch.problems:
            latest = batch.problems[-1]
            self.screen.notify(
                latest.summary, title=latest.kind, severity="error", timeout=6, markup=False
            )
        self._delivered.update(batch.delivered)
        if batch.last_started is not None:
            self._active_dispatch_connection = getattr(
                batch.last_started.connection, "index", None
            )
        if batch.queue_changed or batch.delivered:
            self._throttle("queue", self._redraw_queue_and_counts)
        for hit in batch.breakpoint_hits:
            self.output.write(note(
                f"breakpoint {hit.break_id} ({hit.pattern_text}) hit by {hit.event.id} "
                f"{hit.event.name}: the run pauses", style="bold yellow"))
            self.screen.query_one(EventLog).select_id(hit.event.id)
        for outcome in batch.outcomes:
            self._print_outcome(outcome)
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
        output = outcome.output
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

    def redraw_status(self) -> None:
        """Draws the status line again (the screen's speed changed, say)."""
        self._redraw_status()

    def _redraw_all(self) -> None:
        # The deliveries the history says were made up to the point the run is at:
        # none after a fresh start, as many as there were after going back or forth.
        self._delivered = (
            Counter(self.session.delivered()) if self.session.inspected is None else Counter()
        )
        self._active_dispatch_connection = None
        # What the system reported before this redraw (its start hooks, say) is kept
        # by the session: each panel draws it from there.
        for panel in self._session_panels():
            panel.show_session(self.session)
        self._redraw_queue_and_counts()
        self._redraw_status()

    def _redraw_queue_and_counts(self) -> None:
        pending = self.session.pending()
        queued: Counter[int] = Counter()
        for dispatch in pending:
            index = getattr(dispatch.connection, "index", None)
            if index is not None:
                queued[index] += 1
        self.screen.query_one(DispatchQueue).show_pending(
            pending, self.session.next_dispatch(), self.session.in_flight(), self.session.blocked
        )
        graph = self.screen.query_one(ConnectionGraph)
        graph.update_counts(self._delivered, queued)
        self._redraw_highlight()

    def _redraw_highlight(self) -> None:
        connection = self._queue_connection
        if connection is None:
            connection = self._active_dispatch_connection
        self.screen.query_one(ConnectionGraph).highlight(connection)

    def _exploration_ended(self) -> None:
        """Print the exploration's answer, its failures numbered, and say it ended."""
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

    def _exploration_status(self) -> Text | str:
        """The status line's part about the background exploration, if there is one."""
        exploring = self._exploration
        if exploring is None:
            return ""
        progress = exploring.progress
        word = "explored" if exploring.ended else "exploring"
        failures = tally(progress.failures, "failure")
        return Text(
            f" · {word}: {progress.schedules:,} schedules, "
            f"{tally(progress.distinct, 'poset')}, {failures}",
            style="bold red" if progress.failures else "",
        )

    def _redraw_status(self) -> None:
        session = self.session
        errors = len(self.screen.query_one(ErrorPanel).problems)
        breaks = len(session.breakpoints)
        events = self.screen.query_one(EventLog).event_count
        # Drawn every frame of a run: ``state`` and ``pending_count`` each gather and
        # sort the whole queue, so each is read once.
        state = session.state
        flying = session.in_flight_count
        tree = session.decisions
        every = getattr(self.screen, "every", None)
        status = Text.assemble(
            (f" {session.description.name} ", "bold"),
            f" from {printable(session.path.name)} · seed {session.seed}  ",
            (f" {state} ", f"bold reverse {_STATE_STYLES.get(state, '')}"),
            (f" step {tree.point.number}", "bold"),
            f" of {printable(tree.branch.name)}",
            (f" · slow {every:g}s", "bold magenta") if every is not None else "",
            " ·",
            f" {session.pending_count} pending",
            (f" · {flying} in flight", "bold") if flying else "",
            f" · {counted(events, 'event')}",
            f" · {counted(breaks, 'breakpoint')}",
            (f" · {counted(errors, 'error')}", "bold red" if errors else ""),
            self._exploration_status(),
        )
        self.screen.query_one("#status", Static).update(status, layout=False)  # always one line

    def _inspect_selected(self) -> None:
        event = self.screen.query_one(EventLog).selected_event
        if event is not None:
            self._show_in_inspector(event)

    def _show_in_inspector(self, event: Event) -> None:
        inspectors = self.screen.query(Inspector)  # empty while the app shuts down
        poset = self.session.computation.poset
        if not inspectors or event not in poset:
            return
        inspectors.first().show_event(
            event,
            list(poset.causes(event)),
            list(poset.effects(event)),
            causal_history(event, poset.direct_causes),
        )

"""The problems panel: handler errors, constraint violations and limits, newest last, and
the failures the last exploration found."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from rapide_shell.tui.live import Problem, explored_problems, session_problems
from rapide_shell.tui.theme_colours import ThemedLines

if TYPE_CHECKING:
    from rapide_shell.session import Session
    from rapide_shell.tui.live import NotificationBatch


class ErrorPanel(ThemedLines, OptionList):
    """Lists problems as they are reported; the panel is flagged while it holds any.

    Selecting a problem posts :class:`ProblemSelected` (the app selects its event and
    prints its details). The failures an exploration found stay listed when the run is
    replaced (a reset, a reload, time travel), until another exploration starts.
    """

    class ProblemSelected(Message):
        """The user selected ``problem``."""

        def __init__(self, problem: Problem) -> None:
            self.problem = problem
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._problems: list[Problem] = []
        self._run_problems = 0
        self._explored: list[Problem] = []
        """The failures of the session's exploration listed (see :func:`explored_problems`)."""

    @property
    def problems(self) -> list[Problem]:
        """Every problem shown, oldest first."""
        return list(self._problems)

    @property
    def run_problem_count(self) -> int:
        """How many of the problems shown are the run's own (handler errors,
        violations, limits, plugin failures), not failures an exploration found in
        other schedules (those have a command): counted as they are added, so reading
        it costs the same however many there are (the status line does, every frame)."""
        return self._run_problems

    def on_mount(self) -> None:
        """Starts with a calm placeholder line."""
        self._show_placeholder()

    def _show_placeholder(self) -> None:
        self.set_options([Option(Text("no errors", "dim"), disabled=True)])
        self.border_title = "Errors"
        self.remove_class("has-problems")

    def show_session(self, session: Session) -> None:
        """Shows the failures the session's exploration found, then the handler errors
        and violations the session holds: the run is replaced, not the exploration."""
        self._show(session_problems(session), explored_problems(session))

    def show_batch(self, batch: NotificationBatch, session: Session) -> None:
        """Adds the problems reported since the last frame; when the exploration moved
        on, its failures replace those listed (none while a new one runs)."""
        if batch.exploration is not None:
            explored = explored_problems(session)
            if explored != self._explored:
                self._show([p for p in self._problems if p.command is None], explored)
        self.add_problems(batch.problems)

    def _show(self, problems: list[Problem], explored: list[Problem]) -> None:
        """Lists the exploration's failures ``explored``, then ``problems`` (the run's):
        what the run meets next is added at the end, after them, however it got there
        (a start over, or going on from where the session was)."""
        self.clear()
        self._explored = explored
        self.add_problems([*explored, *problems])

    def add_problems(self, problems: list[Problem]) -> None:
        """Appends problems and scrolls to the newest."""
        if not problems:
            return
        if not self._problems:
            self.clear_options()
        for problem in problems:
            self._problems.append(problem)
            self._run_problems += problem.command is None
            label = Text.assemble((f"{problem.kind}: ", "bold"), problem.summary)
            self.add_option(Option(label, id=f"problem:{len(self._problems) - 1}"))
        self.border_title = f"Errors ({len(self._problems)})"
        self.add_class("has-problems")
        self.highlighted = self.option_count - 1

    def clear(self) -> None:
        """Forgets every problem."""
        self._problems.clear()
        self._run_problems = 0
        self._explored = []
        self._show_placeholder()

    @on(OptionList.OptionSelected)
    def _announce(self, selected: OptionList.OptionSelected) -> None:
        selected.stop()
        option_id = selected.option.id or ""
        if option_id.startswith("problem:"):
            self.post_message(self.ProblemSelected(self._problems[int(option_id[8:])]))

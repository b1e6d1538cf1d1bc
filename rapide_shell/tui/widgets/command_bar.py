"""The command bar: one line of the command language, with completion and history."""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from pyrapide.core.printable import printable
from rapide_shell.tui.widgets.printable_input import PrintableInput

#: Turns the text typed so far into the full lines it could complete to, best first.
Completer = Callable[[str], list[str]]


class CommandBar(PrintableInput):
    """Takes commands; Tab completes (again: the next candidate), Up/Down walk the history;
    Enter or Ctrl+J enters the line.

    Posts :class:`CommandSubmitted` with the line on Enter and :class:`CompletionsShown`
    whenever the candidates for the text typed so far change (for a hint line).
    """

    BINDINGS = [
        Binding("tab", "complete", "Complete", show=False, id="bar.complete"),
        Binding("up", "history(-1)", "Previous command", show=False, id="bar.history_back"),
        Binding("down", "history(1)", "Next command", show=False, id="bar.history_forward"),
        Binding("escape", "leave", "Leave the command bar", show=False, id="bar.leave"),
        # Enter typed before the screen was up, while the terminal still read whole lines,
        # reaches the bar as the newline the terminal made of it: Ctrl+J, which enters the
        # line, as in a shell.
        Binding("ctrl+j", "submit", "Enter the line", show=False, id="bar.newline"),
    ]

    class CommandSubmitted(Message):
        """The user entered ``line`` (not empty)."""

        def __init__(self, line: str) -> None:
            self.line = line
            super().__init__()

    class LinesPasted(Message):
        """Whole lines were pasted (one or more): ``lines`` (none empty), to run in turn."""

        def __init__(self, lines: list[str]) -> None:
            self.lines = lines
            super().__init__()

    class CompletionsShown(Message):
        """The completions of what is typed are now ``candidates`` (may be empty)."""

        def __init__(self, candidates: list[str]) -> None:
            self.candidates = candidates
            super().__init__()

    class Left(Message):
        """The user pressed Escape to leave the bar for the panels."""

    def __init__(self, completer: Completer, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="type a command (help, inject, step, run, watch ...) — Tab completes",
            suggest=self._best_completion,
            select_on_focus=False,
            id=id,
        )
        self._completer = completer
        self.history: list[str] = []
        """Lines entered so far, oldest first."""
        self._history_position = 0
        self._cycle: list[str] = []
        self._cycle_position = 0

    def _best_completion(self, typed: str) -> str | None:
        """The best completion of ``typed``, shown as grey text after the cursor (asked
        anew each time: completions depend on the session's event ids, watches ...)."""
        candidates = self._completer(typed)
        return candidates[0] if candidates else None

    async def _on_key(self, event: events.Key) -> None:
        # No command starts with ":": one typed into an empty bar is the habit of
        # pressing ":" to reach the bar, not text (inside a command, it is text).
        if event.character == ":" and not self.value:
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        """A paste of part of a line goes in as typed. Otherwise the first line joins
        what is in the bar, each whole line (one with its end, a single one too) is
        entered (see :class:`LinesPasted`) and a last line without its end stays in the
        bar to be finished, as a terminal does."""
        lines = event.text.splitlines()
        ended = event.text.endswith(("\n", "\r"))
        if len(lines) <= 1 and not ended:
            return  # Input's own handler, called after this one, pastes it
        event.stop()
        event.prevent_default()  # not Input's handler too
        whole, rest = (lines, "") if ended else (lines[:-1], lines[-1])
        self.insert_text_at_cursor(whole[0] if whole else "")  # an end alone: the bar's line
        entered = [printable(line.strip()) for line in (self.value, *whole[1:])]
        entered = [line for line in entered if line]
        for line in entered:
            self.remember(line)
        self.value = ""
        self.insert_text_at_cursor(rest)
        if entered:
            self.post_message(self.LinesPasted(entered))

    def action_complete(self) -> None:
        """Completes the line; pressing Tab again cycles through the other candidates."""
        if self._cycle and self.value in self._cycle:
            self._cycle_position = (self._cycle.index(self.value) + 1) % len(self._cycle)
        else:
            self._cycle = self._completer(self.value)
            self._cycle_position = 0
        if self._cycle:
            self._set_value_keeping_cycle(self._cycle[self._cycle_position])

    def _set_value_keeping_cycle(self, value: str) -> None:
        cycle = self._cycle
        self.value = value
        self.cursor_position = len(value)
        self._cycle = cycle

    def action_history(self, direction: int) -> None:
        """Replaces the line with an earlier (-1) or later (+1) entered line."""
        if not self.history:
            return
        position = max(0, min(len(self.history), self._history_position + direction))
        self._history_position = position
        self.value = self.history[position] if position < len(self.history) else ""
        self.cursor_position = len(self.value)

    def action_leave(self) -> None:
        """Asks the app to move the focus to the panels."""
        self.post_message(self.Left())

    @on(Input.Changed)
    def _changed(self, changed: Input.Changed) -> None:
        changed.stop()
        if self.value in self._cycle:  # Tab put it there: keep showing the alternatives
            self.post_message(self.CompletionsShown(list(self._cycle)))
            return
        self._cycle = []
        self.post_message(self.CompletionsShown(self._completer(self.value) if self.value else []))

    async def action_submit(self) -> None:
        """Enter: posts the line (see :class:`CommandSubmitted`) and empties the bar at
        once, not when a message comes back (keys typed right after go to the next line)."""
        line = self.value.strip()
        self.value = ""
        self._cycle = []
        if not line:
            return
        self.remember(line)
        self.post_message(self.CommandSubmitted(line))

    def remember(self, line: str) -> None:
        """Adds ``line`` to the lines Up and Down walk (once, if entered again): one
        typed or pasted here, or one a dialog built (F3's ``inject``)."""
        if not self.history or self.history[-1] != line:
            self.history.append(line)
        self._history_position = len(self.history)

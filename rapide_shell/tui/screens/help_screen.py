"""The help screen: the key bindings, how to move around, and every command."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from rapide_shell.tui.screens.short_dialogs import DIALOG_BREAKPOINTS
from rapide_shell.tui.widgets.printable_input import passed_on_once_closed

NAVIGATION = (
    "The command bar is focused when the shell opens: type a command and press Enter (Tab "
    "completes, ↑/↓ recall earlier lines). Escape leaves the bar for the panels; "
    "Tab/Shift+Tab or the keys {first} to {last} move between panels; `:` comes back to the "
    "bar.",
    "",
    "Event log: ↑/↓/PgUp/PgDn/Home pick an event (the inspector shows it), Enter goes into "
    "the inspector; End follows new events again.",
    "Inspector: ↑/↓ pick a cause or effect, Enter shows that event.",
    "Queue: Enter (or a double click) runs the highlighted dispatch (`step #ID`); its "
    "connection is highlighted in the graph. The first line says why ▶ is next: connects run "
    "first (their emitter waits), a pipe delivers in order from its head, and among agent "
    "deliveries and ready pipe heads the seed picks.",
    "Watches: Enter expands a watch; Enter on a match highlights its events in the log.",
    "Errors: Enter shows the details.",
    "",
    "Graph: ──▶ connect, ══▶ pipe, ┄┄▶ agent; ✓N counts the deliveries whose handlers "
    "finished, \"▸N running\" those delivered whose handlers have not finished yet (waiting on "
    "their own connects, say), \"queued N\" what waits in a pipe. A label that does not fit is "
    "written under the lanes, tagged [N]. A component that is an architecture is one box "
    "(`PaymentsDept ▸`); x opens the one the selected event comes from, showing its "
    "components by path, and folds it again; X opens every one, or folds them all.",
    "Timeline (9): a lane per component, time running down; each event linked from its "
    "causes' lanes and its causes marked: ─ connect, ═ pipe, ┄ agent, ↓ the same handler's "
    "previous event, ↩ a connect's return, ⇊ the pipe's order, + given. - collapses a lane, Del "
    "hides it, + brings every lane back. Selecting an event marks its causal past and future "
    "in the Timeline, the event log and the graph.",
    "F11 (or `zoom PANEL`) shows a panel full screen; Escape brings the others back.",
)
"""How to move around the screen: one paragraph a line, which the help wraps to its width
("" is a blank line)."""

CLOSING_KEYS = ("escape", "q", "question_mark", "f1")
"""The keys that close the help."""

USAGE_COLUMNS = 32
"""The widest a command's usage is drawn in the list of commands (a longer one wraps)."""


class HelpScreen(ModalScreen[None]):
    """Lists ``bindings`` (key, description) and ``commands`` (usage, summary);
    ``panel_keys`` are the first and last keys that focus a panel."""

    BINDINGS = [
        Binding(",".join(CLOSING_KEYS), "close", "Close help", id="help.close"),
    ]
    VERTICAL_BREAKPOINTS = DIALOG_BREAKPOINTS

    def __init__(
        self,
        bindings: Iterable[tuple[str, str]],
        commands: Iterable[tuple[str, str]],
        *,
        panel_keys: tuple[str, str],
    ) -> None:
        super().__init__()
        self.key_rows = list(bindings)
        """The keys listed: (key, what it does)."""
        self.command_rows = list(commands)
        """The commands listed: (usage, summary)."""
        self.navigation = "\n".join(NAVIGATION).format(first=panel_keys[0], last=panel_keys[1])
        """How to move around the screen."""

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold")
        keys.add_column()
        for key, description in self.key_rows:
            keys.add_row(Text(key), Text(description))
        commands = Table.grid(padding=(0, 2))
        # A long usage wraps in its column rather than leave its summary no room.
        commands.add_column(style="bold", max_width=USAGE_COLUMNS, overflow="fold")
        commands.add_column()
        for usage, summary in self.command_rows:
            # Text, not markup: usages hold brackets ("[N | connect|pipe|agent | #ID]").
            commands.add_row(Text(usage), Text(summary))
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Help · Escape closes"
            yield Static(Text("Keys", style="bold underline"))
            yield Static(keys)
            yield Static(Text("\nMoving around", style="bold underline"))
            yield Static(Text(self.navigation))  # text, not markup: "tagged [N]"
            yield Static(Text("\nCommands (help COMMAND in the bar says more)",
                              style="bold underline"))
            yield Static(commands)
            yield Static(Text("\nEscape closes this help.", style="dim"))

    def on_key(self, key: events.Key) -> None:
        """A key that closes the help closes it at once, in order with the keys behind it
        (its binding waits for the key to reach the app, and the keys typed quickly
        after it were lost); those go on to the command bar, as pressed slowly."""
        if passed_on_once_closed(self, key) or key.key not in CLOSING_KEYS:
            return
        key.stop()
        key.prevent_default()
        self.action_close()

    def action_close(self) -> None:
        """Closes the help."""
        self.dismiss(None)

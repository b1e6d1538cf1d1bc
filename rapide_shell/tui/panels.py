"""The panels of the main screen, in one registry that its layout, keys and help are built from.

A panel is a widget (one file in ``tui/widgets/``) and one :class:`Panel` entry in
:data:`PANELS`: where it goes, what it is called, its border title and the number key
that focuses it. The main screen composes the panels in the order of :data:`PANELS`
(rows top to bottom, left to right within a row, a ``column`` stacking panels inside a
row, panels of one ``slot`` sharing one place), gives each the ``panel`` class (its
border, in ``app.tcss``), binds its key, lists it in the help, and, when its widget
implements :class:`SessionPanel`, has it draw the session as the session reports what
happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.widget import Widget

from rapide_shell.causes import cause_legend
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.dispatch_queue import DispatchQueue
from rapide_shell.tui.widgets.error_panel import ErrorPanel
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.history_panel import HistoryPanel
from rapide_shell.tui.widgets.inspector import Inspector
from rapide_shell.tui.widgets.output_log import OutputLog
from rapide_shell.tui.widgets.timeline_panel import TimelinePanel
from rapide_shell.tui.widgets.watch_panel import WatchPanel

if TYPE_CHECKING:
    from rapide_shell.session import Session
    from rapide_shell.tui.live import NotificationBatch


@runtime_checkable
class SessionPanel(Protocol):
    """A panel that draws the session by itself, from what it holds and what it reports.

    Its methods run on the main screen's frame timer, never once per notification.
    """

    def show_session(self, session: Session) -> None:
        """Draw everything from the session: when the screen opens, and after the
        system or the computation was replaced (``reset``, ``seed``, ``reload``, ``load``)."""

    def show_batch(self, batch: NotificationBatch, session: Session) -> None:
        """Draw what changed since the last frame (``batch``); the session is as it is
        after those changes."""


@dataclass(frozen=True)
class Panel:
    """One panel of the main screen."""

    id: str
    """The widget's id: its styles in ``app.tcss`` and the focus action name it."""
    name: str
    """How the help and its key's description call it ("event log")."""
    widget: Callable[..., Widget]
    """Builds the widget; called with ``id=`` the panel's id and ``classes="panel"``."""
    row: str
    """The row of the screen it goes in (``top``, ``middle``, ``bottom``)."""
    key: str
    """The key that focuses it (outside the command bar)."""
    title: str = ""
    """Its border title (a widget may keep its own up to date, with a count)."""
    subtitle: str = ""
    """Its border subtitle: a hint of what its keys do."""
    column: str | None = None
    """A column of its row that stacks panels one above the other, if it is in one; on
    a screen too short for them, the column shows one at a time, as a slot does."""
    hidden_note: str = ""
    """What its key says while the panel is hidden (the errors panel shows only once
    there is an error), instead of focusing it."""
    slot: str | None = None
    """A place of its row that it shares with the other panels of the same slot: on a
    narrow screen one of them shows at a time (the first, until another's key brings
    it), on a wide one they stand side by side."""

    def build(self) -> Widget:
        """The panel's widget, with its id and the ``panel`` class."""
        # The class given to the constructor, not added after: adding a class styles
        # the widget at once, and it is styled again when it is mounted.
        widget = self.widget(id=self.id, classes="panel")
        if self.title:
            widget.border_title = self.title
        if self.subtitle:
            widget.border_subtitle = self.subtitle
        return widget

    @property
    def heading(self) -> str:
        """What a hint naming its key calls it: its title, else its name ("Errors")."""
        return self.title or self.name.capitalize()

    @property
    def place(self) -> str | None:
        """Its slot or its column: the place it shares with other panels (None: it has
        one of its own)."""
        return self.slot or self.column


PANELS: tuple[Panel, ...] = (
    Panel(
        "graph", "graph", ConnectionGraph, row="top", key="1", title="Graph",
        subtitle="──▶ connect  ══▶ pipe  ┄┄▶ agent  ✓ finished  ▸ running",
    ),
    Panel(
        "queue", "queue", DispatchQueue, row="top", key="2", title="Queue",
        subtitle="Enter runs the highlighted one",
    ),
    Panel(
        "events", "event log", EventLog, row="middle", slot="log", key="3", title="Events",
        subtitle="End follows new events",
    ),
    Panel(
        "timeline", "timeline", TimelinePanel, row="middle", slot="log", key="9",
        title="Timeline", subtitle=f"c collapse · h hide · a all lanes · {cause_legend()}",
    ),
    Panel(
        "inspector", "inspector", Inspector, row="middle", column="detail", key="4",
        title="Inspector", subtitle="Enter follows a cause or effect",
    ),
    Panel(
        "history", "history", HistoryPanel, row="middle", column="detail", key="8",
        title="History", subtitle="Enter goes there · F8 back · F9 forward",
    ),
    # The output's text wraps to the panel however narrow (RichLog's min_width would
    # lay it out wider, to scroll sideways, its scrollbar taking a tiny screen's line).
    Panel(
        "console", "output", partial(OutputLog, wrap=True, max_lines=5000, min_width=1),
        row="bottom", key="5", title="Output",
    ),
    Panel(
        "errors", "errors", ErrorPanel, row="bottom", column="side", key="7",
        hidden_note="No errors so far.",
    ),
    Panel(
        "watches", "watches", WatchPanel, row="bottom", column="side", key="6",
        title="Watches", subtitle="Enter on a match marks its events",
    ),
)
"""Every panel, in the order the screen lays them out."""


def by_key() -> list[Panel]:
    """The panels in the order of their keys (how the help lists them)."""
    return sorted(PANELS, key=lambda panel: panel.key)


def key_range() -> tuple[str, str]:
    """The first and the last panel key, for the help and the welcome line ("1", "7")."""
    keys = [panel.key for panel in by_key()]
    return keys[0], keys[-1]


def place_mates(panel: Panel) -> list[Panel]:
    """The panels sharing ``panel``'s slot or column, itself included, in layout order
    (itself alone when it has neither)."""
    if panel.place is None:
        return [panel]
    return [other for other in PANELS if other.row == panel.row and other.place == panel.place]


def find(panel_id: str) -> Panel:
    """The panel whose widget has the id ``panel_id`` (KeyError when none has)."""
    for panel in PANELS:
        if panel.id == panel_id:
            return panel
    raise KeyError(panel_id)

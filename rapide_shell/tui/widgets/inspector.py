"""The inspector: the selected event's payload, its direct causes and effects, its history."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.highlighter import JSONHighlighter
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pyrapide.core.printable import printable
from rapide_shell.tui.widgets.scrolling import set_virtual_size

if TYPE_CHECKING:
    from pyrapide import Event
    from rapide_shell.session import Session
    from rapide_shell.tui.live import NotificationBatch

HISTORY_LINE_LIMIT = 60
#: Payloads longer than this (as JSON text) are shown cut, unhighlighted.
PAYLOAD_CHARS_SHOWN = 4000
MAX_INDENT = 18
SET_IN = 2
"""How much deeper than its line a payload line too long for the panel goes on."""


def causal_history(
    event: Event, causes_of: Callable[[Event], Sequence[Event]], limit: int = HISTORY_LINE_LIMIT
) -> list[str]:
    """Draws ``event``'s causes back to the roots as an indented tree, one line each.

    An ancestor reached again through another path is listed but not expanded twice
    (marked ``(above)``); after ``limit`` lines the tree is cut with a line saying so,
    so a long history costs a bounded time, but for reading the causes of each event
    expanded whole (a join of 100,000 events: about 4 ms). Indentation stops growing after a few
    levels so that long chains stay readable in a narrow panel.
    """
    own_causes = list(causes_of(event))
    lines = [f"{_label(event)}" + ("" if own_causes else "  (root)")]
    expanded = {event.id}
    # Each frame: the causes being listed, the next one to list, the prefix of their lines.
    stack: list[tuple[list[Event], int, str]] = [(own_causes, 0, "")]
    while stack:
        causes, position, prefix = stack[-1]
        if position == len(causes):
            stack.pop()
            continue
        stack[-1] = (causes, position + 1, prefix)
        if len(lines) >= limit:
            lines.append(f"{prefix}… history cut after {limit} lines")
            break
        cause = causes[position]
        last = position == len(causes) - 1
        seen = cause.id in expanded
        its_causes = [] if seen else list(causes_of(cause))
        suffix = "  (above)" if seen else ("" if its_causes else "  (root)")
        capped = len(prefix) >= MAX_INDENT  # dotted: a cause of the line above, not a sibling
        branch = ("└┄ " if last else "├┄ ") if capped else ("└─ " if last else "├─ ")
        lines.append(f"{prefix}{branch}{_label(cause)}{suffix}")
        if its_causes:
            expanded.add(cause.id)
            child_prefix = prefix
            if len(prefix) < MAX_INDENT:
                child_prefix += "   " if last else "│  "
            stack.append((its_causes, 0, child_prefix))
    return lines


def _label(event: Event) -> str:
    return f"{printable(event.id)} {printable(event.name)}"


def payload_view(payload: object) -> Text:
    """The payload as highlighted, indented, printable JSON; a very large one is cut (with
    a note) so that selecting its event stays quick."""
    if not payload:
        return Text("(no payload)", "dim")
    text = printable(json.dumps(payload, default=str, ensure_ascii=False))
    if len(text) > PAYLOAD_CHARS_SHOWN:
        return Text(text[:PAYLOAD_CHARS_SHOWN] + f"… ({len(text):,} characters in all)")
    # Indented here rather than by rich.json.JSON, which would write the characters that
    # printable() escaped back out raw; the escapes it wrote are valid JSON.
    indented = printable(
        json.dumps(json.loads(text), indent=2, ensure_ascii=False), keep_newlines=True
    )
    view = JSONHighlighter()(Text(indented))
    view.no_wrap = True
    view.overflow = "ignore"
    return view


class SetInLines:
    """Lines of text (a payload's JSON) each of which, too long for the panel, goes on
    below itself set in SET_IN cells deeper than it starts, broken between words or,
    in a long word, anywhere: every character of a long value can be read, and the
    continuation never reads as a key of its own."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for line in self.text.split("\n"):
            if line.cell_len <= width:
                line.no_wrap, line.overflow = True, "ignore"
                yield line
                continue
            line.no_wrap = False
            lead = len(line.plain) - len(line.plain.lstrip(" "))
            indent = min(lead + SET_IN, width // 2)
            set_in = Text(no_wrap=True, overflow="ignore")
            for number, piece in enumerate(line.wrap(console, width - indent, overflow="fold")):
                piece.rstrip()
                if number:
                    set_in.append("\n" + " " * indent)
                set_in.append_text(piece)
            yield set_in


class Inspector(ScrollView, can_focus=True):
    """Shows one event: its payload as highlighted JSON, links to its direct causes and
    effects, and its causal history back to the roots.

    Up/Down move between the links (Enter, or a click, follows one) and scroll the
    rest. Drawn line by line, so showing another event costs no screen layout.
    """

    COMPONENT_CLASSES = {
        "inspector--title",
        "inspector--heading",
        "inspector--link",
        "inspector--cursor",
        "inspector--history",
        "inspector--hint",
    }
    BINDINGS = [
        Binding("up", "move(-1)", "Previous link", show=False, id="inspector.up"),
        Binding("down", "move(1)", "Next link", show=False, id="inspector.down"),
        Binding("enter", "follow", "Show this event", show=False, id="inspector.follow"),
    ]

    class LinkChosen(Message):
        """The user chose a cause or effect of the shown event: show ``event_id`` next."""

        def __init__(self, event_id: str) -> None:
            self.event_id = event_id
            super().__init__()

    link_cursor: reactive[int] = reactive(0, repaint=False)
    """Index of the highlighted link in :attr:`link_ids` (meaningless when none)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[Event, list[Event], list[Event], list[str]] | None = None
        self._lines: list[Strip] = []
        self._link_rows: list[int] = []
        """Line index of each link, in link order."""
        self._link_ids: list[str] = []
        self._cause_notes: list[str] = []

    @property
    def link_ids(self) -> list[str]:
        """The links shown, ``cause:ID`` then ``effect:ID``, in display order."""
        return list(self._link_ids)

    @property
    def shown_event(self) -> Event | None:
        """The event shown (None: none)."""
        return self._shown[0] if self._shown is not None else None

    @property
    def effect_count(self) -> int:
        """How many direct effects of the shown event are listed."""
        return len(self._shown[2]) if self._shown is not None else 0

    def show_event(
        self,
        event: Event,
        causes: Sequence[Event],
        effects: Sequence[Event],
        history: Sequence[str],
        cause_notes: Sequence[str] = (),
    ) -> None:
        """Shows ``event`` with its direct ``causes`` and ``effects`` and history lines;
        ``cause_notes`` (one per cause, if given) say why each cause is one. The event
        shown already (its effects grew), the link highlighted and the scroll position
        stay where they were."""
        again = self._shown is not None and self._shown[0] is event
        highlighted = (
            self._link_ids[self.link_cursor]
            if again and 0 <= self.link_cursor < len(self._link_ids) else None
        )
        self._shown = (event, list(causes), list(effects), list(history))
        self._cause_notes = list(cause_notes)
        self._link_ids = [f"cause:{c.id}" for c in causes] + [f"effect:{e.id}" for e in effects]
        cursor = self._link_ids.index(highlighted) if highlighted in self._link_ids else 0
        self.set_reactive(Inspector.link_cursor, cursor)
        self._build()
        if not again:
            self.scroll_to(y=0, animate=False)

    def show_session(self, session: Session) -> None:
        """Shows nothing: the event shown belonged to the computation replaced."""
        self.clear()

    def show_batch(self, batch: NotificationBatch, session: Session) -> None:
        """Nothing to do: the screen shows here the event selected in the log."""

    def clear(self) -> None:
        """Shows nothing (no event selected)."""
        self._shown = None
        self._link_ids = []
        self._build()

    def select_link(self, link_id: str) -> None:
        """Moves the link cursor onto ``link_id`` (one of :attr:`link_ids`)."""
        self.link_cursor = self._link_ids.index(link_id)
        self._build()

    # -- drawing ------------------------------------------------------------------------

    def _build(self) -> None:
        room = self.content_region
        if not room.width:
            # Not laid out yet: its first size comes with a resize, which draws it.
            return
        width = room.width
        lines, link_rows = self._draw(width)
        if len(lines) > room.height:
            # The vertical scrollbar shows (or stays): the lines go beside it, not under
            # it, where their last cells (a "…" among them) would be hidden. Its coming
            # changes no size, so no resize would draw them again.
            width = max(1, width - self.styles.scrollbar_size_vertical)
            lines, link_rows = self._draw(width)
        self._lines, self._link_rows = lines, link_rows
        set_virtual_size(self, Size(width, len(lines)))
        self.refresh()

    def _draw(self, width: int) -> tuple[list[Strip], list[int]]:
        """The shown event's lines at ``width`` cells, and the line of each link."""
        style = self.get_component_rich_style
        lines: list[Strip] = []
        link_rows: list[int] = []

        translation = getattr(self.app, "theme_translation", None)
        # Read once: the widget's style is worked out from its CSS at every reading.
        rich_style = self.rich_style

        def add(renderable: RenderableType, component: str | None = None) -> None:
            render_style = style(component) if component else None
            if isinstance(renderable, Text) and renderable.no_wrap and not renderable.spans:
                # One line in one style (a link, a line of history): no need to render
                # it through the console, which costs a history of 60 lines dearly.
                line = renderable.copy()
                line.truncate(width, overflow="ellipsis")
                own = line.style if isinstance(line.style, Style) else Style.parse(line.style)
                drawn = rich_style + (render_style or Style()) + own
                strip = Strip([Segment(line.plain, drawn)])
                lines.append(strip.crop_extend(0, width, rich_style))
                return
            options = self.app.console.options.update_width(width)
            for segments in self.app.console.render_lines(
                renderable, options, style=render_style, pad=False
            ):
                # Under the widget's own colours, so no segment shows the terminal's.
                strip = Strip(Segment.apply_style(segments, rich_style))
                strip = strip.crop_extend(0, width, rich_style)
                # JSON and shared text carry the terminal's named colours: the theme's.
                lines.append(strip if translation is None else translation.strip(strip))

        if self._shown is None:
            add(Text("Select an event in the log."), "inspector--hint")
        else:
            event, causes, effects, history = self._shown
            title = Text.assemble(
                (printable(event.id), "bold"), "  ", (printable(event.name), "bold"),
                "  from ", (printable(event.source) or "?", "italic"),
            )
            title.no_wrap, title.overflow = True, "ellipsis"
            add(title, "inspector--title")
            add(SetInLines(payload_view(event.payload)))
            links = [("← cause  ", e) for e in causes] + [("→ effect ", e) for e in effects]
            if not links:
                add(Text("(no causes or effects)"), "inspector--hint")
            for number, (arrow, linked) in enumerate(links):
                link_rows.append(len(lines))
                cursor = number == self.link_cursor and self.has_focus
                component = "inspector--cursor" if cursor else "inspector--link"
                add(Text(f"{arrow} {_label(linked)}", no_wrap=True, overflow="ellipsis"),
                    component)
                if number < len(causes) and number < len(self._cause_notes):
                    add(Text(f"   {self._cause_notes[number]}", no_wrap=True,
                             overflow="ellipsis"), "inspector--hint")
            add(Text("causal history"), "inspector--heading")
            for line in history:
                add(Text(line, no_wrap=True, overflow="ellipsis"), "inspector--history")
        return lines, link_rows

    def render_line(self, y: int) -> Strip:
        """Draws one line of the shown event, shifted by the scroll position."""
        index = round(self.scroll_y) + y
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)

    def on_resize(self, _event: events.Resize) -> None:
        """Draws again at the new width."""
        self._build()

    def notify_style_update(self) -> None:
        """Draws again with the new theme's colours (once the styles are applied)."""
        super().notify_style_update()
        if self.is_mounted:
            self.call_after_refresh(self._build)

    def on_focus(self) -> None:
        """Shows the link cursor."""
        self._build()

    def on_blur(self) -> None:
        """Hides the link cursor."""
        self._build()

    # -- moving and following -----------------------------------------------------------

    def action_move(self, step: int) -> None:
        """Moves to the next/previous link, or scrolls when there is none that way."""
        target = self.link_cursor + step
        if self._link_ids and 0 <= target < len(self._link_ids):
            self.link_cursor = target
            self._build()
            row = self._link_rows[target]
            self.scroll_to_region(Region(0, row, 1, 1), animate=False, immediate=True)
        elif step < 0:
            self.scroll_up(animate=False)
        else:
            self.scroll_down(animate=False)

    def action_follow(self) -> None:
        """Shows the highlighted cause or effect."""
        if self._link_ids:
            _, _, event_id = self._link_ids[self.link_cursor].partition(":")
            self.post_message(self.LinkChosen(event_id))

    def on_click(self, click: events.Click) -> None:
        """Follows the clicked link (its line counted inside the panel's border)."""
        at = click.get_content_offset(self)
        if at is None:
            return
        row = round(self.scroll_y) + at.y
        if row in self._link_rows:
            self.link_cursor = self._link_rows.index(row)
            self.action_follow()

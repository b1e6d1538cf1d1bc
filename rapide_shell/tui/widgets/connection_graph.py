"""The connection graph: component boxes in layers, one labelled track per connection."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pyrapide.core.printable import printable
from rapide_shell.render import KIND_LOOKS
from rapide_shell.tui.graph_canvas import Role
from rapide_shell.tui.graph_list import GraphList, too_large_to_draw
from rapide_shell.tui.graph_model import (
    GraphSpec,
    architecture_to_toggle,
    nested_paths,
    spec_from_description,
)
from rapide_shell.tui.graph_picture import BOX_GAP, GraphPicture, draw_graph

if TYPE_CHECKING:
    from rapide_shell.session import Session
    from rapide_shell.tui.live import NotificationBatch

NOT_NESTED = "No component of this architecture is an architecture."
"""What ``x`` and ``X`` say in the graph of an architecture without nested ones."""


class ConnectionGraph(ScrollView):
    """Draws the architecture: connect, pipe and agent lines differ in glyph and colour.

    Components are laid out in layers, sources above or left of their targets, in rows
    that fit the panel's width (it scrolls down, never sideways, unless a single box is
    wider than the panel). Each connection's label shows its kind and pattern, its
    delivery count and, for a pipe, how many deliveries wait in its queue. The one given to
    :meth:`highlight` (the one carrying the selected dispatch) is drawn emphasised. A
    component that is an architecture is one box; ``x`` shows the inside (its
    components and connections) of the one holding the selected event's component
    (see :meth:`mark_cone`), or folds it again; ``X`` opens every such one, or folds
    them all.
    """

    BINDINGS = [
        Binding("x", "toggle_inside", "Open/fold selected", id="graph.inside"),
        Binding("X", "toggle_all_inside", "Open/fold all", id="graph.inside_all"),
        Binding("slash", "search", "Search", id="graph.search"),
    ]

    COMPONENT_CLASSES = {
        "connection-graph--box",
        "connection-graph--interface",
        *(f"connection-graph--{kind}" for kind in KIND_LOOKS),
        "connection-graph--count",
        "connection-graph--highlight",
        "connection-graph--selected",
        "connection-graph--past",
        "connection-graph--future",
    }
    # Each kind's colour comes from its look's theme variable, made readable in every
    # theme (``$rapide-connect``..., see theme_colours; app.tcss styles the rest).
    DEFAULT_CSS = "\n".join(
        f"ConnectionGraph > .connection-graph--{kind} {{ color: $rapide-{kind}; }}"
        for kind in KIND_LOOKS
    )

    highlighted: reactive[int | None] = reactive(None, repaint=False)
    """Index of the emphasised connection (None: no emphasis)."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._spec: GraphSpec | None = None
        self._description: Any = None
        self._legend: str | None = None
        """The panel's own subtitle (the kinds' legend), before keys or a search were
        added to it (None: not read yet)."""
        self.expanded: frozenset[str] = frozenset()
        """The paths of the nested architectures drawn open (the others are one box)."""
        self._nested: frozenset[str] = frozenset()
        """The paths of the components that are architectures."""
        self._delivered: dict[int, int] = {}
        self._queued: dict[int, int] = {}
        self._unfinished: dict[int, int] = {}
        self._picture: GraphPicture | None = None
        self._drawn_for_width = -1
        self._room: int | None = None
        """The most lines the panel can be given at the terminal's size (see
        :meth:`fit_to_room`; None: not told yet, its own height counts)."""
        # How the last full choice drew it (interfaces?, compact?, rows of boxes): new
        # counts are drawn the same way, so boxes do not move as the counts change.
        self._drawing: tuple[bool, bool, int | None, list[list[str]]] | None = None
        self._choices: tuple[int, list[tuple[int, bool, bool, int | None, GraphPicture]]] = (
            -1, []
        )
        """The width the drawings to choose from were last made for, and those drawings
        (with their order of preference): a new room ranks them anew without drawing them
        again. Emptied when what they draw changes."""
        self._cone: tuple[str, frozenset[str], frozenset[str]] = ("", frozenset(), frozenset())
        self._list: GraphList | None = None
        """The architecture listed, when it is too large to draw (None: drawn)."""
        self._search = ""
        """The search narrowing the list: kept when the list is drawn again (a reset,
        time travel, ``x``), until the user changes or drops it."""
        self._searching = False
        """Whether the search is being typed (keys go to it)."""

    @property
    def picture(self) -> GraphPicture | None:
        """The current drawing (None before an architecture is shown, or when it is
        listed instead)."""
        return self._picture

    @property
    def listing(self) -> GraphList | None:
        """The architecture as a list, when it is too large to draw (else None)."""
        return self._list

    @property
    def content_height(self) -> int:
        """Lines of the drawing or of the list."""
        if self._list is not None:
            return self._list.height
        return self._picture.height if self._picture is not None else 0

    def show_session(self, session: Session) -> None:
        """Draws the session's architecture, every count at zero."""
        self._description = session.description
        self._nested = nested_paths(session.description)
        self.expanded &= self._nested
        self.show(spec_from_description(session.description, self.expanded))

    def _show_subtitle(self) -> None:
        """The panel's subtitle, from what it shows: the search being typed; or what
        ``x`` and ``X`` do when some component is nested (``x open billing · X open
        all``), then the search kept, or else the legend. On a narrow panel what comes
        last is cut rather than the name of what ``x`` opens."""
        if self._legend is None:
            self._legend = str(self.border_subtitle or "")
        if self._searching:
            self.border_subtitle = f"/{self._search}▏ Enter keeps it, Escape drops it"
            return
        keys = []
        if self._nested:
            target = self._inside_target()
            if target is not None:
                doing = "fold" if target in self.expanded else "open"
                keys.append(f"x {doing} {printable(target)}")
            keys.append("X fold all" if self.expanded else "X open all")
        then = f"search: {self._search} (/ changes it)" if self._search else self._legend
        self.border_subtitle = "  ".join(filter(None, (" · ".join(keys), then)))

    def _inside_target(self) -> str | None:
        """The nested architecture ``x`` opens or folds, for the selected event's
        component (see :func:`architecture_to_toggle`)."""
        return architecture_to_toggle(self._cone[0], self._nested, self.expanded)

    def action_toggle_inside(self) -> None:
        """Opens the nested architecture the selected event comes from, or folds it
        (see :func:`architecture_to_toggle`); the counts are kept."""
        target = self._inside_target()
        if target is None:
            selected = self._cone[0]
            why = (f"{printable(selected)} is in no nested architecture" if selected
                   else "No event is selected")
            self.notify(f"{why}: x opens or folds the one the selected event comes from, "
                        "X every one.", timeout=4)
            return
        self._open(self.expanded ^ {target})

    def action_toggle_all_inside(self) -> None:
        """Opens every nested architecture, or folds them all if any is open; the
        counts are kept."""
        self._open(frozenset() if self.expanded else self._nested)

    def _open(self, expanded: frozenset[str]) -> None:
        """Draws the nested architectures in ``expanded`` open, the others folded."""
        self.expanded = expanded
        delivered, queued = dict(self._delivered), dict(self._queued)
        self.show(spec_from_description(self._description, self.expanded))
        self.update_counts(delivered, queued)

    def show_batch(self, batch: NotificationBatch, session: Session) -> None:
        """Nothing to do: the screen updates the counts with the queue's."""

    def show(self, spec: GraphSpec) -> None:
        """Draws a new architecture with all counts at zero; listed, it is narrowed by
        the search kept (a drawing, which shows everything, drops it)."""
        self._spec = spec
        self._choices = (-1, [])
        self._delivered.clear()
        self._queued.clear()
        self._unfinished.clear()
        self._picture = None
        self._list = None
        listed = too_large_to_draw(spec)
        if not listed:
            self._search, self._searching = "", False
        self._show_subtitle()
        if listed:
            self._show_list()
            return
        self._redraw()
        # Before the first layout the width is unknown: drawn once it is known.
        self.call_after_refresh(self._redraw_for_new_width)

    def _show_list(self) -> None:
        assert self._spec is not None
        self._list = GraphList(
            self._spec, self._search, self._delivered, self._queued, self._unfinished
        )
        self._size_list()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def _size_list(self) -> None:
        """The list's rows fit the panel's width (see ``GraphList.row``): it scrolls
        up and down only, and a row's counts are never past the edge."""
        assert self._list is not None
        self.virtual_size = Size(self.scrollable_content_region.width, self._list.height)

    def update_counts(
        self, delivered: Mapping[int, int], queued: Mapping[int, int],
        running: Mapping[int, int] | None = None,
    ) -> None:
        """Sets the deliveries finished, waiting and running (delivered, their handlers
        not finished), per connection index."""
        running = {index: count for index, count in (running or {}).items() if count > 0}
        if (dict(delivered), dict(queued), running) == (
            self._delivered, self._queued, self._unfinished
        ):
            return
        self._delivered = dict(delivered)
        self._queued = dict(queued)
        self._unfinished = running
        self._choices = (-1, [])
        if self._list is not None:
            self._list.delivered, self._list.queued = self._delivered, self._queued
            self._list.running = self._unfinished
            self.refresh()
        elif self._spec is not None and self._drawing is not None:
            show_interfaces, compact, gap, layout = self._drawing
            self._set_picture(draw_graph(
                self._spec, self._delivered, self._queued, show_interfaces=show_interfaces,
                compact=compact, max_width=self._drawn_for_width, layout=layout,
                gap=gap, running=self._unfinished,
            ))
        else:
            self._redraw()

    def highlight(self, connection_index: int | None) -> None:
        """Emphasises one connection and scrolls its track into view."""
        if connection_index == self.highlighted:
            return
        self.highlighted = connection_index
        picture = self._picture
        listed = self._list
        if listed is not None and connection_index in listed.row_of:
            self.call_after_refresh(self._reveal, listed.row_of[connection_index])
        elif picture is not None and connection_index in picture.lane_rows:
            # Its first track only: scrolling to a legend line far below would hide
            # the boxes for little gain.
            self.call_after_refresh(self._reveal, min(picture.lane_rows[connection_index]))
        self.refresh()

    def _reveal(self, row: int) -> None:
        """Scroll so that ``row`` shows, and only if it does not, the boxes' tops kept in
        view where they can be (called after a refresh: the panel's height is settled)."""
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        if height <= 0 or top <= row < top + height:
            return
        self.scroll_to_region(Region(0, row, 1, 1), animate=False, immediate=True)

    def mark_cone(self, component: str, past: set[str], future: set[str]) -> None:
        """Marks the box of ``component`` (the selected event's), and those of the
        components its causal ``past`` and ``future`` went through."""
        cone = (component, frozenset(past), frozenset(future))
        if cone != self._cone:
            self._cone = cone
            if self._nested:  # what x opens follows the selected event
                self._show_subtitle()
            self.refresh()

    # -- searching a list ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``/`` searches only a list (a drawing shows everything at once); ``x`` and
        ``X`` are keys only where some component is an architecture."""
        if action == "search":
            return self._list is not None
        if action in ("toggle_inside", "toggle_all_inside"):
            return bool(self._nested)
        return True

    def action_search(self) -> None:
        """Starts typing a search: the list keeps the rows that mention it."""
        self._searching = True
        self._show_subtitle()

    def on_key(self, key: events.Key) -> None:
        """While searching: letters add to the search, Backspace takes one off, Enter
        keeps it, Escape drops it. Otherwise, ``x`` or ``X`` where no component is an
        architecture says so (rather than going to the command bar)."""
        if not self._searching or self._list is None:
            if not self._nested and key.character in ("x", "X"):
                key.stop()
                key.prevent_default()
                self.notify(NOT_NESTED, timeout=2)
            return
        key.stop()
        key.prevent_default()
        if key.key == "enter":
            self._searching = False
        elif key.key == "escape":
            self._searching, self._search = False, ""
        elif key.key == "backspace":
            self._search = self._search[:-1]
        elif key.is_printable and key.character:
            self._search += key.character
        self._show_list()
        self._show_subtitle()

    def fit_to_room(self, lines: int) -> None:
        """Chooses the drawing anew for ``lines``, the most lines the panel can be given
        at the terminal's size, if that changed. Its height now would not do: the row it
        stands in is fitted to the drawing, so a drawing chosen for the height a smaller
        terminal left would keep the row short once the terminal is large again."""
        if lines != self._room:
            self._room = lines
            self._redraw()

    def _redraw(self) -> None:
        available = self.scrollable_content_region.width
        if self._spec is None or self._list is not None or not available:
            return  # with no width yet (before the first layout), drawn once it has one
        visible_rows = (
            self.scrollable_content_region.height if self._room is None else self._room
        )
        # Of the drawings that fit the width: the one with the fewest labels sent to the
        # legend, then the fewest written away from their track, then the fewest rows
        # below the panel's bottom (it is short), then the most informative (interface
        # names, roomy boxes).
        ranked = (
            ((picture.width > available, picture.legend_size, picture.far_labels,
              max(picture.height - visible_rows, 0), preference),
             show_interfaces, compact, gap, picture)
            for preference, show_interfaces, compact, gap, picture in self._drawings(available)
        )
        _, show_interfaces, compact, gap, picture = min(ranked, key=lambda c: c[0])
        self._drawing = (show_interfaces, compact, gap, picture.layout)
        self._drawn_for_width = available
        self._set_picture(picture)

    def _drawings(
        self, available: int
    ) -> list[tuple[int, bool, bool, int | None, GraphPicture]]:
        """The drawings to choose from at width ``available``, each with its order of
        preference and how it was drawn (interfaces?, compact?, gap): with and without
        interface names, roomy and compact, and, where the width allows, with the boxes
        spread so that the tracks between them are long enough to hold their labels."""
        assert self._spec is not None
        width, drawings = self._choices
        if width == available and drawings:
            return drawings
        spread = self._spread_gap(available)
        drawings = [
            (preference, show_interfaces, compact, gap, draw_graph(
                self._spec, self._delivered, self._queued, show_interfaces=show_interfaces,
                compact=compact, max_width=available, gap=gap, running=self._unfinished,
            ))
            for preference, (show_interfaces, compact, gap) in enumerate(
                ((True, False, None), (False, False, None), (False, True, None),
                 *(((True, False, spread), (False, False, spread)) if spread else ()))
            )
        ]
        self._choices = (available, drawings)
        return drawings

    def _spread_gap(self, available: int) -> int | None:
        """Columns between boxes that spread one row of them over ``available``, long
        enough for the longest label (None: no room to spread)."""
        spec = self._spec
        if spec is None or not spec.edges or available <= 0:
            return None
        names = {name for name, _ in spec.components} | {
            end for edge in spec.edges for end in (edge.source, edge.target)
        }
        boxes = sum(len(name) + 6 for name in names)
        room = (available - boxes - 2 * len(spec.edges)) // max(1, len(names) - 1)
        longest = max(len(edge.pattern) + len(edge.kind) + 12 for edge in spec.edges)
        gap = min(room, longest)
        return gap if gap > BOX_GAP + 2 else None

    class DrawingResized(Message):
        """The drawing's height changed: the panel may ask for another height."""

    def _set_picture(self, picture: GraphPicture) -> None:
        self._picture = picture
        size = Size(picture.width, picture.height)
        if size != self.virtual_size:
            if size.height != self.virtual_size.height:
                self.post_message(self.DrawingResized())
            self.virtual_size = size
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        """Redraws when the width changes (interface names come and go with room; a
        list's rows are fitted to the width anew)."""
        if self._list is not None:
            self._size_list()
        self._redraw_for_new_width()

    def _redraw_for_new_width(self) -> None:
        if self.scrollable_content_region.width != self._drawn_for_width:
            self._redraw()

    def notify_style_update(self) -> None:
        """Repaints with the new theme's colours."""
        super().notify_style_update()
        self.refresh()

    def _style_for(self, role: Role, base: Style) -> Style:
        if role is None:
            return base
        kind = role[0]
        if kind == "box":
            style = self.get_component_rich_style("connection-graph--box", partial=True)
            selected, past, future = self._cone
            name = role[1]
            mark = ("selected" if _holds(name, (selected,)) else "past" if _holds(name, past)
                    else "future" if _holds(name, future) else None)
            if mark is not None:
                style += self.get_component_rich_style(f"connection-graph--{mark}", partial=True)
        elif kind == "interface":
            style = self.get_component_rich_style("connection-graph--interface", partial=True)
        else:
            component = "count" if kind == "count" else role[2]
            style = self.get_component_rich_style(f"connection-graph--{component}", partial=True)
            if role[1] == self.highlighted:
                style = style + self.get_component_rich_style(
                    "connection-graph--highlight", partial=True
                )
        return base + style

    def render_line(self, y: int) -> Strip:
        """Draws one row of the picture (or of the list), shifted by the scroll position."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        picture = self._picture
        row_index = round(self.scroll_y) + y
        if self._list is not None and 0 <= row_index < self._list.height:
            cells = self._list.row(row_index, width)
            content_width = width
        elif picture is not None and 0 <= row_index < picture.height:
            cells = picture.rows[row_index]
            content_width = picture.width
        else:
            return Strip.blank(width, base)
        segments: list[Segment] = []
        run_chars: list[str] = []
        run_role: Role = None
        for ch, role in cells:
            if role != run_role and run_chars:
                segments.append(Segment("".join(run_chars), self._style_for(run_role, base)))
                run_chars = []
            run_role = role
            run_chars.append(ch)
        if run_chars:
            segments.append(Segment("".join(run_chars), self._style_for(run_role, base)))
        scroll_x = round(self.scroll_x)
        strip = Strip(segments).extend_cell_length(content_width, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)


def _holds(box: str, sources: Collection[str]) -> bool:
    """Whether the component drawn as ``box`` is one of ``sources`` or, a nested
    architecture drawn folded, holds one of them (``payments`` holds ``payments.ledger``)."""
    if box in sources:
        return True
    inside = box + "."
    return any(source.startswith(inside) for source in sources)

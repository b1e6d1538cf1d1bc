"""The watches: each watched pattern with its live match count, expandable to its matches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from pyrapide.core.printable import printable
from rapide_shell.tui.theme_colours import ThemedLines

if TYPE_CHECKING:
    from rapide_shell.session import Session
    from rapide_shell.tui.live import NotificationBatch

#: Cells left of a watch's label (the tree's guide and expander).
LABEL_INDENT = 3
#: Matches listed under an expanded watch; older ones are counted, not listed.
SHOWN_MATCHES = 500


@dataclass(frozen=True)
class WatchEntry:
    """What the panel shows of one watch: its number, pattern text and matches so far.

    ``matches`` holds the watch's ``PatternMatch`` objects (anything with ``events``);
    they are only read when the watch is expanded.
    """

    watch_id: int
    pattern: str
    count: int
    matches: Sequence[Any]
    stopped: bool = False
    """It no longer follows the run (its pattern matches too many ways)."""


def _entries(session: Session) -> list[WatchEntry]:
    return [
        WatchEntry(
            watch.id, watch.pattern_text, watch.count, watch.matches,
            stopped=watch.stopped is not None,
        )
        for watch in session.watches
    ]


class WatchPanel(ThemedLines, Tree[tuple[str, ...] | int]):
    """A tree of watches (``w1 [count] PATTERN``) whose children are their matches.

    Children are only built when a watch is expanded, so a watch with many matches
    costs nothing until looked at. Selecting a match posts :class:`MatchSelected`.
    """

    class MatchSelected(Message):
        """The user selected a match made of the events ``event_ids``."""

        def __init__(self, watch_id: int, event_ids: tuple[str, ...]) -> None:
            self.watch_id = watch_id
            self.event_ids = event_ids
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("watches", id=id, classes=classes)
        self.show_root = False
        self.guide_depth = 2
        self._watch_entries: dict[int, WatchEntry] = {}
        self._watch_nodes: dict[int, TreeNode] = {}

    def match_count(self, watch_id: int) -> int:
        """The number of matches last shown for watch ``watch_id``."""
        return self._watch_entries[watch_id].count

    def show_session(self, session: Session) -> None:
        """Shows the session's watches, the matches of an opened one listed anew: after
        a travel, a switch or a reload, a watch can have as many matches as before but
        other ones (other events, or the same ids naming other events)."""
        self.show_watches(_entries(session), anew=True)

    def show_batch(self, batch: NotificationBatch, session: Session) -> None:
        """Shows the session's watches again when one was added, removed or matched."""
        if batch.watches_changed:
            self.show_watches(_entries(session))

    def show_watches(self, entries: Sequence[WatchEntry], *, anew: bool = False) -> None:
        """Updates the tree to ``entries``: new watches added, gone ones removed. A watch
        whose count, pattern and state are as shown is left as it is (its matches only
        grow as the run goes on), unless ``anew``: the computation they come from was
        replaced."""
        wanted = {entry.watch_id: entry for entry in entries}
        for watch_id in list(self._watch_nodes):
            if watch_id not in wanted:
                self._watch_nodes.pop(watch_id).remove()
                del self._watch_entries[watch_id]
        for watch_id, entry in wanted.items():
            node = self._watch_nodes.get(watch_id)
            if node is None:
                node = self.root.add(self._label(entry), data=watch_id, allow_expand=True)
                self._watch_nodes[watch_id] = node
            else:
                old = self._watch_entries[watch_id]
                shown = (old.count, old.pattern, old.stopped)
                if not anew and shown == (entry.count, entry.pattern, entry.stopped):
                    continue
                node.set_label(self._label(entry))
            self._watch_entries[watch_id] = entry
            if node.is_expanded:
                self._fill(node, entry)
        self.border_title = f"Watches ({len(entries)})"
        if not entries:
            self.root.set_label("watches")

    def on_focus(self) -> None:
        """Puts the cursor on the first watch, so that Enter acts at once."""
        if self.cursor_line < 0 and self.root.children:
            self.cursor_line = 0

    def _label(self, entry: WatchEntry) -> Text:
        count = entry.count
        # The count first: a long pattern is cut with "…" at the panel's edge, the
        # count never.
        label = Text.assemble(
            (f"w{entry.watch_id} ", "bold"),
            (f"[{count}]", "bold reverse" if count else "dim"),
            " ",
            ("[stopped] " if entry.stopped else "", "bold yellow"),
            printable(entry.pattern),
        )
        room = self.scrollable_content_region.width - LABEL_INDENT
        if room > 0:
            label.truncate(room, overflow="ellipsis")
        return label

    def on_resize(self) -> None:
        """Cuts the watches' patterns again to the new width."""
        self._cut_labels()

    def watch_show_vertical_scrollbar(self) -> None:
        """The vertical scrollbar (the matches of a watch opened) came or went: the
        patterns are cut again to the room it leaves (no Resize comes for it)."""
        self._cut_labels()

    def _cut_labels(self) -> None:
        for watch_id, node in self._watch_nodes.items():
            node.set_label(self._label(self._watch_entries[watch_id]))

    def _fill(self, node: TreeNode, entry: WatchEntry) -> None:
        node.remove_children()
        matches = entry.matches
        hidden = max(0, len(matches) - SHOWN_MATCHES)
        if hidden:
            node.add_leaf(Text(f"… {hidden} older matches", "dim"))
        for number in range(hidden, len(matches)):
            event_ids = tuple(event.id for event in matches[number].events)
            shown = ", ".join(map(printable, event_ids))
            node.add_leaf(Text(f"match {number + 1}: {shown}"), data=event_ids)

    @on(Tree.NodeExpanded)
    def _build_matches(self, expanded: Tree.NodeExpanded) -> None:
        expanded.stop()
        watch_id = expanded.node.data
        if isinstance(watch_id, int) and watch_id in self._watch_entries:
            self._fill(expanded.node, self._watch_entries[watch_id])

    @on(Tree.NodeSelected)
    def _announce_match(self, selected: Tree.NodeSelected) -> None:
        selected.stop()
        data = selected.node.data
        parent = selected.node.parent
        if isinstance(data, tuple) and parent is not None and isinstance(parent.data, int):
            self.post_message(self.MatchSelected(parent.data, data))

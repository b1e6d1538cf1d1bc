"""The history: the branch tree, then the steps of the current branch, the current one marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from rapide_shell.commands.builtin.branching import branch_parts
from rapide_shell.commands.builtin.travelling import position_text, step_parts
from rapide_shell.render import Hanging, counted
from rapide_shell.tui.theme_colours import ThemedLines
from rapide_shell.tui.widgets.chosen_on_enter import ChosenOnEnter
from rapide_shell.tui.widgets.output_log import OneLine

if TYPE_CHECKING:
    from rapide_shell.decisions import Branch, DecisionTree
    from rapide_shell.session import Session
    from rapide_shell.tui.live import NotificationBatch

STEPS_SHOWN = 200
"""Steps listed around the current one: a run of thousands lists a window of them
(`history all` in the command bar lists every one)."""


class HistoryPanel(ThemedLines, ChosenOnEnter):
    """The branches as a tree (``*`` the current one), one line each, cut with "…"
    where too long; then the steps of the current branch around the current point
    (``>``; the steps after it, where ``forward`` goes, dimmed). A step too long for
    the panel goes on under its text, clear of the step numbers (see
    :class:`Hanging`). Enter (or a double click) on a step posts :class:`Chosen` with
    ``goto N``, on a branch with ``switch NAME``; the screen runs it. A single click
    only moves onto it: looking must not travel. Its lines draw the named colours of
    shared text in the theme's readable colours."""

    class Chosen(Message):
        """The user chose a point of the history: ``command`` goes there."""

        def __init__(self, command: str) -> None:
            self.command = command
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._drawn: tuple[object, ...] | None = None

    def show_session(self, session: Session) -> None:
        """Lists the history as it stands."""
        self._drawn = None
        self._draw(session)

    def show_batch(self, batch: NotificationBatch, session: Session) -> None:
        """Lists the history again once a command has moved it (never during a run:
        its steps are listed when it ends)."""
        if batch.outcomes or batch.reset is not None:
            self._draw(session)

    def _draw(self, session: Session) -> None:
        tree = session.decisions
        point, branch = tree.point, tree.branch
        drawn = (id(point), id(branch), branch.tip.number, len(tree.branches))
        if drawn == self._drawn:
            return
        self._drawn = drawn
        options: list[Option | None] = []
        for depth, listed in _branches(tree, None, 0):
            marker, label = branch_parts(tree, listed, compact=True)
            # One line each, cut with "…" where too long, so that the tree reads as one
            # (`branches` in the command bar says it all).
            line = Text("  " * depth).append_text(marker).append_text(label)
            options.append(Option(OneLine(line), id=f"branch:{listed.name}"))
        options.append(None)  # a divider between the branches and the steps
        length = branch.tip.number + 1  # the branch's points (not copied: a run has many)
        first = max(0, min(point.number - STEPS_SHOWN // 2, length - STEPS_SHOWN))
        last = min(length, first + STEPS_SHOWN)
        if first:
            earlier = Text(f"  … {counted(first, 'earlier step')}", "dim")
            options.append(Option(earlier, disabled=True))
        for step in (tree.at(number) for number in range(first, last)):
            number, text = step_parts(
                step, current=step is point, ahead=step.number > point.number, compact=True
            )
            options.append(Option(Hanging(text, number), id=f"step:{step.number}"))
        if last < length:
            later = length - last
            options.append(Option(Text(f"  … {counted(later, 'later step')}", "dim"),
                                  disabled=True))
        self.clear_options()
        self.add_options(options)
        self.highlighted = self.get_option_index(f"step:{point.number}")
        self.border_title = f"History · {position_text(session)}"

    @on(OptionList.OptionSelected)
    def _chosen(self, selected: OptionList.OptionSelected) -> None:
        selected.stop()
        kind, _, value = (selected.option_id or "").partition(":")
        if kind == "step":
            self.post_message(self.Chosen(f"goto {value}"))
        elif kind == "branch":
            self.post_message(self.Chosen(f"switch {value}"))


def _branches(
    tree: DecisionTree, parent: Branch | None, depth: int
) -> list[tuple[int, Branch]]:
    """The branches made from ``parent``, each followed by its own, depth first."""
    listed: list[tuple[int, Branch]] = []
    for branch in tree.children_of(parent):
        listed.append((depth, branch))
        listed.extend(_branches(tree, branch, depth + 1))
    return listed

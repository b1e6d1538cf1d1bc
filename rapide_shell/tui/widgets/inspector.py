"""The inspector: the selected event's payload, its direct causes and effects, its history."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.json import JSON
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from pyrapide import Event

HISTORY_LINE_LIMIT = 60
#: Payloads longer than this (as JSON text) are shown cut, unhighlighted.
PAYLOAD_CHARS_SHOWN = 4000
MAX_INDENT = 18


def causal_history(
    event: Event, causes_of: Callable[[Event], Sequence[Event]], limit: int = HISTORY_LINE_LIMIT
) -> list[str]:
    """Draws ``event``'s causes back to the roots as an indented tree, one line each.

    An ancestor reached again through another path is listed but not expanded twice
    (marked ``(above)``); after ``limit`` lines the tree is cut with a line saying so,
    so a long history costs a bounded time. Indentation stops growing after a few
    levels so that long chains stay readable in a narrow panel.
    """
    own_causes = list(causes_of(event))
    lines = [f"{event.id} {event.name}" + ("" if own_causes else "  (root)")]
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
        lines.append(f"{prefix}{branch}{cause.id} {cause.name}{suffix}")
        if its_causes:
            expanded.add(cause.id)
            child_prefix = prefix
            if len(prefix) < MAX_INDENT:
                child_prefix += "   " if last else "│  "
            stack.append((its_causes, 0, child_prefix))
    return lines


def payload_view(payload: object) -> JSON | Text:
    """The payload as highlighted, indented JSON; a very large one is cut (with a note)
    so that selecting its event stays quick."""
    if not payload:
        return Text("(no payload)", "dim")
    text = json.dumps(payload, default=str, ensure_ascii=False)
    if len(text) <= PAYLOAD_CHARS_SHOWN:
        return JSON(text)
    return Text(text[:PAYLOAD_CHARS_SHOWN] + f"… ({len(text):,} characters in all)")


class Inspector(VerticalScroll):
    """Shows one event: its payload as highlighted JSON, links to its direct causes and
    effects (Enter follows one), and its causal history back to the roots."""

    class LinkChosen(Message):
        """The user chose a cause or effect of the shown event: show ``event_id`` next."""

        def __init__(self, event_id: str) -> None:
            self.event_id = event_id
            super().__init__()

    def compose(self) -> ComposeResult:
        yield Static("Select an event in the log.", id="inspector-title")
        yield Static("", id="inspector-payload")
        yield OptionList(id="inspector-links")
        yield Static("", id="inspector-history")

    @property
    def links(self) -> OptionList:
        """The list of the shown event's direct causes and effects."""
        return self.query_one("#inspector-links", OptionList)

    def show_event(
        self,
        event: Event,
        causes: Sequence[Event],
        effects: Sequence[Event],
        history: Sequence[str],
    ) -> None:
        """Shows ``event`` with its direct ``causes`` and ``effects`` and history lines."""
        title = Text.assemble(
            (event.id, "bold"), "  ", (event.name, "bold"),
            "  from ", (event.source or "?", "italic"),
        )
        self.query_one("#inspector-title", Static).update(title)
        self.query_one("#inspector-payload", Static).update(payload_view(event.payload))
        links = self.links
        links.clear_options()
        options = [
            Option(f"← cause   {cause.id} {cause.name}", id=f"cause:{cause.id}") for cause in causes
        ] + [
            Option(f"→ effect  {effect.id} {effect.name}", id=f"effect:{effect.id}")
            for effect in effects
        ]
        if options:
            links.add_options(options)
        else:
            links.add_option(Option("(no causes or effects)", disabled=True))
        self.query_one("#inspector-history", Static).update(
            Text("causal history\n", "bold") + Text("\n".join(history))
        )

    def clear(self) -> None:
        """Shows nothing (no event selected)."""
        self.query_one("#inspector-title", Static).update("Select an event in the log.")
        self.query_one("#inspector-payload", Static).update("")
        self.links.clear_options()
        self.query_one("#inspector-history", Static).update("")

    @on(OptionList.OptionSelected, "#inspector-links")
    def _follow_link(self, selected: OptionList.OptionSelected) -> None:
        selected.stop()
        option_id = selected.option.id or ""
        _, _, event_id = option_id.partition(":")
        if event_id:
            self.post_message(self.LinkChosen(event_id))

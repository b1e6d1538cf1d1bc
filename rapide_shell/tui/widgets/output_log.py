"""The output panel: commands and what they printed, printable and in the theme's colours."""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text
from textual.widgets import RichLog

from rapide_shell.render import drawn_printable
from rapide_shell.tui.theme_colours import ThemedLines

HANGING_INDENT = 4
"""How far a long line's continuation is set in, so it never reads as a line of its own."""


class Hanging:
    """A line of text that, too long for the panel, goes on below set in by
    HANGING_INDENT cells, broken between words.

    With a ``head`` (a step's number, a branch's mark), the line is the head then the
    text, and the text goes on under its own first line: the heads keep their column
    to themselves, as in a log. Its ``str`` is the whole line."""

    def __init__(self, text: Text, head: Text | None = None) -> None:
        self.text = text
        self.head = head

    def __str__(self) -> str:
        return self.text.plain if self.head is None else self.head.plain + self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        head = Text() if self.head is None else self.head
        indent = HANGING_INDENT if self.head is None else head.cell_len
        if head.cell_len + self.text.cell_len <= width or width <= indent + 8:
            yield self.text if self.head is None else head + self.text
            return
        hanging = Text(end=self.text.end)
        for number, line in enumerate(self.text.wrap(console, width - indent)):
            if number:
                hanging.append("\n" + " " * indent)
            else:
                hanging.append_text(head)
            line.rstrip()
            hanging.append_text(line)
        hanging.no_wrap = True
        yield hanging


class OutputLog(ThemedLines, RichLog):
    """A RichLog that draws what it is given with every control character written out
    (see :func:`pyrapide.core.printable.printable`): what commands print quotes names,
    paths and messages drawn from files, and none of it may reach the terminal raw. Its
    lines draw the named colours of shared text (what commands print for the REPL as
    well) in the theme's readable colours, and a long line of text goes on set in (see
    :class:`Hanging`)."""

    def write(self, content: Any, *args: Any, **options: Any) -> OutputLog:
        """Write ``content`` (a renderable or a string) at the bottom, made printable."""
        if isinstance(content, str):
            content = self._make_renderable(content)
        super().write(drawn_printable(_hanging(content)), *args, **options)
        return self


def _hanging(content: RenderableType) -> RenderableType:
    """``content`` with each of its one-line texts (its own, or a group's) hanging."""
    if isinstance(content, Text) and "\n" not in content.plain:
        return Hanging(content)
    if isinstance(content, Group):
        return Group(*(_hanging(part) for part in content.renderables))
    return content

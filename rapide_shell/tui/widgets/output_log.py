"""The output panel: commands and what they printed, printable and in the theme's colours."""

from __future__ import annotations

import itertools
from collections import deque
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text
from textual import events
from textual.widgets import RichLog

from rapide_shell.render import Hanging, drawn_printable, note
from rapide_shell.tui.theme_colours import ThemedLines

REWRAPPED_AT_MOST = 200
"""How many of the latest writes the output wraps again when its width changes: a
write costs about a millisecond, and the panel shows a dozen lines (an older line
wider than the panel is still there, scrolled to sideways)."""


class OneLine:
    """A line of text that, too long for the panel, is cut with "…" rather than going
    on below (a list whose rows must each stay one line). Its ``str`` is the whole
    line."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line = self.text.copy()
        line.truncate(options.max_width, overflow="ellipsis")
        line.no_wrap = True
        yield line


class OutputLog(ThemedLines, RichLog):
    """A RichLog that draws what it is given with every control character written out
    (see :func:`pyrapide.core.printable.printable`): what commands print quotes names,
    paths and messages drawn from files, and none of it may reach the terminal raw. Its
    lines draw the named colours of shared text (what commands print for the REPL as
    well) in the theme's readable colours, and a long line of text goes on set in (see
    :class:`Hanging`).

    A RichLog wraps what it is given once, for its width then; this one keeps what it
    was given (as many writes as it keeps lines at most) and, when its width changes
    (a panel full screen and back, a terminal resized), wraps again, of the last
    REWRAPPED_AT_MOST writes, the first that needs it and those after it: one wider
    than the panel now, so that no line runs off its edge and nothing is cut, or one
    of several lines written narrower, so that a table or a long message read full
    screen takes the room it now has."""

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
        self._written: deque[_Written] = deque(maxlen=self.max_lines)
        """What was written, oldest first (each write takes a line at least)."""
        self._shown_height = 0
        """How many lines the log showed before its latest resize."""
        self._printed: list[tuple[str, bool]] = []
        """What the architecture's code wrote and is not shown yet, oldest first: the
        text, and whether it went to standard error."""

    def write(
        self,
        content: Any,
        width: int | None = None,
        expand: bool = False,
        shrink: bool = True,
        scroll_end: bool | None = None,
        animate: bool = False,
    ) -> OutputLog:
        """Write ``content`` (a renderable or a string) at the bottom, made printable
        (the options are RichLog's), after what the architecture's code printed before
        it (see :meth:`show_printed`)."""
        if self._printed:
            self._show_printed(whole_lines_only=False)
        if isinstance(content, str):
            content = self._make_renderable(content)
        shown = drawn_printable(_hanging(content))
        if not self._size_known:  # RichLog writes it again once the size is known
            super().write(shown, width, expand, shrink, scroll_end, animate)
        else:
            self._write_kept(_Written(shown, width, expand, shrink), scroll_end, animate)
        return self

    def take_printed(self, text: str, stderr: bool) -> None:
        """Keeps ``text``, written by the architecture's code to standard output (or
        error: shown in the error colour), for :meth:`show_printed`, or the next write,
        to show."""
        self._printed.append((text, stderr))

    def show_printed(self) -> None:
        """Shows the whole lines of what the architecture's code printed (a line not
        ended yet waits for its end, or for the next write). Lines that follow each
        other from one stream are one write: a handler printing thousands of lines
        costs a write, not thousands, and the Output keeps the last ``max_lines // 2``
        of them, saying how many it dropped."""
        if self._printed:
            self._show_printed(whole_lines_only=True)

    def _show_printed(self, whole_lines_only: bool = True) -> None:
        """Write what was printed and not shown yet: its whole lines, or all of it."""
        lines: list[tuple[str, bool]] = []
        unended, unended_stderr = "", False
        for text, stderr in self._printed:
            if unended and stderr != unended_stderr:  # the other stream's line ends
                lines.append((unended, unended_stderr))
                unended = ""
            *ended, unended = (unended + text).split("\n")
            lines.extend((line, stderr) for line in ended)
            unended_stderr = stderr
        self._printed = []  # (what is written below comes after it)
        if unended and not whole_lines_only:
            lines.append((unended, unended_stderr))
            unended = ""
        # Half of what the log keeps: the note and what came before stay to scroll to.
        kept = None if self.max_lines is None else self.max_lines // 2
        if kept is not None and len(lines) > kept:
            self.write(note(f"({len(lines) - kept} lines printed before these are not kept)"))
            del lines[: len(lines) - kept]
        for stderr, run in itertools.groupby(lines, key=lambda printed: printed[1]):
            text = "\n".join(line for line, _stderr in run)
            self.write(Text(text, style="red" if stderr else ""))
        if unended:
            self._printed.append((unended, unended_stderr))

    def _write_kept(
        self, written: _Written, scroll_end: bool | None = None, animate: bool = False
    ) -> None:
        before, dropped_before = len(self.lines), self._start_line
        super().write(written.content, written.width, written.expand, written.shrink,
                      scroll_end, animate)
        # RichLog drops its oldest lines beyond max_lines, counting them in _start_line.
        written.lines = len(self.lines) - before + self._start_line - dropped_before
        written.widest = max((line.cell_length for line in self.lines[-written.lines:]),
                             default=0)
        written.wrapped_for = self.scrollable_content_region.width
        self._written.append(written)

    def mark(self) -> int:
        """Where the next line written goes, counted from the first line ever written
        (those dropped off the top included): for :meth:`hold_from`."""
        return self._start_line + len(self.lines)

    def hold_from(self, mark: int) -> bool:
        """When the lines written since ``mark`` are more than the log shows, shows them
        from their first and stops following what is written next, until
        :meth:`follow`: a room then reads a ``why`` tree from its root, not its last
        branches. False, and nothing changed, when they fit."""
        first = mark - self._start_line
        if first < 0 or len(self.lines) - first <= self.scrollable_content_region.height:
            return False
        self.auto_scroll = False
        # The writes above scroll to their end after the next refresh: this goes after.
        self.call_after_refresh(self.scroll_to, y=first, animate=False)
        return True

    def follow(self) -> None:
        """Follows what is written again, from the last line (after :meth:`hold_from`)."""
        if not self.auto_scroll:
            self.auto_scroll = True
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    def clear(self) -> OutputLog:
        """Empty the log."""
        self._written.clear()
        super().clear()
        return self

    def on_resize(self, _resized: events.Resize) -> None:
        """Wraps again, for the new width, the first write that needs it and every
        write after it; a log that showed its last line shows it still."""
        width, height = self.scrollable_content_region.size
        # At the end as it was shown, before this resize: the new size moves the end.
        at_end = self.scroll_offset.y + self._shown_height >= self.virtual_size.height
        self._shown_height = height
        if not self._size_known or width <= 0:
            return
        newest = max(0, len(self._written) - REWRAPPED_AT_MOST)
        first = next(
            (index for index in range(newest, len(self._written))
             if self._written[index].wraps_otherwise_at(width)),
            None,
        )
        if first is not None:
            self._wrap_again(first)
        if at_end and self.auto_scroll:  # (held, it stays where it was: see hold_from)
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    def _wrap_again(self, first: int) -> None:
        """Writes again the writes from index ``first`` on, for the width now."""
        again = [self._written.pop() for _ in range(len(self._written) - first)][::-1]
        del self.lines[max(0, len(self.lines) - sum(written.lines for written in again)):]
        self._widest_line_width = max((written.widest for written in self._written),
                                      default=0)
        self._line_cache.clear()
        for written in again:
            self._write_kept(written, scroll_end=False)
        self.refresh()


class _Written:
    """One write to the output: what and how (RichLog's options), and what it took."""

    __slots__ = ("content", "expand", "lines", "shrink", "widest", "width", "wrapped_for")

    def __init__(
        self, content: RenderableType, width: int | None, expand: bool, shrink: bool
    ) -> None:
        self.content = content
        self.width = width
        self.expand = expand
        self.shrink = shrink
        self.lines = 0
        """How many lines it took."""
        self.widest = 0
        """The width of its widest line."""
        self.wrapped_for = 0
        """The width of the log it was wrapped for."""

    def wraps_otherwise_at(self, width: int) -> bool:
        """Whether it would come out otherwise in a log ``width`` wide: it is wider, or
        it took several lines in a narrower one (a single line was not wrapped)."""
        return self.widest > width or (self.lines > 1 and self.wrapped_for < width)


def _hanging(content: RenderableType) -> RenderableType:
    """``content`` with each of its one-line texts (its own, or a group's) hanging."""
    if isinstance(content, Text) and "\n" not in content.plain:
        return Hanging(content)
    if isinstance(content, Group):
        return Group(*(_hanging(part) for part in content.renderables))
    return content

"""The output panel: commands and what they printed, every line made printable."""

from __future__ import annotations

from typing import Any

from textual.widgets import RichLog

from rapide_shell.render import drawn_printable


class OutputLog(RichLog):
    """A RichLog that draws what it is given with every control character written out
    (see :func:`pyrapide.core.printable.printable`): what commands print quotes names,
    paths and messages drawn from files, and none of it may reach the terminal raw."""

    def write(self, content: Any, *args: Any, **options: Any) -> OutputLog:
        """Write ``content`` (a renderable or a string) at the bottom, made printable."""
        if isinstance(content, str):
            content = self._make_renderable(content)
        super().write(drawn_printable(content), *args, **options)
        return self

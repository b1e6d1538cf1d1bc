"""The output panel: commands and what they printed, in the theme's colours."""

from __future__ import annotations

from textual.widgets import RichLog

from rapide_shell.tui.theme_colours import ThemedLines


class OutputLog(ThemedLines, RichLog):
    """A RichLog whose lines draw the named colours of shared text (what commands print
    for the REPL as well) in the theme's readable colours."""

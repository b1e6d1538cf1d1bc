"""What the modal screens share on a short terminal: the class that lays them out for it."""

from __future__ import annotations

SHORT_DIALOG_LINES = 20
"""Below this many lines, a dialog (the inject dialog, the help) takes the whole screen:
its frame is a title line, its fields one line each, so that what is typed into it, what
it says and its buttons stay in view down to the smallest screen the workbench draws."""

DIALOG_BREAKPOINTS = [(0, "-short"), (SHORT_DIALOG_LINES, "-tall")]
"""The class a dialog's screen has by the terminal's height (Textual's breakpoints):
``-short`` below SHORT_DIALOG_LINES, ``-tall`` from there on (see dialogs.tcss)."""

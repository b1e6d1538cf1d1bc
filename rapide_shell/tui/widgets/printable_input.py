"""A text field that takes in only printable text, pasted or typed."""

from __future__ import annotations

from textual.widgets import Input

from pyrapide.core.printable import printable


class PrintableInput(Input):
    """An Input whose inserted text (a paste included) is made printable first: a field
    shows what it holds raw, so a pasted escape sequence would otherwise reach the
    terminal (see :func:`pyrapide.core.printable.printable`)."""

    def insert(self, text: str, index: int) -> None:
        """Insert ``text``, made printable, at ``index``."""
        super().insert(printable(text), index)

    def replace(self, text: str, start: int, end: int) -> None:
        """Replace the text between ``start`` and ``end`` with ``text``, made printable."""
        super().replace(printable(text), start, end)

"""Escape then a digit, pressed quickly, read as Alt and the digit, not as a macOS glyph.

A terminal sends Escape as the byte ESC, and Alt+8 as ESC then 8; a program tells
Escape followed by 8 from Alt+8 only by the time between the two. tmux waits half a
second by default (its ``escape-time``) and passes Escape then 8 typed within it on
as ESC 8; Textual waits a tenth of a second for its own part. Textual's table of key
sequences then reads ESC and a digit (or ``-``, ``=`` or ``§``) as the character that
Option and that key type on a Mac ("•" for 8), since WezTerm on macOS sends Option's
keys that way. In the workbench, Escape leaves the command bar and a digit picks a
panel, so pressing the two quickly put "•" into the bar instead. Without those
entries, Textual reads ESC 8 as Alt+8, as every other terminal program does, and the
main screen takes Alt and a panel's key as that key from anywhere (see its bindings).
The character "•" itself, typed or pasted, is text as before.
"""

from __future__ import annotations

from collections.abc import MutableMapping

ESCAPE_GLYPH_KEYS = "0123456789-=§"
"""The keys after ESC that Textual's table reads as a macOS Option glyph."""


def read_escape_digits_as_alt() -> None:
    """Drops the ESC-and-digit glyphs from Textual's table of key sequences (once is
    enough; it does nothing if this Textual has no such table or no such entries)."""
    try:
        from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
    except ImportError:  # pragma: no cover - a Textual that parses keys elsewhere
        return
    table = ANSI_SEQUENCES_KEYS
    if not isinstance(table, MutableMapping):  # pragma: no cover - a frozen table
        return
    for key in ESCAPE_GLYPH_KEYS:
        sequence = "\x1b" + key
        if isinstance(table.get(sequence), str):
            del table[sequence]

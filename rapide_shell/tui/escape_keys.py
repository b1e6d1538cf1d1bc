"""Escape then a key, pressed quickly: read as Alt and the key, then as Escape and the key.

A terminal sends Escape as the byte ESC, and Alt+8 as ESC then 8; a program tells
Escape followed by 8 from Alt+8 only by the time between the two. tmux waits half a
second by default (its ``escape-time``) and passes Escape then 8 typed within it on
as ESC 8; Textual waits a tenth of a second for its own part. In the workbench, Escape
leaves the command bar and a single key acts on the panels (a digit picks a panel,
``<`` ``>`` go back and forth, ``[`` ``]`` set the speed, ``?`` shows the help), so
pressing the two quickly must do what pressing them slowly does. Textual's parser gets
in the way twice:

- its table of key sequences reads ESC and a digit (or ``-``, ``=`` or ``§``) as the
  character that Option and that key type on a Mac ("•" for 8), since WezTerm on
  macOS sends Option's keys that way: "•" went into the bar;
- it reads ESC and a letter or a digit as Alt and that key, but ESC and any other
  character (``<``, ``?``, ``[`` ...) as the character alone: the Escape was lost and
  ``<`` went into the bar as text.

:func:`read_escape_keys_as_alt` makes the parser read ESC and any printable character
that does not start a longer sequence as Alt and that key, as every other terminal
program does, and :func:`after_escape` gives the app the key that followed the Escape
(the app does what Escape does at once, leaving the command bar or closing a dialog,
then reads that key; see ``RapideApp.escape_at_once``).
The characters themselves, typed or pasted, are text as before.

ESC ``[`` starts the terminal's control sequences (the arrows send ESC ``[`` ``A``):
Escape then ``[`` reads as Alt+``[`` only when nothing follows within Textual's wait;
Escape, ``[`` and a key typed within it read as that sequence (Escape, ``[``, ``A`` is
the Up arrow), since the bytes are the same. ESC ``O`` (the other prefix) is no key of
the workbench.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping

from textual import events
from textual.keys import REPLACED_KEYS, key_to_character

ESCAPE_GLYPH_KEYS = "0123456789-=§"
"""The keys after ESC that Textual's table reads as a macOS Option glyph."""

ALT = "alt+"

_SequenceToKeys = Callable[..., Iterable[events.Key]]


def read_escape_keys_as_alt() -> None:
    """Makes Textual's parser read ESC and a printable character as Alt and that key:
    drops the ESC-and-digit glyphs from its table of key sequences, and adds Alt to the
    punctuation it reads after ESC (once is enough; it does nothing to a Textual that
    parses keys elsewhere)."""
    try:
        from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
        from textual._xterm_parser import XTermParser
    except ImportError:  # pragma: no cover - a Textual that parses keys elsewhere
        return
    table = ANSI_SEQUENCES_KEYS
    if isinstance(table, MutableMapping):
        for key in ESCAPE_GLYPH_KEYS:
            sequence = "\x1b" + key
            if isinstance(table.get(sequence), str):
                del table[sequence]
    reader = getattr(XTermParser, "_sequence_to_key_events", None)
    if callable(reader) and not getattr(reader, "reads_escape_as_alt", False):
        XTermParser._sequence_to_key_events = _with_alt_on_every_key(reader)  # type: ignore[method-assign]


def _with_alt_on_every_key(reader: _SequenceToKeys) -> _SequenceToKeys:
    """``reader`` (the parser's reading of a character, with ``alt`` when ESC came
    before it), but with Alt on any printable character, not just letters and digits."""

    def sequence_to_key_events(
        parser: object, sequence: str, alt: bool = False
    ) -> Iterable[events.Key]:
        for key in reader(parser, sequence, alt):
            if (
                alt
                and not key.key.startswith(ALT)
                and len(sequence) == 1
                and key.character == sequence
                and sequence.isprintable()
            ):
                key = events.Key(ALT + key.key, key.character)
            yield key

    sequence_to_key_events.reads_escape_as_alt = True  # type: ignore[attr-defined]
    return sequence_to_key_events


def after_escape(key: events.Key) -> events.Key | None:
    """The key typed after Escape if ``key`` is Alt and one printable key (as ESC then
    that key reads: ``alt+less_than_sign``, ``alt+8``, ``alt+shift+a``); None for any
    other key (Alt with Ctrl, an arrow, Backspace ...)."""
    if not key.key.startswith(ALT):
        return None
    name = key.key.removeprefix(ALT)
    shifted = name.removeprefix("shift+")
    if shifted != name:  # ESC A reads as alt+shift+a; A alone reads as "A"
        if len(shifted) != 1 or not shifted.isalpha():
            return None
        name = shifted.upper()
    character = key_to_character(REPLACED_KEYS.get(name, name))  # slash: solidus
    if character is None or len(character) != 1 or not character.isprintable():
        return None
    return events.Key(name, character)

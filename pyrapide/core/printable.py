"""Text drawn from data made safe to show: control and invisible characters written out.

Event names, ids, sources, payload strings, exception messages and file paths come
from architecture files, saved computations and scripts, any of which may hold
terminal escape sequences (``ESC ] 0 ; title BEL`` renames a terminal window, ``ESC [
2 J`` clears the screen, OSC 52 writes the clipboard on terminals that honour it).
Everything the library and the workbench show of such text goes through
:func:`printable`, which writes each dangerous or invisible character as the escape
JSON writes for it: ``\\u001b``, ``\\u009b``, ``\\u202e``, ``\\n``. The escapes are
valid inside a JSON string, so a payload shown as JSON stays JSON once made printable.
"""

from __future__ import annotations

import inspect
import reprlib
import sys
import unicodedata
from collections.abc import Mapping
from typing import Any, Final

# Format characters (category Cf) that are escaped: they are invisible, and the bidi
# ones reorder what the terminal shows. Zero-width joiners (emoji sequences, Indic and
# Persian scripts) and the tag characters of flag emoji are kept.
_KEPT_FORMAT: Final = frozenset({"\u200c", "\u200d"})
_TAGS: Final = range(0xE0020, 0xE0080)
_ESCAPED_CATEGORIES: Final = frozenset({"Cc", "Cs", "Zl", "Zp"})
_SHORT: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(char: str) -> bool:
    category = unicodedata.category(char)
    if category in _ESCAPED_CATEGORIES:
        return True
    return category == "Cf" and char not in _KEPT_FORMAT and ord(char) not in _TAGS


def _escape(char: str) -> str:
    short = _SHORT.get(char)
    if short is not None:
        return short
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    # Beyond the first plane, as the pair of surrogates JSON writes for it.
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


class _Escapes(dict[int, "str | int"]):
    """A ``str.translate`` table filled in as characters are met: each code point maps
    to its escape, or to itself; after the first sight of a character, its lookup
    stays in C."""

    def __init__(self, kept: str) -> None:
        super().__init__()
        self._kept = kept

    def __missing__(self, code: int) -> str | int:
        char = chr(code)
        value: str | int = _escape(char) if char not in self._kept and _escaped(char) else code
        self[code] = value
        return value


_ONE_LINE: Final = _Escapes("")
_LINES: Final = _Escapes("\n\t")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character (C0, DEL, C1), lone surrogate, line or
    paragraph separator and invisible format character (bidi controls, zero-width
    space, byte order mark) written as a backslash escape, so that showing it cannot
    move the cursor, change colours, rename the window or write the clipboard, and
    nothing in it is hidden from the reader.

    ``keep_newlines`` keeps line feeds (and tabs) as they are, for text shown as
    several lines (a traceback); everything else is escaped as usual. Text with
    nothing to escape is returned as it is, at the cost of one ``str.isprintable``.
    """
    if text.isprintable():
        return text
    return text.translate(_LINES if keep_newlines else _ONE_LINE)


def char_cells(char: str) -> int:
    """How many cells of a terminal ``char`` takes: two for a wide one (日, most emoji),
    none for one that combines with the character before it (the accent of e\u0301) or
    is invisible (a zero-width joiner), else one. For columns and carets drawn without
    Rich (the workbench's own views measure with Rich's cell_len)."""
    if unicodedata.category(char) in _NO_WIDTH:
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    """How many cells of a terminal ``text`` takes (see :func:`char_cells`)."""
    return len(text) if text.isascii() else sum(char_cells(char) for char in text)


_NO_WIDTH: Final = frozenset({"Mn", "Me", "Cf"})


UNREADABLE_MESSAGE: Final = "<its message could not be read: str() raised>"


def value_repr(value: Any) -> str:
    """``repr(value)``, even when ``value`` holds an integer too long for Python to write
    as text (``10**5000``; :func:`sys.set_int_max_str_digits`), which an event built by
    hand may hold: each such integer is written ``<int of more than 4300 digits>``, in
    the lists, tuples, sets and mappings around it, so that showing the event does not
    fail where saving it is refused with a message."""
    try:
        return repr(value)
    except ValueError:
        return repr(_long_ints_marked(value, 0))


class _LongInt:
    """An integer too long to write as text, as a repr shows it."""

    def __repr__(self) -> str:
        return f"<int of more than {sys.get_int_max_str_digits()} digits>"


def _long_ints_marked(value: Any, depth: int) -> Any:
    """``value`` rebuilt with each too long integer replaced by a :class:`_LongInt`
    (containers as plain ones of their kind, at most 100 deep)."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            str(value)
        except ValueError:
            return _LongInt()
        return value
    if depth >= 100:
        return ...
    if isinstance(value, Mapping):
        return {
            _long_ints_marked(key, depth + 1): _long_ints_marked(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_long_ints_marked(item, depth + 1) for item in value]
    if isinstance(value, tuple):
        return tuple(_long_ints_marked(item, depth + 1) for item in value)
    if isinstance(value, set | frozenset):
        return {_long_ints_marked(item, depth + 1) for item in value}
    return value


def message_of(error: BaseException) -> str:
    """``str(error)``, or :data:`UNREADABLE_MESSAGE` when the error's own ``__str__``
    raises (a class of the user's may), so that the error is still told and the
    report that tells it does not fail in its turn."""
    try:
        return str(error)
    except Exception:
        return UNREADABLE_MESSAGE


DESCRIBED_WIDTH: Final = 80
"""The most characters :func:`described` writes of a value."""


def _short_reprs() -> reprlib.Repr:
    shortened = reprlib.Repr()
    shortened.maxlevel = 2
    # Room for the type's name before it: a string or another object is cut once, by
    # reprlib, which keeps both ends.
    shortened.maxstring = shortened.maxother = DESCRIBED_WIDTH - 20
    return shortened


_SHORT_REPRS: Final = _short_reprs()


def described(value: Any) -> str:
    """What was given, as a message refusing it names it: ``int 5``, ``str 'B'``,
    ``list [0, 1, 2, 3, 4, 5, ...]``, ``the class Client``, ``None``.

    The value is shown short (a long list by its first items, a long string by its
    ends, at most :data:`DESCRIBED_WIDTH` characters in all) without writing it whole,
    and a value whose ``__repr__`` raises is named by its type alone: the message
    refusing what was given is told, whatever was given."""
    if value is None:
        return "None"
    kind = type(value)  # not value.__class__, which an object may make raise or lie
    if issubclass(kind, type):
        return f"the class {value.__qualname__}"
    return _cut(f"{kind.__name__} {brief_repr(value)}")


def brief_repr(value: Any) -> str:
    """``value``'s repr as :func:`described` shows it (a long list by its first items, a
    long string by its ends, at most :data:`DESCRIBED_WIDTH` characters), or ``(its
    repr raised)``: for a value a message names without its kind."""
    try:
        try:
            shown = _SHORT_REPRS.repr(value)
        except ValueError:  # an integer too long to write (see value_repr)
            shown = value_repr(value)
    except Exception:
        return "(its repr raised)"
    return _cut(shown)


def _cut(text: str) -> str:
    return text if len(text) <= DESCRIBED_WIDTH else text[: DESCRIBED_WIDTH - 3] + "..."


def clipped(text: str, width: int) -> str:
    """``text`` itself, or its first characters ending in "…", ``width`` in all: a value
    or a message of kilobytes quoted whole would make a message's one line a screenful."""
    return text if len(text) <= width else text[: width - 1] + "…"


def counted(count: int, noun: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """``1 event``, ``2 events``, ``0 events`` (``plural`` when adding "s" is wrong):
    reads as English at every count; ``grouped`` writes thousands apart (``12,345``),
    for counts that run into the thousands."""
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {noun}" if count == 1 else f"{number} {plural or noun + 's'}"


def class_label(cls: type) -> str:
    """A class's name as its author wrote it: `Outer.Inner`, without `<locals>` parts."""
    return cls.__qualname__.rpartition("<locals>.")[2]


def kind_named(value: Any) -> str:
    """``an int``, ``a datetime``, ``a Computation``: the type of ``value`` as a sentence
    names it. A class of the user's is ``an instance of Sender``: no article can be
    chosen surely for a name not known in advance (``a S``, ``an User``)."""
    kind = type(value)
    try:
        package = kind.__module__.partition(".")[0]
    except Exception:  # a class may set __module__ to what is no string, or make it raise
        package = ""
    if package != "pyrapide" and package not in sys.stdlib_module_names:
        return f"an instance of {class_label(kind)}"
    name = kind.__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def briefly_described(value: Any) -> str:
    """``None``, ``int 5``, ``str 'B'`` for a plain value, else its kind alone (``a
    Computation``, ``a list``): what was given, where its kind is what a message must
    say and a hint follows."""
    if value is None or issubclass(type(value), str | int | float):
        return described(value)
    return kind_named(value)


def described_by_name(value: Any) -> str:
    """``function 'service'``: what was given where a class was wanted, a function (or
    any object with a name) by its kind and name, anything else as :func:`described`."""
    try:
        name = getattr(value, "__name__", None)
        routine = inspect.isroutine(value)
    except Exception:  # an object whose attributes raise: named as any other value
        return described(value)
    if issubclass(type(value), type) or not isinstance(name, str):
        return described(value)
    kind = "function" if routine else type(value).__name__
    return f"{kind} {brief_repr(name)}"

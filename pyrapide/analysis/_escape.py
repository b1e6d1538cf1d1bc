"""Making arbitrary event text safe for each output format (terminal, DOT, Mermaid, JSON)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pyrapide.core.printable import printable, value_repr


def plain(text: str) -> str:
    """Printable ASCII: one character, one terminal column. Controls and invisible
    characters are written as :func:`~pyrapide.core.printable.printable` writes them
    (``\\u001b``, ``\\n``); the rest of what is not ASCII as Python escapes (``\\xe9``)."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        ch if ch.isascii() else ch.encode("unicode_escape").decode("ascii")
        for ch in printable(text)
    )


def payload_text(payload: Mapping[str, Any]) -> str:
    """``key=value, ...`` with JSON-style values, in printable ASCII."""
    return ", ".join(f"{plain(str(key))}={_value_text(value)}" for key, value in payload.items())


def _value_text(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=True, default=repr, separators=(",", ":"))
    except (ValueError, TypeError, RecursionError):  # a cycle, or keys json refuses
        return plain(value_repr(value))


def _lines(text: str) -> str:
    """``text`` with its line breaks made plain ``\\n`` and everything else a terminal or
    a viewer would act on written out (:func:`~pyrapide.core.printable.printable`)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return printable(text, keep_newlines=True).replace("\t", " ")


def dot_string(text: str) -> str:
    """A double-quoted DOT string that Graphviz shows as ``text`` (newlines as line breaks,
    controls written out)."""
    escaped = _lines(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


# Mermaid reads "#name;" and "#code;" as entities inside quoted labels, and renders labels
# as HTML: so '#', the quote, markup characters and the backtick (markdown strings) are
# written as entity codes; a line break is the one piece of markup emitted on purpose.
_MERMAID = {
    ord("#"): "#35;",
    ord('"'): "#quot;",
    ord("&"): "#amp;",
    ord("<"): "#lt;",
    ord(">"): "#gt;",
    ord("`"): "#96;",
    ord("\n"): "<br/>",
}


def mermaid_string(text: str) -> str:
    """A double-quoted Mermaid label showing ``text`` (controls written out)."""
    return '"' + _lines(text).translate(_MERMAID) + '"'

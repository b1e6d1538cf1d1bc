"""What a pattern's text could go on with where a syntax error stops it, in a user's words.

The LALR parser fails in a state that its tables share among several places in the
grammar, so the tokens that state lists include some no text could have there (a ``)``
with no ``(`` open, a ``,`` after a guard); and by the time it fails it may have
reduced past tokens that were still possible (``A )`` listed only the end of the
pattern). :func:`expected_after` asks instead: the text before the error parsed again,
which tokens would the parser take next? Each is tried on a copy of the parser, and a
name or a quoted string is named by what it would be there: an event name, a field
name, a key or a string.
"""

from __future__ import annotations

from typing import Final

from lark import Lark, Token
from lark.exceptions import UnexpectedInput
from lark.parsers.lalr_interactive_parser import InteractiveParser

__all__ = ["expected_after"]

# How each terminal that is not a word of the syntax is described to a user.
_TERMINAL_WORDS: Final = {
    "NAME": "an event name",
    "ESCAPED_STRING": "a quoted string",
    "SIGNED_NUMBER": "a number",
    "PLACEHOLDER": "a placeholder such as ?k",
    "COMPARATOR": "a comparison (== != < <= > >=)",
    "$END": "the end of the pattern",
}

# The terminals that start a JSON value, said in two words when all are expected.
_JSON_STARTS: Final = frozenset(
    {"'['", "'{'", "'true'", "'false'", "'null'", "a number", "a quoted string"}
)

# A name or a quoted string is an event name where fields may follow it, a field name
# where "=" may, an object's key where ":" may; else (a quoted string) a JSON string.
_NAMED_BY_WHAT_FOLLOWS: Final = (
    ("EQUAL", "a field name"),
    ("COLON", "a key (a quoted string)"),
    ("LPAR", "an event name"),
)


def expected_after(parser: Lark, prefix: str) -> tuple[str, ...] | None:
    """What could come next after ``prefix``, the text before a syntax error, in words,
    sorted with the words of the syntax (quoted) first; None when ``prefix`` does not
    parse as the start of a pattern (it does whenever the error is after it)."""
    interactive = parser.parse_interactive(prefix)
    try:
        interactive.exhaust_lexer()
    except UnexpectedInput:
        return None
    words = {_word(parser, interactive, terminal) for terminal in interactive.accepts()}
    if words >= _JSON_STARTS:
        words = (words - _JSON_STARTS) | {"a JSON value"}
    return tuple(sorted(words, key=lambda word: (word[0] != "'", word)))


def _word(parser: Lark, interactive: InteractiveParser, terminal: str) -> str:
    if terminal in ("NAME", "ESCAPED_STRING"):
        after = interactive.copy()
        after.feed_token(Token(terminal, '""', 0, 1, 1, 1, 3, 2))
        follows = after.accepts()
        for next_terminal, word in _NAMED_BY_WHAT_FOLLOWS:
            if next_terminal in follows:
                return word
    if terminal in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[terminal]
    pattern = parser.get_terminal(terminal).pattern
    # Every other terminal of the grammar is a literal word ("where", "->").
    return f"'{pattern.value}'" if pattern.type == "str" else terminal

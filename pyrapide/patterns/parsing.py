"""The Lark parser of the pattern syntax: grammar.lark, its transformer, its errors.

Imported by :func:`pyrapide.patterns.parse_pattern` on first use only, so that
importing the patterns package does not load Lark.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import resources
from types import SimpleNamespace
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import (
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from pyrapide.core.printable import clipped
from pyrapide.core.values import too_many_digits
from pyrapide.patterns import algebra as alg
from pyrapide.patterns import operators as ops
from pyrapide.patterns.condition import AllOf, AnyOf, Comparison, Condition, Not
from pyrapide.patterns.expected import expected_after
from pyrapide.patterns.match import Placeholder
from pyrapide.patterns.syntax import MAX_PATTERN_DEPTH, PatternSyntaxError, text_line

_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


class _SemanticError(Exception):
    def __init__(self, message: str, meta: Any) -> None:
        self.message, self.column, self.line = message, meta.column, meta.line


@v_args(inline=True)
class PatternBuilder(Transformer[Token, Any]):
    """Builds pattern values from the parse tree: one method per rule alias."""

    # --- patterns -----------------------------------------------------------------

    def where(self, pattern: alg.Pattern, condition: Condition) -> alg.Pattern:
        return ops.GuardedPattern(pattern, condition)

    def either(self, left: alg.Pattern, right: alg.Pattern) -> alg.Pattern:
        return ops.DisjunctionPattern(left, right)

    def independent(self, left: alg.Pattern, right: alg.Pattern) -> alg.Pattern:
        return ops.IndependencePattern(left, right)

    def join(self, left: alg.Pattern, right: alg.Pattern) -> alg.Pattern:
        return ops.JoinPattern(left, right)

    def then(self, left: alg.Pattern, right: alg.Pattern) -> alg.Pattern:
        return ops.SequencePattern(left, right)

    def then_immediately(self, left: alg.Pattern, right: alg.Pattern) -> alg.Pattern:
        return ops.ImmediateSequencePattern(left, right)

    def repeat(self, pattern: alg.Pattern) -> alg.Pattern:
        return ops.IterationPattern(pattern)

    def event(self, name: str, *rest: Any) -> alg.Pattern:
        fields: dict[str, Any] = {}
        source = None
        for part in rest:
            if isinstance(part, tuple) and part[0] == "source":
                source = part[1]
            else:
                fields = part
        return alg.BasicPattern(name, fields, source)

    def name(self, token: Token) -> str:
        return str(token)

    def quoted_name(self, token: Token) -> str:
        return _json_string(token)

    def any_name(self) -> str:
        return "*"

    def fields(self, *fields: tuple[str, Any, Any] | None) -> dict[str, Any]:
        return _once_each(fields, lambda key: f"field {_clipped(key)!r} is given twice")

    @v_args(meta=True, inline=True)
    def field(self, meta: Any, key: str, value: Any) -> tuple[str, Any, Any]:
        return (key, value, meta)

    @v_args(meta=True, inline=True)
    def source(self, meta: Any, value: Any) -> tuple[str, Any]:
        if not isinstance(value, (str, Placeholder)):
            raise _SemanticError(
                f"a source is a string or a placeholder, not {_clipped(json.dumps(value))}", meta
            )
        return ("source", value)

    def placeholder(self, token: Token) -> Placeholder:
        return Placeholder(str(token)[1:])

    # --- conditions ---------------------------------------------------------------

    def any_of(self, left: Condition, right: Condition) -> Condition:
        return AnyOf(left, right)

    def all_of(self, left: Condition, right: Condition) -> Condition:
        return AllOf(left, right)

    def negate(self, condition: Condition) -> Condition:
        return Not(condition)

    def comparison(self, left: Any, op: Token, right: Any) -> Condition:
        return Comparison(left, str(op), right)

    # --- JSON values --------------------------------------------------------------

    def string(self, token: Token) -> str:
        return _json_string(token)

    def number(self, token: Token) -> int | float:
        # What str(pattern) could not print as JSON, or Python could not read back,
        # is refused here, at the number, rather than printed as something else.
        # So is a number JSON does not write (007, +1, .5, 1.), which the grammar's
        # number takes: the workbench's inject reads 007 as the text "007", and a
        # pattern reading it as 7 would not match what inject recorded.
        text = str(token)
        digits = text.lstrip("-+")
        if digits.isdigit():
            too_long = too_many_digits(text)
            if too_long is not None:
                raise _SemanticError(too_long, token)
            value: int | float = int(text)
        else:
            value = float(text)
            if not math.isfinite(value):
                raise _SemanticError(f"{_clipped(text)} is not a finite number", token)
        if not _JSON_NUMBER.fullmatch(text):
            raise _SemanticError(
                f"{_clipped(text)} is not a number as JSON writes it: write "
                f'{_clipped(json.dumps(value))}, or "{_clipped(text)}" for text',
                token,
            )
        return value

    def true(self) -> bool:
        return True

    def false(self) -> bool:
        return False

    def null(self) -> None:
        return None

    def empty_array(self) -> list[Any]:
        return []

    def array(self, *items: Any) -> list[Any]:
        # Its own rule, not an optional item list: an absent list and ``[null]`` would
        # both reach here as (None,).
        return list(items)

    def object(self, *pairs: tuple[str, Any, Token] | None) -> dict[str, Any]:
        # JSON would keep the last of a key given twice in silence, and the pattern would
        # never match what its writer read in it (as a file with a key twice is refused).
        return _once_each(
            pairs, lambda key: f"key {json.dumps(_clipped(key))} is given twice in an object"
        )

    def pair(self, key: Token, value: Any) -> tuple[str, Any, Token]:
        return (_json_string(key), value, key)


def _once_each(
    pairs: tuple[tuple[str, Any, Any] | None, ...], twice: Callable[[str], str]
) -> dict[str, Any]:
    """The ``(key, value, where)`` ``pairs`` of a field list or a JSON object as a dict
    (None, the empty one, skipped); a key given twice is refused with ``twice(key)``,
    at the second one."""
    collected: dict[str, Any] = {}
    for pair in pairs:
        if pair is None:
            continue
        key, value, where = pair
        if key in collected:
            raise _SemanticError(twice(key), where)
        collected[key] = value
    return collected


def _json_string(token: Token) -> str:
    """The string a quoted token holds. The grammar takes any backslash escape and any
    character but a line break between the quotes; what JSON refuses of those (a raw
    tab, ``\\q``) is refused at that character, in JSON's words."""
    try:
        text: str = json.loads(token)
    except json.JSONDecodeError as error:
        message = error.msg.removesuffix(" at").lower()
        place = SimpleNamespace(line=token.line, column=(token.column or 1) + error.pos)
        raise _SemanticError(f"{message} in a quoted string", place) from None
    return text


@cache
def _parser() -> Lark:
    grammar = resources.files("pyrapide.patterns").joinpath("grammar.lark").read_text()
    return Lark(grammar, parser="lalr", maybe_placeholders=True, propagate_positions=True)


CLIPPED_WIDTH = 40
"""The most characters of a value or a name a message quotes: the caret shows where it
is, and a value of kilobytes (a number of 5,000 digits, a pasted field name) would
make the one line of the message a screenful."""


def _clipped(text: str) -> str:
    """``text``, or its first characters and "…" when longer than :data:`CLIPPED_WIDTH`."""
    return clipped(text, CLIPPED_WIDTH)


def _found(text: str, line: int, column: int) -> str:
    rest = text_line(text, line)[column - 1 :]
    if rest and rest[0] not in _BLANKS and (rest[0].isspace() or not rest[0].isprintable()):
        # A blank or invisible character the grammar does not skip (U+2028, U+00A0).
        return f"the character U+{ord(rest[0]):04X} ({unicodedata.name(rest[0], 'unnamed')})"
    rest = rest.strip()
    if not rest:
        return "the end of the line" if line <= text.count("\n") else "the end of the pattern"
    if rest[0] == '"':
        closed = _QUOTED.match(rest)
        if closed is None:
            return "a string with no closing quote"
        return f"'{closed.group()[:20]}'"
    return f"'{rest.split()[0][:20]}'"


# What the grammar skips between tokens (Lark's WS).
_BLANKS = frozenset(" \t\n\r\f")


def _syntax_error(text: str, error: UnexpectedInput) -> PatternSyntaxError:
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        lines = text.rstrip().split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        found = "the end of the pattern"
        before = text
    else:
        line = getattr(error, "line", 1) or 1
        column = getattr(error, "column", 1) or 1
        if isinstance(error, UnexpectedToken):
            position = error.token.start_pos or 0
        else:
            position = getattr(error, "pos_in_stream", 0) or 0
        # A word that begins with a keyword (`notes`, `nullable`, `andy`) is read as the
        # keyword and the rest: the error is the whole word's, said from its start.
        row = text_line(text, line)
        inside = _WORD_END.search(row[: column - 1])
        if inside is not None and _WORD_START.match(row, column - 1):
            back = column - 1 - inside.start()
            column, position = column - back, position - back
        found = _found(text, line, column)
        before = text[:position]
    expected = expected_after(_parser(), before) or ()
    if not expected:
        wanted = "something else"
    elif len(expected) == 1:
        wanted = expected[0]
    else:
        wanted = ", ".join(expected[:-1]) + " or " + expected[-1]
    message = f"Invalid pattern at {_where(text, line, column)}: expected {wanted}, found {found}"
    return PatternSyntaxError(message + _quoting_hint(text, line, column), text, column,
                              expected, line)


_WORD_END = re.compile(r"\b[A-Za-z_]\w*$")  # a word the error falls inside, to its start
_WORD_START = re.compile(r"\w")
_NAME_LIKE = re.compile(r"[\w.]+")
# From a word's beginning only (?<!...): tried from each of its characters, a long word
# with no * in it was read again from every one of them.
_GLOB_LIKE = re.compile(r"(?<![\w.*])[\w.]*\*[\w.*]*")


def _quoting_hint(text: str, line: int, column: int) -> str:
    """What to write instead when the error falls in a name Python allows but the
    syntax takes only quoted (``Café.crème``: its letters are not all ASCII), or in
    a name with ``*`` in it (``Sensor.*``), which is quoted too."""
    row = text_line(text, line)
    for word in _GLOB_LIKE.finditer(row):
        if word.start() < column <= word.end() and word.group() != "*":
            return _quoted_as(" (a name with * in it is quoted", word.group())
    for word in _NAME_LIKE.finditer(row):
        name = word.group()
        if word.start() < column <= word.end() and not name.isascii() and all(
            part.isidentifier() for part in name.split(".")
        ):
            return _quoted_as(" (a name that is not ASCII is quoted", name)
    before, after = row[: column - 1], row[column - 1 :]
    hint = (
        _source_hint(before, after) or _fields_hint(before, after)
        or _value_hint(before, after) or _guard_hint(before, after)
    )
    if hint:
        return hint
    quoted = next((q for q in _QUOTED.finditer(before) if q.end() == len(before)), None)
    dotted = _DOTTED.match(after)
    if quoted is not None and dotted is not None:
        # "Café".crème: the quotes hold the whole dotted name.
        try:
            whole = json.loads(quoted.group()) + dotted.group()
        except json.JSONDecodeError:  # an escape JSON refuses: said when it is parsed
            return ""
        return _quoted_as(" (the quotes hold the whole name", whole)
    return ""


def _quoted_as(hint: str, name: str) -> str:
    """``hint`` with ``name`` written quoted after it, closed; a name longer than a hint
    writes again (a paste of kilobytes) is left to the caret, the hint said alone."""
    return f"{hint})" if len(name) > _HINTED else f"{hint}: {alg.name_text(name)})"


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_DOTTED = re.compile(r"(?:\.\w+)+")
# From a word's beginning only, and without giving back what it took: searched from
# each character of a long word, then given back one at a time, it read the word again
# from every one of them (a pattern error in a word of 40,000 letters took 15 s).
_NAME_BEFORE = re.compile(r'(?:(?<![\w.*])[\w.*]++|"(?:[^"\\]|\\.)*+")[ \t]*+$')
_FIELD = re.compile(r"[ \t]*(\w+)[ \t]*=[ \t]*(?!=)(\S+)")


def _fields_hint(before: str, after: str) -> str:
    """What to write when fields follow a name as ``inject`` takes them (``A.b x=1``):
    in a pattern they go in parentheses, their values JSON."""
    name = _NAME_BEFORE.search(before)
    if name is None or len(name.group()) > _HINTED:
        return ""
    fields: list[str] = []
    at = 0
    while (field := _FIELD.match(after, at)) is not None and len(fields) < 3:
        key, value = field.groups()
        try:
            json.loads(value)
        except ValueError:
            value = json.dumps(value)
        if len(key) + len(value) > _HINTED:
            break
        fields.append(f"{key}={value}")
        at = field.end()
    if not fields:
        return ""
    more = ", ..." if _FIELD.match(after, at) else ""
    written = f"{name.group().rstrip()}({', '.join(fields)}{more})"
    return f" (a pattern's fields go in parentheses: {written})"


_HINTED = 40  # the longest name, or field and value, a hint writes again

_FROM_BEFORE = re.compile(r"(?<![\w.*\"])from[ \t]*+$")


def _source_hint(before: str, after: str) -> str:
    """What to write when ``from`` is followed by a name unquoted (``A from api``): a
    source is a quoted name, or a placeholder."""
    word = _NAME_LIKE.match(after)
    if word is None or len(word.group()) > _HINTED or not _FROM_BEFORE.search(before):
        return ""
    return f" (a source is quoted: from {json.dumps(word.group())})"


# A field's name and its `=` inside an event's parentheses, up to the value: `(to=`,
# `, to = `; not a guard's `==`, `<=` or `>=`.
_FIELD_BEFORE = re.compile(
    r'[(,][ \t]*+(?:\w++|"(?:[^"\\]|\\.)*+")[ \t]*+(?<![=<>!])=[ \t]*+$'
)
# A word alone, not a name with a dot or a call: a value or a guard's operand unquoted.
_BARE_WORD = re.compile(r"[A-Za-z_]\w*(?![\w.(])")
_JSON_WORDS = frozenset({"true", "false", "null"})
_PYTHON_WORDS = {"True": "true", "False": "false", "None": "null"}


def _value_hint(before: str, after: str) -> str:
    """What to write when a field's value is a word unquoted (``A.b(to=bob)``): the
    ``inject`` command takes such a word as a string, a pattern takes only JSON."""
    word = _BARE_WORD.match(after)
    if (
        word is None
        or word.group() in _JSON_WORDS
        or len(word.group()) > _HINTED
        or not _FIELD_BEFORE.search(before)
    ):
        return ""
    quoted = json.dumps(word.group())
    if word.group() in _PYTHON_WORDS:
        return f" (a value is JSON: {_PYTHON_WORDS[word.group()]}, or {quoted} for the string)"
    return f" (a string value is quoted: {quoted})"


# Where a guard's operand goes: after `where`, `and`, `or`, `not` (and a blank), a `(`
# or a comparison.
_OPERAND_BEFORE = re.compile(r'(?:(?<![\w.?"])(?:where|and|or|not)[ \t]+|[(=<>][ \t]*)$')
# A guard on one event, up to the operand: its name, its fields, its source, `where`.
_GUARDED_EVENT = re.compile(
    r'^[ \t]*((?<![\w.*])[\w.]+|"(?:[^"\\]|\\.)*")[ \t]*(?:\(([^()]*)\))?[ \t]*'
    r'((?<=[ \t)])from[ \t]+(?:"(?:[^"\\]|\\.)*"|\S+)[ \t]+)?where[ \t]+[( \t]*$'
)
_NOT_FIELDS = frozenset({"not", "and", "or", "true", "false", "null", "where"})


def _guard_hint(before: str, after: str) -> str:
    """What to write when a guard names a field (``A.b where n > 1``): a guard compares
    placeholders, so the field is bound in the event's fields and the guard reads that."""
    word = _BARE_WORD.match(after)
    if (
        word is None
        or word.group() in _NOT_FIELDS
        or len(word.group()) > _HINTED
        or not _OPERAND_BEFORE.search(before)
        or not re.search(r'(?<![\w.?"])where\s', before)
    ):
        return ""
    field = word.group()
    bound = f"{field}=?{field}"
    event = _GUARDED_EVENT.match(before)
    if event is None or len(event.group(1)) + len(event.group(2) or "") > _HINTED:
        return (
            " (a guard compares placeholders, not fields: bind the field in its event's "
            f"fields, as {bound}, and compare ?{field})"
        )
    fields = ", ".join(filter(None, ((event.group(2) or "").strip(), bound)))
    source = event.group(3) or ""
    return (
        " (a guard compares placeholders, not fields: "
        f"{event.group(1)}({fields}) {source}where ?{field} ...)"
    )


# The rules that put one thing inside another: what MAX_PATTERN_DEPTH counts.
_NESTING = frozenset(
    {
        "where", "either", "independent", "join", "then", "then_immediately", "repeat",
        "any_of", "all_of", "negate", "array", "empty_array", "object",
    }
)


def _check_depth(text: str, tree: Tree[Token]) -> None:
    """Refuse a tree nested deeper than MAX_PATTERN_DEPTH, at the first (leftmost) part
    that is too deep; walked with a stack, since the tree may be thousands deep."""
    deepest, too_deep = 0, None
    stack: list[tuple[Tree[Token], int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if node.data in _NESTING:
            depth += 1
            deepest = max(deepest, depth)
            if depth > MAX_PATTERN_DEPTH and (
                too_deep is None or _place(node) < _place(too_deep)
            ):
                too_deep = node
        stack.extend((child, depth) for child in node.children if isinstance(child, Tree))
    if too_deep is None:
        return
    line, column = _place(too_deep)
    raise PatternSyntaxError(
        f"Invalid pattern at {_where(text, line, column)}: nested {deepest} deep (operators, "
        f"conditions and values inside one another); at most {MAX_PATTERN_DEPTH}",
        text,
        column,
        (),
        line,
    )


def _place(node: Tree[Token]) -> tuple[int, int]:
    return (getattr(node.meta, "line", 1), getattr(node.meta, "column", 1))


def parse(text: str) -> alg.Pattern:
    """The pattern written in ``text``, a non-blank string; raises
    :class:`PatternSyntaxError`. The parser is built on the first call and kept."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None
    _check_depth(text, tree)
    try:
        return PatternBuilder().transform(tree)
    except VisitError as error:
        cause = error.orig_exc
        column, line = getattr(cause, "column", 1), getattr(cause, "line", 1)
        message = getattr(cause, "message", str(cause))
        raise PatternSyntaxError(
            f"Invalid pattern at {_where(text, line, column)}: {message}", text, column, (), line
        ) from None


def _where(text: str, line: int, column: int) -> str:
    """"line L, column C" in a text of several lines, else "column C"."""
    return f"line {line}, column {column}" if "\n" in text.rstrip() else f"column {column}"

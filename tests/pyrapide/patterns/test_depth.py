"""Pattern texts nested past MAX_PATTERN_DEPTH are refused with a place, never a RecursionError."""

from __future__ import annotations

import pytest

from pyrapide import Computation, Event, Pattern
from pyrapide.patterns import MAX_PATTERN_DEPTH, PatternSyntaxError, parse_pattern


def _nested(kind: str, depth: int) -> str:
    return {
        "sequence": " -> ".join(["A.b"] * (depth + 1)),
        "repeat": "A.b" + "+" * depth,
        "groups": "A.b -> (" * depth + "A.b" + ")" * depth,
        "or": " or ".join(["A.b"] * (depth + 1)),
        "array": "A.b(x=" + "[" * depth + "]" * depth + ")",
        "object": "A.b(x=" + '{"k": ' * depth + "1" + "}" * depth + ")",
        "not": "A.b(x=?v) where " + "not " * (depth - 1) + "?v == 1",
    }[kind]


KINDS = ["sequence", "repeat", "groups", "or", "array", "object", "not"]


def _deep_stack(frames: int, call):
    """``call()`` run under ``frames`` more stack frames, as in a busy front end."""
    return call() if frames == 0 else _deep_stack(frames - 1, call)


@pytest.mark.parametrize("kind", KINDS)
def test_the_deepest_pattern_allowed_parses_prints_and_matches(kind):
    pattern = parse_pattern(_nested(kind, MAX_PATTERN_DEPTH))
    assert str(parse_pattern(str(pattern))) == str(pattern)
    computation = Computation()
    first = Event("A.b", {"x": 1})
    computation.record(first)
    computation.record(Event("A.b", {"x": 1}), caused_by=[first])
    _deep_stack(250, lambda: pattern.match_in(computation))
    matcher = pattern.matcher()
    for event in computation:
        _deep_stack(250, lambda event=event: matcher.feed(event, computation.poset))


@pytest.mark.parametrize("kind", KINDS)
def test_one_level_more_is_refused_with_the_limit_and_a_column(kind):
    with pytest.raises(PatternSyntaxError) as refused:
        parse_pattern(_nested(kind, MAX_PATTERN_DEPTH + 1))
    message = refused.value.message
    assert f"nested {MAX_PATTERN_DEPTH + 1} deep" in message
    assert message.endswith(f"at most {MAX_PATTERN_DEPTH}")
    assert message.startswith(f"Invalid pattern at column {refused.value.column}: ")


@pytest.mark.parametrize(
    "text, column",
    [
        (" -> ".join(["A.b"] * 501), 1),  # left-grouped: the innermost part starts first
        ("A.b" + "+" * 1000, 1),
        ("A.b(x=" + "[" * 5000 + "]" * 5000 + ")", 7 + MAX_PATTERN_DEPTH),
        ("A.b -> (" * 3000 + "A.b" + ")" * 3000, 1 + 8 * MAX_PATTERN_DEPTH),
    ],
)
def test_thousands_deep_is_refused_where_the_limit_is_crossed(text, column):
    with pytest.raises(PatternSyntaxError) as refused:
        parse_pattern(text)
    assert refused.value.column == column
    assert "deep" in refused.value.message


def test_a_deep_pattern_on_a_later_line_is_placed_by_line_and_column():
    text = "A.b\n-> A.b(x=" + "[" * 200 + "]" * 200 + ")"
    with pytest.raises(PatternSyntaxError) as refused:
        parse_pattern(text)
    assert (refused.value.line, refused.value.column) == (2, 9 + MAX_PATTERN_DEPTH)
    assert refused.value.message.startswith(f"Invalid pattern at line 2, column {9 + 100}:")


def _built(kind: str, depth: int):
    """A pattern ``depth`` operators deep, built with Python's operators and methods."""
    pattern = Pattern.match("A.b")
    for _ in range(depth):
        if kind == "sequence":
            pattern = pattern >> Pattern.match("A.b")
        elif kind == "join":
            pattern = pattern & Pattern.match("A.b")
        elif kind == "or":
            pattern = pattern.or_(Pattern.match("A.b"))
        elif kind == "guard":
            pattern = pattern.where(lambda match: True)
        else:
            pattern = pattern.repeat()
    return pattern


@pytest.mark.parametrize("kind", ["sequence", "join", "or", "guard", "repeat"])
def test_a_pattern_built_in_python_nests_as_deep_as_a_text_and_no_deeper(kind):
    deepest = _built(kind, MAX_PATTERN_DEPTH)
    assert deepest.depth == MAX_PATTERN_DEPTH
    computation = Computation()
    computation.record(Event("A.b", {"x": 1}))
    _deep_stack(250, lambda: deepest.match_in(computation))
    with pytest.raises(ValueError, match=rf"would nest patterns {MAX_PATTERN_DEPTH + 1} deep"):
        _built(kind, MAX_PATTERN_DEPTH + 1)

"""Pattern macros: functions that build patterns, and a library of them by name."""

from __future__ import annotations

import pytest

from pyrapide import Computation, Event, Pattern, placeholder
from pyrapide.patterns.macros import PatternLibrary, is_pattern_macro, pattern_macro


@pattern_macro
def roundtrip(call: str, result: str, key: str = "id") -> Pattern:
    """A call, then the result with the same key."""
    bound = placeholder(key)
    return Pattern.match(call, **{key: bound}) >> Pattern.match(result, **{key: bound})


def _run() -> Computation:
    computation = Computation()
    call = Event("Tool.call", {"id": 1})
    other = Event("Tool.call", {"id": 2})
    computation.record(call)
    computation.record(other)
    computation.record(Event("Tool.result", {"id": 1}), caused_by=[call])
    return computation


def test_a_macro_builds_a_pattern_from_its_arguments() -> None:
    pattern = roundtrip("Tool.call", "Tool.result")
    assert is_pattern_macro(roundtrip)
    assert roundtrip.__doc__ == "A call, then the result with the same key."
    matches = pattern.match_in(_run())
    assert [[e.payload["id"] for e in m.events] for m in matches] == [[1, 1]]


def test_a_macro_that_returns_no_pattern_is_refused_where_called() -> None:
    @pattern_macro
    def broken() -> Pattern:
        return "Tool.call"  # type: ignore[return-value]

    with pytest.raises(TypeError, match=r"pattern macro .*broken returned str 'Tool\.call'"):
        broken()


def test_a_library_instantiates_macros_by_name() -> None:
    library = PatternLibrary()
    library.register("roundtrip", roundtrip)
    library.register("any_error", lambda source="*": Pattern.match("*.error", source=source))
    assert "roundtrip" in library and len(library) == 2
    assert list(library) == ["roundtrip", "any_error"]
    pattern = library.get("roundtrip", call="Tool.call", result="Tool.result")
    assert len(pattern.match_in(_run())) == 1


def test_an_unknown_macro_name_says_what_is_known() -> None:
    library = PatternLibrary()
    library.register("roundtrip", roundtrip)
    with pytest.raises(KeyError, match=r"'roundtrp' .*did you mean 'roundtrip'.*known: roundtrip"):
        library.get("roundtrp")


def test_wrong_arguments_name_the_macro() -> None:
    library = PatternLibrary()
    library.register("roundtrip", roundtrip)
    with pytest.raises(TypeError) as raised:
        library.get("roundtrip", call="Tool.call")
    assert "while building pattern macro 'roundtrip'" in raised.value.__notes__


def test_registration_needs_a_name_and_a_callable() -> None:
    library = PatternLibrary()
    with pytest.raises(TypeError, match="non-empty string"):
        library.register("", roundtrip)
    with pytest.raises(TypeError, match="must be callable"):
        library.register("x", Pattern.match("A"))  # type: ignore[arg-type]

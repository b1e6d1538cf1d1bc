"""A bound on the matches of joined parts that matching makes: ``limit=``."""

from __future__ import annotations

import pytest

from pyrapide import Computation
from pyrapide.patterns import Matcher, TooManyMatches, parse_pattern
from pyrapide.patterns.engine import match_all


def chain(length: int) -> Computation:
    """``length`` A events, each caused by the one before: ``A -> A`` has
    length * (length - 1) / 2 matches."""
    computation = Computation()
    previous: list = []
    for n in range(length):
        previous = [computation.new_event("A", {"n": n}, caused_by=previous)]
    return computation


def test_matching_past_its_limit_stops_with_too_many_matches() -> None:
    computation = chain(100)  # 4,950 pairs
    with pytest.raises(TooManyMatches, match=r"more than 1,000 matches") as raised:
        match_all(parse_pattern("A -> A"), computation, limit=1_000)
    assert raised.value.limit == 1_000
    matcher = Matcher(parse_pattern("A -> A"), limit=1_000)
    with pytest.raises(TooManyMatches):
        for event in computation.poset:
            matcher.feed(event, computation)


def test_matching_within_its_limit_finds_what_unbounded_matching_finds() -> None:
    computation = chain(60)  # 1,770 pairs
    for text in ("A -> A", "A(n=?n) -> A(n=?n)", "A || A", "A & A", "A => A"):
        pattern = parse_pattern(text)
        assert match_all(pattern, computation, limit=10_000) == match_all(pattern, computation)
        bounded, unbounded = Matcher(pattern, limit=10_000), Matcher(pattern)
        for event in computation.poset:
            assert bounded.feed(event, computation) == unbounded.feed(event, computation)


def test_a_limit_is_a_number_of_matches() -> None:
    with pytest.raises(ValueError, match="limit must be a number of matches"):
        match_all(parse_pattern("A -> A"), chain(3), limit=-1)
    # "5" failed in Python's words ('<' not supported), and NaN bounded nothing. (The
    # compiled build refuses what is no int where the function is called, in its words.)
    for given, shown in (("5", "str '5'"), (float("nan"), "float nan"), (True, "bool True")):
        refused = f"limit must be a number of matches .*, got {shown}|int or None .*expected"
        with pytest.raises(TypeError, match=refused):
            match_all(parse_pattern("A -> A"), chain(3), limit=given)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=refused):
            Matcher(parse_pattern("A -> A"), limit=given)  # type: ignore[arg-type]

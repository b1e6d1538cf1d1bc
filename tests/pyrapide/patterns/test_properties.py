"""Properties over random posets and patterns: both matching modes agree, and text round-trips."""

from __future__ import annotations

import warnings
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.core import Computation
from pyrapide.patterns import join, parse_pattern

from .reference import reference_matches
from .strategies import patterns, posets, small_patterns, textual_patterns


def _incremental(pattern, poset):
    matcher = pattern.matcher()
    reported = []
    for event in poset:
        for found in matcher.feed(event, poset):
            # A match is reported when its last event is recorded, and contains it.
            assert found.events[-1] is event
            reported.append(found)
    return reported


@settings(max_examples=200, deadline=None)
@given(pattern=patterns, poset=posets())
def test_incremental_matcher_reports_exactly_the_whole_poset_matches_once(pattern, poset):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        batch = pattern.match_in(poset)
        reported = _incremental(pattern, poset)
        expected = reference_matches(pattern, poset)
    assert len(set(reported)) == len(reported), "a match was reported twice"
    assert len(set(batch)) == len(batch), "match_in returned a match twice"
    assert Counter(reported) == Counter(batch)
    assert set(batch) == set(expected)


@settings(max_examples=50, deadline=None)
@given(pattern=small_patterns, poset=posets(max_events=30))
def test_both_modes_agree_on_larger_posets(pattern, poset):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        reported = _incremental(pattern, poset)
        assert Counter(reported) == Counter(pattern.match_in(poset))
        assert set(reported) == set(reference_matches(pattern, poset))


@settings(max_examples=100, deadline=None)
@given(
    pattern=st.builds(lambda left, right: left & right, small_patterns, patterns),
    poset=posets(max_events=20),
    narrow=st.sampled_from([0, 1, 2]),
)
def test_joins_agree_when_roots_are_kept_as_masks(pattern, poset, narrow):
    # Random posets rarely put more than join.NARROW roots above an event: with the
    # limit lowered, ``&`` meets its roots as masks, and masks beside sets.
    kept, join.NARROW = join.NARROW, narrow
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            reported = _incremental(pattern, poset)
            batch = pattern.match_in(poset)
    finally:
        join.NARROW = kept
    assert Counter(reported) == Counter(batch)
    assert set(batch) == set(reference_matches(pattern, poset))


@settings(max_examples=100, deadline=None)
@given(pattern=patterns, poset=posets(max_events=8))
def test_match_in_lists_matches_in_completion_order(pattern, poset):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        batch = pattern.match_in(poset)
    completions = [poset.seq(found.events[-1]) for found in batch]
    assert completions == sorted(completions)
    for found in batch:
        assert [poset.seq(e) for e in found.events] == sorted(poset.seq(e) for e in found.events)


@settings(max_examples=50, deadline=None)
@given(pattern=textual_patterns, poset=posets(max_events=8))
# A generated guard may compare values of other types: its error is a non-match on both
# sides alike, and says so with a warning that is not this test's news.
@pytest.mark.filterwarnings("ignore:guard of pattern:RuntimeWarning")
def test_a_computation_matches_like_its_poset(pattern, poset):
    computation = Computation(poset)
    assert pattern.match_in(computation) == pattern.match_in(poset)
    matcher = pattern.matcher()
    fed = [m for event in computation for m in matcher.feed(event, computation)]
    assert Counter(fed) == Counter(pattern.match_in(poset))


@settings(max_examples=200, deadline=None)
@given(pattern=textual_patterns)
@pytest.mark.filterwarnings("ignore::pyrapide.patterns.UnboundPlaceholderWarning")
def test_printed_patterns_parse_back_to_equal_patterns(pattern):
    text = str(pattern)
    parsed = parse_pattern(text)
    assert parsed == pattern, text
    assert hash(parsed) == hash(pattern)
    assert str(parsed) == text


@settings(max_examples=100, deadline=None)
@given(left=textual_patterns, right=textual_patterns)
def test_structurally_different_patterns_print_differently(left, right):
    assert (left == right) == (str(left) == str(right))


@settings(max_examples=50, deadline=None)
@given(pattern=patterns, poset=posets(max_events=8), data=st.data())
def test_prebound_placeholders_keep_only_agreeing_matches(pattern, poset, data):
    value = data.draw(st.integers(0, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        constrained = pattern.match_in(poset, bindings={"x": value})
        everything = pattern.match_in(poset)
    assert all(found.bindings["x"] == value for found in constrained)
    unconstrained_events = {found.events for found in everything}
    assert {found.events for found in constrained} <= unconstrained_events

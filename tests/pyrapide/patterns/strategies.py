"""Hypothesis strategies: small random posets and random patterns of the algebra."""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import strategies as st

from pyrapide.core import Event, Poset
from pyrapide.patterns import Pattern, UnboundPlaceholderWarning, placeholder
from pyrapide.patterns.condition import AllOf, AnyOf, Comparison, Not

NAMES = ("A", "B")


@st.composite
def posets(draw: Any, max_events: int = 12) -> Poset:
    """A poset of up to ``max_events`` events named A or B with small payloads and
    random causes among the earlier events."""
    poset = Poset()
    events: list[Event] = []
    for index in range(draw(st.integers(4, max_events))):
        payload = {"k": draw(st.integers(0, 1))}
        if draw(st.booleans()):
            payload["j"] = draw(st.sampled_from([0, 1, "x"]))
        event = Event(
            draw(st.sampled_from(NAMES)),
            payload,
            source=draw(st.sampled_from(["s", "t"])),
            id=f"e{index}",
            timestamp=float(index),
        )
        root = not events or draw(st.integers(0, 4)) == 0
        causes = [] if root else draw(st.lists(st.sampled_from(events), min_size=1, max_size=2))
        poset.add(event, caused_by=causes)
        events.append(event)
    return poset


_field_values = st.one_of(
    st.integers(0, 1),
    st.sampled_from(["x", True]),
    st.sampled_from([placeholder("x"), placeholder("y")]),
)


@st.composite
def basic_patterns(draw: Any) -> Pattern:
    """A basic pattern over the names of :func:`posets`, with optional fields and source."""
    fields = draw(st.dictionaries(st.sampled_from(["k", "j"]), _field_values, max_size=1))
    source = draw(st.sampled_from([None, None, None, "s", placeholder("s")]))
    return Pattern.match(draw(st.sampled_from([*NAMES, "*"])), source=source, **fields)


_operands = st.one_of(st.sampled_from([placeholder("x"), placeholder("y")]), st.integers(0, 2))
_comparisons = st.builds(
    Comparison, _operands, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), _operands
)
conditions = st.recursive(
    _comparisons,
    lambda inner: st.one_of(
        st.builds(AllOf, inner, inner), st.builds(AnyOf, inner, inner), st.builds(Not, inner)
    ),
    max_leaves=3,
)


def _textual_operators(children: Any, repeat: bool = True) -> Any:
    return st.one_of(
        st.builds(lambda p, q: p >> q, children, children),
        st.builds(lambda p, q: p.then_immediately(q), children, children),
        st.builds(lambda p, q: p & q, children, children),
        st.builds(lambda p, q: p | q, children, children),
        st.builds(lambda p, q: p.or_(q), children, children),
        *([st.builds(lambda p: p.repeat(), children)] if repeat else []),
        st.builds(_guarded, children, conditions),
    )


def _guarded(pattern: Pattern, condition: Any) -> Pattern:
    # Guards on placeholders the pattern never binds are generated on purpose (they
    # print, parse and match like any other): their warning is not what is tested.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnboundPlaceholderWarning)
        return pattern.where(condition)


# Python guards used by the matching properties: one reads the match like an
# event, one reads the bindings, one raises on some matches (a non-match).
_python_guards = [
    lambda match: match.payload.get("k") != 1,
    lambda match: len(match.events) % 2 == 1 or "x" in match.bindings,
    lambda match: 1 / match.payload["k"] > 0,
]


def _all_operators(children: Any, repeat: bool = True) -> Any:
    return st.one_of(
        _textual_operators(children, repeat),
        st.builds(lambda p, g: p.where(g), children, st.sampled_from(_python_guards)),
        st.builds(lambda p, d: p.timed(None, max_duration=d), children, st.sampled_from([0, 2, 5])),
    )


textual_patterns = st.recursive(basic_patterns(), _textual_operators, max_leaves=4)
"""Patterns the text syntax can express (no Python guards, no timing)."""

patterns = st.recursive(basic_patterns(), _all_operators, max_leaves=4)
"""Patterns using every operator of the algebra."""

small_patterns = st.recursive(basic_patterns(), _all_operators, max_leaves=3)
"""Patterns of at most three basic patterns, for larger posets."""

unrepeated_patterns = st.recursive(
    basic_patterns(), lambda children: _all_operators(children, repeat=False), max_leaves=4
)
"""Patterns using every operator but repetition, whose one match holds every
occurrence so far: over a sliding window it is cut at the window's edge."""

"""Filters: a computation restricted to what some patterns or an interface are about."""

from __future__ import annotations

import pytest

from pyrapide import Computation, Event, Pattern, action, interface
from pyrapide.constraints.filters import AlphabetFilter, PatternFilter


@interface
class Api:
    @action
    async def request(self, key: str) -> None: ...

    @action
    async def response(self, key: str) -> None: ...


def _run() -> tuple[Computation, dict[str, Event]]:
    """request -> db.query -> cache.miss -> response, and an independent ping."""
    computation = Computation()
    events = {}
    previous = None
    for label, name in [("request", "Api.request"), ("query", "Db.query"),
                        ("miss", "Cache.miss"), ("response", "Api.response")]:
        events[label] = Event(name, {"key": "k"}, id=label)
        computation.record(events[label], caused_by=[previous] if previous else None)
        previous = events[label]
    events["ping"] = Event("Health.ping", id="ping")
    computation.record(events["ping"])
    return computation, events


def test_a_pattern_filter_keeps_the_events_of_the_matches() -> None:
    computation, _ = _run()
    kept = PatternFilter.filter_computation(
        computation, [Pattern.match("Api.request"), "Health.ping"]
    )
    assert [e.id for e in kept.topological_order()] == ["request", "ping"]
    assert kept.are_independent("request", "ping")


def test_causal_order_survives_the_events_left_out() -> None:
    computation, events = _run()
    kept = PatternFilter.filter_computation(
        computation, [Pattern.match("Api.request") >> Pattern.match("Api.response")]
    )
    assert [e.id for e in kept] == ["request", "response"]
    # request preceded response through the query and the miss, both left out.
    assert [e.id for e in kept.direct_causes("response")] == ["request"]
    assert kept.get("request") is events["request"]


def test_a_filter_matching_nothing_gives_an_empty_computation() -> None:
    computation, _ = _run()
    assert len(PatternFilter.filter_computation(computation, [Pattern.match("Nope")])) == 0


def test_an_alphabet_filter_keeps_what_the_interface_can_emit() -> None:
    computation, _ = _run()
    kept = AlphabetFilter.filter_by_alphabet(computation, Api)
    assert [e.name for e in kept] == ["Api.request", "Api.response"]
    assert kept.is_ancestor("request", "response")


def test_an_alphabet_filter_refuses_a_class_that_is_not_an_interface() -> None:
    class Plain:
        pass

    computation, _ = _run()
    with pytest.raises(TypeError, match="Plain is not an @interface class"):
        AlphabetFilter.filter_by_alphabet(computation, Plain)


def test_a_filter_refuses_what_is_not_a_pattern() -> None:
    computation, _ = _run()
    with pytest.raises(TypeError, match="expects a Pattern or pattern text, got int"):
        PatternFilter.filter_computation(computation, [42])
    for nothing in (None, 42):
        with pytest.raises(TypeError, match="a Pattern, pattern text or a list of them, got"):
            PatternFilter.filter_computation(computation, nothing)

"""A route made certain matches, without a test, every event it is offered.

Routing offers a route only the events whose name and source it may match
(``Route.offered``, which the route cache keeps per name and source); a route whose
pattern tests nothing else (``Route.certain``) is matched without its test. Each
route below is checked against its own test on every name and source given.
"""

from __future__ import annotations

import dataclasses
from itertools import product

import pytest

from pyrapide import Event, Pattern, connect, pipe
from pyrapide.patterns import placeholder
from pyrapide.runtime.routing import Route

PATTERNS = {
    "a name": Pattern.match("A.x"),
    "a name from a source": Pattern.match("A.x", source="s"),
    "a glob": Pattern.match("A.*"),
    "a glob from a source": Pattern.match("A.*", source="s"),
    "any event": Pattern.match("*"),
    "any event from a source": Pattern.match("*", source="s"),
    "a field": Pattern.match("A.x", k=1),
    "a bound field": Pattern.match("A.x", k=placeholder("k")),
    "a bound source": Pattern.match("A.x", source=placeholder("who")),
}
CERTAIN = {"a name", "a name from a source", "a glob", "a glob from a source", "any event",
           "any event from a source"}
NAMES = ("A.x", "A.y", "B.x", "A.x.y")
SOURCES = ("s", "s.inner", "box.s", "box.s.inner", "st", "t", "box")
PAYLOADS = ({}, {"k": 1}, {"k": 2})


def routes(words: str) -> list[Route]:
    """The pattern's route in the outermost architecture and inside ``box``."""
    made = []
    for scope, factory in product(("", "box"), (connect, pipe)):
        connection = dataclasses.replace(
            factory(PATTERNS[words], "target"), index=0, scope=scope
        )
        made.append(Route(connection))
    return made


@pytest.mark.parametrize("words", sorted(PATTERNS))
def test_a_route_is_certain_only_where_its_test_matches_all_it_is_offered(words: str) -> None:
    for route in routes(words):
        assert route.certain is (words in CERTAIN)
        assert route.one_event is not None
        if not route.certain:
            continue
        for name, source, payload in product(NAMES, SOURCES, PAYLOADS):
            if route.offered(name, source):
                event = Event(name, payload, source=source)
                found = route.one_event(event)
                assert found is not None, (route.scope, name, source, payload)
                assert found.events == (event,) and found.bindings == {}

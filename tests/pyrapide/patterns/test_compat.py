"""Code written against PyRapide 0.3.0's patterns runs unchanged."""

from __future__ import annotations

import pytest

import pyrapide
from pyrapide import BasicPattern, Computation, Event, Pattern, PatternMatch, Poset, placeholder


def test_top_level_names_are_the_pattern_package_names():
    import pyrapide.patterns as patterns

    for name in ("Pattern", "BasicPattern", "PatternMatch", "Placeholder", "placeholder"):
        assert getattr(pyrapide, name) is getattr(patterns, name)
    assert pyrapide.parse_pattern("A") == Pattern.match("A")


def test_send_then_receive_as_in_the_quick_start():
    computation = Computation()
    send = Event(name="Sender.send", payload={"msg": "hello"})
    computation.record(send)
    computation.record(Event(name="Receiver.receive", payload={"msg": "hello"}), caused_by=[send])
    pattern = Pattern.match("Sender.send") >> Pattern.match("Receiver.receive")
    matches = pattern.match_in(computation)
    assert len(matches) == 1
    event = list(matches[0].events)[0]  # noqa: RUF015 - as the 0.3.0 README writes it
    assert event.payload["msg"] == "hello"
    assert isinstance(matches[0], PatternMatch)


def test_placeholders_join_a_call_to_its_result_by_correlation_id():
    poset = Poset()
    calls = [Event(name="tool.call", payload={"cid": n, "tool": "query"}) for n in range(3)]
    for call in calls:
        poset.add(call)
    poset.add(Event(name="tool.result", payload={"cid": 1}), caused_by=[calls[1]])
    poset.add(Event(name="tool.result", payload={"cid": 2}), caused_by=[calls[0]])
    cid = placeholder("cid")
    roundtrip = Pattern.match("tool.call", cid=cid) >> Pattern.match("tool.result", cid=cid)
    matches = roundtrip.match_in(poset)
    assert [m.bindings["cid"] for m in matches] == [1]
    assert [e.name for e in matches[0].events] == ["tool.call", "tool.result"]


def test_basic_pattern_constructor_and_source_matcher():
    poset = Poset()
    poset.add(Event(name="Worker.done", source="w1"))
    poset.add(Event(name="Worker.done", source="w2"))
    pattern = BasicPattern("Worker.done", {}, source_matcher="w2")
    assert [m.events[0].source for m in pattern.match_in(poset)] == ["w2"]
    by_source = Pattern.match("Worker.done", source=placeholder("who"))
    assert [m.bindings["who"] for m in by_source.match_in(poset, bindings={"who": "w1"})] == ["w1"]


def test_every_operator_method_of_the_0_3_0_api_exists_and_composes():
    a, b = Pattern.match("A"), Pattern.match("B")
    composed = [
        a >> b,
        a & b,
        a | b,
        a.then(b),
        a.then_immediately(b),
        a.or_(b),
        a.union(b),
        a.where(lambda m: True),
        a.timed(None, max_duration=1.0),
        a.repeat(),
    ]
    poset = Poset()
    first = Event(name="A")
    poset.add(first)
    poset.add(Event(name="B"), caused_by=[first])
    for pattern in composed:
        assert isinstance(pattern, Pattern)
        assert isinstance(pattern.match_in(poset), list)


def test_seed_style_guards_over_the_event():
    poset = Poset()
    poset.add(Event(name="APIService.request", payload={"type": "query"}))
    poset.add(Event(name="APIService.request", payload={"type": "cache"}))
    queries = Pattern.match("APIService.request").where(lambda e: e.payload.get("type") == "query")
    assert [m.payload["type"] for m in queries.match_in(poset)] == ["query"]


def test_the_sequence_and_timed_classes_take_their_0_3_0_names():
    # 0.3.0 built these with first=/second= and after_time=/before_time=, and read
    # them back under the same names.
    from pyrapide.patterns import ImmediateSequencePattern, SequencePattern, TimedPattern

    send, receive = Pattern.match("Sender.send"), Pattern.match("Receiver.receive")
    for kind in (SequencePattern, ImmediateSequencePattern):
        made = kind(first=send, second=receive)
        assert (made.first, made.second) == (made.left, made.right) == (send, receive)
        assert made == kind(send, receive)
    timed = TimedPattern(send, None, max_duration=5, after_time=1.0, before_time=9.0)
    assert (timed.after_time, timed.before_time) == (timed.after, timed.before) == (1.0, 9.0)
    assert timed == send.timed(None, max_duration=5, after=1.0, before=9.0)
    computation = Computation()
    computation.record(Event(name="Sender.send", timestamp=0.5))
    computation.record(Event(name="Sender.send", timestamp=2.0))
    assert [m.events[0].timestamp for m in timed.match_in(computation)] == [2.0]
    with pytest.raises(TypeError, match=r"^timed\(\) takes after= or after_time=, not both$"):
        TimedPattern(send, None, after=1.0, after_time=2.0)

"""The views: summary, terminal text, DOT, Mermaid and JSON, and how they bound their size."""

from __future__ import annotations

import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide import Computation, Event, Poset, visualization
from pyrapide.analysis.visualization import summary, to_ascii, to_dot, to_json, to_mermaid
from tests.pyrapide.analysis.dags import build


@pytest.fixture
def small():
    """send -> receive, and a log event apart, as PyRapide 0.3.0 code would build it."""
    comp = Computation()
    send = Event(name="Sender.send", payload={"msg": "hello"}, source="sender", id="s1")
    receive = Event(name="Receiver.receive", payload={"msg": "hello"}, source="receiver", id="r1")
    log = Event(name="log", id="l1")
    comp.record(send)
    comp.record(receive, caused_by=[send])
    comp.record(log)
    return comp, send, receive, log


def chain(size: int) -> Computation:
    return build(size, [(i, i + 1) for i in range(size - 1)])[0]


def test_summary_gives_the_figures_and_top_names(small):
    comp = small[0]
    text = visualization.summary(comp)
    lines = text.splitlines()
    assert lines[0] == "Computation: 3 events, 1 causal link, depth 1, 2 roots, 2 leaves"
    assert "Event names (3 distinct):" in lines
    assert "  Sender.send: 1" in lines
    assert "  (no source): 1" in lines
    assert summary(Computation()) == (
        "Computation: 0 events, 0 causal links, depth 0, 0 roots, 0 leaves"
    )


def test_summary_ranks_names_by_count_and_bounds_the_list():
    comp = Computation()
    for i in range(15):
        comp.record(Event(name=f"kind{i}"))
    comp.record(Event(name="kind7"))
    lines = summary(comp).splitlines()
    assert lines[2] == "  kind7: 2"
    assert lines[3] == "  kind0: 1"
    assert "  ... 5 more" in lines


def test_summary_with_a_bound_says_what_it_covers():
    text = summary(chain(50), max_events=10)
    assert text.splitlines()[0].startswith("Computation: 10 events, 9 causal links, depth 9")
    assert "(showing 10 of 50 events (max_events=10))" in text


def test_to_ascii_shows_ids_names_sources_payloads_and_causes(small):
    text = to_ascii(small[0])
    assert text.splitlines() == [
        "Computation: 3 events",
        's1  Sender.send @sender  msg="hello"',
        '  r1  Receiver.receive @receiver  msg="hello"  <- s1',
        "l1  log",
    ]
    assert to_ascii(Computation()) == "(empty computation)"


def test_to_ascii_lines_fit_80_columns_whatever_the_events():
    comp = Computation()
    first = Event(
        name="x" * 200,
        payload={"blob": "y" * 1000, "n": list(range(300))},
        source="s" * 90,
        id="i" * 70,
    )
    comp.record(first)
    previous = [first]
    for depth in range(40):
        event = Event(
            name=f"step\n{depth}\t\u00e9\u4e2d",
            payload={"k\n": "v\x00" * 30},
            id=f"event-with-a-rather-long-identifier-{depth:04d}",
        )
        comp.record(event, caused_by=previous)
        previous = [*previous[-30:], event]
    for width in range(40, 130, 7):
        text = to_ascii(comp, max_width=width)
        assert all(len(line) <= width for line in text.splitlines())
        assert text.isascii()
    assert all(len(line) <= 80 for line in to_ascii(comp).splitlines())
    text = to_ascii(comp, max_width=120)
    # Long ids are shortened to prefixes that still tell the events apart.
    assert "\niiiiiiii..  xxxxx" in text
    assert "<- iiiiiiii.., event-with-a-rather-long-identifier-0000," in text
    # A long list of causes is cut short, saying how many were left out.
    assert text.splitlines()[-1].endswith("(+28 more)")
    assert "step\\n0\\t\\xe9\\u4e2d" in text


def test_to_ascii_says_when_it_truncated():
    text = to_ascii(chain(500), max_events=20)
    lines = text.splitlines()
    assert lines[0] == "Computation: 500 events (showing 20 of 500 events (max_events=20))"
    assert lines[-1] == "... 480 more events not shown (showing 20 of 500 events (max_events=20))"
    assert len(lines) == 22
    assert "showing" not in to_ascii(chain(20), max_events=20)
    assert len(to_ascii(chain(300), max_events=None).splitlines()) == 301
    # One event, one left out: in the singular.
    assert to_ascii(chain(1)).splitlines()[0] == "Computation: 1 event"
    last = to_ascii(chain(3), max_events=2).splitlines()[-1]
    assert last.startswith("... 1 more event not shown")


def test_bad_bounds_are_refused_with_the_name_of_the_argument(small):
    comp = small[0]
    with pytest.raises(ValueError, match=r"to_ascii\(\): max_width must be an integer"):
        to_ascii(comp, max_width=10)
    for view in (summary, to_ascii, to_dot, to_mermaid, to_json):
        with pytest.raises(ValueError, match=r"max_events must be a positive integer or None"):
            view(comp, max_events=0)


def test_one_event_or_id_given_as_highlight_is_refused_by_name(small):
    # highlight="s1" was taken letter by letter: nothing was highlighted, and nothing said so.
    comp, send, _receive, _log = small
    for view in (to_dot, to_mermaid):
        with pytest.raises(TypeError, match=re.escape(
            f"{view.__name__}(): highlight must be a collection of events or event ids, "
            "not a string (write highlight=['s1'])"
        )):
            view(comp, highlight="s1")
        with pytest.raises(TypeError, match=r"not one Event \(write highlight=\[event\]\)"):
            view(comp, highlight=send)  # type: ignore[arg-type]
    assert "fillcolor=red" in to_dot(comp, highlight=["s1"])
    assert "class n0 highlight" in to_mermaid(comp, highlight=["s1"])


def test_a_filter_or_highlight_that_is_no_collection_is_refused_by_name(small):
    # event_types=3 failed with "'int' object is not iterable", naming neither the view
    # nor the argument.
    comp = small[0]
    for view in (to_dot, to_mermaid):
        with pytest.raises(TypeError, match=re.escape(
            f"{view.__name__}(): event_types must be a collection of names, got 3"
        )):
            view(comp, event_types=3)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=re.escape(
            f"{view.__name__}(): highlight must be a collection of events or event ids, got 3"
        )):
            view(comp, highlight=3)  # type: ignore[arg-type]


def test_to_dot_draws_nodes_edges_clusters_and_highlights(small):
    comp, send, _receive, _log = small
    dot = visualization.to_dot(comp, highlight={send})
    assert dot.startswith("digraph computation {") and dot.endswith("}")
    assert 'subgraph cluster_0 {\n    label="sender";' in dot
    assert (
        'n0 [label="Sender.send\\nsender\\ns1", tooltip="msg=\\"hello\\"", '
        "fillcolor=red, fontcolor=white];" in dot
    )
    assert '  n2 [label="log\\nl1"];' in dot
    assert "  n0 -> n1;" in dot
    assert dot.count("->") == 1
    assert "truncated" not in dot


def test_to_dot_filters_by_name_and_time(small):
    comp, _send, _receive, _log = small
    only = to_dot(comp, event_types={"Sender.send", "log"})
    assert "Sender.send" in only and "log" in only and "Receiver" not in only
    assert "->" not in only
    timed = Computation()
    for stamp in range(10):
        timed.record(Event(name=f"t{stamp}", timestamp=float(stamp)))
    window = to_dot(timed, time_range=(3, 5))
    assert [f"t{i}" in window for i in range(10)] == [i in (3, 4, 5) for i in range(10)]
    with pytest.raises(ValueError, match=r"to_dot\(\): time_range must be a \(start, end\)"):
        to_dot(timed, time_range=("a", "b"))


def test_to_dot_and_mermaid_say_when_they_truncated():
    comp = chain(300)
    dot = to_dot(comp)
    assert dot.count(" -> ") == 199
    assert "// showing 200 of 300 events (max_events=200)" in dot
    assert 'truncated [shape=note, fillcolor=lightyellow, label="showing 200 of 300 events' in dot
    mermaid = to_mermaid(comp)
    assert mermaid.count(" --> ") == 99
    assert "%% showing 100 of 300 events (max_events=100)" in mermaid
    named = to_dot(comp, event_types={f"N{i}" for i in range(0, 300, 2)}, max_events=10)
    assert "showing 10 of 150 matching events" in named
    assert "showing" not in to_dot(comp, max_events=None)


def test_to_mermaid_draws_nodes_arrows_and_highlights(small):
    comp, _send, receive, _log = small
    text = visualization.to_mermaid(comp, highlight={receive})
    assert text.splitlines() == [
        "graph TD",
        '  n0["Sender.send<br/>sender<br/>s1"]',
        '  n1["Receiver.receive<br/>receiver<br/>r1"]',
        '  n2["log<br/>l1"]',
        "  n0 --> n1",
        "  classDef highlight fill:#f66,color:#fff",
        "  class n1 highlight",
    ]
    assert "Receiver" not in to_mermaid(comp, event_types={"log"})
    assert to_mermaid(comp, highlight={"r1"}) == text  # ids highlight too


def test_to_json_is_json_and_lists_events_edges_and_figures(small):
    comp, _send, _receive, _log = small
    data = visualization.to_json(comp)
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert [e["id"] for e in data["events"]] == ["s1", "r1", "l1"]
    assert data["events"][0]["payload"] == {"msg": "hello"}
    assert data["events"][0]["source"] == "sender"
    assert data["edges"] == [{"from": "s1", "to": "r1"}]
    assert data["metadata"] == {
        "event_count": 3,
        "edge_count": 1,
        "causal_depth": 1,
        "truncated": False,
        "total_events": 3,
    }


def test_to_json_writes_values_json_cannot_hold_as_text_and_bounds_itself():
    comp = Computation()
    loop: list = []
    loop.append(loop)
    comp.record(
        Event(
            name="odd",
            payload={"obj": object(), "nan": math.nan, "loop": loop, "tuple": (1, 2), 3: "int key"},
        )
    )
    data = to_json(comp)
    text = json.dumps(data, allow_nan=False)
    payload = json.loads(text)["events"][0]["payload"]
    assert payload["nan"] == "nan" and payload["tuple"] == [1, 2] and payload["3"] == "int key"
    assert payload["obj"].startswith("<object object")
    bounded = to_json(chain(30), max_events=5)
    assert len(bounded["events"]) == 5 and len(bounded["edges"]) == 4
    assert bounded["metadata"]["note"] == "showing 5 of 30 events (max_events=5)"
    assert bounded["metadata"]["truncated"] is True


def test_views_draw_events_after_their_causes_even_when_linked_backwards():
    comp, _ev = build(3, [(2, 0), (0, 1)], order=[0, 1, 2])
    lines = to_ascii(comp).splitlines()[1:]
    assert [line.split()[0] for line in lines] == ["n2", "n0", "n1"]
    assert lines[1] == "  n0  N0  <- n2"
    assert to_json(comp)["metadata"]["causal_depth"] == 2


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=90), st.text(max_size=30), st.text(min_size=1, max_size=60)),
        min_size=1,
        max_size=8,
        unique_by=lambda item: item[2],
    ),
    st.integers(min_value=40, max_value=140),
)
def test_to_ascii_never_exceeds_the_width(items, width):
    comp = Computation()
    recorded: list[Event] = []
    for name, value, event_id in items:
        event = Event(name=name or "x", payload={value: value * 3}, source=value, id=event_id)
        comp.record(event, caused_by=recorded[-5:])
        recorded.append(event)
    lines = to_ascii(comp, max_width=width).splitlines()
    assert all(len(line) <= width and line.isascii() for line in lines)
    assert len(lines) >= len(items) + 1


def test_a_filtered_drawing_links_events_ordered_through_events_left_out():
    # request -> work -> work -> response, and a request apart: with the work left
    # out, the drawing must still show that the first request led to the response.
    comp = Computation()
    request = Event(name="Api.request", id="q1")
    first = Event(name="Worker.work", id="w1")
    second = Event(name="Worker.work", id="w2")
    response = Event(name="Api.response", id="r1")
    apart = Event(name="Api.request", id="q2")
    comp.record(request)
    comp.record(first, caused_by=[request])
    comp.record(apart)
    comp.record(second, caused_by=[first, apart])
    comp.record(response, caused_by=[second, request])
    names = {"Api.request", "Api.response"}
    dot = to_dot(comp, event_types=names)
    assert "Worker" not in dot
    # q1 is a direct cause (solid); q2 only through the work left out (dashed).
    assert sorted(line.strip() for line in dot.splitlines() if "->" in line) == [
        "n0 -> n2;",
        "n1 -> n2 [style=dashed];",
    ]
    mermaid = to_mermaid(comp, event_types=names)
    assert sorted(line.strip() for line in mermaid.splitlines() if "->" in line) == [
        "n0 --> n2",
        "n1 -.-> n2",
    ]
    # Unfiltered, every link is drawn as it is, solid.
    assert "dashed" not in to_dot(comp) and "-.->" not in to_mermaid(comp)


def test_events_ordered_through_one_beyond_the_bound_are_not_drawn_independent():
    # A link added late may point back, from an event recorded after the bound to one
    # shown: "a" preceded "b" through "c", and with "c" beyond max_events the drawings
    # showed "a" and "b" unrelated.
    poset = Poset()
    a, b, c = Event("A", id="a"), Event("B", id="b"), Event("C", id="c")
    poset.add(a)
    poset.add(b)
    poset.add(c, caused_by=[a])
    poset.add_causal_link(c, b)
    assert "  n0 -> n1 [style=dashed];" in to_dot(poset, max_events=2).splitlines()
    assert "  n0 -.-> n1" in to_mermaid(poset, max_events=2).splitlines()
    # Filtered, the same: "c" is kept by the filter but beyond the bound.
    drawn = to_dot(poset, event_types=["A", "B", "C"], max_events=2)
    assert "  n0 -> n1 [style=dashed];" in drawn.splitlines()
    # Drawn whole, the links are the poset's own.
    whole = to_dot(poset, max_events=None)
    assert "style=dashed" not in whole

"""Code written for PyRapide 0.3.0's queries and visualization runs unchanged."""

from __future__ import annotations

import inspect
import json

import pytest

import pyrapide
from pyrapide import Computation, Event, queries, visualization

# The parameters PyRapide 0.3.0 documents, in order; ours may only add to the end.
PARAMETERS_030 = {
    queries.root_causes: ["computation", "target_event"],
    queries.backward_slice: ["computation", "target_event"],
    queries.forward_slice: ["computation", "source_event"],
    queries.impact_set: ["computation", "source_event"],
    queries.critical_path: ["computation"],
    queries.causal_distance: ["computation", "a", "b"],
    queries.common_ancestors: ["computation", "a", "b"],
    queries.parallel_events: ["computation"],
    queries.bottleneck_events: ["computation"],
    queries.event_frequency: ["computation"],
    queries.causal_density: ["computation"],
    visualization.summary: ["computation"],
    visualization.to_ascii: ["computation", "max_width"],
    visualization.to_dot: ["computation", "highlight", "event_types", "time_range", "max_events"],
    visualization.to_mermaid: ["computation", "highlight", "event_types", "max_events"],
    visualization.to_json: ["computation"],
}


@pytest.mark.parametrize("function", list(PARAMETERS_030), ids=lambda f: f.__name__)
def test_parameters_keep_the_030_names_and_order(function):
    parameters = inspect.signature(function).parameters
    names = list(parameters)
    documented = PARAMETERS_030[function]
    assert names[: len(documented)] == documented
    # What we add comes after and has a default, so 0.3.0 calls still bind.
    assert all(
        parameters[name].default is not inspect.Parameter.empty for name in names[len(documented) :]
    )


def test_every_view_takes_a_bound():
    for view in (
        visualization.summary,
        visualization.to_ascii,
        visualization.to_dot,
        visualization.to_mermaid,
        visualization.to_json,
    ):
        assert "max_events" in inspect.signature(view).parameters


def test_a_030_style_session_runs_unchanged():
    """An incident investigation as a PyRapide 0.3.0 user writes it, keywords and all."""
    comp = Computation()
    call = Event(name="agent.tool.call", payload={"tool": "search"}, source="agent")
    error = Event(name="agent.tool.error", payload={"code": 3}, source="tool")
    retry = Event(name="agent.tool.call", payload={"tool": "search"}, source="agent")
    done = Event(name="agent.done", source="agent")
    comp.record(call)
    comp.record(error, caused_by=[call])
    comp.record(retry, caused_by=[error])
    comp.record(done, caused_by=[retry])

    for err in comp.events_by_name("agent.tool.error"):
        roots = queries.root_causes(comp, err)
        assert [r.name for r in roots] == ["agent.tool.call"]
    assert len(queries.backward_slice(comp, target_event=done).events) == 4
    assert len(queries.forward_slice(computation=comp, source_event=error).events) == 3
    assert queries.impact_set(comp, error) == frozenset({retry, done})
    assert queries.causal_distance(comp, a=call, b=done) == 3
    assert queries.critical_path(comp) == [call, error, retry, done]
    assert queries.bottleneck_events(comp) == [call, error, retry, done]
    assert queries.parallel_events(comp) == []
    assert queries.event_frequency(comp)["agent.tool.call"] == 2
    assert queries.causal_density(comp) == pytest.approx(3 / 6)
    assert queries.common_ancestors(comp, retry, done) == frozenset({call, error})

    assert visualization.summary(comp).startswith("Computation: 4 events")
    assert "agent.done" in visualization.to_ascii(comp, max_width=120)
    assert "digraph" in visualization.to_dot(
        comp, highlight={error}, event_types={"agent.tool.error"}, time_range=(0, 1e12)
    )
    assert "graph TD" in visualization.to_mermaid(comp, highlight={error}, max_events=100)
    data = visualization.to_json(comp)
    assert isinstance(data, dict)
    assert len(json.loads(json.dumps(data))["events"]) == 4
    assert pyrapide.queries is queries and pyrapide.visualization is visualization

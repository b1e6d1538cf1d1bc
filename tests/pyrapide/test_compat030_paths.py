"""Every module path of PyRapide 0.3.0's public API imports here, with the names it offered."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import types

import pytest

# PyRapide 0.3.0's module paths and their public names (its MCP, LLM, prediction
# and agent-framework adapters excepted).
PYRAPIDE_030_MODULES: dict[str, list[str]] = {
    "pyrapide.analysis": [
        "backward_slice", "bottleneck_events", "causal_density", "causal_distance",
        "common_ancestors", "critical_path", "event_frequency", "forward_slice", "impact_set",
        "parallel_events", "root_causes", "summary", "to_ascii", "to_dot", "to_json",
        "to_mermaid",
    ],
    "pyrapide.analysis.queries": [
        "backward_slice", "bottleneck_events", "causal_density", "causal_distance",
        "common_ancestors", "critical_path", "event_frequency", "forward_slice", "impact_set",
        "parallel_events", "root_causes",
    ],
    "pyrapide.analysis.visualization": ["summary", "to_ascii", "to_dot", "to_json", "to_mermaid"],
    "pyrapide.architecture": [
        "AgentConnection", "ArchitectureMap", "BasicConnection", "Binding",
        "CommunicationContext", "CommunicationScope", "Connection", "ConnectionManager",
        "PipeConnection", "agent", "architecture", "bind", "connect", "pipe",
    ],
    "pyrapide.architecture.architecture": ["architecture"],
    "pyrapide.architecture.bindings": ["Binding", "bind"],
    "pyrapide.architecture.communication": ["CommunicationContext", "CommunicationScope"],
    "pyrapide.architecture.connections": [
        "AgentConnection", "BasicConnection", "Connection", "ConnectionManager",
        "PipeConnection", "agent", "connect", "pipe",
    ],
    "pyrapide.architecture.maps": ["ArchitectureMap"],
    "pyrapide.constraints": [
        "AlphabetFilter", "AsyncConstraintMonitor", "Constraint", "ConstraintMonitor",
        "ConstraintViolation", "MustMatch", "Never", "PatternFilter", "check_conformance",
        "constraint", "must_match", "never",
    ],
    "pyrapide.constraints.conformance": ["check_conformance"],
    "pyrapide.constraints.filters": ["AlphabetFilter", "PatternFilter"],
    "pyrapide.constraints.monitor": ["AsyncConstraintMonitor", "ConstraintMonitor"],
    "pyrapide.constraints.pattern_constraints": [
        "Constraint", "ConstraintViolation", "MustMatch", "MustMatchConstraint", "Never",
        "NeverConstraint", "constraint", "must_match", "never",
    ],
    "pyrapide.core": [
        "CausalCycleError", "Clock", "ClockManager", "Computation", "Event", "Poset",
        "RegularClock", "SlavedClock", "SynchronousClock",
    ],
    "pyrapide.core.clock": [
        "Clock", "ClockManager", "RegularClock", "SlavedClock", "SynchronousClock",
        "TimestampedEvent",
    ],
    "pyrapide.core.computation": ["Computation"],
    "pyrapide.core.event": ["Event"],
    "pyrapide.core.exceptions": ["CausalCycleError"],
    "pyrapide.core.poset": ["Poset"],
    "pyrapide.executable": [
        "ConformanceError", "ModuleContext", "ModuleStateError", "ProcessManager",
        "ReactiveProcess", "WhenRegistry", "get_context", "module", "when",
    ],
    "pyrapide.executable.exceptions": ["ConformanceError", "ModuleStateError"],
    "pyrapide.executable.module": [
        "CREATED", "FINISHED", "FINISHING", "ModuleContext", "RUNNING", "STARTING",
        "get_context", "module",
    ],
    "pyrapide.executable.process": ["ProcessManager"],
    "pyrapide.executable.reactive": ["ReactiveProcess", "WhenRegistry", "when"],
    "pyrapide.patterns": [
        "BasicPattern", "DisjunctionPattern", "GuardedPattern", "ImmediateSequencePattern",
        "IndependencePattern", "IterationPattern", "JoinPattern", "Pattern", "PatternLibrary",
        "PatternMatch", "Placeholder", "SequencePattern", "TimedPattern", "UnionPattern",
        "pattern_macro", "placeholder",
    ],
    "pyrapide.patterns.base": [
        "BasicPattern", "GuardedPattern", "Pattern", "PatternMatch", "Placeholder", "placeholder",
    ],
    "pyrapide.patterns.composite": [
        "DisjunctionPattern", "ImmediateSequencePattern", "IndependencePattern",
        "IterationPattern", "JoinPattern", "SequencePattern", "UnionPattern",
    ],
    "pyrapide.patterns.macros": ["PatternLibrary", "pattern_macro"],
    "pyrapide.patterns.timing": ["TimedPattern"],
    "pyrapide.runtime": [
        "Engine", "EventScheduler", "EventSource", "InMemoryEventSource", "StreamProcessor",
        "deserialize_computation", "deserialize_event", "serialize_computation",
        "serialize_event",
    ],
    "pyrapide.runtime.engine": ["Engine"],
    "pyrapide.runtime.scheduler": ["EventScheduler"],
    "pyrapide.runtime.serialization": [
        "deserialize_computation", "deserialize_event", "serialize_computation",
        "serialize_event",
    ],
    "pyrapide.runtime.streaming": ["EventSource", "InMemoryEventSource", "StreamProcessor"],
    "pyrapide.types": [
        "action", "behavior", "conforms_to", "interface", "is_subtype", "provides", "requires",
    ],
    "pyrapide.types.actions": ["F", "action", "behavior", "provides", "requires"],
    "pyrapide.types.function_types": ["FunctionSignature", "is_function_subtype"],
    "pyrapide.types.interface": ["interface"],
    "pyrapide.types.subtyping": ["conforms_to", "is_subtype"],
    "pyrapide.utils": [],
    "pyrapide.utils.ids": ["generate_event_id"],
}

# In a fresh interpreter, each path imported in the form 0.3.0 code uses
# (``from PATH import NAME, ...``), then every name checked to be a real object.
_PROBE = """
import importlib, json, sys
modules = json.loads(sys.argv[1])
problems = []
for path, names in modules.items():
    try:
        exec(f"from {path} import {', '.join(names)}" if names else f"import {path}", {})
        module = importlib.import_module(path)
    except Exception as error:
        problems.append(f"{path}: {type(error).__name__}: {error}")
        continue
    for name in names:
        if getattr(module, name, None) is None:
            problems.append(f"{path}.{name} is missing")
print(json.dumps(problems))
"""


def test_every_030_module_path_imports_with_its_names() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(PYRAPIDE_030_MODULES)],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(result.stdout) == []


# In a fresh interpreter, each path imported, then what dir() lists of it before any
# of its names is used: what help() and tab completion read.
_LISTING_PROBE = """
import importlib, json, sys
modules = json.loads(sys.argv[1])
unlisted = {}
for path, names in modules.items():
    listed = dir(importlib.import_module(path))
    missing = [name for name in names if name not in listed]
    if missing:
        unlisted[path] = missing
print(json.dumps(unlisted))
"""


def test_every_030_module_path_lists_its_names_before_they_are_used() -> None:
    # An alias module's dir() was empty (and a module of this package's left out the
    # 0.3.0 names it lacks), so help() and tab completion showed nothing of them.
    result = subprocess.run(
        [sys.executable, "-c", _LISTING_PROBE, json.dumps(PYRAPIDE_030_MODULES)],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(result.stdout) == {}


def test_alias_names_are_the_objects_they_alias() -> None:
    from pyrapide.architecture.architecture import architecture
    from pyrapide.constraints.pattern_constraints import MustMatchConstraint, NeverConstraint
    from pyrapide.executable import ConformanceError, module, when
    from pyrapide.executable.module import CREATED, RUNNING
    from pyrapide.patterns.composite import UnionPattern

    import pyrapide
    from pyrapide.core.computation import Computation

    assert Computation is pyrapide.Computation
    assert architecture is importlib.import_module("pyrapide.architecture.declaration").architecture
    assert MustMatchConstraint is pyrapide.MustMatch
    assert NeverConstraint is pyrapide.Never
    assert UnionPattern is importlib.import_module("pyrapide.patterns").DisjunctionPattern
    assert when is pyrapide.when
    assert CREATED == "CREATED" and RUNNING == "RUNNING"
    assert issubclass(importlib.import_module("pyrapide.runtime").ModuleDefinitionError,
                      ConformanceError)
    assert callable(module)


def test_a_module_path_that_is_also_a_decorator_still_decorates() -> None:
    from pyrapide import Pattern, action, connect, interface

    # Importing these 0.3.0 submodules makes them the package attributes named like
    # the decorators they hold; called, they decorate.
    decorate_architecture = importlib.import_module("pyrapide.architecture.architecture")
    importlib.import_module("pyrapide.executable.module")
    from pyrapide.executable import module

    assert isinstance(module, types.ModuleType)

    @interface
    class Ping:
        @action
        async def sent(self) -> None: ...

    @decorate_architecture
    class Pinging:
        ping = Ping
        echo = Ping
        connections = [connect(Pattern.match("Ping.sent"), "echo")]

    @module(implements=Ping)
    class Pinger:
        pass

    assert list(Pinging.components) == ["ping", "echo"]
    assert Pinging.bind(ping=Pinger, echo=Pinger) is not None


def test_star_import_of_an_030_path_gives_its_names() -> None:
    namespace: dict[str, object] = {}
    exec("from pyrapide.executable import *", namespace)
    assert set(PYRAPIDE_030_MODULES["pyrapide.executable"]) <= set(namespace)


def test_an_unknown_name_of_an_030_path_is_an_attribute_error() -> None:
    import pyrapide.executable.process

    with pytest.raises(AttributeError, match=r"'pyrapide.executable.process' has no attribute"):
        pyrapide.executable.process.NoSuchThing  # noqa: B018


def test_importing_pyrapide_imports_none_of_the_aliased_modules() -> None:
    probe = "import json, sys, pyrapide; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = [name for name in json.loads(result.stdout) if name.startswith("pyrapide.")]
    assert loaded == ["pyrapide.__about__", "pyrapide._lazy", "pyrapide.compat030"]


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "from pyrapide import MCPEventAdapter",
            "pyrapide.MCPEventAdapter (of pyrapide.integrations): "
            "PyRapide 0.3.0's MCP and LLM adapters are not offered",
        ),
        (
            "from pyrapide.integrations.mcp import MockMCPClient",
            "pyrapide.integrations: PyRapide 0.3.0's MCP and LLM adapters are not offered",
        ),
        (
            "from pyrapide.agent_templates.langgraph import LangGraphAdapter",
            "pyrapide.agent_templates: PyRapide 0.3.0's agent-framework adapters are not offered",
        ),
        (
            "from pyrapide.analysis import CausalPredictor",
            "pyrapide.analysis.CausalPredictor (of pyrapide.analysis.prediction): "
            "PyRapide 0.3.0's prediction and anomaly detection are not offered",
        ),
        (
            "import pyrapide.analysis.prediction",
            "pyrapide.analysis.prediction: PyRapide 0.3.0's prediction",
        ),
    ],
)
def test_an_030_adapter_is_refused_saying_it_is_not_offered(statement: str, message: str) -> None:
    # Not "cannot import name", which reads like a typing mistake.
    with pytest.raises(ModuleNotFoundError, match=re.escape(message)) as refused:
        exec(statement, {})
    assert "see its README, 'Coming from PyRapide 0.3.0'" in str(refused.value)


def test_only_names_missing_here_are_refused() -> None:
    import pyrapide
    from pyrapide.compat030 import NOT_OFFERED

    for _, offered_by in NOT_OFFERED.values():
        for module_name, names in offered_by.items():
            module = importlib.import_module(module_name)
            assert set(names).isdisjoint(dir(module)), module_name
    # Any other unknown name is an AttributeError still, as hasattr expects.
    assert not hasattr(pyrapide, "NoSuchThing")
    assert not hasattr(importlib.import_module("pyrapide.analysis"), "NoSuchThing")

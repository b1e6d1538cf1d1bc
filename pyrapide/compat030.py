"""PyRapide 0.3.0's module paths and public names, as aliases of where they live here.

Code written for PyRapide 0.3.0 imports from module paths such as
``pyrapide.core.computation`` or ``pyrapide.executable.module``. Every such
path, with the names it offered, is listed once in ``MODULES`` below, which
says where each name lives in this package. An import finder (installed when
``pyrapide`` is imported) serves the table:

- a path that does not exist here becomes an alias module made on first
  import, whose names are looked up on first use;
- a path that does exist here is imported as usual, and the names it lacks
  are looked up on first use as well.

Nothing is imported until it is used, so importing ``pyrapide`` stays cheap.

0.3.0's MCP, LLM, prediction and agent-framework adapters are not offered:
importing one of their paths or names (``NOT_OFFERED``) raises an ImportError
that says so, rather than one that reads like a typing mistake.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from importlib.abc import Loader
else:
    # importlib.abc imports importlib.resources (some 10 ms): the import system asks a
    # loader only for its methods, so the base class is for the type checker alone.
    Loader = object

__all__ = ["MODULES", "NOT_OFFERED", "install", "refusing"]

_CORE: Final = "pyrapide.core"
_PATTERNS: Final = "pyrapide.patterns"
_CONSTRAINTS: Final = "pyrapide.constraints"
_TYPES: Final = "pyrapide.types"
_ARCH: Final = "pyrapide.architecture"
_RUNTIME: Final = "pyrapide.runtime"
_STANDALONE: Final = "pyrapide.architecture.standalone"
_PROCESSES: Final = "pyrapide.runtime.processes"
_INTERCHANGE: Final = "pyrapide.core.interchange"
_QUERIES: Final = "pyrapide.analysis.queries"
_VIEWS: Final = "pyrapide.analysis.visualization"


def _same(where: str, *names: str) -> dict[str, str]:
    """Names that live under the same name in module `where`."""
    return dict.fromkeys(names, where)


_CONNECTION_KINDS: Final = _same(
    _STANDALONE, "AgentConnection", "BasicConnection", "ConnectionManager", "PipeConnection"
)
_FACTORIES: Final = _same(_ARCH, "agent", "connect", "pipe")
# Not the package's attribute: importing pyrapide.architecture.architecture replaces it.
_DECORATOR: Final = "pyrapide.architecture.declaration:architecture"
_PATTERN_NAMES: Final = _same(
    _PATTERNS,
    "BasicPattern", "GuardedPattern", "Pattern", "PatternMatch", "Placeholder", "placeholder",
)
_COMPOSITES: Final = {
    **_same(
        _PATTERNS,
        "DisjunctionPattern", "ImmediateSequencePattern", "IndependencePattern",
        "IterationPattern", "JoinPattern", "SequencePattern",
    ),
    # One operator here: `P.union(Q)` and `P.or_(Q)` both keep each side's bindings.
    "UnionPattern": f"{_PATTERNS}:DisjunctionPattern",
}
_RULES: Final = _same(
    _CONSTRAINTS,
    "Constraint", "ConstraintViolation", "MustMatch", "Never", "constraint", "must_match", "never",
)
_QUERY_NAMES: Final = _same(
    _QUERIES,
    "backward_slice", "bottleneck_events", "causal_density", "causal_distance",
    "common_ancestors", "critical_path", "event_frequency", "forward_slice", "impact_set",
    "parallel_events", "root_causes",
)
_VIEW_NAMES: Final = _same(_VIEWS, "summary", "to_ascii", "to_dot", "to_json", "to_mermaid")
_SERIALIZATION: Final = _same(
    _INTERCHANGE,
    "deserialize_computation", "deserialize_event", "serialize_computation", "serialize_event",
)
_LIFECYCLE: Final = {state: f"{_PROCESSES}:ModuleState.{state}" for state in (
    "CREATED", "STARTING", "RUNNING", "FINISHING", "FINISHED"
)}
_EXECUTABLE: Final = {
    # 0.3.0's ModuleContext is the context of a module driven by hand.
    "ModuleContext": f"{_PROCESSES}:LocalContext",
    "get_context": f"{_PROCESSES}:local_context",
    "module": f"{_RUNTIME}.modules:module",
    "when": _RUNTIME,
}

MODULES: Final[dict[str, dict[str, str]]] = {
    # -- core
    "pyrapide.core": _same(
        _CORE,
        "CausalCycleError", "Clock", "ClockManager", "Computation", "Event", "Poset",
        "RegularClock", "SlavedClock", "SynchronousClock",
    ),
    "pyrapide.core.clock": _same(
        _CORE, "Clock", "ClockManager", "RegularClock", "SlavedClock", "SynchronousClock",
        "TimestampedEvent",
    ),
    "pyrapide.core.computation": _same(_CORE, "Computation"),
    "pyrapide.core.event": _same(_CORE, "Event"),
    "pyrapide.core.exceptions": _same(_CORE, "CausalCycleError"),
    "pyrapide.core.poset": _same(_CORE, "Poset"),
    "pyrapide.utils": {},
    "pyrapide.utils.ids": _same(_INTERCHANGE, "generate_event_id"),
    # -- types
    "pyrapide.types": _same(
        _TYPES, "action", "behavior", "conforms_to", "interface", "is_subtype", "provides",
        "requires",
    ),
    "pyrapide.types.actions": {
        **_same(_TYPES, "action", "behavior", "provides", "requires"),
        "F": "pyrapide.types.actions",
    },
    "pyrapide.types.function_types": _same(
        "pyrapide.types.signatures", "FunctionSignature", "is_function_subtype"
    ),
    "pyrapide.types.interface": _same(_TYPES, "interface"),
    "pyrapide.types.subtyping": _same(_TYPES, "conforms_to", "is_subtype"),
    # -- patterns
    "pyrapide.patterns": {
        **_PATTERN_NAMES,
        **_COMPOSITES,
        "TimedPattern": _PATTERNS,
        **_same("pyrapide.patterns.macros", "PatternLibrary", "pattern_macro"),
    },
    "pyrapide.patterns.base": _PATTERN_NAMES,
    "pyrapide.patterns.composite": _COMPOSITES,
    "pyrapide.patterns.macros": _same(
        "pyrapide.patterns.macros", "PatternLibrary", "pattern_macro"
    ),
    "pyrapide.patterns.timing": _same(_PATTERNS, "TimedPattern"),
    # -- constraints
    "pyrapide.constraints": {
        **_RULES,
        "ConstraintMonitor": _CONSTRAINTS,
        **_same("pyrapide.constraints.filters", "AlphabetFilter", "PatternFilter"),
        **_same("pyrapide.constraints.checking", "AsyncConstraintMonitor", "check_conformance"),
    },
    "pyrapide.constraints.conformance": _same("pyrapide.constraints.checking", "check_conformance"),
    "pyrapide.constraints.filters": _same(
        "pyrapide.constraints.filters", "AlphabetFilter", "PatternFilter"
    ),
    "pyrapide.constraints.monitor": {
        "ConstraintMonitor": _CONSTRAINTS,
        "AsyncConstraintMonitor": "pyrapide.constraints.checking",
    },
    "pyrapide.constraints.pattern_constraints": {
        **_RULES,
        "MustMatchConstraint": f"{_CONSTRAINTS}:MustMatch",
        "NeverConstraint": f"{_CONSTRAINTS}:Never",
    },
    # -- architecture
    "pyrapide.architecture": {
        **_CONNECTION_KINDS,
        **_FACTORIES,
        "architecture": _DECORATOR,
        "Connection": _ARCH,
        "ArchitectureMap": "pyrapide.architecture.maps",
        **_same(_STANDALONE, "Binding", "bind"),
        **_same("pyrapide.architecture.scopes", "CommunicationContext", "CommunicationScope"),
    },
    "pyrapide.architecture.architecture": {"architecture": _DECORATOR},
    "pyrapide.architecture.bindings": _same(_STANDALONE, "Binding", "bind"),
    "pyrapide.architecture.communication": _same(
        "pyrapide.architecture.scopes", "CommunicationContext", "CommunicationScope"
    ),
    "pyrapide.architecture.connections": {
        **_CONNECTION_KINDS,
        **_FACTORIES,
        "Connection": _ARCH,
    },
    "pyrapide.architecture.maps": _same("pyrapide.architecture.maps", "ArchitectureMap"),
    # -- executable: modules, handlers and processes (the runtime here)
    "pyrapide.executable": {
        **_EXECUTABLE,
        "ConformanceError": f"{_RUNTIME}:ModuleDefinitionError",
        "ModuleStateError": _PROCESSES,
        **_same(_PROCESSES, "ProcessManager", "ReactiveProcess", "WhenRegistry"),
    },
    "pyrapide.executable.exceptions": {
        "ConformanceError": f"{_RUNTIME}:ModuleDefinitionError",
        "ModuleStateError": _PROCESSES,
    },
    "pyrapide.executable.module": {
        **_LIFECYCLE,
        "ModuleContext": _EXECUTABLE["ModuleContext"],
        "get_context": _EXECUTABLE["get_context"],
        "module": _EXECUTABLE["module"],
    },
    "pyrapide.executable.process": _same(_PROCESSES, "ProcessManager"),
    "pyrapide.executable.reactive": {
        **_same(_PROCESSES, "ReactiveProcess", "WhenRegistry"),
        "when": _RUNTIME,
    },
    # -- runtime
    "pyrapide.runtime": {
        **_same(_RUNTIME, "Engine", "InMemoryEventSource", "StreamProcessor"),
        "EventScheduler": "pyrapide.runtime.event_queue",
        "EventSource": "pyrapide.runtime.streaming",
        **_SERIALIZATION,
    },
    "pyrapide.runtime.engine": _same(_RUNTIME, "Engine"),
    "pyrapide.runtime.scheduler": _same("pyrapide.runtime.event_queue", "EventScheduler"),
    "pyrapide.runtime.serialization": _SERIALIZATION,
    "pyrapide.runtime.streaming": {
        **_same(_RUNTIME, "InMemoryEventSource", "StreamProcessor"),
        "EventSource": "pyrapide.runtime.streaming",
    },
    # -- analysis
    "pyrapide.analysis": {**_QUERY_NAMES, **_VIEW_NAMES},
    "pyrapide.analysis.queries": _QUERY_NAMES,
    "pyrapide.analysis.visualization": _VIEW_NAMES,
}
"""0.3.0 module path -> {public name -> where it lives: "module" or "module:attribute.path"}."""

NOT_OFFERED: Final[dict[str, tuple[str, dict[str, tuple[str, ...]]]]] = {
    # 0.3.0 package -> (what it held, {module that offered names of it -> the names})
    "pyrapide.integrations": (
        "MCP and LLM adapters",
        {
            "pyrapide": (
                "LLMEventAdapter", "LLMEventTypes", "MCPEventAdapter", "MCPEventTypes",
                "MCPPatterns",
            ),
        },
    ),
    "pyrapide.agent_templates": ("agent-framework adapters", {}),
    "pyrapide.analysis.prediction": (
        "prediction and anomaly detection",
        {
            "pyrapide": ("AnomalyDetector", "CausalPredictor"),
            "pyrapide.analysis": ("Anomaly", "AnomalyDetector", "CausalPredictor", "Prediction"),
        },
    ),
}
"""The parts of 0.3.0 not offered here: each package (with every module under it),
what it held, and the names other modules offered from it."""

_REFUSED_NAMES: Final = {
    (module, name): package
    for package, (_, offered_by) in NOT_OFFERED.items()
    for module, names in offered_by.items()
    for name in names
}


def _not_offered(package: str, what: str) -> ModuleNotFoundError:
    """The error for importing `what`, a module or name of the 0.3.0 part `package`."""
    where = what if what == package else f"{what} (of {package})"
    return ModuleNotFoundError(
        f"{where}: PyRapide 0.3.0's {NOT_OFFERED[package][0]} are not offered by this "
        "PyRapide (see its README, 'Coming from PyRapide 0.3.0')",
        name=package,
    )


def refusing(module_name: str, getattr_: Callable[[str], Any]) -> Callable[[str], Any]:
    """A module ``__getattr__``: ``getattr_``, except that a name 0.3.0 offered from
    a part not offered here raises ModuleNotFoundError saying so (an ImportError,
    which ``from module import name`` passes on as it is; an AttributeError would
    become "cannot import name")."""

    def __getattr__(name: str) -> Any:
        package = _REFUSED_NAMES.get((module_name, name))
        if package is not None:
            raise _not_offered(package, f"{module_name}.{name}")
        return getattr_(name)

    return __getattr__


_MISSING: Final = object()


def _resolve(target: str, name: str) -> Any:
    """The object `target` ("module" or "module:attr.path") names for `name`."""
    module_name, _, path = target.partition(":")
    value: Any = importlib.import_module(module_name)
    for part in (path or name).split("."):
        value = getattr(value, part)
    return value


def _lookup(module: types.ModuleType, name: str, fallback: Any) -> Any:
    """Module ``__getattr__``: a name of the table, resolved once and kept in the module."""
    target = MODULES.get(module.__name__, {}).get(name)
    if target is None or (fallback is not None and target == module.__name__):
        # A name the module itself loads on first use (pyrapide.runtime's) is its own.
        if fallback is not None:
            return fallback(name)
        raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
    value = _resolve(target, name)
    setattr(module, name, value)
    return value


def _serve_names(module: types.ModuleType) -> None:
    """Make the table's names of `module` resolve on first use, and list them in ``__all__``.

    A module of this package without ``__all__`` keeps none, so that a star
    import of it still gives all its public names.
    """
    names = MODULES[module.__name__]
    own = vars(module)
    fallback = own.get("__getattr__")
    own["__getattr__"] = refusing(module.__name__, lambda name: _lookup(module, name, fallback))
    own["__dir__"] = _listing(module, names, own.get("__dir__"))
    if "__all__" in own:
        own["__all__"] = [*own["__all__"], *(n for n in names if n not in own["__all__"])]
    elif isinstance(module, _AliasModule):
        own["__all__"] = sorted(names)


def _listing(
    module: types.ModuleType, names: dict[str, str], listed: Callable[[], list[str]] | None
) -> Callable[[], list[str]]:
    """A module ``__dir__`` naming what ``module`` holds (what ``listed``, its own
    ``__dir__``, lists, if it has one) and ``names``, looked up on first use: what
    ``help()`` and tab completion show, which see no name not yet looked up."""

    def __dir__() -> list[str]:
        held = listed() if listed is not None else list(vars(module))
        return sorted({*held, *names})

    return __dir__


class _AliasModule(types.ModuleType):
    """A module made for a 0.3.0 path that does not exist here.

    Called, it calls its namesake (``pyrapide.architecture.architecture`` is
    the ``@architecture`` decorator): importing such a path makes Python set it
    as an attribute of its package, where the decorator of that name was.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        namesake = getattr(self, self.__name__.rpartition(".")[2], _MISSING)
        if namesake is _MISSING or not callable(namesake):
            raise TypeError(f"module {self.__name__!r} is not callable")
        return namesake(*args, **kwargs)


class _AliasLoader(Loader):
    """Makes the alias module of a 0.3.0 path."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _AliasModule(spec.name, f"PyRapide 0.3.0's {spec.name}, served by pyrapide.")

    def exec_module(self, module: types.ModuleType) -> None:
        _serve_names(module)


class _ServingLoader(Loader):
    """Runs a module of this package as usual, then serves the 0.3.0 names it lacks."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return self._loader.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: types.ModuleType) -> None:
        self._loader.exec_module(module)
        _serve_names(module)

    def __getattr__(self, name: str) -> Any:
        # get_source, get_resource_reader, ...: what tools ask of the real loader.
        return getattr(self._loader, name)


class _AliasFinder:
    """Finds the modules of the table: this package's own, or an alias module."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        for package in NOT_OFFERED:
            if fullname == package or fullname.startswith(f"{package}."):
                raise _not_offered(package, fullname)
        if fullname not in MODULES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _ServingLoader(spec.loader)
            return spec
        is_package = any(other.startswith(f"{fullname}.") for other in MODULES)
        alias = importlib.machinery.ModuleSpec(fullname, _AliasLoader(), is_package=is_package)
        if is_package:
            alias.submodule_search_locations = []
        return alias


_FINDER: Final = _AliasFinder()


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once), so the table's paths import."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)

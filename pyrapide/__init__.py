"""PyRapide: causal event-driven architectures, after Stanford's RAPIDE.

Every public name is importable from here (``from pyrapide import Pattern``).
Names are loaded on first use, so ``import pyrapide`` stays cheap and a
program that only needs posets never imports the runtime.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyrapide import compat030
from pyrapide.__about__ import __version__
from pyrapide._lazy import lazy_exports

# PyRapide 0.3.0's module paths (pyrapide.executable.module, ...) import from here on.
compat030.install()

# Public name -> the subpackage that defines it.
_EXPORTS: dict[str, str] = {
    # core
    "Event": "pyrapide.core",
    "EventSet": "pyrapide.core",
    "Poset": "pyrapide.core",
    "Computation": "pyrapide.core",
    "CausalCycleError": "pyrapide.core",
    "ComputationFileError": "pyrapide.core",
    "Clock": "pyrapide.core",
    "SynchronousClock": "pyrapide.core",
    "RegularClock": "pyrapide.core",
    "SlavedClock": "pyrapide.core",
    "ClockManager": "pyrapide.core",
    # patterns
    "Pattern": "pyrapide.patterns",
    "BasicPattern": "pyrapide.patterns",
    "PatternMatch": "pyrapide.patterns",
    "Placeholder": "pyrapide.patterns",
    "placeholder": "pyrapide.patterns",
    "parse_pattern": "pyrapide.patterns",
    "PatternSyntaxError": "pyrapide.patterns",
    # constraints
    "Constraint": "pyrapide.constraints",
    "ConstraintViolation": "pyrapide.constraints",
    "ConstraintMonitor": "pyrapide.constraints",
    "MustMatch": "pyrapide.constraints",
    "Never": "pyrapide.constraints",
    "must_match": "pyrapide.constraints",
    "never": "pyrapide.constraints",
    "every": "pyrapide.constraints",
    "constraint": "pyrapide.constraints",
    # types
    "interface": "pyrapide.types",
    "action": "pyrapide.types",
    "provides": "pyrapide.types",
    "requires": "pyrapide.types",
    "behavior": "pyrapide.types",
    "is_subtype": "pyrapide.types",
    "conforms_to": "pyrapide.types",
    "conformance_problems": "pyrapide.types",
    "interface_actions": "pyrapide.types",
    "interface_name": "pyrapide.types",
    "ActionSpec": "pyrapide.types",
    "ActionParam": "pyrapide.types",
    # architecture
    "architecture": "pyrapide.architecture",
    "connect": "pyrapide.architecture",
    "pipe": "pyrapide.architecture",
    "agent": "pyrapide.architecture",
    "ArchitectureError": "pyrapide.architecture",
    "ArchitectureDescription": "pyrapide.architecture",
    "Connection": "pyrapide.architecture",
    "ConnectionKind": "pyrapide.architecture",
    "ArchitectureMap": "pyrapide.architecture.maps",
    "MapRule": "pyrapide.architecture.maps",
    "MapError": "pyrapide.architecture.maps",
    # runtime
    "module": "pyrapide.runtime",
    "when": "pyrapide.runtime",
    "get_context": "pyrapide.runtime",
    "System": "pyrapide.runtime",
    "Dispatch": "pyrapide.runtime",
    "Engine": "pyrapide.runtime",
    "StreamProcessor": "pyrapide.runtime",
    "InMemoryEventSource": "pyrapide.runtime",
    "RunState": "pyrapide.runtime",
}

# Public names that are whole modules, as in PyRapide 0.3.0.
_MODULE_EXPORTS: dict[str, str] = {
    "queries": "pyrapide.analysis.queries",
    "visualization": "pyrapide.analysis.visualization",
}

__all__ = ["__version__", *_EXPORTS, *_MODULE_EXPORTS]


_exported, __dir__ = lazy_exports(__name__, _EXPORTS, _MODULE_EXPORTS)
__getattr__ = compat030.refusing(__name__, _exported)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    # "X as X" re-exports each name, so `mypy --strict` accepts `from pyrapide import X`;
    # isort would split every aliased name into an import of its own.
    # isort: off
    from pyrapide.analysis import queries as queries, visualization as visualization
    from pyrapide.architecture import (
        ArchitectureDescription as ArchitectureDescription,
        ArchitectureError as ArchitectureError,
        Connection as Connection,
        ConnectionKind as ConnectionKind,
        agent as agent,
        architecture as architecture,
        connect as connect,
        pipe as pipe,
    )
    from pyrapide.architecture.maps import (
        ArchitectureMap as ArchitectureMap,
        MapError as MapError,
        MapRule as MapRule,
    )
    from pyrapide.constraints import (
        Constraint as Constraint,
        ConstraintMonitor as ConstraintMonitor,
        ConstraintViolation as ConstraintViolation,
        MustMatch as MustMatch,
        Never as Never,
        constraint as constraint,
        every as every,
        must_match as must_match,
        never as never,
    )
    from pyrapide.core import (
        CausalCycleError as CausalCycleError,
        Clock as Clock,
        ClockManager as ClockManager,
        Computation as Computation,
        ComputationFileError as ComputationFileError,
        Event as Event,
        EventSet as EventSet,
        Poset as Poset,
        RegularClock as RegularClock,
        SlavedClock as SlavedClock,
        SynchronousClock as SynchronousClock,
    )
    from pyrapide.patterns import (
        BasicPattern as BasicPattern,
        Pattern as Pattern,
        PatternMatch as PatternMatch,
        PatternSyntaxError as PatternSyntaxError,
        Placeholder as Placeholder,
        parse_pattern as parse_pattern,
        placeholder as placeholder,
    )
    from pyrapide.runtime import (
        Dispatch as Dispatch,
        Engine as Engine,
        InMemoryEventSource as InMemoryEventSource,
        RunState as RunState,
        StreamProcessor as StreamProcessor,
        System as System,
        get_context as get_context,
        module as module,
        when as when,
    )
    from pyrapide.types import (
        ActionParam as ActionParam,
        ActionSpec as ActionSpec,
        action as action,
        behavior as behavior,
        conformance_problems as conformance_problems,
        conforms_to as conforms_to,
        interface_actions as interface_actions,
        interface_name as interface_name,
        is_subtype as is_subtype,
        provides as provides,
        requires as requires,
    )
    # From its module: "interface" also names that module, which mypy, in the order
    # mypyc gives it the modules, may bind first (and then calls the function a redefinition).
    from pyrapide.types.interface import interface as interface
    # isort: on

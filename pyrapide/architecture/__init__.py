"""Architectures: components typed by interfaces, wired by connections.

This package is callable as the `@architecture` decorator itself: Python binds
an imported subpackage as an attribute of its parent, so `pyrapide.architecture`
(what `from pyrapide import architecture` yields once anything has imported
this package) is this module, and calling it must decorate.
"""

import sys
import types
from typing import Any

# Imported for its effect: it registers the class each connection kind is made as.
from pyrapide.architecture import standalone as standalone
from pyrapide.architecture.binding import (
    BoundHierarchy,
    bind_hierarchy,
    binding_problems,
    check_bindings,
)
from pyrapide.architecture.connections import (
    Connection,
    ConnectionKind,
    Delivery,
    agent,
    connect,
    connection,
    pipe,
)
from pyrapide.architecture.declaration import (
    ArchitectureSpec,
    architecture,
    architecture_spec,
    declared_by,
    is_architecture,
)
from pyrapide.architecture.description import (
    ArchitectureDescription,
    ComponentDescription,
    ConnectionDescription,
    PatternPart,
)
from pyrapide.architecture.errors import ArchitectureError
from pyrapide.architecture.hierarchy import Hierarchy, Scope

__all__ = [
    "ArchitectureDescription",
    "ArchitectureError",
    "ArchitectureSpec",
    "BoundHierarchy",
    "ComponentDescription",
    "Connection",
    "ConnectionDescription",
    "ConnectionKind",
    "Delivery",
    "Hierarchy",
    "PatternPart",
    "Scope",
    "agent",
    "architecture",
    "architecture_spec",
    "bind_hierarchy",
    "binding_problems",
    "check_bindings",
    "connect",
    "connection",
    "declared_by",
    "is_architecture",
    "pipe",
]


class _ArchitecturePackage(types.ModuleType):
    """This package's module type: calling the package applies `@architecture`."""

    def __call__(self, cls: type | None = None, /, *, implements: type | None = None) -> Any:
        decorate = architecture(implements=implements)
        return decorate if cls is None else decorate(cls)


sys.modules[__name__].__class__ = _ArchitecturePackage

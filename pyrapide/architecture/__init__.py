"""Architectures: components typed by interfaces, wired by connections.

This package is callable as the `@architecture` decorator itself: Python binds
an imported subpackage as an attribute of its parent, so `pyrapide.architecture`
(what `from pyrapide import architecture` yields once anything has imported
this package) is this module, and calling it must decorate.
"""

import sys
import types

# Imported for its effect: it registers the class each connection kind is made as.
from pyrapide.architecture import standalone as standalone
from pyrapide.architecture.binding import binding_problems, check_bindings
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
    is_architecture,
)
from pyrapide.architecture.description import (
    ArchitectureDescription,
    ComponentDescription,
    ConnectionDescription,
)
from pyrapide.architecture.errors import ArchitectureError

__all__ = [
    "ArchitectureDescription",
    "ArchitectureError",
    "ArchitectureSpec",
    "ComponentDescription",
    "Connection",
    "ConnectionDescription",
    "ConnectionKind",
    "Delivery",
    "agent",
    "architecture",
    "architecture_spec",
    "binding_problems",
    "check_bindings",
    "connect",
    "connection",
    "is_architecture",
    "pipe",
]


class _ArchitecturePackage(types.ModuleType):
    """This package's module type: calling the package applies `@architecture`."""

    def __call__(self, cls: type) -> type:
        return architecture(cls)


sys.modules[__name__].__class__ = _ArchitecturePackage

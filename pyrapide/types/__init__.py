"""Interfaces and actions: the types of the components of an architecture."""

from pyrapide.types.actions import (
    MISSING,
    ActionParam,
    ActionSpec,
    action,
    behavior,
    provides,
    requires,
)
from pyrapide.types.conformance import conformance_problems, conforms_to, is_subtype
from pyrapide.types.interface import (
    InterfaceInfo,
    action_spec,
    interface,
    interface_actions,
    interface_info,
    interface_name,
    is_interface,
    unmarked_action,
)

__all__ = [
    "MISSING",
    "ActionParam",
    "ActionSpec",
    "InterfaceInfo",
    "action",
    "action_spec",
    "behavior",
    "conformance_problems",
    "conforms_to",
    "interface",
    "interface_actions",
    "interface_info",
    "interface_name",
    "is_interface",
    "is_subtype",
    "provides",
    "requires",
    "unmarked_action",
]

"""Questions asked of a recorded computation, and views of it (text, DOT, Mermaid, JSON).

Each of ``queries``, ``structure`` and ``visualization`` is imported on first use,
so that a program needing one helper of the package (the workbench's plain-text
graph uses its DOT and Mermaid escaping) does not import them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["queries", "structure", "visualization"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'pyrapide.analysis' has no attribute {name!r}")
    return importlib.import_module(f"{__name__}.{name}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    # isort: off
    from pyrapide.analysis import (
        queries as queries,
        structure as structure,
        visualization as visualization,
    )
    # isort: on

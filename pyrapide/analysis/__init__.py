"""Questions asked of a recorded computation, and views of it (text, DOT, Mermaid, JSON).

Each of ``queries``, ``structure`` and ``visualization`` is imported on first use,
so that a program needing one helper of the package (the workbench's plain-text
graph uses its DOT and Mermaid escaping) does not import them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyrapide._lazy import lazy_exports

__all__ = ["queries", "structure", "visualization"]


__getattr__, __dir__ = lazy_exports(
    __name__, {}, {name: f"{__name__}.{name}" for name in __all__}
)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    # isort: off
    from pyrapide.analysis import (
        queries as queries,
        structure as structure,
        visualization as visualization,
    )
    # isort: on

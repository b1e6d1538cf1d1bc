"""Questions asked of a recorded computation, and views of it (text, DOT, Mermaid, JSON)."""

from pyrapide.analysis import queries, visualization

__all__ = ["queries", "visualization"]

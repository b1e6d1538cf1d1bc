"""Questions asked of a recorded computation, and views of it (text, DOT, Mermaid, JSON)."""

from pyrapide.analysis import queries, structure, visualization

__all__ = ["queries", "structure", "visualization"]

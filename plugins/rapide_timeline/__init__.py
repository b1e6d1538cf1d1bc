"""The ``timeline`` command: the latest events drawn as one swimlane per component.

A first-party plugin, found like any other through the ``rapide`` entry point group
(``[project.entry-points.rapide] timeline = "rapide_timeline"``).
"""

from __future__ import annotations

from rapide_timeline.command import TIMELINE, rapide_add_commands, timeline

__all__ = ["TIMELINE", "rapide_add_commands", "timeline"]

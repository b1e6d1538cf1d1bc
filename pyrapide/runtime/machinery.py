"""What a System runs with, imported when it first needs it: the scheduler and its collaborators.

Binding an architecture builds a System, and an architecture file commonly binds
one at import; ``rapide check`` loads such a file and describes it without ever
running it. The scheduler, routing, handler table, reporting and the notifications
they publish (about a quarter of the runtime's import) come through this module,
which :mod:`pyrapide.runtime.system` imports on the system's first use of them.
"""

from __future__ import annotations

from pyrapide.runtime.handlers import HandlerTable
from pyrapide.runtime.notifications import StateChanged
from pyrapide.runtime.reporting import Reporter
from pyrapide.runtime.routing import Router
from pyrapide.runtime.scheduler import Scheduler

__all__ = ["HandlerTable", "Reporter", "Router", "Scheduler", "StateChanged"]

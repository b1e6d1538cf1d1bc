"""Constraints on computations: must_match, never, every(P).leads_to(Q), @constraint, monitors.

A constraint is checked over a whole computation (``constraint.check(comp)``) or
incrementally by a :class:`ConstraintMonitor` as events arrive::

    monitor = ConstraintMonitor()
    monitor.add_constraint(never(Pattern.match("Tool.error"), name="no_errors"))
    monitor.add_constraint(every(Pattern.match("Tool.call")).leads_to(Pattern.match("Tool.result")))
    monitor.check(event)       # -> violations this event makes certain
    monitor.finish()           # -> what stands at the end: unmet requirements, unanswered calls
"""

from pyrapide.constraints.base import Constraint, Tracker
from pyrapide.constraints.declarative import RuleSet, constraint
from pyrapide.constraints.leads_to import LeadsTo, every
from pyrapide.constraints.monitor import CheckRaised, ConstraintMonitor, GuardRaised
from pyrapide.constraints.rules import MustMatch, Never, must_match, never
from pyrapide.constraints.violation import ConstraintViolation

__all__ = [
    "CheckRaised",
    "Constraint",
    "ConstraintMonitor",
    "ConstraintViolation",
    "GuardRaised",
    "LeadsTo",
    "MustMatch",
    "Never",
    "RuleSet",
    "Tracker",
    "constraint",
    "every",
    "must_match",
    "never",
]

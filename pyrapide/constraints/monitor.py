"""ConstraintMonitor: checks constraints incrementally as the events of a run arrive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyrapide.constraints.base import Constraint, Tracker, constraint_name, poset_of
from pyrapide.constraints.violation import ConstraintViolation, violation_key
from pyrapide.core import Computation, Event

__all__ = ["ConstraintMonitor"]


class ConstraintMonitor:
    """Checks constraints as events arrive, without rescanning history per event.

    Two ways to feed it:

    - ``check(event, caused_by=None)`` records the event in the monitor's own
      computation and checks it (PyRapide 0.3.0's API);
    - ``observe(event, computation)`` checks an event already recorded in a
      computation the caller owns (a running system's), without copying it. One
      monitor follows one computation; ``reset()`` starts over.

    Both return the violations the event makes certain: each match of a ``never``
    pattern, once. Conditions on the whole run (an unmet ``must_match``, a
    ``leads_to`` obligation still unanswered) are decided at its end:
    ``finish()`` returns them, and ``violations`` lists everything so far
    followed by them. Constraints written by hand (a ``check`` method only) are
    run over the whole computation by ``finish()``.
    """

    def __init__(self, constraints: Iterable[Constraint] = ()) -> None:
        self._constraints: dict[str, Constraint] = {}
        self._trackers: dict[str, Tracker] = {}
        self._own = Computation()
        self._followed: Any = self._own  # the computation (or poset) being checked
        self._fed = 0  # how many of the followed computation's events were checked
        self._reported: list[ConstraintViolation] = []
        self._reported_keys: set[Any] = set()
        self._standing: dict[Any, ConstraintViolation] = {}  # keeps outstanding reports stable
        for item in constraints:
            self.add_constraint(item)

    # ------------------------------------------------------------ constraints
    def add_constraint(self, constraint: Constraint) -> None:
        """Register ``constraint``; events already checked are checked against it now.

        A ``@constraint`` class may be passed instead of an instance. Raises
        TypeError for something that is not a constraint and ValueError when a
        constraint of the same name is registered.
        """
        if isinstance(constraint, type) and issubclass(constraint, Constraint):
            constraint = constraint()
        if not isinstance(constraint, Constraint):
            raise TypeError(f"add_constraint expects a Constraint, got {type(constraint).__name__}")
        name = constraint_name(constraint)
        if name in self._constraints:
            raise ValueError(f"a constraint named {name!r} is already registered")
        tracker = constraint.tracker()
        tracker.bind(self._followed)
        self._constraints[name] = constraint
        self._trackers[name] = tracker
        if self._fed:
            poset = poset_of(self._followed)
            for event in self._checked_events():
                self._report(tracker.feed(event, poset))

    def remove_constraint(self, name: str) -> None:
        """Unregister the constraint called ``name`` (KeyError naming those registered)."""
        if name not in self._constraints:
            known = ", ".join(map(repr, self._constraints)) or "none"
            raise KeyError(f"no constraint named {name!r} (registered: {known})")
        del self._constraints[name]
        del self._trackers[name]

    @property
    def constraint_names(self) -> list[str]:
        """The names of the registered constraints, in registration order."""
        return list(self._constraints)

    # ---------------------------------------------------------------- feeding
    @property
    def computation(self) -> Any:
        """The computation being checked: the monitor's own, or the one observed."""
        return self._followed

    def check(
        self, event: Event, caused_by: Iterable[Event | str] | None = None
    ) -> list[ConstraintViolation]:
        """Record ``event`` (caused by ``caused_by``) in the monitor's computation and check it.

        Returns the violations it makes certain. Raises ValueError when the monitor
        is observing another computation, or the event was checked already.
        """
        if self._followed is not self._own:
            raise ValueError(
                "this monitor observes another computation; use observe(), or reset() first"
            )
        if event in self._own:
            raise ValueError(f"event {event.id!r} was already checked by this monitor")
        self._own.record(event, caused_by=list(caused_by) if caused_by else None)
        return self.observe(event, self._own)

    def check_batch(self, events: Iterable[Event]) -> list[ConstraintViolation]:
        """``check`` each event in turn; all the new violations."""
        return [violation for event in events for violation in self.check(event)]

    def observe(self, event: Event, computation: Any) -> list[ConstraintViolation]:
        """Check ``event``, already recorded (with its causes) in ``computation``.

        Feed every event of the computation once, in recording order. Returns the
        violations it makes certain. A monitor follows one computation: observing
        another one raises ValueError until ``reset()``.
        """
        if computation is not self._followed:
            if self._fed:
                raise ValueError(
                    "this monitor already follows another computation; reset() it first"
                )
            self._follow(computation)
        self._fed += 1
        poset = poset_of(computation)
        found: list[ConstraintViolation] = []
        for tracker in self._trackers.values():
            violations = tracker.feed(event, poset)
            if violations:
                found.extend(violations)
        return self._report(found)

    def check_event(self, event: Event, computation: Any) -> list[ConstraintViolation]:
        """PyRapide 0.3.0's name for :meth:`observe`."""
        return self.observe(event, computation)

    def record_causal_link(self, cause: Event, effect: Event) -> list[ConstraintViolation]:
        """Add a causal link between two events already checked, and re-check.

        A late link can create matches no event arrival announced, so the monitor
        re-derives its state from the events so far (cost proportional to them:
        meant for occasional links). Returns the violations that are new.
        """
        poset_of(self._followed).add_causal_link(cause, effect)
        self._trackers = {name: c.tracker() for name, c in self._constraints.items()}
        poset = poset_of(self._followed)
        found: list[ConstraintViolation] = []
        for tracker in self._trackers.values():
            tracker.bind(self._followed)
            for event in self._checked_events():
                found.extend(tracker.feed(event, poset))
        return self._report(found)

    def rebase(self, computation: Any) -> list[ConstraintViolation]:
        """Follow ``computation``, a trimmed copy holding the most recent events so far.

        For sliding windows: the dropped events are forgotten; an open obligation
        (an unanswered ``leads_to`` trigger) that involved one can no longer be
        answered and is returned, and recorded, as a violation now.
        """
        kept = list(computation)
        self._followed = computation
        self._fed = len(kept)
        self._standing.clear()
        poset = poset_of(computation)
        found: list[ConstraintViolation] = []
        for tracker in self._trackers.values():
            tracker.bind(computation)
            found.extend(tracker.rebase(kept, poset))
        return self._report(found)

    def reset(self) -> None:
        """Forget every event and violation; the constraints stay registered."""
        self._own = Computation()
        self._follow(self._own)
        self._fed = 0
        self._reported = []
        self._reported_keys = set()

    def _follow(self, computation: Any) -> None:
        self._followed = computation
        self._standing.clear()
        self._trackers = {name: c.tracker() for name, c in self._constraints.items()}
        for tracker in self._trackers.values():
            tracker.bind(computation)

    def _checked_events(self) -> list[Event]:
        # Replays go in a causal order: a late link may point from a later-recorded event.
        poset = poset_of(self._followed)
        if self._fed == len(poset):
            return poset.topological_order()
        return [event for event in poset.topological_order() if poset.seq(event) < self._fed]

    def _report(self, violations: list[ConstraintViolation]) -> list[ConstraintViolation]:
        new = []
        for violation in violations:
            key = violation_key(violation)
            if key not in self._reported_keys:
                self._reported_keys.add(key)
                self._reported.append(violation)
                new.append(violation)
        return new

    # ----------------------------------------------------------------- results
    def finish(self) -> list[ConstraintViolation]:
        """The violations that stand if the run ends now (not yet reported ones only).

        Unmet ``must_match`` constraints, unanswered ``leads_to`` triggers and the
        findings of hand-written constraints. Asking does not stop the monitor:
        later events may still satisfy them.
        """
        standing = []
        for tracker in self._trackers.values():
            for violation in tracker.outstanding():
                key = violation_key(violation)
                if key in self._reported_keys:
                    continue
                standing.append(self._standing.setdefault(key, violation))
        return standing

    @property
    def violations(self) -> list[ConstraintViolation]:
        """Every violation so far, in the order found, then those of :meth:`finish`."""
        return [*self._reported, *self.finish()]

    def check_all(self, computation: Any) -> list[ConstraintViolation]:
        """Check every constraint over a whole computation (batch; the monitor is unchanged)."""
        return [v for c in self._constraints.values() for v in c.check(computation)]

    def __repr__(self) -> str:
        return f"<ConstraintMonitor {len(self._constraints)} constraints, {self._fed} events>"

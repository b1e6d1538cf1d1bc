"""ConstraintMonitor: checks constraints incrementally as the events of a run arrive."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pyrapide.constraints.arguments import (
    causes_given,
    computation_given,
    event_given,
    events_given,
    followed_given,
)
from pyrapide.constraints.base import (
    Constraint,
    Tracker,
    checked_by,
    constraint_name,
    matchers_warn,
    poset_of,
    what_is_no_constraint,
)
from pyrapide.constraints.violation import ConstraintViolation, found_where, violation_key
from pyrapide.core import Computation, Event
from pyrapide.core.interrupts import contained
from pyrapide.core.printable import counted, described
from pyrapide.patterns import PatternMatch
from pyrapide.patterns.operators import GuardedPattern, guards_in

__all__ = ["CheckRaised", "ConstraintMonitor", "GuardRaised"]


@dataclass(frozen=True)
class GuardRaised:
    """A guard (``.where``) of a constraint's pattern raised on ``match`` as an event
    was observed: that match counted as none, so the constraint may hold (or fail)
    for want of it. ``error`` is the exception, its traceback kept."""

    constraint_name: str
    match: PatternMatch
    error: BaseException


@dataclass(frozen=True)
class CheckRaised:
    """The ``check`` of a constraint written by hand raised (or returned no list of
    violations) as the monitor asked what stands: that constraint found nothing then.
    ``error`` is the exception, its traceback kept; ``checked`` how many events had
    been observed when it raised."""

    constraint_name: str
    error: BaseException
    checked: int


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

    ``record_causal_link(cause, effect)`` tells the monitor of a link found after
    both events were checked; see there for its cost.

    Each violation it reports says where it was found (``found_by``, ``position``:
    see :class:`ConstraintViolation`). ``clock``, if given, is called for the time it
    is stamped with (a running system passes its own, logical unless real-time);
    otherwise a violation keeps the wall time it was made at, as in PyRapide 0.3.0.

    A guard of a constraint's pattern that raises counts as a non-match. Its error is
    warned once per pattern (a RuntimeWarning) and kept in ``pattern.guard_errors``;
    with ``tell_guard_errors=True`` it is not warned but listed in ``raised`` instead
    (a :class:`GuardRaised` for each, as ``observe`` meets them), for the caller to
    tell of: a running system reports each as a ``ConstraintGuardError``.

    The ``check`` of a constraint written by hand that raises ends ``finish()`` (and
    ``violations``) with its error, a note naming the constraint added. With
    ``tell_guard_errors=True`` it is contained instead: that constraint finds nothing
    then, and a :class:`CheckRaised` is listed in ``check_raised``, once for the events
    observed so far however often ``finish()`` is asked (a running system reports it
    as a ``ConstraintCheckError``).
    """

    def __init__(
        self,
        constraints: Iterable[Constraint] = (),
        *,
        clock: Callable[[], float] | None = None,
        tell_guard_errors: bool = False,
    ) -> None:
        if clock is not None and not callable(clock):
            # Called only once a violation is found, it would fail there, losing it.
            raise TypeError(
                "ConstraintMonitor(clock=...) takes a function returning the time, "
                f"got {described(clock)}"
            )
        self._clock = clock
        self._tells = tell_guard_errors
        self._constraints: dict[str, Constraint] = {}
        self._trackers: dict[str, Tracker] = {}
        # The guards of each constraint's patterns, for those that have any, when the
        # monitor tells of their errors.
        self._guards: dict[str, tuple[GuardedPattern, ...]] = {}
        self.raised: list[GuardRaised] = []
        """The guard errors met by ``observe`` not yet taken (``tell_guard_errors``)."""
        self.check_raised: list[CheckRaised] = []
        """The errors of hand-written checks met by ``finish`` not yet taken
        (``tell_guard_errors``)."""
        # The name of each constraint whose check raised -> how many events had been
        # observed then: asked again with no new event, it is not told again.
        self._check_raised_at: dict[str, int] = {}
        self._own = Computation()
        self._followed: Any = self._own  # the computation (or poset) being checked
        self._fed = 0  # how many of the followed computation's events were checked
        # The recording position the next event observed must be at or beyond: each is
        # fed once, after every event recorded before it that is fed at all.
        self._next_position = 0
        self._reported: list[ConstraintViolation] = []
        # violation key -> the name of the constraint whose tracker found it
        self._reported_keys: dict[Any, str] = {}
        self._standing: dict[Any, ConstraintViolation] = {}  # keeps outstanding reports stable
        # The event fed last to every tracker while that feed can still be retracted,
        # and the (constraint name, violation) pairs that feed found.
        self._last_observed: Event | None = None
        self._last_found: list[tuple[str, ConstraintViolation]] = []
        # Whether rebase() dropped events: their links are gone from the computation,
        # so a re-derivation that misses a violation no longer proves it was withdrawn.
        self._windowed = False
        # Ids of events record_causal_link checked before the caller did: the caller's
        # own check of each (0.3.0's order: link, then check) then finds nothing new.
        self._checked_by_link: set[str] = set()
        if isinstance(constraints, Constraint | str) or not isinstance(constraints, Iterable):
            shown = type(constraints).__name__
            raise TypeError(
                f"ConstraintMonitor() takes a list of constraints, got {shown}"
                + (" (write ConstraintMonitor([constraint]))"
                   if isinstance(constraints, Constraint) else "")
            )
        for item in constraints:
            self._add(item, "ConstraintMonitor()")

    # ------------------------------------------------------------ constraints
    def add_constraint(self, constraint: Constraint) -> None:
        """Register ``constraint``; events already checked are checked against it now.

        A ``@constraint`` class may be passed instead of an instance. Raises
        TypeError for something that is not a constraint and ValueError when a
        constraint of the same name is registered.
        """
        self._add(constraint, "add_constraint")

    def _add(self, constraint: Any, caller: str) -> None:
        """``add_constraint``, whose errors name ``caller``: the method the user called."""
        if isinstance(constraint, type) and issubclass(constraint, Constraint):
            constraint = constraint()
        if not isinstance(constraint, Constraint):
            raise TypeError(f"{caller} takes a constraint, not {what_is_no_constraint(constraint)}")
        name = constraint_name(constraint)
        if name in self._constraints:
            raise ValueError(f"a constraint named {name!r} is already registered")
        with matchers_warn(not self._tells):
            tracker = constraint.tracker()
        tracker.bind(self._followed)
        self._constraints[name] = constraint
        self._trackers[name] = tracker
        if self._tells:
            patterns = constraint.patterns()
            guards = tuple(guard for pattern in patterns for guard in guards_in(pattern))
            if guards:
                self._guards[name] = guards
        if self._fed:
            poset = poset_of(self._followed)
            self._last_observed = None  # the new tracker was fed in another order
            for event in self._checked_events():
                found = [(name, violation) for violation in tracker.feed(event, poset)]
                self._report(found, event)

    def remove_constraint(self, name: str) -> None:
        """Unregister the constraint called ``name`` (KeyError naming those registered)."""
        if name not in self._constraints:
            known = ", ".join(map(repr, self._constraints)) or "none"
            raise KeyError(f"no constraint named {name!r} (registered: {known})")
        del self._constraints[name]
        del self._trackers[name]
        self._guards.pop(name, None)
        self._check_raised_at.pop(name, None)
        self._last_found = [(source, v) for source, v in self._last_found if source != name]

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

        ``caused_by`` is an event or an event id, or a list of them, checked already.
        Returns the violations it makes certain. Raises TypeError for what is not an
        event (naming the method that takes it: ``check_all`` a whole computation,
        ``check_batch`` a list), and ValueError when the monitor is observing another
        computation, or the event was checked already.
        """
        event_given("check(event)", event)
        causes_given("check(event, caused_by=...)", caused_by)
        if self._followed is not self._own:
            raise ValueError(
                "this monitor observes another computation; use observe(), or reset() first"
            )
        if event in self._own:
            if event.id in self._checked_by_link:
                self._checked_by_link.discard(event.id)
                return []
            raise ValueError(f"event {event.id!r} was already checked by this monitor")
        self._own.record(event, caused_by=caused_by)
        return self._observe(event, self._own)

    def check_batch(self, events: Iterable[Event]) -> list[ConstraintViolation]:
        """``check`` each event in turn; all the new violations. TypeError for a
        computation (``check_all`` checks one, with its causes) or a single event,
        ValueError for an event given twice or checked already; either way nothing
        is checked."""
        given = events_given("check_batch(events)", events)
        # Every event is looked at before any is checked: one refused half-way would
        # leave those before it checked, their violations returned to no one.
        at: dict[str, int] = {}
        for index, event in enumerate(given):
            first = at.setdefault(event.id, index)
            if first != index:
                problem = f"is at index {first} and at index {index}"
            elif event in self._own and event.id not in self._checked_by_link:
                problem = f"at index {index} was already checked by this monitor"
            else:
                continue
            raise ValueError(
                f"ConstraintMonitor.check_batch(events): event {event.id!r} ({event.name}) "
                f"{problem}; each event is checked once (nothing was checked)"
            )
        return [violation for event in given for violation in self.check(event)]

    def observe(self, event: Event, computation: Any) -> list[ConstraintViolation]:
        """Check ``event``, already recorded (with its causes) in ``computation``.

        Feed every event of the computation once, in recording order; the events
        recorded before ``event`` and not fed yet are checked first. Returns the
        violations these make certain. A monitor follows one computation: observing
        another one raises ValueError until ``reset()``. TypeError when ``event`` is
        not an Event or ``computation`` neither a Computation nor a Poset (the two the
        other way round included), ValueError when ``event`` is not recorded in it,
        or was recorded before (or is) an event observed already.
        """
        followed_given("observe(event, computation)", event, computation)
        return self._observe(event, computation, "observe")

    def _observe(
        self, event: Event, computation: Any, call: str = "check"
    ) -> list[ConstraintViolation]:
        """:meth:`observe` with its arguments known to be right, called as ``call``."""
        if computation is not self._followed:
            if self._fed:
                raise ValueError(
                    "this monitor already follows another computation; reset() it first"
                )
            self._follow(computation)
        poset = poset_of(computation)
        position = poset.seq(event)
        if position < self._next_position:
            # Fed again, or after an event recorded later: the matchers would check it
            # wrongly without a word (a never(A >> B) is missed when B comes before A).
            raise ValueError(
                f"ConstraintMonitor.{call}(event, computation): event {event.id!r} "
                f"({event.name}) is event {position + 1} of the computation, and event "
                f"{self._next_position} was observed already; observe each event once, "
                "in recording order (nothing was checked)"
            )
        earlier: list[ConstraintViolation] = []
        if position > self._next_position:
            # Recorded before it and not observed (0.3.0's check_event judged the
            # computation as it stood): observed first, in recording order, so that what
            # they make certain is neither missed nor said to be found by this event.
            for skipped in tuple(poset.events)[self._next_position : position]:
                self._fed += 1
                earlier.extend(self._report(self._feed(skipped, poset), skipped))
        self._next_position = position + 1
        self._fed += 1
        found = self._feed(event, poset)
        self._last_observed = event
        self._last_found = found
        return earlier + self._report(found, event)

    def _feed(self, event: Event, poset: Any) -> list[tuple[str, ConstraintViolation]]:
        """Feed ``event`` to every tracker: what each finds, with its constraint's name."""
        found: list[tuple[str, ConstraintViolation]] = []
        guarded = self._guards
        for name, tracker in self._trackers.items():
            guards = guarded.get(name)
            if guards is None:
                violations = tracker.feed(event, poset)
            else:
                before = [guard.guard_error_count for guard in guards]
                violations = tracker.feed(event, poset)
                self._note_raised(name, guards, before)
            if violations:
                found.extend((name, violation) for violation in violations)
        return found

    def _note_raised(
        self, name: str, guards: tuple[GuardedPattern, ...], before: list[int]
    ) -> None:
        """Add to ``raised`` the errors each of ``guards`` met since its count was
        ``before``, in constraint ``name``."""
        for guard, count in zip(guards, before, strict=True):
            new = guard.guard_error_count - count
            if new > 0:
                # guard_errors keeps the latest records (a bounded deque), newest last.
                for found, error in list(guard.guard_errors)[-new:]:
                    self.raised.append(GuardRaised(name, found, error))

    def take_raised(self) -> list[GuardRaised]:
        """The guard errors in ``raised``, which is emptied."""
        raised, self.raised = self.raised, []
        return raised

    def take_check_raised(self) -> list[CheckRaised]:
        """The check errors in ``check_raised``, which is emptied."""
        raised, self.check_raised = self.check_raised, []
        return raised

    def check_event(self, event: Event, computation: Any) -> list[ConstraintViolation]:
        """PyRapide 0.3.0's name for :meth:`observe`."""
        followed_given("check_event(event, computation)", event, computation)
        return self._observe(event, computation, "check_event")

    def record_causal_link(self, cause: Event, effect: Event) -> list[ConstraintViolation]:
        """Add a causal link between two events already checked, and re-check.

        Returns the violations that are new. A link can also rule out a violation
        already reported (a ``never`` over an independence ``|`` whose events are
        now ordered): it is withdrawn, and ``violations`` no longer lists it.
        Raises what ``Poset.add_causal_link`` raises (an unknown event, a cycle),
        leaving the monitor unchanged.

        When ``effect`` is the event checked last (0.3.0's idiom ``check(a);
        check(b); record_causal_link(a, b)``) and has no effects, the link costs
        what ``check(b, caused_by=[a])`` costs: only ``effect`` is checked again.
        Any other link makes the monitor re-derive its state from every event so
        far (cost proportional to them: meant for occasional links).

        An event of the link that was not checked yet is checked first, as PyRapide
        0.3.0 did (``effect`` as caused by ``cause``); the caller's own ``check`` of
        it afterwards then finds nothing new.
        """
        if self._followed is self._own and (cause not in self._own or effect not in self._own):
            return self._check_for_link(cause, effect)
        poset = poset_of(self._followed)
        incremental = self._only_effect_changes(poset, cause, effect)
        poset.add_causal_link(cause, effect)
        trackers = self._trackers
        # Every tracker retracts (a list, not a generator): a rebuild replaces them all.
        if not incremental or not all([t.retract_last() for t in trackers.values()]):
            return self._rebuild(effect)
        found = [
            (name, violation)
            for name, tracker in trackers.items()
            for violation in tracker.feed(effect, poset)
        ]
        still_found = {violation_key(violation) for _, violation in found}
        self._withdraw({violation_key(v) for _, v in self._last_found} - still_found)
        self._last_found = found
        return self._report(found, effect)

    def _check_for_link(self, cause: Event, effect: Event) -> list[ConstraintViolation]:
        """``record_causal_link`` where the monitor has not checked ``cause`` or
        ``effect`` yet: check them first, the link included."""
        found: list[ConstraintViolation] = []
        if cause not in self._own:
            found += self.check(cause)
            self._checked_by_link.add(cause.id)
        if effect in self._own:
            return found + self.record_causal_link(cause, effect)
        found += self.check(effect, caused_by=[cause])
        self._checked_by_link.add(effect.id)
        return found

    def _only_effect_changes(self, poset: Any, cause: Event, effect: Event) -> bool:
        """Whether linking ``cause`` to ``effect`` changes what the trackers derived for
        ``effect``'s last feed only: it is the event fed last and no checked event
        descends from it, so no relation between two other checked events changes."""
        last = self._last_observed
        if last is None or effect != last:
            return False
        seq = poset.seq
        try:
            cause_position = seq(cause)
        except ValueError:
            return False  # not in the computation: add_causal_link says so
        fed = self._fed
        return cause_position < fed and all(seq(later) >= fed for later in poset.effects(effect))

    def _rebuild(self, linked: Event) -> list[ConstraintViolation]:
        """Re-derive every tracker from the events checked so far, once a link to
        ``linked`` changed what they derived; the new violations (found by ``linked``)."""
        self._fresh_trackers()
        self._last_observed, self._last_found = None, []
        poset = poset_of(self._followed)
        checked = self._checked_events()
        found: list[tuple[str, ConstraintViolation]] = []
        for name, tracker in self._trackers.items():
            for event in checked:
                found.extend((name, violation) for violation in tracker.feed(event, poset))
        if not self._windowed:
            still_found = {violation_key(violation) for _, violation in found}
            self._withdraw(
                {
                    key
                    for key, source in self._reported_keys.items()
                    if source in self._trackers and key not in still_found
                }
            )
        return self._report(found, linked)

    def _withdraw(self, keys: set[Any]) -> None:
        """Forget the reported violations under ``keys``: the computation rules them out."""
        remaining = sum(self._reported_keys.pop(key, None) is not None for key in keys)
        if not remaining:
            return
        # Recent reports are the likeliest to be withdrawn: look from the end.
        reported = self._reported
        for index in range(len(reported) - 1, -1, -1):
            if violation_key(reported[index]) in keys:
                del reported[index]
                remaining -= 1
                if not remaining:
                    break

    def rebase(self, computation: Any) -> list[ConstraintViolation]:
        """Follow ``computation``, a trimmed copy holding the most recent events so far.

        For sliding windows: the dropped events are forgotten; an open obligation
        (an unanswered ``leads_to`` trigger) that involved one can no longer be
        answered and is returned, and recorded, as a violation now. From here on a
        pattern matches inside ``computation`` only; what is settled stays settled: a
        violation reported is not reported again, a ``must_match`` met stays met, and
        an event a constraint class's filter let through stays through (a match of
        the rules waiting for its events to be let through waits on if they are all
        kept). A hand-written constraint (``check`` only) sees ``computation`` alone.
        TypeError, the monitor unchanged, when ``computation`` is neither a
        Computation nor a Poset.
        """
        computation_given("rebase(computation)", computation)
        kept = list(computation)
        self._followed = computation
        self._fed = self._next_position = len(kept)
        self._standing.clear()
        self._last_observed, self._last_found = None, []
        self._windowed = True
        poset = poset_of(computation)
        found: list[tuple[str, ConstraintViolation]] = []
        for name, tracker in self._trackers.items():
            tracker.bind(computation)
            with matchers_warn(not self._tells):
                found.extend((name, violation) for violation in tracker.rebase(kept, poset))
        return self._report(found, None)

    def reset(self) -> None:
        """Forget every event and violation; the constraints stay registered."""
        self._own = Computation()
        self._follow(self._own)
        self._checked_by_link.clear()
        self._fed = 0
        self._reported = []
        self._reported_keys = {}
        self._windowed = False

    def _follow(self, computation: Any) -> None:
        self._followed = computation
        self._check_raised_at.clear()
        self._next_position = 0
        self._standing.clear()
        self._last_observed, self._last_found = None, []
        self._fresh_trackers()

    def _fresh_trackers(self) -> None:
        """A new tracker per constraint, following the followed computation."""
        with matchers_warn(not self._tells):
            self._trackers = {name: c.tracker() for name, c in self._constraints.items()}
        for tracker in self._trackers.values():
            tracker.bind(self._followed)

    def _checked_events(self) -> list[Event]:
        # Replays go in a causal order: a late link may point from a later-recorded event.
        poset = poset_of(self._followed)
        if self._fed == len(poset):
            return poset.topological_order()
        return [event for event in poset.topological_order() if poset.seq(event) < self._fed]

    def _report(
        self, found: list[tuple[str, ConstraintViolation]], found_by: Event | None
    ) -> list[ConstraintViolation]:
        """Record the violations not reported yet, each with the constraint that found it,
        saying where they were found: by ``found_by`` (None: by no one event)."""
        new = []
        for source, violation in found:
            key = violation_key(violation)
            if key not in self._reported_keys:
                violation = self._placed(violation, found_by)
                self._reported_keys[key] = source
                self._reported.append(violation)
                new.append(violation)
        return new

    def _placed(
        self, violation: ConstraintViolation, found_by: Event | None
    ) -> ConstraintViolation:
        """``violation`` saying where it was found: by ``found_by``, at its place in the
        computation (else after every event checked), stamped by the monitor's clock."""
        position = self._fed if found_by is None else poset_of(self._followed).seq(found_by) + 1
        clock = self._clock
        return found_where(violation, found_by, position, None if clock is None else clock())

    # ----------------------------------------------------------------- results
    def finish(self) -> list[ConstraintViolation]:
        """The violations that stand if the run ends now (not yet reported ones only).

        Unmet ``must_match`` constraints, unanswered ``leads_to`` triggers and the
        findings of hand-written constraints. Asking does not stop the monitor:
        later events may still satisfy them.
        """
        standing = []
        for name, tracker in self._trackers.items():
            for violation in self._outstanding(name, tracker):
                key = violation_key(violation)
                if key in self._reported_keys:
                    continue
                if key not in self._standing:
                    self._standing[key] = self._placed(violation, None)
                standing.append(self._standing[key])
        return standing

    def _outstanding(self, name: str, tracker: Tracker) -> list[ConstraintViolation]:
        """What ``tracker`` (of constraint ``name``) says stands; when the monitor tells
        of the errors of the user's code, none if a hand-written check raised, which is
        listed in ``check_raised`` (once for the events observed so far)."""
        if not self._tells:
            return tracker.outstanding()
        try:
            return tracker.outstanding()
        except BaseException as error:
            if not contained(error):
                raise  # the user's Ctrl-C
            if self._check_raised_at.get(name) != self._fed:
                self._check_raised_at[name] = self._fed
                self.check_raised.append(CheckRaised(name, error, self._fed))
            return []

    @property
    def violations(self) -> list[ConstraintViolation]:
        """Every violation so far, in the order found, then those of :meth:`finish`.

        Violations a later causal link ruled out are withdrawn from this list.
        """
        return [*self._reported, *self.finish()]

    def check_all(self, computation: Any) -> list[ConstraintViolation]:
        """Check every constraint over a whole computation or poset (batch; the monitor
        is unchanged). TypeError for anything else (an event: ``check``; a list of
        events: ``check_batch``)."""
        computation_given("check_all(computation)", computation)
        return [v for c in self._constraints.values() for v in checked_by(c, computation)]

    def __repr__(self) -> str:
        rules = counted(len(self._constraints), "constraint")
        return f"<ConstraintMonitor {rules}, {counted(self._fed, 'event')}>"
